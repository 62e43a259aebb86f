//! n nodes as a birth–death continuous-time Markov chain: state i = nodes down, failures at
//! rate (n − i)λ, repairs at rate min(i, r)μ with r repair crews (Trivedi 2nd ed., §8.4; Kleinrock,
//! *Queueing Systems* vol. 1, §3.5 — the machine-repairman model). With r = n every node has its
//! own crew, the nodes are independent, and the chain gives the binomial of
//! [`super::analytic::k_of_n`].

use super::analytic::log_sum_exp;
use super::Avail;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BirthDeath {
    pub n: u32,
    /// Failure rate per node (1/MTBF).
    pub lambda: f64,
    /// Repair rate per crew (1/MTTR).
    pub mu: f64,
    pub crews: u32,
}

impl BirthDeath {
    pub fn new(n: u32, mtbf: f64, mttr: f64, crews: u32) -> BirthDeath {
        BirthDeath { n, lambda: 1.0 / mtbf, mu: 1.0 / mttr, crews: crews.clamp(1, n.max(1)) }
    }

    fn fail_rate(&self, down: u32) -> f64 {
        f64::from(self.n - down) * self.lambda
    }

    fn repair_rate(&self, down: u32) -> f64 {
        f64::from(down.min(self.crews)) * self.mu
    }

    /// ln π_i (unnormalised) from detailed balance: π_{i+1} = π_i · (n−i)λ / (min(i+1, r)μ).
    fn ln_weights(&self) -> Vec<f64> {
        let mut w = Vec::with_capacity(self.n as usize + 1);
        let mut acc = 0.0;
        w.push(acc);
        for i in 0..self.n {
            acc += libm::log(self.fail_rate(i)) - libm::log(self.repair_rate(i + 1));
            w.push(acc);
        }
        w
    }

    /// The steady-state probability of each number of nodes down, 0..=n.
    pub fn steady_state(&self) -> Vec<f64> {
        let w = self.ln_weights();
        let z = log_sum_exp(w.iter().copied());
        w.iter().map(|&x| libm::exp(x - z)).collect()
    }

    /// P(at least `k` nodes up) in steady state, with the down part summed separately.
    pub fn at_least_up(&self, k: u32) -> Avail {
        let w = self.ln_weights();
        let z = log_sum_exp(w.iter().copied());
        let max_down = (self.n + 1).saturating_sub(k) as usize; // states 0..max_down are up
        let part = |range: std::ops::Range<usize>| libm::exp(log_sum_exp(w[range].iter().copied()) - z);
        Avail::from_parts(part(0..max_down.min(w.len())), part(max_down.min(w.len())..w.len()))
    }

    /// Mean time from all nodes up until fewer than `k` are up: the first passage of the chain
    /// to state n − k + 1. With Tᵢ the mean time to go from i down to i + 1 down,
    /// T₀ = 1/(nλ) and Tᵢ = (1 + μᵢ·Tᵢ₋₁)/λᵢ, summed over i = 0..=n−k.
    pub fn mean_time_to_quorum_loss(&self, k: u32) -> f64 {
        if k == 0 || k > self.n {
            return if k == 0 { f64::INFINITY } else { 0.0 };
        }
        let mut total = 0.0;
        let mut prev = 0.0;
        for i in 0..=self.n - k {
            let t = (1.0 + self.repair_rate(i) * prev) / self.fail_rate(i);
            total += t;
            prev = t;
        }
        total
    }
}
