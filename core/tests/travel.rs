//! Time travel lands exactly: the run at step k reached from a checkpoint equals the run
//! stepped straight to k — same clock, same trace fingerprint, same node states, same checker
//! verdict — for every simulated protocol, with faults, whatever the checkpoints' spacing.

// proptest stays native; that wasm32 runs agree with native ones is what the trace pins in
// `determinism.rs` and `wasm_determinism.rs` check.
#![cfg(not(target_arch = "wasm32"))]

#[allow(dead_code)] // the pins in it are the determinism tests'; this file takes its queries
mod fixed;

use halab_core::client::Service;
use halab_core::protocol::Describe;
use halab_core::protocol::SEC;
use halab_core::scenario::{url, Scenario};
use halab_core::sim::travel::Checkpoints;
use halab_core::sim::{Sim, VIOLATION_CONTEXT};
use proptest::prelude::*;

/// One scenario per protocol, each with crashes, restarts and a lossy or partitioned network.
const PAXOS_QUERY: &str =
    "p=paxos&n=5&seed=7&rate=50&loss=0.05&proposers=2&faults=crash:0@1s,part:1.2/3.4.0@2s,restart:0@2.5s,heal@3s";

fn scenario(q: &str) -> Scenario {
    url::decode(q).expect("the query decodes").scenario
}

/// Steps, clock, trace hash, every node's state, the checker's verdict.
type Fingerprint<P> =
    (u64, u64, u64, Vec<Option<<P as halab_core::protocol::Protocol>::State>>, Option<String>);

/// What must agree between two copies of a run.
fn fingerprint<P: Service>(sim: &Sim<P>) -> Fingerprint<P>
where
    P::Msg: Describe,
{
    let states = sim.cluster().nodes.iter().map(|n| n.state.clone()).collect();
    let verdict = sim.violation().map(|v| v.to_string());
    (sim.steps(), sim.now(), sim.trace().hash(), states, verdict)
}

/// Runs `make()` to `until`, taking checkpoints every `chunk` µs of simulated time, and checks
/// that landing on each of `targets` (fractions of the steps taken) matches a straight run.
fn lands_exactly<P: Service>(
    make: impl Fn() -> Sim<P>,
    chunk: u64,
    targets: &[f64],
) -> Result<(), TestCaseError>
where
    P::Msg: Describe,
    P::State: PartialEq + std::fmt::Debug,
{
    let until = 4 * SEC;
    let mut sim = make();
    let mut cps = Checkpoints::new(&sim);
    while sim.now() < until && sim.violation().is_none() {
        sim.run_until((sim.now() + chunk).min(until));
        cps.observe(&sim);
    }
    let total = sim.steps();
    for &f in targets {
        let k = (total as f64 * f) as u64;
        let mut straight = make();
        while straight.steps() < k && straight.step().is_some() {}
        let landed = cps.at_step(k);
        prop_assert_eq!(fingerprint(&landed), fingerprint(&straight), "step {} of {}", k, total);
        // The window's end, which a violation quotes, is the same too.
        let tail = |s: &Sim<P>| s.trace().recent().rev().take(VIOLATION_CONTEXT).cloned().collect::<Vec<_>>();
        prop_assert_eq!(tail(&landed), tail(&straight));
        // And by instant: the state at the time of step k, after everything due then.
        let t = straight.now();
        straight.run_until(t);
        prop_assert_eq!(fingerprint(&cps.at_time(t)), fingerprint(&straight), "t = {} µs", t);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn every_protocol_lands_on_any_step_as_if_stepped_there(
        chunk in 1_000u64..400_000,
        targets in proptest::collection::vec(0.0f64..=1.0, 1..4),
    ) {
        let raft = scenario(fixed::QUERY);
        lands_exactly(|| raft.raft_sim(), chunk, &targets)?;
        let paxos = scenario(PAXOS_QUERY);
        lands_exactly(|| paxos.paxos_sim(), chunk, &targets)?;
        let lock = scenario(fixed::LOCK_QUERY);
        lands_exactly(|| lock.lock_sim(), chunk, &targets)?;
        let txn = scenario(fixed::TXN_QUERY);
        lands_exactly(|| txn.txn_sim(), chunk, &targets)?;
        let lb = scenario(fixed::LB_QUERY);
        lands_exactly(|| lb.lb_sim(), chunk, &targets)?;
    }
}

#[test]
fn a_violating_run_is_caught_again_at_the_same_step_after_landing_before_it() {
    // A bug preset: landing before the violation and stepping on finds it at the same step.
    let s = scenario("p=raft&n=3&seed=157&el=100ms-102ms&bugs=forget&faults=crash:2@104ms,restart:2@106ms");
    let mut sim = s.raft_sim();
    sim.run_until(20 * SEC);
    let v = sim.violation().cloned().expect("the bug-forget preset breaks an invariant");
    let mut run = s.raft_sim();
    let mut cps = Checkpoints::new(&run);
    while run.violation().is_none() && run.step().is_some() {
        cps.observe(&run);
    }
    let mut landed = cps.at_step(v.step.saturating_sub(1));
    while landed.violation().is_none() && landed.step().is_some() {}
    assert_eq!(landed.violation().map(|v| (v.step, v.time)), Some((v.step, v.time)));
}

/// Runs `sim` to `until`, taking a checkpoint after every 50 ms of it.
fn run_observed<P: Service>(sim: &mut Sim<P>, cps: &mut Checkpoints<P>, until: u64)
where
    P::Msg: Describe,
{
    while sim.now() < until && sim.violation().is_none() {
        sim.run_until((sim.now() + 50_000).min(until));
        cps.observe(sim);
    }
}

#[test]
fn a_clicked_fault_and_a_fork_land_as_a_fresh_run_of_the_edited_script() {
    use halab_core::sim::fault::Fault;
    // A fault clicked mid-run: checkpoints taken before it meet it too.
    let s = scenario(PAXOS_QUERY);
    let mut run = s.paxos_sim();
    let mut cps = Checkpoints::new(&run);
    run_observed(&mut run, &mut cps, 1_500_000);
    let at = run.inject_at(1_501_000, Fault::Crash(2));
    cps.inject_at(at, &Fault::Crash(2));
    run_observed(&mut run, &mut cps, 4 * SEC);
    let mut clicked = s.clone();
    clicked.push_fault(at, Fault::Crash(2));
    let mut fresh = clicked.paxos_sim();
    fresh.run_until(4 * SEC);
    assert_eq!(fingerprint(&run), fingerprint(&fresh));
    for k in [run.steps() / 4, run.steps() / 2, run.steps() - 1] {
        let mut straight = clicked.paxos_sim();
        while straight.steps() < k && straight.step().is_some() {}
        assert_eq!(fingerprint(&cps.at_step(k)), fingerprint(&straight), "step {k}");
    }

    // Back to 1.2 s, a restart clicked there: the script's faults after 1.2 s are cut (the
    // partition at 2 s, the restart at 2.5 s, the heal at 3 s, and the crash clicked at 1.5 s).
    let mut landed = cps.at_time(1_200_000);
    let fork = landed.now();
    let step = landed.steps();
    assert_eq!(landed.cancel_faults_after(fork), 4);
    cps.fork(step, fork);
    let at = landed.inject_at(1_201_000, Fault::Restart(0));
    cps.inject_at(at, &Fault::Restart(0));
    run_observed(&mut landed, &mut cps, 4 * SEC);
    let mut forked = s.clone();
    forked.faults.retain(|f| f.at <= fork);
    forked.push_fault(at, Fault::Restart(0));
    let mut fresh = forked.paxos_sim();
    fresh.run_until(4 * SEC);
    assert_eq!(fingerprint(&landed), fingerprint(&fresh), "the fork replays from its URL");
    for k in [step / 2, step + 1, (step + landed.steps()) / 2] {
        let mut straight = forked.paxos_sim();
        while straight.steps() < k && straight.step().is_some() {}
        assert_eq!(fingerprint(&cps.at_step(k)), fingerprint(&straight), "step {k} after the fork");
    }
}
