//! Batch scoring of a CSV file on the page: the file and the logged model go to a Web Worker
//! ([`ToWorker::Score`], the work itself is `protocol::score_csv`), which answers with progress after every
//! slice of rows and then the scored file. One scoring at a time; cancel terminates the worker at once, and
//! the worker is terminated too when the scoring ends, so that nothing keeps a 100,000-row file in memory.
//!
//! The Serving page renders [`CsvScoring::status`]; it holds no logic of its own.

use ciclo_core::ml::TransformReport;
use leptos::prelude::*;

use crate::protocol::{FromWorker, ToWorker};
use crate::trainer::TrainerHandle;

/// Where the current CSV scoring is.
#[derive(Debug, Clone, PartialEq)]
pub enum ScoreStatus {
    /// Nothing started yet.
    Idle,
    /// Under way: `done` of `total` data rows scored (`total` is 0 until the file has been read and
    /// checked against the model's signature).
    Running {
        /// Rows scored.
        done: usize,
        /// Rows in the file (0 while it is being read).
        total: usize,
    },
    /// Finished.
    Done {
        /// The input file with `probability` and `prediction` added as its last two columns, ready to
        /// download. Large: read it with `status.with(..)` rather than cloning it with `get`.
        csv: String,
        /// Data rows scored.
        rows: usize,
        /// What preprocessing had to paper over (blank numbers filled, blank or unseen categories), and any
        /// column of the input replaced by the new ones, one sentence each ([`notes`]); empty when the file
        /// was clean.
        notes: Vec<String>,
    },
    /// Failed: the model or the file cannot be scored, in a sentence naming the column or line.
    Failed(String),
    /// Cancelled by the user.
    Cancelled,
}

impl ScoreStatus {
    /// Whether a scoring is under way.
    pub fn is_busy(&self) -> bool {
        matches!(self, ScoreStatus::Running { .. })
    }

    /// The share of rows scored, from 0 to 1, while running (`None` otherwise, or while the file is read).
    pub fn fraction(&self) -> Option<f64> {
        match self {
            ScoreStatus::Running { done, total } if *total > 0 => Some(*done as f64 / *total as f64),
            _ => None,
        }
    }
}

/// The page's CSV scoring (cheap to copy): start it, follow [`CsvScoring::status`], cancel it.
#[derive(Clone, Copy)]
pub struct CsvScoring {
    /// Where it is.
    pub status: RwSignal<ScoreStatus>,
    handle: StoredValue<Option<TrainerHandle>, LocalStorage>,
    /// The current job's number, and whether its worker has said it is ready.
    job: StoredValue<(u32, bool)>,
}

impl Default for CsvScoring {
    fn default() -> Self {
        CsvScoring::new()
    }
}

impl CsvScoring {
    /// Nothing scored yet ([`ScoreStatus::Idle`]).
    pub fn new() -> CsvScoring {
        CsvScoring {
            status: RwSignal::new(ScoreStatus::Idle),
            handle: StoredValue::new_local(None),
            job: StoredValue::new((0, false)),
        }
    }

    /// Scores every row of `csv` (the text of the file named `file_name`) with the logged model
    /// `model_json` (a run's `model/model.json`) in a new worker. A scoring still under way is replaced:
    /// its worker is terminated first.
    pub fn start(self, model_json: String, file_name: String, csv: String) {
        self.stop_worker();
        let job = self.job.get_value().0.wrapping_add(1);
        self.job.set_value((job, false));
        self.status.set(ScoreStatus::Running { done: 0, total: 0 });
        let request = ToWorker::Score { job, model: model_json, name: file_name, csv };
        let on_event = move |event: FromWorker| {
            if self.job.get_value().0 != job {
                return;
            }
            match event {
                FromWorker::Ready => self.job.set_value((job, true)),
                FromWorker::ScoreProgress { job: j, done, total } if j == job => {
                    self.status.set(ScoreStatus::Running { done, total })
                }
                FromWorker::Scored { job: j, csv, rows, report, replaced } if j == job => {
                    self.stop_worker();
                    self.status.set(ScoreStatus::Done { csv, rows, notes: notes(&report, &replaced) });
                }
                FromWorker::Failed { job: j, error } if j == job => self.fail(error),
                FromWorker::BadMessage { error } => self.fail(error),
                _ => {}
            }
        };
        match TrainerHandle::start(request, on_event) {
            Ok(handle) => {
                self.handle.set_value(Some(handle));
                self.fail_if_not_started(job);
            }
            Err(error) => self.fail(error),
        }
    }

    /// Stops the scoring at once ([`ScoreStatus::Cancelled`]); nothing happens when none is under way.
    pub fn cancel(self) {
        if !self.status.get_untracked().is_busy() {
            return;
        }
        self.stop_worker();
        // Answers already on their way belong to no job now.
        self.job.update_value(|(job, _)| *job = job.wrapping_add(1));
        self.status.set(ScoreStatus::Cancelled);
    }

    fn fail(self, error: String) {
        self.stop_worker();
        self.status.set(ScoreStatus::Failed(error));
    }

    /// Terminates the worker, if any. The handle is dropped outside the worker's own callback, which may
    /// be the caller.
    fn stop_worker(self) {
        if let Some(handle) = self.handle.try_update_value(|h| h.take()).flatten() {
            leptos::task::spawn_local(async move { drop(handle) });
        }
    }

    /// A worker that has not said it is ready after [`START_TIMEOUT_MS`] (its script failed to load)
    /// fails the scoring with a message instead of leaving the page waiting.
    fn fail_if_not_started(self, job: u32) {
        leptos::task::spawn_local(async move {
            sleep_ms(START_TIMEOUT_MS).await;
            if self.job.try_get_value() == Some((job, false)) && self.status.get_untracked().is_busy() {
                self.fail(WORKER_DID_NOT_START.to_string());
            }
        });
    }
}

/// How long a worker may take to load before the scoring fails.
const START_TIMEOUT_MS: i32 = 20_000;
/// The error when the worker never answered.
const WORKER_DID_NOT_START: &str = "the scoring worker did not start within 20 s: reload the page";

/// One sentence per thing preprocessing papered over while scoring, and per input column replaced by the
/// two added ones (lower case, as the core's messages; empty for a clean file).
pub fn notes(report: &TransformReport, replaced: &[String]) -> Vec<String> {
    let values = |n: usize| if n == 1 { "1 blank value".to_string() } else { format!("{n} blank values") };
    let mut notes = Vec::new();
    for (column, n) in &report.filled {
        notes.push(format!("column `{column}`: {} filled as in training", values(*n)));
    }
    for (column, n) in &report.blank {
        notes.push(format!("column `{column}`: {} encoded as no category", values(*n)));
    }
    for unseen in &report.unseen {
        let examples = unseen.examples.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ");
        notes.push(format!(
            "column `{}`: {} {} not seen in training ({examples}) encoded as no category",
            unseen.column,
            unseen.count,
            if unseen.count == 1 { "value" } else { "values" },
        ));
    }
    for column in replaced {
        notes.push(format!("the file's own `{column}` column was replaced by the new scores"));
    }
    notes
}

/// Waits `ms` milliseconds on the browser's timer (in the page or a worker).
async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use ciclo_core::ml::Unseen;

    #[test]
    fn notes_say_what_was_papered_over() {
        assert!(notes(&TransformReport::default(), &[]).is_empty());
        let report = TransformReport {
            rows: 10,
            filled: vec![("TotalCharges".into(), 11)],
            blank: vec![("Contract".into(), 1)],
            unseen: vec![Unseen {
                column: "PaymentMethod".into(),
                count: 2,
                examples: vec!["Crypto".into()],
            }],
        };
        assert_eq!(
            notes(&report, &["probability".into()]),
            [
                "column `TotalCharges`: 11 blank values filled as in training",
                "column `Contract`: 1 blank value encoded as no category",
                "column `PaymentMethod`: 2 values not seen in training (`Crypto`) encoded as no category",
                "the file's own `probability` column was replaced by the new scores",
            ]
        );
    }

    #[test]
    fn progress_is_a_fraction_while_running() {
        assert_eq!(ScoreStatus::Running { done: 0, total: 0 }.fraction(), None);
        assert_eq!(ScoreStatus::Running { done: 500, total: 2_000 }.fraction(), Some(0.25));
        assert!(ScoreStatus::Running { done: 0, total: 0 }.is_busy());
        assert!(!ScoreStatus::Cancelled.is_busy());
    }
}
