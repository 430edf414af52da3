//! `ciclo train` and `ciclo evaluate`: fit one model on the training rows and score the test rows.

use ciclo_core::autolog;
use ciclo_core::metrics::{curves, evaluate};
use ciclo_core::ml::ModelParams;
use ciclo_core::tracking::{Change, Run};

use crate::cli::{print, print_json, usage, Options, RunOptions};
use crate::experiment::{
    confusion_json, ingest_json, ingest_notes, metrics_json, metrics_text, object, set, Experiment, Fitted,
};
use crate::log_to;

/// How many points `evaluate` keeps of each curve by default.
const CURVE_POINTS: usize = 50;

/// `ciclo train`.
pub fn train(args: &[String]) -> anyhow::Result<()> {
    run(args, false)
}

/// `ciclo evaluate`.
pub fn evaluate_command(args: &[String]) -> anyhow::Result<()> {
    run(args, true)
}

fn run(args: &[String], full: bool) -> anyhow::Result<()> {
    let command = if full { "evaluate" } else { "train" };
    let mut options = RunOptions::default();
    let mut split_out: Option<String> = None;
    let mut threshold: Option<f64> = None;
    let mut points = CURVE_POINTS;
    let mut log_file: Option<String> = None;
    let mut experiment_name = log_to::DEFAULT_EXPERIMENT.to_string();
    let mut cursor = Options::new(args);
    while let Some(option) = cursor.next_option()? {
        if options.accept(option, &mut cursor)? {
            continue;
        }
        match option {
            "-h" | "--help" => return print(crate::HELP),
            "--split-out" => split_out = Some(cursor.value(option)?.to_string()),
            "--threshold" if full => {
                let t: f64 = cursor.parsed(option, "a probability between 0 and 1, such as 0.5")?;
                if !(0.0..=1.0).contains(&t) {
                    return Err(usage(format!(
                        "--threshold expects a probability between 0 and 1, not `{t}`"
                    )));
                }
                threshold = Some(t);
            }
            "--log-to" => log_file = Some(cursor.value(option)?.to_string()),
            "--experiment-name" => experiment_name = cursor.value(option)?.to_string(),
            "--points" if full => points = cursor.parsed(option, "a number of points such as 50")?,
            other => return Err(usage(format!("unknown option `{other}` for `ciclo {command}`"))),
        }
    }
    let params = options.model_params(command)?;
    let started_ms = log_to::now_ms();
    let experiment = Experiment::new(command, &options)?;
    let fitted = experiment.fit(&params, &options)?;
    let logged = match &log_file {
        Some(path) => {
            let runs =
                log_to::log_to(path, &experiment_name, log_to::now_ms(), |snapshot, experiment_id| {
                    let number =
                        snapshot.runs.iter().filter(|r| r.experiment_id == experiment_id).count() + 1;
                    let name = autolog::run_name(params.kind(), u32::try_from(number).unwrap_or(u32::MAX));
                    run_changes(&experiment, &fitted, &params, &options, experiment_id, &name, started_ms)
                })?;
            Some((path.clone(), runs))
        }
        None => None,
    };
    if let Some(path) = &split_out {
        experiment.write_split(path)?;
    }
    let tracking = experiment.tracking_params(&params, &options);
    let data = &experiment.ingested.dataset;
    let n_features = fitted.pipeline.feature_names().len();

    let extra = if full {
        let curves = curves(&fitted.y_test, &fitted.probabilities, points)?;
        let at_best = evaluate(&fitted.y_test, &fitted.probabilities, curves.best_f1_threshold)?;
        let chosen = threshold.map(|t| evaluate(&fitted.y_test, &fitted.probabilities, t)).transpose()?;
        Some((curves, at_best, chosen))
    } else {
        None
    };

    if options.json {
        let mut json = serde_json::json!({
            "command": command,
            "model": params.kind().name(),
            "metrics": metrics_json(&fitted.metrics),
            "confusion": confusion_json(&fitted.metrics),
            "threshold": fitted.metrics.threshold,
            "params": object(&tracking),
            "fit_seconds": fitted.fit_seconds,
            "rows": data.n_rows(),
            "n_train": experiment.split.train.len(),
            "n_test": experiment.split.test.len(),
            "n_features": n_features,
            "positive": experiment.positive,
            "data": ingest_json(&experiment.ingested),
            "transform": fitted.transform,
            "feature_importances": fitted
                .top_features(n_features)
                .into_iter()
                .map(|(feature, value)| serde_json::json!({ "feature": feature, "importance": value }))
                .collect::<Vec<_>>(),
        });
        if let Some(path) = &split_out {
            set(&mut json, "split_out", path.as_str());
        }
        if let Some((path, runs)) = &logged {
            set(&mut json, "log_to", serde_json::json!({ "file": path, "runs": runs }));
        }
        if let Some((curves, at_best, chosen)) = &extra {
            set(
                &mut json,
                "best_f1",
                serde_json::json!({
                    "threshold": curves.best_f1_threshold,
                    "f1": curves.best_f1,
                    "metrics": metrics_json(at_best),
                    "confusion": confusion_json(at_best),
                }),
            );
            if let Some(chosen) = chosen {
                set(
                    &mut json,
                    "at_threshold",
                    serde_json::json!({
                        "threshold": chosen.threshold,
                        "metrics": metrics_json(chosen),
                        "confusion": confusion_json(chosen),
                    }),
                );
            }
            set(
                &mut json,
                "curves",
                serde_json::json!({
                    "roc": curves.roc,
                    "pr": curves.pr,
                    "calibration": curves.calibration,
                }),
            );
        }
        return print_json(&json);
    }

    let mut text = format!(
        "{command}: {} on {} ({} rows, target `{}`, positive `{}`)\n",
        params.kind().name(),
        data.name,
        data.n_rows(),
        experiment.ingested.target,
        experiment.positive
    );
    text.push_str(&format!(
        "  split: {} train / {} test (test_size {}, seed {}); {n_features} features\n",
        experiment.split.train.len(),
        experiment.split.test.len(),
        options.test_size,
        options.seed
    ));
    text.push_str(&ingest_notes(&experiment.ingested));
    let model_params: Vec<String> =
        params.tracking_params().into_iter().skip(1).map(|(k, v)| format!("{k}={v}")).collect();
    text.push_str(&format!("  params: {}\n", model_params.join(" ")));
    text.push_str(&format!("  fit: {:.3} s\n", fitted.fit_seconds));
    let top: Vec<String> =
        fitted.top_features(5).into_iter().map(|(name, value)| format!("{name} {value:.3}")).collect();
    text.push_str(&format!("  most important features: {}\n", top.join(", ")));
    text.push_str("metrics on the test rows at threshold 0.5:\n");
    text.push_str(&metrics_text(&fitted.metrics));
    if let Some((curves, at_best, chosen)) = &extra {
        if let Some(chosen) = chosen {
            text.push_str(&format!("metrics at threshold {}:\n", chosen.threshold));
            text.push_str(&metrics_text(chosen));
        }
        text.push_str(&format!(
            "best F1 {:.4} at threshold {:.4}:\n",
            curves.best_f1, curves.best_f1_threshold
        ));
        text.push_str(&metrics_text(at_best));
        text.push_str(&format!(
            "curves: ROC {} points, precision-recall {} points (at most {points}; --json prints them)\n",
            curves.roc.len(),
            curves.pr.len()
        ));
        text.push_str("calibration (10 uniform bins):\n  predicted  observed  rows\n");
        for bin in &curves.calibration {
            text.push_str(&format!(
                "  {:>9.3}  {:>8.3}  {:>4}\n",
                bin.mean_predicted, bin.fraction_positive, bin.count
            ));
        }
    }
    if let Some(path) = &split_out {
        text.push_str(&format!("split written to {path}\n"));
    }
    if let Some((path, runs)) = &logged {
        text.push_str(&format!(
            "run logged to {path} (experiment `{experiment_name}`, {runs} runs in the file)\n"
        ));
    }
    print(&text)
}

/// The changes that record this training as the page records one: a RUNNING run started at
/// `started_ms` with the page's parameters, tags and dataset input, then ended FINISHED now with the
/// autologged metrics, loss per round, fit time and artifacts (`ciclo_core::autolog`).
fn run_changes(
    experiment: &Experiment,
    fitted: &Fitted,
    params: &ModelParams,
    options: &RunOptions,
    experiment_id: &str,
    run_name: &str,
    started_ms: i64,
) -> anyhow::Result<Vec<Change>> {
    let data = &experiment.ingested.dataset;
    let (config, outcome) = experiment.outcome(fitted, params, options);
    let artifacts = autolog::worker_artifacts(data, &config, &outcome);
    let run = Run {
        params: config.tracking_params().into_iter().collect(),
        tags: autolog::run_tags(config.seed, env!("CARGO_PKG_VERSION")),
        inputs: vec![autolog::training_input(&data.name, &experiment.ingested.digest, data)],
        ..Run::new(log_to::new_run_id()?, experiment_id, run_name, started_ms)
    };
    let mut changes = vec![Change::PutRun(run.clone())];
    changes.extend(autolog::finished_run(
        run,
        &outcome,
        fitted.fit_seconds * 1000.0,
        artifacts,
        log_to::now_ms(),
    ));
    Ok(changes)
}
