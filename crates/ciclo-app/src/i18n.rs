//! The one translation layer: every string the page shows goes through here, in Spanish and English.
//!
//! Fixed texts are [`Key`]s; [`Key::text`] holds both languages side by side in one `match`, so a key
//! without a translation does not compile. Texts with values in them are functions taking a [`Lang`].

use serde::{Deserialize, Serialize};

pub mod compare;
pub mod detail;
pub mod exchange;
pub mod experiments;
pub mod models;
pub mod params;
pub mod production;
pub mod search;

/// A language of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    /// Español (the report's language).
    Es,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 code, for `<html lang>` and storage.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "es" => Some(Lang::Es),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language for a browser's preference list (`navigator.languages`): Spanish when the first
    /// Spanish or English entry is Spanish, English otherwise.
    pub fn from_preferences<S: AsRef<str>>(preferred: &[S]) -> Lang {
        for tag in preferred {
            let tag = tag.as_ref().to_ascii_lowercase();
            if tag == "es" || tag.starts_with("es-") {
                return Lang::Es;
            }
            if tag == "en" || tag.starts_with("en-") {
                return Lang::En;
            }
        }
        Lang::En
    }

    /// Formats a share in 0..=1 as a percentage with one decimal ("26,5 %" or "26.5%").
    pub fn percent(self, share: f64) -> String {
        match self {
            Lang::Es => format!("{:.1} %", share * 100.0).replace('.', ","),
            Lang::En => format!("{:.1}%", share * 100.0),
        }
    }

    /// Formats a number with `decimals` decimals, with the language's decimal separator.
    pub fn number(self, x: f64, decimals: usize) -> String {
        let text = format!("{x:.decimals$}");
        match self {
            Lang::Es => text.replace('.', ","),
            Lang::En => text,
        }
    }
}

/// A fixed text of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    AppTagline,
    NavLabel,
    NavData,
    NavExperiments,
    NavRuns,
    NavModels,
    NavServing,
    NavMonitoring,
    NavLifecycle,
    NavExchange,
    LanguageLabel,
    StorageWarning,
    StorageLoading,
    Loading,
    DataTitle,
    DataTeaching,
    DataSourceSynthetic,
    DataRows,
    DataColumns,
    DataDigest,
    DataDigestHelp,
    DataPreviewCaption,
    DataSummaryCaption,
    ColName,
    ColType,
    ColMissing,
    ColDistinct,
    ColStats,
    ColChurnRate,
    KindNumeric,
    KindCategorical,
    IdLike,
    ChurnRateHelp,
    ExperimentsTitle,
    ExperimentsTeaching,
    TrainTitle,
    TrainFamily,
    TrainParams,
    CancelButton,
    TrainParamTestSize,
    TrainParamTestSizeHelp,
    TrainParamSeed,
    TrainParamSeedHelp,
    StagePreparing,
    StageFitting,
    StageEvaluating,
    StageStarting,
    TrainCancelled,
    MetricsTitle,
    MetricAccuracy,
    MetricPrecision,
    MetricRecall,
    MetricF1,
    MetricRocAuc,
    MetricsExplain,
    MetricsHonesty,
    RunsTitle,
    RunsEmpty,
    RunName,
    RunStatus,
    RunStart,
    RunDuration,
    RunModel,
    RunDataset,
    ModelsTitle,
    ModelsTeaching,
    ServingTitle,
    ServingTeaching,
    MonitoringTitle,
    MonitoringTeaching,
    LifecycleTitle,
    LifecycleTeaching,
    ExchangeTitle,
    ExchangeTeaching,
    SearchTitle,
    SearchExplain,
    SearchPreset,
    SearchCustom,
    SearchGrid,
    SearchGridHelp,
    SearchRandom,
    SearchSamples,
    SearchSamplesHelp,
    SearchFolds,
    SearchFoldsHelp,
    SearchStart,
    SearchRefitting,
    SearchRefitDone,
    SearchCancelled,
    SearchResultsCaption,
    SearchRank,
    SearchCombination,
    SearchMeanF1,
    SearchChildRun,
    SearchBest,
    SearchHonesty,
    RunsTeaching,
    BackToRuns,
    RunNotFound,
    RunParent,
    RunParams,
    RunMetrics,
    RunTags,
    RunChildren,
    CompareTitle,
    CompareTeaching,
    CompareNeedTwo,
    CompareOnlyDifferences,
    RunsSelect,
    RunsSearchLabel,
    RunsSearchButton,
    RunsSearchHelp,
    RunsShowDeleted,
    RunsCompare,
    RunsExport,
    RunsDelete,
    RunsRestore,
    RunsPurge,
    RunsColumns,
    RunsPages,
    RunsPrevious,
    RunsNext,
    ChartConfusion,
    ChartActual,
    ChartPredicted,
    ChartRoc,
    ChartFpr,
    ChartTpr,
    ChartChance,
    ChartPr,
    ChartRecall,
    ChartPrecision,
    ChartBaseRate,
    ChartCalibration,
    ChartPredictedShare,
    ChartObservedShare,
    ChartPerfect,
    ChartImportance,
    ChartFeature,
    ChartImportanceValue,
    ChartLoss,
    ChartRound,
    ChartTree,
    ChartYes,
    ChartNo,
    ChartRows,
    ChartHidden,
    Footer,
    WorkerFailed,
    RunsLoadingAll,
}

impl Key {
    /// The text in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (es, en) = match self {
            Key::AppTagline => (
                "El ciclo de vida del aprendizaje automático en una página",
                "The machine-learning lifecycle in one page",
            ),
            Key::NavLabel => ("Secciones del ciclo de vida", "Lifecycle sections"),
            Key::NavData => ("Datos", "Data"),
            Key::NavExperiments => ("Experimentos", "Experiments"),
            Key::NavRuns => ("Runs", "Runs"),
            Key::NavModels => ("Modelos", "Models"),
            Key::NavServing => ("Servicio", "Serving"),
            Key::NavMonitoring => ("Monitorización", "Monitoring"),
            Key::NavLifecycle => ("Ciclo de vida", "Lifecycle"),
            Key::NavExchange => ("Exportar y MLflow", "Export and MLflow"),
            Key::LanguageLabel => ("Idioma", "Language"),
            Key::StorageWarning => (
                "Este navegador no deja abrir IndexedDB (modo privado o bloqueado): todo funciona, pero los experimentos se perderán al cerrar la página.",
                "This browser does not let the page open IndexedDB (private mode or blocked): everything works, but experiments will be lost when the page closes.",
            ),
            Key::StorageLoading => ("Abriendo el almacén de experimentos…", "Opening the experiment store…"),
            Key::Loading => ("Cargando…", "Loading…"),
            Key::DataTitle => ("Datos", "Data"),
            Key::DataTeaching => (
                "Todo modelo empieza por sus datos: aquí se ve el conjunto con el esquema de Telco Customer Churn que usa la demo del informe (§3.3), generado en tu navegador a partir de una semilla. Conocer tipos, vacíos y tasas de abandono es el primer paso del ciclo de vida (§1.2), y la huella (digest) del conjunto es lo que MLflow registra para saber con qué datos se entrenó cada run (§2.2).",
                "Every model starts with its data: this is a data set with the schema of Telco Customer Churn, the report's demo (§3.3), generated in your browser from a seed. Knowing types, blanks and churn rates is the first step of the lifecycle (§1.2), and the data set's digest is what MLflow records to know which data each run was trained on (§2.2).",
            ),
            Key::DataSourceSynthetic => (
                "Conjunto sintético con las 21 columnas de Telco (semilla 42)",
                "Synthetic data set with Telco's 21 columns (seed 42)",
            ),
            Key::DataRows => ("filas", "rows"),
            Key::DataColumns => ("columnas", "columns"),
            Key::DataDigest => ("huella", "digest"),
            Key::DataDigestHelp => (
                "SHA-256 del contenido: la misma semilla da la misma huella en cualquier navegador.",
                "SHA-256 of the content: the same seed gives the same digest in any browser.",
            ),
            Key::DataPreviewCaption => ("Primeras 10 filas", "First 10 rows"),
            Key::DataSummaryCaption => ("Resumen por columna", "Summary per column"),
            Key::ColName => ("Columna", "Column"),
            Key::ColType => ("Tipo", "Type"),
            Key::ColMissing => ("Vacíos", "Missing"),
            Key::ColDistinct => ("Distintos", "Distinct"),
            Key::ColStats => ("Media o categorías más frecuentes", "Mean or top categories"),
            Key::ColChurnRate => ("Tasa de abandono", "Churn rate"),
            Key::KindNumeric => ("numérica", "numeric"),
            Key::KindCategorical => ("categórica", "categorical"),
            Key::IdLike => (
                "identificador: todos los valores son distintos, se excluye del modelo",
                "identifier: every value is distinct, left out of the model",
            ),
            Key::ChurnRateHelp => (
                "Porcentaje de clientes que abandonan (Churn = Yes) entre los que tienen esa categoría.",
                "Share of customers who churn (Churn = Yes) among those in that category.",
            ),
            Key::ExperimentsTitle => ("Experimentos", "Experiments"),
            Key::ExperimentsTeaching => (
                "Experimentar es entrenar, medir y comparar, y registrar cada intento para poder repetirlo: es MLflow Tracking (§2.2) y el paso de la demo que compara modelos (§3.3). Cada entrenamiento se guarda como un run con sus parámetros, métricas, semilla y la huella de los datos, en el almacén de tu navegador.",
                "Experimenting means training, measuring and comparing, and recording every attempt so it can be repeated: this is MLflow Tracking (§2.2) and the demo's model-comparison step (§3.3). Every training is stored as a run with its parameters, metrics, seed and data digest, in your browser's store.",
            ),
            Key::TrainTitle => ("Entrenar", "Train"),
            Key::TrainFamily => ("Familia de modelo", "Model family"),
            Key::TrainParams => ("Parámetros (nombres de scikit-learn)", "Parameters (scikit-learn's names)"),
            Key::CancelButton => ("Cancelar", "Cancel"),
            Key::TrainParamTestSize => ("Fracción de prueba", "Test fraction"),
            Key::TrainParamTestSizeHelp => (
                "Parte de las filas apartada para medir, estratificada por Churn.",
                "Share of rows held out for measuring, stratified by Churn.",
            ),
            Key::TrainParamSeed => ("Semilla", "Seed"),
            Key::TrainParamSeedHelp => (
                "La misma semilla da la misma partición y las mismas métricas.",
                "The same seed gives the same split and the same metrics.",
            ),
            Key::StageStarting => ("Arrancando el worker…", "Starting the worker…"),
            Key::StagePreparing => ("Preparando datos…", "Preparing data…"),
            Key::StageFitting => ("Ajustando el modelo…", "Fitting the model…"),
            Key::StageEvaluating => ("Evaluando en la partición de prueba…", "Evaluating on the test split…"),
            Key::TrainCancelled => (
                "Entrenamiento cancelado: el run queda como KILLED.",
                "Training cancelled: the run is kept as KILLED.",
            ),
            Key::MetricsTitle => ("Métricas en la partición de prueba", "Metrics on the test split"),
            Key::MetricAccuracy => ("Exactitud (accuracy)", "Accuracy"),
            Key::MetricPrecision => ("Precisión", "Precision"),
            Key::MetricRecall => ("Exhaustividad (recall)", "Recall"),
            Key::MetricF1 => ("F1", "F1"),
            Key::MetricRocAuc => ("ROC AUC", "ROC AUC"),
            Key::MetricsExplain => (
                "Con umbral 0.5. La precisión es la parte de los avisos de abandono que aciertan; el recall, la parte de los que abandonan que se detectan; F1 equilibra ambas. ROC AUC mide cómo ordena el modelo a los clientes por riesgo, sin umbral.",
                "At threshold 0.5. Precision is the share of churn alerts that are right; recall, the share of churners that are caught; F1 balances both. ROC AUC measures how well the model ranks customers by risk, with no threshold.",
            ),
            Key::MetricsHonesty => (
                "Con los datos reales de Telco, la regresión logística llega a F1 ≈ 0.61 y ROC AUC ≈ 0.84. La tabla del informe (F1 0.78) no se puede reproducir con estos datos: una AUC por encima de 0.88 suele delatar una fuga de información.",
                "On the real Telco data, logistic regression reaches F1 ≈ 0.61 and ROC AUC ≈ 0.84. The report's table (F1 0.78) cannot be reproduced on this data: an AUC above 0.88 usually gives away leakage.",
            ),
            Key::RunsTitle => ("Runs", "Runs"),
            Key::RunsEmpty => (
                "Aún no hay runs: entrena un modelo y aparecerá aquí.",
                "No runs yet: train a model and it appears here.",
            ),
            Key::RunName => ("Run", "Run"),
            Key::RunStatus => ("Estado", "Status"),
            Key::RunStart => ("Inicio", "Start"),
            Key::RunDuration => ("Duración", "Duration"),
            Key::RunModel => ("Modelo", "Model"),
            Key::RunDataset => ("Datos", "Data set"),
            Key::ModelsTitle => ("Modelos", "Models"),
            Key::ModelsTeaching => (
                "El registro de modelos guarda versiones de un modelo y su etapa (Staging, Production) o su alias (@champion): es MLflow Model Registry (§2.2) y el paso de la demo que registra y promociona el mejor modelo pasando un umbral de F1 (§3.3).",
                "The model registry keeps versions of a model and their stage (Staging, Production) or alias (@champion): this is MLflow Model Registry (§2.2) and the demo's step that registers and promotes the best model past an F1 gate (§3.3).",
            ),
            Key::ServingTitle => ("Servicio", "Serving"),
            Key::ServingTeaching => (
                "Servir es poner un modelo registrado a responder predicciones, como hace `mlflow models serve` (§2.2); es la fase de producción del ciclo de vida (§1.2).",
                "Serving puts a registered model to answering predictions, as `mlflow models serve` does (§2.2); it is the production phase of the lifecycle (§1.2).",
            ),
            Key::MonitoringTitle => ("Monitorización", "Monitoring"),
            Key::MonitoringTeaching => (
                "En producción el mundo cambia: deriva de datos, de concepto y de predicciones (§1.2). Vigilarla y reentrenar es la última parte de la demo (§3.3).",
                "In production the world changes: data drift, concept drift and prediction drift (§1.2). Watching it and retraining is the last part of the demo (§3.3).",
            ),
            Key::LifecycleTitle => ("Ciclo de vida", "Lifecycle"),
            Key::ExchangeTitle => ("Exportar y llevar a MLflow", "Export and take to MLflow"),
            Key::ExchangeTeaching => (
                "El servidor de seguimiento de MLflow (§2.2) es donde un equipo guarda sus ejecuciones y modelos; la demo del informe registra en él (§3.3). Aquí el trabajo sale del navegador: como un documento JSON que se puede guardar e importar otra vez, o enviado por la API REST de MLflow a un servidor real, con sus parámetros, historiales de métricas, artefactos, versiones y alias. Enviar dos veces no duplica nada: cada ejecución lleva la etiqueta ciclo.run_id.",
                "MLflow's tracking server (§2.2) is where a team keeps its runs and models; the report's demo logs to one (§3.3). Here the work leaves the browser: as a JSON document you can keep and import again, or pushed over MLflow's REST API to a real server, with its parameters, metric histories, artifacts, versions and aliases. Pushing twice duplicates nothing: every run carries the tag ciclo.run_id.",
            ),
            Key::LifecycleTeaching => (
                "El diagrama del ciclo de vida del informe (§1.2): experimentación, producción, monitorización y el bucle de reentrenamiento, con la actividad de cada etapa a la vista.",
                "The report's lifecycle diagram (§1.2): experimentation, production, monitoring and the retraining loop, with each stage's activity in view.",
            ),
            Key::SearchTitle => (
                "Búsqueda de hiperparámetros",
                "Hyperparameter search",
            ),
            Key::SearchExplain => (
                "Cada combinación de parámetros se evalúa con validación cruzada estratificada de k folds sobre las filas de entrenamiento, puntuada por F1, como GridSearchCV en el informe (§3.3). Las unidades (combinación × fold) se reparten entre un worker por núcleo; cada combinación se guarda como run hijo del run de la búsqueda.",
                "Each parameter combination is scored by stratified k-fold cross-validation on the training rows, by F1, as GridSearchCV does in the report (§3.3). The units (combination × fold) are spread over one worker per core; each combination is kept as a child run of the search's run.",
            ),
            Key::SearchPreset => (
                "Lanzar el grid del informe (36 combinaciones × 5 folds)",
                "Run the report's grid (36 combinations × 5 folds)",
            ),
            Key::SearchCustom => (
                "Otra búsqueda: modelo, grid, aleatoria, folds",
                "Another search: model, grid, random, folds",
            ),
            Key::SearchGrid => (
                "Grid (una línea por parámetro)",
                "Grid (one line per parameter)",
            ),
            Key::SearchGridHelp => (
                "Como param_grid de scikit-learn: «max_depth = 5, 10, None». Los parámetros no listados toman su valor por defecto.",
                "As scikit-learn's param_grid: “max_depth = 5, 10, None”. Parameters not listed keep their defaults.",
            ),
            Key::SearchRandom => (
                "Búsqueda aleatoria (RandomizedSearchCV)",
                "Random search (RandomizedSearchCV)",
            ),
            Key::SearchSamples => (
                "Combinaciones a sortear",
                "Combinations to draw",
            ),
            Key::SearchSamplesHelp => (
                "Se sortean sin reemplazo entre las del grid; la misma semilla sortea las mismas.",
                "Drawn without replacement from the grid's; the same seed draws the same ones.",
            ),
            Key::SearchFolds => (
                "Folds (k)",
                "Folds (k)",
            ),
            Key::SearchFoldsHelp => (
                "Particiones de la validación cruzada estratificada.",
                "Parts of the stratified cross-validation.",
            ),
            Key::SearchStart => (
                "Lanzar la búsqueda",
                "Start the search",
            ),
            Key::SearchRefitting => (
                "Todas las unidades terminaron: reentrenando la mejor combinación con todas las filas de entrenamiento…",
                "Every unit is back: refitting the best combination on all the training rows…",
            ),
            Key::SearchRefitDone => (
                "La mejor combinación, reentrenada con todas las filas de entrenamiento y medida en la partición de prueba:",
                "The best combination, refitted on all the training rows and measured on the test split:",
            ),
            Key::SearchCancelled => (
                "Búsqueda cancelada: los runs hijos terminados se conservan y el run padre queda como KILLED.",
                "Search cancelled: the finished child runs are kept and the parent run is KILLED.",
            ),
            Key::SearchResultsCaption => (
                "Combinaciones por F1 medio de validación cruzada (la mejor, resaltada)",
                "Combinations by mean cross-validated F1 (the best highlighted)",
            ),
            Key::SearchRank => (
                "Puesto",
                "Rank",
            ),
            Key::SearchCombination => (
                "Combinación",
                "Combination",
            ),
            Key::SearchMeanF1 => (
                "F1 medio ± desv.",
                "Mean F1 ± std",
            ),
            Key::SearchChildRun => (
                "Run hijo",
                "Child run",
            ),
            Key::SearchBest => (
                "mejor",
                "best",
            ),
            Key::SearchHonesty => (
                "Con los datos reales de Telco, este grid da un F1 de validación cruzada de 0,51 a 0,57 según la combinación (la mejor, 0,566 ± 0,025 entre folds; 0,60 en la partición de prueba). Entre las mejores, las diferencias son menores que la desviación entre folds: «la mejor» es en parte azar. El F1 de 0,78 del informe no se reproduce con estos datos.",
                "On the real Telco data this grid gives a cross-validated F1 of 0.51 to 0.57 depending on the combination (the best 0.566 ± 0.025 across folds; 0.60 on the test split). Among the best, differences are smaller than the spread across folds: “the best” is partly chance. The report's F1 of 0.78 does not reproduce on this data.",
            ),
            Key::RunsTeaching => (
                "Cada entrenamiento y cada búsqueda quedan registrados como runs, con MLflow Tracking como modelo (§2.2): parámetros, métricas, etiquetas y la huella de los datos. Buscar, ordenar y comparar runs es cómo se elige qué modelo registrar en la demo (§3.3).",
                "Every training and every search is recorded as a run, with MLflow Tracking as the model (§2.2): parameters, metrics, tags and the data's digest. Searching, sorting and comparing runs is how the demo chooses which model to register (§3.3).",
            ),
            Key::BackToRuns => (
                "← Todos los runs",
                "← All runs",
            ),
            Key::RunNotFound => (
                "No hay ningún run con ese id en este navegador",
                "No run with that id in this browser",
            ),
            Key::RunParent => (
                "Run padre:",
                "Parent run:",
            ),
            Key::RunParams => (
                "Parámetros",
                "Parameters",
            ),
            Key::RunMetrics => (
                "Métricas",
                "Metrics",
            ),
            Key::RunTags => (
                "Etiquetas",
                "Tags",
            ),
            Key::RunChildren => (
                "Runs hijos",
                "Child runs",
            ),
            Key::CompareTitle => (
                "Comparar runs",
                "Compare runs",
            ),
            Key::CompareTeaching => (
                "Comparar runs lado a lado muestra qué parámetro cambió y qué le pasó a cada métrica: es la vista de comparación de MLflow (§2.2). El interruptor oculta las filas iguales en todos, lo que MLflow quitó y sus usuarios siguen pidiendo.",
                "Comparing runs side by side shows which parameter changed and what happened to each metric: MLflow's compare view (§2.2). The switch hides the rows that agree across all of them, which MLflow removed and its users keep asking for.",
            ),
            Key::CompareNeedTwo => (
                "Elige al menos dos runs en la tabla de runs para compararlos.",
                "Choose at least two runs in the runs table to compare them.",
            ),
            Key::CompareOnlyDifferences => (
                "Solo diferencias",
                "Only differences",
            ),
            Key::RunsSelect => (
                "Seleccionar",
                "Select",
            ),
            Key::RunsSearchLabel => (
                "Buscar runs (sintaxis de MLflow)",
                "Search runs (MLflow syntax)",
            ),
            Key::RunsSearchButton => (
                "Buscar",
                "Search",
            ),
            Key::RunsSearchHelp => (
                "Como search_runs de MLflow: metrics.f1 > 0.55 and params.model = 'random_forest' and tags.note LIKE '%base%', attributes.status = 'FINISHED'. Condiciones unidas con AND.",
                "As MLflow's search_runs: metrics.f1 > 0.55 and params.model = 'random_forest' and tags.note LIKE '%base%', attributes.status = 'FINISHED'. Conditions joined with AND.",
            ),
            Key::RunsShowDeleted => (
                "Ver la papelera (runs borrados)",
                "Show the trash (deleted runs)",
            ),
            Key::RunsCompare => (
                "Comparar los seleccionados",
                "Compare selected",
            ),
            Key::RunsExport => ("Exportar o enviar a MLflow", "Export or push to MLflow"),
            Key::RunsDelete => (
                "Borrar los seleccionados",
                "Delete selected",
            ),
            Key::RunsRestore => (
                "Restaurar los seleccionados",
                "Restore selected",
            ),
            Key::RunsPurge => (
                "Vaciar la papelera (libera espacio)",
                "Empty the trash (frees storage)",
            ),
            Key::RunsColumns => (
                "Columnas",
                "Columns",
            ),
            Key::RunsPages => (
                "Páginas de runs",
                "Pages of runs",
            ),
            Key::RunsPrevious => (
                "← Anteriores",
                "← Previous",
            ),
            Key::RunsNext => (
                "Siguientes →",
                "Next →",
            ),
            Key::ChartConfusion => (
                "Matriz de confusión (partición de prueba)",
                "Confusion matrix (test split)",
            ),
            Key::ChartActual => (
                "Real",
                "Actual",
            ),
            Key::ChartPredicted => (
                "Predicho",
                "Predicted",
            ),
            Key::ChartRoc => (
                "Curva ROC",
                "ROC curve",
            ),
            Key::ChartFpr => (
                "Tasa de falsos positivos",
                "False-positive rate",
            ),
            Key::ChartTpr => (
                "Tasa de verdaderos positivos (recall)",
                "True-positive rate (recall)",
            ),
            Key::ChartChance => (
                "azar",
                "chance",
            ),
            Key::ChartPr => (
                "Curva precisión–recall",
                "Precision–recall curve",
            ),
            Key::ChartRecall => (
                "Recall",
                "Recall",
            ),
            Key::ChartPrecision => (
                "Precisión",
                "Precision",
            ),
            Key::ChartBaseRate => (
                "tasa base",
                "base rate",
            ),
            Key::ChartCalibration => (
                "Calibración: ¿la probabilidad predicha es la frecuencia observada?",
                "Calibration: is the predicted probability the observed frequency?",
            ),
            Key::ChartPredictedShare => (
                "Probabilidad predicha",
                "Predicted probability",
            ),
            Key::ChartObservedShare => (
                "Fracción observada",
                "Observed fraction",
            ),
            Key::ChartPerfect => (
                "calibración perfecta",
                "perfect calibration",
            ),
            Key::ChartImportance => (
                "Importancia de las variables (las 15 primeras)",
                "Feature importance (top 15)",
            ),
            Key::ChartFeature => (
                "Variable",
                "Feature",
            ),
            Key::ChartImportanceValue => (
                "Importancia",
                "Importance",
            ),
            Key::ChartLoss => (
                "Pérdida por ronda: entrenamiento y validación",
                "Loss per round: training and validation",
            ),
            Key::ChartRound => (
                "Ronda",
                "Round",
            ),
            Key::ChartTree => (
                "El árbol ajustado",
                "The fitted tree",
            ),
            Key::ChartYes => (
                "sí",
                "yes",
            ),
            Key::ChartNo => (
                "no",
                "no",
            ),
            Key::ChartRows => (
                "filas",
                "rows",
            ),
            Key::ChartHidden => (
                "Niveles más profundos ocultos",
                "Deeper levels hidden",
            ),
            Key::Footer => (
                "Ciclo entrena en tu navegador con Rust y WebAssembly; nada sale de tu equipo.",
                "Ciclo trains in your browser with Rust and WebAssembly; nothing leaves your machine.",
            ),
            Key::WorkerFailed => (
                "El worker de entrenamiento no arrancó en 20 s: recarga la página.",
                "The training worker did not start within 20 s: reload the page.",
            ),
            Key::RunsLoadingAll => (
                "Cargando todos los runs… La búsqueda, el orden y las páginas siguientes esperan a tenerlos.",
                "Loading all runs… Search, sort and the next pages wait until they are in.",
            ),
        };
        match lang {
            Lang::Es => es,
            Lang::En => en,
        }
    }
}

/// "3 filas" / "3 rows" style counts.
pub fn count(lang: Lang, n: usize, key: Key) -> String {
    format!("{n} {}", key.text(lang))
}

/// A duration in milliseconds for people.
pub fn duration(lang: Lang, ms: i64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{} s", lang.number(ms as f64 / 1000.0, 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_when_the_browser_prefers_it() {
        let check =
            |prefs: &[&str], expected: Lang| assert_eq!(Lang::from_preferences(prefs), expected, "{prefs:?}");
        check(&["es-ES", "en"], Lang::Es);
        check(&["es"], Lang::Es);
        check(&["en-US", "es"], Lang::En);
        check(&["fr-FR", "es-MX"], Lang::Es);
        check(&["fr-FR"], Lang::En);
        check(&[], Lang::En);
    }

    #[test]
    fn numbers_use_the_language_separator() {
        assert_eq!(Lang::Es.number(0.8421, 3), "0,842");
        assert_eq!(Lang::En.number(0.8421, 3), "0.842");
        assert_eq!(Lang::Es.percent(0.265), "26,5 %");
        assert_eq!(duration(Lang::En, 1500), "1.5 s");
    }
}
