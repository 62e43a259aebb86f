//! The ring page without a browser: the model's actions and refusals, the URL, the circle's
//! geometry (which must agree with the core's placement), and the read-outs.

use super::format::{chance, percent, thousands};
use super::geometry::{
    self, binned_runs, exact_runs, fraction, key_bins, CircleView, Hover, Keys, DOT_LIMIT, MAX_KEY_BINS,
};
use super::model::{Action, RingModel};
use super::panels::moved_view;
use super::table::{measure, time_per_key, MAX_ROUNDS};
use halab_core::protocol::NodeId;
use halab_core::ring::lab::Lab;
use halab_core::ring::{keys, Algorithm, HashRing, Members, Placement};
use halab_core::scenario::ring::{decode, RingScenario};
use std::cell::Cell;

fn lab(query: &str) -> Lab {
    Lab::new(decode(query).expect(query).scenario)
}

#[test]
fn the_default_link_is_short_and_a_bad_one_names_its_field() {
    let m = RingModel::from_query("");
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.query(), "p=ring");
    assert!(!m.embed);

    for (query, field) in
        [("vn=0", "vn"), ("p=ring&alg=nope", "alg"), ("?keys=lots", "keys"), ("down=0-9", "down")]
    {
        let m = RingModel::from_query(query);
        assert_eq!(*m.scenario(), RingScenario::default(), "{query}");
        assert_eq!(m.errors.len(), 1, "{query}");
        assert!(m.errors[0].contains(&format!("\u{201c}{field}\u{201d}")), "{query}: {}", m.errors[0]);
        assert!(m.errors[0].ends_with("Showing the default scenario instead."), "{}", m.errors[0]);
    }
    // A broken link in an iframe keeps the embed layout.
    assert!(RingModel::from_query("vn=0&embed=1").embed);
}

#[test]
fn embed_is_kept_in_the_url_and_clock_keys_are_ignored() {
    let mut m = RingModel::from_query("p=ring&alg=maglev&embed=1&speed=2&t=3s");
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert!(m.embed);
    assert_eq!(m.scenario().algorithm, Algorithm::Maglev);
    assert_eq!(m.query(), "p=ring&alg=maglev&embed=1");
    assert_eq!(m.take_url_change(), None, "the address is left alone until something changes");
    m.act(Action::Keys(2_000));
    assert_eq!(
        m.take_url_change(),
        Some("p=ring&alg=maglev&keys=2000&embed=1".into()),
        "then speed and t go"
    );
    assert_eq!(m.take_url_change(), None, "written once");
    let m = RingModel::from_query("embed=maybe");
    assert_eq!(m.errors.len(), 1);
    assert!(m.errors[0].contains("\u{201c}embed\u{201d}"));
}

#[test]
fn adding_a_node_moves_about_one_in_n_plus_one_keys_all_to_it() {
    let mut m = RingModel::from_query("");
    assert!(moved_view(&m.lab).is_none());
    m.act(Action::AddNode);
    assert_eq!(m.take_url_change(), Some("p=ring&nodes=0-10".into()));
    let v = moved_view(&m.lab).expect("a change");
    assert_eq!(v.total, 10_000);
    let f = v.moved as f64 / v.total as f64;
    assert!((f - 1.0 / 11.0).abs() < 0.02, "{f}");
    assert!((v.ideal - 1.0 / 11.0).abs() < 1e-12);
    assert!(v.flows.iter().all(|&(from, to, _)| to == 10 && from != 10), "{:?}", v.flows);
    assert!(v
        .headline
        .starts_with(&format!("Added node 10: {} of 10,000 keys moved", thousands(v.moved as u64))));
    assert!(v.headline.ends_with("ideal 9.1% = 1/11"), "{}", v.headline);
    assert!(v.detail.starts_with("Only keys to node 10 moved: from node "), "{}", v.detail);
    // The flash shows the moved arcs and keys in the colour of the node that took them.
    let flash = m.circle.flash.as_ref().expect("flash after a membership change");
    assert!(!flash.arcs.is_empty() && flash.arcs.iter().all(|a| a.to == Some(10)));
    let kinds: Vec<(&str, Option<NodeId>)> = flash.keys.iter().map(|k| (k.kind, k.to)).collect();
    assert_eq!(kinds, [("halo", None), ("bars", Some(10))]);
    assert!(m.table.is_none() && m.failures.is_none(), "deferred figures are recomputed");
}

#[test]
fn a_failed_nodes_keys_go_to_the_others_and_the_panel_says_where() {
    let mut m = RingModel::from_query("keys=1000");
    m.act(Action::Fail(3));
    assert_eq!(m.query(), "p=ring&down=3&keys=1000");
    let v = moved_view(&m.lab).expect("a change");
    assert!(v.flows.iter().all(|&(from, _, _)| from == 3));
    assert!(v.headline.starts_with("Node 3 failed: "), "{}", v.headline);
    assert!(v.headline.ends_with("ideal 10.0% = 1/10"), "{}", v.headline);
    assert!(v.detail.starts_with(&format!("Its {} keys went to node ", v.moved)), "{}", v.detail);
    // Dots mode: the moved dots flash in their new owners' colours.
    let flash = m.circle.flash.as_ref().expect("flash");
    let dots: usize = flash.keys.iter().map(|k| k.d.matches("h0").count()).sum();
    assert_eq!(dots, v.moved);
    assert!(flash.keys.iter().all(|k| k.to.is_some_and(|to| to != 3)));
    // The failed node keeps its (grey) arcs on the rim but owns no keys.
    let layer = m.circle.layers.iter().find(|l| l.id == 3).expect("layer 3");
    assert!(layer.down && !layer.rim.is_empty() && layer.dots.is_empty());
    m.act(Action::Recover(3));
    assert_eq!(m.query(), "p=ring&keys=1000");
    let v = moved_view(&m.lab).expect("a change");
    assert!(v.headline.starts_with("Node 3 recovered: "), "{}", v.headline);
    assert!(v.detail.starts_with("Only keys to node 3 moved: from node "), "{}", v.detail);
    m.act(Action::Weight(3, 50));
    let v = moved_view(&m.lab).expect("a change");
    assert!(v.headline.starts_with("Node 3's weight 1 → 0.5: "), "{}", v.headline);
    assert!(v.detail.starts_with(&format!("{} of its keys went to node ", v.moved)), "{}", v.detail);
}

#[test]
fn refused_actions_say_why_and_change_nothing() {
    let mut m = RingModel::from_query("nodes=0-1");
    m.act(Action::Fail(0));
    let generation = m.generation;
    m.act(Action::Fail(1));
    assert_eq!(m.errors.last().map(String::as_str), Some("Can't fail node 1: at least one node must be up."));
    assert_eq!(m.generation, generation);
    assert_eq!(m.query(), "p=ring&nodes=0-1&down=0");

    let heavy: Vec<String> = (0..128).map(|id| format!("{id}:2")).collect();
    let mut m = RingModel::from_query(&format!("nodes=0-127&vn=900&w={}", heavy.join(",")));
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    m.act(Action::AddNode);
    assert_eq!(m.errors.last().map(String::as_str), Some("Can't add a node: at most 128 nodes."));
    m.act(Action::Vnodes(1_000));
    let last = m.errors.last().cloned().unwrap_or_default();
    assert!(last.starts_with("Can't use 1000 vnodes: 256000 ring points"), "{last}");
    assert_eq!(m.scenario().vnodes, 900);
    m.act(Action::Weight(5, 5_000));
    assert!(
        m.errors.last().is_some_and(|e| e.contains("node 5: a weight goes from 0.1 to 10, got 50")),
        "{:?}",
        m.errors
    );
    assert!(m.errors.len() <= 4, "the banner keeps the newest few");
    m.act(Action::Remove(200));
    m.reject_input("Keys: expected a whole number.".into());
    assert_eq!(m.errors.last().map(String::as_str), Some("Keys: expected a whole number."));
}

#[test]
fn repeating_a_value_does_not_redraw() {
    let mut m = RingModel::from_query("");
    let (generation, flash) = (m.generation, m.flash_key);
    m.act(Action::Weight(2, 100));
    m.act(Action::Algorithm(Algorithm::Ring));
    m.act(Action::Keys(10_000));
    assert_eq!((m.generation, m.flash_key), (generation, flash));
    m.act(Action::Replicas(2));
    assert_eq!(m.generation, generation + 1);
    assert_eq!(m.flash_key, flash, "only membership changes flash");
    assert!(m.circle.flash.is_none());
    m.replay_flash();
    assert_eq!(m.flash_key, flash + 1);
}

#[test]
fn the_exact_rim_agrees_with_the_ring() {
    let ring = HashRing::new(&Members::new([(0, 100), (1, 250), (2, 40), (7, 100)]), 20);
    let points: Vec<(u64, NodeId)> = ring.points().collect();
    let runs = exact_runs(&points);
    assert!(runs.len() <= points.len());
    assert!(runs.windows(2).all(|w| w[0].owner != w[1].owner), "neighbours merged");
    let view = CircleView { runs, ..CircleView::build(&lab("p=ring"), false) };
    for &k in &keys(5_000) {
        let f = fraction(k);
        // Positions within a rounding error of a point may land either side.
        if points.iter().any(|&(p, _)| (fraction(p) - f).abs() < 1e-9) {
            continue;
        }
        assert_eq!(view.rim_owner(f), ring.lookup(k), "key at {f}");
    }
    // One node owns the whole circle.
    let one = exact_runs(&[(42, 3)]);
    assert_eq!(one, vec![geometry::Run { start: 0.0, end: 1.0, owner: 3 }]);
}

#[test]
fn the_binned_rim_gives_each_slice_to_its_main_owner() {
    let ring = HashRing::new(&Members::uniform(0..4), 3);
    let points: Vec<(u64, NodeId)> = ring.points().collect();
    let bins = 720;
    let runs = binned_runs(&points, bins);
    let view = CircleView { runs: runs.clone(), ..CircleView::build(&lab("p=ring"), false) };
    // Away from the points, a whole bin has one owner: the ring's.
    for b in 0..bins {
        let (lo, hi) = (b as f64 / bins as f64, (b + 1) as f64 / bins as f64);
        if points.iter().any(|&(p, _)| (lo..=hi).contains(&fraction(p))) {
            continue;
        }
        let mid = (lo + hi) / 2.0;
        assert_eq!(view.rim_owner(mid), ring.lookup((mid * 2f64.powi(64)) as u64), "bin {b}");
    }
    let covered: f64 =
        runs.iter().map(|r| if r.end > r.start { r.end - r.start } else { r.end + 1.0 - r.start }).sum();
    assert!((covered - 1.0).abs() < 1e-9, "{covered}");
    assert!(binned_runs(&[], bins).is_empty());
}

#[test]
fn keys_are_dots_up_to_the_limit_then_bins_that_add_up() {
    let small = CircleView::build(&lab(&format!("p=ring&keys={DOT_LIMIT}")), false);
    let Keys::Dots(dots) = &small.keys else { panic!("dots") };
    assert_eq!(dots.len(), DOT_LIMIT);
    assert_eq!(small.layers.iter().map(|l| l.dots.len()).sum::<usize>(), DOT_LIMIT);

    let l = lab("p=ring&keys=20000&alg=rendezvous&down=2");
    let big = CircleView::build(&l, false);
    assert!(
        !big.has_ring && big.runs.is_empty() && big.caption().starts_with("No ring: ownership is per key")
    );
    let Keys::Bins(bins) = &big.keys else { panic!("bins") };
    assert_eq!(bins.len(), 500, "20,000 keys, 40 to a bin");
    assert_eq!((key_bins(1_501), key_bins(10_000), key_bins(100_000)), (180, 250, MAX_KEY_BINS));
    assert_eq!(bins.iter().map(|b| b.total).sum::<u32>(), 20_000);
    let loads = l.loads();
    for &(id, count) in &loads.per_node {
        let binned: u32 = bins.iter().flat_map(|b| &b.owners).filter(|o| o.0 == id).map(|o| o.1).sum();
        assert_eq!(binned as usize, count, "node {id}");
    }
    assert!(bins.iter().all(|b| b.owners.iter().all(|o| o.0 != 2)), "a failed node owns nothing");
    assert_eq!(big.layers.len(), 10, "one layer (a few paths) per node, whatever the key count");
    // Crowded bins (10 owners here, more than fit) stack their smallest shares in grey.
    let l = lab("p=ring&keys=100000&alg=rendezvous&nodes=0-39");
    assert!(!CircleView::build(&l, false).others.is_empty());
}

#[test]
fn many_points_bin_the_rim_and_drop_the_ticks() {
    let v = CircleView::build(&lab("p=ring&nodes=0-19&vn=1000&keys=100000"), false);
    assert_eq!(v.points, 20_000);
    assert!(!v.exact_rim && v.layers.iter().all(|l| l.ticks.is_empty()));
    assert!(v.runs.len() <= geometry::RIM_BINS);
    assert!(v.caption().starts_with("20,000 vnodes are too many to draw one by one"), "{}", v.caption());
    // Path text stays bounded: one bar per (bin, owner) at most, no per-key elements.
    let text: usize = v.layers.iter().map(|l| l.rim.len() + l.bars.len()).sum::<usize>() + v.others.len();
    assert!(text < 600_000, "{text} bytes of path");
}

#[test]
fn pointing_finds_keys_bins_and_rim_owners() {
    let m = RingModel::from_query("keys=300");
    let Keys::Dots(dots) = &m.circle.keys else { panic!("dots") };
    let d = dots[17];
    assert_eq!(m.circle.hit(d.x + 0.5, d.y), Some(Hover::Key(17)));
    assert_eq!(m.circle.hit(geometry::C, geometry::C), None, "the middle is empty");
    let (x, y) = geometry::polar(0.3, geometry::RIM);
    let owner = m.lab.ring().and_then(|r| r.lookup((0.3 * 2f64.powi(64)) as u64));
    assert_eq!(m.circle.hit(x, y), owner.map(Hover::Node));

    let mut m = RingModel::from_query("keys=50000");
    let (x, y) = geometry::polar(0.5 + 0.25 / 720.0, 200.0);
    assert_eq!(key_bins(50_000), 720);
    assert_eq!(m.circle.hit(x, y), Some(Hover::Bin(360)));
    assert!(m.set_hover(Some(Hover::Key(7))));
    assert_eq!(m.highlight(), m.lab.assignment().get(7).copied());
    assert!(!m.set_hover(Some(Hover::Key(7))), "unchanged");
    assert!(m.set_hover(Some(Hover::Node(99))), "an unknown node is no hover");
    assert_eq!(m.hover, None);
}

#[test]
fn the_table_times_every_algorithm_with_the_given_clock() {
    let l = lab("p=ring&keys=500");
    // A clock that advances 1 ms per reading: every window is one round of 1 ms.
    let t = Cell::new(0.0);
    let clock = || {
        t.set(t.get() + 1.0);
        t.get()
    };
    let rows = measure(&l, &clock);
    // 10,000 keys whatever the lab holds, one round per 1 ms window.
    assert_eq!(rows.iter().map(|r| r.algorithm).collect::<Vec<_>>(), Algorithm::ALL);
    for r in &rows {
        assert!((r.ns_per_key - 1e6 / 10_000.0).abs() < 1e-9, "timed over 10,000 keys: {r:?}");
        assert_eq!(r.weighted, r.algorithm.weighted());
        assert!(r.peak >= 1.0 && r.moved.is_none());
    }
    // A clock that never moves stops at the round cap.
    let p = Algorithm::Jump.build(&Members::uniform(0..3), &Default::default());
    assert_eq!(time_per_key(p.as_ref(), &[1, 2], &|| 0.0), 0.0);
    let calls = Cell::new(0u32);
    time_per_key(p.as_ref(), &[1], &|| {
        calls.set(calls.get() + 1);
        0.0
    });
    assert_eq!(calls.get(), MAX_ROUNDS + 3, "start, window, one per round, the final check");

    let mut m = RingModel::from_query("");
    m.act(Action::AddNode);
    m.measure_table(&clock);
    let ring = m.current_row().expect("the ring's row");
    assert!(ring.moved.is_some_and(|f| (f - 1.0 / 11.0).abs() < 0.02));
    let modulo = m.table.as_ref().and_then(|t| t.iter().find(|r| r.algorithm == Algorithm::Modulo).cloned());
    assert!(modulo.and_then(|r| r.moved).is_some_and(|f| f > 0.8), "mod n moves almost everything");
    m.compute_failures();
    assert_eq!(m.failures.as_ref().map(|f| f.lost_keys), Some(0));
}

#[test]
fn numbers_read_well() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(10_000), "10,000");
    assert_eq!(thousands(1_234_567), "1,234,567");
    assert_eq!(percent(1.0 / 11.0), "9.1%");
    assert_eq!(percent(0.0042), "0.42%");
    assert_eq!(percent(0.0), "0%");
    assert_eq!(chance(1.0 / 120.0), "0.83% (1 in 120)");
    assert_eq!(chance(0.99), "99%");
    assert_eq!(chance(2.93e-6), "0.00029% (1 in 341,297)");
    assert_eq!(chance(0.0), "0");
}

#[test]
fn path_text_is_short_and_whole_circles_split() {
    let mut d = String::new();
    geometry::arc(&mut d, 0.0, 1.0, 100.0);
    assert_eq!(d, "M320 220A100 100 0 0 1 320 420M320 420A100 100 0 0 1 320 220");
    let mut d = String::new();
    geometry::arc(&mut d, 0.75, 0.25, 100.0);
    assert_eq!(d, "M220 320A100 100 0 0 1 420 320", "wraps through the top");
    let mut d = String::new();
    geometry::radial(&mut d, 0.125, 0.0, 10.0);
    assert_eq!(d, "M320 320L327.1 312.9");
}
