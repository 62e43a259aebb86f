//! Availability measured on a running protocol: the simulator crashes and restarts nodes at
//! random (exponential up and down times) while a client writes at a steady rate, and a write
//! counts as available if it commits within a deadline. Elections, redirects and retries are
//! all inside that number, which is why it comes out below the quorum formula.
//!
//! The honest upper bound is not the analytic steady state (a finite run has its own luck) but
//! the schedule itself: a write submitted at t can only commit by t + D if a quorum is up at
//! some instant of [t, t + D]. [`Measured::quorum_bound`] is the fraction of submit times for
//! which that holds; the protocol can never beat it.

use crate::client::Service;
use crate::protocol::{Describe, Micros, NodeId};
use crate::scenario::{ProtocolKind, Scenario};
use crate::sim::fault::{Fault, Scheduled};
use crate::sim::rng::SimRng;
use crate::sim::Sim;

#[derive(Clone, Debug, PartialEq)]
pub struct MeasureConfig {
    /// Protocol, cluster size, network, write rate and seed; its own fault script is replaced.
    pub scenario: Scenario,
    /// Mean up time and mean repair time per node, simulated.
    pub mtbf: Micros,
    pub mttr: Micros,
    pub horizon: Micros,
    /// Writes submitted before this are not counted (the first election).
    pub warmup: Micros,
    /// A write is available if it commits within this long of being submitted.
    pub deadline: Micros,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Measured {
    pub writes: u64,
    pub on_time: u64,
    /// on_time / writes.
    pub availability: f64,
    /// The best any protocol could do on this fault schedule (see the module docs).
    pub quorum_bound: f64,
    /// Fraction of the counted window with a quorum up, for reference.
    pub quorum_up: f64,
}

/// Crash/restart faults for every node: up for Exp(mtbf), down for Exp(mttr), until `horizon`.
pub fn fault_schedule(nodes: u8, mtbf: Micros, mttr: Micros, horizon: Micros, seed: u64) -> Vec<Scheduled> {
    let mut rng = SimRng::new(seed ^ 0xfa17_5eed);
    let mut out = Vec::new();
    let draw =
        |mean: Micros, rng: &mut SimRng| (-(mean as f64) * libm::log(1.0 - rng.unit())).max(1.0) as Micros;
    for node in 0..nodes {
        let mut t = draw(mtbf, &mut rng);
        while t < horizon {
            out.push(Scheduled { at: t, fault: Fault::Crash(node) });
            t += draw(mttr, &mut rng);
            if t >= horizon {
                break;
            }
            out.push(Scheduled { at: t, fault: Fault::Restart(node) });
            t += draw(mtbf, &mut rng);
        }
    }
    crate::compact::sort_by_u64(&mut out, |s| s.at);
    out
}

/// The intervals [start, end) during which fewer than a majority of nodes are up.
pub fn quorum_down(nodes: u8, script: &[Scheduled], horizon: Micros) -> Vec<(Micros, Micros)> {
    let quorum = usize::from(nodes) / 2 + 1;
    let mut up = vec![true; usize::from(nodes)];
    let mut out = Vec::new();
    let mut since: Option<Micros> = None;
    for s in script {
        match s.fault {
            Fault::Crash(n) => up[usize::from(n)] = false,
            Fault::Restart(n) => up[usize::from(n)] = true,
            _ => continue,
        }
        let ok = up.iter().filter(|&&u| u).count() >= quorum;
        match (ok, since) {
            (false, None) => since = Some(s.at),
            (true, Some(from)) => {
                out.push((from, s.at));
                since = None;
            }
            _ => {}
        }
    }
    if let Some(from) = since {
        out.push((from, horizon));
    }
    out
}

/// Length of `[a, b) ∩ [lo, hi)`.
fn overlap(a: Micros, b: Micros, lo: Micros, hi: Micros) -> Micros {
    b.min(hi).saturating_sub(a.max(lo))
}

/// A measurement in progress, advanced in slices of simulated time so a page stays responsive.
pub struct Measurement<P: Service>
where
    P::Msg: Describe,
{
    cfg: MeasureConfig,
    sim: Sim<P>,
    down: Vec<(Micros, Micros)>,
}

/// The measurement for the scenario's protocol.
pub enum AnyMeasurement {
    Raft(Measurement<crate::raft::Raft>),
    Paxos(Measurement<crate::paxos::Paxos>),
}

impl AnyMeasurement {
    pub fn new(cfg: MeasureConfig) -> AnyMeasurement {
        let mut s = cfg.scenario.clone();
        let script = fault_schedule(s.nodes, cfg.mtbf, cfg.mttr, cfg.horizon, s.seed);
        s.faults = script;
        match s.protocol {
            ProtocolKind::Raft => {
                AnyMeasurement::Raft(Measurement::new(cfg, s.raft_sim(), &s.faults, s.nodes))
            }
            // Only the replicated logs serve writes; `scenario::avail` admits nothing else.
            ProtocolKind::Paxos | ProtocolKind::Lock | ProtocolKind::Txn | ProtocolKind::Lb => {
                AnyMeasurement::Paxos(Measurement::new(cfg, s.paxos_sim(), &s.faults, s.nodes))
            }
        }
    }

    /// Runs to `until` (simulated); true when the horizon is reached.
    pub fn advance(&mut self, until: Micros) -> bool {
        match self {
            AnyMeasurement::Raft(m) => m.advance(until),
            AnyMeasurement::Paxos(m) => m.advance(until),
        }
    }

    pub fn now(&self) -> Micros {
        match self {
            AnyMeasurement::Raft(m) => m.sim.now(),
            AnyMeasurement::Paxos(m) => m.sim.now(),
        }
    }

    pub fn result(&self) -> Measured {
        match self {
            AnyMeasurement::Raft(m) => m.result(),
            AnyMeasurement::Paxos(m) => m.result(),
        }
    }

    /// Runs to the end in one go.
    pub fn run(cfg: MeasureConfig) -> Measured {
        let horizon = cfg.horizon;
        let mut m = AnyMeasurement::new(cfg);
        m.advance(horizon);
        m.result()
    }
}

impl<P: Service> Measurement<P>
where
    P::Msg: Describe,
{
    fn new(cfg: MeasureConfig, sim: Sim<P>, script: &[Scheduled], nodes: NodeId) -> Self {
        let down = quorum_down(nodes, script, cfg.horizon);
        Measurement { cfg, sim, down }
    }

    pub fn advance(&mut self, until: Micros) -> bool {
        self.sim.run_until(until.min(self.cfg.horizon));
        self.sim.now() >= self.cfg.horizon
    }

    /// Writes submitted in [warmup, horizon − deadline): each has had its full deadline.
    pub fn result(&self) -> Measured {
        let (lo, hi) = (self.cfg.warmup, self.cfg.horizon.saturating_sub(self.cfg.deadline));
        let hi = hi.min(self.sim.now().saturating_sub(self.cfg.deadline));
        let mut m = Measured::default();
        for r in self.sim.requests().filter(|r| (lo..hi).contains(&r.submitted)) {
            m.writes += 1;
            if r.committed.is_some_and(|c| c - r.submitted <= self.cfg.deadline) {
                m.on_time += 1;
            }
        }
        let window = hi.saturating_sub(lo).max(1) as f64;
        let blocked: Micros =
            self.down.iter().map(|&(s, e)| overlap(s, e.saturating_sub(self.cfg.deadline), lo, hi)).sum();
        let down: Micros = self.down.iter().map(|&(s, e)| overlap(s, e, lo, hi)).sum();
        m.availability = if m.writes > 0 { m.on_time as f64 / m.writes as f64 } else { 0.0 };
        m.quorum_bound = 1.0 - blocked as f64 / window;
        m.quorum_up = 1.0 - down as f64 / window;
        m
    }
}
