//! Consistent hashing and its rivals: which node owns a key, how evenly keys spread, and how
//! many move when membership changes.
//!
//! Every algorithm implements [`Placement`], a pure function of the membership (node ids and
//! weights) — never of the order nodes joined — so a scenario URL fully determines every
//! assignment, on native and on Wasm alike ([`hash`] is platform-independent).
//!
//! | algorithm | source | lookup | weights | on a join |
//! |---|---|---|---|---|
//! | [`HashRing`] | Karger et al. 1997, with virtual nodes | O(log points) | vnodes ∝ weight | only keys to the new node move |
//! | [`Rendezvous`] | Thaler & Ravishankar 1998 (HRW) | O(n) | logarithmic method | only keys to the new node move |
//! | [`Jump`] | Lamping & Veach 2014 | O(log n) | no | only keys to the new node move, if it joins last |
//! | [`Maglev`] | Eisenbud et al. 2016 | O(1) | extra turns | a few others move too |
//! | [`BoundedLoads`] | Mirrokni, Thorup & Zadimoghaddam 2018 | ring walk | as the ring | loads capped, more keys move |
//! | [`Modulo`] | the baseline: `hash mod n` | O(1) | no | about n/(n+1) of all keys move |
//!
//! ```
//! use halab_core::ring::{key_hash, Algorithm, Members, Params};
//!
//! let members = Members::uniform(0..10);
//! let ring = Algorithm::Ring.build(&members, &Params::default());
//! let keys: Vec<u64> = (0..10_000).map(key_hash).collect();
//! let before = ring.assign(&keys);
//!
//! let grown = Algorithm::Ring.build(&members.with(10, 100), &Params::default());
//! let after = grown.assign(&keys);
//! let moved = halab_core::ring::stats::Moves::between(&before, &after);
//! assert!(moved.flows.keys().all(|&(_, to)| to == 10)); // only keys to the newcomer move
//! assert!((0.06..0.12).contains(&moved.fraction()));  // about 1/11 of them
//! ```

pub mod bounded;
pub mod failover;
pub mod hash;
pub mod hash_ring;
pub mod jump;
pub mod lab;
pub mod maglev;
pub mod modulo;
pub mod rendezvous;
pub mod stats;

pub use bounded::BoundedLoads;
pub use hash::key_hash;
pub use hash_ring::HashRing;
pub use jump::Jump;
pub use maglev::Maglev;
pub use modulo::Modulo;
pub use rendezvous::Rendezvous;

use crate::protocol::NodeId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A node's relative capacity in hundredths: 100 is a normal node, 250 takes 2.5× the keys.
pub type Weight = u32;
pub const UNIT_WEIGHT: Weight = 100;

/// Named limits on a placement; the scenario codec rejects anything outside them.
pub mod limits {
    use super::Weight;
    /// Node ids index a `u128` bit set (failure sets in [`super::failover`]).
    pub const MAX_RING_NODES: usize = 128;
    pub const MIN_VNODES: u32 = 1;
    pub const MAX_VNODES: u32 = 1_000;
    pub const MIN_WEIGHT: Weight = 10;
    pub const MAX_WEIGHT: Weight = 1_000;
    /// Ring points over all nodes (vnodes × weight summed); keeps a rebuild in the page fast.
    pub const MAX_POINTS: usize = 250_000;
    pub const MAX_KEYS: u32 = 100_000;
    pub const MAX_REPLICAS: u8 = 7;
    /// ε of bounded loads, in hundredths (0.00–4.00).
    pub const MAX_EPSILON: u32 = 400;
}

/// The membership a placement is built from: node id → weight, ordered by id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Members(BTreeMap<NodeId, Weight>);

impl Members {
    pub fn new(nodes: impl IntoIterator<Item = (NodeId, Weight)>) -> Members {
        // `extend`, not `collect`: `BTreeMap::from_iter` sorts (see `compact`). A repeated id
        // keeps its last weight either way.
        let mut m = BTreeMap::new();
        m.extend(nodes);
        Members(m)
    }

    /// Every node at [`UNIT_WEIGHT`].
    pub fn uniform(ids: impl IntoIterator<Item = NodeId>) -> Members {
        Members::new(ids.into_iter().map(|id| (id, UNIT_WEIGHT)))
    }

    /// A copy with `id` added (or reweighted).
    pub fn with(&self, id: NodeId, weight: Weight) -> Members {
        let mut m = self.clone();
        m.0.insert(id, weight);
        m
    }

    /// A copy without `id`.
    pub fn without(&self, id: NodeId) -> Members {
        let mut m = self.clone();
        m.0.remove(&id);
        m
    }

    pub fn insert(&mut self, id: NodeId, weight: Weight) {
        self.0.insert(id, weight);
    }

    pub fn remove(&mut self, id: NodeId) -> Option<Weight> {
        self.0.remove(&id)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, id: NodeId) -> bool {
        self.0.contains_key(&id)
    }

    pub fn weight(&self, id: NodeId) -> Option<Weight> {
        self.0.get(&id).copied()
    }

    /// (id, weight) in id order.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, Weight)> + '_ {
        self.0.iter().map(|(&id, &w)| (id, w))
    }

    pub fn ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.0.keys().copied()
    }

    pub fn total_weight(&self) -> u64 {
        self.0.values().map(|&w| u64::from(w)).sum()
    }

    /// Each node's fair share of the keys, by weight.
    pub fn shares(&self) -> BTreeMap<NodeId, f64> {
        let total = self.total_weight() as f64;
        let mut m = BTreeMap::new();
        m.extend(self.iter().map(|(id, w)| (id, f64::from(w) / total)));
        m
    }
}

/// Parameters that are not membership. Every algorithm ignores what it does not use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Params {
    /// Virtual nodes for a node of [`UNIT_WEIGHT`] (ring and bounded loads).
    pub vnodes: u32,
    /// Bounded loads' ε in hundredths: a node holds at most ⌈(1+ε)·fair share⌉ keys.
    pub epsilon: u32,
    /// Maglev's lookup table size; a prime well above the node count.
    pub maglev_table: u32,
}

impl Default for Params {
    fn default() -> Self {
        Params { vnodes: 100, epsilon: 25, maglev_table: maglev::DEFAULT_TABLE }
    }
}

/// Where keys live. Built from a [`Members`] by [`Algorithm::build`]; immutable afterwards, so a
/// membership change is a rebuild and the before/after pair can be compared key by key.
pub trait Placement {
    fn algorithm(&self) -> Algorithm;

    fn members(&self) -> &Members;

    /// The node that owns a key hash, or `None` when there are no nodes. For bounded loads this
    /// is the key's home on the ring, before loads are considered; use [`Placement::assign`].
    fn lookup(&self, key: u64) -> Option<NodeId>;

    /// The owner of each key, in order. Bounded loads assigns keys one after another against
    /// the capacities; the others are plain lookups.
    fn assign(&self, keys: &[u64]) -> Vec<NodeId> {
        keys.iter().map(|&k| self.lookup(k).unwrap_or(NodeId::MAX)).collect()
    }

    /// The first `r` distinct nodes that would hold replicas of `key`, owner first.
    fn preference(&self, key: u64, r: usize, out: &mut Vec<NodeId>);

    /// Heap bytes of the lookup structure (what each frontend keeps per cluster).
    fn memory_bytes(&self) -> usize;
}

/// The algorithms, as the URL and the comparison table name them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    #[default]
    Ring,
    Rendezvous,
    Jump,
    Maglev,
    Bounded,
    /// `hash mod n`: the baseline that shows why the others exist.
    Modulo,
}

impl Algorithm {
    pub const ALL: [Algorithm; 6] = [
        Algorithm::Ring,
        Algorithm::Rendezvous,
        Algorithm::Jump,
        Algorithm::Maglev,
        Algorithm::Bounded,
        Algorithm::Modulo,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Ring => "ring",
            Algorithm::Rendezvous => "rendezvous",
            Algorithm::Jump => "jump",
            Algorithm::Maglev => "maglev",
            Algorithm::Bounded => "bounded",
            Algorithm::Modulo => "modulo",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Algorithm::Ring => "Hash ring (vnodes)",
            Algorithm::Rendezvous => "Rendezvous (HRW)",
            Algorithm::Jump => "Jump hash",
            Algorithm::Maglev => "Maglev",
            Algorithm::Bounded => "Bounded loads",
            Algorithm::Modulo => "hash mod n",
        }
    }

    pub fn from_name(s: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == s)
    }

    /// Whether node weights change this algorithm's placement.
    pub fn weighted(self) -> bool {
        !matches!(self, Algorithm::Jump | Algorithm::Modulo)
    }

    pub fn build(self, members: &Members, params: &Params) -> Box<dyn Placement> {
        match self {
            Algorithm::Ring => Box::new(HashRing::new(members, params.vnodes)),
            Algorithm::Rendezvous => Box::new(Rendezvous::new(members)),
            Algorithm::Jump => Box::new(Jump::new(members)),
            Algorithm::Maglev => Box::new(Maglev::new(members, params.maglev_table)),
            Algorithm::Bounded => Box::new(BoundedLoads::new(members, params.vnodes, params.epsilon)),
            Algorithm::Modulo => Box::new(Modulo::new(members)),
        }
    }
}

/// The lab's keys `k0..k{count}` as hashes.
pub fn keys(count: u32) -> Vec<u64> {
    (0..u64::from(count)).map(key_hash).collect()
}

#[cfg(test)]
mod tests;
