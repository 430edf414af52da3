//! Autologging moved to the core (`ciclo_core::autolog`), so that the CLI records the same runs; it is
//! re-exported here so that the page's paths (`crate::autolog::MODEL` ...) stay as they were.

pub use ciclo_core::autolog::*;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;
    use ciclo_core::ml::{self, ModelKind, ModelParams, TrainConfig};

    /// Not a check: prints the size of each artifact of a default (100-tree) forest and boosting model on
    /// the full Telco data, for the report. `CICLO_ARTIFACT_SIZES=1 cargo test -p ciclo-app --lib sizes -- --nocapture`.
    #[test]
    fn sizes() {
        if std::env::var_os("CICLO_ARTIFACT_SIZES").is_none() {
            return;
        }
        let start = std::time::Instant::now();
        let data = ciclo_core::telco::generate(7043, 42);
        println!("generating the data: {:?}", start.elapsed());
        for kind in [ModelKind::RandomForest, ModelKind::GradientBoosting, ModelKind::DecisionTree] {
            let config = TrainConfig { params: ModelParams::default_for(kind), ..TrainConfig::default() };
            let outcome = ml::train(&data, &config, &mut |_| {}).unwrap();
            let start = std::time::Instant::now();
            let curves = test_curves(&data, &config, &outcome).unwrap();
            let rescoring = start.elapsed();

            let start = std::time::Instant::now();
            let written = artifacts(&outcome, &curves).unwrap();
            println!("{kind:?} writing the artifacts: {:?}", start.elapsed());
            for (path, content) in written {
                println!("{kind:?} {path}: {} bytes", content.len());
            }
            println!("{kind:?} rescoring: {rescoring:?}");
        }
    }
}
