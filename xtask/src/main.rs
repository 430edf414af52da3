//! `cargo xtask`: Ciclo's automation, one binary with subcommands instead of scripts.
//!
//! Every subcommand first makes sure the tools it needs are present (see `setup`), installing
//! only what is missing, so a fresh clone needs nothing but `cargo`, `node` and `npm`:
//!
//! - `serve`: build and serve the page with Trunk, rebuilding on change (Trunk.toml's address);
//! - `dist`: the release build of the page into `dist/`;
//! - `test`: every test layer in order (format, clippy, tidy, native, parity with scikit-learn and
//!   XGBoost and of the drift statistics with SciPy, MLflow (a document pushed to a real server and read
//!   back), browser, end to end), stopping at the first that fails, then a `N passed, N failed`
//!   summary; `--only ID[,ID…]` runs just those layers;
//! - `bench`: shipped bytes and time to interactive of the release page, then the engine's fit times
//!   natively and in the browser against scikit-learn and XGBoost, then the tracking measurements
//!   (long tasks, the runs page with 10,000 runs, the report's grid in the page against
//!   `GridSearchCV`); `--quick` skips the largest data set and reloads the runs page fewer times,
//!   `--engine`, `--serving` (scoring 100,000 rows in the browser against scikit-learn), `--tracking` and
//!   `--simulate` (a year of the production simulation in the browser and natively, its trainings against
//!   scikit-learn's) choose parts (any of them; none means every part);
//! - `tidy`: only the architecture checks (the core's dependency boundary and forbidden calls);
//! - `setup`: only the tool checks and installs, browser tools included.
//!
//! `anyhow` is used here because this is an edge: errors are reported to a person, not matched.

mod bench;
mod cmd;
mod config;
mod engine_bench;
mod mlflow;
mod page;
mod peers;
mod setup;
mod simulation_bench;
mod static_server;
mod test;
mod tidy;
mod tracking_bench;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve   build the page and serve it with Trunk on Trunk.toml's address, rebuilding on change
  dist    release build of the page into dist/
  test [--only ID[,ID...]]
          every test layer in order: fmt, clippy, tidy, native tests, parity with scikit-learn and
          XGBoost and of the drift statistics with SciPy, MLflow (push to a real mlflow server),
          browser tests, end to end; --only runs just the layers with those ids: format, clippy,
          tidy, native, parity, mlflow, browser, e2e
  bench [--quick] [--engine] [--serving] [--tracking] [--simulate]
          shipped bytes (raw and gzip) and time to interactive in headless Chromium, then the
          engine's fit times natively and in the browser against scikit-learn and XGBoost, then
          the tracking measurements (long tasks, the runs page with 10,000 runs, the report's grid
          in the page against GridSearchCV); --quick skips the 100x data set and reloads the runs
          page fewer times; --engine, --serving (scoring 100,000 rows in the browser
          against scikit-learn), --tracking and --simulate (a year of the production
          simulation in the browser and natively, its trainings against scikit-learn's) run
          only those parts
  tidy    only the architecture checks of the pure core
  setup   only check and install the tools the other commands use
";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root()?;
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["serve"] => {
            let tools = setup::ensure(&root, setup::Needs::Build)?;
            page::serve(&tools)?;
            Ok(ExitCode::SUCCESS)
        }
        ["dist"] => {
            let tools = setup::ensure(&root, setup::Needs::Build)?;
            page::dist(&tools)?;
            Ok(ExitCode::SUCCESS)
        }
        ["test"] => {
            let tools = setup::ensure(&root, setup::Needs::Browser)?;
            Ok(test::run(&tools, &test::select(None)?))
        }
        ["test", "--only", ids] => {
            let layers = test::select(Some(ids))?;
            let browser = layers.iter().any(|layer| ["browser", "e2e"].contains(&layer.id));
            let needs = if browser { setup::Needs::Browser } else { setup::Needs::Build };
            let tools = setup::ensure(&root, needs)?;
            Ok(test::run(&tools, &layers))
        }
        ["bench", flags @ ..]
            if flags.iter().all(|flag| {
                ["--quick", "--engine", "--serving", "--tracking", "--simulate"].contains(flag)
            }) =>
        {
            let tools = setup::ensure(&root, setup::Needs::Browser)?;
            let quick = flags.contains(&"--quick");
            let (engine, tracking) = (flags.contains(&"--engine"), flags.contains(&"--tracking"));
            let (serving, simulate) = (flags.contains(&"--serving"), flags.contains(&"--simulate"));
            let all = !engine && !tracking && !serving && !simulate;
            if all {
                bench::run(&tools)?;
            }
            if all || engine {
                engine_bench::run(&tools, quick)?;
            }
            if all || serving {
                engine_bench::serving(&tools)?;
            }
            if all || tracking {
                tracking_bench::run(&tools, quick)?;
            }
            if all || simulate {
                simulation_bench::run(&tools)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        ["setup"] => {
            setup::ensure(&root, setup::Needs::Browser)?;
            Ok(ExitCode::SUCCESS)
        }
        ["tidy"] => {
            tidy::check(&root)?;
            Ok(ExitCode::SUCCESS)
        }
        [] | ["help" | "-h" | "--help"] => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprint!("{USAGE}");
            bail!("unknown arguments `{}`: see the commands above", args.join(" "))
        }
    }
}

/// The workspace root: the parent of this crate's folder.
fn workspace_root() -> Result<PathBuf> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest_dir.parent().context("xtask has no parent folder")?;
    Ok(root.to_path_buf())
}
