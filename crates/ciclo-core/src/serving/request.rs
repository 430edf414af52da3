//! Requests in MLflow's `/invocations` JSON formats, read into a [`Dataset`] with the signature's
//! columns, or an error naming the column and the problem, as MLflow's schema enforcement does.
//!
//! Accepted, as MLflow's scoring server accepts them for a model with a column signature:
//! - `{"dataframe_split": {"columns": [..], "data": [[..], ..]}}` (an `index` is ignored);
//! - `{"dataframe_records": [{"col": value, ..}, ..]}`;
//! - `{"instances": ..}` and `{"inputs": ..}`: a list of records, a list of rows in the signature's column
//!   order, or one record of columns (`{"col": [values]}`).
//!
//! A number column takes JSON numbers (or `null`, filled as in training); a category column takes
//! strings (or `null`), and numbers written as text (`0` → `"0"`) since CSVs often hold codes. A string
//! in a number column is an error, as in MLflow ("Incompatible input types"). Extra columns are ignored.

use serde_json::Value;

use super::signature::{ColType, Signature};
use crate::dataset::{Column, ColumnData, Dataset};

/// The most rows one request may carry (a larger batch goes through the CSV scorer, in a worker).
pub const MAX_REQUEST_ROWS: usize = 10_000;

/// Why a request cannot be scored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RequestError {
    /// Not JSON.
    #[error("the request is not valid JSON (line {line}, column {column}): {detail}")]
    NotJson {
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, from 1.
        column: usize,
        /// serde_json's explanation.
        detail: String,
    },
    /// Not exactly one of the four format keys.
    #[error("the request must be a JSON object with exactly one of dataframe_split, dataframe_records, instances or inputs; found {found:?}")]
    Format {
        /// The keys found.
        found: Vec<String>,
    },
    /// A part has the wrong shape (where, and what was expected).
    #[error("`{at}` must be {expected}")]
    Shape {
        /// Where in the request.
        at: String,
        /// What it must be.
        expected: &'static str,
    },
    /// Columns the model needs are absent.
    #[error("the model is missing inputs {missing:?}")]
    MissingColumns {
        /// The absent columns.
        missing: Vec<String>,
        /// Columns given that the model does not use (ignored).
        extra: Vec<String>,
    },
    /// A value of the wrong type.
    #[error(
        "incompatible input type for column `{column}` (row {row}): {found} where a {expected} is expected"
    )]
    BadValue {
        /// The column.
        column: String,
        /// The row, from 0.
        row: usize,
        /// The value as JSON text (shortened).
        found: String,
        /// `number` or `string`.
        expected: &'static str,
    },
    /// A row of a list has the wrong length.
    #[error("row {row} has {found} values; the model takes {expected} columns")]
    RowLength {
        /// The row, from 0.
        row: usize,
        /// Values expected.
        expected: usize,
        /// Values found.
        found: usize,
    },
    /// No row.
    #[error("the request has no rows")]
    Empty,
    /// Too many rows for one request.
    #[error("the request has {0} rows; at most 10000 per request (score a CSV for more)")]
    TooManyRows(usize),
}

/// A JSON value shortened for a message.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

/// Reads `body` into a data set with the signature's columns in its order.
pub fn parse_request(body: &str, signature: &Signature) -> Result<Dataset, RequestError> {
    let value: Value = serde_json::from_str(body).map_err(|e| RequestError::NotJson {
        line: e.line(),
        column: e.column(),
        detail: e.to_string(),
    })?;
    let Value::Object(map) = value else { return Err(RequestError::Format { found: Vec::new() }) };
    let keys: Vec<&String> = map
        .keys()
        .filter(|k| ["dataframe_split", "dataframe_records", "instances", "inputs"].contains(&k.as_str()))
        .collect();
    let [key] = keys.as_slice() else {
        return Err(RequestError::Format { found: map.keys().cloned().collect() });
    };
    let body = map.get(key.as_str()).unwrap_or(&Value::Null);
    let table = match key.as_str() {
        "dataframe_split" => split(body)?,
        "dataframe_records" => records(body, "dataframe_records")?,
        _ => instances(body, key, signature)?,
    };
    build(table, signature)
}

/// Columns and rows of values, as read from a request.
struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
}

fn split(body: &Value) -> Result<Table, RequestError> {
    let shape = |at: &str, expected| RequestError::Shape { at: at.to_string(), expected };
    let columns = body
        .get("columns")
        .and_then(Value::as_array)
        .ok_or_else(|| shape("dataframe_split.columns", "a list of column names"))?
        .iter()
        .map(|c| c.as_str().map(str::to_string))
        .collect::<Option<Vec<String>>>()
        .ok_or_else(|| shape("dataframe_split.columns", "a list of column names"))?;
    let data = body
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| shape("dataframe_split.data", "a list of rows, each a list of values"))?;
    let mut rows = Vec::with_capacity(data.len());
    for (i, row) in data.iter().enumerate() {
        let values = row
            .as_array()
            .ok_or_else(|| shape("dataframe_split.data", "a list of rows, each a list of values"))?;
        if values.len() != columns.len() {
            return Err(RequestError::RowLength { row: i, expected: columns.len(), found: values.len() });
        }
        rows.push(values.clone());
    }
    Ok(Table { columns, rows })
}

fn records(body: &Value, at: &str) -> Result<Table, RequestError> {
    let list = body
        .as_array()
        .ok_or_else(|| RequestError::Shape { at: at.to_string(), expected: "a list of records" })?;
    let mut columns: Vec<String> = Vec::new();
    for record in list {
        let object = record
            .as_object()
            .ok_or_else(|| RequestError::Shape { at: at.to_string(), expected: "a list of records" })?;
        for key in object.keys() {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
    }
    let rows = list
        .iter()
        .map(|record| columns.iter().map(|c| record.get(c).cloned().unwrap_or(Value::Null)).collect())
        .collect();
    Ok(Table { columns, rows })
}

fn instances(body: &Value, key: &str, signature: &Signature) -> Result<Table, RequestError> {
    match body {
        Value::Array(list) if list.first().is_some_and(Value::is_object) => records(body, key),
        Value::Array(list) => {
            let columns: Vec<String> = signature.inputs.iter().map(|c| c.name.clone()).collect();
            let mut rows = Vec::with_capacity(list.len());
            for (i, row) in list.iter().enumerate() {
                let values = row.as_array().ok_or(RequestError::Shape {
                    at: key.to_string(),
                    expected: "a list of records or of rows in the signature's column order",
                })?;
                if values.len() != columns.len() {
                    return Err(RequestError::RowLength {
                        row: i,
                        expected: columns.len(),
                        found: values.len(),
                    });
                }
                rows.push(values.clone());
            }
            Ok(Table { columns, rows })
        }
        Value::Object(object) => {
            let columns: Vec<String> = object.keys().cloned().collect();
            let lists: Vec<&Vec<Value>> =
                object.values().map(Value::as_array).collect::<Option<_>>().ok_or(RequestError::Shape {
                    at: key.to_string(),
                    expected: "a record of columns, each a list of values",
                })?;
            let n = lists.first().map_or(0, |l| l.len());
            if lists.iter().any(|l| l.len() != n) {
                return Err(RequestError::Shape {
                    at: key.to_string(),
                    expected: "columns of the same length",
                });
            }
            let rows = (0..n)
                .map(|r| lists.iter().map(|l| l.get(r).cloned().unwrap_or(Value::Null)).collect())
                .collect();
            Ok(Table { columns, rows })
        }
        _ => Err(RequestError::Shape { at: key.to_string(), expected: "a list of records or of rows" }),
    }
}

fn build(table: Table, signature: &Signature) -> Result<Dataset, RequestError> {
    if table.rows.is_empty() {
        return Err(RequestError::Empty);
    }
    if table.rows.len() > MAX_REQUEST_ROWS {
        return Err(RequestError::TooManyRows(table.rows.len()));
    }
    let missing: Vec<String> = signature
        .inputs
        .iter()
        .filter(|c| !table.columns.contains(&c.name))
        .map(|c| c.name.clone())
        .collect();
    if !missing.is_empty() {
        let extra = table.columns.iter().filter(|c| signature.input(c).is_none()).cloned().collect();
        return Err(RequestError::MissingColumns { missing, extra });
    }
    let mut columns = Vec::with_capacity(signature.inputs.len());
    for spec in &signature.inputs {
        let index = table.columns.iter().position(|c| c == &spec.name).unwrap_or_default();
        let cells = table.rows.iter().map(|row| row.get(index).unwrap_or(&Value::Null));
        let bad = |row: usize, value: &Value, expected| RequestError::BadValue {
            column: spec.name.clone(),
            row,
            found: shown(value),
            expected,
        };
        let column = match spec.kind {
            ColType::Double => {
                let mut values = Vec::with_capacity(table.rows.len());
                for (row, cell) in cells.enumerate() {
                    values.push(match cell {
                        Value::Null => None,
                        Value::Number(n) => Some(
                            n.as_f64().filter(|x| x.is_finite()).ok_or_else(|| bad(row, cell, "number"))?,
                        ),
                        other => return Err(bad(row, other, "number")),
                    });
                }
                Column::numeric(spec.name.clone(), values)
            }
            ColType::String => {
                let mut values: Vec<Option<String>> = Vec::with_capacity(table.rows.len());
                for (row, cell) in cells.enumerate() {
                    values.push(match cell {
                        Value::Null => None,
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        other => return Err(bad(row, other, "string")),
                    });
                }
                Column::categorical(spec.name.clone(), &values)
            }
        };
        columns.push(column);
    }
    Dataset::new("request", columns).map_err(|_| RequestError::Empty)
}

/// `data` with the signature's columns in the kinds the model expects: a category read as numbers (a CSV
/// of codes) becomes text; a number column read as text is an error naming the column and a value.
pub fn conform(data: &Dataset, signature: &Signature) -> Result<Dataset, RequestError> {
    let missing: Vec<String> =
        signature.inputs.iter().filter(|c| data.column(&c.name).is_none()).map(|c| c.name.clone()).collect();
    if !missing.is_empty() {
        let extra = data
            .columns()
            .iter()
            .filter(|c| signature.input(&c.name).is_none() && c.name != signature.target)
            .map(|c| c.name.clone())
            .collect();
        return Err(RequestError::MissingColumns { missing, extra });
    }
    let mut columns = Vec::with_capacity(signature.inputs.len());
    for spec in &signature.inputs {
        let Some(column) = data.column(&spec.name) else { continue };
        let converted = match (spec.kind, &column.data) {
            (ColType::Double, ColumnData::Numeric(_)) | (ColType::String, ColumnData::Categorical { .. }) => {
                column.clone()
            }
            (ColType::String, ColumnData::Numeric(values)) => {
                let text: Vec<Option<String>> = values.iter().map(|v| v.map(number_text)).collect();
                Column::categorical(spec.name.clone(), &text)
            }
            (ColType::Double, ColumnData::Categorical { levels, codes }) => {
                let (row, code) =
                    codes.iter().enumerate().find_map(|(r, c)| c.map(|c| (r, c))).unwrap_or((0, 0));
                let found = levels.get(code as usize).cloned().unwrap_or_default();
                return Err(RequestError::BadValue {
                    column: spec.name.clone(),
                    row,
                    found: format!("\"{found}\""),
                    expected: "number",
                });
            }
        };
        columns.push(converted);
    }
    Dataset::new(data.name.clone(), columns).map_err(|_| RequestError::Empty)
}

/// A number as a CSV writes it: `1` rather than `1.0`.
fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        x.to_string()
    }
}
