//! Monte Carlo availability: n nodes, each an alternating renewal process (up for a lifetime,
//! down for a repair, again), with exponential or Weibull times from the seeded RNG. A trial
//! measures the fraction of a window of `horizon` hours during which at least k nodes are up;
//! the estimate is the mean over trials with a 95% normal confidence interval.
//!
//! Trials run in chunks ([`MonteCarlo::run`]) so a page can show progress and stay responsive;
//! the result depends only on the configuration and the total number of trials, never on how
//! they were chunked.
//!
//! Exponential times with r repair crews make the number of nodes down a birth–death chain, so
//! a trial simulates that chain directly (two uniforms and a logarithm per event, no per-node
//! state), starting from its stationary distribution: every window is a sample of steady-state
//! behaviour, and the estimate converges to [`super::ctmc::BirthDeath::at_least_up`]. Weibull
//! times are not memoryless: each node is simulated (independent repairs, crews ignored),
//! starting new, with a warm-up of three mean cycles before the window opens.

use super::ctmc::BirthDeath;
use crate::sim::rng::SimRng;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The shape of lifetimes or repair times; the mean is given separately.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Lifetime {
    Exponential,
    /// Shape k: k < 1 infant mortality, k = 1 exponential, k > 1 wear-out.
    Weibull {
        shape: f64,
    },
}

impl Lifetime {
    fn memoryless(self) -> bool {
        matches!(self, Lifetime::Exponential) || matches!(self, Lifetime::Weibull { shape } if shape == 1.0)
    }

    /// A draw with the given mean, by inverting the CDF (libm, so every target agrees).
    fn sample(self, mean: f64, rng: &mut SimRng) -> f64 {
        let e = -libm::log(1.0 - rng.unit()); // Exp(1); 1 − U is in (0, 1]
        match self {
            Lifetime::Exponential => mean * e,
            Lifetime::Weibull { shape } => {
                let scale = mean / libm::tgamma(1.0 + 1.0 / shape);
                scale * libm::pow(e, 1.0 / shape)
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct McConfig {
    pub n: u32,
    pub k: u32,
    /// Hours.
    pub mtbf: f64,
    pub mttr: f64,
    pub failures: Lifetime,
    pub repairs: Lifetime,
    /// Repair crews (exponential model only; clamped to 1..=n).
    pub crews: u32,
    /// Length of each trial's window, hours.
    pub horizon: f64,
    pub seed: u64,
}

/// A running mean with its 95% confidence interval.
///
/// When quorum loss is rare, a few loss episodes carry all the downtime and the sample variance
/// badly underestimates the error (with 3 episodes expected in 10,000 windows, most runs see 0–2).
/// So the half-width is the larger of 1.96 standard errors and 1.96·√(2/e)·(1 − mean) for e
/// observed episodes: the compound-Poisson error of e episodes with exponential durations
/// (relative variance 2/e). With no episode at all, nothing is known about the downtime
/// except that it is rare: `episodes == 0` says so, and the interval is empty.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Estimate {
    pub trials: u64,
    pub mean: f64,
    /// Half-width of the 95% interval.
    pub half_width: f64,
    /// Times the window saw the system go from enough nodes up to too few (or start too few).
    pub episodes: u64,
}

impl Estimate {
    pub fn low(&self) -> f64 {
        (self.mean - self.half_width).max(0.0)
    }

    pub fn high(&self) -> f64 {
        (self.mean + self.half_width).min(1.0)
    }

    pub fn contains(&self, x: f64) -> bool {
        (self.mean - self.half_width..=self.mean + self.half_width).contains(&x)
    }
}

pub struct MonteCarlo {
    cfg: McConfig,
    rng: SimRng,
    trials: u64,
    sum: f64,
    sum_sq: f64,
    episodes: u64,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    up: Vec<bool>,
    /// Cumulative stationary distribution of nodes down (exponential model).
    start_cdf: Vec<f64>,
}

impl MonteCarlo {
    pub fn new(cfg: McConfig) -> MonteCarlo {
        MonteCarlo {
            rng: SimRng::new(cfg.seed),
            trials: 0,
            sum: 0.0,
            sum_sq: 0.0,
            episodes: 0,
            heap: BinaryHeap::with_capacity(cfg.n as usize),
            up: vec![true; cfg.n as usize],
            start_cdf: BirthDeath::new(cfg.n, cfg.mtbf, cfg.mttr, cfg.crews)
                .steady_state()
                .iter()
                .scan(0.0, |acc, p| {
                    *acc += p;
                    Some(*acc)
                })
                .collect(),
            cfg,
        }
    }

    pub fn config(&self) -> &McConfig {
        &self.cfg
    }

    /// Runs `trials` more trials.
    pub fn run(&mut self, trials: u64) {
        for _ in 0..trials {
            let x = self.trial();
            self.trials += 1;
            self.sum += x;
            self.sum_sq += x * x;
        }
    }

    pub fn estimate(&self) -> Estimate {
        if self.trials == 0 {
            return Estimate::default();
        }
        let m = self.trials as f64;
        let mean = self.sum / m;
        let var = if self.trials > 1 { ((self.sum_sq - m * mean * mean) / (m - 1.0)).max(0.0) } else { 0.0 };
        let normal = 1.96 * (var / m).sqrt();
        let episodic =
            if self.episodes > 0 { 1.96 * (2.0 / self.episodes as f64).sqrt() * (1.0 - mean) } else { 0.0 };
        Estimate { trials: self.trials, mean, half_width: normal.max(episodic), episodes: self.episodes }
    }

    fn trial(&mut self) -> f64 {
        if self.cfg.failures.memoryless() && self.cfg.repairs.memoryless() {
            self.chain_trial()
        } else {
            self.node_trial()
        }
    }

    /// One window of the birth–death chain: the fraction of it with at least k nodes up.
    fn chain_trial(&mut self) -> f64 {
        let McConfig { n, k, mtbf, mttr, horizon, .. } = self.cfg;
        let crews = self.cfg.crews.clamp(1, n.max(1));
        let (lambda, mu) = (1.0 / mtbf, 1.0 / mttr);
        let rng = &mut self.rng;
        let u = rng.unit();
        let mut down = self.start_cdf.iter().position(|&c| u < c).unwrap_or(n as usize) as u32;
        let (mut t, mut good) = (0.0, 0.0);
        if n - down < k {
            self.episodes += 1;
        }
        loop {
            let fail = f64::from(n - down) * lambda;
            let total = fail + f64::from(down.min(crews)) * mu;
            let dt = if total > 0.0 { -libm::log(1.0 - rng.unit()) / total } else { f64::INFINITY };
            if n - down >= k {
                good += dt.min(horizon - t);
            }
            t += dt;
            if t >= horizon {
                break;
            }
            if rng.unit() * total < fail {
                down += 1;
                if n - down + 1 == k {
                    self.episodes += 1; // from k up to k − 1 up
                }
            } else {
                down -= 1;
            }
        }
        good / horizon
    }

    /// One window with every node simulated: the fraction of it with at least k nodes up.
    fn node_trial(&mut self) -> f64 {
        let McConfig { k, mtbf, mttr, failures, repairs, horizon, .. } = self.cfg;
        let start = 3.0 * (mtbf + mttr);
        let end = start + horizon;
        let (rng, heap, up) = (&mut self.rng, &mut self.heap, &mut self.up);
        heap.clear();
        let mut up_count = 0;
        for (i, node) in up.iter_mut().enumerate() {
            *node = true;
            let next = failures.sample(mtbf, rng);
            up_count += 1;
            // Positive f64s order like their bit patterns, so the heap needs no float ordering.
            heap.push(Reverse((next.to_bits(), i as u32)));
        }
        let (mut now, mut good) = (0.0f64, 0.0f64);
        let (mut episodes, mut opened) = (0, false);
        while let Some(Reverse((bits, i))) = heap.pop() {
            let t = f64::from_bits(bits);
            if !opened && t >= start {
                // The state over [now, t) is the one the window opens in.
                opened = true;
                episodes += u64::from(up_count < k);
            }
            if up_count >= k {
                good += (t.min(end) - now.max(start)).max(0.0);
            }
            if t >= end {
                break;
            }
            now = t;
            let node = &mut up[i as usize];
            *node = !*node;
            let next = if *node {
                up_count += 1;
                failures.sample(mtbf, rng)
            } else {
                up_count -= 1;
                if up_count + 1 == k && t >= start {
                    episodes += 1;
                }
                repairs.sample(mttr, rng)
            };
            heap.push(Reverse(((t + next).to_bits(), i)));
        }
        self.episodes += episodes;
        good / horizon
    }
}
