//! Nines ↔ availability ↔ downtime, and the reverse question: what MTTR reaches a target.

use super::ctmc::BirthDeath;
use super::Avail;

pub const HOURS_PER_YEAR: f64 = 365.25 * 24.0;
pub const HOURS_PER_MONTH: f64 = HOURS_PER_YEAR / 12.0;
pub const HOURS_PER_WEEK: f64 = 7.0 * 24.0;

/// −log₁₀(unavailability): 0.999 → 3. Read off ln(down), so 1e-404 gives 404 where `down`
/// itself is 0. Infinite when nothing is ever down.
pub fn nines(a: Avail) -> f64 {
    -a.log10_down()
}

/// The availability with this many nines: 3 → (0.999, 0.001).
pub fn from_nines(nines: f64) -> Avail {
    let down = libm::pow(10.0, -nines);
    Avail { up: 1.0 - down, down, ln_down: -nines * core::f64::consts::LN_10 }
}

/// Expected downtime per period, in hours, and ln of it (which survives where the hours
/// underflow to 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Downtime {
    pub per_year: f64,
    pub per_month: f64,
    pub per_week: f64,
    pub ln_per_year: f64,
    pub ln_per_month: f64,
    pub ln_per_week: f64,
}

pub fn downtime(a: Avail) -> Downtime {
    Downtime {
        per_year: a.down * HOURS_PER_YEAR,
        per_month: a.down * HOURS_PER_MONTH,
        per_week: a.down * HOURS_PER_WEEK,
        ln_per_year: a.ln_down + libm::log(HOURS_PER_YEAR),
        ln_per_month: a.ln_down + libm::log(HOURS_PER_MONTH),
        ln_per_week: a.ln_down + libm::log(HOURS_PER_WEEK),
    }
}

/// The longest MTTR (hours) at which at least `k` of `n` nodes with this MTBF and `crews`
/// repair crews are up with at least `target` nines; `None` if even a 1-second repair falls
/// short. Bisection on ln MTTR: unavailability only grows with MTTR.
pub fn required_mttr(n: u32, k: u32, crews: u32, mtbf: f64, target: f64) -> Option<f64> {
    let meets = |mttr: f64| nines(BirthDeath::new(n, mtbf, mttr, crews).at_least_up(k)) >= target;
    let (mut lo, mut hi) = (libm::log(1.0 / 3600.0), libm::log(1e9));
    if !meets(libm::exp(lo)) {
        return None;
    }
    if meets(libm::exp(hi)) {
        return Some(libm::exp(hi));
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if meets(libm::exp(mid)) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(libm::exp(lo))
}
