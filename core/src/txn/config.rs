//! Atomic commit's configuration, including the bug switch its checker must catch.

use crate::protocol::{Micros, NodeId, MS, SEC};
use serde::{Deserialize, Serialize};

/// Node 0 coordinates; nodes 1.. are participants.
pub const COORDINATOR: NodeId = 0;

/// Two-phase commit (Gray 1978; Lampson & Sturgis) or three-phase commit (Skeen 1981).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TxnMode {
    #[default]
    TwoPhase,
    ThreePhase,
}

impl TxnMode {
    pub fn name(self) -> &'static str {
        match self {
            TxnMode::TwoPhase => "2pc",
            TxnMode::ThreePhase => "3pc",
        }
    }
}

/// Deliberate bugs. `core/tests/txn_bugs.rs` proves each is caught.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TxnBugs {
    /// When votes are missing at the timeout, the coordinator commits instead of aborting.
    pub commit_on_timeout: bool,
}

/// Each bug switch's URL name and what it breaks.
pub const TXN_BUG_NAMES: &[(&str, &str)] =
    &[("committimeout", "the coordinator commits when the vote timeout fires, without every vote")];

impl TxnBugs {
    pub fn flag_mut(&mut self, name: &str) -> Option<&mut bool> {
        match name {
            "committimeout" => Some(&mut self.commit_on_timeout),
            _ => None,
        }
    }

    pub fn get(&self, name: &str) -> Option<bool> {
        let mut copy = *self;
        copy.flag_mut(name).map(|f| *f)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TxnConfig {
    /// The coordinator and its participants; at least 2.
    pub nodes: usize,
    pub mode: TxnMode,
    /// A forced log write (fsync): votes and decisions are durable only after it.
    pub log_write: Micros,
    /// The coordinator aborts a transaction whose votes have not all arrived by then.
    pub vote_timeout: Micros,
    /// 3PC: the coordinator commits when pre-commit acknowledgements have not all arrived by then.
    pub ack_timeout: Micros,
    /// 3PC: a participant that voted yes and hears nothing decides on its own after this: abort
    /// if it has not pre-committed, commit if it has. A floor: see [`TxnConfig::decide_after`].
    pub decide_timeout: Micros,
    /// How often an in-doubt participant asks the coordinator for the outcome, and how often the
    /// coordinator resends an unacknowledged decision.
    pub retry: Micros,
    /// The pause between one transaction's end and the next one's start.
    pub think_min: Micros,
    pub think_max: Micros,
    /// Percent of votes that are "no" (decided by a hash of transaction and participant, so a
    /// replay votes the same way).
    pub no_percent: u8,
    pub bugs: TxnBugs,
}

impl Default for TxnConfig {
    fn default() -> Self {
        TxnConfig {
            nodes: 4,
            mode: TxnMode::TwoPhase,
            log_write: 30 * MS,
            vote_timeout: 400 * MS,
            ack_timeout: 400 * MS,
            decide_timeout: SEC + SEC / 2,
            retry: 300 * MS,
            think_min: 200 * MS,
            think_max: 500 * MS,
            no_percent: 10,
            bugs: TxnBugs::default(),
        }
    }
}

impl TxnConfig {
    /// The 3PC decide timeout actually used: at least the coordinator's worst delay before
    /// PreCommit (the vote timeout, its log write) plus a second for the message, or a slow voter
    /// would make an uncertain participant abort while the others go on to commit, with no
    /// partition at all.
    pub fn decide_after(&self) -> Micros {
        self.decide_timeout.max(self.vote_timeout + self.log_write + SEC)
    }

    pub fn participants(&self) -> impl Iterator<Item = NodeId> {
        1..self.nodes as NodeId
    }

    /// Participant `p`'s vote on transaction `txn`: a fixed hash, not the simulator's RNG, so the
    /// vote does not depend on when the question arrives.
    pub fn votes_yes(&self, txn: u64, p: NodeId) -> bool {
        let mut x =
            txn.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ u64::from(p).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x ^= x >> 31;
        x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^= x >> 29;
        x % 100 >= u64::from(self.no_percent)
    }

    /// A node's name, in words: the page shows it in its language.
    pub fn name(&self, id: NodeId) -> crate::msg::Msg {
        match id {
            COORDINATOR => crate::msg!("coordinator"),
            p => crate::msg!("participant {p}", p),
        }
    }
}
