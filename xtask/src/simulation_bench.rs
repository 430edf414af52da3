//! `cargo xtask bench --simulate` (issue 6): how long a year of the production simulation takes in the
//! browser, against issue 6's goal (52 weekly periods of 1,000 customers, monitoring and retraining
//! included, in at most 10 s), natively, and against scikit-learn doing the same trainings.
//!
//! 1. Browser: `ciclo_bench::SimulationBench`, built to wasm32 as the engine bench builds it (release
//!    profile, `wasm-opt -Oz`, as the page's worker), in a module Web Worker of headless Chromium
//!    (`tests/e2e/bench/simulation.mjs`), as the page runs the simulation, [`RUNS`] years per case.
//! 2. Native: the same code, `crates/ciclo-bench/examples/simulation.rs` (release build, the workspace's
//!    profile), run by the same script one year at a time in turn with the browser's, so that the
//!    machine's load falls on both sides alike. Both sides time inside the program, with their own
//!    clock, the opening (first training) and each period; and, apart, each period's message to the page
//!    (written as JSON, read back as the page's main thread reads it).
//! 3. Peer: there is no Python peer of the whole loop, so `simulation_bench/peer.py` times scikit-learn's
//!    part of it, the trainings: for each training of the year, the same number of synthetic rows (`ciclo
//!    generate`) split, preprocessed and fitted with `RandomForestClassifier(n_estimators=50,
//!    max_depth=10)`, one thread.
//!
//! The cases are the presets `price_rise` and `competitor` with the policy `on-drift` (the page's
//! default policy), and `calm` with `every-4`, the policy that retrains most. Medians of [`RUNS`] years
//! are printed as markdown and written to `bench/simulation.json` in cargo's target folder, with the
//! machine's load averages before and after. The native and browser runs must tell the same story (the
//! fingerprint of every message, to the bit): a difference fails the bench.

use std::path::PathBuf;
use std::time::SystemTime;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::bench::{median, utc_date};
use crate::cmd;
use crate::engine_bench::{build_wasm, parse, target_dir};
use crate::peers;
use crate::setup::Tools;
use crate::static_server::StaticServer;

/// The cases: (preset, policy).
const CASES: [(&str, &str); 3] =
    [("price_rise", "on-drift"), ("competitor", "on-drift"), ("calm", "every-4")];
/// Years per case and side; the median is reported.
const RUNS: usize = 3;
/// Issue 6's goal for a year in the browser, in milliseconds.
const GOAL_MS: f64 = 10_000.0;
/// Seed of the peer's synthetic rows (`ciclo generate --seed`) and of its splits and models.
const DATA_SEED: u64 = 1;
const SEED: u64 = 42;

/// One case's medians (milliseconds unless said otherwise).
#[derive(Debug, Clone, PartialEq)]
struct CaseRow {
    preset: String,
    policy: String,
    retrainings: usize,
    promotions: usize,
    browser: Side,
    native: Side,
    /// scikit-learn's trainings of the year (split, preprocessing, fit, test scoring), and its fits alone.
    peer_train_ms: f64,
    peer_fit_ms: f64,
    /// Whether every native and browser year of the case has the same fingerprint.
    identical: bool,
}

/// One side's medians over its years.
#[derive(Debug, Clone, PartialEq)]
struct Side {
    total_ms: f64,
    opening_ms: f64,
    period_mean_ms: f64,
    period_max_ms: f64,
    /// The opening and the periods that retrained: the time spent in the trainings and around them.
    trainings_ms: f64,
    retrain_period_mean_ms: f64,
    quiet_period_mean_ms: f64,
    messages_ms: f64,
    message_bytes_max: f64,
    message_read_max_ms: f64,
}

impl CaseRow {
    fn ratio(&self) -> f64 {
        self.browser.total_ms / self.native.total_ms
    }

    fn ratio_peer(&self) -> f64 {
        self.browser.trainings_ms / self.peer_train_ms
    }
}

/// Runs the simulation benchmark.
pub fn run(tools: &Tools) -> Result<()> {
    let web = build_wasm(tools)?;
    let example = build_example(tools)?;
    let ciclo = peers::build_cli(tools)?;
    let venv = peers::ensure(tools)?;
    let target = target_dir(&tools.root, std::env::var_os("CARGO_TARGET_DIR"));
    let load_before = load_averages();

    let plan = json!({
        "runs": RUNS,
        "native": example,
        "cases": CASES.iter().map(|(preset, policy)| json!({ "preset": preset, "policy": policy })).collect::<Vec<_>>(),
    });
    let server = StaticServer::start(&web)?;
    cmd::step(&format!(
        "a year of each case, {RUNS} times on each side in turn: ciclo-bench wasm in a Web Worker of headless \
         Chromium, and natively"
    ));
    let output = cmd::capture(
        tools
            .command("node")
            .arg("bench/simulation.mjs")
            .current_dir(tools.e2e_dir())
            .env("CICLO_URL", &server.url)
            .env("CICLO_SIMULATION_PLAN", plan.to_string()),
    );
    drop(server);
    let measured = parse(&output?, "tests/e2e/bench/simulation.mjs")?;
    let side_of = |name: &str| {
        measured
            .pointer(&format!("/measured/{name}"))
            .cloned()
            .with_context(|| format!("simulation.mjs measured no {name} side"))
    };
    let (browser, native) = (side_of("browser")?, side_of("native")?);

    let trainings = training_rows(&native)?;
    let most = trainings.iter().flatten().copied().max().context("the simulation trained nothing")?;
    let data_dir = target.join("bench").join("data");
    std::fs::create_dir_all(&data_dir)?;
    let csv = data_dir.join(format!("telco-{most}-seed{DATA_SEED}.csv"));
    cmd::step(&format!("data: ciclo generate --rows {most} --seed {DATA_SEED}"));
    cmd::run(tools.command(&ciclo.to_string_lossy()).args([
        "generate",
        "--rows",
        &most.to_string(),
        "--seed",
        &DATA_SEED.to_string(),
        "--out",
        &csv.to_string_lossy(),
    ]))?;
    let mut counts: Vec<usize> = trainings.iter().flatten().copied().collect();
    counts.sort_unstable();
    counts.dedup();
    let counts: Vec<String> = counts.iter().map(usize::to_string).collect();
    cmd::step(
        "peer: scikit-learn's trainings of the year, RandomForestClassifier(50 trees, depth 10), one thread",
    );
    let peer = parse(
        &cmd::capture(
            peers::python(tools, &venv, "xtask/src/simulation_bench/peer.py").arg("--data").arg(&csv).args([
                "--rows",
                &counts.join(","),
                "--runs",
                &RUNS.to_string(),
                "--seed",
                &SEED.to_string(),
            ]),
        )?,
        "xtask/src/simulation_bench/peer.py",
    )?;
    let load_after = load_averages();

    let rows = case_rows(&native, &browser, &peer)?;
    let report = markdown(&rows);
    cmd::step("simulation benchmark");
    println!("{report}");
    for (when, load) in [("before", load_before), ("after", load_after)] {
        if let Some([one, five, fifteen]) = load {
            println!("load average {when} the measurements: {one:.2}, {five:.2}, {fifteen:.2}");
        }
    }
    let identical = rows.iter().all(|r| r.identical);
    let json = json!({
        "date": utc_date(SystemTime::now()),
        "command": "cargo xtask bench --simulate",
        "machine": {
            "cores": std::thread::available_parallelism().map(usize::from).unwrap_or(1),
            "os": std::env::consts::OS,
            "arch": std::env::consts::ARCH,
        },
        "browser": measured.get("browser"),
        "scikit-learn": peer.get("scikit-learn"),
        "runs": RUNS,
        "goal_ms": GOAL_MS,
        "load_average": { "before": load_before, "after": load_after },
        "cases": rows.iter().map(|r| json!({
            "preset": r.preset,
            "policy": r.policy,
            "retrainings": r.retrainings,
            "promotions": r.promotions,
            "browser": side_json(&r.browser),
            "native": side_json(&r.native),
            "browser_over_native": r.ratio(),
            "within_goal": r.browser.total_ms <= GOAL_MS,
            "peer": { "trainings_ms": r.peer_train_ms, "fits_ms": r.peer_fit_ms },
            "browser_trainings_over_peer": r.ratio_peer(),
            "native_equals_browser": r.identical,
        })).collect::<Vec<_>>(),
        "raw": { "native": native, "browser": browser, "peer": peer },
        "markdown": report,
    });
    let out = target.join("bench").join("simulation.json");
    std::fs::write(&out, serde_json::to_string_pretty(&json)? + "\n")?;
    cmd::step(&format!("written {}", out.display()));
    if !identical {
        bail!(
            "the browser did not simulate the same year as the native build: the same configuration must tell \
             the same story, to the bit, on every target"
        );
    }
    Ok(())
}

/// Builds ciclo-bench's `simulation` example in release mode and returns its path.
fn build_example(tools: &Tools) -> Result<PathBuf> {
    cmd::step("release build of ciclo-bench's simulation example");
    cmd::run(tools.command("cargo").args([
        "build",
        "--release",
        "--package",
        "ciclo-bench",
        "--example",
        "simulation",
    ]))?;
    let binary = target_dir(&tools.root, std::env::var_os("CARGO_TARGET_DIR"))
        .join("release")
        .join("examples")
        .join(format!("simulation{}", std::env::consts::EXE_SUFFIX));
    if !binary.is_file() {
        bail!("{} is missing after the build: is the example still called `simulation`?", binary.display());
    }
    Ok(binary)
}

/// The rows of every training of each case's first native year (the opening's first).
fn training_rows(native: &Value) -> Result<Vec<Vec<usize>>> {
    native
        .get("cases")
        .and_then(Value::as_array)
        .context("the simulation example measured no case")?
        .iter()
        .map(|case| {
            let rows = case
                .pointer("/samples/0/training_rows")
                .and_then(Value::as_array)
                .context("the simulation example gave no training rows")?;
            Ok(rows.iter().filter_map(Value::as_u64).map(|n| n as usize).collect())
        })
        .collect()
}

/// The case `preset:policy` of a side's measurements.
fn case<'a>(measured: &'a Value, preset: &str, policy: &str, what: &str) -> Result<&'a Vec<Value>> {
    measured
        .get("cases")
        .and_then(Value::as_array)
        .and_then(|cases| {
            cases
                .iter()
                .find(|c| c.get("preset") == Some(&json!(preset)) && c.get("policy") == Some(&json!(policy)))
        })
        .and_then(|c| c.get("samples"))
        .and_then(Value::as_array)
        .with_context(|| format!("{what} measured no {preset} {policy}"))
}

/// The median over `samples` of `f(sample)`.
fn median_by(samples: &[Value], what: &str, f: impl Fn(&Value) -> Option<f64>) -> Result<f64> {
    let mut values = samples
        .iter()
        .map(&f)
        .collect::<Option<Vec<f64>>>()
        .with_context(|| format!("{what} is incomplete"))?;
    values.sort_by(f64::total_cmp);
    median(&values).with_context(|| format!("{what} has no samples"))
}

/// The medians of one side's years.
fn side(samples: &[Value], what: &str) -> Result<Side> {
    let at = |pointer: &'static str| move |s: &Value| s.pointer(pointer).and_then(Value::as_f64);
    // A case with no retraining (or no quiet period) has no mean there: 0, not a failure.
    let or_zero = |pointer: &'static str| {
        move |s: &Value| Some(s.pointer(pointer).and_then(Value::as_f64).unwrap_or(0.0))
    };
    let trainings = |s: &Value| {
        let periods = s.get("period_ms")?.as_array()?;
        let retrained = s.get("retrained")?.as_array()?;
        let mut ms = s.get("opening_ms")?.as_f64()?;
        for period in retrained.iter().filter_map(Value::as_u64) {
            ms += periods.get(usize::try_from(period).ok()?.checked_sub(1)?)?.as_f64()?;
        }
        Some(ms)
    };
    let messages = |s: &Value| {
        Some(
            s.pointer("/messages/serialize_ms")?.as_f64()?
                + s.pointer("/messages/deserialize_ms")?.as_f64()?,
        )
    };
    Ok(Side {
        total_ms: median_by(samples, what, at("/total_ms"))?,
        opening_ms: median_by(samples, what, at("/opening_ms"))?,
        period_mean_ms: median_by(samples, what, at("/period_mean_ms"))?,
        period_max_ms: median_by(samples, what, at("/period_max_ms"))?,
        trainings_ms: median_by(samples, what, trainings)?,
        retrain_period_mean_ms: median_by(samples, what, or_zero("/retrain_period_mean_ms"))?,
        quiet_period_mean_ms: median_by(samples, what, or_zero("/quiet_period_mean_ms"))?,
        messages_ms: median_by(samples, what, messages)?,
        message_bytes_max: median_by(samples, what, at("/messages/bytes_max"))?,
        message_read_max_ms: median_by(samples, what, at("/messages/deserialize_max_ms"))?,
    })
}

fn side_json(side: &Side) -> Value {
    json!({
        "total_ms": side.total_ms,
        "opening_ms": side.opening_ms,
        "period_mean_ms": side.period_mean_ms,
        "period_max_ms": side.period_max_ms,
        "trainings_ms": side.trainings_ms,
        "retrain_period_mean_ms": side.retrain_period_mean_ms,
        "quiet_period_mean_ms": side.quiet_period_mean_ms,
        "messages_ms": side.messages_ms,
        "message_bytes_max": side.message_bytes_max,
        "message_read_max_ms": side.message_read_max_ms,
    })
}

/// One row per case, from the three sides' measurements.
fn case_rows(native: &Value, browser: &Value, peer: &Value) -> Result<Vec<CaseRow>> {
    CASES
        .iter()
        .map(|&(preset, policy)| {
            let ours = case(browser, preset, policy, "the browser")?;
            let theirs = case(native, preset, policy, "the native example")?;
            let first = theirs.first().with_context(|| format!("no native year of {preset} {policy}"))?;
            let count = |field: &str| first.get(field).and_then(Value::as_u64).unwrap_or(0) as usize;
            let fingerprints: Vec<Option<&Value>> =
                ours.iter().chain(theirs).map(|s| s.get("fingerprint")).collect();
            let identical =
                fingerprints.iter().all(|f| f.is_some() && *f == fingerprints.first().copied().flatten());
            let rows: Vec<u64> = first
                .get("training_rows")
                .and_then(Value::as_array)
                .map(|rows| rows.iter().filter_map(Value::as_u64).collect())
                .unwrap_or_default();
            let (mut peer_train_ms, mut peer_fit_ms) = (0.0, 0.0);
            for n in rows {
                let samples = peer
                    .pointer(&format!("/rows/{n}"))
                    .and_then(Value::as_array)
                    .with_context(|| format!("the peer trained no model on {n} rows"))?;
                peer_train_ms += 1000.0 * median_by(samples, "the peer", |s| s.get("train_s")?.as_f64())?;
                peer_fit_ms += 1000.0 * median_by(samples, "the peer", |s| s.get("fit_s")?.as_f64())?;
            }
            Ok(CaseRow {
                preset: preset.to_string(),
                policy: policy.to_string(),
                retrainings: count("retrainings"),
                promotions: count("promotions"),
                browser: side(ours, &format!("the browser's {preset} {policy}"))?,
                native: side(theirs, &format!("the native {preset} {policy}"))?,
                peer_train_ms,
                peer_fit_ms,
                identical,
            })
        })
        .collect()
}

/// The tables as markdown, for the terminal and docs/BENCHMARKS.md.
fn markdown(rows: &[CaseRow]) -> String {
    let seconds = |ms: f64| format!("{:.2}", ms / 1000.0);
    let mut text = format!(
        "A year (52 weekly periods of 1,000 customers, forest of 50 trees of depth 10), median of {RUNS} years per \
         side, seconds (browser = ciclo-bench wasm in a Web Worker of headless Chromium; native = the same code, \
         release build; both timed inside the program)\n\n\
         | preset | policy | retrainings (promoted) | browser: year | opening | period mean | period max \
         | native: year | browser / native | year ≤ 10 s in the browser | native = browser |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n"
    );
    for r in rows {
        text.push_str(&format!(
            "| {} | {} | {} ({}) | {} | {} | {} | {} | {} | {:.2} | {} | {} |\n",
            r.preset,
            r.policy,
            r.retrainings,
            r.promotions,
            seconds(r.browser.total_ms),
            seconds(r.browser.opening_ms),
            seconds(r.browser.period_mean_ms),
            seconds(r.browser.period_max_ms),
            seconds(r.native.total_ms),
            r.ratio(),
            if r.browser.total_ms <= GOAL_MS { "yes" } else { "**no**" },
            if r.identical { "same story" } else { "**DIFFERENT**" },
        ));
    }
    text.push_str(
        "\nInside the year in the browser, and the trainings against scikit-learn's (ours = the opening plus the \
         periods that retrained, monitoring and validation included; peer = the same trainings in scikit-learn: \
         split, one-hot and scaling, `RandomForestClassifier(n_estimators=50, max_depth=10)` one thread, test \
         scoring; fit alone in brackets)\n\n\
         | preset | policy | period with retraining, mean (ms) | quiet period, mean (ms) | messages to the page: \
         largest (KB) | its slowest read on the page (ms) | all messages (ms) | ours: trainings (s) | peer: \
         trainings (s) | ours / peer |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        text.push_str(&format!(
            "| {} | {} | {:.0} | {:.0} | {:.0} | {:.1} | {:.0} | {} | {} ({}) | {:.2} |\n",
            r.preset,
            r.policy,
            r.browser.retrain_period_mean_ms,
            r.browser.quiet_period_mean_ms,
            r.browser.message_bytes_max / 1000.0,
            r.browser.message_read_max_ms,
            r.browser.messages_ms,
            seconds(r.browser.trainings_ms),
            seconds(r.peer_train_ms),
            seconds(r.peer_fit_ms),
            r.ratio_peer(),
        ));
    }
    text
}

/// The machine's load averages over 1, 5 and 15 minutes (Linux's `/proc/loadavg`, what `uptime` shows).
fn load_averages() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut fields = text.split_whitespace().map(str::parse::<f64>);
    Some([fields.next()?.ok()?, fields.next()?.ok()?, fields.next()?.ok()?])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(total: f64, fingerprint: &str) -> Value {
        json!({
            "total_ms": total, "opening_ms": 1000.0, "period_mean_ms": 100.0, "period_max_ms": 400.0,
            "retrain_period_mean_ms": 300.0, "quiet_period_mean_ms": null,
            "retrained": [2], "period_ms": [100.0, 300.0], "training_rows": [5000, 8000],
            "retrainings": 1, "promotions": 1, "fingerprint": fingerprint,
            "messages": { "serialize_ms": 5.0, "deserialize_ms": 10.0, "bytes_max": 2_000_000, "deserialize_max_ms": 8.0 },
        })
    }

    fn measured(samples: &[Value]) -> Value {
        json!({ "cases": CASES.iter().map(|(preset, policy)| json!({
            "preset": preset, "policy": policy, "samples": samples,
        })).collect::<Vec<_>>() })
    }

    #[test]
    fn rows_take_medians_ratios_and_the_peer_sum() -> Result<()> {
        let native = measured(&[year(2000.0, "a"), year(3000.0, "a"), year(1000.0, "a")]);
        let browser = measured(&[year(5000.0, "a"), year(4000.0, "a"), year(12_000.0, "a")]);
        let peer = json!({ "rows": {
            "5000": [{ "fit_s": 0.2, "train_s": 0.3 }],
            "8000": [{ "fit_s": 0.3, "train_s": 0.4 }, { "fit_s": 0.5, "train_s": 0.6 }] } });
        let rows = case_rows(&native, &browser, &peer)?;
        let r = &rows[0];
        assert_eq!((r.native.total_ms, r.browser.total_ms, r.ratio()), (2000.0, 5000.0, 2.5));
        assert_eq!(r.browser.trainings_ms, 1300.0);
        assert_eq!(r.browser.messages_ms, 15.0);
        assert_eq!(r.browser.quiet_period_mean_ms, 0.0);
        assert_eq!((r.peer_train_ms, r.peer_fit_ms), (800.0, 600.0));
        assert_eq!((r.retrainings, r.promotions, r.identical), (1, 1, true));
        let text = markdown(&rows);
        assert!(
            text.contains("| price_rise | on-drift | 1 (1) | 5.00 | 1.00 | 0.10 | 0.40 | 2.00 | 2.50 | yes | same story |"),
            "{text}"
        );
        assert!(
            text.contains("| calm | every-4 | 300 | 0 | 2000 | 8.0 | 15 | 1.30 | 0.80 (0.60) | 1.62 |"),
            "{text}"
        );
        Ok(())
    }

    #[test]
    fn a_different_story_or_a_slow_year_is_marked() -> Result<()> {
        let native = measured(&[year(2000.0, "a")]);
        let browser = measured(&[year(11_000.0, "b")]);
        let peer = json!({ "rows": { "5000": [{ "fit_s": 0.2, "train_s": 0.3 }], "8000": [{ "fit_s": 0.3, "train_s": 0.4 }] } });
        let rows = case_rows(&native, &browser, &peer)?;
        assert!(!rows[0].identical);
        let text = markdown(&rows);
        assert!(text.contains("| **no** | **DIFFERENT** |"), "{text}");
        assert!(case_rows(&native, &json!({}), &peer).is_err());
        assert!(case_rows(&native, &browser, &json!({ "rows": {} })).is_err());
        Ok(())
    }

    #[test]
    fn reads_training_rows() -> Result<()> {
        let native = measured(&[year(1.0, "a")]);
        assert_eq!(training_rows(&native)?, vec![vec![5000, 8000]; 3]);
        assert!(training_rows(&json!({})).is_err());
        Ok(())
    }
}
