//! Lookups per second for every placement at 50 nodes × 100 vnodes over 1M keys, side by side
//! with the `hashring` crate on the same keys in the same run.
//!
//! `cargo bench -p halab-core --bench ring`. Every contender starts from the raw `u64` key and
//! hashes it itself (ours with xxh3, `hashring` with its SipHash), so the figures compare whole
//! lookups, not just searches.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use halab_core::ring::{key_hash, Algorithm, Members, Params};
use std::hash::{Hash, Hasher};
use std::hint::black_box;

const NODES: u8 = 50;
const VNODES: u32 = 100;
const KEYS: u64 = 1_000_000;

/// `hashring`'s documented way to get virtual nodes: add one entry per (node, replica).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct VNode {
    node: u8,
    replica: u32,
}

impl Hash for VNode {
    fn hash<H: Hasher>(&self, s: &mut H) {
        (self.node, self.replica).hash(s);
    }
}

fn lookups(c: &mut Criterion) {
    let members = Members::uniform(0..NODES);
    let params = Params { vnodes: VNODES, ..Params::default() };
    let mut g = c.benchmark_group("ring_lookup_50x100_1M");
    g.sample_size(10);
    g.throughput(Throughput::Elements(KEYS));

    let mut peer = hashring::HashRing::new();
    peer.batch_add(
        (0..NODES).flat_map(|node| (0..VNODES).map(move |replica| VNode { node, replica })).collect(),
    );
    g.bench_function("hashring-0.3", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for k in 0..KEYS {
                acc += u64::from(peer.get(&black_box(k)).map_or(0, |v| v.node));
            }
            acc
        })
    });

    for alg in Algorithm::ALL {
        let p = alg.build(&members, &params);
        if alg == Algorithm::Bounded {
            // Placement depends on the whole key set: time hashing plus the capped assignment.
            g.bench_function(alg.name(), |b| {
                b.iter(|| {
                    let hashes: Vec<u64> = (0..KEYS).map(|k| key_hash(black_box(k))).collect();
                    p.assign(&hashes).len()
                })
            });
            continue;
        }
        g.bench_function(alg.name(), |b| {
            b.iter(|| {
                let mut acc = 0u64;
                for k in 0..KEYS {
                    acc += u64::from(p.lookup(key_hash(black_box(k))).unwrap_or(0));
                }
                acc
            })
        });
    }
    g.finish();
}

criterion_group!(benches, lookups);
criterion_main!(benches);
