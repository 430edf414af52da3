//! The Export section: the playground's work taken out of the browser. A scope (everything, one
//! experiment, or the runs chosen in the runs table: `#/exchange?runs=<id>,<id>`) is exported as one JSON
//! document, imported back (merge or replace, previewed before anything is written), or pushed to a real
//! MLflow tracking server over its REST API with progress and cancel.

use std::cell::Cell;
use std::rc::Rc;

use ciclo_core::exchange::{self, Document, ImportPlan, Mode, Selection};
use ciclo_core::tracking::{LifecycleStage, DEFAULT_EXPERIMENT_ID};
use gloo_storage::Storage;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::teaching_note::TeachingNote;
use crate::download::{download, read_chosen_file};
use crate::exchange::{self as glue, PushState};
use crate::http;
use crate::i18n::exchange::{self as words, X};
use crate::i18n::Key;
use crate::route::Route;
use crate::state::use_app;
use crate::storage::StorageStatus;

/// Where the last server address typed is remembered.
const SERVER_KEY: &str = "ciclo.mlflow_server";
/// The address offered first: `mlflow server`'s default.
const DEFAULT_SERVER: &str = "http://127.0.0.1:5000";

/// The run ids in the hash's query (`#/exchange?runs=a,b`), if any.
pub fn runs_in_query(hash: &str) -> Vec<String> {
    let query = hash.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .filter_map(|pair| pair.strip_prefix("runs="))
        .flat_map(|ids| ids.split(','))
        .filter(|id| !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_hexdigit()))
        .map(str::to_string)
        .collect()
}

/// What the scope radio chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    All,
    Experiment,
    Runs,
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The Export section.
#[component]
pub fn ExchangePage() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let tracking = state.tracking;
    let models = state.models;
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let chosen_runs = runs_in_query(&hash);
    let scope = RwSignal::new(if chosen_runs.is_empty() { Scope::All } else { Scope::Runs });
    let experiment = RwSignal::new(state.current_experiment());
    let chosen_runs = StoredValue::new(chosen_runs);
    let ready = move || !matches!(tracking.status.get(), StorageStatus::Opening);

    let selection = move || match scope.get() {
        Scope::All => Selection::All,
        Scope::Experiment => Selection::Experiment(experiment.get()),
        Scope::Runs => Selection::Runs(chosen_runs.get_value()),
    };
    let experiments = Memo::new(move |_| {
        tracking.snapshot.with(|s| {
            let mut list: Vec<(String, String)> = s
                .experiments
                .iter()
                .filter(|e| e.lifecycle_stage == LifecycleStage::Active)
                .map(|e| (e.experiment_id.clone(), e.name.clone()))
                .collect();
            if list.is_empty() {
                list.push((DEFAULT_EXPERIMENT_ID.to_string(), "Default".to_string()));
            }
            list
        })
    });
    // What the scope holds, counted for the person before anything is built.
    let counts = Memo::new(move |_| {
        let selection = selection();
        let registry = models.registry.get();
        tracking
            .snapshot
            .with(|s| exchange::select(s, &registry, &selection).map(|e| words::ScopeCounts::of(&e)))
    });

    let pushing = RwSignal::new(false);
    // Export.
    let loaded = RwSignal::new((0usize, 0usize));
    let exporting = RwSignal::new(false);
    let export_error = RwSignal::new(None::<String>);
    let export_done = RwSignal::new(None::<String>);
    let built = move |then: Box<dyn FnOnce(Document)>| {
        let selection = selection();
        exporting.set(true);
        export_error.set(None);
        export_done.set(None);
        spawn_local(async move {
            let registry = models.registry.get_untracked();
            let result = glue::build_document(tracking, &registry, &selection, now_ms(), loaded).await;
            let _ = exporting.try_set(false);
            match result {
                Ok(document) => then(document),
                Err(error) => {
                    // A failed build never reaches the push: its button comes back too.
                    let _ = pushing.try_set(false);
                    let _ = export_error.try_set(Some(words::build_error(&error, lang.get_untracked())));
                }
            }
        });
    };
    let export = move |_| {
        built(Box::new(move |document: Document| {
            let name = format!("ciclo-export-{}.json", words::file_stamp(document.exported_at));
            match download(&name, "application/json", &document.to_json()) {
                Ok(()) => {
                    let text = words::exported(&document, lang.get_untracked());
                    let _ = export_done.try_set(Some(text));
                }
                Err(error) => {
                    let _ = export_error.try_set(Some(error));
                }
            }
        }))
    };

    // Import.
    let mode = RwSignal::new(Mode::Merge);
    let document = RwSignal::new(None::<(String, Document)>);
    let preview = RwSignal::new(None::<ImportPlan>);
    let import_error = RwSignal::new(None::<String>);
    let import_done = RwSignal::new(None::<String>);
    let importing = RwSignal::new(false);
    let replan = move || {
        preview.set(None);
        import_error.set(None);
        let Some((_, doc)) = document.get_untracked() else { return };
        match glue::plan(tracking, models, &doc, mode.get_untracked(), now_ms()) {
            Ok(plan) => preview.set(Some(plan)),
            Err(error) => import_error.set(Some(words::import_failure(&error, lang.get_untracked()))),
        }
    };
    let chosen = move |event: web_sys::Event| {
        import_done.set(None);
        spawn_local(async move {
            let file = read_chosen_file(&event).await;
            let _ = document.try_set(None);
            match file {
                Ok(Some((name, text))) => match exchange::parse(text.as_bytes()) {
                    Ok(doc) => {
                        let _ = document.try_set(Some((name, doc)));
                        replan();
                    }
                    Err(error) => {
                        let _ = preview.try_set(None);
                        let _ = import_error.try_set(Some(words::import_error(&error, lang.get_untracked())));
                    }
                },
                Ok(None) => {}
                Err(error) => {
                    let _ = import_error.try_set(Some(error));
                }
            }
        });
    };
    let set_mode = move |chosen: Mode| {
        mode.set(chosen);
        replan();
    };
    let import = move |_| {
        let Some(plan) = preview.get_untracked() else { return };
        importing.set(true);
        spawn_local(async move {
            let summary = plan.summary.clone();
            let result = glue::apply(tracking, models, plan).await;
            let _ = importing.try_set(false);
            let _ = preview.try_set(None);
            let _ = document.try_set(None);
            match result {
                Ok(()) => {
                    let _ = import_done.try_set(Some(words::imported(&summary, lang.get_untracked())));
                }
                Err(error) => {
                    let _ = import_error.try_set(Some(words::import_failure(&error, lang.get_untracked())));
                }
            }
        });
    };

    // Push.
    let server = RwSignal::new(
        gloo_storage::LocalStorage::get::<String>(SERVER_KEY).unwrap_or_else(|_| DEFAULT_SERVER.to_string()),
    );
    let push_state = RwSignal::new(PushState::default());
    let push_error = RwSignal::new(None::<String>);
    let push_done = RwSignal::new(None::<String>);
    // The pushed experiments on the server's own page: (name, address).
    let server_links = RwSignal::new(Vec::<(String, String)>::new());
    let cancel_flag = StoredValue::new_local(Rc::new(Cell::new(false)));
    let push = move |_| {
        push_error.set(None);
        push_done.set(None);
        server_links.set(Vec::new());
        let base = match http::base_url(&server.get_untracked()) {
            Ok(base) => base,
            Err(error) => {
                push_error.set(Some(words::http_error(&error, lang.get_untracked())));
                return;
            }
        };
        let _ = gloo_storage::LocalStorage::set(SERVER_KEY, &base);
        let flag = Rc::new(Cell::new(false));
        cancel_flag.set_value(flag.clone());
        pushing.set(true);
        push_state.set(PushState::default());
        built(Box::new(move |document: Document| {
            spawn_local(async move {
                let result = glue::push(&base, &document, push_state, flag).await;
                let _ = pushing.try_set(false);
                let lang = lang.get_untracked();
                match result {
                    Ok(report) => {
                        let links = document
                            .experiments
                            .iter()
                            .filter_map(|e| {
                                let id = report.experiment_ids.get(&e.experiment_id)?;
                                Some((words::bounded(&e.name), format!("{base}/#/experiments/{id}")))
                            })
                            .collect();
                        let _ = server_links.try_set(links);
                        let _ = push_done.try_set(Some(words::pushed(&report, &base, lang)));
                    }
                    Err(failure) => {
                        let _ = push_error.try_set(Some(words::push_failure(&failure, lang)));
                    }
                }
            });
        }));
    };
    let cancel = move |_| cancel_flag.with_value(|flag| flag.set(true));
    let command = move || {
        format!("mlflow server --host 127.0.0.1 --port 5000 --cors-allowed-origins {}", http::page_origin())
    };

    view! {
        <section class="page exchange">
            <h1>{move || Key::ExchangeTitle.text(lang.get())}</h1>
            <TeachingNote text=Key::ExchangeTeaching/>

            <section class="card" aria-labelledby="scope-title">
                <h2 id="scope-title">{move || X::ScopeTitle.text(lang.get())}</h2>
                <fieldset class="scope" data-testid="export-scope">
                    <legend>{move || X::ScopeLegend.text(lang.get())}</legend>
                    <label>
                        <input type="radio" name="scope" prop:checked=move || scope.get() == Scope::All
                            on:change=move |_| scope.set(Scope::All)/>
                        {move || X::ScopeAll.text(lang.get())}
                    </label>
                    <label>
                        <input type="radio" name="scope" prop:checked=move || scope.get() == Scope::Experiment
                            on:change=move |_| scope.set(Scope::Experiment)/>
                        {move || X::ScopeExperiment.text(lang.get())}
                    </label>
                    <select aria-label=move || X::ScopeExperiment.text(lang.get())
                        disabled=move || scope.get() != Scope::Experiment
                        on:change=move |ev| experiment.set(event_target_value(&ev))>
                        {move || experiments.get().into_iter().map(|(id, name)| {
                            let selected = experiment.get_untracked() == id;
                            view! { <option value=id selected=selected>{words::bounded(&name)}</option> }
                        }).collect_view()}
                    </select>
                    <label>
                        <input type="radio" name="scope" prop:checked=move || scope.get() == Scope::Runs
                            disabled=move || chosen_runs.with_value(Vec::is_empty)
                            on:change=move |_| scope.set(Scope::Runs)/>
                        {move || words::chosen_runs(chosen_runs.with_value(Vec::len), lang.get())}
                    </label>
                    <p class="hint"><a href=Route::Runs.href()>{move || X::ChooseRuns.text(lang.get())}</a></p>
                </fieldset>
                <p data-testid="scope-counts" aria-live="polite">{move || match counts.get() {
                    Ok(counts) => counts.text(lang.get()),
                    Err(error) => words::export_error(&error, lang.get()),
                }}</p>
            </section>

            <section class="card" aria-labelledby="export-title">
                <h2 id="export-title">{move || X::ExportTitle.text(lang.get())}</h2>
                <p class="hint">{move || X::ExportHelp.text(lang.get())}</p>
                <button type="button" data-testid="export-json" on:click=export
                    disabled=move || !ready() || exporting.get() || counts.with(Result::is_err)>
                    {move || X::ExportButton.text(lang.get())}
                </button>
                <Show when=move || exporting.get()>
                    <progress max=move || loaded.get().1.max(1) value=move || loaded.get().0
                        aria-label=move || X::Reading.text(lang.get())></progress>
                </Show>
                {move || export_done.get().map(|t| view! { <p class="ok" role="status" data-testid="export-done">{t}</p> })}
                {move || export_error.get().map(|t| view! { <p class="error" role="alert" data-testid="export-error">{t}</p> })}
            </section>

            <section class="card" aria-labelledby="import-title">
                <h2 id="import-title">{move || X::ImportTitle.text(lang.get())}</h2>
                <label class="field">
                    <span>{move || X::ImportFile.text(lang.get())}</span>
                    <input type="file" accept=".json,application/json" data-testid="import-file"
                        disabled=move || !ready() on:change=chosen/>
                </label>
                <fieldset class="mode">
                    <legend>{move || X::ImportMode.text(lang.get())}</legend>
                    <label>
                        <input type="radio" name="import-mode" prop:checked=move || mode.get() == Mode::Merge
                            on:change=move |_| set_mode(Mode::Merge)/>
                        {move || X::Merge.text(lang.get())}
                    </label>
                    <label>
                        <input type="radio" name="import-mode" prop:checked=move || mode.get() == Mode::Replace
                            on:change=move |_| set_mode(Mode::Replace)/>
                        {move || X::Replace.text(lang.get())}
                    </label>
                    <p class="hint">{move || X::ModeHelp.text(lang.get())}</p>
                </fieldset>
                {move || preview.get().map(|plan| {
                    let file = document.with(|d| d.as_ref().map(|(name, _)| words::bounded(name)).unwrap_or_default());
                    view! {
                        <div class="preview" data-testid="import-preview">
                            <p><strong>{file}</strong></p>
                            <p>{words::summary(&plan.summary, lang.get())}</p>
                            <button type="button" data-testid="import-apply" on:click=import disabled=move || importing.get()>
                                {move || X::ImportButton.text(lang.get())}
                            </button>
                        </div>
                    }
                })}
                {move || import_done.get().map(|t| view! { <p class="ok" role="status" data-testid="import-done">{t}</p> })}
                {move || import_error.get().map(|t| view! { <p class="error" role="alert" data-testid="import-error">{t}</p> })}
            </section>

            <section class="card" aria-labelledby="push-title">
                <h2 id="push-title">{move || X::PushTitle.text(lang.get())}</h2>
                <p class="hint">{move || X::PushHelp.text(lang.get())}</p>
                <pre class="command" data-testid="server-command">{command}</pre>
                <label class="field">
                    <span>{move || X::ServerUrl.text(lang.get())}</span>
                    <input type="url" data-testid="server-url" prop:value=move || server.get()
                        on:input=move |ev| server.set(event_target_value(&ev))/>
                </label>
                <div class="actions">
                    <button type="button" data-testid="push" on:click=push
                        disabled=move || !ready() || pushing.get() || counts.with(Result::is_err)>
                        {move || X::PushButton.text(lang.get())}
                    </button>
                    <Show when=move || pushing.get()>
                        <button type="button" data-testid="push-cancel" on:click=cancel>
                            {move || X::Cancel.text(lang.get())}
                        </button>
                    </Show>
                </div>
                <Show when=move || pushing.get()>
                    {move || {
                        let state = push_state.get();
                        let (done, total) = state.progress.as_ref().map_or((0, 1), words::progress_units);
                        view! {
                            <progress max=total.max(1) value=done aria-label=move || X::PushTitle.text(lang.get())></progress>
                            <p role="status" data-testid="push-progress">{words::push_progress(&state, lang.get())}</p>
                        }
                    }}
                </Show>
                {move || push_done.get().map(|t| view! { <p class="ok" role="status" data-testid="push-done">{t}</p> })}
                <Show when=move || !server_links.with(Vec::is_empty)>
                    <p>{move || X::OnServer.text(lang.get())}" "
                        {move || server_links.get().into_iter().map(|(name, href)| view! {
                            <a href=href target="_blank" rel="noopener noreferrer">{name}</a>" "
                        }).collect_view()}
                    </p>
                </Show>
                {move || push_error.get().map(|t| view! { <p class="error" role="alert" data-testid="push-error">{t}</p> })}
            </section>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::runs_in_query;

    #[test]
    fn the_query_names_the_chosen_runs() {
        assert_eq!(runs_in_query("#/exchange?runs=ab12,cd34"), vec!["ab12", "cd34"]);
        assert!(runs_in_query("#/exchange").is_empty());
        assert_eq!(runs_in_query("#/exchange?runs=ab,<script>,"), vec!["ab"]);
    }
}
