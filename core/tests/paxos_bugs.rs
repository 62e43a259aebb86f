//! Each Paxos bug switch is caught by the invariant it breaks within a bounded number of seeds;
//! the catching seed is printed (run with `-- --nocapture`).

use halab_core::paxos::invariants::{PaxosChecker, LEARN_CHOSEN, ONE_VALUE};
use halab_core::paxos::{Mode, Paxos, PaxosBugs, PaxosConfig};
use halab_core::protocol::{Micros, SEC};
use halab_core::sim::network::NetConfig;
use halab_core::sim::rng::SimRng;
use halab_core::sim::swarm::{random_script, Swarm};
use halab_core::sim::{Sim, SimConfig};

const HORIZON: Micros = 6 * SEC;

fn buggy_sim(seed: u64, bugs: PaxosBugs) -> Sim<Paxos> {
    let mut rng = SimRng::new(seed);
    let nodes = [3, 5][rng.below(2) as usize];
    let mode = if rng.chance(0.5) { Mode::Single } else { Mode::Multi };
    let paxos =
        Paxos::new(PaxosConfig { nodes, proposers: 3.min(nodes), mode, bugs, ..PaxosConfig::default() });
    let config = SimConfig {
        seed,
        net: NetConfig {
            latency_min: 500,
            latency_max: rng.range(2_000..=20_000),
            loss_ppm: 20_000,
            dup_ppm: 0,
        },
        write_rate: rng.range(1..=20) as u32,
        script: random_script(seed, Swarm { nodes, heal_at: HORIZON, max_faults: 100 }),
        keep_trace: 32,
        ..SimConfig::default()
    };
    Sim::new(paxos, config).with_checker(PaxosChecker::default())
}

fn assert_caught(bugs: PaxosBugs, max_seeds: u64, expected: &[&str]) {
    let found = (0..max_seeds).find_map(|seed| {
        let mut sim = buggy_sim(seed, bugs);
        sim.run_until(HORIZON);
        sim.violation().map(|v| (seed, v.invariant, v.to_string()))
    });
    let (seed, invariant, text) = found.unwrap_or_else(|| panic!("{bugs:?} not caught in {max_seeds} seeds"));
    println!("{bugs:?} caught by seed {seed}: {text}");
    assert!(
        expected.contains(&invariant),
        "seed {seed} broke {invariant}, expected one of {expected:?}: {text}"
    );
}

#[test]
fn forgetting_the_promise_is_caught() {
    assert_caught(
        PaxosBugs { forget_promise: true, ..PaxosBugs::default() },
        2_000,
        &[ONE_VALUE, LEARN_CHOSEN],
    );
}

#[test]
fn ignoring_accepted_values_is_caught() {
    assert_caught(
        PaxosBugs { ignore_accepted: true, ..PaxosBugs::default() },
        500,
        &[ONE_VALUE, LEARN_CHOSEN],
    );
}

#[test]
fn accepting_without_the_promise_check_is_caught() {
    assert_caught(PaxosBugs { accept_any: true, ..PaxosBugs::default() }, 500, &[ONE_VALUE, LEARN_CHOSEN]);
}

#[test]
fn the_same_schedules_pass_without_bugs() {
    for seed in 0..300 {
        let mut sim = buggy_sim(seed, PaxosBugs::default());
        sim.run_until(HORIZON);
        assert!(sim.violation().is_none(), "seed {seed}: {}", sim.violation().unwrap());
    }
}
