//! # halab-core
//!
//! The deterministic heart of HA Lab: distributed protocols as pure state machines, a seeded
//! discrete-event simulator that drives them through network faults and crashes, and invariant
//! checkers that judge every step. No I/O, no clock, no threads, no randomness but the seeded
//! RNG, so a scenario replays to the same trace hash on native and on Wasm.
//!
//! ## Running a Raft cluster
//!
//! ```
//! use halab_core::raft::{Raft, RaftChecker, RaftConfig};
//! use halab_core::sim::{Sim, SimConfig};
//! use halab_core::sim::fault::{Fault, Scheduled};
//! use halab_core::protocol::SEC;
//!
//! let raft = Raft::new(RaftConfig { nodes: 5, ..RaftConfig::default() });
//! let config = SimConfig {
//!     seed: 7,
//!     write_rate: 20,
//!     script: vec![Scheduled { at: 2 * SEC, fault: Fault::Crash(0) }],
//!     ..SimConfig::default()
//! };
//! let mut sim = Sim::new(raft, config).with_checker(RaftChecker::default());
//! sim.run_until(5 * SEC);
//!
//! assert!(sim.violation().is_none());
//! let leaders = sim.cluster().nodes.iter().filter_map(|n| n.state.as_ref()).filter(|s| s.is_leader());
//! assert_eq!(leaders.count(), 1);
//! // The same seed and script give the same run, event for event.
//! println!("trace hash {:016x}", sim.trace().hash());
//! ```
//!
//! ## Injecting faults while it runs
//!
//! [`sim::Sim::inject`] schedules a fault one microsecond after the current instant; recording
//! that instant in a scenario's fault script replays the run exactly (this is how the page turns
//! clicks into a URL).
//!
//! ```
//! # use halab_core::raft::{Raft, RaftConfig};
//! # use halab_core::sim::{Sim, SimConfig, fault::Fault};
//! # use halab_core::protocol::SEC;
//! let mut sim = Sim::new(Raft::default(), SimConfig::default());
//! sim.run_until(SEC);
//! let at = sim.inject(Fault::Partition(vec![vec![0, 1], vec![2, 3, 4]]));
//! assert_eq!(at, SEC + 1);
//! ```

pub mod check;
pub mod client;
pub mod cluster;
pub mod compact;
pub mod invariant;
pub mod lb;
pub mod lock;
pub mod msg;
pub mod paxos;
pub mod protocol;
pub mod raft;
pub mod reliability;
pub mod ring;
pub mod scenario;
pub mod sim;
pub mod timeline;
pub mod txn;
