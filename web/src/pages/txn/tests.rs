//! The commit page on the shared model: the coordinator and participants as drawn, the blocked
//! counter of 2PC's in-doubt participants, 3PC deciding alone, the split under a partition and
//! the note that says it is the protocol, the timeline and the outcomes table, the settings and
//! the node menu in the URL, and every preset's outcome as the page shows it.

use super::view::{
    self, counts, current, in_doubt_for, mark_outcome, msg_class, participants, phase_words, secs, timeline,
    transactions, verdict_kind,
};
use crate::playground::view::{links, menu_items, menu_title, nodes, role_of};
use crate::playground::{Model, Playground};
use halab_core::protocol::{MS, SEC};
use halab_core::scenario::presets::TXN_PRESETS;
use halab_core::scenario::url;
use halab_core::sim::fault::Fault;
use halab_core::txn::invariants::{ATOMICITY, VALIDITY};
use halab_core::txn::{Decision, Phase, Stands, Txn, TxnMode, TxnMsg, Txns};

type M = Model<Txn>;

fn preset(id: &str) -> &'static str {
    TXN_PRESETS.iter().find(|p| p.id == id).map_or("", |p| p.query)
}

fn at(id: &str, t: &str) -> M {
    let m = M::from_query(&format!("{}&t={t}", preset(id)));
    assert!(m.errors.is_empty(), "{id}: {:?}", m.errors);
    m
}

fn captions(m: &M) -> Vec<Vec<String>> {
    nodes(m).into_iter().map(|n| n.caption).collect()
}

/// The outcomes table's row for `txn`: (outcome, coordinator state, participants' states).
fn row(m: &M, txn: u64) -> (&'static str, &'static str, Vec<&'static str>) {
    let r = transactions(m).into_iter().find(|r| r.txn == txn).unwrap_or_else(|| panic!("txn {txn} listed"));
    (r.outcome, r.coordinator.state, r.participants.iter().map(|c| c.state).collect())
}

#[test]
fn the_coordinator_and_participants_look_different_and_only_their_links_are_drawn() {
    let m = M::from_query("");
    assert_eq!(m.query(), "p=txn&n=4&seed=1", "the default scenario, at the page's own default speed");
    assert_eq!(m.speed, Txn::SPEED);
    let v = nodes(&m);
    let labels: Vec<&str> = v.iter().map(|n| n.label.as_str()).collect();
    assert_eq!(labels, ["C", "P1", "P2", "P3"]);
    let roles: Vec<&str> = v.iter().map(|n| n.role).collect();
    assert_eq!(roles, ["coordinator", "idle", "idle", "idle"]);
    assert_eq!(v[0].caption, ["coordinator", "about to start txn 1", "0 committed · 0 aborted"]);
    assert_eq!(v[1].caption, ["no txn yet"]);
    assert_eq!(links(&m), Some(vec![(0, 1), (0, 2), (0, 3)]), "participants talk to the coordinator only");
    assert_eq!(m.sim.cluster().protocol.node_name(2), "participant 2");

    // The healthy run at 0.81 s: the coordinator collects txn 2's votes while they are logged.
    let m = at("2pc", "0.81s");
    let v = nodes(&m);
    assert_eq!(v[0].caption[1], "txn 2: 0/3 yes votes");
    assert!(v[0].timer.is_some_and(|f| f > 0.0 && f < 1.0), "the vote timeout's ring");
    assert_eq!((v[1].role, v[1].term), ("working", 2));
    assert_eq!(v[1].caption, ["txn 2", "logging vote"]);
    assert!(menu_title(&m, 1).starts_with("participant 1 (node 1) · working · txn 2: logging vote"));
    assert!(crate::playground::view::unjudged(&m).is_empty(), "both invariants are always judged");
}

#[test]
fn every_message_has_a_colour_and_a_no_vote_is_hollow() {
    let msgs = [
        (TxnMsg::Prepare { txn: 1 }, "msg-prepare"),
        (TxnMsg::Vote { txn: 1, yes: true }, "msg-yes"),
        (TxnMsg::Vote { txn: 1, yes: false }, "msg-no no"),
        (TxnMsg::PreCommit { txn: 1 }, "msg-precommit"),
        (TxnMsg::PreAck { txn: 1 }, "msg-precommit ack"),
        (TxnMsg::Commit { txn: 1 }, "msg-commit data"),
        (TxnMsg::Abort { txn: 1 }, "msg-abort data"),
        (TxnMsg::Ack { txn: 1 }, "msg-ack ack"),
        (TxnMsg::Ask { txn: 1 }, "msg-ask"),
        (TxnMsg::Query { txn: 1 }, "msg-ask"),
        (TxnMsg::Report { txn: 1, stands: Stands::Unknown }, "msg-ask ack"),
    ];
    for (msg, class) in msgs {
        assert_eq!(msg_class(&msg), class, "{msg:?}");
        let colour = class.split(' ').next().unwrap_or("");
        assert!(
            Txn::MESSAGES.iter().any(|(c, _)| c.split(' ').next() == Some(colour)),
            "{class} in the legend"
        );
    }
}

#[test]
fn two_phase_commit_blocks_while_the_coordinator_is_down() {
    let m = at("2pc-blocking", "5.5s");
    assert!(!m.violated());
    let v = nodes(&m);
    assert_eq!(
        v[0].caption,
        ["coordinator", "crashed", "txn 2: no decision logged", "0 committed · 1 aborted"]
    );
    for p in &v[1..] {
        assert_eq!(p.role, "in-doubt");
        assert_eq!(p.caption, ["txn 2", "in doubt", "blocked 4.7 s", "locks held"], "participant {}", p.id);
        assert_eq!(p.timer, None, "2PC: no timeout to decide alone");
        assert!(p.title.contains("may neither commit nor abort alone"), "{}", p.title);
    }
    for p in participants(&m) {
        let d = p.in_doubt.unwrap_or(0);
        assert!((4_600 * MS..4_700 * MS).contains(&d), "{}: {d}", p.name);
        assert_eq!(p.blocked, d, "{}: its only stretch in doubt", p.name);
        assert_eq!(p.text, "txn 2: in doubt");
    }
    assert_eq!(row(&m, 2), ("open", "none", vec!["in-doubt"; 3]));
    let t = timeline(&m);
    for p in 1..=3u8 {
        let s = t.spans.iter().find(|s| s.row == p && s.class == "in-doubt").expect("an in-doubt span");
        assert!(s.to.is_none() && s.from < 830 * MS, "{s:?}");
        assert_eq!(t.rows[p as usize].note, "blocked 4.7 s");
    }
    assert!(t.spans.iter().any(|s| s.row == 0 && s.class == "down" && s.to.is_none()));

    // The coordinator returns at 6 s and, having logged no decision, answers "abort".
    let m = at("2pc-blocking", "7s");
    assert!(!m.violated());
    assert_eq!(row(&m, 2), ("aborted", "none", vec!["aborted"; 3]));
    for p in participants(&m) {
        assert_eq!(p.in_doubt, None, "{}", p.name);
        assert!((5_200 * MS..5_400 * MS).contains(&p.blocked), "{}: {}", p.name, p.blocked);
    }
    for p in 1..=3 {
        assert!(!captions(&m)[p].iter().any(|l| l.starts_with("blocked")), "{:?}", captions(&m)[p]);
    }
    let aborted =
        transactions(&m).into_iter().find(|r| r.txn == 2).map(|r| r.participants).unwrap_or_default();
    assert!(aborted.iter().all(|c| c.at.is_some_and(|t| t > 6 * SEC)), "{aborted:?}");
}

#[test]
fn three_phase_commit_decides_alone_while_the_coordinator_is_down() {
    let m = at("3pc-coordinator-crash", "1.3s");
    let v = nodes(&m);
    assert_eq!(v[0].caption[2], "txn 2: pre-commit logged");
    for p in &v[1..] {
        assert_eq!(p.role, "precommitted");
        assert_eq!(p.caption, ["txn 2", "pre-committed", "blocked 0.5 s", "locks held"]);
        assert!(p.timer.is_some_and(|f| f > 0.0 && f < 1.0), "the ring counts down to deciding alone");
        assert!(p.title.contains("decides alone"), "{}", p.title);
    }
    assert_eq!(row(&m, 2).2, vec!["precommitted"; 3]);

    let m = at("3pc-coordinator-crash", "3s");
    assert_eq!(role_of(&m, 0), "crashed");
    let r = transactions(&m).into_iter().find(|r| r.txn == 2).expect("txn 2");
    assert_eq!((r.outcome, r.coordinator.state), ("committed", "none"));
    for c in &r.participants {
        assert_eq!(c.state, "committed");
        assert!(
            c.at.is_some_and(|t| t > 870 * MS && t < 6 * SEC),
            "committed while the coordinator was down: {c:?}"
        );
    }
    for p in participants(&m) {
        assert!(p.blocked < 2 * SEC && p.in_doubt.is_none(), "{p:?}");
    }
    // Back at 6 s, the coordinator asks the participants and follows them.
    let m = at("3pc-coordinator-crash", "7s");
    let r = transactions(&m).into_iter().find(|r| r.txn == 2).expect("txn 2");
    assert_eq!(r.coordinator.state, "committed");
    assert!(r.coordinator.at.is_some_and(|t| t >= 6 * SEC));
    assert!(
        m.notes.iter().any(|n| n.text == "txn 2: the participants' reports decide Commit"),
        "{:?}",
        m.notes
    );
}

#[test]
fn a_partition_splits_three_phase_commit_and_the_page_says_it_is_the_protocol() {
    let m = at("3pc-partition", "3s");
    let v = m.sim.violation().expect("atomicity breaks");
    assert_eq!(v.invariant, ATOMICITY);
    assert_eq!(verdict_kind(&m), Some("protocol"));
    assert!(!m.scenario.txn.bugs.commit_on_timeout, "no bug switch is on");
    let (outcome, coordinator, parts) = row(&m, 2);
    assert_eq!((outcome, coordinator), ("split", "committed"));
    assert_eq!(parts, ["committed", "aborted", "in-doubt"]);
    // The checker stopped at the step that broke the run; participant 2 decided in it and is no
    // longer in doubt, whatever the checker last saw.
    assert_eq!(in_doubt_for(&m, 2), None);
    assert!(!captions(&m)[2].iter().any(|l| l.starts_with("blocked")), "{:?}", captions(&m)[2]);
    assert_eq!(captions(&m)[3], ["txn 2", "in doubt", "blocked 1.5 s", "locks held"]);

    // The same cut in 2PC: participants 2 and 3 stay in doubt, nothing splits.
    let m = M::from_query(&format!("{}&t=3s", preset("3pc-partition").replace("&mode=3pc", "")));
    assert!(!m.violated());
    assert_eq!(verdict_kind(&m), None);
}

#[test]
fn a_long_coordinator_pause_splits_it_from_the_participants_and_atomicity_says_so() {
    // Outside 3PC's bounded delays: the coordinator sleeps through the participants' timeouts,
    // they abort alone, then it wakes to the yes votes and logs COMMIT. The checker counts the
    // coordinator's logged commit, so atomicity breaks at that step; the table shows the split.
    let m = M::from_query("mode=3pc&faults=pause:0:2s@845ms&t=4s");
    let v = m.sim.violation().expect("the split is judged");
    assert_eq!(v.invariant, ATOMICITY);
    assert_eq!(v.detail.english(), "txn 2: the coordinator committed, participant 1 aborted");
    assert_eq!(row(&m, 2), ("split", "committed", vec!["aborted"; 3]));
}

#[test]
fn the_bug_switch_breaks_validity_and_the_note_blames_it() {
    let m = at("bug-committimeout", "2s");
    assert_eq!(m.sim.violation().map(|v| v.invariant), Some(VALIDITY));
    assert_eq!(verdict_kind(&m), Some("bug"));
    assert_eq!(row(&m, 2).1, "committed", "the coordinator committed without participant 2's vote");
    let mut m = m;
    m.toggle_bug("committimeout");
    m.sim.run_until(2 * SEC);
    assert!(!m.violated());
    assert_eq!(verdict_kind(&m), None);
}

#[test]
fn every_preset_shows_its_outcome() {
    for p in TXN_PRESETS {
        let m = at(p.id, "8s");
        assert_eq!(m.preset().map(|q| q.id), Some(p.id));
        let broke = m.sim.violation().map(|v| v.invariant);
        assert_eq!(broke, p.breaks, "{}", p.id);
        let (committed, aborted) = counts(&m);
        match p.id {
            "2pc" => {
                assert!(committed >= 5 && aborted >= 1, "{committed} {aborted}");
                let rows = transactions(&m);
                assert!(rows.iter().all(|r| matches!(r.outcome, "committed" | "aborted" | "open")));
                assert!(rows.windows(2).all(|w| w[0].txn > w[1].txn), "newest first");
                assert_eq!(rows.len(), view::TXNS_SHOWN);
            }
            // Txn 2 is still among the newest rows at 7 s (at 8 s it has scrolled away).
            "2pc-blocking" => assert_eq!(row(&at(p.id, "7s"), 2).0, "aborted"),
            "2pc-participant-crash" => {
                let r = row(&at(p.id, "3s"), 2);
                assert_eq!(r, ("aborted", "aborted", vec!["aborted", "none", "aborted"]));
            }
            "3pc-coordinator-crash" => assert_eq!(row(&at(p.id, "7s"), 2).0, "committed"),
            "3pc-partition" => assert_eq!(row(&m, 2).0, "split"),
            "bug-committimeout" => assert_eq!(verdict_kind(&m), Some("bug")),
            other => panic!("a preset without a test: {other}"),
        }
    }
}

#[test]
fn the_timeline_shows_states_and_outcomes_in_a_sliding_window() {
    let m = at("2pc", "3s");
    let t = timeline(&m);
    assert_eq!((t.now, t.window), (3 * SEC, 8 * SEC));
    let rows: Vec<&str> = t.rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(rows, ["coordinator", "participant 1", "participant 2", "participant 3"]);
    let classes: std::collections::BTreeSet<&str> = t.spans.iter().map(|s| s.class).collect();
    assert!(["voting", "logging", "working", "in-doubt"].iter().all(|c| classes.contains(c)), "{classes:?}");
    assert!(!classes.contains("precommitted"), "2PC has no pre-commit");
    let doubt = t.spans.iter().find(|s| s.class == "in-doubt").expect("in doubt");
    assert!(doubt.detail.ends_with("voted yes, locks held"), "{}", doubt.detail);
    let marks: Vec<(u8, &str, &str)> = t.marks.iter().map(|k| (k.row, k.class, k.label.as_str())).collect();
    assert!(marks.contains(&(0, "aborted", "txn 1: ABORT")), "{marks:?}");
    assert!(marks.contains(&(2, "committed", "txn 2 committed")), "{marks:?}");
    assert!(t.rows.iter().all(|r| r.note.is_empty()), "a few milliseconds in doubt is no news");
    assert!(view::timeline_legend(TxnMode::TwoPhase).iter().all(|k| k.class != "precommitted"));
    assert!(view::timeline_legend(TxnMode::ThreePhase).iter().any(|k| k.class == "precommitted"));

    let m = at("2pc", "30s");
    let t = timeline(&m);
    assert!(t.spans.iter().all(|s| s.to.is_none_or(|to| to > 22 * SEC)));
    assert!(!t.marks.is_empty() && t.marks.iter().all(|k| k.at >= 22 * SEC));
    // The window follows the vote timeout.
    assert_eq!(view::window(&M::from_query("timeout=1s")), 20 * SEC);
    assert_eq!(view::window(&M::from_query("timeout=60s")), view::MAX_WINDOW);
    // A pause shows as an overlay on its row.
    let m = M::from_query("faults=pause:2:1s@500ms&t=2s");
    let t = timeline(&m);
    assert_eq!(t.overlays.len(), 1);
    assert_eq!((t.overlays[0].row, t.overlays[0].from, t.overlays[0].to), (2, 500 * MS, Some(1_500 * MS)));
}

#[test]
fn words_and_marks_read_well() {
    assert_eq!(secs(4_672_932), "4.7 s");
    assert_eq!(secs(0), "0.0 s");
    assert_eq!(phase_words(5, Phase::Uncertain), "txn 5: in doubt");
    assert_eq!(phase_words(5, Phase::PreCommitted), "txn 5: pre-committed");
    assert_eq!(phase_words(5, Phase::Committed), "txn 5 committed");
    use halab_core::msg;
    let mark = |class, label| halab_core::timeline::Mark { node: 0, at: 0, class, label };
    let txn = 3u64;
    assert_eq!(
        mark_outcome(&mark("committed", msg!("txn {txn}: COMMIT", txn = 12u64))),
        Some((12, Decision::Commit))
    );
    assert_eq!(mark_outcome(&mark("aborted", msg!("txn {txn} aborted", txn))), Some((3, Decision::Abort)));
    assert_eq!(
        mark_outcome(&mark("committed", msg!("txn {txn} committed", txn))),
        Some((3, Decision::Commit))
    );
    assert_eq!(mark_outcome(&mark("committed", msg!("crashed"))), None, "no transaction");
    assert_eq!(mark_outcome(&mark("logging", msg!("txn {txn}: logging", txn))), None, "not an outcome");
    // A participant shows its newest open transaction before a newer decided one.
    let mut txns = Txns::new();
    txns.extend([(3, Phase::Committed), (2, Phase::Uncertain)]);
    assert_eq!(current(&txns), Some((2, Phase::Uncertain)));
    txns.insert(2, Phase::Aborted);
    assert_eq!(current(&txns), Some((3, Phase::Committed)));
    assert_eq!(current(&Txns::new()), None);
    assert_eq!(super::panels::plural(1, "abort"), "1 abort");
    assert_eq!(super::panels::plural(0, "commit"), "0 commits");
}

#[test]
fn the_menu_crashes_pauses_and_isolates_but_sends_no_writes() {
    let mut m = M::from_query("t=1s");
    let keys: Vec<&str> = menu_items(&m, 0).iter().map(|i| i.key).collect();
    assert_eq!(keys, ["crash", "restart", "pause", "isolate", "select"], "no client writes, no clock drift");
    m.menu_action(0, "crash");
    assert_eq!(role_of(&m, 0), "crashed");
    assert_eq!(nodes(&m)[0].caption[1], "crashed");
    m.menu_action(2, "pause");
    assert_eq!(role_of(&m, 2), "paused");
    assert!(nodes(&m)[2].caption[0].starts_with("❚❚ "), "{:?}", nodes(&m)[2].caption);
    m.client_write();
    m.menu_action(2, "write");
    m.menu_action(1, "drift-fast");
    m.menu_action(0, "restart");
    let q = url::encode(&m.scenario);
    assert_eq!(q, "p=txn&n=4&seed=1&faults=crash:0@1.001s,pause:2:1s@1.002s,restart:0@1.003s");
    assert!(
        m.notes.iter().any(|n| n.kind == "fault" && n.text == "coordinator crashed"),
        "faults name the node"
    );
    assert!(m.notes.iter().any(|n| n.text == "participant 2 paused for 1s"));

    // A crashed participant shows what it logged.
    let m = M::from_query("faults=crash:1@830ms&t=1s");
    assert_eq!(captions(&m)[1], ["crashed", "txn 2", "in doubt on disk"]);
    assert_eq!(participants(&m)[0].text, "crashed (txn 2: in doubt)");

    // Resizing stays within 2 to 8 nodes.
    let mut m = M::from_query("");
    m.set_nodes(20);
    assert_eq!((m.scenario.nodes, nodes(&m).len()), (8, 8));
    assert_eq!(links(&m).map(|l| l.len()), Some(7));
    m.set_nodes(0);
    assert_eq!(m.scenario.nodes, 2);
    assert_eq!(nodes(&m)[1].label, "P1");
}

#[test]
fn settings_restart_the_run_and_land_in_the_url() {
    let mut m = M::from_query("faults=crash:0@840ms&speed=0.5");
    m.frame(50.0);
    m.reconfigure(|s| s.txn.mode = TxnMode::ThreePhase);
    assert_eq!(m.sim.now(), 0);
    m.reconfigure(|s| s.txn.no_percent = 25);
    m.reconfigure(|s| s.txn.vote_timeout = SEC);
    assert_eq!(m.query(), "p=txn&n=4&seed=1&mode=3pc&no=25&timeout=1s&faults=crash:0@840ms&speed=0.5");
    m.reconfigure(|s| s.txn.vote_timeout = 1);
    assert_eq!(m.scenario.txn.vote_timeout, SEC, "below the minimum timeout: refused");
    m.reconfigure(|s| s.txn.no_percent = 200);
    assert_eq!(m.scenario.txn.no_percent, 25, "not a percentage: refused");
    m.toggle_bug("committimeout");
    assert!(m.bug_on("committimeout") && m.query().contains("bugs=committimeout"));
    assert!(m.errors.is_empty());
    // Every offered timeout keeps 3PC inside its assumptions: a vote can still arrive before a
    // participant that voted early decides alone.
    let decide = m.sim.cluster().protocol.config.decide_timeout;
    assert!(super::panels::TIMEOUTS.iter().all(|t| t + 200 * MS < decide));
}

#[test]
fn a_shared_commit_url_replays_exactly() {
    let mut m = M::from_query("n=5&seed=7&speed=2&mode=3pc");
    let mut frame = 7.0;
    for round in 0..40 {
        m.frame(frame);
        frame = (frame * 1.7) % 90.0 + 3.0;
        match round {
            4 => m.menu_action(0, "crash"),
            9 => m.menu_action(0, "restart"),
            11 => {
                m.toggle_play();
                m.step();
                m.menu_action(3, "pause");
                m.step();
                m.toggle_play();
            }
            15 => m.menu_action(2, "crash"),
            19 => m.menu_action(2, "restart"),
            _ => {}
        }
    }
    m.toggle_play();
    m.step();
    let q = m.share_query();
    let r = M::from_query(&q);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        (r.sim.now(), r.sim.steps(), r.sim.trace().hash()),
        (m.sim.now(), m.sim.steps(), m.sim.trace().hash()),
        "{q}"
    );
    assert_eq!(timeline(&r), timeline(&m));
    assert_eq!(transactions(&r), transactions(&m));
    assert_eq!(participants(&r), participants(&m));
    assert_eq!(m.scenario.faults.len(), 5, "{q}");
    assert!(m.scenario.faults.iter().any(|f| f.fault == Fault::Pause(3, SEC)));
}

#[test]
fn bad_commit_links_fall_back_with_a_banner() {
    for (q, field) in [
        ("mode=4pc", "mode"),
        ("n=9", "n"),
        ("n=1", "n"),
        ("no=101", "no"),
        ("timeout=1ms", "timeout"),
        ("faults=write:1@1s", "faults[1]"),
        ("bugs=nofence", "bugs"),
        ("ttl=1s", "ttl"),
    ] {
        let m = M::from_query(q);
        assert_eq!(m.errors.len(), 1, "{q}");
        assert!(m.errors[0].contains(&format!("\u{201c}{field}\u{201d}")), "{q}: {}", m.errors[0]);
        assert_eq!(m.query(), "p=txn&n=4&seed=1", "{q}: the default scenario runs");
    }
    let m = M::from_query("p=lock&n=4");
    assert!(m.errors[0].contains("lock scenario"), "{:?}", m.errors);
}

/// The timeline's rows, states and outcomes and the nodes' names read in Chinese.
#[test]
fn the_timeline_reads_in_chinese() {
    let _chinese = crate::i18n::speaking(crate::i18n::Lang::Zh);
    let m = at("2pc", "3s");
    let t = timeline(&m);
    let rows: Vec<&str> = t.rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(rows, ["协调者", "参与者 1", "参与者 2", "参与者 3"]);
    let doubt = t.spans.iter().find(|s| s.class == "in-doubt").expect("in doubt");
    assert!(doubt.label.starts_with("事务 ") && doubt.label.ends_with("：不确定"), "{}", doubt.label);
    assert!(doubt.detail.starts_with(&doubt.label) && doubt.detail.ends_with("已投赞成票，持有锁"));
    let marks: Vec<(u8, &str, &str)> = t.marks.iter().map(|k| (k.row, k.class, k.label.as_str())).collect();
    assert!(marks.contains(&(0, "aborted", "事务 1：中止（ABORT）")), "{marks:?}");
    assert!(marks.contains(&(2, "committed", "事务 2 已提交")), "{marks:?}");
    assert!(t.spans.iter().all(|s| !s.label.contains("txn")), "{:?}", t.spans);
    assert_eq!(participants(&m)[0].name, "参与者 1");
    assert_eq!(m.sim.cluster().protocol.node_name(0), "协调者");
    assert_eq!(row(&m, 2).0, "committed", "outcomes are read from the marks' values, in any language");
}
