use super::*;
use crate::paxos::invariants::PaxosChecker;
use crate::paxos::{Mode, Paxos, PaxosConfig};
use crate::raft::invariants::RaftChecker;
use crate::raft::{Raft, RaftConfig};
use crate::txn::invariants::TxnChecker;
use crate::txn::{Txn, TxnConfig};

fn single_paxos(proposers: usize, nodes: usize) -> Paxos {
    Paxos::new(PaxosConfig { nodes, proposers, mode: Mode::Single, ..PaxosConfig::default() })
}

fn run_to_end<P: Explore>(mut s: Search<P>) -> (Verdict, Stats) {
    while *s.run(10_000) == Verdict::Running {}
    (s.verdict().clone(), s.stats())
}

fn raft(bug: Option<&str>) -> Raft {
    let mut c = RaftConfig { nodes: 3, ..RaftConfig::default() };
    if let Some(bug) = bug {
        *c.bugs.flag_mut(bug).expect("a Raft bug switch") = true;
    }
    Raft::new(c)
}

fn txn(bug: Option<&str>) -> Txn {
    let mut c = TxnConfig { nodes: 4, ..TxnConfig::default() };
    if let Some(bug) = bug {
        *c.bugs.flag_mut(bug).expect("a commit bug switch") = true;
    }
    Txn::new(c)
}

/// Regression pins, as Stateright's examples keep theirs: a change to a protocol, to the steps
/// or to the fingerprint that changes what the search sees moves one of these.
#[test]
fn state_counts_of_small_configurations_are_pinned() {
    let b = Bounds { depth: 10, timeouts: 2, ..Bounds::default() };
    let (v, st) =
        run_to_end(Search::boot(single_paxos(2, 3), PaxosChecker::default(), b, Order::BreadthFirst));
    assert_eq!(
        (v, st.unique, st.transitions),
        (Verdict::Done, 28_977, 80_329),
        "single-decree Paxos, 2 proposers, 3 acceptors"
    );

    // Two-phase commit with three participants is finite: the whole space lies within 12 steps.
    let b = Bounds { depth: 30, timeouts: 2, ..Bounds::default() };
    let (v, st) = run_to_end(Search::boot(txn(None), TxnChecker::default(), b, Order::BreadthFirst));
    assert_eq!((v, st.unique, st.depth, st.at_bound), (Verdict::Done, 743, 12, 0), "2PC, 3 participants");

    let b = Bounds { depth: 8, timeouts: 2, inputs: 1, ..Bounds::default() };
    let (v, st) = run_to_end(Search::boot(raft(None), RaftChecker::default(), b, Order::BreadthFirst));
    assert_eq!((v, st.unique, st.transitions), (Verdict::Done, 13_847, 36_516), "Raft, 3 nodes, depth 8");
}

/// The bug switches the search finds, each with the bounds it needs and the length of the
/// shortest counterexample; the same bounds without the bug find nothing.
#[test]
fn bug_switches_are_found_with_shortest_counterexamples_that_replay() {
    let cases: [(&str, Bounds, usize, &str, u64); 2] = [
        (
            "forget",
            Bounds { depth: 8, timeouts: 3, crashes: 1, ..Bounds::default() },
            8,
            crate::raft::invariants::ELECTION_SAFETY,
            38_873,
        ),
        (
            "vote",
            Bounds { depth: 9, timeouts: 3, inputs: 1, crashes: 1, ..Bounds::default() },
            9,
            crate::raft::invariants::LEADER_COMPLETENESS,
            195_664,
        ),
    ];
    for (bug, bounds, len, invariant, states) in cases {
        let s = Search::boot(raft(Some(bug)), RaftChecker::default(), bounds, Order::BreadthFirst);
        let start = s.start().clone();
        let (v, st) = run_to_end(s);
        let Verdict::Violated { path, broken } = v else { panic!("raft {bug}: {v:?}") };
        assert_eq!((path.len(), broken.invariant), (len, invariant), "raft {bug}: {path:?}");
        assert_eq!(st.unique, states, "raft {bug}: states searched (README's table)");
        let (states, replayed) = replay(&start, &path);
        assert_eq!(
            replayed.map(|b| b.invariant),
            Some(invariant),
            "raft {bug}: the path replays to the violation"
        );
        assert_eq!(states.len(), len + 1);
    }
    let bounds = Bounds { depth: 8, timeouts: 3, crashes: 1, ..Bounds::default() };
    let (v, _) = run_to_end(Search::boot(raft(None), RaftChecker::default(), bounds, Order::BreadthFirst));
    assert_eq!(v, Verdict::Done, "correct Raft within the bounds that break forget");

    let bounds = Bounds { depth: 12, timeouts: 3, ..Bounds::default() };
    let s = Search::boot(txn(Some("committimeout")), TxnChecker::default(), bounds, Order::BreadthFirst);
    let start = s.start().clone();
    let (v, st) = run_to_end(s);
    let Verdict::Violated { path, broken } = v else { panic!("committimeout: {v:?}") };
    assert_eq!((path.len(), broken.invariant, st.unique), (3, crate::txn::invariants::VALIDITY, 16));
    assert!(replay(&start, &path).1.is_some());
    let (v, _) = run_to_end(Search::boot(txn(None), TxnChecker::default(), bounds, Order::BreadthFirst));
    assert_eq!(v, Verdict::Done, "correct 2PC within the same bounds");
}

#[test]
fn depth_first_finds_a_bug_too_and_slices_do_not_change_a_search() {
    let bounds = Bounds { depth: 12, timeouts: 3, crashes: 1, ..Bounds::default() };
    let (v, _) =
        run_to_end(Search::boot(raft(Some("forget")), RaftChecker::default(), bounds, Order::DepthFirst));
    assert!(
        matches!(&v, Verdict::Violated { broken, .. } if broken.invariant == crate::raft::invariants::ELECTION_SAFETY),
        "{v:?}"
    );

    let b = Bounds { depth: 8, timeouts: 2, ..Bounds::default() };
    let mut sliced = Search::boot(single_paxos(2, 3), PaxosChecker::default(), b, Order::BreadthFirst);
    while *sliced.run(7) == Verdict::Running {}
    let whole = run_to_end(Search::boot(single_paxos(2, 3), PaxosChecker::default(), b, Order::BreadthFirst));
    assert_eq!((sliced.verdict().clone(), sliced.stats()), whole);
}

#[test]
fn the_order_of_messages_in_flight_is_not_part_of_a_state() {
    let s = Search::boot(single_paxos(1, 3), PaxosChecker::default(), Bounds::default(), Order::BreadthFirst);
    let mut w = s.start().clone();
    w.take(Step::Fire(0, 0)).expect("the proposer starts");
    assert!(w.net.len() >= 2, "{:?}", w.net);
    let before = w.fingerprint();
    w.net.swap(0, 1);
    assert_eq!(w.fingerprint(), before);
    w.net.pop();
    assert_ne!(w.fingerprint(), before, "a message more or less is another state");
}

#[test]
fn the_state_limit_stops_a_search() {
    let b = Bounds { depth: 30, timeouts: 3, max_states: 1_000, ..Bounds::default() };
    let (v, st) =
        run_to_end(Search::boot(single_paxos(2, 3), PaxosChecker::default(), b, Order::BreadthFirst));
    assert_eq!((v, st.unique), (Verdict::Limit, 1_000));
}

#[test]
fn a_paxos_state_is_the_same_state_whatever_its_last_step_noted() {
    let s = Search::boot(single_paxos(1, 3), PaxosChecker::default(), Bounds::default(), Order::BreadthFirst);
    let mut w = s.start().clone();
    w.take(Step::Fire(0, 0)).expect("the proposer starts");
    let before = w.fingerprint();
    let node = w.cluster.nodes[1].state.as_mut().expect("node 1 is up");
    node.accepted_now = Some(0);
    node.learned_now.push(0);
    assert_eq!(w.fingerprint(), before, "notes about the step just taken are not the state");
    w.cluster.nodes[1].state.as_mut().expect("up").promised = crate::paxos::Ballot { round: 9, node: 0 };
    assert_ne!(w.fingerprint(), before, "a promise is");
}

/// Ordered inboxes with one delay and the partial-order reduction: the bounds under which the
/// search reaches Paxos's three bugs and Raft's Figure 8.
fn reduced(depth: u32, timeouts: u8, crashes: u8, inputs: u8, delays: u8) -> Bounds {
    Bounds {
        depth,
        timeouts,
        crashes,
        inputs,
        delays,
        fifo: Fifo::Inbox,
        por: true,
        leader_inputs: true,
        max_states: 2_000_000,
        ..Bounds::default()
    }
}

/// Runs the buggy and the correct protocol under the same bounds: the first must break
/// `invariant` with a counterexample of `len` steps that replays and shrinks to `shrunk` steps
/// that replay too, the second must pass.
fn found_and_clean<P: Explore>(
    buggy: Search<P>,
    correct: Search<P>,
    (len, shrunk): (usize, usize),
    invariant: &str,
) -> (u64, u64) {
    let start = buggy.start().clone();
    let (v, st) = run_to_end(buggy);
    let Verdict::Violated { path, broken } = v else { panic!("{v:?}") };
    assert_eq!((path.len(), broken.invariant), (len, invariant), "{path:?}");
    let (states, replayed) = replay(&start, &path);
    assert_eq!(replayed.map(|b| b.invariant), Some(invariant), "the path replays to the violation");
    assert_eq!(states.len(), len + 1);
    let short = shrink(&start, &path);
    assert_eq!(short.len(), shrunk, "{short:?}");
    assert_eq!(replay(&start, &short).1.map(|b| b.invariant), Some(invariant), "the shrunk path replays");
    let (v, clean) = run_to_end(correct);
    assert_eq!(v, Verdict::Done, "the correct protocol within the same bounds");
    (st.unique, clean.unique)
}

fn paxos_bug(bug: Option<&str>) -> Paxos {
    let mut p = single_paxos(2, 3);
    if let Some(bug) = bug {
        *p.config.bugs.flag_mut(bug).expect("a Paxos bug switch") = true;
    }
    p
}

#[test]
fn reduction_reaches_paxos_bugs_that_the_full_search_does_not() {
    // Bug, bounds, (found, shrunk) lengths, (buggy, correct) unique states.
    type Case = (&'static str, Bounds, (usize, usize), (u64, u64));
    let cases: [Case; 3] = [
        ("ignore", reduced(40, 2, 0, 0, 1), (25, 14), (5_513, 8_325)),
        ("acceptany", reduced(40, 2, 0, 0, 1), (18, 14), (3_007, 8_325)),
        ("forget", reduced(40, 2, 1, 0, 1), (28, 16), (213_539, 330_466)),
    ];
    for (bug, b, len, counts) in cases {
        let search = |p| Search::boot(p, PaxosChecker::default(), b, Order::BreadthFirst);
        let found = found_and_clean(
            search(paxos_bug(Some(bug))),
            search(paxos_bug(None)),
            len,
            crate::paxos::invariants::ONE_VALUE,
        );
        assert_eq!(found, counts, "paxos {bug}: unique states, buggy and correct");
    }
}

/// About 2.4 million states in all (some 15 s on one core): the slowest core test, kept in the
/// default run because it is the evidence that the search reaches Figure 8.
#[test]
fn reduction_reaches_raft_figure_8() {
    let b = reduced(37, 4, 0, 2, 0);
    let search = |r| Search::boot(r, RaftChecker::default(), b, Order::BreadthFirst);
    let found = found_and_clean(
        search(raft(Some("fig8"))),
        search(raft(None)),
        (37, 20),
        crate::raft::invariants::LEADER_COMPLETENESS,
    );
    assert_eq!(found, (1_248_841, 1_177_627), "unique states, buggy and correct");
}

/// Ordered links alone (Stateright's ordered network, no overtaking): shortest counterexamples
/// in that model, without the reduction.
#[test]
fn ordered_links_find_paxos_ignore_with_a_shortest_counterexample() {
    let b = Bounds { depth: 15, timeouts: 2, fifo: Fifo::Link, max_states: 2_000_000, ..Bounds::default() };
    let search = |p| Search::boot(p, PaxosChecker::default(), b, Order::BreadthFirst);
    let found = found_and_clean(
        search(paxos_bug(Some("ignore"))),
        search(paxos_bug(None)),
        (15, 14),
        crate::paxos::invariants::ONE_VALUE,
    );
    assert_eq!(found, (122_329, 183_001), "unique states, buggy and correct");
}
