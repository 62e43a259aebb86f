//! One fixed scenario shared by the native and the wasm32 determinism tests.

use halab_core::protocol::SEC;
use halab_core::scenario::url;

/// Loss, duplication, a crash, a partition and client writes: most code paths in 5 s.
pub const QUERY: &str =
    "p=raft&n=5&seed=42&lat=1ms-15ms&loss=0.05&dup=0.02&rate=20&faults=crash:1@1s,part:0.2/3.4@2s,restart:1@2.5s,heal@3s";

/// The trace hash of [`run`], identical on x86_64 and wasm32.
pub const FIXED_HASH: u64 = 0x019b_72c6_d111_ae02;

pub fn run() -> u64 {
    let scenario = url::decode(QUERY).expect("fixed scenario decodes").scenario;
    let mut sim = scenario.raft_sim();
    sim.run_until(5 * SEC);
    assert!(sim.violation().is_none());
    sim.trace().hash()
}
