//! Protocol-neutral building blocks. Each takes plain view data and callbacks, so every
//! page (Raft, Paxos, the lock service, the ring lab, availability) draws with the same pieces.
//!
//! A piece that needs no hook is a plain function from its props to `Html`, not a
//! `#[function_component]`: every component type costs about 2 KB of Wasm in Yew's per-component
//! machinery (mount, reuse, props comparison, scheduling), and 24 of them cost 17 KB gzipped
//! (BENCHMARKS.md, "Bundle"). The pages' own panels follow the same rule. What a component buys,
//! skipping a re-render when its props are equal, seldom pays off here: the pages re-render on
//! every frame or change, and most panels' props change with them. The components left hold a
//! hook ([`field::Field`], the ring's setup), are drawn by the shared playground page, or are the
//! ring's circle and its node layers, whose props compare a shared `Rc` so that a hover elsewhere
//! on the page redraws none of the thousands of key dots.

pub mod banner;
pub mod cluster;
pub mod controls;
pub mod diagram;
pub mod embed;
pub mod faults;
pub mod field;
pub mod frozen;
pub mod invariants;
pub mod log;
pub mod notes;
pub mod scrubber;
pub mod timeline;
