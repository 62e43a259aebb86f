//! How often the quorum is lost and for how long, and correlated failures: nodes spread over
//! failure domains (racks, zones) that have outages of their own.
//!
//! Frequency of quorum loss in steady state. For independent nodes, each an alternating renewal
//! process (any up and repair distributions, exponential or not), a node that is up fails at the
//! long-run rate 1/MTBF, independently of the others. So losses start at the rate
//! P(exactly k up) · k / MTBF, and the mean outage lasts U / that rate (renewal–reward: the time
//! down is the number of outages times their mean length). With limited repair crews the same
//! holds for the birth–death chain ([`super::ctmc::BirthDeath::ln_loss_frequency`]).
//!
//! Failure domains. Node i sits in domain i mod D. A domain is an alternating renewal process of
//! its own (domain MTBF and MTTR); while it is down, all its nodes are down, and their own
//! failure/repair clocks keep running. Domains and nodes are independent, so the steady state is
//! exact: condition on which domains are up, then the nodes in them are a binomial. Summed in
//! logarithms like [`super::analytic::k_of_n`].

use super::analytic::{component, k_of_n, ln_binomial, ln_exactly, log_sum_exp, times};
use super::ctmc::BirthDeath;
use super::nines::HOURS_PER_YEAR;
use super::Avail;

/// Quorum losses in steady state, as logarithms so neither overflows nor underflows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outages {
    /// ln(losses per hour); −∞ when the quorum is never lost.
    pub ln_per_hour: f64,
    /// ln(mean length of an outage, hours).
    pub ln_mean_hours: f64,
}

impl Outages {
    fn new(a: Avail, ln_per_hour: f64) -> Outages {
        Outages { ln_per_hour, ln_mean_hours: a.ln_down - ln_per_hour }
    }

    pub fn per_year(&self) -> f64 {
        libm::exp(self.ln_per_hour) * HOURS_PER_YEAR
    }

    pub fn ln_per_year(&self) -> f64 {
        self.ln_per_hour + libm::log(HOURS_PER_YEAR)
    }

    pub fn mean_hours(&self) -> f64 {
        libm::exp(self.ln_mean_hours)
    }
}

/// k of n independent nodes (a repair crew each), any lifetime shapes with these means.
pub fn independent(n: u32, k: u32, mtbf: f64, mttr: f64) -> Outages {
    let c = component(mtbf, mttr);
    let a = k_of_n(n, k, c);
    let ln_f = if k == 0 { f64::NEG_INFINITY } else { ln_exactly(n, k, c) + libm::log(f64::from(k) / mtbf) };
    Outages::new(a, ln_f)
}

/// The birth–death chain with its repair crews.
pub fn chain(bd: &BirthDeath, k: u32) -> Outages {
    Outages::new(bd.at_least_up(k), bd.ln_loss_frequency(k))
}

/// Failure domains: `count` of them, each with its own outage MTBF and MTTR (hours).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Domains {
    pub count: u32,
    pub mtbf: f64,
    pub mttr: f64,
}

impl Domains {
    /// The number of nodes in domain `d` when `n` nodes are dealt round-robin.
    pub fn size(&self, n: u32, d: u32) -> u32 {
        n / self.count + u32::from(d < n % self.count)
    }
}

/// ln Σ_{i=lo..=hi} P(Binomial(m, c.up) = i), −∞ for an empty range.
fn ln_binomial_range(m: u32, lo: i64, hi: i64, c: Avail) -> f64 {
    let (lo, hi) = (lo.max(0), hi.min(i64::from(m)));
    if lo > hi {
        return f64::NEG_INFINITY;
    }
    log_sum_exp((lo as u32..=hi as u32).map(|i| ln_exactly(m, i, c)))
}

/// At least `k` of `n` nodes up when node i is in domain i mod D: the availability and the
/// outages. Every node has its own repair crew.
pub fn with_domains(n: u32, k: u32, mtbf: f64, mttr: f64, d: Domains) -> (Avail, Outages) {
    let node = component(mtbf, mttr);
    let dom = component(d.mtbf, d.mttr);
    let (small, big) = (n / d.count, n / d.count + 1);
    let n_big = n % d.count;
    let n_small = d.count - n_big;
    let (mut ups, mut downs, mut losses) = (Vec::new(), Vec::new(), Vec::new());
    let ln_dom_up = libm::log(dom.up);
    for ub in 0..=n_big {
        for us in 0..=n_small {
            let ln_cfg = ln_binomial(n_big, ub)
                + times(ub, ln_dom_up)
                + times(n_big - ub, dom.ln_down)
                + ln_binomial(n_small, us)
                + times(us, ln_dom_up)
                + times(n_small - us, dom.ln_down);
            let live = ub * big + us * small;
            let a = k_of_n(live, k, node);
            ups.push(ln_cfg + libm::log(a.up));
            downs.push(ln_cfg + a.ln_down);
            if k == 0 {
                continue;
            }
            // A node failure with exactly k up.
            losses.push(ln_cfg + ln_exactly(live, k, node) + libm::log(f64::from(k) / mtbf));
            // A domain of size s going down with j of its nodes up and o up elsewhere, where
            // j + o ≥ k > o.
            for (count, s) in [(ub, big), (us, small)] {
                if count == 0 || s == 0 {
                    continue;
                }
                let terms = (0..=s.min(live)).map(|j| {
                    ln_exactly(s, j, node)
                        + ln_binomial_range(live - s, i64::from(k) - i64::from(j), i64::from(k) - 1, node)
                });
                let ln_rate = libm::log(f64::from(count) / d.mtbf);
                losses.push(ln_cfg + ln_rate + log_sum_exp(terms));
            }
        }
    }
    let a = Avail::from_ln_parts(log_sum_exp(ups.into_iter()), log_sum_exp(downs.into_iter()));
    let ln_f = log_sum_exp(losses.into_iter());
    (a, Outages::new(a, ln_f))
}
