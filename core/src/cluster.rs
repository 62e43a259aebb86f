//! `Cluster<P>`: the nodes of one protocol instance, up or down, with their durable state.
//!
//! The cluster runs handlers and applies the node-local effects (persist, timers' bookkeeping);
//! everything that involves time or chance (when a timer fires, what the network does) belongs
//! to the driver, the simulator.

use crate::protocol::{Effect, Effects, Event, Micros, NodeId, Protocol};
use std::collections::BTreeMap;

/// One node's slot: its live state (absent while crashed) and what it has persisted.
#[derive(Clone, Debug)]
pub struct Node<P: Protocol> {
    pub state: Option<P::State>,
    pub durable: Option<P::Durable>,
    /// Bumped on every crash, so stale timers of an earlier life never fire.
    pub incarnation: u32,
    /// Armed timers: deadline and the token that identifies this arming.
    pub timers: BTreeMap<P::Timer, (Micros, u64)>,
    /// A paused node handles nothing before this instant.
    pub paused_until: Option<Micros>,
}

impl<P: Protocol> Node<P> {
    pub fn is_up(&self) -> bool {
        self.state.is_some()
    }
}

/// The nodes and the protocol configuration they share.
#[derive(Clone, Debug)]
pub struct Cluster<P: Protocol> {
    pub protocol: P,
    pub nodes: Vec<Node<P>>,
}

impl<P: Protocol> Cluster<P> {
    /// Boots every node; returns each node's boot effects.
    pub fn boot(protocol: P) -> (Self, Vec<Effects<P>>) {
        let mut nodes = Vec::new();
        let mut boot = Vec::new();
        for id in 0..protocol.nodes() {
            let mut out = Effects::default();
            let state = protocol.init(id as NodeId, None, &mut out);
            nodes.push(Node {
                state: Some(state),
                durable: None,
                incarnation: 0,
                timers: BTreeMap::new(),
                paused_until: None,
            });
            boot.push(out);
        }
        let mut cluster = Cluster { protocol, nodes };
        for (id, out) in boot.iter().enumerate() {
            cluster.absorb_persists(id as NodeId, out);
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

    /// Runs the handler of a live node. Returns `None` if the node is down.
    pub fn handle(&mut self, id: NodeId, now: Micros, event: Event<P>) -> Option<Effects<P>> {
        let mut out = Effects::default();
        let node = self.nodes.get_mut(id as usize)?;
        let state = node.state.as_mut()?;
        self.protocol.handle(id, now, state, event, &mut out);
        self.absorb_persists(id, &out);
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
        self.absorb_persists(id, &out);
        Some(out)
    }

    fn absorb_persists(&mut self, id: NodeId, out: &Effects<P>) {
        for e in &out.0 {
            if let Effect::Persist(d) = e {
                self.nodes[id as usize].durable = Some(d.clone());
            }
        }
    }
}
