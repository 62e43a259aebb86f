//! The commit bug switch is caught by the invariants within a bounded number of seeds, in 2PC
//! and in 3PC; with the switch off the same schedules pass. The catching seed is printed (run
//! with `-- --nocapture`).

mod common;

use halab_core::protocol::{Micros, MS, SEC};
use halab_core::sim::network::NetConfig;
use halab_core::sim::swarm::{random_script, Swarm};
use halab_core::sim::{Sim, SimConfig};
use halab_core::txn::invariants::{ATOMICITY, VALIDITY};
use halab_core::txn::{Txn, TxnBugs, TxnChecker, TxnConfig, TxnMode};

const HORIZON: Micros = 6 * SEC;

fn sim(seed: u64, mode: TxnMode, bugs: TxnBugs) -> Sim<Txn> {
    let nodes = 4;
    let config = TxnConfig { nodes, mode, bugs, ..TxnConfig::default() };
    let net = NetConfig { latency_min: MS, latency_max: 20 * MS, loss_ppm: 0, dup_ppm: 0 };
    // Crashes and restarts only: a missing vote is what the bug mishandles.
    let mut script = random_script(seed, Swarm { nodes, heal_at: HORIZON, max_faults: 10 });
    script.retain(|s| {
        matches!(s.fault, halab_core::sim::fault::Fault::Crash(x) | halab_core::sim::fault::Fault::Restart(x) if x != 0)
    });
    let sim_config = SimConfig { seed, net, write_rate: 0, script, keep_trace: 32, ..SimConfig::default() };
    Sim::new(Txn::new(config), sim_config).with_checker(TxnChecker::default())
}

#[test]
fn committing_at_the_vote_timeout_is_caught_in_2pc() {
    let bugs = TxnBugs { commit_on_timeout: true };
    let caught = [VALIDITY, ATOMICITY];
    common::assert_caught("committimeout 2pc", |s| sim(s, TxnMode::TwoPhase, bugs), HORIZON, 50, &caught);
    common::assert_clean(|s| sim(s, TxnMode::TwoPhase, TxnBugs::default()), HORIZON, 200);
}

#[test]
fn committing_at_the_vote_timeout_is_caught_in_3pc() {
    let bugs = TxnBugs { commit_on_timeout: true };
    let caught = [VALIDITY, ATOMICITY];
    common::assert_caught("committimeout 3pc", |s| sim(s, TxnMode::ThreePhase, bugs), HORIZON, 50, &caught);
    common::assert_clean(|s| sim(s, TxnMode::ThreePhase, TxnBugs::default()), HORIZON, 200);
}
