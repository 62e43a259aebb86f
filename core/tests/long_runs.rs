//! Long runs at the highest write rate: what nodes and checkers keep must stop growing, so the
//! cost of a step (and the page's memory) is the same in the tenth minute as in the first.
//! Speed itself is measured by `cargo bench --bench growth`, never here.

use halab_core::paxos::dedup::DEDUP_WINDOW;
use halab_core::paxos::invariants::PaxosChecker;
use halab_core::paxos::{Paxos, PaxosConfig};
use halab_core::protocol::SEC;
use halab_core::raft::{Raft, RaftChecker, RaftConfig};
use halab_core::scenario::limits::MAX_WRITE_RATE;
use halab_core::sim::trace::TraceKind;
use halab_core::sim::{Sim, SimConfig};

fn config() -> SimConfig {
    SimConfig { seed: 7, write_rate: MAX_WRITE_RATE, keep_trace: 16, ..SimConfig::default() }
}

#[test]
fn raft_logs_and_checker_history_stay_bounded() {
    let raft = Raft::new(RaftConfig { nodes: 5, snapshot_every: 500, ..RaftConfig::default() });
    let mut sim = Sim::new(raft, config()).with_checker(RaftChecker::default());
    let (mut peak, mut snapshots_sent, mut snapshots_taken) = (0, 0, 0);
    for t in 1..=60 {
        while let Some(events) = sim.step_until(t * SEC) {
            snapshots_sent += events
                .iter()
                .filter(|e| matches!(e.kind, TraceKind::Send { label: "InstallSnapshot", .. }))
                .count();
        }
        assert!(sim.violation().is_none(), "{}", sim.violation().unwrap());
        let checker = sim.checker_as::<RaftChecker>().unwrap();
        peak = peak.max(checker.kept());
        for n in &sim.cluster().nodes {
            let s = n.state.as_ref().unwrap();
            // A leader keeps up to a second interval while a follower still needs the entries.
            assert!(
                s.log.entries().len() < 2 * 500 + 400,
                "node log holds {} entries",
                s.log.entries().len()
            );
            snapshots_taken = snapshots_taken.max(s.snapshot.index / 500);
        }
    }
    let checker = sim.checker_as::<RaftChecker>().unwrap();
    assert!(checker.committed_through() > 10_000, "{} committed", checker.committed_through());
    assert!(snapshots_taken >= 20, "{snapshots_taken} snapshot intervals");
    // Nobody fell behind: followers a few messages behind catch up from the leader's log.
    assert_eq!(snapshots_sent, 0, "a healthy cluster sent InstallSnapshot");
    // Two snapshot intervals plus the sweep's chunk and what is in flight, in entries.
    assert!(peak < 2 * (500 + 1_024 + 400), "the checker kept {peak} entries at most");
}

#[test]
fn paxos_acceptors_learners_and_the_checker_forget_what_snapshots_cover() {
    let paxos = Paxos::new(PaxosConfig { nodes: 5, proposers: 2, ..PaxosConfig::default() });
    let mut sim = Sim::new(paxos, config()).with_checker(PaxosChecker::default());
    let mut peak = 0;
    for t in 1..=40 {
        sim.run_until(t * SEC);
        assert!(sim.violation().is_none(), "{}", sim.violation().unwrap());
        peak = peak.max(sim.checker_as::<PaxosChecker>().unwrap().kept());
        let checker = sim.checker_as::<PaxosChecker>().unwrap();
        assert!(
            checker.chosen().len() < 2 * (1_000 + 1_024 + 400),
            "{} chosen values kept",
            checker.chosen().len()
        );
        for n in &sim.cluster().nodes {
            let s = n.state.as_ref().unwrap();
            assert!(s.accepted.len() < 400, "an acceptor holds {} accepted values", s.accepted.len());
            assert!(s.learned.len() < 1_000 + 400, "a learner holds {} learned values", s.learned.len());
            assert!(s.done.len() <= DEDUP_WINDOW);
            let d = n.durable.as_ref().unwrap();
            assert!(d.learned.len() < 1_000 + 400, "storage holds {} learned values", d.learned.len());
        }
    }
    let chosen = sim.checker_as::<PaxosChecker>().unwrap().chosen_through();
    assert!(chosen > 6_000, "{chosen} slots chosen");
    assert!(peak < 2 * (1_024 + 400), "the checker kept {peak} proposals and acceptances at most");
}
