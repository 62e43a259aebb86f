//! Helpers that keep the Wasm bundle small (issue 12, BENCHMARKS.md "Bundle").
//!
//! The standard library's stable sort is about 3.5 KB of Wasm for every element type and key
//! it is used with, and `BTreeMap`/`BTreeSet::from_iter` sorts too. The page sorted some twenty
//! different element types, so these helpers route every such sort through one shared sort of
//! `(key, index)` pairs; only the small gather step is generic.
//!
//! A `BTreeMap` costs about 6 KB of Wasm per key and value type. [`VecMap`] is a sorted `Vec`
//! for the maps that stay tiny (a node's armed timers), at a fraction of that.

use serde::Serialize;
use std::ops::Index;

/// Sorts `v` by `key` like `slice::sort_by_key`: stable (equal keys keep their order), so the
/// result is exactly what `sort_by_key` gives. One instance of the underlying sort serves every
/// element type.
pub fn sort_by_u64<T>(v: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<(u64, u32)> = v.iter().enumerate().map(|(i, x)| (key(x), i as u32)).collect();
    // The index breaks ties, so the unstable sort of distinct pairs is a stable sort of `v`.
    sort_pairs(&mut order);
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(order.iter().filter_map(|&(_, i)| slots.get_mut(i as usize).and_then(Option::take)));
}

/// The one sort behind [`sort_by_u64`], kept out of line so every caller shares it.
#[inline(never)]
fn sort_pairs(order: &mut [(u64, u32)]) {
    order.sort_unstable();
}

/// `Reverse(k)` as a `u64` sort key for counts below 2^32 (larger ones tie at the front).
pub fn desc_u32(k: usize) -> u64 {
    u64::from(u32::MAX - u32::try_from(k).unwrap_or(u32::MAX))
}

/// A map kept as a `Vec` sorted by key: the same API and iteration order as the `BTreeMap`
/// subset it replaces, for maps of a handful of entries (lookups are binary searches, inserts
/// and removals shift the tail).
///
/// Cloning one is a single allocation and copy, which is what a protocol that persists a small
/// bounded map whole wants (the commit participants' transactions, BENCHMARKS.md "Growth").
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct VecMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap(Vec::new())
    }
}

impl<K: Ord, V> VecMap<K, V> {
    pub fn new() -> Self {
        VecMap(Vec::new())
    }

    fn find(&self, key: &K) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.cmp(key))
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.find(key).ok().map(|i| &mut self.0[i].1)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }

    /// Keeps the entries `keep` accepts, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        self.0.retain(|(k, v)| keep(k, v));
    }
}

impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, entries: I) {
        for (k, v) in entries {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V> Index<&K> for VecMap<K, V> {
    type Output = V;
    fn index(&self, key: &K) -> &V {
        self.get(key).expect("no entry for key in VecMap")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_stable_sort() {
        let mut rng = 0x1234_5678_u64;
        for len in [0usize, 1, 2, 3, 17, 200] {
            let v: Vec<(u8, u32)> = (0..len)
                .map(|i| {
                    rng = rng.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                    ((rng >> 60) as u8, i as u32)
                })
                .collect();
            let mut a = v.clone();
            a.sort_by_key(|x| x.0);
            let mut b = v.clone();
            sort_by_u64(&mut b, |x| u64::from(x.0));
            assert_eq!(a, b);
        }
    }

    #[test]
    fn descending_counts() {
        let mut v = vec![(1u8, 5usize), (2, 9), (3, 5), (4, 0)];
        sort_by_u64(&mut v, |&(id, k)| desc_u32(k) << 8 | u64::from(id));
        assert_eq!(v, [(2, 9), (1, 5), (3, 5), (4, 0)]);
    }

    #[test]
    fn vec_map_behaves_like_a_btree_map() {
        use std::collections::BTreeMap;
        let mut a = BTreeMap::new();
        let mut b = VecMap::new();
        let mut rng = 99u64;
        for _ in 0..2_000 {
            rng = rng.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let k = (rng >> 59) as u8;
            match (rng >> 40) % 3 {
                0 => assert_eq!(a.remove(&k), b.remove(&k)),
                _ => assert_eq!(a.insert(k, rng), b.insert(k, rng)),
            }
            assert_eq!(a.get(&k), b.get(&k));
            assert_eq!(a.len(), b.len());
            assert!(a.iter().eq(b.iter()));
        }
        b.clear();
        assert!(b.is_empty());
    }
}
