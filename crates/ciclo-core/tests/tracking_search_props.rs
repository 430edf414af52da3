//! The search parser never panics (issue 4): arbitrary text and text built from the language's own
//! pieces either parse or fail with a position inside the input, on a character boundary.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use ciclo_core::tracking::search::{Filter, OrderBy};
use ciclo_core::tracking::{Run, SearchError};
use proptest::prelude::*;

fn check(text: &str, outcome: Result<(), SearchError>) {
    if let Err(error) = outcome {
        assert!(error.position <= text.len(), "{error:?} for {text:?}");
        assert!(text.is_char_boundary(error.position), "{error:?} for {text:?}");
        assert!(!error.to_string().is_empty());
    }
}

/// Pieces of the language, glued in any order, reach far more of the parser than random text.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "metrics.",
        "params.",
        "tags.",
        "attributes.",
        "datasets.",
        "f1",
        "`f1 score`",
        "\"k\"",
        "status",
        "start_time",
        "run_name",
        "name",
        "=",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "LIKE",
        "ilike",
        "IN",
        "NOT",
        "AND",
        "or",
        "(",
        ")",
        ",",
        "'x'",
        "'%a_'",
        "\"y\"",
        "0.5",
        "-1e3",
        "7",
        ".",
        "`",
        "'",
        " ",
        "  ",
        "ñ",
        "é",
        "DESC",
        "asc",
        "\u{0}",
        "1e999",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check(&text, Filter::parse(&text).map(drop));
        check(&text, OrderBy::parse(&text, 0).map(drop));
    }

    #[test]
    fn glued_pieces_never_panic(pieces in prop::collection::vec(piece(), 0..12)) {
        let text = pieces.concat();
        let run = Run::new("a", "0", "x", 1);
        check(&text, Filter::parse(&text).map(|filter| {
            let _ = filter.matches(&run);
        }));
        check(&text, OrderBy::parse(&text, 0).map(drop));
    }
}
