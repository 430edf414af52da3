//! A per-column profile of a data set, for the Data page: kind, blanks, distinct values, a numeric summary,
//! the most frequent values, and how often the target is positive for each of them.
//!
//! [`profile`] looks at every column once. With a target, each frequent value carries its target rate (the
//! churn rate among customers with that contract, say), which is how a reader spots a strong feature, and
//! a leak, before training. [`positive_level`] is the one rule, shared with training, for which value of a
//! target counts as positive.

use serde::{Deserialize, Serialize};

use crate::dataset::{format_number, Column, ColumnData, ColumnKind, Dataset};

/// How many frequent values a profile lists.
pub const TOP_LEVELS: usize = 5;

/// Numeric columns with at most this many distinct values (flags such as `SeniorCitizen`) also get their
/// values counted in [`ColumnProfile::top`].
pub const FEW_NUMERIC_VALUES: usize = 10;

/// Summary statistics of a numeric column's present values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericSummary {
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
    /// The arithmetic mean.
    pub mean: f64,
    /// The sample standard deviation (divided by n − 1); 0 for a single value.
    pub std: f64,
}

/// One frequent value of a column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryCount {
    /// The value as it reads in the CSV.
    pub level: String,
    /// Rows with this value.
    pub count: usize,
    /// The share of the positive target among the rows with this value whose target is not blank; `None`
    /// without a target, without a positive level, or when all those targets are blank.
    pub target_rate: Option<f64>,
}

/// What the Data page shows about one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnProfile {
    /// The header name.
    pub name: String,
    /// Numeric or categorical.
    pub kind: ColumnKind,
    /// Blank cells.
    pub missing: usize,
    /// Distinct non-blank values.
    pub distinct: usize,
    /// Whether the column looks like an identifier: categorical, more than one row, and every non-blank
    /// value different. Such a column is useless as a feature (and its `top` is left empty).
    pub id_like: bool,
    /// Min, max, mean and standard deviation of a numeric column with at least one value (NaN values left
    /// out); `None` for a categorical or all-blank column.
    pub numeric: Option<NumericSummary>,
    /// Up to [`TOP_LEVELS`] most frequent values, most frequent first (ties in order of first appearance
    /// for categories, in increasing order for numbers). Categorical columns that are not `id_like`, and
    /// numeric columns with at most [`FEW_NUMERIC_VALUES`] distinct values, have them.
    pub top: Vec<CategoryCount>,
    /// The share of the positive target among the rows where this column is blank; `None` when no row is
    /// blank or there is no target rate to compute.
    pub target_rate_when_missing: Option<f64>,
    /// For the target column only: the share of its non-blank values that are its [`positive_level`].
    pub positive_rate: Option<f64>,
}

/// The positive class of a target column, as the CSV spells it.
///
/// * A categorical column's positive level is the first of `yes`, `y`, `true` and `1` (ignoring case) among
///   its values, whatever else it holds; otherwise, if it holds exactly two values, the rarer one (on a tie,
///   the one that sorts last, so the answer does not depend on row order); otherwise `None`.
/// * A numeric column whose values are all 0 or 1 has positive level `1`; any other numeric column `None`.
pub fn positive_level(column: &Column) -> Option<String> {
    match &column.data {
        ColumnData::Numeric(values) => {
            let mut present = values.iter().flatten().peekable();
            let binary = present.peek().is_some() && present.all(|&x| x == 0.0 || x == 1.0);
            binary.then(|| "1".to_string())
        }
        ColumnData::Categorical { levels, codes } => {
            let counts = level_counts(levels.len(), codes);
            let used: Vec<(&String, usize)> =
                levels.iter().zip(counts).filter(|&(_, count)| count > 0).collect();
            for name in ["yes", "y", "true", "1"] {
                if let Some((level, _)) = used.iter().find(|(level, _)| level.eq_ignore_ascii_case(name)) {
                    return Some((*level).clone());
                }
            }
            match used.as_slice() {
                [(a, na), (b, nb)] => {
                    let a_wins = na < nb || (na == nb && a > b);
                    Some(if a_wins { (*a).clone() } else { (*b).clone() })
                }
                _ => None,
            }
        }
    }
}

/// The profile of every column of `data`, in column order. With `target` naming a column that has a
/// [`positive_level`], frequent values carry target rates; an unknown target or one without a positive
/// level gives a profile without rates.
pub fn profile(data: &Dataset, target: Option<&str>) -> Vec<ColumnProfile> {
    let target_column = target.and_then(|name| data.column(name));
    let positives = target_column.and_then(positive_flags);
    data.columns()
        .iter()
        .map(|column| {
            let is_target = target_column.is_some_and(|t| t.name == column.name);
            profile_column(column, positives.as_deref(), is_target)
        })
        .collect()
}

/// Per row, whether the target is positive (`None` for a blank target); `None` without a positive level.
fn positive_flags(target: &Column) -> Option<Vec<Option<bool>>> {
    let positive = positive_level(target)?;
    Some(match &target.data {
        ColumnData::Numeric(values) => values.iter().map(|v| v.map(|x| x == 1.0)).collect(),
        ColumnData::Categorical { levels, codes } => {
            let code = levels.iter().position(|l| *l == positive).and_then(|i| u32::try_from(i).ok());
            codes.iter().map(|c| c.map(|c| Some(c) == code)).collect()
        }
    })
}

/// Counts of positive and known targets, to turn into a rate.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    positive: usize,
    known: usize,
}

impl Tally {
    fn add(&mut self, flag: Option<bool>) {
        if let Some(positive) = flag {
            self.known += 1;
            self.positive += usize::from(positive);
        }
    }

    fn rate(self) -> Option<f64> {
        (self.known > 0).then(|| self.positive as f64 / self.known as f64)
    }
}

/// The target flag of `row`, `None` without a target or for a blank one.
fn flag(positives: Option<&[Option<bool>]>, row: usize) -> Option<bool> {
    positives.and_then(|p| p.get(row).copied().flatten())
}

fn profile_column(column: &Column, positives: Option<&[Option<bool>]>, is_target: bool) -> ColumnProfile {
    let n_rows = column.len();
    let mut when_missing = Tally::default();
    let mut overall = Tally::default();
    let (missing, distinct, numeric, top, id_like) = match &column.data {
        ColumnData::Categorical { levels, codes } => {
            let mut counts = vec![0usize; levels.len()];
            let mut tallies = vec![Tally::default(); levels.len()];
            for (row, code) in codes.iter().enumerate() {
                let flag = flag(positives, row);
                overall.add(flag);
                match code.and_then(|c| usize::try_from(c).ok()) {
                    Some(c) => {
                        if let (Some(count), Some(tally)) = (counts.get_mut(c), tallies.get_mut(c)) {
                            *count += 1;
                            tally.add(flag);
                        }
                    }
                    None => when_missing.add(flag),
                }
            }
            let missing = codes.iter().filter(|c| c.is_none()).count();
            let distinct = counts.iter().filter(|&&n| n > 0).count();
            let id_like = n_rows > 1 && distinct > 1 && distinct == n_rows - missing;
            let top = if id_like {
                Vec::new()
            } else {
                let mut order: Vec<usize> = (0..levels.len()).collect();
                let count_of = |i: usize| counts.get(i).copied().unwrap_or(0);
                // A stable sort keeps first-appearance order among equal counts.
                order.sort_by_key(|&i| std::cmp::Reverse(count_of(i)));
                order
                    .into_iter()
                    .filter(|&i| count_of(i) > 0)
                    .take(TOP_LEVELS)
                    .map(|i| CategoryCount {
                        level: levels.get(i).cloned().unwrap_or_default(),
                        count: count_of(i),
                        target_rate: tallies.get(i).and_then(|t| t.rate()),
                    })
                    .collect()
            };
            (missing, distinct, None, top, id_like)
        }
        ColumnData::Numeric(values) => {
            // (value, target flag) of the present values, sorted by value.
            let mut present: Vec<(f64, Option<bool>)> = Vec::with_capacity(n_rows);
            for (row, value) in values.iter().enumerate() {
                let flag = flag(positives, row);
                overall.add(flag);
                match value {
                    Some(x) => present.push((*x, flag)),
                    None => when_missing.add(flag),
                }
            }
            present.sort_by(|a, b| a.0.total_cmp(&b.0));
            // Runs of equal values: (value, count, tally).
            let mut runs: Vec<(f64, usize, Tally)> = Vec::new();
            for &(x, flag) in &present {
                match runs.last_mut() {
                    Some((last, count, tally)) if *last == x || (last.is_nan() && x.is_nan()) => {
                        *count += 1;
                        tally.add(flag);
                    }
                    _ => {
                        let mut tally = Tally::default();
                        tally.add(flag);
                        runs.push((x, 1, tally));
                    }
                }
            }
            let top = if runs.len() <= FEW_NUMERIC_VALUES {
                let mut runs = runs.clone();
                runs.sort_by_key(|&(_, count, _)| std::cmp::Reverse(count));
                runs.into_iter()
                    .take(TOP_LEVELS)
                    .map(|(x, count, tally)| CategoryCount {
                        level: format_number(x),
                        count,
                        target_rate: tally.rate(),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let finite: Vec<f64> = present.iter().map(|&(x, _)| x).filter(|x| !x.is_nan()).collect();
            (n_rows - present.len(), runs.len(), summarize(&finite), top, false)
        }
    };
    ColumnProfile {
        name: column.name.clone(),
        kind: column.kind(),
        missing,
        distinct,
        id_like,
        numeric,
        top,
        target_rate_when_missing: if missing > 0 { when_missing.rate() } else { None },
        positive_rate: if is_target { overall.rate() } else { None },
    }
}

/// Min, max, mean and sample standard deviation of `values` (sorted), `None` if empty.
fn summarize(values: &[f64]) -> Option<NumericSummary> {
    let (&min, &max) = (values.first()?, values.last()?);
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let squares: f64 = values.iter().map(|x| (x - mean) * (x - mean)).sum();
    let std = if values.len() > 1 { (squares / (n - 1.0)).sqrt() } else { 0.0 };
    Some(NumericSummary { min, max, mean, std })
}

/// Rows per level code.
fn level_counts(n_levels: usize, codes: &[Option<u32>]) -> Vec<usize> {
    let mut counts = vec![0usize; n_levels];
    for code in codes.iter().flatten() {
        if let Some(count) = usize::try_from(*code).ok().and_then(|c| counts.get_mut(c)) {
            *count += 1;
        }
    }
    counts
}

#[cfg(test)]
// A failure in a test is a failed test, not a dead page: tests may unwrap, index and panic.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::telco;
    use expect_test::{expect, Expect};

    /// The profile as a table: one line per column, then one indented line per frequent value.
    fn render(profiles: &[ColumnProfile]) -> String {
        let rate = |r: Option<f64>| r.map_or("-".to_string(), |r| format!("{r:.3}"));
        let mut out = String::new();
        for p in profiles {
            let numeric = p.numeric.as_ref().map_or("-".to_string(), |s| {
                format!("min {} max {} mean {:.3} std {:.3}", s.min, s.max, s.mean, s.std)
            });
            out.push_str(&format!(
                "{} {:?} missing {} distinct {}{} | {} | rate when missing {} | positive rate {}\n",
                p.name,
                p.kind,
                p.missing,
                p.distinct,
                if p.id_like { " id-like" } else { "" },
                numeric,
                rate(p.target_rate_when_missing),
                rate(p.positive_rate),
            ));
            for t in &p.top {
                out.push_str(&format!("    {} x{} rate {}\n", t.level, t.count, rate(t.target_rate)));
            }
        }
        out
    }

    fn tiny() -> Dataset {
        Dataset::new(
            "tiny",
            vec![
                Column::categorical("id", &[Some("a"), Some("b"), Some("c"), Some("d"), None, Some("f")]),
                Column::categorical(
                    "plan",
                    &[Some("basic"), Some("pro"), Some("basic"), None, Some("pro"), Some("basic")],
                ),
                Column::numeric(
                    "senior",
                    vec![Some(0.0), Some(1.0), Some(0.0), Some(0.0), Some(1.0), Some(0.0)],
                ),
                Column::numeric(
                    "charge",
                    vec![Some(10.0), Some(20.0), None, Some(40.0), Some(30.5), Some(2.0)],
                ),
                Column::categorical(
                    "left",
                    &[Some("No"), Some("Yes"), Some("No"), Some("Yes"), None, Some("No")],
                ),
            ],
        )
        .unwrap()
    }

    fn check(data: &Dataset, target: Option<&str>, expected: Expect) {
        expected.assert_eq(&render(&profile(data, target)));
    }

    #[test]
    fn profile_with_a_target() {
        check(
            &tiny(),
            Some("left"),
            expect![[r#"
                id Categorical missing 1 distinct 5 id-like | - | rate when missing - | positive rate -
                plan Categorical missing 1 distinct 2 | - | rate when missing 1.000 | positive rate -
                    basic x3 rate 0.000
                    pro x2 rate 1.000
                senior Numeric missing 0 distinct 2 | min 0 max 1 mean 0.333 std 0.516 | rate when missing - | positive rate -
                    0 x4 rate 0.250
                    1 x2 rate 1.000
                charge Numeric missing 1 distinct 5 | min 2 max 40 mean 20.500 std 15.273 | rate when missing 0.000 | positive rate -
                    2 x1 rate 0.000
                    10 x1 rate 0.000
                    20 x1 rate 1.000
                    30.5 x1 rate -
                    40 x1 rate 1.000
                left Categorical missing 1 distinct 2 | - | rate when missing - | positive rate 0.400
                    No x3 rate 0.000
                    Yes x2 rate 1.000
            "#]],
        );
    }

    #[test]
    fn profile_without_a_target() {
        check(
            &tiny(),
            None,
            expect![[r#"
                id Categorical missing 1 distinct 5 id-like | - | rate when missing - | positive rate -
                plan Categorical missing 1 distinct 2 | - | rate when missing - | positive rate -
                    basic x3 rate -
                    pro x2 rate -
                senior Numeric missing 0 distinct 2 | min 0 max 1 mean 0.333 std 0.516 | rate when missing - | positive rate -
                    0 x4 rate -
                    1 x2 rate -
                charge Numeric missing 1 distinct 5 | min 2 max 40 mean 20.500 std 15.273 | rate when missing - | positive rate -
                    2 x1 rate -
                    10 x1 rate -
                    20 x1 rate -
                    30.5 x1 rate -
                    40 x1 rate -
                left Categorical missing 1 distinct 2 | - | rate when missing - | positive rate -
                    No x3 rate -
                    Yes x2 rate -
            "#]],
        );
    }

    #[test]
    fn unknown_target_gives_no_rates() {
        assert_eq!(profile(&tiny(), Some("nope")), profile(&tiny(), None));
    }

    #[test]
    fn unused_levels_do_not_count() {
        // Selecting rows keeps every level; the profile counts only those that appear.
        let data = tiny().select_rows(&[0, 2]);
        let plan = &profile(&data, None)[1];
        assert_eq!(plan.distinct, 1);
        assert_eq!(plan.top.len(), 1);
        // Two rows with distinct identifiers: id-like.
        assert!(profile(&data, None)[0].id_like);
    }

    fn check_positive(values: &[&str], expected: Option<&str>) {
        let cells: Vec<Option<&str>> = values.iter().map(|v| Some(*v)).collect();
        let column = Column::categorical("y", &cells);
        assert_eq!(positive_level(&column).as_deref(), expected, "{values:?}");
    }

    #[test]
    fn positive_levels() {
        check_positive(&["No", "Yes", "No"], Some("Yes"));
        check_positive(&["yes", "no", "no"], Some("yes"));
        check_positive(&["FALSE", "TRUE"], Some("TRUE"));
        check_positive(&["0", "1", "1", "1"], Some("1"));
        check_positive(&["N", "Y", "Y"], Some("Y"));
        check_positive(&["No", "Yes", "No phone service"], Some("Yes"));
        check_positive(&["stayed", "left", "stayed"], Some("left"));
        check_positive(&["stayed", "left"], Some("stayed"));
        check_positive(&["left", "stayed"], Some("stayed"));
        check_positive(&["a", "b", "c"], None);
        check_positive(&["No", "No"], None);
        check_positive(&[], None);
        let numeric = |values: Vec<Option<f64>>| positive_level(&Column::numeric("y", values));
        assert_eq!(numeric(vec![Some(0.0), None, Some(1.0)]).as_deref(), Some("1"));
        assert_eq!(numeric(vec![Some(0.0), Some(0.0)]).as_deref(), Some("1"));
        assert_eq!(numeric(vec![Some(0.0), Some(2.0)]), None);
        assert_eq!(numeric(vec![None]), None);
    }

    #[test]
    fn numeric_target_rates() {
        let data = Dataset::new(
            "n",
            vec![
                Column::categorical("plan", &[Some("a"), Some("a"), Some("b"), Some("b")]),
                Column::numeric("y", vec![Some(1.0), Some(0.0), Some(1.0), Some(1.0)]),
            ],
        )
        .unwrap();
        let profiles = profile(&data, Some("y"));
        let rates: Vec<Option<f64>> = profiles[0].top.iter().map(|t| t.target_rate).collect();
        assert_eq!(rates, [Some(0.5), Some(1.0)]);
        assert_eq!(profiles[1].positive_rate, Some(0.75));
    }

    #[test]
    fn telco_profile_marks_the_identifier_and_blank_totals() {
        let data = telco::generate(2000, 7);
        let profiles = profile(&data, Some(telco::TARGET));
        let column = |name: &str| profiles.iter().find(|p| p.name == name).unwrap();
        assert!(column(telco::ID_COLUMN).id_like);
        assert!(column(telco::ID_COLUMN).top.is_empty());
        assert!(column("TotalCharges").missing > 0);
        assert!(column("TotalCharges").numeric.is_some());
        assert!(profiles.iter().filter(|p| p.id_like).count() == 1, "only the identifier is id-like");
        let churn = column(telco::TARGET).positive_rate.unwrap();
        assert!((0.22..0.31).contains(&churn), "{churn}");
        // Month-to-month customers churn far more than two-year ones, as in the real data.
        let contract = column("Contract");
        let rate = |level: &str| contract.top.iter().find(|t| t.level == level).unwrap().target_rate.unwrap();
        assert!(rate("Month-to-month") > 0.3 && rate("Two year") < 0.1);
        let senior = column("SeniorCitizen");
        assert_eq!(senior.top.len(), 2);
    }
}
