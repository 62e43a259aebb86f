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

/// Failure sets above which [`loss_probability`] samples instead of enumerating.
pub const MAX_EXACT_FAILURE_SETS: u64 = 100_000;
/// Samples when it does, fewer when one check is expensive (see [`LOSS_WORK_BUDGET`]).
pub const LOSS_SAMPLES: u64 = 20_000;
/// Subset tests one [`loss_probability`] call may spend, so the page stays responsive.
pub const LOSS_WORK_BUDGET: u64 = 20_000_000;

/// The chance that at least one key loses every replica when `k` of `nodes` fail at random:
/// exact over all C(n, k) failure sets when there are at most [`MAX_EXACT_FAILURE_SETS`] (and
/// the work fits the budget), else estimated from seeded samples. Returns (probability, exact?).
pub fn loss_probability(
    sets: &BTreeMap<NodeSet, usize>,
    nodes: &[NodeId],
    k: usize,
    seed: u64,
) -> (f64, bool) {
    let n = nodes.len();
    let masks: Vec<NodeSet> = sets.keys().copied().filter(|&s| s != 0).collect();
    if k == 0 || masks.is_empty() {
        return (0.0, true);
    }
    if k >= n {
        return (1.0, true);
    }
    // A failure set loses data if it contains some replica set. Either test every replica set,
    // or every r-subset of the failure set against the sorted replica sets: whichever is less.
    let r = masks.iter().map(|m| m.count_ones() as usize).max().unwrap_or(1);
    let subsets = binomial(k as u64, r.min(k) as u64);
    let by_subsets = subsets.saturating_mul(masks.len().ilog2() as u64 + 1) < masks.len() as u64;
    let uniform_r = masks.iter().all(|m| m.count_ones() as usize == r);
    let check_cost = if by_subsets && uniform_r { subsets } else { masks.len() as u64 };
    let hit = |failed: &[NodeId]| -> bool {
        if by_subsets && uniform_r {
            any_subset(failed, r, &mut |set| masks.binary_search(&set).is_ok())
        } else {
            let f = node_set(failed.iter().copied());
            masks.iter().any(|&s| s & !f == 0)
        }
    };
    let total = binomial(n as u64, k as u64);
    if total <= MAX_EXACT_FAILURE_SETS && total.saturating_mul(check_cost) <= LOSS_WORK_BUDGET {
        let mut idx: Vec<usize> = (0..k).collect();
        let mut failed = vec![0; k];
        let mut lost = 0u64;
        loop {
            for (f, &i) in failed.iter_mut().zip(&idx) {
                *f = nodes[i];
            }
            if hit(&failed) {
                lost += 1;
            }
            if !next_combination(&mut idx, n) {
                break;
            }
        }
        return (lost as f64 / total as f64, true);
    }
    let samples = (LOSS_WORK_BUDGET / check_cost.max(1)).clamp(200, LOSS_SAMPLES);
    let mut rng = SimRng::new(seed);
    let mut pool: Vec<NodeId> = nodes.to_vec();
    let mut lost = 0u64;
    for _ in 0..samples {
        // Partial Fisher–Yates: the first k of the pool are a uniform k-subset.
        for i in 0..k {
            let j = i + rng.below((n - i) as u64) as usize;
            pool.swap(i, j);
        }
        if hit(&pool[..k]) {
            lost += 1;
        }
    }
    (lost as f64 / samples as f64, false)
}

/// Advances `idx` (a strictly increasing k-combination of 0..n) to the next one in
/// lexicographic order; false after the last.
fn next_combination(idx: &mut [usize], n: usize) -> bool {
    let k = idx.len();
    let Some(i) = (0..k).rev().find(|&i| idx[i] != i + n - k) else { return false };
    idx[i] += 1;
    for j in i + 1..k {
        idx[j] = idx[j - 1] + 1;
    }
    true
}

/// Whether `test` holds for some r-subset of `ids` (as a node set).
fn any_subset(ids: &[NodeId], r: usize, test: &mut impl FnMut(NodeSet) -> bool) -> bool {
    let k = ids.len();
    if r > k {
        return false;
    }
    let mut idx: Vec<usize> = (0..r).collect();
    loop {
        if test(node_set(idx.iter().map(|&i| ids[i]))) {
            return true;
        }
        if !next_combination(&mut idx, k) {
            return false;
        }
    }
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
