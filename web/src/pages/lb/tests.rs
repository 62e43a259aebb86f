//! The service lab on the shared model: the layout and links, what each node says, the
//! backends table and the meter as the page reads them, the settings (a pair or spares keep the
//! backends and move the faults with them), the backend menu's degrade actions, and every
//! preset's outcome as the page shows it.

use super::view::{self, backends, host_status, msg_class, places};
use crate::playground::view::{links, menu_items, nodes};
use crate::playground::{Model, Playground};
use halab_core::lb::{Lb, LbMsg, Status};
use halab_core::protocol::{Degrade, SEC};
use halab_core::scenario::lb::PairMode;
use halab_core::scenario::presets::LB_PRESETS;
use halab_core::sim::fault::Fault;

type M = Model<Lb>;

fn preset(id: &str) -> &'static str {
    LB_PRESETS.iter().find(|p| p.id == id).map_or("", |p| p.query)
}

/// A preset run to `t`, the replay finished (the page does it over several frames).
fn at(id: &str, t: &str) -> M {
    let mut m = M::from_query(&format!("{}&t={t}", preset(id)));
    assert!(m.errors.is_empty(), "{id}: {:?}", m.errors);
    while m.replay_slice(100_000) {}
    m
}

#[test]
fn clients_balancer_and_backends_are_laid_out_left_to_right_and_only_their_links_drawn() {
    let m = M::from_query("p=lb");
    assert_eq!(m.query(), "p=lb&n=6&seed=1");
    assert_eq!(m.speed, Lb::SPEED);
    let v = nodes(&m);
    let labels: Vec<&str> = v.iter().map(|n| n.label.as_str()).collect();
    assert_eq!(labels, ["C", "LB1", "B1", "B2", "B3", "B4"]);
    let c = &m.sim.cluster().protocol.config;
    let p = places(c, 6).expect("a layout");
    assert!(p[0].x < p[1].x && p[1].x < p[2].x, "clients, then the balancer, then the backends");
    assert!(p[2..].windows(2).all(|w| w[0].y < w[1].y && w[0].x == w[1].x), "backends in a column");
    assert_eq!(links(&m), Some(vec![(0, 1), (1, 2), (1, 3), (1, 4), (1, 5)]));
    assert!(places(c, 7).is_none(), "a layout only for its own size");

    // A fenced pair with a spare: witness above, controller below, the backends two columns
    // once there are more than seven.
    let m = M::from_query("p=lb&n=16&pair=fenced&spares=1");
    let labels: Vec<String> = nodes(&m).into_iter().map(|n| n.label).collect();
    assert_eq!(&labels[..5], ["C", "LB1", "LB2", "W", "K"]);
    let c = &m.sim.cluster().protocol.config;
    let p = places(c, 16).unwrap();
    assert!(p[3].y < p[1].y && p[4].y > p[2].y);
    let xs: std::collections::BTreeSet<i64> = p[5..].iter().map(|q| q.x as i64).collect();
    assert_eq!(xs.len(), 2, "eleven backends in two columns");
}

#[test]
fn a_crash_shows_in_the_clients_caption_the_table_and_the_meter() {
    let mut m = M::from_query("p=lb&n=6&seed=1&faults=crash:3@2s&t=5s");
    while m.replay_slice(100_000) {}
    let v = nodes(&m);
    assert_eq!(v[0].caption[0], "200 req/s");
    assert!(v[0].caption[1].contains("failed"), "{:?}", v[0].caption);
    assert_eq!(v[3].role, "crashed");
    let rows = backends(&m);
    assert_eq!(rows.len(), 4);
    assert!(!rows[1].up && rows[1].mode == "down" && rows[1].status == "in pool", "{:?}", rows[1]);
    assert!(rows[1].outstanding > 10, "requests pile up at the dead backend: {}", rows[1].outstanding);
    let meter = view::meter(&m).unwrap();
    let late: u64 = meter.bins.iter().filter(|b| b.end > 3 * SEC).map(|b| b.timeouts).sum();
    assert!(late > 50, "timeouts binned after the crash: {late}");

    // With health checks the balancer marks it down and the table says so.
    let m = at("crash-hc", "5s");
    let rows = backends(&m);
    assert_eq!(rows[1].status, "unhealthy");
}

#[test]
fn statuses_and_message_classes_read_as_the_legend_says() {
    let mut h = halab_core::lb::balancer::Host::default();
    h.in_pool = true;
    assert_eq!(host_status(&h), "in pool");
    assert_eq!(host_status(&halab_core::lb::balancer::Host::default()), "spare");
    let err = LbMsg::Response { id: 1, attempt: 0, status: Status::Error };
    assert_eq!(msg_class(&err), "msg-resp ack no");
    assert_eq!(msg_class(&LbMsg::Forward { id: 1, attempt: 0 }), "msg-req data");
    for (class, _) in Lb::MESSAGES {
        let first = class.split(' ').next().unwrap();
        assert!(first.starts_with("msg-"), "{class}");
    }
}

#[test]
fn a_pair_or_spares_keep_the_backends_and_move_their_faults() {
    let mut m = M::from_query("p=lb&n=6&faults=crash:3@2s,crash:1@3s");
    m.reconfigure(|s| super::keep_backends(s, |s| s.lb.pair = PairMode::Fenced));
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.scenario.nodes, 8, "four backends after clients, two balancers and the witness");
    let faults: Vec<Fault> = m.scenario.faults.iter().map(|f| f.fault.clone()).collect();
    assert_eq!(faults, [Fault::Crash(5), Fault::Crash(1)], "the backend's crash moved with it");
    m.reconfigure(|s| super::keep_backends(s, |s| s.lb.spares = 2));
    assert_eq!(m.scenario.nodes, 9);
    assert!(m.query().contains("spares=2"), "{}", m.query());
    // More spares than backends allow are cut back.
    m.reconfigure(|s| super::keep_backends(s, |s| s.lb.spares = 9));
    assert!(m.scenario.lb.spares < 4);
}

#[test]
fn the_backend_menu_slows_fails_and_recovers_a_backend() {
    let mut m = M::from_query("p=lb&n=6");
    let keys = |m: &M, x| menu_items(m, x).into_iter().map(|i| i.key).collect::<Vec<_>>();
    assert!(keys(&m, 3).contains(&"slow") && keys(&m, 3).contains(&"failfast"));
    assert!(!keys(&m, 1).contains(&"slow"), "not on the balancer");
    m.menu_action(3, "slow");
    m.menu_action(4, "failfast");
    assert!(m.query().contains("slow:3:10@") && m.query().contains("failfast:4@"), "{}", m.query());
    let f: Vec<_> = m.scenario.faults.iter().map(|f| f.fault.clone()).collect();
    assert_eq!(f[0], Fault::Degrade(3, Degrade::Slow(10)));
    m.frame(100.0);
    let roles: Vec<&str> = nodes(&m).iter().map(|n| n.role).collect();
    assert_eq!(&roles[3..5], ["slow", "failing"]);
    m.menu_action(3, "recover");
    m.frame(100.0);
    assert_eq!(nodes(&m)[3].role, "backend");
}

#[test]
fn every_preset_loads_and_reads_as_described() {
    for p in LB_PRESETS {
        let m = M::from_query(p.query);
        assert!(m.errors.is_empty(), "{}: {:?}", p.id, m.errors);
        assert_eq!(m.preset().map(|q| q.id), Some(p.id));
    }
    let m = at("failover", "3s");
    let roles: Vec<&str> = nodes(&m).iter().map(|n| n.role).collect();
    assert_eq!(&roles[..3], ["clients", "crashed", "master"]);
    assert!(nodes(&m)[0].caption.iter().any(|c| c == "VIP → LB2"));
    let m = at("n-plus-1", "5.3s");
    assert_eq!(
        backends(&m)[4].status,
        "warming up",
        "the spare serves, its share growing: {:?}",
        backends(&m)
    );
    assert_eq!(backends(&m)[1].status, "out of pool", "the dead one was replaced");
    let m = at("panic", "4s");
    assert!(nodes(&m)[1].caption.iter().any(|c| c.contains("panic")), "{:?}", nodes(&m)[1].caption);
    let m = at("bug-unfenced", "4s");
    assert!(m.violated());
}

#[test]
fn weights_are_set_per_backend_and_the_list_stays_short() {
    let mut m = M::from_query("p=lb&n=6");
    m.reconfigure(|s| super::set_weight(s, 2, 3));
    assert!(m.query().ends_with("weights=1,1,3"), "{}", m.query());
    assert_eq!(backends(&m).iter().map(|r| r.weight).collect::<Vec<_>>(), [1, 1, 3, 1]);
    m.reconfigure(|s| super::set_weight(s, 2, 1));
    assert!(!m.query().contains("weights"), "back to all 1: {}", m.query());
    // Weighted round robin follows them: B1 with weight 3 gets three of every six requests.
    let mut m = M::from_query("p=lb&n=6&algo=wrr&weights=3,1,1,1&t=4s");
    while m.replay_slice(100_000) {}
    let routed: Vec<u64> = backends(&m).iter().map(|r| r.routed).collect();
    assert!(routed[0].abs_diff(3 * routed[1]) <= 3, "{routed:?}");
}

#[test]
fn the_legend_lists_only_what_the_configuration_can_draw() {
    let classes = |m: &M| crate::playground::legend(m).into_iter().map(|i| i.class).collect::<Vec<_>>();
    let mut m = M::from_query("p=lb&n=6");
    let lone = classes(&m);
    for absent in ["backup", "witness", "controller", "slow", "failing", "msg-check", "msg-lease", "msg-pool"]
    {
        assert!(!lone.contains(&absent), "{absent} in {lone:?}");
    }
    assert!(lone.contains(&"master") && lone.contains(&"backend"));
    m.menu_action(3, "slow");
    assert!(classes(&m).contains(&"slow"), "a slowed backend gets its entry");
    let all = classes(&M::from_query("p=lb&n=9&pair=fenced&spares=1&hc=1&faults=failfast:5@1s"));
    for present in ["backup", "witness", "controller", "failing", "msg-check", "msg-lease", "msg-pool"] {
        assert!(all.contains(&present), "{present} missing from {all:?}");
    }
}

#[test]
fn faults_at_zero_are_noted_with_the_nodes_names() {
    let mut m = M::from_query("p=lb&n=7&pair=on&faults=cut:1-2@0s,crash:3@0s");
    m.frame(100.0);
    let notes: Vec<&str> = m.notes.iter().map(|n| n.text.as_str()).collect();
    assert!(notes.contains(&"link from balancer 1 to balancer 2 cut"), "{notes:?}");
    assert!(notes.contains(&"backend B1 crashed"), "{notes:?}");
}
