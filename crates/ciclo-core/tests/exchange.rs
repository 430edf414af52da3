//! Export and import (issue 7): a store exported, written, read back and imported into an empty store
//! gives the same document again, bit for bit (NaN, histories, artifacts, deleted runs, parents, the
//! registry with stages, aliases and audit); importing twice changes nothing the second time; merge and
//! replace differ as documented; every refusal of `parse` is one line here, with a bounded message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use ciclo_core::exchange::{
    parse, plan_import, select, Contents, Document, ExportError, ImportError, ImportPlan, Mode, Need,
    Selection, FORMAT_VERSION, MAX_DOCUMENT_BYTES,
};
use ciclo_core::registry::{
    edit_meta, register, set_alias, transition, AuditEvent, MetaEdit, Registry, Stage, Subject,
};
use ciclo_core::tracking::{
    delete_run, ArtifactKind, Change, DatasetInput, Experiment, LifecycleStage, MemoryStore, MetricPoint,
    Run, RunStatus, Store, PARENT_RUN_ID_TAG,
};
use proptest::prelude::*;

const NOW: i64 = 1_700_000_000_000;

/// Exports `selection` of the store and registry, loading what the export needs from the store.
fn export(store: &MemoryStore, registry: &Registry, selection: &Selection) -> Document {
    let export = select(&store.snapshot(), registry, selection).unwrap();
    let mut contents = Contents::default();
    for (run_id, need) in export.needs() {
        match need {
            Need::History(key) => {
                let points = store.metric_history(&run_id, &key).to_vec();
                contents.histories.insert((run_id, key), points);
            }
            Need::Artifact(path) => {
                let content = store.artifact(&run_id, &path).unwrap().to_string();
                contents.artifacts.insert((run_id, path), content);
            }
        }
    }
    export.into_document("ciclo test", NOW, &contents).unwrap()
}

/// Plans `document` into the store and registry and applies the plan.
fn import(document: &Document, store: &mut MemoryStore, registry: &mut Registry, mode: Mode) -> ImportPlan {
    let plan = plan_import(document, &store.snapshot(), registry, mode, NOW + 1).unwrap();
    store.apply(&plan.tracking).unwrap();
    registry.apply(&plan.registry);
    plan
}

/// Exports everything, writes it, reads it back, imports it into an empty store in both modes, and
/// expects the same document; then imports it again and expects no change.
fn check_round_trip(store: &MemoryStore, registry: &Registry) {
    let document = export(store, registry, &Selection::All);
    let read = parse(document.to_json().as_bytes()).unwrap();
    assert_eq!(read, document, "the text reads back as the same document");
    for mode in [Mode::Merge, Mode::Replace] {
        let (mut copy, mut copy_registry) = (MemoryStore::new(), Registry::default());
        let plan = import(&read, &mut copy, &mut copy_registry, mode);
        assert_eq!(plan.summary.runs.created, document.runs.len());
        assert_eq!(export(&copy, &copy_registry, &Selection::All), document, "{mode:?}");
        for again in [Mode::Merge, Mode::Replace] {
            let plan = plan_import(&read, &copy.snapshot(), &copy_registry, again, NOW + 2).unwrap();
            assert!(plan.is_empty(), "{mode:?} then {again:?}: {plan:#?}");
            assert_eq!(plan.summary.runs.kept, document.runs.len());
            assert_eq!(plan.summary.audit.kept, document.registry.audit.len());
        }
    }
}

/// A metric value: NaN, signed zeros, extremes, or any finite number.
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(-0.0),
        Just(0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
        proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
    ]
}

/// One run to log: parent (an index among the earlier runs), experiment, metrics, history, artifacts,
/// whether it ends deleted.
#[derive(Debug, Clone)]
struct RunPlan {
    parent: Option<usize>,
    experiment: usize,
    metrics: Vec<f64>,
    history: Vec<(f64, i64, i64)>,
    artifact: Option<String>,
    deleted: bool,
    registered: Option<(usize, Stage, bool)>,
}

fn run_plan() -> impl Strategy<Value = RunPlan> {
    (
        proptest::option::of(0usize..6),
        0usize..3,
        proptest::collection::vec(value(), 0..3),
        proptest::collection::vec((value(), -2i64..4, 0i64..3), 0..5),
        proptest::option::of("[a-z<>&\"' é\n]{0,40}"),
        proptest::bool::weighted(0.25),
        proptest::option::of((
            0usize..2,
            prop_oneof![Just(Stage::Staging), Just(Stage::Production)],
            any::<bool>(),
        )),
    )
        .prop_map(|(parent, experiment, metrics, history, artifact, deleted, registered)| RunPlan {
            parent,
            experiment,
            metrics,
            history,
            artifact,
            deleted,
            registered,
        })
}

/// Builds a store and registry from the plans: three experiments (the last one deleted at the end),
/// runs with parents among the earlier runs, metrics, histories and artifacts, some deleted, some
/// registered, moved to a stage and given an alias.
fn build(plans: &[RunPlan], deleted_experiment: bool) -> (MemoryStore, Registry) {
    let mut store = MemoryStore::new();
    let experiments: Vec<Experiment> = (0..3)
        .map(|i| {
            let mut e = Experiment::new(i.to_string(), format!("experiment {i}"), NOW - 100 + i as i64);
            e.description = format!("<b>number</b> {i}");
            e.tags.insert("team".into(), "churn".into());
            e
        })
        .collect();
    store.apply(&experiments.iter().cloned().map(Change::PutExperiment).collect::<Vec<_>>()).unwrap();
    let mut ids: Vec<String> = Vec::new();
    for (i, plan) in plans.iter().enumerate() {
        let id = format!("{i:032x}");
        let mut run = Run::new(&id, plan.experiment.to_string(), format!("run <{i}>"), NOW + i as i64);
        run.status = if i % 3 == 0 { RunStatus::Finished } else { RunStatus::Killed };
        run.end_time = Some(NOW + 10 + i as i64);
        run.params.insert("C".into(), format!("{}", i as f64 / 3.0));
        run.tags.insert("mlflow.source.name".into(), "ciclo".into());
        run.inputs.push(DatasetInput {
            name: "telco".into(),
            digest: "0123456789abcdef".into(),
            rows: 100,
            context: "training".into(),
            schema: "{\"a\":1}".into(),
            profile: String::new(),
        });
        for (k, v) in plan.metrics.iter().enumerate() {
            run.metrics.insert(format!("m{k}"), *v);
        }
        if let Some(parent) = plan.parent.and_then(|p| ids.get(p)) {
            run = run.with_parent(parent.clone());
        }
        let mut changes = vec![Change::PutRun(run)];
        if !plan.history.is_empty() {
            let points = plan
                .history
                .iter()
                .map(|&(value, step, t)| MetricPoint { value, step, timestamp: t })
                .collect();
            changes.push(Change::LogMetric { run_id: id.clone(), key: "loss".into(), points });
            changes.push(Change::LogMetric {
                run_id: id.clone(),
                key: "m0".into(),
                points: vec![MetricPoint { value: f64::NAN, step: 0, timestamp: 5 }],
            });
        }
        if let Some(content) = &plan.artifact {
            for (path, kind) in
                [("model/model.json", ArtifactKind::Json), ("plots/a b.svg", ArtifactKind::Svg)]
            {
                changes.push(Change::PutArtifact {
                    run_id: id.clone(),
                    path: path.into(),
                    kind,
                    content: content.clone(),
                });
            }
        }
        store.apply(&changes).unwrap();
        ids.push(id);
    }
    let mut registry = Registry::default();
    let mut time = NOW + 1000;
    for (plan, id) in plans.iter().zip(&ids) {
        let Some((model, stage, alias)) = plan.registered else { continue };
        time += 1;
        let name = format!("churn {model}");
        let (changes, version) = register(&registry, &name, id, time, "first").unwrap();
        registry.apply(&changes);
        registry.apply(&transition(&registry, &name, version, stage, true, time, "why not").unwrap());
        if alias {
            registry.apply(&set_alias(&registry, &name, "champion", version, time, "").unwrap());
        }
        let edit = MetaEdit::SetTag { key: "owner".into(), value: format!("team {version}") };
        registry.apply(&edit_meta(&registry, Subject::Version(&name, version), &edit, time).unwrap());
    }
    for (plan, id) in plans.iter().zip(&ids) {
        if plan.deleted {
            let snapshot = store.snapshot();
            if snapshot.run(id).is_some_and(|r| !r.is_deleted()) {
                store.apply(&delete_run(&snapshot, id, NOW + 500).unwrap()).unwrap();
            }
        }
    }
    if deleted_experiment {
        let mut e = experiments[2].clone();
        e.lifecycle_stage = LifecycleStage::Deleted;
        store.apply(&[Change::PutExperiment(e)]).unwrap();
    }
    (store, registry)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Export → text → parse → import into an empty store (merge and replace) → export is the same
    /// document, and a second import is a no-op.
    #[test]
    fn a_store_round_trips_through_its_document(
        plans in proptest::collection::vec(run_plan(), 0..7),
        deleted_experiment in any::<bool>(),
    ) {
        let (store, registry) = build(&plans, deleted_experiment);
        check_round_trip(&store, &registry);
    }

    /// Parsing arbitrary bytes never panics.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse(&bytes);
    }
}

/// A small store: experiment `0` with a parent and a child run, a deleted run with a NaN metric, and a
/// registered version in Production with an alias.
fn small() -> (MemoryStore, Registry) {
    let plan = |parent, deleted, registered| RunPlan {
        parent,
        experiment: 0,
        metrics: vec![f64::NAN, 0.5],
        history: vec![(0.7, 1, 1), (0.6, 2, 1)],
        artifact: Some("{\"x\": 1}".into()),
        deleted,
        registered,
    };
    build(
        &[
            plan(None, false, Some((0, Stage::Production, true))),
            plan(Some(0), false, None),
            plan(None, true, None),
        ],
        false,
    )
}

#[test]
fn the_small_store_round_trips_with_nan_parents_and_the_trash() {
    let (store, registry) = small();
    let document = export(&store, &registry, &Selection::All);
    assert_eq!(document.runs.len(), 3);
    assert_eq!(document.runs[1].parent_run_id.as_deref(), Some(document.runs[0].run_id.as_str()));
    assert_eq!(document.runs[2].lifecycle_stage, LifecycleStage::Deleted);
    assert!(document.to_json().contains("\"m0\": \"NaN\""));
    assert_eq!(document.registry.versions[0].current_stage, Stage::Production);
    check_round_trip(&store, &registry);
}

#[test]
fn selections_take_their_runs_experiments_and_versions() {
    let (store, registry) = small();
    let all = export(&store, &registry, &Selection::All);
    let ids: Vec<String> = all.runs.iter().map(|r| r.run_id.clone()).collect();
    // An experiment's active runs, with the empty experiments left out.
    let one = export(&store, &registry, &Selection::Experiment("0".into()));
    assert_eq!((one.experiments.len(), one.runs.len()), (1, 2));
    assert_eq!(all.experiments.len(), 3, "a full export keeps the empty experiments");
    // A child alone keeps its parent's id; the version of the parent stays behind.
    let child = export(&store, &registry, &Selection::Runs(vec![ids[1].clone()]));
    assert_eq!(child.runs[0].parent_run_id.as_deref(), Some(ids[0].as_str()));
    assert!(child.registry.models.is_empty() && child.registry.audit.is_empty());
    let parent = export(&store, &registry, &Selection::Runs(vec![ids[0].clone(), ids[0].clone()]));
    assert_eq!((parent.runs.len(), parent.registry.versions.len()), (1, 1));
    assert_eq!(parent.registry.models[0].aliases.get("champion"), Some(&1));
    assert!(parent.registry.audit.iter().all(|e| e.model == "churn 0"));
    // Imported alone into an empty store, the child has no parent to hang from: it is detached.
    let plan =
        plan_import(&child, &MemoryStore::new().snapshot(), &Registry::default(), Mode::Merge, NOW).unwrap();
    assert_eq!(plan.summary.detached, vec![ids[1].clone()]);
    assert!(plan
        .tracking
        .iter()
        .all(|c| !matches!(c, Change::PutRun(r) if r.tags.contains_key(PARENT_RUN_ID_TAG))));
    // Unknown ids and contents not loaded are errors.
    let snapshot = store.snapshot();
    assert_eq!(
        select(&snapshot, &registry, &Selection::Runs(vec!["nope".into()])),
        Err(ExportError::UnknownRun { run_id: "nope".into() })
    );
    assert!(matches!(
        select(&snapshot, &registry, &Selection::Experiment("9".into())),
        Err(ExportError::UnknownExperiment { .. })
    ));
    let export = select(&snapshot, &registry, &Selection::All).unwrap();
    assert!(matches!(
        export.into_document("t", NOW, &Contents::default()),
        Err(ExportError::MissingHistory { .. } | ExportError::MissingArtifact { .. })
    ));
}

#[test]
fn merge_keeps_the_stores_records_and_replace_rewrites_them() {
    let (store, registry) = small();
    let document = export(&store, &registry, &Selection::All);
    // The store's copy of the first run differs (another name, a tag), and it holds the registry as is.
    let mut edited = store.clone();
    let mut run = edited.snapshot().run(&document.runs[0].run_id).cloned().unwrap();
    run.run_name = "renamed".into();
    run.tags.insert("note".into(), "mine".into());
    edited.apply(&[Change::PutRun(run)]).unwrap();

    let merge = plan_import(&document, &edited.snapshot(), &registry, Mode::Merge, NOW).unwrap();
    assert!(merge.is_empty());
    assert_eq!((merge.summary.runs.kept, merge.summary.runs.differing), (3, 1));

    // The run has a child in the store that the document holds too: both are purged and put again.
    let replace = plan_import(&document, &edited.snapshot(), &registry, Mode::Replace, NOW).unwrap();
    assert_eq!((replace.summary.runs.replaced, replace.summary.runs.kept), (2, 1));
    let mut replaced = edited.clone();
    replaced.apply(&replace.tracking).unwrap();
    assert_eq!(export(&replaced, &registry, &Selection::All), document);

    // A child outside the document blocks the rewrite: the run is kept, and said so.
    let parent_only = export(&store, &registry, &Selection::Runs(vec![document.runs[0].run_id.clone()]));
    let blocked = plan_import(&parent_only, &edited.snapshot(), &registry, Mode::Replace, NOW).unwrap();
    assert_eq!(blocked.summary.not_replaced, vec![document.runs[0].run_id.clone()]);
    assert!(blocked.tracking.is_empty());
}

#[test]
fn names_map_onto_the_stores_ids_and_taken_numbers_are_renumbered() {
    let (store, registry) = small();
    let document = export(&store, &registry, &Selection::All);
    // Another store: `experiment 0` under id 7, another experiment under id 1, and version 1 of
    // `churn 0` from a run of its own.
    let mut other = MemoryStore::new();
    other
        .apply(&[
            Change::PutExperiment(Experiment::new("7", "experiment 0", 1)),
            Change::PutExperiment(Experiment::new("1", "theirs", 1)),
            Change::PutRun(Run::new("f".repeat(32), "1", "theirs", 1)),
        ])
        .unwrap();
    let mut other_registry = Registry::default();
    let (changes, _) = register(&other_registry, "churn 0", &"f".repeat(32), 5, "").unwrap();
    other_registry.apply(&changes);
    other_registry.apply(&set_alias(&other_registry, "churn 0", "old", 1, 6, "").unwrap());

    let plan = import(&document, &mut other, &mut other_registry, Mode::Merge);
    let summary = &plan.summary;
    assert_eq!(
        (summary.experiments.kept, summary.experiments.created, summary.experiments.renumbered),
        (1, 2, 1)
    );
    assert_eq!((summary.versions.created, summary.versions.renumbered), (1, 1));
    let snapshot = other.snapshot();
    assert!(document.runs.iter().all(|r| snapshot.run(&r.run_id).unwrap().experiment_id == "7"));
    let mut names: Vec<_> =
        snapshot.experiments.iter().map(|e| (e.experiment_id.as_str(), e.name.as_str())).collect();
    names.sort_unstable();
    assert_eq!(names, [("1", "theirs"), ("2", "experiment 2"), ("7", "experiment 0"), ("8", "experiment 1")]);
    // The imported version is number 2; the model record is the store's (merge): its alias stays.
    let version =
        other_registry.versions_of("churn 0").find(|v| v.run_id == document.runs[0].run_id).unwrap();
    assert_eq!((version.version, version.current_stage), (2, Stage::Production));
    assert_eq!(other_registry.model("churn 0").unwrap().aliases, BTreeMap::from([("old".to_string(), 1)]));
    let moved: Vec<_> = other_registry
        .audit
        .iter()
        .filter_map(|e| match &e.event {
            AuditEvent::AliasMoved { alias, to, .. } if alias == "champion" => Some((e.version, *to)),
            _ => None,
        })
        .collect();
    assert_eq!(moved, [(Some(2), Some(2))], "the audit entries follow the new number");
    assert!(other_registry.audit.windows(2).all(|w| w[0].seq + 1 == w[1].seq));
    // Replace sets the document's alias on the renumbered version and keeps the store's own.
    let plan = import(&document, &mut other, &mut other_registry, Mode::Replace);
    assert_eq!(plan.summary.models.replaced, 1);
    let aliases = &other_registry.model("churn 0").unwrap().aliases;
    assert_eq!(aliases, &BTreeMap::from([("champion".to_string(), 2), ("old".to_string(), 1)]));
    assert!(import(&document, &mut other, &mut other_registry, Mode::Replace).is_empty());
}

/// A valid document's JSON, as a value to break.
fn valid() -> serde_json::Value {
    let (store, registry) = small();
    serde_json::from_str(&export(&store, &registry, &Selection::All).to_json()).unwrap()
}

/// Breaks a valid document with `edit` and expects `parse` to refuse it with a message containing
/// `expected`, at most 400 characters long.
fn check(edit: impl FnOnce(&mut serde_json::Value), expected: &str) {
    let mut json = valid();
    edit(&mut json);
    let error = parse(json.to_string().as_bytes()).unwrap_err().to_string();
    assert!(error.contains(expected), "expected `{expected}` in `{error}`");
    assert!(error.chars().count() <= 400, "{} characters: {error:.500}", error.chars().count());
}

fn check_bytes(bytes: &[u8], expected: &str) {
    let error = parse(bytes).unwrap_err().to_string();
    assert!(error.contains(expected), "expected `{expected}` in `{error}`");
}

const HUGE: usize = 10 * 1024 * 1024;

#[test]
fn bad_documents_are_refused_with_what_and_where() {
    check_bytes(&vec![0u8; MAX_DOCUMENT_BYTES + 1], "more than the 268435456 an import reads");
    check_bytes(b"{\"format\": ", "not JSON");
    check_bytes(b"[1, 2]", "not an object");
    check_bytes(b"{\"format\": \"zip\"}", "its `format` is \"zip\"");
    check_bytes(b"{}", "its `format` is missing");
    check(|j| j["format_version"] = 2.into(), "written by a newer Ciclo (version 2, this reads 1)");
    check(|j| j["format_version"] = "one".into(), "`format_version` is \"one\"");
    check(
        |j| j["runs"][1].as_object_mut().unwrap().remove("run_id").map(drop).unwrap(),
        "`runs[1]`: missing field `run_id`",
    );
    check(|j| j["runs"][0]["params"] = 5.into(), "`runs[0].params`: invalid type: integer `5`");
    check(
        |j| j["runs"][0]["metrics"]["m1"] = "many".into(),
        "`runs[0].metrics.m1`: expected a number or \"NaN\"",
    );
    check(
        |j| j["registry"]["versions"][0]["current_stage"] = "Live".into(),
        "`registry.versions[0].current_stage`",
    );
    check(|j| j["runs"][1]["run_id"] = j["runs"][0]["run_id"].clone(), "two runs have the id");
    check(|j| j["experiments"][1]["experiment_id"] = "0".into(), "two experiments have the id `0`");
    check(
        |j| j["experiments"][1]["name"] = "experiment 0".into(),
        "two experiments are named `experiment 0`",
    );
    check(
        |j| j["runs"][0]["experiment_id"] = "42".into(),
        "belongs to experiment `42`, which is not in the file",
    );
    check(|j| j["runs"].as_array_mut().unwrap().swap(0, 1), "comes before its parent");
    check(
        |j| j["runs"][0]["metric_history"]["loss"] = serde_json::json!([]),
        "metric `loss` has a latest point",
    );
    check(|j| j["runs"][0]["metrics"]["loss"] = 0.123.into(), "metric `loss` has a latest point");
    check(|j| j["runs"][0]["artifacts"][0]["path"] = "../x".into(), "is not a plain relative path");
    check(
        |j| j["runs"][0]["artifacts"][1]["path"] = j["runs"][0]["artifacts"][0]["path"].clone(),
        "has two artifacts at",
    );
    check(
        |j| j["registry"]["versions"][0]["run_id"] = "ab".into(),
        "comes from run `ab`, which is not in the file",
    );
    check(|j| j["registry"]["versions"][0]["name"] = "other".into(), "the model is not in the file");
    check(
        |j| j["registry"]["models"][0]["aliases"]["champion"] = 9.into(),
        "alias @champion of `churn 0` names version 9",
    );
    check(|j| j["registry"]["models"][0]["aliases"]["v2"] = 1.into(), "reserved for version numbers");
    check(|j| j["registry"]["audit"][1]["seq"] = 1.into(), "two audit entries are numbered 1");
    check(
        |j| j["registry"]["audit"][0]["model"] = "x".into(),
        "audit entry 1 is about `x`, which is not in the file",
    );
    check(
        |j| {
            j["registry"]["audit"][0]["event"] =
                serde_json::json!({"event": "alias_moved", "alias": "latest", "from": null, "to": 1})
        },
        "audit entry 1: `latest` cannot be an alias",
    );
    check(|j| j["registry"]["models"][0]["name"] = "a/b".into(), "`a/b` is not a usable model name");
    check(
        |j| j["runs"][0]["params"]["bad key!"] = "1".into(),
        "the parameter key `bad key!` has the character `!`",
    );
    check(|j| j["runs"][0]["metric_history"]["loss"][0]["value"] = "Infinity".into(), "which is infinite");
}

#[test]
fn hostile_text_is_text_within_limits_and_bounded_beyond() {
    let script = "<script>alert(1)</script>";
    let mut json = valid();
    json["runs"][0]["run_name"] = script.into();
    json["experiments"][0]["name"] = script.into();
    json["runs"][0]["tags"]["note"] = script.into();
    let document = parse(json.to_string().as_bytes()).unwrap();
    assert_eq!(document.runs[0].run_name, script);
    assert_eq!(document.experiments[0].name, script);

    let huge = "x".repeat(HUGE);
    check(|j| j["runs"][0]["run_name"] = huge.clone().into(), "the run name is 10485760 characters long");
    check(
        |j| j["experiments"][0]["name"] = huge.clone().into(),
        "experiment name is 10485760 characters long",
    );
    check(|j| j["runs"][0]["params"][format!("{huge}!")] = "1".into(), "xxxxxxxx…` has the character `!`");
    check(|j| j["runs"][0]["run_id"] = format!("{huge}!").into(), "…");
    check(|j| j["format"] = huge.clone().into(), "…");
    check(|j| j["runs"][0]["start_time"] = huge.clone().into(), "`runs[0].start_time`: invalid type: string");
}

#[test]
fn the_version_and_the_format_are_what_this_ciclo_writes() {
    let (store, registry) = small();
    let document = export(&store, &registry, &Selection::All);
    assert_eq!((document.format.as_str(), document.format_version), ("ciclo-export", FORMAT_VERSION));
    assert_eq!(document.to_json(), parse(document.to_json().as_bytes()).unwrap().to_json(), "stable text");
    assert!(matches!(
        parse(b"{\"format\":\"ciclo-export\",\"format_version\":7}"),
        Err(ImportError::NewerVersion { found: 7, supported: 1 })
    ));
}

/// The example of `docs/export-format.md` reads, imports into an empty store and exports as itself.
#[test]
fn the_documented_example_is_a_valid_document() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/export-format.md");
    let text = std::fs::read_to_string(path).unwrap();
    let example = text.split("```json\n").nth(1).unwrap().split("```").next().unwrap();
    let document = parse(example.as_bytes()).unwrap();
    assert!(document.runs[0].metrics["log_loss"].0.is_nan());
    let (mut store, mut registry) = (MemoryStore::new(), Registry::default());
    import(&document, &mut store, &mut registry, Mode::Merge);
    let again = export(&store, &registry, &Selection::All);
    assert_eq!(
        Document { exported_at: document.exported_at, producer: document.producer.clone(), ..again },
        document
    );
}
