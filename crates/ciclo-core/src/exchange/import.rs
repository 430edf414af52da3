//! Import: a document read back ([`parse`], which also [`validate`]s it) and planned against the store
//! ([`plan_import`]): the tracking [`Change`]s and the [`RegistryChange`]s that bring its records in,
//! without duplicating what the store holds, and an [`ImportSummary`] of what they do.
//!
//! Records are matched on what identifies them for people, not on ids that another store may have given
//! to something else: runs by run id (32 random hex digits, unique across stores), experiments by name,
//! registered models by name, versions by (model, run id). [`Mode::Merge`] adds what is new and keeps
//! what the store has; [`Mode::Replace`] also rewrites the store's records that the document holds in
//! another form. Either way, records not in the document stay, and importing the same document twice
//! changes nothing the second time.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use super::document::{Document, RunRecord, FORMAT, FORMAT_VERSION};
use crate::registry::{
    validate_alias, validate_model_name, AuditEntry, AuditEvent, ModelVersion, RegisteredModel, Registry,
    RegistryChange, RegistryError,
};
use crate::tracking::limits::{self, Field, LimitError};
use crate::tracking::{
    check_experiment, check_run, descendants, validate_batch, Change, Experiment, LifecycleStage,
    MetricPoint, Run, Snapshot, PARENT_RUN_ID_TAG,
};

/// The largest document [`parse`] reads: 256 MiB. A document holds every artifact's text, and one
/// artifact may be up to [`limits::MAX_ARTIFACT_SIZE`] (16 MiB; a default forest's `model/model.json` is
/// a few MiB), so this admits dozens of forests or thousands of small runs. The page holds the bytes,
/// the parsed document and the planned changes at once (three to four copies), which must stay well
/// inside wasm32's 4 GiB address space and a browser tab's memory; a larger store is exported in parts
/// (one experiment, or chosen runs).
pub const MAX_DOCUMENT_BYTES: usize = 256 * 1024 * 1024;

/// The most characters of a name or value an error repeats: a hostile 10 MB name is not echoed whole.
const ECHO_CHARS: usize = 80;

/// Longest description of a registered model or version (the registry's own limit, a tag value's).
const MAX_DESCRIPTION_LENGTH: usize = 5000;

/// Longest run name: MLflow keeps it in the `mlflow.runName` tag, so a tag value's limit.
const MAX_RUN_NAME_LENGTH: usize = limits::MAX_TAG_VAL_LENGTH;

/// Why a document cannot be imported. Every name or value it repeats is cut to 80 characters, so the
/// message is safe to show whatever the file holds.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    /// Larger than [`MAX_DOCUMENT_BYTES`]; refused before reading.
    #[error("the file is {bytes} bytes, more than the {limit} an import reads: export fewer runs at a time")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// Not JSON at all (or cut short).
    #[error("the file is not JSON: {message} at line {line}, column {column}")]
    NotJson {
        /// What the JSON reader said.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// JSON, but not an object.
    #[error("the file is JSON but not an object: a Ciclo export is an object with `format`, `runs` ...")]
    NotAnObject,
    /// `format` is missing or not [`FORMAT`].
    #[error("the file is not a Ciclo export: its `format` is {found}, not \"ciclo-export\"")]
    WrongFormat {
        /// What `format` holds, as JSON, or `missing`.
        found: String,
    },
    /// Written by a newer Ciclo, whose format this one does not know.
    #[error(
        "the file was written by a newer Ciclo (version {found}, this reads {supported}): update Ciclo to \
         import it"
    )]
    NewerVersion {
        /// The document's `format_version`.
        found: u64,
        /// [`FORMAT_VERSION`].
        supported: u32,
    },
    /// `format_version` is missing or not a version number.
    #[error(
        "the file's `format_version` is {found}, not a version of the export format (this reads {supported})"
    )]
    BadVersion {
        /// What it holds, as JSON, or `missing`.
        found: String,
        /// [`FORMAT_VERSION`].
        supported: u32,
    },
    /// A field is missing or has the wrong type, at a JSON path such as `runs[3].params`.
    #[error("`{path}`: {message} (line {line}, column {column})")]
    BadField {
        /// Where, as a JSON path (`.` is the document itself).
        path: String,
        /// What was wrong.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// Two experiments with one id.
    #[error("two experiments have the id `{experiment_id}`")]
    DuplicateExperimentId {
        /// The id.
        experiment_id: String,
    },
    /// Two experiments with one name.
    #[error("two experiments are named `{name}`")]
    DuplicateExperimentName {
        /// The name.
        name: String,
    },
    /// An experiment outside MLflow's limits.
    #[error("experiment `{experiment}`: {error}")]
    InvalidExperiment {
        /// Its name (or id when the name is the problem).
        experiment: String,
        /// What is wrong.
        error: LimitError,
    },
    /// Two runs with one id.
    #[error("two runs have the id `{run_id}`")]
    DuplicateRun {
        /// The id.
        run_id: String,
    },
    /// A run outside MLflow's limits (id, parameters, metrics, tags, inputs, metric points).
    #[error("run `{run_id}`: {error}")]
    InvalidRun {
        /// The run.
        run_id: String,
        /// What is wrong.
        error: LimitError,
    },
    /// A run name longer than MLflow's `mlflow.runName` tag holds.
    #[error("run `{run_id}`: the run name is {length} characters long, more than the {limit} MLflow allows")]
    RunNameTooLong {
        /// The run.
        run_id: String,
        /// The name's length in characters.
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// A run names an experiment the document does not hold.
    #[error("run `{run_id}` belongs to experiment `{experiment_id}`, which is not in the file")]
    UnknownExperiment {
        /// The run.
        run_id: String,
        /// The experiment id it names.
        experiment_id: String,
    },
    /// A run comes before its parent (the document lists parents first).
    #[error("run `{run_id}` comes before its parent `{parent_run_id}`: a file lists parents first")]
    ParentAfterChild {
        /// The run.
        run_id: String,
        /// Its parent.
        parent_run_id: String,
    },
    /// A metric's history and latest point do not agree.
    #[error(
        "run `{run_id}`: metric `{key}` has a latest point that is not the last of its history (or one \
         without the other)"
    )]
    HistoryMismatch {
        /// The run.
        run_id: String,
        /// The metric.
        key: String,
    },
    /// An artifact path or content outside the limits.
    #[error("run `{run_id}`: {error}")]
    InvalidArtifact {
        /// The run.
        run_id: String,
        /// What is wrong.
        error: LimitError,
    },
    /// Two artifacts of one run at one path.
    #[error("run `{run_id}` has two artifacts at `{path}`")]
    DuplicateArtifact {
        /// The run.
        run_id: String,
        /// The path.
        path: String,
    },
    /// Two registered models with one name.
    #[error("two registered models are named `{model}`")]
    DuplicateModel {
        /// The name.
        model: String,
    },
    /// A registered model whose name, description, tags or aliases break the registry's rules.
    #[error("registered model `{model}`: {error}")]
    InvalidModel {
        /// The model.
        model: String,
        /// What is wrong.
        error: RegistryError,
    },
    /// An alias names a version the document does not hold.
    #[error("alias @{alias} of `{model}` names version {version}, which is not in the file")]
    UnknownAliasVersion {
        /// The model.
        model: String,
        /// The alias.
        alias: String,
        /// The version it names.
        version: u32,
    },
    /// Two versions with one (model, number).
    #[error("`{model}` has two versions numbered {version}")]
    DuplicateVersion {
        /// The model.
        model: String,
        /// The number.
        version: u32,
    },
    /// A version of a model the document does not hold.
    #[error("version {version} of `{model}`: the model is not in the file")]
    UnknownVersionModel {
        /// The model.
        model: String,
        /// The number.
        version: u32,
    },
    /// A version from a run the document does not hold.
    #[error("version {version} of `{model}` comes from run `{run_id}`, which is not in the file")]
    UnknownVersionRun {
        /// The model.
        model: String,
        /// The number.
        version: u32,
        /// The run it names.
        run_id: String,
    },
    /// A version whose run id, description or tags break the registry's rules.
    #[error("version {version} of `{model}`: {error}")]
    InvalidVersion {
        /// The model.
        model: String,
        /// The number.
        version: u32,
        /// What is wrong.
        error: RegistryError,
    },
    /// Two audit entries with one sequence number.
    #[error("two audit entries are numbered {seq}")]
    DuplicateAuditSeq {
        /// The number.
        seq: u64,
    },
    /// An audit entry of a model the document does not hold.
    #[error("audit entry {seq} is about `{model}`, which is not in the file")]
    UnknownAuditModel {
        /// The entry's number.
        seq: u64,
        /// The model.
        model: String,
    },
    /// An audit entry whose reason is too long.
    #[error("audit entry {seq}: the reason is {length} characters long, more than {limit}")]
    AuditReasonTooLong {
        /// The entry's number.
        seq: u64,
        /// The reason's length in characters.
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// An audit entry whose event holds an alias, tag or run id outside the registry's rules.
    #[error("audit entry {seq}: {error}")]
    InvalidAudit {
        /// The entry's number.
        seq: u64,
        /// What is wrong.
        error: RegistryError,
    },
    /// The planned changes were refused by the store's own check (a bug of the plan, reported rather
    /// than applied half).
    #[error("the store refused the import: {message}")]
    Refused {
        /// The store's reason.
        message: String,
    },
}

/// How records the store already holds are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Mode {
    /// Add what is new; where the store holds a record with the same key, keep the store's.
    #[default]
    Merge,
    /// Add what is new; where the store holds a record with the same key in another form, the
    /// document's replaces it. Records not in the document stay.
    Replace,
}

/// What an import does to one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// New records.
    pub created: usize,
    /// Records the store holds already and keeps as they are.
    pub kept: usize,
    /// Of those kept, how many differ from the document's.
    pub differing: usize,
    /// Records the document's replaced ([`Mode::Replace`]).
    pub replaced: usize,
    /// New records given another key than the document's, because the store gave it to another record:
    /// an experiment id, or a version number.
    pub renumbered: usize,
}

/// What an import does, for people.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Experiments.
    pub experiments: Counts,
    /// Runs.
    pub runs: Counts,
    /// Registered models.
    pub models: Counts,
    /// Model versions.
    pub versions: Counts,
    /// Audit entries (created = appended; kept = already in the log).
    pub audit: Counts,
    /// Runs imported without their parent, which is neither in the file nor in the store.
    pub detached: Vec<String>,
    /// Runs that [`Mode::Replace`] could not rewrite, because the store holds a child of theirs that the
    /// file does not (rewriting a run purges it, and a run is purged after its children); kept as they are.
    pub not_replaced: Vec<String>,
}

/// The changes an import makes, in the order to apply them, and what they do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    /// One batch for the tracking store (`Store::apply`, `apply_batch`), accepted by `validate_batch`.
    pub tracking: Vec<Change>,
    /// One batch for the registry (`Registry::apply`), audit entries numbered after `next_seq`.
    pub registry: Vec<RegistryChange>,
    /// The counts.
    pub summary: ImportSummary,
}

impl ImportPlan {
    /// Whether the import changes nothing (the same document imported again).
    pub fn is_empty(&self) -> bool {
        self.tracking.is_empty() && self.registry.is_empty()
    }
}

impl Document {
    /// Reads a document from its JSON text: [`parse`].
    pub fn from_json(bytes: &[u8]) -> Result<Document, ImportError> {
        parse(bytes)
    }
}

/// `text` cut to [`ECHO_CHARS`] characters, with `…` when cut.
fn short(text: &str) -> String {
    match text.char_indices().nth(ECHO_CHARS) {
        Some((at, _)) => format!("{}…", text.get(..at).unwrap_or_default()),
        None => text.to_string(),
    }
}

/// The error with every value it repeats cut short.
fn short_limit(error: LimitError) -> LimitError {
    match error {
        LimitError::BadCharacter { field, value, position, character } => {
            LimitError::BadCharacter { field, value: short(&value), position, character }
        }
        LimitError::NotAPlainPath { field, value } => {
            LimitError::NotAPlainPath { field, value: short(&value) }
        }
        LimitError::InfiniteMetric { key, value } => LimitError::InfiniteMetric { key: short(&key), value },
        LimitError::NegativeTimestamp { key, timestamp } => {
            LimitError::NegativeTimestamp { key: short(&key), timestamp }
        }
        other @ (LimitError::Empty { .. } | LimitError::TooLong { .. }) => other,
    }
}

/// The error with every value it repeats cut short.
fn short_registry(error: RegistryError) -> RegistryError {
    match error {
        RegistryError::BadModelName(name) => RegistryError::BadModelName(short(&name)),
        RegistryError::BadAlias { alias, why } => RegistryError::BadAlias { alias: short(&alias), why },
        RegistryError::UnknownModel(name) => RegistryError::UnknownModel(short(&name)),
        RegistryError::UnknownVersion { name, version } => {
            RegistryError::UnknownVersion { name: short(&name), version }
        }
        RegistryError::UnknownAlias { name, alias } => {
            RegistryError::UnknownAlias { name: short(&name), alias: short(&alias) }
        }
        RegistryError::AlreadyThere { name, version, target } => {
            RegistryError::AlreadyThere { name: short(&name), version, target: short(&target) }
        }
        RegistryError::BadTag(error) => RegistryError::BadTag(short_limit(error)),
        RegistryError::UnknownTag(key) => RegistryError::UnknownTag(short(&key)),
        other @ (RegistryError::DescriptionTooLong(_) | RegistryError::NoRun) => other,
    }
}

/// A serde_json message without its ` at line L column C` (given apart), cut short.
fn json_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let message = match text.rfind(" at line ") {
        Some(at) if error.line() > 0 => text.get(..at).unwrap_or(&text),
        _ => text.as_str(),
    };
    // serde's messages quote the value they did not expect: keep room for the words around it.
    match message.char_indices().nth(2 * ECHO_CHARS) {
        Some((at, _)) => format!("{}…", message.get(..at).unwrap_or_default()),
        None => message.to_string(),
    }
}

/// What [`parse`] reads first: the two fields that say whether the rest can be read.
#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    format: Option<serde_json::Value>,
    #[serde(default)]
    format_version: Option<serde_json::Value>,
}

/// Reads and checks a document: its size (before reading), that it is JSON, an object, a Ciclo export
/// of a version this Ciclo reads, every field in place (an error names its JSON path, such as
/// `runs[3].params`), and then [`validate`].
pub fn parse(bytes: &[u8]) -> Result<Document, ImportError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(ImportError::TooLarge { bytes: bytes.len(), limit: MAX_DOCUMENT_BYTES });
    }
    let header: Header = serde_json::from_slice(bytes).map_err(|error| match error.classify() {
        serde_json::error::Category::Data => ImportError::NotAnObject,
        _ => {
            ImportError::NotJson { message: json_message(&error), line: error.line(), column: error.column() }
        }
    })?;
    // Serde reads a struct from an array too (field by field): only an object is a document.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ImportError::NotAnObject);
    }
    match &header.format {
        Some(serde_json::Value::String(format)) if format == FORMAT => {}
        Some(other) => return Err(ImportError::WrongFormat { found: short(&other.to_string()) }),
        None => return Err(ImportError::WrongFormat { found: "missing".to_string() }),
    }
    let version = header.format_version.as_ref();
    match version.and_then(serde_json::Value::as_u64) {
        Some(found) if found == u64::from(FORMAT_VERSION) => {}
        Some(found) if found > u64::from(FORMAT_VERSION) => {
            return Err(ImportError::NewerVersion { found, supported: FORMAT_VERSION })
        }
        _ => {
            let found = version.map_or_else(|| "missing".to_string(), |v| short(&v.to_string()));
            return Err(ImportError::BadVersion { found, supported: FORMAT_VERSION });
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let document: Document = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = short(&error.path().to_string());
        let inner = error.into_inner();
        ImportError::BadField {
            path,
            message: json_message(&inner),
            line: inner.line(),
            column: inner.column(),
        }
    })?;
    validate(&document)?;
    Ok(document)
}

/// Checks a document's records against each other and against the limits the stores apply: unique ids
/// and names, every reference inside the document (a run's experiment and parent, a version's model and
/// run, an alias's version, an audit entry's model), MLflow's limits on every key, value and name,
/// artifact paths and sizes, and each metric's history against its latest point.
pub fn validate(document: &Document) -> Result<(), ImportError> {
    let mut experiment_ids = BTreeSet::new();
    let mut experiment_names = BTreeSet::new();
    for experiment in &document.experiments {
        check_experiment(experiment).map_err(|error| {
            let experiment = match error {
                LimitError::Empty { field: Field::ExperimentName }
                | LimitError::TooLong { field: Field::ExperimentName, .. } => &experiment.experiment_id,
                _ => &experiment.name,
            };
            ImportError::InvalidExperiment { experiment: short(experiment), error: short_limit(error) }
        })?;
        if !experiment_ids.insert(experiment.experiment_id.as_str()) {
            return Err(ImportError::DuplicateExperimentId {
                experiment_id: short(&experiment.experiment_id),
            });
        }
        if !experiment_names.insert(experiment.name.as_str()) {
            return Err(ImportError::DuplicateExperimentName { name: short(&experiment.name) });
        }
    }
    let mut run_ids = BTreeSet::new();
    for record in &document.runs {
        if !run_ids.insert(record.run_id.as_str()) {
            return Err(ImportError::DuplicateRun { run_id: short(&record.run_id) });
        }
    }
    let mut earlier = BTreeSet::new();
    for record in &document.runs {
        validate_run(record, &experiment_ids, &run_ids, &earlier)?;
        earlier.insert(record.run_id.as_str());
    }
    validate_registry(document, &run_ids)
}

/// Checks one run; `runs` are the document's run ids, `earlier` those listed before this one.
fn validate_run(
    record: &RunRecord,
    experiments: &BTreeSet<&str>,
    runs: &BTreeSet<&str>,
    earlier: &BTreeSet<&str>,
) -> Result<(), ImportError> {
    let run_id = || short(&record.run_id);
    let invalid = |error| ImportError::InvalidRun { run_id: run_id(), error: short_limit(error) };
    let run = record.run();
    check_run(&run).map_err(invalid)?;
    let length = record.run_name.chars().count();
    if length > MAX_RUN_NAME_LENGTH {
        return Err(ImportError::RunNameTooLong { run_id: run_id(), length, limit: MAX_RUN_NAME_LENGTH });
    }
    if !experiments.contains(record.experiment_id.as_str()) {
        return Err(ImportError::UnknownExperiment {
            run_id: run_id(),
            experiment_id: short(&record.experiment_id),
        });
    }
    if let Some(parent) = run.parent() {
        // A parent outside the document is fine: the run is imported under the store's run of that id,
        // or without a parent (see `ImportSummary::detached`).
        if runs.contains(parent) && !earlier.contains(parent) {
            return Err(ImportError::ParentAfterChild { run_id: run_id(), parent_run_id: short(parent) });
        }
    }
    for (key, point) in &record.latest_points {
        let history = record.metric_history.get(key).map(Vec::as_slice).unwrap_or_default();
        let mismatch = || ImportError::HistoryMismatch { run_id: run_id(), key: short(key) };
        let mut latest: Option<MetricPoint> = None;
        for point in history {
            limits::check_metric_point(key, point.value.0, point.timestamp).map_err(invalid)?;
            let point = MetricPoint::from(*point);
            if latest.is_none_or(|l| point.supersedes(&l)) {
                latest = Some(point);
            }
        }
        let latest = latest.ok_or_else(mismatch)?;
        let value = record.metrics.get(key).ok_or_else(mismatch)?;
        if super::Point::from(latest) != *point || *value != point.value {
            return Err(mismatch());
        }
    }
    if let Some(key) = record.metric_history.keys().find(|key| !record.latest_points.contains_key(*key)) {
        return Err(ImportError::HistoryMismatch { run_id: run_id(), key: short(key) });
    }
    let mut paths = BTreeSet::new();
    for artifact in &record.artifacts {
        let bad = |error| ImportError::InvalidArtifact { run_id: run_id(), error: short_limit(error) };
        limits::check_artifact_path(&artifact.path).map_err(bad)?;
        if artifact.content.len() > limits::MAX_ARTIFACT_SIZE {
            return Err(bad(LimitError::TooLong {
                field: Field::ArtifactContent,
                length: artifact.content.len(),
                limit: limits::MAX_ARTIFACT_SIZE,
            }));
        }
        if !paths.insert(artifact.path.as_str()) {
            return Err(ImportError::DuplicateArtifact { run_id: run_id(), path: short(&artifact.path) });
        }
    }
    Ok(())
}

fn check_meta(description: &str, tags: &BTreeMap<String, String>) -> Result<(), RegistryError> {
    let length = description.chars().count();
    if length > MAX_DESCRIPTION_LENGTH {
        return Err(RegistryError::DescriptionTooLong(length));
    }
    for (key, value) in tags {
        limits::check_key(Field::TagKey, key, limits::MAX_ENTITY_KEY_LENGTH)
            .map_err(RegistryError::BadTag)?;
        limits::check_length(Field::TagValue, value, limits::MAX_TAG_VAL_LENGTH)
            .map_err(RegistryError::BadTag)?;
    }
    Ok(())
}

/// Checks the names and values an audit event holds, so that the log the page shows stays within the
/// limits of the records it describes.
fn check_event(event: &AuditEvent) -> Result<(), RegistryError> {
    let tag_value = |value: &Option<String>| match value {
        Some(value) => limits::check_length(Field::TagValue, value, limits::MAX_TAG_VAL_LENGTH),
        None => Ok(()),
    };
    match event {
        AuditEvent::VersionRegistered { run_id } => {
            limits::check_length(Field::RunId, run_id, limits::MAX_RUN_ID_LENGTH)
                .map_err(RegistryError::BadTag)
        }
        AuditEvent::AliasMoved { alias, .. } => validate_alias(alias),
        AuditEvent::TagSet { key, from, to } => {
            limits::check_length(Field::TagKey, key, limits::MAX_ENTITY_KEY_LENGTH)
                .and_then(|()| tag_value(from))
                .and_then(|()| tag_value(to))
                .map_err(RegistryError::BadTag)
        }
        AuditEvent::GateChecked(check) => {
            limits::check_length(Field::MetricKey, check.rule.metric(), limits::MAX_ENTITY_KEY_LENGTH)
                .map_err(RegistryError::BadTag)
        }
        AuditEvent::ModelCreated | AuditEvent::StageChanged { .. } | AuditEvent::DescriptionChanged => Ok(()),
    }
}

fn validate_registry(document: &Document, run_ids: &BTreeSet<&str>) -> Result<(), ImportError> {
    let record = &document.registry;
    let mut names = BTreeSet::new();
    for model in &record.models {
        let invalid = |error: RegistryError| ImportError::InvalidModel {
            model: short(&model.name),
            error: short_registry(error),
        };
        validate_model_name(&model.name).map_err(invalid)?;
        if !names.insert(model.name.as_str()) {
            return Err(ImportError::DuplicateModel { model: short(&model.name) });
        }
        check_meta(&model.description, &model.tags).map_err(invalid)?;
        for alias in model.aliases.keys() {
            validate_alias(alias).map_err(invalid)?;
        }
    }
    let mut versions: BTreeSet<(&str, u32)> = BTreeSet::new();
    for version in &record.versions {
        let (model, number) = (short(&version.name), version.version);
        if !names.contains(version.name.as_str()) {
            return Err(ImportError::UnknownVersionModel { model, version: number });
        }
        if !versions.insert((version.name.as_str(), version.version)) {
            return Err(ImportError::DuplicateVersion { model, version: number });
        }
        let invalid = |error| ImportError::InvalidVersion { model: model.clone(), version: number, error };
        if version.run_id.trim().is_empty() {
            return Err(invalid(RegistryError::NoRun));
        }
        if !run_ids.contains(version.run_id.as_str()) {
            return Err(ImportError::UnknownVersionRun {
                model: model.clone(),
                version: number,
                run_id: short(&version.run_id),
            });
        }
        check_meta(&version.description, &version.tags).map_err(|e| invalid(short_registry(e)))?;
    }
    for model in &record.models {
        for (alias, version) in &model.aliases {
            if !versions.contains(&(model.name.as_str(), *version)) {
                return Err(ImportError::UnknownAliasVersion {
                    model: short(&model.name),
                    alias: short(alias),
                    version: *version,
                });
            }
        }
    }
    let mut seqs = BTreeSet::new();
    for entry in &record.audit {
        if !seqs.insert(entry.seq) {
            return Err(ImportError::DuplicateAuditSeq { seq: entry.seq });
        }
        if !names.contains(entry.model.as_str()) {
            return Err(ImportError::UnknownAuditModel { seq: entry.seq, model: short(&entry.model) });
        }
        let length = entry.reason.chars().count();
        if length > MAX_DESCRIPTION_LENGTH {
            return Err(ImportError::AuditReasonTooLong {
                seq: entry.seq,
                length,
                limit: MAX_DESCRIPTION_LENGTH,
            });
        }
        check_event(&entry.event)
            .map_err(|error| ImportError::InvalidAudit { seq: entry.seq, error: short_registry(error) })?;
    }
    Ok(())
}

/// Plans the import of `document` (checked again with [`validate`]) into the store holding `snapshot`
/// and `registry`, as of `now_ms` (the deletion time of the runs [`Mode::Replace`] rewrites).
///
/// The tracking batch is, in order: the experiments to create or replace; for runs to rewrite, a soft
/// delete and a purge (children first); then each run to create, parents first, as an active run with
/// its metric histories and artifacts, and soft-deleted again if the document has it deleted; last, the
/// deleted experiments that received runs are deleted again (a new run cannot start in a deleted
/// experiment, so they are active for the batch). The plan is checked with `validate_batch` before it is
/// returned.
pub fn plan_import(
    document: &Document,
    snapshot: &Snapshot,
    registry: &Registry,
    mode: Mode,
    now_ms: i64,
) -> Result<ImportPlan, ImportError> {
    validate(document)?;
    let mut summary = ImportSummary::default();
    let (experiment_ids, experiment_changes) = plan_experiments(document, snapshot, mode, &mut summary);
    let tracking =
        plan_runs(document, snapshot, mode, now_ms, &experiment_ids, experiment_changes, &mut summary);
    validate_batch(snapshot, &tracking)
        .map_err(|error| ImportError::Refused { message: short(&error.to_string()) })?;
    let registry = plan_registry(document, registry, mode, &mut summary);
    Ok(ImportPlan { tracking, registry, summary })
}

/// Maps each document experiment id to the store's id for it, and returns the experiments to write
/// (their final records).
fn plan_experiments(
    document: &Document,
    snapshot: &Snapshot,
    mode: Mode,
    summary: &mut ImportSummary,
) -> (BTreeMap<String, String>, Vec<Experiment>) {
    let mut ids = BTreeMap::new();
    let mut writes = Vec::new();
    let mut taken: BTreeSet<String> = snapshot.experiments.iter().map(|e| e.experiment_id.clone()).collect();
    let mut next =
        taken.iter().filter_map(|id| id.parse::<u64>().ok()).max().map_or(1, |id| id.saturating_add(1));
    let counts = &mut summary.experiments;
    for experiment in &document.experiments {
        match snapshot.experiments.iter().find(|e| e.name == experiment.name) {
            Some(stored) => {
                ids.insert(experiment.experiment_id.clone(), stored.experiment_id.clone());
                let wanted = Experiment { experiment_id: stored.experiment_id.clone(), ..experiment.clone() };
                if wanted == *stored {
                    counts.kept += 1;
                } else if mode == Mode::Merge {
                    counts.kept += 1;
                    counts.differing += 1;
                } else {
                    counts.replaced += 1;
                    writes.push(wanted);
                }
            }
            None => {
                let mut id = experiment.experiment_id.clone();
                if taken.contains(&id) {
                    while taken.contains(&next.to_string()) {
                        next = next.saturating_add(1);
                    }
                    id = next.to_string();
                    counts.renumbered += 1;
                }
                taken.insert(id.clone());
                ids.insert(experiment.experiment_id.clone(), id.clone());
                counts.created += 1;
                writes.push(Experiment { experiment_id: id, ..experiment.clone() });
            }
        }
    }
    (ids, writes)
}

/// Whether two runs hold the same record, NaN metric values equal to NaN.
fn same_run(a: &Run, b: &Run) -> bool {
    let strip = |run: &Run| Run { metrics: BTreeMap::new(), latest_points: BTreeMap::new(), ..run.clone() };
    let bits = |run: &Run| -> Vec<(String, u64)> {
        run.metrics
            .iter()
            .map(|(k, v)| (k.clone(), if v.is_nan() { u64::MAX } else { v.to_bits() }))
            .collect()
    };
    let points = |run: &Run| -> Vec<(String, super::Point)> {
        run.latest_points.iter().map(|(k, p)| (k.clone(), super::Point::from(*p))).collect()
    };
    strip(a) == strip(b) && bits(a) == bits(b) && points(a) == points(b)
}

fn plan_runs(
    document: &Document,
    snapshot: &Snapshot,
    mode: Mode,
    now_ms: i64,
    experiment_ids: &BTreeMap<String, String>,
    experiment_writes: Vec<Experiment>,
    summary: &mut ImportSummary,
) -> Vec<Change> {
    let in_document: BTreeSet<&str> = document.runs.iter().map(|r| r.run_id.as_str()).collect();
    // The run each record becomes, as the store would hold it.
    let mut wanted: Vec<(&RunRecord, Run)> = Vec::with_capacity(document.runs.len());
    for record in &document.runs {
        let mut run = record.run();
        if let Some(id) = experiment_ids.get(&run.experiment_id) {
            run.experiment_id = id.clone();
        }
        run.parent_run_id = run.parent().map(str::to_string);
        match run.parent_run_id.clone() {
            Some(parent) if in_document.contains(parent.as_str()) || snapshot.run(&parent).is_some() => {
                run.tags.insert(PARENT_RUN_ID_TAG.to_string(), parent);
            }
            Some(_) => {
                run.parent_run_id = None;
                run.tags.remove(PARENT_RUN_ID_TAG);
                summary.detached.push(record.run_id.clone());
            }
            None => {}
        }
        wanted.push((record, run));
    }

    // Which runs to write: new ones, and (Replace) those the store holds in another form, with every
    // descendant the store holds, all of which must be in the document.
    let mut create: BTreeSet<&str> = BTreeSet::new();
    let mut rewrite: BTreeSet<&str> = BTreeSet::new();
    for (record, run) in &wanted {
        let id = record.run_id.as_str();
        match snapshot.run(id) {
            None => {
                summary.runs.created += 1;
                create.insert(id);
            }
            Some(stored) if same_run(run, stored) => summary.runs.kept += 1,
            Some(_) if mode == Mode::Merge => {
                summary.runs.kept += 1;
                summary.runs.differing += 1;
            }
            Some(stored) => {
                let family = descendants(snapshot, &stored.run_id);
                if family.iter().all(|r| in_document.contains(r.run_id.as_str())) {
                    summary.runs.replaced += 1;
                    rewrite.insert(id);
                    rewrite.extend(family.iter().filter_map(|r| in_document.get(r.run_id.as_str()).copied()));
                } else {
                    summary.runs.kept += 1;
                    summary.runs.differing += 1;
                    summary.not_replaced.push(record.run_id.clone());
                }
            }
        }
    }
    // A rewritten descendant counted as kept is rewritten all the same (its parent is purged).
    for (record, run) in &wanted {
        if rewrite.contains(record.run_id.as_str())
            && snapshot.run(&record.run_id).is_some_and(|s| same_run(run, s))
        {
            summary.runs.kept = summary.runs.kept.saturating_sub(1);
            summary.runs.replaced += 1;
        }
    }

    // The final record of every experiment that receives a run; a deleted one is opened for the batch.
    let receiving: BTreeSet<&str> = wanted
        .iter()
        .filter(|(r, _)| create.contains(r.run_id.as_str()) || rewrite.contains(r.run_id.as_str()))
        .map(|(_, run)| run.experiment_id.as_str())
        .collect();
    let mut changes = Vec::new();
    let mut closing = Vec::new();
    for experiment in &experiment_writes {
        if experiment.lifecycle_stage == LifecycleStage::Deleted
            && receiving.contains(experiment.experiment_id.as_str())
        {
            let open = Experiment { lifecycle_stage: LifecycleStage::Active, ..experiment.clone() };
            changes.push(Change::PutExperiment(open));
            closing.push(Change::PutExperiment(experiment.clone()));
        } else {
            changes.push(Change::PutExperiment(experiment.clone()));
        }
    }
    for stored in &snapshot.experiments {
        let written = experiment_writes.iter().any(|e| e.experiment_id == stored.experiment_id);
        if !written
            && stored.lifecycle_stage == LifecycleStage::Deleted
            && receiving.contains(stored.experiment_id.as_str())
        {
            changes.push(Change::PutExperiment(Experiment {
                lifecycle_stage: LifecycleStage::Active,
                ..stored.clone()
            }));
            closing.push(Change::PutExperiment(stored.clone()));
        }
    }

    // Rewritten runs leave first: deleted, then purged children first.
    let depth = |run_id: &str| {
        let mut seen = BTreeSet::from([run_id.to_string()]);
        let mut parent = snapshot.run(run_id).and_then(Run::parent);
        let mut depth = 0usize;
        while let Some(id) = parent.filter(|id| seen.insert(id.to_string())) {
            depth += 1;
            parent = snapshot.run(id).and_then(Run::parent);
        }
        depth
    };
    let mut leaving: Vec<(usize, &str)> = rewrite.iter().map(|id| (depth(id), *id)).collect();
    leaving.sort_by(|a, b| b.cmp(a));
    for (_, id) in &leaving {
        if let Some(stored) = snapshot.run(id).filter(|r| !r.is_deleted()) {
            let mut deleted = stored.clone();
            deleted.lifecycle_stage = LifecycleStage::Deleted;
            deleted.deleted_time = Some(now_ms);
            changes.push(Change::PutRun(deleted));
        }
    }
    changes.extend(leaving.iter().map(|(_, id)| Change::PurgeRun { run_id: (*id).to_string() }));

    // Then every run to write, parents first, with its histories and artifacts.
    for (record, run) in wanted {
        if !create.contains(record.run_id.as_str()) && !rewrite.contains(record.run_id.as_str()) {
            continue;
        }
        let active = Run { lifecycle_stage: LifecycleStage::Active, deleted_time: None, ..run.clone() };
        changes.push(Change::PutRun(active));
        for (key, points) in &record.metric_history {
            if !points.is_empty() {
                changes.push(Change::LogMetric {
                    run_id: record.run_id.clone(),
                    key: key.clone(),
                    points: points.iter().copied().map(MetricPoint::from).collect(),
                });
            }
        }
        for artifact in &record.artifacts {
            changes.push(Change::PutArtifact {
                run_id: record.run_id.clone(),
                path: artifact.path.clone(),
                kind: artifact.kind,
                content: artifact.content.clone(),
            });
        }
        if run.is_deleted() {
            changes.push(Change::PutRun(run));
        }
    }
    changes.extend(closing);
    changes
}

fn plan_registry(
    document: &Document,
    registry: &Registry,
    mode: Mode,
    summary: &mut ImportSummary,
) -> Vec<RegistryChange> {
    let record = &document.registry;
    let mut model_changes = Vec::new();
    let mut version_changes = Vec::new();
    // (model, document number) → the store's number.
    let mut numbers: BTreeMap<(&str, u32), u32> = BTreeMap::new();
    for model in &record.models {
        let name = model.name.as_str();
        let stored_numbers: BTreeSet<u32> = registry.versions_of(name).map(|v| v.version).collect();
        let mut assigned: BTreeSet<u32> = BTreeSet::new();
        let mut by_run: BTreeMap<&str, VecDeque<&ModelVersion>> = BTreeMap::new();
        let mut stored_versions: Vec<&ModelVersion> = registry.versions_of(name).collect();
        stored_versions.sort_by_key(|v| v.version);
        for version in stored_versions {
            by_run.entry(version.run_id.as_str()).or_default().push_back(version);
        }
        let mut ours: Vec<&ModelVersion> = record.versions.iter().filter(|v| v.name == name).collect();
        ours.sort_by_key(|v| v.version);
        for version in ours {
            let counts = &mut summary.versions;
            match by_run.get_mut(version.run_id.as_str()).and_then(VecDeque::pop_front) {
                Some(stored) => {
                    numbers.insert((name, version.version), stored.version);
                    let wanted = ModelVersion { version: stored.version, ..version.clone() };
                    if wanted == *stored {
                        counts.kept += 1;
                    } else if mode == Mode::Merge {
                        counts.kept += 1;
                        counts.differing += 1;
                    } else {
                        counts.replaced += 1;
                        version_changes.push(RegistryChange::PutVersion(wanted));
                    }
                }
                None => {
                    let free = |n: &u32| !stored_numbers.contains(n) && !assigned.contains(n);
                    let number = if free(&version.version) {
                        version.version
                    } else {
                        counts.renumbered += 1;
                        stored_numbers.iter().chain(&assigned).max().map_or(1, |n| n.saturating_add(1))
                    };
                    assigned.insert(number);
                    numbers.insert((name, version.version), number);
                    counts.created += 1;
                    version_changes.push(RegistryChange::PutVersion(ModelVersion {
                        version: number,
                        ..version.clone()
                    }));
                }
            }
        }
        let aliases: BTreeMap<String, u32> = model
            .aliases
            .iter()
            .map(|(alias, v)| (alias.clone(), numbers.get(&(name, *v)).copied().unwrap_or(*v)))
            .collect();
        let counts = &mut summary.models;
        match registry.model(name) {
            None => {
                counts.created += 1;
                model_changes.push(RegistryChange::PutModel(RegisteredModel { aliases, ..model.clone() }));
            }
            Some(stored) => {
                let mut kept_aliases = stored.aliases.clone();
                kept_aliases.extend(aliases.clone());
                let replaced = RegisteredModel { aliases: kept_aliases, ..model.clone() };
                if replaced == *stored {
                    counts.kept += 1;
                } else if mode == Mode::Merge {
                    counts.kept += 1;
                    counts.differing += 1;
                } else {
                    counts.replaced += 1;
                    model_changes.push(RegistryChange::PutModel(replaced));
                }
            }
        }
    }

    // The audit log: entries the store has (same model, version, time and event) are skipped; the
    // others are appended with fresh numbers.
    let key = |entry: &AuditEntry| {
        (
            entry.model.clone(),
            entry.version,
            entry.time,
            serde_json::to_string(&entry.event).unwrap_or_default(),
        )
    };
    let present: BTreeSet<_> = registry.audit.iter().map(key).collect();
    let mut seq = registry.next_seq();
    let mut audit = Vec::new();
    let mut ordered: Vec<&AuditEntry> = record.audit.iter().collect();
    ordered.sort_by_key(|e| e.seq);
    for entry in ordered {
        let name = entry.model.as_str();
        let map = |v: u32| numbers.get(&(name, v)).copied().unwrap_or(v);
        let mut entry = entry.clone();
        entry.version = entry.version.map(map);
        match &mut entry.event {
            AuditEvent::AliasMoved { from, to, .. } => {
                *from = from.map(map);
                *to = to.map(map);
            }
            AuditEvent::GateChecked(check) => {
                check.candidate_version = map(check.candidate_version);
                if let Some((version, _)) = &mut check.champion {
                    *version = map(*version);
                }
            }
            _ => {}
        }
        if present.contains(&key(&entry)) {
            summary.audit.kept += 1;
        } else {
            entry.seq = seq;
            seq = seq.saturating_add(1);
            summary.audit.created += 1;
            audit.push(RegistryChange::Audit(entry));
        }
    }
    model_changes.into_iter().chain(version_changes).chain(audit).collect()
}
