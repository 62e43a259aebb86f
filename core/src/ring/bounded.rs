//! Consistent hashing with bounded loads (Mirrokni, Thorup & Zadimoghaddam, SODA 2018; used by
//! Vimeo and HAProxy): the ring, but every node has a capacity ⌈(1+ε)·m·wᵢ/W⌉ for m keys, and a
//! key whose home is full walks on clockwise to the first node with room. No node ever exceeds
//! its cap; the price is that a membership change moves more keys than the ring alone.
//!
//! The placement depends on the key set and its order (keys are placed one after another), so
//! only [`Placement::assign`] gives the real answer; `lookup` is the key's home on the ring.

use super::hash_ring::HashRing;
use super::{Members, Placement, Weight, UNIT_WEIGHT};
use crate::protocol::NodeId;

#[derive(Clone, Debug)]
pub struct BoundedLoads {
    ring: HashRing,
    epsilon: u32,
}

impl BoundedLoads {
    /// `epsilon` in hundredths (25 → ε = 0.25).
    pub fn new(members: &Members, vnodes: u32, epsilon: u32) -> BoundedLoads {
        BoundedLoads { ring: HashRing::new(members, vnodes), epsilon }
    }

    /// Each member's capacity for `keys` keys, in id order.
    pub fn capacities(&self, keys: usize) -> Vec<(NodeId, u64)> {
        let members = self.ring.members();
        let total = members.total_weight();
        members.iter().map(|(id, w)| (id, capacity(keys, w, total, self.epsilon))).collect()
    }
}

/// ⌈(1+ε)·keys·w/W⌉ in integers (ε in hundredths): the most keys a node of weight `w` may hold
/// when the live nodes weigh `total` together.
pub fn capacity(keys: usize, w: Weight, total: u64, epsilon: u32) -> u64 {
    let scale = u128::from(UNIT_WEIGHT);
    let num = keys as u128 * u128::from(w) * (scale + u128::from(epsilon));
    num.div_ceil(u128::from(total.max(1)) * scale) as u64
}

impl Placement for BoundedLoads {
    fn algorithm(&self) -> super::Algorithm {
        super::Algorithm::Bounded
    }

    fn members(&self) -> &Members {
        self.ring.members()
    }

    fn lookup(&self, key: u64) -> Option<NodeId> {
        self.ring.lookup(key)
    }

    fn assign(&self, keys: &[u64]) -> Vec<NodeId> {
        if self.ring.is_empty() {
            return vec![NodeId::MAX; keys.len()];
        }
        // Loads and caps indexed by node id: one array read per step of the walk.
        let mut room = [0u64; 256];
        for (id, cap) in self.capacities(keys.len()) {
            room[usize::from(id)] = cap;
        }
        let len = self.ring.len();
        keys.iter()
            .map(|&key| {
                let mut i = self.ring.successor(key);
                // The caps sum to at least the key count, so some node on the ring has room.
                loop {
                    let owner = self.ring.owner_at(i);
                    if room[usize::from(owner)] > 0 {
                        room[usize::from(owner)] -= 1;
                        return owner;
                    }
                    i = if i + 1 == len { 0 } else { i + 1 };
                }
            })
            .collect()
    }

    fn preference(&self, key: u64, r: usize, out: &mut Vec<NodeId>) {
        self.ring.preference(key, r, out)
    }

    fn memory_bytes(&self) -> usize {
        self.ring.memory_bytes()
    }
}
