//! The simulator's fault and network semantics, observed through a Raft cluster.

use super::fault::{Fault, Scheduled};
use super::network::NetConfig;
use super::trace::{DropReason, TraceKind};
use super::{Sim, SimConfig};
use crate::protocol::{MS, SEC};
use crate::raft::{Raft, RaftChecker, RaftConfig};

fn sim(config: SimConfig) -> Sim<Raft> {
    Sim::new(Raft::new(RaftConfig { nodes: 3, ..RaftConfig::default() }), config)
        .with_checker(RaftChecker::default())
}

fn drops(s: &Sim<Raft>, why: DropReason) -> usize {
    s.trace().recent().filter(|e| matches!(e.kind, TraceKind::Drop { reason, .. } if reason == why)).count()
}

fn leaders(s: &Sim<Raft>) -> Vec<u8> {
    (0..3).filter(|&i| s.cluster().state(i).is_some_and(|st| st.is_leader())).collect()
}

#[test]
fn total_loss_means_no_leader_and_every_message_is_dropped_as_lost() {
    let mut s = sim(SimConfig {
        net: NetConfig { loss_ppm: 1_000_000, ..NetConfig::default() },
        ..SimConfig::default()
    });
    s.run_until(3 * SEC);
    assert!(leaders(&s).is_empty());
    assert!(drops(&s, DropReason::Lost) > 10);
    assert!(!s.trace().recent().any(|e| matches!(e.kind, TraceKind::Deliver { .. })));
}

#[test]
fn duplication_sends_every_message_twice() {
    let mut s = sim(SimConfig {
        net: NetConfig { dup_ppm: 1_000_000, ..NetConfig::default() },
        ..SimConfig::default()
    });
    s.run_until(SEC);
    let sends = s.trace().recent().filter(|e| matches!(e.kind, TraceKind::Send { .. })).count();
    assert!(sends > 0 && sends % 2 == 0, "{sends}");
    assert_eq!(leaders(&s).len(), 1, "Raft tolerates duplicates");
}

#[test]
fn a_crashed_node_receives_nothing_and_a_restarted_one_rejoins() {
    let script = vec![
        Scheduled { at: 0, fault: Fault::Crash(2) },
        Scheduled { at: 2 * SEC, fault: Fault::Restart(2) },
    ];
    let mut s = sim(SimConfig { script, write_rate: 5, ..SimConfig::default() });
    s.run_until(2 * SEC - 1);
    assert!(s.cluster().state(2).is_none());
    assert!(drops(&s, DropReason::NodeDown) > 0);
    assert_eq!(leaders(&s).len(), 1, "two of three still elect a leader");
    s.run_until(4 * SEC);
    let st = s.cluster().state(2).expect("restarted");
    assert!(st.commit > 0, "the restarted node caught up");
}

#[test]
fn a_partition_drops_across_it_and_heal_restores() {
    let script = vec![
        Scheduled { at: 0, fault: Fault::Partition(vec![vec![0], vec![1], vec![2]]) },
        Scheduled { at: 2 * SEC, fault: Fault::Heal },
    ];
    let mut s = sim(SimConfig { script, ..SimConfig::default() });
    s.run_until(2 * SEC);
    assert!(leaders(&s).is_empty(), "no majority anywhere");
    assert!(drops(&s, DropReason::Partitioned) > 0);
    s.run_until(4 * SEC);
    assert_eq!(leaders(&s).len(), 1);
}

#[test]
fn a_paused_node_does_nothing_until_it_wakes() {
    let mut s = sim(SimConfig::default());
    s.run_until(SEC);
    let leader = leaders(&s)[0];
    let at = s.inject(Fault::Pause(leader, 2 * SEC));
    s.run_until(at + SEC);
    // The others elected a new leader meanwhile; the paused one still thinks it leads.
    let term_before = s.cluster().state(leader).unwrap().term;
    assert!(leaders(&s).len() == 2, "stale leader plus a new one: {:?}", leaders(&s));
    s.run_until(at + 2 * SEC + 100 * MS);
    assert!(s.cluster().state(leader).unwrap().term > term_before, "woke up and saw the new term");
    assert_eq!(leaders(&s).len(), 1);
}

#[test]
fn client_writes_commit_and_record_their_latency() {
    let mut s = sim(SimConfig { write_rate: 10, ..SimConfig::default() });
    s.run_until(3 * SEC);
    let done: Vec<_> = s.requests().filter(|r| r.committed.is_some()).collect();
    assert!(done.len() >= 20, "{}", done.len());
    assert!(done.iter().all(|r| r.committed >= r.accepted && r.accepted.unwrap() >= r.submitted));
}

#[test]
fn run_until_stops_at_a_violation() {
    let bugs = crate::raft::Bugs { forget_vote: true, ..Default::default() };
    let raft = Raft::new(RaftConfig { nodes: 3, bugs, ..RaftConfig::default() });
    let mut found = None;
    for seed in 0..2_000 {
        let script = crate::sim::swarm::random_script(
            seed,
            crate::sim::swarm::Swarm { nodes: 3, heal_at: 5 * SEC, max_faults: 200 },
        );
        let mut s = Sim::new(raft.clone(), SimConfig { seed, script, ..SimConfig::default() })
            .with_checker(RaftChecker::default());
        s.run_until(5 * SEC);
        if let Some(v) = s.violation().cloned() {
            assert_eq!(s.steps(), v.step, "no step after the violation");
            assert_eq!(s.now(), v.time, "the clock stops at the violation");
            assert!(s.step().is_none());
            assert!(!v.recent.is_empty());
            found = Some(seed);
            break;
        }
    }
    assert!(found.is_some());
}

#[test]
fn finished_client_writes_are_forgotten_beyond_the_cap() {
    let raft = Raft::new(RaftConfig { nodes: 1, ..RaftConfig::default() });
    let config = SimConfig { write_rate: 100, max_requests: 500, keep_trace: 0, ..SimConfig::default() };
    let mut s = Sim::new(raft, config);
    s.run_until(10 * SEC);
    assert!(s.requests_submitted() > 900);
    assert!(s.requests().count() <= 500);
    assert_eq!(s.requests().last().map(|r| r.id), Some(s.requests_submitted() - 1), "the newest are kept");
}

#[test]
fn the_checker_is_reachable_by_its_type() {
    let mut s = sim(SimConfig { write_rate: 10, ..SimConfig::default() });
    s.run_until(2 * SEC);
    let c = s.checker_as::<RaftChecker>().expect("a RaftChecker is installed");
    assert!(c.committed_through() > 0);
    assert!(s.checker_as::<crate::invariant::NoChecks>().is_none());
}

/// When each message was sent (by message id), from the kept trace.
type SendTimes = std::collections::BTreeMap<u64, u64>;
/// Each delivery as (message id, time, receiver).
type Deliveries = Vec<(u64, u64, u8)>;

fn sends_and_deliveries(s: &Sim<Raft>) -> (SendTimes, Deliveries) {
    let mut sent = SendTimes::new();
    let mut delivered = Deliveries::new();
    for e in s.trace().recent() {
        match e.kind {
            TraceKind::Send { msg, .. } => {
                sent.insert(msg, e.time);
            }
            TraceKind::Deliver { msg, to, .. } => delivered.push((msg, e.time, to)),
            _ => {}
        }
    }
    (sent, delivered)
}

#[test]
fn messages_held_for_a_paused_node_die_with_it_when_it_crashes() {
    // Regression: held messages used to reach the node's next incarnation after a restart.
    let script = vec![
        Scheduled { at: SEC, fault: Fault::Pause(2, SEC) },
        Scheduled { at: SEC + 600 * MS, fault: Fault::Crash(2) },
        Scheduled { at: SEC + 700 * MS, fault: Fault::Restart(2) },
    ];
    let mut s = sim(SimConfig { script, write_rate: 20, keep_trace: 1 << 20, ..SimConfig::default() });
    s.run_until(3 * SEC);
    assert!(drops(&s, DropReason::Crashed) > 0, "the held messages are dropped when the pause ends");
    let (sent, delivered) = sends_and_deliveries(&s);
    let crash = SEC + 600 * MS;
    let stale: Vec<_> =
        delivered.iter().filter(|&&(m, at, to)| to == 2 && at >= crash && sent[&m] < crash).collect();
    assert!(stale.is_empty(), "messages sent to the old incarnation reached the new one: {stale:?}");
    assert!(s.cluster().state(2).unwrap().commit > 0, "the new incarnation still catches up");
}

#[test]
fn a_message_sent_across_a_cut_is_dropped_even_if_the_cut_heals_in_flight() {
    let script = vec![
        Scheduled { at: SEC, fault: Fault::Partition(vec![vec![0], vec![1], vec![2]]) },
        Scheduled { at: SEC + 20 * MS, fault: Fault::Heal },
    ];
    let net = NetConfig { latency_min: 50 * MS, latency_max: 60 * MS, ..NetConfig::default() };
    let mut s = sim(SimConfig { script, net, write_rate: 50, keep_trace: 1 << 20, ..SimConfig::default() });
    s.run_until(2 * SEC);
    let (sent, delivered) = sends_and_deliveries(&s);
    let window = SEC..SEC + 20 * MS;
    assert!(sent.values().any(|t| window.contains(t)), "something was sent during the cut");
    let through: Vec<_> = delivered.iter().filter(|(m, ..)| window.contains(&sent[m])).collect();
    assert!(through.is_empty(), "sent while cut, delivered after the heal: {through:?}");
    assert!(drops(&s, DropReason::Partitioned) > 0);
}

/// Followers re-arm their election timer at every AppendEntries, and clients' timeouts outlive
/// most writes: neither may leave void steps behind (a step that processes nothing is a Step
/// click that shows nothing, and work for every run).
#[test]
fn re_armed_timers_and_answered_client_timeouts_take_no_step() {
    let script = vec![
        Scheduled { at: 2 * SEC, fault: Fault::Crash(1) },
        Scheduled { at: 3 * SEC, fault: Fault::Pause(0, 300 * MS) },
        Scheduled { at: 4 * SEC, fault: Fault::Restart(1) },
    ];
    let net = NetConfig { loss_ppm: 20_000, ..NetConfig::default() };
    let mut s = sim(SimConfig { script, net, write_rate: 200, ..SimConfig::default() });
    let (mut silent, mut timers) = (0u64, 0u64);
    while s.next_time().is_some_and(|t| t <= 6 * SEC) {
        let events = s.step().expect("the run goes on");
        silent += u64::from(events.iter().len() == 0);
        timers += events.iter().filter(|e| matches!(e.kind, TraceKind::Timer { .. })).count() as u64;
    }
    assert!(s.violation().is_none());
    let writes = s.requests_submitted();
    assert!(writes >= 1_190, "{writes}");
    // A write's arrival in the workload records nothing; nothing else may be silent.
    assert!(silent <= writes + 10, "{silent} silent steps for {writes} writes");
    // Timers that fire: heartbeats (every 50 ms by 1 leader) and a few elections, not one per
    // AppendEntries received (about 2,400 a second here).
    assert!(timers < 400, "{timers} timers fired");
}
