//! MLflow's search language over runs (issue 4): the parser (valid and invalid filters), the evaluator,
//! `order_by` with MLflow's tie rules, views and paging. One `check` helper per feature, one line per case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use ciclo_core::tracking::search::{
    EntityKind, Expected, Filter, OrderBy, Query, SearchErrorKind as K, SearchInput,
};
use ciclo_core::tracking::{
    search_runs, DatasetInput, LifecycleStage, Run, RunStatus, SearchRequest, ViewType,
};

/// Parses `text` and renders its comparisons as `subject test` joined by ` & `.
fn check_parse(text: &str, expected: &str) {
    let filter = Filter::parse(text).unwrap_or_else(|e| panic!("`{text}` did not parse: {e}"));
    let rendered: Vec<String> =
        filter.comparisons.iter().map(|c| format!("{:?} {:?}", c.subject, c.test)).collect();
    assert_eq!(rendered.join(" & "), expected, "filter `{text}`");
}

/// Parses `text` and expects an error of `kind` at byte `position`.
fn check_error(text: &str, position: usize, kind: K) {
    let error = Filter::parse(text).expect_err(text);
    assert_eq!((error.input, error.position, error.kind), (SearchInput::Filter, position, kind), "`{text}`");
}

#[test]
fn filters_parse() {
    check_parse("", "");
    check_parse("   ", "");
    check_parse("metrics.f1 > 0.55", r#"Metric("f1") Number(Gt, 0.55)"#);
    check_parse("metric.f1>=-1e-3", r#"Metric("f1") Number(Ge, -0.001)"#);
    check_parse("metrics.loss <= +2", r#"Metric("loss") Number(Le, 2.0)"#);
    check_parse("metrics.f1 != .5", r#"Metric("f1") Number(Ne, 0.5)"#);
    check_parse("params.model = 'random_forest'", r#"Param("model") Equals("random_forest")"#);
    check_parse(r#"param.model = "rf""#, r#"Param("model") Equals("rf")"#);
    check_parse("parameters.C != '1.0'", r#"Param("C") NotEquals("1.0")"#);
    check_parse("tags.note LIKE '%baseline%'", r#"Tag("note") Like("%baseline%")"#);
    check_parse("tags.note ilike '%BaseLine%'", r#"Tag("note") ILike("%baseline%")"#);
    check_parse("tags.mlflow.source.name = 'ciclo'", r#"Tag("mlflow.source.name") Equals("ciclo")"#);
    check_parse("tags.a-b/c:d = 'x'", r#"Tag("a-b/c:d") Equals("x")"#);
    check_parse("metrics.`f1 score` < 1", r#"Metric("f1 score") Number(Lt, 1.0)"#);
    check_parse(r#"metrics."f1 score" < 1"#, r#"Metric("f1 score") Number(Lt, 1.0)"#);
    check_parse("`metrics`.f1 = 1", r#"Metric("f1") Number(Eq, 1.0)"#);
    check_parse("attributes.status = 'FINISHED'", r#"Attribute(Status) Equals("FINISHED")"#);
    check_parse("status = 'FINISHED'", r#"Attribute(Status) Equals("FINISHED")"#);
    check_parse("run_name != 'x'", r#"Attribute(RunName) NotEquals("x")"#);
    check_parse("attributes.`run name` = 'x'", r#"Attribute(RunName) Equals("x")"#);
    check_parse("attr.run_id IN ('a', \"b\")", r#"Attribute(RunId) In(["a", "b"])"#);
    check_parse("run.status not   in ('A','B')", r#"Attribute(Status) NotIn(["A", "B"])"#);
    check_parse("created > 5", "Attribute(StartTime) Integer(Gt, 5)");
    check_parse("attributes.end_time <= -1", "Attribute(EndTime) Integer(Le, -1)");
    check_parse("datasets.context IN ('training')", r#"Dataset(Context) In(["training"])"#);
    check_parse("dataset.digest LIKE 'ab%'", r#"Dataset(Digest) Like("ab%")"#);
    check_parse(
        "metrics.a = 1 AND params.b = 'x' and tags.c != 'y'",
        r#"Metric("a") Number(Eq, 1.0) & Param("b") Equals("x") & Tag("c") NotEquals("y")"#,
    );
    check_parse(r#"params.q = "it's""#, r#"Param("q") Equals("it's")"#);
}

#[test]
fn bad_filters_say_where_and_why() {
    check_error("metrics.f1 > 0.5 or params.x = 'a'", 17, K::OrNotSupported);
    check_error("metrics.f1 > 0.5 OR params.x = 'a'", 17, K::OrNotSupported);
    check_error("metrics.f1 > 1 metrics.f2 > 1", 15, K::ExpectedAnd { found: "metrics".into() });
    check_error("metrics.f1 > 1 )", 15, K::Unexpected { found: ')', expected: Expected::AndOrEnd });
    check_error("metrics.f1 > 1 and", 18, K::UnexpectedEnd { expected: Expected::Identifier });
    check_error("= 1", 0, K::Unexpected { found: '=', expected: Expected::Identifier });
    check_error("(metrics.f1 > 1)", 0, K::Unexpected { found: '(', expected: Expected::Identifier });
    check_error("foo.bar = 'x'", 0, K::UnknownEntity { entity: "foo".into() });
    check_error("attributes.colour = 'x'", 11, K::UnknownAttribute { key: "colour".into() });
    check_error("colour = 'x'", 0, K::UnknownAttribute { key: "colour".into() });
    check_error("datasets.size = 'x'", 9, K::UnknownDatasetField { key: "size".into() });
    check_error("metrics. > 1", 8, K::EmptyKey);
    check_error("metrics.`` > 1", 8, K::EmptyKey);
    check_error("metrics.`f1 > 1", 8, K::UnterminatedQuote { quote: '`' });
    check_error("params.model = 'abc", 15, K::UnterminatedQuote { quote: '\'' });
    check_error("metrics.f1", 10, K::UnexpectedEnd { expected: Expected::Comparator });
    check_error("metrics.f1 ~ 1", 11, K::Unexpected { found: '~', expected: Expected::Comparator });
    check_error("metrics.f1 BETWEEN 1", 11, K::UnknownComparator { found: "BETWEEN".into() });
    check_error("params.x NOT LIKE 'a'", 13, K::UnknownComparator { found: "NOT LIKE".into() });
    check_error("metrics.f1 >", 12, K::UnexpectedEnd { expected: Expected::Value });
    let not_allowed =
        |comparator: &str, entity| K::ComparatorNotAllowed { comparator: comparator.into(), entity };
    check_error("metrics.f1 LIKE '%a'", 11, not_allowed("LIKE", EntityKind::Metric));
    check_error("metrics.f1 IN (1)", 11, not_allowed("IN", EntityKind::Metric));
    check_error("params.model > 'a'", 13, not_allowed(">", EntityKind::Param));
    check_error("tags.t IN ('a')", 7, not_allowed("IN", EntityKind::Tag));
    check_error("status < 'a'", 7, not_allowed("<", EntityKind::StringAttribute));
    check_error("start_time LIKE '1%'", 11, not_allowed("LIKE", EntityKind::NumericAttribute));
    check_error("params.model = random_forest", 15, K::ExpectedString);
    check_error("params.model = 3", 15, K::ExpectedString);
    check_error("metrics.f1 > 'x'", 13, K::ExpectedNumber);
    check_error("metrics.f1 > abc", 13, K::ExpectedNumber);
    check_error("metrics.f1 > 1.2.3", 13, K::ExpectedNumber);
    check_error("metrics.f1 > -", 13, K::ExpectedNumber);
    check_error("metrics.f1 > 1e999", 13, K::ExpectedNumber);
    check_error("attributes.start_time > 1.5", 24, K::ExpectedInteger);
    check_error("status IN 'FINISHED'", 10, K::ExpectedList);
    check_error("status IN ()", 11, K::EmptyList);
    check_error("status IN ('A' 'B')", 15, K::ExpectedList);
    check_error("status IN ('A', 3)", 16, K::ExpectedString);
    check_error("status IN ('A',", 15, K::UnexpectedEnd { expected: Expected::Value });
    check_error("params.q = 'it''s'", 15, K::Unexpected { found: '\'', expected: Expected::AndOrEnd });
    check_error("tags.ñ = 'x' y", 14, K::ExpectedAnd { found: "y".into() });
}

/// Parses one `order_by` clause and expects an error of `kind` at byte `position`.
fn check_order_error(text: &str, position: usize, kind: K) {
    let error = OrderBy::parse(text, 2).expect_err(text);
    assert_eq!(
        (error.input, error.position, error.kind),
        (SearchInput::OrderBy(2), position, kind),
        "`{text}`"
    );
}

#[test]
fn bad_order_by_clauses_say_where_and_why() {
    check_order_error("metrics.f1 DOWN", 11, K::UnknownDirection { found: "DOWN".into() });
    check_order_error(
        "metrics.f1 DESC x",
        16,
        K::Unexpected { found: 'x', expected: Expected::DirectionOrEnd },
    );
    check_order_error("metrics.f1 ,", 11, K::Unexpected { found: ',', expected: Expected::DirectionOrEnd });
    check_order_error("datasets.name", 0, K::NotSortable { entity: EntityKind::Dataset });
    check_order_error("", 0, K::UnexpectedEnd { expected: Expected::Identifier });
    check_order_error("colour", 0, K::UnknownAttribute { key: "colour".into() });
}

#[test]
fn errors_read_as_sentences() {
    let error = Filter::parse("metrics.f1 > 0.5 or params.x = 'a'").unwrap_err();
    assert_eq!(error.to_string(), "filter at byte 17: OR is not supported: combine conditions with AND");
    let error = OrderBy::parse("metrics.f1 DOWN", 0).unwrap_err();
    assert_eq!(error.to_string(), "order_by clause 1 at byte 11: `DOWN` is not ASC or DESC");
}

/// The fixture: five active runs and a deleted one. Natural order (start time descending, then id):
/// d c b e a.
fn runs() -> Vec<Run> {
    let run =
        |id: &str, start: i64, model: &str, f1: Option<f64>, status: RunStatus, note: Option<&str>| Run {
            status,
            end_time: (status != RunStatus::Running).then_some(start + 50),
            params: BTreeMap::from([("model".to_string(), model.to_string())]),
            metrics: f1.map(|f1| ("f1".to_string(), f1)).into_iter().collect(),
            tags: note.map(|note| ("note".to_string(), note.to_string())).into_iter().collect(),
            inputs: vec![DatasetInput {
                name: "telco".into(),
                digest: format!("digest-{id}"),
                rows: 100,
                context: if id == "a" { "evaluation" } else { "training" }.into(),
                ..DatasetInput::default()
            }],
            ..Run::new(id, "0", format!("run {id}"), start)
        };
    let mut a = run("a", 100, "logistic", Some(0.6), RunStatus::Finished, Some("baseline run"));
    a.metrics.insert("f1 score".into(), 0.5);
    let b = run("b", 200, "random_forest", Some(0.7), RunStatus::Finished, Some("tuned"));
    let c = run("c", 300, "random_forest", Some(f64::NAN), RunStatus::Failed, None);
    let d = run("d", 400, "xgboost", None, RunStatus::Running, Some("Baseline B"));
    let e = Run {
        run_name: "e-run".into(),
        ..run("e", 200, "random_forest", Some(0.7), RunStatus::Finished, None)
    };
    let mut f = run("f", 500, "random_forest", Some(0.9), RunStatus::Finished, None);
    f.lifecycle_stage = LifecycleStage::Deleted;
    f.deleted_time = Some(600);
    vec![a, b, c, d, e, f]
}

/// Runs `request` over the fixture and compares the ids found, in order.
fn check_request(request: SearchRequest, expected: &str) {
    let runs = runs();
    let page = search_runs(&runs, &request).unwrap_or_else(|e| panic!("{request:?}: {e}"));
    let ids: Vec<&str> = page.runs.iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(ids.join(" "), expected, "{request:?}");
}

fn check_search(filter: &str, expected: &str) {
    check_request(SearchRequest { filter: filter.into(), ..SearchRequest::default() }, expected);
}

#[test]
fn filters_select_runs_as_mlflow_does() {
    check_search("", "d c b e a");
    check_search("metrics.f1 > 0.55", "b e a");
    check_search("metrics.f1 = 0.7", "b e");
    check_search("metrics.f1 != 0.7", "c a"); // NaN is != everything; a missing metric matches nothing
    check_search("metrics.f1 < 1", "b e a");
    check_search("metrics.`f1 score` >= 0.5", "a");
    check_search("params.model = 'random_forest'", "c b e");
    check_search("params.model != 'xgboost'", "c b e a");
    check_search("params.model = 'random_forest' and metrics.f1 >= 0.7", "b e");
    check_search("metrics.f1 > 0.55 and params.model = 'random_forest' and tags.note LIKE '%tun%'", "b");
    check_search("tags.note LIKE '%baseline%'", "a");
    check_search("tags.note ILIKE '%baseline%'", "d a");
    check_search("tags.note != 'tuned'", "d a"); // runs without the tag do not match
    check_search("tags.note LIKE 'baseline'", "");
    check_search("tags.note LIKE 'b_seline%'", "a");
    check_search("tags.note LIKE '%'", "d b a");
    check_search("attributes.status = 'FINISHED'", "b e a");
    check_search("status IN ('FAILED', 'RUNNING')", "d c");
    check_search("attributes.status NOT IN ('FINISHED')", "d c");
    check_search("attributes.start_time >= 200", "d c b e");
    check_search("created < 200", "a");
    check_search("attributes.end_time > 0", "c b e a"); // a RUNNING run has no end time
    check_search("attributes.run_name LIKE 'e-%'", "e");
    check_search("attributes.run_id IN ('a', 'e', 'zz')", "e a");
    check_search("datasets.context = 'evaluation'", "a");
    check_search("datasets.digest IN ('digest-b', 'digest-d')", "d b");
    check_search("datasets.name ILIKE 'TEL%'", "d c b e a");
}

#[test]
fn views_and_experiments_choose_which_runs_are_searched() {
    let view = |view| SearchRequest { view, ..SearchRequest::default() };
    check_request(view(ViewType::DeletedOnly), "f");
    check_request(view(ViewType::All), "f d c b e a");
    check_request(
        SearchRequest { experiment_ids: vec!["0".into()], ..SearchRequest::default() },
        "d c b e a",
    );
    check_request(SearchRequest { experiment_ids: vec!["7".into()], ..SearchRequest::default() }, "");
}

fn check_sort(order_by: &[&str], expected: &str) {
    let order_by = order_by.iter().map(|s| s.to_string()).collect();
    check_request(SearchRequest { order_by, ..SearchRequest::default() }, expected);
}

#[test]
fn order_by_sorts_with_mlflow_ties() {
    check_sort(&[], "d c b e a");
    check_sort(&["metrics.f1 DESC"], "b e a c d"); // ties keep start time desc, then run id; NaN then missing last
    check_sort(&["metrics.f1"], "a b e c d");
    check_sort(&["metrics.f1 asc"], "a b e c d");
    check_sort(&["attributes.start_time"], "a b e c d");
    check_sort(&["start_time DESC"], "d c b e a");
    check_sort(&["params.model", "metrics.f1 DESC"], "a b e c d");
    check_sort(&["attributes.run_name DESC"], "d c b a e");
    check_sort(&["tags.note"], "d a b c e"); // strings compare by code point: `B` < `b`
    check_sort(&["attributes.end_time DESC"], "c b e a d");
    check_sort(&["status", "run_id DESC"], "c e b a d");
}

fn check_page(offset: usize, max_results: usize, expected: &str, total: usize, next: Option<usize>) {
    let runs = runs();
    let request = SearchRequest { offset, max_results, ..SearchRequest::default() };
    let page = search_runs(&runs, &request).unwrap();
    let ids: Vec<&str> = page.runs.iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(
        (ids.join(" ").as_str(), page.total, page.next_offset),
        (expected, total, next),
        "{offset}+{max_results}"
    );
}

#[test]
fn pages_cut_the_sorted_matches() {
    check_page(0, 2, "d c", 5, Some(2));
    check_page(1, 2, "c b", 5, Some(3));
    check_page(4, 2, "a", 5, None);
    check_page(5, 2, "", 5, None);
    check_page(50, 2, "", 5, None);
    check_page(0, 0, "", 5, Some(0));
    check_page(3, usize::MAX, "e a", 5, None);
}

#[test]
fn a_compiled_query_reports_which_order_by_clause_is_wrong() {
    let request = SearchRequest {
        order_by: vec!["metrics.f1".into(), "metrics.f1 sideways".into()],
        ..SearchRequest::default()
    };
    let error = Query::compile(&request).unwrap_err();
    assert_eq!((error.input, error.position), (SearchInput::OrderBy(1), 11));
}

/// Builds `n` runs with 12 metrics and 8 params each.
fn many_runs(n: usize) -> Vec<Run> {
    let models = ["logistic", "random_forest", "xgboost", "decision_tree"];
    (0..n)
        .map(|i| {
            let x = (i as f64 * 0.618_033_988_7).fract();
            let mut run =
                Run::new(format!("{i:032x}"), "0", format!("run {i}"), 1_700_000_000_000 + (i as i64 % 977));
            run.status = if i % 10 == 0 { RunStatus::Failed } else { RunStatus::Finished };
            for m in 0..12 {
                run.metrics.insert(format!("metric_{m}"), (x + m as f64 * 0.01).fract());
            }
            run.metrics.insert("f1".into(), x);
            for p in 0..8 {
                run.params.insert(format!("param_{p}"), format!("{}", (i + p) % 17));
            }
            run.params.insert("model".into(), models[i % 4].into());
            run.tags.insert("note".into(), if i % 3 == 0 { "baseline" } else { "tuned" }.into());
            run
        })
        .collect()
}

/// Not a test of speed (no timed assertion): prints the time of a search over 10,000 runs when
/// `CICLO_TIMING=1`, for the figure in `search.rs`'s documentation. Always checks the result's size.
#[test]
fn timing_of_a_search_over_ten_thousand_runs() {
    let runs = many_runs(10_000);
    let request = SearchRequest {
        filter: "metrics.f1 > 0.55 and params.model = 'random_forest' and tags.note LIKE '%base%'".into(),
        order_by: vec!["metrics.f1 DESC".into(), "params.param_3".into()],
        max_results: 100,
        ..SearchRequest::default()
    };
    let page = search_runs(&runs, &request).unwrap();
    assert!(page.total > 0 && page.runs.len() <= 100);
    if std::env::var("CICLO_TIMING").as_deref() == Ok("1") {
        let query = Query::compile(&request).unwrap();
        let all =
            Query::compile(&SearchRequest { order_by: request.order_by.clone(), ..SearchRequest::default() })
                .unwrap();
        let rounds = 50;
        let started = std::time::Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(query.run(&runs));
        }
        let filtered = started.elapsed() / rounds;
        let started = std::time::Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(all.run(&runs));
        }
        let sorted_all = started.elapsed() / rounds;
        println!("10,000 runs: filter + sort {filtered:?}; sort of all (no filter) {sorted_all:?}");
    }
}
