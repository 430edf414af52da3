//! The model in production, simulated: time advances in periods (weeks); each period the synthetic
//! generator sends a batch of customers, the model at `@champion` scores them, the monitoring of
//! [`crate::monitor`] compares them with the model's training data, the true labels arrive some periods
//! later, and a retraining policy answers drift and performance drops with a challenger that is
//! validated against the champion and promoted past a gate, or rejected (the report's §3.3, steps 5–7:
//! data drift, concept drift, prediction drift, continuous training).
//!
//! Everything is pure and seeded: [`Simulation::new`] and [`Simulation::step`] compute the same periods,
//! runs, registry changes and events from the same [`SimConfig`] on every machine and target, so an
//! instructor's demo tells the same story every time (`tests/simulate.rs` replays one). Time is
//! simulated too: period `p` happens at [`SimConfig::start_ms`] plus `p` weeks.
//!
//! - [`scenario`]: what changes in the world, when and how much ([`Scenario`], presets).
//! - [`policy`]: when to retrain and on which data ([`Policy`], [`Window`]).
//! - [`engine`]: the loop itself ([`Simulation`]) and what each period reports ([`PeriodSummary`],
//!   [`Event`], [`RetrainRecord`]).

pub mod engine;
pub mod policy;
pub mod scenario;

pub use engine::{
    Event, EventKind, PeriodSummary, RetrainRecord, SimConfig, SimError, Simulation, StepOutcome, WEEK_MS,
};
pub use policy::{Policy, Trigger, Window};
pub use scenario::{Preset, Scenario, ScenarioKind};
