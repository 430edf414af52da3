//! The fitted models' JSON form, which the page stores as the `model/model.json` artifact and the model
//! registry (issue 5) loads back for scoring: every family reads back into the same model and scores bit
//! for bit as the one trained, and a default forest's JSON stays compact.
//!
//! With `CICLO_MODEL_SIZES=1` (and `--nocapture`), `sizes` prints the size of each family's JSON and the
//! time to write and read it for the default models on the built-in 7,043-row data set, the figures in
//! `docs/BENCHMARKS.md` ("Model artifact size"); best with `--release`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.

use std::time::Instant;

use ciclo_core::dataset::Dataset;
use ciclo_core::ml::{train, FittedModel, ModelKind, Pipeline, TrainConfig, TrainOutcome};
use ciclo_core::telco;
use serde::{Deserialize, Serialize};

/// What `model/model.json` holds besides its header: the preprocessing and the model.
#[derive(Serialize, Deserialize)]
struct Stored {
    pipeline: Pipeline,
    model: FittedModel,
}

fn trained(data: &Dataset, kind: ModelKind, params: &[(&str, &str)]) -> TrainOutcome {
    let mut config = TrainConfig::for_model(telco::TARGET, kind);
    for (name, value) in params {
        config.params.set(name, value).unwrap();
    }
    train(data, &config, &mut |_| {}).unwrap()
}

/// The model's probabilities for every row of `data`, through `pipeline`.
fn scores(pipeline: &Pipeline, model: &FittedModel, data: &Dataset) -> Vec<f64> {
    let rows: Vec<usize> = (0..data.n_rows()).collect();
    let (x, _) = pipeline.transform(data, &rows).unwrap();
    model.predict_proba(&x).unwrap()
}

/// Writes `outcome`'s pipeline and model as JSON, reads them back, and checks that they are the same
/// values and score every row of `data` with the same bits.
fn check_round_trip(outcome: &TrainOutcome, data: &Dataset) -> usize {
    let stored = Stored { pipeline: outcome.pipeline.clone(), model: outcome.model.clone() };
    let json = serde_json::to_string(&stored).unwrap();
    let back: Stored = serde_json::from_str(&json).unwrap();
    let kind = outcome.model.kind();
    assert_eq!(back.model, outcome.model, "{kind:?}");
    assert_eq!(back.pipeline, outcome.pipeline, "{kind:?}");
    let expected = scores(&outcome.pipeline, &outcome.model, data);
    let read = scores(&back.pipeline, &back.model, data);
    let bits = |p: &[f64]| p.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&read), bits(&expected), "{kind:?}");
    json.len()
}

#[test]
fn every_family_reads_back_and_scores_bit_for_bit() {
    let data = telco::generate(1500, 11);
    for (kind, params) in [
        (ModelKind::LogisticRegression, &[][..]),
        (ModelKind::DecisionTree, &[][..]),
        (ModelKind::DecisionTree, &[("max_depth", "4"), ("max_bins", "255")][..]),
        (ModelKind::RandomForest, &[("n_estimators", "15")][..]),
        (ModelKind::RandomForest, &[("n_estimators", "5"), ("bootstrap", "false"), ("max_depth", "3")][..]),
        (ModelKind::GradientBoosting, &[("n_estimators", "30")][..]),
        (ModelKind::GradientBoosting, &[("n_estimators", "40"), ("early_stopping_rounds", "3")][..]),
    ] {
        let outcome = trained(&data, kind, params);
        check_round_trip(&outcome, &data);
    }
}

/// The bound on a default (100-tree) forest's JSON with its pipeline on the built-in data: measured at
/// 999 407 bytes (5 510 749 in the artifact's version 1), with room for the generator's calibration to move.
const FOREST_JSON_BOUND: usize = 1_200_000;

#[test]
fn a_default_forest_is_compact() {
    let data = telco::generate(7043, 42);
    let outcome = trained(&data, ModelKind::RandomForest, &[]);
    let size = check_round_trip(&outcome, &data);
    assert!(size <= FOREST_JSON_BOUND, "{size} bytes");
}

/// Not a check: the sizes and times of each family's JSON, for `docs/BENCHMARKS.md`.
/// `CICLO_MODEL_SIZES=1 cargo test --release -p ciclo-core --test model_format sizes -- --nocapture`;
/// with `CICLO_MODEL_OUT=dir` each JSON is also written to `dir/<model>.json` (to measure it gzipped).
#[test]
fn sizes() {
    if std::env::var("CICLO_MODEL_SIZES").as_deref() != Ok("1") {
        return;
    }
    let data = telco::generate(7043, 42);
    for kind in ModelKind::ALL {
        let outcome = trained(&data, kind, &[]);
        let stored = Stored { pipeline: outcome.pipeline.clone(), model: outcome.model.clone() };
        let start = Instant::now();
        let json = serde_json::to_string(&stored).unwrap();
        let write = start.elapsed();
        let start = Instant::now();
        let back: Stored = serde_json::from_str(&json).unwrap();
        let read = start.elapsed();
        assert_eq!(back.model, outcome.model);
        let pipeline = serde_json::to_string(&outcome.pipeline).unwrap().len();
        if let Some(dir) = std::env::var_os("CICLO_MODEL_OUT") {
            std::fs::write(std::path::Path::new(&dir).join(format!("{}.json", kind.name())), &json).unwrap();
        }
        println!(
            "{kind:?}: {} bytes ({} of them the pipeline), written in {write:?}, read in {read:?}",
            json.len(),
            pipeline
        );
    }
}
