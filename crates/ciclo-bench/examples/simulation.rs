//! The production simulation's year natively, timed exactly as the browser times it
//! (`ciclo_bench::simulation::year`, here with `Instant` as the clock): the native side of
//! `cargo xtask bench --simulate`, whose `tests/e2e/bench/simulation.mjs` runs it one year at a time in
//! turn with the browser's.
//!
//! `cargo run --release -p ciclo-bench --example simulation -- --runs 3 price_rise:on-drift calm:every-4`
//!
//! Runs each case (`preset:policy`) `--runs` times in turn and prints one JSON line on stdout,
//! `{"cases": [{"preset", "policy", "samples": [...]}]}` with each run's `Year::to_json`; progress goes to
//! stderr.

use std::process::ExitCode;
use std::time::Instant;

use ciclo_bench::simulation;

fn main() -> ExitCode {
    match run() {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<serde_json::Value, String> {
    let mut runs = 3;
    let mut cases = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            let value = args.next().unwrap_or_default();
            runs = value.parse().map_err(|_| format!("--runs takes a number, not `{value}`"))?;
        } else if let Some((preset, policy)) = arg.split_once(':') {
            cases.push((preset.to_string(), policy.to_string()));
        } else {
            return Err(format!("`{arg}` is not a case such as `price_rise:on-drift`"));
        }
    }
    let start = Instant::now();
    let mut clock = || start.elapsed().as_secs_f64() * 1000.0;
    let mut measured = Vec::new();
    for (preset, policy) in cases {
        let config = simulation::config(&preset, &policy).map_err(|e| e.to_string())?;
        let mut samples = Vec::new();
        for run in 1..=runs {
            let year = simulation::year(config.clone(), &mut clock).map_err(|e| e.to_string())?;
            eprintln!(
                "    native: {preset} {policy} run {run}/{runs}: {:.0} ms, {} retrainings",
                year.total_ms(),
                year.retrained.len()
            );
            samples.push(year.to_json());
        }
        measured.push(serde_json::json!({ "preset": preset, "policy": policy, "samples": samples }));
    }
    Ok(serde_json::json!({ "cases": measured }))
}
