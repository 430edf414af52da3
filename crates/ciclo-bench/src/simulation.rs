//! Issue 6: how long the production simulation's year takes. [`year`] runs `ciclo_core::simulate` with
//! [`SimConfig::default`] (52 weekly periods of 1,000 customers, a forest of 50 trees of depth 10, retraining
//! as the policy says) for one preset and policy, timing with the clock passed in (`performance.now()` in
//! the browser, `Instant` natively) the opening (the first training, registration and promotion) and each
//! period apart.
//!
//! The page runs the simulation in its Web Worker one period at a time and posts each period's
//! [`StepOutcome`] to the page as JSON (`crates/ciclo-app/src/protocol.rs`), which the page reads back on
//! its main thread. Those messages are measured too, outside the simulation's time: the text's length,
//! `serde_json::to_string` (the worker's side) and `serde_json::from_str` (the page's side, measured here
//! in the same wasm, as the page would run it). Every message's text also goes into a fingerprint of the
//! whole story (FNV-1a, 64 bits), so the native and browser runs can be shown to compute the same year.

use ciclo_core::simulate::{EventKind, Policy, Preset, SimConfig, Simulation, StepOutcome};

use crate::BenchError;

/// The configuration of one case: [`SimConfig::default`] with `preset`'s scenarios (`calm`,
/// `price_rise`, `competitor`, ...) and `policy` (`none`, `every-4`, `on-drift`, `on-drop`).
pub fn config(preset: &str, policy: &str) -> Result<SimConfig, BenchError> {
    let unknown = || BenchError::Case { preset: preset.to_string(), policy: policy.to_string() };
    let scenarios = Preset::parse(preset).ok_or_else(unknown)?.scenarios();
    let policy = Policy::parse(policy).ok_or_else(unknown)?;
    Ok(SimConfig { scenarios, policy, ..SimConfig::default() })
}

/// One simulated year's timings, in milliseconds by the clock given to [`year`].
#[derive(Debug, Clone, PartialEq)]
pub struct Year {
    /// The preset's name.
    pub preset: String,
    /// The policy's name.
    pub policy: String,
    /// Customers per period.
    pub customers: usize,
    /// `Simulation::new`: the first training on the initial rows, its registration and promotion.
    pub opening_ms: f64,
    /// Each period's `Simulation::step`, in order (period 1 first).
    pub period_ms: Vec<f64>,
    /// The periods that retrained (a challenger trained, validated and promoted or rejected).
    pub retrained: Vec<u32>,
    /// Rows of every training, the opening's first (each is split 80/20 for the run's metrics).
    pub training_rows: Vec<usize>,
    /// Challengers promoted.
    pub promotions: usize,
    /// The champion at the end.
    pub champion: u32,
    /// Each message's length in bytes (the opening's first): what the worker posts to the page.
    pub message_bytes: Vec<usize>,
    /// Milliseconds of writing each message's JSON (the worker's side).
    pub serialize_ms: Vec<f64>,
    /// Milliseconds of reading each message's JSON back (the page's side).
    pub deserialize_ms: Vec<f64>,
    /// FNV-1a of every message's text in order: equal fingerprints, the same story to the bit.
    pub fingerprint: u64,
}

impl Year {
    /// The simulation's own time: the opening and every period.
    pub fn total_ms(&self) -> f64 {
        self.opening_ms + self.period_ms.iter().sum::<f64>()
    }

    /// The mean and the longest of the periods, and the period that took longest.
    pub fn periods(&self) -> (f64, f64, u32) {
        let mean = self.period_ms.iter().sum::<f64>() / self.period_ms.len().max(1) as f64;
        let (at, max) = self.period_ms.iter().enumerate().fold((0, 0.0_f64), |(at, max), (i, &ms)| {
            if ms > max {
                (i + 1, ms)
            } else {
                (at, max)
            }
        });
        (mean, max, u32::try_from(at).unwrap_or(u32::MAX))
    }

    /// The mean of the periods that retrained, and of those that did not (`NaN` when there are none).
    pub fn split_means(&self) -> (f64, f64) {
        let (mut retrain, mut quiet) = (Vec::new(), Vec::new());
        for (period, &ms) in (1u32..).zip(&self.period_ms) {
            if self.retrained.contains(&period) {
                retrain.push(ms);
            } else {
                quiet.push(ms);
            }
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        (mean(&retrain), mean(&quiet))
    }

    /// As JSON: the timings, their summary, and the story's shape.
    pub fn to_json(&self) -> serde_json::Value {
        let (mean, max, max_at) = self.periods();
        let (retrain_mean, quiet_mean) = self.split_means();
        let finite = |v: f64| if v.is_finite() { serde_json::json!(v) } else { serde_json::Value::Null };
        let largest = self.message_bytes.iter().copied().max().unwrap_or(0);
        let slowest_read = self.deserialize_ms.iter().copied().fold(0.0_f64, f64::max);
        serde_json::json!({
            "preset": self.preset,
            "policy": self.policy,
            "periods": self.period_ms.len(),
            "customers": self.customers,
            "total_ms": self.total_ms(),
            "opening_ms": self.opening_ms,
            "period_mean_ms": mean,
            "period_max_ms": max,
            "period_max_at": max_at,
            "retrain_period_mean_ms": finite(retrain_mean),
            "quiet_period_mean_ms": finite(quiet_mean),
            "retrainings": self.retrained.len(),
            "retrained": self.retrained,
            "training_rows": self.training_rows,
            "promotions": self.promotions,
            "champion": self.champion,
            "messages": {
                "bytes_total": self.message_bytes.iter().sum::<usize>(),
                "bytes_max": largest,
                "serialize_ms": self.serialize_ms.iter().sum::<f64>(),
                "deserialize_ms": self.deserialize_ms.iter().sum::<f64>(),
                "deserialize_max_ms": slowest_read,
            },
            "fingerprint": format!("{:016x}", self.fingerprint),
            "period_ms": self.period_ms,
        })
    }
}

/// Runs `config`'s whole simulation, timing with `clock` (milliseconds) the opening and each period, then
/// (outside those times) each period's message to the page.
pub fn year(config: SimConfig, clock: &mut dyn FnMut() -> f64) -> Result<Year, BenchError> {
    let customers = config.customers;
    let preset = preset_name(&config);
    let policy = config.policy.as_text();
    let started = clock();
    let mut simulation = Simulation::new(config)?;
    let opening_ms = clock() - started;
    let mut year = Year {
        preset,
        policy,
        customers,
        opening_ms,
        period_ms: Vec::new(),
        retrained: Vec::new(),
        training_rows: Vec::new(),
        promotions: 0,
        champion: 0,
        message_bytes: Vec::new(),
        serialize_ms: Vec::new(),
        deserialize_ms: Vec::new(),
        fingerprint: FNV_OFFSET,
    };
    let opening = simulation.opening().clone();
    year.training_rows.extend(opening.run.as_ref().map(|run| run.rows));
    message(&mut year, &opening, clock)?;
    loop {
        let started = clock();
        let Some(step) = simulation.step()? else { break };
        year.period_ms.push(clock() - started);
        if let Some(run) = &step.run {
            year.retrained.push(step.summary.period);
            year.training_rows.push(run.rows);
        }
        year.promotions +=
            step.events.iter().filter(|e| matches!(e.kind, EventKind::Promoted { .. })).count();
        message(&mut year, &step, clock)?;
    }
    year.champion = simulation.champion();
    Ok(year)
}

/// Writes `outcome` as the worker's message and reads it back as the page does, timing both, and adds
/// the text to the fingerprint.
fn message(year: &mut Year, outcome: &StepOutcome, clock: &mut dyn FnMut() -> f64) -> Result<(), BenchError> {
    let started = clock();
    let text = serde_json::to_string(outcome).map_err(|e| BenchError::Message(e.to_string()))?;
    let written = clock();
    let read: StepOutcome = serde_json::from_str(&text).map_err(|e| BenchError::Message(e.to_string()))?;
    let done = clock();
    if read.summary.period != outcome.summary.period {
        return Err(BenchError::Message(format!("period {} read back wrong", outcome.summary.period)));
    }
    year.serialize_ms.push(written - started);
    year.deserialize_ms.push(done - written);
    year.message_bytes.push(text.len());
    year.fingerprint = fnv1a(year.fingerprint, text.as_bytes());
    Ok(())
}

/// The preset whose scenarios `config` has, or `custom`.
fn preset_name(config: &SimConfig) -> String {
    Preset::ALL
        .into_iter()
        .find(|p| p.scenarios() == config.scenarios)
        .map_or_else(|| "custom".to_string(), |p| p.as_str().to_string())
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, continued from `hash` over `bytes`.
fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME))
}

#[cfg(test)]
// A failure in a test is a failed test: tests may unwrap and index.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    /// A short year: the benchmark's loop sees what the core's loop does, period by period.
    #[test]
    fn times_every_period_and_counts_retrainings() {
        let mut config = config("price_rise", "every-4").unwrap();
        config.periods = 10;
        config.customers = 200;
        config.initial_rows = 600;
        config.model = ciclo_core::ml::ModelParams::Forest(
            ciclo_core::ml::ForestParams::new().n_estimators(5).max_depth(Some(4)),
        );
        let mut ticks = 0.0;
        let mut clock = || {
            ticks += 1.0;
            ticks
        };
        let year = year(config.clone(), &mut clock).unwrap();
        assert_eq!((year.preset.as_str(), year.policy.as_str()), ("price_rise", "every-4"));
        assert_eq!(year.period_ms, vec![1.0; 10]);
        assert_eq!(year.opening_ms, 1.0);
        assert_eq!(year.total_ms(), 11.0);
        assert_eq!(year.message_bytes.len(), 11);
        assert_eq!(year.training_rows.first(), Some(&600));
        assert_eq!(year.training_rows.len(), year.retrained.len() + 1);

        let mut simulation = Simulation::new(config.clone()).unwrap();
        let mut retrained = Vec::new();
        while let Some(step) = simulation.step().unwrap() {
            if step.run.is_some() {
                retrained.push(step.summary.period);
            }
        }
        assert!(!retrained.is_empty(), "every-4 retrains within 10 periods");
        assert_eq!(year.retrained, retrained);
        assert_eq!(year.champion, simulation.champion());
        // The same configuration tells the same story: the same fingerprint.
        assert_eq!(super::year(config, &mut clock).unwrap().fingerprint, year.fingerprint);
        let json = year.to_json();
        assert_eq!(json["retrainings"], retrained.len());
        assert_eq!(json["period_max_ms"], 1.0);
    }

    #[test]
    fn reads_cases_and_refuses_unknown_ones() {
        let calm = config("calm", "every-4").unwrap();
        assert_eq!(calm.policy, Policy::Every { periods: 4 });
        assert_eq!((calm.periods, calm.customers), (52, 1000));
        assert_eq!(preset_name(&calm), "calm");
        assert_eq!(preset_name(&config("competitor", "on-drift").unwrap()), "competitor");
        assert!(matches!(config("rain", "on-drift"), Err(BenchError::Case { .. })));
        assert!(matches!(config("calm", "sometimes"), Err(BenchError::Case { .. })));
    }

    #[test]
    fn summarizes_periods() {
        let year = Year {
            preset: "calm".into(),
            policy: "every-4".into(),
            customers: 1000,
            opening_ms: 10.0,
            period_ms: vec![1.0, 5.0, 3.0, 7.0],
            retrained: vec![2, 4],
            training_rows: vec![5000, 1000, 3000],
            promotions: 1,
            champion: 2,
            message_bytes: vec![10, 20],
            serialize_ms: vec![0.5, 0.5],
            deserialize_ms: vec![1.0, 2.0],
            fingerprint: 1,
        };
        assert_eq!(year.total_ms(), 26.0);
        assert_eq!(year.periods(), (4.0, 7.0, 4));
        assert_eq!(year.split_means(), (6.0, 2.0));
        let json = year.to_json();
        assert_eq!(json["messages"]["bytes_max"], 20);
        assert_eq!(json["messages"]["deserialize_max_ms"], 2.0);
        assert_eq!(json["fingerprint"], "0000000000000001");
        assert_eq!(fnv1a(FNV_OFFSET, b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
