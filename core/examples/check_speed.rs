//! The exhaustive checker's speed, natively and in Wasm, on the search `benches/check.rs` and
//! `benches/check_vs_stateright.rs` time: single-decree Paxos, 2 proposers × 3 acceptors,
//! breadth-first to depth 10 with 2 timer firings (issue 16: Wasm should reach at least half
//! the native speed). `cargo xtask bench-wasm` builds this twice and runs both side by side.
//!
//! - Native: `check_speed [RUNS]` runs the search RUNS times (default 5) and prints one line per
//!   run: `unique-states seconds`.
//! - wasm32-unknown-unknown: the module imports nothing and exports `paxos_unique()`, one whole
//!   search returning its unique state count, for a host to time (xtask's `bench_wasm.cjs` does,
//!   in Node, with `performance.now()`). No wasm-bindgen: nothing crosses the boundary but a u64.

use halab_core::check::{Bounds, Order, Search, Verdict};
use halab_core::paxos::invariants::PaxosChecker;
use halab_core::paxos::{Mode, Paxos, PaxosConfig};

/// One whole search; its unique state count.
#[no_mangle]
pub extern "C" fn paxos_unique() -> u64 {
    let p = Paxos::new(PaxosConfig { nodes: 3, proposers: 2, mode: Mode::Single, ..PaxosConfig::default() });
    let bounds = Bounds { depth: 10, timeouts: 2, ..Bounds::default() };
    let mut s = Search::boot(p, PaxosChecker::default(), bounds, Order::BreadthFirst);
    while *s.run(100_000) == Verdict::Running {}
    assert_eq!(*s.verdict(), Verdict::Done);
    s.stats().unique
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let runs: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    for _ in 0..runs {
        let t = std::time::Instant::now();
        let unique = std::hint::black_box(paxos_unique());
        println!("{unique} {:.6}", t.elapsed().as_secs_f64());
    }
}

/// A host calls `paxos_unique` instead.
#[cfg(target_arch = "wasm32")]
fn main() {}
