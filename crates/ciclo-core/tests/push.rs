//! Pushing a document to MLflow (issue 7), driven against a small fake MLflow server in memory: batching
//! within MLflow's limits, the parent's id mapped to the server's, idempotency, interrupted pushes, and
//! errors naming the step and the record.
// A failure in a test is a failed test, not a dead page: tests may unwrap, index and panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

#[path = "../examples/export_fixture.rs"]
#[allow(dead_code)]
mod export_fixture;

use std::collections::BTreeMap;

use ciclo_core::exchange::push::{
    Method, Push, PushError, Record, Request, Response, Step, Warning, MAX_ENTITIES_PER_BATCH,
    MAX_METRICS_PER_BATCH, MAX_PARAMS_TAGS_PER_BATCH, PUSH_TAG,
};
use ciclo_core::exchange::Document;
use export_fixture::{fixture, CHILD_1, CHILD_2, DELETED, MODEL, PARENT, QUOTED_MODEL};
use serde_json::{json, Value as Json};

/// A server run.
#[derive(Debug, Clone, Default)]
struct FakeRun {
    experiment_id: String,
    status: String,
    end_time: Option<i64>,
    deleted: bool,
    params: BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
    /// (key, value as JSON, step, timestamp)
    metrics: Vec<(String, Json, i64, i64)>,
    inputs: usize,
}

/// A fake MLflow server: in-memory maps answering the requests `Push` sends.
#[derive(Debug, Default)]
struct Fake {
    experiments: BTreeMap<String, String>,
    runs: BTreeMap<String, FakeRun>,
    artifacts: BTreeMap<String, String>,
    models: BTreeMap<String, BTreeMap<String, String>>,
    /// (model, number, run id, stage)
    versions: Vec<(String, u32, String, String)>,
    log: Vec<(Method, String)>,
    refuse_stages: bool,
    /// Answer with a 500 from this request on (an interruption).
    fail_from: Option<usize>,
    proxied: bool,
}

fn ok(body: Json) -> Response {
    Response { status: 200, body: body.to_string() }
}

fn error(status: u16, code: &str, message: &str) -> Response {
    Response { status, body: json!({"error_code": code, "message": message}).to_string() }
}

fn query(path: &str, name: &str) -> String {
    let query = path.split_once('?').map(|(_, q)| q).unwrap_or("");
    let raw = query.split('&').find_map(|pair| pair.strip_prefix(&format!("{name}="))).unwrap_or("");
    decode(raw)
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The text between the first pair of single quotes after `after`.
fn quoted_after(filter: &str, after: &str) -> String {
    let rest = &filter[filter.find(after).unwrap() + after.len()..];
    let start = rest.find('\'').unwrap() + 1;
    let end = start + rest[start..].find('\'').unwrap();
    rest[start..end].to_string()
}

impl Fake {
    fn new() -> Fake {
        Fake {
            experiments: BTreeMap::from([("Default".to_string(), "0".to_string())]),
            proxied: true,
            ..Fake::default()
        }
    }

    fn run_json(&self, id: &str) -> Json {
        let run = &self.runs[id];
        let uri = if self.proxied {
            format!("mlflow-artifacts:/{}/{id}/artifacts", run.experiment_id)
        } else {
            format!("file:///srv/mlruns/{}/{id}/artifacts", run.experiment_id)
        };
        let tags: Vec<Json> = run.tags.iter().map(|(k, v)| json!({"key": k, "value": v})).collect();
        json!({
            "info": {"run_id": id, "experiment_id": run.experiment_id, "status": run.status, "artifact_uri": uri,
                     "lifecycle_stage": if run.deleted { "deleted" } else { "active" }},
            "data": {"tags": tags}
        })
    }

    fn answer(&mut self, request: &Request) -> Response {
        self.log.push((request.method, request.path.clone()));
        if self.fail_from.is_some_and(|from| self.log.len() > from) {
            return Response { status: 500, body: "<html>internal error</html>".into() };
        }
        if request.method != Method::Get && request.content_type.is_none() {
            return error(400, "INVALID_PARAMETER_VALUE", "Content-Type must be one of ['application/json']");
        }
        let body: Json =
            request.body.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or(Json::Null);
        let s = |key: &str| body[key].as_str().unwrap_or_default().to_string();
        let endpoint = request.path.split('?').next().unwrap();
        if let Some(path) = endpoint.strip_prefix("/api/2.0/mlflow-artifacts/artifacts/") {
            assert_eq!(request.method, Method::Put);
            self.artifacts.insert(decode(path), request.body.clone().unwrap());
            return ok(json!({}));
        }
        match endpoint.strip_prefix("/api/2.0/mlflow/").unwrap() {
            "experiments/get-by-name" => {
                let name = query(&request.path, "experiment_name");
                match self.experiments.get(&name) {
                    Some(id) => ok(
                        json!({"experiment": {"experiment_id": id, "name": name, "lifecycle_stage": "active"}}),
                    ),
                    None => error(
                        404,
                        "RESOURCE_DOES_NOT_EXIST",
                        &format!("Could not find experiment with name '{name}'"),
                    ),
                }
            }
            "experiments/create" => {
                let id = self.experiments.len().to_string();
                self.experiments.insert(s("name"), id.clone());
                ok(json!({"experiment_id": id}))
            }
            "runs/search" => {
                let id = quoted_after(&s("filter"), "=");
                let found: Vec<Json> = self
                    .runs
                    .iter()
                    .filter(|(_, run)| run.tags.get("ciclo.run_id") == Some(&id))
                    .map(|(server_id, _)| self.run_json(server_id))
                    .collect();
                ok(if found.is_empty() { json!({}) } else { json!({"runs": found}) })
            }
            "runs/create" => {
                let id = format!("{:032x}", 0xf000 + self.runs.len());
                let tags = body["tags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| {
                        (t["key"].as_str().unwrap().to_string(), t["value"].as_str().unwrap().to_string())
                    })
                    .collect();
                let run = FakeRun {
                    experiment_id: s("experiment_id"),
                    status: "RUNNING".into(),
                    tags,
                    ..FakeRun::default()
                };
                self.runs.insert(id.clone(), run);
                ok(json!({"run": self.run_json(&id)}))
            }
            "runs/log-batch" => {
                let (params, tags, metrics) = (
                    body["params"].as_array().unwrap(),
                    body["tags"].as_array().unwrap(),
                    body["metrics"].as_array().unwrap(),
                );
                assert!(params.len() <= MAX_PARAMS_TAGS_PER_BATCH && tags.len() <= MAX_PARAMS_TAGS_PER_BATCH);
                assert!(metrics.len() <= MAX_METRICS_PER_BATCH);
                assert!(params.len() + tags.len() + metrics.len() <= MAX_ENTITIES_PER_BATCH);
                // MLflow's message on a key it refuses (3.17.2), which quotes the key.
                for (index, param) in params.iter().enumerate() {
                    let key = param["key"].as_str().unwrap();
                    if key.contains('<') {
                        let message = format!(
                            "Invalid value \"{key}\" for parameter 'params[{index}].key' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)."
                        );
                        return error(400, "INVALID_PARAMETER_VALUE", &message);
                    }
                }
                let run = self.runs.get_mut(&s("run_id")).unwrap();
                for p in params {
                    run.params.insert(p["key"].as_str().unwrap().into(), p["value"].as_str().unwrap().into());
                }
                for t in tags {
                    run.tags.insert(t["key"].as_str().unwrap().into(), t["value"].as_str().unwrap().into());
                }
                for m in metrics {
                    let point = (
                        m["key"].as_str().unwrap().into(),
                        m["value"].clone(),
                        m["step"].as_i64().unwrap(),
                        m["timestamp"].as_i64().unwrap(),
                    );
                    run.metrics.push(point);
                }
                ok(json!({}))
            }
            "runs/log-inputs" => {
                self.runs.get_mut(&s("run_id")).unwrap().inputs += body["datasets"].as_array().unwrap().len();
                ok(json!({}))
            }
            "runs/set-tag" => {
                self.runs.get_mut(&s("run_id")).unwrap().tags.insert(s("key"), s("value"));
                ok(json!({}))
            }
            "runs/update" => {
                let run = self.runs.get_mut(&s("run_id")).unwrap();
                run.status = s("status");
                run.end_time = body["end_time"].as_i64();
                ok(json!({}))
            }
            "runs/delete" => {
                self.runs.get_mut(&s("run_id")).unwrap().deleted = true;
                ok(json!({}))
            }
            "registered-models/get" => {
                let name = query(&request.path, "name");
                match self.models.get(&name) {
                    Some(aliases) => {
                        let aliases: Vec<Json> =
                            aliases.iter().map(|(a, v)| json!({"alias": a, "version": v})).collect();
                        ok(json!({"registered_model": {"name": name, "aliases": aliases}}))
                    }
                    None => error(
                        404,
                        "RESOURCE_DOES_NOT_EXIST",
                        &format!("Registered Model with name={name} not found"),
                    ),
                }
            }
            "registered-models/create" => {
                self.models.insert(s("name"), BTreeMap::new());
                ok(json!({"registered_model": {"name": s("name")}}))
            }
            "model-versions/search" => {
                let filter = query(&request.path, "filter");
                let run_id = quoted_after(&filter, "run_id=");
                let found: Vec<Json> = self
                    .versions
                    .iter()
                    .filter(|v| v.2 == run_id)
                    .map(|v| json!({"name": v.0, "version": v.1.to_string(), "run_id": v.2, "current_stage": v.3}))
                    .collect();
                ok(json!({"model_versions": found}))
            }
            "model-versions/create" => {
                let name = s("name");
                assert!(self.models.contains_key(&name), "version of a model not created");
                if self.proxied {
                    assert_eq!(s("source"), format!("mlflow-artifacts:/1/{}/artifacts/model", s("run_id")));
                }
                // The server numbers from 1 per model, whatever the document's numbers.
                let number = self.versions.iter().filter(|v| v.0 == name).count() as u32 + 1;
                self.versions.push((name.clone(), number, s("run_id"), "None".into()));
                ok(json!({"model_version": {"name": name, "version": number.to_string()}}))
            }
            "model-versions/transition-stage" => {
                if self.refuse_stages {
                    return error(400, "INVALID_PARAMETER_VALUE", "Model stages are no longer supported");
                }
                assert_eq!(body["archive_existing_versions"], json!(false));
                let (name, number) = (s("name"), s("version"));
                let version =
                    self.versions.iter_mut().find(|v| v.0 == name && v.1.to_string() == number).unwrap();
                version.3 = s("stage");
                ok(json!({"model_version": {}}))
            }
            "registered-models/alias" => {
                self.models.get_mut(&s("name")).unwrap().insert(s("alias"), s("version"));
                ok(json!({}))
            }
            other => error(404, "ENDPOINT_NOT_FOUND", &format!("no endpoint {other}")),
        }
    }

    /// Pushes `doc` to the end or to the first error.
    fn push(&mut self, doc: &Document) -> (Push, Result<(), PushError>) {
        let mut push = Push::new(doc);
        while let Some(request) = push.next_request() {
            assert!(request.path.starts_with("/api/"));
            let response = self.answer(&request);
            if let Err(error) = push.on_response(response) {
                return (push, Err(error));
            }
        }
        (push, Ok(()))
    }

    fn creates(&self) -> usize {
        self.log.iter().filter(|(_, path)| path.contains("/create") || path.contains("log-batch")).count()
    }

    fn live_runs_of(&self, playground_id: &str) -> Vec<&FakeRun> {
        self.runs
            .values()
            .filter(|r| r.tags.get("ciclo.run_id").map(String::as_str) == Some(playground_id) && !r.deleted)
            .collect()
    }
}

#[test]
fn pushes_everything_within_mlflows_batch_limits() {
    let doc = fixture();
    let mut server = Fake::new();
    let (push, outcome) = server.push(&doc);
    outcome.unwrap();
    let report = push.report();
    assert_eq!((report.runs.created, report.runs.found), (5, 0));
    assert_eq!(report.experiments.created, 1);
    assert_eq!(report.experiments.found, 1);
    assert_eq!(report.artifacts.created, 4);
    assert_eq!(report.deleted_runs, 1);
    assert_eq!(
        (report.models.created, report.versions.created, report.stages.created, report.aliases.created),
        (2, 3, 2, 2)
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let progress = push.progress();
    assert_eq!((progress.done, progress.total, progress.step), (progress.total, 5 + 4 + 3, Step::Done));

    // 151 params and 2,500 + 3 points: several batches, every point once, NaN as "NaN".
    let server_id = &report.run_ids[CHILD_1];
    let run = &server.runs[server_id];
    assert_eq!(run.params.len(), 151);
    assert_eq!(run.metrics.len(), 2_500 + 2 + 1 + 1);
    assert!(run
        .metrics
        .iter()
        .any(|(key, value, step, _)| key == "log_loss" && *step == 1 && value == "NaN"));
    let batches = server.log.iter().filter(|(_, path)| path.ends_with("runs/log-batch")).count();
    assert!(batches >= 4, "{batches} batches");
    assert_eq!(run.status, "FINISHED");
    assert_eq!(run.tags[PUSH_TAG], "complete");
    assert_eq!(run.inputs, 2);
    assert!(server.artifacts.contains_key(&format!("1/{server_id}/artifacts/data/predicciones ñ.csv")));

    // The children name the server's parent.
    let parent = &report.run_ids[PARENT];
    assert_ne!(parent, PARENT);
    for child in [CHILD_1, CHILD_2] {
        assert_eq!(&server.runs[&report.run_ids[child]].tags["mlflow.parentRunId"], parent);
    }
    assert!(server.runs[&report.run_ids[DELETED]].deleted);

    // Versions, stages and aliases on the server's numbers.
    let stages: Vec<(&str, &str)> = server.versions.iter().map(|v| (v.0.as_str(), v.3.as_str())).collect();
    assert_eq!(stages, [(MODEL, "Archived"), (MODEL, "Production"), (QUOTED_MODEL, "None")]);
    assert_eq!(server.models[MODEL]["champion"], "2");
    assert_eq!(server.models[MODEL]["challenger"], "1");
}

#[test]
fn a_second_push_creates_nothing() {
    let doc = fixture();
    let mut server = Fake::new();
    server.push(&doc).1.unwrap();
    let (runs, creates) = (server.runs.len(), server.creates());
    let (push, outcome) = server.push(&doc);
    outcome.unwrap();
    assert_eq!(server.runs.len(), runs);
    assert_eq!(server.creates(), creates, "the second push created or logged something");
    let report = push.report();
    assert_eq!((report.runs.created, report.runs.found), (0, 5));
    assert_eq!((report.versions.found, report.stages.found, report.aliases.found), (3, 2, 2));
    assert_eq!(report.artifacts.found, 4);
    assert_eq!(report.run_ids.len(), 5);
}

#[test]
fn versions_map_to_the_servers_numbers() {
    let mut doc = fixture();
    for version in doc.registry.versions.iter_mut().filter(|v| v.name == MODEL) {
        version.version += 10;
    }
    for number in doc.registry.models[0].aliases.values_mut() {
        *number += 10;
    }
    let mut server = Fake::new();
    let (push, outcome) = server.push(&doc);
    outcome.unwrap();
    let map: Vec<(&str, u32, &str)> = push
        .report()
        .versions_map
        .iter()
        .map(|m| (m.name.as_str(), m.document_version, m.server_version.as_str()))
        .collect();
    assert_eq!(map, [(MODEL, 11, "1"), (MODEL, 12, "2"), (QUOTED_MODEL, 1, "1")]);
    assert_eq!(server.models[MODEL]["champion"], "2");
}

#[test]
fn an_interrupted_push_is_redone_once() {
    let doc = fixture();
    let mut redone_somewhere = false;
    for stop in [12, 20, 40] {
        let mut server = Fake::new();
        server.fail_from = Some(stop);
        let (_, outcome) = server.push(&doc);
        let error = outcome.unwrap_err();
        assert!(
            matches!(&error, PushError::Refused { status: 500, error_code, .. } if error_code == "HTTP 500"),
            "{error}"
        );
        server.fail_from = None;
        let (push, outcome) = server.push(&doc);
        outcome.unwrap();
        for run in &doc.runs {
            let live = server.live_runs_of(&run.run_id);
            let expected = usize::from(run.run_id != DELETED);
            assert_eq!(live.len(), expected, "run {} after a stop at {stop}", run.run_id);
            if let Some(live) = live.first() {
                assert_eq!(live.tags[PUSH_TAG], "complete");
            }
        }
        let child = &server.runs[&push.report().run_ids[CHILD_1]];
        assert_eq!(child.metrics.len(), 2_504, "stop at {stop}");
        let redone = push.report().warnings.iter().filter(|w| matches!(w, Warning::Redone { .. })).count();
        let abandoned =
            server.runs.values().filter(|r| r.tags.get(PUSH_TAG).is_some_and(|v| v == "abandoned")).count();
        assert_eq!(redone, abandoned, "stop at {stop}");
        assert!(server
            .runs
            .values()
            .filter(|r| r.tags.get(PUSH_TAG).is_some_and(|v| v == "abandoned"))
            .all(|r| r.deleted));
        redone_somewhere |= redone > 0;
    }
    assert!(redone_somewhere);
}

#[test]
fn refusals_name_the_step_and_the_record() {
    let doc = export_fixture::refused_fixture();
    let mut server = Fake::new();
    let (mut push, outcome) = server.push(&doc);
    match outcome.unwrap_err() {
        PushError::Refused { step, record, status, error_code, message } => {
            assert_eq!((step, status, error_code.as_str()), (Step::LogBatch, 400, "INVALID_PARAMETER_VALUE"));
            assert_eq!(
                record,
                Record::Key { run_id: CHILD_1.into(), key: export_fixture::REFUSED_PARAM.into() }
            );
            assert!(message.contains("Names may only contain"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // Stopped: nothing more to send, and the report says what was done.
    assert_eq!(push.next_request(), None);
    assert_eq!(push.report().runs.created, 2);
    assert_eq!(push.on_response(Response { status: 200, body: String::new() }), Err(PushError::NoRequest));
    // Pushed again without the refused param: the run left behind is redone, once.
    server.push(&fixture()).1.unwrap();
    assert_eq!(server.live_runs_of(CHILD_1).len(), 1);
}

#[test]
fn artifacts_not_behind_the_proxy_are_skipped_with_a_warning() {
    let doc = fixture();
    let mut server = Fake::new();
    server.proxied = false;
    let (push, outcome) = server.push(&doc);
    outcome.unwrap();
    let report = push.report();
    assert_eq!(report.artifacts.skipped, 4);
    assert!(server.artifacts.is_empty());
    assert!(report.warnings.iter().any(|w| matches!(w, Warning::ArtifactsNotProxied { .. })));
}

#[test]
fn refused_stages_are_warnings() {
    let doc = fixture();
    let mut server = Fake::new();
    server.refuse_stages = true;
    let (push, outcome) = server.push(&doc);
    outcome.unwrap();
    let report = push.report();
    assert_eq!((report.stages.created, report.stages.skipped), (0, 2));
    let warning = report.warnings.iter().find(|w| matches!(w, Warning::StageRefused { .. })).unwrap();
    assert!(warning.to_string().contains("no longer supported"), "{warning}");
    assert_eq!(report.aliases.created, 2);
}

#[test]
fn requests_are_encoded_and_typed() {
    let doc = fixture();
    let mut push = Push::new(&doc);
    let first = push.next_request().unwrap();
    assert_eq!(first.method, Method::Get);
    assert_eq!(first.path, "/api/2.0/mlflow/experiments/get-by-name?experiment_name=Default");
    // Asked again before an answer: the same request.
    assert_eq!(push.next_request().unwrap(), first);
    push.on_response(ok(json!({"experiment": {"experiment_id": "0"}}))).unwrap();
    let second = push.next_request().unwrap();
    assert_eq!(
        second.path,
        "/api/2.0/mlflow/experiments/get-by-name?experiment_name=churn%20%3Cscript%3E%20%C3%A9%20%C3%B1"
    );
    // Not MLflow's answer: a typed error, no panic.
    let error = push.on_response(Response { status: 200, body: "<html>".into() }).unwrap_err();
    assert!(matches!(error, PushError::Unreadable { step: Step::FindExperiment, .. }), "{error}");
}
