//! Just enough reading of Cargo.lock and Trunk.toml for the tool checks, without a TOML parser
//! in xtask (it is compiled on every fresh clone). Both files are machine-written or short, and
//! only `key = value` lines inside a `[table]` are read; anything fancier is not understood and
//! reads as absent, which the callers report.

use anyhow::{bail, Result};

/// The version of package `name` locked in Cargo.lock text, failing if there is none or several.
pub fn locked_version(lock: &str, name: &str) -> Result<String> {
    let mut versions = Vec::new();
    for block in lock.split("[[package]]").skip(1) {
        if value_in(block, "name").as_deref() == Some(name) {
            if let Some(version) = value_in(block, "version") {
                versions.push(version);
            }
        }
    }
    match versions.as_slice() {
        [version] => Ok(version.clone()),
        [] => bail!("Cargo.lock has no `{name}` package"),
        _ => bail!("Cargo.lock has several `{name}` versions ({}): keep one", versions.join(", ")),
    }
}

/// The value of `key` in `[table]`, unquoted if it is a string.
pub fn toml_value(text: &str, table: &str, key: &str) -> Option<String> {
    let header = format!("[{table}]");
    let mut in_table = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_table = line == header;
        } else if in_table {
            if let Some(value) = value_of_line(line, key) {
                return Some(value);
            }
        }
    }
    None
}

/// The first string of an array value such as `addresses = ["127.0.0.1"]`.
pub fn toml_array_first(text: &str, table: &str, key: &str) -> Option<String> {
    let raw = toml_value(text, table, key)?;
    let inner = raw.strip_prefix('[')?.strip_suffix(']')?;
    let first = inner.split(',').next()?.trim();
    Some(first.trim_matches('"').to_owned()).filter(|value| !value.is_empty())
}

fn value_in(block: &str, key: &str) -> Option<String> {
    block.lines().map(str::trim).find_map(|line| value_of_line(line, key))
}

fn value_of_line(line: &str, key: &str) -> Option<String> {
    let (left, right) = line.split_once('=')?;
    if left.trim() != key {
        return None;
    }
    // Drop a trailing comment, outside of a string.
    let right = right.trim();
    let value = if let Some(rest) = right.strip_prefix('"') {
        rest.split_once('"')?.0
    } else {
        right.split('#').next().unwrap_or(right).trim()
    };
    Some(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.130"

[[package]]
name = "getrandom"
version = "0.2.17"

[[package]]
name = "getrandom"
version = "0.3.4"
"#;

    const TRUNK: &str = r#"
[build]
target = "web/index.html"
offline = true

[tools]
# Must equal Cargo.lock.
wasm_bindgen = "0.2.130"   # pinned
wasm_opt = "version_132"

[serve]
addresses = ["127.0.0.1", "::1"]
port = 8080 # Trunk's default
"#;

    #[test]
    fn finds_the_locked_version() {
        assert_eq!(locked_version(LOCK, "wasm-bindgen").ok(), Some("0.2.130".into()));
    }

    #[test]
    fn missing_and_duplicate_locked_versions_are_errors() {
        let missing = locked_version(LOCK, "leptos").map_err(|e| e.to_string());
        assert_eq!(missing, Err("Cargo.lock has no `leptos` package".into()));
        let several = locked_version(LOCK, "getrandom").map_err(|e| e.to_string());
        assert_eq!(
            several,
            Err("Cargo.lock has several `getrandom` versions (0.2.17, 0.3.4): keep one".into())
        );
    }

    #[test]
    fn reads_trunk_toml() {
        assert_eq!(toml_value(TRUNK, "tools", "wasm_bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(toml_value(TRUNK, "tools", "wasm_opt").as_deref(), Some("version_132"));
        assert_eq!(toml_value(TRUNK, "serve", "port").as_deref(), Some("8080"));
        assert_eq!(toml_array_first(TRUNK, "serve", "addresses").as_deref(), Some("127.0.0.1"));
        assert_eq!(toml_value(TRUNK, "build", "wasm_bindgen"), None);
        assert_eq!(toml_value(TRUNK, "tools", "sass"), None);
    }
}
