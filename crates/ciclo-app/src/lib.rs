//! Ciclo's page: a Leptos app, rendered in the browser, over `ciclo-core`, with `ciclo-store` for
//! IndexedDB and a Web Worker for training.
//!
//! `App` (in `components/app.rs`) provides one [`state::AppState`] context and routes by the URL's hash
//! ([`route`]). Pages (`pages/`) render what plain functions of the core compute; logic lives in
//! `training.rs` (a run's life), `storage.rs` (the store's working set) and the core, not in components.
//! Every visible string goes through [`i18n`]. The worker binary (`bin/worker.rs`) runs [`worker::run`];
//! [`protocol`] defines what crosses between the two.

pub mod autolog;
pub mod charts;
pub mod components;
pub mod download;
pub mod exchange;
pub mod holdout;
pub mod http;
pub mod i18n;
pub mod ids;
pub mod ledger;
pub mod models;
pub mod pages;
pub mod production;
pub mod protocol;
pub mod reproduce;
pub mod route;
pub mod scoring;
pub mod search;
pub mod search_form;
pub mod state;
pub mod storage;
pub mod train_form;
pub mod trainer;
pub mod training;
pub mod worker;

pub use components::app::App;

/// Mounts the app on `<body>`: the page binary's whole `main`.
pub fn start() {
    console_error_panic_hook::set_once();
    // A second logger (tests) is harmless: keep the first.
    let _ = console_log::init_with_level(log::Level::Info);
    leptos::mount::mount_to_body(App);
}
