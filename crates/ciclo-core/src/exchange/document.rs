//! The export document: everything the playground tracks and registers, as one versioned JSON document
//! (documented field by field in `docs/export-format.md`).
//!
//! The document has its own wire types rather than serializing the stored records as they are: the stored
//! layout ([`crate::tracking::SCHEMA_VERSION`]) may change with a migration, while a document written by
//! one version of Ciclo must stay readable by the next, and by people and scripts that only read the
//! documentation. Metric values that are NaN (MLflow accepts them) are written as the string `"NaN"`, as
//! protobuf's JSON mapping does, since JSON has no NaN.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::registry::{AuditEntry, ModelVersion, RegisteredModel};
use crate::tracking::{
    ArtifactInfo, ArtifactKind, DatasetInput, Experiment, LifecycleStage, MetricPoint, Run, RunStatus,
};

/// The value of [`Document::format`]: what the file is.
pub const FORMAT: &str = "ciclo-export";

/// The version of the document's shape. A reader refuses a document of a newer version with a precise
/// error rather than guessing; bump it when a field changes meaning or a required field is added.
pub const FORMAT_VERSION: u32 = 1;

/// The tag a pushed MLflow run carries with its playground run id, so that a second push finds it.
pub const RUN_ID_TAG: &str = "ciclo.run_id";

/// One export: experiments, runs with their metric histories and artifacts, and the model registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`] when written by this version.
    pub format_version: u32,
    /// Milliseconds since the Unix epoch.
    pub exported_at: i64,
    /// Who wrote it, such as `ciclo 0.1.0 (page)` or `ciclo 0.1.0 (cli)`.
    pub producer: String,
    /// The experiments the runs belong to (and, in a full export, every experiment).
    pub experiments: Vec<Experiment>,
    /// The runs, parents before their children.
    pub runs: Vec<RunRecord>,
    /// The registered models whose versions come from the exported runs (all of them in a full export).
    #[serde(default)]
    pub registry: RegistryRecord,
}

impl Document {
    /// The document as pretty-printed JSON, in a stable order (the records in the document's order, map
    /// keys sorted), so that the same document always gives the same text. [`super::parse`] reads it back.
    pub fn to_json(&self) -> String {
        // Serializing cannot fail: every map has text keys and every value is plain data (non-finite
        // metric values are written as text by `Value`).
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// One run, whole: the run's record, every metric's step history, and its artifacts with their content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// 32 lower-case hex digits.
    pub run_id: String,
    /// The experiment it belongs to (one of [`Document::experiments`]).
    pub experiment_id: String,
    /// A name for people.
    pub run_name: String,
    /// `RUNNING`, `FINISHED`, `FAILED` or `KILLED`.
    pub status: RunStatus,
    /// Milliseconds since the Unix epoch.
    pub start_time: i64,
    /// Milliseconds since the Unix epoch, once it ended.
    pub end_time: Option<i64>,
    /// `active` or `deleted`.
    #[serde(default)]
    pub lifecycle_stage: LifecycleStage,
    /// When it was deleted.
    #[serde(default)]
    pub deleted_time: Option<i64>,
    /// The parent run's id (a search's child), also in the `mlflow.parentRunId` tag.
    #[serde(default)]
    pub parent_run_id: Option<String>,
    /// Parameters as text.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Each metric's latest value (what search reads), NaN as `"NaN"`.
    #[serde(default)]
    pub metrics: BTreeMap<String, Value>,
    /// The point behind each latest value, where it was logged with a step and time.
    #[serde(default)]
    pub latest_points: BTreeMap<String, Point>,
    /// Each metric's step history, in logging order.
    #[serde(default)]
    pub metric_history: BTreeMap<String, Vec<Point>>,
    /// The data sets it saw (MLflow's dataset inputs).
    #[serde(default)]
    pub inputs: Vec<DatasetInput>,
    /// Its artifacts with their content, by path.
    #[serde(default)]
    pub artifacts: Vec<ArtifactFile>,
}

impl RunRecord {
    /// The run's record as the tracking store keeps it: without histories and artifact contents, its
    /// artifacts listed by path with their sizes in bytes.
    pub fn run(&self) -> Run {
        let mut artifacts: Vec<ArtifactInfo> = self
            .artifacts
            .iter()
            .map(|a| ArtifactInfo { path: a.path.clone(), kind: a.kind, size: a.content.len() as u64 })
            .collect();
        artifacts.sort_by(|a, b| a.path.cmp(&b.path));
        Run {
            run_id: self.run_id.clone(),
            experiment_id: self.experiment_id.clone(),
            run_name: self.run_name.clone(),
            status: self.status,
            start_time: self.start_time,
            end_time: self.end_time,
            params: self.params.clone(),
            metrics: self.metrics.iter().map(|(k, v)| (k.clone(), v.0)).collect(),
            tags: self.tags.clone(),
            inputs: self.inputs.clone(),
            latest_points: self
                .latest_points
                .iter()
                .map(|(k, p)| (k.clone(), MetricPoint::from(*p)))
                .collect(),
            artifacts,
            parent_run_id: self.parent_run_id.clone(),
            lifecycle_stage: self.lifecycle_stage,
            deleted_time: self.deleted_time,
        }
    }
}

/// A metric value: a JSON number, or the string `"NaN"`.
#[derive(Debug, Clone, Copy)]
pub struct Value(pub f64);

impl PartialEq for Value {
    /// Bit-for-bit, so that NaN equals NaN and a round trip is checked exactly.
    fn eq(&self, other: &Value) -> bool {
        self.0.to_bits() == other.0.to_bits() || (self.0.is_nan() && other.0.is_nan())
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            serializer.serialize_f64(self.0)
        } else if self.0.is_nan() {
            serializer.serialize_str("NaN")
        } else if self.0 > 0.0 {
            serializer.serialize_str("Infinity")
        } else {
            serializer.serialize_str("-Infinity")
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Number(f64),
            Text(String),
        }
        match Wire::deserialize(deserializer)? {
            Wire::Number(value) => Ok(Value(value)),
            Wire::Text(text) => match text.as_str() {
                "NaN" => Ok(Value(f64::NAN)),
                "Infinity" => Ok(Value(f64::INFINITY)),
                "-Infinity" => Ok(Value(f64::NEG_INFINITY)),
                other => Err(serde::de::Error::custom(format!(
                    "expected a number or \"NaN\", found the text {:?}",
                    other.chars().take(40).collect::<String>()
                ))),
            },
        }
    }
}

/// One logged value of a metric, as MLflow's `Metric` without its key.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The value.
    pub value: Value,
    /// The step.
    pub step: i64,
    /// Milliseconds since the Unix epoch.
    pub timestamp: i64,
}

impl From<MetricPoint> for Point {
    fn from(point: MetricPoint) -> Point {
        Point { value: Value(point.value), step: point.step, timestamp: point.timestamp }
    }
}

impl From<Point> for MetricPoint {
    fn from(point: Point) -> MetricPoint {
        MetricPoint { value: point.value.0, step: point.step, timestamp: point.timestamp }
    }
}

/// An artifact with its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactFile {
    /// Relative path such as `model/model.json`.
    pub path: String,
    /// `json`, `csv` or `svg`.
    pub kind: ArtifactKind,
    /// The content, UTF-8 text.
    pub content: String,
}

/// The model registry's part of a document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegistryRecord {
    /// Registered models with their aliases.
    #[serde(default)]
    pub models: Vec<RegisteredModel>,
    /// Their versions, each naming the run it came from, with its stage.
    #[serde(default)]
    pub versions: Vec<ModelVersion>,
    /// The audit log of those models, oldest first.
    #[serde(default)]
    pub audit: Vec<AuditEntry>,
}
