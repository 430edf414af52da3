//! Hyperparameter search: grid search and random search with stratified k-fold cross-validation, as
//! scikit-learn's `GridSearchCV` and `RandomizedSearchCV` do it, scored by F1 (ROC AUC recorded too).
//!
//! The search is cut into independent units of work so that the page can spread them over Web Workers
//! and the CLI over threads:
//!
//! 1. [`plan`] (or [`plan_random`]) lists the parameter combinations of a [`Grid`] and one [`Unit`] per
//!    (combination, fold);
//! 2. [`prepare`] reads the labels once and draws the stratified folds ([`Prepared`], plain data that can be
//!    sent to a worker);
//! 3. [`run_unit`] fits the preprocessing and the model on one fold's training rows only (nothing of the
//!    held-out fold leaks into the fit) and scores the held-out rows; [`fold_data`] + [`run_unit_on`] do
//!    the same with the fold's matrices computed once and reused across combinations;
//! 4. [`summarize`] gathers the [`UnitResult`]s into one [`CombinationResult`] per combination, best first.
//!
//! The same data, grid, parameters and seed give the same results whatever order the units run in: each
//! unit depends only on its inputs, and every fit uses the plan's seed (as scikit-learn refits one
//! estimator with a fixed `random_state` on every fold).

use rand::Rng as _;
use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::metrics::{evaluate, BinaryMetrics};
use crate::ml::{labels, Fill, ModelParams, Pipeline, TrainError, TrainingSet, TransformReport};
use crate::rng;
use crate::split::{stratified_k_fold, Split};

/// The sub-stream of the seed that random search draws its combinations from.
const SAMPLE_STREAM: u64 = 0x5A_4D91;

/// The threshold at which F1 is scored, as scikit-learn's `scoring="f1"` predicts.
const THRESHOLD: f64 = 0.5;

/// Axes of parameter values; the combinations are every choice of one value per axis.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Grid {
    /// `(parameter name, values as text)`, names as [`ModelParams::set`] takes them (scikit-learn's).
    pub axes: Vec<(String, Vec<String>)>,
}

impl Grid {
    /// The report's grid for the random forest: `n_estimators` 50, 100, 200 × `max_depth` 5, 10, 15,
    /// None × `min_samples_split` 2, 5, 10, that is 36 combinations.
    pub fn report() -> Grid {
        let axis = |name: &str, values: &[&str]| {
            (name.to_string(), values.iter().map(|v| v.to_string()).collect::<Vec<_>>())
        };
        Grid {
            axes: vec![
                axis("n_estimators", &["50", "100", "200"]),
                axis("max_depth", &["5", "10", "15", "None"]),
                axis("min_samples_split", &["2", "5", "10"]),
            ],
        }
    }

    /// The number of combinations: the product of the axes' lengths (1 for no axes: the base
    /// parameters alone).
    pub fn len(&self) -> usize {
        self.axes.iter().map(|(_, values)| values.len()).product()
    }

    /// Whether the grid has no combination (an axis without values).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every combination as `(name, value)` pairs in axis order, the last axis varying fastest (as
    /// `itertools.product`; scikit-learn's `ParameterGrid` sorts the names first, which only changes
    /// the order).
    pub fn combinations(&self) -> Vec<Vec<(String, String)>> {
        (0..self.len()).map(|i| self.combination(i)).collect()
    }

    /// Combination `index` of [`Grid::combinations`], without listing the others.
    pub fn combination(&self, index: usize) -> Vec<(String, String)> {
        let mut rest = index;
        let mut pairs: Vec<(String, String)> = self
            .axes
            .iter()
            .rev()
            .filter_map(|(name, values)| {
                let n = values.len().max(1);
                let value = values.get(rest % n)?;
                rest /= n;
                Some((name.clone(), value.clone()))
            })
            .collect();
        pairs.reverse();
        pairs
    }

    /// Checks every value of every axis on `base` (each alone), so that a misspelt name or an
    /// out-of-range value fails before any fit: the error is [`ModelParams::set`]'s.
    pub fn check(&self, base: &ModelParams) -> Result<(), TrainError> {
        for (name, values) in &self.axes {
            for value in values {
                base.clone().set(name, value)?;
            }
        }
        Ok(())
    }
}

/// One unit of work: fit one combination on one fold's training rows and score its held-out rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Index into [`Plan::combinations`].
    pub combination: usize,
    /// Index of the fold held out.
    pub fold: usize,
}

/// What a search will do: the combinations, the folds and the units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The grid searched.
    pub grid: Grid,
    /// The combinations searched: all of the grid's, or a random sample of them.
    pub combinations: Vec<Vec<(String, String)>>,
    /// Number of folds.
    pub k: usize,
    /// Seed of the folds, of the sample and of every fit.
    pub seed: u64,
    /// Every (combination, fold), combination by combination.
    pub units: Vec<Unit>,
}

/// A grid search: every combination of `grid` on each of `k` folds (`k` is checked by [`prepare`]).
pub fn plan(grid: &Grid, k: usize, seed: u64) -> Plan {
    plan_of(grid, grid.combinations(), k, seed)
}

/// A random search: `n` combinations of `grid` drawn without replacement (all of them when `n` is at
/// least the grid's size), as scikit-learn's `RandomizedSearchCV` samples a grid given as lists, kept in
/// grid order; the same seed draws the same ones.
pub fn plan_random(grid: &Grid, n: usize, k: usize, seed: u64) -> Plan {
    let total = grid.len();
    if n >= total {
        return plan(grid, k, seed);
    }
    // A partial Fisher–Yates shuffle over u32 indices, so that the draws are the same on 32-bit wasm and
    // 64-bit native targets (a grid beyond u32::MAX combinations is cut there).
    let total = u32::try_from(total).unwrap_or(u32::MAX);
    let mut rng = rng::stream(seed, SAMPLE_STREAM);
    let mut indices: Vec<u32> = (0..total).collect();
    for i in 0..n.min(indices.len()) {
        let j = rng.gen_range(i as u32..total) as usize;
        indices.swap(i, j);
    }
    let mut chosen: Vec<usize> = indices.into_iter().take(n).map(|i| i as usize).collect();
    chosen.sort_unstable();
    plan_of(grid, chosen.into_iter().map(|i| grid.combination(i)).collect(), k, seed)
}

fn plan_of(grid: &Grid, combinations: Vec<Vec<(String, String)>>, k: usize, seed: u64) -> Plan {
    let units = (0..combinations.len())
        .flat_map(|combination| (0..k).map(move |fold| Unit { combination, fold }))
        .collect();
    Plan { grid: grid.clone(), combinations, k, seed, units }
}

/// A plan with its data prepared: the labels read once and the folds drawn. Plain data: it can be sent
/// to a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prepared {
    /// The plan.
    pub plan: Plan,
    /// The target column.
    pub target: String,
    /// How blank numeric cells are filled.
    pub fill: Fill,
    /// One label per row of the data set (`true` for the positive class).
    pub labels: Vec<bool>,
    /// The target value taken as positive.
    pub positive: String,
    /// Per fold, the data set rows to fit on and the rows held out.
    pub folds: Vec<Split>,
}

/// Reads the labels of `target` and splits `rows` of `data` (the training part of a train/test split, say,
/// or every row) into the plan's `k` stratified folds with the plan's seed (scikit-learn's
/// `StratifiedKFold(n_splits=k, shuffle=True)`).
///
/// Errors when the target is not a binary column, a row is out of range, or a class has fewer rows than
/// folds.
pub fn prepare(
    data: &Dataset,
    target: &str,
    fill: Fill,
    rows: &[usize],
    plan: &Plan,
) -> Result<Prepared, TrainError> {
    let (labels, positive) = labels(data, target)?;
    if let Some(&row) = rows.iter().find(|&&row| row >= labels.len()) {
        return Err(TrainError::RowOutOfRange { row, rows: labels.len() });
    }
    let subset: Vec<bool> = rows.iter().filter_map(|&row| labels.get(row).copied()).collect();
    let to_rows =
        |positions: Vec<usize>| positions.into_iter().filter_map(|i| rows.get(i).copied()).collect();
    let folds = stratified_k_fold(&subset, plan.k, plan.seed)?
        .into_iter()
        .map(|split| Split { train: to_rows(split.train), test: to_rows(split.test) })
        .collect();
    Ok(Prepared { plan: plan.clone(), target: target.to_string(), fill, labels, positive, folds })
}

/// One fold's matrices: the preprocessing fitted on its training rows, applied to both parts.
#[derive(Debug, Clone)]
pub struct FoldData {
    /// The fold's index.
    pub fold: usize,
    /// The training rows, transformed, with their labels.
    pub training: TrainingSet,
    /// The held-out rows, transformed.
    pub x_test: ndarray::Array2<f64>,
    /// The held-out rows' labels.
    pub y_test: Vec<bool>,
    /// What the preprocessing filled or ignored in both parts.
    pub transform: TransformReport,
}

/// Fits the preprocessing on fold `fold`'s training rows and transforms both parts. Errors when the fold
/// does not exist or the data cannot be preprocessed.
pub fn fold_data(data: &Dataset, prepared: &Prepared, fold: usize) -> Result<FoldData, TrainError> {
    let split = prepared.folds.get(fold).ok_or(TrainError::Internal {
        message: format!("fold {fold} of a {}-fold plan", prepared.folds.len()),
    })?;
    let pick =
        |rows: &[usize]| rows.iter().filter_map(|&r| prepared.labels.get(r).copied()).collect::<Vec<_>>();
    let pipeline = Pipeline::fit(data, &split.train, &prepared.target, prepared.fill)?;
    let (x_train, mut transform) = pipeline.transform(data, &split.train)?;
    let (x_test, test_report) = pipeline.transform(data, &split.test)?;
    transform.merge(test_report);
    Ok(FoldData {
        fold,
        training: TrainingSet::new(x_train, pick(&split.train))?,
        x_test,
        y_test: pick(&split.test),
        transform,
    })
}

/// The result of one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitResult {
    /// The combination's index in the plan.
    pub combination: usize,
    /// The fold held out.
    pub fold: usize,
    /// The held-out fold's metrics at threshold 0.5.
    pub metrics: BinaryMetrics,
}

/// The parameters of combination `combination`: `base` with the combination's values set. Errors when
/// the combination does not exist or a value does not fit the family.
pub fn combination_params(
    prepared: &Prepared,
    base: &ModelParams,
    combination: usize,
) -> Result<ModelParams, TrainError> {
    let pairs = prepared.plan.combinations.get(combination).ok_or(TrainError::Internal {
        message: format!("combination {combination} of a plan of {}", prepared.plan.combinations.len()),
    })?;
    let mut params = base.clone();
    for (name, value) in pairs {
        params.set(name, value)?;
    }
    Ok(params)
}

/// Runs one unit: fits `base` with combination `combination`'s values on fold `fold`'s training rows
/// (preprocessing included) and scores the held-out rows.
pub fn run_unit(
    data: &Dataset,
    prepared: &Prepared,
    base: &ModelParams,
    combination: usize,
    fold: usize,
) -> Result<UnitResult, TrainError> {
    let fold_data = fold_data(data, prepared, fold)?;
    run_unit_on(&fold_data, prepared, base, combination)
}

/// [`run_unit`] on a fold's matrices computed once by [`fold_data`].
pub fn run_unit_on(
    fold: &FoldData,
    prepared: &Prepared,
    base: &ModelParams,
    combination: usize,
) -> Result<UnitResult, TrainError> {
    let params = combination_params(prepared, base, combination)?;
    let model = params.fit(&fold.training, prepared.plan.seed, &mut |_| {})?;
    let probabilities = model.predict_proba(&fold.x_test)?;
    let metrics = evaluate(&fold.y_test, &probabilities, THRESHOLD)?;
    Ok(UnitResult { combination, fold: fold.fold, metrics })
}

/// One fold's scores in a [`CombinationResult`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FoldScore {
    /// The fold held out.
    pub fold: usize,
    /// F1 on it.
    pub f1: f64,
    /// ROC AUC on it.
    pub roc_auc: f64,
}

/// The cross-validated scores of one combination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CombinationResult {
    /// The combination's index in the plan.
    pub combination: usize,
    /// Its values.
    pub params: Vec<(String, String)>,
    /// 1 for the best mean F1; equal means share the better rank (scikit-learn's `rank_test_score`).
    pub rank: usize,
    /// Mean F1 over the folds (`mean_test_score`).
    pub mean_f1: f64,
    /// Population standard deviation of F1 over the folds (`std_test_score`).
    pub std_f1: f64,
    /// Mean ROC AUC over the folds.
    pub mean_auc: f64,
    /// Population standard deviation of ROC AUC over the folds.
    pub std_auc: f64,
    /// The folds' scores, by fold.
    pub folds: Vec<FoldScore>,
}

/// Gathers unit results into one result per combination that has any, best mean F1 first (on a tie, the
/// combination listed first in the plan, as scikit-learn's `best_index_` picks). A combination with fewer
/// results than folds (a failed or unfinished unit) is summarized over the folds it has: see
/// [`CombinationResult::folds`].
pub fn summarize(plan: &Plan, results: &[UnitResult]) -> Vec<CombinationResult> {
    let mut summaries: Vec<CombinationResult> = plan
        .combinations
        .iter()
        .enumerate()
        .filter_map(|(combination, params)| {
            let mut folds: Vec<FoldScore> = results
                .iter()
                .filter(|r| r.combination == combination)
                .map(|r| FoldScore { fold: r.fold, f1: r.metrics.f1, roc_auc: r.metrics.roc_auc })
                .collect();
            if folds.is_empty() {
                return None;
            }
            folds.sort_by_key(|f| f.fold);
            let (mean_f1, std_f1) = mean_std(folds.iter().map(|f| f.f1));
            let (mean_auc, std_auc) = mean_std(folds.iter().map(|f| f.roc_auc));
            Some(CombinationResult {
                combination,
                params: params.clone(),
                rank: 0,
                mean_f1,
                std_f1,
                mean_auc,
                std_auc,
                folds,
            })
        })
        .collect();
    summaries.sort_by(|a, b| b.mean_f1.total_cmp(&a.mean_f1).then(a.combination.cmp(&b.combination)));
    let means: Vec<f64> = summaries.iter().map(|s| s.mean_f1).collect();
    for summary in &mut summaries {
        summary.rank = 1 + means.iter().filter(|&&m| m > summary.mean_f1).count();
    }
    summaries
}

/// The mean and the population standard deviation, as NumPy's `average` and scikit-learn's
/// `sqrt(average((x - mean) ** 2))` compute them (summed in order).
fn mean_std(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = values.clone().count() as f64;
    let mean = values.clone().sum::<f64>() / n;
    let var = values.map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;
    use crate::metrics::Confusion;
    use crate::ml::ModelKind;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_report_grid_has_36_combinations_and_180_units() {
        let grid = Grid::report();
        assert_eq!(grid.len(), 36);
        let combinations = grid.combinations();
        assert_eq!(
            combinations.first(),
            Some(&pairs(&[("n_estimators", "50"), ("max_depth", "5"), ("min_samples_split", "2")]))
        );
        assert_eq!(
            combinations.get(1),
            Some(&pairs(&[("n_estimators", "50"), ("max_depth", "5"), ("min_samples_split", "5")]))
        );
        assert_eq!(
            combinations.last(),
            Some(&pairs(&[("n_estimators", "200"), ("max_depth", "None"), ("min_samples_split", "10")]))
        );
        let mut distinct = combinations.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 36);
        let plan = plan(&grid, 5, 42);
        assert_eq!(plan.units.len(), 180);
        assert_eq!(plan.units[7], Unit { combination: 1, fold: 2 });
        assert_eq!(grid.check(&ModelParams::default_for(ModelKind::RandomForest)), Ok(()));
        assert!(matches!(
            grid.check(&ModelParams::default_for(ModelKind::LogisticRegression)),
            Err(TrainError::UnknownParam { .. })
        ));
        assert_eq!(Grid::default().combinations(), vec![Vec::<(String, String)>::new()]);
    }

    #[test]
    fn random_search_samples_without_replacement_deterministically() {
        let grid = Grid::report();
        let a = plan_random(&grid, 10, 3, 7);
        assert_eq!(a, plan_random(&grid, 10, 3, 7));
        assert_ne!(a.combinations, plan_random(&grid, 10, 3, 8).combinations);
        assert_eq!((a.combinations.len(), a.units.len()), (10, 30));
        let all = grid.combinations();
        let positions: Vec<usize> =
            a.combinations.iter().map(|c| all.iter().position(|x| x == c).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
        assert_eq!(plan_random(&grid, 100, 3, 7), plan(&grid, 3, 7));
    }

    fn result(combination: usize, fold: usize, f1: f64, roc_auc: f64) -> UnitResult {
        let metrics = BinaryMetrics {
            accuracy: 0.0,
            precision: 0.0,
            recall: 0.0,
            f1,
            roc_auc,
            pr_auc: 0.0,
            log_loss: 0.0,
            brier: 0.0,
            confusion: Confusion::default(),
            threshold: 0.5,
        };
        UnitResult { combination, fold, metrics }
    }

    #[test]
    fn summaries_are_means_and_population_stds_best_first() {
        let grid = Grid { axes: vec![("C".into(), vec!["0.1".into(), "1".into(), "10".into()])] };
        let plan = plan(&grid, 3, 1);
        let results = [
            result(0, 2, 0.5, 0.7),
            result(0, 0, 0.6, 0.8),
            result(0, 1, 0.7, 0.9),
            result(1, 0, 0.8, 0.8),
            result(1, 1, 0.8, 0.8),
            result(1, 2, 0.5, 0.8),
            result(2, 0, 0.7, 0.6),
        ];
        let summary = summarize(&plan, &results);
        let got: Vec<(usize, usize, f64, f64, f64, f64, usize)> = summary
            .iter()
            .map(|s| (s.combination, s.rank, s.mean_f1, s.std_f1, s.mean_auc, s.std_auc, s.folds.len()))
            .collect();
        // numpy 2 / scikit-learn 1.9.1's formulas on the folds in fold order: m = np.average(a, axis=1),
        // s = np.sqrt(np.average((a - m[:, None]) ** 2, axis=1)).
        let expected = [
            (1, 1, 0.7000000000000001, 0.14142135623730953, 0.8000000000000002, 1.1102230246251565e-16, 3),
            (2, 2, 0.7, 0.0, 0.6, 0.0, 1),
            (0, 3, 0.6, 0.08164965809277258, 0.8000000000000002, 0.08164965809277264, 3),
        ];
        assert_eq!(got, expected);
        assert_eq!(summary[2].folds.iter().map(|f| f.fold).collect::<Vec<_>>(), [0, 1, 2]);
        // A tie in mean F1 shares the rank, the earlier combination first.
        let tie = summarize(&plan, &[result(2, 0, 0.5, 0.5), result(0, 0, 0.5, 0.6)]);
        assert_eq!(tie.iter().map(|s| (s.combination, s.rank)).collect::<Vec<_>>(), [(0, 1), (2, 1)]);
    }

    #[test]
    fn a_tiny_search_end_to_end() {
        let data = crate::telco::generate(500, 11);
        let grid = Grid {
            axes: vec![
                ("n_estimators".into(), vec!["5".into(), "10".into()]),
                ("max_depth".into(), vec!["2".into(), "None".into()]),
            ],
        };
        let base = ModelParams::default_for(ModelKind::RandomForest);
        grid.check(&base).unwrap();
        let plan = plan(&grid, 3, 5);
        let rows: Vec<usize> = (0..data.n_rows()).collect();
        let prepared = prepare(&data, "Churn", Fill::Zero, &rows, &plan).unwrap();
        assert_eq!(prepared.folds.len(), 3);
        let results: Vec<UnitResult> = plan
            .units
            .iter()
            .map(|u| run_unit(&data, &prepared, &base, u.combination, u.fold).unwrap())
            .collect();
        // Fold matrices computed once give the same results, in any order.
        let folds: Vec<FoldData> = (0..3).map(|f| fold_data(&data, &prepared, f).unwrap()).collect();
        let again: Vec<UnitResult> = plan
            .units
            .iter()
            .rev()
            .map(|u| run_unit_on(&folds[u.fold], &prepared, &base, u.combination).unwrap())
            .collect();
        assert!(again.iter().all(|r| results.contains(r)));
        let summary = summarize(&plan, &results);
        assert_eq!(summary.len(), 4);
        assert_eq!(summary[0].rank, 1);
        assert!(summary.windows(2).all(|w| w[0].mean_f1 >= w[1].mean_f1));
        for s in &summary {
            assert_eq!(s.folds.len(), 3);
            assert!(s.mean_auc > 0.6 && s.mean_auc <= 1.0, "{s:?}");
            assert!(s.std_f1 >= 0.0 && s.mean_f1 <= 1.0);
        }
        // The training and held-out rows of each fold are disjoint and cover the rows.
        for split in &prepared.folds {
            assert!(split.test.iter().all(|r| !split.train.contains(r)));
            assert_eq!(split.train.len() + split.test.len(), 500);
        }
        // A subset of the rows (a training part) keeps its row numbers.
        let subset: Vec<usize> = (100..500).collect();
        let prepared = prepare(&data, "Churn", Fill::Zero, &subset, &plan).unwrap();
        assert!(prepared.folds.iter().all(|s| s.train.iter().chain(&s.test).all(|&r| r >= 100)));
        assert!(matches!(
            prepare(&data, "Churn", Fill::Zero, &[9999], &plan),
            Err(TrainError::RowOutOfRange { row: 9999, rows: 500 })
        ));
    }
}
