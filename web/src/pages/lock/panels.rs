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
        let (class, glyph, text) = if w.stale() {
            (
                "stale",
                "⚠",
                format!(
                    "{} wrote with token {}: stored after token {} — a stale write landed",
                    w.who, w.token, w.highest_before
                ),
            )
        } else if w.accepted {
            ("stored", "✓", format!("{} wrote with token {}: stored", w.who, w.token))
        } else {
            (
                "refused",
                "✕",
                format!("{} wrote with token {}: refused, token {} was already seen", w.who, w.token, w.highest_before),
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
    html! {
        <div class="lock-writes">
            <h2>{ "Storage" }<span class="muted">{ " — writes as they arrived, newest first" }</span></h2>
            <p class="storage-sum" data-testid="storage-sum" data-highest={p.highest.to_string()}
                data-accepted={p.accepted.to_string()} data-refused={p.refused.to_string()}>
                { format!("highest token {} · {} stored · {} refused", p.highest, p.accepted, p.refused) }
            </p>
            if p.writes.is_empty() {
                <p class="muted" data-testid="storage-writes">{ "No write has reached the storage yet." }</p>
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
            <h2>{ "Leases and fencing tokens" }</h2>
            <p><b>{ "A lease" }</b>{ " is the lock for a fixed time (the TTL) on the server's clock, renewed while the \
                client works. A client counts its lease from when it asked and shortens it by the drift bound, so while \
                clocks stay within that bound and nothing stops, its belief ends before the server's lease does." }</p>
            <p><b>{ "The catch" }</b>{ " (Kleppmann, 2016): a process can stop at any moment — a garbage-collection pause, \
                swapping, a stopped VM — after it checked its lease and before it writes. It wakes up still believing it \
                holds the lock and writes. No TTL prevents that; the lease already ran out while it slept." }</p>
            <p><b>{ "A fencing token" }</b>{ " is a number that goes up with every grant (the server persists its \
                counter). The storage remembers the highest token it accepted and refuses lower ones, so the sleeper's \
                late write is turned away. Try the " }<i>{ "Kleppmann" }</i>{ " preset, then the same run with " }
                <code>{ "nofence" }</code>{ "." }</p>
            <p class="muted">{ "\u{201c}At most one holder\u{201d} rests on the lease's assumptions: while a client is \
                paused or a clock drifts past the bound, and for one TTL after, the checker only counts overlaps \
                (amber); then it judges again. The token invariants are judged throughout. A client's acquisitions \
                carry its life, a counter it persists and bumps on every restart, so nothing meant for an earlier \
                life is taken by the next. Sources: " }
                <a href="https://martin.kleppmann.com/2016/02/08/how-to-do-distributed-locking.html" target="_blank" rel="noopener">
                    { "Kleppmann, How to do distributed locking" }</a>
                { "; Gray & Cheriton, Leases (1989); Burrows, Chubby (2006)." }</p>
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
                <span>{ "lease TTL" }</span>
                { choice("ttl", "lease time to live", TTLS, p.ttl, format_duration, &p.on_ttl) }
                <span class="muted">{ "how long a grant lasts on the server's clock" }</span>
            </label>
            <label class="row">
                <span>{ "drift bound" }</span>
                { choice("bound", "clock drift bound", BOUNDS, p.bound_ppm, pct, &p.on_bound) }
                <span class="muted">{ "clients shorten their lease by this much" }</span>
            </label>
            <label class="row">
                <span>{ "work" }</span>
                { choice("work", "how long a holder works", WORKS, p.work,
                    |(a, b)| format!("{}–{}", format_duration(a), format_duration(b)), &p.on_work) }
                <span class="muted">{ "from the grant to the write" }</span>
            </label>
        </>
    }
}
