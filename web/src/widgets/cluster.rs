//! The cluster picture: nodes around a circle, links between them, messages flying along the
//! links. It knows nothing about Raft: pages hand it plain view data (role names become CSS
//! classes, message kinds too), so every protocol page draws its cluster with it.

use yew::prelude::*;

/// The SVG's coordinate box; wider than tall so captions beside the circle have room.
pub const WIDTH: f64 = 560.0;
pub const HEIGHT: f64 = 500.0;
/// How far beyond its circle a clickable node takes taps, in picture units.
const HIT_MARGIN: f64 = 10.0;
const CX: f64 = WIDTH / 2.0;
const CY: f64 = HEIGHT / 2.0;

/// Radius of the circle of nodes: larger clusters spread out a little.
fn ring_radius(n: usize) -> f64 {
    150.0 + 3.0 * n.saturating_sub(6) as f64
}

/// One node as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub id: u8,
    /// Text inside the circle (the node id).
    pub label: String,
    /// CSS class and `data-role`: e.g. `follower`, `candidate`, `leader`, `crashed`, `paused`.
    pub role: &'static str,
    /// For `data-term` (tests, tooltips).
    pub term: u64,
    /// Short lines under the node (term, vote).
    pub caption: Vec<String>,
    /// Fraction of a timer left (0..=1), drawn as a ring; `None` hides the ring.
    pub timer: Option<f64>,
    pub selected: bool,
    pub title: String,
}

/// One message in flight.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    pub id: u64,
    pub from: u8,
    pub to: u8,
    /// 0 at the sender, 1 at the receiver.
    pub progress: f64,
    /// CSS classes, e.g. `"msg-ae"` or `"msg-vote no"`.
    pub kind: &'static str,
    /// Will not arrive (lost by the network, or the link/receiver is down): drawn doomed.
    pub doomed: bool,
    /// The tooltip; empty for none (a fast run's messages are gone before a pointer gets there).
    pub title: String,
}

/// A message that was just dropped: a ✕ near its receiver, fading out (`fade` 0 → 1).
#[derive(Clone, Debug, PartialEq)]
pub struct DropView {
    pub from: u8,
    pub to: u8,
    pub fade: f64,
}

/// Where node `i` of `n` sits, in SVG units: node 0 at the top, the others clockwise.
pub fn position(i: usize, n: usize) -> (f64, f64) {
    position_turned(i, n, 0.0)
}

/// [`position`] with the circle turned back by `turn` steps between neighbours: at 0.5, nodes 0
/// and 1 sit side by side at the top.
pub fn position_turned(i: usize, n: usize, turn: f64) -> (f64, f64) {
    if n <= 1 {
        return (CX, CY);
    }
    let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * (i as f64 - turn) / n as f64;
    (CX + ring_radius(n) * a.cos(), CY + ring_radius(n) * a.sin())
}

/// Node radius: large for small clusters, shrinking so 15 nodes do not touch.
pub fn node_radius(n: usize) -> f64 {
    if n <= 1 {
        return 34.0;
    }
    (ring_radius(n) * (std::f64::consts::PI / n as f64).sin() * 0.55).clamp(15.0, 34.0)
}

/// Where a node sits in a picture that is not a circle (the service lab's clients → balancers →
/// backends), in SVG units, and which way its caption goes (a unit-ish vector: `(1, 0)` to the
/// right, `(0, -1)` above).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    pub x: f64,
    pub y: f64,
    pub caption: (f64, f64),
}

/// `place` as percentages of a picture widened by `pad` and `pad_y`, for HTML overlays.
pub fn place_pct(place: Place, pad: f64, pad_y: f64) -> (f64, f64) {
    ((place.x + pad) / (WIDTH + 2.0 * pad) * 100.0, (place.y + pad_y) / (HEIGHT + 2.0 * pad_y) * 100.0)
}

/// `position_turned` as percentages of a picture widened by `pad` on each side and heightened by
/// `pad_y` above and below, for HTML overlays (menus).
pub fn position_pct(i: usize, n: usize, pad: f64, pad_y: f64, turn: f64) -> (f64, f64) {
    let (x, y) = position_turned(i, n, turn);
    ((x + pad) / (WIDTH + 2.0 * pad) * 100.0, (y + pad_y) / (HEIGHT + 2.0 * pad_y) * 100.0)
}

#[derive(Properties, PartialEq)]
pub struct ClusterProps {
    pub nodes: Vec<NodeView>,
    #[prop_or_default]
    pub messages: Vec<MessageView>,
    /// Directed links that are cut.
    #[prop_or_default]
    pub cuts: Vec<(u8, u8)>,
    /// The links to draw (`a < b`), when not every pair talks; `None` draws every pair.
    #[prop_or_default]
    pub links: Option<Vec<(u8, u8)>>,
    #[prop_or_default]
    pub drops: Vec<DropView>,
    #[prop_or_default]
    pub on_node: Option<Callback<u8>>,
    /// Clicking a link (`a < b`); without it links are not clickable.
    #[prop_or_default]
    pub on_link: Option<Callback<(u8, u8)>>,
    /// Clicking empty space (closes menus).
    #[prop_or_default]
    pub on_background: Option<Callback<()>>,
    /// HTML drawn over the picture (a node menu), positioned with [`position_pct`].
    #[prop_or_default]
    pub children: Html,
    #[prop_or_default]
    pub label: AttrValue,
    /// Extra room left and right of the circle, in SVG units, for long captions.
    #[prop_or_default]
    pub pad: f64,
    /// Extra room above and below the circle, in SVG units, for captions of many lines.
    #[prop_or_default]
    pub pad_y: f64,
    /// Turns the circle back by this many steps between neighbours (see [`position_turned`]).
    #[prop_or_default]
    pub turn: f64,
    /// Every node's place, when the picture is not a circle.
    #[prop_or_default]
    pub places: Option<Vec<Place>>,
}

#[function_component(Cluster)]
pub fn cluster(p: &ClusterProps) -> Html {
    let n = p.nodes.len();
    let r = node_radius(n);
    let places = p.places.as_ref().filter(|pl| pl.len() == n);
    let pos: Vec<(f64, f64)> = match places {
        Some(pl) => pl.iter().map(|q| (q.x, q.y)).collect(),
        None => (0..n).map(|i| position_turned(i, n, p.turn)).collect(),
    };
    let cut = |a: u8, b: u8| p.cuts.contains(&(a, b));

    let mut links = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            if p.links.as_ref().is_some_and(|l| !l.contains(&(a as u8, b as u8))) {
                continue;
            }
            let (ab, ba) = (cut(a as u8, b as u8), cut(b as u8, a as u8));
            let class = match (ab, ba) {
                (true, true) => "link cut",
                (true, false) | (false, true) => "link cut oneway",
                _ => "link",
            };
            let title = match (ab, ba) {
                (true, true) => trf!(
                    "link {a}–{b} is cut both ways (Heal network mends it)",
                    "链路 {a}–{b} 双向都被切断（“修复网络”可修复）"
                ),
                (true, false) => trf!("link {a}→{b} is cut (one way)", "链路 {a}→{b} 被切断（单向）"),
                (false, true) => trf!("link {b}→{a} is cut (one way)", "链路 {b}→{a} 被切断（单向）"),
                _ if p.on_link.is_some() => {
                    trf!("link {a}–{b}: click to cut it both ways", "链路 {a}–{b}：点击可双向切断")
                }
                _ => trf!("link {a}–{b}", "链路 {a}–{b}"),
            };
            let ((x1, y1), (x2, y2)) = (pos[a], pos[b]);
            let hit = p.on_link.as_ref().filter(|_| !(ab && ba)).map(|cb| {
                let cb = cb.clone();
                let onclick = Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    cb.emit((a as u8, b as u8));
                });
                html! {
                    <line class="link-hit" x1={fmt(x1)} y1={fmt(y1)} x2={fmt(x2)} y2={fmt(y2)}
                        data-testid={format!("link-{a}-{b}")} {onclick}><title>{ title.clone() }</title></line>
                }
            });
            links.push(html! {
                <g key={format!("l{a}-{b}")}>
                    <line class={class} x1={fmt(x1)} y1={fmt(y1)} x2={fmt(x2)} y2={fmt(y2)}><title>{ title }</title></line>
                    { for hit }
                </g>
            });
        }
    }

    let messages = p.messages.iter().filter_map(|m| {
        let (&from, &to) = (pos.get(m.from as usize)?, pos.get(m.to as usize)?);
        // Start and end just outside the timer ring.
        let edge = r + 8.0;
        let (x, y) = along(from, to, edge, m.progress.clamp(0.0, 1.0), m.from < m.to);
        let class = classes!("msg", m.kind, m.doomed.then_some("doomed"));
        let trail = m.doomed.then(|| {
            let (sx, sy) = along(from, to, edge, 0.0, m.from < m.to);
            html! { <line class="doomed-trail" x1={fmt(sx)} y1={fmt(sy)} x2={fmt(x)} y2={fmt(y)} /> }
        });
        Some(html! {
            <g key={m.id.to_string()} class={class}>
                { for trail }
                <circle cx={fmt(x)} cy={fmt(y)} r="6">
                    { (!m.title.is_empty()).then(|| html! { <title>{ m.title.clone() }</title> }) }
                </circle>
            </g>
        })
    });

    let drops = p.drops.iter().filter_map(|d| {
        let (&from, &to) = (pos.get(d.from as usize)?, pos.get(d.to as usize)?);
        let (x, y) = along(from, to, r + 12.0, 1.0, d.from < d.to);
        let opacity = format!("{:.2}", (1.0 - d.fade).clamp(0.0, 1.0));
        Some(html! {
            <text class="drop" x={fmt(x)} y={fmt(y)} opacity={opacity}>{ "✕" }</text>
        })
    });

    let nodes = p.nodes.iter().enumerate().map(|(i, node)| {
        let (x, y) = pos[i];
        let onclick = p.on_node.clone().map(|cb| {
            let id = node.id;
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                cb.emit(id);
            })
        });
        // Enter or space on the focused node opens its menu, as a click does.
        let onkeydown = p.on_node.clone().map(|cb| {
            let id = node.id;
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    e.stop_propagation();
                    cb.emit(id);
                }
            })
        });
        let ring = node.timer.map(|f| {
            let dash = format!("{:.1} 100", (f.clamp(0.0, 1.0) * 100.0));
            html! {
                <>
                    <circle class="timer-track" r={fmt(r + 5.0)} />
                    <circle class="timer" r={fmt(r + 5.0)} pathLength="100" stroke-dasharray={dash}
                        transform="rotate(-90)" />
                </>
            }
        });
        // Captions go outward from the circle's centre, so they never cover a link's middle.
        // Line offsets are in em, so a larger caption font (phones) keeps its spacing.
        let (dx, dy) = match places {
            Some(pl) => pl[i].caption,
            None if n <= 1 => (0.0, 1.0),
            None => ((x - CX) / ring_radius(n), (y - CY) / ring_radius(n)),
        };
        let anchor = if dx > 0.35 { "start" } else if dx < -0.35 { "end" } else { "middle" };
        let lines = node.caption.len().max(1) as f64;
        let (cy, first_dy) = if dy > 0.35 {
            (dy * (r + 8.0) + 6.0, 0.9)
        } else if dy < -0.35 {
            (dy * (r + 8.0) - 6.0, -0.25 - 1.15 * (lines - 1.0))
        } else {
            (0.0, 0.35 - 0.575 * (lines - 1.0))
        };
        let cx = dx * (r + 14.0);
        let caption = node.caption.iter().enumerate().map(|(k, line)| {
            let dy = if k == 0 { format!("{first_dy:.2}em") } else { "1.15em".to_owned() };
            html! { <tspan x={fmt(cx)} dy={dy}>{ line }</tspan> }
        });
        let label_size = format!("{:.0}", (r * 0.8).clamp(12.0, 24.0));
        html! {
            <g key={format!("n{}", node.id)}
                class={classes!("node", node.role, node.selected.then_some("selected"), p.on_node.is_some().then_some("clickable"))}
                transform={format!("translate({},{})", fmt(x), fmt(y))}
                data-testid={format!("node-{}", node.id)} data-role={node.role} data-term={node.term.to_string()}
                {onclick}>
                <title>{ node.title.clone() }</title>
                { for ring }
                // A finger is wider than a drawn node on a phone: the tap target reaches further.
                // It is also the button a keyboard focuses: a control with no text inside, so its
                // name (the node's title) is all a screen reader reads, not the captions again.
                if let Some(onkeydown) = onkeydown {
                    <circle class="hit" r={fmt(r + HIT_MARGIN)} role="button" tabindex="0"
                        aria-label={node.title.clone()} {onkeydown} />
                }
                <circle class="body" r={fmt(r)} />
                // The button's name (the node's title) says all the texts say: screen readers
                // skip them, rather than read them twice.
                <text class="label" dy="0.35em" font-size={label_size} aria-hidden="true">{ &node.label }</text>
                <text class="caption" text-anchor={anchor} y={fmt(cy)} aria-hidden="true">{ for caption }</text>
            </g>
        }
    });

    let onclick = p.on_background.clone().map(|cb| Callback::from(move |_: MouseEvent| cb.emit(())));
    html! {
        <div class="cluster" {onclick}>
            <svg viewBox={format!("{} {} {} {}", fmt(-p.pad), fmt(-p.pad_y), fmt(WIDTH + 2.0 * p.pad), fmt(HEIGHT + 2.0 * p.pad_y))}
                // A picture to click in is a group of controls, not an image (an image holds none).
                role={if p.on_node.is_some() { "group" } else { "img" }} aria-label={p.label.clone()}>
                <g class={classes!("links", (n > 8).then_some("dense"))}>{ for links }</g>
                <g class="nodes">{ for nodes }</g>
                // Messages above the nodes: they start and end at a node's edge.
                <g class="msgs">{ for messages }</g>
                <g class="drops">{ for drops }</g>
            </svg>
            { p.children.clone() }
        </div>
    }
}

/// A point on the link from `a` to `b` between the two circles' edges, nudged sideways so the
/// two directions of a link do not overlap.
fn along(a: (f64, f64), b: (f64, f64), r: f64, t: f64, side: bool) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1e-6);
    let (ux, uy) = (dx / len, dy / len);
    let (sx, sy) = (a.0 + ux * r, a.1 + uy * r);
    let span = (len - 2.0 * r).max(0.0);
    let off = if side { 4.0 } else { -4.0 };
    (sx + ux * span * t - uy * off, sy + uy * span * t + ux * off)
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// One legend entry: a swatch (drawn with the same CSS classes as the picture) and its meaning.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendItem {
    /// `"node"`, `"msg"`, `"line"` or `"drop"`: which shape the swatch takes.
    pub shape: &'static str,
    /// CSS classes on the swatch, e.g. `"leader"` or `"msg-ae"`.
    pub class: &'static str,
    pub label: &'static str,
}

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    pub items: Vec<LegendItem>,
}

#[function_component(Legend)]
pub fn legend(p: &LegendProps) -> Html {
    let items = p.items.iter().map(|it| {
        let swatch = match it.shape {
            "node" => html! { <g class={classes!("node", it.class)}><circle class="body" cx="9" cy="9" r="7" /></g> },
            "ring" => html! { <g class="node follower"><circle class="body" cx="9" cy="9" r="5" /><circle class="timer" cx="9" cy="9" r="8" pathLength="100" stroke-dasharray="65 100" transform="rotate(-90 9 9)" /></g> },
            "msg" => html! { <g class={classes!("msg", it.class)}><circle cx="9" cy="9" r="5" /></g> },
            "doomed" => html! { <g class={classes!("msg", it.class, "doomed")}><line class="doomed-trail" x1="0" y1="9" x2="9" y2="9" /><circle cx="11" cy="9" r="5" /></g> },
            "line" => html! { <line class={classes!("link", it.class)} x1="0" y1="9" x2="18" y2="9" /> },
            _ => html! { <text class="drop" x="9" y="14" text-anchor="middle">{ "✕" }</text> },
        };
        html! {
            <li><svg class="swatch" viewBox="0 0 18 18" width="18" height="18" aria-hidden="true">{ swatch }</svg>{ it.label }</li>
        }
    });
    html! { <ul class="legend">{ for items }</ul> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_sit_on_the_circle_and_fit_the_box() {
        for n in 1..=15 {
            let r = node_radius(n);
            for i in 0..n {
                let (x, y) = position(i, n);
                assert!(x - r > 60.0 && x + r < WIDTH - 60.0 && y - r > 40.0 && y + r < HEIGHT - 40.0);
            }
            if n > 1 {
                let (a, b) = (position(0, n), position(1, n));
                let gap = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
                assert!(gap > 2.0 * r + 10.0, "n={n}: neighbours overlap");
            }
        }
        assert_eq!(position(0, 5).0, CX, "node 0 at the top");
        assert_eq!(position_pct(0, 5, 0.0, 0.0, 0.0).0, 50.0);
        assert_eq!(position_pct(0, 5, 40.0, 0.0, 0.0).0, 50.0);
        assert!(position_pct(1, 5, 40.0, 0.0, 0.0).0 < position_pct(1, 5, 0.0, 0.0, 0.0).0);
        // Room above and below moves the top node down and keeps the middle in the middle.
        assert!(position_pct(0, 4, 0.0, 40.0, 0.0).1 > position_pct(0, 4, 0.0, 0.0, 0.0).1);
        assert!((position_pct(1, 4, 0.0, 40.0, 0.0).1 - 50.0).abs() < 1e-9);
        // Turned by half a step, nodes 0 and 1 sit level at the top, either side of the middle.
        let (a, b) = (position_turned(0, 4, 0.5), position_turned(1, 4, 0.5));
        assert!((a.1 - b.1).abs() < 1e-9 && a.1 < CY && (a.0 - CX + b.0 - CX).abs() < 1e-9);
    }

    #[test]
    fn messages_travel_between_the_edges() {
        let (a, b) = ((0.0, 0.0), (100.0, 0.0));
        let start = along(a, b, 10.0, 0.0, true);
        let end = along(a, b, 10.0, 1.0, true);
        assert!((start.0 - 10.0).abs() < 1e-9 && (end.0 - 90.0).abs() < 1e-9);
        assert!(along(a, b, 10.0, 0.5, true).1 != along(a, b, 10.0, 0.5, false).1);
    }
}
