//! The entities of MLflow Tracking as plain data: [`Experiment`], [`Run`] and what a run holds.
//!
//! Every field added after layout 2 carries `#[serde(default)]`, so records written by an older Ciclo
//! still read (the IndexedDB upgrade rewrites them anyway, see `ciclo-store`'s `migrate`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The experiment every run goes to unless another is chosen, as in MLflow (id `0`, name `Default`).
pub const DEFAULT_EXPERIMENT_ID: &str = "0";

/// The tag MLflow uses for a child run's parent; Ciclo keeps it in step with [`Run::parent_run_id`].
pub const PARENT_RUN_ID_TAG: &str = "mlflow.parentRunId";

/// The dataset context of the data a model was fitted on (MLflow's `mlflow.data.context` input tag).
pub const CONTEXT_TRAINING: &str = "training";
/// The dataset context of the data a model was scored on.
pub const CONTEXT_EVALUATION: &str = "evaluation";

/// Whether an experiment or a run is in use or in the trash, with MLflow's names (`active`, `deleted`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LifecycleStage {
    /// Listed and searchable.
    #[default]
    Active,
    /// Soft-deleted: hidden from the default views, restorable until purged.
    Deleted,
}

impl LifecycleStage {
    /// MLflow's name: `active` or `deleted`.
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleStage::Active => "active",
            LifecycleStage::Deleted => "deleted",
        }
    }
}

/// An experiment: a named group of runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    /// Unique id (MLflow uses decimal strings; `0` is `Default`).
    pub experiment_id: String,
    /// Unique name.
    pub name: String,
    /// Milliseconds since the Unix epoch.
    pub creation_time: i64,
    /// Free-form tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// A description for people (MLflow keeps it in the `mlflow.note.content` tag).
    #[serde(default)]
    pub description: String,
    /// Active or deleted.
    #[serde(default)]
    pub lifecycle_stage: LifecycleStage,
}

impl Experiment {
    /// An active experiment with no tags and no description.
    pub fn new(experiment_id: impl Into<String>, name: impl Into<String>, creation_time: i64) -> Experiment {
        Experiment {
            experiment_id: experiment_id.into(),
            name: name.into(),
            creation_time,
            tags: BTreeMap::new(),
            description: String::new(),
            lifecycle_stage: LifecycleStage::Active,
        }
    }

    /// The `Default` experiment, created at `now_ms`.
    pub fn default_at(now_ms: i64) -> Experiment {
        Experiment::new(DEFAULT_EXPERIMENT_ID, "Default", now_ms)
    }
}

/// A run's status, with MLflow's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunStatus {
    /// Still training.
    Running,
    /// Finished normally.
    Finished,
    /// Stopped by an error.
    Failed,
    /// Cancelled by the user, or left unfinished when its tab closed.
    Killed,
}

impl RunStatus {
    /// MLflow's name: `RUNNING`, `FINISHED`, `FAILED` or `KILLED` (what `attributes.status` compares).
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "RUNNING",
            RunStatus::Finished => "FINISHED",
            RunStatus::Failed => "FAILED",
            RunStatus::Killed => "KILLED",
        }
    }
}

/// The data set a run saw, as MLflow's dataset input: the dataset's name, digest, schema and profile, and
/// the input's context.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DatasetInput {
    /// The data set's name.
    pub name: String,
    /// Its content digest ([`crate::dataset::Dataset::digest`]).
    pub digest: String,
    /// Number of rows.
    pub rows: usize,
    /// [`CONTEXT_TRAINING`] or [`CONTEXT_EVALUATION`].
    pub context: String,
    /// The columns as JSON text (MLflow's dataset `schema`), empty when unknown.
    #[serde(default)]
    pub schema: String,
    /// A summary of the data as JSON text (MLflow's dataset `profile`), empty when unknown.
    #[serde(default)]
    pub profile: String,
}

/// One logged value of a metric: MLflow's `Metric` without its key.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MetricPoint {
    /// The value: finite, or NaN (see [`crate::tracking::limits`]).
    pub value: f64,
    /// The step (a boosting round, an epoch); 0 when there is only one.
    pub step: i64,
    /// Milliseconds since the Unix epoch.
    pub timestamp: i64,
}

impl MetricPoint {
    /// Whether `self`, logged after `other`, supersedes it as a metric's latest value: MLflow keeps the
    /// point with the greatest step, then the greatest timestamp; on a tie the point logged later wins.
    pub fn supersedes(&self, other: &MetricPoint) -> bool {
        (self.step, self.timestamp) >= (other.step, other.timestamp)
    }
}

/// What an artifact holds, which says how the page renders it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArtifactKind {
    /// JSON text (curves, a confusion matrix, the fitted model).
    Json,
    /// Comma-separated values.
    Csv,
    /// An SVG image.
    Svg,
}

impl ArtifactKind {
    /// The media type to serve or download it with.
    pub fn media_type(self) -> &'static str {
        match self {
            ArtifactKind::Json => "application/json",
            ArtifactKind::Csv => "text/csv",
            ArtifactKind::Svg => "image/svg+xml",
        }
    }

    /// The kind a file name's extension implies (`.json`, `.csv`, `.svg`, any case), if any.
    pub fn from_path(path: &str) -> Option<ArtifactKind> {
        let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(ArtifactKind::Json),
            "csv" => Some(ArtifactKind::Csv),
            "svg" => Some(ArtifactKind::Svg),
            _ => None,
        }
    }
}

/// An artifact as the run lists it. The content itself is stored apart from the run (see
/// [`crate::tracking::Change::PutArtifact`]), so that listing thousands of runs stays light.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactInfo {
    /// Relative path such as `plots/roc.svg`.
    pub path: String,
    /// What it holds.
    pub kind: ArtifactKind,
    /// Size of the content in bytes (UTF-8).
    pub size: u64,
}

impl ArtifactInfo {
    /// The media type ([`ArtifactKind::media_type`]).
    pub fn media_type(&self) -> &'static str {
        self.kind.media_type()
    }
}

/// One training, as MLflow records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// 32 lower-case hex digits, like MLflow's run ids.
    pub run_id: String,
    /// The experiment it belongs to.
    pub experiment_id: String,
    /// A name for people.
    pub run_name: String,
    /// Its status.
    pub status: RunStatus,
    /// Milliseconds since the Unix epoch.
    pub start_time: i64,
    /// Milliseconds since the Unix epoch, once it ended.
    pub end_time: Option<i64>,
    /// Parameters (immutable once logged), as text like MLflow's.
    pub params: BTreeMap<String, String>,
    /// Latest value of each metric (what search and the runs table read). The step histories are stored
    /// apart, see [`crate::tracking::Change::LogMetric`].
    pub metrics: BTreeMap<String, f64>,
    /// Tags (`mlflow.source.name`, the app build, notes ...).
    pub tags: BTreeMap<String, String>,
    /// The data sets it saw.
    pub inputs: Vec<DatasetInput>,
    /// The point behind each latest value logged with `LogMetric`, to order later points against.
    #[serde(default)]
    pub latest_points: BTreeMap<String, MetricPoint>,
    /// Its artifacts, without their content. Maintained by the store from `PutArtifact` changes.
    #[serde(default)]
    pub artifacts: Vec<ArtifactInfo>,
    /// The run this one is a child of (a grid search's parent). The store also takes it from MLflow's
    /// `mlflow.parentRunId` tag when this is empty, and keeps the two in step.
    #[serde(default)]
    pub parent_run_id: Option<String>,
    /// Active or deleted (soft delete).
    #[serde(default)]
    pub lifecycle_stage: LifecycleStage,
    /// When it was deleted, in milliseconds since the Unix epoch.
    #[serde(default)]
    pub deleted_time: Option<i64>,
}

impl Run {
    /// A RUNNING, active run started at `start_time`, with nothing logged yet.
    pub fn new(
        run_id: impl Into<String>,
        experiment_id: impl Into<String>,
        run_name: impl Into<String>,
        start_time: i64,
    ) -> Run {
        Run {
            run_id: run_id.into(),
            experiment_id: experiment_id.into(),
            run_name: run_name.into(),
            status: RunStatus::Running,
            start_time,
            end_time: None,
            params: BTreeMap::new(),
            metrics: BTreeMap::new(),
            tags: BTreeMap::new(),
            inputs: Vec::new(),
            latest_points: BTreeMap::new(),
            artifacts: Vec::new(),
            parent_run_id: None,
            lifecycle_stage: LifecycleStage::Active,
            deleted_time: None,
        }
    }

    /// The same run as a child of `parent_run_id` (also sets MLflow's `mlflow.parentRunId` tag).
    pub fn with_parent(mut self, parent_run_id: impl Into<String>) -> Run {
        let parent = parent_run_id.into();
        self.tags.insert(PARENT_RUN_ID_TAG.to_string(), parent.clone());
        self.parent_run_id = Some(parent);
        self
    }

    /// The parent's id: [`Run::parent_run_id`], or else MLflow's `mlflow.parentRunId` tag.
    pub fn parent(&self) -> Option<&str> {
        self.parent_run_id.as_deref().or_else(|| self.tags.get(PARENT_RUN_ID_TAG).map(String::as_str))
    }

    /// Duration in milliseconds, once ended.
    pub fn duration_ms(&self) -> Option<i64> {
        self.end_time.map(|end| end.saturating_sub(self.start_time))
    }

    /// Whether it is in the trash.
    pub fn is_deleted(&self) -> bool {
        self.lifecycle_stage == LifecycleStage::Deleted
    }

    /// The artifact listed at `path`, if any.
    pub fn artifact(&self, path: &str) -> Option<&ArtifactInfo> {
        self.artifacts.iter().find(|a| a.path == path)
    }
}

/// Formats 16 bytes (from the caller's entropy: the core has none) as a 32-digit run id.
pub fn run_id_from_bytes(bytes: [u8; 16]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
