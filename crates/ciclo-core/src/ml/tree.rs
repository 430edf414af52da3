//! A classification tree with scikit-learn's parameters and defaults (`DecisionTreeClassifier`: Gini
//! criterion, `max_depth=None`, `min_samples_split=2`, `min_samples_leaf=1`, `max_features=None`), grown
//! on the histogram engine of [`super::hist`], and the tree structure ([`Tree`], [`Node`]) that the tree,
//! the forest and boosting share and that the page draws. They predict through [`CompactTrees`], the same
//! trees laid out for prediction only (`tree/compact.rs`).
//!
//! # Exact by default
//!
//! By default (`max_bins = None`) every distinct value of a feature gets its own bin (`u16` codes, up to
//! 65535 bins), so the candidate splits are exactly scikit-learn's, thresholds included (the midpoint
//! between neighbouring values). This matters for a fully grown tree: cutting Telco's `MonthlyCharges`
//! and `TotalCharges` into 255 quantile bins lowers its test ROC AUC from about 0.68 to 0.65 (scikit-learn
//! itself, fed the same bins, drops the same way). Nodes with far fewer rows than a feature has bins sort
//! their rows instead of scanning the histogram, so exactness stays cheap. `max_bins = 255` or less uses
//! byte codes, as the forest and boosting do.
//!
//! # Why not linfa-trees
//!
//! The product design names `linfa-trees` 0.8.1, an exact tree. Measured on the Telco training split
//! (5634 rows × 45 features, `opt-level = 3`, one thread): a depth-5 tree took 82 ms and a fully grown one
//! 0.95 s, against 12 ms and 22 ms for scikit-learn on the same machine and split; it predicts classes
//! only, not probabilities (so no ROC AUC of its own); and the same fit gave a different tree from run to
//! run (test ROC AUC of its class votes between 0.6675 and 0.6735 over seven runs), because it iterates
//! `HashMap`s of class counts. This tree, grown on the one engine the forest and boosting use, is
//! deterministic by construction (ties broken by feature index, then bin).

use std::fmt;
use std::str::FromStr;

use linfa::ParamGuard;
use ndarray::{Array2, ArrayView1};
use serde::{Deserialize, Serialize};

use super::hist::{self, Binned, Code, Gini, GrowConfig};
use super::logistic::TrainingSet;
use super::model::{invalid, optional_text, parse_max_features, parse_optional_u32, parse_u32};
use super::pipeline::{Encoding, Pipeline};
use super::TrainError;

mod compact;
mod form;

pub use compact::CompactTrees;

/// A split of a [`Node`]: rows with `x[feature] <= threshold` go to `left`, the others to `right`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeSplit {
    /// The feature's index in the pipeline's feature order.
    pub feature: u32,
    /// The threshold, in the units of the model's input (the pipeline's features).
    pub threshold: f64,
    /// The index of the left child in [`Tree::nodes`]; always greater than this node's.
    pub left: u32,
    /// The index of the right child in [`Tree::nodes`]; always greater than this node's.
    pub right: u32,
    /// What the split gained: the weighted decrease in Gini impurity (classification trees), or the
    /// decrease in the second-order loss (boosting, XGBoost's `gain`).
    pub gain: f64,
}

/// A node of a [`Tree`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// How the node splits, or `None` for a leaf.
    pub split: Option<NodeSplit>,
    /// Distinct training rows that reached the node (scikit-learn's `n_node_samples`).
    pub samples: u32,
    /// Their weight: bootstrap draws for a forest's tree (scikit-learn's `weighted_n_node_samples`), the
    /// hessian sum (XGBoost's `cover`) for boosting.
    pub weight: f64,
    /// The node's Gini impurity (classification trees), or its second-order loss `−G²/(H+λ)` (boosting).
    pub impurity: f64,
    /// The share of positive training rows (classification trees), or the score this node adds to the
    /// log-odds as a leaf, learning rate included (boosting).
    pub value: f64,
}

/// A binary tree in preorder: the root is node 0, and children come after their parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// The nodes.
    pub nodes: Vec<Node>,
}

impl Tree {
    /// The value of the leaf `row` falls into. Errors when the tree is malformed (a child that does not
    /// come after its parent, or a feature outside `row`), which only a hand-edited model can be.
    pub fn leaf_value(&self, row: ArrayView1<'_, f64>) -> Result<f64, TrainError> {
        let mut index = 0usize;
        loop {
            let node = self.nodes.get(index).ok_or_else(|| malformed("a child index is out of range"))?;
            let Some(split) = &node.split else { return Ok(node.value) };
            let x = row.get(split.feature as usize).ok_or_else(|| malformed("a feature is out of range"))?;
            let next = if *x <= split.threshold { split.left } else { split.right } as usize;
            if next <= index {
                return Err(malformed("a child comes before its parent"));
            }
            index = next;
        }
    }

    /// The depth of the tree (0 for a single leaf).
    pub fn depth(&self) -> usize {
        let mut depths = vec![0usize; self.nodes.len()];
        let mut deepest = 0;
        for (index, node) in self.nodes.iter().enumerate() {
            let depth = depths.get(index).copied().unwrap_or(0);
            deepest = deepest.max(depth);
            if let Some(split) = &node.split {
                for child in [split.left, split.right] {
                    if let Some(d) = depths.get_mut(child as usize) {
                        *d = depth + 1;
                    }
                }
            }
        }
        deepest
    }

    /// The number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.split.is_none()).count()
    }

    /// Adds each split's gain to its feature's entry of `importances`.
    pub(crate) fn add_gains(&self, importances: &mut [f64]) {
        for split in self.nodes.iter().filter_map(|n| n.split.as_ref()) {
            if let Some(total) = importances.get_mut(split.feature as usize) {
                *total += split.gain;
            }
        }
    }

    /// scikit-learn's `feature_importances_` of one tree: each feature's total impurity decrease,
    /// normalized to sum 1.
    pub(crate) fn importances(&self, n_features: usize) -> Vec<f64> {
        let mut importances = vec![0.0; n_features];
        self.add_gains(&mut importances);
        super::model::normalized(importances)
    }
}

/// A split's threshold in the units of the data set's column, with the feature's name, for drawing a tree:
/// the pipeline standardizes every feature, so `threshold` (in the model's input units) is mapped back
/// through the feature's training mean and scale. For a numeric column it is a value of the column
/// (`tenure ≤ 5.5`); for a one-hot feature it is a value of the 0/1 indicator, so rows at or below it lack
/// the level (`Contract=Month-to-month ≤ 0.5`). `None` when the pipeline has no feature `feature`.
pub fn column_threshold(pipeline: &Pipeline, feature: usize, threshold: f64) -> Option<(String, f64)> {
    let name = pipeline.feature_names().get(feature)?.clone();
    let mut first = 0;
    for encoding in pipeline.encodings() {
        match encoding {
            Encoding::Numeric { mean, scale, .. } => {
                if feature == first {
                    return Some((name, threshold * scale + mean));
                }
                first += 1;
            }
            Encoding::OneHot { levels, means, scales, .. } => {
                if let Some(k) = feature.checked_sub(first).filter(|&k| k < levels.len()) {
                    return Some((name, threshold * scales.get(k)? + means.get(k)?));
                }
                first += levels.len();
            }
        }
    }
    None
}

fn malformed(what: &str) -> TrainError {
    TrainError::Internal { message: format!("the tree is malformed: {what}") }
}

/// Checks that `x` has `expected` columns.
pub(crate) fn check_features(x: &Array2<f64>, expected: usize) -> Result<(), TrainError> {
    if x.ncols() == expected {
        Ok(())
    } else {
        Err(TrainError::FeatureCount { expected, found: x.ncols() })
    }
}

/// How many features each split considers (scikit-learn's `max_features`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxFeatures {
    /// All of them (`None`).
    All,
    /// `max(1, floor(√n))` (`"sqrt"`).
    Sqrt,
    /// `max(1, floor(log₂ n))` (`"log2"`).
    Log2,
    /// This many (an integer); at most the number of features.
    Count(u32),
    /// `max(1, floor(fraction × n))` (a float in `(0, 1]`).
    Fraction(f64),
}

impl MaxFeatures {
    /// The number of features each split considers out of `n_features`. Errors on a count above
    /// `n_features`, as scikit-learn does.
    pub fn resolve(self, n_features: usize) -> Result<usize, TrainError> {
        let n = n_features.max(1);
        Ok(match self {
            MaxFeatures::All => n,
            // The square root of an integer below 2⁵³ is correctly rounded, so this is exact.
            MaxFeatures::Sqrt => ((n as f64).sqrt().floor() as usize).max(1),
            MaxFeatures::Log2 => (n.ilog2() as usize).max(1),
            MaxFeatures::Count(count) if count as usize <= n => count as usize,
            MaxFeatures::Count(count) => {
                return Err(invalid(
                    "max_features",
                    count,
                    &format!("at most the number of features, {n_features}"),
                ))
            }
            MaxFeatures::Fraction(fraction) => (((fraction * n as f64).floor() as usize).max(1)).min(n),
        })
    }

    fn check(self) -> Result<(), TrainError> {
        match self {
            MaxFeatures::Count(0) => Err(invalid("max_features", self, "a count of at least 1")),
            MaxFeatures::Fraction(f) if !(f > 0.0 && f <= 1.0) => {
                Err(invalid("max_features", self, "a fraction in (0, 1], such as 0.5"))
            }
            _ => Ok(()),
        }
    }
}

impl fmt::Display for MaxFeatures {
    /// `None`, `sqrt`, `log2`, a count (`6`) or a fraction (`0.5`, always with a point or exponent).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaxFeatures::All => f.write_str("None"),
            MaxFeatures::Sqrt => f.write_str("sqrt"),
            MaxFeatures::Log2 => f.write_str("log2"),
            MaxFeatures::Count(count) => write!(f, "{count}"),
            MaxFeatures::Fraction(fraction) => write!(f, "{fraction:?}"),
        }
    }
}

impl FromStr for MaxFeatures {
    type Err = ();

    /// Reads what [`fmt::Display`] writes; `all` and `auto` (`sqrt` in scikit-learn's forests) too.
    fn from_str(text: &str) -> Result<MaxFeatures, ()> {
        let text = text.trim();
        match text {
            "None" | "none" | "null" | "all" => Ok(MaxFeatures::All),
            "sqrt" | "auto" => Ok(MaxFeatures::Sqrt),
            "log2" => Ok(MaxFeatures::Log2),
            _ => match text.parse::<u32>() {
                Ok(count) => Ok(MaxFeatures::Count(count)),
                Err(_) => text.parse::<f64>().map(MaxFeatures::Fraction).map_err(|_| ()),
            },
        }
    }
}

impl Serialize for MaxFeatures {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for MaxFeatures {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<MaxFeatures, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(|_| serde::de::Error::custom(format!("`{text}` is not a max_features value")))
    }
}

/// The default and the bounds of `max_bins`.
pub(crate) const MAX_BINS: u32 = 255;

/// Checks `max_bins`.
pub(crate) fn check_max_bins(max_bins: u32) -> Result<(), TrainError> {
    if (2..=MAX_BINS).contains(&max_bins) {
        Ok(())
    } else {
        Err(invalid("max_bins", max_bins, "a whole number from 2 to 255"))
    }
}

/// Checks the growth parameters a tree and a forest share.
pub(crate) fn check_growth(
    max_depth: Option<u32>,
    min_samples_split: u32,
    min_samples_leaf: u32,
    max_features: MaxFeatures,
    max_bins: u32,
) -> Result<(), TrainError> {
    if max_depth == Some(0) {
        return Err(invalid("max_depth", 0, "a whole number of at least 1, or None for no limit"));
    }
    if min_samples_split < 2 {
        return Err(invalid("min_samples_split", min_samples_split, "a whole number of at least 2"));
    }
    if min_samples_leaf < 1 {
        return Err(invalid("min_samples_leaf", min_samples_leaf, "a whole number of at least 1"));
    }
    max_features.check()?;
    check_max_bins(max_bins)
}

/// The serialized shape of the decision tree's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct RawTree {
    max_depth: Option<u32>,
    min_samples_split: u32,
    min_samples_leaf: u32,
    max_features: MaxFeatures,
    max_bins: Option<u32>,
}

impl Default for RawTree {
    fn default() -> RawTree {
        RawTree {
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: MaxFeatures::All,
            max_bins: None,
        }
    }
}

/// The most bins of the decision tree's exact mode (`u16` codes).
const EXACT_BINS: u32 = 65535;

/// Checks the decision tree's `max_bins`: `None` (exact) or 2 to 65535.
fn check_tree_bins(max_bins: Option<u32>) -> Result<(), TrainError> {
    match max_bins {
        Some(b) if !(2..=EXACT_BINS).contains(&b) => {
            Err(invalid("max_bins", b, "a whole number from 2 to 65535, or None for exact splits"))
        }
        _ => Ok(()),
    }
}

/// Checked decision tree parameters; obtain them from [`TreeParams`] through [`ParamGuard`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RawTree", try_from = "RawTree")]
pub struct TreeValidParams(RawTree);

/// Decision tree parameters as scikit-learn names them, not yet checked. In JSON:
/// `{"max_depth": null, "min_samples_split": 2, "min_samples_leaf": 1, "max_features": "None",
/// "max_bins": null}` (missing fields take their defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RawTree", from = "RawTree")]
pub struct TreeParams(TreeValidParams);

impl From<TreeValidParams> for RawTree {
    fn from(params: TreeValidParams) -> RawTree {
        params.0
    }
}

impl From<TreeParams> for RawTree {
    fn from(params: TreeParams) -> RawTree {
        params.0 .0
    }
}

impl From<RawTree> for TreeParams {
    fn from(raw: RawTree) -> TreeParams {
        TreeParams(TreeValidParams(raw))
    }
}

impl TryFrom<RawTree> for TreeValidParams {
    type Error = TrainError;

    fn try_from(raw: RawTree) -> Result<TreeValidParams, TrainError> {
        TreeParams::from(raw).check()
    }
}

impl Default for TreeParams {
    fn default() -> TreeParams {
        TreeParams::new()
    }
}

impl TreeParams {
    /// scikit-learn's defaults: a fully grown Gini tree over all features, with exact splits.
    pub fn new() -> TreeParams {
        TreeParams(TreeValidParams(RawTree::default()))
    }

    /// Sets the deepest a leaf may be (the root is depth 0). Default `None`: grow until the leaves are
    /// pure or too small to split; otherwise at least 1.
    pub fn max_depth(mut self, max_depth: Option<u32>) -> TreeParams {
        self.0 .0.max_depth = max_depth;
        self
    }

    /// Sets the fewest rows a node needs to be split. Default `2`; at least 2.
    pub fn min_samples_split(mut self, min_samples_split: u32) -> TreeParams {
        self.0 .0.min_samples_split = min_samples_split;
        self
    }

    /// Sets the fewest rows each child of a split must get. Default `1`; at least 1.
    pub fn min_samples_leaf(mut self, min_samples_leaf: u32) -> TreeParams {
        self.0 .0.min_samples_leaf = min_samples_leaf;
        self
    }

    /// Sets how many features each split considers, drawn at random per node. Default
    /// [`MaxFeatures::All`], which needs no randomness.
    pub fn max_features(mut self, max_features: MaxFeatures) -> TreeParams {
        self.0 .0.max_features = max_features;
        self
    }

    /// Sets the most histogram bins per feature. Default `None`: one bin per distinct value (up to
    /// 65535), so every split is scikit-learn's exact split; otherwise from 2 to 65535 (up to 255 the
    /// codes take one byte and the fit is a little faster). A feature with at most this many distinct
    /// values is split exactly.
    pub fn max_bins(mut self, max_bins: Option<u32>) -> TreeParams {
        self.0 .0.max_bins = max_bins;
        self
    }

    /// The parameters as set, unchecked (for showing them in a form).
    pub fn unchecked(&self) -> &TreeValidParams {
        &self.0
    }

    /// Sets the parameter `name` from text; `Ok(false)` when this family has no such parameter.
    pub(crate) fn set(&mut self, name: &str, value: &str) -> Result<bool, TrainError> {
        let raw = &mut self.0 .0;
        match name {
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
            "max_bins" => {
                raw.max_bins = parse_optional_u32(
                    name,
                    value,
                    "a whole number from 2 to 65535, or None for exact splits",
                )?
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The values in the order of [`super::ModelKind::param_names`].
    pub(crate) fn param_values(&self) -> Vec<String> {
        let p = &self.0 .0;
        vec![
            optional_text(p.max_depth),
            p.min_samples_split.to_string(),
            p.min_samples_leaf.to_string(),
            p.max_features.to_string(),
            optional_text(p.max_bins),
        ]
    }

    /// Checks the parameters and fits on `data` with `seed` (used only when `max_features` samples).
    pub fn fit(&self, data: &TrainingSet, seed: u64) -> Result<FittedTree, TrainError> {
        self.check_ref()?.fit(data, seed)
    }
}

impl ParamGuard for TreeParams {
    type Checked = TreeValidParams;
    type Error = TrainError;

    fn check_ref(&self) -> Result<&TreeValidParams, TrainError> {
        let p = &self.0 .0;
        check_growth(p.max_depth, p.min_samples_split, p.min_samples_leaf, p.max_features, MAX_BINS)?;
        check_tree_bins(p.max_bins)?;
        Ok(&self.0)
    }

    fn check(self) -> Result<TreeValidParams, TrainError> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// The stream of the seed a decision tree's feature draws come from.
const TREE_STREAM: u64 = 0x7_4EE0;

impl TreeValidParams {
    /// The deepest a leaf may be, `None` for no limit.
    pub fn max_depth(&self) -> Option<u32> {
        self.0.max_depth
    }

    /// The fewest rows a node needs to be split.
    pub fn min_samples_split(&self) -> u32 {
        self.0.min_samples_split
    }

    /// The fewest rows each child of a split gets.
    pub fn min_samples_leaf(&self) -> u32 {
        self.0.min_samples_leaf
    }

    /// How many features each split considers.
    pub fn max_features(&self) -> MaxFeatures {
        self.0.max_features
    }

    /// The most histogram bins per feature, `None` for exact splits.
    pub fn max_bins(&self) -> Option<u32> {
        self.0.max_bins
    }

    /// Fits a tree on `data`; `seed` is used only when `max_features` samples features.
    pub fn fit(&self, data: &TrainingSet, seed: u64) -> Result<FittedTree, TrainError> {
        match self.0.max_bins {
            Some(bins) if bins <= MAX_BINS => self.fit_coded::<u8>(data, bins, seed),
            bins => self.fit_coded::<u16>(data, bins.unwrap_or(EXACT_BINS), seed),
        }
    }

    /// Fits with codes of type `C`.
    fn fit_coded<C: Code>(
        &self,
        data: &TrainingSet,
        max_bins: u32,
        seed: u64,
    ) -> Result<FittedTree, TrainError> {
        let binned = Binned::<C>::new(data.records(), max_bins as usize)?;
        let n_features = data.n_features();
        let config = GrowConfig {
            max_depth: self.0.max_depth,
            min_samples_split: self.0.min_samples_split,
            min_samples_leaf: self.0.min_samples_leaf,
            max_features: self.0.max_features.resolve(n_features)?,
        };
        let mut rng = crate::rng::stream(seed, TREE_STREAM);
        let rows: Vec<u32> = (0..binned.n_rows() as u32).collect();
        let features: Vec<u32> = (0..n_features as u32).collect();
        let stats = hist::gini_stats(data.labels(), None);
        let mut grower: hist::Grower<'_, _, C> = hist::Grower::new(&binned);
        let grown = grower.grow(&Gini { config }, &stats, &rows, &features, config.max_features, &mut rng)?;
        Ok(FittedTree { tree: grown.tree, n_features })
    }
}

/// A fitted decision tree. Serialized as flat columns (see `tree/form.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct FittedTree {
    /// The tree; a leaf's value is the share of positive training rows in it.
    pub tree: Tree,
    /// The number of features the tree was fitted on.
    pub n_features: usize,
}

impl FittedTree {
    /// The number of features the model expects.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The probability of the positive class for each row of `x`: the share of positive training rows in
    /// its leaf. Errors when `x` does not have [`FittedTree::n_features`] columns.
    pub fn predict_proba(&self, x: &Array2<f64>) -> Result<Vec<f64>, TrainError> {
        check_features(x, self.n_features)?;
        self.predict_compact(&self.compact()?, x)
    }

    /// The tree laid out for prediction ([`CompactTrees`]), to score several batches with
    /// [`FittedTree::predict_compact`] without laying it out each time.
    pub(crate) fn compact(&self) -> Result<CompactTrees, TrainError> {
        CompactTrees::new(std::slice::from_ref(&self.tree), self.n_features)
    }

    /// [`FittedTree::predict_proba`] with this tree's [`FittedTree::compact`].
    pub(crate) fn predict_compact(
        &self,
        compact: &CompactTrees,
        x: &Array2<f64>,
    ) -> Result<Vec<f64>, TrainError> {
        compact.fold(x, 0.0, |_, value| value)
    }

    /// scikit-learn's `feature_importances_`: each feature's total weighted decrease in Gini impurity,
    /// normalized to sum 1.
    pub fn feature_importances(&self) -> Vec<f64> {
        self.tree.importances(self.n_features)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    /// "Both features high" on two features, with a third feature of noise: a depth-2 tree learns it
    /// exactly.
    fn both_high() -> TrainingSet {
        let x = Array2::from_shape_fn((40, 3), |(i, j)| match j {
            0 => (i % 2) as f64 + 0.1 * (i % 5) as f64,
            1 => ((i / 2) % 2) as f64 * 3.0 - 1.0,
            _ => (i * 7 % 11) as f64,
        });
        let y = (0..40).map(|i| i % 4 == 3).collect();
        TrainingSet::new(x, y).unwrap()
    }

    #[test]
    fn learns_a_separable_problem_exactly() {
        let data = both_high();
        let model = TreeParams::new().fit(&data, 0).unwrap();
        let p = model.predict_proba(data.records()).unwrap();
        let expected: Vec<f64> = data.labels().iter().map(|&y| f64::from(u8::from(y))).collect();
        assert_eq!(p, expected);
        assert_eq!(model.tree.depth(), 2);
        assert_eq!(model.tree.n_leaves(), 3);
        let root = &model.tree.nodes[0];
        assert_eq!((root.samples, root.weight, root.value, root.impurity), (40, 40.0, 0.25, 0.375));
        // Both features split as well at the root: the tie goes to the lower index. Its threshold is the
        // midpoint between the training values either side, in the input's units.
        let split = root.split.as_ref().unwrap();
        assert_eq!((split.feature, split.left, split.right), (0, 1, 2));
        assert_eq!(split.threshold, 0.4 / 2.0 + 1.0 / 2.0);
        // Gains 5 and 10 (weighted Gini decreases); the noise feature is never used.
        assert_eq!(model.feature_importances(), vec![5.0 / 15.0, 10.0 / 15.0, 0.0]);
        // Binned to a byte code, the same tree.
        let binned = TreeParams::new().max_bins(Some(255)).fit(&data, 0).unwrap();
        assert_eq!(binned, model);
    }

    #[test]
    fn growth_limits() {
        let data = both_high();
        let stump = TreeParams::new().max_depth(Some(1)).fit(&data, 0).unwrap();
        assert_eq!((stump.tree.depth(), stump.tree.n_leaves()), (1, 2));
        // A leaf of at least 15 rows: no split of 20 rows can give both children 15.
        let big_leaves = TreeParams::new().min_samples_leaf(15).fit(&data, 0).unwrap();
        assert!(big_leaves.tree.nodes.iter().all(|n| n.samples >= 15), "{big_leaves:?}");
        let no_split = TreeParams::new().min_samples_split(41).fit(&data, 0).unwrap();
        assert_eq!(no_split.tree.nodes.len(), 1);
        assert_eq!(no_split.feature_importances(), vec![0.0; 3]);
        // Drawing one feature per node depends on the seed, and is repeatable.
        let drawn = TreeParams::new().max_features(MaxFeatures::Count(1));
        assert_eq!(drawn.fit(&data, 3).unwrap(), drawn.fit(&data, 3).unwrap());
    }

    #[test]
    fn prediction_errors() {
        let model = TreeParams::new().fit(&both_high(), 0).unwrap();
        assert_eq!(
            model.predict_proba(&Array2::zeros((1, 2))),
            Err(TrainError::FeatureCount { expected: 3, found: 2 })
        );
        // A hand-edited tree whose child points back does not loop.
        let mut broken = model.clone();
        if let Some(split) = broken.tree.nodes[0].split.as_mut() {
            split.left = 0;
        }
        assert!(matches!(broken.predict_proba(&Array2::zeros((1, 3))), Err(TrainError::Internal { .. })));
    }

    #[test]
    fn thresholds_in_column_units() {
        use crate::dataset::{Column, Dataset};
        let tenure: Vec<Option<f64>> = (0..20).map(|i| Some(f64::from(i))).collect();
        let contract: Vec<Option<&str>> =
            (0..20).map(|i| Some(if i < 5 { "Month" } else { "Year" })).collect();
        let churn: Vec<Option<&str>> = (0..20).map(|i| Some(if i < 6 { "Yes" } else { "No" })).collect();
        let data = Dataset::new(
            "t",
            vec![
                Column::numeric("tenure", tenure),
                Column::categorical("Contract", &contract),
                Column::categorical("Churn", &churn),
            ],
        )
        .unwrap();
        let rows: Vec<usize> = (0..20).collect();
        let pipeline = Pipeline::fit(&data, &rows, "Churn", crate::ml::Fill::Zero).unwrap();
        let (x, _) = pipeline.transform(&data, &rows).unwrap();
        let y = (0..20).map(|i| i < 6).collect();
        let model = TreeParams::new().fit(&TrainingSet::new(x, y).unwrap(), 0).unwrap();
        let split = model.tree.nodes[0].split.as_ref().unwrap();
        let (name, threshold) = column_threshold(&pipeline, split.feature as usize, split.threshold).unwrap();
        assert_eq!(name, "tenure");
        assert!((threshold - 5.5).abs() < 1e-9, "{threshold}");
        let (name, threshold) = column_threshold(&pipeline, 1, 0.0).unwrap();
        assert_eq!(name, "Contract=Month");
        assert!((threshold - 0.25).abs() < 1e-12, "{threshold}");
        assert_eq!(column_threshold(&pipeline, 3, 0.0), None);
    }

    #[test]
    fn max_features_counts() {
        let check =
            |m: MaxFeatures, n: usize, expected: usize| assert_eq!(m.resolve(n), Ok(expected), "{m} of {n}");
        check(MaxFeatures::Sqrt, 45, 6);
        check(MaxFeatures::Sqrt, 1, 1);
        check(MaxFeatures::Log2, 45, 5);
        check(MaxFeatures::All, 45, 45);
        check(MaxFeatures::Fraction(0.5), 45, 22);
        check(MaxFeatures::Fraction(0.001), 45, 1);
        check(MaxFeatures::Count(45), 45, 45);
        assert!(MaxFeatures::Count(46).resolve(45).is_err());
        for text in ["sqrt", "log2", "None", "6", "0.5", "1.0"] {
            assert_eq!(text.parse::<MaxFeatures>().unwrap().to_string(), text);
        }
    }
}
