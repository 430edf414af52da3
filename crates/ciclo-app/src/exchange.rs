//! Export, import and push on the page, over the core's `exchange` module: the document is assembled from
//! the working set plus the metric histories and artifact contents read from IndexedDB one at a time; an
//! import is planned by the core against the whole working set and written as one tracking batch and one
//! registry batch; a push drives the core's `Push` with [`crate::http::send`], one request at a time.
//!
//! A push is network-bound, not CPU-bound: it runs on the page's thread as a future, yielding at every
//! request, so the page stays responsive without a worker. Cancelling takes effect between requests; what
//! the server already holds stays, and the next push resumes (the push is idempotent).

use std::cell::Cell;
use std::rc::Rc;

use ciclo_core::exchange::push::{Progress, Push, PushError, PushReport};
use ciclo_core::exchange::{
    self, Contents, Document, ExportError, ImportError, ImportPlan, Mode, Need, Selection,
};
use ciclo_core::registry::Registry;
use leptos::prelude::*;

use crate::http::{self, HttpError};
use crate::models::{Models, ModelsError};
use crate::storage::Tracking;

/// Who writes the documents of this page.
pub fn producer() -> String {
    format!("ciclo {} (page)", env!("CARGO_PKG_VERSION"))
}

/// Why building a document failed.
#[derive(Debug, Clone, PartialEq)]
pub enum BuildError {
    /// The selection or the contents did not make a document.
    Export(ExportError),
    /// A history or an artifact could not be read (the store's words).
    Read(String),
}

/// Builds the document of `selection`, reading what the working set does not hold; `loaded` counts the
/// reads (done, total) for a progress bar.
pub async fn build_document(
    tracking: Tracking,
    registry: &Registry,
    selection: &Selection,
    now_ms: i64,
    loaded: RwSignal<(usize, usize)>,
) -> Result<Document, BuildError> {
    let export = tracking
        .snapshot
        .with_untracked(|snapshot| exchange::select(snapshot, registry, selection))
        .map_err(BuildError::Export)?;
    let needs = export.needs();
    let total = needs.len();
    loaded.set((0, total));
    let mut contents = Contents::default();
    for (done, (run_id, need)) in needs.into_iter().enumerate() {
        match need {
            Need::History(key) => {
                let points = tracking
                    .load_metric_history(&run_id, &key)
                    .await
                    .map_err(|e| BuildError::Read(e.to_string()))?;
                contents.histories.insert((run_id, key), points);
            }
            Need::Artifact(path) => {
                let text = tracking
                    .load_artifact(&run_id, &path)
                    .await
                    .map_err(|e| BuildError::Read(e.to_string()))?
                    .unwrap_or_default();
                contents.artifacts.insert((run_id, path), text);
            }
        }
        loaded.set((done + 1, total));
    }
    export.into_document(&producer(), now_ms, &contents).map_err(BuildError::Export)
}

/// Why an import did not happen, or happened in part.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportFailure {
    /// The document was refused: nothing was written.
    Refused(ImportError),
    /// The page's tracking store refused the runs: nothing was written.
    Tracking(String),
    /// The runs were written but the registry refused its part: importing the file again completes it.
    Registry(ModelsError),
    /// The stores are still opening.
    NotReady,
}

/// Plans the import of `document` against what the page holds now.
pub fn plan(
    tracking: Tracking,
    models: Models,
    document: &Document,
    mode: Mode,
    now_ms: i64,
) -> Result<ImportPlan, ImportFailure> {
    let registry = models.registry.get_untracked();
    tracking
        .snapshot
        .try_with_untracked(|snapshot| exchange::plan_import(document, snapshot, &registry, mode, now_ms))
        .ok_or(ImportFailure::NotReady)?
        .map_err(ImportFailure::Refused)
}

/// Writes a planned import: the runs in one batch, then the registry in one batch.
pub async fn apply(tracking: Tracking, models: Models, plan: ImportPlan) -> Result<(), ImportFailure> {
    tracking.apply(plan.tracking).map_err(|e| ImportFailure::Tracking(e.to_string()))?;
    if !plan.registry.is_empty() {
        models.apply(plan.registry).await.map_err(ImportFailure::Registry)?;
    }
    Ok(())
}

/// Why a push stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum PushFailure {
    /// The server could not be reached, refused the origin, or the address is wrong.
    Http(HttpError),
    /// The server refused a request, or answered what MLflow would not.
    Server(PushError),
    /// The person cancelled it.
    Cancelled,
}

/// A push in progress, as the page shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PushState {
    /// Where it is.
    pub progress: Option<Progress>,
    /// Requests sent.
    pub requests: usize,
}

/// Pushes `document` to the server at `base`, one request at a time, until done, refused or cancelled.
pub async fn push(
    base: &str,
    document: &Document,
    state: RwSignal<PushState>,
    cancelled: Rc<Cell<bool>>,
) -> Result<PushReport, PushFailure> {
    let mut push = Push::new(document);
    let mut requests = 0;
    while let Some(request) = push.next_request() {
        if cancelled.get() {
            return Err(PushFailure::Cancelled);
        }
        let response = http::send(base, &request).await.map_err(PushFailure::Http)?;
        push.on_response(response).map_err(PushFailure::Server)?;
        requests += 1;
        let _ = state.try_set(PushState { progress: Some(push.progress()), requests });
    }
    Ok(push.report().clone())
}
