//! The texts of the Export section: scope, export, import and push, and their errors in words. Same shape
//! as [`super::Key`]: both languages side by side, one `match`.

use ciclo_core::exchange::push::{PushError, PushReport, Record, Step, Warning};
use ciclo_core::exchange::{Document, Export, ExportError, ImportError, ImportSummary};

use super::Lang;
use crate::exchange::{BuildError, ImportFailure, PushFailure, PushState};
use crate::http::HttpError;

/// A fixed text of the Export section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum X {
    ScopeTitle,
    ScopeLegend,
    ScopeAll,
    ScopeExperiment,
    ChooseRuns,
    ExportTitle,
    ExportHelp,
    ExportButton,
    Reading,
    ImportTitle,
    ImportFile,
    ImportMode,
    Merge,
    Replace,
    ModeHelp,
    ImportButton,
    PushTitle,
    PushHelp,
    ServerUrl,
    PushButton,
    Cancel,
    OnServer,
}

impl X {
    /// The text in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (es, en) = match self {
            X::ScopeTitle => ("Qué llevarse", "What to take"),
            X::ScopeLegend => ("Alcance", "Scope"),
            X::ScopeAll => ("Todo: experimentos, ejecuciones y registro", "Everything: experiments, runs and registry"),
            X::ScopeExperiment => ("Un experimento", "One experiment"),
            X::ChooseRuns => (
                "Elegir ejecuciones en la tabla de ejecuciones (casillas y «Exportar o enviar a MLflow»)",
                "Choose runs in the runs table (tick them, then “Export or push to MLflow”)",
            ),
            X::ExportTitle => ("Exportar como JSON", "Export as JSON"),
            X::ExportHelp => (
                "Un único documento con versión y esquema documentado (docs/export-format.md): experimentos, ejecuciones con sus historiales de métricas, artefactos y datos de entrada, modelos registrados, versiones, etapas, alias y el registro de auditoría. Importarlo aquí devuelve exactamente lo mismo.",
                "One document with a version and a documented schema (docs/export-format.md): experiments, runs with their metric histories, artifacts and dataset inputs, registered models, versions, stages, aliases and the audit log. Importing it here gives back exactly the same.",
            ),
            X::ExportButton => ("Descargar el JSON", "Download the JSON"),
            X::Reading => ("Leyendo historiales y artefactos", "Reading histories and artifacts"),
            X::ImportTitle => ("Importar un documento", "Import a document"),
            X::ImportFile => ("Documento exportado (.json)", "Exported document (.json)"),
            X::ImportMode => ("Si algo ya existe", "When something already exists"),
            X::Merge => ("Combinar: conservar lo que hay", "Merge: keep what is here"),
            X::Replace => ("Reemplazar: gana el documento", "Replace: the document wins"),
            X::ModeHelp => (
                "Las ejecuciones se reconocen por su id, los experimentos y modelos por su nombre: importar dos veces el mismo documento no duplica nada. Antes de escribir se muestra qué se añadirá.",
                "Runs are recognized by their id, experiments and models by their name: importing the same document twice duplicates nothing. What will be added is shown before anything is written.",
            ),
            X::ImportButton => ("Importar", "Import"),
            X::PushTitle => ("Enviar a un servidor MLflow", "Push to an MLflow server"),
            X::PushHelp => (
                "El servidor debe aceptar peticiones de esta página (CORS, MLflow 3.5 o posterior). Arráncalo así:",
                "The server must accept requests from this page (CORS, MLflow 3.5 or later). Start it like this:",
            ),
            X::ServerUrl => ("Dirección del servidor de seguimiento", "Tracking server address"),
            X::PushButton => ("Enviar", "Push"),
            X::Cancel => ("Cancelar", "Cancel"),
            X::OnServer => ("Verlo en MLflow:", "See it in MLflow:"),
        };
        match lang {
            Lang::Es => es,
            Lang::En => en,
        }
    }
}

/// At most 80 characters of a name from a document, with `…` when cut: names are shown as text, and a
/// huge one must not flood the page.
pub fn bounded(text: &str) -> String {
    const SHOWN: usize = 80;
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(SHOWN).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// The scope option of the runs chosen in the table.
pub fn chosen_runs(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Es, 0) => "Ejecuciones elegidas (ninguna)".to_string(),
        (Lang::Es, 1) => "La ejecución elegida".to_string(),
        (Lang::Es, n) => format!("Las {n} ejecuciones elegidas"),
        (Lang::En, 0) => "Chosen runs (none)".to_string(),
        (Lang::En, 1) => "The chosen run".to_string(),
        (Lang::En, n) => format!("The {n} chosen runs"),
    }
}

/// `20261126-1805` for a file name, from milliseconds since the epoch (UTC).
pub fn file_stamp(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let minute_of_day = seconds.rem_euclid(86_400) / 60;
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}-{:02}{:02}", minute_of_day / 60, minute_of_day % 60)
}

// ---- values from the core, in words ------------------------------------------------------------------

/// What a scope holds, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeCounts {
    /// Experiments.
    pub experiments: usize,
    /// Runs.
    pub runs: usize,
    /// Registered models.
    pub models: usize,
    /// Model versions.
    pub versions: usize,
}

impl ScopeCounts {
    /// The counts of `export`.
    pub fn of(export: &Export) -> ScopeCounts {
        ScopeCounts {
            experiments: export.experiments.len(),
            runs: export.runs.len(),
            models: export.registry.models.len(),
            versions: export.registry.versions.len(),
        }
    }

    /// `2 experimentos, 14 ejecuciones, 1 modelo registrado con 3 versiones`.
    pub fn text(self, lang: Lang) -> String {
        let n =
            |count: usize, one: &str, many: &str| format!("{count} {}", if count == 1 { one } else { many });
        match lang {
            Lang::Es => format!(
                "{}, {}, {} con {}",
                n(self.experiments, "experimento", "experimentos"),
                n(self.runs, "ejecución", "ejecuciones"),
                n(self.models, "modelo registrado", "modelos registrados"),
                n(self.versions, "versión", "versiones"),
            ),
            Lang::En => format!(
                "{}, {}, {} with {}",
                n(self.experiments, "experiment", "experiments"),
                n(self.runs, "run", "runs"),
                n(self.models, "registered model", "registered models"),
                n(self.versions, "version", "versions"),
            ),
        }
    }
}

/// Why an export cannot be made, in words.
pub fn export_error(error: &ExportError, lang: Lang) -> String {
    match (error, lang) {
        (ExportError::UnknownExperiment { experiment_id }, Lang::Es) => {
            format!("no hay ningún experimento con id «{}»", bounded(experiment_id))
        }
        (ExportError::UnknownRun { run_id }, Lang::Es) => {
            format!("no hay ninguna ejecución con id «{}» (¿se purgó?)", bounded(run_id))
        }
        (ExportError::RunWithoutExperiment { run_id, experiment_id }, Lang::Es) => format!(
            "la ejecución «{}» es del experimento «{}», que no existe",
            bounded(run_id),
            bounded(experiment_id)
        ),
        (ExportError::MissingHistory { run_id, key }, Lang::Es) => format!(
            "no se pudo leer el historial de «{}» de la ejecución «{}»: vuelve a exportar",
            bounded(key),
            bounded(run_id)
        ),
        (ExportError::MissingArtifact { run_id, path }, Lang::Es) => format!(
            "no se pudo leer el artefacto «{}» de la ejecución «{}»: vuelve a exportar",
            bounded(path),
            bounded(run_id)
        ),
        (other, Lang::En) => other.to_string(),
    }
}

/// Why building a document failed, in words.
pub fn build_error(error: &BuildError, lang: Lang) -> String {
    match (error, lang) {
        (BuildError::Export(error), lang) => export_error(error, lang),
        (BuildError::Read(why), Lang::Es) => format!("IndexedDB no dejó leer lo guardado: {why}"),
        (BuildError::Read(why), Lang::En) => format!("IndexedDB would not read what is stored: {why}"),
    }
}

/// What the download held.
pub fn exported(document: &Document, lang: Lang) -> String {
    let versions = document.registry.versions.len();
    match lang {
        Lang::Es => format!(
            "Descargado: {} experimentos, {} ejecuciones, {versions} versiones de modelos.",
            document.experiments.len(),
            document.runs.len()
        ),
        Lang::En => format!(
            "Downloaded: {} experiments, {} runs, {versions} model versions.",
            document.experiments.len(),
            document.runs.len()
        ),
    }
}

/// Why a document was refused, in words. Every name it repeats is already cut by the core.
pub fn import_error(error: &ImportError, lang: Lang) -> String {
    if lang == Lang::En {
        return format!("This file cannot be imported: {error}.");
    }
    let why = match error {
        ImportError::TooLarge { bytes, limit } => {
            format!("el archivo tiene {bytes} bytes, más de los {limit} que lee una importación: exporta menos ejecuciones cada vez")
        }
        ImportError::NotJson { message, line, column } => {
            format!("no es JSON ({message}) en la línea {line}, columna {column}")
        }
        ImportError::NotAnObject => "es JSON pero no un objeto: una exportación de Ciclo es un objeto con «format», «runs»…".to_string(),
        ImportError::WrongFormat { found } => format!("no es una exportación de Ciclo: su «format» es {found}, no \"ciclo-export\""),
        ImportError::NewerVersion { found, supported } => format!(
            "lo escribió un Ciclo más nuevo (versión {found} del formato; esta página lee la {supported}): actualiza Ciclo para importarlo"
        ),
        ImportError::BadVersion { found, supported } => {
            format!("su «format_version» es {found}, que no es una versión del formato (esta página lee la {supported})")
        }
        ImportError::BadField { path, message, line, column } => {
            format!("«{path}»: {message} (línea {line}, columna {column})")
        }
        ImportError::DuplicateExperimentId { experiment_id } => format!("dos experimentos tienen el id «{experiment_id}»"),
        ImportError::DuplicateExperimentName { name } => format!("dos experimentos se llaman «{name}»"),
        ImportError::InvalidExperiment { experiment, error } => {
            format!("experimento «{experiment}»: {}", super::experiments::limit_error(error, lang))
        }
        ImportError::DuplicateRun { run_id } => format!("dos ejecuciones tienen el id «{run_id}»"),
        ImportError::InvalidRun { run_id, error } => {
            format!("ejecución «{run_id}»: {}", super::experiments::limit_error(error, lang))
        }
        ImportError::RunNameTooLong { run_id, length, limit } => {
            format!("ejecución «{run_id}»: el nombre tiene {length} caracteres, más de los {limit} que admite MLflow")
        }
        ImportError::UnknownExperiment { run_id, experiment_id } => {
            format!("la ejecución «{run_id}» es del experimento «{experiment_id}», que no está en el archivo")
        }
        ImportError::ParentAfterChild { run_id, parent_run_id } => format!(
            "la ejecución «{run_id}» va antes que su padre «{parent_run_id}»: el archivo debe listar primero los padres"
        ),
        ImportError::HistoryMismatch { run_id, key } => format!(
            "ejecución «{run_id}»: el último punto de la métrica «{key}» no es el último de su historial"
        ),
        ImportError::InvalidArtifact { run_id, error } => {
            format!("ejecución «{run_id}»: {}", super::experiments::limit_error(error, lang))
        }
        ImportError::DuplicateArtifact { run_id, path } => {
            format!("la ejecución «{run_id}» tiene dos artefactos en «{path}»")
        }
        ImportError::DuplicateModel { model } => format!("dos modelos registrados se llaman «{model}»"),
        ImportError::InvalidModel { model, error } => {
            format!("modelo registrado «{model}»: {}", super::models::registry_error(error, lang))
        }
        ImportError::UnknownAliasVersion { model, alias, version } => {
            format!("el alias @{alias} de «{model}» apunta a la versión {version}, que no está en el archivo")
        }
        ImportError::DuplicateVersion { model, version } => format!("«{model}» tiene dos versiones {version}"),
        ImportError::UnknownVersionModel { model, version } => {
            format!("versión {version} de «{model}»: el modelo no está en el archivo")
        }
        ImportError::UnknownVersionRun { model, version, run_id } => format!(
            "la versión {version} de «{model}» viene de la ejecución «{run_id}», que no está en el archivo"
        ),
        ImportError::InvalidVersion { model, version, error } => {
            format!("versión {version} de «{model}»: {}", super::models::registry_error(error, lang))
        }
        ImportError::DuplicateAuditSeq { seq } => format!("dos entradas de auditoría tienen el número {seq}"),
        ImportError::UnknownAuditModel { seq, model } => {
            format!("la entrada de auditoría {seq} es de «{model}», que no está en el archivo")
        }
        ImportError::AuditReasonTooLong { seq, length, limit } => {
            format!("entrada de auditoría {seq}: el motivo tiene {length} caracteres, más de {limit}")
        }
        ImportError::InvalidAudit { seq, error } => {
            format!("entrada de auditoría {seq}: {}", super::models::registry_error(error, lang))
        }
        ImportError::Refused { message } => format!("el almacén rechazó la importación: {message}"),
    };
    format!("Este archivo no se puede importar: {why}.")
}

/// Why an import did not happen, in words.
pub fn import_failure(failure: &ImportFailure, lang: Lang) -> String {
    match (failure, lang) {
        (ImportFailure::Refused(error), lang) => import_error(error, lang),
        (ImportFailure::Tracking(why), Lang::Es) => format!("No se importó nada: el almacén lo rechazó ({why})."),
        (ImportFailure::Tracking(why), Lang::En) => format!("Nothing was imported: the store refused it ({why})."),
        (ImportFailure::Registry(error), Lang::Es) => format!(
            "Las ejecuciones se importaron, pero el registro rechazó su parte ({}): importa el archivo otra vez para completarlo.",
            super::models::models_error(error, lang)
        ),
        (ImportFailure::Registry(error), Lang::En) => format!(
            "The runs were imported, but the registry refused its part ({}): import the file again to complete it.",
            super::models::models_error(error, lang)
        ),
        (ImportFailure::NotReady, Lang::Es) => "El almacén aún se está abriendo: espera un momento.".to_string(),
        (ImportFailure::NotReady, Lang::En) => "The store is still opening: wait a moment.".to_string(),
    }
}

/// `Ejecuciones: 3 nuevas, 2 ya estaban`: one kind's counts (`feminine` picks the Spanish adjective's form).
fn counts_line(
    (what_es, feminine): (&str, bool),
    what_en: &str,
    c: &ciclo_core::exchange::Counts,
    lang: Lang,
) -> Option<String> {
    if c.created + c.kept + c.replaced == 0 {
        return None;
    }
    let mut parts = Vec::new();
    match lang {
        Lang::Es => {
            let new = match (feminine, c.created == 1) {
                (true, true) => "nueva",
                (true, false) => "nuevas",
                (false, true) => "nuevo",
                (false, false) => "nuevos",
            };
            parts.push(format!("{} {new}", c.created));
            if c.kept > 0 {
                parts.push(format!("{} ya estaban", c.kept));
            }
            if c.differing > 0 {
                parts.push(format!("{} de ellos distintos, se conservan", c.differing));
            }
            if c.replaced > 0 {
                parts.push(format!(
                    "{} {}",
                    c.replaced,
                    if feminine { "reemplazadas" } else { "reemplazados" }
                ));
            }
            if c.renumbered > 0 {
                parts.push(format!("{} con otro número", c.renumbered));
            }
            Some(format!("{what_es}: {}", parts.join(", ")))
        }
        Lang::En => {
            parts.push(format!("{} new", c.created));
            if c.kept > 0 {
                parts.push(format!("{} already here", c.kept));
            }
            if c.differing > 0 {
                parts.push(format!("{} of them different, kept", c.differing));
            }
            if c.replaced > 0 {
                parts.push(format!("{} replaced", c.replaced));
            }
            if c.renumbered > 0 {
                parts.push(format!("{} renumbered", c.renumbered));
            }
            Some(format!("{what_en}: {}", parts.join(", ")))
        }
    }
}

/// What an import will do (before) in words: `Nada nuevo` when importing it changes nothing.
pub fn summary(summary: &ImportSummary, lang: Lang) -> String {
    let nothing_new = [summary.experiments, summary.runs, summary.models, summary.versions, summary.audit]
        .iter()
        .all(|c| c.created == 0 && c.replaced == 0);
    let mut lines: Vec<String> = [
        counts_line(("Experimentos", false), "Experiments", &summary.experiments, lang),
        counts_line(("Ejecuciones", true), "Runs", &summary.runs, lang),
        counts_line(("Modelos registrados", false), "Registered models", &summary.models, lang),
        counts_line(("Versiones", true), "Versions", &summary.versions, lang),
        counts_line(("Entradas de auditoría", true), "Audit entries", &summary.audit, lang),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !summary.detached.is_empty() {
        lines.push(match lang {
            Lang::Es => format!(
                "{} ejecuciones llegan sin su padre, que no está en el archivo ni aquí",
                summary.detached.len()
            ),
            Lang::En => format!(
                "{} runs come without their parent, which is neither in the file nor here",
                summary.detached.len()
            ),
        });
    }
    if !summary.not_replaced.is_empty() {
        lines.push(match lang {
            Lang::Es => format!(
                "{} ejecuciones no se reemplazan: aquí tienen hijas que el archivo no trae",
                summary.not_replaced.len()
            ),
            Lang::En => format!(
                "{} runs are not replaced: here they have children the file does not hold",
                summary.not_replaced.len()
            ),
        });
    }
    let head = match (nothing_new, lang) {
        (true, Lang::Es) => "Nada nuevo: todo lo del archivo ya está aquí.",
        (true, Lang::En) => "Nothing new: everything in the file is here already.",
        (false, Lang::Es) => "Al importar:",
        (false, Lang::En) => "Importing will add:",
    };
    format!("{head} {}", lines.join("; "))
}

/// What an import did.
pub fn imported(summary: &ImportSummary, lang: Lang) -> String {
    match lang {
        Lang::Es => format!(
            "Importado: {} ejecuciones nuevas, {} versiones nuevas.",
            summary.runs.created, summary.versions.created
        ),
        Lang::En => {
            format!("Imported: {} new runs, {} new versions.", summary.runs.created, summary.versions.created)
        }
    }
}

/// Why a request got no answer, in words.
pub fn http_error(error: &HttpError, lang: Lang) -> String {
    match (error, lang) {
        (HttpError::BadUrl(url), Lang::Es) => {
            format!("«{url}» no es una dirección http:// o https://, como http://127.0.0.1:5000")
        }
        (HttpError::BadUrl(url), Lang::En) => format!("“{url}” is not an http:// or https:// address, such as http://127.0.0.1:5000"),
        (HttpError::Unreachable { url }, Lang::Es) => format!(
            "No responde nada en {url}: ¿está arrancado «mlflow server» y es esa su dirección y su puerto?"
        ),
        (HttpError::Unreachable { url }, Lang::En) => {
            format!("Nothing answers at {url}: is `mlflow server` running, at that address and port?")
        }
        (HttpError::CorsRefused { url, origin }, Lang::Es) => format!(
            "El servidor de {url} responde, pero no acepta peticiones de esta página ({origin}). Arráncalo permitiéndola (MLflow 3.5 o posterior): mlflow server --cors-allowed-origins {origin}"
        ),
        (HttpError::CorsRefused { url, origin }, Lang::En) => format!(
            "The server at {url} answers, but does not accept requests from this page ({origin}). Start it allowing it (MLflow 3.5 or later): mlflow server --cors-allowed-origins {origin}"
        ),
        (HttpError::Browser(why), Lang::Es) => format!("El navegador no envió la petición: {why}"),
        (HttpError::Browser(why), Lang::En) => format!("The browser did not send the request: {why}"),
    }
}

/// A step of the push, in words.
pub fn step(step: Step, lang: Lang) -> &'static str {
    if lang == Lang::En {
        return step.describe();
    }
    match step {
        Step::FindExperiment => "buscando el experimento",
        Step::CreateExperiment => "creando el experimento",
        Step::FindRun => "buscando la ejecución",
        Step::AbandonRun => "borrando la ejecución que dejó a medias un envío interrumpido",
        Step::CreateRun => "creando la ejecución",
        Step::LogBatch => "registrando parámetros, etiquetas y métricas",
        Step::LogInputs => "registrando los datos de entrada",
        Step::UploadArtifact => "subiendo el artefacto",
        Step::FinishRun => "poniendo el estado y la hora de fin",
        Step::MarkComplete => "marcando la ejecución como completa",
        Step::DeleteRun => "borrando la ejecución",
        Step::FindModel => "buscando el modelo registrado",
        Step::CreateModel => "creando el modelo registrado",
        Step::FindVersion => "buscando la versión",
        Step::CreateVersion => "creando la versión",
        Step::TransitionStage => "moviendo la versión a su etapa",
        Step::SetAlias => "poniendo el alias",
        Step::Done => "terminado",
    }
}

/// The record a step is about, in words (names cut to 80 characters).
pub fn record(record: &Record, lang: Lang) -> String {
    let b = bounded;
    match (record, lang) {
        (Record::Experiment { name }, Lang::Es) => format!("experimento «{}»", b(name)),
        (Record::Run { run_id, run_name }, Lang::Es) => {
            format!("ejecución {} («{}»)", b(run_id), b(run_name))
        }
        (Record::Key { run_id, key }, Lang::Es) => {
            format!("clave «{}» de la ejecución {}", b(key), b(run_id))
        }
        (Record::Artifact { run_id, path }, Lang::Es) => {
            format!("artefacto «{}» de la ejecución {}", b(path), b(run_id))
        }
        (Record::Model { name }, Lang::Es) => format!("modelo registrado «{}»", b(name)),
        (Record::Version { name, version }, Lang::Es) => format!("versión {version} de «{}»", b(name)),
        (Record::Alias { name, alias }, Lang::Es) => format!("alias @{} de «{}»", b(alias), b(name)),
        (other, Lang::En) => b(&other.to_string()),
    }
}

/// (done, total) of a progress, for a `<progress>` bar.
pub fn progress_units(progress: &ciclo_core::exchange::push::Progress) -> (usize, usize) {
    (progress.done, progress.total)
}

/// The push's progress line.
pub fn push_progress(state: &PushState, lang: Lang) -> String {
    let Some(progress) = &state.progress else {
        return match lang {
            Lang::Es => "Preparando el documento…".to_string(),
            Lang::En => "Preparing the document…".to_string(),
        };
    };
    let about = progress.record.as_ref().map(|r| format!(": {}", record(r, lang))).unwrap_or_default();
    match lang {
        Lang::Es => format!(
            "{} de {} ({} peticiones) — {}{about}",
            progress.done,
            progress.total,
            state.requests,
            step(progress.step, lang)
        ),
        Lang::En => format!(
            "{} of {} ({} requests) — {}{about}",
            progress.done,
            progress.total,
            state.requests,
            step(progress.step, lang)
        ),
    }
}

/// A warning of the push, in words.
pub fn warning(warning: &Warning, lang: Lang) -> String {
    let b = bounded;
    match (warning, lang) {
        (Warning::ArtifactsNotProxied { run_id, artifact_uri }, Lang::Es) => format!(
            "los artefactos de {} no se subieron: el servidor los guarda en «{}», no tras su proxy (arráncalo con --artifacts-destination)",
            b(run_id),
            b(artifact_uri)
        ),
        (Warning::StageRefused { name, version, stage, message }, Lang::Es) => format!(
            "el servidor no aceptó la etapa {} para la versión {version} de «{}»: {}",
            stage.as_str(),
            b(name),
            b(message)
        ),
        (Warning::RunWithoutExperiment { run_id, experiment_id }, Lang::Es) => {
            format!("{} no se envió: su experimento {} no está en el documento", b(run_id), b(experiment_id))
        }
        (Warning::ParentNotPushed { run_id, parent_run_id }, Lang::Es) => format!(
            "{} se envió sin su padre {}, que no está en el documento",
            b(run_id),
            b(parent_run_id)
        ),
        (Warning::VersionWithoutRun { name, version, run_id }, Lang::Es) => {
            format!("la versión {version} de «{}» no se envió: su ejecución {} tampoco", b(name), b(run_id))
        }
        (Warning::AliasWithoutVersion { name, alias, version }, Lang::Es) => format!(
            "el alias @{} de «{}» no se puso: su versión {version} no se envió",
            b(alias),
            b(name)
        ),
        (Warning::Redone { run_id, abandoned }, Lang::Es) => format!(
            "{} había quedado a medias en un envío interrumpido (ejecución {} del servidor): se borró y se volvió a enviar",
            b(run_id),
            b(abandoned)
        ),
        (other, Lang::En) => other.to_string(),
    }
}

/// What a push did.
pub fn pushed(report: &PushReport, base: &str, lang: Lang) -> String {
    let r = report;
    let (runs, already, artifacts, experiments, models, versions, stages) = match lang {
        Lang::Es => (
            "ejecuciones creadas",
            "ya estaban",
            "artefactos subidos",
            "experimentos creados",
            "modelos y",
            "versiones creados",
            ("etapas y", "alias puestos", "Enviado a"),
        ),
        Lang::En => (
            "runs created",
            "already there",
            "artifacts uploaded",
            "experiments created",
            "models and",
            "versions created",
            ("stages and", "aliases set", "Pushed to"),
        ),
    };
    let (stages, aliases, to) = stages;
    let mut text = format!(
        "{to} {base}: {} {runs} ({} {already}), {} {artifacts}, {} {experiments}, {} {models} {} {versions} ({} {already}), {} {stages} {} {aliases}.",
        r.runs.created,
        r.runs.found,
        r.artifacts.created,
        r.experiments.created,
        r.models.created,
        r.versions.created,
        r.versions.found,
        r.stages.created,
        r.aliases.created
    );
    for w in r.warnings.iter().take(5) {
        text.push_str(&format!(" ⚠ {}.", warning(w, lang)));
    }
    if r.warnings.len() > 5 {
        text.push_str(&format!(" (+{})", r.warnings.len() - 5));
    }
    text
}

/// Why a push stopped, in words.
pub fn push_failure(failure: &PushFailure, lang: Lang) -> String {
    match (failure, lang) {
        (PushFailure::Http(error), lang) => http_error(error, lang),
        (PushFailure::Cancelled, Lang::Es) => {
            "Envío cancelado. Lo ya enviado queda en el servidor; enviar otra vez continúa sin duplicar."
                .to_string()
        }
        (PushFailure::Cancelled, Lang::En) => {
            "Push cancelled. What was sent stays on the server; pushing again resumes without duplicates."
                .to_string()
        }
        (PushFailure::Server(error), lang) => push_error(error, lang),
    }
}

/// Why the server stopped a push, in words.
pub fn push_error(error: &PushError, lang: Lang) -> String {
    match (error, lang) {
        (PushError::Refused { step: s, record: r, status, error_code, message }, Lang::Es) => format!(
            "El servidor rechazó {} ({}) con {status} {error_code}: {}",
            step(*s, lang),
            record(r, lang),
            bounded_message(message)
        ),
        (PushError::Unreadable { step: s, record: r, detail }, Lang::Es) => format!(
            "La respuesta del servidor al {} ({}) no es la de MLflow ({}): ¿es esa dirección un servidor de seguimiento de MLflow?",
            step(*s, lang),
            record(r, lang),
            bounded(detail)
        ),
        (PushError::ExperimentDeleted { name, experiment_id }, Lang::Es) => format!(
            "El experimento «{}» está borrado en el servidor: restáuralo allí (mlflow experiments restore --experiment-id {experiment_id}) o cámbiale el nombre aquí, y envía otra vez.",
            bounded(name)
        ),
        (PushError::NoRequest, Lang::Es) => "Error interno del envío: una respuesta sin petición.".to_string(),
        (other, Lang::En) => format!("{other}."),
    }
}

fn bounded_message(message: &str) -> String {
    let mut chars = message.chars();
    let head: String = chars.by_ref().take(300).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_bounded() {
        assert_eq!(bounded("churn"), "churn");
        let long = "<script>".repeat(100);
        let shown = bounded(&long);
        assert_eq!(shown.chars().count(), 81);
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn a_push_report_reads_in_both_languages() {
        let mut report = PushReport::default();
        report.runs.created = 17;
        report.versions.found = 1;
        assert_eq!(
            pushed(&report, "http://127.0.0.1:5000", Lang::Es),
            "Enviado a http://127.0.0.1:5000: 17 ejecuciones creadas (0 ya estaban), 0 artefactos subidos, 0 experimentos creados, 0 modelos y 0 versiones creados (1 ya estaban), 0 etapas y 0 alias puestos."
        );
        assert!(pushed(&report, "http://x", Lang::En)
            .starts_with("Pushed to http://x: 17 runs created (0 already there)"));
    }

    #[test]
    fn counts_agree_in_number() {
        let counts = ScopeCounts { experiments: 1, runs: 17, models: 1, versions: 1 };
        assert_eq!(counts.text(Lang::Es), "1 experimento, 17 ejecuciones, 1 modelo registrado con 1 versión");
        assert_eq!(counts.text(Lang::En), "1 experiment, 17 runs, 1 registered model with 1 version");
    }

    #[test]
    fn file_stamps_are_utc_dates() {
        assert_eq!(file_stamp(0), "19700101-0000");
        assert_eq!(file_stamp(1_795_700_700_000), "20261126-1345");
        assert_eq!(file_stamp(951_782_400_000), "20000229-0000");
    }
}
