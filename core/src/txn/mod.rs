//! Atomic commit: two-phase commit (Gray, "Notes on Data Base Operating Systems", 1978; Gray &
//! Lamport, "Consensus on Transaction Commit", 2006) and three-phase commit (Skeen, "Nonblocking
//! Commit Protocols", 1981).
//!
//! The coordinator (node 0) runs transactions one after another over participants 1..n:
//! - **2PC.** Prepare → each participant forces its vote to its log, then votes → if every vote
//!   is yes, the coordinator forces Commit to its log and tells everyone; any no, or a missing
//!   vote at the timeout, aborts. Presumed abort: an abort is never logged, and a question about a
//!   transaction the log does not know is answered "abort".
//!   A participant that voted yes is *in doubt*: it may neither commit nor abort on its own, so it
//!   holds its locks and asks the coordinator until the answer comes. If the coordinator crashed
//!   after the votes, everyone waits for it to return: 2PC blocks.
//! - **3PC** inserts PreCommit between the votes and the commit, so that no participant can be
//!   uncertain while another has committed. Participants then decide on a timeout: uncertain →
//!   abort, pre-committed → commit. That removes blocking when only crashes happen and messages
//!   arrive in bounded time, and breaks atomicity as soon as a partition (or a lost message)
//!   separates a pre-committed participant from an uncertain one: the reason consensus-based
//!   commit (Paxos Commit, Raft-replicated coordinators) exists.
//!
//! A participant that restarts with an undecided yes vote never decides on a timeout; it asks.
//! A 3PC coordinator that restarts with a pre-committed transaction asks the participants.
//! A restarted coordinator resends every COMMIT its log holds and retires each once every
//! participant has acknowledged it. A participant forgets old decided transactions but keeps
//! (durably) the highest one it forgot, so a late Prepare, Commit or Abort for a forgotten
//! transaction never opens or decides it a second time.

pub mod config;
pub mod invariants;

#[cfg(test)]
mod tests;

pub use config::{TxnBugs, TxnConfig, TxnMode, COORDINATOR, TXN_BUG_NAMES};
pub use invariants::TxnChecker;

use crate::client::{Reply, Service};
use crate::compact::VecMap;
use crate::lock::NoWrites;
use crate::protocol::{Describe, Effects, Event, Micros, NodeId, NoteKind, Protocol};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Txn {
    pub config: TxnConfig,
}

impl Txn {
    pub fn new(config: TxnConfig) -> Self {
        Txn { config }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Decision {
    Commit,
    Abort,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TxnMsg {
    Prepare {
        txn: u64,
    },
    Vote {
        txn: u64,
        yes: bool,
    },
    /// 3PC only.
    PreCommit {
        txn: u64,
    },
    PreAck {
        txn: u64,
    },
    Commit {
        txn: u64,
    },
    Abort {
        txn: u64,
    },
    /// Participant → coordinator: the decision applied.
    Ack {
        txn: u64,
    },
    /// An in-doubt participant asks what was decided.
    Ask {
        txn: u64,
    },
    /// A recovering 3PC coordinator asks where a participant stands.
    Query {
        txn: u64,
    },
    Report {
        txn: u64,
        stands: Stands,
    },
}

/// Where a participant stands on a transaction, as it reports to a recovering 3PC coordinator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Stands {
    Decided(Decision),
    /// Voted yes, no outcome. `alone`: it will still decide on its own timeout (it has not
    /// restarted since voting), so the coordinator must wait for that decision.
    Undecided {
        precommitted: bool,
        alone: bool,
    },
    /// It does not know the transaction (forgotten long ago).
    Unknown,
}

impl Describe for TxnMsg {
    fn label(&self) -> &'static str {
        match self {
            TxnMsg::Prepare { .. } => "Prepare",
            TxnMsg::Vote { yes: true, .. } => "Yes",
            TxnMsg::Vote { yes: false, .. } => "No",
            TxnMsg::PreCommit { .. } => "PreCommit",
            TxnMsg::PreAck { .. } => "PreAck",
            TxnMsg::Commit { .. } => "Commit",
            TxnMsg::Abort { .. } => "Abort",
            TxnMsg::Ack { .. } => "Ack",
            TxnMsg::Ask { .. } => "Ask",
            TxnMsg::Query { .. } => "Query",
            TxnMsg::Report { .. } => "Report",
        }
    }

    fn detail(&self) -> crate::msg::Msg {
        match *self {
            // In English exactly `{stands:?}`, as the description always showed it.
            TxnMsg::Report { txn, stands } => match stands {
                Stands::Decided(Decision::Commit) => crate::msg!("Report: txn {txn} Decided(Commit)", txn),
                Stands::Decided(Decision::Abort) => crate::msg!("Report: txn {txn} Decided(Abort)", txn),
                Stands::Undecided { precommitted: false, alone: false } => {
                    crate::msg!("Report: txn {txn} Undecided { precommitted: false, alone: false }", txn)
                }
                Stands::Undecided { precommitted: false, alone: true } => {
                    crate::msg!("Report: txn {txn} Undecided { precommitted: false, alone: true }", txn)
                }
                Stands::Undecided { precommitted: true, alone: false } => {
                    crate::msg!("Report: txn {txn} Undecided { precommitted: true, alone: false }", txn)
                }
                Stands::Undecided { precommitted: true, alone: true } => {
                    crate::msg!("Report: txn {txn} Undecided { precommitted: true, alone: true }", txn)
                }
                Stands::Unknown => crate::msg!("Report: txn {txn} Unknown", txn),
            },
            TxnMsg::Prepare { txn }
            | TxnMsg::Vote { txn, .. }
            | TxnMsg::PreCommit { txn }
            | TxnMsg::PreAck { txn }
            | TxnMsg::Commit { txn }
            | TxnMsg::Abort { txn }
            | TxnMsg::Ack { txn }
            | TxnMsg::Ask { txn }
            | TxnMsg::Query { txn } => crate::msg!("{label} txn {txn}", label = self.label(), txn),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum TxnTimer {
    /// Coordinator: start the next transaction.
    Begin,
    /// Coordinator: the votes of this transaction are due.
    VoteTimeout(u64),
    /// A forced log write has finished (coordinator: its decision; participant: its vote).
    Flush(u64),
    /// 3PC coordinator: the pre-commit acknowledgements are due.
    AckTimeout(u64),
    /// Coordinator: resend unacknowledged commits, query for transactions it is resolving.
    Resend,
    /// Participant: ask the coordinator about an in-doubt transaction.
    Ask(u64),
    /// 3PC participant: decide on its own.
    Decide(u64),
}

/// What the coordinator is doing with its current transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Stage {
    Voting,
    /// Forcing the decision (2PC) or the pre-commit (3PC) to its log.
    Logging,
    /// 3PC: pre-commit sent, acknowledgements coming in.
    PreCommitting,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Round {
    pub txn: u64,
    pub stage: Stage,
    pub votes: BTreeMap<NodeId, bool>,
    pub pre_acks: BTreeSet<NodeId>,
}

/// The coordinator's forced log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct CoordLog {
    pub next_txn: u64,
    /// Committed transactions not yet acknowledged by every participant (only these need the
    /// log: with presumed abort, anything else is answered "abort").
    pub commits: BTreeSet<u64>,
    /// 3PC: pre-commit sent, outcome not yet known to this log.
    pub precommitted: BTreeSet<u64>,
}

/// Outcomes kept for the page.
pub const HISTORY: usize = 16;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct CoordState {
    pub log: CoordLog,
    pub round: Option<Round>,
    /// Acknowledgements of each logged commit.
    pub acks: BTreeMap<u64, BTreeSet<NodeId>>,
    /// 3PC after a restart: pre-committed transactions whose outcome it is asking about, with
    /// each participant's latest report.
    pub resolving: BTreeMap<u64, BTreeMap<NodeId, Stands>>,
    /// The latest outcomes, oldest first.
    pub history: Vec<(u64, Decision)>,
}

/// A participant's view of one transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Phase {
    /// Forcing a yes vote to the log.
    Preparing,
    /// Voted yes, no decision: in doubt, locks held.
    Uncertain,
    /// 3PC: pre-committed.
    PreCommitted,
    Committed,
    Aborted,
}

impl Phase {
    pub fn is_decided(self) -> bool {
        matches!(self, Phase::Committed | Phase::Aborted)
    }

    /// Voted yes and waiting: the locks are held and the participant may not decide alone (2PC).
    pub fn in_doubt(self) -> bool {
        matches!(self, Phase::Uncertain | Phase::PreCommitted)
    }
}

/// Transactions a participant remembers; older decided ones are forgotten first.
pub const PARTICIPANT_MEMORY: usize = 32;

/// A participant's transactions by number: a sorted `Vec`, since it is persisted whole at every
/// vote and decision and a copy of at most [`PARTICIPANT_MEMORY`] pairs is one allocation (a
/// `BTreeMap` rebuilt per persist made the cost per event grow until the memory filled up).
pub type Txns = VecMap<u64, Phase>;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PartState {
    pub txns: Txns,
    /// The highest transaction it has forgotten (0: none). A transaction at or below it that
    /// `txns` lacks was decided long ago, or never reached this participant, and the
    /// coordinator has moved past it either way.
    pub forgot: u64,
    /// Transactions that were undecided when it restarted: it asks about them, never decides.
    pub recovered: BTreeSet<u64>,
}

impl PartState {
    /// Decided and forgotten (or never seen, and long over).
    fn is_forgotten(&self, txn: u64) -> bool {
        txn <= self.forgot && !self.txns.contains_key(&txn)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TxnState {
    Coordinator(CoordState),
    Participant(PartState),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TxnDurable {
    Coordinator(CoordLog),
    /// Everything but `Preparing`, which is not durable until the flush, and the forgetting
    /// watermark.
    Participant {
        txns: Txns,
        forgot: u64,
    },
}

impl Protocol for Txn {
    type Msg = TxnMsg;
    type Timer = TxnTimer;
    type State = TxnState;
    type Durable = TxnDurable;
    /// Small and bounded, so a write is the whole store.
    type Write = TxnDurable;
    type Input = NoWrites;
    type Output = NoWrites;

    fn nodes(&self) -> usize {
        self.config.nodes
    }

    fn store(&self, durable: &mut Option<TxnDurable>, write: &TxnDurable) {
        *durable = Some(write.clone());
    }

    fn is_leader(&self, s: &TxnState) -> bool {
        matches!(s, TxnState::Coordinator(_))
    }

    fn init(&self, id: NodeId, restored: Option<&TxnDurable>, out: &mut Effects<Self>) -> TxnState {
        let c = &self.config;
        if id == COORDINATOR {
            let mut s = CoordState {
                log: CoordLog { next_txn: 1, ..CoordLog::default() },
                round: None,
                acks: BTreeMap::new(),
                resolving: BTreeMap::new(),
                history: Vec::new(),
            };
            if let Some(TxnDurable::Coordinator(log)) = restored {
                s.log = log.clone();
                // Every logged COMMIT waits for its acknowledgements again, so that it can retire.
                // `extend`, not `collect`: `BTreeMap::from_iter` sorts (see `compact`).
                s.acks.extend(log.commits.iter().map(|&t| (t, BTreeSet::new())));
                // The transaction it was running, if undecided, is now presumed aborted: the
                // in-doubt participants learn it when they ask.
                s.resolving.extend(log.precommitted.iter().map(|&t| (t, BTreeMap::new())));
                out.set_timer(TxnTimer::Resend, 0..=0);
                out.note(
                    NoteKind::Role,
                    crate::msg!("coordinator recovered; next txn {next}", next = log.next_txn),
                );
            }
            out.persist(TxnDurable::Coordinator(s.log.clone()));
            out.set_timer(TxnTimer::Begin, c.think_min..=c.think_max);
            return TxnState::Coordinator(s);
        }
        let mut s = PartState { txns: Txns::new(), forgot: 0, recovered: BTreeSet::new() };
        if let Some(TxnDurable::Participant { txns, forgot }) = restored {
            s.txns = txns.clone();
            s.forgot = *forgot;
            for (&txn, phase) in txns.iter() {
                if phase.in_doubt() {
                    s.recovered.insert(txn);
                    out.set_timer(TxnTimer::Ask(txn), 0..=0);
                }
            }
        }
        TxnState::Participant(s)
    }

    fn handle(&self, id: NodeId, _now: Micros, s: &mut TxnState, ev: Event<Self>, out: &mut Effects<Self>) {
        if let Event::Input(w) = ev {
            return out.output(w);
        }
        match s {
            TxnState::Coordinator(s) => self.step_coordinator(s, ev, out),
            TxnState::Participant(s) => self.step_participant(id, s, ev, out),
        }
    }
}

impl Txn {
    fn all(&self) -> usize {
        self.config.nodes - 1
    }

    fn broadcast(&self, out: &mut Effects<Self>, msg: impl Fn() -> TxnMsg) {
        for p in self.config.participants() {
            out.send(p, msg());
        }
    }

    fn step_coordinator(&self, s: &mut CoordState, ev: Event<Self>, out: &mut Effects<Self>) {
        let c = &self.config;
        match ev {
            Event::Timer(TxnTimer::Begin) => {
                if s.round.is_some() {
                    return;
                }
                let txn = s.log.next_txn;
                s.log.next_txn += 1;
                out.persist(TxnDurable::Coordinator(s.log.clone()));
                s.round = Some(Round {
                    txn,
                    stage: Stage::Voting,
                    votes: BTreeMap::new(),
                    pre_acks: BTreeSet::new(),
                });
                self.broadcast(out, || TxnMsg::Prepare { txn });
                out.set_timer(TxnTimer::VoteTimeout(txn), c.vote_timeout..=c.vote_timeout);
                out.note(NoteKind::Info, crate::msg!("txn {txn}: prepare", txn));
            }
            Event::Msg { from, msg: TxnMsg::Vote { txn, yes } } => {
                let Some(r) = s.round.as_mut().filter(|r| r.txn == txn) else {
                    // A late vote: repeat the outcome so a yes-voter is not left in doubt.
                    let msg = if s.log.commits.contains(&txn) {
                        TxnMsg::Commit { txn }
                    } else {
                        TxnMsg::Abort { txn }
                    };
                    if yes && !s.resolving.contains_key(&txn) && !s.log.precommitted.contains(&txn) {
                        out.send(from, msg);
                    }
                    return;
                };
                if r.stage != Stage::Voting {
                    return;
                }
                r.votes.insert(from, yes);
                if !yes {
                    out.note(
                        NoteKind::Info,
                        crate::msg!("txn {txn}: participant {from} votes no", txn, from),
                    );
                    self.abort(s, txn, out);
                } else if r.votes.len() == self.all() {
                    self.start_logging(r, out);
                }
            }
            Event::Timer(TxnTimer::VoteTimeout(txn)) => {
                let Some(r) = s.round.as_mut().filter(|r| r.txn == txn && r.stage == Stage::Voting) else {
                    return;
                };
                let missing = self.all() - r.votes.len();
                if c.bugs.commit_on_timeout {
                    out.note(
                        NoteKind::Info,
                        crate::msg!("txn {txn}: {missing} vote(s) missing; committing anyway", txn, missing),
                    );
                    self.start_logging(r, out);
                } else {
                    out.note(
                        NoteKind::Info,
                        crate::msg!("txn {txn}: {missing} vote(s) missing at the timeout", txn, missing),
                    );
                    self.abort(s, txn, out);
                }
            }
            Event::Timer(TxnTimer::Flush(txn)) => {
                let Some(r) = s.round.as_mut().filter(|r| r.txn == txn && r.stage == Stage::Logging) else {
                    return;
                };
                match c.mode {
                    TxnMode::TwoPhase => self.commit(s, txn, out),
                    TxnMode::ThreePhase => {
                        r.stage = Stage::PreCommitting;
                        s.log.precommitted.insert(txn);
                        out.persist(TxnDurable::Coordinator(s.log.clone()));
                        self.broadcast(out, || TxnMsg::PreCommit { txn });
                        out.set_timer(TxnTimer::AckTimeout(txn), c.ack_timeout..=c.ack_timeout);
                        out.note(NoteKind::Info, crate::msg!("txn {txn}: pre-commit", txn));
                    }
                }
            }
            Event::Msg { from, msg: TxnMsg::PreAck { txn } } => {
                let Some(r) = s.round.as_mut().filter(|r| r.txn == txn && r.stage == Stage::PreCommitting)
                else {
                    return;
                };
                r.pre_acks.insert(from);
                if r.pre_acks.len() == self.all() {
                    self.commit(s, txn, out);
                }
            }
            // Whoever has not acknowledged has either pre-committed (and will commit on its own
            // timeout) or crashed (and will ask): committing is the 3PC rule.
            Event::Timer(TxnTimer::AckTimeout(txn))
                if s.round.as_ref().is_some_and(|r| r.txn == txn && r.stage == Stage::PreCommitting) =>
            {
                self.commit(s, txn, out);
            }
            Event::Msg { from, msg: TxnMsg::Ack { txn } } => {
                if let Some(acks) = s.acks.get_mut(&txn) {
                    acks.insert(from);
                    if acks.len() == self.all() {
                        out.note(
                            NoteKind::Info,
                            crate::msg!("txn {txn}: every participant acknowledged; retired", txn),
                        );
                        s.acks.remove(&txn);
                        s.log.commits.remove(&txn);
                        out.persist(TxnDurable::Coordinator(s.log.clone()));
                    }
                }
            }
            Event::Msg { from, msg: TxnMsg::Ask { txn } } => {
                let open = s.round.as_ref().is_some_and(|r| r.txn == txn) || s.resolving.contains_key(&txn);
                if s.log.commits.contains(&txn) {
                    out.send(from, TxnMsg::Commit { txn });
                } else if !open && txn < s.log.next_txn {
                    out.send(from, TxnMsg::Abort { txn });
                }
            }
            Event::Msg { from, msg: TxnMsg::Report { txn, stands } } => {
                let Some(reports) = s.resolving.get_mut(&txn) else {
                    return;
                };
                reports.insert(from, stands);
                let Some(outcome) = self.terminate(reports) else {
                    return;
                };
                s.resolving.remove(&txn);
                out.note(
                    NoteKind::Info,
                    match outcome {
                        Decision::Commit => {
                            crate::msg!("txn {txn}: the participants' reports decide Commit", txn)
                        }
                        Decision::Abort => {
                            crate::msg!("txn {txn}: the participants' reports decide Abort", txn)
                        }
                    },
                );
                match outcome {
                    Decision::Commit => self.commit(s, txn, out),
                    Decision::Abort => self.abort(s, txn, out),
                }
            }
            Event::Timer(TxnTimer::Resend) => {
                for (&txn, acks) in &s.acks {
                    for p in c.participants().filter(|p| !acks.contains(p)) {
                        out.send(p, TxnMsg::Commit { txn });
                    }
                }
                for &txn in s.resolving.keys() {
                    self.broadcast(out, || TxnMsg::Query { txn });
                }
                if !s.log.commits.is_empty() || !s.resolving.is_empty() {
                    out.set_timer(TxnTimer::Resend, c.retry..=c.retry);
                }
            }
            _ => {}
        }
    }

    /// Skeen's termination rule for a recovering coordinator: follow any participant that
    /// decided; once every participant has reported and none can still decide alone, commit if
    /// any pre-committed (no one can have aborted), else abort (no one can have committed).
    fn terminate(&self, reports: &BTreeMap<NodeId, Stands>) -> Option<Decision> {
        if let Some(d) = reports.values().find_map(|r| match r {
            Stands::Decided(d) => Some(*d),
            _ => None,
        }) {
            return Some(d);
        }
        if reports.len() < self.all() {
            return None;
        }
        let mut any_pre = false;
        for r in reports.values() {
            match r {
                Stands::Undecided { alone: false, precommitted } => any_pre |= precommitted,
                _ => return None,
            }
        }
        Some(if any_pre { Decision::Commit } else { Decision::Abort })
    }

    fn start_logging(&self, r: &mut Round, out: &mut Effects<Self>) {
        r.stage = Stage::Logging;
        let w = self.config.log_write;
        out.set_timer(TxnTimer::Flush(r.txn), w..=w);
    }

    fn commit(&self, s: &mut CoordState, txn: u64, out: &mut Effects<Self>) {
        s.log.precommitted.remove(&txn);
        s.log.commits.insert(txn);
        out.persist(TxnDurable::Coordinator(s.log.clone()));
        self.broadcast(out, || TxnMsg::Commit { txn });
        s.acks.insert(txn, BTreeSet::new());
        out.set_timer(TxnTimer::Resend, self.config.retry..=self.config.retry);
        out.note(NoteKind::Commit, crate::msg!("txn {txn}: COMMIT", txn));
        self.finish(s, txn, Decision::Commit, out);
    }

    fn abort(&self, s: &mut CoordState, txn: u64, out: &mut Effects<Self>) {
        if s.log.precommitted.remove(&txn) {
            out.persist(TxnDurable::Coordinator(s.log.clone()));
        }
        self.broadcast(out, || TxnMsg::Abort { txn });
        out.note(NoteKind::Commit, crate::msg!("txn {txn}: ABORT", txn));
        self.finish(s, txn, Decision::Abort, out);
    }

    fn finish(&self, s: &mut CoordState, txn: u64, d: Decision, out: &mut Effects<Self>) {
        s.history.push((txn, d));
        if s.history.len() > HISTORY {
            s.history.remove(0);
        }
        if s.round.as_ref().is_some_and(|r| r.txn == txn) {
            s.round = None;
            out.set_timer(TxnTimer::Begin, self.config.think_min..=self.config.think_max);
        }
    }

    fn step_participant(&self, id: NodeId, s: &mut PartState, ev: Event<Self>, out: &mut Effects<Self>) {
        let c = &self.config;
        match ev {
            // Long decided: the coordinator has moved on. A Commit is acknowledged again (the
            // first Ack may have been lost); nothing else is answered.
            Event::Msg { from, msg: TxnMsg::Commit { txn } } if s.is_forgotten(txn) => {
                out.send(from, TxnMsg::Ack { txn });
            }
            Event::Msg { msg: TxnMsg::Prepare { txn } | TxnMsg::Abort { txn }, .. }
                if s.is_forgotten(txn) => {}
            Event::Msg { from, msg: TxnMsg::Prepare { txn } } => match s.txns.get(&txn) {
                None if c.votes_yes(txn, id) => {
                    s.txns.insert(txn, Phase::Preparing);
                    out.set_timer(TxnTimer::Flush(txn), c.log_write..=c.log_write);
                }
                None => {
                    // A no vote is a unilateral abort: nothing to wait for.
                    self.decide(id, s, txn, Phase::Aborted, out);
                    out.send(from, TxnMsg::Vote { txn, yes: false });
                }
                Some(p) if p.in_doubt() => out.send(from, TxnMsg::Vote { txn, yes: true }),
                Some(Phase::Aborted) => out.send(from, TxnMsg::Vote { txn, yes: false }),
                Some(_) => {}
            },
            Event::Timer(TxnTimer::Flush(txn)) if s.txns.get(&txn) == Some(&Phase::Preparing) => {
                s.txns.insert(txn, Phase::Uncertain);
                self.persist(s, out);
                out.send(COORDINATOR, TxnMsg::Vote { txn, yes: true });
                out.note(
                    NoteKind::Info,
                    crate::msg!("participant {id}: yes vote on txn {txn} logged; in doubt", id, txn),
                );
                match c.mode {
                    TxnMode::TwoPhase => {
                        let ask = c.vote_timeout + c.retry;
                        out.set_timer(TxnTimer::Ask(txn), ask..=ask)
                    }
                    TxnMode::ThreePhase => {
                        out.set_timer(TxnTimer::Decide(txn), c.decide_after()..=c.decide_after())
                    }
                }
            }
            Event::Msg { from, msg: TxnMsg::PreCommit { txn } } => match s.txns.get(&txn) {
                Some(Phase::Uncertain) => {
                    s.txns.insert(txn, Phase::PreCommitted);
                    self.persist(s, out);
                    out.send(from, TxnMsg::PreAck { txn });
                    if !s.recovered.contains(&txn) {
                        out.set_timer(TxnTimer::Decide(txn), c.decide_after()..=c.decide_after());
                    }
                }
                Some(Phase::PreCommitted) => out.send(from, TxnMsg::PreAck { txn }),
                _ => {}
            },
            Event::Msg { from, msg: TxnMsg::Commit { txn } } => {
                if s.txns.get(&txn) == Some(&Phase::Aborted) {
                    return out.note(
                        NoteKind::Info,
                        crate::msg!("participant {id} told to commit txn {txn}, which it aborted", id, txn),
                    );
                }
                self.decide(id, s, txn, Phase::Committed, out);
                out.send(from, TxnMsg::Ack { txn });
            }
            Event::Msg { msg: TxnMsg::Abort { txn }, .. } => {
                if s.txns.get(&txn) == Some(&Phase::Committed) {
                    return out.note(
                        NoteKind::Info,
                        crate::msg!("participant {id} told to abort txn {txn}, which it committed", id, txn),
                    );
                }
                self.decide(id, s, txn, Phase::Aborted, out);
            }
            Event::Timer(TxnTimer::Ask(txn)) if s.txns.get(&txn).is_some_and(|p| p.in_doubt()) => {
                out.send(COORDINATOR, TxnMsg::Ask { txn });
                out.set_timer(TxnTimer::Ask(txn), c.retry..=c.retry);
            }
            Event::Timer(TxnTimer::Decide(txn)) => {
                let outcome = match s.txns.get(&txn) {
                    Some(Phase::Uncertain) => Phase::Aborted,
                    Some(Phase::PreCommitted) => Phase::Committed,
                    _ => return,
                };
                out.note(
                    NoteKind::Info,
                    crate::msg!("participant {id}: no word on txn {txn}; decides alone", id, txn),
                );
                self.decide(id, s, txn, outcome, out);
            }
            Event::Msg { from, msg: TxnMsg::Query { txn } } => {
                let alone = !s.recovered.contains(&txn);
                let stands = match s.txns.get(&txn) {
                    Some(Phase::Committed) => Stands::Decided(Decision::Commit),
                    Some(Phase::Aborted) => Stands::Decided(Decision::Abort),
                    Some(Phase::Uncertain) => Stands::Undecided { precommitted: false, alone },
                    Some(Phase::PreCommitted) => Stands::Undecided { precommitted: true, alone },
                    Some(Phase::Preparing) | None => Stands::Unknown,
                };
                out.send(from, TxnMsg::Report { txn, stands });
            }
            _ => {}
        }
    }

    fn decide(&self, id: NodeId, s: &mut PartState, txn: u64, phase: Phase, out: &mut Effects<Self>) {
        if s.txns.get(&txn) == Some(&phase) {
            return; // a repeated decision (a duplicate, or the Abort after its own no vote)
        }
        s.txns.insert(txn, phase);
        s.recovered.remove(&txn);
        for t in [TxnTimer::Flush(txn), TxnTimer::Ask(txn), TxnTimer::Decide(txn)] {
            out.cancel_timer(t);
        }
        while s.txns.len() > PARTICIPANT_MEMORY {
            let Some(old) = s.txns.iter().find(|(_, p)| p.is_decided()).map(|(t, _)| *t) else {
                break;
            };
            s.txns.remove(&old);
            s.forgot = s.forgot.max(old);
        }
        self.persist(s, out);
        out.note(
            NoteKind::Commit,
            if phase == Phase::Committed {
                crate::msg!("participant {id}: txn {txn} committed", id, txn)
            } else {
                crate::msg!("participant {id}: txn {txn} aborted", id, txn)
            },
        );
    }

    fn persist(&self, s: &PartState, out: &mut Effects<Self>) {
        let mut txns = s.txns.clone();
        txns.retain(|_, p| *p != Phase::Preparing);
        out.persist(TxnDurable::Participant { txns, forgot: s.forgot });
    }
}

/// The simulator's write workload does not apply: the coordinator makes its own transactions.
impl Service for Txn {
    fn write(&self, id: u64, _key: u8, _value: u32) -> NoWrites {
        NoWrites { req: id }
    }
    fn reply(&self, out: &NoWrites) -> Reply {
        Reply::Rejected { req: out.req }
    }
}
