//! `cargo xtask bench`: what the page costs a visitor. The shipped bytes of the release build
//! (raw and gzip level 9, against a budget) and the time from navigation to interactive in
//! headless Chromium, where interactive is the app's `performance.mark("ciclo-ready")`, set once
//! it is mounted and its store is loaded. Printed, and written to `target/bench/page.json`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::json;

use crate::cmd;
use crate::page;
use crate::setup::Tools;
use crate::static_server::StaticServer;

/// The gzip budget of everything the page ships, in bytes (1 MB).
const BUDGET_GZIP: u64 = 1_000_000;
/// Fresh page loads measured, each in a new browser context.
const LOADS: usize = 10;

/// One shipped file.
struct Shipped {
    name: String,
    raw: u64,
    gzip: u64,
}

pub fn run(tools: &Tools) -> Result<()> {
    page::dist(tools)?;
    let dist = tools.root.join("dist");

    cmd::step("shipped bytes of dist/ (gzip level 9)");
    let files = shipped(&dist)?;
    let total_raw: u64 = files.iter().map(|f| f.raw).sum();
    let total_gzip: u64 = files.iter().map(|f| f.gzip).sum();
    for file in &files {
        println!("    {:<44} {:>10} raw {:>10} gzip", file.name, kb(file.raw), kb(file.gzip));
    }
    println!(
        "    {:<44} {:>10} raw {:>10} gzip (budget {})",
        "total",
        kb(total_raw),
        kb(total_gzip),
        kb(BUDGET_GZIP)
    );

    let server = StaticServer::start(&dist)?;
    cmd::step(&format!("time to interactive: {LOADS} fresh loads of {} in headless Chromium", server.url));
    let output = cmd::capture(
        tools
            .command("node")
            .arg("bench/page.mjs")
            .current_dir(tools.e2e_dir())
            .env("CICLO_URL", &server.url)
            .env("CICLO_BENCH_LOADS", LOADS.to_string()),
    );
    drop(server);
    let measured: serde_json::Value =
        serde_json::from_str(&output?).context("tests/e2e/bench/page.mjs printed no JSON")?;
    let mut samples: Vec<f64> = measured
        .get("samples_ms")
        .and_then(serde_json::Value::as_array)
        .context("tests/e2e/bench/page.mjs printed no `samples_ms`")?
        .iter()
        .filter_map(serde_json::Value::as_f64)
        .collect();
    samples.sort_by(f64::total_cmp);
    let (Some(median), Some(&min)) = (median(&samples), samples.first()) else {
        bail!("tests/e2e/bench/page.mjs measured no load");
    };
    println!("    median {median:.0} ms, min {min:.0} ms over {} loads", samples.len());

    let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
    let report = json!({
        "date": utc_date(SystemTime::now()),
        "command": "cargo xtask bench",
        "machine": { "cores": cores, "os": std::env::consts::OS, "arch": std::env::consts::ARCH },
        "browser": measured.get("browser"),
        "files": files.iter().map(|f| json!({ "file": f.name, "raw": f.raw, "gzip": f.gzip })).collect::<Vec<_>>(),
        "total": { "raw": total_raw, "gzip": total_gzip },
        "budget_gzip": BUDGET_GZIP,
        "within_budget": total_gzip <= BUDGET_GZIP,
        "time_to_interactive_ms": { "loads": samples.len(), "median": median, "min": min, "samples": samples },
    });
    let out_dir = tools.root.join("target").join("bench");
    std::fs::create_dir_all(&out_dir)?;
    let out = out_dir.join("page.json");
    std::fs::write(&out, serde_json::to_string_pretty(&report)? + "\n")?;
    cmd::step("written target/bench/page.json");

    if total_gzip > BUDGET_GZIP {
        bail!("the page ships {} gzip, over its budget of {}: shrink it", kb(total_gzip), kb(BUDGET_GZIP));
    }
    Ok(())
}

/// Every file of `dist`, by path relative to it, with raw and gzip sizes.
fn shipped(dist: &Path) -> Result<Vec<Shipped>> {
    let mut paths = Vec::new();
    files_under(dist, &mut paths).with_context(|| format!("reading {}: build it first", dist.display()))?;
    let mut files = Vec::new();
    for path in paths {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let name = path.strip_prefix(dist).unwrap_or(&path).display().to_string();
        files.push(Shipped { name, raw: bytes.len() as u64, gzip: gzip_len(&bytes)? });
    }
    Ok(files)
}

fn files_under(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

fn gzip_len(bytes: &[u8]) -> Result<u64> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len() as u64)
}

pub(crate) fn median(sorted: &[f64]) -> Option<f64> {
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted.get(middle).copied()
    } else {
        Some((sorted.get(middle.checked_sub(1)?)? + sorted.get(middle)?) / 2.0)
    }
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// The UTC date of `time` as `YYYY-MM-DD` (Howard Hinnant's `civil_from_days`).
pub(crate) fn utc_date(time: SystemTime) -> String {
    let days = time.duration_since(UNIX_EPOCH).map(|d| d.as_secs() / 86_400).unwrap_or(0) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates() {
        let at = |days: u64| utc_date(UNIX_EPOCH + Duration::from_secs(days * 86_400 + 3_600));
        assert_eq!(at(0), "1970-01-01");
        assert_eq!(at(11_016), "2000-02-29");
        assert_eq!(at(20_478), "2026-01-25");
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(median(&[1.0, 2.0, 4.0, 10.0]), Some(3.0));
    }

    #[test]
    fn gzip_shrinks_repetitive_bytes() -> Result<()> {
        let bytes = vec![b'a'; 10_000];
        assert!(gzip_len(&bytes)? < 100);
        Ok(())
    }
}
