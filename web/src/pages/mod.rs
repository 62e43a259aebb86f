//! What each protocol adds to the shared [`crate::playground`] page, and the ring lab, which is
//! a page of its own.

pub mod paxos;
pub mod raft;
pub mod ring;
