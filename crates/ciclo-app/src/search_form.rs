//! The search form's fields, read into a [`SearchSpec`] or a precise reason why not.
//!
//! The grid is typed one axis per line, as `name = value, value, ...` (`max_depth = 5, 10, None`), the way
//! scikit-learn's `param_grid` reads.

use ciclo_core::ml::{Fill, ModelKind, ModelParams};
use ciclo_core::telco;
use ciclo_core::tune::Grid;

use crate::i18n::Lang;
use crate::search::SearchSpec;

/// The form's fields as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchForm {
    /// The model family.
    pub kind: ModelKind,
    /// The grid, one axis per line.
    pub grid: String,
    /// `true` for a random search of [`SearchForm::samples`] combinations.
    pub random: bool,
    /// Combinations a random search draws.
    pub samples: String,
    /// Folds.
    pub folds: String,
    /// Seed.
    pub seed: String,
}

/// The report's grid (§3.3) as the form writes it.
pub fn report_grid_text() -> String {
    grid_text(&Grid::report())
}

/// A grid as the form writes it: one `name = v1, v2` line per axis.
pub fn grid_text(grid: &Grid) -> String {
    grid.axes
        .iter()
        .map(|(name, values)| format!("{name} = {}", values.join(", ")))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Default for SearchForm {
    /// The report's search: a random forest over its grid, 5 folds, seed 42.
    fn default() -> Self {
        SearchForm {
            kind: ModelKind::RandomForest,
            grid: report_grid_text(),
            random: false,
            samples: "10".into(),
            folds: "5".into(),
            seed: "42".into(),
        }
    }
}

/// What is wrong with the form.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchFormError {
    /// A grid line is not `name = value, ...`.
    GridLine {
        /// 1-based line number.
        line: usize,
        /// The line as typed.
        text: String,
    },
    /// The same parameter on two lines.
    DuplicateAxis(String),
    /// No axis at all.
    EmptyGrid,
    /// The grid does not fit the family (an unknown name or a bad value): the core's explanation.
    Grid(String),
    /// The number of random combinations is not a whole number from 1.
    Samples(String),
    /// The number of folds is not a whole number from 2 to 20.
    Folds(String),
    /// The seed is not a whole number.
    Seed(String),
}

impl SearchFormError {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use SearchFormError as E;
        match (self, lang) {
            (E::GridLine { line, text }, Lang::Es) => {
                format!("línea {line} del grid: «{text}» no tiene la forma «nombre = valor, valor»")
            }
            (E::GridLine { line, text }, Lang::En) => {
                format!("grid line {line}: “{text}” is not of the form “name = value, value”")
            }
            (E::DuplicateAxis(name), Lang::Es) => format!("«{name}» aparece en dos líneas del grid"),
            (E::DuplicateAxis(name), Lang::En) => format!("“{name}” appears on two grid lines"),
            (E::EmptyGrid, Lang::Es) => {
                "el grid está vacío: escribe al menos una línea «nombre = valores»".into()
            }
            (E::EmptyGrid, Lang::En) => "the grid is empty: write at least one “name = values” line".into(),
            (E::Grid(detail), Lang::Es) => format!("el grid no encaja con el modelo ({detail})"),
            (E::Grid(detail), Lang::En) => format!("the grid does not fit the model ({detail})"),
            (E::Samples(v), Lang::Es) => {
                format!("el número de combinaciones debe ser un entero ≥ 1 (se escribió «{v}»)")
            }
            (E::Samples(v), Lang::En) => {
                format!("the number of combinations must be a whole number ≥ 1 (got “{v}”)")
            }
            (E::Folds(v), Lang::Es) => format!("los folds deben ser un entero de 2 a 20 (se escribió «{v}»)"),
            (E::Folds(v), Lang::En) => format!("folds must be a whole number from 2 to 20 (got “{v}”)"),
            (E::Seed(v), Lang::Es) => {
                format!("la semilla debe ser un entero no negativo (se escribió «{v}»)")
            }
            (E::Seed(v), Lang::En) => format!("the seed must be a non-negative whole number (got “{v}”)"),
        }
    }
}

/// Reads grid text: one `name = v1, v2` axis per line; blank lines and `#` comments are skipped.
pub fn parse_grid(text: &str) -> Result<Grid, SearchFormError> {
    let mut grid = Grid::default();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let bad = || SearchFormError::GridLine { line: index + 1, text: trimmed.to_string() };
        let (name, values) = trimmed.split_once('=').ok_or_else(bad)?;
        let name = name.trim();
        let values: Vec<String> =
            values.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
        if name.is_empty() || name.contains(char::is_whitespace) || values.is_empty() {
            return Err(bad());
        }
        if grid.axes.iter().any(|(n, _)| n == name) {
            return Err(SearchFormError::DuplicateAxis(name.to_string()));
        }
        grid.axes.push((name.to_string(), values));
    }
    if grid.axes.is_empty() {
        return Err(SearchFormError::EmptyGrid);
    }
    Ok(grid)
}

impl SearchForm {
    /// The search these fields describe, on the built-in data's target with a 0.2 test split.
    pub fn spec(&self) -> Result<SearchSpec, SearchFormError> {
        let grid = parse_grid(&self.grid)?;
        let base = ModelParams::default_for(self.kind);
        grid.check(&base).map_err(|e| SearchFormError::Grid(e.to_string()))?;
        let random = if self.random {
            let n = self.samples.trim().parse::<usize>().ok().filter(|n| *n >= 1);
            Some(n.ok_or_else(|| SearchFormError::Samples(self.samples.clone()))?)
        } else {
            None
        };
        let k = self.folds.trim().parse::<usize>().ok().filter(|k| (2..=20).contains(k));
        let k = k.ok_or_else(|| SearchFormError::Folds(self.folds.clone()))?;
        let seed = self.seed.trim().parse::<u64>().map_err(|_| SearchFormError::Seed(self.seed.clone()))?;
        Ok(SearchSpec {
            base,
            grid,
            random,
            k,
            seed,
            test_fraction: 0.2,
            target: telco::TARGET.to_string(),
            fill: Fill::Zero,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_form_is_the_reports_search() {
        let spec = SearchForm::default().spec().unwrap();
        assert_eq!(spec.grid, Grid::report());
        assert_eq!((spec.k, spec.seed, spec.random), (5, 42, None));
        assert_eq!(spec.base.kind(), ModelKind::RandomForest);
        assert_eq!(parse_grid(&report_grid_text()).unwrap().len(), 36);
    }

    #[test]
    fn grid_text_is_read_line_by_line_with_precise_errors() {
        let check = |text: &str, expected: Result<usize, SearchFormError>| {
            assert_eq!(parse_grid(text).map(|g| g.len()), expected, "{text:?}");
        };
        check("max_depth = 2, 4\n\n# a comment\nmin_samples_split=2,5,10", Ok(6));
        check("max_depth = 2,, 4,", Ok(2));
        check("", Err(SearchFormError::EmptyGrid));
        check("max_depth 2, 4", Err(SearchFormError::GridLine { line: 1, text: "max_depth 2, 4".into() }));
        check(
            "a = 1\nmax depth = 2",
            Err(SearchFormError::GridLine { line: 2, text: "max depth = 2".into() }),
        );
        check("max_depth =", Err(SearchFormError::GridLine { line: 1, text: "max_depth =".into() }));
        check("a = 1\na = 2", Err(SearchFormError::DuplicateAxis("a".into())));
    }

    #[test]
    fn the_grid_must_fit_the_family_and_the_numbers_their_ranges() {
        let form = |f: &dyn Fn(&mut SearchForm)| {
            let mut form = SearchForm::default();
            f(&mut form);
            form.spec().map(|_| ())
        };
        assert!(matches!(form(&|f| f.kind = ModelKind::LogisticRegression), Err(SearchFormError::Grid(_))));
        assert!(matches!(form(&|f| f.grid = "max_depth = 3, deep".into()), Err(SearchFormError::Grid(_))));
        assert_eq!(form(&|f| f.folds = "1".into()), Err(SearchFormError::Folds("1".into())));
        assert_eq!(form(&|f| f.seed = "x".into()), Err(SearchFormError::Seed("x".into())));
        assert_eq!(
            form(&|f| {
                f.random = true;
                f.samples = "0".into()
            }),
            Err(SearchFormError::Samples("0".into()))
        );
        assert_eq!(
            form(&|f| {
                f.random = true;
                f.samples = "8".into()
            }),
            Ok(())
        );
        assert!(SearchFormError::EmptyGrid.message(Lang::Es).contains("vacío"));
    }
}
