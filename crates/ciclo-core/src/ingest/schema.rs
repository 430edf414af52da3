//! What a data set's columns are for: each column's kind and role, the target's checks, and the report of
//! blank numeric cells and how they will be filled.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::IngestError;
use crate::dataset::{format_number, Column, ColumnData, Dataset};
use crate::message::{rows_text, LISTED};
use crate::ml::Fill;

/// The kind of a column, as the schema shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemaKind {
    /// Numbers, with more than two distinct values.
    Numeric,
    /// Text, with more than two distinct values.
    Categorical,
    /// Exactly two distinct values, numbers (such as `SeniorCitizen`, 0 or 1) or text (`Yes` or `No`).
    Binary,
}

/// Why a column is taken for an identifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdReason {
    /// A text column whose values all differ, like `customerID`.
    AllDistinct {
        /// Its number of (distinct) values.
        values: usize,
    },
}

impl fmt::Display for IdReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdReason::AllDistinct { values } => write!(
                f,
                "all {values} values are different, as in a customer number: a model cannot learn from it, \
                 so it is left out of the features"
            ),
        }
    }
}

/// What a column is used for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    /// An input of the model.
    Feature,
    /// What the model predicts.
    Target,
    /// An identifier, left out of the features for the reason given.
    Id {
        /// Why the column looks like an identifier.
        reason: IdReason,
    },
    /// Blank in every row, left out of the features.
    Empty,
}

/// One column of the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaColumn {
    /// The header name.
    pub name: String,
    /// Numeric, categorical or binary.
    pub kind: SchemaKind,
    /// Feature, target, identifier or empty.
    pub role: ColumnRole,
    /// Blank cells.
    pub missing: usize,
    /// Distinct non-blank values.
    pub distinct: usize,
}

/// A numeric feature column with blank cells, and how training will fill them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlankReport {
    /// The column.
    pub column: String,
    /// How many cells are blank.
    pub count: usize,
    /// The first few such rows, counting data rows from 1 (the row under the header is 1).
    pub rows: Vec<usize>,
    /// The file lines of those rows (the header is line 1).
    pub lines: Vec<u64>,
    /// The fill policy.
    pub fill: Fill,
    /// The value filled in: 0, or for [`Fill::Median`] the median of the column's values in the whole file
    /// (training fills with the median of its training rows, which is close but not always equal).
    pub fill_value: f64,
    /// A numeric column that is 0 in exactly the blank rows and in no other, if there is one: in IBM's
    /// Telco file, `TotalCharges` is blank for the 11 customers with `tenure` 0, who have not been billed
    /// yet, which is why 0 is the natural fill there.
    pub zero_in: Option<String>,
}

impl fmt::Display for BlankReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "column `{}` is blank in {} ({})",
            self.column,
            plural(self.count),
            rows_text(&self.rows, self.count)
        )?;
        if let Some(zero) = &self.zero_in {
            write!(f, ", exactly the rows where `{zero}` is 0")?;
        }
        match self.fill {
            Fill::Zero => write!(f, ": filled with 0"),
            Fill::Median => write!(
                f,
                ": filled with the median of the training rows ({} over the whole file)",
                format_number(self.fill_value)
            ),
        }
    }
}

fn plural(count: usize) -> String {
    if count == 1 {
        "1 row".to_string()
    } else {
        format!("{count} rows")
    }
}

/// The target column: `asked` if given, otherwise `Churn` when the data set has it. Errors when the column
/// asked for is missing, or when none is asked and there is no `Churn`.
pub(super) fn choose_target(data: &Dataset, asked: Option<&str>) -> Result<String, IngestError> {
    let available = || data.columns().iter().take(20).map(|c| c.name.clone()).collect();
    match asked {
        Some(name) if data.column(name).is_some() => Ok(name.to_string()),
        Some(name) => Err(IngestError::MissingTarget { column: name.to_string(), available: available() }),
        None if data.column(crate::telco::TARGET).is_some() => Ok(crate::telco::TARGET.to_string()),
        None => Err(IngestError::NoTarget { available: available() }),
    }
}

/// Checks that `target` has no blank cell and exactly two distinct values.
pub(super) fn check_target(data: &Dataset, target: &str) -> Result<(), IngestError> {
    let column = data.column(target).ok_or_else(|| IngestError::MissingTarget {
        column: target.to_string(),
        available: data.columns().iter().take(20).map(|c| c.name.clone()).collect(),
    })?;
    let blank: Vec<usize> = (0..column.len()).filter(|&row| is_blank_at(column, row)).collect();
    if !blank.is_empty() {
        return Err(IngestError::BlankTarget {
            column: target.to_string(),
            count: blank.len(),
            rows: blank.iter().take(LISTED).map(|row| row + 1).collect(),
        });
    }
    let values = distinct_values(column);
    match values.as_slice() {
        [_, _] => Ok(()),
        [only] => Err(IngestError::OneClass { column: target.to_string(), value: only.clone() }),
        [] => Err(IngestError::HeaderOnly),
        _ => Err(IngestError::TooManyClasses {
            column: target.to_string(),
            count: values.len(),
            values: values.iter().take(LISTED).cloned().collect(),
        }),
    }
}

/// The schema of `data` with `target` as the target column.
pub fn schema(data: &Dataset, target: &str) -> Vec<SchemaColumn> {
    data.columns()
        .iter()
        .map(|column| {
            let missing = (0..column.len()).filter(|&row| is_blank_at(column, row)).count();
            let distinct = distinct_values(column).len();
            let categorical = matches!(column.data, ColumnData::Categorical { .. });
            let kind = match (distinct, categorical) {
                (2, _) => SchemaKind::Binary,
                (_, true) => SchemaKind::Categorical,
                (_, false) => SchemaKind::Numeric,
            };
            let present = column.len() - missing;
            let role = if column.name == target {
                ColumnRole::Target
            } else if present == 0 {
                ColumnRole::Empty
            } else if categorical && present >= 2 && distinct == present {
                // The rule of the pipeline and of the profile: a text column with every value different.
                ColumnRole::Id { reason: IdReason::AllDistinct { values: distinct } }
            } else {
                ColumnRole::Feature
            };
            SchemaColumn { name: column.name.clone(), kind, role, missing, distinct }
        })
        .collect()
}

/// A report for every numeric feature column with blank cells; `lines[row]` is the file line of data
/// row `row`.
pub(super) fn blank_reports(
    data: &Dataset,
    schema: &[SchemaColumn],
    lines: &[u64],
    fill: Fill,
) -> Vec<BlankReport> {
    let numeric = |name: &str| match data.column(name).map(|c| &c.data) {
        Some(ColumnData::Numeric(values)) => Some(values.as_slice()),
        _ => None,
    };
    schema
        .iter()
        .filter(|c| c.role == ColumnRole::Feature && c.missing > 0)
        .filter_map(|c| {
            let values = numeric(&c.name)?;
            let blank: Vec<usize> =
                (0..values.len()).filter(|&r| values.get(r).copied().flatten().is_none()).collect();
            let zero_in = schema
                .iter()
                .filter(|other| other.name != c.name && other.role != ColumnRole::Target)
                .find(|other| {
                    numeric(&other.name).is_some_and(|o| {
                        let zero = |r: usize| o.get(r).copied().flatten() == Some(0.0);
                        (0..values.len()).all(|r| zero(r) == blank.binary_search(&r).is_ok())
                    })
                })
                .map(|other| other.name.clone());
            let fill_value = match fill {
                Fill::Zero => 0.0,
                Fill::Median => median(values.iter().flatten().copied().collect()),
            };
            let first: Vec<usize> = blank.iter().take(LISTED).copied().collect();
            Some(BlankReport {
                column: c.name.clone(),
                count: blank.len(),
                rows: first.iter().map(|r| r + 1).collect(),
                lines: first.iter().filter_map(|&r| lines.get(r).copied()).collect(),
                fill,
                fill_value,
                zero_in,
            })
        })
        .collect()
}

/// The median of `values` (the mean of the middle two for an even count); 0 for none.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    let mid = values.len() / 2;
    match (values.get(mid.wrapping_sub(1)), values.get(mid)) {
        (Some(lower), Some(upper)) if values.len() == 2 * mid => (lower + upper) / 2.0,
        (_, Some(middle)) => *middle,
        _ => 0.0,
    }
}

fn is_blank_at(column: &Column, row: usize) -> bool {
    match &column.data {
        ColumnData::Numeric(values) => values.get(row).copied().flatten().is_none(),
        ColumnData::Categorical { codes, .. } => codes.get(row).copied().flatten().is_none(),
    }
}

/// The distinct non-blank values of a column as text, sorted (numerically for numbers; 0 and −0 are one).
fn distinct_values(column: &Column) -> Vec<String> {
    match &column.data {
        ColumnData::Numeric(values) => {
            let mut present: Vec<f64> =
                values.iter().flatten().map(|&x| if x == 0.0 { 0.0 } else { x }).collect();
            present.sort_unstable_by(f64::total_cmp);
            present.dedup();
            present.into_iter().map(format_number).collect()
        }
        ColumnData::Categorical { levels, codes } => {
            let mut used = vec![false; levels.len()];
            for code in codes.iter().flatten() {
                if let Some(slot) = used.get_mut(*code as usize) {
                    *slot = true;
                }
            }
            let mut values: Vec<String> =
                levels.iter().zip(used).filter(|(_, used)| *used).map(|(level, _)| level.clone()).collect();
            values.sort_unstable();
            values.dedup();
            values
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), 0.0);
        assert_eq!(median(vec![3.0]), 3.0);
        assert_eq!(median(vec![4.0, 1.0]), 2.5);
        assert_eq!(median(vec![5.0, 1.0, 3.0]), 3.0);
    }
}
