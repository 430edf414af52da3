//! The chart components in headless Chromium, each mounted with a model trained on the generated Telco
//! data: the SVG has its accessible name, the expected number of marks, a data table for screen readers,
//! and no `NaN` anywhere (`cargo xtask test` runs these with the other browser tests).
#![cfg(target_arch = "wasm32")]
// A test reports failure by panicking; wasm_bindgen_test functions are not `#[test]`s to clippy.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use ciclo_app::charts::curve_chart::CurveKind;
use ciclo_app::charts::data::base_rate;
use ciclo_app::charts::{
    Bar, BarChart, ConfusionMatrix, CurveChart, CurvePoints, DrawnTree, LineChart, Marker, NumberFormat,
    ParallelCoordinates, Polyline, ScatterChart, ScatterPoint, Series, TreeDiagram, Value,
};
use ciclo_app::i18n::Lang;
use ciclo_core::metrics::{curves, Curves};
use ciclo_core::ml::{train, FittedModel, ModelKind, ModelParams, TrainConfig, TrainOutcome};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A trained model and its curves over the whole generated data set.
struct Trained {
    outcome: TrainOutcome,
    curves: Curves,
}

/// Trains `kind` with `params` on 800 generated rows.
fn trained(kind: ModelKind, params: &[(&str, &str)]) -> Trained {
    let data = ciclo_core::telco::generate(800, 11);
    let mut config = TrainConfig { params: ModelParams::default_for(kind), ..TrainConfig::default() };
    for (name, value) in params {
        config.params.set(name, value).expect("a valid parameter");
    }
    let outcome = train(&data, &config, &mut |_| {}).expect("training works");
    let rows: Vec<usize> = (0..data.n_rows()).collect();
    let (x, _) = outcome.pipeline.transform(&data, &rows).expect("transform");
    let probabilities = outcome.model.predict_proba(&x).expect("predictions");
    let (labels, _) = ciclo_core::ml::labels(&data, "Churn").expect("labels");
    let curves = curves(&labels, &probabilities, 200).expect("curves");
    Trained { outcome, curves }
}

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// A chart mounted in its own element, removed when dropped.
struct Mounted {
    host: web_sys::HtmlElement,
    /// Keeps the chart mounted.
    _handle: Box<dyn std::any::Any>,
}

impl Mounted {
    fn count(&self, selector: &str) -> u32 {
        self.host.query_selector_all(selector).expect("a valid selector").length()
    }

    fn text(&self, selector: &str) -> String {
        self.host.query_selector(selector).ok().flatten().and_then(|e| e.text_content()).unwrap_or_default()
    }

    /// Checks what every chart promises: one `<svg role="img">` named `title` with a `<title>`, a
    /// screen-reader alternative, and no NaN or infinity written anywhere.
    fn check_accessible(&self, title: &str) {
        let svg = self.host.query_selector("svg[role=img]").ok().flatten().expect("an svg with role img");
        assert_eq!(svg.get_attribute("aria-label").as_deref(), Some(title));
        let svg_title = svg.query_selector("title").ok().flatten().expect("a <title>");
        assert_eq!(
            svg_title.namespace_uri().as_deref(),
            Some("http://www.w3.org/2000/svg"),
            "an SVG <title>"
        );
        assert_eq!(svg_title.text_content().as_deref(), Some(title));
        let titles = svg.query_selector_all("title").expect("titles");
        for i in 0..titles.length() {
            let ns = titles
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.namespace_uri());
            assert_eq!(ns.as_deref(), Some("http://www.w3.org/2000/svg"), "every tooltip is an SVG <title>");
        }
        assert!(svg.get_attribute("viewBox").is_some_and(|v| v.starts_with("0 0 ")));
        assert_eq!(self.count(".chart-sr"), 1, "a screen-reader alternative");
        let html = self.host.inner_html();
        assert!(!html.contains("NaN") && !html.contains("inf"), "no NaN or infinity in the chart");
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.host.remove();
    }
}

fn mount<V: IntoView + 'static>(chart: impl FnOnce() -> V + 'static) -> Mounted {
    let host = document().create_element("div").expect("a div");
    document().body().expect("a body").append_child(&host).expect("appended");
    let host: web_sys::HtmlElement = host.unchecked_into();
    let handle = leptos::mount::mount_to(host.clone(), move || chart().into_any());
    Mounted { host, _handle: Box::new(handle) }
}

#[wasm_bindgen_test]
fn line_chart_draws_boostings_train_and_validation_loss() {
    let t = trained(ModelKind::GradientBoosting, &[("n_estimators", "40"), ("early_stopping_rounds", "5")]);
    let history = t.outcome.history().to_vec();
    assert!(!history.is_empty());
    let best =
        history.iter().filter_map(|r| r.validation.map(|v| (r.round, v))).min_by(|a, b| a.1.total_cmp(&b.1));
    let markers = best.map(|(round, _)| vec![Marker::new(f64::from(round), "best")]).unwrap_or_default();
    let series = Series::from_round_losses(&history, "train", "validation");
    let n_series = series.len() as u32;
    assert_eq!(n_series, 2, "early stopping holds out a validation fold");
    let chart = mount(move || {
        view! {
            <LineChart title="Log loss per round" series=series x_title="round" y_title="log loss" markers=markers />
        }
    });
    chart.check_accessible("Log loss per round");
    assert_eq!(chart.count("path.chart-line"), n_series);
    assert_eq!(chart.count(".chart-marker"), 1);
    assert_eq!(chart.count(".chart-legend li"), n_series);
    assert!(chart.text(".chart-sr").contains("validation"));
}

#[wasm_bindgen_test]
fn curve_charts_draw_roc_pr_and_calibration_with_their_reference() {
    let t = trained(ModelKind::LogisticRegression, &[]);
    let m = &t.outcome.metrics;
    let roc = vec![CurvePoints::roc("logistic", &t.curves.roc, m.roc_auc)];
    let chart = mount(move || {
        view! {
            <CurveChart title="ROC curve" kind=CurveKind::Roc curves=roc x_title="false-positive rate"
                y_title="true-positive rate" reference_label="chance" />
        }
    });
    chart.check_accessible("ROC curve");
    assert_eq!(chart.count("path.chart-line"), 1);
    assert_eq!(chart.count("path.chart-reference"), 1);
    assert!(chart.text(".chart-legend").contains("AUC 0."), "{}", chart.text(".chart-legend"));

    let rate = base_rate(&m.confusion);
    let pr = vec![CurvePoints::precision_recall("logistic", &t.curves.pr, m.pr_auc)];
    let chart = mount(move || {
        view! {
            <CurveChart title="Precision and recall" kind=CurveKind::PrecisionRecall { base_rate: rate } curves=pr
                x_title="recall" y_title="precision" reference_label="base rate" format=Lang::Es />
        }
    });
    chart.check_accessible("Precision and recall");
    assert_eq!(chart.count("path.chart-reference"), 1);
    assert!(
        chart.text(".chart-legend").contains("AP 0,"),
        "Spanish decimals: {}",
        chart.text(".chart-legend")
    );

    let bins = t.curves.calibration.len() as u32;
    let calibration = vec![CurvePoints::calibration("logistic", &t.curves.calibration)];
    let chart = mount(move || {
        view! {
            <CurveChart title="Calibration" kind=CurveKind::Calibration curves=calibration
                x_title="mean predicted probability" y_title="share of churners" reference_label="perfect" />
        }
    });
    chart.check_accessible("Calibration");
    assert!(bins >= 5);
    assert_eq!(chart.count("circle.chart-dot"), bins);
}

#[wasm_bindgen_test]
fn confusion_matrix_has_four_cells_that_add_up() {
    let t = trained(ModelKind::LogisticRegression, &[]);
    let counts = t.outcome.metrics.confusion.into();
    let chart = mount(move || {
        view! {
            <ConfusionMatrix title="Confusion matrix" counts=counts actual_title="actual"
                predicted_title="predicted" negative_label="No" positive_label="Yes" />
        }
    });
    chart.check_accessible("Confusion matrix");
    assert_eq!(chart.count("rect.chart-cell"), 4);
    let cells = chart.host.query_selector_all(".chart-cell-count").unwrap();
    let total: usize =
        (0..cells.length()).filter_map(|i| cells.item(i)?.text_content()?.parse::<usize>().ok()).sum();
    assert_eq!(total, t.outcome.n_test);
    assert_eq!(chart.count(".chart-sr tbody tr"), 2);
}

#[wasm_bindgen_test]
fn bar_chart_draws_the_top_importances() {
    let t = trained(ModelKind::RandomForest, &[("n_estimators", "10"), ("max_depth", "5")]);
    let bars =
        Bar::top_importances(t.outcome.pipeline.feature_names(), &t.outcome.model.feature_importances(), 10);
    let first = bars[0].label.clone();
    let chart = mount(move || {
        view! { <BarChart title="Feature importance" bars=bars label_title="feature" value_title="importance" /> }
    });
    chart.check_accessible("Feature importance");
    assert_eq!(chart.count("rect.chart-bar"), 10);
    assert!(chart.text(".chart-sr tbody tr").starts_with(&first), "largest first");
}

/// Decision trees with several depths, as a compare view would show them: `(label, max_depth, AUC)`.
fn depth_runs() -> Vec<(String, String, f64)> {
    ["2", "4", "6", "None"]
        .into_iter()
        .map(|depth| {
            let t = trained(ModelKind::DecisionTree, &[("max_depth", depth)]);
            (format!("tree depth {depth}"), depth.to_string(), t.outcome.metrics.roc_auc)
        })
        .collect()
}

#[wasm_bindgen_test]
fn scatter_and_parallel_coordinates_draw_one_mark_per_run() {
    let runs = depth_runs();
    let best = runs.iter().map(|r| r.2).fold(f64::NEG_INFINITY, f64::max);
    let points: Vec<ScatterPoint> = runs
        .iter()
        .map(|(label, depth, auc)| {
            ScatterPoint::new(label.clone(), depth.as_str(), *auc).highlighted(*auc == best)
        })
        .collect();
    let chart = mount(move || {
        view! { <ScatterChart title="max_depth against ROC AUC" points=points x_title="max_depth" y_title="ROC AUC" /> }
    });
    chart.check_accessible("max_depth against ROC AUC");
    assert_eq!(chart.count("circle.chart-point"), 4);
    assert!(chart.count("circle.chart-highlight") >= 1);
    // "None" makes the axis categorical: one label per depth.
    assert_eq!(chart.count(".chart-axis-x .chart-tick"), 4);

    let axes = vec!["model".to_string(), "max_depth".to_string(), "roc_auc".to_string()];
    let lines: Vec<Polyline> = runs
        .iter()
        .map(|(label, depth, auc)| Polyline {
            label: label.clone(),
            values: vec![Value::from("tree"), Value::parse(depth), Value::from(*auc)],
            highlighted: *auc == best,
        })
        .collect();
    let chart = mount(move || {
        view! { <ParallelCoordinates title="Runs compared" axes=axes runs=lines format=NumberFormat::from(Lang::En) /> }
    });
    chart.check_accessible("Runs compared");
    assert_eq!(chart.count("path.chart-run"), 4);
    assert_eq!(chart.count(".chart-parallel-axis"), 3);
    assert_eq!(chart.count(".chart-sr tbody tr"), 4);
}

#[wasm_bindgen_test]
fn tree_diagram_draws_the_fitted_tree_to_a_depth() {
    let t = trained(ModelKind::DecisionTree, &[("max_depth", "4")]);
    let FittedModel::Tree(fitted) = &t.outcome.model else { panic!("a decision tree") };
    let drawn = DrawnTree::decision_tree(&fitted.tree, &t.outcome.pipeline);
    let expected = ciclo_app::charts::tree_diagram::layout(&drawn, 2).nodes.len() as u32;
    assert!(expected >= 3 && (expected as usize) < drawn.nodes.len());
    let chart = mount(move || {
        view! {
            <TreeDiagram title="The fitted tree" tree=drawn max_depth=2 yes_label="yes" no_label="no"
                samples_label="rows" share_label="churn" hidden_note="Deeper levels are hidden." />
        }
    });
    chart.check_accessible("The fitted tree");
    assert_eq!(chart.count("g.chart-node"), expected);
    assert_eq!(chart.count(".chart-edge"), expected - 1);
    assert!(chart.text(".chart-note").contains("hidden"));
    let root = chart.text("g.chart-node");
    assert!(root.contains('≤') || root.contains('='), "the root shows its split: {root}");
    assert!(root.contains(&format!("rows {}", t.outcome.n_train)), "{root}");
    assert_eq!(chart.count(".chart-sr li"), expected);
}
