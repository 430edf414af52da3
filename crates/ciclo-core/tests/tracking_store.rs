//! The tracking store's rules (issue 4): MLflow's limits and parameter immutability in `validate_batch`,
//! metric histories, artifacts, parents, soft delete / restore / purge, recovery of runs a closed tab left
//! RUNNING, and what a batch tells other tabs. One `check` helper per feature, one line per case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;

use ciclo_core::tracking::{
    delete_run, log_run, next_experiment_id, purge_deleted, purge_run, recover_unfinished,
    recover_unfinished_except, restore_run, run_id_from_bytes, ArtifactKind, Change, DatasetInput,
    Experiment, Field, LifecycleStage, LimitError, MemoryStore, MetricPoint, Run, RunStatus, Snapshot, Store,
    StoreError, Touched, RECOVERED_TAG,
};

fn experiment(id: &str, name: &str) -> Experiment {
    Experiment::new(id, name, 1)
}

/// A FINISHED run in experiment `0` with parameter `C = 1.0`.
fn run(id: &str, start: i64) -> Run {
    let mut run = Run::new(id, "0", format!("run {id}"), start);
    run.status = RunStatus::Finished;
    run.end_time = Some(start + 10);
    run.params.insert("C".into(), "1.0".into());
    run.metrics.insert("f1".into(), 0.6);
    run
}

/// A store with experiment `0`, run `r1`, a parent `p` with children `c1` (which has the child `g`) and
/// `c2`, and an artifact and a metric history on `c1`.
fn store() -> MemoryStore {
    let mut store = MemoryStore::new();
    store
        .apply(&[
            Change::PutExperiment(experiment("0", "Default")),
            Change::PutRun(run("r1", 10)),
            Change::PutRun(run("p", 20)),
            Change::PutRun(run("c1", 21).with_parent("p")),
            Change::PutRun(run("c2", 22).with_parent("p")),
            Change::PutRun(run("g", 23).with_parent("c1")),
            Change::PutArtifact {
                run_id: "c1".into(),
                path: "plots/roc.svg".into(),
                kind: ArtifactKind::Svg,
                content: "<svg/>".into(),
            },
            Change::LogMetric { run_id: "c1".into(), key: "loss".into(), points: vec![point(0.5, 0, 1)] },
        ])
        .unwrap();
    store
}

fn point(value: f64, step: i64, timestamp: i64) -> MetricPoint {
    MetricPoint { value, step, timestamp }
}

/// Applies `changes` to [`store`] and expects them refused with `expected`, changing nothing.
fn check_refused(changes: Vec<Change>, expected: StoreError) {
    let mut store = store();
    let before = store.snapshot();
    assert_eq!(store.apply(&changes), Err(expected), "{changes:?}");
    assert_eq!(store.snapshot(), before);
}

/// Applies `changes` to [`store`] and expects them accepted.
fn check_accepted(changes: Vec<Change>) -> MemoryStore {
    let mut store = store();
    store.apply(&changes).unwrap_or_else(|e| panic!("{changes:?} refused: {e}"));
    store
}

fn with(id: &str, edit: impl FnOnce(&mut Run)) -> Change {
    let mut r = run(id, 10);
    edit(&mut r);
    Change::PutRun(r)
}

fn invalid(run_id: &str, error: LimitError) -> StoreError {
    StoreError::InvalidRun { run_id: run_id.into(), error }
}

fn too_long(field: Field, length: usize, limit: usize) -> LimitError {
    LimitError::TooLong { field, length, limit }
}

fn bad_character(field: Field, value: &str, position: usize, character: char) -> LimitError {
    LimitError::BadCharacter { field, value: value.into(), position, character }
}

fn not_plain(field: Field, value: &str) -> LimitError {
    LimitError::NotAPlainPath { field, value: value.into() }
}

#[test]
fn params_are_immutable_but_may_be_logged_again() {
    check_accepted(vec![with("r1", |_| {})]);
    check_accepted(vec![with("r1", |r| r.params.clear())]);
    check_accepted(vec![with("r1", |r| drop(r.params.insert("penalty".into(), "l2".into())))]);
    check_refused(
        vec![with("r1", |r| drop(r.params.insert("C".into(), "2.0".into())))],
        StoreError::ParamChanged {
            run_id: "r1".into(),
            key: "C".into(),
            old: "1.0".into(),
            new: "2.0".into(),
        },
    );
    // A later update without the params keeps them.
    let store = check_accepted(vec![with("r1", |r| r.params.clear())]);
    assert_eq!(store.snapshot().run("r1").unwrap().params.get("C").map(String::as_str), Some("1.0"));
}

#[test]
fn keys_and_values_follow_mlflow_limits() {
    let key = |k: &str| with("r1", |r| drop(r.params.insert(k.into(), "x".into())));
    let value = |n: usize| with("r1", |r| drop(r.params.insert("v".into(), "x".repeat(n))));
    let tag = |k: &str, n: usize| with("r1", |r| drop(r.tags.insert(k.into(), "x".repeat(n))));
    let metric = |k: &str, v: f64| {
        with("r1", |r| {
            r.metrics.insert(k.into(), v);
        })
    };
    check_accepted(vec![
        key("a-b_c.d e/f:g"),
        key("ñandú"),
        key(&"k".repeat(250)),
        value(6000),
        tag("t", 5000),
    ]);
    check_accepted(vec![metric("nan", f64::NAN), metric("max", f64::MAX)]);
    check_refused(vec![key("a*b")], invalid("r1", bad_character(Field::ParamKey, "a*b", 1, '*')));
    check_refused(vec![key("é\"")], invalid("r1", bad_character(Field::ParamKey, "é\"", 2, '"')));
    check_refused(vec![key("")], invalid("r1", LimitError::Empty { field: Field::ParamKey }));
    check_refused(vec![key("a//b")], invalid("r1", not_plain(Field::ParamKey, "a//b")));
    check_refused(vec![key("/a")], invalid("r1", not_plain(Field::ParamKey, "/a")));
    check_refused(vec![key("a/")], invalid("r1", not_plain(Field::ParamKey, "a/")));
    check_refused(vec![key("a/./b")], invalid("r1", not_plain(Field::ParamKey, "a/./b")));
    check_refused(vec![key("..a")], invalid("r1", not_plain(Field::ParamKey, "..a")));
    check_refused(vec![key(".")], invalid("r1", not_plain(Field::ParamKey, ".")));
    check_refused(vec![key(&"k".repeat(251))], invalid("r1", too_long(Field::ParamKey, 251, 250)));
    check_refused(vec![key(&"ñ".repeat(251))], invalid("r1", too_long(Field::ParamKey, 251, 250)));
    check_refused(vec![value(6001)], invalid("r1", too_long(Field::ParamValue, 6001, 6000)));
    check_refused(vec![tag("t", 5001)], invalid("r1", too_long(Field::TagValue, 5001, 5000)));
    check_refused(vec![tag("t?", 1)], invalid("r1", bad_character(Field::TagKey, "t?", 1, '?')));
    check_refused(
        vec![metric("f1", f64::INFINITY)],
        invalid("r1", LimitError::InfiniteMetric { key: "f1".into(), value: f64::INFINITY }),
    );
    check_refused(vec![metric("a|b", 1.0)], invalid("r1", bad_character(Field::MetricKey, "a|b", 1, '|')));
    check_refused(
        vec![Change::PutRun(run("-x", 1))],
        invalid("-x", bad_character(Field::RunId, "-x", 0, '-')),
    );
    check_refused(
        vec![Change::PutRun(run(&"a".repeat(257), 1))],
        invalid(&"a".repeat(257), too_long(Field::RunId, 257, 256)),
    );
}

#[test]
fn datasets_and_experiments_follow_mlflow_limits() {
    let input = |edit: fn(&mut DatasetInput)| {
        with("r1", |r| {
            let mut input =
                DatasetInput { name: "telco".into(), digest: "d".into(), ..DatasetInput::default() };
            edit(&mut input);
            r.inputs.push(input);
        })
    };
    check_accepted(vec![input(|i| i.schema = "{\"columns\": []}".into())]);
    check_refused(
        vec![input(|i| i.name.clear())],
        invalid("r1", LimitError::Empty { field: Field::DatasetName }),
    );
    check_refused(
        vec![input(|i| i.digest = "d".repeat(37))],
        invalid("r1", too_long(Field::DatasetDigest, 37, 36)),
    );
    check_refused(
        vec![input(|i| i.context = "c".repeat(501))],
        invalid("r1", too_long(Field::DatasetContext, 501, 500)),
    );
    let experiment_error =
        |id: &str, error| StoreError::InvalidExperiment { experiment_id: id.into(), error };
    check_accepted(vec![Change::PutExperiment(experiment("1", &"n".repeat(500)))]);
    check_refused(
        vec![Change::PutExperiment(experiment("1", &"n".repeat(501)))],
        experiment_error("1", too_long(Field::ExperimentName, 501, 500)),
    );
    check_refused(
        vec![Change::PutExperiment(experiment("1", " "))],
        experiment_error("1", LimitError::Empty { field: Field::ExperimentName }),
    );
    check_refused(
        vec![Change::PutExperiment(experiment("1 2", "x"))],
        experiment_error("1 2", bad_character(Field::ExperimentId, "1 2", 1, ' ')),
    );
    let mut described = experiment("1", "x");
    described.description = "d".repeat(5001);
    check_refused(
        vec![Change::PutExperiment(described)],
        experiment_error("1", too_long(Field::ExperimentDescription, 5001, 5000)),
    );
    check_refused(
        vec![Change::PutExperiment(experiment("1", "Default"))],
        StoreError::DuplicateExperimentName("Default".into()),
    );
}

#[test]
fn references_and_lifecycle_rules_are_checked() {
    let log = |id: &str| Change::LogMetric {
        run_id: id.into(),
        key: "loss".into(),
        points: vec![point(1.0, 0, 0)],
    };
    check_refused(vec![log("nope")], StoreError::UnknownRun { run_id: "nope".into() });
    check_refused(
        vec![Change::PutRun(run("n", 1).with_parent("nope"))],
        StoreError::UnknownParent { run_id: "n".into(), parent_run_id: "nope".into() },
    );
    check_refused(
        vec![Change::PutRun(run("r1", 10).with_parent("p"))],
        StoreError::ParentChanged { run_id: "r1".into() },
    );
    check_refused(vec![Change::PutRun(run("c1", 21))], StoreError::ParentChanged { run_id: "c1".into() });
    check_refused(
        vec![Change::PutRun(Run { experiment_id: "7".into(), ..run("n", 1) })],
        StoreError::UnknownExperiment { run_id: "n".into(), experiment_id: "7".into() },
    );
    let deleted_experiment =
        Experiment { lifecycle_stage: LifecycleStage::Deleted, ..experiment("0", "Default") };
    check_refused(
        vec![Change::PutExperiment(deleted_experiment.clone()), Change::PutRun(run("n", 1))],
        StoreError::ExperimentDeleted { run_id: "n".into(), experiment_id: "0".into() },
    );
    // Finishing a run of a deleted experiment is still allowed.
    check_accepted(vec![
        Change::PutExperiment(deleted_experiment),
        with("r1", |r| r.status = RunStatus::Killed),
    ]);
    check_refused(
        vec![with("r1", |r| r.lifecycle_stage = LifecycleStage::Deleted), log("r1")],
        StoreError::RunDeleted { run_id: "r1".into() },
    );
    check_refused(
        vec![Change::LogMetric { run_id: "r1".into(), key: "loss".into(), points: vec![point(1.0, 0, -1)] }],
        invalid("r1", LimitError::NegativeTimestamp { key: "loss".into(), timestamp: -1 }),
    );
    check_refused(
        vec![Change::PurgeRun { run_id: "r1".into() }],
        StoreError::PurgeActive { run_id: "r1".into() },
    );
    check_refused(
        vec![
            with("p", |r| r.lifecycle_stage = LifecycleStage::Deleted),
            Change::PurgeRun { run_id: "p".into() },
        ],
        StoreError::PurgeWithChildren { run_id: "p".into(), child_run_id: "c2".into() },
    );
    let artifact = |path: &str| Change::PutArtifact {
        run_id: "r1".into(),
        path: path.into(),
        kind: ArtifactKind::Json,
        content: "{}".into(),
    };
    check_accepted(vec![artifact("model/tree.json"), artifact("a b/ñ.json")]);
    check_refused(vec![artifact("../x.json")], invalid("r1", not_plain(Field::ArtifactPath, "../x.json")));
    check_refused(
        vec![artifact("a\\b.json")],
        invalid("r1", bad_character(Field::ArtifactPath, "a\\b.json", 1, '\\')),
    );
    check_refused(vec![artifact("")], invalid("r1", LimitError::Empty { field: Field::ArtifactPath }));
}

#[test]
fn the_parent_tag_and_field_are_one() {
    // A child logged with only MLflow's tag gets the field, and the other way round.
    let mut child = run("t", 30);
    child.tags.insert("mlflow.parentRunId".into(), "p".into());
    let store = check_accepted(vec![Change::PutRun(child), Change::PutRun(run("u", 31).with_parent("p"))]);
    let snapshot = store.snapshot();
    assert_eq!(snapshot.run("t").unwrap().parent_run_id.as_deref(), Some("p"));
    assert_eq!(snapshot.run("u").unwrap().tags.get("mlflow.parentRunId").map(String::as_str), Some("p"));
    let children: Vec<&str> = snapshot.children("p").map(|r| r.run_id.as_str()).collect();
    assert_eq!(children, ["u", "t", "c2", "c1"]);
}

#[test]
fn metric_histories_keep_every_point_and_the_latest_by_step() {
    let log =
        |points: Vec<MetricPoint>| Change::LogMetric { run_id: "r1".into(), key: "loss".into(), points };
    let mut store =
        check_accepted(vec![log(vec![point(0.9, 0, 100), point(0.5, 1, 101), point(0.4, 2, 102)])]);
    store.apply(&[log(vec![point(0.7, 1, 200)])]).unwrap(); // an older step logged later
    let r1 = store.snapshot().run("r1").unwrap().clone();
    assert_eq!(r1.metrics.get("loss"), Some(&0.4));
    assert_eq!(r1.latest_points.get("loss"), Some(&point(0.4, 2, 102)));
    let steps: Vec<(i64, f64)> =
        store.metric_history("r1", "loss").iter().map(|p| (p.step, p.value)).collect();
    assert_eq!(steps, [(0, 0.9), (1, 0.5), (2, 0.4), (1, 0.7)]);
    store.apply(&[log(vec![point(0.3, 2, 103)])]).unwrap(); // same step, later time
    assert_eq!(store.snapshot().run("r1").unwrap().metrics.get("loss"), Some(&0.3));
    store.apply(&[log(vec![point(f64::NAN, 3, 104)])]).unwrap();
    assert!(store.snapshot().run("r1").unwrap().metrics.get("loss").unwrap().is_nan());

    // A stale copy of the run put later keeps the logged metrics; its own metric values win.
    store
        .apply(&[with("r1", |r| {
            r.metrics.insert("f1".into(), 0.8);
        })])
        .unwrap();
    let r1 = store.snapshot().run("r1").unwrap().clone();
    assert!(r1.metrics.get("loss").unwrap().is_nan());
    assert_eq!(r1.metrics.get("f1"), Some(&0.8));
    assert_eq!(r1.latest_points.len(), 1);
}

#[test]
fn artifacts_are_listed_on_the_run_and_stored_apart() {
    let put = |path: &str, content: &str| Change::PutArtifact {
        run_id: "r1".into(),
        path: path.into(),
        kind: ArtifactKind::from_path(path).unwrap(),
        content: content.into(),
    };
    let mut store = check_accepted(vec![put("roc.svg", "<svg/>"), put("curves/pr.csv", "r,p\n")]);
    store.apply(&[put("roc.svg", "<svg></svg>"), with("r1", |r| r.artifacts.clear())]).unwrap();
    let r1 = store.snapshot().run("r1").unwrap().clone();
    let listed: Vec<(&str, &str, u64)> =
        r1.artifacts.iter().map(|a| (a.path.as_str(), a.media_type(), a.size)).collect();
    assert_eq!(listed, [("curves/pr.csv", "text/csv", 4), ("roc.svg", "image/svg+xml", 11)]);
    assert_eq!(store.artifact("r1", "roc.svg"), Some("<svg></svg>"));
    assert_eq!(store.artifact("r1", "nope.svg"), None);
    assert_eq!(ArtifactKind::from_path("model.JSON"), Some(ArtifactKind::Json));
    assert_eq!(ArtifactKind::from_path("model"), None);
}

/// The runs of `snapshot` as `id:stage` (`a` active, `d` deleted), sorted by id.
fn stages(snapshot: &Snapshot) -> String {
    let mut runs: Vec<String> = snapshot
        .runs
        .iter()
        .map(|r| format!("{}:{}", r.run_id, if r.is_deleted() { "d" } else { "a" }))
        .collect();
    runs.sort();
    runs.join(" ")
}

/// Applies what `action` returns for [`store`] after `setup`, and compares the stages.
fn check_lifecycle(
    setup: fn(&Snapshot) -> Vec<Change>,
    action: fn(&Snapshot) -> Result<Vec<Change>, StoreError>,
    expected: &str,
) {
    let mut store = store();
    store.apply(&setup(&store.snapshot())).unwrap();
    let changes = action(&store.snapshot()).unwrap();
    store.apply(&changes).unwrap_or_else(|e| panic!("{changes:?}: {e}"));
    assert_eq!(stages(&store.snapshot()), expected);
}

#[test]
fn delete_restore_and_purge_follow_the_family() {
    let none = |_: &Snapshot| Vec::new();
    let delete_p = |s: &Snapshot| delete_run(s, "p", 99).unwrap();
    check_lifecycle(none, |s| delete_run(s, "p", 99), "c1:d c2:d g:d p:d r1:a");
    check_lifecycle(none, |s| delete_run(s, "c1", 99), "c1:d c2:a g:d p:a r1:a");
    check_lifecycle(delete_p, |s| restore_run(s, "p"), "c1:a c2:a g:a p:a r1:a");
    check_lifecycle(delete_p, |s| restore_run(s, "c1"), "c1:a c2:d g:a p:a r1:a");
    check_lifecycle(delete_p, |s| restore_run(s, "g"), "c1:a c2:d g:a p:a r1:a");
    check_lifecycle(delete_p, |s| purge_run(s, "p"), "r1:a");
    check_lifecycle(delete_p, |s| purge_run(s, "c1"), "c2:d p:d r1:a");
    check_lifecycle(|s| delete_run(s, "c1", 99).unwrap(), |s| Ok(purge_deleted(s)), "c2:a p:a r1:a");
    check_lifecycle(
        |s| [delete_run(s, "c1", 99).unwrap(), delete_run(s, "p", 99).unwrap()].concat(),
        |s| Ok(purge_deleted(s)),
        "r1:a",
    );
    // A parent deleted on its own (its children active) takes them with it when purged.
    check_lifecycle(
        |s| {
            let mut p = s.run("p").unwrap().clone();
            p.lifecycle_stage = LifecycleStage::Deleted;
            vec![Change::PutRun(p)]
        },
        |s| purge_run(s, "p"),
        "r1:a",
    );
    let snapshot = store().snapshot();
    assert_eq!(purge_run(&snapshot, "p"), Err(StoreError::PurgeActive { run_id: "p".into() }));
    assert_eq!(delete_run(&snapshot, "x", 1), Err(StoreError::UnknownRun { run_id: "x".into() }));
}

#[test]
fn deletion_keeps_a_time_and_purge_frees_the_blobs() {
    let mut store = store();
    store.apply(&delete_run(&store.snapshot(), "p", 99).unwrap()).unwrap();
    let c1 = store.snapshot().run("c1").unwrap().clone();
    assert_eq!((c1.lifecycle_stage, c1.deleted_time), (LifecycleStage::Deleted, Some(99)));
    assert_eq!(store.blob_count(), 2);
    store.apply(&restore_run(&store.snapshot(), "c1").unwrap()).unwrap();
    assert_eq!(store.snapshot().run("c1").unwrap().deleted_time, None);
    store.apply(&delete_run(&store.snapshot(), "p", 100).unwrap()).unwrap();
    store.apply(&purge_run(&store.snapshot(), "p").unwrap()).unwrap();
    assert_eq!(store.blob_count(), 0);
    assert_eq!(store.artifact("c1", "plots/roc.svg"), None);
    assert!(store.metric_history("c1", "loss").is_empty());
}

/// The runs of `snapshot` as `id:STATUS@end`, sorted by id.
fn statuses(snapshot: &Snapshot) -> String {
    let mut runs: Vec<String> = snapshot
        .runs
        .iter()
        .map(|r| {
            format!("{}:{}@{}", r.run_id, r.status.as_str(), r.end_time.map_or("-".into(), |t| t.to_string()))
        })
        .collect();
    runs.sort();
    runs.join(" ")
}

/// A grid search cut short: parent `p` and child `c2` RUNNING, `c1` FINISHED.
fn check_recovery(live: &[&str], now: i64, expected: &str) {
    let mut store = store();
    let running = |id: &str, start| {
        let mut r = store.snapshot().run(id).cloned().unwrap_or_else(|| run(id, start));
        r.status = RunStatus::Running;
        r.end_time = None;
        Change::PutRun(r)
    };
    let changes = vec![running("p", 20), running("c2", 22)];
    store.apply(&changes).unwrap();
    let live: BTreeSet<String> = live.iter().map(|s| s.to_string()).collect();
    let recovery = recover_unfinished_except(&store.snapshot(), now, &live);
    store.apply(&recovery).unwrap();
    assert_eq!(statuses(&store.snapshot()), expected, "live {live:?}");
}

#[test]
fn runs_left_running_by_a_closed_tab_are_killed() {
    check_recovery(&[], 500, "c1:FINISHED@31 c2:KILLED@500 g:FINISHED@33 p:KILLED@500 r1:FINISHED@20");
    check_recovery(&["p", "c2"], 500, "c1:FINISHED@31 c2:RUNNING@- g:FINISHED@33 p:RUNNING@- r1:FINISHED@20");
    check_recovery(&[], 21, "c1:FINISHED@31 c2:KILLED@22 g:FINISHED@33 p:KILLED@21 r1:FINISHED@20");
    let snapshot = store().snapshot();
    assert!(recover_unfinished(&snapshot, 1).is_empty(), "nothing RUNNING, nothing to do");
    let mut stuck = run("s", 5);
    stuck.status = RunStatus::Running;
    let changes = recover_unfinished(&Snapshot { runs: vec![stuck], ..snapshot }, 9);
    let [Change::PutRun(killed)] = changes.as_slice() else { panic!("{changes:?}") };
    assert_eq!(killed.tags.get(RECOVERED_TAG).map(String::as_str), Some("9"));
}

#[test]
fn a_batch_tells_other_tabs_what_to_reload() {
    let changes = [
        Change::PutExperiment(experiment("3", "x")),
        Change::PutRun(run("a", 1)),
        Change::LogMetric { run_id: "b".into(), key: "k".into(), points: vec![] },
        Change::PutRun(run("c", 1)),
        Change::PurgeRun { run_id: "c".into() },
    ];
    let touched = Touched::of(&changes);
    let ids = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(" ");
    assert_eq!(
        (ids(&touched.experiment_ids), ids(&touched.run_ids), ids(&touched.purged_run_ids)),
        ("3".into(), "a b".into(), "c".into())
    );
    assert!(Touched::of(&[]).is_empty());

    // Another tab's view, brought up to date from what the store now holds.
    let mut tab = store();
    let mut other = store().snapshot();
    let batch = [Change::PutRun(run("new", 5)), with("r1", |r| r.status = RunStatus::Killed)];
    tab.apply(&batch).unwrap();
    tab.apply(&delete_run(&tab.snapshot(), "g", 9).unwrap()).unwrap();
    let purge = purge_run(&tab.snapshot(), "g").unwrap();
    tab.apply(&purge).unwrap();
    let touched = Touched::of(&[batch.to_vec(), purge].concat());
    let now = tab.snapshot();
    let loaded = Snapshot {
        experiments: vec![],
        runs: now.runs.iter().filter(|r| touched.run_ids.contains(&r.run_id)).cloned().collect(),
    };
    other.merge(loaded, &touched);
    assert_eq!(other, now);
}

#[test]
fn logging_creates_the_default_experiment_once() {
    let mut store = MemoryStore::new();
    let changes = log_run(&store.snapshot(), run("a", 1), 0);
    assert_eq!(changes.len(), 2);
    store.apply(&changes).unwrap();
    let changes = log_run(&store.snapshot(), run("b", 2), 0);
    assert_eq!(changes.len(), 1);
    store.apply(&changes).unwrap();
    let ids: Vec<&str> = store.runs().iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(ids, ["b", "a"], "newest first");
    assert_eq!(run("a", 1).duration_ms(), Some(10));
    assert_eq!(next_experiment_id(&store.snapshot()), "1");
    assert_eq!(next_experiment_id(&Snapshot::default()), "1");
}

#[test]
fn a_refused_batch_changes_nothing() {
    let mut store = store();
    let before = (store.snapshot(), store.blob_count());
    let artifact = Change::PutArtifact {
        run_id: "r1".into(),
        path: "x.json".into(),
        kind: ArtifactKind::Json,
        content: "{}".into(),
    };
    let err = store.apply(&[
        artifact,
        Change::PutRun(run("b", 2)),
        with("r1", |r| drop(r.params.insert("C".into(), "2".into()))),
    ]);
    assert!(matches!(err, Err(StoreError::ParamChanged { ref key, .. }) if key == "C"));
    assert_eq!((store.snapshot(), store.blob_count()), before);
}

#[test]
fn run_ids_are_mlflow_shaped() {
    assert_eq!(run_id_from_bytes([0xab; 16]), "ab".repeat(16));
}

#[test]
fn old_records_read_with_defaults() {
    // A layout-2 run record: none of the fields layout 3 added.
    let v2 = r#"{"run_id":"a","experiment_id":"0","run_name":"x","status":"FINISHED","start_time":1,
        "end_time":null,"params":{},"metrics":{"f1":0.5},"tags":{},
        "inputs":[{"name":"telco","digest":"d","rows":3,"context":"training"}]}"#;
    let run: Run = serde_json::from_str(v2).unwrap();
    assert_eq!(
        (run.lifecycle_stage, run.parent_run_id, run.artifacts.len()),
        (LifecycleStage::Active, None, 0)
    );
    assert_eq!(run.inputs[0].schema, "");
    let experiment: Experiment =
        serde_json::from_str(r#"{"experiment_id":"0","name":"Default","creation_time":1}"#).unwrap();
    assert_eq!(experiment, Experiment::default_at(1));
}
