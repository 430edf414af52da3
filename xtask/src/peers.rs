//! The Python peers of the engine (scikit-learn and XGBoost) and the parity layer of `cargo xtask test`.
//!
//! The peers live in a virtual environment at `<workspace>/.venv` (git-ignored), created with
//! `python3 -m venv` and filled by pip from `tests/peers/requirements.txt`. It is set up only when it is
//! missing or when the requirements changed since the last install: a copy of the installed file is kept
//! as `.venv/ciclo-requirements.txt`, so a second run costs one file comparison.
//!
//! The parity layer builds the CLI in release mode and runs `tests/peers/parity.py`, which fits each model
//! family with our engine (`ciclo train --split-out`) and with its peer on the same rows, and fails unless
//! the ROC AUCs agree within 0.01. It then builds the core's `drift_stats` example and runs
//! `tests/peers/drift_parity.py`, which compares our monitoring statistics (Kolmogorov–Smirnov,
//! chi-square, Z-test, Wasserstein, Jensen–Shannon, PSI, the drift decisions) with SciPy's on seeded
//! samples. Binaries are looked for where cargo puts them (`CARGO_TARGET_DIR` when set).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::cmd;
use crate::setup::Tools;

/// The requirements file, relative to the workspace root.
const REQUIREMENTS: &str = "tests/peers/requirements.txt";
/// The copy of the requirements last installed, inside the environment.
const STAMP: &str = "ciclo-requirements.txt";

/// A ready virtual environment.
pub struct Venv {
    /// Its Python interpreter.
    pub python: PathBuf,
}

/// The environment at `<workspace>/.venv`, created or refreshed when needed.
pub fn ensure(tools: &Tools) -> Result<Venv> {
    ensure_venv(tools, ".venv", REQUIREMENTS, "the Python peers")
}

/// The virtual environment `<workspace>/<dir>` with `requirements` (relative to the workspace root)
/// installed: created when missing, refreshed by pip when the requirements changed since the last install
/// (a copy of the installed file is kept inside it), else left alone. `purpose` names it in the log.
pub fn ensure_venv(tools: &Tools, dir: &str, requirements: &str, purpose: &str) -> Result<Venv> {
    let name = dir;
    let dir = tools.root.join(name);
    let python = dir.join("bin").join("python");
    let requirements_path = tools.root.join(requirements);
    let wanted = std::fs::read_to_string(&requirements_path)
        .with_context(|| format!("reading {}", requirements_path.display()))?;
    let stamp = dir.join(STAMP);
    let installed = std::fs::read_to_string(&stamp).ok();

    match plan(python.is_file(), installed.as_deref(), &wanted) {
        Plan::UpToDate => {
            println!("    {name} ({purpose}): up to date with {requirements}");
            return Ok(Venv { python });
        }
        Plan::Create => {
            cmd::step(&format!("creating the environment of {purpose}, {name} (python3 -m venv)"));
            cmd::run(tools.command("python3").args(["-m", "venv"]).arg(&dir))?;
        }
        Plan::Refresh => cmd::step(&format!("{requirements} changed: refreshing {name}")),
    }
    cmd::step(&format!("installing {requirements} into {name} (pip; a minute or two the first time)"));
    cmd::run(
        tools
            .command(&python.to_string_lossy())
            .args(["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", "-r"])
            .arg(&requirements_path),
    )?;
    std::fs::write(&stamp, &wanted).with_context(|| format!("writing {}", stamp.display()))?;
    Ok(Venv { python })
}

/// What the environment needs.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    UpToDate,
    Create,
    Refresh,
}

fn plan(has_python: bool, installed: Option<&str>, requirements: &str) -> Plan {
    if !has_python {
        Plan::Create
    } else if installed == Some(requirements) {
        Plan::UpToDate
    } else {
        Plan::Refresh
    }
}

/// Builds the `ciclo` CLI in release mode and returns its path.
pub fn build_cli(tools: &Tools) -> Result<PathBuf> {
    cmd::step("release build of the ciclo CLI");
    cmd::run(tools.command("cargo").args(["build", "--release", "--package", "ciclo-cli"]))?;
    let binary = release_dir(tools).join(format!("ciclo{}", std::env::consts::EXE_SUFFIX));
    if !binary.is_file() {
        bail!("{} is missing after the build: is the binary still called `ciclo`?", binary.display());
    }
    Ok(binary)
}

/// Builds the core's `drift_stats` example (our monitoring statistics as JSON) in release mode and returns
/// its path.
pub fn build_drift_stats(tools: &Tools) -> Result<PathBuf> {
    cmd::step("release build of ciclo-core's drift_stats example");
    cmd::run(tools.command("cargo").args([
        "build",
        "--release",
        "--package",
        "ciclo-core",
        "--example",
        "drift_stats",
    ]))?;
    let binary =
        release_dir(tools).join("examples").join(format!("drift_stats{}", std::env::consts::EXE_SUFFIX));
    if !binary.is_file() {
        bail!("{} is missing after the build: is the example still called `drift_stats`?", binary.display());
    }
    Ok(binary)
}

/// Cargo's release folder: under `CARGO_TARGET_DIR` (relative to the workspace root) when set, else
/// under `target/`.
pub fn release_dir(tools: &Tools) -> PathBuf {
    target_dir(&tools.root, std::env::var_os("CARGO_TARGET_DIR")).join("release")
}

fn target_dir(root: &Path, variable: Option<OsString>) -> PathBuf {
    match variable {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// A command running `script` (relative to the workspace root) with the environment's Python.
pub fn python(tools: &Tools, venv: &Venv, script: &str) -> std::process::Command {
    let mut command = tools.command(&venv.python.to_string_lossy());
    // Unbuffered, so that progress on standard error interleaves with ours.
    command.arg("-u").arg(Path::new(script));
    command
}

/// The parity layer of `cargo xtask test`: ROC AUC within 0.01 of scikit-learn's and XGBoost's on a
/// synthetic data set, for every family; then the monitoring statistics against SciPy's (statistics
/// within 1e-6, p-values within 1e-6 or 1e-3 relative).
pub fn parity_layer(tools: &Tools) -> Result<()> {
    let venv = ensure(tools)?;
    let ciclo = build_cli(tools)?;
    cmd::run(python(tools, &venv, "tests/peers/parity.py").arg("--ciclo").arg(&ciclo))?;
    let drift_stats = build_drift_stats(tools)?;
    cmd::run(python(tools, &venv, "tests/peers/drift_parity.py").arg("--example").arg(&drift_stats))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_binaries_where_cargo_puts_them() {
        let root = Path::new("/w");
        assert_eq!(target_dir(root, None), Path::new("/w/target"));
        assert_eq!(target_dir(root, Some(OsString::new())), Path::new("/w/target"));
        assert_eq!(target_dir(root, Some("t".into())), Path::new("/w/t"));
        assert_eq!(target_dir(root, Some("/elsewhere".into())), Path::new("/elsewhere"));
    }

    #[test]
    fn sets_up_only_when_missing_or_changed() {
        assert_eq!(plan(false, None, "a==1\n"), Plan::Create);
        assert_eq!(plan(false, Some("a==1\n"), "a==1\n"), Plan::Create);
        assert_eq!(plan(true, None, "a==1\n"), Plan::Refresh);
        assert_eq!(plan(true, Some("a==1\n"), "a==2\n"), Plan::Refresh);
        assert_eq!(plan(true, Some("a==1\n"), "a==1\n"), Plan::UpToDate);
    }
}
