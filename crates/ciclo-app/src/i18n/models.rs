//! The texts of the model registry and serving pages, and their errors in words. Same shape as
//! [`super::Key`]: both languages side by side, one `match`.

use ciclo_core::registry::{AuditEvent, GateCheck, GateRule, RegistryError, Stage, UriError};
use ciclo_core::serving::RequestError;

use super::Lang;
use crate::models::ModelsError;

/// A fixed text of the registry and serving pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum M {
    StagesVsAliases,
    RegisterTitle,
    RegisterRun,
    RegisterName,
    RegisterReason,
    RegisterButton,
    RegisterNoRuns,
    NoModels,
    Versions,
    Version,
    Stage,
    Aliases,
    Run,
    Created,
    Actions,
    ChangeStage,
    ArchiveExisting,
    Reason,
    ChangeStageButton,
    SetAlias,
    AliasName,
    SetAliasButton,
    PromoteTitle,
    PromoteTarget,
    TargetProduction,
    TargetChampion,
    GateRule,
    GateReport,
    GateChampion,
    GateMargin,
    PromoteButton,
    GateExplain,
    GateHonest,
    Audit,
    AuditTime,
    AuditEvent,
    Lineage,
    LineageExplain,
    LineageData,
    LineagePreprocessing,
    LineageParams,
    LineageSeed,
    LineageBuild,
    ModelCard,
    CardIntendedUse,
    CardIntendedUseText,
    CardLimits,
    CardLimitsText,
    DownloadMlmodel,
    Evaluating,
    ServeUri,
    ServeUriHelp,
    ServeLoad,
    ServeSignature,
    ServeColumn,
    ServeType,
    ServeOneCustomer,
    ServePredict,
    ServeProbability,
    ServePushes,
    ServePushesExplain,
    ServeRequest,
    ServeRequestHelp,
    ServeSend,
    ServeResponse,
    ServeCsv,
    ServeCsvHelp,
    ServeCsvDownload,
    ServeLoaded,
    ServeCsvFile,
    ServeCsvCancel,
    ServeCsvCancelled,
    MetaEdit,
    MetaDescription,
    MetaSaveDescription,
    MetaTags,
    MetaTagKey,
    MetaTagValue,
    MetaAddTag,
    MetaRemoveTag,
    MetaSaved,
    MetaHelp,
}

impl M {
    /// The text in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (es, en) = match self {
            M::StagesVsAliases => (
                "Dos maneras de decir dónde está cada versión: las etapas (None, Staging, Production, Archived) son las del informe, una por versión y fijas; los alias (@champion, @challenger) son las de MLflow desde la 2.9, que retiró las etapas: nombres que se mueven de una versión a otra y que el código de servicio sigue sin cambiar.",
                "Two ways to say where each version is: stages (None, Staging, Production, Archived) are the report's, one per version and fixed; aliases (@champion, @challenger) are MLflow's since 2.9, which deprecated stages: names that move from one version to another and that serving code follows unchanged.",
            ),
            M::RegisterTitle => ("Registrar un modelo", "Register a model"),
            M::RegisterRun => ("Run con modelo", "Run with a model"),
            M::RegisterName => ("Nombre del modelo registrado", "Registered model name"),
            M::RegisterReason => ("Motivo (queda en la auditoría)", "Reason (kept in the audit log)"),
            M::RegisterButton => ("Registrar la versión", "Register the version"),
            M::RegisterNoRuns => (
                "Aún no hay runs terminados con modelo: entrena uno en Experimentos.",
                "No finished run with a model yet: train one in Experiments.",
            ),
            M::NoModels => ("Aún no hay modelos registrados.", "No registered model yet."),
            M::Versions => ("Versiones", "Versions"),
            M::Version => ("Versión", "Version"),
            M::Stage => ("Etapa", "Stage"),
            M::Aliases => ("Alias", "Aliases"),
            M::Run => ("Run", "Run"),
            M::Created => ("Registrada", "Registered"),
            M::Actions => ("Acciones", "Actions"),
            M::ChangeStage => ("Nueva etapa", "New stage"),
            M::ArchiveExisting => (
                "Archivar las versiones que ya estén en esa etapa",
                "Archive the versions already in that stage",
            ),
            M::Reason => ("Motivo", "Reason"),
            M::ChangeStageButton => ("Cambiar de etapa", "Change stage"),
            M::SetAlias => ("Alias", "Alias"),
            M::AliasName => ("Nombre del alias", "Alias name"),
            M::SetAliasButton => ("Poner el alias", "Set the alias"),
            M::PromoteTitle => ("Promover pasando una puerta", "Promote past a gate"),
            M::PromoteTarget => ("Destino", "Target"),
            M::TargetProduction => ("etapa Production (archiva la anterior)", "stage Production (archives the previous one)"),
            M::TargetChampion => ("alias @champion", "alias @champion"),
            M::GateRule => ("Puerta", "Gate"),
            M::GateReport => ("la del informe: F1 > 0,85", "the report's: F1 > 0.85"),
            M::GateChampion => (
                "supera al campeón actual en F1 sobre datos reservados",
                "beats the current champion on F1 over held-out data",
            ),
            M::GateMargin => ("Margen de F1", "F1 margin"),
            M::PromoteButton => ("Comprobar la puerta y promover", "Check the gate and promote"),
            M::GateExplain => (
                "Una puerta de promoción es una regla que se comprueba antes de promover; su resultado y sus números quedan en la auditoría, pase o no. «Supera al campeón» puntúa candidato y campeón sobre las mismas 2.000 filas reservadas (datos sintéticos con otra semilla), que ninguno vio al entrenar.",
                "A promotion gate is a rule checked before promoting; its result and its numbers stay in the audit log, pass or fail. “Beats the champion” scores candidate and champion on the same 2,000 held-out rows (synthetic data with another seed) that neither saw in training.",
            ),
            M::GateHonest => (
                "Con datos de Telco honestos el F1 ronda 0,6: la puerta del informe (F1 > 0,85) no la pasa ningún modelo. El informe muestra 0,78 con una tabla que no se puede reproducir; una puerta así bloquearía todo despliegue, y por eso las puertas útiles comparan con el modelo en producción.",
                "On honest Telco data F1 is about 0.6: no model passes the report's gate (F1 > 0.85). The report shows 0.78 in a table that cannot be reproduced; such a gate would block every deployment, which is why useful gates compare with the model in production.",
            ),
            M::Audit => ("Auditoría", "Audit log"),
            M::AuditTime => ("Cuándo", "When"),
            M::AuditEvent => ("Qué", "What"),
            M::Lineage => ("Linaje", "Lineage"),
            M::LineageExplain => (
                "De dónde sale esta versión: el run que la entrenó, los datos (con su huella), el preprocesado, los parámetros, la semilla y la versión de la app. Con esto se puede volver a entrenar igual.",
                "Where this version comes from: the run that trained it, the data (with its digest), the preprocessing, the parameters, the seed and the app's build. With these it can be trained again the same.",
            ),
            M::LineageData => ("Datos", "Data"),
            M::LineagePreprocessing => ("Preprocesado", "Preprocessing"),
            M::LineageParams => ("Parámetros", "Parameters"),
            M::LineageSeed => ("Semilla", "Seed"),
            M::LineageBuild => ("Versión de la app", "App build"),
            M::ModelCard => ("Ficha del modelo", "Model card"),
            M::CardIntendedUse => ("Uso previsto", "Intended use"),
            M::CardIntendedUseText => (
                "Enseñar el ciclo de vida de MLOps: estimar la probabilidad de baja de un cliente de telecomunicaciones en una demo. No para decisiones sobre personas reales.",
                "Teaching the MLOps lifecycle: estimating a telecom customer's churn probability in a demo. Not for decisions about real people.",
            ),
            M::CardLimits => ("Límites", "Limits"),
            M::CardLimitsText => (
                "Entrenado con datos sintéticos con el esquema de Telco; sus métricas valen para esos datos. Con un umbral de 0,5 el recall de las bajas es bajo; el F1 honesto ronda 0,6.",
                "Trained on synthetic data with the Telco schema; its metrics hold for that data. At a 0.5 threshold recall of churners is low; honest F1 is about 0.6.",
            ),
            M::DownloadMlmodel => ("Descargar el descriptor MLmodel", "Download the MLmodel descriptor"),
            M::Evaluating => ("Puntuando las filas reservadas…", "Scoring the held-out rows…"),
            M::ServeUri => ("URI del modelo", "Model URI"),
            M::ServeUriHelp => (
                "models:/churn/3, models:/churn/Production, models:/churn@champion o runs:/<id del run>/model",
                "models:/churn/3, models:/churn/Production, models:/churn@champion or runs:/<run id>/model",
            ),
            M::ServeLoad => ("Cargar", "Load"),
            M::ServeSignature => ("Firma del modelo", "Model signature"),
            M::ServeColumn => ("Columna", "Column"),
            M::ServeType => ("Tipo", "Type"),
            M::ServeOneCustomer => ("Un cliente", "One customer"),
            M::ServePredict => ("Predecir", "Predict"),
            M::ServeProbability => ("Probabilidad de baja", "Churn probability"),
            M::ServePushes => ("Qué la sube y qué la baja", "What pushes it up or down"),
            M::ServePushesExplain => (
                "Cada barra es cuánto cambia la probabilidad si esa columna tuviera su valor típico (la media o la categoría más frecuente del entrenamiento). No es un valor de Shapley: mueve las columnas de una en una.",
                "Each bar is how much the probability changes if that column had its typical value (the training mean or most frequent category). It is not a Shapley value: columns move one at a time.",
            ),
            M::ServeRequest => ("Petición /invocations", "/invocations request"),
            M::ServeRequestHelp => (
                "JSON como el que acepta `mlflow models serve`: dataframe_split, dataframe_records, instances o inputs.",
                "JSON as `mlflow models serve` accepts it: dataframe_split, dataframe_records, instances or inputs.",
            ),
            M::ServeSend => ("Enviar", "Send"),
            M::ServeResponse => ("Respuesta", "Response"),
            M::ServeCsv => ("Puntuar un CSV", "Score a CSV"),
            M::ServeCsvHelp => (
                "Un CSV con las columnas de la firma; se puntúa en un worker y se descarga con dos columnas más: probability y prediction.",
                "A CSV with the signature's columns; it is scored in a worker and downloaded with two more columns: probability and prediction.",
            ),
            M::ServeCsvDownload => ("Descargar el CSV puntuado", "Download the scored CSV"),
            M::ServeLoaded => ("Cargado:", "Loaded:"),
            M::ServeCsvFile => ("Archivo CSV", "CSV file"),
            M::ServeCsvCancel => ("Cancelar", "Cancel"),
            M::ServeCsvCancelled => ("Puntuación cancelada.", "Scoring cancelled."),
            M::MetaEdit => ("Descripción y etiquetas", "Description and tags"),
            M::MetaDescription => ("Descripción", "Description"),
            M::MetaSaveDescription => ("Guardar la descripción", "Save the description"),
            M::MetaTags => ("Etiquetas", "Tags"),
            M::MetaTagKey => ("Clave de la etiqueta", "Tag key"),
            M::MetaTagValue => ("Valor de la etiqueta", "Tag value"),
            M::MetaAddTag => ("Poner la etiqueta", "Set the tag"),
            M::MetaRemoveTag => ("Quitar la etiqueta", "Remove the tag"),
            M::MetaSaved => ("Guardado; queda en la auditoría.", "Saved; it is in the audit log."),
            M::MetaHelp => (
                "Lo que el equipo necesita saber del modelo: para qué sirve, quién lo cuida, qué ticket aprobó una versión. Siguen los límites de MLflow (claves de hasta 250 caracteres, valores de hasta 5000) para que un push al servidor las acepte.",
                "What the team needs to know about the model: what it is for, who looks after it, which ticket approved a version. They follow MLflow's limits (keys up to 250 characters, values up to 5000) so that a push to the server accepts them.",
            ),
        };
        match lang {
            Lang::Es => es,
            Lang::En => en,
        }
    }
}

/// A stage's name: MLflow's words in both languages (they are what the API and the report use).
pub fn stage(stage: Stage) -> &'static str {
    stage.as_str()
}

/// An audit event in words.
pub fn event(event: &AuditEvent, lang: Lang) -> String {
    match (event, lang) {
        (AuditEvent::ModelCreated, Lang::Es) => "modelo creado".into(),
        (AuditEvent::ModelCreated, Lang::En) => "model created".into(),
        (AuditEvent::VersionRegistered { run_id }, Lang::Es) => {
            format!("versión registrada desde el run {}", short(run_id))
        }
        (AuditEvent::VersionRegistered { run_id }, Lang::En) => {
            format!("version registered from run {}", short(run_id))
        }
        (AuditEvent::StageChanged { from, to }, Lang::Es) => {
            format!("etapa {} → {}", from.as_str(), to.as_str())
        }
        (AuditEvent::StageChanged { from, to }, Lang::En) => {
            format!("stage {} → {}", from.as_str(), to.as_str())
        }
        (AuditEvent::AliasMoved { alias, from, to }, _) => {
            let v = |x: &Option<u32>| x.map_or_else(|| "—".to_string(), |v| format!("v{v}"));
            format!("@{alias}: {} → {}", v(from), v(to))
        }
        (AuditEvent::GateChecked(check), lang) => gate(check, lang),
        (AuditEvent::DescriptionChanged, Lang::Es) => "descripción cambiada".into(),
        (AuditEvent::DescriptionChanged, Lang::En) => "description changed".into(),
        (AuditEvent::TagSet { key, from, to }, lang) => {
            let v = |x: &Option<String>| x.as_ref().map_or_else(|| "—".to_string(), |v| format!("«{v}»"));
            let word = if lang == Lang::Es { "etiqueta" } else { "tag" };
            format!("{word} {key}: {} → {}", v(from), v(to))
        }
    }
}

/// A gate's result with its numbers.
pub fn gate(check: &GateCheck, lang: Lang) -> String {
    let n = |x: f64| lang.number(x, 3);
    let verdict = match (check.passed, lang) {
        (true, Lang::Es) => "PASA",
        (true, Lang::En) => "PASSED",
        (false, Lang::Es) => "NO PASA",
        (false, Lang::En) => "FAILED",
    };
    match (&check.rule, check.champion, lang) {
        (GateRule::Threshold { metric, min }, _, Lang::Es) => {
            format!("puerta {metric} > {}: {} tiene {} → {verdict}", n(*min), version(check), n(check.candidate))
        }
        (GateRule::Threshold { metric, min }, _, Lang::En) => {
            format!("gate {metric} > {}: {} has {} → {verdict}", n(*min), version(check), n(check.candidate))
        }
        (GateRule::BeatsChampion { metric, margin }, Some((champion, value)), Lang::Es) => format!(
            "puerta «supera al campeón»: {} tiene {metric} {} y el campeón v{champion} {} (+{} exigido){} → {verdict}",
            version(check),
            n(check.candidate),
            n(value),
            n(*margin),
            rows(check, lang)
        ),
        (GateRule::BeatsChampion { metric, margin }, Some((champion, value)), Lang::En) => format!(
            "gate “beats the champion”: {} has {metric} {} and champion v{champion} {} (+{} required){} → {verdict}",
            version(check),
            n(check.candidate),
            n(value),
            n(*margin),
            rows(check, lang)
        ),
        (GateRule::BeatsChampion { metric, .. }, None, Lang::Es) => format!(
            "puerta «supera al campeón»: no hay campeón aún; {} tiene {metric} {}{} → {verdict}",
            version(check),
            n(check.candidate),
            rows(check, lang)
        ),
        (GateRule::BeatsChampion { metric, .. }, None, Lang::En) => format!(
            "gate “beats the champion”: no champion yet; {} has {metric} {}{} → {verdict}",
            version(check),
            n(check.candidate),
            rows(check, lang)
        ),
    }
}

fn version(check: &GateCheck) -> String {
    format!("v{}", check.candidate_version)
}

fn rows(check: &GateCheck, lang: Lang) -> String {
    match (check.rows, lang) {
        (Some(r), Lang::Es) => format!(", sobre {r} filas reservadas"),
        (Some(r), Lang::En) => format!(", on {r} held-out rows"),
        (None, _) => String::new(),
    }
}

fn short(run_id: &str) -> String {
    run_id.chars().take(8).collect()
}

/// A registry refusal in words.
pub fn registry_error(error: &RegistryError, lang: Lang) -> String {
    match (error, lang) {
        (RegistryError::BadModelName(name), Lang::Es) => {
            format!("«{name}» no sirve como nombre: de 1 a 256 caracteres, sin «/», «@» ni «:», sin espacios al principio o al final")
        }
        (RegistryError::BadAlias { alias, why }, Lang::Es) => {
            format!("«{alias}» no puede ser un alias ({why})")
        }
        (RegistryError::AlreadyThere { version, target, .. }, Lang::Es) => {
            format!("la versión {version} ya está en {target}")
        }
        (RegistryError::UnknownVersion { name, version }, Lang::Es) => {
            format!("«{name}» no tiene versión {version}")
        }
        (RegistryError::UnknownModel(name), Lang::Es) => {
            format!("no hay ningún modelo registrado llamado «{name}»")
        }
        (RegistryError::BadTag(error), lang) => super::experiments::limit_error(error, lang),
        (RegistryError::UnknownTag(key), Lang::Es) => format!("no hay ninguna etiqueta «{key}»"),
        (RegistryError::DescriptionTooLong(n), Lang::Es) => {
            format!("la descripción tiene {n} caracteres; caben 5000 como mucho")
        }
        (other, _) => other.to_string(),
    }
}

/// A URI that does not resolve, in words.
pub fn uri_error(error: &UriError, lang: Lang) -> String {
    match (error, lang) {
        (UriError::Scheme(uri), Lang::Es) => format!(
            "«{uri}» no es una URI de modelo: escribe models:/<nombre>/<versión o etapa>, models:/<nombre>@<alias> o runs:/<id>/model"
        ),
        (UriError::UnknownModel(name), Lang::Es) => format!("no hay ningún modelo registrado llamado «{name}»"),
        (UriError::UnknownVersion { name, version }, Lang::Es) => format!("«{name}» no tiene versión {version}"),
        (UriError::EmptyStage { name, stage }, Lang::Es) => format!("«{name}» no tiene ninguna versión en {stage}"),
        (UriError::UnknownAlias { name, alias }, Lang::Es) => format!("«{name}» no tiene el alias @{alias}"),
        (UriError::NoVersion(name), Lang::Es) => format!("«{name}» no tiene versiones aún"),
        (UriError::Malformed { uri, detail }, Lang::Es) => format!("«{uri}» está mal formada ({detail})"),
        (other, Lang::En) => other.to_string(),
    }
}

/// A request that does not match the signature, in words (MLflow's own messages are English; the page
/// says them in the chosen language).
pub fn request_error(error: &RequestError, lang: Lang) -> String {
    match (error, lang) {
        (RequestError::MissingColumns { missing, .. }, Lang::Es) => {
            format!("al modelo le faltan columnas: {}", missing.join(", "))
        }
        (RequestError::BadValue { column, row, found, expected }, Lang::Es) => {
            let expected = if *expected == "number" { "un número" } else { "un texto" };
            format!("tipo incompatible en la columna «{column}» (fila {row}): {found} donde se espera {expected}")
        }
        (RequestError::Format { .. }, Lang::Es) => {
            "la petición debe ser un objeto JSON con exactamente una de dataframe_split, dataframe_records, instances o inputs".into()
        }
        (RequestError::Empty, Lang::Es) => "la petición no tiene filas".into(),
        (RequestError::RowLength { row, expected, found }, Lang::Es) => {
            format!("la fila {row} tiene {found} valores; el modelo recibe {expected} columnas")
        }
        (other, _) => other.to_string(),
    }
}

/// A load or write failure in words.
pub fn models_error(error: &ModelsError, lang: Lang) -> String {
    match (error, lang) {
        (ModelsError::Opening, Lang::Es) => {
            "el registro aún se está abriendo: prueba de nuevo en un momento".into()
        }
        (ModelsError::Opening, Lang::En) => "the registry is still opening: try again in a moment".into(),
        (ModelsError::Store(why), Lang::Es) => format!("no se pudo guardar: {why}"),
        (ModelsError::Store(why), Lang::En) => format!("could not save: {why}"),
        (ModelsError::NoModel(run), Lang::Es) => {
            format!("el run {} no tiene modelo guardado (model/model.json)", short(run))
        }
        (ModelsError::NoModel(run), Lang::En) => {
            format!("run {} has no logged model (model/model.json)", short(run))
        }
        (ModelsError::Load(why), Lang::Es) => format!("el modelo no se puede leer: {why}"),
        (ModelsError::Load(why), Lang::En) => format!("the model cannot be read: {why}"),
    }
}

/// "1.200 de 5.000 filas puntuadas" / "1,200 of 5,000 rows scored".
pub fn scored_rows(lang: Lang, done: usize, total: usize) -> String {
    match lang {
        Lang::Es => format!("{done} de {total} filas puntuadas"),
        Lang::En => format!("{done} of {total} rows scored"),
    }
}

/// Why a CSV could not be scored (the worker's sentence names the column or line).
pub fn score_failed(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Es => format!("No se pudo puntuar el CSV: {why}"),
        Lang::En => format!("The CSV could not be scored: {why}"),
    }
}
