//! Reading a user's CSV file into a [`Dataset`], and checking that it can train a churn model.
//!
//! Two entry points:
//!
//! - [`read_csv`] (and [`read_csv_with_progress`]) reads bytes into a data set, inferring column types;
//! - [`ingest`] does that and then looks at what the columns are for: a [`SchemaColumn`] per column
//!   (numeric, categorical or binary; feature, target, identifier or empty), the target checked (two
//!   classes, no blanks), the blank numeric cells reported with their fill ([`BlankReport`]), and the
//!   content digest. Its result is an [`Ingested`].
//!
//! The reader is careful rather than clever: the first row is the header, every row must have as many
//! fields as the header, every field must be UTF-8 (a UTF-8 byte-order mark is skipped), and any failure is
//! an [`IngestError`] that names the line and says what to do. It never panics, whatever the bytes (property
//! tests in `tests/ingest_props.rs` feed it random ones). The delimiter is detected among `,` `;` tab `|`
//! (see [`delimiter`]). Files above [`MAX_BYTES`] are refused before anything is parsed.
//!
//! Column types are inferred after reading: a column is numeric when every non-blank cell parses as a finite
//! `f64`, otherwise categorical. A blank cell (empty, or only spaces and tabs) is a missing value in either
//! kind. Cells are dictionary-encoded while they are read, one code per cell and one string per distinct
//! value, so a large file is not held as millions of small strings.

pub mod delimiter;
pub mod schema;

use std::collections::BTreeMap;

use crate::message::{list, rows_text};

use serde::{Deserialize, Serialize};

pub use schema::{schema, BlankReport, ColumnRole, IdReason, SchemaColumn, SchemaKind};

use crate::dataset::{Column, ColumnData, Dataset, DatasetError};
use crate::ml::Fill;

/// The UTF-8 byte-order mark that spreadsheet programs put in front of a CSV file.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The largest file read, in bytes (100 MB): about 1.2 million Telco rows, far more than a page can train
/// on at an interactive pace. A caller with the file's size in hand can refuse it first with
/// [`check_size`].
pub const MAX_BYTES: usize = 100_000_000;

/// Why bytes are not a data set, or not one a churn model can be trained on.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum IngestError {
    /// More bytes than the limit.
    #[error(
        "the file is {} MB, more than the limit of {} MB: load a sample of its rows instead",
        megabytes(*.bytes),
        megabytes(*.limit)
    )]
    TooLarge {
        /// The file's size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// No bytes, or nothing but white space.
    #[error("the file is empty: choose a CSV file with a header row and data rows")]
    Empty,
    /// A header and no data rows.
    #[error("the file has a header row but no data rows: add rows below the header")]
    HeaderOnly,
    /// Values separated by something other than the four delimiters.
    #[error(
        "the values seem to be separated by `{}` ({per_line} on each of the first {lines} lines), which is not \
         a CSV delimiter: save the file with commas, semicolons, tabs or `|` between values",
        seen.escape_default()
    )]
    UnknownDelimiter {
        /// The character seen.
        seen: char,
        /// How many times it occurs on each line.
        per_line: usize,
        /// How many lines were looked at.
        lines: usize,
    },
    /// A delimiter asked for that cannot separate CSV values.
    #[error("`{}` cannot separate values: choose a comma, a semicolon, a tab or `|`", .delimiter.escape_default())]
    BadDelimiter {
        /// The delimiter asked for.
        delimiter: char,
    },
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
    /// No target asked for, and no `Churn` column.
    #[error("there is no `Churn` column to predict: choose the target column, one of {}", list(.available))]
    NoTarget {
        /// The file's columns (the first few).
        available: Vec<String>,
    },
    /// The target asked for is not a column.
    #[error("there is no column `{column}` to predict: choose the target column, one of {}", list(.available))]
    MissingTarget {
        /// The name asked for.
        column: String,
        /// The file's columns (the first few).
        available: Vec<String>,
    },
    /// Target cells that are blank.
    #[error(
        "the target `{column}` is blank in {count} {} ({}): fill or remove those rows, or choose another target",
        if *.count == 1 { "row" } else { "rows" },
        rows_text(.rows, *.count)
    )]
    BlankTarget {
        /// The target column.
        column: String,
        /// How many cells are blank.
        count: usize,
        /// The first few such rows, counting data rows from 1 (the row under the header is 1).
        rows: Vec<usize>,
    },
    /// A target with a single value.
    #[error(
        "the target `{column}` holds only `{value}`: a classifier needs two classes, so choose another target \
         or add rows of the other class"
    )]
    OneClass {
        /// The target column.
        column: String,
        /// Its only value.
        value: String,
    },
    /// A target with more than two values.
    #[error(
        "the target `{column}` has {count} distinct values ({}{}): choose a column with exactly two, such as \
         yes/no",
        list(.values),
        if *.count > .values.len() { ", ..." } else { "" }
    )]
    TooManyClasses {
        /// The target column.
        column: String,
        /// How many distinct values.
        count: usize,
        /// The first few values, sorted.
        values: Vec<String>,
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

/// `bytes` in megabytes with one decimal, trailing `.0` dropped (`100`, `123.4`).
fn megabytes(bytes: usize) -> String {
    let tenths = (bytes as f64 / 100_000.0).round() / 10.0;
    crate::dataset::format_number(tenths)
}

/// How [`ingest`] reads a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestOptions {
    /// The target column; `None` takes `Churn`, and is an error when there is no such column.
    pub target: Option<String>,
    /// The delimiter; `None` detects it among `,` `;` tab `|`.
    pub delimiter: Option<u8>,
    /// How blank numeric cells will be filled (reported in [`Ingested::blanks`]), default [`Fill::Zero`].
    pub fill: Fill,
    /// The largest file accepted, in bytes, default [`MAX_BYTES`].
    pub max_bytes: usize,
}

impl Default for IngestOptions {
    fn default() -> IngestOptions {
        IngestOptions { target: None, delimiter: None, fill: Fill::Zero, max_bytes: MAX_BYTES }
    }
}

/// A file read and checked: the data set and what its columns are for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ingested {
    /// The data.
    pub dataset: Dataset,
    /// One entry per column, in header order.
    pub schema: Vec<SchemaColumn>,
    /// The numeric feature columns with blank cells, in header order.
    pub blanks: Vec<BlankReport>,
    /// The data set's content digest ([`Dataset::digest`]).
    pub digest: String,
    /// The target column, checked to hold two classes and no blanks.
    pub target: String,
    /// The delimiter the file was read with.
    pub delimiter: char,
}

impl Ingested {
    /// The columns left out of the features, with their roles (identifiers and empty columns).
    pub fn excluded(&self) -> impl Iterator<Item = &SchemaColumn> {
        self.schema.iter().filter(|c| matches!(c.role, ColumnRole::Id { .. } | ColumnRole::Empty))
    }
}

/// Refuses a file of `bytes` bytes above `limit`, before it is read.
pub fn check_size(bytes: usize, limit: usize) -> Result<(), IngestError> {
    if bytes > limit {
        Err(IngestError::TooLarge { bytes, limit })
    } else {
        Ok(())
    }
}

/// Reads a CSV file (`name` is the file name shown to people) into a data set, inferring each column's
/// kind and detecting the delimiter. See the module documentation for the rules and [`IngestError`] for
/// the failures.
pub fn read_csv(name: &str, bytes: &[u8]) -> Result<Dataset, IngestError> {
    read_csv_with_progress(name, bytes, &mut |_| {})
}

/// [`read_csv`], calling `progress` with the share of the bytes read so far (from 0 to 1, at most once per
/// percent, 1 at the end).
pub fn read_csv_with_progress(
    name: &str,
    bytes: &[u8],
    progress: &mut dyn FnMut(f64),
) -> Result<Dataset, IngestError> {
    read(name, bytes, None, MAX_BYTES, progress).map(|(data, _, _)| data)
}

/// Reads and checks a file as `options` say: see the module documentation.
pub fn ingest(name: &str, bytes: &[u8], options: &IngestOptions) -> Result<Ingested, IngestError> {
    ingest_with_progress(name, bytes, options, &mut |_| {})
}

/// [`ingest`], calling `progress` as [`read_csv_with_progress`] does.
pub fn ingest_with_progress(
    name: &str,
    bytes: &[u8],
    options: &IngestOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<Ingested, IngestError> {
    let (dataset, lines, delimiter) = read(name, bytes, options.delimiter, options.max_bytes, progress)?;
    let target = schema::choose_target(&dataset, options.target.as_deref())?;
    schema::check_target(&dataset, &target)?;
    let schema = schema::schema(&dataset, &target);
    let blanks = schema::blank_reports(&dataset, &schema, &lines, options.fill);
    let digest = dataset.digest();
    Ok(Ingested { dataset, schema, blanks, digest, target, delimiter: char::from(delimiter) })
}

/// Reads the data set, with the file line of each data row and the delimiter used.
fn read(
    name: &str,
    bytes: &[u8],
    delimiter: Option<u8>,
    max_bytes: usize,
    progress: &mut dyn FnMut(f64),
) -> Result<(Dataset, Vec<u64>, u8), IngestError> {
    check_size(bytes.len(), max_bytes)?;
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::Empty);
    }
    let delimiter = match delimiter {
        Some(d @ (b'"' | b'\n' | b'\r')) => {
            return Err(IngestError::BadDelimiter { delimiter: char::from(d) })
        }
        Some(d) => d,
        None => delimiter::detect(bytes)?,
    };
    let (columns, lines) = read_columns(bytes, delimiter, progress)?;
    Ok((Dataset::new(name, columns)?, lines, delimiter))
}

/// Reads the header and every row into typed columns, with the line each data row starts on.
fn read_columns(
    bytes: &[u8],
    delimiter: u8,
    progress: &mut dyn FnMut(f64),
) -> Result<(Vec<Column>, Vec<u64>), IngestError> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut header: Option<Vec<String>> = None;
    let mut builders: Vec<ColumnBuilder> = Vec::new();
    let mut lines: Vec<u64> = Vec::new();
    let total = bytes.len().max(1) as u64;
    let mut percent = 0;
    progress(0.0);
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
        let Some(names) = &header else {
            let fields: Vec<String> = decode(&record, line)?.into_iter().map(str::to_string).collect();
            let names = header_names(fields)?;
            builders = names.iter().map(|_| ColumnBuilder::default()).collect();
            header = Some(names);
            continue;
        };
        if record.len() != names.len() {
            return Err(IngestError::RaggedRow { line, expected: names.len(), found: record.len() });
        }
        for ((builder, cell), name) in builders.iter_mut().zip(decode(&record, line)?).zip(names) {
            builder.push(cell, name)?;
        }
        lines.push(line);
        let now = reader.position().byte().saturating_mul(100) / total;
        if now > percent {
            percent = now.min(100);
            progress(percent as f64 / 100.0);
        }
    }
    let Some(names) = header else { return Err(IngestError::Empty) };
    if lines.is_empty() {
        return Err(IngestError::HeaderOnly);
    }
    if percent < 100 {
        progress(1.0);
    }
    let columns = names.into_iter().zip(builders).map(|(name, builder)| builder.finish(name)).collect();
    Ok((columns, lines))
}

/// The fields of a record as text, or the first one that is not UTF-8.
fn decode(record: &csv::ByteRecord, line: u64) -> Result<Vec<&str>, IngestError> {
    record
        .iter()
        .enumerate()
        .map(|(i, field)| {
            std::str::from_utf8(field).map_err(|_| IngestError::InvalidUtf8 { line, field: i + 1 })
        })
        .collect()
}

/// The header's names: trimmed, a blank one named `Unnamed: i` (0-based position) as pandas names it, and
/// no name twice.
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

/// One column being read: its distinct texts in first-seen order and a code per cell.
#[derive(Debug, Default)]
struct ColumnBuilder {
    levels: Vec<String>,
    index: BTreeMap<String, u32>,
    codes: Vec<Option<u32>>,
}

impl ColumnBuilder {
    fn push(&mut self, cell: &str, name: &str) -> Result<(), IngestError> {
        if is_blank(cell) {
            self.codes.push(None);
            return Ok(());
        }
        let code = match self.index.get(cell) {
            Some(&code) => code,
            None => {
                let code = u32::try_from(self.levels.len())
                    .map_err(|_| IngestError::TooManyLevels { column: name.to_string() })?;
                self.index.insert(cell.to_string(), code);
                self.levels.push(cell.to_string());
                code
            }
        };
        self.codes.push(Some(code));
        Ok(())
    }

    /// The typed column: numeric when every distinct text is a number, otherwise categorical.
    fn finish(self, name: String) -> Column {
        let numbers: Option<Vec<f64>> = self.levels.iter().map(|level| parse_number(level)).collect();
        match numbers {
            Some(numbers) => {
                let values =
                    self.codes.iter().map(|c| c.and_then(|c| numbers.get(c as usize).copied())).collect();
                Column { name, data: ColumnData::Numeric(values) }
            }
            None => Column { name, data: ColumnData::Categorical { levels: self.levels, codes: self.codes } },
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use std::fmt::Write as _;

    use expect_test::{expect, Expect};

    use super::*;

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
    fn reads_other_delimiters() {
        // Semicolons (a comma inside a value is then just a character), tabs, pipes; with a BOM.
        check("\u{feff}a;b\n1;x,y\n2;z\n", "a,b\n1,\"x,y\"\n2,z\n", "NC");
        check("a\tb\n1\t\n2\tz\n", "a,b\n1,\n2,z\n", "NC");
        check("a|b|c\n1|2|3\n", "a,b,c\n1,2,3\n", "NNN");
        let options =
            IngestOptions { delimiter: Some(b';'), target: Some("b".into()), ..IngestOptions::default() };
        let got = ingest("t", b"a;b\n1,5;x\n2;y\n", &options).unwrap();
        assert_eq!((got.delimiter, got.dataset.to_csv()), (';', "a,b\n\"1,5\",x\n2,y\n".to_string()));
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
        check_error(b"a;b\n\n", IngestError::HeaderOnly);
        check_error(b"a,b\n1,2\n3\n", IngestError::RaggedRow { line: 3, expected: 2, found: 1 });
        check_error(b"a,b\n1,2\n3,4,5\n", IngestError::RaggedRow { line: 3, expected: 2, found: 3 });
        check_error(b"a;b\n1;2\n3;4\n5\n", IngestError::RaggedRow { line: 4, expected: 2, found: 1 });
        check_error(b"a,b\n1,2\n3,\xFF\n", IngestError::InvalidUtf8 { line: 3, field: 2 });
        check_error(b"a,\xC3\n", IngestError::InvalidUtf8 { line: 1, field: 2 });
        check_error(b"a\tb\n\xE9t\xE9\t1\n", IngestError::InvalidUtf8 { line: 2, field: 1 });
        check_error(
            b"a,b,a\n1,2,3\n",
            IngestError::DuplicateHeader { name: "a".into(), first: 1, second: 3 },
        );
        // A quoted value spanning lines: the ragged row is reported at the line where it starts.
        check_error(b"a,b\n\"x\ny\",1\n2\n", IngestError::RaggedRow { line: 4, expected: 2, found: 1 });
        check_error(b"a:b\n1:2\n", IngestError::UnknownDelimiter { seen: ':', per_line: 1, lines: 2 });
        assert_eq!(
            IngestError::RaggedRow { line: 3, expected: 2, found: 1 }.to_string(),
            "line 3 has 1 fields but the header has 2: fix that row (a comma inside a value needs quotes around \
             the value)"
        );
        let options = IngestOptions { delimiter: Some(b'"'), ..IngestOptions::default() };
        assert_eq!(ingest("q", b"a\n1\n", &options), Err(IngestError::BadDelimiter { delimiter: '"' }));
    }

    #[test]
    fn large_files_are_refused_before_reading() {
        let options = IngestOptions { max_bytes: 10, ..IngestOptions::default() };
        assert_eq!(
            ingest("big", b"a,Churn\n1,No\n2,Yes\n", &options),
            Err(IngestError::TooLarge { bytes: 19, limit: 10 })
        );
        assert_eq!(check_size(MAX_BYTES, MAX_BYTES), Ok(()));
        assert_eq!(
            check_size(123_456_789, MAX_BYTES).unwrap_err().to_string(),
            "the file is 123.5 MB, more than the limit of 100 MB: load a sample of its rows instead"
        );
    }

    #[test]
    fn progress_rises_to_one() {
        let text = crate::telco::generate(300, 2).to_csv();
        let mut seen = Vec::new();
        let data = read_csv_with_progress("t", text.as_bytes(), &mut |p| seen.push(p)).unwrap();
        assert_eq!(data.n_rows(), 300);
        assert_eq!(seen.first(), Some(&0.0));
        assert_eq!(seen.last(), Some(&1.0));
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
        assert!(seen.len() > 50 && seen.len() <= 101, "{}", seen.len());
    }

    /// The schema as a table: name, kind, role, missing, distinct.
    fn schema_table(ingested: &Ingested) -> String {
        let mut out = String::new();
        for c in &ingested.schema {
            let role = match &c.role {
                ColumnRole::Id { reason } => format!("id: {reason}"),
                other => format!("{other:?}").to_lowercase(),
            };
            let _ = writeln!(
                out,
                "{:<14} {:<12} missing {:<2} distinct {:<3} {role}",
                c.name,
                format!("{:?}", c.kind),
                c.missing,
                c.distinct
            );
        }
        for blank in &ingested.blanks {
            let _ = writeln!(out, "{blank}");
        }
        out
    }

    /// Ingests `text` with `options` and checks the schema table.
    fn check_schema(text: &str, options: IngestOptions, expected: Expect) {
        let ingested = ingest("t.csv", text.as_bytes(), &options).unwrap();
        assert_eq!(ingested.digest, ingested.dataset.digest());
        expected.assert_eq(&schema_table(&ingested));
    }

    const TELCO_LIKE: &str = "\
customerID,gender,SeniorCitizen,tenure,Contract,TotalCharges,Notes,Churn
A-1,Male,0,0,Month-to-month, ,,No
A-2,Female,1,12,One year,840.5,,No
A-3,Female,0,3,Month-to-month,150,,Yes
A-4,Male,0,0,Two year,,,No
A-5,Male,1,40,Month-to-month,3000.25,,Yes
A-6,Female,0,5,Two year,310,,No
";

    #[test]
    fn schema_roles_and_blank_reports() {
        check_schema(
            TELCO_LIKE,
            IngestOptions::default(),
            expect![[r#"
                customerID     Categorical  missing 0  distinct 6   id: all 6 values are different, as in a customer number: a model cannot learn from it, so it is left out of the features
                gender         Binary       missing 0  distinct 2   feature
                SeniorCitizen  Binary       missing 0  distinct 2   feature
                tenure         Numeric      missing 0  distinct 5   feature
                Contract       Categorical  missing 0  distinct 3   feature
                TotalCharges   Numeric      missing 2  distinct 4   feature
                Notes          Numeric      missing 6  distinct 0   empty
                Churn          Binary       missing 0  distinct 2   target
                column `TotalCharges` is blank in 2 rows (rows 1, 4), exactly the rows where `tenure` is 0: filled with 0
            "#]],
        );
        check_schema(
            TELCO_LIKE,
            IngestOptions { fill: Fill::Median, target: Some("gender".into()), ..IngestOptions::default() },
            expect![[r#"
                customerID     Categorical  missing 0  distinct 6   id: all 6 values are different, as in a customer number: a model cannot learn from it, so it is left out of the features
                gender         Binary       missing 0  distinct 2   target
                SeniorCitizen  Binary       missing 0  distinct 2   feature
                tenure         Numeric      missing 0  distinct 5   feature
                Contract       Categorical  missing 0  distinct 3   feature
                TotalCharges   Numeric      missing 2  distinct 4   feature
                Notes          Numeric      missing 6  distinct 0   empty
                Churn          Binary       missing 0  distinct 2   feature
                column `TotalCharges` is blank in 2 rows (rows 1, 4), exactly the rows where `tenure` is 0: filled with the median of the training rows (575.25 over the whole file)
            "#]],
        );
        let ingested = ingest("t.csv", TELCO_LIKE.as_bytes(), &IngestOptions::default()).unwrap();
        assert_eq!(ingested.blanks[0].lines, [2, 5]);
        assert_eq!(ingested.target, "Churn");
        let excluded: Vec<&str> = ingested.excluded().map(|c| c.name.as_str()).collect();
        assert_eq!(excluded, ["customerID", "Notes"]);
    }

    /// Checks that ingesting `text` with target `target` fails with `expected`, whose message is `message`.
    fn check_target_error(text: &str, target: Option<&str>, expected: IngestError, message: &str) {
        let options = IngestOptions { target: target.map(str::to_string), ..IngestOptions::default() };
        let error = ingest("t.csv", text.as_bytes(), &options).unwrap_err();
        assert_eq!(error, expected);
        assert_eq!(error.to_string(), message);
    }

    #[test]
    fn target_errors_say_what_to_choose() {
        check_target_error(
            "a,b\n1,x\n2,y\n",
            None,
            IngestError::NoTarget { available: vec!["a".into(), "b".into()] },
            "there is no `Churn` column to predict: choose the target column, one of `a`, `b`",
        );
        check_target_error(
            "a,b\n1,x\n2,y\n",
            Some("churn"),
            IngestError::MissingTarget { column: "churn".into(), available: vec!["a".into(), "b".into()] },
            "there is no column `churn` to predict: choose the target column, one of `a`, `b`",
        );
        check_target_error(
            "a,Churn\n1,No\n2,No\n",
            None,
            IngestError::OneClass { column: "Churn".into(), value: "No".into() },
            "the target `Churn` holds only `No`: a classifier needs two classes, so choose another target or add \
             rows of the other class",
        );
        check_target_error(
            "a,Churn\n1,No\n2,Yes\n3,Maybe\n",
            None,
            IngestError::TooManyClasses {
                column: "Churn".into(),
                count: 3,
                values: vec!["Maybe".into(), "No".into(), "Yes".into()],
            },
            "the target `Churn` has 3 distinct values (`Maybe`, `No`, `Yes`): choose a column with exactly two, \
             such as yes/no",
        );
        check_target_error(
            "a,b\n1,x\n2,y\n3,z\n10,w\n4,v\n5,u\n6,t\n",
            Some("a"),
            IngestError::TooManyClasses {
                column: "a".into(),
                count: 7,
                values: ["1", "2", "3", "4", "5"].map(String::from).to_vec(),
            },
            "the target `a` has 7 distinct values (`1`, `2`, `3`, `4`, `5`, ...): choose a column with exactly two, \
             such as yes/no",
        );
        check_target_error(
            "a,Churn\n1,No\n2,\n3,Yes\n",
            None,
            IngestError::BlankTarget { column: "Churn".into(), count: 1, rows: vec![2] },
            "the target `Churn` is blank in 1 row (row 2): fill or remove those rows, or choose another target",
        );
    }

    #[test]
    fn synthetic_telco_ingests_with_tenure_zero_blanks() {
        let text = crate::telco::generate(2000, 7).to_csv();
        let ingested = ingest("synthetic.csv", text.as_bytes(), &IngestOptions::default()).unwrap();
        assert_eq!(ingested.dataset.n_rows(), 2000);
        let role = |name: &str| ingested.schema.iter().find(|c| c.name == name).map(|c| c.role.clone());
        assert!(matches!(role("customerID"), Some(ColumnRole::Id { .. })));
        assert_eq!(role("Churn"), Some(ColumnRole::Target));
        for blank in &ingested.blanks {
            assert_eq!((blank.column.as_str(), blank.zero_in.as_deref()), ("TotalCharges", Some("tenure")));
        }
    }
}
