//! Monitoring a model in production: is the world still the one it was trained on, and is the model
//! still right about it?
//!
//! Each period's batch is compared with a reference (usually the training data and the model's scores on
//! it), with the statistics and defaults of the tools the course report names:
//!
//! - [`drift`]: per-column drift with Evidently's default methods (Kolmogorov–Smirnov, chi-square,
//!   Z-test for a reference of at most 1,000 rows; normed Wasserstein and Jensen–Shannon distances above)
//!   and data-set drift (at least half the columns); [`drift::prediction_drift`] applies the same to the
//!   model's scores. Each result names its method and why ([`drift::Reason`]).
//! - [`psi`]: the population stability index with its 0.1 / 0.25 bands.
//! - [`quality`]: a batch against the model's [`crate::serving::Signature`]: absent or mistyped columns,
//!   missing values, unseen categories, numbers outside the reference range.
//! - [`performance`]: performance estimated from calibrated probabilities before the labels arrive
//!   (NannyML's CBPE idea), realized performance and the calibration error after.
//! - [`report`]: all of it for one period ([`report::monitor`] → [`report::PeriodReport`]); [`alert`]:
//!   the report read against the user's [`alert::Thresholds`] as typed [`alert::Alert`]s.
//! - [`ks`], [`stattest`] and [`special`]: the statistics themselves, written to match SciPy's
//!   (`ks_2samp`, `chisquare`, `wasserstein_distance`, `jensenshannon`, `chi2.sf`, `kstwo.sf`) and
//!   cross-checked against it by `tests/peers/drift_parity.py`.
//!
//! Everything is pure and deterministic: no clock, no randomness, every logarithm `libm`'s. Nothing here
//! panics on data: empty or non-finite samples are typed errors ([`MonitorError`]) or documented `None`s,
//! and a column that cannot be compared is reported, not fatal.

pub mod alert;
pub mod drift;
pub mod ks;
pub mod performance;
pub mod psi;
pub mod quality;
pub mod report;
pub mod special;
pub mod stattest;

use serde::{Deserialize, Serialize};

pub use alert::{alerts, Alert, Baseline, Thresholds};
pub use drift::{
    column_drift, dataset_drift, numeric_drift, prediction_drift, ColumnDrift, DatasetDrift, DriftMethod,
    DriftOptions, Reason, Skip, SkippedColumn, ValueKind,
};
pub use ks::{ks_2samp, KsMethod, KsTest};
pub use performance::{
    estimate_performance, expected_calibration_error, expected_roc_auc, realized_performance,
    EstimatedPerformance, ExpectedConfusion, RealizedPerformance,
};
pub use psi::{numeric_psi, psi, Bucket, Psi, PsiBand, PsiBin, PsiBinning};
pub use quality::{
    check_quality, reference_ranges, ColumnQuality, ColumnRange, ColumnStatus, QualityReport, UnseenCategory,
};
pub use report::{monitor, Batch, MonitorOptions, PeriodReport, Reference};

use crate::metrics::MetricsError;

/// One of the two samples compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The reference (training-time) sample.
    Reference,
    /// The current (production) sample.
    Current,
}

impl Side {
    fn as_str(self) -> &'static str {
        match self {
            Side::Reference => "reference",
            Side::Current => "current",
        }
    }
}

/// Why a monitoring statistic cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MonitorError {
    /// A sample with no values (after missing ones are left out).
    #[error("the {} sample has no values: compare columns that have some", .side.as_str())]
    EmptySample {
        /// Which sample.
        side: Side,
    },
    /// A value that is not a finite number.
    #[error("value {index} of the {} sample is not a finite number: leave such values out", .side.as_str())]
    NonFinite {
        /// Which sample.
        side: Side,
        /// Its position.
        index: usize,
    },
    /// Two lists that should be of the same length are not.
    #[error("expected {expected} values but found {found}: pass one per row or category")]
    LengthMismatch {
        /// The length expected.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// A test over categories with fewer than two.
    #[error("a chi-square test needs at least two categories, not {found}")]
    TooFewCategories {
        /// The number of categories.
        found: usize,
    },
    /// A count or weight that is negative or not finite, or more hits than rows.
    #[error("counts must be finite and not negative, and hits at most the rows")]
    BadCounts,
    /// A column holding numbers on one side and categories on the other.
    #[error("column `{column}` holds {} values in the reference but {} values now: check its type upstream",
        kind_name(*.reference), kind_name(*.current))]
    KindMismatch {
        /// The column.
        column: String,
        /// Its kind in the reference.
        reference: ValueKind,
        /// Its kind now.
        current: ValueKind,
    },
    /// Quantile binning with no bins.
    #[error("a PSI needs at least one bin: choose a number such as 10")]
    NoBins,
    /// Performance of no rows.
    #[error("there are no rows to measure performance on")]
    NoRows,
    /// Labels, probabilities or a threshold the metrics refuse.
    #[error(transparent)]
    Metrics(#[from] MetricsError),
}

fn kind_name(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Numeric => "numeric",
        ValueKind::Categorical => "categorical",
    }
}
