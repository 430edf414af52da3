//! The training form's fields, read into a [`TrainConfig`] or a precise reason why not.

use ciclo_core::ml::{ModelKind, ModelParams, TrainConfig};
use ciclo_core::telco;

use crate::i18n::Lang;

/// The form's fields as typed: the family, its parameters as text, the split.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainForm {
    /// The model family.
    pub kind: ModelKind,
    /// `(name, text)` of each of the family's parameters, in [`ModelKind::param_names`] order.
    pub params: Vec<(String, String)>,
    /// Share of rows held out.
    pub test_size: String,
    /// Split seed.
    pub seed: String,
}

impl Default for TrainForm {
    fn default() -> Self {
        TrainForm::for_kind(ModelKind::LogisticRegression)
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq)]
pub enum FormError {
    /// A model parameter's text is not a value the family accepts; the core's explanation (English, as
    /// the parameter names are) follows.
    Param {
        /// The parameter's name.
        name: String,
        /// The text typed.
        value: String,
        /// The core's explanation of what is expected.
        detail: String,
    },
    /// The test size is not a number strictly between 0 and 1.
    TestSize(String),
    /// The seed is not a whole number from 0 to 2^64 - 1.
    Seed(String),
}

impl FormError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (FormError::Param { name, value, detail }, Lang::Es) => {
                format!("«{name}» no admite «{value}»; ver la explicación bajo el campo ({detail})")
            }
            (FormError::Param { name, value, detail }, Lang::En) => {
                format!("“{name}” does not accept “{value}”; see the line under the field ({detail})")
            }
            (FormError::TestSize(v), Lang::Es) => {
                format!("la fracción de prueba debe estar entre 0 y 1, sin incluirlos (se escribió «{v}»)")
            }
            (FormError::TestSize(v), Lang::En) => {
                format!("the test fraction must be between 0 and 1, both excluded (got “{v}”)")
            }
            (FormError::Seed(v), Lang::Es) => {
                format!("la semilla debe ser un entero no negativo (se escribió «{v}»)")
            }
            (FormError::Seed(v), Lang::En) => {
                format!("the seed must be a non-negative whole number (got “{v}”)")
            }
        }
    }

    /// The id of the field at fault (for `aria-invalid` and focus).
    pub fn field(&self) -> String {
        match self {
            FormError::Param { name, .. } => param_field_id(name),
            FormError::TestSize(_) => "param-test-size".to_string(),
            FormError::Seed(_) => "param-seed".to_string(),
        }
    }
}

/// The element id of parameter `name`'s field.
pub fn param_field_id(name: &str) -> String {
    format!("param-{}", name.replace('_', "-").to_ascii_lowercase())
}

/// Reads a decimal number, accepting a comma as the decimal separator (Spanish keyboards).
fn number(text: &str) -> Option<f64> {
    text.trim().replace(',', ".").parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A parameter's text with a Spanish decimal comma made a point (`0,1` → `0.1`), unless it is a word.
fn param_text(text: &str) -> String {
    let text = text.trim();
    if number(text).is_some() {
        text.replace(',', ".")
    } else {
        text.to_string()
    }
}

impl TrainForm {
    /// The defaults of `kind` (scikit-learn's, or XGBoost's for boosting), split 0.2, seed 42.
    pub fn for_kind(kind: ModelKind) -> TrainForm {
        TrainForm { kind, params: default_params(kind), test_size: "0.2".into(), seed: "42".into() }
    }

    /// The configuration these fields describe.
    pub fn config(&self) -> Result<TrainConfig, FormError> {
        let mut params = ModelParams::default_for(self.kind);
        for (name, value) in &self.params {
            params.set(name, &param_text(value)).map_err(|error| FormError::Param {
                name: name.clone(),
                value: value.clone(),
                detail: error.to_string(),
            })?;
        }
        let test_fraction = number(&self.test_size)
            .filter(|t| *t > 0.0 && *t < 1.0)
            .ok_or_else(|| FormError::TestSize(self.test_size.clone()))?;
        let seed = self.seed.trim().parse::<u64>().map_err(|_| FormError::Seed(self.seed.clone()))?;
        let mut config = TrainConfig::new(telco::TARGET);
        config.seed = seed;
        config.test_fraction = test_fraction;
        config.params = params;
        Ok(config)
    }
}

/// The family's parameters with their default values as text ([`ModelParams::tracking_params`] without
/// `model`).
pub fn default_params(kind: ModelKind) -> Vec<(String, String)> {
    ModelParams::default_for(kind).tracking_params().into_iter().filter(|(name, _)| name != "model").collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logistic(c: &str, test: &str, seed: &str) -> TrainForm {
        let mut form = TrainForm::for_kind(ModelKind::LogisticRegression);
        form.params.retain(|(n, _)| n != "C");
        form.params.push(("C".into(), c.into()));
        form.test_size = test.into();
        form.seed = seed.into();
        form
    }

    fn check(form: TrainForm, expected: Result<(), &str>) {
        let got = form.config().map(|_| ()).map_err(|e| e.field());
        assert_eq!(got, expected.map_err(|f| f.to_string()), "{form:?}");
    }

    #[test]
    fn fields_are_checked_one_by_one() {
        check(logistic("1.0", "0.2", "42"), Ok(()));
        check(logistic("0,5", "0,25", "7"), Ok(()));
        check(logistic("0", "0.2", "42"), Err("param-c"));
        check(logistic("abc", "0.2", "42"), Err("param-c"));
        check(logistic("1", "1", "42"), Err("param-test-size"));
        check(logistic("1", "0.2", "-3"), Err("param-seed"));
        assert!(FormError::Seed("x".into()).message(Lang::Es).contains("semilla"));
    }

    #[test]
    fn every_family_trains_with_its_defaults_and_checks_its_own_parameters() {
        for kind in ModelKind::ALL {
            let form = TrainForm::for_kind(kind);
            let config = form.config().unwrap();
            assert_eq!(config.params, ModelParams::default_for(kind), "{kind:?}");
            assert_eq!(form.params.len(), kind.param_names().len(), "{kind:?}");
        }
        let mut forest = TrainForm::for_kind(ModelKind::RandomForest);
        for (name, value) in &mut forest.params {
            if name == "max_depth" {
                *value = "ten".into();
            }
        }
        let error = forest.config().unwrap_err();
        assert_eq!(error.field(), "param-max-depth");
        assert!(
            error.message(Lang::Es).contains("«max_depth» no admite «ten»"),
            "{}",
            error.message(Lang::Es)
        );
        let mut boosting = TrainForm::for_kind(ModelKind::GradientBoosting);
        for (name, value) in &mut boosting.params {
            if name == "learning_rate" {
                *value = "0,05".into();
            }
        }
        assert!(boosting
            .config()
            .unwrap()
            .params
            .tracking_params()
            .contains(&("learning_rate".into(), "0.05".into())));
    }
}
