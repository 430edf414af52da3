//! The built `ciclo` binary, run as a user runs it: on generated CSV files in a temporary directory,
//! checking the JSON it prints, the files it writes, its messages and its exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ciclo_core::ml::{train, ModelKind, ModelParams, TrainConfig};
use serde_json::Value;

/// A directory of its own for each test, removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("ciclo-cli-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes the synthetic Telco data set (`rows` rows, seed 3) with `ciclo generate` and returns its path.
    fn synthetic(&self, rows: usize) -> String {
        let path = self.path("synthetic.csv");
        let out =
            ciclo(&["generate", "--rows", &rows.to_string(), "--seed", "3", "--out", path.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        path.to_str().unwrap().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn ciclo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ciclo")).args(args).output().unwrap()
}

/// Runs `args`, expects success, and parses standard output as one JSON object.
fn ciclo_json(args: &[&str]) -> Value {
    let out = ciclo(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `args` and checks the exit code and that standard error contains `message`.
fn check_failure(args: &[&str], code: i32, message: &str) {
    let out = ciclo(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    assert!(stderr.contains(message), "{args:?}: expected `{message}` in {stderr}");
    assert!(out.stdout.is_empty(), "{args:?} printed {}", String::from_utf8_lossy(&out.stdout));
}

const METRICS: [&str; 8] =
    ["accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc", "log_loss", "brier_score"];

#[test]
fn train_json_has_the_metrics_params_timing_and_sizes() {
    let dir = TempDir::new("train");
    let data = dir.synthetic(800);
    let split = dir.path("split.json");
    let json = ciclo_json(&[
        "train",
        "--data",
        &data,
        "--model",
        "forest",
        "-P",
        "n_estimators=20",
        "-P",
        "max_depth=6",
        "--seed",
        "7",
        "--json",
        "--split-out",
        split.to_str().unwrap(),
    ]);
    for key in METRICS {
        let value = json["metrics"][key].as_f64().unwrap_or_else(|| panic!("metrics.{key} in {json}"));
        assert!(value.is_finite() && value >= 0.0, "{key} = {value}");
    }
    assert!(json["metrics"]["roc_auc"].as_f64().unwrap() > 0.7, "{json}");
    assert_eq!(json["params"]["model"], "random_forest");
    assert_eq!(json["params"]["n_estimators"], "20");
    assert_eq!(json["params"]["max_depth"], "6");
    assert_eq!(json["params"]["seed"], "7");
    assert_eq!(json["params"]["positive"], "Yes");
    assert!(json["fit_seconds"].as_f64().unwrap() >= 0.0);
    assert_eq!(
        (json["rows"].as_u64(), json["n_train"].as_u64(), json["n_test"].as_u64()),
        (Some(800), Some(640), Some(160))
    );
    assert_eq!(json["data"]["excluded"][0]["column"], "customerID");

    // The split file: 0-based row indices, disjoint, covering every row.
    let split: Value = serde_json::from_str(&std::fs::read_to_string(&split).unwrap()).unwrap();
    let rows = |key: &str| -> Vec<u64> {
        split[key].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect()
    };
    let (train_rows, test_rows) = (rows("train"), rows("test"));
    assert_eq!((train_rows.len(), test_rows.len()), (640, 160));
    let mut all: Vec<u64> = train_rows.iter().chain(&test_rows).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..800).collect::<Vec<u64>>());
}

/// The CLI times the fit by calling the core's steps one by one: they must be `ml::train`'s steps.
#[test]
fn train_gives_the_metrics_of_the_core() {
    let dir = TempDir::new("same");
    let path = dir.synthetic(600);
    for (model, params) in [("tree", vec![("max_depth", "4")]), ("boosting", vec![("n_estimators", "15")])] {
        let mut args = vec!["train", "--data", &path, "--model", model, "--seed", "5", "--json"];
        let pairs: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for pair in &pairs {
            args.extend(["-P", pair.as_str()]);
        }
        let json = ciclo_json(&args);

        let data = ciclo_core::ingest::read_csv("synthetic.csv", &std::fs::read(&path).unwrap()).unwrap();
        let mut model_params = ModelParams::default_for(ModelKind::from_name(model).unwrap());
        for (k, v) in &params {
            model_params.set(k, v).unwrap();
        }
        let config = TrainConfig { seed: 5, params: model_params, ..TrainConfig::new("Churn") };
        let outcome = train(&data, &config, &mut |_| {}).unwrap();
        for (key, value) in outcome.metrics.as_pairs() {
            assert_eq!(json["metrics"][key].as_f64(), Some(value), "{model} {key}");
        }
        let expected: serde_json::Map<String, Value> =
            outcome.params.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect();
        assert_eq!(json["params"], Value::Object(expected));
    }
}

#[test]
fn evaluate_prints_curves_and_the_best_f1_threshold() {
    let dir = TempDir::new("evaluate");
    let data = dir.synthetic(600);
    let json = ciclo_json(&[
        "evaluate",
        "--data",
        &data,
        "--model",
        "tree",
        "-P",
        "max_depth=5",
        "--threshold",
        "0.3",
        "--points",
        "20",
        "--json",
    ]);
    let best = json["best_f1"]["threshold"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&best));
    assert_eq!(json["best_f1"]["f1"], json["best_f1"]["metrics"]["f1"]);
    assert!(json["best_f1"]["f1"].as_f64() >= json["metrics"]["f1"].as_f64());
    assert_eq!(json["at_threshold"]["threshold"], 0.3);
    let roc = json["curves"]["roc"].as_array().unwrap();
    assert!(roc.len() <= 20 && roc.len() >= 2);
    assert_eq!(roc[0], serde_json::json!({ "fpr": 0.0, "tpr": 0.0, "threshold": null }));
    assert!(json["curves"]["pr"].as_array().unwrap().len() <= 20);
    assert!(!json["curves"]["calibration"].as_array().unwrap().is_empty());

    let out = ciclo(&["evaluate", "--data", &data, "--model", "logreg"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("best F1") && text.contains("calibration") && text.contains("brier_score"),
        "{text}"
    );
}

#[test]
fn tune_ranks_combinations_by_cross_validated_f1() {
    let dir = TempDir::new("tune");
    let data = dir.synthetic(500);
    let args = [
        "tune",
        "--data",
        &data,
        "--model",
        "forest",
        "--grid",
        "n_estimators=5,10",
        "--grid",
        "max_depth=3,None",
        "--cv",
        "3",
        "--json",
        "--jobs",
        "2",
    ];
    let json = ciclo_json(&args);
    assert_eq!((json["combinations"].as_u64(), json["units"].as_u64()), (Some(4), Some(12)));
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["rank"], 1);
    let means: Vec<f64> = results.iter().map(|r| r["mean_f1"].as_f64().unwrap()).collect();
    assert!(means.windows(2).all(|w| w[0] >= w[1]), "{means:?}");
    assert_eq!(results[0]["folds"].as_array().unwrap().len(), 3);
    assert_eq!(json["best"]["params"], results[0]["params"]);
    for key in METRICS {
        assert!(json["metrics"][key].is_f64(), "{key}");
    }
    // One thread gives the same results as two.
    let mut one = args.to_vec();
    one.pop();
    one.push("1");
    let again = ciclo_json(&one);
    assert_eq!(again["results"], json["results"]);

    // The report's grid, sampled: 3 of its 36 combinations.
    let json = ciclo_json(&[
        "tune",
        "--data",
        &data,
        "--model",
        "forest",
        "--preset",
        "report-grid",
        "--random",
        "3",
        "--cv",
        "2",
        "--json",
        "-P",
        "max_bins=32",
    ]);
    assert_eq!((json["combinations"].as_u64(), json["units"].as_u64()), (Some(3), Some(6)));
    assert_eq!(json["grid"]["max_depth"], serde_json::json!(["5", "10", "15", "None"]));
}

#[test]
fn profile_shows_the_schema() {
    let dir = TempDir::new("profile");
    let data = dir.synthetic(300);
    let json = ciclo_json(&["profile", "--data", &data, "--json"]);
    assert_eq!(json["rows"], 300);
    assert_eq!(json["target"], "Churn");
    let schema = json["schema"].as_array().unwrap();
    assert_eq!(schema.len(), 21);
    assert_eq!(
        schema[0]["role"],
        serde_json::json!({ "id": { "reason": { "all_distinct": { "values": 300 } } } })
    );
    assert_eq!(schema[1]["kind"], "binary");
    // A file without `Churn` is profiled without a target.
    let other = dir.path("other.csv");
    std::fs::write(&other, "a;b\n1;x\n2;y\n3;x\n").unwrap();
    let json = ciclo_json(&["profile", "--data", other.to_str().unwrap(), "--json"]);
    assert_eq!((json["rows"].as_u64(), json["target"].is_null()), (Some(3), true));
}

#[test]
fn bad_command_lines_exit_with_2() {
    let dir = TempDir::new("usage");
    let data = dir.synthetic(50);
    check_failure(&[], 2, "no subcommand given");
    check_failure(&["fly"], 2, "unknown subcommand `fly`");
    check_failure(&["train", "--model", "forest"], 2, "needs --data FILE");
    check_failure(&["train", "--data", &data], 2, "needs --model");
    check_failure(&["train", "--data", &data, "--model", "svm"], 2, "svm");
    check_failure(
        &["train", "--data", &data, "--model", "forest", "--colour", "red"],
        2,
        "unknown option `--colour`",
    );
    check_failure(&["train", "--data", &data, "--model", "forest", "-P", "n_trees=5"], 2, "n_trees");
    check_failure(&["train", "--data", &data, "--model", "logreg", "-P", "C=-1"], 2, "-P C=-1");
    check_failure(&["train", "--data", &data, "--model", "logreg", "--test-size", "0"], 2, "--test-size");
    check_failure(&["tune", "--data", &data, "--model", "forest"], 2, "needs a grid");
    check_failure(
        &["tune", "--data", &data, "--model", "tree", "--preset", "report-grid"],
        2,
        "n_estimators",
    );
}

#[test]
fn bad_data_exits_with_1_and_says_what_to_do() {
    let dir = TempDir::new("data");
    let write = |name: &str, text: &str| -> String {
        let path = dir.path(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let one_class = write("one.csv", "tenure,Contract,Churn\n1,Month,No\n5,Year,No\n7,Month,No\n");
    check_failure(
        &["train", "--data", &one_class, "--model", "logreg"],
        1,
        "the target `Churn` holds only `No`: a classifier needs two classes",
    );
    let ragged = write("ragged.csv", "a,b,Churn\n1,2,No\n3,Yes\n");
    check_failure(
        &["train", "--data", &ragged, "--model", "tree"],
        1,
        "line 3 has 2 fields but the header has 3",
    );
    let no_churn = write("nochurn.csv", "a,b\n1,x\n2,y\n");
    check_failure(
        &["train", "--data", &no_churn, "--model", "tree"],
        1,
        "choose the target column, one of `a`, `b`",
    );
    check_failure(&["train", "--data", &no_churn, "--model", "tree", "--target", "c"], 1, "no column `c`");
    let missing = dir.path("missing.csv");
    check_failure(&["train", "--data", missing.to_str().unwrap(), "--model", "tree"], 1, "cannot read");
    assert!(!Path::new(&missing).exists());
}

/// `train --log-to` twice into one file (issue 7): two runs in one experiment, recorded as the page
/// records them (artifacts with the model, fit time, loss per round, tags, dataset input), in a
/// document the core reads back.
#[test]
fn train_log_to_records_runs_into_an_export_document() {
    use ciclo_core::autolog;
    use ciclo_core::exchange::parse;
    use ciclo_core::serving::LoggedModel;
    use ciclo_core::tracking::RunStatus;

    let dir = TempDir::new("log-to");
    let data = dir.synthetic(500);
    let file = dir.path("runs.json");
    let file = file.to_str().unwrap();
    for (model, param) in [("logreg", "C=0.5"), ("boosting", "n_estimators=5")] {
        let args = ["train", "--data", &data, "--model", model, "-P", param, "--log-to", file];
        let json = ciclo_json(&[&args[..], &["--experiment-name", "cli <runs>", "--json"]].concat());
        assert_eq!(json["log_to"]["file"], file);
    }
    let document = parse(&std::fs::read(file).unwrap()).unwrap();
    assert_eq!(document.runs.len(), 2);
    assert_eq!(document.producer, format!("ciclo {} (cli)", env!("CARGO_PKG_VERSION")));
    let experiment = document.experiments.iter().find(|e| e.name == "cli <runs>").unwrap();
    let mut paths = autolog::ARTIFACT_PATHS.to_vec();
    paths.sort_unstable();
    for run in &document.runs {
        assert_eq!(run.experiment_id, experiment.experiment_id);
        assert_eq!(run.status, RunStatus::Finished);
        assert!(run.run_id.len() == 32 && run.run_id.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(run.end_time.unwrap() >= run.start_time);
        assert_eq!(run.artifacts.iter().map(|a| a.path.as_str()).collect::<Vec<_>>(), paths);
        assert!(run.metrics.contains_key(autolog::FIT_MS) && run.metrics.contains_key("roc_auc"));
        assert_eq!(run.tags["mlflow.source.name"], "ciclo");
        assert_eq!(run.tags["mlflow.source.type"], "LOCAL");
        assert_eq!(run.tags["ciclo.seed"], "42");
        assert_eq!(run.params["positive"], "Yes");
        assert_eq!((run.inputs[0].rows, run.inputs[0].context.as_str()), (500, "training"));
        let model = run.artifacts.iter().find(|a| a.path == autolog::MODEL).unwrap();
        serde_json::from_str::<LoggedModel>(&model.content).unwrap();
    }
    assert_ne!(document.runs[0].run_id, document.runs[1].run_id);
    assert_eq!(document.runs[1].run_name, "gradient-boosting-2");
    assert_eq!(document.runs[1].metric_history[autolog::TRAIN_LOSS].len(), 5);
    let left: Vec<_> = std::fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 2, "no temporary file is left: {left:?}");

    // A file that is not an export is refused, and left as it was.
    std::fs::write(file, "[]").unwrap();
    check_failure(
        &["train", "--data", &data, "--model", "logreg", "--log-to", file],
        1,
        "not a usable export",
    );
    assert_eq!(std::fs::read_to_string(file).unwrap(), "[]");
}

/// `tune --log-to`: a parent run with the refit model's artifacts and a child per combination, as the
/// page's search logs them.
#[test]
fn tune_log_to_records_a_parent_and_a_child_per_combination() {
    use ciclo_core::exchange::parse;

    let dir = TempDir::new("tune-log-to");
    let data = dir.synthetic(400);
    let file = dir.path("search.json");
    let file = file.to_str().unwrap();
    let args =
        ["tune", "--data", &data, "--model", "tree", "--grid", "max_depth=2,3", "--cv", "2", "--quiet"];
    let json = ciclo_json(&[&args[..], &["--log-to", file, "--json"]].concat());
    assert_eq!(json["log_to"]["runs"], 3);
    let document = parse(&std::fs::read(file).unwrap()).unwrap();
    let parent = &document.runs[0];
    assert_eq!(
        (parent.run_name.as_str(), parent.params["grid.max_depth"].as_str()),
        ("grid-search-tree", "2,3")
    );
    assert!(parent.artifacts.iter().any(|a| a.path == "model/model.json"));
    assert!(parent.metrics.contains_key("best_cv_f1_mean") && parent.params.contains_key("best_max_depth"));
    let children: Vec<_> = document.runs[1..].iter().collect();
    assert_eq!(children.len(), 2);
    for child in children {
        assert_eq!(child.parent_run_id.as_deref(), Some(parent.run_id.as_str()));
        assert!(child.run_name.starts_with("max_depth="));
        assert!(child.metrics.contains_key("cv_f1_mean"));
    }
}
