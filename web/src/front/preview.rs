//! Small still pictures for the concept map: a few nodes and messages drawn to show the idea at
//! a glance, before the reader chooses to watch the live scenario.

use super::catalog::Concept;
use yew::prelude::*;

/// How a node is drawn.
#[derive(Clone, Copy)]
enum Look {
    Up,
    /// Leader, master, lock holder, coordinator.
    Lead,
    Down,
    /// A spare, or a node still warming up.
    Spare,
    /// A client or a balancer.
    Edge,
}

fn node(x: f64, y: f64, look: Look) -> Html {
    let class = match look {
        Look::Up => "pv-node",
        Look::Lead => "pv-node pv-lead",
        Look::Down => "pv-node pv-down",
        Look::Spare => "pv-node pv-spare",
        Look::Edge => "pv-node pv-edge",
    };
    let cross = matches!(look, Look::Down).then(|| {
        let d = 6.0;
        html! { <path class="pv-cross" d={format!("M{} {}L{} {}M{} {}L{} {}", x - d, y - d, x + d, y + d, x - d, y + d, x + d, y - d)} /> }
    });
    html! { <><circle cx={x.to_string()} cy={y.to_string()} r="9" class={class} />{ for cross }</> }
}

fn arrow(a: (f64, f64), b: (f64, f64), class: &'static str) -> Html {
    // Stop short of both circles.
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let (x1, y1, x2, y2) = (a.0 + ux * 11.0, a.1 + uy * 11.0, b.0 - ux * 12.0, b.1 - uy * 12.0);
    // A message on its way: a dot two thirds along, so the picture reads without arrowheads.
    let (mx, my) = (x1 + (x2 - x1) * 0.66, y1 + (y2 - y1) * 0.66);
    html! { <>
        <line x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{x2:.1}")} y2={format!("{y2:.1}")} class={class} />
        <circle cx={format!("{mx:.1}")} cy={format!("{my:.1}")} r="2.6" class={classes!("pv-dot", class)} />
    </> }
}

/// Five places on a circle, the first at the top.
fn ring5() -> [(f64, f64); 5] {
    let mut out = [(0.0, 0.0); 5];
    for (i, p) in out.iter_mut().enumerate() {
        let a = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / 5.0;
        *p = (80.0 + 34.0 * a.cos(), 46.0 + 34.0 * a.sin());
    }
    out
}

/// A client, a balancer, and backends in a column: the service lab's shape.
fn service(backends: &[Look], flows: &[usize]) -> Html {
    let client = (18.0, 46.0);
    let lb = (70.0, 46.0);
    let n = backends.len();
    let ys: Vec<f64> = (0..n).map(|i| 46.0 + (i as f64 - (n as f64 - 1.0) / 2.0) * 22.0).collect();
    let nodes = backends.iter().zip(&ys).map(|(&look, &y)| node(136.0, y, look));
    let arrows = flows.iter().map(|&i| arrow(lb, (136.0, ys[i]), "pv-msg"));
    html! { <>{ arrow(client, lb, "pv-msg") }{ for arrows }{ node(client.0, client.1, Look::Edge) }{ node(lb.0, lb.1, Look::Lead) }{ for nodes }</> }
}

/// The still picture for a concept.
pub fn preview(concept: Concept) -> Html {
    let r = ring5();
    let body = match concept {
        Concept::FaultTolerance | Concept::Consensus | Concept::Recovery => {
            let looks = match concept {
                Concept::FaultTolerance => [Look::Down, Look::Lead, Look::Up, Look::Down, Look::Up],
                Concept::Recovery => [Look::Lead, Look::Up, Look::Spare, Look::Up, Look::Up],
                _ => [Look::Lead, Look::Up, Look::Up, Look::Up, Look::Up],
            };
            let lead = looks.iter().position(|l| matches!(l, Look::Lead)).unwrap_or(0);
            let arrows = (0..5).filter(|&i| i != lead && !matches!(looks[i], Look::Down)).map(|i| {
                arrow(
                    r[lead],
                    r[i],
                    if matches!(looks[i], Look::Spare) { "pv-msg pv-snap" } else { "pv-msg" },
                )
            });
            let nodes = (0..5).map(|i| node(r[i].0, r[i].1, looks[i]));
            html! { <>{ for arrows }{ for nodes }</> }
        }
        Concept::Redundancy => service(&[Look::Up, Look::Up, Look::Down, Look::Spare], &[0, 1, 3]),
        Concept::LoadBalancing => service(&[Look::Up, Look::Up, Look::Up], &[0, 1, 2]),
        Concept::Failover => {
            let (client, a, b) = ((18.0, 46.0), (80.0, 24.0), (80.0, 68.0));
            html! { <>
                { arrow(client, b, "pv-msg") }{ arrow(b, (140.0, 46.0), "pv-msg") }
                { node(client.0, client.1, Look::Edge) }{ node(a.0, a.1, Look::Down) }{ node(b.0, b.1, Look::Lead) }
                { node(140.0, 46.0, Look::Up) }
            </> }
        }
        Concept::Partitioning => {
            let arcs = (0..6).map(|i| {
                let a0 = i as f64 * std::f64::consts::TAU / 6.0;
                let a1 = a0 + std::f64::consts::TAU / 6.0 - 0.08;
                let p = |a: f64| (80.0 + 34.0 * a.cos(), 46.0 + 34.0 * a.sin());
                let (s, e) = (p(a0), p(a1));
                html! { <path class={format!("pv-arc pv-arc{}", i % 3)} d={format!("M{:.1} {:.1}A34 34 0 0 1 {:.1} {:.1}", s.0, s.1, e.0, e.1)} /> }
            });
            html! { <>{ for arcs }<circle cx="80" cy="46" r="3" class="pv-key" /><circle cx="104" cy="30" r="3" class="pv-key" /><circle cx="60" cy="70" r="3" class="pv-key" /></> }
        }
        Concept::Locks => {
            let (server, c1, c2, store) = ((80.0, 14.0), (22.0, 60.0), (138.0, 60.0), (80.0, 78.0));
            html! { <>
                { arrow(server, c2, "pv-msg") }{ arrow(c1, store, "pv-msg pv-refused") }{ arrow(c2, store, "pv-msg") }
                { node(server.0, server.1, Look::Edge) }{ node(c1.0, c1.1, Look::Spare) }{ node(c2.0, c2.1, Look::Lead) }{ node(store.0, store.1, Look::Up) }
            </> }
        }
        Concept::AtomicCommit => {
            let coord = (30.0, 46.0);
            let parts = [(130.0, 16.0), (130.0, 46.0), (130.0, 76.0)];
            let arrows = parts.iter().map(|&p| arrow(coord, p, "pv-msg"));
            let nodes = parts.iter().map(|&p| node(p.0, p.1, Look::Spare));
            html! { <>{ for arrows }{ node(coord.0, coord.1, Look::Down) }{ for nodes }</> }
        }
        Concept::Availability => {
            let pts = [(10.0, 20.0), (40.0, 24.0), (70.0, 32.0), (100.0, 46.0), (130.0, 64.0), (150.0, 80.0)];
            let d: String = pts
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{}{} {}", if i == 0 { "M" } else { "L" }, p.0, p.1))
                .collect();
            let d2: String = pts
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    format!("{}{} {}", if i == 0 { "M" } else { "L" }, p.0, p.1 - 8.0 + i as f64 * 2.0)
                })
                .collect();
            html! { <>
                <path class="pv-axis" d="M8 8L8 86L156 86" />
                <path class="pv-curve" {d} /><path class="pv-curve pv-curve2" d={d2} />
            </> }
        }
    };
    html! {
        <svg class="preview" viewBox="0 0 160 92" role="img" aria-label={concept.title().get()} data-testid={format!("preview-{}", concept.slug())}>
            { body }
        </svg>
    }
}
