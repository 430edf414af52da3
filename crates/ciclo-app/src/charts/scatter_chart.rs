//! `ScatterChart`: a parameter against a metric, one point per run, the parameter numeric or
//! categorical, with the runs that matter highlighted.

use leptos::prelude::*;

use super::data::{ScatterPoint, Value};
use super::format::{coord, NumberFormat};
use super::frame::{self, DataTable, Frame, Tick};
use super::scale::{band_center, extent, nice_ticks, Linear};

/// The viewBox and margins.
const FRAME: Frame = Frame { width: 560.0, height: 360.0, left: 60.0, right: 20.0, top: 16.0, bottom: 48.0 };

/// A placed point.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedPoint {
    /// The index of the point in the chart's input.
    pub index: usize,
    /// Its x coordinate.
    pub x: f64,
    /// Its y coordinate.
    pub y: f64,
    /// Whether it is highlighted.
    pub highlighted: bool,
}

/// A scatter chart's geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterLayout {
    /// The points that can be placed (x present, y finite), highlighted ones last so they are drawn on
    /// top.
    pub points: Vec<PlacedPoint>,
    /// The x axis's ticks: nice numbers, or one per category.
    pub x_ticks: Vec<Tick>,
    /// The y axis's ticks.
    pub y_ticks: Vec<Tick>,
}

/// The x value as a category's name: a number written as it was set.
fn category(value: &Value, format: &NumberFormat) -> Option<String> {
    match value {
        Value::Number(x) => Some(format.shortest(*x)),
        Value::Category(name) => Some(name.clone()),
        Value::Missing => None,
    }
}

/// Lays out `points`. The x axis is numeric when every present x is a number, otherwise categorical with
/// the categories in order of first appearance; points sharing a category are spread side by side
/// within its band so that none hides another.
pub fn layout(points: &[ScatterPoint], format: &NumberFormat) -> ScatterLayout {
    let usable: Vec<(usize, &ScatterPoint)> =
        points.iter().enumerate().filter(|(_, p)| p.y.is_finite() && p.x != Value::Missing).collect();
    let (y_lo, y_hi) = extent(usable.iter().map(|(_, p)| p.y)).unwrap_or((0.0, 1.0));
    let y_ticks = nice_ticks(y_lo, y_hi, 5);
    let y = Linear::new(y_ticks.domain(), FRAME.y_range());
    let y_labels =
        y_ticks.values.iter().map(|&v| Tick { at: y.map(v), label: format.tick(v, y_ticks.step) }).collect();

    let numeric = usable.iter().all(|(_, p)| matches!(p.x, Value::Number(_)));
    let (mut placed, x_ticks): (Vec<PlacedPoint>, Vec<Tick>) = if numeric {
        let xs = usable.iter().filter_map(|(_, p)| match p.x {
            Value::Number(x) => Some(x),
            _ => None,
        });
        let (lo, hi) = extent(xs).unwrap_or((0.0, 1.0));
        let ticks = nice_ticks(lo, hi, 6);
        let x = Linear::new(ticks.domain(), FRAME.x_range());
        let placed = usable
            .iter()
            .filter_map(|&(index, p)| match p.x {
                Value::Number(v) => {
                    Some(PlacedPoint { index, x: x.map(v), y: y.map(p.y), highlighted: p.highlighted })
                }
                _ => None,
            })
            .collect();
        let labels = ticks.values.iter().map(|&v| Tick { at: x.map(v), label: format.tick(v, ticks.step) });
        (placed, labels.collect())
    } else {
        let mut categories: Vec<String> = Vec::new();
        let keyed: Vec<(usize, &ScatterPoint, usize)> = usable
            .iter()
            .filter_map(|&(index, p)| {
                let name = category(&p.x, format)?;
                let k = match categories.iter().position(|c| *c == name) {
                    Some(k) => k,
                    None => {
                        categories.push(name);
                        categories.len() - 1
                    }
                };
                Some((index, p, k))
            })
            .collect();
        let n = categories.len();
        let range = FRAME.x_range();
        let band = (range.1 - range.0) / n.max(1) as f64;
        let placed = keyed
            .iter()
            .map(|&(index, p, k)| {
                let members: Vec<usize> = keyed.iter().filter(|e| e.2 == k).map(|e| e.0).collect();
                let j = members.iter().position(|&m| m == index).unwrap_or(0) as f64;
                let spacing = (band * 0.6 / members.len().max(1) as f64).min(10.0);
                let offset = (j - (members.len() as f64 - 1.0) / 2.0) * spacing;
                PlacedPoint {
                    index,
                    x: band_center(k, n, range) + offset,
                    y: y.map(p.y),
                    highlighted: p.highlighted,
                }
            })
            .collect();
        let labels =
            categories.into_iter().enumerate().map(|(k, label)| Tick { at: band_center(k, n, range), label });
        (placed, labels.collect())
    };
    placed.sort_by_key(|p| p.highlighted);
    ScatterLayout { points: placed, x_ticks, y_ticks: y_labels }
}

/// Runs as points: a parameter's value (numbers on a linear axis, or categories) against a metric, the
/// highlighted runs larger and in the class `chart-highlight`. Each point's tooltip is its label.
///
/// ```ignore
/// <ScatterChart title="max_depth against F1" x_title="max_depth" y_title="F1"
///     points=vec![ScatterPoint::new("run 1", "5", 0.61).highlighted(true)] />
/// ```
#[component]
pub fn ScatterChart(
    /// The chart's accessible name and `<title>`.
    #[prop(into)]
    title: String,
    /// The points; those with a missing x or a non-finite y are left out.
    points: Vec<ScatterPoint>,
    /// The x axis's title (the parameter).
    #[prop(into)]
    x_title: String,
    /// The y axis's title (the metric).
    #[prop(into)]
    y_title: String,
    /// How numbers are written; English by default.
    #[prop(optional, into)]
    format: NumberFormat,
    /// A sentence for `<desc>`.
    #[prop(optional, into)]
    desc: Option<String>,
) -> impl IntoView {
    let ScatterLayout { points: placed, x_ticks, y_ticks } = layout(&points, &format);
    let marks = placed
        .iter()
        .map(|p| {
            let point = points.get(p.index);
            let label = point.map(|q| q.label.clone()).unwrap_or_default();
            let class = if p.highlighted { "chart-point chart-highlight" } else { "chart-point chart-s0" };
            let radius = if p.highlighted { "6.5" } else { "4.5" };
            view! {
                <circle class=class cx=coord(p.x) cy=coord(p.y) r=radius>
                    {frame::svg_title(label)}
                </circle>
            }
        })
        .collect_view();
    let marks = view! {
        {frame::y_axis(FRAME, y_ticks, y_title.clone())}
        {frame::x_axis(FRAME, x_ticks, x_title.clone(), false)}
        <g class="chart-points">{marks}</g>
    };
    let rows = placed
        .iter()
        .filter_map(|p| points.get(p.index))
        .map(|p| {
            let x = category(&p.x, &format).unwrap_or_default();
            let label = if p.highlighted { format!("{} ★", p.label) } else { p.label.clone() };
            vec![label, x, format.value(p.y, 4)]
        })
        .collect();
    let table = DataTable { caption: title.clone(), headers: vec![String::new(), x_title, y_title], rows };
    frame::figure(
        frame::Figure { kind: "scatter-chart", frame: FRAME, title, desc, min_width: None },
        marks,
        Vec::new(),
        frame::data_table(table),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    #[test]
    fn numeric_axis() {
        let points = vec![
            ScatterPoint::new("a", 3.0, 0.5),
            ScatterPoint::new("b", 10.0, 0.6).highlighted(true),
            ScatterPoint::new("c", 5.0, f64::NAN),
            ScatterPoint::new("d", Value::Missing, 0.7),
        ];
        let l = layout(&points, &NumberFormat::default());
        assert_eq!(l.points.len(), 2);
        assert_eq!(l.points.last().map(|p| p.index), Some(1), "the highlighted point is drawn last");
        let labels: Vec<&str> = l.x_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["2", "4", "6", "8", "10"]);
    }

    #[test]
    fn categorical_axis_spreads_shared_categories() {
        let points = vec![
            ScatterPoint::new("a", "None", 0.5),
            ScatterPoint::new("b", "5", 0.6),
            ScatterPoint::new("c", "None", 0.55),
        ];
        let l = layout(&points, &NumberFormat::from(crate::i18n::Lang::Es));
        let labels: Vec<&str> = l.x_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["None", "5"]);
        let a = l.points.iter().find(|p| p.index == 0).unwrap();
        let c = l.points.iter().find(|p| p.index == 2).unwrap();
        assert!(a.x < l.x_ticks[0].at && c.x > l.x_ticks[0].at, "side by side around the band's center");
    }

    #[test]
    fn nothing_to_place() {
        let l = layout(&[], &NumberFormat::default());
        assert!(l.points.is_empty() && l.y_ticks.len() >= 2);
    }
}
