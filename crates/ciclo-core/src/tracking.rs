//! Experiment tracking with MLflow's concepts: experiments hold runs; a run records the parameters,
//! metrics (with their step histories), tags, data sets and artifacts of one training, with its status,
//! times, parent and lifecycle stage.
//!
//! Storage is a journal of [`Change`]s. The domain functions here build changes; a [`Store`] applies a batch
//! of them atomically after [`validate_batch`] accepted it (MLflow's limits in [`limits`], parameter
//! immutability, parents, purge order). [`MemoryStore`] is the in-memory store (tests, the CLI, and the
//! page's working set when IndexedDB cannot be opened); `ciclo-store` writes the same batches to IndexedDB
//! in one transaction and loads them back as a [`Snapshot`]. Metric histories and artifact contents are
//! kept apart from the run records, so that a snapshot of thousands of runs stays light. Keeping the trait
//! synchronous and the journal plain data is what lets this crate stay free of async and of the browser.
//!
//! [`search`] is MLflow's `search_runs` language (filter, `order_by`, paging) over a snapshot's runs.
//!
//! Submodules: `model` (the entities), [`limits`], `store` (changes, snapshot, validation, memory store),
//! `lifecycle` (delete, restore, purge, recovery) and [`search`]; their items are re-exported here.

mod lifecycle;
pub mod limits;
mod model;
pub mod search;
mod store;

pub use lifecycle::{
    delete_run, descendants, log_run, next_experiment_id, purge_deleted, purge_run, recover_unfinished,
    recover_unfinished_except, restore_run, RECOVERED_TAG,
};
pub use limits::{Field, LimitError};
pub use model::{
    run_id_from_bytes, ArtifactInfo, ArtifactKind, DatasetInput, Experiment, LifecycleStage, MetricPoint,
    Run, RunStatus, CONTEXT_EVALUATION, CONTEXT_TRAINING, DEFAULT_EXPERIMENT_ID, PARENT_RUN_ID_TAG,
};
pub use search::{search_runs, SearchError, SearchErrorKind, SearchPage, SearchRequest, ViewType};
pub use store::{
    apply_batch, check_experiment, check_run, records_read_by, runs_read_by, sort_snapshot, validate_batch,
    Change, MemoryStore, Snapshot, Store, StoreError, Touched,
};

/// The version of the stored record layout. Bump it, and add a step to `ciclo-store`'s migrations, whenever
/// the serialized shape of [`Experiment`] or [`Run`] changes, or a store is added.
///
/// History: 1 stored runs alone, each carrying its experiment's name; 2 gave experiments a store of their own
/// and runs an `experiment_id`; 3 added experiment descriptions and lifecycle, and to runs the lifecycle
/// (soft delete), parents, latest metric points and artifact listings, with metric histories and artifact
/// contents in object stores of their own; 4 added the model registry's stores (registered models, model
/// versions, the audit log), leaving the tracking records as they were.
pub const SCHEMA_VERSION: u32 = 4;
