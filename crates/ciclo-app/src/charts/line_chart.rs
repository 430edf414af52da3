//! `LineChart`: named series of `(x, y)` points, such as boosting's training and validation loss per
//! round, a metric's history by step, or drift over periods.

use leptos::prelude::*;

use super::data::{Marker, Series};
use super::format::{coord, line_path, NumberFormat};
use super::frame::{self, DataTable, Frame, LegendItem, Tick};
use super::scale::{extent, nice_ticks, Linear, Log, Scale};
use super::{series_class, TABLE_ROWS};

/// The viewBox and margins.
const FRAME: Frame = Frame { width: 640.0, height: 320.0, left: 60.0, right: 20.0, top: 28.0, bottom: 44.0 };

/// A line chart's geometry, computed from its data alone (tested natively).
#[derive(Debug, Clone, PartialEq)]
pub struct LineLayout {
    /// One SVG path per series, in the series' order (empty when a series has no finite point).
    pub paths: Vec<String>,
    /// A dot for each series with a single finite point, which a path cannot show: `(series, x, y)`.
    pub dots: Vec<(usize, f64, f64)>,
    /// The x axis's ticks.
    pub x_ticks: Vec<Tick>,
    /// The y axis's ticks.
    pub y_ticks: Vec<Tick>,
    /// The markers' x coordinates and labels (markers outside the x domain are left out).
    pub markers: Vec<(f64, String)>,
}

/// Lays out `series` and `markers`, the y axis logarithmic when `log_y` (values at or below zero then
/// sit on the axis's floor).
pub fn layout(series: &[Series], markers: &[Marker], log_y: bool, format: &NumberFormat) -> LineLayout {
    let (x_range, y_range) = (FRAME.x_range(), FRAME.y_range());
    let all = || series.iter().flat_map(|s| s.points.iter().copied());
    let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();

    let x_extent = extent(all().filter(finite).map(|p| p.0).chain(markers.iter().map(|m| m.x)));
    let (x_lo, x_hi) = x_extent.unwrap_or((0.0, 1.0));
    let x_ticks = nice_ticks(x_lo, x_hi, 6);
    // The data's own ends when ticks would leave a wide empty margin (rounds 1..200 → 0..200 is fine).
    let x_scale = Linear::new(x_ticks.domain(), x_range);

    let (y_scale, y_ticks) = if log_y {
        let positive = extent(all().filter(finite).map(|p| p.1).filter(|&y| y > 0.0));
        let (lo, hi) = positive.unwrap_or((0.1, 1.0));
        let log = Log::new((lo, hi), y_range);
        let ticks = log.ticks().into_iter().map(|v| Tick { at: log.map(v), label: log_label(format, v) });
        (Scale::Log(log), ticks.collect())
    } else {
        let (lo, hi) = extent(all().filter(finite).map(|p| p.1)).unwrap_or((0.0, 1.0));
        let ticks = nice_ticks(lo, hi, 5);
        let linear = Linear::new(ticks.domain(), y_range);
        let labels =
            ticks.values.iter().map(|&v| Tick { at: linear.map(v), label: format.tick(v, ticks.step) });
        (Scale::Linear(linear), labels.collect())
    };

    let project = |(x, y): (f64, f64)| {
        if finite(&(x, y)) {
            (x_scale.map(x), y_scale.map(y))
        } else {
            (f64::NAN, f64::NAN)
        }
    };
    let paths = series.iter().map(|s| line_path(s.points.iter().copied().map(project))).collect();
    let dots = series
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let mut points = s.points.iter().copied().filter(finite);
            match (points.next(), points.next()) {
                (Some(p), None) => {
                    let (x, y) = project(p);
                    Some((i, x, y))
                }
                _ => None,
            }
        })
        .collect();
    let (x_lo, x_hi) = x_scale.domain();
    let markers = markers
        .iter()
        .filter(|m| m.x.is_finite() && m.x >= x_lo && m.x <= x_hi)
        .map(|m| (x_scale.map(m.x), m.label.clone()))
        .collect();
    let x_ticks =
        x_ticks.values.iter().map(|&v| Tick { at: x_scale.map(v), label: format.tick(v, x_ticks.step) });
    LineLayout { paths, dots, x_ticks: x_ticks.collect(), y_ticks, markers }
}

/// A log axis's label: enough decimals for the tick itself (0.001 needs 3).
fn log_label(format: &NumberFormat, v: f64) -> String {
    format.tick(v, v)
}

/// Several named series of `(x, y)` points on linear axes (or a logarithmic y), with a legend, axis
/// titles and optional vertical markers.
///
/// ```ignore
/// <LineChart title="Log loss per round" x_title="round" y_title="log loss"
///     series=Series::from_round_losses(outcome.history(), "train", "validation") />
/// ```
#[component]
pub fn LineChart(
    /// The chart's accessible name and `<title>`.
    #[prop(into)]
    title: String,
    /// The series, colored in order by the classes `chart-s0` to `chart-s5`.
    series: Vec<Series>,
    /// The x axis's title.
    #[prop(into)]
    x_title: String,
    /// The y axis's title.
    #[prop(into)]
    y_title: String,
    /// Vertical lines with labels (the best round, a deployment); none by default.
    #[prop(optional)]
    markers: Vec<Marker>,
    /// A logarithmic y axis (for values spanning orders of magnitude); linear by default.
    #[prop(optional)]
    log_y: bool,
    /// How numbers are written (a [`crate::i18n::Lang`] or a function); English by default.
    #[prop(optional, into)]
    format: NumberFormat,
    /// A sentence for `<desc>` summing the chart up (what a reader should see in it).
    #[prop(optional, into)]
    desc: Option<String>,
) -> impl IntoView {
    let LineLayout { paths, dots, x_ticks, y_ticks, markers } = layout(&series, &markers, log_y, &format);
    let (y0, y1) = FRAME.y_range();
    let lines = paths
        .into_iter()
        .enumerate()
        .map(|(i, d)| view! { <path class=format!("chart-line {}", series_class(i)) d=d></path> })
        .collect_view();
    let dots = dots
        .into_iter()
        .map(|(i, x, y)| {
            view! { <circle class=format!("chart-dot {}", series_class(i)) cx=coord(x) cy=coord(y) r="3.5"></circle> }
        })
        .collect_view();
    let markers = markers
        .into_iter()
        .map(|(x, label)| {
            view! {
                <g class="chart-marker">
                    <line x1=coord(x) x2=coord(x) y1=coord(y0) y2=coord(y1)></line>
                    <text x=coord(x) y=coord(y1 - 8.0) text-anchor="middle">{label}</text>
                </g>
            }
        })
        .collect_view();
    let marks = view! {
        {frame::y_axis(FRAME, y_ticks, y_title.clone())}
        {frame::x_axis(FRAME, x_ticks, x_title.clone(), false)}
        {markers}
        <g class="chart-lines">{lines}{dots}</g>
    };
    let legend = series
        .iter()
        .enumerate()
        .map(|(i, s)| LegendItem { class: series_class(i), label: s.name.clone() })
        .collect();
    let rows = series
        .iter()
        .flat_map(|s| {
            frame::sample(&s.points, TABLE_ROWS)
                .into_iter()
                .map(|(x, y)| vec![s.name.clone(), format.value(x, 3), format.value(y, 4)])
                .collect::<Vec<_>>()
        })
        .collect();
    let table = DataTable { caption: title.clone(), headers: vec![String::new(), x_title, y_title], rows };
    frame::figure(
        frame::Figure { kind: "line-chart", frame: FRAME, title, desc, min_width: None },
        marks,
        legend,
        frame::data_table(table),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    #[test]
    fn two_series_share_the_axes() {
        let series = vec![
            Series::new("train", vec![(1.0, 0.6), (2.0, 0.5), (3.0, 0.45)]),
            Series::new("validation", vec![(1.0, 0.62), (2.0, 0.55), (3.0, f64::NAN)]),
        ];
        let l = layout(&series, &[Marker::new(2.0, "best")], false, &NumberFormat::default());
        assert_eq!(l.paths.len(), 2);
        assert_eq!(l.paths[1].matches('L').count(), 1, "the NaN point is skipped: {}", l.paths[1]);
        assert!(l.paths.iter().all(|p| !p.contains("NaN") && !p.contains("inf")));
        let labels: Vec<&str> = l.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0.45", "0.50", "0.55", "0.60", "0.65"]);
        assert_eq!(l.markers.len(), 1);
        assert!(l.dots.is_empty());
    }

    #[test]
    fn degenerate_data_still_draws() {
        let f = NumberFormat::default();
        // No series, an empty one, one point, every value infinite: no panic, no NaN.
        for series in [
            vec![],
            vec![Series::new("a", vec![])],
            vec![Series::new("a", vec![(1.0, 2.0)])],
            vec![Series::new("a", vec![(f64::INFINITY, f64::NAN), (1.0, f64::NEG_INFINITY)])],
        ] {
            for log_y in [false, true] {
                let l = layout(&series, &[Marker::new(f64::NAN, "x")], log_y, &f);
                assert!(l.y_ticks.len() >= 2 && l.x_ticks.len() >= 2);
                assert!(l.y_ticks.iter().chain(&l.x_ticks).all(|t| t.at.is_finite()));
                assert!(l.markers.is_empty());
            }
        }
        let one = layout(&[Series::new("a", vec![(1.0, 2.0)])], &[], false, &f);
        assert_eq!(one.dots.len(), 1);
    }

    #[test]
    fn log_axis_ticks_are_powers_of_ten() {
        let series = vec![Series::new("loss", vec![(1.0, 0.9), (50.0, 0.02), (100.0, 0.003)])];
        let l = layout(&series, &[], true, &NumberFormat::default());
        let labels: Vec<&str> = l.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0.01", "0.1"]);
    }
}
