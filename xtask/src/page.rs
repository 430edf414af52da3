//! Building and serving the page with Trunk (configuration in Trunk.toml).

use anyhow::Result;

use crate::cmd;
use crate::config;
use crate::setup::Tools;

/// `cargo xtask serve`: Trunk's development server, rebuilding on change.
pub fn serve(tools: &Tools) -> Result<()> {
    let trunk_toml = std::fs::read_to_string(tools.root.join("Trunk.toml"))?;
    let address =
        config::toml_array_first(&trunk_toml, "serve", "addresses").unwrap_or_else(|| "127.0.0.1".into());
    let port = config::toml_value(&trunk_toml, "serve", "port").unwrap_or_else(|| "8080".into());
    cmd::step(&format!("serving the page at http://{address}:{port}/ (Ctrl-C stops)"));
    // `--offline` also stops Trunk from asking crates.io whether it is up to date.
    cmd::run(tools.command("trunk").args(["serve", "--offline"]))
}

/// `cargo xtask dist`: the release build of the page into `dist/`.
pub fn dist(tools: &Tools) -> Result<()> {
    cmd::step("release build of the page into dist/");
    cmd::run(tools.command("trunk").args(["build", "--release", "--offline"]))
}
