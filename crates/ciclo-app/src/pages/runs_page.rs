//! The runs section: the table of every run (search, sort, pages) and one run's detail (runs compared
//! side by side are in [`super::compare_page`]).

use ciclo_core::tracking::{DatasetInput, Run};
use leptos::prelude::*;

use crate::components::metric_history::MetricHistory;
use crate::components::reproduce_panel::ReproducePanel;
use crate::components::run_charts::RunCharts;
use crate::components::runs_table::{status_text, RunsTable};
use crate::components::teaching_note::TeachingNote;
use crate::i18n::detail::{self, Detail};
use crate::i18n::{self, Key, Lang};
use crate::route::Page;
use crate::state::use_app;

/// The runs table.
#[component]
pub fn RunsPage() -> impl IntoView {
    let lang = use_app().lang;
    view! {
        <section class="page" aria-labelledby="runs-title">
            <h1 id="runs-title">{move || Key::RunsTitle.text(lang.get())}</h1>
            <TeachingNote text=Key::RunsTeaching/>
            <RunsTable/>
        </section>
    }
}

/// A value for a table cell: metrics rounded to 4 decimals as MLflow's UI shows them, without trailing
/// zeros (`34.2`, not `34.2000`).
pub fn metric_text(value: f64) -> String {
    if value.is_finite() && value.fract() != 0.0 {
        let text = format!("{value:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        value.to_string()
    }
}

/// The columns of an MLflow dataset schema (`{"mlflow_colspec": [{"type": …, "name": …}]}`) as
/// `(name, type)`; empty when the text is not one.
pub fn schema_columns(schema: &str) -> Vec<(String, String)> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(schema) else { return Vec::new() };
    let Some(columns) = value.get("mlflow_colspec").and_then(|c| c.as_array()) else { return Vec::new() };
    columns
        .iter()
        .map(|c| {
            let field = |k: &str| c.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            (field("name"), field("type"))
        })
        .collect()
}

/// The entries of an MLflow dataset profile (a flat JSON object) as `(key, value)` text.
pub fn profile_entries(profile: &str) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(profile) else {
        return Vec::new();
    };
    map.into_iter()
        .map(|(k, v)| (k, v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
        .collect()
}

/// A data set input: its name, digest, rows and context, then its schema and profile on demand.
fn dataset_view(input: DatasetInput, lang: RwSignal<Lang>) -> impl IntoView {
    let columns = schema_columns(&input.schema);
    let n = columns.len();
    let profile = profile_entries(&input.profile);
    view! {
        <div class="dataset" data-testid="run-inputs">
            <h2>{move || Key::RunDataset.text(lang.get())}</h2>
            <p><strong>{input.name}</strong> " · " <code>{input.digest}</code> " · " {input.rows} " · " {input.context}</p>
            {(!profile.is_empty()).then(|| view! {
                <p class="hint">
                    {move || Detail::ProfileTitle.text(lang.get())} ": "
                    {profile.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ")}
                </p>
            })}
            {(n > 0).then(|| view! {
                <details data-testid="run-schema">
                    <summary>{move || format!("{} ({})", Detail::SchemaSummary.text(lang.get()), detail::columns(lang.get(), n))}</summary>
                    <table class="data">
                        <thead><tr>
                            <th scope="col">{move || Detail::SchemaColumn.text(lang.get())}</th>
                            <th scope="col">{move || Detail::SchemaType.text(lang.get())}</th>
                        </tr></thead>
                        <tbody>
                            {columns.into_iter().map(|(name, kind)| view! { <tr><th scope="row"><code>{name}</code></th><td>{kind}</td></tr> }).collect_view()}
                        </tbody>
                    </table>
                </details>
            })}
        </div>
    }
}

/// A `key → value` table.
fn key_values(
    caption: Key,
    rows: Vec<(String, String)>,
    testid: &'static str,
    lang: RwSignal<Lang>,
) -> impl IntoView {
    view! {
        <table class="data kv" data-testid=testid>
            <caption>{move || caption.text(lang.get())}</caption>
            <tbody>
                {rows
                    .into_iter()
                    .map(|(k, v)| view! { <tr><th scope="row"><code>{k}</code></th><td>{v}</td></tr> })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// Links to runs by name.
fn run_links(runs: Vec<(String, String)>) -> impl IntoView {
    runs.into_iter()
        .map(|(id, name)| view! { <li><a href=Page::Run(id).href()>{name}</a></li> })
        .collect_view()
}

/// One run: its parameters, metrics, tags, data set, parent and children.
#[component]
pub fn RunPage(
    /// The run's id.
    run_id: String,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let id = run_id.clone();
    let run =
        Memo::new(move |_| state.tracking.snapshot.with(|s| s.runs.iter().find(|r| r.run_id == id).cloned()));
    let id = run_id.clone();
    let children = Memo::new(move |_| {
        state.tracking.snapshot.with(|s| {
            s.runs
                .iter()
                .filter(|r| r.parent() == Some(id.as_str()))
                .map(|r| (r.run_id.clone(), r.run_name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let parent = Memo::new(move |_| {
        let parent_id = run.with(|r| r.as_ref().and_then(|r| r.parent().map(str::to_string)))?;
        let name = state
            .tracking
            .snapshot
            .with(|s| s.runs.iter().find(|r| r.run_id == parent_id).map(|r| r.run_name.clone()));
        Some((parent_id.clone(), name.unwrap_or(parent_id)))
    });
    let missing_id = run_id.clone();
    view! {
        <section class="page" aria-labelledby="run-title">
            <p><a href=Page::Section(crate::route::Route::Runs).href()>{move || Key::BackToRuns.text(lang.get())}</a></p>
            {move || match run.get() {
                None => view! {
                    <h1 id="run-title">{move || Key::RunNotFound.text(lang.get())}</h1>
                    <p class="notice" role="status"><code>{missing_id.clone()}</code></p>
                }.into_any(),
                Some(run) => run_detail(run, lang, parent.get(), children.get()).into_any(),
            }}
        </section>
    }
}

fn run_detail(
    run: Run,
    lang: RwSignal<Lang>,
    parent: Option<(String, String)>,
    children: Vec<(String, String)>,
) -> impl IntoView {
    let status = status_text(run.status);
    let duration = run.duration_ms();
    let params: Vec<(String, String)> = run.params.clone().into_iter().collect();
    let metrics: Vec<(String, String)> =
        run.metrics.iter().map(|(k, v)| (k.clone(), metric_text(*v))).collect();
    let tags: Vec<(String, String)> = run.tags.clone().into_iter().collect();
    let inputs = run.inputs.clone();
    let has_children = !children.is_empty();
    let charted = run.clone();
    let historied = run.clone();
    let reproduced = run.clone();
    view! {
        <h1 id="run-title"><code>{run.run_name.clone()}</code></h1>
        <p class="facts">
            <span data-testid="run-detail-status" class=format!("status {}", status.to_lowercase())>{status}</span>
            " · " <code>{run.run_id.clone()}</code>
            " · " {move || duration.map(|d| i18n::duration(lang.get(), d)).unwrap_or_default()}
        </p>
        {parent.map(|(id, name)| view! {
            <p>{move || Key::RunParent.text(lang.get())} " " <a href=Page::Run(id).href()>{name}</a></p>
        })}
        <div class="columns">
            {key_values(Key::RunParams, params, "run-params", lang)}
            {key_values(Key::RunMetrics, metrics, "run-metrics", lang)}
        </div>
        <div class="columns">
            {key_values(Key::RunTags, tags, "run-tags", lang)}
            <div>{inputs.into_iter().map(|d| dataset_view(d, lang)).collect_view()}</div>
        </div>
        <RunCharts run=charted/>
        <MetricHistory run=historied/>
        <ReproducePanel run=reproduced/>
        <Show when=move || has_children>
            <h2>{move || Key::RunChildren.text(lang.get())}</h2>
            <ul class="run-links" data-testid="run-children">{run_links(children.clone())}</ul>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_read_like_mlflow_without_trailing_zeros() {
        assert_eq!(metric_text(34.2), "34.2");
        assert_eq!(metric_text(0.84213), "0.8421");
        assert_eq!(metric_text(0.99999), "1");
        assert_eq!(metric_text(12.0), "12");
        assert_eq!(metric_text(f64::NAN), "NaN");
    }

    #[test]
    fn the_schema_and_profile_read_from_mlflow_json() {
        let data = ciclo_core::telco::generate(20, 1);
        let columns = schema_columns(&data.mlflow_schema_json());
        assert_eq!(columns.len(), data.columns().len());
        assert!(columns.iter().any(|(name, kind)| name == "tenure" && !kind.is_empty()), "{columns:?}");
        assert!(profile_entries(&data.mlflow_profile_json()).iter().any(|(_, v)| v == "20"));
        assert!(schema_columns("not json").is_empty());
        assert!(profile_entries("[1]").is_empty());
    }
}
