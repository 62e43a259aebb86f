//! Protocol-neutral building blocks. Each takes plain view data and callbacks, so every
//! page (Raft, Paxos, the lock service, the ring lab, availability) draws with the same pieces.

pub mod banner;
pub mod cluster;
pub mod controls;
pub mod faults;
pub mod field;
pub mod invariants;
pub mod log;
pub mod notes;
pub mod timeline;
