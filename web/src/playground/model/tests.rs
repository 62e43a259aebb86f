//! The model's actions, driven through the Raft and Paxos pages' protocols. Protocol-specific
//! behaviour (elections, chosen values) is tested beside each page.

use super::*;
use halab_core::paxos::Paxos;
use halab_core::protocol::SEC;
use halab_core::raft::Raft;
use halab_core::scenario::presets::RAFT_PRESETS;
use halab_core::scenario::ProtocolKind;
use std::cell::Cell;

type RaftModel = Model<Raft>;
type PaxosModel = Model<Paxos>;

#[test]
fn bad_query_falls_back_to_default_with_a_readable_error() {
    let m = RaftModel::from_query("?n=99&embed=1");
    assert_eq!(m.scenario, Scenario::default());
    assert!(m.embed);
    assert_eq!(m.errors.len(), 1);
    assert!(m.errors[0].contains("\u{201c}n\u{201d}"), "{}", m.errors[0]);
    let m = RaftModel::from_query("faults=boom@1s");
    assert!(m.errors[0].contains("faults[1]"), "{}", m.errors[0]);
    let m = PaxosModel::from_query("proposers=9");
    assert_eq!(m.scenario, Scenario::default_for(ProtocolKind::Paxos));
    assert!(m.errors[0].contains("\u{201c}proposers\u{201d}"), "{}", m.errors[0]);
}

#[test]
fn bad_view_keys_are_reported_but_the_scenario_still_runs() {
    let m = RaftModel::from_query("n=3&speed=fast&t=soon");
    assert_eq!(m.scenario.nodes, 3);
    assert_eq!(m.errors.len(), 2, "{:?}", m.errors);
    assert!(m.playing);
    assert_eq!(m.speed, crate::url::DEFAULT_SPEED);
}

#[test]
fn each_page_has_its_own_default_speed_and_writes_only_a_different_one() {
    use halab_core::lock::Lock;
    let m = Model::<Lock>::from_query("n=3");
    assert_eq!(m.speed, Lock::SPEED);
    assert_eq!(m.query(), "p=lock&n=3&seed=1");
    let m = Model::<Lock>::from_query("n=3&speed=0.05");
    assert_eq!(m.query(), "p=lock&n=3&seed=1&speed=0.05");
    let m = Model::<Lock>::from_query("speed=1000");
    assert_eq!((m.speed, m.errors.len()), (Lock::SPEED, 1), "a bad speed falls back to the page's own");
    let m = Model::<Lock>::from_query("n=99&speed=3");
    assert_eq!(m.speed, Lock::SPEED, "a broken link runs the default scenario at the default speed");
    assert_eq!(RaftModel::from_query("").speed, crate::url::DEFAULT_SPEED);
}

#[test]
fn a_query_without_p_is_the_pages_protocol() {
    assert!(has_key("?p=raft&n=3", "p") && !has_key("n=3&proposers=2", "p") && !has_key("", "p"));
    let m = PaxosModel::from_query("n=3&proposers=3&mode=single");
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.scenario.protocol, ProtocolKind::Paxos);
    assert_eq!(m.query(), "p=paxos&n=3&seed=1&proposers=3&mode=single");
    let m = RaftModel::from_query("?n=4");
    assert_eq!(m.query(), "p=raft&n=4&seed=1");
}

#[test]
fn a_scenario_of_another_protocol_is_refused_with_a_message() {
    let m = RaftModel::from_query("p=paxos&n=3&embed=1");
    assert_eq!(m.scenario, Scenario::default());
    assert!(m.embed);
    assert!(m.errors[0].contains("paxos scenario, but this is the Raft page"), "{:?}", m.errors);
    let m = PaxosModel::from_query("p=raft");
    assert_eq!(m.scenario.protocol, ProtocolKind::Paxos);
    assert_eq!(m.errors.len(), 1);
}

#[test]
fn frames_advance_time_at_the_chosen_speed() {
    let mut m = RaftModel::from_query("speed=2");
    assert!(m.frame(50.0));
    assert_eq!(m.view_time, 100_000.0);
    assert_eq!(m.sim.now(), 100_000);
    m.toggle_play();
    assert!(!m.frame(50.0));
    m.step();
    assert!(m.sim.now() > 100_000);
    assert!(!m.playing);
}

/// The central promise: whatever the user clicked, in whatever frame sizes, the shared URL
/// replays to the same trace hash at the same instant.
fn shared_url_replays<P: Playground>(start: &str) {
    let mut m = Model::<P>::from_query(start);
    let mut frame = 7.0;
    for round in 0..40 {
        m.frame(frame);
        frame = (frame * 1.7) % 90.0 + 3.0;
        match round {
            5 => m.menu_action(2, "crash"),
            9 => m.toggle_link(0, 1),
            12 => {
                m.toggle_play();
                m.step();
                m.step();
                m.client_write();
                m.step();
                m.toggle_play();
            }
            15 => m.set_loss(100_000),
            18 => m.menu_action(2, "restart"),
            22 => {
                m.selected = [0, 3].into();
                m.partition_selected();
            }
            25 => m.menu_action(4, "pause"),
            30 => m.inject(Fault::Heal),
            33 => m.isolate(1),
            _ => {}
        }
    }
    m.toggle_play();
    m.step(); // leave the clock mid-instant if the next event shares it
    let q = m.share_query();
    let r = Model::<P>::from_query(&q);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(!r.playing);
    assert_eq!(r.sim.now(), m.sim.now(), "{q}");
    assert_eq!(r.sim.steps(), m.sim.steps(), "{q}");
    assert_eq!(r.sim.trace().hash(), m.sim.trace().hash(), "{q}");
    assert!(m.scenario.faults.len() >= 10, "{q}");
}

#[test]
fn a_shared_url_replays_the_same_state() {
    shared_url_replays::<Raft>("n=5&seed=11&speed=3");
    shared_url_replays::<Paxos>("n=5&seed=11&speed=3&rate=5");
    shared_url_replays::<Paxos>("n=5&seed=12&speed=3&mode=single&proposers=3&backoff=0");
}

#[test]
fn resizing_drops_faults_on_missing_nodes_and_new_seed_drops_all() {
    let mut m = RaftModel::from_query("n=5&faults=crash:4@1s,part:0.4/1.2@2s,heal@3s");
    m.set_nodes(3);
    assert_eq!(url::encode(&m.scenario), "p=raft&n=3&seed=1&faults=part:0/1.2@2s,heal@3s");
    m.set_loss(50_000);
    m.new_seed(42);
    assert_eq!(url::encode(&m.scenario), "p=raft&n=3&seed=42&loss=0.05");
}

#[test]
fn url_changes_are_reported_once() {
    let mut m = RaftModel::from_query("n=4");
    assert_eq!(m.take_url_change(), None);
    m.set_speed(1.0);
    assert_eq!(m.take_url_change().as_deref(), Some("p=raft&n=4&seed=1&speed=1"));
    assert_eq!(m.take_url_change(), None);
}

#[test]
fn clicking_a_link_twice_cuts_then_mends_it() {
    let mut m = RaftModel::from_query("n=3");
    if m.playing {
        m.toggle_play(); // paused, a click applies at once
    }
    m.toggle_link(0, 1);
    assert!(m.sim.network().is_blocked(0, 1) && m.sim.network().is_blocked(1, 0));
    m.toggle_link(1, 0);
    assert_eq!(m.sim.network().blocked().count(), 0);
    let q = url::encode(&m.scenario);
    assert!(q.contains("cut:0-1@") && q.contains("mend:1-0@"), "{q}");
}

#[test]
fn a_bug_preset_loads_keeps_the_view_and_breaks_its_invariant() {
    let mut m = RaftModel::from_query("speed=3");
    let preset = RAFT_PRESETS.iter().find(|p| p.id == "bug-fig8").unwrap();
    m.load_preset(preset.id);
    assert_eq!(m.preset().map(|p| p.id), Some("bug-fig8"));
    assert_eq!(m.speed, 3.0);
    assert!(m.bug_on("fig8") && !m.bug_on("vote") && !m.bug_on("nonesuch"));
    assert!(m.take_url_change().is_some_and(|q| q.contains("bugs=fig8")));
    m.sim.run_until(8 * SEC);
    assert_eq!(m.sim.violation().map(|v| v.invariant), preset.breaks);
    m.new_seed(77);
    assert_eq!(m.preset(), None, "a changed scenario is no longer the preset");
}

#[test]
fn reconfigure_restarts_only_on_a_valid_change_and_keeps_faults() {
    let mut m = PaxosModel::from_query("n=3&faults=crash:1@1s");
    m.frame(50.0);
    let t = m.sim.now();
    assert!(t > 0);
    m.reconfigure(|s| s.nodes = 0);
    assert_eq!(m.scenario.nodes, 3, "invalid: refused");
    m.reconfigure(|s| s.paxos.proposers = 2);
    assert_eq!(m.sim.now(), t, "no change, no restart");
    m.reconfigure(|s| s.paxos.backoff = false);
    assert_eq!(m.sim.now(), 0);
    assert_eq!(m.query(), "p=paxos&n=3&seed=1&backoff=0&faults=crash:1@1s");
    m.reconfigure(|s| s.paxos.proposers = 9);
    assert_eq!(m.scenario.paxos.proposers, 3, "fitted to the cluster");
    m.set_nodes(2);
    assert_eq!(m.query(), "p=paxos&n=2&seed=1&backoff=0&faults=crash:1@1s");
}

#[test]
fn runs_of_progress_notes_from_one_node_are_merged() {
    let mut m = RaftModel::from_query("n=3");
    use halab_core::msg;
    let feed = |m: &mut RaftModel| {
        let (committed, stands) = ("commit", "role");
        m.notes.clear();
        m.push_note(Note::of(1, committed, &msg!("node {id} committed up to index {n}", id = 1u8, n = 1u64)));
        m.push_note(Note::of(2, committed, &msg!("node {id} committed up to index {n}", id = 1u8, n = 2u64)));
        m.push_note(Note::of(3, committed, &msg!("node {id} committed up to index {n}", id = 2u8, n = 2u64)));
        m.push_note(Note::of(
            4,
            stands,
            &msg!("node {id} stands for election in term {term}", id = 0u8, term = 2u64),
        ));
        m.push_note(Note::of(
            5,
            committed,
            &msg!("node {id} learned slot {slot}: {v}", id = 0u8, slot = 4u64, v = "k1=4"),
        ));
        m.push_note(Note::of(
            6,
            committed,
            &msg!("node {id} learned slot {slot}: {v}", id = 0u8, slot = 5u64, v = "k2=5"),
        ));
        m.notes.iter().map(|n| n.time).collect::<Vec<_>>()
    };
    let english = feed(&mut m);
    let texts: Vec<&str> = m.notes.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "node 0 learned slot 5: k2=5",
            "node 0 stands for election in term 2",
            "node 2 committed up to index 2",
            "node 1 committed up to index 2"
        ]
    );
    crate::i18n::set_lang(crate::i18n::Lang::Zh);
    let chinese = feed(&mut m);
    let first = m.notes[0].text.clone();
    crate::i18n::set_lang(crate::i18n::Lang::En);
    assert_eq!(chinese, english, "the same notes merge in both languages");
    assert!(first.contains("k2=5") && !first.contains("node"), "{first}");
}

/// Runs a pending replay to its end in slices of `slice` steps; returns the number of slices.
fn finish_replay<P: Playground>(m: &mut Model<P>, slice: u64) -> usize {
    let mut slices = 0;
    while m.replay_slice(slice) {
        slices += 1;
        assert!(slices < 10_000_000, "the replay never ends");
    }
    slices
}

#[test]
fn a_replay_in_slices_lands_exactly_where_one_run_does() {
    let q =
        "n=7&seed=3&rate=50&loss=0.02&faults=crash:1@2s,restart:1@3.5s,part:0.1.2/3.4.5.6@5s,heal@6s&t=7.5s";
    let mut m = RaftModel::from_query(q);
    assert!(m.replaying(), "7.5 s at 50 writes/s is more than the first slice");
    assert!(!m.playing);
    let (target, done) = m.replay_progress().unwrap();
    assert_eq!(target, 7_500_000);
    assert!(done > 0.0 && done < 1.0, "{done}");
    assert!(finish_replay(&mut m, 97) > 10);
    assert_eq!(m.replay, None);
    assert!(!m.playing && m.errors.is_empty(), "{:?}", m.errors);
    let mut one = url::decode(&format!("p=raft&{q}")).unwrap().scenario.raft_sim();
    one.run_until(7_500_000);
    assert_eq!(m.sim.now(), one.now());
    assert_eq!(m.view_time, 7_500_000.0);
    assert_eq!(m.sim.steps(), one.steps());
    assert_eq!(m.sim.trace().hash(), one.trace().hash());
    assert!(!m.notes.is_empty());

    // Paxos too, in slices of one step.
    let q = "n=5&seed=4&rate=20&t=3s";
    let mut m = PaxosModel::from_query(q);
    finish_replay(&mut m, 1);
    let mut one = url::decode(&format!("p=paxos&{q}")).unwrap().scenario.paxos_sim();
    one.run_until(3 * SEC);
    assert_eq!(
        (m.sim.now(), m.sim.steps(), m.sim.trace().hash()),
        (one.now(), one.steps(), one.trace().hash())
    );
}

#[test]
fn frames_wait_while_a_replay_runs_and_share_means_its_target() {
    let mut m = RaftModel::from_query("n=9&rate=100&t=20s&speed=2");
    assert!(m.replaying());
    let (now, steps) = (m.sim.now(), m.sim.steps());
    assert!(!m.frame(50.0), "no frame while replaying");
    assert_eq!((m.sim.now(), m.sim.steps()), (now, steps));
    assert!(m.share_query().ends_with("&t=20s"), "{}", m.share_query());
    assert_eq!(m.sim.steps(), steps, "sharing does not run the replay");
    finish_replay(&mut m, 5_000);
    assert_eq!(m.sim.now(), 20 * SEC);
    assert!(!m.playing && !m.frame(50.0), "paused at t, as before");
    m.toggle_play();
    assert!(m.frame(50.0));
    assert_eq!(m.sim.now(), 20 * SEC + 100_000);
}

#[test]
fn cancel_pauses_where_the_replay_got() {
    let mut m = RaftModel::from_query("n=9&rate=100&t=30s");
    m.replay_slice(20_000);
    let at = m.sim.now();
    assert!(at > 0 && at < 30 * SEC);
    m.cancel_replay();
    assert!(!m.replaying() && !m.playing);
    assert_eq!(m.replay.map(|r| r.status), Some(ReplayStatus::Cancelled));
    assert_eq!(m.view_time, at as f64);
    assert!(!m.replay_slice(1_000) && !m.frame(50.0), "stays where it stopped");
    assert_eq!(m.sim.now(), at);
    let (target, done) = m.replay_progress().unwrap();
    assert_eq!(target, 30 * SEC);
    assert!(done < 1.0);
    // Share now links the instant it stopped at, which replays to the same state.
    let q = m.share_query();
    let mut r = RaftModel::from_query(&q);
    finish_replay(&mut r, 100_000);
    assert_eq!((r.sim.now(), r.sim.trace().hash()), (m.sim.now(), m.sim.trace().hash()), "{q}");
    // Play runs on from there and forgets the message.
    m.toggle_play();
    assert!(m.playing && m.replay.is_none());
    assert!(m.frame(20.0) && m.sim.now() > at);
}

#[test]
fn acting_during_a_replay_stops_it_first() {
    let mut m = RaftModel::from_query("n=9&rate=100&t=30s");
    m.step();
    assert_eq!(m.replay.map(|r| r.status), Some(ReplayStatus::Cancelled));
    let mut m = RaftModel::from_query("n=9&rate=100&t=30s");
    let at = m.click_instant();
    m.menu_action(2, "crash");
    assert!(!m.replaying() && !m.playing);
    assert!(m.scenario.faults.iter().any(|f| f.at == at), "the crash lands where the replay stopped");
    m.new_seed(5);
    assert_eq!(m.replay, None, "a new run forgets the replay");
}

#[test]
fn a_link_too_far_to_replay_is_brought_back_with_a_message() {
    let m = RaftModel::from_query("n=15&rate=200&t=3600s");
    let max = replay::max_t(&m.scenario, crate::url::MAX_T);
    assert!(max < 3_600 * SEC);
    assert_eq!(m.replay.map(|r| r.target), Some(max));
    assert_eq!(m.errors.len(), 1, "{:?}", m.errors);
    let e = &m.errors[0];
    assert!(e.contains("t = 3600 s") && e.contains("15 nodes at 200 writes/s"), "{e}");
    assert!(e.contains(&format!("at most {}", replay::secs(max))), "{e}");
    // A link within the limit is left alone.
    let m = RaftModel::from_query(&format!("n=15&rate=200&t={}", format_duration(max)));
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.replay.map(|r| r.target), Some(max));
}

#[test]
fn a_replay_stops_at_its_work_limit() {
    let mut m = RaftModel::from_query("n=5&rate=50&t=60s");
    if let Some(r) = m.replay.as_mut() {
        r.work_limit = r.work + 1_000.0;
    }
    finish_replay(&mut m, 300);
    let r = m.replay.expect("stopped early");
    assert_eq!(r.status, ReplayStatus::Limit);
    assert!(r.work >= r.work_limit && m.sim.now() < 60 * SEC && !m.playing);
    m.dismiss_replay();
    assert_eq!(m.replay, None);
}

#[test]
fn short_links_land_at_once() {
    for q in ["t=2s", "n=3&rate=10&t=5s"] {
        let m = RaftModel::from_query(q);
        assert!(m.replay.is_none() && !m.playing, "{q}");
    }
    let m = Model::<halab_core::lock::Lock>::from_query("t=10s");
    assert!(m.replay.is_none() && m.sim.now() == 10 * SEC);
}

#[test]
fn a_frame_that_runs_out_of_time_stops_stepping_and_shows_where_the_simulator_is() {
    let mut m = RaftModel::from_query("n=9&rate=200&speed=100");
    let asked = Cell::new(0u32);
    // Out of time at the second look: at most two slices of steps.
    m.frame_within(100.0, || {
        asked.set(asked.get() + 1);
        asked.get() >= 2
    });
    assert_eq!(asked.get(), 2);
    assert!(m.sim.steps() <= 2 * crate::playground::model::TIME_CHECK_STEPS + 50, "{} steps", m.sim.steps());
    assert!(m.sim.now() < 10 * halab_core::protocol::SEC, "behind the 10 s that 100 ms at 100x asks for");
    assert_eq!(m.view_time, m.sim.now() as f64);
}

#[test]
fn a_fast_run_draws_a_sample_of_its_messages_without_tooltips_and_a_paused_one_all() {
    use crate::playground::view::{messages, MAX_FAST_MESSAGES};
    let mut m = PaxosModel::from_query("n=9&rate=200&speed=100");
    // Play until the wire is busy: 9-node Multi-Paxos at 200 writes/s keeps 100+ in flight.
    assert!(m.playing);
    let mut busiest = 0;
    for _ in 0..200 {
        m.frame(16.7);
        busiest = busiest.max(m.sim.in_flight().len());
        if m.sim.in_flight().len() > 2 * MAX_FAST_MESSAGES {
            break;
        }
    }
    let all = m.sim.in_flight().iter().filter(|f| f.from != f.to).count();
    assert!(all > MAX_FAST_MESSAGES, "busiest {busiest}, now {all}");
    let fast = messages(&m);
    assert!(
        fast.len() <= MAX_FAST_MESSAGES && fast.len() * 2 >= MAX_FAST_MESSAGES,
        "{} of {all}",
        fast.len()
    );
    assert!(fast.iter().all(|v| v.title.is_empty()));
    m.toggle_play();
    let paused = messages(&m);
    assert_eq!(paused.len(), all, "paused, every message is drawn");
    assert!(paused.iter().all(|v| v.title.contains(" → ")));
}
