//! Which character separates the values of a CSV file.
//!
//! Spreadsheet programs write commas, or semicolons where the comma is the decimal mark, or tabs; some
//! exports use `|`. [`detect`] parses the first lines with each of the four (quotes respected, so a comma
//! inside a quoted value does not count) and keeps the one that splits every line into the same number of
//! fields, at least two; among several, the one giving the most fields, and on a tie the first of
//! `,` `;` tab `|`.

use super::IngestError;

/// The delimiters tried, in order of preference.
pub const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How many records of the file's start the detection looks at.
const SAMPLE_RECORDS: usize = 20;

/// How many bytes of the file's start the detection looks at.
const SAMPLE_BYTES: usize = 64 * 1024;

/// Bytes that may separate values in an export this reader does not know (reported, not used).
const OTHER_SEPARATORS: &[u8] = b": ~^#/\\!&*=@$%";

/// The delimiter of `bytes` (a CSV file without its byte-order mark): see the module documentation.
///
/// When no candidate gives two fields or more on the first line, the file is one column, unless every
/// one of the first lines (two or more) holds another separator-like character the same number of times,
/// such as `:` or a space: that is an [`IngestError::UnknownDelimiter`] naming it.
pub fn detect(bytes: &[u8]) -> Result<u8, IngestError> {
    let sample = sample(bytes);
    let counts: Vec<(u8, Vec<usize>)> = CANDIDATES.iter().map(|&d| (d, field_counts(sample, d))).collect();
    let consistent = counts
        .iter()
        .filter(|(_, c)| c.first().is_some_and(|&first| first >= 2 && c.iter().all(|&n| n == first)));
    // `max_by_key` keeps the last of equal maxima, so walk the candidates backwards to prefer the first.
    if let Some((d, _)) = consistent.rev().max_by_key(|(_, c)| c.first().copied().unwrap_or(0)) {
        return Ok(*d);
    }
    // No candidate is consistent: the one that splits the header most (the rows will be reported as
    // ragged), or, when none splits it, one column or an unknown separator.
    let widest = counts.iter().rev().max_by_key(|(_, c)| c.first().copied().unwrap_or(0));
    if let Some((d, _)) = widest.filter(|(_, c)| c.first().is_some_and(|&n| n >= 2)) {
        return Ok(*d);
    }
    match other_separator(sample) {
        Some((seen, per_line, lines)) => {
            Err(IngestError::UnknownDelimiter { seen: char::from(seen), per_line, lines })
        }
        None => Ok(b','),
    }
}

/// The start of `bytes`, cut after its last line end when the file is longer than the sample.
fn sample(bytes: &[u8]) -> &[u8] {
    match bytes.get(..SAMPLE_BYTES) {
        Some(start) if bytes.len() > SAMPLE_BYTES => match start.iter().rposition(|&b| b == b'\n') {
            Some(end) => start.get(..end).unwrap_or(start),
            None => start,
        },
        _ => bytes,
    }
}

/// The number of fields of each of the first records of `sample` split by `delimiter`.
fn field_counts(sample: &[u8], delimiter: u8) -> Vec<usize> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(sample);
    let mut record = csv::ByteRecord::new();
    let mut counts = Vec::new();
    while counts.len() < SAMPLE_RECORDS {
        match reader.read_byte_record(&mut record) {
            Ok(true) => counts.push(record.len()),
            Ok(false) | Err(_) => break,
        }
    }
    counts
}

/// A separator-like byte found the same number of times (at least once) on each of the first non-empty
/// lines (at least two), with that number and the number of lines; the most frequent such byte.
fn other_separator(sample: &[u8]) -> Option<(u8, usize, usize)> {
    let lines: Vec<&[u8]> = sample
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .take(SAMPLE_RECORDS)
        .collect();
    if lines.len() < 2 {
        return None;
    }
    OTHER_SEPARATORS
        .iter()
        .filter_map(|&b| {
            let mut per_line = lines.iter().map(|line| line.iter().filter(|&&c| c == b).count());
            let first = per_line.next()?;
            (first > 0 && per_line.all(|n| n == first)).then_some((b, first, lines.len()))
        })
        .rev()
        .max_by_key(|&(_, n, _)| n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    /// Checks the delimiter detected in `text`.
    fn check(text: &str, expected: Result<char, IngestError>) {
        assert_eq!(detect(text.as_bytes()).map(char::from), expected, "{text:?}");
    }

    #[test]
    fn detects_the_four_delimiters() {
        check("a,b,c\n1,2,3\n", Ok(','));
        check("a;b;c\n1,5;2;3\n", Ok(';'));
        check("a\tb\n1\t2\n", Ok('\t'));
        check("a|b\n1|2\n", Ok('|'));
        // Quotes hide a delimiter: two fields by `;`, not three by `,`.
        check("\"x,y\";b\n\"1,2\";3\n", Ok(';'));
        // Both consistent: the one with more fields, then the first in order.
        check("a;b,c\n1;2,3\n", Ok(','));
        check("a;b;c,d\n1;2;3,4\n", Ok(';'));
        // Ragged by every candidate: the one splitting the header most, so the row is reported as ragged.
        check("a,b\n1,2\n3\n", Ok(','));
        // One column, with a space in its name.
        check("Total Charges\n29.85\n\n1889.5\n", Ok(','));
        check("x\n", Ok(','));
        check("", Ok(','));
    }

    #[test]
    fn an_unknown_separator_is_named() {
        check(
            "a:b:c\n1:2:3\n4:5:6\n",
            Err(IngestError::UnknownDelimiter { seen: ':', per_line: 2, lines: 3 }),
        );
        check("a b\n1 2\n", Err(IngestError::UnknownDelimiter { seen: ' ', per_line: 1, lines: 2 }));
        assert_eq!(
            IngestError::UnknownDelimiter { seen: ':', per_line: 2, lines: 3 }.to_string(),
            "the values seem to be separated by `:` (2 on each of the first 3 lines), which is not a CSV \
             delimiter: save the file with commas, semicolons, tabs or `|` between values"
        );
    }

    #[test]
    fn a_long_file_is_sampled_at_a_line_end() {
        let mut text = String::from("a;b\n");
        while text.len() < SAMPLE_BYTES + 100 {
            text.push_str("1;2\n");
        }
        assert!(sample(text.as_bytes()).len() < SAMPLE_BYTES);
        check(&text, Ok(';'));
    }
}
