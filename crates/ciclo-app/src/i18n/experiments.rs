//! The texts of the experiment picker, and the store's refusals in words. Same shape as
//! [`super::Key`]: both languages side by side, one `match`.

use ciclo_core::tracking::{Field, LimitError, StoreError};

use super::Lang;

/// A fixed text of the experiment picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exp {
    Title,
    Choose,
    ChooseHelp,
    Create,
    Name,
    Description,
    CreateButton,
    Edit,
    SaveDescription,
    TagKey,
    TagValue,
    AddTag,
    AllExperiments,
    FilterLabel,
}

impl Exp {
    /// The text in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (es, en) = match self {
            Exp::Title => ("Experimento", "Experiment"),
            Exp::Choose => ("Registrar los nuevos runs en", "Log new runs in"),
            Exp::ChooseHelp => (
                "Un experimento agrupa los runs de una misma pregunta, como mlflow.set_experiment(): elige uno antes de entrenar o buscar.",
                "An experiment groups the runs of one question, as mlflow.set_experiment() does: choose one before training or searching.",
            ),
            Exp::Create => ("Nuevo experimento", "New experiment"),
            Exp::Name => ("Nombre", "Name"),
            Exp::Description => ("Descripción", "Description"),
            Exp::CreateButton => ("Crear y elegir", "Create and choose"),
            Exp::Edit => ("Descripción y etiquetas de este experimento", "This experiment's description and tags"),
            Exp::SaveDescription => ("Guardar la descripción", "Save the description"),
            Exp::TagKey => ("Etiqueta", "Tag"),
            Exp::TagValue => ("Valor", "Value"),
            Exp::AddTag => ("Añadir la etiqueta", "Add the tag"),
            Exp::AllExperiments => ("Todos", "All"),
            Exp::FilterLabel => ("Experimento", "Experiment"),
        };
        match lang {
            Lang::Es => es,
            Lang::En => en,
        }
    }
}

/// A field's name in `lang`, for the fields people type into.
fn field(field: Field, lang: Lang) -> String {
    match (field, lang) {
        (Field::ExperimentName, Lang::Es) => "el nombre".into(),
        (Field::ExperimentName, Lang::En) => "the name".into(),
        (Field::ExperimentDescription, Lang::Es) => "la descripción".into(),
        (Field::ExperimentDescription, Lang::En) => "the description".into(),
        (Field::ExperimentTagKey | Field::TagKey, Lang::Es) => "la etiqueta".into(),
        (Field::ExperimentTagKey | Field::TagKey, Lang::En) => "the tag".into(),
        (Field::ExperimentTagValue | Field::TagValue, Lang::Es) => "el valor de la etiqueta".into(),
        (Field::ExperimentTagValue | Field::TagValue, Lang::En) => "the tag's value".into(),
        (other, _) => other.name().into(),
    }
}

/// Why the store refused an experiment, in `lang`.
pub fn store_error(error: &StoreError, lang: Lang) -> String {
    match (error, lang) {
        (StoreError::DuplicateExperimentName(name), Lang::Es) => {
            format!("ya hay un experimento llamado «{name}»: elige otro nombre")
        }
        (StoreError::DuplicateExperimentName(name), Lang::En) => {
            format!("there is already an experiment named “{name}”: choose another name")
        }
        (StoreError::InvalidExperiment { error, .. }, _) => limit_error(error, lang),
        (other, Lang::Es) => format!("el almacén no lo aceptó: {other}"),
        (other, Lang::En) => format!("the store refused it: {other}"),
    }
}

/// An MLflow limit broken, in `lang`.
pub(crate) fn limit_error(error: &LimitError, lang: Lang) -> String {
    match (error, lang) {
        (LimitError::Empty { field: f }, Lang::Es) => format!("{} está vacío", field(*f, lang)),
        (LimitError::Empty { field: f }, Lang::En) => format!("{} is empty", field(*f, lang)),
        (LimitError::TooLong { field: f, length, limit }, Lang::Es) => {
            format!("{} tiene {length} caracteres; MLflow admite {limit} como mucho", field(*f, lang))
        }
        (LimitError::TooLong { field: f, length, limit }, Lang::En) => {
            format!("{} is {length} characters long; MLflow allows at most {limit}", field(*f, lang))
        }
        (LimitError::BadCharacter { field: f, character, position, .. }, Lang::Es) => format!(
            "{} tiene el carácter «{character}» en la posición {position}: usa letras, cifras, _, -, ., espacios, : y /",
            field(*f, lang)
        ),
        (LimitError::BadCharacter { field: f, character, position, .. }, Lang::En) => format!(
            "{} has the character “{character}” at position {position}: use letters, digits, _, -, ., spaces, : and /",
            field(*f, lang)
        ),
        (other, Lang::Es) => format!("MLflow no lo admitiría: {other}"),
        (other, Lang::En) => format!("MLflow would not accept it: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_in_both_languages() {
        let dup = StoreError::DuplicateExperimentName("churn".into());
        assert!(store_error(&dup, Lang::Es).contains("«churn»"));
        assert!(store_error(&dup, Lang::En).contains("“churn”"));
        let empty = StoreError::InvalidExperiment {
            experiment_id: "1".into(),
            error: LimitError::Empty { field: Field::ExperimentName },
        };
        assert_eq!(store_error(&empty, Lang::Es), "el nombre está vacío");
        assert_eq!(store_error(&empty, Lang::En), "the name is empty");
    }
}
