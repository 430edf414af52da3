//! A logged model as the runs keep it (`model/model.json`): the fitted pipeline and model, the positive
//! class and the threshold, everything needed to score new rows.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::signature::Signature;
use crate::dataset::Dataset;
use crate::ml::tree::CompactTrees;
use crate::ml::{FittedModel, Pipeline, TrainError, TransformReport};

/// The `format` of a logged model.
pub const MODEL_FORMAT: &str = "ciclo.model";
/// The version of the layout written today. Version 2 writes each fitted tree as a flat array over tables
/// of splits and leaves (`ml/tree/form.rs`); version 1 wrote nested node objects and is not read (a
/// default forest was 5.5 MB in it, 1.0 MB in version 2).
pub const MODEL_VERSION: u32 = 2;

/// `{"format":"ciclo.model","version":2,"positive":"Yes","threshold":0.5,"pipeline":{..},"model":{..}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedModel {
    /// Always [`MODEL_FORMAT`].
    pub format: String,
    /// [`MODEL_VERSION`] when written.
    pub version: u32,
    /// The target value the probabilities are for.
    pub positive: String,
    /// A row is predicted positive when its probability is at least this.
    pub threshold: f64,
    /// The fitted preprocessing, applied before the model.
    pub pipeline: Pipeline,
    /// The fitted model.
    pub model: FittedModel,
}

/// Why a logged model cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelLoadError {
    /// Not the JSON of a logged model.
    #[error("the model file cannot be read: {0}")]
    Json(String),
    /// Another format.
    #[error("the model file's format is `{0}`, not ciclo.model")]
    Format(String),
    /// A newer layout than this page reads.
    #[error("the model file is version {0}; this page reads version 2: reload the page")]
    TooNew(u32),
    /// An older layout, no longer read.
    #[error("the model file is version {0}, from an older Ciclo; train the run again to score it")]
    TooOld(u32),
}

/// One row's prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// The probability of the positive class.
    pub probability: f64,
    /// The predicted class: the positive value when the probability reaches the threshold, else `not
    /// <positive>` written as the training data wrote the other class when it is known.
    pub prediction: String,
}

impl LoggedModel {
    /// Reads a logged model's JSON.
    pub fn from_json(text: &str) -> Result<LoggedModel, ModelLoadError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ModelLoadError::Json(e.to_string()))?;
        let format = value.get("format").and_then(|f| f.as_str()).unwrap_or_default();
        if format != MODEL_FORMAT {
            return Err(ModelLoadError::Format(format.to_string()));
        }
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        let number = u32::try_from(version).unwrap_or(u32::MAX);
        if number > MODEL_VERSION {
            return Err(ModelLoadError::TooNew(number));
        }
        if number < MODEL_VERSION {
            return Err(ModelLoadError::TooOld(number));
        }
        serde_json::from_value(value).map_err(|e| ModelLoadError::Json(e.to_string()))
    }

    /// The model's signature.
    pub fn signature(&self) -> Signature {
        Signature::new(&self.pipeline, &self.positive)
    }

    /// The probability of the positive class for `rows` of `data` (which must have the signature's
    /// columns with their kinds: see [`super::conform`]), and what preprocessing filled or ignored. To
    /// score several batches, [`LoggedModel::scorer`] prepares the model once.
    pub fn predict_proba(
        &self,
        data: &Dataset,
        rows: &[usize],
    ) -> Result<(Vec<f64>, TransformReport), TrainError> {
        let (x, report) = self.pipeline.transform(data, rows)?;
        Ok((self.predict_matrix(&x)?, report))
    }

    /// The probability of the positive class for rows the pipeline has already transformed: the model's
    /// `predict_proba`.
    pub fn predict_matrix(&self, x: &Array2<f64>) -> Result<Vec<f64>, TrainError> {
        self.model.predict_proba(x)
    }

    /// The model prepared to score batch after batch: the tree families' nodes laid out for prediction
    /// ([`CompactTrees`]) once, rather than by every call of [`LoggedModel::predict_proba`]. Laying out a
    /// default forest reads its 246,000 nodes (18 MB): 5 to 10 ms natively on a shared machine, about as
    /// long as scoring the page's slices of 2,000 rows (issue 5). Errors when a tree is malformed, which
    /// only a hand-edited model can be.
    pub fn scorer(&self) -> Result<Scorer<'_>, TrainError> {
        let trees = match &self.model {
            FittedModel::Logistic(_) => None,
            FittedModel::Tree(m) => Some(m.compact()?),
            FittedModel::Forest(m) => Some(m.compact()?),
            FittedModel::Boosting(m) => Some(m.compact()?),
        };
        Ok(Scorer { logged: self, trees })
    }

    /// The prediction of each probability, with `negative` as the other class's name.
    pub fn label(&self, probability: f64, negative: &str) -> Prediction {
        let prediction =
            if probability >= self.threshold { self.positive.clone() } else { negative.to_string() };
        Prediction { probability, prediction }
    }
}

/// A [`LoggedModel`] prepared to score batch after batch (see [`LoggedModel::scorer`]): the same
/// probabilities, to the bit, as [`LoggedModel::predict_proba`].
#[derive(Debug, Clone)]
pub struct Scorer<'a> {
    logged: &'a LoggedModel,
    /// The tree families' nodes laid out for prediction, from `logged`'s model.
    trees: Option<CompactTrees>,
}

impl Scorer<'_> {
    /// As [`LoggedModel::predict_proba`].
    pub fn predict_proba(
        &self,
        data: &Dataset,
        rows: &[usize],
    ) -> Result<(Vec<f64>, TransformReport), TrainError> {
        let (x, report) = self.logged.pipeline.transform(data, rows)?;
        Ok((self.predict_matrix(&x)?, report))
    }

    /// As [`LoggedModel::predict_matrix`].
    pub fn predict_matrix(&self, x: &Array2<f64>) -> Result<Vec<f64>, TrainError> {
        match (&self.logged.model, &self.trees) {
            (FittedModel::Tree(m), Some(trees)) => m.predict_compact(trees, x),
            (FittedModel::Forest(m), Some(trees)) => m.predict_compact(trees, x),
            (FittedModel::Boosting(m), Some(trees)) => m.predict_compact(trees, x),
            (model, _) => model.predict_proba(x),
        }
    }
}
