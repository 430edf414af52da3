//! The journal of [`Change`]s, the [`Snapshot`] they apply to, [`validate_batch`] (the one place that decides
//! whether a batch is accepted) and the in-memory [`MemoryStore`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::limits::{self, Field, LimitError};
use super::model::{
    ArtifactInfo, ArtifactKind, DatasetInput, Experiment, LifecycleStage, MetricPoint, Run, PARENT_RUN_ID_TAG,
};

/// One mutation of the tracking store. A batch of changes is applied atomically, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// Create or replace an experiment.
    PutExperiment(Experiment),
    /// Create or update a run. An update never forgets: parameters are merged (a different value for a
    /// logged key is refused), metrics are merged (the new values win), and the artifacts and latest metric
    /// points already stored are kept whatever the given run lists, since only [`Change::PutArtifact`] and
    /// [`Change::LogMetric`] change them. Soft delete and restore are updates of `lifecycle_stage`.
    PutRun(Run),
    /// Append points to a metric's step history (stored apart from the run) and update the run's latest
    /// value when a point supersedes it ([`MetricPoint::supersedes`]).
    LogMetric {
        /// The run.
        run_id: String,
        /// The metric's key.
        key: String,
        /// The points, in logging order.
        points: Vec<MetricPoint>,
    },
    /// Create or replace an artifact: the run lists it ([`ArtifactInfo`]) and the content is stored apart.
    PutArtifact {
        /// The run.
        run_id: String,
        /// Relative path such as `plots/roc.svg`.
        path: String,
        /// What it holds.
        kind: ArtifactKind,
        /// The content (JSON, CSV or SVG text).
        content: String,
    },
    /// Remove a deleted run for good, with its metric histories and artifacts. Its children must have been
    /// purged before it (in the same batch or an earlier one); [`super::purge_runs`] orders them so.
    PurgeRun {
        /// The run.
        run_id: String,
    },
}

/// Everything a store holds but the metric histories and artifact contents, as loaded at start.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// All experiments, by id.
    pub experiments: Vec<Experiment>,
    /// All runs, newest first.
    pub runs: Vec<Run>,
}

impl Snapshot {
    /// The run with this id.
    pub fn run(&self, run_id: &str) -> Option<&Run> {
        self.runs.iter().find(|r| r.run_id == run_id)
    }

    /// The experiment with this id.
    pub fn experiment(&self, experiment_id: &str) -> Option<&Experiment> {
        self.experiments.iter().find(|e| e.experiment_id == experiment_id)
    }

    /// The direct children of a run, newest first.
    pub fn children<'a>(&'a self, run_id: &'a str) -> impl Iterator<Item = &'a Run> + 'a {
        self.runs.iter().filter(move |r| r.parent() == Some(run_id))
    }

    /// Brings this snapshot up to date after another tab applied a batch: `loaded` holds what the store
    /// now has for the experiments and runs `touched` names (as `IdbStore::load_touched` reads it); a
    /// touched run missing from `loaded` is gone.
    pub fn merge(&mut self, loaded: Snapshot, touched: &Touched) {
        for experiment in loaded.experiments {
            match self.experiments.iter_mut().find(|e| e.experiment_id == experiment.experiment_id) {
                Some(slot) => *slot = experiment,
                None => self.experiments.push(experiment),
            }
        }
        let loaded_ids: BTreeSet<&str> = loaded.runs.iter().map(|r| r.run_id.as_str()).collect();
        self.runs.retain(|r| {
            let named = touched.run_ids.contains(&r.run_id) || touched.purged_run_ids.contains(&r.run_id);
            !named || loaded_ids.contains(r.run_id.as_str())
        });
        for run in loaded.runs {
            match self.runs.iter_mut().find(|r| r.run_id == run.run_id) {
                Some(slot) => *slot = run,
                None => self.runs.push(run),
            }
        }
        sort_snapshot(self);
    }
}

/// What a batch touched, by id: what one tab tells the others after applying it, so that they reload just
/// these records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touched {
    /// Experiments created or replaced.
    pub experiment_ids: BTreeSet<String>,
    /// Runs created or changed (not purged).
    pub run_ids: BTreeSet<String>,
    /// Runs purged.
    pub purged_run_ids: BTreeSet<String>,
}

impl Touched {
    /// The ids `changes` touch. A run purged in the batch counts as purged only.
    pub fn of(changes: &[Change]) -> Touched {
        let mut touched = Touched::default();
        for change in changes {
            match change {
                Change::PutExperiment(experiment) => {
                    touched.experiment_ids.insert(experiment.experiment_id.clone());
                }
                Change::PutRun(Run { run_id, .. })
                | Change::LogMetric { run_id, .. }
                | Change::PutArtifact { run_id, .. } => {
                    touched.run_ids.insert(run_id.clone());
                }
                Change::PurgeRun { run_id } => {
                    touched.purged_run_ids.insert(run_id.clone());
                }
            }
        }
        let purged = &touched.purged_run_ids;
        touched.run_ids.retain(|id| !purged.contains(id));
        touched
    }

    /// Whether nothing was touched.
    pub fn is_empty(&self) -> bool {
        self.experiment_ids.is_empty() && self.run_ids.is_empty() && self.purged_run_ids.is_empty()
    }
}

/// The runs [`validate_batch`] reads to check `changes`, besides every experiment and the children of the
/// purged runs: the runs they name and the parents that new runs name. A store that cannot afford to read
/// every run (IndexedDB with thousands) reads these, and the purged runs' children, into a partial
/// [`Snapshot`] and validates against it.
pub fn runs_read_by(changes: &[Change]) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for change in changes {
        match change {
            Change::PutExperiment(_) => {}
            Change::PutRun(run) => {
                ids.insert(run.run_id.clone());
                ids.extend(run.parent().map(str::to_string));
            }
            Change::LogMetric { run_id, .. }
            | Change::PutArtifact { run_id, .. }
            | Change::PurgeRun { run_id } => {
                ids.insert(run_id.clone());
            }
        }
    }
    ids
}

/// The records of `current` that [`validate_batch`] reads to check `changes`: every experiment, the runs
/// [`runs_read_by`] names, and the children of the runs the batch purges (`IdbStore::apply` reads the same).
pub fn records_read_by(current: &Snapshot, changes: &[Change]) -> Snapshot {
    let named = runs_read_by(changes);
    let purged: BTreeSet<&str> = changes
        .iter()
        .filter_map(|change| match change {
            Change::PurgeRun { run_id } => Some(run_id.as_str()),
            _ => None,
        })
        .collect();
    let runs = current
        .runs
        .iter()
        .filter(|run| named.contains(&run.run_id) || run.parent().is_some_and(|p| purged.contains(p)))
        .cloned()
        .collect();
    Snapshot { experiments: current.experiments.clone(), runs }
}

/// [`validate_batch`] applied in place: checks `changes` against `current` and applies them to it, or
/// returns the first reason to refuse and leaves `current` as it was. Returns what the batch touched.
///
/// Only the records the check reads ([`records_read_by`]) are copied, and the result is merged back
/// ([`Snapshot::merge`]), so a batch costs a scan of the runs, not a copy of them: with 10,000 runs held,
/// copying the whole snapshot for every batch blocked the page's main thread for over 100 ms (issue 4).
pub fn apply_batch(current: &mut Snapshot, changes: &[Change]) -> Result<Touched, StoreError> {
    let next = validate_batch(&records_read_by(current, changes), changes)?;
    let touched = Touched::of(changes);
    current.merge(next, &touched);
    Ok(touched)
}

/// Why a batch of changes was refused. Nothing of a refused batch is applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    /// A run names an experiment that does not exist.
    #[error("run `{run_id}` belongs to experiment `{experiment_id}`, which does not exist")]
    UnknownExperiment { run_id: String, experiment_id: String },
    /// A new run in a deleted experiment.
    #[error(
        "run `{run_id}` cannot start in experiment `{experiment_id}`, which is deleted: restore it first"
    )]
    ExperimentDeleted { run_id: String, experiment_id: String },
    /// A change names a run that does not exist.
    #[error("run `{run_id}` does not exist")]
    UnknownRun { run_id: String },
    /// A run names a parent that does not exist.
    #[error("run `{run_id}` names `{parent_run_id}` as its parent, which does not exist")]
    UnknownParent { run_id: String, parent_run_id: String },
    /// A run tried to change its parent.
    #[error("the parent of run `{run_id}` cannot change once the run exists")]
    ParentChanged { run_id: String },
    /// A run tried to change a parameter already logged.
    #[error("parameter `{key}` of run `{run_id}` was logged as `{old}` and cannot change to `{new}`")]
    ParamChanged { run_id: String, key: String, old: String, new: String },
    /// Metrics or artifacts logged to a deleted run.
    #[error("run `{run_id}` is deleted: restore it before logging to it")]
    RunDeleted { run_id: String },
    /// A purge of a run that is not deleted.
    #[error("run `{run_id}` is not deleted: delete it before purging it")]
    PurgeActive { run_id: String },
    /// A purge of a run whose child is still stored.
    #[error("run `{run_id}` still has the child run `{child_run_id}`: purge the children first")]
    PurgeWithChildren { run_id: String, child_run_id: String },
    /// Another experiment has this name.
    #[error("an experiment named `{0}` already exists")]
    DuplicateExperimentName(String),
    /// An experiment's id, name, description or tags are outside MLflow's limits.
    #[error("experiment `{experiment_id}`: {error}")]
    InvalidExperiment { experiment_id: String, error: LimitError },
    /// A run's id, keys or values are outside MLflow's limits.
    #[error("run `{run_id}`: {error}")]
    InvalidRun { run_id: String, error: LimitError },
    /// The storage itself failed (IndexedDB, quota ...), described in words.
    #[error("storage failed: {0}")]
    Backend(String),
}

/// A tracking store: applies batches of changes atomically and reads back what it holds.
pub trait Store {
    /// Applies `changes` in order, all or nothing.
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError>;
    /// Everything held now (without histories and artifact contents).
    fn snapshot(&self) -> Snapshot;
}

/// Checks `changes` against `current` and returns the state after them, or the first reason to refuse.
/// Every store uses this, so the in-memory and the IndexedDB store accept exactly the same batches.
///
/// `current` may be partial (see [`runs_read_by`]): the check reads only the runs the changes name, their
/// parents, the children of purged runs, and every experiment.
pub fn validate_batch(current: &Snapshot, changes: &[Change]) -> Result<Snapshot, StoreError> {
    let mut next = current.clone();
    let mut index: HashMap<String, usize> =
        next.runs.iter().enumerate().map(|(i, r)| (r.run_id.clone(), i)).collect();
    for change in changes {
        match change {
            Change::PutExperiment(experiment) => put_experiment(&mut next, experiment)?,
            Change::PutRun(run) => put_run(&mut next, &mut index, run)?,
            Change::LogMetric { run_id, key, points } => {
                let run = active_run(&mut next, &index, run_id)?;
                let invalid = |error| StoreError::InvalidRun { run_id: run_id.clone(), error };
                limits::check_key(Field::MetricKey, key, limits::MAX_ENTITY_KEY_LENGTH).map_err(invalid)?;
                for point in points {
                    limits::check_metric_point(key, point.value, point.timestamp).map_err(invalid)?;
                    let newer = run.latest_points.get(key).is_none_or(|latest| point.supersedes(latest));
                    if newer {
                        run.latest_points.insert(key.clone(), *point);
                        run.metrics.insert(key.clone(), point.value);
                    }
                }
            }
            Change::PutArtifact { run_id, path, kind, content } => {
                let run = active_run(&mut next, &index, run_id)?;
                let invalid = |error| StoreError::InvalidRun { run_id: run_id.clone(), error };
                limits::check_artifact_path(path).map_err(invalid)?;
                if content.len() > limits::MAX_ARTIFACT_SIZE {
                    return Err(invalid(LimitError::TooLong {
                        field: Field::ArtifactContent,
                        length: content.len(),
                        limit: limits::MAX_ARTIFACT_SIZE,
                    }));
                }
                let info = ArtifactInfo { path: path.clone(), kind: *kind, size: content.len() as u64 };
                match run.artifacts.binary_search_by(|a| a.path.as_str().cmp(path)) {
                    Ok(at) => {
                        if let Some(slot) = run.artifacts.get_mut(at) {
                            *slot = info;
                        }
                    }
                    Err(at) => run.artifacts.insert(at, info),
                }
            }
            Change::PurgeRun { run_id } => {
                let position =
                    *index.get(run_id).ok_or_else(|| StoreError::UnknownRun { run_id: run_id.clone() })?;
                if next.runs.get(position).is_some_and(|r| !r.is_deleted()) {
                    return Err(StoreError::PurgeActive { run_id: run_id.clone() });
                }
                if let Some(child) = next.children(run_id).next() {
                    return Err(StoreError::PurgeWithChildren {
                        run_id: run_id.clone(),
                        child_run_id: child.run_id.clone(),
                    });
                }
                next.runs.swap_remove(position);
                index.remove(run_id);
                if let Some(moved) = next.runs.get(position) {
                    index.insert(moved.run_id.clone(), position);
                }
            }
        }
    }
    sort_snapshot(&mut next);
    Ok(next)
}

fn put_experiment(next: &mut Snapshot, experiment: &Experiment) -> Result<(), StoreError> {
    check_experiment(experiment).map_err(|error| StoreError::InvalidExperiment {
        experiment_id: experiment.experiment_id.clone(),
        error,
    })?;
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
    Ok(())
}

fn put_run(next: &mut Snapshot, index: &mut HashMap<String, usize>, run: &Run) -> Result<(), StoreError> {
    check_run(run).map_err(|error| StoreError::InvalidRun { run_id: run.run_id.clone(), error })?;
    let Some(experiment) = next.experiment(&run.experiment_id) else {
        return Err(StoreError::UnknownExperiment {
            run_id: run.run_id.clone(),
            experiment_id: run.experiment_id.clone(),
        });
    };
    let existing = index.get(&run.run_id).and_then(|&at| next.runs.get(at));
    if existing.is_none() && experiment.lifecycle_stage == LifecycleStage::Deleted {
        return Err(StoreError::ExperimentDeleted {
            run_id: run.run_id.clone(),
            experiment_id: run.experiment_id.clone(),
        });
    }
    let mut merged = run.clone();
    merged.parent_run_id = run.parent().map(str::to_string);
    match existing {
        Some(old) => {
            if old.parent_run_id != merged.parent_run_id {
                return Err(StoreError::ParentChanged { run_id: run.run_id.clone() });
            }
            for (key, old_value) in &old.params {
                match run.params.get(key) {
                    Some(new) if new != old_value => {
                        return Err(StoreError::ParamChanged {
                            run_id: run.run_id.clone(),
                            key: key.clone(),
                            old: old_value.clone(),
                            new: new.clone(),
                        })
                    }
                    Some(_) => {}
                    None => {
                        merged.params.insert(key.clone(), old_value.clone());
                    }
                }
            }
            for (key, value) in &old.metrics {
                merged.metrics.entry(key.clone()).or_insert(*value);
            }
            merged.latest_points = old.latest_points.clone();
            merged.artifacts = old.artifacts.clone();
        }
        None => {
            if let Some(parent) = &merged.parent_run_id {
                if !index.contains_key(parent) {
                    return Err(StoreError::UnknownParent {
                        run_id: run.run_id.clone(),
                        parent_run_id: parent.clone(),
                    });
                }
            }
            merged.latest_points = BTreeMap::new();
            merged.artifacts = Vec::new();
        }
    }
    if let Some(parent) = &merged.parent_run_id {
        merged.tags.insert(PARENT_RUN_ID_TAG.to_string(), parent.clone());
    }
    match index.get(&run.run_id).copied() {
        Some(at) => {
            if let Some(slot) = next.runs.get_mut(at) {
                *slot = merged;
            }
        }
        None => {
            index.insert(run.run_id.clone(), next.runs.len());
            next.runs.push(merged);
        }
    }
    Ok(())
}

/// The run `run_id`, which must exist and be active.
fn active_run<'a>(
    next: &'a mut Snapshot,
    index: &HashMap<String, usize>,
    run_id: &str,
) -> Result<&'a mut Run, StoreError> {
    let run = index
        .get(run_id)
        .and_then(|&at| next.runs.get_mut(at))
        .ok_or_else(|| StoreError::UnknownRun { run_id: run_id.to_string() })?;
    if run.is_deleted() {
        return Err(StoreError::RunDeleted { run_id: run_id.to_string() });
    }
    Ok(run)
}

/// Checks an experiment against MLflow's limits.
pub fn check_experiment(experiment: &Experiment) -> Result<(), LimitError> {
    limits::check_id(Field::ExperimentId, &experiment.experiment_id, limits::MAX_EXPERIMENT_ID_LENGTH)?;
    if experiment.name.trim().is_empty() {
        return Err(LimitError::Empty { field: Field::ExperimentName });
    }
    limits::check_length(Field::ExperimentName, &experiment.name, limits::MAX_EXPERIMENT_NAME_LENGTH)?;
    limits::check_length(
        Field::ExperimentDescription,
        &experiment.description,
        limits::MAX_EXPERIMENT_TAG_VAL_LENGTH,
    )?;
    for (key, value) in &experiment.tags {
        limits::check_key(Field::ExperimentTagKey, key, limits::MAX_EXPERIMENT_TAG_KEY_LENGTH)?;
        limits::check_length(Field::ExperimentTagValue, value, limits::MAX_EXPERIMENT_TAG_VAL_LENGTH)?;
    }
    Ok(())
}

/// Checks a run's id, parameters, metrics, tags and inputs against MLflow's limits.
pub fn check_run(run: &Run) -> Result<(), LimitError> {
    limits::check_id(Field::RunId, &run.run_id, limits::MAX_RUN_ID_LENGTH)?;
    for (key, value) in &run.params {
        limits::check_key(Field::ParamKey, key, limits::MAX_ENTITY_KEY_LENGTH)?;
        limits::check_length(Field::ParamValue, value, limits::MAX_PARAM_VAL_LENGTH)?;
    }
    for (key, value) in &run.metrics {
        limits::check_key(Field::MetricKey, key, limits::MAX_ENTITY_KEY_LENGTH)?;
        limits::check_metric_point(key, *value, 0)?;
    }
    for (key, value) in &run.tags {
        limits::check_key(Field::TagKey, key, limits::MAX_ENTITY_KEY_LENGTH)?;
        limits::check_length(Field::TagValue, value, limits::MAX_TAG_VAL_LENGTH)?;
    }
    run.inputs.iter().try_for_each(check_input)
}

fn check_input(input: &DatasetInput) -> Result<(), LimitError> {
    if input.name.is_empty() {
        return Err(LimitError::Empty { field: Field::DatasetName });
    }
    limits::check_length(Field::DatasetName, &input.name, limits::MAX_DATASET_NAME_SIZE)?;
    limits::check_length(Field::DatasetDigest, &input.digest, limits::MAX_DATASET_DIGEST_SIZE)?;
    limits::check_length(Field::DatasetContext, &input.context, limits::MAX_INPUT_TAG_VALUE_SIZE)?;
    limits::check_length(Field::DatasetSchema, &input.schema, limits::MAX_DATASET_SCHEMA_SIZE)?;
    limits::check_length(Field::DatasetProfile, &input.profile, limits::MAX_DATASET_PROFILE_SIZE)
}

/// Puts a snapshot in its canonical order: experiments by id, runs newest first (then by id), which is
/// also MLflow's natural order for `search_runs`.
pub fn sort_snapshot(snapshot: &mut Snapshot) {
    snapshot.experiments.sort_by(|a, b| a.experiment_id.cmp(&b.experiment_id));
    snapshot.runs.sort_by(|a, b| b.start_time.cmp(&a.start_time).then_with(|| a.run_id.cmp(&b.run_id)));
}

/// The tracking store kept in memory, with the metric histories and artifact contents.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    state: Snapshot,
    histories: BTreeMap<(String, String), Vec<MetricPoint>>,
    artifacts: BTreeMap<(String, String), String>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// A store holding `snapshot` (as loaded from IndexedDB), without histories or artifact contents.
    pub fn from_snapshot(mut snapshot: Snapshot) -> MemoryStore {
        sort_snapshot(&mut snapshot);
        MemoryStore { state: snapshot, ..MemoryStore::default() }
    }

    /// All runs, newest first.
    pub fn runs(&self) -> &[Run] {
        &self.state.runs
    }

    /// All experiments, by id.
    pub fn experiments(&self) -> &[Experiment] {
        &self.state.experiments
    }

    /// Every point logged for a run's metric, in logging order.
    pub fn metric_history(&self, run_id: &str, key: &str) -> &[MetricPoint] {
        self.histories.get(&(run_id.to_string(), key.to_string())).map(Vec::as_slice).unwrap_or(&[])
    }

    /// An artifact's content.
    pub fn artifact(&self, run_id: &str, path: &str) -> Option<&str> {
        self.artifacts.get(&(run_id.to_string(), path.to_string())).map(String::as_str)
    }

    /// How many artifact contents and metric histories are held (to see that a purge frees them).
    pub fn blob_count(&self) -> usize {
        self.histories.len() + self.artifacts.len()
    }
}

impl Store for MemoryStore {
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        self.state = validate_batch(&self.state, changes)?;
        for change in changes {
            match change {
                Change::LogMetric { run_id, key, points } => {
                    self.histories.entry((run_id.clone(), key.clone())).or_default().extend_from_slice(points)
                }
                Change::PutArtifact { run_id, path, content, .. } => {
                    self.artifacts.insert((run_id.clone(), path.clone()), content.clone());
                }
                Change::PurgeRun { run_id } => {
                    self.histories.retain(|(id, _), _| id != run_id);
                    self.artifacts.retain(|(id, _), _| id != run_id);
                }
                Change::PutExperiment(_) | Change::PutRun(_) => {}
            }
        }
        Ok(())
    }

    fn snapshot(&self) -> Snapshot {
        self.state.clone()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)] // A test reports failure by panicking.
mod tests {
    use super::*;
    use crate::tracking::{delete_run, purge_run, RunStatus};

    fn run(id: &str, start: i64) -> Run {
        let mut run = Run::new(id, "0", id, start);
        run.status = RunStatus::Finished;
        run.params.insert("C".into(), "1.0".into());
        run
    }

    /// Experiment `0`, runs `r1`, `p` with children `c1` (parent of `g`) and `c2`, and `d` deleted.
    fn snapshot() -> Snapshot {
        let mut deleted = run("d", 5);
        deleted.lifecycle_stage = LifecycleStage::Deleted;
        let changes = vec![
            Change::PutExperiment(Experiment::new("0", "Default", 1)),
            Change::PutRun(run("r1", 10)),
            Change::PutRun(run("p", 20)),
            Change::PutRun(run("c1", 21).with_parent("p")),
            Change::PutRun(run("c2", 22).with_parent("p")),
            Change::PutRun(run("g", 23).with_parent("c1")),
            Change::PutRun(deleted),
        ];
        validate_batch(&Snapshot::default(), &changes).unwrap()
    }

    /// `apply_batch` in place gives what `validate_batch` gives, and leaves a refused batch's snapshot as it was.
    fn check_same(changes: Vec<Change>) {
        let before = snapshot();
        let mut in_place = before.clone();
        match (validate_batch(&before, &changes), apply_batch(&mut in_place, &changes)) {
            (Ok(expected), Ok(touched)) => {
                assert_eq!(in_place, expected, "{changes:?}");
                assert_eq!(touched, Touched::of(&changes));
            }
            (Err(expected), Err(error)) => {
                assert_eq!(error, expected, "{changes:?}");
                assert_eq!(in_place, before, "a refused batch changed the snapshot: {changes:?}");
            }
            (expected, got) => panic!("{changes:?}: validate_batch {expected:?}, apply_batch {got:?}"),
        }
    }

    #[test]
    fn applying_in_place_equals_validating_a_copy() {
        let point = |value: f64, step: i64| MetricPoint { value, step, timestamp: 1 };
        let artifact = |run_id: &str| Change::PutArtifact {
            run_id: run_id.into(),
            path: "model/model.json".into(),
            kind: ArtifactKind::Json,
            content: "{}".into(),
        };
        let mut changed = run("r1", 10);
        changed.params.insert("C".into(), "2.0".into());
        let mut finished = run("c2", 22).with_parent("p");
        finished.metrics.insert("f1".into(), 0.6);
        let s = snapshot();
        check_same(vec![Change::PutRun(run("new", 30)), artifact("new")]);
        check_same(vec![Change::PutRun(run("child", 31).with_parent("c2"))]);
        check_same(vec![Change::PutRun(run("orphan", 32).with_parent("missing"))]);
        check_same(vec![Change::PutRun(finished), artifact("c2")]);
        check_same(vec![Change::PutRun(changed)]);
        check_same(vec![Change::LogMetric {
            run_id: "r1".into(),
            key: "loss".into(),
            points: vec![point(0.5, 1)],
        }]);
        check_same(vec![Change::LogMetric {
            run_id: "d".into(),
            key: "loss".into(),
            points: vec![point(0.5, 1)],
        }]);
        check_same(vec![artifact("missing")]);
        check_same(vec![Change::PurgeRun { run_id: "d".into() }]);
        check_same(vec![Change::PurgeRun { run_id: "r1".into() }]);
        check_same(delete_run(&s, "p", 99).unwrap());
        let mut deleted_p = s.clone();
        apply_batch(&mut deleted_p, &delete_run(&s, "p", 99).unwrap()).unwrap();
        let purge = purge_run(&deleted_p, "p").unwrap();
        let (mut in_place, expected) = (deleted_p.clone(), validate_batch(&deleted_p, &purge).unwrap());
        apply_batch(&mut in_place, &purge).unwrap();
        assert_eq!(in_place, expected);
        assert_eq!(in_place.runs.iter().map(|r| r.run_id.as_str()).collect::<Vec<_>>(), ["r1", "d"]);
        // Purging a parent before its children is refused in place too.
        let parent_first = vec![Change::PurgeRun { run_id: "p".into() }];
        let mut kept = deleted_p.clone();
        assert!(matches!(apply_batch(&mut kept, &parent_first), Err(StoreError::PurgeWithChildren { .. })));
        assert_eq!(kept, deleted_p);
    }
}
