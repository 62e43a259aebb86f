//! The space-time diagram: lanes, arrows, marks and role bands from
//! [`crate::playground::diagram::DiagramView`], plus its toolbar (zoom, pan, follow, filters,
//! exports). One click and one hover handler on the whole picture find the arrow or mark under
//! the pointer by its `data-step`/`data-id`, so hundreds of arrows cost no closures.

use crate::playground::diagram::{DiagramView, GUTTER, LANE_H, TOP, W};
use halab_core::protocol::{Micros, NodeId};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the diagram's controls call.
#[derive(Clone, PartialEq)]
pub struct DiagramActions {
    /// Travel to a step (an arrow or mark clicked).
    pub travel: Callback<u64>,
    /// Travel to an instant (the background clicked).
    pub time: Callback<Micros>,
    pub hover: Callback<u64>,
    pub zoom: Callback<f64>,
    pub pan: Callback<f64>,
    pub follow: Callback<()>,
    pub routine: Callback<bool>,
    /// A message label to show alone; empty: all.
    pub only: Callback<String>,
    pub node: Callback<NodeId>,
    /// Download the run as a text trace.
    pub trace: Callback<()>,
}

pub struct DiagramProps<'a> {
    pub view: &'a DiagramView,
    /// What the message under the pointer carried.
    pub hover: Option<String>,
    pub follow: bool,
    pub hide_routine: bool,
    pub only: Option<&'static str>,
    /// Every node with its name and whether its lane shows.
    pub nodes: Vec<(NodeId, String, bool)>,
    pub act: DiagramActions,
    /// Embedded: no filters and no exports.
    pub compact: bool,
    /// The `data-testid` of the picture (a compared run has its own).
    pub id: &'static str,
}

/// The `data-step` / `data-id` of the element under a pointer event, if any.
fn picked(e: &MouseEvent, attr: &str) -> Option<u64> {
    let el = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    el.closest(&format!("[{attr}]")).ok()??.get_attribute(attr)?.parse().ok()
}

/// The click's x in the diagram's units.
fn x_of(e: &MouseEvent) -> Option<f64> {
    let el = e.current_target()?.dyn_into::<web_sys::Element>().ok()?;
    let rect = el.get_bounding_client_rect();
    (rect.width() > 0.0).then(|| (f64::from(e.client_x()) - rect.left()) / rect.width() * W)
}

/// The picture alone (for a compared run too).
pub fn picture(v: &DiagramView, act: &DiagramActions, id: &'static str) -> Html {
    let onclick = {
        let (travel, time, v) = (act.travel.clone(), act.time.clone(), v.clone());
        Callback::from(move |e: MouseEvent| match picked(&e, "data-step") {
            Some(step) => travel.emit(step),
            None => {
                if let Some(x) = x_of(&e).filter(|x| *x >= GUTTER) {
                    time.emit(v.time_at(x));
                }
            }
        })
    };
    let onmouseover = {
        let hover = act.hover.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(msg) = picked(&e, "data-id").filter(|id| *id > 0) {
                hover.emit(msg);
            }
        })
    };
    let onwheel = {
        let zoom = act.zoom.clone();
        Callback::from(move |e: WheelEvent| {
            if e.ctrl_key() || e.meta_key() {
                e.prevent_default();
                zoom.emit(if e.delta_y() > 0.0 { 1.25 } else { 0.8 });
            }
        })
    };
    let bottom = v.height - 4.0;
    let lanes = v.lanes.iter().map(|l| {
        html! {
            <g class="lane">
                <text x="4" y={fmt(l.y + 4.0)}>{ &l.name }</text>
                <line x1={fmt(GUTTER)} x2={fmt(W - 8.0)} y1={fmt(l.y)} y2={fmt(l.y)} />
            </g>
        }
    });
    let bands = v.bands.iter().map(|b| {
        html! {
            <rect class={classes!("band", b.role)} x={fmt(b.x0)} y={fmt(b.y - LANE_H * 0.32)}
                width={fmt((b.x1 - b.x0).max(0.5))} height={fmt(LANE_H * 0.64)}><title>{ b.title }</title></rect>
        }
    });
    let ticks = v.ticks.iter().map(|(x, label)| {
        html! {
            <g class="tick">
                <line x1={fmt(*x)} x2={fmt(*x)} y1={fmt(TOP - 4.0)} y2={fmt(bottom)} />
                <text x={fmt(*x)} y={fmt(TOP - 7.0)}>{ label }</text>
            </g>
        }
    });
    let marks = v.marks.iter().map(|m| {
        html! {
            <line class={classes!("mark", m.class.clone())} data-step={m.step.to_string()}
                x1={fmt(m.x)} x2={fmt(m.x)} y1={fmt(m.y0)} y2={fmt(m.y1)}><title>{ &m.title }</title></line>
        }
    });
    // One element per arrow (no title, no group): the line under the diagram says what the
    // pointer is on.
    let arrows = v.arrows.iter().map(|a| {
        let cross = a.dropped.then(|| {
            html! { <text class="cross" data-step={a.step.to_string()} x={fmt(a.x1)} y={fmt(a.y1 + 4.0)}>{ "×" }</text> }
        });
        html! {
            <>
                <line class={classes!("arrow", a.class.clone())} data-id={a.id.to_string()} data-step={a.step.to_string()}
                    data-label={a.label} x1={fmt(a.x0)} y1={fmt(a.y0)} x2={fmt(a.x1)} y2={fmt(a.y1)} />
                { for cross }
            </>
        }
    });
    let vline = |x: Option<f64>, class: &'static str, title: &'static str| {
        x.map(|x| {
            html! {
                <line class={class} x1={fmt(x)} x2={fmt(x)} y1={fmt(TOP - 6.0)} y2={fmt(bottom)}><title>{ title }</title></line>
            }
        })
    };
    html! {
        <div class="diagram-scroll" {onwheel}>
            <svg class="diagram" data-testid={id} viewBox={format!("0 0 {W} {}", fmt(v.height))}
                role="img" aria-label={tr!("space-time diagram: one lane per node, time to the right, an arrow per message", "时空图：每个节点一条泳道，时间向右，每条消息一个箭头")}
                data-t0={v.t0.to_string()} data-t1={v.t1.to_string()} data-arrows={v.arrows.len().to_string()}
                data-in-window={v.in_window.to_string()} data-every={v.every.to_string()}
                {onclick} {onmouseover}>
                <rect class="diagram-bg" x="0" y="0" width={W.to_string()} height={fmt(v.height)} />
                { for bands }
                { for ticks }
                { for lanes }
                { for marks }
                { for arrows }
                { for vline(v.violation, "violation-line", tr!("the step that broke an invariant", "破坏不变式的那一步")) }
                { for vline(v.divergence, "divergence-line", tr!("the first event where the two runs differ", "两次运行第一次出现差异的事件")) }
                { for vline(v.cursor, "cursor-line", tr!("the instant on screen", "屏幕上显示的时刻")) }
            </svg>
        </div>
    }
}

/// The diagram with its toolbar, filters and hover line.
pub fn diagram(p: DiagramProps) -> Html {
    let act = &p.act;
    let v = p.view;
    let button = |label: &'static str, title: &'static str, testid: &'static str, cb: Callback<()>| {
        html! {
            <button class="small" title={title} aria-label={title} data-testid={testid}
                onclick={Callback::from(move |_: MouseEvent| cb.emit(()))}>{ label }</button>
        }
    };
    let zoom = |f: f64| {
        let cb = act.zoom.clone();
        Callback::from(move |()| cb.emit(f))
    };
    let pan = |f: f64| {
        let cb = act.pan.clone();
        Callback::from(move |()| cb.emit(f))
    };
    let toolbar = html! {
        <div class="diagram-tools">
            { button("−", tr!("zoom out", "缩小"), "diagram-zoom-out", zoom(2.0)) }
            { button("+", tr!("zoom in", "放大"), "diagram-zoom-in", zoom(0.5)) }
            { button("◀", tr!("earlier", "更早"), "diagram-earlier", pan(-0.5)) }
            { button("▶", tr!("later", "更晚"), "diagram-later", pan(0.5)) }
            <button class={classes!("small", p.follow.then_some("on"))} aria-pressed={p.follow.to_string()}
                title={tr!("keep the instant on screen in view", "让屏幕上的时刻保持在视图中")} data-testid="diagram-follow"
                onclick={let cb = act.follow.clone(); Callback::from(move |_: MouseEvent| cb.emit(()))}>{ tr!("follow", "跟随") }</button>
            <span class="muted diagram-span">{ format!("{:.3} s – {:.3} s", v.t0 as f64 / 1e6, v.t1 as f64 / 1e6) }</span>
        </div>
    };
    let filters = (!p.compact).then(|| {
        let routine = {
            let cb = act.routine.clone();
            let on = p.hide_routine;
            Callback::from(move |_: Event| cb.emit(!on))
        };
        let only = {
            let cb = act.only.clone();
            Callback::from(move |e: Event| {
                if let Some(s) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                    cb.emit(s.value());
                }
            })
        };
        let options = p.view.labels.iter().map(|l| {
            html! { <option value={*l} selected={p.only == Some(*l)}>{ *l }</option> }
        });
        let chips = p.nodes.iter().map(|(n, name, shown)| {
            let cb = act.node.clone();
            let n = *n;
            html! {
                <label class="chip">
                    <input type="checkbox" checked={*shown} data-testid={format!("diagram-node-{n}")}
                        onchange={Callback::from(move |_: Event| cb.emit(n))} />
                    { name }
                </label>
            }
        });
        let svg_export = Callback::from(|_: MouseEvent| {
            if let Some(text) = svg_file() {
                crate::url::download("space-time.svg", "image/svg+xml", &text);
            }
        });
        html! {
            <div class="diagram-filters">
                <label class="chip">
                    <input type="checkbox" checked={p.hide_routine} onchange={routine} data-testid="diagram-hide-routine" />
                    { tr!("hide heartbeats", "隐藏心跳") }
                </label>
                <label>{ tr!("show ", "显示 ") }
                    <select onchange={only} data-testid="diagram-only" aria-label={tr!("message type", "消息类型")}>
                        <option value="" selected={p.only.is_none()}>{ tr!("every message", "所有消息") }</option>
                        { for options }
                    </select>
                </label>
                <span class="chips" aria-label={tr!("lanes", "泳道")}>{ for chips }</span>
                <span class="exports">
                    <button class="small" data-testid="diagram-svg-export" onclick={svg_export}>{ "SVG" }</button>
                    { button(tr!("text trace", "文本轨迹"), tr!("download the run as a text trace, one line per event", "下载这次运行的文本轨迹，每个事件一行"), "diagram-trace", act.trace.clone()) }
                </span>
            </div>
        }
    });
    let thinned = (v.every > 1).then(|| {
        html! {
            <p class="muted small" data-testid="diagram-thinned">
                { { let (n, k) = (v.in_window, v.every); trf!("{n} messages in view: every {k}th is drawn. Zoom in to see them all.", "视图中有 {n} 条消息：每 {k} 条画一条。放大可看到全部。") } }
            </p>
        }
    });
    let hover = match &p.hover {
        Some(text) => html! { <p class="diagram-hover" data-testid="diagram-hover">{ text }</p> },
        None => html! {
            <p class="diagram-hover muted">{ tr!(
                "Point at a message to read it; click one, or anywhere, to travel there. Ctrl + wheel zooms.",
                "指向一条消息可查看内容；点击消息或任意位置可穿越到那一刻。Ctrl + 滚轮缩放。"
            ) }</p>
        },
    };
    let key = (!p.compact).then(|| {
        html! {
            <p class="diagram-key muted">
                <span class="k-line">{ "——" }</span>{ tr!(" delivered · ", " 已送达 · ") }
                <span class="k-drop">{ "- - ×" }</span>{ tr!(" dropped · ", " 被丢弃 · ") }
                <span class="k-copy">{ "—·—" }</span>{ tr!(" a duplicate · ", " 重复消息 · ") }
                <span class="k-routine">{ "——" }</span>{ tr!(" heartbeat, renewal, check · ", " 心跳、续约、检查 · ") }
                <span class="k-culprit">{ "——" }</span>{ tr!(" led to the violation · ", " 导致违反不变式 · ") }
                <span class="k-mark">{ "|" }</span>{ tr!(" timer fired · ", " 定时器触发 · ") }
                <span class="k-fault">{ "┃" }</span>{ tr!(
                    " fault · shaded: a node's role (leader, holder, master…) · faded: after the instant on screen",
                    " 故障 · 底色：节点的角色（领导者、锁持有者、主负载均衡器…） · 淡化：屏幕上时刻之后的事件"
                ) }
            </p>
        }
    });
    html! {
        <div class="diagram-panel">
            { toolbar }
            { for filters }
            { picture(v, act, p.id) }
            { hover }
            { for thinned }
            { for key }
        </div>
    }
}

/// The diagram as a standalone SVG file: the page's stylesheet goes inside it (its colours are
/// CSS variables and classes), so it looks the same opened on its own.
fn svg_file() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let svg = document.query_selector("[data-testid=diagram-svg]").ok()??;
    let mut css = String::new();
    let sheets = document.style_sheets();
    for i in 0..sheets.length() {
        let Some(sheet) = sheets.item(i).and_then(|s| s.dyn_into::<web_sys::CssStyleSheet>().ok()) else {
            continue;
        };
        let Ok(rules) = sheet.css_rules() else { continue };
        for k in 0..rules.length() {
            if let Some(rule) = rules.item(k) {
                css.push_str(&rule.css_text());
                css.push('\n');
            }
        }
    }
    let html = svg.outer_html();
    let open = html.find('>')? + 1;
    let body = format!(
        "{}<style>{}</style>{}",
        html[..open].replacen("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1000\" ", 1),
        css.replace('<', "\\3c "),
        &html[open..]
    );
    Some(format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}\n"))
}

/// An SVG number: two decimals at most.
fn fmt(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_owned)
}
