//! What each protocol adds to the shared [`crate::playground`] page, plus two pages of their
//! own: the ring lab and the availability page (no simulation clock in either; the availability
//! page only runs the simulator for its measured points).

pub mod avail;
pub mod lb;
pub mod lock;
pub mod paxos;
pub mod raft;
pub mod ring;
pub mod txn;
