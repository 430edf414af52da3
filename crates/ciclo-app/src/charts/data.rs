//! What the charts draw, as plain data, and the conversions from the core's types.
//!
//! Components take these structs, never the core's types directly, so that a page can draw logged
//! metrics, stored artifacts or a model just trained alike; the constructors here are the conversions.

use ciclo_core::metrics::{CalibrationBin, Confusion, Plotted, PrPoint, RocPoint};
use ciclo_core::ml::RoundLoss;

/// A named series of `(x, y)` points for a [`super::LineChart`]; points with a NaN or infinite
/// coordinate break the line.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The name in the legend and the data table.
    pub name: String,
    /// The points in the order they are joined.
    pub points: Vec<(f64, f64)>,
}

impl Series {
    /// A series from its name and points.
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
        Series { name: name.into(), points }
    }

    /// Boosting's log loss per round: the training series, and the validation series when early stopping
    /// held rows out (x is the round, from 1).
    pub fn from_round_losses(
        history: &[RoundLoss],
        train_name: impl Into<String>,
        validation_name: impl Into<String>,
    ) -> Vec<Series> {
        let train = Series::new(train_name, history.iter().map(|r| (f64::from(r.round), r.train)).collect());
        let validation: Vec<(f64, f64)> =
            history.iter().filter_map(|r| r.validation.map(|v| (f64::from(r.round), v))).collect();
        if validation.is_empty() {
            vec![train]
        } else {
            vec![train, Series::new(validation_name, validation)]
        }
    }

    /// A metric's history, as MLflow logs it: `(step, value)` pairs.
    pub fn from_steps(name: impl Into<String>, steps: impl IntoIterator<Item = (i64, f64)>) -> Series {
        Series::new(name, steps.into_iter().map(|(step, value)| (step as f64, value)).collect())
    }
}

/// A vertical line across a [`super::LineChart`] at `x`, with a label (the best round, a deployment).
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Where the line stands, in the x axis's units.
    pub x: f64,
    /// What it marks.
    pub label: String,
}

impl Marker {
    /// A marker at `x`.
    pub fn new(x: f64, label: impl Into<String>) -> Marker {
        Marker { x, label: label.into() }
    }
}

/// One curve of a [`super::CurveChart`], with its area for the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvePoints {
    /// The name in the legend (a run or a model).
    pub name: String,
    /// The points, both coordinates in 0..1.
    pub points: Vec<(f64, f64)>,
    /// The area under the curve (ROC AUC, average precision), shown in the legend when given.
    pub area: Option<f64>,
}

impl CurvePoints {
    /// Any curve the core computes ([`Plotted`] points).
    pub fn from_plotted<P: Plotted>(name: impl Into<String>, points: &[P], area: Option<f64>) -> CurvePoints {
        CurvePoints { name: name.into(), points: points.iter().map(Plotted::xy).collect(), area }
    }

    /// A ROC curve (false-positive rate, true-positive rate) with its AUC (`BinaryMetrics::roc_auc`).
    pub fn roc(name: impl Into<String>, points: &[RocPoint], auc: f64) -> CurvePoints {
        CurvePoints::from_plotted(name, points, Some(auc))
    }

    /// A precision–recall curve (recall, precision) with its average precision (`BinaryMetrics::pr_auc`).
    pub fn precision_recall(
        name: impl Into<String>,
        points: &[PrPoint],
        average_precision: f64,
    ) -> CurvePoints {
        CurvePoints::from_plotted(name, points, Some(average_precision))
    }

    /// A calibration curve (mean predicted probability, share of positives), one point per non-empty bin.
    pub fn calibration(name: impl Into<String>, bins: &[CalibrationBin]) -> CurvePoints {
        CurvePoints::from_plotted(name, bins, None)
    }
}

/// The share of positives among the rows a confusion matrix counts: the precision of a classifier that
/// calls every row positive, the baseline of a precision–recall curve. `None` for no rows.
pub fn base_rate(confusion: &Confusion) -> Option<f64> {
    let total = confusion.tp + confusion.fp + confusion.tn + confusion.fn_;
    (total > 0).then(|| (confusion.tp + confusion.fn_) as f64 / total as f64)
}

/// One bar of a [`super::BarChart`].
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The label at the bar's left (a feature's name).
    pub label: String,
    /// Its length; a non-finite value is left out.
    pub value: f64,
}

impl Bar {
    /// A bar.
    pub fn new(label: impl Into<String>, value: f64) -> Bar {
        Bar { label: label.into(), value }
    }

    /// The `top` largest feature importances (`FittedModel::feature_importances`) with their names
    /// (`Pipeline::feature_names`), largest first; non-finite values are left out, and ties keep the
    /// features' order.
    pub fn top_importances(names: &[String], importances: &[f64], top: usize) -> Vec<Bar> {
        let bars =
            names.iter().zip(importances).map(|(name, &value)| Bar::new(name.clone(), value)).collect();
        top_bars(bars, top)
    }
}

/// `bars` without non-finite values, sorted by decreasing value (stable), at most `top` of them.
pub fn top_bars(mut bars: Vec<Bar>, top: usize) -> Vec<Bar> {
    bars.retain(|b| b.value.is_finite());
    bars.sort_by(|a, b| b.value.total_cmp(&a.value));
    bars.truncate(top);
    bars
}

/// A value on a [`super::ScatterChart`]'s x axis or a [`super::ParallelCoordinates`] axis: a parameter
/// is a number (`max_depth = 5`) or a category (`model = random_forest`), or missing for a run that did
/// not log it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A number.
    Number(f64),
    /// A category.
    Category(String),
    /// Not logged.
    Missing,
}

impl Value {
    /// A parameter as MLflow logs it (text): a number when it reads as a finite one, otherwise a
    /// category; blank is missing.
    pub fn parse(text: &str) -> Value {
        let text = text.trim();
        if text.is_empty() {
            return Value::Missing;
        }
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() => Value::Number(x),
            _ => Value::Category(text.to_string()),
        }
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Value {
        if x.is_finite() {
            Value::Number(x)
        } else {
            Value::Missing
        }
    }
}

impl From<Option<f64>> for Value {
    fn from(x: Option<f64>) -> Value {
        x.map_or(Value::Missing, Value::from)
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Value {
        Value::parse(text)
    }
}

/// One point of a [`super::ScatterChart`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterPoint {
    /// What the point is (a run's name), in its tooltip and the data table.
    pub label: String,
    /// The parameter's value.
    pub x: Value,
    /// The metric; a non-finite value is left out.
    pub y: f64,
    /// Drawn larger and in the highlight color (the best run, the run shown).
    pub highlighted: bool,
}

impl ScatterPoint {
    /// A point, not highlighted.
    pub fn new(label: impl Into<String>, x: impl Into<Value>, y: f64) -> ScatterPoint {
        ScatterPoint { label: label.into(), x: x.into(), y, highlighted: false }
    }

    /// The same point, highlighted or not.
    pub fn highlighted(mut self, highlighted: bool) -> ScatterPoint {
        self.highlighted = highlighted;
        self
    }
}

/// One run of a [`super::ParallelCoordinates`] plot: its value on each axis, in the axes' order.
#[derive(Debug, Clone, PartialEq)]
pub struct Polyline {
    /// The run's name, in its tooltip and the data table.
    pub label: String,
    /// One value per axis; a missing one breaks the line.
    pub values: Vec<Value>,
    /// Drawn on top, thicker and in the highlight color.
    pub highlighted: bool,
}

impl Polyline {
    /// A run's line from `(axis name, logged text)` pairs (its params and metrics), read in the order of
    /// `axes`: an axis the run did not log is missing.
    pub fn from_logged<'a>(
        label: impl Into<String>,
        axes: &[String],
        logged: impl IntoIterator<Item = (&'a str, String)>,
    ) -> Polyline {
        let logged: Vec<(&str, String)> = logged.into_iter().collect();
        let values = axes
            .iter()
            .map(|axis| {
                logged.iter().find(|(k, _)| k == axis).map_or(Value::Missing, |(_, v)| Value::parse(v))
            })
            .collect();
        Polyline { label: label.into(), values, highlighted: false }
    }
}

/// The four counts of a [`super::ConfusionMatrix`] (the core's [`Confusion`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConfusionCounts {
    /// Positives predicted positive.
    pub tp: usize,
    /// Negatives predicted positive.
    pub fp: usize,
    /// Negatives predicted negative.
    pub tn: usize,
    /// Positives predicted negative.
    pub fn_: usize,
}

impl From<Confusion> for ConfusionCounts {
    fn from(c: Confusion) -> ConfusionCounts {
        ConfusionCounts { tp: c.tp, fp: c.fp, tn: c.tn, fn_: c.fn_ }
    }
}

impl ConfusionCounts {
    /// The rows counted.
    pub fn total(&self) -> usize {
        self.tp + self.fp + self.tn + self.fn_
    }

    /// The cells row by row, actual negative first, predicted negative first: `[[tn, fp], [fn, tp]]`, as
    /// scikit-learn's `confusion_matrix` orders them.
    pub fn grid(&self) -> [[usize; 2]; 2] {
        [[self.tn, self.fp], [self.fn_, self.tp]]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    #[test]
    fn round_losses_become_one_or_two_series() {
        let history = [
            RoundLoss { round: 1, train: 0.6, validation: Some(0.62) },
            RoundLoss { round: 2, train: 0.5, validation: Some(0.55) },
        ];
        let series = Series::from_round_losses(&history, "train", "validation");
        assert_eq!(series.len(), 2);
        assert_eq!(series[1].points, vec![(1.0, 0.62), (2.0, 0.55)]);
        let no_validation = [RoundLoss { round: 1, train: 0.6, validation: None }];
        assert_eq!(Series::from_round_losses(&no_validation, "train", "validation").len(), 1);
    }

    #[test]
    fn importances_sorted_and_cut() {
        let names: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let bars = Bar::top_importances(&names, &[0.1, f64::NAN, 0.5, 0.1], 2);
        assert_eq!(bars, vec![Bar::new("c", 0.5), Bar::new("a", 0.1)]);
    }

    #[test]
    fn values_read_from_logged_text() {
        assert_eq!(Value::parse("5"), Value::Number(5.0));
        assert_eq!(Value::parse(" 0.1 "), Value::Number(0.1));
        assert_eq!(Value::parse("None"), Value::Category("None".into()));
        assert_eq!(Value::parse("NaN"), Value::Category("NaN".into()));
        assert_eq!(Value::parse(""), Value::Missing);
        assert_eq!(Value::from(f64::INFINITY), Value::Missing);
        let axes = vec!["max_depth".to_string(), "f1".to_string()];
        let line = Polyline::from_logged("run 1", &axes, [("f1", "0.61".to_string())]);
        assert_eq!(line.values, vec![Value::Missing, Value::Number(0.61)]);
    }

    #[test]
    fn confusion_and_base_rate() {
        let c = Confusion { tp: 10, fp: 5, tn: 80, fn_: 5 };
        assert_eq!(base_rate(&c), Some(0.15));
        assert_eq!(base_rate(&Confusion::default()), None);
        assert_eq!(ConfusionCounts::from(c).grid(), [[80, 5], [5, 10]]);
    }
}
