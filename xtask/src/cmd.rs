//! Running other programs: each step is announced with a `==> ` line and each command is echoed
//! before it runs, so a log shows what happened and how to reproduce it.

use std::io::Write;
use std::process::Command;

use anyhow::{bail, Context, Result};

/// Announces a step.
pub fn step(title: &str) {
    println!("==> {title}");
    flush();
}

/// Runs `command` with inherited output and fails unless it exits with success.
pub fn run(command: &mut Command) -> Result<()> {
    let shown = show(command);
    println!("$ {shown}");
    flush();
    let status = command.status().with_context(|| format!("could not start `{shown}`: is it installed?"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Runs `command` quietly and returns its standard output, or `None` if it could not start or
/// did not succeed (used to ask a tool for its version).
pub fn probe(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Runs `command`, failing unless it succeeds, and returns its standard output; its standard
/// error goes to ours.
pub fn capture(command: &mut Command) -> Result<String> {
    let shown = show(command);
    println!("$ {shown}");
    flush();
    let output = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("could not start `{shown}`: is it installed?"))?;
    if !output.status.success() {
        bail!("`{shown}` failed ({})", output.status);
    }
    String::from_utf8(output.stdout).with_context(|| format!("`{shown}` printed invalid UTF-8"))
}

/// The command line as a person would type it.
fn show(command: &Command) -> String {
    let program = command.get_program().to_string_lossy();
    let program = program.rsplit('/').next().unwrap_or(&program).to_owned();
    std::iter::once(program)
        .chain(command.get_args().map(|arg| {
            let arg = arg.to_string_lossy();
            if arg.is_empty() || arg.contains([' ', '"', '{', '}', '*']) {
                format!("'{arg}'")
            } else {
                arg.into_owned()
            }
        }))
        .collect::<Vec<_>>()
        .join(" ")
}

fn flush() {
    // A failed flush of the terminal only loses ordering of the log, never a result.
    let _ = std::io::stdout().flush();
}
