//! Tabular data sets: typed columns, a content digest and a per-column profile.
//!
//! A [`Dataset`] is column-major. Numeric columns hold `Option<f64>` (a blank cell is `None`); categorical
//! columns are dictionary-encoded (a list of levels and a code per row), which keeps a 7,000-row Telco table
//! small and makes one-hot encoding a lookup.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One column's values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ColumnData {
    /// Numbers; `None` is a blank cell.
    Numeric(Vec<Option<f64>>),
    /// Categories: `codes[row]` indexes `levels`; `None` is a blank cell.
    Categorical { levels: Vec<String>, codes: Vec<Option<u32>> },
}

/// The kind of a column, as shown in the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColumnKind {
    /// Numbers.
    Numeric,
    /// Two or more categories.
    Categorical,
}

/// A named column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// The header name, as in the CSV.
    pub name: String,
    /// The values.
    pub data: ColumnData,
}

impl Column {
    /// A numeric column.
    pub fn numeric(name: impl Into<String>, values: Vec<Option<f64>>) -> Column {
        Column { name: name.into(), data: ColumnData::Numeric(values) }
    }

    /// A categorical column from one string per row (`None` for a blank); levels keep first-seen order.
    pub fn categorical<S: AsRef<str>>(name: impl Into<String>, values: &[Option<S>]) -> Column {
        let mut levels: Vec<String> = Vec::new();
        let codes = values
            .iter()
            .map(|value| {
                value.as_ref().map(|v| {
                    let v = v.as_ref();
                    match levels.iter().position(|l| l == v) {
                        Some(i) => i as u32,
                        None => {
                            levels.push(v.to_string());
                            (levels.len() - 1) as u32
                        }
                    }
                })
            })
            .collect();
        Column { name: name.into(), data: ColumnData::Categorical { levels, codes } }
    }

    /// The column's kind.
    pub fn kind(&self) -> ColumnKind {
        match self.data {
            ColumnData::Numeric(_) => ColumnKind::Numeric,
            ColumnData::Categorical { .. } => ColumnKind::Categorical,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match &self.data {
            ColumnData::Numeric(v) => v.len(),
            ColumnData::Categorical { codes, .. } => codes.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cell at `row` as text, as it would be written to a CSV (blank for a missing value or a row past
    /// the end).
    pub fn cell_text(&self, row: usize) -> String {
        match &self.data {
            ColumnData::Numeric(values) => match values.get(row).copied().flatten() {
                Some(x) => format_number(x),
                None => String::new(),
            },
            ColumnData::Categorical { levels, codes } => codes
                .get(row)
                .copied()
                .flatten()
                .and_then(|c| levels.get(c as usize))
                .cloned()
                .unwrap_or_default(),
        }
    }
}

/// Formats a number the shortest way that reads back to the same value (integers without a fraction).
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A table of equally long named columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    /// A name for people (`telco-synthetic`, or a file name).
    pub name: String,
    columns: Vec<Column>,
    n_rows: usize,
}

/// Why a set of columns is not a data set.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DatasetError {
    /// Columns of different lengths.
    #[error("column `{column}` has {found} rows but `{first}` has {expected}")]
    RaggedColumns { first: String, expected: usize, column: String, found: usize },
    /// Two columns with the same name.
    #[error("two columns are named `{0}`: rename one")]
    DuplicateColumn(String),
    /// No columns at all.
    #[error("the data set has no columns")]
    NoColumns,
}

impl Dataset {
    /// A data set from columns of equal length with distinct names.
    pub fn new(name: impl Into<String>, columns: Vec<Column>) -> Result<Dataset, DatasetError> {
        let first = columns.first().ok_or(DatasetError::NoColumns)?;
        let n_rows = first.len();
        for (i, column) in columns.iter().enumerate() {
            if column.len() != n_rows {
                return Err(DatasetError::RaggedColumns {
                    first: first.name.clone(),
                    expected: n_rows,
                    column: column.name.clone(),
                    found: column.len(),
                });
            }
            if columns.iter().take(i).any(|c| c.name == column.name) {
                return Err(DatasetError::DuplicateColumn(column.name.clone()));
            }
        }
        Ok(Dataset { name: name.into(), columns, n_rows })
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// The columns, in header order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The rows `rows` (in that order) as a new data set with the same levels.
    pub fn select_rows(&self, rows: &[usize]) -> Dataset {
        let columns = self
            .columns
            .iter()
            .map(|column| Column {
                name: column.name.clone(),
                data: match &column.data {
                    ColumnData::Numeric(v) => {
                        ColumnData::Numeric(rows.iter().map(|&r| v.get(r).copied().flatten()).collect())
                    }
                    ColumnData::Categorical { levels, codes } => ColumnData::Categorical {
                        levels: levels.clone(),
                        codes: rows.iter().map(|&r| codes.get(r).copied().flatten()).collect(),
                    },
                },
            })
            .collect();
        Dataset { name: self.name.clone(), columns, n_rows: rows.len() }
    }

    /// A content digest: SHA-256 over the header and every cell as CSV text, first 16 hex digits (the
    /// length MLflow shows for a dataset digest). Equal tables have equal digests whatever their levels'
    /// order.
    pub fn digest(&self) -> String {
        let mut hasher = Sha256::new();
        for column in &self.columns {
            hasher.update(column.name.as_bytes());
            hasher.update([0x1f]);
        }
        hasher.update([0x1e]);
        for row in 0..self.n_rows {
            for column in &self.columns {
                hasher.update(column.cell_text(row).as_bytes());
                hasher.update([0x1f]);
            }
            hasher.update([0x1e]);
        }
        hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    /// The columns as MLflow writes a dataset's `schema` (its `mlflow_colspec`: `double` for numeric
    /// columns, `string` for categorical ones; `required` is false where a cell is blank), so a run's
    /// dataset input reads the same in MLflow's UI once pushed.
    pub fn mlflow_schema_json(&self) -> String {
        let columns: Vec<serde_json::Value> = self
            .columns
            .iter()
            .map(|c| {
                let (kind, blank) = match &c.data {
                    ColumnData::Numeric(values) => ("double", values.iter().any(Option::is_none)),
                    ColumnData::Categorical { codes, .. } => ("string", codes.iter().any(Option::is_none)),
                };
                serde_json::json!({ "type": kind, "name": c.name, "required": !blank })
            })
            .collect();
        serde_json::json!({ "mlflow_colspec": columns }).to_string()
    }

    /// The data set's size as MLflow writes a pandas dataset's `profile` (`num_rows`, `num_elements`).
    pub fn mlflow_profile_json(&self) -> String {
        let elements = self.n_rows.saturating_mul(self.columns.len());
        serde_json::json!({ "num_rows": self.n_rows, "num_elements": elements }).to_string()
    }

    /// The rows of `parts` one after the other, as one data set named `name`. Every part must have the
    /// columns of the first, in any order, with the same kinds; categorical levels are matched by their
    /// text (each part may have its own level order). `None` when `parts` is empty or a part does not fit.
    pub fn concat(name: impl Into<String>, parts: &[&Dataset]) -> Option<Dataset> {
        let first = parts.first()?;
        let mut columns = Vec::with_capacity(first.columns.len());
        for column in &first.columns {
            let data = match &column.data {
                ColumnData::Numeric(_) => {
                    let mut values = Vec::new();
                    for part in parts {
                        match &part.column(&column.name)?.data {
                            ColumnData::Numeric(v) => values.extend_from_slice(v),
                            ColumnData::Categorical { .. } => return None,
                        }
                    }
                    ColumnData::Numeric(values)
                }
                ColumnData::Categorical { .. } => {
                    let mut levels: Vec<String> = Vec::new();
                    let mut codes = Vec::new();
                    for part in parts {
                        let ColumnData::Categorical { levels: own, codes: part_codes } =
                            &part.column(&column.name)?.data
                        else {
                            return None;
                        };
                        let map: Vec<u32> = own
                            .iter()
                            .map(|level| match levels.iter().position(|l| l == level) {
                                Some(i) => i as u32,
                                None => {
                                    levels.push(level.clone());
                                    (levels.len() - 1) as u32
                                }
                            })
                            .collect();
                        codes.extend(part_codes.iter().map(|c| c.and_then(|c| map.get(c as usize).copied())));
                    }
                    ColumnData::Categorical { levels, codes }
                }
            };
            columns.push(Column { name: column.name.clone(), data });
        }
        Dataset::new(name, columns).ok()
    }

    /// Writes the table as CSV text with a header row.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<String> = self.columns.iter().map(|c| csv_field(&c.name)).collect();
        out.push_str(&header.join(","));
        out.push('\n');
        for row in 0..self.n_rows {
            let cells: Vec<String> = self.columns.iter().map(|c| csv_field(&c.cell_text(row))).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Dataset {
        Dataset::new(
            "small",
            vec![
                Column::numeric("tenure", vec![Some(1.0), None, Some(2.5)]),
                Column::categorical("Churn", &[Some("No"), Some("Yes"), Some("No")]),
            ],
        )
        .unwrap()
    }

    #[test]
    fn schema_and_profile_read_as_mlflow_writes_them() {
        assert_eq!(
            small().mlflow_schema_json(),
            r#"{"mlflow_colspec":[{"name":"tenure","required":false,"type":"double"},{"name":"Churn","required":true,"type":"string"}]}"#
        );
        assert_eq!(small().mlflow_profile_json(), r#"{"num_elements":6,"num_rows":3}"#);
    }

    #[test]
    fn csv_and_digest_are_stable() {
        let data = small();
        assert_eq!(data.to_csv(), "tenure,Churn\n1,No\n,Yes\n2.5,No\n");
        assert_eq!(data.digest(), small().digest());
        assert_ne!(data.digest(), data.select_rows(&[0, 1]).digest());
    }

    #[test]
    fn ragged_and_duplicate_columns_are_errors() {
        let ragged =
            Dataset::new("x", vec![Column::numeric("a", vec![Some(1.0)]), Column::numeric("b", vec![])]);
        assert!(matches!(ragged, Err(DatasetError::RaggedColumns { .. })));
        let dup = Dataset::new("x", vec![Column::numeric("a", vec![]), Column::numeric("a", vec![])]);
        assert_eq!(dup, Err(DatasetError::DuplicateColumn("a".into())));
    }
}
