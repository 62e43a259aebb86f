//! The space-time diagram's view: which slice of the record is drawn and where. One lane per
//! node (and one for the clients where the simulator's clients write), time left to right, each
//! message an arrow from its send to its delivery or drop. Only what falls in the window is
//! built, and at most [`MAX_DRAWN`] arrows of it (every k-th beyond), so a long run costs what
//! its window holds, not what it recorded. Pure: tested natively.

use super::history::{Arrow, End, History, MarkKind, CLIENTS};
use super::view::fmt_time;
use super::{Model, Playground};
use crate::widgets::timeline::tick_label;
use halab_core::protocol::{Micros, NodeId, MS, SEC};
use halab_core::sim::trace::TraceKind;
use std::collections::BTreeSet;

/// The diagram's width in SVG units, the lane names' gutter, a lane's height.
pub const W: f64 = 1000.0;
pub const GUTTER: f64 = 92.0;
pub const LANE_H: f64 = 26.0;
/// Room above the first lane for the time axis.
pub const TOP: f64 = 18.0;
/// Arrows drawn at most; beyond, every k-th (the page says so). The diagram redraws ten times a
/// second while the run plays, and after every landing: 1,500 arrows cost a frame (31 fps with
/// 36,000 in the window) and put a Paxos landing's redraw at 62 ms (BENCHMARKS.md).
pub const MAX_DRAWN: usize = 600;
/// How far before the window an arrow may start and still cross it (a message held for a
/// paused node flies for as long as the pause).
const LOOKBACK: Micros = 5 * SEC;
/// The narrowest and widest window.
pub const MIN_SPAN: Micros = MS;
pub const MAX_SPAN: Micros = 600 * SEC;

/// What the viewer chose: the window, the filters, the arrow under the pointer.
#[derive(Clone, Debug, PartialEq)]
pub struct DiagramState {
    pub span: Micros,
    /// The window's right edge; `None` follows the instant on screen.
    pub end: Option<Micros>,
    pub hide_routine: bool,
    /// Only messages with this label.
    pub only: Option<&'static str>,
    /// Nodes whose lanes are hidden.
    pub hidden: BTreeSet<NodeId>,
    pub hover: Option<u64>,
}

impl DiagramState {
    pub fn new(span: Micros) -> Self {
        DiagramState {
            span,
            end: None,
            hide_routine: false,
            only: None,
            hidden: BTreeSet::new(),
            hover: None,
        }
    }

    /// The window `[t0, t1]` with the cursor at `now`: following, the cursor sits near the right
    /// edge (or walks right from 0 until it gets there).
    pub fn window(&self, now: Micros) -> (Micros, Micros) {
        let end = self.end.unwrap_or_else(|| (now + self.span / 10).max(self.span));
        (end.saturating_sub(self.span), end.max(self.span.min(end)).max(1))
    }

    /// Zooms by `factor` (< 1 in) around the window's middle.
    pub fn zoom(&mut self, factor: f64, now: Micros) {
        let (t0, t1) = self.window(now);
        let mid = t0 / 2 + t1 / 2;
        let span = ((self.span as f64 * factor) as Micros).clamp(MIN_SPAN, MAX_SPAN);
        self.span = span;
        if self.end.is_some() {
            self.end = Some((mid + span / 2).max(span));
        }
    }

    /// Shows `[from, to]` with a margin (a violation and the events that led to it).
    pub fn focus(&mut self, from: Micros, to: Micros) {
        let span = (to.saturating_sub(from) * 3 / 2).clamp(20 * MS, MAX_SPAN);
        self.span = span;
        self.end = Some((to + span / 6).max(span));
    }

    /// Brings instant `t` into a panned window (after a travel), centred.
    pub fn reveal(&mut self, t: Micros) {
        if let Some(end) = self.end {
            if t + self.span < end || t > end {
                self.end = Some((t + self.span / 2).max(self.span));
            }
        }
    }

    /// Moves the window by `fraction` of its width (negative: back in time); it stops following.
    pub fn pan(&mut self, fraction: f64, now: Micros) {
        let (_, t1) = self.window(now);
        let shift = (self.span as f64 * fraction.abs()) as Micros;
        let end = if fraction < 0.0 { t1.saturating_sub(shift) } else { t1 + shift };
        self.end = Some(end.max(self.span));
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LaneView {
    pub node: NodeId,
    pub name: String,
    pub y: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ArrowView {
    pub id: u64,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    /// The message's colour class and its state: `drop`, `copy`, `flying`, `future`, `routine`,
    /// `culprit`, `client`.
    pub class: String,
    pub label: &'static str,
    /// The step that sent it: a click travels there.
    pub step: u64,
    pub dropped: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MarkView {
    pub x: f64,
    pub y0: f64,
    pub y1: f64,
    /// `timer`, `fault` or `net`, plus `culprit` or `future`.
    pub class: String,
    pub title: String,
    pub step: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BandView {
    pub x0: f64,
    pub x1: f64,
    pub y: f64,
    pub role: &'static str,
    /// The role in words (its tooltip).
    pub title: &'static str,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct DiagramView {
    pub lanes: Vec<LaneView>,
    pub arrows: Vec<ArrowView>,
    pub marks: Vec<MarkView>,
    pub bands: Vec<BandView>,
    pub ticks: Vec<(f64, String)>,
    pub t0: Micros,
    pub t1: Micros,
    pub cursor: Option<f64>,
    pub violation: Option<f64>,
    /// A second run's first difference from this one (compare), as x.
    pub divergence: Option<f64>,
    pub height: f64,
    /// Messages in the window after the filters, and every how many one is drawn.
    pub in_window: usize,
    pub every: usize,
    /// Message labels in the record, for the type filter.
    pub labels: Vec<&'static str>,
}

impl DiagramView {
    /// The instant at `x` (a click on the diagram travels there).
    pub fn time_at(&self, x: f64) -> Micros {
        let f = ((x - GUTTER) / (W - GUTTER - 8.0)).clamp(0.0, 1.0);
        self.t0 + ((self.t1 - self.t0) as f64 * f) as Micros
    }
}

/// Where to draw, and what to leave out.
pub struct Frame<'a> {
    pub t0: Micros,
    pub t1: Micros,
    /// The step and instant on screen (later events are the future, faded).
    pub step: u64,
    pub now: Micros,
    pub state: &'a DiagramState,
    /// Arrows drawn at most.
    pub max_drawn: usize,
    /// Message ids, and the steps, that led to a violation.
    pub culprits: (BTreeSet<u64>, BTreeSet<u64>),
}

impl Frame<'_> {
    fn x(&self, t: Micros) -> f64 {
        let span = (self.t1 - self.t0).max(1) as f64;
        GUTTER + (t.clamp(self.t0, self.t1) - self.t0) as f64 / span * (W - GUTTER - 8.0)
    }

    fn visible(&self, a: &Arrow) -> bool {
        (!self.state.hide_routine || !a.routine)
            && self.state.only.is_none_or(|l| l == a.label)
            && !self.state.hidden.contains(&a.from)
            && !self.state.hidden.contains(&a.to)
    }
}

/// The diagram of `history` in `frame`, with lane names from `name`, message colours from
/// `class`.
pub fn build(
    history: &History,
    frame: &Frame,
    nodes: usize,
    clients: bool,
    name: impl Fn(NodeId) -> String,
    class: impl Fn(&'static str) -> &'static str,
) -> DiagramView {
    let mut lanes: Vec<LaneView> = (0..nodes as NodeId)
        .filter(|n| !frame.state.hidden.contains(n))
        .map(|node| LaneView { node, name: name(node), y: 0.0 })
        .collect();
    if clients && !frame.state.hidden.contains(&CLIENTS) {
        lanes.push(LaneView { node: CLIENTS, name: tr!("clients", "客户端").into(), y: 0.0 });
    }
    for (k, lane) in lanes.iter_mut().enumerate() {
        lane.y = TOP + LANE_H * (k as f64 + 0.5);
    }
    let y_of = |n: NodeId| lanes.iter().find(|l| l.node == n).map(|l| l.y);
    let (t0, t1) = (frame.t0, frame.t1);

    // Role spans, clipped to the window.
    let mut bands = Vec::new();
    for lane in &lanes {
        let Some(spans) = history.spans.get(usize::from(lane.node)) else { continue };
        // Spans are in time order: start at the last one that began before the window.
        let first = spans.partition_point(|s| s.from <= t0).saturating_sub(1);
        for (k, s) in spans.iter().enumerate().skip(first) {
            if s.from >= t1 {
                break;
            }
            let until = spans.get(k + 1).map_or(frame.now.max(history_end(history)), |n| n.from);
            if until <= t0 || s.from >= t1 || until <= s.from {
                continue;
            }
            bands.push(BandView {
                x0: frame.x(s.from),
                x1: frame.x(until),
                y: lane.y,
                role: s.role,
                title: s.role,
            });
        }
    }

    // Messages crossing the window, thinned to MAX_DRAWN.
    let lo = history.arrows.partition_point(|a| a.sent + LOOKBACK < t0);
    let hi = history.arrows.partition_point(|a| a.sent <= t1);
    let end_of = |a: &Arrow| match a.end {
        End::Flying(due) => due,
        _ => a.ended,
    };
    let candidates: Vec<&Arrow> = history
        .arrows
        .range(lo..hi)
        .chain(
            history
                .clients
                .range(history.clients.partition_point(|a| a.sent < t0)..)
                .take_while(|a| a.sent <= t1),
        )
        .filter(|a| end_of(a) >= t0 && frame.visible(a) && y_of(a.from).is_some() && y_of(a.to).is_some())
        .collect();
    let in_window = candidates.len();
    let every = in_window.div_ceil(frame.max_drawn).max(1);
    let arrows = candidates
        .into_iter()
        .step_by(every)
        .map(|a| {
            let (y0, y1) = (y_of(a.from).unwrap_or(0.0), y_of(a.to).unwrap_or(0.0));
            let end = end_of(a);
            let mut class = String::from(if a.id == 0 { "client" } else { class(a.label) });
            class.push_str(match a.end {
                End::Delivered => "",
                End::Dropped(_) => " drop",
                End::Flying(_) => " flying",
            });
            for (on, c) in [
                (a.copy, " copy"),
                (a.routine, " routine"),
                (a.sent_step > frame.step, " future"),
                (a.id != 0 && frame.culprits.0.contains(&a.id), " culprit"),
            ] {
                if on {
                    class.push_str(c);
                }
            }
            ArrowView {
                id: a.id,
                x0: frame.x(a.sent),
                y0,
                x1: frame.x(end),
                y1,
                class,
                label: a.label,
                step: a.sent_step,
                dropped: matches!(a.end, End::Dropped(_)),
            }
        })
        .collect();

    // Timers and faults.
    let top = TOP;
    let bottom = TOP + LANE_H * lanes.len() as f64;
    let first = history.marks.partition_point(|m| m.time < t0);
    let marks = history
        .marks
        .range(first..)
        .take_while(|m| m.time <= t1)
        .filter_map(|m| {
            let (y0, y1) = match m.node {
                Some(n) => {
                    let y = y_of(n)?;
                    (y - LANE_H * 0.35, y + LANE_H * 0.35)
                }
                None => (top, bottom),
            };
            let at = fmt_time(m.time);
            let (kind, title) = match (&m.kind, m.node) {
                (MarkKind::Timer(label), _) => {
                    let label = timer_words(label);
                    ("timer", trf!("{label} fired at {at}", "{label} 定时器于 {at} 触发"))
                }
                (MarkKind::Fault(text), None) => ("net", trf!("{text} at {at}", "{at}：{text}")),
                (MarkKind::Fault(text), Some(_)) => ("fault", trf!("{text} at {at}", "{at}：{text}")),
            };
            let mut class = kind.to_owned();
            if frame.culprits.1.contains(&m.step) && kind != "net" {
                class.push_str(" culprit");
            }
            if m.step > frame.step {
                class.push_str(" future");
            }
            Some(MarkView { x: frame.x(m.time), y0, y1, class, title, step: m.step })
        })
        .collect();

    let ticks = axis(t0, t1).into_iter().map(|t| (frame.x(t), tick_label_fine(t, t1 - t0))).collect();
    let mut labels = history.labels.clone();
    labels.sort_unstable();
    DiagramView {
        height: bottom + 4.0,
        lanes,
        arrows,
        marks,
        bands,
        ticks,
        t0,
        t1,
        cursor: (frame.now >= t0 && frame.now <= t1).then(|| frame.x(frame.now)),
        violation: None,
        divergence: None,
        in_window,
        every,
        labels,
    }
}

/// An arrow in words, for the line under the diagram when the pointer is on it.
pub fn describe_arrow(a: &Arrow, name: impl Fn(NodeId) -> String) -> String {
    let who = |n: NodeId| if n == CLIENTS { tr!("clients", "客户端").to_owned() } else { name(n) };
    let (from, to, label, sent) = (who(a.from), who(a.to), a.label, fmt_time(a.sent));
    if a.id == 0 {
        // A client's write, or the reply's outcome from the core.
        let label = if label == "write" { tr!("write", "写入") } else { crate::i18n::zh_core::text(label) };
        return trf!("{from} → {to}: {label} at {sent}", "{from} → {to}：{label}，于 {sent}");
    }
    let ended = fmt_time(a.ended);
    let how = match a.end {
        End::Delivered => trf!("delivered {ended}", "于 {ended} 送达"),
        End::Dropped(r) => {
            // English names the reason as the trace does (`Lost`, `Partitioned`, ...).
            let r = match crate::i18n::lang() {
                crate::i18n::Lang::En => format!("{r:?}"),
                crate::i18n::Lang::Zh => super::view::drop_why(&r).to_owned(),
            };
            trf!("dropped {ended} ({r})", "于 {ended} 被丢弃（{r}）")
        }
        End::Flying(due) => {
            let due = fmt_time(due);
            trf!("in flight, due {due}", "传输中，预计 {due} 到达")
        }
    };
    let copy = if a.copy { tr!(" (a duplicate)", "（重复消息）") } else { "" };
    trf!(
        "{label} {from} → {to}: sent {sent}, {how}{copy}",
        "{label} {from} → {to}：于 {sent} 发出，{how}{copy}"
    )
}

/// The newest instant the record reaches.
fn history_end(h: &History) -> Micros {
    h.arrows.back().map_or(0, |a| a.sent).max(h.marks.back().map_or(0, |m| m.time))
}

/// Round instants for the axis, at most about eight.
fn axis(t0: Micros, t1: Micros) -> Vec<Micros> {
    let span = (t1 - t0).max(1);
    let mut step = 1;
    'find: for decade in [1u64, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000] {
        for unit in [1, 2, 5] {
            step = decade * unit;
            if span / step <= 8 {
                break 'find;
            }
        }
    }
    let first = t0.div_ceil(step) * step;
    (0..).map(|k| first + k * step).take_while(|&t| t <= t1).collect()
}

/// `1.2 s` for wide windows, `1.234 s` or `1.2345 s` when zoomed in.
fn tick_label_fine(t: Micros, span: Micros) -> String {
    if span >= 5 * SEC {
        tick_label(t)
    } else if span >= 50 * MS {
        format!("{:.2} s", t as f64 / 1e6)
    } else if span >= 5 * MS {
        format!("{:.3} s", t as f64 / 1e6)
    } else {
        format!("{:.4} s", t as f64 / 1e6)
    }
}

/// The page's diagram at the instant on screen.
pub fn view<P: Playground>(m: &Model<P>) -> DiagramView {
    let mut v = diagram_of(m, &m.history, m.sim.steps(), true);
    v.divergence = divergence_x(m, &v);
    v
}

/// The compared run's diagram, in the same window, if there is one.
pub fn compared<P: Playground>(m: &Model<P>) -> Option<DiagramView> {
    let c = m.compare.as_ref()?;
    let mut v = diagram_of(m, &c.history, c.step, false);
    v.divergence = divergence_x(m, &v);
    Some(v)
}

fn divergence_x<P: Playground>(m: &Model<P>, v: &DiagramView) -> Option<f64> {
    let t = m.compare.as_ref()?.diverged.as_ref()?.time;
    let (t0, t1) = (v.t0, v.t1);
    (t >= t0 && t <= t1).then(|| GUTTER + (t - t0) as f64 / (t1 - t0).max(1) as f64 * (W - GUTTER - 8.0))
}

/// The diagram of a record `history` (this run's, `own`, or a compared one's) in the model's
/// window, with the events after `step` faded.
fn diagram_of<P: Playground>(m: &Model<P>, history: &History, step: u64, own: bool) -> DiagramView {
    let state = &m.diagram;
    let now = m.sim.now();
    let (t0, t1) = state.window(now);
    let culprits = m.sim.violation().filter(|_| own).map_or_else(Default::default, |v| {
        let mut ids = BTreeSet::new();
        let mut steps = BTreeSet::from([v.step]);
        for e in &v.recent {
            steps.insert(e.step);
            match e.kind {
                TraceKind::Send { msg, .. }
                | TraceKind::Deliver { msg, .. }
                | TraceKind::Drop { msg, .. } => {
                    ids.insert(msg);
                }
                _ => {}
            }
        }
        (ids, steps)
    });
    let frame = Frame { t0, t1, step, now, state, max_drawn: MAX_DRAWN, culprits };
    let protocol = &m.sim.cluster().protocol;
    let mut v = build(
        history,
        &frame,
        m.sim.cluster().len(),
        P::KIND.takes_writes(),
        |x| protocol.node_name(x),
        P::label_class,
    );
    v.violation = m.sim.violation().filter(|v| own && v.time >= t0 && v.time <= t1).map(|v| frame.x(v.time));
    for band in &mut v.bands {
        band.title = super::view::role_words::<P>(band.role);
    }
    v
}

/// The protocols' timers by their names in the trace (`Election`, `Flush(28)`), for a Chinese
/// reader; English shows the name as the code spells it.
const TIMERS: &[(&str, crate::i18n::Text)] = &[
    ("Election", txt!("Election", "选举")),
    ("Heartbeat", txt!("Heartbeat", "心跳")),
    ("Retry", txt!("Retry", "重试")),
    ("LeaderTimeout", txt!("LeaderTimeout", "领导者超时")),
    ("Expire", txt!("Expire", "租约到期")),
    ("Grace", txt!("Grace", "宽限期")),
    ("Acquire", txt!("Acquire", "申请锁")),
    ("LeaseEnd", txt!("LeaseEnd", "租约结束")),
    ("Renew", txt!("Renew", "续约")),
    ("Work", txt!("Work", "工作")),
    ("Begin", txt!("Begin", "开始事务")),
    ("VoteTimeout", txt!("VoteTimeout", "投票超时")),
    ("Flush", txt!("Flush", "刷盘")),
    ("AckTimeout", txt!("AckTimeout", "确认超时")),
    ("Resend", txt!("Resend", "重发")),
    ("Ask", txt!("Ask", "询问")),
    ("Decide", txt!("Decide", "自行决定")),
    ("Voting", txt!("Voting", "投票")),
    ("Logging", txt!("Logging", "写日志")),
    ("Arrival", txt!("Arrival", "请求到达")),
    ("Think", txt!("Think", "思考")),
    ("Wake", txt!("Wake", "唤醒")),
    ("Service", txt!("Service", "服务")),
    ("CheckRound", txt!("CheckRound", "健康检查轮次")),
    ("Sweep", txt!("Sweep", "扫描")),
    ("Advert", txt!("Advert", "通告")),
    ("MasterDown", txt!("MasterDown", "主机失联")),
    ("LeaseRenew", txt!("LeaseRenew", "租约续期")),
    ("WitnessReady", txt!("WitnessReady", "见证者就绪")),
    ("Detect", txt!("Detect", "检测")),
];

pub(crate) fn timer_words(label: &str) -> String {
    let name = label.split('(').next().unwrap_or(label);
    match TIMERS.iter().find(|(n, _)| *n == name) {
        Some((_, words)) => format!("{}{}", words.get(), &label[name.len()..]),
        None => label.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::model::Model;
    use halab_core::raft::Raft;

    fn played(q: &str, until: Micros) -> Model<Raft> {
        let mut m = Model::<Raft>::from_query(q);
        while m.sim.now() < until && !m.violated() {
            m.frame(50.0);
        }
        m.playing = false;
        m
    }

    #[test]
    fn the_window_follows_the_cursor_then_stays_where_it_was_panned() {
        let mut s = DiagramState::new(SEC);
        assert_eq!(s.window(300 * MS), (0, SEC), "the cursor walks right from 0");
        assert_eq!(s.window(5 * SEC), (4_100 * MS, 5_100 * MS), "then the picture slides");
        s.pan(-0.5, 5 * SEC);
        assert_eq!(s.window(9 * SEC), (3_600 * MS, 4_600 * MS), "panned, it stays");
        s.zoom(0.5, 9 * SEC);
        assert_eq!(s.window(9 * SEC), (3_850 * MS, 4_350 * MS), "zoomed around its middle");
        s.zoom(1e-9, 0);
        assert_eq!(s.span, MIN_SPAN);
    }

    #[test]
    fn the_diagram_draws_the_window_only_and_thins_a_crowded_one() {
        let mut m = played("p=raft&n=5&seed=3&rate=200&loss=0.1&faults=crash:1@1s", 3 * SEC);
        let v = view(&m);
        assert_eq!(v.lanes.len(), 6, "five nodes and the clients");
        assert!(v.arrows.iter().all(|a| a.x0 >= GUTTER && a.x1 <= W));
        assert!(v.arrows.iter().any(|a| a.dropped && a.class.contains("drop")));
        assert!(v.bands.iter().any(|b| b.role == "leader"));
        let cursor = v.cursor.expect("the cursor is in the window");
        assert!(cursor > W * 0.8, "{cursor}");
        // A window of the whole run holds more than MAX_DRAWN: every k-th is drawn.
        m.diagram.zoom(100.0, m.sim.now());
        let wide = view(&m);
        assert!(wide.in_window > MAX_DRAWN, "{}", wide.in_window);
        assert!(wide.arrows.len() <= MAX_DRAWN && wide.every > 1);
        assert!(wide
            .marks
            .iter()
            .any(|k| k.class.starts_with("fault") && k.title.starts_with("node 1 crashed")));
        // Filters.
        m.diagram.hide_routine = true;
        let quiet = view(&m);
        assert!(quiet.in_window < wide.in_window);
        m.show_only("RequestVote");
        let votes = view(&m);
        assert!(votes.in_window > 0 && votes.arrows.iter().all(|a| a.label == "RequestVote"));
        m.toggle_lane(0);
        let fewer = view(&m);
        assert_eq!(fewer.lanes.len(), 5);
        assert!(fewer.in_window < votes.in_window);
    }

    #[test]
    fn in_the_past_later_events_fade_and_a_violation_marks_what_led_to_it() {
        let mut m = played(
            "p=raft&n=3&seed=157&el=100ms-102ms&bugs=forget&faults=crash:2@104ms,restart:2@106ms",
            5 * SEC,
        );
        let v = m.sim.violation().cloned().expect("the bug trips the checker");
        m.diagram.end = Some(v.time + 20 * MS);
        m.diagram.span = 200 * MS;
        let d = view(&m);
        assert!(d.violation.is_some());
        assert!(d.arrows.iter().any(|a| a.class.contains("culprit")), "the messages that led to it");
        m.travel_to_step(v.step - 3);
        let past = view(&m);
        assert!(past.cursor.is_some(), "travelling brings the cursor into the window");
        assert!(past.violation.is_none(), "before the violation there is none");
        assert!(past.arrows.iter().any(|a| a.class.contains("future")));
        assert!(past.arrows.iter().any(|a| !a.class.contains("future")));
        // A click on the background travels to the instant under it.
        let t = past.time_at((GUTTER + W) / 2.0);
        assert!(t > past.t0 && t < past.t1);
    }
}
