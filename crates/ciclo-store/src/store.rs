//! [`IdbStore`]: the tracking store in IndexedDB.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use ciclo_core::tracking::{sort_snapshot, validate_batch, Change, Snapshot, StoreError, SCHEMA_VERSION};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbTransaction, IdbTransactionMode, IdbVersionChangeEvent};

use crate::error::{backend, backend_opening, plain};
use crate::js::{self, Opened};
use crate::migrate::{SchemaRecord, EXPERIMENTS, META, RUNS, SCHEMA_KEY};
use crate::record::{decode, decode_all, put};
use crate::upgrade::{self, Failure};

/// An open connection to the tracking database: experiments and runs in IndexedDB, in the layout of
/// [`SCHEMA_VERSION`].
///
/// Works in a window and in a worker. Dropping it closes the connection; so does another tab that
/// upgrades or deletes the database, after which every call fails with a message to reload the page.
pub struct IdbStore {
    database: IdbDatabase,
    name: String,
    /// Closes the connection when another connection wants to upgrade or delete the database.
    _on_version_change: Closure<dyn FnMut(IdbVersionChangeEvent)>,
}

impl fmt::Debug for IdbStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdbStore").field("name", &self.name).finish_non_exhaustive()
    }
}

impl IdbStore {
    /// Opens the database `db_name`, creating it or upgrading it to [`SCHEMA_VERSION`] first.
    ///
    /// Fails if IndexedDB is unavailable, if the database was written by a newer Ciclo, or if another tab
    /// keeps an older version open and does not let go (the upgrade then does not happen).
    pub async fn open(db_name: &str) -> Result<IdbStore, StoreError> {
        let context = format!("cannot open the tracking database `{db_name}`");
        let factory = js::factory().map_err(|why| plain(&context, &why))?;
        let request = factory
            .open_with_u32(db_name, SCHEMA_VERSION)
            .map_err(|error| backend_opening(&context, &error))?;

        let failure: Failure = Rc::new(RefCell::new(None));
        let on_upgrade_needed = {
            let (request, context, failure) = (request.clone(), context.clone(), failure.clone());
            Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |event: IdbVersionChangeEvent| {
                upgrade::on_upgrade_needed(&request, event.old_version(), &context, &failure);
            })
        };
        request.set_onupgradeneeded(Some(on_upgrade_needed.as_ref().unchecked_ref()));
        let outcome = js::open_request(&request).await;
        request.set_onupgradeneeded(None);
        drop(on_upgrade_needed);

        let database = match outcome {
            Opened::Success(database) => database
                .dyn_into::<IdbDatabase>()
                .map_err(|_| plain(&context, "the browser returned something other than a database"))?,
            Opened::Blocked => {
                give_up_when_blocked(&request);
                return Err(plain(
                    &context,
                    "another tab has an older version of Ciclo open: close or reload the other Ciclo tabs, then \
                     reload this page",
                ));
            }
            Opened::Failed(error) => {
                return Err(failure.borrow_mut().take().unwrap_or_else(|| backend_opening(&context, &error)));
            }
        };

        let on_version_change = {
            let database = database.clone();
            Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |_: IdbVersionChangeEvent| database.close())
        };
        database.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        Ok(IdbStore { database, name: db_name.to_string(), _on_version_change: on_version_change })
    }

    /// Everything the database holds, in [`sort_snapshot`] order.
    pub async fn load(&self) -> Result<Snapshot, StoreError> {
        let context = format!("cannot read the tracking database `{}`", self.name);
        let transaction = self.transaction(&[EXPERIMENTS, RUNS], IdbTransactionMode::Readonly, &context)?;
        read_all(&transaction, &context).await
    }

    /// Applies `changes` in order, all or nothing: checks them with [`validate_batch`] against what is
    /// stored and writes them in one transaction, which also holds the reads the check saw, so that
    /// another tab cannot write in between.
    pub async fn apply(&self, changes: &[Change]) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let context = format!("cannot save to the tracking database `{}`", self.name);
        let transaction = self.transaction(&[EXPERIMENTS, RUNS], IdbTransactionMode::Readwrite, &context)?;
        let done = js::transaction(&transaction);

        let written = async {
            let current = read_all(&transaction, &context).await?;
            validate_batch(&current, changes)?;
            let store =
                |name: &str| transaction.object_store(name).map_err(|error| backend(&context, &error));
            let (experiments, runs) = (store(EXPERIMENTS)?, store(RUNS)?);
            for change in changes {
                match change {
                    Change::PutExperiment(experiment) => put(&experiments, experiment, &context)?,
                    Change::PutRun(run) => put(&runs, run, &context)?,
                }
            }
            Ok(())
        }
        .await;

        match written {
            Ok(()) => done.await.map_err(|error| backend(&context, &error)),
            Err(error) => {
                // Fails only when the transaction already ended, which `done` then reports.
                let _ = transaction.abort();
                let _ = done.await;
                Err(error)
            }
        }
    }

    /// The layout version recorded in the database's `meta` store.
    pub async fn schema_version(&self) -> Result<u32, StoreError> {
        let context = format!("cannot read the schema version of the tracking database `{}`", self.name);
        let transaction = self.transaction(&[META], IdbTransactionMode::Readonly, &context)?;
        let meta = transaction.object_store(META).map_err(|error| backend(&context, &error))?;
        let request = meta.get(&JsValue::from_str(SCHEMA_KEY)).map_err(|error| backend(&context, &error))?;
        let record = js::request(&request).await.map_err(|error| backend(&context, &error))?;
        if record.is_undefined() {
            return Err(plain(&context, "the `meta` store has no schema record"));
        }
        let record: SchemaRecord = decode(record, "schema record", &context)?;
        Ok(record.version)
    }

    /// Deletes the database `db_name` and everything in it. Open [`IdbStore`]s on it, in this tab or others,
    /// close themselves to let it happen.
    pub async fn delete_database(db_name: &str) -> Result<(), StoreError> {
        let context = format!("cannot delete the tracking database `{db_name}`");
        let factory = js::factory().map_err(|why| plain(&context, &why))?;
        let request = factory.delete_database(db_name).map_err(|error| backend_opening(&context, &error))?;
        match js::open_request(&request).await {
            Opened::Success(_) => Ok(()),
            Opened::Blocked => Err(plain(
                &context,
                "another tab keeps it open: it will be deleted once the other Ciclo tabs are closed",
            )),
            Opened::Failed(error) => Err(backend_opening(&context, &error)),
        }
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn transaction(
        &self,
        stores: &[&str],
        mode: IdbTransactionMode,
        context: &str,
    ) -> Result<IdbTransaction, StoreError> {
        self.database
            .transaction_with_str_sequence_and_mode(&js::store_names(stores), mode)
            .map_err(|error| backend(context, &error))
    }
}

impl Drop for IdbStore {
    fn drop(&mut self) {
        self.database.set_onversionchange(None);
        self.database.close();
        // The `onversionchange` closure is dropped after this, once the database no longer refers to it.
    }
}

/// After giving up on a blocked open, makes sure that the request, which still waits for the other tabs,
/// neither upgrades the database without our upgrade steps nor leaves a connection open when it ends.
fn give_up_when_blocked(request: &IdbOpenDbRequest) {
    let aborting = request.clone();
    let abort = Closure::once_into_js(move |_: JsValue| {
        if let Some(transaction) = aborting.transaction() {
            let _ = transaction.abort();
        }
    });
    request.set_onupgradeneeded(Some(abort.unchecked_ref()));
    let closing = request.clone();
    let close = Closure::once_into_js(move |_: JsValue| {
        if let Ok(database) = closing.result().and_then(|database| database.dyn_into::<IdbDatabase>()) {
            database.close();
        }
    });
    request.set_onsuccess(Some(close.unchecked_ref()));
}

/// Reads every experiment and run within `transaction`, in [`sort_snapshot`] order.
async fn read_all(transaction: &IdbTransaction, context: &str) -> Result<Snapshot, StoreError> {
    let get_all = |name: &str| {
        let store = transaction.object_store(name).map_err(|error| backend(context, &error))?;
        let request = store.get_all().map_err(|error| backend(context, &error))?;
        Ok::<_, StoreError>(js::request(&request))
    };
    let (experiments, runs) = (get_all(EXPERIMENTS)?, get_all(RUNS)?);
    let experiments = experiments.await.map_err(|error| backend(context, &error))?;
    let runs = runs.await.map_err(|error| backend(context, &error))?;
    let mut snapshot = Snapshot {
        experiments: decode_all(experiments, "experiment", context)?,
        runs: decode_all(runs, "run", context)?,
    };
    sort_snapshot(&mut snapshot);
    Ok(snapshot)
}
