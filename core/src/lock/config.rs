//! The lock service's configuration, including the bug switches its checker must catch.

use crate::protocol::{Micros, NodeId, MS, SEC};
use serde::{Deserialize, Serialize};

/// Node 0 is the lock server, node 1 the guarded storage, nodes 2.. are clients.
pub const SERVER: NodeId = 0;
pub const STORAGE: NodeId = 1;
pub const FIRST_CLIENT: NodeId = 2;

/// Deliberate bugs. `core/tests/lock_bugs.rs` proves each is caught.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LockBugs {
    /// The storage accepts any token (no fencing): the stale write of a paused client lands.
    pub no_fencing: bool,
    /// A client counts its lease from when the grant *arrives*, for the full TTL, with no margin
    /// for clock drift: the grant's flight time is added to its belief.
    pub lease_from_receipt: bool,
    /// The server does not persist its token counter and grants at once after a restart: tokens
    /// start again at 1 while an old holder may still be working.
    pub volatile_tokens: bool,
    /// A client forgets its life on restart and numbers acquisitions from 0 again: the server
    /// takes its new Acquire for a retry of its last life's and re-grants that token, and a slow
    /// Release from the last life then frees the lease the new life believes it holds.
    pub reuse_acquisitions: bool,
}

/// Each bug switch's URL name and what it breaks.
pub const LOCK_BUG_NAMES: &[(&str, &str)] = &[
    ("nofence", "the storage accepts any token (fencing off)"),
    ("receipt", "clients count the lease from the grant's arrival, without a drift margin"),
    ("volatile", "the server forgets its token counter on restart and grants at once"),
    ("reuse", "a restarted client numbers its acquisitions from 0 again"),
];

impl LockBugs {
    pub fn flag_mut(&mut self, name: &str) -> Option<&mut bool> {
        match name {
            "nofence" => Some(&mut self.no_fencing),
            "receipt" => Some(&mut self.lease_from_receipt),
            "volatile" => Some(&mut self.volatile_tokens),
            "reuse" => Some(&mut self.reuse_acquisitions),
            _ => None,
        }
    }

    pub fn get(&self, name: &str) -> Option<bool> {
        let mut copy = *self;
        copy.flag_mut(name).map(|f| *f)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LockConfig {
    /// Server + storage + clients; at least 3.
    pub nodes: usize,
    /// How long a grant or renewal lasts on the server's clock.
    pub ttl: Micros,
    /// The clock drift every node is assumed to stay within, in parts per million. Clients
    /// shorten their lease to `ttl · (1 − ρ)/(1 + ρ)` so that, within this bound, a client's
    /// belief always ends before the server's lease does.
    pub drift_bound_ppm: u32,
    /// How long a holder works before it writes (drawn per grant by the driver).
    pub work_min: Micros,
    pub work_max: Micros,
    /// The pause between a client's release and its next attempt.
    pub think_min: Micros,
    pub think_max: Micros,
    /// A client whose request went unanswered or was denied tries again after this.
    pub retry_min: Micros,
    pub retry_max: Micros,
    pub bugs: LockBugs,
}

impl Default for LockConfig {
    fn default() -> Self {
        LockConfig {
            nodes: 4,
            ttl: SEC,
            drift_bound_ppm: 10_000,
            work_min: 200 * MS,
            work_max: 700 * MS,
            think_min: 100 * MS,
            think_max: 600 * MS,
            retry_min: 100 * MS,
            retry_max: 250 * MS,
            bugs: LockBugs::default(),
        }
    }
}

impl LockConfig {
    pub fn clients(&self) -> usize {
        self.nodes.saturating_sub(FIRST_CLIENT as usize)
    }

    pub fn is_client(&self, id: NodeId) -> bool {
        id >= FIRST_CLIENT && (id as usize) < self.nodes
    }

    /// How long a client believes a grant lasts, on its own clock, counted from when it asked.
    pub fn client_lease(&self) -> Micros {
        if self.bugs.lease_from_receipt {
            return self.ttl;
        }
        let rho = u128::from(self.drift_bound_ppm.min(999_999));
        (u128::from(self.ttl) * (1_000_000 - rho) / (1_000_000 + rho)) as Micros
    }

    /// A node's name as pages and notes say it: "lock server", "storage", "client 1", ...
    pub fn name(&self, id: NodeId) -> crate::msg::Msg {
        match id {
            SERVER => crate::msg!("lock server"),
            STORAGE => crate::msg!("storage"),
            c => crate::msg!("client {n}", n = c - FIRST_CLIENT + 1),
        }
    }
}
