//! Paxos on the shared model: roles, what is chosen, the duel and its cure, a bug preset.

use super::view::{chosen_in, node, proposers, slots, write_target, Shown, SLOT_WINDOW};
use crate::playground::view::{nodes, role_of};
use crate::playground::{legend, Model, Playground};
use halab_core::paxos::invariants::ONE_VALUE;
use halab_core::paxos::{Ballot, Mode, Msg, Paxos, Value};
use halab_core::protocol::SEC;
use halab_core::scenario::presets::PAXOS_PRESETS;
use std::collections::{BTreeMap, BTreeSet};

type M = Model<Paxos>;

fn preset(id: &str) -> &'static str {
    PAXOS_PRESETS.iter().find(|p| p.id == id).map_or("", |p| p.query)
}

#[test]
fn proposers_and_acceptors_look_different_and_show_their_promise() {
    let m = M::from_query("n=5&proposers=2&rate=0");
    let roles: Vec<&str> = nodes(&m).iter().map(|v| v.role).collect();
    assert_eq!(roles, ["proposer", "proposer", "acceptor", "acceptor", "acceptor"]);
    let v = &nodes(&m)[3];
    assert_eq!(v.caption, ["no promise", "learned 0"]);
    assert_eq!(v.timer, None, "acceptors have no timer");
    assert!(nodes(&m)[0].timer.is_some(), "an idle Multi-Paxos proposer waits for a leader");

    let m = M::from_query(&format!("{}&t=1s", preset("multi")));
    let leader = nodes(&m).into_iter().find(|v| v.role == "leader").expect("a leader");
    assert_eq!(leader.caption[0], "promise 1.1");
    assert_eq!(leader.caption[1], "leading");
    assert_eq!(leader.term, 1);
    assert_eq!(write_target(&m), (leader.id, format!("the leader, node {}", leader.id)));
}

#[test]
fn a_single_decree_value_is_chosen_and_every_proposer_is_done() {
    let m = M::from_query(&format!("{}&t=1s", preset("single")));
    let s = slots(&m);
    assert_eq!((s.first, s.chosen.len(), s.total_chosen), (0, 1, 1));
    let v = s.chosen[0].clone().expect("slot 0 chosen");
    assert!(
        s.rows.iter().filter(|r| r.cells[0].as_ref().is_some_and(|c| c.chosen && c.value == v)).count() >= 3
    );
    assert!(proposers(&m).iter().all(|p| p.label == "done" && p.detail == format!("{v} is chosen")));
    assert_eq!(nodes(&m)[4].caption[1], format!("learned {v}"), "it forgot what it accepted once it learned");
    assert_eq!(write_target(&m).0, 0);
}

#[test]
fn multi_paxos_fills_a_window_of_the_newest_slots() {
    let m = M::from_query(&format!("{}&t=8s", preset("multi")));
    let s = slots(&m);
    assert_eq!(s.chosen.len() as u64, SLOT_WINDOW);
    assert!(s.first > 0 && s.total_chosen as u64 > SLOT_WINDOW);
    assert!(s.rows.iter().all(|r| r.cells.len() as u64 == SLOT_WINDOW));
    let leading: Vec<_> = proposers(&m).into_iter().filter(|p| p.label == "leading").collect();
    assert_eq!(leading.len(), 1);
    assert!(leading[0].detail.contains("next slot"), "{}", leading[0].detail);
}

#[test]
fn the_duel_chooses_nothing_until_backoff_is_switched_on() {
    let mut m = M::from_query(&format!("{}&t=2s", preset("duel")));
    let s = slots(&m);
    assert_eq!(s.total_chosen, 0);
    assert!(s.chosen.iter().all(Option::is_none));
    let rows = proposers(&m);
    assert!(rows.iter().all(|p| p.round > 100), "{rows:?}");
    assert!(m.notes.iter().any(|n| n.text.contains("prepares ballot")));
    assert!(!m.violated());

    m.reconfigure(|s| s.paxos.backoff = true);
    assert!(m.playing && m.sim.now() == 0, "a setting restarts the run");
    m.sim.run_until(SEC / 2);
    assert_eq!(slots(&m).total_chosen, 1);
    assert_eq!(m.query(), "p=paxos&n=9&seed=202&lat=1ms-20ms&rate=0&mode=single");
}

#[test]
fn a_bug_preset_breaks_one_value_per_slot() {
    let mut m = M::from_query("speed=100");
    m.load_preset("bug-acceptany");
    assert!(m.bug_on("acceptany"));
    for _ in 0..20 {
        m.frame(16.0);
    }
    assert_eq!(m.sim.violation().map(|v| v.invariant), Some(ONE_VALUE));
    assert!(!m.playing);
    m.toggle_bug("acceptany");
    assert!(!m.violated() && m.preset().is_none());
}

#[test]
fn a_crashed_node_shows_what_it_persisted() {
    let mut m = M::from_query(&format!("{}&t=1s", preset("multi")));
    let before = node(&m, 3, role_of(&m, 3));
    m.menu_action(3, "crash");
    assert_eq!(role_of(&m, 3), "crashed");
    let after = node(&m, 3, "crashed");
    assert_eq!(after.caption, ["crashed".to_owned(), before.caption[0].clone()]);
    assert_eq!(after.term, before.term);
    let s = slots(&m);
    assert!(s.rows[3].dim && s.rows[3].cells.iter().any(Option::is_some));
}

#[test]
fn chosen_needs_a_majority_in_one_ballot_or_a_learner() {
    let b = |round| Ballot { round, node: 0 };
    let v = |n| Value::Own(n);
    let acc = |entries: &[(u64, u64, u8)]| -> BTreeMap<u64, (Ballot, Value)> {
        entries.iter().map(|&(k, r, x)| (k, (b(r), v(x)))).collect()
    };
    let accepted = [acc(&[(0, 1, 1), (1, 2, 1)]), acc(&[(0, 1, 1), (1, 3, 1)]), acc(&[(0, 2, 2)])];
    let mut learned = vec![BTreeMap::new(); 3];
    fn states<'a>(
        acc: &'a [BTreeMap<u64, (Ballot, Value)>],
        learned: &'a [BTreeMap<u64, Value>],
    ) -> Vec<Shown<'a>> {
        let promised = Ballot { round: 3, node: 0 };
        acc.iter()
            .zip(learned)
            .map(|(accepted, learned)| Shown {
                promised,
                accepted,
                learned,
                snapshot_slot: 0,
                round: 0,
                live: None,
            })
            .collect()
    }
    assert_eq!(chosen_in(&states(&accepted, &learned), 0), Some(v(1)), "two of three in ballot 1");
    assert_eq!(chosen_in(&states(&accepted, &learned), 1), None, "same value, different ballots");
    learned[2].insert(1, v(1));
    assert_eq!(chosen_in(&states(&accepted, &learned), 1), Some(v(1)), "but a node learned it");
    assert_eq!(chosen_in(&states(&accepted, &learned), 2), None);
}

#[test]
fn every_message_kind_has_its_own_colour_in_the_legend() {
    let msgs = [
        Msg::Prepare { ballot: Ballot::default(), from: 0 },
        Msg::Promise { ballot: Ballot::default(), accepted: vec![], decided: vec![], snapshot: None },
        Msg::Nack { ballot: Ballot::default(), promised: Ballot::default() },
        Msg::Accept { ballot: Ballot::default(), slot: 0, value: Value::Noop },
        Msg::Accepted { ballot: Ballot::default(), slot: 0, value: Value::Noop },
        Msg::Heartbeat { ballot: Ballot::default(), chosen: 0 },
        Msg::CatchUp { from: 0 },
        Msg::Decided { values: vec![] },
    ];
    let classes: BTreeSet<&str> = msgs.iter().map(Paxos::msg_class).collect();
    assert_eq!(classes.len(), msgs.len());
    let legend = legend(&M::from_query(""));
    for class in classes {
        assert!(
            legend.iter().any(|it| it.shape == "msg" && it.class == class),
            "{class} has no legend entry"
        );
    }
    let mut m = M::from_query("mode=single");
    m.reconfigure(|s| s.paxos.mode = Mode::Multi);
    assert_eq!(m.query(), "p=paxos&n=5&seed=1");
}

#[test]
fn the_chosen_row_shows_the_value_chosen_first_even_after_a_violation() {
    let preset =
        halab_core::scenario::presets::PAXOS_PRESETS.iter().find(|p| p.id == "bug-acceptany").unwrap();
    let mut m = Model::<Paxos>::from_query(preset.query);
    m.sim.run_until(halab_core::protocol::SEC);
    let v = m.sim.violation().expect("the bug preset breaks an invariant").detail.english();
    let first = slots(&m).chosen[0].clone().expect("slot 0 was chosen");
    assert!(v.contains(&format!("after {first} had been chosen")), "{first} / {v}");
}
