//! Training: from a data set and a target column to a fitted, evaluated model.
//!
//! [`train`] is the whole run the page's worker and the CLI perform: read the labels ([`labels`]), split
//! the rows ([`crate::split::stratified_split`]), fit the preprocessing on the training rows ([`Pipeline`]),
//! fit a model of the family [`TrainConfig::params`] names on a checked [`TrainingSet`], and score the
//! test rows ([`crate::metrics::evaluate`]). Everything it returns is plain serializable data, because it
//! crosses the Web Worker boundary as JSON and the model and pipeline are stored with the run.
//!
//! The model families ([`model`]): logistic regression ([`logistic`], linfa), and three tree families on
//! one histogram engine ([`hist`]): a decision tree ([`tree`]), a random forest ([`forest`]) and gradient
//! boosting ([`boosting`]).
//!
//! Every failure is a [`TrainError`] whose message says what to change; nothing here panics on user data.

pub mod boosting;
pub mod forest;
mod hist;
pub mod logistic;
pub mod model;
pub mod pipeline;
pub mod tree;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use boosting::{BoostingParams, BoostingValidParams, FittedBoosting, RoundLoss};
pub use forest::{FittedForest, ForestParams, ForestValidParams};
pub use logistic::{FittedLogistic, LogisticParams, LogisticValidParams, TrainingSet};
pub use model::{FittedModel, ModelKind, ModelParams};
pub use pipeline::{DropReason, Encoding, Fill, Pipeline, TransformReport, Unseen};
pub use tree::{
    column_threshold, FittedTree, MaxFeatures, Node, NodeSplit, Tree, TreeParams, TreeValidParams,
};

use crate::dataset::{format_number, ColumnData, ColumnKind, Dataset};
use crate::message::{list, rows_text, LISTED};
use crate::metrics::{BinaryMetrics, MetricsError};
use crate::split::{stratified_split, SplitError};

/// Why a model cannot be trained or applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum TrainError {
    /// A column that is not in the data set.
    #[error("column `{column}` is not in the data set: choose one of {}", list(.available))]
    MissingColumn {
        /// The name asked for.
        column: String,
        /// The data set's columns (the first few).
        available: Vec<String>,
    },
    /// Target cells that are blank.
    #[error("column `{column}` is blank in {count} rows ({}): fill or remove those rows, or choose another target", rows_text(.rows, *.count))]
    BlankTarget {
        /// The target column.
        column: String,
        /// How many cells are blank.
        count: usize,
        /// The first few such rows, counting data rows from 1 (the row under the header is 1).
        rows: Vec<usize>,
    },
    /// A target with a single value.
    #[error("column `{column}` holds only `{value}`: a classifier needs two classes, so choose another target or add rows of the other class")]
    OneClass {
        /// The target column.
        column: String,
        /// Its only value.
        value: String,
    },
    /// A target with more than two values.
    #[error("column `{column}` has {count} distinct values ({}): choose a column with exactly two, such as yes/no", list(.values))]
    TooManyClasses {
        /// The target column.
        column: String,
        /// How many distinct values.
        count: usize,
        /// The first few values, sorted.
        values: Vec<String>,
    },
    /// A positive level that the target does not hold.
    #[error("`{positive}` is not a value of column `{column}`: choose one of {}", list(.values))]
    UnknownPositive {
        /// The target column.
        column: String,
        /// The level asked for.
        positive: String,
        /// The column's two values.
        values: Vec<String>,
    },
    /// Nothing left to learn from.
    #[error("no feature columns are left once the target, ID-like and blank columns are set aside: load a data set with columns to learn from")]
    NoFeatures {
        /// The columns set aside, and why.
        dropped: Vec<(String, DropReason)>,
    },
    /// No rows to fit on.
    #[error("there are no rows to fit on: load a data set with rows")]
    NoRows,
    /// A row index past the end of the data set.
    #[error("row {row} is out of range: the data set has {rows} rows")]
    RowOutOfRange {
        /// The 0-based index asked for.
        row: usize,
        /// Number of rows in the data set.
        rows: usize,
    },
    /// A feature column whose kind differs from training.
    #[error("column `{column}` was {} in training but is {} here: make its values {} again", kind_name(*.expected), kind_name(*.found), kind_name(*.expected))]
    ColumnKind {
        /// The column.
        column: String,
        /// Its kind in training.
        expected: ColumnKind,
        /// Its kind now.
        found: ColumnKind,
    },
    /// A feature matrix and labels of different lengths.
    #[error("the feature matrix has {rows} rows but there are {labels} labels: pass one label per row")]
    ShapeMismatch {
        /// Matrix rows.
        rows: usize,
        /// Labels.
        labels: usize,
    },
    /// A feature value that is NaN or infinite.
    #[error("feature {feature} of row {row} is not a finite number: fill or remove missing values first")]
    NonFinite {
        /// 0-based row.
        row: usize,
        /// 0-based feature.
        feature: usize,
    },
    /// Training rows of one class only.
    #[error("the training rows hold no {} examples: a classifier needs both classes", if *.positive { "positive" } else { "negative" })]
    MissingClass {
        /// The missing class (`true` for positive).
        positive: bool,
    },
    /// A feature matrix with the wrong number of columns for a model.
    #[error("the model expects {expected} features but got {found}: transform the data with the run's own pipeline")]
    FeatureCount {
        /// Features the model was fitted on.
        expected: usize,
        /// Columns given.
        found: usize,
    },
    /// `C` not positive and finite.
    #[error("C = {c} is not a positive number: choose a value such as 1.0 (smaller regularizes more)")]
    InvalidC {
        /// The value given.
        c: f64,
    },
    /// `max_iter` of 0.
    #[error("max_iter = {max_iter} allows no iterations: choose at least 1, such as 100")]
    InvalidMaxIter {
        /// The value given.
        max_iter: u64,
    },
    /// `tol` not positive and finite.
    #[error("tol = {tol} is not a positive number: choose a value such as 0.0001")]
    InvalidTol {
        /// The value given.
        tol: f64,
    },
    /// A model parameter with a value it cannot take.
    #[error("{name} = {value} is not valid: choose {expected}")]
    InvalidParam {
        /// The parameter, by its scikit-learn or XGBoost name.
        name: String,
        /// The value given, as text.
        value: String,
        /// What it can be.
        expected: String,
    },
    /// A parameter name the model family does not have.
    #[error("`{name}` is not a parameter of {model}: choose one of {}", list(.valid))]
    UnknownParam {
        /// The name given.
        name: String,
        /// The family (its MLflow name).
        model: String,
        /// The family's parameter names.
        valid: Vec<String>,
    },
    /// A model family name that does not exist.
    #[error("`{name}` is not a model: choose one of {}", list(.valid))]
    UnknownModel {
        /// The name given.
        name: String,
        /// The families' names.
        valid: Vec<String>,
    },
    /// The solver failed.
    #[error("the solver failed ({message}): try a smaller C or check the data for extreme values")]
    Solver {
        /// linfa's message.
        message: String,
    },
    /// The data cannot be split.
    #[error(transparent)]
    Split(#[from] SplitError),
    /// The predictions cannot be scored.
    #[error(transparent)]
    Metrics(#[from] MetricsError),
    /// A broken invariant of this module (a bug, reported rather than panicking).
    #[error("internal error ({message}): please report it")]
    Internal {
        /// What went wrong.
        message: String,
    },
}

impl TrainError {
    pub(crate) fn missing_column(data: &Dataset, column: &str) -> TrainError {
        TrainError::MissingColumn {
            column: column.to_string(),
            available: data.columns().iter().take(20).map(|c| c.name.clone()).collect(),
        }
    }
}

fn kind_name(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Numeric => "numeric",
        ColumnKind::Categorical => "categorical",
    }
}

/// A binary target: the column and which of its two values is the positive class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The target column.
    pub column: String,
    /// The value that counts as positive, such as `Yes`.
    pub positive: String,
}

/// The labels of `target` (`true` for the positive class) and the positive value.
///
/// The positive value is the profile's [`crate::profile::positive_level`], so that the page shows and
/// trains the same class: `yes`, `y`, `true` or `1` (in any case) when the target holds one, otherwise the
/// rarer of the two values (on a tie, the one that sorts last). A numeric target other than 0/1 takes its
/// greater value, as scikit-learn does (`classes_[1]`). Use [`labels_for`] to choose it.
///
/// Errors when the column is missing, has blank cells, or does not hold exactly two distinct values.
pub fn labels(data: &Dataset, target: &str) -> Result<(Vec<bool>, String), TrainError> {
    let (cells, values) = target_values(data, target)?;
    let [first, second] = two_values(target, &values)?;
    let level = data.column(target).and_then(crate::profile::positive_level);
    // `values` is sorted, so the second is the greater.
    let positive = if level.as_deref() == Some(first.text.as_str()) { first } else { second };
    let labels = cells.iter().map(|&c| c == Some(positive.id)).collect();
    Ok((labels, positive.text.clone()))
}

/// The labels of `target.column` with `target.positive` as the positive class. Errors as [`labels`] does,
/// and when the positive value is not one of the column's two.
pub fn labels_for(data: &Dataset, target: &Target) -> Result<Vec<bool>, TrainError> {
    let (cells, values) = target_values(data, &target.column)?;
    let pair = two_values(&target.column, &values)?;
    let positive =
        pair.iter().find(|v| v.text == target.positive).ok_or_else(|| TrainError::UnknownPositive {
            column: target.column.clone(),
            positive: target.positive.clone(),
            values: pair.iter().map(|v| v.text.clone()).collect(),
        })?;
    Ok(cells.iter().map(|&c| c == Some(positive.id)).collect())
}

/// A distinct target value: an id (its index among the distinct values) and its text.
#[derive(Debug, Clone)]
struct Value {
    id: usize,
    text: String,
}

/// Each row's value id, and the distinct values sorted (numerically for a numeric column). Errors on a
/// missing column or blank cells.
fn target_values(data: &Dataset, target: &str) -> Result<(Vec<Option<usize>>, Vec<Value>), TrainError> {
    let column = data.column(target).ok_or_else(|| TrainError::missing_column(data, target))?;
    let (cells, values): (Vec<Option<usize>>, Vec<Value>) = match &column.data {
        ColumnData::Numeric(numbers) => {
            // Zero has one sign here, and a non-finite value counts as blank.
            let normal =
                |x: &Option<f64>| x.filter(|x| x.is_finite()).map(|x| if x == 0.0 { 0.0 } else { x });
            let mut distinct: Vec<f64> = numbers.iter().filter_map(normal).collect();
            distinct.sort_unstable_by(f64::total_cmp);
            distinct.dedup_by(|a, b| a == b);
            let cells = numbers
                .iter()
                .map(|x| normal(x).and_then(|x| distinct.binary_search_by(|d| d.total_cmp(&x)).ok()))
                .collect();
            let values =
                distinct.iter().enumerate().map(|(id, x)| Value { id, text: format_number(*x) }).collect();
            (cells, values)
        }
        ColumnData::Categorical { levels, codes } => {
            // Levels in use, sorted by text; the map goes from a level code to its rank.
            let used: BTreeMap<&str, u32> = codes
                .iter()
                .flatten()
                .filter_map(|&code| levels.get(code as usize).map(|level| (level.as_str(), code)))
                .collect();
            let rank: BTreeMap<u32, usize> =
                used.values().enumerate().map(|(id, &code)| (code, id)).collect();
            let cells = codes.iter().map(|c| c.and_then(|c| rank.get(&c).copied())).collect();
            let values =
                used.keys().enumerate().map(|(id, text)| Value { id, text: text.to_string() }).collect();
            (cells, values)
        }
    };
    let blank: Vec<usize> =
        cells.iter().enumerate().filter(|(_, c)| c.is_none()).map(|(row, _)| row + 1).collect();
    if !blank.is_empty() {
        return Err(TrainError::BlankTarget {
            column: target.to_string(),
            count: blank.len(),
            rows: blank.into_iter().take(LISTED).collect(),
        });
    }
    Ok((cells, values))
}

/// The two values of a binary target, or why there are not two.
fn two_values(target: &str, values: &[Value]) -> Result<[Value; 2], TrainError> {
    match values {
        [first, second] => Ok([first.clone(), second.clone()]),
        [only] => Err(TrainError::OneClass { column: target.to_string(), value: only.text.clone() }),
        [] => Err(TrainError::NoRows),
        _ => Err(TrainError::TooManyClasses {
            column: target.to_string(),
            count: values.len(),
            values: values.iter().take(LISTED).map(|v| v.text.clone()).collect(),
        }),
    }
}

/// Everything a training run needs besides the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// The target column.
    pub target: String,
    /// Share of rows held out for testing (scikit-learn's `test_size`), default 0.2.
    pub test_fraction: f64,
    /// Seed of the split, default 42.
    pub seed: u64,
    /// How blank numeric cells are filled, default [`Fill::Zero`].
    pub fill: Fill,
    /// The model family and its parameters, default logistic regression. The model's own random draws
    /// (a forest's bootstraps, boosting's samples) also come from [`TrainConfig::seed`].
    pub params: ModelParams,
}

impl TrainConfig {
    /// The defaults (test fraction 0.2, seed 42, zero fill, scikit-learn's parameters) for `target`.
    pub fn new(target: impl Into<String>) -> TrainConfig {
        TrainConfig {
            target: target.into(),
            test_fraction: 0.2,
            seed: 42,
            fill: Fill::Zero,
            params: ModelParams::default(),
        }
    }

    /// The defaults of [`TrainConfig::new`] with the defaults of the model family `kind`.
    pub fn for_model(target: impl Into<String>, kind: ModelKind) -> TrainConfig {
        TrainConfig { params: ModelParams::default_for(kind), ..TrainConfig::new(target) }
    }
}

impl TrainConfig {
    /// The parameters as MLflow logs them, known before training starts: the model's
    /// ([`ModelParams::tracking_params`]: `model`, then its own, such as `C`, `max_iter`, `tol`), then
    /// `test_size`, `seed`, `fill`, `target`; a finished run adds `positive`. The page logs these when a
    /// run starts, so they must be the same text the finished run reports.
    pub fn tracking_params(&self) -> Vec<(String, String)> {
        let mut params = self.params.tracking_params();
        params.extend(
            [
                ("test_size", self.test_fraction.to_string()),
                ("seed", self.seed.to_string()),
                ("fill", self.fill.name().to_string()),
                ("target", self.target.clone()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v)),
        );
        params
    }
}

impl Default for TrainConfig {
    /// The defaults for the Telco data set's target, `Churn`.
    fn default() -> TrainConfig {
        TrainConfig::new(crate::telco::TARGET)
    }
}

/// What a training run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOutcome {
    /// Scores on the test rows at threshold 0.5.
    pub metrics: BinaryMetrics,
    /// Rows fitted on.
    pub n_train: usize,
    /// Rows scored.
    pub n_test: usize,
    /// Features after preprocessing.
    pub n_features: usize,
    /// The target value taken as positive.
    pub positive: String,
    /// The run's parameters as MLflow logs them ([`TrainConfig::tracking_params`], then `positive`).
    pub params: Vec<(String, String)>,
    /// The fitted model.
    pub model: FittedModel,
    /// The fitted preprocessing, to be applied before the model at serving time.
    pub pipeline: Pipeline,
    /// What preprocessing filled or ignored, over the training and test rows together.
    pub transform: TransformReport,
}

impl TrainOutcome {
    /// Boosting's training and validation log loss after each round (empty for the other families), for
    /// the run's metric steps.
    pub fn history(&self) -> &[RoundLoss] {
        self.model.history()
    }
}

/// The steps of a training run, reported as each begins, and while fitting as it advances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    /// Reading labels, splitting, fitting and applying the preprocessing.
    Preparing,
    /// Fitting the model, `percent` done: reported at 0 when fitting starts, then each time a tree or
    /// boosting round raises the whole percentage.
    Fitting {
        /// How much of the fit is done, from 0 to 100.
        percent: u8,
    },
    /// Scoring the test rows.
    Evaluating,
}

/// Trains and evaluates the model `config` describes on `data`, calling `progress` as each [`Stage`]
/// begins and as fitting advances.
pub fn train(
    data: &Dataset,
    config: &TrainConfig,
    progress: &mut dyn FnMut(Stage),
) -> Result<TrainOutcome, TrainError> {
    progress(Stage::Preparing);
    config.params.check()?;
    let (labels, positive) = labels(data, &config.target)?;
    let split = stratified_split(&labels, config.test_fraction, config.seed)?;
    let pick =
        |rows: &[usize]| -> Vec<bool> { rows.iter().filter_map(|&r| labels.get(r).copied()).collect() };
    let pipeline = Pipeline::fit(data, &split.train, &config.target, config.fill)?;
    let (x_train, mut transform) = pipeline.transform(data, &split.train)?;
    let training = TrainingSet::new(x_train, pick(&split.train))?;

    progress(Stage::Fitting { percent: 0 });
    let mut reported = 0u8;
    let model = config.params.fit(&training, config.seed, &mut |done| {
        // `as` saturates, and a NaN becomes 0.
        let percent = (done.clamp(0.0, 1.0) * 100.0).floor() as u8;
        if percent > reported {
            reported = percent;
            progress(Stage::Fitting { percent });
        }
    })?;

    progress(Stage::Evaluating);
    let (x_test, test_report) = pipeline.transform(data, &split.test)?;
    transform.merge(test_report);
    let probabilities = model.predict_proba(&x_test)?;
    let metrics = crate::metrics::evaluate(&pick(&split.test), &probabilities, 0.5)?;

    let mut params = config.tracking_params();
    params.push(("positive".to_string(), positive.clone()));
    Ok(TrainOutcome {
        metrics,
        n_train: split.train.len(),
        n_test: split.test.len(),
        n_features: pipeline.feature_names().len(),
        positive,
        params,
        model,
        pipeline,
        transform,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;
    use crate::dataset::Column;

    fn target_data(values: &[Option<&str>]) -> Dataset {
        Dataset::new("t", vec![Column::categorical("y", values)]).unwrap()
    }

    /// Checks the labels and positive value read from a categorical target.
    fn check_labels(values: &[Option<&str>], expected: Result<(&str, &str), TrainError>) {
        let got = labels(&target_data(values), "y");
        let got = got.map(|(labels, positive)| {
            (labels.iter().map(|&l| if l { '1' } else { '0' }).collect::<String>(), positive)
        });
        let expected = expected.map(|(l, p)| (l.to_string(), p.to_string()));
        assert_eq!(got, expected);
    }

    #[test]
    fn labels_and_positive_value() {
        check_labels(&[Some("No"), Some("Yes"), Some("No")], Ok(("010", "Yes")));
        check_labels(&[Some("yes"), Some("no")], Ok(("10", "yes")));
        check_labels(&[Some("TRUE"), Some("FALSE")], Ok(("10", "TRUE")));
        // Neither reads as yes: the rarer, or on a tie the one that sorts last (as the profile says).
        check_labels(&[Some("stayed"), Some("churned")], Ok(("10", "stayed")));
        check_labels(&[Some("stayed"), Some("churned"), Some("stayed")], Ok(("010", "churned")));
        check_labels(
            &[Some("a"), None, Some("b"), None],
            Err(TrainError::BlankTarget { column: "y".into(), count: 2, rows: vec![2, 4] }),
        );
        check_labels(
            &[Some("No"), Some("No")],
            Err(TrainError::OneClass { column: "y".into(), value: "No".into() }),
        );
        check_labels(
            &[Some("c"), Some("a"), Some("b")],
            Err(TrainError::TooManyClasses {
                column: "y".into(),
                count: 3,
                values: vec!["a".into(), "b".into(), "c".into()],
            }),
        );
    }

    #[test]
    fn numeric_targets_and_chosen_positive() {
        let data =
            Dataset::new("n", vec![Column::numeric("y", vec![Some(10.0), Some(9.0), Some(10.0)])]).unwrap();
        assert_eq!(labels(&data, "y"), Ok((vec![true, false, true], "10".to_string())));
        let data = Dataset::new("n", vec![Column::numeric("y", vec![Some(1.0), Some(0.0)])]).unwrap();
        assert_eq!(labels(&data, "y"), Ok((vec![true, false], "1".to_string())));
        let target = Target { column: "y".into(), positive: "0".into() };
        assert_eq!(labels_for(&data, &target), Ok(vec![false, true]));
        let target = Target { column: "y".into(), positive: "2".into() };
        assert_eq!(
            labels_for(&data, &target),
            Err(TrainError::UnknownPositive {
                column: "y".into(),
                positive: "2".into(),
                values: vec!["0".into(), "1".into()]
            })
        );
    }

    #[test]
    fn error_messages() {
        let data = target_data(&[Some("a"), None]);
        assert_eq!(
            labels(&data, "Churn").unwrap_err().to_string(),
            "column `Churn` is not in the data set: choose one of `y`"
        );
        assert_eq!(
            TrainError::BlankTarget { column: "Churn".into(), count: 8, rows: vec![1, 2, 3, 4, 5] }.to_string(),
            "column `Churn` is blank in 8 rows (rows 1, 2, 3, 4, 5 and 3 more): fill or remove those rows, or \
             choose another target"
        );
    }

    /// A small churn-like data set: churn is likelier with short tenure and a monthly contract.
    fn churn(rows: usize) -> Dataset {
        let tenure: Vec<Option<f64>> =
            (0..rows).map(|i| if i % 17 == 0 { None } else { Some((i * 7 % 72) as f64) }).collect();
        let contract: Vec<Option<&str>> =
            (0..rows).map(|i| Some(["Month", "Year", "Two years"][i * 5 % 3])).collect();
        let ids: Vec<Option<String>> = (0..rows).map(|i| Some(format!("C{i:05}"))).collect();
        let churn: Vec<Option<&str>> = (0..rows)
            .map(|i| {
                let t = (i * 7 % 72) as f64;
                let risk = if i * 5 % 3 == 0 { 0.6 } else { 0.1 }
                    + (72.0 - t) / 300.0
                    + ((i * 37 % 11) as f64 - 5.0) / 25.0;
                Some(if risk > 0.45 { "Yes" } else { "No" })
            })
            .collect();
        Dataset::new(
            "churn",
            vec![
                Column::categorical("customerID", &ids),
                Column::numeric("tenure", tenure),
                Column::categorical("Contract", &contract),
                Column::categorical("Churn", &churn),
            ],
        )
        .unwrap()
    }

    #[test]
    fn trains_end_to_end() {
        let data = churn(400);
        let mut stages = Vec::new();
        let outcome = train(&data, &TrainConfig::default(), &mut |s| stages.push(s)).unwrap();
        assert_eq!(
            stages,
            [
                Stage::Preparing,
                Stage::Fitting { percent: 0 },
                Stage::Fitting { percent: 100 },
                Stage::Evaluating
            ]
        );
        assert_eq!((outcome.n_train, outcome.n_test, outcome.n_features), (320, 80, 4));
        assert_eq!(outcome.positive, "Yes");
        assert!(outcome.metrics.roc_auc > 0.8, "{:?}", outcome.metrics);
        let FittedModel::Logistic(model) = &outcome.model else { panic!("{:?}", outcome.model) };
        assert!(model.converged);
        assert_eq!(outcome.transform.rows, 400);
        assert_eq!(outcome.transform.filled, vec![("tenure".to_string(), 24)]);
        assert_eq!(
            outcome.pipeline.dropped()[0],
            ("customerID".to_string(), DropReason::IdLike { distinct: 320 })
        );
        let keys: Vec<&str> = outcome.params.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["model", "C", "max_iter", "tol", "test_size", "seed", "fill", "target", "positive"]
        );
        assert_eq!(outcome.params[1], ("C".to_string(), "1".to_string()));
        // Same inputs, same outcome; and it survives the trip to the worker and back as JSON.
        let again = train(&data, &TrainConfig::default(), &mut |_| {}).unwrap();
        assert_eq!(again, outcome);
        let back: TrainOutcome = serde_json::from_str(&serde_json::to_string(&outcome).unwrap()).unwrap();
        // serde_json without its `float_roundtrip` feature may read a float back one ulp off.
        assert!((back.metrics.roc_auc - outcome.metrics.roc_auc).abs() < 1e-12);
        let FittedModel::Logistic(back_model) = &back.model else { panic!("{:?}", back.model) };
        assert!(back_model.coefficients.iter().zip(&model.coefficients).all(|(a, b)| (a - b).abs() < 1e-12));
        assert_eq!(
            (back.params, back.pipeline.feature_names()),
            (outcome.params.clone(), outcome.pipeline.feature_names())
        );
    }

    #[test]
    fn training_errors() {
        let data = churn(400);
        let run = |config: TrainConfig| train(&data, &config, &mut |_| {});
        assert_eq!(
            run(TrainConfig::new("Contract")).unwrap_err(),
            TrainError::TooManyClasses {
                column: "Contract".into(),
                count: 3,
                values: vec!["Month".into(), "Two years".into(), "Year".into()],
            }
        );
        let config = TrainConfig { test_fraction: 1.5, ..TrainConfig::default() };
        assert_eq!(
            run(config).unwrap_err(),
            TrainError::Split(SplitError::TestFraction { test_fraction: 1.5 })
        );
        let config = TrainConfig { params: LogisticParams::new().c(0.0).into(), ..TrainConfig::default() };
        assert_eq!(run(config).unwrap_err(), TrainError::InvalidC { c: 0.0 });
        let only_target = Dataset::new("t", vec![data.column("Churn").unwrap().clone()]).unwrap();
        assert!(matches!(
            train(&only_target, &TrainConfig::default(), &mut |_| {}),
            Err(TrainError::NoFeatures { .. })
        ));
    }
}
