//! A real MLflow tracking server for tests, and the MLflow layer of `cargo xtask test`.
//!
//! MLflow lives in its own virtual environment, `<workspace>/.venv-mlflow` (git-ignored), filled from
//! `tests/mlflow/requirements.txt` by the same machinery as the Python peers' `.venv`
//! ([`peers::ensure_venv`]): MLflow pins `pandas<3`, which the peers' environment does not, so the two
//! are kept apart. [`MlflowServer::start`] runs `mlflow server` on a free port of 127.0.0.1 with a
//! SQLite backend store and proxied artifacts in a fresh temporary folder, and stops it (its whole
//! process group) when dropped.
//!
//! The layer builds `ciclo` and the core's `export_fixture` example, pushes a variant of the fixture
//! with a param the server refuses (the push stops after creating a run, naming the key), then the
//! fixture twice with `ciclo push` (the first redoing the interrupted run, the second creating nothing),
//! and reads everything back with `tests/mlflow/check_push.py` (exactly one live server run per
//! document run). [`push_with_cli`] and [`check_push`] take any document, so other steps
//! (`ciclo train --log-to`, the page's push) can reuse them.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::cmd;
use crate::peers::{self, Venv};
use crate::setup::Tools;

/// The requirements file, relative to the workspace root.
pub const REQUIREMENTS: &str = "tests/mlflow/requirements.txt";
/// The environment's folder, relative to the workspace root.
pub const VENV: &str = ".venv-mlflow";
/// How long the server may take to answer `/health`.
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// The MLflow environment, created or refreshed when needed.
pub fn venv(tools: &Tools) -> Result<Venv> {
    peers::ensure_venv(tools, VENV, REQUIREMENTS, "the MLflow tracking server")
}

/// A running `mlflow server`, stopped on drop.
pub struct MlflowServer {
    child: Child,
    url: String,
    dir: PathBuf,
    log: PathBuf,
}

impl MlflowServer {
    /// Starts `mlflow server` from [`VENV`] (set up if needed) on a free port of 127.0.0.1, with a
    /// SQLite store and proxied artifacts in a new temporary folder, allowing CORS requests from
    /// `allowed_origin` when given (a page served elsewhere pushing with `fetch`), and waits until
    /// `/health` answers.
    pub fn start(tools: &Tools, allowed_origin: Option<&str>) -> Result<MlflowServer> {
        let venv = venv(tools)?;
        let mlflow = venv.python.with_file_name("mlflow");
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("ciclo-mlflow-{}-{port}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
        }
        std::fs::create_dir_all(dir.join("artifacts"))
            .with_context(|| format!("creating {}", dir.display()))?;
        let log = dir.join("server.log");
        let log_file = std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        let mut command = Command::new(&mlflow);
        command
            .arg("server")
            .arg("--backend-store-uri")
            .arg(format!("sqlite:///{}", dir.join("mlflow.db").display()))
            .arg("--artifacts-destination")
            .arg(dir.join("artifacts"))
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--workers", "1"]);
        if let Some(origin) = allowed_origin {
            command.args(["--cors-allowed-origins", origin]);
        }
        command
            // The job runner (GenAI evaluation jobs, huey consumers) is not needed and doubles the start.
            .env("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().context("duplicating the log's handle")?)
            .stderr(log_file)
            // Its own process group, so that dropping stops uvicorn's workers too.
            .process_group(0);
        cmd::step(&format!("starting mlflow server on 127.0.0.1:{port} (log: {})", log.display()));
        let child = command.spawn().with_context(|| format!("could not start {}", mlflow.display()))?;
        let mut server = MlflowServer { child, url: format!("http://127.0.0.1:{port}"), dir, log };
        server.wait_until_healthy(port)?;
        Ok(server)
    }

    /// The server's URL, such as `http://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The server's temporary folder (its store, artifacts and log), removed on drop.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn wait_until_healthy(&mut self, port: u16) -> Result<()> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().context("waiting for mlflow server")? {
                bail!("mlflow server exited ({status}) before answering; its log:\n{}", self.log());
            }
            if health(port) {
                println!("    mlflow server healthy after {:.1} s", started.elapsed().as_secs_f64());
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                bail!(
                    "mlflow server did not answer /health within {} s; its log:\n{}",
                    START_TIMEOUT.as_secs(),
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

impl Drop for MlflowServer {
    fn drop(&mut self) {
        // The whole group: the CLI, uvicorn and its workers. A failure leaves nothing worse than a
        // process that ends with the machine; it is reported, not fatal.
        let group = format!("-{}", self.child.id());
        for signal in ["-TERM", "-KILL"] {
            let _ = Command::new("kill").args([signal, "--", &group]).stderr(Stdio::null()).status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    let _ = std::fs::remove_dir_all(&self.dir);
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        eprintln!("warning: mlflow server (process group {}) did not stop", self.child.id());
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr().context("reading the free port")?.port())
}

/// Whether `GET /health` answers 200.
fn health(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200")
}

/// Builds the core's `export_fixture` example in release mode and writes its document to `path`
/// (with `--refused`, the variant with a param MLflow refuses).
pub fn write_fixture(tools: &Tools, path: &Path, refused: bool) -> Result<()> {
    cmd::step("release build of ciclo-core's export_fixture example");
    cmd::run(tools.command("cargo").args([
        "build",
        "--release",
        "--package",
        "ciclo-core",
        "--example",
        "export_fixture",
    ]))?;
    let binary = peers::release_dir(tools)
        .join("examples")
        .join(format!("export_fixture{}", std::env::consts::EXE_SUFFIX));
    if !binary.is_file() {
        bail!(
            "{} is missing after the build: is the example still called `export_fixture`?",
            binary.display()
        );
    }
    let mut command = Command::new(&binary);
    if refused {
        command.arg("--refused");
    }
    cmd::run(command.arg(path))
}

/// Pushes the document at `document` to `url` with `ciclo push --json` and returns its report.
pub fn push_with_cli(ciclo: &Path, document: &Path, url: &str) -> Result<serde_json::Value> {
    let text =
        cmd::capture(Command::new(ciclo).arg("push").arg(document).args(["--tracking-uri", url, "--json"]))?;
    serde_json::from_str(&text)
        .with_context(|| format!("`ciclo push --json` printed something else than JSON: {text}"))
}

/// Reads the document at `document` back from the server at `url` with `tests/mlflow/check_push.py`.
pub fn check_push(tools: &Tools, venv: &Venv, url: &str, document: &Path) -> Result<()> {
    cmd::run(
        peers::python(tools, venv, "tests/mlflow/check_push.py")
            .args(["--tracking-uri", url])
            .arg("--document")
            .arg(document),
    )
}

/// The MLflow layer of `cargo xtask test`: the fixture document pushed twice to a real server with
/// `ciclo push`, the second push creating nothing, then read back and compared.
pub fn layer(tools: &Tools) -> Result<()> {
    let venv = venv(tools)?;
    let ciclo = peers::build_cli(tools)?;
    let server = MlflowServer::start(tools, None)?;
    let document = server.dir.join("fixture.json");
    write_fixture(tools, &document, false)?;
    let refused = server.dir.join("refused.json");
    write_fixture(tools, &refused, true)?;

    // An interrupted push: the server refuses a param of the first child after the run was created. The
    // push must stop naming the key, and the next push must redo that run rather than leave two.
    cmd::step("ciclo push of a document with a param the server refuses: it must stop and name the key");
    let output = Command::new(&ciclo)
        .arg("push")
        .arg(&refused)
        .args(["--tracking-uri", server.url()])
        .output()
        .with_context(|| format!("running {}", ciclo.display()))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or("");
    println!("    {last}");
    if output.status.success() || !last.contains("key `refused <param>`") {
        bail!("the push of refused.json should fail naming the key `refused <param>`; it printed:\n{stderr}");
    }

    cmd::step(&format!("ciclo push to {}", server.url()));
    let first = push_with_cli(&ciclo, &document, server.url())?;
    println!("    first push: {}", counts(&first));
    cmd::step("ciclo push again: nothing may be created twice");
    let second = push_with_cli(&ciclo, &document, server.url())?;
    println!("    second push: {}", counts(&second));
    for kind in ["experiments", "runs", "artifacts", "models", "versions", "stages", "aliases"] {
        let created = second.pointer(&format!("/{kind}/created")).and_then(serde_json::Value::as_u64);
        if created != Some(0) {
            bail!("the second push created {kind} again ({created:?}): {second}");
        }
    }
    let redone = first.pointer("/warnings").and_then(serde_json::Value::as_array).map_or(0, |warnings| {
        warnings
            .iter()
            .filter(|w| w.get("kind").and_then(serde_json::Value::as_str) == Some("redone"))
            .count()
    });
    if redone != 1 {
        bail!("the push after the interrupted one should redo exactly one run, it redid {redone}: {first}");
    }
    if let Some(warnings) = first.get("warnings").and_then(serde_json::Value::as_array) {
        for warning in warnings {
            println!("    warning: {warning}");
        }
    }

    cmd::step("reading the push back with MlflowClient (tests/mlflow/check_push.py)");
    let outcome = check_push(tools, &venv, server.url(), &document).and_then(|()| {
        // The CLI's own runs: trained with `--log-to` into one document, pushed twice, read back.
        let logged = log_with_cli(&ciclo, server.dir())?;
        cmd::step("ciclo push of the document `ciclo train/tune --log-to` wrote, twice");
        push_with_cli(&ciclo, &logged, server.url())?;
        let again = push_with_cli(&ciclo, &logged, server.url())?;
        if again.pointer("/runs/created").and_then(serde_json::Value::as_u64) != Some(0) {
            bail!("the second push of the CLI's runs created runs again: {again}");
        }
        check_push(tools, &venv, server.url(), &logged)
    });
    if outcome.is_err() {
        println!("--- mlflow server log (last 40 lines) ---");
        let log = server.log();
        for line in log.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev() {
            println!("{line}");
        }
    }
    outcome
}

/// Generates a data set and records two trainings and a small grid search with `--log-to` into one export
/// document in `dir` (the CLI's side of "either the page or the CLI wrote it"); returns its path.
fn log_with_cli(ciclo: &Path, dir: &Path) -> Result<PathBuf> {
    cmd::step("ciclo train --log-to (twice) and ciclo tune --log-to into one export document");
    let data = dir.join("telco.csv");
    let csv = cmd::capture(Command::new(ciclo).args(["generate", "--rows", "2000", "--seed", "7"]))?;
    std::fs::write(&data, csv).with_context(|| format!("writing {}", data.display()))?;
    let document = dir.join("cli-runs.json");
    let runs: [&[&str]; 3] = [
        &["train", "--model", "logreg"],
        &["train", "--model", "boosting", "-P", "n_estimators=20"],
        &["tune", "--model", "tree", "--grid", "max_depth=2,4", "--cv", "2", "--quiet"],
    ];
    for args in runs {
        cmd::run(
            Command::new(ciclo)
                .args(args)
                .arg("--data")
                .arg(&data)
                .args(["--experiment-name", "ciclo-cli"])
                .arg("--log-to")
                .arg(&document),
        )?;
    }
    Ok(document)
}

/// `runs 5 created, 0 found, 0 skipped; …` from a push report.
fn counts(report: &serde_json::Value) -> String {
    ["runs", "artifacts", "versions", "stages", "aliases"]
        .iter()
        .map(|kind| {
            let n = |field: &str| {
                report.pointer(&format!("/{kind}/{field}")).and_then(serde_json::Value::as_u64).unwrap_or(0)
            };
            format!("{kind} {} created, {} found, {} skipped", n("created"), n("found"), n("skipped"))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
