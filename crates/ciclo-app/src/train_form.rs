//! The training form's fields, read into a [`TrainConfig`] or a precise reason why not.

use ciclo_core::ml::{LogisticParams, TrainConfig};
use ciclo_core::telco;

use crate::i18n::Lang;

/// The form's text fields as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainForm {
    /// Inverse regularization strength.
    pub c: String,
    /// Share of rows held out.
    pub test_size: String,
    /// Split seed.
    pub seed: String,
}

impl Default for TrainForm {
    fn default() -> Self {
        TrainForm { c: "1.0".into(), test_size: "0.2".into(), seed: "42".into() }
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq)]
pub enum FormError {
    /// `C` is not a positive number.
    C(String),
    /// The test size is not a number strictly between 0 and 1.
    TestSize(String),
    /// The seed is not a whole number from 0 to 2^64 - 1.
    Seed(String),
}

impl FormError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (FormError::C(v), Lang::Es) => format!("C debe ser un número mayor que 0 (se escribió «{v}»)"),
            (FormError::C(v), Lang::En) => format!("C must be a number greater than 0 (got “{v}”)"),
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
}

/// Reads a decimal number, accepting a comma as the decimal separator (Spanish keyboards).
fn number(text: &str) -> Option<f64> {
    text.trim().replace(',', ".").parse::<f64>().ok().filter(|x| x.is_finite())
}

impl TrainForm {
    /// The configuration these fields describe.
    pub fn config(&self) -> Result<TrainConfig, FormError> {
        let c = number(&self.c).filter(|c| *c > 0.0).ok_or_else(|| FormError::C(self.c.clone()))?;
        let test_fraction = number(&self.test_size)
            .filter(|t| *t > 0.0 && *t < 1.0)
            .ok_or_else(|| FormError::TestSize(self.test_size.clone()))?;
        let seed = self.seed.trim().parse::<u64>().map_err(|_| FormError::Seed(self.seed.clone()))?;
        let mut config = TrainConfig::new(telco::TARGET);
        config.seed = seed;
        config.test_fraction = test_fraction;
        config.params = LogisticParams::new().c(c).into();
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(c: &str, test: &str, seed: &str, expected: Result<(), FormError>) {
        let form = TrainForm { c: c.into(), test_size: test.into(), seed: seed.into() };
        assert_eq!(form.config().map(|_| ()), expected, "{form:?}");
    }

    #[test]
    fn fields_are_checked_one_by_one() {
        check("1.0", "0.2", "42", Ok(()));
        check("0,5", "0,25", "7", Ok(()));
        check("0", "0.2", "42", Err(FormError::C("0".into())));
        check("abc", "0.2", "42", Err(FormError::C("abc".into())));
        check("1", "1", "42", Err(FormError::TestSize("1".into())));
        check("1", "0.2", "-3", Err(FormError::Seed("-3".into())));
        assert!(FormError::Seed("x".into()).message(Lang::Es).contains("semilla"));
    }
}
