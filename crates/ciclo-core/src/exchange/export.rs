//! Export: which records a [`Selection`] takes from the tracking store and the registry ([`select`]),
//! what must be loaded for them ([`Export::needs`]: metric histories and artifact contents are stored
//! apart from the runs), and the [`Document`] they make ([`Export::into_document`]).
//!
//! The order is canonical, so that exporting the same records twice gives the same text: experiments by
//! id, runs oldest first (by start time, then id) with every parent before its children, registered
//! models by name, versions by model then number, the audit log by sequence number.

use std::collections::{BTreeMap, BTreeSet};

use super::document::{
    ArtifactFile, Document, Point, RegistryRecord, RunRecord, Value, FORMAT, FORMAT_VERSION,
};
use crate::registry::Registry;
use crate::tracking::{Experiment, MetricPoint, Run, Snapshot};

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Everything: every experiment (empty ones too), every run (deleted ones too, with their lifecycle
    /// stage, so the export loses nothing), the whole registry.
    All,
    /// One experiment (by id) and its active runs; the trash stays behind.
    Experiment(String),
    /// These runs (by id, deleted or not) and the experiments they belong to.
    Runs(Vec<String>),
}

/// The records a selection takes, before their histories and artifact contents are loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// The experiments, by id.
    pub experiments: Vec<Experiment>,
    /// The runs, oldest first, parents before their children.
    pub runs: Vec<Run>,
    /// The registered models that have a version from an exported run (every model for
    /// [`Selection::All`]), with only those versions, the aliases naming them, and their audit entries.
    pub registry: RegistryRecord,
}

/// One thing to load from storage for an export.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    /// A metric's step history, by key.
    History(String),
    /// An artifact's content, by path.
    Artifact(String),
}

/// What was loaded for an export: metric histories by (run id, key) and artifact contents by (run id,
/// path), as `MemoryStore` and `IdbStore` keep them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contents {
    /// Each metric's points in logging order, by (run id, metric key).
    pub histories: BTreeMap<(String, String), Vec<MetricPoint>>,
    /// Each artifact's text, by (run id, path).
    pub artifacts: BTreeMap<(String, String), String>,
}

/// Why an export cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The selected experiment does not exist.
    #[error("there is no experiment with id `{experiment_id}`")]
    UnknownExperiment {
        /// The id asked for.
        experiment_id: String,
    },
    /// A selected run does not exist.
    #[error("there is no run with id `{run_id}`")]
    UnknownRun {
        /// The id asked for.
        run_id: String,
    },
    /// A run belongs to an experiment the store does not hold.
    #[error("run `{run_id}` belongs to experiment `{experiment_id}`, which does not exist")]
    RunWithoutExperiment {
        /// The run.
        run_id: String,
        /// Its experiment's id.
        experiment_id: String,
    },
    /// A metric history was not loaded.
    #[error("the history of metric `{key}` of run `{run_id}` was not loaded: load it and export again")]
    MissingHistory {
        /// The run.
        run_id: String,
        /// The metric.
        key: String,
    },
    /// An artifact's content was not loaded.
    #[error("artifact `{path}` of run `{run_id}` was not loaded: load it and export again")]
    MissingArtifact {
        /// The run.
        run_id: String,
        /// The artifact.
        path: String,
    },
}

/// The records `selection` takes from `snapshot` and `registry`, in the canonical order.
pub fn select(
    snapshot: &Snapshot,
    registry: &Registry,
    selection: &Selection,
) -> Result<Export, ExportError> {
    let runs: Vec<&Run> = match selection {
        Selection::All => snapshot.runs.iter().collect(),
        Selection::Experiment(experiment_id) => {
            if snapshot.experiment(experiment_id).is_none() {
                return Err(ExportError::UnknownExperiment { experiment_id: experiment_id.clone() });
            }
            snapshot.runs.iter().filter(|r| &r.experiment_id == experiment_id && !r.is_deleted()).collect()
        }
        Selection::Runs(ids) => {
            let mut seen = BTreeSet::new();
            let mut runs = Vec::new();
            for id in ids {
                let run = snapshot.run(id).ok_or_else(|| ExportError::UnknownRun { run_id: id.clone() })?;
                if seen.insert(id.as_str()) {
                    runs.push(run);
                }
            }
            runs
        }
    };
    let runs = parents_first(runs);

    let experiment_ids: BTreeSet<&str> = match selection {
        Selection::All => snapshot.experiments.iter().map(|e| e.experiment_id.as_str()).collect(),
        Selection::Experiment(id) => BTreeSet::from([id.as_str()]),
        Selection::Runs(_) => runs.iter().map(|r| r.experiment_id.as_str()).collect(),
    };
    for run in &runs {
        if snapshot.experiment(&run.experiment_id).is_none() {
            return Err(ExportError::RunWithoutExperiment {
                run_id: run.run_id.clone(),
                experiment_id: run.experiment_id.clone(),
            });
        }
    }
    let mut experiments: Vec<Experiment> = snapshot
        .experiments
        .iter()
        .filter(|e| experiment_ids.contains(e.experiment_id.as_str()))
        .cloned()
        .collect();
    experiments.sort_by(|a, b| a.experiment_id.cmp(&b.experiment_id));

    let registry = match selection {
        Selection::All => whole_registry(registry),
        _ => {
            let run_ids: BTreeSet<&str> = runs.iter().map(|r| r.run_id.as_str()).collect();
            registry_of(registry, &run_ids)
        }
    };
    Ok(Export { experiments, runs: runs.into_iter().cloned().collect(), registry })
}

/// `runs` oldest first (start time, then id), each parent that is among them moved before its children.
fn parents_first(mut runs: Vec<&Run>) -> Vec<&Run> {
    runs.sort_by(|a, b| a.start_time.cmp(&b.start_time).then_with(|| a.run_id.cmp(&b.run_id)));
    let by_id: BTreeMap<&str, &Run> = runs.iter().map(|r| (r.run_id.as_str(), *r)).collect();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut ordered = Vec::with_capacity(runs.len());
    for run in &runs {
        // The chain of unplaced ancestors among the runs, nearest first; a cycle stops at a run seen.
        let mut chain = vec![*run];
        let mut seen = BTreeSet::from([run.run_id.as_str()]);
        let mut parent = run.parent();
        while let Some(id) = parent {
            match by_id.get(id) {
                Some(p) if !placed.contains(id) && seen.insert(id) => {
                    chain.push(*p);
                    parent = p.parent();
                }
                _ => break,
            }
        }
        for run in chain.into_iter().rev() {
            if placed.insert(run.run_id.as_str()) {
                ordered.push(run);
            }
        }
    }
    ordered
}

/// The whole registry, in its canonical order.
fn whole_registry(registry: &Registry) -> RegistryRecord {
    let mut record = RegistryRecord {
        models: registry.models.clone(),
        versions: registry.versions.clone(),
        audit: registry.audit.clone(),
    };
    sort_registry(&mut record);
    record
}

/// The models with a version from `run_ids`, those versions, the aliases naming them, and the audit
/// entries of the models (their own, and those of the exported versions).
fn registry_of(registry: &Registry, run_ids: &BTreeSet<&str>) -> RegistryRecord {
    let versions: Vec<_> =
        registry.versions.iter().filter(|v| run_ids.contains(v.run_id.as_str())).cloned().collect();
    let numbers: BTreeSet<(&str, u32)> = versions.iter().map(|v| (v.name.as_str(), v.version)).collect();
    let names: BTreeSet<&str> = numbers.iter().map(|(name, _)| *name).collect();
    let models = registry
        .models
        .iter()
        .filter(|m| names.contains(m.name.as_str()))
        .map(|m| {
            let mut model = m.clone();
            model.aliases.retain(|_, v| numbers.contains(&(m.name.as_str(), *v)));
            model
        })
        .collect();
    let audit = registry
        .audit
        .iter()
        .filter(|e| {
            names.contains(e.model.as_str())
                && e.version.is_none_or(|v| numbers.contains(&(e.model.as_str(), v)))
        })
        .cloned()
        .collect();
    let mut record = RegistryRecord { models, versions, audit };
    sort_registry(&mut record);
    record
}

fn sort_registry(record: &mut RegistryRecord) {
    record.models.sort_by(|a, b| a.name.cmp(&b.name));
    record.versions.sort_by(|a, b| (&a.name, a.version).cmp(&(&b.name, b.version)));
    record.audit.sort_by_key(|e| e.seq);
}

impl Export {
    /// What must be loaded from storage before [`Export::into_document`], by run: the step history of
    /// every metric logged with a step (the keys of [`Run::latest_points`]) and the content of every
    /// artifact the run lists.
    pub fn needs(&self) -> Vec<(String, Need)> {
        let mut needs = Vec::new();
        for run in &self.runs {
            needs
                .extend(run.latest_points.keys().map(|key| (run.run_id.clone(), Need::History(key.clone()))));
            needs.extend(run.artifacts.iter().map(|a| (run.run_id.clone(), Need::Artifact(a.path.clone()))));
        }
        needs
    }

    /// The document, with the histories and artifact contents of `contents`, written by `producer` at
    /// `exported_at` (milliseconds since the Unix epoch). A history or artifact not loaded is an error,
    /// never silently left out.
    pub fn into_document(
        self,
        producer: &str,
        exported_at: i64,
        contents: &Contents,
    ) -> Result<Document, ExportError> {
        let runs = self.runs.into_iter().map(|run| run_record(run, contents)).collect::<Result<_, _>>()?;
        Ok(Document {
            format: FORMAT.to_string(),
            format_version: FORMAT_VERSION,
            exported_at,
            producer: producer.to_string(),
            experiments: self.experiments,
            runs,
            registry: self.registry,
        })
    }
}

/// A run with its histories and artifact contents.
fn run_record(run: Run, contents: &Contents) -> Result<RunRecord, ExportError> {
    let mut metric_history = BTreeMap::new();
    for key in run.latest_points.keys() {
        let points = contents
            .histories
            .get(&(run.run_id.clone(), key.clone()))
            .ok_or_else(|| ExportError::MissingHistory { run_id: run.run_id.clone(), key: key.clone() })?;
        metric_history.insert(key.clone(), points.iter().copied().map(Point::from).collect());
    }
    let mut artifacts = Vec::with_capacity(run.artifacts.len());
    for info in &run.artifacts {
        let content = contents.artifacts.get(&(run.run_id.clone(), info.path.clone())).ok_or_else(|| {
            ExportError::MissingArtifact { run_id: run.run_id.clone(), path: info.path.clone() }
        })?;
        artifacts.push(ArtifactFile { path: info.path.clone(), kind: info.kind, content: content.clone() });
    }
    Ok(RunRecord {
        parent_run_id: run.parent().map(str::to_string),
        run_id: run.run_id,
        experiment_id: run.experiment_id,
        run_name: run.run_name,
        status: run.status,
        start_time: run.start_time,
        end_time: run.end_time,
        lifecycle_stage: run.lifecycle_stage,
        deleted_time: run.deleted_time,
        params: run.params,
        tags: run.tags,
        metrics: run.metrics.into_iter().map(|(k, v)| (k, Value(v))).collect(),
        latest_points: run.latest_points.into_iter().map(|(k, p)| (k, Point::from(p))).collect(),
        metric_history,
        inputs: run.inputs,
        artifacts,
    })
}
