//! Unit tests of each placement's own rules; the cross-algorithm properties live in
//! `core/tests/ring_props.rs`.

use super::hash_ring::HashRing;
use super::stats::{ideal_moved_fraction, Loads, Moves};
use super::*;

fn members(n: u8) -> Members {
    Members::uniform(0..n)
}

#[test]
fn the_ring_gives_a_key_to_the_first_point_clockwise() {
    let ring = HashRing::new(&members(3), 4);
    let points: Vec<(u64, NodeId)> = ring.points().collect();
    assert_eq!(points.len(), 12);
    assert!(points.windows(2).all(|w| w[0].0 < w[1].0));
    for &(p, owner) in &points {
        assert_eq!(ring.lookup(p), Some(owner), "a key on a point belongs to it");
        assert_eq!(ring.lookup(p.wrapping_sub(1)), Some(owner), "and so does the key just before");
    }
    let (last, first) = (points[points.len() - 1], points[0]);
    assert_eq!(ring.lookup(last.0 + 1), Some(first.1), "past the last point wraps to the first");
}

#[test]
fn weights_scale_vnodes() {
    assert_eq!(HashRing::vnodes_of(100, 100), 100);
    assert_eq!(HashRing::vnodes_of(100, 250), 250);
    assert_eq!(HashRing::vnodes_of(1, 10), 1, "never fewer than one point");
    let ring = HashRing::new(&Members::new([(0, 100), (1, 300)]), 10);
    assert_eq!(ring.points().filter(|&(_, o)| o == 1).count(), 30);
}

#[test]
fn preference_lists_are_distinct_nodes_owner_first() {
    let m = members(6);
    let keys = keys(500);
    for alg in Algorithm::ALL {
        let p = alg.build(&m, &Params::default());
        let mut out = Vec::new();
        for &k in &keys {
            p.preference(k, 3, &mut out);
            assert_eq!(out.len(), 3, "{alg:?}");
            let mut d = out.clone();
            d.sort_unstable();
            d.dedup();
            assert_eq!(d.len(), 3, "{alg:?} repeats a node: {out:?}");
            if alg != Algorithm::Bounded {
                assert_eq!(Some(out[0]), p.lookup(k), "{alg:?}: the owner comes first");
            }
            p.preference(k, 99, &mut out);
            assert_eq!(out.len(), 6, "{alg:?}: r is capped at the node count");
        }
    }
}

#[test]
fn every_algorithm_handles_an_empty_membership() {
    for alg in Algorithm::ALL {
        let p = alg.build(&Members::default(), &Params::default());
        assert_eq!(p.lookup(42), None);
        assert_eq!(p.assign(&[1, 2]), vec![NodeId::MAX; 2]);
        let mut out = vec![1];
        p.preference(42, 3, &mut out);
        assert!(out.is_empty());
    }
}

#[test]
fn jump_stays_in_range_and_grows_into_the_new_bucket_only() {
    assert_eq!(jump::jump_bucket(0, 1), 0);
    for buckets in 1..50 {
        assert!(jump::jump_bucket(0xdead_beef, buckets) < buckets);
    }
    // Growing from n to n+1 buckets: a key either stays or moves to the new bucket.
    for k in keys(2_000) {
        let (a, b) = (jump::jump_bucket(k, 9), jump::jump_bucket(k, 10));
        assert!(a == b || b == 9);
    }
}

#[test]
fn maglev_fills_its_table_evenly_and_by_weight() {
    let m = Maglev::new(&members(7), 65_537);
    let mut count = [0usize; 7];
    for &n in m.table() {
        count[usize::from(n)] += 1;
    }
    let (lo, hi) = (count.iter().min().copied().unwrap_or(0), count.iter().max().copied().unwrap_or(0));
    assert!(hi - lo <= 1, "round-robin filling leaves at most one slot of difference: {count:?}");
    let w = Maglev::new(&Members::new([(0, 100), (1, 300)]), 65_537);
    let heavy = w.table().iter().filter(|&&n| n == 1).count() as f64 / 65_537.0;
    assert!((heavy - 0.75).abs() < 0.001, "weight 3:1 gives 3/4 of the slots, got {heavy}");
}

#[test]
fn weighted_rendezvous_follows_the_weights() {
    let r = Rendezvous::new(&Members::new([(0, 100), (1, 200), (2, 100)]));
    let loads = Loads::of(r.members(), &r.assign(&keys(40_000)));
    let share1 = loads.per_node[1].1 as f64 / 40_000.0;
    assert!((share1 - 0.5).abs() < 0.01, "weight 2 of 4 takes half, got {share1}");
}

#[test]
fn bounded_loads_caps_every_node() {
    let m = members(5);
    let keys = keys(10_000);
    let b = BoundedLoads::new(&m, 10, 10); // few vnodes: the plain ring would be very uneven
    let caps = b.capacities(keys.len());
    assert!(caps.iter().all(|&(_, c)| c == 2_200), "⌈1.1 × 2000⌉: {caps:?}");
    let loads = Loads::of(&m, &b.assign(&keys));
    assert!(loads.max <= 2_200, "{loads:?}");
    let plain = Loads::of(&m, &HashRing::new(&m, 10).assign(&keys));
    assert!(plain.max > 2_200, "the test needs an uneven ring to mean anything: {plain:?}");
}

#[test]
fn arc_moves_account_for_every_moved_key() {
    let before = HashRing::new(&members(8), 50);
    let after = HashRing::new(&members(9), 50);
    let arcs = HashRing::arc_moves(&before, &after);
    assert!(arcs.iter().all(|a| a.to == 8 && a.from != 8));
    let arc_share: f64 = arcs.iter().map(|a| a.fraction()).sum();
    let keys = keys(100_000);
    let moved = Moves::between(&before.assign(&keys), &after.assign(&keys)).fraction();
    assert!((arc_share - moved).abs() < 0.005, "arcs {arc_share} vs keys {moved}");
    // Every moved key lies in a moved arc.
    for &k in &keys {
        if before.lookup(k) != after.lookup(k) {
            assert!(arcs
                .iter()
                .any(|a| k.wrapping_sub(a.start).wrapping_sub(1) < a.end.wrapping_sub(a.start)));
        }
    }
}

#[test]
fn ideal_movement_is_the_share_gained() {
    let (m9, m10) = (members(9), members(10));
    assert!((ideal_moved_fraction(&m9, &m10) - 0.1).abs() < 1e-12);
    assert!((ideal_moved_fraction(&m10, &m9) - 0.1).abs() < 1e-12);
    let heavier = m10.with(3, 200);
    assert!((ideal_moved_fraction(&m10, &heavier) - (2.0 / 11.0 - 0.1)).abs() < 1e-12);
}

#[test]
fn loads_measure_spread() {
    let m = members(2);
    let l = Loads::of(&m, &[0, 0, 0, 1]);
    assert_eq!(l.per_node, vec![(0, 3), (1, 1)]);
    assert_eq!(l.max, 3);
    assert!((l.peak - 1.5).abs() < 1e-12);
    assert!((l.cv - 0.5).abs() < 1e-12);
}

#[test]
fn failover_counts_lost_keys_and_loss_odds() {
    use failover::*;
    assert!((expected_lost_fraction(10, 3, 3) - 1.0 / 120.0).abs() < 1e-12);
    assert_eq!(expected_lost_fraction(10, 3, 2), 0.0);
    assert_eq!(binomial(50, 3), 19_600);
    let ring = HashRing::new(&members(5), 100);
    let sets = replica_sets(&ring, &keys(5_000), 2);
    let ids: Vec<NodeId> = (0..5).collect();
    // With 100 vnodes and R=2 every pair of 5 nodes holds some key: any 2 failures lose data.
    assert_eq!(sets.len(), 10);
    assert_eq!(loss_probability(&sets, &ids, 2, 1), (1.0, true));
    assert_eq!(loss_probability(&sets, &ids, 1, 1), (0.0, true));
    let lost = lost_keys(&sets, node_set([0, 1]));
    assert!(lost > 0 && lost < 5_000);
    assert_eq!(lost_keys(&sets, node_set(0..5)), 5_000);
}

#[test]
fn the_radix_index_finds_what_a_plain_binary_search_finds() {
    for (n, v) in [(1u8, 1u32), (3, 7), (10, 100), (50, 100), (7, 1_000)] {
        let ring = HashRing::new(&members(n), v);
        let points: Vec<u64> = ring.points().map(|(p, _)| p).collect();
        let naive = |k: u64| {
            let i = points.partition_point(|&p| p < k);
            if i == points.len() {
                0
            } else {
                i
            }
        };
        let probes = keys(20_000)
            .into_iter()
            .chain(points.iter().flat_map(|&p| [p, p.wrapping_add(1), p.wrapping_sub(1)]));
        for k in probes.chain([0, u64::MAX]) {
            assert_eq!(ring.successor(k), naive(k), "n={n} v={v} key={k:#x}");
        }
    }
}

#[test]
fn sampled_loss_odds_agree_with_the_formula() {
    use failover::*;
    // One replica set {0,1,2} among 40 nodes: some key is lost exactly when all three fail.
    let sets = std::collections::BTreeMap::from([(node_set([0, 1, 2]), 10)]);
    let ids: Vec<NodeId> = (0..40).collect();
    let (p, exact) = loss_probability(&sets, &ids, 20, 3);
    assert!(!exact, "C(40,20) failure sets are sampled");
    let want = expected_lost_fraction(40, 3, 20);
    assert!((p - want).abs() < 0.01, "sampled {p}, formula {want}");
    let (p, exact) = loss_probability(&sets, &ids[..12], 4, 3);
    assert!(exact);
    assert!((p - expected_lost_fraction(12, 3, 4)).abs() < 1e-12);
}

#[test]
fn spread_is_judged_against_each_nodes_fair_share() {
    // Weight 3:1 holding 3:1 of the keys is perfect balance, not a CV of 0.5.
    let m = Members::new([(0, 300), (1, 100)]);
    let l = Loads::of(&m, &[0, 0, 0, 1]);
    assert!((l.peak - 1.0).abs() < 1e-12 && l.cv.abs() < 1e-12, "{l:?}");
    assert!((l.std_dev - 1.0).abs() < 1e-12, "std dev stays in raw keys");
}

#[test]
fn the_lab_refuses_what_it_cannot_do() {
    let mut lab = lab::Lab::default();
    assert!(lab.remove_node(99).is_err(), "no such node");
    assert!(lab.recover_node(0).is_err(), "not down");
    assert!(lab.set_vnodes(0).is_err());
    assert_eq!(lab.scenario(), &crate::scenario::ring::RingScenario::default(), "refusals change nothing");
    for id in 1..10 {
        lab.fail_node(id).expect("fails");
    }
    assert!(lab.fail_node(0).is_err(), "the last live node stays up");
    assert!(lab.last().is_some_and(|l| l.change == lab::Change::Failed(9)));
}
