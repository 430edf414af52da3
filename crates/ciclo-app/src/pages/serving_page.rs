//! The Serving section: a registered model answering predictions in the page the way `mlflow models serve`
//! does. A model is picked by URI (`models:/churn@champion`, `models:/churn/Production`,
//! `runs:/<id>/model`); a one-customer form built from its signature gives the churn probability and what
//! pushed it; a request box takes MLflow's `/invocations` JSON and answers `{"predictions": [...]}`; a CSV
//! is scored in a worker and downloaded.

use std::sync::Arc;

use ciclo_core::dataset::ColumnData;
use ciclo_core::registry::{self, Registry, Stage};
use ciclo_core::serving::{contributions, parse_request, ColType, Contribution, LoggedModel, Signature};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::teaching_note::TeachingNote;
use crate::i18n::models::{self as words, M};
use crate::i18n::{Key, Lang};
use crate::models::load_model;
use crate::route::Page;
use crate::scoring::{CsvScoring, ScoreStatus};
use crate::state::{use_app, AppState};

/// The URIs worth offering for `registry`: each model's aliases, stages in use, and versions.
pub fn known_uris(registry: &Registry) -> Vec<String> {
    let mut uris = Vec::new();
    for model in &registry.models {
        uris.extend(model.aliases.keys().map(|a| format!("models:/{}@{a}", model.name)));
        for stage in [Stage::Production, Stage::Staging] {
            if registry.latest_in_stage(&model.name, stage).is_some() {
                uris.push(format!("models:/{}/{}", model.name, stage.as_str()));
            }
        }
        uris.extend(registry.versions_of(&model.name).map(|v| format!("models:/{}/{}", v.name, v.version)));
    }
    uris
}

/// A model loaded for serving.
#[derive(Clone)]
struct Loaded {
    uri: String,
    run_id: String,
    model: Arc<LoggedModel>,
    signature: Signature,
    /// The target's other class, for the predicted label.
    negative: String,
}

/// The other level of the built-in data's target than `positive`.
fn negative_label(state: AppState, positive: &str) -> String {
    let data = state.data.get_value();
    let other = data.data.column(ciclo_core::telco::TARGET).and_then(|c| match &c.data {
        ColumnData::Categorical { levels, .. } => levels.iter().find(|l| l.as_str() != positive).cloned(),
        ColumnData::Numeric(_) => None,
    });
    other.unwrap_or_else(|| format!("not {positive}"))
}

/// The answer to a request body: `{"predictions": [{"probability": .., "prediction": ..}, ..]}`, or MLflow's
/// error shape with the reason in words.
pub fn answer(model: &LoggedModel, negative: &str, body: &str, lang: Lang) -> (bool, String) {
    let signature = model.signature();
    let failed = |message: String| {
        let text = serde_json::json!({ "error_code": "BAD_REQUEST", "message": message });
        (false, serde_json::to_string_pretty(&text).unwrap_or_default())
    };
    let data = match parse_request(body, &signature) {
        Ok(data) => data,
        Err(error) => return failed(words::request_error(&error, lang)),
    };
    let rows: Vec<usize> = (0..data.n_rows()).collect();
    match model.predict_proba(&data, &rows) {
        Ok((probabilities, _)) => {
            let predictions: Vec<_> = probabilities.into_iter().map(|p| model.label(p, negative)).collect();
            let text = serde_json::json!({ "predictions": predictions });
            (true, serde_json::to_string_pretty(&text).unwrap_or_default())
        }
        Err(error) => failed(error.to_string()),
    }
}

/// A `dataframe_split` request of the signature's typical row: the request box's starting text.
pub fn example_request(signature: &Signature) -> String {
    let columns: Vec<&str> = signature.inputs.iter().map(|c| c.name.as_str()).collect();
    let row: Vec<serde_json::Value> = signature
        .inputs
        .iter()
        .map(|c| match c.kind {
            ColType::Double => {
                c.reference.parse::<f64>().map(|x| serde_json::json!(x)).unwrap_or(serde_json::Value::Null)
            }
            ColType::String => serde_json::json!(c.reference),
        })
        .collect();
    let body = serde_json::json!({ "dataframe_split": { "columns": columns, "data": [row] } });
    serde_json::to_string_pretty(&body).unwrap_or_default()
}

/// The Serving section.
#[component]
pub fn ServingPage() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let uris = Memo::new(move |_| state.models.registry.with(known_uris));
    let uri = RwSignal::new(String::new());
    let loaded = RwSignal::new(None::<Loaded>);
    let error = RwSignal::new(None::<String>);
    // Start from the champion, else Production, else the first URI offered.
    Effect::new(move |_| {
        if uri.get_untracked().is_empty() {
            let all = uris.get();
            let first = all
                .iter()
                .find(|u| u.ends_with("@champion"))
                .or_else(|| all.iter().find(|u| u.ends_with("/Production")))
                .or(all.first());
            if let Some(first) = first {
                uri.set(first.clone());
            }
        }
    });
    let load = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = uri.get_untracked().trim().to_string();
        let lang = lang.get_untracked();
        let run_id = state
            .models
            .registry
            .with_untracked(|r| registry::resolve(r, &text).map(|r| r.run_id().to_string()));
        let run_id = match run_id {
            Ok(id) => id,
            Err(e) => {
                error.set(Some(words::uri_error(&e, lang)));
                return;
            }
        };
        spawn_local(async move {
            match load_model(state.tracking, &run_id).await {
                Ok(model) => {
                    let negative = negative_label(state, &model.positive);
                    let signature = model.signature();
                    error.set(None);
                    loaded.set(Some(Loaded {
                        uri: text,
                        run_id,
                        model: Arc::new(model),
                        signature,
                        negative,
                    }));
                }
                Err(e) => error.set(Some(words::models_error(&e, lang))),
            }
        });
    };
    view! {
        <section class="page" aria-labelledby="serving-title">
            <h1 id="serving-title">{move || Key::ServingTitle.text(lang.get())}</h1>
            <TeachingNote text=Key::ServingTeaching/>
            <form class="card inline-form" on:submit=load>
                <div class="field grow">
                    <label for="serve-uri">{move || M::ServeUri.text(lang.get())}</label>
                    <input id="serve-uri" type="text" list="serve-uris" spellcheck="false" autocomplete="off"
                        aria-describedby="serve-uri-help"
                        prop:value=move || uri.get() on:input=move |ev| uri.set(event_target_value(&ev))/>
                    <datalist id="serve-uris">{move || uris.get().into_iter().map(|u| view! { <option value=u></option> }).collect_view()}</datalist>
                    <small id="serve-uri-help">{move || M::ServeUriHelp.text(lang.get())}</small>
                </div>
                <button type="submit" class="primary" data-testid="serve-load">{move || M::ServeLoad.text(lang.get())}</button>
            </form>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="serve-error">{e}</p> })}
            {move || loaded.get().map(|l| view! { <Served loaded=l/> })}
        </section>
    }
}

/// Everything a loaded model offers.
#[component]
fn Served(loaded: Loaded) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let Loaded { uri, run_id, model, signature, negative } = loaded;
    let columns = signature.inputs.clone();
    view! {
        <p class="facts" data-testid="serve-loaded">
            {move || M::ServeLoaded.text(lang.get())} " " <code>{uri.clone()}</code> " → "
            <a href=Page::Run(run_id.clone()).href()><code>{run_id.chars().take(8).collect::<String>()}</code></a>
        </p>
        <details class="card">
            <summary>{move || M::ServeSignature.text(lang.get())} {format!(" ({})", columns.len())}</summary>
            <table class="data" data-testid="serve-signature">
                <thead><tr>
                    <th scope="col">{move || M::ServeColumn.text(lang.get())}</th>
                    <th scope="col">{move || M::ServeType.text(lang.get())}</th>
                </tr></thead>
                <tbody>
                    {columns.iter().map(|c| view! {
                        <tr><th scope="row"><code>{c.name.clone()}</code></th><td>{c.kind.as_str()}{(!c.levels.is_empty()).then(|| format!(" ({})", c.levels.join(", ")))}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
        <div class="columns">
            <OneCustomer model=model.clone() signature=signature.clone() negative=negative.clone()/>
            <RequestBox model=model.clone() signature=signature.clone() negative=negative.clone()/>
        </div>
        <CsvPanel model=model.clone()/>
    }
}

/// Scores an uploaded CSV in a worker, with progress, and offers the scored file.
#[component]
fn CsvPanel(model: Arc<LoggedModel>) -> impl IntoView {
    let lang = use_app().lang;
    let scoring = CsvScoring::new();
    let file_name = RwSignal::new(String::new());
    let read_error = RwSignal::new(None::<String>);
    let model_json = serde_json::to_string(&*model).unwrap_or_default();
    let chosen = move |ev: leptos::ev::Event| {
        let model_json = model_json.clone();
        spawn_local(async move {
            match crate::download::read_chosen_file(&ev).await {
                Ok(Some((name, text))) => {
                    read_error.set(None);
                    file_name.set(name.clone());
                    scoring.start(model_json, name, text);
                }
                Ok(None) => {}
                Err(error) => read_error.set(Some(error)),
            }
        });
    };
    let download = move |_| {
        let name = file_name.get_untracked();
        let scored = format!("{}-scored.csv", name.trim_end_matches(".csv"));
        scoring.status.with_untracked(|status| {
            if let ScoreStatus::Done { csv, .. } = status {
                if let Err(error) = crate::download::download(&scored, "text/csv", csv) {
                    log::error!("download failed: {error}");
                }
            }
        });
    };
    view! {
        <section class="card csv-scoring" aria-labelledby="csv-title">
            <h2 id="csv-title">{move || M::ServeCsv.text(lang.get())}</h2>
            <p class="hint">{move || M::ServeCsvHelp.text(lang.get())}</p>
            <div class="field">
                <label for="serve-csv">{move || M::ServeCsvFile.text(lang.get())}</label>
                <input id="serve-csv" type="file" accept=".csv,text/csv" on:change=chosen disabled=move || scoring.status.with(ScoreStatus::is_busy)/>
            </div>
            {move || read_error.get().map(|e| view! { <p class="error" role="alert">{words::score_failed(lang.get(), &e)}</p> })}
            {move || {
                let lang = lang.get();
                scoring.status.with(|status| match status {
                    ScoreStatus::Idle => ().into_any(),
                    ScoreStatus::Running { done, total } => {
                        let fraction = status.fraction();
                        view! {
                            <p role="status" data-testid="csv-progress">
                                <progress max="1" value=fraction.unwrap_or(0.0)></progress> " "
                                {words::scored_rows(lang, *done, *total)} " "
                                <button type="button" on:click=move |_| scoring.cancel()>{M::ServeCsvCancel.text(lang)}</button>
                            </p>
                        }.into_any()
                    }
                    ScoreStatus::Done { rows, notes, .. } => view! {
                        <p class="notice" role="status" data-testid="csv-done">{words::scored_rows(lang, *rows, *rows)}</p>
                        {(!notes.is_empty()).then(|| view! { <ul class="hint">{notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul> })}
                        <button type="button" class="primary" data-testid="csv-download" on:click=download>{M::ServeCsvDownload.text(lang)}</button>
                    }.into_any(),
                    ScoreStatus::Failed(why) => view! { <p class="error" role="alert" data-testid="csv-error">{words::score_failed(lang, why)}</p> }.into_any(),
                    ScoreStatus::Cancelled => view! { <p class="notice" role="status">{M::ServeCsvCancelled.text(lang)}</p> }.into_any(),
                })
            }}
        </section>
    }
}

/// The one-customer form and its answer. It starts from the first customer of the built-in data (a real
/// row, so that some columns push), each field falling back to its typical value.
#[component]
fn OneCustomer(model: Arc<LoggedModel>, signature: Signature, negative: String) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let data = state.data.get_value();
    let fields: Vec<(String, ColType, Vec<String>, RwSignal<String>)> = signature
        .inputs
        .iter()
        .map(|c| {
            let first = data.data.column(&c.name).map(|column| column.cell_text(0)).unwrap_or_default();
            let start = if first.is_empty() { c.reference.clone() } else { first };
            (c.name.clone(), c.kind, c.levels.clone(), RwSignal::new(start))
        })
        .collect();
    let result = RwSignal::new(None::<Result<(f64, Vec<Contribution>), String>>);
    let values = fields.clone();
    let scorer = model.clone();
    let predict = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let record: serde_json::Map<String, serde_json::Value> = values
            .iter()
            .map(|(name, kind, _, value)| {
                let text = value.get_untracked();
                let json = match kind {
                    ColType::Double => text
                        .trim()
                        .replace(',', ".")
                        .parse::<f64>()
                        .map(|x| serde_json::json!(x))
                        .unwrap_or(serde_json::Value::String(text.clone())),
                    ColType::String => serde_json::json!(text),
                };
                (name.clone(), json)
            })
            .collect();
        let body = serde_json::json!({ "dataframe_records": [record] }).to_string();
        let lang = lang.get_untracked();
        let outcome = parse_request(&body, &scorer.signature())
            .map_err(|e| words::request_error(&e, lang))
            .and_then(|data| contributions(&scorer, &data).map_err(|e| e.to_string()));
        result.set(Some(outcome));
    };
    let positive = signature.positive.clone();
    view! {
        <form class="card one-customer" on:submit=predict aria-labelledby="one-customer-title">
            <h2 id="one-customer-title">{move || M::ServeOneCustomer.text(lang.get())}</h2>
            <div class="customer-fields">
                {fields.into_iter().map(|(name, kind, levels, value)| {
                    let id = format!("serve-field-{name}");
                    let control = match kind {
                        ColType::Double => view! {
                            <input id=id.clone() type="text" inputmode="decimal" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
                        }.into_any(),
                        ColType::String => view! {
                            <select id=id.clone() on:change=move |ev| value.set(event_target_value(&ev))>
                                {levels.into_iter().map(|l| {
                                    let selected = l == value.get_untracked();
                                    let text = l.clone();
                                    view! { <option value=l selected=selected>{text}</option> }
                                }).collect_view()}
                            </select>
                        }.into_any(),
                    };
                    view! { <div class="field"><label for=id>{name}</label>{control}</div> }
                }).collect_view()}
            </div>
            <button type="submit" class="primary" data-testid="serve-predict">{move || M::ServePredict.text(lang.get())}</button>
            {move || result.get().map(|outcome| match outcome {
                Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Ok((p, pushes)) => {
                    let lang = lang.get();
                    let label = if p >= model.threshold { positive.clone() } else { negative.clone() };
                    // Pushes under 0.05 of a point are left out: they would read "0,0 %".
                    let largest = pushes.iter().map(|c| c.delta.abs()).fold(0.0_f64, f64::max).max(1e-9);
                    view! {
                        <p class="probability" data-testid="serve-probability" data-value=p.to_string()>
                            {M::ServeProbability.text(lang)} ": " <strong>{lang.percent(p)}</strong> " → " <code>{label}</code>
                        </p>
                        <h3>{M::ServePushes.text(lang)}</h3>
                        <p class="hint">{M::ServePushesExplain.text(lang)}</p>
                        <ul class="pushes" data-testid="serve-pushes">
                            {pushes.into_iter().filter(|c| c.delta.abs() >= 0.0005).take(8).map(|c| {
                                let width = format!("width: {:.1}%", 100.0 * c.delta.abs() / largest);
                                let up = c.delta > 0.0;
                                let sign = if up { "+" } else { "−" };
                                view! {
                                    <li class:up=up class:down=!up>
                                        <span class="push-label"><code>{c.column.clone()}</code> " = " {c.value.clone()}</span>
                                        <span class="push-bar"><span style=width></span></span>
                                        <span class="push-value">{format!("{sign}{}", lang.percent(c.delta.abs()))}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            })}
        </form>
    }
}

/// The `/invocations` request box.
#[component]
fn RequestBox(model: Arc<LoggedModel>, signature: Signature, negative: String) -> impl IntoView {
    let lang = use_app().lang;
    let body = RwSignal::new(example_request(&signature));
    let response = RwSignal::new(None::<(bool, String)>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        response.set(Some(answer(&model, &negative, &body.get_untracked(), lang.get_untracked())));
    };
    view! {
        <form class="card request-box" on:submit=send aria-labelledby="request-title">
            <h2 id="request-title">{move || M::ServeRequest.text(lang.get())}</h2>
            <div class="field">
                <label for="serve-request">"POST /invocations"</label>
                <textarea id="serve-request" rows="12" spellcheck="false" aria-describedby="serve-request-help"
                    prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                <small id="serve-request-help">{move || M::ServeRequestHelp.text(lang.get())}</small>
            </div>
            <button type="submit" data-testid="serve-send">{move || M::ServeSend.text(lang.get())}</button>
            {move || response.get().map(|(ok, text)| view! {
                <h3>{move || M::ServeResponse.text(lang.get())} {if ok { " (200)" } else { " (400)" }}</h3>
                <pre class=if ok { "response" } else { "response error" } data-testid="serve-response">{text}</pre>
            })}
        </form>
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use ciclo_core::ml::{train, ModelKind, TrainConfig};
    use ciclo_core::serving::{MODEL_FORMAT, MODEL_VERSION};

    use super::*;

    fn model() -> LoggedModel {
        let data = ciclo_core::telco::generate(800, 3);
        let outcome =
            train(&data, &TrainConfig::for_model("Churn", ModelKind::LogisticRegression), &mut |_| {})
                .unwrap();
        LoggedModel {
            format: MODEL_FORMAT.into(),
            version: MODEL_VERSION,
            positive: outcome.positive,
            threshold: 0.5,
            pipeline: outcome.pipeline,
            model: outcome.model,
        }
    }

    #[test]
    fn the_example_request_is_answered_and_a_bad_one_is_refused_in_words() {
        let model = model();
        let (ok, text) = answer(&model, "No", &example_request(&model.signature()), Lang::En);
        assert!(ok, "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let p = value["predictions"][0]["probability"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p));
        assert!(["Yes", "No"].contains(&value["predictions"][0]["prediction"].as_str().unwrap()));
        let (ok, text) = answer(&model, "No", r#"{"dataframe_records": [{"tenure": 3}]}"#, Lang::Es);
        assert!(!ok);
        assert!(text.contains("BAD_REQUEST") && text.contains("al modelo le faltan columnas"), "{text}");
    }

    #[test]
    fn uris_offered_follow_the_registry() {
        let mut reg = Registry::default();
        reg.apply(&registry::register(&reg, "churn", "r1", 1, "").unwrap().0);
        reg.apply(&registry::set_alias(&reg, "churn", "champion", 1, 2, "").unwrap());
        reg.apply(&registry::transition(&reg, "churn", 1, Stage::Production, true, 3, "").unwrap());
        assert_eq!(
            known_uris(&reg),
            ["models:/churn@champion", "models:/churn/Production", "models:/churn/1"]
        );
    }
}
