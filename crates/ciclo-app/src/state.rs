//! The app's shared state, provided once as a Leptos context: language, the built-in data set, the
//! tracking store and the current training.

use std::sync::Arc;

use ciclo_core::dataset::Dataset;
use ciclo_core::profile::{self, ColumnProfile};
use ciclo_core::telco;
use ciclo_core::tracking::{LifecycleStage, DEFAULT_EXPERIMENT_ID};
use gloo_storage::Storage;
use leptos::prelude::*;

use crate::i18n::Lang;
use crate::models::Models;
use crate::production::Production;
use crate::search::Search;
use crate::storage::Tracking;
use crate::training::Training;

/// Rows of the built-in data set: the size of IBM's Telco file.
pub const BUILTIN_ROWS: usize = 7043;
/// Seed of the built-in data set.
pub const BUILTIN_SEED: u64 = 42;
/// Where the chosen language is remembered.
const LANG_KEY: &str = "ciclo.lang";
/// Where the chosen experiment is remembered.
const EXPERIMENT_KEY: &str = "ciclo.experiment";

/// The built-in data set and its profile, computed once.
pub struct DataView {
    /// The data.
    pub data: Dataset,
    /// Its per-column profile.
    pub profile: Vec<ColumnProfile>,
    /// Its digest.
    pub digest: String,
    /// Its columns as MLflow's dataset schema (JSON).
    pub schema_json: String,
    /// Its size as MLflow's dataset profile (JSON).
    pub profile_json: String,
}

impl DataView {
    /// The built-in synthetic Telco data.
    pub fn builtin() -> DataView {
        let data = telco::generate(BUILTIN_ROWS, BUILTIN_SEED);
        let profile = profile::profile(&data, Some(telco::TARGET));
        let digest = data.digest();
        let schema_json = data.mlflow_schema_json();
        let profile_json = data.mlflow_profile_json();
        DataView { data, profile, digest, schema_json, profile_json }
    }
}

/// Everything the pages share.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The page's language.
    pub lang: RwSignal<Lang>,
    /// The built-in data set.
    pub data: StoredValue<Arc<DataView>>,
    /// Experiments and runs.
    pub tracking: Tracking,
    /// The training in progress or last finished.
    pub training: Training,
    /// The hyperparameter search in progress or last finished.
    pub search: Search,
    /// The experiment new runs are logged in (remembered across visits).
    pub experiment: RwSignal<String>,
    /// The model registry.
    pub models: Models,
    /// The production simulation.
    pub production: Production,
}

impl AppState {
    /// The state at start; `on_loaded` runs once the tracking store is usable.
    pub fn new(on_loaded: impl FnOnce() + 'static) -> AppState {
        let tracking = Tracking::open(on_loaded);
        let production = Production::new();
        production.log_to(tracking);
        AppState {
            lang: RwSignal::new(initial_lang()),
            data: StoredValue::new(Arc::new(DataView::builtin())),
            tracking,
            training: Training::new(),
            search: Search::new(),
            models: Models::open(),
            production,
            experiment: RwSignal::new(
                gloo_storage::LocalStorage::get::<String>(EXPERIMENT_KEY)
                    .unwrap_or_else(|_| DEFAULT_EXPERIMENT_ID.to_string()),
            ),
        }
    }

    /// Logs new runs in `experiment_id` from now on, and remembers it.
    pub fn set_experiment(&self, experiment_id: &str) {
        self.experiment.set(experiment_id.to_string());
        if let Err(error) = gloo_storage::LocalStorage::set(EXPERIMENT_KEY, experiment_id) {
            log::warn!("could not remember the experiment: {error}");
        }
    }

    /// The experiment new runs go to: the chosen one while it exists and is active, else Default.
    pub fn current_experiment(&self) -> String {
        let chosen = self.experiment.get_untracked();
        let usable = self.tracking.snapshot.with_untracked(|s| {
            s.experiment(&chosen).is_some_and(|e| e.lifecycle_stage == LifecycleStage::Active)
        });
        if usable {
            chosen
        } else {
            DEFAULT_EXPERIMENT_ID.to_string()
        }
    }

    /// Switches the language and remembers it.
    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        if let Err(error) = gloo_storage::LocalStorage::set(LANG_KEY, lang.code()) {
            log::warn!("could not remember the language: {error}");
        }
    }
}

/// The remembered language, else the browser's preference.
fn initial_lang() -> Lang {
    if let Some(lang) =
        gloo_storage::LocalStorage::get::<String>(LANG_KEY).ok().and_then(|c| Lang::from_code(&c))
    {
        return lang;
    }
    let preferred: Vec<String> = web_sys::window()
        .map(|w| w.navigator().languages().iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default();
    Lang::from_preferences(&preferred)
}

/// The app state from context (provided by `App`).
pub fn use_app() -> AppState {
    expect_context::<AppState>()
}
