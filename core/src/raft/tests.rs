//! Figure 2, rule by rule, by calling the pure handler directly.

use super::*;
use crate::protocol::Effect;

fn raft(nodes: usize) -> Raft {
    Raft::new(RaftConfig { nodes, ..RaftConfig::default() })
}

fn boot(r: &Raft, id: NodeId) -> RaftState {
    r.init(id, None, &mut Effects::default())
}

fn step(r: &Raft, id: NodeId, s: &mut RaftState, ev: Event<Raft>) -> Vec<Effect<Raft>> {
    let mut out = Effects::default();
    r.handle(id, 0, s, ev, &mut out);
    out.0
}

fn msg(from: NodeId, msg: Msg) -> Event<Raft> {
    Event::Msg { from, msg }
}

fn sent(effects: &[Effect<Raft>]) -> Vec<(NodeId, Msg)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { to, msg } => Some((*to, msg.clone())),
            _ => None,
        })
        .collect()
}

fn entry(term: Term) -> Entry {
    Entry { term, cmd: Command::Noop }
}

fn with_log(r: &Raft, id: NodeId, term: Term, terms: &[Term]) -> RaftState {
    let mut s = boot(r, id);
    s.term = term;
    for &t in terms {
        s.log.append(entry(t));
    }
    s
}

#[test]
fn election_timeout_starts_a_campaign_and_persists_before_asking() {
    let r = raft(3);
    let mut s = boot(&r, 0);
    let fx = step(&r, 0, &mut s, Event::Timer(Timer::Election));
    assert_eq!((s.term, s.voted_for, s.role.name()), (1, Some(0), "candidate"));
    assert!(matches!(fx[0], Effect::Persist(RaftWrite { term: 1, voted_for: Some(0), .. })), "{fx:?}");
    let asks: Vec<_> = sent(&fx).into_iter().map(|(to, _)| to).collect();
    assert_eq!(asks, vec![1, 2]);
}

#[test]
fn a_vote_is_granted_once_per_term() {
    let r = raft(3);
    let mut s = boot(&r, 0);
    let ask = |term| Msg::RequestVote { term, last_index: 0, last_term: 0 };
    let fx = step(&r, 0, &mut s, msg(1, ask(1)));
    assert_eq!(sent(&fx), vec![(1, Msg::Vote { term: 1, granted: true })]);
    let fx = step(&r, 0, &mut s, msg(2, ask(1)));
    assert_eq!(sent(&fx), vec![(2, Msg::Vote { term: 1, granted: false })]);
    let fx = step(&r, 0, &mut s, msg(1, ask(1)));
    assert_eq!(sent(&fx), vec![(1, Msg::Vote { term: 1, granted: true })], "a retry from the same candidate");
    let fx = step(&r, 0, &mut s, msg(2, ask(2)));
    assert_eq!(sent(&fx), vec![(2, Msg::Vote { term: 2, granted: true })], "a new term frees the vote");
}

#[test]
fn votes_go_only_to_up_to_date_candidates_unless_the_bug_skips_the_check() {
    for bug in [false, true] {
        let bugs = Bugs { vote_without_log_check: bug, ..Bugs::default() };
        let r = Raft::new(RaftConfig { nodes: 3, bugs, ..RaftConfig::default() });
        let mut s = with_log(&r, 0, 3, &[1, 3]);
        let stale = Msg::RequestVote { term: 4, last_index: 5, last_term: 2 };
        let fx = step(&r, 0, &mut s, msg(1, stale));
        assert_eq!(sent(&fx), vec![(1, Msg::Vote { term: 4, granted: bug })]);
        assert_eq!(s.term, 4, "the higher term is adopted even when the vote is refused");
    }
}

#[test]
fn a_majority_of_votes_makes_a_leader_that_announces_itself() {
    let r = raft(5);
    let mut s = boot(&r, 0);
    step(&r, 0, &mut s, Event::Timer(Timer::Election));
    step(&r, 0, &mut s, msg(1, Msg::Vote { term: 1, granted: true }));
    step(&r, 0, &mut s, msg(2, Msg::Vote { term: 1, granted: false }));
    assert!(!s.is_leader());
    let fx = step(&r, 0, &mut s, msg(3, Msg::Vote { term: 1, granted: true }));
    assert!(s.is_leader());
    let appends = sent(&fx).into_iter().filter(|(_, m)| matches!(m, Msg::Append { .. })).count();
    assert_eq!(appends, 4);
}

#[test]
fn append_entries_checks_consistency_and_truncates_conflicts() {
    let r = raft(3);
    let mut s = with_log(&r, 1, 2, &[1, 1, 2]);
    // Mismatch at prev (index 3 has term 2, not 3): refuse, hint the first index of term 2.
    let fx = step(
        &r,
        1,
        &mut s,
        msg(0, Msg::Append { term: 3, prev_index: 3, prev_term: 3, entries: vec![], commit: 0 }),
    );
    assert_eq!(sent(&fx), vec![(0, Msg::AppendReply { term: 3, success: false, index: 3 })]);
    // Match at 2, conflicting entry at 3 is replaced.
    let fx = step(
        &r,
        1,
        &mut s,
        msg(0, Msg::Append { term: 3, prev_index: 2, prev_term: 1, entries: vec![entry(3)], commit: 3 }),
    );
    assert_eq!(sent(&fx).last(), Some(&(0, Msg::AppendReply { term: 3, success: true, index: 3 })));
    assert_eq!(s.log.entries().iter().map(|e| e.term).collect::<Vec<_>>(), vec![1, 1, 3]);
    assert_eq!(s.commit, 3);
    assert!(matches!(fx[0], Effect::Persist(_)), "the new entry is durable before the reply");
}

#[test]
fn follower_commit_is_capped_by_the_last_new_entry() {
    let r = raft(3);
    let mut s = with_log(&r, 1, 1, &[1, 1, 1]);
    step(
        &r,
        1,
        &mut s,
        msg(0, Msg::Append { term: 1, prev_index: 1, prev_term: 1, entries: vec![], commit: 3 }),
    );
    assert_eq!(s.commit, 1, "entries after prev_index may be stale, so they are not committed");
}

#[test]
fn stale_terms_are_refused() {
    let r = raft(3);
    let mut s = with_log(&r, 1, 5, &[1]);
    let fx = step(
        &r,
        1,
        &mut s,
        msg(0, Msg::Append { term: 4, prev_index: 0, prev_term: 0, entries: vec![entry(4)], commit: 1 }),
    );
    assert_eq!(sent(&fx), vec![(0, Msg::AppendReply { term: 5, success: false, index: 0 })]);
    assert_eq!(s.log.last_index(), 1);
}

/// Figure 8: a leader must not commit an entry of an earlier term by counting replicas.
#[test]
fn leader_commits_only_entries_of_its_own_term() {
    for (bug, expected_commit) in [(false, 0), (true, 2)] {
        let r = Raft::new(RaftConfig {
            nodes: 3,
            bugs: Bugs { commit_old_terms: bug, ..Bugs::default() },
            ..RaftConfig::default()
        });
        let mut s = with_log(&r, 0, 3, &[1, 2]);
        step(&r, 0, &mut s, Event::Timer(Timer::Election));
        step(&r, 0, &mut s, msg(1, Msg::Vote { term: 4, granted: true }));
        assert!(s.is_leader());
        step(&r, 0, &mut s, msg(1, Msg::AppendReply { term: 4, success: true, index: 2 }));
        assert_eq!(s.commit, expected_commit, "commit_old_terms = {bug}");
    }
}

#[test]
fn followers_redirect_clients_to_the_leader() {
    let r = raft(3);
    let mut s = boot(&r, 1);
    step(
        &r,
        1,
        &mut s,
        msg(2, Msg::Append { term: 1, prev_index: 0, prev_term: 0, entries: vec![], commit: 0 }),
    );
    let fx = step(&r, 1, &mut s, Event::Input(Input::Put { req: 7, key: 1, value: 2 }));
    assert!(fx.contains(&Effect::Output(Output::Redirect { req: 7, leader: Some(2) })), "{fx:?}");
}

#[test]
fn restart_restores_term_vote_and_log_unless_the_bug_forgets_the_vote() {
    let durable = RaftDurable {
        term: 4,
        voted_for: Some(2),
        log: with_log(&raft(3), 0, 4, &[1, 4]).log,
        ..RaftDurable::default()
    };
    let s = raft(3).init(0, Some(&durable), &mut Effects::default());
    assert_eq!((s.term, s.voted_for, s.log.last_index(), s.commit), (4, Some(2), 2, 0));
    let buggy = Raft::new(RaftConfig {
        nodes: 3,
        bugs: Bugs { forget_vote: true, ..Bugs::default() },
        ..RaftConfig::default()
    });
    assert_eq!(buggy.init(0, Some(&durable), &mut Effects::default()).voted_for, None);
}

#[test]
fn a_single_node_cluster_commits_alone() {
    let r = raft(1);
    let mut s = boot(&r, 0);
    step(&r, 0, &mut s, Event::Timer(Timer::Election));
    assert!(s.is_leader());
    let fx = step(&r, 0, &mut s, Event::Input(Input::Put { req: 1, key: 3, value: 9 }));
    assert!(fx.contains(&Effect::Output(Output::Committed { req: 1, index: 1 })), "{fx:?}");
    assert_eq!(s.kv.get(&3), Some(&9));
}

fn resets_election(fx: &[Effect<Raft>]) -> bool {
    fx.iter().any(|e| matches!(e, Effect::SetTimer { timer: Timer::Election, .. }))
}

#[test]
fn only_figure_2_events_reset_the_election_timer() {
    // Regression: any higher-term message used to reset it, a refused RequestVote included, so a
    // stale candidate asking again and again could hold off an up-to-date node's election.
    let r = raft(3);
    let mut s = with_log(&r, 0, 3, &[1, 3]);
    let stale = Msg::RequestVote { term: 4, last_index: 1, last_term: 1 };
    let fx = step(&r, 0, &mut s, msg(1, stale));
    assert_eq!(sent(&fx), vec![(1, Msg::Vote { term: 4, granted: false })]);
    assert_eq!(s.term, 4, "the term is still adopted");
    assert!(!resets_election(&fx), "a refused vote leaves the timer alone: {fx:?}");

    let fresh = Msg::RequestVote { term: 5, last_index: 2, last_term: 3 };
    assert!(resets_election(&step(&r, 0, &mut s, msg(2, fresh))), "a granted vote resets it");
    let append = Msg::Append { term: 6, prev_index: 0, prev_term: 0, entries: vec![], commit: 0 };
    assert!(resets_election(&step(&r, 0, &mut s, msg(1, append.clone()))), "the leader's AppendEntries");
    assert!(resets_election(&step(&r, 0, &mut s, msg(1, append))), "and again, from the same leader");
    assert!(resets_election(&step(&r, 0, &mut s, Event::Timer(Timer::Election))), "starting an election");

    // etcd's behaviour, as a named option.
    let etcd = Raft::new(RaftConfig { nodes: 3, reset_on_higher_term: true, ..RaftConfig::default() });
    let mut s = with_log(&etcd, 0, 3, &[1, 3]);
    assert!(resets_election(&step(
        &etcd,
        0,
        &mut s,
        msg(1, Msg::RequestVote { term: 4, last_index: 1, last_term: 1 })
    )));
}

#[test]
fn a_leader_that_steps_down_gets_an_election_timer_back() {
    let r = raft(3);
    let mut s = boot(&r, 0);
    step(&r, 0, &mut s, Event::Timer(Timer::Election));
    step(&r, 0, &mut s, msg(1, Msg::Vote { term: 1, granted: true }));
    assert!(s.is_leader());
    let fx = step(&r, 0, &mut s, msg(2, Msg::RequestVote { term: 2, last_index: 0, last_term: 0 }));
    assert!(!s.is_leader());
    assert!(resets_election(&fx), "without one it would never stand again: {fx:?}");
}

#[test]
fn the_checker_compares_each_node_s_applied_state_with_the_committed_log() {
    use crate::invariant::Checker;
    use crate::sim::{Sim, SimConfig};
    let mut sim = Sim::new(raft(3), SimConfig { write_rate: 50, ..SimConfig::default() });
    sim.run_until(2_000_000);
    let mut cluster = sim.cluster().clone();
    let id = (0..3).find(|&i| cluster.state(i).is_some_and(|s| s.applied > 5)).expect("something applied");
    assert!(RaftChecker::default().check(&cluster, Some(id)).is_ok());
    // A write applied twice, out of order, or never: the map differs from the log's.
    let s = cluster.nodes[id as usize].state.as_mut().unwrap();
    let key = *s.kv.keys().next().unwrap();
    *s.kv.get_mut(&key).unwrap() += 1;
    let broken = RaftChecker::default().check(&cluster, Some(id)).unwrap_err();
    assert_eq!(broken.invariant, invariants::APPLIED_STATE);
}

fn put(req: u64) -> Entry {
    Entry { term: 1, cmd: Command::Put { req, key: (req % 3) as u8, value: req as u32 } }
}

/// A follower of term 1 holding `n` Puts, none committed.
fn follower_with_puts(r: &Raft, n: u64) -> RaftState {
    let mut s = boot(r, 1);
    let entries: Vec<Entry> = (1..=n).map(put).collect();
    step(r, 1, &mut s, msg(0, Msg::Append { term: 1, prev_index: 0, prev_term: 0, entries, commit: 0 }));
    s
}

fn snapshot_of(index: Index, term: Term, kv: &[(u8, u32)]) -> Snapshot {
    Snapshot { index, term, kv: kv.iter().copied().collect() }
}

#[test]
fn a_node_snapshots_every_n_applied_entries_at_its_next_step_and_storage_follows() {
    let r = Raft::new(RaftConfig { nodes: 3, snapshot_every: 4, ..RaftConfig::default() });
    let mut durable = None;
    let mut boot_fx = Effects::default();
    let mut s = r.init(1, None, &mut boot_fx);
    let entries: Vec<Entry> = (1..=6).map(put).collect();
    let fx =
        step(&r, 1, &mut s, msg(0, Msg::Append { term: 1, prev_index: 0, prev_term: 0, entries, commit: 0 }));
    for e in boot_fx.0.iter().chain(&fx) {
        if let Effect::Persist(w) = e {
            r.store(&mut durable, w);
        }
    }
    let heartbeat =
        |commit| msg(0, Msg::Append { term: 1, prev_index: 6, prev_term: 1, entries: vec![], commit });
    let fx = step(&r, 1, &mut s, heartbeat(5));
    assert_eq!((s.applied, s.snapshot.index, s.log.offset()), (5, 0, 0), "not in the step that applied");
    for e in &fx {
        if let Effect::Persist(w) = e {
            r.store(&mut durable, w);
        }
    }
    let fx = step(&r, 1, &mut s, heartbeat(5));
    assert_eq!((s.snapshot.index, s.snapshot.term, s.log.offset(), s.log.last_index()), (5, 1, 5, 6));
    assert_eq!(s.snapshot.kv, s.kv);
    assert_eq!(s.log.entries(), &[put(6)]);
    let Some(Effect::Persist(w)) = fx.first() else { panic!("the snapshot is persisted first: {fx:?}") };
    assert_eq!(w.snapshot.as_ref().map(|x| x.index), Some(5));
    assert!(w.entries.as_ref().is_none_or(|(_, e)| e.len() <= 1), "a delta, not the log: {w:?}");
    r.store(&mut durable, w);
    let d = durable.unwrap();
    assert_eq!((d.snapshot.clone(), d.log.clone()), (s.snapshot.clone(), s.log.clone()));
    // A restart starts from the snapshot, everything through it committed and applied.
    let back = r.init(1, Some(&d), &mut Effects::default());
    assert_eq!((back.commit, back.applied, back.log.last_index()), (5, 5, 6));
    assert_eq!(back.kv, s.snapshot.kv);
}

#[test]
fn install_snapshot_keeps_what_follows_a_matching_entry_and_discards_a_conflicting_log() {
    let r = raft(3);
    // Matching last entry (5, term 1): entry 6 stays.
    let mut s = follower_with_puts(&r, 6);
    let snap = snapshot_of(5, 1, &[(1, 4), (2, 5)]);
    let fx = step(&r, 1, &mut s, msg(0, Msg::InstallSnapshot { term: 1, snapshot: snap.clone() }));
    assert_eq!((s.log.offset(), s.log.last_index(), s.commit, s.applied), (5, 6, 5, 5));
    assert_eq!(s.kv, snap.kv, "the state machine is loaded from the snapshot");
    assert_eq!(sent(&fx), vec![(0, Msg::AppendReply { term: 1, success: true, index: 5 })]);
    // A different term at index 5: the log is discarded.
    let mut s = follower_with_puts(&r, 6);
    step(&r, 1, &mut s, msg(0, Msg::InstallSnapshot { term: 2, snapshot: snapshot_of(5, 2, &[]) }));
    assert_eq!((s.log.offset(), s.log.last_index(), s.log.last_term()), (5, 5, 2));
}

#[test]
fn a_late_snapshot_is_ignored_unless_the_bug_installs_it_and_winds_the_state_back() {
    let r = raft(3);
    let mut s = follower_with_puts(&r, 6);
    step(
        &r,
        1,
        &mut s,
        msg(0, Msg::Append { term: 1, prev_index: 6, prev_term: 1, entries: vec![], commit: 6 }),
    );
    let late = Msg::InstallSnapshot { term: 1, snapshot: snapshot_of(4, 1, &[(1, 4)]) };
    let before = (s.log.clone(), s.commit, s.applied, s.kv.clone());
    let fx = step(&r, 1, &mut s, msg(0, late.clone()));
    assert_eq!((s.log.clone(), s.commit, s.applied, s.kv.clone()), before);
    assert_eq!(sent(&fx), vec![(0, Msg::AppendReply { term: 1, success: true, index: 4 })]);
    let bug = Raft::new(RaftConfig {
        nodes: 3,
        bugs: Bugs { discard_log: true, ..Bugs::default() },
        ..RaftConfig::default()
    });
    let mut s = follower_with_puts(&bug, 6);
    step(
        &bug,
        1,
        &mut s,
        msg(0, Msg::Append { term: 1, prev_index: 6, prev_term: 1, entries: vec![], commit: 6 }),
    );
    step(&bug, 1, &mut s, msg(0, late));
    assert_eq!((s.log.last_index(), s.applied), (4, 4), "the bug throws away entries 5 and 6");
}

/// Node 0 of 3, leader of term 1 with entries 1..=3 (key 0), snapshotting every 2 entries.
fn leader_with_three_puts() -> (Raft, RaftState) {
    let r = Raft::new(RaftConfig { nodes: 3, snapshot_every: 2, ..RaftConfig::default() });
    let mut s = boot(&r, 0);
    step(&r, 0, &mut s, Event::Timer(Timer::Election));
    step(&r, 0, &mut s, msg(1, Msg::Vote { term: 1, granted: true }));
    for req in 0..3 {
        step(&r, 0, &mut s, Event::Input(Input::Put { req, key: 0, value: req as u32 }));
    }
    (r, s)
}

#[test]
fn a_leader_compacts_only_what_every_follower_holds() {
    let (r, mut s) = leader_with_three_puts();
    step(&r, 0, &mut s, msg(1, Msg::AppendReply { term: 1, success: true, index: 3 }));
    step(&r, 0, &mut s, msg(2, Msg::AppendReply { term: 1, success: true, index: 2 }));
    assert_eq!((s.pending.as_ref().map(|p| p.index), s.log.offset()), (Some(3), 0), "node 2 lacks 3");
    step(&r, 0, &mut s, msg(2, Msg::AppendReply { term: 1, success: true, index: 3 }));
    step(&r, 0, &mut s, msg(1, Msg::AppendReply { term: 1, success: true, index: 3 }));
    assert_eq!((s.pending.as_ref(), s.snapshot.index, s.log.offset()), (None, 3, 3));
}

#[test]
fn a_leader_sends_its_snapshot_when_it_no_longer_holds_what_a_follower_needs() {
    let (r, mut s) = leader_with_three_puts();
    step(&r, 0, &mut s, msg(1, Msg::AppendReply { term: 1, success: true, index: 3 }));
    assert_eq!(s.commit, 3);
    // The next step snapshots through 3 but keeps the log: node 2 has matched nothing yet.
    step(&r, 0, &mut s, msg(1, Msg::AppendReply { term: 1, success: true, index: 3 }));
    assert_eq!((s.pending.as_ref().map(|p| p.index), s.log.offset()), (Some(3), 0));
    for req in 3..5 {
        step(&r, 0, &mut s, Event::Input(Input::Put { req, key: 1, value: req as u32 }));
    }
    step(&r, 0, &mut s, msg(1, Msg::AppendReply { term: 1, success: true, index: 5 }));
    assert_eq!(s.applied, 5);
    // Another interval applied: the next step compacts through 3 regardless; node 2 then asks
    // for index 1, which is gone.
    let fx = step(&r, 0, &mut s, msg(2, Msg::AppendReply { term: 1, success: false, index: 1 }));
    assert_eq!(s.log.offset(), 3);
    let snapshot = snapshot_of(3, 1, &[(0, 2)]);
    assert_eq!(sent(&fx), vec![(2, Msg::InstallSnapshot { term: 1, snapshot })]);
}
