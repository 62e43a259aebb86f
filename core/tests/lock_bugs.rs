//! Each lock bug switch is caught by the invariant it breaks within a bounded number of seeds;
//! the catching seed is printed (run with `-- --nocapture`). With every switch off, the same
//! schedules pass.

mod common;

use halab_core::lock::invariants::{FENCING, ONE_HOLDER, TOKENS_INCREASE};
use halab_core::lock::{Lock, LockBugs, LockChecker, LockConfig};
use halab_core::protocol::{Micros, NodeId, MS, SEC};
use halab_core::sim::fault::{Fault, Scheduled};
use halab_core::sim::network::NetConfig;
use halab_core::sim::rng::SimRng;
use halab_core::sim::{Sim, SimConfig};

const HORIZON: Micros = 8 * SEC;

/// Which fault a bug needs to show: client pauses (fencing), server restarts (the token
/// counter), slow and lossy links (the lease's start).
#[derive(Clone, Copy)]
enum Stress {
    Pauses,
    ServerRestarts,
    SlowLossyLinks,
    /// Clients crash and come straight back while links take hundreds of ms: what an earlier
    /// life sent is still in flight when the next life starts.
    ClientBounces,
}

fn sim(seed: u64, bugs: LockBugs, stress: Stress) -> Sim<Lock> {
    let mut rng = SimRng::new(seed);
    let nodes = [4, 5][rng.below(2) as usize];
    let mut config = LockConfig { nodes, bugs, ..LockConfig::default() };
    let mut net = NetConfig { latency_min: MS, latency_max: 20 * MS, loss_ppm: 0, dup_ppm: 0 };
    let mut script = Vec::new();
    for _ in 0..rng.range(1..=4) {
        let at = rng.below(HORIZON - 2 * SEC);
        match stress {
            Stress::Pauses => {
                let client = rng.range(2..=nodes as u64 - 1) as NodeId;
                script.push(Scheduled { at, fault: Fault::Pause(client, rng.range(SEC..=3 * SEC)) });
            }
            Stress::ServerRestarts => {
                script.push(Scheduled { at, fault: Fault::Crash(0) });
                script.push(Scheduled { at: at + rng.range(MS..=500 * MS), fault: Fault::Restart(0) });
            }
            Stress::ClientBounces => {
                let client = rng.range(2..=nodes as u64 - 1) as NodeId;
                script.push(Scheduled { at, fault: Fault::Crash(client) });
                script.push(Scheduled { at: at + rng.range(MS..=100 * MS), fault: Fault::Restart(client) });
            }
            Stress::SlowLossyLinks => {}
        }
    }
    if let Stress::SlowLossyLinks = stress {
        net = NetConfig { latency_min: 10 * MS, latency_max: 300 * MS, loss_ppm: 200_000, dup_ppm: 0 };
        config.work_min = 900 * MS;
        config.work_max = 1_500 * MS;
    }
    if let Stress::ClientBounces = stress {
        net = NetConfig { latency_min: 10 * MS, latency_max: 600 * MS, loss_ppm: 0, dup_ppm: 0 };
    }
    script.sort_by_key(|s| s.at);
    let sim_config = SimConfig { seed, net, write_rate: 0, script, keep_trace: 32, ..SimConfig::default() };
    Sim::new(Lock::new(config), sim_config).with_checker(LockChecker::default())
}

#[test]
fn storage_without_fencing_is_caught() {
    let bugs = LockBugs { no_fencing: true, ..LockBugs::default() };
    common::assert_caught("nofence", |s| sim(s, bugs, Stress::Pauses), HORIZON, 200, &[FENCING]);
    common::assert_clean(|s| sim(s, LockBugs::default(), Stress::Pauses), HORIZON, 200);
}

#[test]
fn a_volatile_token_counter_is_caught() {
    let bugs = LockBugs { volatile_tokens: true, ..LockBugs::default() };
    common::assert_caught(
        "volatile",
        |s| sim(s, bugs, Stress::ServerRestarts),
        HORIZON,
        50,
        &[TOKENS_INCREASE, ONE_HOLDER],
    );
    common::assert_clean(|s| sim(s, LockBugs::default(), Stress::ServerRestarts), HORIZON, 200);
}

#[test]
fn counting_the_lease_from_the_grant_s_arrival_is_caught() {
    let bugs = LockBugs { lease_from_receipt: true, ..LockBugs::default() };
    common::assert_caught("receipt", |s| sim(s, bugs, Stress::SlowLossyLinks), HORIZON, 500, &[ONE_HOLDER]);
    common::assert_clean(|s| sim(s, LockBugs::default(), Stress::SlowLossyLinks), HORIZON, 500);
}

#[test]
fn a_client_that_reuses_acquisition_ids_after_a_restart_is_caught() {
    let bugs = LockBugs { reuse_acquisitions: true, ..LockBugs::default() };
    common::assert_caught(
        "reuse",
        |s| sim(s, bugs, Stress::ClientBounces),
        HORIZON,
        500,
        &[TOKENS_INCREASE, ONE_HOLDER],
    );
    common::assert_clean(|s| sim(s, LockBugs::default(), Stress::ClientBounces), HORIZON, 500);
}
