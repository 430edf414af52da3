//! Per-column and data-set drift with Evidently's default methods.
//!
//! Evidently (the *Data drift algorithm* page of its documentation; in code,
//! `evidently.legacy.calculations.stattests.registry._get_default_stattest`) picks a method from the
//! size of the reference and the kind of the column, after dropping missing and infinite values:
//!
//! | reference rows | column                                   | method                       | drift when |
//! |----------------|------------------------------------------|------------------------------|------------|
//! | ≤ 1,000        | numeric, more than 5 distinct values     | Kolmogorov–Smirnov           | p < 0.05   |
//! | ≤ 1,000        | categorical (or numeric with ≤ 5), > 2   | chi-square                   | p < 0.05   |
//! | ≤ 1,000        | categorical (or numeric with ≤ 5), ≤ 2   | two-proportion Z-test        | p < 0.05   |
//! | > 1,000        | numeric, more than 5 distinct values     | Wasserstein / reference std  | ≥ 0.1      |
//! | > 1,000        | categorical (or numeric with ≤ 5)        | Jensen–Shannon distance      | ≥ 0.1      |
//!
//! Distinct values are counted over both samples together (pandas' `nunique` of the concatenation). A
//! data set drifts when at least half of the columns tested drift. [`ColumnDrift::reason`] names the row
//! of the table that applied, so the page can say why in its own words.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dataset::{Column, ColumnData, Dataset};

use super::ks::ks_sorted;
use super::stattest::{
    chi_square_drift, jensen_shannon, population_std, proportion_z_test, wasserstein_sorted,
};
use super::{MonitorError, Side};

/// The kind of a column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// Numbers.
    Numeric,
    /// Categories.
    Categorical,
}

/// A drift method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftMethod {
    /// The two-sample Kolmogorov–Smirnov test (score: its p-value), [`super::ks::ks_2samp`].
    KolmogorovSmirnov,
    /// The chi-square test of the current counts against the reference proportions (score: its
    /// p-value), [`super::stattest::chi_square_drift`].
    ChiSquare,
    /// The two-proportion Z-test (score: its p-value), [`super::stattest::proportion_z_test`].
    ZTest,
    /// The Wasserstein distance divided by the reference's standard deviation (score: that ratio),
    /// [`super::stattest::wasserstein_distance`].
    Wasserstein,
    /// The Jensen–Shannon distance between the category shares (score: the distance),
    /// [`super::stattest::jensen_shannon`].
    JensenShannon,
}

impl DriftMethod {
    /// Whether the score is a p-value (drift when below the threshold) rather than a distance (drift
    /// when at or above it).
    pub fn is_p_value(self) -> bool {
        matches!(self, DriftMethod::KolmogorovSmirnov | DriftMethod::ChiSquare | DriftMethod::ZTest)
    }

    /// Evidently's name for the method (`stattest` option).
    pub fn evidently_name(self) -> &'static str {
        match self {
            DriftMethod::KolmogorovSmirnov => "ks",
            DriftMethod::ChiSquare => "chisquare",
            DriftMethod::ZTest => "z",
            DriftMethod::Wasserstein => "wasserstein",
            DriftMethod::JensenShannon => "jensenshannon",
        }
    }
}

/// Why a method was chosen: the row of Evidently's table that applied (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A small reference (at most [`DriftOptions::small_reference`] values) of numbers with more than
    /// [`DriftOptions::few_values`] distinct values: Kolmogorov–Smirnov.
    SmallNumeric,
    /// A small reference of categories (or of numbers with few distinct values), more than two: chi-square.
    SmallCategorical,
    /// A small reference with at most two distinct values: Z-test.
    SmallBinary,
    /// A large reference of numbers with many distinct values: Wasserstein.
    LargeNumeric,
    /// A large reference of categories (or of numbers with few distinct values): Jensen–Shannon.
    LargeCategorical,
}

/// Evidently's defaults, each settable.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DriftOptions {
    /// A reference of at most this many values is small (statistical tests); larger, distances. 1,000.
    pub small_reference: usize,
    /// Numbers with at most this many distinct values are treated as categories. 5.
    pub few_values: usize,
    /// Tests flag drift when their p-value is below this. 0.05.
    pub p_value: f64,
    /// The normed Wasserstein distance flags drift at or above this. 0.1.
    pub wasserstein: f64,
    /// The Jensen–Shannon distance flags drift at or above this. 0.1.
    pub jensen_shannon: f64,
    /// The data set drifts when at least this share of its tested columns drift. 0.5.
    pub drift_share: f64,
}

impl Default for DriftOptions {
    fn default() -> Self {
        DriftOptions {
            small_reference: 1000,
            few_values: 5,
            p_value: 0.05,
            wasserstein: 0.1,
            jensen_shannon: 0.1,
            drift_share: 0.5,
        }
    }
}

impl DriftOptions {
    /// The threshold of `method`.
    pub fn threshold(&self, method: DriftMethod) -> f64 {
        match method {
            DriftMethod::KolmogorovSmirnov | DriftMethod::ChiSquare | DriftMethod::ZTest => self.p_value,
            DriftMethod::Wasserstein => self.wasserstein,
            DriftMethod::JensenShannon => self.jensen_shannon,
        }
    }

    /// Evidently's choice of method for a reference of `reference_rows` values of `kind` with `distinct`
    /// distinct values in both samples together.
    pub fn choose(&self, reference_rows: usize, kind: ValueKind, distinct: usize) -> (DriftMethod, Reason) {
        let small = reference_rows <= self.small_reference;
        let continuous = kind == ValueKind::Numeric && distinct > self.few_values;
        match (small, continuous) {
            (true, true) => (DriftMethod::KolmogorovSmirnov, Reason::SmallNumeric),
            (true, false) if distinct > 2 => (DriftMethod::ChiSquare, Reason::SmallCategorical),
            (true, false) => (DriftMethod::ZTest, Reason::SmallBinary),
            (false, true) => (DriftMethod::Wasserstein, Reason::LargeNumeric),
            (false, false) => (DriftMethod::JensenShannon, Reason::LargeCategorical),
        }
    }
}

/// The drift of one column between a reference and a current sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnDrift {
    /// The column's name.
    pub column: String,
    /// The kind of its values.
    pub kind: ValueKind,
    /// The method applied.
    pub method: DriftMethod,
    /// Why that method.
    pub reason: Reason,
    /// What is compared with the threshold (Evidently's `drift_score`): the p-value of a test, or the
    /// distance.
    pub score: f64,
    /// The method's own statistic where it has one: Kolmogorov–Smirnov's `D`, the chi-square statistic
    /// (`None` when infinite: a category the reference never had), the Z-test's `z`, the Wasserstein
    /// distance before it is divided by the reference's standard deviation (in the column's units).
    /// `None` for Jensen–Shannon, whose score is its statistic.
    pub statistic: Option<f64>,
    /// The threshold the score was compared with.
    pub threshold: f64,
    /// Whether the column drifted: a p-value below its threshold, a distance at or above it.
    pub drifted: bool,
    /// Values compared on the reference side (missing and infinite values left out).
    pub reference_rows: usize,
    /// Values compared on the current side.
    pub current_rows: usize,
    /// Distinct values in both samples together.
    pub distinct: usize,
}

/// A column's non-missing, finite values.
enum Values<'a> {
    Numeric(Vec<f64>),
    Categorical(Vec<&'a str>),
}

impl<'a> Values<'a> {
    fn of(column: &'a Column) -> Values<'a> {
        match &column.data {
            ColumnData::Numeric(values) => {
                Values::Numeric(values.iter().flatten().copied().filter(|x| x.is_finite()).collect())
            }
            ColumnData::Categorical { levels, codes } => Values::Categorical(
                codes.iter().flatten().filter_map(|&c| levels.get(c as usize).map(String::as_str)).collect(),
            ),
        }
    }
}

/// Per-category counts of two samples over the union of their categories, in order.
pub(super) struct Counts {
    /// The categories (numbers written as in a CSV), sorted (numbers by value).
    pub labels: Vec<String>,
    /// Reference counts per category.
    pub reference: Vec<usize>,
    /// Current counts per category.
    pub current: Vec<usize>,
}

impl Counts {
    /// Counts of two sorted samples of numbers over their distinct values.
    pub(super) fn of_numbers(reference: &[f64], current: &[f64]) -> Counts {
        let mut counts = Counts { labels: Vec::new(), reference: Vec::new(), current: Vec::new() };
        let (mut i, mut j) = (0usize, 0usize);
        loop {
            let next = match (reference.get(i), current.get(j)) {
                (Some(&x), Some(&y)) => x.min(y),
                (Some(&x), None) => x,
                (None, Some(&y)) => y,
                (None, None) => break,
            };
            let (start_i, start_j) = (i, j);
            while reference.get(i).is_some_and(|&x| x <= next) {
                i += 1;
            }
            while current.get(j).is_some_and(|&y| y <= next) {
                j += 1;
            }
            counts.labels.push(crate::dataset::format_number(next));
            counts.reference.push(i - start_i);
            counts.current.push(j - start_j);
        }
        counts
    }

    /// Counts of two samples of labels over their union, labels sorted.
    pub(super) fn of_labels(reference: &[&str], current: &[&str]) -> Counts {
        let mut map: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for &label in reference {
            map.entry(label).or_default().0 += 1;
        }
        for &label in current {
            map.entry(label).or_default().1 += 1;
        }
        let mut counts = Counts { labels: Vec::new(), reference: Vec::new(), current: Vec::new() };
        for (label, (r, c)) in map {
            counts.labels.push(label.to_string());
            counts.reference.push(r);
            counts.current.push(c);
        }
        counts
    }
}

/// The number of distinct values in two sorted samples together.
fn distinct_numbers(a: &[f64], b: &[f64]) -> usize {
    let mut merged: Vec<f64> = a.iter().chain(b).copied().collect();
    merged.sort_unstable_by(f64::total_cmp);
    merged.dedup_by(|x, y| x == y);
    merged.len()
}

/// The drift of column `reference` → `current` (the current column's name is not checked). Missing and
/// infinite values are left out first, as Evidently does. Errors when the two columns are of different
/// kinds or when either has no values left.
pub fn column_drift(
    reference: &Column,
    current: &Column,
    options: &DriftOptions,
) -> Result<ColumnDrift, MonitorError> {
    match (Values::of(reference), Values::of(current)) {
        (Values::Numeric(r), Values::Numeric(c)) => numeric_drift(&reference.name, &r, &c, options),
        (Values::Categorical(r), Values::Categorical(c)) => {
            check_sizes(r.len(), c.len())?;
            let counts = Counts::of_labels(&r, &c);
            counted_drift(&reference.name, ValueKind::Categorical, &counts, options)
        }
        (r, c) => Err(MonitorError::KindMismatch {
            column: reference.name.clone(),
            reference: kind_of(&r),
            current: kind_of(&c),
        }),
    }
}

fn kind_of(values: &Values) -> ValueKind {
    match values {
        Values::Numeric(_) => ValueKind::Numeric,
        Values::Categorical(_) => ValueKind::Categorical,
    }
}

fn check_sizes(reference: usize, current: usize) -> Result<(), MonitorError> {
    if reference == 0 {
        return Err(MonitorError::EmptySample { side: Side::Reference });
    }
    if current == 0 {
        return Err(MonitorError::EmptySample { side: Side::Current });
    }
    Ok(())
}

/// The drift of a numeric column named `column` given as two samples; values that are not finite are left
/// out, as Evidently leaves out missing ones. Errors when either sample has no finite values.
pub fn numeric_drift(
    column: &str,
    reference: &[f64],
    current: &[f64],
    options: &DriftOptions,
) -> Result<ColumnDrift, MonitorError> {
    let sorted = |values: &[f64]| {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_unstable_by(f64::total_cmp);
        v
    };
    let (r, c) = (sorted(reference), sorted(current));
    check_sizes(r.len(), c.len())?;
    let distinct = distinct_numbers(&r, &c);
    let (method, reason) = options.choose(r.len(), ValueKind::Numeric, distinct);
    let (score, statistic) = match method {
        DriftMethod::KolmogorovSmirnov => {
            let test = ks_sorted(&r, &c);
            (test.p_value, Some(test.statistic))
        }
        DriftMethod::Wasserstein => {
            let distance = wasserstein_sorted(&r, &c);
            (distance / population_std(&r).max(WASSERSTEIN_MIN_NORM), Some(distance))
        }
        DriftMethod::ChiSquare | DriftMethod::ZTest | DriftMethod::JensenShannon => {
            return counted_drift(column, ValueKind::Numeric, &Counts::of_numbers(&r, &c), options);
        }
    };
    let sizes = (r.len(), c.len(), distinct);
    Ok(finish(column, ValueKind::Numeric, (method, reason), (score, statistic), sizes, options))
}

/// Evidently divides the Wasserstein distance by `max(std, 0.001)`, so a constant reference does not
/// divide by zero.
const WASSERSTEIN_MIN_NORM: f64 = 0.001;

/// The drift of the model's scores (Evidently's prediction drift): [`numeric_drift`] on the
/// probabilities, under the column name `prediction`.
pub fn prediction_drift(
    reference: &[f64],
    current: &[f64],
    options: &DriftOptions,
) -> Result<ColumnDrift, MonitorError> {
    numeric_drift("prediction", reference, current, options)
}

/// The drift of a column seen as categories with these counts.
fn counted_drift(
    column: &str,
    kind: ValueKind,
    counts: &Counts,
    options: &DriftOptions,
) -> Result<ColumnDrift, MonitorError> {
    let n_reference: usize = counts.reference.iter().sum();
    let n_current: usize = counts.current.iter().sum();
    check_sizes(n_reference, n_current)?;
    let distinct = counts.labels.len();
    // Numbers with many values never get here; categories are categories whatever their number.
    let (method, reason) = options.choose(n_reference, ValueKind::Categorical, distinct);
    let (score, statistic) = match method {
        DriftMethod::ChiSquare => {
            let test = chi_square_drift(&counts.reference, &counts.current)?;
            (test.p_value, test.statistic)
        }
        DriftMethod::ZTest => {
            // Evidently marks each value 0 when it is the first category in sorted order, 1 otherwise.
            let first = |c: &[usize]| c.first().copied().unwrap_or(0);
            let test = proportion_z_test(
                n_reference - first(&counts.reference),
                n_reference,
                n_current - first(&counts.current),
                n_current,
            )?;
            (test.p_value, Some(test.z))
        }
        _ => {
            let shares = |c: &[usize], n: usize| c.iter().map(|&k| k as f64 / n as f64).collect::<Vec<f64>>();
            let distance =
                jensen_shannon(&shares(&counts.reference, n_reference), &shares(&counts.current, n_current))?;
            (distance, None)
        }
    };
    let sizes = (n_reference, n_current, distinct);
    Ok(finish(column, kind, (method, reason), (score, statistic), sizes, options))
}

fn finish(
    column: &str,
    kind: ValueKind,
    (method, reason): (DriftMethod, Reason),
    (score, statistic): (f64, Option<f64>),
    (reference_rows, current_rows, distinct): (usize, usize, usize),
    options: &DriftOptions,
) -> ColumnDrift {
    let threshold = options.threshold(method);
    let drifted = if method.is_p_value() { score < threshold } else { score >= threshold };
    ColumnDrift {
        column: column.to_string(),
        kind,
        method,
        reason,
        score,
        statistic: statistic.filter(|s| s.is_finite()),
        threshold,
        drifted,
        reference_rows,
        current_rows,
        distinct,
    }
}

/// Why a column was not tested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Skip {
    /// The column is not in one of the two data sets.
    Absent {
        /// The data set without it.
        side: Side,
    },
    /// The column holds numbers on one side and categories on the other.
    KindMismatch {
        /// The reference's kind.
        reference: ValueKind,
        /// The current kind.
        current: ValueKind,
    },
    /// Every value of the column is missing on one side.
    Empty {
        /// The side without values.
        side: Side,
    },
}

/// A column that was not tested, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedColumn {
    /// The column's name.
    pub column: String,
    /// Why it was not tested.
    pub skip: Skip,
}

/// The drift of a data set: every column's, and whether enough drifted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetDrift {
    /// The columns tested, in the order asked.
    pub columns: Vec<ColumnDrift>,
    /// The columns that could not be tested.
    pub skipped: Vec<SkippedColumn>,
    /// How many tested columns drifted.
    pub drifted_columns: usize,
    /// `drifted_columns` over the columns tested; 0 when none was.
    pub share: f64,
    /// The share at which the data set drifts.
    pub threshold: f64,
    /// Whether `share ≥ threshold` (and at least one column was tested).
    pub drifted: bool,
}

/// The drift of each column named in `columns` from `reference` to `current`, and of the data set
/// (Evidently's `DataDriftPreset`: drifted when at least [`DriftOptions::drift_share`] of the tested
/// columns drift). Columns that cannot be tested are listed in [`DatasetDrift::skipped`] and not counted.
pub fn dataset_drift(
    reference: &Dataset,
    current: &Dataset,
    columns: &[&str],
    options: &DriftOptions,
) -> DatasetDrift {
    let mut tested = Vec::new();
    let mut skipped = Vec::new();
    for &name in columns {
        let skip = |skip| SkippedColumn { column: name.to_string(), skip };
        let (Some(r), Some(c)) = (reference.column(name), current.column(name)) else {
            let side = if reference.column(name).is_none() { Side::Reference } else { Side::Current };
            skipped.push(skip(Skip::Absent { side }));
            continue;
        };
        match column_drift(r, c, options) {
            Ok(drift) => tested.push(drift),
            Err(MonitorError::KindMismatch { reference, current, .. }) => {
                skipped.push(skip(Skip::KindMismatch { reference, current }))
            }
            Err(MonitorError::EmptySample { side }) => skipped.push(skip(Skip::Empty { side })),
            // Not reachable from columns of a data set; counted as an empty side rather than lost.
            Err(_) => skipped.push(skip(Skip::Empty { side: Side::Current })),
        }
    }
    let drifted_columns = tested.iter().filter(|c| c.drifted).count();
    let share = if tested.is_empty() { 0.0 } else { drifted_columns as f64 / tested.len() as f64 };
    DatasetDrift {
        drifted: !tested.is_empty() && share >= options.drift_share,
        columns: tested,
        skipped,
        drifted_columns,
        share,
        threshold: options.drift_share,
    }
}
