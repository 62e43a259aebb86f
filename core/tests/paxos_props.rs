//! Random fault schedules against single-decree and Multi-Paxos: safety during faults,
//! liveness (with backoff) after they heal. Besides the common swarm faults, half the runs
//! change leaders while Accepts are only partly delivered (a burst of loss, then the leader is
//! crashed or cut off), which is what leaves gaps for the next leader to fill. Liveness is exact:
//! every write decided, and every node's chosen prefix reaching every slot in use.
//! `HALAB_SEEDS=N` / `HALAB_SEED=S` as for Raft.

mod common;

use halab_core::paxos::invariants::PaxosChecker;
use halab_core::paxos::{Mode, Paxos, PaxosConfig, PaxosState};
use halab_core::protocol::{Micros, MS, SEC};
use halab_core::sim::fault::{Fault, Scheduled};
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
    // A third of the runs snapshot every few dozen slots, so laggards and new leaders catch up
    // from snapshots (in CatchUp and in Promise) while the faults go on.
    let snapshot_every =
        if rng.chance(0.33) { rng.range(5..=40) } else { PaxosConfig::default().snapshot_every };
    let paxos = Paxos::new(PaxosConfig { nodes, proposers, mode, snapshot_every, ..PaxosConfig::default() });
    let mut script = random_script(seed, Swarm { nodes, heal_at: HEAL_AT, max_faults: 12 });
    for _ in 0..rng.below(3) {
        // Leader changes while Accepts are only partly delivered.
        let at = rng.below(HEAL_AT - 300 * MS);
        let burst = rng.range(300_000..=800_000) as u32;
        script.push(Scheduled { at, fault: Fault::SetLoss(burst) });
        let change = if rng.chance(0.5) { Fault::CrashLeader } else { Fault::IsolateLeader };
        script.push(Scheduled { at: at + rng.range(MS..=50 * MS), fault: change });
        script.push(Scheduled { at: at + rng.range(60 * MS..=250 * MS), fault: Fault::SetLoss(0) });
        if rng.chance(0.5) {
            // ...and the deposed leader comes back to lead again.
            script.push(Scheduled { at: at + rng.range(100 * MS..=300 * MS), fault: Fault::Heal });
        }
    }
    script.sort_by_key(|s| s.at);
    let config = SimConfig {
        seed,
        net: common::swarm_net(&mut rng),
        write_rate: rng.range(1..=30) as u32,
        script,
        keep_trace: 64,
        ..SimConfig::default()
    };
    Sim::new(paxos, config).with_checker(PaxosChecker::default())
}

/// Every slot in use: learned anywhere, or assigned by a proposer that leads.
fn slots_in_use(sim: &Sim<Paxos>) -> u64 {
    let states: Vec<&PaxosState> = sim.cluster().nodes.iter().filter_map(|n| n.state.as_ref()).collect();
    let learned =
        states.iter().map(|s| s.learned.keys().next_back().map_or(s.snapshot.slot, |t| t + 1)).max();
    let assigned = states
        .iter()
        .filter(|s| s.is_leading())
        .filter_map(|s| s.proposer.as_ref())
        .map(|p| p.next_slot)
        .max();
    learned.into_iter().chain(assigned).max().unwrap_or(0)
}

fn check_seed(seed: u64) -> Result<(), String> {
    let mut sim = swarm_sim(seed);
    // Writes keep coming, so "every slot in use" is taken 1 s before the end: all of them must
    // be chosen, learned and applied everywhere by then.
    sim.run_until(HEAL_AT + LIVENESS_BOUND - SEC);
    let in_use = slots_in_use(&sim);
    sim.run_until(HEAL_AT + LIVENESS_BOUND);
    if let Some(v) = sim.violation() {
        return Err(format!("seed {seed}: {v}\n{:#?}", v.recent));
    }
    let late: Vec<_> =
        sim.requests().filter(|r| r.submitted <= HEAL_AT + SEC && !r.is_done()).map(|r| r.id).collect();
    if !late.is_empty() {
        return Err(format!("seed {seed}: writes {late:?} undecided {LIVENESS_BOUND} us after healing"));
    }
    if sim.cluster().protocol.config.mode == Mode::Multi {
        for (i, s) in sim.cluster().nodes.iter().enumerate() {
            let Some(s) = &s.state else { continue };
            if s.chosen_prefix < in_use || s.applied < in_use {
                return Err(format!(
                    "seed {seed}: node {i}'s chosen prefix is {} (applied {}) but slots up to {in_use} are in use",
                    s.chosen_prefix, s.applied
                ));
            }
        }
    }
    if sim.cluster().protocol.config.mode == Mode::Single {
        let learned = sim.cluster().nodes.iter().filter_map(|n| n.state.as_ref()).any(|s| s.knows(0));
        if !learned {
            return Err(format!("seed {seed}: no value learned in single-decree mode"));
        }
    }
    Ok(())
}

shard_tests!(check_seed);
