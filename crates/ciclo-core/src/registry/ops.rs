//! The registry's operations: each a pure function of the current [`Registry`] giving the changes to
//! apply, with the audit entries that record it, or a typed error.

use serde::{Deserialize, Serialize};

use crate::tracking::LimitError;

use super::gate::GateCheck;
use super::model::{
    AuditEntry, AuditEvent, ModelVersion, RegisteredModel, Registry, RegistryChange, Stage,
    MODEL_ARTIFACT_PATH,
};

/// Longest registered model name (MLflow's SQL column holds 256 characters).
const MAX_MODEL_NAME_LENGTH: usize = 256;
/// Longest alias (MLflow's `_validate_model_alias_name`).
const MAX_ALIAS_LENGTH: usize = 255;

/// Why an operation is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RegistryError {
    /// The name is empty, too long, or holds `/`, `@` or `:` (which would break model URIs).
    #[error("`{0}` is not a usable model name: it must be 1 to 256 characters without `/`, `@` or `:`")]
    BadModelName(String),
    /// The alias breaks MLflow's rules (what, and why).
    #[error("`{alias}` cannot be an alias: {why}")]
    BadAlias {
        /// The alias.
        alias: String,
        /// MLflow's rule it breaks.
        why: &'static str,
    },
    /// No such registered model.
    #[error("there is no registered model named `{0}`")]
    UnknownModel(String),
    /// No such version.
    #[error("`{name}` has no version {version}")]
    UnknownVersion {
        /// The model.
        name: String,
        /// The version.
        version: u32,
    },
    /// The alias is not set.
    #[error("`{name}` has no alias @{alias}")]
    UnknownAlias {
        /// The model.
        name: String,
        /// The alias.
        alias: String,
    },
    /// The version is already where it was asked to go.
    #[error("version {version} of `{name}` is already {target}")]
    AlreadyThere {
        /// The model.
        name: String,
        /// The version.
        version: u32,
        /// The stage or `@alias`.
        target: String,
    },
    /// The description is longer than the page keeps.
    #[error("the description is {0} characters long, more than 5000")]
    DescriptionTooLong(usize),
    /// A tag key or value outside MLflow's limits.
    #[error("{0}")]
    BadTag(LimitError),
    /// No such tag.
    #[error("there is no tag `{0}`")]
    UnknownTag(String),
    /// The run id is empty.
    #[error("a version needs the run that logged its model")]
    NoRun,
}

/// Checks a registered model name.
pub fn validate_model_name(name: &str) -> Result<(), RegistryError> {
    let trimmed = name.trim();
    let length = trimmed.chars().count();
    if length == 0 || length > MAX_MODEL_NAME_LENGTH || trimmed.contains(['/', '@', ':']) || trimmed != name {
        return Err(RegistryError::BadModelName(name.to_string()));
    }
    Ok(())
}

/// Checks an alias against MLflow's rules: letters, digits, `_` and `-`, at most 255 characters, not
/// `latest`, and not shaped like a version (`v3`).
pub fn validate_alias(alias: &str) -> Result<(), RegistryError> {
    let bad = |why| Err(RegistryError::BadAlias { alias: alias.to_string(), why });
    if alias.is_empty() {
        return bad("it is empty");
    }
    if alias.chars().count() > MAX_ALIAS_LENGTH {
        return bad("it is longer than 255 characters");
    }
    if !alias.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
        return bad("only letters, digits, `_` and `-` are allowed");
    }
    if alias.eq_ignore_ascii_case("latest") {
        return bad("`latest` is reserved for the newest version");
    }
    let lower = alias.to_ascii_lowercase();
    if lower
        .strip_prefix('v')
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()))
    {
        return bad("`v` followed by digits is reserved for version numbers");
    }
    Ok(())
}

/// Appends audit entries with consecutive sequence numbers.
pub(super) struct Log<'a> {
    registry: &'a Registry,
    pub(super) changes: Vec<RegistryChange>,
    seq: u64,
    now_ms: i64,
    reason: String,
}

impl<'a> Log<'a> {
    pub(super) fn new(registry: &'a Registry, now_ms: i64, reason: &str) -> Log<'a> {
        Log {
            registry,
            changes: Vec::new(),
            seq: registry.next_seq(),
            now_ms,
            reason: reason.trim().to_string(),
        }
    }

    pub(super) fn audit(&mut self, model: &str, version: Option<u32>, event: AuditEvent) {
        self.changes.push(RegistryChange::Audit(AuditEntry {
            seq: self.seq,
            time: self.now_ms,
            model: model.to_string(),
            version,
            event,
            reason: self.reason.clone(),
        }));
        self.seq = self.seq.saturating_add(1);
    }

    /// The model as the changes so far leave it.
    pub(super) fn model(&self, name: &str) -> Option<RegisteredModel> {
        self.changes
            .iter()
            .rev()
            .find_map(|c| match c {
                RegistryChange::PutModel(m) if m.name == name => Some(m.clone()),
                _ => None,
            })
            .or_else(|| self.registry.model(name).cloned())
    }

    pub(super) fn touch(&mut self, name: &str) {
        if let Some(mut model) = self.model(name) {
            model.last_updated_time = self.now_ms.max(model.last_updated_time);
            self.changes.push(RegistryChange::PutModel(model));
        }
    }

    pub(super) fn finish(self) -> Vec<RegistryChange> {
        // Keep only the last PutModel of each name, so a batch writes each record once.
        let mut out: Vec<RegistryChange> = Vec::with_capacity(self.changes.len());
        for change in self.changes.into_iter().rev() {
            let duplicate = match &change {
                RegistryChange::PutModel(m) => {
                    out.iter().any(|c| matches!(c, RegistryChange::PutModel(o) if o.name == m.name))
                }
                RegistryChange::PutVersion(v) => out
                    .iter()
                    .any(|c| matches!(c, RegistryChange::PutVersion(o) if o.name == v.name && o.version == v.version)),
                RegistryChange::Audit(_) => false,
            };
            if !duplicate {
                out.push(change);
            }
        }
        out.reverse();
        out
    }
}

pub(super) fn existing<'a>(
    registry: &'a Registry,
    name: &str,
    version: u32,
) -> Result<&'a ModelVersion, RegistryError> {
    registry.model(name).ok_or_else(|| RegistryError::UnknownModel(name.to_string()))?;
    registry
        .version(name, version)
        .ok_or_else(|| RegistryError::UnknownVersion { name: name.to_string(), version })
}

/// Registers the model logged by `run_id` under `name` (created if new) as its next version, in stage
/// None. Returns the changes and the new version number.
pub fn register(
    registry: &Registry,
    name: &str,
    run_id: &str,
    now_ms: i64,
    reason: &str,
) -> Result<(Vec<RegistryChange>, u32), RegistryError> {
    validate_model_name(name)?;
    if run_id.trim().is_empty() {
        return Err(RegistryError::NoRun);
    }
    let mut log = Log::new(registry, now_ms, reason);
    if registry.model(name).is_none() {
        log.changes.push(RegistryChange::PutModel(RegisteredModel::new(name, now_ms)));
        log.audit(name, None, AuditEvent::ModelCreated);
    }
    let version = registry.versions_of(name).map(|v| v.version).max().unwrap_or(0).saturating_add(1);
    log.changes.push(RegistryChange::PutVersion(ModelVersion {
        name: name.to_string(),
        version,
        creation_time: now_ms,
        last_updated_time: now_ms,
        run_id: run_id.to_string(),
        source: format!("runs:/{run_id}/{MODEL_ARTIFACT_PATH}"),
        current_stage: Stage::None,
        description: String::new(),
        tags: Default::default(),
    }));
    log.audit(name, Some(version), AuditEvent::VersionRegistered { run_id: run_id.to_string() });
    log.touch(name);
    Ok((log.finish(), version))
}

/// Moves `version` of `name` to `stage`; with `archive_existing`, the versions already in `stage`
/// (Staging or Production) move to Archived, as MLflow's `archive_existing_versions` does.
pub fn transition(
    registry: &Registry,
    name: &str,
    version: u32,
    stage: Stage,
    archive_existing: bool,
    now_ms: i64,
    reason: &str,
) -> Result<Vec<RegistryChange>, RegistryError> {
    let mut log = Log::new(registry, now_ms, reason);
    transition_into(&mut log, name, version, stage, archive_existing)?;
    log.touch(name);
    Ok(log.finish())
}

fn transition_into(
    log: &mut Log<'_>,
    name: &str,
    version: u32,
    stage: Stage,
    archive_existing: bool,
) -> Result<(), RegistryError> {
    let registry = log.registry;
    let current = existing(registry, name, version)?;
    if current.current_stage == stage {
        return Err(RegistryError::AlreadyThere {
            name: name.to_string(),
            version,
            target: stage.as_str().to_string(),
        });
    }
    if archive_existing && matches!(stage, Stage::Staging | Stage::Production) {
        for other in registry.versions_of(name).filter(|v| v.version != version && v.current_stage == stage) {
            let mut archived = other.clone();
            archived.current_stage = Stage::Archived;
            archived.last_updated_time = log.now_ms;
            log.changes.push(RegistryChange::PutVersion(archived));
            log.audit(
                name,
                Some(other.version),
                AuditEvent::StageChanged { from: stage, to: Stage::Archived },
            );
        }
    }
    let mut moved = current.clone();
    moved.current_stage = stage;
    moved.last_updated_time = log.now_ms;
    log.changes.push(RegistryChange::PutVersion(moved));
    log.audit(name, Some(version), AuditEvent::StageChanged { from: current.current_stage, to: stage });
    Ok(())
}

/// Points `alias` of `name` at `version`, moving it from the version it named before.
pub fn set_alias(
    registry: &Registry,
    name: &str,
    alias: &str,
    version: u32,
    now_ms: i64,
    reason: &str,
) -> Result<Vec<RegistryChange>, RegistryError> {
    let mut log = Log::new(registry, now_ms, reason);
    set_alias_into(&mut log, name, alias, version)?;
    log.touch(name);
    Ok(log.finish())
}

fn set_alias_into(log: &mut Log<'_>, name: &str, alias: &str, version: u32) -> Result<(), RegistryError> {
    validate_alias(alias)?;
    existing(log.registry, name, version)?;
    let mut model = log.model(name).ok_or_else(|| RegistryError::UnknownModel(name.to_string()))?;
    let from = model.aliases.insert(alias.to_string(), version);
    if from == Some(version) {
        return Err(RegistryError::AlreadyThere {
            name: name.to_string(),
            version,
            target: format!("@{alias}"),
        });
    }
    log.changes.push(RegistryChange::PutModel(model));
    log.audit(
        name,
        Some(version),
        AuditEvent::AliasMoved { alias: alias.to_string(), from, to: Some(version) },
    );
    Ok(())
}

/// Removes `alias` from `name`.
pub fn delete_alias(
    registry: &Registry,
    name: &str,
    alias: &str,
    now_ms: i64,
    reason: &str,
) -> Result<Vec<RegistryChange>, RegistryError> {
    let mut model =
        registry.model(name).cloned().ok_or_else(|| RegistryError::UnknownModel(name.to_string()))?;
    let from = model
        .aliases
        .remove(alias)
        .ok_or_else(|| RegistryError::UnknownAlias { name: name.to_string(), alias: alias.to_string() })?;
    let mut log = Log::new(registry, now_ms, reason);
    log.changes.push(RegistryChange::PutModel(model));
    log.audit(
        name,
        Some(from),
        AuditEvent::AliasMoved { alias: alias.to_string(), from: Some(from), to: None },
    );
    log.touch(name);
    Ok(log.finish())
}

/// Where a promotion takes a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Target {
    /// A stage (archiving the versions already there when asked).
    Stage {
        /// The stage.
        stage: Stage,
        /// Archive the versions already in it.
        archive_existing: bool,
    },
    /// An alias (`champion`).
    Alias(String),
}

/// A promotion asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Promotion<'a> {
    /// The registered model.
    pub name: &'a str,
    /// The version promoted.
    pub version: u32,
    /// Where to.
    pub target: Target,
    /// The gate's result, when a gate was checked.
    pub gate: Option<GateCheck>,
    /// Why.
    pub reason: &'a str,
}

/// What a promotion did: its changes (the gate's audit entry always; the move itself only when the gate
/// passed or there was none) and whether the version moved.
#[derive(Debug, Clone, PartialEq)]
pub struct PromotionOutcome {
    /// The changes to apply.
    pub changes: Vec<RegistryChange>,
    /// Whether the version was promoted.
    pub promoted: bool,
}

/// Promotes a version past its gate: the gate's check is recorded in the audit log whether it passed or
/// not (with its numbers), and the version moves only if it passed.
pub fn promote(
    registry: &Registry,
    promotion: Promotion<'_>,
    now_ms: i64,
) -> Result<PromotionOutcome, RegistryError> {
    let Promotion { name, version, target, gate, reason } = promotion;
    existing(registry, name, version)?;
    if let Target::Alias(alias) = &target {
        validate_alias(alias)?;
    }
    let mut log = Log::new(registry, now_ms, reason);
    let passed = gate.as_ref().is_none_or(|g| g.passed);
    if let Some(check) = gate {
        log.audit(name, Some(version), AuditEvent::GateChecked(check));
    }
    if passed {
        match &target {
            Target::Stage { stage, archive_existing } => {
                transition_into(&mut log, name, version, *stage, *archive_existing)?
            }
            Target::Alias(alias) => set_alias_into(&mut log, name, alias, version)?,
        }
    }
    log.touch(name);
    Ok(PromotionOutcome { changes: log.finish(), promoted: passed })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::super::gate::{check_gate, GateRule};
    use super::*;

    /// A registry after `steps`, each a one-line command: `register NAME RUN`, `stage NAME V STAGE
    /// [archive]`, `alias NAME ALIAS V`, `unalias NAME ALIAS`, `gate NAME V F1 [CHAMPION_F1] -> STAGE`.
    fn after(steps: &[&str]) -> Result<Registry, RegistryError> {
        let mut registry = Registry::default();
        for (t, step) in steps.iter().enumerate() {
            let words: Vec<&str> = step.split_whitespace().collect();
            let now = t as i64 + 1;
            let changes = match words.as_slice() {
                ["register", name, run] => register(&registry, name, run, now, "")?.0,
                ["stage", name, v, stage] => transition(
                    &registry,
                    name,
                    v.parse().unwrap(),
                    Stage::parse(stage).unwrap(),
                    false,
                    now,
                    "",
                )?,
                ["stage", name, v, stage, "archive"] => transition(
                    &registry,
                    name,
                    v.parse().unwrap(),
                    Stage::parse(stage).unwrap(),
                    true,
                    now,
                    "",
                )?,
                ["alias", name, alias, v] => set_alias(&registry, name, alias, v.parse().unwrap(), now, "")?,
                ["unalias", name, alias] => delete_alias(&registry, name, alias, now, "")?,
                ["gate", name, v, f1, "->", stage] => {
                    let version = v.parse().unwrap();
                    let gate = check_gate(&GateRule::report(), version, f1.parse().unwrap(), None, None);
                    let target =
                        Target::Stage { stage: Stage::parse(stage).unwrap(), archive_existing: true };
                    promote(
                        &registry,
                        Promotion { name, version, target, gate: Some(gate), reason: "" },
                        now,
                    )?
                    .changes
                }
                ["gate", name, v, f1, champion, "->", alias] => {
                    let version = v.parse().unwrap();
                    let rule = GateRule::BeatsChampion { metric: "f1".into(), margin: 0.01 };
                    let gate = check_gate(
                        &rule,
                        version,
                        f1.parse().unwrap(),
                        Some((1, champion.parse().unwrap())),
                        Some(1000),
                    );
                    let target = Target::Alias(alias.to_string());
                    promote(
                        &registry,
                        Promotion { name, version, target, gate: Some(gate), reason: "" },
                        now,
                    )?
                    .changes
                }
                other => panic!("unknown step {other:?}"),
            };
            registry.apply(&changes);
        }
        Ok(registry)
    }

    /// The stage of each version of `churn` and its aliases, as text: `1:Production 2:None @champion=1`.
    fn state(registry: &Registry) -> String {
        let mut parts: Vec<String> = registry
            .versions_of("churn")
            .map(|v| format!("{}:{}", v.version, v.current_stage.as_str()))
            .collect();
        if let Some(model) = registry.model("churn") {
            parts.extend(model.aliases.iter().map(|(a, v)| format!("@{a}={v}")));
        }
        parts.join(" ")
    }

    fn check(steps: &[&str], expected: &str) {
        let got = after(steps).map(|r| state(&r)).unwrap_or_else(|e| format!("error: {e}"));
        assert_eq!(got, expected, "{steps:?}");
    }

    #[test]
    fn the_registry_state_machine() {
        check(&["register churn r1"], "1:None");
        check(&["register churn r1", "register churn r2"], "1:None 2:None");
        check(&["register churn r1", "stage churn 1 Staging"], "1:Staging");
        check(&["register churn r1", "stage churn 1 staging", "stage churn 1 Production"], "1:Production");
        check(
            &[
                "register churn r1",
                "register churn r2",
                "stage churn 1 Production",
                "stage churn 2 Production",
            ],
            "1:Production 2:Production",
        );
        check(
            &[
                "register churn r1",
                "register churn r2",
                "stage churn 1 Production",
                "stage churn 2 Production archive",
            ],
            "1:Archived 2:Production",
        );
        check(
            &[
                "register churn r1",
                "register churn r2",
                "stage churn 1 Staging",
                "stage churn 2 Production archive",
            ],
            "1:Staging 2:Production",
        );
        check(&["register churn r1", "stage churn 1 Archived"], "1:Archived");
        check(&["register churn r1", "stage churn 1 Archived", "stage churn 1 None"], "1:None");
        check(&["register churn r1", "stage churn 1 None"], "error: version 1 of `churn` is already None");
        check(&["register churn r1", "stage churn 2 Staging"], "error: `churn` has no version 2");
        check(&["stage churn 1 Staging"], "error: there is no registered model named `churn`");
        check(&["register churn r1", "alias churn champion 1"], "1:None @champion=1");
        check(
            &["register churn r1", "register churn r2", "alias churn champion 1", "alias churn champion 2"],
            "1:None 2:None @champion=2",
        );
        check(
            &["register churn r1", "alias churn champion 1", "alias churn challenger 1"],
            "1:None @challenger=1 @champion=1",
        );
        check(
            &["register churn r1", "alias churn champion 1", "alias churn champion 1"],
            "error: version 1 of `churn` is already @champion",
        );
        check(&["register churn r1", "alias churn champion 1", "unalias churn champion"], "1:None");
        check(&["register churn r1", "unalias churn champion"], "error: `churn` has no alias @champion");
        check(
            &["register churn r1", "alias churn latest 1"],
            "error: `latest` cannot be an alias: `latest` is reserved for the newest version",
        );
        check(
            &["register churn r1", "alias churn V2 1"],
            "error: `V2` cannot be an alias: `v` followed by digits is reserved for version numbers",
        );
        check(
            &["register churn r1", "alias churn a.b 1"],
            "error: `a.b` cannot be an alias: only letters, digits, `_` and `-` are allowed",
        );
        check(&["register churn r1", "gate churn 1 0.61 -> Production"], "1:None");
        check(&["register churn r1", "gate churn 1 0.86 -> Production"], "1:Production");
        check(
            &[
                "register churn r1",
                "register churn r2",
                "gate churn 1 0.86 -> Production",
                "gate churn 2 0.9 -> Production",
            ],
            "1:Archived 2:Production",
        );
        check(
            &[
                "register churn r1",
                "register churn r2",
                "alias churn champion 1",
                "gate churn 2 0.605 0.60 -> champion",
            ],
            "1:None 2:None @champion=1",
        );
        check(
            &[
                "register churn r1",
                "register churn r2",
                "alias churn champion 1",
                "gate churn 2 0.62 0.60 -> champion",
            ],
            "1:None 2:None @champion=2",
        );
        check(&["register churn/x r1"], "error: `churn/x` is not a usable model name: it must be 1 to 256 characters without `/`, `@` or `:`");
        check(&["register churn@x r1"], "error: `churn@x` is not a usable model name: it must be 1 to 256 characters without `/`, `@` or `:`");
    }

    #[test]
    fn the_audit_log_records_every_move_with_its_numbers() {
        let registry = after(&[
            "register churn r1",
            "register churn r2",
            "gate churn 1 0.86 -> Production",
            "gate churn 2 0.61 -> Production",
            "alias churn champion 1",
            "gate churn 2 0.62 0.60 -> champion",
        ])
        .unwrap();
        let events: Vec<String> = registry
            .audit
            .iter()
            .map(|e| {
                let what = match &e.event {
                    AuditEvent::ModelCreated => "created".to_string(),
                    AuditEvent::VersionRegistered { run_id } => format!("registered {run_id}"),
                    AuditEvent::StageChanged { from, to } => format!("{}->{}", from.as_str(), to.as_str()),
                    AuditEvent::AliasMoved { alias, from, to } => format!("@{alias} {from:?}->{to:?}"),
                    AuditEvent::GateChecked(g) => {
                        format!("gate {} {}", g.candidate, if g.passed { "passed" } else { "failed" })
                    }
                    AuditEvent::DescriptionChanged => "description".to_string(),
                    AuditEvent::TagSet { key, .. } => format!("tag {key}"),
                };
                format!("{} v{:?} {what}", e.seq, e.version)
            })
            .collect();
        assert_eq!(
            events,
            [
                "1 vNone created",
                "2 vSome(1) registered r1",
                "3 vSome(2) registered r2",
                "4 vSome(1) gate 0.86 passed",
                "5 vSome(1) None->Production",
                "6 vSome(2) gate 0.61 failed",
                "7 vSome(1) @champion None->Some(1)",
                "8 vSome(2) gate 0.62 passed",
                "9 vSome(2) @champion Some(1)->Some(2)",
            ]
        );
        assert!(registry.audit.windows(2).all(|w| w[0].time <= w[1].time));
        assert_eq!(registry.model("churn").unwrap().last_updated_time, 6);
    }

    #[test]
    fn uris_resolve_against_the_registry() {
        use super::super::uri::{resolve, Resolved, UriError};
        let registry = after(&[
            "register churn r1",
            "register churn r2",
            "stage churn 1 Production",
            "alias churn champion 2",
        ])
        .unwrap();
        let run_of = |uri: &str| resolve(&registry, uri).map(|r| r.run_id().to_string());
        assert_eq!(run_of("models:/churn/1"), Ok("r1".into()));
        assert_eq!(run_of("models:/churn/Production"), Ok("r1".into()));
        assert_eq!(run_of("models:/churn@champion"), Ok("r2".into()));
        assert_eq!(run_of("models:/churn/latest"), Ok("r2".into()));
        assert_eq!(run_of("runs:/r9/model"), Ok("r9".into()));
        assert_eq!(
            run_of("models:/churn/Staging"),
            Err(UriError::EmptyStage { name: "churn".into(), stage: "Staging" })
        );
        assert_eq!(
            run_of("models:/churn/7"),
            Err(UriError::UnknownVersion { name: "churn".into(), version: 7 })
        );
        assert_eq!(run_of("models:/other/1"), Err(UriError::UnknownModel("other".into())));
        assert_eq!(
            run_of("models:/churn@x"),
            Err(UriError::UnknownAlias { name: "churn".into(), alias: "x".into() })
        );
        assert!(
            matches!(resolve(&registry, "models:/churn/2"), Ok(Resolved::Version(v)) if v.source == "runs:/r2/model")
        );
    }

    #[test]
    fn records_round_trip_through_json() {
        let registry =
            after(&["register churn r1", "gate churn 1 0.61 -> Production", "alias churn champion 1"])
                .unwrap();
        let text = serde_json::to_string(&registry).unwrap();
        let back: Registry = serde_json::from_str(&text).unwrap();
        assert_eq!(back, registry);
    }
}
