//! Pushing a [`Document`] to a real MLflow tracking server over its REST API, without doing any I/O.
//!
//! [`Push`] is a state machine: the shell asks it for the [`Request`] to send next, sends it (the CLI with
//! a blocking HTTP client, the page with `fetch`), and hands the [`Response`] back, until
//! [`Push::next_request`] answers `None`. So the same sequence runs everywhere, and the tests drive it
//! against a fake server in memory.
//!
//! The sequence:
//! 1. experiments by name (`experiments/get-by-name`), created when absent with their tags and the
//!    description as `mlflow.note.content`; one deleted on the server stops the push;
//! 2. runs, parents before children. Each is looked for first (`runs/search` on the tag
//!    [`RUN_ID_TAG`] = the playground id, deleted runs included), so a second push creates nothing:
//!    - found with the tag [`PUSH_TAG`] = [`PUSH_COMPLETE`]: skipped (deleted on the server too if the
//!      document says deleted);
//!    - found without it, the trace of an interrupted push: it is tagged [`PUSH_ABANDONED`] and deleted
//!      (`runs/delete`), then the run is pushed again from the start (MLflow cannot take a metric's points
//!      twice without duplicating them, so redoing is simpler and exact where resuming is not); an
//!      abandoned or deleted unfinished run is ignored;
//!    - not found: `runs/create` (start time, name, [`RUN_ID_TAG`], [`PUSH_TAG`] = [`PUSH_STARTED`],
//!      `mlflow.parentRunId` = the **server's** id of the parent), `runs/log-batch` within MLflow's limits
//!      (params, tags and every metric point with its step and timestamp; NaN as `"NaN"`),
//!      `runs/log-inputs`, each artifact through the server's artifact proxy (skipped with a warning
//!      when the run's artifact URI is not `mlflow-artifacts:`), `runs/update` to the document's status
//!      and end time, then `runs/set-tag` [`PUSH_TAG`] = [`PUSH_COMPLETE`], last;
//!    - a run deleted in the playground is pushed whole, then deleted on the server (`runs/delete`), so
//!      it can be restored there as here;
//! 3. registered models (`registered-models/get`, created when absent with description and tags);
//! 4. model versions: the server's versions of the model whose `run_id` is the pushed run
//!    (`model-versions/search` by run, names compared here), matched in order, else `model-versions/create` with the server run's
//!    `artifact_uri + "/model"` as source. The server numbers its versions itself: the report maps them.
//!    Stages through `model-versions/transition-stage` (never archiving others): a refusal is a warning,
//!    not a failure, since MLflow deprecated stages;
//! 5. aliases (`registered-models/alias`) on the mapped versions, unless the server already has them.

mod wire;

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use serde::Serialize;
use serde_json::{json, Value as Json};

use super::{Document, RunRecord, RUN_ID_TAG};
use crate::registry::{ModelVersion, RegisteredModel, Stage, MODEL_ARTIFACT_PATH};
use crate::tracking::{LifecycleStage, PARENT_RUN_ID_TAG};

use wire::{encode, encode_path, error_of, quoted, tag_at, tag_list, text_at, Batch};
pub use wire::{
    MAX_ENTITIES_PER_BATCH, MAX_METRICS_PER_BATCH, MAX_PARAMS_TAGS_PER_BATCH, MESSAGE_LIMIT, PUSH_ABANDONED,
    PUSH_COMPLETE, PUSH_STARTED, PUSH_TAG,
};

/// The JSON media type, which MLflow's handlers require on every body.
const JSON: &str = "application/json";
/// Where MLflow's REST API lives.
const API: &str = "/api/2.0/mlflow";
/// MLflow's description tag of an experiment.
const NOTE_TAG: &str = "mlflow.note.content";
/// MLflow's dataset context input tag.
const CONTEXT_TAG: &str = "mlflow.data.context";

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
}

impl Method {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
}

/// One HTTP request to send to the tracking server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// Path and query, beginning with `/api/`, already percent-encoded: append it to the server's URL.
    pub path: String,
    /// The body, if any.
    pub body: Option<String>,
    /// The body's media type, if any.
    pub content_type: Option<&'static str>,
}

/// The server's answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The body as text.
    pub body: String,
}

/// What the push is doing, for a progress line (the page translates it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Looking an experiment up by name.
    FindExperiment,
    /// Creating an experiment.
    CreateExperiment,
    /// Looking for a run pushed before.
    FindRun,
    /// Tagging and deleting a run an interrupted push left unfinished.
    AbandonRun,
    /// Creating a run.
    CreateRun,
    /// Logging params, tags and metric points.
    LogBatch,
    /// Logging dataset inputs.
    LogInputs,
    /// Uploading an artifact.
    UploadArtifact,
    /// Setting a run's status and end time.
    FinishRun,
    /// Marking a run's push complete.
    MarkComplete,
    /// Deleting a run deleted in the playground.
    DeleteRun,
    /// Looking a registered model up.
    FindModel,
    /// Creating a registered model.
    CreateModel,
    /// Looking for a model version pushed before.
    FindVersion,
    /// Creating a model version.
    CreateVersion,
    /// Moving a version to its stage.
    TransitionStage,
    /// Setting an alias.
    SetAlias,
    /// Finished.
    Done,
}

impl Step {
    /// What the step does, in words (lower case).
    pub fn describe(self) -> &'static str {
        match self {
            Step::FindExperiment => "looking up the experiment",
            Step::CreateExperiment => "creating the experiment",
            Step::FindRun => "looking for the run",
            Step::AbandonRun => "deleting the unfinished run of an interrupted push",
            Step::CreateRun => "creating the run",
            Step::LogBatch => "logging params, tags and metrics",
            Step::LogInputs => "logging the dataset inputs",
            Step::UploadArtifact => "uploading the artifact",
            Step::FinishRun => "setting the status and end time",
            Step::MarkComplete => "marking the run complete",
            Step::DeleteRun => "deleting the run",
            Step::FindModel => "looking up the registered model",
            Step::CreateModel => "creating the registered model",
            Step::FindVersion => "looking for the model version",
            Step::CreateVersion => "creating the model version",
            Step::TransitionStage => "moving the version to its stage",
            Step::SetAlias => "setting the alias",
            Step::Done => "finished",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// The document's record a step is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// An experiment, by name.
    Experiment {
        /// Its name.
        name: String,
    },
    /// A run, by its playground id.
    Run {
        /// The playground id.
        run_id: String,
        /// Its name.
        run_name: String,
    },
    /// A param, tag or metric key of a run (the one a refused batch names).
    Key {
        /// The playground id.
        run_id: String,
        /// The key.
        key: String,
    },
    /// An artifact of a run.
    Artifact {
        /// The playground id.
        run_id: String,
        /// Its path.
        path: String,
    },
    /// A registered model.
    Model {
        /// Its name.
        name: String,
    },
    /// A model version, by the document's number.
    Version {
        /// The model's name.
        name: String,
        /// The document's version number.
        version: u32,
    },
    /// An alias.
    Alias {
        /// The model's name.
        name: String,
        /// The alias.
        alias: String,
    },
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Record::Experiment { name } => write!(f, "experiment `{name}`"),
            Record::Run { run_id, run_name } => write!(f, "run {run_id} (`{run_name}`)"),
            Record::Key { run_id, key } => write!(f, "key `{key}` of run {run_id}"),
            Record::Artifact { run_id, path } => write!(f, "artifact `{path}` of run {run_id}"),
            Record::Model { name } => write!(f, "registered model `{name}`"),
            Record::Version { name, version } => write!(f, "version {version} of `{name}`"),
            Record::Alias { name, alias } => write!(f, "alias `@{alias}` of `{name}`"),
        }
    }
}

/// Why a push stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    /// The server answered with an error.
    #[error("the server refused {step} for {record}: {error_code}: {message}")]
    Refused {
        /// What the push was doing.
        step: Step,
        /// What it was about.
        record: Record,
        /// The HTTP status.
        status: u16,
        /// MLflow's `error_code` (such as `INVALID_PARAMETER_VALUE`), or `HTTP <status>` when the answer
        /// was not MLflow's.
        error_code: String,
        /// The server's message, at most [`MESSAGE_LIMIT`] characters.
        message: String,
    },
    /// The server answered with success, but not with what MLflow answers.
    #[error("the server's answer to {step} for {record} is not MLflow's: {detail}: is the URL an MLflow tracking server?")]
    Unreadable {
        /// What the push was doing.
        step: Step,
        /// What it was about.
        record: Record,
        /// What was missing.
        detail: String,
    },
    /// The experiment exists on the server, deleted.
    #[error("experiment `{name}` is deleted on the server: restore it there (`mlflow experiments restore --experiment-id {experiment_id}`) or rename it here, then push again")]
    ExperimentDeleted {
        /// Its name.
        name: String,
        /// The server's id.
        experiment_id: String,
    },
    /// [`Push::on_response`] was called with no request sent.
    #[error("a response came with no request in flight: call next_request first")]
    NoRequest,
}

/// Created / found already / skipped, for one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Created on the server by this push.
    pub created: usize,
    /// Already there from an earlier push.
    pub found: usize,
    /// Left out (the reason is among the warnings, or the kind's documentation says it).
    pub skipped: usize,
}

/// Something the push did not do, or did differently, without failing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// The run's artifacts are not behind the server's proxy (`--artifacts-destination`), so they were
    /// not uploaded.
    ArtifactsNotProxied {
        /// The playground id.
        run_id: String,
        /// The server's artifact URI of the run.
        artifact_uri: String,
    },
    /// The server refused a stage (MLflow deprecated stages).
    StageRefused {
        /// The model.
        name: String,
        /// The server's version number.
        version: String,
        /// The stage.
        stage: Stage,
        /// The server's message.
        message: String,
    },
    /// A run's experiment is not in the document.
    RunWithoutExperiment {
        /// The playground id.
        run_id: String,
        /// The missing experiment.
        experiment_id: String,
    },
    /// A run's parent was not pushed: it was created without `mlflow.parentRunId`.
    ParentNotPushed {
        /// The playground id.
        run_id: String,
        /// The parent's playground id.
        parent_run_id: String,
    },
    /// A version's run was not pushed, so neither was the version.
    VersionWithoutRun {
        /// The model.
        name: String,
        /// The document's number.
        version: u32,
        /// The run.
        run_id: String,
    },
    /// An alias names a version that was not pushed.
    AliasWithoutVersion {
        /// The model.
        name: String,
        /// The alias.
        alias: String,
        /// The document's number.
        version: u32,
    },
    /// A run left by an interrupted push was tagged abandoned and deleted, and the run pushed again.
    Redone {
        /// The playground id.
        run_id: String,
        /// The abandoned server run.
        abandoned: String,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::ArtifactsNotProxied { run_id, artifact_uri } => write!(
                f,
                "the artifacts of run {run_id} were not uploaded: the server stores them at `{artifact_uri}`, not behind its proxy (start `mlflow server` with --artifacts-destination)"
            ),
            Warning::StageRefused { name, version, stage, message } => write!(
                f,
                "the server refused stage {} for version {version} of `{name}`: {message}",
                stage.as_str()
            ),
            Warning::RunWithoutExperiment { run_id, experiment_id } => {
                write!(f, "run {run_id} was not pushed: its experiment {experiment_id} is not in the document")
            }
            Warning::ParentNotPushed { run_id, parent_run_id } => write!(
                f,
                "run {run_id} was pushed without its parent {parent_run_id}, which is not in the document"
            ),
            Warning::VersionWithoutRun { name, version, run_id } => {
                write!(f, "version {version} of `{name}` was not pushed: its run {run_id} was not")
            }
            Warning::AliasWithoutVersion { name, alias, version } => {
                write!(f, "alias `@{alias}` of `{name}` was not set: its version {version} was not pushed")
            }
            Warning::Redone { run_id, abandoned } => write!(
                f,
                "run {run_id} had been left unfinished by an interrupted push as server run {abandoned}: that one was deleted and tagged {PUSH_TAG}={PUSH_ABANDONED}, and the run pushed again"
            ),
        }
    }
}

/// A version's number in the document and on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionMapping {
    /// The model.
    pub name: String,
    /// The document's number.
    pub document_version: u32,
    /// The server's number.
    pub server_version: String,
}

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PushReport {
    /// Experiments.
    pub experiments: Counts,
    /// Runs (skipped: their experiment was not in the document).
    pub runs: Counts,
    /// Artifacts (found: their run was pushed before; skipped: not behind the server's proxy).
    pub artifacts: Counts,
    /// Runs deleted on the server because they are deleted in the document.
    pub deleted_runs: usize,
    /// Registered models.
    pub models: Counts,
    /// Model versions.
    pub versions: Counts,
    /// Stages moved (found: already in it; skipped: refused by the server).
    pub stages: Counts,
    /// Aliases set.
    pub aliases: Counts,
    /// What was not done, or done differently.
    pub warnings: Vec<Warning>,
    /// The server's experiment id of each document experiment id.
    pub experiment_ids: BTreeMap<String, String>,
    /// The server's run id of each playground run id.
    pub run_ids: BTreeMap<String, String>,
    /// The server's number of each document version.
    pub versions_map: Vec<VersionMapping>,
}

/// How far the push is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Units done: runs, artifacts and model versions.
    pub done: usize,
    /// Units in all.
    pub total: usize,
    /// The step in flight (or the last one).
    pub step: Step,
    /// What it is about.
    pub record: Option<Record>,
}

/// One thing to do; the request is built when it is sent, from what the server said so far.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    FindExperiment(usize),
    CreateExperiment(usize),
    FindRun(usize),
    TagAbandoned { run: usize, server_id: String },
    DeleteAbandoned { run: usize, server_id: String },
    CreateRun(usize),
    LogBatch { run: usize, batch: usize },
    LogInputs(usize),
    UploadArtifact { run: usize, artifact: usize },
    FinishRun(usize),
    MarkComplete(usize),
    DeleteRun(usize),
    FindModel(usize),
    CreateModel(usize),
    FindVersion(usize),
    CreateVersion(usize),
    TransitionStage { version: usize, server_version: String },
    SetAlias { model: usize, alias: String, version: u32 },
}

/// A run as the server knows it.
#[derive(Debug, Clone)]
struct ServerRun {
    run_id: String,
    artifact_uri: String,
}

/// Pushes one [`Document`] to an MLflow tracking server: see the module's documentation.
#[derive(Debug, Clone)]
pub struct Push {
    doc: Document,
    models: Vec<RegisteredModel>,
    /// Indices into `doc.registry.versions`, by model name then number.
    version_order: Vec<usize>,
    queue: VecDeque<Op>,
    in_flight: Option<Op>,
    stopped: bool,
    last: (Step, Option<Record>),
    done: usize,
    total: usize,
    runs: BTreeMap<String, ServerRun>,
    batches: Vec<Batch>,
    server_aliases: BTreeMap<String, BTreeMap<String, String>>,
    report: PushReport,
}

impl Push {
    /// A push of `doc`, nothing sent yet.
    pub fn new(doc: &Document) -> Push {
        let doc = doc.clone();
        let mut models = doc.registry.models.clone();
        for version in &doc.registry.versions {
            if !models.iter().any(|model| model.name == version.name) {
                models.push(RegisteredModel::new(version.name.clone(), version.creation_time));
            }
        }
        let mut version_order: Vec<usize> = (0..doc.registry.versions.len()).collect();
        version_order.sort_by_key(|&index| {
            doc.registry.versions.get(index).map(|version| (version.name.clone(), version.version))
        });

        let mut queue = VecDeque::new();
        queue.extend((0..doc.experiments.len()).map(Op::FindExperiment));
        queue.extend(parents_first(&doc.runs).into_iter().map(Op::FindRun));
        queue.extend((0..models.len()).map(Op::FindModel));
        queue.extend(version_order.iter().map(|&index| Op::FindVersion(index)));
        for (index, model) in models.iter().enumerate() {
            for (alias, version) in &model.aliases {
                queue.push_back(Op::SetAlias { model: index, alias: alias.clone(), version: *version });
            }
        }
        let artifacts: usize = doc.runs.iter().map(|run| run.artifacts.len()).sum();
        let total = doc.runs.len() + artifacts + doc.registry.versions.len();
        Push {
            doc,
            models,
            version_order,
            queue,
            in_flight: None,
            stopped: false,
            last: (Step::FindExperiment, None),
            done: 0,
            total,
            runs: BTreeMap::new(),
            batches: Vec::new(),
            server_aliases: BTreeMap::new(),
            report: PushReport::default(),
        }
    }

    /// The next request to send, or `None` when the push is finished (or stopped by an error). Asked
    /// again before the response came, it answers the same request.
    pub fn next_request(&mut self) -> Option<Request> {
        if self.stopped {
            return None;
        }
        if let Some(op) = self.in_flight.clone() {
            return self.request(&op);
        }
        while let Some(op) = self.queue.pop_front() {
            if let Some(request) = self.request(&op) {
                self.last = (step_of(&op), Some(self.record(&op)));
                self.in_flight = Some(op);
                return Some(request);
            }
        }
        self.last = (Step::Done, None);
        None
    }

    /// Takes the server's answer to the request last given by [`Push::next_request`]. An error stops the
    /// push: `next_request` then answers `None`, and [`Push::report`] says what was done.
    pub fn on_response(&mut self, response: Response) -> Result<(), PushError> {
        let op = self.in_flight.take().ok_or(PushError::NoRequest)?;
        let outcome = self.handle(&op, &response);
        if outcome.is_err() {
            self.stopped = true;
        }
        outcome
    }

    /// How far it is.
    pub fn progress(&self) -> Progress {
        Progress { done: self.done, total: self.total, step: self.last.0, record: self.last.1.clone() }
    }

    /// What it did so far.
    pub fn report(&self) -> &PushReport {
        &self.report
    }

    fn run(&self, index: usize) -> Option<&RunRecord> {
        self.doc.runs.get(index)
    }

    fn version(&self, index: usize) -> Option<&ModelVersion> {
        self.doc.registry.versions.get(index)
    }

    fn server_run(&self, index: usize) -> Option<&ServerRun> {
        self.run(index).and_then(|run| self.runs.get(&run.run_id))
    }

    fn record(&self, op: &Op) -> Record {
        let run_record = |index: usize| match self.run(index) {
            Some(run) => Record::Run { run_id: run.run_id.clone(), run_name: run.run_name.clone() },
            None => Record::Run { run_id: String::new(), run_name: String::new() },
        };
        let version_record = |index: usize| match self.version(index) {
            Some(version) => Record::Version { name: version.name.clone(), version: version.version },
            None => Record::Version { name: String::new(), version: 0 },
        };
        let model_name = |index: usize| self.models.get(index).map(|m| m.name.clone()).unwrap_or_default();
        match op {
            Op::FindExperiment(index) | Op::CreateExperiment(index) => Record::Experiment {
                name: self.doc.experiments.get(*index).map(|e| e.name.clone()).unwrap_or_default(),
            },
            Op::FindRun(index)
            | Op::CreateRun(index)
            | Op::LogBatch { run: index, .. }
            | Op::LogInputs(index)
            | Op::FinishRun(index)
            | Op::MarkComplete(index)
            | Op::DeleteRun(index)
            | Op::TagAbandoned { run: index, .. }
            | Op::DeleteAbandoned { run: index, .. } => run_record(*index),
            Op::UploadArtifact { run, artifact } => match self.run(*run) {
                Some(record) => Record::Artifact {
                    run_id: record.run_id.clone(),
                    path: record.artifacts.get(*artifact).map(|a| a.path.clone()).unwrap_or_default(),
                },
                None => run_record(*run),
            },
            Op::FindModel(index) | Op::CreateModel(index) => Record::Model { name: model_name(*index) },
            Op::FindVersion(index)
            | Op::CreateVersion(index)
            | Op::TransitionStage { version: index, .. } => version_record(*index),
            Op::SetAlias { model, alias, .. } => {
                Record::Alias { name: model_name(*model), alias: alias.clone() }
            }
        }
    }

    /// The request for `op`, or `None` when there is nothing to send (the skip is recorded).
    fn request(&mut self, op: &Op) -> Option<Request> {
        match op {
            Op::FindExperiment(index) => {
                let experiment = self.doc.experiments.get(*index)?;
                Some(get(format!(
                    "{API}/experiments/get-by-name?experiment_name={}",
                    encode(&experiment.name)
                )))
            }
            Op::CreateExperiment(index) => {
                let experiment = self.doc.experiments.get(*index)?;
                let mut tags: Vec<(&str, &str)> = experiment
                    .tags
                    .iter()
                    .filter(|(k, _)| *k != NOTE_TAG)
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                if !experiment.description.is_empty() {
                    tags.push((NOTE_TAG, experiment.description.as_str()));
                }
                Some(post("experiments/create", json!({"name": experiment.name, "tags": tag_list(tags)})))
            }
            Op::FindRun(index) => {
                let run = self.run(*index)?;
                let (run_id, run_experiment) = (run.run_id.clone(), run.experiment_id.clone());
                let artifacts = run.artifacts.len();
                let Some(experiment_id) = self.report.experiment_ids.get(&run_experiment).cloned() else {
                    self.report
                        .warnings
                        .push(Warning::RunWithoutExperiment { run_id, experiment_id: run_experiment });
                    self.report.runs.skipped += 1;
                    self.done += 1 + artifacts;
                    return None;
                };
                let filter = format!("tags.\"{RUN_ID_TAG}\" = {}", quoted(&run_id));
                Some(post(
                    "runs/search",
                    json!({"experiment_ids": [experiment_id], "filter": filter, "run_view_type": "ALL", "max_results": 100}),
                ))
            }
            Op::TagAbandoned { server_id, .. } => Some(post(
                "runs/set-tag",
                json!({"run_id": server_id, "key": PUSH_TAG, "value": PUSH_ABANDONED}),
            )),
            Op::DeleteAbandoned { server_id, .. } => Some(post("runs/delete", json!({"run_id": server_id}))),
            Op::CreateRun(index) => {
                let run = self.run(*index)?;
                let experiment_id = self.report.experiment_ids.get(&run.experiment_id)?;
                let mut tags = vec![(RUN_ID_TAG, run.run_id.as_str()), (PUSH_TAG, PUSH_STARTED)];
                let parent = run
                    .parent_run_id
                    .as_deref()
                    .or_else(|| run.tags.get(PARENT_RUN_ID_TAG).map(String::as_str));
                let mut missing_parent = None;
                if let Some(parent) = parent {
                    match self.runs.get(parent) {
                        Some(server) => tags.push((PARENT_RUN_ID_TAG, server.run_id.as_str())),
                        None => missing_parent = Some(parent.to_string()),
                    }
                }
                let body = json!({
                    "experiment_id": experiment_id,
                    "run_name": run.run_name,
                    "start_time": run.start_time,
                    "tags": tag_list(tags),
                });
                let run_id = run.run_id.clone();
                if let Some(parent_run_id) = missing_parent {
                    self.report.warnings.push(Warning::ParentNotPushed { run_id, parent_run_id });
                }
                Some(post("runs/create", body))
            }
            Op::LogBatch { run, batch } => {
                let server = self.server_run(*run)?;
                let body = self.batches.get(*batch)?.body(&server.run_id);
                Some(Request {
                    method: Method::Post,
                    path: format!("{API}/runs/log-batch"),
                    body: Some(body),
                    content_type: Some(JSON),
                })
            }
            Op::LogInputs(index) => {
                let run = self.run(*index)?;
                let server = self.server_run(*index)?;
                let datasets: Vec<Json> = run
                    .inputs
                    .iter()
                    .map(|input| {
                        let mut dataset = json!({
                            "name": input.name,
                            "digest": input.digest,
                            "source_type": "code",
                            "source": json!({"tags": {"ciclo.rows": input.rows.to_string()}}).to_string(),
                        });
                        if let Some(object) = dataset.as_object_mut() {
                            if !input.schema.is_empty() {
                                object.insert("schema".into(), Json::String(input.schema.clone()));
                            }
                            if !input.profile.is_empty() {
                                object.insert("profile".into(), Json::String(input.profile.clone()));
                            }
                        }
                        json!({"tags": tag_list([(CONTEXT_TAG, input.context.as_str())]), "dataset": dataset})
                    })
                    .collect();
                Some(post("runs/log-inputs", json!({"run_id": server.run_id, "datasets": datasets})))
            }
            Op::UploadArtifact { run, artifact } => {
                let server = self.server_run(*run)?;
                let file = self.run(*run)?.artifacts.get(*artifact)?;
                let root = wire::proxied_root(&server.artifact_uri)?;
                Some(Request {
                    method: Method::Put,
                    path: format!(
                        "/api/2.0/mlflow-artifacts/artifacts/{}/{}",
                        encode_path(&root),
                        encode_path(&file.path)
                    ),
                    body: Some(file.content.clone()),
                    content_type: Some(file.kind.media_type()),
                })
            }
            Op::FinishRun(index) => {
                let run = self.run(*index)?;
                let server = self.server_run(*index)?;
                let mut body =
                    json!({"run_id": server.run_id, "status": run.status.as_str(), "run_name": run.run_name});
                if let (Some(end), Some(object)) = (run.end_time, body.as_object_mut()) {
                    object.insert("end_time".into(), json!(end));
                }
                Some(post("runs/update", body))
            }
            Op::MarkComplete(index) => {
                let server = self.server_run(*index)?;
                Some(post(
                    "runs/set-tag",
                    json!({"run_id": server.run_id, "key": PUSH_TAG, "value": PUSH_COMPLETE}),
                ))
            }
            Op::DeleteRun(index) => {
                let server = self.server_run(*index)?;
                Some(post("runs/delete", json!({"run_id": server.run_id})))
            }
            Op::FindModel(index) => {
                let model = self.models.get(*index)?;
                Some(get(format!("{API}/registered-models/get?name={}", encode(&model.name))))
            }
            Op::CreateModel(index) => {
                let model = self.models.get(*index)?;
                let tags = tag_list(model.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                Some(post(
                    "registered-models/create",
                    json!({"name": model.name, "description": model.description, "tags": tags}),
                ))
            }
            Op::FindVersion(index) => {
                let version = self.version(*index)?;
                let Some(server) = self.runs.get(&version.run_id) else {
                    self.report.warnings.push(Warning::VersionWithoutRun {
                        name: version.name.clone(),
                        version: version.version,
                        run_id: version.run_id.clone(),
                    });
                    self.report.versions.skipped += 1;
                    self.done += 1;
                    return None;
                };
                // By run only, the name compared here: MLflow's filter grammar has no escape for a quote
                // inside a name, and a run id is hex.
                let filter = format!("run_id={}", quoted(&server.run_id));
                Some(get(format!("{API}/model-versions/search?filter={}&max_results=200", encode(&filter))))
            }
            Op::CreateVersion(index) => {
                let version = self.version(*index)?;
                let server = self.runs.get(&version.run_id)?;
                let source = format!("{}/{MODEL_ARTIFACT_PATH}", server.artifact_uri.trim_end_matches('/'));
                let tags = tag_list(version.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                Some(post(
                    "model-versions/create",
                    json!({"name": version.name, "source": source, "run_id": server.run_id, "description": version.description, "tags": tags}),
                ))
            }
            Op::TransitionStage { version, server_version } => {
                let version = self.version(*version)?;
                Some(post(
                    "model-versions/transition-stage",
                    json!({"name": version.name, "version": server_version, "stage": version.current_stage.as_str(), "archive_existing_versions": false}),
                ))
            }
            Op::SetAlias { model, alias, version } => {
                let name = self.models.get(*model)?.name.clone();
                let mapped = self
                    .report
                    .versions_map
                    .iter()
                    .find(|m| m.name == name && m.document_version == *version)
                    .map(|m| m.server_version.clone());
                let Some(server_version) = mapped else {
                    self.report.warnings.push(Warning::AliasWithoutVersion {
                        name,
                        alias: alias.clone(),
                        version: *version,
                    });
                    self.report.aliases.skipped += 1;
                    return None;
                };
                if self.server_aliases.get(&name).and_then(|aliases| aliases.get(alias))
                    == Some(&server_version)
                {
                    self.report.aliases.found += 1;
                    return None;
                }
                Some(post(
                    "registered-models/alias",
                    json!({"name": name, "alias": alias, "version": server_version}),
                ))
            }
        }
    }

    /// The body of a successful answer as JSON (`null` when empty), or the server's refusal.
    fn success(&self, op: &Op, response: &Response) -> Result<Json, PushError> {
        if (200..300).contains(&response.status) {
            if response.body.trim().is_empty() {
                return Ok(Json::Null);
            }
            return serde_json::from_str(&response.body)
                .map_err(|_| self.unreadable(op, "the body is not JSON"));
        }
        Err(self.refused(op, response))
    }

    fn refused(&self, op: &Op, response: &Response) -> PushError {
        let (error_code, message) = error_of(response.status, &response.body);
        let mut record = self.record(op);
        if let (Op::LogBatch { batch, .. }, Record::Run { run_id, .. }) = (op, &record) {
            // Name the key the server's message quotes (the longest, so `lr` does not shadow `lr_decay`).
            let named = self.batches.get(*batch).and_then(|batch| {
                batch
                    .keys()
                    .filter(|key| !key.is_empty() && message.contains(*key))
                    .max_by_key(|key| key.len())
            });
            if let Some(key) = named {
                record = Record::Key { run_id: run_id.clone(), key: key.to_string() };
            }
        }
        PushError::Refused { step: step_of(op), record, status: response.status, error_code, message }
    }

    fn unreadable(&self, op: &Op, detail: &str) -> PushError {
        PushError::Unreadable { step: step_of(op), record: self.record(op), detail: detail.to_string() }
    }

    fn is_not_found(response: &Response) -> bool {
        response.status == 404 && error_of(response.status, &response.body).0 == "RESOURCE_DOES_NOT_EXIST"
    }

    fn handle(&mut self, op: &Op, response: &Response) -> Result<(), PushError> {
        match op {
            Op::FindExperiment(index) => {
                if Self::is_not_found(response) {
                    self.queue.push_front(Op::CreateExperiment(*index));
                    return Ok(());
                }
                let json = self.success(op, response)?;
                let id = text_at(&json, "/experiment/experiment_id")
                    .ok_or_else(|| self.unreadable(op, "no experiment id"))?;
                let experiment = self.doc.experiments.get(*index).ok_or(PushError::NoRequest)?;
                if text_at(&json, "/experiment/lifecycle_stage").as_deref() == Some("deleted") {
                    return Err(PushError::ExperimentDeleted {
                        name: experiment.name.clone(),
                        experiment_id: id,
                    });
                }
                self.report.experiment_ids.insert(experiment.experiment_id.clone(), id);
                self.report.experiments.found += 1;
            }
            Op::CreateExperiment(index) => {
                let json = self.success(op, response)?;
                let id = text_at(&json, "/experiment_id")
                    .ok_or_else(|| self.unreadable(op, "no experiment id"))?;
                let experiment = self.doc.experiments.get(*index).ok_or(PushError::NoRequest)?;
                self.report.experiment_ids.insert(experiment.experiment_id.clone(), id);
                self.report.experiments.created += 1;
            }
            Op::FindRun(index) => {
                let json = self.success(op, response)?;
                self.found_runs(*index, &json);
            }
            Op::TagAbandoned { .. } => {
                self.success(op, response)?;
            }
            Op::DeleteAbandoned { run, server_id } => {
                self.success(op, response)?;
                if let Some(record) = self.run(*run) {
                    let warning =
                        Warning::Redone { run_id: record.run_id.clone(), abandoned: server_id.clone() };
                    self.report.warnings.push(warning);
                }
            }
            Op::CreateRun(index) => {
                let json = self.success(op, response)?;
                let run_id =
                    text_at(&json, "/run/info/run_id").ok_or_else(|| self.unreadable(op, "no run id"))?;
                let artifact_uri = text_at(&json, "/run/info/artifact_uri").unwrap_or_default();
                let run = self.run(*index).ok_or(PushError::NoRequest)?;
                let playground_id = run.run_id.clone();
                self.report.run_ids.insert(playground_id.clone(), run_id.clone());
                self.runs.insert(playground_id, ServerRun { run_id, artifact_uri });
                self.report.runs.created += 1;
                self.schedule_run(*index);
            }
            Op::LogBatch { .. } | Op::LogInputs(_) | Op::FinishRun(_) => {
                self.success(op, response)?;
            }
            Op::UploadArtifact { .. } => {
                self.success(op, response)?;
                self.report.artifacts.created += 1;
                self.done += 1;
            }
            Op::MarkComplete(_) => {
                self.success(op, response)?;
                self.done += 1;
            }
            Op::DeleteRun(_) => {
                self.success(op, response)?;
                self.report.deleted_runs += 1;
            }
            Op::FindModel(index) => {
                if Self::is_not_found(response) {
                    self.queue.push_front(Op::CreateModel(*index));
                    return Ok(());
                }
                let json = self.success(op, response)?;
                let name = self.models.get(*index).map(|m| m.name.clone()).unwrap_or_default();
                let aliases = json
                    .pointer("/registered_model/aliases")
                    .and_then(Json::as_array)
                    .map(|list| {
                        list.iter()
                            .filter_map(|a| Some((text_at(a, "/alias")?, text_at(a, "/version")?)))
                            .collect::<BTreeMap<_, _>>()
                    })
                    .unwrap_or_default();
                self.server_aliases.insert(name, aliases);
                self.report.models.found += 1;
            }
            Op::CreateModel(_) => {
                self.success(op, response)?;
                self.report.models.created += 1;
            }
            Op::FindVersion(index) => {
                let json = self.success(op, response)?;
                self.found_versions(*index, &json);
            }
            Op::CreateVersion(index) => {
                let json = self.success(op, response)?;
                let server_version = text_at(&json, "/model_version/version")
                    .ok_or_else(|| self.unreadable(op, "no version number"))?;
                self.report.versions.created += 1;
                self.done += 1;
                self.map_version(*index, server_version.clone());
                if self.version(*index).is_some_and(|v| v.current_stage != Stage::None) {
                    self.queue.push_front(Op::TransitionStage { version: *index, server_version });
                }
            }
            Op::TransitionStage { version, server_version } => {
                if (200..300).contains(&response.status) {
                    self.success(op, response)?;
                    self.report.stages.created += 1;
                } else {
                    let (_, message) = error_of(response.status, &response.body);
                    let record = self.version(*version).ok_or(PushError::NoRequest)?;
                    let warning = Warning::StageRefused {
                        name: record.name.clone(),
                        version: server_version.clone(),
                        stage: record.current_stage,
                        message,
                    };
                    self.report.warnings.push(warning);
                    self.report.stages.skipped += 1;
                }
            }
            Op::SetAlias { .. } => {
                self.success(op, response)?;
                self.report.aliases.created += 1;
            }
        }
        Ok(())
    }

    /// Decides what to do with a run from the server's runs carrying its playground id.
    fn found_runs(&mut self, index: usize, json: &Json) {
        let Some(run) = self.run(index) else { return };
        let deleted_here = run.lifecycle_stage == LifecycleStage::Deleted;
        let playground_id = run.run_id.clone();
        let artifacts = run.artifacts.len();
        let candidates = json.get("runs").and_then(Json::as_array).cloned().unwrap_or_default();
        let mut complete = None;
        let mut unfinished = Vec::new();
        for candidate in &candidates {
            let Some(server_id) = text_at(candidate, "/info/run_id") else { continue };
            let deleted_there = text_at(candidate, "/info/lifecycle_stage").as_deref() == Some("deleted");
            match tag_at(candidate, "/data/tags", PUSH_TAG) {
                Some(PUSH_COMPLETE) if complete.is_none() => {
                    let artifact_uri = text_at(candidate, "/info/artifact_uri").unwrap_or_default();
                    complete = Some((ServerRun { run_id: server_id, artifact_uri }, deleted_there));
                }
                Some(PUSH_COMPLETE) | Some(PUSH_ABANDONED) => {}
                _ if deleted_there => {}
                _ => unfinished.push(server_id),
            }
        }
        if let Some((server, deleted_there)) = complete {
            self.report.run_ids.insert(playground_id.clone(), server.run_id.clone());
            self.runs.insert(playground_id, server);
            self.report.runs.found += 1;
            self.report.artifacts.found += artifacts;
            self.done += 1 + artifacts;
            if deleted_here && !deleted_there {
                self.queue.push_front(Op::DeleteRun(index));
            }
            return;
        }
        let mut ops = Vec::new();
        for server_id in unfinished {
            ops.push(Op::TagAbandoned { run: index, server_id: server_id.clone() });
            ops.push(Op::DeleteAbandoned { run: index, server_id });
        }
        ops.push(Op::CreateRun(index));
        for op in ops.into_iter().rev() {
            self.queue.push_front(op);
        }
    }

    /// Queues everything a created run needs, in order, ahead of the next run.
    fn schedule_run(&mut self, index: usize) {
        let Some(batches) = self.run(index).map(wire::batches) else { return };
        self.batches = batches;
        let Some(run) = self.run(index) else { return };
        let mut ops: Vec<Op> =
            (0..self.batches.len()).map(|batch| Op::LogBatch { run: index, batch }).collect();
        if !run.inputs.is_empty() {
            ops.push(Op::LogInputs(index));
        }
        let artifacts = run.artifacts.len();
        let deleted = run.lifecycle_stage == LifecycleStage::Deleted;
        let playground_id = run.run_id.clone();
        if artifacts > 0 {
            let uri = self.runs.get(&playground_id).map(|s| s.artifact_uri.clone()).unwrap_or_default();
            if wire::proxied_root(&uri).is_some() {
                ops.extend((0..artifacts).map(|artifact| Op::UploadArtifact { run: index, artifact }));
            } else {
                self.report
                    .warnings
                    .push(Warning::ArtifactsNotProxied { run_id: playground_id, artifact_uri: uri });
                self.report.artifacts.skipped += artifacts;
                self.done += artifacts;
            }
        }
        ops.push(Op::FinishRun(index));
        ops.push(Op::MarkComplete(index));
        if deleted {
            ops.push(Op::DeleteRun(index));
        }
        for op in ops.into_iter().rev() {
            self.queue.push_front(op);
        }
    }

    /// Matches a document version with the server's versions of the same model and run: the k-th
    /// document version of that run is the k-th server version (by number).
    fn found_versions(&mut self, index: usize, json: &Json) {
        let Some(version) = self.version(index) else { return };
        let (name, run_id, stage) = (version.name.clone(), version.run_id.clone(), version.current_stage);
        let earlier = self
            .version_order
            .iter()
            .take_while(|&&other| other != index)
            .filter_map(|&other| self.version(other))
            .filter(|other| other.name == name && other.run_id == run_id)
            .count();
        let mut found: Vec<(u64, String, String)> = json
            .get("model_versions")
            .and_then(Json::as_array)
            .map(|list| {
                list.iter()
                    .filter(|v| v.get("name").and_then(Json::as_str) == Some(name.as_str()))
                    .filter_map(|v| {
                        let number = text_at(v, "/version")?;
                        Some((
                            number.parse().unwrap_or(u64::MAX),
                            number,
                            text_at(v, "/current_stage").unwrap_or_default(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        match found.into_iter().nth(earlier) {
            Some((_, server_version, server_stage)) => {
                self.report.versions.found += 1;
                self.done += 1;
                self.map_version(index, server_version.clone());
                if stage == Stage::None || server_stage.eq_ignore_ascii_case(stage.as_str()) {
                    if stage != Stage::None {
                        self.report.stages.found += 1;
                    }
                } else {
                    self.queue.push_front(Op::TransitionStage { version: index, server_version });
                }
            }
            None => self.queue.push_front(Op::CreateVersion(index)),
        }
    }

    fn map_version(&mut self, index: usize, server_version: String) {
        if let Some(version) = self.version(index) {
            let mapping = VersionMapping {
                name: version.name.clone(),
                document_version: version.version,
                server_version,
            };
            self.report.versions_map.push(mapping);
        }
    }
}

/// The runs' indices with every parent before its children (the document's order otherwise).
fn parents_first(runs: &[RunRecord]) -> Vec<usize> {
    let position: BTreeMap<&str, usize> =
        runs.iter().enumerate().map(|(i, run)| (run.run_id.as_str(), i)).collect();
    let mut order = Vec::with_capacity(runs.len());
    let mut placed = vec![false; runs.len()];
    for start in 0..runs.len() {
        // Walk up to the oldest unplaced ancestor, then place down the chain (a cycle stops the walk).
        let mut chain = vec![start];
        let mut current = start;
        while let Some(parent) = runs
            .get(current)
            .and_then(|run| run.parent_run_id.as_deref())
            .and_then(|parent| position.get(parent).copied())
        {
            if placed.get(parent).copied().unwrap_or(true) || chain.contains(&parent) {
                break;
            }
            chain.push(parent);
            current = parent;
        }
        for index in chain.into_iter().rev() {
            if let Some(slot) = placed.get_mut(index) {
                if !*slot {
                    *slot = true;
                    order.push(index);
                }
            }
        }
    }
    order
}

fn step_of(op: &Op) -> Step {
    match op {
        Op::FindExperiment(_) => Step::FindExperiment,
        Op::CreateExperiment(_) => Step::CreateExperiment,
        Op::FindRun(_) => Step::FindRun,
        Op::TagAbandoned { .. } | Op::DeleteAbandoned { .. } => Step::AbandonRun,
        Op::CreateRun(_) => Step::CreateRun,
        Op::LogBatch { .. } => Step::LogBatch,
        Op::LogInputs(_) => Step::LogInputs,
        Op::UploadArtifact { .. } => Step::UploadArtifact,
        Op::FinishRun(_) => Step::FinishRun,
        Op::MarkComplete(_) => Step::MarkComplete,
        Op::DeleteRun(_) => Step::DeleteRun,
        Op::FindModel(_) => Step::FindModel,
        Op::CreateModel(_) => Step::CreateModel,
        Op::FindVersion(_) => Step::FindVersion,
        Op::CreateVersion(_) => Step::CreateVersion,
        Op::TransitionStage { .. } => Step::TransitionStage,
        Op::SetAlias { .. } => Step::SetAlias,
    }
}

fn get(path: String) -> Request {
    Request { method: Method::Get, path, body: None, content_type: None }
}

fn post(endpoint: &str, body: Json) -> Request {
    Request {
        method: Method::Post,
        path: format!("{API}/{endpoint}"),
        body: Some(body.to_string()),
        content_type: Some(JSON),
    }
}
