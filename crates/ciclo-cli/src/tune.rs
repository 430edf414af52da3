//! `ciclo tune`: grid or random search with stratified k-fold cross-validation on the training rows, then
//! the best combination refitted on all of them and scored on the test rows (scikit-learn's
//! `GridSearchCV(refit=True)` on `X_train`, then `best_estimator_` on `X_test`).
//!
//! The (combination, fold) units run on `--jobs` threads; each fold's matrices are computed once. The
//! results do not depend on the number of threads: every unit depends only on its inputs.

use std::io::{IsTerminal as _, Write as _};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use std::collections::BTreeMap;

use ciclo_core::autolog;
use ciclo_core::ml::{ModelParams, TrainError};
use ciclo_core::tracking::{Change, Run, RunStatus};
use ciclo_core::tune::{self, CombinationResult, FoldData, Grid, Plan, Prepared, UnitResult};

use crate::cli::{print, print_json, usage, Options, RunOptions};
use crate::experiment::{ingest_json, metrics_json, metrics_text, object, Experiment, Fitted};
use crate::log_to;

/// `ciclo tune`.
pub fn tune(args: &[String]) -> anyhow::Result<()> {
    let mut options = RunOptions::default();
    let mut grid = Grid::default();
    let mut preset = false;
    let mut random: Option<usize> = None;
    let mut k = 5;
    let mut jobs = std::thread::available_parallelism().map_or(1, usize::from);
    let mut top = 10;
    let mut quiet = false;
    let mut log_file: Option<String> = None;
    let mut experiment_name = log_to::DEFAULT_EXPERIMENT.to_string();
    let mut cursor = Options::new(args);
    while let Some(option) = cursor.next_option()? {
        if options.accept(option, &mut cursor)? {
            continue;
        }
        match option {
            "-h" | "--help" => return print(crate::HELP),
            "--preset" => match cursor.value(option)? {
                "report-grid" => preset = true,
                other => return Err(usage(format!("--preset expects `report-grid`, not `{other}`"))),
            },
            "--grid" => {
                let (name, values) = cursor.pair(option)?;
                let values: Vec<String> = values.split(',').map(|v| v.trim().to_string()).collect();
                if values.iter().any(String::is_empty) {
                    return Err(usage(format!(
                        "--grid {name}= expects values separated by commas, such as 5,10"
                    )));
                }
                grid.axes.push((name, values));
            }
            "--random" => {
                let n: usize = cursor.parsed(option, "a number of combinations such as 10")?;
                if n == 0 {
                    return Err(usage("--random expects at least 1 combination"));
                }
                random = Some(n);
            }
            "--cv" => {
                k = cursor.parsed(option, "a number of folds such as 5")?;
                if k < 2 {
                    return Err(usage(format!("--cv expects at least 2 folds, not {k}")));
                }
            }
            "--jobs" => {
                jobs = cursor.parsed(option, "a number of threads such as 2")?;
                jobs = jobs.max(1);
            }
            "--top" => top = cursor.parsed(option, "a number of combinations to list, such as 10")?,
            "--quiet" => quiet = true,
            "--log-to" => log_file = Some(cursor.value(option)?.to_string()),
            "--experiment-name" => experiment_name = cursor.value(option)?.to_string(),
            other => return Err(usage(format!("unknown option `{other}` for `ciclo tune`"))),
        }
    }
    if preset {
        let mut axes = Grid::report().axes;
        axes.retain(|(name, _)| !grid.axes.iter().any(|(n, _)| n == name));
        axes.append(&mut grid.axes);
        grid.axes = axes;
    }
    if grid.axes.is_empty() {
        return Err(usage(
            "`ciclo tune` needs a grid: --preset report-grid, or --grid name=v1,v2 (repeatable)",
        ));
    }
    let base = options.model_params("tune")?;
    grid.check(&base).map_err(|error| usage(format!("--grid: {error}")))?;
    let plan = match random {
        Some(n) => tune::plan_random(&grid, n, k, options.seed),
        None => tune::plan(&grid, k, options.seed),
    };

    let started_ms = log_to::now_ms();
    let experiment = Experiment::new("tune", &options)?;
    let data = &experiment.ingested.dataset;
    let prepared =
        tune::prepare(data, &experiment.ingested.target, options.fill, &experiment.split.train, &plan)?;
    let started = Instant::now();
    let folds: Vec<FoldData> =
        (0..k).map(|fold| tune::fold_data(data, &prepared, fold)).collect::<Result<_, TrainError>>()?;
    let results = run_units(&prepared, &folds, &base, jobs, quiet)?;
    let search_seconds = started.elapsed().as_secs_f64();
    let summary = tune::summarize(&plan, &results);

    // Refit the best combination on all the training rows and score it on the test rows.
    let best = summary.first().ok_or_else(|| anyhow::anyhow!("the search produced no result"))?;
    let best_params = tune::combination_params(&prepared, &base, best.combination)?;
    let fitted = experiment.fit(&best_params, &options)?;
    let tracking = experiment.tracking_params(&best_params, &options);
    let logged = match &log_file {
        Some(path) => {
            let search = Search { grid: &grid, plan: &plan, k, random: random.is_some(), base: &base };
            let runs = log_to::log_to(path, &experiment_name, log_to::now_ms(), |_, experiment_id| {
                search_changes(
                    &search,
                    &experiment,
                    &prepared,
                    &summary,
                    (&fitted, &best_params),
                    &options,
                    experiment_id,
                    started_ms,
                )
            })?;
            Some((path.clone(), runs))
        }
        None => None,
    };

    if options.json {
        let grid_json: serde_json::Map<String, serde_json::Value> =
            grid.axes.iter().map(|(name, values)| (name.clone(), serde_json::json!(values))).collect();
        let json = serde_json::json!({
            "command": "tune",
            "model": base.kind().name(),
            "search": if random.is_some() { "random" } else { "grid" },
            "cv": k,
            "seed": options.seed,
            "grid": grid_json,
            "combinations": plan.combinations.len(),
            "units": plan.units.len(),
            "jobs": jobs,
            "search_seconds": search_seconds,
            "rows": data.n_rows(),
            "n_train": experiment.split.train.len(),
            "n_test": experiment.split.test.len(),
            "data": ingest_json(&experiment.ingested),
            "results": summary.iter().map(|s| serde_json::json!({
                "rank": s.rank,
                "params": object(&s.params),
                "mean_f1": s.mean_f1,
                "std_f1": s.std_f1,
                "mean_auc": s.mean_auc,
                "std_auc": s.std_auc,
                "folds": s.folds,
            })).collect::<Vec<_>>(),
            "best": {
                "params": object(&best.params),
                "mean_f1": best.mean_f1,
                "mean_auc": best.mean_auc,
            },
            "metrics": metrics_json(&fitted.metrics),
            "params": object(&tracking),
            "fit_seconds": fitted.fit_seconds,
            "log_to": logged.as_ref().map(|(path, runs)| serde_json::json!({ "file": path, "runs": runs })),
        });
        return print_json(&json);
    }

    let mut text = format!(
        "tune: {} on {} ({} rows), {} search of {} combinations x {k} folds = {} fits on the {} training rows \
         in {search_seconds:.1} s ({jobs} threads)\n",
        base.kind().name(),
        data.name,
        data.n_rows(),
        if random.is_some() { "random" } else { "grid" },
        plan.combinations.len(),
        plan.units.len(),
        experiment.split.train.len(),
    );
    text.push_str("rank  mean F1 (std)     mean ROC AUC (std)  params\n");
    for s in summary.iter().take(top) {
        let params: Vec<String> = s.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        text.push_str(&format!(
            "{:>4}  {:.4} ({:.4})   {:.4} ({:.4})     {}\n",
            s.rank,
            s.mean_f1,
            s.std_f1,
            s.mean_auc,
            s.std_auc,
            params.join(" ")
        ));
    }
    if summary.len() > top {
        text.push_str(&format!("  ... {} more (--top N lists more)\n", summary.len() - top));
    }
    let params: Vec<String> = best.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    text.push_str(&format!(
        "best: {}, refitted on the {} training rows in {:.3} s; on the {} test rows at threshold 0.5:\n",
        params.join(" "),
        experiment.split.train.len(),
        fitted.fit_seconds,
        experiment.split.test.len()
    ));
    text.push_str(&metrics_text(&fitted.metrics));
    if let Some((path, runs)) = &logged {
        text.push_str(&format!(
            "search logged to {path}: a parent run and {} child runs (experiment `{experiment_name}`, {runs} runs in the file)\n",
            summary.len()
        ));
    }
    print(&text)
}

/// What the search was, for its parent run.
struct Search<'a> {
    grid: &'a Grid,
    plan: &'a Plan,
    k: usize,
    random: bool,
    base: &'a ModelParams,
}

/// The changes that record the search as the page records one: a parent run with the search's
/// parameters and the grid, a FINISHED child per combination with its cross-validated scores, and the
/// parent FINISHED with the best combination's parameters and scores, the refit model's test metrics and
/// its artifacts (the search's model, as MLflow's autolog logs `best_estimator_`).
#[allow(clippy::too_many_arguments)] // The search's pieces, each computed once by `tune`.
fn search_changes(
    search: &Search<'_>,
    experiment: &Experiment,
    prepared: &Prepared,
    summary: &[CombinationResult],
    (fitted, best_params): (&Fitted, &ModelParams),
    options: &RunOptions,
    experiment_id: &str,
    started_ms: i64,
) -> anyhow::Result<Vec<Change>> {
    let data = &experiment.ingested.dataset;
    let kind = search.base.kind();
    let name = if search.random { "random" } else { "grid" };
    let mut params: BTreeMap<String, String> = BTreeMap::from([
        ("model".to_string(), kind.name().to_string()),
        ("search".to_string(), name.to_string()),
        ("cv".to_string(), search.k.to_string()),
        ("scoring".to_string(), "f1".to_string()),
        ("combinations".to_string(), search.plan.combinations.len().to_string()),
        ("test_size".to_string(), options.test_size.to_string()),
        ("seed".to_string(), options.seed.to_string()),
        ("target".to_string(), experiment.ingested.target.clone()),
        ("fill".to_string(), options.fill.name().to_string()),
    ]);
    for (axis, values) in &search.grid.axes {
        params.insert(format!("grid.{axis}"), values.join(","));
    }
    let base_tags = || {
        let mut tags = autolog::run_tags(options.seed, env!("CARGO_PKG_VERSION"));
        tags.remove("mlflow.autologging");
        tags.remove("ciclo.seed");
        tags
    };
    let input = autolog::training_input(&data.name, &experiment.ingested.digest, data);
    let mut tags = base_tags();
    tags.insert("ciclo.search".to_string(), name.to_string());
    let parent = Run {
        params,
        tags,
        inputs: vec![input.clone()],
        ..Run::new(
            log_to::new_run_id()?,
            experiment_id,
            format!("{name}-search-{}", kind.short_name()),
            started_ms,
        )
    };
    let mut changes = vec![Change::PutRun(parent.clone())];
    let now = log_to::now_ms();
    for result in summary {
        let combination = tune::combination_params(prepared, search.base, result.combination)?;
        let mut params: BTreeMap<String, String> = combination.tracking_params().into_iter().collect();
        params.insert("cv".to_string(), search.k.to_string());
        params.insert("seed".to_string(), options.seed.to_string());
        let mut tags = base_tags();
        tags.insert("ciclo.combination".to_string(), result.combination.to_string());
        let values: Vec<String> = result.params.iter().map(|(n, v)| format!("{n}={v}")).collect();
        let child = Run {
            status: RunStatus::Finished,
            end_time: Some(now.max(started_ms)),
            params,
            metrics: BTreeMap::from([
                ("cv_f1_mean".to_string(), result.mean_f1),
                ("cv_f1_std".to_string(), result.std_f1),
                ("cv_roc_auc_mean".to_string(), result.mean_auc),
                ("cv_roc_auc_std".to_string(), result.std_auc),
            ]),
            tags,
            inputs: vec![input.clone()],
            ..Run::new(log_to::new_run_id()?, experiment_id, values.join(" "), started_ms)
        };
        changes.push(Change::PutRun(child.with_parent(parent.run_id.clone())));
    }
    let (config, outcome) = experiment.outcome(fitted, best_params, options);
    let mut parent = parent;
    match autolog::worker_artifacts(data, &config, &outcome) {
        Ok(texts) => changes.extend(autolog::artifact_changes(&parent.run_id, texts)),
        Err(error) => {
            parent.tags.insert(autolog::AUTOLOG_ERROR_TAG.to_string(), error);
        }
    }
    if let Some(best) = summary.first() {
        for (name, value) in &best.params {
            parent.params.insert(format!("best_{name}"), value.clone());
        }
        parent.metrics.insert("best_cv_f1_mean".to_string(), best.mean_f1);
        parent.metrics.insert("best_cv_f1_std".to_string(), best.std_f1);
    }
    for (name, value) in outcome.metrics.as_pairs() {
        parent.metrics.insert(name.to_string(), value);
    }
    parent.status = RunStatus::Finished;
    parent.end_time = Some(log_to::now_ms().max(started_ms));
    changes.push(Change::PutRun(parent));
    Ok(changes)
}

/// Runs every unit of the plan on `jobs` threads, in any order, and returns the results in plan order;
/// the count of finished fits goes to standard error unless `quiet` or standard error is not a terminal.
fn run_units(
    prepared: &Prepared,
    folds: &[FoldData],
    base: &ModelParams,
    jobs: usize,
    quiet: bool,
) -> anyhow::Result<Vec<UnitResult>> {
    let units = &prepared.plan.units;
    // Progress on a terminal only: a log file does not need 180 carriage returns.
    let quiet = quiet || !std::io::stderr().is_terminal();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<Result<UnitResult, TrainError>>>> = Mutex::new(vec![None; units.len()]);
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(units.len()).max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(unit) = units.get(i) else { break };
                let result = match folds.get(unit.fold) {
                    Some(fold) => tune::run_unit_on(fold, prepared, base, unit.combination),
                    None => Err(TrainError::Internal { message: format!("no fold {}", unit.fold) }),
                };
                if let Ok(mut slots) = slots.lock() {
                    if let Some(slot) = slots.get_mut(i) {
                        *slot = Some(result);
                    }
                }
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                if !quiet {
                    let _ = write!(std::io::stderr(), "\rtune: {finished}/{} fits", units.len());
                    if finished == units.len() {
                        let _ = writeln!(std::io::stderr());
                    }
                }
            });
        }
    });
    let slots = slots.into_inner().map_err(|_| anyhow::anyhow!("a tuning thread failed"))?;
    slots
        .into_iter()
        .map(|slot| match slot {
            Some(result) => result.map_err(anyhow::Error::from),
            None => Err(anyhow::anyhow!("a unit of the search did not run")),
        })
        .collect()
}
