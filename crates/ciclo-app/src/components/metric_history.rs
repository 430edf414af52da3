//! A run's metric histories: every metric logged at more than one step (boosting's loss per round today,
//! a retrained model's weekly scores later), drawn on one line chart, each shown or hidden by a checkbox.
//! Histories are read from the store when the detail opens (they are kept apart from the run record).

use ciclo_core::tracking::Run;
use leptos::prelude::*;

use crate::charts::data::Series;
use crate::charts::line_chart::LineChart;
use crate::i18n::detail::Detail;
use crate::state::use_app;

/// The keys of `run`'s metrics logged at a step other than 0, in key order.
pub fn keys_with_history(run: &Run) -> Vec<String> {
    run.latest_points.iter().filter(|(_, p)| p.step != 0).map(|(k, _)| k.clone()).collect()
}

/// The metric-history chart of `run`, or nothing when no metric has a history.
#[component]
pub fn MetricHistory(
    /// The run.
    run: Run,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let keys = keys_with_history(&run);
    if keys.is_empty() {
        return ().into_any();
    }
    let shown = RwSignal::new(keys.clone());
    let tracking = state.tracking;
    let run_id = run.run_id.clone();
    let loading_keys = keys.clone();
    let histories = LocalResource::new(move || {
        let (run_id, keys) = (run_id.clone(), loading_keys.clone());
        async move {
            let mut series = Vec::with_capacity(keys.len());
            for key in keys {
                match tracking.load_metric_history(&run_id, &key).await {
                    Ok(points) => {
                        series.push(Series::from_steps(key, points.iter().map(|p| (p.step, p.value))))
                    }
                    Err(error) => log::warn!("could not read the history of `{key}`: {error}"),
                }
            }
            series
        }
    });
    let boxes = keys
        .into_iter()
        .map(|key| {
            let id = format!("history-{key}");
            let k = key.clone();
            let toggle = move |ev| {
                let on = event_target_checked(&ev);
                shown.update(|s| {
                    s.retain(|x| x != &k);
                    if on {
                        s.push(k.clone());
                    }
                });
            };
            let checked_key = key.clone();
            view! {
                <span class="field inline">
                    <input
                        id=id.clone()
                        type="checkbox"
                        prop:checked=move || shown.with(|s| s.contains(&checked_key))
                        on:change=toggle
                    />
                    <label for=id><code>{key}</code></label>
                </span>
            }
        })
        .collect_view();
    view! {
        <section class="metric-history wide" aria-labelledby="history-title" data-testid="metric-history">
            <h2 id="history-title">{move || Detail::HistoryTitle.text(lang.get())}</h2>
            <p class="hint">{move || Detail::HistoryExplain.text(lang.get())}</p>
            <fieldset class="history-pick">
                <legend>{move || Detail::HistoryPick.text(lang.get())}</legend>
                {boxes}
            </fieldset>
            <Suspense fallback=|| ()>
                {move || {
                    let lang = lang.get();
                    let chosen = shown.get();
                    histories.get().map(|all| {
                        let series: Vec<Series> =
                            all.into_iter().filter(|s| chosen.contains(&s.name)).collect();
                        (!series.is_empty()).then(|| view! {
                            <LineChart
                                title=Detail::HistoryTitle.text(lang)
                                series=series
                                x_title=Detail::HistoryStep.text(lang)
                                y_title=Detail::HistoryValue.text(lang)
                                format=lang
                            />
                        })
                    })
                }}
            </Suspense>
        </section>
    }
    .into_any()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use ciclo_core::tracking::MetricPoint;

    use super::*;

    #[test]
    fn only_metrics_logged_past_step_zero_have_a_history() {
        let mut run = Run::new("r", "0", "r", 0);
        let point = |step| MetricPoint { value: 1.0, step, timestamp: 0 };
        run.latest_points.insert("f1".into(), point(0));
        run.latest_points.insert("train_loss".into(), point(99));
        run.latest_points.insert("validation_loss".into(), point(99));
        assert_eq!(keys_with_history(&run), ["train_loss", "validation_loss"]);
    }
}
