//! Data-quality checks of a batch against the model's signature (the checks Evidently's data-quality
//! tests and a serving endpoint make before trusting a batch): every input column present and of its
//! type, its missing values, categories the model never saw in training, and numbers outside the range
//! the reference data held.
//!
//! The signature ([`Signature`]) names the inputs, their types and the training levels of each category;
//! it does not record numeric ranges, so those come from a reference data set ([`reference_ranges`]),
//! usually the training data.

use serde::{Deserialize, Serialize};

use crate::dataset::{ColumnData, Dataset};
use crate::serving::{ColType, Signature};

/// The range a numeric input held in the reference data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnRange {
    /// The column's name.
    pub column: String,
    /// Its smallest finite reference value.
    pub min: f64,
    /// Its largest finite reference value.
    pub max: f64,
}

/// The range of every numeric input of `signature` in `reference` (columns that are absent, not numeric,
/// or without a finite value are left out, and so are not range-checked).
pub fn reference_ranges(reference: &Dataset, signature: &Signature) -> Vec<ColumnRange> {
    signature
        .inputs
        .iter()
        .filter(|spec| spec.kind == ColType::Double)
        .filter_map(|spec| {
            let ColumnData::Numeric(values) = &reference.column(&spec.name)?.data else {
                return None;
            };
            let finite = values.iter().flatten().copied().filter(|x| x.is_finite());
            let (min, max) = finite.fold(None, |acc: Option<(f64, f64)>, x| match acc {
                None => Some((x, x)),
                Some((lo, hi)) => Some((lo.min(x), hi.max(x))),
            })?;
            Some(ColumnRange { column: spec.name.clone(), min, max })
        })
        .collect()
}

/// Whether a signature's column arrived as the model needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum ColumnStatus {
    /// Present, of the signature's type.
    Ok,
    /// Not in the batch: every row lacks it.
    Absent,
    /// Present but of the other type (numbers where the signature has text, or text where it has
    /// numbers: a unit or format change upstream).
    WrongType {
        /// The signature's type.
        expected: ColType,
    },
}

/// A category the model never saw in training, and how often it came.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnseenCategory {
    /// The value.
    pub value: String,
    /// Its rows in the batch.
    pub count: usize,
}

/// One input column's quality in a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnQuality {
    /// The column's name.
    pub column: String,
    /// Whether it arrived as the model needs it.
    pub status: ColumnStatus,
    /// Rows without a value (blank, or a number that is not finite); every row when the column is absent.
    pub missing: usize,
    /// `missing` over the batch's rows (0 for an empty batch).
    pub missing_share: f64,
    /// Categories not among the signature's training levels, most frequent first (then by value).
    pub unseen: Vec<UnseenCategory>,
    /// Rows holding one of them, over the batch's rows.
    pub unseen_share: f64,
    /// The accepted range of a number: the reference's, widened by the margin; `None` when not checked.
    pub range: Option<(f64, f64)>,
    /// Rows with a number outside `range`.
    pub out_of_range: usize,
    /// `out_of_range` over the batch's rows.
    pub out_of_range_share: f64,
}

/// The quality of a batch: one entry per signature input, in the signature's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityReport {
    /// The batch's rows.
    pub rows: usize,
    /// Per input column.
    pub columns: Vec<ColumnQuality>,
}

impl QualityReport {
    /// The columns with any problem (not [`ColumnStatus::Ok`], or a missing, unseen or out-of-range row).
    pub fn problems(&self) -> impl Iterator<Item = &ColumnQuality> {
        self.columns.iter().filter(|c| {
            c.status != ColumnStatus::Ok || c.missing > 0 || !c.unseen.is_empty() || c.out_of_range > 0
        })
    }
}

/// Checks `batch` against `signature`. Numbers are checked against `ranges` (usually
/// [`reference_ranges`] of the training data), each widened by `margin` times its width on both sides
/// (0: exactly the reference's minimum and maximum; a negative margin counts as 0).
pub fn check_quality(
    batch: &Dataset,
    signature: &Signature,
    ranges: &[ColumnRange],
    margin: f64,
) -> QualityReport {
    let rows = batch.n_rows();
    let share = |k: usize| if rows == 0 { 0.0 } else { k as f64 / rows as f64 };
    let margin = if margin.is_finite() { margin.max(0.0) } else { 0.0 };
    let columns = signature
        .inputs
        .iter()
        .map(|spec| {
            let mut quality = ColumnQuality {
                column: spec.name.clone(),
                status: ColumnStatus::Ok,
                missing: 0,
                missing_share: 0.0,
                unseen: Vec::new(),
                unseen_share: 0.0,
                range: None,
                out_of_range: 0,
                out_of_range_share: 0.0,
            };
            let Some(column) = batch.column(&spec.name) else {
                quality.status = ColumnStatus::Absent;
                quality.missing = rows;
                quality.missing_share = share(rows);
                return quality;
            };
            match (&column.data, spec.kind) {
                (ColumnData::Numeric(values), ColType::Double) => {
                    quality.missing = values.iter().filter(|v| !v.is_some_and(f64::is_finite)).count();
                    if let Some(range) = ranges.iter().find(|r| r.column == spec.name) {
                        let pad = (range.max - range.min) * margin;
                        let (lo, hi) = (range.min - pad, range.max + pad);
                        quality.range = Some((lo, hi));
                        quality.out_of_range = values
                            .iter()
                            .flatten()
                            .filter(|x| x.is_finite() && (**x < lo || **x > hi))
                            .count();
                    }
                }
                (ColumnData::Categorical { levels, codes }, ColType::String) => {
                    quality.missing = codes.iter().filter(|c| c.is_none()).count();
                    let mut per_level = vec![0usize; levels.len()];
                    for &code in codes.iter().flatten() {
                        if let Some(count) = per_level.get_mut(code as usize) {
                            *count += 1;
                        }
                    }
                    let mut unseen: Vec<UnseenCategory> = levels
                        .iter()
                        .zip(per_level)
                        .filter(|(level, count)| *count > 0 && !spec.levels.contains(level))
                        .map(|(level, count)| UnseenCategory { value: level.clone(), count })
                        .collect();
                    unseen.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                    quality.unseen_share = share(unseen.iter().map(|u| u.count).sum());
                    quality.unseen = unseen;
                }
                (data, expected) => {
                    quality.status = ColumnStatus::WrongType { expected };
                    quality.missing = match data {
                        ColumnData::Numeric(values) => {
                            values.iter().filter(|v| !v.is_some_and(f64::is_finite)).count()
                        }
                        ColumnData::Categorical { codes, .. } => codes.iter().filter(|c| c.is_none()).count(),
                    };
                }
            }
            quality.missing_share = share(quality.missing);
            quality.out_of_range_share = share(quality.out_of_range);
            quality
        })
        .collect();
    QualityReport { rows, columns }
}
