//! What the page plots: the service as its users see it, in bins of simulated time — requests
//! that succeeded or failed, their latency percentiles, each backend's share — and marks where
//! the service changed shape (an ejection, a failover, a replacement). The checker keeps it,
//! since it already looks at the cluster after every step; a step costs one comparison, a bin
//! boundary one pass over the histogram and the hosts.

use super::client::ClientStats;
use super::histogram::Histogram;
use super::{Arrivals, Lb, LbConfig, LbState, Mode, CLIENTS};
use crate::cluster::Cluster;
use crate::protocol::{Micros, NodeId, MS};
use crate::reliability::Avail;
use std::collections::VecDeque;

/// The width of a bin.
pub const BIN: Micros = 250 * MS;
/// Bins kept: the newest minute.
pub const MAX_BINS: usize = 240;
/// Marks kept (the newest).
pub const MAX_MARKS: usize = 200;
/// The latency a request must succeed within to count as served (the availability panel's SLO).
pub const SLO: Micros = 250 * MS;

/// One bin of simulated time, ending at `end`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bin {
    pub end: Micros,
    pub ok: u64,
    pub errors: u64,
    pub timeouts: u64,
    /// Latency percentiles of the requests that succeeded in the bin (p50, p95, p99, p99.9).
    pub latency: [Micros; 4],
    /// Requests each backend got from the balancers in the bin.
    pub routed: Vec<u64>,
}

impl Bin {
    pub fn ended(&self) -> u64 {
        self.ok + self.errors + self.timeouts
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A backend was ejected by outlier detection.
    Ejection,
    /// Another balancer serves the VIP.
    Failover,
    /// A spare joined the pool.
    Replacement,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub at: Micros,
    pub kind: MarkKind,
    pub text: crate::msg::Msg,
}

#[derive(Clone, Debug, Default)]
pub struct Meter {
    pub bins: VecDeque<Bin>,
    pub marks: VecDeque<Mark>,
    /// Cumulative figures at the last boundary.
    last: ClientTotals,
    latency: Histogram,
    routed: Vec<u64>,
    ejections: Vec<u32>,
    serving: Option<NodeId>,
    replacements: u64,
    /// Over the whole run: requests ended, those served within [`SLO`], bins closed, and per
    /// backend the bins it was up at the close of (crashed or failing fast counts as down).
    pub ended: u64,
    pub succeeded: u64,
    pub within_slo: u64,
    pub closed: u64,
    pub up_bins: Vec<u64>,
    /// The same for each balancer.
    pub balancer_up_bins: Vec<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ClientTotals {
    ok: u64,
    errors: u64,
    timeouts: u64,
}

impl ClientTotals {
    fn of(s: &ClientStats) -> Self {
        ClientTotals { ok: s.ok, errors: s.errors, timeouts: s.timeouts }
    }
}

impl Meter {
    /// Looks at the cluster after a step: closes every bin that ended by now, and marks changes.
    pub fn observe(&mut self, cluster: &Cluster<Lb>) {
        let now = cluster.now;
        let next_end = self.bins.back().map_or(BIN, |b| b.end + BIN);
        if now >= next_end {
            self.close(cluster, now - now % BIN);
        }
        self.mark(cluster, now);
    }

    fn close(&mut self, cluster: &Cluster<Lb>, end: Micros) {
        let c = &cluster.protocol.config;
        let (totals, latency) = match cluster.state(CLIENTS) {
            Some(LbState::Clients(s)) => (ClientTotals::of(&s.stats), s.stats.latency.clone()),
            _ => (ClientTotals::default(), Histogram::default()),
        };
        // A restarted population counts from 0 again: its counts so far are all new.
        let base = if totals.ok < self.last.ok
            || totals.errors < self.last.errors
            || totals.timeouts < self.last.timeouts
        {
            ClientTotals::default()
        } else {
            self.last.clone()
        };
        let fresh = latency.since(&self.latency);
        let mut routed = vec![0; c.backends.len()];
        for b in c.balancers() {
            if let Some(LbState::Balancer(s)) = cluster.state(b) {
                for (i, h) in s.hosts.iter().enumerate() {
                    routed[i] += h.forwarded;
                }
            }
        }
        let per: Vec<u64> = routed
            .iter()
            .enumerate()
            .map(|(i, &r)| r.saturating_sub(self.routed.get(i).copied().unwrap_or(0)))
            .collect();
        self.ended +=
            (totals.ok - base.ok) + (totals.errors - base.errors) + (totals.timeouts - base.timeouts);
        self.succeeded += totals.ok - base.ok;
        self.within_slo += fresh.at_most(SLO).min(totals.ok - base.ok);
        self.closed += 1;
        self.up_bins.resize(c.backends.len(), 0);
        for i in 0..c.backends.len() {
            if matches!(cluster.state(c.backend_node(i)), Some(LbState::Backend(b)) if b.mode != Mode::FailFast)
            {
                self.up_bins[i] += 1;
            }
        }
        let balancers: Vec<NodeId> = c.balancers().collect();
        self.balancer_up_bins.resize(balancers.len(), 0);
        for (k, &b) in balancers.iter().enumerate() {
            if cluster.state(b).is_some() {
                self.balancer_up_bins[k] += 1;
            }
        }
        let bin = Bin {
            end,
            ok: totals.ok - base.ok,
            errors: totals.errors - base.errors,
            timeouts: totals.timeouts - base.timeouts,
            latency: [0.5, 0.95, 0.99, 0.999].map(|q| fresh.quantile(q)),
            routed: per,
        };
        // Bins the run jumped over (nothing happened in them) are left out; the chart spans gaps.
        self.bins.push_back(bin);
        if self.bins.len() > MAX_BINS {
            self.bins.pop_front();
        }
        self.last = totals;
        self.latency = latency;
        self.routed = routed;
    }

    fn mark(&mut self, cluster: &Cluster<Lb>, now: Micros) {
        let c = &cluster.protocol.config;
        let serving = super::serving_balancer(cluster).map(|(b, _)| b);
        if serving.is_some() && serving != self.serving {
            if self.serving.is_some() {
                let b = serving.unwrap_or_default();
                self.push(Mark {
                    at: now,
                    kind: MarkKind::Failover,
                    text: crate::msg!("balancer {b} takes the VIP", b),
                });
            }
            self.serving = serving;
        }
        if let Some(LbState::Balancer(s)) = serving.and_then(|b| cluster.state(b)) {
            self.ejections.resize(s.hosts.len(), 0);
            for (i, h) in s.hosts.iter().enumerate() {
                if h.ejections > self.ejections[i] {
                    let node = c.backend_node(i);
                    self.push(Mark {
                        at: now,
                        kind: MarkKind::Ejection,
                        text: crate::msg!("node {node} ejected", node),
                    });
                }
                self.ejections[i] = h.ejections;
            }
        }
        if let Some(LbState::Controller(ctl)) = c.controller().and_then(|x| cluster.state(x)) {
            if ctl.replacements > self.replacements {
                self.push(Mark {
                    at: now,
                    kind: MarkKind::Replacement,
                    text: crate::msg!("a spare joins the pool"),
                });
            }
            self.replacements = ctl.replacements;
        }
    }

    fn push(&mut self, m: Mark) {
        self.marks.push_back(m);
        if self.marks.len() > MAX_MARKS {
            self.marks.pop_front();
        }
    }

    /// The run's availability as its users saw it, beside the k-of-n model's (see [`Availability`]).
    pub fn availability(&self, c: &LbConfig) -> Availability {
        let n = c.backends.len() as u32;
        let per_backend =
            |b: &crate::lb::Backend| f64::from(b.workers.max(1)) * 1e6 / b.service.mean().max(1) as f64;
        let capacity = c.backends.first().map_or(1.0, per_backend);
        let offered = match c.arrivals {
            Arrivals::Open { per_sec } => f64::from(per_sec),
            Arrivals::Closed { users, think } => f64::from(users) * 1e6 / think.max(1) as f64,
        };
        // Backends needed to carry the load (at least one), at most all of them.
        let k = ((offered / capacity).ceil() as u32).clamp(1, n.max(1));
        let up = if self.closed == 0 || n == 0 {
            1.0
        } else {
            self.up_bins.iter().sum::<u64>() as f64 / (self.closed as f64 * f64::from(n))
        };
        let share = |bins: u64| if self.closed == 0 { 1.0 } else { bins as f64 / self.closed as f64 };
        let balancers: Vec<Avail> = (0..c.balancers().count())
            .map(|k| {
                let a = share(self.balancer_up_bins.get(k).copied().unwrap_or(0));
                Avail::new(a, 1.0 - a)
            })
            .collect();
        // One balancer up (either of a pair) and k backends of n.
        let front = crate::reliability::analytic::parallel(&balancers);
        let pool = crate::reliability::analytic::k_of_n(n, k, Avail::new(up, 1.0 - up));
        let predicted = crate::reliability::analytic::series(&[front, pool]).up;
        let of_ended = |x: u64| if self.ended == 0 { 1.0 } else { x as f64 / self.ended as f64 };
        let backend_up = (0..n as usize).map(|i| share(self.up_bins.get(i).copied().unwrap_or(0))).collect();
        Availability {
            measured: of_ended(self.within_slo),
            succeeded: of_ended(self.succeeded),
            predicted,
            n,
            k,
            up,
            balancers: front.up,
            backend_up,
        }
    }

    /// Totals over the bins kept.
    pub fn totals(&self) -> Bin {
        let mut t = Bin::default();
        for b in &self.bins {
            t.ok += b.ok;
            t.errors += b.errors;
            t.timeouts += b.timeouts;
        }
        t
    }
}

/// Availability two ways: requests served within [`SLO`] out of all that ended, and what
/// `/avail`'s models predict for the service: the balancer tier (one, or either of a pair) in
/// series with `k` of `n` backends (those needed to carry the offered load), each up the share
/// of the run it was up at the bins' ends.
#[derive(Clone, Debug, PartialEq)]
pub struct Availability {
    /// Requests that succeeded within [`SLO`], and that succeeded at all, of those that ended.
    pub measured: f64,
    pub succeeded: f64,
    pub predicted: f64,
    pub n: u32,
    pub k: u32,
    pub up: f64,
    /// The balancer tier's availability (one balancer, or either of a pair).
    pub balancers: f64,
    /// Each backend's share of the run up.
    pub backend_up: Vec<f64>,
}
