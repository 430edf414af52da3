//! `TreeDiagram`: a fitted decision tree, top down to a chosen depth, each node with its split, its
//! training rows and its share of positives.

use ciclo_core::ml::{column_threshold, Encoding, Pipeline, Tree};
use leptos::prelude::*;

use super::format::{coord, truncate, NumberFormat};
use super::frame::{self, Frame};
use super::heat_class;

/// A node box's width.
const NODE_W: f64 = 156.0;
/// A node box's height.
const NODE_H: f64 = 60.0;
/// The horizontal room of one leaf slot.
const SLOT: f64 = 170.0;
/// The vertical distance between two levels.
const LEVEL: f64 = 100.0;
/// The margin around the drawing.
const MARGIN: f64 = 10.0;
/// The deepest level a diagram draws, whatever the caller asks: 2⁶ leaves are already 64 boxes wide.
const DEEPEST: usize = 6;

/// The question a split asks, in the data set's own terms.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// A numeric column at or below a value: `tenure ≤ 12.5`.
    AtMost {
        /// The column (or feature) name.
        feature: String,
        /// The threshold, in the column's units.
        threshold: f64,
    },
    /// A categorical column equal to a level: `Contract = Month-to-month`.
    Equals {
        /// The column.
        column: String,
        /// The level.
        level: String,
    },
}

impl Condition {
    /// The condition as a node shows it; thresholds with at most two decimals.
    pub fn text(&self, format: &NumberFormat) -> String {
        match self {
            Condition::AtMost { feature, threshold } => {
                format!("{feature} ≤ {}", format.shortest((threshold * 100.0).round() / 100.0))
            }
            Condition::Equals { column, level } => format!("{column} = {level}"),
        }
    }
}

/// A node of a [`DrawnTree`].
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnNode {
    /// The split's question, `None` for a leaf.
    pub condition: Option<Condition>,
    /// The indices of the children for rows that answer yes and no, `None` for a leaf.
    pub children: Option<(usize, usize)>,
    /// The training rows that reached the node.
    pub samples: u32,
    /// Their share of positives (the churn rate).
    pub positive_share: f64,
}

/// A tree ready to draw: nodes in preorder from the root (index 0), children after their parent.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DrawnTree {
    /// The nodes.
    pub nodes: Vec<DrawnNode>,
}

/// The column and level of feature `feature` when it is a one-hot indicator of `pipeline`.
fn one_hot_level(pipeline: &Pipeline, feature: usize) -> Option<(String, String)> {
    let mut first = 0;
    for encoding in pipeline.encodings() {
        match encoding {
            Encoding::Numeric { .. } => {
                if feature == first {
                    return None;
                }
                first += 1;
            }
            Encoding::OneHot { column, levels, .. } => {
                if let Some(level) = feature.checked_sub(first).and_then(|k| levels.get(k)) {
                    return Some((column.clone(), level.clone()));
                }
                first += levels.len();
            }
        }
    }
    None
}

impl DrawnTree {
    /// A decision tree's nodes (`FittedTree::tree`, whose node values are shares of positives) with its
    /// splits in the data set's terms, through the pipeline that fed it: a numeric feature asks
    /// `column ≤ value` (yes to the left child), a one-hot indicator asks `column = level` (yes to the
    /// right child, where the indicator is above its threshold).
    pub fn decision_tree(tree: &Tree, pipeline: &Pipeline) -> DrawnTree {
        let nodes = tree
            .nodes
            .iter()
            .map(|node| {
                let (condition, children) = match &node.split {
                    None => (None, None),
                    Some(split) => {
                        let feature = split.feature as usize;
                        let (left, right) = (split.left as usize, split.right as usize);
                        match (
                            column_threshold(pipeline, feature, split.threshold),
                            one_hot_level(pipeline, feature),
                        ) {
                            (Some((_, t)), Some((column, level))) if (0.0..1.0).contains(&t) => {
                                (Some(Condition::Equals { column, level }), Some((right, left)))
                            }
                            (Some((name, t)), _) => {
                                (Some(Condition::AtMost { feature: name, threshold: t }), Some((left, right)))
                            }
                            (None, _) => (
                                Some(Condition::AtMost {
                                    feature: format!("#{feature}"),
                                    threshold: split.threshold,
                                }),
                                Some((left, right)),
                            ),
                        }
                    }
                };
                DrawnNode { condition, children, samples: node.samples, positive_share: node.value }
            })
            .collect();
        DrawnTree { nodes }
    }
}

/// A node's place in the drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedNode {
    /// The node's index in the [`DrawnTree`].
    pub index: usize,
    /// The center of its box.
    pub x: f64,
    /// The top of its box.
    pub y: f64,
    /// Its depth (the root's is 0).
    pub depth: usize,
    /// It has children that are not drawn (below the depth limit).
    pub hidden_below: bool,
    /// The answer that leads to it from its parent (`Some(true)` for yes), `None` for the root.
    pub branch: Option<bool>,
    /// Its parent's position in [`TreeLayout::nodes`].
    pub parent: Option<usize>,
}

/// A tree's drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeLayout {
    /// The nodes drawn, in preorder.
    pub nodes: Vec<PlacedNode>,
    /// Whether some levels are hidden.
    pub hidden: bool,
    /// The drawing's width.
    pub width: f64,
    /// The drawing's height.
    pub height: f64,
}

/// Lays `tree` out down to depth `max_depth` (at most 6): leaves and cut-off nodes side by side in
/// order, each parent centered over its children. A child index that does not come after its parent or
/// is out of range (a malformed tree) makes the node a leaf.
pub fn layout(tree: &DrawnTree, max_depth: usize) -> TreeLayout {
    struct Walk<'a> {
        tree: &'a DrawnTree,
        max_depth: usize,
        slots: usize,
        placed: Vec<PlacedNode>,
        hidden: bool,
    }
    impl Walk<'_> {
        /// Places node `index` and its subtree; returns its x.
        fn place(&mut self, index: usize, depth: usize, branch: Option<bool>, parent: Option<usize>) -> f64 {
            let children = self.tree.nodes.get(index).and_then(|n| n.children).filter(|&(a, b)| {
                a > index && b > index && a < self.tree.nodes.len() && b < self.tree.nodes.len()
            });
            let me = self.placed.len();
            let y = MARGIN + depth as f64 * LEVEL;
            self.placed.push(PlacedNode { index, x: 0.0, y, depth, hidden_below: false, branch, parent });
            let x = match children {
                Some((yes, no)) if depth < self.max_depth => {
                    let a = self.place(yes, depth + 1, Some(true), Some(me));
                    let b = self.place(no, depth + 1, Some(false), Some(me));
                    (a + b) / 2.0
                }
                _ => {
                    if children.is_some() {
                        self.hidden = true;
                        if let Some(p) = self.placed.get_mut(me) {
                            p.hidden_below = true;
                        }
                    }
                    let x = MARGIN + (self.slots as f64 + 0.5) * SLOT;
                    self.slots += 1;
                    x
                }
            };
            if let Some(p) = self.placed.get_mut(me) {
                p.x = x;
            }
            x
        }
    }
    let mut walk =
        Walk { tree, max_depth: max_depth.min(DEEPEST), slots: 0, placed: Vec::new(), hidden: false };
    if !tree.nodes.is_empty() {
        walk.place(0, 0, None, None);
    }
    let levels = walk.placed.iter().map(|p| p.depth + 1).max().unwrap_or(1);
    TreeLayout {
        width: walk.slots.max(1) as f64 * SLOT + 2.0 * MARGIN,
        height: (levels as f64 - 1.0) * LEVEL + NODE_H + 2.0 * MARGIN + if walk.hidden { 40.0 } else { 0.0 },
        nodes: walk.placed,
        hidden: walk.hidden,
    }
}

/// The texts a node shows, top to bottom.
fn node_lines(
    node: &DrawnNode,
    samples_label: &str,
    share_label: &str,
    format: &NumberFormat,
) -> Vec<String> {
    let mut lines = Vec::with_capacity(3);
    if let Some(condition) = &node.condition {
        lines.push(condition.text(format));
    }
    lines.push(format!("{samples_label} {}", node.samples));
    lines.push(format!("{share_label} {}", format.percent(node.positive_share, 1)));
    lines
}

/// A fitted decision tree drawn top down to `max_depth` levels, each node showing its split, its rows
/// and its share of positives (shaded by it, `chart-heat-0` to `4`), the edges labeled yes and no, and a
/// note when deeper levels are hidden. Wide trees scroll sideways rather than shrink.
///
/// ```ignore
/// <TreeDiagram title="The fitted tree" tree=DrawnTree::decision_tree(&fitted.tree, &outcome.pipeline)
///     yes_label="yes" no_label="no" samples_label="rows" share_label="churn"
///     hidden_note="Deeper levels are hidden." />
/// ```
#[component]
pub fn TreeDiagram(
    /// The chart's accessible name and `<title>`.
    #[prop(into)]
    title: String,
    /// The tree ([`DrawnTree::decision_tree`]).
    tree: DrawnTree,
    /// The levels drawn below the root (3 by default, 6 at most).
    #[prop(optional)]
    max_depth: Option<usize>,
    /// The label of an edge to the rows that answer yes.
    #[prop(into)]
    yes_label: String,
    /// The label of an edge to the rows that answer no.
    #[prop(into)]
    no_label: String,
    /// The word before a node's row count ("rows", "samples").
    #[prop(into)]
    samples_label: String,
    /// The word before a node's share of positives ("churn").
    #[prop(into)]
    share_label: String,
    /// The note shown when deeper levels are hidden.
    #[prop(into)]
    hidden_note: String,
    /// How numbers are written; English by default.
    #[prop(optional, into)]
    format: NumberFormat,
    /// A sentence for `<desc>`.
    #[prop(optional, into)]
    desc: Option<String>,
) -> impl IntoView {
    let placed = layout(&tree, max_depth.unwrap_or(3));
    let fr =
        Frame { width: placed.width, height: placed.height, left: 0.0, right: 0.0, top: 0.0, bottom: 0.0 };
    let edges = placed
        .nodes
        .iter()
        .filter_map(|child| {
            let parent = placed.nodes.get(child.parent?)?;
            let (x1, y1, x2, y2) = (parent.x, parent.y + NODE_H, child.x, child.y);
            let label = if child.branch == Some(true) { yes_label.clone() } else { no_label.clone() };
            let mid_y = (y1 + y2) / 2.0;
            Some(view! {
                <g class="chart-edge">
                    <path d=format!("M{} {} C{} {} {} {} {} {}", coord(x1), coord(y1), coord(x1), coord(mid_y), coord(x2), coord(mid_y), coord(x2), coord(y2))></path>
                    <text x=coord((x1 + x2) / 2.0) y=coord(mid_y) dy="0.32em" text-anchor="middle">{label}</text>
                </g>
            })
        })
        .collect_view();
    let nodes = placed
        .nodes
        .iter()
        .filter_map(|p| Some((p, tree.nodes.get(p.index)?)))
        .map(|(p, node)| {
            let lines = node_lines(node, &samples_label, &share_label, &format);
            let first_line = p.y + NODE_H / 2.0 - (lines.len() as f64 - 1.0) * 8.0;
            let texts = lines
                .into_iter()
                .enumerate()
                .map(|(i, line)| {
                    let class = if i == 0 && node.condition.is_some() { "chart-node-split" } else { "chart-node-fact" };
                    view! {
                        <text class=class x=coord(p.x) y=coord(first_line + i as f64 * 16.0) dy="0.32em" text-anchor="middle">
                            {truncate(&line, 26)}
                        </text>
                    }
                })
                .collect_view();
            let stub = p.hidden_below.then(|| {
                view! {
                    <path class="chart-tree-stub" d=format!("M{} {} v18", coord(p.x), coord(p.y + NODE_H))></path>
                    <text class="chart-tree-stub-text" x=coord(p.x) y=coord(p.y + NODE_H + 30.0) text-anchor="middle">"…"</text>
                }
            });
            let leaf = if node.condition.is_none() { " chart-leaf" } else { "" };
            view! {
                <g class=format!("chart-node {}{leaf}", heat_class(node.positive_share))>
                    <rect x=coord(p.x - NODE_W / 2.0) y=coord(p.y) width=coord(NODE_W) height=coord(NODE_H) rx="6"></rect>
                    {texts}
                    {stub}
                </g>
            }
        })
        .collect_view();
    let note = placed.hidden.then(|| {
        view! {
            <text class="chart-note" x=coord(MARGIN) y=coord(placed.height - 10.0)>{hidden_note.clone()}</text>
        }
    });
    let marks = view! {
        <g class="chart-edges">{edges}</g>
        <g class="chart-nodes">{nodes}</g>
        {note}
    };
    let outline = outline(&tree, &placed, &yes_label, &no_label, &samples_label, &share_label, &format);
    let alternative = view! {
        <div class="chart-sr">
            <ul>{outline}</ul>
            {placed.hidden.then(|| view! { <p>{hidden_note}</p> })}
        </div>
    };
    frame::figure(
        frame::Figure { kind: "tree-diagram", frame: fr, title, desc, min_width: Some(placed.width * 0.6) },
        marks,
        Vec::new(),
        alternative,
    )
}

/// The drawn part of the tree as nested lists, for screen readers: each item says the branch taken,
/// the split, the rows and the share.
fn outline(
    tree: &DrawnTree,
    placed: &TreeLayout,
    yes: &str,
    no: &str,
    samples_label: &str,
    share_label: &str,
    format: &NumberFormat,
) -> AnyView {
    /// The list items of the children of placed node `parent` (the root's item when `None`).
    fn items(
        tree: &DrawnTree,
        placed: &TreeLayout,
        parent: Option<usize>,
        words: (&str, &str, &str, &str),
        format: &NumberFormat,
    ) -> AnyView {
        placed
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, p)| p.parent == parent)
            .filter_map(|(me, p)| Some((me, p, tree.nodes.get(p.index)?)))
            .map(|(me, p, node)| {
                let (yes, no, samples_label, share_label) = words;
                let branch = match p.branch {
                    Some(true) => format!("{yes}: "),
                    Some(false) => format!("{no}: "),
                    None => String::new(),
                };
                let text =
                    format!("{branch}{}", node_lines(node, samples_label, share_label, format).join("; "));
                let has_children = placed.nodes.iter().any(|c| c.parent == Some(me));
                let children =
                    has_children.then(|| view! { <ul>{items(tree, placed, Some(me), words, format)}</ul> });
                view! { <li>{text}{children}</li> }
            })
            .collect_view()
            .into_any()
    }
    items(tree, placed, None, (yes, no, samples_label, share_label), format)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    fn leaf(samples: u32, share: f64) -> DrawnNode {
        DrawnNode { condition: None, children: None, samples, positive_share: share }
    }

    fn split(feature: &str, children: (usize, usize), samples: u32) -> DrawnNode {
        DrawnNode {
            condition: Some(Condition::AtMost { feature: feature.into(), threshold: 12.5 }),
            children: Some(children),
            samples,
            positive_share: 0.3,
        }
    }

    /// A full tree of depth 3 in preorder: 15 nodes.
    fn full_tree() -> DrawnTree {
        let mut nodes = Vec::new();
        fn grow(nodes: &mut Vec<DrawnNode>, depth: usize) -> usize {
            let me = nodes.len();
            if depth == 3 {
                nodes.push(leaf(10, 0.5));
                return me;
            }
            nodes.push(split("x", (0, 0), 100));
            let yes = grow(nodes, depth + 1);
            let no = grow(nodes, depth + 1);
            nodes[me].children = Some((yes, no));
            me
        }
        grow(&mut nodes, 0);
        DrawnTree { nodes }
    }

    #[test]
    fn depth_limit_hides_levels() {
        let tree = full_tree();
        assert_eq!(tree.nodes.len(), 15);
        let all = layout(&tree, 3);
        assert_eq!((all.nodes.len(), all.hidden), (15, false));
        let cut = layout(&tree, 1);
        assert_eq!((cut.nodes.len(), cut.hidden), (3, true));
        assert!(cut.nodes[1].hidden_below && cut.nodes[2].hidden_below);
        // The root is centered over its two children.
        assert_eq!(cut.nodes[0].x, (cut.nodes[1].x + cut.nodes[2].x) / 2.0);
        assert_eq!(cut.nodes[1].branch, Some(true));
    }

    #[test]
    fn malformed_trees_do_not_loop_or_panic() {
        let looped = DrawnTree { nodes: vec![split("x", (0, 0), 10), leaf(1, 0.0)] };
        assert_eq!(layout(&looped, 3).nodes.len(), 1);
        let out_of_range = DrawnTree { nodes: vec![split("x", (5, 6), 10)] };
        assert_eq!(layout(&out_of_range, 3).nodes.len(), 1);
        assert!(layout(&DrawnTree::default(), 3).nodes.is_empty());
    }

    #[test]
    fn conditions_read_like_the_data() {
        let f = NumberFormat::default();
        assert_eq!(
            Condition::AtMost { feature: "tenure".into(), threshold: 12.499999 }.text(&f),
            "tenure ≤ 12.5"
        );
        let es = NumberFormat::from(crate::i18n::Lang::Es);
        assert_eq!(
            Condition::AtMost { feature: "MonthlyCharges".into(), threshold: 70.351 }.text(&es),
            "MonthlyCharges ≤ 70,35"
        );
        let eq = Condition::Equals { column: "Contract".into(), level: "Month-to-month".into() };
        assert_eq!(eq.text(&f), "Contract = Month-to-month");
    }

    #[test]
    fn a_fitted_tree_speaks_the_data_sets_terms() {
        use ciclo_core::ml::{train, FittedModel, ModelKind, ModelParams, TrainConfig};
        let data = ciclo_core::telco::generate(600, 7);
        let mut config = TrainConfig {
            params: ModelParams::default_for(ModelKind::DecisionTree),
            ..TrainConfig::default()
        };
        config.params.set("max_depth", "3").unwrap();
        let outcome = train(&data, &config, &mut |_| {}).unwrap();
        let FittedModel::Tree(fitted) = &outcome.model else { panic!("a tree") };
        let drawn = DrawnTree::decision_tree(&fitted.tree, &outcome.pipeline);
        assert_eq!(drawn.nodes.len(), fitted.tree.nodes.len());
        let texts: Vec<String> = drawn
            .nodes
            .iter()
            .filter_map(|n| n.condition.as_ref())
            .map(|c| c.text(&NumberFormat::default()))
            .collect();
        assert!(!texts.is_empty());
        // Every split names a column of the data set, and a one-hot split asks for a level, not "≤ 0.5".
        assert!(texts.iter().all(|t| !t.contains('#') && !t.contains("≤ 0.5")), "{texts:?}");
        let root = &drawn.nodes[0];
        assert_eq!(root.samples as usize, outcome.n_train);
        assert!((0.0..=1.0).contains(&root.positive_share));
        // The yes child of an equality split is the node's right child in the core's tree.
        for (node, core) in drawn.nodes.iter().zip(&fitted.tree.nodes) {
            if let (Some(Condition::Equals { .. }), Some(split)) = (&node.condition, &core.split) {
                assert_eq!(node.children, Some((split.right as usize, split.left as usize)));
            }
        }
    }
}
