//! The hold-out a champion gate scores candidate and champion on: 2,000 customers of the built-in
//! generator with a seed no training uses, so neither model saw them. The scoring runs in a Web Worker
//! ([`ToWorker::Holdout`], answered by [`FromWorker::HoldoutScored`]): a 100-tree forest scores these rows
//! in a fraction of a second natively, but several times that in a browser, and the page must not freeze
//! while a gate is checked.

use ciclo_core::dataset::Dataset;
use ciclo_core::serving::{conform, LoggedModel};

use crate::protocol::{FromWorker, ToWorker};

/// Rows of the hold-out.
pub const HOLDOUT_ROWS: usize = 2000;
/// Seed of the hold-out: the built-in generator with a seed no training uses (the built-in data set is
/// seed 42), so neither model saw these rows.
pub const HOLDOUT_SEED: u64 = 20_261_126;

/// The held-out rows and their labels (positive `positive`).
pub fn holdout(positive: &str) -> Result<(Dataset, Vec<bool>), String> {
    let data = ciclo_core::telco::generate(HOLDOUT_ROWS, HOLDOUT_SEED);
    let target = ciclo_core::ml::Target {
        column: ciclo_core::telco::TARGET.to_string(),
        positive: positive.to_string(),
    };
    let labels = ciclo_core::ml::labels_for(&data, &target).map_err(|e| e.to_string())?;
    Ok((data, labels))
}

/// The F1 of each logged model (their `model/model.json` texts) on the hold-out, and the rows scored.
/// This is the worker's side of [`ToWorker::Holdout`].
pub fn score(models: &[String]) -> Result<(Vec<f64>, usize), String> {
    let mut f1 = Vec::with_capacity(models.len());
    for text in models {
        let model = LoggedModel::from_json(text).map_err(|e| e.to_string())?;
        let (data, labels) = holdout(&model.positive)?;
        let data = conform(&data, &model.signature()).map_err(|e| e.to_string())?;
        let rows: Vec<usize> = (0..data.n_rows()).collect();
        let (probabilities, _) = model.predict_proba(&data, &rows).map_err(|e| e.to_string())?;
        let metrics = ciclo_core::metrics::evaluate(&labels, &probabilities, model.threshold)
            .map_err(|e| e.to_string())?;
        f1.push(metrics.f1);
    }
    Ok((f1, HOLDOUT_ROWS))
}

/// [`score`] in a fresh Web Worker, awaited: the page stays responsive while the models score.
pub async fn score_in_worker(models: Vec<String>) -> Result<(Vec<f64>, usize), String> {
    let job = 1;
    match crate::trainer::ask(ToWorker::Holdout { job, models }).await? {
        FromWorker::HoldoutScored { f1, rows, .. } => Ok((f1, rows)),
        FromWorker::Failed { error, .. } | FromWorker::BadMessage { error } => Err(error),
        other => Err(format!("unexpected answer from the worker: {other:?}")),
    }
}
