//! The atomic commit playground: what two-phase and three-phase commit add to the shared
//! [`crate::playground`] page — a coordinator and its participants with their own roles and
//! message colours, each participant's phase on its current transaction with the time it has
//! been blocked in doubt (locks held), the coordinator's stage and tally, the timeline of states
//! and outcomes under the picture, the participants' blocked times and the recent transactions'
//! outcomes per node, the explainer, a note under a red verdict saying whether 3PC itself or a bug
//! switch broke it, and the 2PC/3PC, no-vote and vote-timeout settings.

pub mod panels;
pub mod view;

use crate::i18n::Text;
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
    const TITLE: Text = txt!("Commit", "提交");
    const PRESETS: &'static [Preset] = TXN_PRESETS;
    const BUGS: &'static [(&'static str, &'static str)] = TXN_BUG_NAMES;
    const INVARIANTS: &'static [&'static str] = TXN_INVARIANTS;
    const ROLES: &'static [(&'static str, Text)] = &[
        ("coordinator", txt!("coordinator", "协调者")),
        ("idle", txt!("participant, nothing open", "参与者，无未决事务")),
        ("working", txt!("logging its yes vote", "正在记录赞成票")),
        ("in-doubt", txt!("in doubt: voted yes, locks held", "不确定：已投赞成票，持有锁")),
        ("precommitted", txt!("pre-committed (3PC)", "已预提交（3PC）")),
    ];
    const MESSAGES: &'static [(&'static str, Text)] = &[
        ("msg-prepare", txt!("Prepare", "Prepare（准备）")),
        ("msg-yes", txt!("Yes vote", "Yes（赞成票）")),
        ("msg-no no", txt!("No vote", "No（反对票）")),
        ("msg-precommit", txt!("PreCommit (small: PreAck)", "PreCommit（预提交；小：PreAck）")),
        ("msg-commit data", txt!("Commit", "Commit（提交）")),
        ("msg-abort data", txt!("Abort", "Abort（中止）")),
        ("msg-ack ack", txt!("Ack", "Ack（确认）")),
        ("msg-ask", txt!("Ask / Query (small: Report)", "Ask / Query（询问；小：Report 报告）")),
    ];
    const LABEL_CLASSES: &'static [(&'static str, &'static str)] = &[
        ("No", "msg-no no"),
        ("PreAck", "msg-precommit"),
        ("Query", "msg-ask"),
        ("Report", "msg-ask"),
        ("Ack", "msg-ack"),
    ];
    const TIMER: Text = txt!("timeout left (3PC: until it decides alone)", "超时剩余（3PC：到自行决定为止）");
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
        (COORDINATOR, tr!("the coordinator starts its own transactions", "协调者自己发起事务").to_owned())
    }

    fn node_name(&self, id: NodeId) -> String {
        crate::i18n::zh_core::msg(&self.config.name(id))
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
            TxnMode::TwoPhase => tr!("Two-phase commit", "两阶段提交"),
            TxnMode::ThreePhase => tr!("Three-phase commit", "三阶段提交"),
        };
        html! {
            <>
                <b>{ mode }</b>
                { tr!(
                    ": a coordinator asks every participant to vote, and the transaction commits only if all vote yes. \
                     Crash the coordinator after the votes and watch the participants sit in doubt with their locks \
                     held (2PC blocks); switch to 3PC and they decide on a timeout — until a partition splits them.",
                    "：协调者请每个参与者投票，只有全部投赞成票，事务才提交。在投票之后让协调者崩溃，\
                     就能看到参与者持有锁、陷入不确定状态（2PC 阻塞）；切换到 3PC，它们会在超时后自行决定——\
                     直到一次网络分区把它们分裂。"
                ) }
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
            tr!("each node's state", "各节点的状态"),
            tr!("commits and aborts", "提交与中止"),
            view::timeline_legend(m.scenario.txn.mode),
            tr!("commit states over time", "提交状态随时间的变化"),
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
