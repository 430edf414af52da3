//! `IdbStore` inside a dedicated Web Worker, where there is no `window`: the training worker stores runs too.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)] // A test reports failure by panicking.

use ciclo_core::tracking::{log_run, MemoryStore, Run, RunStatus, Snapshot, Store, DEFAULT_EXPERIMENT_ID};
use ciclo_store::IdbStore;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
async fn a_run_round_trips_in_a_worker() {
    let name = format!("ciclo-test-worker-{}", js_sys::Math::random().to_bits());
    let run = Run::new("ab".repeat(16), DEFAULT_EXPERIMENT_ID, "in a worker", 1_700_000_000_000);
    assert_eq!(run.status, RunStatus::Running);
    let changes = log_run(&Snapshot::default(), run, 1_700_000_000_000);
    let mut memory = MemoryStore::new();
    memory.apply(&changes).unwrap();

    let store = IdbStore::open(&name).await.unwrap();
    store.apply(&changes).await.unwrap();
    assert_eq!(store.load().await.unwrap(), memory.snapshot());
    drop(store);
    IdbStore::delete_database(&name).await.unwrap();
}
