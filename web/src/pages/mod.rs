//! One module per protocol page.

pub mod raft;
