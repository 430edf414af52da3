//! Scenarios: what changes in the world a model serves, from which period and how strongly. Each maps to
//! the generator's [`Drift`] knobs (population and behaviour) or to a data-quality incident applied to
//! the batch as it reaches the model (the labels stay true: an incident breaks the pipe, not the
//! customers).

use serde::{Deserialize, Serialize};

use crate::dataset::{Column, ColumnData, Dataset};
use crate::telco::Drift;

/// One kind of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioKind {
    /// Data drift: a price rise shifts `MonthlyCharges` (and `TotalCharges`) up by 25% × intensity.
    /// Churn reacts through the charge, as the calibrated generator has it.
    PriceRise,
    /// Data drift: a marketing push moves 50% × intensity of the customers who would sign a one- or
    /// two-year contract to month-to-month.
    MarketingPush,
    /// Concept drift: a competitor's offer makes fiber customers churn more at equal features (+1.2 ×
    /// intensity log-odds, about three times the odds): the inputs do not move, the answer does.
    CompetitorOffer,
    /// Prediction drift: a new segment, 60% × intensity of DSL customers taking fiber, moves the scores.
    NewSegment,
    /// Data quality: `TotalCharges` arrives blank for 30% × intensity of the rows.
    BlankColumn,
    /// Data quality: a new payment method the model never saw, for 20% × intensity of the rows.
    NewCategory,
    /// Data quality: `MonthlyCharges` arrives in cents (×100) for 50% × intensity of the rows.
    UnitChange,
}

impl ScenarioKind {
    /// Every kind, in the order the page lists them.
    pub const ALL: [ScenarioKind; 7] = [
        ScenarioKind::PriceRise,
        ScenarioKind::MarketingPush,
        ScenarioKind::CompetitorOffer,
        ScenarioKind::NewSegment,
        ScenarioKind::BlankColumn,
        ScenarioKind::NewCategory,
        ScenarioKind::UnitChange,
    ];

    /// A short machine name (`price_rise`), as in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            ScenarioKind::PriceRise => "price_rise",
            ScenarioKind::MarketingPush => "marketing_push",
            ScenarioKind::CompetitorOffer => "competitor_offer",
            ScenarioKind::NewSegment => "new_segment",
            ScenarioKind::BlankColumn => "blank_column",
            ScenarioKind::NewCategory => "new_category",
            ScenarioKind::UnitChange => "unit_change",
        }
    }

    /// Reads [`ScenarioKind::as_str`].
    pub fn parse(text: &str) -> Option<ScenarioKind> {
        ScenarioKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// The value a [`ScenarioKind::NewCategory`] incident writes into `PaymentMethod`.
pub const NEW_PAYMENT_METHOD: &str = "Digital wallet";

/// A change from period `start` on, at `intensity` (1 is the documented size; 0 is no change; at most
/// 3).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// What changes.
    pub kind: ScenarioKind,
    /// The first period it applies to (periods count from 1).
    pub start: u32,
    /// How strongly, as a multiple of the documented size.
    pub intensity: f64,
}

impl Scenario {
    /// The intensity made safe to compute with: finite, in `0..=3`.
    fn strength(&self) -> f64 {
        if self.intensity.is_finite() {
            self.intensity.clamp(0.0, 3.0)
        } else {
            0.0
        }
    }

    fn active(&self, period: u32) -> bool {
        period >= self.start
    }
}

/// Ready-made stories for a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// Nothing changes: the monitoring should stay quiet (and its false alarms are worth a look).
    Calm,
    /// A price rise in week 10.
    PriceRise,
    /// A competitor's fiber offer in week 10 (concept drift).
    Competitor,
    /// A marketing push in week 8, then a price rise in week 20.
    Marketing,
    /// A new segment in week 12 (prediction drift).
    NewSegment,
    /// Data-quality incidents: blank `TotalCharges` in week 6, a new payment method in week 14, charges
    /// in cents in week 24.
    Incidents,
}

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 6] = [
        Preset::Calm,
        Preset::PriceRise,
        Preset::Competitor,
        Preset::Marketing,
        Preset::NewSegment,
        Preset::Incidents,
    ];

    /// A short machine name, as in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Calm => "calm",
            Preset::PriceRise => "price_rise",
            Preset::Competitor => "competitor",
            Preset::Marketing => "marketing",
            Preset::NewSegment => "new_segment",
            Preset::Incidents => "incidents",
        }
    }

    /// Reads [`Preset::as_str`].
    pub fn parse(text: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// The scenarios of the preset.
    pub fn scenarios(self) -> Vec<Scenario> {
        let at = |kind, start| Scenario { kind, start, intensity: 1.0 };
        match self {
            Preset::Calm => Vec::new(),
            Preset::PriceRise => vec![at(ScenarioKind::PriceRise, 10)],
            Preset::Competitor => vec![at(ScenarioKind::CompetitorOffer, 10)],
            Preset::Marketing => vec![at(ScenarioKind::MarketingPush, 8), at(ScenarioKind::PriceRise, 20)],
            Preset::NewSegment => vec![at(ScenarioKind::NewSegment, 12)],
            Preset::Incidents => vec![
                at(ScenarioKind::BlankColumn, 6),
                at(ScenarioKind::NewCategory, 14),
                at(ScenarioKind::UnitChange, 24),
            ],
        }
    }
}

/// The generator's drift in `period` under `scenarios` (several of one kind add up).
pub fn drift_at(scenarios: &[Scenario], period: u32) -> Drift {
    let mut drift = Drift::default();
    for s in scenarios.iter().filter(|s| s.active(period)) {
        let k = s.strength();
        match s.kind {
            ScenarioKind::PriceRise => drift.monthly_charges_shift += 0.25 * k,
            ScenarioKind::MarketingPush => drift.contract_mix += 0.5 * k,
            ScenarioKind::CompetitorOffer => drift.fiber_churn_boost += 1.2 * k,
            ScenarioKind::NewSegment => drift.fiber_mix += 0.6 * k,
            ScenarioKind::BlankColumn | ScenarioKind::NewCategory | ScenarioKind::UnitChange => {}
        }
    }
    drift
}

/// The batch as the model receives it in `period`: `data` with the active data-quality incidents
/// applied. Which rows an incident touches depends only on the row's position and the incident's share,
/// so the same batch is broken the same way every time.
pub fn incidents(data: &Dataset, scenarios: &[Scenario], period: u32) -> Dataset {
    let active: Vec<&Scenario> = scenarios
        .iter()
        .filter(|s| s.active(period) && s.strength() > 0.0)
        .filter(|s| {
            matches!(s.kind, ScenarioKind::BlankColumn | ScenarioKind::NewCategory | ScenarioKind::UnitChange)
        })
        .collect();
    if active.is_empty() {
        return data.clone();
    }
    // Row `r` is touched when its evenly spread rank falls under the share: r·φ mod 1 < share.
    let touched = |row: usize, share: f64| {
        let golden = 0.618_033_988_749_894_9_f64;
        (row as f64 * golden).fract() < share.clamp(0.0, 1.0)
    };
    let mut columns: Vec<Column> = data.columns().to_vec();
    for s in active {
        let k = s.strength();
        for column in columns.iter_mut() {
            match (s.kind, column.name.as_str(), &mut column.data) {
                (ScenarioKind::BlankColumn, "TotalCharges", ColumnData::Numeric(values)) => {
                    for (r, v) in values.iter_mut().enumerate() {
                        if touched(r, 0.3 * k) {
                            *v = None;
                        }
                    }
                }
                (ScenarioKind::UnitChange, "MonthlyCharges", ColumnData::Numeric(values)) => {
                    for (r, v) in values.iter_mut().enumerate() {
                        if touched(r, 0.5 * k) {
                            *v = v.map(|x| x * 100.0);
                        }
                    }
                }
                (ScenarioKind::NewCategory, "PaymentMethod", ColumnData::Categorical { levels, codes }) => {
                    let code = match levels.iter().position(|l| l == NEW_PAYMENT_METHOD) {
                        Some(i) => i as u32,
                        None => {
                            levels.push(NEW_PAYMENT_METHOD.to_string());
                            (levels.len() - 1) as u32
                        }
                    };
                    for (r, c) in codes.iter_mut().enumerate() {
                        if touched(r, 0.2 * k) {
                            *c = Some(code);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    // Same names and lengths as `data`, so this cannot fail; fall back to the batch unbroken.
    Dataset::new(data.name.clone(), columns).unwrap_or_else(|_| data.clone())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    #[test]
    fn scenarios_apply_from_their_start_and_add_up() {
        let price = |start, intensity| Scenario { kind: ScenarioKind::PriceRise, start, intensity };
        assert_eq!(drift_at(&[price(10, 1.0)], 9), Drift::default());
        assert_eq!(drift_at(&[price(10, 1.0)], 10).monthly_charges_shift, 0.25);
        assert_eq!(drift_at(&[price(10, 1.0), price(20, 1.0)], 25).monthly_charges_shift, 0.5);
        assert_eq!(drift_at(&[price(1, f64::NAN)], 5).monthly_charges_shift, 0.0);
        assert_eq!(drift_at(&[price(1, 99.0)], 5).monthly_charges_shift, 0.75);
        for preset in Preset::ALL {
            assert_eq!(Preset::parse(preset.as_str()), Some(preset));
        }
        for kind in ScenarioKind::ALL {
            assert_eq!(ScenarioKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn incidents_break_the_share_of_rows_they_say() {
        let data = crate::telco::generate(1000, 3);
        let all = |kind| vec![Scenario { kind, start: 1, intensity: 1.0 }];
        let blank = incidents(&data, &all(ScenarioKind::BlankColumn), 1);
        let ColumnData::Numeric(total) = &blank.column("TotalCharges").unwrap().data else { panic!() };
        let blanks = total.iter().filter(|v| v.is_none()).count();
        assert!((280..=320).contains(&blanks), "{blanks}");
        let cents = incidents(&data, &all(ScenarioKind::UnitChange), 1);
        let ColumnData::Numeric(charges) = &cents.column("MonthlyCharges").unwrap().data else { panic!() };
        assert!(charges.iter().flatten().filter(|&&x| x > 1000.0).count() > 400);
        let new = incidents(&data, &all(ScenarioKind::NewCategory), 1);
        let n = (0..1000)
            .filter(|&r| new.column("PaymentMethod").unwrap().cell_text(r) == NEW_PAYMENT_METHOD)
            .count();
        assert!((180..=220).contains(&n), "{n}");
        assert_eq!(incidents(&data, &all(ScenarioKind::UnitChange), 0), data);
        assert_eq!(incidents(&data, &all(ScenarioKind::PriceRise), 5), data);
    }
}
