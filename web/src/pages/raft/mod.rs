//! The Raft playground: what Raft adds to the shared [`crate::playground`] page — its roles
//! and message colours, each node's term and vote with the election timer, and the replicated
//! logs side by side.

pub mod view;

use crate::learn::Goal;
use crate::playground::{Act, Model, NodeFacts, Playground};
use crate::widgets::log::{log_table, LogTableProps};
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
use yew::prelude::*;

impl Playground for Raft {
    const KIND: ProtocolKind = ProtocolKind::Raft;
    const TITLE: &'static str = "Raft";
    const PRESETS: &'static [Preset] = RAFT_PRESETS;
    const BUGS: &'static [(&'static str, &'static str)] = BUG_NAMES;
    const INVARIANTS: &'static [&'static str] =
        &[ELECTION_SAFETY, LOG_MATCHING, LEADER_COMPLETENESS, STATE_MACHINE_SAFETY];
    const ROLES: &'static [(&'static str, &'static str)] =
        &[("follower", "follower"), ("candidate", "candidate"), ("leader", "leader")];
    const MESSAGES: &'static [(&'static str, &'static str)] = &[
        ("msg-rv", "RequestVote"),
        ("msg-vote", "Vote (hollow: refused)"),
        ("msg-ae", "AppendEntries (big: with entries)"),
        ("msg-ar", "AppendReply (hollow: retry)"),
        ("msg-snap", "InstallSnapshot"),
    ];
    const TIMER: &'static str = "election timer left";

    fn sim(s: &Scenario) -> Sim<Raft> {
        s.raft_sim()
    }

    fn bug_flag<'a>(s: &'a mut Scenario, name: &str) -> Option<&'a mut bool> {
        s.bugs.flag_mut(name)
    }

    fn goal(m: &Model<Raft>, goal: Goal, clicked: &[Scheduled]) -> bool {
        match goal {
            // A leader span that begins after the first crash the reader clicked.
            Goal::NewLeader => clicked
                .iter()
                .filter(|f| matches!(f.fault, Fault::Crash(_) | Fault::CrashLeader))
                .map(|f| f.at)
                .min()
                .is_some_and(|t| m.history.spans.iter().flatten().any(|s| s.role == "leader" && s.from > t)),
            Goal::TwoLeaders => {
                let c = m.sim.cluster();
                (0..m.scenario.nodes).filter(|&i| c.state(i).is_some_and(RaftState::is_leader)).count() >= 2
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
            Some(l) => (l, format!("the leader, node {l}")),
            None => (0, "node 0 (no leader yet; it will redirect)".to_owned()),
        }
    }

    fn lede(_m: &Model<Raft>) -> Html {
        html! {
            { "Raft elects a leader and replicates a log. Click a node to crash, pause or isolate it, \
               click a link to cut it, and watch whether the safety invariants still hold." }
        }
    }

    fn detail(m: &Model<Raft>, _act: &Act<Raft>) -> Html {
        let (first, rows) = view::log(m);
        html! {
            <section class="card detail logs">
                <h2>{ "Logs" }<span class="muted">{ " — one row per node, entries coloured by term; solid = committed" }</span></h2>
                { log_table(&LogTableProps { first, rows }) }
            </section>
        }
    }
}

#[cfg(test)]
mod tests;
