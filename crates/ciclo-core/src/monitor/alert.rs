//! Alerts: a period's [`PeriodReport`] read against thresholds the user sets.
//!
//! Each alert is typed and carries its numbers, so the page can word it in the reader's language and a
//! retraining policy can act on it ("retrain on drift alert", "on performance drop").

use serde::{Deserialize, Serialize};

use crate::serving::ColType;

use super::drift::DriftMethod;
use super::psi::PsiBand;
use super::quality::ColumnStatus;
use super::report::PeriodReport;

/// When to raise an alert. Shares and drops are fractions (0.05 is five percentage points).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Alert on data drift when at least this share of the tested columns drift. 0.5 (Evidently's
    /// data-set rule).
    pub drift_share: f64,
    /// Alert on a column (or the scores) whose PSI reaches this band. [`PsiBand::Significant`].
    pub psi_band: PsiBand,
    /// Alert when the realized F1 is at least this much below the baseline's. 0.05.
    pub f1_drop: f64,
    /// Alert when the estimated F1 is at least this much below the baseline's. 0.05.
    pub estimated_f1_drop: f64,
    /// Alert on a column with at least this share of missing values. 0.05.
    pub missing_share: f64,
    /// Alert on a column with at least this share of rows in categories unseen in training. 0.01.
    pub unseen_share: f64,
    /// Alert on a column with at least this share of numbers outside the reference range. 0.01.
    pub out_of_range_share: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            drift_share: 0.5,
            psi_band: PsiBand::Significant,
            f1_drop: 0.05,
            estimated_f1_drop: 0.05,
            missing_share: 0.05,
            unseen_share: 0.01,
            out_of_range_share: 0.01,
        }
    }
}

/// What the period is compared with: the model's performance when it was deployed (on the reference or
/// validation rows).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// The F1 at deployment.
    pub f1: f64,
}

/// Something that crossed a threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Alert {
    /// Enough input columns drifted.
    DataDrift {
        /// The share of tested columns that drifted.
        share: f64,
        /// The threshold it reached.
        threshold: f64,
        /// The columns that drifted, in the signature's order.
        columns: Vec<String>,
    },
    /// The scores' distribution drifted (by its drift method's own threshold).
    PredictionDrift {
        /// The method applied.
        method: DriftMethod,
        /// Its score.
        score: f64,
        /// Its threshold.
        threshold: f64,
    },
    /// A column's PSI (or the scores', column `prediction`) reached the band.
    Psi {
        /// The column.
        column: String,
        /// Its PSI.
        psi: f64,
        /// Its band.
        band: PsiBand,
    },
    /// The realized F1 fell.
    F1Drop {
        /// The period's F1.
        f1: f64,
        /// The baseline's.
        baseline: f64,
        /// The threshold the drop reached.
        threshold: f64,
    },
    /// The estimated F1 fell.
    EstimatedF1Drop {
        /// The period's estimated F1.
        f1: f64,
        /// The baseline's.
        baseline: f64,
        /// The threshold the drop reached.
        threshold: f64,
    },
    /// An input column did not arrive.
    ColumnAbsent {
        /// The column.
        column: String,
    },
    /// An input column arrived with the other type.
    WrongType {
        /// The column.
        column: String,
        /// The signature's type.
        expected: ColType,
    },
    /// Too many missing values in a column.
    MissingValues {
        /// The column.
        column: String,
        /// Its share of missing values.
        share: f64,
        /// The threshold it reached.
        threshold: f64,
    },
    /// Too many rows in categories the model never saw.
    UnseenCategories {
        /// The column.
        column: String,
        /// The share of rows in unseen categories.
        share: f64,
        /// The unseen values, most frequent first.
        values: Vec<String>,
        /// The threshold it reached.
        threshold: f64,
    },
    /// Too many numbers outside the reference range.
    OutOfRange {
        /// The column.
        column: String,
        /// The share of rows out of range.
        share: f64,
        /// The threshold it reached.
        threshold: f64,
    },
}

/// The alerts of `report` against `baseline` and `thresholds`, in a fixed order: data drift, prediction
/// drift, PSI (inputs in the signature's order, then the scores), realized then estimated F1, then data
/// quality by column in the signature's order. A drop is `baseline − value`, so a drop of exactly the
/// threshold alerts.
pub fn alerts(report: &PeriodReport, baseline: &Baseline, thresholds: &Thresholds) -> Vec<Alert> {
    let mut alerts = Vec::new();
    let drift = &report.data_drift;
    if !drift.columns.is_empty() && drift.share >= thresholds.drift_share {
        alerts.push(Alert::DataDrift {
            share: drift.share,
            threshold: thresholds.drift_share,
            columns: drift.columns.iter().filter(|c| c.drifted).map(|c| c.column.clone()).collect(),
        });
    }
    if let Some(p) = report.prediction_drift.as_ref().filter(|p| p.drifted) {
        alerts.push(Alert::PredictionDrift { method: p.method, score: p.score, threshold: p.threshold });
    }
    for psi in report.psi.iter().chain(&report.prediction_psi) {
        if psi.band >= thresholds.psi_band {
            alerts.push(Alert::Psi { column: psi.column.clone(), psi: psi.psi, band: psi.band });
        }
    }
    if let Some(realized) = &report.realized {
        if baseline.f1 - realized.f1 >= thresholds.f1_drop {
            alerts.push(Alert::F1Drop {
                f1: realized.f1,
                baseline: baseline.f1,
                threshold: thresholds.f1_drop,
            });
        }
    }
    if let Some(estimated) = &report.estimated {
        if baseline.f1 - estimated.f1 >= thresholds.estimated_f1_drop {
            alerts.push(Alert::EstimatedF1Drop {
                f1: estimated.f1,
                baseline: baseline.f1,
                threshold: thresholds.estimated_f1_drop,
            });
        }
    }
    for column in &report.quality.columns {
        let name = || column.column.clone();
        match column.status {
            ColumnStatus::Absent => {
                alerts.push(Alert::ColumnAbsent { column: name() });
                continue;
            }
            ColumnStatus::WrongType { expected } => {
                alerts.push(Alert::WrongType { column: name(), expected })
            }
            ColumnStatus::Ok => {}
        }
        if column.missing > 0 && column.missing_share >= thresholds.missing_share {
            alerts.push(Alert::MissingValues {
                column: name(),
                share: column.missing_share,
                threshold: thresholds.missing_share,
            });
        }
        if !column.unseen.is_empty() && column.unseen_share >= thresholds.unseen_share {
            alerts.push(Alert::UnseenCategories {
                column: name(),
                share: column.unseen_share,
                values: column.unseen.iter().map(|u| u.value.clone()).collect(),
                threshold: thresholds.unseen_share,
            });
        }
        if column.out_of_range > 0 && column.out_of_range_share >= thresholds.out_of_range_share {
            alerts.push(Alert::OutOfRange {
                column: name(),
                share: column.out_of_range_share,
                threshold: thresholds.out_of_range_share,
            });
        }
    }
    alerts
}
