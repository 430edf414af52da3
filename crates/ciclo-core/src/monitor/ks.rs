//! The two-sample Kolmogorov–Smirnov test, as SciPy's `stats.ks_2samp(a, b)` with its defaults
//! (`alternative="two-sided"`, `method="auto"`), which is what Evidently calls for a numeric column.
//!
//! The statistic `D` is the largest distance between the two empirical distribution functions; it is
//! computed here in integers (`|c₁ n₂ − c₂ n₁| / n₁n₂` at every value), so ties cannot round it.
//!
//! The p-value is `P(D ≥ d)` under the hypothesis that both samples come from one continuous
//! distribution. As SciPy's `"auto"`:
//! - **exact** when both samples have at most 10,000 values: the proportion of lattice paths from
//!   `(0, 0)` to `(n₁, n₂)` that leave the band `|x/n₁ − y/n₂| < d`, by Hodges' inside method (*The
//!   significance probability of the Smirnov two-sample test*, Arkiv för Matematik 3, 1958) with
//!   Viehmann's recursion for `1 − p` (arXiv:2102.08037), or for equal sizes the closed alternating sum
//!   of reflected paths; if it fails (a value outside `[0, 1]`), the asymptotic form is used, as SciPy
//!   does;
//! - **asymptotic** otherwise: the one-sample two-sided distribution at the effective size
//!   `round(n₁n₂ / (n₁ + n₂))`, [`super::special::kolmogorov_sf`] (SciPy's `kstwo.sf`).
//!
//! With ties the test is conservative (SciPy's p-values have the same property, and Evidently uses them
//! as they are). Parity with SciPy: within 1e-12 in practice, checked at 1e-6 absolute or 1e-3 relative
//! by `tests/peers/drift_parity.py`.

use serde::{Deserialize, Serialize};

use super::special::kolmogorov_sf;
use super::{MonitorError, Side};

/// Samples up to this size get the exact p-value (SciPy's `MAX_AUTO_N`).
pub const MAX_EXACT_N: usize = 10_000;

/// How the p-value was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KsMethod {
    /// The exact distribution of `D` for these two sizes.
    Exact,
    /// The one-sample distribution at the effective size `n₁n₂ / (n₁ + n₂)`.
    Asymptotic,
}

/// The outcome of a two-sample Kolmogorov–Smirnov test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KsTest {
    /// The largest distance between the two empirical distribution functions, in `[0, 1]`.
    pub statistic: f64,
    /// `P(D ≥ statistic)` if both samples came from one distribution.
    pub p_value: f64,
    /// How the p-value was computed.
    pub method: KsMethod,
}

/// The two-sample Kolmogorov–Smirnov test of `a` against `b` (SciPy's `ks_2samp(a, b)`). Errors when a
/// sample is empty or holds a value that is not finite.
pub fn ks_2samp(a: &[f64], b: &[f64]) -> Result<KsTest, MonitorError> {
    let a = sorted_finite(a, Side::Reference)?;
    let b = sorted_finite(b, Side::Current)?;
    Ok(ks_sorted(&a, &b))
}

/// Sorted copy of a sample that must be non-empty and finite.
pub(super) fn sorted_finite(values: &[f64], side: Side) -> Result<Vec<f64>, MonitorError> {
    if values.is_empty() {
        return Err(MonitorError::EmptySample { side });
    }
    if let Some(index) = values.iter().position(|v| !v.is_finite()) {
        return Err(MonitorError::NonFinite { side, index });
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    Ok(sorted)
}

/// The test on two sorted, non-empty, finite samples.
pub(super) fn ks_sorted(a: &[f64], b: &[f64]) -> KsTest {
    let (n1, n2) = (a.len() as u64, b.len() as u64);
    // Walk both samples in order; after each distinct value, the counts c₁, c₂ at or below it.
    let (mut i, mut j) = (0usize, 0usize);
    let mut best: u128 = 0;
    let mut best_counts = (0u64, 0u64);
    while i < a.len() || j < b.len() {
        let next = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        while a.get(i).is_some_and(|&x| x <= next) {
            i += 1;
        }
        while b.get(j).is_some_and(|&y| y <= next) {
            j += 1;
        }
        let (c1, c2) = (i as u64, j as u64);
        let gap = (u128::from(c1) * u128::from(n2)).abs_diff(u128::from(c2) * u128::from(n1));
        if gap > best {
            best = gap;
            best_counts = (c1, c2);
        }
    }
    let g = gcd(n1, n2);
    let lcm = u128::from(n1 / g) * u128::from(n2);
    // d · lcm(n₁, n₂) is the integer h = |c₁n₂ − c₂n₁| / g.
    let h = best / u128::from(g);
    if a.len().max(b.len()) <= MAX_EXACT_N {
        if let Some(p_value) = exact_p(n1, n2, g, h) {
            return KsTest { statistic: h as f64 / lcm as f64, p_value, method: KsMethod::Exact };
        }
    }
    let (c1, c2) = best_counts;
    let d = (c1 as f64 / n1 as f64 - c2 as f64 / n2 as f64).abs();
    let (m, n) = (n1.max(n2) as f64, n1.min(n2) as f64);
    let effective = (m * n / (m + n)).round_ties_even() as u64;
    let p_value = if effective == 0 { 1.0 } else { kolmogorov_sf(effective, d) };
    KsTest { statistic: d, p_value: p_value.clamp(0.0, 1.0), method: KsMethod::Asymptotic }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// The exact two-sided p-value `P(D ≥ h / lcm)`, or `None` when the computation leaves `[0, 1]` (SciPy's
/// `_attempt_exact_2kssamp`).
fn exact_p(n1: u64, n2: u64, g: u64, h: u128) -> Option<f64> {
    if h == 0 {
        return Some(1.0);
    }
    let h = u64::try_from(h).ok()?;
    let p = if n1 == n2 { prob_outside_square(n1, h) } else { outer_prob_inside(n1, n2, g, h) };
    (0.0..=1.0).contains(&p).then_some(p)
}

/// For equal sizes `n`, the proportion of paths that touch `x − y = ±h` (SciPy's
/// `_compute_prob_outside_square`): `2 Σ_k (−1)^(k−1) C(2n, n − kh) / C(2n, n)`, each ratio a product of
/// `h` simple factors, summed Horner-like from the innermost term to avoid cancellation.
fn prob_outside_square(n: u64, h: u64) -> f64 {
    let (n, h) = (n as i128, h as i128);
    let mut p = 0.0;
    let mut k = n / h;
    while k >= 0 {
        let mut p1 = 1.0;
        for j in 0..h {
            p1 = (n - k * h - j) as f64 * p1 / (n + k * h + j + 1) as f64;
        }
        p = p1 * (1.0 - p);
        k -= 1;
    }
    2.0 * p
}

/// For sizes `m ≠ n`, the proportion of lattice paths from `(0, 0)` to `(m, n)` that do not stay strictly
/// inside `|x/m − y/n| < h / lcm(m, n)` (SciPy's `_compute_outer_prob_inside_method`): one column of
/// the path counts at a time over a sliding window, each entry already divided by the number of paths to
/// its cell, so the result is `1 − p` directly and nothing overflows.
fn outer_prob_inside(m: u64, n: u64, g: u64, h: u64) -> f64 {
    let (m, n) = if m < n { (n, m) } else { (m, n) };
    let (m, n, g, h) = (m as i128, n as i128, g as i128, h as i128);
    let (mg, ng) = (m / g, n / g);
    let ceil_div = |a: i128, b: i128| a.div_euclid(b) + i128::from(a.rem_euclid(b) != 0);
    let floor_div = |a: i128, b: i128| a.div_euclid(b);

    let mut min_j: i128 = 0;
    let mut max_j: i128 = ceil_div(h, mg).min(n + 1);
    let mut cur_len = max_j - min_j;
    let len = (2 * max_j + 2).min(n + 1).max(1) as usize;
    let mut column = vec![1.0_f64; len];
    for cell in column.iter_mut().take(max_j.max(0) as usize) {
        *cell = 0.0;
    }
    for i in 1..=m {
        let (last_min_j, last_len) = (min_j, cur_len);
        min_j = (floor_div(ng * i - h, mg) + 1).max(0).min(n);
        max_j = ceil_div(ng * i + h, mg).min(n + 1);
        if max_j <= min_j {
            return 1.0;
        }
        let mut val = if min_j == 0 { 0.0 } else { 1.0 };
        for jj in 0..(max_j - min_j) {
            let j = jj + min_j;
            let from = column.get((jj + min_j - last_min_j) as usize).copied().unwrap_or(1.0);
            val = (from * i as f64 + val * j as f64) / (i + j) as f64;
            if let Some(cell) = column.get_mut(jj as usize) {
                *cell = val;
            }
        }
        cur_len = max_j - min_j;
        if last_len > cur_len {
            for cell in column.iter_mut().skip(cur_len as usize).take((last_len - cur_len) as usize) {
                *cell = 1.0;
            }
        }
    }
    column.get((max_j - min_j - 1) as usize).copied().unwrap_or(1.0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    #[test]
    fn integer_division_helpers() {
        assert_eq!(gcd(12, 18), 6);
        assert_eq!(gcd(7, 5), 1);
    }

    #[test]
    fn separated_samples_of_three() {
        // All 20 orderings of 3 + 3 values are equally likely; only the 2 fully separated ones give
        // D = 1: p = 2/20.
        let t = ks_2samp(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]).unwrap();
        assert_eq!(t.statistic, 1.0);
        assert!((t.p_value - 0.1).abs() < 1e-15, "{}", t.p_value);
        assert_eq!(t.method, KsMethod::Exact);
    }
}
