//! The IndexedDB implementation of Ciclo's tracking store and model registry: [`IdbStore`] keeps the experiments and runs of
//! `ciclo_core::tracking` in the browser, in a window or a worker, and loads them back as a
//! [`Snapshot`](ciclo_core::tracking::Snapshot); metric histories and artifact contents live in stores of
//! their own and are read one at a time (`load_metric_history`, `load_artifact`).
//!
//! The model registry (`ciclo_core::registry`) lives in the same database (layout 4), read whole and
//! written in batches (`registry.rs`, with [`RegistryChannel`] to tell other tabs).
//!
//! Several tabs share the database. [`TrackingChannel`] tells the others what each applied batch touched,
//! so that they reload those records (`IdbStore::load_touched`, then `Snapshot::merge`); [`RunLock`] and
//! [`live_runs`] tell which RUNNING runs are still being trained somewhere, so that a tab recovers only the
//! runs a closed tab left behind.
//!
//! A batch of [`Change`](ciclo_core::tracking::Change)s is checked with `validate_batch`, the same check
//! the in-memory store runs, and written in one readwrite transaction together with the reads the check
//! saw: all of it or nothing. Records are plain JavaScript objects (`serde-wasm-bindgen`, JSON-compatible),
//! so they read well in the browser's developer tools. Every failure becomes
//! [`StoreError::Backend`](ciclo_core::tracking::StoreError::Backend) with a sentence a person can act on
//! (the `error` module maps IndexedDB's exception names to them); nothing here panics.
//!
//! The database's version is `ciclo_core::tracking::SCHEMA_VERSION`. The [`migrate`] module describes each
//! layout and holds the pure record rewrites, tested natively; `upgrade.rs` runs them inside IndexedDB's
//! `versionchange` transaction, structure and data together, so an interrupted upgrade leaves the old data
//! untouched.
//!
//! Design decision: this crate talks to IndexedDB through `web-sys` directly, not through `rexie` (tried
//! first) or `indexed_db_futures`. Rexie declares stores and indexes but gives no hook to rewrite records
//! during an upgrade, and its upgrade handler `expect`s (a panic kills the page). More decisively, when a
//! transaction aborts, for example with a `QuotaExceededError` at commit, rexie reports only "aborted" and
//! drops the transaction's `error`, so a full disk could not be told apart from anything else.
//! `indexed_db_futures` would do, at the price of about ten more dependencies. The few shapes needed here
//! (a request, an open or delete request, a transaction's end) are small futures over JavaScript promises
//! in `js.rs`.
//!
//! This crate depends on `ciclo-core` and the browser bindings only; it knows nothing of Leptos or the page.
//! It compiles natively so that the workspace builds and lints everywhere, but [`IdbStore`] works only in
//! WebAssembly in a browser.

mod channel;
mod error;
mod js;
mod locks;
pub mod migrate;
mod record;
mod registry;
mod store;
mod upgrade;

pub use channel::TrackingChannel;
pub use locks::{live_runs, RunLock};
pub use registry::{RegistryChannel, STALE};
pub use store::IdbStore;
