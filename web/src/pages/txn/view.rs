//! The commit page's own view data: where each participant stands on its current transaction
//! (logging its vote, in doubt, pre-committed, committed, aborted) with the time it has been
//! blocked in doubt, the coordinator's stage and counts, the timeline of states and outcomes from
//! the checker, the participants' blocked-time table and the recent transactions' outcomes per
//! node.

use crate::i18n::zh_core;
use crate::playground::view::{pause_overlays, role_of, timer_left};
use crate::playground::{Model, NodeFacts};
use crate::widgets::timeline::{
    KeyShape, TimelineKey, TimelineMark, TimelineRow, TimelineSpan, TimelineView,
};
use halab_core::protocol::{Micros, NodeId, SEC};
use halab_core::timeline::Mark;
use halab_core::txn::invariants::{ATOMICITY, VALIDITY};
use halab_core::txn::{
    CoordLog, CoordState, Decision, PartState, Phase, Stage, Txn, TxnChecker, TxnDurable, TxnMode, TxnMsg,
    TxnState, TxnTimer, Txns, COORDINATOR,
};
use std::collections::BTreeMap;

/// The timeline shows this many vote timeouts of the newest history, within these bounds.
pub const WINDOW_TIMEOUTS: u64 = 20;
pub const MIN_WINDOW: Micros = 8 * SEC;
pub const MAX_WINDOW: Micros = 60 * SEC;
/// A participant in doubt this long gets a "blocked" note on its timeline row.
pub const ROW_NOTE_AFTER: Micros = SEC / 2;
/// Transactions listed in the outcomes table (the newest).
pub const TXNS_SHOWN: usize = 8;

/// The node's role as a CSS class and `data-role`: the coordinator, or a participant by where
/// it stands on its current transaction.
pub fn role(s: &TxnState) -> &'static str {
    match s {
        TxnState::Coordinator(_) => "coordinator",
        TxnState::Participant(p) => match current(&p.txns) {
            Some((_, Phase::Preparing)) => "working",
            Some((_, Phase::Uncertain)) => "in-doubt",
            Some((_, Phase::PreCommitted)) => "precommitted",
            _ => "idle",
        },
    }
}

/// CSS classes of a message in flight: kinds by colour; hollow for a no, small for an
/// acknowledgement or a report.
pub fn msg_class(msg: &TxnMsg) -> &'static str {
    match msg {
        TxnMsg::Prepare { .. } => "msg-prepare",
        TxnMsg::Vote { yes: true, .. } => "msg-yes",
        TxnMsg::Vote { yes: false, .. } => "msg-no no",
        TxnMsg::PreCommit { .. } => "msg-precommit",
        TxnMsg::PreAck { .. } => "msg-precommit ack",
        TxnMsg::Commit { .. } => "msg-commit data",
        TxnMsg::Abort { .. } => "msg-abort data",
        TxnMsg::Ack { .. } => "msg-ack ack",
        TxnMsg::Ask { .. } | TxnMsg::Query { .. } => "msg-ask",
        TxnMsg::Report { .. } => "msg-ask ack",
    }
}

/// The short text inside a node's circle: `C` for the coordinator, `P1`, `P2`, ... for the
/// participants.
pub fn label(id: NodeId) -> String {
    match id {
        COORDINATOR => "C".to_owned(),
        p => format!("P{p}"),
    }
}

/// The transaction a participant is busy with: its newest undecided one, else its newest.
pub fn current(txns: &Txns) -> Option<(u64, Phase)> {
    txns.iter()
        .rev()
        .find(|(_, p)| !p.is_decided())
        .or_else(|| txns.iter().next_back())
        .map(|(t, p)| (*t, *p))
}

/// A participant's phase on a transaction, in a few words.
pub fn phase_words(txn: u64, phase: Phase) -> String {
    match phase {
        Phase::Preparing => trf!("txn {txn}: logging vote", "事务 {txn}：正在记录投票"),
        Phase::Uncertain => trf!("txn {txn}: in doubt", "事务 {txn}：不确定"),
        Phase::PreCommitted => trf!("txn {txn}: pre-committed", "事务 {txn}：已预提交"),
        Phase::Committed => trf!("txn {txn} committed", "事务 {txn} 已提交"),
        Phase::Aborted => trf!("txn {txn} aborted", "事务 {txn} 已中止"),
    }
}

/// `4.7 s`: a blocked time, to a tenth of a second.
pub fn secs(us: Micros) -> String {
    format!("{:.1} s", us as f64 / 1e6)
}

/// How long participant `p` has been in doubt without a break, if it is now (true time, up to
/// the instant on screen). Its own state decides whether it is: after a violation the checker
/// stops looking, and its record of the step that broke the run can be stale.
pub fn in_doubt_for(m: &Model<Txn>, p: NodeId) -> Option<Micros> {
    let Some(TxnState::Participant(s)) = m.sim.cluster().state(p) else {
        return None;
    };
    if !s.txns.values().any(|ph| ph.in_doubt()) {
        return None;
    }
    let since = m.sim.checker_as::<TxnChecker>()?.in_doubt_since(p)?;
    Some((m.view_time as Micros).saturating_sub(since))
}

/// The total time participant `p` has spent in doubt since the run began.
pub fn blocked(m: &Model<Txn>, p: NodeId) -> Micros {
    m.sim.checker_as::<TxnChecker>().map_or(0, |c| c.blocked(p, m.view_time as Micros))
}

/// Transactions the coordinator decided to commit and to abort, as the checker counted them.
pub fn counts(m: &Model<Txn>) -> (u64, u64) {
    m.sim.checker_as::<TxnChecker>().map_or((0, 0), |c| (c.committed, c.aborted))
}

fn coordinator_stage(c: &Txn, s: &CoordState) -> String {
    let all = c.config.nodes.saturating_sub(1);
    match &s.round {
        Some(r) => match r.stage {
            Stage::Voting => {
                let (t, yes) = (r.txn, r.votes.values().filter(|y| **y).count());
                trf!("txn {t}: {yes}/{all} yes votes", "事务 {t}：{yes}/{all} 张赞成票")
            }
            Stage::Logging if c.config.mode == TxnMode::ThreePhase => {
                let t = r.txn;
                trf!("txn {t}: logging pre-commit", "事务 {t}：正在记录预提交")
            }
            Stage::Logging => {
                let t = r.txn;
                trf!("txn {t}: logging COMMIT", "事务 {t}：正在记录 COMMIT")
            }
            Stage::PreCommitting => {
                let (t, acks) = (r.txn, r.pre_acks.len());
                trf!("txn {t}: pre-commit, {acks}/{all} acks", "事务 {t}：预提交，{acks}/{all} 个确认")
            }
        },
        None => match (s.resolving.keys().next(), s.history.last()) {
            (Some(t), _) => trf!("txn {t}: asking the participants", "事务 {t}：正在询问参与者"),
            (None, Some((t, Decision::Commit))) => trf!("txn {t} committed", "事务 {t} 已提交"),
            (None, Some((t, Decision::Abort))) => trf!("txn {t} aborted", "事务 {t} 已中止"),
            (None, None) => tr!("about to start txn 1", "即将开始事务 1").to_owned(),
        },
    }
}

/// What a crashed coordinator's log says about its last transaction.
fn coordinator_disk(log: &CoordLog) -> String {
    let last = log.next_txn.saturating_sub(1);
    if last == 0 {
        tr!("nothing logged yet", "尚无日志记录").to_owned()
    } else if log.commits.contains(&last) {
        trf!("txn {last}: COMMIT logged", "事务 {last}：已记录 COMMIT")
    } else if log.precommitted.contains(&last) {
        trf!("txn {last}: pre-commit logged", "事务 {last}：已记录预提交")
    } else {
        trf!("txn {last}: no decision logged", "事务 {last}：未记录决定")
    }
}

fn coordinator(m: &Model<Txn>, role: &'static str) -> NodeFacts {
    let cluster = m.sim.cluster();
    let protocol = &cluster.protocol;
    let c = &protocol.config;
    let node = &cluster.nodes[COORDINATOR as usize];
    let (committed, aborted) = counts(m);
    let tally = trf!("{committed} committed · {aborted} aborted", "已提交 {committed} · 已中止 {aborted}");
    let (line, txn, timer) = match (&node.state, &node.durable) {
        (Some(TxnState::Coordinator(s)), _) => {
            let txn = s.round.as_ref().map_or(s.log.next_txn.saturating_sub(1), |r| r.txn);
            let timer = match &s.round {
                Some(r) if r.stage == Stage::Voting => {
                    timer_left(m, 0, &TxnTimer::VoteTimeout(r.txn), c.vote_timeout)
                }
                Some(r) if r.stage == Stage::PreCommitting => {
                    timer_left(m, 0, &TxnTimer::AckTimeout(r.txn), c.ack_timeout)
                }
                _ => None,
            };
            (coordinator_stage(protocol, s), txn, timer)
        }
        (_, Some(TxnDurable::Coordinator(log))) => {
            (coordinator_disk(log), log.next_txn.saturating_sub(1), None)
        }
        _ => (tr!("nothing logged yet", "尚无日志记录").to_owned(), 0, None),
    };
    let mut caption = vec![tr!("coordinator", "协调者").to_owned()];
    match role {
        "crashed" => caption.push(tr!("crashed", "已崩溃").to_owned()),
        "paused" => caption.push(format!("❚❚ {line}")),
        _ => caption.push(line.clone()),
    }
    if role == "crashed" {
        caption.push(line.clone());
    }
    caption.push(tally.clone());
    let state = match role {
        "crashed" => trf!("crashed; {line}", "已崩溃；{line}"),
        "paused" => trf!("paused; {line}", "已暂停；{line}"),
        _ => line,
    };
    let title = trf!(
        "coordinator (node 0): {state}; {tally}. Click for actions.",
        "协调者（节点 0）：{state}；{tally}。点击查看操作。"
    );
    NodeFacts { term: txn, caption, timer, title, summary: state }
}

/// A participant's transactions: its live state, or what it logged if it is down.
fn participant_txns(m: &Model<Txn>, i: usize) -> Option<&Txns> {
    let node = &m.sim.cluster().nodes[i];
    match (&node.state, &node.durable) {
        (Some(TxnState::Participant(PartState { txns, .. })), _) => Some(txns),
        (None, Some(TxnDurable::Participant { txns, .. })) => Some(txns),
        _ => None,
    }
}

/// A participant's phase in the picture's few words (its transaction is on the line above).
fn phase_short(phase: Phase) -> &'static str {
    match phase {
        Phase::Preparing => tr!("logging vote", "正在记录投票"),
        Phase::Uncertain => tr!("in doubt", "不确定"),
        Phase::PreCommitted => tr!("pre-committed", "已预提交"),
        Phase::Committed => tr!("committed", "已提交"),
        Phase::Aborted => tr!("aborted", "已中止"),
    }
}

/// A participant's caption is narrow, for the sides of the picture on a phone: its transaction,
/// its phase, and while in doubt the time it has been blocked with its locks held. Its name is
/// in the circle (`P1`) and the tooltip.
fn participant(m: &Model<Txn>, i: usize, role: &'static str) -> NodeFacts {
    let cluster = m.sim.cluster();
    let c = &cluster.protocol.config;
    let id = i as NodeId;
    let name = zh_core::msg(&c.name(id));
    let up = cluster.nodes[i].state.is_some();
    let cur = participant_txns(m, i).and_then(current);
    let mut caption = Vec::new();
    let mut summary =
        cur.map_or_else(|| tr!("no transaction yet", "尚无事务").to_owned(), |(t, ph)| phase_words(t, ph));
    if up {
        let pause = if role == "paused" { "❚❚ " } else { "" };
        match cur {
            Some((t, ph)) => {
                caption.extend([trf!("{pause}txn {t}", "{pause}事务 {t}"), phase_short(ph).to_owned()])
            }
            None => caption.push(trf!("{pause}no txn yet", "{pause}尚无事务")),
        }
        if let Some(d) = in_doubt_for(m, id) {
            let d = secs(d);
            caption.push(trf!("blocked {d}", "已阻塞 {d}"));
            caption.push(tr!("locks held", "持有锁").to_owned());
            summary = trf!("{summary}, blocked {d} with its locks held", "{summary}，已阻塞 {d}，持有锁");
        }
    } else {
        caption.push(tr!("crashed", "已崩溃").to_owned());
        summary = tr!("crashed", "已崩溃").to_owned();
        if let Some((t, ph)) = cur.filter(|(_, ph)| ph.in_doubt()) {
            caption
                .extend([trf!("txn {t}", "事务 {t}"), tr!("in doubt on disk", "磁盘上：不确定").to_owned()]);
            let words = phase_words(t, ph);
            summary = trf!("crashed; {words} on disk", "已崩溃；磁盘上：{words}");
        }
    }
    let timer = match cur {
        Some((t, ph)) if up && ph.in_doubt() && c.mode == TxnMode::ThreePhase => {
            timer_left(m, i, &TxnTimer::Decide(t), c.decide_timeout)
        }
        _ => None,
    };
    let why = match (cur, up, c.mode) {
        (Some((_, Phase::Uncertain)), true, TxnMode::TwoPhase) => tr!(
            " It voted yes: it may neither commit nor abort alone, so it keeps its locks and asks the coordinator.",
            "它已投赞成票：既不能独自提交，也不能独自中止，因此持有锁并询问协调者。"
        ),
        (Some((_, Phase::Uncertain | Phase::PreCommitted)), true, TxnMode::ThreePhase) => tr!(
            " It voted yes; the ring is its timeout, after which it decides alone (uncertain: abort, pre-committed: commit).",
            "它已投赞成票；圆环是它的超时，超时后它独自决定（不确定：中止；已预提交：提交）。"
        ),
        _ => "",
    };
    let paused = if role == "paused" { tr!(", paused", "，已暂停") } else { "" };
    let title = trf!(
        "{name} (node {i}){paused}: {summary}.{why} Click for actions.",
        "{name}（节点 {i}）{paused}：{summary}。{why}点击查看操作。"
    );
    NodeFacts { term: cur.map_or(0, |(t, _)| t), caption, timer, title, summary }
}

/// Caption, timer ring and tooltip of node `i`.
pub fn node(m: &Model<Txn>, i: usize, role: &'static str) -> NodeFacts {
    if i == COORDINATOR as usize {
        coordinator(m, role)
    } else {
        participant(m, i, role)
    }
}

/// What the note under a red verdict says: `protocol` when 3PC broke atomicity with no bug
/// switch on (its known limit: a partition or a lost message), `bug` when the commit-on-timeout
/// switch broke validity; `None` otherwise.
pub fn verdict_kind(m: &Model<Txn>) -> Option<&'static str> {
    let v = m.sim.violation()?;
    let bug = m.scenario.txn.bugs.commit_on_timeout;
    match (v.invariant, m.scenario.txn.mode, bug) {
        (ATOMICITY, TxnMode::ThreePhase, false) => Some("protocol"),
        (VALIDITY, _, true) => Some("bug"),
        _ => None,
    }
}

/// How much history the timeline shows.
pub fn window(m: &Model<Txn>) -> Micros {
    m.scenario.txn.vote_timeout.saturating_mul(WINDOW_TIMEOUTS).clamp(MIN_WINDOW, MAX_WINDOW)
}

/// The timeline: each node's state over time and every commit and abort (the checker's record,
/// true time), and the pauses from the fault script, limited to what the window can show.
pub fn timeline(m: &Model<Txn>) -> TimelineView {
    let cluster = m.sim.cluster();
    let c = &cluster.protocol.config;
    let now = m.view_time as Micros;
    let window = window(m);
    let start = now.saturating_sub(window);
    let rows = (0..cluster.len())
        .map(|i| {
            let id = i as NodeId;
            // Only a participant stuck in doubt gets a note: every yes vote is in doubt for a
            // few milliseconds, which is no news.
            let note = match in_doubt_for(m, id).filter(|d| *d >= ROW_NOTE_AFTER) {
                Some(d) if id != COORDINATOR => {
                    let d = secs(d);
                    trf!("blocked {d}", "已阻塞 {d}")
                }
                _ => String::new(),
            };
            TimelineRow { id, label: zh_core::msg(&c.name(id)), class: role_of(m, i), note }
        })
        .collect();
    let (mut spans, mut marks) = (Vec::new(), Vec::new());
    if let Some(ch) = m.sim.checker_as::<TxnChecker>() {
        spans = ch
            .timeline
            .spans()
            .filter(|s| s.to.is_none_or(|to| to > start))
            .map(|s| {
                let label = zh_core::msg(&s.label);
                let detail = match s.class {
                    "in-doubt" => trf!("{label} — voted yes, locks held", "{label} — 已投赞成票，持有锁"),
                    "working" => {
                        trf!(
                            "{label} — forcing its yes vote to the log",
                            "{label} — 正在将赞成票强制写入日志"
                        )
                    }
                    _ => label.clone(),
                };
                TimelineSpan { row: s.node, from: s.from, to: s.to, class: s.class, label, detail }
            })
            .collect();
        marks = ch
            .timeline
            .marks()
            .filter(|k| k.at >= start)
            .map(|k| TimelineMark { row: k.node, at: k.at, class: k.class, label: zh_core::msg(&k.label) })
            .collect();
    }
    TimelineView { rows, spans, overlays: pause_overlays(m, start), marks, now, window }
}

/// The timeline's legend.
pub fn timeline_legend(mode: TxnMode) -> Vec<TimelineKey> {
    let key = |shape, class, label| TimelineKey { shape, class, label };
    let mut keys = vec![
        key(KeyShape::Span, "voting", tr!("coordinator collects votes", "协调者收集投票")),
        key(
            KeyShape::Span,
            "logging",
            tr!("coordinator forces its decision to the log", "协调者将决定强制写入日志"),
        ),
        key(
            KeyShape::Span,
            "working",
            tr!("participant forces its yes vote to the log", "参与者将赞成票强制写入日志"),
        ),
        key(
            KeyShape::Span,
            "in-doubt",
            tr!("in doubt: voted yes, no outcome, locks held", "不确定：已投赞成票，尚无结果，持有锁"),
        ),
    ];
    if mode == TxnMode::ThreePhase {
        keys.push(key(
            KeyShape::Span,
            "precommitted",
            tr!("pre-committed / pre-commit sent", "已预提交 / 已发出预提交"),
        ));
    }
    keys.extend([
        key(KeyShape::Span, "down", tr!("crashed", "已崩溃")),
        key(KeyShape::Overlay, "paused", tr!("paused", "已暂停")),
        key(KeyShape::Mark, "committed", tr!("committed", "已提交")),
        key(KeyShape::Mark, "aborted", tr!("aborted", "已中止")),
    ]);
    keys
}

/// A participant as the blocked-time table shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParticipantView {
    pub id: NodeId,
    pub name: String,
    /// Its role (`idle`, `working`, `in-doubt`, `precommitted`, `crashed`, `paused`).
    pub role: &'static str,
    /// Where it stands, in words.
    pub text: String,
    /// How long it has been in doubt without a break, if it is now.
    pub in_doubt: Option<Micros>,
    /// Its time in doubt since the run began.
    pub blocked: Micros,
}

pub fn participants(m: &Model<Txn>) -> Vec<ParticipantView> {
    let cluster = m.sim.cluster();
    let c = &cluster.protocol.config;
    c.participants()
        .map(|id| {
            let i = id as usize;
            let cur = participant_txns(m, i).and_then(current);
            let words = cur.map_or_else(
                || tr!("no transaction yet", "尚无事务").to_owned(),
                |(t, ph)| phase_words(t, ph),
            );
            let role = role_of(m, i);
            let text = match role {
                "crashed" => trf!("crashed ({words})", "已崩溃（{words}）"),
                "paused" => trf!("paused ({words})", "已暂停（{words}）"),
                _ => words,
            };
            ParticipantView {
                id,
                name: zh_core::msg(&c.name(id)),
                role,
                text,
                in_doubt: in_doubt_for(m, id),
                blocked: blocked(m, id),
            }
        })
        .collect()
}

/// Where one node stands on one transaction, in the outcomes table.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub node: NodeId,
    /// `committed`, `aborted`, `in-doubt`, `precommitted`, `working`, `deciding` (the coordinator
    /// before its decision), or `none` (nothing known: it never voted, or is down).
    pub state: &'static str,
    /// When it committed or aborted (true time).
    pub at: Option<Micros>,
}

/// One transaction across the cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct TxnRow {
    pub txn: u64,
    /// The coordinator's decision.
    pub coordinator: Cell,
    pub participants: Vec<Cell>,
    /// The outcome as far as any node knows: `committed`, `aborted`, `split` (one node
    /// committed and another aborted), or `open` (nobody has decided yet).
    pub outcome: &'static str,
}

/// The transaction and outcome of one of the checker's marks (`txn 2: COMMIT` at the
/// coordinator, `txn 2 committed` at a participant): the outcome is its class, the transaction
/// its `txn` value. `None` for any other mark.
pub fn mark_outcome(k: &Mark) -> Option<(u64, Decision)> {
    let d = match k.class {
        "committed" => Decision::Commit,
        "aborted" => Decision::Abort,
        _ => return None,
    };
    Some((k.label.arg("txn")?.text()?.parse().ok()?, d))
}

fn decided(d: Decision) -> &'static str {
    match d {
        Decision::Commit => "committed",
        Decision::Abort => "aborted",
    }
}

/// The newest transactions (at most [`TXNS_SHOWN`], newest first) with each node's outcome: the
/// checker's commit and abort marks, and the participants' undecided phases now.
pub fn transactions(m: &Model<Txn>) -> Vec<TxnRow> {
    let cluster = m.sim.cluster();
    let n = cluster.len();
    let now = m.view_time as Micros;
    // txn → node → (state, when)
    let mut seen: BTreeMap<u64, BTreeMap<NodeId, (&'static str, Option<Micros>)>> = BTreeMap::new();
    if let Some(ch) = m.sim.checker_as::<TxnChecker>() {
        for k in ch.timeline.marks().filter(|k| k.at <= now) {
            if let Some((txn, d)) = mark_outcome(k) {
                seen.entry(txn).or_default().insert(k.node, (decided(d), Some(k.at)));
            }
        }
    }
    for i in 1..n {
        let Some(TxnState::Participant(s)) = &cluster.nodes[i].state else {
            continue;
        };
        for (&txn, &ph) in s.txns.iter().filter(|(_, ph)| !ph.is_decided()) {
            let state = match ph {
                Phase::Preparing => "working",
                Phase::Uncertain => "in-doubt",
                _ => "precommitted",
            };
            seen.entry(txn).or_default().entry(i as NodeId).or_insert((state, None));
        }
    }
    if let Some(TxnState::Coordinator(s)) = &cluster.nodes[0].state {
        if let Some(r) = &s.round {
            seen.entry(r.txn).or_default().entry(COORDINATOR).or_insert(("deciding", None));
        }
    }
    seen.into_iter()
        .rev()
        .take(TXNS_SHOWN)
        .map(|(txn, by)| {
            let cell = |node: NodeId| {
                let (state, at) = by.get(&node).copied().unwrap_or(("none", None));
                Cell { node, state, at }
            };
            let participants: Vec<Cell> = (1..n as NodeId).map(cell).collect();
            let coordinator = cell(COORDINATOR);
            let any = |s: &str| coordinator.state == s || participants.iter().any(|c| c.state == s);
            let outcome = match (any("committed"), any("aborted")) {
                (true, true) => "split",
                (true, false) => "committed",
                (false, true) => "aborted",
                (false, false) => "open",
            };
            TxnRow { txn, coordinator, participants, outcome }
        })
        .collect()
}
