//! Random fault schedules against two-phase and three-phase commit. `HALAB_SEEDS=N` /
//! `HALAB_SEED=S` as for Raft.
//!
//! - 2PC is safe under everything the simulator can do: crashes, restarts, pauses, partitions,
//!   loss, duplication. After the faults heal every participant leaves doubt and new
//!   transactions commit.
//! - 3PC is safe only in its own model: crash and restart faults, no loss, no partitions, no
//!   pauses, and message delays below its timeouts. (Outside it, `core/tests/presets.rs` shows it
//!   splitting under a partition.)
//! - One run in ten is long: a participant goes down for minutes while hundreds of transactions
//!   run without it, and the faults heal only then. That is what a checker with a fixed memory
//!   (or a coordinator that cannot retire its commits after a restart) gets wrong.

mod common;

use halab_core::protocol::{Micros, MS, SEC};
use halab_core::sim::fault::{Fault, Scheduled};
use halab_core::sim::network::NetConfig;
use halab_core::sim::rng::SimRng;
use halab_core::sim::swarm::{random_script, Swarm};
use halab_core::sim::{Sim, SimConfig};
use halab_core::txn::{Txn, TxnChecker, TxnConfig, TxnMode};

const HEAL_AT: Micros = 4 * SEC;
/// Records the checker may keep at the end of a long run: what is still open, plus one
/// sweep's worth of slack, however many transactions went by.
const RECORDS_BOUND: usize = 256;
/// After healing: nobody in doubt and at least one more commit by then.
const LIVENESS_BOUND: Micros = 5 * SEC;

/// A run and the instant its faults heal.
fn swarm_sim(seed: u64) -> (Sim<Txn>, Micros) {
    let mut rng = SimRng::new(seed);
    let long = rng.chance(0.1);
    let heal_at = if long { rng.range(100 * SEC..=300 * SEC) } else { HEAL_AT };
    let nodes = [2, 3, 4, 4, 5, 6][rng.below(6) as usize];
    let three = rng.chance(0.5);
    let mode = if three { TxnMode::ThreePhase } else { TxnMode::TwoPhase };
    let config =
        TxnConfig { nodes, mode, no_percent: [0, 10, 30][rng.below(3) as usize], ..TxnConfig::default() };
    let mut script = random_script(seed, Swarm { nodes, heal_at, max_faults: 14 });
    if long {
        // A participant down for (almost) the whole run: every transaction meanwhile aborts,
        // and a commit it had not acknowledged waits in the coordinator's log.
        let p = rng.range(1..=nodes as u64 - 1) as u8;
        script.push(Scheduled { at: rng.below(5 * SEC), fault: Fault::Crash(p) });
        script.sort_by_key(|s| s.at);
    }
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
    (Sim::new(Txn::new(config), sim_config).with_checker(TxnChecker::default()), heal_at)
}

fn check_seed(seed: u64) -> Result<(), String> {
    let (mut sim, heal_at) = swarm_sim(seed);
    sim.run_until(heal_at);
    let committed = sim.checker_as::<TxnChecker>().unwrap().committed;
    sim.run_until(heal_at + LIVENESS_BOUND);
    if let Some(v) = sim.violation() {
        return Err(format!("seed {seed}: {v}\n{:#?}", v.recent));
    }
    let checker = sim.checker_as::<TxnChecker>().unwrap();
    let stuck: Vec<_> = (1..sim.cluster().len() as u8)
        .filter(|&p| checker.in_doubt_since(p).is_some_and(|t| t < heal_at + SEC))
        .collect();
    if !stuck.is_empty() {
        return Err(format!(
            "seed {seed}: participants {stuck:?} still in doubt {LIVENESS_BOUND} us after healing"
        ));
    }
    if checker.records_kept() > RECORDS_BOUND {
        return Err(format!("seed {seed}: the checker keeps {} records", checker.records_kept()));
    }
    // Every logged COMMIT is acknowledged and retired (a restarted coordinator used to resend
    // them for ever).
    if let Some(halab_core::txn::TxnState::Coordinator(c)) = sim.cluster().state(0) {
        let old: Vec<u64> = c.log.commits.iter().copied().filter(|&t| t + 2 < c.log.next_txn).collect();
        if !old.is_empty() {
            return Err(format!("seed {seed}: commits {old:?} never retired from the coordinator's log"));
        }
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
    let (mut blocked, mut alone, mut long) = (0, 0, 0);
    for seed in 0..200 {
        let (mut sim, heal_at) = swarm_sim(seed);
        sim.run_until(heal_at.min(HEAL_AT));
        long += u32::from(heal_at > HEAL_AT);
        let c = sim.checker_as::<TxnChecker>().unwrap();
        blocked += u32::from((1..sim.cluster().len() as u8).any(|p| c.blocked(p, sim.now()) > SEC));
        let trace_alone = sim.trace().recent().any(|e| format!("{:?}", e.kind).contains("decides alone"));
        alone += u32::from(trace_alone);
    }
    println!("blocked > 1 s in {blocked}/200, 3PC decided alone in {alone}/200, {long} long runs");
    assert!(blocked >= 20, "{blocked}");
    assert!(long >= 10, "{long}");
    assert!(alone >= 5, "{alone}");
}
