//! `ciclo`, the command line over Ciclo's core, shaped like MLflow's commands with scikit-learn's
//! parameter names.
//!
//! `main` only collects the arguments and maps errors to exit codes; [`run`] dispatches to one module per
//! subcommand (`generate`, `train`, `evaluate`, `tune`, `profile`, `push`), each of which parses its own options
//! with the cursor of [`cli`]. A bad command line is a [`cli::Usage`] error (exit code 2, message on
//! stderr); any other failure (a file that cannot be read, a target with one class, ...) exits with 1.

mod cli;
mod experiment;
mod generate;
mod log_to;
mod profile;
mod push;
mod train;
mod tune;

use std::process::ExitCode;

use cli::{print, usage, Usage};

/// The text of `ciclo --help`.
const HELP: &str = "\
ciclo: the command line of Ciclo, the MLOps playground

Usage:
  ciclo train --data FILE --model MODEL [--target COLUMN] [--seed N] [--test-size F] [-P name=value ...]
              [--fill zero|median] [--json] [--split-out FILE] [--log-to FILE [--experiment-name NAME]]
      Split FILE (stratified), fit the preprocessing and MODEL on the training rows, score the test rows.
      MODEL         logreg, tree, forest or boosting
      --target C    the column to predict (default Churn)
      --seed N      seed of the split and of the model (default 42)
      --test-size F share of rows held out for testing (default 0.2)
      -P name=value a model parameter by its scikit-learn name, repeatable: logreg C, max_iter, tol;
                    tree max_depth, min_samples_split, min_samples_leaf, max_features, max_bins;
                    forest n_estimators, max_depth, min_samples_split, min_samples_leaf, max_features,
                    bootstrap, max_bins; boosting n_estimators, learning_rate, max_depth,
                    min_child_weight, reg_lambda, subsample, colsample_bytree, max_bins,
                    early_stopping_rounds, validation_fraction (None means no limit)
      --fill        how blank numeric cells are filled (default zero)
      --json        print one JSON object: metrics, params, fit_seconds (the model's fit alone), rows,
                    n_train, n_test, ...
      --split-out F write the split's row indices (0-based data rows) to F as {\"train\": [...], \"test\": [...]}
      --log-to F    record the run, autologged as the page records one (metrics, loss per round, curves,
                    the model), into the export document F (created, or extended: the page imports it)
      --experiment-name NAME  the experiment of the logged run, created when missing (default Default)
  ciclo evaluate [the options of train] [--threshold T] [--points N]
      Train as above, then print every metric (accuracy, precision, recall, F1, ROC AUC, PR AUC, log loss,
      Brier score), the threshold that maximizes F1, the metrics at --threshold T, the ROC and
      precision-recall curves (at most N points each with --json, default 50) and the calibration curve.
  ciclo tune --data FILE --model MODEL (--preset report-grid | --grid name=v1,v2 ...) [--random N] [--cv K]
             [--jobs N] [--top N] [--quiet] [--log-to FILE [--experiment-name NAME]] [the options of train]
      Cross-validate every combination of the grid (stratified K folds, default 5) on the training rows,
      rank them by mean F1 (ROC AUC too), refit the best on the training rows and score the test rows.
      --preset report-grid  the report's forest grid: n_estimators 50,100,200 x max_depth 5,10,15,None x
                            min_samples_split 2,5,10 (36 combinations); --grid adds or replaces axes
      --random N    try N combinations of the grid drawn at random (seeded) instead of all
      --jobs N      threads (default: the number of cores)
      --log-to F    record the search as the page does into the export document F: a parent run (the grid,
                    the best combination, the refit model and its artifacts) and a child run per combination
  ciclo profile --data FILE [--target COLUMN] [--json]
      The schema (kind and role of each column), blank cells and a per-column profile.
  ciclo generate [--rows N] [--seed S] [--out FILE] [--drift JSON]
      Write the built-in synthetic Telco churn data set as CSV (to standard output without --out).
      --rows N      number of customers, at most 1000000 (default 7043, the size of IBM's sample)
      --seed S      random seed, any integer from 0 to 2^64 - 1 (default 42)
      --out FILE    write to FILE instead of standard output
      --drift JSON  simulate production drift, for example '{\"monthly_charges_shift\": 0.1}';
                    knobs: monthly_charges_shift, contract_mix, fiber_mix, fiber_churn_boost, churn_boost
  ciclo push FILE --tracking-uri URL [--json]
      Push an export document (runs with their metric histories, dataset inputs and artifacts, the
      registered models with their versions, stages and aliases) to an MLflow tracking server over its
      REST API. Pushing again creates nothing twice: runs are found by their ciclo.run_id tag, and a run
      an interrupted push left unfinished is deleted and pushed again. Artifacts need the server's proxy
      (mlflow server --artifacts-destination); stages the server refuses are warnings.
      --tracking-uri URL  http:// or https:// (default: the MLFLOW_TRACKING_URI variable)
      --json              print the report as one JSON object: counts, warnings, the server's ids
  ciclo --help
      Show this text.

Files: CSV with a header row, delimited by , ; tab or |, UTF-8 (a byte-order mark is fine), at most 100 MB.
Exit codes: 0 success, 1 failure, 2 bad command line.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ciclo: {error:#}");
            if error.is::<Usage>() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Runs the command line `args` (without the program name).
fn run(args: &[String]) -> anyhow::Result<()> {
    match args.split_first() {
        None => Err(usage("no subcommand given")),
        Some((command, rest)) => match command.as_str() {
            "-h" | "--help" | "help" => print(HELP),
            "generate" => generate::generate(rest),
            "train" => train::train(rest),
            "evaluate" => train::evaluate_command(rest),
            "tune" => tune::tune(rest),
            "profile" => profile::profile_command(rest),
            "push" => push::push(rest),
            other => Err(usage(format!("unknown subcommand `{other}`"))),
        },
    }
}

#[cfg(test)]
// A failure in a test is a failed test, not a dead page: tests may unwrap, index and panic.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use ciclo_core::telco;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    fn is_usage(line: &str) -> bool {
        run(&args(line)).is_err_and(|e| e.is::<Usage>())
    }

    #[test]
    fn bad_command_lines_are_usage_errors() {
        assert!(is_usage(""));
        assert!(is_usage("frobnicate"));
        assert!(is_usage("generate --rows"));
        assert!(is_usage("generate --rows many"));
        assert!(is_usage("generate --rows -3"));
        assert!(is_usage("generate --rows 1000001"));
        assert!(HELP.contains(&format!("at most {}", telco::MAX_ROWS)));
        assert!(is_usage("generate --seed 1 --colour blue"));
        assert!(is_usage("generate stray"));
        assert!(is_usage("generate --drift nonsense"));
        assert!(is_usage("generate --drift {\"contract_mix\":\"half\"}"));
        // Checked before any file is read.
        assert!(is_usage("train --data x.csv"));
        assert!(is_usage("train --model forest"));
        assert!(is_usage("train --data x.csv --model svm"));
        assert!(is_usage("train --data x.csv --model logreg -P C=abc"));
        assert!(is_usage("train --data x.csv --model logreg -P nope=1"));
        assert!(is_usage("train --data x.csv --model logreg -P C"));
        assert!(is_usage("train --data x.csv --model logreg --test-size 1.5"));
        assert!(is_usage("train --data x.csv --model logreg --fill mean"));
        assert!(is_usage("train --data x.csv --model logreg --threshold 0.3"));
        assert!(is_usage("evaluate --data x.csv --model logreg --threshold 3"));
        assert!(is_usage("tune --data x.csv --model forest"));
        assert!(is_usage("tune --data x.csv --model forest --preset other"));
        assert!(is_usage("tune --data x.csv --model forest --grid max_depth="));
        assert!(is_usage("tune --data x.csv --model forest --grid depth=1,2"));
        assert!(is_usage("tune --data x.csv --model logreg --preset report-grid"));
        assert!(is_usage("tune --data x.csv --model forest --preset report-grid --cv 1"));
        assert!(is_usage("profile"));
        assert!(is_usage("profile --data x.csv --model forest"));
        assert!(is_usage("push"));
        assert!(is_usage("push doc.json --tracking-uri"));
        assert!(is_usage("push doc.json --tracking-uri localhost:5000"));
        assert!(is_usage("push a.json b.json --tracking-uri http://x"));
        assert!(is_usage("push doc.json --colour blue"));
    }

    #[test]
    fn generate_writes_the_csv_to_a_file() {
        let path = std::env::temp_dir().join(format!("ciclo-cli-test-{}.csv", std::process::id()));
        let line = format!("generate --rows 5 --seed 3 --out {}", path.display());
        run(&args(&line)).unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(written, telco::generate(5, 3).to_csv());
        assert!(written.starts_with("customerID,gender,SeniorCitizen,"));
    }
}
