//! The statistics behind Evidently's default drift methods, each as the SciPy function Evidently calls:
//!
//! - [`chi_square`]: Pearson's goodness-of-fit test, `scipy.stats.chisquare(f_obs, f_exp)`;
//!   [`chi_square_drift`] builds its input as Evidently's `chi_stat_test` does.
//! - [`proportion_z_test`]: the two-proportion Z-test of Evidently's `z_stat_test` (pooled variance,
//!   two-sided normal p-value).
//! - [`wasserstein_distance`]: the first Wasserstein (earth mover's) distance between two samples,
//!   `scipy.stats.wasserstein_distance(u, v)`; [`population_std`] is NumPy's `np.std` (`ddof = 0`), the
//!   norm of Evidently's `wasserstein_stat_test`.
//! - [`jensen_shannon`]: the Jensen–Shannon distance, `scipy.spatial.distance.jensenshannon(p, q)` with
//!   its default natural logarithm (so it lies in `[0, √ln 2]`, about `[0, 0.833]`).

use serde::{Deserialize, Serialize};

use super::ks::sorted_finite;
use super::special::{chi2_sf, normal_sf};
use super::{MonitorError, Side};

/// The outcome of a chi-square goodness-of-fit test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChiSquare {
    /// `Σ (observed − expected)² / expected`; `None` when infinite (a category observed that was never
    /// expected, a category the reference never had).
    pub statistic: Option<f64>,
    /// Degrees of freedom: categories − 1.
    pub dof: usize,
    /// `P(χ² ≥ statistic)`; 0 when the statistic is infinite.
    pub p_value: f64,
}

/// Pearson's chi-square test of `observed` counts against `expected` counts, category by category
/// (SciPy's `chisquare(f_obs, f_exp)`). Errors with fewer than two categories, different lengths, or a
/// negative or non-finite count. SciPy also refuses totals that differ; callers here always pass equal
/// totals, and the test is computed as written either way.
pub fn chi_square(observed: &[f64], expected: &[f64]) -> Result<ChiSquare, MonitorError> {
    if observed.len() != expected.len() {
        return Err(MonitorError::LengthMismatch { expected: expected.len(), found: observed.len() });
    }
    if observed.len() < 2 {
        return Err(MonitorError::TooFewCategories { found: observed.len() });
    }
    if observed.iter().chain(expected).any(|c| !c.is_finite() || *c < 0.0) {
        return Err(MonitorError::BadCounts);
    }
    let statistic: f64 = observed
        .iter()
        .zip(expected)
        .map(|(&o, &e)| {
            // A category neither observed nor expected says nothing (SciPy would make it NaN).
            if o == 0.0 && e == 0.0 {
                return 0.0;
            }
            let diff = o - e;
            diff * diff / e
        })
        .sum();
    let dof = observed.len() - 1;
    let p_value = chi2_sf(statistic, dof);
    Ok(ChiSquare { statistic: statistic.is_finite().then_some(statistic), dof, p_value })
}

/// Evidently's chi-square drift test on per-category counts (the same categories in the same order on
/// both sides, the union of both samples' categories): the current counts are observed, the reference
/// counts scaled to the current size are expected (`reference × n_current / n_reference`). Errors as
/// [`chi_square`] does, and when either side counts nothing.
pub fn chi_square_drift(reference: &[usize], current: &[usize]) -> Result<ChiSquare, MonitorError> {
    let n_reference: usize = reference.iter().sum();
    let n_current: usize = current.iter().sum();
    if n_reference == 0 {
        return Err(MonitorError::EmptySample { side: Side::Reference });
    }
    if n_current == 0 {
        return Err(MonitorError::EmptySample { side: Side::Current });
    }
    let k_norm = n_current as f64 / n_reference as f64;
    let expected: Vec<f64> = reference.iter().map(|&c| c as f64 * k_norm).collect();
    let observed: Vec<f64> = current.iter().map(|&c| c as f64).collect();
    chi_square(&observed, &expected)
}

/// The outcome of a two-proportion Z-test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ZTest {
    /// `(p₁ − p₂) / √(P(1 − P)(1/n₁ + 1/n₂))` with the pooled proportion `P`; 0 when `P` is 0 or 1.
    pub z: f64,
    /// The two-sided p-value `2 P(Z ≥ |z|)`.
    pub p_value: f64,
}

/// The two-proportion Z-test of Evidently's `z_stat_test`: `reference_hits` of `reference_n` against
/// `current_hits` of `current_n`, pooled variance, two-sided. When both samples hold one and the same
/// value (`P` is 0 or 1) there is no difference to test: `z = 0`, `p = 1`, as Evidently answers. Errors
/// when a sample is empty or has more hits than rows.
///
/// Evidently writes the p-value `2 (1 − Φ(|z|))`; we compute `2 P(Z ≥ |z|)` directly, which is the same
/// number without the rounding of `1 − Φ` (the two differ by less than 1e-16).
pub fn proportion_z_test(
    reference_hits: usize,
    reference_n: usize,
    current_hits: usize,
    current_n: usize,
) -> Result<ZTest, MonitorError> {
    if reference_n == 0 {
        return Err(MonitorError::EmptySample { side: Side::Reference });
    }
    if current_n == 0 {
        return Err(MonitorError::EmptySample { side: Side::Current });
    }
    if reference_hits > reference_n || current_hits > current_n {
        return Err(MonitorError::BadCounts);
    }
    let (n1, n2) = (reference_n as f64, current_n as f64);
    let p1 = reference_hits as f64 / n1;
    let p2 = current_hits as f64 / n2;
    let pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
    let variance = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2);
    if variance <= 0.0 {
        return Ok(ZTest { z: 0.0, p_value: 1.0 });
    }
    let z = (p1 - p2) / libm::sqrt(variance);
    Ok(ZTest { z, p_value: (2.0 * normal_sf(z.abs())).min(1.0) })
}

/// The first Wasserstein distance between the empirical distributions of `u` and `v` (SciPy's
/// `wasserstein_distance(u, v)`): `∫ |F_u(x) − F_v(x)| dx`, the area between the two empirical
/// distribution functions. Errors when a sample is empty or holds a value that is not finite.
pub fn wasserstein_distance(u: &[f64], v: &[f64]) -> Result<f64, MonitorError> {
    let u = sorted_finite(u, Side::Reference)?;
    let v = sorted_finite(v, Side::Current)?;
    Ok(wasserstein_sorted(&u, &v))
}

/// [`wasserstein_distance`] on sorted, non-empty, finite samples: between consecutive values of the
/// pooled sample, the gap times the difference of the two distribution functions there.
pub(super) fn wasserstein_sorted(u: &[f64], v: &[f64]) -> f64 {
    let (nu, nv) = (u.len() as f64, v.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let mut sum = 0.0;
    let mut previous: Option<f64> = None;
    loop {
        let next = match (u.get(i), v.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        if let Some(prev) = previous {
            // The distribution functions are constant on [prev, next): counts at or below prev.
            sum += (i as f64 / nu - j as f64 / nv).abs() * (next - prev);
        }
        while u.get(i).is_some_and(|&x| x <= next) {
            i += 1;
        }
        while v.get(j).is_some_and(|&y| y <= next) {
            j += 1;
        }
        previous = Some(next);
    }
    sum
}

/// The population standard deviation (NumPy's `np.std`, `ddof = 0`) of finite values, two passes; 0 for
/// no values.
pub fn population_std(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let squares: f64 = values.iter().map(|&x| (x - mean) * (x - mean)).sum();
    libm::sqrt(squares / n)
}

/// The Jensen–Shannon distance between two discrete distributions given as non-negative weights over the
/// same categories (SciPy's `jensenshannon(p, q)`, natural logarithm): each is normalized to sum 1, `m` is
/// their mean, and the distance is `√((KL(p‖m) + KL(q‖m)) / 2)`. 0 for identical distributions, at most
/// `√ln 2` for disjoint ones. Errors with different lengths, no categories, a negative or non-finite
/// weight, or a side that weighs nothing.
pub fn jensen_shannon(p: &[f64], q: &[f64]) -> Result<f64, MonitorError> {
    if p.len() != q.len() {
        return Err(MonitorError::LengthMismatch { expected: p.len(), found: q.len() });
    }
    if p.iter().chain(q).any(|w| !w.is_finite() || *w < 0.0) {
        return Err(MonitorError::BadCounts);
    }
    let (sum_p, sum_q): (f64, f64) = (p.iter().sum(), q.iter().sum());
    if sum_p <= 0.0 {
        return Err(MonitorError::EmptySample { side: Side::Reference });
    }
    if sum_q <= 0.0 {
        return Err(MonitorError::EmptySample { side: Side::Current });
    }
    let (mut left, mut right) = (0.0, 0.0);
    for (&pi, &qi) in p.iter().zip(q) {
        let (pi, qi) = (pi / sum_p, qi / sum_q);
        let m = (pi + qi) / 2.0;
        left += relative_entropy(pi, m);
        right += relative_entropy(qi, m);
    }
    Ok(libm::sqrt(((left + right) / 2.0).max(0.0)))
}

/// SciPy's `rel_entr(x, y)`: `x ln(x/y)`, 0 when `x` is 0 (here `y ≥ x/2` always, so never infinite).
fn relative_entropy(x: f64, y: f64) -> f64 {
    if x > 0.0 && y > 0.0 {
        x * libm::log(x / y)
    } else {
        0.0
    }
}
