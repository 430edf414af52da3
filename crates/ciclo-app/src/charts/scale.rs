//! Scales: from data values to SVG coordinates, and the "nice" ticks an axis shows.
//!
//! Every function here takes any `f64` and returns finite numbers: NaN and infinities in the data are
//! skipped when a domain is measured ([`extent`]) and pinned to an end of the range when mapped, so no
//! `NaN` ever reaches an SVG attribute.

/// The largest coordinate written to the SVG: a mapped value is clamped to ±this, so a value far outside
/// the domain cannot overflow to infinity.
const FAR: f64 = 1.0e6;

/// The smallest and largest finite values of `values`, or `None` when none is finite.
pub fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values.into_iter().filter(|v| v.is_finite()).fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// A domain that can be drawn: finite, increasing and not empty. A single value `v` becomes `v ± 1` (or
/// `v ± |v|/10` for a large value), so one point or a constant series still gets an axis.
pub fn widen((lo, hi): (f64, f64)) -> (f64, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() { (lo.min(hi), lo.max(hi)) } else { (0.0, 1.0) };
    if hi - lo > f64::EPSILON * lo.abs().max(hi.abs()).max(1.0) {
        (lo, hi)
    } else {
        let pad = (lo.abs() / 10.0).max(1.0);
        (lo - pad, hi + pad)
    }
}

/// Heckbert's "nice number" (Graphics Gems, 1990): a number of the form 1, 2, 5 or 10 times a power of
/// ten close to `x`, rounded to the nearest when `round`, otherwise the smallest not below `x`. Returns 1
/// for zero, negative or non-finite `x`.
pub fn nice_number(x: f64, round: bool) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let exponent = x.log10().floor();
    let power = 10f64.powf(exponent);
    let fraction = x / power;
    let nice = if round {
        match fraction {
            f if f < 1.5 => 1.0,
            f if f < 3.0 => 2.0,
            f if f < 7.0 => 5.0,
            _ => 10.0,
        }
    } else {
        match fraction {
            f if f <= 1.0 => 1.0,
            f if f <= 2.0 => 2.0,
            f if f <= 5.0 => 5.0,
            _ => 10.0,
        }
    };
    nice * power
}

/// An axis's ticks: evenly spaced round values that cover the data.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    /// The tick values, increasing: the first is at or below the data's minimum, the last at or above
    /// its maximum.
    pub values: Vec<f64>,
    /// The distance between two ticks (a nice number), which also says how many decimals to print.
    pub step: f64,
}

impl Ticks {
    /// The domain the ticks cover: from the first tick to the last.
    pub fn domain(&self) -> (f64, f64) {
        match (self.values.first(), self.values.last()) {
            (Some(&lo), Some(&hi)) if hi > lo => (lo, hi),
            _ => (0.0, 1.0),
        }
    }
}

/// Heckbert's loose labeling: about `count` ticks (at least 2) at multiples of a nice step, from a
/// multiple at or below `lo` to one at or above `hi`. Any input gives at least two increasing ticks.
pub fn nice_ticks(lo: f64, hi: f64, count: usize) -> Ticks {
    let (lo, hi) = widen((lo, hi));
    let count = count.max(2);
    let range = nice_number(hi - lo, false);
    let step = nice_number(range / (count - 1) as f64, true);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    // The step is a nice number near the range over `count`, so this is a few more than `count`; the
    // bound keeps a pathological input (a range near the largest float) from looping long.
    let n = ((last - first) as usize).min(100);
    let values = (0..=n).map(|i| (first + i as f64) * step).map(|v| if v == 0.0 { 0.0 } else { v }).collect();
    Ticks { values, step }
}

/// Ticks that stay inside `[lo, hi]` (for a fixed domain such as 0..1): the nice multiples of the step
/// that fall inside, ends included when they are multiples.
pub fn ticks_within(lo: f64, hi: f64, count: usize) -> Ticks {
    let (lo, hi) = widen((lo, hi));
    let loose = nice_ticks(lo, hi, count);
    let tolerance = loose.step * 1e-9;
    let values: Vec<f64> =
        loose.values.iter().copied().filter(|&v| v >= lo - tolerance && v <= hi + tolerance).collect();
    Ticks { values, step: loose.step }
}

/// The decimals needed to tell ticks `step` apart: 0 for a step of 1 or more, 1 for 0.1 or 0.5, 2 for
/// 0.05, and so on (capped at 10).
pub fn decimals_for(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    let needed = -(step.log10() + 1e-9).floor();
    if needed <= 0.0 {
        0
    } else {
        (needed as usize).min(10)
    }
}

/// A linear map from a domain of data values to a range of coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linear {
    domain: (f64, f64),
    range: (f64, f64),
}

impl Linear {
    /// Maps `domain` (widened if empty or not finite) onto `range` (which may decrease, as a y axis does).
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Linear {
        let range = if range.0.is_finite() && range.1.is_finite() { range } else { (0.0, 1.0) };
        Linear { domain: widen(domain), range }
    }

    /// The coordinate of `x`: NaN and −∞ go to the start of the range, +∞ to its end, and a value far
    /// outside the domain is clamped, so the result is always finite.
    pub fn map(&self, x: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        let t = if x.is_nan() || x == f64::NEG_INFINITY {
            0.0
        } else if x == f64::INFINITY {
            1.0
        } else {
            (x - d0) / (d1 - d0)
        };
        (r0 + t * (r1 - r0)).clamp(-FAR, FAR)
    }

    /// The domain after widening.
    pub fn domain(&self) -> (f64, f64) {
        self.domain
    }
}

/// A base-10 logarithmic map, for values spanning orders of magnitude (a loss near zero). Values at or
/// below zero are clamped to the domain's start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Log {
    linear: Linear,
}

impl Log {
    /// Maps `domain` onto `range`; a domain end at or below zero is raised to a positive value (the
    /// smallest positive value in the data is the caller's best choice of start).
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Log {
        let lo = if domain.0.is_finite() && domain.0 > 0.0 { domain.0 } else { 1e-6 };
        let hi = if domain.1.is_finite() && domain.1 > lo { domain.1 } else { lo * 10.0 };
        Log { linear: Linear::new((lo.log10(), hi.log10()), range) }
    }

    /// The coordinate of `x`; non-positive and NaN values go to the start of the range.
    pub fn map(&self, x: f64) -> f64 {
        if x.is_nan() || x <= 0.0 {
            return self.linear.map(f64::NEG_INFINITY);
        }
        self.linear.map(x.log10())
    }

    /// Ticks inside the domain: the powers of ten; with fewer than two of those, the 1-2-5 multiples of
    /// them; then every multiple 1 to 9; and at last the domain's two ends.
    pub fn ticks(&self) -> Vec<f64> {
        let (lo, hi) = self.linear.domain();
        let inside = |v: &f64| {
            let e = v.log10();
            e >= lo - 1e-9 && e <= hi + 1e-9
        };
        let exponents = (lo.floor() as i32)..=((hi.ceil() as i32).min(lo.floor() as i32 + 40));
        for multiples in [&[1.0][..], &[1.0, 2.0, 5.0], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]] {
            let ticks: Vec<f64> = exponents
                .clone()
                .flat_map(|e| multiples.iter().map(move |m| m * 10f64.powi(e)))
                .filter(inside)
                .collect();
            if ticks.len() >= 2 {
                return ticks;
            }
        }
        vec![10f64.powf(lo), 10f64.powf(hi)]
    }
}

/// A y scale of either kind, as a chart's props choose it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// Linear.
    Linear(Linear),
    /// Base-10 logarithmic.
    Log(Log),
}

impl Scale {
    /// The coordinate of `x`.
    pub fn map(&self, x: f64) -> f64 {
        match self {
            Scale::Linear(s) => s.map(x),
            Scale::Log(s) => s.map(x),
        }
    }
}

/// Band positions for categories: the center of category `i` of `n` across `range`.
pub fn band_center(i: usize, n: usize, range: (f64, f64)) -> f64 {
    let n = n.max(1) as f64;
    range.0 + (range.1 - range.0) * (i as f64 + 0.5) / n
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    /// Checks the ticks Heckbert's labeling gives for `lo..hi` and `count`.
    fn check_ticks(lo: f64, hi: f64, count: usize, expected: &[f64]) {
        let ticks = nice_ticks(lo, hi, count);
        let rounded: Vec<f64> = ticks.values.iter().map(|v| (v * 1e9).round() / 1e9).collect();
        assert_eq!(rounded, expected, "nice_ticks({lo}, {hi}, {count})");
    }

    #[test]
    fn heckbert_ticks() {
        check_ticks(0.0, 1.0, 5, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        check_ticks(0.0, 1.0, 6, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        check_ticks(0.41, 0.69, 5, &[0.4, 0.5, 0.6, 0.7]);
        check_ticks(1.0, 100.0, 5, &[0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        check_ticks(-3.2, 7.9, 4, &[-5.0, 0.0, 5.0, 10.0]);
        check_ticks(12.0, 985.0, 4, &[0.0, 500.0, 1000.0]);
        check_ticks(0.0012, 0.0047, 4, &[0.0, 0.002, 0.004, 0.006]);
        // One value: a unit either side.
        check_ticks(3.0, 3.0, 5, &[2.0, 2.5, 3.0, 3.5, 4.0]);
        // Reversed, infinite and NaN bounds still give an axis.
        check_ticks(1.0, 0.0, 5, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        check_ticks(f64::NAN, 1.0, 5, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        check_ticks(0.0, f64::INFINITY, 5, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
    }

    #[test]
    fn nice_numbers() {
        for (x, round, nice) in [
            (0.0, true, 1.0),
            (1.2, true, 1.0),
            (1.2, false, 2.0),
            (2.9, true, 2.0),
            (4.0, true, 5.0),
            (7.5, true, 10.0),
            (7.5, false, 10.0),
            (0.03, false, 0.05),
            (-1.0, true, 1.0),
            (f64::NAN, false, 1.0),
        ] {
            assert!((nice_number(x, round) - nice).abs() < 1e-12, "nice_number({x}, {round})");
        }
    }

    #[test]
    fn ticks_within_a_fixed_domain() {
        assert_eq!(ticks_within(0.0, 1.0, 5).values.len(), 6);
        let t = ticks_within(0.05, 0.95, 5);
        assert!(t.values.iter().all(|&v| (0.05..=0.95).contains(&v)), "{t:?}");
    }

    #[test]
    fn decimals_follow_the_step() {
        for (step, decimals) in [(1.0, 0), (20.0, 0), (0.5, 1), (0.2, 1), (0.05, 2), (0.001, 3), (0.0, 0)] {
            assert_eq!(decimals_for(step), decimals, "decimals_for({step})");
        }
    }

    #[test]
    fn linear_maps_and_never_returns_nan() {
        let s = Linear::new((0.0, 10.0), (100.0, 0.0));
        assert_eq!(s.map(0.0), 100.0);
        assert_eq!(s.map(10.0), 0.0);
        assert_eq!(s.map(5.0), 50.0);
        assert_eq!(s.map(f64::NAN), 100.0);
        assert_eq!(s.map(f64::NEG_INFINITY), 100.0);
        assert_eq!(s.map(f64::INFINITY), 0.0);
        assert_eq!(s.map(1e300), -FAR);
        // An empty or non-finite domain is widened, never divided by zero.
        for domain in [(2.0, 2.0), (f64::NAN, f64::NAN), (0.0, f64::INFINITY)] {
            let s = Linear::new(domain, (0.0, 100.0));
            assert!(s.map(2.0).is_finite(), "{domain:?}");
        }
    }

    #[test]
    fn log_scale() {
        let s = Log::new((0.01, 10.0), (0.0, 300.0));
        assert!((s.map(0.01) - 0.0).abs() < 1e-9);
        assert!((s.map(0.1) - 100.0).abs() < 1e-9);
        assert!((s.map(10.0) - 300.0).abs() < 1e-9);
        assert_eq!(s.map(0.0), 0.0);
        assert_eq!(s.map(f64::NAN), 0.0);
        let rounded = |ticks: Vec<f64>| ticks.iter().map(|v| (v * 1e9).round() / 1e9).collect::<Vec<_>>();
        assert_eq!(rounded(s.ticks()), vec![0.01, 0.1, 1.0, 10.0]);
        // Narrower domains get 1-2-5 ticks, then every multiple.
        assert_eq!(rounded(Log::new((0.15, 0.9), (0.0, 1.0)).ticks()), vec![0.2, 0.5]);
        assert_eq!(rounded(Log::new((0.3, 0.7), (0.0, 1.0)).ticks()), vec![0.3, 0.4, 0.5, 0.6, 0.7]);
        // A non-positive domain does not panic.
        assert!(Log::new((0.0, -1.0), (0.0, 1.0)).map(1.0).is_finite());
    }

    #[test]
    fn extent_skips_non_finite() {
        assert_eq!(extent([3.0, f64::NAN, -1.0, f64::INFINITY]), Some((-1.0, 3.0)));
        assert_eq!(extent([f64::NAN]), None);
        assert_eq!(extent(std::iter::empty()), None);
    }

    #[test]
    fn bands() {
        assert_eq!(band_center(0, 2, (0.0, 100.0)), 25.0);
        assert_eq!(band_center(1, 2, (0.0, 100.0)), 75.0);
        assert_eq!(band_center(0, 0, (0.0, 100.0)), 50.0);
    }
}
