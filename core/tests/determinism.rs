//! The same scenario gives the same run: twice in one process, after a fault injected live
//! versus replayed from the URL, and on wasm32 (see `wasm_determinism.rs`, which asserts the
//! same pinned hash in headless Chromium).

mod fixed;

use halab_core::protocol::{MS, SEC};
use halab_core::scenario::url;
use halab_core::sim::fault::Fault;

#[test]
fn same_scenario_same_trace_hash() {
    let a = fixed::run();
    let b = fixed::run();
    assert_eq!(a, b);
}

#[test]
fn fixed_scenario_hash_is_pinned() {
    // Also asserted on wasm32. If a deliberate change to the simulator or Raft moves it,
    // update FIXED_HASH in tests/fixed/mod.rs (both tests read it).
    assert_eq!(fixed::run(), fixed::FIXED_HASH, "got {:#018x}", fixed::run());
}

#[test]
fn ring_placements_are_pinned() {
    // Also asserted on wasm32: xxh3, jump's doubles and weighted rendezvous's libm `ln` must give
    // the same key → node map on both. A deliberate change of hash updates RING_HASHES.
    assert_eq!(fixed::ring_hashes(), fixed::RING_HASHES, "got {:#018x?}", fixed::ring_hashes());
}

#[test]
fn availability_models_are_pinned() {
    // Also asserted on wasm32 (libm's log/exp/pow/tgamma and the RNG draws must agree).
    assert_eq!(fixed::avail_hash(), fixed::AVAIL_HASH, "got {:#018x}", fixed::avail_hash());
}

#[test]
fn a_fault_injected_live_replays_from_the_url() {
    let base = url::decode(fixed::QUERY).unwrap().scenario;
    // Live: run, click "crash node 2" and "partition", keep running.
    let mut live_scenario = base.clone();
    let mut live = base.raft_sim();
    live.run_until(1_234_567);
    for f in [Fault::Crash(2), Fault::Partition(vec![vec![0, 1], vec![3, 4]])] {
        let at = live.inject(f.clone());
        live_scenario.push_fault(at, f);
    }
    live.run_until(1_800 * MS);
    let at = live.inject(Fault::Heal);
    live_scenario.push_fault(at, Fault::Heal);
    live.run_until(4 * SEC);

    // Replay: decode the URL the page would have written.
    let replay_scenario = url::decode(&url::encode(&live_scenario)).unwrap().scenario;
    assert_eq!(replay_scenario, live_scenario);
    let mut replay = replay_scenario.raft_sim();
    replay.run_until(4 * SEC);
    assert_eq!(replay.trace().hash(), live.trace().hash());
    assert_eq!(replay.steps(), live.steps());
    assert!(live.violation().is_none());
}

#[test]
fn different_seeds_differ() {
    let s = url::decode(fixed::QUERY).unwrap().scenario;
    let mut other = s.clone();
    other.seed += 1;
    let (mut a, mut b) = (s.raft_sim(), other.raft_sim());
    a.run_until(2 * SEC);
    b.run_until(2 * SEC);
    assert_ne!(a.trace().hash(), b.trace().hash());
}

#[test]
fn lock_commit_and_lab_runs_are_pinned() {
    // Also asserted on wasm32: drifting clocks scale timers with integer arithmetic only.
    let got = fixed::protocol_hashes();
    assert_eq!(got, fixed::PROTOCOL_HASHES, "got {got:#018x?}");
    assert_eq!(fixed::protocol_hashes(), got, "twice in one process");
}

#[test]
fn a_search_and_its_counterexample_are_pinned() {
    // Also asserted on wasm32: the search, the shrinking and the steered replay.
    let got = fixed::search_hashes();
    assert_eq!(got, fixed::SEARCH_HASHES, "got {got:#018x?}");
}
