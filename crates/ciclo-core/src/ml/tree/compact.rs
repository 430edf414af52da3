//! Trees laid out for prediction only ([`CompactTrees`]): what scoring reads of a [`Tree`], sixteen bytes a
//! node, every tree of a model in one array, walked by eight rows at a time.
//!
//! # Why a hand-written layout
//!
//! Issue 5 asks the page to score 100,000 rows with a default forest (100 trees, about 2,500 nodes each)
//! in at most 2 s. Walking the trees' [`Node`](super::Node)s took 3.1 s in the browser: a node carries
//! what training and drawing need (the split's gain, the node's samples, weight, impurity and value, an
//! `Option<NodeSplit>`), 72 bytes, of which a walk needs the feature, the threshold and the children; and
//! each row went down a tree alone, each level waiting for the load of the level before. Three things
//! make the walk fast:
//!
//! - **A 16-byte node** (`Slot`): the threshold, the feature and the right child. Nodes are numbered in
//!   preorder, so a split's left child is the next node, often in the same cache line.
//! - **Eight rows at once** (`LANES`): eight rows go down the same tree side by side, so eight independent
//!   chains of loads overlap. The choice of child is a select, not a branch; a leaf sends every row to
//!   itself (its threshold is NaN, so `x <= threshold` is false, and its right child is itself), so a lane
//!   that reached its leaf stays there while the others finish, and the group stops when no lane moved.
//!   The lanes are written out one by one (`lanes!`): the page is built with `opt-level = "z"`, which
//!   leaves a loop over the lanes a loop, and that was slower.
//! - **Blocks of rows** (`block_rows`, about 512 KB of features): every tree goes over one block before
//!   the next block, so the block's rows stay in the cache while the trees go by, rather than the whole
//!   matrix (36 MB for 100,000 Telco rows) streaming through once per tree.
//!
//! In Chromium the default forest now scores 100,000 Telco rows in 0.4 s, against 3.1 s walking the nodes
//! (`docs/BENCHMARKS.md`, "Serving (issue 5)"); natively about 5 times as fast (`tests/tree_prediction.rs`
//! times it). The choices were measured in Node 20's V8 on the same shared machine, busy enough that only
//! large differences count: with blocks of 1,024 rows, eight lanes written out took 0.50 s, the same lanes
//! as a loop over arrays 0.64 s, and refilling a lane with the next row as soon as it reaches its leaf
//! (which saves the steps spent waiting: a row's leaf is 11 levels deep on average, the deepest of eight
//! 16) 0.6 s, though natively it was about as fast as the lanes; with blocks of 256 rows, one row at a
//! time took 1.5 s, and four, eight and sixteen lanes as loops 1.2 s, 0.8 s and 1.3 s.
//!
//! Everything is checked when the layout is built (children after their parent and inside the tree, no
//! node with two parents, features inside the row), so the walk itself cannot fail, loop for ever or read
//! outside the arrays.
//!
//! # The same bits
//!
//! The walk compares `x <= threshold` in `f64` exactly as [`Tree::leaf_value`] does (NaN goes right), and
//! each row's leaf values are combined tree after tree in the model's order, so predictions are the same to
//! the bit as walking the [`Tree`]s (asserted in `tests/tree_prediction.rs` for the decision tree, the
//! forest and boosting).

use ndarray::Array2;

use super::{malformed, Tree};
use crate::ml::TrainError;

/// Rows walked down a tree together.
const LANES: usize = 8;

/// Feature values per block of rows: 512 KB of `f64`, 1,456 rows of Telco's 45 features. Blocks from 512
/// to 2,048 Telco rows measured alike; 256 rows and all rows at once were slower.
const BLOCK_VALUES: usize = 1 << 16;

/// The rows of a block for rows of `n_features` features: a whole number of lane groups.
fn block_rows(n_features: usize) -> usize {
    (BLOCK_VALUES / n_features.max(1) / LANES).max(1) * LANES
}

/// A node. A split sends rows with `x[feature] <= threshold` to the next slot and the others to `right`. A
/// leaf has a NaN threshold, feature 0 and itself as `right`, so every row stays on it; its value is in
/// [`CompactTrees::values`].
#[derive(Debug, Clone, Copy)]
struct Slot {
    threshold: f64,
    feature: u32,
    right: u32,
}

/// The trees of a model laid out for prediction only: 16-byte nodes in preorder, walked eight rows at a
/// time over blocks of rows, for speed (issue 5; why this layout: `ml/tree/compact.rs`). The tree
/// families' `predict_proba` lay their trees out at each call; [`crate::serving::LoggedModel::scorer`]
/// keeps the layout for several batches. Predictions are the same to the bit as walking the [`Tree`]s.
#[derive(Debug, Clone)]
pub struct CompactTrees {
    /// Every tree's nodes in preorder, one tree after the other.
    slots: Vec<Slot>,
    /// The value of each leaf slot (0 for splits), apart so that a walk's loads are 16 bytes.
    values: Vec<f64>,
    /// Each tree's root in `slots`.
    roots: Vec<u32>,
    /// The features a row has.
    n_features: usize,
}

impl CompactTrees {
    /// Lays out `trees` for rows of `n_features` features. Errors when a tree is malformed (a child that
    /// does not come after its parent or is out of range, a node with two parents, a feature outside the
    /// row), which only a hand-edited model can be.
    pub fn new(trees: &[Tree], n_features: usize) -> Result<CompactTrees, TrainError> {
        let total = trees.iter().try_fold(0usize, |total, tree| total.checked_add(tree.nodes.len()));
        let Some(total) = total.filter(|&total| u32::try_from(total).is_ok()) else {
            return Err(malformed("the model has more than 4,294,967,295 nodes"));
        };
        let mut compact = CompactTrees {
            slots: Vec::with_capacity(total),
            values: Vec::with_capacity(total),
            roots: Vec::with_capacity(trees.len()),
            n_features,
        };
        let mut parents = Vec::new();
        for tree in trees {
            compact.roots.push(compact.slots.len() as u32);
            if check(tree, n_features, &mut parents)? {
                compact.copy(tree);
            } else {
                compact.renumber(tree);
            }
        }
        Ok(compact)
    }

    /// The number of trees.
    pub fn n_trees(&self) -> usize {
        self.roots.len()
    }

    /// Appends a leaf with `value`.
    fn push_leaf(&mut self, value: f64) {
        let here = self.slots.len() as u32;
        self.slots.push(Slot { threshold: f64::NAN, feature: 0, right: here });
        self.values.push(value);
    }

    /// Appends a split whose right child is `right`.
    fn push_split(&mut self, feature: u32, threshold: f64, right: u32) {
        self.slots.push(Slot { threshold, feature, right });
        self.values.push(0.0);
    }

    /// Appends a checked tree whose splits all have the next node as their left child, node for node.
    fn copy(&mut self, tree: &Tree) {
        let base = self.slots.len();
        self.slots.extend(tree.nodes.iter().enumerate().map(|(index, node)| match &node.split {
            None => Slot { threshold: f64::NAN, feature: 0, right: (base + index) as u32 },
            Some(s) => {
                Slot { threshold: s.threshold, feature: s.feature, right: (base + s.right as usize) as u32 }
            }
        }));
        self.values.extend(tree.nodes.iter().map(|node| if node.split.is_none() { node.value } else { 0.0 }));
    }

    /// Appends a checked tree in any order, renumbered in preorder from its root (nodes no path reaches
    /// are left out, as a walk never meets them).
    fn renumber(&mut self, tree: &Tree) {
        // (node of `tree`, the slot whose right child it is)
        let mut stack: Vec<(usize, Option<usize>)> = vec![(0, None)];
        while let Some((index, right_of)) = stack.pop() {
            let here = self.slots.len() as u32;
            if let Some(parent) = right_of.and_then(|p| self.slots.get_mut(p)) {
                parent.right = here;
            }
            let Some(node) = tree.nodes.get(index) else {
                // Unreachable: the tree is checked.
                self.push_leaf(f64::NAN);
                continue;
            };
            match &node.split {
                None => self.push_leaf(node.value),
                Some(s) => {
                    // The right child is set when it is laid out.
                    self.push_split(s.feature, s.threshold, here);
                    // The left subtree comes next, then the right one.
                    stack.push((s.right as usize, Some(here as usize)));
                    stack.push((s.left as usize, None));
                }
            }
        }
    }

    /// For each row of `x`, `init` combined with each tree's leaf value in tree order:
    /// `add(…add(add(init, v₀), v₁)…, vₙ₋₁)`. Errors when `x` does not have the trees' features.
    pub(crate) fn fold(
        &self,
        x: &Array2<f64>,
        init: f64,
        add: impl Fn(f64, f64) -> f64,
    ) -> Result<Vec<f64>, TrainError> {
        super::check_features(x, self.n_features)?;
        let n = self.n_features;
        let x = x.as_standard_layout();
        // A standard-layout array is one slice.
        let data = x.as_slice().unwrap_or(&[]);
        let mut out = vec![init; x.nrows()];
        let block = block_rows(n);
        for (b, sums) in out.chunks_mut(block).enumerate() {
            let start = b * block * n;
            let rows = data.get(start..start + sums.len() * n).unwrap_or(&[]);
            for &root in &self.roots {
                for (g, sums) in sums.chunks_mut(LANES).enumerate() {
                    let leaves = self.walk(root as usize, rows, n, g * LANES, sums.len());
                    for (sum, leaf) in sums.iter_mut().zip(leaves) {
                        *sum = add(*sum, self.values.get(leaf).copied().unwrap_or(f64::NAN));
                    }
                }
            }
        }
        Ok(out)
    }

    /// The leaves that rows `first..first + count` of `rows` (at most [`LANES`] of them, `n` features each)
    /// reach from `root`; lanes past `count` repeat the last row.
    #[inline]
    fn walk(&self, root: usize, rows: &[f64], n: usize, first: usize, count: usize) -> [usize; LANES] {
        let last = count.max(1) - 1;
        let base: [usize; LANES] = std::array::from_fn(|k| (first + k.min(last)) * n);
        let mut at = [root; LANES];
        loop {
            let mut moved = false;
            // One step of lane `k`: to the next slot or the right child. Indices only grow until a leaf
            // (checked when laid out), so the loop ends.
            macro_rules! lanes {
                ($($k:tt)*) => {$(
                    let i = at[$k];
                    let slot = self.slots.get(i).copied().unwrap_or(Slot { threshold: f64::NAN, feature: 0, right: i as u32 });
                    // In the row: features are checked when laid out and by `fold`.
                    let x = rows.get(base[$k] + slot.feature as usize).copied().unwrap_or(f64::NAN);
                    let next = if x <= slot.threshold { i + 1 } else { slot.right as usize };
                    moved |= next != i;
                    at[$k] = next;
                )*};
            }
            // Lanes 0 to LANES - 1.
            lanes!(0 1 2 3 4 5 6 7);
            if !moved {
                return at;
            }
        }
    }
}

/// Checks that `tree` can be walked: a root, every child after its parent and inside the tree, no node
/// with two parents, every feature inside the row. `Ok(true)` when every split's left child is the next
/// node, as in every tree grown or read here. `parents` is scratch.
fn check(tree: &Tree, n_features: usize, parents: &mut Vec<bool>) -> Result<bool, TrainError> {
    if tree.nodes.is_empty() {
        return Err(malformed("a tree has no node"));
    }
    parents.clear();
    parents.resize(tree.nodes.len(), false);
    let mut next_is_left = true;
    for (index, node) in tree.nodes.iter().enumerate() {
        let Some(split) = &node.split else { continue };
        if split.feature as usize >= n_features {
            return Err(malformed("a feature is out of range"));
        }
        next_is_left &= split.left as usize == index + 1;
        for child in [split.left as usize, split.right as usize] {
            if child <= index {
                return Err(malformed("a child comes before its parent"));
            }
            match parents.get_mut(child) {
                None => return Err(malformed("a child index is out of range")),
                Some(true) => return Err(malformed("a node has two parents")),
                Some(had) => *had = true,
            }
        }
    }
    Ok(next_is_left)
}
