//! `cargo xtask test`: every test layer in order, cheapest first, stopping at the first that
//! fails, then a summary whose last line is `N passed, N failed` (layers as units).

use std::process::ExitCode;

use anyhow::Result;

use crate::cmd;
use crate::page;
use crate::peers;
use crate::setup::{Tools, CHROMEDRIVER};
use crate::static_server::StaticServer;
use crate::tidy;

/// One layer: a name for the summary and what it runs.
struct Layer {
    name: &'static str,
    run: fn(&Tools) -> Result<()>,
}

const LAYERS: &[Layer] = &[
    Layer { name: "format (cargo fmt --check)", run: format },
    Layer { name: "clippy (native and wasm32)", run: clippy },
    Layer { name: "tidy (the pure core's boundary)", run: tidy_layer },
    Layer { name: "native tests (cargo test)", run: native },
    Layer {
        name:
            "parity with scikit-learn, XGBoost and SciPy (tests/peers/parity.py, tests/peers/drift_parity.py)",
        run: peers::parity_layer,
    },
    Layer { name: "browser tests (wasm-bindgen-test in Chromium)", run: browser },
    Layer { name: "end to end (release page in Chromium)", run: end_to_end },
];

/// Runs the layers and prints the summary; fails if a layer failed.
pub fn run(tools: &Tools) -> ExitCode {
    let mut outcomes: Vec<(&str, Result<()>)> = Vec::new();
    for (number, layer) in LAYERS.iter().enumerate() {
        cmd::step(&format!("[{}/{}] {}", number + 1, LAYERS.len(), layer.name));
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
    for layer in LAYERS.iter().skip(outcomes.len()) {
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
    // One test file at a time: each starts its own Chromium, and this machine has 2 cores.
    let outcome = cmd::run(
        tools
            .command("node")
            .args(["--test", "--test-concurrency=1"])
            .current_dir(tools.e2e_dir())
            .env("CICLO_URL", &server.url),
    );
    drop(server);
    outcome
}
