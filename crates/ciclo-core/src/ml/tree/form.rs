//! The JSON form of the fitted tree models ([`FittedTree`], [`FittedForest`], [`FittedBoosting`]): each tree
//! a flat array of integers, as compact as JSON allows, rather than one object per node. It is version 2 of
//! the page's `model/model.json` artifact (version 1 wrote a boosting tree as nested node objects and a
//! Gini tree as per-node counts with explicit children, 5.5 MB for a default forest against 1 MB now), and
//! what the model registry loads back to score rows.
//!
//! # The form
//!
//! Nodes are in preorder: the root first, then a node's left subtree, then its right subtree. So children
//! need not be written: a split's left child is the next node, and its right child the node after its left
//! subtree (scikit-learn's `tree_` arrays are in the same order).
//!
//! A model holds one table of splits, `splits`: every distinct `[feature, threshold]` of its trees (the
//! feature's index in the pipeline's order; rows with `x[feature] <= threshold` go left), most used first.
//! The thresholds are midpoints between neighbouring values of a feature, so a few thousand pairs recur
//! over a forest's 120 000 splits.
//!
//! A Gini tree (a decision tree's, a forest's) also has a table of leaves, `leaves`: every distinct
//! `[samples, weight, positive]` (distinct training rows, weighted rows, i.e. bootstrap draws in a forest,
//! and weighted positive rows), most used first. A tree is then one array of integers, one per node:
//! `k ≥ 0` is a split by `splits[k]`, `k < 0` a leaf by `leaves[−k−1]`. Everything else follows exactly: a
//! split's counts are its children's sums, a node's value is `positive / weight`, and its impurity and a
//! split's gain come from the counts by the arithmetic that grew the tree, so the tree reads back bit for
//! bit. `{"n_features": 45, "splits": [[7, 0.52], ..], "leaves": [[1, 1, 1], ..], "trees": [[0, 3, -1, -2,
//! -1], ..]}` (a decision tree has `"tree": [..]` instead of `"trees"`).
//!
//! A boosting tree's numbers are real, so it is an object of columns: `nodes` (one per node: `k ≥ 0` a
//! split by `splits[k]`, −1 a leaf), `gain` (one per split, in node order), and `samples`, `weight` (the
//! hessian sum), `impurity` and `value` (what the node adds to the log-odds as a leaf, learning rate
//! included), one per node, each written in full (serde_json's shortest text that reads back to the same
//! bits).
//!
//! A tree this form cannot give back bit for bit (not in preorder, or a Gini tree whose values do not follow
//! from its counts) is refused when written rather than written wrong; a tree grown here always fits.
//! Reading checks every index and count, so a damaged file is an error, never a panic.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{FittedTree, Node, NodeSplit, Tree};
use crate::ml::boosting::{FittedBoosting, RoundLoss};
use crate::ml::forest::FittedForest;
use crate::ml::hist::{gini_node, gini_proxy, GiniStat};

/// A table being written: every distinct key once, with how often it is used; [`Table::finish`] orders it
/// most used first, so that the most frequent keys get the shortest indices.
struct Table<K> {
    /// Each key's index when first met, and its uses.
    index: BTreeMap<K, (u32, u32)>,
    keys: Vec<K>,
}

impl<K: Ord + Copy> Table<K> {
    fn new() -> Table<K> {
        Table { index: BTreeMap::new(), keys: Vec::new() }
    }

    /// The provisional index of `key`, added if new.
    fn intern(&mut self, key: K) -> u32 {
        let next = self.keys.len() as u32;
        let entry = self.index.entry(key).or_insert((next, 0));
        entry.1 += 1;
        if entry.0 == next {
            self.keys.push(key);
        }
        entry.0
    }

    /// The keys, most used first (ties in the order first met), and each provisional index's final one.
    fn finish(self) -> (Vec<K>, Vec<u32>) {
        let uses: Vec<u32> = self.keys.iter().map(|k| self.index.get(k).map_or(0, |e| e.1)).collect();
        let mut order: Vec<u32> = (0..self.keys.len() as u32).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(uses.get(i as usize).copied().unwrap_or(0)), i));
        let mut remap = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            if let Some(slot) = remap.get_mut(old as usize) {
                *slot = new as u32;
            }
        }
        let keys = order.iter().filter_map(|&i| self.keys.get(i as usize).copied()).collect();
        (keys, remap)
    }
}

/// A split's key: its feature and its threshold's bits (the same threshold, bit for bit).
type SplitKey = (u32, u64);

/// A split table entry as written: the feature and the threshold.
type Split = (u32, f64);

/// A boosting tree's columns.
#[derive(Serialize, Deserialize)]
struct BoostColumns {
    nodes: Vec<i64>,
    gain: Vec<f64>,
    samples: Vec<u32>,
    weight: Vec<f64>,
    impurity: Vec<f64>,
    value: Vec<f64>,
}

/// The children of each node of a preorder tree whose nodes are splits where `is_split` says: `None` for
/// a leaf, `(left, right)` for a split. Errors when the flags do not make one whole tree.
fn children(is_split: &[bool]) -> Result<Vec<Option<(u32, u32)>>, String> {
    let n = is_split.len();
    let mut children = vec![None; n];
    // Splits whose left subtree is still being read, innermost last.
    let mut open: Vec<usize> = Vec::new();
    // The split whose right child the next node is, after a leaf.
    let mut right_of: Option<usize> = None;
    for (index, &split) in is_split.iter().enumerate() {
        if let Some(parent) = right_of.take() {
            if let Some(Some((_, right))) = children.get_mut(parent) {
                *right = index as u32;
            }
        } else if index > 0 && !is_split.get(index - 1).copied().unwrap_or(false) {
            return Err(format!("node {index} has no parent: the tree ended before it"));
        }
        if split {
            if index + 1 >= n {
                return Err(format!("split {index} has no children"));
            }
            if let Some(slot) = children.get_mut(index) {
                *slot = Some((index as u32 + 1, 0));
            }
            open.push(index);
        } else {
            right_of = open.pop();
        }
    }
    match (n, right_of, open.last()) {
        (0, _, _) => Err("a tree has no node".to_string()),
        (_, None, None) => Ok(children),
        (_, Some(split), _) | (_, None, Some(&split)) => Err(format!("split {split} has no right child")),
    }
}

/// Checks that `tree` is in preorder, the order the form relies on.
fn check_preorder(tree: &Tree) -> Result<(), String> {
    let is_split: Vec<bool> = tree.nodes.iter().map(|n| n.split.is_some()).collect();
    let expected = children(&is_split)?;
    for (index, (node, expected)) in tree.nodes.iter().zip(&expected).enumerate() {
        if node.split.as_ref().map(|s| (s.left, s.right)) != *expected {
            return Err(format!("node {index} is not in preorder"));
        }
    }
    Ok(())
}

/// The provisional `nodes` column of `tree`: a split's index in `splits`, or `leaf(node)` for a leaf.
fn node_column(
    tree: &Tree,
    splits: &mut Table<SplitKey>,
    mut leaf: impl FnMut(&Node) -> i64,
) -> Result<Vec<i64>, String> {
    check_preorder(tree)?;
    Ok(tree
        .nodes
        .iter()
        .map(|node| match &node.split {
            Some(s) => i64::from(splits.intern((s.feature, s.threshold.to_bits()))),
            None => leaf(node),
        })
        .collect())
}

/// Replaces the provisional indices of `nodes` by the final ones: splits' (`k ≥ 0`) by `splits`, leaves'
/// (`k < 0`, `−k−1`) by `leaves`.
fn remap(nodes: &mut [i64], splits: &[u32], leaves: &[u32]) {
    for k in nodes {
        *k = if *k >= 0 {
            splits.get(*k as usize).map_or(*k, |&i| i64::from(i))
        } else {
            leaves.get((-*k - 1) as usize).map_or(*k, |&i| -i64::from(i) - 1)
        };
    }
}

/// The counts a Gini node stands for.
fn gini_stat(node: &Node) -> GiniStat {
    // The weights are whole numbers; the value is their ratio, so the product rounds back exactly.
    GiniStat { w: node.weight as u32, wy: (node.value * node.weight).round() as u32, n: node.samples }
}

/// A decoded node: a split by its table entry, or a leaf.
enum Decoded<L> {
    Split(u32, f64),
    Leaf(L),
}

/// Reads a `nodes` column: each entry's split (from `splits`) or leaf (by `leaf` from `−k−1`), and the
/// children of every split.
#[allow(clippy::type_complexity)] // Used twice, named nowhere else.
fn decode<L>(
    nodes: &[i64],
    splits: &[Split],
    mut leaf: impl FnMut(i64) -> Result<L, String>,
) -> Result<(Vec<Decoded<L>>, Vec<Option<(u32, u32)>>), String> {
    let decoded: Vec<Decoded<L>> = nodes
        .iter()
        .map(|&k| match k {
            k if k >= 0 => usize::try_from(k)
                .ok()
                .and_then(|i| splits.get(i))
                .map(|&(f, t)| Decoded::Split(f, t))
                .ok_or_else(|| format!("split {k} is not in the table")),
            k => leaf(-k - 1).map(Decoded::Leaf),
        })
        .collect::<Result<_, _>>()?;
    let is_split: Vec<bool> = decoded.iter().map(|d| matches!(d, Decoded::Split(..))).collect();
    let children = children(&is_split)?;
    Ok((decoded, children))
}

/// Reads a Gini tree.
fn gini_tree(nodes: &[i64], splits: &[Split], leaves: &[GiniStat]) -> Result<Tree, String> {
    let (decoded, children) = decode(nodes, splits, |i| {
        usize::try_from(i)
            .ok()
            .and_then(|i| leaves.get(i))
            .copied()
            .ok_or_else(|| format!("leaf {i} is not in the table"))
    })?;
    // The counts: the leaves' from the table, each split's as its children's sums, from the last node back
    // (children come after their parent).
    let mut stats: Vec<GiniStat> = decoded
        .iter()
        .map(|d| match d {
            Decoded::Leaf(s) => *s,
            Decoded::Split(..) => GiniStat::default(),
        })
        .collect();
    for index in (0..stats.len()).rev() {
        if let Some(Some((left, right))) = children.get(index) {
            let (Some(&l), Some(&r)) = (stats.get(*left as usize), stats.get(*right as usize)) else {
                return Err(format!("split {index} points outside the tree"));
            };
            let sum = |a: u32, b: u32| a.checked_add(b).ok_or_else(|| "a count overflows".to_string());
            let total = GiniStat { n: sum(l.n, r.n)?, w: sum(l.w, r.w)?, wy: sum(l.wy, r.wy)? };
            if let Some(stat) = stats.get_mut(index) {
                *stat = total;
            }
        }
    }
    let mut out = Vec::with_capacity(stats.len());
    for ((&stat, decoded), children) in stats.iter().zip(&decoded).zip(&children) {
        let mut node = gini_node(stat, stat.n);
        if let (Decoded::Split(feature, threshold), Some((left, right))) = (decoded, children) {
            let (Some(&l), Some(&r)) = (stats.get(*left as usize), stats.get(*right as usize)) else {
                return Err("a split is incomplete".to_string());
            };
            let gain = gini_proxy(l) + gini_proxy(r) - gini_proxy(stat);
            node.split = Some(NodeSplit {
                feature: *feature,
                threshold: *threshold,
                left: *left,
                right: *right,
                gain,
            });
        }
        out.push(node);
    }
    Ok(Tree { nodes: out })
}

/// The tables and `nodes` columns of Gini trees.
struct GiniTrees {
    splits: Vec<Split>,
    leaves: Vec<[u32; 3]>,
    trees: Vec<Vec<i64>>,
}

impl GiniTrees {
    /// Writes `trees`, each checked to read back as itself.
    fn write(trees: &[Tree]) -> Result<GiniTrees, String> {
        let (mut splits, mut leaves) = (Table::new(), Table::new());
        let mut columns = Vec::with_capacity(trees.len());
        for (i, tree) in trees.iter().enumerate() {
            let column = node_column(tree, &mut splits, |node| {
                let s = gini_stat(node);
                -i64::from(leaves.intern([s.n, s.w, s.wy])) - 1
            })
            .map_err(|e| format!("tree {i} cannot be written: {e}"))?;
            columns.push(column);
        }
        let (split_keys, split_remap) = splits.finish();
        let (leaf_keys, leaf_remap) = leaves.finish();
        for column in &mut columns {
            remap(column, &split_remap, &leaf_remap);
        }
        let written = GiniTrees {
            splits: split_keys.into_iter().map(|(f, t)| (f, f64::from_bits(t))).collect(),
            leaves: leaf_keys,
            trees: columns,
        };
        // Written only if every tree reads back as itself.
        if written.read()? != trees {
            return Err("a tree is not a Gini tree grown here: its counts do not give its values".to_string());
        }
        Ok(written)
    }

    /// Reads the trees.
    fn read(&self) -> Result<Vec<Tree>, String> {
        let leaves: Vec<GiniStat> = self
            .leaves
            .iter()
            .map(|&[n, w, wy]| {
                if wy <= w {
                    Ok(GiniStat { n, w, wy })
                } else {
                    Err("a leaf has more positive rows than rows")
                }
            })
            .collect::<Result<_, _>>()?;
        self.trees
            .iter()
            .enumerate()
            .map(|(i, nodes)| {
                gini_tree(nodes, &self.splits, &leaves).map_err(|e| format!("tree {i} is malformed: {e}"))
            })
            .collect()
    }
}

/// Writes boosting trees: the split table and each tree's columns.
fn write_boost_trees(trees: &[Tree]) -> Result<(Vec<Split>, Vec<BoostColumns>), String> {
    let mut splits = Table::new();
    let mut columns = Vec::with_capacity(trees.len());
    for (i, tree) in trees.iter().enumerate() {
        let nodes =
            node_column(tree, &mut splits, |_| -1).map_err(|e| format!("tree {i} cannot be written: {e}"))?;
        let all = &tree.nodes;
        columns.push(BoostColumns {
            nodes,
            gain: all.iter().filter_map(|n| n.split.as_ref()).map(|s| s.gain).collect(),
            samples: all.iter().map(|n| n.samples).collect(),
            weight: all.iter().map(|n| n.weight).collect(),
            impurity: all.iter().map(|n| n.impurity).collect(),
            value: all.iter().map(|n| n.value).collect(),
        });
    }
    let (keys, split_remap) = splits.finish();
    for column in &mut columns {
        remap(&mut column.nodes, &split_remap, &[]);
    }
    Ok((keys.into_iter().map(|(f, t)| (f, f64::from_bits(t))).collect(), columns))
}

/// Reads a boosting tree.
fn boost_tree(columns: BoostColumns, splits: &[Split]) -> Result<Tree, String> {
    let (decoded, children) = decode(&columns.nodes, splits, |i| {
        if i == 0 {
            Ok(())
        } else {
            Err(format!("`{}` is not a node", -i - 1))
        }
    })?;
    let n = decoded.len();
    let n_splits = children.iter().filter(|c| c.is_some()).count();
    if columns.gain.len() != n_splits
        || [columns.samples.len(), columns.weight.len(), columns.impurity.len(), columns.value.len()]
            != [n; 4]
    {
        return Err(format!("a boosting tree of {n} nodes has columns of other lengths"));
    }
    let mut gains = columns.gain.into_iter();
    let mut nodes = Vec::with_capacity(n);
    for (index, (decoded, children)) in decoded.iter().zip(&children).enumerate() {
        let at = |column: &[f64]| column.get(index).copied().unwrap_or_default();
        let split = match (decoded, children) {
            (Decoded::Split(feature, threshold), Some((left, right))) => {
                let gain = gains.next().ok_or_else(|| "a split is incomplete".to_string())?;
                Some(NodeSplit { feature: *feature, threshold: *threshold, left: *left, right: *right, gain })
            }
            _ => None,
        };
        nodes.push(Node {
            split,
            samples: columns.samples.get(index).copied().unwrap_or_default(),
            weight: at(&columns.weight),
            impurity: at(&columns.impurity),
            value: at(&columns.value),
        });
    }
    Ok(Tree { nodes })
}

/// A decision tree's form.
#[derive(Serialize, Deserialize)]
struct TreeForm {
    n_features: usize,
    splits: Vec<Split>,
    leaves: Vec<[u32; 3]>,
    tree: Vec<i64>,
}

/// A forest's form.
#[derive(Serialize, Deserialize)]
struct ForestForm {
    n_features: usize,
    splits: Vec<Split>,
    leaves: Vec<[u32; 3]>,
    trees: Vec<Vec<i64>>,
}

/// A boosted ensemble's form: `{"base_score": -1.02, "n_features": 45, "best_iteration": null,
/// "history": [{"round": 1, "train": 0.53, "validation": null}, ..], "splits": [..],
/// "trees": [{"nodes": [..], "gain": [..], ..}, ..]}`.
#[derive(Serialize, Deserialize)]
struct BoostingForm {
    base_score: f64,
    n_features: usize,
    best_iteration: Option<u32>,
    history: Vec<RoundLoss>,
    splits: Vec<Split>,
    trees: Vec<BoostColumns>,
}

impl Serialize for FittedTree {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let GiniTrees { splits, leaves, trees } =
            GiniTrees::write(std::slice::from_ref(&self.tree)).map_err(S::Error::custom)?;
        let tree = trees.into_iter().next().unwrap_or_default();
        TreeForm { n_features: self.n_features, splits, leaves, tree }.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for FittedTree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<FittedTree, D::Error> {
        let TreeForm { n_features, splits, leaves, tree } = TreeForm::deserialize(deserializer)?;
        let tree = GiniTrees { splits, leaves, trees: vec![tree] }
            .read()
            .map_err(D::Error::custom)?
            .into_iter()
            .next()
            .ok_or_else(|| D::Error::custom("no tree was read"))?;
        Ok(FittedTree { tree, n_features })
    }
}

impl Serialize for FittedForest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let GiniTrees { splits, leaves, trees } = GiniTrees::write(&self.trees).map_err(S::Error::custom)?;
        ForestForm { n_features: self.n_features, splits, leaves, trees }.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for FittedForest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<FittedForest, D::Error> {
        let ForestForm { n_features, splits, leaves, trees } = ForestForm::deserialize(deserializer)?;
        let trees = GiniTrees { splits, leaves, trees }.read().map_err(D::Error::custom)?;
        Ok(FittedForest { trees, n_features })
    }
}

impl Serialize for FittedBoosting {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (splits, trees) = write_boost_trees(&self.trees).map_err(S::Error::custom)?;
        BoostingForm {
            base_score: self.base_score,
            n_features: self.n_features,
            best_iteration: self.best_iteration,
            history: self.history.clone(),
            splits,
            trees,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for FittedBoosting {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<FittedBoosting, D::Error> {
        let form = BoostingForm::deserialize(deserializer)?;
        let trees = form
            .trees
            .into_iter()
            .enumerate()
            .map(|(i, c)| boost_tree(c, &form.splits).map_err(|e| format!("tree {i} is malformed: {e}")))
            .collect::<Result<_, _>>()
            .map_err(D::Error::custom)?;
        Ok(FittedBoosting {
            base_score: form.base_score,
            trees,
            n_features: form.n_features,
            history: form.history,
            best_iteration: form.best_iteration,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    /// `check(flags, expected)`: the children a preorder of splits (`true`) and leaves gives, or its error.
    fn check(flags: &[bool], expected: Result<Vec<Option<(u32, u32)>>, &str>) {
        assert_eq!(children(flags), expected.map_err(str::to_string), "{flags:?}");
    }

    #[test]
    fn children_follow_from_the_preorder() {
        check(&[false], Ok(vec![None]));
        check(&[true, false, false], Ok(vec![Some((1, 2)), None, None]));
        check(&[true, true, false, false, false], Ok(vec![Some((1, 4)), Some((2, 3)), None, None, None]));
        check(&[true, false, true, false, false], Ok(vec![Some((1, 2)), None, Some((3, 4)), None, None]));
        check(&[], Err("a tree has no node"));
        check(&[true], Err("split 0 has no children"));
        check(&[true, false], Err("split 0 has no right child"));
        check(&[false, false], Err("node 1 has no parent: the tree ended before it"));
        check(&[true, true, false, false], Err("split 0 has no right child"));
    }

    #[test]
    fn a_damaged_model_is_an_error() {
        let forest = |text: &str| serde_json::from_str::<FittedForest>(text).map_err(|e| e.to_string());
        let good = r#"{"n_features":2,"splits":[[1,0.5]],"leaves":[[2,2,1],[1,1,0]],"trees":[[0,-1,-2]]}"#;
        let read = forest(good).unwrap();
        assert_eq!(read.trees[0].nodes[0].value, 1.0 / 3.0);
        assert_eq!(read.trees[0].nodes[0].split.as_ref().map(|s| (s.feature, s.right)), Some((1, 2)));
        for (text, error) in [
            (
                r#"{"n_features":2,"splits":[],"leaves":[[1,1,0]],"trees":[[0,-1,-1]]}"#,
                "split 0 is not in the table",
            ),
            (
                r#"{"n_features":2,"splits":[[1,0.5]],"leaves":[[1,1,0]],"trees":[[0,-1,-3]]}"#,
                "leaf 2 is not in",
            ),
            (
                r#"{"n_features":2,"splits":[[1,0.5]],"leaves":[[1,1,2]],"trees":[[-1]]}"#,
                "more positive rows",
            ),
            (r#"{"n_features":2,"splits":[[1,0.5]],"leaves":[[1,1,0]],"trees":[[0,-1]]}"#, "no right child"),
            (r#"{"n_features":2,"splits":[],"leaves":[[4294967295,1,0]],"trees":[[]]}"#, "no node"),
        ] {
            let message = forest(text).unwrap_err();
            assert!(message.contains(error), "{text}: {message}");
        }
        let overflow =
            r#"{"n_features":2,"splits":[[1,0.5]],"leaves":[[4294967295,1,0]],"trees":[[0,-1,-1]]}"#;
        assert!(forest(overflow).unwrap_err().contains("overflows"));
    }

    #[test]
    fn a_tree_out_of_preorder_is_not_written() {
        let leaf = |value| Node { split: None, samples: 1, weight: 1.0, impurity: 0.0, value };
        let split = |left, right| Node {
            split: Some(NodeSplit { feature: 0, threshold: 0.5, left, right, gain: 0.5 }),
            ..leaf(0.5)
        };
        let mut model = FittedBoosting {
            base_score: 0.0,
            trees: vec![Tree { nodes: vec![split(2, 1), leaf(1.0), leaf(0.0)] }],
            n_features: 1,
            history: Vec::new(),
            best_iteration: None,
        };
        let error = serde_json::to_string(&model).unwrap_err().to_string();
        assert!(error.contains("not in preorder"), "{error}");
        model.trees[0].nodes[0] = split(1, 2);
        let back: FittedBoosting = serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
        assert_eq!(back, model);
    }
}
