//! The Lifecycle section: the report's diagram (§1.2) of a model's life, experimentation → registry and
//! validation → production → monitoring, and the retraining loop back to experimentation, drawn with
//! what the production simulation has done at each stage and the stage it is in lit.

use ciclo_core::simulate::EventKind;
use leptos::prelude::*;

use crate::components::teaching_note::TeachingNote;
use crate::i18n::production::{self as words, P};
use crate::i18n::Key;
use crate::production::{Activity, SimStatus};
use crate::route::Route;
use crate::state::use_app;

/// What the simulation has done, counted for the diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Runs trained.
    pub runs: usize,
    /// Versions registered.
    pub versions: usize,
    /// Challengers promoted.
    pub promotions: usize,
    /// Challengers rejected.
    pub rejected: usize,
    /// Weeks served.
    pub weeks: u32,
    /// Alerts raised.
    pub alerts: usize,
    /// Retrainings started.
    pub retrains: usize,
}

/// Counts `events` (and the weeks served).
pub fn counts(events: &[ciclo_core::simulate::Event], weeks: u32) -> Counts {
    let count = |f: &dyn Fn(&EventKind) -> bool| events.iter().filter(|e| f(&e.kind)).count();
    Counts {
        runs: count(&|k| matches!(k, EventKind::RunLogged { .. })),
        versions: count(&|k| matches!(k, EventKind::VersionRegistered { .. })),
        promotions: count(&|k| matches!(k, EventKind::Promoted { replaced: Some(_), .. })),
        rejected: count(&|k| matches!(k, EventKind::ChallengerRejected { .. })),
        weeks,
        alerts: count(&|k| matches!(k, EventKind::Alert(_))),
        retrains: count(&|k| matches!(k, EventKind::RetrainTriggered { .. })),
    }
}

/// The Lifecycle page.
#[component]
pub fn LifecyclePage() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let production = state.production;
    let counts = Memo::new(move |_| production.events.with(|e| counts(e, production.period())));
    let lit = move |stage: Activity| production.activity.get() == stage;
    let stage = move |activity: Activity, title: P, lines: Box<dyn Fn() -> Vec<String> + Send + Sync>| {
        view! {
            <li class="stage" class:lit=move || lit(activity) data-testid="lifecycle-stage"
                aria-current=move || if lit(activity) { Some("step") } else { None }>
                <h2>{move || title.text(lang.get())}</h2>
                <ul>{move || lines().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                <Show when=move || lit(activity)>
                    <span class="badge now">{move || P::LifecycleNow.text(lang.get())}</span>
                </Show>
            </li>
        }
    };
    let line = move |n: usize, what: P| format!("{n} {}", what.text(lang.get()));
    view! {
        <section class="page lifecycle">
            <h1>{move || Key::LifecycleTitle.text(lang.get())}</h1>
            <TeachingNote text=Key::LifecycleTeaching/>
            <Show when=move || production.status.get() == SimStatus::Idle>
                <p class="notice" data-testid="lifecycle-start">
                    <a href=Route::Monitoring.href()>{move || P::LifecycleStart.text(lang.get())}</a>
                </p>
            </Show>
            <ol class="lifecycle-diagram" data-testid="lifecycle-diagram">
                {stage(Activity::Experiment, P::LifecycleExperiment, Box::new(move || vec![line(counts.get().runs, P::CountRuns)]))}
                {stage(Activity::Registry, P::LifecycleRegistry, Box::new(move || {
                    let c = counts.get();
                    vec![line(c.versions, P::CountVersions), line(c.promotions, P::CountPromotions), line(c.rejected, P::CountRejected)]
                }))}
                {stage(Activity::Production, P::LifecycleProduction, Box::new(move || vec![line(counts.get().weeks as usize, P::CountPeriods)]))}
                {stage(Activity::Monitoring, P::LifecycleMonitoring, Box::new(move || vec![line(counts.get().alerts, P::CountAlerts)]))}
            </ol>
            <p class="lifecycle-loop" data-testid="lifecycle-loop">
                "↺ " {move || P::LifecycleLoop.text(lang.get())} ": "
                {move || {
                    let lang = lang.get();
                    format!(
                        "{} {} · {}: {}",
                        counts.get().retrains,
                        P::CountRetrains.text(lang),
                        P::LifecycleNow.text(lang),
                        words::activity(production.activity.get(), lang)
                    )
                }}
            </p>
            <section class="card" aria-labelledby="lifecycle-recent">
                <h2 id="lifecycle-recent">{move || P::Timeline.text(lang.get())}</h2>
                <ol class="timeline">
                    {move || {
                        let lang = lang.get();
                        production.events.with(|events| events.iter().rev().take(8).map(|e| view! {
                            <li>{format!("{} {} · {}", P::Week.text(lang), e.period, words::event(&e.kind, lang))}</li>
                        }).collect_view())
                    }}
                </ol>
                <p><a href=Route::Monitoring.href()>{move || Key::MonitoringTitle.text(lang.get())}</a></p>
            </section>
        </section>
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;
    use ciclo_core::simulate::{Event, Trigger};

    #[test]
    fn the_diagram_counts_what_happened() {
        let at = |kind| Event { period: 1, time_ms: 0, kind };
        let events = [
            at(EventKind::RunLogged { run_id: "a".into(), f1: 0.6, rows: 10 }),
            at(EventKind::VersionRegistered { version: 1, run_id: "a".into() }),
            at(EventKind::Promoted { version: 1, replaced: None }),
            at(EventKind::RetrainTriggered { trigger: Trigger::Drift }),
            at(EventKind::RunLogged { run_id: "b".into(), f1: 0.6, rows: 10 }),
            at(EventKind::VersionRegistered { version: 2, run_id: "b".into() }),
            at(EventKind::ChallengerRejected { version: 2 }),
        ];
        let c = counts(&events, 12);
        assert_eq!((c.runs, c.versions, c.promotions, c.rejected, c.weeks, c.retrains), (2, 2, 0, 1, 12, 1));
    }
}
