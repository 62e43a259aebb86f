//! Monte Carlo availability: n nodes, each an alternating renewal process (up for a lifetime,
//! down for a repair, again), with exponential or Weibull times from the seeded RNG, optionally
//! spread over failure domains with outages of their own. A trial measures the fraction of a
//! window of `horizon` hours during which fewer than k nodes are up.
//!
//! Trials run in chunks ([`MonteCarlo::run`]) so a page can show progress and stay responsive;
//! the result depends only on the configuration and the total number of trials, never on how
//! they were chunked.
//!
//! Every window starts in steady state, so every window is a sample of steady-state behaviour
//! and the mean converges to the exact steady state:
//! - Exponential times with r repair crews make the number of nodes down a birth–death chain,
//!   so a trial simulates that chain directly (two uniforms and a logarithm per event, no
//!   per-node state), starting from its stationary distribution.
//! - Otherwise (Weibull times, or failure domains) every node is simulated, with independent
//!   repairs (crews are ignored). Each node starts in its stationary state: up with probability
//!   MTBF/(MTBF+MTTR), and the time left in its current up or down period drawn from the
//!   equilibrium (residual-life) distribution, density S(t)/mean (Cox, *Renewal Theory*, §5.2).
//!   That is sampled exactly as U·L with L size-biased: for Weibull(k, λ), L = λ·G^(1/k) with
//!   G ~ Gamma(1 + 1/k). Domains are exponential and start the same way.
//!
//! The interval: see [`Estimate`].

use super::ctmc::BirthDeath;
use super::outages::{self, Domains};
use super::stats::{gamma, gamma_quantile};
use super::Avail;
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
    /// Exponential, or Weibull with shape 1 (the same thing).
    pub fn memoryless(self) -> bool {
        matches!(self, Lifetime::Exponential) || matches!(self, Lifetime::Weibull { shape } if shape == 1.0)
    }

    /// A sampler of this shape with the given mean.
    pub fn with_mean(self, mean: f64) -> Sampler {
        match self {
            Lifetime::Exponential => Sampler { shape: 1.0, scale: mean },
            Lifetime::Weibull { shape } => Sampler { shape, scale: mean / libm::tgamma(1.0 + 1.0 / shape) },
        }
    }

    /// A draw with the given mean.
    pub fn sample(self, mean: f64, rng: &mut SimRng) -> f64 {
        self.with_mean(mean).draw(rng)
    }

    /// A draw from the equilibrium distribution (see [`Sampler::residual`]).
    pub fn sample_residual(self, mean: f64, rng: &mut SimRng) -> f64 {
        self.with_mean(mean).residual(rng)
    }
}

/// Weibull(shape, scale) draws (shape 1 is the exponential), all from the seeded RNG with libm,
/// so every target agrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sampler {
    pub shape: f64,
    pub scale: f64,
}

impl Sampler {
    /// A lifetime, by inverting the CDF.
    pub fn draw(&self, rng: &mut SimRng) -> f64 {
        let e = -libm::log(1.0 - rng.unit()); // Exp(1); 1 − U is in (0, 1]
        if self.shape == 1.0 {
            self.scale * e
        } else {
            self.scale * libm::pow(e, 1.0 / self.shape)
        }
    }

    /// The time left in a period seen at a random instant: the equilibrium distribution, density
    /// S(t)/mean. Exactly U·L with L drawn from the length-biased density t·f(t)/mean; for
    /// Weibull(k, λ), (L/λ)^k ~ Gamma(1 + 1/k) (for the exponential, L ~ Gamma(2)·mean).
    pub fn residual(&self, rng: &mut SimRng) -> f64 {
        let g = gamma(1.0 + 1.0 / self.shape, rng);
        let length =
            if self.shape == 1.0 { self.scale * g } else { self.scale * libm::pow(g, 1.0 / self.shape) };
        rng.unit() * length
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
    /// Failure domains (node i in domain i mod count), or none.
    pub domains: Option<Domains>,
    /// A window breaches the SLA when more than this fraction of it is down (1: never).
    pub sla_down: f64,
}

/// The two-sided interval's confidence: 95%, 2.5% in each tail.
pub const TAIL: f64 = 0.025;

/// The Monte Carlo estimate of the fraction of time without a quorum, with its 95% interval.
///
/// Each window's downtime fraction xⱼ is one observation; most are 0 when quorum loss is rare,
/// and a few loss episodes carry all of it. A normal interval then covers the truth far less
/// often than it claims (about 80% at the page's defaults). This one is the gamma interval of
/// Fay & Feuer (*Statistics in Medicine* 16, 1997) for a sum of rare weighted events: with
/// mean x̄ and its variance v = s²/m (at least (max xⱼ/m)²), the lower end is the 2.5% quantile
/// of a Gamma with mean x̄ and variance v, and the upper end the 97.5% quantile of one with mean
/// x̄ + w and variance v + w², where w is one more loss window: the longest seen, or one
/// holding a loss of the model's mean length D̄ (w = max(max xⱼ, D̄/horizon)/m), whichever is
/// longer, because one short loss says little about how long losses last. With a single loss
/// of typical length it is the exact Poisson (Garwood) interval scaled by that length, and when
/// losses are common it tends to the normal interval. Its coverage is measured, not assumed:
/// `coverage_experiment` in the tests (≥ 96% at nominal 95% in every setup there, rare losses
/// included), figures in BENCHMARKS.md.
///
/// With no downtime seen at all the interval is one-sided: the loss count's exact upper bound
/// (3.689 = −ln 0.025 losses in all, the Garwood bound at zero) times the model's mean outage
/// length, per window: U ≤ 3.689·D̄ / ((horizon + D̄)·m), since a window sees on average
/// U·(horizon + D̄)/D̄ episodes (those starting in it and the one under way when it opens).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Estimate {
    pub trials: u64,
    /// Mean fraction of time with a quorum up.
    pub mean: f64,
    /// Mean fraction of time without one, summed on its own (not 1 − mean).
    pub down: f64,
    /// The 95% interval on `down`; `lo_down` is 0 when nothing was seen (a one-sided bound).
    pub lo_down: f64,
    pub hi_down: f64,
    /// Times the window saw the system go from enough nodes up to too few (or start too few).
    pub episodes: u64,
    /// Hours without a quorum, in all windows.
    pub down_hours: f64,
    /// Windows whose downtime exceeded the SLA allowance.
    pub breaches: u64,
}

impl Estimate {
    /// The low end of the availability interval.
    pub fn low(&self) -> f64 {
        1.0 - self.hi_down
    }

    /// The high end of the availability interval.
    pub fn high(&self) -> f64 {
        1.0 - self.lo_down
    }

    /// No downtime seen: only an upper bound on unavailability is known.
    pub fn one_sided(&self) -> bool {
        self.trials > 0 && self.down <= 0.0
    }

    /// The estimate as an availability (its down part precise).
    pub fn avail(&self) -> Avail {
        Avail::from_down(self.down)
    }

    /// The interval's ends as availabilities: (low, high).
    pub fn bounds(&self) -> (Avail, Avail) {
        (Avail::from_down(self.hi_down), Avail::from_down(self.lo_down))
    }

    /// Is the unavailability `down` inside the interval?
    pub fn covers(&self, a: Avail) -> bool {
        (self.lo_down..=self.hi_down).contains(&a.down)
    }

    /// Is the availability `x` inside the interval? (Use [`Self::covers`] near 1.)
    pub fn contains(&self, x: f64) -> bool {
        (self.low()..=self.high()).contains(&x)
    }

    /// Mean length of the outages seen, hours (episodes under way when a window opened count
    /// from the window's start).
    pub fn mean_outage_hours(&self) -> Option<f64> {
        (self.episodes > 0).then(|| self.down_hours / self.episodes as f64)
    }

    /// The breach probability per window and its exact Poisson 95% bounds (one-sided with none
    /// seen).
    pub fn breach(&self) -> Option<(f64, f64, f64)> {
        if self.trials == 0 {
            return None;
        }
        let m = self.trials as f64;
        let (lo, hi) = super::stats::poisson_bounds(self.breaches, TAIL);
        Some((self.breaches as f64 / m, lo / m, (hi / m).min(1.0)))
    }
}

pub struct MonteCarlo {
    cfg: McConfig,
    rng: SimRng,
    trials: u64,
    /// Welford's running mean and sum of squared deviations of the windows' downtime fractions.
    mean_down: f64,
    m2_down: f64,
    max_down: f64,
    episodes: u64,
    down_hours: f64,
    breaches: u64,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    up: Vec<bool>,
    domain_up: Vec<bool>,
    /// Cumulative stationary distribution of nodes down (exponential model).
    start_cdf: Vec<f64>,
    /// ln of the model's mean outage length (hours), for the bound when no loss is seen.
    ln_mean_outage: f64,
}

impl MonteCarlo {
    pub fn new(cfg: McConfig) -> MonteCarlo {
        let bd = BirthDeath::new(cfg.n, cfg.mtbf, cfg.mttr, cfg.crews);
        let ln_mean_outage = if let Some(d) = cfg.domains {
            outages::with_domains(cfg.n, cfg.k, cfg.mtbf, cfg.mttr, d).1.ln_mean_hours
        } else if Self::chain_model(&cfg) {
            outages::chain(&bd, cfg.k).ln_mean_hours
        } else {
            outages::independent(cfg.n, cfg.k, cfg.mtbf, cfg.mttr).ln_mean_hours
        };
        MonteCarlo {
            rng: SimRng::new(cfg.seed),
            trials: 0,
            mean_down: 0.0,
            m2_down: 0.0,
            max_down: 0.0,
            episodes: 0,
            down_hours: 0.0,
            breaches: 0,
            heap: BinaryHeap::with_capacity(cfg.n as usize),
            up: vec![true; cfg.n as usize],
            domain_up: vec![true; cfg.domains.map_or(0, |d| d.count as usize)],
            start_cdf: bd
                .steady_state()
                .iter()
                .scan(0.0, |acc, p| {
                    *acc += p;
                    Some(*acc)
                })
                .collect(),
            ln_mean_outage,
            cfg,
        }
    }

    fn chain_model(cfg: &McConfig) -> bool {
        cfg.failures.memoryless() && cfg.repairs.memoryless() && cfg.domains.is_none()
    }

    pub fn config(&self) -> &McConfig {
        &self.cfg
    }

    /// Trials run so far.
    pub fn trials(&self) -> u64 {
        self.trials
    }

    /// Runs `trials` more trials.
    pub fn run(&mut self, trials: u64) {
        for _ in 0..trials {
            let x = if Self::chain_model(&self.cfg) { self.chain_trial() } else { self.node_trial() };
            self.trials += 1;
            let delta = x - self.mean_down;
            self.mean_down += delta / self.trials as f64;
            self.m2_down += delta * (x - self.mean_down);
            self.max_down = self.max_down.max(x);
            self.down_hours += x * self.cfg.horizon;
            self.breaches += u64::from(x > self.cfg.sla_down);
        }
    }

    pub fn estimate(&self) -> Estimate {
        if self.trials == 0 {
            return Estimate::default();
        }
        let (lo_down, hi_down) = self.interval();
        Estimate {
            trials: self.trials,
            mean: 1.0 - self.mean_down,
            down: self.mean_down,
            lo_down,
            hi_down,
            episodes: self.episodes,
            down_hours: self.down_hours,
            breaches: self.breaches,
        }
    }

    /// The 95% interval on the downtime fraction (see [`Estimate`]).
    fn interval(&self) -> (f64, f64) {
        let m = self.trials as f64;
        let mean = self.mean_down;
        if mean <= 0.0 {
            let h = self.cfg.horizon;
            let d = libm::exp(self.ln_mean_outage);
            let per_window = if d.is_finite() && d > 0.0 { d / (h + d) } else { 1.0 };
            let zero = -libm::log(TAIL);
            return (0.0, (zero * per_window / m).min(1.0));
        }
        // Room for one more loss window: like the worst seen, or one holding a loss of the
        // model's mean length, whichever is longer (one short loss says little about the mean).
        let typical = libm::exp(self.ln_mean_outage) / self.cfg.horizon;
        let seen = self.max_down / m;
        let w = seen.max(if typical.is_finite() { typical.min(1.0) } else { 1.0 } / m);
        let centred = if self.trials > 1 { self.m2_down / (m - 1.0) / m } else { 0.0 };
        let v = centred.max(seen * seen);
        let lo = v / mean * gamma_quantile(TAIL, mean * mean / v);
        let (mu, var) = (mean + w, v + w * w);
        let hi = var / mu * gamma_quantile(1.0 - TAIL, mu * mu / var);
        (lo.min(mean), hi.max(mean).min(1.0))
    }

    /// One window of the birth–death chain: the fraction of it with fewer than k nodes up.
    fn chain_trial(&mut self) -> f64 {
        let McConfig { n, k, mtbf, mttr, horizon, .. } = self.cfg;
        let crews = self.cfg.crews.clamp(1, n.max(1));
        let (lambda, mu) = (1.0 / mtbf, 1.0 / mttr);
        let rng = &mut self.rng;
        let u = rng.unit();
        let mut down = self.start_cdf.iter().position(|&c| u < c).unwrap_or(n as usize) as u32;
        let (mut t, mut bad) = (0.0, 0.0);
        if n - down < k {
            self.episodes += 1;
        }
        loop {
            let fail = f64::from(n - down) * lambda;
            let total = fail + f64::from(down.min(crews)) * mu;
            let dt = if total > 0.0 { -libm::log(1.0 - rng.unit()) / total } else { f64::INFINITY };
            if n - down < k {
                bad += dt.min(horizon - t);
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
        bad / horizon
    }

    /// One window with every node (and domain) simulated from its stationary state: the
    /// fraction of it with fewer than k nodes up.
    fn node_trial(&mut self) -> f64 {
        let McConfig { n, k, mtbf, mttr, horizon, domains, .. } = self.cfg;
        let (failures, repairs) = (self.cfg.failures.with_mean(mtbf), self.cfg.repairs.with_mean(mttr));
        let (rng, heap, up, domain_up) = (&mut self.rng, &mut self.heap, &mut self.up, &mut self.domain_up);
        heap.clear();
        let p_up = mtbf / (mtbf + mttr);
        // Positive f64s order like their bit patterns, so the heap needs no float ordering.
        for (i, node) in up.iter_mut().enumerate() {
            *node = rng.unit() < p_up;
            let left = if *node { failures.residual(rng) } else { repairs.residual(rng) };
            heap.push(Reverse((left.to_bits(), i as u32)));
        }
        let count = domains.map_or(1, |d| d.count);
        if let Some(d) = domains {
            let p = d.mtbf / (d.mtbf + d.mttr);
            for (j, dom) in domain_up.iter_mut().enumerate() {
                *dom = rng.unit() < p;
                let mean = if *dom { d.mtbf } else { d.mttr };
                let left = -mean * libm::log(1.0 - rng.unit());
                heap.push(Reverse((left.to_bits(), n + j as u32)));
            }
        }
        let live = |i: usize, up: &[bool], domain_up: &[bool]| {
            up[i] && (domain_up.is_empty() || domain_up[i % count as usize])
        };
        let mut up_count = (0..n as usize).filter(|&i| live(i, up, domain_up)).count() as u32;
        let mut episodes = u64::from(up_count < k);
        let (mut now, mut bad) = (0.0f64, 0.0f64);
        while let Some(Reverse((bits, i))) = heap.pop() {
            let t = f64::from_bits(bits);
            if up_count < k {
                bad += t.min(horizon) - now;
            }
            if t >= horizon {
                break;
            }
            now = t;
            let before = up_count;
            let next = if i < n {
                let node = i as usize;
                up[node] = !up[node];
                let counted = domain_up.is_empty() || domain_up[node % count as usize];
                if up[node] {
                    up_count += u32::from(counted);
                    failures.draw(rng)
                } else {
                    up_count -= u32::from(counted);
                    repairs.draw(rng)
                }
            } else {
                let j = (i - n) as usize;
                let d = domains.expect("a domain event needs domains");
                domain_up[j] = !domain_up[j];
                let own = (j..n as usize).step_by(count as usize).filter(|&x| up[x]).count() as u32;
                if domain_up[j] {
                    up_count += own;
                } else {
                    up_count -= own;
                }
                let mean = if domain_up[j] { d.mtbf } else { d.mttr };
                -mean * libm::log(1.0 - rng.unit())
            };
            if before >= k && up_count < k {
                episodes += 1;
            }
            heap.push(Reverse(((t + next).to_bits(), i)));
        }
        self.episodes += episodes;
        bad / horizon
    }
}
