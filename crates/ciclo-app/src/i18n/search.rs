//! The runs search's errors in words, in Spanish and English: the core gives the kind and the byte
//! position, the page says what is wrong and where.

use ciclo_core::tracking::search::{EntityKind, Expected, SearchError, SearchErrorKind, SearchInput};

use super::Lang;

fn expected(what: Expected, lang: Lang) -> &'static str {
    match (what, lang) {
        (Expected::Identifier, Lang::Es) => "un identificador como metrics.f1 o params.model",
        (Expected::Identifier, Lang::En) => "an identifier such as metrics.f1 or params.model",
        (Expected::Comparator, Lang::Es) => "un comparador (=, !=, <, <=, >, >=, LIKE, ILIKE, IN)",
        (Expected::Comparator, Lang::En) => "a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN)",
        (Expected::Value, Lang::Es) => "un valor: un número, un texto entre comillas o una lista",
        (Expected::Value, Lang::En) => "a value: a number, a quoted string or a list",
        (Expected::AndOrEnd, Lang::Es) => "AND o el final",
        (Expected::AndOrEnd, Lang::En) => "AND or the end",
        (Expected::DirectionOrEnd, Lang::Es) => "ASC, DESC o el final",
        (Expected::DirectionOrEnd, Lang::En) => "ASC, DESC or the end",
    }
}

fn entity(kind: EntityKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (EntityKind::Metric, Lang::Es) => "una métrica",
        (EntityKind::Metric, Lang::En) => "a metric",
        (EntityKind::Param, Lang::Es) => "un parámetro",
        (EntityKind::Param, Lang::En) => "a param",
        (EntityKind::Tag, Lang::Es) => "una etiqueta",
        (EntityKind::Tag, Lang::En) => "a tag",
        (EntityKind::StringAttribute, Lang::Es) => "un atributo de texto",
        (EntityKind::StringAttribute, Lang::En) => "a text attribute",
        (EntityKind::NumericAttribute, Lang::Es) => "un atributo numérico",
        (EntityKind::NumericAttribute, Lang::En) => "a numeric attribute",
        (EntityKind::Dataset, Lang::Es) => "un dataset",
        (EntityKind::Dataset, Lang::En) => "a dataset",
    }
}

/// What is wrong, without where.
fn what(kind: &SearchErrorKind, lang: Lang) -> String {
    use SearchErrorKind as K;
    match (kind, lang) {
        (K::UnexpectedEnd { expected: e }, Lang::Es) => {
            format!("el texto acaba donde se esperaba {}", expected(*e, lang))
        }
        (K::UnexpectedEnd { expected: e }, Lang::En) => {
            format!("the text ends where {} was expected", expected(*e, lang))
        }
        (K::Unexpected { found, expected: e }, Lang::Es) => {
            format!("«{found}» donde se esperaba {}", expected(*e, lang))
        }
        (K::Unexpected { found, expected: e }, Lang::En) => {
            format!("“{found}” where {} was expected", expected(*e, lang))
        }
        (K::UnterminatedQuote { quote }, Lang::Es) => format!("falta cerrar la comilla {quote}"),
        (K::UnterminatedQuote { quote }, Lang::En) => format!("the quote {quote} is never closed"),
        (K::UnknownEntity { entity: e }, Lang::Es) => {
            format!("«{e}» no es metrics, params, tags, attributes ni datasets")
        }
        (K::UnknownEntity { entity: e }, Lang::En) => {
            format!("“{e}” is not metrics, params, tags, attributes or datasets")
        }
        (K::UnknownAttribute { key }, Lang::Es) => {
            format!("«{key}» no es un atributo de búsqueda (run_id, run_name, status, start_time, end_time…)")
        }
        (K::UnknownAttribute { key }, Lang::En) => {
            format!("“{key}” is not a searchable attribute (run_id, run_name, status, start_time, end_time…)")
        }
        (K::UnknownDatasetField { key }, Lang::Es) => {
            format!("«{key}»: los datasets se buscan por name, digest o context")
        }
        (K::UnknownDatasetField { key }, Lang::En) => {
            format!("“{key}”: datasets are searched by name, digest or context")
        }
        (K::EmptyKey, Lang::Es) => "falta el nombre tras el punto (metrics.f1)".into(),
        (K::EmptyKey, Lang::En) => "the name after the dot is missing (metrics.f1)".into(),
        (K::ComparatorNotAllowed { comparator, entity: e }, Lang::Es) => {
            format!("«{comparator}» no se puede usar con {}", entity(*e, lang))
        }
        (K::ComparatorNotAllowed { comparator, entity: e }, Lang::En) => {
            format!("“{comparator}” cannot be used with {}", entity(*e, lang))
        }
        (K::UnknownComparator { found }, Lang::Es) => format!("«{found}» no es un comparador"),
        (K::UnknownComparator { found }, Lang::En) => format!("“{found}” is not a comparator"),
        (K::ExpectedNumber, Lang::Es) => "aquí va un número (las métricas se comparan con números)".into(),
        (K::ExpectedNumber, Lang::En) => "a number goes here (metrics compare with numbers)".into(),
        (K::ExpectedInteger, Lang::Es) => "aquí va un número entero (milisegundos)".into(),
        (K::ExpectedInteger, Lang::En) => "a whole number goes here (milliseconds)".into(),
        (K::ExpectedString, Lang::Es) => {
            "aquí va un texto entre comillas: params.model = 'random_forest'".into()
        }
        (K::ExpectedString, Lang::En) => "a quoted string goes here: params.model = 'random_forest'".into(),
        (K::ExpectedList, Lang::Es) => "tras IN va una lista entre paréntesis: ('a', 'b')".into(),
        (K::ExpectedList, Lang::En) => "IN takes a list in parentheses: ('a', 'b')".into(),
        (K::EmptyList, Lang::Es) => "la lista está vacía".into(),
        (K::EmptyList, Lang::En) => "the list is empty".into(),
        (K::OrNotSupported, Lang::Es) => "la búsqueda de MLflow no tiene OR: une condiciones con AND".into(),
        (K::OrNotSupported, Lang::En) => "MLflow's search has no OR: join conditions with AND".into(),
        (K::ExpectedAnd { found }, Lang::Es) => format!("«{found}» entre dos condiciones: se esperaba AND"),
        (K::ExpectedAnd { found }, Lang::En) => format!("“{found}” between two conditions: AND was expected"),
        (K::UnknownDirection { found }, Lang::Es) => format!("«{found}»: el orden es ASC o DESC"),
        (K::UnknownDirection { found }, Lang::En) => format!("“{found}”: the order is ASC or DESC"),
        (K::NotSortable { entity: e }, Lang::Es) => format!("no se puede ordenar por {}", entity(*e, lang)),
        (K::NotSortable { entity: e }, Lang::En) => format!("cannot sort by {}", entity(*e, lang)),
    }
}

/// The error in words: where (the character position, 1-based) and what.
pub fn search_error(error: &SearchError, text: &str, lang: Lang) -> String {
    // Byte offset to a character position people can count.
    let column = text.get(..error.position).map_or(error.position, |head| head.chars().count()) + 1;
    let place = match (error.input, lang) {
        (SearchInput::Filter, Lang::Es) => format!("Búsqueda, carácter {column}"),
        (SearchInput::Filter, Lang::En) => format!("Search, character {column}"),
        (SearchInput::OrderBy(_), Lang::Es) => format!("Orden, carácter {column}"),
        (SearchInput::OrderBy(_), Lang::En) => format!("Order, character {column}"),
    };
    format!("{place}: {}", what(&error.kind, lang))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ciclo_core::tracking::search::Query;
    use ciclo_core::tracking::SearchRequest;

    fn message(filter: &str, lang: Lang) -> String {
        let request = SearchRequest { filter: filter.into(), ..SearchRequest::default() };
        match Query::compile(&request) {
            Ok(_) => "ok".into(),
            Err(error) => search_error(&error, filter, lang),
        }
    }

    #[test]
    fn errors_say_where_and_what_in_both_languages() {
        assert_eq!(message("metrics.f1 > 0.5", Lang::Es), "ok");
        let or = message("metrics.f1 > 0.5 or params.model = 'x'", Lang::Es);
        assert!(or.starts_with("Búsqueda, carácter 18:") && or.contains("no tiene OR"), "{or}");
        let quote = message("params.model = 'forest", Lang::En);
        assert!(quote.contains("never closed"), "{quote}");
        let like = message("metrics.f1 LIKE '%a'", Lang::En);
        assert!(like.contains("cannot be used with a metric"), "{like}");
        // Positions count characters, not bytes.
        let accents = message("tags.nota = 'ñandú' oops", Lang::Es);
        assert!(accents.contains("carácter 21"), "{accents}");
    }
}
