//! L2-regularized logistic regression with scikit-learn's parameters, fitted by `linfa-logistic`.
//!
//! The parameters follow linfa's idiom: [`LogisticParams`] is the unchecked builder, [`ParamGuard`] checks it
//! into [`LogisticValidParams`], and fitting produces a separate [`FittedLogistic`]. They take scikit-learn's
//! names (`C`, `max_iter`, `tol`) and meaning, so that a run's parameters read the same as in a notebook.
//!
//! # How `C` maps to linfa's `alpha`
//!
//! scikit-learn's `LogisticRegression` minimizes `½‖w‖² + C · Σᵢ logloss(yᵢ, w·xᵢ + b)`. `linfa-logistic`
//! 0.8.1 minimizes `Σᵢ logloss(yᵢ, w·xᵢ + b) + (alpha/2) · ‖w‖²` (`logistic_loss` in its `lib.rs`). Dividing
//! scikit-learn's objective by `C` gives linfa's with **`alpha = 1 / C`**; neither penalizes the intercept,
//! so the two have the same minimizer.
//!
//! # How `tol` maps to linfa's gradient tolerance
//!
//! scikit-learn (lbfgs) stops when every component of the gradient of the *mean* objective
//! `(1/n) · (Σ logloss + ‖w‖²/(2C))` is at most `tol`. linfa's L-BFGS stops when the Euclidean norm of the
//! gradient of its *summed* objective is below its `gradient_tolerance`. We pass `tol · n`, so linfa stops
//! only once scikit-learn's criterion holds too (the Euclidean norm bounds every component).
//!
//! Preconditions that linfa would otherwise meet with a panic or an opaque error (no rows, one class,
//! non-finite values, mismatched lengths) are made impossible by [`TrainingSet`].

use linfa::traits::Fit;
use linfa::ParamGuard;
use ndarray::{Array2, ArrayView1};
use serde::{Deserialize, Serialize};

use super::TrainError;

/// Checked logistic regression parameters. Obtain them from [`LogisticParams`] through [`ParamGuard`];
/// deserializing them checks them too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RawParams", try_from = "RawParams")]
pub struct LogisticValidParams {
    c: f64,
    max_iter: u64,
    tol: f64,
}

/// Logistic regression parameters, as scikit-learn names them, not yet checked. Build them with
/// [`LogisticParams::new`] and the setters; [`ParamGuard::check`] turns them into [`LogisticValidParams`].
/// In JSON they are `{"C": 1.0, "max_iter": 100, "tol": 0.0001}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RawParams", from = "RawParams")]
pub struct LogisticParams(LogisticValidParams);

/// The serialized shape of both parameter types.
#[derive(Clone, Serialize, Deserialize)]
struct RawParams {
    #[serde(rename = "C")]
    c: f64,
    max_iter: u64,
    tol: f64,
}

impl From<LogisticParams> for RawParams {
    fn from(params: LogisticParams) -> RawParams {
        params.0.into()
    }
}

impl From<LogisticValidParams> for RawParams {
    fn from(LogisticValidParams { c, max_iter, tol }: LogisticValidParams) -> RawParams {
        RawParams { c, max_iter, tol }
    }
}

impl From<RawParams> for LogisticParams {
    fn from(RawParams { c, max_iter, tol }: RawParams) -> LogisticParams {
        LogisticParams(LogisticValidParams { c, max_iter, tol })
    }
}

impl TryFrom<RawParams> for LogisticValidParams {
    type Error = TrainError;

    fn try_from(raw: RawParams) -> Result<LogisticValidParams, TrainError> {
        LogisticParams::from(raw).check()
    }
}

impl Default for LogisticParams {
    fn default() -> LogisticParams {
        LogisticParams::new()
    }
}

impl LogisticParams {
    /// scikit-learn's defaults (`C = 1`, `tol = 1e-4`) with `max_iter = 100`.
    ///
    /// On standardized features L-BFGS needs far fewer than 100 iterations (on the Telco data set
    /// scikit-learn stops after 26 to 38, depending on the split, and this fit after about 40), so 100,
    /// scikit-learn's own default, is kept: it only bounds the time a badly scaled problem can take, and
    /// [`FittedLogistic::converged`] says when it was not enough.
    pub fn new() -> LogisticParams {
        LogisticParams(LogisticValidParams { c: 1.0, max_iter: 100, tol: 1e-4 })
    }

    /// Sets `C`, the inverse of the L2 regularization strength: smaller is stronger. Default `1.0`; must be
    /// positive and finite.
    pub fn c(mut self, c: f64) -> LogisticParams {
        self.0.c = c;
        self
    }

    /// Sets the most L-BFGS iterations. Default `100`; must be at least 1.
    pub fn max_iter(mut self, max_iter: u64) -> LogisticParams {
        self.0.max_iter = max_iter;
        self
    }

    /// Sets the stopping tolerance on the largest component of the mean objective's gradient. Default
    /// `1e-4`; must be positive and finite.
    pub fn tol(mut self, tol: f64) -> LogisticParams {
        self.0.tol = tol;
        self
    }

    /// The parameters as set, unchecked (for showing them in a form).
    pub fn unchecked(&self) -> &LogisticValidParams {
        &self.0
    }

    /// Checks the parameters and fits on `data`.
    pub fn fit(&self, data: &TrainingSet) -> Result<FittedLogistic, TrainError> {
        self.check_ref()?.fit(data)
    }
}

impl ParamGuard for LogisticParams {
    type Checked = LogisticValidParams;
    type Error = TrainError;

    fn check_ref(&self) -> Result<&LogisticValidParams, TrainError> {
        let LogisticValidParams { c, max_iter, tol } = self.0;
        if !(c > 0.0 && c.is_finite() && (1.0 / c).is_finite()) {
            return Err(TrainError::InvalidC { c });
        }
        if max_iter == 0 {
            return Err(TrainError::InvalidMaxIter { max_iter });
        }
        if !(tol > 0.0 && tol.is_finite()) {
            return Err(TrainError::InvalidTol { tol });
        }
        Ok(&self.0)
    }

    fn check(self) -> Result<LogisticValidParams, TrainError> {
        self.check_ref()?;
        Ok(self.0)
    }
}

impl LogisticValidParams {
    /// scikit-learn's `C`.
    pub fn c(&self) -> f64 {
        self.c
    }

    /// Most L-BFGS iterations.
    pub fn max_iter(&self) -> u64 {
        self.max_iter
    }

    /// Stopping tolerance on the mean objective's gradient.
    pub fn tol(&self) -> f64 {
        self.tol
    }

    /// Fits a logistic regression on `data` (see the module documentation for how the parameters reach
    /// linfa). A solver failure is a [`TrainError::Solver`], never a panic.
    pub fn fit(&self, data: &TrainingSet) -> Result<FittedLogistic, TrainError> {
        let n = data.n_rows() as f64;
        let solver = linfa_logistic::LogisticRegression::<f64>::new()
            .alpha(1.0 / self.c)
            .with_intercept(true)
            .max_iterations(self.max_iter)
            .gradient_tolerance(self.tol * n);
        let dataset = linfa::DatasetBase::new(data.x.view(), ArrayView1::from(data.y.as_slice()));
        let fitted = solver.fit(&dataset).map_err(|e| TrainError::Solver { message: e.to_string() })?;
        // linfa models the probability of the class it labels positive, which is the more frequent one, not
        // necessarily `true`: turn the model around when it labelled `false` positive.
        let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
        let coefficients: Vec<f64> = fitted.params().iter().map(|w| sign * w).collect();
        let intercept = sign * fitted.intercept();
        let gradient_max = mean_gradient_max(data, &coefficients, intercept, self.c);
        Ok(FittedLogistic { coefficients, intercept, gradient_max, converged: gradient_max <= self.tol })
    }
}

/// The largest absolute component of the gradient of scikit-learn's mean objective at `(w, b)`.
fn mean_gradient_max(data: &TrainingSet, w: &[f64], b: f64, c: f64) -> f64 {
    let n = data.n_rows() as f64;
    let mut gradient = vec![0.0; w.len() + 1];
    for (row, &label) in data.x.rows().into_iter().zip(&data.y) {
        let residual =
            sigmoid(b + row.iter().zip(w).map(|(x, w)| x * w).sum::<f64>()) - f64::from(u8::from(label));
        for (g, x) in gradient.iter_mut().zip(row.iter().chain(std::iter::once(&1.0))) {
            *g += residual * x;
        }
    }
    let penalty = w.iter().map(|w| w / c).chain(std::iter::once(0.0));
    gradient.iter().zip(penalty).map(|(g, p)| ((g + p) / n).abs()).fold(0.0, f64::max)
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// A feature matrix and its labels that logistic regression can be fitted on: at least one row and one
/// feature, every value finite, as many labels as rows, and both classes present. The only way to build
/// one is [`TrainingSet::new`], which checks all of that.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingSet {
    x: Array2<f64>,
    y: Vec<bool>,
}

impl TrainingSet {
    /// Checks `x` (one row per example) and `y` (`true` for the positive class).
    pub fn new(x: Array2<f64>, y: Vec<bool>) -> Result<TrainingSet, TrainError> {
        if x.nrows() != y.len() {
            return Err(TrainError::ShapeMismatch { rows: x.nrows(), labels: y.len() });
        }
        if x.nrows() == 0 {
            return Err(TrainError::NoRows);
        }
        if x.ncols() == 0 {
            return Err(TrainError::NoFeatures { dropped: Vec::new() });
        }
        if let Some(((row, feature), _)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(TrainError::NonFinite { row, feature });
        }
        for positive in [true, false] {
            if !y.contains(&positive) {
                return Err(TrainError::MissingClass { positive });
            }
        }
        Ok(TrainingSet { x, y })
    }

    /// The feature matrix.
    pub fn records(&self) -> &Array2<f64> {
        &self.x
    }

    /// The labels.
    pub fn labels(&self) -> &[bool] {
        &self.y
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.x.nrows()
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.x.ncols()
    }
}

/// A fitted logistic regression: `P(positive | x) = σ(intercept + coefficients · x)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedLogistic {
    /// One weight per feature, in the pipeline's feature order.
    pub coefficients: Vec<f64>,
    /// The bias.
    pub intercept: f64,
    /// The largest absolute component of the mean objective's gradient at the solution.
    pub gradient_max: f64,
    /// Whether `gradient_max` is within `tol` (scikit-learn would warn `ConvergenceWarning` otherwise).
    pub converged: bool,
}

impl FittedLogistic {
    /// The number of features the model expects.
    pub fn n_features(&self) -> usize {
        self.coefficients.len()
    }

    /// The linear score `intercept + coefficients · x` of each row.
    pub fn decision_function(&self, x: &Array2<f64>) -> Result<Vec<f64>, TrainError> {
        if x.ncols() != self.coefficients.len() {
            return Err(TrainError::FeatureCount { expected: self.coefficients.len(), found: x.ncols() });
        }
        Ok(x.rows()
            .into_iter()
            .map(|row| self.intercept + row.iter().zip(&self.coefficients).map(|(x, w)| x * w).sum::<f64>())
            .collect())
    }

    /// The probability of the positive class for each row of `x`. Errors when `x` does not have
    /// [`FittedLogistic::n_features`] columns.
    pub fn predict_proba(&self, x: &Array2<f64>) -> Result<Vec<f64>, TrainError> {
        Ok(self.decision_function(x)?.into_iter().map(sigmoid).collect())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    const X: [[f64; 3]; 30] = [
        [1.79, 0.44, 0.1],
        [-1.86, -0.28, -0.35],
        [-0.08, -0.63, -0.04],
        [-0.48, -1.31, 0.88],
        [0.88, 1.71, 0.05],
        [-0.4, -0.55, -1.55],
        [0.98, -1.1, -1.19],
        [-0.21, 1.49, 0.24],
        [-1.02, -0.71, 0.63],
        [-0.16, -0.77, -0.23],
        [0.75, 1.98, -1.24],
        [-0.63, -0.8, -2.42],
        [-0.92, -1.02, 1.12],
        [-0.13, -1.62, 0.65],
        [-0.36, -1.74, -0.6],
        [-0.59, -0.87, 0.03],
        [-2.25, -0.27, 1.01],
        [0.85, 1.11, 1.12],
        [1.49, -1.12, 0.85],
        [-1.86, -0.6, -1.91],
        [1.05, 1.33, -0.2],
        [1.77, -0.67, 0.15],
        [0.15, -1.06, 0.44],
        [1.94, -1.02, 0.9],
        [-0.15, 1.77, 0.48],
        [0.68, 0.64, 0.25],
        [-1.4, 1.39, -1.37],
        [0.24, 0.61, -0.84],
        [0.15, 1.17, -0.02],
        [-0.89, -2.92, -0.97],
    ];
    const Y: [u8; 30] =
        [1, 0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1];

    fn set(flip: bool) -> TrainingSet {
        let x = Array2::from_shape_fn((30, 3), |(i, j)| X[i][j]);
        TrainingSet::new(x, Y.iter().map(|&y| (y == 1) != flip).collect()).unwrap()
    }

    /// Fits with `C = c` and a tight tolerance and checks coefficients and intercept against
    /// scikit-learn's to 1e-6 (they agree to about 1e-9; the goal is 1e-3), also with the classes swapped,
    /// which makes linfa label the other class positive.
    fn check(c: f64, coefficients: [f64; 3], intercept: f64) {
        for flip in [false, true] {
            let sign = if flip { -1.0 } else { 1.0 };
            let model = LogisticParams::new().c(c).tol(1e-10).max_iter(1000).fit(&set(flip)).unwrap();
            for (got, expected) in model.coefficients.iter().zip(coefficients) {
                assert!(
                    (got - sign * expected).abs() < 1e-6,
                    "C={c} flip={flip}: {got} vs {}",
                    sign * expected
                );
            }
            assert!(
                (model.intercept - sign * intercept).abs() < 1e-6,
                "C={c}: {} vs {intercept}",
                model.intercept
            );
            // At this tolerance linfa stops when the cost no longer changes in the last bit, which may be
            // before the gradient is below 1e-10.
            assert!(model.gradient_max < 1e-8, "C={c}: gradient {}", model.gradient_max);
        }
    }

    #[test]
    fn coefficients_match_scikit_learn() {
        // scikit-learn 1.9.1: LogisticRegression(C=c, tol=1e-12, max_iter=100000).fit(X, y).
        check(1.0, [1.2207902283500593, -1.6604464216147634, 0.2242400093761013], 0.28836043924023885);
        check(0.1, [0.35609302094712963, -0.6129377988247333, 0.10596185083996483], 0.21775677541866303);
        check(10.0, [2.761590283300412, -3.104881267103583, 0.28900093060203447], 0.4710266544159608);
    }

    #[test]
    fn probabilities_match_scikit_learn() {
        let model = LogisticParams::new().tol(1e-10).fit(&set(false)).unwrap();
        let x = Array2::from_shape_fn((3, 3), |(i, j)| X[i][j]);
        let p = model.predict_proba(&x).unwrap();
        // scikit-learn's predict_proba(X[:3])[:, 1] with C = 1.
        for (got, expected) in p.iter().zip([0.8538849977549079, 0.16855985663807882, 0.773434844535906]) {
            assert!((got - expected).abs() < 1e-4, "{got} vs {expected}");
        }
        assert_eq!(
            model.predict_proba(&Array2::zeros((1, 2))),
            Err(TrainError::FeatureCount { expected: 3, found: 2 })
        );
        // serde_json without its `float_roundtrip` feature may read a float back one ulp off.
        let back: FittedLogistic = serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
        assert!(back.coefficients.iter().zip(&model.coefficients).all(|(a, b)| (a - b).abs() < 1e-12));
        assert_eq!(back.n_features(), 3);
    }

    #[test]
    fn default_tolerance_converges() {
        let model = LogisticParams::new().fit(&set(false)).unwrap();
        assert!(model.converged && model.gradient_max <= 1e-4, "{}", model.gradient_max);
    }

    /// Checks that `params` fail their check with `expected`.
    fn check_params(params: LogisticParams, expected: TrainError) {
        assert_eq!(params.check(), Err(expected));
    }

    #[test]
    fn invalid_parameters_are_errors() {
        check_params(LogisticParams::new().c(0.0), TrainError::InvalidC { c: 0.0 });
        check_params(LogisticParams::new().c(-1.0), TrainError::InvalidC { c: -1.0 });
        check_params(LogisticParams::new().c(f64::INFINITY), TrainError::InvalidC { c: f64::INFINITY });
        check_params(LogisticParams::new().c(1e-320), TrainError::InvalidC { c: 1e-320 });
        check_params(LogisticParams::new().max_iter(0), TrainError::InvalidMaxIter { max_iter: 0 });
        check_params(LogisticParams::new().tol(0.0), TrainError::InvalidTol { tol: 0.0 });
        assert!(LogisticParams::new().check().is_ok());
        // Deserializing checked parameters checks them.
        let json = r#"{"C":-1.0,"max_iter":100,"tol":0.0001}"#;
        assert!(serde_json::from_str::<LogisticValidParams>(json).is_err());
        let params: LogisticParams = serde_json::from_str(json).unwrap();
        assert_eq!(params, LogisticParams::new().c(-1.0));
        assert_eq!(
            serde_json::to_string(&LogisticParams::new()).unwrap(),
            r#"{"C":1.0,"max_iter":100,"tol":0.0001}"#
        );
    }

    /// Checks that `TrainingSet::new` rejects `x`, `y` with `expected`.
    fn check_set(x: Array2<f64>, y: Vec<bool>, expected: TrainError) {
        assert_eq!(TrainingSet::new(x, y), Err(expected));
    }

    #[test]
    fn training_set_preconditions() {
        check_set(Array2::zeros((0, 2)), vec![], TrainError::NoRows);
        check_set(Array2::zeros((2, 2)), vec![true], TrainError::ShapeMismatch { rows: 2, labels: 1 });
        check_set(Array2::zeros((2, 0)), vec![true, false], TrainError::NoFeatures { dropped: vec![] });
        check_set(Array2::zeros((2, 1)), vec![true, true], TrainError::MissingClass { positive: false });
        check_set(Array2::zeros((2, 1)), vec![false, false], TrainError::MissingClass { positive: true });
        let mut x = Array2::zeros((2, 2));
        if let Some(v) = x.get_mut((1, 0)) {
            *v = f64::NAN;
        }
        check_set(x, vec![true, false], TrainError::NonFinite { row: 1, feature: 0 });
    }

    #[test]
    fn separable_data_does_not_panic() {
        // Perfectly separable: the regularization keeps the weights finite.
        let x = Array2::from_shape_fn((4, 1), |(i, _)| i as f64);
        let model =
            LogisticParams::new().fit(&TrainingSet::new(x, vec![false, false, true, true]).unwrap()).unwrap();
        assert!(model.coefficients.iter().all(|w| w.is_finite() && *w > 0.0));
        // A single constant feature: only the intercept can learn.
        let x = Array2::zeros((3, 1));
        let model =
            LogisticParams::new().fit(&TrainingSet::new(x, vec![false, true, true]).unwrap()).unwrap();
        assert!((model.intercept - 2.0_f64.ln()).abs() < 1e-3, "{}", model.intercept);
    }
}
