//! Closed forms for independent components with exponential failures and repairs.
//!
//! Definitions (Trivedi, *Probability and Statistics with Reliability, Queuing and Computer
//! Science Applications*, 2nd ed., §3.4 and §8.3; Barlow & Proschan, *Mathematical Theory of
//! Reliability*, ch. 7):
//! - reliability R(t) = P(no failure in [0, t]) = e^(−λt) for a constant failure rate λ;
//! - MTBF = 1/λ (the mean of the exponential lifetime, not its density λe^(−λt));
//! - steady-state availability A = MTBF / (MTBF + MTTR).
//!
//! Results are [`Avail`] pairs (up, down) whose parts are computed separately, so that
//! "down" keeps its relative precision when A is 0.999999999 and nines can be read off it.

use super::Avail;

/// R(t) = e^(−λt).
pub fn reliability(t: f64, failure_rate: f64) -> f64 {
    libm::exp(-failure_rate * t)
}

/// A single repairable component: up MTBF/(MTBF+MTTR), down MTTR/(MTBF+MTTR).
pub fn component(mtbf: f64, mttr: f64) -> Avail {
    let total = mtbf + mttr;
    Avail::new(mtbf / total, mttr / total)
}

/// Every part must be up: up = ∏ upᵢ, down = 1 − ∏ upᵢ computed as a sum that keeps precision.
pub fn series(parts: &[Avail]) -> Avail {
    // down = 1 − ∏(1 − dᵢ) = Σ dᵢ ∏_{j<i}(1 − dⱼ): no subtraction of nearly equal numbers.
    let (mut up, mut down) = (1.0, 0.0);
    for p in parts {
        down += p.down * up;
        up *= p.up;
    }
    if down > 0.0 || parts.is_empty() {
        Avail::new(up, down)
    } else {
        // Every part's down underflowed: the sum of the tiny parts, in logs.
        Avail { up, down, ln_down: log_sum_exp(parts.iter().map(|p| p.ln_down)) }
    }
}

/// One part suffices: down = ∏ downᵢ, up = Σ upᵢ ∏_{j<i} downⱼ.
pub fn parallel(parts: &[Avail]) -> Avail {
    let (mut up, mut down) = (0.0, 1.0);
    for p in parts {
        up += p.up * down;
        down *= p.down;
    }
    Avail { up, down, ln_down: parts.iter().map(|p| p.ln_down).sum() }
}

/// At least `k` of `n` identical independent components up (a quorum): the binomial tail,
/// summed in log space so n up to [`super::MAX_N`] and A near 1 keep a relative precision of
/// about 1e-13 (tested against exact rationals), and a down part below f64's range keeps its
/// logarithm.
pub fn k_of_n(n: u32, k: u32, c: Avail) -> Avail {
    let (ln_up, ln_down) = (libm::log(c.up), c.ln_down);
    let term = |i: u32| ln_binomial(n, i) + times(i, ln_up) + times(n - i, ln_down);
    Avail::from_ln_parts(log_sum_exp((k..=n).map(term)), log_sum_exp((0..k.min(n + 1)).map(term)))
}

/// ln P(exactly `k` of `n` up): the state a quorum loss starts from.
pub fn ln_exactly(n: u32, k: u32, c: Avail) -> f64 {
    if k > n {
        return f64::NEG_INFINITY;
    }
    ln_binomial(n, k) + times(k, libm::log(c.up)) + times(n - k, c.ln_down)
}

/// `count × ln_x`, with 0 × (−∞) = 0 (a certain event raised to the power 0).
pub(crate) fn times(count: u32, ln_x: f64) -> f64 {
    if count == 0 {
        0.0
    } else {
        f64::from(count) * ln_x
    }
}

/// ln C(n, i), from the exact integer: C(101, 50) ≈ 2.0e29, and the running product
/// C(n, j)·(n − j) stays below u128's 3.4e38 for every n ≤ 125 (tested).
pub(crate) fn ln_binomial(n: u32, i: u32) -> f64 {
    let i = i.min(n - i.min(n));
    let mut c: u128 = 1;
    for j in 0..i {
        c = c * u128::from(n - j) / u128::from(j + 1);
    }
    libm::log(c as f64)
}

/// ln Σ e^xᵢ without overflow or underflow; −∞ for an empty or all −∞ input.
pub(crate) fn log_sum_exp(xs: impl Iterator<Item = f64> + Clone) -> f64 {
    let max = xs.clone().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return max;
    }
    max + libm::log(xs.map(|x| libm::exp(x - max)).sum::<f64>())
}
