//! A random forest with scikit-learn's parameters and defaults (`RandomForestClassifier`: 100 Gini trees
//! grown fully, each on a bootstrap sample, each split looking at `√features` drawn at random), grown on
//! the histogram engine of [`super::hist`].
//!
//! Tree `t` draws its bootstrap sample and its features from `rng::stream(seed, t)`, so a tree does not
//! depend on the trees before it, and the same seed gives the same forest on every target. The data is
//! binned once for all trees. As in scikit-learn, a bootstrap sample is a weight per row (its number of
//! draws): `min_samples_split` and `min_samples_leaf` count distinct rows, the Gini impurity and the leaf
//! probabilities weigh rows by their draws, and the forest's probability is the mean of its trees' leaf
//! class fractions.

use linfa::ParamGuard;
use ndarray::Array2;
use rand::Rng as _;
use serde::{Deserialize, Serialize};

use super::hist::{self, Binned, Gini, GiniStat, GrowConfig, Grower};
use super::logistic::TrainingSet;
use super::model::{bool_text, optional_text, parse_bool, parse_max_features, parse_optional_u32, parse_u32};
use super::tree::{check_features, check_growth, CompactTrees, MaxFeatures, Tree, MAX_BINS};
use super::TrainError;

/// The serialized shape of the forest's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct RawForest {
    n_estimators: u32,
    max_depth: Option<u32>,
    min_samples_split: u32,
    min_samples_leaf: u32,
    max_features: MaxFeatures,
    bootstrap: bool,
    max_bins: u32,
}

impl Default for RawForest {
    fn default() -> RawForest {
        RawForest {
            n_estimators: 100,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: MaxFeatures::Sqrt,
            bootstrap: true,
            max_bins: MAX_BINS,
        }
    }
}

/// Checked random forest parameters; obtain them from [`ForestParams`] through [`ParamGuard`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RawForest", try_from = "RawForest")]
pub struct ForestValidParams(RawForest);

/// Random forest parameters as scikit-learn names them, not yet checked. In JSON:
/// `{"n_estimators": 100, "max_depth": null, "min_samples_split": 2, "min_samples_leaf": 1,
/// "max_features": "sqrt", "bootstrap": true, "max_bins": 255}` (missing fields take their defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RawForest", from = "RawForest")]
pub struct ForestParams(ForestValidParams);

impl From<ForestValidParams> for RawForest {
    fn from(params: ForestValidParams) -> RawForest {
        params.0
    }
}

impl From<ForestParams> for RawForest {
    fn from(params: ForestParams) -> RawForest {
        params.0 .0
    }
}

impl From<RawForest> for ForestParams {
    fn from(raw: RawForest) -> ForestParams {
        ForestParams(ForestValidParams(raw))
    }
}

impl TryFrom<RawForest> for ForestValidParams {
    type Error = TrainError;

    fn try_from(raw: RawForest) -> Result<ForestValidParams, TrainError> {
        ForestParams::from(raw).check()
    }
}

impl Default for ForestParams {
    fn default() -> ForestParams {
        ForestParams::new()
    }
}

impl ForestParams {
    /// scikit-learn's defaults: 100 fully grown Gini trees on bootstrap samples, `√features` per split,
    /// with 255 bins.
    pub fn new() -> ForestParams {
        ForestParams(ForestValidParams(RawForest::default()))
    }

    /// Sets the number of trees. Default `100`; at least 1.
    pub fn n_estimators(mut self, n_estimators: u32) -> ForestParams {
        self.0 .0.n_estimators = n_estimators;
        self
    }

    /// Sets the deepest a leaf may be. Default `None` (no limit); otherwise at least 1.
    pub fn max_depth(mut self, max_depth: Option<u32>) -> ForestParams {
        self.0 .0.max_depth = max_depth;
        self
    }

    /// Sets the fewest distinct rows a node needs to be split. Default `2`; at least 2.
    pub fn min_samples_split(mut self, min_samples_split: u32) -> ForestParams {
        self.0 .0.min_samples_split = min_samples_split;
        self
    }

    /// Sets the fewest distinct rows each child of a split must get. Default `1`; at least 1.
    pub fn min_samples_leaf(mut self, min_samples_leaf: u32) -> ForestParams {
        self.0 .0.min_samples_leaf = min_samples_leaf;
        self
    }

    /// Sets how many features each split considers. Default [`MaxFeatures::Sqrt`].
    pub fn max_features(mut self, max_features: MaxFeatures) -> ForestParams {
        self.0 .0.max_features = max_features;
        self
    }

    /// Sets whether each tree fits a bootstrap sample (`true`) or all rows. Default `true`.
    pub fn bootstrap(mut self, bootstrap: bool) -> ForestParams {
        self.0 .0.bootstrap = bootstrap;
        self
    }

    /// Sets the most histogram bins per feature. Default `255`; from 2 to 255.
    pub fn max_bins(mut self, max_bins: u32) -> ForestParams {
        self.0 .0.max_bins = max_bins;
        self
    }

    /// The parameters as set, unchecked (for showing them in a form).
    pub fn unchecked(&self) -> &ForestValidParams {
        &self.0
    }

    /// Sets the parameter `name` from text; `Ok(false)` when this family has no such parameter.
    pub(crate) fn set(&mut self, name: &str, value: &str) -> Result<bool, TrainError> {
        let raw = &mut self.0 .0;
        match name {
            "n_estimators" => raw.n_estimators = parse_u32(name, value, "a whole number of at least 1")?,
            "max_depth" => {
                raw.max_depth = parse_optional_u32(name, value, "a whole number of at least 1, or None")?
            }
            "min_samples_split" => {
                raw.min_samples_split = parse_u32(name, value, "a whole number of at least 2")?
            }
            "min_samples_leaf" => {
                raw.min_samples_leaf = parse_u32(name, value, "a whole number of at least 1")?
            }
            "max_features" => raw.max_features = parse_max_features(name, value)?,
            "bootstrap" => raw.bootstrap = parse_bool(name, value)?,
            "max_bins" => raw.max_bins = parse_u32(name, value, "a whole number from 2 to 255")?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The values in the order of [`super::ModelKind::param_names`].
    pub(crate) fn param_values(&self) -> Vec<String> {
        let p = &self.0 .0;
        vec![
            p.n_estimators.to_string(),
            optional_text(p.max_depth),
            p.min_samples_split.to_string(),
            p.min_samples_leaf.to_string(),
            p.max_features.to_string(),
            bool_text(p.bootstrap),
            p.max_bins.to_string(),
        ]
    }

    /// Checks the parameters and fits on `data` with `seed`.
    pub fn fit(&self, data: &TrainingSet, seed: u64) -> Result<FittedForest, TrainError> {
        self.check_ref()?.fit_with(data, seed, &mut |_| {})
    }
}

impl ParamGuard for ForestParams {
    type Checked = ForestValidParams;
    type Error = TrainError;

    fn check_ref(&self) -> Result<&ForestValidParams, TrainError> {
        let p = &self.0 .0;
        if p.n_estimators == 0 {
            return Err(super::model::invalid(
                "n_estimators",
                0,
                "a whole number of at least 1, such as 100",
            ));
        }
        check_growth(p.max_depth, p.min_samples_split, p.min_samples_leaf, p.max_features, p.max_bins)?;
        Ok(&self.0)
    }

    fn check(self) -> Result<ForestValidParams, TrainError> {
        self.check_ref()?;
        Ok(self.0)
    }
}

impl ForestValidParams {
    /// The number of trees.
    pub fn n_estimators(&self) -> u32 {
        self.0.n_estimators
    }

    /// The deepest a leaf may be, `None` for no limit.
    pub fn max_depth(&self) -> Option<u32> {
        self.0.max_depth
    }

    /// The fewest distinct rows a node needs to be split.
    pub fn min_samples_split(&self) -> u32 {
        self.0.min_samples_split
    }

    /// The fewest distinct rows each child of a split gets.
    pub fn min_samples_leaf(&self) -> u32 {
        self.0.min_samples_leaf
    }

    /// How many features each split considers.
    pub fn max_features(&self) -> MaxFeatures {
        self.0.max_features
    }

    /// Whether each tree fits a bootstrap sample.
    pub fn bootstrap(&self) -> bool {
        self.0.bootstrap
    }

    /// The most histogram bins per feature.
    pub fn max_bins(&self) -> u32 {
        self.0.max_bins
    }

    /// Fits a forest on `data` with `seed`, calling `progress` with the share of trees grown after each.
    pub fn fit_with(
        &self,
        data: &TrainingSet,
        seed: u64,
        progress: &mut dyn FnMut(f64),
    ) -> Result<FittedForest, TrainError> {
        let p = &self.0;
        let binned = Binned::<u8>::new(data.records(), p.max_bins as usize)?;
        let n_rows = binned.n_rows();
        let n_features = data.n_features();
        let max_features = p.max_features.resolve(n_features)?;
        let gini = Gini {
            config: GrowConfig {
                max_depth: p.max_depth,
                min_samples_split: p.min_samples_split,
                min_samples_leaf: p.min_samples_leaf,
                max_features,
            },
        };
        let features: Vec<u32> = (0..n_features as u32).collect();
        let all_rows: Vec<u32> = (0..n_rows as u32).collect();
        let mut grower: Grower<'_, GiniStat, u8> = Grower::new(&binned);
        let mut counts = vec![0u32; n_rows];
        let mut rows = Vec::with_capacity(n_rows);
        let mut trees = Vec::with_capacity(p.n_estimators as usize);
        for t in 0..p.n_estimators {
            let mut rng = crate::rng::stream(seed, u64::from(t));
            let stats = if p.bootstrap {
                counts.fill(0);
                // A u32 range draws the same numbers on 32- and 64-bit targets.
                for _ in 0..n_rows {
                    if let Some(c) = counts.get_mut(rng.gen_range(0..n_rows as u32) as usize) {
                        *c += 1;
                    }
                }
                rows.clear();
                rows.extend(counts.iter().enumerate().filter(|(_, &c)| c > 0).map(|(r, _)| r as u32));
                hist::gini_stats(data.labels(), Some(&counts))
            } else {
                rows.clone_from(&all_rows);
                hist::gini_stats(data.labels(), None)
            };
            let grown = grower.grow(&gini, &stats, &rows, &features, max_features, &mut rng)?;
            trees.push(grown.tree);
            progress(f64::from(t + 1) / f64::from(p.n_estimators));
        }
        Ok(FittedForest { trees, n_features })
    }
}

/// A fitted random forest. Serialized as flat columns per tree (see `tree/form.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct FittedForest {
    /// The trees; a leaf's value is the weighted share of positive bootstrap rows in it.
    pub trees: Vec<Tree>,
    /// The number of features the forest was fitted on.
    pub n_features: usize,
}

impl FittedForest {
    /// The number of features the model expects.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The probability of the positive class for each row of `x`: the mean over the trees of the share
    /// of positive rows in the leaf the row falls into (scikit-learn's soft vote). Errors when `x` does not
    /// have [`FittedForest::n_features`] columns.
    pub fn predict_proba(&self, x: &Array2<f64>) -> Result<Vec<f64>, TrainError> {
        check_features(x, self.n_features)?;
        self.predict_compact(&self.compact()?, x)
    }

    /// The trees laid out for prediction ([`CompactTrees`]), to score several batches with
    /// [`FittedForest::predict_compact`] without laying them out each time.
    pub(crate) fn compact(&self) -> Result<CompactTrees, TrainError> {
        CompactTrees::new(&self.trees, self.n_features)
    }

    /// [`FittedForest::predict_proba`] with this forest's [`FittedForest::compact`]: the sum of the leaf
    /// values in tree order over the number of trees, as scikit-learn's soft vote.
    pub(crate) fn predict_compact(
        &self,
        compact: &CompactTrees,
        x: &Array2<f64>,
    ) -> Result<Vec<f64>, TrainError> {
        let n_trees = self.trees.len().max(1) as f64;
        let sums = compact.fold(x, 0.0, |sum, value| sum + value)?;
        Ok(sums.into_iter().map(|sum| sum / n_trees).collect())
    }

    /// scikit-learn's `feature_importances_`: the mean over the trees (those with a split) of each
    /// tree's normalized impurity decreases, normalized to sum 1.
    pub fn feature_importances(&self) -> Vec<f64> {
        let mut sum = vec![0.0; self.n_features];
        let mut counted = 0usize;
        for tree in self.trees.iter().filter(|t| t.nodes.len() > 1) {
            for (s, v) in sum.iter_mut().zip(tree.importances(self.n_features)) {
                *s += v;
            }
            counted += 1;
        }
        if counted > 0 {
            sum.iter_mut().for_each(|s| *s /= counted as f64);
        }
        super::model::normalized(sum)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    /// One informative feature (positive above 0.5) among two noise features.
    fn separable() -> TrainingSet {
        let x = Array2::from_shape_fn((60, 3), |(i, j)| match j {
            0 => i as f64 / 60.0,
            1 => (i * 13 % 7) as f64,
            _ => (i * 5 % 3) as f64,
        });
        TrainingSet::new(x, (0..60).map(|i| i >= 30).collect()).unwrap()
    }

    #[test]
    fn learns_a_separable_problem() {
        let data = separable();
        let model = ForestParams::new().n_estimators(25).fit(&data, 1).unwrap();
        assert_eq!(model.trees.len(), 25);
        let p = model.predict_proba(data.records()).unwrap();
        for (p, &y) in p.iter().zip(data.labels()) {
            assert_eq!(*p > 0.5, y, "{p}");
        }
        let importances = model.feature_importances();
        assert!(importances[0] > 0.5, "{importances:?}");
        assert!((importances.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_seed_decides_and_repeats() {
        let data = separable();
        let params = ForestParams::new().n_estimators(5);
        assert_eq!(params.fit(&data, 7).unwrap(), params.fit(&data, 7).unwrap());
        assert_ne!(params.fit(&data, 7).unwrap(), params.fit(&data, 8).unwrap());
        // Without bootstrap and with every feature, the trees are all the same and the seed does not matter.
        let plain = params.clone().bootstrap(false).max_features(MaxFeatures::All);
        let model = plain.fit(&data, 7).unwrap();
        assert!(model.trees.windows(2).all(|w| w[0] == w[1]));
        assert_eq!(model, plain.fit(&data, 8).unwrap());
    }

    #[test]
    fn progress_counts_trees() {
        let mut seen = Vec::new();
        let checked = ForestParams::new().n_estimators(4).check().unwrap();
        checked.fit_with(&separable(), 0, &mut |done| seen.push(done)).unwrap();
        assert_eq!(seen, [0.25, 0.5, 0.75, 1.0]);
    }
}
