//! `cargo xtask test`: every test layer in order, cheapest first, stopping at the first that
//! fails, then a summary whose last line is `N passed, N failed` (layers as units).
//! `cargo xtask test --only ID[,ID…]` runs just those layers (ids in [`LAYERS`], such as `mlflow`).

use std::process::ExitCode;

use anyhow::Result;

use crate::cmd;
use crate::mlflow;
use crate::page;
use crate::peers;
use crate::setup::{Tools, CHROMEDRIVER};
use crate::static_server::StaticServer;
use crate::tidy;

/// One layer: an id for `--only`, a name for the summary and what it runs.
pub struct Layer {
    pub id: &'static str,
    name: &'static str,
    run: fn(&Tools) -> Result<()>,
}

pub const LAYERS: &[Layer] = &[
    Layer { id: "format", name: "format (cargo fmt --check)", run: format },
    Layer { id: "clippy", name: "clippy (native and wasm32)", run: clippy },
    Layer { id: "tidy", name: "tidy (the pure core's boundary)", run: tidy_layer },
    Layer { id: "native", name: "native tests (cargo test)", run: native },
    Layer {
        id: "parity",
        name:
            "parity with scikit-learn, XGBoost and SciPy (tests/peers/parity.py, tests/peers/drift_parity.py)",
        run: peers::parity_layer,
    },
    Layer { id: "mlflow", name: "MLflow (push to a real mlflow server)", run: mlflow::layer },
    Layer { id: "browser", name: "browser tests (wasm-bindgen-test in Chromium)", run: browser },
    Layer { id: "e2e", name: "end to end (release page in Chromium)", run: end_to_end },
];

/// The layers `--only` names (comma-separated ids), in [`LAYERS`]' order; every layer for `None`.
pub fn select(only: Option<&str>) -> Result<Vec<&'static Layer>> {
    let Some(only) = only else { return Ok(LAYERS.iter().collect()) };
    let ids: Vec<&str> = only.split(',').map(str::trim).filter(|id| !id.is_empty()).collect();
    if let Some(unknown) = ids.iter().find(|id| !LAYERS.iter().any(|layer| layer.id == **id)) {
        let known: Vec<&str> = LAYERS.iter().map(|layer| layer.id).collect();
        anyhow::bail!("no test layer `{unknown}`: the layers are {}", known.join(", "));
    }
    Ok(LAYERS.iter().filter(|layer| ids.contains(&layer.id)).collect())
}

/// Runs `layers` and prints the summary; fails if a layer failed.
pub fn run(tools: &Tools, layers: &[&Layer]) -> ExitCode {
    let mut outcomes: Vec<(&str, Result<()>)> = Vec::new();
    for (number, layer) in layers.iter().enumerate() {
        cmd::step(&format!("[{}/{}] {}", number + 1, layers.len(), layer.name));
        let outcome = (layer.run)(tools);
        let failed = outcome.is_err();
        outcomes.push((layer.name, outcome));
        if failed {
            break;
        }
    }

    cmd::step("summary");
    let mut passed = 0;
    let mut failed = 0;
    for (name, outcome) in &outcomes {
        match outcome {
            Ok(()) => {
                passed += 1;
                println!("    passed   {name}");
            }
            Err(error) => {
                failed += 1;
                println!("    FAILED   {name}: {error:#}");
            }
        }
    }
    for layer in layers.iter().skip(outcomes.len()) {
        println!("    not run  {}", layer.name);
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn format(tools: &Tools) -> Result<()> {
    cmd::run(tools.command("cargo").args(["fmt", "--all", "--check"]))
}

fn clippy(tools: &Tools) -> Result<()> {
    cmd::run(tools.command("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    cmd::run(tools.command("cargo").args([
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "--package",
        "ciclo-app",
        "--package",
        "ciclo-store",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

fn tidy_layer(tools: &Tools) -> Result<()> {
    tidy::check(&tools.root)
}

fn native(tools: &Tools) -> Result<()> {
    cmd::run(tools.command("cargo").args(["test", "--workspace"]))
}

fn browser(tools: &Tools) -> Result<()> {
    // The runner is `wasm-bindgen-test-runner` (.cargo/config.toml); it drives Debian's
    // Chromium headless through chromedriver.
    cmd::run(
        tools
            .command("cargo")
            .args([
                "test",
                "--target",
                "wasm32-unknown-unknown",
                "--package",
                "ciclo-store",
                "--package",
                "ciclo-app",
            ])
            .env("CHROMEDRIVER", CHROMEDRIVER),
    )
}

fn end_to_end(tools: &Tools) -> Result<()> {
    page::dist(tools)?;
    let server = StaticServer::start(&tools.root.join("dist"))?;
    cmd::step(&format!("serving dist/ at {}", server.url));
    // The page pushes to a real MLflow server that allows its origin; what it pushed is read back below.
    let venv = mlflow::venv(tools)?;
    let origin = origin_of(&server.url);
    let tracking = mlflow::MlflowServer::start(tools, Some(&origin))?;
    let out = tracking.dir().join("page");
    std::fs::create_dir_all(&out)?;
    // One test file at a time: each starts its own Chromium, and this machine has 2 cores.
    let outcome = cmd::run(
        tools
            .command("node")
            .args(["--test", "--test-concurrency=1"])
            .current_dir(tools.e2e_dir())
            .env("CICLO_URL", &server.url)
            .env("CICLO_MLFLOW_URL", tracking.url())
            .env("CICLO_MLFLOW_OUT", &out),
    );
    drop(server);
    outcome?;
    cmd::step("reading the page's push back with MlflowClient (tests/mlflow/check_push.py)");
    mlflow::check_push(tools, &venv, tracking.url(), &out.join("page-export.json"))
}

/// `http://127.0.0.1:8123` of `http://127.0.0.1:8123/course/ciclo/`: what `--cors-allowed-origins` takes.
fn origin_of(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let path = url.get(after_scheme..).and_then(|rest| rest.find('/')).map(|at| after_scheme + at);
    url.get(..path.unwrap_or(url.len())).unwrap_or(url).to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_selects_layers_by_id_in_order() {
        let ids = |only| select(only).unwrap().iter().map(|layer| layer.id).collect::<Vec<_>>();
        assert_eq!(ids(Some("mlflow")), ["mlflow"]);
        assert_eq!(origin_of("http://127.0.0.1:8123/course/ciclo/"), "http://127.0.0.1:8123");
        assert_eq!(origin_of("http://127.0.0.1:8123"), "http://127.0.0.1:8123");
        assert_eq!(ids(Some("mlflow,tidy")), ["tidy", "mlflow"]);
        assert_eq!(ids(None).len(), LAYERS.len());
        let error = select(Some("mlfow")).err().unwrap().to_string();
        assert!(error.contains("no test layer `mlfow`: the layers are format, clippy"), "{error}");
    }
}
