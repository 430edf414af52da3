//! The production simulation on the page: its configuration as the class sets it (and as the URL keeps
//! it), and the controller that runs it in a Web Worker one period at a time, so play, pause, step and
//! speed answer at once and the page never waits on a period.
//!
//! The worker holds the [`ciclo_core::simulate::Simulation`]; the page holds what it has said so far:
//! each period's summary, the timeline of events, the simulation's registry, and the runs it trained.
//! The Monitoring page draws them, and the Lifecycle page lights the stage the simulation is in.

use ciclo_core::ml::{ForestParams, LogisticParams, ModelKind, ModelParams};
use ciclo_core::monitor::{PsiBand, Thresholds};
use ciclo_core::registry::Registry;
use ciclo_core::simulate::{
    Event, EventKind, PeriodSummary, Policy, Preset, RetrainRecord, Scenario, ScenarioKind, SimConfig,
    StepOutcome, Trigger, Window,
};
use ciclo_core::tracking::{
    ArtifactKind, Change, Experiment, LifecycleStage, MetricPoint, Run, RunStatus, Snapshot,
};
use leptos::prelude::*;

use crate::protocol::{FromWorker, ToWorker};
use crate::storage::Tracking;
use crate::trainer::TrainerHandle;

/// The experiment the simulation's runs are logged in (created when first needed).
pub const EXPERIMENT_NAME: &str = "production-simulation";
/// The run tag holding the simulation's setup (its URL query), so a run says which story trained it.
pub const SETUP_TAG: &str = "ciclo.simulation";
/// The run tag holding the week it was trained in.
pub const WEEK_TAG: &str = "ciclo.simulation.week";
/// The run tag holding why it was trained.
pub const TRIGGER_TAG: &str = "ciclo.simulation.trigger";

/// The changes that log a simulation's training as a FINISHED run of `experiment_id`, at its simulated
/// time: its parameters, metrics, tags and its model as `model/model.json` (so it can be registered and
/// served like any run). The ids are the simulation's, drawn from its seed: replaying a story writes the
/// same runs again rather than new ones.
pub fn run_changes(record: &RetrainRecord, experiment_id: &str, setup_query: &str) -> Vec<Change> {
    let name = match record.period {
        0 => "simulation-initial".to_string(),
        week => format!("simulation-week-{week}"),
    };
    let mut run = Run::new(record.run_id.clone(), experiment_id, name, record.time_ms);
    run.status = RunStatus::Finished;
    run.end_time = Some(record.time_ms);
    run.params = record.params.iter().cloned().collect();
    run.tags.insert(SETUP_TAG.to_string(), setup_query.to_string());
    run.tags.insert(WEEK_TAG.to_string(), record.period.to_string());
    let trigger = match record.trigger {
        None => "initial",
        Some(Trigger::Schedule) => "schedule",
        Some(Trigger::Drift) => "drift",
        Some(Trigger::PerformanceDrop) => "performance_drop",
    };
    run.tags.insert(TRIGGER_TAG.to_string(), trigger.to_string());
    run.tags.insert("ciclo.data.digest".to_string(), record.digest.clone());
    let mut changes = vec![Change::PutRun(run)];
    changes.extend(record.metrics.iter().filter(|(_, v)| v.is_finite()).map(|(key, value)| {
        Change::LogMetric {
            run_id: record.run_id.clone(),
            key: key.clone(),
            points: vec![MetricPoint { value: *value, step: 0, timestamp: record.time_ms }],
        }
    }));
    if let Ok(content) = serde_json::to_string(&record.model) {
        changes.push(Change::PutArtifact {
            run_id: record.run_id.clone(),
            kind: ArtifactKind::Json,
            path: crate::autolog::MODEL.to_string(),
            content,
        });
    }
    changes
}

/// The simulation's experiment in `snapshot`, or a new one to create (second element `true`).
fn simulation_experiment(snapshot: &Snapshot, now_ms: i64) -> (Experiment, bool) {
    match snapshot
        .experiments
        .iter()
        .find(|e| e.name == EXPERIMENT_NAME && e.lifecycle_stage == LifecycleStage::Active)
    {
        Some(e) => (e.clone(), false),
        None => {
            let description =
                "Runs trained by the production simulation (Monitoring page), one per retraining.";
            (
                crate::components::experiment_picker::new_experiment(
                    snapshot,
                    EXPERIMENT_NAME,
                    description,
                    now_ms,
                ),
                true,
            )
        }
    }
}

/// How fast the simulation plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speed {
    /// A period every 1.5 s: for explaining each one.
    Slow,
    /// A period every 0.5 s.
    Normal,
    /// As fast as the worker runs.
    Fast,
}

impl Speed {
    /// Every speed.
    pub const ALL: [Speed; 3] = [Speed::Slow, Speed::Normal, Speed::Fast];

    /// The pause between two periods, in milliseconds.
    pub fn delay_ms(self) -> i32 {
        match self {
            Speed::Slow => 1500,
            Speed::Normal => 500,
            Speed::Fast => 0,
        }
    }

    /// A short machine name, as in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Speed::Slow => "slow",
            Speed::Normal => "normal",
            Speed::Fast => "fast",
        }
    }

    /// Reads [`Speed::as_str`].
    pub fn parse(text: &str) -> Option<Speed> {
        Speed::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// What the class chooses: the story, the seed, the policy and its window, the label delay, the model
/// family, and the speed. Kept in the URL (`#/monitoring?preset=price_rise&seed=7&...`) so a demo can be
/// shared and replayed exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct SimSetup {
    /// The scenario preset the story started from.
    pub preset: Preset,
    /// The scenarios themselves (the preset's, as edited: kind, start week, intensity).
    pub scenarios: Vec<Scenario>,
    /// The seed.
    pub seed: u64,
    /// When to retrain.
    pub policy: Policy,
    /// On which data.
    pub window: Window,
    /// Periods until labels arrive.
    pub delay: u32,
    /// Periods to run.
    pub periods: u32,
    /// The model family (random forest: the report's choice; logistic regression: faster).
    pub model: ModelKind,
    /// How fast it plays.
    pub speed: Speed,
    /// When alerts are raised (and so when "retrain on drift" or "on a drop" fires).
    pub thresholds: Thresholds,
}

impl Default for SimSetup {
    fn default() -> SimSetup {
        let config = SimConfig::default();
        SimSetup {
            preset: Preset::PriceRise,
            scenarios: Preset::PriceRise.scenarios(),
            seed: config.seed,
            policy: config.policy,
            window: config.window,
            delay: config.label_delay,
            periods: config.periods,
            model: ModelKind::RandomForest,
            speed: Speed::Normal,
            thresholds: Thresholds::default(),
        }
    }
}

/// The most scenarios a story combines.
pub const MAX_SCENARIOS: usize = 8;

/// Scenarios as URL text: `price_rise@10x1,competitor_offer@20x0.5` (kind, start week, intensity).
pub fn scenarios_text(scenarios: &[Scenario]) -> String {
    scenarios
        .iter()
        .map(|s| format!("{}@{}x{}", s.kind.as_str(), s.start, s.intensity))
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads [`scenarios_text`]; a part that does not read is left out, and at most [`MAX_SCENARIOS`] are kept.
pub fn parse_scenarios(text: &str) -> Vec<Scenario> {
    text.split(',')
        .filter_map(|part| {
            let (kind, rest) = part.split_once('@')?;
            let (start, intensity) = rest.split_once('x')?;
            let intensity: f64 = intensity.parse().ok().filter(|x: &f64| x.is_finite())?;
            Some(Scenario {
                kind: ScenarioKind::parse(kind)?,
                start: start.parse::<u32>().ok()?.clamp(1, MAX_PERIODS),
                intensity: intensity.clamp(0.0, 3.0),
            })
        })
        .take(MAX_SCENARIOS)
        .collect()
}

/// A share or drop read from a form or URL: a finite number in `0..=1`.
fn share(text: &str) -> Option<f64> {
    text.trim().replace(',', ".").parse::<f64>().ok().filter(|x| x.is_finite() && (0.0..=1.0).contains(x))
}

/// A PSI band's short name, as in URLs.
pub fn band_name(band: PsiBand) -> &'static str {
    match band {
        PsiBand::Stable => "stable",
        PsiBand::Moderate => "moderate",
        PsiBand::Significant => "significant",
    }
}

/// Reads [`band_name`].
pub fn parse_band(text: &str) -> Option<PsiBand> {
    [PsiBand::Stable, PsiBand::Moderate, PsiBand::Significant].into_iter().find(|b| band_name(*b) == text)
}

/// The most periods a simulation runs (two years of weeks).
pub const MAX_PERIODS: u32 = 104;
/// The longest label delay.
pub const MAX_DELAY: u32 = 12;

impl SimSetup {
    /// The simulation's configuration.
    pub fn config(&self) -> SimConfig {
        let model = match self.model {
            ModelKind::LogisticRegression => ModelParams::Logistic(LogisticParams::new()),
            _ => ModelParams::Forest(ForestParams::new().n_estimators(50).max_depth(Some(10))),
        };
        SimConfig {
            seed: self.seed,
            periods: self.periods.clamp(1, MAX_PERIODS),
            label_delay: self.delay.min(MAX_DELAY),
            scenarios: self.scenarios.clone(),
            policy: self.policy,
            window: self.window,
            model,
            thresholds: self.thresholds,
            ..SimConfig::default()
        }
    }

    /// The URL query that gives this setup back ([`SimSetup::from_query`]).
    pub fn query(&self) -> String {
        let model = if self.model == ModelKind::LogisticRegression { "logreg" } else { "forest" };
        let t = &self.thresholds;
        format!(
            "preset={}&scenarios={}&seed={}&policy={}&window={}&delay={}&periods={}&model={model}&speed={}&drift_share={}&f1_drop={}&psi={}",
            self.preset.as_str(),
            scenarios_text(&self.scenarios),
            self.seed,
            self.policy.as_text(),
            self.window.as_text(),
            self.delay,
            self.periods,
            self.speed.as_str(),
            t.drift_share,
            t.f1_drop,
            band_name(t.psi_band),
        )
    }

    /// The setup a URL query describes; what is missing or unreadable keeps its default.
    pub fn from_query(query: &str) -> SimSetup {
        let mut setup = SimSetup::default();
        let has_scenarios = query.split('&').any(|pair| pair.starts_with("scenarios="));
        for (key, value) in query.split('&').filter_map(|pair| pair.split_once('=')) {
            match key {
                "preset" => {
                    if let Some(preset) = Preset::parse(value) {
                        setup.preset = preset;
                        if !has_scenarios {
                            setup.scenarios = preset.scenarios();
                        }
                    }
                }
                "scenarios" => setup.scenarios = parse_scenarios(value),
                "seed" => setup.seed = value.parse().unwrap_or(setup.seed),
                "policy" => setup.policy = Policy::parse(value).unwrap_or(setup.policy),
                "window" => setup.window = Window::parse(value).unwrap_or(setup.window),
                "delay" => setup.delay = value.parse::<u32>().map_or(setup.delay, |d| d.min(MAX_DELAY)),
                "periods" => {
                    setup.periods = value.parse::<u32>().map_or(setup.periods, |p| p.clamp(1, MAX_PERIODS))
                }
                "model" if value == "logreg" => setup.model = ModelKind::LogisticRegression,
                "model" if value == "forest" => setup.model = ModelKind::RandomForest,
                "speed" => setup.speed = Speed::parse(value).unwrap_or(setup.speed),
                "drift_share" => {
                    setup.thresholds.drift_share = share(value).unwrap_or(setup.thresholds.drift_share)
                }
                "f1_drop" => {
                    let drop = share(value).unwrap_or(setup.thresholds.f1_drop);
                    setup.thresholds.f1_drop = drop;
                    setup.thresholds.estimated_f1_drop = drop;
                }
                "psi" => setup.thresholds.psi_band = parse_band(value).unwrap_or(setup.thresholds.psi_band),
                _ => {}
            }
        }
        setup
    }
}

/// Where the simulation is.
#[derive(Debug, Clone, PartialEq)]
pub enum SimStatus {
    /// Not started.
    Idle,
    /// Training and deploying the first model.
    Opening,
    /// Waiting for the next step (paused, or between two periods while playing).
    Ready,
    /// A period is running in the worker.
    Stepping,
    /// Every period has run.
    Finished,
    /// It stopped on an error (in words).
    Failed(String),
}

/// The stage of the lifecycle diagram the simulation is in (report §1.2: experimental → production →
/// monitoring, and the retraining loop).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// Nothing running.
    Idle,
    /// Training (the first model, or a retraining).
    Experiment,
    /// Validating a challenger and deciding its promotion.
    Registry,
    /// Serving the period's customers.
    Production,
    /// Monitoring raised an alert.
    Monitoring,
}

/// The activity a period's events show: a retraining or promotion lights the loop, an alert monitoring,
/// and a quiet period production.
pub fn activity(events: &[Event]) -> Activity {
    let has = |f: &dyn Fn(&EventKind) -> bool| events.iter().any(|e| f(&e.kind));
    if has(&|k| {
        matches!(
            k,
            EventKind::ChallengerValidated(_)
                | EventKind::Promoted { .. }
                | EventKind::ChallengerRejected { .. }
        )
    }) {
        Activity::Registry
    } else if has(&|k| matches!(k, EventKind::RunLogged { .. })) {
        Activity::Experiment
    } else if has(&|k| matches!(k, EventKind::Alert(_))) {
        Activity::Monitoring
    } else {
        Activity::Production
    }
}

/// A run the simulation trained, without its model (which stays in the worker).
#[derive(Debug, Clone, PartialEq)]
pub struct SimRun {
    /// Its id.
    pub run_id: String,
    /// The period it was trained in.
    pub period: u32,
    /// Why (`None` for the first model).
    pub trigger: Option<Trigger>,
    /// Rows trained on.
    pub rows: usize,
    /// Test F1.
    pub f1: f64,
}

/// The page's production simulation (cheap to copy).
#[derive(Clone, Copy)]
pub struct Production {
    /// Where it is.
    pub status: RwSignal<SimStatus>,
    /// The setup of the simulation shown (or to start).
    pub setup: RwSignal<SimSetup>,
    /// Each period run, realized performance filled in as labels arrive.
    pub summaries: RwSignal<Vec<PeriodSummary>>,
    /// Every event, in order, the opening's included.
    pub events: RwSignal<Vec<Event>>,
    /// The simulation's own registry.
    pub registry: RwSignal<Registry>,
    /// The runs it trained.
    pub runs: RwSignal<Vec<SimRun>>,
    /// Whether it plays on by itself.
    pub playing: RwSignal<bool>,
    /// The stage lit on the lifecycle diagram.
    pub activity: RwSignal<Activity>,
    /// Milliseconds the worker spent, opening and periods.
    pub worker_ms: RwSignal<f64>,
    handle: StoredValue<Option<TrainerHandle>, LocalStorage>,
    job: StoredValue<u32>,
    /// Where the simulation's runs are logged (set by [`Production::log_to`]).
    tracking: StoredValue<Option<Tracking>, LocalStorage>,
}

impl Default for Production {
    fn default() -> Self {
        Production::new()
    }
}

impl Production {
    /// Nothing simulated yet.
    pub fn new() -> Production {
        Production {
            status: RwSignal::new(SimStatus::Idle),
            setup: RwSignal::new(SimSetup::default()),
            summaries: RwSignal::new(Vec::new()),
            events: RwSignal::new(Vec::new()),
            registry: RwSignal::new(Registry::default()),
            runs: RwSignal::new(Vec::new()),
            playing: RwSignal::new(false),
            activity: RwSignal::new(Activity::Idle),
            worker_ms: RwSignal::new(0.0),
            handle: StoredValue::new_local(None),
            job: StoredValue::new(0),
            tracking: StoredValue::new_local(None),
        }
    }

    /// Logs the simulation's runs in `tracking` from now on.
    pub fn log_to(self, tracking: Tracking) {
        self.tracking.set_value(Some(tracking));
    }

    /// Starts the simulation `setup` describes in a new worker (a running one is stopped first), and
    /// plays it if `play`.
    pub fn start(self, setup: SimSetup, play: bool) {
        self.stop_worker();
        let job = self.job.get_value().wrapping_add(1);
        self.job.set_value(job);
        self.summaries.set(Vec::new());
        self.events.set(Vec::new());
        self.registry.set(Registry::default());
        self.runs.set(Vec::new());
        self.worker_ms.set(0.0);
        self.status.set(SimStatus::Opening);
        self.activity.set(Activity::Experiment);
        self.playing.set(play);
        let request = ToWorker::SimStart { job, config: Box::new(setup.config()) };
        self.setup.set(setup);
        let on_event = move |event: FromWorker| {
            if self.job.try_get_value() != Some(job) {
                return;
            }
            match event {
                FromWorker::SimOpened { opening, ms, .. } => {
                    self.take(*opening, ms);
                    self.status.set(SimStatus::Ready);
                    self.next_if_playing(job, 0);
                }
                FromWorker::SimStepped { step: Some(step), ms, .. } => {
                    self.take(*step, ms);
                    self.status.set(SimStatus::Ready);
                    let delay = self.setup.with_untracked(|s| s.speed.delay_ms());
                    self.next_if_playing(job, delay);
                }
                FromWorker::SimStepped { step: None, .. } => self.finish(),
                FromWorker::Failed { error, .. } | FromWorker::BadMessage { error } => self.fail(error),
                _ => {}
            }
        };
        match TrainerHandle::start(request, on_event) {
            Ok(handle) => self.handle.set_value(Some(handle)),
            Err(error) => self.fail(error),
        }
    }

    /// Plays on from where it is.
    pub fn play(self) {
        self.playing.set(true);
        self.step();
    }

    /// Stops after the period under way.
    pub fn pause(self) {
        self.playing.set(false);
    }

    /// Runs one period, when none is under way.
    pub fn step(self) {
        if self.status.get_untracked() != SimStatus::Ready {
            return;
        }
        if self.finished() {
            return self.finish();
        }
        let job = self.job.get_value();
        let sent =
            self.handle.with_value(|h| h.as_ref().map(|handle| handle.send(ToWorker::SimStep { job })));
        match sent {
            Some(()) => self.status.set(SimStatus::Stepping),
            None => self.fail("the simulation's worker has stopped: start again".to_string()),
        }
    }

    /// Stops the simulation and forgets it.
    pub fn reset(self) {
        self.stop_worker();
        self.job.update_value(|j| *j = j.wrapping_add(1));
        self.playing.set(false);
        self.status.set(SimStatus::Idle);
        self.activity.set(Activity::Idle);
        self.summaries.set(Vec::new());
        self.events.set(Vec::new());
        self.registry.set(Registry::default());
        self.runs.set(Vec::new());
        self.worker_ms.set(0.0);
    }

    /// The last period run (0 before the first).
    pub fn period(self) -> u32 {
        self.summaries.with(|s| s.last().map_or(0, |s| s.period))
    }

    fn finished(self) -> bool {
        let last = self.summaries.with_untracked(|s| s.last().map_or(0, |s| s.period));
        last >= self.setup.with_untracked(|s| s.config().periods)
    }

    /// Keeps what a period (or the opening) produced.
    fn take(self, step: StepOutcome, ms: f64) {
        self.worker_ms.update(|t| *t += ms);
        self.registry.update(|r| r.apply(&step.registry));
        if let Some(run) = &step.run {
            self.log_run(run);
            let f1 = run.metrics.iter().find(|(k, _)| k == "f1").map_or(f64::NAN, |(_, v)| *v);
            let brief = SimRun {
                run_id: run.run_id.clone(),
                period: run.period,
                trigger: run.trigger,
                rows: run.rows,
                f1,
            };
            self.runs.update(|r| r.push(brief));
        }
        self.activity.set(activity(&step.events));
        self.events.update(|e| e.extend(step.events.iter().cloned()));
        if step.summary.period > 0 {
            self.summaries.update(|all| {
                all.push(step.summary.clone());
                for (q, realized, frozen) in &step.labeled {
                    if let Some(s) = all.iter_mut().find(|s| s.period == *q) {
                        s.realized = Some(realized.clone());
                        s.frozen = Some(frozen.clone());
                    }
                }
            });
        }
    }

    /// Logs a simulation run in the tracking store, in the simulation's experiment. A refusal is logged
    /// to the console: the simulation goes on, its timeline and registry are still on the page.
    fn log_run(self, record: &RetrainRecord) {
        let Some(tracking) = self.tracking.get_value() else { return };
        let query = self.setup.with_untracked(|s| s.query());
        let Some((experiment, new)) =
            tracking.snapshot.try_with_untracked(|s| simulation_experiment(s, js_sys::Date::now() as i64))
        else {
            return;
        };
        let mut changes = Vec::new();
        if new {
            changes.push(Change::PutExperiment(experiment.clone()));
        }
        changes.extend(run_changes(record, &experiment.experiment_id, &query));
        if let Err(error) = tracking.apply(changes) {
            log::error!("the simulation's run could not be logged: {error}");
        }
    }

    fn next_if_playing(self, job: u32, delay_ms: i32) {
        if !self.playing.get_untracked() {
            return;
        }
        leptos::task::spawn_local(async move {
            if delay_ms > 0 {
                crate::ids::sleep_ms(delay_ms).await;
            } else {
                crate::ids::pause().await;
            }
            if self.job.try_get_value() == Some(job) && self.playing.try_get_untracked() == Some(true) {
                self.step();
            }
        });
    }

    fn finish(self) {
        self.playing.set(false);
        self.status.set(SimStatus::Finished);
        self.activity.set(Activity::Production);
        self.stop_worker();
    }

    fn fail(self, error: String) {
        self.playing.set(false);
        self.stop_worker();
        self.status.set(SimStatus::Failed(error));
    }

    fn stop_worker(self) {
        if let Some(handle) = self.handle.try_update_value(|h| h.take()).flatten() {
            leptos::task::spawn_local(async move { drop(handle) });
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    #[test]
    fn the_setup_round_trips_through_the_url() {
        let setup = SimSetup {
            preset: Preset::Competitor,
            scenarios: vec![
                Scenario { kind: ScenarioKind::CompetitorOffer, start: 10, intensity: 1.5 },
                Scenario { kind: ScenarioKind::UnitChange, start: 3, intensity: 0.25 },
            ],
            seed: 42,
            policy: Policy::Every { periods: 6 },
            window: Window::All,
            delay: 2,
            periods: 30,
            model: ModelKind::LogisticRegression,
            speed: Speed::Fast,
            thresholds: Thresholds {
                drift_share: 0.25,
                f1_drop: 0.1,
                estimated_f1_drop: 0.1,
                psi_band: PsiBand::Moderate,
                ..Thresholds::default()
            },
        };
        assert_eq!(SimSetup::from_query(&setup.query()), setup);
        assert_eq!(SimSetup::from_query(""), SimSetup::default());
        let odd = SimSetup::from_query(
            "seed=x&periods=9999&delay=99&policy=every-0&speed=warp&drift_share=2&psi=x&extra",
        );
        assert_eq!(odd.thresholds, Thresholds::default());
        let marketing = SimSetup::from_query("preset=marketing");
        assert_eq!(marketing.scenarios, Preset::Marketing.scenarios());
        let edited =
            SimSetup::from_query("preset=marketing&scenarios=price_rise@0x9,nope@3x1,new_segment@5x0.5");
        assert_eq!(
            edited.scenarios,
            [
                Scenario { kind: ScenarioKind::PriceRise, start: 1, intensity: 3.0 },
                Scenario { kind: ScenarioKind::NewSegment, start: 5, intensity: 0.5 },
            ]
        );
        assert_eq!(
            (odd.seed, odd.periods, odd.delay, odd.policy),
            (7, MAX_PERIODS, MAX_DELAY, Policy::OnDrift)
        );
        assert_eq!(
            SimSetup::default().config(),
            SimConfig { scenarios: Preset::PriceRise.scenarios(), ..SimConfig::default() }
        );
    }

    #[test]
    fn a_simulation_run_is_logged_with_its_model() {
        let mut sim = ciclo_core::simulate::Simulation::new(SimConfig {
            customers: 200,
            initial_rows: 600,
            model: ModelParams::Logistic(LogisticParams::new()),
            ..SimConfig::default()
        })
        .unwrap();
        let record = sim.opening().run.clone().unwrap();
        let changes = run_changes(&record, "3", "preset=calm");
        let Change::PutRun(run) = &changes[0] else { panic!("the run comes first") };
        assert_eq!(
            (run.experiment_id.as_str(), run.run_name.as_str(), run.status),
            ("3", "simulation-initial", RunStatus::Finished)
        );
        assert_eq!(run.tags[SETUP_TAG], "preset=calm");
        assert_eq!(run.tags[TRIGGER_TAG], "initial");
        assert!(changes.iter().any(|c| matches!(c, Change::LogMetric { key, .. } if key == "f1")));
        let model = changes.iter().find_map(|c| match c {
            Change::PutArtifact { path, content, .. } if path == crate::autolog::MODEL => {
                Some(content.clone())
            }
            _ => None,
        });
        assert!(ciclo_core::serving::LoggedModel::from_json(&model.unwrap()).is_ok(), "a servable model");
        let mut snapshot = Snapshot::default();
        let (experiment, new) = simulation_experiment(&snapshot, 0);
        assert!(new);
        let mut batch = vec![Change::PutExperiment(experiment.clone())];
        batch.extend(run_changes(&record, &experiment.experiment_id, "preset=calm"));
        ciclo_core::tracking::apply_batch(&mut snapshot, &batch).unwrap();
        assert_eq!(simulation_experiment(&snapshot, 0), (experiment, false));
        let _ = sim.step();
    }

    #[test]
    fn the_diagram_lights_what_the_period_did() {
        let at = |kind| Event { period: 3, time_ms: 0, kind };
        assert_eq!(activity(&[]), Activity::Production);
        let alert = at(EventKind::Alert(ciclo_core::monitor::Alert::ColumnAbsent { column: "x".into() }));
        assert_eq!(activity(std::slice::from_ref(&alert)), Activity::Monitoring);
        let run = at(EventKind::RunLogged { run_id: "r".into(), f1: 0.6, rows: 10 });
        assert_eq!(activity(&[alert.clone(), run.clone()]), Activity::Experiment);
        let rejected = at(EventKind::ChallengerRejected { version: 2 });
        assert_eq!(activity(&[alert, run, rejected]), Activity::Registry);
    }
}
