//! Stratified train/test splits and stratified k-fold cross-validation over binary labels.
//!
//! Both follow scikit-learn's algorithms, so the part sizes and per-class counts are the ones
//! `train_test_split(stratify=y)` and `StratifiedKFold(shuffle=True)` give; only the shuffles differ,
//! because ours come from the core's portable generator ([`crate::rng`]) rather than NumPy's. Unlike
//! scikit-learn, a split where a class would be missing from a part is an error here: a model cannot be
//! fitted without both classes, and ROC AUC cannot be computed without them.

use rand::seq::SliceRandom;
use rand::Rng as _;
use serde::{Deserialize, Serialize};

use crate::rng;

/// The sub-stream of the seed that the train/test split draws from.
const SPLIT_STREAM: u64 = 0x5_9117;
/// The sub-stream of the seed that the k-fold assignment draws from.
const FOLD_STREAM: u64 = 0xF_07D5;

/// A partition of row indices into a training part and a test part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// Rows to fit on, sorted ascending.
    pub train: Vec<usize>,
    /// Rows to evaluate on, sorted ascending.
    pub test: Vec<usize>,
}

/// Why labels cannot be split as asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum SplitError {
    /// The test fraction is not strictly between 0 and 1.
    #[error("test fraction {test_fraction} is not between 0 and 1: choose a fraction such as 0.2")]
    TestFraction {
        /// The fraction asked for.
        test_fraction: f64,
    },
    /// Too few rows for one of the parts to get any.
    #[error(
        "{rows} rows leave the {} part empty with test fraction {test_fraction}: load more rows or change the fraction",
        if *.train == 0 { "training" } else { "test" }
    )]
    TooFewRows {
        /// Number of rows.
        rows: usize,
        /// The fraction asked for.
        test_fraction: f64,
        /// Rows the training part would get.
        train: usize,
        /// Rows the test part would get.
        test: usize,
    },
    /// A class would be missing from the training or the test part.
    #[error(
        "the {} class has {count} rows, which gives {train} to training and {test} to testing: \
         a classifier needs both classes in both parts, so add rows of that class or change the test fraction",
        class_name(*.positive)
    )]
    ClassTooSmall {
        /// Which class: `true` for the positive one.
        positive: bool,
        /// Rows of that class.
        count: usize,
        /// How many would go to training.
        train: usize,
        /// How many would go to testing.
        test: usize,
    },
    /// Fewer than two folds.
    #[error("{k} folds cannot cross-validate: choose at least 2")]
    TooFewFolds {
        /// The number of folds asked for.
        k: usize,
    },
    /// A class has fewer rows than folds, so some test fold would lack it.
    #[error(
        "the {} class has {count} rows, fewer than the {k} folds: choose at most {count} folds or add rows of that class",
        class_name(*.positive)
    )]
    ClassTooSmallForFolds {
        /// Which class: `true` for the positive one.
        positive: bool,
        /// Rows of that class.
        count: usize,
        /// The number of folds asked for.
        k: usize,
    },
}

fn class_name(positive: bool) -> &'static str {
    if positive {
        "positive"
    } else {
        "negative"
    }
}

/// Splits rows into a training and a test part, keeping the class proportions, like scikit-learn's
/// `train_test_split(test_size=test_fraction, stratify=labels)`.
///
/// The test part gets `ceil(test_fraction × rows)` rows and the training part the rest. Each class's
/// share of the training part is its proportional count rounded down, with the rows left over going to
/// the classes with the largest remainders (ties broken at random), as scikit-learn's
/// `_approximate_mode` does; the test part gets the rest of each class. The same `seed` gives the same
/// split on every target.
pub fn stratified_split(labels: &[bool], test_fraction: f64, seed: u64) -> Result<Split, SplitError> {
    if !(test_fraction > 0.0 && test_fraction < 1.0) {
        return Err(SplitError::TestFraction { test_fraction });
    }
    let rows = labels.len();
    // `ceil` of a value in [0, rows] converts back to usize exactly.
    let n_test = ((test_fraction * rows as f64).ceil() as usize).min(rows);
    let n_train = rows - n_test;
    if n_train == 0 || n_test == 0 {
        return Err(SplitError::TooFewRows { rows, test_fraction, train: n_train, test: n_test });
    }
    let by_class = rows_by_class(labels);
    let counts = [by_class[0].len(), by_class[1].len()];
    let mut rng = rng::stream(seed, SPLIT_STREAM);
    let train_counts = approximate_mode(counts, n_train, &mut rng);
    for (class, (&count, &train)) in counts.iter().zip(&train_counts).enumerate() {
        let test = count - train;
        if train == 0 || test == 0 {
            return Err(SplitError::ClassTooSmall { positive: class == 1, count, train, test });
        }
    }
    let mut train = Vec::with_capacity(n_train);
    let mut test = Vec::with_capacity(n_test);
    for (mut class_rows, &n) in by_class.into_iter().zip(&train_counts) {
        class_rows.shuffle(&mut rng);
        let (to_train, to_test) = class_rows.split_at(n);
        train.extend_from_slice(to_train);
        test.extend_from_slice(to_test);
    }
    train.sort_unstable();
    test.sort_unstable();
    Ok(Split { train, test })
}

/// Splits rows into `k` folds that keep the class proportions, like scikit-learn's
/// `StratifiedKFold(n_splits=k, shuffle=True)`: split `i` tests on fold `i` and trains on the others.
///
/// Fold sizes follow scikit-learn's round-robin allocation over the sorted labels, so they differ by at
/// most one row per class. Every class needs at least `k` rows, so that every test fold holds both.
pub fn stratified_k_fold(labels: &[bool], k: usize, seed: u64) -> Result<Vec<Split>, SplitError> {
    if k < 2 {
        return Err(SplitError::TooFewFolds { k });
    }
    let by_class = rows_by_class(labels);
    for (class, class_rows) in by_class.iter().enumerate() {
        if class_rows.len() < k {
            return Err(SplitError::ClassTooSmallForFolds {
                positive: class == 1,
                count: class_rows.len(),
                k,
            });
        }
    }
    let mut rng = rng::stream(seed, FOLD_STREAM);
    let mut fold_of = vec![0_usize; labels.len()];
    // As in scikit-learn, the labels sorted by class, the class met first in `labels` first, are dealt
    // round-robin to the folds: position `p` goes to fold `p % k`. A class occupies a contiguous run of
    // positions, so its rows go to the folds in the order that run starts at, which is what this loop counts.
    let first_class = usize::from(labels.first().copied().unwrap_or(false));
    let mut position = 0_usize;
    for class in [first_class, 1 - first_class] {
        let Some(class_rows) = by_class.get(class) else { continue };
        let mut folds: Vec<usize> = (0..class_rows.len()).map(|i| (position + i) % k).collect();
        position += class_rows.len();
        folds.shuffle(&mut rng);
        for (&row, fold) in class_rows.iter().zip(folds) {
            if let Some(slot) = fold_of.get_mut(row) {
                *slot = fold;
            }
        }
    }
    let splits = (0..k)
        .map(|fold| {
            let (test, train): (Vec<usize>, Vec<usize>) =
                (0..labels.len()).partition(|&row| fold_of.get(row) == Some(&fold));
            Split { train, test }
        })
        .collect();
    Ok(splits)
}

/// Row indices of the negative class (`[0]`) and of the positive class (`[1]`), ascending.
fn rows_by_class(labels: &[bool]) -> [Vec<usize>; 2] {
    let mut by_class = [Vec::new(), Vec::new()];
    for (row, &label) in labels.iter().enumerate() {
        if label {
            by_class[1].push(row);
        } else {
            by_class[0].push(row);
        }
    }
    by_class
}

/// scikit-learn's `_approximate_mode` for two classes: how many of `n_draws` rows each class gets.
fn approximate_mode(counts: [usize; 2], n_draws: usize, rng: &mut rng::Rng) -> [usize; 2] {
    let total = (counts[0] + counts[1]) as f64;
    // The same floating-point expression as scikit-learn (`class_counts / class_counts.sum() * n_draws`),
    // so that the floors and remainders, hence the counts, agree with it.
    let continuous = counts.map(|c| c as f64 / total * n_draws as f64);
    let mut drawn = continuous.map(|x| x.floor() as usize);
    let remainder = [continuous[0] - continuous[0].floor(), continuous[1] - continuous[1].floor()];
    let mut need = n_draws.saturating_sub(drawn[0] + drawn[1]);
    if need > 0 {
        // With two classes at most one row is missing after the floors: give it to the larger remainder.
        let first = if remainder[0] > remainder[1] {
            0
        } else if remainder[1] > remainder[0] {
            1
        } else {
            usize::from(rng.gen_bool(0.5))
        };
        for slot in [first, 1 - first] {
            if let Some(count) = drawn.get_mut(slot).filter(|_| need > 0) {
                *count += 1;
                need -= 1;
            }
        }
    }
    drawn
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    fn labels(pos: usize, neg: usize) -> Vec<bool> {
        // Interleaved so the classes are not contiguous.
        let n = pos + neg;
        (0..n).map(|i| (i * pos) % n < pos).collect()
    }

    fn count_pos(labels: &[bool], rows: &[usize]) -> usize {
        rows.iter().filter(|&&r| labels[r]).count()
    }

    /// Checks a split's sizes: (train rows, train positives, test rows, test positives).
    fn check_split(pos: usize, neg: usize, fraction: f64, expected: (usize, usize, usize, usize)) {
        let y = labels(pos, neg);
        assert_eq!(y.iter().filter(|&&b| b).count(), pos);
        let split = stratified_split(&y, fraction, 42).unwrap();
        let got =
            (split.train.len(), count_pos(&y, &split.train), split.test.len(), count_pos(&y, &split.test));
        assert_eq!(got, expected, "{pos} positive, {neg} negative, fraction {fraction}");
        assert!(split.train.windows(2).all(|w| w[0] < w[1]));
        assert!(split.test.windows(2).all(|w| w[0] < w[1]));
        let mut all: Vec<usize> = split.train.iter().chain(&split.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..pos + neg).collect::<Vec<_>>());
    }

    #[test]
    fn split_sizes_match_scikit_learn() {
        // Expected counts from scikit-learn 1.9.1: train_test_split(..., stratify=y) on the same class
        // counts (the Telco data set: 7043 rows, 1869 churners, gives 5634/1495 and 1409/374).
        check_split(1869, 5174, 0.2, (5634, 1495, 1409, 374));
        check_split(5, 5, 0.2, (8, 4, 2, 1));
        check_split(3, 7, 0.25, (7, 2, 3, 1));
        check_split(10, 90, 0.1, (90, 9, 10, 1));
        check_split(50, 50, 0.5, (50, 25, 50, 25));
        check_split(2, 2, 0.5, (2, 1, 2, 1));
    }

    #[test]
    fn split_is_deterministic_and_seed_dependent() {
        let y = labels(300, 700);
        assert_eq!(stratified_split(&y, 0.2, 7), stratified_split(&y, 0.2, 7));
        assert_ne!(stratified_split(&y, 0.2, 7), stratified_split(&y, 0.2, 8));
    }

    /// Checks that splitting fails with `expected`.
    fn check_split_error(y: &[bool], fraction: f64, expected: SplitError) {
        assert_eq!(stratified_split(y, fraction, 1), Err(expected));
    }

    #[test]
    fn impossible_splits_are_errors() {
        check_split_error(&labels(5, 5), 0.0, SplitError::TestFraction { test_fraction: 0.0 });
        check_split_error(&labels(5, 5), 1.0, SplitError::TestFraction { test_fraction: 1.0 });
        assert!(matches!(
            stratified_split(&labels(5, 5), f64::NAN, 1),
            Err(SplitError::TestFraction { test_fraction }) if test_fraction.is_nan()
        ));
        check_split_error(
            &[],
            0.2,
            SplitError::TooFewRows { rows: 0, test_fraction: 0.2, train: 0, test: 0 },
        );
        check_split_error(
            &[true],
            0.2,
            SplitError::TooFewRows { rows: 1, test_fraction: 0.2, train: 0, test: 1 },
        );
        check_split_error(
            &labels(0, 10),
            0.2,
            SplitError::ClassTooSmall { positive: true, count: 0, train: 0, test: 0 },
        );
        check_split_error(
            &labels(1, 9),
            0.2,
            SplitError::ClassTooSmall { positive: true, count: 1, train: 1, test: 0 },
        );
        let message = stratified_split(&labels(1, 9), 0.2, 1).unwrap_err().to_string();
        assert_eq!(
            message,
            "the positive class has 1 rows, which gives 1 to training and 0 to testing: a classifier needs \
             both classes in both parts, so add rows of that class or change the test fraction"
        );
    }

    /// Checks k-fold sizes: per fold, (test rows, test positives).
    fn check_folds(pos: usize, neg: usize, k: usize, expected: &[(usize, usize)]) {
        let y = labels(pos, neg);
        let folds = stratified_k_fold(&y, k, 3).unwrap();
        let got: Vec<(usize, usize)> = folds.iter().map(|s| (s.test.len(), count_pos(&y, &s.test))).collect();
        assert_eq!(got, expected);
        let mut tested: Vec<usize> = folds.iter().flat_map(|s| s.test.clone()).collect();
        tested.sort_unstable();
        assert_eq!(tested, (0..pos + neg).collect::<Vec<_>>(), "every row is tested once");
        for split in &folds {
            assert_eq!(split.train.len() + split.test.len(), pos + neg);
            assert!(split.train.iter().all(|r| !split.test.contains(r)));
        }
    }

    #[test]
    fn fold_sizes_match_scikit_learn() {
        // Per-fold test sizes from scikit-learn 1.9.1's StratifiedKFold on the same class counts.
        check_folds(1869, 5174, 5, &[(1409, 374), (1409, 374), (1409, 374), (1408, 374), (1408, 373)]);
        check_folds(3, 7, 3, &[(4, 1), (3, 1), (3, 1)]);
        // The negative class first in the labels, so first in the round robin.
        let y: Vec<bool> = labels(1869, 5174).into_iter().map(|l| !l).collect();
        let folds = stratified_k_fold(&y, 5, 3).unwrap();
        let got: Vec<(usize, usize)> = folds.iter().map(|s| (s.test.len(), count_pos(&y, &s.test))).collect();
        assert_eq!(got, [(1409, 1035), (1409, 1035), (1409, 1035), (1408, 1034), (1408, 1035)]);
        check_folds(2, 2, 2, &[(2, 1), (2, 1)]);
    }

    #[test]
    fn folds_are_deterministic_and_checked() {
        let y = labels(30, 70);
        assert_eq!(stratified_k_fold(&y, 5, 1), stratified_k_fold(&y, 5, 1));
        assert_ne!(stratified_k_fold(&y, 5, 1), stratified_k_fold(&y, 5, 2));
        assert_eq!(stratified_k_fold(&y, 1, 1), Err(SplitError::TooFewFolds { k: 1 }));
        assert_eq!(
            stratified_k_fold(&labels(3, 70), 5, 1),
            Err(SplitError::ClassTooSmallForFolds { positive: true, count: 3, k: 5 })
        );
    }
}
