//! Writes a rich export [`Document`] as JSON: what the MLflow layer of `cargo xtask test` pushes to a real
//! server, and what `tests/push.rs` pushes to a fake one (it includes this file).
//!
//! Usage: `cargo run -p ciclo-core --example export_fixture -- [--refused] FILE` (standard output
//! without FILE; `--refused` adds a param MLflow refuses, see [`refused_fixture`]).
//!
//! It holds what a push must carry: a parent with two children, a run with 150 params and a metric with
//! 2,500 points (more than one `log-batch` of each), a NaN metric, artifacts (`model/model.json`, an SVG,
//! a CSV with a non-ASCII name), training and evaluation dataset inputs, a FAILED run, a deleted run, a
//! registered model with two versions in Production and Archived and the aliases `champion` and
//! `challenger`, a second model from the same run, and names with `<script>`, a quote and non-ASCII letters.

use std::collections::BTreeMap;

use ciclo_core::exchange::{
    ArtifactFile, Document, Point, RegistryRecord, RunRecord, Value, FORMAT, FORMAT_VERSION,
};
use ciclo_core::registry::{ModelVersion, RegisteredModel, Stage};
use ciclo_core::tracking::{
    ArtifactKind, DatasetInput, Experiment, LifecycleStage, RunStatus, PARENT_RUN_ID_TAG,
};

/// The time the fixture's runs start, in milliseconds since the Unix epoch.
const T0: i64 = 1_767_225_600_000;

/// The parent's playground id.
pub const PARENT: &str = "a0000000000000000000000000000001";
/// The first child's (150 params, 2,500 points, NaN, artifacts, inputs; version 1).
pub const CHILD_1: &str = "a0000000000000000000000000000002";
/// The second child's (version 2).
pub const CHILD_2: &str = "a0000000000000000000000000000003";
/// A FAILED run's.
pub const FAILED: &str = "a0000000000000000000000000000004";
/// A deleted run's.
pub const DELETED: &str = "a0000000000000000000000000000005";
/// The registered model's name.
pub const MODEL: &str = "churn <script> é";
/// A second model, whose name holds a single quote (MLflow's filters cannot escape one).
pub const QUOTED_MODEL: &str = "o'brien ñ";

fn run(run_id: &str, name: &str, experiment_id: &str, start: i64) -> RunRecord {
    RunRecord {
        run_id: run_id.into(),
        experiment_id: experiment_id.into(),
        run_name: name.into(),
        status: RunStatus::Finished,
        start_time: start,
        end_time: Some(start + 60_000),
        lifecycle_stage: LifecycleStage::Active,
        deleted_time: None,
        parent_run_id: None,
        params: BTreeMap::new(),
        tags: BTreeMap::from([("mlflow.source.name".to_string(), "ciclo (page)".to_string())]),
        metrics: BTreeMap::new(),
        latest_points: BTreeMap::new(),
        metric_history: BTreeMap::new(),
        inputs: Vec::new(),
        artifacts: Vec::new(),
    }
}

fn child(run_id: &str, name: &str, start: i64) -> RunRecord {
    let mut record = run(run_id, name, "1", start);
    record.parent_run_id = Some(PARENT.into());
    record.tags.insert(PARENT_RUN_ID_TAG.into(), PARENT.into());
    record
}

fn log(record: &mut RunRecord, key: &str, points: Vec<Point>) {
    if let Some(last) = points.last() {
        record.metrics.insert(key.into(), last.value);
        record.latest_points.insert(key.into(), *last);
    }
    record.metric_history.insert(key.into(), points);
}

fn model_json(seed: u32) -> String {
    format!("{{\"format\": \"ciclo-model\", \"seed\": {seed}, \"note\": \"<script>alert(1)</script> é\"}}\n")
}

fn version(name: &str, number: u32, run_id: &str, stage: Stage) -> ModelVersion {
    let mut tags = BTreeMap::new();
    tags.insert("validated_by".to_string(), "gate é".to_string());
    ModelVersion {
        name: name.into(),
        version: number,
        creation_time: T0 + 600_000 + i64::from(number),
        last_updated_time: T0 + 600_000 + i64::from(number),
        run_id: run_id.into(),
        source: format!("runs:/{run_id}/model"),
        current_stage: stage,
        description: format!("version {number} <b>bold?</b>"),
        tags,
    }
}

/// The fixture.
pub fn fixture() -> Document {
    let mut experiment = Experiment::new("1", "churn <script> é ñ", T0);
    experiment.description = "the report's churn models <i>ñ</i>".into();
    experiment.tags.insert("team".into(), "mlops é".into());

    let mut parent = run(PARENT, "search <script> ñ", "1", T0);
    parent.params.insert("search".into(), "grid".into());
    log(&mut parent, "best_f1", vec![Point { value: Value(0.61), step: 0, timestamp: T0 + 50_000 }]);

    let mut first = child(CHILD_1, "forest é", T0 + 1_000);
    for index in 0..150 {
        first.params.insert(format!("p{index:03}"), format!("value {index} é"));
    }
    first.params.insert("long".into(), "x".repeat(5_000));
    let loss = (0..2_500)
        .map(|step| Point {
            value: Value(1.0 / f64::from(step + 1)),
            step: i64::from(step),
            timestamp: T0 + 2_000 + i64::from(step),
        })
        .collect();
    log(&mut first, "loss", loss);
    log(
        &mut first,
        "log_loss",
        vec![
            Point { value: Value(0.5), step: 0, timestamp: T0 + 5_000 },
            Point { value: Value(f64::NAN), step: 1, timestamp: T0 + 5_001 },
        ],
    );
    log(&mut first, "f1", vec![Point { value: Value(0.6), step: 0, timestamp: T0 + 5_002 }]);
    // A latest value with no history: pushed as its latest point.
    first.metrics.insert("roc_auc".into(), Value(0.84));
    first
        .latest_points
        .insert("roc_auc".into(), Point { value: Value(0.84), step: 0, timestamp: T0 + 5_003 });
    first.tags.insert("note".into(), "<script>alert('x')</script> ñ".into());
    first.inputs = vec![
        DatasetInput {
            name: "telco <script>".into(),
            digest: "0123456789abcdef".into(),
            rows: 5_634,
            context: "training".into(),
            schema: "{\"mlflow_colspec\": [{\"type\": \"double\", \"name\": \"tenure\"}]}".into(),
            profile: "{\"num_rows\": 5634}".into(),
        },
        DatasetInput {
            name: "telco holdout".into(),
            digest: "fedcba9876543210".into(),
            rows: 1_409,
            context: "evaluation".into(),
            schema: String::new(),
            profile: String::new(),
        },
    ];
    first.artifacts = vec![
        ArtifactFile { path: "model/model.json".into(), kind: ArtifactKind::Json, content: model_json(1) },
        ArtifactFile {
            path: "plots/roc.svg".into(),
            kind: ArtifactKind::Svg,
            content: "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>ROC é</title></svg>\n".into(),
        },
        ArtifactFile {
            path: "data/predicciones ñ.csv".into(),
            kind: ArtifactKind::Csv,
            content: "id,probability\n1,0.25\n2,0.75\n".into(),
        },
    ];

    let mut second = child(CHILD_2, "boosting ñ", T0 + 70_000);
    second.params.insert("n_estimators".into(), "200".into());
    log(&mut second, "f1", vec![Point { value: Value(0.63), step: 0, timestamp: T0 + 71_000 }]);
    second.artifacts = vec![ArtifactFile {
        path: "model/model.json".into(),
        kind: ArtifactKind::Json,
        content: model_json(2),
    }];

    let mut failed = run(FAILED, "failed <script>", "0", T0 + 200_000);
    failed.status = RunStatus::Failed;
    failed.end_time = Some(T0 + 201_234);

    let mut deleted = run(DELETED, "deleted ñ", "1", T0 + 300_000);
    deleted.params.insert("C".into(), "1.0".into());
    log(&mut deleted, "f1", vec![Point { value: Value(0.5), step: 0, timestamp: T0 + 300_500 }]);
    deleted.lifecycle_stage = LifecycleStage::Deleted;
    deleted.deleted_time = Some(T0 + 400_000);

    let mut model = RegisteredModel::new(MODEL, T0 + 600_000);
    model.description = "the churn model <script> é".into();
    model.tags.insert("owner".into(), "equipo ñ".into());
    model.aliases.insert("champion".into(), 2);
    model.aliases.insert("challenger".into(), 1);

    Document {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        exported_at: T0 + 700_000,
        producer: "ciclo export_fixture".into(),
        experiments: vec![Experiment::default_at(T0), experiment],
        runs: vec![parent, first, second, failed, deleted],
        registry: RegistryRecord {
            models: vec![model, RegisteredModel::new(QUOTED_MODEL, T0 + 650_000)],
            versions: vec![
                version(MODEL, 1, CHILD_1, Stage::Archived),
                version(MODEL, 2, CHILD_2, Stage::Production),
                version(QUOTED_MODEL, 1, CHILD_1, Stage::None),
            ],
            audit: Vec::new(),
        },
    }
}

/// The fixture with a param MLflow refuses (a key with `<`, which MLflow's names may not hold; a value over
/// its 6,000 characters would not do: MLflow 3.17 truncates it silently) on the first child: a push of it
/// stops after creating that run, as an interrupted push does.
pub fn refused_fixture() -> Document {
    let mut doc = fixture();
    if let Some(run) = doc.runs.iter_mut().find(|run| run.run_id == CHILD_1) {
        run.params.insert(REFUSED_PARAM.into(), "1".into());
    }
    doc
}

/// The key of the param [`refused_fixture`] adds.
pub const REFUSED_PARAM: &str = "refused <param>";

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let refused = args.iter().any(|arg| arg == "--refused");
    let doc = if refused { refused_fixture() } else { fixture() };
    let text = serde_json::to_string_pretty(&doc)?;
    match args.iter().find(|arg| !arg.starts_with("--")) {
        Some(path) => std::fs::write(path, text)?,
        None => println!("{text}"),
    }
    Ok(())
}
