//! Random fault schedules against Raft: safety during faults, liveness after they heal.
//!
//! Each seed draws a swarm configuration (cluster size, write rate, network, faults); run with
//! `HALAB_SEEDS=N` to try more seeds, or `HALAB_SEED=S` to replay one.

mod common;

use halab_core::protocol::{Micros, SEC};
use halab_core::raft::{Raft, RaftChecker, RaftConfig};
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
    let noop = rng.chance(0.5);
    let net = common::swarm_net(&mut rng);
    let write_rate = rng.range(1..=40) as u32;
    // Half the seeds snapshot every few dozen entries, so compaction, InstallSnapshot to nodes
    // that were down or cut off, and late copies of it all meet the faults.
    let snapshot_every =
        if rng.chance(0.5) { rng.range(10..=60) } else { RaftConfig::default().snapshot_every };
    let raft = Raft::new(RaftConfig { nodes, noop, snapshot_every, ..RaftConfig::default() });
    let config = SimConfig {
        seed,
        net,
        write_rate,
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

shard_tests!(check_seed);
