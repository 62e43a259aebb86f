//! The lab's controls: the setup (algorithm, keys, vnodes, replicas, ε) and the node list (add,
//! and per node its weight, fail/recover, remove). Every control emits an [`Action`]; input it
//! cannot read is reported as a message instead.
//!
//! Number fields are the shared [`Field`]s (see [`crate::widgets::field`]), so typing survives
//! the re-renders that the table landing or the pointer moving cause.

use super::format::{node_colour, thousands, weight};
use super::model::Action;
use crate::widgets::field::{number_field, Field};
use halab_core::protocol::NodeId;
use halab_core::ring::limits::{MAX_KEYS, MAX_REPLICAS, MAX_RING_NODES, MAX_VNODES, MIN_VNODES};
use halab_core::ring::{Algorithm, Weight};
use halab_core::scenario::units::parse_hundredths;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

fn whole(s: &str) -> Result<u32, String> {
    let digits: String = s.chars().filter(|c| !matches!(c, ',' | '_' | ' ')).collect();
    let got = short(s);
    digits.parse::<u32>().map_err(|_| {
        trf!(
            "expected a whole number, got \u{201c}{got}\u{201d}",
            "需要一个整数，实际为 \u{201c}{got}\u{201d}"
        )
    })
}

fn hundredths(s: &str) -> Result<u32, String> {
    parse_hundredths(s).map_err(|e| crate::i18n::zh_core::msg(&e))
}

fn short(s: &str) -> String {
    halab_core::scenario::units::shorten(s)
}

#[derive(Properties, PartialEq)]
pub struct SetupProps {
    pub algorithm: Algorithm,
    pub keys: u32,
    pub vnodes: u32,
    pub replicas: u8,
    pub epsilon: u32,
    /// Ring points (vnodes over all nodes, by weight).
    pub points: usize,
    pub on_action: Callback<Action>,
    pub on_bad: Callback<String>,
}

#[function_component(Setup)]
pub fn setup(p: &SetupProps) -> Html {
    let number_ref = use_node_ref();
    let act = |f: fn(u32) -> Action| p.on_action.reform(f);
    let on_algorithm = {
        let cb = p.on_action.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Some(a) = Algorithm::from_name(&sel.value()) {
                cb.emit(Action::Algorithm(a));
            }
        })
    };
    let on_replicas = {
        let cb = p.on_action.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(r) = sel.value().parse::<u8>() {
                cb.emit(Action::Replicas(r));
            }
        })
    };
    // Dragging the slider shows the number at once; letting go rebuilds.
    let on_slide = {
        let number = number_ref.clone();
        Callback::from(move |e: InputEvent| {
            let range: HtmlInputElement = e.target_unchecked_into();
            if let Some(n) = number.cast::<HtmlInputElement>() {
                n.set_value(&range.value());
            }
        })
    };
    let vnodes = AttrValue::from(p.vnodes.to_string());
    let (min_vn, max_vn) = (AttrValue::from(MIN_VNODES.to_string()), AttrValue::from(MAX_VNODES.to_string()));
    let on_vnodes = number_field(
        vnodes.to_string(),
        tr!("Vnodes", "虚拟节点"),
        whole,
        act(Action::Vnodes),
        p.on_bad.clone(),
    );
    // Letting go of the slider: its number (which followed the drag) goes back too, until the
    // change is accepted.
    let on_vnodes_range = {
        let inner = number_field(
            vnodes.to_string(),
            tr!("Vnodes", "虚拟节点"),
            whole,
            act(Action::Vnodes),
            p.on_bad.clone(),
        );
        let (number, current) = (number_ref.clone(), vnodes.to_string());
        Callback::from(move |e: Event| {
            if let Some(n) = number.cast::<HtmlInputElement>() {
                n.set_value(&current);
            }
            inner.emit(e);
        })
    };
    let on_keys =
        number_field(p.keys.to_string(), tr!("Keys", "键数"), whole, act(Action::Keys), p.on_bad.clone());
    let on_epsilon = number_field(weight(p.epsilon), "ε", hundredths, act(Action::Epsilon), p.on_bad.clone());
    let uses_ring = matches!(p.algorithm, Algorithm::Ring | Algorithm::Bounded);
    let algorithms = Algorithm::ALL.iter().map(|&a| {
        html! { <option value={a.name()} selected={a == p.algorithm}>{ super::algorithm_title(a) }</option> }
    });
    let replicas = (1..=MAX_REPLICAS)
        .map(|r| html! { <option value={r.to_string()} selected={r == p.replicas}>{ r }</option> });
    let presets = [1_000u32, 10_000, MAX_KEYS].map(|k| {
        html! {
            <button class={classes!("chip-button", (k == p.keys).then_some("on"))} data-testid={format!("keys-{k}")}
                onclick={p.on_action.reform(move |_: MouseEvent| Action::Keys(k))}>{ thousands(u64::from(k)) }</button>
        }
    });
    html! {
        <div class="settings ring-setup">
            <label class="row">
                <span class="name">{ tr!("algorithm", "算法") }</span>
                <select data-testid="algorithm" aria-label={tr!("placement algorithm", "放置算法")} onchange={on_algorithm}>{ for algorithms }</select>
            </label>
            <div class="row">
                <label class="row" for="ring-keys"><span class="name">{ tr!("keys", "键数") }</span></label>
                <Field kind="number" id="ring-keys" class="num wide" testid="keys" label={tr!("keys", "键数")} min="1"
                    max={MAX_KEYS.to_string()} step="1" value={p.keys.to_string()} onchange={on_keys} />
                <span class="chips">{ for presets }</span>
            </div>
            <div class={classes!("row", (!uses_ring).then_some("unused"))}>
                <label for="ring-vnodes"><span class="name">{ tr!("vnodes", "虚拟节点") }</span></label>
                <Field kind="range" testid="vnodes-range" label={tr!("vnodes per node (slider)", "每个节点的虚拟节点数（滑块）")} min={min_vn.clone()}
                    max={max_vn.clone()} step="1" value={vnodes.clone()} oninput={on_slide} onchange={on_vnodes_range} />
                <Field kind="number" id="ring-vnodes" node_ref={number_ref} class="num" testid="vnodes"
                    label={tr!("vnodes per node", "每个节点的虚拟节点数")} min={min_vn} max={max_vn} step="1" value={vnodes} onchange={on_vnodes} />
                <span class="muted hint">
                    { if uses_ring {
                        let n = thousands(p.points as u64);
                        trf!("per node of weight 1; {n} points on the ring", "权重为 1 的节点各有这么多；环上共 {n} 个点")
                    } else {
                        tr!("only the hash ring and bounded loads use vnodes", "只有哈希环和有界负载使用虚拟节点").to_owned()
                    } }
                </span>
            </div>
            <label class="row">
                <span class="name">{ tr!("replicas", "副本数") }</span>
                <select data-testid="replicas" aria-label={tr!("replication factor R", "副本因子 R")} onchange={on_replicas}>{ for replicas }</select>
                <span class="muted hint">{ tr!("R: each key's copies, on its first R distinct nodes", "R：每个键的副本数，放在它遇到的前 R 个不同节点上") }</span>
            </label>
            if p.algorithm == Algorithm::Bounded {
                <label class="row">
                    <span class="name">{ "ε" }</span>
                    <Field kind="number" class="num" testid="epsilon" label="epsilon" min="0" max="4" step="0.05"
                        value={weight(p.epsilon)} onchange={on_epsilon} />
                    <span class="muted hint">{ tr!("a node holds at most (1 + ε) × its fair share", "一个节点最多持有其公平份额的 (1 + ε) 倍") }</span>
                </label>
            }
        </div>
    }
}

/// One node as the list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeRow {
    pub id: NodeId,
    pub weight: Weight,
    pub down: bool,
    pub keys: usize,
}

#[derive(Properties, PartialEq)]
pub struct NodeListProps {
    pub rows: Vec<NodeRow>,
    pub highlight: Option<NodeId>,
    pub on_action: Callback<Action>,
    pub on_bad: Callback<String>,
    pub on_hover: Callback<Option<NodeId>>,
}

pub fn node_list(p: &NodeListProps) -> Html {
    let full = p.rows.len() >= MAX_RING_NODES;
    let down = p.rows.iter().filter(|r| r.down).count();
    let rows = p.rows.iter().map(|r| {
        let id = r.id;
        let on_weight = number_field(
            weight(r.weight),
            tr!("Weight", "权重"),
            hundredths,
            p.on_action.reform(move |w: Weight| Action::Weight(id, w)),
            p.on_bad.clone(),
        );
        let here = p.highlight == Some(id);
        let toggle = if r.down {
            html! {
                <button class="small toggle" data-testid={format!("recover-{id}")} title={trf!("bring node {id} back", "让节点 {id} 恢复")}
                    onclick={p.on_action.reform(move |_: MouseEvent| Action::Recover(id))}>{ tr!("recover", "恢复") }</button>
            }
        } else {
            html! {
                <button class="small toggle" data-testid={format!("fail-{id}")} title={trf!("node {id} fails: its keys go to the next nodes", "节点 {id} 故障：它的键交给后面的节点")}
                    onclick={p.on_action.reform(move |_: MouseEvent| Action::Fail(id))}>{ tr!("fail", "故障") }</button>
            }
        };
        html! {
            <li key={id} class={classes!("node-row", r.down.then_some("down"), here.then_some("here"))}
                data-testid={format!("node-row-{id}")} data-down={r.down.to_string()} style={format!("--c: {}", node_colour(id))}
                onmouseenter={p.on_hover.reform(move |_: MouseEvent| Some(id))}
                onmouseleave={p.on_hover.reform(|_: MouseEvent| None)}>
                <i class="sw"></i>
                <span class="name">{ trf!("node {id}", "节点 {id}") }</span>
                <span class="count">{ if r.down { tr!("down", "宕机").to_owned() } else { thousands(r.keys as u64) } }</span>
                <label class="w" title={tr!("weight: 1 is a normal node, 2 takes twice the keys (0.1–10)", "权重：1 为普通节点，2 拿到两倍的键（0.1–10）")}>
                    <span>{ "w" }</span>
                    <Field kind="number" class="num" testid={format!("weight-{id}")} label={trf!("node {id} weight", "节点 {id} 的权重")}
                        min="0.1" max="10" step="0.01" value={weight(r.weight)} onchange={on_weight} />
                </label>
                { toggle }
                <button class="small icon" data-testid={format!("remove-{id}")} aria-label={trf!("remove node {id}", "移除节点 {id}")}
                    title={trf!("remove node {id} from the cluster", "把节点 {id} 移出集群")}
                    onclick={p.on_action.reform(move |_: MouseEvent| Action::Remove(id))}>{ "✕" }</button>
            </li>
        }
    });
    html! {
        <div class="node-list">
            <div class="row head">
                <button class="primary" data-testid="add-node"
                    title={if full { trf!("at most {MAX_RING_NODES} nodes", "最多 {MAX_RING_NODES} 个节点") } else { tr!("add a node of weight 1", "加入一个权重为 1 的节点").to_owned() }}
                    onclick={p.on_action.reform(|_: MouseEvent| Action::AddNode)}>{ tr!("+ Add node", "+ 加入节点") }</button>
                <span class="muted">
                    { { let (n, s) = (p.rows.len(), if p.rows.len() == 1 { "" } else { "s" }); trf!("{n} node{s}", "{n} 个节点") } }
                    { if down > 0 { trf!(", {down} down", "，{down} 个宕机") } else { String::new() } }
                    { tr!(" · keys · weight", " · 键数 · 权重") }
                </span>
            </div>
            <ul class="nodes" data-testid="node-list">{ for rows }</ul>
        </div>
    }
}
