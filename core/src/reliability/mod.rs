//! How many nines: availability of replicated systems three ways — closed forms
//! ([`analytic`], [`ctmc`]), Monte Carlo over failure and repair times ([`monte_carlo`]), and
//! measured on the running protocols in the simulator ([`measured`]) — plus the conversions
//! between availability, nines and downtime ([`nines`]).
//!
//! ```
//! use halab_core::reliability::{analytic, nines, ctmc::BirthDeath};
//!
//! // 5 replicas, each up 99% of the time; a majority (3) must be up.
//! let node = analytic::component(99.0, 1.0);
//! let quorum = analytic::k_of_n(5, 3, node);
//! assert!((quorum.down - 9.8506e-6).abs() < 1e-9);
//! assert!((nines::nines(quorum) - 5.0).abs() < 0.01);
//! // One repair crew instead of one per node: repairs queue, and availability drops.
//! let one_crew = BirthDeath::new(5, 99.0, 1.0, 1).at_least_up(3);
//! assert!(one_crew.down > quorum.down);
//! ```

pub mod analytic;
pub mod ctmc;
pub mod curve;
pub mod measured;
pub mod monte_carlo;
pub mod nines;
pub mod outages;
pub mod stats;

/// Largest cluster the models accept (the binomial stays exact in a `u128` up to n = 125).
pub const MAX_N: u32 = 101;

/// An availability as (up, down) with up + down = 1, each computed on its own so that the
/// smaller one keeps its relative precision (0.999999999 and 1e-9 are both exact), plus ln(down),
/// which carries the magnitude where `down` itself underflows: 1-of-101 nodes at A = 0.9999 is
/// down 1e-404 of the time, below the smallest f64, and `ln_down` still says so.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Avail {
    pub up: f64,
    pub down: f64,
    /// ln(down); −∞ only when nothing is ever down.
    pub ln_down: f64,
}

impl Avail {
    pub fn new(up: f64, down: f64) -> Avail {
        Avail { up, down, ln_down: libm::log(down) }
    }

    pub fn from_up(up: f64) -> Avail {
        Avail::new(up, 1.0 - up)
    }

    pub fn from_down(down: f64) -> Avail {
        Avail::new(1.0 - down, down)
    }

    /// From two separately summed parts: the smaller is kept as summed (its relative precision
    /// is what nines need) and the larger is 1 minus it, which is exact to an ulp.
    pub fn from_parts(up: f64, down: f64) -> Avail {
        if down <= up {
            Avail::new(1.0 - down, down)
        } else {
            Avail::new(up, 1.0 - up)
        }
    }

    /// From the logarithms of the two parts, so a down part below f64's range keeps its size.
    pub fn from_ln_parts(ln_up: f64, ln_down: f64) -> Avail {
        let a = Avail::from_parts(libm::exp(ln_up), libm::exp(ln_down));
        if ln_down < ln_up {
            Avail { ln_down, ..a }
        } else {
            a
        }
    }

    /// log₁₀(down), exact even when `down` underflows.
    pub fn log10_down(&self) -> f64 {
        self.ln_down / core::f64::consts::LN_10
    }
}

#[cfg(test)]
mod tests;
