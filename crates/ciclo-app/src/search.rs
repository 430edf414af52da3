//! A hyperparameter search in the page: the (combination, fold) units spread over one Web Worker per
//! core, a parent run with a child run per combination, live progress, cancel that keeps what finished,
//! and the best combination refitted on the whole training split and scored on the test rows (as
//! scikit-learn's `GridSearchCV(refit=True)` followed by a test score, the report's §3.3).
//!
//! The bookkeeping is `ledger.rs` (plain, tested natively); this file talks to workers and the store.

use std::collections::BTreeMap;

use ciclo_core::dataset::Dataset;
use ciclo_core::ml::{labels, Fill, ModelParams, TrainConfig, TrainError, TrainOutcome};
use ciclo_core::split::stratified_split;
use ciclo_core::tracking::{self, Change, DatasetInput, Run, RunStatus};
use ciclo_core::tune::{self, CombinationResult, Grid, Plan, Prepared, Unit};
use leptos::prelude::*;

use crate::autolog::{self, ArtifactText};
use crate::ids::new_run_id;
use crate::ledger::Ledger;
use crate::protocol::{DataSource, FromWorker, ToWorker};
use crate::storage::Tracking;
use crate::trainer::TrainerHandle;
use crate::training::APP_BUILD;

/// The most workers a search starts, whatever the browser reports: beyond this the page's own thread and
/// memory (each worker holds the data and its folds) cost more than the extra parallelism brings.
const MAX_WORKERS: usize = 8;

/// What to search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSpec {
    /// The parameters the grid's values are set on (the family comes from them).
    pub base: ModelParams,
    /// The grid.
    pub grid: Grid,
    /// `Some(n)`: a random search of `n` combinations; `None`: every combination.
    pub random: Option<usize>,
    /// Number of folds.
    pub k: usize,
    /// Seed of the split, the folds, the sample and every fit.
    pub seed: u64,
    /// Share of rows held out for the final test (the search only sees the training rows).
    pub test_fraction: f64,
    /// The target column.
    pub target: String,
    /// How blank numeric cells are filled.
    pub fill: Fill,
}

/// Where a search is.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchStatus {
    /// None yet.
    Idle,
    /// Units are running.
    Running,
    /// Every unit came back; the best combination is being refitted.
    Refitting,
    /// Finished: the best combination refitted and scored.
    Done,
    /// Stopped by an error (the message), keeping the finished child runs.
    Failed(String),
    /// Cancelled by the user, keeping the finished child runs.
    Cancelled,
}

impl SearchStatus {
    /// Whether the search is under way.
    pub fn is_busy(&self) -> bool {
        matches!(self, SearchStatus::Running | SearchStatus::Refitting)
    }
}

/// Progress of the units.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SearchProgress {
    /// Units returned.
    pub done: usize,
    /// Units planned.
    pub total: usize,
    /// Milliseconds since the search started.
    pub elapsed_ms: f64,
    /// Estimated milliseconds left, once a unit has returned.
    pub remaining_ms: Option<f64>,
    /// Workers in use.
    pub workers: usize,
}

/// The page's search (cheap to copy).
#[derive(Clone, Copy)]
pub struct Search {
    /// Where it is.
    pub status: RwSignal<SearchStatus>,
    /// How far.
    pub progress: RwSignal<SearchProgress>,
    /// Combinations scored so far, best first.
    pub results: RwSignal<Vec<CombinationResult>>,
    /// Child run id of each logged combination.
    pub child_runs: RwSignal<BTreeMap<usize, String>>,
    /// The parent run's id.
    pub parent_run_id: RwSignal<Option<String>>,
    /// The best combination refitted on the training rows and scored on the test rows.
    pub refit: RwSignal<Option<TrainOutcome>>,
    session: StoredValue<Option<Session>, LocalStorage>,
    next_job: StoredValue<u32>,
}

/// A search under way.
struct Session {
    job: u32,
    ledger: Ledger,
    prepared: Prepared,
    spec: SearchSpec,
    source: DataSource,
    dataset: DatasetInput,
    parent: Run,
    workers: Vec<TrainerHandle>,
    started_ms: f64,
}

impl Default for Search {
    fn default() -> Self {
        Search::new()
    }
}

/// Why a search could not start.
#[derive(Debug, Clone, PartialEq)]
pub enum StartError {
    /// The grid, the parameters, the labels or the folds are not usable (the core's message).
    Train(String),
    /// The store refused the parent run.
    Store(String),
    /// No worker could be started.
    Worker(String),
}

impl Search {
    /// No search yet.
    pub fn new() -> Search {
        Search {
            status: RwSignal::new(SearchStatus::Idle),
            progress: RwSignal::new(SearchProgress::default()),
            results: RwSignal::new(Vec::new()),
            child_runs: RwSignal::new(BTreeMap::new()),
            parent_run_id: RwSignal::new(None),
            refit: RwSignal::new(None),
            session: StoredValue::new_local(None),
            next_job: StoredValue::new(1),
        }
    }

    /// The plan and prepared folds of `spec` on `data`: the search runs on the training rows of the same
    /// stratified split a training with the same seed and test fraction uses, so its refit is scored on
    /// rows no fold ever saw.
    pub fn prepare(data: &Dataset, spec: &SearchSpec) -> Result<(Plan, Prepared), TrainError> {
        spec.grid.check(&spec.base)?;
        let plan = match spec.random {
            Some(n) => tune::plan_random(&spec.grid, n, spec.k, spec.seed),
            None => tune::plan(&spec.grid, spec.k, spec.seed),
        };
        let (labels, _) = labels(data, &spec.target)?;
        let split = stratified_split(&labels, spec.test_fraction, spec.seed)?;
        let prepared = tune::prepare(data, &spec.target, spec.fill, &split.train, &plan)?;
        Ok((plan, prepared))
    }

    /// Starts `spec` on `data` (the page's copy of what `source` regenerates in each worker).
    pub fn start(
        self,
        tracking: Tracking,
        data: &Dataset,
        source: DataSource,
        dataset: DatasetInput,
        spec: SearchSpec,
        experiment_id: &str,
    ) -> Result<(), StartError> {
        if self.status.get_untracked().is_busy() {
            return Ok(());
        }
        let (plan, prepared) = Search::prepare(data, &spec).map_err(|e| StartError::Train(e.to_string()))?;
        let job = self.next_job.get_value();
        self.next_job.set_value(job.wrapping_add(1));
        let now = js_sys::Date::now();
        let parent = parent_run(&spec, &plan, dataset.clone(), experiment_id, now as i64);
        tracking
            .apply(tracking::log_run(&tracking.snapshot.get_untracked(), parent.clone(), now as i64))
            .map_err(|e| StartError::Store(e.to_string()))?;

        let n_workers = worker_count().min(plan.units.len()).max(1);
        let mut workers = Vec::with_capacity(n_workers);
        for index in 0..n_workers {
            let on_event = move |event: FromWorker| self.on_event(tracking, index, event);
            match TrainerHandle::spawn(job, on_event) {
                Ok(worker) => workers.push(worker),
                Err(error) if workers.is_empty() => {
                    let mut parent = parent.clone();
                    parent.status = RunStatus::Failed;
                    parent.end_time = Some(js_sys::Date::now() as i64);
                    parent.tags.insert("ciclo.error".to_string(), error.clone());
                    let _ = tracking.apply(vec![Change::PutRun(parent)]);
                    return Err(StartError::Worker(error));
                }
                // Fewer workers than asked for still finish the search.
                Err(error) => log::warn!("search worker {index} did not start: {error}"),
            }
        }
        let search_message = ToWorker::Search {
            job,
            source: source.clone(),
            prepared: Box::new(prepared.clone()),
            base: spec.base.clone(),
        };
        for worker in &workers {
            worker.send(search_message.clone());
        }

        self.parent_run_id.set(Some(parent.run_id.clone()));
        self.results.set(Vec::new());
        self.child_runs.set(BTreeMap::new());
        self.refit.set(None);
        self.progress.set(SearchProgress {
            done: 0,
            total: plan.units.len(),
            elapsed_ms: 0.0,
            remaining_ms: None,
            workers: workers.len(),
        });
        self.status.set(SearchStatus::Running);
        let mut session = Session {
            job,
            ledger: Ledger::new(plan),
            prepared,
            spec,
            source,
            dataset,
            parent,
            workers,
            started_ms: now,
        };
        for index in 0..session.workers.len() {
            dispatch(&mut session, index);
        }
        self.session.set_value(Some(session));
        Ok(())
    }

    /// Stops every worker at once; finished child runs stay, the parent run is KILLED.
    pub fn cancel(self, tracking: Tracking) {
        if !self.status.get_untracked().is_busy() {
            return;
        }
        self.end(tracking, RunStatus::Killed, |_| {});
        self.status.set(SearchStatus::Cancelled);
    }

    fn on_event(self, tracking: Tracking, worker: usize, event: FromWorker) {
        let job = self.session.with_value(|s| s.as_ref().map(|s| s.job));
        match event {
            FromWorker::UnitDone { job: j, result, .. } if Some(j) == job => {
                let completed = self.with_session(|s| s.ledger.record(result)).flatten();
                self.after_unit(tracking, worker, completed);
            }
            FromWorker::UnitFailed { job: j, combination, fold, error } if Some(j) == job => {
                let unit = Unit { combination, fold };
                let completed = self.with_session(|s| s.ledger.record_failure(unit, error)).flatten();
                self.after_unit(tracking, worker, completed);
            }
            FromWorker::Done { job: j, outcome, artifacts, .. } if Some(j) == job => {
                self.finish(tracking, *outcome, artifacts)
            }
            FromWorker::Failed { job: j, error } if Some(j) == job => self.fail(tracking, error),
            FromWorker::BadMessage { error } => self.fail(tracking, error),
            _ => {}
        }
    }

    fn with_session<R>(self, f: impl FnOnce(&mut Session) -> R) -> Option<R> {
        self.session.try_update_value(|s| s.as_mut().map(f)).flatten()
    }

    /// A unit came back from `worker`: log its combination if complete, hand the worker the next unit,
    /// and refit the best combination once every unit is back.
    fn after_unit(self, tracking: Tracking, worker: usize, completed: Option<usize>) {
        if let Some(combination) = completed {
            let child = self.with_session(|s| child_run(s, combination)).flatten();
            if let Some(child) = child {
                let run_id = child.run_id.clone();
                match tracking.apply(vec![Change::PutRun(child)]) {
                    Ok(()) => self.child_runs.update(|c| {
                        c.insert(combination, run_id);
                    }),
                    Err(error) => log::error!("could not log a child run: {error}"),
                }
            }
        }
        let now = js_sys::Date::now();
        let Some((progress, summary, complete)) = self.with_session(|s| {
            dispatch(s, worker);
            let elapsed_ms = now - s.started_ms;
            let progress = SearchProgress {
                done: s.ledger.done(),
                total: s.ledger.total(),
                elapsed_ms,
                remaining_ms: s.ledger.remaining_ms(elapsed_ms),
                workers: s.workers.len(),
            };
            (progress, s.ledger.summary(), s.ledger.is_complete())
        }) else {
            return;
        };
        self.progress.set(progress);
        self.results.set(summary);
        if complete && self.status.get_untracked() == SearchStatus::Running {
            self.refit_best();
        }
    }

    /// Sends the best combination to the first worker as an ordinary training on the same split. It asks
    /// for no artifacts: the refit's outcome goes on the parent run as metrics only ([`Search::finish`]).
    fn refit_best(self) {
        let sent = self.with_session(|s| {
            let best = s.ledger.summary().into_iter().next()?;
            let params = tune::combination_params(&s.prepared, &s.spec.base, best.combination).ok()?;
            let config = TrainConfig {
                target: s.spec.target.clone(),
                test_fraction: s.spec.test_fraction,
                seed: s.spec.seed,
                fill: s.spec.fill,
                params,
            };
            let worker = s.workers.first()?;
            worker.send(ToWorker::Train { job: s.job, source: s.source.clone(), config, autolog: true });
            Some(())
        });
        match sent.flatten() {
            Some(()) => self.status.set(SearchStatus::Refitting),
            None => self.status.set(SearchStatus::Failed(NO_RESULT.to_string())),
        }
    }

    fn finish(
        self,
        tracking: Tracking,
        outcome: TrainOutcome,
        artifacts: Option<Result<Vec<ArtifactText>, String>>,
    ) {
        let best = self.results.get_untracked().into_iter().next();
        // The refit best model is the search's model, as MLflow's autolog logs `best_estimator_` on the
        // parent run: its curves and `model/model.json`, so that the search can be registered.
        let parent_id = self.parent_run_id.get_untracked().unwrap_or_default();
        let (logged, failure) = match artifacts {
            Some(Ok(texts)) => (autolog::artifact_changes(&parent_id, texts), None),
            Some(Err(error)) => (Vec::new(), Some(error)),
            None => (Vec::new(), None),
        };
        self.end_with(tracking, RunStatus::Finished, logged, |parent| {
            if let Some(error) = failure {
                parent.tags.insert(crate::training::AUTOLOG_ERROR_TAG.to_string(), error);
            }
            if let Some(best) = &best {
                for (name, value) in &best.params {
                    parent.params.insert(format!("best_{name}"), value.clone());
                }
                parent.metrics.insert("best_cv_f1_mean".to_string(), best.mean_f1);
                parent.metrics.insert("best_cv_f1_std".to_string(), best.std_f1);
            }
            for (name, value) in outcome.metrics.as_pairs() {
                parent.metrics.insert(name.to_string(), value);
            }
        });
        self.refit.set(Some(outcome));
        self.status.set(SearchStatus::Done);
    }

    fn fail(self, tracking: Tracking, error: String) {
        if !self.status.get_untracked().is_busy() {
            return;
        }
        let tag = error.clone();
        self.end(tracking, RunStatus::Failed, move |parent| {
            parent.tags.insert("ciclo.error".to_string(), tag);
        });
        self.status.set(SearchStatus::Failed(error));
    }

    /// Ends the parent run with `status`, after `edit`, and stops the workers.
    fn end(self, tracking: Tracking, status: RunStatus, edit: impl FnOnce(&mut Run)) {
        self.end_with(tracking, status, Vec::new(), edit)
    }

    /// [`Search::end`], logging `changes` (the refit model's artifacts) in the same batch; if the store
    /// refuses them, the run still ends.
    fn end_with(
        self,
        tracking: Tracking,
        status: RunStatus,
        changes: Vec<Change>,
        edit: impl FnOnce(&mut Run),
    ) {
        let Some(session) = self.session.try_update_value(|s| s.take()).flatten() else { return };
        let Session { mut parent, workers, ledger, .. } = session;
        // Dropping the handles terminates the workers; done outside their own callbacks' borrows.
        leptos::task::spawn_local(async move { drop(workers) });
        parent.status = status;
        parent.end_time = Some(js_sys::Date::now() as i64);
        parent.metrics.insert("units_done".to_string(), ledger.done() as f64);
        edit(&mut parent);
        if !changes.is_empty() {
            let mut batch = changes;
            batch.push(Change::PutRun(parent.clone()));
            match tracking.apply(batch) {
                Ok(()) => return,
                Err(error) => {
                    parent.tags.insert(crate::training::AUTOLOG_ERROR_TAG.to_string(), error.to_string());
                }
            }
        }
        if let Err(error) = tracking.apply(vec![Change::PutRun(parent)]) {
            log::error!("could not record the end of the search: {error}");
        }
    }
}

/// The parent run's error when no combination could be scored.
const NO_RESULT: &str = "no combination could be scored: every unit of the search failed";

/// Hands `worker` the next unit, if any is left.
fn dispatch(session: &mut Session, worker: usize) {
    let Some(unit) = session.ledger.next_unit() else { return };
    if let Some(handle) = session.workers.get(worker) {
        handle.send(ToWorker::Unit { job: session.job, combination: unit.combination, fold: unit.fold });
    }
}

/// One worker per logical core the browser reports (`navigator.hardwareConcurrency`), at most
/// [`MAX_WORKERS`], at least one.
fn worker_count() -> usize {
    let cores = web_sys::window().map(|w| w.navigator().hardware_concurrency()).unwrap_or(1.0);
    if cores.is_finite() && cores >= 1.0 {
        (cores as usize).clamp(1, MAX_WORKERS)
    } else {
        1
    }
}

/// The base tags of every run the page logs.
fn base_tags() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("mlflow.source.name".to_string(), "ciclo".to_string()),
        ("mlflow.source.type".to_string(), "LOCAL".to_string()),
        ("ciclo.build".to_string(), APP_BUILD.to_string()),
    ])
}

/// The search's parent run, RUNNING: the search's own parameters and the grid.
fn parent_run(
    spec: &SearchSpec,
    plan: &Plan,
    dataset: DatasetInput,
    experiment_id: &str,
    now_ms: i64,
) -> Run {
    let kind = spec.base.kind();
    let search = if spec.random.is_some() { "random" } else { "grid" };
    let mut params: BTreeMap<String, String> = BTreeMap::from([
        ("model".to_string(), kind.name().to_string()),
        ("search".to_string(), search.to_string()),
        ("cv".to_string(), spec.k.to_string()),
        ("scoring".to_string(), "f1".to_string()),
        ("combinations".to_string(), plan.combinations.len().to_string()),
        ("test_size".to_string(), spec.test_fraction.to_string()),
        ("seed".to_string(), spec.seed.to_string()),
        ("target".to_string(), spec.target.clone()),
        ("fill".to_string(), spec.fill.name().to_string()),
    ]);
    for (name, values) in &spec.grid.axes {
        params.insert(format!("grid.{name}"), values.join(","));
    }
    let mut tags = base_tags();
    tags.insert("ciclo.search".to_string(), search.to_string());
    Run {
        params,
        tags,
        inputs: vec![dataset],
        ..Run::new(new_run_id(), experiment_id, format!("{search}-search-{}", kind.short_name()), now_ms)
    }
}

/// The child run of a complete combination: its parameters and its cross-validated scores (FAILED, with
/// the folds' errors, when a fold could not be scored).
fn child_run(session: &Session, combination: usize) -> Option<Run> {
    let summary = session.ledger.summary();
    let scores = summary.iter().find(|c| c.combination == combination);
    let params = tune::combination_params(&session.prepared, &session.spec.base, combination).ok()?;
    let now = js_sys::Date::now() as i64;
    let mut run_params: BTreeMap<String, String> = params.tracking_params().into_iter().collect();
    run_params.insert("cv".to_string(), session.spec.k.to_string());
    run_params.insert("seed".to_string(), session.spec.seed.to_string());
    let mut metrics = BTreeMap::new();
    if let Some(scores) = scores {
        metrics.insert("cv_f1_mean".to_string(), scores.mean_f1);
        metrics.insert("cv_f1_std".to_string(), scores.std_f1);
        metrics.insert("cv_roc_auc_mean".to_string(), scores.mean_auc);
        metrics.insert("cv_roc_auc_std".to_string(), scores.std_auc);
    }
    let mut tags = base_tags();
    tags.insert("ciclo.combination".to_string(), combination.to_string());
    let failures = session.ledger.failures_of(combination);
    let status = if failures.is_empty() { RunStatus::Finished } else { RunStatus::Failed };
    if let Some(first) = failures.first() {
        tags.insert("ciclo.error".to_string(), first.to_string());
    }
    let values: Vec<String> = session
        .ledger
        .plan()
        .combinations
        .get(combination)
        .map(|pairs| pairs.iter().map(|(n, v)| format!("{n}={v}")).collect())
        .unwrap_or_default();
    let run = Run {
        status,
        end_time: Some(now),
        params: run_params,
        metrics,
        tags,
        inputs: vec![session.dataset.clone()],
        ..Run::new(
            new_run_id(),
            session.parent.experiment_id.clone(),
            values.join(" "),
            session.started_ms as i64,
        )
    };
    Some(run.with_parent(session.parent.run_id.clone()))
}
