//! `IdbStore` against the real IndexedDB of headless Chromium: round trip, refused batches, the upgrades
//! from layouts 1 and 2, artifacts and metric histories, purge, two tabs writing, the broadcast channel and
//! run locks (issue 4), and closing when another connection deletes the database.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // A test reports failure by panicking.

use std::collections::BTreeMap;

use ciclo_core::tracking::{
    delete_run, purge_run, recover_unfinished_except, restore_run, ArtifactKind, Change, DatasetInput,
    Experiment, MemoryStore, MetricPoint, Run, RunStatus, Snapshot, Store, StoreError, Touched,
};
use ciclo_store::{live_runs, IdbStore, RunLock, TrackingChannel};
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
        tags: BTreeMap::from([("owner".to_string(), "ciclo".to_string())]),
        description: format!("about {name}"),
        ..Experiment::new(id, name, 1_700_000_000_000)
    }
}

fn run(id: &str, experiment_id: &str, start_time: i64, c: &str) -> Run {
    Run {
        status: RunStatus::Finished,
        end_time: if id.ends_with('1') { None } else { Some(start_time + 1234) },
        params: BTreeMap::from([("C".to_string(), c.to_string()), ("penalty".to_string(), "l2".to_string())]),
        metrics: BTreeMap::from([("f1".to_string(), 0.612_345_678_9), ("roc_auc".to_string(), 0.84)]),
        tags: BTreeMap::from([("mlflow.source.name".to_string(), "ciclo".to_string())]),
        inputs: vec![DatasetInput {
            name: "telco".to_string(),
            digest: "abc123".to_string(),
            rows: 7043,
            context: "training".to_string(),
            schema: r#"{"columns":["tenure"]}"#.to_string(),
            profile: String::new(),
        }],
        ..Run::new(id, experiment_id, format!("run {id}"), start_time)
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
    assert_eq!(store.schema_version().await.unwrap(), 4);

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
async fn the_newest_runs_come_first_with_the_count_of_active_runs() {
    let name = fresh_name("newest").await;
    let store = IdbStore::open(&name).await.unwrap();
    assert_eq!(store.load_newest(50).await.unwrap(), (Snapshot::default(), 0));

    // Start times 10, 20, ... 90 stored out of order; "t1" ties with "r7" (70); "r9", the newest, is deleted.
    let mut changes = vec![Change::PutExperiment(experiment("0", "Default"))];
    for i in [5, 1, 9, 3, 7, 2, 8, 4, 6] {
        changes.push(Change::PutRun(run(&format!("r{i}"), "0", i * 10, "1.0")));
    }
    changes.push(Change::PutRun(run("t1", "0", 70, "1.0")));
    store.apply(&changes).await.unwrap();
    store.apply(&delete_run(&store.load().await.unwrap(), "r9", 100).unwrap()).await.unwrap();

    let ids = |s: &Snapshot| s.runs.iter().map(|r| r.run_id.clone()).collect::<Vec<_>>();
    let (newest, active) = store.load_newest(2).await.unwrap();
    assert_eq!(active, 9);
    assert_eq!(newest.experiments, store.load().await.unwrap().experiments);
    // In the snapshot's order (newest first), and the tie at the boundary is read too.
    assert_eq!(ids(&newest), ["r8", "r7", "t1"]);
    let (newest, _) = store.load_newest(4).await.unwrap();
    assert_eq!(ids(&newest), ["r8", "r7", "t1", "r6"]);
    let (all, active) = store.load_newest(50).await.unwrap();
    assert_eq!((all.runs.len(), active), (9, 9));
    assert_eq!(ids(&store.load_newest(0).await.unwrap().0), Vec::<String>::new());
    drop(store);
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
    assert_eq!(store.schema_version().await.unwrap(), 4);
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
    assert_eq!(Reflect::get(&meta.get(0), &"version".into()).unwrap().as_f64(), Some(4.0));
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
    let request = factory.open_with_u32(&name, 99).unwrap();
    settle(&request).await;
    request.result().unwrap().unchecked_into::<IdbDatabase>().close();

    let StoreError::Backend(message) = IdbStore::open(&name).await.unwrap_err() else {
        panic!("not a backend error")
    };
    assert!(message.contains("newer version of Ciclo"), "{message}");
    IdbStore::delete_database(&name).await.unwrap();
}

fn v2_run(run_id: &str, start_time: i64, tags: Value) -> Value {
    json!({
        "run_id": run_id,
        "experiment_id": "0",
        "run_name": format!("run {run_id}"),
        "status": "FINISHED",
        "start_time": start_time,
        "end_time": start_time + 50,
        "params": {"C": "1.0"},
        "metrics": {"f1": 0.5},
        "tags": tags,
        "inputs": [{"name": "telco", "digest": "d", "rows": 10, "context": "training"}],
    })
}

#[wasm_bindgen_test]
async fn a_v2_database_is_upgraded_with_parents_and_new_stores() {
    let name = fresh_name("upgrade-v2").await;
    let experiment = json!({"experiment_id": "0", "name": "Default", "creation_time": 5,
        "tags": {"mlflow.note.content": "the default"}});
    let runs = [v2_run("p", 100, json!({})), v2_run("c", 110, json!({"mlflow.parentRunId": "p"}))];
    create_v2(&name, &[experiment], &runs).await;

    let store = IdbStore::open(&name).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 4);
    let snapshot = store.load().await.unwrap();
    assert_eq!(snapshot.experiments[0].description, "the default");
    let child = snapshot.run("c").unwrap();
    assert_eq!(child.parent_run_id.as_deref(), Some("p"));
    assert_eq!(raw_index_count(&name, "runs", "parent_run_id", "p").await, 1);
    // Layout 4's index of runs by stage and start time holds the upgraded runs.
    let (newest, active) = store.load_newest(1).await.unwrap();
    assert_eq!(active, 2);
    assert_eq!(newest.runs.iter().map(|r| r.run_id.as_str()).collect::<Vec<_>>(), ["c"]);

    // The new stores work: a purge of the parent finds its child through the new index.
    let log = Change::LogMetric {
        run_id: "c".into(),
        key: "loss".into(),
        points: vec![MetricPoint { value: 0.5, step: 1, timestamp: 7 }],
    };
    store.apply(&[log]).await.unwrap();
    let snapshot = store.load().await.unwrap();
    store.apply(&delete_run(&snapshot, "p", 9).unwrap()).await.unwrap();
    let snapshot = store.load().await.unwrap();
    store.apply(&purge_run(&snapshot, "p").unwrap()).await.unwrap();
    assert_eq!(store.load().await.unwrap().runs.len(), 0);
    assert_eq!(store.blob_count().await.unwrap(), 0);
    drop(store);
    IdbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn histories_artifacts_and_the_lifecycle_match_the_memory_store() {
    let name = fresh_name("lifecycle").await;
    let store = IdbStore::open(&name).await.unwrap();
    let mut memory = MemoryStore::new();
    let point = |value, step| MetricPoint { value, step, timestamp: 1_700_000_000_000 + step };
    let artifact = |run_id: &str, path: &str, content: &str| Change::PutArtifact {
        run_id: run_id.into(),
        path: path.into(),
        kind: ArtifactKind::from_path(path).unwrap(),
        content: content.into(),
    };
    let log = |run_id: &str, points: Vec<MetricPoint>| Change::LogMetric {
        run_id: run_id.into(),
        key: "loss".into(),
        points,
    };
    let mut batches: Vec<Vec<Change>> = vec![
        batch(),
        vec![
            Change::PutRun(run("p1", "0", 1_700_000_000_300, "1.0")),
            Change::PutRun(run("k1", "0", 1_700_000_000_301, "1.0").with_parent("p1")),
            Change::PutRun(run("k2", "0", 1_700_000_000_302, "2.0").with_parent("p1")),
        ],
        vec![log("k1", vec![point(0.9, 0), point(0.5, 1)]), artifact("k1", "plots/roc.svg", "<svg/>")],
        vec![log("k1", vec![point(0.4, 2), point(f64::NAN, 3)]), artifact("k1", "model.json", "{}")],
        vec![
            artifact(
                "a2",
                "curves/pr.csv",
                "r,p
1,0
",
            ),
            Change::PutRun(run("a2", "0", 1_700_000_000_200, "0.5")),
        ],
    ];
    for changes in &batches {
        store.apply(changes).await.unwrap();
        memory.apply(changes).unwrap();
    }
    assert_same(&store.load().await.unwrap(), &memory.snapshot());
    assert_eq!(
        store.load_metric_history("k1", "loss").await.unwrap().iter().map(|p| p.step).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    assert!(store.load().await.unwrap().run("k1").unwrap().metrics["loss"].is_nan());
    assert_eq!(store.load_artifact("k1", "plots/roc.svg").await.unwrap().as_deref(), Some("<svg/>"));
    assert_eq!(store.load_artifact("k1", "nope.svg").await.unwrap(), None);
    assert_eq!(store.blob_count().await.unwrap(), 4);

    // Delete the parent, restore one child, delete again and purge: its family's blobs go, a2's stay.
    let snapshot = memory.snapshot();
    batches = vec![delete_run(&snapshot, "p1", 5).unwrap()];
    let mut after_delete = memory.clone();
    after_delete.apply(&batches[0]).unwrap();
    batches.push(restore_run(&after_delete.snapshot(), "k1").unwrap());
    for changes in &batches {
        store.apply(changes).await.unwrap();
        memory.apply(changes).unwrap();
    }
    assert_same(&store.load().await.unwrap(), &memory.snapshot());
    let changes = delete_run(&memory.snapshot(), "p1", 6).unwrap();
    store.apply(&changes).await.unwrap();
    memory.apply(&changes).unwrap();
    let changes = purge_run(&memory.snapshot(), "p1").unwrap();
    let touched = store.apply(&changes).await.unwrap();
    memory.apply(&changes).unwrap();
    assert_eq!(touched.purged_run_ids.len(), 3);
    assert_same(&store.load().await.unwrap(), &memory.snapshot());
    assert_eq!(store.blob_count().await.unwrap(), 1);
    assert_eq!(store.load_artifact("k1", "plots/roc.svg").await.unwrap(), None);
    drop(store);
    IdbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn two_tabs_write_without_losing_or_duplicating_a_run() {
    let name = fresh_name("two-tabs").await;
    let (tab_a, tab_b) = (IdbStore::open(&name).await.unwrap(), IdbStore::open(&name).await.unwrap());
    let mut channel_a = TrackingChannel::open(&name).unwrap();
    let mut channel_b = TrackingChannel::open(&name).unwrap();
    let heard: std::rc::Rc<std::cell::RefCell<Vec<Touched>>> = Default::default();
    let inbox = heard.clone();
    channel_b.listen(move |touched| inbox.borrow_mut().push(touched));
    channel_a.listen(|_| panic!("a channel must not hear its own messages"));

    // Tab B loaded before tab A wrote: B's view is stale.
    let mut view_b = tab_b.load().await.unwrap();
    let touched = tab_a.apply(&batch()).await.unwrap();
    channel_a.post(&touched).unwrap();
    // Each tab writes; each batch is checked against what the other wrote before it.
    let from_a = tab_a.apply(&[Change::PutRun(run("x2", "0", 1_700_000_000_400, "1.0"))]).await.unwrap();
    let from_b = tab_b.apply(&[Change::PutRun(run("y2", "0", 1_700_000_000_500, "1.0"))]).await.unwrap();
    let conflicting = tab_b.apply(&[Change::PutRun(run("a1", "0", 1_700_000_000_100, "9.0"))]).await;
    assert!(matches!(conflicting, Err(StoreError::ParamChanged { .. })), "{conflicting:?}");
    channel_a.post(&from_a).unwrap();

    wait_until(|| heard.borrow().len() == 2).await;
    let messages = heard.borrow().clone();
    for touched in &messages {
        let loaded = tab_b.load_touched(touched).await.unwrap();
        view_b.merge(loaded, touched);
    }
    // B's view now has A's runs, and its own once merged after its own batch.
    let loaded = tab_b.load_touched(&from_b).await.unwrap();
    view_b.merge(loaded, &from_b);
    let stored = tab_a.load().await.unwrap();
    assert_eq!(view_b, stored);
    let ids: Vec<&str> = stored.runs.iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(ids, ["y2", "x2", "a2", "a1"]);
    drop((channel_a, channel_b, tab_a, tab_b));
    IdbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn run_locks_tell_live_runs_from_abandoned_ones() {
    let lock = RunLock::hold("live-run").unwrap();
    wait_until_async(|| async { live_runs().await.unwrap().contains("live-run") }).await;
    let mut snapshot = Snapshot { experiments: vec![experiment("0", "Default")], runs: vec![] };
    for id in ["live-run", "abandoned-run"] {
        let mut running = run(id, "0", 1, "1.0");
        running.status = RunStatus::Running;
        snapshot.runs.push(running);
    }
    let live = live_runs().await.unwrap();
    let killed: Vec<String> = recover_unfinished_except(&snapshot, 99, &live)
        .into_iter()
        .filter_map(|c| if let Change::PutRun(r) = c { Some(r.run_id) } else { None })
        .collect();
    assert_eq!(killed, ["abandoned-run"]);
    drop(lock);
    wait_until_async(|| async { !live_runs().await.unwrap().contains("live-run") }).await;
}

/// Snapshots compared by their debug text, where a NaN metric equals itself.
fn assert_same(stored: &Snapshot, expected: &Snapshot) {
    assert_eq!(format!("{stored:#?}"), format!("{expected:#?}"));
}

/// Waits (up to about 2 s) for `done` to hold, failing the test otherwise.
async fn wait_until(done: impl Fn() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        sleep(20).await;
    }
    panic!("timed out");
}

async fn wait_until_async<F: std::future::Future<Output = bool>>(done: impl Fn() -> F) {
    for _ in 0..100 {
        if done().await {
            return;
        }
        sleep(20).await;
    }
    panic!("timed out");
}

async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        let set_timeout: js_sys::Function =
            Reflect::get(&js_sys::global(), &"setTimeout".into()).unwrap().dyn_into().unwrap();
        set_timeout.call2(&JsValue::UNDEFINED, &resolve, &JsValue::from(ms)).unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

// Raw IndexedDB, to build and inspect databases behind `IdbStore`'s back.

/// Creates a database in layout 2: experiments, runs (index `experiment_id`) and meta, holding the records.
async fn create_v2(name: &str, experiments: &[Value], runs: &[Value]) {
    let request = factory().open_with_u32(name, 2).unwrap();
    let to_js = |records: &[Value]| -> Vec<JsValue> {
        records.iter().map(|record| record.serialize(&Serializer::json_compatible()).unwrap()).collect()
    };
    let (experiments, runs) = (to_js(experiments), to_js(runs));
    let upgrading = request.clone();
    let on_upgrade = Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |_: IdbVersionChangeEvent| {
        let database: IdbDatabase = upgrading.result().unwrap().dyn_into().unwrap();
        let store = |name: &str, key: &str| {
            let parameters = IdbObjectStoreParameters::new();
            parameters.set_key_path(&key.into());
            database.create_object_store_with_optional_parameters(name, &parameters).unwrap()
        };
        let experiment_store = store("experiments", "experiment_id");
        let run_store = store("runs", "run_id");
        run_store.create_index_with_str("experiment_id", "experiment_id").unwrap();
        let meta = store("meta", "key");
        for record in &experiments {
            experiment_store.put(record).unwrap();
        }
        for record in &runs {
            run_store.put(record).unwrap();
        }
        meta.put(&json!({"key": "schema", "version": 2}).serialize(&Serializer::json_compatible()).unwrap())
            .unwrap();
    });
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    settle(&request).await;
    request.result().unwrap().unchecked_into::<IdbDatabase>().close();
}

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
