//! The `upgradeneeded` handler: brings a database from any older layout to the current one, step by step,
//! inside the single `versionchange` transaction IndexedDB gives it.
//!
//! Structural changes and record rewrites share that transaction, so an upgrade is all or nothing: if a
//! record cannot be read, the tab is closed or the browser crashes mid-way, the transaction aborts and the
//! database is left at its old version with its old data, and the next open tries again. A new database
//! climbs the same ladder from version 0, so there is one path to test.
//!
//! The structure of every step is created at once, in the handler; the record rewrites follow in order in
//! one task, each waiting for the `getAll` it needs (the transaction stays active between a request's
//! success and the microtasks that follow it).

use std::cell::RefCell;
use std::rc::Rc;

use ciclo_core::tracking::{StoreError, SCHEMA_VERSION};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbObjectStoreParameters, IdbOpenDbRequest, IdbTransaction};

use crate::error::{backend, plain};
use crate::js;
use crate::migrate::{
    self, SchemaRecord, ARTIFACTS, EXPERIMENTS, META, METRIC_HISTORIES, MODEL_VERSIONS, REGISTERED_MODELS,
    REGISTRY_AUDIT, RUNS, RUNS_BY_EXPERIMENT, RUNS_BY_PARENT, RUNS_BY_STAGE_AND_START,
};
use crate::record::put;

// The ladder below ends at layout 4: bumping the schema version without adding its step must not build.
const _: () = assert!(SCHEMA_VERSION == 4, "add a step to `on_upgrade_needed` for the new schema version");

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
        let structure = || -> Result<(), JsValue> {
            if old_version < 1.0 {
                to_v1(&database)?;
            }
            if old_version < 2.0 {
                to_v2(&database, &transaction)?;
            }
            if old_version < 3.0 {
                to_v3(&transaction, &database)?;
            }
            if old_version < 4.0 {
                to_v4(&database, &transaction)?;
            }
            Ok(())
        };
        structure().map_err(|error| backend(context, &error))?;
        rewrite_records(&transaction, old_version, context, failure);
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

/// Layout 2: experiments get a store, runs an index on `experiment_id`, and `meta` records the version.
fn to_v2(database: &IdbDatabase, transaction: &IdbTransaction) -> Result<(), JsValue> {
    database.create_object_store_with_optional_parameters(EXPERIMENTS, &key_path("experiment_id"))?;
    database.create_object_store_with_optional_parameters(META, &key_path("key"))?;
    transaction.object_store(RUNS)?.create_index_with_str(RUNS_BY_EXPERIMENT, "experiment_id")?;
    Ok(())
}

/// Layout 3: runs get an index on `parent_run_id`; artifact contents and metric histories get stores keyed
/// by run id first, so that a run's can be deleted as one key range.
fn to_v3(transaction: &IdbTransaction, database: &IdbDatabase) -> Result<(), JsValue> {
    transaction.object_store(RUNS)?.create_index_with_str(RUNS_BY_PARENT, "parent_run_id")?;
    database.create_object_store_with_optional_parameters(ARTIFACTS, &compound_key_path("run_id", "path"))?;
    database.create_object_store_with_optional_parameters(
        METRIC_HISTORIES,
        &compound_key_path("run_id", "key"),
    )?;
    Ok(())
}

/// Layout 4: the model registry's stores, and an index of runs by lifecycle stage and start time (the page
/// reads its newest active runs from it first). No record changes: IndexedDB fills the index itself.
fn to_v4(database: &IdbDatabase, transaction: &IdbTransaction) -> Result<(), JsValue> {
    let stage_and_start =
        js_sys::Array::of2(&JsValue::from_str("lifecycle_stage"), &JsValue::from_str("start_time"));
    transaction
        .object_store(RUNS)?
        .create_index_with_str_sequence(RUNS_BY_STAGE_AND_START, &stage_and_start)?;
    database.create_object_store_with_optional_parameters(REGISTERED_MODELS, &key_path("name"))?;
    database.create_object_store_with_optional_parameters(
        MODEL_VERSIONS,
        &compound_key_path("name", "version"),
    )?;
    database.create_object_store_with_optional_parameters(REGISTRY_AUDIT, &key_path("seq"))?;
    Ok(())
}

/// Rewrites the records of every step after `old_version`, in order, then records the version in `meta`.
fn rewrite_records(transaction: &IdbTransaction, old_version: f64, context: &str, failure: &Failure) {
    let transaction = transaction.clone();
    let context = context.to_string();
    let failure = failure.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = async {
            if old_version < 2.0 {
                let records = get_all(&transaction, RUNS, &context).await?;
                rewrite_v1_runs(&transaction, records, &context)?;
            }
            if old_version < 3.0 {
                let experiments = get_all(&transaction, EXPERIMENTS, &context).await?;
                let runs = get_all(&transaction, RUNS, &context).await?;
                rewrite_v2_records(&transaction, experiments, runs, &context)?;
            }
            let meta = transaction.object_store(META).map_err(|error| backend(&context, &error))?;
            put(&meta, &SchemaRecord::new(SCHEMA_VERSION), &context)
        }
        .await;
        if let Err(error) = outcome {
            abort(Some(&transaction), &failure, error);
        }
    });
}

/// Every record of `store`, as JSON values.
async fn get_all(
    transaction: &IdbTransaction,
    store: &str,
    context: &str,
) -> Result<Vec<serde_json::Value>, StoreError> {
    let request = transaction
        .object_store(store)
        .and_then(|s| s.get_all())
        .map_err(|error| backend(context, &error))?;
    let records = js::request(&request).await.map_err(|error| backend(context, &error))?;
    let records = records
        .dyn_ref::<js_sys::Array>()
        .ok_or_else(|| plain(context, &format!("reading the stored `{store}` did not give a list")))?;
    records
        .iter()
        .enumerate()
        .map(|(position, record)| {
            serde_wasm_bindgen::from_value::<serde_json::Value>(record).map_err(|error| {
                plain(context, &format!("record {} of `{store}` cannot be read ({error})", position + 1))
            })
        })
        .collect()
}

/// Rewrites the runs of layout 1 and writes their experiments.
fn rewrite_v1_runs(
    transaction: &IdbTransaction,
    records: Vec<serde_json::Value>,
    context: &str,
) -> Result<(), StoreError> {
    let migrated = migrate::migrate_v1(records)?;
    let store = |name: &str| transaction.object_store(name).map_err(|error| backend(context, &error));
    let (experiments, runs) = (store(EXPERIMENTS)?, store(RUNS)?);
    for experiment in &migrated.experiments {
        put(&experiments, experiment, context)?;
    }
    for run in &migrated.runs {
        put(&runs, run, context)?;
    }
    Ok(())
}

/// Rewrites every experiment and run of layout 2 in layout 3.
fn rewrite_v2_records(
    transaction: &IdbTransaction,
    experiments: Vec<serde_json::Value>,
    runs: Vec<serde_json::Value>,
    context: &str,
) -> Result<(), StoreError> {
    let unreadable = |store: &str, position: usize, why: String| {
        StoreError::Backend(format!(
            "cannot upgrade the tracking database from schema 2: record {} of `{store}` cannot be read ({why}); \
             the stored data was left unchanged",
            position + 1
        ))
    };
    let experiments = experiments
        .into_iter()
        .enumerate()
        .map(|(i, record)| {
            migrate::migrate_v2_experiment(record).map_err(|why| unreadable(EXPERIMENTS, i, why))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let runs = runs
        .into_iter()
        .enumerate()
        .map(|(i, record)| migrate::migrate_v2_run(record).map_err(|why| unreadable(RUNS, i, why)))
        .collect::<Result<Vec<_>, _>>()?;
    let store = |name: &str| transaction.object_store(name).map_err(|error| backend(context, &error));
    let (experiment_store, run_store) = (store(EXPERIMENTS)?, store(RUNS)?);
    for experiment in &experiments {
        put(&experiment_store, experiment, context)?;
    }
    for run in &runs {
        put(&run_store, run, context)?;
    }
    Ok(())
}

fn key_path(path: &str) -> IdbObjectStoreParameters {
    let parameters = IdbObjectStoreParameters::new();
    parameters.set_key_path(&JsValue::from_str(path));
    parameters
}

fn compound_key_path(first: &str, second: &str) -> IdbObjectStoreParameters {
    let parameters = IdbObjectStoreParameters::new();
    parameters.set_key_path(&js_sys::Array::of2(&JsValue::from_str(first), &JsValue::from_str(second)));
    parameters
}

fn abort(transaction: Option<&IdbTransaction>, failure: &Failure, error: StoreError) {
    failure.borrow_mut().get_or_insert(error);
    if let Some(transaction) = transaction {
        // Fails only when the transaction already finished, which then failed on its own.
        let _ = transaction.abort();
    }
}
