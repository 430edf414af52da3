//! `IdbStore` against the real IndexedDB of headless Chromium: round trip, refused batches, the upgrade
//! from layout 1, and closing when another connection deletes the database.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // A test reports failure by panicking.

use std::collections::BTreeMap;

use ciclo_core::tracking::{
    Change, DatasetInput, Experiment, MemoryStore, Run, RunStatus, Snapshot, Store, StoreError,
};
use ciclo_store::IdbStore;
use js_sys::{Array, Object, Promise, Reflect};
use serde::Serialize;
use serde_json::{json, Value};
use serde_wasm_bindgen::Serializer;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{IdbDatabase, IdbFactory, IdbObjectStoreParameters, IdbRequest, IdbVersionChangeEvent};

wasm_bindgen_test_configure!(run_in_browser);

/// A database name no other test (or earlier run of this one) uses.
async fn fresh_name(test: &str) -> String {
    let name = format!("ciclo-test-{test}-{}", js_sys::Math::random().to_bits());
    IdbStore::delete_database(&name).await.unwrap();
    name
}

fn experiment(id: &str, name: &str) -> Experiment {
    Experiment {
        experiment_id: id.to_string(),
        name: name.to_string(),
        creation_time: 1_700_000_000_000,
        tags: BTreeMap::from([("owner".to_string(), "ciclo".to_string())]),
    }
}

fn run(id: &str, experiment_id: &str, start_time: i64, c: &str) -> Run {
    Run {
        run_id: id.to_string(),
        experiment_id: experiment_id.to_string(),
        run_name: format!("run {id}"),
        status: RunStatus::Finished,
        start_time,
        end_time: if id.ends_with('1') { None } else { Some(start_time + 1234) },
        params: BTreeMap::from([("C".to_string(), c.to_string()), ("penalty".to_string(), "l2".to_string())]),
        metrics: BTreeMap::from([("f1".to_string(), 0.612_345_678_9), ("roc_auc".to_string(), 0.84)]),
        tags: BTreeMap::from([("mlflow.source.name".to_string(), "ciclo".to_string())]),
        inputs: vec![DatasetInput {
            name: "telco".to_string(),
            digest: "abc123".to_string(),
            rows: 7043,
            context: "training".to_string(),
        }],
    }
}

fn batch() -> Vec<Change> {
    vec![
        Change::PutExperiment(experiment("0", "Default")),
        Change::PutRun(run("a1", "0", 1_700_000_000_100, "1.0")),
        Change::PutRun(run("a2", "0", 1_700_000_000_200, "0.5")),
    ]
}

fn memory_after(changes: &[Change]) -> Snapshot {
    let mut memory = MemoryStore::new();
    memory.apply(changes).unwrap();
    memory.snapshot()
}

#[wasm_bindgen_test]
async fn a_batch_round_trips_and_persists() {
    let name = fresh_name("round-trip").await;
    let store = IdbStore::open(&name).await.unwrap();
    assert_eq!(store.load().await.unwrap(), Snapshot::default());
    assert_eq!(store.schema_version().await.unwrap(), 2);

    store.apply(&batch()).await.unwrap();
    let expected = memory_after(&batch());
    assert_eq!(store.load().await.unwrap(), expected);

    let again = IdbStore::open(&name).await.unwrap();
    assert_eq!(again.load().await.unwrap(), expected);

    // Records are plain objects, readable in the developer tools.
    let raw = raw_get_all(&name, "runs").await;
    let first = raw.get(0);
    let params = Reflect::get(&first, &"params".into()).unwrap();
    assert_eq!(Object::get_prototype_of(&params), Object::get_prototype_of(&Object::new()));
    drop((store, again));
    IdbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_refused_batch_writes_nothing() {
    let name = fresh_name("refused").await;
    let store = IdbStore::open(&name).await.unwrap();
    store.apply(&batch()).await.unwrap();
    let before = store.load().await.unwrap();

    let refused = [
        Change::PutExperiment(experiment("1", "churn-baseline")),
        Change::PutRun(run("b1", "1", 1_700_000_000_300, "1.0")),
        Change::PutRun(run("a1", "0", 1_700_000_000_100, "2.0")),
    ];
    let err = store.apply(&refused).await.unwrap_err();
    assert_eq!(
        err,
        StoreError::ParamChanged {
            run_id: "a1".to_string(),
            key: "C".to_string(),
            old: "1.0".to_string(),
            new: "2.0".to_string(),
        }
    );
    assert_eq!(store.load().await.unwrap(), before);
    drop(store);
    assert_eq!(IdbStore::open(&name).await.unwrap().load().await.unwrap(), before);

    // The store still works after a refusal.
    let store = IdbStore::open(&name).await.unwrap();
    store.apply(&refused[..2]).await.unwrap();
    assert_eq!(store.load().await.unwrap().runs.len(), 3);
    drop(store);
    IdbStore::delete_database(&name).await.unwrap();
}

fn v1_record(run_id: &str, experiment_name: &str, start_time: i64) -> Value {
    json!({
        "run_id": run_id,
        "experiment_name": experiment_name,
        "run_name": format!("run {run_id}"),
        "status": "FINISHED",
        "start_time": start_time,
        "end_time": start_time + 50,
        "params": {"C": "1.0"},
        "metrics": {"f1": 0.5},
        "tags": {},
        "inputs": [],
    })
}

#[wasm_bindgen_test]
async fn a_v1_database_is_upgraded_without_losing_a_run() {
    let name = fresh_name("upgrade").await;
    create_v1(&name, &[v1_record("r1", "Default", 100), v1_record("r2", "churn-baseline", 200)]).await;

    let store = IdbStore::open(&name).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 2);
    let snapshot = store.load().await.unwrap();
    let experiments: Vec<(&str, &str, i64)> = snapshot
        .experiments
        .iter()
        .map(|e| (e.experiment_id.as_str(), e.name.as_str(), e.creation_time))
        .collect();
    assert_eq!(experiments, [("0", "Default", 100), ("1", "churn-baseline", 200)]);
    let runs: Vec<(&str, &str)> =
        snapshot.runs.iter().map(|r| (r.run_id.as_str(), r.experiment_id.as_str())).collect();
    assert_eq!(runs, [("r2", "1"), ("r1", "0")], "newest first");
    let r1 = snapshot.runs.iter().find(|r| r.run_id == "r1").unwrap();
    assert_eq!((r1.end_time, r1.params.get("C").map(String::as_str)), (Some(150), Some("1.0")));

    // The raw records lost `experiment_name`, and the index by experiment finds them.
    for record in raw_get_all(&name, "runs").await.iter() {
        assert!(Reflect::get(&record, &"experiment_name".into()).unwrap().is_undefined());
    }
    let meta = raw_get_all(&name, "meta").await;
    assert_eq!(meta.length(), 1);
    assert_eq!(Reflect::get(&meta.get(0), &"version".into()).unwrap().as_f64(), Some(2.0));
    assert_eq!(raw_index_count(&name, "runs", "experiment_id", "1").await, 1);

    // Opening again does not migrate twice.
    drop(store);
    assert_eq!(IdbStore::open(&name).await.unwrap().load().await.unwrap(), snapshot);
    IdbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_failed_upgrade_leaves_the_v1_data_untouched() {
    let name = fresh_name("failed-upgrade").await;
    let mut broken = v1_record("r2", "other", 200);
    broken.as_object_mut().unwrap().remove("status");
    create_v1(&name, &[v1_record("r1", "Default", 100), broken]).await;

    let err = IdbStore::open(&name).await.unwrap_err();
    let StoreError::Backend(message) = &err else { panic!("not a backend error: {err:?}") };
    assert!(message.contains("record 2 of `runs`") && message.contains("status"), "{message}");

    let database = raw_open(&name).await;
    assert_eq!(database.version(), 1.0);
    assert_eq!(database.object_store_names().length(), 1);
    database.close();
    let records = raw_get_all(&name, "runs").await;
    assert_eq!(records.length(), 2);
    assert_eq!(
        Reflect::get(&records.get(1), &"experiment_name".into()).unwrap().as_string().as_deref(),
        Some("other")
    );
    IdbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_old_tab_that_holds_on_blocks_the_upgrade_cleanly() {
    let name = fresh_name("blocked").await;
    create_v1(&name, &[v1_record("r1", "Default", 100)]).await;
    // A tab of an older Ciclo: a version 1 connection that ignores `versionchange`.
    let old_tab = raw_open(&name).await;

    let StoreError::Backend(message) = IdbStore::open(&name).await.unwrap_err() else {
        panic!("not a backend error")
    };
    assert!(message.contains("another tab has an older version of Ciclo open"), "{message}");

    // Once the old tab lets go, the request that gave up runs but aborts instead of upgrading half-way;
    // connections open in order, so this one sees its outcome.
    old_tab.close();
    let database = raw_open(&name).await;
    assert_eq!(database.version(), 1.0);
    database.close();

    let store = IdbStore::open(&name).await.unwrap();
    assert_eq!(store.load().await.unwrap().runs.len(), 1);
    drop(store);
    IdbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_store_lets_go_when_the_database_is_deleted() {
    let name = fresh_name("deleted").await;
    let store = IdbStore::open(&name).await.unwrap();
    store.apply(&batch()).await.unwrap();
    // Not blocked: the open store closes itself on `versionchange`.
    IdbStore::delete_database(&name).await.unwrap();
    let StoreError::Backend(message) = store.load().await.unwrap_err() else { panic!("not a backend error") };
    assert!(message.contains("reload the page"), "{message}");
}

#[wasm_bindgen_test]
async fn a_newer_database_is_refused_with_a_message() {
    let name = fresh_name("newer").await;
    let factory = factory();
    let request = factory.open_with_u32(&name, 3).unwrap();
    settle(&request).await;
    request.result().unwrap().unchecked_into::<IdbDatabase>().close();

    let StoreError::Backend(message) = IdbStore::open(&name).await.unwrap_err() else {
        panic!("not a backend error")
    };
    assert!(message.contains("newer version of Ciclo"), "{message}");
    IdbStore::delete_database(&name).await.unwrap();
}

// Raw IndexedDB, to build and inspect databases behind `IdbStore`'s back.

fn factory() -> IdbFactory {
    Reflect::get(&js_sys::global(), &"indexedDB".into()).unwrap().dyn_into().unwrap()
}

/// Waits for a request's `success`, failing the test on `error`.
async fn settle(request: &IdbRequest) {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(promise).await.expect("the request failed");
}

/// Creates a database in layout 1: version 1, one store `runs` keyed by `run_id`, holding `records`.
async fn create_v1(name: &str, records: &[Value]) {
    let request = factory().open_with_u32(name, 1).unwrap();
    let records: Vec<JsValue> =
        records.iter().map(|record| record.serialize(&Serializer::json_compatible()).unwrap()).collect();
    let upgrading = request.clone();
    let on_upgrade = Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |_: IdbVersionChangeEvent| {
        let database: IdbDatabase = upgrading.result().unwrap().dyn_into().unwrap();
        let parameters = IdbObjectStoreParameters::new();
        parameters.set_key_path(&"run_id".into());
        let runs = database.create_object_store_with_optional_parameters("runs", &parameters).unwrap();
        for record in &records {
            runs.put(record).unwrap();
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    settle(&request).await;
    request.result().unwrap().unchecked_into::<IdbDatabase>().close();
}

/// Opens `name` at whatever version it has.
async fn raw_open(name: &str) -> IdbDatabase {
    let request = factory().open(name).unwrap();
    settle(&request).await;
    request.result().unwrap().dyn_into().unwrap()
}

/// Every record of `store` in the database `name`, as stored.
async fn raw_get_all(name: &str, store: &str) -> Array {
    let database = raw_open(name).await;
    let request =
        database.transaction_with_str(store).unwrap().object_store(store).unwrap().get_all().unwrap();
    settle(&request).await;
    database.close();
    request.result().unwrap().dyn_into().unwrap()
}

/// How many records of `store` the index `index` finds under `key`.
async fn raw_index_count(name: &str, store: &str, index: &str, key: &str) -> u32 {
    let database = raw_open(name).await;
    let request = database
        .transaction_with_str(store)
        .unwrap()
        .object_store(store)
        .unwrap()
        .index(index)
        .unwrap()
        .count_with_key(&key.into())
        .unwrap();
    settle(&request).await;
    database.close();
    request.result().unwrap().as_f64().unwrap() as u32
}
