//! Autologging: what every finished training records besides its parameters and final metrics, as
//! MLflow's `autolog()` does for scikit-learn and XGBoost.
//!
//! A finished run gets the boosting model's loss per round as metric step histories
//! ([`TRAIN_LOSS`], [`VALIDATION_LOSS`]), its fit time ([`FIT_MS`]), and JSON artifacts at the paths
//! below. The paths and the artifact types ([`ConfusionArtifact`], [`RocArtifact`], [`PrArtifact`],
//! [`CalibrationArtifact`], [`FeatureImportanceArtifact`], [`ModelArtifact`]) are the contract with the pages
//! that read them back: a page reads an artifact with `Tracking::load_artifact` and parses it with
//! `serde_json::from_str::<RocArtifact>` and so on.
//!
//! Pure: no clock, no browser. The page's training worker runs the heavy part, [`worker_artifacts`]
//! (scoring the test rows again for the curves, and writing the model), right after the fit and sends the
//! artifacts' texts with its answer; the page only turns them into [`Change`]s ([`artifact_changes`]) and
//! applies them, so no task holds its main thread long. The CLI (`ciclo train --log-to`) records the same
//! run with [`run_tags`], [`training_input`] and [`finished_run`], so a run logged on the command line looks
//! like one trained in the page. It lived in the page (`ciclo_app::autolog`, which re-exports it) until
//! the CLI needed it too.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::metrics::{self, CalibrationBin, Confusion, Curves, PrPoint, RocPoint};
use crate::ml::{self, ModelKind, RoundLoss, TrainConfig, TrainError, TrainOutcome};
use crate::serving::LoggedModel;
use crate::split::stratified_split;
use crate::tracking::{ArtifactKind, Change, DatasetInput, MetricPoint, Run, RunStatus, CONTEXT_TRAINING};

/// The tag that holds why autologging could not record everything (the run is FINISHED anyway).
pub const AUTOLOG_ERROR_TAG: &str = "ciclo.autolog_error";

/// The confusion matrix at the run's threshold ([`ConfusionArtifact`]).
pub const CONFUSION_MATRIX: &str = "metrics/confusion_matrix.json";
/// The ROC curve ([`RocArtifact`]).
pub const ROC_CURVE: &str = "metrics/roc_curve.json";
/// The precision–recall curve ([`PrArtifact`]).
pub const PR_CURVE: &str = "metrics/pr_curve.json";
/// The calibration curve ([`CalibrationArtifact`]).
pub const CALIBRATION_CURVE: &str = "metrics/calibration_curve.json";
/// The feature importances ([`FeatureImportanceArtifact`]).
pub const FEATURE_IMPORTANCE: &str = "feature_importance.json";
/// The fitted model with its preprocessing, what the registry loads ([`ModelArtifact`]).
pub const MODEL: &str = "model/model.json";

/// Every artifact path a finished run gets, in the order they are logged.
pub const ARTIFACT_PATHS: [&str; 6] =
    [CONFUSION_MATRIX, ROC_CURVE, PR_CURVE, CALIBRATION_CURVE, FEATURE_IMPORTANCE, MODEL];

/// Metric key of boosting's training log loss, one step per round (step = round, from 1).
pub const TRAIN_LOSS: &str = "train_log_loss";
/// Metric key of boosting's validation log loss (when early stopping holds rows out), one step per round.
pub const VALIDATION_LOSS: &str = "validation_log_loss";
/// Metric key of the fit time in milliseconds, measured in the worker.
pub const FIT_MS: &str = "fit_ms";

/// The most points kept per ROC or precision–recall curve ([`metrics::thin`]): enough to draw, small to
/// store.
pub const CURVE_POINTS: usize = 200;

/// [`CONFUSION_MATRIX`]: `{"positive":"Yes","threshold":0.5,"confusion":{"tp":..,"fp":..,"tn":..,"fn_":..}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfusionArtifact {
    /// The target value taken as positive.
    pub positive: String,
    /// A row is predicted positive when its probability is at least this.
    pub threshold: f64,
    /// The counts.
    pub confusion: Confusion,
}

/// [`ROC_CURVE`]: `{"auc":0.84,"points":[{"fpr":0,"tpr":0,"threshold":null},..]}` (thresholds decreasing;
/// `null` is infinity).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RocArtifact {
    /// The area under the curve (the run's `roc_auc`).
    pub auc: f64,
    /// At most [`CURVE_POINTS`] points from (0, 0) to (1, 1).
    pub points: Vec<RocPoint>,
}

/// [`PR_CURVE`]: `{"average_precision":..,"best_f1_threshold":..,"best_f1":..,"points":[{"recall":..,
/// "precision":..,"threshold":..},..]}` (thresholds increasing, ending at recall 0 with `null`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrArtifact {
    /// Average precision (the run's `pr_auc`).
    pub average_precision: f64,
    /// The threshold that maximizes F1.
    pub best_f1_threshold: f64,
    /// The F1 there.
    pub best_f1: f64,
    /// At most [`CURVE_POINTS`] points.
    pub points: Vec<PrPoint>,
}

/// [`CALIBRATION_CURVE`]: `{"brier_score":..,"bins":[{"mean_predicted":..,"fraction_positive":..,
/// "count":..},..]}` (ten uniform bins, empty ones left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationArtifact {
    /// The Brier score (the run's `brier_score`).
    pub brier_score: f64,
    /// The non-empty bins.
    pub bins: Vec<CalibrationBin>,
}

/// [`FEATURE_IMPORTANCE`]: `{"features":["tenure",..],"importances":[0.12,..]}`, two lists of the same
/// length in the pipeline's feature order (what `charts::Bar::top_importances` takes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureImportanceArtifact {
    /// The pipeline's feature names (`Pipeline::feature_names`), one-hot columns as `column=level`.
    pub features: Vec<String>,
    /// `FittedModel::feature_importances`, summing to 1 (or all zeros).
    pub importances: Vec<f64>,
}

/// [`MODEL`]: the logged model, `crate::serving::LoggedModel`
/// (`{"format":"ciclo.model","version":2,"positive":"Yes","threshold":0.5,"pipeline":{..},"model":{..}}`),
/// everything needed to score new rows; the registry and serving read it back.
pub type ModelArtifact = LoggedModel;
pub use crate::serving::{MODEL_FORMAT, MODEL_VERSION};

/// An artifact ready to log: its path, its kind and its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArtifactText {
    /// Where it goes in the run's artifacts (one of [`ARTIFACT_PATHS`]).
    pub path: String,
    /// What it holds.
    pub kind: ArtifactKind,
    /// Its JSON text.
    pub content: String,
}

/// Everything autologging needs from a finished training besides its outcome: the run's artifacts as
/// [`artifacts`] writes them, after scoring the test rows again for the curves ([`test_curves`]). `data`
/// and `config` must be the ones the run was trained with. The training worker calls this right after
/// the fit (about 0.1 s for a default forest); it fails in words, and the run is then FINISHED without
/// artifacts.
pub fn worker_artifacts(
    data: &Dataset,
    config: &TrainConfig,
    outcome: &TrainOutcome,
) -> Result<Vec<ArtifactText>, String> {
    let curves = test_curves(data, config, outcome).map_err(|e| e.to_string())?;
    let written = artifacts(outcome, &curves).map_err(|e| e.to_string())?;
    Ok(written
        .into_iter()
        .map(|(path, content)| ArtifactText {
            kind: ArtifactKind::from_path(&path).unwrap_or(ArtifactKind::Json),
            path,
            content,
        })
        .collect())
}

/// Scores the test rows of `outcome` again and returns their curves (ROC and precision–recall thinned to
/// [`CURVE_POINTS`]). `data` and `config` must be the ones the run was trained with: the split is drawn
/// again from the same seed, as [`ml::train`] draws it.
pub fn test_curves(
    data: &Dataset,
    config: &TrainConfig,
    outcome: &TrainOutcome,
) -> Result<Curves, TrainError> {
    let (rows, labels) = test_rows(data, config)?;
    curves(&labels, &score(data, outcome, &rows)?)
}

/// The run's test rows and their labels, drawn again as [`ml::train`] draws them.
fn test_rows(data: &Dataset, config: &TrainConfig) -> Result<(Vec<usize>, Vec<bool>), TrainError> {
    let (labels, _) = ml::labels(data, &config.target)?;
    let split = stratified_split(&labels, config.test_fraction, config.seed)?;
    let test_labels = split.test.iter().filter_map(|&r| labels.get(r).copied()).collect();
    Ok((split.test, test_labels))
}

/// The fitted model's probabilities for `rows` of `data`.
fn score(data: &Dataset, outcome: &TrainOutcome, rows: &[usize]) -> Result<Vec<f64>, TrainError> {
    let (x, _) = outcome.pipeline.transform(data, rows)?;
    outcome.model.predict_proba(&x)
}

/// The curves of the test rows' `probabilities` against their `labels`, thinned to [`CURVE_POINTS`].
fn curves(labels: &[bool], probabilities: &[f64]) -> Result<Curves, TrainError> {
    Ok(metrics::curves(labels, probabilities, CURVE_POINTS)?)
}

/// The artifacts of a finished run as `(path, JSON text)`, in [`ARTIFACT_PATHS`] order. Fails only if a
/// value cannot be written as JSON.
pub fn artifacts(
    outcome: &TrainOutcome,
    curves: &Curves,
) -> Result<Vec<(String, String)>, serde_json::Error> {
    let m = &outcome.metrics;
    let model = ModelArtifact {
        format: MODEL_FORMAT.to_string(),
        version: MODEL_VERSION,
        positive: outcome.positive.clone(),
        threshold: m.threshold,
        pipeline: outcome.pipeline.clone(),
        model: outcome.model.clone(),
    };
    Ok(vec![
        json(
            CONFUSION_MATRIX,
            &ConfusionArtifact {
                positive: outcome.positive.clone(),
                threshold: m.threshold,
                confusion: m.confusion,
            },
        )?,
        json(ROC_CURVE, &RocArtifact { auc: m.roc_auc, points: curves.roc.clone() })?,
        json(
            PR_CURVE,
            &PrArtifact {
                average_precision: m.pr_auc,
                best_f1_threshold: curves.best_f1_threshold,
                best_f1: curves.best_f1,
                points: curves.pr.clone(),
            },
        )?,
        json(
            CALIBRATION_CURVE,
            &CalibrationArtifact { brier_score: m.brier, bins: curves.calibration.clone() },
        )?,
        json(
            FEATURE_IMPORTANCE,
            &FeatureImportanceArtifact {
                features: outcome.pipeline.feature_names().to_vec(),
                importances: outcome.model.feature_importances(),
            },
        )?,
        json(MODEL, &model)?,
    ])
}

fn json(path: &str, value: &impl Serialize) -> Result<(String, String), serde_json::Error> {
    Ok((path.to_string(), serde_json::to_string(value)?))
}

/// The changes that log `artifacts` (as [`worker_artifacts`] returns them) to the run `run_id`.
pub fn artifact_changes(run_id: &str, artifacts: Vec<ArtifactText>) -> Vec<Change> {
    artifacts
        .into_iter()
        .map(|ArtifactText { path, kind, content }| Change::PutArtifact {
            run_id: run_id.to_string(),
            kind,
            path,
            content,
        })
        .collect()
}

/// The changes that log boosting's loss per round to the run `run_id` as step histories ([`TRAIN_LOSS`],
/// and [`VALIDATION_LOSS`] when a validation fold was held out), all at `timestamp`. Non-finite losses
/// are left out; no change is made for an empty history (the other families).
pub fn history_changes(run_id: &str, history: &[RoundLoss], timestamp: i64) -> Vec<Change> {
    let points = |loss: fn(&RoundLoss) -> Option<f64>| -> Vec<MetricPoint> {
        history
            .iter()
            .filter_map(|round| {
                let value = loss(round).filter(|v| v.is_finite())?;
                Some(MetricPoint { value, step: i64::from(round.round), timestamp })
            })
            .collect()
    };
    [(TRAIN_LOSS, points(|r| Some(r.train))), (VALIDATION_LOSS, points(|r| r.validation))]
        .into_iter()
        .filter(|(_, points)| !points.is_empty())
        .map(|(key, points)| Change::LogMetric { run_id: run_id.to_string(), key: key.to_string(), points })
        .collect()
}

/// The changes that log the run's final metrics ([`crate::metrics::BinaryMetrics::as_pairs`]) and
/// its fit time ([`FIT_MS`]) to the run `run_id`, each as one point at step 0, as MLflow's `log_metric`
/// does: the run's latest values and one-point histories. Non-finite values are left out.
pub fn metric_changes(run_id: &str, outcome: &TrainOutcome, fit_ms: f64, timestamp: i64) -> Vec<Change> {
    outcome
        .metrics
        .as_pairs()
        .into_iter()
        .chain([(FIT_MS, fit_ms)])
        .filter(|(_, value)| value.is_finite())
        .map(|(key, value)| Change::LogMetric {
            run_id: run_id.to_string(),
            key: key.to_string(),
            points: vec![MetricPoint { value, step: 0, timestamp }],
        })
        .collect()
}

/// The tags of an autologged run, as the page sets them: MLflow's source (`ciclo`, `LOCAL`) and
/// autologging flavour, the build that trained it (`ciclo.build`) and the seed (`ciclo.seed`).
pub fn run_tags(seed: u64, build: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("mlflow.source.name".to_string(), "ciclo".to_string()),
        ("mlflow.source.type".to_string(), "LOCAL".to_string()),
        ("mlflow.autologging".to_string(), "ciclo".to_string()),
        ("ciclo.build".to_string(), build.to_string()),
        ("ciclo.seed".to_string(), seed.to_string()),
    ])
}

/// The name the page gives its `job`-th training of `kind`, such as `random-forest-3`.
pub fn run_name(kind: ModelKind, job: u32) -> String {
    format!("{}-{job}", kind.name().replace('_', "-"))
}

/// The data a run was trained on as its dataset input: `name`, the file's `digest`, the rows, MLflow's
/// schema and profile of `data`, in the training context.
pub fn training_input(name: &str, digest: &str, data: &Dataset) -> DatasetInput {
    DatasetInput {
        name: name.to_string(),
        digest: digest.to_string(),
        rows: data.n_rows(),
        context: CONTEXT_TRAINING.to_string(),
        schema: data.mlflow_schema_json(),
        profile: data.mlflow_profile_json(),
    }
}

/// The changes that end `run` (as logged when it started: parameters, tags, inputs) as a FINISHED,
/// autologged training at `end_ms`, in one batch: its metrics and fit time, its loss per round, its
/// `artifacts` (or, when they could not be written, the reason in [`AUTOLOG_ERROR_TAG`]), and the run
/// with its status, end time and the outcome's parameters, as the page's `training::autolog_run` records it.
pub fn finished_run(
    mut run: Run,
    outcome: &TrainOutcome,
    fit_ms: f64,
    artifacts: Result<Vec<ArtifactText>, String>,
    end_ms: i64,
) -> Vec<Change> {
    let mut changes = metric_changes(&run.run_id, outcome, fit_ms, end_ms);
    changes.extend(history_changes(&run.run_id, outcome.history(), end_ms));
    match artifacts {
        Ok(artifacts) => changes.extend(artifact_changes(&run.run_id, artifacts)),
        Err(error) => {
            run.tags.insert(AUTOLOG_ERROR_TAG.to_string(), error);
        }
    }
    for (key, value) in &outcome.params {
        run.params.entry(key.clone()).or_insert_with(|| value.clone());
    }
    run.status = RunStatus::Finished;
    run.end_time = Some(end_ms.max(run.start_time));
    changes.push(Change::PutRun(run));
    changes
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;
    use crate::ml::ModelKind;
    use crate::tracking::{log_run, MemoryStore, Run, Store};

    const ROWS: usize = 1200;

    fn data() -> Dataset {
        crate::telco::generate(ROWS, 7)
    }

    #[test]
    fn a_finished_run_has_its_metrics_artifacts_params_and_status_in_one_batch() {
        let (data, config, outcome) = trained(ModelKind::GradientBoosting);
        let mut store = MemoryStore::new();
        let run = Run {
            params: config.tracking_params().into_iter().collect(),
            tags: run_tags(config.seed, "0.1.0"),
            inputs: vec![training_input("telco", "abc", &data)],
            ..Run::new(
                "r1",
                crate::tracking::DEFAULT_EXPERIMENT_ID,
                run_name(ModelKind::GradientBoosting, 1),
                1,
            )
        };
        store.apply(&log_run(&store.snapshot(), run.clone(), 1)).unwrap();
        let artifacts = worker_artifacts(&data, &config, &outcome);
        store.apply(&finished_run(run, &outcome, 3.0, artifacts, 9)).unwrap();
        let run = store.snapshot().run("r1").cloned().unwrap();
        assert_eq!(
            (run.status, run.end_time, run.run_name.as_str()),
            (RunStatus::Finished, Some(9), "gradient-boosting-1")
        );
        assert_eq!(run.artifacts.len(), ARTIFACT_PATHS.len());
        assert_eq!(run.params.get("positive").map(String::as_str), Some("Yes"));
        assert_eq!(run.metrics.get(FIT_MS), Some(&3.0));
        assert_eq!(run.tags.get("mlflow.source.name").map(String::as_str), Some("ciclo"));
        assert_eq!(run.inputs[0].rows, ROWS);
        assert!(!store.metric_history("r1", TRAIN_LOSS).is_empty());
    }

    fn config(kind: ModelKind) -> TrainConfig {
        let mut config = TrainConfig::for_model(crate::telco::TARGET, kind);
        for (name, value) in [("n_estimators", "12"), ("early_stopping_rounds", "5")] {
            // Not every family has these parameters.
            let _ = config.params.set(name, value);
        }
        config
    }

    fn trained(kind: ModelKind) -> (Dataset, TrainConfig, TrainOutcome) {
        let (data, config) = (data(), config(kind));
        let outcome = ml::train(&data, &config, &mut |_| {}).unwrap();
        (data, config, outcome)
    }

    /// Logs a run, then every change autologging makes for `kind`, into a memory store.
    fn logged(kind: ModelKind) -> (MemoryStore, TrainOutcome) {
        let (data, config, outcome) = trained(kind);
        let mut store = MemoryStore::new();
        let run = Run::new("r1", crate::tracking::DEFAULT_EXPERIMENT_ID, "run", 1);
        store.apply(&log_run(&store.snapshot(), run, 1)).unwrap();
        let mut changes = history_changes("r1", outcome.history(), 5);
        changes.extend(metric_changes("r1", &outcome, 12.5, 5));
        changes.extend(artifact_changes("r1", worker_artifacts(&data, &config, &outcome).unwrap()));
        store.apply(&changes).unwrap();
        (store, outcome)
    }

    #[test]
    fn the_rescored_test_rows_give_the_workers_metrics() {
        for kind in [ModelKind::LogisticRegression, ModelKind::RandomForest] {
            let (data, config, outcome) = trained(kind);
            let curves = test_curves(&data, &config, &outcome).unwrap();
            let (threshold, f1) = (curves.best_f1_threshold, curves.best_f1);
            assert!(f1 >= outcome.metrics.f1 && (0.0..=1.0).contains(&threshold), "{kind:?}");
            assert!(curves.roc.len() <= CURVE_POINTS && curves.pr.len() <= CURVE_POINTS);
            // The area under the rescored ROC curve is the worker's `roc_auc` (trapezoids over thinned
            // points: close, not equal).
            let auc: f64 =
                curves.roc.windows(2).map(|w| (w[1].fpr - w[0].fpr) * (w[1].tpr + w[0].tpr) / 2.0).sum();
            assert!(
                (auc - outcome.metrics.roc_auc).abs() < 0.01,
                "{kind:?}: {auc} vs {}",
                outcome.metrics.roc_auc
            );
        }
    }

    #[test]
    fn every_artifact_is_listed_and_reads_back() {
        let (store, outcome) = logged(ModelKind::RandomForest);
        let run = store.snapshot().run("r1").cloned().unwrap();
        let listed: Vec<&str> = run.artifacts.iter().map(|a| a.path.as_str()).collect();
        let mut expected = ARTIFACT_PATHS.to_vec();
        expected.sort_unstable();
        assert_eq!(listed, expected);
        assert!(run.artifacts.iter().all(|a| a.kind == ArtifactKind::Json));

        let read = |path| store.artifact("r1", path).unwrap().to_string();
        let confusion: ConfusionArtifact = serde_json::from_str(&read(CONFUSION_MATRIX)).unwrap();
        assert_eq!(confusion.confusion, outcome.metrics.confusion);
        assert_eq!(confusion.positive, "Yes");
        let roc: RocArtifact = serde_json::from_str(&read(ROC_CURVE)).unwrap();
        assert_eq!(
            (roc.auc, roc.points.first().map(|p| (p.fpr, p.tpr))),
            (outcome.metrics.roc_auc, Some((0.0, 0.0)))
        );
        assert!(roc.points.first().unwrap().threshold.is_infinite(), "null reads back as infinity");
        let pr: PrArtifact = serde_json::from_str(&read(PR_CURVE)).unwrap();
        assert_eq!(pr.average_precision, outcome.metrics.pr_auc);
        let calibration: CalibrationArtifact = serde_json::from_str(&read(CALIBRATION_CURVE)).unwrap();
        assert_eq!(calibration.bins.iter().map(|b| b.count).sum::<usize>(), outcome.n_test);
        let importance: FeatureImportanceArtifact = serde_json::from_str(&read(FEATURE_IMPORTANCE)).unwrap();
        assert_eq!(importance.features.len(), outcome.n_features);
        assert_eq!(importance.importances.len(), outcome.n_features);
        let model: ModelArtifact = serde_json::from_str(&read(MODEL)).unwrap();
        assert_eq!((model.format.as_str(), model.version), (MODEL_FORMAT, MODEL_VERSION));
        assert_eq!((model.model, model.pipeline), (outcome.model, outcome.pipeline));
    }

    #[test]
    fn the_model_artifact_scores_like_the_trained_model_in_every_family() {
        for kind in [
            ModelKind::LogisticRegression,
            ModelKind::DecisionTree,
            ModelKind::RandomForest,
            ModelKind::GradientBoosting,
        ] {
            let (store, outcome) = logged(kind);
            let model: ModelArtifact = serde_json::from_str(store.artifact("r1", MODEL).unwrap()).unwrap();
            let rows: Vec<usize> = (0..50).collect();
            let (x, _) = model.pipeline.transform(&data(), &rows).unwrap();
            let (x_trained, _) = outcome.pipeline.transform(&data(), &rows).unwrap();
            assert_eq!(
                model.model.predict_proba(&x).unwrap(),
                outcome.model.predict_proba(&x_trained).unwrap(),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn boosting_logs_its_loss_per_round_and_the_others_log_none() {
        let (store, outcome) = logged(ModelKind::GradientBoosting);
        let rounds = outcome.history().len();
        assert!(rounds > 0);
        let train = store.metric_history("r1", TRAIN_LOSS);
        assert_eq!(train.len(), rounds);
        assert_eq!(train.iter().map(|p| p.step).collect::<Vec<_>>(), (1..=rounds as i64).collect::<Vec<_>>());
        let run = store.snapshot().run("r1").cloned().unwrap();
        assert_eq!(
            run.metrics.get(TRAIN_LOSS),
            train.last().map(|p| &p.value),
            "the latest round is the run's value"
        );
        assert_eq!(run.metrics.get(FIT_MS), Some(&12.5));
        assert_eq!(run.metrics.get("roc_auc"), Some(&outcome.metrics.roc_auc));
        assert_eq!(store.metric_history("r1", "f1").len(), 1);
        let has_validation = outcome.history().iter().any(|r| r.validation.is_some());
        assert_eq!(store.metric_history("r1", VALIDATION_LOSS).is_empty(), !has_validation);

        let (store, _) = logged(ModelKind::DecisionTree);
        assert!(store.metric_history("r1", TRAIN_LOSS).is_empty());
    }

    #[test]
    fn history_changes_leave_out_non_finite_losses() {
        let history = [
            RoundLoss { round: 1, train: 0.6, validation: Some(f64::NAN) },
            RoundLoss { round: 2, train: f64::NAN, validation: None },
            RoundLoss { round: 3, train: 0.4, validation: Some(0.5) },
        ];
        let point = |value, step| MetricPoint { value, step, timestamp: 9 };
        assert_eq!(
            history_changes("r", &history, 9),
            vec![
                Change::LogMetric {
                    run_id: "r".into(),
                    key: TRAIN_LOSS.into(),
                    points: vec![point(0.6, 1), point(0.4, 3)]
                },
                Change::LogMetric {
                    run_id: "r".into(),
                    key: VALIDATION_LOSS.into(),
                    points: vec![point(0.5, 3)]
                },
            ]
        );
        assert_eq!(history_changes("r", &[], 9), vec![]);
    }
}
