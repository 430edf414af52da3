//! Descriptions and tags of registered models and their versions: the words people attach to a model
//! (what it is for, who owns it, which ticket approved it), kept within MLflow's limits so that a push
//! to a server accepts them, and audited like every other change.

use super::model::{AuditEvent, Registry, RegistryChange};
use super::ops::{existing, Log, RegistryError};
use crate::tracking::limits::{check_key, check_length, Field, MAX_ENTITY_KEY_LENGTH, MAX_TAG_VAL_LENGTH};

/// Longest description. MLflow's SQL store does not bound it; the page keeps it to a tag value's 5000
/// characters so it exports cleanly (MLflow mirrors descriptions in the `mlflow.note.content` tag).
const MAX_DESCRIPTION_LENGTH: usize = 5000;

/// What a change is about: a registered model, or one of its versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    /// The registered model of that name.
    Model(&'a str),
    /// That version of that model.
    Version(&'a str, u32),
}

/// A change to a description or the tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetaEdit {
    /// Replace the description (trimmed; empty clears it).
    Description(String),
    /// Set a tag (created or changed). The key is trimmed; the value is kept as given.
    SetTag {
        /// The key: MLflow's tag-key rules (letters, digits, `_ - . : /` and spaces, at most 250).
        key: String,
        /// The value: at most 5000 characters.
        value: String,
    },
    /// Remove a tag.
    DeleteTag(String),
}

/// Plans `edit` on `subject`: the changes to apply, with their audit entry, or why it is refused.
/// Setting a tag to the value it has, or a description to the text it has, is not refused: it plans no
/// change at all (an empty list), so a double click does not fill the audit log.
pub fn edit_meta(
    registry: &Registry,
    subject: Subject<'_>,
    edit: &MetaEdit,
    now_ms: i64,
) -> Result<Vec<RegistryChange>, RegistryError> {
    let (name, version) = match subject {
        Subject::Model(name) => (name, None),
        Subject::Version(name, version) => (name, Some(version)),
    };
    let mut model =
        registry.model(name).cloned().ok_or_else(|| RegistryError::UnknownModel(name.to_string()))?;
    let mut changed = match version {
        Some(v) => Some(existing(registry, name, v)?.clone()),
        None => None,
    };
    let (description, tags) = match changed.as_mut() {
        Some(v) => (&mut v.description, &mut v.tags),
        None => (&mut model.description, &mut model.tags),
    };
    let event = match edit {
        MetaEdit::Description(text) => {
            let length = text.chars().count();
            if length > MAX_DESCRIPTION_LENGTH {
                return Err(RegistryError::DescriptionTooLong(length));
            }
            let text = text.trim();
            if description == text {
                return Ok(Vec::new());
            }
            *description = text.to_string();
            AuditEvent::DescriptionChanged
        }
        MetaEdit::SetTag { key, value } => {
            let key = key.trim();
            check_key(Field::TagKey, key, MAX_ENTITY_KEY_LENGTH).map_err(RegistryError::BadTag)?;
            check_length(Field::TagValue, value, MAX_TAG_VAL_LENGTH).map_err(RegistryError::BadTag)?;
            let from = tags.insert(key.to_string(), value.clone());
            if from.as_ref() == Some(value) {
                return Ok(Vec::new());
            }
            AuditEvent::TagSet { key: key.to_string(), from, to: Some(value.clone()) }
        }
        MetaEdit::DeleteTag(key) => {
            let key = key.trim();
            let from = tags.remove(key).ok_or_else(|| RegistryError::UnknownTag(key.to_string()))?;
            AuditEvent::TagSet { key: key.to_string(), from: Some(from), to: None }
        }
    };
    let mut log = Log::new(registry, now_ms, "");
    match changed {
        Some(mut v) => {
            v.last_updated_time = now_ms.max(v.last_updated_time);
            log.changes.push(RegistryChange::PutVersion(v));
            log.audit(name, version, event);
            log.touch(name);
        }
        None => {
            model.last_updated_time = now_ms.max(model.last_updated_time);
            log.changes.push(RegistryChange::PutModel(model));
            log.audit(name, None, event);
        }
    }
    Ok(log.finish())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::super::ops::register;
    use super::*;

    /// `churn` with two versions, after `steps`, each a one-line edit: `model desc TEXT`,
    /// `v2 tag KEY=VALUE`, `model untag KEY` … Returns the model's and version 2's description and tags,
    /// and the audit events after registration, as text; or the error.
    fn after(steps: &[&str]) -> String {
        let mut registry = Registry::default();
        for run in ["r1", "r2"] {
            let (changes, _) = register(&registry, "churn", run, 1, "").unwrap();
            registry.apply(&changes);
        }
        let registered = registry.audit.len();
        for (t, step) in steps.iter().enumerate() {
            let (who, rest) = step.split_once(' ').unwrap();
            let (verb, arg) = rest.split_once(' ').unwrap_or((rest, ""));
            let subject = match who {
                "model" => Subject::Model("churn"),
                "v2" => Subject::Version("churn", 2),
                "v9" => Subject::Version("churn", 9),
                "other" => Subject::Model("other"),
                _ => panic!("who? {who}"),
            };
            let edit = match verb {
                "desc" => MetaEdit::Description(arg.to_string()),
                "tag" => {
                    let (key, value) = arg.split_once('=').unwrap();
                    MetaEdit::SetTag { key: key.to_string(), value: value.to_string() }
                }
                "untag" => MetaEdit::DeleteTag(arg.to_string()),
                _ => panic!("verb? {verb}"),
            };
            match edit_meta(&registry, subject, &edit, 10 + t as i64) {
                Ok(changes) => registry.apply(&changes),
                Err(error) => return format!("error: {error}"),
            }
        }
        let model = registry.model("churn").unwrap();
        let v2 = registry.version("churn", 2).unwrap();
        let tags = |t: &std::collections::BTreeMap<String, String>| {
            t.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
        };
        let events: Vec<String> = registry.audit[registered..]
            .iter()
            .map(|e| match &e.event {
                AuditEvent::DescriptionChanged => format!("{:?}:desc", e.version),
                AuditEvent::TagSet { key, from, to } => format!("{:?}:{key} {from:?}->{to:?}", e.version),
                other => format!("{other:?}"),
            })
            .collect();
        format!(
            "model[{}|{}] v2[{}|{}] {}",
            model.description,
            tags(&model.tags),
            v2.description,
            tags(&v2.tags),
            events.join(" ")
        )
    }

    #[test]
    fn descriptions_and_tags_of_models_and_versions() {
        assert_eq!(after(&[]), "model[|] v2[|] ");
        assert_eq!(after(&["model desc  Churn model "]), "model[Churn model|] v2[|] None:desc");
        assert_eq!(after(&["v2 desc refit of the grid"]), "model[|] v2[refit of the grid|] Some(2):desc");
        assert_eq!(after(&["model desc a", "model desc a"]), "model[a|] v2[|] None:desc");
        assert_eq!(after(&["model desc a", "model desc "]), "model[|] v2[|] None:desc None:desc");
        assert_eq!(after(&["model tag owner=ana"]), "model[|owner=ana] v2[|] None:owner None->Some(\"ana\")");
        assert_eq!(
            after(&["v2 tag ticket=OPS-7", "v2 tag ticket=OPS-8"]),
            "model[|] v2[|ticket=OPS-8] Some(2):ticket None->Some(\"OPS-7\") Some(2):ticket Some(\"OPS-7\")->Some(\"OPS-8\")"
        );
        assert_eq!(after(&["v2 tag a=1", "v2 tag a=1"]), "model[|] v2[|a=1] Some(2):a None->Some(\"1\")");
        assert_eq!(
            after(&["model tag team=ml", "model untag team"]),
            "model[|] v2[|] None:team None->Some(\"ml\") None:team Some(\"ml\")->None"
        );
        assert_eq!(
            after(&["model tag  spaced key =x"]),
            "model[|spaced key=x] v2[|] None:spaced key None->Some(\"x\")"
        );
        assert_eq!(after(&["model untag nope"]), "error: there is no tag `nope`");
        assert_eq!(after(&["v9 desc x"]), "error: `churn` has no version 9");
        assert_eq!(after(&["other desc x"]), "error: there is no registered model named `other`");
        assert_eq!(
            after(&["model tag a<b=1"]),
            "error: the tag key `a<b` has the character `<` at byte 1: use letters, digits, `_`, `-`, `.`, spaces, `:` and `/`"
        );
        assert_eq!(after(&["model tag =1"]), "error: the tag key is empty");
    }

    #[test]
    fn limits_are_mlflows() {
        let mut registry = Registry::default();
        let (changes, _) = register(&registry, "churn", "r1", 1, "").unwrap();
        registry.apply(&changes);
        let long = "x".repeat(5001);
        let subject = Subject::Model("churn");
        assert_eq!(
            edit_meta(&registry, subject, &MetaEdit::Description(long.clone()), 2),
            Err(RegistryError::DescriptionTooLong(5001))
        );
        let value = MetaEdit::SetTag { key: "k".into(), value: long };
        assert!(matches!(edit_meta(&registry, subject, &value, 2), Err(RegistryError::BadTag(_))));
        let key = MetaEdit::SetTag { key: "k".repeat(251), value: String::new() };
        assert!(matches!(edit_meta(&registry, subject, &key, 2), Err(RegistryError::BadTag(_))));
        let touched =
            edit_meta(&registry, Subject::Version("churn", 1), &MetaEdit::Description("d".into()), 7)
                .unwrap();
        registry.apply(&touched);
        assert_eq!(registry.model("churn").unwrap().last_updated_time, 7);
        assert_eq!(registry.version("churn", 1).unwrap().last_updated_time, 7);
    }
}
