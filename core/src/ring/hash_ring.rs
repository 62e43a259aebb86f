//! The consistent hash ring of Karger et al. (1997) with virtual nodes, as Dynamo and Cassandra
//! use it: every node hashes to many points on a 2^64 circle, and a key belongs to the first
//! point clockwise from its hash. Adding a node only takes the arcs just before its points, so
//! only keys that go to the newcomer move; more points per node even out the arc lengths
//! (a node's share has a relative spread of about 1/√vnodes).

use super::{hash, Members, Placement, Weight, UNIT_WEIGHT};
use crate::protocol::NodeId;

/// Points sorted by position, with their owners in a parallel array so the search touches only
/// the dense `u64`s. A radix index over the top bits of the hash narrows the search to the
/// points of one bucket (about one), which makes a lookup two or three cache reads instead of
/// a dozen binary-search steps.
#[derive(Clone, Debug)]
pub struct HashRing {
    members: Members,
    points: Vec<u64>,
    owners: Vec<NodeId>,
    /// `index[b]` = first point at or after `b << shift`; one more entry than buckets.
    index: Vec<u32>,
    shift: u32,
}

/// Radix bits for `len` points: about one point per bucket, at most 2^20 buckets (4 MiB).
fn index_bits(len: usize) -> u32 {
    (usize::BITS - len.leading_zeros()).clamp(1, 20)
}

/// An arc `(start, end]` of the circle (it may wrap through 0) whose owner changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArcMove {
    pub start: u64,
    pub end: u64,
    pub from: NodeId,
    pub to: NodeId,
}

impl ArcMove {
    /// The arc's share of the whole circle.
    pub fn fraction(&self) -> f64 {
        let len = self.end.wrapping_sub(self.start);
        if len == 0 {
            1.0
        } else {
            len as f64 / 2f64.powi(64)
        }
    }
}

impl HashRing {
    pub fn new(members: &Members, vnodes: u32) -> HashRing {
        let mut points: Vec<(u64, NodeId)> = members
            .iter()
            .flat_map(|(id, w)| (0..Self::vnodes_of(vnodes, w)).map(move |r| (hash::point(id, r), id)))
            .collect();
        // Sorting (position, owner) pairs makes even a hash collision independent of join order.
        points.sort_unstable();
        let (points, owners): (Vec<u64>, Vec<NodeId>) = points.into_iter().unzip();
        let bits = index_bits(points.len());
        let shift = 64 - bits;
        let mut index = Vec::with_capacity((1 << bits) + 1);
        let mut i = 0;
        for b in 0..1u64 << bits {
            while i < points.len() && points[i] >> shift < b {
                i += 1;
            }
            index.push(i as u32);
        }
        index.push(points.len() as u32);
        HashRing { members: members.clone(), points, owners, index, shift }
    }

    /// Virtual nodes of a node of this weight: proportional, rounded, at least one.
    pub fn vnodes_of(vnodes: u32, weight: Weight) -> u32 {
        let scaled =
            (u64::from(vnodes) * u64::from(weight) + u64::from(UNIT_WEIGHT) / 2) / u64::from(UNIT_WEIGHT);
        scaled.clamp(1, u64::from(u32::MAX)) as u32
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// (position, owner) of every point, clockwise from 0.
    pub fn points(&self) -> impl Iterator<Item = (u64, NodeId)> + '_ {
        self.points.iter().copied().zip(self.owners.iter().copied())
    }

    /// Index of the first point at or after `key`, wrapping to 0. The ring must not be empty.
    pub fn successor(&self, key: u64) -> usize {
        let b = (key >> self.shift) as usize;
        let (lo, hi) = (self.index[b] as usize, self.index[b + 1] as usize);
        let i = lo + self.points[lo..hi].partition_point(|&p| p < key);
        if i == self.points.len() {
            0
        } else {
            i
        }
    }

    pub fn owner_at(&self, index: usize) -> NodeId {
        self.owners[index]
    }

    /// Every arc whose owner differs between two rings, adjacent arcs with the same change
    /// merged. Exact: no key inside an arc can be owned differently from its end point.
    pub fn arc_moves(before: &HashRing, after: &HashRing) -> Vec<ArcMove> {
        if before.is_empty() || after.is_empty() {
            return Vec::new();
        }
        let mut cuts: Vec<u64> = before.points.iter().chain(&after.points).copied().collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut moves: Vec<ArcMove> = Vec::new();
        for (i, &end) in cuts.iter().enumerate() {
            let start = if i == 0 { cuts[cuts.len() - 1] } else { cuts[i - 1] };
            let from = before.owners[before.successor(end)];
            let to = after.owners[after.successor(end)];
            if from == to {
                continue;
            }
            match moves.last_mut() {
                Some(last) if last.end == start && last.from == from && last.to == to => last.end = end,
                _ => moves.push(ArcMove { start, end, from, to }),
            }
        }
        // The first and the last arc may be one arc across the wrap.
        if moves.len() > 1 {
            let (first, last) = (moves[0], moves[moves.len() - 1]);
            if last.end == first.start && last.from == first.from && last.to == first.to {
                moves[0].start = last.start;
                moves.pop();
            }
        }
        moves
    }
}

impl Placement for HashRing {
    fn algorithm(&self) -> super::Algorithm {
        super::Algorithm::Ring
    }

    fn members(&self) -> &Members {
        &self.members
    }

    fn lookup(&self, key: u64) -> Option<NodeId> {
        if self.points.is_empty() {
            return None;
        }
        Some(self.owners[self.successor(key)])
    }

    fn preference(&self, key: u64, r: usize, out: &mut Vec<NodeId>) {
        out.clear();
        if self.points.is_empty() {
            return;
        }
        let want = r.min(self.members.len());
        let start = self.successor(key);
        for i in (start..self.owners.len()).chain(0..start) {
            if out.len() == want {
                break;
            }
            let owner = self.owners[i];
            if !out.contains(&owner) {
                out.push(owner);
            }
        }
    }

    fn memory_bytes(&self) -> usize {
        self.points.capacity() * size_of::<u64>()
            + self.owners.capacity() * size_of::<NodeId>()
            + self.index.capacity() * size_of::<u32>()
    }
}
