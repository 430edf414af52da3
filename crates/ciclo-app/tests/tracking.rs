//! The page's tracking store (`storage::Tracking`) against the real IndexedDB of headless Chromium (issue 4):
//! recovery of abandoned runs on open, two tabs kept in step over the channel (two `Tracking`s in one page
//! stand for two tabs), a batch IndexedDB refuses, delete / restore / purge, artifacts and histories read
//! back, and the memory-only fallback.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p ciclo-app --target wasm32-unknown-unknown --test tracking`
#![cfg(target_arch = "wasm32")]
// A test reports failure by panicking; wasm_bindgen_test functions are not `#[test]`s to clippy.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use ciclo_app::storage::{StorageStatus, Tracking};
use ciclo_core::tracking::{
    self, ArtifactKind, Change, Experiment, MetricPoint, Run, RunStatus, DEFAULT_EXPERIMENT_ID, RECOVERED_TAG,
};
use ciclo_store::{live_runs, IdbStore, RunLock};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Waits `ms` milliseconds.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Polls `check` every 20 ms for up to 5 s; fails with `what` if it never holds.
async fn wait_for(what: &str, check: impl Fn() -> bool) {
    for _ in 0..250 {
        if check() {
            return;
        }
        sleep(20).await;
    }
    assert!(check(), "timed out waiting for {what}");
}

/// Leptos' task executor, which `Tracking` spawns on, is set up by mounting; mount nothing once.
fn executor() {
    thread_local!(static MOUNTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if MOUNTED.with(|m| m.replace(true)) {
        return;
    }
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    let host: web_sys::HtmlElement = document.create_element("div").expect("a div").unchecked_into();
    std::mem::forget(leptos::mount::mount_to(host, || ()));
}

/// A database name no other test (or earlier run) uses.
async fn fresh_name(test: &str) -> String {
    let name = format!("ciclo-app-test-{test}-{}", js_sys::Math::random().to_bits());
    IdbStore::delete_database(&name).await.unwrap();
    name
}

/// A `Tracking` on `name`, once it has opened (or fallen back).
async fn open(name: &str) -> Tracking {
    executor();
    let tracking = Tracking::open_named(name, || {});
    wait_for("the store to open", || tracking.status.get_untracked() != StorageStatus::Opening).await;
    tracking
}

/// Waits until every batch `tracking` applied is written.
async fn settled(tracking: Tracking) {
    wait_for("the writes to finish", || tracking.is_settled()).await;
}

fn unique(id: &str) -> String {
    format!("{id}{}", js_sys::Math::random().to_bits())
}

fn new_run(id: &str, start_time: i64) -> Run {
    Run::new(id, DEFAULT_EXPERIMENT_ID, format!("run {id}"), start_time)
}

/// The status of `run_id` as `tracking` shows it, `None` if it does not.
fn status(tracking: Tracking, run_id: &str) -> Option<RunStatus> {
    tracking.snapshot.with_untracked(|s| s.run(run_id).map(|r| r.status))
}

fn count(tracking: Tracking, run_id: &str) -> usize {
    tracking.snapshot.with_untracked(|s| s.runs.iter().filter(|r| r.run_id == run_id).count())
}

fn log_run(tracking: Tracking, run: Run) {
    let changes = tracking.snapshot.with_untracked(|s| tracking::log_run(s, run, 1_000));
    tracking.apply(changes).unwrap();
}

#[wasm_bindgen_test]
async fn opening_kills_runs_a_closed_tab_left_running_but_not_live_ones() {
    let name = fresh_name("recover").await;
    let (abandoned, live, finished) = (unique("abandoned"), unique("live"), unique("finished"));
    {
        let idb = IdbStore::open(&name).await.unwrap();
        let done = Run { status: RunStatus::Finished, end_time: Some(60), ..new_run(&finished, 50) };
        let changes = vec![
            Change::PutExperiment(Experiment::default_at(1)),
            Change::PutRun(new_run(&abandoned, 100)),
            Change::PutRun(new_run(&live, 200)),
            Change::PutRun(done),
        ];
        idb.apply(&changes).await.unwrap();
    }
    // Another tab is still training `live`.
    let lock = RunLock::hold(&live).unwrap();
    for _ in 0..50 {
        if live_runs().await.unwrap().contains(&live) {
            break;
        }
        sleep(20).await;
    }

    let tracking = open(&name).await;
    assert_eq!(tracking.status.get_untracked(), StorageStatus::Persistent);
    assert_eq!(status(tracking, &abandoned), Some(RunStatus::Killed));
    assert_eq!(status(tracking, &live), Some(RunStatus::Running), "a locked run is still training");
    assert_eq!(status(tracking, &finished), Some(RunStatus::Finished));
    let recovered = tracking.snapshot.with_untracked(|s| s.run(&abandoned).cloned()).unwrap();
    assert!(recovered.tags.contains_key(RECOVERED_TAG));
    assert!(recovered.end_time.is_some_and(|end| end >= recovered.start_time));

    // It is stored so, not only shown.
    let stored = IdbStore::open(&name).await.unwrap().load().await.unwrap();
    assert_eq!(stored.run(&abandoned).map(|r| r.status), Some(RunStatus::Killed));
    assert_eq!(stored.run(&live).map(|r| r.status), Some(RunStatus::Running));
    drop(lock);
}

#[wasm_bindgen_test]
async fn the_newest_page_shows_while_every_run_loads_and_the_working_set_is_never_partial() {
    let name = fresh_name("newest").await;
    let deleted = unique("deleted");
    {
        let idb = IdbStore::open(&name).await.unwrap();
        let mut changes = vec![Change::PutExperiment(Experiment::default_at(1))];
        for i in 0..60 {
            let id = format!("run{i:02}");
            changes.push(Change::PutRun(Run {
                status: RunStatus::Finished,
                end_time: Some(1_000 + i + 5),
                ..new_run(&id, 1_000 + i)
            }));
        }
        changes.push(Change::PutRun(Run {
            status: RunStatus::Finished,
            end_time: Some(3_000),
            ..new_run(&deleted, 2_000)
        }));
        idb.apply(&changes).await.unwrap();
        let snapshot = idb.load().await.unwrap();
        idb.apply(&tracking::delete_run(&snapshot, &deleted, 4_000).unwrap()).await.unwrap();
    }
    executor();
    // What the page could show, each time `newest` changes: the newest runs held and the count, and the
    // working set's size at that moment.
    let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::<(Vec<String>, u32, usize)>::new()));
    let loaded_with = std::rc::Rc::new(std::cell::Cell::new(None::<(bool, usize)>));
    let tracking = {
        let loaded_with = loaded_with.clone();
        let tracking = std::rc::Rc::new(std::cell::OnceCell::<Tracking>::new());
        let handle = tracking.clone();
        let opened = Tracking::open_named(&name, move || {
            if let Some(t) = handle.get() {
                let ready = t.newest.with_untracked(Option::is_none);
                loaded_with.set(Some((ready, t.snapshot.with_untracked(|s| s.runs.len()))));
            }
        });
        let _ = tracking.set(opened);
        opened
    };
    let owner = Owner::new();
    owner.with(|| {
        let seen = seen.clone();
        Effect::new(move |_| {
            if let Some(newest) = tracking.newest.get() {
                let ids = newest.snapshot.runs.iter().map(|r| r.run_id.clone()).collect();
                let held = tracking.snapshot.with_untracked(|s| s.runs.len());
                seen.borrow_mut().push((ids, newest.active_runs, held));
            }
        });
    });
    wait_for("the store to open", || tracking.status.get_untracked() != StorageStatus::Opening).await;
    sleep(50).await;

    let seen = seen.borrow().clone();
    assert_eq!(seen.len(), 1, "the newest runs are shown once, before everything is loaded");
    let (ids, active, held) = &seen[0];
    let expected: Vec<String> = (10..60).rev().map(|i| format!("run{i:02}")).collect();
    assert_eq!((ids, *active, *held), (&expected, 60, 0), "the newest 50 active runs of 60, none held yet");
    // When the page is told it is loaded, everything is held and the newest page is gone.
    assert_eq!(loaded_with.get(), Some((true, 61)));
    assert_eq!(tracking.status.get_untracked(), StorageStatus::Persistent);
    assert_eq!(tracking.newest.get_untracked(), None);
}

#[wasm_bindgen_test]
async fn a_batch_one_tab_writes_shows_up_once_in_the_other() {
    let name = fresh_name("tabs").await;
    let (one, two) = (open(&name).await, open(&name).await);
    let (a, b) = (unique("a"), unique("b"));

    log_run(one, new_run(&a, 10));
    wait_for("the run in the other tab", || status(two, &a) == Some(RunStatus::Running)).await;
    let finished = |id: &str| Run { status: RunStatus::Finished, end_time: Some(20), ..new_run(id, 10) };
    one.apply(vec![Change::PutRun(finished(&a))]).unwrap();
    wait_for("the finished run in the other tab", || status(two, &a) == Some(RunStatus::Finished)).await;

    // Both write at once: each sees both runs, once.
    log_run(two, new_run(&b, 30));
    one.apply(vec![Change::LogMetric {
        run_id: a.clone(),
        key: "f1".into(),
        points: vec![MetricPoint { value: 0.6, step: 0, timestamp: 21 }],
    }])
    .unwrap();
    wait_for("the other tab's run", || status(one, &b).is_some()).await;
    wait_for("the other tab's metric", || {
        two.snapshot.with_untracked(|s| s.run(&a).and_then(|r| r.metrics.get("f1").copied())) == Some(0.6)
    })
    .await;
    settled(one).await;
    settled(two).await;
    for tab in [one, two] {
        assert_eq!((count(tab, &a), count(tab, &b)), (1, 1));
        assert_eq!(tab.snapshot.with_untracked(|s| s.experiments.len()), 1);
    }
    let stored = IdbStore::open(&name).await.unwrap().load().await.unwrap();
    assert_eq!(stored.runs, one.snapshot.get_untracked().runs);
    assert_eq!(stored.runs, two.snapshot.get_untracked().runs);

    // A delete in one tab is a delete in the other.
    two.delete_run(&a).unwrap();
    wait_for("the delete in the other tab", || {
        one.snapshot.with_untracked(|s| s.run(&a).is_some_and(|r| r.is_deleted()))
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_batch_indexeddb_refuses_reloads_the_records_instead_of_going_memory_only() {
    let name = fresh_name("refused").await;
    let tracking = open(&name).await;
    let run_id = unique("r");
    log_run(tracking, new_run(&run_id, 10));
    settled(tracking).await;

    // Behind this tab's back (no channel message), the run is deleted.
    let idb = IdbStore::open(&name).await.unwrap();
    let snapshot = idb.load().await.unwrap();
    idb.apply(&tracking::delete_run(&snapshot, &run_id, 50).unwrap()).await.unwrap();

    // This tab still thinks it active and logs to it; IndexedDB refuses (a deleted run takes no metric).
    tracking
        .apply(vec![Change::LogMetric {
            run_id: run_id.clone(),
            key: "f1".into(),
            points: vec![MetricPoint { value: 0.5, step: 0, timestamp: 60 }],
        }])
        .unwrap();
    wait_for("the stored run to be read back", || {
        tracking.snapshot.with_untracked(|s| s.run(&run_id).is_some_and(|r| r.is_deleted()))
    })
    .await;
    settled(tracking).await;
    assert_eq!(tracking.status.get_untracked(), StorageStatus::Persistent);
    assert_eq!(tracking.snapshot.with_untracked(|s| s.run(&run_id).map(|r| r.metrics.len())), Some(0));

    // And it keeps writing.
    tracking.restore_run(&run_id).unwrap();
    settled(tracking).await;
    let stored = idb.load().await.unwrap();
    assert_eq!(stored.run(&run_id).map(|r| r.is_deleted()), Some(false));
}

#[wasm_bindgen_test]
async fn delete_restore_and_purge_through_tracking_free_the_artifacts() {
    let name = fresh_name("lifecycle").await;
    let tracking = open(&name).await;
    let (parent, child) = (unique("parent"), unique("child"));
    log_run(tracking, new_run(&parent, 10));
    let point = |step| MetricPoint { value: 0.5, step, timestamp: 70 };
    tracking
        .apply(vec![
            Change::PutRun(new_run(&child, 20).with_parent(&parent)),
            Change::LogMetric { run_id: child.clone(), key: "loss".into(), points: vec![point(1), point(2)] },
            Change::PutArtifact {
                run_id: child.clone(),
                path: "metrics/roc_curve.json".into(),
                kind: ArtifactKind::Json,
                content: "{\"auc\":0.8}".into(),
            },
        ])
        .unwrap();
    // Read back before and after it is written.
    let artifact = tracking.load_artifact(&child, "metrics/roc_curve.json").await.unwrap();
    assert_eq!(artifact.as_deref(), Some("{\"auc\":0.8}"));
    settled(tracking).await;
    let artifact = tracking.load_artifact(&child, "metrics/roc_curve.json").await.unwrap();
    assert_eq!(artifact.as_deref(), Some("{\"auc\":0.8}"));
    assert_eq!(tracking.load_artifact(&child, "nothing.json").await.unwrap(), None);
    tracking
        .apply(vec![Change::LogMetric { run_id: child.clone(), key: "loss".into(), points: vec![point(3)] }])
        .unwrap();
    let steps: Vec<i64> =
        tracking.load_metric_history(&child, "loss").await.unwrap().iter().map(|p| p.step).collect();
    assert_eq!(steps, vec![1, 2, 3], "stored points, then the one not written yet");

    let deleted = |id: &str| tracking.snapshot.with_untracked(|s| s.run(id).map(|r| r.is_deleted()));
    tracking.delete_run(&parent).unwrap();
    assert_eq!(
        (deleted(&parent), deleted(&child)),
        (Some(true), Some(true)),
        "the child goes with its parent"
    );
    tracking.restore_run(&child).unwrap();
    assert_eq!((deleted(&parent), deleted(&child)), (Some(false), Some(false)), "and its parent comes back");
    assert!(tracking.purge_run(&parent).is_err(), "an active run cannot be purged");

    tracking.delete_run(&parent).unwrap();
    assert_eq!(tracking.purge_deleted().unwrap(), 2);
    assert_eq!(tracking.snapshot.with_untracked(|s| s.runs.len()), 0);
    assert_eq!(tracking.load_artifact(&child, "metrics/roc_curve.json").await.unwrap(), None);
    settled(tracking).await;
    let idb = IdbStore::open(&name).await.unwrap();
    assert_eq!(idb.load().await.unwrap().runs.len(), 0);
    assert_eq!(idb.blob_count().await.unwrap(), 0, "the purge freed the artifact and the history");
}

#[wasm_bindgen_test]
async fn without_indexeddb_everything_is_kept_in_memory_with_the_reason() {
    // A database of a newer Ciclo cannot be opened: the page works in memory.
    let name = fresh_name("memory").await;
    newer_database(&name).await;
    let tracking = open(&name).await;
    let StorageStatus::MemoryOnly { reason } = tracking.status.get_untracked() else {
        panic!("expected memory only, got {:?}", tracking.status.get_untracked());
    };
    assert!(reason.contains("newer version of Ciclo"), "{reason}");

    let run_id = unique("m");
    log_run(tracking, new_run(&run_id, 10));
    let point = MetricPoint { value: 0.4, step: 1, timestamp: 11 };
    tracking
        .apply(vec![
            Change::LogMetric { run_id: run_id.clone(), key: "loss".into(), points: vec![point] },
            Change::PutArtifact {
                run_id: run_id.clone(),
                path: "model/model.json".into(),
                kind: ArtifactKind::Json,
                content: "{}".into(),
            },
        ])
        .unwrap();
    assert!(tracking.is_settled());
    assert_eq!(tracking.load_artifact(&run_id, "model/model.json").await.unwrap().as_deref(), Some("{}"));
    assert_eq!(tracking.load_metric_history(&run_id, "loss").await.unwrap(), vec![point]);
    tracking.delete_run(&run_id).unwrap();
    assert_eq!(tracking.purge_deleted().unwrap(), 1);
    assert_eq!(tracking.load_artifact(&run_id, "model/model.json").await.unwrap(), None);
}

/// Creates the database `name` at version 999, as a newer Ciclo would have.
async fn newer_database(name: &str) {
    let factory = web_sys::window().and_then(|w| w.indexed_db().ok().flatten()).expect("IndexedDB");
    let request = factory.open_with_u32(name, 999).expect("open");
    let done = js_sys::Promise::new(&mut |resolve, _| {
        request.set_onsuccess(Some(resolve.unchecked_ref()));
    });
    wasm_bindgen_futures::JsFuture::from(done).await.expect("opened");
    if let Ok(database) = request.result() {
        database.unchecked_into::<web_sys::IdbDatabase>().close();
    }
}
