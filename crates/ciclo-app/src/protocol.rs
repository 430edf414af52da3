//! The messages between the page and its training Web Worker, as JSON text.
//!
//! JSON rather than a binary codec: the messages are small (the fitted model and its metrics, and a
//! training's artifacts: 1 MB for a default forest), they are readable in DevTools, and a field added later
//! does not break an older page reading a newer worker.

use ciclo_core::dataset::{ColumnData, Dataset};
use ciclo_core::ingest;
use ciclo_core::ml::{ModelKind, ModelParams, Stage, TrainConfig, TrainError, TrainOutcome, TransformReport};
use ciclo_core::serving::{conform, ColType, LoggedModel, RequestError, Signature};
use ciclo_core::simulate::{SimConfig, Simulation, StepOutcome};
use ciclo_core::tune::{self, FoldData, Prepared, UnitResult};
use serde::{Deserialize, Serialize};

use crate::autolog::{self, ArtifactText};

/// Where the worker gets its data from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DataSource {
    /// The built-in synthetic Telco data, regenerated in the worker from its seed (the same digest as the
    /// page's copy, because the generator is deterministic on every target).
    Synthetic {
        /// Number of rows.
        rows: usize,
        /// Generator seed.
        seed: u64,
    },
}

impl DataSource {
    /// The data set this source stands for.
    pub fn load(&self) -> Dataset {
        match self {
            DataSource::Synthetic { rows, seed } => ciclo_core::telco::generate(*rows, *seed),
        }
    }
}

/// A message to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Train a model; `job` comes back in every answer.
    Train {
        /// The caller's number for this job.
        job: u32,
        /// The data.
        source: DataSource,
        /// What to train and how.
        config: TrainConfig,
        /// Whether to compute the run's artifacts too ([`autolog::worker_artifacts`]), in the worker, so
        /// that the page only stores them: a training does; a search's refit, which logs only metrics on
        /// its parent run, does not.
        #[serde(default)]
        autolog: bool,
    },
    /// Take part in a hyperparameter search: keep the data, the prepared folds and the base parameters
    /// for the [`ToWorker::Unit`]s that follow.
    Search {
        /// The search's number; every unit answer carries it.
        job: u32,
        /// The data.
        source: DataSource,
        /// The plan with its labels and folds.
        prepared: Box<Prepared>,
        /// The parameters the combinations' values are set on.
        base: ModelParams,
    },
    /// Run one (combination, fold) unit of the current search.
    Unit {
        /// The search's number.
        job: u32,
        /// The combination's index in the plan.
        combination: usize,
        /// The fold held out.
        fold: usize,
    },
    /// Score every row of a CSV file with a logged model ([`score_csv`]); answered by
    /// [`FromWorker::ScoreProgress`] after every [`SCORE_SLICE`] rows, then [`FromWorker::Scored`] or
    /// [`FromWorker::Failed`].
    Score {
        /// The caller's number for this job.
        job: u32,
        /// The logged model's JSON (`model/model.json`).
        model: String,
        /// The file's name (for messages).
        name: String,
        /// The file's text.
        csv: String,
    },
    /// Start a production simulation ([`ciclo_core::simulate::Simulation::new`]): answered by
    /// [`FromWorker::SimOpened`] or [`FromWorker::Failed`]. The worker keeps it for [`ToWorker::SimStep`].
    SimStart {
        /// The caller's number for this simulation.
        job: u32,
        /// Its configuration.
        config: Box<SimConfig>,
    },
    /// Run the simulation's next period: answered by [`FromWorker::SimStepped`] (with `None` once every
    /// period has run) or [`FromWorker::Failed`].
    SimStep {
        /// The simulation.
        job: u32,
    },
    /// Score logged models on the champion gate's hold-out ([`crate::holdout::score`]); answered by
    /// [`FromWorker::HoldoutScored`] or [`FromWorker::Failed`].
    Holdout {
        /// The caller's number for this job.
        job: u32,
        /// The logged models' JSON (`model/model.json`), candidate first.
        models: Vec<String>,
    },
}

impl ToWorker {
    /// The job (training or search) the message belongs to.
    pub fn job(&self) -> u32 {
        match self {
            ToWorker::Train { job, .. }
            | ToWorker::Search { job, .. }
            | ToWorker::Unit { job, .. }
            | ToWorker::Score { job, .. }
            | ToWorker::Holdout { job, .. }
            | ToWorker::SimStart { job, .. }
            | ToWorker::SimStep { job } => *job,
        }
    }
}

/// A message from the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker has loaded and listens.
    Ready,
    /// A job reached a stage.
    Progress {
        /// The job.
        job: u32,
        /// Its stage.
        stage: Stage,
    },
    /// A job finished.
    Done {
        /// The job.
        job: u32,
        /// What was trained and measured.
        outcome: Box<TrainOutcome>,
        /// Milliseconds spent fitting and evaluating (the data's generation and the artifacts excluded).
        fit_ms: f64,
        /// The run's artifacts when the training asked for them: their texts, or why they could not be
        /// written.
        #[serde(default)]
        artifacts: Option<Result<Vec<ArtifactText>, String>>,
    },
    /// A job failed; the text is the core's error message.
    Failed {
        /// The job.
        job: u32,
        /// What went wrong, in words.
        error: String,
    },
    /// A search unit finished.
    UnitDone {
        /// The search.
        job: u32,
        /// Its scores.
        result: UnitResult,
        /// Milliseconds it took in the worker (the fold's preprocessing included the first time).
        ms: f64,
    },
    /// A search unit failed; the search goes on without it.
    UnitFailed {
        /// The search.
        job: u32,
        /// The combination.
        combination: usize,
        /// The fold.
        fold: usize,
        /// What went wrong, in words.
        error: String,
    },
    /// Rows of a CSV scored so far.
    ScoreProgress {
        /// The job.
        job: u32,
        /// Rows scored.
        done: usize,
        /// Rows in the file.
        total: usize,
    },
    /// A CSV scored.
    Scored {
        /// The job.
        job: u32,
        /// The input file with `probability` and `prediction` added as its last columns.
        csv: String,
        /// Data rows scored.
        rows: usize,
        /// What preprocessing filled (blank numbers) or encoded as all zeros (blank or unseen categories).
        report: TransformReport,
        /// Columns of the input named like the two added ones, left out of the output.
        #[serde(default)]
        replaced: Vec<String>,
    },
    /// A simulation trained and deployed its first model.
    SimOpened {
        /// The simulation.
        job: u32,
        /// The initial run, its registration and promotion.
        opening: Box<StepOutcome>,
        /// Milliseconds it took.
        ms: f64,
    },
    /// A simulation ran a period; `None` when every period had already run.
    SimStepped {
        /// The simulation.
        job: u32,
        /// What the period produced.
        step: Option<Box<StepOutcome>>,
        /// Milliseconds it took.
        ms: f64,
    },
    /// Models scored on the hold-out.
    HoldoutScored {
        /// The job.
        job: u32,
        /// Each model's F1, in the order asked.
        f1: Vec<f64>,
        /// Rows scored.
        rows: usize,
    },
    /// A message could not be read.
    BadMessage {
        /// Why.
        error: String,
    },
}

/// ROC AUC and log loss (every digit of each `f64`, as computed natively) of each model family, with its
/// default parameters, on `telco::generate(1000, 5)` with split seed 3, pinned here and asserted with `==`
/// natively and in the browser: the engine gives the same bits on every target (issue 3).
pub const PINNED_METRICS: [(ModelKind, f64, f64); 4] = [
    (ModelKind::LogisticRegression, 0.8823529411764706, 0.367896387695088),
    (ModelKind::DecisionTree, 0.6970654033425451, 8.650476813388124),
    (ModelKind::RandomForest, 0.8282668772206869, 0.7436301060195466),
    (ModelKind::GradientBoosting, 0.8366890380313199, 0.5344862030215372),
];

/// The metrics [`PINNED_METRICS`] pins, computed here and now.
pub fn pinned_case(kind: ModelKind) -> Result<(f64, f64), ciclo_core::ml::TrainError> {
    let config = TrainConfig { seed: 3, ..TrainConfig::for_model(ciclo_core::telco::TARGET, kind) };
    let data = ciclo_core::telco::generate(1000, 5);
    let outcome = ciclo_core::ml::train(&data, &config, &mut |_| {})?;
    Ok((outcome.metrics.roc_auc, outcome.metrics.log_loss))
}

/// A worker's memory between messages: the search it takes part in, if any.
#[derive(Default)]
pub struct WorkerState {
    search: Option<SearchSession>,
    simulation: Option<(u32, Simulation)>,
}

/// What a worker keeps for the units of one search: the data once, and each fold's matrices the first
/// time a unit needs them (a worker usually runs several units of the same fold).
struct SearchSession {
    job: u32,
    data: Dataset,
    prepared: Prepared,
    base: ModelParams,
    folds: Vec<Option<FoldData>>,
}

impl SearchSession {
    fn run(&mut self, combination: usize, fold: usize) -> Result<UnitResult, TrainError> {
        let slot = self.folds.get_mut(fold).ok_or(TrainError::Internal {
            message: format!("fold {fold} of a {}-fold search", self.prepared.folds.len()),
        })?;
        if slot.is_none() {
            *slot = Some(tune::fold_data(&self.data, &self.prepared, fold)?);
        }
        match slot {
            Some(fold_data) => tune::run_unit_on(fold_data, &self.prepared, &self.base, combination),
            None => Err(TrainError::Internal { message: "fold data missing".to_string() }),
        }
    }
}

impl WorkerState {
    /// Runs one message in the worker, sending answers through `send`. Pure apart from `now_ms`, so it
    /// is tested natively.
    pub fn handle(&mut self, message: &str, now_ms: &dyn Fn() -> f64, send: &mut dyn FnMut(FromWorker)) {
        let request = match serde_json::from_str::<ToWorker>(message) {
            Ok(request) => request,
            Err(error) => return send(FromWorker::BadMessage { error: error.to_string() }),
        };
        match request {
            ToWorker::Train { job, source, config, autolog } => {
                let data = source.load();
                let start = now_ms();
                let mut progress = |stage| send(FromWorker::Progress { job, stage });
                let result = ciclo_core::ml::train(&data, &config, &mut progress);
                let fit_ms = now_ms() - start;
                send(match result {
                    Ok(outcome) => {
                        let artifacts = autolog.then(|| autolog::worker_artifacts(&data, &config, &outcome));
                        FromWorker::Done { job, outcome: Box::new(outcome), fit_ms, artifacts }
                    }
                    Err(error) => FromWorker::Failed { job, error: error.to_string() },
                });
            }
            ToWorker::Search { job, source, prepared, base } => {
                let folds = prepared.folds.iter().map(|_| None).collect();
                self.search =
                    Some(SearchSession { job, data: source.load(), prepared: *prepared, base, folds });
            }
            ToWorker::Unit { job, combination, fold } => {
                let start = now_ms();
                let result = match self.search.as_mut() {
                    Some(session) if session.job == job => session.run(combination, fold),
                    _ => Err(TrainError::Internal { message: format!("unit of unknown search {job}") }),
                };
                send(match result {
                    Ok(result) => FromWorker::UnitDone { job, result, ms: now_ms() - start },
                    Err(error) => FromWorker::UnitFailed { job, combination, fold, error: error.to_string() },
                });
            }
            ToWorker::Score { job, model, name, csv } => {
                let mut progress = |done, total| send(FromWorker::ScoreProgress { job, done, total });
                let answer = match score_csv(&model, &name, &csv, &mut progress) {
                    Ok(ScoredCsv { csv, rows, report, replaced }) => {
                        FromWorker::Scored { job, csv, rows, report, replaced }
                    }
                    Err(error) => FromWorker::Failed { job, error: error.to_string() },
                };
                send(answer);
            }
            ToWorker::SimStart { job, config } => {
                let start = now_ms();
                send(match Simulation::new(*config) {
                    Ok(simulation) => {
                        let opening = Box::new(simulation.opening().clone());
                        self.simulation = Some((job, simulation));
                        FromWorker::SimOpened { job, opening, ms: now_ms() - start }
                    }
                    Err(error) => FromWorker::Failed { job, error: error.to_string() },
                });
            }
            ToWorker::SimStep { job } => {
                let start = now_ms();
                send(match self.simulation.as_mut() {
                    Some((j, simulation)) if *j == job => match simulation.step() {
                        Ok(step) => {
                            FromWorker::SimStepped { job, step: step.map(Box::new), ms: now_ms() - start }
                        }
                        Err(error) => FromWorker::Failed { job, error: error.to_string() },
                    },
                    _ => FromWorker::Failed { job, error: format!("no simulation {job} in this worker") },
                });
            }
            ToWorker::Holdout { job, models } => send(match crate::holdout::score(&models) {
                Ok((f1, rows)) => FromWorker::HoldoutScored { job, f1, rows },
                Err(error) => FromWorker::Failed { job, error },
            }),
        }
    }
}

/// Rows scored between two [`FromWorker::ScoreProgress`] messages.
pub const SCORE_SLICE: usize = 2_000;

/// The two columns a scored CSV gains.
pub const SCORE_COLUMNS: [&str; 2] = ["probability", "prediction"];

/// A CSV file scored by [`score_csv`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredCsv {
    /// The input with [`SCORE_COLUMNS`] added.
    pub csv: String,
    /// Data rows scored.
    pub rows: usize,
    /// What preprocessing papered over, over all rows.
    pub report: TransformReport,
    /// Input columns named like [`SCORE_COLUMNS`] (a file scored before), left out of the output so that
    /// it has one of each.
    pub replaced: Vec<String>,
}

/// Why a CSV file cannot be scored: each a sentence naming the column or line at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoreError {
    /// The model file does not read.
    #[error("{0}")]
    Model(String),
    /// The CSV file does not read (the core's message names the line).
    #[error("{0}")]
    Csv(String),
    /// Columns the model needs are absent.
    #[error("the file has no column {}, which the model needs: add {} (columns are matched by name)", quoted(.missing), if .missing.len() == 1 { "it" } else { "them" })]
    MissingColumns {
        /// The absent columns.
        missing: Vec<String>,
    },
    /// Text in a column the model reads as numbers.
    #[error("column `{column}` must hold numbers, but line {line} holds `{found}`: correct it, or leave the cell blank to fill it as in training")]
    NotNumber {
        /// The column.
        column: String,
        /// The file line (from 1, the header being line 1).
        line: u64,
        /// The value found.
        found: String,
    },
    /// Another mismatch between the file and the model's signature.
    #[error("{0}")]
    Signature(String),
    /// Preprocessing or the model failed.
    #[error("scoring failed: {0}")]
    Scoring(String),
    /// The output could not be written.
    #[error("the scored file could not be written: {0}")]
    Write(String),
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// Scores every data row of the CSV file `csv` (named `name`) with the logged model `model` (its JSON),
/// calling `progress(done, total)` before the first slice and after each of [`SCORE_SLICE`] rows.
///
/// The file is read as the data page reads one (`ingest::read_csv`: delimiter detected, BOM, blanks),
/// conformed to the model's signature (a column of codes read as numbers becomes text; text in a number
/// column is an error naming the column and the line), and written back cell for cell, with the same
/// delimiter, plus `probability` (of the positive class, every digit) and `prediction` (the positive value
/// when the probability reaches the model's threshold, else the other class: the other value of the
/// file's target column when it has one, else `not <positive>`).
pub fn score_csv(
    model: &str,
    name: &str,
    csv: &str,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ScoredCsv, ScoreError> {
    let model = LoggedModel::from_json(model).map_err(|e| ScoreError::Model(e.to_string()))?;
    let signature = model.signature();
    let bytes = csv.as_bytes();
    let data = ingest::read_csv(name, bytes).map_err(|e| ScoreError::Csv(e.to_string()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    let delimiter = ingest::delimiter::detect(bytes).map_err(|e| ScoreError::Csv(e.to_string()))?;
    check_numbers(&data, &signature, bytes, delimiter)?;
    let conformed = conform(&data, &signature).map_err(|error| match error {
        RequestError::MissingColumns { missing, .. } => ScoreError::MissingColumns { missing },
        other => ScoreError::Signature(other.to_string()),
    })?;
    let total = conformed.n_rows();
    let negative = negative_class(&data, &signature);
    let mut probabilities = Vec::with_capacity(total);
    let mut report = TransformReport::default();
    progress(0, total);
    let all: Vec<usize> = (0..total).collect();
    // The trees laid out for prediction once, not once per slice (a default forest's take about as long
    // to lay out as 2,000 rows take to score).
    let scorer = model.scorer().map_err(|e| ScoreError::Scoring(e.to_string()))?;
    for slice in all.chunks(SCORE_SLICE) {
        let (p, part) =
            scorer.predict_proba(&conformed, slice).map_err(|e| ScoreError::Scoring(e.to_string()))?;
        probabilities.extend(p);
        report.merge(part);
        progress(probabilities.len(), total);
    }
    let (csv, replaced) = write_scored(bytes, delimiter, &probabilities, |p| model.label(p, &negative))?;
    Ok(ScoredCsv { csv, rows: total, report, replaced })
}

/// The other class's name: the target column's value that is not the positive one when the file has that
/// column, else `not <positive>`.
fn negative_class(data: &Dataset, signature: &Signature) -> String {
    let fallback = || format!("not {}", signature.positive);
    let Some(column) = data.column(&signature.target) else { return fallback() };
    let other = match &column.data {
        ColumnData::Categorical { levels, codes } => codes
            .iter()
            .flatten()
            .filter_map(|&c| levels.get(c as usize))
            .find(|level| **level != signature.positive)
            .cloned(),
        ColumnData::Numeric(values) => values
            .iter()
            .flatten()
            .map(
                |v| if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", *v as i64) } else { v.to_string() },
            )
            .find(|text| *text != signature.positive),
    };
    other.unwrap_or_else(fallback)
}

/// Fails on the first cell that is not a number in a column the model reads as numbers, naming its line.
fn check_numbers(
    data: &Dataset,
    signature: &Signature,
    bytes: &[u8],
    delimiter: u8,
) -> Result<(), ScoreError> {
    for spec in signature.inputs.iter().filter(|s| s.kind == ColType::Double) {
        let Some(ColumnData::Categorical { levels, codes }) = data.column(&spec.name).map(|c| &c.data) else {
            continue;
        };
        let bad = codes.iter().enumerate().find_map(|(row, code)| {
            let level = levels.get((*code)? as usize)?;
            ingest::parse_number(level).is_none().then(|| (row, level.clone()))
        });
        if let Some((row, found)) = bad {
            let line = data_lines(bytes, delimiter).nth(row).unwrap_or(row as u64 + 2);
            return Err(ScoreError::NotNumber { column: spec.name.clone(), line, found });
        }
    }
    Ok(())
}

/// The file line each data row starts on, as `read_csv` counts rows (empty lines skipped).
fn data_lines(bytes: &[u8], delimiter: u8) -> impl Iterator<Item = u64> + '_ {
    let reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
    reader.into_byte_records().skip(1).map_while(Result::ok).filter_map(|r| r.position().map(|p| p.line()))
}

/// The input file again, cell for cell, with the two score columns added to each row.
fn write_scored(
    bytes: &[u8],
    delimiter: u8,
    probabilities: &[f64],
    label: impl Fn(f64) -> ciclo_core::serving::Prediction,
) -> Result<(String, Vec<String>), ScoreError> {
    let write = |e: csv::Error| ScoreError::Write(e.to_string());
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::with_capacity(bytes.len() + probabilities.len() * 24));
    let mut records = reader.byte_records();
    let header =
        records.next().ok_or_else(|| ScoreError::Csv("the file has no header".into()))?.map_err(write)?;
    let keep: Vec<bool> =
        header.iter().map(|name| !SCORE_COLUMNS.contains(&String::from_utf8_lossy(name).trim())).collect();
    let replaced: Vec<String> = header
        .iter()
        .zip(&keep)
        .filter(|(_, k)| !**k)
        .map(|(name, _)| String::from_utf8_lossy(name).trim().to_string())
        .collect();
    let kept = |record: &csv::ByteRecord| -> csv::ByteRecord {
        record.iter().zip(&keep).filter(|(_, k)| **k).map(|(cell, _)| cell).collect()
    };
    let mut out = kept(&header);
    for column in SCORE_COLUMNS {
        out.push_field(column.as_bytes());
    }
    writer.write_byte_record(&out).map_err(write)?;
    let mut scored = 0;
    for (record, &probability) in records.zip(probabilities) {
        let mut out = kept(&record.map_err(write)?);
        out.push_field(probability.to_string().as_bytes());
        out.push_field(label(probability).prediction.as_bytes());
        writer.write_byte_record(&out).map_err(write)?;
        scored += 1;
    }
    if scored != probabilities.len() {
        return Err(ScoreError::Write(format!("{scored} rows read back for {} scored", probabilities.len())));
    }
    let bytes = writer.into_inner().map_err(|e| ScoreError::Write(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| ScoreError::Write(e.to_string()))?;
    Ok((text, replaced))
}

/// Runs one message in a fresh worker state (a training needs no memory between messages).
pub fn handle(message: &str, now_ms: &dyn Fn() -> f64, send: &mut dyn FnMut(FromWorker)) {
    WorkerState::default().handle(message, now_ms, send);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(message: &str) -> Vec<FromWorker> {
        let mut sent = Vec::new();
        handle(message, &|| 0.0, &mut |m| sent.push(m));
        sent
    }

    fn train(job: u32, kind: ModelKind, autolog: bool) -> ToWorker {
        let mut config = TrainConfig { seed: 1, ..TrainConfig::for_model(ciclo_core::telco::TARGET, kind) };
        // Not every family has it.
        let _ = config.params.set("n_estimators", "10");
        ToWorker::Train { job, source: DataSource::Synthetic { rows: 600, seed: 1 }, config, autolog }
    }

    #[test]
    fn a_training_reports_its_stages_then_its_outcome() {
        let answers = run(&serde_json::to_string(&train(7, ModelKind::LogisticRegression, false)).unwrap());
        assert!(matches!(answers.first(), Some(FromWorker::Progress { job: 7, .. })));
        match answers.last() {
            Some(FromWorker::Done { job: 7, outcome, artifacts: None, .. }) => {
                assert!(outcome.metrics.roc_auc > 0.6)
            }
            other => panic!("expected Done without artifacts, got {other:?}"),
        }
    }

    #[test]
    fn an_autologged_training_brings_its_artifacts_from_the_worker() {
        for kind in ModelKind::ALL {
            let request = train(3, kind, true);
            let answers = run(&serde_json::to_string(&request).unwrap());
            let Some(FromWorker::Done { outcome, artifacts: Some(Ok(artifacts)), .. }) = answers.last()
            else {
                panic!("{kind:?}: expected Done with artifacts, got {:?}", answers.last());
            };
            // The answer crosses to the page as JSON and reads back whole.
            let answer = answers.last().unwrap();
            let text = serde_json::to_string(answer).unwrap();
            assert_eq!(&serde_json::from_str::<FromWorker>(&text).unwrap(), answer, "{kind:?}");
            // The same artifacts as computed on the page side from the same data, config and outcome.
            let ToWorker::Train { source, config, .. } = &request else { unreachable!() };
            let expected = autolog::worker_artifacts(&source.load(), config, outcome).unwrap();
            assert_eq!(artifacts, &expected, "{kind:?}");
            let paths: Vec<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
            assert_eq!(paths, autolog::ARTIFACT_PATHS.to_vec());
            let model = artifacts.iter().find(|a| a.path == autolog::MODEL).unwrap();
            let model: autolog::ModelArtifact = serde_json::from_str(&model.content).unwrap();
            assert_eq!((model.version, &model.model), (autolog::MODEL_VERSION, &outcome.model));
        }
    }

    #[test]
    fn an_older_train_message_still_reads() {
        // A page from before autolog moved to the worker sends no `autolog`; its worker answers without
        // artifacts.
        let text = serde_json::to_string(&train(1, ModelKind::DecisionTree, false)).unwrap();
        let old = text.replace(",\"autolog\":false", "");
        assert_ne!(old, text);
        assert_eq!(serde_json::from_str::<ToWorker>(&old).unwrap(), train(1, ModelKind::DecisionTree, false));
    }

    #[test]
    fn metrics_are_the_same_on_every_target() {
        for (kind, auc, log_loss) in PINNED_METRICS {
            assert_eq!(pinned_case(kind).unwrap(), (auc, log_loss), "{kind:?}");
        }
    }

    #[test]
    fn a_search_worker_runs_units_like_the_core_does() {
        use ciclo_core::tune::{plan, prepare, run_unit, Grid};
        let source = DataSource::Synthetic { rows: 400, seed: 2 };
        let data = source.load();
        let grid = Grid { axes: vec![("max_depth".into(), vec!["2".into(), "4".into()])] };
        let plan = plan(&grid, 3, 9);
        let rows: Vec<usize> = (0..data.n_rows()).collect();
        let prepared = prepare(&data, ciclo_core::telco::TARGET, Default::default(), &rows, &plan).unwrap();
        let base = ModelParams::default_for(ModelKind::DecisionTree);
        let mut state = WorkerState::default();
        let mut sent = Vec::new();
        let search =
            ToWorker::Search { job: 4, source, prepared: Box::new(prepared.clone()), base: base.clone() };
        state.handle(&serde_json::to_string(&search).unwrap(), &|| 0.0, &mut |m| sent.push(m));
        assert!(sent.is_empty(), "a search is set up silently: {sent:?}");
        for unit in &plan.units {
            let message = ToWorker::Unit { job: 4, combination: unit.combination, fold: unit.fold };
            state.handle(&serde_json::to_string(&message).unwrap(), &|| 0.0, &mut |m| sent.push(m));
        }
        assert_eq!(sent.len(), plan.units.len());
        for (unit, answer) in plan.units.iter().zip(&sent) {
            let expected = run_unit(&data, &prepared, &base, unit.combination, unit.fold).unwrap();
            match answer {
                FromWorker::UnitDone { job: 4, result, .. } => assert_eq!(result, &expected),
                other => panic!("expected UnitDone, got {other:?}"),
            }
        }
        // A unit of another search, or of a fold that does not exist, fails in words.
        let mut last = Vec::new();
        let stray = ToWorker::Unit { job: 5, combination: 0, fold: 0 };
        state.handle(&serde_json::to_string(&stray).unwrap(), &|| 0.0, &mut |m| last.push(m));
        let missing = ToWorker::Unit { job: 4, combination: 0, fold: 9 };
        state.handle(&serde_json::to_string(&missing).unwrap(), &|| 0.0, &mut |m| last.push(m));
        assert!(matches!(
            last.as_slice(),
            [FromWorker::UnitFailed { job: 5, .. }, FromWorker::UnitFailed { fold: 9, .. }]
        ));
    }

    /// A logged model of `kind` trained on 600 synthetic rows, as JSON and read back.
    fn logged(kind: ModelKind) -> (String, LoggedModel) {
        let mut config = TrainConfig { seed: 1, ..TrainConfig::for_model(ciclo_core::telco::TARGET, kind) };
        let _ = config.params.set("n_estimators", "10");
        let outcome =
            ciclo_core::ml::train(&ciclo_core::telco::generate(600, 1), &config, &mut |_| {}).unwrap();
        let model = LoggedModel {
            format: ciclo_core::serving::MODEL_FORMAT.to_string(),
            version: ciclo_core::serving::MODEL_VERSION,
            positive: outcome.positive.clone(),
            threshold: outcome.metrics.threshold,
            pipeline: outcome.pipeline.clone(),
            model: outcome.model.clone(),
        };
        let json = serde_json::to_string(&model).unwrap();
        assert_eq!(LoggedModel::from_json(&json).unwrap(), model);
        (json, model)
    }

    fn score(model: &str, csv: &str) -> Vec<FromWorker> {
        let request =
            ToWorker::Score { job: 9, model: model.into(), name: "new.csv".into(), csv: csv.into() };
        run(&serde_json::to_string(&request).unwrap())
    }

    /// The data set without the columns named.
    fn without(data: &Dataset, names: &[&str]) -> Dataset {
        let columns = data.columns().iter().filter(|c| !names.contains(&c.name.as_str())).cloned().collect();
        Dataset::new("cut", columns).unwrap()
    }

    fn failure(answers: &[FromWorker]) -> String {
        match answers {
            [FromWorker::Failed { job: 9, error }] => error.clone(),
            other => panic!("expected one Failed, got {other:?}"),
        }
    }

    /// Issue 5: a CSV scored in the worker carries `predict_proba`'s probabilities, every digit, and the
    /// threshold's prediction, with progress after every slice.
    #[test]
    fn a_scored_csv_carries_the_models_probabilities() {
        for kind in [ModelKind::LogisticRegression, ModelKind::RandomForest] {
            let (json, model) = logged(kind);
            let data = ciclo_core::telco::generate(4_500, 9);
            let input = data.to_csv();
            let answers = score(&json, &input);
            let progress: Vec<(usize, usize)> = answers
                .iter()
                .filter_map(|a| match a {
                    FromWorker::ScoreProgress { job: 9, done, total } => Some((*done, *total)),
                    _ => None,
                })
                .collect();
            assert_eq!(progress, [(0, 4_500), (2_000, 4_500), (4_000, 4_500), (4_500, 4_500)], "{kind:?}");
            let Some(FromWorker::Scored { csv, rows: 4_500, report, replaced, .. }) = answers.last() else {
                panic!("{kind:?}: expected Scored, got {:?}", answers.last());
            };
            assert!(replaced.is_empty());
            assert_eq!(report.rows, 4_500);

            let rows: Vec<usize> = (0..4_500).collect();
            let conformed = conform(&data, &model.signature()).unwrap();
            let (expected, _) = model.predict_proba(&conformed, &rows).unwrap();
            // The serving path (a forest walked tree by tree) gives the fitted model's own bits.
            let (x, _) = model.pipeline.transform(&conformed, &rows).unwrap();
            assert_eq!(expected, model.model.predict_proba(&x).unwrap(), "{kind:?}");
            let mut reader = csv::Reader::from_reader(csv.as_bytes());
            let mut original = csv::Reader::from_reader(input.as_bytes());
            let header = reader.headers().unwrap().clone();
            let mut wanted = original.headers().unwrap().clone();
            wanted.push_field("probability");
            wanted.push_field("prediction");
            assert_eq!(header, wanted);
            let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
            assert_eq!(records.len(), 4_500);
            for ((record, source), p) in records.iter().zip(original.records()).zip(&expected) {
                let source = source.unwrap();
                let n = source.len();
                assert_eq!(record.iter().take(n).collect::<Vec<_>>(), source.iter().collect::<Vec<_>>());
                assert_eq!(record[n].parse::<f64>().unwrap(), *p, "{kind:?}");
                let label = if *p >= model.threshold { "Yes" } else { "No" };
                assert_eq!(&record[n + 1], label);
            }
        }
    }

    #[test]
    fn without_a_target_column_the_other_class_is_not_positive() {
        let (json, _) = logged(ModelKind::LogisticRegression);
        let data = without(&ciclo_core::telco::generate(300, 4), &["Churn"]);
        let Some(FromWorker::Scored { csv, .. }) = score(&json, &data.to_csv()).pop() else { panic!() };
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let labels: std::collections::BTreeSet<String> =
            reader.records().map(|r| r.unwrap().iter().next_back().unwrap().to_string()).collect();
        assert_eq!(labels, ["Yes".to_string(), "not Yes".to_string()].into());
    }

    #[test]
    fn quoting_delimiter_and_earlier_scores_survive() {
        let (json, _) = logged(ModelKind::DecisionTree);
        // Semicolons, a value with a comma and a quote, and the columns of an earlier scoring.
        let data = ciclo_core::telco::generate(50, 4);
        let mut lines: Vec<String> = data.to_csv().lines().map(|l| l.replace(',', ";")).collect();
        for (i, line) in lines.iter_mut().enumerate() {
            line.push_str(if i == 0 { ";note;probability" } else { ";\"a, \"\"b\"\"\";0.5" });
        }
        let Some(FromWorker::Scored { csv, rows: 50, replaced, .. }) = score(&json, &lines.join("\n")).pop()
        else {
            panic!()
        };
        assert_eq!(replaced, ["probability"]);
        let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(csv.as_bytes());
        let header = reader.headers().unwrap().clone();
        assert_eq!(header.iter().rev().take(3).collect::<Vec<_>>(), ["prediction", "probability", "note"]);
        let first = reader.records().next().unwrap().unwrap();
        assert_eq!(&first[header.len() - 3], "a, \"b\"");
    }

    #[test]
    fn a_csv_missing_a_column_fails_naming_it() {
        let (json, _) = logged(ModelKind::LogisticRegression);
        let data = without(&ciclo_core::telco::generate(100, 2), &["tenure", "Contract"]);
        let error = failure(&score(&json, &data.to_csv()));
        assert!(error.contains("`tenure`") && error.contains("`Contract`"), "{error}");
    }

    #[test]
    fn text_in_a_number_column_fails_naming_the_column_and_line() {
        let (json, _) = logged(ModelKind::LogisticRegression);
        let input = ciclo_core::telco::generate(100, 2).to_csv();
        let mut lines: Vec<String> = input.lines().map(str::to_string).collect();
        let header: Vec<&str> = lines[0].split(',').collect();
        let at = header.iter().position(|h| *h == "MonthlyCharges").unwrap();
        let mut cells: Vec<String> = lines[6].split(',').map(str::to_string).collect();
        cells[at] = "lots".into();
        lines[6] = cells.join(",");
        let error = failure(&score(&json, &lines.join("\n")));
        assert_eq!(
            error,
            "column `MonthlyCharges` must hold numbers, but line 7 holds `lots`: correct it, or leave the cell \
             blank to fill it as in training"
        );
    }

    #[test]
    fn a_bad_model_or_file_fails_in_words() {
        let (json, _) = logged(ModelKind::LogisticRegression);
        assert!(failure(&score("{}", "a\n1\n")).contains("format"));
        assert!(failure(&score(&json, "")).contains("empty"), "{}", failure(&score(&json, "")));
        assert!(
            failure(&score(&json, "a,b\n1\n")).contains("line 2"),
            "{}",
            failure(&score(&json, "a,b\n1\n"))
        );
    }

    #[test]
    fn garbage_is_answered_not_fatal() {
        assert!(matches!(run("{not json").as_slice(), [FromWorker::BadMessage { .. }]));
    }
}
