//! Paxos configuration, including the bug switches the invariant checker must catch.

use crate::protocol::{Micros, MS};
use serde::{Deserialize, Serialize};

/// Single-decree Paxos decides one value (slot 0); Multi-Paxos a log of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mode {
    Single,
    #[default]
    Multi,
}

/// Deliberate bugs. `core/tests/paxos_bugs.rs` proves each is caught.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PaxosBugs {
    /// An acceptor forgets its promise on restart (it is not persisted).
    pub forget_promise: bool,
    /// A proposer ignores the values reported in promises and proposes its own.
    pub ignore_accepted: bool,
    /// An acceptor accepts without checking its promise.
    pub accept_any: bool,
}

/// Each bug switch's short name (as in URLs and the page) and what it breaks.
pub const PAXOS_BUG_NAMES: &[(&str, &str)] = &[
    ("forget", "acceptors forget their promise on restart"),
    ("ignore", "proposers ignore accepted values reported in promises"),
    ("acceptany", "acceptors accept without checking their promise"),
];

impl PaxosBugs {
    /// The switch called `name` (see [`PAXOS_BUG_NAMES`]).
    pub fn flag_mut(&mut self, name: &str) -> Option<&mut bool> {
        match name {
            "forget" => Some(&mut self.forget_promise),
            "ignore" => Some(&mut self.ignore_accepted),
            "acceptany" => Some(&mut self.accept_any),
            _ => None,
        }
    }

    pub fn get(&self, name: &str) -> Option<bool> {
        let mut copy = *self;
        copy.flag_mut(name).map(|f| *f)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PaxosConfig {
    /// Every node is an acceptor and a learner.
    pub nodes: usize,
    /// Nodes `0..proposers` are proposers.
    pub proposers: usize,
    pub mode: Mode,
    /// Randomised retry delay after a rejection. Off: retry at once, which lets two proposers
    /// pre-empt each other forever (the duelling-proposers livelock).
    pub backoff: bool,
    /// The retry delay range with backoff on (also the timeout for a silent round).
    pub retry_min: Micros,
    pub retry_max: Micros,
    /// Multi-Paxos: how often the leader says it is alive.
    pub heartbeat: Micros,
    /// Multi-Paxos: a proposer that hears no leader for this long runs phase 1.
    pub leader_timeout_min: Micros,
    pub leader_timeout_max: Micros,
    /// At most this many chosen values per catch-up message.
    pub max_batch: usize,
    /// Snapshot the state machine and forget learned values every this many applied slots;
    /// 0 never.
    pub snapshot_every: u64,
    pub bugs: PaxosBugs,
}

impl Default for PaxosConfig {
    fn default() -> Self {
        PaxosConfig {
            nodes: 5,
            proposers: 2,
            mode: Mode::Multi,
            backoff: true,
            retry_min: 20 * MS,
            retry_max: 200 * MS,
            heartbeat: 50 * MS,
            leader_timeout_min: 150 * MS,
            leader_timeout_max: 300 * MS,
            max_batch: 64,
            snapshot_every: 1_000,
            bugs: PaxosBugs::default(),
        }
    }
}
