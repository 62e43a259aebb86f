//! The Raft playground: what Raft adds to the shared [`crate::playground`] page — its roles
//! and message colours, each node's term and vote with the election timer, and the replicated
//! logs side by side.

pub mod view;

use crate::i18n::Text;
use crate::learn::Goal;
use crate::playground::history::Span;
use crate::playground::{Act, Model, NodeFacts, Playground};
use crate::widgets::log::{log_table, LogTableProps};
use halab_core::protocol::Micros;
use halab_core::protocol::NodeId;
use halab_core::raft::invariants::{
    ELECTION_SAFETY, LEADER_COMPLETENESS, LOG_MATCHING, STATE_MACHINE_SAFETY,
};
use halab_core::raft::{Msg, Raft, RaftState};
use halab_core::scenario::presets::{Preset, RAFT_PRESETS};
use halab_core::scenario::url::BUG_NAMES;
use halab_core::scenario::{ProtocolKind, Scenario};
use halab_core::sim::fault::{Fault, Scheduled};
use halab_core::sim::Sim;
use std::collections::VecDeque;
use yew::prelude::*;

impl Playground for Raft {
    const KIND: ProtocolKind = ProtocolKind::Raft;
    const TITLE: Text = txt!("Raft", "Raft");
    const PRESETS: &'static [Preset] = RAFT_PRESETS;
    const BUGS: &'static [(&'static str, &'static str)] = BUG_NAMES;
    const INVARIANTS: &'static [&'static str] =
        &[ELECTION_SAFETY, LOG_MATCHING, LEADER_COMPLETENESS, STATE_MACHINE_SAFETY];
    const ROLES: &'static [(&'static str, Text)] = &[
        ("follower", txt!("follower", "跟随者")),
        ("candidate", txt!("candidate", "候选者")),
        ("leader", txt!("leader", "领导者")),
    ];
    const MESSAGES: &'static [(&'static str, Text)] = &[
        ("msg-rv", txt!("RequestVote", "RequestVote（请求投票）")),
        ("msg-vote", txt!("Vote (hollow: refused)", "Vote（空心：拒绝）")),
        ("msg-ae", txt!("AppendEntries (big: with entries)", "AppendEntries（大：带日志条目）")),
        ("msg-ar", txt!("AppendReply (hollow: retry)", "AppendReply（空心：重试）")),
        ("msg-snap", txt!("InstallSnapshot", "InstallSnapshot（安装快照）")),
    ];
    const TIMER: Text = txt!("election timer left", "选举计时器剩余");

    fn sim(s: &Scenario) -> Sim<Raft> {
        s.raft_sim()
    }

    fn bug_flag<'a>(s: &'a mut Scenario, name: &str) -> Option<&'a mut bool> {
        s.bugs.flag_mut(name)
    }

    fn goal(m: &Model<Raft>, goal: Goal, clicked: &[Scheduled]) -> bool {
        // Judged on the record of roles (`history`), not on the state at the instant shown, so
        // a link replayed past the moment, or a frame that skipped it, judges the same.
        let spans = &m.history.spans;
        match goal {
            // A crash the reader clicked hit the leader, and another node led after it.
            Goal::NewLeader => clicked.iter().any(|f| {
                let victim = match f.fault {
                    Fault::Crash(x) => Some(x),
                    Fault::CrashLeader => leader_before(spans, f.at),
                    _ => None,
                };
                victim.is_some_and(|v| {
                    role_before(spans, v, f.at) == Some("leader")
                        && spans.iter().enumerate().any(|(n, s)| {
                            n != usize::from(v) && s.iter().any(|s| s.role == "leader" && s.from > f.at)
                        })
                })
            }),
            // Two nodes' leader spans overlap in time.
            Goal::TwoLeaders => {
                let led: Vec<Vec<(Micros, Micros)>> = spans.iter().map(leading).collect();
                led.iter().enumerate().any(|(a, xs)| {
                    led.iter()
                        .skip(a + 1)
                        .any(|ys| xs.iter().any(|x| ys.iter().any(|y| x.0 < y.1 && y.0 < x.1)))
                })
            }
            _ => false,
        }
    }

    fn role(&self, s: &RaftState) -> &'static str {
        s.role.name()
    }

    fn msg_class(msg: &Msg) -> &'static str {
        match msg {
            Msg::RequestVote { .. } => "msg-rv",
            Msg::Vote { granted: true, .. } => "msg-vote",
            Msg::Vote { granted: false, .. } => "msg-vote no",
            Msg::Append { entries, .. } if entries.is_empty() => "msg-ae",
            Msg::Append { .. } => "msg-ae data",
            Msg::AppendReply { success: true, .. } => "msg-ar",
            Msg::AppendReply { success: false, .. } => "msg-ar no",
            Msg::InstallSnapshot { .. } => "msg-snap",
        }
    }

    fn node(m: &Model<Raft>, i: usize, role: &'static str) -> NodeFacts {
        view::node(m, i, role)
    }

    /// The highest-term leader, else node 0 (which will redirect).
    fn write_target(m: &Model<Raft>) -> (NodeId, String) {
        let leader = m
            .sim
            .cluster()
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.state.as_ref().map(|s| (i, s)))
            .filter(|(_, s)| s.is_leader())
            .max_by_key(|(i, s)| (s.term, std::cmp::Reverse(*i)))
            .map(|(i, _)| i as NodeId);
        match leader {
            Some(l) => (l, trf!("the leader, node {l}", "领导者（节点 {l}）")),
            None => (
                0,
                tr!("node 0 (no leader yet; it will redirect)", "节点 0（尚无领导者；它会转发）").to_owned(),
            ),
        }
    }

    fn lede(_m: &Model<Raft>) -> Html {
        html! {
            { tr!(
                "Raft elects a leader and replicates a log. Click a node to crash, pause or isolate it, \
                 click a link to cut it, and watch whether the safety invariants still hold.",
                "Raft 选出一个领导者并复制日志。点击节点可让它崩溃、暂停或被隔离，\
                 点击连线可切断它，然后观察各项安全不变式是否依然成立。"
            ) }
        }
    }

    fn detail(m: &Model<Raft>, _act: &Act<Raft>) -> Html {
        let (first, rows) = view::log(m);
        html! {
            <section class="card detail logs">
                <h2>{ tr!("Logs", "日志") }<span class="muted">{ tr!(
                    " — one row per node, entries coloured by term; solid = committed",
                    " — 每个节点一行，条目按任期着色；实心 = 已提交"
                ) }</span></h2>
                { log_table(&LogTableProps { first, rows }) }
            </section>
        }
    }
}

#[cfg(test)]
mod tests;

/// Node `n`'s role just before instant `t`, from the record.
fn role_before(spans: &[VecDeque<Span>], n: NodeId, t: Micros) -> Option<&'static str> {
    spans.get(usize::from(n))?.iter().take_while(|s| s.from < t).last().map(|s| s.role)
}

/// The lowest node that led just before `t` (what `crash:leader` picks).
fn leader_before(spans: &[VecDeque<Span>], t: Micros) -> Option<NodeId> {
    (0..spans.len()).find_map(|n| {
        let n = NodeId::try_from(n).ok()?;
        (role_before(spans, n, t) == Some("leader")).then_some(n)
    })
}

/// The stretches of time a node's record shows it leading, `(from, until)`.
fn leading(spans: &VecDeque<Span>) -> Vec<(Micros, Micros)> {
    spans
        .iter()
        .enumerate()
        .filter(|(_, s)| s.role == "leader")
        .map(|(i, s)| (s.from, spans.get(i + 1).map_or(Micros::MAX, |next| next.from)))
        .collect()
}
