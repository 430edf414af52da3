//! `cargo xtask bench`'s engine part: how fast each model family fits, natively and in the browser, against
//! scikit-learn and XGBoost measured in the same run on the same data. Benchmarks are not tests: nothing
//! here runs in `cargo xtask test`.
//!
//! 1. The synthetic Telco data set at 7,043 rows (IBM's size), 10× and 100× (`--quick` skips 100×), written
//!    by `ciclo generate --seed 1` into `target/bench/data/`.
//! 2. Native: `tests/peers/bench_peers.py fits` runs `ciclo train --json` (release build; its
//!    `fit_seconds` is the model's fit alone, one thread) and the peer's `fit` (scikit-learn `n_jobs=1`,
//!    XGBoost `hist` with one thread) in turn, as many times as [`SIZES`] says for the size, with parity.py's
//!    parameters.
//! 3. Browser: `crates/ciclo-bench` built to wasm32 with the release profile and `wasm-opt -Oz` (as the page's
//!    worker is built), served with `tests/e2e/bench/engine/` and driven in headless Chromium by
//!    `tests/e2e/bench/engine.mjs`: the same data (same digest), fitted as many times in a Web Worker.
//! 4. The report's grid (36 combinations × 5 folds, random forest): `ciclo tune --preset report-grid --cv 5`
//!    on every core against `GridSearchCV(n_jobs=-1)`.
//!
//! 5. Serving (`--serving`, issue 5): [`serving`] trains logistic regression and a 100-tree forest on the
//!    7,043 built-in rows in the browser and scores 100,000 new rows (`telco::generate(100_000, 7)`) as the
//!    page's CSV scorer does, reading, transform and `predict_proba` timed apart, against scikit-learn's
//!    `transform` + `predict_proba` on the same rows in the same run (`bench_peers.py score`).
//!
//! Medians are compared as ratios ours / theirs (goals: at most 1.0 natively, 1.5 in the browser, 1.0 for
//! the grid), and the native and browser ROC AUCs of the same data, parameters and seed must be
//! bit-identical (the determinism evidence; a difference fails the bench). Printed as markdown and written
//! to `target/bench/engine.json`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::bench::{median, utc_date};
use crate::cmd;
use crate::peers::{self, Venv};
use crate::setup::Tools;
use crate::static_server::StaticServer;

/// The data sets: IBM's file, 10× and 100×, each with its fits per family and side (the median is
/// reported). Short fits are repeated more: on a shared machine they are the noisiest.
const SIZES: [Size; 3] =
    [Size { rows: 7_043, runs: 9 }, Size { rows: 70_430, runs: 5 }, Size { rows: 704_300, runs: 3 }];
/// Seed of the synthetic data (`ciclo generate --seed`), as in the parity check.
const DATA_SEED: u64 = 1;
/// Seed of the split and of the models' draws (`ciclo train --seed`, the CLI's default).
const SEED: u64 = 42;
/// The families in the order of the tables.
const FAMILIES: [&str; 4] = ["logreg", "tree", "forest", "boosting"];
/// Goals of issue 3: ours / theirs at most this.
const GOAL_NATIVE: f64 = 1.0;
const GOAL_BROWSER: f64 = 1.5;
const GOAL_GRID: f64 = 1.0;

/// A data set's rows and the fits per family and side at that size.
#[derive(Clone, Copy)]
struct Size {
    rows: usize,
    runs: usize,
}

/// One family at one size.
struct Row {
    rows: usize,
    runs: usize,
    family: &'static str,
    peer: String,
    native_s: f64,
    browser_s: f64,
    peer_s: f64,
    auc_native: f64,
    auc_browser: f64,
    auc_peer: f64,
}

impl Row {
    fn ratio_native(&self) -> f64 {
        self.native_s / self.peer_s
    }

    fn ratio_browser(&self) -> f64 {
        self.browser_s / self.peer_s
    }

    /// Whether the native and browser ROC AUCs are the same `f64`, bit for bit.
    fn identical(&self) -> bool {
        self.auc_native.to_bits() == self.auc_browser.to_bits()
    }
}

/// Runs the engine benchmark; `quick` skips the 100× size.
pub fn run(tools: &Tools, quick: bool) -> Result<()> {
    let venv = peers::ensure(tools)?;
    let ciclo = peers::build_cli(tools)?;
    let web = build_wasm(tools)?;
    let sizes: &[Size] = if quick { &SIZES[..2] } else { &SIZES };
    let load_before = load_average();
    let data_dir = tools.root.join("target").join("bench").join("data");
    std::fs::create_dir_all(&data_dir)?;

    let mut native = Vec::new();
    for &Size { rows, runs } in sizes {
        let csv = data_dir.join(format!("telco-{rows}-seed{DATA_SEED}.csv"));
        cmd::step(&format!("data: ciclo generate --rows {rows} --seed {DATA_SEED}"));
        cmd::run(tools.command(&ciclo.to_string_lossy()).args([
            "generate",
            "--rows",
            &rows.to_string(),
            "--seed",
            &DATA_SEED.to_string(),
            "--out",
            &csv.to_string_lossy(),
        ]))?;
        cmd::step(&format!("native: ciclo and its peers, {rows} rows, {runs} runs each, one thread"));
        let output = cmd::capture(
            peers::python(tools, &venv, "tests/peers/bench_peers.py")
                .args(["fits", "--runs", &runs.to_string(), "--seed", &SEED.to_string()])
                .arg("--ciclo")
                .arg(&ciclo)
                .arg("--data")
                .arg(&csv),
        )?;
        native.push(parse(&output, "tests/peers/bench_peers.py fits")?);
    }

    let browser = browser(tools, &web, sizes, &native)?;
    let grid = grid(tools, &venv, &ciclo, &data_dir)?;
    let rows = table_rows(sizes, &native, &browser)?;

    let digests_equal = sizes.iter().enumerate().all(|(i, _)| {
        let ours = native.get(i).and_then(|n| n.pointer("/families/logreg/digest"));
        let theirs = browser.pointer(&format!("/sizes/{i}/digest"));
        ours.is_some() && ours == theirs
    });
    let identical = rows.iter().filter(|r| r.identical()).count();
    let load = [load_before, load_average()];
    let report = markdown(&rows, &grid, quick)?;
    cmd::step("engine benchmark");
    println!("{report}");
    println!(
        "determinism: native and browser ROC AUC bit-identical for {identical} of {} (family, size) pairs; \
         data digests {}",
        rows.len(),
        if digests_equal { "equal" } else { "DIFFERENT" }
    );
    if let [Some(before), Some(after)] = load {
        println!("load average (1 min) of the machine: {before} before, {after} after");
    }

    let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
    let json = json!({
        "date": utc_date(SystemTime::now()),
        "command": if quick { "cargo xtask bench --quick" } else { "cargo xtask bench" },
        "machine": { "cores": cores, "os": std::env::consts::OS, "arch": std::env::consts::ARCH },
        "browser": browser.get("browser"),
        "versions": native.first().and_then(|n| n.get("versions")),
        "data_seed": DATA_SEED,
        "seed": SEED,
        "load_average_1min": { "before": load[0], "after": load[1] },
        "goals": { "native": GOAL_NATIVE, "browser": GOAL_BROWSER, "grid": GOAL_GRID },
        "fits": rows.iter().map(|r| json!({
            "rows": r.rows,
            "runs": r.runs,
            "family": r.family,
            "peer": r.peer,
            "native_s": r.native_s,
            "browser_s": r.browser_s,
            "peer_s": r.peer_s,
            "ratio_native": r.ratio_native(),
            "ratio_browser": r.ratio_browser(),
            "roc_auc": { "native": r.auc_native, "browser": r.auc_browser, "peer": r.auc_peer },
            "bit_identical": r.identical(),
        })).collect::<Vec<_>>(),
        "grid": grid,
        "determinism": { "bit_identical": identical, "pairs": rows.len(), "digests_equal": digests_equal },
        "raw": { "native": native, "browser": browser },
        "markdown": report,
    });
    let out = tools.root.join("target").join("bench").join("engine.json");
    std::fs::write(&out, serde_json::to_string_pretty(&json)? + "\n")?;
    cmd::step("written target/bench/engine.json");

    if identical != rows.len() || !digests_equal {
        bail!(
            "the browser did not reproduce the native results bit for bit ({identical} of {} ROC AUCs \
             identical, digests {}): the same data, parameters and seed must give the same model on every \
             target",
            rows.len(),
            if digests_equal { "equal" } else { "different" }
        );
    }
    Ok(())
}

/// Builds `crates/ciclo-bench` for the browser into `bench-web/` of cargo's target folder, with its page.
pub(crate) fn build_wasm(tools: &Tools) -> Result<PathBuf> {
    cmd::step("release build of crates/ciclo-bench for wasm32 (wasm-bindgen, wasm-opt -Oz as the page)");
    cmd::run(tools.command("cargo").args([
        "build",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "--package",
        "ciclo-bench",
    ]))?;
    let target = target_dir(&tools.root, std::env::var_os("CARGO_TARGET_DIR"));
    let wasm = target.join("wasm32-unknown-unknown").join("release").join("ciclo_bench.wasm");
    let web = target.join("bench-web");
    cmd::run(tools.command("wasm-bindgen").args(["--target", "web", "--out-dir"]).arg(&web).arg(&wasm))?;
    let bg = web.join("ciclo_bench_bg.wasm");
    cmd::run(tools.command("wasm-opt").arg("-Oz").arg(&bg).arg("-o").arg(&bg))?;
    let page = tools.e2e_dir().join("bench").join("engine");
    for file in ["index.html", "worker.js"] {
        std::fs::copy(page.join(file), web.join(file))
            .with_context(|| format!("copying {} into {}", page.join(file).display(), web.display()))?;
    }
    Ok(web)
}

/// Cargo's target folder: `CARGO_TARGET_DIR` (relative to the workspace root) when set, else `target/`.
pub(crate) fn target_dir(root: &Path, variable: Option<OsString>) -> PathBuf {
    match variable {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// Rows scored by the serving measurement, the seed they are drawn from, and the scorings per family.
const SCORE_ROWS: usize = 100_000;
const SCORE_SEED: u64 = 7;
const SCORE_RUNS: usize = 5;
/// The families scored and issue 5's goals: milliseconds to score [`SCORE_ROWS`] rows in the browser.
const SCORE_GOALS: [(&str, f64); 2] = [("logreg", 1_000.0), ("forest", 2_000.0)];

/// One family's scoring medians, in milliseconds.
#[derive(Debug, Clone, PartialEq)]
struct ScoreRow {
    family: String,
    peer: String,
    goal_ms: f64,
    read_ms: f64,
    transform_ms: f64,
    predict_ms: f64,
    score_ms: f64,
    peer_transform_ms: f64,
    peer_predict_ms: f64,
    peer_score_ms: f64,
}

impl ScoreRow {
    fn rows_per_second(&self) -> f64 {
        SCORE_ROWS as f64 / (self.score_ms / 1000.0)
    }

    fn ratio(&self) -> f64 {
        self.score_ms / self.peer_score_ms
    }
}

/// The serving measurement: scoring [`SCORE_ROWS`] rows in the browser against scikit-learn, written to
/// `bench/serving.json` in cargo's target folder and printed as markdown.
pub fn serving(tools: &Tools) -> Result<()> {
    let venv = peers::ensure(tools)?;
    let target = target_dir(&tools.root, std::env::var_os("CARGO_TARGET_DIR"));
    cmd::step("release build of the ciclo CLI");
    cmd::run(tools.command("cargo").args(["build", "--release", "--package", "ciclo-cli"]))?;
    let ciclo = target.join("release").join("ciclo");
    let web = build_wasm(tools)?;
    let load_before = load_average();
    let data_dir = target.join("bench").join("data");
    std::fs::create_dir_all(&data_dir)?;
    let train_rows = SIZES[0].rows;
    let mut files = Vec::new();
    for (rows, seed) in [(train_rows, DATA_SEED), (SCORE_ROWS, SCORE_SEED)] {
        let csv = data_dir.join(format!("telco-{rows}-seed{seed}.csv"));
        cmd::step(&format!("data: ciclo generate --rows {rows} --seed {seed}"));
        cmd::run(tools.command(&ciclo.to_string_lossy()).args([
            "generate",
            "--rows",
            &rows.to_string(),
            "--seed",
            &seed.to_string(),
            "--out",
            &csv.to_string_lossy(),
        ]))?;
        files.push(csv);
    }
    let [train_csv, score_csv] = files.as_slice() else { bail!("two data files expected") };
    let families: Vec<&str> = SCORE_GOALS.iter().map(|(name, _)| *name).collect();
    cmd::step(&format!("native: scikit-learn transform + predict_proba of {SCORE_ROWS} rows, one thread"));
    let peer = parse(
        &cmd::capture(
            peers::python(tools, &venv, "tests/peers/bench_peers.py")
                .args(["score", "--runs", &SCORE_RUNS.to_string(), "--seed", &SEED.to_string()])
                .args(["--models", &families.join(",")])
                .arg("--train")
                .arg(train_csv)
                .arg("--data")
                .arg(score_csv),
        )?,
        "tests/peers/bench_peers.py score",
    )?;
    let plan = json!({
        "train_rows": train_rows,
        "data_seed": DATA_SEED,
        "seed": SEED,
        "score_rows": SCORE_ROWS,
        "score_seed": SCORE_SEED,
        "runs": SCORE_RUNS,
        "families": families.iter().map(|name| json!({
            "name": name,
            "params": peer.pointer(&format!("/families/{name}/params")),
        })).collect::<Vec<_>>(),
    });
    let server = StaticServer::start(&web)?;
    cmd::step(&format!("browser: scoring {SCORE_ROWS} rows with ciclo-bench wasm in headless Chromium"));
    let output = cmd::capture(
        tools
            .command("node")
            .arg("bench/engine_serving.mjs")
            .current_dir(tools.e2e_dir())
            .env("CICLO_URL", &server.url)
            .env("CICLO_SERVING_PLAN", plan.to_string()),
    );
    drop(server);
    let browser = parse(&output?, "tests/e2e/bench/engine_serving.mjs")?;
    let rows = score_rows(&browser, &peer)?;
    let load = [load_before, load_average()];
    let report = serving_markdown(&rows);
    cmd::step("serving benchmark");
    println!("{report}");
    if let [Some(before), Some(after)] = load {
        println!("load average (1 min) of the machine: {before} before, {after} after");
    }
    let json = json!({
        "date": utc_date(SystemTime::now()),
        "command": "cargo xtask bench --serving",
        "browser": browser.get("browser"),
        "versions": peer.get("versions"),
        "train_rows": train_rows,
        "score_rows": SCORE_ROWS,
        "score_seed": SCORE_SEED,
        "runs": SCORE_RUNS,
        "load_average_1min": { "before": load[0], "after": load[1] },
        "families": rows.iter().map(|r| json!({
            "family": r.family,
            "peer": r.peer,
            "goal_ms": r.goal_ms,
            "read_ms": r.read_ms,
            "transform_ms": r.transform_ms,
            "predict_ms": r.predict_ms,
            "score_ms": r.score_ms,
            "rows_per_second": r.rows_per_second(),
            "peer_transform_ms": r.peer_transform_ms,
            "peer_predict_ms": r.peer_predict_ms,
            "peer_score_ms": r.peer_score_ms,
            "ratio": r.ratio(),
        })).collect::<Vec<_>>(),
        "raw": { "browser": browser, "peer": peer },
        "markdown": report,
    });
    let out = target.join("bench").join("serving.json");
    std::fs::write(&out, serde_json::to_string_pretty(&json)? + "\n")?;
    cmd::step(&format!("written {}", out.display()));
    Ok(())
}

/// The median of `field` over `samples` (a list of objects), times `scale`.
fn median_of(samples: &Value, field: &str, scale: f64, what: &str) -> Result<f64> {
    let mut values: Vec<f64> = samples
        .as_array()
        .with_context(|| format!("{what} has no samples"))?
        .iter()
        .filter_map(|s| s.get(field).and_then(Value::as_f64))
        .map(|v| v * scale)
        .collect();
    values.sort_by(f64::total_cmp);
    median(&values).with_context(|| format!("{what} has no `{field}`"))
}

/// One row per family, from the browser's and the peer's samples.
fn score_rows(browser: &Value, peer: &Value) -> Result<Vec<ScoreRow>> {
    SCORE_GOALS
        .iter()
        .map(|&(family, goal_ms)| {
            let ours = browser.pointer(&format!("/families/{family}/samples")).cloned().unwrap_or_default();
            let theirs = peer.pointer(&format!("/families/{family}/samples")).cloned().unwrap_or_default();
            let what = format!("the browser's {family}");
            let peer_what = format!("the peer's {family}");
            Ok(ScoreRow {
                family: family.to_string(),
                peer: peer
                    .pointer(&format!("/families/{family}/peer"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                goal_ms,
                read_ms: median_of(&ours, "read_ms", 1.0, &what)?,
                transform_ms: median_of(&ours, "transform_ms", 1.0, &what)?,
                predict_ms: median_of(&ours, "predict_ms", 1.0, &what)?,
                score_ms: median_of(&ours, "score_ms", 1.0, &what)?,
                peer_transform_ms: median_of(&theirs, "transform_s", 1000.0, &peer_what)?,
                peer_predict_ms: median_of(&theirs, "predict_s", 1000.0, &peer_what)?,
                peer_score_ms: median_of(&theirs, "score_s", 1000.0, &peer_what)?,
            })
        })
        .collect()
}

/// The serving table as markdown.
fn serving_markdown(rows: &[ScoreRow]) -> String {
    let mut text = format!(
        "Scoring {SCORE_ROWS} rows, median of {SCORE_RUNS} scorings, milliseconds (ours = ciclo-bench wasm in a \
         Web Worker of headless Chromium, as the page's CSV scorer; peer = scikit-learn `ColumnTransformer` + \
         `StandardScaler` `transform` and `predict_proba`, one thread; score = transform + predict, reading \
         the CSV apart)\n\n\
         | family | ours: read CSV | transform | predict | score | rows/s | goal | peer | peer: transform \
         | predict | score | ours / peer |\n|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|\n"
    );
    for r in rows {
        text.push_str(&format!(
            "| {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | ≤ {:.0} ms {} | {} | {:.0} | {:.0} | {:.0} | {:.2} |\n",
            r.family,
            r.read_ms,
            r.transform_ms,
            r.predict_ms,
            r.score_ms,
            r.rows_per_second(),
            r.goal_ms,
            if r.score_ms <= r.goal_ms { "yes" } else { "**no**" },
            r.peer,
            r.peer_transform_ms,
            r.peer_predict_ms,
            r.peer_score_ms,
            r.ratio(),
        ));
    }
    text
}

/// Fits every family in headless Chromium at every size.
fn browser(tools: &Tools, web: &Path, sizes: &[Size], native: &[Value]) -> Result<Value> {
    let families =
        native.first().and_then(|n| n.get("families")).context("bench_peers.py measured no family")?;
    let plan = json!({
        "sizes": sizes.iter().map(|s| json!({ "rows": s.rows, "runs": s.runs })).collect::<Vec<_>>(),
        "data_seed": DATA_SEED,
        "seed": SEED,
        "families": FAMILIES.iter().map(|name| json!({
            "name": name,
            "params": families.get(name).and_then(|f| f.get("params")),
        })).collect::<Vec<_>>(),
    });
    let server = StaticServer::start(web)?;
    cmd::step(&format!("browser: ciclo-bench wasm in headless Chromium at {}", server.url));
    let output = cmd::capture(
        tools
            .command("node")
            .arg("bench/engine.mjs")
            .current_dir(tools.e2e_dir())
            .env("CICLO_URL", &server.url)
            .env("CICLO_BENCH_PLAN", plan.to_string()),
    );
    drop(server);
    parse(&output?, "tests/e2e/bench/engine.mjs")
}

/// The report's grid at IBM's size, ours and scikit-learn's.
fn grid(tools: &Tools, venv: &Venv, ciclo: &Path, data_dir: &Path) -> Result<Value> {
    cmd::step("the report's grid: ciclo tune --preset report-grid --cv 5 against GridSearchCV(n_jobs=-1)");
    let csv = data_dir.join(format!("telco-{}-seed{DATA_SEED}.csv", SIZES[0].rows));
    let output = cmd::capture(
        peers::python(tools, venv, "tests/peers/bench_peers.py")
            .args(["grid", "--seed", &SEED.to_string()])
            .arg("--ciclo")
            .arg(ciclo)
            .arg("--data")
            .arg(&csv),
    )?;
    parse(&output, "tests/peers/bench_peers.py grid")
}

/// The machine's load average over the last minute (Linux), to tell a quiet run from a busy one.
fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

pub(crate) fn parse(output: &str, what: &str) -> Result<Value> {
    let line = output.lines().rev().find(|line| line.trim_start().starts_with('{')).unwrap_or_default();
    serde_json::from_str(line).with_context(|| format!("{what} printed no JSON on its last line"))
}

fn number(value: &Value, pointer: &str, what: &str) -> Result<f64> {
    value
        .pointer(pointer)
        .and_then(Value::as_f64)
        .with_context(|| format!("{what} has no number at {pointer}"))
}

/// One row per (size, family), from the native and browser measurements.
fn table_rows(sizes: &[Size], native: &[Value], browser: &Value) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (i, (&Size { rows: size, runs }, native)) in sizes.iter().zip(native).enumerate() {
        for family in FAMILIES {
            let at = |field: &str| format!("/families/{family}/{field}");
            let mut samples: Vec<f64> = browser
                .pointer(&format!("/sizes/{i}/families/{family}/samples_ms"))
                .and_then(Value::as_array)
                .with_context(|| format!("the browser measured no {family} at {size} rows"))?
                .iter()
                .filter_map(Value::as_f64)
                .collect();
            samples.sort_by(f64::total_cmp);
            let browser_ms = median(&samples).with_context(|| format!("no browser sample of {family}"))?;
            rows.push(Row {
                rows: size,
                runs,
                family,
                peer: native.pointer(&at("peer/name")).and_then(Value::as_str).unwrap_or_default().to_owned(),
                native_s: number(native, &at("ours/median_s"), "bench_peers.py")?,
                browser_s: browser_ms / 1000.0,
                peer_s: number(native, &at("peer/median_s"), "bench_peers.py")?,
                auc_native: number(native, &at("ours/roc_auc"), "bench_peers.py")?,
                auc_browser: number(
                    browser,
                    &format!("/sizes/{i}/families/{family}/metrics/roc_auc"),
                    "engine.mjs",
                )?,
                auc_peer: number(native, &at("peer/roc_auc"), "bench_peers.py")?,
            });
        }
    }
    Ok(rows)
}

/// The tables as markdown, for the terminal and docs/BENCHMARKS.md.
fn markdown(rows: &[Row], grid: &Value, quick: bool) -> Result<String> {
    let mark = |ratio: f64, goal: f64| if ratio <= goal { "yes" } else { "**no**" };
    let mut text = String::new();
    text.push_str(&format!(
        "Fit time in seconds, median of `runs` fits on each side (ours native = `ciclo train` `fit_seconds`, release build, one thread; \
         ours browser = ciclo-bench wasm in a Web Worker of headless Chromium; peer = scikit-learn `n_jobs=1` / \
         XGBoost `hist` `n_jobs=1`){}\n\n",
        if quick { "; `--quick`: 100× skipped" } else { "" }
    ));
    text.push_str(
        "| rows | runs | family | peer | ours native | ours browser | peer | native / peer (≤ 1.0) \
         | browser / peer (≤ 1.5) | ROC AUC native = browser |\n|---:|---:|---|---|---:|---:|---:|---:|---:|---|\n",
    );
    for r in rows {
        text.push_str(&format!(
            "| {} | {} | {} | {} | {:.3} | {:.3} | {:.3} | {:.2} {} | {:.2} {} | {} ({:.4}) |\n",
            r.rows,
            r.runs,
            r.family,
            r.peer,
            r.native_s,
            r.browser_s,
            r.peer_s,
            r.ratio_native(),
            mark(r.ratio_native(), GOAL_NATIVE),
            r.ratio_browser(),
            mark(r.ratio_browser(), GOAL_BROWSER),
            if r.identical() { "bit-identical" } else { "**DIFFERENT**" },
            r.auc_native,
        ));
    }

    text.push_str("\nGrowth of our native fit time with rows (10× rows each step; linear is 10×)\n\n");
    let sizes: Vec<usize> = {
        let mut sizes: Vec<usize> = rows.iter().map(|r| r.rows).collect();
        sizes.dedup();
        sizes
    };
    text.push_str("| family |");
    for pair in sizes.windows(2) {
        if let [a, b] = pair {
            text.push_str(&format!(" {a} → {b} |"));
        }
    }
    text.push_str(&format!("\n|---|{}\n", "---:|".repeat(sizes.len().saturating_sub(1))));
    for family in FAMILIES {
        let times: Vec<f64> = rows.iter().filter(|r| r.family == family).map(|r| r.native_s).collect();
        text.push_str(&format!("| {family} |"));
        for pair in times.windows(2) {
            if let [a, b] = pair {
                text.push_str(&format!(" {:.1}× |", b / a));
            }
        }
        text.push('\n');
    }

    let ours = number(grid, "/ours/seconds", "the grid")?;
    let theirs = number(grid, "/peer/seconds", "the grid")?;
    let jobs = grid.pointer("/ours/jobs").and_then(Value::as_u64).unwrap_or(1);
    let cpus = grid.pointer("/peer/cpus").and_then(Value::as_u64).unwrap_or(1);
    let rows_grid = grid.pointer("/rows").and_then(Value::as_u64).unwrap_or(0);
    text.push_str(&format!(
        "\nThe report's grid, random forest, 36 combinations × 5 folds on the {} training rows of {rows_grid}, \
         refit of the best included (seconds)\n\n\
         | ours: `ciclo tune --preset report-grid --cv 5` ({jobs} threads) | scikit-learn `GridSearchCV(n_jobs=-1)` \
         ({cpus} CPUs) | ours / theirs (≤ 1.0) |\n|---:|---:|---:|\n| {ours:.1} | {theirs:.1} | {:.2} {} |\n",
        grid.pointer("/n_train").and_then(Value::as_u64).unwrap_or(0),
        ours / theirs,
        mark(ours / theirs, GOAL_GRID),
    ));
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(family: &'static str, rows: usize, native_s: f64, auc_browser: f64) -> Row {
        Row {
            rows,
            runs: 3,
            family,
            peer: "peer".into(),
            native_s,
            browser_s: 2.0,
            peer_s: 1.0,
            auc_native: 0.8,
            auc_browser,
            auc_peer: 0.8,
        }
    }

    #[test]
    fn ratios_and_bit_identity() {
        let r = row("tree", 7_043, 0.5, 0.8);
        assert_eq!(r.ratio_native(), 0.5);
        assert_eq!(r.ratio_browser(), 2.0);
        assert!(r.identical());
        assert!(!row("tree", 7_043, 0.5, 0.8 + f64::EPSILON).identical());
    }

    #[test]
    fn markdown_marks_goals_and_growth() -> Result<()> {
        let rows: Vec<Row> = FAMILIES
            .iter()
            .flat_map(|&f| [row(f, 7_043, 0.5, 0.8), row(f, 70_430, 5.0, 0.8)])
            .collect::<Vec<_>>();
        let mut rows = rows;
        rows.sort_by_key(|r| r.rows);
        let grid = json!({ "rows": 7043, "n_train": 5634, "ours": { "seconds": 20.0, "jobs": 2 },
                           "peer": { "seconds": 40.0, "cpus": 2 } });
        let text = markdown(&rows, &grid, true)?;
        assert!(text.contains("| 7043 | 3 | tree | peer | 0.500 | 2.000 | 1.000 | 0.50 yes | 2.00 **no** | bit-identical (0.8000) |"));
        assert!(text.contains("| tree | 10.0× |"));
        assert!(text.contains("| 20.0 | 40.0 | 0.50 yes |"));
        Ok(())
    }

    #[test]
    fn serving_rows_take_medians_and_mark_goals() -> Result<()> {
        let ours = |t: f64| json!({ "read_ms": 100.0, "transform_ms": t, "predict_ms": 2.0 * t, "score_ms": 3.0 * t });
        let theirs = |t: f64| json!({ "transform_s": t, "predict_s": t, "score_s": 2.0 * t });
        let browser = json!({ "families": {
            "logreg": { "samples": [ours(100.0), ours(300.0), ours(200.0)] },
            "forest": { "samples": [ours(900.0)] } } });
        let peer = json!({ "families": {
            "logreg": { "peer": "scikit-learn LogisticRegression", "samples": [theirs(0.1), theirs(0.2), theirs(0.3)] },
            "forest": { "peer": "scikit-learn RandomForestClassifier", "samples": [theirs(1.0)] } } });
        let rows = score_rows(&browser, &peer)?;
        assert_eq!((rows[0].score_ms, rows[0].peer_score_ms, rows[0].ratio()), (600.0, 400.0, 1.5));
        assert_eq!(rows[0].rows_per_second(), SCORE_ROWS as f64 / 0.6);
        let text = serving_markdown(&rows);
        assert!(text.contains("| logreg | 100 | 200 | 400 | 600 | 166667 | ≤ 1000 ms yes |"), "{text}");
        assert!(text.contains("| forest | 100 | 900 | 1800 | 2700 | 37037 | ≤ 2000 ms **no** |"), "{text}");
        assert!(score_rows(&json!({}), &peer).is_err());
        Ok(())
    }

    #[test]
    fn target_dir_follows_cargo() {
        let root = Path::new("/repo");
        assert_eq!(target_dir(root, None), Path::new("/repo/target"));
        assert_eq!(target_dir(root, Some("/t".into())), Path::new("/t"));
        assert_eq!(target_dir(root, Some("tgt".into())), Path::new("/repo/tgt"));
    }

    #[test]
    fn parses_the_last_json_line() -> Result<()> {
        assert_eq!(parse("progress\n{\"a\": 1}\n", "x")?, json!({ "a": 1 }));
        assert!(parse("no json", "x").is_err());
        Ok(())
    }
}
