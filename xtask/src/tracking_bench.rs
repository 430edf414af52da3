//! `cargo xtask bench --tracking`: the tracking measurements of issue 4, on the release page in headless
//! Chromium, each compared with a peer measured in the same run (the machine is shared and noisy). Benchmarks
//! are not tests: nothing here runs in `cargo xtask test`, and a missed goal is reported, not failed.
//!
//! 1. Long Tasks (`tests/e2e/bench/tracking.mjs`, step 1): a `PerformanceObserver` of `longtask` entries
//!    installed before the page's scripts; the page opened, each family trained once from the Experiments
//!    page, the report's grid search run from its preset button; and, in step 2, two trainings with 10,000
//!    runs stored. Per activity: how many main-thread tasks took over 50 ms and the longest (goal: none over
//!    100 ms).
//! 2. The runs page with 10,000 runs (step 2): the page's own records of step 1 are the templates of 10,000
//!    active runs and 150 deleted ones written straight into its IndexedDB; then, [`REPETITIONS`] times,
//!    reload `#/runs` and time its first page (goal ≤ 500 ms), a search and a sort (goal ≤ 100 ms). The
//!    peer is the same page with one page of runs (50), measured alike in the same run.
//! 3. The report's grid in the page (36 combinations × 5 folds over `navigator.hardwareConcurrency`
//!    workers, refit included; timed in step 1) against scikit-learn's `GridSearchCV(n_jobs=-1)` on the
//!    same data: `ciclo generate --rows 7043 --seed 42` (checked to be the page's built-in data by its
//!    digest), run by `tests/peers/bench_peers.py grid`, which also times `ciclo tune` natively.
//!
//! Printed as markdown and written to `target/bench/tracking.json`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::bench::{median, utc_date};
use crate::cmd;
use crate::page;
use crate::peers;
use crate::setup::Tools;
use crate::static_server::StaticServer;

/// Active runs written for the runs page, as issue 4 asks.
const RUNS: usize = 10_000;
/// Runs written in the trash besides them.
const DELETED: usize = 150;
/// The peer: one page of runs.
const BASELINE_RUNS: usize = 50;
/// Reloads (each followed by a search, a cleared search and a sort); `--quick` does fewer.
const REPETITIONS: usize = 7;
const REPETITIONS_QUICK: usize = 3;
/// The search typed into `#run-filter`, and the column clicked to sort.
const FILTER: &str = "metrics.f1 > 0.55 and params.model = 'random_forest'";
const SORT: &str = "metrics.f1";
/// The page's built-in data set (`state::BUILTIN_ROWS`, `state::BUILTIN_SEED`).
const ROWS: usize = 7_043;
const DATA_SEED: u64 = 42;
/// Goals of issue 4.
const GOAL_LOAD_MS: f64 = 500.0;
const GOAL_UPDATE_MS: f64 = 100.0;
const GOAL_TASK_MS: f64 = 100.0;

/// Runs the tracking benchmark; `quick` reloads the runs page fewer times.
pub fn run(tools: &Tools, quick: bool) -> Result<()> {
    let venv = peers::ensure(tools)?;
    let ciclo = build_cli(tools)?;
    page::dist(tools)?;
    let commit = commit(tools);
    let load_before = load_average();
    let repetitions = if quick { REPETITIONS_QUICK } else { REPETITIONS };

    std::fs::create_dir_all(tools.root.join("target").join("bench"))?;
    let server = StaticServer::start(&tools.root.join("dist"))?;
    cmd::step(&format!(
        "browser: long tasks, the report grid and the runs page with {RUNS} runs ({repetitions} reloads) at {}",
        server.url
    ));
    let plan = json!({
        "runs": RUNS,
        "deleted": DELETED,
        "baseline_runs": BASELINE_RUNS,
        "repetitions": repetitions,
        "filter": FILTER,
        "sort": SORT,
        "profile": tools.root.join("target").join("bench").join("tracking-load.cpuprofile"),
    });
    let output = cmd::capture(
        tools
            .command("node")
            .arg("bench/tracking.mjs")
            .current_dir(tools.e2e_dir())
            .env("CICLO_URL", &server.url)
            .env("CICLO_BENCH_PLAN", plan.to_string()),
    );
    drop(server);
    let browser = parse(&output?, "tests/e2e/bench/tracking.mjs")?;

    let data_dir = tools.root.join("target").join("bench").join("data");
    std::fs::create_dir_all(&data_dir)?;
    let csv = data_dir.join(format!("telco-{ROWS}-seed{DATA_SEED}.csv"));
    cmd::step(&format!(
        "data: ciclo generate --rows {ROWS} --seed {DATA_SEED}, the page's built-in data set"
    ));
    cmd::run(Command::new(&ciclo).current_dir(&tools.root).args([
        "generate",
        "--rows",
        &ROWS.to_string(),
        "--seed",
        &DATA_SEED.to_string(),
        "--out",
        &csv.to_string_lossy(),
    ]))?;
    let trained = cmd::capture(
        Command::new(&ciclo)
            .current_dir(&tools.root)
            .args(["train", "--model", "tree", "--json", "--data"])
            .arg(&csv),
    )?;
    let cli_digest = parse(&trained, "ciclo train --json")?.pointer("/data/digest").cloned();
    let page_digest = browser.get("digest").cloned();
    if cli_digest.is_none() || cli_digest != page_digest {
        bail!(
            "`ciclo generate --rows {ROWS} --seed {DATA_SEED}` has digest {} but the page's runs were trained on \
             {}: the peers would not fit the page's data",
            cli_digest.unwrap_or(Value::Null),
            page_digest.unwrap_or(Value::Null)
        );
    }

    cmd::step(
        "the report's grid natively: ciclo tune --preset report-grid --cv 5 and GridSearchCV(n_jobs=-1)",
    );
    let grid = parse(
        &cmd::capture(
            peers::python(tools, &venv, "tests/peers/bench_peers.py")
                .args(["grid", "--seed", &DATA_SEED.to_string()])
                .arg("--ciclo")
                .arg(&ciclo)
                .arg("--data")
                .arg(&csv),
        )?,
        "tests/peers/bench_peers.py grid",
    )?;

    let load = [load_before, load_average()];
    let summary = Summary::of(&browser, &grid)?;
    let report = summary.markdown(&browser, &grid, quick);
    cmd::step("tracking benchmark");
    println!("{report}");
    println!("commit measured: {commit}");
    if let [Some(before), Some(after)] = load {
        println!("load average (1 min) of the machine: {before} before, {after} after");
    }

    let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
    let report_json = json!({
        "date": utc_date(SystemTime::now()),
        "command": if quick { "cargo xtask bench --tracking --quick" } else { "cargo xtask bench --tracking" },
        "commit": commit,
        "machine": { "cores": cores, "os": std::env::consts::OS, "arch": std::env::consts::ARCH },
        "load_average_1min": { "before": load[0], "after": load[1] },
        "goals": { "load_ms": GOAL_LOAD_MS, "update_ms": GOAL_UPDATE_MS, "task_ms": GOAL_TASK_MS },
        "plan": plan,
        "digest": page_digest,
        "summary": summary.json(),
        "raw": { "browser": browser, "grid": grid },
        "markdown": report,
    });
    let out = tools.root.join("target").join("bench").join("tracking.json");
    std::fs::write(&out, serde_json::to_string_pretty(&report_json)? + "\n")?;
    cmd::step("written target/bench/tracking.json");
    Ok(())
}

/// The medians and ratios the tables show.
#[derive(Debug, PartialEq)]
struct Summary {
    /// First page of the runs table after a reload, in the DOM and at the next frame: (10,000 runs, peer).
    first_page_dom: (f64, f64),
    first_page_frame: (f64, f64),
    /// The store loaded (`ciclo-ready`): (10,000 runs, peer).
    ready: (f64, f64),
    /// Event to table updated, in the DOM and at the next frame, with 10,000 runs.
    search: (f64, f64),
    clear: (f64, f64),
    sort: (f64, f64),
    /// The report grid: in the page, `ciclo tune`, `GridSearchCV` (seconds).
    grid_page_s: f64,
    grid_tune_s: f64,
    grid_peer_s: f64,
}

impl Summary {
    fn of(browser: &Value, grid: &Value) -> Result<Summary> {
        let many = browser.pointer("/runs_page/many").context("tracking.mjs measured no runs page")?;
        let baseline =
            browser.pointer("/runs_page/baseline").context("tracking.mjs measured no peer page")?;
        let both = |field: &str| -> Result<(f64, f64)> {
            Ok((median_of(many, "loads", field)?, median_of(baseline, "loads", field)?))
        };
        let update = |list: &str| -> Result<(f64, f64)> {
            Ok((median_of(many, list, "dom_ms")?, median_of(many, list, "frame_ms")?))
        };
        Ok(Summary {
            first_page_dom: both("dom_ms")?,
            first_page_frame: both("frame_ms")?,
            ready: both("ready_ms")?,
            search: update("searches")?,
            clear: update("clears")?,
            sort: update("sorts")?,
            grid_page_s: number(browser, "/grid/ms")? / 1000.0,
            grid_tune_s: number(grid, "/ours/seconds")?,
            grid_peer_s: number(grid, "/peer/seconds")?,
        })
    }

    fn json(&self) -> Value {
        json!({
            "first_page_ms": { "dom": self.first_page_dom.0, "frame": self.first_page_frame.0 },
            "first_page_peer_ms": { "dom": self.first_page_dom.1, "frame": self.first_page_frame.1 },
            "ready_ms": self.ready.0,
            "ready_peer_ms": self.ready.1,
            "search_ms": { "dom": self.search.0, "frame": self.search.1 },
            "clear_ms": { "dom": self.clear.0, "frame": self.clear.1 },
            "sort_ms": { "dom": self.sort.0, "frame": self.sort.1 },
            "grid_s": { "page": self.grid_page_s, "ciclo_tune": self.grid_tune_s, "gridsearchcv": self.grid_peer_s },
            "grid_page_over_gridsearchcv": self.grid_page_s / self.grid_peer_s,
        })
    }

    /// The tables, for the terminal and docs/BENCHMARKS.md.
    fn markdown(&self, browser: &Value, grid: &Value, quick: bool) -> String {
        let mark = |value: f64, goal: f64| if value <= goal { "yes" } else { "**no**" };
        let seeded = |field: &str| browser.pointer(&format!("/runs_page/many/seeded/{field}")).cloned();
        let reloads = browser.pointer("/runs_page/many/loads").and_then(Value::as_array).map_or(0, Vec::len);
        let mut text = String::new();

        text.push_str(&format!(
            "Long tasks of the page's main thread (over 50 ms), per activity (goal: none over {GOAL_TASK_MS:.0} ms)\n\n\
             | activity | duration | long tasks | longest | over 100 ms | each |\n|---|---:|---:|---:|---:|---|\n"
        ));
        let activities = ["/long_tasks", "/runs_page/many/trainings"]
            .iter()
            .filter_map(|pointer| browser.pointer(pointer).and_then(Value::as_array))
            .flatten();
        for activity in activities {
            let field = |name: &str| activity.get(name).and_then(Value::as_f64).unwrap_or(0.0);
            let each: Vec<String> = activity
                .get("durations_ms")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_f64)
                .map(|d| format!("{d:.0}"))
                .collect();
            text.push_str(&format!(
                "| {} | {:.1} s | {:.0} | {:.0} ms {} | {:.0} | {} |\n",
                activity.get("activity").and_then(Value::as_str).unwrap_or_default(),
                field("window_ms") / 1000.0,
                field("count"),
                field("longest_ms"),
                mark(field("longest_ms"), GOAL_TASK_MS),
                field("over_100_ms"),
                if each.is_empty() { "—".to_string() } else { each.join(", ") },
            ));
        }

        text.push_str(&format!(
            "\nThe runs page (`#/runs`), median of {reloads} reloads{}: {} active runs and {} deleted in IndexedDB \
             ({} grid searches with {} children; statuses {}), against the same page with {BASELINE_RUNS} runs\n\n\
             | measure | {RUNS} runs | {BASELINE_RUNS} runs (peer) | ratio | goal | met |\n|---|---:|---:|---:|---:|---|\n",
            if quick { " (`--quick`)" } else { "" },
            seeded("active").unwrap_or_default(),
            seeded("deleted").unwrap_or_default(),
            seeded("parents").unwrap_or_default(),
            seeded("children").unwrap_or_default(),
            seeded("statuses").unwrap_or_default(),
        ));
        let load_row = |name: &str, (ours, peer): (f64, f64), goal: Option<f64>| {
            format!(
                "| {name} | {ours:.0} ms | {peer:.0} ms | {:.1} | {} | {} |\n",
                ours / peer,
                goal.map_or("—".to_string(), |g| format!("≤ {g:.0} ms")),
                goal.map_or("—", |g| mark(ours, g)),
            )
        };
        text.push_str(&load_row("store loaded (`ciclo-ready`, from navigation)", self.ready, None));
        text.push_str(&load_row(
            "first page of rows in the DOM (from navigation)",
            self.first_page_dom,
            Some(GOAL_LOAD_MS),
        ));
        text.push_str(&load_row(
            "first page of rows, next frame (from navigation)",
            self.first_page_frame,
            Some(GOAL_LOAD_MS),
        ));
        if let Some(idb) = browser.pointer("/runs_page/many/profile/idb") {
            let field = |name: &str| idb.get(name).and_then(Value::as_f64).unwrap_or(0.0);
            text.push_str(&format!(
                "| of which IndexedDB's own `getAll` of the {:.0} run records ({:.1} MB as JSON), timed from \
                 JavaScript alone (one more reload, not counted above) | {:.0} ms | — | — | — | — |\n",
                field("runs"),
                field("json_chars") / 1e6,
                field("get_all_ms"),
            ));
        }
        let update_row = |name: &str, (dom, frame): (f64, f64)| {
            format!(
                "| {name}: in the DOM / next frame | {dom:.0} / {frame:.0} ms | — | — | ≤ {GOAL_UPDATE_MS:.0} ms | {} |\n",
                mark(frame, GOAL_UPDATE_MS)
            )
        };
        text.push_str(&update_row(
            &format!("search `{FILTER}` ({} runs match)", seeded("matched").unwrap_or_default()),
            self.search,
        ));
        text.push_str(&update_row("search cleared (every run again)", self.clear));
        text.push_str(&update_row(&format!("sort by clicking `{SORT}`"), self.sort));

        let workers = browser.pointer("/grid/workers").and_then(Value::as_u64).unwrap_or(0);
        let jobs = grid.pointer("/ours/jobs").and_then(Value::as_u64).unwrap_or(0);
        let cpus = grid.pointer("/peer/cpus").and_then(Value::as_u64).unwrap_or(0);
        text.push_str(&format!(
            "\nThe report's grid (random forest, 36 combinations × 5 folds on the {} training rows of the page's \
             data set, {ROWS} rows seed {DATA_SEED}; refit of the best included), seconds\n\n\
             | page: \"report grid\" preset ({workers} workers) | `ciclo tune` natively ({jobs} threads) | \
             `GridSearchCV(n_jobs=-1)` ({cpus} CPUs) | page / GridSearchCV | page / ciclo tune |\n\
             |---:|---:|---:|---:|---:|\n| {:.1} | {:.1} | {:.1} | {:.2} | {:.2} |\n",
            grid.pointer("/n_train").and_then(Value::as_u64).unwrap_or(0),
            self.grid_page_s,
            self.grid_tune_s,
            self.grid_peer_s,
            self.grid_page_s / self.grid_peer_s,
            self.grid_page_s / self.grid_tune_s,
        ));
        text
    }
}

/// The median of `field` over the objects of the array `list` in `value`.
fn median_of(value: &Value, list: &str, field: &str) -> Result<f64> {
    let mut samples: Vec<f64> = value
        .get(list)
        .and_then(Value::as_array)
        .with_context(|| format!("tracking.mjs measured no `{list}`"))?
        .iter()
        .filter_map(|sample| sample.get(field).and_then(Value::as_f64))
        .collect();
    samples.sort_by(f64::total_cmp);
    median(&samples).with_context(|| format!("tracking.mjs measured no `{list}` with `{field}`"))
}

fn number(value: &Value, pointer: &str) -> Result<f64> {
    value.pointer(pointer).and_then(Value::as_f64).with_context(|| format!("no number at {pointer}"))
}

fn parse(output: &str, what: &str) -> Result<Value> {
    let line = output.lines().rev().find(|line| line.trim_start().starts_with('{')).unwrap_or_default();
    serde_json::from_str(line).with_context(|| format!("{what} printed no JSON on its last line"))
}

/// The machine's load average over the last minute (Linux).
fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// The commit measured, with `+changes` when the working tree differs from it.
fn commit(tools: &Tools) -> String {
    let head = cmd::probe(tools.command("git").args(["rev-parse", "--short", "HEAD"]))
        .map(|text| text.trim().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    let dirty = cmd::probe(tools.command("git").args(["status", "--porcelain", "--untracked-files=no"]))
        .is_some_and(|text| !text.trim().is_empty());
    if dirty {
        format!("{head}+changes")
    } else {
        head
    }
}

/// Builds the `ciclo` CLI in release mode where cargo puts it (`CARGO_TARGET_DIR` when set).
fn build_cli(tools: &Tools) -> Result<PathBuf> {
    cmd::step("release build of the ciclo CLI");
    cmd::run(tools.command("cargo").args(["build", "--release", "--package", "ciclo-cli"]))?;
    let binary = target_dir(&tools.root, std::env::var_os("CARGO_TARGET_DIR")).join("release").join("ciclo");
    if !binary.is_file() {
        bail!("{} is missing after the build: is the binary still called `ciclo`?", binary.display());
    }
    Ok(binary)
}

/// Cargo's target folder: `CARGO_TARGET_DIR` (relative to the workspace root) when set, else `target/`.
fn target_dir(root: &Path, variable: Option<OsString>) -> PathBuf {
    match variable {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn browser() -> Value {
        let loads = |dom: f64| json!([{ "dom_ms": dom, "frame_ms": dom + 10.0, "ready_ms": dom - 20.0 }]);
        let update = json!([{ "dom_ms": 12.0, "frame_ms": 20.0 }, { "dom_ms": 14.0, "frame_ms": 30.0 }]);
        json!({
            "long_tasks": [
                { "activity": "train random_forest", "window_ms": 2000.0, "count": 1, "longest_ms": 213.0,
                  "over_100_ms": 1, "durations_ms": [213] },
                { "activity": "report grid", "window_ms": 25000.0, "count": 0, "longest_ms": 0.0,
                  "over_100_ms": 0, "durations_ms": [] },
            ],
            "grid": { "ms": 23000.0, "workers": 2 },
            "runs_page": {
                "baseline": { "loads": loads(200.0) },
                "many": {
                    "seeded": { "active": 10000, "deleted": 150, "parents": 26, "children": 936, "matched": 171,
                                "statuses": { "FINISHED": 9493 } },
                    "loads": loads(900.0), "searches": update, "clears": update, "sorts": update,
                    "trainings": [{ "activity": "train logistic_regression with 10000 runs stored",
                                    "window_ms": 1900.0, "count": 1, "longest_ms": 68.0, "over_100_ms": 0,
                                    "durations_ms": [68] }],
                },
            },
        })
    }

    #[test]
    fn summarizes_medians_ratios_and_goals() -> Result<()> {
        let grid = json!({ "n_train": 5634, "ours": { "seconds": 20.0, "jobs": 2 },
                           "peer": { "seconds": 80.0, "cpus": 2 } });
        let summary = Summary::of(&browser(), &grid)?;
        assert_eq!(summary.first_page_dom, (900.0, 200.0));
        assert_eq!(summary.search, (13.0, 25.0));
        assert_eq!(summary.grid_page_s, 23.0);
        let text = summary.markdown(&browser(), &grid, false);
        assert!(text.contains("| train random_forest | 2.0 s | 1 | 213 ms **no** | 1 | 213 |"), "{text}");
        assert!(text.contains("| report grid | 25.0 s | 0 | 0 ms yes | 0 | — |"), "{text}");
        assert!(text.contains(
            "| train logistic_regression with 10000 runs stored | 1.9 s | 1 | 68 ms yes | 0 | 68 |"
        ));
        assert!(text.contains("| first page of rows in the DOM (from navigation) | 900 ms | 200 ms | 4.5 | ≤ 500 ms | **no** |"), "{text}");
        assert!(
            text.contains(
                "(171 runs match): in the DOM / next frame | 13 / 25 ms | — | — | ≤ 100 ms | yes |"
            ),
            "{text}"
        );
        assert!(text.contains("| 23.0 | 20.0 | 80.0 | 0.29 | 1.15 |"), "{text}");
        Ok(())
    }

    #[test]
    fn the_target_folder_follows_cargo() {
        let root = Path::new("/repo");
        assert_eq!(target_dir(root, None), Path::new("/repo/target"));
        assert_eq!(target_dir(root, Some("".into())), Path::new("/repo/target"));
        assert_eq!(target_dir(root, Some("/tmp/t".into())), Path::new("/tmp/t"));
        assert_eq!(target_dir(root, Some("t".into())), Path::new("/repo/t"));
    }
}
