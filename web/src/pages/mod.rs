//! What each protocol adds to the shared [`crate::playground`] page.

pub mod paxos;
pub mod raft;
