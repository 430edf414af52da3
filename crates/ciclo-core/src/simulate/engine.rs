//! The simulation loop: [`Simulation::new`] trains and deploys the first model; each
//! [`Simulation::step`] runs one period and says what happened.

use serde::{Deserialize, Serialize};

use super::policy::{decide, Policy, Trigger, Window};
use super::scenario::{drift_at, incidents, Scenario, ScenarioKind};
use crate::dataset::Dataset;
use crate::ml::{self, ForestParams, ModelParams, TrainConfig, TrainError};
use crate::monitor::{self, Alert, Baseline, MonitorOptions, PeriodReport, RealizedPerformance, Thresholds};
use crate::registry::{
    self, check_gate, GateCheck, GateRule, Promotion, Registry, RegistryChange, RegistryError, Stage, Target,
};
use crate::serving::{LoggedModel, Signature, MODEL_FORMAT, MODEL_VERSION};
use crate::telco;

/// A week in milliseconds: the length of a period.
pub const WEEK_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// Everything a simulation depends on. The same configuration gives the same story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimConfig {
    /// Seed of every draw: customers, splits, models.
    pub seed: u64,
    /// Periods (weeks) to simulate.
    pub periods: u32,
    /// Customers per period.
    pub customers: usize,
    /// Customers of the initial training data.
    pub initial_rows: usize,
    /// Periods until a period's true labels arrive (churn is known only later).
    pub label_delay: u32,
    /// What changes in the world.
    pub scenarios: Vec<Scenario>,
    /// When to retrain.
    pub policy: Policy,
    /// On which data.
    pub window: Window,
    /// The fewest periods between two retrainings.
    pub min_gap: u32,
    /// The model family and parameters every training uses.
    pub model: ModelParams,
    /// How much F1 a challenger must gain over the champion, on the newest labeled period, to replace it.
    pub margin: f64,
    /// When alerts are raised.
    pub thresholds: Thresholds,
    /// The monitoring's settings (Evidently's defaults).
    pub monitor: MonitorOptions,
    /// The registered model's name.
    pub model_name: String,
    /// The simulated time of period 0, in milliseconds since the Unix epoch.
    pub start_ms: i64,
}

impl Default for SimConfig {
    /// A year of weeks, 1,000 customers a week, labels after 4 weeks, retraining on drift on the last 8
    /// labeled weeks, with the report's best grid combination (a random forest of
    /// 50 trees, depth 10).
    fn default() -> SimConfig {
        SimConfig {
            seed: 7,
            periods: 52,
            customers: 1000,
            initial_rows: 5000,
            label_delay: 4,
            scenarios: Vec::new(),
            policy: Policy::OnDrift,
            window: Window::Last { periods: 8 },
            min_gap: 4,
            model: ModelParams::Forest(ForestParams::new().n_estimators(50).max_depth(Some(10))),
            margin: 0.01,
            thresholds: Thresholds::default(),
            monitor: MonitorOptions::default(),
            model_name: "churn-production".to_string(),
            // Monday 5 January 2026, 00:00 UTC.
            start_ms: 1_767_571_200_000,
        }
    }
}

/// Why a simulation cannot go on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    /// A training failed.
    #[error("training failed: {0}")]
    Train(#[from] TrainError),
    /// The monitoring could not be computed.
    #[error("monitoring failed: {0}")]
    Monitor(#[from] monitor::MonitorError),
    /// The registry refused a change.
    #[error("the registry refused a change: {0}")]
    Registry(#[from] RegistryError),
    /// The configuration cannot run.
    #[error("the simulation cannot run: {0}")]
    Config(&'static str),
}

/// Something that happened, for the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The period (0 for the initial training).
    pub period: u32,
    /// Simulated time, milliseconds since the Unix epoch.
    pub time_ms: i64,
    /// What.
    pub kind: EventKind,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// A scenario started changing the world.
    ScenarioStarted {
        /// Which.
        scenario: ScenarioKind,
    },
    /// A training logged a run.
    RunLogged {
        /// The run.
        run_id: String,
        /// Its F1 on its own test split.
        f1: f64,
        /// Rows it was trained on (before its split).
        rows: usize,
    },
    /// A version was registered from that run.
    VersionRegistered {
        /// The version.
        version: u32,
        /// The run.
        run_id: String,
    },
    /// An alert was raised.
    Alert(Alert),
    /// A retraining started.
    RetrainTriggered {
        /// Why.
        trigger: Trigger,
    },
    /// A challenger was validated against the champion on the newest labeled period.
    ChallengerValidated(GateCheck),
    /// A version became the champion (and went to Production).
    Promoted {
        /// The new champion.
        version: u32,
        /// The one it replaced.
        replaced: Option<u32>,
    },
    /// A challenger did not pass the gate; the champion stays.
    ChallengerRejected {
        /// The challenger.
        version: u32,
    },
}

/// A training's run, for the tracking store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetrainRecord {
    /// The run's id.
    pub run_id: String,
    /// The period it was trained in.
    pub period: u32,
    /// Simulated time.
    pub time_ms: i64,
    /// Why it was trained (`None` for the initial training).
    pub trigger: Option<Trigger>,
    /// The parameters, as MLflow logs them.
    pub params: Vec<(String, String)>,
    /// Its metrics on its own test split.
    pub metrics: Vec<(String, f64)>,
    /// The training data's rows and digest.
    pub rows: usize,
    /// The training data's digest.
    pub digest: String,
    /// The periods whose labeled rows it used (empty for the initial data only).
    pub periods: Vec<u32>,
    /// The fitted model.
    pub model: LoggedModel,
}

/// One period's numbers, for the charts. Realized performance is filled in when the labels arrive,
/// `label_delay` periods later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodSummary {
    /// The period.
    pub period: u32,
    /// Simulated time.
    pub time_ms: i64,
    /// The champion that scored it.
    pub champion: u32,
    /// The monitoring report of the batch against the champion's training data.
    pub report: PeriodReport,
    /// The alerts raised this period.
    pub alerts: Vec<Alert>,
    /// The champion's realized performance on this period's rows, once labeled.
    pub realized: Option<RealizedPerformance>,
    /// What the first model, never retrained, would have realized: the counterfactual line.
    pub frozen: Option<RealizedPerformance>,
}

/// What one period produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepOutcome {
    /// The period's numbers.
    pub summary: PeriodSummary,
    /// Earlier periods whose labels arrived this period, with the champion's and the frozen model's
    /// realized performance: `(period, realized, frozen)`.
    pub labeled: Vec<(u32, RealizedPerformance, RealizedPerformance)>,
    /// What happened, in order.
    pub events: Vec<Event>,
    /// The retraining's run, if one was trained.
    pub run: Option<RetrainRecord>,
    /// The registry changes, in order (registration, aliases, gate, promotion).
    pub registry: Vec<RegistryChange>,
}

/// A deployed model and what it is compared with.
struct Deployed {
    version: u32,
    model: LoggedModel,
    signature: Signature,
    reference: Dataset,
    reference_scores: Vec<f64>,
    baseline: Baseline,
}

/// One period's batch, kept for later labels and training windows.
struct Served {
    /// The rows as the model received them (incidents included), with the true `Churn` column.
    data: Dataset,
    labels: Vec<bool>,
    champion_scores: Vec<f64>,
    frozen_scores: Vec<f64>,
    /// The F1 the champion that scored it had at deployment.
    baseline_f1: f64,
}

/// A simulation in progress.
pub struct Simulation {
    config: SimConfig,
    initial: Dataset,
    champion: Deployed,
    frozen: LoggedModel,
    served: Vec<Served>,
    registry: Registry,
    summaries: Vec<PeriodSummary>,
    last_retrain: u32,
    trained_through: u32,
    next: u32,
    opening: StepOutcome,
}

impl Simulation {
    /// Trains the first model on the initial data, registers it as version 1 and makes it the champion
    /// (alias `@champion`, stage Production), in a registry of its own.
    pub fn new(config: SimConfig) -> Result<Simulation, SimError> {
        if config.customers < 10 || config.initial_rows < 100 {
            return Err(SimError::Config("at least 10 customers a period and 100 initial rows"));
        }
        if !(0.0..=1.0).contains(&config.monitor.threshold) {
            return Err(SimError::Config("the decision threshold must be between 0 and 1"));
        }
        let initial = telco::generate(config.initial_rows, config.seed);
        let mut registry = Registry::default();
        let time = config.start_ms;
        let at = |kind| Event { period: 0, time_ms: time, kind };
        let (record, f1) = train_run(&config, &initial, 0, time, None, Vec::new())?;
        let scores = score(&record.model, &initial)?;
        let mut events =
            vec![at(EventKind::RunLogged { run_id: record.run_id.clone(), f1, rows: initial.n_rows() })];
        let mut changes = Vec::new();
        let name = config.model_name.as_str();
        let (c, version) = registry::register(&registry, name, &record.run_id, time, "initial training")?;
        apply(&mut registry, &mut changes, c);
        events.push(at(EventKind::VersionRegistered { version, run_id: record.run_id.clone() }));
        let c = registry::set_alias(&registry, name, "champion", version, time, "first model")?;
        apply(&mut registry, &mut changes, c);
        let c = registry::transition(&registry, name, version, Stage::Production, true, time, "first model")?;
        apply(&mut registry, &mut changes, c);
        events.push(at(EventKind::Promoted { version, replaced: None }));
        let champion = Deployed {
            version,
            signature: record.model.signature(),
            model: record.model.clone(),
            reference: initial.clone(),
            reference_scores: scores,
            baseline: Baseline { f1 },
        };
        let report = monitor::monitor(
            &champion.signature,
            &monitor::Reference { data: &champion.reference, scores: &champion.reference_scores },
            &monitor::Batch { data: &champion.reference, scores: &champion.reference_scores, labels: None },
            &config.monitor,
        )?;
        let summary = PeriodSummary {
            period: 0,
            time_ms: time,
            champion: version,
            report,
            alerts: Vec::new(),
            realized: None,
            frozen: None,
        };
        Ok(Simulation {
            frozen: record.model.clone(),
            opening: StepOutcome {
                summary,
                labeled: Vec::new(),
                events,
                run: Some(record),
                registry: changes,
            },
            config,
            initial,
            champion,
            served: Vec::new(),
            registry,
            summaries: Vec::new(),
            last_retrain: 0,
            trained_through: 0,
            next: 1,
        })
    }

    /// What [`Simulation::new`] did: the initial run, its registration and promotion (its summary is
    /// the reference compared with itself, period 0).
    pub fn opening(&self) -> &StepOutcome {
        &self.opening
    }

    /// The configuration.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The next period to run (1 before the first step).
    pub fn next_period(&self) -> u32 {
        self.next
    }

    /// Whether every period has run.
    pub fn finished(&self) -> bool {
        self.next > self.config.periods
    }

    /// The simulation's registry.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Every period run so far, with realized performance filled in as labels arrived.
    pub fn summaries(&self) -> &[PeriodSummary] {
        &self.summaries
    }

    /// The champion's version.
    pub fn champion(&self) -> u32 {
        self.champion.version
    }

    /// Runs the next period: the batch arrives and is scored and monitored, an older period's labels
    /// arrive, and the policy may retrain, validate and promote. `None` once every period has run.
    pub fn step(&mut self) -> Result<Option<StepOutcome>, SimError> {
        if self.finished() {
            return Ok(None);
        }
        let period = self.next;
        let time = self.config.start_ms.saturating_add(WEEK_MS.saturating_mul(i64::from(period)));
        let at = |kind| Event { period, time_ms: time, kind };
        let mut events: Vec<Event> = self
            .config
            .scenarios
            .iter()
            .filter(|s| s.start == period && s.intensity > 0.0)
            .map(|s| at(EventKind::ScenarioStarted { scenario: s.kind }))
            .collect();

        // The world sends its customers; the pipe may break some of them on the way.
        let drift = drift_at(&self.config.scenarios, period);
        let truth =
            telco::generate_with(self.config.customers, period_seed(self.config.seed, period), &drift);
        let labels = labels_of(&truth)?;
        let data = incidents(&truth, &self.config.scenarios, period);
        let champion_scores = score(&self.champion.model, &data)?;
        let frozen_scores =
            if self.champion.version == 1 { champion_scores.clone() } else { score(&self.frozen, &data)? };
        let report = monitor::monitor(
            &self.champion.signature,
            &monitor::Reference { data: &self.champion.reference, scores: &self.champion.reference_scores },
            &monitor::Batch { data: &data, scores: &champion_scores, labels: None },
            &self.config.monitor,
        )?;
        let mut alerts = monitor::alerts(&report, &self.champion.baseline, &self.config.thresholds);
        self.served.push(Served {
            data,
            labels,
            champion_scores,
            frozen_scores,
            baseline_f1: self.champion.baseline.f1,
        });
        self.summaries.push(PeriodSummary {
            period,
            time_ms: time,
            champion: self.champion.version,
            report,
            alerts: Vec::new(),
            realized: None,
            frozen: None,
        });

        // The labels of the period `label_delay` periods back arrive (this one's, with no delay).
        let newest_labeled = period.saturating_sub(self.config.label_delay);
        let mut labeled = Vec::new();
        if let Some(index) = newest_labeled.checked_sub(1).map(|q| q as usize) {
            if let Some(old) = self.served.get(index) {
                let threshold = self.config.monitor.threshold;
                let realized = monitor::realized_performance(&old.labels, &old.champion_scores, threshold)?;
                let frozen = monitor::realized_performance(&old.labels, &old.frozen_scores, threshold)?;
                let drop = self.config.thresholds.f1_drop;
                if old.baseline_f1 - realized.f1 >= drop {
                    alerts.push(Alert::F1Drop {
                        f1: realized.f1,
                        baseline: old.baseline_f1,
                        threshold: drop,
                    });
                }
                if let Some(summary) = self.summaries.get_mut(index) {
                    summary.realized = Some(realized.clone());
                    summary.frozen = Some(frozen.clone());
                }
                labeled.push((newest_labeled, realized, frozen));
            }
        }
        events.extend(alerts.iter().cloned().map(|a| at(EventKind::Alert(a))));
        if let Some(summary) = self.summaries.last_mut() {
            summary.alerts = alerts.clone();
        }

        // The policy answers.
        let mut run = None;
        let mut changes = Vec::new();
        let trigger = decide(
            self.config.policy,
            period,
            &alerts,
            self.last_retrain,
            newest_labeled,
            self.trained_through,
            self.config.min_gap,
        );
        // A challenger is validated on the newest labeled period, so it trains on the periods before it:
        // validating on rows it was trained on would flatter it.
        let training: Vec<u32> = match newest_labeled.checked_sub(1) {
            Some(through) if through >= 1 => self.config.window.periods(through).collect(),
            _ => Vec::new(),
        };
        let has_data = !training.is_empty() || self.config.window.keeps_initial();
        if let Some(trigger) = trigger.filter(|_| has_data) {
            events.push(at(EventKind::RetrainTriggered { trigger }));
            run = Some(self.retrain(
                (period, time),
                trigger,
                training,
                newest_labeled,
                &mut events,
                &mut changes,
            )?);
        }
        self.next = self.next.saturating_add(1);
        let summary = self.summaries.last().cloned().ok_or(SimError::Config("no period was recorded"))?;
        Ok(Some(StepOutcome { summary, labeled, events, run, registry: changes }))
    }

    /// Trains a challenger on the window's `periods` (and the initial data if the window keeps it),
    /// registers it with `@challenger`, validates it against the champion on the newest labeled period
    /// (which it did not train on), and promotes it past the gate or leaves it.
    fn retrain(
        &mut self,
        (period, time): (u32, i64),
        trigger: Trigger,
        periods: Vec<u32>,
        newest_labeled: u32,
        events: &mut Vec<Event>,
        changes: &mut Vec<RegistryChange>,
    ) -> Result<RetrainRecord, SimError> {
        let at = |kind| Event { period, time_ms: time, kind };
        let window = self.config.window;
        let mut parts: Vec<&Dataset> = Vec::new();
        if window.keeps_initial() {
            parts.push(&self.initial);
        }
        parts.extend(periods.iter().filter_map(|&q| self.served.get(q as usize - 1)).map(|s| &s.data));
        let data = Dataset::concat("training-window", &parts)
            .ok_or(SimError::Config("the training window's periods do not share their columns"))?;
        let (record, test_f1) = train_run(&self.config, &data, period, time, Some(trigger), periods)?;
        events.push(at(EventKind::RunLogged {
            run_id: record.run_id.clone(),
            f1: test_f1,
            rows: data.n_rows(),
        }));

        let name = self.config.model_name.clone();
        let reason = format!("retrained on {}", window.as_text());
        let (c, version) = registry::register(&self.registry, &name, &record.run_id, time, &reason)?;
        apply(&mut self.registry, changes, c);
        events.push(at(EventKind::VersionRegistered { version, run_id: record.run_id.clone() }));
        let c = registry::set_alias(&self.registry, &name, "challenger", version, time, "new challenger")?;
        apply(&mut self.registry, changes, c);

        // Champion and challenger on the same, newest labeled rows.
        let validation = self
            .served
            .get(newest_labeled as usize - 1)
            .ok_or(SimError::Config("no labeled period to validate on"))?;
        let threshold = self.config.monitor.threshold;
        let challenger_f1 = monitor::realized_performance(
            &validation.labels,
            &score(&record.model, &validation.data)?,
            threshold,
        )?
        .f1;
        let champion_f1 = monitor::realized_performance(
            &validation.labels,
            &score(&self.champion.model, &validation.data)?,
            threshold,
        )?
        .f1;
        let rule = GateRule::BeatsChampion { metric: "f1".to_string(), margin: self.config.margin };
        let gate = check_gate(
            &rule,
            version,
            challenger_f1,
            Some((self.champion.version, champion_f1)),
            Some(validation.labels.len()),
        );
        events.push(at(EventKind::ChallengerValidated(gate.clone())));
        let promotion = Promotion {
            name: &name,
            version,
            target: Target::Alias("champion".to_string()),
            gate: Some(gate),
            reason: &format!("validated on period {newest_labeled}"),
        };
        let outcome = registry::promote(&self.registry, promotion, time)?;
        apply(&mut self.registry, changes, outcome.changes);
        if outcome.promoted {
            let c = registry::transition(
                &self.registry,
                &name,
                version,
                Stage::Production,
                true,
                time,
                "new champion",
            )?;
            apply(&mut self.registry, changes, c);
            let c = registry::delete_alias(&self.registry, &name, "challenger", time, "promoted")?;
            apply(&mut self.registry, changes, c);
            events.push(at(EventKind::Promoted { version, replaced: Some(self.champion.version) }));
            let reference_scores = score(&record.model, &data)?;
            self.champion = Deployed {
                version,
                signature: record.model.signature(),
                model: record.model.clone(),
                reference: data,
                reference_scores,
                // As for the first model: the F1 on its own test split, not on the one period it was
                // validated on (1,000 rows swing by several points from week to week).
                baseline: Baseline { f1: test_f1 },
            };
        } else {
            events.push(at(EventKind::ChallengerRejected { version }));
        }
        self.last_retrain = period;
        self.trained_through = newest_labeled;
        Ok(record)
    }
}

/// Applies `changes` to `registry` and keeps them in `log`.
fn apply(registry: &mut Registry, log: &mut Vec<RegistryChange>, changes: Vec<RegistryChange>) {
    registry.apply(&changes);
    log.extend(changes);
}

/// The seed of period `period`'s customers and trainings: a different stream per period.
fn period_seed(seed: u64, period: u32) -> u64 {
    seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(u64::from(period).wrapping_mul(0xBF58_476D_1CE4_E5B9))
}

/// The true labels of a batch (`Churn` = `Yes`).
fn labels_of(data: &Dataset) -> Result<Vec<bool>, SimError> {
    let target = ml::Target { column: telco::TARGET.to_string(), positive: "Yes".to_string() };
    Ok(ml::labels_for(data, &target)?)
}

/// `model`'s probability for every row of `data`.
fn score(model: &LoggedModel, data: &Dataset) -> Result<Vec<f64>, SimError> {
    let rows: Vec<usize> = (0..data.n_rows()).collect();
    Ok(model.predict_proba(data, &rows)?.0)
}

/// Trains `config.model` on `data` (its own stratified 80/20 split for the run's metrics) and returns
/// the run and its test F1.
fn train_run(
    config: &SimConfig,
    data: &Dataset,
    period: u32,
    time: i64,
    trigger: Option<Trigger>,
    periods: Vec<u32>,
) -> Result<(RetrainRecord, f64), SimError> {
    let mut train = TrainConfig::new(telco::TARGET);
    train.params = config.model.clone();
    train.seed = period_seed(config.seed, period) % 1_000_000;
    let outcome = ml::train(data, &train, &mut |_| {})?;
    let m = &outcome.metrics;
    let metrics = vec![
        ("accuracy".to_string(), m.accuracy),
        ("precision".to_string(), m.precision),
        ("recall".to_string(), m.recall),
        ("f1".to_string(), m.f1),
        ("roc_auc".to_string(), m.roc_auc),
        ("log_loss".to_string(), m.log_loss),
    ];
    let mut params = outcome.params.clone();
    params.push((
        "window".to_string(),
        if period == 0 { "initial".to_string() } else { config.window.as_text() },
    ));
    let model = LoggedModel {
        format: MODEL_FORMAT.to_string(),
        version: MODEL_VERSION,
        positive: outcome.positive.clone(),
        threshold: 0.5,
        pipeline: outcome.pipeline,
        model: outcome.model,
    };
    let record = RetrainRecord {
        run_id: run_id(config.seed, period),
        period,
        time_ms: time,
        trigger,
        params,
        metrics,
        rows: data.n_rows(),
        digest: data.digest(),
        periods,
        model,
    };
    Ok((record, m.f1))
}

/// A run id as MLflow writes them (32 hex digits), drawn from the seed and the period, so a replay logs
/// the same ids.
fn run_id(seed: u64, period: u32) -> String {
    use rand::RngCore as _;
    let mut rng = crate::rng::stream(seed, 0x5349_4D00_0000_0000 | u64::from(period));
    format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64())
}
