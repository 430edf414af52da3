//! The page's charts: small SVG components over pure geometry.
//!
//! Why our own module rather than a charting crate: see ARCHITECTURE.md ("charts/"). In short, the charts
//! a lifecycle page needs (ROC with its chance line, a confusion matrix, parallel coordinates, a fitted
//! tree) are not what general crates offer, and these few hundred lines cost a few kilobytes gzipped.
//!
//! Two layers. The geometry is plain functions, tested natively: [`scale`] (linear and log scales,
//! Heckbert's nice ticks), [`format`] (numbers through a [`crate::i18n::Lang`] or the caller's function,
//! SVG paths), and each chart's `layout`. The components render that geometry: every chart is a
//! `<figure>` with an `<svg role="img">` named by the caller's `title`, a legend, and a data table that
//! only screen readers see. Colors come from CSS classes (`chart-s0`..`chart-s5`, `chart-heat-0`..`4`,
//! `chart-highlight`, `chart-reference`) defined in the `/* charts */` block of `web/style.css`.
//!
//! Components take plain data ([`data`]): the caller converts from the core's types with the constructors
//! there (`CurvePoints::roc`, `Series::from_round_losses`, `Bar::top_importances`, `DrawnTree::decision_tree`).
//! Every visible word comes from the caller as a prop, so charts follow the page's language. No input,
//! NaN and infinities included, makes a chart panic or write `NaN` into the SVG.

pub mod bar_chart;
pub mod confusion_matrix;
pub mod curve_chart;
pub mod data;
pub mod format;
pub mod frame;
pub mod line_chart;
pub mod parallel_coordinates;
pub mod scale;
pub mod scatter_chart;
pub mod tree_diagram;

pub use bar_chart::BarChart;
pub use confusion_matrix::ConfusionMatrix;
pub use curve_chart::{CurveChart, CurveKind};
pub use data::{Bar, ConfusionCounts, CurvePoints, Marker, Polyline, ScatterPoint, Series, Value};
pub use format::NumberFormat;
pub use line_chart::LineChart;
pub use parallel_coordinates::ParallelCoordinates;
pub use scatter_chart::ScatterChart;
pub use tree_diagram::{Condition, DrawnNode, DrawnTree, TreeDiagram};

/// The most rows per series in a chart's hidden data table: enough to follow a curve, few enough to
/// listen to.
pub const TABLE_ROWS: usize = 20;

/// How many series colors the stylesheet defines; series beyond reuse them in turn.
pub const SERIES_COLORS: usize = 6;

/// The CSS class of the `i`-th series' color.
pub fn series_class(i: usize) -> String {
    format!("chart-s{}", i % SERIES_COLORS)
}

/// The CSS class of a heat level (`chart-heat-0` pale to `chart-heat-4` dark) for a share in 0..1; a
/// non-finite share is the palest.
pub fn heat_class(share: f64) -> &'static str {
    let share = if share.is_finite() { share.clamp(0.0, 1.0) } else { 0.0 };
    match (share * 5.0).floor() as u8 {
        0 => "chart-heat-0",
        1 => "chart-heat-1",
        2 => "chart-heat-2",
        3 => "chart-heat-3",
        _ => "chart-heat-4",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(series_class(0), "chart-s0");
        assert_eq!(series_class(7), "chart-s1");
        assert_eq!(heat_class(0.0), "chart-heat-0");
        assert_eq!(heat_class(0.5), "chart-heat-2");
        assert_eq!(heat_class(1.0), "chart-heat-4");
        assert_eq!(heat_class(f64::NAN), "chart-heat-0");
        assert_eq!(heat_class(-3.0), "chart-heat-0");
    }
}
