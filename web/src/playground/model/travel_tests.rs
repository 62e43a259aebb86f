//! Time travel through the page model: landing, stepping both ways, playing back to the
//! frontier, forking, and what the record keeps for the diagram.

use super::*;
use crate::playground::history::End;
use halab_core::lock::Lock;
use halab_core::protocol::SEC;
use halab_core::raft::Raft;
use std::collections::VecDeque;

const RAFT: &str =
    "p=raft&n=5&seed=4&rate=20&loss=0.05&faults=crash:0@1s,restart:0@1.8s,part:1.2/3.4.0@2.5s,heal@3.2s";

/// Plays `m` to `t` as the page does, frame by frame.
fn play_to<P: Playground>(m: &mut Model<P>, t: Micros) {
    m.playing = true;
    while m.sim.now() < t && !m.violated() {
        m.frame(50.0);
    }
    m.playing = false;
}

/// What must agree between two models at one instant.
fn seen<P: Playground>(m: &Model<P>) -> (u64, Micros, u64, Vec<String>) {
    let notes = m.notes.iter().map(|n| format!("{} {} {}", n.time, n.kind, n.text)).collect();
    (m.sim.steps(), m.sim.now(), m.sim.trace().hash(), notes)
}

#[test]
fn scrubbing_shows_the_run_as_stepping_there_did() {
    let mut m = Model::<Raft>::from_query(RAFT);
    m.speed = 1.0;
    play_to(&mut m, 4 * SEC);
    let (last, end) = m.frontier();
    for k in [1, last / 5, last / 2, last - 1] {
        m.travel_to_step(k);
        assert!(m.in_past() && !m.playing);
        let mut fresh = Model::<Raft>::from_query(RAFT);
        fresh.playing = false;
        while fresh.sim.steps() < k {
            fresh.step();
        }
        assert_eq!(seen(&m), seen(&fresh), "step {k}");
        assert_eq!(m.frontier(), (last, end), "the frontier stays where the run got");
    }
    // By instant: 2 s, in the middle of the crash.
    m.travel_to_time(2 * SEC);
    assert_eq!(m.sim.now(), 2 * SEC);
    assert_eq!(role_at(&m.sim, 0), "follower", "node 0 restarted at 1.8 s");
    m.travel_to_time(1_500_000);
    assert_eq!(role_at(&m.sim, 0), "crashed");
    // Past the frontier: back to it.
    m.travel_to_time(end + SEC);
    assert!(!m.in_past());
    assert_eq!((m.sim.steps(), m.sim.now()), (last, end));
}

#[test]
fn a_step_back_and_a_step_forward_return_to_the_same_state() {
    let mut m = Model::<Raft>::from_query(RAFT);
    play_to(&mut m, 1_200_000);
    let before = seen(&m);
    m.step_back();
    assert_eq!(m.sim.steps(), before.0 - 1);
    assert!(m.in_past());
    m.step_back();
    m.step();
    m.step();
    assert!(!m.in_past(), "stepping forward onto the frontier leaves the past");
    assert_eq!(seen(&m), before);
}

#[test]
fn playing_from_the_past_runs_the_recorded_run_again_and_joins_the_frontier() {
    let mut m = Model::<Raft>::from_query(RAFT);
    play_to(&mut m, 3 * SEC);
    let arrows = m.history.arrows.len();
    let at_frontier = seen(&m);
    m.travel_to_time(SEC);
    play_to(&mut m, 3 * SEC);
    assert!(!m.in_past());
    assert_eq!(seen(&m).2, at_frontier.2, "the same run");
    assert_eq!(m.history.arrows.len(), arrows, "replaying the past records nothing twice");
    play_to(&mut m, 4 * SEC);
    assert!(m.history.arrows.len() > arrows, "the frontier records again");
}

#[test]
fn a_fault_clicked_in_the_past_forks_the_run_and_its_url_replays_the_fork() {
    let mut m = Model::<Raft>::from_query(RAFT);
    play_to(&mut m, 4 * SEC);
    m.travel_to_time(2 * SEC);
    m.menu_action(3, "crash");
    assert!(!m.in_past());
    let fork = m.fork.expect("the run forked");
    assert_eq!(
        (fork.at, fork.cut, fork.dropped_until),
        (2 * SEC, 2, 4 * SEC),
        "the partition and heal are cut"
    );
    let q = m.query();
    assert!(q.contains("crash:3@2.001s") && !q.contains("part:") && !q.contains("heal"), "{q}");
    assert!(m.history.arrows.iter().all(|a| a.sent <= 2 * SEC || a.sent > 2_001_000 - 1));
    assert!(m.history.arrows.iter().all(|a| a.end_step <= m.sim.steps() || a.sent_step > 0));
    play_to(&mut m, 4 * SEC);
    let mut fresh = Model::<Raft>::from_query(&q);
    play_to(&mut fresh, 4 * SEC);
    assert_eq!(m.sim.trace().hash(), fresh.sim.trace().hash(), "the forked run is its URL's run");
    // And scrubbing inside the fork lands on the fork, not on the run it replaced.
    m.travel_to_time(3 * SEC);
    fresh.travel_to_time(3 * SEC);
    assert_eq!(seen(&m), seen(&fresh));
    assert_eq!(role_at(&m.sim, 3), "crashed");
}

#[test]
fn the_record_holds_messages_drops_copies_heartbeats_roles_and_marks() {
    let mut m = Model::<Raft>::from_query("p=raft&n=3&seed=2&rate=20&loss=0.2&dup=0.2&faults=crash:1@1s");
    play_to(&mut m, 3 * SEC);
    let h = &m.history;
    assert!(h.arrows.iter().any(|a| matches!(a.end, End::Dropped(_))));
    assert!(h.arrows.iter().any(|a| a.copy));
    assert!(h.arrows.iter().any(|a| a.routine && a.label == "AppendEntries"));
    assert!(
        h.arrows.iter().any(|a| a.routine && a.label == "AppendReply"),
        "a heartbeat's answer is routine too"
    );
    assert!(h.arrows.iter().any(|a| !a.routine && a.label == "AppendEntries"));
    assert!(h.arrows.iter().zip(h.arrows.iter().skip(1)).all(|(a, b)| a.id < b.id));
    assert!(h.arrows.iter().all(|a| a.ended >= a.sent && a.end_step >= a.sent_step));
    assert!(!h.clients.is_empty());
    assert!(h.spans.iter().any(|s| s.iter().any(|s| s.role == "leader")));
    assert!(h.spans[1].iter().any(|s| s.role == "crashed" && s.from == SEC));
    assert!(h
        .marks
        .iter()
        .any(|k| matches!(&k.kind, crate::playground::history::MarkKind::Fault(t) if t == "node 1 crashed")));
    // What a message carried, on demand.
    let id = h.arrows.iter().find(|a| a.label == "RequestVote").expect("an election").id;
    let text = m.message_detail(id).expect("the message is found where it was sent");
    assert!(text.contains("RequestVote"), "{text}");
}

#[test]
fn a_lock_run_lands_too() {
    let q = "p=lock&n=4&seed=3&faults=pause:2:2s@1s";
    let mut m = Model::<Lock>::from_query(q);
    play_to(&mut m, 5 * SEC);
    let k = m.frontier().0 / 3;
    m.travel_to_step(k);
    let mut fresh = Model::<Lock>::from_query(q);
    fresh.playing = false;
    while fresh.sim.steps() < k {
        fresh.step();
    }
    assert_eq!(seen(&m), seen(&fresh));
}

#[test]
fn comparing_with_a_bug_flipped_finds_where_the_runs_part() {
    let q = "p=raft&n=3&seed=157&el=100ms-102ms&bugs=forget&faults=crash:2@104ms,restart:2@106ms";
    let mut m = Model::<Raft>::from_query(q);
    play_to(&mut m, 5 * SEC);
    let v = m.sim.violation().cloned().expect("the bug trips the checker");
    m.compare_with("forget");
    let c = m.compare.as_ref().expect("compared");
    assert!(!c.on, "the other run has the bug off");
    let d = c.diverged.clone().expect("the runs part");
    assert!(d.step <= v.step && d.time <= v.time, "{d:?} vs violation at {}", v.step);
    assert!(d.time >= 104_000, "not before the crash the bug needs: {d:?}");
    assert!(d.ours.is_some() && d.ours != d.theirs, "what each run did there differs: {d:?}");
    assert!(!c.history.arrows.is_empty());
    assert!(c.now >= m.sim.now() || c.step >= crate::playground::model::MAX_COMPARE_STEPS);
    // The same switch on a run it cannot affect within the time shown: no divergence.
    let mut calm = Model::<Raft>::from_query("p=raft&n=3&seed=1");
    play_to(&mut calm, 50_000);
    calm.compare_with("fig8");
    assert_eq!(calm.compare.as_ref().and_then(|c| c.diverged.clone()), None);
    calm.compare_with("");
    assert!(calm.compare.is_none());
}

#[test]
fn a_text_trace_has_a_line_per_event_and_the_link_that_replays_it() {
    let mut m = Model::<Raft>::from_query(RAFT);
    play_to(&mut m, SEC);
    let text = m.text_trace();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("# HA Lab trace: Raft") && lines[0].contains("seed=4"), "{}", lines[0]);
    let events = lines.iter().filter(|l| !l.starts_with('#')).count() as u64;
    assert_eq!(events, m.sim.trace().total(), "one line per event");
    assert!(text.contains("sends RequestVote"));
}

// -----------------------------------------------------------------------------------------------
// Found by an adversarial review of the first version: each fails on it.

fn feed<P: Playground>(m: &Model<P>) -> Vec<String> {
    m.notes.iter().map(|n| format!("{} {} {}", n.time, n.kind, n.text)).collect()
}

/// A fresh model of `q`, stepped (and recording) to step `k`.
fn fresh_at<P: Playground>(q: &str, k: u64) -> Model<P> {
    let mut f = Model::<P>::from_query(q);
    f.playing = false;
    while f.sim.steps() < k && !f.violated() {
        f.step();
    }
    f
}

/// The page at its step equals a fresh run of its URL stepped there: state, feed, and (at the
/// frontier) the record, on the part both records still hold.
fn check_against_fresh<P: Playground>(m: &Model<P>, what: &str) {
    use crate::playground::history::Arrow;
    let k = m.sim.steps();
    let fresh = fresh_at::<P>(&m.query(), k);
    assert_eq!(m.sim.trace().hash(), fresh.sim.trace().hash(), "{what}: state at step {k}");
    assert_eq!(feed(m), feed(&fresh), "{what}: feed at step {k}");
    if m.in_past() {
        return;
    }
    fn tail<T: Clone + PartialEq + std::fmt::Debug>(
        a: &VecDeque<T>,
        b: &VecDeque<T>,
        step: impl Fn(&T) -> u64,
        what: &str,
    ) {
        let from = a.front().map_or(0, &step).max(b.front().map_or(0, &step)) + 1;
        let x: Vec<_> = a.iter().filter(|e| step(e) >= from).cloned().collect();
        let y: Vec<_> = b.iter().filter(|e| step(e) >= from).cloned().collect();
        assert!(x == y, "{what} from step {from}: {} vs {} items", x.len(), y.len());
    }
    // Flying messages' due times are where the two may differ (a fork rewinds them).
    let norm =
        |h: &crate::playground::history::History| -> VecDeque<Arrow> { h.arrows.iter().cloned().collect() };
    tail(&norm(&m.history), &norm(&fresh.history), |a| a.sent_step, &format!("{what}: arrows"));
    tail(&m.history.clients, &fresh.history.clients, |a| a.sent_step, &format!("{what}: client arrows"));
    tail(&m.history.marks, &fresh.history.marks, |a| a.step, &format!("{what}: marks"));
    for (a, b) in m.history.spans.iter().zip(&fresh.history.spans) {
        tail(a, b, |s| s.step, &format!("{what}: spans"));
    }
}

#[test]
fn a_step_after_landing_on_the_frontiers_own_step_is_recorded() {
    let mut m = Model::<Raft>::from_query(RAFT);
    play_to(&mut m, 1_200_000);
    // Until the frontier's clock is past its last event (the usual case after a frame).
    while m.sim.trace().recent().last().is_some_and(|e| e.time >= m.sim.now() - 1) {
        m.playing = true;
        m.frame(16.0);
        m.playing = false;
    }
    let (last, end) = m.frontier();
    m.travel_to_time(end - 1); // the slider's right end
    assert_eq!(m.sim.steps(), last);
    for _ in 0..5 {
        m.step();
    }
    assert!(!m.in_past());
    check_against_fresh(&m, "five steps on");
}

#[test]
fn the_feed_moves_while_the_past_plays_and_after_a_long_run_lands_as_a_fresh_run() {
    let mut m = Model::<Raft>::from_query(RAFT);
    play_to(&mut m, 4 * SEC);
    m.travel_to_time(900_000);
    play_to(&mut m, 2_500_000); // across the crash at 1 s and the restart at 1.8 s
    assert!(m.in_past());
    check_against_fresh(&m, "played in the past");
    // A long busy run: the landing's feed comes from its checkpoint, whatever the record kept.
    let q = "p=raft&n=5&seed=4&rate=200";
    let mut m = Model::<Raft>::from_query(q);
    m.speed = 100.0;
    play_to(&mut m, 40 * SEC);
    m.travel_to_step(20_000);
    assert!(!m.notes.is_empty());
    check_against_fresh(&m, "early in a long run");
    m.back_to_frontier();
    assert_eq!(feed(&m), feed(&fresh_at::<Raft>(q, m.sim.steps())), "and back at the frontier");
}

#[test]
fn after_a_fork_the_hover_text_the_record_of_the_kept_past_and_held_messages_are_the_forks() {
    use crate::playground::history::{End, History, MAX_ARROWS};
    // What a message carried, asked for before a fork, is asked again after it.
    let mut m = Model::<Raft>::from_query(RAFT);
    play_to(&mut m, 4 * SEC);
    let id = m.history.arrows.iter().find(|a| a.sent > 3 * SEC).expect("a message at 3 s").id;
    m.message_detail(id);
    m.travel_to_time(2 * SEC);
    m.menu_action(1, "crash");
    play_to(&mut m, 4 * SEC);
    let mut fresh = Model::<Raft>::from_query(&m.query());
    play_to(&mut fresh, 4 * SEC);
    m.hover(id);
    assert_eq!(m.hover_detail(), fresh.message_detail(id).as_deref());

    // A busy run whose record has moved on past the fork instant: the fork records it again.
    let q = "p=raft&n=5&seed=4&rate=200";
    let mut m = Model::<Raft>::from_query(q);
    m.speed = 100.0;
    let mut fork_at = 0;
    while fork_at == 0 || m.history.arrows.front().is_none_or(|a| a.sent < fork_at + SEC) {
        m.playing = true;
        m.frame(100.0);
        if fork_at == 0 && m.history.arrows.len() >= MAX_ARROWS / 2 {
            fork_at = m.sim.now();
        }
    }
    m.travel_to_time(fork_at);
    m.menu_action(0, "crash");
    let window = fork_at - SEC;
    let before = |h: &History| h.arrows.iter().filter(|a| a.sent > window && a.sent <= fork_at).count();
    let fresh = fresh_at::<Raft>(q, m.sim.steps());
    assert!(before(&m.history) > 0);
    assert_eq!(before(&m.history), before(&fresh.history), "the second before the fork is in the record");

    // A message held for a paused node is due at its arrival again, not at its old delivery.
    let q = "p=raft&n=3&seed=2&faults=pause:2:2s@1s";
    let mut m = Model::<Raft>::from_query(q);
    play_to(&mut m, 4 * SEC);
    m.travel_to_time(1_500_000);
    m.menu_action(0, "crash");
    let fresh = fresh_at::<Raft>(&m.query(), m.sim.steps());
    let due = |h: &History| -> Vec<(u64, Micros)> {
        h.arrows
            .iter()
            .filter_map(|a| match a.end {
                End::Flying(d) if a.to == 2 => Some((a.id, d)),
                _ => None,
            })
            .collect()
    };
    assert!(!due(&m.history).is_empty());
    assert_eq!(due(&m.history), due(&fresh.history));
}

/// A fixed pseudo-random walk of page actions (a small LCG, so the test needs no RNG crate).
struct Walk(u64);
impl Walk {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Forty random actions (play, step, step back, travel by time and by step, every menu fault,
/// links, loss, back to the frontier, share), each checked against a fresh run of the URL.
fn walk<P: Playground>(q: &str, seed: u64, speed: f64) {
    let mut r = Walk(seed);
    let mut m = Model::<P>::from_query(q);
    m.speed = speed;
    let nodes = u64::from(m.scenario.nodes);
    let mut log = Vec::new();
    for _ in 0..40 {
        let (last, end) = m.frontier();
        let what = match r.below(11) {
            0 | 1 => {
                m.playing = true;
                for _ in 0..=r.below(6) {
                    m.frame(16.0 + r.below(40) as f64);
                }
                m.playing = false;
                "play".to_owned()
            }
            2 => {
                for _ in 0..=r.below(30) {
                    m.step();
                }
                "step".into()
            }
            3 => {
                m.step_back();
                "back".into()
            }
            4 => {
                let t = r.below(end + 1);
                m.travel_to_time(t);
                format!("time {t}")
            }
            5 => {
                let k = r.below(last + 1);
                m.travel_to_step(k);
                format!("step {k}")
            }
            6 => {
                let x = r.below(nodes) as u8;
                let keys = [
                    "crash",
                    "restart",
                    "pause",
                    "isolate",
                    "write",
                    "drift-fast",
                    "drift-true",
                    "slow",
                    "failfast",
                    "recover",
                ];
                let key = keys[r.below(keys.len() as u64) as usize];
                m.menu_action(x, key);
                format!("{key} {x}")
            }
            7 => {
                let (a, b) = (r.below(nodes) as u8, r.below(nodes) as u8);
                m.toggle_link(a, b);
                format!("link {a} {b}")
            }
            8 => {
                m.set_loss([0, 100_000, 300_000][r.below(3) as usize]);
                "loss".into()
            }
            9 => {
                m.back_to_frontier();
                "frontier".into()
            }
            _ => {
                let _ = m.share_query();
                "share".into()
            }
        };
        log.push(what);
        check_against_fresh(&m, &format!("{} seed {seed}: {log:?}", P::KIND.name()));
    }
}

#[test]
fn random_walks_of_page_actions_always_show_what_a_fresh_run_of_the_url_shows() {
    use halab_core::{lb::Lb, paxos::Paxos, txn::Txn};
    for seed in 0..24 {
        walk::<Raft>(
            "p=raft&n=4&seed=7&rate=30&loss=0.05&faults=crash:1@700ms,restart:1@1.3s,pause:2:300ms@1.6s",
            seed,
            2.0,
        );
    }
    for seed in 0..6 {
        walk::<Lock>("p=lock&n=4&seed=1&faults=pause:2:2s@900ms", seed, 30.0);
        walk::<Paxos>(
            "p=paxos&n=5&seed=4&rate=6&faults=crash:leader@1.5s,restart:0@3s,restart:1@3s",
            seed,
            15.0,
        );
        walk::<Txn>("p=txn&n=4&seed=1&faults=crash:0@840ms,restart:0@6s", seed, 30.0);
        walk::<Lb>("p=lb&n=6&seed=1&rps=300&workers=4&svc=40ms&algo=least&faults=failfast:3@2s", seed, 4.0);
        walk::<Raft>(
            "p=raft&n=3&seed=157&el=100ms-102ms&bugs=forget&faults=crash:2@104ms,restart:2@106ms",
            seed,
            0.5,
        );
    }
}
