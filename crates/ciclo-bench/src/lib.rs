//! `ciclo-bench`: how long the engine takes to fit a model in the browser.
//!
//! `cargo xtask bench` builds this crate to WebAssembly with the release profile (the one the page's worker
//! ships with), loads it in headless Chromium (`tests/e2e/bench/engine.mjs`, in a module Web Worker as the
//! page trains) and compares its fit times with the native CLI, scikit-learn and XGBoost.
//!
//! The data path is the CLI's, step by step (`crates/ciclo-cli/src/experiment.rs`): the synthetic Telco data
//! set from `telco::generate`, written as CSV and read back by `ingest` as the CLI reads a file (so that its
//! digest equals the one `ciclo train` reports for the output of `ciclo generate` with the same rows and
//! seed), the labels, the seeded stratified split, the pipeline fitted on the training rows. Only the
//! model's fit is timed, with the clock passed in (`performance.now()` in the browser); the test rows are
//! then scored at threshold 0.5. The same data, parameters and seed therefore give the CLI's metrics, and
//! the benchmark checks that they are bit-identical.
//!
//! Principal items: [`Prepared`] (a data set split and preprocessed, ready to fit many times), [`fit`]
//! (one timed fit with any clock), and for JavaScript [`Bench`] and [`fit_ms`]. It depends on the core and
//! wasm-bindgen only, nothing of the page.
//!
//! Serving (issue 5): [`Scoring`] trains a model on the built-in data as the page does (`ml::train`), keeps
//! it as the logged model a run writes, and [`score`] times scoring new rows with it the way the page's
//! CSV scorer does: the file read and conformed to the model's signature, then the pipeline's transform
//! and the model's `predict_proba`, each timed apart; [`ScoringBench`] is that for JavaScript.
//!
//! The production simulation (issue 6): [`simulation::year`] runs a year of `ciclo_core::simulate` with
//! its default configuration for a preset and a policy, timing the opening and each period, and the
//! messages the page's worker would post; [`SimulationBench`] is that for JavaScript, and
//! `examples/simulation.rs` the same natively.

use ciclo_core::ingest::{self, IngestError, IngestOptions};
use ciclo_core::metrics::{evaluate, BinaryMetrics, MetricsError};
use ciclo_core::ml::{labels, ModelKind, ModelParams, Pipeline, TrainConfig, TrainError, TrainingSet};
use ciclo_core::serving::{conform, LoggedModel, RequestError, MODEL_FORMAT, MODEL_VERSION};
use ciclo_core::simulate::{SimConfig, SimError};
use ciclo_core::split::{stratified_split, SplitError};
use ciclo_core::telco;
use ndarray::Array2;
use wasm_bindgen::prelude::*;

pub mod simulation;

/// The share of rows held out for testing: the CLI's default `--test-size`.
pub const TEST_FRACTION: f64 = 0.2;

/// Why a benchmark step failed.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The generated CSV could not be read back.
    #[error("reading the generated data set: {0}")]
    Ingest(#[from] IngestError),
    /// The split could not be made.
    #[error("splitting: {0}")]
    Split(#[from] SplitError),
    /// Preprocessing or fitting failed, or a parameter was refused.
    #[error("training: {0}")]
    Train(#[from] TrainError),
    /// The test rows could not be scored.
    #[error("scoring: {0}")]
    Metrics(#[from] MetricsError),
    /// The rows to score do not fit the model's signature.
    #[error("conforming: {0}")]
    Request(#[from] RequestError),
    /// The production simulation stopped.
    #[error("simulating: {0}")]
    Simulation(#[from] SimError),
    /// The simulation's preset or policy has no such name.
    #[error(
        "no simulation case `{preset}` with policy `{policy}`: presets are calm, price_rise, competitor, \
         marketing, new_segment, incidents; policies none, every-N, on-drift, on-drop"
    )]
    Case {
        /// The preset given.
        preset: String,
        /// The policy given.
        policy: String,
    },
    /// A period's message to the page could not be written or read back.
    #[error("the page's message: {0}")]
    Message(String),
    /// The parameters given from JavaScript are not a JSON object.
    #[error("parameters must be a JSON object such as {{\"max_depth\": 5}}, not `{text}`: {reason}")]
    Params {
        /// The text given.
        text: String,
        /// What the JSON parser said.
        reason: String,
    },
}

/// A data set read, split and preprocessed: the training set and the test rows, ready to fit many times.
pub struct Prepared {
    /// Rows of the data set.
    pub rows: usize,
    /// The data set's content digest, as `ciclo train --json` reports it under `data.digest`.
    pub digest: String,
    /// The seed of the split and of the model's own draws (the CLI's `--seed`).
    pub seed: u64,
    /// Features after preprocessing.
    pub n_features: usize,
    training: TrainingSet,
    n_train: usize,
    x_test: Array2<f64>,
    y_test: Vec<bool>,
}

impl Prepared {
    /// The synthetic Telco data set of `rows` rows drawn from `data_seed` (what `ciclo generate --rows
    /// ROWS --seed DATA_SEED` writes), read back from CSV and split with `seed`.
    pub fn telco(rows: usize, data_seed: u64, seed: u64) -> Result<Prepared, BenchError> {
        let csv = telco::generate(rows, data_seed).to_csv();
        Prepared::from_csv(csv.as_bytes(), seed)
    }

    /// A CSV file's bytes read as `ciclo train` reads them (target `Churn`, blanks filled with 0), split
    /// with `seed` and preprocessed.
    pub fn from_csv(bytes: &[u8], seed: u64) -> Result<Prepared, BenchError> {
        let options =
            IngestOptions { max_bytes: bytes.len().max(ingest::MAX_BYTES), ..IngestOptions::default() };
        let ingested = ingest::ingest("bench.csv", bytes, &options)?;
        let data = &ingested.dataset;
        let (labels, _positive) = labels(data, &ingested.target)?;
        let split = stratified_split(&labels, TEST_FRACTION, seed)?;
        let pick =
            |rows: &[usize]| -> Vec<bool> { rows.iter().filter_map(|&r| labels.get(r).copied()).collect() };
        let pipeline = Pipeline::fit(data, &split.train, &ingested.target, options.fill)?;
        let (x_train, _) = pipeline.transform(data, &split.train)?;
        let (x_test, _) = pipeline.transform(data, &split.test)?;
        let n_features = x_train.ncols();
        let training = TrainingSet::new(x_train, pick(&split.train))?;
        Ok(Prepared {
            rows: data.n_rows(),
            digest: ingested.digest.clone(),
            seed,
            n_features,
            training,
            n_train: split.train.len(),
            x_test,
            y_test: pick(&split.test),
        })
    }

    /// What was prepared, as JSON: rows, digest, seed, training and test rows, features.
    pub fn info(&self) -> serde_json::Value {
        serde_json::json!({
            "rows": self.rows,
            "digest": self.digest,
            "seed": self.seed,
            "n_train": self.n_train,
            "n_test": self.y_test.len(),
            "n_features": self.n_features,
        })
    }
}

/// One timed fit and its scores on the test rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The model family.
    pub model: ModelKind,
    /// Milliseconds of the model's fit alone, by the clock given to [`fit`].
    pub fit_ms: f64,
    /// The test rows' metrics at threshold 0.5.
    pub metrics: BinaryMetrics,
}

impl Fit {
    /// The fit as JSON: `model`, `fit_ms` and `metrics` with the CLI's keys (serde_json writes the
    /// shortest text that reads back to the same bits, so equal texts mean equal numbers).
    pub fn to_json(&self) -> serde_json::Value {
        let metrics: serde_json::Map<String, serde_json::Value> =
            self.metrics.as_pairs().into_iter().map(|(key, value)| (key.to_string(), value.into())).collect();
        serde_json::json!({
            "model": self.model.short_name(),
            "fit_ms": self.fit_ms,
            "metrics": metrics,
        })
    }
}

/// Fits `model` (`logreg`, `tree`, `forest` or `boosting`) with its defaults and then `params` (the CLI's
/// `-P name=value`, scikit-learn's names) on the training rows of `prepared`, timing the fit alone with
/// `clock` (milliseconds), and scores the test rows.
pub fn fit(
    prepared: &Prepared,
    model: &str,
    params: &[(String, String)],
    clock: &mut dyn FnMut() -> f64,
) -> Result<Fit, BenchError> {
    let kind = ModelKind::from_name(model)?;
    let mut chosen = ModelParams::default_for(kind);
    for (name, value) in params {
        chosen.set(name, value)?;
    }
    chosen.check()?;
    let started = clock();
    let fitted = chosen.fit(&prepared.training, prepared.seed, &mut |_| {})?;
    let fit_ms = clock() - started;
    let probabilities = fitted.predict_proba(&prepared.x_test)?;
    let metrics = evaluate(&prepared.y_test, &probabilities, 0.5)?;
    Ok(Fit { model: kind, fit_ms, metrics })
}

/// `{"name": value, ...}` as `(name, value)` pairs; a string value is taken as it is, any other as its
/// JSON text (`5`, `0.3`, `null`).
pub fn params_from_json(text: &str) -> Result<Vec<(String, String)>, BenchError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
        .map_err(|error| BenchError::Params { text: text.to_string(), reason: error.to_string() })?;
    Ok(object
        .into_iter()
        .map(|(name, value)| match value {
            serde_json::Value::String(text) => (name, text),
            other => (name, other.to_string()),
        })
        .collect())
}

/// A model trained and logged as the page logs one, and new rows to score with it.
pub struct Scoring {
    /// The logged model.
    pub model: LoggedModel,
    /// The rows to score, as CSV text (what a user uploads).
    pub csv: String,
}

impl Scoring {
    /// `model` (`logreg`, `forest`, ...) with its defaults and then `params`, trained by `ml::train` with
    /// `seed` on `telco::generate(train_rows, data_seed)`, and `telco::generate(score_rows, score_seed)`
    /// to score.
    pub fn new(
        model: &str,
        params: &[(String, String)],
        train_rows: usize,
        data_seed: u64,
        seed: u64,
        score_rows: usize,
        score_seed: u64,
    ) -> Result<Scoring, BenchError> {
        let mut config = TrainConfig::for_model(telco::TARGET, ModelKind::from_name(model)?);
        config.seed = seed;
        for (name, value) in params {
            config.params.set(name, value)?;
        }
        let outcome = ciclo_core::ml::train(&telco::generate(train_rows, data_seed), &config, &mut |_| {})?;
        let model = LoggedModel {
            format: MODEL_FORMAT.to_string(),
            version: MODEL_VERSION,
            positive: outcome.positive.clone(),
            threshold: outcome.metrics.threshold,
            pipeline: outcome.pipeline,
            model: outcome.model,
        };
        Ok(Scoring { model, csv: telco::generate(score_rows, score_seed).to_csv() })
    }
}

/// One timed scoring of every row of [`Scoring::csv`].
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Rows scored.
    pub rows: usize,
    /// Milliseconds to read the CSV text and conform it to the signature (`ingest::read_csv`, `conform`).
    pub read_ms: f64,
    /// Milliseconds of the pipeline's transform (impute, one-hot, scale).
    pub transform_ms: f64,
    /// Milliseconds of the model's `predict_proba`.
    pub predict_ms: f64,
    /// The sum of the probabilities (the same on every target: the determinism check).
    pub sum: f64,
}

impl Scored {
    /// As JSON: the fields by name, and `score_ms` = transform + predict.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "rows": self.rows,
            "read_ms": self.read_ms,
            "transform_ms": self.transform_ms,
            "predict_ms": self.predict_ms,
            "score_ms": self.transform_ms + self.predict_ms,
            "sum": self.sum,
        })
    }
}

/// Scores every row of `scoring`'s CSV as the page's CSV scorer does, in one slice, timing reading,
/// transform and prediction apart with `clock` (milliseconds).
pub fn score(scoring: &Scoring, clock: &mut dyn FnMut() -> f64) -> Result<Scored, BenchError> {
    let started = clock();
    let data = ingest::read_csv("score.csv", scoring.csv.as_bytes())?;
    let data = conform(&data, &scoring.model.signature())?;
    let read = clock();
    let rows: Vec<usize> = (0..data.n_rows()).collect();
    let (x, _) = scoring.model.pipeline.transform(&data, &rows)?;
    let transformed = clock();
    let probabilities = scoring.model.predict_matrix(&x)?;
    let predicted = clock();
    Ok(Scored {
        rows: rows.len(),
        read_ms: read - started,
        transform_ms: transformed - read,
        predict_ms: predicted - transformed,
        sum: probabilities.iter().sum(),
    })
}

/// The milliseconds clock: `performance.now()` in a browser (page or worker).
#[cfg(target_arch = "wasm32")]
mod clock {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        fn performance_now() -> f64;
    }

    pub fn now() -> f64 {
        performance_now()
    }
}

/// The milliseconds clock natively (the crate must build and test there too): time since first asked.
#[cfg(not(target_arch = "wasm32"))]
mod clock {
    use std::sync::OnceLock;
    use std::time::Instant;

    pub fn now() -> f64 {
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
    }
}

/// A prepared data set, for JavaScript: prepare once per size, then fit each family several times.
#[wasm_bindgen]
pub struct Bench(Prepared);

#[wasm_bindgen]
impl Bench {
    /// `new Bench(rows, dataSeed, seed)` with BigInt seeds: the synthetic data set of `ciclo generate
    /// --rows ROWS --seed DATA_SEED`, split with `seed` as `ciclo train --seed SEED` splits it.
    #[wasm_bindgen(constructor)]
    pub fn new(rows: usize, data_seed: u64, seed: u64) -> Result<Bench, JsError> {
        Ok(Bench(Prepared::telco(rows, data_seed, seed)?))
    }

    /// What was prepared, as JSON text (see [`Prepared::info`]).
    pub fn info(&self) -> String {
        self.0.info().to_string()
    }

    /// One timed fit of `model` with `params` (a JSON object of `-P` values, or an empty string), as JSON
    /// text (see [`Fit::to_json`]).
    pub fn fit(&self, model: &str, params: &str) -> Result<String, JsError> {
        let params = params_from_json(params)?;
        Ok(fit(&self.0, model, &params, &mut clock::now)?.to_json().to_string())
    }
}

/// A trained model and rows to score, for JavaScript: build once per family, then score several times.
#[wasm_bindgen]
pub struct ScoringBench(Scoring);

#[wasm_bindgen]
impl ScoringBench {
    /// `new ScoringBench(model, params, trainRows, dataSeed, seed, scoreRows, scoreSeed)` with BigInt seeds
    /// and `params` a JSON object of `-P` values (or an empty string): see [`Scoring::new`].
    #[wasm_bindgen(constructor)]
    pub fn new(
        model: &str,
        params: &str,
        train_rows: usize,
        data_seed: u64,
        seed: u64,
        score_rows: usize,
        score_seed: u64,
    ) -> Result<ScoringBench, JsError> {
        let params = params_from_json(params)?;
        Ok(ScoringBench(Scoring::new(model, &params, train_rows, data_seed, seed, score_rows, score_seed)?))
    }

    /// One timed scoring, as JSON text (see [`Scored::to_json`]).
    pub fn score(&self) -> Result<String, JsError> {
        Ok(score(&self.0, &mut clock::now)?.to_json().to_string())
    }
}

/// A year of the production simulation, for JavaScript: build once per case, then run it several times.
#[wasm_bindgen]
pub struct SimulationBench(SimConfig);

#[wasm_bindgen]
impl SimulationBench {
    /// `new SimulationBench(preset, policy)`: the default year (52 weeks of 1,000 customers, a forest of
    /// 50 trees of depth 10) with `preset`'s scenarios and `policy` (see [`simulation::config`]).
    #[wasm_bindgen(constructor)]
    pub fn new(preset: &str, policy: &str) -> Result<SimulationBench, JsError> {
        Ok(SimulationBench(simulation::config(preset, policy)?))
    }

    /// One timed year, as JSON text (see [`simulation::Year::to_json`]).
    pub fn run(&self) -> Result<String, JsError> {
        Ok(simulation::year(self.0.clone(), &mut clock::now)?.to_json().to_string())
    }
}

/// Milliseconds to fit `model` with its defaults on `rows` synthetic rows drawn from `seed` (the split
/// and the model use `seed` too). Prepares the data each call: use [`Bench`] to fit repeatedly.
#[wasm_bindgen]
pub fn fit_ms(model: &str, rows: usize, seed: u64) -> Result<f64, JsError> {
    let prepared = Prepared::telco(rows, seed, seed)?;
    Ok(fit(&prepared, model, &[], &mut clock::now)?.fit_ms)
}

#[cfg(test)]
// A failure in a test is a failed test: tests may unwrap and index.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use ciclo_core::ml::{train, TrainConfig};

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    /// The benchmark's path gives exactly the core's `train` metrics for every family: it measures the
    /// engine the page and the CLI run, not a variant of it.
    #[test]
    fn fits_as_the_core_trains() {
        let prepared = Prepared::telco(600, 1, 42).unwrap();
        assert_eq!(prepared.rows, 600);
        assert_eq!(prepared.digest, telco::generate(600, 1).digest());
        let data = telco::generate(600, 1);
        for (model, params) in [
            ("logreg", pairs(&[])),
            ("tree", pairs(&[("max_depth", "5")])),
            ("forest", pairs(&[("n_estimators", "10")])),
            ("boosting", pairs(&[("n_estimators", "10")])),
        ] {
            let ours = fit(&prepared, model, &params, &mut clock::now).unwrap();
            assert!(ours.fit_ms >= 0.0, "{model}");
            let mut config = TrainConfig::new("Churn");
            config.seed = 42;
            config.params = ModelParams::default_for(ModelKind::from_name(model).unwrap());
            for (name, value) in &params {
                config.params.set(name, value).unwrap();
            }
            let core = train(&data, &config, &mut |_| {}).unwrap();
            assert_eq!(ours.metrics, core.metrics, "{model}");
        }
    }

    #[test]
    fn reads_params_from_json() {
        assert_eq!(params_from_json("").unwrap(), pairs(&[]));
        assert_eq!(
            params_from_json(r#"{"max_depth": 5, "max_features": "sqrt", "learning_rate": 0.3}"#).unwrap(),
            pairs(&[("learning_rate", "0.3"), ("max_depth", "5"), ("max_features", "sqrt")])
        );
        assert!(matches!(params_from_json("max_depth=5"), Err(BenchError::Params { .. })));
    }

    #[test]
    fn refuses_unknown_models_and_params() {
        let prepared = Prepared::telco(200, 2, 7).unwrap();
        assert!(matches!(fit(&prepared, "svm", &[], &mut clock::now), Err(BenchError::Train(_))));
        let bad = pairs(&[("max_depth", "deep")]);
        assert!(matches!(fit(&prepared, "tree", &bad, &mut clock::now), Err(BenchError::Train(_))));
    }

    /// Issue 5: the bench scores with the logged model exactly as the model scores its own data.
    #[test]
    fn scores_as_the_logged_model_does() {
        let scoring = Scoring::new("logreg", &[], 600, 1, 42, 500, 7).unwrap();
        let scored = score(&scoring, &mut clock::now).unwrap();
        assert_eq!(scored.rows, 500);
        let data = conform(&telco::generate(500, 7), &scoring.model.signature()).unwrap();
        let rows: Vec<usize> = (0..500).collect();
        let (expected, _) = scoring.model.predict_proba(&data, &rows).unwrap();
        assert_eq!(scored.sum, expected.iter().sum::<f64>());
        assert!(scored.to_json()["score_ms"].is_f64());
        assert!(matches!(Scoring::new("svm", &[], 600, 1, 42, 10, 7), Err(BenchError::Train(_))));
    }

    #[test]
    fn json_carries_the_cli_keys() {
        let prepared = Prepared::telco(300, 3, 42).unwrap();
        let json = fit(&prepared, "tree", &pairs(&[("max_depth", "3")]), &mut clock::now).unwrap().to_json();
        assert_eq!(json["model"], "tree");
        assert!(json["metrics"]["roc_auc"].is_f64());
        assert!(json["fit_ms"].is_f64());
        assert_eq!(
            prepared.info()["n_train"].as_u64().unwrap() + prepared.info()["n_test"].as_u64().unwrap(),
            300
        );
    }
}
