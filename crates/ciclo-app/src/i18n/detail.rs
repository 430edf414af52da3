//! The texts of a run's detail beyond its tables: metric histories, the data set's schema, and
//! reproducing a run. Same shape as [`super::Key`]: both languages side by side, one `match`.

use super::Lang;

/// A fixed text of the run detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    HistoryTitle,
    HistoryPick,
    HistoryStep,
    HistoryValue,
    HistoryExplain,
    SchemaSummary,
    SchemaColumn,
    SchemaType,
    ProfileTitle,
    ReproduceTitle,
    ReproduceExplain,
    ReproduceButton,
    ReproduceBusy,
    ReproduceOf,
    Reproductions,
    ReproduceIdentical,
    ReproduceDiffer,
    ReproduceWaiting,
    ReproduceMetric,
    ReproduceOriginal,
    ReproduceNew,
    ReproduceSame,
    Yes,
    No,
}

impl Detail {
    /// The text in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (es, en) = match self {
            Detail::HistoryTitle => ("Historial de métricas", "Metric history"),
            Detail::HistoryPick => ("Métricas con historial", "Metrics with a history"),
            Detail::HistoryStep => ("Paso", "Step"),
            Detail::HistoryValue => ("Valor", "Value"),
            Detail::HistoryExplain => (
                "Una métrica con historial se registró en varios pasos (aquí, cada ronda del boosting), como con mlflow.log_metric(key, value, step). Las demás se registraron una vez, en el paso 0.",
                "A metric with a history was logged at several steps (here, each boosting round), as with mlflow.log_metric(key, value, step). The others were logged once, at step 0.",
            ),
            Detail::SchemaSummary => ("Esquema de los datos", "The data's schema"),
            Detail::SchemaColumn => ("Columna", "Column"),
            Detail::SchemaType => ("Tipo (MLflow)", "Type (MLflow)"),
            Detail::ProfileTitle => ("Perfil", "Profile"),
            Detail::ReproduceTitle => ("Reproducir", "Reproduce"),
            Detail::ReproduceExplain => (
                "Entrena de nuevo con los mismos parámetros, la misma semilla y los mismos datos (la misma huella). Si el entrenamiento es reproducible, cada métrica sale idéntica bit a bit; el tiempo de ajuste no cuenta, porque mide la máquina y no el modelo.",
                "Trains again with the same parameters, the same seed and the same data (the same digest). If training is reproducible, every metric comes out identical to the bit; the fit time does not count, as it measures the machine, not the model.",
            ),
            Detail::ReproduceButton => ("Reproducir con la misma semilla", "Reproduce with the same seed"),
            Detail::ReproduceBusy => (
                "Hay un entrenamiento en curso: espera a que termine.",
                "A training is under way: wait for it to finish.",
            ),
            Detail::ReproduceOf => ("Reproducción de", "Reproduction of"),
            Detail::Reproductions => ("Reproducciones", "Reproductions"),
            Detail::ReproduceIdentical => ("métricas idénticas", "identical metrics"),
            Detail::ReproduceDiffer => ("métricas distintas", "metrics differ"),
            Detail::ReproduceWaiting => ("entrenando…", "training…"),
            Detail::ReproduceMetric => ("Métrica", "Metric"),
            Detail::ReproduceOriginal => ("Original", "Original"),
            Detail::ReproduceNew => ("Reproducción", "Reproduction"),
            Detail::ReproduceSame => ("¿Idéntica?", "Identical?"),
            Detail::Yes => ("sí", "yes"),
            Detail::No => ("no", "no"),
        };
        match lang {
            Lang::Es => es,
            Lang::En => en,
        }
    }
}

/// "18 de 18 métricas idénticas" / "18 of 18 metrics identical".
pub fn identical_count(lang: Lang, same: usize, total: usize) -> String {
    match lang {
        Lang::Es => format!("{same} de {total} métricas idénticas"),
        Lang::En => format!("{same} of {total} metrics identical"),
    }
}

/// "21 columnas" / "21 columns".
pub fn columns(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Es => format!("{n} columnas"),
        Lang::En => format!("{n} columns"),
    }
}
