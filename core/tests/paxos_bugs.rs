//! Each Paxos bug switch is caught by the invariant it breaks within a bounded number of seeds;
//! the catching seed is printed (run with `-- --nocapture`).

mod common;

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

#[test]
fn forgetting_the_promise_is_caught() {
    let bugs = PaxosBugs { forget_promise: true, ..PaxosBugs::default() };
    common::assert_caught("forget", |seed| buggy_sim(seed, bugs), HORIZON, 2_000, &[ONE_VALUE, LEARN_CHOSEN]);
}

#[test]
fn ignoring_accepted_values_is_caught() {
    let bugs = PaxosBugs { ignore_accepted: true, ..PaxosBugs::default() };
    common::assert_caught("ignore", |seed| buggy_sim(seed, bugs), HORIZON, 500, &[ONE_VALUE, LEARN_CHOSEN]);
}

#[test]
fn accepting_without_the_promise_check_is_caught() {
    let bugs = PaxosBugs { accept_any: true, ..PaxosBugs::default() };
    common::assert_caught(
        "acceptany",
        |seed| buggy_sim(seed, bugs),
        HORIZON,
        500,
        &[ONE_VALUE, LEARN_CHOSEN],
    );
}

#[test]
fn the_same_schedules_pass_without_bugs() {
    common::assert_clean(|seed| buggy_sim(seed, PaxosBugs::default()), HORIZON, 300);
}
