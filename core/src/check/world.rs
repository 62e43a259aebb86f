//! One state of the search: the cluster, the messages in flight, the faults spent, and the
//! invariant checker that has watched the path to it.
//!
//! Time is abstract for a protocol whose handlers ignore the clock: a timer is armed or not,
//! any armed timer may fire next and any message in flight may arrive next, so the search covers
//! every order the simulator's clock could produce and more (a timer firing "too early" is a
//! schedule a slow clock allows). Handlers run at the start's instant.
//!
//! A protocol whose handlers read the clock (leases: [`Explore::reads_clock`]) is searched in
//! *timed* mode, where time is a step of its own ([`Step::Wait`]). Each armed timer keeps the
//! window of true time its node's clock lets it fire in (the range it was armed with, through
//! the node's clock rate); it may fire once its window opens and must fire before time moves
//! past the window's end. A wait moves time to the next instant a window opens or closes, so
//! events happen at those instants only: a bounded sample of the timings, not all of them. A
//! message may arrive at any of those instants from its sending on (no lower bound on latency,
//! no upper bound: the network is asynchronous). A timer whose window closes now fires whatever
//! the budget of timer firings says (time must be able to pass; the depth bounds the search),
//! and a paused node takes no step until its pause ends, when its overdue timers come due, as in
//! the simulator.
//!
//! A world mirrors a steered simulator (`sim::steer`) step for step: it numbers messages and
//! client writes as the simulator does and drops what crosses a cut link, so any path of steps
//! turns into scripted faults that replay it in the simulator ([`super::schedule`]).

use super::{Bounds, Step};
use crate::client::Service;
use crate::cluster::{Armed, Cluster};
use crate::invariant::{Broken, Checker};
use crate::protocol::{Delay, Describe, Effect, Effects, Event, Micros, NodeId, Protocol};
use crate::sim::trace::StableHasher;
use crate::sim::Sim;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// What a protocol adds to the search: whether clients write to it, whether its handlers read
/// the clock, and its fingerprint.
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

    /// Whether handlers read the clock, so that when a step happens decides what it does: the
    /// search then runs in timed mode (see the module's doc).
    fn reads_clock(&self) -> bool {
        false
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
    /// For a message that waited in a paused node's inbox when the search started: the node's
    /// incarnation then. A crash of the node loses it, as the simulator does.
    pub held_for: Option<u32>,
    /// Of (from, to, msg) and the mark, once: every state the message is in hashes it.
    hash: u64,
}

impl<P: Protocol> Envelope<P> {
    pub fn new(id: u64, from: NodeId, to: NodeId, msg: P::Msg) -> Self {
        Self::held(id, from, to, msg, None)
    }

    fn held(id: u64, from: NodeId, to: NodeId, msg: P::Msg, held_for: Option<u32>) -> Self {
        let mut h = StableHasher::default();
        (from, to, &msg).hash(&mut h);
        if let Some(life) = held_for {
            h.write_u32(life);
        }
        Envelope { id, from, to, msg: Arc::new(msg), held_for, hash: h.finish() }
    }
}

impl<P: Protocol> Clone for Envelope<P> {
    fn clone(&self) -> Self {
        Envelope {
            id: self.id,
            from: self.from,
            to: self.to,
            msg: self.msg.clone(),
            held_for: self.held_for,
            hash: self.hash,
        }
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
    /// Timed mode (see the module's doc): `cluster.now` moves with [`Step::Wait`], and each
    /// armed timer's [`Armed`] holds its window, `at` to `entry_at`.
    timed: bool,
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
            timed: self.timed,
        }
    }
}

impl<P: Protocol> World<P> {
    /// Whether time is a step here (see the module's doc).
    pub fn timed(&self) -> bool {
        self.timed
    }

    /// The same nodes and messages with time and the checker left out of its fingerprint: a
    /// test compares states of the search and of the simulator, whose timers hold instants it
    /// drew, not windows, and whose checker judged at its own steps, not at the search's waits.
    #[cfg(test)]
    pub(super) fn bare(mut self) -> Self {
        self.timed = false;
        self.checker = None;
        self
    }
}

/// An armed timer outside timed mode: armed or not is all the search keeps of it.
const UNTIMED: Armed = Armed { at: 0, seq: 0, entry: 0, entry_at: 0 };

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
            timed: false,
        };
        w.timed = w.cluster.protocol.reads_clock();
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
            .map(|f| Envelope::held(f.id, f.from, f.to, f.msg.clone(), f.held_for))
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
            timed: false,
        };
        if w.cluster.protocol.reads_clock() {
            w.start_timed(sim.now() + 1);
        }
        w.rehash_all();
        w
    }

    /// Timed mode from true time `now`, one instant after the simulator's, when a script of the
    /// steps can start ([`super::schedule::script_of`]; the simulator must have finished its
    /// instant). The simulator has drawn its timers' instants already: each keeps that instant
    /// as its window, or comes due at once if it is overdue, or when its node's pause ends.
    fn start_timed(&mut self, now: Micros) {
        self.timed = true;
        self.cluster.now = now;
        for node in self.cluster.nodes.iter_mut() {
            let wake = node.paused_until.unwrap_or(0).max(now);
            let armed: Vec<P::Timer> = node.timers.keys().cloned().collect();
            for t in armed {
                if let Some(a) = node.timers.get_mut(&t) {
                    let at = a.at.max(wake);
                    *a = Armed { at, seq: 0, entry: 0, entry_at: at };
                }
            }
        }
    }

    /// When node `id`'s pause ends, if it is paused now (timed mode only: with abstract time a
    /// pause is just a slow node, which the search's orders already cover).
    fn paused_until(&self, id: NodeId) -> Option<Micros> {
        let until = self.cluster.nodes.get(usize::from(id))?.paused_until?;
        (self.timed && until > self.cluster.now).then_some(until)
    }

    /// Where a [`Step::Wait`] moves time: the next instant a timer's window opens or closes or
    /// a pause ends, unless a window closes now (its timer must fire first) or none is ahead.
    fn next_instant(&self) -> Option<Micros> {
        let now = self.cluster.now;
        let mut next = Micros::MAX;
        for (id, node) in self.cluster.nodes.iter().enumerate().filter(|(_, n)| n.state.is_some()) {
            if let Some(until) = self.paused_until(id as NodeId) {
                next = next.min(until);
            }
            for a in node.timers.values() {
                if a.entry_at <= now {
                    return None;
                }
                next = next.min(a.entry_at);
                if a.at > now {
                    next = next.min(a.at);
                }
            }
        }
        (next != Micros::MAX).then_some(next)
    }

    /// Whether a timer armed as `a` may fire now, with the budget of firings left or not.
    /// Untimed, the budget decides. Timed, its window must be open, and one that closes now
    /// fires whatever the budget says: time must be able to pass.
    fn may_fire(&self, a: &Armed, budget: bool) -> bool {
        if !self.timed {
            return budget;
        }
        let now = self.cluster.now;
        a.at <= now && (budget || a.entry_at <= now)
    }

    /// Whether `step`, if otherwise enabled, may happen at this instant: always, but in timed
    /// mode a timer fires only once its window has opened and a wait needs an instant to go to.
    pub(super) fn timely(&self, step: Step) -> bool {
        match step {
            Step::Wait => self.timed && self.next_instant().is_some(),
            Step::Deliver(i) => {
                self.net.get(usize::from(i)).is_some_and(|e| self.paused_until(e.to).is_none())
            }
            Step::Fire(n, k) if self.timed => {
                self.paused_until(n).is_none()
                    && self.cluster.nodes.get(usize::from(n)).is_some_and(|node| {
                        node.timers.values().nth(usize::from(k)).is_some_and(|a| self.may_fire(a, true))
                    })
            }
            _ => true,
        }
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
        for (i, e) in self.net.iter().enumerate() {
            if self.paused_until(e.to).is_none() {
                out.push(Step::Deliver(i as u16));
            }
        }
        let budget = self.spent.timeouts < bounds.timeouts;
        for (id, node) in self.cluster.nodes.iter().enumerate() {
            let id = id as NodeId;
            if node.state.is_none() || self.paused_until(id).is_some() {
                continue;
            }
            for (t, a) in node.timers.values().enumerate() {
                if self.may_fire(a, budget) {
                    out.push(Step::Fire(id, t as u16));
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
        if self.timely(Step::Wait) {
            out.push(Step::Wait);
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
                let e = &self.net[i as usize];
                // A new packet, as the simulator's copies are: no inbox has taken it yet.
                let copy = match e.held_for {
                    None => Envelope { id: self.next_msg, ..e.clone() },
                    Some(_) => Envelope::new(self.next_msg, e.from, e.to, (*e.msg).clone()),
                };
                self.net.push(copy);
                self.spent.dups += 1;
                None
            }
            Step::Fire(id, t) => {
                let now = self.cluster.now;
                let node = &mut self.cluster.nodes[id as usize];
                let timer = node.timers.iter().nth(t as usize).map(|(k, a)| (k.clone(), a.entry_at));
                if let Some((timer, closes)) = timer {
                    node.timers.remove(&timer);
                    // A firing forced by its window's end is time passing, not a choice.
                    if !(self.timed && closes <= now) {
                        self.spent.timeouts += 1;
                    }
                    self.handle(id, Event::Timer(timer));
                }
                Some(id)
            }
            Step::Crash(id) => {
                self.cluster.crash(id);
                // Lost with the inbox they waited in (the simulator drops them on arrival).
                self.net.retain(|e| e.to != id || e.held_for.is_none());
                self.spent.crashes += 1;
                Some(id)
            }
            Step::Restart(id) => {
                if let Some(out) = self.cluster.restart(id) {
                    self.apply(id, out);
                }
                Some(id)
            }
            Step::Wait => {
                if let Some(next) = self.next_instant() {
                    self.cluster.now = next;
                }
                None
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
                Effect::SetTimer { timer, after } => {
                    let armed = self.window(id, *after.start(), *after.end());
                    self.cluster.nodes[id as usize].timers.insert(timer, armed);
                }
                Effect::SetTimerDrawn { timer, delay } => {
                    let armed = match delay {
                        Delay::Constant(d) => self.window(id, d, d),
                        Delay::Exponential { .. } | Delay::LogNormal { .. } => {
                            self.window(id, 0, Micros::MAX)
                        }
                    };
                    self.cluster.nodes[id as usize].timers.insert(timer, armed);
                }
                Effect::CancelTimer(timer) => {
                    self.cluster.nodes[id as usize].timers.remove(&timer);
                }
                // Stored by the cluster; replies and notes do not change what can happen next.
                Effect::Send { .. } | Effect::Persist(_) | Effect::Output(_) | Effect::Note(_) => {}
            }
        }
    }

    /// A timer armed now to fire after `lo..=hi` on node `id`'s clock: its window in true time
    /// (timed mode), or no window at all.
    fn window(&self, id: NodeId, lo: Micros, hi: Micros) -> Armed {
        if !self.timed {
            return UNTIMED;
        }
        let now = self.cluster.now;
        let clock = self.cluster.nodes[id as usize].clock;
        let after = |d: Micros| if d == Micros::MAX { d } else { now.saturating_add(clock.true_delay(d)) };
        Armed { at: after(lo), seq: 0, entry: 0, entry_at: after(hi.max(lo)) }
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
        if self.timed {
            h.write_u64(self.cluster.now);
        }
        if let Some(c) = &self.checker {
            c.fingerprint(&mut h);
        }
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
        for (t, a) in node.timers.iter() {
            t.hash(&mut h);
            if self.timed {
                h.write_u64(a.at);
                h.write_u64(a.entry_at);
            }
        }
        if self.timed {
            node.paused_until.hash(&mut h);
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

/// Leases: the server's and the clients' beliefs are instants on their clocks.
impl Explore for crate::lock::Lock {
    fn reads_clock(&self) -> bool {
        true
    }
}

/// The service lab: timeouts, health checks and leases all race on the clock.
impl Explore for crate::lb::Lb {
    fn reads_clock(&self) -> bool {
        true
    }
}
