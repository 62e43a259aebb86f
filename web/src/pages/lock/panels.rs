//! The lock page's own panels: the writes as the storage saw them, the lease-vs-fencing
//! explainer, and the TTL / drift bound / work settings.

use super::view::WriteView;
use crate::widgets::controls::choice;
use halab_core::protocol::{Micros, MS, SEC};
use halab_core::scenario::units::format_duration;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WritesProps {
    /// Newest first.
    pub writes: Vec<WriteView>,
    pub highest: u64,
    pub accepted: u64,
    pub refused: u64,
}

/// Every write that reached the storage, with its token: stored, refused (a lower token than one
/// already seen), or, with fencing off, stored although stale.
pub fn writes(p: &WritesProps) -> Html {
    let items = p.writes.iter().map(|w| {
        let (who, token, before) = (&w.who, w.token, w.highest_before);
        let (class, glyph, text) = if w.stale() {
            (
                "stale",
                "⚠",
                trf!(
                    "{who} wrote with token {token}: stored after token {before} — a stale write landed",
                    "{who} 用令牌 {token} 写入：在令牌 {before} 之后仍被存储——陈旧写入得逞了"
                ),
            )
        } else if w.accepted {
            ("stored", "✓", trf!("{who} wrote with token {token}: stored", "{who} 用令牌 {token} 写入：已存储"))
        } else {
            (
                "refused",
                "✕",
                trf!(
                    "{who} wrote with token {token}: refused, token {before} was already seen",
                    "{who} 用令牌 {token} 写入：被拒绝，已见过令牌 {before}"
                ),
            )
        };
        html! {
            <li class={class} data-token={w.token.to_string()} data-ok={w.accepted.to_string()} data-stale={w.stale().to_string()}>
                <time>{ format!("{:.3} s", w.at as f64 / 1e6) }</time>
                <span class="glyph" aria-hidden="true">{ glyph }</span>
                <span>{ text }</span>
            </li>
        }
    });
    let (highest, accepted, refused) = (p.highest, p.accepted, p.refused);
    let sum = trf!(
        "highest token {highest} · {accepted} stored · {refused} refused",
        "最高令牌 {highest} · 已存储 {accepted} · 已拒绝 {refused}"
    );
    html! {
        <div class="lock-writes">
            <h2>{ tr!("Storage", "存储") }<span class="muted">{ tr!(" — writes as they arrived, newest first", " — 按到达顺序列出的写入，最新的在前") }</span></h2>
            <p class="storage-sum" data-testid="storage-sum" data-highest={p.highest.to_string()}
                data-accepted={p.accepted.to_string()} data-refused={p.refused.to_string()}>
                { sum }
            </p>
            if p.writes.is_empty() {
                <p class="muted" data-testid="storage-writes">{ tr!("No write has reached the storage yet.", "还没有写入到达存储。") }</p>
            } else {
                <ol class="writes" data-testid="storage-writes">{ for items }</ol>
            }
        </div>
    }
}

/// Leases versus fencing tokens, in a few sentences.
pub fn explainer() -> Html {
    html! {
        <div class="lock-explainer" data-testid="explainer">
            <h2>{ tr!("Leases and fencing tokens", "租约与防护令牌") }</h2>
            <p><b>{ tr!("A lease", "租约") }</b>{ tr!(
                " is the lock for a fixed time (the TTL) on the server's clock, renewed while the \
                client works. A client counts its lease from when it asked and shortens it by the drift bound, so while \
                clocks stay within that bound and nothing stops, its belief ends before the server's lease does.",
                "是按服务器时钟计、持续固定时长（TTL）的锁，客户端工作期间会续约。\
                客户端从发出请求时开始计算租约，并按漂移上限缩短它；因此只要时钟漂移不超过该上限且进程没有停顿，\
                客户端“持有锁”的认知总会先于服务器上的租约结束。"
            ) }</p>
            <p><b>{ tr!("The catch", "问题在于") }</b>{ tr!(
                " (Kleppmann, 2016): a process can stop at any moment — a garbage-collection pause, \
                swapping, a stopped VM — after it checked its lease and before it writes. It wakes up still believing it \
                holds the lock and writes. No TTL prevents that; the lease already ran out while it slept.",
                "（Kleppmann，2016）：进程可能在任意时刻停下来——垃圾回收停顿、内存换页、虚拟机被暂停——\
                恰好发生在它检查完租约之后、写入之前。它醒来后仍以为自己持有锁，于是写入。\
                任何 TTL 都防不住这种情况：它睡着时租约早已到期。"
            ) }</p>
            <p><b>{ tr!("A fencing token", "防护令牌（fencing token）") }</b>{ tr!(
                " is a number that goes up with every grant (the server persists its \
                counter). The storage remembers the highest token it accepted and refuses lower ones, so the sleeper's \
                late write is turned away. Try the ",
                "是一个每次授予都会递增的数字（服务器会持久化这个计数器）。\
                存储记住它接受过的最高令牌并拒绝更低的令牌，于是那个睡过头的进程迟到的写入会被挡回。试试 "
            ) }<i>{ "Kleppmann" }</i>{ tr!(" preset, then the same run with ", " 预设，再在同样的运行中打开 ") }
                <code>{ "nofence" }</code>{ tr!(".", "。") }</p>
            <p class="muted">{ tr!(
                "\u{201c}At most one holder\u{201d} rests on the lease's assumptions: while a client is \
                paused or a clock drifts past the bound, and for one TTL after, the checker only counts overlaps \
                (amber); then it judges again. The token invariants are judged throughout. A client's acquisitions \
                carry its life, a counter it persists and bumps on every restart, so nothing meant for an earlier \
                life is taken by the next. Sources: ",
                "“至多一个持有者”依赖租约的前提假设：当某个客户端被暂停或某个时钟漂移超过上限时，\
                以及此后的一个 TTL 内，检查器只统计重叠次数（琥珀色），之后再恢复判定。\
                令牌相关的不变式始终都会判定。客户端的每次申请都带有它的生命编号——一个它会持久化、\
                每次重启都递增的计数器——因此发给上一次生命的消息不会被下一次生命接收。参考资料："
            ) }
                <a href="https://martin.kleppmann.com/2016/02/08/how-to-do-distributed-locking.html" target="_blank" rel="noopener">
                    { tr!("Kleppmann, How to do distributed locking", "Kleppmann：如何实现分布式锁") }</a>
                { tr!("; ", "；") }<cite lang="en">{ "Gray & Cheriton, Leases (1989)" }</cite>
                { tr!("; ", "；") }<cite lang="en">{ "Burrows, Chubby (2006)" }</cite>{ tr!(".", "。") }</p>
        </div>
    }
}

/// Choices offered for the lease TTL.
pub const TTLS: &[Micros] = &[250 * MS, 500 * MS, SEC, 2 * SEC, 5 * SEC];
/// Choices for the drift bound, in parts per million.
pub const BOUNDS: &[u32] = &[0, 10_000, 50_000, 100_000, 200_000];
/// Choices for how long a holder works before it writes.
pub const WORKS: &[(Micros, Micros)] =
    &[(100 * MS, 300 * MS), (200 * MS, 700 * MS), (500 * MS, 1_500 * MS), (SEC, 3 * SEC)];

fn pct(ppm: u32) -> String {
    let s = format!("{:.1}", f64::from(ppm) / 10_000.0);
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

#[derive(Properties, PartialEq)]
pub struct LockSettingsProps {
    pub ttl: Micros,
    pub bound_ppm: u32,
    pub work: (Micros, Micros),
    pub on_ttl: Callback<Micros>,
    pub on_bound: Callback<u32>,
    pub on_work: Callback<(Micros, Micros)>,
}

pub fn lock_settings(p: &LockSettingsProps) -> Html {
    html! {
        <>
            <label class="row">
                <span>{ tr!("lease TTL", "租约 TTL") }</span>
                { choice("ttl", tr!("lease time to live", "租约存活时间"), TTLS, p.ttl, format_duration, &p.on_ttl) }
                <span class="muted">{ tr!("how long a grant lasts on the server's clock", "一次授予按服务器时钟持续多久") }</span>
            </label>
            <label class="row">
                <span>{ tr!("drift bound", "漂移上限") }</span>
                { choice("bound", tr!("clock drift bound", "时钟漂移上限"), BOUNDS, p.bound_ppm, pct, &p.on_bound) }
                <span class="muted">{ tr!("clients shorten their lease by this much", "客户端按此比例缩短自己的租约") }</span>
            </label>
            <label class="row">
                <span>{ tr!("work", "工作时长") }</span>
                { choice("work", tr!("how long a holder works", "持有者工作多久"), WORKS, p.work,
                    |(a, b)| format!("{}–{}", format_duration(a), format_duration(b)), &p.on_work) }
                <span class="muted">{ tr!("from the grant to the write", "从获得授予到写入") }</span>
            </label>
        </>
    }
}
