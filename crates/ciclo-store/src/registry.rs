//! The model registry in IndexedDB (layout 4): [`IdbStore::load_registry`] and
//! [`IdbStore::apply_registry`], and [`RegistryChannel`], which tells the other tabs that the registry
//! changed.
//!
//! Registry operations are planned against the page's copy of the registry
//! (`ciclo_core::registry`), and every one appends at least one audit entry numbered from that copy.
//! Audit entries are written with `add`, which refuses an existing key: if another tab changed the
//! registry since this tab read it, its entries hold those numbers, the transaction aborts with nothing
//! written, and the page is told to reload the registry and try again. The same check keeps two tabs
//! from registering the same version number twice.

use std::fmt;

use ciclo_core::registry::{Registry, RegistryChange};
use ciclo_core::tracking::StoreError;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, IdbTransactionMode, MessageEvent};

use crate::error::{backend, plain};
use crate::js;
use crate::migrate::{MODEL_VERSIONS, REGISTERED_MODELS, REGISTRY_AUDIT};
use crate::record::{decode_all, put};
use crate::store::IdbStore;

/// What `apply_registry` says when another tab got there first.
pub const STALE: &str = "another tab changed the model registry at the same time: it was reloaded; try again";

impl IdbStore {
    /// Every registered model, version and audit entry.
    pub async fn load_registry(&self) -> Result<Registry, StoreError> {
        let context = format!("cannot read the model registry in `{}`", self.name());
        let stores = [REGISTERED_MODELS, MODEL_VERSIONS, REGISTRY_AUDIT];
        let transaction = self.transaction(&stores, IdbTransactionMode::Readonly, &context)?;
        let get_all = |name: &str| {
            let store = transaction.object_store(name).map_err(|error| backend(&context, &error))?;
            let request = store.get_all().map_err(|error| backend(&context, &error))?;
            Ok::<_, StoreError>(js::request(&request))
        };
        let (models, versions, audit) =
            (get_all(REGISTERED_MODELS)?, get_all(MODEL_VERSIONS)?, get_all(REGISTRY_AUDIT)?);
        let models = models.await.map_err(|error| backend(&context, &error))?;
        let versions = versions.await.map_err(|error| backend(&context, &error))?;
        let audit = audit.await.map_err(|error| backend(&context, &error))?;
        let mut registry = Registry {
            models: decode_all(models, "registered model", &context)?,
            versions: decode_all(versions, "model version", &context)?,
            audit: decode_all(audit, "audit entry", &context)?,
        };
        registry.models.sort_by(|a, b| a.name.cmp(&b.name));
        registry.versions.sort_by(|a, b| (&a.name, a.version).cmp(&(&b.name, b.version)));
        registry.audit.sort_by_key(|e| e.seq);
        Ok(registry)
    }

    /// Writes `changes` in one transaction, all or nothing. Fails with [`STALE`] when another tab wrote
    /// audit entries with the same numbers first (see the module documentation).
    pub async fn apply_registry(&self, changes: &[RegistryChange]) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let context = format!("cannot save to the model registry in `{}`", self.name());
        let stores = [REGISTERED_MODELS, MODEL_VERSIONS, REGISTRY_AUDIT];
        let transaction = self.transaction(&stores, IdbTransactionMode::Readwrite, &context)?;
        let done = js::transaction(&transaction);
        let written = (|| {
            let store =
                |name: &str| transaction.object_store(name).map_err(|error| backend(&context, &error));
            let (models, versions, audit) =
                (store(REGISTERED_MODELS)?, store(MODEL_VERSIONS)?, store(REGISTRY_AUDIT)?);
            for change in changes {
                match change {
                    RegistryChange::PutModel(model) => put(&models, model, &context)?,
                    RegistryChange::PutVersion(version) => put(&versions, version, &context)?,
                    RegistryChange::Audit(entry) => {
                        let value = serde::Serialize::serialize(
                            entry,
                            &serde_wasm_bindgen::Serializer::json_compatible(),
                        )
                        .map_err(|error| {
                            plain(&context, &format!("a record could not be converted ({error})"))
                        })?;
                        audit.add(&value).map_err(|error| backend(&context, &error))?;
                    }
                }
            }
            Ok::<(), StoreError>(())
        })();
        match written {
            Ok(()) => done.await.map_err(|error| {
                let (name, _) = error_name(&error);
                if name == "ConstraintError" {
                    StoreError::Backend(STALE.to_string())
                } else {
                    backend(&context, &error)
                }
            }),
            Err(error) => {
                let _ = transaction.abort();
                let _ = done.await;
                Err(error)
            }
        }
    }
}

/// The `name` of a DOMException (or of the error a transaction ended with).
fn error_name(error: &JsValue) -> (String, String) {
    let field = |key: &str| {
        js_sys::Reflect::get(error, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    (field("name"), field("message"))
}

/// A `BroadcastChannel` that tells the other tabs of this origin that the registry changed; they reload
/// it (it is small: tens of versions).
pub struct RegistryChannel {
    channel: BroadcastChannel,
    _listener: Option<Closure<dyn FnMut(MessageEvent)>>,
}

impl fmt::Debug for RegistryChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryChannel").field("name", &self.channel.name()).finish_non_exhaustive()
    }
}

impl RegistryChannel {
    /// Opens the channel of the database `db_name`.
    pub fn open(db_name: &str) -> Result<RegistryChannel, StoreError> {
        let channel = BroadcastChannel::new(&format!("ciclo-registry:{db_name}"))
            .map_err(|error| backend("cannot tell other tabs about the model registry", &error))?;
        Ok(RegistryChannel { channel, _listener: None })
    }

    /// Tells the other tabs that the registry changed.
    pub fn post(&self) -> Result<(), StoreError> {
        self.channel
            .post_message(&JsValue::from_str("changed"))
            .map_err(|error| backend("cannot tell other tabs about the model registry", &error))
    }

    /// Calls `on_changed` whenever another tab changed the registry, replacing any earlier listener.
    pub fn listen(&mut self, mut on_changed: impl FnMut() + 'static) {
        let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| on_changed());
        self.channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        self._listener = Some(listener);
    }
}

impl Drop for RegistryChannel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
