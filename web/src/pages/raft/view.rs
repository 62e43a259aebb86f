//! Raft's own view data: a node's term, vote and election timer, and the log table.

use crate::playground::view::{role_of, role_words, timer_left};
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
    let no_vote = || tr!("no vote", "未投票").to_owned();
    let vote = voted.map_or_else(no_vote, |v| trf!("voted {v}", "投给 {v}"));
    let term_line = trf!("term {term}", "任期 {term}");
    let caption = match role {
        "crashed" | "paused" => vec![role_words::<Raft>(role).to_owned(), term_line.clone()],
        _ => vec![term_line.clone(), vote],
    };
    let last = log.map_or(0, Log::last_index);
    let snap = log.map_or(0, Log::offset);
    let (role, vote) =
        (role_words::<Raft>(role), voted.map_or_else(no_vote, |v| trf!("voted for {v}", "投票给 {v}")));
    let snapshot = if snap > 0 {
        trf!(" (snapshot through {snap})", "（快照到索引 {snap}）")
    } else {
        String::new()
    };
    let title = trf!(
        "node {i}: {role}, term {term}, {vote}, log through index {last}{snapshot}, commit {commit}. Click for actions.",
        "节点 {i}：{role}，任期 {term}，{vote}，日志到索引 {last}{snapshot}，提交到 {commit}。点击查看操作。"
    );
    NodeFacts {
        term,
        caption,
        timer: timer_left(m, i, &Timer::Election, m.scenario.election_max),
        title,
        summary: term_line,
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
            LogRow {
                label: trf!("node {i}", "节点 {i}"),
                role,
                terms,
                commit,
                snapshot,
                dim: role == "crashed",
            }
        })
        .collect();
    (first, rows)
}
