//! The search and the steered simulator agree: any path from a simulator's state, turned into
//! scripted faults, takes the simulator to the same state, and a counterexample found from a
//! running simulation breaks the same invariant there.

use super::schedule::{faults, script, STEP_GAP};
use super::*;
use crate::client::Service;
use crate::paxos::invariants::PaxosChecker;
use crate::paxos::{Mode, Paxos, PaxosConfig};
use crate::protocol::{Describe, Micros, MS, SEC};
use crate::raft::invariants::RaftChecker;
use crate::raft::{Raft, RaftConfig};
use crate::sim::fault::{Fault, Scheduled};
use crate::sim::rng::SimRng;
use crate::sim::trace::TraceKind;
use crate::sim::{Sim, SimConfig};
use crate::txn::invariants::TxnChecker;
use crate::txn::{Txn, TxnConfig};

/// A simulator for `config` with `script`, run to `t`.
fn sim_at<P: Service>(make: &dyn Fn(SimConfig) -> Sim<P>, config: &SimConfig, t: Micros) -> Sim<P>
where
    P::Msg: Describe,
{
    let mut s = make(config.clone());
    s.run_until(t);
    s
}

/// A random path of `len` enabled steps from `start`.
fn walk<P: Explore>(start: &World<P>, bounds: &Bounds, rng: &mut SimRng, len: usize) -> Vec<Step> {
    let (mut w, mut path, mut steps) = (start.clone(), Vec::new(), Vec::new());
    for _ in 0..len {
        w.steps(bounds, &mut steps);
        if steps.is_empty() {
            break;
        }
        let step = steps[rng.below(steps.len() as u64) as usize];
        let _ = w.take(step);
        path.push(step);
    }
    path
}

/// What two states must agree on: the fingerprint (budget aside) and the message ids in flight.
fn summary<P: Explore>(w: &World<P>) -> (u64, Vec<u64>) {
    let mut w = w.clone();
    w.spent = Spent::default();
    let mut ids: Vec<u64> = w.net.iter().map(|e| e.id).collect();
    ids.sort_unstable();
    (w.fingerprint(), ids)
}

/// Random paths from the state `config` reaches at `t`, replayed in the simulator as faults
/// scripted from `t + 1 ms`, end in the state the search computed, step after step.
fn paths_replay_in_the_simulator<P: Explore>(
    make: &dyn Fn(SimConfig) -> Sim<P>,
    config: SimConfig,
    t: Micros,
    bounds: Bounds,
) where
    P::Msg: Describe,
{
    let at = t + MS;
    let start = World::from_sim(&sim_at(make, &config, at - 1));
    let mut rng = SimRng::new(7);
    for round in 0..12 {
        let path = walk(&start, &bounds, &mut rng, 14);
        let (states, _) = replay(&start, &path);
        let mut c = config.clone();
        c.script.extend(script(at, faults(&start, &path)));
        let mut sim = make(c);
        for (i, state) in states.iter().enumerate() {
            // Step i is scripted at `at + i * STEP_GAP` (the steer fault is step 0).
            sim.run_until(at + i as Micros * STEP_GAP + 1);
            if sim.violation().is_some() {
                break;
            }
            assert_eq!(
                summary(&World::from_sim(&sim)),
                summary(state),
                "round {round}, after {i} steps of {path:?}"
            );
        }
    }
}

fn raft_sim(bug: Option<&'static str>) -> impl Fn(SimConfig) -> Sim<Raft> {
    move |c| {
        let mut rc = RaftConfig { nodes: 3, ..RaftConfig::default() };
        if let Some(bug) = bug {
            *rc.bugs.flag_mut(bug).expect("a Raft bug") = true;
        }
        Sim::new(Raft::new(rc), c).with_checker(RaftChecker::default())
    }
}

#[test]
fn raft_paths_from_a_running_cluster_replay_exactly() {
    // A leader, writes in flight, and a cut link: the search must drop what crosses it.
    let config = SimConfig {
        seed: 3,
        write_rate: 20,
        script: vec![Scheduled { at: SEC, fault: Fault::Cut(0, 2) }],
        ..SimConfig::default()
    };
    let bounds = Bounds { drops: 1, dups: 1, crashes: 1, timeouts: 3, inputs: 2, ..Bounds::default() };
    paths_replay_in_the_simulator(&raft_sim(None), config, 1_500 * MS, bounds);
}

#[test]
fn paxos_and_commit_paths_replay_exactly() {
    let paxos = |c| {
        let p =
            Paxos::new(PaxosConfig { nodes: 3, proposers: 2, mode: Mode::Multi, ..PaxosConfig::default() });
        Sim::new(p, c).with_checker(PaxosChecker::default())
    };
    let bounds = Bounds { drops: 1, dups: 1, crashes: 1, timeouts: 3, inputs: 2, ..Bounds::default() };
    let config = SimConfig { seed: 5, write_rate: 10, ..SimConfig::default() };
    paths_replay_in_the_simulator(&paxos, config, 800 * MS, bounds);

    let txn = |c| {
        Sim::new(Txn::new(TxnConfig { nodes: 4, ..TxnConfig::default() }), c)
            .with_checker(TxnChecker::default())
    };
    let bounds = Bounds { drops: 1, dups: 1, crashes: 1, timeouts: 3, ..Bounds::default() };
    paths_replay_in_the_simulator(&txn, SimConfig { seed: 9, ..SimConfig::default() }, 30 * MS, bounds);
}

/// The whole loop a page runs: check from the current state, turn the counterexample into
/// scripted faults, and the simulator breaks the same invariant at the last step.
#[test]
fn a_counterexample_found_mid_run_breaks_the_same_invariant_in_the_simulator() {
    let make = raft_sim(Some("forget"));
    let config = SimConfig { seed: 11, ..SimConfig::default() };
    let at = 2 * SEC;
    let start = World::from_sim(&sim_at(&make, &config, at - 1));
    let bounds = Bounds { depth: 8, timeouts: 3, crashes: 1, ..Bounds::default() };
    let mut search = Search::from(start.clone(), bounds, Order::BreadthFirst);
    while *search.run(10_000) == Verdict::Running {}
    let Verdict::Violated { path, broken } = search.verdict().clone() else {
        panic!("forget is found from a running cluster: {:?}", search.verdict())
    };
    let mut c = config.clone();
    let steps = script(at, faults(&start, &path));
    let last = steps.last().expect("steer and the path").at;
    c.script.extend(steps);
    let mut sim = make(c);
    sim.run_until(last + SEC);
    let v = sim.violation().expect("the simulator breaks it too");
    assert_eq!((v.invariant, v.time), (broken.invariant, last), "{path:?}");
}

#[test]
fn a_steered_run_waits_for_its_steps_and_runs_on_when_released() {
    let make = raft_sim(None);
    let script = vec![
        Scheduled { at: 0, fault: Fault::Steer(true) },
        Scheduled { at: 10 * SEC, fault: Fault::Fire(1, 0) },
        Scheduled { at: 20 * SEC, fault: Fault::Steer(false) },
    ];
    let mut sim = make(SimConfig { script, ..SimConfig::default() });
    sim.run_until(10 * SEC - 1);
    assert!(sim.in_flight().is_empty(), "no timer fired by itself, so nothing was sent");
    sim.run_until(10 * SEC);
    let votes: Vec<u64> = sim.in_flight().iter().map(|f| f.id).collect();
    assert_eq!(votes.len(), 2, "node 1 stood for election: one vote request to each peer");
    sim.run_until(19 * SEC);
    assert_eq!(sim.in_flight().len(), 2, "its requests arrived long ago, and wait");
    assert!(!sim.trace().recent().any(|e| matches!(e.kind, TraceKind::Deliver { .. })));
    sim.run_until(21 * SEC);
    assert!(sim.trace().recent().any(|e| matches!(e.kind, TraceKind::Deliver { .. })), "released");
    sim.run_until(25 * SEC);
    assert!((0..3).any(|i| sim.cluster().state(i).is_some_and(|s| s.is_leader())), "and elects a leader");
}

/// A message that waited in a paused node's inbox when the search started is lost if the node
/// crashes before it is delivered, in the search as in the simulator.
#[test]
fn a_message_held_for_a_paused_node_is_lost_with_its_inbox() {
    let make = raft_sim(None);
    let config = SimConfig {
        seed: 3,
        script: vec![Scheduled { at: 1_200 * MS, fault: Fault::Pause(1, 2 * SEC) }],
        ..SimConfig::default()
    };
    let at = 1_800 * MS;
    let start = World::from_sim(&sim_at(&make, &config, at - 1));
    let held = |w: &World<Raft>| w.net.iter().filter(|e| e.held_for.is_some()).count();
    assert!(held(&start) > 0, "heartbeats wait for node 1");
    assert!(start.net.iter().all(|e| e.held_for.is_none() || e.to == 1));
    for path in [vec![Step::Crash(1), Step::Restart(1)], vec![Step::Deliver(0), Step::Crash(0)]] {
        let (states, _) = replay(&start, &path);
        let end = states.last().expect("the end");
        let mut c = config.clone();
        c.script.extend(script(at, faults(&start, &path)));
        let mut sim = make(c);
        sim.run_until(at + path.len() as Micros * STEP_GAP + 1);
        assert_eq!(summary(&World::from_sim(&sim)), summary(end), "{path:?}");
        let crashed_1 = path[0] == Step::Crash(1);
        assert_eq!(held(end) == 0, crashed_1, "{path:?}");
    }
}

/// Raft's `snap` (a late copy of an InstallSnapshot wipes a follower's newer log) needs a
/// snapshot on the wire, which takes a busy log and a lagging follower: checked from the first
/// instant one is in flight, as a reader would pause the page there. Found, pinned, clean
/// without the bug, and the counterexample breaks the same invariant in the simulator.
#[test]
fn raft_snap_is_found_from_a_snapshot_in_flight() {
    let lag = vec![
        Scheduled { at: 1_500 * MS, fault: Fault::Crash(2) },
        Scheduled { at: 2_500 * MS, fault: Fault::Restart(2) },
    ];
    let config = SimConfig { seed: 1, write_rate: 20, script: lag, ..SimConfig::default() };
    let make = |bug: bool| {
        move |c: SimConfig| {
            let mut rc = RaftConfig { nodes: 3, snapshot_every: 10, ..RaftConfig::default() };
            rc.bugs.discard_log = bug;
            Sim::new(Raft::new(rc), c).with_checker(RaftChecker::default())
        }
    };
    let mut probe = make(true)(config.clone());
    while !probe.in_flight().iter().any(|f| matches!(f.msg, crate::raft::Msg::InstallSnapshot { .. })) {
        probe.step().expect("a snapshot is sent");
    }
    let at = probe.now() + 1;
    let bounds = Bounds { depth: 8, dups: 1, inputs: 1, timeouts: 1, ..Bounds::default() };
    let start = World::from_sim(&sim_at(&make(true), &config, at - 1));
    let mut search = Search::from(start.clone(), bounds, Order::BreadthFirst);
    while *search.run(10_000) == Verdict::Running {}
    let Verdict::Violated { path, broken } = search.verdict().clone() else {
        panic!("snap: {:?}", search.verdict())
    };
    assert_eq!(
        (path.len(), broken.invariant, search.stats().unique),
        (5, crate::raft::invariants::APPLIED_STATE, 1_757),
        "{path:?}"
    );
    let mut c = config.clone();
    let steps = script(at, faults(&start, &path));
    let last = steps.last().expect("steer and the path").at;
    c.script.extend(steps);
    let mut sim = make(true)(c);
    sim.run_until(last + SEC);
    let v = sim.violation().expect("the simulator breaks it too");
    assert_eq!((v.invariant, v.time), (broken.invariant, last));

    let clean = World::from_sim(&sim_at(&make(false), &config, at - 1));
    let mut search = Search::from(clean, bounds, Order::BreadthFirst);
    while *search.run(10_000) == Verdict::Running {}
    assert_eq!(*search.verdict(), Verdict::Done);
}
