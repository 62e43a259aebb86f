//! What failures cost: who takes a failed node's keys, and with R replicas which keys lose every
//! copy when k nodes fail together.
//!
//! A useful fact the lab shows: when k random nodes fail, each key loses all R replicas with the
//! same probability C(n−R, k−R)/C(n, k) whatever the placement ([`expected_lost_fraction`]);
//! what the placement changes is the chance that *some* key is lost, which grows with the
//! number of distinct replica sets (Cidon et al., "Copysets", 2013; [`loss_probability`]).

use super::stats::Moves;
use super::Placement;
use crate::protocol::NodeId;
use crate::sim::rng::SimRng;
use std::collections::BTreeMap;

/// A set of node ids (< 128) as bits.
pub type NodeSet = u128;

pub fn node_set(ids: impl IntoIterator<Item = NodeId>) -> NodeSet {
    ids.into_iter().filter(|&id| id < 128).fold(0, |s, id| s | 1u128 << id)
}

/// Where the keys of `failed` went: receiver → keys.
pub fn takeover(moves: &Moves, failed: NodeId) -> BTreeMap<NodeId, usize> {
    let mut out = BTreeMap::new();
    for (&(from, to), &k) in &moves.flows {
        if from == failed {
            *out.entry(to).or_default() += k;
        }
    }
    out
}

/// Each distinct replica set (the first `r` nodes of a key's preference list, computed on the
/// full membership) with the number of keys it holds.
pub fn replica_sets(placement: &dyn Placement, keys: &[u64], r: usize) -> BTreeMap<NodeSet, usize> {
    let mut sets = BTreeMap::new();
    let mut pref = Vec::with_capacity(r);
    for &k in keys {
        placement.preference(k, r, &mut pref);
        *sets.entry(node_set(pref.iter().copied())).or_default() += 1;
    }
    sets
}

/// Keys whose every replica is on a failed node.
pub fn lost_keys(sets: &BTreeMap<NodeSet, usize>, failed: NodeSet) -> usize {
    sets.iter().filter(|(&s, _)| s != 0 && s & !failed == 0).map(|(_, &k)| k).sum()
}

/// C(n−r, k−r)/C(n, k): the chance one given key loses all `r` replicas when `k` of `n` nodes
/// fail at random.
pub fn expected_lost_fraction(n: usize, r: usize, k: usize) -> f64 {
    if r == 0 || k < r || k > n {
        return if k > n && r > 0 { 1.0 } else { 0.0 };
    }
    // ∏_{i<r} (k−i)/(n−i)
    (0..r).map(|i| (k - i) as f64 / (n - i) as f64).product()
}

/// Work above which [`loss_probability`] samples instead of enumerating.
pub const MAX_EXACT_FAILURE_SETS: u64 = 200_000;
pub const LOSS_SAMPLES: u32 = 20_000;

/// The chance that at least one key loses every replica when `k` of `nodes` fail at random:
/// exact over all C(n, k) failure sets when there are at most [`MAX_EXACT_FAILURE_SETS`], else
/// estimated from [`LOSS_SAMPLES`] seeded samples. Returns (probability, exact?).
pub fn loss_probability(
    sets: &BTreeMap<NodeSet, usize>,
    nodes: &[NodeId],
    k: usize,
    seed: u64,
) -> (f64, bool) {
    let n = nodes.len();
    if k == 0 || k > n || sets.is_empty() {
        return (if k > n && !sets.is_empty() { 1.0 } else { 0.0 }, true);
    }
    let masks: Vec<NodeSet> = sets.keys().copied().filter(|&s| s != 0).collect();
    let hit = |failed: NodeSet| masks.iter().any(|&s| s & !failed == 0);
    let total = binomial(n as u64, k as u64);
    if total <= MAX_EXACT_FAILURE_SETS {
        let mut idx: Vec<usize> = (0..k).collect();
        let mut lost = 0u64;
        loop {
            if hit(node_set(idx.iter().map(|&i| nodes[i]))) {
                lost += 1;
            }
            // Next k-combination in lexicographic order.
            let Some(i) = (0..k).rev().find(|&i| idx[i] != i + n - k) else { break };
            idx[i] += 1;
            for j in i + 1..k {
                idx[j] = idx[j - 1] + 1;
            }
        }
        return (lost as f64 / total as f64, true);
    }
    let mut rng = SimRng::new(seed);
    let mut pool: Vec<NodeId> = nodes.to_vec();
    let mut lost = 0u32;
    for _ in 0..LOSS_SAMPLES {
        // Partial Fisher–Yates: the first k of the pool are a uniform k-subset.
        for i in 0..k {
            let j = i + rng.below((n - i) as u64) as usize;
            pool.swap(i, j);
        }
        if hit(node_set(pool[..k].iter().copied())) {
            lost += 1;
        }
    }
    (f64::from(lost) / f64::from(LOSS_SAMPLES), false)
}

/// C(n, k), saturating.
pub fn binomial(n: u64, k: u64) -> u64 {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    let mut c: u128 = 1;
    for i in 0..k {
        c = c * u128::from(n - i) / u128::from(i + 1);
        if c > u128::from(u64::MAX) {
            return u64::MAX;
        }
    }
    c as u64
}
