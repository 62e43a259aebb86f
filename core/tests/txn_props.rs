//! Random fault schedules against two-phase and three-phase commit. `HALAB_SEEDS=N` /
//! `HALAB_SEED=S` as for Raft.
//!
//! - 2PC is safe under everything the simulator can do: crashes, restarts, pauses, partitions,
//!   loss, duplication. After the faults heal every participant leaves doubt and new
//!   transactions commit.
//! - 3PC is safe only in its own model: crash and restart faults, no loss, no partitions, no
//!   pauses, and message delays below its timeouts. (Outside it, `core/tests/presets.rs` shows it
//!   splitting under a partition.)

mod common;

use halab_core::protocol::{Micros, MS, SEC};
use halab_core::sim::fault::Fault;
use halab_core::sim::network::NetConfig;
use halab_core::sim::rng::SimRng;
use halab_core::sim::swarm::{random_script, Swarm};
use halab_core::sim::{Sim, SimConfig};
use halab_core::txn::{Txn, TxnChecker, TxnConfig, TxnMode};

const HEAL_AT: Micros = 4 * SEC;
/// After healing: nobody in doubt and at least one more commit by then.
const LIVENESS_BOUND: Micros = 5 * SEC;

fn swarm_sim(seed: u64) -> Sim<Txn> {
    let mut rng = SimRng::new(seed);
    let nodes = [2, 3, 4, 4, 5, 6][rng.below(6) as usize];
    let three = rng.chance(0.5);
    let mode = if three { TxnMode::ThreePhase } else { TxnMode::TwoPhase };
    let config =
        TxnConfig { nodes, mode, no_percent: [0, 10, 30][rng.below(3) as usize], ..TxnConfig::default() };
    let mut script = random_script(seed, Swarm { nodes, heal_at: HEAL_AT, max_faults: 14 });
    let mut net = common::swarm_net(&mut rng);
    if three {
        script.retain(|s| matches!(s.fault, Fault::Crash(_) | Fault::Restart(_) | Fault::CrashLeader));
        net = NetConfig {
            latency_min: net.latency_min,
            latency_max: net.latency_max.min(50 * MS),
            loss_ppm: 0,
            dup_ppm: 0,
        };
    }
    let sim_config = SimConfig { seed, net, write_rate: 0, script, keep_trace: 64, ..SimConfig::default() };
    Sim::new(Txn::new(config), sim_config).with_checker(TxnChecker::default())
}

fn check_seed(seed: u64) -> Result<(), String> {
    let mut sim = swarm_sim(seed);
    sim.run_until(HEAL_AT);
    let committed = sim.checker_as::<TxnChecker>().unwrap().committed;
    sim.run_until(HEAL_AT + LIVENESS_BOUND);
    if let Some(v) = sim.violation() {
        return Err(format!("seed {seed}: {v}\n{:#?}", v.recent));
    }
    let checker = sim.checker_as::<TxnChecker>().unwrap();
    let stuck: Vec<_> = (1..sim.cluster().len() as u8)
        .filter(|&p| checker.in_doubt_since(p).is_some_and(|t| t < HEAL_AT + SEC))
        .collect();
    if !stuck.is_empty() {
        return Err(format!(
            "seed {seed}: participants {stuck:?} still in doubt {LIVENESS_BOUND} us after healing"
        ));
    }
    let no_votes = sim.cluster().protocol.config.no_percent;
    if no_votes < 30 && checker.committed <= committed {
        return Err(format!("seed {seed}: nothing committed after healing"));
    }
    Ok(())
}

shard_tests!(check_seed);

#[test]
fn the_schedules_exercise_what_they_claim() {
    // Over the first 200 seeds: blocking happens (a participant in doubt for over a second) and
    // 3PC participants decide alone.
    let (mut blocked, mut alone) = (0, 0);
    for seed in 0..200 {
        let mut sim = swarm_sim(seed);
        sim.run_until(HEAL_AT);
        let c = sim.checker_as::<TxnChecker>().unwrap();
        blocked += u32::from((1..sim.cluster().len() as u8).any(|p| c.blocked(p, sim.now()) > SEC));
        let trace_alone = sim.trace().recent().any(|e| format!("{:?}", e.kind).contains("decides alone"));
        alone += u32::from(trace_alone);
    }
    println!("blocked > 1 s in {blocked}/200, 3PC decided alone in {alone}/200");
    assert!(blocked >= 20, "{blocked}");
    assert!(alone >= 5, "{alone}");
}
