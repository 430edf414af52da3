//! What is drawn rather than logged: ROC and precision–recall curves, the calibration curve, average
//! precision and the threshold that maximizes F1, each as scikit-learn computes it.
//!
//! The ranking curves put a threshold at every distinct score (scikit-learn's `roc_curve` with
//! `drop_intermediate=False` and `precision_recall_curve`), so a test set of 1,400 rows can give 1,400
//! points: [`thin`] keeps at most a given number of them for drawing, without changing the drawn shape
//! more than it has to. A threshold above every score (the curve's "nothing predicted positive" end) is
//! `f64::INFINITY`, written `null` in JSON.

use serde::{Deserialize, Serialize};

use super::{check_probabilities, check_scores, MetricsError};

/// The number of bins of the calibration curve [`curves`] computes, as scikit-learn's default.
pub const CALIBRATION_BINS: usize = 10;

/// One point of a ROC curve: the rates of predicting positive when a score is at least `threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RocPoint {
    /// False-positive rate: negatives predicted positive over negatives.
    pub fpr: f64,
    /// True-positive rate (recall): positives predicted positive over positives.
    pub tpr: f64,
    /// The threshold; `f64::INFINITY` (JSON `null`) for the first point, where nothing is positive.
    #[serde(with = "threshold_serde")]
    pub threshold: f64,
}

/// One point of a precision–recall curve: predicting positive when a score is at least `threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PrPoint {
    /// Positives predicted positive over positives.
    pub recall: f64,
    /// Positives predicted positive over rows predicted positive.
    pub precision: f64,
    /// The threshold; `f64::INFINITY` (JSON `null`) for the last point, recall 0 and precision 1 by
    /// convention, as scikit-learn ends the curve.
    #[serde(with = "threshold_serde")]
    pub threshold: f64,
}

/// One non-empty bin of a calibration curve (a reliability diagram).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    /// The mean predicted probability of the rows in the bin (scikit-learn's `prob_pred`).
    pub mean_predicted: f64,
    /// The share of positives among them (scikit-learn's `prob_true`).
    pub fraction_positive: f64,
    /// How many rows fall in the bin.
    pub count: usize,
}

/// A point that can be drawn: its `(x, y)` coordinates.
pub trait Plotted {
    /// The point's coordinates on the chart.
    fn xy(&self) -> (f64, f64);
}

impl Plotted for RocPoint {
    fn xy(&self) -> (f64, f64) {
        (self.fpr, self.tpr)
    }
}

impl Plotted for PrPoint {
    fn xy(&self) -> (f64, f64) {
        (self.recall, self.precision)
    }
}

impl Plotted for CalibrationBin {
    fn xy(&self) -> (f64, f64) {
        (self.mean_predicted, self.fraction_positive)
    }
}

/// Everything a metrics panel draws for one set of predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curves {
    /// The ROC curve from (0, 0) to (1, 1), thresholds decreasing.
    pub roc: Vec<RocPoint>,
    /// The precision–recall curve, thresholds increasing, ending at recall 0 and precision 1.
    pub pr: Vec<PrPoint>,
    /// The calibration curve over [`CALIBRATION_BINS`] uniform bins (empty bins left out).
    pub calibration: Vec<CalibrationBin>,
    /// The threshold that maximizes F1 (see [`best_f1_threshold`]).
    pub best_f1_threshold: f64,
    /// The F1 at that threshold.
    pub best_f1: f64,
}

/// The curves of `probabilities` against `labels`, the ROC and precision–recall curves thinned to at
/// most `max_points` points each (pass `usize::MAX` for every point). Errors as [`roc_curve`] and
/// [`calibration_curve`] do.
pub fn curves(labels: &[bool], probabilities: &[f64], max_points: usize) -> Result<Curves, MetricsError> {
    let calibration = calibration_curve(labels, probabilities, CALIBRATION_BINS)?;
    let (best_f1_threshold, best_f1) = best_f1_threshold(labels, probabilities)?;
    Ok(Curves {
        roc: thin(&roc_curve(labels, probabilities)?, max_points),
        pr: thin(&precision_recall_curve(labels, probabilities)?, max_points),
        calibration,
        best_f1_threshold,
        best_f1,
    })
}

/// The counts of predicting positive at one threshold.
#[derive(Debug, Clone, Copy)]
struct Step {
    threshold: f64,
    tp: usize,
    fp: usize,
}

/// Every distinct score as a threshold, from the highest down, with the positives and negatives scored at
/// least that (scikit-learn's `_binary_clf_curve`), and the numbers of positives and negatives.
fn sweep(labels: &[bool], scores: &[f64]) -> Result<(Vec<Step>, usize, usize), MetricsError> {
    check_scores(labels, scores)?;
    let mut order: Vec<(f64, bool)> = scores.iter().copied().zip(labels.iter().copied()).collect();
    order.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
    let mut steps: Vec<Step> = Vec::new();
    let (mut tp, mut fp) = (0, 0);
    for (i, &(score, label)) in order.iter().enumerate() {
        if label {
            tp += 1;
        } else {
            fp += 1;
        }
        // A group of equal scores ends where the next score differs (0 and −0 are one score).
        if order.get(i + 1).is_none_or(|next| next.0 != score) {
            steps.push(Step { threshold: score, tp, fp });
        }
    }
    Ok((steps, tp, fp))
}

/// The ROC curve of `scores` for `labels`, as scikit-learn's `roc_curve(drop_intermediate=False)`: a first
/// point (0, 0) at an infinite threshold, then one point per distinct score, highest first, ending at
/// (1, 1). Errors when the lengths differ, a score is not finite, or the labels hold one class only.
pub fn roc_curve(labels: &[bool], scores: &[f64]) -> Result<Vec<RocPoint>, MetricsError> {
    let (steps, positives, negatives) = sweep(labels, scores)?;
    let (p, n) = (positives as f64, negatives as f64);
    let first = RocPoint { fpr: 0.0, tpr: 0.0, threshold: f64::INFINITY };
    Ok(std::iter::once(first)
        .chain(steps.iter().map(|s| RocPoint {
            fpr: s.fp as f64 / n,
            tpr: s.tp as f64 / p,
            threshold: s.threshold,
        }))
        .collect())
}

/// The precision–recall curve of `scores` for `labels`, as scikit-learn's `precision_recall_curve`: one
/// point per distinct score, lowest first (recall decreasing), then a last point of recall 0 and
/// precision 1 at an infinite threshold. Errors as [`roc_curve`] does.
pub fn precision_recall_curve(labels: &[bool], scores: &[f64]) -> Result<Vec<PrPoint>, MetricsError> {
    let (steps, positives, _) = sweep(labels, scores)?;
    let p = positives as f64;
    let last = PrPoint { recall: 0.0, precision: 1.0, threshold: f64::INFINITY };
    Ok(steps
        .iter()
        .rev()
        .map(|s| PrPoint {
            recall: s.tp as f64 / p,
            // Every step predicts at least one row positive, so the denominator is not 0.
            precision: s.tp as f64 / (s.tp + s.fp) as f64,
            threshold: s.threshold,
        })
        .chain(std::iter::once(last))
        .collect())
}

/// Average precision, scikit-learn's `average_precision_score`: the sum over thresholds of the precision
/// times the recall gained, `Σ (Rₙ − Rₙ₋₁) Pₙ`, with no interpolation. It summarizes the
/// precision–recall curve as one number (logged as `pr_auc`); a random ranking scores the positive rate.
/// Errors as [`roc_curve`] does.
pub fn average_precision(labels: &[bool], scores: &[f64]) -> Result<f64, MetricsError> {
    let curve = precision_recall_curve(labels, scores)?;
    // In scikit-learn's order (recall decreasing) and with its expression, `-Σ diff(recall) × precision`.
    Ok(-curve
        .windows(2)
        .map(|w| if let [a, b] = w { (b.recall - a.recall) * a.precision } else { 0.0 })
        .sum::<f64>())
}

/// The calibration curve of `probabilities` for `labels` over `n_bins` equal-width bins of `[0, 1]`, as
/// scikit-learn's `calibration_curve(strategy="uniform")`: per non-empty bin, in increasing order, the
/// mean predicted probability and the share of positives.
///
/// As in scikit-learn, a probability on a bin edge belongs to the lower bin (0.1 is in the first of ten),
/// 0 to the first and 1 to the last, and the edges are NumPy's `linspace(0, 1, n_bins + 1)` to the bit.
/// Errors when `n_bins` is 0, the lengths differ, or a probability is outside `[0, 1]`; one class is fine.
pub fn calibration_curve(
    labels: &[bool],
    probabilities: &[f64],
    n_bins: usize,
) -> Result<Vec<CalibrationBin>, MetricsError> {
    if n_bins == 0 {
        return Err(MetricsError::Bins { n_bins });
    }
    check_probabilities(labels, probabilities)?;
    // `linspace` multiplies the index by the step; the last edge (1) is not needed to find a bin.
    let step = 1.0 / n_bins as f64;
    let inner: Vec<f64> = (1..n_bins).map(|i| i as f64 * step).collect();
    // Per bin: sum of probabilities, positives, rows.
    let mut bins = vec![(0.0_f64, 0_usize, 0_usize); n_bins];
    for (&label, &p) in labels.iter().zip(probabilities) {
        // NumPy's `searchsorted(inner, p, side="left")`: the number of inner edges below `p`.
        let bin = inner.partition_point(|&edge| edge < p);
        if let Some((sum, positives, count)) = bins.get_mut(bin) {
            *sum += p;
            *positives += usize::from(label);
            *count += 1;
        }
    }
    Ok(bins
        .into_iter()
        .filter(|&(_, _, count)| count > 0)
        .map(|(sum, positives, count)| CalibrationBin {
            mean_predicted: sum / count as f64,
            fraction_positive: positives as f64 / count as f64,
            count,
        })
        .collect())
}

/// The threshold that maximizes F1 when a row is predicted positive at a score of at least it, and that
/// F1: `(threshold, f1)`. Every distinct score is a candidate; among thresholds with the same F1 (compared
/// exactly, as fractions), the highest wins, since it flags the fewest rows. The F1 is the one
/// [`super::evaluate`] reports at that threshold. Errors as [`roc_curve`] does.
pub fn best_f1_threshold(labels: &[bool], scores: &[f64]) -> Result<(f64, f64), MetricsError> {
    let (steps, positives, _) = sweep(labels, scores)?;
    // F1 = 2tp / (2tp + fp + fn) = 2tp / (tp + fp + positives), compared by cross-multiplying.
    let fraction = |s: &Step| (2 * s.tp as u128, (s.tp + s.fp + positives) as u128);
    let mut best: Option<&Step> = None;
    for step in &steps {
        let better = best.is_none_or(|b| {
            let ((num, den), (best_num, best_den)) = (fraction(step), fraction(b));
            num * best_den > best_num * den
        });
        if better {
            best = Some(step);
        }
    }
    // `sweep` succeeded, so there is at least one step; the fallback is never used.
    Ok(best.map_or((1.0, 0.0), |s| {
        let (num, den) = fraction(s);
        (s.threshold, num as f64 / den as f64)
    }))
}

/// At most `max_points` of `points` for drawing, the first and the last always among them (when
/// `max_points` ≥ 2).
///
/// Points that change nothing in a line or step chart go first: a point with the same x as both its
/// neighbours, or the same y as both (the middle of a vertical or horizontal run). If more than
/// `max_points` are left, evenly spaced ones are kept.
pub fn thin<P: Plotted + Clone>(points: &[P], max_points: usize) -> Vec<P> {
    if points.len() <= max_points {
        return points.to_vec();
    }
    let mut kept: Vec<P> = Vec::with_capacity(points.len());
    for (i, point) in points.iter().enumerate() {
        let redundant = match (i.checked_sub(1).and_then(|j| points.get(j)), points.get(i + 1)) {
            (Some(before), Some(after)) => {
                let ((x0, y0), (x, y), (x1, y1)) = (before.xy(), point.xy(), after.xy());
                (x0 == x && x == x1) || (y0 == y && y == y1)
            }
            _ => false,
        };
        if !redundant {
            kept.push(point.clone());
        }
    }
    let n = kept.len();
    if n <= max_points {
        return kept;
    }
    match max_points {
        0 => Vec::new(),
        1 => kept.into_iter().take(1).collect(),
        // Indices `i × (n − 1) / (m − 1)` for i in 0..m: strictly increasing since n > m, from 0 to
        // n − 1.
        m => (0..m).filter_map(|i| kept.get(i * (n - 1) / (m - 1)).cloned()).collect(),
    }
}

/// A threshold written as a number, or `null` when infinite (JSON has no infinity).
mod threshold_serde {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(threshold: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        if threshold.is_finite() {
            serializer.serialize_some(threshold)
        } else {
            serializer.serialize_none()
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(f64::INFINITY))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;
    use crate::metrics::evaluate;
    use crate::metrics::tests::{P, Y};

    const INF: f64 = f64::INFINITY;

    /// Checks a curve's `(x, y, threshold)` points against `expected`, coordinates to 1e-12.
    fn check<T: Plotted>(points: &[T], thresholds: impl Fn(&T) -> f64, expected: &[(f64, f64, f64)]) {
        let got: Vec<(f64, f64, f64)> = points.iter().map(|p| (p.xy().0, p.xy().1, thresholds(p))).collect();
        assert_eq!(got.len(), expected.len(), "{got:?}");
        for (g, e) in got.iter().zip(expected) {
            assert!(
                (g.0 - e.0).abs() < 1e-12 && (g.1 - e.1).abs() < 1e-12 && g.2 == e.2,
                "got {g:?}, expected {e:?}"
            );
        }
    }

    #[test]
    fn roc_curve_matches_scikit_learn() {
        // scikit-learn 1.9.1: fpr, tpr, thresholds = roc_curve(Y, P, drop_intermediate=False).
        let n = 12.0;
        let expected = [
            (0.0, 0.0, INF),
            (0.0, 0.125, 0.99),
            (0.0, 0.25, 0.91),
            (0.0, 0.375, 0.77),
            (1.0 / n, 0.375, 0.71),
            (2.0 / n, 0.375, 0.62),
            (3.0 / n, 0.5, 0.55),
            (4.0 / n, 0.625, 0.5),
            (5.0 / n, 0.875, 0.4),
            (5.0 / n, 1.0, 0.33),
            (6.0 / n, 1.0, 0.3),
            (7.0 / n, 1.0, 0.22),
            (8.0 / n, 1.0, 0.18),
            (9.0 / n, 1.0, 0.12),
            (10.0 / n, 1.0, 0.08),
            (11.0 / n, 1.0, 0.05),
            (1.0, 1.0, 0.0),
        ];
        check(&roc_curve(&Y, &P).unwrap(), |p| p.threshold, &expected);
    }

    #[test]
    fn precision_recall_curve_matches_scikit_learn() {
        // scikit-learn 1.9.1: precision, recall, thresholds = precision_recall_curve(Y, P); the last point
        // has no threshold there.
        let expected = [
            (1.0, 0.4, 0.0),
            (1.0, 0.42105263157894735, 0.05),
            (1.0, 0.4444444444444444, 0.08),
            (1.0, 0.47058823529411764, 0.12),
            (1.0, 0.5, 0.18),
            (1.0, 0.5333333333333333, 0.22),
            (1.0, 0.5714285714285714, 0.3),
            (1.0, 0.6153846153846154, 0.33),
            (0.875, 0.5833333333333334, 0.4),
            (0.625, 0.5555555555555556, 0.5),
            (0.5, 0.5714285714285714, 0.55),
            (0.375, 0.6, 0.62),
            (0.375, 0.75, 0.71),
            (0.375, 1.0, 0.77),
            (0.25, 1.0, 0.91),
            (0.125, 1.0, 0.99),
            (0.0, 1.0, INF),
        ];
        check(&precision_recall_curve(&Y, &P).unwrap(), |p| p.threshold, &expected);
    }

    /// Checks `average_precision` against scikit-learn's figure to 1e-12.
    fn check_ap(labels: &[bool], scores: &[f64], expected: f64) {
        let got = average_precision(labels, scores).unwrap();
        assert!((got - expected).abs() < 1e-12, "got {got}, expected {expected}");
    }

    #[test]
    fn average_precision_matches_scikit_learn() {
        // scikit-learn 1.9.1 average_precision_score on the same inputs.
        check_ap(&Y, &P, 0.7386294261294262);
        check_ap(&[true, false, true, false], &[0.9, 0.4, 0.35, 0.8], 0.75);
        check_ap(&[true, false], &[0.1, 0.2], 0.5);
        check_ap(&[true, false, true, false], &[0.5, 0.5, 0.5, 0.5], 0.5);
    }

    /// Checks a calibration curve's `(mean_predicted, fraction_positive, count)` bins to 1e-12.
    fn check_calibration(
        labels: &[bool],
        probabilities: &[f64],
        n_bins: usize,
        expected: &[(f64, f64, usize)],
    ) {
        let got = calibration_curve(labels, probabilities, n_bins).unwrap();
        let got: Vec<(f64, f64, usize)> =
            got.iter().map(|b| (b.mean_predicted, b.fraction_positive, b.count)).collect();
        assert_eq!(got.len(), expected.len(), "{got:?}");
        for (g, e) in got.iter().zip(expected) {
            assert!(
                (g.0 - e.0).abs() < 1e-12 && (g.1 - e.1).abs() < 1e-12 && g.2 == e.2,
                "got {g:?}, expected {e:?}"
            );
        }
    }

    #[test]
    fn calibration_curve_matches_scikit_learn() {
        // scikit-learn 1.9.1: prob_true, prob_pred = calibration_curve(y, p, n_bins=10); the counts are
        // numpy.bincount(numpy.searchsorted(numpy.linspace(0, 1, 11)[1:-1], p)).
        check_calibration(
            &Y,
            &P,
            10,
            &[
                (0.043333333333333335, 0.0, 3),
                (0.15, 0.0, 2),
                (0.26, 0.0, 2),
                (0.38250000000000006, 0.75, 4),
                (0.5, 0.5, 2),
                (0.55, 0.5, 2),
                (0.62, 0.0, 1),
                (0.74, 0.5, 2),
                (0.95, 1.0, 2),
            ],
        );
        // Edges: 0.1 is in the first bin, 0.3 in the third, 0.30000000000000004 (= 3 × 0.1, numpy's third
        // edge) too, 0.7000000000000001 (numpy's seventh edge) in the seventh with 0.7, 1 in the last.
        let y = [true, false, true, false, true, false, true, false, true, false, false, true];
        let p =
            [0.0, 0.1, 0.2, 0.3, 0.30000000000000004, 0.7, 0.7000000000000001, 0.9, 1.0, 0.55, 0.05, 0.15];
        check_calibration(
            &y,
            &p,
            10,
            &[
                (0.05000000000000001, 0.3333333333333333, 3),
                (0.175, 1.0, 2),
                (0.30000000000000004, 0.5, 2),
                (0.55, 0.0, 1),
                (0.7, 0.5, 2),
                (0.9, 0.0, 1),
                (1.0, 1.0, 1),
            ],
        );
        // The example of scikit-learn's documentation, three bins.
        let y = [false, false, false, false, true, true, true, true, true];
        let p = [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0];
        check_calibration(&y, &p, 3, &[(0.2, 0.0, 3), (0.525, 0.5, 2), (0.85, 1.0, 4)]);
        check_calibration(&[true], &[0.5], 1, &[(0.5, 1.0, 1)]);
        assert_eq!(calibration_curve(&Y, &P, 0), Err(MetricsError::Bins { n_bins: 0 }));
        assert_eq!(
            calibration_curve(&[true], &[1.2], 10),
            Err(MetricsError::NotAProbability { index: 0, value: 1.2 })
        );
    }

    #[test]
    fn best_f1_threshold_matches_a_scan_with_scikit_learn() {
        // scikit-learn 1.9.1: max over t in sorted(set(P)) of f1_score(Y, P >= t) is 0.7619047619047619,
        // at t = 0.33 only.
        assert_eq!(best_f1_threshold(&Y, &P), Ok((0.33, 0.7619047619047619)));
        let (threshold, f1) = best_f1_threshold(&Y, &P).unwrap();
        assert_eq!(evaluate(&Y, &P, threshold).unwrap().f1, f1);
        // A tie (F1 2/3 at 0.9 and at 0.1): the higher threshold wins.
        let y = [true, false, false, true];
        assert_eq!(best_f1_threshold(&y, &[0.9, 0.6, 0.5, 0.1]), Ok((0.9, 2.0 / 3.0)));
        assert_eq!(
            best_f1_threshold(&[true, true], &[0.8, 0.2]),
            Err(MetricsError::OneClass { positive: true, rows: 2 })
        );
    }

    /// 500 rows given by a formula that Python computes the same way: 237 positives, scores in steps of
    /// 0.001 with ties.
    fn sample() -> (Vec<bool>, Vec<f64>) {
        (0..500_usize)
            .map(|i| ((i * 7919 % 1000) + (i * 31 % 577) > 800, (i * 7919 % 1000) as f64 / 1000.0))
            .unzip()
    }

    #[test]
    fn a_larger_sample_matches_scikit_learn() {
        // scikit-learn 1.9.1 on `s = [(i*7919 % 1000)/1000 for i in range(500)]`,
        // `y = [(i*7919 % 1000) + (i*31 % 577) > 800 for i in range(500)]`.
        let (y, s) = sample();
        let m = evaluate(&y, &s, 0.5).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(m.roc_auc, 0.9477948372398965), "roc_auc_score {}", m.roc_auc);
        assert!(close(m.pr_auc, 0.9422469946681997), "average_precision_score {}", m.pr_auc);
        assert!(close(m.brier, 0.1099555), "brier_score_loss {}", m.brier);
        assert!(close(m.log_loss, 0.361952433563224), "log_loss {}", m.log_loss);
        // max of f1_score(y, s >= t) over the distinct scores, the highest t on a tie.
        assert_eq!(best_f1_threshold(&y, &s), Ok((0.467, 0.8831683168316832)));
        assert_eq!(roc_curve(&y, &s).unwrap().len(), 501);
        // calibration_curve(y, s, n_bins=10).
        let fraction = [0.0, 0.0, 0.0, 0.04, 0.54, 0.68, 0.58, 0.8846153846153846, 1.0, 1.0];
        let mean = [
            0.04852941176470589,
            0.15094,
            0.25,
            0.34906,
            0.45050000000000007,
            0.5515000000000001,
            0.65006,
            0.7509615384615387,
            0.85194,
            0.9494897959183669,
        ];
        let bins = calibration_curve(&y, &s, 10).unwrap();
        assert_eq!(bins.len(), 10);
        for ((bin, f), m) in bins.iter().zip(fraction).zip(mean) {
            assert!(close(bin.fraction_positive, f) && close(bin.mean_predicted, m), "{bin:?}");
        }
    }

    #[test]
    fn thinning_keeps_ends_and_shape() {
        let roc = roc_curve(&Y, &P).unwrap();
        assert_eq!(thin(&roc, 100), roc);
        // The middles of the vertical run at fpr 0 (2 points), of the horizontal run at tpr 0.375 (1) and
        // of the one at tpr 1 (6) go first.
        let thinned = thin(&roc, 16);
        let xy: Vec<(f64, f64)> = thinned.iter().map(Plotted::xy).collect();
        assert_eq!(xy.len(), 8);
        assert_eq!(xy.first(), Some(&(0.0, 0.0)));
        assert_eq!(xy.get(1), Some(&(0.0, 0.375)));
        assert_eq!(xy.last(), Some(&(1.0, 1.0)));
        assert!(!xy.contains(&(0.0, 0.125)) && !xy.contains(&(0.5, 1.0)));
        let five = thin(&roc, 5);
        assert_eq!(five.len(), 5);
        assert_eq!((five[0], five[4]), (thinned[0], thinned[7]));
        assert_eq!(thin(&roc, 1), vec![roc[0]]);
        assert_eq!(thin(&roc, 0), Vec::<RocPoint>::new());
    }

    #[test]
    fn curves_and_infinite_thresholds_in_json() {
        let c = curves(&Y, &P, 8).unwrap();
        assert!(c.roc.len() <= 8 && c.pr.len() <= 8);
        assert_eq!(c.calibration.len(), 9);
        assert_eq!((c.best_f1_threshold, c.best_f1), (0.33, 0.7619047619047619));
        let json = serde_json::to_string(&c.roc[0]).unwrap();
        assert_eq!(json, r#"{"fpr":0.0,"tpr":0.0,"threshold":null}"#);
        let back: Curves = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }
}
