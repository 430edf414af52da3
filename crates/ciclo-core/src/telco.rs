//! A seeded synthetic generator of IBM's Telco Customer Churn data: the built-in data set of the playground.
//!
//! [`generate`] writes the same 21 columns as the real sample (`customerID` ... `Churn`, in the same order,
//! with the same value sets), drawing each customer from a chain of small models fitted on the real file
//! (the figures live in `telco/calibration.rs`, produced by `tests/peers/telco_fidelity.py --fit`): the
//! household, then the contract, a tenure from the real histogram of that contract, the internet service,
//! the phone line and add-ons, billing and payment, the monthly charge as the price of those services, the
//! total charge as months times charge plus a random walk, and churn from a logistic model of all of them.
//! No row of the real file is in the crate.
//!
//! Every draw comes from [`crate::rng`]. Each row owns a fixed block of the random stream, so a [`Drift`]
//! that changes one customer's contract does not change the draws of the next customer: generating with
//! and without drift from one seed gives the same customers, drifted. Logarithms, exponentials and cosines
//! come from `libm`, not the platform's math library, so that a seed draws the same data natively and in
//! WebAssembly (see [`crate::num`]).

mod calibration;

use std::collections::BTreeSet;

use rand::Rng as _;
use serde::{Deserialize, Serialize};

use crate::dataset::{Column, ColumnData, Dataset};
use crate::rng;
use calibration::Logit;

/// The column to predict: `Yes` when the customer left.
pub const TARGET: &str = "Churn";

/// The customer identifier column: unique per row, not a feature.
pub const ID_COLUMN: &str = "customerID";

/// The name of generated data sets.
pub const DATASET_NAME: &str = "telco-synthetic";

/// The most rows [`generate_with`] writes (a larger request is cut to this): a million customers take
/// about two seconds and 300 megabytes natively, far more than a browser playground needs.
pub const MAX_ROWS: usize = 1_000_000;

/// The header of the real file, in order; [`generate`] writes exactly these columns.
pub const COLUMNS: [&str; 21] = [
    ID_COLUMN,
    "gender",
    "SeniorCitizen",
    "Partner",
    "Dependents",
    "tenure",
    "PhoneService",
    "MultipleLines",
    "InternetService",
    "OnlineSecurity",
    "OnlineBackup",
    "DeviceProtection",
    "TechSupport",
    "StreamingTV",
    "StreamingMovies",
    "Contract",
    "PaperlessBilling",
    "PaymentMethod",
    "MonthlyCharges",
    "TotalCharges",
    TARGET,
];

/// Changes to the customer population or to their behaviour, to simulate production data drifting away from
/// the training data. [`Drift::default`] is no drift; every knob at zero leaves the generator as calibrated.
///
/// Shares are clamped to `0..=1` and a knob that is not a finite number counts as zero, so any value a form
/// can produce gives a data set.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Drift {
    /// Relative change of every price: `0.1` makes monthly charges (and so total charges) 10% higher.
    /// Churn reacts through its dependence on the monthly charge. At least `-1` (free service).
    pub monthly_charges_shift: f64,
    /// Share of the customers who would have signed a one- or two-year contract that take month-to-month
    /// instead (their tenure, services and churn then follow the month-to-month pattern).
    pub contract_mix: f64,
    /// Share of the DSL customers who take fiber optic instead.
    pub fiber_mix: f64,
    /// Extra log-odds of churn for fiber-optic customers (concept drift: `0.7` roughly doubles their odds).
    pub fiber_churn_boost: f64,
    /// Extra log-odds of churn for every customer (concept drift).
    pub churn_boost: f64,
}

/// `rows` synthetic customers from `seed`, as calibrated (no drift).
pub fn generate(rows: usize, seed: u64) -> Dataset {
    generate_with(rows, seed, &Drift::default())
}

/// `rows` synthetic customers (at most [`MAX_ROWS`]) from `seed` under `drift`. Customer `i` is drawn
/// from its own block of the seed's stream, so the first rows of a longer data set are the rows of a
/// shorter one, and the same seed with another drift gives the same customers, changed only where the
/// drift applies.
pub fn generate_with(rows: usize, seed: u64, drift: &Drift) -> Dataset {
    let rows = rows.min(MAX_ROWS);
    let knobs = Knobs::from(drift);
    let mut draws = Draws::new(seed);
    let customers: Vec<Customer> = (0..rows)
        .map(|row| {
            draws.start_row(row);
            Customer::draw(&mut draws, &knobs)
        })
        .collect();
    let ids = customer_ids(rows, seed);
    let columns = columns(&customers, ids);
    match Dataset::new(DATASET_NAME, columns) {
        Ok(data) => data,
        // `columns` always returns the 21 distinct names of `COLUMNS` with `rows` values each, which
        // `Dataset::new` cannot refuse, so this arm never runs.
        Err(error) => unreachable!("the telco generator built an invalid table: {error}"),
    }
}

// ------------------------------------------------------------------------------------------------ drift

/// A [`Drift`] made safe to compute with.
struct Knobs {
    price_factor: f64,
    contract_mix: f64,
    fiber_mix: f64,
    fiber_churn_boost: f64,
    churn_boost: f64,
}

impl From<&Drift> for Knobs {
    fn from(drift: &Drift) -> Knobs {
        let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
        let share = |x: f64| finite(x).clamp(0.0, 1.0);
        Knobs {
            price_factor: (1.0 + finite(drift.monthly_charges_shift)).max(0.0),
            contract_mix: share(drift.contract_mix),
            fiber_mix: share(drift.fiber_mix),
            fiber_churn_boost: finite(drift.fiber_churn_boost),
            churn_boost: finite(drift.churn_boost),
        }
    }
}

// ------------------------------------------------------------------------------------------------ randomness

/// The random stream of the customers' attributes (`telcorow`), apart from the identifiers'.
const ROW_STREAM: u64 = u64::from_be_bytes(*b"telcorow");

/// The random stream of the customer identifiers (`telco-id`): drawing them may take a few extra draws to
/// avoid a repeat, which must not shift the attributes.
const ID_STREAM: u64 = u64::from_be_bytes(*b"telco-id");

/// 32-bit words of the stream reserved for each customer: 32 uniform draws, of which a customer uses 25.
const WORDS_PER_ROW: u128 = 64;

/// The uniform and normal draws of one customer.
struct Draws {
    rng: rng::Rng,
}

impl Draws {
    fn new(seed: u64) -> Draws {
        Draws { rng: rng::stream(seed, ROW_STREAM) }
    }

    /// Moves to the block of customer `row`.
    fn start_row(&mut self, row: usize) {
        self.rng.set_word_pos(row as u128 * WORDS_PER_ROW);
    }

    /// Uniform in `[0, 1)` (53 random bits, the same on every target).
    fn uniform(&mut self) -> f64 {
        self.rng.gen::<f64>()
    }

    /// `true` with probability `p`.
    fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// `true` with the probability given by log-odds `score`.
    fn logistic(&mut self, score: f64) -> bool {
        self.bernoulli(sigmoid(score))
    }

    /// A standard normal draw (Box–Muller, always two uniform draws), clamped to ±4 so that no charge
    /// runs away.
    fn normal(&mut self) -> f64 {
        let radius = (-2.0 * libm::log(1.0 - self.uniform())).sqrt();
        let angle = std::f64::consts::TAU * self.uniform();
        (radius * libm::cos(angle)).clamp(-4.0, 4.0)
    }

    /// An index in `0..weights.len()` with probability proportional to its weight (the last index if the
    /// weights are all zero).
    fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut target = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if target < *w {
                return i;
            }
            target -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// A class index drawn from a multinomial logistic model (one log-odds model per class).
    fn softmax(&mut self, x: &Covariates, models: &[Logit]) -> usize {
        let scores: Vec<f64> = models.iter().map(|m| x.score(m)).collect();
        let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let weights: Vec<f64> = scores.iter().map(|s| libm::exp(s - top)).collect();
        self.pick(&weights)
    }
}

fn sigmoid(score: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-score))
}

// ------------------------------------------------------------------------------------------------ covariates

/// The covariates of the fitted models, as they are known so far for one customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Feature {
    Intercept,
    Male,
    Senior,
    Partner,
    Dependents,
    OneYear,
    TwoYear,
    /// `tenure / 72`.
    Tenure,
    /// `(tenure / 72)²`.
    TenureSq,
    /// `ln(1 + tenure) / ln 73`.
    LogTenure,
    Dsl,
    Fiber,
    Phone,
    MultipleLines,
    OnlineSecurity,
    OnlineBackup,
    DeviceProtection,
    TechSupport,
    StreamingTV,
    StreamingMovies,
    Paperless,
    PayBank,
    PayCard,
    PayMailed,
    /// Monthly charge in dollars / 100.
    MonthlyCharges,
}

/// The number of [`Feature`]s.
const N_FEATURES: usize = Feature::MonthlyCharges as usize + 1;

/// The add-on columns, in column order, with their covariates.
const ADDONS: [(&str, Feature); 6] = [
    ("OnlineSecurity", Feature::OnlineSecurity),
    ("OnlineBackup", Feature::OnlineBackup),
    ("DeviceProtection", Feature::DeviceProtection),
    ("TechSupport", Feature::TechSupport),
    ("StreamingTV", Feature::StreamingTV),
    ("StreamingMovies", Feature::StreamingMovies),
];

/// A value per [`Feature`]; a covariate not yet drawn is zero.
struct Covariates([f64; N_FEATURES]);

impl Covariates {
    fn new() -> Covariates {
        let mut x = Covariates([0.0; N_FEATURES]);
        x.set(Feature::Intercept, 1.0);
        x
    }

    fn set(&mut self, feature: Feature, value: f64) {
        if let Some(slot) = self.0.get_mut(feature as usize) {
            *slot = value;
        }
    }

    fn flag(&mut self, feature: Feature, on: bool) {
        self.set(feature, if on { 1.0 } else { 0.0 });
    }

    fn get(&self, feature: Feature) -> f64 {
        self.0.get(feature as usize).copied().unwrap_or(0.0)
    }

    /// The log-odds (or the linear prediction) of `model`.
    fn score(&self, model: &[(Feature, f64)]) -> f64 {
        model.iter().map(|&(feature, weight)| weight * self.get(feature)).sum()
    }
}

// ------------------------------------------------------------------------------------------------ customers

/// The contract, in the calibration's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Contract {
    MonthToMonth,
    OneYear,
    TwoYear,
}

impl Contract {
    fn label(self) -> &'static str {
        match self {
            Contract::MonthToMonth => "Month-to-month",
            Contract::OneYear => "One year",
            Contract::TwoYear => "Two year",
        }
    }
}

/// The internet service, in the calibration's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Internet {
    No,
    Dsl,
    Fiber,
}

impl Internet {
    fn label(self) -> &'static str {
        match self {
            Internet::No => "No",
            Internet::Dsl => "DSL",
            Internet::Fiber => "Fiber optic",
        }
    }
}

/// The payment method, in the calibration's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Payment {
    ElectronicCheck,
    BankTransfer,
    CreditCard,
    MailedCheck,
}

impl Payment {
    fn label(self) -> &'static str {
        match self {
            Payment::ElectronicCheck => "Electronic check",
            Payment::BankTransfer => "Bank transfer (automatic)",
            Payment::CreditCard => "Credit card (automatic)",
            Payment::MailedCheck => "Mailed check",
        }
    }
}

/// One synthetic customer (all but the identifier).
struct Customer {
    male: bool,
    senior: bool,
    partner: bool,
    dependents: bool,
    tenure: u32,
    phone: bool,
    /// `None` without a phone line.
    multiple_lines: Option<bool>,
    internet: Internet,
    /// In [`ADDONS`] order; `None` without internet.
    addons: [Option<bool>; 6],
    contract: Contract,
    paperless: bool,
    payment: Payment,
    monthly_charges: f64,
    /// `None` for a customer who joined this month (tenure 0), as in the real file.
    total_charges: Option<f64>,
    churn: bool,
}

impl Customer {
    /// Draws a customer: 25 uniform draws, always in the same order whatever the drift.
    fn draw(draws: &mut Draws, knobs: &Knobs) -> Customer {
        use calibration as c;
        let mut x = Covariates::new();

        let male = draws.bernoulli(c::P_MALE);
        x.flag(Feature::Male, male);
        let senior = draws.bernoulli(c::P_SENIOR);
        x.flag(Feature::Senior, senior);
        let partner = draws.logistic(x.score(c::PARTNER));
        x.flag(Feature::Partner, partner);
        let dependents = draws.logistic(x.score(c::DEPENDENTS));
        x.flag(Feature::Dependents, dependents);

        let mut contract = match draws.softmax(&x, &c::CONTRACT) {
            0 => Contract::MonthToMonth,
            1 => Contract::OneYear,
            _ => Contract::TwoYear,
        };
        if draws.bernoulli(knobs.contract_mix) && contract != Contract::MonthToMonth {
            contract = Contract::MonthToMonth;
        }
        x.flag(Feature::OneYear, contract == Contract::OneYear);
        x.flag(Feature::TwoYear, contract == Contract::TwoYear);

        let tenure = draw_tenure(draws, contract, partner);
        let t = f64::from(tenure) / 72.0;
        x.set(Feature::Tenure, t);
        x.set(Feature::TenureSq, t * t);
        x.set(Feature::LogTenure, libm::log1p(f64::from(tenure)) / libm::log(73.0));

        let mut internet = match draws.softmax(&x, &c::INTERNET) {
            0 => Internet::No,
            1 => Internet::Dsl,
            _ => Internet::Fiber,
        };
        if draws.bernoulli(knobs.fiber_mix) && internet == Internet::Dsl {
            internet = Internet::Fiber;
        }
        x.flag(Feature::Dsl, internet == Internet::Dsl);
        x.flag(Feature::Fiber, internet == Internet::Fiber);

        let phone = draws.bernoulli(c::P_PHONE_GIVEN_DSL) || internet != Internet::Dsl;
        x.flag(Feature::Phone, phone);
        let multiple_lines = draws.logistic(x.score(c::MULTIPLE_LINES)) && phone;
        x.flag(Feature::MultipleLines, multiple_lines);

        let mut addons = [None; 6];
        for ((slot, (_, feature)), model) in addons.iter_mut().zip(ADDONS).zip(c::ADDONS) {
            let taken = draws.logistic(x.score(model)) && internet != Internet::No;
            x.flag(feature, taken);
            *slot = (internet != Internet::No).then_some(taken);
        }

        let paperless = draws.logistic(x.score(c::PAPERLESS));
        x.flag(Feature::Paperless, paperless);
        let payment = match draws.softmax(&x, &c::PAYMENT) {
            0 => Payment::ElectronicCheck,
            1 => Payment::BankTransfer,
            2 => Payment::CreditCard,
            _ => Payment::MailedCheck,
        };
        x.flag(Feature::PayBank, payment == Payment::BankTransfer);
        x.flag(Feature::PayCard, payment == Payment::CreditCard);
        x.flag(Feature::PayMailed, payment == Payment::MailedCheck);

        let [noise_none, noise_dsl, noise_fiber] = c::PRICE_NOISE;
        let noise = match internet {
            Internet::No => noise_none,
            Internet::Dsl => noise_dsl,
            Internet::Fiber => noise_fiber,
        };
        let price = c::PRICE_BASE + x.score(&c::PRICES) + noise * draws.normal();
        let monthly_charges = to_nickel(price * knobs.price_factor).max(0.0);
        x.set(Feature::MonthlyCharges, monthly_charges / 100.0);

        let walk = draws.normal().clamp(-3.0, 3.0);
        let total_charges = (tenure > 0).then(|| {
            let months = f64::from(tenure);
            let gap = c::TOTAL_CHARGES_WALK * monthly_charges * (months - 1.0).sqrt() * walk;
            to_nickel(months * monthly_charges + gap).max(monthly_charges)
        });

        let mut score = x.score(c::CHURN) + knobs.churn_boost;
        if internet == Internet::Fiber {
            score += knobs.fiber_churn_boost;
        }
        // Nobody in the real file leaves in the month they join.
        let churn = draws.logistic(score) && tenure > 0;

        Customer {
            male,
            senior,
            partner,
            dependents,
            tenure,
            phone,
            multiple_lines: phone.then_some(multiple_lines),
            internet,
            addons,
            contract,
            paperless,
            payment,
            monthly_charges,
            total_charges,
            churn,
        }
    }
}

/// A tenure in months from the real histogram of the contract and partnership (two draws).
fn draw_tenure(draws: &mut Draws, contract: Contract, partner: bool) -> u32 {
    let [monthly, one_year, two_year] = &calibration::TENURE_COUNTS;
    let [alone, with_partner] = match contract {
        Contract::MonthToMonth => monthly,
        Contract::OneYear => one_year,
        Contract::TwoYear => two_year,
    };
    let counts = if partner { with_partner } else { alone };
    let weights: Vec<f64> = counts.iter().map(|&n| f64::from(n)).collect();
    let bin = draws.pick(&weights);
    let (low, high) = calibration::TENURE_BINS.get(bin).copied().unwrap_or((0, 0));
    let offset = (draws.uniform() * f64::from(high - low + 1)) as u32;
    (low + offset).min(high)
}

/// Rounds dollars to the nearest five cents, like every charge in the real file.
fn to_nickel(dollars: f64) -> f64 {
    (dollars * 20.0).round() / 20.0
}

/// `rows` distinct identifiers shaped like the real ones (`7590-VHVEG`: four digits, a dash, five capital
/// letters), from their own stream of `seed`.
fn customer_ids(rows: usize, seed: u64) -> Vec<String> {
    let mut rng = rng::stream(seed, ID_STREAM);
    // A `BTreeSet`, not a `HashSet`: std hashing seeds itself from operating-system entropy, which the core
    // does not touch.
    let mut seen = BTreeSet::new();
    let mut ids = Vec::with_capacity(rows);
    while ids.len() < rows {
        let digits = rng.gen_range(0..10_000u32);
        let letters: [u8; 5] = std::array::from_fn(|_| b'A' + rng.gen_range(0..26u8));
        let key = letters.iter().fold(u64::from(digits), |key, &l| key * 26 + u64::from(l - b'A'));
        if seen.insert(key) {
            ids.push(format!("{digits:04}-{}", String::from_utf8_lossy(&letters)));
        }
    }
    ids
}

// ------------------------------------------------------------------------------------------------ columns

fn yes_no(value: bool) -> &'static str {
    if value {
        "Yes"
    } else {
        "No"
    }
}

/// The 21 columns of [`COLUMNS`], in order.
fn columns(customers: &[Customer], ids: Vec<String>) -> Vec<Column> {
    let text = |name: &str, value: &dyn Fn(&Customer) -> &'static str| {
        let values: Vec<Option<&str>> = customers.iter().map(|c| Some(value(c))).collect();
        Column::categorical(name, &values)
    };
    let number = |name: &str, value: &dyn Fn(&Customer) -> Option<f64>| {
        Column::numeric(name, customers.iter().map(value).collect())
    };
    let addon = |i: usize| {
        move |c: &Customer| match c.addons.get(i).copied().flatten() {
            Some(taken) => yes_no(taken),
            None => "No internet service",
        }
    };
    // Every identifier is new, so the levels are the identifiers in row order (what
    // `Column::categorical` would build, without its quadratic search).
    let codes = (0..ids.len()).map(|i| u32::try_from(i).ok()).collect();
    let mut out = vec![
        Column { name: ID_COLUMN.into(), data: ColumnData::Categorical { levels: ids, codes } },
        text("gender", &|c| if c.male { "Male" } else { "Female" }),
        number("SeniorCitizen", &|c| Some(if c.senior { 1.0 } else { 0.0 })),
        text("Partner", &|c| yes_no(c.partner)),
        text("Dependents", &|c| yes_no(c.dependents)),
        number("tenure", &|c| Some(f64::from(c.tenure))),
        text("PhoneService", &|c| yes_no(c.phone)),
        text("MultipleLines", &|c| c.multiple_lines.map_or("No phone service", yes_no)),
        text("InternetService", &|c| c.internet.label()),
    ];
    for (i, (name, _)) in ADDONS.iter().enumerate() {
        out.push(text(name, &addon(i)));
    }
    out.extend([
        text("Contract", &|c| c.contract.label()),
        text("PaperlessBilling", &|c| yes_no(c.paperless)),
        text("PaymentMethod", &|c| c.payment.label()),
        number("MonthlyCharges", &|c| Some(c.monthly_charges)),
        number("TotalCharges", &|c| c.total_charges),
        text(TARGET, &|c| yes_no(c.churn)),
    ]);
    out
}

#[cfg(test)]
// A failure in a test is a failed test, not a dead page: tests may unwrap, index and panic.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::dataset::ColumnKind;
    use expect_test::expect;

    fn levels(data: &Dataset, name: &str) -> Vec<String> {
        let column = data.column(name).unwrap();
        let mut levels: Vec<String> = (0..data.n_rows()).map(|r| column.cell_text(r)).collect();
        levels.sort();
        levels.dedup();
        levels
    }

    fn numbers(data: &Dataset, name: &str) -> Vec<Option<f64>> {
        match &data.column(name).unwrap().data {
            ColumnData::Numeric(values) => values.clone(),
            ColumnData::Categorical { .. } => panic!("{name} is not numeric"),
        }
    }

    fn share(data: &Dataset, name: &str, level: &str) -> f64 {
        let column = data.column(name).unwrap();
        let hits = (0..data.n_rows()).filter(|&r| column.cell_text(r) == level).count();
        hits as f64 / data.n_rows() as f64
    }

    fn mean(values: &[Option<f64>]) -> f64 {
        let present: Vec<f64> = values.iter().flatten().copied().collect();
        present.iter().sum::<f64>() / present.len() as f64
    }

    #[test]
    fn same_seed_same_data_other_seed_other_data() {
        let a = generate(500, 3);
        assert_eq!(a, generate(500, 3));
        assert_eq!(a.digest(), generate(500, 3).digest());
        let b = generate(500, 4);
        assert_ne!(a, b);
        assert_ne!(a.digest(), b.digest());
        assert_eq!(generate_with(500, 3, &Drift::default()), a);
        assert_eq!(a.name, DATASET_NAME);
    }

    #[test]
    fn pinned_digest() {
        // The browser build asserts the same digest, which proves that the generator draws the same data
        // natively and in WebAssembly. A change here changes every seeded data set: say so in the commit.
        expect!["64a8026cd2086122"].assert_eq(&generate(100, 42).digest());
    }

    #[test]
    fn first_rows_do_not_depend_on_the_number_of_rows() {
        let long = generate(300, 9);
        let short = generate(100, 9);
        let rows: Vec<usize> = (0..100).collect();
        // Identifiers are drawn in sequence too, so the first 100 match as well.
        assert_eq!(long.select_rows(&rows).to_csv(), short.to_csv());
    }

    #[test]
    fn columns_names_order_and_values() {
        let data = generate(3000, 11);
        let names: Vec<&str> = data.columns().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, COLUMNS);
        for column in data.columns() {
            let numeric = ["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"];
            let kind = if numeric.contains(&column.name.as_str()) {
                ColumnKind::Numeric
            } else {
                ColumnKind::Categorical
            };
            assert_eq!(column.kind(), kind, "{}", column.name);
        }
        let yes_no = ["No", "Yes"];
        let addon = ["No", "No internet service", "Yes"];
        let check = |name: &str, expected: &[&str]| assert_eq!(levels(&data, name), expected, "{name}");
        check("gender", &["Female", "Male"]);
        check("SeniorCitizen", &["0", "1"]);
        for name in ["Partner", "Dependents", "PhoneService", "PaperlessBilling", "Churn"] {
            check(name, &yes_no);
        }
        check("MultipleLines", &["No", "No phone service", "Yes"]);
        check("InternetService", &["DSL", "Fiber optic", "No"]);
        for (name, _) in ADDONS {
            check(name, &addon);
        }
        check("Contract", &["Month-to-month", "One year", "Two year"]);
        check(
            "PaymentMethod",
            &["Bank transfer (automatic)", "Credit card (automatic)", "Electronic check", "Mailed check"],
        );
        let tenure = numbers(&data, "tenure");
        assert!(tenure.iter().flatten().all(|&t| (0.0..=72.0).contains(&t) && t.fract() == 0.0));
        assert_eq!(levels(&data, "tenure").len(), 73, "every tenure from 0 to 72 months appears");
    }

    #[test]
    fn services_are_consistent() {
        let data = generate(3000, 12);
        let cell = |name: &str, row: usize| data.column(name).unwrap().cell_text(row);
        for row in 0..data.n_rows() {
            let no_phone = cell("PhoneService", row) == "No";
            assert_eq!(cell("MultipleLines", row) == "No phone service", no_phone);
            let no_internet = cell("InternetService", row) == "No";
            for (name, _) in ADDONS {
                assert_eq!(cell(name, row) == "No internet service", no_internet, "{name}");
            }
            assert!(!(no_phone && no_internet), "every customer has a phone line or internet");
        }
    }

    #[test]
    fn identifiers_look_real_and_are_distinct() {
        let data = generate(20_000, 5);
        let ids = levels(&data, ID_COLUMN);
        assert_eq!(ids.len(), 20_000);
        for id in &ids {
            let bytes = id.as_bytes();
            assert_eq!(bytes.len(), 10, "{id}");
            assert!(bytes[..4].iter().all(u8::is_ascii_digit), "{id}");
            assert_eq!(bytes[4], b'-');
            assert!(bytes[5..].iter().all(u8::is_ascii_uppercase), "{id}");
        }
    }

    #[test]
    fn total_charges_blank_exactly_when_tenure_is_zero() {
        let data = generate(20_000, 6);
        let tenure = numbers(&data, "tenure");
        let monthly = numbers(&data, "MonthlyCharges");
        let total = numbers(&data, "TotalCharges");
        let mut blanks = 0;
        for ((t, m), tc) in tenure.iter().zip(&monthly).zip(&total) {
            let (t, m) = (t.unwrap(), m.unwrap());
            match tc {
                None => {
                    assert_eq!(t, 0.0);
                    blanks += 1;
                }
                Some(tc) => {
                    assert!(t >= 1.0);
                    let ratio = tc / (t * m);
                    assert!((0.6..1.6).contains(&ratio), "total {tc} for {t} months at {m}");
                    if t == 1.0 {
                        assert_eq!(*tc, m);
                    }
                }
            }
        }
        // The real file has 11 blanks in 7,043 rows.
        assert!((10..=70).contains(&blanks), "{blanks} blanks");
    }

    #[test]
    fn money_has_two_decimals_at_most() {
        let data = generate(2000, 8);
        for name in ["MonthlyCharges", "TotalCharges"] {
            let column = data.column(name).unwrap();
            for row in 0..data.n_rows() {
                let text = column.cell_text(row);
                let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
                assert!(decimals <= 2, "{name} {text}");
            }
        }
        let monthly = numbers(&data, "MonthlyCharges");
        let (low, high) =
            monthly.iter().flatten().fold((f64::MAX, f64::MIN), |(l, h), &m| (l.min(m), h.max(m)));
        // The real range is 18.25 to 118.75.
        assert!(low > 15.0 && high < 125.0, "{low} .. {high}");
    }

    #[test]
    fn marginals_match_the_real_file() {
        // Shares in the real file: churn 26.5%, month-to-month 55.0%, fiber optic 44.0%, electronic check
        // 33.6%, senior citizens 16.2%; mean tenure 32.4 months, mean monthly charge 64.76 dollars.
        let data = generate(20_000, 7);
        let close = |what: &str, found: f64, real: f64, tolerance: f64| {
            assert!((found - real).abs() <= tolerance, "{what}: {found:.4} against {real} in the real file");
        };
        close("churn", share(&data, "Churn", "Yes"), 0.2654, 0.015);
        close("month-to-month", share(&data, "Contract", "Month-to-month"), 0.5502, 0.015);
        close("fiber optic", share(&data, "InternetService", "Fiber optic"), 0.4396, 0.015);
        close("electronic check", share(&data, "PaymentMethod", "Electronic check"), 0.3358, 0.015);
        close("senior", share(&data, "SeniorCitizen", "1"), 0.1621, 0.01);
        close("tenure", mean(&numbers(&data, "tenure")), 32.37, 1.0);
        close("monthly charges", mean(&numbers(&data, "MonthlyCharges")), 64.76, 1.5);
    }

    #[test]
    fn price_shift_raises_monthly_charges() {
        let base = generate(5000, 13);
        let drift = Drift { monthly_charges_shift: 0.1, ..Drift::default() };
        let drifted = generate_with(5000, 13, &drift);
        let ratio = mean(&numbers(&drifted, "MonthlyCharges")) / mean(&numbers(&base, "MonthlyCharges"));
        assert!((ratio - 1.1).abs() < 0.002, "{ratio}");
        // Same customers: the identifiers and contracts do not move.
        assert_eq!(base.column(ID_COLUMN), drifted.column(ID_COLUMN));
        assert_eq!(base.column("Contract"), drifted.column("Contract"));
    }

    #[test]
    fn contract_and_fiber_mix_move_their_shares() {
        let base = generate(5000, 14);
        let drift = Drift { contract_mix: 0.5, fiber_mix: 0.5, ..Drift::default() };
        let drifted = generate_with(5000, 14, &drift);
        let m2m = |d: &Dataset| share(d, "Contract", "Month-to-month");
        let expected = m2m(&base) + 0.5 * (1.0 - m2m(&base));
        assert!((m2m(&drifted) - expected).abs() < 0.03, "{} against {expected}", m2m(&drifted));
        let fiber = |d: &Dataset| share(d, "InternetService", "Fiber optic");
        assert!(fiber(&drifted) > fiber(&base) + 0.1, "{} against {}", fiber(&drifted), fiber(&base));
        assert!(share(&drifted, "Churn", "Yes") > share(&base, "Churn", "Yes") + 0.05);
    }

    #[test]
    fn churn_boosts_raise_churn() {
        let fiber_churn = |d: &Dataset| {
            let internet = d.column("InternetService").unwrap();
            let churn = d.column("Churn").unwrap();
            let fiber: Vec<usize> =
                (0..d.n_rows()).filter(|&r| internet.cell_text(r) == "Fiber optic").collect();
            fiber.iter().filter(|&&r| churn.cell_text(r) == "Yes").count() as f64 / fiber.len() as f64
        };
        let base = generate(5000, 15);
        let boosted = generate_with(5000, 15, &Drift { fiber_churn_boost: 1.0, ..Drift::default() });
        assert!(fiber_churn(&boosted) > fiber_churn(&base) + 0.1);
        let everyone = generate_with(5000, 15, &Drift { churn_boost: 1.0, ..Drift::default() });
        assert!(share(&everyone, "Churn", "Yes") > share(&base, "Churn", "Yes") + 0.08);
    }

    #[test]
    fn absurd_drift_still_gives_data() {
        let drift = Drift {
            monthly_charges_shift: -5.0,
            contract_mix: f64::NAN,
            fiber_mix: 7.0,
            fiber_churn_boost: f64::INFINITY,
            churn_boost: -1e300,
        };
        let data = generate_with(200, 1, &drift);
        assert_eq!(data.n_rows(), 200);
        assert!(numbers(&data, "MonthlyCharges").iter().flatten().all(|&m| m == 0.0));
        assert_eq!(share(&data, "InternetService", "DSL"), 0.0);
        assert_eq!(share(&data, "Churn", "Yes"), 0.0);
        let empty = generate(0, 1);
        assert_eq!(empty.n_rows(), 0);
        assert_eq!(empty.columns().len(), 21);
    }

    #[test]
    fn each_customer_stays_within_its_block_of_the_stream() {
        let knobs = Knobs::from(&Drift::default());
        let mut draws = Draws::new(99);
        for row in 0..2000 {
            draws.start_row(row);
            let start = draws.rng.get_word_pos();
            Customer::draw(&mut draws, &knobs);
            assert!(draws.rng.get_word_pos() - start <= WORDS_PER_ROW);
        }
    }

    #[test]
    fn drift_reads_from_partial_json() {
        let drift: Drift = serde_json::from_str(r#"{"contract_mix": 0.25}"#).unwrap();
        assert_eq!(drift, Drift { contract_mix: 0.25, ..Drift::default() });
    }
}
