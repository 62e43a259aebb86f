//! Each bug switch must be caught by the invariant it breaks, within a bounded number of random
//! fault schedules. The seed that caught it is printed, so it can be replayed in the page
//! (`?bugs=...&seed=...`) or here (`HALAB_SEED`).

use halab_core::protocol::{Micros, SEC};
use halab_core::raft::invariants::{ELECTION_SAFETY, LEADER_COMPLETENESS, STATE_MACHINE_SAFETY};
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

/// Returns the first seed below `max_seeds` whose run violates an invariant, and which one.
fn first_catch(bugs: Bugs, max_seeds: u64) -> Option<(u64, &'static str, String)> {
    (0..max_seeds).find_map(|seed| {
        let mut sim = buggy_sim(seed, bugs);
        sim.run_until(HORIZON);
        sim.violation().map(|v| (seed, v.invariant, v.to_string()))
    })
}

fn assert_caught(bugs: Bugs, max_seeds: u64, expected: &[&str]) {
    let (seed, invariant, text) =
        first_catch(bugs, max_seeds).unwrap_or_else(|| panic!("{bugs:?} not caught in {max_seeds} seeds"));
    println!("{bugs:?} caught by seed {seed}: {text}");
    assert!(
        expected.contains(&invariant),
        "seed {seed} broke {invariant}, expected one of {expected:?}: {text}"
    );
}

#[test]
fn voting_without_the_log_check_is_caught() {
    let bugs = Bugs { vote_without_log_check: true, ..Bugs::default() };
    assert_caught(bugs, 300, &[LEADER_COMPLETENESS, STATE_MACHINE_SAFETY]);
}

#[test]
fn committing_old_terms_by_counting_is_caught() {
    let bugs = Bugs { commit_old_terms: true, ..Bugs::default() };
    assert_caught(bugs, 4_000, &[STATE_MACHINE_SAFETY, LEADER_COMPLETENESS]);
}

#[test]
fn forgetting_the_vote_on_restart_is_caught() {
    let bugs = Bugs { forget_vote: true, ..Bugs::default() };
    assert_caught(bugs, 1_000, &[ELECTION_SAFETY]);
}

#[test]
fn the_same_schedules_pass_without_bugs() {
    for seed in 0..300 {
        let mut sim = buggy_sim(seed, Bugs::default());
        sim.run_until(HORIZON);
        assert!(sim.violation().is_none(), "seed {seed}: {}", sim.violation().unwrap());
    }
}
