//! The Monitoring section: the model in production, simulated week by week (report §1.2 and §3.3, steps
//! 5–7). The class chooses a story (a preset scenario), a seed and a retraining policy; the simulation
//! runs in a Web Worker ([`crate::production`]), and the page shows each week's drift against the
//! training data with the method used and why, the alerts, the estimated and realized F1 beside the
//! frozen model's, the timeline of what happened, and the simulation's own registry.

use ciclo_core::ml::ModelKind;
use ciclo_core::monitor::{ColumnDrift, PsiBand};
use ciclo_core::simulate::{EventKind, Policy, Preset, Scenario, ScenarioKind, Window};
use leptos::prelude::*;

use crate::charts::data::{Marker, Series};
use crate::charts::line_chart::LineChart;
use crate::components::teaching_note::TeachingNote;
use crate::i18n::models as mwords;
use crate::i18n::production::{self as words, P};
use crate::i18n::{Key, Lang};
use crate::production::{SimSetup, SimStatus, Speed};
use crate::state::use_app;

/// Points of a chart series.
type Points = Vec<(f64, f64)>;

/// The policies offered in the form.
const POLICIES: [Policy; 5] = [
    Policy::None,
    Policy::Every { periods: 4 },
    Policy::Every { periods: 8 },
    Policy::OnDrift,
    Policy::OnPerformanceDrop,
];
/// The windows offered in the form.
const WINDOWS: [Window; 4] =
    [Window::Last { periods: 4 }, Window::Last { periods: 8 }, Window::Mixed { periods: 8 }, Window::All];

/// The setup the URL describes (`#/monitoring?preset=...`), if it has a query.
fn setup_from_url() -> Option<SimSetup> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let (_, query) = hash.split_once('?')?;
    Some(SimSetup::from_query(query))
}

/// Writes `setup` into the URL without navigating, so the address replays this story.
fn setup_to_url(setup: &SimSetup) {
    let Some(window) = web_sys::window() else { return };
    let url = format!("#/monitoring?{}", setup.query());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The Monitoring page.
#[component]
pub fn MonitoringPage() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let production = state.production;
    if production.status.get_untracked() == SimStatus::Idle {
        if let Some(setup) = setup_from_url() {
            production.setup.set(setup);
        }
    }
    let instructor = RwSignal::new(false);
    view! {
        <section class="page monitoring" class:instructor=move || instructor.get()>
            <h1>{move || Key::MonitoringTitle.text(lang.get())}</h1>
            <TeachingNote text=Key::MonitoringTeaching/>
            <SetupForm instructor=instructor/>
            <StatusLine/>
            <Show when=move || !production.summaries.with(|s| s.is_empty())>
                <CurrentWeek/>
                <Charts/>
            </Show>
            <Show when=move || !production.events.with(|e| e.is_empty())>
                <Timeline/>
                <SimRegistry/>
            </Show>
        </section>
    }
}

/// The story's settings and the instructor's controls.
#[component]
fn SetupForm(
    /// Large type for a projector.
    instructor: RwSignal<bool>,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let production = state.production;
    let setup = production.setup;
    let edit = move |f: &dyn Fn(&mut SimSetup)| setup.update(|s| f(s));
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = setup.get_untracked();
        setup_to_url(&chosen);
        production.start(chosen, true);
    };
    let number = |ev: &leptos::ev::Event| event_target_value(ev).trim().parse::<u32>().ok();
    let set_delay = move |ev: leptos::ev::Event| {
        if let Some(d) = number(&ev) {
            edit(&|s| s.delay = d.min(crate::production::MAX_DELAY));
        }
    };
    let set_periods = move |ev: leptos::ev::Event| {
        if let Some(p) = number(&ev) {
            edit(&|s| s.periods = p.clamp(1, crate::production::MAX_PERIODS));
        }
    };
    let decimal = |ev: &leptos::ev::Event| {
        event_target_value(ev)
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|x| (0.0..=1.0).contains(x))
    };
    let set_drift_share = move |ev: leptos::ev::Event| {
        if let Some(x) = decimal(&ev) {
            edit(&|s| s.thresholds.drift_share = x);
        }
    };
    let set_f1_drop = move |ev: leptos::ev::Event| {
        if let Some(x) = decimal(&ev) {
            edit(&|s| {
                s.thresholds.f1_drop = x;
                s.thresholds.estimated_f1_drop = x;
            });
        }
    };
    let busy = move || matches!(production.status.get(), SimStatus::Opening | SimStatus::Stepping);
    let can_step = move || production.status.get() == SimStatus::Ready;
    view! {
        <form class="card sim-setup" on:submit=start aria-labelledby="sim-setup-title">
            <h2 id="sim-setup-title">{move || P::SetupTitle.text(lang.get())}</h2>
            <div class="columns">
                <div class="field">
                    <label for="sim-preset">{move || P::Preset.text(lang.get())}</label>
                    <select id="sim-preset" on:change=move |ev| {
                        if let Some(p) = Preset::parse(&event_target_value(&ev)) { edit(&|s| { s.preset = p; s.scenarios = p.scenarios(); }) }
                    }>
                        {move || Preset::ALL.into_iter().map(|p| view! {
                            <option value=p.as_str() selected=setup.with(|s| s.preset == p)>{words::preset(p, lang.get())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="sim-policy">{move || P::Policy.text(lang.get())}</label>
                    <select id="sim-policy" on:change=move |ev| {
                        if let Some(p) = Policy::parse(&event_target_value(&ev)) { edit(&|s| s.policy = p) }
                    }>
                        {move || POLICIES.into_iter().map(|p| view! {
                            <option value=p.as_text() selected=setup.with(|s| s.policy == p)>{words::policy(p, lang.get())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="sim-window">{move || P::Window.text(lang.get())}</label>
                    <select id="sim-window" on:change=move |ev| {
                        if let Some(w) = Window::parse(&event_target_value(&ev)) { edit(&|s| s.window = w) }
                    }>
                        {move || WINDOWS.into_iter().map(|w| view! {
                            <option value=w.as_text() selected=setup.with(|s| s.window == w)>{words::window(w, lang.get())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="sim-model">{move || P::Model.text(lang.get())}</label>
                    <select id="sim-model" on:change=move |ev| {
                        let kind = if event_target_value(&ev) == "logreg" { ModelKind::LogisticRegression } else { ModelKind::RandomForest };
                        edit(&|s| s.model = kind)
                    }>
                        <option value="forest" selected=move || setup.with(|s| s.model == ModelKind::RandomForest)>
                            {move || P::ModelForest.text(lang.get())}
                        </option>
                        <option value="logreg" selected=move || setup.with(|s| s.model == ModelKind::LogisticRegression)>
                            {move || P::ModelLogreg.text(lang.get())}
                        </option>
                    </select>
                </div>
                <div class="field">
                    <label for="sim-seed">{move || P::Seed.text(lang.get())}</label>
                    <input id="sim-seed" type="number" min="0" prop:value=move || setup.with(|s| s.seed.to_string())
                        on:change=move |ev| if let Ok(seed) = event_target_value(&ev).trim().parse() { edit(&|s| s.seed = seed) }/>
                </div>
                <div class="field">
                    <label for="sim-delay">{move || P::Delay.text(lang.get())}</label>
                    <input id="sim-delay" type="number" min="0" max="12" prop:value=move || setup.with(|s| s.delay.to_string())
                        on:change=set_delay/>
                </div>
                <div class="field">
                    <label for="sim-periods">{move || P::Periods.text(lang.get())}</label>
                    <input id="sim-periods" type="number" min="1" max="104" prop:value=move || setup.with(|s| s.periods.to_string())
                        on:change=set_periods/>
                </div>
                <div class="field">
                    <label for="sim-speed">{move || P::Speed.text(lang.get())}</label>
                    <select id="sim-speed" on:change=move |ev| {
                        if let Some(sp) = Speed::parse(&event_target_value(&ev)) { edit(&|s| s.speed = sp) }
                    }>
                        {move || Speed::ALL.into_iter().map(|sp| view! {
                            <option value=sp.as_str() selected=setup.with(|s| s.speed == sp)>{words::speed(sp, lang.get())}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <ScenarioEditor/>
            <fieldset class="thresholds">
                <legend>{move || P::Thresholds.text(lang.get())}</legend>
                <div class="columns">
                    <div class="field">
                        <label for="sim-drift-share">{move || P::ThresholdDriftShare.text(lang.get())}</label>
                        <input id="sim-drift-share" type="text" inputmode="decimal" prop:value=move || setup.with(|s| s.thresholds.drift_share.to_string())
                            on:change=set_drift_share/>
                    </div>
                    <div class="field">
                        <label for="sim-f1-drop">{move || P::ThresholdF1Drop.text(lang.get())}</label>
                        <input id="sim-f1-drop" type="text" inputmode="decimal" prop:value=move || setup.with(|s| s.thresholds.f1_drop.to_string())
                            on:change=set_f1_drop/>
                    </div>
                    <div class="field">
                        <label for="sim-psi-band">{move || P::ThresholdPsi.text(lang.get())}</label>
                        <select id="sim-psi-band" on:change=move |ev| {
                            if let Some(b) = crate::production::parse_band(&event_target_value(&ev)) { edit(&|s| s.thresholds.psi_band = b) }
                        }>
                            <option value="moderate" selected=move || setup.with(|s| s.thresholds.psi_band == PsiBand::Moderate)>"≥ 0,10"</option>
                            <option value="significant" selected=move || setup.with(|s| s.thresholds.psi_band == PsiBand::Significant)>"≥ 0,25"</option>
                        </select>
                    </div>
                </div>
                <p class="hint">{move || P::ThresholdsHelp.text(lang.get())}</p>
            </fieldset>
            <div class="actions">
                <button type="submit" class="primary" data-testid="sim-start">{move || P::Start.text(lang.get())}</button>
                {move || if production.playing.get() {
                    view! { <button type="button" data-testid="sim-pause" on:click=move |_| production.pause()>{move || P::Pause.text(lang.get())}</button> }.into_any()
                } else {
                    view! { <button type="button" data-testid="sim-play" disabled=move || !can_step() on:click=move |_| production.play()>{move || P::Play.text(lang.get())}</button> }.into_any()
                }}
                <button type="button" data-testid="sim-step" disabled=move || !can_step() || production.playing.get() on:click=move |_| production.step()>
                    {move || P::Step.text(lang.get())}
                </button>
                <button type="button" data-testid="sim-reset" disabled=busy on:click=move |_| production.reset()>{move || P::Reset.text(lang.get())}</button>
                <span class="field inline">
                    <input id="sim-instructor" type="checkbox" prop:checked=move || instructor.get() on:change=move |ev| instructor.set(event_target_checked(&ev))/>
                    <label for="sim-instructor">{move || P::Instructor.text(lang.get())}</label>
                </span>
            </div>
            <p class="hint">{move || P::ShareLink.text(lang.get())}</p>
        </form>
    }
}

/// The story's scenarios, each with its start week and intensity: the preset's, to edit or add to.
#[component]
fn ScenarioEditor() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let setup = state.production.setup;
    let edit = move |i: usize, f: &dyn Fn(&mut Scenario)| {
        setup.update(|s| {
            if let Some(scenario) = s.scenarios.get_mut(i) {
                f(scenario);
            }
        })
    };
    let add = move |_| {
        setup.update(|s| {
            if s.scenarios.len() < crate::production::MAX_SCENARIOS {
                s.scenarios.push(Scenario { kind: ScenarioKind::PriceRise, start: 10, intensity: 1.0 });
            }
        })
    };
    let count = move || setup.with(|s| s.scenarios.len());
    let full = move || count() >= crate::production::MAX_SCENARIOS;
    view! {
        <fieldset class="scenarios" data-testid="scenarios">
            <legend>{move || P::Scenarios.text(lang.get())}</legend>
            <p class="hint">{move || P::ScenariosHelp.text(lang.get())}</p>
            <ol>
                {move || (0..count()).map(|i| {
                    let scenario = setup.with_untracked(|s| s.scenarios.get(i).copied());
                    scenario.map(|sc| {
                        let kind_id = format!("scenario-{i}-kind");
                        let start_id = format!("scenario-{i}-start");
                        let intensity_id = format!("scenario-{i}-intensity");
                        let set_start = move |ev: leptos::ev::Event| {
                            if let Ok(week) = event_target_value(&ev).trim().parse::<u32>() {
                                edit(i, &|s| s.start = week.clamp(1, crate::production::MAX_PERIODS));
                            }
                        };
                        let set_intensity = move |ev: leptos::ev::Event| {
                            let text = event_target_value(&ev).trim().replace(',', ".");
                            if let Some(x) = text.parse::<f64>().ok().filter(|x| x.is_finite()) {
                                edit(i, &|s| s.intensity = x.clamp(0.0, 3.0));
                            }
                        };
                        view! {
                            <li class="inline-form" data-testid="scenario">
                                <div class="field">
                                    <label for=kind_id.clone()>{move || P::ScenarioKind.text(lang.get())}</label>
                                    <select id=kind_id on:change=move |ev| {
                                        if let Some(k) = ScenarioKind::parse(&event_target_value(&ev)) { edit(i, &|s| s.kind = k) }
                                    }>
                                        {ScenarioKind::ALL.into_iter().map(|k| view! {
                                            <option value=k.as_str() selected=k == sc.kind>{move || words::scenario(k, lang.get())}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for=start_id.clone()>{move || P::ScenarioStart.text(lang.get())}</label>
                                    <input id=start_id type="number" min="1" size="4" prop:value=sc.start.to_string() on:change=set_start/>
                                </div>
                                <div class="field">
                                    <label for=intensity_id.clone()>{move || P::ScenarioIntensity.text(lang.get())}</label>
                                    <input id=intensity_id type="text" inputmode="decimal" size="4" prop:value=sc.intensity.to_string() on:change=set_intensity/>
                                </div>
                                <button type="button" class="link" on:click=move |_| setup.update(|s| { if i < s.scenarios.len() { s.scenarios.remove(i); } })>
                                    {move || P::ScenarioRemove.text(lang.get())}
                                </button>
                            </li>
                        }
                    })
                }).collect_view()}
            </ol>
            <button type="button" on:click=add disabled=full>
                {move || P::ScenarioAdd.text(lang.get())}
            </button>
        </fieldset>
    }
}

/// Where the simulation is, in one line.
#[component]
fn StatusLine() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let production = state.production;
    let text = move || {
        let lang = lang.get();
        match production.status.get() {
            SimStatus::Idle => P::StatusIdle.text(lang).to_string(),
            SimStatus::Opening => P::StatusOpening.text(lang).to_string(),
            SimStatus::Failed(error) => error,
            status => {
                let total = production.setup.with(|s| s.config().periods);
                let champion = production.summaries.with(|s| s.last().map_or(1, |s| s.champion));
                let seconds = lang.number(production.worker_ms.get() / 1000.0, 1);
                let done = if status == SimStatus::Finished {
                    format!(" {}", P::Finished.text(lang))
                } else {
                    String::new()
                };
                format!(
                    "{} {} {} {total} · {} v{champion} · {seconds} s {}.{done}",
                    P::Week.text(lang),
                    production.period(),
                    P::Of.text(lang),
                    P::Champion.text(lang),
                    P::ComputeTime.text(lang),
                )
            }
        }
    };
    let failed = move || matches!(production.status.get(), SimStatus::Failed(_));
    view! {
        <p class="sim-status" class:error=failed role="status" data-testid="sim-status">{text}</p>
    }
}

/// The last week against the training data: each column's drift with its method and why, and the alerts.
#[component]
fn CurrentWeek() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let production = state.production;
    let last = Memo::new(move |_| production.summaries.with(|s| s.last().cloned()));
    // The newest week whose labels have arrived, with the champion's realized performance.
    let labeled = Memo::new(move |_| {
        production.summaries.with(|all| all.iter().rev().find_map(|s| Some((s.period, s.realized.clone()?))))
    });
    let row = move |c: ColumnDrift, psi: Option<f64>, lang: Lang| {
        let yes = if c.drifted { P::Yes.text(lang) } else { P::No.text(lang) };
        view! {
            <tr data-testid="drift-row" class:drifted=c.drifted>
                <th scope="row"><code>{c.column.clone()}</code></th>
                <td>{words::method(c.method)}</td>
                <td class="num">{lang.number(c.score, 3)}</td>
                <td class="num">{lang.number(c.threshold, 2)}</td>
                <td data-testid="drift-flag">{yes}</td>
                <td class="num">{psi.map(|p| lang.number(p, 3)).unwrap_or_else(|| "—".to_string())}</td>
                <td class="hint">{words::reason(c.reason, lang)}</td>
            </tr>
        }
    };
    view! {
        {move || last.get().map(|s| {
            let lang = lang.get();
            let drift = s.report.data_drift.clone();
            let summary = format!(
                "{} {}: {} / {} {} ({} %)",
                P::Week.text(lang),
                s.period,
                drift.drifted_columns,
                drift.columns.len(),
                P::DatasetDrift.text(lang),
                lang.number(100.0 * drift.share, 0),
            );
            view! {
                <section class="card" aria-labelledby="week-title" data-testid="current-week">
                    <h2 id="week-title">{P::PeriodTitle.text(lang)}</h2>
                    <p>{summary}</p>
                    {labeled.get().map(|(week, r)| {
                        let auc = r.roc_auc.map(|a| lang.number(a, 3)).unwrap_or_else(|| "—".to_string());
                        view! {
                            <p data-testid="labeled-week">{format!(
                                "{} {week} {}: F1 {} · ROC AUC {auc} · ECE {}",
                                P::Week.text(lang), P::LabeledNow.text(lang), lang.number(r.f1, 3), lang.number(r.calibration_error, 3),
                            )}</p>
                        }
                    })}
                    <h3>{P::Alerts.text(lang)}</h3>
                    {if s.alerts.is_empty() {
                        view! { <p class="hint">{P::NoAlerts.text(lang)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="alerts" data-testid="alerts">
                                {s.alerts.iter().map(|a| view! { <li>{words::alert(a, lang)}</li> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <div class="table-scroll">
                        <table class="data" data-testid="drift-table">
                            <thead><tr>
                                <th scope="col">{P::Column.text(lang)}</th>
                                <th scope="col">{P::Method.text(lang)}</th>
                                <th scope="col">{P::Score.text(lang)}</th>
                                <th scope="col">{P::Threshold.text(lang)}</th>
                                <th scope="col">{P::Drifted.text(lang)}</th>
                                <th scope="col">"PSI"</th>
                                <th scope="col">{P::WhyMethod.text(lang)}</th>
                            </tr></thead>
                            <tbody>
                                {drift.columns.into_iter().map(|c| {
                                    let psi = s.report.psi.iter().find(|p| p.column == c.column).map(|p| p.psi);
                                    row(c, psi, lang)
                                }).collect_view()}
                                {s.report.prediction_drift.clone().map(|mut c| {
                                    c.column = P::PredictionRow.text(lang).to_string();
                                    row(c, s.report.prediction_psi.as_ref().map(|p| p.psi), lang)
                                })}
                            </tbody>
                        </table>
                    </div>
                </section>
            }
        })}
    }
}

/// Drift of a chosen column, and F1 estimated, realized and frozen, week by week, with the champion
/// changes marked.
#[component]
fn Charts() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let production = state.production;
    let column = RwSignal::new("MonthlyCharges".to_string());
    let columns = Memo::new(move |_| {
        production.summaries.with(|s| {
            s.first()
                .map(|s| s.report.data_drift.columns.iter().map(|c| c.column.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let markers = move || {
        production.events.with(|events| {
            events
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::Promoted { version, replaced: Some(_) } => {
                        Some(Marker { x: f64::from(e.period), label: format!("v{version}") })
                    }
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    };
    let drift_chart = move || {
        let lang = lang.get();
        let name = column.get();
        let (score, threshold): (Points, Points) = production.summaries.with(|all| {
            all.iter()
                .filter_map(|s| {
                    let c = s.report.data_drift.columns.iter().find(|c| c.column == name)?;
                    let x = f64::from(s.period);
                    Some(((x, c.score), (x, c.threshold)))
                })
                .unzip()
        });
        let series = vec![Series::new(name.clone(), score), Series::new(P::Threshold.text(lang), threshold)];
        view! {
            <LineChart title=format!("{} · {name}", P::DriftChart.text(lang)) series=series x_title=P::Week.text(lang)
                y_title=P::Score.text(lang) markers=markers() format=lang/>
        }
    };
    let performance_chart = move || {
        let lang = lang.get();
        let (estimated, realized, frozen) = production.summaries.with(|all| {
            let x = |s: &ciclo_core::simulate::PeriodSummary| f64::from(s.period);
            (
                all.iter().filter_map(|s| Some((x(s), s.report.estimated.as_ref()?.f1))).collect::<Vec<_>>(),
                all.iter().filter_map(|s| Some((x(s), s.realized.as_ref()?.f1))).collect::<Vec<_>>(),
                all.iter().filter_map(|s| Some((x(s), s.frozen.as_ref()?.f1))).collect::<Vec<_>>(),
            )
        });
        // The frozen line first, so the champion's is drawn over it: until the first promotion the two
        // are the same model, and the champion's line is the one to see.
        let series = vec![
            Series::new(P::Estimated.text(lang), estimated),
            Series::new(P::Frozen.text(lang), frozen),
            Series::new(P::Realized.text(lang), realized),
        ];
        view! {
            <LineChart title=P::PerformanceChart.text(lang) series=series x_title=P::Week.text(lang)
                y_title="F1" markers=markers() format=lang/>
        }
    };
    view! {
        <section class="card charts" aria-labelledby="sim-charts-title" data-testid="sim-charts">
            <h2 id="sim-charts-title" class="visually-hidden">{move || P::DriftChart.text(lang.get())}</h2>
            <div class="field">
                <label for="sim-chart-column">{move || P::DriftChartColumn.text(lang.get())}</label>
                <select id="sim-chart-column" on:change=move |ev| column.set(event_target_value(&ev))>
                    {move || columns.get().into_iter().map(|c| {
                        let selected = c == column.get_untracked();
                        view! { <option value=c.clone() selected=selected>{c.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="chart-grid">
                <figure data-testid="drift-chart">{drift_chart}<figcaption class="hint">{move || P::DriftChartExplain.text(lang.get())}</figcaption></figure>
                <figure data-testid="performance-chart">{performance_chart}<figcaption class="hint">{move || P::PerformanceExplain.text(lang.get())}</figcaption></figure>
            </div>
        </section>
    }
}

/// Every event, newest first.
#[component]
fn Timeline() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let production = state.production;
    view! {
        <section class="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{move || P::Timeline.text(lang.get())}</h2>
            <ol class="timeline" data-testid="timeline">
                {move || {
                    let lang = lang.get();
                    production.events.with(|events| events.iter().rev().map(|e| {
                        let class = match e.kind {
                            EventKind::Alert(_) => "event alert",
                            EventKind::Promoted { .. } => "event promoted",
                            EventKind::ChallengerRejected { .. } => "event rejected",
                            EventKind::ScenarioStarted { .. } => "event scenario",
                            _ => "event",
                        };
                        view! {
                            <li class=class data-testid="timeline-event">
                                <span class="when">{format!("{} {}", P::Week.text(lang), e.period)}</span>
                                " "
                                {match &e.kind {
                                    EventKind::RunLogged { run_id, .. } => view! {
                                        <a class="what" href=crate::route::Page::Run(run_id.clone()).href()>{words::event(&e.kind, lang)}</a>
                                    }.into_any(),
                                    kind => view! { <span class="what">{words::event(kind, lang)}</span> }.into_any(),
                                }}
                            </li>
                        }
                    }).collect_view())
                }}
            </ol>
        </section>
    }
}

/// The simulation's registry: its versions with stage and aliases, and its audit log.
#[component]
fn SimRegistry() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let production = state.production;
    let name = move || production.setup.with(|s| s.config().model_name);
    view! {
        <section class="card" aria-labelledby="sim-registry-title" data-testid="sim-registry">
            <h2 id="sim-registry-title">{move || P::Registry.text(lang.get())}</h2>
            <p class="hint">{move || P::RetrainNote.text(lang.get())}</p>
            <div class="table-scroll">
                <table class="data" data-testid="sim-versions">
                    <caption>{move || format!("{} · {}", name(), P::Versions.text(lang.get()))}</caption>
                    <thead><tr>
                        <th scope="col">{move || mwords::M::Version.text(lang.get())}</th>
                        <th scope="col">{move || mwords::M::Stage.text(lang.get())}</th>
                        <th scope="col">{move || mwords::M::Aliases.text(lang.get())}</th>
                        <th scope="col">{move || mwords::M::Run.text(lang.get())}</th>
                    </tr></thead>
                    <tbody>
                        {move || {
                            let name = name();
                            production.registry.with(|r| {
                                let aliases = r.model(&name).map(|m| m.aliases.clone()).unwrap_or_default();
                                r.versions_of(&name).map(|v| {
                                    let names: Vec<String> = aliases.iter().filter(|(_, n)| **n == v.version).map(|(a, _)| format!("@{a}")).collect();
                                    view! {
                                        <tr data-testid="sim-version">
                                            <td class="num">{v.version}</td>
                                            <td><span class=format!("stage stage-{}", v.current_stage.as_str().to_lowercase())>{v.current_stage.as_str()}</span></td>
                                            <td data-testid="sim-version-aliases">{names.join(" ")}</td>
                                            <td><code>{v.run_id.chars().take(8).collect::<String>()}</code></td>
                                        </tr>
                                    }
                                }).collect_view()
                            })
                        }}
                    </tbody>
                </table>
            </div>
            <details class="audit">
                <summary>{move || mwords::M::Audit.text(lang.get())}</summary>
                <ol class="audit-list">
                    {move || {
                        let lang = lang.get();
                        production.registry.with(|r| r.audit.iter().map(|e| view! {
                            <li>{format!("#{} · {} · {}", e.seq, e.version.map(|v| format!("v{v}")).unwrap_or_default(), mwords::event(&e.event, lang))}
                                {(!e.reason.is_empty()).then(|| format!(" — {}", e.reason))}</li>
                        }).collect_view())
                    }}
                </ol>
            </details>
        </section>
    }
}
