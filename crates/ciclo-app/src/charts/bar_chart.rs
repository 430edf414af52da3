//! `BarChart`: horizontal bars, largest first, each with its value (feature importances).

use leptos::prelude::*;

use super::data::{top_bars, Bar};
use super::format::{coord, truncate, NumberFormat};
use super::frame::{self, DataTable, Frame};
use super::scale::{extent, Linear};

/// The viewBox's width.
const WIDTH: f64 = 640.0;
/// The height of one bar's row.
const ROW: f64 = 26.0;
/// The longest label drawn whole; longer ones end in `…` (the tooltip and the table keep them whole).
const LABEL_CHARS: usize = 30;
/// The width of a label character at the chart's font size, roughly.
const CHAR_WIDTH: f64 = 6.6;
/// The room kept at the right of the longest bar for its value.
const VALUE_ROOM: f64 = 64.0;

/// A bar's geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedBar {
    /// The bar's label, cut to [`LABEL_CHARS`].
    pub label: String,
    /// The label in full.
    pub full_label: String,
    /// The value.
    pub value: f64,
    /// The rectangle: left x, top y, width.
    pub x: f64,
    /// The rectangle's top.
    pub y: f64,
    /// The rectangle's width (at least a hairline, so a zero still shows).
    pub width: f64,
}

/// The bars' geometry and the frame they need.
#[derive(Debug, Clone, PartialEq)]
pub struct BarLayout {
    /// The viewBox and margins (the height grows with the bars).
    pub frame: Frame,
    /// The bars, largest first.
    pub bars: Vec<PlacedBar>,
    /// The x coordinate of zero.
    pub zero: f64,
}

/// Lays out the `top` largest of `bars` (non-finite values left out), largest first, from zero (values
/// below zero extend to the left of it).
pub fn layout(bars: Vec<Bar>, top: usize) -> BarLayout {
    let bars = top_bars(bars, top);
    let longest = bars.iter().map(|b| b.label.chars().count().min(LABEL_CHARS)).max().unwrap_or(0);
    let left = (longest as f64 * CHAR_WIDTH + 16.0).clamp(40.0, WIDTH * 0.45);
    let frame = Frame {
        width: WIDTH,
        height: bars.len().max(1) as f64 * ROW + 16.0,
        left,
        right: VALUE_ROOM,
        top: 8.0,
        bottom: 8.0,
    };
    let (lo, hi) = extent(bars.iter().map(|b| b.value)).unwrap_or((0.0, 1.0));
    let domain = (lo.min(0.0), hi.max(0.0));
    let domain = if domain.1 > domain.0 { domain } else { (0.0, 1.0) };
    let x = Linear::new(domain, frame.x_range());
    let zero = x.map(0.0);
    let bars = bars
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let end = x.map(b.value);
            PlacedBar {
                label: truncate(&b.label, LABEL_CHARS),
                full_label: b.label,
                value: b.value,
                x: zero.min(end),
                y: frame.top + i as f64 * ROW + 4.0,
                width: (end - zero).abs().max(0.5),
            }
        })
        .collect();
    BarLayout { frame, bars, zero }
}

/// Horizontal bars sorted largest first, at most `top` of them, each labeled at the left and with its
/// value at its end (feature importances).
///
/// ```ignore
/// <BarChart title="Feature importance" label_title="feature" value_title="importance"
///     bars=Bar::top_importances(pipeline.feature_names(), &model.feature_importances(), 15) />
/// ```
#[component]
pub fn BarChart(
    /// The chart's accessible name and `<title>`.
    #[prop(into)]
    title: String,
    /// The bars, in any order.
    bars: Vec<Bar>,
    /// The labels' column title in the data table ("feature").
    #[prop(into)]
    label_title: String,
    /// The values' column title in the data table ("importance").
    #[prop(into)]
    value_title: String,
    /// The most bars drawn (15 by default).
    #[prop(optional)]
    top: Option<usize>,
    /// The values' decimals (3 by default).
    #[prop(optional)]
    decimals: Option<usize>,
    /// How numbers are written; English by default.
    #[prop(optional, into)]
    format: NumberFormat,
    /// A sentence for `<desc>`.
    #[prop(optional, into)]
    desc: Option<String>,
) -> impl IntoView {
    let decimals = decimals.unwrap_or(3);
    let BarLayout { frame: fr, bars, zero } = layout(bars, top.unwrap_or(15));
    let bottom = fr.y_range().0;
    let rows: Vec<Vec<String>> =
        bars.iter().map(|b| vec![b.full_label.clone(), format.value(b.value, decimals)]).collect();
    let marks = bars
        .into_iter()
        .map(|b| {
            let height = ROW - 8.0;
            let middle = coord(b.y + height / 2.0);
            let value_x = if b.value < 0.0 { b.x - 4.0 } else { b.x + b.width + 4.0 };
            let anchor = if b.value < 0.0 { "end" } else { "start" };
            let text = format.value(b.value, decimals);
            view! {
                <g class="chart-bar-row">
                    <text class="chart-category" x=coord(fr.left - 8.0) y=middle.clone() dy="0.32em" text-anchor="end">
                        {b.label}
                    </text>
                    <rect class="chart-bar chart-s0" x=coord(b.x) y=coord(b.y) width=coord(b.width) height=coord(height)>
                        {frame::svg_title(format!("{}: {text}", b.full_label))}
                    </rect>
                    <text class="chart-value" x=coord(value_x) y=middle dy="0.32em" text-anchor=anchor>{text.clone()}</text>
                </g>
            }
        })
        .collect_view();
    let marks = view! {
        <g class="chart-bars">{marks}</g>
        <line class="chart-baseline" x1=coord(zero) x2=coord(zero) y1=coord(fr.top) y2=coord(bottom)></line>
    };
    let table = DataTable { caption: title.clone(), headers: vec![label_title, value_title], rows };
    frame::figure(
        frame::Figure { kind: "bar-chart", frame: fr, title, desc, min_width: None },
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
    fn sorted_cut_and_scaled() {
        let bars =
            vec![Bar::new("tenure", 0.2), Bar::new("Contract=Month-to-month", 0.5), Bar::new("x", 0.0)];
        let l = layout(bars, 2);
        let labels: Vec<&str> = l.bars.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["Contract=Month-to-month", "tenure"]);
        assert_eq!(l.bars[0].x, l.zero);
        // The largest bar reaches the plot's right edge; the other is in proportion.
        assert!((l.bars[0].x + l.bars[0].width - l.frame.x_range().1).abs() < 1e-9);
        assert!((l.bars[1].width / l.bars[0].width - 0.4).abs() < 1e-9);
    }

    #[test]
    fn negative_zero_and_non_finite_values() {
        let l = layout(vec![Bar::new("a", -1.0), Bar::new("b", 1.0), Bar::new("c", f64::NAN)], 10);
        assert_eq!(l.bars.len(), 2);
        assert!(l.bars[1].x < l.zero, "a negative bar extends left of zero");
        let zeros = layout(vec![Bar::new("a", 0.0)], 10);
        assert!(zeros.bars[0].width > 0.0 && zeros.bars[0].x.is_finite());
        let none = layout(vec![], 10);
        assert!(none.bars.is_empty() && none.frame.height > 0.0);
    }
}
