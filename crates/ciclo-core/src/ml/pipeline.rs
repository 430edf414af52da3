//! The fitted preprocessing that turns a data set's rows into a feature matrix.
//!
//! A [`Pipeline`] is fitted once, on the training rows only, and then applied unchanged to the test rows
//! and to whatever is scored later: it is serialized next to the model so that serving sees exactly the
//! encoding that training saw. In order, it
//!
//! 1. chooses the feature columns: every column but the target and the ID-like ones (categorical with every
//!    value distinct, like `customerID`) and the ones blank in every training row;
//! 2. fills blank numeric cells with a value fitted on the training rows ([`Fill`]);
//! 3. one-hot encodes categorical columns over the levels seen in training (sorted), a blank or unseen
//!    level becoming all zeros and being counted in the [`TransformReport`], never an error;
//! 4. standardizes every feature with the training rows' mean and standard deviation (a constant feature
//!    is divided by 1), as scikit-learn's `StandardScaler` does after one-hot encoding.

use serde::{Deserialize, Serialize};

use super::TrainError;
use crate::dataset::{ColumnData, ColumnKind, Dataset};

/// How blank numeric cells are filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fill {
    /// With 0, as the reference analysis fills `TotalCharges` (blank only for customers of tenure 0).
    #[default]
    Zero,
    /// With the median of the column's training rows.
    Median,
}

impl Fill {
    /// The name logged as the `fill` parameter of a run.
    pub fn name(self) -> &'static str {
        match self {
            Fill::Zero => "zero",
            Fill::Median => "median",
        }
    }
}

/// Why a column is not a feature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// It is what the model predicts.
    Target,
    /// A categorical column whose training values are all distinct (an identifier): it cannot generalize.
    IdLike {
        /// Number of distinct values in the training rows.
        distinct: usize,
    },
    /// Blank in every training row.
    AllBlank,
}

/// One input column's fitted encoding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// A numeric column: one feature, `(value or fill − mean) / scale`.
    Numeric {
        /// The column.
        column: String,
        /// The value a blank cell takes.
        fill: f64,
        /// The training mean after filling.
        mean: f64,
        /// The training standard deviation after filling (1 for a constant column).
        scale: f64,
    },
    /// A categorical column: one feature per training level, `(indicator − mean) / scale`.
    OneHot {
        /// The column.
        column: String,
        /// The levels seen in training, sorted.
        levels: Vec<String>,
        /// Each indicator's training mean.
        means: Vec<f64>,
        /// Each indicator's training standard deviation (1 when constant).
        scales: Vec<f64>,
    },
}

impl Encoding {
    fn column(&self) -> &str {
        match self {
            Encoding::Numeric { column, .. } | Encoding::OneHot { column, .. } => column,
        }
    }
}

/// A fitted preprocessing pipeline: see the module documentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    target: String,
    fill: Fill,
    encodings: Vec<Encoding>,
    feature_names: Vec<String>,
    dropped: Vec<(String, DropReason)>,
}

/// Levels of one categorical column not seen in training.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unseen {
    /// The column.
    pub column: String,
    /// Cells holding such a level.
    pub count: usize,
    /// The first few such levels (at most [`TransformReport::EXAMPLES`]).
    pub examples: Vec<String>,
}

/// What a transform had to paper over. Nothing here is an error; the page shows it next to the metrics.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TransformReport {
    /// Rows transformed.
    pub rows: usize,
    /// Numeric columns with blank cells, and how many were filled.
    pub filled: Vec<(String, usize)>,
    /// Categorical columns with blank cells, and how many were encoded as all zeros.
    pub blank: Vec<(String, usize)>,
    /// Categorical columns with levels not seen in training, encoded as all zeros.
    pub unseen: Vec<Unseen>,
}

impl TransformReport {
    /// How many unseen levels are kept as examples per column.
    pub const EXAMPLES: usize = 3;

    /// Whether nothing was filled, blank or unseen.
    pub fn is_clean(&self) -> bool {
        self.filled.is_empty() && self.blank.is_empty() && self.unseen.is_empty()
    }

    /// Adds `other`'s counts to this report (for the training and test parts of one run).
    pub fn merge(&mut self, other: TransformReport) {
        self.rows += other.rows;
        merge_counts(&mut self.filled, other.filled);
        merge_counts(&mut self.blank, other.blank);
        for unseen in other.unseen {
            match self.unseen.iter_mut().find(|u| u.column == unseen.column) {
                Some(mine) => {
                    mine.count += unseen.count;
                    for example in unseen.examples {
                        if mine.examples.len() < Self::EXAMPLES && !mine.examples.contains(&example) {
                            mine.examples.push(example);
                        }
                    }
                }
                None => self.unseen.push(unseen),
            }
        }
    }
}

fn merge_counts(mine: &mut Vec<(String, usize)>, other: Vec<(String, usize)>) {
    for (column, count) in other {
        match mine.iter_mut().find(|(c, _)| *c == column) {
            Some((_, n)) => *n += count,
            None => mine.push((column, count)),
        }
    }
}

impl Pipeline {
    /// Fits the pipeline on `rows` of `data`, predicting `target`.
    ///
    /// Errors when `rows` is empty or out of range, when `target` is not a column, or when no feature
    /// column is left.
    pub fn fit(data: &Dataset, rows: &[usize], target: &str, fill: Fill) -> Result<Pipeline, TrainError> {
        if rows.is_empty() {
            return Err(TrainError::NoRows);
        }
        check_rows(data, rows)?;
        if data.column(target).is_none() {
            return Err(TrainError::missing_column(data, target));
        }
        let mut encodings = Vec::new();
        let mut dropped = Vec::new();
        for column in data.columns() {
            if column.name == target {
                dropped.push((column.name.clone(), DropReason::Target));
                continue;
            }
            let fitted = match &column.data {
                ColumnData::Numeric(values) => fit_numeric(&column.name, values, rows, fill),
                ColumnData::Categorical { levels, codes } => fit_one_hot(&column.name, levels, codes, rows),
            };
            match fitted {
                Ok(encoding) => encodings.push(encoding),
                Err(reason) => dropped.push((column.name.clone(), reason)),
            }
        }
        let feature_names: Vec<String> = encodings
            .iter()
            .flat_map(|encoding| match encoding {
                Encoding::Numeric { column, .. } => vec![column.clone()],
                Encoding::OneHot { column, levels, .. } => {
                    levels.iter().map(|level| format!("{column}={level}")).collect()
                }
            })
            .collect();
        if feature_names.is_empty() {
            return Err(TrainError::NoFeatures { dropped });
        }
        Ok(Pipeline { target: target.to_string(), fill, encodings, feature_names, dropped })
    }

    /// The feature matrix of `rows` of `data` (one row per entry of `rows`, in that order), and what had
    /// to be filled or ignored on the way.
    ///
    /// `data` may be another data set than the one fitted on (new customers to score): it needs the
    /// feature columns, of the same kinds, and need not have the target. Errors when a feature column is
    /// missing or changed kind, or a row is out of range.
    pub fn transform(
        &self,
        data: &Dataset,
        rows: &[usize],
    ) -> Result<(ndarray::Array2<f64>, TransformReport), TrainError> {
        check_rows(data, rows)?;
        let resolved: Vec<Resolved<'_>> =
            self.encodings.iter().map(|encoding| resolve(encoding, data)).collect::<Result<_, _>>()?;
        let width = self.feature_names.len();
        let mut out = vec![0.0; rows.len() * width];
        let mut report = TransformReport { rows: rows.len(), ..TransformReport::default() };
        let mut counts = vec![(0_usize, 0_usize); resolved.len()];
        for (&row, out_row) in rows.iter().zip(out.chunks_exact_mut(width.max(1))) {
            let mut cells = out_row.iter_mut();
            for (feature, (blank, unseen)) in resolved.iter().zip(counts.iter_mut()) {
                match feature {
                    Resolved::Numeric { values, fill, mean, scale } => {
                        let value = match values.get(row).copied().flatten().filter(|x| x.is_finite()) {
                            Some(x) => x,
                            None => {
                                *blank += 1;
                                *fill
                            }
                        };
                        if let Some(cell) = cells.next() {
                            *cell = (value - mean) / scale;
                        }
                    }
                    Resolved::OneHot { codes, to_feature, means, scales, .. } => {
                        let hot = match codes.get(row).copied().flatten() {
                            None => {
                                *blank += 1;
                                None
                            }
                            Some(code) => {
                                let hot = to_feature.get(code as usize).copied().flatten();
                                if hot.is_none() {
                                    *unseen += 1;
                                }
                                hot
                            }
                        };
                        // The bounded iterators go first in the zip, so that it stops before taking a cell
                        // that belongs to the next feature.
                        for (i, ((mean, scale), cell)) in
                            means.iter().zip(scales.iter()).zip(cells.by_ref()).enumerate()
                        {
                            let indicator = if hot == Some(i) { 1.0 } else { 0.0 };
                            *cell = (indicator - mean) / scale;
                        }
                    }
                }
            }
        }
        for ((feature, encoding), &(blank, unseen)) in resolved.iter().zip(&self.encodings).zip(&counts) {
            let column = encoding.column().to_string();
            match feature {
                Resolved::Numeric { .. } if blank > 0 => report.filled.push((column, blank)),
                Resolved::Numeric { .. } => {}
                Resolved::OneHot { .. } => {
                    if blank > 0 {
                        report.blank.push((column.clone(), blank));
                    }
                    if unseen > 0 {
                        let examples = unseen_examples(feature, rows);
                        report.unseen.push(Unseen { column, count: unseen, examples });
                    }
                }
            }
        }
        let matrix = ndarray::Array2::from_shape_vec((rows.len(), width), out)
            .map_err(|e| TrainError::Internal { message: e.to_string() })?;
        Ok((matrix, report))
    }

    /// The feature names, in matrix column order: a numeric column's name, or `column=level` for a one-hot
    /// indicator.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// The columns that are not features, and why, in data set order.
    pub fn dropped(&self) -> &[(String, DropReason)] {
        &self.dropped
    }

    /// The target column the pipeline was fitted for.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The fill strategy for blank numeric cells.
    pub fn fill(&self) -> Fill {
        self.fill
    }

    /// Each feature column's fitted encoding, in data set order.
    pub fn encodings(&self) -> &[Encoding] {
        &self.encodings
    }
}

fn check_rows(data: &Dataset, rows: &[usize]) -> Result<(), TrainError> {
    match rows.iter().find(|&&row| row >= data.n_rows()) {
        Some(&row) => Err(TrainError::RowOutOfRange { row, rows: data.n_rows() }),
        None => Ok(()),
    }
}

fn fit_numeric(
    column: &str,
    values: &[Option<f64>],
    rows: &[usize],
    fill: Fill,
) -> Result<Encoding, DropReason> {
    let mut present: Vec<f64> =
        rows.iter().filter_map(|&row| values.get(row).copied().flatten()).filter(|x| x.is_finite()).collect();
    if present.is_empty() {
        return Err(DropReason::AllBlank);
    }
    let fill_value = match fill {
        Fill::Zero => 0.0,
        Fill::Median => median(&mut present),
    };
    let blanks = rows.len() - present.len();
    let filled = present.iter().copied().chain(std::iter::repeat_n(fill_value, blanks));
    let (mean, scale) = mean_and_scale(filled, rows.len());
    Ok(Encoding::Numeric { column: column.to_string(), fill: fill_value, mean, scale })
}

fn fit_one_hot(
    column: &str,
    levels: &[String],
    codes: &[Option<u32>],
    rows: &[usize],
) -> Result<Encoding, DropReason> {
    let mut counts = vec![0_usize; levels.len()];
    let mut present = 0;
    for &row in rows {
        if let Some(count) = codes.get(row).copied().flatten().and_then(|code| counts.get_mut(code as usize))
        {
            *count += 1;
            present += 1;
        }
    }
    let mut seen: Vec<(&String, usize)> = levels.iter().zip(counts).filter(|(_, n)| *n > 0).collect();
    if seen.is_empty() {
        return Err(DropReason::AllBlank);
    }
    if present >= 2 && seen.len() == present {
        return Err(DropReason::IdLike { distinct: seen.len() });
    }
    seen.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let n = rows.len();
    let (means, scales) = seen
        .iter()
        .map(|&(_, ones)| {
            let ones_iter = std::iter::repeat_n(1.0, ones).chain(std::iter::repeat_n(0.0, n - ones));
            mean_and_scale(ones_iter, n)
        })
        .unzip();
    Ok(Encoding::OneHot {
        column: column.to_string(),
        levels: seen.into_iter().map(|(level, _)| level.clone()).collect(),
        means,
        scales,
    })
}

/// The median of non-empty finite `values` (the mean of the two middle ones for an even count).
fn median(values: &mut [f64]) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    let mid = values.len() / 2;
    let upper = values.get(mid).copied().unwrap_or(0.0);
    if values.len() % 2 == 1 {
        upper
    } else {
        let lower = values.get(mid.wrapping_sub(1)).copied().unwrap_or(upper);
        (lower + upper) / 2.0
    }
}

/// The mean and the scale (population standard deviation, or 1 when the values are constant up to rounding)
/// of `n` values, in two passes as scikit-learn's `StandardScaler` computes them.
fn mean_and_scale(values: impl Iterator<Item = f64> + Clone, n: usize) -> (f64, f64) {
    let count = n as f64;
    let mean = values.clone().sum::<f64>() / count;
    let var = values.map(|x| (x - mean) * (x - mean)).sum::<f64>() / count;
    // scikit-learn's `_is_constant_feature`: a variance within rounding error of zero counts as zero.
    let eps = f64::EPSILON;
    let bound = count * eps * var + (count * mean * eps).powi(2);
    let scale = if var <= bound || !var.is_finite() { 1.0 } else { var.sqrt() };
    (mean, scale)
}

/// An encoding looked up against the data set being transformed.
enum Resolved<'a> {
    Numeric {
        values: &'a [Option<f64>],
        fill: f64,
        mean: f64,
        scale: f64,
    },
    OneHot {
        codes: &'a [Option<u32>],
        /// For each of the data set's level codes, the fitted level it is, if any.
        to_feature: Vec<Option<usize>>,
        /// The data set's levels, for naming unseen ones.
        unseen_levels: &'a [String],
        means: &'a [f64],
        scales: &'a [f64],
    },
}

fn resolve<'a>(encoding: &'a Encoding, data: &'a Dataset) -> Result<Resolved<'a>, TrainError> {
    let name = encoding.column();
    let column = data.column(name).ok_or_else(|| TrainError::missing_column(data, name))?;
    match (encoding, &column.data) {
        (Encoding::Numeric { fill, mean, scale, .. }, ColumnData::Numeric(values)) => {
            Ok(Resolved::Numeric { values, fill: *fill, mean: *mean, scale: *scale })
        }
        (
            Encoding::OneHot { levels: fitted, means, scales, .. },
            ColumnData::Categorical { levels, codes },
        ) => {
            let to_feature = levels.iter().map(|level| fitted.binary_search(level).ok()).collect();
            Ok(Resolved::OneHot { codes, to_feature, unseen_levels: levels, means, scales })
        }
        (Encoding::Numeric { .. }, _) => Err(TrainError::ColumnKind {
            column: name.to_string(),
            expected: ColumnKind::Numeric,
            found: column.kind(),
        }),
        (Encoding::OneHot { .. }, _) => Err(TrainError::ColumnKind {
            column: name.to_string(),
            expected: ColumnKind::Categorical,
            found: column.kind(),
        }),
    }
}

/// The first few unseen levels met in `rows`, in row order.
fn unseen_examples(feature: &Resolved<'_>, rows: &[usize]) -> Vec<String> {
    let mut examples: Vec<String> = Vec::new();
    if let Resolved::OneHot { codes, to_feature, unseen_levels: levels, .. } = feature {
        for &row in rows {
            let Some(code) = codes.get(row).copied().flatten() else { continue };
            if to_feature.get(code as usize).copied().flatten().is_some() {
                continue;
            }
            if let Some(level) = levels.get(code as usize) {
                if !examples.contains(level) {
                    examples.push(level.clone());
                    if examples.len() == TransformReport::EXAMPLES {
                        break;
                    }
                }
            }
        }
    }
    examples
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;
    use crate::dataset::Column;

    fn data() -> Dataset {
        Dataset::new(
            "small",
            vec![
                Column::categorical("id", &[Some("a"), Some("b"), Some("c"), Some("d"), Some("e")]),
                Column::numeric("n", vec![Some(1.0), None, Some(3.0), Some(5.0), Some(7.0)]),
                Column::categorical("color", &[Some("red"), Some("blue"), Some("red"), None, Some("green")]),
                Column::numeric("empty", vec![None, None, None, None, Some(1.0)]),
                Column::categorical("y", &[Some("No"), Some("Yes"), Some("No"), Some("Yes"), Some("No")]),
            ],
        )
        .unwrap()
    }

    /// Fits on `fit_rows`, transforms `rows`, and checks the matrix (rounded to 4 decimals) and the report.
    fn check(fill: Fill, fit_rows: &[usize], rows: &[usize], expected: &[&[f64]], report: TransformReport) {
        let data = data();
        let pipeline = Pipeline::fit(&data, fit_rows, "y", fill).unwrap();
        let (x, got_report) = pipeline.transform(&data, rows).unwrap();
        let got: Vec<Vec<f64>> =
            x.rows().into_iter().map(|r| r.iter().map(|v| (v * 1e4).round() / 1e4).collect()).collect();
        let expected: Vec<Vec<f64>> = expected.iter().map(|r| r.to_vec()).collect();
        assert_eq!(got, expected);
        assert_eq!(got_report, report);
    }

    #[test]
    fn features_and_dropped_columns() {
        let pipeline = Pipeline::fit(&data(), &[0, 1, 2, 3], "y", Fill::Zero).unwrap();
        assert_eq!(pipeline.feature_names(), ["n", "color=blue", "color=red"]);
        assert_eq!(
            pipeline.dropped(),
            [
                ("id".to_string(), DropReason::IdLike { distinct: 4 }),
                ("empty".to_string(), DropReason::AllBlank),
                ("y".to_string(), DropReason::Target),
            ]
        );
    }

    #[test]
    fn fill_one_hot_and_scale() {
        // Rows 0..4: n = 1, blank, 3, 5 → filled with 0: mean 2.25, std sqrt(3.6875) = 1.9203;
        // color = red, blue, red, blank → blue mean 0.25 std 0.4330, red mean 0.5 std 0.5.
        check(
            Fill::Zero,
            &[0, 1, 2, 3],
            &[0, 1, 3, 4],
            &[
                &[-0.6509, -0.5774, 1.0],
                &[-1.1717, 1.7321, -1.0],
                &[1.4321, -0.5774, -1.0],
                &[2.4736, -0.5774, -1.0],
            ],
            TransformReport {
                rows: 4,
                filled: vec![("n".into(), 1)],
                blank: vec![("color".into(), 1)],
                unseen: vec![Unseen { column: "color".into(), count: 1, examples: vec!["green".into()] }],
            },
        );
        // Median fill: median of 1, 3, 5 is 3, so n = 1, 3, 3, 5: mean 3, std sqrt(2) = 1.4142.
        check(
            Fill::Median,
            &[0, 1, 2, 3],
            &[1],
            &[&[0.0, 1.7321, -1.0]],
            TransformReport { rows: 1, filled: vec![("n".into(), 1)], ..TransformReport::default() },
        );
    }

    #[test]
    fn standardized_training_columns_have_mean_0_and_std_1() {
        let data = data();
        let rows = [0, 1, 2, 3];
        let pipeline = Pipeline::fit(&data, &rows, "y", Fill::Zero).unwrap();
        let (x, _) = pipeline.transform(&data, &rows).unwrap();
        for column in x.columns() {
            let mean = column.sum() / 4.0;
            let var = column.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 4.0;
            assert!(mean.abs() < 1e-12 && (var - 1.0).abs() < 1e-12, "mean {mean}, var {var}");
        }
    }

    #[test]
    fn constant_columns_are_not_divided_by_zero() {
        let data = Dataset::new(
            "c",
            vec![
                Column::numeric("k", vec![Some(0.1); 3]),
                Column::categorical("one", &[Some("x"), Some("x"), Some("x")]),
                Column::categorical("y", &[Some("a"), Some("b"), Some("a")]),
            ],
        )
        .unwrap();
        let pipeline = Pipeline::fit(&data, &[0, 1, 2], "y", Fill::Zero).unwrap();
        let (x, _) = pipeline.transform(&data, &[0, 1, 2]).unwrap();
        assert!(x.iter().all(|v| v.abs() < 1e-12), "{x}");
    }

    #[test]
    fn serving_data_with_other_levels_and_no_target() {
        let pipeline = Pipeline::fit(&data(), &[0, 1, 2, 3], "y", Fill::Zero).unwrap();
        let serving = Dataset::new(
            "serve",
            vec![
                Column::categorical(
                    "color",
                    &[Some("purple"), Some("red"), Some("teal"), Some("pink"), Some("x")],
                ),
                Column::numeric("n", vec![Some(2.25); 5]),
            ],
        )
        .unwrap();
        let (x, report) = pipeline.transform(&serving, &[0, 1, 2, 3, 4]).unwrap();
        assert_eq!(x.dim(), (5, 3));
        assert_eq!(
            report.unseen,
            vec![Unseen {
                column: "color".into(),
                count: 4,
                examples: vec!["purple".into(), "teal".into(), "pink".into()]
            }]
        );
        // Round trip through JSON, as the model registry stores it.
        let json = serde_json::to_string(&pipeline).unwrap();
        let back: Pipeline = serde_json::from_str(&json).unwrap();
        assert_eq!(back, pipeline);
    }

    #[test]
    fn transform_errors() {
        let data = data();
        let pipeline = Pipeline::fit(&data, &[0, 1, 2, 3], "y", Fill::Zero).unwrap();
        assert_eq!(
            pipeline.transform(&data, &[5]).unwrap_err(),
            TrainError::RowOutOfRange { row: 5, rows: 5 }
        );
        let wrong_kind = Dataset::new(
            "w",
            vec![Column::categorical("n", &[Some("x")]), Column::categorical("color", &[Some("red")])],
        )
        .unwrap();
        assert_eq!(
            pipeline.transform(&wrong_kind, &[0]).unwrap_err(),
            TrainError::ColumnKind {
                column: "n".into(),
                expected: ColumnKind::Numeric,
                found: ColumnKind::Categorical
            }
        );
        assert!(matches!(
            pipeline.transform(&data.select_rows(&[0]), &[0]),
            Ok((x, _)) if x.dim() == (1, 3)
        ));
        assert_eq!(Pipeline::fit(&data, &[], "y", Fill::Zero).unwrap_err(), TrainError::NoRows);
        assert!(matches!(
            Pipeline::fit(&data, &[0], "nope", Fill::Zero),
            Err(TrainError::MissingColumn { column, .. }) if column == "nope"
        ));
    }
}
