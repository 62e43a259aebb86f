//! Raft's configuration, including the deliberately broken variants ("bug switches") that the
//! invariant checkers must catch.

use crate::protocol::{Micros, MS};
use serde::{Deserialize, Serialize};

/// Deliberate bugs. Each must be caught by an invariant; `core/tests/raft_bugs.rs` proves it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Bugs {
    /// Grant votes without §5.4.1's up-to-date check: a stale node can win and erase
    /// committed entries. Caught by leader completeness.
    pub vote_without_log_check: bool,
    /// Commit an earlier term's entry once a majority stores it — the paper's Figure 8.
    /// Caught by state-machine safety.
    pub commit_old_terms: bool,
    /// Forget `votedFor` on restart: a node can vote twice in one term.
    /// Caught by election safety.
    pub forget_vote: bool,
    /// Install every InstallSnapshot by discarding the log and loading the snapshot, skipping
    /// Figure 13's checks (ignore a snapshot the node is already past; keep the entries that
    /// follow a matching last entry). A late copy erases entries the follower acknowledged,
    /// which the leader may have counted to commit, and winds its state machine back. Caught by
    /// the applied-state check (state going backwards), leader completeness or state-machine
    /// safety.
    pub discard_log: bool,
}

/// Each bug switch's short name (as in URLs and the page) and what it breaks.
pub const BUG_NAMES: &[(&str, &str)] = &[
    ("vote", "grant votes without the log up-to-date check (§5.4.1)"),
    ("fig8", "commit entries of earlier terms by counting replicas (Figure 8)"),
    ("forget", "forget votedFor on restart"),
    ("snap", "install every snapshot by discarding the log, even a late copy or one that matches (§7)"),
];

impl Bugs {
    pub fn any(&self) -> bool {
        self.vote_without_log_check || self.commit_old_terms || self.forget_vote || self.discard_log
    }

    /// The switch called `name` (see [`BUG_NAMES`]).
    pub fn flag_mut(&mut self, name: &str) -> Option<&mut bool> {
        match name {
            "vote" => Some(&mut self.vote_without_log_check),
            "fig8" => Some(&mut self.commit_old_terms),
            "forget" => Some(&mut self.forget_vote),
            "snap" => Some(&mut self.discard_log),
            _ => None,
        }
    }

    pub fn get(&self, name: &str) -> Option<bool> {
        self.clone().flag_mut(name).map(|f| *f)
    }
}

/// Entries applied between snapshots by default: a few seconds of the busiest workload, so the
/// log (and everything a step may copy from it) stays small, while a follower that misses less
/// than that catches up from the log.
pub const DEFAULT_SNAPSHOT_EVERY: u64 = 1_000;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RaftConfig {
    pub nodes: usize,
    /// Followers wait a random time in this range without hearing from a leader before they
    /// stand for election (§5.2).
    pub election_min: Micros,
    pub election_max: Micros,
    pub heartbeat: Micros,
    /// At most this many entries per AppendEntries.
    pub max_batch: usize,
    /// Append a no-op when elected (§8), so entries of earlier terms commit without waiting for
    /// a client write. Figure 2 has no such rule, so it is off by default: with it on, the
    /// Figure 8 bug can hardly show, since no follower ever matches an old entry without the
    /// new leader's no-op.
    pub noop: bool,
    /// Reset the election timer on every message of a higher term, a refused RequestVote
    /// included, as etcd/raft's `becomeFollower` does. Figure 2 resets it only when a vote is
    /// granted, AppendEntries arrives from the current leader, or an election starts; so a node
    /// that refuses a stale candidate keeps its own deadline and can still win the next term.
    pub reset_on_higher_term: bool,
    /// Take a snapshot and compact the log every this many applied entries (§7); 0 never.
    pub snapshot_every: u64,
    pub bugs: Bugs,
}

impl Default for RaftConfig {
    fn default() -> Self {
        RaftConfig {
            nodes: 5,
            election_min: 150 * MS,
            election_max: 300 * MS,
            heartbeat: 50 * MS,
            max_batch: 64,
            noop: false,
            reset_on_higher_term: false,
            snapshot_every: DEFAULT_SNAPSHOT_EVERY,
            bugs: Bugs::default(),
        }
    }
}
