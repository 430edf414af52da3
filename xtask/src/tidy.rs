//! Tidy: the architecture rules that must not quietly wear away, checked like any other test.
//!
//! The rule: `ciclo-core` is pure. It knows nothing of the browser (no `web-sys`, `js-sys`,
//! `wasm-bindgen`, Leptos, gloo, IndexedDB crates), of async runtimes, of the clock or of
//! entropy; time and random seeds come in as arguments, and data comes in as bytes.
//!
//! Three checks, because each alone misses something:
//!
//! 1. The resolved graph, with `cargo tree -p ciclo-core --all-features -e normal,build
//!    --target all`. Cargo resolves features here for the selected package alone, so the graph
//!    is what the core pulls in by itself. `cargo metadata` cannot answer this: its `resolve`
//!    unifies features across the whole workspace, and the app turns on `getrandom/js`, which
//!    adds `wasm-bindgen` and `js-sys` under the core's own `rand` — a walk of that graph from
//!    the core flags the app's choice, not the core's. `--all-features` checks every feature
//!    combination of the core at once (features are additive); `--target all` includes the
//!    dependencies of every platform, wasm32 among them. The output is printed with depth
//!    prefixes so that a violation can be reported with the chain that pulls it in. A few
//!    edges are accepted on purpose, each with its reason, in `ACCEPTED_EDGES`.
//! 2. The declared dependencies, with `cargo metadata --no-deps`: the core's own
//!    `[dependencies]` and `[build-dependencies]` (not dev), including the features it asks of
//!    each. This is the manifest a reviewer reads, so the error points at the line to remove.
//! 3. The sources of `crates/ciclo-core/src`: calls that reach the clock, entropy, the
//!    environment, files or the network, and `async fn`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::cmd;

const CORE: &str = "ciclo-core";

/// Dependency edges accepted on purpose, each with its reason; the child's own dependencies are
/// not followed through this edge (they are still checked if reached any other way).
const ACCEPTED_EDGES: &[(&str, &str, &str)] = &[(
    "argmin",
    "web-time",
    "argmin, linfa-logistic's optimizer, times its iterations with web-time, which binds to \
     `performance.now()` on wasm32; the core neither calls it nor reads the times",
)];

/// Calls the core must not make, and why.
const FORBIDDEN_CALLS: &[(&str, &str)] = &[
    ("thread_rng", "entropy: take a seed as an argument"),
    ("rand::random", "entropy: take a seed as an argument"),
    ("from_entropy", "entropy: take a seed as an argument"),
    ("OsRng", "entropy: take a seed as an argument"),
    ("getrandom::", "entropy: take a seed as an argument"),
    ("SystemTime", "the clock: take the time as an argument"),
    ("Instant::now", "the clock: take the time as an argument"),
    ("async fn", "async: the core computes; the app awaits"),
    ("std::env", "the environment: take settings as arguments"),
    ("std::fs", "files: the core takes bytes, the caller reads them"),
    ("File::open", "files: the core takes bytes, the caller reads them"),
    ("std::net", "the network: the core takes bytes"),
];

/// Runs the three checks from the workspace `root`, failing with every violation found.
pub fn check(root: &Path) -> Result<()> {
    let mut problems = Vec::new();

    cmd::step("tidy: the core's resolved dependency graph (cargo tree, the core's features alone)");
    let tree = cmd::capture(Command::new(cargo()).current_dir(root).args([
        "tree",
        "--package",
        CORE,
        "--all-features",
        "--edges",
        "normal,build",
        "--target",
        "all",
        "--prefix",
        "depth",
        "--format",
        "{p}|{f}",
    ]))?;
    let graph = DepGraph::from_cargo_tree(&tree)?;
    println!("    {} packages reachable from {CORE}", graph.packages.len());
    problems.extend(graph.violations(CORE));
    for (parent, child, reason) in ACCEPTED_EDGES {
        println!("    accepted: {parent} -> {child}: {reason}");
    }

    cmd::step("tidy: the core's declared dependencies (cargo metadata)");
    let metadata = cmd::capture(Command::new(cargo()).current_dir(root).args([
        "metadata",
        "--format-version",
        "1",
        "--no-deps",
    ]))?;
    let metadata: serde_json::Value = serde_json::from_str(&metadata).context("parsing cargo metadata")?;
    problems.extend(declared_violations(&metadata)?);

    cmd::step("tidy: forbidden calls in crates/ciclo-core/src");
    let src = root.join("crates").join(CORE).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files)?;
    for file in &files {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let shown = file.strip_prefix(root).unwrap_or(file).display().to_string();
        problems.extend(source_violations(&shown, &text));
    }
    println!("    {} source files scanned", files.len());

    if problems.is_empty() {
        println!("    the core is pure");
        Ok(())
    } else {
        bail!("the core's boundary is broken:\n  - {}", problems.join("\n  - "))
    }
}

/// Why a package may not be reached from the core, or `None` if it may.
fn forbidden(name: &str, features: &BTreeSet<String>) -> Option<&'static str> {
    let family = |prefix: &str| {
        name == prefix || name.strip_prefix(prefix).is_some_and(|rest| rest.starts_with(['-', '_']))
    };
    match name {
        "web-sys" | "js-sys" | "wasm-bindgen" | "wasm-bindgen-futures" => Some("binds to JavaScript"),
        "tokio" | "async-std" | "futures-executor" => Some("an async runtime"),
        "rexie" | "indexed_db_futures" => Some("IndexedDB storage"),
        "ureq" | "reqwest" | "hyper" | "curl" | "attohttpc" => {
            Some("an HTTP client: the core builds requests (exchange::push), the shells send them")
        }
        "getrandom" if features.contains("js") || features.contains("wasm_js") => {
            Some("entropy from the browser (feature `js` or `wasm_js`): enable it in the app only")
        }
        _ if family("leptos") => Some("the UI framework"),
        _ if family("gloo") => Some("browser APIs"),
        _ => None,
    }
}

/// One package of a dependency graph.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Package {
    name: String,
    version: String,
    features: BTreeSet<String>,
}

impl Package {
    fn new(name: &str, version: &str, features: &[&str]) -> Self {
        let features = features.iter().map(|feature| (*feature).to_owned()).collect();
        Package { name: name.to_owned(), version: version.to_owned(), features }
    }

    fn describe(&self) -> String {
        if self.features.is_empty() {
            format!("{} {}", self.name, self.version)
        } else {
            let features: Vec<&str> = self.features.iter().map(String::as_str).collect();
            format!("{} {} [{}]", self.name, self.version, features.join(","))
        }
    }
}

/// A resolved dependency graph: packages (one per name and version) and the edges between them.
#[derive(Debug, Default)]
struct DepGraph {
    packages: Vec<Package>,
    children: Vec<BTreeSet<usize>>,
}

impl DepGraph {
    /// Adds `package` unless a package of that name and version is present; returns its index.
    fn add(&mut self, package: Package) -> usize {
        if let Some(index) =
            self.packages.iter().position(|p| p.name == package.name && p.version == package.version)
        {
            return index;
        }
        self.packages.push(package);
        self.children.push(BTreeSet::new());
        self.packages.len() - 1
    }

    fn add_edge(&mut self, from: usize, to: usize) {
        if let Some(children) = self.children.get_mut(from) {
            children.insert(to);
        }
    }

    /// Reads `cargo tree --prefix depth --format "{p}|{f}"` output: lines such as
    /// `2serde_core v1.0.229|default,std`, `3serde_derive v1.0.229 (proc-macro)|default` or
    /// `5quote v1.0.47|default (*)` (`(*)`: shown before, its dependencies are not repeated).
    fn from_cargo_tree(text: &str) -> Result<Self> {
        let mut graph = DepGraph::default();
        // The package last seen at each depth: the parent of the next line one level deeper.
        let mut stack: Vec<usize> = Vec::new();
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            let digits = line.find(|c: char| !c.is_ascii_digit()).unwrap_or(line.len());
            let (depth, rest) = line.split_at(digits);
            let depth: usize =
                depth.parse().with_context(|| format!("no depth in cargo tree line `{line}`"))?;
            let (package, features) =
                rest.split_once('|').with_context(|| format!("no `|` in cargo tree line `{line}`"))?;
            let mut words = package.split_whitespace();
            let (Some(name), Some(version)) = (words.next(), words.next()) else {
                bail!("no name and version in cargo tree line `{line}`");
            };
            let features = features.trim().trim_end_matches("(*)").trim();
            let features: Vec<&str> = features.split(',').filter(|f| !f.is_empty()).collect();
            let index = graph.add(Package::new(name, version.trim_start_matches('v'), &features));
            if depth > stack.len() {
                bail!("cargo tree line `{line}` is deeper than one below the line before it");
            }
            stack.truncate(depth);
            if let Some(&parent) = stack.last() {
                graph.add_edge(parent, index);
            }
            stack.push(index);
        }
        Ok(graph)
    }

    /// Every forbidden package reachable from the package named `root`, each with the chain
    /// of dependencies that reaches it (the shortest).
    fn violations(&self, root: &str) -> Vec<String> {
        let Some(start) = self.packages.iter().position(|p| p.name == root) else {
            return vec![format!("{root} is not in its own dependency graph")];
        };
        let mut parent: BTreeMap<usize, usize> = BTreeMap::new();
        let mut seen = BTreeSet::from([start]);
        let mut queue = VecDeque::from([start]);
        let mut problems = Vec::new();
        while let Some(at) = queue.pop_front() {
            let Some(package) = self.packages.get(at) else { continue };
            if let Some(reason) = forbidden(&package.name, &package.features) {
                let mut chain = vec![package.describe()];
                let mut node = at;
                while let Some(&up) = parent.get(&node) {
                    chain.push(self.packages.get(up).map_or_else(String::new, |p| p.name.clone()));
                    node = up;
                }
                chain.reverse();
                problems.push(format!("{}: {reason}", chain.join(" -> ")));
            }
            for &child in self.children.get(at).into_iter().flatten() {
                let accepted = self.packages.get(child).is_some_and(|child| {
                    ACCEPTED_EDGES.iter().any(|(from, to, _)| *from == package.name && *to == child.name)
                });
                if !accepted && seen.insert(child) {
                    parent.insert(child, at);
                    queue.push_back(child);
                }
            }
        }
        problems
    }
}

/// Forbidden entries among the core's declared normal and build dependencies, from
/// `cargo metadata` JSON.
fn declared_violations(metadata: &serde_json::Value) -> Result<Vec<String>> {
    let packages = metadata
        .get("packages")
        .and_then(serde_json::Value::as_array)
        .context("cargo metadata has no `packages`")?;
    let core = packages
        .iter()
        .find(|package| package.get("name").and_then(serde_json::Value::as_str) == Some(CORE))
        .with_context(|| format!("cargo metadata has no package `{CORE}`"))?;
    let dependencies = core
        .get("dependencies")
        .and_then(serde_json::Value::as_array)
        .context("cargo metadata: no `dependencies`")?;
    let mut problems = Vec::new();
    for dependency in dependencies {
        let field = |key: &str| dependency.get(key).unwrap_or(&serde_json::Value::Null);
        if field("kind") == "dev" {
            continue;
        }
        let name = field("name").as_str().unwrap_or_default();
        let features: BTreeSet<String> = field("features")
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|feature| feature.as_str().map(str::to_owned))
            .collect();
        if let Some(reason) = forbidden(name, &features) {
            problems.push(format!("crates/{CORE}/Cargo.toml depends on `{name}`: {reason}"));
        }
    }
    Ok(problems)
}

/// Forbidden calls in one source file, outside comments.
fn source_violations(file: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let code = code_part(line);
        for (pattern, reason) in FORBIDDEN_CALLS {
            if code.contains(pattern) {
                problems.push(format!("{file}:{}: `{pattern}` reaches {reason}", number + 1));
            }
        }
    }
    problems
}

/// The line without a `//` comment (a `//` inside a string literal is kept).
fn code_part(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    let mut previous_slash = false;
    for (at, c) in line.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '/' if previous_slash => return line.get(..at - 1).unwrap_or(line),
            _ => {}
        }
        previous_slash = c == '/';
    }
    line
}

fn rust_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    let mut paths: Vec<_> = entries.map(|entry| entry.map(|e| e.path())).collect::<Result<_, _>>()?;
    paths.sort();
    for path in paths {
        if path.is_dir() {
            rust_files(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A graph by hand: `edges` are (parent, child) pairs of package names.
    fn graph(packages: &[Package], edges: &[(&str, &str)]) -> DepGraph {
        let mut graph = DepGraph::default();
        for package in packages {
            graph.add(package.clone());
        }
        let index = |name: &str| graph.packages.iter().position(|p| p.name == name);
        let pairs: Vec<(usize, usize)> =
            edges.iter().filter_map(|(from, to)| Some((index(from)?, index(to)?))).collect();
        for (from, to) in pairs {
            graph.add_edge(from, to);
        }
        graph
    }

    fn check(packages: &[Package], edges: &[(&str, &str)], expected: &[&str]) {
        assert_eq!(graph(packages, edges).violations(CORE), expected);
    }

    fn core_with(extra: &[Package]) -> Vec<Package> {
        let mut packages = vec![
            Package::new(CORE, "0.1.0", &[]),
            Package::new("rand", "0.8.8", &["std"]),
            Package::new("rand_core", "0.6.4", &["getrandom", "std"]),
        ];
        packages.extend_from_slice(extra);
        packages
    }

    const RAND_CHAIN: &[(&str, &str)] =
        &[(CORE, "rand"), ("rand", "rand_core"), ("rand_core", "getrandom"), ("getrandom", "wasm-bindgen")];

    #[test]
    fn getrandom_without_js_is_allowed() {
        check(&core_with(&[Package::new("getrandom", "0.2.17", &["std"])]), RAND_CHAIN, &[]);
    }

    #[test]
    fn flags_a_forbidden_edge_with_the_chain_that_reaches_it() {
        let packages = core_with(&[
            Package::new("getrandom", "0.2.17", &["js", "std"]),
            Package::new("wasm-bindgen", "0.2.130", &[]),
        ]);
        check(
            &packages,
            RAND_CHAIN,
            &[
                "ciclo-core -> rand -> rand_core -> getrandom 0.2.17 [js,std]: entropy from the browser \
                 (feature `js` or `wasm_js`): enable it in the app only",
                "ciclo-core -> rand -> rand_core -> getrandom -> wasm-bindgen 0.2.130: binds to JavaScript",
            ],
        );
        let packages = core_with(&[Package::new("getrandom", "0.3.4", &["wasm_js"])]);
        assert_eq!(graph(&packages, RAND_CHAIN).violations(CORE).len(), 1);
    }

    #[test]
    fn follows_accepted_edges_no_further() {
        let packages = vec![
            Package::new(CORE, "0.1.0", &[]),
            Package::new("linfa-logistic", "0.8.1", &[]),
            Package::new("argmin", "0.11.0", &[]),
            Package::new("web-time", "1.1.0", &[]),
            Package::new("js-sys", "0.3.107", &[]),
        ];
        let through_argmin = [
            (CORE, "linfa-logistic"),
            ("linfa-logistic", "argmin"),
            ("argmin", "web-time"),
            ("web-time", "js-sys"),
        ];
        check(&packages, &through_argmin, &[]);
        let also_direct = [through_argmin.as_slice(), &[(CORE, "web-time")]].concat();
        check(&packages, &also_direct, &["ciclo-core -> web-time -> js-sys 0.3.107: binds to JavaScript"]);
    }

    #[test]
    fn flags_families_by_name_only() {
        let packages = vec![
            Package::new(CORE, "0.1.0", &[]),
            Package::new("leptos_dom", "0.8.0", &[]),
            Package::new("gloo-timers", "0.3.0", &[]),
            Package::new("glooper", "1.0.0", &[]),
            Package::new("tokio", "1.0.0", &[]),
        ];
        let edges = [(CORE, "leptos_dom"), (CORE, "gloo-timers"), (CORE, "glooper"), (CORE, "tokio")];
        check(
            &packages,
            &edges,
            &[
                "ciclo-core -> leptos_dom 0.8.0: the UI framework",
                "ciclo-core -> gloo-timers 0.3.0: browser APIs",
                "ciclo-core -> tokio 1.0.0: an async runtime",
            ],
        );
    }

    #[test]
    fn ignores_forbidden_packages_the_core_does_not_reach() {
        let packages = vec![
            Package::new(CORE, "0.1.0", &[]),
            Package::new("serde", "1.0.0", &[]),
            Package::new("web-sys", "0.3.0", &[]),
        ];
        check(&packages, &[(CORE, "serde"), ("web-sys", "serde")], &[]);
    }

    #[test]
    fn reads_cargo_tree_output() -> Result<()> {
        let text = "\
0ciclo-core v0.1.0 (/work/main/crates/ciclo-core)|
1rand v0.8.8|alloc,getrandom,std
2rand_core v0.6.4|getrandom,std
3getrandom v0.2.17|js,std
4wasm-bindgen v0.2.130|default
2libc v0.2.191|
1serde_core v1.0.229|default,std
2serde_derive v1.0.229 (proc-macro)|default
1rand_core v0.6.4|getrandom,std (*)
";
        let graph = DepGraph::from_cargo_tree(text)?;
        assert_eq!(graph.packages.len(), 8);
        let children = |of: &str| -> Vec<&str> {
            let at = graph.packages.iter().position(|p| p.name == of);
            let children = at.and_then(|at| graph.children.get(at)).into_iter().flatten();
            children.filter_map(|&c| graph.packages.get(c)).map(|p| p.name.as_str()).collect()
        };
        // Children are in the order their packages were first seen.
        assert_eq!(children(CORE), ["rand", "rand_core", "serde_core"]);
        assert_eq!(children("rand"), ["rand_core", "libc"]);
        assert_eq!(
            graph.packages.iter().find(|p| p.name == "serde_derive"),
            Some(&Package::new("serde_derive", "1.0.229", &["default"]))
        );
        // The shortest chain is reported: through the core's own edge to rand_core.
        assert_eq!(
            graph.violations(CORE),
            [
                "ciclo-core -> rand_core -> getrandom 0.2.17 [js,std]: entropy from the browser \
                 (feature `js` or `wasm_js`): enable it in the app only",
                "ciclo-core -> rand_core -> getrandom -> wasm-bindgen 0.2.130 [default]: binds to JavaScript",
            ]
        );
        Ok(())
    }

    #[test]
    fn rejects_malformed_cargo_tree_output() {
        assert!(DepGraph::from_cargo_tree("ciclo-core v0.1.0|\n").is_err());
        assert!(DepGraph::from_cargo_tree("0ciclo-core v0.1.0\n").is_err());
        assert!(DepGraph::from_cargo_tree("0ciclo-core v0.1.0|\n2serde v1|\n").is_err());
    }

    #[test]
    fn flags_declared_dependencies() {
        let metadata = serde_json::json!({ "packages": [
            { "name": "ciclo-app", "dependencies": [ { "name": "leptos", "kind": null, "features": [] } ] },
            { "name": CORE, "dependencies": [
                { "name": "serde", "kind": null, "features": ["derive"] },
                { "name": "getrandom", "kind": null, "features": ["js"] },
                { "name": "tokio", "kind": "dev", "features": [] },
                { "name": "web-sys", "kind": "build", "features": [] }
            ] }
        ] });
        let problems = declared_violations(&metadata).map_err(|e| e.to_string());
        assert_eq!(
            problems,
            Ok(vec![
                "crates/ciclo-core/Cargo.toml depends on `getrandom`: entropy from the browser \
                 (feature `js` or `wasm_js`): enable it in the app only"
                    .to_owned(),
                "crates/ciclo-core/Cargo.toml depends on `web-sys`: binds to JavaScript".to_owned(),
            ])
        );
    }

    #[test]
    fn flags_forbidden_calls_outside_comments() {
        let text = r#"//! No `SystemTime` here: time is an argument.
use std::fs::read;
pub fn seed() -> u64 { rand::thread_rng().gen() } // thread_rng: bad
let url = "http://x/y"; let now = Instant::now();
pub async fn train() {}
// std::env is mentioned only in a comment
"#;
        assert_eq!(
            source_violations("core.rs", text),
            [
                "core.rs:2: `std::fs` reaches files: the core takes bytes, the caller reads them",
                "core.rs:3: `thread_rng` reaches entropy: take a seed as an argument",
                "core.rs:4: `Instant::now` reaches the clock: take the time as an argument",
                "core.rs:5: `async fn` reaches async: the core computes; the app awaits",
            ]
        );
    }
}
