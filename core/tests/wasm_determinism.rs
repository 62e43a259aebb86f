//! Runs in headless Chromium (`cargo test --target wasm32-unknown-unknown`): the fixed
//! scenario's trace hash must equal the one pinned by the native test.
#![cfg(target_arch = "wasm32")]

mod fixed;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn wasm_trace_hash_equals_native() {
    assert_eq!(fixed::run(), fixed::FIXED_HASH);
}

#[wasm_bindgen_test]
fn wasm_ring_placements_equal_native() {
    assert_eq!(fixed::ring_hashes(), fixed::RING_HASHES);
}

#[wasm_bindgen_test]
fn wasm_availability_models_equal_native() {
    assert_eq!(fixed::avail_hash(), fixed::AVAIL_HASH);
}

#[wasm_bindgen_test]
fn wasm_lock_and_commit_runs_equal_native() {
    assert_eq!(fixed::protocol_hashes(), fixed::PROTOCOL_HASHES);
}

#[wasm_bindgen_test]
fn stable_hash_matches_native_pin() {
    use halab_core::sim::trace::stable_hash;
    assert_eq!(stable_hash(&0u64), 0x098f_3af4_374f_d9ad);
    assert_eq!(stable_hash(&(1u8, 2u16, 3u32, 4u128, "HA Lab", -5i64)), 0x5081_2164_3e46_4942);
    assert_eq!(stable_hash(&(3usize, "raft")), stable_hash(&(3u64, "raft")));
}

#[wasm_bindgen_test]
fn wasm_search_and_counterexample_equal_native() {
    assert_eq!(fixed::search_hashes(), fixed::SEARCH_HASHES);
}
