use super::*;
use crate::protocol::{Effect, MS, SEC};

fn run(t: &Txn, id: NodeId, s: &mut TxnState, ev: Event<Txn>) -> Vec<Effect<Txn>> {
    let mut out = Effects::default();
    t.handle(id, 0, s, ev, &mut out);
    out.0
}

fn boot(t: &Txn, id: NodeId, restored: Option<&TxnDurable>) -> TxnState {
    t.init(id, restored, &mut Effects::default())
}

fn sent(effects: &[Effect<Txn>]) -> Vec<(NodeId, TxnMsg)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { to, msg } => Some((*to, msg.clone())),
            _ => None,
        })
        .collect()
}

fn persisted(effects: &[Effect<Txn>]) -> Option<TxnDurable> {
    effects.iter().rev().find_map(|e| match e {
        Effect::Persist(d) => Some(d.clone()),
        _ => None,
    })
}

fn msg(from: NodeId, msg: TxnMsg) -> Event<Txn> {
    Event::Msg { from, msg }
}

/// Sets participant `p`'s phases directly, for checker tests.
fn set_phases(cluster: &mut crate::cluster::Cluster<Txn>, p: NodeId, phases: &[(u64, Phase)]) {
    if let Some(TxnState::Participant(s)) = cluster.nodes[p as usize].state.as_mut() {
        s.txns.extend(phases.iter().copied());
    }
}

fn all_yes(mode: TxnMode) -> Txn {
    Txn::new(TxnConfig { nodes: 3, mode, no_percent: 0, ..TxnConfig::default() })
}

#[test]
fn votes_are_a_fixed_function_of_transaction_and_participant() {
    let c = TxnConfig { no_percent: 30, ..TxnConfig::default() };
    let no = (1..=1000).filter(|&t| !c.votes_yes(t, 1)).count();
    assert!((250..=350).contains(&no), "{no} no votes of 1000 at 30%");
    assert_eq!(c.votes_yes(17, 2), c.votes_yes(17, 2));
    assert!((1..=100).all(|t| TxnConfig { no_percent: 0, ..c.clone() }.votes_yes(t, 1)));
}

#[test]
fn a_yes_vote_is_logged_before_it_is_sent_and_then_the_participant_is_in_doubt() {
    let t = all_yes(TxnMode::TwoPhase);
    let mut s = boot(&t, 1, None);
    let prep = run(&t, 1, &mut s, msg(0, TxnMsg::Prepare { txn: 1 }));
    assert!(sent(&prep).is_empty(), "nothing leaves before the log write");
    let flush = run(&t, 1, &mut s, Event::Timer(TxnTimer::Flush(1)));
    let persist_at = flush.iter().position(|e| matches!(e, Effect::Persist(_))).unwrap();
    let send_at = flush.iter().position(|e| matches!(e, Effect::Send { .. })).unwrap();
    assert!(persist_at < send_at);
    assert_eq!(sent(&flush), vec![(0, TxnMsg::Vote { txn: 1, yes: true })]);
    let TxnState::Participant(p) = &s else { panic!() };
    assert!(p.txns[&1].in_doubt());
}

#[test]
fn the_coordinator_commits_only_with_every_yes_and_logs_first() {
    let t = all_yes(TxnMode::TwoPhase);
    let mut s = boot(&t, 0, None);
    let begin = run(&t, 0, &mut s, Event::Timer(TxnTimer::Begin));
    assert_eq!(sent(&begin).len(), 2);
    run(&t, 0, &mut s, msg(1, TxnMsg::Vote { txn: 1, yes: true }));
    let TxnState::Coordinator(c) = &s else { panic!() };
    assert_eq!(c.round.as_ref().unwrap().stage, Stage::Voting, "one vote is not enough");
    run(&t, 0, &mut s, msg(2, TxnMsg::Vote { txn: 1, yes: true }));
    let flush = run(&t, 0, &mut s, Event::Timer(TxnTimer::Flush(1)));
    let Some(TxnDurable::Coordinator(log)) = persisted(&flush) else { panic!() };
    assert!(log.commits.contains(&1));
    assert_eq!(sent(&flush), vec![(1, TxnMsg::Commit { txn: 1 }), (2, TxnMsg::Commit { txn: 1 })]);
    // Acks truncate the log.
    run(&t, 0, &mut s, msg(1, TxnMsg::Ack { txn: 1 }));
    let last = run(&t, 0, &mut s, msg(2, TxnMsg::Ack { txn: 1 }));
    let Some(TxnDurable::Coordinator(log)) = persisted(&last) else { panic!() };
    assert!(log.commits.is_empty());
}

#[test]
fn a_missing_vote_aborts_at_the_timeout_and_the_bug_commits_instead() {
    for (bug, expect_commit) in [(false, false), (true, true)] {
        let t = Txn::new(TxnConfig {
            nodes: 3,
            bugs: TxnBugs { commit_on_timeout: bug },
            ..TxnConfig::default()
        });
        let mut s = boot(&t, 0, None);
        run(&t, 0, &mut s, Event::Timer(TxnTimer::Begin));
        run(&t, 0, &mut s, msg(1, TxnMsg::Vote { txn: 1, yes: true }));
        let out = run(&t, 0, &mut s, Event::Timer(TxnTimer::VoteTimeout(1)));
        let out = if bug { run(&t, 0, &mut s, Event::Timer(TxnTimer::Flush(1))) } else { out };
        let commits = sent(&out).iter().filter(|(_, m)| matches!(m, TxnMsg::Commit { .. })).count();
        let aborts = sent(&out).iter().filter(|(_, m)| matches!(m, TxnMsg::Abort { .. })).count();
        assert_eq!((commits > 0, aborts > 0), (expect_commit, !expect_commit), "bug {bug}");
    }
}

#[test]
fn presumed_abort_answers_questions_about_unlogged_transactions() {
    let t = all_yes(TxnMode::TwoPhase);
    let log = CoordLog { next_txn: 5, commits: [3].into(), precommitted: Default::default() };
    let mut s = boot(&t, 0, Some(&TxnDurable::Coordinator(log)));
    assert_eq!(
        sent(&run(&t, 0, &mut s, msg(1, TxnMsg::Ask { txn: 3 }))),
        vec![(1, TxnMsg::Commit { txn: 3 })]
    );
    assert_eq!(
        sent(&run(&t, 0, &mut s, msg(1, TxnMsg::Ask { txn: 4 }))),
        vec![(1, TxnMsg::Abort { txn: 4 })]
    );
    // The recovered coordinator resends the logged commit.
    let resend = run(&t, 0, &mut s, Event::Timer(TxnTimer::Resend));
    assert_eq!(sent(&resend), vec![(1, TxnMsg::Commit { txn: 3 }), (2, TxnMsg::Commit { txn: 3 })]);
}

#[test]
fn a_2pc_participant_in_doubt_never_decides_alone_and_a_recovered_one_asks() {
    let t = all_yes(TxnMode::TwoPhase);
    let mut s = boot(&t, 1, None);
    run(&t, 1, &mut s, msg(0, TxnMsg::Prepare { txn: 1 }));
    let flush = run(&t, 1, &mut s, Event::Timer(TxnTimer::Flush(1)));
    assert!(!flush.iter().any(|e| matches!(e, Effect::SetTimer { timer: TxnTimer::Decide(_), .. })));
    let ask = run(&t, 1, &mut s, Event::Timer(TxnTimer::Ask(1)));
    assert_eq!(sent(&ask), vec![(0, TxnMsg::Ask { txn: 1 })]);
    let durable = persisted(&flush).unwrap();
    let mut out = Effects::default();
    let s = t.init(1, Some(&durable), &mut out);
    let TxnState::Participant(p) = &s else { panic!() };
    assert!(p.recovered.contains(&1) && p.txns[&1] == Phase::Uncertain);
    assert!(out.0.contains(&Effect::SetTimer { timer: TxnTimer::Ask(1), after: 0..=0 }));
}

#[test]
fn a_3pc_participant_decides_by_its_phase_when_the_coordinator_is_silent() {
    let t = all_yes(TxnMode::ThreePhase);
    for (precommit, outcome) in [(false, Phase::Aborted), (true, Phase::Committed)] {
        let mut s = boot(&t, 1, None);
        run(&t, 1, &mut s, msg(0, TxnMsg::Prepare { txn: 1 }));
        let flush = run(&t, 1, &mut s, Event::Timer(TxnTimer::Flush(1)));
        let d = t.config.decide_after();
        assert!(flush.contains(&Effect::SetTimer { timer: TxnTimer::Decide(1), after: d..=d }));
        if precommit {
            run(&t, 1, &mut s, msg(0, TxnMsg::PreCommit { txn: 1 }));
        }
        run(&t, 1, &mut s, Event::Timer(TxnTimer::Decide(1)));
        let TxnState::Participant(p) = &s else { panic!() };
        assert_eq!(p.txns[&1], outcome);
    }
}

#[test]
fn a_recovering_3pc_coordinator_follows_the_termination_rule() {
    let t =
        Txn::new(TxnConfig { nodes: 4, mode: TxnMode::ThreePhase, no_percent: 0, ..TxnConfig::default() });
    let log = CoordLog { next_txn: 3, commits: Default::default(), precommitted: [2].into() };
    let undecided = |pre, alone| Stands::Undecided { precommitted: pre, alone };
    // Any decided participant is followed.
    let mut s = boot(&t, 0, Some(&TxnDurable::Coordinator(log.clone())));
    let out = run(&t, 0, &mut s, msg(2, TxnMsg::Report { txn: 2, stands: Stands::Decided(Decision::Abort) }));
    assert_eq!(sent(&out).len(), 3);
    assert!(sent(&out).iter().all(|(_, m)| *m == TxnMsg::Abort { txn: 2 }));
    // All undecided and recovered, one pre-committed: commit; but not while one may still decide.
    let mut s = boot(&t, 0, Some(&TxnDurable::Coordinator(log.clone())));
    run(&t, 0, &mut s, msg(1, TxnMsg::Report { txn: 2, stands: undecided(true, false) }));
    run(&t, 0, &mut s, msg(2, TxnMsg::Report { txn: 2, stands: undecided(false, false) }));
    let wait = run(&t, 0, &mut s, msg(3, TxnMsg::Report { txn: 2, stands: undecided(false, true) }));
    assert!(sent(&wait).is_empty(), "participant 3 may still time out on its own");
    let out = run(&t, 0, &mut s, msg(3, TxnMsg::Report { txn: 2, stands: undecided(false, false) }));
    assert!(sent(&out).iter().all(|(_, m)| *m == TxnMsg::Commit { txn: 2 }));
    // None pre-committed: abort.
    let mut s = boot(&t, 0, Some(&TxnDurable::Coordinator(log)));
    for p in 1..=3 {
        run(&t, 0, &mut s, msg(p, TxnMsg::Report { txn: 2, stands: undecided(false, false) }));
    }
    let TxnState::Coordinator(c) = &s else { panic!() };
    assert_eq!(c.history.last(), Some(&(2, Decision::Abort)));
}

#[test]
fn the_checker_counts_blocked_time_on_the_true_clock() {
    let s = crate::scenario::url::decode("p=txn&n=4&seed=1&faults=crash:0@840ms").unwrap().scenario;
    let mut sim = s.txn_sim();
    sim.run_until(3 * SEC);
    let c = sim.checker_as::<TxnChecker>().unwrap();
    let blocked: Vec<Micros> = (1..4).map(|p| c.blocked(p, sim.now())).collect();
    // In doubt since txn 2's vote (about 0.83 s), blocked ever since: over 2.1 s each.
    assert!(blocked.iter().all(|&b| b > 2_100 * MS && b < 2_200 * MS), "{blocked:?}");
}

#[test]
fn the_checker_judges_a_late_decision_on_an_old_transaction() {
    use crate::cluster::Cluster;
    use crate::invariant::Checker;
    let (mut cluster, _) = Cluster::boot(Txn::new(TxnConfig { nodes: 3, ..TxnConfig::default() }));
    let mut checker = TxnChecker::default();
    // Both vote yes on txns 1..=10; both commit 2..=10; participant 1 commits txn 1.
    for p in 1..=2 {
        set_phases(&mut cluster, p, &(1..=10).map(|t| (t, Phase::Uncertain)).collect::<Vec<_>>());
        assert!(checker.check(&cluster, Some(p)).is_ok());
    }
    for p in 1..=2 {
        set_phases(&mut cluster, p, &(2..=10).map(|t| (t, Phase::Committed)).collect::<Vec<_>>());
        assert!(checker.check(&cluster, Some(p)).is_ok());
    }
    set_phases(&mut cluster, 1, &[(1, Phase::Committed)]);
    assert!(checker.check(&cluster, Some(1)).is_ok());
    // Participant 2, recovered, aborts txn 1 long after: nine newer transactions in between.
    set_phases(&mut cluster, 2, &[(1, Phase::Aborted)]);
    let broken = checker.check(&cluster, Some(2)).unwrap_err();
    assert_eq!(broken.invariant, invariants::ATOMICITY);
    assert!(broken.detail.english().starts_with("txn 1:"), "{}", broken.detail.english());
}

#[test]
fn the_3pc_decide_timeout_outlasts_a_long_vote_timeout() {
    let c = TxnConfig::default();
    assert_eq!(c.decide_after(), c.decide_timeout, "the default 1.5 s already covers 400 ms + 30 ms + 1 s");
    let slow = TxnConfig { vote_timeout: 5 * SEC, ..c };
    assert_eq!(slow.decide_after(), 5 * SEC + 30 * MS + SEC);
    // The run the page's helper found: a 5 s vote timeout and a slow (paused) voter no longer split.
    let s = crate::scenario::url::decode("p=txn&n=4&seed=1&mode=3pc&timeout=5s&faults=pause:2:2s@800ms")
        .unwrap()
        .scenario;
    let mut sim = s.txn_sim();
    sim.run_until(10 * SEC);
    assert!(sim.violation().is_none(), "{}", sim.violation().unwrap());
}

#[test]
fn a_coordinator_commit_beside_participants_that_aborted_alone_is_a_split() {
    // 3PC outside its timing model: the coordinator is paused through the participants' decide
    // timeout, they abort alone, and it wakes up to the yes votes and commits.
    let s =
        crate::scenario::url::decode("p=txn&n=4&seed=1&mode=3pc&faults=pause:0:2s@845ms").unwrap().scenario;
    let mut sim = s.txn_sim();
    sim.run_until(6 * SEC);
    let v = sim.violation().expect("the split is caught");
    assert_eq!(v.invariant, invariants::ATOMICITY);
    assert!(v.detail.english().contains("the coordinator committed"), "{}", v.detail.english());
    // The page sees the violating step as it was: nobody is left in doubt by the checker's books.
    let c = sim.checker_as::<TxnChecker>().unwrap();
    assert!((1..4).all(|p| c.in_doubt_since(p).is_none()));
}

#[test]
fn a_restarted_coordinator_retires_each_logged_commit_once_acknowledged() {
    // Regression: after a restart, Acks for commits restored from the log were dropped, so the
    // logged COMMIT was resent every `retry` for ever.
    let t = all_yes(TxnMode::TwoPhase);
    let log = CoordLog { next_txn: 6, commits: [5].into(), precommitted: Default::default() };
    let mut s = boot(&t, 0, Some(&TxnDurable::Coordinator(log)));
    let resend = run(&t, 0, &mut s, Event::Timer(TxnTimer::Resend));
    assert_eq!(sent(&resend), vec![(1, TxnMsg::Commit { txn: 5 }), (2, TxnMsg::Commit { txn: 5 })]);
    run(&t, 0, &mut s, msg(1, TxnMsg::Ack { txn: 5 }));
    let resend = run(&t, 0, &mut s, Event::Timer(TxnTimer::Resend));
    assert_eq!(sent(&resend), vec![(2, TxnMsg::Commit { txn: 5 })], "only the one still missing");
    let last = run(&t, 0, &mut s, msg(2, TxnMsg::Ack { txn: 5 }));
    let Some(TxnDurable::Coordinator(log)) = persisted(&last) else { panic!("{last:?}") };
    assert!(log.commits.is_empty(), "retired from the log");
    let resend = run(&t, 0, &mut s, Event::Timer(TxnTimer::Resend));
    assert!(sent(&resend).is_empty() && !resend.iter().any(|e| matches!(e, Effect::SetTimer { .. })));
}

#[test]
fn a_participant_never_reopens_or_redecides_a_transaction_it_forgot() {
    let t = all_yes(TxnMode::TwoPhase);
    let mut s = boot(&t, 1, None);
    // Decide 40 transactions: the oldest are forgotten, and the watermark is durable.
    let mut last = Vec::new();
    for txn in 1..=40 {
        run(&t, 1, &mut s, msg(0, TxnMsg::Prepare { txn }));
        run(&t, 1, &mut s, Event::Timer(TxnTimer::Flush(txn)));
        last = run(&t, 1, &mut s, msg(0, TxnMsg::Commit { txn }));
    }
    let Some(TxnDurable::Participant { txns, forgot }) = persisted(&last) else { panic!() };
    assert_eq!((txns.len(), forgot), (PARTICIPANT_MEMORY, 40 - PARTICIPANT_MEMORY as u64));
    let mut s = boot(&t, 1, persisted(&last).as_ref());
    // A late Abort or Prepare of a forgotten commit changes nothing; a late Commit is acknowledged.
    assert!(run(&t, 1, &mut s, msg(0, TxnMsg::Abort { txn: 3 })).is_empty());
    assert!(run(&t, 1, &mut s, msg(0, TxnMsg::Prepare { txn: 3 })).is_empty());
    let ack = run(&t, 1, &mut s, msg(0, TxnMsg::Commit { txn: 3 }));
    assert_eq!(sent(&ack), vec![(0, TxnMsg::Ack { txn: 3 })]);
    let TxnState::Participant(p) = &s else { panic!() };
    assert!(!p.txns.contains_key(&3), "still forgotten, not re-decided");
}

/// A 2PC run in which participant 3 voted yes on a transaction the coordinator committed and
/// crashed before the Commit reached it, then stayed down for `down` of simulated time.
fn down_with_an_unacknowledged_commit(down: Micros) -> crate::sim::Sim<Txn> {
    let s = crate::scenario::url::decode("p=txn&n=4&seed=3&no=0").unwrap().scenario;
    let mut sim = s.txn_sim();
    loop {
        sim.step().expect("the run goes on");
        let committed = match sim.cluster().state(COORDINATOR) {
            Some(TxnState::Coordinator(c)) => c.log.commits.clone(),
            _ => Default::default(),
        };
        let in_doubt = match sim.cluster().state(3) {
            Some(TxnState::Participant(p)) => {
                committed.iter().any(|t| p.txns.get(t) == Some(&Phase::Uncertain))
            }
            _ => false,
        };
        if in_doubt {
            break;
        }
    }
    let at = sim.inject(crate::sim::fault::Fault::Crash(3));
    sim.run_until(at + down);
    sim
}

#[test]
fn a_participant_down_for_hundreds_of_transactions_raises_no_false_alarm() {
    // Regression: the checker kept only the newest 256 transactions but re-judged the whole
    // commit log on every step; once the unacknowledged commit's record was evicted, its
    // recreated record had no yes votes: "commit without every yes vote", falsely.
    let sim = down_with_an_unacknowledged_commit(600 * SEC);
    assert!(sim.violation().is_none(), "{}", sim.violation().unwrap());
    let c = sim.checker_as::<TxnChecker>().unwrap();
    assert!(c.aborted > 300, "hundreds of transactions went by: {}", c.aborted);
    // The open commit and participant 3's undecided vote are kept; the settled rest are not.
    assert!(c.records_kept() < 2 * invariants::FIRST_SWEEP, "{} records kept", c.records_kept());
}

#[test]
fn the_checker_remembers_an_open_transaction_for_as_long_as_it_is_open() {
    use crate::cluster::Cluster;
    use crate::invariant::Checker;
    // Regression: the checker evicted all but the newest 256 transactions, so an old one that
    // split later went unjudged.
    let (mut cluster, _) = Cluster::boot(Txn::new(TxnConfig { nodes: 3, ..TxnConfig::default() }));
    let mut checker = TxnChecker::default();
    set_phases(&mut cluster, 1, &[(1, Phase::Uncertain)]);
    set_phases(&mut cluster, 2, &[(1, Phase::Uncertain)]);
    for p in 1..=2 {
        checker.check(&cluster, Some(p)).unwrap();
    }
    set_phases(&mut cluster, 1, &[(1, Phase::Committed)]);
    checker.check(&cluster, Some(1)).unwrap();
    // A thousand transactions later (decided everywhere, and closed at the coordinator),
    // participant 2 is still in doubt about txn 1...
    if let Some(TxnState::Coordinator(c)) = cluster.nodes[0].state.as_mut() {
        c.log.next_txn = 1_002;
    }
    for txn in 2..=1_001 {
        for p in 1..=2 {
            set_phases(&mut cluster, p, &[(txn, Phase::Aborted)]);
            checker.check(&cluster, Some(p)).unwrap();
        }
    }
    assert!(
        checker.records_kept() < 4 * invariants::FIRST_SWEEP,
        "settled ones go: {}",
        checker.records_kept()
    );
    // ...and then aborts it.
    set_phases(&mut cluster, 2, &[(1, Phase::Aborted)]);
    let broken = checker.check(&cluster, Some(2)).unwrap_err();
    assert_eq!(broken.invariant, invariants::ATOMICITY);
    assert!(broken.detail.english().starts_with("txn 1:"), "{}", broken.detail.english());
}

#[test]
fn the_coordinator_s_own_abort_counts_in_the_atomicity_check() {
    use crate::cluster::Cluster;
    use crate::invariant::Checker;
    let (mut cluster, _) = Cluster::boot(Txn::new(TxnConfig { nodes: 3, ..TxnConfig::default() }));
    let mut checker = TxnChecker::default();
    for p in 1..=2 {
        set_phases(&mut cluster, p, &[(1, Phase::Uncertain)]);
        checker.check(&cluster, Some(p)).unwrap();
    }
    if let Some(TxnState::Coordinator(c)) = cluster.nodes[0].state.as_mut() {
        c.history.push((1, Decision::Abort));
    }
    checker.check(&cluster, Some(COORDINATOR)).unwrap();
    set_phases(&mut cluster, 1, &[(1, Phase::Committed)]);
    let broken = checker.check(&cluster, Some(1)).unwrap_err();
    assert_eq!(broken.invariant, invariants::ATOMICITY);
    assert!(broken.detail.english().contains("the coordinator aborted"), "{}", broken.detail.english());
}
