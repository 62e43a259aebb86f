//! Keys per node as bars, against each node's fair share (and the cap, for bounded loads), with
//! the spread figures under them. Plain HTML boxes, so labels stay readable at any width.

use super::format::{bytes, node_colour, thousands};
use halab_core::protocol::NodeId;
use halab_core::ring::bounded::capacity;
use halab_core::ring::lab::Lab;
use halab_core::ring::stats::Loads;
use halab_core::ring::Algorithm;
use yew::prelude::*;

/// Node labels under the bars at most; beyond that every k-th.
const MAX_LABELS: usize = 32;

#[derive(Clone, Debug, PartialEq)]
pub struct LoadBar {
    pub id: NodeId,
    pub keys: usize,
    /// Keys it should hold by its weight (0 when down).
    pub fair: f64,
    /// Bounded loads' cap, ⌈(1+ε)·keys·w/W⌉.
    pub cap: Option<u64>,
    pub down: bool,
}

/// One bar per member (failed ones empty, so bars keep their place), from the lab.
pub fn bars(lab: &Lab, loads: &Loads) -> Vec<LoadBar> {
    let s = lab.scenario();
    let live = s.live();
    let total_weight = live.total_weight().max(1);
    let keys = loads.keys as u64;
    let bounded = s.algorithm == Algorithm::Bounded;
    s.members
        .iter()
        .map(|(id, w)| {
            let down = s.down.contains(&id);
            let count = loads.per_node.iter().find(|(n, _)| *n == id).map_or(0, |&(_, c)| c);
            let fair = if down { 0.0 } else { keys as f64 * f64::from(w) / total_weight as f64 };
            let cap = (bounded && !down).then(|| capacity(loads.keys, w, total_weight, s.epsilon));
            LoadBar { id, keys: count, fair, cap, down }
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct LoadChartProps {
    pub bars: Vec<LoadBar>,
    pub highlight: Option<NodeId>,
    pub on_hover: Callback<Option<NodeId>>,
}

pub fn load_chart(p: &LoadChartProps) -> Html {
    let top =
        p.bars.iter().map(|b| (b.keys as f64).max(b.fair).max(b.cap.unwrap_or(0) as f64)).fold(1.0, f64::max)
            * 1.08;
    let pct = |v: f64| format!("{:.2}%", (v / top * 100.0).clamp(0.0, 100.0));
    let live: Vec<&LoadBar> = p.bars.iter().filter(|b| !b.down).collect();
    // Equal fair shares draw one line across; unequal ones a mark on each bar.
    let uniform = live.windows(2).all(|w| (w[0].fair - w[1].fair).abs() < 1e-9);
    let fair_line = uniform.then(|| live.first().map(|b| b.fair)).flatten();
    let cap_line = uniform.then(|| live.first().and_then(|b| b.cap)).flatten();
    let every = p.bars.len().div_ceil(MAX_LABELS).max(1);
    let cols = p.bars.iter().map(|b| {
        let id = b.id;
        let dim = p.highlight.is_some_and(|h| h != id);
        let title = if b.down {
            trf!("node {id}: down, no keys", "节点 {id}：宕机，没有键")
        } else {
            let cap = b.cap.map(|c| { let c = thousands(c); trf!(", cap {c}", "，上限 {c}") }).unwrap_or_default();
            let (keys, fair) = (thousands(b.keys as u64), b.fair);
            trf!("node {id}: {keys} keys (fair share {fair:.0}{cap})", "节点 {id}：{keys} 个键（公平份额 {fair:.0}{cap}）")
        };
        html! {
            <div class={classes!("col", b.down.then_some("down"), dim.then_some("dim"))} data-testid={format!("load-{id}")}
                data-keys={b.keys.to_string()} title={title}
                onmouseenter={p.on_hover.reform(move |_: MouseEvent| Some(id))}
                onmouseleave={p.on_hover.reform(|_: MouseEvent| None)}>
                <div class="bar" style={format!("height: {}; background: {}", pct(b.keys as f64), node_colour(id))}></div>
                if !uniform && !b.down {
                    <div class="mark fair" style={format!("bottom: {}", pct(b.fair))}></div>
                }
                if let (false, Some(cap)) = (uniform, b.cap) {
                    <div class="mark cap" style={format!("bottom: {}", pct(cap as f64))}></div>
                }
            </div>
        }
    });
    let labels = p.bars.iter().enumerate().map(|(i, b)| {
        let text = if i % every == 0 { b.id.to_string() } else { String::new() };
        html! { <span class={classes!(b.down.then_some("down"))}>{ text }</span> }
    });
    html! {
        <div class="load-chart" data-testid="load-chart" role="img"
            aria-label={tr!("keys per node, against each node's fair share", "每个节点的键数，与其公平份额对比")}>
            <div class="plot">
                <span class="ymax">{ thousands(top as u64) }</span>
                if let Some(f) = fair_line {
                    <div class="line fair" style={format!("bottom: {}", pct(f))}></div>
                }
                if let Some(c) = cap_line {
                    <div class="line cap" style={format!("bottom: {}", pct(c as f64))}></div>
                }
                { for cols }
            </div>
            <div class="labels">{ for labels }</div>
            <p class="chart-key muted">
                <span class="key fair"></span>{ tr!("fair share by weight", "按权重的公平份额") }
                if p.bars.iter().any(|b| b.cap.is_some()) {
                    <span class="key cap"></span>{ tr!("bounded-loads cap", "有界负载上限") }
                }
            </p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct StatsProps {
    pub loads: Loads,
    /// The current placement's memory, once measured.
    pub memory_bytes: Option<usize>,
    pub nodes: usize,
}

/// max/fair, standard deviation, CV and memory per node.
pub fn stats(p: &StatsProps) -> Html {
    let l = &p.loads;
    let memory = p.memory_bytes.map_or_else(|| "…".to_owned(), |m| bytes(m as f64 / p.nodes.max(1) as f64));
    html! {
        <dl class="stats" data-testid="load-stats" data-peak={format!("{:.4}", l.peak)} data-cv={format!("{:.4}", l.cv)}>
            <div title={tr!("the fullest node's keys over its fair share (1 is perfect)", "最满节点的键数与其公平份额之比（1 为完美）")}><dt>{ tr!("max/fair", "最大/公平") }</dt><dd>{ format!("{:.2}×", l.peak) }</dd></div>
            <div title={tr!("standard deviation of keys per node", "每个节点键数的标准差")}><dt>{ tr!("std dev", "标准差") }</dt><dd>{ { let d = l.std_dev; trf!("{d:.1} keys", "{d:.1} 个键") } }</dd></div>
            <div title={tr!("coefficient of variation: std dev / mean", "变异系数：标准差 / 平均值")}><dt>{ "CV" }</dt><dd>{ format!("{:.3}", l.cv) }</dd></div>
            <div title={tr!("mean keys per live node", "每个存活节点的平均键数")}><dt>{ tr!("mean", "平均") }</dt><dd>{ { let m = l.mean; trf!("{m:.0} keys", "{m:.0} 个键") } }</dd></div>
            <div title={tr!("the lookup structure's heap size divided by the live nodes", "查找结构的堆大小除以存活节点数")}><dt>{ tr!("memory", "内存") }</dt><dd>{ memory }{ tr!(" / node", " / 节点") }</dd></div>
        </dl>
    }
}
