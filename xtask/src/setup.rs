//! The tools every subcommand needs, checked before use and installed only when missing or of
//! the wrong version, so a second run costs a few version queries.
//!
//! Nothing is fetched from GitHub: Trunk and wasm-bindgen come from crates.io, wasm-opt from the
//! npm registry (Debian's binaryen 108 builds a page that dies on load), Chromium from Debian.
//! Trunk.toml sets `offline = true` and pins the wasm-bindgen and wasm-opt versions, so Trunk
//! stops with an error rather than downloading when a tool here is wrong.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use anyhow::{bail, Context, Result};

use crate::cmd;
use crate::config;

/// Trunk 0.22 needs a newer rustc than this project's stable toolchain.
const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// What a subcommand needs beyond the build tools.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// The wasm target, Trunk, wasm-bindgen and wasm-opt.
    Build,
    /// The build tools plus Chromium, chromedriver and the end-to-end harness's npm packages.
    Browser,
}

/// The checked tools: a `PATH` that finds the pinned versions first.
pub struct Tools {
    /// The workspace root.
    pub root: PathBuf,
    path: OsString,
}

impl Tools {
    /// A command for `program` found on the tools' `PATH`, run from the workspace root.
    pub fn command(&self, program: &str) -> Command {
        let resolved = find_in_path(&self.path, program).unwrap_or_else(|| PathBuf::from(program));
        let mut command = Command::new(resolved);
        command.env("PATH", &self.path).current_dir(&self.root);
        command
    }

    /// The end-to-end harness folder.
    pub fn e2e_dir(&self) -> PathBuf {
        self.root.join("tests").join("e2e")
    }
}

/// Checks every tool `needs` asks for, installing what is missing.
pub fn ensure(root: &Path, needs: Needs) -> Result<Tools> {
    cmd::step("checking tools");
    let node_bin = root.join("tools").join("node_modules").join(".bin");
    let mut dirs = vec![node_bin.clone(), cargo_bin()];
    dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    let path = std::env::join_paths(dirs).context("a PATH entry contains a `:`")?;
    let tools = Tools { root: root.to_path_buf(), path };

    wasm_target(&tools)?;
    trunk(&tools)?;
    wasm_bindgen(&tools)?;
    wasm_opt(&tools, &node_bin)?;
    if needs == Needs::Browser {
        chromium(&tools)?;
        e2e_packages(&tools)?;
    }
    Ok(tools)
}

fn wasm_target(tools: &Tools) -> Result<()> {
    let installed = cmd::probe(tools.command("rustup").args(["target", "list", "--installed"]))
        .context("`rustup target list --installed` failed: is rustup installed?")?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        println!("    {WASM_TARGET}: installed");
        return Ok(());
    }
    cmd::step(&format!("installing the {WASM_TARGET} target"));
    cmd::run(tools.command("rustup").args(["target", "add", WASM_TARGET]))
}

fn trunk(tools: &Tools) -> Result<()> {
    let has_it = || {
        cmd::probe(tools.command("trunk").arg("--version"))
            .is_some_and(|text| text.trim() == format!("trunk {TRUNK_VERSION}"))
    };
    install_unless(&format!("trunk {TRUNK_VERSION}"), has_it, || {
        cmd::step(&format!("installing trunk {TRUNK_VERSION} (cargo install, about 9 minutes on 2 cores)"));
        cmd::run(tools.command("cargo").args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]))
    })
}

/// Runs `install` unless `has_it`, then checks that it worked (another version earlier on `PATH`
/// would still be found first).
fn install_unless(what: &str, has_it: impl Fn() -> bool, install: impl FnOnce() -> Result<()>) -> Result<()> {
    if has_it() {
        println!("    {what}: installed");
        return Ok(());
    }
    install()?;
    if !has_it() {
        bail!("{what} was installed but another version is found first on PATH: remove that one");
    }
    Ok(())
}

fn wasm_bindgen(tools: &Tools) -> Result<()> {
    let lock = std::fs::read_to_string(tools.root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let version = config::locked_version(&lock, "wasm-bindgen")?;
    let trunk_toml = std::fs::read_to_string(tools.root.join("Trunk.toml")).context("reading Trunk.toml")?;
    match config::toml_value(&trunk_toml, "tools", "wasm_bindgen") {
        Some(pinned) if pinned == version => {}
        Some(pinned) => bail!(
            "Trunk.toml pins wasm_bindgen = \"{pinned}\" but Cargo.lock has wasm-bindgen {version}: \
             set `[tools] wasm_bindgen = \"{version}\"` in Trunk.toml"
        ),
        None => bail!("Trunk.toml has no `[tools] wasm_bindgen`: add `wasm_bindgen = \"{version}\"`"),
    }
    let has_it = || {
        cmd::probe(tools.command("wasm-bindgen").arg("--version"))
            .is_some_and(|text| text.trim() == format!("wasm-bindgen {version}"))
    };
    install_unless(&format!("wasm-bindgen {version}"), has_it, || {
        cmd::step(&format!("installing wasm-bindgen-cli {version} (cargo install, about 2 minutes)"));
        // Not `--locked`: its lock file pins a crate release that this registry does not have.
        cmd::run(tools.command("cargo").args(["install", "wasm-bindgen-cli", "--version", &version]))
    })
}

fn wasm_opt(tools: &Tools, node_bin: &Path) -> Result<()> {
    let trunk_toml = std::fs::read_to_string(tools.root.join("Trunk.toml")).context("reading Trunk.toml")?;
    let pinned = config::toml_value(&trunk_toml, "tools", "wasm_opt")
        .context("Trunk.toml has no `[tools] wasm_opt`: add `wasm_opt = \"version_132\"`")?;
    let Some(version) = pinned.strip_prefix("version_") else {
        bail!("Trunk.toml's `wasm_opt = \"{pinned}\"` is not of the form \"version_N\"");
    };
    // Asked by full path: this is the one first on the PATH given to Trunk.
    let has_it = || {
        cmd::probe(Command::new(node_bin.join("wasm-opt")).arg("--version"))
            .is_some_and(|text| wasm_opt_version(&text) == Some(version))
    };
    install_unless(&format!("wasm-opt {version} (tools/node_modules)"), has_it, || {
        cmd::step(&format!("installing wasm-opt {version} (npm package binaryen@{version}) into tools/"));
        let prefix = tools.root.join("tools");
        std::fs::create_dir_all(&prefix)?;
        cmd::run(tools.command("npm").arg("install").arg("--prefix").arg(&prefix).args([
            "--no-audit",
            "--no-fund",
            &format!("binaryen@{version}"),
        ]))
    })
}

/// The version number in `wasm-opt --version` output such as `wasm-opt version 132 (version_132)`.
fn wasm_opt_version(text: &str) -> Option<&str> {
    let mut words = text.split_whitespace();
    words.find(|word| *word == "version")?;
    words.next()
}

fn chromium(tools: &Tools) -> Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        println!("    chromium and chromedriver: installed");
        return Ok(());
    }
    cmd::step("installing Debian's chromium and chromium-driver (apt-get, needs root)");
    cmd::run(tools.command("apt-get").arg("update"))?;
    cmd::run(
        tools
            .command("apt-get")
            .args(["install", "-y", "--no-install-recommends", "chromium", "chromium-driver"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

fn e2e_packages(tools: &Tools) -> Result<()> {
    let dir = tools.e2e_dir();
    let lock = modified(&dir.join("package-lock.json")).context("tests/e2e/package-lock.json is missing")?;
    // npm writes node_modules/.package-lock.json on every install.
    let installed = modified(&dir.join("node_modules").join(".package-lock.json"));
    if installed.is_some_and(|installed| installed >= lock) {
        println!("    tests/e2e node_modules: up to date");
        return Ok(());
    }
    cmd::step("installing the end-to-end harness's packages (npm ci in tests/e2e)");
    cmd::run(tools.command("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|meta| meta.modified()).ok()
}

/// Where `cargo install` puts binaries.
fn cargo_bin() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"));
    home.join("bin")
}

fn find_in_path(path: &OsString, program: &str) -> Option<PathBuf> {
    std::env::split_paths(path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_wasm_opt_version() {
        assert_eq!(wasm_opt_version("wasm-opt version 132 (version_132)\n"), Some("132"));
        assert_eq!(wasm_opt_version("wasm-opt version 108\n"), Some("108"));
        assert_eq!(wasm_opt_version("something else"), None);
    }
}
