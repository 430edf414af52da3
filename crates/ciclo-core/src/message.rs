//! Helpers that the core's error messages share, so every message lists values and rows the same way.

use std::fmt::Write as _;

/// How many row numbers or values a message lists before saying how many more there are.
pub(crate) const LISTED: usize = 5;

/// `a`, `b`, `c`, ... quoted and comma-separated.
pub(crate) fn list(values: &[String]) -> String {
    values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}

/// `row 3`, `rows 3, 9, 12` or `rows 3, 9, 12, 20, 31 and 6 more`.
pub(crate) fn rows_text(rows: &[usize], count: usize) -> String {
    let mut text = String::from(if count == 1 { "row " } else { "rows " });
    text.push_str(&rows.iter().map(usize::to_string).collect::<Vec<_>>().join(", "));
    if count > rows.len() {
        let _ = write!(text, " and {} more", count - rows.len());
    }
    text
}
