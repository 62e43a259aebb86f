//! One state of the search: the cluster, the messages in flight, the faults spent, and the
//! invariant checker that has watched the path to it.
//!
//! Time is abstract here. A timer is armed or not; any armed timer may fire next, and any
//! message in flight may arrive next, so the search covers every order the simulator's clock
//! could produce and more (a timer firing "too early" is a schedule a slow clock allows).
//! Handlers run at the start's instant: the protocols checked here do not read the clock.
//!
//! A world mirrors a steered simulator (`sim::steer`) step for step: it numbers messages and
//! client writes as the simulator does and drops what crosses a cut link, so any path of steps
//! turns into scripted faults that replay it in the simulator ([`super::schedule`]).

use super::{Bounds, Step};
use crate::client::Service;
use crate::cluster::{Armed, Cluster};
use crate::invariant::{Broken, Checker};
use crate::protocol::{Describe, Effect, Effects, Event, NodeId, Protocol};
use crate::sim::trace::StableHasher;
use crate::sim::Sim;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// What a protocol adds to the search: whether clients write to it, and its fingerprint.
pub trait Explore: Service {
    /// Whether the search may hand nodes client writes (made by [`Service::write`], numbered
    /// as the simulator numbers them). Single-decree Paxos and atomic commit start on their own.
    fn takes_input(&self) -> bool {
        false
    }

    /// Feeds what of a node's state decides its future into the fingerprint: all of it,
    /// unless the state keeps notes for the checker about the step just taken, which the
    /// checker has read by the time states are compared.
    fn fingerprint(&self, state: &Self::State, h: &mut StableHasher) {
        state.hash(h);
    }
}

/// A message on the wire.
pub struct Envelope<P: Protocol> {
    /// The simulator's message id (not part of a state: two paths to one state may number
    /// their messages differently).
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    /// Shared: every successor of a state copies its messages in flight, and delivery takes
    /// one (copying it only if another state still holds it).
    pub msg: Arc<P::Msg>,
    /// Of (from, to, msg), once: every state the message is in hashes it.
    hash: u64,
}

impl<P: Protocol> Envelope<P> {
    pub fn new(id: u64, from: NodeId, to: NodeId, msg: P::Msg) -> Self {
        let mut h = StableHasher::default();
        (from, to, &msg).hash(&mut h);
        Envelope { id, from, to, msg: Arc::new(msg), hash: h.finish() }
    }
}

impl<P: Protocol> Clone for Envelope<P> {
    fn clone(&self) -> Self {
        Envelope { id: self.id, from: self.from, to: self.to, msg: self.msg.clone(), hash: self.hash }
    }
}

/// The message, not its id.
impl<P: Protocol> Hash for Envelope<P> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u64(self.hash);
    }
}

impl<P: Protocol> std::fmt::Debug for Envelope<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} → {}: {:?}", self.from, self.to, self.msg)
    }
}

/// Faults and requests spent on the path so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Spent {
    pub drops: u8,
    pub dups: u8,
    pub crashes: u8,
    pub timeouts: u8,
    pub inputs: u8,
}

pub struct World<P: Protocol> {
    pub cluster: Cluster<P>,
    /// In the order sent; a [`Step`] names an envelope by its place here.
    pub net: Vec<Envelope<P>>,
    pub spent: Spent,
    /// The last message id and client write id used, numbered as the simulator does.
    next_msg: u64,
    next_req: u64,
    /// Directed links that drop everything, row-major by sender (a partition in force when the
    /// search started; the search makes no partitions of its own).
    blocked: std::sync::Arc<[bool]>,
    checker: Option<Box<dyn Checker<P>>>,
    /// Each node's hash (see [`World::node_hash`]), kept up to date step by step: a step
    /// changes one node at most, so a fingerprint rehashes one node, not all. Unused (zero)
    /// beyond [`CACHED_NODES`].
    hashes: [u64; CACHED_NODES],
}

/// SplitMix64's finaliser: spreads a hash's bits so that sums of them rarely collide.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Clusters up to this size keep their nodes' hashes (every cluster the pages check does).
const CACHED_NODES: usize = 16;

impl<P: Protocol> Clone for World<P> {
    fn clone(&self) -> Self {
        World {
            cluster: self.cluster.clone(),
            net: self.net.clone(),
            spent: self.spent,
            next_msg: self.next_msg,
            next_req: self.next_req,
            blocked: self.blocked.clone(),
            hashes: self.hashes,
            checker: self.checker.as_ref().map(|c| c.clone_box()),
        }
    }
}

const ARMED: Armed = Armed { at: 0, seq: 0, entry: 0, entry_at: 0 };

impl<P: Explore> World<P> {
    /// Every node booted, its boot effects applied; `None` if the boot itself breaks an
    /// invariant (then `Err`).
    pub fn boot(protocol: P, checker: Option<Box<dyn Checker<P>>>) -> Result<Self, Broken> {
        let (cluster, boot) = Cluster::boot(protocol);
        let n = cluster.len();
        let mut w = World {
            cluster,
            net: Vec::new(),
            spent: Spent::default(),
            next_msg: 0,
            next_req: 0,
            blocked: vec![false; n * n].into(),
            checker,
            hashes: [0; CACHED_NODES],
        };
        for (id, out) in boot.into_iter().enumerate() {
            w.apply(id as NodeId, out);
        }
        w.rehash_all();
        w.check(None)?;
        Ok(w)
    }

    /// The state a simulator is in, as a start for the search: its cluster, its checker (with
    /// the history it has judged), the links cut now, and the messages that can still arrive.
    /// A message already doomed (lost by chance, sent across a cut, or taken into the inbox of
    /// a node that crashed since) is left out: the simulator drops it whenever it is delivered.
    pub fn from_sim(sim: &Sim<P>) -> Self
    where
        P::Msg: Describe,
    {
        let cluster = sim.cluster().clone();
        let n = cluster.len() as NodeId;
        let net = sim.network();
        let blocked =
            (0..n).flat_map(|a| (0..n).map(move |b| (a, b))).map(|(a, b)| net.is_blocked(a, b)).collect();
        let net = sim
            .in_flight()
            .into_iter()
            .filter(|f| {
                let inbox_lost =
                    f.held_for.is_some_and(|life| life != cluster.nodes[f.to as usize].incarnation);
                !(f.lost || f.cut_at_send || net.is_blocked(f.from, f.to) || inbox_lost)
            })
            .map(|f| Envelope::new(f.id, f.from, f.to, f.msg.clone()))
            .collect();
        let mut w = World {
            cluster,
            net,
            spent: Spent::default(),
            next_msg: sim.last_message_id(),
            next_req: sim.requests_submitted(),
            blocked,
            checker: sim.checker_box(),
            hashes: [0; CACHED_NODES],
        };
        w.rehash_all();
        w
    }

    fn rehash_all(&mut self) {
        for i in 0..self.cluster.len().min(CACHED_NODES) {
            self.hashes[i] = self.node_hash(i);
        }
    }

    fn is_blocked(&self, from: NodeId, to: NodeId) -> bool {
        let n = self.cluster.len();
        self.blocked.get(from as usize * n + to as usize).copied().unwrap_or(false)
    }

    /// The steps enabled here, in a fixed order (so a search is the same on every machine).
    pub fn steps(&self, bounds: &Bounds, out: &mut Vec<Step>) {
        out.clear();
        for i in 0..self.net.len() as u16 {
            out.push(Step::Deliver(i));
        }
        if self.spent.timeouts < bounds.timeouts {
            for (id, node) in self.cluster.nodes.iter().enumerate() {
                if node.state.is_some() {
                    out.extend((0..node.timers.len() as u8).map(|t| Step::Fire(id as NodeId, t)));
                }
            }
        }
        if self.spent.drops < bounds.drops {
            out.extend((0..self.net.len() as u16).map(Step::Drop));
        }
        if self.spent.dups < bounds.dups {
            out.extend((0..self.net.len() as u16).map(Step::Duplicate));
        }
        for (id, node) in self.cluster.nodes.iter().enumerate() {
            let id = id as NodeId;
            match node.state {
                Some(_) if self.spent.crashes < bounds.crashes => out.push(Step::Crash(id)),
                None => out.push(Step::Restart(id)),
                _ => {}
            }
        }
        if self.spent.inputs < bounds.inputs && self.cluster.protocol.takes_input() {
            out.extend(
                (0..self.cluster.len() as NodeId)
                    .filter(|&i| self.cluster.nodes[i as usize].state.is_some())
                    .map(Step::Input),
            );
        }
    }

    /// Takes `step`; `Err` if the state it leads to breaks an invariant.
    pub fn take(&mut self, step: Step) -> Result<(), Broken> {
        let touched = match step {
            Step::Deliver(i) => {
                let e = self.net.remove(i as usize);
                self.handle(e.to, Event::Msg { from: e.from, msg: Arc::unwrap_or_clone(e.msg) });
                Some(e.to)
            }
            Step::Drop(i) => {
                self.net.remove(i as usize);
                self.spent.drops += 1;
                None
            }
            Step::Duplicate(i) => {
                self.next_msg += 1;
                let copy = Envelope { id: self.next_msg, ..self.net[i as usize].clone() };
                debug_assert_eq!(copy.hash, self.net[i as usize].hash);
                self.net.push(copy);
                self.spent.dups += 1;
                None
            }
            Step::Fire(id, t) => {
                let node = &mut self.cluster.nodes[id as usize];
                let timer = node.timers.keys().nth(t as usize).cloned();
                if let Some(timer) = timer {
                    node.timers.remove(&timer);
                    self.spent.timeouts += 1;
                    self.handle(id, Event::Timer(timer));
                }
                Some(id)
            }
            Step::Crash(id) => {
                self.cluster.crash(id);
                self.spent.crashes += 1;
                Some(id)
            }
            Step::Restart(id) => {
                if let Some(out) = self.cluster.restart(id) {
                    self.apply(id, out);
                }
                Some(id)
            }
            Step::Input(id) => {
                // As `Sim::new_request` numbers and fills a client write.
                let req = self.next_req;
                self.next_req += 1;
                self.spent.inputs += 1;
                let input = self.cluster.protocol.write(req, (req % 8) as u8, req as u32);
                self.handle(id, Event::Input(input));
                Some(id)
            }
        };
        if let Some(n) = touched.map(usize::from).filter(|&n| n < CACHED_NODES) {
            self.hashes[n] = self.node_hash(n);
        }
        self.check(touched)
    }

    fn handle(&mut self, id: NodeId, event: Event<P>) {
        if let Some(out) = self.cluster.handle(id, self.cluster.now, event) {
            self.apply(id, out);
        }
    }

    fn apply(&mut self, id: NodeId, out: Effects<P>) {
        let n = self.cluster.len();
        for e in out.0 {
            match e {
                Effect::Send { to, msg } if (to as usize) < n => {
                    self.next_msg += 1;
                    if !self.is_blocked(id, to) {
                        self.net.push(Envelope::new(self.next_msg, id, to, msg));
                    }
                }
                Effect::SetTimer { timer, .. } | Effect::SetTimerDrawn { timer, .. } => {
                    self.cluster.nodes[id as usize].timers.insert(timer, ARMED);
                }
                Effect::CancelTimer(timer) => {
                    self.cluster.nodes[id as usize].timers.remove(&timer);
                }
                // Stored by the cluster; replies and notes do not change what can happen next.
                Effect::Send { .. } | Effect::Persist(_) | Effect::Output(_) | Effect::Note(_) => {}
            }
        }
    }

    fn check(&mut self, touched: Option<NodeId>) -> Result<(), Broken> {
        match self.checker.as_mut() {
            Some(c) => c.check(&self.cluster, touched),
            None => Ok(()),
        }
    }

    /// A 64-bit fingerprint of what decides the future: every node's live and durable state and
    /// armed timers, the messages in flight as a multiset (their order is not a fact of the
    /// world), and the faults left. The checker's history is not in it: two paths to one
    /// state are one state, as in Stateright and TLC. Computed afresh (a test may have edited
    /// the state); the search uses [`World::cached_fingerprint`], the same value.
    pub fn fingerprint(&self) -> u64 {
        self.combine((0..self.cluster.len()).map(|i| self.node_hash(i)))
    }

    /// [`World::fingerprint`] from the nodes' hashes kept step by step.
    pub(super) fn cached_fingerprint(&self) -> u64 {
        let n = self.cluster.len();
        let fp = if n <= CACHED_NODES {
            self.combine(self.hashes[..n].iter().copied())
        } else {
            self.fingerprint()
        };
        debug_assert_eq!(fp, self.fingerprint(), "a node's kept hash is stale");
        fp
    }

    fn combine(&self, nodes: impl Iterator<Item = u64>) -> u64 {
        let mut h = StableHasher::default();
        for n in nodes {
            h.write_u64(n);
        }
        // The messages as a multiset: a sum of well-mixed hashes, so no order and no sort.
        let wire = self.net.iter().fold(0u64, |sum, e| sum.wrapping_add(mix(e.hash)));
        h.write_u64(wire);
        h.write_u64(self.net.len() as u64);
        self.spent.hash(&mut h);
        h.finish()
    }

    /// Node `i`'s live and durable state and armed timers.
    fn node_hash(&self, i: usize) -> u64 {
        let node = &self.cluster.nodes[i];
        let mut h = StableHasher::default();
        match &node.state {
            Some(state) => {
                h.write_u8(1);
                self.cluster.protocol.fingerprint(state, &mut h);
            }
            None => h.write_u8(0),
        }
        node.durable.hash(&mut h);
        node.timers.len().hash(&mut h);
        for t in node.timers.keys() {
            t.hash(&mut h);
        }
        h.finish()
    }
}

impl Explore for crate::raft::Raft {
    fn takes_input(&self) -> bool {
        true
    }
}

impl Explore for crate::txn::Txn {}
