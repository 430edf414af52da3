//! "Reproduce" in a run's detail: trains the run again with the same parameters, seed and data, and
//! shows, metric by metric, that the two runs agree to the bit. A reproduction's own detail shows the
//! same comparison against its original (see [`crate::reproduce`]).

use ciclo_core::tracking::{Run, RunStatus};
use leptos::prelude::*;

use crate::components::runs_table::status_text;
use crate::components::train_panel::builtin_input;
use crate::i18n::detail::{self, Detail};
use crate::i18n::Lang;
use crate::reproduce::{self, MetricCheck};
use crate::route::Page;
use crate::state::use_app;
use crate::training::{Placement, REPRODUCES_TAG};

/// A metric value with every digit Rust needs to read it back (the comparison is to the bit).
fn exact(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| "—".to_string())
}

/// The metric-by-metric table of `checks`.
fn checks_table(checks: Vec<MetricCheck>, lang: Lang) -> impl IntoView {
    let t = move |d: Detail| d.text(lang);
    view! {
        <table class="data" data-testid="reproduce-checks">
            <thead>
                <tr>
                    <th scope="col">{t(Detail::ReproduceMetric)}</th>
                    <th scope="col">{t(Detail::ReproduceOriginal)}</th>
                    <th scope="col">{t(Detail::ReproduceNew)}</th>
                    <th scope="col">{t(Detail::ReproduceSame)}</th>
                </tr>
            </thead>
            <tbody>
                {checks
                    .into_iter()
                    .map(|c| {
                        let same = c.identical();
                        view! {
                            <tr class:differs=!same>
                                <th scope="row"><code>{c.key.clone()}</code></th>
                                <td><code>{exact(c.original)}</code></td>
                                <td><code>{exact(c.reproduced)}</code></td>
                                <td>{if same { t(Detail::Yes) } else { t(Detail::No) }}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The verdict on one reproduction: still training, or how many metrics are identical.
fn verdict(original: &Run, reproduction: &Run, lang: Lang) -> String {
    match reproduction.status {
        RunStatus::Running => Detail::ReproduceWaiting.text(lang).to_string(),
        RunStatus::Finished => {
            let checks = reproduce::compare_metrics(original, reproduction);
            let same = checks.iter().filter(|c| c.identical()).count();
            let word = if same == checks.len() && same > 0 {
                Detail::ReproduceIdentical
            } else {
                Detail::ReproduceDiffer
            };
            format!("{} · {}", word.text(lang), detail::identical_count(lang, same, checks.len()))
        }
        other => status_text(other).to_string(),
    }
}

/// The reproduce section of `run`'s detail.
#[component]
pub fn ReproducePanel(
    /// The run shown.
    run: Run,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let run_id = run.run_id.clone();
    let id = run_id.clone();
    // Runs that reproduce this one, newest first.
    let reproductions = Memo::new(move |_| {
        state.tracking.snapshot.with(|s| {
            let mut found: Vec<Run> = s
                .runs
                .iter()
                .filter(|r| !r.is_deleted() && r.tags.get(REPRODUCES_TAG) == Some(&id))
                .cloned()
                .collect();
            found.sort_by_key(|r| std::cmp::Reverse(r.start_time));
            found
        })
    });
    // The run this one reproduces, when it is a reproduction.
    let original_id = run.tags.get(REPRODUCES_TAG).cloned();
    let original = {
        let original_id = original_id.clone();
        Memo::new(move |_| {
            let wanted = original_id.clone()?;
            state.tracking.snapshot.with(|s| s.run(&wanted).cloned())
        })
    };
    let digest = state.data.get_value().digest.clone();
    let config = reproduce::config_for(&run, &digest);
    let error = config.clone().err();
    let busy = move || state.training.status.get().is_busy();
    let this = run.clone();
    let start = move |_| {
        let Ok(config) = config.clone() else { return };
        let (source, dataset) = builtin_input(state);
        let mut placement = Placement::in_experiment(this.experiment_id.clone());
        placement.tags.insert(REPRODUCES_TAG.to_string(), this.run_id.clone());
        state.training.start(state.tracking, source, dataset, config, placement);
    };
    let shown = run.clone();
    let compared = run.clone();

    view! {
        <section class="reproduce" aria-labelledby="reproduce-title" data-testid="reproduce">
            <h2 id="reproduce-title">{move || Detail::ReproduceTitle.text(lang.get())}</h2>
            <p class="hint">{move || Detail::ReproduceExplain.text(lang.get())}</p>
            {original_id.clone().map(|id| view! {
                <p>
                    {move || Detail::ReproduceOf.text(lang.get())} " "
                    <a href=Page::Run(id.clone()).href()><code>{id.clone()}</code></a>
                </p>
            })}
            {move || original.get().map(|original| {
                let lang = lang.get();
                view! {
                    <p class="verdict" data-testid="reproduce-verdict">{verdict(&original, &compared, lang)}</p>
                    {checks_table(reproduce::compare_metrics(&original, &compared), lang)}
                }
            })}
            <Show when=move || original_id.is_none()>
                {match error.clone() {
                    Some(error) => view! {
                        <p class="notice" role="status">{move || error.message(lang.get())}</p>
                    }.into_any(),
                    None => view! {
                        <p>
                            <button
                                type="button"
                                data-testid="reproduce-button"
                                disabled=busy
                                on:click=start.clone()
                            >
                                {move || Detail::ReproduceButton.text(lang.get())}
                            </button>
                        </p>
                        <Show when=busy>
                            <p class="hint" role="status">{move || Detail::ReproduceBusy.text(lang.get())}</p>
                        </Show>
                    }.into_any(),
                }}
                {
                    let shown = shown.clone();
                    move || {
                        let found = reproductions.get();
                        let lang = lang.get();
                        (!found.is_empty()).then(|| view! {
                            <h3>{Detail::Reproductions.text(lang)}</h3>
                            <ul class="run-links" data-testid="reproductions">
                                {found
                                    .iter()
                                    .map(|r| view! {
                                        <li data-testid="reproduction">
                                            <a href=Page::Run(r.run_id.clone()).href()>{r.run_name.clone()}</a>
                                            " · " <span data-testid="reproduction-verdict">{verdict(&shown, r, lang)}</span>
                                        </li>
                                    })
                                    .collect_view()}
                            </ul>
                        })
                    }
                }
            </Show>
        </section>
    }
}
