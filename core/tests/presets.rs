//! Every preset decodes; healthy presets stay healthy and make progress; bug presets break
//! exactly the invariant they name, and pass once the bug is switched off. The duel preset
//! chooses nothing for 2.5 s without backoff and chooses within 0.5 s with it.

use halab_core::lb::{LbState, CLIENTS};
use halab_core::lock::{LockChecker, LockState, STORAGE};
use halab_core::protocol::{Micros, MS, SEC};
use halab_core::scenario::presets::{
    Preset, LB_PRESETS, LOCK_PRESETS, PAXOS_PRESETS, RAFT_PRESETS, TXN_PRESETS,
};
use halab_core::scenario::{url, ProtocolKind, Scenario};
use halab_core::sim::trace::TraceKind;
use halab_core::txn::TxnChecker;

/// (violated invariant, writes committed, whether slot 0 was learned)
fn run(s: &Scenario, until: Micros) -> (Option<&'static str>, usize, bool) {
    match s.protocol {
        ProtocolKind::Raft => {
            let mut sim = s.raft_sim();
            sim.run_until(until);
            let done = sim.requests().filter(|r| r.committed.is_some()).count();
            (sim.violation().map(|v| v.invariant), done, false)
        }
        ProtocolKind::Paxos => {
            let mut sim = s.paxos_sim();
            sim.run_until(until);
            let done = sim.requests().filter(|r| r.committed.is_some()).count();
            let learned = sim
                .cluster()
                .nodes
                .iter()
                .filter_map(|n| n.state.as_ref())
                .any(|x| x.learned.contains_key(&0));
            (sim.violation().map(|v| v.invariant), done, learned)
        }
        ProtocolKind::Lock => {
            let mut sim = s.lock_sim();
            sim.run_until(until);
            let stored = match sim.cluster().state(STORAGE) {
                Some(LockState::Storage(st)) => st.accepted as usize,
                _ => 0,
            };
            (sim.violation().map(|v| v.invariant), stored, false)
        }
        ProtocolKind::Lb => {
            let mut sim = s.lb_sim();
            sim.run_until(until);
            let ok = match sim.cluster().state(CLIENTS) {
                Some(LbState::Clients(c)) => c.stats.ok as usize,
                _ => 0,
            };
            (sim.violation().map(|v| v.invariant), ok, false)
        }
        ProtocolKind::Txn => {
            let mut sim = s.txn_sim();
            sim.run_until(until);
            let done = sim.checker_as::<TxnChecker>().map_or(0, |c| c.committed as usize);
            (sim.violation().map(|v| v.invariant), done, false)
        }
    }
}

fn check(p: &Preset) {
    let s = url::decode(p.query).unwrap_or_else(|e| panic!("{}: {e}", p.id)).scenario;
    let (broken, committed, learned) = run(&s, 8 * SEC);
    assert_eq!(broken, p.breaks, "{}", p.id);
    match p.breaks {
        None => assert!(committed > 0 || learned, "{}: no progress", p.id),
        Some(_) => {
            let mut fixed = s.clone();
            fixed.bugs = Default::default();
            fixed.paxos.bugs = Default::default();
            fixed.lock.bugs = Default::default();
            fixed.txn.bugs = Default::default();
            fixed.lb.bugs = Default::default();
            assert_eq!(run(&fixed, 8 * SEC).0, None, "{} without the bug", p.id);
        }
    }
}

#[test]
fn raft_presets_behave_as_described() {
    RAFT_PRESETS.iter().for_each(check);
}

#[test]
fn paxos_presets_behave_as_described() {
    PAXOS_PRESETS.iter().for_each(check);
}

#[test]
fn the_duel_lasts_without_backoff_and_ends_with_it() {
    let duel = PAXOS_PRESETS.iter().find(|p| p.id == "duel").unwrap();
    let s = url::decode(duel.query).unwrap().scenario;
    assert!(!s.paxos.backoff);
    assert!(!run(&s, 2_500_000).2, "nothing chosen for 2.5 s");
    let mut calm = s.clone();
    calm.paxos.backoff = true;
    assert!(run(&calm, SEC / 2).2, "backoff resolves the duel within 0.5 s");
}

#[test]
fn lock_presets_behave_as_described() {
    LOCK_PRESETS.iter().for_each(check);
}

#[test]
fn txn_presets_behave_as_described() {
    TXN_PRESETS.iter().for_each(|p| {
        // The partition preset breaks atomicity without a bug switch: 3PC itself is at fault.
        if p.id != "3pc-partition" {
            check(p);
        }
    });
}

fn lock_run(query: &str, until: Micros) -> (halab_core::sim::Sim<halab_core::lock::Lock>, Scenario) {
    let s = url::decode(query).unwrap().scenario;
    let mut sim = s.lock_sim();
    sim.run_until(until);
    (sim, s)
}

fn preset(list: &[Preset], id: &str) -> &'static str {
    list.iter().find(|p| p.id == id).unwrap_or_else(|| panic!("no preset {id}")).query
}

#[test]
fn kleppmann_the_stale_write_is_fenced_off_and_lands_without_fencing() {
    let (mut sim, _) = lock_run(preset(LOCK_PRESETS, "kleppmann"), 3_800_000);
    let checker = sim.checker_as::<LockChecker>().unwrap();
    assert_eq!(
        checker.assumption_broken.as_ref().map(|m| m.english()).as_deref(),
        Some("client 1 was paused")
    );
    // The pause ends at 2.9 s; one TTL later the one-holder invariant is judged again.
    sim.run_until(4 * SEC);
    let Some(LockState::Storage(st)) = sim.cluster().state(STORAGE) else { panic!("storage down") };
    assert_eq!(st.rejected, 1, "client 1's token-2 write is refused");
    let checker = sim.checker_as::<LockChecker>().unwrap();
    assert!(checker.judging() && checker.ever_broken, "{:?}", checker.assumption_broken);
    assert!(checker.overlaps >= 1, "two clients believed they held the lock");
    let refused: Vec<_> = checker.timeline.marks().filter(|m| m.class == "rejected").collect();
    assert_eq!(refused.len(), 1);
    assert!(refused[0].label.english().contains("client 1, token 2"), "{}", refused[0].label.english());

    let (sim, _) = lock_run(preset(LOCK_PRESETS, "kleppmann-nofence"), 4 * SEC);
    let v = sim.violation().expect("the stale write lands");
    assert!(v.detail.english().contains("token 2 after accepting token 3"), "{}", v.detail.english());
}

#[test]
fn a_restarted_server_continues_the_token_sequence_after_its_grace_period() {
    let (sim, _) = lock_run(preset(LOCK_PRESETS, "server-restart"), 6 * SEC);
    let checker = sim.checker_as::<LockChecker>().unwrap();
    let grace: Vec<_> = checker.timeline.spans().filter(|s| s.class == "grace").collect();
    assert_eq!(grace.len(), 1);
    assert_eq!(grace[0].to.unwrap() - grace[0].from, SEC, "one TTL");
    let tokens: Vec<u64> = checker
        .timeline
        .marks()
        .filter(|m| m.class == "accepted")
        .map(|m| m.label.english().rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert!(tokens.len() >= 4 && tokens.windows(2).all(|w| w[0] < w[1]), "{tokens:?}");
}

#[test]
fn drift_past_the_bound_overlaps_holders_but_fencing_holds() {
    let (sim, _) = lock_run(preset(LOCK_PRESETS, "drift"), 8 * SEC);
    let checker = sim.checker_as::<LockChecker>().unwrap();
    assert!(
        checker.assumption_broken.as_ref().is_some_and(|a| a.english().contains("drifts")),
        "{:?}",
        checker.assumption_broken
    );
    assert!(checker.overlaps >= 1);
    let Some(LockState::Storage(st)) = sim.cluster().state(STORAGE) else { panic!("storage down") };
    assert!(st.rejected >= 1);
}

#[test]
fn two_phase_commit_blocks_until_the_coordinator_returns_and_three_phase_does_not() {
    let run = |id: &str, until: Micros| {
        let s = url::decode(preset(TXN_PRESETS, id)).unwrap().scenario;
        let mut sim = s.txn_sim();
        sim.run_until(until);
        sim
    };
    // 2PC: at 5.9 s every participant has been in doubt since about 0.83 s.
    let sim = run("2pc-blocking", 5_900_000);
    let c = sim.checker_as::<TxnChecker>().unwrap();
    for p in 1..4 {
        assert!(c.in_doubt_since(p).is_some(), "participant {p} in doubt");
        assert!(c.blocked(p, sim.now()) > 5 * SEC, "participant {p}: {}", c.blocked(p, sim.now()));
    }
    // ...and none is once the coordinator is back.
    let sim = run("2pc-blocking", 7 * SEC);
    let c = sim.checker_as::<TxnChecker>().unwrap();
    assert!((1..4).all(|p| c.in_doubt_since(p).is_none()));
    assert!(sim.violation().is_none());
    // 3PC: the same crash, after PreCommit, and everyone has committed by 3 s.
    let sim = run("3pc-coordinator-crash", 3 * SEC);
    let c = sim.checker_as::<TxnChecker>().unwrap();
    assert!((1..4).all(|p| c.in_doubt_since(p).is_none() && c.blocked(p, sim.now()) < 2 * SEC));
    let marks: Vec<_> = c.timeline.marks().filter(|m| m.label.english() == "txn 2 committed").collect();
    assert_eq!(marks.len(), 3, "all three participants committed txn 2 alone");
}

#[test]
fn the_3pc_partition_splits_the_outcome() {
    let s = url::decode(preset(TXN_PRESETS, "3pc-partition")).unwrap().scenario;
    let mut sim = s.txn_sim();
    sim.run_until(4 * SEC);
    let v = sim.violation().expect("3PC decides both ways");
    assert_eq!(v.invariant, halab_core::txn::invariants::ATOMICITY);
    assert!(v.detail.english().contains("txn 2"), "{}", v.detail.english());
    // The checker's books include the violating step: participant 2 just left doubt by aborting.
    let c = sim.checker_as::<TxnChecker>().unwrap();
    assert_eq!(c.in_doubt_since(2), None);
    assert!(c.timeline.marks().any(|m| m.node == 2 && m.label.english() == "txn 2 aborted"));
    // Without the partition the same run is atomic.
    let mut healed = s.clone();
    healed.faults.clear();
    let mut sim = healed.txn_sim();
    sim.run_until(4 * SEC);
    assert!(sim.violation().is_none());
}

#[test]
fn a_restarted_client_hands_back_its_previous_life_s_grant_and_gets_a_fresh_token() {
    let (sim, _) = lock_run(preset(LOCK_PRESETS, "client-restart"), 4 * SEC);
    assert!(sim.violation().is_none());
    let handed_back = sim.trace().recent().any(|e| {
        matches!(&e.kind, halab_core::sim::trace::TraceKind::Note { text, .. } if text.english() == "client 1 released token 1")
    });
    assert!(handed_back, "the stale grant went back to the server");
    let checker = sim.checker_as::<LockChecker>().unwrap();
    let holds: Vec<String> = checker
        .timeline
        .spans()
        .filter(|s| s.node == 2 && s.class == "holding")
        .map(|s| s.label.english())
        .collect();
    assert_eq!(holds.first().map(String::as_str), Some("token 1"), "{holds:?}");
    assert!(holds.iter().skip(1).all(|l| *l != "token 1"), "the new life never holds token 1: {holds:?}");

    let (sim, _) = lock_run(preset(LOCK_PRESETS, "bug-reuse"), 4 * SEC);
    let v = sim.violation().expect("the reused token is caught");
    assert!(
        v.detail.english().contains("holds token 1, which client 1 held in life 0"),
        "{}",
        v.detail.english()
    );
}

#[test]
fn a_follower_down_past_the_leader_s_snapshot_catches_up_by_installsnapshot() {
    let s = url::decode(preset(RAFT_PRESETS, "snapshot-catchup")).unwrap().scenario;
    let mut sim = s.raft_sim();
    let mut installed = 0;
    let deadline = 8 * SEC;
    while sim.now() < deadline {
        let Some(events) = sim.step() else { break };
        installed += events
            .iter()
            .filter(|e| matches!(e.kind, TraceKind::Deliver { to: 2, label: "InstallSnapshot", .. }))
            .count();
    }
    assert!(sim.violation().is_none(), "{}", sim.violation().unwrap());
    assert!(installed >= 1, "node 2 received no InstallSnapshot");
    let c = sim.cluster();
    let (leader, two) = (c.state(0).or(c.state(1)).unwrap(), c.state(2).expect("node 2 is up"));
    assert!(two.snapshot.index >= 20, "node 2 holds a snapshot: {}", two.snapshot.index);
    assert!(two.commit + 40 >= leader.commit, "node 2 caught up: {} vs {}", two.commit, leader.commit);
    for st in [leader, two] {
        assert!(st.log.entries().len() <= 20 + 40, "logs stay short: {}", st.log.entries().len());
    }
}

#[test]
fn lb_presets_behave_as_described() {
    LB_PRESETS.iter().for_each(check);
}

/// A service-lab run of `query` until `until`, with no violation.
fn lb_run(query: &str, until: Micros) -> halab_core::sim::Sim<halab_core::lb::Lb> {
    let s = url::decode(query).unwrap_or_else(|e| panic!("{query}: {e}")).scenario;
    let mut sim = s.lb_sim();
    sim.run_until(until);
    assert!(sim.violation().is_none(), "{query}: {}", sim.violation().unwrap());
    sim
}

/// What the meter saw between `from` and `to`: (ok, failed, requests to each backend, p99 of
/// the bins' p99s).
fn window(
    sim: &halab_core::sim::Sim<halab_core::lb::Lb>,
    from: Micros,
    to: Micros,
) -> (u64, u64, Vec<u64>, u64) {
    let m = &sim.checker_as::<halab_core::lb::LbChecker>().unwrap().meter;
    let bins: Vec<_> = m.bins.iter().filter(|b| b.end > from && b.end <= to).collect();
    let ok = bins.iter().map(|b| b.ok).sum();
    let failed = bins.iter().map(|b| b.errors + b.timeouts).sum();
    let n = bins.first().map_or(0, |b| b.routed.len());
    let routed = (0..n).map(|i| bins.iter().map(|b| b.routed[i]).sum()).collect();
    let p99 = bins.iter().map(|b| b.latency[2]).max().unwrap_or(0);
    (ok, failed, routed, p99)
}

fn failed_share((ok, failed, ..): (u64, u64, Vec<u64>, u64)) -> f64 {
    failed as f64 / (ok + failed).max(1) as f64
}

#[test]
fn lb_presets_show_what_their_text_says() {
    let run = |id: &str, until| lb_run(preset(LB_PRESETS, id), until);
    assert_eq!(failed_share(window(&run("healthy", 8 * SEC), 0, 8 * SEC)), 0.0);

    // 1. Least request sinks into the failing backend; ejection ends it.
    let sink = window(&run("sinkhole", 8 * SEC), 3 * SEC, 8 * SEC);
    let share_b2 = sink.2[1] as f64 / sink.2.iter().sum::<u64>() as f64;
    assert!(
        share_b2 > 0.45 && failed_share(sink.clone()) > 0.4,
        "B2 drew {share_b2:.2}, failed {:.2}",
        failed_share(sink)
    );
    let ejected = window(&run("sinkhole-eject", 8 * SEC), 3 * SEC, 8 * SEC);
    assert!(failed_share(ejected.clone()) < 0.02, "with ejection {:.3} failed", failed_share(ejected));

    // 2. The storm outlives its trigger (2–3 s); a budget recovers.
    let storm = failed_share(window(&run("retry-storm", 10 * SEC), 6 * SEC, 10 * SEC));
    let budget = failed_share(window(&run("retry-budget", 10 * SEC), 6 * SEC, 10 * SEC));
    assert!(storm > 0.5 && budget < 0.02, "failed after the trigger: storm {storm:.3}, budget {budget:.3}");

    // 3. Backends of different speeds: two choices has the shortest tail.
    let speeds = |algo: &str| {
        let q = preset(LB_PRESETS, "speeds").replace("algo=p2c", &format!("algo={algo}"));
        let sim = lb_run(&q, 10 * SEC);
        let st = match sim.cluster().state(CLIENTS) {
            Some(LbState::Clients(c)) => c.stats.clone(),
            _ => panic!(),
        };
        (st.latency.quantile(0.99), st.errors + st.timeouts)
    };
    let (p2c, rr, random) = (speeds("p2c"), speeds("rr"), speeds("random"));
    // Round robin and random overload B1 (a quarter of 180/s against its 25/s): requests time
    // out there, and the successes' p99 sits near the timeout.
    let msg = format!("(p99 µs, failed): p2c {p2c:?}, rr {rr:?}, random {random:?}");
    assert!(p2c.1 == 0 && rr.1 > 100 && random.1 > 100, "{msg}");
    assert!(p2c.0 < rr.0 && p2c.0 < random.0, "{msg}");

    // 4. Detection within interval × fall plus a check timeout: nothing fails from 3.5 s on.
    let hc = run("crash-hc", 8 * SEC);
    assert_eq!(window(&hc, 3_500 * MS, 8 * SEC).1, 0);
    assert!(window(&hc, 2 * SEC, 3_500 * MS).1 > 0);

    // 5. Panic: the balancer routes to the dead hosts too; without it the survivor overflows.
    let panic = run("panic", 8 * SEC);
    let w = window(&panic, 4 * SEC, 8 * SEC);
    assert!(w.2[1] > 100 && w.2[0] > 100, "routed to all in panic mode: {:?}", w.2);
    let Some(LbState::Balancer(b)) = panic.cluster().state(halab_core::lb::BALANCER) else { panic!() };
    assert!(b.panic);
    let no_panic = lb_run(&format!("{}&panic=0", preset(LB_PRESETS, "panic")), 8 * SEC);
    let w = window(&no_panic, 4 * SEC, 8 * SEC);
    assert!(w.2[1] == 0 && w.2[0] > 600, "without panic mode only the survivor: {:?}", w.2);

    // 8. N+0 sheds load until the crashed backend returns; N+1 recovers with its spare.
    let n0 = run("n-plus-0", 10 * SEC);
    let n1 = run("n-plus-1", 10 * SEC);
    let (f0, f1) = (failed_share(window(&n0, 5 * SEC, 6 * SEC)), failed_share(window(&n1, 5 * SEC, 6 * SEC)));
    assert!(f0 > 0.05 && f1 < 0.01, "failed 5–6 s: N+0 {f0:.3}, N+1 {f1:.3}");
    assert_eq!(window(&n0, 9 * SEC, 10 * SEC).1, 0, "N+0 recovers once B2 is back and the queues drained");
    // Slow start: B2, healthy again at about 6.8 s, gets a small share at first and a full one
    // after its one-second window.
    let (early, late) = (window(&n0, 6_750 * MS, 7_250 * MS).2, window(&n0, 9_250 * MS, 10 * SEC).2);
    assert!(early[1] * 3 < early[0] && late[1] * 10 > late[0] * 8, "B2's share: {early:?} then {late:?}");
}
