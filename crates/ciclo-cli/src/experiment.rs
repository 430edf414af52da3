//! The steps every modelling command shares, called one by one from the core so that the CLI can time
//! the model's fit alone (the core has no clock): read and check the file ([`load`]), read the labels and
//! split ([`Experiment::new`]), then fit the preprocessing and the model and score the test rows
//! ([`Experiment::fit`]). They are the steps of `ciclo_core::ml::train`, in the same order with the same
//! seeds, so the CLI and the page get the same metrics for the same data and parameters.

use std::io::{IsTerminal as _, Write as _};
use std::path::Path;
use std::time::Instant;

use anyhow::Context as _;
use ciclo_core::ingest::{self, IngestOptions, Ingested};
use ciclo_core::metrics::{evaluate, BinaryMetrics};
use ciclo_core::ml::{
    labels, FittedModel, ModelParams, Pipeline, TrainConfig, TrainOutcome, TrainingSet, TransformReport,
};
use ciclo_core::split::{stratified_split, Split};

use crate::cli::RunOptions;

/// Files above this size report their reading progress on standard error (when it is a terminal).
const PROGRESS_BYTES: u64 = 10_000_000;

/// Reads the CSV file at `path` and checks it for training with `--target` (default `Churn`).
pub fn load(path: &str, options: &RunOptions) -> anyhow::Result<Ingested> {
    let size = std::fs::metadata(path).with_context(|| format!("cannot read `{path}`"))?.len();
    ingest::check_size(usize::try_from(size).unwrap_or(usize::MAX), ingest::MAX_BYTES)?;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{path}`"))?;
    let name = Path::new(path).file_name().map_or(path.to_string(), |n| n.to_string_lossy().into_owned());
    let ingest_options =
        IngestOptions { target: options.target.clone(), fill: options.fill, ..IngestOptions::default() };
    let mut shown = 0;
    let mut progress = |done: f64| {
        let tenth = (done * 10.0).floor() as u32;
        if size > PROGRESS_BYTES && tenth > shown && std::io::stderr().is_terminal() {
            shown = tenth;
            let _ = write!(std::io::stderr(), "\rreading {name}: {}%", tenth * 10);
            if tenth == 10 {
                let _ = writeln!(std::io::stderr());
            }
        }
    };
    Ok(ingest::ingest_with_progress(&name, &bytes, &ingest_options, &mut progress)?)
}

/// A data set read, its labels, and its train/test split.
pub struct Experiment {
    /// The file read and checked.
    pub ingested: Ingested,
    /// One label per row.
    pub labels: Vec<bool>,
    /// The target value taken as positive.
    pub positive: String,
    /// The stratified split.
    pub split: Split,
}

/// A model fitted on the training rows and scored on the test rows.
pub struct Fitted {
    /// The fitted preprocessing.
    pub pipeline: Pipeline,
    /// The fitted model.
    pub model: FittedModel,
    /// Wall-clock seconds of the model's fit alone.
    pub fit_seconds: f64,
    /// The test rows' labels.
    pub y_test: Vec<bool>,
    /// The test rows' predicted probabilities.
    pub probabilities: Vec<f64>,
    /// The metrics at threshold 0.5.
    pub metrics: BinaryMetrics,
    /// What preprocessing filled or ignored.
    pub transform: TransformReport,
}

impl Experiment {
    /// Reads `--data`, its labels, and splits it as `options` say.
    pub fn new(command: &str, options: &RunOptions) -> anyhow::Result<Experiment> {
        let ingested = load(options.data(command)?, options)?;
        let (labels, positive) = labels(&ingested.dataset, &ingested.target)?;
        let split = stratified_split(&labels, options.test_size, options.seed)?;
        Ok(Experiment { ingested, labels, positive, split })
    }

    /// The labels of `rows`.
    pub fn pick(&self, rows: &[usize]) -> Vec<bool> {
        rows.iter().filter_map(|&r| self.labels.get(r).copied()).collect()
    }

    /// Fits the preprocessing and `params` on the training rows with `options.seed`, timing the model's
    /// fit alone, and scores the test rows at threshold 0.5.
    pub fn fit(&self, params: &ModelParams, options: &RunOptions) -> anyhow::Result<Fitted> {
        let data = &self.ingested.dataset;
        let target = &self.ingested.target;
        let pipeline = Pipeline::fit(data, &self.split.train, target, options.fill)?;
        let (x_train, mut transform) = pipeline.transform(data, &self.split.train)?;
        let training = TrainingSet::new(x_train, self.pick(&self.split.train))?;
        let started = Instant::now();
        let model = params.fit(&training, options.seed, &mut |_| {})?;
        let fit_seconds = started.elapsed().as_secs_f64();
        let (x_test, test_report) = pipeline.transform(data, &self.split.test)?;
        transform.merge(test_report);
        let probabilities = model.predict_proba(&x_test)?;
        let y_test = self.pick(&self.split.test);
        let metrics = evaluate(&y_test, &probabilities, 0.5)?;
        Ok(Fitted { pipeline, model, fit_seconds, y_test, probabilities, metrics, transform })
    }

    /// The run's parameters as MLflow logs them (the page's keys), with `positive`.
    pub fn tracking_params(&self, params: &ModelParams, options: &RunOptions) -> Vec<(String, String)> {
        let config = TrainConfig {
            target: self.ingested.target.clone(),
            test_fraction: options.test_size,
            seed: options.seed,
            fill: options.fill,
            params: params.clone(),
        };
        let mut pairs = config.tracking_params();
        pairs.push(("positive".to_string(), self.positive.clone()));
        pairs
    }

    /// The training's configuration and outcome as the core's `ml::train` gives them, for autologging
    /// (`ciclo_core::autolog`, which draws the split again from the configuration).
    pub fn outcome(
        &self,
        fitted: &Fitted,
        params: &ModelParams,
        options: &RunOptions,
    ) -> (TrainConfig, TrainOutcome) {
        let config = TrainConfig {
            target: self.ingested.target.clone(),
            test_fraction: options.test_size,
            seed: options.seed,
            fill: options.fill,
            params: params.clone(),
        };
        let outcome = TrainOutcome {
            metrics: fitted.metrics.clone(),
            n_train: self.split.train.len(),
            n_test: self.split.test.len(),
            n_features: fitted.pipeline.feature_names().len(),
            positive: self.positive.clone(),
            params: self.tracking_params(params, options),
            model: fitted.model.clone(),
            pipeline: fitted.pipeline.clone(),
            transform: fitted.transform.clone(),
        };
        (config, outcome)
    }

    /// Writes the split's row indices (0-based data rows, as pandas numbers them) to `path` as
    /// `{"train": [...], "test": [...]}`.
    pub fn write_split(&self, path: &str) -> anyhow::Result<()> {
        let json = serde_json::json!({ "train": self.split.train, "test": self.split.test });
        std::fs::write(path, format!("{json}\n")).with_context(|| format!("cannot write `{path}`"))
    }
}

impl Fitted {
    /// The `n` most important features, most important first, as `(name, importance)`.
    pub fn top_features(&self, n: usize) -> Vec<(String, f64)> {
        let mut pairs: Vec<(String, f64)> =
            self.pipeline.feature_names().iter().cloned().zip(self.model.feature_importances()).collect();
        pairs.sort_by(|a, b| b.1.total_cmp(&a.1));
        pairs.truncate(n);
        pairs
    }
}

/// Sets `key` of the JSON object `json` to `value` (nothing happens to a value that is not an object).
pub fn set(json: &mut serde_json::Value, key: &str, value: impl Into<serde_json::Value>) {
    if let Some(object) = json.as_object_mut() {
        object.insert(key.to_string(), value.into());
    }
}

/// `pairs` as a JSON object of strings.
pub fn object(pairs: &[(String, String)]) -> serde_json::Value {
    serde_json::Value::Object(
        pairs.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect(),
    )
}

/// The metrics as a JSON object with MLflow's keys.
pub fn metrics_json(metrics: &BinaryMetrics) -> serde_json::Value {
    serde_json::Value::Object(
        metrics.as_pairs().into_iter().map(|(k, v)| (k.to_string(), v.into())).collect(),
    )
}

/// The confusion matrix as JSON: `{"tp": .., "fp": .., "tn": .., "fn": ..}`.
pub fn confusion_json(metrics: &BinaryMetrics) -> serde_json::Value {
    let c = metrics.confusion;
    serde_json::json!({ "tp": c.tp, "fp": c.fp, "tn": c.tn, "fn": c.fn_ })
}

/// The metrics as aligned text lines, with the confusion matrix.
pub fn metrics_text(metrics: &BinaryMetrics) -> String {
    let mut text: String =
        metrics.as_pairs().into_iter().map(|(key, value)| format!("  {key:<12} {value:.4}\n")).collect();
    let c = metrics.confusion;
    text.push_str(&format!("  {:<12} tp {}  fp {}  tn {}  fn {}\n", "confusion", c.tp, c.fp, c.tn, c.fn_));
    text
}

/// What the file's check said, as text lines: the columns left out and the blanks filled.
pub fn ingest_notes(ingested: &Ingested) -> String {
    let mut text = String::new();
    for column in ingested.excluded() {
        let reason = match &column.role {
            ingest::ColumnRole::Id { reason } => reason.to_string(),
            _ => "blank in every row: left out of the features".to_string(),
        };
        text.push_str(&format!("  left out: `{}`: {reason}\n", column.name));
    }
    for blank in &ingested.blanks {
        text.push_str(&format!("  {blank}\n"));
    }
    text
}

/// The columns left out and the blank reports as JSON.
pub fn ingest_json(ingested: &Ingested) -> serde_json::Value {
    serde_json::json!({
        "name": ingested.dataset.name,
        "rows": ingested.dataset.n_rows(),
        "columns": ingested.dataset.columns().len(),
        "digest": ingested.digest,
        "delimiter": ingested.delimiter.to_string(),
        "target": ingested.target,
        "excluded": ingested.excluded().map(|c| serde_json::json!({
            "column": c.name,
            "reason": match &c.role {
                ingest::ColumnRole::Id { reason } => reason.to_string(),
                _ => "blank in every row".to_string(),
            },
        })).collect::<Vec<_>>(),
        "blanks": ingested.blanks.iter().map(|b| serde_json::json!({
            "column": b.column,
            "count": b.count,
            "rows": b.rows,
            "fill": b.fill.name(),
            "fill_value": b.fill_value,
            "zero_in": b.zero_in,
            "message": b.to_string(),
        })).collect::<Vec<_>>(),
    })
}
