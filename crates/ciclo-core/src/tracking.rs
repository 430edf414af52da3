//! Experiment tracking with MLflow's concepts: experiments hold runs; a run records the parameters,
//! metrics, tags and data set of one training, with its status and times.
//!
//! Storage is a journal of [`Change`]s. The domain functions here build changes; a [`Store`] applies a batch
//! of them atomically. [`MemoryStore`] is the in-memory store (tests, the CLI, and the page's working set
//! when IndexedDB cannot be opened); `ciclo-store` writes the same batches to IndexedDB in one transaction
//! and loads them back as a [`Snapshot`]. Keeping the trait synchronous and the journal plain data is what
//! lets this crate stay free of async and of the browser.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The version of the stored record layout. Bump it, and add a step to `ciclo-store`'s migrations, whenever
/// the serialized shape of [`Experiment`] or [`Run`] changes.
///
/// History: 1 stored runs alone, each carrying its experiment's name; 2 gave experiments a store of their own
/// and runs an `experiment_id`.
pub const SCHEMA_VERSION: u32 = 2;

/// The experiment every run goes to unless another is chosen, as in MLflow (id `0`, name `Default`).
pub const DEFAULT_EXPERIMENT_ID: &str = "0";

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
}

impl Experiment {
    /// The `Default` experiment, created at `now_ms`.
    pub fn default_at(now_ms: i64) -> Experiment {
        Experiment {
            experiment_id: DEFAULT_EXPERIMENT_ID.to_string(),
            name: "Default".to_string(),
            creation_time: now_ms,
            tags: BTreeMap::new(),
        }
    }
}

/// A run's status, with MLflow's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// The data set a run saw, as MLflow's dataset input (name, digest, context).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInput {
    /// The data set's name.
    pub name: String,
    /// Its content digest ([`crate::dataset::Dataset::digest`]).
    pub digest: String,
    /// Number of rows.
    pub rows: usize,
    /// `training` or `evaluation`.
    pub context: String,
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
    /// Latest value of each metric.
    pub metrics: BTreeMap<String, f64>,
    /// Tags (`mlflow.source.name`, the app build, notes ...).
    pub tags: BTreeMap<String, String>,
    /// The data sets it saw.
    pub inputs: Vec<DatasetInput>,
}

impl Run {
    /// Duration in milliseconds, once ended.
    pub fn duration_ms(&self) -> Option<i64> {
        self.end_time.map(|end| end - self.start_time)
    }
}

/// Formats 16 bytes (from the caller's entropy: the core has none) as a 32-digit run id.
pub fn run_id_from_bytes(bytes: [u8; 16]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One mutation of the tracking store. A batch of changes is applied atomically.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// Create or replace an experiment.
    PutExperiment(Experiment),
    /// Create or replace a run.
    PutRun(Run),
}

/// Everything a store holds, as loaded at start.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// All experiments, by id.
    pub experiments: Vec<Experiment>,
    /// All runs, newest first.
    pub runs: Vec<Run>,
}

/// Why a batch of changes was refused. Nothing of a refused batch is applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    /// A run names an experiment that does not exist.
    #[error("run `{run_id}` belongs to experiment `{experiment_id}`, which does not exist")]
    UnknownExperiment { run_id: String, experiment_id: String },
    /// A run tried to change a parameter already logged.
    #[error("parameter `{key}` of run `{run_id}` was logged as `{old}` and cannot change to `{new}`")]
    ParamChanged { run_id: String, key: String, old: String, new: String },
    /// Another experiment has this name.
    #[error("an experiment named `{0}` already exists")]
    DuplicateExperimentName(String),
    /// The storage itself failed (IndexedDB, quota ...), described in words.
    #[error("storage failed: {0}")]
    Backend(String),
}

/// A tracking store: applies batches of changes atomically and reads back what it holds.
pub trait Store {
    /// Applies `changes` in order, all or nothing.
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError>;
    /// Everything held now.
    fn snapshot(&self) -> Snapshot;
}

/// Checks `changes` against `current` and returns the state after them, or the first reason to refuse.
/// Every store uses this, so the in-memory and the IndexedDB store accept exactly the same batches.
pub fn validate_batch(current: &Snapshot, changes: &[Change]) -> Result<Snapshot, StoreError> {
    let mut next = current.clone();
    for change in changes {
        match change {
            Change::PutExperiment(experiment) => {
                if next
                    .experiments
                    .iter()
                    .any(|e| e.name == experiment.name && e.experiment_id != experiment.experiment_id)
                {
                    return Err(StoreError::DuplicateExperimentName(experiment.name.clone()));
                }
                match next.experiments.iter_mut().find(|e| e.experiment_id == experiment.experiment_id) {
                    Some(slot) => *slot = experiment.clone(),
                    None => next.experiments.push(experiment.clone()),
                }
            }
            Change::PutRun(run) => {
                if !next.experiments.iter().any(|e| e.experiment_id == run.experiment_id) {
                    return Err(StoreError::UnknownExperiment {
                        run_id: run.run_id.clone(),
                        experiment_id: run.experiment_id.clone(),
                    });
                }
                match next.runs.iter_mut().find(|r| r.run_id == run.run_id) {
                    Some(slot) => {
                        for (key, old) in &slot.params {
                            if let Some(new) = run.params.get(key).filter(|new| *new != old) {
                                return Err(StoreError::ParamChanged {
                                    run_id: run.run_id.clone(),
                                    key: key.clone(),
                                    old: old.clone(),
                                    new: new.clone(),
                                });
                            }
                        }
                        *slot = run.clone();
                    }
                    None => next.runs.push(run.clone()),
                }
            }
        }
    }
    sort_snapshot(&mut next);
    Ok(next)
}

/// Puts a snapshot in its canonical order: experiments by id, runs newest first (then by id).
pub fn sort_snapshot(snapshot: &mut Snapshot) {
    snapshot.experiments.sort_by(|a, b| a.experiment_id.cmp(&b.experiment_id));
    snapshot.runs.sort_by(|a, b| b.start_time.cmp(&a.start_time).then_with(|| a.run_id.cmp(&b.run_id)));
}

/// The tracking store kept in memory.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    state: Snapshot,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// A store holding `snapshot` (as loaded from IndexedDB).
    pub fn from_snapshot(mut snapshot: Snapshot) -> MemoryStore {
        sort_snapshot(&mut snapshot);
        MemoryStore { state: snapshot }
    }

    /// All runs, newest first.
    pub fn runs(&self) -> &[Run] {
        &self.state.runs
    }

    /// All experiments, by id.
    pub fn experiments(&self) -> &[Experiment] {
        &self.state.experiments
    }
}

impl Store for MemoryStore {
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        self.state = validate_batch(&self.state, changes)?;
        Ok(())
    }

    fn snapshot(&self) -> Snapshot {
        self.state.clone()
    }
}

/// The changes that record a finished training: the `Default` experiment if the store lacks it, and the run.
pub fn log_run(current: &Snapshot, run: Run, now_ms: i64) -> Vec<Change> {
    let mut changes = Vec::new();
    if !current.experiments.iter().any(|e| e.experiment_id == run.experiment_id)
        && run.experiment_id == DEFAULT_EXPERIMENT_ID
    {
        changes.push(Change::PutExperiment(Experiment::default_at(now_ms)));
    }
    changes.push(Change::PutRun(run));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: &str, start: i64, params: &[(&str, &str)]) -> Run {
        Run {
            run_id: id.to_string(),
            experiment_id: DEFAULT_EXPERIMENT_ID.to_string(),
            run_name: format!("run {id}"),
            status: RunStatus::Finished,
            start_time: start,
            end_time: Some(start + 10),
            params: params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            metrics: BTreeMap::from([("f1".to_string(), 0.6)]),
            tags: BTreeMap::new(),
            inputs: vec![],
        }
    }

    #[test]
    fn logging_creates_the_default_experiment_once() {
        let mut store = MemoryStore::new();
        let changes = log_run(&store.snapshot(), run("a", 1, &[]), 0);
        assert_eq!(changes.len(), 2);
        store.apply(&changes).unwrap();
        let changes = log_run(&store.snapshot(), run("b", 2, &[]), 0);
        assert_eq!(changes.len(), 1);
        store.apply(&changes).unwrap();
        let ids: Vec<&str> = store.runs().iter().map(|r| r.run_id.as_str()).collect();
        assert_eq!(ids, ["b", "a"], "newest first");
        assert_eq!(run("a", 1, &[]).duration_ms(), Some(10));
    }

    #[test]
    fn a_refused_batch_changes_nothing() {
        let mut store = MemoryStore::new();
        store.apply(&log_run(&store.snapshot(), run("a", 1, &[("C", "1.0")]), 0)).unwrap();
        let before = store.snapshot();
        let err = store
            .apply(&[Change::PutRun(run("b", 2, &[])), Change::PutRun(run("a", 1, &[("C", "2.0")]))])
            .unwrap_err();
        assert!(matches!(err, StoreError::ParamChanged { ref key, .. } if key == "C"));
        assert_eq!(store.snapshot(), before);
        let orphan = Run { experiment_id: "7".into(), ..run("c", 3, &[]) };
        assert!(matches!(store.apply(&[Change::PutRun(orphan)]), Err(StoreError::UnknownExperiment { .. })));
    }

    #[test]
    fn run_ids_are_mlflow_shaped() {
        assert_eq!(run_id_from_bytes([0xab; 16]), "ab".repeat(16));
    }
}
