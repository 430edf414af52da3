//! The changes of a run's life beyond logging: soft delete, restore, purge, and the recovery of runs that a
//! closed tab left RUNNING. Each function reads a [`Snapshot`] and returns the [`Change`]s to apply; the
//! store's [`super::validate_batch`] still has the last word.

use std::collections::BTreeSet;

use super::model::{Experiment, LifecycleStage, Run, RunStatus, DEFAULT_EXPERIMENT_ID};
use super::store::{Change, Snapshot, StoreError};

/// The tag set on a run that [`recover_unfinished`] ended, with the time it was found unfinished.
pub const RECOVERED_TAG: &str = "ciclo.recovered";

/// The changes that record a training: the `Default` experiment if the store lacks it, and the run.
pub fn log_run(current: &Snapshot, run: Run, now_ms: i64) -> Vec<Change> {
    let mut changes = Vec::new();
    if current.experiment(&run.experiment_id).is_none() && run.experiment_id == DEFAULT_EXPERIMENT_ID {
        changes.push(Change::PutExperiment(Experiment::default_at(now_ms)));
    }
    changes.push(Change::PutRun(run));
    changes
}

/// The id for a new experiment: one more than the largest decimal id held (MLflow's ids are decimal
/// strings; `0` is `Default`).
pub fn next_experiment_id(current: &Snapshot) -> String {
    let largest = current.experiments.iter().filter_map(|e| e.experiment_id.parse::<u64>().ok()).max();
    largest.map_or(1, |id| id.saturating_add(1)).to_string()
}

/// Every descendant of `run_id` (children, their children ...), parents before their children.
pub fn descendants<'a>(current: &'a Snapshot, run_id: &str) -> Vec<&'a Run> {
    let mut found: Vec<&Run> = Vec::new();
    let mut seen: BTreeSet<&str> = current.run(run_id).map(|r| r.run_id.as_str()).into_iter().collect();
    let mut next = 0;
    let mut parents: Vec<&str> = seen.iter().copied().collect();
    while let Some(parent) = parents.get(next).copied() {
        next += 1;
        for child in current.children(parent) {
            if seen.insert(child.run_id.as_str()) {
                parents.push(child.run_id.as_str());
                found.push(child);
            }
        }
    }
    found
}

fn run<'a>(current: &'a Snapshot, run_id: &str) -> Result<&'a Run, StoreError> {
    current.run(run_id).ok_or_else(|| StoreError::UnknownRun { run_id: run_id.to_string() })
}

/// Soft-deletes a run and its descendants (a grid search's parent takes its children to the trash), as of
/// `now_ms`. Runs already deleted keep their deletion time.
pub fn delete_run(current: &Snapshot, run_id: &str, now_ms: i64) -> Result<Vec<Change>, StoreError> {
    let root = run(current, run_id)?;
    Ok(std::iter::once(root)
        .chain(descendants(current, run_id))
        .filter(|r| !r.is_deleted())
        .map(|r| {
            let mut deleted = r.clone();
            deleted.lifecycle_stage = LifecycleStage::Deleted;
            deleted.deleted_time = Some(now_ms);
            Change::PutRun(deleted)
        })
        .collect())
}

/// Restores a deleted run, its deleted descendants, and its deleted ancestors (so that it is reachable
/// again from its parent).
pub fn restore_run(current: &Snapshot, run_id: &str) -> Result<Vec<Change>, StoreError> {
    let root = run(current, run_id)?;
    let mut ancestors = Vec::new();
    let mut seen = BTreeSet::from([run_id]);
    let mut parent = root.parent();
    while let Some(id) = parent.filter(|id| seen.insert(*id)) {
        let Some(found) = current.run(id) else { break };
        ancestors.push(found);
        parent = found.parent();
    }
    Ok(ancestors
        .into_iter()
        .rev()
        .chain(std::iter::once(root))
        .chain(descendants(current, run_id))
        .filter(|r| r.is_deleted())
        .map(|r| {
            let mut restored = r.clone();
            restored.lifecycle_stage = LifecycleStage::Active;
            restored.deleted_time = None;
            Change::PutRun(restored)
        })
        .collect())
}

/// Removes a deleted run for good, with its descendants (deleted or not: they go with it), their metric
/// histories and artifacts. Children are purged before their parents.
pub fn purge_run(current: &Snapshot, run_id: &str) -> Result<Vec<Change>, StoreError> {
    let root = run(current, run_id)?;
    if !root.is_deleted() {
        return Err(StoreError::PurgeActive { run_id: run_id.to_string() });
    }
    let family = descendants(current, run_id);
    let mut changes: Vec<Change> = family
        .iter()
        .filter(|r| !r.is_deleted())
        .map(|r| {
            let mut deleted = (*r).clone();
            deleted.lifecycle_stage = LifecycleStage::Deleted;
            deleted.deleted_time = root.deleted_time;
            Change::PutRun(deleted)
        })
        .collect();
    changes.extend(family.iter().rev().map(|r| Change::PurgeRun { run_id: r.run_id.clone() }));
    changes.push(Change::PurgeRun { run_id: run_id.to_string() });
    Ok(changes)
}

/// Purges every deleted run (MLflow's `gc`): empties the trash.
pub fn purge_deleted(current: &Snapshot) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    // A deleted run under a deleted ancestor is purged with that ancestor.
    let roots = current.runs.iter().filter(|r| r.is_deleted()).filter(|r| {
        let mut seen = BTreeSet::from([r.run_id.as_str()]);
        let mut parent = r.parent();
        while let Some(id) = parent.filter(|id| seen.insert(*id)) {
            match current.run(id) {
                Some(p) if p.is_deleted() => return false,
                Some(p) => parent = p.parent(),
                None => break,
            }
        }
        true
    });
    for root in roots {
        if let Ok(purge) = purge_run(current, &root.run_id) {
            for change in purge {
                let fresh = match &change {
                    Change::PurgeRun { run_id } | Change::PutRun(Run { run_id, .. }) => {
                        !done.contains(run_id.as_str())
                    }
                    _ => true,
                };
                if fresh {
                    changes.push(change);
                }
            }
            done.insert(root.run_id.as_str());
            done.extend(descendants(current, &root.run_id).into_iter().map(|r| r.run_id.as_str()));
        }
    }
    changes
}

/// Ends every run left RUNNING, as a tab that closed mid-training leaves it: it becomes KILLED with
/// `now_ms` as its end time (never before its start) and the [`RECOVERED_TAG`]. Finished runs are kept as
/// they are, so a grid search cut short keeps its finished children and only its parent (and the children
/// still training) become KILLED.
///
/// Call it when the store is opened and no other tab can be training; with other tabs open, use
/// [`recover_unfinished_except`] with the runs they are still training.
pub fn recover_unfinished(current: &Snapshot, now_ms: i64) -> Vec<Change> {
    recover_unfinished_except(current, now_ms, &BTreeSet::new())
}

/// [`recover_unfinished`], leaving alone the runs in `live` (those another tab is still training, as
/// `ciclo_store`'s run locks tell).
pub fn recover_unfinished_except(current: &Snapshot, now_ms: i64, live: &BTreeSet<String>) -> Vec<Change> {
    current
        .runs
        .iter()
        .filter(|r| r.status == RunStatus::Running && !live.contains(&r.run_id))
        .map(|r| {
            let mut killed = r.clone();
            killed.status = RunStatus::Killed;
            killed.end_time = Some(now_ms.max(r.start_time));
            killed.tags.insert(RECOVERED_TAG.to_string(), now_ms.to_string());
            Change::PutRun(killed)
        })
        .collect()
}
