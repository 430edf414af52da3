//! The texts of the comparison's charts. Same shape as [`super::Key`]: both languages side by side.

use super::Lang;

/// A fixed text of the comparison's charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Title,
    Explain,
    Metric,
    Param,
    NoSharedMetric,
    ParallelDesc,
}

impl Cmp {
    /// The text in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (es, en) = match self {
            Cmp::Title => ("Parámetros frente a métrica", "Parameters against a metric"),
            Cmp::Explain => (
                "Coordenadas paralelas: cada línea es un run, cruza un eje por cada parámetro que cambia y termina en la métrica; el mejor run va en rojo. La dispersión pone un parámetro frente a la métrica: si los puntos no suben ni bajan con él, ese parámetro apenas importa.",
                "Parallel coordinates: each line is a run, crossing one axis per parameter that changes and ending at the metric; the best run is in red. The scatter puts one parameter against the metric: if the points neither rise nor fall with it, that parameter hardly matters.",
            ),
            Cmp::Metric => ("Métrica", "Metric"),
            Cmp::Param => ("Parámetro de la dispersión", "Scatter's parameter"),
            Cmp::NoSharedMetric => (
                "Estos runs no tienen ninguna métrica en común: no hay nada que dibujar.",
                "These runs share no metric: there is nothing to draw.",
            ),
            Cmp::ParallelDesc => (
                "Una línea por run a través de sus parámetros distintos, hasta la métrica.",
                "One line per run through its differing parameters, to the metric.",
            ),
        };
        match lang {
            Lang::Es => es,
            Lang::En => en,
        }
    }
}

/// "Coordenadas paralelas hasta f1" / "Parallel coordinates to f1".
pub fn parallel_title(lang: Lang, metric: &str) -> String {
    match lang {
        Lang::Es => format!("Coordenadas paralelas hasta {metric}"),
        Lang::En => format!("Parallel coordinates to {metric}"),
    }
}

/// "f1 según max_depth" / "f1 by max_depth".
pub fn scatter_title(lang: Lang, param: &str, metric: &str) -> String {
    match lang {
        Lang::Es => format!("{metric} según {param}"),
        Lang::En => format!("{metric} by {param}"),
    }
}
