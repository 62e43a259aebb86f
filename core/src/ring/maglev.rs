//! Maglev hashing (Eisenbud et al., NSDI 2016, §3.4): each backend walks its own permutation of
//! a prime-sized table and the backends take turns claiming the next free slot, so every
//! backend owns almost exactly M/n slots and a lookup is one array read. The price is
//! disruption: a membership change reshuffles a few slots beyond those it had to move.
//!
//! Weights give extra turns: every round a backend earns its weight in credit and claims a slot
//! per `max weight` of credit, so the heaviest claims one slot per round and shares follow the
//! weights (the paper leaves weighting open; this is the usual credit scheme).

use super::{hash, Members, Placement};
use crate::protocol::NodeId;

/// The paper's production size: prime, and ≫ the node count (here at most 128 → ≥ 512 slots each).
pub const DEFAULT_TABLE: u32 = 65_537;

#[derive(Clone, Debug)]
pub struct Maglev {
    members: Members,
    table: Vec<NodeId>,
}

impl Maglev {
    /// `size` should be prime (so every skip visits every slot); the scenario codec only offers
    /// [`DEFAULT_TABLE`].
    pub fn new(members: &Members, size: u32) -> Maglev {
        Maglev { members: members.clone(), table: populate(members, size.max(1)) }
    }

    pub fn table(&self) -> &[NodeId] {
        &self.table
    }
}

fn populate(members: &Members, size: u32) -> Vec<NodeId> {
    const FREE: u16 = u16::MAX;
    let nodes: Vec<(NodeId, u64)> = members.iter().map(|(id, w)| (id, u64::from(w))).collect();
    if nodes.is_empty() {
        return Vec::new();
    }
    let m = u64::from(size);
    let max_weight = nodes.iter().map(|&(_, w)| w).max().unwrap_or(1).max(1);
    let mut perm: Vec<(u64, u64, u64)> = nodes
        .iter()
        .map(|&(id, _)| {
            let (h1, h2) = hash::maglev_pair(id);
            let skip = if m > 1 { h2 % (m - 1) + 1 } else { 1 };
            (h1 % m, skip, 0) // offset, skip, next
        })
        .collect();
    let mut credit = vec![0u64; nodes.len()];
    let mut entry = vec![FREE; size as usize];
    let mut filled = 0usize;
    while filled < entry.len() {
        for (i, &(_, weight)) in nodes.iter().enumerate() {
            credit[i] += weight;
            while credit[i] >= max_weight {
                credit[i] -= max_weight;
                let (offset, skip, next) = &mut perm[i];
                let mut slot = ((*offset + *next * *skip) % m) as usize;
                while entry[slot] != FREE {
                    *next += 1;
                    slot = ((*offset + *next * *skip) % m) as usize;
                }
                *next += 1;
                entry[slot] = i as u16;
                filled += 1;
                if filled == entry.len() {
                    break;
                }
            }
            if filled == entry.len() {
                break;
            }
        }
    }
    entry.into_iter().map(|i| nodes[usize::from(i)].0).collect()
}

impl Placement for Maglev {
    fn algorithm(&self) -> super::Algorithm {
        super::Algorithm::Maglev
    }

    fn members(&self) -> &Members {
        &self.members
    }

    fn lookup(&self, key: u64) -> Option<NodeId> {
        if self.table.is_empty() {
            return None;
        }
        Some(self.table[(key % self.table.len() as u64) as usize])
    }

    /// Replicas: the next distinct backends in the table after the key's slot (the paper has
    /// no replicas; this keeps them as spread as the table).
    fn preference(&self, key: u64, r: usize, out: &mut Vec<NodeId>) {
        out.clear();
        let want = r.min(self.members.len());
        if want == 0 {
            return;
        }
        let len = self.table.len();
        let start = (key % len as u64) as usize;
        for i in 0..len {
            let node = self.table[(start + i) % len];
            if !out.contains(&node) {
                out.push(node);
                if out.len() == want {
                    return;
                }
            }
        }
    }

    fn memory_bytes(&self) -> usize {
        self.table.capacity() * size_of::<NodeId>()
    }
}
