//! The registry's records: registered models, their versions, the audit log, and the changes that move
//! the registry from one state to the next.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::gate::GateCheck;

/// Where a run keeps its model, as in `runs:/<run id>/model`.
pub const MODEL_ARTIFACT_PATH: &str = "model";

/// A version's stage, MLflow's four (deprecated in MLflow 2.9 in favour of aliases, still the report's
/// way and still accepted by MLflow servers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub enum Stage {
    /// Registered, not in a stage.
    #[default]
    None,
    /// Being validated.
    Staging,
    /// Serving.
    Production,
    /// Retired.
    Archived,
}

impl Stage {
    /// Every stage, in lifecycle order.
    pub const ALL: [Stage; 4] = [Stage::None, Stage::Staging, Stage::Production, Stage::Archived];

    /// MLflow's name: `None`, `Staging`, `Production`, `Archived`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::None => "None",
            Stage::Staging => "Staging",
            Stage::Production => "Production",
            Stage::Archived => "Archived",
        }
    }

    /// Reads a stage name, ignoring case as MLflow does.
    pub fn parse(text: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// A registered model: a name grouping versions, with a description, tags and aliases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisteredModel {
    /// The unique name.
    pub name: String,
    /// Milliseconds since the Unix epoch.
    pub creation_time: i64,
    /// Milliseconds since the Unix epoch of the last change to the model or one of its versions.
    pub last_updated_time: i64,
    /// For people.
    #[serde(default)]
    pub description: String,
    /// Free-form tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Alias → version number (an alias names one version; a version may have several).
    #[serde(default)]
    pub aliases: BTreeMap<String, u32>,
}

impl RegisteredModel {
    /// A model with no version yet.
    pub fn new(name: impl Into<String>, now_ms: i64) -> RegisteredModel {
        RegisteredModel {
            name: name.into(),
            creation_time: now_ms,
            last_updated_time: now_ms,
            description: String::new(),
            tags: BTreeMap::new(),
            aliases: BTreeMap::new(),
        }
    }

    /// The aliases naming `version`, in order.
    pub fn aliases_of(&self, version: u32) -> Vec<&str> {
        self.aliases.iter().filter(|(_, v)| **v == version).map(|(a, _)| a.as_str()).collect()
    }
}

/// One version of a registered model: the model a run logged, frozen under a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelVersion {
    /// The registered model's name.
    pub name: String,
    /// 1, 2, 3 … in registration order.
    pub version: u32,
    /// Milliseconds since the Unix epoch.
    pub creation_time: i64,
    /// Milliseconds since the Unix epoch of its last change.
    pub last_updated_time: i64,
    /// The run that logged the model.
    pub run_id: String,
    /// Where the model is: `runs:/<run id>/model`.
    pub source: String,
    /// Its stage.
    #[serde(default)]
    pub current_stage: Stage,
    /// For people.
    #[serde(default)]
    pub description: String,
    /// Free-form tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// What happened, for the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum AuditEvent {
    /// A registered model was created.
    ModelCreated,
    /// A version was registered from a run.
    VersionRegistered {
        /// The run.
        run_id: String,
    },
    /// A version moved from one stage to another (by request, or archived because another version took
    /// its stage).
    StageChanged {
        /// The stage it left.
        from: Stage,
        /// The stage it entered.
        to: Stage,
    },
    /// An alias was set, moved or removed.
    AliasMoved {
        /// The alias.
        alias: String,
        /// The version it named before, if any.
        from: Option<u32>,
        /// The version it names now; `None` when removed.
        to: Option<u32>,
    },
    /// A promotion gate was checked, with its numbers.
    GateChecked(GateCheck),
    /// A description was changed.
    DescriptionChanged,
    /// A tag was set, changed or removed.
    TagSet {
        /// The tag's key.
        key: String,
        /// Its value before, if it was set.
        from: Option<String>,
        /// Its value now; `None` when removed.
        to: Option<String>,
    },
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Its position in the log, from 1.
    pub seq: u64,
    /// Milliseconds since the Unix epoch.
    pub time: i64,
    /// The registered model.
    pub model: String,
    /// The version, when the event is about one.
    pub version: Option<u32>,
    /// What happened.
    pub event: AuditEvent,
    /// Why, as the person (or the policy) said.
    #[serde(default)]
    pub reason: String,
}

/// One change to the registry; a batch of them is written in one transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RegistryChange {
    /// Creates or replaces a registered model.
    PutModel(RegisteredModel),
    /// Creates or replaces a version.
    PutVersion(ModelVersion),
    /// Appends to the audit log.
    Audit(AuditEntry),
}

/// Every registered model, version and audit entry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Registry {
    /// The registered models, by name.
    pub models: Vec<RegisteredModel>,
    /// Every version, by name then number.
    pub versions: Vec<ModelVersion>,
    /// The audit log, oldest first.
    pub audit: Vec<AuditEntry>,
}

impl Registry {
    /// The model named `name`.
    pub fn model(&self, name: &str) -> Option<&RegisteredModel> {
        self.models.iter().find(|m| m.name == name)
    }

    /// Version `version` of `name`.
    pub fn version(&self, name: &str, version: u32) -> Option<&ModelVersion> {
        self.versions.iter().find(|v| v.name == name && v.version == version)
    }

    /// The versions of `name`, oldest first.
    pub fn versions_of(&self, name: &str) -> impl Iterator<Item = &ModelVersion> + '_ {
        let name = name.to_string();
        self.versions.iter().filter(move |v| v.name == name)
    }

    /// The newest version of `name` in `stage` (MLflow's `models:/name/Stage` resolves to it).
    pub fn latest_in_stage(&self, name: &str, stage: Stage) -> Option<&ModelVersion> {
        self.versions_of(name).filter(|v| v.current_stage == stage).max_by_key(|v| v.version)
    }

    /// The version `alias` names in `name`.
    pub fn by_alias(&self, name: &str, alias: &str) -> Option<&ModelVersion> {
        let number = *self.model(name)?.aliases.get(alias)?;
        self.version(name, number)
    }

    /// The audit entries of `name`, newest first.
    pub fn audit_of(&self, name: &str) -> impl Iterator<Item = &AuditEntry> + '_ {
        let name = name.to_string();
        self.audit.iter().rev().filter(move |e| e.model == name)
    }

    /// The next audit sequence number.
    pub fn next_seq(&self) -> u64 {
        self.audit.last().map_or(1, |e| e.seq.saturating_add(1))
    }

    /// Applies `changes` in order.
    pub fn apply(&mut self, changes: &[RegistryChange]) {
        for change in changes {
            match change {
                RegistryChange::PutModel(model) => {
                    match self.models.iter_mut().find(|m| m.name == model.name) {
                        Some(slot) => *slot = model.clone(),
                        None => self.models.push(model.clone()),
                    }
                    self.models.sort_by(|a, b| a.name.cmp(&b.name));
                }
                RegistryChange::PutVersion(version) => {
                    match self
                        .versions
                        .iter_mut()
                        .find(|v| v.name == version.name && v.version == version.version)
                    {
                        Some(slot) => *slot = version.clone(),
                        None => self.versions.push(version.clone()),
                    }
                    self.versions.sort_by(|a, b| (&a.name, a.version).cmp(&(&b.name, b.version)));
                }
                RegistryChange::Audit(entry) => self.audit.push(entry.clone()),
            }
        }
    }
}
