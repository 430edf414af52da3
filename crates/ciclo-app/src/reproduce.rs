//! Training a run again: the configuration read back from the run's logged parameters, the checks that
//! the page can reproduce it (a plain training, on data the page has), and the comparison of the two
//! runs' metrics. Pure, so it is tested natively.
//!
//! Every random draw of a fit comes from the logged seed, and the built-in data set is regenerated from
//! its own seed, so the same parameters on the same data give bit-identical metrics on every browser: the
//! "reproduce" button shows it instead of asserting it.

use std::collections::BTreeMap;

use ciclo_core::ml::{ModelKind, TrainConfig};
use ciclo_core::tracking::Run;

use crate::autolog::FIT_MS;
use crate::i18n::Lang;
use crate::train_form::TrainForm;

/// Why a run cannot be trained again from the page.
#[derive(Debug, Clone, PartialEq)]
pub enum ReproduceError {
    /// The run is not a single training (a search's parent or one of its cross-validated children).
    NotATraining,
    /// The run's `model` parameter is missing or names no family.
    UnknownModel(String),
    /// A logged parameter is not one the form accepts (the parameter's name and the core's reason).
    BadParam(String, String),
    /// The run was trained on data the page does not have now (its digest).
    DataUnavailable(String),
    /// A parameter the page cannot set (such as another target column) differs: the key, logged value
    /// and the value the page would use.
    Differs(String, String, String),
}

impl ReproduceError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ReproduceError::NotATraining, Lang::Es) => {
                "solo se reproduce un entrenamiento simple, no una búsqueda ni sus ejecuciones hijas".into()
            }
            (ReproduceError::NotATraining, Lang::En) => {
                "only a single training can be reproduced, not a search or its child runs".into()
            }
            (ReproduceError::UnknownModel(m), Lang::Es) => format!("la familia de modelo «{m}» no existe"),
            (ReproduceError::UnknownModel(m), Lang::En) => format!("there is no model family “{m}”"),
            (ReproduceError::BadParam(name, why), Lang::Es) => {
                format!("el parámetro «{name}» registrado no es válido: {why}")
            }
            (ReproduceError::BadParam(name, why), Lang::En) => {
                format!("the logged parameter “{name}” is not valid: {why}")
            }
            (ReproduceError::DataUnavailable(digest), Lang::Es) => format!(
                "esta ejecución se entrenó con datos que la página no tiene ahora (huella {digest}); \
                 solo se reproduce sobre el conjunto incorporado"
            ),
            (ReproduceError::DataUnavailable(digest), Lang::En) => format!(
                "this run was trained on data the page does not have now (digest {digest}); only runs on \
                 the built-in data set can be reproduced"
            ),
            (ReproduceError::Differs(key, logged, page), Lang::Es) => {
                format!("el parámetro «{key}» fue «{logged}», y la página usaría «{page}»")
            }
            (ReproduceError::Differs(key, logged, page), Lang::En) => {
                format!("the parameter “{key}” was “{logged}”, and the page would use “{page}”")
            }
        }
    }
}

/// Whether `run` was logged by a search (its parent or a child).
fn from_search(run: &Run) -> bool {
    run.tags.contains_key("ciclo.search")
        || run.tags.contains_key("ciclo.combination")
        || run.parent().is_some()
}

/// The configuration that trains `run` again, if the page can: the run must be a single training on data
/// whose digest is `page_digest`, and every logged parameter must be one the configuration logs the same.
pub fn config_for(run: &Run, page_digest: &str) -> Result<TrainConfig, ReproduceError> {
    if from_search(run) {
        return Err(ReproduceError::NotATraining);
    }
    let model = run.params.get("model").cloned().unwrap_or_default();
    let kind = ModelKind::from_name(&model).map_err(|_| ReproduceError::UnknownModel(model))?;
    if let Some(input) = run.inputs.first() {
        if input.digest != page_digest {
            return Err(ReproduceError::DataUnavailable(input.digest.clone()));
        }
    }
    let mut form = TrainForm::for_kind(kind);
    for (name, value) in &mut form.params {
        if let Some(logged) = run.params.get(name.as_str()) {
            value.clone_from(logged);
        }
    }
    if let Some(test_size) = run.params.get("test_size") {
        form.test_size.clone_from(test_size);
    }
    if let Some(seed) = run.params.get("seed") {
        form.seed.clone_from(seed);
    }
    let config = form.config().map_err(|error| match error {
        crate::train_form::FormError::Param { name, detail, .. } => ReproduceError::BadParam(name, detail),
        crate::train_form::FormError::TestSize(v) => ReproduceError::BadParam("test_size".into(), v),
        crate::train_form::FormError::Seed(v) => ReproduceError::BadParam("seed".into(), v),
    })?;
    for (key, value) in config.tracking_params() {
        match run.params.get(&key) {
            Some(logged) if logged != &value => {
                return Err(ReproduceError::Differs(key, logged.clone(), value))
            }
            _ => {}
        }
    }
    Ok(config)
}

/// Metrics that measure the machine rather than the model, left out of the comparison.
const TIMINGS: &[&str] = &[FIT_MS];

/// One metric of a reproduction against the original.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricCheck {
    /// The metric's key.
    pub key: String,
    /// The original run's value, if it has the metric.
    pub original: Option<f64>,
    /// The reproduction's value, if it has the metric.
    pub reproduced: Option<f64>,
}

impl MetricCheck {
    /// Whether both runs have the metric with the same bits (NaN equal to NaN).
    pub fn identical(&self) -> bool {
        match (self.original, self.reproduced) {
            (Some(a), Some(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            _ => false,
        }
    }
}

/// Every metric of either run except timings, each with both values.
pub fn compare_metrics(original: &Run, reproduced: &Run) -> Vec<MetricCheck> {
    let mut keys: BTreeMap<&str, ()> = BTreeMap::new();
    for key in original.metrics.keys().chain(reproduced.metrics.keys()) {
        if !TIMINGS.contains(&key.as_str()) {
            keys.insert(key, ());
        }
    }
    keys.into_keys()
        .map(|key| MetricCheck {
            key: key.to_string(),
            original: original.metrics.get(key).copied(),
            reproduced: reproduced.metrics.get(key).copied(),
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use ciclo_core::tracking::{DatasetInput, RunStatus};

    use super::*;

    fn trained(params: &[(&str, &str)], digest: &str) -> Run {
        let mut config = TrainConfig::for_model(ciclo_core::telco::TARGET, ModelKind::DecisionTree);
        config.seed = 7;
        let mut logged: BTreeMap<String, String> = config.tracking_params().into_iter().collect();
        for (k, v) in params {
            logged.insert(k.to_string(), v.to_string());
        }
        Run {
            status: RunStatus::Finished,
            params: logged,
            inputs: vec![DatasetInput { digest: digest.into(), ..DatasetInput::default() }],
            ..Run::new("a", "0", "decision-tree-1", 0)
        }
    }

    fn check(params: &[(&str, &str)], digest: &str, expected: Result<(), ReproduceError>) {
        let got = config_for(&trained(params, digest), "page").map(|_| ());
        assert_eq!(got, expected, "{params:?} {digest}");
    }

    #[test]
    fn a_logged_training_reads_back_into_the_same_configuration() {
        let run = trained(&[("max_depth", "4"), ("positive", "Yes")], "page");
        let config = config_for(&run, "page").unwrap();
        assert_eq!(config.seed, 7);
        for (key, value) in config.tracking_params() {
            assert_eq!(run.params.get(&key), Some(&value), "{key}");
        }
        for kind in ModelKind::ALL {
            let config = TrainConfig::for_model(ciclo_core::telco::TARGET, kind);
            let run =
                Run { params: config.tracking_params().into_iter().collect(), ..Run::new("b", "0", "b", 0) };
            assert_eq!(config_for(&run, "page").unwrap(), config, "{kind:?}");
        }
    }

    #[test]
    fn what_the_page_cannot_reproduce_is_named() {
        check(&[], "page", Ok(()));
        check(&[], "other", Err(ReproduceError::DataUnavailable("other".into())));
        check(&[("model", "svm")], "page", Err(ReproduceError::UnknownModel("svm".into())));
        check(
            &[("target", "Partner")],
            "page",
            Err(ReproduceError::Differs("target".into(), "Partner".into(), "Churn".into())),
        );
        check(&[("seed", "-1")], "page", Err(ReproduceError::BadParam("seed".into(), "-1".into())));
        assert!(
            matches!(config_for(&trained(&[("max_depth", "ten")], "page"), "page"), Err(ReproduceError::BadParam(n, _)) if n == "max_depth")
        );
        let child = trained(&[], "page").with_parent("p");
        assert_eq!(config_for(&child, "page"), Err(ReproduceError::NotATraining));
        assert!(ReproduceError::NotATraining.message(Lang::Es).contains("búsqueda"));
    }

    #[test]
    fn metrics_compare_bit_for_bit_and_timings_are_left_out() {
        let mut a = trained(&[], "page");
        let mut b = a.clone();
        a.metrics = BTreeMap::from([("f1".into(), 0.5), (FIT_MS.into(), 10.0), ("roc_auc".into(), 0.8)]);
        let next_after = f64::from_bits(0.8_f64.to_bits() + 1);
        b.metrics =
            BTreeMap::from([("f1".into(), 0.5), (FIT_MS.into(), 12.0), ("roc_auc".into(), next_after)]);
        let checks = compare_metrics(&a, &b);
        assert_eq!(checks.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(), ["f1", "roc_auc"]);
        assert!(checks[0].identical());
        assert!(!checks[1].identical(), "one bit apart is not identical");
        b.metrics.remove("f1");
        assert!(!compare_metrics(&a, &b)[0].identical());
    }
}
