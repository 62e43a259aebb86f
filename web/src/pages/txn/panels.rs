//! The commit page's own panels: each participant's blocked time, the recent transactions'
//! outcomes per node, the 2PC/3PC explainer, the note under a red verdict, and the mode, no-vote
//! and vote-timeout settings.

use super::view::{secs, Cell, ParticipantView, TxnRow};
use crate::widgets::controls::choice;
use halab_core::protocol::{Micros, MS, SEC};
use halab_core::scenario::units::format_duration;
use halab_core::txn::TxnMode;
use yew::prelude::*;

/// `1 commit`, `3 aborts`.
pub fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[derive(Properties, PartialEq)]
pub struct ParticipantsProps {
    pub rows: Vec<ParticipantView>,
    pub committed: u64,
    pub aborted: u64,
}

/// Where each participant stands and how long it has been blocked in doubt, holding its locks.
pub fn participants(p: &ParticipantsProps) -> Html {
    let rows = p.rows.iter().map(|r| {
        let doubt = r.in_doubt.map_or_else(|| "—".to_owned(), secs);
        html! {
            <tr data-testid={format!("participant-{}", r.id)} data-role={r.role}
                data-doubt={r.in_doubt.unwrap_or(0).to_string()} data-blocked={r.blocked.to_string()}
                class={classes!(r.role, r.in_doubt.is_some().then_some("blocked"))}>
                <th scope="row" title={r.name.clone()}><span class={classes!("dot", r.role)}></span>{ format!("P{}", r.id) }</th>
                <td>{ &r.text }</td>
                <td class="num now">{ doubt }</td>
                <td class="num">{ secs(r.blocked) }</td>
            </tr>
        }
    });
    html! {
        <div class="txn-participants">
            <h2>{ "Participants" }<span class="muted">{ " — time blocked in doubt, holding locks" }</span></h2>
            <p class="txn-sum" data-testid="txn-sum" data-committed={p.committed.to_string()}
                data-aborted={p.aborted.to_string()}>
                { format!("the coordinator decided {} · {}", plural(p.committed, "commit"), plural(p.aborted, "abort")) }
            </p>
            <div class="table-scroll">
                <table class="blocked-table" data-testid="participants">
                    <thead><tr><th scope="col"></th><th scope="col">{ "now" }</th>
                        <th scope="col" class="num" title="in doubt without a break, until now">{ "in doubt for" }</th>
                        <th scope="col" class="num" title="time in doubt since the run began">{ "in all" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </div>
    }
}

fn glyph(state: &str) -> &'static str {
    match state {
        "committed" => "✓",
        "aborted" => "✕",
        "in-doubt" => "?",
        "precommitted" => "◐",
        "working" | "deciding" => "…",
        _ => "·",
    }
}

fn cell_title(c: &Cell, who: &str) -> String {
    let when = c.at.map(|t| format!(" at {:.3} s", t as f64 / 1e6)).unwrap_or_default();
    let what = match c.state {
        "committed" => "committed",
        "aborted" => "aborted",
        "in-doubt" => "in doubt: voted yes, no outcome yet",
        "precommitted" => "pre-committed",
        "working" => "logging its yes vote",
        "deciding" => "deciding",
        _ => "no record",
    };
    format!("{who}: {what}{when}")
}

fn cell(c: &Cell, who: String) -> Html {
    html! {
        <td class={classes!("cell", c.state)} data-node={c.node.to_string()} data-state={c.state}
            data-at={c.at.map(|t| t.to_string())} title={cell_title(c, &who)}>{ glyph(c.state) }</td>
    }
}

#[derive(Properties, PartialEq)]
pub struct TransactionsProps {
    /// Newest first.
    pub rows: Vec<TxnRow>,
    /// Participants in the cluster (the columns).
    pub participants: u8,
}

/// The newest transactions, one row each, with what every node did: a split transaction (one
/// committed, another aborted) stands out.
pub fn transactions(p: &TransactionsProps) -> Html {
    let heads = (1..=p.participants)
        .map(|k| html! { <th scope="col" title={format!("participant {k}")}>{ format!("P{k}") }</th> });
    let rows = p.rows.iter().map(|r| {
        let cells = r.participants.iter().map(|c| cell(c, format!("participant {}", c.node)));
        let has = |state: &str| r.participants.iter().any(|c| c.state == state);
        let (verdict, why) = match r.outcome {
            "committed" => ("committed", ""),
            "aborted" => ("aborted", ""),
            "split" if has("committed") && has("aborted") => {
                ("SPLIT", "one participant committed, another aborted")
            }
            "split" => ("SPLIT (C)", "the coordinator decided one way, a participant the other"),
            _ => ("undecided", ""),
        };
        html! {
            <tr data-testid={format!("txn-{}", r.txn)} data-outcome={r.outcome} class={r.outcome}>
                <th scope="row">{ r.txn }</th>
                { cell(&r.coordinator, "coordinator".to_owned()) }
                { for cells }
                <td class="verdict" title={(!why.is_empty()).then_some(why)}>{ verdict }</td>
            </tr>
        }
    });
    html! {
        <div class="txn-outcomes">
            <h2>{ "Transactions" }<span class="muted">{ " — newest first; ✓ committed, ✕ aborted, ? in doubt, ◐ pre-committed" }</span></h2>
            if p.rows.is_empty() {
                <p class="muted" data-testid="transactions">{ "No transaction has started yet." }</p>
            } else {
                <div class="table-scroll">
                    <table class="txn-table" data-testid="transactions">
                        <thead><tr><th scope="col">{ "txn" }</th><th scope="col" title="coordinator">{ "C" }</th>
                            { for heads }<th scope="col">{ "outcome" }</th></tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                </div>
            }
        </div>
    }
}

/// 2PC's blocking, 3PC's remedy and its limit, and what real systems do.
pub fn explainer() -> Html {
    html! {
        <div class="txn-explainer" data-testid="explainer">
            <h2>{ "Why 2PC blocks, and why 3PC is not the fix" }</h2>
            <p><b>{ "Two-phase commit" }</b>{ " (Gray, 1978): the coordinator asks every participant to prepare; each \
                forces its vote to its log, then votes. Only if all vote yes does the coordinator log COMMIT and tell \
                them. A participant that voted yes is " }<i>{ "in doubt" }</i>{ ": it promised to commit if told, so \
                it may not abort alone, and it cannot commit alone either, since another participant may have voted \
                no. It holds its locks and asks. If the coordinator dies after the votes, everyone waits for it to \
                come back — 2PC " }<b>{ "blocks" }</b>{ ". Try " }<i>{ "2PC blocks" }</i>{ " and watch the counters." }</p>
            <p><b>{ "Three-phase commit" }</b>{ " (Skeen, 1981) puts a PreCommit round between the votes and the \
                commit, so that nobody commits while anyone is still uncertain. A participant that hears nothing \
                can then decide on a timeout: uncertain → abort, pre-committed → commit. With crashes only and \
                messages that arrive in bounded time, nobody blocks." }</p>
            <p><b>{ "Its limit:" }</b>{ " a timeout cannot tell a crashed coordinator from one on the other side of \
                a partition (or a lost message). Cut the network just after PreCommit reaches some participants, \
                and they commit on their timeout while the others, correctly by the same rules, abort. That is " }
                <i>{ "3PC splits" }</i>{ ": the protocol working as designed outside its assumptions, not a bug." }</p>
            <p><b>{ "What real systems do:" }</b>{ " keep two-phase commit, but make the decision survive failures \
                by running it through consensus. Paxos Commit replicates every vote with Paxos, so a majority of \
                acceptors can finish a transaction without the coordinator; Spanner's coordinator and participants \
                are each a Paxos-replicated group, so a crashed coordinator is replaced by a new leader that has \
                the log." }</p>
            <p class="muted">{ "Sources: J. Gray, Notes on Data Base Operating Systems (1978); D. Skeen, Nonblocking \
                Commit Protocols (SIGMOD 1981); " }
                <a href="https://arxiv.org/abs/cs/0408036" target="_blank" rel="noopener">
                    { "J. Gray & L. Lamport, Consensus on Transaction Commit (2006)" }</a>
                { "; J. Corbett et al., Spanner (OSDI 2012). Presumed abort, used here: C. Mohan et al. (1986)." }</p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct VerdictNoteProps {
    /// `protocol`: the protocol's own limit; `bug`: a bug switch did it.
    pub kind: &'static str,
}

/// A few words under a red verdict.
pub fn verdict_note(p: &VerdictNoteProps) -> Html {
    match p.kind {
        "protocol" => html! {
            <p class="verdict-note" data-testid="verdict-note" data-kind="protocol">
                <b>{ "Not a bug: this is three-phase commit itself." }</b>
                { " The participants that got PreCommit went on to commit; those cut off before it, still \
                   uncertain, aborted when their timeout fired — each by 3PC's rules. A timeout cannot tell a \
                   crashed coordinator from a partition or a lost message, so 3PC is only safe when neither \
                   happens. Real systems commit through consensus (Paxos Commit, a Paxos- or Raft-replicated \
                   coordinator) instead." }
            </p>
        },
        _ => html! {
            <p class="verdict-note" data-testid="verdict-note" data-kind="bug">
                <b>{ "The bug switch did it:" }</b>
                { " with " }<code>{ "committimeout" }</code>{ " the coordinator commits when the vote timeout fires, \
                   although a vote never came. Switch it off and the same run aborts." }
            </p>
        },
    }
}

/// Choices for the share of no votes, in percent.
pub const NO_PERCENTS: &[u8] = &[0, 5, 10, 25, 50];
/// Choices for the vote timeout. Three-phase commit is safe only while a late vote arrives before
/// a participant's own 1.5 s decision timeout, so the choices stay well below it.
pub const TIMEOUTS: &[Micros] = &[100 * MS, 200 * MS, 400 * MS, SEC];

#[derive(Properties, PartialEq)]
pub struct TxnSettingsProps {
    pub mode: TxnMode,
    pub no_percent: u8,
    pub timeout: Micros,
    pub on_mode: Callback<TxnMode>,
    pub on_no: Callback<u8>,
    pub on_timeout: Callback<Micros>,
}

pub fn txn_settings(p: &TxnSettingsProps) -> Html {
    let variant = |mode: TxnMode, text: &'static str, help: &'static str| {
        let on = p.mode == mode;
        html! {
            <button class={classes!("seg", on.then_some("on"))} aria-pressed={on.to_string()} title={help}
                data-testid={format!("mode-{}", mode.name())} onclick={p.on_mode.reform(move |_: MouseEvent| mode)}>{ text }</button>
        }
    };
    html! {
        <>
            <div class="row" role="group" aria-label="commit protocol">
                <span>{ "protocol" }</span>
                <span class="segmented">
                    { variant(TxnMode::TwoPhase, "2PC", "two-phase commit: prepare, vote, commit; blocks if the coordinator dies after the votes") }
                    { variant(TxnMode::ThreePhase, "3PC", "three-phase commit: adds PreCommit, and participants decide on a timeout") }
                </span>
            </div>
            <label class="row">
                <span>{ "no votes" }</span>
                { choice("no", "share of no votes", NO_PERCENTS, p.no_percent, |v| format!("{v}%"), &p.on_no) }
                <span class="muted">{ "a no vote aborts the transaction" }</span>
            </label>
            <label class="row">
                <span>{ "vote timeout" }</span>
                { choice("timeout", "vote timeout", TIMEOUTS, p.timeout, format_duration, &p.on_timeout) }
                <span class="muted">{ "the coordinator aborts when a vote is this late" }</span>
            </label>
        </>
    }
}
