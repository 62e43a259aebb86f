//! What the protocols' property and bug-switch tests share: swarm network settings, seed
//! selection (`HALAB_SEEDS=N` for more seeds, `HALAB_SEED=S` to replay one) and the search for a
//! seed that a bug switch fails on.
#![allow(dead_code)] // each test crate uses its own subset

use halab_core::client::Service;
use halab_core::protocol::{Describe, Micros};
use halab_core::sim::network::NetConfig;
use halab_core::sim::rng::SimRng;
use halab_core::sim::Sim;

/// A random network per seed: latency, loss and duplication drawn for swarm testing.
pub fn swarm_net(rng: &mut SimRng) -> NetConfig {
    NetConfig {
        latency_min: rng.range(100..=2_000),
        latency_max: rng.range(2_000..=30_000),
        loss_ppm: [0, 10_000, 100_000][rng.below(3) as usize],
        dup_ppm: [0, 0, 50_000][rng.below(3) as usize],
    }
}

/// The seeds of one of `shards` shards (so the harness spreads them over the cores).
pub fn seeds(shard: u64, shards: u64) -> Vec<u64> {
    let total: u64 = std::env::var("HALAB_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(2_000);
    match std::env::var("HALAB_SEED").ok().and_then(|s| s.parse().ok()) {
        Some(s) => (shard == 0).then_some(s).into_iter().collect(),
        None => (0..total).filter(|s| s % shards == shard).collect(),
    }
}

/// Checks every seed of a shard and reports all failures at once.
pub fn run_shard(shard: u64, check: impl Fn(u64) -> Result<(), String>) {
    let seeds = seeds(shard, 4);
    let failures: Vec<String> = seeds.iter().filter_map(|&s| check(s).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} seeds failed:\n{}",
        failures.len(),
        seeds.len(),
        failures.join("\n\n")
    );
}

/// Asserts that some seed below `max_seeds` makes `make(seed)` violate one of `expected` by
/// `horizon`, and prints the seed (visible with `-- --nocapture`).
pub fn assert_caught<P: Service>(
    label: &str,
    make: impl Fn(u64) -> Sim<P>,
    horizon: Micros,
    max_seeds: u64,
    expected: &[&str],
) where
    P::Msg: Describe,
{
    let found = (0..max_seeds).find_map(|seed| {
        let mut sim = make(seed);
        sim.run_until(horizon);
        sim.violation().map(|v| (seed, v.invariant, v.to_string()))
    });
    let (seed, invariant, text) = found.unwrap_or_else(|| panic!("{label} not caught in {max_seeds} seeds"));
    println!("{label} caught by seed {seed}: {text}");
    assert!(
        expected.contains(&invariant),
        "seed {seed} broke {invariant}, expected one of {expected:?}: {text}"
    );
}

/// Asserts that the first `seeds` schedules of a bug test pass with every bug off.
pub fn assert_clean<P: Service>(make: impl Fn(u64) -> Sim<P>, horizon: Micros, seeds: u64)
where
    P::Msg: Describe,
{
    for seed in 0..seeds {
        let mut sim = make(seed);
        sim.run_until(horizon);
        assert!(sim.violation().is_none(), "seed {seed}: {}", sim.violation().unwrap());
    }
}

/// Four `#[test]`s, one per shard of [`seeds`], so the harness spreads the schedules over the
/// cores.
#[macro_export]
macro_rules! shard_tests {
    ($check:path) => {
        #[test]
        fn safety_and_liveness_shard_0() {
            common::run_shard(0, $check);
        }
        #[test]
        fn safety_and_liveness_shard_1() {
            common::run_shard(1, $check);
        }
        #[test]
        fn safety_and_liveness_shard_2() {
            common::run_shard(2, $check);
        }
        #[test]
        fn safety_and_liveness_shard_3() {
            common::run_shard(3, $check);
        }
    };
}
