//! The bookkeeping of a hyperparameter search spread over workers: which (combination, fold) units are
//! still to hand out, which came back, which combinations are complete (and so ready to be logged as a
//! child run), and how long the rest should take. Plain data, tested natively; `search.rs` drives it
//! from the workers' answers.

use std::collections::VecDeque;

use ciclo_core::tune::{self, CombinationResult, Plan, Unit, UnitResult};

/// A search's units: handed out, returned, failed.
#[derive(Debug, Clone)]
pub struct Ledger {
    plan: Plan,
    queue: VecDeque<Unit>,
    results: Vec<UnitResult>,
    failures: Vec<(Unit, String)>,
    /// Per combination, how many of its folds came back (scored or failed).
    returned: Vec<usize>,
}

impl Ledger {
    /// Every unit of `plan`, still to do, in the plan's order (combination by combination, so the first
    /// child runs complete early and the page has something to show).
    pub fn new(plan: Plan) -> Ledger {
        let queue = plan.units.iter().copied().collect();
        let returned = vec![0; plan.combinations.len()];
        Ledger { plan, queue, results: Vec::new(), failures: Vec::new(), returned }
    }

    /// The plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The next unit to hand out, if any is left.
    pub fn next_unit(&mut self) -> Option<Unit> {
        self.queue.pop_front()
    }

    /// Records a scored unit; returns its combination when this completes it.
    pub fn record(&mut self, result: UnitResult) -> Option<usize> {
        let combination = result.combination;
        if self.results.iter().any(|r| r.combination == combination && r.fold == result.fold) {
            return None;
        }
        self.results.push(result);
        self.returned_one(combination)
    }

    /// Records a failed unit; returns its combination when this completes it.
    pub fn record_failure(&mut self, unit: Unit, error: String) -> Option<usize> {
        if self.failures.iter().any(|(u, _)| *u == unit) {
            return None;
        }
        self.failures.push((unit, error));
        self.returned_one(unit.combination)
    }

    fn returned_one(&mut self, combination: usize) -> Option<usize> {
        let count = self.returned.get_mut(combination)?;
        *count += 1;
        (*count == self.plan.k).then_some(combination)
    }

    /// Units returned (scored or failed).
    pub fn done(&self) -> usize {
        self.results.len() + self.failures.len()
    }

    /// Units in the plan.
    pub fn total(&self) -> usize {
        self.plan.units.len()
    }

    /// Whether every unit came back.
    pub fn is_complete(&self) -> bool {
        self.done() >= self.total()
    }

    /// The scored units so far.
    pub fn results(&self) -> &[UnitResult] {
        &self.results
    }

    /// The errors of combination `combination`'s failed folds.
    pub fn failures_of(&self, combination: usize) -> Vec<&str> {
        self.failures.iter().filter(|(u, _)| u.combination == combination).map(|(_, e)| e.as_str()).collect()
    }

    /// One result per combination with scores so far, best mean F1 first ([`tune::summarize`]).
    pub fn summary(&self) -> Vec<CombinationResult> {
        tune::summarize(&self.plan, &self.results)
    }

    /// The time the remaining units should take, from the pace so far: `elapsed_ms` spent on
    /// [`Ledger::done`] units. `None` before the first unit returns.
    pub fn remaining_ms(&self, elapsed_ms: f64) -> Option<f64> {
        let done = self.done();
        if done == 0 || !elapsed_ms.is_finite() {
            return None;
        }
        let left = self.total().saturating_sub(done);
        Some(elapsed_ms / done as f64 * left as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ciclo_core::metrics::evaluate;
    use ciclo_core::tune::{plan, Grid};

    fn grid() -> Grid {
        Grid { axes: vec![("max_depth".into(), vec!["2".into(), "4".into(), "6".into()])] }
    }

    fn result(combination: usize, fold: usize, f1_true_positives: usize) -> UnitResult {
        // Labels and scores chosen so that F1 differs with `f1_true_positives`.
        let labels = [true, true, true, false, false, false];
        let scores: Vec<f64> =
            labels.iter().enumerate().map(|(i, _)| if i < f1_true_positives { 0.9 } else { 0.1 }).collect();
        UnitResult { combination, fold, metrics: evaluate(&labels, &scores, 0.5).unwrap() }
    }

    #[test]
    fn units_go_out_in_plan_order_and_a_combination_completes_with_its_last_fold() {
        let mut ledger = Ledger::new(plan(&grid(), 2, 1));
        assert_eq!(ledger.total(), 6);
        let first: Vec<Unit> = (0..3).filter_map(|_| ledger.next_unit()).collect();
        assert_eq!(
            first,
            vec![
                Unit { combination: 0, fold: 0 },
                Unit { combination: 0, fold: 1 },
                Unit { combination: 1, fold: 0 }
            ]
        );
        assert_eq!(ledger.record(result(0, 1, 3)), None);
        assert_eq!(ledger.record(result(0, 1, 3)), None, "a duplicate answer is ignored");
        assert_eq!(ledger.record(result(0, 0, 2)), Some(0));
        assert_eq!(ledger.record_failure(Unit { combination: 1, fold: 0 }, "boom".into()), None);
        assert_eq!(ledger.record(result(1, 1, 3)), Some(1));
        assert_eq!(ledger.failures_of(1), vec!["boom"]);
        assert_eq!(ledger.done(), 4);
        assert!(!ledger.is_complete());
        let summary = ledger.summary();
        assert_eq!(summary.len(), 2);
        assert_eq!(summary[0].combination, 1, "combination 1 scored F1 = 1 on its one fold");
    }

    #[test]
    fn the_estimate_follows_the_pace_so_far() {
        let mut ledger = Ledger::new(plan(&grid(), 2, 1));
        assert_eq!(ledger.remaining_ms(1000.0), None);
        ledger.record(result(0, 0, 3));
        ledger.record(result(0, 1, 3));
        assert_eq!(ledger.remaining_ms(1000.0), Some(2000.0));
        for (c, f) in [(1, 0), (1, 1), (2, 0), (2, 1)] {
            ledger.record(result(c, f, 1));
        }
        assert!(ledger.is_complete());
        assert!(ledger.next_unit().is_some(), "handing out is separate from returning");
        assert_eq!(ledger.remaining_ms(3000.0), Some(0.0));
    }
}
