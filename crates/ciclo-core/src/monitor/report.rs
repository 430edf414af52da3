//! One period's monitoring, all at once: [`monitor`] takes the reference (data and the model's scores on
//! it), the period's batch (data, scores, and labels if they have arrived) and the model's signature, and
//! returns a [`PeriodReport`]: data drift over the signature's inputs, prediction drift, PSI per input
//! and of the scores, data quality, estimated performance and, with labels, realized performance.
//! [`super::alert::alerts`] reads it against the user's thresholds.

use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::serving::Signature;

use super::drift::{dataset_drift, prediction_drift, ColumnDrift, DatasetDrift, DriftOptions};
use super::performance::{
    estimate_performance, realized_performance, EstimatedPerformance, RealizedPerformance,
};
use super::psi::{numeric_psi, psi, Psi, PsiBinning};
use super::quality::{check_quality, reference_ranges, QualityReport};
use super::MonitorError;

/// The reference a period is compared with: usually the training (or validation) data and the model's
/// probabilities on it.
#[derive(Debug, Clone, Copy)]
pub struct Reference<'a> {
    /// The reference rows.
    pub data: &'a Dataset,
    /// The model's probability of the positive class for each of them.
    pub scores: &'a [f64],
}

/// One period's batch.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a> {
    /// The rows.
    pub data: &'a Dataset,
    /// The model's probability of the positive class for each row.
    pub scores: &'a [f64],
    /// The true labels (positive is `true`), once they have arrived.
    pub labels: Option<&'a [bool]>,
}

/// Every setting of a period's monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MonitorOptions {
    /// The drift methods' thresholds and choice (Evidently's defaults).
    pub drift: DriftOptions,
    /// How numbers are binned for the PSI (reference deciles).
    pub psi: PsiBinning,
    /// The model's decision threshold (0.5).
    pub threshold: f64,
    /// How far beyond the reference's range a number may go, as a share of the range's width (0).
    pub range_margin: f64,
}

impl Default for MonitorOptions {
    fn default() -> Self {
        MonitorOptions {
            drift: DriftOptions::default(),
            psi: PsiBinning::default(),
            threshold: 0.5,
            range_margin: 0.0,
        }
    }
}

/// One period's monitoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodReport {
    /// The batch's rows.
    pub rows: usize,
    /// Drift of each signature input, and of the data set.
    pub data_drift: DatasetDrift,
    /// Drift of the scores; `None` when either side has no finite score.
    pub prediction_drift: Option<ColumnDrift>,
    /// PSI of each signature input that could be computed, in the signature's order.
    pub psi: Vec<Psi>,
    /// PSI of the scores; `None` when either side has no finite score.
    pub prediction_psi: Option<Psi>,
    /// Data quality against the signature.
    pub quality: QualityReport,
    /// Performance estimated from the scores; `None` for an empty batch.
    pub estimated: Option<EstimatedPerformance>,
    /// Performance against the labels; `None` until they arrive (or for an empty batch).
    pub realized: Option<RealizedPerformance>,
}

/// Monitors `batch` against `reference` for the model with `signature`. Errors when the scores are not
/// one probability per row, the labels not one per row, or the threshold is outside `[0, 1]`; columns
/// that cannot be compared are reported (skipped, or as quality problems), not errors.
pub fn monitor(
    signature: &Signature,
    reference: &Reference,
    batch: &Batch,
    options: &MonitorOptions,
) -> Result<PeriodReport, MonitorError> {
    for (data, scores) in [(reference.data, reference.scores), (batch.data, batch.scores)] {
        if scores.len() != data.n_rows() {
            return Err(MonitorError::LengthMismatch { expected: data.n_rows(), found: scores.len() });
        }
    }
    if let Some(labels) = batch.labels {
        if labels.len() != batch.data.n_rows() {
            return Err(MonitorError::LengthMismatch { expected: batch.data.n_rows(), found: labels.len() });
        }
    }
    let names: Vec<&str> = signature.inputs.iter().map(|c| c.name.as_str()).collect();
    let data_drift = dataset_drift(reference.data, batch.data, &names, &options.drift);
    let psi = names
        .iter()
        .filter_map(|&name| psi(reference.data.column(name)?, batch.data.column(name)?, options.psi).ok())
        .collect();
    let quality = check_quality(
        batch.data,
        signature,
        &reference_ranges(reference.data, signature),
        options.range_margin,
    );
    let (estimated, realized) = if batch.scores.is_empty() {
        (None, None)
    } else {
        let estimated = estimate_performance(batch.scores, options.threshold)?;
        let realized = match batch.labels {
            Some(labels) => Some(realized_performance(labels, batch.scores, options.threshold)?),
            None => None,
        };
        (Some(estimated), realized)
    };
    Ok(PeriodReport {
        rows: batch.data.n_rows(),
        data_drift,
        prediction_drift: prediction_drift(reference.scores, batch.scores, &options.drift).ok(),
        psi,
        prediction_psi: numeric_psi("prediction", reference.scores, batch.scores, options.psi).ok(),
        quality,
        estimated,
        realized,
    })
}
