//! The atomic commit playground: what two-phase and three-phase commit add to the shared
//! [`crate::playground`] page — a coordinator and its participants with their own roles and
//! message colours, each participant's phase on its current transaction with the time it has
//! been blocked in doubt (locks held), the coordinator's stage and tally, the timeline of states
//! and outcomes under the picture, the participants' blocked times and the recent transactions'
//! outcomes per node, the explainer, a note under a red verdict saying whether 3PC itself or a bug
//! switch broke it, and the 2PC/3PC, no-vote and vote-timeout settings.

pub mod panels;
pub mod view;

use crate::learn::Goal;
use crate::playground::{Act, Model, NodeFacts, Playground};
use crate::widgets::timeline::timeline_panel;
use halab_core::protocol::SEC;
use halab_core::protocol::{Micros, NodeId};
use halab_core::scenario::presets::{Preset, TXN_PRESETS};
use halab_core::scenario::{ProtocolKind, Scenario};
use halab_core::sim::fault::{Fault, Scheduled};
use halab_core::sim::Sim;
use halab_core::txn::invariants::TXN_INVARIANTS;
use halab_core::txn::{Txn, TxnChecker, TxnMode, TxnMsg, TxnState, COORDINATOR, TXN_BUG_NAMES};
use yew::prelude::*;

impl Playground for Txn {
    const KIND: ProtocolKind = ProtocolKind::Txn;
    const TITLE: &'static str = "Commit";
    const PRESETS: &'static [Preset] = TXN_PRESETS;
    const BUGS: &'static [(&'static str, &'static str)] = TXN_BUG_NAMES;
    const INVARIANTS: &'static [&'static str] = TXN_INVARIANTS;
    const ROLES: &'static [(&'static str, &'static str)] = &[
        ("coordinator", "coordinator"),
        ("idle", "participant, nothing open"),
        ("working", "logging its yes vote"),
        ("in-doubt", "in doubt: voted yes, locks held"),
        ("precommitted", "pre-committed (3PC)"),
    ];
    const MESSAGES: &'static [(&'static str, &'static str)] = &[
        ("msg-prepare", "Prepare"),
        ("msg-yes", "Yes vote"),
        ("msg-no no", "No vote"),
        ("msg-precommit", "PreCommit (small: PreAck)"),
        ("msg-commit data", "Commit"),
        ("msg-abort data", "Abort"),
        ("msg-ack ack", "Ack"),
        ("msg-ask", "Ask / Query (small: Report)"),
    ];
    const LABEL_CLASSES: &'static [(&'static str, &'static str)] = &[
        ("No", "msg-no no"),
        ("PreAck", "msg-precommit"),
        ("Query", "msg-ask"),
        ("Report", "msg-ask"),
        ("Ack", "msg-ack"),
    ];
    const TIMER: &'static str = "timeout left (3PC: until it decides alone)";
    /// Room for "txn 12: pre-committed" beside a participant, even at a phone's caption size.
    const PICTURE_PAD: f64 = 70.0;
    /// Room for four caption lines above the coordinator and below a participant at the bottom.
    const PICTURE_PAD_Y: f64 = 40.0;
    /// A transaction's messages take a few milliseconds: at 0.1× one takes about a second to watch.
    const SPEED: f64 = 0.1;

    fn sim(s: &Scenario) -> Sim<Txn> {
        s.txn_sim()
    }

    fn bug_flag<'a>(s: &'a mut Scenario, name: &str) -> Option<&'a mut bool> {
        s.txn.bugs.flag_mut(name)
    }

    fn role(&self, s: &TxnState) -> &'static str {
        view::role(s)
    }

    fn msg_class(msg: &TxnMsg) -> &'static str {
        view::msg_class(msg)
    }

    fn node(m: &Model<Txn>, i: usize, role: &'static str) -> NodeFacts {
        view::node(m, i, role)
    }

    /// Never used: the coordinator makes its own transactions (no client-write button).
    fn write_target(_m: &Model<Txn>) -> (NodeId, String) {
        (COORDINATOR, "the coordinator starts its own transactions".to_owned())
    }

    fn node_name(&self, id: NodeId) -> String {
        self.config.name(id)
    }

    fn node_label(&self, id: NodeId) -> String {
        view::label(id)
    }

    /// Participants talk to the coordinator only.
    fn draws_link(&self, a: NodeId, _b: NodeId) -> bool {
        a == COORDINATOR
    }

    fn lede(m: &Model<Txn>) -> Html {
        let mode = match m.scenario.txn.mode {
            TxnMode::TwoPhase => "Two-phase commit",
            TxnMode::ThreePhase => "Three-phase commit",
        };
        html! {
            <>
                <b>{ mode }</b>
                { ": a coordinator asks every participant to vote, and the transaction commits only if all vote yes. \
                   Crash the coordinator after the votes and watch the participants sit in doubt with their locks \
                   held (2PC blocks); switch to 3PC and they decide on a timeout — until a partition splits them." }
            </>
        }
    }

    fn goal(m: &Model<Txn>, goal: Goal, clicked: &[Scheduled]) -> bool {
        match goal {
            // The reader crashed the coordinator, and a participant has been in doubt for a
            // second without a break (a healthy run's doubts last milliseconds each, however
            // many add up).
            Goal::InDoubt => {
                let crashed = clicked.iter().any(|f| matches!(f.fault, Fault::Crash(COORDINATOR)));
                let now = m.sim.now();
                crashed
                    && m.sim.checker_as::<TxnChecker>().is_some_and(|c| {
                        (1..m.scenario.nodes)
                            .any(|p| c.in_doubt_since(p).is_some_and(|t| now.saturating_sub(t) >= SEC))
                    })
            }
            _ => false,
        }
    }

    fn verdict_note(m: &Model<Txn>) -> Html {
        match view::verdict_kind(m) {
            Some(kind) => panels::verdict_note(&panels::VerdictNoteProps { kind }),
            None => Html::default(),
        }
    }

    fn under_picture(m: &Model<Txn>) -> Html {
        timeline_panel(
            view::timeline(m),
            "each node's state",
            "commits and aborts",
            view::timeline_legend(m.scenario.txn.mode),
            "commit states over time",
        )
    }

    fn detail(m: &Model<Txn>, _act: &Act<Txn>) -> Html {
        let (committed, aborted) = view::counts(m);
        let participants = m.scenario.nodes.saturating_sub(1);
        html! {
            <section class="card detail txn-detail">
                <div class="txn-tables">
                    { panels::participants(&panels::ParticipantsProps { rows: view::participants(m), committed, aborted }) }
                    { panels::transactions(&panels::TransactionsProps { rows: view::transactions(m), participants }) }
                </div>
                { panels::explainer() }
            </section>
        }
    }

    fn settings(m: &Model<Txn>, act: &Act<Txn>) -> Html {
        let t = &m.scenario.txn;
        html! {
            { panels::txn_settings(&panels::TxnSettingsProps {
                mode: t.mode,
                no_percent: t.no_percent,
                timeout: t.vote_timeout,
                on_mode: act.on(|m, mode: TxnMode| m.reconfigure(|s| s.txn.mode = mode)),
                on_no: act.on(|m, no: u8| m.reconfigure(|s| s.txn.no_percent = no)),
                on_timeout: act.on(|m, t: Micros| m.reconfigure(|s| s.txn.vote_timeout = t)),
            }) }
        }
    }
}

#[cfg(test)]
mod tests;
