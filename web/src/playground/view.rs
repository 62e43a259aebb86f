//! Turns any protocol's `Sim` into the widgets' plain view data at the instant on screen: nodes
//! (with the protocol's own captions), messages in flight, cut links, drops, notes, the verdict,
//! the node menu, presets and bug switches, and faults and trace events in words.

use super::{Model, Playground};
use crate::i18n::zh_core;
use crate::widgets::cluster::{DropView, MessageView, NodeView};
use crate::widgets::controls::{BugView, PresetView};
use crate::widgets::faults::MenuItem;
use crate::widgets::invariants::{Unjudged, ViolationView};
use crate::widgets::notes::NoteView;
use crate::widgets::timeline::TimelineSpan;
use halab_core::protocol::{Degrade, Describe, Micros, NodeId, MS};
use halab_core::scenario::units::format_duration;
use halab_core::sim::fault::Fault;
use halab_core::sim::network::PPM;
use halab_core::sim::trace::{DropReason, TraceEvent, TraceKind};

/// Real time a drop's ✕ stays on screen.
const DROP_FLASH_MS: f64 = 700.0;

/// `1.234 s`
pub fn fmt_time(us: Micros) -> String {
    format!("{:.3} s", us as f64 / 1e6)
}

/// `crashed`, `paused`, or the protocol's role for a live node.
pub fn role_of<P: Playground>(m: &Model<P>, i: usize) -> &'static str {
    let node = &m.sim.cluster().nodes[i];
    match &node.state {
        None => "crashed",
        Some(_) if node.paused_until.is_some_and(|u| u as f64 > m.view_time) => "paused",
        Some(s) => m.sim.cluster().protocol.role(s),
    }
}

/// The fraction left of a live node's armed `timer`, out of `span`.
pub fn timer_left<P: Playground>(m: &Model<P>, i: usize, timer: &P::Timer, span: Micros) -> Option<f64> {
    let node = &m.sim.cluster().nodes[i];
    let deadline = node.timers.get(timer).filter(|_| node.state.is_some())?.at;
    Some(((deadline as f64 - m.view_time) / span.max(1) as f64).clamp(0.0, 1.0))
}

pub fn nodes<P: Playground>(m: &Model<P>) -> Vec<NodeView> {
    let protocol = &m.sim.cluster().protocol;
    (0..m.sim.cluster().len())
        .map(|i| {
            let role = role_of(m, i);
            let facts = P::node(m, i, role);
            NodeView {
                id: i as NodeId,
                label: protocol.node_label(i as NodeId),
                role,
                term: facts.term,
                caption: facts.caption,
                timer: facts.timer,
                selected: m.selected.contains(&(i as NodeId)),
                title: facts.title,
            }
        })
        .collect()
}

/// Above this speed a playing run is fast: its messages carry no tooltip, and at most
/// [`MAX_FAST_MESSAGES`] of them are drawn.
pub const FAST_SPEED: f64 = 2.0;

/// Messages drawn at once in a fast run: at 100x each crosses the picture within a frame or two,
/// so more dots add only drawing time (9-node Paxos at 200 writes/s has 100–230 in flight). Every
/// k-th one by id is drawn; paused or slow, all are.
pub const MAX_FAST_MESSAGES: usize = 80;

pub fn messages<P: Playground>(m: &Model<P>) -> Vec<MessageView> {
    let net = m.sim.network();
    // A message on screen for less than a few frames cannot be hovered: no tooltip then (it cost
    // a string and an element per message per frame; 9-node Paxos at 100x has ~100 in flight).
    let fast = m.playing && m.speed > FAST_SPEED;
    let nodes = &m.sim.cluster().nodes;
    let mut flights = m.sim.in_flight();
    flights.retain(|f| f.from != f.to); // a node's message to itself never crosses the picture
    if fast && flights.len() > MAX_FAST_MESSAGES {
        let every = flights.len().div_ceil(MAX_FAST_MESSAGES);
        flights = flights.into_iter().step_by(every).collect();
    }
    flights
        .into_iter()
        .map(|f| {
            let span = f.arrives.saturating_sub(f.sent_at).max(1) as f64;
            let progress = ((m.view_time - f.sent_at as f64) / span).clamp(0.0, 1.0);
            let to = nodes.get(f.to as usize);
            let down = to.is_none_or(|n| !n.is_up() || f.held_for.is_some_and(|l| l != n.incarnation));
            let blocked = f.cut_at_send || net.is_blocked(f.from, f.to);
            let doomed = f.lost || blocked || down;
            let why = if f.lost {
                tr!(" — will be lost", " — 将会丢失")
            } else if blocked {
                tr!(" — the link is cut", " — 链路已切断")
            } else if down {
                tr!(" — the receiver is down", " — 接收方已宕机")
            } else {
                ""
            };
            MessageView {
                id: f.id,
                from: f.from,
                to: f.to,
                progress,
                kind: P::msg_class(&f.msg),
                doomed,
                title: if fast {
                    String::new()
                } else {
                    {
                        let (from, to, d) = (f.from, f.to, zh_core::msg(&f.msg.detail()));
                        trf!("{from} → {to}: {d}{why}", "{from} → {to}：{d}{why}")
                    }
                },
            }
        })
        .collect()
}

pub fn cuts<P: Playground>(m: &Model<P>) -> Vec<(u8, u8)> {
    m.sim.network().blocked().collect()
}

/// The links the picture draws (`a < b`), or `None` for every pair.
pub fn links<P: Playground>(m: &Model<P>) -> Option<Vec<(u8, u8)>> {
    let protocol = &m.sim.cluster().protocol;
    let n = m.scenario.nodes;
    let pairs: Vec<(u8, u8)> = (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
        .filter(|&(a, b)| protocol.draws_link(a, b))
        .collect();
    (pairs.len() < usize::from(n) * usize::from(n.saturating_sub(1)) / 2).then_some(pairs)
}

/// The pauses of the fault script that began by the instant on screen and end after `start`,
/// as timeline overlays on the paused node's row.
pub fn pause_overlays<P: Playground>(m: &Model<P>, start: Micros) -> Vec<TimelineSpan> {
    let now = m.view_time as Micros;
    m.scenario
        .faults
        .iter()
        .filter(|s| s.at <= now)
        .filter_map(|s| match s.fault {
            Fault::Pause(x, d) if s.at.saturating_add(d) > start => Some(TimelineSpan {
                row: x,
                from: s.at,
                to: Some(s.at.saturating_add(d)),
                class: "paused",
                label: tr!("paused", "已暂停").to_owned(),
                detail: {
                    let d = format_duration(d);
                    trf!("paused for {d}", "暂停 {d}")
                },
            }),
            _ => None,
        })
        .collect()
}

pub fn drops<P: Playground>(m: &Model<P>) -> Vec<DropView> {
    let window = (DROP_FLASH_MS * 1_000.0 * m.speed).clamp(2.0 * MS as f64, 400.0 * MS as f64);
    m.drops
        .iter()
        .filter_map(|d| {
            let age = m.view_time - d.time as f64;
            (age >= 0.0 && age < window).then(|| DropView { from: d.from, to: d.to, fade: age / window })
        })
        .collect()
}

pub fn notes<P: Playground>(m: &Model<P>) -> Vec<NoteView> {
    m.notes.iter().map(|n| NoteView { time: fmt_time(n.time), kind: n.kind, text: n.text.clone() }).collect()
}

pub fn violation<P: Playground>(m: &Model<P>) -> Option<ViolationView> {
    let v = m.sim.violation()?;
    Some(ViolationView {
        invariant: v.invariant.to_owned(),
        detail: crate::i18n::zh_core::msg(&v.detail),
        step: v.step,
        time: fmt_time(v.time),
        recent: v.recent.iter().map(|e| describe_event(e, m.scenario.nodes)).collect(),
    })
}

/// The invariants the protocol says are not judged now.
pub fn unjudged<P: Playground>(m: &Model<P>) -> Vec<Unjudged> {
    P::unjudged(m).into_iter().map(|(invariant, why)| Unjudged { invariant, why }).collect()
}

pub fn menu_items<P: Playground>(m: &Model<P>, x: NodeId) -> Vec<MenuItem> {
    let node = m.sim.cluster().nodes.get(x as usize);
    let up = node.is_some_and(|n| n.is_up());
    let rate = node.map_or(0, |n| n.clock.rate_ppm);
    let item = |key, label: &str, enabled| MenuItem { key, label: label.to_owned(), enabled };
    let select = if m.selected.contains(&x) {
        tr!("☑ Unselect", "☑ 取消选择")
    } else {
        tr!("☐ Select for partition", "☐ 选入分区")
    };
    let why = if P::PAUSE_WHY.en.is_empty() {
        String::new()
    } else {
        let w = P::PAUSE_WHY.get();
        trf!(" ({w})", "（{w}）")
    };
    let mut items = vec![
        item("crash", tr!("✕ Crash", "✕ 崩溃"), up),
        item("restart", tr!("↻ Restart", "↻ 重启"), !up),
        item(
            "pause",
            &{
                let d = format_duration(P::PAUSE);
                trf!("❚❚ Pause {d}{why}", "❚❚ 暂停 {d}{why}")
            },
            up,
        ),
        item("isolate", tr!("⊘ Isolate from all", "⊘ 与所有节点隔离"), true),
    ];
    if P::KIND.takes_writes() {
        items.push(item("write", tr!("✎ Client write here", "✎ 在此提交客户端写入"), true));
    }
    if P::CLOCKS {
        let pct = pct(super::model::MENU_DRIFT_PPM.unsigned_abs());
        items.push(item("drift-fast", &trf!("» Clock {pct} fast", "» 时钟快 {pct}"), rate <= 0));
        items.push(item("drift-slow", &trf!("« Clock {pct} slow", "« 时钟慢 {pct}"), rate >= 0));
        items.push(item("drift-true", tr!("◷ Clock runs true", "◷ 时钟恢复准确"), rate != 0));
    }
    if m.sim.cluster().protocol.degradable(x) {
        items.push(item("slow", &trf!("⏬ {MENU_SLOW_FACTOR}× slower", "⏬ 变慢 {MENU_SLOW_FACTOR} 倍"), up));
        items.push(item("failfast", tr!("⚠ Fail every request (5xx)", "⚠ 所有请求都失败（5xx）"), up));
        items.push(item("recover", tr!("✓ Recover", "✓ 恢复"), up));
    }
    items.push(item("select", select, true));
    items
}

/// How much slower the node menu makes a backend.
pub const MENU_SLOW_FACTOR: u16 = 10;

pub fn menu_title<P: Playground>(m: &Model<P>, x: NodeId) -> String {
    let i = x as usize;
    if i >= m.sim.cluster().len() {
        return String::new();
    }
    let role = role_of(m, i);
    let name = m.sim.cluster().protocol.node_name(x);
    let plain = name == format!("node {x}") || name == trf!("node {x}", "节点 {x}");
    let who = if plain { name } else { trf!("{name} (node {x})", "{name}（节点 {x}）") };
    format!("{who} · {} · {}", role_words::<P>(role), P::node(m, i, role).summary)
}

/// A role (a CSS class: `crashed`, `paused`, or the protocol's) in words: in English the class
/// itself, in Chinese the legend's label for it.
pub fn role_words<P: Playground>(role: &'static str) -> &'static str {
    if crate::i18n::lang() == crate::i18n::Lang::En {
        return role;
    }
    match role {
        "crashed" => tr!("crashed", "已崩溃"),
        "paused" => tr!("paused", "已暂停"),
        _ => P::ROLES
            .iter()
            .find(|(class, _)| class.split(' ').next() == Some(role))
            .map_or(role, |(_, label)| label.get()),
    }
}

/// A clock's rate in words: `+50%`, `−20%`, or `None` for a true clock.
pub fn clock_rate(ppm: i32) -> Option<String> {
    (ppm != 0).then(|| format!("{}{}", if ppm > 0 { "+" } else { "−" }, pct(ppm.unsigned_abs())))
}

pub fn bugs<P: Playground>(m: &Model<P>) -> Vec<BugView> {
    P::BUGS
        .iter()
        .map(|(name, help)| BugView { name, help: zh_core::text(help), on: m.bug_on(name) })
        .collect()
}

/// The preset picker's entries.
pub fn presets<P: Playground>() -> Vec<PresetView> {
    P::PRESETS
        .iter()
        .map(|p| PresetView { id: p.id, title: zh_core::text(p.title), about: zh_core::text(p.about) })
        .collect()
}

fn pct(ppm: u32) -> String {
    let v = f64::from(ppm) * 100.0 / f64::from(PPM);
    let s = format!("{v:.2}");
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

/// A fault in words, for the notes feed.
pub fn describe_fault(f: &Fault, nodes: u8) -> String {
    describe_fault_as(f, nodes, |x| trf!("node {x}", "节点 {x}"))
}

/// A fault in words, naming nodes with `name` (`client 1` rather than `node 2`) where it is
/// aimed at one node.
pub fn describe_fault_as(f: &Fault, nodes: u8, name: impl Fn(NodeId) -> String) -> String {
    match f {
        Fault::Crash(x) => {
            let who = name(*x);
            trf!("{who} crashed", "{who} 崩溃")
        }
        Fault::Restart(x) => {
            let who = name(*x);
            trf!("{who} restarted", "{who} 重启")
        }
        Fault::Pause(x, d) => {
            let (who, d) = (name(*x), format_duration(*d));
            trf!("{who} paused for {d}", "{who} 暂停 {d}")
        }
        Fault::Partition(groups) => {
            let alone: Vec<NodeId> =
                (0..nodes).filter(|x| !groups.iter().flatten().any(|g| g == x)).collect();
            let isolated: Vec<String> = alone.iter().map(u8::to_string).collect();
            let parts: Vec<String> = groups
                .iter()
                .filter(|g| !g.is_empty())
                .map(|g| g.iter().map(u8::to_string).collect::<Vec<_>>().join(","))
                .collect();
            let (iso, parts_text) = (isolated.join(", "), parts.join(" | "));
            match (parts.len(), isolated.is_empty()) {
                (0 | 1, false) if alone.len() == 1 => {
                    let who = name(alone[0]);
                    trf!("{who} isolated", "{who} 被隔离")
                }
                (0 | 1, false) => trf!("node {iso} isolated", "节点 {iso} 被隔离"),
                (_, true) => trf!("network partitioned: {parts_text}", "网络分区：{parts_text}"),
                _ => trf!(
                    "network partitioned: {parts_text}; isolated: {iso}",
                    "网络分区：{parts_text}；被隔离：{iso}"
                ),
            }
        }
        Fault::Cut(a, b) => {
            let (a, b) = (name(*a), name(*b));
            trf!("link from {a} to {b} cut", "{a} 到 {b} 的链路被切断")
        }
        Fault::Mend(a, b) => {
            let (a, b) = (name(*a), name(*b));
            trf!("link from {a} to {b} mended", "{a} 到 {b} 的链路已修复")
        }
        Fault::Heal => tr!("network healed", "网络已修复").into(),
        Fault::SetLoss(p) => {
            let p = pct(*p);
            trf!("message loss set to {p}", "消息丢失率设为 {p}")
        }
        Fault::SetDup(p) => {
            let p = pct(*p);
            trf!("duplication set to {p}", "消息重复率设为 {p}")
        }
        Fault::SetLatency(lo, hi) => {
            let (lo, hi) = (format_duration(*lo), format_duration(*hi));
            trf!("latency set to {lo}–{hi}", "延迟设为 {lo}–{hi}")
        }
        Fault::Write(x) => {
            let who = name(*x);
            trf!("client write sent to {who}", "客户端写入发往 {who}")
        }
        Fault::IsolateLeader => tr!("the leader was isolated", "领导者被隔离").into(),
        Fault::CrashLeader => tr!("the leader crashed", "领导者崩溃").into(),
        Fault::ClockDrift(x, 0) => {
            let who = name(*x);
            trf!("{who}'s clock runs true again", "{who} 的时钟恢复准确")
        }
        Fault::ClockDrift(x, ppm) => {
            let (who, p) = (name(*x), pct(ppm.unsigned_abs()));
            if *ppm > 0 {
                trf!("{who}'s clock runs {p} fast", "{who} 的时钟快 {p}")
            } else {
                trf!("{who}'s clock runs {p} slow", "{who} 的时钟慢 {p}")
            }
        }
        Fault::Degrade(x, Degrade::Slow(f)) => {
            let who = name(*x);
            trf!("{who} turned {f}× slower", "{who} 变慢 {f} 倍")
        }
        Fault::Degrade(x, Degrade::FailFast) => {
            let who = name(*x);
            trf!("{who} fails every request at once", "{who} 对每个请求都立即返回失败")
        }
        Fault::Degrade(x, Degrade::Recover) => {
            let who = name(*x);
            trf!("{who} recovered", "{who} 已恢复")
        }
        Fault::Steer(true) => tr!(
            "manual mode: messages and timers wait for explicit steps",
            "手动模式：消息和定时器等待逐步指定"
        )
        .into(),
        Fault::Steer(false) => {
            tr!("manual mode off: the run goes on by itself", "手动模式结束：运行自行继续").into()
        }
        Fault::Deliver(id) => trf!("message #{id} delivered now", "消息 #{id} 立即送达"),
        Fault::Lose(id) => trf!("message #{id} lost on purpose", "消息 #{id} 被有意丢弃"),
        Fault::Copy(id) => trf!("message #{id} duplicated", "消息 #{id} 被复制"),
        Fault::Fire(x, k) => {
            let who = name(*x);
            trf!("{who}'s timer {k} fired now", "{who} 的定时器 {k} 立即触发")
        }
    }
}

/// Why a message was dropped, in words.
pub fn drop_why(reason: &DropReason) -> &'static str {
    match reason {
        DropReason::Lost => tr!("lost", "丢失"),
        DropReason::Partitioned => tr!("link cut", "链路被切断"),
        DropReason::NodeDown => tr!("receiver down", "接收方宕机"),
        DropReason::Crashed => tr!("receiver crashed before handling it", "接收方在处理前崩溃"),
    }
}

/// One trace event in words, for the violation report.
pub fn describe_event(e: &TraceEvent, nodes: u8) -> String {
    let what = match &e.kind {
        TraceKind::Send { from, to, label, .. } => {
            trf!("{from} → {to} sends {label}", "{from} → {to} 发送 {label}")
        }
        TraceKind::Deliver { from, to, label, .. } => {
            trf!("{to} receives {label} from {from}", "{to} 收到来自 {from} 的 {label}")
        }
        TraceKind::Drop { from, to, label, reason, .. } => {
            let why = drop_why(reason);
            trf!("{label} {from} → {to} dropped ({why})", "{label} {from} → {to} 被丢弃（{why}）")
        }
        TraceKind::Timer { node, label } => {
            trf!("node {node}: {label} timer fires", "节点 {node}：{label} 定时器触发")
        }
        TraceKind::Fault(f) => {
            let f = describe_fault(f, nodes);
            trf!("fault: {f}", "故障：{f}")
        }
        TraceKind::ClientSubmit { req, node } => {
            trf!("client write #{req} → node {node}", "客户端写入 #{req} → 节点 {node}")
        }
        TraceKind::ClientReply { req, node, outcome } => {
            let outcome = zh_core::text(outcome);
            trf!("node {node} answers write #{req}: {outcome}", "节点 {node} 答复写入 #{req}：{outcome}")
        }
        TraceKind::Note { text, .. } => crate::i18n::zh_core::msg(text),
    };
    let (step, time) = (e.step, fmt_time(e.time));
    trf!("step {step} · {time} · {what}", "第 {step} 步 · {time} · {what}")
}

/// [`describe_event`] in English whatever the page's language: for the exported text trace.
pub fn describe_event_en(e: &TraceEvent, nodes: u8) -> String {
    let lang = crate::i18n::lang();
    crate::i18n::set_lang(crate::i18n::Lang::En);
    let text = describe_event(e, nodes);
    crate::i18n::set_lang(lang);
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use halab_core::lock::Lock;
    use halab_core::paxos::Paxos;
    use halab_core::raft::Raft;
    use halab_core::txn::Txn;

    #[test]
    fn faults_read_well() {
        assert_eq!(describe_fault(&Fault::Partition(vec![vec![0, 1, 3, 4]]), 5), "node 2 isolated");
        assert_eq!(
            describe_fault(&Fault::Partition(vec![vec![0, 1], vec![2, 3, 4]]), 5),
            "network partitioned: 0,1 | 2,3,4"
        );
        assert_eq!(describe_fault(&Fault::SetLoss(50_000), 5), "message loss set to 5%");
        let name = |x: u8| if x == 0 { "lock server".to_owned() } else { format!("client {x}") };
        assert_eq!(describe_fault_as(&Fault::Partition(vec![vec![1, 2]]), 3, name), "lock server isolated");
        assert_eq!(describe_fault_as(&Fault::Pause(2, 2_000_000), 3, name), "client 2 paused for 2s");
        assert_eq!(
            describe_fault_as(&Fault::ClockDrift(1, -200_000), 3, name),
            "client 1's clock runs 20% slow"
        );
        assert_eq!(describe_fault(&Fault::ClockDrift(1, 0), 3), "node 1's clock runs true again");
        assert_eq!(clock_rate(500_000).as_deref(), Some("+50%"));
        assert_eq!(clock_rate(-250_000).as_deref(), Some("−25%"));
        assert_eq!(clock_rate(0), None);
    }

    #[test]
    fn faults_read_in_chinese_but_the_text_trace_stays_english() {
        use crate::i18n::{set_lang, Lang};
        set_lang(Lang::Zh);
        assert_eq!(describe_fault(&Fault::Crash(3), 5), "节点 3 崩溃");
        assert_eq!(
            describe_fault(&Fault::Partition(vec![vec![0, 1], vec![2, 3, 4]]), 5),
            "网络分区：0,1 | 2,3,4"
        );
        assert_eq!(describe_fault(&Fault::ClockDrift(1, -200_000), 3), "节点 1 的时钟慢 20%");
        let mut m = Model::<Raft>::from_query("n=3&seed=5&speed=100&faults=crash:1@1s");
        while m.sim.now() < 1_500_000 {
            m.frame(100.0);
        }
        let feed = m.notes.iter().map(|n| n.text.clone()).collect::<Vec<_>>().join("\n");
        let trace = m.text_trace();
        let title = menu_title(&m, 1);
        set_lang(Lang::En);
        assert!(feed.contains("崩溃"), "{feed}");
        assert!(title.contains("已崩溃"), "{title}");
        assert!(trace.contains("fault: node 1 crashed") && !trace.contains("崩溃"), "{trace}");
    }

    fn covers_every_node_and_message<P: Playground>(query: &str, n: usize) {
        let mut m = Model::<P>::from_query(query);
        for _ in 0..30 {
            m.frame(16.0);
        }
        while m.sim.in_flight().is_empty() {
            m.step();
        }
        assert_eq!(nodes(&m).len(), n);
        let msgs = messages(&m);
        assert!(!msgs.is_empty());
        assert!(msgs.iter().all(|v| (0.0..=1.0).contains(&v.progress) && !v.kind.is_empty()));
        m.menu_action(3, "crash");
        let v = nodes(&m);
        assert_eq!(v[3].role, "crashed");
        assert_eq!(v[3].timer, None);
        assert!(menu_items(&m, 3).iter().any(|i| i.key == "restart" && i.enabled));
        let title = menu_title(&m, 3);
        assert!(title.contains("node 3") && title.contains(" · crashed · "), "{title}");
        m.menu_action(4, "pause");
        assert_eq!(role_of(&m, 4), "paused");
        assert_eq!(bugs(&m).len(), P::BUGS.len());
        assert_eq!(presets::<P>().len(), P::PRESETS.len());
    }

    #[test]
    fn views_cover_every_node_and_message() {
        covers_every_node_and_message::<Raft>("n=7&seed=5&speed=1", 7);
        covers_every_node_and_message::<Paxos>("n=6&seed=5&speed=1", 6);
        covers_every_node_and_message::<Lock>("n=6&seed=5&speed=1", 6);
        covers_every_node_and_message::<Txn>("n=6&seed=5&speed=1", 6);
    }
}
