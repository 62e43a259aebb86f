//! Raft on the shared model: elections, the election-safety bug, the log window.

use super::view::{log, LOG_WINDOW};
use crate::playground::{Model, Playground};
use halab_core::protocol::NodeId;
use halab_core::raft::Raft;

type M = Model<Raft>;

fn leader(m: &M) -> Option<NodeId> {
    m.sim
        .cluster()
        .nodes
        .iter()
        .position(|n| n.state.as_ref().is_some_and(|s| s.is_leader()))
        .map(|i| i as NodeId)
}

fn term(m: &M, i: NodeId) -> u64 {
    m.sim.cluster().nodes[i as usize].state.as_ref().map_or(0, |s| s.term)
}

#[test]
fn crashing_the_leader_elects_another_with_a_higher_term() {
    let mut m = M::from_query("seed=3&speed=100");
    assert!(Raft::write_target(&m).1.contains("no leader yet"));
    while leader(&m).is_none() {
        m.frame(16.0);
    }
    let old = leader(&m).unwrap_or(0);
    assert_eq!(Raft::write_target(&m), (old, format!("the leader, node {old}")));
    let old_term = term(&m, old);
    m.menu_action(old, "crash");
    for _ in 0..200 {
        m.frame(16.0);
        if leader(&m).is_some_and(|l| l != old) {
            break;
        }
    }
    let new = leader(&m).expect("a new leader");
    assert_ne!(new, old);
    assert!(term(&m, new) > old_term);
    assert!(m.notes.iter().any(|n| n.kind == "fault"));
    let commits = m.notes.iter().filter(|n| n.kind == "commit").count();
    assert!(commits <= 3, "runs of commit notes are merged");
    assert!(m.notes.iter().any(|n| n.kind == "role"));
}

#[test]
fn the_forget_bug_url_stops_on_a_violation() {
    let mut m = M::from_query(
        "n=3&seed=157&el=100ms-102ms&bugs=forget&faults=crash:2@104ms,restart:2@106ms&speed=100",
    );
    for _ in 0..100 {
        m.frame(16.0);
    }
    let v = m.sim.violation().expect("a violation");
    assert_eq!(v.invariant, "election safety");
    assert!(!m.playing);
    m.toggle_play();
    assert!(!m.playing, "a violated run stays stopped");
    m.toggle_bug("forget");
    assert!(!m.violated());
    assert_eq!(m.scenario.faults.len(), 2, "the script survives a bug toggle");
}

#[test]
fn log_window_shows_the_newest_indexes() {
    let mut m = M::from_query("n=3&seed=2&rate=50&speed=100");
    for _ in 0..60 {
        m.frame(16.0);
    }
    let (first, rows) = log(&m);
    assert!(first > 1, "enough writes to scroll");
    assert!(rows.iter().all(|r| r.terms.len() as u64 <= LOG_WINDOW));
}
