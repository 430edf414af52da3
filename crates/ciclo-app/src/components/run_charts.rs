//! A run's artifacts drawn: confusion matrix, ROC, precision–recall and calibration curves, feature
//! importances, and a decision tree itself (metric histories, such as boosting's loss per round, are in
//! [`super::metric_history`]). Artifacts are read from the store
//! when the detail opens (they are kept apart from the run records, see `autolog.rs`).

use ciclo_core::ml::FittedModel;
use ciclo_core::tracking::Run;
use leptos::prelude::*;

use crate::autolog::{
    self, CalibrationArtifact, ConfusionArtifact, FeatureImportanceArtifact, ModelArtifact, PrArtifact,
    RocArtifact,
};
use crate::charts::bar_chart::BarChart;
use crate::charts::confusion_matrix::ConfusionMatrix;
use crate::charts::curve_chart::{CurveChart, CurveKind};
use crate::charts::data::{base_rate, Bar, CurvePoints};
use crate::charts::tree_diagram::{DrawnTree, TreeDiagram};
use crate::i18n::{Key, Lang};
use crate::state::use_app;
use crate::storage::Tracking;

/// What the detail draws, read from the run's artifacts and histories.
#[derive(Clone, Default)]
struct Drawn {
    confusion: Option<ConfusionArtifact>,
    roc: Option<RocArtifact>,
    pr: Option<PrArtifact>,
    calibration: Option<CalibrationArtifact>,
    importance: Option<FeatureImportanceArtifact>,
    tree: Option<DrawnTree>,
}

async fn artifact<T: serde::de::DeserializeOwned>(tracking: Tracking, run_id: &str, path: &str) -> Option<T> {
    let text = tracking.load_artifact(run_id, path).await.ok().flatten()?;
    serde_json::from_str(&text).ok()
}

async fn load(tracking: Tracking, run: Run) -> Drawn {
    let id = run.run_id.as_str();
    let mut drawn = Drawn {
        confusion: artifact(tracking, id, autolog::CONFUSION_MATRIX).await,
        roc: artifact(tracking, id, autolog::ROC_CURVE).await,
        pr: artifact(tracking, id, autolog::PR_CURVE).await,
        calibration: artifact(tracking, id, autolog::CALIBRATION_CURVE).await,
        importance: artifact(tracking, id, autolog::FEATURE_IMPORTANCE).await,
        ..Drawn::default()
    };
    if run.params.get("model").map(String::as_str) == Some("decision_tree") {
        let model: Option<ModelArtifact> = artifact(tracking, id, autolog::MODEL).await;
        if let Some(ModelArtifact { model: FittedModel::Tree(fitted), pipeline, .. }) = model {
            drawn.tree = Some(DrawnTree::decision_tree(&fitted.tree, &pipeline));
        }
    }
    drawn
}

fn t(key: Key, lang: Lang) -> String {
    key.text(lang).to_string()
}

fn charts(drawn: Drawn, name: String, lang: Lang) -> impl IntoView {
    let Drawn { confusion, roc, pr, calibration, importance, tree } = drawn;
    let positive = confusion.as_ref().map(|c| c.positive.clone()).unwrap_or_else(|| "Yes".into());
    let rate = confusion.as_ref().and_then(|c| base_rate(&c.confusion));
    view! {
        <div class="run-charts" data-testid="run-charts">
            {confusion.map(|c| view! {
                <ConfusionMatrix
                    title=t(Key::ChartConfusion, lang)
                    counts=c.confusion.into()
                    actual_title=t(Key::ChartActual, lang)
                    predicted_title=t(Key::ChartPredicted, lang)
                    negative_label="No"
                    positive_label=c.positive.clone()
                    format=lang
                />
            })}
            {roc.map(|r| view! {
                <CurveChart
                    title=t(Key::ChartRoc, lang)
                    kind=CurveKind::Roc
                    curves=vec![CurvePoints::roc(name.clone(), &r.points, r.auc)]
                    x_title=t(Key::ChartFpr, lang)
                    y_title=t(Key::ChartTpr, lang)
                    reference_label=t(Key::ChartChance, lang)
                    format=lang
                />
            })}
            {pr.map(|p| view! {
                <CurveChart
                    title=t(Key::ChartPr, lang)
                    kind=CurveKind::PrecisionRecall { base_rate: rate }
                    curves=vec![CurvePoints::precision_recall(name.clone(), &p.points, p.average_precision)]
                    x_title=t(Key::ChartRecall, lang)
                    y_title=t(Key::ChartPrecision, lang)
                    reference_label=t(Key::ChartBaseRate, lang)
                    format=lang
                />
            })}
            {calibration.map(|c| view! {
                <CurveChart
                    title=t(Key::ChartCalibration, lang)
                    kind=CurveKind::Calibration
                    curves=vec![CurvePoints::calibration(name.clone(), &c.bins)]
                    x_title=t(Key::ChartPredictedShare, lang)
                    y_title=format!("{} ({positive})", t(Key::ChartObservedShare, lang))
                    reference_label=t(Key::ChartPerfect, lang)
                    format=lang
                />
            })}
            {importance.map(|i| view! {
                <BarChart
                    title=t(Key::ChartImportance, lang)
                    bars=Bar::top_importances(&i.features, &i.importances, 15)
                    label_title=t(Key::ChartFeature, lang)
                    value_title=t(Key::ChartImportanceValue, lang)
                    format=lang
                />
            })}
            {tree.map(|tree| view! {
                <TreeDiagram
                    title=t(Key::ChartTree, lang)
                    tree=tree
                    yes_label=t(Key::ChartYes, lang)
                    no_label=t(Key::ChartNo, lang)
                    samples_label=t(Key::ChartRows, lang)
                    share_label="churn"
                    hidden_note=t(Key::ChartHidden, lang)
                    format=lang
                />
            })}
        </div>
    }
}

/// The charts of `run`, loaded from its artifacts.
#[component]
pub fn RunCharts(
    /// The run.
    run: Run,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let name = run.run_name.clone();
    let tracking = state.tracking;
    let drawn = LocalResource::new(move || load(tracking, run.clone()));
    view! {
        <Suspense fallback=move || view! { <p class="empty">{move || Key::Loading.text(lang.get())}</p> }>
            {move || {
                let name = name.clone();
                drawn.get().map(|d| {
                    let lang = lang.get();
                    charts(d, name, lang)
                })
            }}
        </Suspense>
    }
}
