//! Every step of the guided path can be completed by doing what its prompt says, and is not
//! completed without it: the goal is judged from the run, and these runs prove it can fail.

use super::*;
use crate::learn::{step, Step, STEPS};
use halab_core::lb::Lb;
use halab_core::lock::Lock;
use halab_core::protocol::{MS, SEC};
use halab_core::raft::Raft;
use halab_core::txn::Txn;

/// What the reader does, and when.
type Action<P> = (Micros, fn(&mut Model<P>));

/// Runs step `id` in 50 ms slices until its goal is reached or `deadline` passes, doing
/// `action` at its instant. The instant the goal was reached, if it was.
fn reach<P: Playground>(id: &str, action: Option<Action<P>>, deadline: Micros) -> Option<Micros> {
    let s: &Step = step(id).expect("step exists");
    let mut m = Model::<P>::from_query(s.href().split_once('?').map_or("", |(_, q)| q));
    assert!(m.errors.is_empty(), "{id}: {:?}", m.errors);
    assert_eq!(m.learn.map(|s| s.id), Some(id), "the page knows it is the step");
    m.playing = false;
    let mut done = action.is_none();
    let mut t = 0;
    while t < deadline {
        t += 50 * MS;
        if let Some((at, act)) = action.filter(|&(at, _)| !done && at <= t) {
            m.run_to(at);
            act(&mut m);
            done = true;
        }
        m.run_to(t);
        if m.check_goal() {
            assert!(m.goal_reached && !m.check_goal(), "reached once");
            return Some(m.sim.now());
        }
    }
    None
}

/// The step with the action reaches its goal, the step without it does not, even given three
/// times as long (a goal that time alone reaches is no goal: the review found one).
fn both<P: Playground>(id: &str, action: Action<P>, deadline: Micros) -> Micros {
    assert_eq!(reach::<P>(id, None, 3 * deadline), None, "{id}: reached without doing anything");
    reach::<P>(id, Some(action), deadline).unwrap_or_else(|| panic!("{id}: not reached"))
}

#[test]
fn a_crashed_backend_fails_requests_and_health_checks_take_it_out() {
    let t = both::<Lb>("one-fails", (SEC, |m| m.menu_action(3, "crash")), 5 * SEC);
    assert!(t < 2 * SEC, "{t}");
    let t = both::<Lb>("health-checks", (SEC, |m| m.menu_action(3, "crash")), 8 * SEC);
    assert!(t > 2 * SEC, "a second with no failure comes after the checks fail, at {t}");
}

#[test]
fn the_spare_joins_and_the_standby_takes_over_and_the_brain_splits() {
    assert!(reach::<Lb>("n-plus-1", None, 10 * SEC).is_some());
    both::<Lb>("failover", (SEC, |m| m.menu_action(1, "crash")), 6 * SEC);
    both::<Lb>("split-brain", (SEC, |m| m.toggle_link(1, 2)), 6 * SEC);
}

#[test]
fn a_paused_holder_meets_the_fence_and_without_it_breaks_the_invariant() {
    both::<Lock>("lease", (900 * MS, |m| m.menu_action(2, "pause")), 6 * SEC);
    assert!(reach::<Lock>("no-fencing", None, 10 * SEC).is_some());
}

#[test]
fn a_coordinator_crash_leaves_a_participant_in_doubt() {
    both::<Txn>("two-phase", (840 * MS, |m| m.menu_action(0, "crash")), 5 * SEC);
}

#[test]
fn raft_elects_a_new_leader_and_shows_two_at_once_when_the_old_one_is_cut_off() {
    let crash_leader: fn(&mut Model<Raft>) = |m| {
        let leader = (0..m.scenario.nodes).find(|&i| m.sim.cluster().state(i).is_some_and(|s| s.is_leader()));
        m.menu_action(leader.expect("a leader by 1.5 s"), "crash");
    };
    both::<Raft>("new-leader", (1500 * MS, crash_leader), 5 * SEC);
    let isolate_leader: fn(&mut Model<Raft>) = |m| {
        let leader = (0..m.scenario.nodes).find(|&i| m.sim.cluster().state(i).is_some_and(|s| s.is_leader()));
        m.menu_action(leader.expect("a leader by 1.5 s"), "isolate");
    };
    both::<Raft>("two-leaders", (1500 * MS, isolate_leader), 5 * SEC);
    assert!(reach::<Raft>("figure-8", None, 10 * SEC).is_some());
}

#[test]
fn crashing_a_follower_before_any_election_is_not_crashing_the_leader() {
    let early: fn(&mut Model<Raft>) = |m| m.menu_action(4, "crash");
    assert_eq!(reach::<Raft>("new-leader", Some((10 * MS, early)), 5 * SEC), None);
}

#[test]
fn two_leaders_is_judged_on_the_record_so_a_replayed_link_agrees_with_live_play() {
    let q = "p=raft&n=5&seed=1&rate=4&faults=isolate:leader@1.5s,heal@2.5s&t=4s&learn=two-leaders";
    let mut m = Model::<Raft>::from_query(q);
    while m.replaying() {
        m.replay_slice(10_000);
    }
    assert!(m.check_goal(), "the overlap at 1.5–2.5 s is in the record at 4 s");
    let healthy = "p=raft&n=5&seed=1&rate=4&t=4s&learn=two-leaders";
    let mut m = Model::<Raft>::from_query(healthy);
    while m.replaying() {
        m.replay_slice(10_000);
    }
    assert!(!m.check_goal());
}

#[test]
fn the_readers_faults_are_what_the_step_did_not_script_wherever_they_sit() {
    use crate::learn::added;
    use halab_core::sim::fault::{Fault, Scheduled};
    let at = |ms: u64, fault: Fault| Scheduled { at: ms * MS, fault };
    let script = vec![at(2_000, Fault::Crash(4))];
    let faults = vec![at(1_000, Fault::Crash(3)), at(2_000, Fault::Crash(4)), at(3_000, Fault::Crash(4))];
    assert_eq!(added(&faults, &script), vec![at(1_000, Fault::Crash(3)), at(3_000, Fault::Crash(4))]);
    assert_eq!(added(&faults[..1], &script), vec![at(1_000, Fault::Crash(3))], "a fork cut the script");
}

#[test]
fn every_step_has_a_test_above() {
    // A new step needs a run here; this list is what the tests above cover.
    let covered = [
        "one-fails",
        "health-checks",
        "n-plus-1",
        "failover",
        "split-brain",
        "lease",
        "no-fencing",
        "two-phase",
        "new-leader",
        "two-leaders",
        "figure-8",
    ];
    let ids: Vec<&str> = STEPS.iter().map(|s| s.id).collect();
    assert_eq!(ids, covered);
}

#[test]
fn a_step_link_on_another_page_is_not_a_step_there() {
    let s = step("new-leader").expect("step");
    let m = Model::<Lock>::from_query(&format!("p=lock&n=4&learn={}", s.id));
    assert_eq!(m.learn, None);
    let m = Model::<Raft>::from_query("p=raft&learn=nonesuch");
    assert_eq!(m.learn, None);
    assert!(m.errors.iter().any(|e| e.contains("\u{201c}learn\u{201d}")), "{:?}", m.errors);
    let m = Model::<Raft>::from_query(s.source.query().to_owned().as_str());
    assert!(!m.query().contains("learn="));
    let m = Model::<Raft>::from_query(&format!("{}&learn=new-leader", s.source.query()));
    assert!(m.query().ends_with("&learn=new-leader"), "{}", m.query());
}
