//! Time travel through the page model: landing, stepping both ways, playing back to the
//! frontier, forking, and what the record keeps for the diagram.

use super::*;
use crate::playground::history::End;
use halab_core::lock::Lock;
use halab_core::protocol::SEC;
use halab_core::raft::Raft;

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
