//! Monitoring statistics (issue 6): known values worked by hand or read from SciPy 1.17.1, the drift
//! methods Evidently's defaults choose, no drift between identical samples and drift after a shift, the
//! PSI bands, data quality against a signature, estimated and realized performance, and alerts. The
//! cross-check against SciPy on random samples is `tests/peers/drift_parity.py`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.

use ciclo_core::dataset::{Column, Dataset};
use ciclo_core::monitor::special::{chi2_sf, kolmogorov_sf, normal_sf};
use ciclo_core::monitor::stattest::{
    chi_square_drift, jensen_shannon, proportion_z_test, wasserstein_distance,
};
use ciclo_core::monitor::*;
use ciclo_core::rng;
use ciclo_core::serving::{ColSpec, ColType, Signature};
use rand::Rng as _;
use rand_distr::{Distribution, Normal};

fn close(ours: f64, expected: f64, tolerance: f64) {
    assert!((ours - expected).abs() <= tolerance, "{ours} vs {expected} (tolerance {tolerance})");
}

fn normal(n: usize, mean: f64, sd: f64, seed: u64) -> Vec<f64> {
    let mut rng = rng::seeded(seed);
    let dist = Normal::new(mean, sd).unwrap();
    (0..n).map(|_| dist.sample(&mut rng)).collect()
}

fn labels(values: &[&str]) -> Column {
    Column::categorical("c", &values.iter().map(|v| Some(*v)).collect::<Vec<_>>())
}

/// `n` copies of each `(value, count)`.
fn repeated(counts: &[(&'static str, usize)]) -> Vec<&'static str> {
    counts.iter().flat_map(|&(v, n)| std::iter::repeat_n(v, n)).collect()
}

// ---- The statistics, by hand and from SciPy -------------------------------------------------------

#[test]
fn kolmogorov_smirnov_known_values() {
    // (reference, current, D, p): all exact. 2 + 3 fully separated: 2 of C(5, 2) = 10 orderings.
    let check = |a: &[f64], b: &[f64], d: f64, p: f64| {
        let t = ks_2samp(a, b).unwrap();
        close(t.statistic, d, 1e-15);
        close(t.p_value, p, 1e-14);
        assert_eq!(t.method, KsMethod::Exact);
    };
    check(&[1.0, 2.0], &[3.0, 4.0, 5.0], 1.0, 0.2);
    check(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0], 1.0, 0.1);
    check(
        &[1.0, 2.0, 3.0, 4.0, 5.0],
        &[3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
        4.0 / 7.0,
        0.237_373_737_373_737_38,
    );
    check(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0], 0.0, 1.0);
}

#[test]
fn kolmogorov_smirnov_refuses_empty_and_non_finite_samples() {
    assert_eq!(ks_2samp(&[], &[1.0]), Err(MonitorError::EmptySample { side: Side::Reference }));
    assert_eq!(
        ks_2samp(&[1.0], &[2.0, f64::NAN]),
        Err(MonitorError::NonFinite { side: Side::Current, index: 1 })
    );
}

#[test]
fn chi_square_of_current_counts_against_reference_shares() {
    // Expected 50, 30, 20; observed 40, 40, 20: χ² = 100/50 + 100/30 = 16/3, two degrees of freedom,
    // p = e^(−χ²/2).
    let t = chi_square_drift(&[50, 30, 20], &[40, 40, 20]).unwrap();
    close(t.statistic.unwrap(), 16.0 / 3.0, 1e-14);
    assert_eq!(t.dof, 2);
    close(t.p_value, (-8.0f64 / 3.0).exp(), 1e-15);
    // Reference half the size: expected counts are scaled to the current total.
    let t = chi_square_drift(&[25, 15, 10], &[40, 40, 20]).unwrap();
    close(t.statistic.unwrap(), 16.0 / 3.0, 1e-14);
    // A category the reference never had: infinite statistic, p = 0.
    let t = chi_square_drift(&[50, 50, 0], &[40, 40, 20]).unwrap();
    assert_eq!((t.statistic, t.p_value), (None, 0.0));
    assert_eq!(chi_square_drift(&[5], &[5]), Err(MonitorError::TooFewCategories { found: 1 }));
}

#[test]
fn two_proportion_z_test() {
    // 30 of 100 against 50 of 100: pooled 0.4, z = −0.2 / √(0.24 · 0.02).
    let t = proportion_z_test(30, 100, 50, 100).unwrap();
    close(t.z, -2.886_751_345_948_129, 1e-14);
    close(t.p_value, 0.003_892_417_122_778_546_5, 1e-15);
    // One and the same value on both sides: nothing to test.
    assert_eq!(proportion_z_test(0, 10, 0, 20).unwrap().p_value, 1.0);
    assert_eq!(proportion_z_test(1, 0, 0, 20), Err(MonitorError::EmptySample { side: Side::Reference }));
}

#[test]
fn wasserstein_and_jensen_shannon_known_values() {
    close(wasserstein_distance(&[0.0, 1.0, 3.0], &[5.0, 6.0, 8.0]).unwrap(), 5.0, 1e-15);
    close(wasserstein_distance(&[0.0, 1.0], &[0.0, 2.0]).unwrap(), 0.5, 1e-15);
    close(wasserstein_distance(&[2.0, 2.0], &[2.0]).unwrap(), 0.0, 0.0);
    close(jensen_shannon(&[1.0, 0.0], &[0.5, 0.5]).unwrap(), 0.464_501_404_022_459, 1e-15);
    close(jensen_shannon(&[1.0, 0.0, 0.0], &[0.0, 1.0, 0.0]).unwrap(), 2f64.ln().sqrt(), 1e-15);
    close(jensen_shannon(&[3.0, 1.0], &[0.75, 0.25]).unwrap(), 0.0, 1e-15);
}

#[test]
fn distribution_tails() {
    // (function value, SciPy's)
    let cases = [
        (normal_sf(1.959_963_984_540_054), 0.025),
        (chi2_sf(5.991_464_547_107_979, 2), 0.05),
        (chi2_sf(11.070_497_693_516_351, 5), 0.05),
        // kstwo.sf at the points where each of its methods takes over.
        (kolmogorov_sf(10, 0.05), 1.0),
        (kolmogorov_sf(10, 0.95), 2.0 * 0.05f64.powi(10)),
        (kolmogorov_sf(100, 0.6), 2.0 * ciclo_core::monitor::special::smirnov_sf(100, 0.6)),
    ];
    for (ours, expected) in cases {
        close(ours, expected, 1e-12 * expected.max(1e-300));
    }
}

// ---- Method choice and drift -----------------------------------------------------------------------

#[test]
fn evidently_chooses_the_method_by_size_and_kind() {
    let options = DriftOptions::default();
    let check = |rows, kind, distinct, expected: (DriftMethod, Reason)| {
        assert_eq!(
            options.choose(rows, kind, distinct),
            expected,
            "{rows} rows, {kind:?}, {distinct} values"
        );
    };
    use DriftMethod::*;
    use Reason::*;
    check(1000, ValueKind::Numeric, 6, (KolmogorovSmirnov, SmallNumeric));
    check(1000, ValueKind::Numeric, 5, (ChiSquare, SmallCategorical));
    check(1000, ValueKind::Numeric, 2, (ZTest, SmallBinary));
    check(500, ValueKind::Categorical, 3, (ChiSquare, SmallCategorical));
    check(500, ValueKind::Categorical, 40, (ChiSquare, SmallCategorical));
    check(500, ValueKind::Categorical, 2, (ZTest, SmallBinary));
    check(500, ValueKind::Categorical, 1, (ZTest, SmallBinary));
    check(1001, ValueKind::Numeric, 6, (Wasserstein, LargeNumeric));
    check(1001, ValueKind::Numeric, 5, (JensenShannon, LargeCategorical));
    check(1001, ValueKind::Categorical, 2, (JensenShannon, LargeCategorical));
}

#[test]
fn identical_samples_do_not_drift() {
    let options = DriftOptions::default();
    let small = normal(500, 0.0, 1.0, 1);
    let large = normal(3000, 0.0, 1.0, 2);
    let cats = labels(&repeated(&[("a", 300), ("b", 150), ("c", 50)]));
    let binary = labels(&repeated(&[("yes", 120), ("no", 380)]));
    let many = labels(&repeated(&[("a", 1500), ("b", 900), ("c", 100)]));
    let cases = [
        numeric_drift("x", &small, &small, &options).unwrap(),
        numeric_drift("x", &large, &large, &options).unwrap(),
        column_drift(&cats, &cats, &options).unwrap(),
        column_drift(&binary, &binary, &options).unwrap(),
        column_drift(&many, &many, &options).unwrap(),
    ];
    let methods: Vec<DriftMethod> = cases.iter().map(|c| c.method).collect();
    use DriftMethod::*;
    assert_eq!(methods, [KolmogorovSmirnov, Wasserstein, ChiSquare, ZTest, JensenShannon]);
    for case in &cases {
        assert!(!case.drifted, "{case:?}");
        let expected = if case.method.is_p_value() { 1.0 } else { 0.0 };
        close(case.score, expected, 1e-12);
    }
}

#[test]
fn a_shifted_normal_drifts() {
    let options = DriftOptions::default();
    // Half a standard deviation: KS on 500 rows, Wasserstein on 3,000 (distance ≈ 0.5 std).
    let small = numeric_drift("x", &normal(500, 0.0, 1.0, 3), &normal(500, 0.5, 1.0, 4), &options).unwrap();
    assert_eq!((small.method, small.drifted), (DriftMethod::KolmogorovSmirnov, true));
    assert!(small.score < 1e-6, "{small:?}");
    let large = numeric_drift("x", &normal(3000, 0.0, 1.0, 5), &normal(3000, 0.5, 1.0, 6), &options).unwrap();
    assert_eq!((large.method, large.drifted), (DriftMethod::Wasserstein, true));
    close(large.score, 0.5, 0.1);
    // A twentieth of a standard deviation is under Wasserstein's 0.1.
    let slight =
        numeric_drift("x", &normal(3000, 0.0, 1.0, 7), &normal(3000, 0.05, 1.0, 8), &options).unwrap();
    assert!(!slight.drifted, "{slight:?}");
}

#[test]
fn a_changed_category_mix_drifts() {
    let options = DriftOptions::default();
    let reference = labels(&repeated(&[("Month-to-month", 550), ("One year", 210), ("Two year", 240)]));
    let current = labels(&repeated(&[("Month-to-month", 400), ("One year", 300), ("Two year", 300)]));
    let d = column_drift(&reference, &current, &options).unwrap();
    assert_eq!(
        (d.method, d.reason, d.drifted, d.distinct),
        (DriftMethod::ChiSquare, Reason::SmallCategorical, true, 3)
    );
    // A new category appears: the chi-square statistic is infinite, p = 0.
    let current =
        labels(&repeated(&[("Month-to-month", 540), ("One year", 210), ("Two year", 240), ("Weekly", 10)]));
    let d = column_drift(&reference, &current, &options).unwrap();
    assert_eq!((d.score, d.statistic, d.drifted), (0.0, None, true));
}

#[test]
fn missing_values_are_left_out_and_kinds_must_match() {
    let options = DriftOptions::default();
    let reference = Column::numeric("x", vec![Some(1.0), None, Some(2.0), Some(f64::NAN), Some(3.0)]);
    let d = column_drift(&reference, &reference, &options).unwrap();
    assert_eq!((d.reference_rows, d.distinct, d.method), (3, 3, DriftMethod::ChiSquare));
    let blank = Column::numeric("x", vec![None, None]);
    assert_eq!(
        column_drift(&reference, &blank, &options),
        Err(MonitorError::EmptySample { side: Side::Current })
    );
    let text = labels(&["a", "b"]);
    assert!(matches!(column_drift(&reference, &text, &options), Err(MonitorError::KindMismatch { .. })));
}

#[test]
fn a_data_set_drifts_when_half_its_columns_do() {
    let options = DriftOptions::default();
    let data = |shift: f64, seed: u64| {
        let x = normal(400, shift, 1.0, seed).into_iter().map(Some).collect();
        let y = normal(400, 0.0, 1.0, seed + 100).into_iter().map(Some).collect();
        Dataset::new("d", vec![Column::numeric("x", x), Column::numeric("y", y)]).unwrap()
    };
    let (reference, current) = (data(0.0, 10), data(1.0, 20));
    let drift = dataset_drift(&reference, &current, &["x", "y"], &options);
    assert_eq!((drift.drifted_columns, drift.share, drift.drifted), (1, 0.5, true));
    let drift = dataset_drift(&reference, &current, &["x", "y", "z"], &options);
    assert_eq!(
        drift.skipped,
        vec![SkippedColumn { column: "z".into(), skip: Skip::Absent { side: Side::Reference } }]
    );
    assert!(drift.drifted);
    let drift = dataset_drift(&reference, &data(0.0, 10), &["x", "y"], &options);
    assert_eq!((drift.drifted_columns, drift.drifted), (0, false));
}

// ---- PSI -------------------------------------------------------------------------------------------

#[test]
fn psi_bands() {
    let check = |psi, band| assert_eq!(PsiBand::of(psi), band, "{psi}");
    check(0.0, PsiBand::Stable);
    check(0.099_999, PsiBand::Stable);
    check(0.1, PsiBand::Moderate);
    check(0.249_999, PsiBand::Moderate);
    check(0.25, PsiBand::Significant);
    check(3.0, PsiBand::Significant);
    assert!(PsiBand::Significant > PsiBand::Moderate && PsiBand::Moderate > PsiBand::Stable);
}

#[test]
fn psi_of_categories_and_deciles() {
    // 50/50 → 25/75: 0.25 ln 2 + 0.25 ln 1.5.
    let p = psi(
        &labels(&repeated(&[("a", 50), ("b", 50)])),
        &labels(&repeated(&[("a", 25), ("b", 75)])),
        PsiBinning::default(),
    )
    .unwrap();
    close(p.psi, 0.274_653_072_167_027_45, 1e-15);
    assert_eq!(p.band, PsiBand::Significant);
    // An empty bin is filled with 0.0001 on its side.
    let p = psi(&labels(&["a", "a"]), &labels(&["a", "b"]), PsiBinning::default()).unwrap();
    close(p.psi, (1.0 - 0.5) * (1.0f64 / 0.5).ln() + (0.0001 - 0.5) * (0.0001f64 / 0.5).ln(), 1e-15);
    // The same distribution: ten deciles of about a tenth each on both sides.
    let reference = normal(5000, 0.0, 1.0, 30);
    let p = numeric_psi("x", &reference, &normal(5000, 0.0, 1.0, 31), PsiBinning::default()).unwrap();
    assert_eq!(p.bins.len(), 10);
    assert_eq!(p.band, PsiBand::Stable);
    assert!(matches!(p.bins[0].bucket, Bucket::Range { lower: None, upper: Some(_) }));
    assert!(matches!(p.bins[9].bucket, Bucket::Range { lower: Some(_), upper: None }));
    let shifted = numeric_psi("x", &reference, &normal(5000, 1.0, 1.0, 32), PsiBinning::default()).unwrap();
    assert_eq!(shifted.band, PsiBand::Significant);
    // Evidently's Sturges bins agree on the reading.
    let sturges = numeric_psi("x", &reference, &normal(5000, 1.0, 1.0, 32), PsiBinning::Sturges).unwrap();
    assert_eq!(sturges.band, PsiBand::Significant);
}

// ---- Data quality ----------------------------------------------------------------------------------

fn signature() -> Signature {
    let spec = |name: &str, kind, levels: &[&str]| ColSpec {
        name: name.into(),
        kind,
        levels: levels.iter().map(|l| l.to_string()).collect(),
        reference: String::new(),
    };
    Signature {
        inputs: vec![
            spec("tenure", ColType::Double, &[]),
            spec("Contract", ColType::String, &["Month-to-month", "One year", "Two year"]),
            spec("MonthlyCharges", ColType::Double, &[]),
            spec("gender", ColType::String, &["Female", "Male"]),
        ],
        target: "Churn".into(),
        positive: "Yes".into(),
    }
}

#[test]
fn quality_against_the_signature() {
    let reference = Dataset::new(
        "reference",
        vec![
            Column::numeric("tenure", vec![Some(0.0), Some(72.0), Some(30.0)]),
            Column::numeric("MonthlyCharges", vec![Some(18.0), Some(120.0), Some(60.0)]),
        ],
    )
    .unwrap();
    let ranges = reference_ranges(&reference, &signature());
    assert_eq!(ranges.len(), 2);
    let batch = Dataset::new(
        "batch",
        vec![
            Column::numeric("tenure", vec![Some(10.0), None, Some(80.0), Some(5.0)]),
            Column::categorical("Contract", &[Some("One year"), Some("Weekly"), Some("Weekly"), None]),
            // A unit change upstream: the charges arrive as text.
            Column::categorical("MonthlyCharges", &[Some("$20"), Some("$30"), Some("$40"), Some("$50")]),
        ],
    )
    .unwrap();
    let report = check_quality(&batch, &signature(), &ranges, 0.0);
    let summary: Vec<(&str, ColumnStatus, usize, usize, usize)> = report
        .columns
        .iter()
        .map(|c| {
            (
                c.column.as_str(),
                c.status.clone(),
                c.missing,
                c.unseen.iter().map(|u| u.count).sum(),
                c.out_of_range,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("tenure", ColumnStatus::Ok, 1, 0, 1),
            ("Contract", ColumnStatus::Ok, 1, 2, 0),
            ("MonthlyCharges", ColumnStatus::WrongType { expected: ColType::Double }, 0, 0, 0),
            ("gender", ColumnStatus::Absent, 4, 0, 0),
        ]
    );
    assert_eq!(report.columns[1].unseen, vec![UnseenCategory { value: "Weekly".into(), count: 2 }]);
    close(report.columns[1].unseen_share, 0.5, 0.0);
    // A margin of 10% of the width (72) accepts up to 79.2: 80 is still out.
    assert_eq!(check_quality(&batch, &signature(), &ranges, 0.1).columns[0].out_of_range, 1);
    assert_eq!(check_quality(&batch, &signature(), &ranges, 0.2).columns[0].out_of_range, 0);
    assert_eq!(report.problems().count(), 4);
}

// ---- Performance -----------------------------------------------------------------------------------

#[test]
fn expected_confusion_from_probabilities() {
    let e = estimate_performance(&[0.9, 0.8, 0.3, 0.1], 0.5).unwrap();
    let c = e.confusion;
    for (ours, expected) in [(c.tp, 1.7), (c.fp, 0.3), (c.fn_, 0.4), (c.tn, 1.6)] {
        close(ours, expected, 1e-15);
    }
    close(e.precision, 0.85, 1e-15);
    close(e.recall, 1.7 / 2.1, 1e-15);
    close(e.f1, 3.4 / 4.1, 1e-15);
    close(e.accuracy, 0.825, 1e-15);
    // Pairs by hand: 0.1·0.45 + 0.3·1.25 + 0.8·1.7 + 0.9·1.85 = 3.445 over 2.1 · 1.9.
    close(e.roc_auc.unwrap(), 3.445 / 3.99, 1e-15);
    assert_eq!(expected_roc_auc(&[0.0, 0.0]), None);
    assert!(matches!(estimate_performance(&[], 0.5), Err(MonitorError::NoRows)));
    assert!(matches!(estimate_performance(&[1.5], 0.5), Err(MonitorError::Metrics(_))));
}

#[test]
fn calibrated_probabilities_estimate_the_realized_performance() {
    // Labels drawn with exactly the scores' probabilities: the estimate is right up to sampling noise.
    let mut rng = rng::seeded(40);
    let scores: Vec<f64> = (0..20_000).map(|_| rng.gen::<f64>().powi(2)).collect();
    let labels: Vec<bool> = scores.iter().map(|&p| rng.gen::<f64>() < p).collect();
    let estimated = estimate_performance(&scores, 0.5).unwrap();
    let realized = realized_performance(&labels, &scores, 0.5).unwrap();
    close(estimated.f1, realized.f1, 0.02);
    close(estimated.accuracy, realized.accuracy, 0.02);
    close(estimated.roc_auc.unwrap(), realized.roc_auc.unwrap(), 0.02);
    assert!(realized.calibration_error < 0.02, "{}", realized.calibration_error);
}

#[test]
fn realized_performance_and_calibration_error() {
    let r = realized_performance(&[true, true, false, false], &[0.9, 0.4, 0.6, 0.1], 0.5).unwrap();
    assert_eq!((r.precision, r.recall, r.f1, r.accuracy, r.roc_auc), (0.5, 0.5, 0.5, 0.5, Some(0.75)));
    // One row per bin: (0.1 + 0.6 + 0.6 + 0.1) / 4.
    close(r.calibration_error, 0.35, 1e-15);
    let one_class = realized_performance(&[true, true], &[0.9, 0.4], 0.5).unwrap();
    assert_eq!(one_class.roc_auc, None);
    assert!(matches!(realized_performance(&[true], &[0.9, 0.4], 0.5), Err(MonitorError::Metrics(_))));
}

// ---- A period and its alerts -----------------------------------------------------------------------

fn period(seed: u64, rows: usize, shift: f64, new_contract: bool) -> (Dataset, Vec<f64>, Vec<bool>) {
    let mut rng = rng::seeded(seed);
    let tenure: Vec<Option<f64>> = (0..rows).map(|_| Some((rng.gen::<f64>() * 72.0).floor())).collect();
    let charges: Vec<Option<f64>> =
        (0..rows).map(|_| Some(20.0 + rng.gen::<f64>() * 100.0 + shift)).collect();
    let contracts = ["Month-to-month", "One year", "Two year"];
    let contract: Vec<Option<&str>> = (0..rows)
        .map(|i| Some(if new_contract && i % 10 == 0 { "Weekly" } else { contracts[rng.gen_range(0..3)] }))
        .collect();
    let gender: Vec<Option<&str>> = (0..rows)
        .map(|i| if shift > 0.0 && i % 5 == 0 { None } else { Some(["Female", "Male"][i % 2]) })
        .collect();
    let scores: Vec<f64> = tenure.iter().map(|t| 0.8 - t.unwrap() / 100.0).collect();
    let labels: Vec<bool> = scores.iter().map(|&p| rng.gen::<f64>() < p).collect();
    let data = Dataset::new(
        "period",
        vec![
            Column::numeric("tenure", tenure),
            Column::categorical("Contract", &contract),
            Column::numeric("MonthlyCharges", charges),
            Column::categorical("gender", &gender),
        ],
    )
    .unwrap();
    (data, scores, labels)
}

#[test]
fn a_quiet_period_raises_no_alert() {
    let (reference, reference_scores, reference_labels) = period(1, 2000, 0.0, false);
    let (current, scores, labels) = period(2, 800, 0.0, false);
    let reference = Reference { data: &reference, scores: &reference_scores };
    let batch = Batch { data: &current, scores: &scores, labels: Some(&labels) };
    let report = monitor(&signature(), &reference, &batch, &MonitorOptions::default()).unwrap();
    assert_eq!(report.data_drift.columns.len(), 4);
    assert!(!report.data_drift.drifted, "{:?}", report.data_drift);
    let baseline =
        Baseline { f1: realized_performance(&reference_labels, &reference_scores, 0.5).unwrap().f1 };
    assert_eq!(alerts(&report, &baseline, &Thresholds::default()), vec![]);
    // The report is stored by the page: it survives JSON.
    let json = serde_json::to_string(&report).unwrap();
    assert_eq!(serde_json::from_str::<PeriodReport>(&json).unwrap(), report);
}

#[test]
fn a_price_rise_and_a_new_contract_raise_alerts() {
    let (reference, reference_scores, _) = period(1, 2000, 0.0, false);
    let (current, scores, _) = period(3, 800, 30.0, true);
    let reference = Reference { data: &reference, scores: &reference_scores };
    let batch = Batch { data: &current, scores: &scores, labels: None };
    let report = monitor(&signature(), &reference, &batch, &MonitorOptions::default()).unwrap();
    assert!(report.realized.is_none() && report.estimated.is_some());
    let kinds: Vec<String> = alerts(&report, &Baseline { f1: 0.0 }, &Thresholds::default())
        .iter()
        .map(|a| serde_json::to_value(a).unwrap()["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["data_drift", "psi", "psi", "unseen_categories", "out_of_range", "missing_values"]);
    let drifted: Vec<&str> =
        report.data_drift.columns.iter().filter(|c| c.drifted).map(|c| c.column.as_str()).collect();
    assert_eq!(drifted, ["Contract", "MonthlyCharges"]);
}
