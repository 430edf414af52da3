//! The table of recorded runs, newest first.

use ciclo_core::tracking::{Run, RunStatus};
use leptos::prelude::*;

use crate::i18n::{self, Key, Lang};
use crate::state::use_app;

fn status_text(status: RunStatus) -> &'static str {
    match status {
        RunStatus::Running => "RUNNING",
        RunStatus::Finished => "FINISHED",
        RunStatus::Failed => "FAILED",
        RunStatus::Killed => "KILLED",
    }
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

/// One line per run: name, status, start, duration, model, F1 and ROC AUC, data set digest.
#[component]
pub fn RunsTable() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let runs = Memo::new(move |_| state.tracking.snapshot.with(|s| s.runs.clone()));
    let row = move |run: Run| {
        let metric =
            |key: &str| run.metrics.get(key).map(|v| format!("{v:.3}")).unwrap_or_else(|| "—".into());
        let f1 = metric("f1");
        let auc = metric("roc_auc");
        let model = run.params.get("model").cloned().unwrap_or_default();
        let dataset = run.inputs.first().map(|d| format!("{} ({})", d.name, d.digest)).unwrap_or_default();
        let status = status_text(run.status);
        let start = run.start_time;
        let duration = run.duration_ms();
        view! {
            <tr data-testid="run-row">
                <td><code title=run.run_id.clone()>{run.run_name.clone()}</code></td>
                <td data-testid="run-status"><span class=format!("status {}", status.to_lowercase())>{status}</span></td>
                <td>{move || start_text(lang.get(), start)}</td>
                <td class="num">{move || duration.map(|d| i18n::duration(lang.get(), d)).unwrap_or_else(|| "—".into())}</td>
                <td>{model}</td>
                <td class="num">{f1}</td>
                <td class="num">{auc}</td>
                <td><small>{dataset}</small></td>
            </tr>
        }
    };
    view! {
        <div class="card">
            <h2>{move || Key::RunsTitle.text(lang.get())}</h2>
            <Show
                when=move || !runs.with(|r| r.is_empty())
                fallback=move || view! { <p class="empty">{move || Key::RunsEmpty.text(lang.get())}</p> }
            >
                <div class="table-scroll">
                    <table class="data" data-testid="runs-table">
                        <thead>
                            <tr>
                                <th scope="col">{move || Key::RunName.text(lang.get())}</th>
                                <th scope="col">{move || Key::RunStatus.text(lang.get())}</th>
                                <th scope="col">{move || Key::RunStart.text(lang.get())}</th>
                                <th scope="col" class="num">{move || Key::RunDuration.text(lang.get())}</th>
                                <th scope="col">{move || Key::RunModel.text(lang.get())}</th>
                                <th scope="col" class="num">"F1"</th>
                                <th scope="col" class="num">"ROC AUC"</th>
                                <th scope="col">{move || Key::RunDataset.text(lang.get())}</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || runs.get() key=|run| (run.run_id.clone(), run.status as u8, run.end_time) children=row/>
                        </tbody>
                    </table>
                </div>
            </Show>
        </div>
    }
}
