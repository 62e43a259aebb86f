//! The Paxos playground: what Paxos adds to the shared [`crate::playground`] page — proposer
//! phases and message colours, each node's promise, the slots (chosen values and what every
//! acceptor accepted), the proposers' ballots, and the variant, proposer and backoff settings.

pub mod panels;
pub mod view;

use crate::i18n::Text;
use crate::playground::{Act, Model, NodeFacts, Playground};
use halab_core::paxos::invariants::{LEARN_CHOSEN, ONE_VALUE, ONLY_PROPOSED, STABLE_PREFIX};
use halab_core::paxos::{Mode, Msg, Paxos, PaxosState, Phase, Value, PAXOS_BUG_NAMES};
use halab_core::protocol::NodeId;
use halab_core::scenario::presets::{Preset, PAXOS_PRESETS};
use halab_core::scenario::{limits, ProtocolKind, Scenario};
use halab_core::sim::Sim;
use yew::prelude::*;

impl Playground for Paxos {
    const KIND: ProtocolKind = ProtocolKind::Paxos;
    const TITLE: Text = txt!("Paxos", "Paxos");
    const PRESETS: &'static [Preset] = PAXOS_PRESETS;
    const BUGS: &'static [(&'static str, &'static str)] = PAXOS_BUG_NAMES;
    const INVARIANTS: &'static [&'static str] = &[ONE_VALUE, ONLY_PROPOSED, LEARN_CHOSEN, STABLE_PREFIX];
    const ROLES: &'static [(&'static str, Text)] = &[
        ("acceptor", txt!("acceptor only", "仅接受者")),
        ("proposer", txt!("idle proposer", "空闲的提议者")),
        ("preparing", txt!("phase 1", "阶段 1")),
        ("proposing", txt!("phase 2", "阶段 2")),
        ("leader", txt!("Multi-Paxos leader", "Multi-Paxos 领导者")),
    ];
    const MESSAGES: &'static [(&'static str, Text)] = &[
        ("msg-prepare", txt!("Prepare", "Prepare（准备）")),
        ("msg-promise", txt!("Promise (big: reports accepted values)", "Promise（大：报告已接受的值）")),
        ("msg-nack no", txt!("Nack", "Nack（拒绝）")),
        ("msg-accept", txt!("Accept (big: a client value)", "Accept（大：客户端的值）")),
        ("msg-accepted", txt!("Accepted", "Accepted（已接受）")),
        ("msg-heartbeat", txt!("Heartbeat", "Heartbeat（心跳）")),
        ("msg-catchup", txt!("CatchUp", "CatchUp（追赶）")),
        ("msg-decided", txt!("Decided", "Decided（已决定）")),
        ("msg-snap", txt!("Snapshot", "Snapshot（快照）")),
    ];
    const TIMER: Text = txt!("retry or leader timeout left", "重试或领导者超时剩余");
    /// Room for "promise 123.4" beside the side nodes, even at a phone's caption size.
    const PICTURE_PAD: f64 = 72.0;

    fn sim(s: &Scenario) -> Sim<Paxos> {
        s.paxos_sim()
    }

    fn bug_flag<'a>(s: &'a mut Scenario, name: &str) -> Option<&'a mut bool> {
        s.paxos.bugs.flag_mut(name)
    }

    /// There are never more proposers than nodes.
    fn fit(s: &mut Scenario) {
        s.paxos.proposers =
            s.paxos.proposers.min(limits::MAX_PROPOSERS).min(s.nodes).max(limits::MIN_PROPOSERS);
    }

    fn role(&self, s: &PaxosState) -> &'static str {
        match s.proposer.as_ref().map(|p| &p.phase) {
            None => "acceptor",
            Some(Phase::Idle) => "proposer",
            Some(Phase::Preparing { .. }) => "preparing",
            Some(Phase::Proposing { .. }) if self.config.mode == Mode::Multi => "leader",
            Some(Phase::Proposing { .. }) => "proposing",
        }
    }

    fn msg_class(msg: &Msg) -> &'static str {
        match msg {
            Msg::Prepare { .. } => "msg-prepare",
            Msg::Promise { accepted, .. } if accepted.is_empty() => "msg-promise",
            Msg::Promise { .. } => "msg-promise data",
            Msg::Nack { .. } => "msg-nack no",
            Msg::Accept { value: Value::Put { .. }, .. } => "msg-accept data",
            Msg::Accept { .. } => "msg-accept",
            Msg::Accepted { .. } => "msg-accepted",
            Msg::Heartbeat { .. } => "msg-heartbeat",
            Msg::CatchUp { .. } => "msg-catchup",
            Msg::Decided { .. } => "msg-decided",
            Msg::Snapshot { .. } => "msg-snap",
        }
    }

    fn node(m: &Model<Paxos>, i: usize, role: &'static str) -> NodeFacts {
        view::node(m, i, role)
    }

    fn write_target(m: &Model<Paxos>) -> (NodeId, String) {
        view::write_target(m)
    }

    fn lede(m: &Model<Paxos>) -> Html {
        let single = m.scenario.paxos.mode == Mode::Single;
        let now = |on: bool| classes!("variant", on.then_some("now"));
        html! {
            <>
                { tr!(
                    "Paxos gets a majority of acceptors to agree despite crashes and lost messages. ",
                    "Paxos 让多数派接受者在节点崩溃、消息丢失的情况下仍达成一致。"
                ) }
                <span class={now(single)}>{ tr!("Single-decree Paxos chooses one value", "单值 Paxos 选定一个值") }</span>
                { tr!("; ", "；") }
                <span class={now(!single)}>{ tr!(
                    "Multi-Paxos chooses a log of them, one per slot, with a leader that runs phase 1 once and then only phase 2 per client write",
                    "Multi-Paxos 选定一串值组成的日志，每个槽位一个，由一个领导者只运行一次阶段 1，之后每次客户端写入只需阶段 2"
                ) }</span>
                { tr!(".", "。") }
            </>
        }
    }

    fn detail(m: &Model<Paxos>, _act: &Act<Paxos>) -> Html {
        html! {
            <section class="card detail slots-card">
                <h2>{ tr!("Slots", "槽位") }<span class="muted">{ tr!(
                    " — the chosen row has each slot's value once a majority accepted it; \
                    below, each acceptor's promise and the value and ballot it accepted, coloured by round; \
                    olive \"learned\": chosen, and the acceptor has forgotten its ballot",
                    " — “已选定”一行在多数派接受某个值后显示该槽位的值；\
                    下方是每个接受者的承诺，以及它接受的值和选票编号，按轮次着色；\
                    橄榄色“已学到”：已选定，且该接受者已忘记其选票编号"
                ) }</span></h2>
                { panels::slot_table(&panels::SlotTableProps { slots: view::slots(m) }) }
            </section>
        }
    }

    fn under_picture(m: &Model<Paxos>) -> Html {
        panels::proposers(&panels::ProposersProps { rows: view::proposers(m) })
    }

    fn settings(m: &Model<Paxos>, act: &Act<Paxos>) -> Html {
        let p = &m.scenario.paxos;
        panels::paxos_settings(&panels::PaxosSettingsProps {
            mode: p.mode,
            proposers: p.proposers,
            max_proposers: limits::MAX_PROPOSERS.min(m.scenario.nodes),
            backoff: p.backoff,
            on_mode: act.on(|m, mode: Mode| m.reconfigure(|s| s.paxos.mode = mode)),
            on_proposers: act.on(|m, k: u8| m.reconfigure(|s| s.paxos.proposers = k)),
            on_backoff: act.on(|m, on: bool| m.reconfigure(|s| s.paxos.backoff = on)),
        })
    }
}

#[cfg(test)]
mod tests;
