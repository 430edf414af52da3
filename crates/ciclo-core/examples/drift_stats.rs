//! Our drift statistics for sample pairs read as JSON on standard input, written as JSON on standard
//! output: the Rust side of `tests/peers/drift_parity.py`, which compares them with SciPy's.
//!
//! Input: `{"cases": [case, ...]}`, each case one of
//! - `{"name": ..., "type": "numeric", "reference": [numbers], "current": [numbers]}`
//! - `{"name": ..., "type": "categorical", "reference": [strings], "current": [strings]}`
//! - `{"name": ..., "type": "kstwo", "n": n, "x": x}` (the one-sample two-sided tail `kstwo.sf(x, n)`)
//! - `{"name": ..., "type": "chi2", "dof": k, "x": x}` (the chi-square tail `chi2.sf(x, k)`)
//!
//! Output: `{"cases": [result, ...]}` in the same order, with every statistic of the case (see
//! [`numeric`] and [`categorical`]); a statistic that cannot be computed is `null`, and a case that fails
//! has `"error"`.
//!
//! ```text
//! cargo run --release -p ciclo-core --example drift_stats < pairs.json
//! ```

use std::collections::BTreeMap;
use std::error::Error;
use std::io::{Read, Write};

use ciclo_core::dataset::Column;
use ciclo_core::monitor::special::{chi2_sf, kolmogorov_sf};
use ciclo_core::monitor::stattest::{
    chi_square_drift, jensen_shannon, population_std, proportion_z_test, wasserstein_distance,
};
use ciclo_core::monitor::{
    column_drift, ks_2samp, numeric_drift, numeric_psi, psi, ColumnDrift, DriftOptions, MonitorError,
    PsiBinning,
};
use serde_json::{json, Value};

fn main() -> Result<(), Box<dyn Error>> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let request: Value = serde_json::from_str(&input)?;
    let cases = request.get("cases").and_then(Value::as_array).ok_or("expected {\"cases\": [...]}")?;
    let results: Vec<Value> =
        cases.iter().map(|case| run(case).unwrap_or_else(|e| json!({ "error": e }))).collect();
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &json!({ "cases": results }))?;
    writeln!(out)?;
    Ok(())
}

/// One case's statistics, or why it could not be read.
fn run(case: &Value) -> Result<Value, String> {
    let name = case.get("name").cloned().unwrap_or(Value::Null);
    let kind = case.get("type").and_then(Value::as_str).ok_or("a case needs a \"type\"")?;
    let mut result = match kind {
        "numeric" => numeric(&numbers(case, "reference")?, &numbers(case, "current")?),
        "categorical" => categorical(&strings(case, "reference")?, &strings(case, "current")?),
        "kstwo" => {
            let n = case.get("n").and_then(Value::as_u64).ok_or("kstwo needs an integer \"n\"")?;
            let x = case.get("x").and_then(Value::as_f64).ok_or("kstwo needs a number \"x\"")?;
            json!({ "sf": kolmogorov_sf(n, x) })
        }
        "chi2" => {
            let dof = case.get("dof").and_then(Value::as_u64).ok_or("chi2 needs an integer \"dof\"")?;
            let x = case.get("x").and_then(Value::as_f64).ok_or("chi2 needs a number \"x\"")?;
            json!({ "sf": chi2_sf(x, dof as usize) })
        }
        other => return Err(format!("unknown case type `{other}`")),
    };
    if let Some(object) = result.as_object_mut() {
        object.insert("name".into(), name);
    }
    Ok(result)
}

fn numbers(case: &Value, key: &str) -> Result<Vec<f64>, String> {
    let values = case.get(key).and_then(Value::as_array).ok_or(format!("\"{key}\" must be a list"))?;
    values.iter().map(|v| v.as_f64().ok_or(format!("\"{key}\" holds a value that is not a number"))).collect()
}

fn strings(case: &Value, key: &str) -> Result<Vec<String>, String> {
    let values = case.get(key).and_then(Value::as_array).ok_or(format!("\"{key}\" must be a list"))?;
    values
        .iter()
        .map(|v| v.as_str().map(str::to_string).ok_or(format!("\"{key}\" holds a value that is not text")))
        .collect()
}

/// A JSON number, or `null` for an error (its message is dropped; the Python side reports the mismatch).
fn ok<T: serde::Serialize>(result: Result<T, MonitorError>) -> Value {
    result.ok().and_then(|v| serde_json::to_value(v).ok()).unwrap_or(Value::Null)
}

fn drift(result: Result<ColumnDrift, MonitorError>) -> Value {
    match result {
        Ok(d) => json!({
            "method": d.method.evidently_name(),
            "score": d.score,
            "statistic": d.statistic,
            "drifted": d.drifted,
        }),
        Err(e) => json!({ "error": e.to_string() }),
    }
}

/// Kolmogorov–Smirnov, Wasserstein (raw and normed by the reference's population standard deviation),
/// PSI (reference deciles and Sturges) and the drift Evidently's defaults decide.
fn numeric(reference: &[f64], current: &[f64]) -> Value {
    let options = DriftOptions::default();
    let std = population_std(reference);
    let wasserstein = wasserstein_distance(reference, current);
    let psi_of = |binning| ok(numeric_psi("x", reference, current, binning).map(|p| p.psi));
    json!({
        "ks": ok(ks_2samp(reference, current)),
        "wasserstein": ok(wasserstein.clone()),
        "wasserstein_normed": ok(wasserstein.map(|w| w / std.max(0.001))),
        "std": std,
        "psi_quantiles": psi_of(PsiBinning::default()),
        "psi_sturges": psi_of(PsiBinning::Sturges),
        "drift": drift(numeric_drift("x", reference, current, &options)),
    })
}

/// Chi-square (current counts against reference shares), the Z-test on the first category in sorted
/// order (when there are at most two), Jensen–Shannon on the shares, PSI, and the default drift.
fn categorical(reference: &[String], current: &[String]) -> Value {
    let options = DriftOptions::default();
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in reference {
        counts.entry(r).or_default().0 += 1;
    }
    for c in current {
        counts.entry(c).or_default().1 += 1;
    }
    let ref_counts: Vec<usize> = counts.values().map(|c| c.0).collect();
    let cur_counts: Vec<usize> = counts.values().map(|c| c.1).collect();
    let (n_ref, n_cur) = (reference.len(), current.len());
    let shares = |c: &[usize], n: usize| c.iter().map(|&k| k as f64 / n as f64).collect::<Vec<f64>>();
    let z = if counts.len() <= 2 {
        let first = |c: &[usize]| c.first().copied().unwrap_or(0);
        ok(proportion_z_test(n_ref - first(&ref_counts), n_ref, n_cur - first(&cur_counts), n_cur))
    } else {
        Value::Null
    };
    let as_column = |name: &str, values: &[String]| {
        Column::categorical(name, &values.iter().map(|v| Some(v.as_str())).collect::<Vec<_>>())
    };
    let (ref_column, cur_column) = (as_column("x", reference), as_column("x", current));
    json!({
        "chi_square": ok(chi_square_drift(&ref_counts, &cur_counts)),
        "z": z,
        "jensen_shannon": ok(jensen_shannon(&shares(&ref_counts, n_ref), &shares(&cur_counts, n_cur))),
        "psi": ok(psi(&ref_column, &cur_column, PsiBinning::default()).map(|p| p.psi)),
        "drift": drift(column_drift(&ref_column, &cur_column, &options)),
    })
}
