//! Performance before and after the labels arrive.
//!
//! **Estimated** ([`estimate_performance`]), in the spirit of NannyML's confidence-based performance
//! estimation (CBPE): if the model's probabilities are calibrated, a row scored `p` is a positive with
//! chance `p`. So a row predicted positive (`p ≥ threshold`) adds `p` to the expected true positives and
//! `1 − p` to the expected false positives; a row predicted negative adds `p` to the expected false
//! negatives and `1 − p` to the expected true negatives. Precision, recall, F1 and accuracy follow from
//! the expected matrix as NannyML computes them (a ratio of expectations, e.g. `F1 = 2TP / (2TP + FP +
//! FN)`, not the expectation of the ratio). The expected ROC AUC is the area under the ROC curve of that
//! expected matrix at every threshold: each row counts as `p` of a positive and `1 − p` of a negative,
//! and pairs are ranked by score (ties count one half). The estimate is only as good as the calibration,
//! and it cannot see concept drift (a change in `P(y | x)`): that is what the realized figures show.
//!
//! **Realized** ([`realized_performance`]), once the labels are in: the same metrics as
//! [`crate::metrics::evaluate`], plus the expected calibration error ([`expected_calibration_error`]).

use serde::{Deserialize, Serialize};

use crate::metrics::{self, calibration_curve, Confusion, MetricsError};

use super::MonitorError;

/// The number of bins of the expected calibration error.
pub const ECE_BINS: usize = 10;

/// An expected confusion matrix: sums of probabilities, not counts.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ExpectedConfusion {
    /// Expected positives among the rows predicted positive: `Σ p` over them.
    pub tp: f64,
    /// Expected negatives among the rows predicted positive: `Σ (1 − p)` over them.
    pub fp: f64,
    /// Expected negatives among the rows predicted negative: `Σ (1 − p)` over them.
    pub tn: f64,
    /// Expected positives among the rows predicted negative: `Σ p` over them.
    pub fn_: f64,
}

/// Performance estimated from the probabilities alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EstimatedPerformance {
    /// Rows scored.
    pub rows: usize,
    /// A row is predicted positive when its probability is at least this.
    pub threshold: f64,
    /// The expected confusion matrix.
    pub confusion: ExpectedConfusion,
    /// `TP / (TP + FP)`; 0 when nothing is predicted positive.
    pub precision: f64,
    /// `TP / (TP + FN)`; 0 when no positive is expected.
    pub recall: f64,
    /// `2TP / (2TP + FP + FN)`; 0 when that is 0 / 0.
    pub f1: f64,
    /// `(TP + TN) / rows`.
    pub accuracy: f64,
    /// The expected ROC AUC; `None` when no positive or no negative is expected (every probability 0,
    /// or every one 1).
    pub roc_auc: Option<f64>,
    /// The expected share of positives, `Σ p / rows`.
    pub positive_rate: f64,
}

/// Performance measured against labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RealizedPerformance {
    /// Rows scored and labeled.
    pub rows: usize,
    /// A row is predicted positive when its probability is at least this.
    pub threshold: f64,
    /// The confusion matrix.
    pub confusion: Confusion,
    /// Share of positive predictions that are positive; 0 when nothing is predicted positive.
    pub precision: f64,
    /// Share of positives predicted positive; 0 when there are none.
    pub recall: f64,
    /// The harmonic mean of precision and recall; 0 when both are 0.
    pub f1: f64,
    /// Share of rows predicted correctly.
    pub accuracy: f64,
    /// ROC AUC; `None` when the labels hold only one class.
    pub roc_auc: Option<f64>,
    /// The expected calibration error over [`ECE_BINS`] bins.
    pub calibration_error: f64,
    /// The share of positives.
    pub positive_rate: f64,
}

fn check_threshold(threshold: f64) -> Result<(), MonitorError> {
    if !(0.0..=1.0).contains(&threshold) {
        return Err(MonitorError::Metrics(MetricsError::Threshold { threshold }));
    }
    Ok(())
}

fn check_probabilities(probabilities: &[f64]) -> Result<(), MonitorError> {
    if let Some((index, &value)) = probabilities.iter().enumerate().find(|(_, p)| !(0.0..=1.0).contains(*p)) {
        return Err(MonitorError::Metrics(MetricsError::NotAProbability { index, value }));
    }
    Ok(())
}

/// `num / den`, 0 when `den` is 0 (scikit-learn's `zero_division=0`).
fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

/// Performance estimated from calibrated `probabilities` (of the positive class) at `threshold` (NannyML's
/// CBPE idea; see the module documentation). Errors when there are no rows, a probability is outside
/// `[0, 1]`, or the threshold is.
pub fn estimate_performance(
    probabilities: &[f64],
    threshold: f64,
) -> Result<EstimatedPerformance, MonitorError> {
    check_threshold(threshold)?;
    check_probabilities(probabilities)?;
    if probabilities.is_empty() {
        return Err(MonitorError::NoRows);
    }
    let mut c = ExpectedConfusion::default();
    for &p in probabilities {
        if p >= threshold {
            c.tp += p;
            c.fp += 1.0 - p;
        } else {
            c.fn_ += p;
            c.tn += 1.0 - p;
        }
    }
    let rows = probabilities.len();
    let n = rows as f64;
    Ok(EstimatedPerformance {
        rows,
        threshold,
        confusion: c,
        precision: ratio(c.tp, c.tp + c.fp),
        recall: ratio(c.tp, c.tp + c.fn_),
        f1: ratio(2.0 * c.tp, 2.0 * c.tp + c.fp + c.fn_),
        accuracy: (c.tp + c.tn) / n,
        roc_auc: expected_roc_auc(probabilities),
        positive_rate: (c.tp + c.fn_) / n,
    })
}

/// The ROC AUC expected if each row is a positive with its probability: over pairs of rows ranked by
/// probability, `Σ p_i (1 − p_j)` for `p_i > p_j`, plus one half of it for equal probabilities (a row with
/// itself included, as one point of the curve holds both its positive and its negative part), over
/// `Σ p · Σ (1 − p)`. `None` when either sum is 0.
pub fn expected_roc_auc(probabilities: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = probabilities.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let positives: f64 = sorted.iter().sum();
    let negatives: f64 = sorted.iter().map(|p| 1.0 - p).sum();
    if positives <= 0.0 || negatives <= 0.0 {
        return None;
    }
    let mut area = 0.0;
    let mut negatives_below = 0.0;
    for group in sorted.chunk_by(|a, b| a == b) {
        let group_pos: f64 = group.iter().sum();
        let group_neg: f64 = group.iter().map(|p| 1.0 - p).sum();
        area += group_pos * (negatives_below + 0.5 * group_neg);
        negatives_below += group_neg;
    }
    Some((area / (positives * negatives)).clamp(0.0, 1.0))
}

/// The expected calibration error of `probabilities` against `labels` over `n_bins` equal-width bins of
/// `[0, 1]`: `Σ_b (n_b / n) |share of positives_b − mean probability_b|`, the bins as
/// [`crate::metrics::calibration_curve`] (scikit-learn's `calibration_curve(strategy="uniform")`) draws
/// them. Errors as that function does; 0 for no rows.
pub fn expected_calibration_error(
    labels: &[bool],
    probabilities: &[f64],
    n_bins: usize,
) -> Result<f64, MonitorError> {
    let bins = calibration_curve(labels, probabilities, n_bins)?;
    let n = labels.len();
    if n == 0 {
        return Ok(0.0);
    }
    Ok(bins.iter().map(|b| b.count as f64 / n as f64 * (b.fraction_positive - b.mean_predicted).abs()).sum())
}

/// The performance of `probabilities` against `labels` at `threshold`: precision, recall, F1 and accuracy
/// as [`crate::metrics::evaluate`] computes them, ROC AUC when both classes are present, and the expected
/// calibration error. Errors when there are no rows, the lengths differ, or a probability or the
/// threshold is outside `[0, 1]`.
pub fn realized_performance(
    labels: &[bool],
    probabilities: &[f64],
    threshold: f64,
) -> Result<RealizedPerformance, MonitorError> {
    check_threshold(threshold)?;
    if labels.len() != probabilities.len() {
        return Err(MonitorError::Metrics(MetricsError::LengthMismatch {
            labels: labels.len(),
            scores: probabilities.len(),
        }));
    }
    check_probabilities(probabilities)?;
    if labels.is_empty() {
        return Err(MonitorError::NoRows);
    }
    let confusion = metrics::confusion(labels, probabilities, threshold);
    let Confusion { tp, fp, tn, fn_ } = confusion;
    let count = |k: usize| k as f64;
    let rows = labels.len();
    Ok(RealizedPerformance {
        rows,
        threshold,
        confusion,
        precision: ratio(count(tp), count(tp + fp)),
        recall: ratio(count(tp), count(tp + fn_)),
        f1: ratio(count(2 * tp), count(2 * tp + fp + fn_)),
        accuracy: count(tp + tn) / count(rows),
        roc_auc: metrics::roc_auc(labels, probabilities).ok(),
        calibration_error: expected_calibration_error(labels, probabilities, ECE_BINS)?,
        positive_rate: count(tp + fn_) / count(rows),
    })
}
