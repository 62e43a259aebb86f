//! The balancing algorithms: each picks one host among the eligible ones, from what the
//! balancer itself has observed.

use super::balancer::Host;
use super::config::{Algorithm, LbConfig};
use crate::protocol::Micros;
use crate::sim::trace::mixed_hash;

/// What an algorithm remembers between picks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Picker {
    cursor: u64,
    /// Smooth weighted round robin's current weights, by host.
    current: Vec<i64>,
    /// The hosts the hashing structure below was built over; rebuilt when they change.
    hashed: Vec<usize>,
    /// Ring points (position, host), sorted.
    ring: Vec<(u64, u8)>,
    /// Maglev's table of hosts.
    table: Vec<u8>,
}

/// Peak EWMA's latency estimate for a host it has not measured yet.
pub const PEAK_EWMA_DEFAULT_RTT: Micros = 30 * crate::protocol::MS;

/// Maglev's table size: a prime well above any pool the lab allows.
const MAGLEV_TABLE: u32 = 1_021;

/// The key (session) of request `id`, hashed.
pub fn request_key(c: &LbConfig, id: u64) -> u64 {
    crate::ring::hash::key_hash(mixed_hash(&(c.salt, id)) % u64::from(c.keys.max(1)))
}

/// A uniform pick in `0..n` for the `k`-th choice of attempt `attempt` of request `id`.
fn random(c: &LbConfig, id: u64, attempt: u8, k: u8, n: usize) -> usize {
    (mixed_hash(&(c.salt, id, attempt, k)) % n as u64) as usize
}

impl Picker {
    /// One host of `eligible` (indices into `hosts`, ascending, not empty).
    pub fn pick(
        &mut self,
        c: &LbConfig,
        hosts: &[Host],
        eligible: &[usize],
        id: u64,
        attempt: u8,
        now: Micros,
    ) -> usize {
        let n = eligible.len();
        // A warming host's share of its weight, in thousandths (slow start).
        let share = |i: usize| match (c.slow_start, hosts[i].warming_since) {
            (Some(ss), Some(t)) => ss.share_milli(now.saturating_sub(t)),
            _ => 1_000,
        };
        // Outstanding requests per unit of (warmed) weight: what the least-loaded picks minimise
        // (Envoy's weighted least request with an active-request bias of 1).
        let load = |i: usize| {
            (u128::from(hosts[i].outstanding) + 1) * 1_000_000_000
                / (u128::from(share(i)) * u128::from(c.weight(i)))
        };
        debug_assert!(n > 0);
        match c.algorithm {
            // While a host warms up (slow start), round robin deals by its share, as Envoy's
            // does: smooth weighted round robin with equal weights is round robin.
            Algorithm::RoundRobin if eligible.iter().any(|&i| share(i) < 1_000) => {
                self.smooth(hosts.len(), eligible, |i| share(i) as i64)
            }
            Algorithm::RoundRobin => {
                let i = eligible[(self.cursor % n as u64) as usize];
                self.cursor += 1;
                i
            }
            Algorithm::WeightedRoundRobin => {
                self.smooth(hosts.len(), eligible, |i| (u64::from(c.weight(i)) * share(i)) as i64)
            }
            Algorithm::Random => eligible[random(c, id, attempt, 0, n)],
            Algorithm::LeastRequest => {
                // Ties go round from a random start, so equal hosts share the load.
                let start = random(c, id, attempt, 0, n);
                (0..n).map(|k| eligible[(start + k) % n]).min_by_key(|&i| load(i)).expect("n > 0")
            }
            Algorithm::PowerOfChoices { choices } => (0..choices.max(1))
                .map(|k| eligible[random(c, id, attempt, k, n)])
                .min_by_key(|&i| load(i))
                .expect("at least one choice"),
            Algorithm::RingHash { bound_percent, .. } => {
                self.build(c, eligible);
                let key = request_key(c, id);
                let start = self.ring.partition_point(|&(p, _)| p < key);
                let points = self.ring.len();
                let mut walk = (0..points).map(|k| usize::from(self.ring[(start + k) % points].1));
                let home = walk.next().expect("a ring over eligible hosts");
                if bound_percent == 0 {
                    return home;
                }
                // Capacity: ⌈(1 + ε) × (outstanding + this one) / hosts⌉.
                let total: u64 = eligible.iter().map(|&i| u64::from(hosts[i].outstanding)).sum::<u64>() + 1;
                let cap = (total * (100 + u64::from(bound_percent))).div_ceil(100 * n as u64);
                std::iter::once(home)
                    .chain(walk)
                    .find(|&i| u64::from(hosts[i].outstanding) < cap)
                    .unwrap_or(home)
            }
            Algorithm::Maglev => {
                self.build(c, eligible);
                let key = request_key(c, id);
                usize::from(self.table[(key % self.table.len() as u64) as usize])
            }
            Algorithm::PeakEwma { .. } => {
                // Two distinct hosts, as Linkerd's p2c draws them: with a repeat allowed, a slow
                // host would still get 1/n² of all requests, more than it may be able to serve.
                let first = random(c, id, attempt, 0, n);
                let second = (first + 1 + random(c, id, attempt, 1, n.max(2) - 1)) % n;
                let (a, b) = (eligible[first], eligible[second]);
                // A host not yet measured costs the default round trip (Finagle's and Linkerd's
                // start-up estimate), not nothing: else every new host would draw the whole load.
                let rtt = |i: usize| hosts[i].ewma.unwrap_or(PEAK_EWMA_DEFAULT_RTT);
                let cost = |i: usize| {
                    u128::from(rtt(i)) * (u128::from(hosts[i].outstanding) + 1) * 1_000_000
                        / (u128::from(share(i)) * u128::from(c.weight(i)))
                };
                if cost(b) < cost(a) {
                    b
                } else {
                    a
                }
            }
        }
    }
}

impl Picker {
    /// nginx's smooth weighted round robin: every host earns its weight, the richest is picked
    /// and pays the total.
    fn smooth(&mut self, hosts: usize, eligible: &[usize], weight: impl Fn(usize) -> i64) -> usize {
        self.current.resize(hosts, 0);
        let total: i64 = eligible.iter().map(|&i| weight(i)).sum();
        for &i in eligible {
            self.current[i] += weight(i);
        }
        let best = *eligible.iter().max_by_key(|&&i| (self.current[i], std::cmp::Reverse(i))).expect("n > 0");
        self.current[best] -= total;
        best
    }

    /// (Re)builds the ring or the Maglev table over `eligible` if it changed.
    fn build(&mut self, c: &LbConfig, eligible: &[usize]) {
        if self.hashed == eligible {
            return;
        }
        self.hashed = eligible.to_vec();
        match c.algorithm {
            Algorithm::RingHash { vnodes, .. } => {
                self.ring = eligible
                    .iter()
                    .flat_map(|&i| {
                        let points = u32::from(vnodes.max(1)).saturating_mul(c.weight(i));
                        (0..points).map(move |r| (crate::ring::hash::point(i as u8, r), i as u8))
                    })
                    .collect();
                self.ring.sort_unstable();
            }
            Algorithm::Maglev => {
                let members = crate::ring::Members::new(eligible.iter().map(|&i| (i as u8, c.weight(i))));
                self.table = crate::ring::maglev::Maglev::new(&members, MAGLEV_TABLE).table().to_vec();
            }
            _ => {}
        }
    }
}

/// Peak EWMA's update: a slower sample replaces the average at once; a faster one pulls it
/// down with weight `1 − e^(−Δt/τ)`.
pub fn peak_ewma(ewma: Micros, since: Micros, sample: Micros, tau: Micros) -> Micros {
    if sample >= ewma {
        return sample;
    }
    let w = libm::exp(-(since as f64) / tau.max(1) as f64);
    (ewma as f64 * w + sample as f64 * (1.0 - w)).round() as Micros
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lb::config::Backend;

    fn hosts(n: usize) -> Vec<Host> {
        vec![Host::default(); n]
    }

    fn config(algorithm: Algorithm, weights: &[u32]) -> LbConfig {
        let backends = weights.iter().map(|&weight| Backend { weight, ..Backend::default() }).collect();
        LbConfig { algorithm, backends, ..LbConfig::default() }
    }

    #[test]
    fn smooth_weighted_round_robin_interleaves_by_weight() {
        let c = config(Algorithm::WeightedRoundRobin, &[5, 1, 1]);
        let mut p = Picker::default();
        let h = hosts(3);
        let picks: Vec<usize> = (0..7).map(|id| p.pick(&c, &h, &[0, 1, 2], id, 0, 0)).collect();
        // nginx's example: a a b a c a a, not a a a a a b c.
        assert_eq!(picks, [0, 0, 1, 0, 2, 0, 0]);
    }

    #[test]
    fn round_robin_skips_ineligible_hosts_and_random_spreads() {
        let mut p = Picker::default();
        let h = hosts(4);
        let rr = config(Algorithm::RoundRobin, &[1; 4]);
        let picks: Vec<usize> = (0..4).map(|id| p.pick(&rr, &h, &[0, 2, 3], id, 0, 0)).collect();
        assert_eq!(picks, [0, 2, 3, 0]);
        let random = config(Algorithm::Random, &[1; 4]);
        let mut counts = [0; 4];
        for id in 0..40_000 {
            counts[p.pick(&random, &h, &[0, 1, 2, 3], id, 0, 0)] += 1;
        }
        assert!(counts.iter().all(|&n| (9_500..10_500).contains(&n)), "{counts:?}");
    }

    #[test]
    fn least_request_and_two_choices_avoid_the_busy_host() {
        let mut h = hosts(3);
        h[0].outstanding = 9;
        h[1].outstanding = 1;
        h[2].outstanding = 4;
        let mut p = Picker::default();
        let least = config(Algorithm::LeastRequest, &[1; 3]);
        assert!((0..100).all(|id| p.pick(&least, &h, &[0, 1, 2], id, 0, 0) == 1));
        let p2c = config(Algorithm::PowerOfChoices { choices: 2 }, &[1; 3]);
        let to_busiest = (0..3_000).filter(|&id| p.pick(&p2c, &h, &[0, 1, 2], id, 0, 0) == 0).count();
        // Host 0 wins only when both choices land on it: 1/9 of the time.
        assert!((250..420).contains(&to_busiest), "{to_busiest}");
    }

    #[test]
    fn peak_ewma_jumps_up_and_decays_down() {
        assert_eq!(peak_ewma(10, 0, 50, 1_000), 50);
        let down = peak_ewma(1_000, 1_000, 0, 1_000);
        assert!((367..=369).contains(&down), "{down}"); // 1000·e^-1
        assert_eq!(peak_ewma(1_000, 0, 0, 1_000), 1_000);
    }

    #[test]
    fn weights_scale_the_load_aware_picks_and_an_unmeasured_host_costs_the_default_rtt() {
        // Found by review: least request, two choices and peak EWMA ignored weights.
        let mut h = hosts(2);
        h[0].outstanding = 2;
        h[1].outstanding = 1;
        let mut p = Picker::default();
        let least = config(Algorithm::LeastRequest, &[4, 1]);
        assert!((0..50).all(|id| p.pick(&least, &h, &[0, 1], id, 0, 0) == 0), "3/4 < 2/1");
        // Peak EWMA: a host measured at 10 ms beats one not measured yet (30 ms), and loses to
        // it once its own estimate is worse (host 1 still wins when both random picks are it:
        // a quarter of the time).
        let ewma = config(Algorithm::PeakEwma { tau: 1_000_000 }, &[1, 1]);
        let mut h = hosts(2);
        h[0].ewma = Some(10_000);
        let picks = |p: &mut Picker, h: &[Host]| {
            (0..200).filter(|&id| p.pick(&ewma, h, &[0, 1], id, 0, 0) == 1).count()
        };
        assert!(picks(&mut p, &h) < 70, "{}", picks(&mut p, &h));
        h[0].ewma = Some(PEAK_EWMA_DEFAULT_RTT * 2);
        assert!(picks(&mut p, &h) > 130, "{}", picks(&mut p, &h));
    }
}
