//! Atomic commit's invariants, judged after every step, plus what the page shows: a timeline of
//! each node's state and how long each participant has been blocked in doubt (true time).

use super::{Phase, Stage, Txn, TxnState, COORDINATOR};
use crate::cluster::Cluster;
use crate::invariant::{Broken, Checker};
use crate::protocol::{Micros, NodeId};
use crate::timeline::Timeline;
use std::collections::{BTreeMap, BTreeSet};

/// No participant commits a transaction that another participant aborted.
pub const ATOMICITY: &str = "atomicity";
/// A transaction commits (at the coordinator or any participant) only if every participant
/// voted yes.
pub const VALIDITY: &str = "commit only if all voted yes";

pub const TXN_INVARIANTS: &[&str] = &[ATOMICITY, VALIDITY];

/// Transactions remembered by the checker; older ones are forgotten first.
pub const CHECKER_MEMORY: usize = 256;

#[derive(Clone, Debug, Default)]
struct Record {
    yes: BTreeSet<NodeId>,
    /// Participants that committed; the coordinator (node 0) too once it logged COMMIT.
    committed: BTreeSet<NodeId>,
    aborted: BTreeSet<NodeId>,
}

fn who(cfg: &super::TxnConfig, id: NodeId) -> String {
    if id == COORDINATOR {
        "the coordinator".into()
    } else {
        cfg.name(id)
    }
}

/// A commit beside an abort, if the record holds one.
fn split(txn: u64, r: &Record, cfg: &super::TxnConfig) -> Result<(), Broken> {
    if let (Some(&a), Some(&b)) = (r.committed.first(), r.aborted.first()) {
        return Err(Broken {
            invariant: ATOMICITY,
            detail: format!("txn {txn}: {} committed, {} aborted", who(cfg, a), who(cfg, b)),
        });
    }
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct TxnChecker {
    pub timeline: Timeline,
    records: BTreeMap<u64, Record>,
    /// Each participant's transactions as last seen, so only changes are judged.
    seen: BTreeMap<NodeId, BTreeMap<u64, Phase>>,
    /// Since when each participant has been in doubt (true time), while it is.
    in_doubt_since: BTreeMap<NodeId, Micros>,
    /// Time each participant spent in doubt before its current stretch.
    blocked_before: BTreeMap<NodeId, Micros>,
    /// The coordinator's decisions so far: commits and aborts.
    pub committed: u64,
    pub aborted: u64,
    last_outcome: Option<(u64, super::Decision)>,
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

    fn record(&mut self, txn: u64) -> &mut Record {
        if !self.records.contains_key(&txn) && self.records.len() >= CHECKER_MEMORY {
            self.records.pop_first();
        }
        self.records.entry(txn).or_default()
    }

    fn all_voted_yes(&mut self, cluster: &Cluster<Txn>, txn: u64, who: &str) -> Result<(), Broken> {
        let c = &cluster.protocol.config;
        let yes = &self.record(txn).yes;
        if let Some(p) = c.participants().find(|p| !yes.contains(p)) {
            return Err(Broken {
                invariant: VALIDITY,
                detail: format!("{who} committed txn {txn}, but participant {p} never voted yes"),
            });
        }
        Ok(())
    }

    fn participant(&mut self, cluster: &Cluster<Txn>, p: NodeId) -> Result<(), Broken> {
        let now = cluster.now;
        let Some(TxnState::Participant(s)) = cluster.state(p) else {
            self.timeline.set(p, now, Some(("down", "crashed".into())));
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
                        self.timeline.mark(p, now, "committed", format!("txn {txn} committed"));
                        let valid = self.all_voted_yes(cluster, txn, &format!("participant {p}"));
                        broken = broken.and(valid);
                    }
                }
                Phase::Aborted => {
                    if r.aborted.insert(p) {
                        self.timeline.mark(p, now, "aborted", format!("txn {txn} aborted"));
                    }
                }
                Phase::Preparing => {}
            }
            broken = broken.and(split(txn, &self.records[&txn], &cluster.protocol.config));
        }
        let open = s.txns.iter().rev().find(|(_, ph)| !ph.is_decided());
        let row = match open {
            Some((t, Phase::Preparing)) => Some(("working", format!("txn {t}: logging its vote"))),
            Some((t, Phase::Uncertain)) => Some(("in-doubt", format!("txn {t}: in doubt"))),
            Some((t, Phase::PreCommitted)) => Some(("precommitted", format!("txn {t}: pre-committed"))),
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
            self.timeline.set(COORDINATOR, now, Some(("down", "crashed".into())));
            return Ok(());
        };
        let row = s.round.as_ref().map(|r| match r.stage {
            Stage::Voting => ("voting", format!("txn {}: collecting votes", r.txn)),
            Stage::Logging => ("logging", format!("txn {}: logging", r.txn)),
            Stage::PreCommitting => ("precommitted", format!("txn {}: pre-commit sent", r.txn)),
        });
        self.timeline.set(COORDINATOR, now, row);
        if let Some(&(txn, d)) = s.history.last() {
            if self.last_outcome != Some((txn, d)) {
                self.last_outcome = Some((txn, d));
                let (class, word) = match d {
                    super::Decision::Commit => ("committed", "COMMIT"),
                    super::Decision::Abort => ("aborted", "ABORT"),
                };
                self.timeline.mark(COORDINATOR, now, class, format!("txn {txn}: {word}"));
                match d {
                    super::Decision::Commit => self.committed += 1,
                    super::Decision::Abort => self.aborted += 1,
                }
            }
        }
        for txn in s.log.commits.iter().copied().collect::<Vec<_>>() {
            self.all_voted_yes(cluster, txn, "the coordinator")?;
            // The coordinator's logged COMMIT is a commit too: participants that all aborted on
            // their own while it committed is a split as well.
            self.record(txn).committed.insert(COORDINATOR);
            split(txn, &self.records[&txn], &cluster.protocol.config)?;
        }
        Ok(())
    }
}

impl Checker<Txn> for TxnChecker {
    fn check(&mut self, cluster: &Cluster<Txn>, touched: Option<NodeId>) -> Result<(), Broken> {
        match touched {
            Some(COORDINATOR) => self.coordinator(cluster),
            Some(p) => self.participant(cluster, p),
            None => Ok(()),
        }
    }
}
