//! Timed mode: the lock service and the service lab, whose handlers read the clock. Its bug switches are found,
//! their counterexamples replay in the simulator at the instants the search took each step,
//! and random timed paths take the steered simulator to the states the search computed.

use super::schedule::{script_of, Exhaustive};
use super::*;
use crate::lock::{invariants as inv, Lock, LockChecker, LockConfig, LockMsg};
use crate::protocol::{Micros, MS, SEC};
use crate::sim::fault::{Fault, Scheduled};
use crate::sim::rng::SimRng;
use crate::sim::{Sim, SimConfig};

fn lock(bug: Option<&str>, mut c: LockConfig) -> Lock {
    if let Some(bug) = bug {
        *c.bugs.flag_mut(bug).expect("a lock bug switch") = true;
    }
    Lock::new(c)
}

fn make(bug: Option<&str>, c: &LockConfig, config: SimConfig) -> Sim<Lock> {
    Sim::new(lock(bug, c.clone()), config).with_checker(LockChecker::default())
}

/// A lock simulation run to just before instant `at`, or, for `at` zero, to just before the
/// first Write is in flight (a reader who pauses the page there); and the instant.
fn lock_sim(bug: Option<&str>, c: &LockConfig, seed: u64, at: Micros) -> (Sim<Lock>, Micros) {
    let mut sim = make(bug, c, SimConfig { seed, ..SimConfig::default() });
    if at > 0 {
        sim.run_until(at - 1);
        return (sim, at);
    }
    while !sim.in_flight().iter().any(|f| matches!(f.msg, LockMsg::Write { .. })) {
        sim.step().expect("a client writes");
    }
    // The rest of that instant too: a replay's steering starts after it.
    sim.run_until(sim.now());
    let at = sim.now() + 1;
    (sim, at)
}

fn run_to_end<P: Explore>(mut s: Search<P>) -> (Verdict, Stats) {
    while *s.run(10_000) == Verdict::Running {}
    (s.verdict().clone(), s.stats())
}

/// TTL 200 ms and work of 50 to 100 ms (`ttl=200ms&work=50ms-100ms` on the page): a lease
/// runs out before a waiting client's first try must come, so a second holder needs few steps.
fn short() -> LockConfig {
    LockConfig { ttl: 200 * MS, work_min: 50 * MS, work_max: 100 * MS, ..LockConfig::default() }
}

/// Each bug switch from its start under its bounds: the shortest counterexample's length and
/// the states searched are pinned; the same start and bounds without the bug are clean; and
/// the counterexample the page would open breaks the same invariant in the simulator, at the
/// instant the search's last step happened.
#[test]
fn lock_bug_switches_are_found_in_timed_mode_and_replay() {
    let cases: [(&str, LockConfig, Micros, Bounds, usize, &str, u64); 4] = [
        (
            "volatile",
            LockConfig::default(),
            1,
            Bounds { depth: 10, timeouts: 4, crashes: 1, ..Bounds::default() },
            9,
            inv::TOKENS_INCREASE,
            2_336,
        ),
        (
            "reuse",
            LockConfig::default(),
            1,
            Bounds { depth: 12, timeouts: 6, crashes: 1, ..Bounds::default() },
            10,
            inv::TOKENS_INCREASE,
            5_881,
        ),
        (
            "receipt",
            short(),
            1,
            Bounds { depth: 12, timeouts: 6, ..Bounds::default() },
            10,
            inv::ONE_HOLDER,
            482,
        ),
        (
            "nofence",
            short(),
            0,
            Bounds { depth: 12, timeouts: 6, crashes: 1, ..Bounds::default() },
            10,
            inv::FENCING,
            10_467,
        ),
    ];
    for (bug, c, at, bounds, len, invariant, states) in cases {
        let (sim, at) = lock_sim(Some(bug), &c, 1, at);
        let mut search = Search::from(World::from_sim(&sim), bounds, Order::BreadthFirst);
        while *search.run(10_000) == Verdict::Running {}
        let Verdict::Violated { path, broken } = search.verdict().clone() else {
            panic!("{bug}: {:?}", search.verdict())
        };
        assert_eq!(
            (path.len(), broken.invariant, search.stats().unique),
            (len, invariant, states),
            "{bug}: {path:?}"
        );

        let script = search.counterexample(at).expect("a violation has a counterexample");
        assert!(script.windows(2).all(|w| w[0].at <= w[1].at), "{bug}: steps in time order");
        let last = script.last().expect("steer and the steps").at;
        let mut replay = make(Some(bug), &c, SimConfig { seed: 1, script, ..SimConfig::default() });
        replay.run_until(last + SEC);
        let v = replay.violation().expect("the simulator breaks it too");
        assert_eq!((v.invariant, v.time), (invariant, last), "{bug}");

        let (clean, _) = lock_sim(None, &c, 1, at);
        let (v, _) = run_to_end(Search::from(World::from_sim(&clean), bounds, Order::BreadthFirst));
        assert_eq!(v, Verdict::Done, "{bug}: the correct lock under the same bounds");
    }
}

/// The correct lock, searched well past where the bugs show: no false alarm from zero latency,
/// late grants or a crash at any instant.
#[test]
fn the_correct_lock_is_clean_in_a_deeper_timed_search() {
    let (sim, _) = lock_sim(None, &short(), 2, 1);
    let b = Bounds { depth: 14, timeouts: 8, crashes: 1, max_states: 400_000, ..Bounds::default() };
    let (v, st) = run_to_end(Search::from(World::from_sim(&sim), b, Order::BreadthFirst));
    assert!(matches!(v, Verdict::Done | Verdict::Limit), "{v:?}");
    assert!(st.unique > 100_000, "a search worth the name: {st:?}");
}

/// What two states must agree on, time aside: every node and the messages in flight.
fn summary(w: &World<Lock>) -> (u64, Vec<u64>) {
    let mut w = w.clone().bare();
    w.spent = Spent::default();
    let mut ids: Vec<u64> = w.net.iter().map(|e| e.id).collect();
    ids.sort_unstable();
    (w.fingerprint(), ids)
}

/// Random timed paths, from a run with a drifting clock, a cut link and a paused client,
/// replayed as faults at the instants the search took them: after the last step of each
/// instant the simulator is in the state the search computed, and it is at that instant.
#[test]
fn timed_paths_replay_exactly_in_the_simulator() {
    let script = vec![
        Scheduled { at: 100 * MS, fault: Fault::ClockDrift(2, 5_000) },
        Scheduled { at: 100 * MS, fault: Fault::Cut(3, 0) },
        Scheduled { at: 600 * MS, fault: Fault::Pause(2, 300 * MS) },
    ];
    let config = SimConfig { seed: 4, script, ..SimConfig::default() };
    let at = 700 * MS;
    let mut sim = make(None, &short(), config.clone());
    sim.run_until(at - 1);
    let start = World::from_sim(&sim);
    assert!(start.timed() && start.cluster.now == at);
    // The paused client takes no step before its pause ends, when its overdue timers come due.
    let mut first = Vec::new();
    start.steps(&Bounds::default(), &mut first);
    let to_2 = |s: &Step| match *s {
        Step::Deliver(i) => start.net[usize::from(i)].to == 2,
        Step::Fire(n, _) => n == 2,
        _ => false,
    };
    assert!(!first.iter().any(to_2), "{first:?}");
    assert!(start.cluster.nodes[2].timers.values().all(|a| a.at >= 900 * MS));
    let bounds = Bounds { drops: 1, dups: 1, crashes: 1, timeouts: 6, ..Bounds::default() };
    let mut rng = SimRng::new(7);
    let mut steps = Vec::new();
    for round in 0..12 {
        let (mut w, mut path) = (start.clone(), Vec::new());
        for _ in 0..16 {
            w.steps(&bounds, &mut steps);
            let Some(&step) = steps.get(rng.below(steps.len().max(1) as u64) as usize) else { break };
            let _ = w.take(step);
            path.push(step);
        }
        let (states, _) = replay(&start, &path);
        let mut c = config.clone();
        c.script.extend(script_of(&start, &path, at));
        let mut sim = make(None, &short(), c);
        for i in 0..path.len() {
            let now = states[i].cluster.now;
            // Faults at one instant run together: compare after the last.
            if i + 1 < path.len() && states[i + 1].cluster.now == now {
                continue;
            }
            sim.run_until(now);
            let searched = &states[i + 1];
            let case = format!("round {round}, after {} steps of {path:?}", i + 1);
            assert_eq!(summary(&World::from_sim(&sim)), summary(searched), "{case}");
            // Each instant the simulator drew for a timer lies in the window the search gave it.
            for (node, twin) in sim.cluster().nodes.iter().zip(searched.cluster.nodes.iter()) {
                for ((t, drawn), (u, window)) in node.timers.iter().zip(twin.timers.iter()) {
                    assert_eq!(t, u, "{case}");
                    let due = drawn.at.max(node.paused_until.unwrap_or(0));
                    assert!((window.at..=window.entry_at).contains(&due), "{t:?}: {case}");
                }
            }
        }
    }
}

/// The service lab's presets with a bug switch, each searched from `back` before the instant
/// its seeded run breaks an invariant (the page's "Check from here" on a paused run): the search
/// finds a violation of the same invariant, pinned, and it replays in the simulator.
#[test]
fn service_lab_bugs_are_found_shortly_before_they_strike_and_replay() {
    // (scenario, how long before its run breaks the search starts, crashes, length, states)
    let cases: [(&str, Micros, u8, usize, u64); 6] = [
        ("p=lb&n=6&seed=1&retries=2&loss=0.05&bugs=notimeout", 10 * MS, 0, 7, 4_622),
        ("p=lb&n=6&seed=1&eject=1&bugs=ejected&faults=failfast:2@1s", 5 * MS, 0, 3, 41),
        ("p=lb&n=6&seed=1&eject=1&bugs=ejectall&faults=failfast:2@1s,failfast:3@1s,failfast:4@1s", 10 * MS, 0, 4, 134),
        ("p=lb&n=8&seed=1&pair=fenced&bugs=unfenced&faults=cut:1-2@2s,cut:2-1@2s", 100 * MS, 0, 6, 62),
        (
            "p=lb&n=8&seed=1&pair=fenced&bugs=forgetful&faults=cut:1-2@1s,cut:1-3@1s,cut:3-1@1s,crash:3@1s,restart:3@1.1s",
            30 * MS,
            0,
            6,
            6_556,
        ),
        // The search crashes and restarts the balancer itself: the scenario's own crash is
        // after the instant checked from, so it is not in the fork.
        (
            "p=lb&n=7&seed=1&spares=1&provision=500ms&timeout=300ms&bugs=amnesia&faults=crash:3@1s,crash:2@3s,crash:1@3.1s,restart:1@3.101s",
            100 * MS,
            1,
            2,
            104,
        ),
    ];
    for (query, back, crashes, len, states) in cases {
        let s = crate::scenario::url::decode(query).expect("a preset").scenario;
        let mut run = s.lb_sim();
        run.run_until(60 * SEC);
        let v = run.violation().expect("the seeded run breaks it");
        let (invariant, at) = (v.invariant, v.time - back);
        let mut sim = s.lb_sim();
        sim.run_until(at - 1);
        let bounds = Bounds { depth: 12, timeouts: 8, crashes, max_states: 100_000, ..Bounds::default() };
        let mut search = Search::from(World::from_sim(&sim), bounds, Order::BreadthFirst);
        while *search.run(10_000) == Verdict::Running {}
        let Verdict::Violated { path, broken } = search.verdict().clone() else {
            panic!("{query}: {:?}", search.verdict())
        };
        assert_eq!(
            (broken.invariant, path.len(), search.stats().unique),
            (invariant, len, states),
            "{query}"
        );
        let script = search.counterexample(at).expect("a counterexample");
        let last = script.last().expect("steps").at;
        let mut c = s.clone();
        c.faults.retain(|f| f.at < at);
        let mut config = c.sim_config();
        config.script.extend(script);
        let mut replay = crate::sim::Sim::new(crate::lb::Lb::new(c.lb_config()), config)
            .with_checker(crate::lb::LbChecker::default());
        replay.run_until(last + SEC);
        let v = replay.violation().expect("the simulator breaks it too");
        assert_eq!((v.invariant, v.time), (invariant, last), "{query}");

        // Without the bug, from the same instant and under the same bounds: no false alarm.
        let mut clean = s.clone();
        clean.lb.bugs = crate::lb::LbBugs::default();
        let mut sim = clean.lb_sim();
        sim.run_until(at - 1);
        let (v, _) = run_to_end(Search::from(World::from_sim(&sim), bounds, Order::BreadthFirst));
        assert!(matches!(v, Verdict::Done | Verdict::Limit), "{query} without the bug: {v:?}");
    }
}
