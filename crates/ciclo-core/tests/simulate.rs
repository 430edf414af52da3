//! The production simulation: the same seed tells the same story, scenarios show in the monitoring, and
//! the retraining loop registers, validates and promotes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.

use ciclo_core::ml::{ForestParams, ModelParams};
use ciclo_core::monitor::Alert;
use ciclo_core::registry::Stage;
use ciclo_core::simulate::{EventKind, Policy, Preset, SimConfig, Simulation, StepOutcome, Window};

/// A shorter, smaller year than the page's default, so the test runs in seconds.
fn config(preset: Preset, policy: Policy) -> SimConfig {
    SimConfig {
        periods: 20,
        customers: 600,
        initial_rows: 3000,
        label_delay: 2,
        scenarios: preset.scenarios(),
        policy,
        window: Window::Last { periods: 4 },
        min_gap: 3,
        model: ModelParams::Forest(ForestParams::new().n_estimators(20).max_depth(Some(8))),
        ..SimConfig::default()
    }
}

fn run(config: SimConfig) -> (Simulation, Vec<StepOutcome>) {
    let mut sim = Simulation::new(config).unwrap();
    let mut steps = Vec::new();
    while let Some(step) = sim.step().unwrap() {
        steps.push(step);
    }
    (sim, steps)
}

fn events(sim: &Simulation, steps: &[StepOutcome]) -> Vec<String> {
    sim.opening()
        .events
        .iter()
        .chain(steps.iter().flat_map(|s| s.events.iter()))
        .map(|e| serde_json::to_string(e).unwrap())
        .collect()
}

#[test]
fn the_same_seed_replays_the_same_story() {
    let mut short = config(Preset::PriceRise, Policy::OnDrift);
    short.periods = 14;
    let (a, steps_a) = run(short.clone());
    let (b, steps_b) = run(short.clone());
    assert_eq!(events(&a, &steps_a), events(&b, &steps_b));
    assert_eq!(a.registry(), b.registry());
    short.seed += 1;
    let (c, steps_c) = run(short);
    assert_ne!(events(&a, &steps_a), events(&c, &steps_c));
}

#[test]
fn a_price_rise_is_flagged_on_monthly_charges_and_answered_by_a_new_champion() {
    let (sim, steps) = run(config(Preset::PriceRise, Policy::OnDrift));
    // Before week 10 the charges do not drift; from week 10 on they do.
    let drifted = |period: u32| {
        let s = &steps[period as usize - 1].summary;
        s.report.data_drift.columns.iter().any(|c| c.column == "MonthlyCharges" && c.drifted)
    };
    assert!(!(1..10).any(drifted), "no drift before the rise");
    assert!(drifted(10), "MonthlyCharges drifts in week 10");
    let kinds: Vec<(u32, &EventKind)> =
        steps.iter().flat_map(|s| s.events.iter().map(|e| (e.period, &e.kind))).collect();
    let first = |f: &dyn Fn(&EventKind) -> bool| kinds.iter().find(|(_, k)| f(k)).map(|(p, _)| *p);
    let triggered = first(&|k| matches!(k, EventKind::RetrainTriggered { .. })).expect("a retrain");
    assert!(triggered >= 10, "retrained in week {triggered}");
    let promoted = first(&|k| matches!(k, EventKind::Promoted { .. })).expect("a promotion");
    assert!(promoted >= triggered);
    assert!(kinds.iter().any(|(_, k)| matches!(k, EventKind::ChallengerValidated(g) if g.passed)));
    assert!(kinds.iter().any(
        |(_, k)| matches!(k, EventKind::Alert(Alert::Psi { column, .. }) if column == "MonthlyCharges")
    ));
    // The registry says the same: the new champion in Production, the first archived.
    let name = &sim.config().model_name;
    let champion = sim.registry().by_alias(name, "champion").unwrap();
    assert_eq!(champion.version, sim.champion());
    assert!(champion.version > 1);
    assert_eq!(champion.current_stage, Stage::Production);
    assert_eq!(sim.registry().version(name, 1).unwrap().current_stage, Stage::Archived);
    // Labels arrived for every period but the last two, and the frozen model's line is there.
    let labeled = sim.summaries().iter().filter(|s| s.realized.is_some() && s.frozen.is_some()).count();
    assert_eq!(labeled, 18);
}

#[test]
fn calm_weeks_and_no_policy_change_nothing() {
    let (sim, steps) = run(config(Preset::Calm, Policy::None));
    assert!(steps.iter().all(|s| s.run.is_none() && s.registry.is_empty()));
    assert_eq!(sim.champion(), 1);
    // With no retraining the champion is the frozen model: the two lines are one.
    for s in sim.summaries().iter().filter_map(|s| s.realized.as_ref().zip(s.frozen.as_ref())) {
        assert_eq!(s.0, s.1);
    }
}

#[test]
fn incidents_show_as_data_quality_alerts() {
    let (_, steps) = run(config(Preset::Incidents, Policy::None));
    let alerts = |period: usize| steps[period - 1].summary.alerts.clone();
    assert!(alerts(5).iter().all(|a| !matches!(a, Alert::MissingValues { .. })));
    assert!(alerts(6)
        .iter()
        .any(|a| matches!(a, Alert::MissingValues { column, .. } if column == "TotalCharges")));
    assert!(alerts(14)
        .iter()
        .any(|a| matches!(a, Alert::UnseenCategories { column, .. } if column == "PaymentMethod")));
}

#[test]
fn a_schedule_retrains_on_time() {
    let (_, steps) = run(config(Preset::Calm, Policy::Every { periods: 5 }));
    let retrained: Vec<u32> = steps.iter().filter(|s| s.run.is_some()).map(|s| s.summary.period).collect();
    assert_eq!(retrained, [5, 10, 15, 20]);
}
