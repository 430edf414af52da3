//! `ParallelCoordinates`: runs as lines across one vertical axis per parameter or metric, one run
//! highlighted, as MLflow's compare view draws them.

use leptos::prelude::*;

use super::data::{Polyline, Value};
use super::format::{coord, line_path, truncate, NumberFormat};
use super::frame::{self, DataTable, Frame};
use super::scale::{band_center, extent, Linear};

/// The viewBox's height and margins; the width grows with the axes.
const HEIGHT: f64 = 340.0;
/// The room between two axes.
const AXIS_GAP: f64 = 130.0;
/// The most categories labeled on one axis (the lines still reach every category).
const MAX_CATEGORY_LABELS: usize = 12;

/// One axis: numeric (a linear scale over the runs' values) or categorical (its categories: numbers in
/// numeric order, then text).
#[derive(Debug, Clone, PartialEq)]
pub enum AxisKind {
    /// Every value present is a number: the smallest at the bottom, the largest at the top.
    Numeric {
        /// The smallest value.
        min: f64,
        /// The largest value.
        max: f64,
    },
    /// Categories, the first at the bottom.
    Categorical(Vec<String>),
}

/// One axis's place and labels.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedAxis {
    /// Its x coordinate.
    pub x: f64,
    /// Numeric or categorical.
    pub kind: AxisKind,
    /// Its labeled ticks: `(y, label)`.
    pub ticks: Vec<(f64, String)>,
}

/// A parallel-coordinates plot's geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct ParallelLayout {
    /// The viewBox and margins.
    pub frame: Frame,
    /// The axes, left to right.
    pub axes: Vec<PlacedAxis>,
    /// Each run's path, in the runs' order.
    pub paths: Vec<String>,
}

/// The text a value takes on a categorical axis.
fn category(value: &Value, format: &NumberFormat) -> Option<String> {
    match value {
        Value::Number(x) => Some(format.shortest(*x)),
        Value::Category(c) => Some(c.clone()),
        Value::Missing => None,
    }
}

/// Lays out `runs` across `axes` (a run's values beyond the axes are ignored; a missing value breaks
/// its line).
pub fn layout(axes: &[String], runs: &[Polyline], format: &NumberFormat) -> ParallelLayout {
    let n = axes.len().max(1);
    let frame = Frame {
        width: (n as f64 * AXIS_GAP).max(320.0),
        height: HEIGHT,
        left: 0.0,
        right: 0.0,
        top: 48.0,
        bottom: 40.0,
    };
    let y_range = frame.y_range();
    let column = |a: usize| runs.iter().filter_map(move |r| r.values.get(a));
    let kinds: Vec<AxisKind> = (0..axes.len())
        .map(|a| {
            let numeric = column(a).all(|v| !matches!(v, Value::Category(_)));
            if numeric {
                let numbers =
                    column(a).filter_map(|v| if let Value::Number(x) = v { Some(*x) } else { None });
                let (min, max) = extent(numbers).unwrap_or((0.0, 1.0));
                AxisKind::Numeric { min, max }
            } else {
                // Numbers first, in numeric order, then text in alphabetical order.
                let mut keyed: Vec<(Option<f64>, String)> = column(a)
                    .filter_map(|v| {
                        let number = if let Value::Number(x) = v { Some(*x) } else { None };
                        Some((number, category(v, format)?))
                    })
                    .collect();
                keyed.sort_by(|p, q| match (p.0, q.0) {
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => p.1.cmp(&q.1),
                });
                let mut categories: Vec<String> = keyed.into_iter().map(|(_, c)| c).collect();
                categories.dedup();
                AxisKind::Categorical(categories)
            }
        })
        .collect();
    let position = |kind: &AxisKind, value: &Value| -> f64 {
        match (kind, value) {
            (AxisKind::Numeric { min, max }, Value::Number(x)) => {
                if max > min {
                    Linear::new((*min, *max), y_range).map(*x)
                } else {
                    (y_range.0 + y_range.1) / 2.0
                }
            }
            (AxisKind::Categorical(categories), v) => match category(v, format) {
                Some(c) => categories
                    .iter()
                    .position(|k| *k == c)
                    .map_or(f64::NAN, |k| band_center(k, categories.len(), y_range)),
                None => f64::NAN,
            },
            _ => f64::NAN,
        }
    };
    let xs: Vec<f64> = (0..axes.len()).map(|a| (a as f64 + 0.5) * frame.width / n as f64).collect();
    let paths = runs
        .iter()
        .map(|run| {
            line_path(
                xs.iter().zip(&kinds).zip(&run.values).map(|((&x, kind), value)| (x, position(kind, value))),
            )
        })
        .collect();
    let axes = xs
        .into_iter()
        .zip(kinds)
        .map(|(x, kind)| {
            let ticks = match &kind {
                AxisKind::Numeric { min, max } if max > min => {
                    let mid = (min + max) / 2.0;
                    [*min, mid, *max]
                        .into_iter()
                        .map(|v| (position(&kind, &Value::Number(v)), format.tick(v, (max - min) / 20.0)))
                        .collect()
                }
                AxisKind::Numeric { min, .. } => vec![((y_range.0 + y_range.1) / 2.0, format.shortest(*min))],
                AxisKind::Categorical(categories) => {
                    let every = categories.len().div_ceil(MAX_CATEGORY_LABELS).max(1);
                    categories
                        .iter()
                        .enumerate()
                        .filter(|(k, _)| k % every == 0)
                        .map(|(k, c)| (band_center(k, categories.len(), y_range), truncate(c, 14)))
                        .collect()
                }
            };
            PlacedAxis { x, kind, ticks }
        })
        .collect();
    ParallelLayout { frame, axes, paths }
}

/// Runs as lines across one vertical axis per parameter or metric, each axis numeric (min to max) or
/// categorical; highlighted runs are drawn last, in the class `chart-highlight`. Each line's tooltip is
/// its run's label.
///
/// ```ignore
/// <ParallelCoordinates title="Runs compared" axes=axes.clone()
///     runs=runs.iter().map(|r| Polyline::from_logged(&r.name, &axes, r.logged())).collect() />
/// ```
#[component]
pub fn ParallelCoordinates(
    /// The chart's accessible name and `<title>`.
    #[prop(into)]
    title: String,
    /// The axes' names (parameters and metrics), left to right.
    axes: Vec<String>,
    /// The runs, one value per axis.
    runs: Vec<Polyline>,
    /// How numbers are written; English by default.
    #[prop(optional, into)]
    format: NumberFormat,
    /// A sentence for `<desc>`.
    #[prop(optional, into)]
    desc: Option<String>,
) -> impl IntoView {
    let ParallelLayout { frame: fr, axes: placed_axes, paths } = layout(&axes, &runs, &format);
    let (bottom, top) = fr.y_range();
    let axis_views = placed_axes
        .iter()
        .zip(&axes)
        .map(|(axis, name)| {
            let x = axis.x;
            let ticks = axis
                .ticks
                .iter()
                .map(|(y, label)| {
                    view! {
                        <line x1=coord(x - 4.0) x2=coord(x) y1=coord(*y) y2=coord(*y)></line>
                        <text x=coord(x - 7.0) y=coord(*y) dy="0.32em" text-anchor="end">{label.clone()}</text>
                    }
                })
                .collect_view();
            view! {
                <g class="chart-axis chart-parallel-axis">
                    <line class="chart-baseline" x1=coord(x) x2=coord(x) y1=coord(bottom) y2=coord(top)></line>
                    <g class="chart-tick">{ticks}</g>
                    <text class="chart-axis-title" x=coord(x) y=coord(top - 18.0) text-anchor="middle">
                        {truncate(name, 18)}
                    </text>
                </g>
            }
        })
        .collect_view();
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by_key(|&i| runs.get(i).is_some_and(|r| r.highlighted));
    let lines = order
        .into_iter()
        .filter_map(|i| Some((runs.get(i)?, paths.get(i)?.clone())))
        .map(|(run, d)| {
            let class = if run.highlighted { "chart-run chart-highlight" } else { "chart-run chart-s0" };
            view! {
                <path class=class d=d>
                    {frame::svg_title(run.label.clone())}
                </path>
            }
        })
        .collect_view();
    let marks = view! {
        <g class="chart-runs">{lines}</g>
        {axis_views}
    };
    let rows = runs
        .iter()
        .map(|run| {
            let label = if run.highlighted { format!("{} ★", run.label) } else { run.label.clone() };
            let mut row = vec![label];
            row.extend(
                (0..axes.len())
                    .map(|a| run.values.get(a).and_then(|v| category(v, &format)).unwrap_or_default()),
            );
            row
        })
        .collect();
    let mut headers = vec![String::new()];
    headers.extend(axes.iter().cloned());
    let table = DataTable { caption: title.clone(), headers, rows };
    frame::figure(
        frame::Figure {
            kind: "parallel-coordinates",
            frame: fr,
            title,
            desc,
            min_width: Some(fr.width * 0.75),
        },
        marks,
        Vec::new(),
        frame::data_table(table),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    fn run(values: Vec<Value>) -> Polyline {
        Polyline { label: "r".into(), values, highlighted: false }
    }

    #[test]
    fn numeric_and_categorical_axes() {
        let axes = vec!["model".to_string(), "max_depth".to_string(), "f1".to_string()];
        let runs = vec![
            run(vec![Value::parse("tree"), Value::parse("5"), Value::Number(0.6)]),
            run(vec![Value::parse("forest"), Value::parse("None"), Value::Number(0.62)]),
            run(vec![Value::parse("forest"), Value::parse("10"), Value::Missing]),
        ];
        let l = layout(&axes, &runs, &NumberFormat::default());
        assert_eq!(l.axes[0].kind, AxisKind::Categorical(vec!["forest".into(), "tree".into()]));
        // A column mixing numbers and text is categorical: numbers become their text.
        assert_eq!(l.axes[1].kind, AxisKind::Categorical(vec!["5".into(), "10".into(), "None".into()]));
        assert_eq!(l.axes[2].kind, AxisKind::Numeric { min: 0.6, max: 0.62 });
        assert_eq!(l.paths[0].matches('L').count(), 2);
        assert_eq!(l.paths[2].matches('L').count(), 1, "the missing f1 breaks the line: {}", l.paths[2]);
        assert!(l.paths.iter().all(|p| !p.contains("NaN")));
    }

    #[test]
    fn constant_and_empty() {
        let axes = vec!["a".to_string()];
        let l = layout(
            &axes,
            &[run(vec![Value::Number(1.0)]), run(vec![Value::Number(1.0)])],
            &NumberFormat::default(),
        );
        assert_eq!(l.axes[0].ticks.len(), 1);
        let empty = layout(&[], &[], &NumberFormat::default());
        assert!(empty.axes.is_empty() && empty.frame.width > 0.0);
    }
}
