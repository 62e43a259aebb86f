//! Every algorithm side by side on the current setup: spread, what the last change moved,
//! memory, and lookup time measured here, in this browser.

use super::format::{bytes, percent};
use halab_core::ring::lab::{Lab, Row};
use halab_core::ring::{keys, Algorithm, Placement};
use std::hint::black_box;
use std::rc::Rc;
use yew::prelude::*;

/// Timing runs rounds of lookups in windows of at least [`WINDOW_MS`] until [`TIME_TARGET_MS`]
/// have passed, and keeps the fastest window: the first ones may still run the browser's quick
/// first compilation of the Wasm, or share the CPU with something else.
pub const TIME_TARGET_MS: f64 = 6.0;
pub const WINDOW_MS: f64 = 1.0;
/// Rounds at most (a clock that does not advance would otherwise never end a window).
pub const MAX_ROUNDS: u32 = 500;
/// Lookups are timed over the keys `k0..k9999` whatever the lab's key count: long enough for a
/// browser clock (coarsened to 0.1 ms in some browsers), short enough that 100,000 keys do not
/// make the table slow. The cost per key does not depend on how many keys there are.
pub const TIMED_KEYS: u32 = 10_000;

/// One algorithm's row, as plain numbers (the placement it was measured with is dropped).
#[derive(Clone, Debug, PartialEq)]
pub struct CompareRow {
    pub algorithm: Algorithm,
    pub weighted: bool,
    /// Max over nodes of keys / fair share.
    pub peak: f64,
    pub cv: f64,
    /// Fraction of keys the last membership change moved, replayed on this algorithm.
    pub moved: Option<f64>,
    pub memory_bytes: usize,
    /// Nanoseconds per key of `assign` (lookups; bounded loads' capped walk).
    pub ns_per_key: f64,
}

/// Passes over all rows when timing: each row's figure is its fastest pass, so a row timed
/// before the browser finished optimising the code gets a second chance.
pub const TIMING_PASSES: usize = 2;

/// A table row from the lab's row and its timing.
pub fn row(r: &Row, ns_per_key: f64) -> CompareRow {
    CompareRow {
        algorithm: r.algorithm,
        weighted: r.algorithm.weighted(),
        peak: r.loads.peak,
        cv: r.loads.cv,
        moved: r.moved,
        memory_bytes: r.memory_bytes,
        ns_per_key,
    }
}

/// The keys lookups are timed on.
pub fn timed_keys() -> Vec<u64> {
    keys(TIMED_KEYS)
}

/// Builds the whole table for `lab` at once, timing with `clock` (milliseconds). The page does
/// the same one row at a time, yielding in between (see `measure_later` in the page).
pub fn measure(lab: &Lab, clock: &dyn Fn() -> f64) -> Vec<CompareRow> {
    let timed = timed_keys();
    let rows = lab.compare();
    let mut best = vec![f64::INFINITY; rows.len()];
    for _ in 0..TIMING_PASSES {
        for (b, r) in best.iter_mut().zip(&rows) {
            *b = b.min(time_per_key(r.placement.as_ref(), &timed, clock));
        }
    }
    rows.iter().zip(best).map(|(r, ns)| row(r, ns)).collect()
}

/// Nanoseconds per key of `placement.assign(keys)`: the fastest window (see [`WINDOW_MS`]), after
/// one untimed round.
pub fn time_per_key(placement: &dyn Placement, keys: &[u64], clock: &dyn Fn() -> f64) -> f64 {
    if keys.is_empty() {
        return 0.0;
    }
    black_box(placement.assign(black_box(keys)));
    let start = clock();
    let (mut rounds, mut best) = (0u32, f64::INFINITY);
    loop {
        let window = clock();
        let mut in_window = 0u32;
        let elapsed = loop {
            black_box(placement.assign(black_box(keys)));
            in_window += 1;
            rounds += 1;
            let elapsed = clock() - window;
            if elapsed >= WINDOW_MS || rounds >= MAX_ROUNDS {
                break elapsed;
            }
        };
        if elapsed > 0.0 {
            best = best.min(elapsed / f64::from(in_window));
        }
        if clock() - start >= TIME_TARGET_MS || rounds >= MAX_ROUNDS {
            break;
        }
    }
    if best.is_finite() {
        best * 1e6 / keys.len() as f64
    } else {
        0.0
    }
}

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// `None` while it is being measured.
    pub rows: Option<Rc<Vec<CompareRow>>>,
    pub selected: Algorithm,
    /// The least any placement could have moved in the last change.
    pub ideal: Option<f64>,
    pub on_select: Callback<Algorithm>,
}

pub fn compare_table(p: &CompareProps) -> Html {
    let Some(rows) = &p.rows else {
        return html! { <p class="muted" data-testid="compare-pending">{ tr!("Measuring every algorithm on this setup…", "正在这个设置上测量每种算法…") }</p> };
    };
    let moved_head = match p.ideal {
        Some(ideal) => {
            let ideal = percent(ideal);
            trf!("moved (ideal {ideal})", "迁移（理想值 {ideal}）")
        }
        None => tr!("moved", "迁移").to_owned(),
    };
    let body = rows.iter().map(|r| {
        let alg = r.algorithm;
        let here = alg == p.selected;
        let onclick = p.on_select.reform(move |_: MouseEvent| alg);
        let onkeydown = {
            let cb = p.on_select.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    cb.emit(alg);
                }
            })
        };
        let moved = r.moved.map_or_else(|| "—".to_owned(), percent);
        html! {
            <tr class={classes!(here.then_some("current"))} data-testid={format!("compare-{}", alg.name())}
                data-peak={format!("{:.4}", r.peak)} data-ns={format!("{:.2}", r.ns_per_key)}
                data-moved={r.moved.map(|m| format!("{m:.6}"))}
                tabindex="0" aria-selected={here.to_string()} title={{ let t = super::algorithm_title(alg); trf!("use {t}", "改用 {t}") }} {onclick} {onkeydown}>
                <th scope="row">{ super::algorithm_title(alg) }</th>
                <td class="c">{ if r.weighted { "✓" } else { "—" } }</td>
                <td>{ format!("{:.2}×", r.peak) }</td>
                <td>{ format!("{:.3}", r.cv) }</td>
                <td>{ moved }</td>
                <td>{ bytes(r.memory_bytes as f64) }</td>
                <td>{ ns(r.ns_per_key) }</td>
            </tr>
        }
    });
    html! {
        <div class="table-scroll">
            <table class="compare" data-testid="compare-table">
                <thead>
                    <tr>
                        <th scope="col">{ tr!("algorithm", "算法") }</th>
                        <th scope="col" class="c" title={tr!("whether node weights change the placement", "节点权重是否影响放置")}>{ tr!("weights", "权重") }</th>
                        <th scope="col" title={tr!("the fullest node's keys over its fair share", "最满节点的键数与其公平份额之比")}>{ tr!("max/fair", "最大/公平") }</th>
                        <th scope="col" title={tr!("coefficient of variation of keys per node: std dev / mean", "每个节点键数的变异系数：标准差 / 平均值")}>{ "CV" }</th>
                        <th scope="col" title={tr!("keys the last membership change moved, replayed on each algorithm", "上一次成员变化迁移的键，在每种算法上重放")}>{ moved_head }</th>
                        <th scope="col" title={tr!("the lookup structure's heap size", "查找结构的堆大小")}>{ tr!("memory", "内存") }</th>
                        <th scope="col" title={tr!("time per key to place 10,000 keys, measured just now in this browser", "放置 10,000 个键时每个键的耗时，刚在这个浏览器里测得")}>{ tr!("lookup", "查找") }</th>
                    </tr>
                </thead>
                <tbody>{ for body }</tbody>
            </table>
        </div>
    }
}

/// `37 ns`, `3.5 ns`, `1.9 µs`.
fn ns(v: f64) -> String {
    if v >= 1_000.0 {
        format!("{:.1} µs", v / 1_000.0)
    } else if v >= 10.0 {
        format!("{v:.0} ns")
    } else {
        format!("{v:.1} ns")
    }
}
