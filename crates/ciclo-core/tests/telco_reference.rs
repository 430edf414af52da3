//! The engine against the reference figures on IBM's Telco Customer Churn file (see
//! `shared/data/README.md`): logistic regression, blank `TotalCharges` filled with 0, one-hot encoding,
//! standardized features, stratified 80/20 split with seed 42, threshold 0.5. scikit-learn gets F1 0.609
//! and ROC AUC 0.842 on its split; ours is another split of the same sizes, so the bounds allow for that.
//!
//! The file is not part of the project. The test reads it from `CICLO_TELCO_CSV`, or from
//! `shared/data/telco-customer-churn.csv` beside the checkout, and says so and passes when it is absent.
//! With `CICLO_SPLIT_OUT=path` it also writes the test rows of its split there (JSON), so that a peer
//! implementation can be scored on exactly the same rows.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.

use std::path::PathBuf;
use std::time::Instant;

use ciclo_core::dataset::{ColumnData, Dataset};
use ciclo_core::ingest::read_csv;
use ciclo_core::metrics::evaluate;
use ciclo_core::ml::{
    labels, train, DropReason, Fill, FittedModel, LogisticParams, Pipeline, Stage, TrainConfig, TrainingSet,
};
use ciclo_core::split::{stratified_k_fold, stratified_split};
use ciclo_core::telco;

fn telco_csv() -> Option<(PathBuf, Vec<u8>)> {
    let path = match std::env::var_os("CICLO_TELCO_CSV") {
        Some(path) => PathBuf::from(path),
        None => {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/telco-customer-churn.csv")
        }
    };
    match std::fs::read(&path) {
        Ok(bytes) => Some((path, bytes)),
        Err(error) => {
            println!("skipping: the Telco file is not at {} ({error}); set CICLO_TELCO_CSV", path.display());
            None
        }
    }
}

fn within(value: f64, centre: f64, margin: f64) -> bool {
    (value - centre).abs() <= margin
}

#[test]
fn logistic_regression_matches_the_reference_figures() {
    let Some((path, bytes)) = telco_csv() else { return };
    let started = Instant::now();
    let data = read_csv("telco-customer-churn.csv", &bytes).unwrap();
    let read_ms = started.elapsed().as_secs_f64() * 1e3;
    assert_eq!((data.n_rows(), data.columns().len()), (7043, 21), "{}", path.display());
    match &data.column("TotalCharges").unwrap().data {
        ColumnData::Numeric(values) => assert_eq!(values.iter().filter(|v| v.is_none()).count(), 11),
        other => panic!("TotalCharges should be numeric, is {other:?}"),
    }

    let mut stages = Vec::new();
    let started = Instant::now();
    let outcome = train(&data, &TrainConfig::new(telco::TARGET), &mut |s| stages.push(s)).unwrap();
    let train_ms = started.elapsed().as_secs_f64() * 1e3;
    let m = &outcome.metrics;
    let FittedModel::Logistic(model) = &outcome.model else { panic!("{:?}", outcome.model) };
    println!(
        "telco reference: accuracy {:.4} precision {:.4} recall {:.4} f1 {:.4} roc_auc {:.4} log_loss {:.4} \
         ({} train / {} test rows, {} features, converged {} at gradient {:.1e}); read {read_ms:.1} ms, \
         train {train_ms:.1} ms",
        m.accuracy,
        m.precision,
        m.recall,
        m.f1,
        m.roc_auc,
        m.log_loss,
        outcome.n_train,
        outcome.n_test,
        outcome.n_features,
        model.converged,
        model.gradient_max,
    );
    assert_eq!(stages.first(), Some(&Stage::Preparing));
    assert_eq!(stages.last(), Some(&Stage::Evaluating));
    assert_eq!((outcome.n_train, outcome.n_test, outcome.n_features), (5634, 1409, 45));
    assert_eq!(outcome.positive, "Yes");
    assert_eq!(outcome.transform.filled, vec![("TotalCharges".to_string(), 11)]);
    assert!(outcome
        .pipeline
        .dropped()
        .contains(&(telco::ID_COLUMN.to_string(), DropReason::IdLike { distinct: 5634 })));
    assert!(model.converged);
    assert!(within(m.f1, 0.61, 0.03), "F1 {} is not within 0.61 ± 0.03", m.f1);
    assert!(within(m.roc_auc, 0.842, 0.015), "ROC AUC {} is not within 0.842 ± 0.015", m.roc_auc);

    // At the optimum (a tight tolerance) the model is scikit-learn's: on the same test rows (written with
    // CICLO_SPLIT_OUT), scikit-learn 1.9.1 with tol=1e-10 gives accuracy 0.809794, F1 0.625698, ROC AUC
    // 0.846151 and log loss 0.418246 (with its default tol=1e-4 it stops after 26 iterations at 0.807665,
    // 0.622036, 0.846104, 0.418408, a little short of the optimum, as our default stop is).
    let config = TrainConfig {
        params: LogisticParams::new().tol(1e-10).max_iter(1000).into(),
        ..TrainConfig::new(telco::TARGET)
    };
    let tight = train(&data, &config, &mut |_| {}).unwrap().metrics;
    println!(
        "telco reference at tol 1e-10: accuracy {:.6} f1 {:.6} roc_auc {:.6} log_loss {:.6}",
        tight.accuracy, tight.f1, tight.roc_auc, tight.log_loss
    );
    for (got, expected) in [tight.accuracy, tight.f1, tight.roc_auc, tight.log_loss]
        .into_iter()
        .zip([0.809794, 0.625698, 0.846151, 0.418246])
    {
        assert!((got - expected).abs() < 2e-6, "{got} vs scikit-learn's {expected}");
    }

    if let Some(out) = std::env::var_os("CICLO_SPLIT_OUT") {
        let (y, _) = labels(&data, telco::TARGET).unwrap();
        let split = stratified_split(&y, 0.2, 42).unwrap();
        std::fs::write(out, serde_json::to_string(&split.test).unwrap()).unwrap();
    }
}

#[test]
fn five_fold_cross_validated_auc_is_steady() {
    let Some((_, bytes)) = telco_csv() else { return };
    let data = read_csv("telco-customer-churn.csv", &bytes).unwrap();
    let (y, _) = labels(&data, telco::TARGET).unwrap();
    let params = LogisticParams::new();
    let mut aucs = Vec::new();
    let mut fit_ms = Vec::new();
    for split in stratified_k_fold(&y, 5, 42).unwrap() {
        let pick = |rows: &[usize]| -> Vec<bool> { rows.iter().map(|&r| y[r]).collect() };
        let pipeline = Pipeline::fit(&data, &split.train, telco::TARGET, Fill::Zero).unwrap();
        let (x_train, _) = pipeline.transform(&data, &split.train).unwrap();
        let training = TrainingSet::new(x_train, pick(&split.train)).unwrap();
        let started = Instant::now();
        let model = params.fit(&training).unwrap();
        fit_ms.push(started.elapsed().as_secs_f64() * 1e3);
        let (x_test, _) = pipeline.transform(&data, &split.test).unwrap();
        let metrics = evaluate(&pick(&split.test), &model.predict_proba(&x_test).unwrap(), 0.5).unwrap();
        aucs.push(metrics.roc_auc);
    }
    let mean = aucs.iter().sum::<f64>() / aucs.len() as f64;
    println!("telco 5-fold ROC AUC {mean:.4} (folds {aucs:.4?}); fit times {fit_ms:.1?} ms");
    // The reference's 5-fold cross-validated AUC is about 0.845.
    assert!(within(mean, 0.845, 0.01), "5-fold AUC {mean}");
}

/// The generator's data set trains end to end, and without leakage (an AUC near 1 would mean the target
/// leaks into a feature).
#[test]
fn synthetic_data_trains() {
    let data: Dataset = telco::generate(3000, 7);
    let outcome = train(&data, &TrainConfig::new(telco::TARGET), &mut |_| {}).unwrap();
    println!("synthetic: f1 {:.4} roc_auc {:.4}", outcome.metrics.f1, outcome.metrics.roc_auc);
    assert_eq!(outcome.positive, "Yes");
    assert!(matches!(&outcome.model, FittedModel::Logistic(model) if model.converged));
    assert!(outcome.metrics.roc_auc > 0.7 && outcome.metrics.roc_auc < 0.95, "{:?}", outcome.metrics);
}

/// How long a fit takes on the Telco training part (5634 × 45): median of 15 fits. Slow in a debug build
/// (linfa's generic solver is compiled at the test crate's optimization level), so it runs only with
/// `CICLO_BENCH=1`, best with `--release`.
#[test]
fn fit_speed() {
    if std::env::var_os("CICLO_BENCH").is_none() {
        println!("skipping: set CICLO_BENCH=1 to time fits");
        return;
    }
    let Some((_, bytes)) = telco_csv() else { return };
    let data = read_csv("telco-customer-churn.csv", &bytes).unwrap();
    let (y, _) = labels(&data, telco::TARGET).unwrap();
    let split = stratified_split(&y, 0.2, 42).unwrap();
    let pipeline = Pipeline::fit(&data, &split.train, telco::TARGET, Fill::Zero).unwrap();
    let (x, _) = pipeline.transform(&data, &split.train).unwrap();
    let training = TrainingSet::new(x, split.train.iter().map(|&r| y[r]).collect()).unwrap();
    for max_iter in [1, 2, 5, 10, 20, 30, 40, 60, 100] {
        let params = LogisticParams::new().max_iter(max_iter);
        let mut times: Vec<f64> = (0..15)
            .map(|_| {
                let started = Instant::now();
                let model = params.fit(&training).unwrap();
                std::hint::black_box(model);
                started.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let model = params.fit(&training).unwrap();
        println!(
            "max_iter {max_iter}: median {:.2} ms, gradient {:.2e}, converged {}",
            times[7], model.gradient_max, model.converged
        );
    }
}
