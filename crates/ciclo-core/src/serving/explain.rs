//! How much each column pushed one customer's probability: see the module documentation of
//! [`super`].

use serde::{Deserialize, Serialize};

use super::logged::LoggedModel;
use super::signature::ColType;
use crate::dataset::{Column, ColumnData, Dataset};
use crate::ml::TrainError;

/// One column's push on a probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// The column.
    pub column: String,
    /// The customer's value, as text.
    pub value: String,
    /// The typical value it was compared with.
    pub reference: String,
    /// The probability minus the probability with the typical value: positive pushed it up.
    pub delta: f64,
}

/// The probability of row 0 of `data` (a conformed one-row data set), and each column's push, the
/// strongest first. Columns already at their typical value push nothing and are left out.
pub fn contributions(model: &LoggedModel, data: &Dataset) -> Result<(f64, Vec<Contribution>), TrainError> {
    let signature = model.signature();
    let (base, _) = model.predict_proba(data, &[0])?;
    let probability = base.first().copied().unwrap_or(f64::NAN);
    // One row per column, each with that column set to its reference: scored in one call.
    let n = signature.inputs.len();
    let mut columns = Vec::with_capacity(data.columns().len());
    for column in data.columns() {
        let moved = signature.inputs.iter().position(|c| c.name == column.name);
        let value = column.cell_text(0);
        let column = match (signature.inputs.iter().find(|c| c.name == column.name), &column.data) {
            (Some(spec), _) if spec.kind == ColType::Double => {
                let original = value.parse::<f64>().ok();
                let reference = spec.reference.parse::<f64>().ok();
                let values = (0..n).map(|i| if Some(i) == moved { reference } else { original }).collect();
                Column::numeric(column.name.clone(), values)
            }
            (Some(spec), _) => {
                let original = (!value.is_empty()).then(|| value.clone());
                let values: Vec<Option<String>> = (0..n)
                    .map(|i| if Some(i) == moved { Some(spec.reference.clone()) } else { original.clone() })
                    .collect();
                Column::categorical(column.name.clone(), &values)
            }
            (None, ColumnData::Numeric(values)) => {
                Column::numeric(column.name.clone(), vec![values.first().copied().flatten(); n])
            }
            (None, ColumnData::Categorical { .. }) => {
                let original = (!value.is_empty()).then(|| value.clone());
                Column::categorical(column.name.clone(), &vec![original; n])
            }
        };
        columns.push(column);
    }
    // Every column has n rows, so the data set is well formed; NoRows stands for the impossible case.
    let moved = Dataset::new("contributions", columns).map_err(|_| TrainError::NoRows)?;
    let rows: Vec<usize> = (0..n).collect();
    let (at_reference, _) = model.predict_proba(&moved, &rows)?;
    let mut out: Vec<Contribution> = signature
        .inputs
        .iter()
        .zip(at_reference)
        .filter_map(|(spec, p)| {
            let value = data.column(&spec.name).map(|c| c.cell_text(0)).unwrap_or_default();
            let same = match spec.kind {
                ColType::Double => value.parse::<f64>().ok() == spec.reference.parse::<f64>().ok(),
                ColType::String => value == spec.reference,
            };
            (!same).then(|| Contribution {
                column: spec.name.clone(),
                value,
                reference: spec.reference.clone(),
                delta: probability - p,
            })
        })
        .collect();
    out.sort_by(|a, b| b.delta.abs().total_cmp(&a.delta.abs()));
    Ok((probability, out))
}
