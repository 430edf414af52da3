//! Reading a user's CSV file into a [`Dataset`].
//!
//! The reader is careful rather than clever: the first row is the header, every row must have as many
//! fields as the header, every field must be UTF-8, and any failure is an [`IngestError`] that names the line
//! and says what to do. It never panics, whatever the bytes (a property test feeds it random ones).
//!
//! Column types are inferred after reading: a column is numeric when every non-blank cell parses as a finite
//! `f64`, otherwise categorical. A blank cell (empty, or only spaces and tabs) is a missing value in either
//! kind. Reading happens in two steps, [`read_table`] (text cells, with line numbers) then [`infer_columns`],
//! so that later options (row limits, other blank markers, forced column kinds) have one place each to go.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dataset::{Column, ColumnData, Dataset, DatasetError};

/// The UTF-8 byte-order mark that spreadsheet programs put in front of a CSV file.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why bytes are not a data set.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum IngestError {
    /// No bytes, or nothing but white space.
    #[error("the file is empty: choose a CSV file with a header row and data rows")]
    Empty,
    /// A header and no data rows.
    #[error("the file has a header row but no data rows: add rows below the header")]
    HeaderOnly,
    /// A row with more or fewer fields than the header.
    #[error(
        "line {line} has {found} fields but the header has {expected}: fix that row (a comma inside a value \
         needs quotes around the value)"
    )]
    RaggedRow {
        /// 1-based line number where the row starts.
        line: u64,
        /// Number of header fields.
        expected: usize,
        /// Number of fields on that row.
        found: usize,
    },
    /// Bytes that are not UTF-8 text.
    #[error(
        "line {line} is not valid UTF-8 text (field {field}): save the file as UTF-8 (\"CSV UTF-8\" in \
         spreadsheet programs)"
    )]
    InvalidUtf8 {
        /// 1-based line number where the row starts.
        line: u64,
        /// 1-based field number.
        field: usize,
    },
    /// Two header fields with the same name.
    #[error("columns {first} and {second} are both named `{name}`: rename one in the header row")]
    DuplicateHeader {
        /// The repeated name.
        name: String,
        /// 1-based position of its first use.
        first: usize,
        /// 1-based position of its second use.
        second: usize,
    },
    /// A column with more distinct values than a category code can hold.
    #[error("column `{column}` has more than {max} distinct values: it cannot be a category", max = u32::MAX)]
    TooManyLevels {
        /// The column.
        column: String,
    },
    /// The CSV parser failed (not expected for in-memory bytes, kept so that no failure is lost).
    #[error("line {line} could not be read as CSV ({message}): check the file's quoting")]
    Csv {
        /// 1-based line number, as far as the parser got.
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// The columns do not form a data set (not expected after the checks above).
    #[error("the columns do not form a data set: {message}")]
    Dataset {
        /// The data set's message.
        message: String,
    },
}

impl From<DatasetError> for IngestError {
    fn from(error: DatasetError) -> IngestError {
        IngestError::Dataset { message: error.to_string() }
    }
}

/// A CSV file read as text: the header and the cells of each column, before types are inferred.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Column names from the header row, white space trimmed.
    pub header: Vec<String>,
    /// `cells[column][row]`, as written in the file (quotes removed).
    pub cells: Vec<Vec<String>>,
    /// The 1-based line on which each data row starts.
    pub lines: Vec<u64>,
}

/// Reads a CSV file (`name` is the file name shown to people) into a data set, inferring each column's
/// kind. See the module documentation for the rules and [`IngestError`] for the failures.
pub fn read_csv(name: &str, bytes: &[u8]) -> Result<Dataset, IngestError> {
    let table = read_table(bytes)?;
    let columns = infer_columns(table)?;
    Ok(Dataset::new(name, columns)?)
}

/// Reads the header and the text cells, checking the shape and the encoding.
///
/// A header name left blank becomes `Unnamed: i` (0-based position), as pandas names it; header names are
/// trimmed of surrounding white space. Empty lines are skipped.
pub fn read_table(bytes: &[u8]) -> Result<Table, IngestError> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut table = Table::default();
    let mut header_line = None;
    loop {
        let line = reader.position().line();
        let more = reader.read_byte_record(&mut record).map_err(|e| IngestError::Csv {
            line: e.position().map_or(line, |p| p.line()),
            message: e.to_string(),
        })?;
        if !more {
            break;
        }
        let line = record.position().map_or(line, |p| p.line());
        let fields = decode(&record, line)?;
        if header_line.is_none() {
            header_line = Some(line);
            table.header = header_names(fields)?;
            table.cells = vec![Vec::new(); table.header.len()];
            continue;
        }
        if fields.len() != table.header.len() {
            return Err(IngestError::RaggedRow { line, expected: table.header.len(), found: fields.len() });
        }
        for (column, field) in table.cells.iter_mut().zip(fields) {
            column.push(field);
        }
        table.lines.push(line);
    }
    match header_line {
        None => Err(IngestError::Empty),
        Some(_) if table.lines.is_empty() => Err(IngestError::HeaderOnly),
        Some(_) => Ok(table),
    }
}

/// The fields of a record as strings, or the first one that is not UTF-8.
fn decode(record: &csv::ByteRecord, line: u64) -> Result<Vec<String>, IngestError> {
    record
        .iter()
        .enumerate()
        .map(|(i, field)| {
            std::str::from_utf8(field)
                .map(str::to_string)
                .map_err(|_| IngestError::InvalidUtf8 { line, field: i + 1 })
        })
        .collect()
}

fn header_names(fields: Vec<String>) -> Result<Vec<String>, IngestError> {
    let names: Vec<String> = fields
        .into_iter()
        .enumerate()
        .map(|(i, field)| {
            let name = field.trim();
            if name.is_empty() {
                format!("Unnamed: {i}")
            } else {
                name.to_string()
            }
        })
        .collect();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        if let Some(&first) = seen.get(name.as_str()) {
            return Err(IngestError::DuplicateHeader { name: name.clone(), first: first + 1, second: i + 1 });
        }
        seen.insert(name, i);
    }
    Ok(names)
}

/// Whether a cell is a missing value: empty, or only white space.
pub fn is_blank(cell: &str) -> bool {
    cell.trim().is_empty()
}

/// The number in a numeric cell: surrounding white space is ignored, and only finite numbers count (a
/// column holding `NaN` or `inf` is read as categorical rather than poisoning every mean it enters).
pub fn parse_number(cell: &str) -> Option<f64> {
    cell.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Turns text columns into typed columns: numeric when every non-blank cell is a number, otherwise
/// categorical with levels in first-seen order.
pub fn infer_columns(table: Table) -> Result<Vec<Column>, IngestError> {
    table.header.into_iter().zip(table.cells).map(|(name, cells)| infer_column(name, cells)).collect()
}

fn infer_column(name: String, cells: Vec<String>) -> Result<Column, IngestError> {
    let numbers: Option<Vec<Option<f64>>> = cells
        .iter()
        .map(|cell| if is_blank(cell) { Some(None) } else { parse_number(cell).map(Some) })
        .collect();
    if let Some(values) = numbers {
        return Ok(Column::numeric(name, values));
    }
    let mut levels: Vec<String> = Vec::new();
    let mut index: BTreeMap<String, u32> = BTreeMap::new();
    let mut codes = Vec::with_capacity(cells.len());
    for cell in cells {
        if is_blank(&cell) {
            codes.push(None);
            continue;
        }
        let code = match index.get(&cell) {
            Some(&code) => code,
            None => {
                let code = u32::try_from(levels.len())
                    .map_err(|_| IngestError::TooManyLevels { column: name.clone() })?;
                index.insert(cell.clone(), code);
                levels.push(cell);
                code
            }
        };
        codes.push(Some(code));
    }
    Ok(Column { name, data: ColumnData::Categorical { levels, codes } })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Checks that `text` reads to a data set whose CSV rendering is `expected` and whose column kinds are
    /// `kinds` (`N` numeric, `C` categorical).
    fn check(text: &str, expected: &str, kinds: &str) {
        let data = read_csv("test.csv", text.as_bytes()).unwrap();
        assert_eq!(data.to_csv(), expected);
        let got: String = data
            .columns()
            .iter()
            .map(|c| match c.data {
                ColumnData::Numeric(_) => 'N',
                ColumnData::Categorical { .. } => 'C',
            })
            .collect();
        assert_eq!(got, kinds);
    }

    #[test]
    fn reads_and_infers_columns() {
        check("a,b\n1,x\n2.5,y\n", "a,b\n1,x\n2.5,y\n", "NC");
        // A UTF-8 BOM, CRLF line ends, quotes, and no final newline.
        check("\u{feff}a,b\r\n1,\"x, y\"\r\n2,z", "a,b\n1,\"x, y\"\n2,z\n", "NC");
        // Blanks (empty or spaces) are missing in both kinds; a space around a number is ignored.
        check("n,c\n 1 ,a\n  ,\n3, \n", "n,c\n1,a\n,\n3,\n", "NC");
        // TotalCharges-like: numbers and a blank of one space stay numeric.
        check("TotalCharges\n29.85\n \n1889.5\n", "TotalCharges\n29.85\n\n1889.5\n", "N");
        // One text cell makes the column categorical; NaN and inf are text, not numbers.
        check("a,b\n1,NaN\nx,2\n", "a,b\n1,NaN\nx,2\n", "CC");
        // Header names are trimmed; a blank one is named as pandas does; empty lines are skipped.
        check(" a ,\n1,2\n\n3,4\n", "a,Unnamed: 1\n1,2\n3,4\n", "NN");
        // An all-blank column is numeric with nothing in it.
        check("a,b\n,1\n,2\n", "a,b\n,1\n,2\n", "NN");
    }

    #[test]
    fn levels_and_codes() {
        let data = read_csv("t", b"c\nNo\nYes\n\nNo\n").unwrap();
        let column = data.column("c").unwrap();
        assert_eq!(
            column.data,
            ColumnData::Categorical {
                levels: vec!["No".into(), "Yes".into()],
                codes: vec![Some(0), Some(1), Some(0)]
            }
        );
    }

    /// Checks that `bytes` fail to read with `expected`.
    fn check_error(bytes: &[u8], expected: IngestError) {
        assert_eq!(read_csv("bad.csv", bytes), Err(expected));
    }

    #[test]
    fn bad_files_are_errors() {
        check_error(b"", IngestError::Empty);
        check_error(b"\xEF\xBB\xBF \n\n", IngestError::Empty);
        check_error(b"a,b\n", IngestError::HeaderOnly);
        check_error(b"a,b\n1,2\n3\n", IngestError::RaggedRow { line: 3, expected: 2, found: 1 });
        check_error(b"a,b\n1,2\n3,4,5\n", IngestError::RaggedRow { line: 3, expected: 2, found: 3 });
        check_error(b"a,b\n1,2\n3,\xFF\n", IngestError::InvalidUtf8 { line: 3, field: 2 });
        check_error(b"a,\xC3\n", IngestError::InvalidUtf8 { line: 1, field: 2 });
        check_error(
            b"a,b,a\n1,2,3\n",
            IngestError::DuplicateHeader { name: "a".into(), first: 1, second: 3 },
        );
        // A quoted value spanning lines: the ragged row is reported at the line where it starts.
        check_error(b"a,b\n\"x\ny\",1\n2\n", IngestError::RaggedRow { line: 4, expected: 2, found: 1 });
        assert_eq!(
            IngestError::RaggedRow { line: 3, expected: 2, found: 1 }.to_string(),
            "line 3 has 1 fields but the header has 2: fix that row (a comma inside a value needs quotes around \
             the value)"
        );
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_csv("random", &bytes);
        }

        #[test]
        fn csv_like_text_never_panics(text in "[a-c0-9 ,\"\\r\\n.\\-eE\u{feff}é]{0,200}") {
            if let Ok(data) = read_csv("random", text.as_bytes()) {
                prop_assert!(data.n_rows() > 0);
                prop_assert!(data.columns().iter().all(|c| c.len() == data.n_rows()));
            }
        }

        #[test]
        fn written_csv_reads_back(rows in proptest::collection::vec(("[a-z ,\"]{0,6}", -1e6..1e6_f64), 1..20)) {
            let text: String = std::iter::once("t,x\n".to_string())
                .chain(rows.iter().map(|(t, x)| format!("\"{}\",{x}\n", t.replace('"', "\"\""))))
                .collect();
            let data = read_csv("round", text.as_bytes()).unwrap();
            prop_assert_eq!(data.n_rows(), rows.len());
            let again = read_csv("round", data.to_csv().as_bytes()).unwrap();
            prop_assert_eq!(again.to_csv(), data.to_csv());
        }
    }
}
