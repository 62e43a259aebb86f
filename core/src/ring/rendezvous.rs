//! Rendezvous or highest-random-weight hashing (Thaler & Ravishankar 1998): every node scores
//! every key and the highest score wins. No ring, no vnodes, perfect spread for its key count,
//! and a join takes exactly the keys the newcomer now wins — at O(n) per lookup.
//!
//! Weights use the logarithmic method (Schindelhauer & Schomaker 2005, as in Resch's "weighted
//! rendezvous"): score = w / −ln(u) with u uniform in (0, 1), which gives node i the share
//! wᵢ/Σw exactly. `ln` comes from `libm` so native and Wasm agree bit for bit.

use super::{hash, Members, Placement, Weight};
use crate::protocol::NodeId;

#[derive(Clone, Debug)]
pub struct Rendezvous {
    members: Members,
    nodes: Vec<(NodeId, u64, Weight)>,
    /// All weights equal: the score order is the hash order, no floats needed.
    uniform: bool,
}

impl Rendezvous {
    pub fn new(members: &Members) -> Rendezvous {
        let nodes: Vec<_> = members.iter().map(|(id, w)| (id, hash::node_salt(id), w)).collect();
        let uniform = nodes.windows(2).all(|p| p[0].2 == p[1].2);
        Rendezvous { members: members.clone(), nodes, uniform }
    }

    /// 53 random bits of (key, node): the mantissa of u.
    fn bits(key: u64, salt: u64) -> u64 {
        hash::mix(key ^ salt) >> 11
    }

    fn score(&self, key: u64, salt: u64, weight: Weight) -> f64 {
        if self.uniform {
            return Self::bits(key, salt) as f64;
        }
        let u = (Self::bits(key, salt) as f64 + 0.5) / (1u64 << 53) as f64;
        f64::from(weight) / -libm::log(u)
    }
}

impl Placement for Rendezvous {
    fn algorithm(&self) -> super::Algorithm {
        super::Algorithm::Rendezvous
    }

    fn members(&self) -> &Members {
        &self.members
    }

    fn lookup(&self, key: u64) -> Option<NodeId> {
        if self.uniform {
            // Ties (equal 53-bit values) go to the lower id, as in the weighted path.
            let mut best: Option<(u64, NodeId)> = None;
            for &(id, salt, _) in &self.nodes {
                let b = Self::bits(key, salt);
                if best.is_none_or(|(top, _)| b > top) {
                    best = Some((b, id));
                }
            }
            return best.map(|(_, id)| id);
        }
        let mut best: Option<(f64, NodeId)> = None;
        for &(id, salt, w) in &self.nodes {
            let s = self.score(key, salt, w);
            if best.is_none_or(|(top, _)| s > top) {
                best = Some((s, id));
            }
        }
        best.map(|(_, id)| id)
    }

    /// The top `r` scores by insertion into a short sorted list: O(n·r), no allocation beyond
    /// `out` (this runs for every key when the page counts replica sets).
    fn preference(&self, key: u64, r: usize, out: &mut Vec<NodeId>) {
        out.clear();
        let want = r.min(self.nodes.len());
        let mut top: Vec<f64> = Vec::with_capacity(want + 1);
        for &(id, salt, w) in &self.nodes {
            let s = self.score(key, salt, w);
            if top.len() == want && top.last().is_some_and(|&last| s <= last) {
                continue; // the common case: not in the top r
            }
            // Highest first; an equal score stays behind the lower id already there, as in `lookup`.
            let at = top.partition_point(|&t| t >= s);
            if at < want {
                top.insert(at, s);
                out.insert(at, id);
                top.truncate(want);
                out.truncate(want);
            }
        }
    }

    fn memory_bytes(&self) -> usize {
        self.nodes.capacity() * size_of::<(NodeId, u64, Weight)>()
    }
}
