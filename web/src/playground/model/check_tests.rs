//! "Check from here" and manual steps, driven through the model as the page drives it.

use super::*;
use crate::playground::check::{Field, Outcome, MAX_CHECK_DEPTH, MAX_CHECK_STATES};
use halab_core::check::Bounds;
use halab_core::lock::Lock;
use halab_core::protocol::SEC;
use halab_core::raft::Raft;
use halab_core::sim::trace::TraceKind;

/// A model of `query` paused at `t`.
fn at<P: Playground>(query: &str, t: Micros) -> Model<P> {
    let mut m = Model::<P>::from_query(&format!("{query}&t={}", format_duration(t)));
    while m.replay_slice(10_000) {}
    m
}

/// A clock for the model: each reading 1 ms later than the last.
fn ticks() -> impl Fn() -> f64 {
    let t = std::cell::Cell::new(0.0);
    move || {
        t.set(t.get() + 1.0);
        t.get()
    }
}

fn search<P: Playground>(m: &mut Model<P>, bounds: Bounds) {
    m.check.bounds = bounds;
    m.start_check();
    assert!(m.checking(), "the search started");
    for _ in 0..100_000 {
        if !m.checking() {
            return;
        }
        m.check_slice(500, ticks());
    }
    panic!("the search did not end");
}

#[test]
fn a_violation_found_from_here_opens_as_a_replay_paused_where_it_breaks() {
    // Before the first election: a running cluster's heartbeats in flight multiply the orders
    // beyond what a test should wait for (the core's tests check from a running cluster).
    let mut m = at::<Raft>("n=3&seed=11&bugs=forget", 0);
    assert!(!m.violated());
    search(&mut m, Bounds { depth: 8, timeouts: 3, crashes: 1, inputs: 0, ..Bounds::default() });
    let Some(Outcome::Opened { invariant, steps }) = m.check.run.as_ref().map(|r| r.outcome.clone()) else {
        panic!("{:?}", m.check.run.as_ref().map(|r| r.outcome.clone()))
    };
    assert_eq!(invariant, halab_core::raft::invariants::ELECTION_SAFETY);
    assert!(steps <= 8);
    // The page now replays the forked scenario to the counterexample's last step.
    while m.replay_slice(10_000) {}
    let v = m.sim.violation().expect("the replay breaks the invariant").clone();
    assert_eq!(v.invariant, invariant);
    let q = m.query();
    assert!(q.contains("steer:on@1ms,fire:"), "{q}");
    assert_eq!(q.matches('@').count(), steps + 1, "steer, then one fault per step: {q}");
    // A fresh page from the shared link lands on the same violation.
    let shared = m.share_query();
    let mut again = Model::<Raft>::from_query(&shared);
    while again.replay_slice(10_000) {}
    assert_eq!(again.sim.violation().map(|v| (v.invariant, v.step)), Some((invariant, v.step)));
}

#[test]
fn a_correct_protocol_passes_the_same_search_and_the_state_limit_holds() {
    let mut m = at::<Raft>("n=3&seed=11", 2 * SEC);
    search(&mut m, Bounds { depth: 6, timeouts: 2, crashes: 1, inputs: 0, ..Bounds::default() });
    let r = m.check.run.as_ref().expect("a run");
    assert_eq!(r.outcome, Outcome::Done);
    assert!(r.stats.unique > 100, "{:?}", r.stats);
    assert!(!m.violated() && m.scenario.faults.is_empty(), "nothing was scripted");

    search(&mut m, Bounds { depth: 30, timeouts: 5, crashes: 1, max_states: 2_000, ..Bounds::default() });
    let r = m.check.run.as_ref().expect("a run");
    assert_eq!((r.outcome.clone(), r.stats.unique), (Outcome::Limit, 2_000));
}

#[test]
fn a_search_can_be_cancelled_and_a_new_run_drops_it() {
    let mut m = at::<Raft>("n=3", SEC);
    m.check.bounds = Bounds { depth: 30, timeouts: 8, crashes: 2, ..Bounds::default() };
    m.start_check();
    m.check_slice(100, ticks());
    assert!(m.checking());
    m.cancel_check();
    assert_eq!(m.check.run.as_ref().map(|r| r.outcome.clone()), Some(Outcome::Cancelled));

    // A change to the scenario starts a new run: a search of the old one goes with it.
    m.start_check();
    assert!(m.checking());
    m.toggle_bug("forget");
    assert!(!m.checking() && m.check.run.is_none());
}

#[test]
fn a_lease_bug_is_found_in_timed_mode_and_replays_at_the_instants_found() {
    let mut m = at::<Lock>("p=lock&n=4&ttl=200ms&work=50ms-100ms&bugs=receipt", 0);
    // The form as the page first shows it.
    search(&mut m, crate::playground::check::default_bounds());
    let Some(Outcome::Opened { invariant, steps }) = m.check.run.as_ref().map(|r| r.outcome.clone()) else {
        panic!("{:?}", m.check.run.as_ref().map(|r| (r.outcome.clone(), r.stats)))
    };
    assert_eq!(invariant, halab_core::lock::invariants::ONE_HOLDER);
    while m.replay_slice(10_000) {}
    let v = m.sim.violation().expect("the replay breaks the invariant").clone();
    assert_eq!(v.invariant, invariant);
    // Timed: several steps share an instant, and none waits a fixed gap for the next.
    let q = m.query();
    let faults = &q[q.find("faults=").expect("a script")..];
    assert_eq!(faults.matches('@').count(), steps + 1, "steer, then one fault per step: {q}");
    let instants: std::collections::BTreeSet<&str> =
        faults.split(',').filter_map(|f| f.split('@').nth(1)).collect();
    assert!(instants.len() < steps + 1, "{q}");
    let shared = m.share_query();
    let mut again = Model::<Lock>::from_query(&shared);
    while again.replay_slice(10_000) {}
    assert_eq!(again.sim.violation().map(|v| (v.invariant, v.time)), Some((invariant, v.time)));
}

#[test]
fn the_form_is_clamped_to_named_limits() {
    let mut m = Model::<Raft>::from_query("n=3");
    m.set_bound(Field::Depth, 1_000);
    m.set_bound(Field::States, u64::MAX);
    m.set_bound(Field::Crashes, 999);
    m.set_bound(Field::Timeouts, 0);
    let b = m.check.bounds;
    assert_eq!((b.depth, b.max_states, b.crashes, b.timeouts), (MAX_CHECK_DEPTH, MAX_CHECK_STATES, 20, 0));
    m.set_bound(Field::Depth, 0);
    m.set_bound(Field::States, 1);
    assert_eq!((m.check.bounds.depth, m.check.bounds.max_states), (1, 1_000));
}

#[test]
fn in_manual_mode_the_reader_delivers_fires_and_drops_and_the_url_replays_it() {
    let mut m = at::<Raft>("n=3&seed=2", 300 * MS);
    m.toggle_steer();
    assert!(m.sim.steered());
    // Nothing happens by itself any more.
    let before = m.sim.trace().hash();
    m.playing = true;
    for _ in 0..50 {
        m.frame(100.0);
    }
    let quiet = !m
        .sim
        .trace()
        .recent()
        .rev()
        .take_while(|e| e.time > 300 * MS + MS)
        .any(|e| matches!(e.kind, TraceKind::Deliver { .. } | TraceKind::Timer { .. }));
    assert!(quiet, "messages and timers wait");
    assert_ne!(m.sim.now(), 0);
    m.playing = false;
    let timer =
        m.sim.cluster().nodes.iter().position(|n| !n.timers.is_empty()).expect("an armed timer") as u8;
    m.inject(Fault::Fire(timer, 0));
    let sent: Vec<u64> = m.sim.in_flight().iter().map(|f| f.id).collect();
    assert!(!sent.is_empty(), "the timer's handler sent something");
    m.inject(Fault::Deliver(sent[0]));
    assert!(m
        .sim
        .trace()
        .recent()
        .any(|e| matches!(e.kind, TraceKind::Deliver { msg, .. } if msg == sent[0])));
    if let Some(&other) = sent.get(1) {
        m.inject(Fault::Lose(other));
        assert!(!m.sim.in_flight().iter().any(|f| f.id == other));
    }
    let shared = m.share_query();
    let mut again = Model::<Raft>::from_query(&shared);
    while again.replay_slice(10_000) {}
    assert_eq!(again.sim.trace().hash(), m.sim.trace().hash(), "the link replays the hand-picked steps");
    assert_ne!(before, m.sim.trace().hash());
}

#[test]
fn with_the_reduction_a_deep_paxos_bug_is_found_shrunk_and_replayed() {
    use halab_core::paxos::Paxos;
    let mut m = at::<Paxos>("n=3&proposers=2&mode=single&bugs=ignore", 0);
    let bounds = Bounds { depth: 40, timeouts: 2, crashes: 0, inputs: 0, ..m.check.bounds };
    m.check.bounds = bounds;
    m.set_reduce(true);
    let b = m.check.bounds;
    search(&mut m, b);
    let Some(Outcome::Opened { invariant, steps }) = m.check.run.as_ref().map(|r| r.outcome.clone()) else {
        panic!("{:?}", m.check.run.as_ref().map(|r| (r.outcome.clone(), r.stats)))
    };
    assert_eq!(invariant, halab_core::paxos::invariants::ONE_VALUE);
    assert!(steps <= 16, "shrunk to {steps} steps");
    while m.replay_slice(10_000) {}
    assert_eq!(m.sim.violation().map(|v| v.invariant), Some(invariant), "{}", m.query());

    // The same bounds without the bug: nothing to find.
    let mut ok = at::<Paxos>("n=3&proposers=2&mode=single", 0);
    ok.check.bounds = b;
    search(&mut ok, b);
    assert_eq!(ok.check.run.as_ref().map(|r| r.outcome.clone()), Some(Outcome::Done));
}
