//! The circle: the rim coloured by owner, vnode ticks, keys at their hash angle, and the flash of
//! what the last change moved. It draws a [`CircleView`]; the heavy per-node layers re-render
//! only when the view itself is rebuilt (compared by pointer), so hovering redraws little.

use super::format::node_colour;
use super::geometry::{self, CircleView, Flash, Hover, Keys, Layer, C, KEY_INNER, SIZE, TICK_OUT};
use halab_core::protocol::NodeId;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties)]
pub struct CircleProps {
    pub view: Rc<CircleView>,
    /// The node to pick out (the others dim).
    #[prop_or_default]
    pub highlight: Option<NodeId>,
    #[prop_or_default]
    pub hover: Option<Hover>,
    /// A new value replays the flash.
    #[prop_or_default]
    pub flash_key: u64,
    /// Lines in the middle of the circle.
    #[prop_or_default]
    pub centre: Vec<String>,
    /// Pointer over the picture, in picture units; `None` when it leaves.
    #[prop_or_default]
    pub on_pointer: Option<Callback<Option<(f64, f64)>>>,
    #[prop_or_default]
    pub label: AttrValue,
    /// Figures for tests and the report: lab and geometry time of the last change, in ms.
    #[prop_or_default]
    pub timings: (f64, f64),
    #[prop_or_default]
    pub svg_ref: NodeRef,
}

impl PartialEq for CircleProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.view, &o.view)
            && self.highlight == o.highlight
            && self.hover == o.hover
            && self.flash_key == o.flash_key
            && self.centre == o.centre
            && self.on_pointer == o.on_pointer
            && self.label == o.label
            && self.timings == o.timings
            && self.svg_ref == o.svg_ref
    }
}

#[function_component(Circle)]
pub fn circle(p: &CircleProps) -> Html {
    let v = &p.view;
    let layers = v.layers.iter().enumerate().map(|(i, l)| {
        let dim = p.highlight.is_some_and(|h| h != l.id);
        let here = p.highlight == Some(l.id);
        html! {
            <g key={l.id} class={classes!("node-layer", l.down.then_some("down"), dim.then_some("dim"), here.then_some("here"))}
                style={layer_colour(l)} data-node={l.id.to_string()}>
                <NodeLayer view={v.clone()} index={i} />
            </g>
        }
    });
    let flash = v.flash.as_ref().map(|f| flash_layer(f, p.flash_key));
    let marker = p.hover.and_then(|h| marker(v, h));
    let centre = p.centre.iter().enumerate().map(|(i, line)| {
        let y = C + (i as f64 - (p.centre.len() as f64 - 1.0) / 2.0) * 22.0;
        html! { <text class={classes!("centre", (i == 0).then_some("title"))} x={C.to_string()} y={format!("{y:.0}")}>{ line }</text> }
    });
    let (onpointermove, onpointerdown, onpointerleave) = match &p.on_pointer {
        Some(cb) => {
            let at = {
                let (cb, svg) = (cb.clone(), p.svg_ref.clone());
                move |e: PointerEvent| {
                    cb.emit(svg.cast::<web_sys::Element>().and_then(|el| picture_point(&el, &e)))
                }
            };
            let at2 = at.clone();
            // A finger lifts off the screen as it leaves: a tap keeps what it picked until the next.
            let leave = {
                let cb = cb.clone();
                Callback::from(move |e: PointerEvent| {
                    if e.pointer_type() != "touch" {
                        cb.emit(None);
                    }
                })
            };
            (Some(Callback::from(at)), Some(Callback::from(at2)), Some(leave))
        }
        None => (None, None, None),
    };
    let mode = match v.keys {
        Keys::Dots(_) => "dots",
        Keys::Bins(_) => "bins",
    };
    html! {
        <svg ref={p.svg_ref.clone()} class={classes!("ring-svg", p.highlight.is_some().then_some("focus"))}
            viewBox={format!("0 0 {SIZE} {SIZE}")} style={format!("--bar: {:.2}px", v.bar_width())}
            role="img" aria-label={p.label.clone()} data-testid="ring-svg"
            data-mode={mode} data-points={v.points.to_string()} data-algorithm={v.algorithm.name()}
            data-lab-ms={format!("{:.2}", p.timings.0)} data-build-ms={format!("{:.2}", p.timings.1)}
            {onpointermove} {onpointerdown} {onpointerleave}>
            <circle class="track" cx={C.to_string()} cy={C.to_string()} r={geometry::RIM.to_string()} />
            <line class="zero" x1={C.to_string()} y1={format!("{}", C - TICK_OUT - 4.0)} x2={C.to_string()} y2={format!("{}", C - KEY_INNER + 4.0)} />
            <text class="axis" x={C.to_string()} y={format!("{}", C - geometry::MOVED_R - 10.0)}>{ "0" }</text>
            <text class="axis" x={C.to_string()} y={format!("{}", C + geometry::MOVED_R + 20.0)}>{ "2⁶³" }</text>
            { for layers }
            if !v.others.is_empty() {
                <path class="others" d={v.others.clone()} />
            }
            { for flash }
            { for marker }
            { for centre }
        </svg>
    }
}

/// A failed node's arcs and ticks are grey (its keys went elsewhere; the rim still shows where
/// its points are).
fn layer_colour(l: &Layer) -> String {
    if l.down {
        "--c: var(--down)".to_owned()
    } else {
        format!("--c: {}", node_colour(l.id))
    }
}

/// The pointer's position in picture units (the SVG keeps its aspect ratio, centred). Measured
/// on the SVG itself: Yew delegates events, so the event's `current_target` is the app's root.
fn picture_point(el: &web_sys::Element, e: &PointerEvent) -> Option<(f64, f64)> {
    let rect = el.get_bounding_client_rect();
    let scale = (rect.width() / SIZE).min(rect.height() / SIZE);
    if scale <= 0.0 {
        return None;
    }
    let left = rect.left() + (rect.width() - SIZE * scale) / 2.0;
    let top = rect.top() + (rect.height() - SIZE * scale) / 2.0;
    Some(((f64::from(e.client_x()) - left) / scale, (f64::from(e.client_y()) - top) / scale))
}

#[derive(Properties)]
struct LayerProps {
    view: Rc<CircleView>,
    index: usize,
}

impl PartialEq for LayerProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.view, &o.view) && self.index == o.index
    }
}

/// One node's rim arcs, ticks and keys.
#[function_component(NodeLayer)]
fn node_layer(p: &LayerProps) -> Html {
    let Some(l): Option<&Layer> = p.view.layers.get(p.index) else {
        return html! {};
    };
    let r = geometry::DOT_RADIUS.to_string();
    let dots = l.dots.iter().map(|&(x, y)| {
        html! { <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={r.clone()} /> }
    });
    html! {
        <>
            if !l.rim.is_empty() {
                <path class="rim" d={l.rim.clone()} />
            }
            if !l.ticks.is_empty() {
                <path class="ticks" d={l.ticks.clone()} />
            }
            if !l.bars.is_empty() {
                <path class="bars" d={l.bars.clone()} />
            }
            if !l.dots.is_empty() {
                <g class="dots">{ for dots }</g>
            }
        </>
    }
}

/// The moved arcs and keys; keyed so that every change (or a replay) restarts the animation.
fn flash_layer(f: &Flash, key: u64) -> Html {
    let path = |fp: &geometry::FlashPath| {
        let style = fp.to.map(|to| format!("--c: {}", node_colour(to)));
        html! { <path class={classes!("moved", fp.kind)} {style} d={fp.d.clone()} /> }
    };
    html! {
        <g class="flash" key={format!("flash-{key}")} data-testid="flash" aria-hidden="true">
            { for f.arcs.iter().map(path) }
            { for f.keys.iter().map(path) }
        </g>
    }
}

/// A ring around the hovered key, or a spoke through the hovered bin.
fn marker(v: &CircleView, h: Hover) -> Option<Html> {
    match (h, &v.keys) {
        (Hover::Key(k), Keys::Dots(dots)) => {
            let d = dots.get(k as usize)?;
            Some(
                html! { <circle class="marker" cx={format!("{:.1}", d.x)} cy={format!("{:.1}", d.y)} r="7" /> },
            )
        }
        (Hover::Bin(b), Keys::Bins(bins)) => {
            let mut d = String::new();
            geometry::radial(
                &mut d,
                (f64::from(b) + 0.5) / bins.len() as f64,
                KEY_INNER - 6.0,
                TICK_OUT + 4.0,
            );
            Some(html! { <path class="marker spoke" d={d} /> })
        }
        _ => None,
    }
}
