//! The client model shared by replicated key-value protocols: submit a write to some node,
//! follow redirects to the leader, retry on silence, and record when each write committed.

use crate::protocol::{NodeId, Protocol};
use serde::Serialize;

/// A protocol that serves client writes.
pub trait Service: Protocol {
    /// The input for write `id` (key and value are for the replicated map).
    fn write(&self, id: u64, key: u8, value: u32) -> Self::Input;
    /// What an output means to the client.
    fn reply(&self, out: &Self::Output) -> Reply;
}

/// A reply as the client understands it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Reply {
    /// Not the leader; try the hinted node (or another one).
    Redirect { req: u64, leader: Option<NodeId> },
    /// The leader appended it to its log.
    Accepted { req: u64 },
    /// Committed and applied.
    Committed { req: u64 },
    /// Decided without it (single-decree Paxos chose another value); the client gives up.
    Rejected { req: u64 },
}

impl Reply {
    pub fn req(&self) -> u64 {
        match *self {
            Reply::Redirect { req, .. }
            | Reply::Accepted { req }
            | Reply::Committed { req }
            | Reply::Rejected { req } => req,
        }
    }

    pub fn outcome(&self) -> &'static str {
        match self {
            Reply::Redirect { .. } => "redirect",
            Reply::Accepted { .. } => "accepted",
            Reply::Committed { .. } => "committed",
            Reply::Rejected { .. } => "rejected",
        }
    }
}
