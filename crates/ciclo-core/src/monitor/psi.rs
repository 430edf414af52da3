//! The population stability index: `PSI = Σ (r_i − c_i) ln(r_i / c_i)` over bins, with `r_i` and `c_i`
//! the reference's and the current sample's shares of bin `i`. Credit scoring's rule of thumb reads it in
//! three bands: below 0.1 stable, 0.1 to 0.25 a moderate shift, 0.25 and above significant.
//!
//! Bins, as Evidently's `psi` stattest (`get_binned_data`):
//! - a numeric column with more than 20 distinct reference values is cut into ranges; a category, or a
//!   number with at most 20 distinct reference values, is one bin per value (over both samples);
//! - an empty bin's share becomes 0.0001 (or a millionth of the smallest non-zero share, when that is at
//!   most 0.0001) on its own side, so the logarithm stays finite;
//! - missing and infinite values are left out.
//!
//! The ranges are [`PsiBinning::ReferenceQuantiles`] by default: ten bins at the reference's deciles
//! (NumPy's `quantile`, linear interpolation), which every bin of the reference fills to about a tenth,
//! the classic PSI; values beyond the reference's range fall in the first or last bin. Evidently's own
//! code uses [`PsiBinning::Sturges`] instead: `⌈log₂ n + 1⌉` equal-width bins over both samples' range
//! (NumPy's `histogram_bin_edges(..., bins="sturges")`), whose edges move with the current sample and
//! which, on a skewed column, put most of the reference in a few bins. Both are cross-checked against
//! NumPy by `tests/peers/drift_parity.py`.

use serde::{Deserialize, Serialize};

use crate::dataset::{Column, ColumnData};

use super::drift::Counts;
use super::{MonitorError, Side};

/// The PSI's rule-of-thumb bands, in increasing order of concern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PsiBand {
    /// PSI below 0.1: no meaningful change.
    Stable,
    /// PSI from 0.1 to 0.25: a moderate shift, worth a look.
    Moderate,
    /// PSI of 0.25 or more: a significant shift.
    Significant,
}

impl PsiBand {
    /// Where the upper band begins.
    pub const SIGNIFICANT: f64 = 0.25;
    /// Where the middle band begins.
    pub const MODERATE: f64 = 0.1;

    /// The band of a PSI value.
    pub fn of(psi: f64) -> PsiBand {
        if psi >= Self::SIGNIFICANT {
            PsiBand::Significant
        } else if psi >= Self::MODERATE {
            PsiBand::Moderate
        } else {
            PsiBand::Stable
        }
    }
}

/// How numeric columns are cut into bins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum PsiBinning {
    /// At the reference's quantiles: `bins` bins that hold equal shares of the reference (ties can merge
    /// some). The default, with 10 bins (deciles).
    ReferenceQuantiles {
        /// The number of bins.
        bins: usize,
    },
    /// Evidently's code: Sturges' number of equal-width bins over both samples' range.
    Sturges,
}

impl Default for PsiBinning {
    fn default() -> Self {
        PsiBinning::ReferenceQuantiles { bins: 10 }
    }
}

/// What a bin holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Bucket {
    /// Numbers from `lower` (included) to `upper` (excluded; included for the last of Sturges' bins);
    /// `None` is unbounded.
    Range {
        /// The lower edge.
        lower: Option<f64>,
        /// The upper edge.
        upper: Option<f64>,
    },
    /// One value (a category, or a number written as in a CSV).
    Value {
        /// The value.
        value: String,
    },
}

/// One bin of a PSI: its shares on both sides, after empty bins are filled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PsiBin {
    /// What the bin holds.
    pub bucket: Bucket,
    /// The reference's share.
    pub reference: f64,
    /// The current sample's share.
    pub current: f64,
    /// This bin's term of the sum, `(reference − current) ln(reference / current)`, never negative.
    pub contribution: f64,
}

/// The PSI of one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Psi {
    /// The column's name.
    pub column: String,
    /// The index.
    pub psi: f64,
    /// Its band.
    pub band: PsiBand,
    /// The bins, in order.
    pub bins: Vec<PsiBin>,
}

/// More distinct reference values than this make a numeric column ranges rather than values (Evidently).
const MAX_VALUE_BINS: usize = 20;

/// The PSI of column `reference` → `current`. Errors when they are of different kinds, when either has no
/// values, or when quantile binning asks for no bins.
pub fn psi(reference: &Column, current: &Column, binning: PsiBinning) -> Result<Psi, MonitorError> {
    match (&reference.data, &current.data) {
        (ColumnData::Numeric(r), ColumnData::Numeric(c)) => {
            let finite =
                |v: &[Option<f64>]| v.iter().flatten().copied().filter(|x| x.is_finite()).collect::<Vec<_>>();
            numeric_psi(&reference.name, &finite(r), &finite(c), binning)
        }
        (
            ColumnData::Categorical { levels: rl, codes: rc },
            ColumnData::Categorical { levels: cl, codes: cc },
        ) => {
            let labels = |levels: &'_ [String], codes: &[Option<u32>]| -> Vec<String> {
                codes.iter().flatten().filter_map(|&c| levels.get(c as usize).cloned()).collect()
            };
            let (r, c) = (labels(rl, rc), labels(cl, cc));
            let r: Vec<&str> = r.iter().map(String::as_str).collect();
            let c: Vec<&str> = c.iter().map(String::as_str).collect();
            check(r.len(), c.len())?;
            Ok(from_counts(&reference.name, Counts::of_labels(&r, &c)))
        }
        _ => Err(MonitorError::KindMismatch {
            column: reference.name.clone(),
            reference: kind_of(reference),
            current: kind_of(current),
        }),
    }
}

fn kind_of(column: &Column) -> super::drift::ValueKind {
    match column.data {
        ColumnData::Numeric(_) => super::drift::ValueKind::Numeric,
        ColumnData::Categorical { .. } => super::drift::ValueKind::Categorical,
    }
}

fn check(reference: usize, current: usize) -> Result<(), MonitorError> {
    if reference == 0 {
        return Err(MonitorError::EmptySample { side: Side::Reference });
    }
    if current == 0 {
        return Err(MonitorError::EmptySample { side: Side::Current });
    }
    Ok(())
}

/// The PSI of a numeric column named `column` given as two samples (non-finite values left out). Errors
/// when either sample has no finite values, or when quantile binning asks for no bins.
pub fn numeric_psi(
    column: &str,
    reference: &[f64],
    current: &[f64],
    binning: PsiBinning,
) -> Result<Psi, MonitorError> {
    let sorted = |values: &[f64]| {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_unstable_by(f64::total_cmp);
        v
    };
    let (r, c) = (sorted(reference), sorted(current));
    check(r.len(), c.len())?;
    let mut distinct = r.clone();
    distinct.dedup_by(|x, y| x == y);
    if distinct.len() <= MAX_VALUE_BINS {
        return Ok(from_counts(column, Counts::of_numbers(&r, &c)));
    }
    // Inner edges: a value's bin is the number of inner edges at or below it.
    let (inner, outer) = match binning {
        PsiBinning::ReferenceQuantiles { bins } => {
            if bins == 0 {
                return Err(MonitorError::NoBins);
            }
            let mut edges: Vec<f64> = (1..bins).map(|i| quantile(&r, i as f64 / bins as f64)).collect();
            edges.dedup_by(|x, y| x == y);
            (edges, None)
        }
        PsiBinning::Sturges => {
            let edges = sturges_edges(&r, &c);
            let inner = edges.get(1..edges.len().saturating_sub(1)).unwrap_or_default().to_vec();
            (inner, Some((edges.first().copied(), edges.last().copied())))
        }
    };
    let count = |values: &[f64]| {
        let mut counts = vec![0usize; inner.len() + 1];
        for &v in values {
            let bin = inner.partition_point(|&edge| edge <= v);
            if let Some(slot) = counts.get_mut(bin) {
                *slot += 1;
            }
        }
        counts
    };
    let (rc, cc) = (count(&r), count(&c));
    let buckets = (0..=inner.len())
        .map(|i| {
            let (first, last) = outer.unwrap_or((None, None));
            let lower = if i == 0 { first } else { inner.get(i - 1).copied() };
            let upper = if i == inner.len() { last } else { inner.get(i).copied() };
            Bucket::Range { lower, upper }
        })
        .collect();
    Ok(finish(column, buckets, &rc, &cc))
}

/// NumPy's `quantile(sorted, q)` with the default linear interpolation, to the bit: the virtual index
/// `(n − 1) q`, and `_lerp`'s two forms on either side of one half.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let virtual_index = (n as f64 - 1.0) * q;
    let previous = libm::floor(virtual_index);
    if virtual_index >= n as f64 - 1.0 {
        return sorted.last().copied().unwrap_or(f64::NAN);
    }
    let below = sorted.get(previous as usize).copied().unwrap_or(f64::NAN);
    let above = sorted.get(previous as usize + 1).copied().unwrap_or(below);
    let t = virtual_index - previous;
    let diff = above - below;
    if t >= 0.5 {
        above - diff * (1.0 - t)
    } else {
        below + diff * t
    }
}

/// NumPy's `histogram_bin_edges(concat(reference, current), bins="sturges")`: `⌈ptp / width⌉` bins of
/// width `ptp / (log₂ n + 1)` from the smallest to the largest value (`linspace`, the last edge set to the
/// maximum).
fn sturges_edges(reference: &[f64], current: &[f64]) -> Vec<f64> {
    let first = reference.first().copied().unwrap_or(0.0).min(current.first().copied().unwrap_or(0.0));
    let last = reference.last().copied().unwrap_or(0.0).max(current.last().copied().unwrap_or(0.0));
    let (first, last) = if first == last { (first - 0.5, last + 0.5) } else { (first, last) };
    let n = (reference.len() + current.len()) as f64;
    let delta = last - first;
    let width = delta / (libm::log2(n) + 1.0);
    let bins = if width > 0.0 { (libm::ceil(delta / width) as usize).max(1) } else { 1 };
    let step = delta / bins as f64;
    let mut edges: Vec<f64> = (0..=bins).map(|i| i as f64 * step + first).collect();
    if let Some(end) = edges.last_mut() {
        *end = last;
    }
    edges
}

/// One bin per value.
fn from_counts(column: &str, counts: Counts) -> Psi {
    let buckets = counts.labels.into_iter().map(|value| Bucket::Value { value }).collect();
    finish(column, buckets, &counts.reference, &counts.current)
}

/// The shares (empty bins filled as Evidently does) and the index.
fn finish(column: &str, buckets: Vec<Bucket>, reference: &[usize], current: &[usize]) -> Psi {
    let (r, c) = (shares(reference), shares(current));
    let bins: Vec<PsiBin> = buckets
        .into_iter()
        .zip(r.iter().zip(&c))
        .map(|(bucket, (&reference, &current))| PsiBin {
            bucket,
            reference,
            current,
            contribution: (reference - current) * libm::log(reference / current),
        })
        .collect();
    let psi: f64 = bins.iter().map(|b| b.contribution).sum();
    Psi { column: column.to_string(), psi, band: PsiBand::of(psi), bins }
}

/// Counts as shares of their total, zeros replaced by 0.0001 or by a millionth of the smallest non-zero
/// share when that is at most 0.0001 (Evidently's `feel_zeroes`).
fn shares(counts: &[usize]) -> Vec<f64> {
    let total: usize = counts.iter().sum();
    let mut shares: Vec<f64> = counts.iter().map(|&k| k as f64 / total.max(1) as f64).collect();
    let smallest = shares.iter().copied().filter(|&s| s != 0.0).fold(f64::INFINITY, f64::min);
    let fill = if smallest <= 0.0001 { smallest / 1e6 } else { 0.0001 };
    for share in &mut shares {
        if *share == 0.0 {
            *share = fill;
        }
    }
    shares
}
