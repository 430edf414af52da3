//! A model's signature: its input columns and their types, and its outputs, as MLflow writes it in an
//! `MLmodel` file (`{"inputs": "[{\"type\": \"double\", \"name\": \"tenure\", \"required\": true}, ...]",
//! "outputs": "..."}`, each list itself a JSON string).

use serde::{Deserialize, Serialize};

use crate::ml::{Encoding, Pipeline};

/// A column's type in the signature (MLflow's `DataType` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColType {
    /// A number.
    Double,
    /// Text (a category).
    String,
}

impl ColType {
    /// MLflow's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ColType::Double => "double",
            ColType::String => "string",
        }
    }
}

/// One input column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColSpec {
    /// The column's name.
    pub name: String,
    /// Its type.
    pub kind: ColType,
    /// For a category, the levels seen in training (others are accepted and encoded as all zeros, and
    /// reported); empty for a number.
    pub levels: Vec<String>,
    /// The typical value: the training mean of a number, the most frequent level of a category. The
    /// one-customer form starts from it, and contributions are measured against it.
    pub reference: String,
}

/// What a model takes and gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// The input columns, in the pipeline's order.
    pub inputs: Vec<ColSpec>,
    /// The target column the probability is about.
    pub target: String,
    /// The target value the probability is for.
    pub positive: String,
}

impl Signature {
    /// The signature of a model fitted after `pipeline`, predicting `positive`.
    pub fn new(pipeline: &Pipeline, positive: &str) -> Signature {
        let inputs = pipeline
            .encodings()
            .iter()
            .map(|encoding| match encoding {
                Encoding::Numeric { column, mean, .. } => ColSpec {
                    name: column.clone(),
                    kind: ColType::Double,
                    levels: Vec::new(),
                    reference: format_reference(*mean),
                },
                Encoding::OneHot { column, levels, means, .. } => {
                    let most = means
                        .iter()
                        .enumerate()
                        .max_by(|a, b| a.1.total_cmp(b.1))
                        .and_then(|(i, _)| levels.get(i))
                        .cloned()
                        .unwrap_or_default();
                    ColSpec {
                        name: column.clone(),
                        kind: ColType::String,
                        levels: levels.clone(),
                        reference: most,
                    }
                }
            })
            .collect();
        Signature { inputs, target: pipeline.target().to_string(), positive: positive.to_string() }
    }

    /// The input column named `name`.
    pub fn input(&self, name: &str) -> Option<&ColSpec> {
        self.inputs.iter().find(|c| c.name == name)
    }

    /// The signature as in an `MLmodel` file: `inputs` and `outputs`, each a JSON list written as a
    /// string, as MLflow does.
    pub fn mlflow_json(&self) -> serde_json::Value {
        let inputs: Vec<serde_json::Value> = self
            .inputs
            .iter()
            .map(|c| serde_json::json!({ "type": c.kind.as_str(), "name": c.name, "required": true }))
            .collect();
        let outputs = serde_json::json!([
            { "type": "double", "name": "probability", "required": true },
            { "type": "string", "name": "prediction", "required": true },
        ]);
        serde_json::json!({
            "inputs": serde_json::Value::Array(inputs).to_string(),
            "outputs": outputs.to_string(),
        })
    }
}

/// A mean shown in a form: four significant decimals are plenty for a typical value.
fn format_reference(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
