//! Gradient-boosted trees for binary classification in XGBoost's spirit (`XGBClassifier` with
//! `objective="binary:logistic"`, `tree_method="hist"`), grown on the histogram engine of
//! [`super::hist`].
//!
//! Each round fits one tree to the gradient `g = p − y` and hessian `h = max(p(1 − p), 10⁻¹⁶)` of the
//! logistic loss at the current scores, with XGBoost's second-order split gain
//! `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)` (a split must gain more than 10⁻⁶ and leave each child a
//! hessian of at least `min_child_weight`), leaf weights `−G/(H+λ)` shrunk by `learning_rate`, and trees
//! grown depth-wise to `max_depth`. The starting score is the log-odds of the training rows' positive
//! share, as XGBoost ≥ 2 estimates `base_score` for this objective. Defaults are XGBoost's:
//! `learning_rate=0.3`, `max_depth=6`, `n_estimators=100`, `reg_lambda=1`, `min_child_weight=1`,
//! `subsample=1`, `colsample_bytree=1`; XGBoost's `max_bin=256` becomes 255 here (codes are bytes).
//!
//! With `early_stopping_rounds = k`, a stratified `validation_fraction` of the training rows is held out,
//! training stops once the validation log loss has not improved for `k` rounds, and the model keeps the
//! rounds up to the best one. [`FittedBoosting::history`] holds the training (and validation) log loss
//! after every round grown, for the run's metric curves.
//!
//! Row subsampling (`subsample`, each row kept with that probability) and column subsampling
//! (`colsample_bytree`, a fixed-size draw per tree) draw from `rng::stream(seed, …)` per round. The
//! exponential and logarithm come from `libm`, so scores are bit-identical natively and in WebAssembly.

use linfa::ParamGuard;
use ndarray::{Array2, Axis};
use rand::Rng as _;
use serde::{Deserialize, Serialize};

use super::hist::{Binned, Criterion, GradStat, Grower};
use super::logistic::TrainingSet;
use super::model::{invalid, optional_text, parse_f64, parse_optional_u32, parse_u32};
use super::tree::{check_features, check_max_bins, CompactTrees, Node, Tree, MAX_BINS};
use super::TrainError;

/// The serialized shape of boosting's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct RawBoosting {
    n_estimators: u32,
    learning_rate: f64,
    max_depth: u32,
    min_child_weight: f64,
    reg_lambda: f64,
    subsample: f64,
    colsample_bytree: f64,
    max_bins: u32,
    early_stopping_rounds: Option<u32>,
    validation_fraction: f64,
}

impl Default for RawBoosting {
    fn default() -> RawBoosting {
        RawBoosting {
            n_estimators: 100,
            learning_rate: 0.3,
            max_depth: 6,
            min_child_weight: 1.0,
            reg_lambda: 1.0,
            subsample: 1.0,
            colsample_bytree: 1.0,
            max_bins: MAX_BINS,
            early_stopping_rounds: None,
            validation_fraction: 0.1,
        }
    }
}

/// Checked boosting parameters; obtain them from [`BoostingParams`] through [`ParamGuard`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RawBoosting", try_from = "RawBoosting")]
pub struct BoostingValidParams(RawBoosting);

/// Gradient boosting parameters as XGBoost names them, not yet checked. In JSON:
/// `{"n_estimators": 100, "learning_rate": 0.3, "max_depth": 6, "min_child_weight": 1.0,
/// "reg_lambda": 1.0, "subsample": 1.0, "colsample_bytree": 1.0, "max_bins": 255,
/// "early_stopping_rounds": null, "validation_fraction": 0.1}` (missing fields take their defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RawBoosting", from = "RawBoosting")]
pub struct BoostingParams(BoostingValidParams);

impl From<BoostingValidParams> for RawBoosting {
    fn from(params: BoostingValidParams) -> RawBoosting {
        params.0
    }
}

impl From<BoostingParams> for RawBoosting {
    fn from(params: BoostingParams) -> RawBoosting {
        params.0 .0
    }
}

impl From<RawBoosting> for BoostingParams {
    fn from(raw: RawBoosting) -> BoostingParams {
        BoostingParams(BoostingValidParams(raw))
    }
}

impl TryFrom<RawBoosting> for BoostingValidParams {
    type Error = TrainError;

    fn try_from(raw: RawBoosting) -> Result<BoostingValidParams, TrainError> {
        BoostingParams::from(raw).check()
    }
}

impl Default for BoostingParams {
    fn default() -> BoostingParams {
        BoostingParams::new()
    }
}

impl BoostingParams {
    /// XGBoost's defaults (see the module documentation), no early stopping.
    pub fn new() -> BoostingParams {
        BoostingParams(BoostingValidParams(RawBoosting::default()))
    }

    /// Sets the most boosting rounds (trees). Default `100`; at least 1.
    pub fn n_estimators(mut self, n_estimators: u32) -> BoostingParams {
        self.0 .0.n_estimators = n_estimators;
        self
    }

    /// Sets the shrinkage of each tree's leaf weights (XGBoost's `eta`). Default `0.3`; in `(0, 1]`.
    pub fn learning_rate(mut self, learning_rate: f64) -> BoostingParams {
        self.0 .0.learning_rate = learning_rate;
        self
    }

    /// Sets the deepest a leaf may be. Default `6`; from 1 to 30.
    pub fn max_depth(mut self, max_depth: u32) -> BoostingParams {
        self.0 .0.max_depth = max_depth;
        self
    }

    /// Sets the least hessian sum a child of a split needs. Default `1`; zero or more.
    pub fn min_child_weight(mut self, min_child_weight: f64) -> BoostingParams {
        self.0 .0.min_child_weight = min_child_weight;
        self
    }

    /// Sets the L2 penalty `λ` on leaf weights. Default `1`; zero or more.
    pub fn reg_lambda(mut self, reg_lambda: f64) -> BoostingParams {
        self.0 .0.reg_lambda = reg_lambda;
        self
    }

    /// Sets the probability that a row takes part in a round. Default `1`; in `(0, 1]`.
    pub fn subsample(mut self, subsample: f64) -> BoostingParams {
        self.0 .0.subsample = subsample;
        self
    }

    /// Sets the share of features each tree may use. Default `1`; in `(0, 1]`.
    pub fn colsample_bytree(mut self, colsample_bytree: f64) -> BoostingParams {
        self.0 .0.colsample_bytree = colsample_bytree;
        self
    }

    /// Sets the most histogram bins per feature. Default `255`; from 2 to 255.
    pub fn max_bins(mut self, max_bins: u32) -> BoostingParams {
        self.0 .0.max_bins = max_bins;
        self
    }

    /// Sets how many rounds without improvement of the validation log loss stop training. Default `None`
    /// (no early stopping, no validation fold); otherwise at least 1.
    pub fn early_stopping_rounds(mut self, early_stopping_rounds: Option<u32>) -> BoostingParams {
        self.0 .0.early_stopping_rounds = early_stopping_rounds;
        self
    }

    /// Sets the share of training rows held out as the validation fold when early stopping. Default
    /// `0.1`; strictly between 0 and 1.
    pub fn validation_fraction(mut self, validation_fraction: f64) -> BoostingParams {
        self.0 .0.validation_fraction = validation_fraction;
        self
    }

    /// The parameters as set, unchecked (for showing them in a form).
    pub fn unchecked(&self) -> &BoostingValidParams {
        &self.0
    }

    /// Sets the parameter `name` from text; `Ok(false)` when this family has no such parameter.
    pub(crate) fn set(&mut self, name: &str, value: &str) -> Result<bool, TrainError> {
        let raw = &mut self.0 .0;
        let fraction = "a number greater than 0 and at most 1";
        match name {
            "n_estimators" => raw.n_estimators = parse_u32(name, value, "a whole number of at least 1")?,
            "learning_rate" | "eta" => raw.learning_rate = parse_f64(name, value, fraction)?,
            "max_depth" => raw.max_depth = parse_u32(name, value, "a whole number from 1 to 30")?,
            "min_child_weight" => raw.min_child_weight = parse_f64(name, value, "a number of at least 0")?,
            "reg_lambda" | "lambda" => raw.reg_lambda = parse_f64(name, value, "a number of at least 0")?,
            "subsample" => raw.subsample = parse_f64(name, value, fraction)?,
            "colsample_bytree" => raw.colsample_bytree = parse_f64(name, value, fraction)?,
            "max_bins" | "max_bin" => raw.max_bins = parse_u32(name, value, "a whole number from 2 to 255")?,
            "early_stopping_rounds" => {
                raw.early_stopping_rounds =
                    parse_optional_u32(name, value, "a whole number of at least 1, or None")?
            }
            "validation_fraction" => {
                raw.validation_fraction = parse_f64(name, value, "a number between 0 and 1")?
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The values in the order of [`super::ModelKind::param_names`].
    pub(crate) fn param_values(&self) -> Vec<String> {
        let p = &self.0 .0;
        vec![
            p.n_estimators.to_string(),
            p.learning_rate.to_string(),
            p.max_depth.to_string(),
            p.min_child_weight.to_string(),
            p.reg_lambda.to_string(),
            p.subsample.to_string(),
            p.colsample_bytree.to_string(),
            p.max_bins.to_string(),
            optional_text(p.early_stopping_rounds),
            p.validation_fraction.to_string(),
        ]
    }

    /// Checks the parameters and fits on `data` with `seed`.
    pub fn fit(&self, data: &TrainingSet, seed: u64) -> Result<FittedBoosting, TrainError> {
        self.check_ref()?.fit_with(data, seed, &mut |_| {})
    }
}

impl ParamGuard for BoostingParams {
    type Checked = BoostingValidParams;
    type Error = TrainError;

    fn check_ref(&self) -> Result<&BoostingValidParams, TrainError> {
        let p = &self.0 .0;
        let in_unit = |x: f64| x > 0.0 && x <= 1.0;
        let non_negative = |x: f64| x >= 0.0 && x.is_finite();
        if p.n_estimators == 0 {
            return Err(invalid("n_estimators", 0, "a whole number of at least 1, such as 100"));
        }
        if !in_unit(p.learning_rate) {
            return Err(invalid(
                "learning_rate",
                p.learning_rate,
                "a number greater than 0 and at most 1, such as 0.3",
            ));
        }
        if !(1..=30).contains(&p.max_depth) {
            return Err(invalid("max_depth", p.max_depth, "a whole number from 1 to 30, such as 6"));
        }
        if !non_negative(p.min_child_weight) {
            return Err(invalid("min_child_weight", p.min_child_weight, "a number of at least 0, such as 1"));
        }
        if !non_negative(p.reg_lambda) {
            return Err(invalid("reg_lambda", p.reg_lambda, "a number of at least 0, such as 1"));
        }
        if !in_unit(p.subsample) {
            return Err(invalid(
                "subsample",
                p.subsample,
                "a number greater than 0 and at most 1, such as 1",
            ));
        }
        if !in_unit(p.colsample_bytree) {
            return Err(invalid(
                "colsample_bytree",
                p.colsample_bytree,
                "a number greater than 0 and at most 1, such as 1",
            ));
        }
        check_max_bins(p.max_bins)?;
        if p.early_stopping_rounds == Some(0) {
            return Err(invalid("early_stopping_rounds", 0, "a whole number of at least 1, or None"));
        }
        if !(p.validation_fraction > 0.0 && p.validation_fraction < 1.0) {
            return Err(invalid(
                "validation_fraction",
                p.validation_fraction,
                "a number strictly between 0 and 1, such as 0.1",
            ));
        }
        Ok(&self.0)
    }

    fn check(self) -> Result<BoostingValidParams, TrainError> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// XGBoost's smallest hessian and smallest gain worth a split (`kRtEps`).
const MIN_HESSIAN: f64 = 1e-16;
const MIN_GAIN: f64 = 1e-6;
/// The streams of the seed the row samples, column samples and validation fold draw from (the round is
/// added to the first two).
const ROW_STREAM: u64 = 0xB0_0000_0000;
const COLUMN_STREAM: u64 = 0xC0_0000_0000;
const VALIDATION_SEED: u64 = 0x0005_EED0_FB00;

/// XGBoost's second-order criterion.
#[derive(Debug, Clone, Copy)]
struct Newton {
    max_depth: u32,
    min_child_weight: f64,
    lambda: f64,
    eta: f64,
}

impl Newton {
    #[inline(always)]
    fn score(&self, s: GradStat) -> f64 {
        s.g * s.g / (s.h + self.lambda)
    }
}

impl Criterion for Newton {
    type S = GradStat;

    fn splittable(&self, total: GradStat, rows: u32, depth: u32) -> bool {
        depth < self.max_depth && rows >= 2 && total.h >= 2.0 * self.min_child_weight
    }

    #[inline(always)]
    fn gain(&self, total: GradStat, left: GradStat, right: GradStat) -> Option<f64> {
        if left.h < self.min_child_weight || right.h < self.min_child_weight {
            return None;
        }
        Some(self.score(left) + self.score(right) - self.score(total))
    }

    fn worth(&self, gain: f64) -> bool {
        gain > MIN_GAIN
    }

    fn node(&self, total: GradStat, rows: u32) -> Node {
        let denominator = total.h + self.lambda;
        let weight = if denominator > 0.0 { -total.g / denominator } else { 0.0 };
        Node {
            split: None,
            samples: rows,
            weight: total.h,
            impurity: if denominator > 0.0 { -self.score(total) } else { 0.0 },
            value: weight * self.eta,
        }
    }
}

/// The probability `σ(m)` of score `m`, and `e^−|m|`, from one exponential.
#[inline(always)]
fn sigmoid(m: f64) -> (f64, f64) {
    let e = libm::exp(-m.abs());
    let p = if m >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) };
    (p, e)
}

/// How many factors `1 + e^−|m|` (each at most 2) are multiplied before taking a logarithm: 2¹⁰⁰⁰ is
/// still far below `f64::MAX`.
const LOSS_CHUNK: u32 = 1000;

/// A sum of log losses `ln(1 + e^m) − y·m = max(m, 0) − y·m + ln(1 + e^−|m|)`, where the logarithms are
/// taken of products of up to [`LOSS_CHUNK`] factors rather than one per row: the loss curve costs one
/// logarithm per thousand rows, and the rounding of the product is far below what the curve shows.
#[derive(Debug, Clone, Copy)]
struct LossSum {
    linear: f64,
    logs: f64,
    product: f64,
    in_product: u32,
    rows: usize,
}

impl LossSum {
    fn new() -> LossSum {
        LossSum { linear: 0.0, logs: 0.0, product: 1.0, in_product: 0, rows: 0 }
    }

    /// Adds the loss of score `m` (with `e = e^−|m|`) for label `y`.
    #[inline(always)]
    fn add(&mut self, m: f64, e: f64, y: bool) {
        self.linear += m.max(0.0) - if y { m } else { 0.0 };
        self.product *= 1.0 + e;
        self.in_product += 1;
        self.rows += 1;
        if self.in_product == LOSS_CHUNK {
            self.logs += libm::log(self.product);
            self.product = 1.0;
            self.in_product = 0;
        }
    }

    /// The mean loss.
    fn mean(self) -> f64 {
        (self.linear + self.logs + libm::log(self.product)) / self.rows.max(1) as f64
    }
}

/// The log loss of a round: the mean over the training rows, and over the validation rows when held out.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RoundLoss {
    /// The round, from 1 (the number of trees so far).
    pub round: u32,
    /// Mean log loss on the rows the trees were fitted on.
    pub train: f64,
    /// Mean log loss on the validation fold, when early stopping holds one out.
    pub validation: Option<f64>,
}

impl BoostingValidParams {
    /// The most boosting rounds.
    pub fn n_estimators(&self) -> u32 {
        self.0.n_estimators
    }

    /// The shrinkage of leaf weights.
    pub fn learning_rate(&self) -> f64 {
        self.0.learning_rate
    }

    /// The deepest a leaf may be.
    pub fn max_depth(&self) -> u32 {
        self.0.max_depth
    }

    /// The least hessian sum of a child.
    pub fn min_child_weight(&self) -> f64 {
        self.0.min_child_weight
    }

    /// The L2 penalty on leaf weights.
    pub fn reg_lambda(&self) -> f64 {
        self.0.reg_lambda
    }

    /// The probability that a row takes part in a round.
    pub fn subsample(&self) -> f64 {
        self.0.subsample
    }

    /// The share of features each tree may use.
    pub fn colsample_bytree(&self) -> f64 {
        self.0.colsample_bytree
    }

    /// The most histogram bins per feature.
    pub fn max_bins(&self) -> u32 {
        self.0.max_bins
    }

    /// Rounds without improvement that stop training, if early stopping.
    pub fn early_stopping_rounds(&self) -> Option<u32> {
        self.0.early_stopping_rounds
    }

    /// The share of training rows held out when early stopping.
    pub fn validation_fraction(&self) -> f64 {
        self.0.validation_fraction
    }

    /// Fits boosted trees on `data` with `seed`, calling `progress` with the share of rounds done after
    /// each round.
    pub fn fit_with(
        &self,
        data: &TrainingSet,
        seed: u64,
        progress: &mut dyn FnMut(f64),
    ) -> Result<FittedBoosting, TrainError> {
        let p = &self.0;
        let n_features = data.n_features();
        // The validation fold, if early stopping: stratified, so that both classes are in it.
        let (x_fit, y_fit, validation) = match p.early_stopping_rounds {
            None => (None, data.labels().to_vec(), None),
            Some(_) => {
                let split = crate::split::stratified_split(
                    data.labels(),
                    p.validation_fraction,
                    seed ^ VALIDATION_SEED,
                )?;
                let pick = |rows: &[usize]| -> Vec<bool> {
                    rows.iter().map(|&r| data.labels().get(r).copied().unwrap_or(false)).collect()
                };
                let x_fit = data.records().select(Axis(0), &split.train);
                let x_valid = data.records().select(Axis(0), &split.test);
                (Some(x_fit), pick(&split.train), Some((x_valid, pick(&split.test))))
            }
        };
        let x = x_fit.as_ref().unwrap_or(data.records());
        let binned = Binned::<u8>::new(x, p.max_bins as usize)?;
        let n_rows = binned.n_rows();
        let positives = y_fit.iter().filter(|&&y| y).count() as f64;
        let prior = positives / n_rows as f64;
        // Both classes are in the training rows (`TrainingSet` and the stratified split guarantee it).
        let base_score = libm::log(prior / (1.0 - prior));
        let criterion = Newton {
            max_depth: p.max_depth,
            min_child_weight: p.min_child_weight,
            lambda: p.reg_lambda,
            eta: p.learning_rate,
        };
        let all_features: Vec<u32> = (0..n_features as u32).collect();
        let n_columns =
            ((p.colsample_bytree * n_features as f64).floor() as usize).clamp(1, n_features.max(1));
        let mut features = all_features.clone();
        let all_rows: Vec<u32> = (0..n_rows as u32).collect();
        let mut rows: Vec<u32> = Vec::with_capacity(n_rows);
        let mut in_round = vec![true; n_rows];
        let mut margins = vec![base_score; n_rows];
        let mut valid_margins = validation.as_ref().map(|(x, _)| vec![base_score; x.nrows()]);
        let mut stats = vec![GradStat::default(); n_rows];
        let mut grower: Grower<'_, GradStat, u8> = Grower::new(&binned);
        let mut trees: Vec<Tree> = Vec::with_capacity(p.n_estimators as usize);
        let mut history: Vec<RoundLoss> = Vec::with_capacity(p.n_estimators as usize);
        let mut best: Option<(u32, f64)> = None;
        let mut no_rng = crate::rng::seeded(seed);
        for round in 0..p.n_estimators {
            let loss = gradients(&margins, &y_fit, &mut stats);
            if let Some(last) = history.last_mut() {
                last.train = loss;
            }
            // The rows and features of this round.
            if p.subsample < 1.0 {
                let mut rng = crate::rng::stream(seed, ROW_STREAM + u64::from(round));
                rows.clear();
                for (r, kept) in in_round.iter_mut().enumerate() {
                    *kept = rng.gen::<f64>() < p.subsample;
                    if *kept {
                        rows.push(r as u32);
                    }
                }
            } else {
                rows.clone_from(&all_rows);
            }
            if n_columns < n_features {
                let mut rng = crate::rng::stream(seed, COLUMN_STREAM + u64::from(round));
                features.clone_from(&all_features);
                for i in 0..n_columns {
                    let j = rng.gen_range(i as u32..n_features as u32) as usize;
                    features.swap(i, j);
                }
                features.truncate(n_columns);
                features.sort_unstable();
            }
            let tree = if rows.is_empty() {
                Tree { nodes: vec![criterion.node(GradStat::default(), 0)] }
            } else {
                let grown = grower.grow(&criterion, &stats, &rows, &features, features.len(), &mut no_rng)?;
                // The fitted rows' scores move by their leaf's value; the others are routed down the tree.
                for &(node, start, end) in &grown.leaves {
                    let value = grown.tree.nodes.get(node).map_or(0.0, |n| n.value);
                    for &r in grower.rows().get(start..end).unwrap_or(&[]) {
                        if let Some(m) = margins.get_mut(r as usize) {
                            *m += value;
                        }
                    }
                }
                grown.tree
            };
            if rows.len() < n_rows {
                for ((m, row), _) in
                    margins.iter_mut().zip(x.rows()).zip(&in_round).filter(|(_, &kept)| !kept)
                {
                    *m += tree.leaf_value(row)?;
                }
            }
            let validation_loss = match (&validation, &mut valid_margins) {
                (Some((x_valid, y_valid)), Some(valid_margins)) => {
                    let mut loss = LossSum::new();
                    for ((m, row), &y) in valid_margins.iter_mut().zip(x_valid.rows()).zip(y_valid) {
                        *m += tree.leaf_value(row)?;
                        loss.add(*m, sigmoid(*m).1, y);
                    }
                    Some(loss.mean())
                }
                _ => None,
            };
            trees.push(tree);
            history.push(RoundLoss { round: round + 1, train: f64::NAN, validation: validation_loss });
            progress(f64::from(round + 1) / f64::from(p.n_estimators));
            if let (Some(patience), Some(loss)) = (p.early_stopping_rounds, validation_loss) {
                match best {
                    Some((_, best_loss)) if loss >= best_loss => {}
                    _ => best = Some((round, loss)),
                }
                if best.is_some_and(|(best_round, _)| round - best_round >= patience) {
                    break;
                }
            }
        }
        let loss = gradients(&margins, &y_fit, &mut stats);
        if let Some(last) = history.last_mut() {
            last.train = loss;
        }
        let best_iteration = best.map(|(round, _)| round);
        if let Some(round) = best_iteration {
            trees.truncate(round as usize + 1);
        }
        Ok(FittedBoosting { base_score, trees, n_features, history, best_iteration })
    }
}

/// Fills `stats` with the gradient and hessian of the logistic loss at `margins`, and returns the mean
/// log loss there.
fn gradients(margins: &[f64], labels: &[bool], stats: &mut [GradStat]) -> f64 {
    let mut loss = LossSum::new();
    for ((s, &m), &y) in stats.iter_mut().zip(margins).zip(labels) {
        let (p, e) = sigmoid(m);
        *s = GradStat { g: p - f64::from(u8::from(y)), h: (p * (1.0 - p)).max(MIN_HESSIAN) };
        loss.add(m, e, y);
    }
    loss.mean()
}

/// A fitted boosted ensemble: `P(positive | x) = σ(base_score + Σ tree leaf values)`. Serialized as flat
/// columns per tree (see `tree/form.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct FittedBoosting {
    /// The starting score: the log-odds of the training rows' positive share.
    pub base_score: f64,
    /// The trees, in round order; a leaf's value is what it adds to the score (learning rate included).
    pub trees: Vec<Tree>,
    /// The number of features the model was fitted on.
    pub n_features: usize,
    /// The log losses after each round grown (including rounds past the best one when early stopping).
    pub history: Vec<RoundLoss>,
    /// With early stopping, the 0-based round with the lowest validation loss; the model keeps the trees
    /// up to it.
    pub best_iteration: Option<u32>,
}

impl FittedBoosting {
    /// The number of features the model expects.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The score (log-odds) of each row of `x`. Errors when `x` does not have
    /// [`FittedBoosting::n_features`] columns.
    pub fn decision_function(&self, x: &Array2<f64>) -> Result<Vec<f64>, TrainError> {
        check_features(x, self.n_features)?;
        self.compact()?.fold(x, self.base_score, |score, value| score + value)
    }

    /// The probability of the positive class for each row of `x`. Errors when `x` does not have
    /// [`FittedBoosting::n_features`] columns.
    pub fn predict_proba(&self, x: &Array2<f64>) -> Result<Vec<f64>, TrainError> {
        Ok(self.decision_function(x)?.into_iter().map(|m| sigmoid(m).0).collect())
    }

    /// The trees laid out for prediction ([`CompactTrees`]), to score several batches with
    /// [`FittedBoosting::predict_compact`] without laying them out each time.
    pub(crate) fn compact(&self) -> Result<CompactTrees, TrainError> {
        CompactTrees::new(&self.trees, self.n_features)
    }

    /// [`FittedBoosting::predict_proba`] with this model's [`FittedBoosting::compact`].
    pub(crate) fn predict_compact(
        &self,
        compact: &CompactTrees,
        x: &Array2<f64>,
    ) -> Result<Vec<f64>, TrainError> {
        let scores = compact.fold(x, self.base_score, |score, value| score + value)?;
        Ok(scores.into_iter().map(|m| sigmoid(m).0).collect())
    }

    /// Each feature's total split gain over all trees, normalized to sum 1 (XGBoost's `total_gain`).
    pub fn feature_importances(&self) -> Vec<f64> {
        let mut gains = vec![0.0; self.n_features];
        for tree in &self.trees {
            tree.add_gains(&mut gains);
        }
        super::model::normalized(gains)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    fn separable() -> TrainingSet {
        let x = Array2::from_shape_fn(
            (80, 2),
            |(i, j)| if j == 0 { i as f64 / 80.0 } else { (i * 13 % 7) as f64 },
        );
        TrainingSet::new(x, (0..80).map(|i| i >= 20).collect()).unwrap()
    }

    #[test]
    fn learns_a_separable_problem() {
        let data = separable();
        let model = BoostingParams::new().n_estimators(30).fit(&data, 0).unwrap();
        // The starting score is the log-odds of the prior, 60 positives in 80.
        assert!((model.base_score - 3f64.ln()).abs() < 1e-12, "{}", model.base_score);
        let p = model.predict_proba(data.records()).unwrap();
        for (p, &y) in p.iter().zip(data.labels()) {
            assert_eq!(*p > 0.5, y, "{p}");
        }
        assert_eq!(model.history.len(), 30);
        assert!(model.history.windows(2).all(|w| w[1].train < w[0].train));
        assert!(model.history[29].train < 0.05, "{:?}", model.history[29]);
        assert_eq!(model.feature_importances()[1], 0.0);
        // The first tree splits the informative feature between 19/80 and 20/80 (XGBoost's first split).
        let root = model.trees[0].nodes[0].split.as_ref().unwrap();
        assert_eq!((root.feature, root.threshold), (0, 19.5 / 80.0));
    }

    #[test]
    fn loss_sums_match_the_plain_formula() {
        let mut sum = LossSum::new();
        let mut plain = 0.0;
        for i in 0..2500 {
            let m = (i as f64 - 1250.0) / 100.0;
            let y = i % 3 == 0;
            let (p, e) = sigmoid(m);
            sum.add(m, e, y);
            plain -= if y { p.ln() } else { (1.0 - p).ln() };
        }
        assert!((sum.mean() - plain / 2500.0).abs() < 1e-9, "{} vs {}", sum.mean(), plain / 2500.0);
    }

    #[test]
    fn sampling_is_seeded() {
        let data = separable();
        let params = BoostingParams::new().n_estimators(5).subsample(0.5).colsample_bytree(0.5);
        assert_eq!(params.fit(&data, 1).unwrap(), params.fit(&data, 1).unwrap());
        assert_ne!(params.fit(&data, 1).unwrap(), params.fit(&data, 2).unwrap());
    }
}
