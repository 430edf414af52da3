//! One training at a time: logs a run as RUNNING, trains in the worker, and records how it ended
//! (FINISHED with metrics, FAILED with the error, or KILLED when cancelled).

use std::collections::BTreeMap;

use ciclo_core::ml::{Stage, TrainConfig, TrainOutcome};
use ciclo_core::tracking::{self, Change, DatasetInput, Run, RunStatus, DEFAULT_EXPERIMENT_ID};
use leptos::prelude::*;

use crate::protocol::{DataSource, FromWorker, ToWorker};
use crate::storage::Tracking;
use crate::trainer::TrainerHandle;

/// The app's version, recorded on every run as the build that trained it.
pub const APP_BUILD: &str = env!("CARGO_PKG_VERSION");

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

/// The current training (cheap to copy).
#[derive(Clone, Copy)]
pub struct Training {
    /// Where it is.
    pub status: RwSignal<TrainStatus>,
    /// The last finished outcome and its fit time in milliseconds.
    pub outcome: RwSignal<Option<(TrainOutcome, f64)>>,
    handle: StoredValue<Option<TrainerHandle>, LocalStorage>,
    run: StoredValue<Option<Run>>,
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
            run: StoredValue::new(None),
            next_job: StoredValue::new(1),
        }
    }

    /// Starts training `config` on `source` (whose data has `digest` and `rows`), logging a run.
    pub fn start(self, tracking: Tracking, source: DataSource, dataset: DatasetInput, config: TrainConfig) {
        if self.status.get_untracked().is_busy() {
            return;
        }
        let job = self.next_job.get_value();
        self.next_job.set_value(job.wrapping_add(1));
        let now = js_sys::Date::now() as i64;
        let run = Run {
            params: config.tracking_params().into_iter().collect(),
            tags: BTreeMap::from([
                ("mlflow.source.name".to_string(), "ciclo".to_string()),
                ("mlflow.source.type".to_string(), "LOCAL".to_string()),
                ("ciclo.build".to_string(), APP_BUILD.to_string()),
            ]),
            inputs: vec![dataset],
            ..Run::new(
                tracking::run_id_from_bytes(random_bytes()),
                DEFAULT_EXPERIMENT_ID,
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
        self.run.set_value(Some(run));
        self.status.set(TrainStatus::Starting);

        let request = ToWorker::Train { job, source, config };
        let on_event = move |event: FromWorker| match event {
            FromWorker::Ready => {}
            FromWorker::Progress { job: j, stage } if j == job => {
                self.status.set(TrainStatus::Running(stage))
            }
            FromWorker::Done { job: j, outcome, fit_ms } if j == job => {
                self.finish(tracking, RunStatus::Finished, |run| {
                    run.metrics =
                        outcome.metrics.as_pairs().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
                    run.metrics.insert("fit_ms".to_string(), fit_ms);
                });
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
        self.finish(tracking, RunStatus::Failed, |run| {
            run.tags.insert("ciclo.error".to_string(), error);
        });
    }

    /// Stops the training at once; its run is kept as KILLED.
    pub fn cancel(self, tracking: Tracking) {
        if !self.status.get_untracked().is_busy() {
            return;
        }
        self.finish(tracking, RunStatus::Killed, |_| {});
        self.status.set(TrainStatus::Cancelled);
    }

    /// Ends the current run with `status`, after `edit`, and lets the worker go.
    fn finish(self, tracking: Tracking, status: RunStatus, edit: impl FnOnce(&mut Run)) {
        // Dropping the handle terminates the worker; done outside the worker's own callback's borrow.
        let handle = self.handle.try_update_value(|h| h.take()).flatten();
        if let Some(handle) = handle {
            leptos::task::spawn_local(async move { drop(handle) });
        }
        let Some(mut run) = self.run.try_update_value(|r| r.take()).flatten() else { return };
        run.status = status;
        run.end_time = Some(js_sys::Date::now() as i64);
        edit(&mut run);
        if let Err(error) = tracking.apply(vec![Change::PutRun(run)]) {
            log::error!("could not record the end of the run: {error}");
        }
    }
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

/// 16 random bytes from the browser's `crypto.getRandomValues` (for run ids only; every random draw of
/// the models comes from a seed).
fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    if getrandom::getrandom(&mut bytes).is_err() {
        // Ids must still differ: fall back to the clock and a counter-like value.
        let now = js_sys::Date::now().to_bits().to_le_bytes();
        let noise = js_sys::Math::random().to_bits().to_le_bytes();
        bytes[..8].copy_from_slice(&now);
        bytes[8..].copy_from_slice(&noise);
    }
    bytes
}
