//! The Paxos playground: what Paxos adds to the shared [`crate::playground`] page — proposer
//! phases and message colours, each node's promise, the slots (chosen values and what every
//! acceptor accepted), the proposers' ballots, and the variant, proposer and backoff settings.

pub mod panels;
pub mod view;

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
    const TITLE: &'static str = "Paxos";
    const PRESETS: &'static [Preset] = PAXOS_PRESETS;
    const BUGS: &'static [(&'static str, &'static str)] = PAXOS_BUG_NAMES;
    const INVARIANTS: &'static [&'static str] = &[ONE_VALUE, ONLY_PROPOSED, LEARN_CHOSEN, STABLE_PREFIX];
    const ROLES: &'static [(&'static str, &'static str)] = &[
        ("acceptor", "acceptor only"),
        ("proposer", "idle proposer"),
        ("preparing", "phase 1"),
        ("proposing", "phase 2"),
        ("leader", "Multi-Paxos leader"),
    ];
    const MESSAGES: &'static [(&'static str, &'static str)] = &[
        ("msg-prepare", "Prepare"),
        ("msg-promise", "Promise (big: reports accepted values)"),
        ("msg-nack no", "Nack"),
        ("msg-accept", "Accept (big: a client value)"),
        ("msg-accepted", "Accepted"),
        ("msg-heartbeat", "Heartbeat"),
        ("msg-catchup", "CatchUp"),
        ("msg-decided", "Decided"),
        ("msg-snap", "Snapshot"),
    ];
    const TIMER: &'static str = "retry or leader timeout left";
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
                { "Paxos gets a majority of acceptors to agree despite crashes and lost messages. " }
                <span class={now(single)}>{ "Single-decree Paxos chooses one value" }</span>
                { "; " }
                <span class={now(!single)}>{ "Multi-Paxos chooses a log of them, one per slot, with a leader that runs phase 1 once and then only phase 2 per client write" }</span>
                { "." }
            </>
        }
    }

    fn detail(m: &Model<Paxos>, _act: &Act<Paxos>) -> Html {
        html! {
            <section class="card detail slots-card">
                <h2>{ "Slots" }<span class="muted">{ " — the chosen row has each slot's value once a majority accepted it; \
                    below, each acceptor's promise and the value and ballot it accepted, coloured by round; \
                    olive \"learned\": chosen, and the acceptor has forgotten its ballot" }</span></h2>
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
