//! Ingestion never panics, whatever the bytes, and what `Dataset::to_csv` writes reads back unchanged
//! (issue 3, "Robustness": property tests on ingestion with random bytes and random CSVs never panic).
//!
//! The last test reads IBM's Telco file when it is beside the checkout (`shared/data`, or
//! `CICLO_TELCO_CSV`), and checks what ingestion reports about it; it says so and passes when the file is
//! absent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.

use std::path::PathBuf;

use ciclo_core::dataset::{Column, Dataset};
use ciclo_core::ingest::{ingest, read_csv, ColumnRole, IngestError, IngestOptions};
use proptest::prelude::*;

/// The invariants of a successful read: rows, and every column that long.
fn check_read(result: &Result<Dataset, IngestError>) -> Result<(), TestCaseError> {
    if let Ok(data) = result {
        prop_assert!(data.n_rows() > 0);
        prop_assert!(data.columns().iter().all(|c| c.len() == data.n_rows()));
    }
    Ok(())
}

/// Ingests with the default options and with a target named `b`; both must return, never panic.
fn check_ingest(bytes: &[u8]) -> Result<(), TestCaseError> {
    for target in [None, Some("b".to_string())] {
        let options = IngestOptions { target, ..IngestOptions::default() };
        if let Ok(ingested) = ingest("random.csv", bytes, &options) {
            prop_assert_eq!(ingested.schema.len(), ingested.dataset.columns().len());
            prop_assert!(ingested.schema.iter().filter(|c| c.role == ColumnRole::Target).count() == 1);
        }
    }
    Ok(())
}

/// A CSV-shaped text: a header and rows of fields (with quotes, blanks, line ends, a BOM, non-ASCII text)
/// joined by one of the four delimiters or another character.
fn csv_shaped() -> impl Strategy<Value = String> {
    let field = "[a-c0-9 .\\-eE\"\u{feff}é]{0,5}|\"[a-c,;|\n\"]{0,4}\"|";
    let row = proptest::collection::vec(field, 1..5);
    (
        prop::sample::select(vec![",", ";", "\t", "|", ":", " "]),
        proptest::collection::vec(row, 1..8),
        any::<bool>(),
    )
        .prop_map(|(delimiter, rows, crlf)| {
            let end = if crlf { "\r\n" } else { "\n" };
            rows.iter().map(|fields| fields.join(delimiter)).collect::<Vec<_>>().join(end)
        })
}

/// A data set of 2 to 5 columns and 1 to 30 rows that `to_csv` can write and `read_csv` can read back:
/// numeric columns (blanks allowed, any finite value) and text columns that do not read as numbers (each
/// value starts with a letter) and are not blank in every row. One column would not do: a row blank in
/// its only column is an empty line, which CSV readers skip.
fn dataset() -> impl Strategy<Value = Dataset> {
    (2..6_usize, 1..30_usize)
        .prop_flat_map(|(n_columns, n_rows)| {
            let number = prop_oneof![
                Just(None),
                any::<i32>().prop_map(|x| Some(f64::from(x))),
                (-1e12..1e12_f64).prop_map(Some),
                any::<f64>().prop_filter("finite", |x| x.is_finite()).prop_map(Some),
            ];
            let text = prop_oneof![Just(None), "[a-zA-Zé][a-z ,;|\t\"\n\r'é]{0,6}".prop_map(Some)];
            let column = prop_oneof![
                proptest::collection::vec(number, n_rows)
                    .prop_map(|v| (true, v.into_iter().map(|x| (x, None)).collect::<Vec<_>>())),
                proptest::collection::vec(text, n_rows)
                    .prop_filter("not all blank", |v| v.iter().any(Option::is_some))
                    .prop_map(|v| (false, v.into_iter().map(|t| (None, t)).collect())),
            ];
            proptest::collection::vec(column, n_columns)
        })
        .prop_map(|columns| {
            let columns = columns
                .into_iter()
                .enumerate()
                .map(|(i, (numeric, cells))| {
                    let name = format!("col{i}");
                    if numeric {
                        Column::numeric(name, cells.into_iter().map(|(x, _)| x).collect())
                    } else {
                        let texts: Vec<Option<String>> = cells.into_iter().map(|(_, t)| t).collect();
                        Column::categorical(name, &texts)
                    }
                })
                .collect();
            Dataset::new("round", columns).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_read(&read_csv("random", &bytes))?;
        check_ingest(&bytes)?;
    }

    #[test]
    fn csv_like_text_never_panics(text in "[a-c0-9 ,;|\t:\"\\r\\n.\\-eE\u{feff}é]{0,200}") {
        check_read(&read_csv("random", text.as_bytes()))?;
        check_ingest(text.as_bytes())?;
    }

    #[test]
    fn csv_shaped_text_never_panics(text in csv_shaped()) {
        check_read(&read_csv("random", text.as_bytes()))?;
        check_ingest(text.as_bytes())?;
    }

    #[test]
    fn written_csv_reads_back(data in dataset()) {
        let text = data.to_csv();
        let back = read_csv("round", text.as_bytes());
        prop_assert_eq!(back.as_ref(), Ok(&data), "{}", text);
        // With a byte-order mark in front too.
        let bom = format!("\u{feff}{text}");
        prop_assert_eq!(read_csv("round", bom.as_bytes()), Ok(data));
    }
}

#[test]
fn telco_file_reports_its_blanks() {
    let path = match std::env::var_os("CICLO_TELCO_CSV") {
        Some(path) => PathBuf::from(path),
        None => {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/telco-customer-churn.csv")
        }
    };
    let Ok(bytes) = std::fs::read(&path) else {
        println!("skipping: the Telco file is not at {}; set CICLO_TELCO_CSV", path.display());
        return;
    };
    let ingested = ingest("telco-customer-churn.csv", &bytes, &IngestOptions::default()).unwrap();
    assert_eq!(
        (ingested.dataset.n_rows(), ingested.delimiter, ingested.target.as_str()),
        (7043, ',', "Churn")
    );
    let role = |name: &str| ingested.schema.iter().find(|c| c.name == name).map(|c| c.role.clone()).unwrap();
    assert!(matches!(role("customerID"), ColumnRole::Id { .. }));
    assert_eq!(ingested.excluded().count(), 1);
    let [blank] = ingested.blanks.as_slice() else { panic!("{:?}", ingested.blanks) };
    // pandas: df.index[df.TotalCharges.str.strip() == ""] is 488, 753, 936, 1082, 1340, ... (11 rows), all
    // with tenure 0, and no other row has tenure 0.
    assert_eq!(
        blank.to_string(),
        "column `TotalCharges` is blank in 11 rows (rows 489, 754, 937, 1083, 1341 and 6 more), exactly the rows \
         where `tenure` is 0: filled with 0"
    );
    assert_eq!(blank.lines, [490, 755, 938, 1084, 1342]);
}
