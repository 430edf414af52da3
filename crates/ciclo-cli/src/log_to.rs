//! `--log-to FILE`: a run recorded into an export document (`docs/export-format.md`), the file the page
//! imports. The file is created, or read (`ciclo_core::exchange::parse`), imported into a memory store,
//! given the new run's changes (checked by the store's `validate_batch`, as the page's are), exported
//! whole and written back through a temporary file renamed over it, so that a failure midway leaves the
//! old file as it was.
//!
//! The CLI has a clock and entropy, which the core does not: the run's id comes from the operating
//! system's random bytes and its times from the system clock.

use std::path::Path;

use anyhow::{bail, Context as _};
use ciclo_core::exchange::{
    parse, plan_import, select, Contents, Document, Mode, Need, Selection, MAX_DOCUMENT_BYTES,
};
use ciclo_core::registry::Registry;
use ciclo_core::tracking::{
    next_experiment_id, run_id_from_bytes, Change, Experiment, MemoryStore, Snapshot, Store,
    DEFAULT_EXPERIMENT_ID,
};

/// The experiment runs go to without `--experiment-name`, as in MLflow.
pub const DEFAULT_EXPERIMENT: &str = "Default";

/// Who writes the documents, as [`Document::producer`] says.
pub fn producer() -> String {
    format!("ciclo {} (cli)", env!("CARGO_PKG_VERSION"))
}

/// Milliseconds since the Unix epoch, from the system clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
}

/// A new run id: 16 random bytes from the operating system, as 32 hex digits.
pub fn new_run_id() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes)
        .map_err(|error| anyhow::anyhow!("no random bytes for a run id: {error}"))?;
    Ok(run_id_from_bytes(bytes))
}

/// The store and registry a document file holds, or empty ones when the file does not exist yet.
fn open(path: &Path, now: i64) -> anyhow::Result<(MemoryStore, Registry)> {
    let (mut store, mut registry) = (MemoryStore::new(), Registry::default());
    let size = match std::fs::metadata(path) {
        Ok(metadata) => metadata.len(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok((store, registry)),
        Err(error) => return Err(error).with_context(|| format!("cannot read `{}`", path.display())),
    };
    if usize::try_from(size).map_or(true, |size| size > MAX_DOCUMENT_BYTES) {
        bail!("`{}` is {size} bytes, more than the {MAX_DOCUMENT_BYTES} a document may hold", path.display());
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let document = parse(&bytes).with_context(|| format!("`{}` is not a usable export", path.display()))?;
    let plan = plan_import(&document, &store.snapshot(), &registry, Mode::Merge, now)?;
    store.apply(&plan.tracking)?;
    registry.apply(&plan.registry);
    Ok((store, registry))
}

/// The id of the experiment named `name` in `snapshot`, and the change that creates it when it is not
/// there (`Default` takes MLflow's id `0` when free).
pub fn experiment(snapshot: &Snapshot, name: &str, now: i64) -> (String, Option<Change>) {
    if let Some(found) = snapshot.experiments.iter().find(|e| e.name == name) {
        return (found.experiment_id.clone(), None);
    }
    let id = if name == DEFAULT_EXPERIMENT && snapshot.experiment(DEFAULT_EXPERIMENT_ID).is_none() {
        DEFAULT_EXPERIMENT_ID.to_string()
    } else {
        next_experiment_id(snapshot)
    };
    (id.clone(), Some(Change::PutExperiment(Experiment::new(id, name, now))))
}

/// Everything `store` and `registry` hold, as a document.
fn document(store: &MemoryStore, registry: &Registry, now: i64) -> anyhow::Result<Document> {
    let export = select(&store.snapshot(), registry, &Selection::All)?;
    let mut contents = Contents::default();
    for (run_id, need) in export.needs() {
        match need {
            Need::History(key) => {
                let points = store.metric_history(&run_id, &key).to_vec();
                contents.histories.insert((run_id, key), points);
            }
            Need::Artifact(path) => {
                if let Some(content) = store.artifact(&run_id, &path) {
                    contents.artifacts.insert((run_id, path), content.to_string());
                }
            }
        }
    }
    Ok(export.into_document(&producer(), now, &contents)?)
}

/// Writes `text` to `path` through a temporary file in the same directory, renamed over it.
fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    let name = path.file_name().map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::write(&temporary, text).and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.with_context(|| format!("cannot write `{}`", path.display()))
}

/// Records into the document at `path` the changes `record` makes for the experiment named
/// `experiment_name` (created when missing), as of `now`. `record` gets the store's snapshot and the
/// experiment's id. Returns how many runs the file holds afterwards.
pub fn log_to(
    path: &str,
    experiment_name: &str,
    now: i64,
    record: impl FnOnce(&Snapshot, &str) -> anyhow::Result<Vec<Change>>,
) -> anyhow::Result<usize> {
    let path = Path::new(path);
    let (mut store, registry) = open(path, now)?;
    let snapshot = store.snapshot();
    let (experiment_id, create) = experiment(&snapshot, experiment_name, now);
    let mut changes: Vec<Change> = create.into_iter().collect();
    changes.extend(record(&snapshot, &experiment_id)?);
    store.apply(&changes).with_context(|| format!("cannot record the run in `{}`", path.display()))?;
    let document = document(&store, &registry, now)?;
    let mut text = document.to_json();
    text.push('\n');
    write_atomically(path, &text)?;
    Ok(document.runs.len())
}
