//! A latency histogram with logarithmic buckets (as HdrHistogram keeps them): 8 buckets per
//! doubling, so a percentile read from it is within 9% of the true value, in 8 × 40 counters
//! whatever the number of samples.

use crate::protocol::Micros;
use serde::Serialize;

const SUB: u32 = 8;
const DOUBLINGS: u32 = 40;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    sum: u128,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram { counts: vec![0; (SUB * DOUBLINGS) as usize], total: 0, sum: 0 }
    }
}

/// The bucket of `x`: values below 8 µs get a bucket each; above, 8 per power of two.
fn bucket(x: Micros) -> usize {
    if x < u64::from(SUB) {
        return x as usize;
    }
    let exp = 63 - x.leading_zeros(); // ≥ 3
    let sub = (x >> (exp - 3)) & u64::from(SUB - 1);
    ((exp - 2) * SUB + sub as u32).min(SUB * DOUBLINGS - 1) as usize
}

/// The smallest value in bucket `b`.
fn floor(b: usize) -> Micros {
    let b = b as u32;
    if b < SUB {
        return u64::from(b);
    }
    let exp = b / SUB + 2;
    (u64::from(SUB) + u64::from(b % SUB)) << (exp - 3)
}

impl Histogram {
    pub fn record(&mut self, x: Micros) {
        self.counts[bucket(x)] += 1;
        self.total += 1;
        self.sum += u128::from(x);
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    /// The sum of all samples, in µs.
    pub fn sum(&self) -> u128 {
        self.sum
    }

    pub fn mean(&self) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        self.sum as f64 / self.total as f64
    }

    /// The samples recorded since `earlier` was this histogram (all of them if `earlier` holds
    /// more: the recorder restarted meanwhile).
    pub fn since(&self, earlier: &Histogram) -> Histogram {
        if earlier.total > self.total {
            return self.clone();
        }
        Histogram {
            counts: self.counts.iter().zip(&earlier.counts).map(|(a, b)| a.saturating_sub(*b)).collect(),
            total: self.total - earlier.total,
            sum: self.sum.saturating_sub(earlier.sum),
        }
    }

    /// Samples at most `x` (to the bucket: those in `x`'s bucket count if its floor is ≤ `x`).
    pub fn at_most(&self, x: Micros) -> u64 {
        self.counts[..=bucket(x)].iter().sum()
    }

    /// The `q`-quantile (0 ≤ q ≤ 1), as the middle of its bucket.
    pub fn quantile(&self, q: f64) -> Micros {
        if self.total == 0 {
            return 0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (b, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= rank {
                let (lo, hi) = (floor(b), floor(b + 1).max(floor(b) + 1));
                return lo + (hi - lo) / 2;
            }
        }
        floor(self.counts.len() - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_ordered_and_cover_their_values() {
        let mut last = 0;
        for x in (0..5_000_000u64).step_by(7) {
            let b = bucket(x);
            assert!(b >= last);
            assert!(floor(b) <= x && x < floor(b + 1), "{x} in bucket {b} [{}, {})", floor(b), floor(b + 1));
            last = b;
        }
    }

    #[test]
    fn quantiles_are_within_a_bucket() {
        let mut h = Histogram::default();
        for x in 1..=100_000u64 {
            h.record(x);
        }
        for (q, want) in [(0.5, 50_000.0), (0.99, 99_000.0), (0.999, 99_900.0)] {
            let got = h.quantile(q) as f64;
            assert!((got - want).abs() / want < 0.09, "q{q}: {got} vs {want}");
        }
        assert!((h.mean() - 50_000.5).abs() < 1e-6);
        assert_eq!(Histogram::default().quantile(0.5), 0);
    }
}
