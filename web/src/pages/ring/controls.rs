//! The lab's controls: the setup (algorithm, keys, vnodes, replicas, ε) and the node list (add,
//! and per node its weight, fail/recover, remove). Every control emits an [`Action`]; input it
//! cannot read is reported as a message instead.
//!
//! Number fields are [`Field`]s: Yew writes a rendered `value` back into the field on every
//! re-render (it compares with the live DOM), which would wipe what the user is typing whenever
//! the table lands or the pointer moves. A `Field` re-renders only when the model's value (or
//! its own look) changes, and puts the value back itself when a change is refused or unreadable.

use super::format::{node_colour, thousands, weight};
use super::model::Action;
use halab_core::protocol::NodeId;
use halab_core::ring::limits::{MAX_KEYS, MAX_REPLICAS, MAX_RING_NODES, MAX_VNODES, MIN_VNODES};
use halab_core::ring::{Algorithm, Weight};
use halab_core::scenario::units::parse_hundredths;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// A change handler for a number field: restores `current`, then emits the parsed value or a
/// message saying what was wrong.
fn number_field<T: 'static>(
    current: String,
    what: &'static str,
    parse: fn(&str) -> Result<T, String>,
    on_value: Callback<T>,
    on_bad: Callback<String>,
) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let text = input.value();
        input.set_value(&current);
        if text.trim().is_empty() {
            // A number field reads as empty when what was typed is not a number at all.
            on_bad.emit(format!("{what}: expected a number."));
            return;
        }
        match parse(text.trim()) {
            Ok(v) => on_value.emit(v),
            Err(why) => on_bad.emit(format!("{what}: {why}.")),
        }
    })
}

fn whole(s: &str) -> Result<u32, String> {
    let digits: String = s.chars().filter(|c| !matches!(c, ',' | '_' | ' ')).collect();
    digits.parse::<u32>().map_err(|_| format!("expected a whole number, got \u{201c}{}\u{201d}", short(s)))
}

fn hundredths(s: &str) -> Result<u32, String> {
    parse_hundredths(s)
}

fn short(s: &str) -> String {
    halab_core::scenario::units::shorten(s)
}

#[derive(Properties)]
pub struct FieldProps {
    /// The model's value: written into the field when it changes, and only then.
    pub value: AttrValue,
    /// `number` or `range`.
    pub kind: &'static str,
    pub testid: AttrValue,
    pub label: AttrValue,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
    pub min: AttrValue,
    pub max: AttrValue,
    pub step: AttrValue,
    pub onchange: Callback<Event>,
    #[prop_or_default]
    pub oninput: Option<Callback<InputEvent>>,
    /// The field's element, for a parent that writes into it (the slider into its number).
    #[prop_or_default]
    pub node_ref: Option<NodeRef>,
}

/// Callbacks are left out on purpose: they are rebuilt on every parent render but act on the
/// same model, and comparing them would re-render the field, and reset it, every time.
impl PartialEq for FieldProps {
    fn eq(&self, o: &Self) -> bool {
        (&self.value, self.kind, &self.testid, &self.label, &self.id, &self.class)
            == (&o.value, o.kind, &o.testid, &o.label, &o.id, &o.class)
            && (&self.min, &self.max, &self.step) == (&o.min, &o.max, &o.step)
    }
}

/// An `<input>` that shows the model's value and leaves the user's typing alone otherwise (see
/// the module doc).
#[function_component(Field)]
pub fn field(p: &FieldProps) -> Html {
    let own = use_node_ref();
    let node = p.node_ref.clone().unwrap_or(own);
    html! {
        <input ref={node} type={p.kind} id={p.id.clone()} class={p.class.clone()} data-testid={p.testid.clone()}
            aria-label={p.label.clone()} min={p.min.clone()} max={p.max.clone()} step={p.step.clone()}
            value={p.value.clone()} onchange={p.onchange.clone()} oninput={p.oninput.clone()} />
    }
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
    let on_vnodes = number_field(vnodes.to_string(), "Vnodes", whole, act(Action::Vnodes), p.on_bad.clone());
    // Letting go of the slider: its number (which followed the drag) goes back too, until the
    // change is accepted.
    let on_vnodes_range = {
        let inner = number_field(vnodes.to_string(), "Vnodes", whole, act(Action::Vnodes), p.on_bad.clone());
        let (number, current) = (number_ref.clone(), vnodes.to_string());
        Callback::from(move |e: Event| {
            if let Some(n) = number.cast::<HtmlInputElement>() {
                n.set_value(&current);
            }
            inner.emit(e);
        })
    };
    let on_keys = number_field(p.keys.to_string(), "Keys", whole, act(Action::Keys), p.on_bad.clone());
    let on_epsilon = number_field(weight(p.epsilon), "ε", hundredths, act(Action::Epsilon), p.on_bad.clone());
    let uses_ring = matches!(p.algorithm, Algorithm::Ring | Algorithm::Bounded);
    let algorithms = Algorithm::ALL.iter().map(|&a| {
        html! { <option value={a.name()} selected={a == p.algorithm}>{ a.title() }</option> }
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
                <span class="name">{ "algorithm" }</span>
                <select data-testid="algorithm" aria-label="placement algorithm" onchange={on_algorithm}>{ for algorithms }</select>
            </label>
            <div class="row">
                <label class="row" for="ring-keys"><span class="name">{ "keys" }</span></label>
                <Field kind="number" id="ring-keys" class="num wide" testid="keys" label="keys" min="1"
                    max={MAX_KEYS.to_string()} step="1" value={p.keys.to_string()} onchange={on_keys} />
                <span class="chips">{ for presets }</span>
            </div>
            <div class={classes!("row", (!uses_ring).then_some("unused"))}>
                <label for="ring-vnodes"><span class="name">{ "vnodes" }</span></label>
                <Field kind="range" testid="vnodes-range" label="vnodes per node (slider)" min={min_vn.clone()}
                    max={max_vn.clone()} step="1" value={vnodes.clone()} oninput={on_slide} onchange={on_vnodes_range} />
                <Field kind="number" id="ring-vnodes" node_ref={number_ref} class="num" testid="vnodes"
                    label="vnodes per node" min={min_vn} max={max_vn} step="1" value={vnodes} onchange={on_vnodes} />
                <span class="muted hint">
                    { if uses_ring {
                        format!("per node of weight 1; {} points on the ring", thousands(p.points as u64))
                    } else {
                        "only the hash ring and bounded loads use vnodes".to_owned()
                    } }
                </span>
            </div>
            <label class="row">
                <span class="name">{ "replicas" }</span>
                <select data-testid="replicas" aria-label="replication factor R" onchange={on_replicas}>{ for replicas }</select>
                <span class="muted hint">{ "R: each key's copies, on its first R distinct nodes" }</span>
            </label>
            if p.algorithm == Algorithm::Bounded {
                <label class="row">
                    <span class="name">{ "ε" }</span>
                    <Field kind="number" class="num" testid="epsilon" label="epsilon" min="0" max="4" step="0.05"
                        value={weight(p.epsilon)} onchange={on_epsilon} />
                    <span class="muted hint">{ "a node holds at most (1 + ε) × its fair share" }</span>
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

#[function_component(NodeList)]
pub fn node_list(p: &NodeListProps) -> Html {
    let full = p.rows.len() >= MAX_RING_NODES;
    let down = p.rows.iter().filter(|r| r.down).count();
    let rows = p.rows.iter().map(|r| {
        let id = r.id;
        let on_weight = number_field(
            weight(r.weight),
            "Weight",
            hundredths,
            p.on_action.reform(move |w: Weight| Action::Weight(id, w)),
            p.on_bad.clone(),
        );
        let here = p.highlight == Some(id);
        let toggle = if r.down {
            html! {
                <button class="small toggle" data-testid={format!("recover-{id}")} title={format!("bring node {id} back")}
                    onclick={p.on_action.reform(move |_: MouseEvent| Action::Recover(id))}>{ "recover" }</button>
            }
        } else {
            html! {
                <button class="small toggle" data-testid={format!("fail-{id}")} title={format!("node {id} fails: its keys go to the next nodes")}
                    onclick={p.on_action.reform(move |_: MouseEvent| Action::Fail(id))}>{ "fail" }</button>
            }
        };
        html! {
            <li key={id} class={classes!("node-row", r.down.then_some("down"), here.then_some("here"))}
                data-testid={format!("node-row-{id}")} data-down={r.down.to_string()} style={format!("--c: {}", node_colour(id))}
                onmouseenter={p.on_hover.reform(move |_: MouseEvent| Some(id))}
                onmouseleave={p.on_hover.reform(|_: MouseEvent| None)}>
                <i class="sw"></i>
                <span class="name">{ format!("node {id}") }</span>
                <span class="count">{ if r.down { "down".to_owned() } else { thousands(r.keys as u64) } }</span>
                <label class="w" title="weight: 1 is a normal node, 2 takes twice the keys (0.1–10)">
                    <span>{ "w" }</span>
                    <Field kind="number" class="num" testid={format!("weight-{id}")} label={format!("node {id} weight")}
                        min="0.1" max="10" step="0.01" value={weight(r.weight)} onchange={on_weight} />
                </label>
                { toggle }
                <button class="small icon" data-testid={format!("remove-{id}")} aria-label={format!("remove node {id}")}
                    title={format!("remove node {id} from the cluster")}
                    onclick={p.on_action.reform(move |_: MouseEvent| Action::Remove(id))}>{ "✕" }</button>
            </li>
        }
    });
    html! {
        <div class="node-list">
            <div class="row head">
                <button class="primary" data-testid="add-node"
                    title={if full { format!("at most {MAX_RING_NODES} nodes") } else { "add a node of weight 1".to_owned() }}
                    onclick={p.on_action.reform(|_: MouseEvent| Action::AddNode)}>{ "+ Add node" }</button>
                <span class="muted">
                    { format!("{} node{}", p.rows.len(), if p.rows.len() == 1 { "" } else { "s" }) }
                    { if down > 0 { format!(", {down} down") } else { String::new() } }
                    { " · keys · weight" }
                </span>
            </div>
            <ul class="nodes" data-testid="node-list">{ for rows }</ul>
        </div>
    }
}
