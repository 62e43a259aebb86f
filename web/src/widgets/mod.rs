//! Protocol-neutral building blocks. Each takes plain view data and callbacks, so every
//! protocol page (Raft now, Paxos and friends later) draws with the same pieces.

pub mod cluster;
pub mod controls;
pub mod faults;
pub mod invariants;
pub mod log;
pub mod notes;
