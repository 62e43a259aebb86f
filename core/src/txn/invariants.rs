//! Atomic commit's invariants, judged after every step, plus what the page shows: a timeline of
//! each node's state and how long each participant has been blocked in doubt (true time).
//!
//! The checker keeps a record per transaction (yes votes, who committed, who aborted, the
//! coordinator included) for as long as its outcome can still change anywhere: while the
//! coordinator's log holds it or its round is open, or any participant, up or down, holds it
//! undecided. Decided phases never change (participants ignore late decisions, and remember
//! what they forgot), so a settled record can go. Its memory is bounded by what is still open,
//! not by a count: a participant down for a thousand transactions keeps exactly the records it
//! can still change.

use super::{CoordLog, Decision, PartState, Phase, Stage, Txn, TxnDurable, TxnState, Txns, COORDINATOR};
use crate::cluster::Cluster;
use crate::invariant::{Broken, Checker};
use crate::msg::Msg;
use crate::protocol::{Micros, NodeId};
use crate::timeline::Timeline;
use std::collections::{BTreeMap, BTreeSet};

/// No participant commits a transaction that another participant aborted.
pub const ATOMICITY: &str = "atomicity";
/// A transaction commits (at the coordinator or any participant) only if every participant
/// voted yes.
pub const VALIDITY: &str = "commit only if all voted yes";

pub const TXN_INVARIANTS: &[&str] = &[ATOMICITY, VALIDITY];

/// Records kept before the first sweep for settled transactions; after each sweep the next
/// comes when the records have doubled, so sweeping costs O(1) per record.
pub const FIRST_SWEEP: usize = 64;

#[derive(Clone, Debug, Default)]
struct Record {
    yes: BTreeSet<NodeId>,
    /// Participants that committed; the coordinator (node 0) too once it logged COMMIT.
    committed: BTreeSet<NodeId>,
    aborted: BTreeSet<NodeId>,
}

fn who(id: NodeId) -> Msg {
    if id == COORDINATOR {
        crate::msg!("the coordinator")
    } else {
        crate::msg!("participant {p}", p = id)
    }
}

/// A commit beside an abort, if the record holds one.
fn split(txn: u64, r: &Record) -> Result<(), Broken> {
    if let (Some(&a), Some(&b)) = (r.committed.first(), r.aborted.first()) {
        return Err(Broken {
            invariant: ATOMICITY,
            detail: crate::msg!("txn {txn}: {a} committed, {b} aborted", txn, a = who(a), b = who(b)),
        });
    }
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct TxnChecker {
    pub timeline: Timeline,
    records: BTreeMap<u64, Record>,
    /// Each participant's transactions as last seen, so only changes are judged.
    seen: BTreeMap<NodeId, Txns>,
    /// Since when each participant has been in doubt (true time), while it is.
    in_doubt_since: BTreeMap<NodeId, Micros>,
    /// Time each participant spent in doubt before its current stretch.
    blocked_before: BTreeMap<NodeId, Micros>,
    /// The coordinator's decisions so far: commits and aborts.
    pub committed: u64,
    pub aborted: u64,
    last_outcome: Option<(u64, super::Decision)>,
    /// The coordinator's logged COMMITs as last judged, so each is judged when it appears.
    coord_commits: std::collections::BTreeSet<u64>,
    /// Sweep for settled records once there are this many.
    next_sweep: usize,
}

impl TxnChecker {
    /// Total true time participant `p` has spent in doubt (voted yes, no outcome), up to `now`.
    pub fn blocked(&self, p: NodeId, now: Micros) -> Micros {
        let current = self.in_doubt_since.get(&p).map_or(0, |&t| now.saturating_sub(t));
        self.blocked_before.get(&p).copied().unwrap_or(0) + current
    }

    /// Since when `p` has been in doubt, if it is.
    pub fn in_doubt_since(&self, p: NodeId) -> Option<Micros> {
        self.in_doubt_since.get(&p).copied()
    }

    /// Transactions whose record the checker still keeps.
    pub fn records_kept(&self) -> usize {
        self.records.len()
    }

    fn record(&mut self, txn: u64) -> &mut Record {
        self.records.entry(txn).or_default()
    }

    /// Drops the records no node can change any more (see the module comment).
    fn sweep(&mut self, cluster: &Cluster<Txn>) {
        if self.records.len() < self.next_sweep.max(FIRST_SWEEP) {
            return;
        }
        let coordinator = &cluster.nodes[COORDINATOR as usize];
        let (log, round) = match (&coordinator.state, &coordinator.durable) {
            (Some(TxnState::Coordinator(s)), _) => (Some(&s.log), s.round.as_ref().map(|r| r.txn)),
            (None, Some(TxnDurable::Coordinator(log))) => (Some(log), None),
            _ => (None, None),
        };
        let default_log = CoordLog::default();
        let log = log.unwrap_or(&default_log);
        let participants: Vec<Option<&Txns>> = cluster
            .protocol
            .config
            .participants()
            .map(|p| {
                let n = &cluster.nodes[p as usize];
                match (&n.state, &n.durable) {
                    (Some(TxnState::Participant(PartState { txns, .. })), _) => Some(txns),
                    (None, Some(TxnDurable::Participant { txns, .. })) => Some(txns),
                    _ => None,
                }
            })
            .collect();
        self.records.retain(|&txn, _| {
            let open_at_coordinator = txn >= log.next_txn
                || round == Some(txn)
                || log.commits.contains(&txn)
                || log.precommitted.contains(&txn);
            let open_at_participant =
                participants.iter().flatten().any(|txns| txns.get(&txn).is_some_and(|ph| !ph.is_decided()));
            open_at_coordinator || open_at_participant
        });
        self.next_sweep = 2 * self.records.len();
    }

    fn all_voted_yes(&mut self, cluster: &Cluster<Txn>, txn: u64, who: Msg) -> Result<(), Broken> {
        let c = &cluster.protocol.config;
        let yes = &self.record(txn).yes;
        if let Some(p) = c.participants().find(|p| !yes.contains(p)) {
            return Err(Broken {
                invariant: VALIDITY,
                detail: crate::msg!(
                    "{who} committed txn {txn}, but participant {p} never voted yes",
                    who,
                    txn,
                    p
                ),
            });
        }
        Ok(())
    }

    fn participant(&mut self, cluster: &Cluster<Txn>, p: NodeId) -> Result<(), Broken> {
        let now = cluster.now;
        let Some(TxnState::Participant(s)) = cluster.state(p) else {
            self.timeline.set(p, now, Some(("down", crate::msg!("crashed"))));
            self.leave_doubt(p, now);
            return Ok(());
        };
        let before = self.seen.insert(p, s.txns.clone()).unwrap_or_default();
        let changed = s.txns.iter().filter(|(t, ph)| before.get(t) != Some(ph));
        // The first broken invariant is returned after the timeline and the doubt counters are
        // up to date, so the page shows the violating step as it was.
        let mut broken = Ok(());
        for (&txn, &phase) in changed {
            let r = self.record(txn);
            match phase {
                Phase::Uncertain | Phase::PreCommitted => {
                    r.yes.insert(p);
                }
                Phase::Committed => {
                    if r.committed.insert(p) {
                        self.timeline.mark(p, now, "committed", crate::msg!("txn {txn} committed", txn));
                        let valid = self.all_voted_yes(cluster, txn, who(p));
                        broken = broken.and(valid);
                    }
                }
                Phase::Aborted => {
                    if r.aborted.insert(p) {
                        self.timeline.mark(p, now, "aborted", crate::msg!("txn {txn} aborted", txn));
                    }
                }
                Phase::Preparing => {}
            }
            broken = broken.and(split(txn, &self.records[&txn]));
        }
        let open = s.txns.iter().rev().find(|(_, ph)| !ph.is_decided());
        let row = match open {
            Some((&txn, Phase::Preparing)) => {
                Some(("working", crate::msg!("txn {txn}: logging its vote", txn)))
            }
            Some((&txn, Phase::Uncertain)) => Some(("in-doubt", crate::msg!("txn {txn}: in doubt", txn))),
            Some((&txn, Phase::PreCommitted)) => {
                Some(("precommitted", crate::msg!("txn {txn}: pre-committed", txn)))
            }
            _ => None,
        };
        self.timeline.set(p, now, row);
        if s.txns.values().any(|ph| ph.in_doubt()) {
            self.in_doubt_since.entry(p).or_insert(now);
        } else {
            self.leave_doubt(p, now);
        }
        broken
    }

    fn leave_doubt(&mut self, p: NodeId, now: Micros) {
        if let Some(since) = self.in_doubt_since.remove(&p) {
            *self.blocked_before.entry(p).or_default() += now.saturating_sub(since);
        }
    }

    fn coordinator(&mut self, cluster: &Cluster<Txn>) -> Result<(), Broken> {
        let now = cluster.now;
        let Some(TxnState::Coordinator(s)) = cluster.state(COORDINATOR) else {
            self.timeline.set(COORDINATOR, now, Some(("down", crate::msg!("crashed"))));
            return Ok(());
        };
        let row = s.round.as_ref().map(|r| {
            let txn = r.txn;
            match r.stage {
                Stage::Voting => ("voting", crate::msg!("txn {txn}: collecting votes", txn)),
                Stage::Logging => ("logging", crate::msg!("txn {txn}: logging", txn)),
                Stage::PreCommitting => ("precommitted", crate::msg!("txn {txn}: pre-commit sent", txn)),
            }
        });
        self.timeline.set(COORDINATOR, now, row);
        let mut broken = Ok(());
        if let Some(&(txn, d)) = s.history.last() {
            if self.last_outcome != Some((txn, d)) {
                self.last_outcome = Some((txn, d));
                let (class, label) = match d {
                    Decision::Commit => ("committed", crate::msg!("txn {txn}: COMMIT", txn)),
                    Decision::Abort => ("aborted", crate::msg!("txn {txn}: ABORT", txn)),
                };
                self.timeline.mark(COORDINATOR, now, class, label);
                match d {
                    Decision::Commit => self.committed += 1,
                    Decision::Abort => {
                        self.aborted += 1;
                        // The coordinator's abort counts: a participant that committed what
                        // it aborted is a split.
                        self.record(txn).aborted.insert(COORDINATOR);
                        broken = broken.and(split(txn, &self.records[&txn]));
                    }
                }
            }
        }
        // Each logged COMMIT is judged once, when it appears; after a restart the log is the
        // same and nothing is judged again.
        let new: Vec<u64> = s.log.commits.difference(&self.coord_commits).copied().collect();
        self.coord_commits.clone_from(&s.log.commits);
        for txn in new {
            broken = broken.and(self.all_voted_yes(cluster, txn, who(COORDINATOR)));
            // The coordinator's logged COMMIT is a commit too: participants that all aborted on
            // their own while it committed is a split as well.
            self.record(txn).committed.insert(COORDINATOR);
            broken = broken.and(split(txn, &self.records[&txn]));
        }
        broken
    }
}

impl Checker<Txn> for TxnChecker {
    fn check(&mut self, cluster: &Cluster<Txn>, touched: Option<NodeId>) -> Result<(), Broken> {
        let verdict = match touched {
            Some(COORDINATOR) => self.coordinator(cluster),
            Some(p) => self.participant(cluster, p),
            None => Ok(()),
        };
        self.sweep(cluster);
        verdict
    }
}
