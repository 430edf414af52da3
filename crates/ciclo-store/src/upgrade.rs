//! The `upgradeneeded` handler: brings a database from any older layout to the current one, step by step,
//! inside the single `versionchange` transaction IndexedDB gives it.
//!
//! Structural changes and record rewrites share that transaction, so an upgrade is all or nothing: if a
//! record cannot be read, the tab is closed or the browser crashes mid-way, the transaction aborts and the
//! database is left at its old version with its old data, and the next open tries again. A new database
//! climbs the same ladder from version 0, so there is one path to test.

use std::cell::RefCell;
use std::rc::Rc;

use ciclo_core::tracking::{StoreError, SCHEMA_VERSION};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbObjectStoreParameters, IdbOpenDbRequest, IdbTransaction};

use crate::error::{backend, plain};
use crate::js;
use crate::migrate::{self, SchemaRecord, EXPERIMENTS, META, RUNS, RUNS_BY_EXPERIMENT};
use crate::record::put;

// The ladder below ends at layout 2: bumping the schema version without adding its step must not build.
const _: () = assert!(SCHEMA_VERSION == 2, "add a step to `on_upgrade_needed` for the new schema version");

/// Where the upgrade leaves the reason it aborted, for `IdbStore::open` to report instead of the bare
/// `AbortError` the open request then fails with.
pub(crate) type Failure = Rc<RefCell<Option<StoreError>>>;

/// Handles `upgradeneeded` on `request`, coming from `old_version` (0 for a new database). `context` starts
/// every error message.
pub(crate) fn on_upgrade_needed(
    request: &IdbOpenDbRequest,
    old_version: f64,
    context: &str,
    failure: &Failure,
) {
    let transaction = request.transaction();
    let outcome = (|| {
        let database = request
            .result()
            .map_err(|error| backend(context, &error))?
            .dyn_into::<IdbDatabase>()
            .map_err(|_| plain(context, "the upgrade request did not hold a database"))?;
        let transaction =
            transaction.clone().ok_or_else(|| plain(context, "the upgrade request had no transaction"))?;
        if old_version < 1.0 {
            to_v1(&database).map_err(|error| backend(context, &error))?;
        }
        if old_version < 2.0 {
            to_v2(&database, &transaction, context, failure).map_err(|error| backend(context, &error))?;
        }
        Ok(())
    })();
    if let Err(error) = outcome {
        abort(transaction.as_ref(), failure, error);
    }
}

/// Layout 1: the store of runs.
fn to_v1(database: &IdbDatabase) -> Result<(), JsValue> {
    database.create_object_store_with_optional_parameters(RUNS, &key_path("run_id"))?;
    Ok(())
}

/// Layout 2: experiments get a store, runs an `experiment_id` (and an index on it), and `meta` records the
/// version. The rewrite of the runs waits for their `getAll`, still inside the upgrade transaction.
fn to_v2(
    database: &IdbDatabase,
    transaction: &IdbTransaction,
    context: &str,
    failure: &Failure,
) -> Result<(), JsValue> {
    database.create_object_store_with_optional_parameters(EXPERIMENTS, &key_path("experiment_id"))?;
    database.create_object_store_with_optional_parameters(META, &key_path("key"))?;
    let runs = if database.object_store_names().contains(RUNS) {
        transaction.object_store(RUNS)?
    } else {
        database.create_object_store_with_optional_parameters(RUNS, &key_path("run_id"))?
    };
    runs.create_index_with_str(RUNS_BY_EXPERIMENT, "experiment_id")?;
    let records = js::request(&runs.get_all()?);

    let transaction = transaction.clone();
    let context = context.to_string();
    let failure = failure.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = match records.await {
            Ok(records) => rewrite_v1_runs(&transaction, &records, &context),
            Err(error) => Err(backend(&context, &error)),
        };
        if let Err(error) = outcome {
            abort(Some(&transaction), &failure, error);
        }
    });
    Ok(())
}

/// Rewrites the runs `getAll` returned from layout 1 and writes the experiments and the schema record.
fn rewrite_v1_runs(transaction: &IdbTransaction, records: &JsValue, context: &str) -> Result<(), StoreError> {
    let records = records
        .dyn_ref::<js_sys::Array>()
        .ok_or_else(|| plain(context, "reading the stored runs did not give a list"))?;
    let records = records
        .iter()
        .enumerate()
        .map(|(position, record)| {
            serde_wasm_bindgen::from_value::<serde_json::Value>(record).map_err(|error| {
                plain(context, &format!("record {} of `runs` cannot be read ({error})", position + 1))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let migrated = migrate::migrate_v1(records)?;

    let store = |name: &str| transaction.object_store(name).map_err(|error| backend(context, &error));
    let (experiments, runs, meta) = (store(EXPERIMENTS)?, store(RUNS)?, store(META)?);
    for experiment in &migrated.experiments {
        put(&experiments, experiment, context)?;
    }
    for run in &migrated.runs {
        put(&runs, run, context)?;
    }
    put(&meta, &SchemaRecord::new(2), context)
}

fn key_path(path: &str) -> IdbObjectStoreParameters {
    let parameters = IdbObjectStoreParameters::new();
    parameters.set_key_path(&JsValue::from_str(path));
    parameters
}

fn abort(transaction: Option<&IdbTransaction>, failure: &Failure, error: StoreError) {
    failure.borrow_mut().get_or_insert(error);
    if let Some(transaction) = transaction {
        // Fails only when the transaction already finished, which then failed on its own.
        let _ = transaction.abort();
    }
}
