//! `ciclo generate`: the synthetic Telco data set as CSV.

use anyhow::Context as _;
use ciclo_core::telco;

use crate::cli::{print, usage, Options};

/// `ciclo generate`.
pub fn generate(args: &[String]) -> anyhow::Result<()> {
    let mut rows: usize = 7043;
    let mut seed: u64 = 42;
    let mut out: Option<String> = None;
    let mut drift = telco::Drift::default();
    let mut options = Options::new(args);
    while let Some(option) = options.next_option()? {
        match option {
            "-h" | "--help" => return print(crate::HELP),
            "--rows" => rows = options.parsed("--rows", "a number of rows such as 7043")?,
            "--seed" => seed = options.parsed("--seed", "an integer from 0 to 2^64 - 1")?,
            "--out" => out = Some(options.value("--out")?.to_string()),
            "--drift" => {
                let json = options.value("--drift")?;
                drift = serde_json::from_str(json).map_err(|error| {
                    usage(format!("--drift expects a JSON object of drift knobs, not `{json}`: {error}"))
                })?;
            }
            other => return Err(usage(format!("unknown option `{other}` for `ciclo generate`"))),
        }
    }
    if rows > telco::MAX_ROWS {
        return Err(usage(format!("--rows can be at most {}, not {rows}", telco::MAX_ROWS)));
    }
    let csv = telco::generate_with(rows, seed, &drift).to_csv();
    match out {
        None => print(&csv),
        Some(path) => std::fs::write(&path, csv).with_context(|| format!("cannot write `{path}`")),
    }
}
