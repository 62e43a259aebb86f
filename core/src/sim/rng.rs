//! The simulator's only source of randomness.
//!
//! ChaCha8 seeded from a `u64`; the sampling helpers are written here rather than taken from
//! `rand` because `rand` does not promise value stability across versions, and a scenario URL
//! must replay the same run forever.

use crate::protocol::{Delay, Micros};
use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::ops::RangeInclusive;

#[derive(Clone, Debug)]
pub struct SimRng(ChaCha8Rng);

impl SimRng {
    pub fn new(seed: u64) -> Self {
        SimRng(ChaCha8Rng::seed_from_u64(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `0..n` (Lemire's multiply-shift with rejection, so no modulo bias).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0)");
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = (self.next_u64() as u128) * (n as u128);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }

    /// Uniform in the inclusive range; a reversed range yields its start.
    pub fn range(&mut self, r: RangeInclusive<Micros>) -> Micros {
        let (lo, hi) = (*r.start(), *r.end());
        if hi <= lo {
            return lo;
        }
        match (hi - lo).checked_add(1) {
            Some(span) => lo + self.below(span),
            None => self.next_u64(),
        }
    }

    /// Uniform in `[0, 1)` with 53 bits; IEEE arithmetic makes it identical on every platform.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A draw of `delay` (libm's `log`/`exp`/`cos` are plain Rust, so wasm32 agrees).
    pub fn delay(&mut self, delay: Delay) -> Micros {
        let x = match delay {
            Delay::Constant(d) => return d,
            Delay::Exponential { mean } => -(mean as f64) * libm::log(1.0 - self.unit()),
            Delay::LogNormal { mean, sigma_milli } => {
                let sigma = f64::from(sigma_milli) / 1_000.0;
                // Box–Muller; mean = exp(mu + sigma²/2).
                let (u1, u2) = (1.0 - self.unit(), self.unit());
                let z = libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(std::f64::consts::TAU * u2);
                let mu = libm::log(mean.max(1) as f64) - sigma * sigma / 2.0;
                libm::exp(mu + sigma * z)
            }
        };
        // A cap far beyond any run keeps a freak draw from overflowing the clock.
        x.clamp(0.0, 1e15).round() as Micros
    }

    /// True with probability `p` (clamped to `[0, 1]`); draws nothing when `p` is 0 so that a
    /// lossless run does not depend on how many messages were sent.
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        self.unit() < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_delays_have_their_means() {
        let mut r = SimRng::new(3);
        let n = 200_000;
        for delay in [
            Delay::Exponential { mean: 10_000 },
            Delay::LogNormal { mean: 10_000, sigma_milli: 1_000 },
            Delay::Constant(10_000),
        ] {
            let draws: Vec<f64> = (0..n).map(|_| r.delay(delay) as f64).collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            // Standard error: 10,000/√200,000 ≈ 22 µs for the exponential, about 2.3× that for
            // the log-normal (its variance is e^σ² − 1 = 1.72 times the squared mean).
            assert!((mean - 10_000.0).abs() < 200.0, "{delay:?}: mean {mean}");
            if let Delay::Exponential { .. } = delay {
                // P(X > mean) = 1/e for an exponential.
                let above = draws.iter().filter(|&&x| x > 10_000.0).count() as f64 / n as f64;
                assert!((above - (-1.0f64).exp()).abs() < 0.005, "{above}");
            }
        }
    }

    #[test]
    fn same_seed_same_stream() {
        let (mut a, mut b) = (SimRng::new(7), SimRng::new(7));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(SimRng::new(7).next_u64(), SimRng::new(8).next_u64());
    }

    #[test]
    fn range_stays_inside_and_hits_both_ends() {
        let mut r = SimRng::new(1);
        let (mut lo, mut hi) = (false, false);
        for _ in 0..10_000 {
            let v = r.range(10..=13);
            assert!((10..=13).contains(&v));
            lo |= v == 10;
            hi |= v == 13;
        }
        assert!(lo && hi);
        assert_eq!(r.range(5..=5), 5);
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 9..=3;
        assert_eq!(r.range(reversed), 9);
    }

    #[test]
    fn chance_matches_probability_roughly() {
        let mut r = SimRng::new(3);
        let hits = (0..100_000).filter(|_| r.chance(0.25)).count();
        assert!((24_000..26_000).contains(&hits), "{hits}");
        assert!(!(0..1000).any(|_| r.chance(0.0)));
        assert!((0..1000).all(|_| r.chance(1.0)));
    }
}
