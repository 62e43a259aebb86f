//! Each bug switch must be caught by the invariant it breaks, within a bounded number of random
//! fault schedules. The seed that caught it is printed, so it can be replayed in the page
//! (`?bugs=...&seed=...`) or here (`HALAB_SEED`).

mod common;

use halab_core::protocol::{Micros, SEC};
use halab_core::raft::invariants::{
    APPLIED_STATE, ELECTION_SAFETY, LEADER_COMPLETENESS, STATE_MACHINE_SAFETY,
};
use halab_core::raft::{Bugs, Raft, RaftChecker, RaftConfig};
use halab_core::sim::network::NetConfig;
use halab_core::sim::rng::SimRng;
use halab_core::sim::swarm::{random_script, Swarm};
use halab_core::sim::{Sim, SimConfig};

const HORIZON: Micros = 10 * SEC;

fn buggy_sim(seed: u64, bugs: Bugs) -> Sim<Raft> {
    let mut rng = SimRng::new(seed);
    let nodes = 5;
    // A narrow election window makes split votes, and so competing candidates, common.
    let election_min = rng.range(100_000..=200_000);
    let election_max = election_min + rng.range(5_000..=100_000);
    let raft = Raft::new(RaftConfig { nodes, bugs, election_min, election_max, ..RaftConfig::default() });
    let config = SimConfig {
        seed,
        net: NetConfig {
            latency_min: 500,
            latency_max: rng.range(2_000..=20_000),
            loss_ppm: 20_000,
            dup_ppm: 0,
        },
        write_rate: rng.range(1..=4) as u32,
        script: random_script(seed, Swarm { nodes, heal_at: HORIZON, max_faults: 300 }),
        keep_trace: 32,
        ..SimConfig::default()
    };
    Sim::new(raft, config).with_checker(RaftChecker::default())
}

#[test]
fn voting_without_the_log_check_is_caught() {
    let bugs = Bugs { vote_without_log_check: true, ..Bugs::default() };
    common::assert_caught(
        "vote",
        |seed| buggy_sim(seed, bugs),
        HORIZON,
        300,
        &[LEADER_COMPLETENESS, STATE_MACHINE_SAFETY],
    );
}

#[test]
fn committing_old_terms_by_counting_is_caught() {
    let bugs = Bugs { commit_old_terms: true, ..Bugs::default() };
    common::assert_caught(
        "fig8",
        |seed| buggy_sim(seed, bugs),
        HORIZON,
        4_000,
        &[STATE_MACHINE_SAFETY, LEADER_COMPLETENESS],
    );
}

#[test]
fn forgetting_the_vote_on_restart_is_caught() {
    let bugs = Bugs { forget_vote: true, ..Bugs::default() };
    common::assert_caught("forget", |seed| buggy_sim(seed, bugs), HORIZON, 1_000, &[ELECTION_SAFETY]);
}

/// Busy logs, frequent snapshots and duplicated, slow messages: a late copy of an
/// InstallSnapshot reaches a follower that has moved on since.
fn snapshot_sim(seed: u64, bugs: Bugs) -> Sim<Raft> {
    let mut rng = SimRng::new(seed);
    let nodes = [3, 5][rng.below(2) as usize];
    let raft =
        Raft::new(RaftConfig { nodes, bugs, snapshot_every: rng.range(10..=40), ..RaftConfig::default() });
    let config = SimConfig {
        seed,
        net: NetConfig {
            latency_min: 500,
            latency_max: rng.range(5_000..=80_000),
            loss_ppm: rng.range(0..=50_000) as u32,
            dup_ppm: rng.range(20_000..=200_000) as u32,
        },
        write_rate: rng.range(20..=100) as u32,
        script: random_script(seed, Swarm { nodes, heal_at: HORIZON, max_faults: 60 }),
        keep_trace: 32,
        ..SimConfig::default()
    };
    Sim::new(raft, config).with_checker(RaftChecker::default())
}

#[test]
fn discarding_the_log_on_a_matching_snapshot_is_caught() {
    let bugs = Bugs { discard_log: true, ..Bugs::default() };
    common::assert_caught(
        "snap",
        |seed| snapshot_sim(seed, bugs),
        HORIZON,
        2_000,
        &[LEADER_COMPLETENESS, STATE_MACHINE_SAFETY, APPLIED_STATE],
    );
}

#[test]
fn the_same_schedules_pass_without_bugs() {
    common::assert_clean(|seed| buggy_sim(seed, Bugs::default()), HORIZON, 300);
    common::assert_clean(|seed| snapshot_sim(seed, Bugs::default()), HORIZON, 300);
}
