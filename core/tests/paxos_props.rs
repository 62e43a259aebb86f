//! Random fault schedules against single-decree and Multi-Paxos: safety during faults,
//! liveness (with backoff) after they heal. `HALAB_SEEDS=N` / `HALAB_SEED=S` as for Raft.

mod common;

use halab_core::paxos::invariants::PaxosChecker;
use halab_core::paxos::{Mode, Paxos, PaxosConfig};
use halab_core::protocol::{Micros, SEC};
use halab_core::sim::rng::SimRng;
use halab_core::sim::swarm::{random_script, Swarm};
use halab_core::sim::{Sim, SimConfig};

const HEAL_AT: Micros = 3 * SEC;
/// After healing, every write submitted up to `HEAL_AT + 1 s` is decided (committed, or in
/// single-decree mode rejected because another value won) by `HEAL_AT + LIVENESS_BOUND`, and in
/// single-decree mode slot 0 is chosen.
const LIVENESS_BOUND: Micros = 5 * SEC;

fn swarm_sim(seed: u64) -> Sim<Paxos> {
    let mut rng = SimRng::new(seed);
    let nodes = [3, 5, 5, 7][rng.below(4) as usize];
    let mode = if rng.chance(0.3) { Mode::Single } else { Mode::Multi };
    let proposers = 1 + rng.below(nodes.min(5) as u64) as usize;
    let paxos = Paxos::new(PaxosConfig { nodes, proposers, mode, ..PaxosConfig::default() });
    let config = SimConfig {
        seed,
        net: common::swarm_net(&mut rng),
        write_rate: rng.range(1..=30) as u32,
        script: random_script(seed, Swarm { nodes, heal_at: HEAL_AT, max_faults: 12 }),
        keep_trace: 64,
        ..SimConfig::default()
    };
    Sim::new(paxos, config).with_checker(PaxosChecker::default())
}

fn check_seed(seed: u64) -> Result<(), String> {
    let mut sim = swarm_sim(seed);
    sim.run_until(HEAL_AT + LIVENESS_BOUND);
    if let Some(v) = sim.violation() {
        return Err(format!("seed {seed}: {v}\n{:#?}", v.recent));
    }
    let late: Vec<_> =
        sim.requests().filter(|r| r.submitted <= HEAL_AT + SEC && !r.is_done()).map(|r| r.id).collect();
    if !late.is_empty() {
        return Err(format!("seed {seed}: writes {late:?} undecided {LIVENESS_BOUND} us after healing"));
    }
    if sim.cluster().protocol.config.mode == Mode::Single {
        let learned =
            sim.cluster().nodes.iter().filter_map(|n| n.state.as_ref()).any(|s| s.learned.contains_key(&0));
        if !learned {
            return Err(format!("seed {seed}: no value learned in single-decree mode"));
        }
    }
    Ok(())
}

shard_tests!(check_seed);
