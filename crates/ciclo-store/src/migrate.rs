//! The stored layouts, one per schema version, and the pure steps between them.
//!
//! Layout 1 (historic): one object store `runs`, key path `run_id`, whose records were runs without an
//! `experiment_id` but with their experiment's name in an `experiment_name` string field.
//!
//! Layout 2: `experiments` (key path `experiment_id`), `runs` (key path `run_id`, index `experiment_id`) and
//! `meta` (key path `key`), which holds the [`SchemaRecord`].
//!
//! Layout 3: layout 2 plus the index `parent_run_id` of `runs`,
//! `artifacts` (key path `[run_id, path]`, records [`ArtifactRecord`]) and `metric_histories` (key path
//! `[run_id, key]`, records [`HistoryRecord`]): the contents kept apart from the run records, so that
//! loading thousands of runs stays light. Every experiment and run record is rewritten with the new fields
//! (lifecycle `active`, no parent unless MLflow's `mlflow.parentRunId` tag names one, an experiment's
//! description from MLflow's `mlflow.note.content` tag).
//!
//! Layout 4 ([`ciclo_core::tracking::SCHEMA_VERSION`]): layout 3 plus the model registry:
//! `registered_models` (key path `name`, records `ciclo_core::registry::RegisteredModel`), `model_versions`
//! (key path `[name, version]`, records `ModelVersion`) and `registry_audit` (key path `seq`, records
//! `AuditEntry`). No record is rewritten. `runs` also gets the index `lifecycle_start_time` on
//! `[lifecycle_stage, start_time]` ([`RUNS_BY_STAGE_AND_START`]), from which the page reads its newest active
//! runs and their count without reading every run.
//!
//! Nothing here touches the browser, so the record rewrites are tested natively; `upgrade.rs` applies them
//! inside IndexedDB's upgrade transaction.

use std::collections::{BTreeMap, BTreeSet};

use ciclo_core::tracking::{
    Experiment, MetricPoint, Run, StoreError, DEFAULT_EXPERIMENT_ID, PARENT_RUN_ID_TAG,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The object store of experiments (layout 2).
pub const EXPERIMENTS: &str = "experiments";
/// The object store of runs (layouts 1 and 2).
pub const RUNS: &str = "runs";
/// The object store of bookkeeping records such as [`SchemaRecord`] (layout 2).
pub const META: &str = "meta";
/// The index of `runs` by `experiment_id` (layout 2); the index has the name of its key path.
pub const RUNS_BY_EXPERIMENT: &str = "experiment_id";
/// The index of `runs` by `parent_run_id` (layout 3), to find a purged run's children.
pub const RUNS_BY_PARENT: &str = "parent_run_id";
/// The index of `runs` by `[lifecycle_stage, start_time]` (layout 4): the newest active runs are the last
/// keys of its `["active", ...]` range, and counting that range counts the active runs.
pub const RUNS_BY_STAGE_AND_START: &str = "lifecycle_start_time";
/// The object store of artifact contents (layout 3).
pub const ARTIFACTS: &str = "artifacts";
/// The object store of metric step histories (layout 3).
pub const METRIC_HISTORIES: &str = "metric_histories";
/// The object store of registered models (layout 4).
pub const REGISTERED_MODELS: &str = "registered_models";
/// The object store of model versions (layout 4).
pub const MODEL_VERSIONS: &str = "model_versions";
/// The object store of the registry's audit log (layout 4), keyed by sequence number.
pub const REGISTRY_AUDIT: &str = "registry_audit";
/// The tag in which MLflow keeps an experiment's description.
pub const NOTE_TAG: &str = "mlflow.note.content";
/// The key of the [`SchemaRecord`] in `meta`.
pub const SCHEMA_KEY: &str = "schema";

/// The record in `meta` that names the layout version the data is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaRecord {
    /// Always [`SCHEMA_KEY`].
    pub key: String,
    /// The layout version, [`ciclo_core::tracking::SCHEMA_VERSION`] once upgraded.
    pub version: u32,
}

impl SchemaRecord {
    /// The record for layout `version`.
    pub fn new(version: u32) -> SchemaRecord {
        SchemaRecord { key: SCHEMA_KEY.to_string(), version }
    }
}

/// An artifact's content in `artifacts` (layout 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactRecord {
    /// The run.
    pub run_id: String,
    /// The artifact's path in the run.
    pub path: String,
    /// The content.
    pub content: String,
}

/// A metric's step history in `metric_histories` (layout 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// The run.
    pub run_id: String,
    /// The metric's key.
    pub key: String,
    /// Every point, in logging order.
    pub points: Vec<MetricPoint>,
}

/// Reads a run record of layout 2 as layout 3: the new fields take their defaults, and a parent named by
/// MLflow's `mlflow.parentRunId` tag becomes the run's `parent_run_id`.
pub fn migrate_v2_run(record: Value) -> Result<Run, String> {
    let run_id = record.get("run_id").and_then(Value::as_str).map(str::to_string);
    let mut run: Run = serde_json::from_value(record).map_err(|error| match &run_id {
        Some(run_id) => format!("run `{run_id}`: {error}"),
        None => error.to_string(),
    })?;
    if run.parent_run_id.is_none() {
        run.parent_run_id = run.tags.get(PARENT_RUN_ID_TAG).filter(|p| !p.is_empty()).cloned();
    }
    Ok(run)
}

/// Reads an experiment record of layout 2 as layout 3: active, with its description from MLflow's
/// `mlflow.note.content` tag when it has one.
pub fn migrate_v2_experiment(record: Value) -> Result<Experiment, String> {
    let mut experiment: Experiment = serde_json::from_value(record).map_err(|error| error.to_string())?;
    if experiment.description.is_empty() {
        if let Some(note) = experiment.tags.get(NOTE_TAG) {
            experiment.description = note.clone();
        }
    }
    Ok(experiment)
}

/// What the records of layout 1 become in layout 2.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MigratedV1 {
    /// One experiment per distinct experiment name, by id.
    pub experiments: Vec<Experiment>,
    /// Every run, in the order of the records given.
    pub runs: Vec<Run>,
}

/// Turns every run record of layout 1 into layout 2.
///
/// The experiment named `Default` gets id `0` (as in MLflow); the other names get `1`, `2`, ... in name
/// order. An experiment's creation time is the earliest start time of its runs, as layout 1 kept none. A
/// record without `experiment_name` is put in `Default`, so that no run is lost. Fails, naming the record,
/// when a record cannot be read as a run: the caller then leaves the stored data as it was.
pub fn migrate_v1(records: Vec<Value>) -> Result<MigratedV1, StoreError> {
    let mut named = Vec::with_capacity(records.len());
    for (position, record) in records.into_iter().enumerate() {
        let Value::Object(mut fields) = record else {
            return Err(unreadable(position, &Value::Null, "it is not an object"));
        };
        let name = match fields.remove("experiment_name") {
            None | Some(Value::Null) => "Default".to_string(),
            Some(Value::String(name)) => name,
            Some(other) => {
                let record = Value::Object(fields);
                return Err(unreadable(
                    position,
                    &record,
                    &format!("`experiment_name` is {other}, not text"),
                ));
            }
        };
        named.push((name, Value::Object(fields)));
    }

    let ids = experiment_ids(named.iter().map(|(name, _)| name.as_str()));
    let mut experiments: BTreeMap<String, Experiment> = BTreeMap::new();
    let mut runs = Vec::with_capacity(named.len());
    for (position, (name, record)) in named.into_iter().enumerate() {
        let experiment_id = ids.get(&name).cloned().unwrap_or_else(|| DEFAULT_EXPERIMENT_ID.to_string());
        let run = v1_run_to_v2(record, &experiment_id).map_err(|why| unreadable_why(position, &why))?;
        let experiment = experiments
            .entry(experiment_id.clone())
            .or_insert_with(|| Experiment::new(experiment_id, name, run.start_time));
        experiment.creation_time = experiment.creation_time.min(run.start_time);
        runs.push(run);
    }
    Ok(MigratedV1 { experiments: experiments.into_values().collect(), runs })
}

/// Reads one record of layout 1, already stripped of its `experiment_name`, as a run of `experiment_id`.
/// Fields that layout 2 does not know are dropped.
pub fn v1_run_to_v2(record: Value, experiment_id: &str) -> Result<Run, String> {
    let run_id = record.get("run_id").and_then(Value::as_str).map(str::to_string);
    let Value::Object(mut fields) = record else {
        return Err("it is not an object".to_string());
    };
    fields.remove("experiment_name");
    fields.insert("experiment_id".to_string(), Value::String(experiment_id.to_string()));
    serde_json::from_value(Value::Object(fields)).map_err(|error| match run_id {
        Some(run_id) => format!("run `{run_id}`: {error}"),
        None => error.to_string(),
    })
}

/// The ids of layout 2's experiments, by name: `Default` is `0`, the others `1`, `2`, ... in name order.
fn experiment_ids<'a>(names: impl Iterator<Item = &'a str>) -> BTreeMap<String, String> {
    let names: BTreeSet<&str> = names.collect();
    let mut ids = BTreeMap::new();
    let mut others = 0_u64;
    for name in names {
        let id = if name == "Default" {
            DEFAULT_EXPERIMENT_ID.to_string()
        } else {
            others += 1;
            others.to_string()
        };
        ids.insert(name.to_string(), id);
    }
    ids
}

fn unreadable(position: usize, record: &Value, why: &str) -> StoreError {
    match record.get("run_id").and_then(Value::as_str) {
        Some(run_id) => unreadable_why(position, &format!("run `{run_id}`: {why}")),
        None => unreadable_why(position, why),
    }
}

fn unreadable_why(position: usize, why: &str) -> StoreError {
    StoreError::Backend(format!(
        "cannot upgrade the tracking database from schema 1: record {} of `runs` cannot be read ({why}); \
         the stored data was left unchanged",
        position + 1
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use ciclo_core::tracking::RunStatus;
    use serde_json::json;

    use super::*;

    fn v1(run_id: &str, experiment_name: Option<&str>, start_time: i64) -> Value {
        let mut record = json!({
            "run_id": run_id,
            "run_name": format!("run {run_id}"),
            "status": "FINISHED",
            "start_time": start_time,
            "end_time": start_time + 5,
            "params": {"C": "1.0"},
            "metrics": {"f1": 0.5},
            "tags": {},
            "inputs": [],
        });
        if let (Some(name), Value::Object(fields)) = (experiment_name, &mut record) {
            fields.insert("experiment_name".into(), json!(name));
        }
        record
    }

    /// Migrates `records` and compares `(experiment id, name, creation time)` and `(run id, experiment id)`.
    fn check(records: Vec<Value>, experiments: &[(&str, &str, i64)], runs: &[(&str, &str)]) {
        let migrated = migrate_v1(records).unwrap();
        let got: Vec<(&str, &str, i64)> = migrated
            .experiments
            .iter()
            .map(|e| (e.experiment_id.as_str(), e.name.as_str(), e.creation_time))
            .collect();
        assert_eq!(got, experiments);
        let got: Vec<(&str, &str)> =
            migrated.runs.iter().map(|r| (r.run_id.as_str(), r.experiment_id.as_str())).collect();
        assert_eq!(got, runs);
    }

    #[test]
    fn default_is_zero_and_the_others_follow_in_name_order() {
        check(
            vec![
                v1("a", Some("zeta"), 30),
                v1("b", Some("Default"), 10),
                v1("c", Some("churn-baseline"), 20),
                v1("d", Some("zeta"), 5),
            ],
            &[("0", "Default", 10), ("1", "churn-baseline", 20), ("2", "zeta", 5)],
            &[("a", "2"), ("b", "0"), ("c", "1"), ("d", "2")],
        );
    }

    #[test]
    fn without_default_ids_still_start_at_one() {
        check(
            vec![v1("a", Some("b-exp"), 1), v1("b", Some("a-exp"), 2)],
            &[("1", "a-exp", 2), ("2", "b-exp", 1)],
            &[("a", "2"), ("b", "1")],
        );
    }

    #[test]
    fn a_record_without_a_name_goes_to_default() {
        check(vec![v1("a", None, 7)], &[("0", "Default", 7)], &[("a", "0")]);
    }

    #[test]
    fn no_records_no_experiments() {
        check(vec![], &[], &[]);
    }

    #[test]
    fn a_run_keeps_everything_but_its_experiment_name() {
        let run = v1_run_to_v2(v1("a", Some("x"), 100), "3").unwrap();
        assert_eq!(run.experiment_id, "3");
        assert_eq!(run.status, RunStatus::Finished);
        assert_eq!(run.end_time, Some(105));
        assert_eq!(run.params.get("C").map(String::as_str), Some("1.0"));
        assert_eq!(run.metrics.get("f1"), Some(&0.5));
        let back = serde_json::to_value(&run).unwrap();
        assert!(back.get("experiment_name").is_none());
    }

    /// Migrates a layout-2 run record and compares `(parent, lifecycle, artifacts)`.
    fn check_v2_run(record: Value, parent: Option<&str>) {
        let run = migrate_v2_run(record).unwrap();
        assert_eq!(run.parent_run_id.as_deref(), parent);
        assert_eq!(run.lifecycle_stage, ciclo_core::tracking::LifecycleStage::Active);
        assert!(run.artifacts.is_empty() && run.latest_points.is_empty() && run.deleted_time.is_none());
    }

    #[test]
    fn layout_2_runs_gain_defaults_and_their_parent_from_the_tag() {
        let v2 = |tags: Value| {
            let mut record =
                v1_run_to_v2(v1("a", None, 1), "0").map(|run| serde_json::to_value(run).unwrap()).unwrap();
            let fields = record.as_object_mut().unwrap();
            for added in ["latest_points", "artifacts", "parent_run_id", "lifecycle_stage", "deleted_time"] {
                fields.remove(added);
            }
            fields.insert("tags".into(), tags);
            record
        };
        check_v2_run(v2(json!({})), None);
        check_v2_run(v2(json!({"mlflow.parentRunId": "p"})), Some("p"));
        check_v2_run(v2(json!({"mlflow.parentRunId": ""})), None);
        let err = migrate_v2_run(json!({"run_id": "z", "status": "DONE"})).unwrap_err();
        assert!(err.starts_with("run `z`: "), "{err}");
    }

    #[test]
    fn layout_2_experiments_gain_their_description_from_the_note_tag() {
        let experiment = migrate_v2_experiment(json!({
            "experiment_id": "1", "name": "churn", "creation_time": 5, "tags": {"mlflow.note.content": "why"}
        }))
        .unwrap();
        assert_eq!(
            (experiment.description.as_str(), experiment.lifecycle_stage),
            ("why", Default::default())
        );
        assert!(migrate_v2_experiment(json!({"name": 3})).is_err());
    }

    #[test]
    fn an_unreadable_record_is_named_and_nothing_is_returned() {
        let mut broken = v1("b", Some("x"), 1);
        if let Value::Object(fields) = &mut broken {
            fields.remove("status");
        }
        let err = migrate_v1(vec![v1("a", Some("x"), 1), broken]).unwrap_err();
        let StoreError::Backend(message) = err else { panic!("not a backend error: {err:?}") };
        assert!(message.contains("record 2"), "{message}");
        assert!(message.contains("run `b`"), "{message}");
        assert!(message.contains("status"), "{message}");

        let err = migrate_v1(vec![json!({"run_id": "c", "experiment_name": 3})]).unwrap_err();
        assert!(err.to_string().contains("`experiment_name` is 3, not text"), "{err}");
        assert!(migrate_v1(vec![json!(42)]).is_err());
    }
}
