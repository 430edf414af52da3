//! Promotion gates: a rule checked before a version is promoted, whose result and numbers are stored in
//! the audit log whether it passes or not.

use serde::{Deserialize, Serialize};

/// The rule a candidate must meet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum GateRule {
    /// The candidate's metric is strictly above `min` (the report's `f1 > 0.85`).
    Threshold {
        /// The metric's key (`f1`).
        metric: String,
        /// The bound.
        min: f64,
    },
    /// The candidate's metric, on the same hold-out rows as the current champion's, is at least the
    /// champion's plus `margin`. With no champion yet, the candidate passes.
    BeatsChampion {
        /// The metric's key.
        metric: String,
        /// How much better it must be (0.01 = one point of F1).
        margin: f64,
    },
}

impl GateRule {
    /// The report's gate: F1 above 0.85.
    pub fn report() -> GateRule {
        GateRule::Threshold { metric: "f1".to_string(), min: 0.85 }
    }

    /// The metric the rule reads.
    pub fn metric(&self) -> &str {
        match self {
            GateRule::Threshold { metric, .. } | GateRule::BeatsChampion { metric, .. } => metric,
        }
    }
}

/// A gate checked: the rule, the numbers it compared, and the verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateCheck {
    /// The rule.
    pub rule: GateRule,
    /// The candidate's version.
    pub candidate_version: u32,
    /// The candidate's value of the metric.
    pub candidate: f64,
    /// The champion's version and value on the same rows, for [`GateRule::BeatsChampion`].
    pub champion: Option<(u32, f64)>,
    /// The value the candidate had to exceed (threshold) or reach (champion + margin); `None` when there
    /// was no champion to beat.
    pub required: Option<f64>,
    /// How many hold-out rows the values were measured on, when they were measured for the gate.
    pub rows: Option<usize>,
    /// Whether the candidate passed.
    pub passed: bool,
}

/// Checks `rule` for version `candidate_version` whose metric is `candidate`, against the champion's
/// version and value when there is one. A NaN value never passes.
pub fn check_gate(
    rule: &GateRule,
    candidate_version: u32,
    candidate: f64,
    champion: Option<(u32, f64)>,
    rows: Option<usize>,
) -> GateCheck {
    let (required, passed) = match rule {
        GateRule::Threshold { min, .. } => (Some(*min), candidate > *min),
        GateRule::BeatsChampion { margin, .. } => match champion {
            Some((_, value)) => {
                let required = value + margin;
                (Some(required), candidate.is_finite() && value.is_finite() && candidate >= required)
            }
            None => (None, candidate.is_finite()),
        },
    };
    GateCheck {
        rule: rule.clone(),
        candidate_version,
        candidate,
        champion: if matches!(rule, GateRule::BeatsChampion { .. }) { champion } else { None },
        required,
        rows,
        passed,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    fn check(rule: GateRule, candidate: f64, champion: Option<f64>, passed: bool) {
        let got = check_gate(&rule, 2, candidate, champion.map(|c| (1, c)), Some(1000));
        assert_eq!(got.passed, passed, "{rule:?} {candidate} vs {champion:?}");
    }

    #[test]
    fn gates_compare_as_documented() {
        let beats = |margin| GateRule::BeatsChampion { metric: "f1".into(), margin };
        check(GateRule::report(), 0.61, None, false);
        check(GateRule::report(), 0.85, None, false);
        check(GateRule::report(), 0.851, None, true);
        check(GateRule::report(), f64::NAN, None, false);
        check(beats(0.01), 0.62, Some(0.60), true);
        check(beats(0.01), 0.61, Some(0.60), true);
        check(beats(0.01), 0.605, Some(0.60), false);
        check(beats(0.0), 0.60, Some(0.60), true);
        check(beats(0.01), 0.5, None, true);
        check(beats(0.01), f64::NAN, None, false);
        check(beats(0.01), 0.7, Some(f64::NAN), false);
    }

    #[test]
    fn the_numbers_are_kept() {
        let got = check_gate(&GateRule::report(), 3, 0.61, Some((1, 0.5)), None);
        assert_eq!((got.required, got.champion, got.candidate_version), (Some(0.85), None, 3));
        let rule = GateRule::BeatsChampion { metric: "roc_auc".into(), margin: 0.02 };
        let got = check_gate(&rule, 3, 0.9, Some((1, 0.8)), Some(500));
        assert_eq!(got.champion, Some((1, 0.8)));
        assert!((got.required.unwrap() - 0.82).abs() < 1e-12);
        assert_eq!(got.rows, Some(500));
        assert_eq!(rule.metric(), "roc_auc");
    }
}
