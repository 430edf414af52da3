//! Runs compared: side by side with an "only differences" switch (MLflow removed it and its users keep
//! asking, mlflow#10477), a parallel-coordinates plot of the parameters that differ and a metric, and a
//! parameter-versus-metric scatter.

use std::collections::{BTreeMap, BTreeSet};

use ciclo_core::tracking::Run;
use leptos::prelude::*;

use crate::charts::data::{Polyline, ScatterPoint, Value};
use crate::charts::parallel_coordinates::ParallelCoordinates;
use crate::charts::scatter_chart::ScatterChart;
use crate::components::teaching_note::TeachingNote;
use crate::i18n::compare::{self, Cmp};
use crate::i18n::Key;
use crate::pages::runs_page::metric_text;
use crate::route::Page;
use crate::state::use_app;

/// The parameters whose logged values are not the same in every run (a run without one counts as
/// different), in key order.
pub fn differing_params(runs: &[Run]) -> Vec<String> {
    comparison_rows(runs, |r| r.params.clone(), true).into_iter().map(|(key, _)| key).collect()
}

/// The metrics every run has, in key order.
pub fn shared_metrics(runs: &[Run]) -> Vec<String> {
    let Some((first, rest)) = runs.split_first() else { return Vec::new() };
    first.metrics.keys().filter(|k| rest.iter().all(|r| r.metrics.contains_key(*k))).cloned().collect()
}

/// The metric charted first: F1 (the report's), else its cross-validated mean, else ROC AUC, else the
/// first one.
pub fn default_metric(metrics: &[String]) -> Option<String> {
    ["f1", "cv_f1_mean", "roc_auc", "cv_roc_auc_mean"]
        .iter()
        .find(|m| metrics.iter().any(|k| k == *m))
        .map(|m| m.to_string())
        .or_else(|| metrics.first().cloned())
}

/// The parallel-coordinates lines: one per run over `params` then `metric`, the best run by `metric`
/// highlighted.
pub fn polylines(runs: &[Run], params: &[String], metric: &str) -> Vec<Polyline> {
    let best = best_run(runs, metric);
    let mut axes: Vec<String> = params.to_vec();
    axes.push(metric.to_string());
    runs.iter()
        .map(|r| {
            let logged = r
                .params
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .chain(r.metrics.get(metric).map(|v| (metric, v.to_string())));
            Polyline {
                highlighted: Some(r.run_id.as_str()) == best,
                ..Polyline::from_logged(r.run_name.clone(), &axes, logged)
            }
        })
        .collect()
}

/// The scatter's points: each run's `param` against its `metric`, the best run by `metric` highlighted.
pub fn scatter_points(runs: &[Run], param: &str, metric: &str) -> Vec<ScatterPoint> {
    let best = best_run(runs, metric);
    runs.iter()
        .filter_map(|r| {
            let y = *r.metrics.get(metric)?;
            let x = r.params.get(param).map_or(Value::Missing, |v| Value::parse(v));
            Some(ScatterPoint {
                highlighted: Some(r.run_id.as_str()) == best,
                ..ScatterPoint::new(r.run_name.clone(), x, y)
            })
        })
        .collect()
}

/// The id of the run with the highest finite `metric` (every metric the page logs is better higher,
/// except losses, which are never the default).
fn best_run<'a>(runs: &'a [Run], metric: &str) -> Option<&'a str> {
    runs.iter()
        .filter_map(|r| r.metrics.get(metric).filter(|v| v.is_finite()).map(|v| (r, *v)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(r, _)| r.run_id.as_str())
}

/// The two charts of a comparison, with a metric to chart and a parameter for the scatter's x axis.
#[component]
fn CompareCharts(
    /// The runs compared.
    runs: Memo<Vec<Run>>,
) -> impl IntoView {
    let lang = use_app().lang;
    let params = Memo::new(move |_| runs.with(|r| differing_params(r)));
    let metrics = Memo::new(move |_| runs.with(|r| shared_metrics(r)));
    let chosen_metric = RwSignal::new(None::<String>);
    let chosen_param = RwSignal::new(None::<String>);
    let metric = Memo::new(move |_| {
        let all = metrics.get();
        chosen_metric.get().filter(|m| all.contains(m)).or_else(|| default_metric(&all))
    });
    let param = Memo::new(move |_| {
        let all = params.get();
        chosen_param
            .get()
            .filter(|p| all.contains(p))
            .or_else(|| all.iter().find(|p| *p != "seed").or(all.first()).cloned())
    });
    let options = |all: Vec<String>, chosen: Option<String>| {
        all.into_iter()
            .map(|k| {
                let selected = Some(&k) == chosen.as_ref();
                let label = k.clone();
                view! { <option value=k selected=selected>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <section class="compare-charts" aria-labelledby="compare-charts-title" data-testid="compare-charts">
            <h2 id="compare-charts-title">{move || Cmp::Title.text(lang.get())}</h2>
            <p class="hint">{move || Cmp::Explain.text(lang.get())}</p>
            <Show
                when=move || metric.get().is_some()
                fallback=move || view! { <p class="notice" role="status">{move || Cmp::NoSharedMetric.text(lang.get())}</p> }
            >
                <div class="toolbar">
                    <div class="field inline">
                        <label for="compare-metric">{move || Cmp::Metric.text(lang.get())}</label>
                        <select id="compare-metric" on:change=move |ev| chosen_metric.set(Some(event_target_value(&ev)))>
                            {move || options(metrics.get(), metric.get())}
                        </select>
                    </div>
                    <Show when=move || !params.with(Vec::is_empty)>
                        <div class="field inline">
                            <label for="compare-param">{move || Cmp::Param.text(lang.get())}</label>
                            <select id="compare-param" on:change=move |ev| chosen_param.set(Some(event_target_value(&ev)))>
                                {move || options(params.get(), param.get())}
                            </select>
                        </div>
                    </Show>
                </div>
                {move || {
                    let lang = lang.get();
                    let metric = metric.get()?;
                    let runs = runs.get();
                    let params = params.get();
                    let lines = polylines(&runs, &params, &metric);
                    let mut axes = params.clone();
                    axes.push(metric.clone());
                    let scatter = param.get().map(|p| (scatter_points(&runs, &p, &metric), p));
                    Some(view! {
                        <div class="run-charts">
                            {(!params.is_empty()).then(|| view! {
                                <ParallelCoordinates
                                    title=compare::parallel_title(lang, &metric)
                                    axes=axes
                                    runs=lines
                                    format=lang
                                    desc=Cmp::ParallelDesc.text(lang).to_string()
                                />
                            })}
                            {scatter.map(|(points, p)| view! {
                                <ScatterChart
                                    title=compare::scatter_title(lang, &p, &metric)
                                    points=points
                                    x_title=p
                                    y_title=metric.clone()
                                    format=lang
                                />
                            })}
                        </div>
                    })
                }}
            </Show>
        </section>
    }
}

/// The rows of a comparison: every key any of the runs has, with each run's value (empty when absent).
pub fn comparison_rows(
    runs: &[Run],
    values: impl Fn(&Run) -> BTreeMap<String, String>,
    only_differences: bool,
) -> Vec<(String, Vec<String>)> {
    let per_run: Vec<BTreeMap<String, String>> = runs.iter().map(values).collect();
    let keys: BTreeSet<&String> = per_run.iter().flat_map(|m| m.keys()).collect();
    keys.into_iter()
        .map(|key| {
            (key.clone(), per_run.iter().map(|m| m.get(key).cloned().unwrap_or_default()).collect::<Vec<_>>())
        })
        .filter(|(_, row)| !only_differences || row.iter().any(|v| Some(v) != row.first()))
        .collect()
}

/// Runs side by side: parameters and metrics, with a switch that hides the rows where they all agree.
#[component]
pub fn ComparePage(
    /// The runs' ids.
    run_ids: Vec<String>,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let only_differences = RwSignal::new(false);
    let ids = run_ids.clone();
    let runs = Memo::new(move |_| {
        state.tracking.snapshot.with(|s| {
            ids.iter().filter_map(|id| s.runs.iter().find(|r| &r.run_id == id).cloned()).collect::<Vec<_>>()
        })
    });
    let table = move |caption: Key, testid: &'static str, params: bool| {
        let runs = runs.get();
        let rows = comparison_rows(
            &runs,
            |r| {
                if params {
                    r.params.clone()
                } else {
                    r.metrics.iter().map(|(k, v)| (k.clone(), metric_text(*v))).collect()
                }
            },
            only_differences.get(),
        );
        view! {
            <table class="data compare" data-testid=testid>
                <caption>{move || caption.text(lang.get())}</caption>
                <thead>
                    <tr>
                        <th scope="col"></th>
                        {runs.iter().map(|r| view! { <th scope="col"><a href=Page::Run(r.run_id.clone()).href()>{r.run_name.clone()}</a></th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|(key, values)| {
                            let differs = values.iter().any(|v| Some(v) != values.first());
                            view! {
                                <tr class:differs=differs data-testid="compare-row">
                                    <th scope="row"><code>{key}</code></th>
                                    {values.into_iter().map(|v| view! { <td>{v}</td> }).collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
    };
    view! {
        <section class="page" aria-labelledby="compare-title">
            <p><a href=Page::Section(crate::route::Route::Runs).href()>{move || Key::BackToRuns.text(lang.get())}</a></p>
            <h1 id="compare-title">{move || Key::CompareTitle.text(lang.get())}</h1>
            <TeachingNote text=Key::CompareTeaching/>
            <Show
                when=move || runs.with(|r| r.len() >= 2)
                fallback=move || view! { <p class="notice" role="status">{move || Key::CompareNeedTwo.text(lang.get())}</p> }
            >
                <div class="field inline">
                    <input
                        id="only-differences"
                        type="checkbox"
                        role="switch"
                        prop:checked=move || only_differences.get()
                        on:change=move |ev| only_differences.set(event_target_checked(&ev))
                    />
                    <label for="only-differences">{move || Key::CompareOnlyDifferences.text(lang.get())}</label>
                </div>
                <div class="table-scroll">{move || table(Key::RunParams, "compare-params", true)}</div>
                <div class="table-scroll">{move || table(Key::RunMetrics, "compare-metrics", false)}</div>
                <CompareCharts runs=runs/>
            </Show>
        </section>
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;
    use ciclo_core::tracking::RunStatus;

    fn run(id: &str, params: &[(&str, &str)]) -> Run {
        Run {
            status: RunStatus::Finished,
            end_time: Some(1),
            params: params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Run::new(id, "0", id, 0)
        }
    }

    fn scored(id: &str, depth: &str, f1: f64) -> Run {
        let mut r = run(id, &[("model", "random_forest"), ("max_depth", depth), ("seed", "42")]);
        r.metrics.insert("f1".into(), f1);
        r.metrics.insert("roc_auc".into(), 0.8);
        r
    }

    #[test]
    fn comparison_keeps_every_key_and_can_hide_agreement() {
        let runs = [
            run("a", &[("model", "forest"), ("max_depth", "5")]),
            run("b", &[("model", "forest"), ("C", "1")]),
        ];
        let all = comparison_rows(&runs, |r| r.params.clone(), false);
        assert_eq!(
            all,
            vec![
                ("C".to_string(), vec!["".to_string(), "1".to_string()]),
                ("max_depth".to_string(), vec!["5".to_string(), "".to_string()]),
                ("model".to_string(), vec!["forest".to_string(), "forest".to_string()]),
            ]
        );
        let differences = comparison_rows(&runs, |r| r.params.clone(), true);
        assert_eq!(differences.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), vec!["C", "max_depth"]);
    }

    #[test]
    fn charts_use_the_params_that_differ_and_a_shared_metric() {
        let mut runs = vec![scored("a", "5", 0.55), scored("b", "None", 0.61), scored("c", "10", 0.58)];
        runs[2].metrics.remove("roc_auc");
        assert_eq!(differing_params(&runs), ["max_depth"]);
        assert_eq!(shared_metrics(&runs), ["f1"]);
        assert_eq!(default_metric(&shared_metrics(&runs)).as_deref(), Some("f1"));
        assert_eq!(
            default_metric(&["cv_f1_mean".to_string(), "x".to_string()]).as_deref(),
            Some("cv_f1_mean")
        );
        assert_eq!(default_metric(&[]), None);

        let lines = polylines(&runs, &differing_params(&runs), "f1");
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].values, [Value::Category("None".into()), Value::Number(0.61)]);
        assert_eq!(
            lines.iter().filter(|l| l.highlighted).map(|l| l.label.as_str()).collect::<Vec<_>>(),
            ["b"]
        );

        let points = scatter_points(&runs, "max_depth", "roc_auc");
        assert_eq!(points.len(), 2, "a run without the metric has no point");
        assert_eq!(points[0].x, Value::Number(5.0));
    }
}
