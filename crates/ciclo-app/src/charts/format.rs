//! Writing numbers: the labels a reader sees (through [`NumberFormat`], the caller's choice) and the
//! coordinates the SVG holds ([`coord`], [`line_path`]).

use std::fmt::Write as _;
use std::sync::Arc;

use crate::i18n::Lang;

/// What a chart prints for a value it cannot place (NaN or infinite).
pub const NOT_A_NUMBER: &str = "–";

/// How a chart writes the numbers a reader sees: in a language (its decimal separator, and as many
/// decimals as the ticks' step needs), or with the caller's own function.
#[derive(Clone)]
pub enum NumberFormat {
    /// [`Lang::number`] with the decimals a tick step or a prop asks for.
    Lang(Lang),
    /// The caller's function, used for every number (ticks and values alike).
    Custom(Arc<dyn Fn(f64) -> String + Send + Sync>),
}

impl NumberFormat {
    /// A format from the caller's function.
    pub fn custom(format: impl Fn(f64) -> String + Send + Sync + 'static) -> NumberFormat {
        NumberFormat::Custom(Arc::new(format))
    }

    /// `x` with `decimals` decimals (in a language), or as the caller's function writes it.
    pub fn value(&self, x: f64, decimals: usize) -> String {
        if !x.is_finite() {
            return NOT_A_NUMBER.to_string();
        }
        // Never "-0.0": a value that rounds to zero is zero.
        let x = if x == 0.0 { 0.0 } else { x };
        match self {
            NumberFormat::Lang(lang) => {
                let text = lang.number(x, decimals);
                if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.' || c == ',') {
                    text.trim_start_matches('-').to_string()
                } else {
                    text
                }
            }
            NumberFormat::Custom(format) => format(x),
        }
    }

    /// `x` with as few decimals as write it exactly (up to 6): a parameter's value as it was set
    /// (`0.1`, `200`), in the format's language.
    pub fn shortest(&self, x: f64) -> String {
        let decimals = (0..6).find(|&d| {
            let scale = 10f64.powi(d as i32);
            ((x * scale).round() / scale - x).abs() <= x.abs() * 1e-12
        });
        self.value(x, decimals.unwrap_or(6))
    }

    /// A tick label: `x` with the decimals that tell ticks `step` apart.
    pub fn tick(&self, x: f64, step: f64) -> String {
        self.value(x, super::scale::decimals_for(step))
    }

    /// A share (0..1) as a percentage with `decimals` decimals: `26.5%` in English, `26,5 %` in Spanish
    /// (the RAE's spacing). A custom format gets the share itself.
    pub fn percent(&self, share: f64, decimals: usize) -> String {
        match self {
            NumberFormat::Lang(lang) if share.is_finite() => {
                let number = self.value(share * 100.0, decimals);
                match lang {
                    Lang::Es => format!("{number}\u{a0}%"),
                    Lang::En => format!("{number}%"),
                }
            }
            _ => self.value(share, decimals),
        }
    }
}

impl Default for NumberFormat {
    /// English numbers (a decimal point), the way MLflow and the report print metrics.
    fn default() -> NumberFormat {
        NumberFormat::Lang(Lang::En)
    }
}

impl From<Lang> for NumberFormat {
    fn from(lang: Lang) -> NumberFormat {
        NumberFormat::Lang(lang)
    }
}

impl std::fmt::Debug for NumberFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NumberFormat::Lang(lang) => f.debug_tuple("Lang").field(lang).finish(),
            NumberFormat::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

/// A coordinate as the SVG holds it: one decimal at most (a tenth of a unit of a viewBox some hundreds
/// wide is finer than a pixel), no trailing `.0`, and 0 for anything not finite.
pub fn coord(v: f64) -> String {
    let v = if v.is_finite() { (v * 10.0).round() / 10.0 } else { 0.0 };
    let v = if v == 0.0 { 0.0 } else { v };
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// An SVG path through `points` (already in SVG coordinates): `M x y L x y ...`. A point with a
/// non-finite coordinate breaks the line, and the next finite point starts a new piece (`M`). Empty when
/// no point is finite.
pub fn line_path(points: impl IntoIterator<Item = (f64, f64)>) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for (x, y) in points {
        if !(x.is_finite() && y.is_finite()) {
            pen_down = false;
            continue;
        }
        let command = if pen_down { 'L' } else { 'M' };
        if !d.is_empty() {
            d.push(' ');
        }
        let _ = write!(d, "{command}{} {}", coord(x), coord(y));
        pen_down = true;
    }
    d
}

/// `text` cut to at most `max_chars` characters, ending in `…` when cut.
pub fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let kept: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{kept}…")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    #[test]
    fn numbers_in_each_language() {
        let en = NumberFormat::from(Lang::En);
        let es = NumberFormat::from(Lang::Es);
        assert_eq!(en.value(0.8423, 3), "0.842");
        assert_eq!(es.value(0.8423, 3), "0,842");
        assert_eq!(en.tick(0.6000000000000001, 0.2), "0.6");
        assert_eq!(en.tick(1500.0, 500.0), "1500");
        assert_eq!(en.value(-0.0001, 2), "0.00");
        assert_eq!(en.value(f64::NAN, 2), NOT_A_NUMBER);
        assert_eq!(en.percent(0.2654, 1), "26.5%");
        assert_eq!(en.shortest(200.0), "200");
        assert_eq!(es.shortest(0.05), "0,05");
        assert_eq!(en.shortest(1.0 / 3.0), "0.333333");
        assert_eq!(es.percent(0.2654, 1), "26,5\u{a0}%");
        let custom = NumberFormat::custom(|x| format!("<{x}>"));
        assert_eq!(custom.tick(2.0, 1.0), "<2>");
        assert_eq!(custom.value(f64::INFINITY, 1), NOT_A_NUMBER);
    }

    #[test]
    fn coordinates() {
        assert_eq!(coord(12.0), "12");
        assert_eq!(coord(12.34), "12.3");
        assert_eq!(coord(-0.04), "0");
        assert_eq!(coord(f64::NAN), "0");
    }

    #[test]
    fn paths_break_at_non_finite_points() {
        assert_eq!(line_path([(0.0, 1.0), (2.0, 3.5)]), "M0 1 L2 3.5");
        assert_eq!(line_path([(0.0, 1.0), (f64::NAN, 2.0), (4.0, 5.0), (6.0, 7.0)]), "M0 1 M4 5 L6 7");
        assert_eq!(line_path([(f64::INFINITY, 0.0)]), "");
        assert_eq!(line_path(std::iter::empty()), "");
    }

    #[test]
    fn truncation() {
        assert_eq!(truncate("tenure", 10), "tenure");
        assert_eq!(truncate("Contract=Month-to-month", 10), "Contract=…");
    }
}
