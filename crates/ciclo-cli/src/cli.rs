//! The command line's plumbing: usage errors, the option cursor, and the options that `train`,
//! `evaluate` and `tune` share.

use std::fmt;
use std::io::Write;

use anyhow::Context as _;
use ciclo_core::ml::{Fill, ModelKind, ModelParams};

/// A command line that cannot be run: the message says what was wrong.
#[derive(Debug)]
pub struct Usage(pub String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\nrun `ciclo --help` for usage", self.0)
    }
}

impl std::error::Error for Usage {}

/// A [`Usage`] error as an `anyhow` error.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    Usage(message.into()).into()
}

/// Writes `text` to standard output.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).context("cannot write to standard output")
}

/// Writes `value` to standard output as one line of JSON.
pub fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    print(&format!("{value}\n"))
}

/// A cursor over a subcommand's `--name value` options.
pub struct Options<'a> {
    args: std::slice::Iter<'a, String>,
}

impl<'a> Options<'a> {
    pub fn new(args: &'a [String]) -> Options<'a> {
        Options { args: args.iter() }
    }

    /// The next option name, or `None` at the end; a bare word is a usage error.
    pub fn next_option(&mut self) -> anyhow::Result<Option<&'a str>> {
        match self.args.next() {
            None => Ok(None),
            Some(arg) if arg.starts_with('-') => Ok(Some(arg.as_str())),
            Some(arg) => Err(usage(format!("unexpected argument `{arg}`"))),
        }
    }

    /// The value following option `name`.
    pub fn value(&mut self, name: &str) -> anyhow::Result<&'a str> {
        self.args.next().map(String::as_str).ok_or_else(|| usage(format!("{name} needs a value")))
    }

    /// The value following option `name`, parsed; `expected` describes a valid value.
    pub fn parsed<T: std::str::FromStr>(&mut self, name: &str, expected: &str) -> anyhow::Result<T> {
        let value = self.value(name)?;
        value.parse().map_err(|_| usage(format!("{name} expects {expected}, not `{value}`")))
    }

    /// The `name=value` following option `option`.
    pub fn pair(&mut self, option: &str) -> anyhow::Result<(String, String)> {
        let text = self.value(option)?;
        match text.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok((name.trim().to_string(), value.trim().to_string()))
            }
            _ => Err(usage(format!("{option} expects name=value, such as max_depth=5, not `{text}`"))),
        }
    }
}

/// The options of `train`, `evaluate` and `tune`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// `--data FILE`.
    pub data: Option<String>,
    /// `--model NAME`.
    pub model: Option<ModelKind>,
    /// `--target COLUMN`.
    pub target: Option<String>,
    /// `--seed N`, default 42.
    pub seed: u64,
    /// `--test-size F`, default 0.2.
    pub test_size: f64,
    /// `--fill zero|median`, default zero.
    pub fill: Fill,
    /// Every `-P name=value`, in order.
    pub params: Vec<(String, String)>,
    /// `--json`.
    pub json: bool,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            data: None,
            model: None,
            target: None,
            seed: 42,
            test_size: 0.2,
            fill: Fill::Zero,
            params: Vec::new(),
            json: false,
        }
    }
}

impl RunOptions {
    /// Takes `option` (and its value) if it is a shared one; `false` if it is not.
    pub fn accept(&mut self, option: &str, options: &mut Options<'_>) -> anyhow::Result<bool> {
        match option {
            "--data" => self.data = Some(options.value(option)?.to_string()),
            "--model" => {
                let name = options.value(option)?;
                let kind = ModelKind::from_name(name).map_err(|error| usage(error.to_string()))?;
                self.model = Some(kind);
            }
            "--target" => self.target = Some(options.value(option)?.to_string()),
            "--seed" => self.seed = options.parsed(option, "an integer from 0 to 2^64 - 1")?,
            "--test-size" => {
                let size: f64 = options.parsed(option, "a fraction between 0 and 1, such as 0.2")?;
                if !(size > 0.0 && size < 1.0) {
                    return Err(usage(format!(
                        "--test-size expects a fraction between 0 and 1, not `{size}`"
                    )));
                }
                self.test_size = size;
            }
            "--fill" => {
                self.fill = match options.value(option)? {
                    "zero" => Fill::Zero,
                    "median" => Fill::Median,
                    other => return Err(usage(format!("--fill expects `zero` or `median`, not `{other}`"))),
                }
            }
            "-P" | "--param" => self.params.push(options.pair(option)?),
            "--json" => self.json = true,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The data file, required.
    pub fn data(&self, command: &str) -> anyhow::Result<&str> {
        self.data.as_deref().ok_or_else(|| usage(format!("`ciclo {command}` needs --data FILE")))
    }

    /// The model family, required.
    pub fn model(&self, command: &str) -> anyhow::Result<ModelKind> {
        self.model.ok_or_else(|| {
            usage(format!("`ciclo {command}` needs --model: choose logreg, tree, forest or boosting"))
        })
    }

    /// The model family's defaults with every `-P` applied; a bad name or value is a usage error.
    pub fn model_params(&self, command: &str) -> anyhow::Result<ModelParams> {
        let mut params = ModelParams::default_for(self.model(command)?);
        for (name, value) in &self.params {
            params.set(name, value).map_err(|error| usage(format!("-P {name}={value}: {error}")))?;
        }
        Ok(params)
    }
}
