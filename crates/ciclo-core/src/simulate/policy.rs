//! Continuous training: when to retrain ([`Policy`]) and on which data ([`Window`]). [`decide`] is the
//! policy as a pure function of what the period saw, so each decision is a one-line test case.

use serde::{Deserialize, Serialize};

use crate::monitor::Alert;

/// When a retraining starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case")]
pub enum Policy {
    /// Never: the model deployed first serves to the end.
    None,
    /// Every `periods` periods, on schedule.
    Every {
        /// The schedule.
        periods: u32,
    },
    /// When a drift alert is raised: data drift, prediction drift, or a PSI in the alert band.
    OnDrift,
    /// When performance drops: realized F1 once labels arrive, or the estimate before.
    OnPerformanceDrop,
}

impl Policy {
    /// A short machine name, as in URLs (`every-4`, `on-drift`).
    pub fn as_text(self) -> String {
        match self {
            Policy::None => "none".into(),
            Policy::Every { periods } => format!("every-{periods}"),
            Policy::OnDrift => "on-drift".into(),
            Policy::OnPerformanceDrop => "on-drop".into(),
        }
    }

    /// Reads [`Policy::as_text`].
    pub fn parse(text: &str) -> Option<Policy> {
        match text {
            "none" => Some(Policy::None),
            "on-drift" => Some(Policy::OnDrift),
            "on-drop" => Some(Policy::OnPerformanceDrop),
            other => {
                let periods = other.strip_prefix("every-")?.parse().ok()?;
                (periods > 0).then_some(Policy::Every { periods })
            }
        }
    }
}

/// The training data of a retraining.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "window", rename_all = "snake_case")]
pub enum Window {
    /// The last `periods` labeled periods only: forgets the old world fast.
    Last {
        /// How many.
        periods: u32,
    },
    /// Everything: the initial training data and every labeled period.
    All,
    /// The initial training data plus the last `periods` labeled periods.
    Mixed {
        /// How many recent periods.
        periods: u32,
    },
}

impl Window {
    /// A short machine name, as in URLs (`last-8`, `all`, `mixed-8`).
    pub fn as_text(self) -> String {
        match self {
            Window::Last { periods } => format!("last-{periods}"),
            Window::All => "all".into(),
            Window::Mixed { periods } => format!("mixed-{periods}"),
        }
    }

    /// Reads [`Window::as_text`].
    pub fn parse(text: &str) -> Option<Window> {
        if text == "all" {
            return Some(Window::All);
        }
        let (kind, n) = text.split_once('-')?;
        let periods: u32 = n.parse().ok().filter(|&n| n > 0)?;
        match kind {
            "last" => Some(Window::Last { periods }),
            "mixed" => Some(Window::Mixed { periods }),
            _ => None,
        }
    }

    /// Whether the initial training data is part of the window.
    pub fn keeps_initial(self) -> bool {
        !matches!(self, Window::Last { .. })
    }

    /// The labeled periods `1..=newest` the window takes, oldest first.
    pub fn periods(self, newest: u32) -> std::ops::RangeInclusive<u32> {
        match self {
            Window::All => 1..=newest,
            Window::Last { periods } | Window::Mixed { periods } => {
                newest.saturating_sub(periods.saturating_sub(1)).max(1)..=newest
            }
        }
    }
}

/// Why a retraining started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The schedule.
    Schedule,
    /// A drift alert.
    Drift,
    /// A performance drop.
    PerformanceDrop,
}

/// Whether to retrain in `period`, and why. `alerts` are the period's; `last_retrain` the period of the
/// last retraining (0 for the initial training); `newest_labeled` the newest period whose labels have
/// arrived (0 for none) and `trained_through` the newest labeled period the last retraining used. A
/// policy never retrains without labeled data newer than the last retraining's (there would be nothing
/// new to learn from), nor sooner than `min_gap` periods after the last.
pub fn decide(
    policy: Policy,
    period: u32,
    alerts: &[Alert],
    last_retrain: u32,
    newest_labeled: u32,
    trained_through: u32,
    min_gap: u32,
) -> Option<Trigger> {
    if newest_labeled <= trained_through || period < last_retrain.saturating_add(min_gap.max(1)) {
        return None;
    }
    match policy {
        Policy::None => None,
        Policy::Every { periods } => {
            (period >= last_retrain.saturating_add(periods.max(1))).then_some(Trigger::Schedule)
        }
        Policy::OnDrift => alerts
            .iter()
            .any(|a| matches!(a, Alert::DataDrift { .. } | Alert::PredictionDrift { .. } | Alert::Psi { .. }))
            .then_some(Trigger::Drift),
        Policy::OnPerformanceDrop => alerts
            .iter()
            .any(|a| matches!(a, Alert::F1Drop { .. } | Alert::EstimatedF1Drop { .. }))
            .then_some(Trigger::PerformanceDrop),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;
    use crate::monitor::PsiBand;

    /// `decide` for `policy` in `period` with alerts named by letters (`d` data drift, `p` PSI, `f` F1
    /// drop, `e` estimated drop), last retrain, newest labeled, trained through, and a gap of 2.
    fn check(
        policy: &str,
        period: u32,
        alerts: &str,
        last: u32,
        labeled: u32,
        through: u32,
    ) -> Option<Trigger> {
        let alerts: Vec<Alert> = alerts
            .chars()
            .map(|c| match c {
                'd' => Alert::DataDrift { share: 0.6, threshold: 0.5, columns: vec![] },
                'p' => Alert::Psi { column: "MonthlyCharges".into(), psi: 0.3, band: PsiBand::Significant },
                'f' => Alert::F1Drop { f1: 0.4, baseline: 0.6, threshold: 0.05 },
                'e' => Alert::EstimatedF1Drop { f1: 0.4, baseline: 0.6, threshold: 0.05 },
                _ => panic!("alert {c}"),
            })
            .collect();
        decide(Policy::parse(policy).unwrap(), period, &alerts, last, labeled, through, 2)
    }

    #[test]
    fn policies_decide_as_documented() {
        use Trigger::*;
        assert_eq!(check("none", 20, "dpfe", 0, 16, 0), None);
        assert_eq!(check("every-4", 3, "", 0, 1, 0), None);
        assert_eq!(check("every-4", 4, "", 0, 1, 0), Some(Schedule));
        assert_eq!(check("every-4", 8, "", 4, 4, 0), Some(Schedule));
        assert_eq!(check("every-4", 8, "", 4, 4, 4), None, "no labels newer than the last training");
        assert_eq!(check("on-drift", 10, "", 0, 6, 0), None);
        assert_eq!(check("on-drift", 10, "d", 0, 6, 0), Some(Drift));
        assert_eq!(check("on-drift", 10, "p", 0, 6, 0), Some(Drift));
        assert_eq!(check("on-drift", 10, "f", 0, 6, 0), None);
        assert_eq!(check("on-drift", 10, "d", 9, 6, 0), None, "within the gap");
        assert_eq!(check("on-drift", 11, "d", 9, 6, 0), Some(Drift));
        assert_eq!(check("on-drift", 3, "d", 0, 0, 0), None, "no labels yet");
        assert_eq!(check("on-drop", 10, "d", 0, 6, 0), None);
        assert_eq!(check("on-drop", 10, "f", 0, 6, 0), Some(PerformanceDrop));
        assert_eq!(check("on-drop", 10, "e", 0, 6, 0), Some(PerformanceDrop));
    }

    #[test]
    fn windows_take_the_periods_they_say() {
        assert_eq!(Window::parse("last-4").unwrap().periods(10), 7..=10);
        assert_eq!(Window::parse("last-4").unwrap().periods(2), 1..=2);
        assert_eq!(Window::parse("all").unwrap().periods(10), 1..=10);
        assert_eq!(Window::parse("mixed-2").unwrap().periods(10), 9..=10);
        assert!(!Window::parse("last-4").unwrap().keeps_initial());
        assert!(Window::parse("mixed-4").unwrap().keeps_initial());
        assert_eq!(Window::parse("last-0"), None);
        assert_eq!(Policy::parse("every-0"), None);
        for text in ["none", "every-4", "on-drift", "on-drop"] {
            assert_eq!(Policy::parse(text).unwrap().as_text(), text);
        }
        for text in ["last-8", "all", "mixed-8"] {
            assert_eq!(Window::parse(text).unwrap().as_text(), text);
        }
    }
}
