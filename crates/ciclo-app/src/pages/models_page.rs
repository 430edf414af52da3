//! The Models section: MLflow's Model Registry in the page. Register a run's model as a version; move
//! versions between stages and aliases; promote past a gate whose numbers are kept; read the audit log;
//! follow a version's lineage back to its data, parameters and seed; read its model card and download
//! its MLmodel descriptor.

use ciclo_core::registry::{
    self, check_gate, edit_meta, GateRule, MetaEdit, ModelVersion, Promotion, RegisteredModel, Registry,
    Stage, Subject, Target,
};
use ciclo_core::tracking::{Run, RunStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::autolog;
use crate::components::meta_editor::MetaEditor;
use crate::components::teaching_note::TeachingNote;
use crate::i18n::models::{self as words, M};
use crate::i18n::{Key, Lang};
use crate::models::{load_model, load_model_text, ModelsError};
use crate::route::Page;
use crate::state::{use_app, AppState};

/// The name the demo registers under.
pub const DEFAULT_MODEL_NAME: &str = "churn";

/// Finished runs with a logged model, newest first, as `(run id, label)`.
pub fn registrable_runs(runs: &[Run]) -> Vec<(String, String)> {
    let mut found: Vec<&Run> = runs
        .iter()
        .filter(|r| {
            r.status == RunStatus::Finished
                && !r.is_deleted()
                && r.artifacts.iter().any(|a| a.path == autolog::MODEL)
        })
        .collect();
    found.sort_by_key(|r| std::cmp::Reverse(r.start_time));
    found
        .into_iter()
        .map(|r| {
            let f1 = r.metrics.get("f1").map(|v| format!(" · f1 {v:.3}")).unwrap_or_default();
            (r.run_id.clone(), format!("{}{f1}", r.run_name))
        })
        .collect()
}

/// The steps of a version's lineage, `(label, value, link)`: run, data, preprocessing, parameters, seed,
/// app build.
pub fn lineage(
    version: &ModelVersion,
    run: Option<&Run>,
    lang: Lang,
) -> Vec<(String, String, Option<String>)> {
    let t = |m: M| m.text(lang).to_string();
    let mut steps = vec![(
        format!("{} {}", t(M::Version), version.version),
        format!("models:/{}/{}", version.name, version.version),
        None,
    )];
    steps.push((
        t(M::Run),
        version.run_id.chars().take(8).collect(),
        Some(Page::Run(version.run_id.clone()).href()),
    ));
    let Some(run) = run else { return steps };
    if let Some(input) = run.inputs.first() {
        steps.push((
            t(M::LineageData),
            format!("{} · {} · {} rows", input.name, input.digest, input.rows),
            Some(crate::route::Route::Data.href()),
        ));
    }
    let param = |k: &str| run.params.get(k).cloned().unwrap_or_else(|| "—".into());
    steps.push((
        t(M::LineagePreprocessing),
        format!("fill={} · one-hot · standardize · target={}", param("fill"), param("target")),
        None,
    ));
    let model_params: Vec<String> = run
        .params
        .iter()
        .filter(|(k, _)| !["fill", "target", "seed", "positive"].contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    steps.push((t(M::LineageParams), model_params.join(" · "), None));
    steps.push((t(M::LineageSeed), param("seed"), None));
    steps.push((
        t(M::LineageBuild),
        run.tags.get("ciclo.build").cloned().unwrap_or_else(|| "—".into()),
        None,
    ));
    steps
}

/// The MLmodel-like descriptor of a version: MLflow's `MLmodel` fields (artifact path, flavors, run id,
/// signature, creation time) plus the registry's and the model card's, as JSON (which YAML also reads).
pub fn mlmodel(
    version: &ModelVersion,
    run: Option<&Run>,
    signature: serde_json::Value,
    lang: Lang,
) -> String {
    let metrics: serde_json::Map<String, serde_json::Value> = run
        .map(|r| r.metrics.iter().map(|(k, v)| (k.clone(), serde_json::json!(v))).collect())
        .unwrap_or_default();
    let data = run
        .and_then(|r| r.inputs.first())
        .map(|d| serde_json::json!({ "name": d.name, "digest": d.digest, "rows": d.rows }));
    let model = run.and_then(|r| r.params.get("model").cloned()).unwrap_or_default();
    let descriptor = serde_json::json!({
        "artifact_path": registry::MODEL_ARTIFACT_PATH,
        "flavors": { "ciclo": { "format": ciclo_core::serving::MODEL_FORMAT, "format_version": ciclo_core::serving::MODEL_VERSION, "model": model, "data": "model.json" } },
        "run_id": version.run_id,
        "model_uri": version.source,
        "signature": signature,
        "utc_time_created": version.creation_time,
        "registered_model": { "name": version.name, "version": version.version, "stage": version.current_stage.as_str() },
        "model_card": {
            "metrics": metrics,
            "data": data,
            "intended_use": M::CardIntendedUseText.text(lang),
            "limits": M::CardLimitsText.text(lang),
        },
    });
    serde_json::to_string_pretty(&descriptor).unwrap_or_default()
}

/// The Models section.
#[component]
pub fn ModelsPage() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    // Names only: a model's view stays (with its messages) while its records change.
    let models = Memo::new(move |_| {
        state.models.registry.with(|r| r.models.iter().map(|m| m.name.clone()).collect::<Vec<_>>())
    });
    view! {
        <section class="page" aria-labelledby="models-title">
            <h1 id="models-title">{move || Key::ModelsTitle.text(lang.get())}</h1>
            <TeachingNote text=Key::ModelsTeaching/>
            <p class="hint">{move || M::StagesVsAliases.text(lang.get())}</p>
            <RegisterForm/>
            <Show
                when=move || !models.with(Vec::is_empty)
                fallback=move || view! { <p class="empty">{move || M::NoModels.text(lang.get())}</p> }
            >
                {move || models.get().into_iter().map(|name| view! { <ModelView name=name/> }).collect_view()}
            </Show>
        </section>
    }
}

/// Registers a run's model.
#[component]
fn RegisterForm() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let runs = Memo::new(move |_| state.tracking.snapshot.with(|s| registrable_runs(&s.runs)));
    let run = RwSignal::new(String::new());
    let name = RwSignal::new(DEFAULT_MODEL_NAME.to_string());
    let reason = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = {
            let picked = run.get_untracked();
            if picked.is_empty() {
                runs.with_untracked(|r| r.first().map(|(id, _)| id.clone())).unwrap_or_default()
            } else {
                picked
            }
        };
        let name = name.get_untracked().trim().to_string();
        let now = js_sys::Date::now() as i64;
        let planned = state
            .models
            .registry
            .with_untracked(|r| registry::register(r, &name, &chosen, now, &reason.get_untracked()));
        match planned {
            Err(error) => message.set(Some((false, words::registry_error(&error, lang.get_untracked())))),
            Ok((changes, version)) => spawn_local(async move {
                match state.models.apply(changes).await {
                    Ok(()) => {
                        reason.set(String::new());
                        message.set(Some((true, format!("models:/{name}/{version}"))));
                    }
                    Err(error) => {
                        message.set(Some((false, words::models_error(&error, lang.get_untracked()))))
                    }
                }
            }),
        }
    };
    view! {
        <section class="card" aria-labelledby="register-title">
            <h2 id="register-title">{move || M::RegisterTitle.text(lang.get())}</h2>
            <Show
                when=move || !runs.with(Vec::is_empty)
                fallback=move || view! { <p class="empty">{move || M::RegisterNoRuns.text(lang.get())}</p> }
            >
                <form on:submit=submit class="inline-form">
                    <div class="field">
                        <label for="register-run">{move || M::RegisterRun.text(lang.get())}</label>
                        <select id="register-run" on:change=move |ev| run.set(event_target_value(&ev))>
                            {move || runs.get().into_iter().map(|(id, label)| {
                                let selected = id == run.get_untracked();
                                view! { <option value=id selected=selected>{label}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="register-name">{move || M::RegisterName.text(lang.get())}</label>
                        <input id="register-name" type="text" required prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="register-reason">{move || M::RegisterReason.text(lang.get())}</label>
                        <input id="register-reason" type="text" prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))/>
                    </div>
                    <button type="submit" class="primary" data-testid="register-button">{move || M::RegisterButton.text(lang.get())}</button>
                </form>
            </Show>
            {move || message.get().map(|(ok, text)| if ok {
                view! { <p class="notice" role="status" data-testid="register-done">{text}</p> }.into_any()
            } else {
                view! { <p class="error" role="alert" data-testid="register-error">{text}</p> }.into_any()
            })}
        </section>
    }
}

/// One registered model: its versions with their actions, the chosen version's lineage and card, and the
/// audit log.
#[component]
fn ModelView(
    /// The model's name.
    name: String,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let key = name.clone();
    let model = Memo::new(move |_| state.models.registry.with(|r| r.model(&key).cloned()));
    let key = name.clone();
    let versions =
        Memo::new(move |_| state.models.registry.with(|r| r.versions_of(&key).cloned().collect::<Vec<_>>()));
    let key = name.clone();
    let audit =
        Memo::new(move |_| state.models.registry.with(|r| r.audit_of(&key).cloned().collect::<Vec<_>>()));
    let selected = RwSignal::new(None::<u32>);
    // The last action's outcome: kept here, as the version panel is drawn again when the version changes.
    let message = RwSignal::new(None::<(bool, String)>);
    let shown = Memo::new(move |_| {
        let all = versions.get();
        selected
            .get()
            .and_then(|v| all.iter().find(|x| x.version == v).cloned())
            .or_else(|| all.last().cloned())
    });
    // The panel is drawn again only when another version is chosen, not when the shown one changes (a
    // tag added, a stage moved): its forms keep what is typed in them.
    let shown_number = Memo::new(move |_| shown.with(|s| s.as_ref().map(|v| v.version)));
    let title_id = format!("model-{name}");
    let labelled_by = title_id.clone();
    let model_description =
        Signal::derive(move || model.with(|m| m.as_ref().map(|m| m.description.clone()).unwrap_or_default()));
    let model_tags = Signal::derive(move || {
        model.with(|m| m.as_ref().map(|m| m.tags.clone().into_iter().collect()).unwrap_or_default())
    });
    let on_model_edit = meta_callback(state, name.clone(), None, message);
    view! {
        <section class="card model" aria-labelledby=labelled_by data-testid="registered-model">
            <h2 id=title_id><code>{name.clone()}</code></h2>
            <MetaEditor id_prefix="model" description=model_description tags=model_tags on_edit=on_model_edit/>
            {move || model.get().map(|m: RegisteredModel| (!m.aliases.is_empty()).then(|| view! {
                <p class="aliases" data-testid="model-aliases">
                    {m.aliases.iter().map(|(a, v)| view! { <span class="badge alias">{format!("@{a} → v{v}")}</span> " " }).collect_view()}
                </p>
            }))}
            <div class="table-scroll">
                <table class="data" data-testid="versions">
                    <caption>{move || M::Versions.text(lang.get())}</caption>
                    <thead><tr>
                        <th scope="col">{move || M::Version.text(lang.get())}</th>
                        <th scope="col">{move || M::Stage.text(lang.get())}</th>
                        <th scope="col">{move || M::Aliases.text(lang.get())}</th>
                        <th scope="col">{move || M::Run.text(lang.get())}</th>
                        <th scope="col">"f1"</th>
                        <th scope="col">"roc_auc"</th>
                        <th scope="col"></th>
                    </tr></thead>
                    <tbody>
                        {move || {
                            let aliases = model.get().map(|m| m.aliases).unwrap_or_default();
                            versions.get().into_iter().map(|v| {
                                let run = state.tracking.snapshot.with(|s| s.run(&v.run_id).cloned());
                                let metric = |k: &str| run.as_ref().and_then(|r| r.metrics.get(k)).map(|x| format!("{x:.3}")).unwrap_or_else(|| "—".into());
                                let names: Vec<String> = aliases.iter().filter(|(_, n)| **n == v.version).map(|(a, _)| format!("@{a}")).collect();
                                let number = v.version;
                                let is_shown = move || shown.with(|s| s.as_ref().map(|s| s.version) == Some(number));
                                view! {
                                    <tr data-testid="version-row" class:selected=is_shown>
                                        <td class="num">{v.version}</td>
                                        <td><span class=format!("stage stage-{}", v.current_stage.as_str().to_lowercase()) data-testid="version-stage">{words::stage(v.current_stage)}</span></td>
                                        <td data-testid="version-aliases">{names.join(" ")}</td>
                                        <td><a href=Page::Run(v.run_id.clone()).href()><code>{v.run_id.chars().take(8).collect::<String>()}</code></a></td>
                                        <td class="num">{metric("f1")}</td>
                                        <td class="num">{metric("roc_auc")}</td>
                                        <td><button type="button" on:click=move |_| selected.set(Some(number))>{move || M::Actions.text(lang.get())}</button></td>
                                    </tr>
                                }
                            }).collect_view()
                        }}
                    </tbody>
                </table>
            </div>
            {move || shown_number.get().and_then(|_| shown.get_untracked()).map(|v| view! { <VersionPanel version=v message=message/> })}
            {move || message.get().map(|(ok, text)| view! {
                <p class=if ok { "notice" } else { "error" } role="status" data-testid="version-message">{text}</p>
            })}
            <details class="audit" open>
                <summary>{move || M::Audit.text(lang.get())}</summary>
                <div class="table-scroll">
                    <table class="data" data-testid="audit-log">
                        <thead><tr>
                            <th scope="col">"#"</th>
                            <th scope="col">{move || M::AuditTime.text(lang.get())}</th>
                            <th scope="col">{move || M::Version.text(lang.get())}</th>
                            <th scope="col">{move || M::AuditEvent.text(lang.get())}</th>
                            <th scope="col">{move || M::Reason.text(lang.get())}</th>
                        </tr></thead>
                        <tbody>
                            {move || {
                                let lang = lang.get();
                                audit.get().into_iter().map(|e| view! {
                                    <tr data-testid="audit-row">
                                        <td class="num">{e.seq}</td>
                                        <td>{time_text(lang, e.time)}</td>
                                        <td class="num">{e.version.map(|v| format!("v{v}")).unwrap_or_default()}</td>
                                        <td>{words::event(&e.event, lang)}</td>
                                        <td>{e.reason.clone()}</td>
                                    </tr>
                                }).collect_view()
                            }}
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}

/// A time in the page's language and the browser's time zone.
fn time_text(lang: Lang, ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let locale = match lang {
        Lang::Es => "es-ES",
        Lang::En => "en-GB",
    };
    String::from(date.to_locale_string(locale, &wasm_bindgen::JsValue::UNDEFINED))
}

/// Which gate a promotion checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GateKind {
    Report,
    Champion,
}

/// The actions, lineage and card of one version.
#[component]
fn VersionPanel(
    /// The version.
    version: ModelVersion,
    /// Where the outcome of an action is said.
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let (name, number) = (version.name.clone(), version.version);
    let run = state.tracking.snapshot.with_untracked(|s| s.run(&version.run_id).cloned());
    let stage = RwSignal::new(Stage::Staging);
    let archive = RwSignal::new(true);
    let reason = RwSignal::new(String::new());
    let alias = RwSignal::new("challenger".to_string());
    let gate_kind = RwSignal::new(GateKind::Report);
    let margin = RwSignal::new("0.01".to_string());
    let to_champion = RwSignal::new(false);
    let busy = RwSignal::new(false);

    let report = move |outcome: Result<(), ModelsError>, done: String| match outcome {
        Ok(()) => message.set(Some((true, done))),
        Err(error) => message.set(Some((false, words::models_error(&error, lang.get_untracked())))),
    };
    let n = name.clone();
    let change_stage = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let now = js_sys::Date::now() as i64;
        let to = stage.get_untracked();
        let planned = state.models.registry.with_untracked(|r| {
            registry::transition(r, &n, number, to, archive.get_untracked(), now, &reason.get_untracked())
        });
        match planned {
            Err(error) => message.set(Some((false, words::registry_error(&error, lang.get_untracked())))),
            Ok(changes) => spawn_local(async move {
                report(state.models.apply(changes).await, format!("v{number} → {}", to.as_str()));
            }),
        }
    };
    let n = name.clone();
    let set_alias = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let now = js_sys::Date::now() as i64;
        let a = alias.get_untracked().trim().to_string();
        let planned = state
            .models
            .registry
            .with_untracked(|r| registry::set_alias(r, &n, &a, number, now, &reason.get_untracked()));
        match planned {
            Err(error) => message.set(Some((false, words::registry_error(&error, lang.get_untracked())))),
            Ok(changes) => spawn_local(async move {
                report(state.models.apply(changes).await, format!("@{a} → v{number}"));
            }),
        }
    };
    let n = name.clone();
    let promote = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (name, reason) = (n.clone(), reason.get_untracked());
        let margin = margin.get_untracked().replace(',', ".").trim().parse::<f64>().unwrap_or(0.01);
        let kind = gate_kind.get_untracked();
        let champion_target = to_champion.get_untracked();
        busy.set(true);
        message.set(None);
        spawn_local(async move {
            let outcome =
                promote_past_gate(state, &name, number, kind, margin, champion_target, &reason).await;
            let _ = busy.try_set(false);
            match outcome {
                Ok((text, promoted)) => message.set(Some((promoted, text))),
                Err(text) => message.set(Some((false, text))),
            }
        });
    };
    let download_version = version.clone();
    let download_run = run.clone();
    let download = move |_| {
        let (version, run) = (download_version.clone(), download_run.clone());
        spawn_local(async move {
            let lang = lang.get_untracked();
            match load_model(state.tracking, &version.run_id).await {
                Ok(model) => {
                    let text = mlmodel(&version, run.as_ref(), model.signature().mlflow_json(), lang);
                    if let Err(error) = crate::download::download("MLmodel", "application/json", &text) {
                        log::error!("download failed: {error}");
                    }
                }
                Err(error) => message.set(Some((false, words::models_error(&error, lang)))),
            }
        });
    };
    let steps = move || lineage(&version, run.as_ref(), lang.get());
    let card_run =
        state.tracking.snapshot.with_untracked(|s| s.run(&version_run_id(&name, number, state)).cloned());
    let key = name.clone();
    let current = Memo::new(move |_| state.models.registry.with(|r| r.version(&key, number).cloned()));
    let version_description = Signal::derive(move || {
        current.with(|v| v.as_ref().map(|v| v.description.clone()).unwrap_or_default())
    });
    let version_tags = Signal::derive(move || {
        current.with(|v| v.as_ref().map(|v| v.tags.clone().into_iter().collect()).unwrap_or_default())
    });
    let on_version_edit = meta_callback(state, name.clone(), Some(number), message);

    view! {
        <section class="version-panel" aria-labelledby="version-panel-title" data-testid="version-panel">
            <h3 id="version-panel-title">{format!("{name} · v{number}")}</h3>
            <MetaEditor id_prefix="version" description=version_description tags=version_tags on_edit=on_version_edit/>
            <div class="columns">
                <form on:submit=change_stage class="action">
                    <div class="field">
                        <label for="version-stage">{move || M::ChangeStage.text(lang.get())}</label>
                        <select id="version-stage" on:change=move |ev| if let Some(s) = Stage::parse(&event_target_value(&ev)) { stage.set(s) }>
                            {Stage::ALL.into_iter().map(|s| view! { <option value=s.as_str() selected=s == Stage::Staging>{s.as_str()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field inline">
                        <input id="archive-existing" type="checkbox" prop:checked=move || archive.get() on:change=move |ev| archive.set(event_target_checked(&ev))/>
                        <label for="archive-existing">{move || M::ArchiveExisting.text(lang.get())}</label>
                    </div>
                    <div class="field">
                        <label for="version-reason">{move || M::Reason.text(lang.get())}</label>
                        <input id="version-reason" type="text" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                    </div>
                    <button type="submit" data-testid="stage-button">{move || M::ChangeStageButton.text(lang.get())}</button>
                </form>
                <form on:submit=set_alias class="action">
                    <div class="field">
                        <label for="version-alias">{move || M::AliasName.text(lang.get())}</label>
                        <input id="version-alias" type="text" prop:value=move || alias.get() on:input=move |ev| alias.set(event_target_value(&ev))/>
                    </div>
                    <button type="submit" data-testid="alias-button">{move || M::SetAliasButton.text(lang.get())}</button>
                </form>
            </div>
            <form on:submit=promote class="action gate" aria-labelledby="gate-title">
                <h4 id="gate-title">{move || M::PromoteTitle.text(lang.get())}</h4>
                <p class="hint">{move || M::GateExplain.text(lang.get())}</p>
                <fieldset>
                    <legend>{move || M::GateRule.text(lang.get())}</legend>
                    <div class="field inline">
                        <input id="gate-report" type="radio" name="gate" prop:checked=move || gate_kind.get() == GateKind::Report on:change=move |_| gate_kind.set(GateKind::Report)/>
                        <label for="gate-report">{move || M::GateReport.text(lang.get())}</label>
                    </div>
                    <div class="field inline">
                        <input id="gate-champion" type="radio" name="gate" prop:checked=move || gate_kind.get() == GateKind::Champion on:change=move |_| gate_kind.set(GateKind::Champion)/>
                        <label for="gate-champion">{move || M::GateChampion.text(lang.get())}</label>
                        <label for="gate-margin" class="visually-hidden">{move || M::GateMargin.text(lang.get())}</label>
                        <input id="gate-margin" type="text" inputmode="decimal" size="5" prop:value=move || margin.get() on:input=move |ev| margin.set(event_target_value(&ev))/>
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{move || M::PromoteTarget.text(lang.get())}</legend>
                    <div class="field inline">
                        <input id="target-production" type="radio" name="target" prop:checked=move || !to_champion.get() on:change=move |_| to_champion.set(false)/>
                        <label for="target-production">{move || M::TargetProduction.text(lang.get())}</label>
                    </div>
                    <div class="field inline">
                        <input id="target-champion" type="radio" name="target" prop:checked=move || to_champion.get() on:change=move |_| to_champion.set(true)/>
                        <label for="target-champion">{move || M::TargetChampion.text(lang.get())}</label>
                    </div>
                </fieldset>
                <button type="submit" class="primary" data-testid="promote-button" disabled=move || busy.get()>{move || M::PromoteButton.text(lang.get())}</button>
                <Show when=move || busy.get()><p class="hint" role="status">{move || M::Evaluating.text(lang.get())}</p></Show>
                <p class="hint">{move || M::GateHonest.text(lang.get())}</p>
            </form>
            <section class="lineage-section" aria-labelledby="lineage-title">
                <h4 id="lineage-title">{move || M::Lineage.text(lang.get())}</h4>
                <p class="hint">{move || M::LineageExplain.text(lang.get())}</p>
                <ol class="lineage" data-testid="lineage">
                    {move || steps().into_iter().map(|(label, value, link)| view! {
                        <li>
                            <span class="lineage-label">{label}</span>
                            {match link {
                                Some(href) => view! { <a href=href><code>{value}</code></a> }.into_any(),
                                None => view! { <code>{value}</code> }.into_any(),
                            }}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
            <details class="model-card" data-testid="model-card">
                <summary>{move || M::ModelCard.text(lang.get())}</summary>
                {card_run.map(|r| {
                    let metrics: Vec<String> = ["accuracy", "precision", "recall", "f1", "roc_auc"]
                        .iter()
                        .filter_map(|k| r.metrics.get(*k).map(|v| format!("{k} {v:.3}")))
                        .collect();
                    view! { <p><strong>{move || Key::RunMetrics.text(lang.get())}</strong> ": " {metrics.join(" · ")}</p> }
                })}
                <p><strong>{move || M::CardIntendedUse.text(lang.get())}</strong> ": " {move || M::CardIntendedUseText.text(lang.get())}</p>
                <p><strong>{move || M::CardLimits.text(lang.get())}</strong> ": " {move || M::CardLimitsText.text(lang.get())}</p>
                <button type="button" on:click=download data-testid="download-mlmodel">{move || M::DownloadMlmodel.text(lang.get())}</button>
            </details>
        </section>
    }
}

/// Plans a description or tag edit of `name` (or its version), writes it and says the outcome in
/// `message`; answers whether the edit was accepted for writing.
fn meta_callback(
    state: AppState,
    name: String,
    version: Option<u32>,
    message: RwSignal<Option<(bool, String)>>,
) -> Callback<MetaEdit, bool> {
    Callback::new(move |edit: MetaEdit| {
        let lang = state.lang.get_untracked();
        let now = js_sys::Date::now() as i64;
        let subject = match version {
            Some(v) => Subject::Version(&name, v),
            None => Subject::Model(&name),
        };
        match state.models.registry.with_untracked(|r| edit_meta(r, subject, &edit, now)) {
            Err(error) => {
                message.set(Some((false, words::registry_error(&error, lang))));
                false
            }
            Ok(changes) if changes.is_empty() => true,
            Ok(changes) => {
                spawn_local(async move {
                    match state.models.apply(changes).await {
                        Ok(()) => message.set(Some((true, M::MetaSaved.text(lang).to_string()))),
                        Err(error) => message.set(Some((false, words::models_error(&error, lang)))),
                    }
                });
                true
            }
        }
    })
}

/// The run id of version `number` of `name`.
fn version_run_id(name: &str, number: u32, state: AppState) -> String {
    state
        .models
        .registry
        .with_untracked(|r| r.version(name, number).map(|v| v.run_id.clone()))
        .unwrap_or_default()
}

/// The current champion for a promotion: the `@champion` alias when promoting to it, else the version in
/// Production.
fn champion(registry: &Registry, name: &str, to_alias: bool) -> Option<ModelVersion> {
    if to_alias {
        registry.by_alias(name, "champion").cloned()
    } else {
        registry.latest_in_stage(name, Stage::Production).cloned()
    }
}

/// Checks the gate and promotes version `number` if it passes; the gate's result is stored either way.
/// Returns the gate's result in words and whether the version moved.
async fn promote_past_gate(
    state: AppState,
    name: &str,
    number: u32,
    kind: GateKind,
    margin: f64,
    to_alias: bool,
    reason: &str,
) -> Result<(String, bool), String> {
    let lang = state.lang.get_untracked();
    let registry = state.models.registry.get_untracked();
    let version = registry.version(name, number).cloned().ok_or_else(|| format!("v{number}?"))?;
    let check = match kind {
        GateKind::Report => {
            let f1 = state
                .tracking
                .snapshot
                .with_untracked(|s| s.run(&version.run_id).and_then(|r| r.metrics.get("f1").copied()))
                .unwrap_or(f64::NAN);
            check_gate(&GateRule::report(), number, f1, None, None)
        }
        GateKind::Champion => {
            let rule = GateRule::BeatsChampion { metric: "f1".to_string(), margin };
            let load = |run_id: String| async move {
                load_model_text(state.tracking, &run_id).await.map_err(|e| words::models_error(&e, lang))
            };
            let current = champion(&registry, name, to_alias).filter(|c| c.version != number);
            let mut texts = vec![load(version.run_id.clone()).await?];
            if let Some(c) = &current {
                texts.push(load(c.run_id.clone()).await?);
            }
            // Both models score the same held-out rows in a worker, so the page stays responsive.
            let (f1, rows) = crate::holdout::score_in_worker(texts)
                .await
                .map_err(|e| words::models_error(&ModelsError::Load(e), lang))?;
            let value = f1.first().copied().unwrap_or(f64::NAN);
            let champion = current.zip(f1.get(1).copied()).map(|(c, f)| (c.version, f));
            check_gate(&rule, number, value, champion, Some(rows))
        }
    };
    let text = words::gate(&check, lang);
    let target = if to_alias {
        Target::Alias("champion".to_string())
    } else {
        Target::Stage { stage: Stage::Production, archive_existing: true }
    };
    let registry = state.models.registry.get_untracked();
    let promotion = Promotion { name, version: number, target, gate: Some(check), reason };
    let outcome = registry::promote(&registry, promotion, js_sys::Date::now() as i64)
        .map_err(|e| words::registry_error(&e, lang))?;
    state.models.apply(outcome.changes).await.map_err(|e| words::models_error(&e, lang))?;
    Ok((text, outcome.promoted))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use ciclo_core::tracking::{ArtifactInfo, ArtifactKind, DatasetInput};

    use super::*;

    fn run(id: &str, status: RunStatus, with_model: bool, start: i64) -> Run {
        let mut r = Run { status, ..Run::new(id, "0", id, start) };
        if with_model {
            r.artifacts.push(ArtifactInfo {
                path: autolog::MODEL.into(),
                kind: ArtifactKind::Json,
                size: 10,
            });
        }
        r.metrics.insert("f1".into(), 0.6);
        r
    }

    #[test]
    fn only_finished_runs_with_a_model_can_be_registered() {
        let runs = [
            run("a", RunStatus::Finished, true, 1),
            run("b", RunStatus::Finished, false, 2),
            run("c", RunStatus::Failed, true, 3),
            run("d", RunStatus::Finished, true, 4),
        ];
        let found: Vec<String> = registrable_runs(&runs).into_iter().map(|(id, _)| id).collect();
        assert_eq!(found, ["d", "a"]);
        assert_eq!(registrable_runs(&runs)[0].1, "d · f1 0.600");
    }

    #[test]
    fn lineage_goes_from_the_version_to_the_build() {
        let mut r = run("r1", RunStatus::Finished, true, 1);
        r.inputs.push(DatasetInput {
            name: "telco".into(),
            digest: "abc".into(),
            rows: 7043,
            ..DatasetInput::default()
        });
        r.params.insert("model".into(), "random_forest".into());
        r.params.insert("seed".into(), "42".into());
        r.params.insert("fill".into(), "zero".into());
        r.tags.insert("ciclo.build".into(), "0.1.0".into());
        let (changes, _) = registry::register(&Registry::default(), "churn", "r1", 5, "").unwrap();
        let mut reg = Registry::default();
        reg.apply(&changes);
        let steps = lineage(&reg.versions[0], Some(&r), Lang::En);
        let labels: Vec<&str> = steps.iter().map(|(l, _, _)| l.as_str()).collect();
        assert_eq!(labels, ["Version 1", "Run", "Data", "Preprocessing", "Parameters", "Seed", "App build"]);
        assert_eq!(steps[1].2.as_deref(), Some("#/runs/r1"));
        assert!(steps[2].1.contains("abc"));
        assert_eq!(steps[5].1, "42");
        let text = mlmodel(&reg.versions[0], Some(&r), serde_json::json!({}), Lang::En);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["run_id"], "r1");
        assert_eq!(value["flavors"]["ciclo"]["format"], "ciclo.model");
        assert_eq!(value["model_card"]["data"]["digest"], "abc");
    }
}
