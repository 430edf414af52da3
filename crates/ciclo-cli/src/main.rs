//! `ciclo`, the command line over Ciclo's core.
//!
//! `main` only collects the arguments and maps errors to exit codes; [`run`] dispatches to one function per
//! subcommand (`generate` for now), each of which parses its own options by hand. A bad command line is a
//! [`Usage`] error (exit code 2, message on stderr); any other failure exits with 1.

use std::fmt;
use std::io::Write;
use std::process::ExitCode;

use anyhow::Context as _;
use ciclo_core::telco;

/// The text of `ciclo --help`.
const HELP: &str = "\
ciclo: the command line of Ciclo, the MLOps playground

Usage:
  ciclo generate [--rows N] [--seed S] [--out FILE] [--drift JSON]
      Write the built-in synthetic Telco churn data set as CSV (to standard output without --out).
      --rows N      number of customers, at most 1000000 (default 7043, the size of IBM's sample)
      --seed S      random seed, any integer from 0 to 2^64 - 1 (default 42)
      --out FILE    write to FILE instead of standard output
      --drift JSON  simulate production drift, for example '{\"monthly_charges_shift\": 0.1}';
                    knobs: monthly_charges_shift, contract_mix, fiber_mix, fiber_churn_boost, churn_boost
  ciclo --help
      Show this text.

Exit codes: 0 success, 1 failure, 2 bad command line.
";

/// A command line that cannot be run: the message says what was wrong.
#[derive(Debug)]
struct Usage(String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\nrun `ciclo --help` for usage", self.0)
    }
}

impl std::error::Error for Usage {}

/// A [`Usage`] error as an `anyhow` error.
fn usage(message: impl Into<String>) -> anyhow::Error {
    Usage(message.into()).into()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ciclo: {error:#}");
            if error.is::<Usage>() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Runs the command line `args` (without the program name).
fn run(args: &[String]) -> anyhow::Result<()> {
    match args.split_first() {
        None => Err(usage("no subcommand given")),
        Some((command, rest)) => match command.as_str() {
            "-h" | "--help" | "help" => print(HELP),
            "generate" => generate(rest),
            other => Err(usage(format!("unknown subcommand `{other}`"))),
        },
    }
}

/// Writes `text` to standard output.
fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).context("cannot write to standard output")
}

/// `ciclo generate`: the synthetic Telco data set as CSV.
fn generate(args: &[String]) -> anyhow::Result<()> {
    let mut rows: usize = 7043;
    let mut seed: u64 = 42;
    let mut out: Option<String> = None;
    let mut drift = telco::Drift::default();
    let mut options = Options::new(args);
    while let Some(option) = options.next_option()? {
        match option {
            "-h" | "--help" => return print(HELP),
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

/// A cursor over a subcommand's `--name value` options.
struct Options<'a> {
    args: std::slice::Iter<'a, String>,
}

impl<'a> Options<'a> {
    fn new(args: &'a [String]) -> Options<'a> {
        Options { args: args.iter() }
    }

    /// The next option name, or `None` at the end; a bare word is a usage error.
    fn next_option(&mut self) -> anyhow::Result<Option<&'a str>> {
        match self.args.next() {
            None => Ok(None),
            Some(arg) if arg.starts_with('-') => Ok(Some(arg.as_str())),
            Some(arg) => Err(usage(format!("unexpected argument `{arg}`"))),
        }
    }

    /// The value following option `name`.
    fn value(&mut self, name: &str) -> anyhow::Result<&'a str> {
        self.args.next().map(String::as_str).ok_or_else(|| usage(format!("{name} needs a value")))
    }

    /// The value following option `name`, parsed; `expected` describes a valid value.
    fn parsed<T: std::str::FromStr>(&mut self, name: &str, expected: &str) -> anyhow::Result<T> {
        let value = self.value(name)?;
        value.parse().map_err(|_| usage(format!("{name} expects {expected}, not `{value}`")))
    }
}

#[cfg(test)]
// A failure in a test is a failed test, not a dead page: tests may unwrap, index and panic.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    fn is_usage(line: &str) -> bool {
        run(&args(line)).is_err_and(|e| e.is::<Usage>())
    }

    #[test]
    fn bad_command_lines_are_usage_errors() {
        assert!(is_usage(""));
        assert!(is_usage("frobnicate"));
        assert!(is_usage("generate --rows"));
        assert!(is_usage("generate --rows many"));
        assert!(is_usage("generate --rows -3"));
        assert!(is_usage("generate --rows 1000001"));
        assert!(HELP.contains(&format!("at most {}", telco::MAX_ROWS)));
        assert!(is_usage("generate --seed 1 --colour blue"));
        assert!(is_usage("generate stray"));
        assert!(is_usage("generate --drift nonsense"));
        assert!(is_usage("generate --drift {\"contract_mix\":\"half\"}"));
    }

    #[test]
    fn generate_writes_the_csv_to_a_file() {
        let path = std::env::temp_dir().join(format!("ciclo-cli-test-{}.csv", std::process::id()));
        let line = format!("generate --rows 5 --seed 3 --out {}", path.display());
        run(&args(&line)).unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(written, telco::generate(5, 3).to_csv());
        assert!(written.starts_with("customerID,gender,SeniorCitizen,"));
    }
}
