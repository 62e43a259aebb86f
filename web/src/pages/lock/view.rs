//! The lock page's own view data: what each node believes (the server's lease, the storage's
//! highest token, each client's "holds token 3"), read through the node's own clock, the holders
//! timeline from the checker, the writes the storage took or refused, and the "not judged"
//! verdict of the one-holder invariant.

use crate::i18n::zh_core;
use crate::playground::view::{clock_rate, pause_overlays, role_of, timer_left};
use crate::playground::{Model, NodeFacts};
pub use crate::widgets::timeline::TimelineView;
use crate::widgets::timeline::{KeyShape, TimelineKey, TimelineMark, TimelineRow, TimelineSpan};
use halab_core::lock::invariants::ONE_HOLDER;
use halab_core::lock::{
    ClientState, Lock, LockChecker, LockDurable, LockMsg, LockState, LockTimer, Phase, ServerState,
    StorageState, SERVER, STORAGE,
};
use halab_core::msg::{Arg, Msg};
use halab_core::protocol::{Micros, NodeId, SEC};

/// The timeline shows this many TTLs of the newest history, within these bounds.
pub const WINDOW_TTLS: u64 = 8;
pub const MIN_WINDOW: Micros = 4 * SEC;
pub const MAX_WINDOW: Micros = 60 * SEC;
/// Writes listed in the storage panel (the newest).
pub const WRITES_SHOWN: usize = 12;

/// The node's role as a CSS class and `data-role`.
pub fn role(s: &LockState) -> &'static str {
    match s {
        LockState::Server(_) => "server",
        LockState::Storage(_) => "storage",
        LockState::Client(c) => match c.phase {
            Phase::Idle => "idle",
            Phase::Acquiring { .. } => "asking",
            Phase::Holding { .. } => "holder",
        },
    }
}

/// CSS classes of a message in flight: kinds by colour; hollow for a refusal, small for an
/// acknowledgement, big for a write that carries data.
pub fn msg_class(msg: &LockMsg) -> &'static str {
    match msg {
        LockMsg::Acquire { .. } => "msg-acquire",
        LockMsg::Grant { .. } => "msg-grant",
        LockMsg::Deny { .. } => "msg-grant no",
        LockMsg::Renew { .. } => "msg-renew",
        LockMsg::Renewed { .. } => "msg-renew ack",
        LockMsg::Lost { .. } => "msg-lost no",
        LockMsg::Release { .. } => "msg-release",
        LockMsg::Write { .. } => "msg-write data",
        LockMsg::Written { .. } => "msg-written",
        LockMsg::Fenced { .. } => "msg-fenced no",
    }
}

/// The short text inside a node's circle: `L`, `DB`, `C1`, `C2`, ...
pub fn label(id: NodeId) -> String {
    match id {
        SERVER => "L".to_owned(),
        STORAGE => "DB".to_owned(),
        c => format!("C{}", c.saturating_sub(halab_core::lock::FIRST_CLIENT) + 1),
    }
}

/// `0.42 s`
fn left(us: Micros) -> String {
    format!("{:.2} s", us as f64 / 1e6)
}

/// What node `i` believes now, in a few words (the menu title's summary), and the lines under
/// the name in the picture.
fn belief(m: &Model<Lock>, i: usize) -> (String, Vec<String>, u64) {
    let cluster = m.sim.cluster();
    let c = &cluster.protocol.config;
    let node = &cluster.nodes[i];
    // Beliefs are read on the node's own clock: that is what it acts on.
    let local = node.clock.local(m.view_time as Micros);
    let crashed = || tr!("crashed", "已崩溃").to_owned();
    let next = |next_token: u64| trf!("next token {next_token}", "下一个令牌 {next_token}");
    let time_left = |us: Micros| {
        let t = left(us);
        trf!("{t} left", "剩余 {t}")
    };
    match &node.state {
        None => match &node.durable {
            Some(LockDurable::Server { next_token }) => (
                crashed(),
                vec![crashed(), trf!("next token {next_token} on disk", "磁盘上的下一个令牌 {next_token}")],
                0,
            ),
            Some(LockDurable::Storage { highest, .. }) => (
                crashed(),
                vec![crashed(), trf!("highest token {highest} on disk", "磁盘上的最高令牌 {highest}")],
                *highest,
            ),
            Some(LockDurable::Client { life }) => {
                (crashed(), vec![crashed(), trf!("life {life} on disk", "磁盘上的生命编号 {life}")], 0)
            }
            None => (crashed(), vec![crashed()], 0),
        },
        Some(LockState::Server(ServerState { holder: Some(l), .. })) => {
            let (name, token) = (zh_core::msg(&c.name(l.client)), l.token);
            let who = trf!("{name} · token {token}", "{name} · 令牌 {token}");
            let rest = if l.expires > local {
                time_left(l.expires - local)
            } else {
                tr!("expiring", "即将到期").to_owned()
            };
            (trf!("leased to {who}", "已租给 {who}"), vec![who, rest], l.token)
        }
        Some(LockState::Server(s)) if s.in_grace => (
            tr!("grace period: no grants for one TTL", "宽限期：一个 TTL 内不授予租约").to_owned(),
            vec![tr!("grace period", "宽限期").to_owned(), next(s.next_token)],
            0,
        ),
        Some(LockState::Server(s)) => {
            (tr!("free", "空闲").to_owned(), vec![tr!("free", "空闲").to_owned(), next(s.next_token)], 0)
        }
        Some(LockState::Storage(StorageState { highest, accepted, rejected, .. })) => (
            trf!("highest token {highest}", "最高令牌 {highest}"),
            vec![
                trf!("highest token {highest}", "最高令牌 {highest}"),
                trf!("{accepted} stored · {rejected} refused", "已存储 {accepted} · 已拒绝 {rejected}"),
            ],
            *highest,
        ),
        Some(LockState::Client(ClientState { phase, .. })) => match phase {
            Phase::Idle => (tr!("idle", "空闲").to_owned(), vec![tr!("idle", "空闲").to_owned()], 0),
            Phase::Acquiring { acq, .. } => {
                let (life, attempt) = (acq.life, acq.n);
                (
                    trf!(
                        "asking for the lock (acquisition {acq}: life {life}, attempt {attempt})",
                        "正在请求锁（申请 {acq}：生命编号 {life}，第 {attempt} 次尝试）"
                    ),
                    vec![tr!("asking", "请求中").to_owned(), trf!("acquisition {acq}", "申请 {acq}")],
                    0,
                )
            }
            Phase::Holding { token, until, .. } => {
                let rest = if *until > local {
                    time_left(until - local)
                } else {
                    tr!("lease expired", "租约已过期").to_owned()
                };
                let holds = trf!("holds token {token}", "持有令牌 {token}");
                (holds.clone(), vec![holds, rest], *token)
            }
        },
    }
}

/// Name, belief, and the clock when it drifts; the lease left as the ring.
pub fn node(m: &Model<Lock>, i: usize, role: &'static str) -> NodeFacts {
    let cluster = m.sim.cluster();
    let c = &cluster.protocol.config;
    let id = i as NodeId;
    let node = &cluster.nodes[i];
    let name = zh_core::msg(&c.name(id));
    let (summary, lines, token) = belief(m, i);
    let mut caption = vec![name.clone()];
    let mut lines = lines.into_iter();
    if let Some(first) = lines.next() {
        caption.push(if role == "paused" { format!("❚❚ {first}") } else { first });
    }
    caption.extend(lines);
    let clock = clock_rate(node.clock.rate_ppm).map(|r| trf!("clock {r}", "时钟 {r}"));
    caption.extend(clock.clone());
    let timer = match &node.state {
        Some(LockState::Server(s)) if s.holder.is_some() => timer_left(m, i, &LockTimer::Expire, c.ttl),
        Some(LockState::Server(s)) if s.in_grace => timer_left(m, i, &LockTimer::Grace, c.ttl),
        Some(LockState::Client(_)) => timer_left(m, i, &LockTimer::LeaseEnd, c.client_lease()),
        _ => None,
    };
    let paused = if role == "paused" { tr!(", paused", "，已暂停") } else { "" };
    let clock = clock.map(|c| trf!(", {c}", "，{c}")).unwrap_or_default();
    let title = trf!(
        "{name} (node {i}){paused}: {summary}{clock}. Click for actions.",
        "{name}（节点 {i}）{paused}：{summary}{clock}。点击查看操作。"
    );
    NodeFacts { term: token, caption, timer, title, summary }
}

/// The invariants not judged now: one-holder, once a client was paused or a clock drifted past
/// the bound, with the overlaps seen since.
pub fn unjudged(m: &Model<Lock>) -> Vec<(&'static str, String)> {
    let Some(ch) = m.sim.checker_as::<LockChecker>() else {
        return Vec::new();
    };
    let Some(why) = &ch.assumption_broken else {
        return Vec::new();
    };
    let n = ch.overlaps;
    let seen = match n {
        0 => tr!("no overlap seen", "未见重叠").to_owned(),
        1 => tr!("1 overlap seen", "已见 1 次重叠").to_owned(),
        n => trf!("{n} overlaps seen", "已见 {n} 次重叠"),
    };
    vec![(ONE_HOLDER, format!("{} — {seen}", ppm_as_percent(&crate::i18n::zh_core::msg(why))))]
}

/// Rewrites `500000 ppm` as `50%` (and `-200000 ppm` as `−20%`) in a sentence from the checker.
pub fn ppm_as_percent(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let unit = words
            .get(i + 1)
            .and_then(|u| u.strip_prefix("ppm"))
            .filter(|rest| matches!(*rest, "" | "," | "." | ";" | ")"));
        match (w.parse::<i64>(), unit) {
            (Ok(ppm), Some(rest)) => {
                let v = format!("{:.4}", ppm.unsigned_abs() as f64 / 10_000.0);
                let sign = if ppm < 0 { "−" } else { "" };
                out.push(format!("{sign}{}%{rest}", v.trim_end_matches('0').trim_end_matches('.')));
                i += 2;
            }
            _ => {
                out.push((*w).to_owned());
                i += 1;
            }
        }
    }
    out.join(" ")
}

/// Overlapping holders since the run began (judged or not).
pub fn overlaps(m: &Model<Lock>) -> u64 {
    m.sim.checker_as::<LockChecker>().map_or(0, |c| c.overlaps)
}

/// How much history the timeline shows.
pub fn window(m: &Model<Lock>) -> Micros {
    (m.scenario.lock.ttl.saturating_mul(WINDOW_TTLS)).clamp(MIN_WINDOW, MAX_WINDOW)
}

/// The holders timeline: the checker's spans and marks (true time), and the pauses from the
/// fault script as overlays, limited to what the window can show.
pub fn timeline(m: &Model<Lock>) -> TimelineView {
    let cluster = m.sim.cluster();
    let c = &cluster.protocol.config;
    let now = m.view_time as Micros;
    let window = window(m);
    let start = now.saturating_sub(window);
    let rows = (0..cluster.len())
        .map(|i| TimelineRow {
            id: i as NodeId,
            label: zh_core::msg(&c.name(i as NodeId)),
            class: role_of(m, i),
            note: clock_rate(cluster.nodes[i].clock.rate_ppm)
                .map(|r| trf!("clock {r}", "时钟 {r}"))
                .unwrap_or_default(),
        })
        .collect();
    let (mut spans, mut marks) = (Vec::new(), Vec::new());
    if let Some(ch) = m.sim.checker_as::<LockChecker>() {
        spans = ch
            .timeline
            .spans()
            .filter(|s| s.to.is_none_or(|to| to > start))
            .map(|s| TimelineSpan {
                row: s.node,
                from: s.from,
                to: s.to,
                class: s.class,
                label: short_label(&s.label),
                detail: zh_core::msg(&s.label),
            })
            .collect();
        // A write stored with a lower token than one stored before is drawn apart (only with
        // fencing off): the highest is followed from the first mark, not the window's.
        let mut highest = 0;
        marks = ch
            .timeline
            .marks()
            .filter_map(|k| {
                let token = (k.node == STORAGE).then(|| write_token(&k.label)).flatten();
                let stale = k.class == "accepted" && token.is_some_and(|t| t < highest);
                if k.class == "accepted" {
                    highest = highest.max(token.unwrap_or(0));
                }
                if k.at < start {
                    return None;
                }
                let label = zh_core::msg(&k.label);
                let (class, label) = if stale {
                    (
                        "stale",
                        trf!(
                            "{label} — below token {highest}, a stale write landed",
                            "{label} — 低于令牌 {highest}，陈旧写入得逞了"
                        ),
                    )
                } else {
                    (k.class, label)
                };
                Some(TimelineMark { row: k.node, at: k.at, class, label })
            })
            .collect();
    }
    let overlays = pause_overlays(m, start);
    TimelineView { rows, spans, overlays, marks, now, window }
}

/// A span's label short enough for a half-second span: `token 3` is `#3`, `client 2 · token 3`
/// is `C2 #3` (the circles' labels); anything else in words, in the page's language. The
/// tooltip keeps the words. Read from the label's template and values, not its English.
pub fn short_label(label: &Msg) -> String {
    let token = label.arg("token").and_then(Arg::text);
    let client = label
        .arg("who")
        .and_then(Arg::msg)
        .filter(|who| who.template() == "client {n}")
        .and_then(|who| who.arg("n"))
        .and_then(Arg::text);
    match (label.template(), token, client) {
        ("token {token}", Some(t), _) => format!("#{t}"),
        ("{who} · token {token}", Some(t), Some(n)) => format!("C{n} #{t}"),
        _ => zh_core::msg(label),
    }
}

/// The timeline's legend.
pub fn timeline_legend() -> Vec<TimelineKey> {
    let key = |shape, class, label| TimelineKey { shape, class, label };
    vec![
        key(
            KeyShape::Span,
            "holding",
            tr!("client believes it holds the lock (#token)", "客户端认为自己持有锁（#令牌）"),
        ),
        key(KeyShape::Span, "waiting", tr!("asking", "请求中")),
        key(KeyShape::Span, "leased", tr!("lease at the server", "服务器上的租约")),
        key(KeyShape::Span, "grace", tr!("restart grace period", "重启后的宽限期")),
        key(KeyShape::Span, "down", tr!("crashed", "已崩溃")),
        key(KeyShape::Overlay, "paused", tr!("paused", "已暂停")),
        key(KeyShape::Mark, "accepted", tr!("write stored", "写入已存储")),
        key(KeyShape::Mark, "rejected", tr!("write refused", "写入被拒绝")),
        key(KeyShape::Mark, "stale", tr!("stale write stored", "陈旧写入被存储")),
    ]
}

/// A write as it reached the storage.
#[derive(Clone, Debug, PartialEq)]
pub struct WriteView {
    pub at: Micros,
    pub token: u64,
    /// Who wrote (`client 1`), in the page's language.
    pub who: String,
    pub accepted: bool,
    /// The highest token the storage had accepted before this write.
    pub highest_before: u64,
}

impl WriteView {
    /// Accepted although a higher token had been accepted before: a stale write landed.
    pub fn stale(&self) -> bool {
        self.accepted && self.token < self.highest_before
    }
}

/// The token of a storage mark (`stored {who}, token {token}`): its `token` value.
fn write_token(label: &Msg) -> Option<u64> {
    label.arg("token")?.text()?.parse().ok()
}

/// The writes that reached the storage (from the checker's marks), newest first.
pub fn writes(m: &Model<Lock>) -> Vec<WriteView> {
    let Some(ch) = m.sim.checker_as::<LockChecker>() else {
        return Vec::new();
    };
    let mut highest = 0;
    let mut all: Vec<(&Msg, WriteView)> = ch
        .timeline
        .marks()
        .filter(|k| k.node == STORAGE && k.at as f64 <= m.view_time)
        .filter_map(|k| {
            // `stored {who}, token {token}` / `refused {who}, token {token}`: the values.
            let token = write_token(&k.label)?;
            let who = k.label.arg("who")?.msg()?;
            let accepted = k.class == "accepted";
            let w = WriteView { at: k.at, token, who: String::new(), accepted, highest_before: highest };
            if accepted {
                highest = highest.max(token);
            }
            Some((who, w))
        })
        .collect();
    all.reverse();
    all.truncate(WRITES_SHOWN);
    // Only the writes shown are put in words.
    all.into_iter().map(|(who, w)| WriteView { who: zh_core::msg(who), ..w }).collect()
}
