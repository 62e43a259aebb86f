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
    let sum = match crate::i18n::lang() {
        crate::i18n::Lang::En => {
            format!(
                "the coordinator decided {} · {}",
                plural(p.committed, "commit"),
                plural(p.aborted, "abort")
            )
        }
        crate::i18n::Lang::Zh => {
            let (committed, aborted) = (p.committed, p.aborted);
            trf!(
                "the coordinator decided {committed} commits · {aborted} aborts",
                "协调者已决定：提交 {committed} 个 · 中止 {aborted} 个"
            )
        }
    };
    html! {
        <div class="txn-participants">
            <h2>{ tr!("Participants", "参与者") }<span class="muted">{ tr!(" — time blocked in doubt, holding locks", " — 因不确定而阻塞、持有锁的时间") }</span></h2>
            <p class="txn-sum" data-testid="txn-sum" data-committed={p.committed.to_string()}
                data-aborted={p.aborted.to_string()}>
                { sum }
            </p>
            <div class="table-scroll">
                <table class="blocked-table" data-testid="participants">
                    <thead><tr><th scope="col"></th><th scope="col">{ tr!("now", "当前") }</th>
                        <th scope="col" class="num" title={tr!("in doubt without a break, until now", "持续处于不确定状态的时间，直到现在")}>{ tr!("in doubt for", "持续不确定") }</th>
                        <th scope="col" class="num" title={tr!("time in doubt since the run began", "运行开始以来处于不确定状态的总时间")}>{ tr!("in all", "累计") }</th></tr></thead>
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
    let when =
        c.at.map(|t| {
            let t = t as f64 / 1e6;
            trf!(" at {t:.3} s", "（{t:.3} s）")
        })
        .unwrap_or_default();
    let what = match c.state {
        "committed" => tr!("committed", "已提交"),
        "aborted" => tr!("aborted", "已中止"),
        "in-doubt" => tr!("in doubt: voted yes, no outcome yet", "不确定：已投赞成票，尚无结果"),
        "precommitted" => tr!("pre-committed", "已预提交"),
        "working" => tr!("logging its yes vote", "正在记录赞成票"),
        "deciding" => tr!("deciding", "正在决定"),
        _ => tr!("no record", "无记录"),
    };
    trf!("{who}: {what}{when}", "{who}：{what}{when}")
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
    let heads = (1..=p.participants).map(
        |k| html! { <th scope="col" title={trf!("participant {k}", "参与者 {k}")}>{ format!("P{k}") }</th> },
    );
    let rows = p.rows.iter().map(|r| {
        let cells = r.participants.iter().map(|c| {
            let k = c.node;
            cell(c, trf!("participant {k}", "参与者 {k}"))
        });
        let has = |state: &str| r.participants.iter().any(|c| c.state == state);
        let (verdict, why) = match r.outcome {
            "committed" => (tr!("committed", "已提交"), ""),
            "aborted" => (tr!("aborted", "已中止"), ""),
            "split" if has("committed") && has("aborted") => (
                tr!("SPLIT", "分裂"),
                tr!("one participant committed, another aborted", "一个参与者提交了，另一个中止了"),
            ),
            "split" => (
                tr!("SPLIT (C)", "分裂（C）"),
                tr!(
                    "the coordinator decided one way, a participant the other",
                    "协调者与某个参与者的决定相反"
                ),
            ),
            _ => (tr!("undecided", "未决定"), ""),
        };
        html! {
            <tr data-testid={format!("txn-{}", r.txn)} data-outcome={r.outcome} class={r.outcome}>
                <th scope="row">{ r.txn }</th>
                { cell(&r.coordinator, tr!("coordinator", "协调者").to_owned()) }
                { for cells }
                <td class="verdict" title={(!why.is_empty()).then_some(why)}>{ verdict }</td>
            </tr>
        }
    });
    html! {
        <div class="txn-outcomes">
            <h2>{ tr!("Transactions", "事务") }<span class="muted">{ tr!(
                " — newest first; ✓ committed, ✕ aborted, ? in doubt, ◐ pre-committed",
                " — 最新的在前；✓ 已提交，✕ 已中止，? 不确定，◐ 已预提交"
            ) }</span></h2>
            if p.rows.is_empty() {
                <p class="muted" data-testid="transactions">{ tr!("No transaction has started yet.", "尚无事务开始。") }</p>
            } else {
                <div class="table-scroll">
                    <table class="txn-table" data-testid="transactions">
                        <thead><tr><th scope="col">{ tr!("txn", "事务") }</th><th scope="col" title={tr!("coordinator", "协调者")}>{ "C" }</th>
                            { for heads }<th scope="col">{ tr!("outcome", "结果") }</th></tr></thead>
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
            <h2>{ tr!("Why 2PC blocks, and why 3PC is not the fix", "为什么 2PC 会阻塞，为什么 3PC 不是解药") }</h2>
            <p><b>{ tr!("Two-phase commit", "两阶段提交") }</b>{ tr!(" (Gray, 1978): the coordinator asks every participant to prepare; each \
                forces its vote to its log, then votes. Only if all vote yes does the coordinator log COMMIT and tell \
                them. A participant that voted yes is ", "（Gray，1978）：协调者请每个参与者准备；每个参与者先把自己的投票强制写入日志，\
                再投票。只有全部投赞成票，协调者才记录 COMMIT 并通知它们。投了赞成票的参与者处于") }<i>{ tr!("in doubt", "不确定") }</i>{ tr!(": it promised to commit if told, so \
                it may not abort alone, and it cannot commit alone either, since another participant may have voted \
                no. It holds its locks and asks. If the coordinator dies after the votes, everyone waits for it to \
                come back — 2PC ", "状态：它承诺过收到指令就提交，所以不能独自中止；它也不能独自提交，因为别的参与者可能投了反对票。\
                它持有锁并询问。如果协调者在投票之后崩溃，所有人都要等它回来——2PC ") }<b>{ tr!("blocks", "阻塞") }</b>{ tr!(". Try ", "。试试") }<i>{ tr!("2PC blocks", "「2PC 阻塞」") }</i>{ tr!(" and watch the counters.", "预设，观察计数器。") }</p>
            <p><b>{ tr!("Three-phase commit", "三阶段提交") }</b>{ tr!(" (Skeen, 1981) puts a PreCommit round between the votes and the \
                commit, so that nobody commits while anyone is still uncertain. A participant that hears nothing \
                can then decide on a timeout: uncertain → abort, pre-committed → commit. With crashes only and \
                messages that arrive in bounded time, nobody blocks.", "（Skeen，1981）在投票和提交之间加入一轮 PreCommit，\
                保证只要还有人不确定，就没有人提交。这样，收不到消息的参与者可以在超时后自行决定：不确定 → 中止，\
                已预提交 → 提交。如果只有崩溃故障、且消息在有限时间内送达，就没有人会阻塞。") }</p>
            <p><b>{ tr!("Its limit:", "它的局限：") }</b>{ tr!(" a timeout cannot tell a crashed coordinator from one on the other side of \
                a partition (or a lost message). Cut the network just after PreCommit reaches some participants, \
                and they commit on their timeout while the others, correctly by the same rules, abort. That is ", "超时无法区分协调者是崩溃了，\
                还是位于网络分区的另一侧（或者消息丢了）。在 PreCommit 刚送达部分参与者时切断网络，它们会在超时后提交，\
                而其余参与者按同样的规则、正确地中止。这就是") }
                <i>{ tr!("3PC splits", "「3PC 分裂」") }</i>{ tr!(": the protocol working as designed outside its assumptions, not a bug.", "：协议在其假设之外按设计运行，而不是缺陷。") }</p>
            <p><b>{ tr!("What real systems do:", "实际系统的做法：") }</b>{ tr!(" keep two-phase commit, but make the decision survive failures \
                by running it through consensus. Paxos Commit replicates every vote with Paxos, so a majority of \
                acceptors can finish a transaction without the coordinator; Spanner's coordinator and participants \
                are each a Paxos-replicated group, so a crashed coordinator is replaced by a new leader that has \
                the log.", "保留两阶段提交，但让决定经由共识达成，从而在故障中幸存。Paxos Commit 用 Paxos 复制每一张选票，\
                因此多数派接受者无需协调者就能完成事务；Spanner 的协调者和参与者各自是一个 Paxos 复制组，\
                协调者崩溃时，由持有日志的新领导者接替。") }</p>
            // The works cited keep their English titles, marked as English for screen readers.
            <p class="muted">{ tr!("Sources: ", "参考文献：") }
                <cite lang="en">{ "J. Gray, Notes on Data Base Operating Systems (1978)" }</cite>{ tr!("; ", "；") }
                <cite lang="en">{ "D. Skeen, Nonblocking Commit Protocols (SIGMOD 1981)" }</cite>{ tr!("; ", "；") }
                <a href="https://arxiv.org/abs/cs/0408036" target="_blank" rel="noopener">
                    <cite lang="en">{ "J. Gray & L. Lamport, Consensus on Transaction Commit (2006)" }</cite></a>{ tr!("; ", "；") }
                <cite lang="en">{ "J. Corbett et al., Spanner (OSDI 2012)" }</cite>
                { tr!(". Presumed abort, used here: ", "。本页采用推定中止：") }
                <cite lang="en">{ "C. Mohan et al. (1986)" }</cite>{ tr!(".", "。") }</p>
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
                <b>{ tr!("Not a bug: this is three-phase commit itself.", "不是缺陷：这是三阶段提交本身的问题。") }</b>
                { tr!(" The participants that got PreCommit went on to commit; those cut off before it, still \
                   uncertain, aborted when their timeout fired — each by 3PC's rules. A timeout cannot tell a \
                   crashed coordinator from a partition or a lost message, so 3PC is only safe when neither \
                   happens. Real systems commit through consensus (Paxos Commit, a Paxos- or Raft-replicated \
                   coordinator) instead.", "收到 PreCommit 的参与者继续提交；在此之前被切断、仍不确定的参与者在超时后中止——\
                   双方都遵守 3PC 的规则。超时无法区分协调者崩溃与网络分区或消息丢失，所以 3PC 只有在这两者都不发生时才安全。\
                   实际系统改为经由共识提交（Paxos Commit，或用 Paxos、Raft 复制的协调者）。") }
            </p>
        },
        _ => html! {
            <p class="verdict-note" data-testid="verdict-note" data-kind="bug">
                <b>{ tr!("The bug switch did it:", "是缺陷开关造成的：") }</b>
                { tr!(" with ", "开启 ") }<code>{ "committimeout" }</code>{ tr!(" the coordinator commits when the vote timeout fires, \
                   although a vote never came. Switch it off and the same run aborts.", " 后，投票超时触发时协调者会提交，\
                   尽管有一张选票始终没有到达。关掉它，同样的运行会中止。") }
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
            <div class="row" role="group" aria-label={tr!("commit protocol", "提交协议")}>
                <span>{ tr!("protocol", "协议") }</span>
                <span class="segmented">
                    { variant(TxnMode::TwoPhase, "2PC", tr!(
                        "two-phase commit: prepare, vote, commit; blocks if the coordinator dies after the votes",
                        "两阶段提交：准备、投票、提交；协调者在投票后崩溃就会阻塞"
                    )) }
                    { variant(TxnMode::ThreePhase, "3PC", tr!(
                        "three-phase commit: adds PreCommit, and participants decide on a timeout",
                        "三阶段提交：加入 PreCommit，参与者在超时后自行决定"
                    )) }
                </span>
            </div>
            <label class="row">
                <span>{ tr!("no votes", "反对票") }</span>
                { choice("no", tr!("share of no votes", "反对票比例"), NO_PERCENTS, p.no_percent, |v| format!("{v}%"), &p.on_no) }
                <span class="muted">{ tr!("a no vote aborts the transaction", "一张反对票就会中止事务") }</span>
            </label>
            <label class="row">
                <span>{ tr!("vote timeout", "投票超时") }</span>
                { choice("timeout", tr!("vote timeout", "投票超时"), TIMEOUTS, p.timeout, format_duration, &p.on_timeout) }
                <span class="muted">{ tr!("the coordinator aborts when a vote is this late", "投票迟到这么久，协调者就中止事务") }</span>
            </label>
        </>
    }
}
