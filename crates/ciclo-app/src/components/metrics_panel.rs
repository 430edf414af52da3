//! The metrics of the last training, with what they mean and what honest numbers look like.

use leptos::prelude::*;

use crate::i18n::{self, Key};
use crate::state::use_app;

/// Accuracy, precision, recall, F1 and ROC AUC on the test split of the last training.
#[component]
pub fn MetricsPanel() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let outcome = state.training.outcome;
    move || {
        outcome.get().map(|(outcome, fit_ms)| {
            let m = &outcome.metrics;
            let items = [
                ("accuracy", Key::MetricAccuracy, m.accuracy),
                ("precision", Key::MetricPrecision, m.precision),
                ("recall", Key::MetricRecall, m.recall),
                ("f1", Key::MetricF1, m.f1),
                ("roc_auc", Key::MetricRocAuc, m.roc_auc),
            ]
            .into_iter()
            .map(|(name, label, value)| {
                view! {
                    <div class="metric">
                        <dt>{move || label.text(lang.get())}</dt>
                        // Metrics are written with a decimal point in both languages, as MLflow and the report do.
                        <dd data-testid=format!("metric-{name}") data-value=value.to_string()>{format!("{value:.3}")}</dd>
                    </div>
                }
            })
            .collect_view();
            let facts = format!("n_train = {}, n_test = {}, {} features", outcome.n_train, outcome.n_test, outcome.n_features);
            view! {
                <div class="card metrics-panel" data-testid="metrics">
                    <h2>{move || Key::MetricsTitle.text(lang.get())}</h2>
                    <dl class="metrics">{items}</dl>
                    <p class="facts">{facts} " · " {move || i18n::duration(lang.get(), fit_ms.round() as i64)}</p>
                    <p class="explain">{move || Key::MetricsExplain.text(lang.get())}</p>
                    <p class="explain honesty">{move || Key::MetricsHonesty.text(lang.get())}</p>
                </div>
            }
        })
    }
}
