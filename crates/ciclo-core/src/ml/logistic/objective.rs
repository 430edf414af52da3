//! scikit-learn's mean logistic objective and its gradient, over a training matrix stored the way the
//! solver reads it fastest.
//!
//! # Two-valued features
//!
//! After one-hot encoding and standardization most of the Telco features (41 of 45) take only two
//! values: a level's indicator, scaled. A dense pass spends most of its multiplications on them and most
//! of its memory traffic on re-reading the same two numbers. [`Design`] keeps such a feature as its two
//! values, the more frequent one (`base`) and the other, and for each row only the list of its
//! two-valued features that are *not* at their base value (about a third of them on the Telco data). A
//! row's margin is then a constant shared by every row (the intercept plus every two-valued feature at its
//! base value), plus what each listed feature adds by being at its other value, plus a dense dot product
//! over the remaining features. The gradient's component of a two-valued feature is
//! `base · (sum of the residuals of rows at base) + other · (sum of the residuals of the other rows)`: one
//! addition per listed entry instead of one multiplication and addition per row.
//!
//! The result is the same objective up to rounding (a few units in the last place; the tests compare with
//! the dense sums), computed in an order fixed by the code, so it is the same to the bit on every target.
//! A matrix without two-valued features takes the dense path alone: its margins and gradient add their
//! terms in exactly the order of the plain row-by-row sums.
//!
//! The loss takes one logarithm per thousand rows rather than one per row ([`LossSum`]): with the
//! exponential each row needs anyway for its residual, the logarithm was the other half of the
//! transcendental cost of an evaluation.

use crate::num;

/// At most this many features are kept as two-valued (their positions fit a byte, and their tables stay in
/// the first-level cache); any further ones are stored densely.
const MAX_TWO_VALUED: usize = 256;

/// A feature that takes two values on the training rows (or one: then `other == base` and no row lists it).
#[derive(Debug, Clone, Copy, PartialEq)]
struct TwoValued {
    /// Its column in the training matrix.
    column: usize,
    /// The value of most rows (the first seen on a tie).
    base: f64,
    /// The other value.
    other: f64,
}

/// What the first pass of [`Design::new`] learns of a column.
#[derive(Debug, Clone, Copy)]
struct Values {
    /// The first row's value, and the first different one (equal to `first` until `seen`).
    first: f64,
    second: f64,
    seen: bool,
    /// How many rows hold `first`.
    first_count: usize,
    /// Whether every row so far holds `first` or `second`.
    two: bool,
}

/// The training matrix, stored for the objective: two-valued features as lists of the rows' departures
/// from the base value, the other features densely, row after row.
#[derive(Debug, Clone, PartialEq)]
struct Design {
    n_rows: usize,
    /// The columns stored densely, ascending.
    dense: Vec<usize>,
    /// Their values, row after row (`n_rows × dense.len()`).
    dense_values: Vec<f64>,
    /// The two-valued features, by ascending column.
    two_valued: Vec<TwoValued>,
    /// Row `i` lists its two-valued features at their other value (positions in `two_valued`, ascending) in
    /// `moved[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    moved: Vec<u8>,
}

impl Design {
    /// Stores the `n_features`-column row-major matrix `x`, keeping at most `max_two_valued` features
    /// (at most [`MAX_TWO_VALUED`]) as two-valued.
    fn new(x: &[f64], n_features: usize, max_two_valued: usize) -> Design {
        let width = n_features.max(1);
        let n_rows = x.len() / width;
        // The first two distinct values of every column, and how many rows hold the first. One-hot
        // columns alternate between their values at random, so the loop does not branch on them.
        let mut columns: Vec<Values> = x
            .get(..n_features)
            .unwrap_or_default()
            .iter()
            .map(|&v| Values { first: v, second: v, seen: false, first_count: 0, two: true })
            .collect();
        for row in x.chunks_exact(width) {
            for (&v, c) in row.iter().zip(columns.iter_mut()) {
                let is_first = v == c.first;
                let new_second = !is_first & !c.seen;
                c.second = if new_second { v } else { c.second };
                c.seen |= new_second;
                c.first_count += usize::from(is_first);
                c.two &= is_first | (v == c.second);
            }
        }
        let limit = max_two_valued.min(MAX_TWO_VALUED);
        let mut two_valued = Vec::new();
        let mut dense = Vec::new();
        // Each column's place: `Some(k)` for the two-valued feature `k`, `None` for a dense one.
        let mut place = Vec::with_capacity(n_features);
        for (column, c) in columns.iter().enumerate() {
            if c.two && two_valued.len() < limit {
                let (base, other) =
                    if 2 * c.first_count >= n_rows { (c.first, c.second) } else { (c.second, c.first) };
                place.push(Some((two_valued.len() as u8, base)));
                two_valued.push(TwoValued { column, base, other });
            } else {
                place.push(None);
                dense.push(column);
            }
        }
        let mut dense_values = Vec::with_capacity(n_rows * dense.len());
        let mut starts = Vec::with_capacity(n_rows + 1);
        let mut moved = Vec::new();
        let mut listed = [0u8; MAX_TWO_VALUED];
        starts.push(0);
        for row in x.chunks_exact(width) {
            // Every two-valued feature is written to the row's list, which grows only past those away
            // from their base value: no branch on the value.
            let mut len = 0usize;
            for (&v, place) in row.iter().zip(&place) {
                match *place {
                    Some((k, base)) => {
                        if let Some(slot) = listed.get_mut(len) {
                            *slot = k;
                        }
                        len += usize::from(v != base);
                    }
                    None => dense_values.push(v),
                }
            }
            moved.extend_from_slice(listed.get(..len).unwrap_or_default());
            starts.push(moved.len());
        }
        Design { n_rows, dense, dense_values, two_valued, starts, moved }
    }

    /// The dense values of row `i`.
    #[inline(always)]
    fn dense_row(&self, i: usize) -> &[f64] {
        let p = self.dense.len();
        self.dense_values.get(i * p..(i + 1) * p).unwrap_or_default()
    }

    /// The two-valued features of row `i` at their other value.
    #[inline(always)]
    fn moved_of(&self, i: usize) -> &[u8] {
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => self.moved.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    }
}

/// scikit-learn's mean objective on a training set, evaluated together with its gradient.
pub(super) struct Objective<'a> {
    /// The feature matrix.
    design: Design,
    /// One label per row.
    y: &'a [bool],
    /// Columns of the matrix (at least 1).
    n_features: usize,
    /// Rows of the matrix.
    n: f64,
    /// `C · n`: the mean objective's penalty is `‖w‖² / (2·C·n)`.
    cn: f64,
}

impl<'a> Objective<'a> {
    /// The objective with inverse regularization `c` on the `n_features`-column row-major matrix `x`
    /// with labels `y` (one per row).
    pub(super) fn new(x: &[f64], y: &'a [bool], n_features: usize, c: f64) -> Objective<'a> {
        Objective::with_two_valued(x, y, n_features, c, MAX_TWO_VALUED)
    }

    /// [`Objective::new`] keeping at most `max_two_valued` features as two-valued (0 for a dense matrix).
    fn with_two_valued(
        x: &[f64],
        y: &'a [bool],
        n_features: usize,
        c: f64,
        max_two_valued: usize,
    ) -> Objective<'a> {
        let design = Design::new(x, n_features, max_two_valued);
        let n = design.n_rows as f64;
        Objective { design, y, n_features, n, cn: c * n }
    }

    /// The number of parameters: one weight per feature, then the intercept.
    pub(super) fn dim(&self) -> usize {
        self.n_features + 1
    }

    /// The mean objective at `theta` (the weights, then the intercept), with its gradient written into
    /// `gradient` (same layout), in one pass over the rows.
    ///
    /// A row's margin is `(shared + Σ its departures in list order) + dense · w_dense` (see the module
    /// documentation). The rows go four at a time: their margins and losses one after the other, then
    /// their shares of the dense gradient in one sweep, each component adding the four rows' terms in row
    /// order. Every sum thus takes its terms in the same order as a row-by-row loop would, while the sweep
    /// loads and stores the gradient once per four rows instead of once per row.
    pub(super) fn value_and_gradient(&self, theta: &[f64], gradient: &mut [f64]) -> f64 {
        gradient.fill(0.0);
        let (Some((&b, w)), Some((gradient_b, gradient_w))) = (theta.split_last(), gradient.split_last_mut())
        else {
            return f64::NAN;
        };
        let design = &self.design;
        let weight = |j: usize| w.get(j).copied().unwrap_or(0.0);
        let w_dense: Vec<f64> = design.dense.iter().map(|&j| weight(j)).collect();
        // The margin every row shares, and what each two-valued feature adds at its other value.
        let mut shared = b;
        let mut departure = [0.0; MAX_TWO_VALUED];
        for (d, feature) in departure.iter_mut().zip(&design.two_valued) {
            let wj = weight(feature.column);
            shared += feature.base * wj;
            *d = feature.other * wj - feature.base * wj;
        }
        let mut loss = LossSum::default();
        let mut residual_sum = 0.0;
        // The sum of the residuals of the rows at each two-valued feature's other value.
        let mut moved_sum = [0.0; MAX_TWO_VALUED];
        let mut dense_gradient = vec![0.0; design.dense.len()];
        let mut row_terms = |i: usize, dense_row: &[f64], positive: bool| {
            let moved = design.moved_of(i);
            let mut z = shared;
            for &k in moved {
                // A byte indexes a 256-entry array: no bounds check.
                if let Some(d) = departure.get(usize::from(k)) {
                    z += d;
                }
            }
            let residual = loss.add(z + num::dot(dense_row, &w_dense), positive);
            residual_sum += residual;
            for &k in moved {
                if let Some(s) = moved_sum.get_mut(usize::from(k)) {
                    *s += residual;
                }
            }
            residual
        };
        let n_rows = design.n_rows.min(self.y.len());
        let blocks = n_rows / 4;
        for (block, labels) in self.y.chunks_exact(4).take(blocks).enumerate() {
            let &[y0, y1, y2, y3] = labels else { continue };
            let i = 4 * block;
            let (x0, x1, x2, x3) = (
                design.dense_row(i),
                design.dense_row(i + 1),
                design.dense_row(i + 2),
                design.dense_row(i + 3),
            );
            let (r0, r1, r2, r3) = (
                row_terms(i, x0, y0),
                row_terms(i + 1, x1, y1),
                row_terms(i + 2, x2, y2),
                row_terms(i + 3, x3, y3),
            );
            for ((((g, a0), a1), a2), a3) in dense_gradient.iter_mut().zip(x0).zip(x1).zip(x2).zip(x3) {
                *g += r0 * a0;
                *g += r1 * a1;
                *g += r2 * a2;
                *g += r3 * a3;
            }
        }
        for (i, &positive) in self.y.iter().enumerate().take(n_rows).skip(4 * blocks) {
            let row = design.dense_row(i);
            let residual = row_terms(i, row, positive);
            for (g, a) in dense_gradient.iter_mut().zip(row) {
                *g += residual * a;
            }
        }
        for (&j, &g) in design.dense.iter().zip(&dense_gradient) {
            if let Some(slot) = gradient_w.get_mut(j) {
                *slot = g;
            }
        }
        for (feature, &at_other) in design.two_valued.iter().zip(&moved_sum) {
            if let Some(slot) = gradient_w.get_mut(feature.column) {
                *slot = feature.base * (residual_sum - at_other) + feature.other * at_other;
            }
        }
        for (g, w) in gradient_w.iter_mut().zip(w) {
            *g = *g / self.n + w / self.cn;
        }
        *gradient_b = residual_sum / self.n;
        loss.total() / self.n + 0.5 * num::dot(w, w) / self.cn
    }
}

/// How many factors `1 + e` (each at most 2) [`LossSum`] multiplies before taking their logarithm:
/// 2¹⁰⁰⁰ is still far below `f64::MAX`.
const LOSS_CHUNK: u32 = 1000;

/// A sum of log losses, with the residuals `σ(z) − y` of the rows added.
///
/// With the signed margin `s` (`z` for a positive row, `−z` for a negative one) and `e = exp(−|s|)`, which
/// never overflows: when the model leans the right way (`s ≥ 0`) the wrong class has probability
/// `e / (1 + e)` and the loss is `ln(1 + e)`; otherwise the wrong class has `1 / (1 + e)` and the loss is
/// `ln(1 + e) − s`. The residual is the wrong class's probability, negated for a positive row.
///
/// The logarithms are taken of products of up to [`LOSS_CHUNK`] factors `1 + e` rather than one per row:
/// one exponential per row and one logarithm per thousand rows. Each factor is rounded once (an error of
/// at most half an ulp of a number between 1 and 2), so the sum is as accurate as a sum of `log1p(e)`
/// to within a few ulps of the total, far below what the solver's stopping rule reads.
#[derive(Debug, Clone, Copy)]
struct LossSum {
    /// `Σ max(−s, 0)`.
    linear: f64,
    /// The logarithms of the finished products.
    logs: f64,
    /// The current product and its number of factors.
    product: f64,
    in_product: u32,
}

impl Default for LossSum {
    fn default() -> LossSum {
        LossSum { linear: 0.0, logs: 0.0, product: 1.0, in_product: 0 }
    }
}

impl LossSum {
    /// Adds the loss of a row with margin `z` and label `positive`, and returns its residual `σ(z) − y`.
    #[inline(always)]
    fn add(&mut self, z: f64, positive: bool) -> f64 {
        let signed = if positive { z } else { -z };
        let e = libm::exp(-signed.abs());
        let wrong_class = if signed >= 0.0 { e } else { 1.0 } / (1.0 + e);
        self.linear += (-signed).max(0.0);
        self.product *= 1.0 + e;
        self.in_product += 1;
        if self.in_product == LOSS_CHUNK {
            self.logs += libm::log(self.product);
            self.product = 1.0;
            self.in_product = 0;
        }
        if positive {
            -wrong_class
        } else {
            wrong_class
        }
    }

    /// The sum of the losses added.
    fn total(self) -> f64 {
        self.linear + (self.logs + libm::log(self.product))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    /// The objective and gradient summed the plain way: row by row, every feature densely.
    fn plain(x: &[f64], y: &[bool], p: usize, c: f64, theta: &[f64]) -> (f64, Vec<f64>) {
        let (w, b) = (&theta[..p], theta[p]);
        let n = y.len() as f64;
        let (mut loss, mut gradient) = (0.0, vec![0.0; p + 1]);
        for (row, &positive) in x.chunks_exact(p).zip(y) {
            let z = b + row.iter().zip(w).map(|(a, w)| a * w).sum::<f64>();
            let s = if positive { z } else { -z };
            loss += libm::log1p(libm::exp(-s.abs())) + (-s).max(0.0);
            let r = LossSum::default().add(z, positive);
            for (g, a) in gradient.iter_mut().zip(row) {
                *g += r * a;
            }
            gradient[p] += r;
        }
        for (g, w) in gradient.iter_mut().zip(w) {
            *g = *g / n + w / (c * n);
        }
        gradient[p] /= n;
        (loss / n + 0.5 * w.iter().map(|w| w * w).sum::<f64>() / (c * n), gradient)
    }

    /// The synthetic Telco training matrix (one-hot encoded and standardized) of `rows` customers.
    fn telco(rows: usize) -> (Vec<f64>, Vec<bool>, usize) {
        let data = crate::telco::generate(rows, 5);
        let (y, _) = crate::ml::labels(&data, crate::telco::TARGET).unwrap();
        let all: Vec<usize> = (0..data.n_rows()).collect();
        let pipeline =
            crate::ml::Pipeline::fit(&data, &all, crate::telco::TARGET, crate::ml::Fill::Zero).unwrap();
        let (x, _) = pipeline.transform(&data, &all).unwrap();
        let p = x.ncols();
        (x.as_standard_layout().iter().copied().collect(), y, p)
    }

    /// Checks the objective of `x` (`p` columns) at a few points against the plain sums, with two-valued
    /// features and without.
    fn check_against_plain(x: &[f64], y: &[bool], p: usize) {
        for c in [1.0, 0.05] {
            for point in 0..3 {
                let theta: Vec<f64> =
                    (0..=p).map(|j| ((j * 7 + point * 3) % 11) as f64 / 10.0 - 0.5 * point as f64).collect();
                let (value, gradient) = plain(x, y, p, c, &theta);
                for limit in [MAX_TWO_VALUED, 0] {
                    let objective = Objective::with_two_valued(x, y, p, c, limit);
                    let mut got = vec![0.0; p + 1];
                    let got_value = objective.value_and_gradient(&theta, &mut got);
                    assert!((got_value - value).abs() <= 1e-13 * value.abs(), "{got_value} vs {value}");
                    for (a, b) in got.iter().zip(&gradient) {
                        assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()), "limit {limit}: {a} vs {b}");
                    }
                }
            }
        }
    }

    #[test]
    fn two_valued_features_give_the_plain_objective() {
        let (x, y, p) = telco(1003);
        assert_eq!(p, 45);
        let design = Design::new(&x, p, MAX_TWO_VALUED);
        // Everything but tenure, MonthlyCharges and TotalCharges takes two values (SeniorCitizen too).
        assert_eq!(design.dense.len(), 3, "{:?}", design.dense);
        assert_eq!(design.two_valued.len(), 42);
        // Each row lists fewer than half of the two-valued features.
        assert!(design.moved.len() < 1003 * 21, "{}", design.moved.len());
        check_against_plain(&x, &y, p);
    }

    #[test]
    fn constant_and_odd_shaped_matrices() {
        // A constant column, a two-valued one with the rarer value first, a dense one; 7 rows (not a
        // multiple of four).
        let x = [
            [3.0, -1.0, 0.5],
            [3.0, 2.0, 0.25],
            [3.0, 2.0, -1.0],
            [3.0, 2.0, 4.0],
            [3.0, -1.0, 0.0],
            [3.0, 2.0, 1.5],
            [3.0, 2.0, 2.5],
        ]
        .concat();
        let y = [true, false, true, true, false, false, true];
        let design = Design::new(&x, 3, MAX_TWO_VALUED);
        assert_eq!(
            design.two_valued,
            [TwoValued { column: 0, base: 3.0, other: 3.0 }, TwoValued { column: 1, base: 2.0, other: -1.0 }]
        );
        assert_eq!(design.dense, [2]);
        assert_eq!(design.moved, [1, 1]);
        assert_eq!(design.starts, [0, 1, 1, 1, 1, 2, 2, 2]);
        check_against_plain(&x, &y, 3);
        // Only one feature may be two-valued: the other is stored densely.
        assert_eq!(Design::new(&x, 3, 1).dense, [1, 2]);
    }

    #[test]
    fn a_dense_matrix_sums_in_row_order() {
        // Without two-valued features the objective is the dense four-row sweep: each gradient component
        // adds the rows' terms in row order, as the plain loop does, so they agree to the bit.
        let x: Vec<f64> = (0..9 * 3).map(|i| f64::from(i * 37 % 23) / 7.0 - 1.5).collect();
        let y: Vec<bool> = (0..9).map(|i| i % 3 != 1).collect();
        let objective = Objective::new(&x, &y, 3, 1.0);
        assert!(objective.design.two_valued.is_empty());
        let theta = [0.3, -0.2, 0.1, 0.05];
        let mut gradient = [0.0; 4];
        objective.value_and_gradient(&theta, &mut gradient);
        let (_, expected) = plain(&x, &y, 3, 1.0, &theta);
        assert_eq!(gradient[3], expected[3]);
        for (a, b) in gradient.iter().zip(&expected) {
            assert!((a - b).abs() <= 1e-15, "{a} vs {b}");
        }
    }
}
