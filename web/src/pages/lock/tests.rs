//! The lock page on the shared model: roles and beliefs, the Kleppmann pause and its fencing,
//! the holders timeline, the "not judged" verdict, the node menu's pause and clock drift, and
//! the presets' outcomes as the page shows them.

use super::view::{self, short_label, timeline, unjudged, writes};
use crate::playground::view::{links, menu_items, menu_title, nodes, role_of};
use crate::playground::{Model, Playground};
use halab_core::lock::invariants::{FENCING, ONE_HOLDER, TOKENS_INCREASE};
use halab_core::lock::Lock;
use halab_core::protocol::SEC;
use halab_core::scenario::presets::LOCK_PRESETS;
use halab_core::scenario::url;
use halab_core::sim::fault::Fault;

type M = Model<Lock>;

fn preset(id: &str) -> &'static str {
    LOCK_PRESETS.iter().find(|p| p.id == id).map_or("", |p| p.query)
}

fn at(id: &str, t: &str) -> M {
    let m = M::from_query(&format!("{}&t={t}", preset(id)));
    assert!(m.errors.is_empty(), "{id}: {:?}", m.errors);
    m
}

#[test]
fn the_server_the_storage_and_the_clients_look_different_and_say_what_they_believe() {
    let m = M::from_query("");
    assert_eq!(m.query(), "p=lock&n=4&seed=1", "the default scenario, at the lock's own default speed");
    assert_eq!(m.speed, Lock::SPEED);
    let v = nodes(&m);
    let labels: Vec<&str> = v.iter().map(|n| n.label.as_str()).collect();
    assert_eq!(labels, ["L", "DB", "C1", "C2"]);
    assert_eq!(v[0].role, "server");
    assert_eq!(v[1].role, "storage");
    assert_eq!(v[0].caption, ["lock server", "free", "next token 1"]);
    assert_eq!(v[1].caption, ["storage", "highest token 0", "0 stored · 0 refused"]);
    assert_eq!(v[2].caption, ["client 1", "idle"]);
    // Clients talk to the server and the storage only.
    assert_eq!(links(&m), Some(vec![(0, 2), (0, 3), (1, 2), (1, 3)]));

    let m = at("healthy", "1s");
    let v = nodes(&m);
    assert_eq!(v[2].role, "holder", "client 1 holds token 2 from 0.81 s");
    assert_eq!(v[2].term, 2);
    assert_eq!(v[2].caption[1], "holds token 2");
    assert!(v[2].caption[2].ends_with(" s left"), "{:?}", v[2].caption);
    assert!(v[2].timer.is_some_and(|f| f > 0.0 && f < 1.0), "the lease ring");
    assert_eq!(v[0].caption[1], "client 1 · token 2");
    assert!(v[0].caption[2].ends_with(" s left"));
    assert_eq!(v[1].term, 1, "the storage's highest token");
    assert_eq!(v[1].caption[2], "1 stored · 0 refused");
    assert!(
        menu_title(&m, 2).starts_with("client 1 (node 2) · holder · holds token 2"),
        "{}",
        menu_title(&m, 2)
    );
    assert!(unjudged(&m).is_empty(), "nothing paused, no drift: every invariant is judged");
}

#[test]
fn kleppmann_the_paused_client_still_believes_and_its_late_write_is_refused() {
    let m = at("kleppmann", "2.5s");
    assert_eq!(role_of(&m, 2), "paused");
    let c1 = &nodes(&m)[2];
    assert_eq!(c1.caption[1], "❚❚ holds token 2");
    assert_eq!(c1.caption[2], "lease expired");
    assert!(c1.title.contains("paused"), "{}", c1.title);
    let u = unjudged(&m);
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].0, ONE_HOLDER);
    assert!(u[0].1.starts_with("client 1 was paused — "), "{}", u[0].1);
    assert!(
        m.notes.iter().any(|n| n.kind == "fault" && n.text == "client 1 paused for 2s"),
        "faults name the client"
    );

    let m = at("kleppmann", "4s");
    assert!(!m.violated());
    let w = writes(&m);
    let refused: Vec<_> = w.iter().filter(|w| !w.accepted).collect();
    assert_eq!(refused.len(), 1);
    assert_eq!((refused[0].token, refused[0].highest_before, refused[0].who.as_str()), (2, 3, "client 1"));
    assert!(w.iter().all(|w| !w.stale()));
    assert!(w.windows(2).all(|p| p[0].at >= p[1].at), "newest first");
    assert_eq!(
        nodes(&m)[1].caption[2],
        format!("{} stored · 1 refused", w.iter().filter(|w| w.accepted).count())
    );
    assert!(unjudged(&m).is_empty(), "judged again one TTL after the pause: {:?}", unjudged(&m));
    let m = at("kleppmann", "3.5s");
    assert!(unjudged(&m)[0].1.contains("2 overlaps seen"), "{:?}", unjudged(&m));

    let m = at("kleppmann-nofence", "4s");
    assert_eq!(m.sim.violation().map(|v| v.invariant), Some(FENCING));
    let stale: Vec<_> = writes(&m).into_iter().filter(|w| w.stale()).collect();
    assert_eq!(stale.len(), 1);
    assert_eq!((stale[0].token, stale[0].highest_before), (2, 3));
    let marks: Vec<_> = timeline(&m).marks.into_iter().filter(|k| k.class == "stale").collect();
    assert_eq!(marks.len(), 1, "the stale write is drawn apart");
    assert!(
        marks[0].label.contains("token 2") && marks[0].label.contains("below token 3"),
        "{}",
        marks[0].label
    );
}

#[test]
fn the_timeline_shows_holders_the_pause_and_the_storages_verdicts() {
    let m = at("kleppmann", "3s");
    let t = timeline(&m);
    assert_eq!((t.now, t.window), (3 * SEC, 8 * SEC));
    let rows: Vec<&str> = t.rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(rows, ["lock server", "storage", "client 1", "client 2"]);
    let held = t.spans.iter().find(|s| s.row == 2 && s.class == "holding").expect("client 1 held");
    assert_eq!((held.label.as_str(), held.detail.as_str()), ("#2", "token 2"));
    assert!(held.to.is_some_and(|to| to >= 2_900_000), "held through the pause: {held:?}");
    assert!(t.spans.iter().any(|s| s.row == 0 && s.class == "leased" && s.label == "C2 #3"));
    assert_eq!(t.overlays.len(), 1);
    assert_eq!((t.overlays[0].row, t.overlays[0].from, t.overlays[0].to), (2, 900_000, Some(2_900_000)));
    let marks: Vec<(&str, &str)> = t.marks.iter().map(|k| (k.class, k.label.as_str())).collect();
    assert!(marks.contains(&("rejected", "refused client 1, token 2")), "{marks:?}");
    assert!(!marks.iter().any(|(c, _)| *c == "stale"), "fencing on: nothing stale is stored");

    // Long runs keep only the window.
    let m = at("healthy", "30s");
    let t = timeline(&m);
    assert!(t.spans.iter().all(|s| s.to.is_none_or(|to| to > 22 * SEC)));
    assert!(t.marks.iter().all(|k| k.at >= 22 * SEC) && !t.marks.is_empty());
    // The window follows the TTL.
    let m = M::from_query("ttl=2s&t=1s");
    assert_eq!(view::window(&m), 16 * SEC);
    assert_eq!(view::window(&M::from_query("ttl=60s")), view::MAX_WINDOW);
}

#[test]
fn parts_per_million_read_as_percentages() {
    use super::view::ppm_as_percent;
    assert_eq!(
        ppm_as_percent("the lock server's clock drifts 500000 ppm, past the 10000 ppm bound"),
        "the lock server's clock drifts 50%, past the 1% bound"
    );
    assert_eq!(ppm_as_percent("client 1's clock drifts -250000 ppm"), "client 1's clock drifts −25%");
    assert_eq!(ppm_as_percent("client 1 was paused"), "client 1 was paused");
    assert_eq!(ppm_as_percent("ppm 12 ppm"), "ppm 0.0012%");
    assert_eq!(ppm_as_percent("x 5 ppmm"), "x 5 ppmm");
}

#[test]
fn short_labels_fit_a_half_second_span() {
    use halab_core::lock::config::{LockConfig, FIRST_CLIENT};
    use halab_core::lock::SERVER;
    use halab_core::msg;
    let c = LockConfig::default();
    let lease = |id, token: u64| msg!("{who} · token {token}", who = c.name(id), token);
    assert_eq!(short_label(&msg!("token {token}", token = 12u64)), "#12");
    assert_eq!(short_label(&lease(FIRST_CLIENT + 1, 3)), "C2 #3");
    assert_eq!(short_label(&msg!("grace period")), "grace period");
    assert_eq!(short_label(&lease(SERVER, 3)), "lock server · token 3", "only a client has a circle label");
}

#[test]
fn every_preset_shows_its_outcome() {
    for p in LOCK_PRESETS {
        let m = at(p.id, "8s");
        assert_eq!(m.preset().map(|q| q.id), Some(p.id));
        let broke = m.sim.violation().map(|v| v.invariant);
        match p.id {
            "healthy" | "server-restart" => {
                assert_eq!(broke, None, "{}", p.id);
                assert!(unjudged(&m).is_empty(), "{}", p.id);
                let tokens: Vec<u64> = writes(&m).iter().rev().map(|w| w.token).collect();
                assert!(tokens.len() >= 5 && tokens.windows(2).all(|w| w[0] < w[1]), "{}: {tokens:?}", p.id);
            }
            "kleppmann" | "drift" => {
                assert_eq!(broke, None, "{}", p.id);
                assert!(view::overlaps(&m) > 0, "{}", p.id);
                assert!(writes(&m).iter().any(|w| !w.accepted), "{}: a stale write was refused", p.id);
                // The pause is long over (judged again); the drift lasts the whole run.
                assert_eq!(unjudged(&m).len(), usize::from(p.id == "drift"), "{}", p.id);
            }
            "bug-volatile" => assert_eq!(broke, Some(TOKENS_INCREASE)),
            "kleppmann-nofence" => assert_eq!(broke, Some(FENCING)),
            _ => assert_eq!(broke, p.breaks, "{}", p.id),
        }
    }
    let m = at("server-restart", "3s");
    assert!(timeline(&m).spans.iter().any(|s| s.row == 0 && s.class == "grace"), "the grace period shows");
    let m = at("drift", "8s");
    assert!(unjudged(&m)[0].1.contains("drifts"), "{:?}", unjudged(&m));
    let rows = timeline(&m).rows;
    assert_eq!((rows[0].note.as_str(), rows[2].note.as_str()), ("clock +50%", "clock −50%"));
    assert_eq!(nodes(&m)[2].caption.last().map(String::as_str), Some("clock −50%"));
}

#[test]
fn the_menu_pauses_for_two_seconds_and_drifts_clocks_but_sends_no_writes() {
    let mut m = M::from_query("t=1s");
    let keys: Vec<&str> = menu_items(&m, 2).iter().map(|i| i.key).collect();
    assert_eq!(
        keys,
        ["crash", "restart", "pause", "isolate", "drift-fast", "drift-slow", "drift-true", "select"]
    );
    let pause = menu_items(&m, 2).into_iter().find(|i| i.key == "pause").map(|i| i.label);
    assert_eq!(pause.as_deref(), Some("❚❚ Pause 2s (a GC pause)"));
    assert!(!menu_items(&m, 2).iter().any(|i| i.key == "drift-true" && i.enabled), "the clock runs true");

    m.menu_action(3, "drift-fast");
    assert_eq!(m.sim.cluster().nodes[3].clock.rate_ppm, 500_000);
    let items = menu_items(&m, 3);
    assert!(items.iter().any(|i| i.key == "drift-true" && i.enabled));
    assert!(items.iter().any(|i| i.key == "drift-fast" && !i.enabled));
    m.menu_action(2, "pause");
    assert_eq!(role_of(&m, 2), "paused");
    m.menu_action(3, "drift-true");
    m.client_write();
    m.menu_action(2, "write");
    let q = url::encode(&m.scenario);
    assert!(q.contains("faults=drift:3:0.5@1.001s,pause:2:2s@1.002s,drift:3:0@1.003s"), "{q}");
    assert!(!q.contains("write"), "the lock takes no client writes: {q}");
    assert!(m.errors.is_empty());
    assert!(m.notes.iter().any(|n| n.text == "client 2's clock runs 50% fast"), "{:?}", m.notes);
    assert!(m.notes.iter().any(|n| n.text == "client 2's clock runs true again"));

    // Resizing stays within the lock's 3 to 8 nodes.
    m.set_nodes(20);
    assert_eq!(m.scenario.nodes, 8);
    m.set_nodes(1);
    assert_eq!(m.scenario.nodes, 3);
    assert_eq!(url::encode(&m.scenario), "p=lock&n=3&seed=1&faults=pause:2:2s@1.002s");
}

#[test]
fn a_shared_lock_url_replays_pauses_and_drifts_exactly() {
    let mut m = M::from_query("n=5&seed=7&speed=3");
    let mut frame = 7.0;
    for round in 0..40 {
        m.frame(frame);
        frame = (frame * 1.7) % 90.0 + 3.0;
        match round {
            4 => m.menu_action(2, "pause"),
            8 => m.menu_action(0, "drift-fast"),
            11 => {
                m.toggle_play();
                m.step();
                m.menu_action(3, "drift-slow");
                m.step();
                m.toggle_play();
            }
            15 => m.menu_action(1, "crash"),
            19 => m.menu_action(1, "restart"),
            24 => m.toggle_link(0, 4),
            30 => m.menu_action(0, "drift-true"),
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
    assert_eq!(m.scenario.faults.len(), 8, "{q}");
    assert!(m.scenario.faults.iter().any(|f| f.fault == Fault::ClockDrift(3, -500_000)));
}

#[test]
fn lock_settings_restart_the_run_and_land_in_the_url() {
    let mut m = M::from_query("faults=pause:2:2s@900ms&speed=0.5");
    m.frame(50.0);
    m.reconfigure(|s| s.lock.ttl = 2 * SEC);
    m.reconfigure(|s| s.lock.bound_ppm = 50_000);
    m.reconfigure(|s| (s.lock.work_min, s.lock.work_max) = (SEC, 3 * SEC));
    assert_eq!(m.sim.now(), 0);
    assert_eq!(m.query(), "p=lock&n=4&seed=1&ttl=2s&bound=0.05&work=1s-3s&faults=pause:2:2s@900ms&speed=0.5");
    m.reconfigure(|s| s.lock.ttl = 1);
    assert_eq!(m.scenario.lock.ttl, 2 * SEC, "below the minimum TTL: refused");
    m.toggle_bug("nofence");
    assert!(m.bug_on("nofence") && m.query().contains("bugs=nofence"));
}

#[test]
fn bad_lock_links_fall_back_with_a_banner() {
    for (q, field) in
        [("ttl=1ms", "ttl"), ("rate=4", "rate"), ("faults=write:2@1s", "faults[1]"), ("n=9", "n")]
    {
        let m = M::from_query(q);
        assert_eq!(m.errors.len(), 1, "{q}");
        assert!(m.errors[0].contains(&format!("\u{201c}{field}\u{201d}")), "{q}: {}", m.errors[0]);
        assert_eq!(m.query(), "p=lock&n=4&seed=1", "{q}: the default scenario runs");
    }
}

/// The timeline's rows, states and the storage's verdicts, and the writes' names, read in
/// Chinese; the short labels are the circles' and read the same in both.
#[test]
fn the_timeline_and_the_writes_read_in_chinese() {
    let _chinese = crate::i18n::speaking(crate::i18n::Lang::Zh);
    let m = at("kleppmann", "3s");
    let t = timeline(&m);
    let rows: Vec<&str> = t.rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(rows, ["锁服务器", "存储", "客户端 1", "客户端 2"]);
    let held = t.spans.iter().find(|s| s.row == 2 && s.class == "holding").expect("client 1 held");
    assert_eq!((held.label.as_str(), held.detail.as_str()), ("#2", "令牌 2"));
    let lease = t.spans.iter().find(|s| s.row == 0 && s.class == "leased" && s.label == "C2 #3");
    assert_eq!(lease.map(|s| s.detail.as_str()), Some("客户端 2 · 令牌 3"));
    let marks: Vec<(&str, &str)> = t.marks.iter().map(|k| (k.class, k.label.as_str())).collect();
    assert!(marks.contains(&("rejected", "已拒绝客户端 1 的写入，令牌 2")), "{marks:?}");
    assert!(writes(&at("kleppmann", "4s")).iter().all(|w| w.who.starts_with("客户端 ")));
    let m = at("server-restart", "3s");
    let words: Vec<String> = timeline(&m).spans.iter().map(|s| s.label.clone()).collect();
    assert!(words.iter().any(|w| w == "宽限期") && words.iter().all(|w| !w.contains("grace")), "{words:?}");
}
