//! The table of recorded runs: MLflow's search syntax, sort by any column, pages of 50, chosen metric and
//! parameter columns, selection to compare or delete, the trash with restore and purge.
//!
//! The search is the core's (`tracking::search::Query`): compiled once per typed filter and run over the
//! working set whenever it changes; only the visible page is rendered, so 10,000 runs cost one page of rows.
//!
//! While the store opens, the table shows the newest runs it read first (`Tracking::newest`) as its
//! default view (newest first, active runs of every experiment), ranged against the count of every active
//! run; any other view, and deleting, wait for every run to be loaded, which a note says.

use std::collections::BTreeSet;

use ciclo_core::tracking::search::Query;
use ciclo_core::tracking::{self as store, Run, RunStatus, SearchRequest, ViewType};
use leptos::prelude::*;

use crate::components::experiment_picker::choices;
use crate::i18n::experiments::Exp;
use crate::i18n::{self, search::search_error, Key, Lang};
use crate::route::{Page, Route};
use crate::state::use_app;

/// Runs per page.
pub const PAGE_SIZE: usize = 50;

/// MLflow's name of a run status.
pub fn status_text(status: RunStatus) -> &'static str {
    status.as_str()
}

/// A start time in the browser's local time zone and the page's language.
fn start_text(lang: Lang, ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let locale = match lang {
        Lang::Es => "es-ES",
        Lang::En => "en-GB",
    };
    String::from(date.to_locale_string(locale, &wasm_bindgen::JsValue::UNDEFINED))
}

/// A sortable column: what it shows and the `order_by` key that sorts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// `attributes.start_time`, `metrics.f1`, `params.model` ...
    pub key: String,
}

impl Column {
    fn header(&self) -> String {
        self.key.split_once('.').map_or(self.key.clone(), |(_, name)| name.to_string())
    }

    fn cell(&self, run: &Run) -> String {
        match self.key.split_once('.') {
            Some(("metrics", name)) => {
                run.metrics.get(name).map_or_else(|| "—".into(), |v| format!("{v:.3}"))
            }
            Some(("params", name)) => run.params.get(name).cloned().unwrap_or_else(|| "—".into()),
            Some(("tags", name)) => run.tags.get(name).cloned().unwrap_or_else(|| "—".into()),
            _ => String::new(),
        }
    }

    fn numeric(&self) -> bool {
        self.key.starts_with("metrics.")
    }
}

/// The default extra columns: the report's two headline metrics and the model.
fn default_columns() -> Vec<Column> {
    ["params.model", "metrics.f1", "metrics.roc_auc"]
        .into_iter()
        .map(|k| Column { key: k.to_string() })
        .collect()
}

/// Every metric and parameter key among `runs`, as `metrics.x` / `params.y`, for the column picker.
pub fn column_choices(runs: &[Run]) -> Vec<String> {
    let mut metrics = BTreeSet::new();
    let mut params = BTreeSet::new();
    for run in runs {
        metrics.extend(run.metrics.keys().map(|k| format!("metrics.{k}")));
        params.extend(run.params.keys().map(|k| format!("params.{k}")));
    }
    metrics.into_iter().chain(params).collect()
}

/// The next sort when a column header is clicked: descending first (best metric on top), then ascending.
pub fn next_sort(current: &Option<(String, bool)>, key: &str) -> Option<(String, bool)> {
    match current {
        Some((k, true)) if k == key => Some((key.to_string(), false)),
        Some((k, false)) if k == key => None,
        _ => Some((key.to_string(), true)),
    }
}

/// One line per run with a checkbox, its name linking to its detail, status, start, duration and the
/// chosen columns; a search box above, pages below.
#[component]
pub fn RunsTable() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let tracking = state.tracking;
    let filter = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let sort = RwSignal::new(None::<(String, bool)>);
    let deleted_view = RwSignal::new(false);
    let offset = RwSignal::new(0usize);
    let columns = RwSignal::new(default_columns());
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let action_error = RwSignal::new(None::<String>);
    // The experiment shown; empty for all of them.
    let experiment = RwSignal::new(String::new());
    let experiments = Memo::new(move |_| tracking.snapshot.with(|s| choices(&s.experiments)));

    let query = Memo::new(move |_| {
        let order_by = match sort.get() {
            Some((key, desc)) => vec![format!("{key} {}", if desc { "DESC" } else { "ASC" })],
            None => Vec::new(),
        };
        let experiment = experiment.get();
        let request = SearchRequest {
            experiment_ids: if experiment.is_empty() { Vec::new() } else { vec![experiment] },
            filter: applied.get(),
            order_by,
            view: if deleted_view.get() { ViewType::DeletedOnly } else { ViewType::ActiveOnly },
            offset: offset.get(),
            max_results: PAGE_SIZE,
        };
        Query::compile(&request)
    });
    // Whether only the newest runs are held yet (the store is still loading the rest).
    let loading = move || tracking.newest.with(Option::is_some);
    // The page of runs: (runs, total, next offset), or nothing while the query has an error or, until every
    // run is loaded, is not the default view, the only one the newest runs show exactly.
    let page = Memo::new(move |_| {
        let query = query.get().ok()?;
        let newest = tracking.newest.with(|newest| {
            newest.as_ref().map(|newest| {
                let default_view = applied.with(String::is_empty)
                    && sort.with(Option::is_none)
                    && !deleted_view.get()
                    && experiment.with(String::is_empty)
                    && offset.get() == 0;
                default_view.then(|| {
                    let page = query.run(&newest.snapshot.runs);
                    (page.runs.into_iter().cloned().collect::<Vec<Run>>(), newest.active_runs as usize, None)
                })
            })
        });
        match newest {
            Some(shown) => shown,
            None => Some(tracking.snapshot.with(|s| {
                let page = query.run(&s.runs);
                (page.runs.into_iter().cloned().collect::<Vec<Run>>(), page.total, page.next_offset)
            })),
        }
    });
    let error_text =
        move || query.with(|q| q.as_ref().err().map(|e| search_error(e, &applied.get(), lang.get())));
    let has_runs = move || {
        tracking.snapshot.with(|s| !s.runs.is_empty())
            || tracking.newest.with(|n| n.as_ref().is_some_and(|n| n.active_runs > 0))
    };

    let apply_filter = move || {
        applied.set(filter.get_untracked());
        offset.set(0);
    };
    let toggle = move |id: String| {
        selected.update(|s| {
            if !s.remove(&id) {
                s.insert(id);
            }
        })
    };
    let compare_href = move || Page::Compare(selected.get().into_iter().collect()).href();
    let export_href = move || {
        let ids: Vec<String> = selected.get().into_iter().collect();
        format!("{}?runs={}", Route::Exchange.href(), ids.join(","))
    };
    let act = move |f: &dyn Fn(&str) -> Result<(), String>| {
        action_error.set(None);
        for id in selected.get_untracked() {
            if let Err(error) = f(&id) {
                action_error.set(Some(error));
                break;
            }
        }
        selected.set(BTreeSet::new());
    };
    // Each action is the core's list of changes (a parent's children go with it), applied as one batch.
    let now = || js_sys::Date::now() as i64;
    let delete = move |_| {
        act(&|id| {
            let changes = tracking.snapshot.with_untracked(|s| store::delete_run(s, id, now()));
            changes.and_then(|c| tracking.apply(c)).map_err(|e| e.to_string())
        })
    };
    let restore = move |_| {
        act(&|id| {
            let changes = tracking.snapshot.with_untracked(|s| store::restore_run(s, id));
            changes.and_then(|c| tracking.apply(c)).map_err(|e| e.to_string())
        })
    };
    let purge = move |_| {
        action_error.set(None);
        let changes = tracking.snapshot.with_untracked(store::purge_deleted);
        if let Err(error) = tracking.apply(changes) {
            action_error.set(Some(error.to_string()));
        }
        selected.set(BTreeSet::new());
    };

    let header = move |key: String, label: String, numeric: bool| {
        let sort_key = key.clone();
        let aria = key.clone();
        let aria_sort = move || match sort.get() {
            Some((k, true)) if k == aria => "descending",
            Some((k, false)) if k == aria => "ascending",
            _ => "none",
        };
        view! {
            <th scope="col" class:num=numeric aria-sort=aria_sort>
                <button type="button" class="sort" on:click=move |_| {
                    sort.update(|s| *s = next_sort(s, &sort_key));
                    offset.set(0);
                }>{label}</button>
            </th>
        }
    };

    let row = move |run: Run| {
        let id = run.run_id.clone();
        let checked_id = id.clone();
        let toggle_id = id.clone();
        let status = status_text(run.status);
        let start = run.start_time;
        let duration = run.duration_ms();
        let extra = columns
            .get_untracked()
            .into_iter()
            .map(|c| view! { <td class:num=c.numeric()>{c.cell(&run)}</td> })
            .collect_view();
        let dataset = run.inputs.first().map(|d| d.digest.clone()).unwrap_or_default();
        let child = run.parent().is_some();
        let name = run.run_name.clone();
        view! {
            <tr data-testid="run-row" class:child=child>
                <td>
                    <input
                        type="checkbox"
                        aria-label=move || format!("{} {}", Key::RunsSelect.text(lang.get()), name)
                        prop:checked=move || selected.with(|s| s.contains(&checked_id))
                        on:change=move |_| toggle(toggle_id.clone())
                    />
                </td>
                <td><a href=Page::Run(id.clone()).href() data-testid="run-link"><code>{run.run_name.clone()}</code></a></td>
                <td data-testid="run-status"><span class=format!("status {}", status.to_lowercase())>{status}</span></td>
                <td>{move || start_text(lang.get(), start)}</td>
                <td class="num">{move || duration.map(|d| i18n::duration(lang.get(), d)).unwrap_or_else(|| "—".into())}</td>
                {extra}
                <td><small><code>{dataset}</code></small></td>
            </tr>
        }
    };

    let choices = Memo::new(move |_| tracking.snapshot.with(|s| column_choices(&s.runs)));
    let picker = move || {
        choices
            .get()
            .into_iter()
            .map(|key| {
                let checked_key = key.clone();
                let toggle_key = key.clone();
                view! {
                    <label class="chip">
                        <input
                            type="checkbox"
                            prop:checked=move || columns.with(|c| c.iter().any(|c| c.key == checked_key))
                            on:change=move |_| columns.update(|c| {
                                if let Some(i) = c.iter().position(|c| c.key == toggle_key) {
                                    c.remove(i);
                                } else {
                                    c.push(Column { key: toggle_key.clone() });
                                }
                            })
                        />
                        <code>{key}</code>
                    </label>
                }
            })
            .collect_view()
    };

    let range_text = move || {
        page.get().map(|(runs, total, _)| {
            let start = offset.get();
            let shown = if runs.is_empty() { 0 } else { start + 1 };
            match lang.get() {
                Lang::Es => format!("{shown}–{} de {total}", start + runs.len()),
                Lang::En => format!("{shown}–{} of {total}", start + runs.len()),
            }
        })
    };

    view! {
        <div class="card runs">
            <form class="run-search" role="search" on:submit=move |ev| {
                ev.prevent_default();
                apply_filter();
            }>
                <label for="run-filter">{move || Key::RunsSearchLabel.text(lang.get())}</label>
                <div class="search-row">
                    <input
                        id="run-filter"
                        type="search"
                        spellcheck="false"
                        autocomplete="off"
                        placeholder="metrics.f1 > 0.55 and params.model = 'random_forest'"
                        aria-describedby="run-filter-help"
                        aria-invalid=move || error_text().is_some().to_string()
                        prop:value=move || filter.get()
                        on:input=move |ev| filter.set(event_target_value(&ev))
                    />
                    <button type="submit">{move || Key::RunsSearchButton.text(lang.get())}</button>
                </div>
                <small id="run-filter-help">{move || Key::RunsSearchHelp.text(lang.get())}</small>
            </form>
            {move || error_text().map(|e| view! { <p class="error" role="alert" data-testid="search-error">{e}</p> })}
            <div class="toolbar">
                <div class="field inline">
                    <label for="runs-experiment">{move || Exp::FilterLabel.text(lang.get())}</label>
                    <select
                        id="runs-experiment"
                        prop:value=move || experiment.get()
                        on:change=move |ev| {
                            experiment.set(event_target_value(&ev));
                            offset.set(0);
                        }
                    >
                        <option value="">{move || Exp::AllExperiments.text(lang.get())}</option>
                        {move || experiments.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field inline">
                    <input
                        id="show-deleted"
                        type="checkbox"
                        prop:checked=move || deleted_view.get()
                        on:change=move |ev| {
                            deleted_view.set(event_target_checked(&ev));
                            offset.set(0);
                            selected.set(BTreeSet::new());
                        }
                    />
                    <label for="show-deleted">{move || Key::RunsShowDeleted.text(lang.get())}</label>
                </div>
                <a
                    class="button"
                    data-testid="compare-link"
                    href=compare_href
                    aria-disabled=move || (selected.with(|s| s.len()) < 2).to_string()
                >
                    {move || Key::RunsCompare.text(lang.get())}
                </a>
                <a
                    class="button"
                    data-testid="export-selected"
                    href=export_href
                    aria-disabled=move || selected.with(|s| s.is_empty()).to_string()
                >
                    {move || Key::RunsExport.text(lang.get())}
                </a>
                <Show
                    when=move || deleted_view.get()
                    fallback=move || view! {
                        <button type="button" data-testid="delete-runs" disabled=move || loading() || selected.with(|s| s.is_empty()) on:click=delete>
                            {move || Key::RunsDelete.text(lang.get())}
                        </button>
                    }
                >
                    <button type="button" data-testid="restore-runs" disabled=move || loading() || selected.with(|s| s.is_empty()) on:click=restore>
                        {move || Key::RunsRestore.text(lang.get())}
                    </button>
                    <button type="button" data-testid="purge-runs" disabled=loading on:click=purge>
                        {move || Key::RunsPurge.text(lang.get())}
                    </button>
                </Show>
                <details class="columns-picker">
                    <summary>{move || Key::RunsColumns.text(lang.get())}</summary>
                    <div class="chips">{picker}</div>
                </details>
            </div>
            {move || action_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || loading().then(|| view! { <p class="hint" role="status" data-testid="runs-loading">{move || Key::RunsLoadingAll.text(lang.get())}</p> })}
            <Show
                when=has_runs
                fallback=move || view! { <p class="empty">{move || Key::RunsEmpty.text(lang.get())}</p> }
            >
                <div class="table-scroll">
                    <table class="data" data-testid="runs-table">
                        <thead>
                            <tr>
                                <th scope="col"><span class="visually-hidden">{move || Key::RunsSelect.text(lang.get())}</span></th>
                                {move || header("attributes.run_name".into(), Key::RunName.text(lang.get()).into(), false)}
                                {move || header("attributes.status".into(), Key::RunStatus.text(lang.get()).into(), false)}
                                {move || header("attributes.start_time".into(), Key::RunStart.text(lang.get()).into(), false)}
                                <th scope="col" class="num">{move || Key::RunDuration.text(lang.get())}</th>
                                {move || columns.get().into_iter().map(|c| header(c.key.clone(), c.header(), c.numeric())).collect_view()}
                                <th scope="col">{move || Key::RunDataset.text(lang.get())}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                // Re-render rows when the chosen columns change.
                                columns.track();
                                page.get().map(|(runs, _, _)| runs.into_iter().map(row).collect_view())
                            }}
                        </tbody>
                    </table>
                </div>
                <nav class="pager" aria-label=move || Key::RunsPages.text(lang.get())>
                    <button
                        type="button"
                        disabled=move || offset.get() == 0
                        on:click=move |_| offset.update(|o| *o = o.saturating_sub(PAGE_SIZE))
                    >
                        {move || Key::RunsPrevious.text(lang.get())}
                    </button>
                    <span data-testid="runs-range">{range_text}</span>
                    <button
                        type="button"
                        disabled=move || page.with(|p| p.as_ref().and_then(|p| p.2).is_none())
                        on:click=move |_| {
                            if let Some(next) = page.with_untracked(|p| p.as_ref().and_then(|p| p.2)) {
                                offset.set(next);
                            }
                        }
                    >
                        {move || Key::RunsNext.text(lang.get())}
                    </button>
                </nav>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_sorts_descending_then_ascending_then_not() {
        let mut sort = None;
        sort = next_sort(&sort, "metrics.f1");
        assert_eq!(sort, Some(("metrics.f1".to_string(), true)));
        sort = next_sort(&sort, "metrics.f1");
        assert_eq!(sort, Some(("metrics.f1".to_string(), false)));
        assert_eq!(next_sort(&sort, "metrics.f1"), None);
        assert_eq!(next_sort(&sort, "params.model"), Some(("params.model".to_string(), true)));
    }

    #[test]
    fn the_column_picker_lists_metrics_then_params() {
        let mut run = Run::new("a", "0", "a", 0);
        run.metrics.insert("f1".into(), 0.5);
        run.params.insert("C".into(), "1".into());
        assert_eq!(
            column_choices(&[run.clone(), run]),
            vec!["metrics.f1".to_string(), "params.C".to_string()]
        );
        let column = Column { key: "metrics.f1".into() };
        assert_eq!((column.header(), column.numeric()), ("f1".to_string(), true));
    }
}
