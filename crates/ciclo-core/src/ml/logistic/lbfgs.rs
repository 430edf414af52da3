//! The solver: L-BFGS with MINPACK-2's More–Thuente line search, as SciPy's L-BFGS-B runs it without
//! bounds (the module documentation of [`super`] describes it and how it stops).

use std::collections::VecDeque;

use super::objective::Objective;
use crate::ml::TrainError;
use crate::num;

/// Correction pairs kept (SciPy's `maxcor`, whose default scikit-learn keeps).
const MEMORY: usize = 10;
/// Most objective evaluations in one line search (scikit-learn's `maxls`).
const MAX_LINE_SEARCH: usize = 50;
/// The relative decrease of the objective below which an iteration stops the solver, in machine epsilons
/// (scikit-learn passes `ftol = 64 · ε`).
const FACTR: f64 = 64.0;
/// L-BFGS-B's largest step without bounds.
const STEP_MAX: f64 = 1e10;

/// Where the solver stopped.
pub(super) struct Solution {
    /// The weights, then the intercept.
    pub(super) theta: Vec<f64>,
    /// The mean objective's gradient at `theta`.
    pub(super) gradient: Vec<f64>,
    /// Iterations taken (accepted steps).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) iterations: u64,
}

/// Minimizes `objective` from zero with L-BFGS (see the module documentation).
pub(super) fn minimize(objective: &Objective<'_>, max_iter: u64, tol: f64) -> Result<Solution, TrainError> {
    let dim = objective.dim();
    let mut theta = vec![0.0; dim];
    let mut gradient = vec![0.0; dim];
    let mut value = objective.value_and_gradient(&theta, &mut gradient);
    check_finite(value, &gradient, 0)?;
    let mut memory = Memory::new(dim);
    let mut direction = vec![0.0; dim];
    let mut start = vec![0.0; dim];
    let mut start_gradient = vec![0.0; dim];
    let mut iterations = 0;
    while max_abs(&gradient) > tol && iterations < max_iter {
        memory.direction(&gradient, &mut direction);
        start.copy_from_slice(&theta);
        start_gradient.copy_from_slice(&gradient);
        let start_value = value;
        let start_slope = num::dot(&gradient, &direction);
        let mut step =
            if iterations == 0 { (1.0 / num::dot(&direction, &direction).sqrt()).min(STEP_MAX) } else { 1.0 };
        // The search fails on an ascent direction (rounding) or after too many evaluations.
        let mut found = false;
        if start_slope < 0.0 {
            let mut search = LineSearch::start(start_value, start_slope, step);
            for _ in 0..MAX_LINE_SEARCH {
                for ((t, s), d) in theta.iter_mut().zip(&start).zip(&direction) {
                    *t = s + step * d;
                }
                value = objective.value_and_gradient(&theta, &mut gradient);
                check_finite(value, &gradient, iterations)?;
                if search.next(value, num::dot(&gradient, &direction), &mut step) {
                    found = true;
                    break;
                }
            }
        }
        if !found {
            theta.copy_from_slice(&start);
            gradient.copy_from_slice(&start_gradient);
            value = start_value;
            if memory.is_empty() {
                // Even the gradient direction failed: nothing is left to try.
                break;
            }
            memory.clear();
            continue;
        }
        iterations += 1;
        if start_value - value <= FACTR * f64::EPSILON * start_value.abs().max(value.abs()).max(1.0) {
            break;
        }
        memory.push(&start, &theta, &start_gradient, &gradient, -start_slope * step);
    }
    Ok(Solution { theta, gradient, iterations })
}

/// The largest absolute component of `values` (0 for none).
pub(super) fn max_abs(values: &[f64]) -> f64 {
    values.iter().fold(0.0, |max, v| max.max(v.abs()))
}

/// A [`TrainError::Solver`] when the objective or its gradient is not finite (features so large that a
/// margin overflows).
fn check_finite(value: f64, gradient: &[f64], iterations: u64) -> Result<(), TrainError> {
    if value.is_finite() && gradient.iter().all(|g| g.is_finite()) {
        return Ok(());
    }
    Err(TrainError::Solver {
        message: format!("the log loss is not a finite number after {iterations} iterations"),
    })
}

/// L-BFGS's memory: the last [`MEMORY`] pairs of steps `s = θₖ₊₁ − θₖ` and gradient changes
/// `y = ∇ₖ₊₁ − ∇ₖ`, oldest first.
struct Memory {
    pairs: VecDeque<Pair>,
    /// Buffers for the next pair, reused so that an iteration allocates nothing.
    spare: Pair,
}

/// One correction pair with its curvature `s·y` and `y·y`.
struct Pair {
    s: Vec<f64>,
    y: Vec<f64>,
    sy: f64,
    yy: f64,
}

impl Pair {
    fn zeros(dim: usize) -> Pair {
        Pair { s: vec![0.0; dim], y: vec![0.0; dim], sy: 0.0, yy: 0.0 }
    }
}

impl Memory {
    fn new(dim: usize) -> Memory {
        Memory { pairs: VecDeque::with_capacity(MEMORY), spare: Pair::zeros(dim) }
    }

    fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    fn clear(&mut self) {
        self.pairs.clear();
    }

    /// Remembers the step from `(start, start_gradient)` to `(end, end_gradient)`, dropping the oldest pair
    /// when full, unless its curvature `s·y` is at most `ε · descent` (`descent` being `−s·∇ₖ`, the decrease
    /// promised by the first-order model): such a pair would make the inverse Hessian estimate
    /// indefinite, and L-BFGS-B skips it too.
    fn push(
        &mut self,
        start: &[f64],
        end: &[f64],
        start_gradient: &[f64],
        end_gradient: &[f64],
        descent: f64,
    ) {
        let spare = &mut self.spare;
        for ((s, a), b) in spare.s.iter_mut().zip(start).zip(end) {
            *s = b - a;
        }
        for ((y, a), b) in spare.y.iter_mut().zip(start_gradient).zip(end_gradient) {
            *y = b - a;
        }
        spare.sy = num::dot(&spare.s, &spare.y);
        spare.yy = num::dot(&spare.y, &spare.y);
        if spare.sy <= f64::EPSILON * descent {
            return;
        }
        let recycled = match self.pairs.len() {
            MEMORY => self.pairs.pop_front(),
            _ => None,
        };
        let recycled = recycled.unwrap_or_else(|| Pair::zeros(start.len()));
        self.pairs.push_back(std::mem::replace(&mut self.spare, recycled));
    }

    /// Writes the quasi-Newton direction `−H·gradient` into `direction` (the two-loop recursion, with the
    /// initial inverse Hessian `(s·y / y·y) · I` of the newest pair, or the identity when the memory is
    /// empty).
    fn direction(&self, gradient: &[f64], direction: &mut [f64]) {
        direction.copy_from_slice(gradient);
        let mut alphas = [0.0; MEMORY];
        for (pair, alpha) in self.pairs.iter().rev().zip(alphas.iter_mut()) {
            *alpha = num::dot(&pair.s, direction) / pair.sy;
            for (d, y) in direction.iter_mut().zip(&pair.y) {
                *d -= *alpha * y;
            }
        }
        if let Some(newest) = self.pairs.back() {
            let gamma = newest.sy / newest.yy;
            for d in direction.iter_mut() {
                *d *= gamma;
            }
        }
        let used = alphas.get(..self.pairs.len()).unwrap_or_default();
        for (pair, alpha) in self.pairs.iter().zip(used.iter().rev()) {
            let beta = num::dot(&pair.y, direction) / pair.sy;
            for (d, s) in direction.iter_mut().zip(&pair.s) {
                *d += (alpha - beta) * s;
            }
        }
        for d in direction.iter_mut() {
            *d = -*d;
        }
    }
}

// ----------------------------------------------------------------------------------------------- line search

/// Sufficient decrease (`ftol`), curvature (`gtol`) and interval tolerance (`xtol`) of L-BFGS-B's line search.
const FTOL: f64 = 1e-3;
const GTOL: f64 = 0.9;
const XTOL: f64 = 0.1;
/// How far beyond the last step `dcsrch` extrapolates before a minimizer is bracketed, at least and at
/// most (in multiples of the last step's length).
const XTRAP_LOWER: f64 = 1.1;
const XTRAP_UPPER: f64 = 4.0;
/// The share of the interval that a step must shrink it by before `dcsrch` bisects instead.
const P66: f64 = 0.66;

/// A step along the search direction, the objective there and its derivative along the direction.
#[derive(Debug, Clone, Copy)]
struct Point {
    step: f64,
    value: f64,
    slope: f64,
}

/// More and Thuente's line search, ported from MINPACK-2's `dcsrch` (1993) as L-BFGS-B calls it (steps
/// within `[0, STEP_MAX]`). It looks for a step meeting the strong Wolfe conditions
/// `f(t) ≤ f(0) + FTOL·t·f'(0)` and `|f'(t)| ≤ GTOL·|f'(0)|`, keeping an interval `[x, y]` that contains
/// one, with trial steps from [`dcstep`]'s safeguarded cubic and quadratic interpolations.
#[derive(Debug, Clone)]
struct LineSearch {
    /// The objective and its slope at step 0.
    origin: Point,
    /// `FTOL · f'(0)`, the slope of the sufficient decrease line.
    gtest: f64,
    /// Whether a minimizer is known to lie between `x` and `y`.
    bracketed: bool,
    /// `dcsrch`'s first stage, which ends once a step both decreases enough and has a non-negative slope.
    stage_one: bool,
    /// The step with the least objective so far.
    x: Point,
    /// The interval's other end.
    y: Point,
    /// The range the next step must fall in.
    low: f64,
    high: f64,
    /// The interval's last two widths.
    width: f64,
    width_before: f64,
}

impl LineSearch {
    /// Starts a search from the objective's `value` and (negative) `slope` at step 0, with first trial
    /// step `step`.
    fn start(value: f64, slope: f64, step: f64) -> LineSearch {
        let origin = Point { step: 0.0, value, slope };
        LineSearch {
            origin,
            gtest: FTOL * slope,
            bracketed: false,
            stage_one: true,
            x: origin,
            y: origin,
            low: 0.0,
            high: step + XTRAP_UPPER * step,
            width: STEP_MAX,
            width_before: STEP_MAX / 0.5,
        }
    }

    /// Takes the objective's `value` and `slope` at `*step`. Returns `true` when the search is over: the
    /// Wolfe conditions hold, or (`dcsrch`'s warnings) rounding prevents progress or the step hit a bound,
    /// and either way `*step` is where the objective was last evaluated. Otherwise writes the next trial
    /// step into `*step` and returns `false`.
    fn next(&mut self, value: f64, slope: f64, step: &mut f64) -> bool {
        let stp = *step;
        let ftest = self.origin.value + stp * self.gtest;
        if self.stage_one && value <= ftest && slope >= 0.0 {
            self.stage_one = false;
        }
        let stuck = self.bracketed
            && (stp <= self.low || stp >= self.high || self.high - self.low <= XTOL * self.high);
        let at_max = stp == STEP_MAX && value <= ftest && slope <= self.gtest;
        let at_min = stp == 0.0 && (value > ftest || slope >= self.gtest);
        let wolfe = value <= ftest && slope.abs() <= GTOL * -self.origin.slope;
        if stuck || at_max || at_min || wolfe {
            return true;
        }

        let trial = Point { step: stp, value, slope };
        let mut next = if self.stage_one && value <= self.x.value && value > ftest {
            // A lower value but not a sufficient decrease: interpolate the modified function
            // `ψ(t) = f(t) − f(0) − FTOL·t·f'(0)` (less its constant `f(0)`), as `dcsrch` does.
            let gtest = self.gtest;
            let to_psi =
                |p: Point| Point { step: p.step, value: p.value - p.step * gtest, slope: p.slope - gtest };
            let from_psi =
                |p: Point| Point { step: p.step, value: p.value + p.step * gtest, slope: p.slope + gtest };
            let (mut x, mut y) = (to_psi(self.x), to_psi(self.y));
            let next = dcstep(&mut x, &mut y, to_psi(trial), &mut self.bracketed, (self.low, self.high));
            (self.x, self.y) = (from_psi(x), from_psi(y));
            next
        } else {
            dcstep(&mut self.x, &mut self.y, trial, &mut self.bracketed, (self.low, self.high))
        };

        if self.bracketed {
            // Bisect when the interval did not shrink enough over the last two steps.
            if (self.y.step - self.x.step).abs() >= P66 * self.width_before {
                next = self.x.step + 0.5 * (self.y.step - self.x.step);
            }
            self.width_before = self.width;
            self.width = (self.y.step - self.x.step).abs();
            self.low = self.x.step.min(self.y.step);
            self.high = self.x.step.max(self.y.step);
        } else {
            self.low = next + XTRAP_LOWER * (next - self.x.step);
            self.high = next + XTRAP_UPPER * (next - self.x.step);
        }
        // `dcsrch`'s max then min, not `clamp`: a NaN step (from a degenerate interpolation) becomes 0, a
        // step the search can recover from, instead of spreading into the weights.
        #[allow(clippy::manual_clamp)]
        {
            next = next.max(0.0).min(STEP_MAX);
        }
        // When no further progress is possible, evaluate the best step once more and stop there.
        if self.bracketed
            && (next <= self.low || next >= self.high || self.high - self.low <= XTOL * self.high)
        {
            next = self.x.step;
        }
        *step = next;
        false
    }
}

/// MINPACK-2's `dcstep`: updates the interval `[x, y]` with the `trial` point and returns the next trial
/// step, within `bounds` while no minimizer is bracketed. `x` is the best point so far, its slope pointing
/// towards `trial`. Four cases, as the comments in `dcstep` name them.
fn dcstep(x: &mut Point, y: &mut Point, trial: Point, bracketed: &mut bool, bounds: (f64, f64)) -> f64 {
    let Point { step: stx, value: fx, slope: dx } = *x;
    let Point { step: sty, value: fy, slope: dy } = *y;
    let Point { step: stp, value: fp, slope: dp } = trial;
    let (stpmin, stpmax) = bounds;
    let sgnd = dp * (dx / dx.abs());
    // The cubic through two points with their slopes: `θ`, and `γ` (its discriminant's root), scaled by
    // `s` against overflow.
    let cubic = |theta: f64, da: f64, db: f64| {
        let s = theta.abs().max(da.abs()).max(db.abs());
        (s, (theta / s) * (theta / s) - (da / s) * (db / s))
    };

    let next = if fp > fx {
        // A higher value: the minimum is bracketed. Take the cubic step if it is closer to `x` than the
        // quadratic one, else their average.
        let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        let (s, discriminant) = cubic(theta, dx, dp);
        let mut gamma = s * discriminant.sqrt();
        if stp < stx {
            gamma = -gamma;
        }
        let p = (gamma - dx) + theta;
        let q = ((gamma - dx) + gamma) + dp;
        let stpc = stx + p / q * (stp - stx);
        let stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx);
        *bracketed = true;
        if (stpc - stx).abs() < (stpq - stx).abs() {
            stpc
        } else {
            stpc + (stpq - stpc) / 2.0
        }
    } else if sgnd < 0.0 {
        // A lower value and slopes of opposite signs: bracketed. Take the cubic step if it is farther from
        // the trial than the secant step, else the secant step.
        let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        let (s, discriminant) = cubic(theta, dx, dp);
        let mut gamma = s * discriminant.sqrt();
        if stp > stx {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = ((gamma - dp) + gamma) + dx;
        let stpc = stp + p / q * (stx - stp);
        let stpq = stp + (dp / (dp - dx)) * (stx - stp);
        *bracketed = true;
        if (stpc - stp).abs() > (stpq - stp).abs() {
            stpc
        } else {
            stpq
        }
    } else if dp.abs() < dx.abs() {
        // A lower value, slopes of the same sign, the slope's magnitude decreasing. The cubic step only
        // if the cubic tends to infinity in the step's direction or its minimum lies beyond the trial;
        // otherwise a bound.
        let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        let (s, discriminant) = cubic(theta, dx, dp);
        let mut gamma = s * discriminant.max(0.0).sqrt();
        if stp > stx {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = (gamma + (dx - dp)) + gamma;
        let r = p / q;
        let stpc = if r < 0.0 && gamma != 0.0 {
            stp + r * (stx - stp)
        } else if stp > stx {
            stpmax
        } else {
            stpmin
        };
        let stpq = stp + (dp / (dp - dx)) * (stx - stp);
        if *bracketed {
            // Take the step closer to the trial, but not too close to `y`.
            let stpf = if (stpc - stp).abs() < (stpq - stp).abs() { stpc } else { stpq };
            if stp > stx {
                stpf.min(stp + P66 * (sty - stp))
            } else {
                stpf.max(stp + P66 * (sty - stp))
            }
        } else {
            let stpf = if (stpc - stp).abs() > (stpq - stp).abs() { stpc } else { stpq };
            stpf.min(stpmax).max(stpmin)
        }
    } else if *bracketed {
        // A lower value, slopes of the same sign, the slope's magnitude not decreasing, bracketed: the
        // cubic step between the trial and `y`.
        let theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp;
        let (s, discriminant) = cubic(theta, dy, dp);
        let mut gamma = s * discriminant.sqrt();
        if stp > sty {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = ((gamma - dp) + gamma) + dy;
        stp + p / q * (sty - stp)
    } else if stp > stx {
        stpmax
    } else {
        stpmin
    };

    if fp > fx {
        *y = trial;
    } else {
        if sgnd < 0.0 {
            *y = *x;
        }
        *x = trial;
    }
    next
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)] // A test reports failure by panicking.
mod tests {
    use super::*;

    /// Runs a line search on `phi` (the objective along a direction: value and slope at a step) from the
    /// first trial `step`, returning the accepted step and the number of evaluations.
    fn line_search(phi: impl Fn(f64) -> (f64, f64), step: f64) -> (f64, usize) {
        let (value, slope) = phi(0.0);
        let mut search = LineSearch::start(value, slope, step);
        let mut step = step;
        for evaluations in 1..=MAX_LINE_SEARCH {
            let (value, slope) = phi(step);
            if search.next(value, slope, &mut step) {
                return (step, evaluations);
            }
        }
        panic!("no step accepted");
    }

    #[test]
    fn line_search_finds_a_wolfe_step() {
        // A quadratic with its minimum at 3: a unit step is accepted as it is (sufficient decrease, and the
        // slope -4 is within 0.9 of the initial -6); a long one is brought back by interpolation, which
        // on a quadratic lands on the minimum.
        let quadratic = |t: f64| ((t - 3.0) * (t - 3.0), 2.0 * (t - 3.0));
        assert_eq!(line_search(quadratic, 1.0), (1.0, 1));
        let (step, evaluations) = line_search(quadratic, 10.0);
        assert!((step - 3.0).abs() < 1e-12 && evaluations == 2, "{step} {evaluations}");
        // A too-short step on a steep function is extended until the curvature condition holds.
        let (step, evaluations) =
            line_search(|t: f64| (libm::exp(t - 5.0) - t, libm::exp(t - 5.0) - 1.0), 0.01);
        let slope = libm::exp(step - 5.0) - 1.0;
        assert!(slope.abs() <= GTOL * (1.0 - libm::exp(-5.0)) && evaluations > 1, "{step} {evaluations}");
    }
}
