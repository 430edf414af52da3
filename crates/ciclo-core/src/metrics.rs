//! Binary classification metrics, computed as scikit-learn computes them.
//!
//! [`evaluate`] turns labels and predicted probabilities into a [`BinaryMetrics`]: the confusion matrix at a
//! threshold, accuracy, precision, recall and F1 from it (with scikit-learn's `zero_division=0`), ROC AUC
//! from the ranks of the probabilities, PR AUC (average precision), the log loss and the Brier score. The names
//! returned by [`BinaryMetrics::as_pairs`] are the metric keys logged to a run.
//!
//! [`mod@curves`] holds what is drawn rather than logged: ROC and precision–recall curve points, the
//! calibration curve, and the threshold that maximizes F1.
//!
//! Logarithms go through `libm`, never `f64::ln`: the standard library may call the platform's C library
//! natively and its own port in WebAssembly, and the metrics must be bit-identical on both.

pub mod curves;

use serde::{Deserialize, Serialize};

pub use curves::{
    average_precision, best_f1_threshold, calibration_curve, curves, precision_recall_curve, roc_curve, thin,
    CalibrationBin, Curves, Plotted, PrPoint, RocPoint, CALIBRATION_BINS,
};

/// Counts of a binary confusion matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Confusion {
    /// Positives predicted positive.
    pub tp: usize,
    /// Negatives predicted positive.
    pub fp: usize,
    /// Negatives predicted negative.
    pub tn: usize,
    /// Positives predicted negative (`fn` is a keyword).
    pub fn_: usize,
}

/// The metrics of a binary classifier on one set of rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinaryMetrics {
    /// Share of rows predicted correctly.
    pub accuracy: f64,
    /// Share of positive predictions that are positive; 0 when nothing is predicted positive.
    pub precision: f64,
    /// Share of positives predicted positive.
    pub recall: f64,
    /// Harmonic mean of precision and recall; 0 when both are 0.
    pub f1: f64,
    /// Area under the ROC curve: the probability that a random positive scores above a random negative
    /// (ties count one half).
    pub roc_auc: f64,
    /// Area under the precision–recall curve as average precision (scikit-learn's
    /// `average_precision_score`): the precision at each threshold weighted by the recall it adds.
    pub pr_auc: f64,
    /// Mean negative log-likelihood of the labels, probabilities clipped to `[ε, 1 − ε]`.
    pub log_loss: f64,
    /// Mean squared difference between the probability and the label (1 for positive, 0 for negative),
    /// scikit-learn's `brier_score_loss`: 0 is perfect, 0.25 is a constant guess of one half.
    pub brier: f64,
    /// The confusion matrix at `threshold`.
    pub confusion: Confusion,
    /// A row is predicted positive when its probability is at least this.
    pub threshold: f64,
}

impl BinaryMetrics {
    /// The metrics as `(key, value)` pairs with MLflow's usual keys, in a fixed order (the confusion
    /// counts and the threshold are not metrics of the model and are left out): `accuracy`, `precision`,
    /// `recall`, `f1`, `roc_auc`, `pr_auc`, `log_loss`, `brier_score`.
    pub fn as_pairs(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("accuracy", self.accuracy),
            ("precision", self.precision),
            ("recall", self.recall),
            ("f1", self.f1),
            ("roc_auc", self.roc_auc),
            ("pr_auc", self.pr_auc),
            ("log_loss", self.log_loss),
            ("brier_score", self.brier),
        ]
    }
}

/// Why metrics cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum MetricsError {
    /// Labels and scores of different lengths.
    #[error("there are {labels} labels but {scores} scores: pass one score per label")]
    LengthMismatch {
        /// Number of labels.
        labels: usize,
        /// Number of scores.
        scores: usize,
    },
    /// Only one class among the labels, so ROC AUC is undefined.
    #[error(
        "all {rows} labels are {}: metrics need rows of both classes, so evaluate on more rows",
        if *.positive { "positive" } else { "negative" }
    )]
    OneClass {
        /// The class present (`true` for positive).
        positive: bool,
        /// Number of labels.
        rows: usize,
    },
    /// A score that is NaN or infinite.
    #[error("score {index} is not a finite number: check the model's input for missing values")]
    NonFiniteScore {
        /// Its position.
        index: usize,
    },
    /// A probability outside `[0, 1]`.
    #[error("probability {index} is {value}, outside 0..1: pass probabilities, not raw scores")]
    NotAProbability {
        /// Its position.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// A threshold outside `[0, 1]`.
    #[error("threshold {threshold} is outside 0..1: choose a probability such as 0.5")]
    Threshold {
        /// The threshold given.
        threshold: f64,
    },
    /// A calibration curve with no bins.
    #[error("a calibration curve needs at least one bin, not {n_bins}: choose a number such as 10")]
    Bins {
        /// The number of bins asked for.
        n_bins: usize,
    },
}

/// Scores `probabilities` (of the positive class) against `labels`, predicting positive when a probability
/// is at least `threshold`.
///
/// Errors when the lengths differ, when a probability is not in `[0, 1]`, when the threshold is not in
/// `[0, 1]`, or when the labels hold only one class (ROC AUC needs both).
pub fn evaluate(
    labels: &[bool],
    probabilities: &[f64],
    threshold: f64,
) -> Result<BinaryMetrics, MetricsError> {
    if !(0.0..=1.0).contains(&threshold) {
        return Err(MetricsError::Threshold { threshold });
    }
    check_probabilities(labels, probabilities)?;
    let roc_auc = roc_auc(labels, probabilities)?;
    let pr_auc = average_precision(labels, probabilities)?;
    let confusion = confusion(labels, probabilities, threshold);
    let Confusion { tp, fp, tn, fn_ } = confusion;
    let n = labels.len() as f64;
    // The same expressions as scikit-learn's `precision_recall_fscore_support`, so results agree to the
    // last bit where possible.
    let ratio = |num: usize, den: usize| if den == 0 { 0.0 } else { num as f64 / den as f64 };
    Ok(BinaryMetrics {
        accuracy: (tp + tn) as f64 / n,
        precision: ratio(tp, tp + fp),
        recall: ratio(tp, tp + fn_),
        f1: ratio(2 * tp, 2 * tp + fp + fn_),
        roc_auc,
        pr_auc,
        log_loss: log_loss_unchecked(labels, probabilities),
        brier: brier_unchecked(labels, probabilities),
        confusion,
        threshold,
    })
}

/// The confusion matrix of predicting positive when a score is at least `threshold` (pairs beyond the
/// shorter of the two slices are ignored).
pub fn confusion(labels: &[bool], scores: &[f64], threshold: f64) -> Confusion {
    let mut confusion = Confusion::default();
    for (&label, &score) in labels.iter().zip(scores) {
        match (label, score >= threshold) {
            (true, true) => confusion.tp += 1,
            (false, true) => confusion.fp += 1,
            (false, false) => confusion.tn += 1,
            (true, false) => confusion.fn_ += 1,
        }
    }
    confusion
}

/// The log loss (scikit-learn's `log_loss`): the mean of `−ln p` over positives and `−ln(1 − p)` over
/// negatives, each probability clipped to `[ε, 1 − ε]` with `ε` the machine epsilon. Errors when the
/// lengths differ or a probability is outside `[0, 1]`; 0 for no rows.
pub fn log_loss(labels: &[bool], probabilities: &[f64]) -> Result<f64, MetricsError> {
    check_probabilities(labels, probabilities)?;
    Ok(log_loss_unchecked(labels, probabilities))
}

/// The Brier score (scikit-learn's `brier_score_loss`): the mean of `(p − y)²` with `y` 1 for a positive
/// and 0 for a negative. Errors when the lengths differ or a probability is outside `[0, 1]`; 0 for no
/// rows.
pub fn brier_score(labels: &[bool], probabilities: &[f64]) -> Result<f64, MetricsError> {
    check_probabilities(labels, probabilities)?;
    Ok(brier_unchecked(labels, probabilities))
}

/// Equal lengths and every probability in `[0, 1]` (which also rules out NaN).
fn check_probabilities(labels: &[bool], probabilities: &[f64]) -> Result<(), MetricsError> {
    if labels.len() != probabilities.len() {
        return Err(MetricsError::LengthMismatch { labels: labels.len(), scores: probabilities.len() });
    }
    match probabilities.iter().enumerate().find(|(_, p)| !(0.0..=1.0).contains(*p)) {
        Some((index, &value)) => Err(MetricsError::NotAProbability { index, value }),
        None => Ok(()),
    }
}

fn log_loss_unchecked(labels: &[bool], probabilities: &[f64]) -> f64 {
    if labels.is_empty() {
        return 0.0;
    }
    // scikit-learn clips to the machine epsilon of the probabilities' type.
    let eps = f64::EPSILON;
    let sum: f64 = labels
        .iter()
        .zip(probabilities)
        .map(|(&label, &p)| {
            let p = p.clamp(eps, 1.0 - eps);
            -libm::log(if label { p } else { 1.0 - p })
        })
        .sum();
    sum / labels.len() as f64
}

fn brier_unchecked(labels: &[bool], probabilities: &[f64]) -> f64 {
    if labels.is_empty() {
        return 0.0;
    }
    let sum: f64 = labels
        .iter()
        .zip(probabilities)
        .map(|(&label, &p)| {
            let d = f64::from(u8::from(label)) - p;
            d * d
        })
        .sum();
    sum / labels.len() as f64
}

/// Area under the ROC curve of `scores` for `labels` (higher scores mean more likely positive).
///
/// Computed from ranks (the Mann–Whitney U statistic, tied scores sharing their average rank): the number
/// of positive–negative pairs ordered correctly, ties counting one half, over the number of pairs. This
/// is the area scikit-learn's `roc_auc_score` computes with the trapezoidal rule; the counts are exact
/// integers here, so only the final division rounds.
pub fn roc_auc(labels: &[bool], scores: &[f64]) -> Result<f64, MetricsError> {
    check_scores(labels, scores)?;
    let positives = labels.iter().filter(|&&l| l).count();
    let negatives = labels.len() - positives;
    let mut order: Vec<(f64, bool)> = scores.iter().copied().zip(labels.iter().copied()).collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    // Twice the number of correctly ordered pairs, counted in integers: each positive beats the negatives
    // scored strictly below it (2 each) and ties with the negatives of equal score (1 each).
    let mut twice_correct: u128 = 0;
    let mut negatives_below: u128 = 0;
    let mut start = 0;
    while let Some(&(score, _)) = order.get(start) {
        let group_len = order.iter().skip(start).take_while(|(s, _)| *s == score).count();
        let group = order.iter().skip(start).take(group_len);
        let group_pos = group.filter(|(_, l)| *l).count() as u128;
        let group_neg = group_len as u128 - group_pos;
        twice_correct += group_pos * (2 * negatives_below + group_neg);
        negatives_below += group_neg;
        start += group_len;
    }
    Ok(twice_correct as f64 / (2.0 * positives as f64 * negatives as f64))
}

/// Equal lengths, finite scores and both classes: what every ranking metric needs.
fn check_scores(labels: &[bool], scores: &[f64]) -> Result<(), MetricsError> {
    if labels.len() != scores.len() {
        return Err(MetricsError::LengthMismatch { labels: labels.len(), scores: scores.len() });
    }
    if let Some(index) = scores.iter().position(|s| !s.is_finite()) {
        return Err(MetricsError::NonFiniteScore { index });
    }
    let positives = labels.iter().filter(|&&l| l).count();
    if positives == 0 || positives == labels.len() {
        return Err(MetricsError::OneClass { positive: positives > 0, rows: labels.len() });
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    pub(crate) const Y: [bool; 20] = {
        const T: bool = true;
        const F: bool = false;
        [T, F, T, T, F, F, T, F, F, T, F, F, T, F, T, F, F, F, T, F]
    };
    pub(crate) const P: [f64; 20] = [
        0.91, 0.12, 0.55, 0.40, 0.55, 0.30, 0.77, 0.62, 0.05, 0.40, 0.40, 0.18, 0.99, 0.71, 0.50, 0.50, 0.22,
        0.08, 0.33, 0.0,
    ];

    /// Checks every metric at `threshold` against `expected` (accuracy, precision, recall, f1, roc_auc,
    /// pr_auc, log_loss, brier_score) to 1e-12.
    fn check(labels: &[bool], probabilities: &[f64], threshold: f64, expected: [f64; 8]) {
        let metrics = evaluate(labels, probabilities, threshold).unwrap();
        let pairs = metrics.as_pairs();
        assert_eq!(pairs.len(), expected.len());
        for ((name, got), want) in pairs.iter().zip(expected) {
            assert!((got - want).abs() < 1e-12, "{name}: got {got}, expected {want}");
        }
    }

    #[test]
    fn metrics_match_scikit_learn() {
        // Expected values printed by scikit-learn 1.9.1: accuracy_score, precision_score, recall_score,
        // f1_score on (p >= threshold), roc_auc_score, average_precision_score, log_loss and
        // brier_score_loss on the probabilities.
        check(
            &Y,
            &P,
            0.5,
            [
                0.65,
                0.5555555555555556,
                0.625,
                0.5882352941176471,
                0.7916666666666666,
                0.7386294261294262,
                0.4935994224324613,
                0.17388,
            ],
        );
        check(
            &Y,
            &P,
            0.35,
            [
                0.7,
                0.5833333333333334,
                0.875,
                0.7,
                0.7916666666666666,
                0.7386294261294262,
                0.4935994224324613,
                0.17388,
            ],
        );
    }

    #[test]
    fn metrics_by_hand() {
        // Two positives (0.9, 0.35), two negatives (0.4, 0.8): at 0.5, tp 1, fp 1, tn 1, fn 1; the
        // positive 0.9 beats both negatives and 0.35 beats none, so AUC 2/4. Ranked: 0.9 (+), 0.8 (−),
        // 0.4 (−), 0.35 (+): average precision 1/2 × 1 + 1/2 × 2/4 = 0.75.
        let loss = -(libm::log(0.9) + libm::log(0.6) + libm::log(0.35) + libm::log(0.2)) / 4.0;
        let brier = (0.1 * 0.1 + 0.4 * 0.4 + 0.65 * 0.65 + 0.8 * 0.8) / 4.0;
        check(
            &[true, false, true, false],
            &[0.9, 0.4, 0.35, 0.8],
            0.5,
            [0.5, 0.5, 0.5, 0.5, 0.5, 0.75, loss, brier],
        );
        // Nothing predicted positive: precision and F1 are 0, not NaN.
        let loss = -(libm::log(0.1) + libm::log(0.8)) / 2.0;
        let brier = (0.9 * 0.9 + 0.2 * 0.2) / 2.0;
        check(&[true, false], &[0.1, 0.2], 0.5, [0.5, 0.0, 0.0, 0.0, 0.0, 0.5, loss, brier]);
        let m = evaluate(&[true, false], &[0.1, 0.2], 0.5).unwrap();
        assert_eq!(m.confusion, Confusion { tp: 0, fp: 0, tn: 1, fn_: 1 });
    }

    #[test]
    fn log_loss_and_brier_alone() {
        // scikit-learn 1.9.1: log_loss([1, 0, 1], [1.0, 0.0, 0.0]) clips 0 to 2.220446049250313e-16.
        assert_eq!(log_loss(&[true, false, true], &[1.0, 0.0, 0.0]), Ok(12.014551129705717));
        assert_eq!(brier_score(&[true, false], &[1.0, 0.0]), Ok(0.0));
        assert_eq!(brier_score(&[], &[]), Ok(0.0));
        assert_eq!(
            log_loss(&[true], &[0.5, 0.5]),
            Err(MetricsError::LengthMismatch { labels: 1, scores: 2 })
        );
        assert!(matches!(
            brier_score(&[true], &[f64::NAN]),
            Err(MetricsError::NotAProbability { index: 0, value }) if value.is_nan()
        ));
    }

    /// Checks `roc_auc` against an expected value to 1e-12.
    fn check_auc(labels: &[bool], scores: &[f64], expected: f64) {
        let got = roc_auc(labels, scores).unwrap();
        assert!((got - expected).abs() < 1e-12, "got {got}, expected {expected}");
    }

    #[test]
    fn auc_with_ties_matches_scikit_learn() {
        // scikit-learn 1.9.1 roc_auc_score on the same inputs.
        check_auc(&[true, false, true, false], &[0.5, 0.5, 0.5, 0.5], 0.5);
        check_auc(&[true, false, false, true, false], &[3.0, 3.0, 1.0, 2.0, 2.0], 0.6666666666666667);
        check_auc(&[true, false], &[1.0, 0.0], 1.0);
        check_auc(&[true, false], &[0.0, 1.0], 0.0);
        check_auc(&[true, false], &[-0.0, 0.0], 0.5);
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert_eq!(roc_auc(&[true], &[]), Err(MetricsError::LengthMismatch { labels: 1, scores: 0 }));
        assert_eq!(roc_auc(&[], &[]), Err(MetricsError::OneClass { positive: false, rows: 0 }));
        assert_eq!(
            roc_auc(&[true, true], &[0.1, 0.2]),
            Err(MetricsError::OneClass { positive: true, rows: 2 })
        );
        assert_eq!(roc_auc(&[true, false], &[f64::NAN, 0.2]), Err(MetricsError::NonFiniteScore { index: 0 }));
        assert_eq!(
            evaluate(&[true, false], &[1.5, 0.2], 0.5),
            Err(MetricsError::NotAProbability { index: 0, value: 1.5 })
        );
        assert_eq!(
            evaluate(&[true, false], &[0.5, 0.2], 2.0),
            Err(MetricsError::Threshold { threshold: 2.0 })
        );
        assert_eq!(
            MetricsError::OneClass { positive: true, rows: 2 }.to_string(),
            "all 2 labels are positive: metrics need rows of both classes, so evaluate on more rows"
        );
    }
}
