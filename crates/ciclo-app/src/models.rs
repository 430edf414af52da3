//! The page's model registry: the registry held in a signal, read from IndexedDB when the page opens and
//! written there batch by batch (`ciclo_store::IdbStore::apply_registry`), other tabs' changes reloaded
//! when their `RegistryChannel` message arrives. When IndexedDB cannot be used the registry lives in
//! memory, as the tracking store does (the storage warning already says so).
//!
//! Unlike tracking, a registry write waits for IndexedDB before the page shows it: registry operations
//! are few and deliberate (a registration, a promotion), and a promotion another tab beat must not show
//! as done. A batch planned from a stale copy is refused whole; the registry is then reloaded and the
//! person asked to try again.

use std::cell::RefCell;
use std::rc::Rc;

use ciclo_core::registry::{Registry, RegistryChange};
use ciclo_core::serving::LoggedModel;
use ciclo_store::{IdbStore, RegistryChannel};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::autolog;
use crate::storage::{Tracking, DB_NAME};

/// Where the registry is kept.
enum Backend {
    /// Not open yet.
    Opening,
    /// In IndexedDB.
    Idb(Rc<IdbStore>),
    /// In memory only.
    Memory,
}

/// The registry as the page shows it (cheap to copy).
#[derive(Clone, Copy)]
pub struct Models {
    /// Every model, version and audit entry.
    pub registry: RwSignal<Registry>,
    backend: StoredValue<Rc<RefCell<Backend>>, LocalStorage>,
    channel: StoredValue<Option<Rc<RegistryChannel>>, LocalStorage>,
}

impl Models {
    /// Opens the registry in the page's database.
    pub fn open() -> Models {
        Models::open_named(DB_NAME)
    }

    /// [`Models::open`] on the database `db_name` (tests use their own).
    pub fn open_named(db_name: &str) -> Models {
        let models = Models {
            registry: RwSignal::new(Registry::default()),
            backend: StoredValue::new_local(Rc::new(RefCell::new(Backend::Opening))),
            channel: StoredValue::new_local(None),
        };
        let db_name = db_name.to_string();
        spawn_local(async move {
            match IdbStore::open(&db_name).await {
                Ok(store) => {
                    let store = Rc::new(store);
                    match store.load_registry().await {
                        Ok(registry) => models.registry.set(registry),
                        Err(error) => log::error!("the model registry could not be read: {error}"),
                    }
                    models.set_backend(Backend::Idb(store));
                    match RegistryChannel::open(&db_name) {
                        Ok(mut channel) => {
                            channel.listen(move || spawn_local(models.reload()));
                            models.channel.set_value(Some(Rc::new(channel)));
                        }
                        Err(error) => {
                            log::warn!("other tabs' registry changes will show after a reload: {error}")
                        }
                    }
                }
                Err(error) => {
                    log::warn!("the model registry falls back to memory: {error}");
                    models.set_backend(Backend::Memory);
                }
            }
        });
        models
    }

    fn set_backend(self, backend: Backend) {
        if let Some(cell) = self.backend.try_get_value() {
            *cell.borrow_mut() = backend;
        }
    }

    fn store(self) -> Result<Option<Rc<IdbStore>>, ModelsError> {
        let cell = self.backend.try_get_value().ok_or(ModelsError::Opening)?;
        let backend = cell.borrow();
        match &*backend {
            Backend::Opening => Err(ModelsError::Opening),
            Backend::Idb(store) => Ok(Some(store.clone())),
            Backend::Memory => Ok(None),
        }
    }

    /// Reads the registry again (after another tab changed it).
    pub async fn reload(self) {
        let Ok(Some(store)) = self.store() else { return };
        match store.load_registry().await {
            Ok(registry) => {
                let _ = self.registry.try_set(registry);
            }
            Err(error) => log::error!("the model registry could not be reloaded: {error}"),
        }
    }

    /// Writes `changes` (planned from [`Models::registry`]) and shows them; on a refusal the registry is
    /// reloaded and the reason returned.
    pub async fn apply(self, changes: Vec<RegistryChange>) -> Result<(), ModelsError> {
        match self.store()? {
            Some(store) => {
                if let Err(error) = store.apply_registry(&changes).await {
                    self.reload().await;
                    return Err(ModelsError::Store(error.to_string()));
                }
                self.registry.update(|r| r.apply(&changes));
                if let Some(Some(channel)) = self.channel.try_get_value() {
                    if let Err(error) = channel.post() {
                        log::warn!("{error}");
                    }
                }
            }
            None => self.registry.update(|r| r.apply(&changes)),
        }
        Ok(())
    }
}

/// Why a registry write or a model load failed (the page says it in words: `i18n::models`).
#[derive(Debug, Clone, PartialEq)]
pub enum ModelsError {
    /// The registry is still opening.
    Opening,
    /// IndexedDB refused the write (its sentence, English, as the store's errors are).
    Store(String),
    /// The run has no logged model.
    NoModel(String),
    /// The model file could not be read (why).
    Load(String),
}

/// The model run `run_id` logged (its `model/model.json` artifact), read back.
pub async fn load_model(tracking: Tracking, run_id: &str) -> Result<LoggedModel, ModelsError> {
    let text = load_model_text(tracking, run_id).await?;
    LoggedModel::from_json(&text).map_err(|e| ModelsError::Load(e.to_string()))
}

/// The text of the model run `run_id` logged, unread (for a worker, which reads it itself).
pub async fn load_model_text(tracking: Tracking, run_id: &str) -> Result<String, ModelsError> {
    tracking
        .load_artifact(run_id, autolog::MODEL)
        .await
        .map_err(|e| ModelsError::Store(e.to_string()))?
        .ok_or_else(|| ModelsError::NoModel(run_id.to_string()))
}
