//! Raft's own view data: a node's term, vote and election timer, and the log table.

use crate::playground::view::{role_of, timer_left};
use crate::playground::{Model, NodeFacts};
use crate::widgets::log::LogRow;
use halab_core::protocol::NodeId;
use halab_core::raft::{Log, Raft, Timer};

/// How many log indexes the table shows (the newest ones).
pub const LOG_WINDOW: u64 = 24;

/// The state a node shows: live, or for a crashed node the durable part (term, vote, log). A
/// crashed node's snapshot is committed, so its commit shows as the snapshot's index.
fn shown(m: &Model<Raft>, i: usize) -> (u64, Option<NodeId>, Option<&Log>, u64) {
    let node = &m.sim.cluster().nodes[i];
    match (&node.state, &node.durable) {
        (Some(s), _) => (s.term, s.voted_for, Some(&s.log), s.commit),
        (None, Some(d)) => (d.term, d.voted_for, Some(&d.log), d.log.offset()),
        (None, None) => (0, None, None, 0),
    }
}

/// Term and vote under the node, the election timer as its ring.
pub fn node(m: &Model<Raft>, i: usize, role: &'static str) -> NodeFacts {
    let (term, voted, log, commit) = shown(m, i);
    let vote = voted.map_or_else(|| "no vote".to_owned(), |v| format!("voted {v}"));
    let caption = match role {
        "crashed" | "paused" => vec![role.to_owned(), format!("term {term}")],
        _ => vec![format!("term {term}"), vote],
    };
    let last = log.map_or(0, Log::last_index);
    let snap = log.map_or(0, Log::offset);
    let title = format!(
        "node {i}: {role}, term {term}, {}, log through index {last}{}, commit {commit}. Click for actions.",
        voted.map_or_else(|| "no vote".to_owned(), |v| format!("voted for {v}")),
        if snap > 0 { format!(" (snapshot through {snap})") } else { String::new() }
    );
    NodeFacts {
        term,
        caption,
        timer: timer_left(m, i, &Timer::Election, m.scenario.election_max),
        title,
        summary: format!("term {term}"),
    }
}

/// The first index shown and one row per node.
pub fn log(m: &Model<Raft>) -> (u64, Vec<LogRow>) {
    let n = m.sim.cluster().len();
    let last = (0..n).filter_map(|i| shown(m, i).2.map(Log::last_index)).max().unwrap_or(0);
    let first = last.saturating_sub(LOG_WINDOW - 1).max(1);
    let rows = (0..n)
        .map(|i| {
            let (_, _, log, commit) = shown(m, i);
            let terms = (first..=last).map(|k| log.and_then(|l| l.get(k)).map(|e| e.term)).collect();
            let role = role_of(m, i);
            let snapshot = log.map_or(0, Log::offset);
            LogRow { label: format!("node {i}"), role, terms, commit, snapshot, dim: role == "crashed" }
        })
        .collect();
    (first, rows)
}
