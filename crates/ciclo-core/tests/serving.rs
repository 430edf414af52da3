//! Scoring a logged model as `mlflow models serve` does: the four request formats give the same
//! predictions as scoring the data directly, every mismatch with the signature is named, and the
//! one-customer contributions add up to a readable story.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.

use ciclo_core::dataset::{ColumnData, Dataset};
use ciclo_core::ml::{train, ModelKind, TrainConfig};
use ciclo_core::serving::{
    conform, contributions, parse_request, ColType, LoggedModel, ModelLoadError, RequestError, MODEL_FORMAT,
    MODEL_VERSION,
};
use ciclo_core::telco;

fn logged(kind: ModelKind) -> (LoggedModel, Dataset) {
    let data = telco::generate(1500, 11);
    let mut config = TrainConfig::for_model(telco::TARGET, kind);
    if kind == ModelKind::RandomForest {
        config.params.set("n_estimators", "20").unwrap();
    }
    let outcome = train(&data, &config, &mut |_| {}).unwrap();
    let model = LoggedModel {
        format: MODEL_FORMAT.to_string(),
        version: MODEL_VERSION,
        positive: outcome.positive.clone(),
        threshold: 0.5,
        pipeline: outcome.pipeline,
        model: outcome.model,
    };
    (model, data)
}

/// The first `n` rows of `data` as JSON records (what `dataframe_records` carries).
fn records(data: &Dataset, n: usize) -> Vec<serde_json::Map<String, serde_json::Value>> {
    (0..n)
        .map(|row| {
            data.columns()
                .iter()
                .map(|c| {
                    let value = match &c.data {
                        ColumnData::Numeric(v) => {
                            v[row].map_or(serde_json::Value::Null, |x| serde_json::json!(x))
                        }
                        ColumnData::Categorical { levels, codes } => codes[row]
                            .map_or(serde_json::Value::Null, |k| serde_json::json!(levels[k as usize])),
                    };
                    (c.name.clone(), value)
                })
                .collect()
        })
        .collect()
}

fn predict(model: &LoggedModel, body: &str) -> Result<Vec<f64>, RequestError> {
    let data = parse_request(body, &model.signature())?;
    let rows: Vec<usize> = (0..data.n_rows()).collect();
    Ok(model.predict_proba(&data, &rows).unwrap().0)
}

#[test]
fn every_request_format_scores_like_the_data_itself() {
    let (model, data) = logged(ModelKind::LogisticRegression);
    let expected = model.predict_proba(&data, &[0, 1, 2]).unwrap().0;
    let recs = records(&data, 3);
    let signature = model.signature();
    let names: Vec<String> = signature.inputs.iter().map(|c| c.name.clone()).collect();
    let split_rows: Vec<Vec<serde_json::Value>> =
        recs.iter().map(|r| names.iter().map(|n| r[n].clone()).collect()).collect();
    let columnar: serde_json::Map<String, serde_json::Value> = names
        .iter()
        .map(|n| (n.clone(), serde_json::Value::Array(recs.iter().map(|r| r[n].clone()).collect())))
        .collect();
    let bodies = [
        serde_json::json!({ "dataframe_records": recs }),
        serde_json::json!({ "dataframe_split": { "columns": names, "data": split_rows, "index": [0, 1, 2] } }),
        serde_json::json!({ "instances": recs }),
        serde_json::json!({ "inputs": split_rows }),
        serde_json::json!({ "inputs": columnar }),
    ];
    for body in bodies {
        let got = predict(&model, &body.to_string()).unwrap();
        assert_eq!(got, expected, "{body}");
    }
}

fn error(model: &LoggedModel, body: serde_json::Value) -> String {
    predict(model, &body.to_string()).unwrap_err().to_string()
}

#[test]
fn a_request_that_does_not_match_the_signature_is_told_which_column_and_why() {
    let (model, data) = logged(ModelKind::LogisticRegression);
    let mut rec = records(&data, 1).remove(0);
    let numeric = model.signature().inputs.iter().find(|c| c.kind == ColType::Double).unwrap().name.clone();
    let category = model.signature().inputs.iter().find(|c| c.kind == ColType::String).unwrap().name.clone();

    let mut missing = rec.clone();
    missing.remove(&numeric);
    missing.insert("favourite_colour".into(), serde_json::json!("blue"));
    let text = error(&model, serde_json::json!({ "dataframe_records": [missing] }));
    assert!(text.contains(&format!("missing inputs [\"{numeric}\"]")), "{text}");

    let mut wrong = rec.clone();
    wrong.insert(numeric.clone(), serde_json::json!("twelve"));
    let text = error(&model, serde_json::json!({ "dataframe_records": [wrong] }));
    assert_eq!(
        text,
        format!(
            "incompatible input type for column `{numeric}` (row 0): \"twelve\" where a number is expected"
        )
    );

    let mut boolean = rec.clone();
    boolean.insert(category.clone(), serde_json::json!(true));
    assert!(error(&model, serde_json::json!({ "dataframe_records": [boolean] }))
        .contains(&format!("column `{category}`")));

    assert!(error(&model, serde_json::json!({ "records": [rec.clone()] }))
        .contains("exactly one of dataframe_split"));
    assert!(error(&model, serde_json::json!({ "instances": [], "inputs": [] })).contains("exactly one"));
    assert_eq!(error(&model, serde_json::json!({ "dataframe_records": [] })), "the request has no rows");
    assert!(error(&model, serde_json::json!({ "dataframe_split": { "columns": ["a"], "data": [[1, 2]] } }))
        .contains("row 0 has 2 values"));
    assert!(error(&model, serde_json::json!({ "inputs": [[1, 2]] })).contains("row 0 has 2 values"));
    assert!(predict(&model, "{\"dataframe_records\": [")
        .unwrap_err()
        .to_string()
        .starts_with("the request is not valid JSON (line 1"));

    // A blank number is filled as in training; an unseen category is accepted (encoded as all zeros).
    rec.insert(numeric, serde_json::Value::Null);
    rec.insert(category, serde_json::json!("never seen"));
    let p = predict(&model, &serde_json::json!({ "dataframe_records": [rec] }).to_string()).unwrap();
    assert!(p[0] > 0.0 && p[0] < 1.0);
}

#[test]
fn a_csv_of_codes_is_conformed_and_a_text_number_column_is_refused() {
    let (model, data) = logged(ModelKind::DecisionTree);
    let csv = data.to_csv();
    let read = ciclo_core::ingest::read_csv("scored.csv", csv.as_bytes()).unwrap();
    let conformed = conform(&read, &model.signature()).unwrap();
    let rows: Vec<usize> = (0..50).collect();
    assert_eq!(
        model.predict_proba(&conformed, &rows).unwrap().0,
        model.predict_proba(&data, &rows).unwrap().0
    );

    let numeric = model.signature().inputs.iter().find(|c| c.kind == ColType::Double).unwrap().name.clone();
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let index = lines[0].split(',').position(|h| h == numeric).unwrap();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    cells[index] = "lots".into();
    lines[1] = cells.join(",");
    let read = ciclo_core::ingest::read_csv("broken.csv", lines.join("\n").as_bytes()).unwrap();
    let text = conform(&read, &model.signature()).unwrap_err().to_string();
    assert!(text.contains(&format!("column `{numeric}`")) && text.contains("number"), "{text}");
}

#[test]
fn contributions_explain_one_customer() {
    for kind in [ModelKind::LogisticRegression, ModelKind::RandomForest] {
        let (model, data) = logged(kind);
        let one = parse_request(
            &serde_json::json!({ "dataframe_records": records(&data, 1) }).to_string(),
            &model.signature(),
        )
        .unwrap();
        let (p, pushes) = contributions(&model, &one).unwrap();
        assert_eq!(p, model.predict_proba(&data, &[0]).unwrap().0[0], "{kind:?}");
        assert!(!pushes.is_empty(), "{kind:?}");
        assert!(pushes.windows(2).all(|w| w[0].delta.abs() >= w[1].delta.abs()), "{kind:?}: strongest first");
        assert!(pushes.iter().all(|c| c.value != c.reference), "{kind:?}: typical values push nothing");
    }
}

#[test]
fn the_signature_and_the_file_read_back() {
    let (model, _) = logged(ModelKind::LogisticRegression);
    let signature = model.signature();
    assert!(signature.input("customerID").is_none(), "an id column is not an input");
    assert!(signature.input("tenure").is_some_and(|c| c.kind == ColType::Double));
    let contract = signature.input("Contract").unwrap();
    assert_eq!(contract.levels, ["Month-to-month", "One year", "Two year"]);
    assert_eq!(contract.reference, "Month-to-month");
    let mlmodel = signature.mlflow_json();
    let inputs: serde_json::Value = serde_json::from_str(mlmodel["inputs"].as_str().unwrap()).unwrap();
    assert_eq!(inputs.as_array().unwrap().len(), signature.inputs.len());
    assert_eq!(inputs[0]["required"], true);

    let text = serde_json::to_string(&model).unwrap();
    assert_eq!(LoggedModel::from_json(&text).unwrap(), model);
    assert!(
        matches!(LoggedModel::from_json("{\"format\":\"other\"}"), Err(ModelLoadError::Format(f)) if f == "other")
    );
    let newer = text.replacen("\"version\":2", "\"version\":9", 1);
    assert_eq!(LoggedModel::from_json(&newer), Err(ModelLoadError::TooNew(9)));
    let older = text.replacen("\"version\":2", "\"version\":1", 1);
    assert_eq!(LoggedModel::from_json(&older), Err(ModelLoadError::TooOld(1)));
    assert!(matches!(LoggedModel::from_json("nope"), Err(ModelLoadError::Json(_))));
}
