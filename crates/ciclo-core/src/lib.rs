//! Ciclo's pure core: everything the playground computes, with nothing it does not need to compute it.
//!
//! The machine-learning lifecycle flows through these modules in order: a [`dataset::Dataset`] (built-in
//! synthetic Telco data from [`telco`], or a CSV) is profiled, split ([`split`]), turned into features by a
//! fitted [`ml::Pipeline`], used to fit a model ([`ml`]), scored ([`metrics`]), and logged as a
//! [`tracking::Run`] into a [`tracking::Store`].
//! In production, [`monitor`] compares each period's data and scores with the reference: drift, data quality,
//! estimated and realized performance, alerts.
//!
//! This crate must not depend on `web-sys`, `js-sys`, `wasm-bindgen`, Leptos, an async runtime, a clock or
//! operating-system entropy: random seeds and timestamps come in as arguments, so the same inputs give the
//! same outputs natively and in WebAssembly. The tidy test in `xtask` checks the dependency boundary with
//! `cargo metadata`, and `tests/purity.rs` checks the sources.

pub mod autolog;
pub mod dataset;
pub mod exchange;
pub mod ingest;
mod message;
pub mod metrics;
pub mod ml;
pub mod monitor;
pub mod num;
pub mod profile;
pub mod registry;
pub mod rng;
pub mod serving;
pub mod simulate;
pub mod split;
pub mod telco;
pub mod tracking;
pub mod tune;
