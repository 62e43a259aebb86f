//! Jump consistent hash (Lamping & Veach 2014): no table at all, O(log n) arithmetic per key,
//! and a perfect spread over buckets `0..n`. Its catch is that buckets are numbered: growing to
//! n + 1 moves only the keys the new last bucket takes, but removing a bucket from the middle
//! renumbers every bucket after it. Here buckets are the members in id order, so a node that
//! joins with the highest id costs the minimum and any other change costs more — which the
//! comparison table shows. Weights are ignored.

use super::{hash, Members, Placement};
use crate::protocol::NodeId;

#[derive(Clone, Debug)]
pub struct Jump {
    members: Members,
    buckets: Vec<NodeId>,
}

/// The paper's function: the bucket in `0..buckets` for `key`. Its doubles divide and multiply
/// values below 2^53, which IEEE 754 rounds identically on every target.
pub fn jump_bucket(mut key: u64, buckets: u32) -> u32 {
    let (mut b, mut j): (i64, i64) = (-1, 0);
    while j < i64::from(buckets) {
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        j = ((b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b.max(0) as u32
}

impl Jump {
    pub fn new(members: &Members) -> Jump {
        Jump { members: members.clone(), buckets: members.ids().collect() }
    }
}

impl Placement for Jump {
    fn algorithm(&self) -> super::Algorithm {
        super::Algorithm::Jump
    }

    fn members(&self) -> &Members {
        &self.members
    }

    fn lookup(&self, key: u64) -> Option<NodeId> {
        if self.buckets.is_empty() {
            return None;
        }
        Some(self.buckets[jump_bucket(key, self.buckets.len() as u32) as usize])
    }

    /// Replicas: jump again on re-mixed keys, so replica sets spread like the primaries; after
    /// a few misses, fill from the buckets after the owner.
    fn preference(&self, key: u64, r: usize, out: &mut Vec<NodeId>) {
        out.clear();
        let n = self.buckets.len();
        let want = r.min(n);
        if want == 0 {
            return;
        }
        let mut k = key;
        for _ in 0..4 * want {
            let node = self.buckets[jump_bucket(k, n as u32) as usize];
            if !out.contains(&node) {
                out.push(node);
                if out.len() == want {
                    return;
                }
            }
            k = hash::mix(k.wrapping_add(0x9e37_79b9_7f4a_7c15));
        }
        let first = self.buckets.iter().position(|&b| b == out[0]).unwrap_or(0);
        for i in 1..n {
            let node = self.buckets[(first + i) % n];
            if out.len() == want {
                break;
            }
            if !out.contains(&node) {
                out.push(node);
            }
        }
    }

    fn memory_bytes(&self) -> usize {
        self.buckets.capacity() * size_of::<NodeId>()
    }
}
