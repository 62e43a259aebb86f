//! Paxos rules, by calling the pure handler directly.

use super::*;

fn paxos(mode: Mode, bugs: PaxosBugs) -> Paxos {
    Paxos::new(PaxosConfig { nodes: 3, proposers: 2, mode, bugs, ..PaxosConfig::default() })
}

fn boot(p: &Paxos, id: NodeId) -> PaxosState {
    p.init(id, None, &mut Effects::default())
}

fn step(p: &Paxos, id: NodeId, s: &mut PaxosState, ev: Event<Paxos>) -> Vec<Effect<Paxos>> {
    let mut out = Effects::default();
    p.handle(id, 0, s, ev, &mut out);
    out.0
}

fn msg(from: NodeId, msg: Msg) -> Event<Paxos> {
    Event::Msg { from, msg }
}

fn sent(fx: &[Effect<Paxos>]) -> Vec<(NodeId, Msg)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Send { to, msg } => Some((*to, msg.clone())),
            _ => None,
        })
        .collect()
}

fn b(round: u64, node: NodeId) -> Ballot {
    Ballot { round, node }
}

#[test]
fn ballots_order_by_round_then_node() {
    assert!(b(1, 2) < b(2, 0));
    assert!(b(2, 0) < b(2, 1));
}

#[test]
fn an_acceptor_promises_higher_ballots_reports_accepted_values_and_refuses_lower_ones() {
    let p = paxos(Mode::Single, PaxosBugs::default());
    let mut s = boot(&p, 2);
    s.accepted.insert(0, (b(1, 0), Value::Own(0)));
    let fx = step(&p, 2, &mut s, msg(1, Msg::Prepare { ballot: b(3, 1), from: 0 }));
    assert!(
        matches!(fx[0], Effect::Persist(PaxosWrite { promised, .. }) if promised == b(3, 1)),
        "durable first"
    );
    assert_eq!(
        sent(&fx),
        vec![(
            1,
            Msg::Promise {
                ballot: b(3, 1),
                accepted: vec![(0, b(1, 0), Value::Own(0))],
                decided: vec![],
                snapshot: None
            }
        )]
    );
    let fx = step(&p, 2, &mut s, msg(0, Msg::Prepare { ballot: b(2, 0), from: 0 }));
    assert_eq!(sent(&fx), vec![(0, Msg::Nack { ballot: b(2, 0), promised: b(3, 1) })]);
    let fx = step(&p, 2, &mut s, msg(0, Msg::Accept { ballot: b(2, 0), slot: 0, value: Value::Own(0) }));
    assert_eq!(sent(&fx), vec![(0, Msg::Nack { ballot: b(2, 0), promised: b(3, 1) })]);
    assert_eq!(s.accepted[&0].0, b(1, 0), "nothing accepted below the promise");
}

#[test]
fn a_higher_prepare_tells_the_previous_proposer_it_was_pre_empted() {
    let p = paxos(Mode::Single, PaxosBugs::default());
    let mut s = boot(&p, 2);
    step(&p, 2, &mut s, msg(0, Msg::Prepare { ballot: b(1, 0), from: 0 }));
    let fx = step(&p, 2, &mut s, msg(1, Msg::Prepare { ballot: b(1, 1), from: 0 }));
    assert!(sent(&fx).contains(&(0, Msg::Nack { ballot: b(1, 0), promised: b(1, 1) })), "{fx:?}");
}

#[test]
fn the_accept_any_bug_accepts_below_the_promise() {
    let p = paxos(Mode::Single, PaxosBugs { accept_any: true, ..PaxosBugs::default() });
    let mut s = boot(&p, 2);
    step(&p, 2, &mut s, msg(1, Msg::Prepare { ballot: b(3, 1), from: 0 }));
    step(&p, 2, &mut s, msg(0, Msg::Accept { ballot: b(2, 0), slot: 0, value: Value::Own(0) }));
    assert_eq!(s.accepted.get(&0), Some(&(b(2, 0), Value::Own(0))));
}

/// Phase 2a must carry the value of the highest accepted ballot among the promises.
#[test]
fn a_proposer_adopts_the_highest_accepted_value_unless_the_bug_ignores_it() {
    for (ignore, expected) in [(false, Value::Own(1)), (true, Value::Own(0))] {
        let p = paxos(Mode::Single, PaxosBugs { ignore_accepted: ignore, ..PaxosBugs::default() });
        let mut s = boot(&p, 0);
        step(&p, 0, &mut s, Event::Timer(Timer::Retry));
        let ballot = s.proposer.as_ref().unwrap().phase.ballot().unwrap();
        step(
            &p,
            0,
            &mut s,
            msg(
                1,
                Msg::Promise {
                    ballot,
                    accepted: vec![(0, b(1, 2), Value::Own(2))],
                    decided: vec![],
                    snapshot: None,
                },
            ),
        );
        let fx = step(
            &p,
            0,
            &mut s,
            msg(
                2,
                Msg::Promise {
                    ballot,
                    accepted: vec![(0, b(2, 1), Value::Own(1))],
                    decided: vec![],
                    snapshot: None,
                },
            ),
        );
        let accepts: Vec<_> = sent(&fx)
            .into_iter()
            .filter_map(|(_, m)| match m {
                Msg::Accept { value, .. } => Some(value),
                _ => None,
            })
            .collect();
        assert_eq!(accepts, vec![expected.clone(); 3], "ignore_accepted = {ignore}");
    }
}

#[test]
fn a_learner_learns_once_a_majority_accepted_the_same_ballot() {
    let p = paxos(Mode::Single, PaxosBugs::default());
    let mut s = boot(&p, 2);
    let acc = |ballot| Msg::Accepted { ballot, slot: 0, value: Value::Own(0) };
    step(&p, 2, &mut s, msg(0, acc(b(1, 0))));
    step(&p, 2, &mut s, msg(1, acc(b(2, 1))));
    assert!(s.learned.is_empty(), "two ballots are not one majority");
    step(&p, 2, &mut s, msg(1, acc(b(1, 0))));
    assert_eq!(s.learned.get(&0), Some(&Value::Own(0)));
    assert_eq!(s.chosen_prefix, 1);
}

#[test]
fn a_restart_restores_the_promise_unless_the_bug_forgets_it() {
    for (forget, expected) in [(false, b(4, 1)), (true, Ballot::default())] {
        let p = paxos(Mode::Multi, PaxosBugs { forget_promise: forget, ..PaxosBugs::default() });
        let d = PaxosDurable { promised: b(4, 1), round: 0, ..PaxosDurable::default() };
        assert_eq!(p.init(2, Some(&d), &mut Effects::default()).promised, expected);
    }
}

#[test]
fn a_proposer_never_reuses_a_round_after_a_restart() {
    let p = paxos(Mode::Single, PaxosBugs::default());
    let d = PaxosDurable { round: 7, ..PaxosDurable::default() };
    let mut s = p.init(0, Some(&d), &mut Effects::default());
    step(&p, 0, &mut s, Event::Timer(Timer::Retry));
    assert_eq!(s.proposer.as_ref().unwrap().phase.ballot(), Some(b(8, 0)));
}

#[test]
fn multi_paxos_leader_fills_gaps_with_noops_and_adopts_open_slots() {
    let p = paxos(Mode::Multi, PaxosBugs::default());
    let mut s = boot(&p, 0);
    let put = Value::Put { req: 9, key: 1, value: 2 };
    let accepts = lead(&p, &mut s, vec![(2, b(1, 1), put.clone())]);
    assert_eq!(accepts, vec![(0, Value::Noop), (1, Value::Noop), (2, put)]);
    let fx = step(&p, 0, &mut s, Event::Input(Input::Put { req: 10, key: 0, value: 1 }));
    assert!(fx.contains(&Effect::Output(Output::Accepted { req: 10, slot: 3 })), "{fx:?}");
}

#[test]
fn non_leaders_redirect_clients() {
    let p = paxos(Mode::Multi, PaxosBugs::default());
    let mut s = boot(&p, 2);
    step(&p, 2, &mut s, msg(1, Msg::Heartbeat { ballot: b(1, 1), chosen: 0 }));
    let fx = step(&p, 2, &mut s, Event::Input(Input::Put { req: 1, key: 0, value: 0 }));
    assert!(fx.contains(&Effect::Output(Output::Redirect { req: 1, leader: Some(1) })), "{fx:?}");
}

/// Node 0 becomes the Multi-Paxos leader with promises from itself and node 1 reporting
/// `accepted`; returns the slots and values it sends Accepts for.
fn lead(p: &Paxos, s: &mut PaxosState, accepted: Vec<(Slot, Ballot, Value)>) -> Vec<(Slot, Value)> {
    step(p, 0, s, Event::Timer(Timer::LeaderTimeout));
    let ballot = s.proposer.as_ref().unwrap().phase.ballot().unwrap();
    step(p, 0, s, msg(0, Msg::Promise { ballot, accepted: vec![], decided: vec![], snapshot: None }));
    let fx = step(p, 0, s, msg(1, Msg::Promise { ballot, accepted, decided: vec![], snapshot: None }));
    assert!(s.is_leading());
    let mut accepts: Vec<_> = sent(&fx)
        .into_iter()
        .filter_map(|(to, m)| match m {
            Msg::Accept { slot, value, .. } if to == 0 => Some((slot, value)),
            _ => None,
        })
        .collect();
    accepts.sort();
    accepts
}

#[test]
fn a_leader_elected_again_fills_every_slot_it_used_before() {
    // Regression: a proposer that led again kept its old `next_slot` and proposed nothing in the
    // slots between the highest one its promises reported and that `next_slot`, so the chosen
    // prefix stalled at the gap for as long as it led.
    let p = paxos(Mode::Multi, PaxosBugs::default());
    let mut s = boot(&p, 0);
    lead(&p, &mut s, vec![]);
    for req in 0..5 {
        step(&p, 0, &mut s, Event::Input(Input::Put { req, key: 0, value: req as u32 }));
    }
    assert_eq!(s.proposer.as_ref().unwrap().next_slot, 5);
    // Pre-empted before any Accept reached anyone, then elected again: the quorum reports only
    // slot 1, but slots 0..5 were assigned in the last term.
    let ballot = s.proposer.as_ref().unwrap().phase.ballot().unwrap();
    step(&p, 0, &mut s, msg(2, Msg::Nack { ballot, promised: b(9, 1) }));
    assert!(!s.is_leading());
    let one = Value::Put { req: 1, key: 0, value: 1 };
    let accepts = lead(&p, &mut s, vec![(1, b(1, 0), one.clone())]);
    let slots: Vec<Slot> = accepts.iter().map(|(slot, _)| *slot).collect();
    assert_eq!(slots, (0..5).collect::<Vec<_>>(), "every slot below 5 is proposed again: {accepts:?}");
    assert_eq!(accepts[1].1, one, "the reported value is adopted");
    let puts = accepts.iter().filter(|(_, v)| *v == one).count();
    assert_eq!(puts, 1, "a write the quorum reported is not queued for a second slot: {accepts:?}");
}

#[test]
fn a_write_chosen_in_two_slots_is_applied_once() {
    let p = paxos(Mode::Multi, PaxosBugs::default());
    let mut s = boot(&p, 2);
    let a = Value::Put { req: 1, key: 0, value: 10 };
    let later = Value::Put { req: 2, key: 0, value: 20 };
    let values = vec![(0, a.clone()), (1, later), (2, a)];
    let fx = step(&p, 2, &mut s, msg(0, Msg::Decided { values }));
    assert_eq!((s.chosen_prefix, s.applied), (3, 3));
    assert_eq!(s.kv.get(&0), Some(&20), "the duplicate of write 1 in slot 2 does not undo write 2");
    // A restart rebuilds the same map from the durable learned values.
    let mut d = None;
    for e in &fx {
        if let Effect::Persist(w) = e {
            p.store(&mut d, w);
        }
    }
    let again = p.init(2, d.as_ref(), &mut Effects::default());
    assert_eq!(again.kv, s.kv);
}

#[test]
fn the_checker_compares_each_node_s_applied_state_with_the_chosen_values() {
    use crate::invariant::Checker;
    use crate::sim::{Sim, SimConfig};
    let config = PaxosConfig { nodes: 3, proposers: 1, mode: Mode::Multi, ..PaxosConfig::default() };
    let mut sim = Sim::new(Paxos::new(config), SimConfig { write_rate: 50, ..SimConfig::default() })
        .with_checker(invariants::PaxosChecker::default());
    sim.run_until(2_000_000);
    assert!(sim.violation().is_none());
    let id = (0..3).find(|&i| sim.cluster().state(i).is_some_and(|s| s.applied > 5)).expect("applied");
    // As if the node had restarted: the checker rebuilds its state machine from slot 0.
    let mut cluster = sim.cluster().clone();
    cluster.nodes[id as usize].incarnation += 1;
    let checker = sim.checker_as::<invariants::PaxosChecker>().unwrap();
    assert!(checker.clone().check(&cluster, Some(id)).is_ok());
    let s = cluster.nodes[id as usize].state.as_mut().unwrap();
    let key = *s.kv.keys().next().unwrap();
    *s.kv.get_mut(&key).unwrap() += 1;
    let broken = checker.clone().check(&cluster, Some(id)).unwrap_err();
    assert_eq!(broken.invariant, invariants::APPLIED_STATE);
}

#[test]
fn an_acceptor_drops_accepted_values_once_learned_and_reports_them_as_decided() {
    let p = paxos(Mode::Multi, PaxosBugs::default());
    let mut s = boot(&p, 2);
    let mut d = None;
    let keep = |fx: &[Effect<Paxos>], d: &mut Option<PaxosDurable>| {
        for e in fx {
            if let Effect::Persist(w) = e {
                p.store(d, w);
            }
        }
    };
    let v = |req| Value::Put { req, key: 0, value: req as u32 };
    for slot in 0..3 {
        let fx = step(&p, 2, &mut s, msg(0, Msg::Accept { ballot: b(1, 0), slot, value: v(slot) }));
        keep(&fx, &mut d);
    }
    assert_eq!(s.accepted.len(), 3);
    let fx = step(&p, 2, &mut s, msg(0, Msg::Decided { values: vec![(0, v(0)), (1, v(1))] }));
    keep(&fx, &mut d);
    assert_eq!(s.accepted.keys().copied().collect::<Vec<_>>(), vec![2], "slots 0 and 1 are chosen");
    assert_eq!(d.as_ref().unwrap().accepted, s.accepted, "storage drops them too");
    let fx = step(&p, 2, &mut s, msg(1, Msg::Prepare { ballot: b(2, 1), from: 0 }));
    let promise = Msg::Promise {
        ballot: b(2, 1),
        accepted: vec![(2, b(1, 0), v(2))],
        decided: vec![(0, v(0)), (1, v(1))],
        snapshot: None,
    };
    assert!(sent(&fx).contains(&(1, promise)), "{fx:?}");
}
