//! Turns the Raft `Sim` into the widgets' plain view data at the instant on screen. All Raft
//! knowledge of the page lives here; the widgets only see roles, classes and numbers.

use super::model::Model;
use crate::widgets::cluster::{DropView, LegendItem, MessageView, NodeView};
use crate::widgets::controls::{BugView, PresetView};
use crate::widgets::faults::MenuItem;
use crate::widgets::invariants::ViolationView;
use crate::widgets::log::LogRow;
use crate::widgets::notes::NoteView;
use halab_core::protocol::{Describe, Micros, NodeId, MS};
use halab_core::raft::invariants::{
    ELECTION_SAFETY, LEADER_COMPLETENESS, LOG_MATCHING, STATE_MACHINE_SAFETY,
};
use halab_core::raft::{Log, Msg, RaftState, Timer};
use halab_core::scenario::presets::RAFT_PRESETS;
use halab_core::scenario::units::format_duration;
use halab_core::scenario::url::BUG_NAMES;
use halab_core::sim::fault::Fault;
use halab_core::sim::network::PPM;
use halab_core::sim::trace::{DropReason, TraceEvent, TraceKind};

/// The invariants `RaftChecker` checks after every step.
pub const INVARIANTS: [&str; 4] = [ELECTION_SAFETY, LOG_MATCHING, LEADER_COMPLETENESS, STATE_MACHINE_SAFETY];

/// How many log indexes the table shows (the newest ones).
pub const LOG_WINDOW: u64 = 24;

/// Real time a drop's ✕ stays on screen.
const DROP_FLASH_MS: f64 = 700.0;

/// `1.234 s`
pub fn fmt_time(us: Micros) -> String {
    format!("{:.3} s", us as f64 / 1e6)
}

fn role_of(m: &Model, i: usize) -> &'static str {
    let node = &m.sim.cluster().nodes[i];
    match &node.state {
        None => "crashed",
        Some(_) if node.paused_until.is_some_and(|u| u as f64 > m.view_time) => "paused",
        Some(s) => s.role.name(),
    }
}

/// The state a node shows: live, or for a crashed node the durable part (term, vote, log).
fn shown(m: &Model, i: usize) -> (u64, Option<NodeId>, Option<&Log>, u64) {
    let node = &m.sim.cluster().nodes[i];
    match (&node.state, &node.durable) {
        (Some(s), _) => (s.term, s.voted_for, Some(&s.log), s.commit),
        (None, Some(d)) => (d.term, d.voted_for, Some(&d.log), 0),
        (None, None) => (0, None, None, 0),
    }
}

pub fn nodes(m: &Model) -> Vec<NodeView> {
    let election_max = m.scenario.election_max.max(1) as f64;
    (0..m.sim.cluster().len())
        .map(|i| {
            let node = &m.sim.cluster().nodes[i];
            let role = role_of(m, i);
            let (term, voted, log, commit) = shown(m, i);
            let mut caption = vec![format!("term {term}")];
            match role {
                "crashed" | "paused" => caption.insert(0, role.to_owned()),
                _ => caption.push(voted.map_or_else(|| "no vote".to_owned(), |v| format!("voted {v}"))),
            }
            let timer = node
                .timers
                .get(&Timer::Election)
                .filter(|_| node.state.is_some())
                .map(|(deadline, _)| ((*deadline as f64 - m.view_time) / election_max).clamp(0.0, 1.0));
            let last = log.map_or(0, Log::last_index);
            let title = format!(
                "node {i}: {role}, term {term}, {}, log {last} entries, commit {commit}. Click for actions.",
                voted.map_or_else(|| "no vote".to_owned(), |v| format!("voted for {v}"))
            );
            NodeView {
                id: i as NodeId,
                label: i.to_string(),
                role,
                term,
                caption,
                timer,
                selected: m.selected.contains(&(i as NodeId)),
                title,
            }
        })
        .collect()
}

fn msg_kind(msg: &Msg) -> &'static str {
    match msg {
        Msg::RequestVote { .. } => "msg-rv",
        Msg::Vote { granted: true, .. } => "msg-vote",
        Msg::Vote { granted: false, .. } => "msg-vote no",
        Msg::Append { entries, .. } if entries.is_empty() => "msg-ae",
        Msg::Append { .. } => "msg-ae data",
        Msg::AppendReply { success: true, .. } => "msg-ar",
        Msg::AppendReply { success: false, .. } => "msg-ar no",
    }
}

pub fn messages(m: &Model) -> Vec<MessageView> {
    let net = m.sim.network();
    let nodes = &m.sim.cluster().nodes;
    m.sim
        .in_flight()
        .into_iter()
        .map(|f| {
            let span = f.arrives.saturating_sub(f.sent_at).max(1) as f64;
            let progress = ((m.view_time - f.sent_at as f64) / span).clamp(0.0, 1.0);
            let down = nodes.get(f.to as usize).is_none_or(|n| !n.is_up());
            let blocked = net.is_blocked(f.from, f.to);
            let doomed = f.lost || blocked || down;
            let why = if f.lost {
                " — will be lost"
            } else if blocked {
                " — the link is cut"
            } else if down {
                " — the receiver is down"
            } else {
                ""
            };
            MessageView {
                id: f.id,
                from: f.from,
                to: f.to,
                progress,
                kind: msg_kind(&f.msg),
                doomed,
                title: format!("{} → {}: {}{why}", f.from, f.to, f.msg.detail()),
            }
        })
        .collect()
}

pub fn cuts(m: &Model) -> Vec<(u8, u8)> {
    m.sim.network().blocked().collect()
}

pub fn drops(m: &Model) -> Vec<DropView> {
    let window = (DROP_FLASH_MS * 1_000.0 * m.speed).clamp(2.0 * MS as f64, 400.0 * MS as f64);
    m.drops
        .iter()
        .filter_map(|d| {
            let age = m.view_time - d.time as f64;
            (age >= 0.0 && age < window).then(|| DropView { from: d.from, to: d.to, fade: age / window })
        })
        .collect()
}

/// The first index shown and one row per node.
pub fn log(m: &Model) -> (u64, Vec<LogRow>) {
    let n = m.sim.cluster().len();
    let last = (0..n).filter_map(|i| shown(m, i).2.map(Log::last_index)).max().unwrap_or(0);
    let first = last.saturating_sub(LOG_WINDOW - 1).max(1);
    let rows = (0..n)
        .map(|i| {
            let (_, _, log, commit) = shown(m, i);
            let terms = (first..=last).map(|k| log.and_then(|l| l.get(k)).map(|e| e.term)).collect();
            let role = role_of(m, i);
            LogRow { label: format!("node {i}"), role, terms, commit, dim: role == "crashed" }
        })
        .collect();
    (first, rows)
}

pub fn notes(m: &Model) -> Vec<NoteView> {
    m.notes.iter().map(|n| NoteView { time: fmt_time(n.time), kind: n.kind, text: n.text.clone() }).collect()
}

pub fn violation(m: &Model) -> Option<ViolationView> {
    let v = m.sim.violation()?;
    Some(ViolationView {
        invariant: v.invariant.to_owned(),
        detail: v.detail.clone(),
        step: v.step,
        time: fmt_time(v.time),
        recent: v.recent.iter().map(|e| describe_event(e, m.scenario.nodes)).collect(),
    })
}

pub fn menu_items(m: &Model, x: NodeId) -> Vec<MenuItem> {
    let up = m.sim.cluster().nodes.get(x as usize).is_some_and(|n| n.is_up());
    let item = |key, label: &str, enabled| MenuItem { key, label: label.to_owned(), enabled };
    let select = if m.selected.contains(&x) { "☑ Unselect" } else { "☐ Select for partition" };
    vec![
        item("crash", "✕ Crash", up),
        item("restart", "↻ Restart", !up),
        item("pause", "❚❚ Pause 1 s", up),
        item("isolate", "⊘ Isolate from all", true),
        item("write", "✎ Client write here", true),
        item("select", select, true),
    ]
}

pub fn menu_title(m: &Model, x: NodeId) -> String {
    let i = x as usize;
    if i >= m.sim.cluster().len() {
        return String::new();
    }
    format!("node {x} · {} · term {}", role_of(m, i), shown(m, i).0)
}

pub fn write_hint(m: &Model) -> String {
    let to = m.write_target();
    let leads = m.sim.cluster().state(to).is_some_and(RaftState::is_leader);
    if leads {
        format!("the leader, node {to}")
    } else {
        format!("node {to} (no leader yet; it will redirect)")
    }
}

pub fn bugs(m: &Model) -> Vec<BugView> {
    BUG_NAMES.iter().map(|(name, help)| BugView { name, help, on: m.bug_on(name) }).collect()
}

pub fn legend() -> Vec<LegendItem> {
    let it = |shape, class, label| LegendItem { shape, class, label };
    vec![
        it("node", "follower", "follower"),
        it("node", "candidate", "candidate"),
        it("node", "leader", "leader"),
        it("node", "paused", "paused"),
        it("node", "crashed", "crashed"),
        it("ring", "", "election timer left"),
        it("msg", "msg-rv", "RequestVote"),
        it("msg", "msg-vote", "Vote (hollow: refused)"),
        it("msg", "msg-ae", "AppendEntries (big: with entries)"),
        it("msg", "msg-ar", "AppendReply (hollow: retry)"),
        it("doomed", "msg-ae", "will be dropped"),
        it("drop", "", "just dropped"),
        it("line", "cut", "cut link"),
    ]
}

fn pct(ppm: u32) -> String {
    let v = f64::from(ppm) * 100.0 / f64::from(PPM);
    let s = format!("{v:.2}");
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

/// A fault in words, for the notes feed.
pub fn describe_fault(f: &Fault, nodes: u8) -> String {
    match f {
        Fault::Crash(x) => format!("node {x} crashed"),
        Fault::Restart(x) => format!("node {x} restarted"),
        Fault::Pause(x, d) => format!("node {x} paused for {}", format_duration(*d)),
        Fault::Partition(groups) => {
            let isolated: Vec<String> = (0..nodes)
                .filter(|x| !groups.iter().flatten().any(|g| g == x))
                .map(|x| x.to_string())
                .collect();
            let parts: Vec<String> = groups
                .iter()
                .filter(|g| !g.is_empty())
                .map(|g| g.iter().map(u8::to_string).collect::<Vec<_>>().join(","))
                .collect();
            match (parts.len(), isolated.is_empty()) {
                (0 | 1, false) => format!("node {} isolated", isolated.join(", ")),
                (_, true) => format!("network partitioned: {}", parts.join(" | ")),
                _ => format!("network partitioned: {}; isolated: {}", parts.join(" | "), isolated.join(", ")),
            }
        }
        Fault::Cut(a, b) => format!("link {a}→{b} cut"),
        Fault::Mend(a, b) => format!("link {a}→{b} mended"),
        Fault::Heal => "network healed".into(),
        Fault::SetLoss(p) => format!("message loss set to {}", pct(*p)),
        Fault::SetDup(p) => format!("duplication set to {}", pct(*p)),
        Fault::SetLatency(lo, hi) => {
            format!("latency set to {}–{}", format_duration(*lo), format_duration(*hi))
        }
        Fault::Write(x) => format!("client write sent to node {x}"),
        Fault::IsolateLeader => "the leader was isolated".into(),
        Fault::CrashLeader => "the leader crashed".into(),
    }
}

/// One trace event in words, for the violation report.
pub fn describe_event(e: &TraceEvent, nodes: u8) -> String {
    let what = match &e.kind {
        TraceKind::Send { from, to, label, .. } => format!("{from} → {to} sends {label}"),
        TraceKind::Deliver { from, to, label, .. } => format!("{to} receives {label} from {from}"),
        TraceKind::Drop { from, to, label, reason, .. } => {
            let why = match reason {
                DropReason::Lost => "lost",
                DropReason::Partitioned => "link cut",
                DropReason::NodeDown => "receiver down",
            };
            format!("{label} {from} → {to} dropped ({why})")
        }
        TraceKind::Timer { node, label } => format!("node {node}: {label} timer fires"),
        TraceKind::Fault(f) => format!("fault: {}", describe_fault(f, nodes)),
        TraceKind::ClientSubmit { req, node } => format!("client write #{req} → node {node}"),
        TraceKind::ClientReply { req, node, outcome } => {
            format!("node {node} answers write #{req}: {outcome}")
        }
        TraceKind::Note { text, .. } => text.clone(),
    };
    format!("step {} · {} · {what}", e.step, fmt_time(e.time))
}

/// The preset picker's entries.
pub fn presets() -> Vec<PresetView> {
    RAFT_PRESETS.iter().map(|p| PresetView { id: p.id, title: p.title, about: p.about }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_cover_every_node_and_message() {
        let mut m = Model::from_query("n=7&seed=5&speed=1");
        for _ in 0..30 {
            m.frame(16.0);
        }
        while m.sim.in_flight().is_empty() {
            m.step();
        }
        assert_eq!(nodes(&m).len(), 7);
        let msgs = messages(&m);
        assert!(!msgs.is_empty());
        assert!(msgs.iter().all(|v| (0.0..=1.0).contains(&v.progress)));
        let (first, rows) = log(&m);
        assert_eq!((first, rows.len()), (1, 7));
        m.menu_action(3, "crash");
        let v = nodes(&m);
        assert_eq!(v[3].role, "crashed");
        assert_eq!(v[3].timer, None);
        assert!(menu_items(&m, 3).iter().any(|i| i.key == "restart" && i.enabled));
    }

    #[test]
    fn log_window_shows_the_newest_indexes() {
        let mut m = Model::from_query("n=3&seed=2&rate=50&speed=100");
        for _ in 0..60 {
            m.frame(16.0);
        }
        let (first, rows) = log(&m);
        assert!(first > 1, "enough writes to scroll");
        assert!(rows.iter().all(|r| r.terms.len() as u64 <= LOG_WINDOW));
    }

    #[test]
    fn faults_read_well() {
        assert_eq!(describe_fault(&Fault::Partition(vec![vec![0, 1, 3, 4]]), 5), "node 2 isolated");
        assert_eq!(
            describe_fault(&Fault::Partition(vec![vec![0, 1], vec![2, 3, 4]]), 5),
            "network partitioned: 0,1 | 2,3,4"
        );
        assert_eq!(describe_fault(&Fault::SetLoss(50_000), 5), "message loss set to 5%");
    }
}
