//! Random fault schedules against Raft: safety during faults, liveness after they heal.
//!
//! Each seed draws a swarm configuration (cluster size, write rate, network, faults); run with
//! `HALAB_SEEDS=N` to try more seeds, or `HALAB_SEED=S` to replay one.

use halab_core::protocol::{Micros, SEC};
use halab_core::raft::{Raft, RaftChecker, RaftConfig};
use halab_core::sim::network::NetConfig;
use halab_core::sim::rng::SimRng;
use halab_core::sim::swarm::{random_script, Swarm};
use halab_core::sim::{Sim, SimConfig};

/// Faults stop here.
const HEAL_AT: Micros = 3 * SEC;
/// The liveness bound: after healing, a leader exists and every write submitted up to
/// `HEAL_AT + 1 s` has committed by `HEAL_AT + LIVENESS_BOUND`.
const LIVENESS_BOUND: Micros = 4 * SEC;

pub fn swarm_sim(seed: u64) -> Sim<Raft> {
    let mut rng = SimRng::new(seed);
    let nodes = [3, 5, 5, 7][rng.below(4) as usize];
    let raft = Raft::new(RaftConfig { nodes, noop: rng.chance(0.5), ..RaftConfig::default() });
    let config = SimConfig {
        seed,
        net: NetConfig {
            latency_min: rng.range(100..=2_000),
            latency_max: rng.range(2_000..=30_000),
            loss_ppm: [0, 10_000, 100_000][rng.below(3) as usize],
            dup_ppm: [0, 0, 50_000][rng.below(3) as usize],
        },
        write_rate: rng.range(1..=40) as u32,
        script: random_script(seed, Swarm { nodes, heal_at: HEAL_AT, max_faults: 12 }),
        keep_trace: 64,
        ..SimConfig::default()
    };
    Sim::new(raft, config).with_checker(RaftChecker::default())
}

fn check_seed(seed: u64) -> Result<(), String> {
    let mut sim = swarm_sim(seed);
    sim.run_until(HEAL_AT + LIVENESS_BOUND);
    if let Some(v) = sim.violation() {
        return Err(format!("seed {seed}: {v}\n{:#?}", v.recent));
    }
    let states: Vec<_> = sim.cluster().nodes.iter().filter_map(|n| n.state.as_ref()).collect();
    let top = states.iter().map(|s| s.term).max().unwrap_or(0);
    if !states.iter().any(|s| s.is_leader() && s.term == top) {
        return Err(format!("seed {seed}: no leader of the highest term {top} after healing"));
    }
    let late: Vec<_> = sim
        .requests()
        .filter(|r| r.submitted <= HEAL_AT + SEC && r.committed.is_none())
        .map(|r| r.id)
        .collect();
    if !late.is_empty() {
        return Err(format!("seed {seed}: writes {late:?} not committed {LIVENESS_BOUND} us after healing"));
    }
    Ok(())
}

fn seeds(shard: u64, shards: u64) -> impl Iterator<Item = u64> {
    let total: u64 = std::env::var("HALAB_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let only: Option<u64> = std::env::var("HALAB_SEED").ok().and_then(|s| s.parse().ok());
    let range: Box<dyn Iterator<Item = u64>> = match only {
        Some(s) if shard == 0 => Box::new(std::iter::once(s)),
        Some(_) => Box::new(std::iter::empty()),
        None => Box::new((0..total).filter(move |s| s % shards == shard)),
    };
    range
}

fn run_shard(shard: u64) {
    let mut failures = Vec::new();
    let mut ran = 0;
    for seed in seeds(shard, 4) {
        ran += 1;
        if let Err(e) = check_seed(seed) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{} of {ran} seeds failed:\n{}", failures.len(), failures.join("\n\n"));
}

// Four shards so the test harness spreads 2,000 schedules over the cores.
#[test]
fn safety_and_liveness_shard_0() {
    run_shard(0);
}
#[test]
fn safety_and_liveness_shard_1() {
    run_shard(1);
}
#[test]
fn safety_and_liveness_shard_2() {
    run_shard(2);
}
#[test]
fn safety_and_liveness_shard_3() {
    run_shard(3);
}
