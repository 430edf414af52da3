//! Deterministic floating-point helpers: the same bits natively and in WebAssembly.
//!
//! Issue 3 asks for bit-identical results on every target. IEEE 754 makes `+`, `-`, `*`, `/` and `sqrt`
//! exactly rounded everywhere, so only three things can make two targets disagree, and the core avoids
//! each of them:
//!
//! - **Transcendental functions.** `f64::exp`, `ln`, `cos` and friends call the platform's math library
//!   (glibc natively, another libm in wasm32), and those differ in the last bits. The core calls the `libm`
//!   crate instead (a pure-Rust port of musl's), which computes the same bits on every target.
//! - **Fused multiply-add.** `a * b + c` rounded once instead of twice. Rust never fuses on its own; the
//!   core never asks (no `f64::mul_add`).
//! - **Summation order.** Floating-point addition is not associative. Every sum here runs in an order
//!   written in the code (no parallel reductions, no order chosen at run time).

/// The logistic function `1 / (1 + e^(−z))`, in a form that is accurate for every `z`: it never
/// computes `e^z` for a large positive `z`, so it neither overflows nor loses the small probabilities.
pub fn sigmoid(z: f64) -> f64 {
    let e = libm::exp(-z.abs());
    if z >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

/// The dot product of `a` and `b` (over the shorter length), with four partial sums in a fixed order:
/// element `i` goes to sum `i mod 4`, the sums are added as `(s0 + s1) + (s2 + s3)`, then the leftover
/// elements in order. The fixed order makes the result the same on every target; the four independent sums
/// let the processor overlap the additions, which is most of the speed of a dot product.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (a.get(..n).unwrap_or_default(), b.get(..n).unwrap_or_default());
    let (chunks_a, chunks_b) = (a.chunks_exact(4), b.chunks_exact(4));
    let (rest_a, rest_b) = (chunks_a.remainder(), chunks_b.remainder());
    let (mut s0, mut s1, mut s2, mut s3) = (0.0, 0.0, 0.0, 0.0);
    for (x, y) in chunks_a.zip(chunks_b) {
        if let (&[x0, x1, x2, x3], &[y0, y1, y2, y3]) = (x, y) {
            s0 += x0 * y0;
            s1 += x1 * y1;
            s2 += x2 * y2;
            s3 += x3 * y3;
        }
    }
    let mut sum = (s0 + s1) + (s2 + s3);
    for (x, y) in rest_a.iter().zip(rest_b) {
        sum += x * y;
    }
    sum
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)] // A test reports failure by panicking.
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_stable_and_symmetric() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert_eq!(sigmoid(800.0), 1.0);
        assert_eq!(sigmoid(-800.0), 0.0);
        // Far in the negative tail the probability is e^z, not a rounded 0.
        assert!((sigmoid(-40.0) / libm::exp(-40.0) - 1.0).abs() < 1e-15);
        for z in [0.1, 1.0, 3.5, 20.0] {
            assert!((sigmoid(z) + sigmoid(-z) - 1.0).abs() <= f64::EPSILON, "{z}");
        }
    }

    #[test]
    fn dot_sums_in_its_documented_order() {
        let a: Vec<f64> = (1..=7).map(f64::from).collect();
        let b = [1.0; 7];
        assert_eq!(dot(&a, &b), 28.0);
        assert_eq!(dot(&a, &b[..3]), 6.0);
        assert_eq!(dot(&[], &[]), 0.0);
        // (1e16 + 0) + (-1e16 + 0), then + 1: the order written in the documentation, not left to right
        // (which would give 1e16 + 1 - 1e16 = 0).
        assert_eq!(dot(&[1e16, 0.0, -1e16, 0.0, 1.0], &[1.0; 5]), 1.0);
        assert_eq!(dot(&[1e16, 1.0, -1e16], &[1.0; 3]), 0.0);
    }
}
