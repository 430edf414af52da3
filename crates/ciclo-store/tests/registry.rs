//! The model registry in IndexedDB (layout 4): a round trip of every record kind, a stale writer refused
//! with nothing written, and an upgraded database gaining the registry's stores with its runs kept.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // A test reports failure by panicking.

use ciclo_core::registry::{
    check_gate, promote, register, set_alias, GateRule, Promotion, Registry, Stage, Target,
};
use ciclo_core::tracking::{Run, StoreError};
use ciclo_store::{IdbStore, STALE};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

async fn fresh_name(test: &str) -> String {
    let name = format!("ciclo-test-{test}-{}", js_sys::Math::random().to_bits());
    IdbStore::delete_database(&name).await.unwrap();
    name
}

/// Applies `changes` to the store and to `memory`.
async fn apply(store: &IdbStore, memory: &mut Registry, changes: Vec<ciclo_core::registry::RegistryChange>) {
    store.apply_registry(&changes).await.unwrap();
    memory.apply(&changes);
}

#[wasm_bindgen_test]
async fn the_registry_round_trips() {
    let name = fresh_name("registry").await;
    let store = IdbStore::open(&name).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 4);
    let mut memory = Registry::default();
    let changes = register(&memory, "churn", "r1", 10, "first").unwrap().0;
    apply(&store, &mut memory, changes).await;
    let changes = register(&memory, "churn", "r2", 11, "").unwrap().0;
    apply(&store, &mut memory, changes).await;
    let gate = check_gate(&GateRule::report(), 1, 0.61, None, None);
    let promotion = Promotion {
        name: "churn",
        version: 1,
        target: Target::Stage { stage: Stage::Production, archive_existing: true },
        gate: Some(gate),
        reason: "the report's gate",
    };
    let outcome = promote(&memory, promotion, 12).unwrap();
    assert!(!outcome.promoted);
    apply(&store, &mut memory, outcome.changes).await;
    let changes = set_alias(&memory, "churn", "champion", 2, 13, "best F1").unwrap();
    apply(&store, &mut memory, changes).await;

    let loaded = store.load_registry().await.unwrap();
    assert_eq!(loaded, memory);
    assert_eq!(loaded.audit.len(), 5);
    drop(store);
    // A new connection (a reload) sees the same.
    let store = IdbStore::open(&name).await.unwrap();
    assert_eq!(store.load_registry().await.unwrap(), memory);
    drop(store);
    IdbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_tab_working_from_a_stale_registry_writes_nothing() {
    let name = fresh_name("registry-stale").await;
    let (first, second) = (IdbStore::open(&name).await.unwrap(), IdbStore::open(&name).await.unwrap());
    let stale = Registry::default();
    // Both tabs register version 1 of `churn` from the same empty registry.
    let (mine, _) = register(&stale, "churn", "r1", 10, "").unwrap();
    let (theirs, _) = register(&stale, "churn", "r2", 11, "").unwrap();
    first.apply_registry(&mine).await.unwrap();
    let refused = second.apply_registry(&theirs).await.unwrap_err();
    assert_eq!(refused, StoreError::Backend(STALE.to_string()));
    let stored = second.load_registry().await.unwrap();
    assert_eq!(stored.versions.len(), 1);
    assert_eq!(stored.versions[0].run_id, "r1", "the refused batch wrote nothing");
    // Planned again from what is stored, it becomes version 2.
    let (again, version) = register(&stored, "churn", "r2", 12, "").unwrap();
    second.apply_registry(&again).await.unwrap();
    assert_eq!(version, 2);
    assert_eq!(first.load_registry().await.unwrap().versions.len(), 2);
    drop((first, second));
    IdbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn tracking_and_the_registry_live_side_by_side() {
    let name = fresh_name("registry-tracking").await;
    let store = IdbStore::open(&name).await.unwrap();
    let run = Run {
        status: ciclo_core::tracking::RunStatus::Finished,
        end_time: Some(2),
        ..Run::new("r1", "0", "r1", 1)
    };
    store.apply(&ciclo_core::tracking::log_run(&store.load().await.unwrap(), run, 1)).await.unwrap();
    let registry = store.load_registry().await.unwrap();
    store.apply_registry(&register(&registry, "churn", "r1", 3, "").unwrap().0).await.unwrap();
    assert_eq!(store.load().await.unwrap().runs.len(), 1);
    assert_eq!(store.load_registry().await.unwrap().versions[0].source, "runs:/r1/model");
    drop(store);
    IdbStore::delete_database(&name).await.unwrap();
}
