//! The hyperparameter search: the report's grid in one click, or any grid or random search; the units
//! spread over one worker per core with live progress and cancel; the combinations ranked as they
//! complete, the best highlighted and refitted.

use ciclo_core::ml::ModelKind;
use ciclo_core::tune::CombinationResult;
use leptos::prelude::*;

use crate::components::train_panel::{builtin_input, FamilyPicker, TextField};
use crate::i18n::{self, Key, Lang};
use crate::search::{SearchStatus, StartError};
use crate::search_form::{report_grid_text, SearchForm, SearchFormError};
use crate::state::use_app;
use crate::storage::StorageStatus;

/// "1 min 05 s" / "12 s": a wall-clock span for the progress line.
fn span(lang: Lang, ms: f64) -> String {
    let seconds = (ms.max(0.0) / 1000.0).round() as u64;
    let (minutes, seconds) = (seconds / 60, seconds % 60);
    match (minutes, lang) {
        (0, _) => format!("{seconds} s"),
        (m, _) => format!("{m} min {seconds:02} s"),
    }
}

/// The start error in words.
fn start_error_text(error: &StartError, lang: Lang) -> String {
    match (error, lang) {
        (StartError::Train(detail), Lang::Es) => format!("La búsqueda no puede empezar: {detail}"),
        (StartError::Train(detail), Lang::En) => format!("The search cannot start: {detail}"),
        (StartError::Store(detail), Lang::Es) => format!("El almacén rechazó el run padre: {detail}"),
        (StartError::Store(detail), Lang::En) => format!("The store refused the parent run: {detail}"),
        (StartError::Worker(detail), Lang::Es) => format!("No se pudo arrancar ningún worker: {detail}"),
        (StartError::Worker(detail), Lang::En) => format!("No worker could be started: {detail}"),
    }
}

/// One ranked combination.
fn result_row(
    result: CombinationResult,
    best: bool,
    lang: RwSignal<Lang>,
    child: Option<String>,
) -> impl IntoView {
    let values = result.params.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join(" · ");
    let f1 = format!("{:.3} ± {:.3}", result.mean_f1, result.std_f1);
    let auc = format!("{:.3} ± {:.3}", result.mean_auc, result.std_auc);
    let folds = result.folds.len();
    view! {
        <tr data-testid="search-row" class:best=best aria-current=best.then_some("true")>
            <td class="num">{result.rank}</td>
            <td><code>{values}</code>{best.then(|| view! { " " <span class="badge">{move || Key::SearchBest.text(lang.get())}</span> })}</td>
            <td class="num" data-testid="search-f1" data-value=result.mean_f1.to_string()>{f1}</td>
            <td class="num">{auc}</td>
            <td class="num">{folds}</td>
            <td>{child.map(|id| view! { <a href=format!("#/runs/{id}")><code>{id.chars().take(8).collect::<String>()}</code></a> })}</td>
        </tr>
    }
}

/// The search form, its progress and its results.
#[component]
pub fn SearchPanel() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let search = state.search;
    let defaults = SearchForm::default();
    let kind = RwSignal::new(defaults.kind);
    let grid = RwSignal::new(defaults.grid);
    let random = RwSignal::new(defaults.random);
    let samples = RwSignal::new(defaults.samples);
    let folds = RwSignal::new(defaults.folds);
    let seed = RwSignal::new(defaults.seed);
    let form_error = RwSignal::new(None::<SearchFormError>);
    let start_error = RwSignal::new(None::<StartError>);

    let busy = move || search.status.get().is_busy();
    let store_opening = move || state.tracking.status.get() == StorageStatus::Opening;

    // Reads the form and starts the search (a closure over signals, so both buttons share it).
    let run_search = move || {
        let form = SearchForm {
            kind: kind.get_untracked(),
            grid: grid.get_untracked(),
            random: random.get_untracked(),
            samples: samples.get_untracked(),
            folds: folds.get_untracked(),
            seed: seed.get_untracked(),
        };
        start_error.set(None);
        match form.spec() {
            Ok(spec) => {
                form_error.set(None);
                let (source, dataset) = builtin_input(state);
                let data = state.data.get_value();
                let experiment = state.current_experiment();
                if let Err(error) =
                    search.start(state.tracking, &data.data, source, dataset, spec, &experiment)
                {
                    start_error.set(Some(error));
                }
            }
            Err(error) => form_error.set(Some(error)),
        }
    };
    let preset = move |_| {
        kind.set(ModelKind::RandomForest);
        grid.set(report_grid_text());
        random.set(false);
        folds.set("5".into());
        seed.set("42".into());
        run_search();
    };
    let start = move |_| run_search();

    let progress = move || search.progress.get();
    let progress_text = move || {
        let p = progress();
        let lang = lang.get();
        let left = p.remaining_ms.map(|ms| span(lang, ms)).unwrap_or_else(|| "…".into());
        match lang {
            Lang::Es => format!(
                "{} / {} unidades (combinación × fold) · {} transcurridos · quedan ~{} · {} workers",
                p.done,
                p.total,
                span(lang, p.elapsed_ms),
                left,
                p.workers
            ),
            Lang::En => format!(
                "{} / {} units (combination × fold) · {} elapsed · ~{} left · {} workers",
                p.done,
                p.total,
                span(lang, p.elapsed_ms),
                left,
                p.workers
            ),
        }
    };
    let status_line = move || match search.status.get() {
        SearchStatus::Refitting => Some(("notice", Key::SearchRefitting.text(lang.get()).to_string())),
        SearchStatus::Cancelled => Some(("notice", Key::SearchCancelled.text(lang.get()).to_string())),
        SearchStatus::Failed(error) => Some(("error", error)),
        _ => None,
    };
    let rows = move || {
        let children = search.child_runs.get();
        search
            .results
            .get()
            .into_iter()
            .take(50)
            .enumerate()
            .map(|(i, r)| {
                let child = children.get(&r.combination).cloned();
                result_row(r, i == 0, lang, child)
            })
            .collect_view()
    };
    let refit = move || {
        search.refit.get().map(|outcome| {
            let m = outcome.metrics;
            view! {
                <p class="facts" data-testid="search-refit">
                    {move || Key::SearchRefitDone.text(lang.get())}
                    " F1 = " {format!("{:.3}", m.f1)} " · ROC AUC = " {format!("{:.3}", m.roc_auc)}
                </p>
            }
        })
    };
    let error_id = move || {
        form_error.get().map(|e| match e {
            SearchFormError::Samples(_) => "search-samples",
            SearchFormError::Folds(_) => "search-folds",
            SearchFormError::Seed(_) => "search-seed",
            _ => "search-grid",
        })
    };
    let no_form_error = Signal::derive(|| None);

    view! {
        <section class="card search-panel" aria-labelledby="search-title">
            <h2 id="search-title">{move || Key::SearchTitle.text(lang.get())}</h2>
            <p class="explain">{move || Key::SearchExplain.text(lang.get())}</p>
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    data-testid="report-grid-button"
                    disabled=move || busy() || store_opening()
                    on:click=preset
                >
                    {move || Key::SearchPreset.text(lang.get())}
                </button>
            </div>
            <details>
                <summary>{move || Key::SearchCustom.text(lang.get())}</summary>
                <FamilyPicker kind=kind id="search-family"/>
                <div class="field">
                    <label for="search-grid">{move || Key::SearchGrid.text(lang.get())}</label>
                    <textarea
                        id="search-grid"
                        rows="4"
                        spellcheck="false"
                        aria-describedby="search-grid-help"
                        aria-invalid=move || (error_id() == Some("search-grid")).to_string()
                        prop:value=move || grid.get()
                        on:input=move |ev| grid.set(event_target_value(&ev))
                    ></textarea>
                    <small id="search-grid-help">{move || Key::SearchGridHelp.text(lang.get())}</small>
                </div>
                <div class="field inline">
                    <input
                        id="search-random"
                        type="checkbox"
                        prop:checked=move || random.get()
                        on:change=move |ev| random.set(event_target_checked(&ev))
                    />
                    <label for="search-random">{move || Key::SearchRandom.text(lang.get())}</label>
                </div>
                <Show when=move || random.get()>
                    <TextField
                        label=Signal::derive(move || Key::SearchSamples.text(lang.get()).to_string())
                        help=Signal::derive(move || Key::SearchSamplesHelp.text(lang.get()).to_string())
                        id="search-samples"
                        value=samples
                        error=no_form_error
                    />
                </Show>
                <TextField
                    label=Signal::derive(move || Key::SearchFolds.text(lang.get()).to_string())
                    help=Signal::derive(move || Key::SearchFoldsHelp.text(lang.get()).to_string())
                    id="search-folds"
                    value=folds
                    error=no_form_error
                />
                <TextField
                    label=Signal::derive(move || Key::TrainParamSeed.text(lang.get()).to_string())
                    help=Signal::derive(move || Key::TrainParamSeedHelp.text(lang.get()).to_string())
                    id="search-seed"
                    value=seed
                    error=no_form_error
                />
                <div class="actions">
                    <button
                        type="button"
                        data-testid="search-button"
                        disabled=move || busy() || store_opening()
                        on:click=start
                    >
                        {move || Key::SearchStart.text(lang.get())}
                    </button>
                </div>
            </details>
            {move || form_error.get().map(|e| view! { <p class="error" role="alert" data-testid="search-form-error">{e.message(lang.get())}</p> })}
            {move || start_error.get().map(|e| view! { <p class="error" role="alert">{start_error_text(&e, lang.get())}</p> })}
            <Show when=move || search.status.get() != SearchStatus::Idle>
                <div class="progress" role="status" aria-live="polite">
                    <progress
                        data-testid="search-progress"
                        max=move || progress().total.max(1)
                        value=move || progress().done
                    ></progress>
                    <span data-testid="search-progress-text">{progress_text}</span>
                </div>
            </Show>
            <Show when=busy>
                <div class="actions">
                    <button type="button" data-testid="search-cancel" on:click=move |_| search.cancel(state.tracking)>
                        {move || Key::CancelButton.text(lang.get())}
                    </button>
                </div>
            </Show>
            {move || status_line().map(|(class, text)| view! { <p class=class role="status">{text}</p> })}
            {refit}
            <Show when=move || !search.results.with(|r| r.is_empty())>
                <div class="table-scroll">
                    <table class="data" data-testid="search-results">
                        <caption>{move || Key::SearchResultsCaption.text(lang.get())}</caption>
                        <thead>
                            <tr>
                                <th scope="col" class="num">{move || Key::SearchRank.text(lang.get())}</th>
                                <th scope="col">{move || Key::SearchCombination.text(lang.get())}</th>
                                <th scope="col" class="num">{move || Key::SearchMeanF1.text(lang.get())}</th>
                                <th scope="col" class="num">"ROC AUC"</th>
                                <th scope="col" class="num">"folds"</th>
                                <th scope="col">{move || Key::SearchChildRun.text(lang.get())}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </Show>
            <p class="explain">{move || i18n::Key::SearchHonesty.text(lang.get())}</p>
        </section>
    }
}
