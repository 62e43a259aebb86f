//! `Cluster<P>`: the nodes of one protocol instance, up or down, with their durable state.
//!
//! The cluster runs handlers and applies the node-local effects (persist, timers' bookkeeping);
//! everything that involves time or chance (when a timer fires, what the network does) belongs
//! to the driver, the simulator.

use crate::compact::VecMap;
use crate::protocol::{Effect, Effects, Event, Micros, NodeId, Protocol};
use std::sync::Arc;

/// One node's slot: its live state (absent while crashed) and what it has persisted.
#[derive(Clone, Debug)]
pub struct Node<P: Protocol> {
    pub state: Option<P::State>,
    pub durable: Option<P::Durable>,
    /// Bumped on every crash, so stale timers of an earlier life never fire.
    pub incarnation: u32,
    /// Armed timers. A handful per node, so a sorted `Vec`: the same order and API as the
    /// `BTreeMap` it replaced, in less Wasm.
    pub timers: VecMap<P::Timer, Armed>,
    /// A paused node handles nothing before this instant.
    pub paused_until: Option<Micros>,
    /// The node's own clock; handlers see its reading, never true time.
    pub clock: Clock,
}

/// One armed timer, as the driver keeps it. (The exhaustive checker's timed mode keeps a
/// window in it instead: it may fire from `at` to `entry_at`; see `check::World`.)
///
/// Most re-arms push a deadline further out (a follower's election timer moves on with every
/// heartbeat), so a re-arm does not queue a new event: the event already queued stands for the
/// timer, and when it comes due early it is queued again for the deadline, under the sequence
/// number the re-arm was given, so events still come out in the order they would have had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Armed {
    /// When it fires, in true time.
    pub at: Micros,
    /// Its place among events due at the same instant.
    pub seq: u64,
    /// The queued event standing for it (its token) and when that event comes due: never after
    /// `at`, and, when equal to `at`, queued under `seq`.
    pub entry: u64,
    pub entry_at: Micros,
}

/// A node's local clock: it agrees with true time until a drift is set, then runs
/// `1 + rate_ppm / 10^6` times as fast. Survives crashes (it is the machine's hardware clock).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Clock {
    base_true: Micros,
    base_local: Micros,
    /// Parts per million too fast (negative: too slow).
    pub rate_ppm: i32,
}

/// The fastest a clock may run slow or fast, in parts per million (a clock at -100% would stop
/// and its timers would never fire).
pub const MAX_DRIFT_PPM: i32 = 500_000;

impl Clock {
    /// The clock's reading at true time `t` (which must not precede the last rate change).
    pub fn local(&self, t: Micros) -> Micros {
        let dt = t.saturating_sub(self.base_true) as u128;
        let scaled = dt * (1_000_000 + i64::from(self.rate_ppm)) as u128 / 1_000_000;
        self.base_local + scaled as Micros
    }

    /// How much true time passes while this clock advances by `local` (rounded up, so a timer
    /// never fires before its local deadline).
    pub fn true_delay(&self, local: Micros) -> Micros {
        if self.rate_ppm == 0 {
            return local;
        }
        let rate = (1_000_000 + i64::from(self.rate_ppm)) as u128;
        (local as u128 * 1_000_000).div_ceil(rate) as Micros
    }

    /// From true time `t` on, run `ppm` parts per million fast (clamped to ±[`MAX_DRIFT_PPM`]).
    pub fn set_rate(&mut self, t: Micros, ppm: i32) {
        self.base_local = self.local(t);
        self.base_true = t;
        self.rate_ppm = ppm.clamp(-MAX_DRIFT_PPM, MAX_DRIFT_PPM);
    }
}

impl<P: Protocol> Node<P> {
    pub fn is_up(&self) -> bool {
        self.state.is_some()
    }
}

/// The nodes, each shared until written (copy on write): a copy of a cluster (a time-travel
/// checkpoint, the exhaustive search's next state) copies only the nodes it then changes.
/// Reading is indexing as in a `Vec`; indexing mutably copies a shared node first.
#[derive(Debug)]
pub struct Nodes<P: Protocol>(Vec<Arc<Node<P>>>);

impl<P: Protocol> Clone for Nodes<P> {
    fn clone(&self) -> Self {
        Nodes(self.0.clone())
    }
}

impl<P: Protocol> Nodes<P> {
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn get(&self, i: usize) -> Option<&Node<P>> {
        self.0.get(i).map(|n| &**n)
    }
    pub fn get_mut(&mut self, i: usize) -> Option<&mut Node<P>> {
        self.0.get_mut(i).map(Arc::make_mut)
    }
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Node<P>> + ExactSizeIterator {
        self.0.iter().map(|n| &**n)
    }
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Node<P>> + ExactSizeIterator {
        self.0.iter_mut().map(Arc::make_mut)
    }
    pub fn push(&mut self, node: Node<P>) {
        self.0.push(Arc::new(node));
    }
}

impl<P: Protocol> std::ops::Index<usize> for Nodes<P> {
    type Output = Node<P>;
    fn index(&self, i: usize) -> &Node<P> {
        &self.0[i]
    }
}

impl<P: Protocol> std::ops::IndexMut<usize> for Nodes<P> {
    fn index_mut(&mut self, i: usize) -> &mut Node<P> {
        Arc::make_mut(&mut self.0[i])
    }
}

impl<'a, P: Protocol> IntoIterator for &'a Nodes<P> {
    type Item = &'a Node<P>;
    type IntoIter = std::iter::Map<std::slice::Iter<'a, Arc<Node<P>>>, fn(&'a Arc<Node<P>>) -> &'a Node<P>>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|n| &**n)
    }
}

/// The nodes and the protocol configuration they share.
#[derive(Clone, Debug)]
pub struct Cluster<P: Protocol> {
    pub protocol: P,
    pub nodes: Nodes<P>,
    /// True time of the step being processed, set by the driver before it processes the step;
    /// handlers never see it (they get their node's clock reading), checkers may (timelines).
    pub now: Micros,
}

impl<P: Protocol> Cluster<P> {
    /// Boots every node; returns each node's boot effects.
    pub fn boot(protocol: P) -> (Self, Vec<Effects<P>>) {
        let mut nodes = Nodes(Vec::new());
        let mut boot = Vec::new();
        for id in 0..protocol.nodes() {
            let mut out = Effects::default();
            let state = protocol.init(id as NodeId, None, &mut out);
            nodes.push(Node {
                state: Some(state),
                durable: None,
                incarnation: 0,
                timers: VecMap::new(),
                paused_until: None,
                clock: Clock::default(),
            });
            boot.push(out);
        }
        let mut cluster = Cluster { protocol, nodes, now: 0 };
        for (id, out) in boot.iter().enumerate() {
            cluster.absorb_persists(id as NodeId, &out.0);
        }
        (cluster, boot)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn state(&self, id: NodeId) -> Option<&P::State> {
        self.nodes.get(id as usize)?.state.as_ref()
    }

    /// Runs the handler of a live node at true time `now`; the handler sees its own clock's
    /// reading. Returns `None` if the node is down.
    pub fn handle(&mut self, id: NodeId, now: Micros, event: Event<P>) -> Option<Effects<P>> {
        let mut out = Effects::default();
        self.handle_into(id, now, event, &mut out).then_some(out)
    }

    /// [`Cluster::handle`] appending to `out`, so a driver can reuse one buffer. Returns false
    /// (and leaves `out` alone) if the node is down.
    pub fn handle_into(&mut self, id: NodeId, now: Micros, event: Event<P>, out: &mut Effects<P>) -> bool {
        let Some(node) = self.nodes.get_mut(id as usize) else {
            return false;
        };
        let local = node.clock.local(now);
        let Some(state) = node.state.as_mut() else {
            return false;
        };
        let from = out.0.len();
        self.protocol.handle(id, local, state, event, out);
        self.absorb_persists(id, &out.0[from..]);
        true
    }

    /// Applies a [`crate::protocol::Degrade`] fault to a live node; `None` if it is down.
    pub fn degrade(&mut self, id: NodeId, how: crate::protocol::Degrade) -> Option<Effects<P>> {
        let mut out = Effects::default();
        let state = self.nodes.get_mut(id as usize)?.state.as_mut()?;
        self.protocol.degrade(id, state, how, &mut out);
        self.absorb_persists(id, &out.0);
        Some(out)
    }

    /// Loses the node's volatile state and timers. Returns false if it was already down.
    pub fn crash(&mut self, id: NodeId) -> bool {
        let Some(node) = self.nodes.get_mut(id as usize) else {
            return false;
        };
        if node.state.take().is_none() {
            return false;
        }
        node.incarnation += 1;
        node.timers.clear();
        node.paused_until = None;
        true
    }

    /// Boots a crashed node from its durable state. Returns `None` if it was up.
    pub fn restart(&mut self, id: NodeId) -> Option<Effects<P>> {
        let node = self.nodes.get_mut(id as usize)?;
        if node.state.is_some() {
            return None;
        }
        let mut out = Effects::default();
        node.state = Some(self.protocol.init(id, node.durable.as_ref(), &mut out));
        self.absorb_persists(id, &out.0);
        Some(out)
    }

    fn absorb_persists(&mut self, id: NodeId, out: &[Effect<P>]) {
        for e in out {
            if let Effect::Persist(w) = e {
                self.protocol.store(&mut self.nodes[id as usize].durable, w);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drifting_clock_is_continuous_and_its_timers_never_fire_early() {
        let mut c = Clock::default();
        assert_eq!(c.local(1_000), 1_000);
        c.set_rate(1_000, 500_000); // 50% fast from t = 1 ms
        assert_eq!(c.local(1_000), 1_000, "no jump at the change");
        assert_eq!(c.local(3_000), 4_000);
        assert_eq!(c.true_delay(3_000), 2_000);
        assert_eq!(c.true_delay(1), 1, "rounded up");
        c.set_rate(3_000, -250_000); // then 25% slow
        assert_eq!(c.local(7_000), 7_000);
        assert_eq!(c.true_delay(3_000), 4_000);
        c.set_rate(7_000, -2_000_000);
        assert_eq!(c.rate_ppm, -MAX_DRIFT_PPM, "clamped, so the clock never stops");
        for local in [0, 1, 999, 1_000_001] {
            let t = c.true_delay(local);
            assert!(c.local(7_000 + t) >= c.local(7_000) + local);
        }
    }
}
