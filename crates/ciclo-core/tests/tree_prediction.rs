//! Issue 5: the tree families score through a compact layout ([`CompactTrees`]) rather than walking their
//! [`Tree`]s' nodes, and the predictions are the same to the bit as the walk of [`Tree::leaf_value`] they
//! replaced, for the decision tree, the forest and boosting, on a few thousand rows plus rows that sit
//! exactly on thresholds, are infinite or NaN.
//!
//! With `CICLO_SERVING_TIMING=1` (and `--nocapture`), `timing` prints how long a default forest takes to
//! score 100,000 rows each way, natively: the quick check before `cargo xtask bench --serving`; best with
//! `--release` (the page's profile).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.

use std::time::Instant;

use ciclo_core::ml::tree::CompactTrees;
use ciclo_core::ml::{
    train, FittedBoosting, FittedForest, FittedModel, ModelKind, Node, NodeSplit, TrainConfig, TrainError,
    TrainOutcome, Tree,
};
use ciclo_core::serving::{LoggedModel, MODEL_FORMAT, MODEL_VERSION};
use ciclo_core::telco;
use ndarray::{Array2, Axis};

fn trained(kind: ModelKind, params: &[(&str, &str)], rows: usize) -> TrainOutcome {
    let mut config = TrainConfig::for_model(telco::TARGET, kind);
    for (name, value) in params {
        config.params.set(name, value).unwrap();
    }
    train(&telco::generate(rows, 1), &config, &mut |_| {}).unwrap()
}

/// `rows` new rows through `outcome`'s pipeline, then rows that test the comparison's edges: every
/// feature set to a threshold the trees use (rows there go left), to the next number above it, to ±∞ and
/// to NaN (NaN goes right: `NaN <= t` is false).
fn rows_to_score(outcome: &TrainOutcome, trees: &[Tree], rows: usize) -> Array2<f64> {
    let data = telco::generate(rows, 5);
    let all: Vec<usize> = (0..rows).collect();
    let (x, _) = outcome.pipeline.transform(&data, &all).unwrap();
    let n = x.ncols();
    let mut edges: Vec<f64> = vec![f64::INFINITY, f64::NEG_INFINITY, f64::NAN];
    for tree in trees.iter().take(5) {
        for split in tree.nodes.iter().filter_map(|node| node.split.as_ref()).take(20) {
            edges.push(split.threshold);
            edges.push(f64::from_bits(split.threshold.to_bits() + 1));
        }
    }
    let mut out = x.into_raw_vec_and_offset().0;
    for (i, edge) in edges.iter().enumerate() {
        // Each edge value in every feature of one row, and in every other feature of the next.
        out.extend((0..n).map(|_| *edge));
        out.extend((0..n).map(|j| if (i + j) % 2 == 0 { *edge } else { 0.0 }));
    }
    let n_rows = out.len() / n;
    Array2::from_shape_vec((n_rows, n), out).unwrap()
}

fn bits(values: &[f64]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

/// Each row's `init` plus its leaf value in every tree, in tree order, by the walk of `Tree::leaf_value`:
/// what the families computed before the compact layout.
fn node_walk(trees: &[Tree], x: &Array2<f64>, init: f64) -> Vec<f64> {
    x.rows()
        .into_iter()
        .map(|row| {
            let mut sum = init;
            for tree in trees {
                sum += tree.leaf_value(row).unwrap();
            }
            sum
        })
        .collect()
}

fn forest_walk(forest: &FittedForest, x: &Array2<f64>) -> Vec<f64> {
    let n_trees = forest.trees.len() as f64;
    node_walk(&forest.trees, x, 0.0).into_iter().map(|sum| sum / n_trees).collect()
}

fn boosting_walk(boosting: &FittedBoosting, x: &Array2<f64>) -> Vec<f64> {
    node_walk(&boosting.trees, x, boosting.base_score)
}

fn logged(outcome: &TrainOutcome) -> LoggedModel {
    LoggedModel {
        format: MODEL_FORMAT.to_string(),
        version: MODEL_VERSION,
        positive: outcome.positive.clone(),
        threshold: 0.5,
        pipeline: outcome.pipeline.clone(),
        model: outcome.model.clone(),
    }
}

#[test]
fn the_compact_walk_gives_the_node_walks_bits() {
    for (kind, params) in [
        (ModelKind::DecisionTree, &[][..]),
        (ModelKind::DecisionTree, &[("max_depth", "5"), ("max_bins", "255")][..]),
        (ModelKind::RandomForest, &[("n_estimators", "30")][..]),
        (ModelKind::RandomForest, &[("n_estimators", "7"), ("bootstrap", "false"), ("max_depth", "4")][..]),
        (ModelKind::GradientBoosting, &[][..]),
        (ModelKind::GradientBoosting, &[("subsample", "0.7"), ("early_stopping_rounds", "5")][..]),
    ] {
        let outcome = trained(kind, params, 2000);
        let model = &outcome.model;
        let (trees, x, expected, got) = match model {
            FittedModel::Tree(m) => {
                let trees = std::slice::from_ref(&m.tree);
                let x = rows_to_score(&outcome, trees, 3000);
                let expected: Vec<f64> =
                    x.rows().into_iter().map(|r| m.tree.leaf_value(r).unwrap()).collect();
                let got = m.predict_proba(&x).unwrap();
                (trees.to_vec(), x, expected, got)
            }
            FittedModel::Forest(m) => {
                let x = rows_to_score(&outcome, &m.trees, 3000);
                let (expected, got) = (forest_walk(m, &x), m.predict_proba(&x).unwrap());
                (m.trees.clone(), x, expected, got)
            }
            FittedModel::Boosting(m) => {
                // Its probabilities are the logistic function of these scores.
                let x = rows_to_score(&outcome, &m.trees, 3000);
                let (expected, got) = (boosting_walk(m, &x), m.decision_function(&x).unwrap());
                (m.trees.clone(), x, expected, got)
            }
            FittedModel::Logistic(_) => unreachable!(),
        };
        assert!(expected.len() > 3000 && trees.iter().all(|t| t.nodes.len() > 1), "{kind:?}");
        assert_eq!(bits(&got), bits(&expected), "{kind:?} {params:?}");
        // Serving gives the model's probabilities, in one call or batch after batch with one layout.
        let probabilities = model.predict_proba(&x).unwrap();
        let served = logged(&outcome);
        assert_eq!(bits(&served.predict_matrix(&x).unwrap()), bits(&probabilities), "{kind:?}");
        let scorer = served.scorer().unwrap();
        let mut batches = Vec::new();
        for start in (0..x.nrows()).step_by(700) {
            let rows: Vec<usize> = (start..x.nrows().min(start + 700)).collect();
            batches.extend(scorer.predict_matrix(&x.select(Axis(0), &rows)).unwrap());
        }
        assert_eq!(bits(&batches), bits(&probabilities), "{kind:?}");
    }
}

/// The scorer of a logistic regression is the model itself.
#[test]
fn a_logistic_scorer_scores_as_the_model() {
    let outcome = trained(ModelKind::LogisticRegression, &[], 1000);
    let data = telco::generate(300, 5);
    let rows: Vec<usize> = (0..300).collect();
    let served = logged(&outcome);
    let expected = served.predict_proba(&data, &rows).unwrap();
    assert_eq!(served.scorer().unwrap().predict_proba(&data, &rows).unwrap(), expected);
}

fn split(feature: u32, threshold: f64, left: u32, right: u32) -> Node {
    let split = NodeSplit { feature, threshold, left, right, gain: 0.0 };
    Node { split: Some(split), samples: 2, weight: 2.0, impurity: 0.5, value: 0.5 }
}

fn leaf(value: f64) -> Node {
    Node { split: None, samples: 1, weight: 1.0, impurity: 0.0, value }
}

/// A tree not in preorder (children in any order after their parent) is walked as it is.
#[test]
fn any_order_of_children_after_their_parent() {
    // Root splits feature 1 at 0: left is node 4, right node 1, which splits feature 0 at 2.
    let tree =
        Tree { nodes: vec![split(1, 0.0, 4, 1), split(0, 2.0, 3, 2), leaf(0.75), leaf(0.25), leaf(-0.0)] };
    let x = Array2::from_shape_vec((4, 2), vec![9.0, 0.0, 2.0, 1.0, 2.5, 1.0, 0.0, f64::NAN]).unwrap();
    let compact = CompactTrees::new(std::slice::from_ref(&tree), 2).unwrap();
    assert_eq!(compact.n_trees(), 1);
    let expected: Vec<f64> = x.rows().into_iter().map(|r| tree.leaf_value(r).unwrap()).collect();
    assert_eq!(bits(&expected), bits(&[-0.0, 0.25, 0.75, 0.25]));
    let forest = FittedForest { trees: vec![tree.clone(), tree], n_features: 2 };
    assert_eq!(bits(&forest.predict_proba(&x).unwrap()), bits(&forest_walk(&forest, &x)));
    assert_eq!(bits(&forest.predict_proba(&x).unwrap()), bits(&[0.0, 0.25, 0.75, 0.25]));
}

/// A hand-edited model whose trees are not trees is an error, never a panic or an endless walk.
#[test]
fn malformed_trees_are_errors() {
    let check = |nodes: Vec<Node>, n_features: usize, expected: &str| {
        let error = CompactTrees::new(&[Tree { nodes }], n_features).unwrap_err();
        let TrainError::Internal { message } = &error else { panic!("{error:?}") };
        assert_eq!(message, &format!("the tree is malformed: {expected}"));
    };
    check(vec![split(0, 0.0, 1, 2), leaf(1.0)], 1, "a child index is out of range");
    check(vec![split(0, 0.0, 0, 1), leaf(1.0)], 1, "a child comes before its parent");
    check(vec![split(3, 0.0, 1, 2), leaf(1.0), leaf(0.0)], 3, "a feature is out of range");
    check(vec![split(0, 0.0, 1, 1), leaf(1.0)], 1, "a node has two parents");
    check(vec![], 1, "a tree has no node");
    // A malformed node is an error even where no path reaches it.
    check(
        vec![split(0, 0.0, 1, 2), leaf(1.0), leaf(0.0), split(9, 0.0, 4, 5)],
        1,
        "a feature is out of range",
    );
    // Well-formed nodes no path reaches are harmless, in preorder or not.
    for nodes in [
        vec![split(0, 0.0, 1, 2), leaf(1.0), leaf(0.0), leaf(0.5)],
        vec![split(0, 0.0, 3, 1), leaf(0.0), leaf(0.5), leaf(1.0)],
    ] {
        let tree = Tree { nodes };
        let x = Array2::from_shape_vec((2, 1), vec![-1.0, 1.0]).unwrap();
        let forest = FittedForest { trees: vec![tree], n_features: 1 };
        assert_eq!(forest.predict_proba(&x).unwrap(), [1.0, 0.0]);
        assert_eq!(forest.predict_proba(&x).unwrap(), forest_walk(&forest, &x));
    }
}

/// Not a check: the native time to score 100,000 rows with the serving benchmark's default forest
/// (`docs/BENCHMARKS.md`, "Serving (issue 5)"), the walk of the nodes against the compact layout.
/// `CICLO_SERVING_TIMING=1 cargo test --release -p ciclo-core --test tree_prediction timing -- --nocapture`.
#[test]
fn timing() {
    if std::env::var("CICLO_SERVING_TIMING").as_deref() != Ok("1") {
        return;
    }
    let mut config = TrainConfig::for_model(telco::TARGET, ModelKind::RandomForest);
    config.seed = 42;
    let outcome = train(&telco::generate(7043, 1), &config, &mut |_| {}).unwrap();
    let FittedModel::Forest(forest) = &outcome.model else { unreachable!() };
    let nodes: usize = forest.trees.iter().map(|t| t.nodes.len()).sum();
    let data = telco::generate(100_000, 7);
    let rows: Vec<usize> = (0..data.n_rows()).collect();
    let (x, _) = outcome.pipeline.transform(&data, &rows).unwrap();
    // Wall time, and on Linux this thread's time on a CPU (less disturbed by other work on a shared machine).
    let median = |f: &mut dyn FnMut() -> Vec<f64>| {
        let mut times = Vec::new();
        let mut out = Vec::new();
        for _ in 0..5 {
            let (start, cpu) = (Instant::now(), cpu_ms());
            out = f();
            times.push((start.elapsed().as_secs_f64() * 1000.0, cpu_ms().zip(cpu).map(|(b, a)| b - a)));
        }
        times.sort_by(|a, b| a.0.total_cmp(&b.0));
        let wall = times[2].0;
        let mut cpu: Vec<f64> = times.iter().filter_map(|t| t.1).collect();
        cpu.sort_by(f64::total_cmp);
        (Time { wall, cpu: cpu.get(2).copied() }, out)
    };
    let n_trees = forest.trees.len() as f64;
    let (walk, expected) = median(&mut || {
        // Tree by tree over all rows, as serving did before the compact layout.
        let mut sums = vec![0.0; x.nrows()];
        for tree in &forest.trees {
            for (sum, row) in sums.iter_mut().zip(x.rows()) {
                *sum += tree.leaf_value(row).unwrap();
            }
        }
        sums.into_iter().map(|s| s / n_trees).collect()
    });
    let (build, _) = median(&mut || {
        let compact = CompactTrees::new(&forest.trees, forest.n_features).unwrap();
        vec![compact.n_trees() as f64]
    });
    let (compact, got) = median(&mut || forest.predict_proba(&x).unwrap());
    assert_eq!(bits(&got), bits(&expected));
    // The page's CSV scorer scores 2,000 rows a call.
    let slice = x.select(ndarray::Axis(0), &(0..2000).collect::<Vec<_>>());
    let (slice_time, _) = median(&mut || forest.predict_proba(&slice).unwrap());
    let served = logged(&outcome);
    let scorer = served.scorer().unwrap();
    let (slice_scorer, _) = median(&mut || scorer.predict_matrix(&slice).unwrap());
    println!(
        "{} trees, {nodes} nodes of {} bytes, {} rows: node walk {walk}, compact {compact}, laying out \
         {build}; node walk / compact {:.2} (wall); 2,000 rows {slice_time}, {slice_scorer} with a scorer",
        forest.trees.len(),
        std::mem::size_of::<Node>(),
        x.nrows(),
        walk.wall / compact.wall
    );
}

/// A median time in milliseconds.
struct Time {
    wall: f64,
    cpu: Option<f64>,
}

impl std::fmt::Display for Time {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.cpu {
            Some(cpu) => write!(f, "{:.1} ms ({cpu:.1} ms on CPU)", self.wall),
            None => write!(f, "{:.1} ms", self.wall),
        }
    }
}

/// Milliseconds this thread has run on a CPU, from Linux's `/proc/thread-self/schedstat`.
fn cpu_ms() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e6)
}
