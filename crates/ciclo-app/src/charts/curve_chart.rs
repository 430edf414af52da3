//! `CurveChart`: ROC, precision–recall and calibration curves on a square with both axes 0..1, each with
//! its reference line (chance, the base rate, perfect calibration).

use leptos::prelude::*;

use super::data::CurvePoints;
use super::format::{coord, line_path, NumberFormat};
use super::frame::{self, DataTable, Frame, LegendItem, Tick};
use super::scale::{ticks_within, Linear};
use super::{series_class, TABLE_ROWS};

/// The viewBox and margins: a square plot.
const FRAME: Frame = Frame { width: 400.0, height: 400.0, left: 56.0, right: 16.0, top: 16.0, bottom: 48.0 };

/// Which curve a [`CurveChart`] draws; it decides the reference line and the legend's area label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CurveKind {
    /// ROC: false-positive rate against true-positive rate; the reference is the diagonal of a random
    /// ranking, and the legend shows each curve's AUC.
    Roc,
    /// Precision–recall: recall against precision; the reference is the base rate (the share of
    /// positives, [`super::data::base_rate`]), the precision of calling every row positive, and the
    /// legend shows each curve's average precision.
    PrecisionRecall {
        /// The share of positives; no reference line when `None`.
        base_rate: Option<f64>,
    },
    /// Calibration (a reliability diagram): mean predicted probability against the share of positives,
    /// with a dot per bin; the reference is the diagonal of perfect calibration.
    Calibration,
}

impl CurveKind {
    /// The label before the area in the legend: `AUC`, `AP`, or none.
    fn area_label(self) -> Option<&'static str> {
        match self {
            CurveKind::Roc => Some("AUC"),
            CurveKind::PrecisionRecall { .. } => Some("AP"),
            CurveKind::Calibration => None,
        }
    }
}

/// A curve chart's geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveLayout {
    /// One path per curve.
    pub paths: Vec<String>,
    /// The reference line's path, when the kind has one.
    pub reference: Option<String>,
    /// Dots `(curve, x, y)` at the points of a calibration curve.
    pub dots: Vec<(usize, f64, f64)>,
    /// The ticks, the same on both axes: `(value, x coordinate, y coordinate)`.
    pub ticks: Vec<(f64, f64, f64)>,
    /// The ticks' step.
    pub step: f64,
}

/// Lays out `curves` of `kind`; coordinates outside 0..1 are clamped to the square's edges.
pub fn layout(kind: CurveKind, curves: &[CurvePoints]) -> CurveLayout {
    let x = Linear::new((0.0, 1.0), FRAME.x_range());
    let y = Linear::new((0.0, 1.0), FRAME.y_range());
    let project = |(px, py): (f64, f64)| {
        if px.is_finite() && py.is_finite() {
            (x.map(px.clamp(0.0, 1.0)), y.map(py.clamp(0.0, 1.0)))
        } else {
            (f64::NAN, f64::NAN)
        }
    };
    let paths = curves.iter().map(|c| line_path(c.points.iter().copied().map(project))).collect();
    let reference = match kind {
        CurveKind::Roc | CurveKind::Calibration => Some(line_path([(0.0, 0.0), (1.0, 1.0)].map(project))),
        CurveKind::PrecisionRecall { base_rate } => base_rate
            .filter(|r| r.is_finite())
            .map(|r| r.clamp(0.0, 1.0))
            .map(|r| line_path([(0.0, r), (1.0, r)].map(project))),
    };
    let dots = if kind == CurveKind::Calibration {
        curves
            .iter()
            .enumerate()
            .flat_map(|(i, c)| {
                c.points
                    .iter()
                    .map(|&p| project(p))
                    .filter(|p| p.0.is_finite())
                    .map(move |(px, py)| (i, px, py))
                    .collect::<Vec<_>>()
            })
            .collect()
    } else {
        Vec::new()
    };
    let ticks = ticks_within(0.0, 1.0, 6);
    CurveLayout {
        paths,
        reference,
        dots,
        ticks: ticks.values.iter().map(|&v| (v, x.map(v), y.map(v))).collect(),
        step: ticks.step,
    }
}

/// ROC, precision–recall or calibration curves of one or more models on a square 0..1 by 0..1, with the
/// reference line of `kind` and, in the legend, each curve's area (AUC, average precision).
///
/// ```ignore
/// <CurveChart title="ROC curve" kind=CurveKind::Roc x_title="false-positive rate"
///     y_title="true-positive rate" reference_label="chance"
///     curves=vec![CurvePoints::roc("random forest", &curves.roc, metrics.roc_auc)] />
/// ```
#[component]
pub fn CurveChart(
    /// The chart's accessible name and `<title>`.
    #[prop(into)]
    title: String,
    /// Which curve, and so which reference line.
    kind: CurveKind,
    /// The curves, colored in order by `chart-s0` to `chart-s5`.
    curves: Vec<CurvePoints>,
    /// The x axis's title.
    #[prop(into)]
    x_title: String,
    /// The y axis's title.
    #[prop(into)]
    y_title: String,
    /// The reference line's entry in the legend ("chance", "base rate", "perfectly calibrated").
    #[prop(into)]
    reference_label: String,
    /// How numbers are written; English by default.
    #[prop(optional, into)]
    format: NumberFormat,
    /// A sentence for `<desc>`.
    #[prop(optional, into)]
    desc: Option<String>,
) -> impl IntoView {
    let CurveLayout { paths, reference, dots, ticks, step } = layout(kind, &curves);
    let x_ticks = ticks.iter().map(|&(v, x, _)| Tick { at: x, label: format.tick(v, step) }).collect();
    let y_ticks = ticks.iter().map(|&(v, _, y)| Tick { at: y, label: format.tick(v, step) }).collect();
    let has_reference = reference.is_some();
    let lines = paths
        .into_iter()
        .enumerate()
        .map(|(i, d)| view! { <path class=format!("chart-line {}", series_class(i)) d=d></path> })
        .collect_view();
    let dots = dots
        .into_iter()
        .map(|(i, x, y)| {
            view! { <circle class=format!("chart-dot {}", series_class(i)) cx=coord(x) cy=coord(y) r="4"></circle> }
        })
        .collect_view();
    let marks = view! {
        {frame::y_axis(FRAME, y_ticks, y_title.clone())}
        {frame::x_axis(FRAME, x_ticks, x_title.clone(), true)}
        {reference.map(|d| view! { <path class="chart-reference" d=d></path> })}
        <g class="chart-lines">{lines}{dots}</g>
    };
    let mut legend: Vec<LegendItem> = curves
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let label = match (kind.area_label(), c.area) {
                (Some(name), Some(area)) => format!("{} ({name} {})", c.name, format.value(area, 3)),
                _ => c.name.clone(),
            };
            LegendItem { class: series_class(i), label }
        })
        .collect();
    if has_reference {
        legend.push(LegendItem { class: "chart-reference".to_string(), label: reference_label });
    }
    let rows = curves
        .iter()
        .flat_map(|c| {
            frame::sample(&c.points, TABLE_ROWS)
                .into_iter()
                .map(|(x, y)| vec![c.name.clone(), format.value(x, 3), format.value(y, 3)])
                .collect::<Vec<_>>()
        })
        .collect();
    let table = DataTable { caption: title.clone(), headers: vec![String::new(), x_title, y_title], rows };
    frame::figure(
        frame::Figure { kind: "curve-chart", frame: FRAME, title, desc, min_width: None },
        marks,
        legend,
        frame::data_table(table),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    fn curve(points: &[(f64, f64)]) -> CurvePoints {
        CurvePoints { name: "m".into(), points: points.to_vec(), area: Some(0.8) }
    }

    #[test]
    fn reference_lines() {
        let roc = layout(CurveKind::Roc, &[curve(&[(0.0, 0.0), (0.2, 0.7), (1.0, 1.0)])]);
        // The diagonal runs from the bottom-left corner to the top-right one.
        assert_eq!(roc.reference.as_deref(), Some("M56 352 L384 16"));
        let pr = layout(CurveKind::PrecisionRecall { base_rate: Some(0.25) }, &[]);
        assert_eq!(pr.reference.as_deref(), Some("M56 268 L384 268"));
        assert_eq!(layout(CurveKind::PrecisionRecall { base_rate: None }, &[]).reference, None);
        assert_eq!(layout(CurveKind::PrecisionRecall { base_rate: Some(f64::NAN) }, &[]).reference, None);
        assert_eq!(roc.ticks.len(), 6);
    }

    #[test]
    fn calibration_has_a_dot_per_bin_and_clamps() {
        let l = layout(CurveKind::Calibration, &[curve(&[(0.05, 0.02), (0.5, 1.7), (f64::NAN, 0.3)])]);
        assert_eq!(l.dots.len(), 2);
        assert_eq!(l.dots[1].2, 16.0, "a share above 1 sits on the top edge");
        assert_eq!(l.paths[0].matches('M').count(), 1);
    }
}
