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

    /// P(at least `k` nodes up) in steady state, with the down part summed separately (and kept
    /// as a logarithm where it underflows).
    pub fn at_least_up(&self, k: u32) -> Avail {
        let w = self.ln_weights();
        let z = log_sum_exp(w.iter().copied());
        let max_down = ((self.n + 1).saturating_sub(k) as usize).min(w.len()); // 0..max_down are up
        let part = |range: std::ops::Range<usize>| log_sum_exp(w[range].iter().copied()) - z;
        Avail::from_ln_parts(part(0..max_down), part(max_down..w.len()))
    }

    /// ln of the steady-state frequency of quorum losses (per hour): the probability of exactly
    /// `k` up times the rate at which one of those k fails.
    pub fn ln_loss_frequency(&self, k: u32) -> f64 {
        if k == 0 || k > self.n {
            return f64::NEG_INFINITY;
        }
        let w = self.ln_weights();
        let z = log_sum_exp(w.iter().copied());
        w[(self.n - k) as usize] - z + libm::log(self.fail_rate(self.n - k))
    }

    /// Mean time from all nodes up until fewer than `k` are up: the first passage of the chain
    /// to state n − k + 1. With Tᵢ the mean time to go from i down to i + 1 down,
    /// T₀ = 1/(nλ) and Tᵢ = (1 + μᵢ·Tᵢ₋₁)/λᵢ, summed over i = 0..=n−k. Infinite when it
    /// overflows f64; [`Self::ln_mean_time_to_quorum_loss`] keeps the magnitude.
    pub fn mean_time_to_quorum_loss(&self, k: u32) -> f64 {
        libm::exp(self.ln_mean_time_to_quorum_loss(k))
    }

    /// ln of [`Self::mean_time_to_quorum_loss`], by the same recursion carried in logarithms:
    /// ln Tᵢ = ln(1 + e^(ln μᵢ + ln Tᵢ₋₁)) − ln λᵢ. 101 nodes needing one up, at A = 0.9999,
    /// wait about e^926 ≈ 10^402 hours, far beyond f64.
    pub fn ln_mean_time_to_quorum_loss(&self, k: u32) -> f64 {
        if k == 0 || k > self.n {
            return if k == 0 { f64::INFINITY } else { f64::NEG_INFINITY };
        }
        let mut terms = Vec::with_capacity((self.n - k + 1) as usize);
        let mut prev = f64::NEG_INFINITY; // ln T₋₁ = ln 0
        for i in 0..=self.n - k {
            let ln_mu = libm::log(self.repair_rate(i));
            let x = ln_mu + prev; // −∞ when i = 0 (no repairs with none down)
            let ln_1p = if x > 0.0 { x + libm::log1p(libm::exp(-x)) } else { libm::log1p(libm::exp(x)) };
            let t = ln_1p - libm::log(self.fail_rate(i));
            terms.push(t);
            prev = t;
        }
        log_sum_exp(terms.into_iter())
    }

    /// The probability that the quorum is lost at least once within `t` hours, starting with
    /// every node up: 1 − R(t). The chain's transient states (0..=n−k down) plus one absorbing
    /// "quorum lost" state; P(t) = e^(Qt) by uniformization over a short step (Λ·t₀ ≤ ½, where
    /// every term is non-negative) and then repeated squaring. Only sums of non-negative products
    /// are formed, so a tiny loss probability keeps its relative precision. Returns ln of it;
    /// below f64's range it falls back on the rare-loss limit t/MTTQL (a first-order bound).
    pub fn ln_loss_within(&self, k: u32, t: f64) -> f64 {
        if k == 0 || t <= 0.0 {
            return f64::NEG_INFINITY;
        }
        if k > self.n {
            return 0.0;
        }
        let m = (self.n - k + 1) as usize; // transient states
        let size = m + 1;
        let rates: Vec<(f64, f64)> =
            (0..m as u32).map(|i| (self.fail_rate(i), self.repair_rate(i))).collect();
        let big = rates.iter().map(|(a, b)| a + b).fold(0.0, f64::max);
        if big <= 0.0 {
            return f64::NEG_INFINITY;
        }
        let mut squarings = 0u32;
        let mut t0 = t;
        while big * t0 > 0.5 && squarings < 200 {
            t0 *= 0.5;
            squarings += 1;
        }
        // One-step matrix of the uniformized chain: P̂ = I + Q/Λ.
        let lam = big;
        let mut step = vec![0.0f64; size * size];
        for (i, &(a, b)) in rates.iter().enumerate() {
            step[i * size + i] = 1.0 - (a + b) / lam;
            step[i * size + i + 1] = a / lam; // i + 1 = m is the absorbing state
            if i > 0 {
                step[i * size + i - 1] = b / lam;
            }
        }
        step[m * size + m] = 1.0;
        // e^(Qt₀) = Σ_j e^(−Λt₀)(Λt₀)^j/j! · P̂^j, to 30 terms (Λt₀ ≤ ½: the rest is < 1e-40).
        let x = lam * t0;
        let mut p = vec![0.0f64; size * size];
        let mut power = identity(size);
        let mut weight = libm::exp(-x);
        for j in 0..30 {
            for (acc, v) in p.iter_mut().zip(&power) {
                *acc += weight * v;
            }
            power = multiply(&power, &step, size);
            weight *= x / f64::from(j + 1);
        }
        for _ in 0..squarings {
            p = multiply(&p, &p, size);
        }
        let lost = p[m];
        if lost > 1e-300 {
            libm::log(lost.min(1.0))
        } else {
            libm::log(t) - self.ln_mean_time_to_quorum_loss(k)
        }
    }
}

fn identity(size: usize) -> Vec<f64> {
    let mut m = vec![0.0; size * size];
    for i in 0..size {
        m[i * size + i] = 1.0;
    }
    m
}

/// Dense product of non-negative matrices (no subtraction, so small entries keep their precision).
fn multiply(a: &[f64], b: &[f64], size: usize) -> Vec<f64> {
    let mut out = vec![0.0; size * size];
    for i in 0..size {
        for l in 0..size {
            let x = a[i * size + l];
            if x == 0.0 {
                continue;
            }
            for j in 0..size {
                out[i * size + j] += x * b[l * size + j];
            }
        }
    }
    out
}
