//! The read-outs around the circle: what the last change moved (against the ideal), what the
//! pointer is over, and what failures cost.

use super::format::{chance, node_colour, percent, thousands, weight};
use super::geometry::{fraction, Bin, Hover, Keys};
use super::model::RingModel;
use halab_core::compact::{desc_u32, sort_by_u64};
use halab_core::protocol::NodeId;
use halab_core::ring::failover::{takeover, LOSS_SAMPLES};
use halab_core::ring::lab::{Change, FailureReport, Lab};
use halab_core::ring::stats::Loads;
use halab_core::ring::HashRing;
use yew::prelude::*;

/// Flows listed by name at most; the rest are summed up.
const MAX_FLOWS: usize = 6;

/// The last change as the counter shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct MovedView {
    pub headline: String,
    pub moved: usize,
    pub total: usize,
    pub ideal: f64,
    /// Where the keys went, in words.
    pub detail: String,
    /// (from, to, keys), most first (ties by ids).
    pub flows: Vec<(NodeId, NodeId, usize)>,
}

/// `None` before the first membership change (and after a change of keys or algorithm).
pub fn moved_view(lab: &Lab) -> Option<MovedView> {
    let last = lab.last()?;
    let m = &last.moves;
    let live_before = last.before.live();
    let live_now = lab.scenario().live();
    let uniform = |members: &halab_core::ring::Members| {
        let mut w = members.iter().map(|(_, w)| w);
        let first = w.next();
        w.all(|x| Some(x) == first)
    };
    let (moved, total, share) = (thousands(m.moved as u64), thousands(m.total as u64), percent(m.fraction()));
    let count = trf!("{moved} of {total} keys moved ({share})", "{total} 个键中迁移了 {moved} 个（{share}）");
    let ideal = match last.change {
        Change::Added(_) if uniform(&live_now) => {
            let (p, n) = (percent(last.ideal), live_now.len());
            trf!("ideal {p} = 1/{n}", "理想值 {p} = 1/{n}")
        }
        Change::Removed(_) | Change::Failed(_) if uniform(&live_before) => {
            let (p, n) = (percent(last.ideal), live_before.len());
            trf!("ideal {p} = 1/{n}", "理想值 {p} = 1/{n}")
        }
        _ if last.ideal == 0.0 => {
            tr!("ideal 0%: no node's share changed", "理想值 0%：没有节点的份额改变").to_owned()
        }
        _ => {
            let p = percent(last.ideal);
            trf!("ideal {p}", "理想值 {p}")
        }
    };
    let what = match last.change {
        Change::Added(id) => trf!("Added node {id}", "加入节点 {id}"),
        Change::Removed(id) => trf!("Removed node {id}", "移除节点 {id}"),
        Change::Failed(id) => trf!("Node {id} failed", "节点 {id} 故障"),
        Change::Recovered(id) => trf!("Node {id} recovered", "节点 {id} 恢复"),
        Change::Reweighted { id, from, to } => {
            let (from, to) = (weight(from), weight(to));
            trf!("Node {id}'s weight {from} → {to}", "节点 {id} 的权重 {from} → {to}")
        }
        Change::Vnodes { from, to } => trf!("Vnodes {from} → {to}", "虚拟节点 {from} → {to}"),
        Change::Epsilon { from, to } => format!("ε {} → {}", weight(from), weight(to)),
    };
    let mut flows: Vec<(NodeId, NodeId, usize)> = m.flows.iter().map(|(&(a, b), &k)| (a, b, k)).collect();
    sort_by_u64(&mut flows, |&(a, b, k)| desc_u32(k) << 16 | u64::from(a) << 8 | u64::from(b));
    let list = |items: Vec<(NodeId, usize)>| {
        let shown: Vec<String> = items
            .iter()
            .take(MAX_FLOWS)
            .map(|(id, k)| {
                let k = thousands(*k as u64);
                trf!("node {id} ({k})", "节点 {id}（{k}）")
            })
            .collect();
        let rest = items.len().saturating_sub(MAX_FLOWS);
        let more = if rest > 0 { trf!(" and {rest} more", " 等另外 {rest} 个") } else { String::new() };
        format!("{}{more}", shown.join(tr!(", ", "、")))
    };
    let sorted = |map: std::collections::BTreeMap<NodeId, usize>| {
        let mut v: Vec<(NodeId, usize)> = map.into_iter().collect();
        sort_by_u64(&mut v, |&(id, k)| desc_u32(k) << 8 | u64::from(id));
        v
    };
    // A change about one node reads best from that node's side when every flow starts or ends there.
    let about = match last.change {
        Change::Added(id)
        | Change::Removed(id)
        | Change::Failed(id)
        | Change::Recovered(id)
        | Change::Reweighted { id, .. } => Some(id),
        Change::Vnodes { .. } | Change::Epsilon { .. } => None,
    };
    let detail = match about {
        _ if m.moved == 0 => tr!("No key changed owner.", "没有键更换所有者。").to_owned(),
        Some(id) if flows.iter().all(|f| f.0 == id) => {
            let whose = if matches!(last.change, Change::Reweighted { .. }) { " of its" } else { "" };
            let count = thousands(m.moved as u64);
            let to = list(sorted(takeover(m, id)));
            match crate::i18n::lang() {
                crate::i18n::Lang::En => {
                    let lead =
                        if whose.is_empty() { format!("Its {count}") } else { format!("{count}{whose}") };
                    format!("{lead} keys went to {to}.")
                }
                crate::i18n::Lang::Zh if whose.is_empty() => {
                    trf!("Its {count} keys went to {to}.", "它的 {count} 个键迁往 {to}。")
                }
                crate::i18n::Lang::Zh => {
                    trf!("{count} of its keys went to {to}.", "它有 {count} 个键迁往 {to}。")
                }
            }
        }
        Some(id) if flows.iter().all(|f| f.1 == id) => {
            let from = flows.iter().fold(std::collections::BTreeMap::new(), |mut acc, f| {
                *acc.entry(f.0).or_insert(0) += f.2;
                acc
            });
            let from = list(sorted(from));
            trf!("Only keys to node {id} moved: from {from}.", "只有迁往节点 {id} 的键移动了：来自 {from}。")
        }
        _ => {
            let shown: Vec<String> = flows
                .iter()
                .take(MAX_FLOWS)
                .map(|(a, b, k)| format!("{a} → {b} ({})", thousands(*k as u64)))
                .collect();
            let rest = flows.len().saturating_sub(MAX_FLOWS);
            let more = if rest > 0 {
                trf!(" and {rest} more flows", " 等另外 {rest} 股迁移")
            } else {
                String::new()
            };
            let shown = shown.join(tr!(", ", "、"));
            trf!("Between nodes: {shown}{more}.", "节点之间：{shown}{more}。")
        }
    };
    Some(MovedView {
        headline: trf!("{what}: {count}; {ideal}", "{what}：{count}；{ideal}"),
        moved: m.moved,
        total: m.total,
        ideal: last.ideal,
        detail,
        flows,
    })
}

#[derive(Properties, PartialEq)]
pub struct MovedProps {
    pub view: Option<MovedView>,
    pub on_replay: Callback<()>,
}

/// The counter: moved vs ideal, and where the keys went. Tests read its data attributes.
pub fn moved_counter(p: &MovedProps) -> Html {
    let Some(v) = &p.view else {
        return html! {
            <div class="moved idle" data-testid="moved-counter" data-moved="0" data-total="0" data-ideal="0">
                <p>{ tr!("Change the nodes to see which keys move, against the least any placement could move.", "改变节点，看看哪些键会迁移，并与任何放置方案可能的最少迁移量比较。") }</p>
            </div>
        };
    };
    let flows = v.flows.iter().take(MAX_FLOWS * 4).map(|&(a, b, k)| {
        html! { <li data-from={a.to_string()} data-to={b.to_string()} data-keys={k.to_string()}></li> }
    });
    let bar = if v.total > 0 { v.moved as f64 / v.total as f64 } else { 0.0 };
    html! {
        <div class="moved" data-testid="moved-counter" data-moved={v.moved.to_string()} data-total={v.total.to_string()}
            data-ideal={format!("{:.6}", v.ideal)} aria-live="polite">
            <p class="headline">{ &v.headline }</p>
            <div class="meter" aria-hidden="true" title={tr!("moved (bar) against the ideal (mark)", "实际迁移（条）与理想值（标记）")}>
                <span class="fill" style={format!("width: {:.2}%", (bar * 100.0).min(100.0))}></span>
                <span class="ideal" style={format!("left: {:.2}%", (v.ideal * 100.0).min(100.0))}></span>
            </div>
            <p class="detail">
                { &v.detail }{ " " }
                <button class="link-button" data-testid="replay" onclick={p.on_replay.reform(|_: MouseEvent| ())}>{ tr!("↻ flash again", "↻ 再闪一次") }</button>
            </p>
            <ul hidden=true data-testid="moved-flows">{ for flows }</ul>
        </div>
    }
}

/// What the hover panel says about the thing under the pointer. Cheap: it runs on every hover
/// change, so it reads the loads the page already has and never rebuilds a placement.
pub fn inspect(m: &RingModel, loads: &Loads) -> Html {
    let lab = &m.lab;
    let s = lab.scenario();
    let node = |id: NodeId| {
        let down = s.down.contains(&id);
        html! {
            <span class={classes!("who", down.then_some("down"))} style={format!("--c: {}", node_colour(id))}>
                <i class="sw"></i>{ trf!("node {id}", "节点 {id}") }{ if down { tr!(" (down)", "（宕机）") } else { "" } }
            </span>
        }
    };
    let replicas = |i: usize| {
        let pref = lab.preference(i);
        let items = pref.iter().enumerate().map(|(k, &id)| {
            html! { <>{ if k > 0 { " → " } else { "" } }{ node(id) }</> }
        });
        html! { <>{ { let r = s.replicas; trf!("replicas (R = {r}): ", "副本（R = {r}）：") } }{ for items }</> }
    };
    let body = match m.hover {
        Some(Hover::Key(k)) => lab.keys().get(k as usize).map(|&h| {
            let owner = lab.assignment().get(k as usize).copied();
            html! {
                <>
                    <b>{ format!("k{k}") }</b>
                    <span class="muted">{ format!(" hash {h:016x} · {:.2}°", fraction(h) * 360.0) }</span>
                    <br />{ tr!("owner ", "所有者 ") }{ for owner.map(node) }{ " · " }{ replicas(k as usize) }
                </>
            }
        }),
        Some(Hover::Bin(b)) => match &m.circle.keys {
            Keys::Bins(bins) => bins.get(usize::from(b)).map(|bin| bin_text(b, bins.len(), bin, &node, &replicas)),
            Keys::Dots(_) => None,
        },
        Some(Hover::Node(id)) => s.members.weight(id).map(|w| {
            let keys = loads.per_node.iter().find(|(n, _)| *n == id).map_or(0, |&(_, c)| c);
            let vnodes = m.circle.has_ring.then(|| HashRing::vnodes_of(s.vnodes, w));
            html! {
                <>
                    { node(id) }
                    <span class="muted">
                        { { let w = weight(w); trf!(" · weight {w}", " · 权重 {w}") } }
                        { vnodes.map(|v| trf!(" · {v} vnodes", " · {v} 个虚拟节点")).unwrap_or_default() }
                    </span>
                    <br />{ { let (n, p) = (thousands(keys as u64), percent(keys as f64 / loads.keys.max(1) as f64)); trf!("{n} keys ({p} of all)", "{n} 个键（占全部的 {p}）") } }
                </>
            }
        }),
        None => None,
    };
    html! {
        <p class="inspector" data-testid="inspector">
            { body.unwrap_or_else(|| html! {
                <span class="muted">{ tr!("Point at a key, a slice of keys or the rim to see its hash, owner and replicas; at a node's chip or bar to pick out its arcs.", "指向一个键、一片键或环边缘，可看到它的哈希、所有者和副本；指向节点的标签或柱条，可突出它的弧段。") }</span>
            }) }
        </p>
    }
}

fn bin_text(
    b: u16,
    of: usize,
    bin: &Bin,
    node: &dyn Fn(NodeId) -> Html,
    replicas: &dyn Fn(usize) -> Html,
) -> Html {
    let width = 360.0 / of.max(1) as f64;
    let from = f64::from(b) * width;
    let owners = bin.owners.iter().take(4).enumerate().map(|(i, &(id, k))| {
        html! { <>{ if i > 0 { ", " } else { "" } }{ node(id) }{ format!(" {}", thousands(u64::from(k))) }</> }
    });
    let more = bin.owners.len().saturating_sub(4);
    html! {
        <>
            <b>{ format!("{from:.1}°–{:.1}°", from + width) }</b>
            <span class="muted">{ { let n = thousands(u64::from(bin.total)); trf!(" · {n} keys: ", " · {n} 个键：") } }</span>
            { for owners }{ if more > 0 { trf!(" and {more} more", " 等另外 {more} 个") } else { String::new() } }
            if let Some(k) = bin.first_key {
                <br />{ format!("e.g. k{k}: ") }{ replicas(k as usize) }
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct FailureProps {
    pub report: Option<FailureReport>,
    pub replicas: u8,
    pub nodes: usize,
}

/// Replica loss: now, and for k random failures, with a plain word on copysets.
pub fn failure_panel(p: &FailureProps) -> Html {
    let Some(f) = &p.report else {
        return html! { <p class="muted" data-testid="failures-pending">{ tr!("Working out replica sets…", "正在计算副本组…") }</p> };
    };
    let r = usize::from(p.replicas).min(p.nodes);
    let down = if f.down.is_empty() {
        tr!("All nodes are up.", "所有节点都在运行。").to_owned()
    } else {
        let ids: Vec<String> = f.down.iter().map(|id| id.to_string()).collect();
        let (s, list) = (if ids.len() > 1 { "s" } else { "" }, ids.join(", "));
        trf!("Down: node{s} {list}.", "宕机：节点 {list}。")
    };
    let (any, exact) = f.any_loss;
    let how = if exact {
        tr!("exact, over every set of failures", "精确值，遍历所有故障组合").to_owned()
    } else {
        let n = thousands(LOSS_SAMPLES);
        trf!("estimated from {n} random draws", "由 {n} 次随机抽样估计")
    };
    html! {
        <div class="failures" data-testid="failures" data-lost={f.lost_keys.to_string()} data-sets={f.replica_sets.to_string()}>
            <p>{ down }{ " " }
                <b class={classes!((f.lost_keys > 0).then_some("bad"))}>
                    { { let (n, s) = (thousands(f.lost_keys as u64), if f.lost_keys == 1 { "" } else { "s" }); trf!("{n} key{s} lost every replica", "{n} 个键的所有副本都丢失了") } }
                </b>
                { trf!(" (R = {r}).", "（R = {r}）。") }
            </p>
            <p>{ { let n = thousands(f.replica_sets as u64); trf!("The keys use {n} distinct replica sets.", "这些键使用了 {n} 个不同的副本组。") } }</p>
            <p>
                { { let (k, s, p) = (f.k, if f.k == 1 { "" } else { "s" }, chance(f.expected_lost_fraction)); trf!("If {k} random node{s} fail: each key is lost with p = {p}; ", "如果随机 {k} 个节点故障：每个键丢失的概率 p = {p}；") } }
                <b>{ { let p = chance(any); trf!("some key is lost with p = {p}", "至少一个键丢失的概率 p = {p}") } }</b>{ trf!(" ({how}).", "（{how}）。") }
            </p>
            <p class="muted explain">
                { tr!("A key is lost only if all R nodes holding it fail together. For one key that chance is the same \
                   whatever the placement; what the placement decides is how many different replica sets \
                   (copysets) the keys use. Few sets make a loss rare but large; many small ones, like a ring \
                   with many vnodes, mean almost any R failures lose some key.",
                   "只有持有某个键的 R 个节点同时故障，这个键才会丢失。对单个键而言，这个概率与放置方式无关；放置方式决定的是这些键用了多少个不同的副本组（copyset）。副本组少，丢失罕见但一次损失大；副本组多而小（比如虚拟节点很多的环），几乎任意 R 个节点故障都会丢失某个键。") }
            </p>
        </div>
    }
}
