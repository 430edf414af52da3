//! The four model families behind one interface: [`ModelKind`] names a family, [`ModelParams`] holds one
//! family's parameters (set by scikit-learn / XGBoost name with [`ModelParams::set`], logged with
//! [`ModelParams::tracking_params`]), and [`ModelParams::fit`] produces a [`FittedModel`] that predicts
//! probabilities and reports feature importances.
//!
//! Each family keeps linfa's idiom in its own module (`XParams` → `ParamGuard` → `XValidParams` → fitted
//! type); this module only dispatches, so that the page, the worker, the CLI and the tuner handle "a
//! model" without knowing which.

use linfa::ParamGuard;
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::boosting::{BoostingParams, FittedBoosting, RoundLoss};
use super::forest::{FittedForest, ForestParams};
use super::logistic::{FittedLogistic, LogisticParams, TrainingSet};
use super::tree::{FittedTree, MaxFeatures, TreeParams};
use super::TrainError;

/// A model family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ModelKind {
    /// L2-regularized logistic regression (scikit-learn's `LogisticRegression`).
    #[serde(rename = "logreg")]
    LogisticRegression,
    /// One classification tree (scikit-learn's `DecisionTreeClassifier`).
    #[serde(rename = "tree")]
    DecisionTree,
    /// Bagged trees with feature sampling (scikit-learn's `RandomForestClassifier`).
    #[serde(rename = "forest")]
    RandomForest,
    /// Gradient-boosted trees in XGBoost's spirit (`XGBClassifier(tree_method="hist")`).
    #[serde(rename = "boosting")]
    GradientBoosting,
}

impl ModelKind {
    /// Every family, in the order the page lists them.
    pub const ALL: [ModelKind; 4] = [
        ModelKind::LogisticRegression,
        ModelKind::DecisionTree,
        ModelKind::RandomForest,
        ModelKind::GradientBoosting,
    ];

    /// The value of the MLflow `model` parameter: `logistic_regression`, `decision_tree`,
    /// `random_forest` or `gradient_boosting`.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::LogisticRegression => "logistic_regression",
            ModelKind::DecisionTree => "decision_tree",
            ModelKind::RandomForest => "random_forest",
            ModelKind::GradientBoosting => "gradient_boosting",
        }
    }

    /// The short name of the CLI's `--model` and of the serialized form: `logreg`, `tree`, `forest` or
    /// `boosting`.
    pub fn short_name(self) -> &'static str {
        match self {
            ModelKind::LogisticRegression => "logreg",
            ModelKind::DecisionTree => "tree",
            ModelKind::RandomForest => "forest",
            ModelKind::GradientBoosting => "boosting",
        }
    }

    /// The family named `name`, by its short name or its MLflow name (`forest` or `random_forest`).
    pub fn from_name(name: &str) -> Result<ModelKind, TrainError> {
        let name = name.trim();
        ModelKind::ALL.into_iter().find(|k| k.short_name() == name || k.name() == name).ok_or_else(|| {
            TrainError::UnknownModel {
                name: name.to_string(),
                valid: ModelKind::ALL.iter().map(|k| k.short_name().to_string()).collect(),
            }
        })
    }

    /// The parameter names [`ModelParams::set`] accepts for this family, in the order
    /// [`ModelParams::tracking_params`] logs them.
    pub fn param_names(self) -> &'static [&'static str] {
        match self {
            ModelKind::LogisticRegression => &["C", "max_iter", "tol"],
            ModelKind::DecisionTree => {
                &["max_depth", "min_samples_split", "min_samples_leaf", "max_features", "max_bins"]
            }
            ModelKind::RandomForest => &[
                "n_estimators",
                "max_depth",
                "min_samples_split",
                "min_samples_leaf",
                "max_features",
                "bootstrap",
                "max_bins",
            ],
            ModelKind::GradientBoosting => &[
                "n_estimators",
                "learning_rate",
                "max_depth",
                "min_child_weight",
                "reg_lambda",
                "subsample",
                "colsample_bytree",
                "max_bins",
                "early_stopping_rounds",
                "validation_fraction",
            ],
        }
    }
}

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One family's parameters, not yet checked (each family's `ParamGuard` checks them when fitting, and
/// [`ModelParams::check`] checks them on demand). In JSON: `{"model": "forest", "params": {...}}` with
/// scikit-learn's parameter names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", content = "params")]
pub enum ModelParams {
    /// Logistic regression.
    #[serde(rename = "logreg")]
    Logistic(LogisticParams),
    /// Decision tree.
    #[serde(rename = "tree")]
    Tree(TreeParams),
    /// Random forest.
    #[serde(rename = "forest")]
    Forest(ForestParams),
    /// Gradient boosting.
    #[serde(rename = "boosting")]
    Boosting(BoostingParams),
}

impl Default for ModelParams {
    /// Logistic regression with scikit-learn's defaults.
    fn default() -> ModelParams {
        ModelParams::Logistic(LogisticParams::new())
    }
}

impl From<LogisticParams> for ModelParams {
    fn from(params: LogisticParams) -> ModelParams {
        ModelParams::Logistic(params)
    }
}

impl From<TreeParams> for ModelParams {
    fn from(params: TreeParams) -> ModelParams {
        ModelParams::Tree(params)
    }
}

impl From<ForestParams> for ModelParams {
    fn from(params: ForestParams) -> ModelParams {
        ModelParams::Forest(params)
    }
}

impl From<BoostingParams> for ModelParams {
    fn from(params: BoostingParams) -> ModelParams {
        ModelParams::Boosting(params)
    }
}

impl ModelParams {
    /// The defaults of `kind` (scikit-learn's, or XGBoost's for boosting; each setter documents its own).
    pub fn default_for(kind: ModelKind) -> ModelParams {
        match kind {
            ModelKind::LogisticRegression => ModelParams::Logistic(LogisticParams::new()),
            ModelKind::DecisionTree => ModelParams::Tree(TreeParams::new()),
            ModelKind::RandomForest => ModelParams::Forest(ForestParams::new()),
            ModelKind::GradientBoosting => ModelParams::Boosting(BoostingParams::new()),
        }
    }

    /// The family these parameters are for.
    pub fn kind(&self) -> ModelKind {
        match self {
            ModelParams::Logistic(_) => ModelKind::LogisticRegression,
            ModelParams::Tree(_) => ModelKind::DecisionTree,
            ModelParams::Forest(_) => ModelKind::RandomForest,
            ModelParams::Boosting(_) => ModelKind::GradientBoosting,
        }
    }

    /// Checks the parameters as fitting would, without fitting.
    pub fn check(&self) -> Result<(), TrainError> {
        match self {
            ModelParams::Logistic(p) => p.check_ref().map(|_| ()),
            ModelParams::Tree(p) => p.check_ref().map(|_| ()),
            ModelParams::Forest(p) => p.check_ref().map(|_| ()),
            ModelParams::Boosting(p) => p.check_ref().map(|_| ()),
        }
    }

    /// Sets the parameter `name` (scikit-learn's or XGBoost's name, as [`ModelKind::param_names`] lists
    /// them) from its text, as the CLI's `-P name=value` and the grid search give it, and checks the
    /// result. Numbers are written as usual (`0.1`, `100`); `max_depth` and `early_stopping_rounds` take
    /// `None` for no limit; `max_features` takes `sqrt`, `log2`, `None` (all features), a count (`6`) or a
    /// fraction (`0.5`); `bootstrap` takes `True` or `False`. The text [`ModelParams::tracking_params`]
    /// logs is always accepted back.
    ///
    /// An unknown name is an error listing this family's names; a value that does not parse or is out of
    /// range is an error saying what is expected, and leaves the parameters unchanged.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), TrainError> {
        let kind = self.kind();
        let unknown = || TrainError::UnknownParam {
            name: name.to_string(),
            model: kind.name().to_string(),
            valid: kind.param_names().iter().map(|n| n.to_string()).collect(),
        };
        let mut changed = self.clone();
        match &mut changed {
            ModelParams::Logistic(p) => {
                let current = p.clone();
                *p = match name {
                    "C" => current.c(parse_f64(name, value, "a positive number such as 1.0")?),
                    "max_iter" => current.max_iter(parse_u64(name, value, "a whole number such as 100")?),
                    "tol" => current.tol(parse_f64(name, value, "a positive number such as 0.0001")?),
                    _ => return Err(unknown()),
                };
            }
            ModelParams::Tree(p) => {
                if !p.set(name, value)? {
                    return Err(unknown());
                }
            }
            ModelParams::Forest(p) => {
                if !p.set(name, value)? {
                    return Err(unknown());
                }
            }
            ModelParams::Boosting(p) => {
                if !p.set(name, value)? {
                    return Err(unknown());
                }
            }
        }
        changed.check()?;
        *self = changed;
        Ok(())
    }

    /// The parameters as MLflow logs them: `model` (the [`ModelKind::name`]) first, then each of
    /// [`ModelKind::param_names`] as text that [`ModelParams::set`] reads back.
    pub fn tracking_params(&self) -> Vec<(String, String)> {
        let mut params = vec![("model".to_string(), self.kind().name().to_string())];
        let values: Vec<String> = match self {
            ModelParams::Logistic(p) => {
                let p = p.unchecked();
                vec![p.c().to_string(), p.max_iter().to_string(), p.tol().to_string()]
            }
            ModelParams::Tree(p) => p.param_values(),
            ModelParams::Forest(p) => p.param_values(),
            ModelParams::Boosting(p) => p.param_values(),
        };
        params.extend(self.kind().param_names().iter().map(|n| n.to_string()).zip(values));
        params
    }

    /// Checks the parameters and fits on `data`. `seed` drives every random choice of the fit (the
    /// forest's bootstrap and feature draws, boosting's row and column samples and validation fold), so
    /// the same data, parameters and seed give the same model on every target. `progress` is called with
    /// the share of the fit done, from 0 to 1, after each tree or round.
    pub fn fit(
        &self,
        data: &TrainingSet,
        seed: u64,
        progress: &mut dyn FnMut(f64),
    ) -> Result<FittedModel, TrainError> {
        let model = match self {
            ModelParams::Logistic(p) => FittedModel::Logistic(p.check_ref()?.fit(data)?),
            ModelParams::Tree(p) => FittedModel::Tree(p.check_ref()?.fit(data, seed)?),
            ModelParams::Forest(p) => FittedModel::Forest(p.check_ref()?.fit_with(data, seed, progress)?),
            ModelParams::Boosting(p) => FittedModel::Boosting(p.check_ref()?.fit_with(data, seed, progress)?),
        };
        progress(1.0);
        Ok(model)
    }
}

/// A fitted model of any family. Serializable: the registry stores it, and the worker sends it to the
/// page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", content = "fitted")]
pub enum FittedModel {
    /// A logistic regression.
    #[serde(rename = "logreg")]
    Logistic(FittedLogistic),
    /// A decision tree.
    #[serde(rename = "tree")]
    Tree(FittedTree),
    /// A random forest.
    #[serde(rename = "forest")]
    Forest(FittedForest),
    /// A boosted ensemble.
    #[serde(rename = "boosting")]
    Boosting(FittedBoosting),
}

impl FittedModel {
    /// The family of this model.
    pub fn kind(&self) -> ModelKind {
        match self {
            FittedModel::Logistic(_) => ModelKind::LogisticRegression,
            FittedModel::Tree(_) => ModelKind::DecisionTree,
            FittedModel::Forest(_) => ModelKind::RandomForest,
            FittedModel::Boosting(_) => ModelKind::GradientBoosting,
        }
    }

    /// The number of features the model expects.
    pub fn n_features(&self) -> usize {
        match self {
            FittedModel::Logistic(m) => m.n_features(),
            FittedModel::Tree(m) => m.n_features(),
            FittedModel::Forest(m) => m.n_features(),
            FittedModel::Boosting(m) => m.n_features(),
        }
    }

    /// The probability of the positive class for each row of `x`. Errors when `x` does not have
    /// [`FittedModel::n_features`] columns.
    pub fn predict_proba(&self, x: &Array2<f64>) -> Result<Vec<f64>, TrainError> {
        match self {
            FittedModel::Logistic(m) => m.predict_proba(x),
            FittedModel::Tree(m) => m.predict_proba(x),
            FittedModel::Forest(m) => m.predict_proba(x),
            FittedModel::Boosting(m) => m.predict_proba(x),
        }
    }

    /// How much each feature contributes, one value per feature, summing to 1 (all zeros for a model that
    /// uses no feature, such as a tree with no split): the normalized absolute coefficients of a logistic
    /// regression (meaningful because the pipeline standardizes features), the mean decrease in Gini
    /// impurity of a tree or forest (scikit-learn's `feature_importances_`), and the total gain of the
    /// boosted trees' splits.
    pub fn feature_importances(&self) -> Vec<f64> {
        match self {
            FittedModel::Logistic(m) => normalized(m.coefficients.iter().map(|c| c.abs()).collect()),
            FittedModel::Tree(m) => m.feature_importances(),
            FittedModel::Forest(m) => m.feature_importances(),
            FittedModel::Boosting(m) => m.feature_importances(),
        }
    }

    /// Boosting's training and validation log loss after each round; empty for the other families.
    pub fn history(&self) -> &[RoundLoss] {
        match self {
            FittedModel::Boosting(m) => &m.history,
            _ => &[],
        }
    }
}

/// `values` divided by their sum, or left as they are (zeros) when the sum is not positive.
pub(crate) fn normalized(mut values: Vec<f64>) -> Vec<f64> {
    let total: f64 = values.iter().sum();
    if total > 0.0 && total.is_finite() {
        values.iter_mut().for_each(|v| *v /= total);
    }
    values
}

/// An [`TrainError::InvalidParam`] for `name = value`, expecting `expected`.
pub(crate) fn invalid(name: &str, value: impl ToString, expected: &str) -> TrainError {
    TrainError::InvalidParam {
        name: name.to_string(),
        value: value.to_string(),
        expected: expected.to_string(),
    }
}

/// Reads a number.
pub(crate) fn parse_f64(name: &str, value: &str, expected: &str) -> Result<f64, TrainError> {
    value.trim().parse::<f64>().map_err(|_| invalid(name, value, expected))
}

/// Reads a non-negative whole number.
pub(crate) fn parse_u64(name: &str, value: &str, expected: &str) -> Result<u64, TrainError> {
    value.trim().parse::<u64>().map_err(|_| invalid(name, value, expected))
}

/// Reads a non-negative whole number that fits in 32 bits.
pub(crate) fn parse_u32(name: &str, value: &str, expected: &str) -> Result<u32, TrainError> {
    value.trim().parse::<u32>().map_err(|_| invalid(name, value, expected))
}

/// Whether `value` means "no value" (`None`, as scikit-learn writes it, or `none`, `null`).
pub(crate) fn is_none(value: &str) -> bool {
    matches!(value.trim(), "None" | "none" | "null")
}

/// Reads a whole number, or `None`.
pub(crate) fn parse_optional_u32(name: &str, value: &str, expected: &str) -> Result<Option<u32>, TrainError> {
    if is_none(value) {
        Ok(None)
    } else {
        parse_u32(name, value, expected).map(Some)
    }
}

/// Reads `True` / `False` (any case, or `1` / `0`).
pub(crate) fn parse_bool(name: &str, value: &str) -> Result<bool, TrainError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(invalid(name, value, "True or False")),
    }
}

/// Python's spelling of a boolean, as MLflow logs it.
pub(crate) fn bool_text(value: bool) -> String {
    if value { "True" } else { "False" }.to_string()
}

/// Python's spelling of an optional number.
pub(crate) fn optional_text(value: Option<u32>) -> String {
    value.map_or_else(|| "None".to_string(), |v| v.to_string())
}

/// Reads `max_features`.
pub(crate) fn parse_max_features(name: &str, value: &str) -> Result<MaxFeatures, TrainError> {
    value.parse::<MaxFeatures>().map_err(|_| {
        invalid(name, value, "sqrt, log2, None (all features), a count such as 6 or a fraction such as 0.5")
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    /// Sets `name = value` on `kind`'s defaults and checks the logged text of `name` afterwards, or the
    /// error.
    fn check(kind: ModelKind, name: &str, value: &str, expected: Result<&str, &str>) {
        let mut params = ModelParams::default_for(kind);
        let before = params.clone();
        let got = params.set(name, value).map(|()| {
            let logged = params.tracking_params();
            logged.into_iter().find(|(k, _)| k == name).map(|(_, v)| v).unwrap_or_default()
        });
        match (&got, expected) {
            (Ok(text), Ok(expected)) => assert_eq!(text, expected, "{kind} {name}={value}"),
            (Err(error), Err(expected)) => {
                assert_eq!(error.to_string(), expected, "{kind} {name}={value}");
                assert_eq!(params, before, "a refused value leaves the parameters unchanged");
            }
            _ => panic!("{kind} {name}={value}: got {got:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn parameters_are_set_by_name() {
        use ModelKind::*;
        check(LogisticRegression, "C", "0.5", Ok("0.5"));
        check(LogisticRegression, "max_iter", "200", Ok("200"));
        check(
            LogisticRegression,
            "C",
            "0",
            Err("C = 0 is not a positive number: choose a value such as 1.0 (smaller regularizes more)"),
        );
        check(
            LogisticRegression,
            "C",
            "abc",
            Err("C = abc is not valid: choose a positive number such as 1.0"),
        );
        check(DecisionTree, "max_depth", "5", Ok("5"));
        check(DecisionTree, "max_depth", "None", Ok("None"));
        check(
            DecisionTree,
            "max_depth",
            "0",
            Err("max_depth = 0 is not valid: choose a whole number of at least 1, or None for no limit"),
        );
        check(
            DecisionTree,
            "min_samples_split",
            "1",
            Err("min_samples_split = 1 is not valid: choose a whole number of at least 2"),
        );
        check(DecisionTree, "min_samples_leaf", "5", Ok("5"));
        check(DecisionTree, "max_features", "sqrt", Ok("sqrt"));
        check(DecisionTree, "max_features", "0.5", Ok("0.5"));
        check(DecisionTree, "max_features", "1.0", Ok("1.0"));
        check(DecisionTree, "max_features", "7", Ok("7"));
        check(
            DecisionTree,
            "max_features",
            "1.5",
            Err("max_features = 1.5 is not valid: choose a fraction in (0, 1], such as 0.5"),
        );
        check(DecisionTree, "max_features", "most", Err("max_features = most is not valid: choose sqrt, log2, None (all features), a count such as 6 or a fraction such as 0.5"));
        check(DecisionTree, "max_bins", "None", Ok("None"));
        check(DecisionTree, "max_bins", "1000", Ok("1000"));
        check(
            DecisionTree,
            "max_bins",
            "1",
            Err("max_bins = 1 is not valid: choose a whole number from 2 to 65535, or None for exact splits"),
        );
        check(DecisionTree, "n_estimators", "5", Err("`n_estimators` is not a parameter of decision_tree: choose one of `max_depth`, `min_samples_split`, `min_samples_leaf`, `max_features`, `max_bins`"));
        check(RandomForest, "n_estimators", "50", Ok("50"));
        check(
            RandomForest,
            "n_estimators",
            "0",
            Err("n_estimators = 0 is not valid: choose a whole number of at least 1, such as 100"),
        );
        check(RandomForest, "bootstrap", "false", Ok("False"));
        check(
            RandomForest,
            "bootstrap",
            "maybe",
            Err("bootstrap = maybe is not valid: choose True or False"),
        );
        check(
            RandomForest,
            "max_bins",
            "256",
            Err("max_bins = 256 is not valid: choose a whole number from 2 to 255"),
        );
        check(RandomForest, "max_features", "log2", Ok("log2"));
        check(GradientBoosting, "learning_rate", "0.1", Ok("0.1"));
        check(
            GradientBoosting,
            "learning_rate",
            "0",
            Err("learning_rate = 0 is not valid: choose a number greater than 0 and at most 1, such as 0.3"),
        );
        check(
            GradientBoosting,
            "learning_rate",
            "1.5",
            Err(
                "learning_rate = 1.5 is not valid: choose a number greater than 0 and at most 1, such as 0.3",
            ),
        );
        check(
            GradientBoosting,
            "subsample",
            "0",
            Err("subsample = 0 is not valid: choose a number greater than 0 and at most 1, such as 1"),
        );
        check(GradientBoosting, "colsample_bytree", "0.8", Ok("0.8"));
        check(
            GradientBoosting,
            "reg_lambda",
            "-1",
            Err("reg_lambda = -1 is not valid: choose a number of at least 0, such as 1"),
        );
        check(
            GradientBoosting,
            "min_child_weight",
            "NaN",
            Err("min_child_weight = NaN is not valid: choose a number of at least 0, such as 1"),
        );
        check(
            GradientBoosting,
            "max_depth",
            "0",
            Err("max_depth = 0 is not valid: choose a whole number from 1 to 30, such as 6"),
        );
        check(GradientBoosting, "early_stopping_rounds", "10", Ok("10"));
        check(
            GradientBoosting,
            "early_stopping_rounds",
            "0",
            Err("early_stopping_rounds = 0 is not valid: choose a whole number of at least 1, or None"),
        );
        check(
            GradientBoosting,
            "validation_fraction",
            "1",
            Err(
                "validation_fraction = 1 is not valid: choose a number strictly between 0 and 1, such as 0.1",
            ),
        );
        check(GradientBoosting, "C", "1", Err("`C` is not a parameter of gradient_boosting: choose one of `n_estimators`, `learning_rate`, `max_depth`, `min_child_weight`, `reg_lambda`, `subsample`, `colsample_bytree`, `max_bins`, `early_stopping_rounds`, `validation_fraction`"));
    }

    #[test]
    fn logged_parameters_read_back() {
        for kind in ModelKind::ALL {
            let mut params = ModelParams::default_for(kind);
            // Change every parameter away from its default where a valid other value is easy to name.
            for (name, value) in [
                ("C", "0.25"),
                ("max_iter", "50"),
                ("tol", "0.001"),
                ("max_depth", "7"),
                ("min_samples_split", "4"),
                ("min_samples_leaf", "2"),
                ("max_features", "0.3"),
                ("n_estimators", "20"),
                ("bootstrap", "False"),
                ("max_bins", "64"),
                ("learning_rate", "0.05"),
                ("min_child_weight", "2.5"),
                ("reg_lambda", "0.5"),
                ("subsample", "0.75"),
                ("colsample_bytree", "0.5"),
                ("early_stopping_rounds", "5"),
                ("validation_fraction", "0.2"),
            ] {
                if kind.param_names().contains(&name) {
                    params.set(name, value).unwrap();
                }
            }
            let logged = params.tracking_params();
            assert_eq!(logged[0], ("model".to_string(), kind.name().to_string()));
            let names: Vec<&str> = logged[1..].iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(names, kind.param_names());
            let mut again = ModelParams::default_for(kind);
            for (name, value) in &logged[1..] {
                again.set(name, value).unwrap();
            }
            assert_eq!(again, params, "{kind}");
            // The JSON form reads back too, and names the family.
            let json = serde_json::to_string(&params).unwrap();
            assert!(json.starts_with(&format!(r#"{{"model":"{}","params":{{"#, kind.short_name())), "{json}");
            assert_eq!(serde_json::from_str::<ModelParams>(&json).unwrap(), params);
        }
    }

    #[test]
    fn families_by_name() {
        assert_eq!(ModelKind::from_name("forest"), Ok(ModelKind::RandomForest));
        assert_eq!(ModelKind::from_name("gradient_boosting"), Ok(ModelKind::GradientBoosting));
        assert_eq!(
            ModelKind::from_name("svm").unwrap_err().to_string(),
            "`svm` is not a model: choose one of `logreg`, `tree`, `forest`, `boosting`"
        );
        for kind in ModelKind::ALL {
            assert_eq!(ModelParams::default_for(kind).kind(), kind);
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.short_name()));
        }
        // Missing fields take their defaults, so a short JSON form is enough.
        let params: ModelParams =
            serde_json::from_str(r#"{"model":"forest","params":{"n_estimators":10}}"#).unwrap();
        assert_eq!(params, ModelParams::Forest(ForestParams::new().n_estimators(10)));
        // Checked parameters refuse bad values when read.
        let bad = r#"{"n_estimators":0}"#;
        assert!(serde_json::from_str::<super::super::forest::ForestValidParams>(bad).is_err());
    }

    #[test]
    fn logistic_importances_are_normalized_coefficients() {
        let x = Array2::from_shape_fn((8, 2), |(i, j)| if j == 0 { i as f64 } else { (i % 3) as f64 });
        let y = (0..8).map(|i| i >= 4).collect();
        let model = ModelParams::default().fit(&TrainingSet::new(x, y).unwrap(), 0, &mut |_| {}).unwrap();
        let FittedModel::Logistic(logistic) = &model else { panic!("{model:?}") };
        let total: f64 = logistic.coefficients.iter().map(|c| c.abs()).sum();
        let expected: Vec<f64> = logistic.coefficients.iter().map(|c| c.abs() / total).collect();
        assert_eq!(model.feature_importances(), expected);
        assert_eq!(normalized(vec![0.0, 0.0]), vec![0.0, 0.0]);
        assert!(model.history().is_empty());
    }
}
