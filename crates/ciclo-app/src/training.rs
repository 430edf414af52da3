//! One training at a time: logs a run as RUNNING (holding its run lock, so that another tab does not take
//! it for abandoned), trains in the worker, and records how it ended: FINISHED and autologged
//! ([`crate::autolog`]: metrics, loss per round, fit time, curves, importances and the model), FAILED with
//! the error, or KILLED when cancelled. The worker computes the artifacts after the fit and sends them
//! with its outcome; the page only logs them.

use std::collections::BTreeMap;

use ciclo_core::ml::{Stage, TrainConfig, TrainOutcome};
use ciclo_core::tracking::{self, Change, DatasetInput, Run, RunStatus};
use ciclo_store::RunLock;
use leptos::prelude::*;

use crate::autolog::{self, ArtifactText};
use crate::protocol::{DataSource, FromWorker, ToWorker};
use crate::storage::Tracking;
use crate::trainer::TrainerHandle;

/// The app's version, recorded on every run as the build that trained it.
pub const APP_BUILD: &str = env!("CARGO_PKG_VERSION");

/// The tag that holds why autologging could not record everything (the run is FINISHED anyway).
pub const AUTOLOG_ERROR_TAG: &str = "ciclo.autolog_error";

/// Where the current training is.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainStatus {
    /// Nothing running.
    Idle,
    /// Waiting for the worker to load.
    Starting,
    /// In a stage.
    Running(Stage),
    /// Finished; the outcome is in [`Training::outcome`].
    Done,
    /// Failed, with the reason.
    Failed(String),
    /// The worker never answered (its script did not load).
    WorkerDidNotStart,
    /// Cancelled by the user.
    Cancelled,
}

impl TrainStatus {
    /// Whether a training is under way.
    pub fn is_busy(&self) -> bool {
        matches!(self, TrainStatus::Starting | TrainStatus::Running(_))
    }
}

/// Where a new run is logged, and the tags it carries besides autolog's own (a reproduction names the run
/// it reproduces, see [`REPRODUCES_TAG`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Placement {
    /// The experiment the run belongs to.
    pub experiment_id: String,
    /// Extra tags.
    pub tags: BTreeMap<String, String>,
}

impl Placement {
    /// A run in experiment `experiment_id`, with no extra tag.
    pub fn in_experiment(experiment_id: impl Into<String>) -> Placement {
        Placement { experiment_id: experiment_id.into(), tags: BTreeMap::new() }
    }
}

/// The tag of a run trained again from another run's parameters, seed and data: the other run's id.
pub const REPRODUCES_TAG: &str = "ciclo.reproduces";

/// The current training (cheap to copy).
#[derive(Clone, Copy)]
pub struct Training {
    /// Where it is.
    pub status: RwSignal<TrainStatus>,
    /// The last finished outcome and its fit time in milliseconds.
    pub outcome: RwSignal<Option<(TrainOutcome, f64)>>,
    handle: StoredValue<Option<TrainerHandle>, LocalStorage>,
    /// The id of the run being trained, and its lock.
    run: StoredValue<Option<(String, Option<RunLock>)>, LocalStorage>,
    next_job: StoredValue<u32>,
}

impl Default for Training {
    fn default() -> Self {
        Training::new()
    }
}

impl Training {
    /// No training yet.
    pub fn new() -> Training {
        Training {
            status: RwSignal::new(TrainStatus::Idle),
            outcome: RwSignal::new(None),
            handle: StoredValue::new_local(None),
            run: StoredValue::new_local(None),
            next_job: StoredValue::new(1),
        }
    }

    /// Starts training `config` on `source` (described by `dataset`), logging a run where `placement` says.
    pub fn start(
        self,
        tracking: Tracking,
        source: DataSource,
        dataset: DatasetInput,
        config: TrainConfig,
        placement: Placement,
    ) {
        if self.status.get_untracked().is_busy() {
            return;
        }
        let job = self.next_job.get_value();
        self.next_job.set_value(job.wrapping_add(1));
        let now = js_sys::Date::now() as i64;
        let mut tags = BTreeMap::from([
            ("mlflow.source.name".to_string(), "ciclo".to_string()),
            ("mlflow.source.type".to_string(), "LOCAL".to_string()),
            ("mlflow.autologging".to_string(), "ciclo".to_string()),
            ("ciclo.build".to_string(), APP_BUILD.to_string()),
            ("ciclo.seed".to_string(), config.seed.to_string()),
        ]);
        tags.extend(placement.tags);
        let run = Run {
            params: config.tracking_params().into_iter().collect(),
            tags,
            inputs: vec![dataset],
            ..Run::new(
                crate::ids::new_run_id(),
                placement.experiment_id,
                format!("{}-{job}", config.params.kind().name().replace('_', "-")),
                now,
            )
        };
        if let Err(error) =
            tracking.apply(tracking::log_run(&tracking.snapshot.get_untracked(), run.clone(), now))
        {
            self.status.set(TrainStatus::Failed(error.to_string()));
            return;
        }
        let lock = RunLock::hold(&run.run_id)
            .map_err(|error| log::warn!("another tab may take this run for abandoned: {error}"))
            .ok();
        self.run.set_value(Some((run.run_id, lock)));
        self.status.set(TrainStatus::Starting);

        let request = ToWorker::Train { job, source, config, autolog: true };
        let on_event = move |event: FromWorker| match event {
            FromWorker::Ready => {}
            FromWorker::Progress { job: j, stage } if j == job => {
                self.status.set(TrainStatus::Running(stage))
            }
            FromWorker::Done { job: j, outcome, fit_ms, artifacts } if j == job => {
                if let Some((run_id, _lock)) = self.end() {
                    let artifacts = artifacts.unwrap_or_else(|| Err(NO_ARTIFACTS.to_string()));
                    autolog_run(tracking, &run_id, &outcome, fit_ms, artifacts);
                }
                self.outcome.set(Some((*outcome, fit_ms)));
                self.status.set(TrainStatus::Done);
            }
            FromWorker::Failed { job: j, error } if j == job => self.fail(tracking, error),
            FromWorker::BadMessage { error } => self.fail(tracking, error),
            _ => {}
        };
        match TrainerHandle::start(request, on_event) {
            Ok(handle) => {
                self.handle.set_value(Some(handle));
                self.fail_if_not_started(tracking, job);
            }
            Err(error) => self.fail(tracking, error),
        }
    }

    /// A worker that has not reported any stage after [`START_TIMEOUT_MS`] (its script failed to load, or
    /// the browser refused it) fails the run with a message instead of leaving the page waiting.
    fn fail_if_not_started(self, tracking: Tracking, job: u32) {
        leptos::task::spawn_local(async move {
            sleep_ms(START_TIMEOUT_MS).await;
            if self.next_job.get_value() == job.wrapping_add(1)
                && self.status.get_untracked() == TrainStatus::Starting
            {
                self.end_failed(tracking, WORKER_DID_NOT_START.to_string());
                self.status.set(TrainStatus::WorkerDidNotStart);
            }
        });
    }

    /// Ends the run as FAILED with `error` in its `ciclo.error` tag, and shows the error.
    fn fail(self, tracking: Tracking, error: String) {
        self.end_failed(tracking, error.clone());
        self.status.set(TrainStatus::Failed(error));
    }

    /// Ends the run as FAILED with `error` in its `ciclo.error` tag.
    fn end_failed(self, tracking: Tracking, error: String) {
        if let Some((run_id, _lock)) = self.end() {
            record_end(tracking, &run_id, RunStatus::Failed, Vec::new(), |run| {
                run.tags.insert("ciclo.error".to_string(), error);
            });
        }
    }

    /// Stops the training at once; its run is kept as KILLED.
    pub fn cancel(self, tracking: Tracking) {
        if !self.status.get_untracked().is_busy() {
            return;
        }
        if let Some((run_id, _lock)) = self.end() {
            record_end(tracking, &run_id, RunStatus::Killed, Vec::new(), |_| {});
        }
        self.status.set(TrainStatus::Cancelled);
    }

    /// Lets the worker go and hands over the current run's id and lock (dropping the lock releases it), or
    /// `None` if the run has ended already.
    fn end(self) -> Option<(String, Option<RunLock>)> {
        // Dropping the handle terminates the worker; done outside the worker's own callback's borrow.
        let handle = self.handle.try_update_value(|h| h.take()).flatten();
        if let Some(handle) = handle {
            leptos::task::spawn_local(async move { drop(handle) });
        }
        self.run.try_update_value(|r| r.take()).flatten()
    }
}

/// The run's autolog error when the worker sent no artifacts (a worker from an older build).
const NO_ARTIFACTS: &str = "the training worker sent no artifacts";

/// Autologs a finished training (see [`crate::autolog`]) with the `artifacts` the worker wrote, and ends its
/// run as FINISHED, in one batch. If the worker could not write them, the run is FINISHED with its metrics
/// and the reason in [`AUTOLOG_ERROR_TAG`].
fn autolog_run(
    tracking: Tracking,
    run_id: &str,
    outcome: &TrainOutcome,
    fit_ms: f64,
    artifacts: Result<Vec<ArtifactText>, String>,
) {
    let now = js_sys::Date::now() as i64;
    let mut changes = autolog::metric_changes(run_id, outcome, fit_ms, now);
    changes.extend(autolog::history_changes(run_id, outcome.history(), now));
    let failed = match artifacts {
        Ok(artifacts) => {
            changes.extend(autolog::artifact_changes(run_id, artifacts));
            None
        }
        Err(error) => {
            log::error!("autologging the artifacts failed: {error}");
            Some(error)
        }
    };
    record_end(tracking, run_id, RunStatus::Finished, changes, |run| {
        for (key, value) in &outcome.params {
            run.params.entry(key.clone()).or_insert_with(|| value.clone());
        }
        if let Some(error) = failed {
            run.tags.insert(AUTOLOG_ERROR_TAG.to_string(), error);
        }
    });
}

/// Ends the run `run_id` with `status`, after `changes` (logged metrics and artifacts) and `edit`, in one
/// batch. Reads the run as the store holds it now: another tab may have deleted it (then only its status
/// is recorded, as a deleted run takes no new metrics) or purged it (then nothing is). If the store refuses
/// `changes`, the run still ends, with the reason in [`AUTOLOG_ERROR_TAG`].
fn record_end(
    tracking: Tracking,
    run_id: &str,
    status: RunStatus,
    changes: Vec<Change>,
    edit: impl FnOnce(&mut Run),
) {
    let Some(Some(mut run)) = tracking.snapshot.try_with_untracked(|s| s.run(run_id).cloned()) else {
        log::warn!("run `{run_id}` was purged before it ended");
        return;
    };
    run.status = status;
    run.end_time = Some((js_sys::Date::now() as i64).max(run.start_time));
    // Another tab that took it for abandoned was wrong: it ended here.
    run.tags.remove(tracking::RECOVERED_TAG);
    edit(&mut run);
    let logged = !changes.is_empty() && !run.is_deleted();
    let mut batch = if logged { changes } else { Vec::new() };
    batch.push(Change::PutRun(run.clone()));
    let Err(error) = tracking.apply(batch) else { return };
    if logged {
        run.tags.insert(AUTOLOG_ERROR_TAG.to_string(), error.to_string());
        if tracking.apply(vec![Change::PutRun(run)]).is_ok() {
            return;
        }
    }
    log::error!("could not record the end of the run: {error}");
}

/// How long a worker may take to load before its run fails.
const START_TIMEOUT_MS: i32 = 20_000;
/// The run's error when the worker never answered (kept in English in the run's tags, like MLflow's).
const WORKER_DID_NOT_START: &str = "the training worker did not start within 20 s: reload the page";

/// Waits `ms` milliseconds on the browser's timer.
async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
