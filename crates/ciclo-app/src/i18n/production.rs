//! The texts of the Monitoring and Lifecycle pages (the production simulation), and its events, alerts
//! and methods in words. Same shape as [`super::Key`]: both languages side by side, one `match`.

use ciclo_core::monitor::{Alert, DriftMethod, PsiBand, Reason};
use ciclo_core::simulate::{EventKind, Policy, Preset, ScenarioKind, Trigger, Window};

use super::Lang;
use crate::production::{Activity, Speed};

/// A fixed text of the production pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum P {
    SetupTitle,
    Preset,
    Seed,
    Policy,
    Window,
    Delay,
    Periods,
    Model,
    Speed,
    Start,
    Play,
    Pause,
    Step,
    Reset,
    Instructor,
    StatusIdle,
    StatusOpening,
    Week,
    Of,
    Champion,
    ComputeTime,
    Finished,
    ShareLink,
    PeriodTitle,
    Column,
    Method,
    Score,
    Threshold,
    Drifted,
    WhyMethod,
    DatasetDrift,
    Alerts,
    NoAlerts,
    DriftChart,
    DriftChartColumn,
    DriftChartExplain,
    PerformanceChart,
    PerformanceExplain,
    Estimated,
    Realized,
    Frozen,
    Timeline,
    Registry,
    Versions,
    RetrainNote,
    Yes,
    No,
    LifecycleExperiment,
    LifecycleRegistry,
    LifecycleProduction,
    LifecycleMonitoring,
    LifecycleLoop,
    LifecycleNow,
    LifecycleStart,
    CountRuns,
    CountVersions,
    CountPeriods,
    CountAlerts,
    CountPromotions,
    CountRejected,
    CountRetrains,
    ModelForest,
    ModelLogreg,
    Thresholds,
    ThresholdDriftShare,
    ThresholdF1Drop,
    ThresholdPsi,
    ThresholdsHelp,
    Scenarios,
    ScenariosHelp,
    ScenarioKind,
    ScenarioStart,
    ScenarioIntensity,
    ScenarioRemove,
    ScenarioAdd,
    PredictionRow,
    LabeledNow,
}

impl P {
    /// The text in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (es, en) = match self {
            P::SetupTitle => ("La historia que se simula", "The story to simulate"),
            P::Preset => ("Escenario", "Scenario"),
            P::Seed => ("Semilla", "Seed"),
            P::Policy => ("Política de reentrenamiento", "Retraining policy"),
            P::Window => ("Datos del reentrenamiento", "Retraining data"),
            P::Delay => ("Semanas hasta conocer las etiquetas", "Weeks until labels arrive"),
            P::Periods => ("Semanas", "Weeks"),
            P::Model => ("Modelo", "Model"),
            P::Speed => ("Velocidad", "Speed"),
            P::Start => ("Empezar", "Start"),
            P::Play => ("Reproducir", "Play"),
            P::Pause => ("Pausa", "Pause"),
            P::Step => ("Una semana", "One week"),
            P::Reset => ("Reiniciar", "Reset"),
            P::Instructor => ("Modo instructor (letra grande)", "Instructor mode (large type)"),
            P::StatusIdle => ("Elige una historia y pulsa Empezar.", "Choose a story and press Start."),
            P::StatusOpening => ("Entrenando y desplegando el primer modelo…", "Training and deploying the first model…"),
            P::Week => ("Semana", "Week"),
            P::Of => ("de", "of"),
            P::Champion => ("campeón", "champion"),
            P::ComputeTime => ("de cálculo en el worker", "of computing in the worker"),
            P::Finished => ("Simulación terminada.", "Simulation finished."),
            P::ShareLink => (
                "La dirección de la página guarda esta historia: compártela y se repetirá igual.",
                "The page's address keeps this story: share it and it replays the same.",
            ),
            P::PeriodTitle => ("La semana actual frente a los datos de entrenamiento", "This week against the training data"),
            P::Column => ("Columna", "Column"),
            P::Method => ("Método", "Method"),
            P::Score => ("Valor", "Score"),
            P::Threshold => ("Umbral", "Threshold"),
            P::Drifted => ("¿Deriva?", "Drift?"),
            P::WhyMethod => ("Por qué este método", "Why this method"),
            P::DatasetDrift => ("columnas con deriva", "columns drifted"),
            P::Alerts => ("Alertas de la semana", "This week's alerts"),
            P::NoAlerts => ("Sin alertas esta semana.", "No alerts this week."),
            P::DriftChart => ("Deriva por semana", "Drift per week"),
            P::DriftChartColumn => ("Columna del gráfico", "Column charted"),
            P::DriftChartExplain => (
                "El valor del método de cada semana y su umbral; las líneas verticales marcan cambios de campeón. Con más de 1000 filas de referencia, Evidently usa distancias (Wasserstein normalizada, Jensen-Shannon) en lugar de p-valores, que con muestras grandes lo marcarían todo.",
                "Each week's method score and its threshold; vertical lines mark champion changes. With more than 1,000 reference rows Evidently uses distances (normed Wasserstein, Jensen-Shannon) rather than p-values, which would flag everything with large samples.",
            ),
            P::PerformanceChart => ("F1 por semana", "F1 per week"),
            P::PerformanceExplain => (
                "La estimada se calcula al momento con las probabilidades calibradas (la idea de CBPE de NannyML); la real llega cuando se conocen las etiquetas, semanas después. La del modelo congelado es la que habría tenido el primer modelo sin reentrenar: lo que el reentrenamiento continuo aporta es la distancia entre ambas.",
                "The estimate is computed at once from calibrated probabilities (NannyML's CBPE idea); the realized one comes when labels arrive, weeks later. The frozen line is what the first model would have had without retraining: what continuous training buys is the gap between them.",
            ),
            P::Estimated => ("estimada", "estimated"),
            P::Realized => ("real (campeón)", "realized (champion)"),
            P::Frozen => ("real (modelo congelado)", "realized (frozen model)"),
            P::Timeline => ("Cronología", "Timeline"),
            P::Registry => ("Registro de la simulación", "The simulation's registry"),
            P::Versions => ("Versiones", "Versions"),
            P::RetrainNote => (
                "Un retador se valida contra el campeón en la semana etiquetada más reciente, que no usó para entrenar; solo si la supera por el margen pasa la puerta y toma el alias @champion.",
                "A challenger is validated against the champion on the newest labeled week, which it did not train on; only if it beats it by the margin does it pass the gate and take the @champion alias.",
            ),
            P::Yes => ("sí", "yes"),
            P::No => ("no", "no"),
            P::LifecycleExperiment => ("Experimentación", "Experimentation"),
            P::LifecycleRegistry => ("Registro y validación", "Registry and validation"),
            P::LifecycleProduction => ("Producción", "Production"),
            P::LifecycleMonitoring => ("Monitorización", "Monitoring"),
            P::LifecycleLoop => ("Bucle de reentrenamiento", "Retraining loop"),
            P::LifecycleNow => ("ahora", "now"),
            P::LifecycleStart => (
                "Empieza una simulación en Monitorización para ver el ciclo en marcha.",
                "Start a simulation on the Monitoring page to see the cycle at work.",
            ),
            P::CountRuns => ("runs entrenados", "runs trained"),
            P::CountVersions => ("versiones registradas", "versions registered"),
            P::CountPeriods => ("semanas servidas", "weeks served"),
            P::CountAlerts => ("alertas", "alerts"),
            P::CountPromotions => ("promociones", "promotions"),
            P::CountRejected => ("retadores rechazados", "challengers rejected"),
            P::CountRetrains => ("reentrenamientos", "retrainings"),
            P::ModelForest => (
                "bosque aleatorio (50 árboles, profundidad 10: lo mejor del grid del informe)",
                "random forest (50 trees, depth 10: the report grid's best)",
            ),
            P::ModelLogreg => ("regresión logística (más rápida)", "logistic regression (faster)"),
            P::Thresholds => ("Umbrales de alerta", "Alert thresholds"),
            P::Scenarios => ("Qué cambia en el mundo", "What changes in the world"),
            P::ScenariosHelp => (
                "Los del escenario elegido, para cambiar o sumar: cada uno empieza en una semana con una intensidad (1 es el tamaño descrito; 0, nada; hasta 3).",
                "The chosen scenario's, to change or add to: each starts in a week at an intensity (1 is the size described; 0, nothing; up to 3).",
            ),
            P::ScenarioKind => ("Cambio", "Change"),
            P::ScenarioStart => ("Desde la semana", "From week"),
            P::ScenarioIntensity => ("Intensidad", "Intensity"),
            P::ScenarioRemove => ("Quitar", "Remove"),
            P::ScenarioAdd => ("Añadir un cambio", "Add a change"),
            P::PredictionRow => ("predicción (probabilidades)", "prediction (probabilities)"),
            P::LabeledNow => ("(etiquetas recién llegadas), campeón", "(labels just arrived), champion"),
            P::ThresholdDriftShare => ("Parte de columnas con deriva (0–1)", "Share of columns drifted (0–1)"),
            P::ThresholdF1Drop => ("Caída de F1, real o estimada (0–1)", "F1 drop, realized or estimated (0–1)"),
            P::ThresholdPsi => ("PSI de una columna", "A column's PSI"),
            P::ThresholdsHelp => (
                "Por defecto, los de Evidently (deriva del conjunto con la mitad de las columnas) y las bandas habituales del PSI (0,1 moderado, 0,25 significativo). Umbrales más bajos avisan antes y se equivocan más.",
                "By default Evidently's (the data set drifts with half its columns) and PSI's usual bands (0.1 moderate, 0.25 significant). Lower thresholds warn sooner and are wrong more often.",
            ),
        };
        match lang {
            Lang::Es => es,
            Lang::En => en,
        }
    }
}

/// A preset's name.
pub fn preset(preset: Preset, lang: Lang) -> &'static str {
    match (preset, lang) {
        (Preset::Calm, Lang::Es) => "Calma: nada cambia",
        (Preset::Calm, Lang::En) => "Calm: nothing changes",
        (Preset::PriceRise, Lang::Es) => "Subida de precios en la semana 10 (deriva de datos)",
        (Preset::PriceRise, Lang::En) => "Price rise in week 10 (data drift)",
        (Preset::Competitor, Lang::Es) => {
            "Oferta de la competencia a clientes de fibra, semana 10 (deriva de concepto)"
        }
        (Preset::Competitor, Lang::En) => "A competitor's fiber offer, week 10 (concept drift)",
        (Preset::Marketing, Lang::Es) => "Campaña de marketing (semana 8) y subida de precios (semana 20)",
        (Preset::Marketing, Lang::En) => "Marketing push (week 8) then a price rise (week 20)",
        (Preset::NewSegment, Lang::Es) => "Nuevo segmento de fibra, semana 12 (deriva de predicciones)",
        (Preset::NewSegment, Lang::En) => "New fiber segment, week 12 (prediction drift)",
        (Preset::Incidents, Lang::Es) => "Incidentes de calidad de datos (semanas 6, 14 y 24)",
        (Preset::Incidents, Lang::En) => "Data-quality incidents (weeks 6, 14 and 24)",
    }
}

/// A scenario's name.
pub fn scenario(kind: ScenarioKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (ScenarioKind::PriceRise, Lang::Es) => "subida de precios (MonthlyCharges +25 %)",
        (ScenarioKind::PriceRise, Lang::En) => "price rise (MonthlyCharges +25%)",
        (ScenarioKind::MarketingPush, Lang::Es) => "campaña: más contratos mes a mes",
        (ScenarioKind::MarketingPush, Lang::En) => "marketing push: more month-to-month contracts",
        (ScenarioKind::CompetitorOffer, Lang::Es) => "oferta de la competencia: la fibra abandona más",
        (ScenarioKind::CompetitorOffer, Lang::En) => "competitor's offer: fiber customers churn more",
        (ScenarioKind::NewSegment, Lang::Es) => "nuevo segmento: clientes DSL pasan a fibra",
        (ScenarioKind::NewSegment, Lang::En) => "new segment: DSL customers move to fiber",
        (ScenarioKind::BlankColumn, Lang::Es) => "TotalCharges llega en blanco",
        (ScenarioKind::BlankColumn, Lang::En) => "TotalCharges arrives blank",
        (ScenarioKind::NewCategory, Lang::Es) => "aparece un método de pago nuevo",
        (ScenarioKind::NewCategory, Lang::En) => "a new payment method appears",
        (ScenarioKind::UnitChange, Lang::Es) => "MonthlyCharges llega en céntimos",
        (ScenarioKind::UnitChange, Lang::En) => "MonthlyCharges arrives in cents",
    }
}

/// A policy's name.
pub fn policy(policy: Policy, lang: Lang) -> String {
    match (policy, lang) {
        (Policy::None, Lang::Es) => "nunca (el modelo se queda congelado)".into(),
        (Policy::None, Lang::En) => "never (the model stays frozen)".into(),
        (Policy::Every { periods }, Lang::Es) => format!("cada {periods} semanas"),
        (Policy::Every { periods }, Lang::En) => format!("every {periods} weeks"),
        (Policy::OnDrift, Lang::Es) => "al saltar una alerta de deriva".into(),
        (Policy::OnDrift, Lang::En) => "on a drift alert".into(),
        (Policy::OnPerformanceDrop, Lang::Es) => "al caer el rendimiento (real o estimado)".into(),
        (Policy::OnPerformanceDrop, Lang::En) => "on a performance drop (realized or estimated)".into(),
    }
}

/// A window's name.
pub fn window(window: Window, lang: Lang) -> String {
    match (window, lang) {
        (Window::Last { periods }, Lang::Es) => format!("las últimas {periods} semanas etiquetadas"),
        (Window::Last { periods }, Lang::En) => format!("the last {periods} labeled weeks"),
        (Window::All, Lang::Es) => "todo: datos iniciales y todas las semanas".into(),
        (Window::All, Lang::En) => "everything: initial data and every week".into(),
        (Window::Mixed { periods }, Lang::Es) => format!("datos iniciales y las últimas {periods} semanas"),
        (Window::Mixed { periods }, Lang::En) => format!("initial data and the last {periods} weeks"),
    }
}

/// A speed's name.
pub fn speed(speed: Speed, lang: Lang) -> &'static str {
    match (speed, lang) {
        (Speed::Slow, Lang::Es) => "lenta",
        (Speed::Slow, Lang::En) => "slow",
        (Speed::Normal, Lang::Es) => "normal",
        (Speed::Normal, Lang::En) => "normal",
        (Speed::Fast, Lang::Es) => "rápida",
        (Speed::Fast, Lang::En) => "fast",
    }
}

/// A drift method's name.
pub fn method(method: DriftMethod) -> &'static str {
    match method {
        DriftMethod::KolmogorovSmirnov => "Kolmogorov-Smirnov (p)",
        DriftMethod::ChiSquare => "chi² (p)",
        DriftMethod::ZTest => "Z (p)",
        DriftMethod::Wasserstein => "Wasserstein / σ",
        DriftMethod::JensenShannon => "Jensen-Shannon",
    }
}

/// Why a method was chosen (Evidently's rule that applied).
pub fn reason(reason: Reason, lang: Lang) -> &'static str {
    match (reason, lang) {
        (Reason::SmallNumeric, Lang::Es) => "referencia ≤ 1000 filas, numérica: test KS, deriva si p < 0,05",
        (Reason::SmallNumeric, Lang::En) => "reference ≤ 1,000 rows, numeric: KS test, drift when p < 0.05",
        (Reason::SmallCategorical, Lang::Es) => {
            "referencia ≤ 1000 filas, categórica: chi², deriva si p < 0,05"
        }
        (Reason::SmallCategorical, Lang::En) => {
            "reference ≤ 1,000 rows, categorical: chi-square, drift when p < 0.05"
        }
        (Reason::SmallBinary, Lang::Es) => "referencia ≤ 1000 filas, binaria: test Z, deriva si p < 0,05",
        (Reason::SmallBinary, Lang::En) => "reference ≤ 1,000 rows, binary: Z-test, drift when p < 0.05",
        (Reason::LargeNumeric, Lang::Es) => {
            "referencia > 1000 filas, numérica: Wasserstein / desviación de la referencia, deriva si ≥ 0,1"
        }
        (Reason::LargeNumeric, Lang::En) => {
            "reference > 1,000 rows, numeric: Wasserstein / reference std, drift when ≥ 0.1"
        }
        (Reason::LargeCategorical, Lang::Es) => {
            "referencia > 1000 filas, categórica: Jensen-Shannon, deriva si ≥ 0,1"
        }
        (Reason::LargeCategorical, Lang::En) => {
            "reference > 1,000 rows, categorical: Jensen-Shannon, drift when ≥ 0.1"
        }
    }
}

fn band(band: PsiBand, lang: Lang) -> &'static str {
    match (band, lang) {
        (PsiBand::Stable, Lang::Es) => "estable",
        (PsiBand::Stable, Lang::En) => "stable",
        (PsiBand::Moderate, Lang::Es) => "moderado",
        (PsiBand::Moderate, Lang::En) => "moderate",
        (PsiBand::Significant, Lang::Es) => "significativo",
        (PsiBand::Significant, Lang::En) => "significant",
    }
}

/// An alert in words, with its numbers.
pub fn alert(alert: &Alert, lang: Lang) -> String {
    let n = |x: f64| lang.number(x, 3);
    let pct = |x: f64| format!("{} %", lang.number(100.0 * x, 1));
    let es = lang == Lang::Es;
    match alert {
        Alert::DataDrift { share, columns, .. } if es => {
            format!("deriva de datos en {} de las columnas: {}", pct(*share), columns.join(", "))
        }
        Alert::DataDrift { share, columns, .. } => {
            format!("data drift in {} of the columns: {}", pct(*share), columns.join(", "))
        }
        Alert::PredictionDrift { method: m, score, threshold } if es => {
            format!("deriva de predicciones: {} = {} (umbral {})", method(*m), n(*score), n(*threshold))
        }
        Alert::PredictionDrift { method: m, score, threshold } => {
            format!("prediction drift: {} = {} (threshold {})", method(*m), n(*score), n(*threshold))
        }
        Alert::Psi { column, psi, band: b } if es => {
            format!("PSI de {column} = {} ({})", n(*psi), band(*b, lang))
        }
        Alert::Psi { column, psi, band: b } => format!("PSI of {column} = {} ({})", n(*psi), band(*b, lang)),
        Alert::F1Drop { f1, baseline, .. } if es => {
            format!("el F1 real cayó a {} (al desplegar: {})", n(*f1), n(*baseline))
        }
        Alert::F1Drop { f1, baseline, .. } => {
            format!("realized F1 fell to {} (at deployment: {})", n(*f1), n(*baseline))
        }
        Alert::EstimatedF1Drop { f1, baseline, .. } if es => {
            format!("el F1 estimado cayó a {} (al desplegar: {})", n(*f1), n(*baseline))
        }
        Alert::EstimatedF1Drop { f1, baseline, .. } => {
            format!("estimated F1 fell to {} (at deployment: {})", n(*f1), n(*baseline))
        }
        Alert::ColumnAbsent { column } if es => format!("falta la columna {column}"),
        Alert::ColumnAbsent { column } => format!("column {column} is missing"),
        Alert::WrongType { column, .. } if es => format!("la columna {column} llega con otro tipo"),
        Alert::WrongType { column, .. } => format!("column {column} arrives with another type"),
        Alert::MissingValues { column, share, .. } if es => {
            format!("{column}: {} de valores en blanco", pct(*share))
        }
        Alert::MissingValues { column, share, .. } => format!("{column}: {} blank values", pct(*share)),
        Alert::UnseenCategories { column, share, values, .. } if es => {
            format!("{column}: {} de filas con categorías nuevas ({})", pct(*share), values.join(", "))
        }
        Alert::UnseenCategories { column, share, values, .. } => {
            format!("{column}: {} of rows in unseen categories ({})", pct(*share), values.join(", "))
        }
        Alert::OutOfRange { column, share, .. } if es => {
            format!("{column}: {} de valores fuera del rango de entrenamiento", pct(*share))
        }
        Alert::OutOfRange { column, share, .. } => {
            format!("{column}: {} of values outside the training range", pct(*share))
        }
    }
}

fn trigger(trigger: Trigger, lang: Lang) -> &'static str {
    match (trigger, lang) {
        (Trigger::Schedule, Lang::Es) => "por calendario",
        (Trigger::Schedule, Lang::En) => "on schedule",
        (Trigger::Drift, Lang::Es) => "por una alerta de deriva",
        (Trigger::Drift, Lang::En) => "on a drift alert",
        (Trigger::PerformanceDrop, Lang::Es) => "por una caída de rendimiento",
        (Trigger::PerformanceDrop, Lang::En) => "on a performance drop",
    }
}

/// A timeline event in words.
pub fn event(kind: &EventKind, lang: Lang) -> String {
    let n = |x: f64| lang.number(x, 3);
    let es = lang == Lang::Es;
    match kind {
        EventKind::ScenarioStarted { scenario: s } if es => format!("empieza: {}", scenario(*s, lang)),
        EventKind::ScenarioStarted { scenario: s } => format!("starts: {}", scenario(*s, lang)),
        EventKind::RunLogged { run_id, f1, rows } if es => {
            format!("run {} entrenado con {rows} filas (F1 de test {})", short(run_id), n(*f1))
        }
        EventKind::RunLogged { run_id, f1, rows } => {
            format!("run {} trained on {rows} rows (test F1 {})", short(run_id), n(*f1))
        }
        EventKind::VersionRegistered { version, .. } if es => format!("versión v{version} registrada"),
        EventKind::VersionRegistered { version, .. } => format!("version v{version} registered"),
        EventKind::Alert(a) if es => format!("alerta: {}", alert(a, lang)),
        EventKind::Alert(a) => format!("alert: {}", alert(a, lang)),
        EventKind::RetrainTriggered { trigger: t } if es => format!("reentrenamiento {}", trigger(*t, lang)),
        EventKind::RetrainTriggered { trigger: t } => format!("retraining {}", trigger(*t, lang)),
        EventKind::ChallengerValidated(check) => super::models::gate(check, lang),
        EventKind::Promoted { version, replaced: Some(old) } if es => {
            format!("v{version} es el nuevo campeón (sustituye a v{old}) y pasa a Production")
        }
        EventKind::Promoted { version, replaced: Some(old) } => {
            format!("v{version} is the new champion (replacing v{old}) and goes to Production")
        }
        EventKind::Promoted { version, replaced: None } if es => {
            format!("v{version} desplegado como campeón")
        }
        EventKind::Promoted { version, replaced: None } => format!("v{version} deployed as champion"),
        EventKind::ChallengerRejected { version } if es => {
            format!("retador v{version} rechazado: el campeón sigue")
        }
        EventKind::ChallengerRejected { version } => {
            format!("challenger v{version} rejected: the champion stays")
        }
    }
}

/// A lifecycle stage's name.
pub fn activity(activity: Activity, lang: Lang) -> &'static str {
    match activity {
        Activity::Idle => "—",
        Activity::Experiment => P::LifecycleExperiment.text(lang),
        Activity::Registry => P::LifecycleRegistry.text(lang),
        Activity::Production => P::LifecycleProduction.text(lang),
        Activity::Monitoring => P::LifecycleMonitoring.text(lang),
    }
}

fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    #[test]
    fn events_read_in_both_languages() {
        let promoted = EventKind::Promoted { version: 3, replaced: Some(1) };
        assert_eq!(event(&promoted, Lang::Es), "v3 es el nuevo campeón (sustituye a v1) y pasa a Production");
        assert_eq!(
            event(&promoted, Lang::En),
            "v3 is the new champion (replacing v1) and goes to Production"
        );
        let psi = Alert::Psi { column: "MonthlyCharges".into(), psi: 1.184, band: PsiBand::Significant };
        assert_eq!(alert(&psi, Lang::Es), "PSI de MonthlyCharges = 1,184 (significativo)");
        assert_eq!(alert(&psi, Lang::En), "PSI of MonthlyCharges = 1.184 (significant)");
    }
}
