//! The consistent-hashing lab (`/ring`, `?p=ring`): keys on a circle, the nodes that own them,
//! and what moves when membership changes. Unlike the protocol pages there is no simulation and
//! no clock: the page owns a core [`Lab`](halab_core::ring::lab::Lab), whose scenario *is* the
//! URL, and every control is one lab action followed by a redraw.
//!
//! - [`model`]: the page state (lab, embed, banner, hover, the circle's geometry, the table);
//!   pure and natively tested.
//! - [`geometry`]: what the circle draws, as path strings per node; [`circle`] draws it.
//! - [`chart`] (keys per node), [`table`] (every algorithm, lookups timed live), [`panels`]
//!   (moved counter, hover inspector, failures) and [`controls`] (setup and node list).
//!
//! The table and the failure figures cost the most (every algorithm is rebuilt and timed), so
//! they are worked out just after a change has been drawn, not in the same event.

pub mod chart;
pub mod circle;
pub mod controls;
pub mod format;
pub mod geometry;
pub mod model;
pub mod panels;
pub mod table;

use crate::anim::now_ms;
use crate::playground::page::{Header, PageProps};
use crate::url;
use crate::widgets::banner::ErrorBanner;
use crate::widgets::controls::{share_button, share_callback, ShareButtonProps};
use crate::widgets::embed::EmbedButton;
use chart::{load_chart, stats, LoadChartProps, StatsProps};
use circle::Circle;
use controls::{node_list, NodeListProps, NodeRow, Setup};
use format::{node_colour, thousands};
use geometry::Hover;
use halab_core::protocol::NodeId;
use halab_core::ring::Algorithm;
use model::{Action, RingModel};
use panels::{failure_panel, inspect, moved_counter, moved_view, FailureProps, MovedProps};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;
use table::{compare_table, CompareProps};
use yew::prelude::*;

type Shared = Rc<RefCell<RingModel>>;

/// Resolves once the browser has painted what was just rendered: the next animation frame runs
/// before that paint, and a timeout set from it fires after it.
async fn after_paint() {
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            if w.request_animation_frame(&resolve).is_ok() {
                return;
            }
        }
        let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
    yew::platform::time::sleep(Duration::ZERO).await;
}

/// Turns model changes into callbacks: apply, write a changed scenario to the URL, redraw. The
/// page schedules the deferred figures once a change is in the DOM.
#[derive(Clone)]
struct Act {
    model: Shared,
    update: UseForceUpdateHandle,
    /// When the change being drawn started (for `data-render-ms`).
    started: Rc<Cell<Option<f64>>>,
}

impl Act {
    /// A callback running `f`, which says whether anything visible changed. A re-entrant event
    /// (impossible in practice) is ignored rather than panicking.
    fn on<E: 'static>(&self, f: impl Fn(&mut RingModel, E) -> bool + 'static) -> Callback<E> {
        let act = self.clone();
        Callback::from(move |e: E| {
            let t0 = now_ms();
            let (redraw, query, changed) = match act.model.try_borrow_mut() {
                Ok(mut m) => {
                    let generation = m.generation;
                    let redraw = f(&mut m, e);
                    (redraw, m.take_url_change(), m.generation != generation)
                }
                Err(_) => return,
            };
            if let Some(q) = query {
                url::replace_query(&q);
            }
            if changed {
                act.started.set(Some(t0));
            }
            if redraw || changed {
                act.update.force_update();
            }
        })
    }

    fn action(&self) -> Callback<Action> {
        self.on(|m, a| {
            m.act(a);
            true
        })
    }

    /// Works out the comparison table and then the failure figures, each once the browser has
    /// painted what came before, so a change shows at once. Lookups are timed one row per task
    /// (a few ms each), so the page keeps answering meanwhile; a newer change makes it all moot.
    fn measure_later(&self) {
        let Ok(m) = self.model.try_borrow() else { return };
        if m.embed {
            return;
        }
        let generation = m.generation;
        drop(m);
        let (model, update) = (self.model.clone(), self.update.clone());
        yew::platform::spawn_local(async move {
            let current = || model.try_borrow().is_ok_and(|m| m.generation == generation);
            after_paint().await;
            let rows = match model.try_borrow() {
                Ok(m) if m.generation == generation && m.table.is_none() => m.lab.compare(),
                _ => return,
            };
            let timed = table::timed_keys();
            let mut best = vec![f64::INFINITY; rows.len()];
            for _ in 0..table::TIMING_PASSES {
                for (b, r) in best.iter_mut().zip(&rows) {
                    yew::platform::time::sleep(Duration::ZERO).await;
                    if !current() {
                        return;
                    }
                    *b = b.min(table::time_per_key(r.placement.as_ref(), &timed, &now_ms));
                }
            }
            match model.try_borrow_mut() {
                Ok(mut m) if m.generation == generation => {
                    m.set_table(rows.iter().zip(best).map(|(r, ns)| table::row(r, ns)).collect())
                }
                _ => return,
            }
            update.force_update();
            after_paint().await;
            match model.try_borrow_mut() {
                Ok(mut m) if m.generation == generation => m.compute_failures(),
                _ => return,
            }
            update.force_update();
        });
    }

    /// Share: the scenario's URL.
    /// The link's query, for the embed code.
    fn link(&self) -> Callback<(), String> {
        let model = self.model.clone();
        Callback::from(move |()| {
            model.try_borrow().map_or_else(|_| crate::url::current_query(), |m| m.query())
        })
    }

    fn share(&self) -> Callback<()> {
        share_callback(self.model.clone(), self.update.clone(), |m| m.query(), |m| &mut m.share)
    }
}

#[function_component(RingPage)]
pub fn ring_page(props: &PageProps) -> Html {
    let model: Shared = {
        let q = props.query.clone();
        use_mut_ref(move || RingModel::from_query(&q))
    };
    let started: Rc<Cell<Option<f64>>> = use_memo((), |_| Cell::new(None));
    let act = Act { model: model.clone(), update: use_force_update(), started };
    let svg_ref = use_node_ref();
    let scheduled: Rc<Cell<Option<u64>>> = use_memo((), |_| Cell::new(None));
    {
        // After the DOM took a change: how long from the click to here, and then (once it is
        // painted) the figures that depend on it.
        let (act, svg_ref) = (act.clone(), svg_ref.clone());
        use_effect(move || {
            if let (Some(t0), Some(svg)) = (act.started.take(), svg_ref.cast::<web_sys::Element>()) {
                let _ = svg.set_attribute("data-render-ms", &format!("{:.2}", now_ms() - t0));
            }
            let generation = act.model.try_borrow().map(|m| m.generation).ok();
            if generation.is_some() && scheduled.get() != generation {
                scheduled.set(generation);
                act.measure_later();
            }
        });
    }

    let on_action = act.action();
    let on_bad = act.on(|m, msg: String| {
        m.reject_input(msg);
        true
    });
    let on_node_hover = act.on(|m, id: Option<NodeId>| m.set_hover(id.map(Hover::Node)));
    let on_pointer = act.on(|m, at: Option<(f64, f64)>| {
        let hit = at.and_then(|(x, y)| m.circle.hit(x, y));
        m.set_hover(hit)
    });
    let on_dismiss = act.on(|m, ()| {
        m.errors.clear();
        true
    });
    let on_replay = act.on(|m, ()| {
        m.replay_flash();
        true
    });

    let m = model.borrow();
    let s = m.scenario();
    let lab = &m.lab;
    let loads = &m.loads;
    let n = s.members.len();
    let down = s.down.len();
    let nodes_text = if down > 0 {
        trf!("{n} nodes, {down} down", "{n} 个节点，{down} 个宕机")
    } else {
        let s = if n == 1 { "" } else { "s" };
        trf!("{n} node{s}", "{n} 个节点")
    };
    let title = algorithm_title(s.algorithm);
    let (keys, r) = (thousands(u64::from(s.keys)), s.replicas);
    let centre =
        vec![title.to_owned(), nodes_text.clone(), trf!("{keys} keys · R = {r}", "{keys} 个键 · R = {r}")];
    let highlight = m.highlight();
    let circle = html! {
        <Circle view={m.circle.clone()} highlight={highlight} hover={m.hover} flash_key={m.flash_key}
            centre={centre} on_pointer={on_pointer} svg_ref={svg_ref.clone()} timings={(m.lab_ms, m.build_ms)}
            label={{ let k = s.keys; trf!("{title}: {k} keys on a circle by hash, coloured by the node that owns them", "{title}：{k} 个键按哈希排在圆上，按所属节点着色") }} />
    };
    let banner = html! { <ErrorBanner errors={m.errors.clone()} {on_dismiss} /> };

    if m.embed {
        let full = url::absolute(&m.query().replace("&embed=1", ""));
        return html! {
            <main class="embed ring">
                { banner }
                <div class="embed-bar">
                    <span class="ring-embed-stats" data-testid="ring-status">
                        { { let (peak, cv) = (loads.peak, loads.cv);
                            trf!("{title} · {nodes_text} · {keys} keys · max/fair {peak:.2}× · CV {cv:.3}",
                                 "{title} · {nodes_text} · {keys} 个键 · 最大/公平 {peak:.2}× · CV {cv:.3}") } }
                    </span>
                    <a class="open-full" href={full} target="_blank" rel="noopener">{ "HA Lab ↗" }</a>
                </div>
                <div class="ring-figure">{ circle }</div>
            </main>
        };
    }

    let chips = s.members.ids().map(|id| {
        let dim = highlight.is_some_and(|h| h != id);
        html! {
            <li key={id} class={classes!("chip", s.down.contains(&id).then_some("down"), dim.then_some("dim"))}
                data-testid={format!("chip-{id}")} style={format!("--c: {}", node_colour(id))}
                onmouseenter={on_node_hover.reform(move |_: MouseEvent| Some(id))}
                onmouseleave={on_node_hover.reform(|_: MouseEvent| None)}>
                <i class="sw"></i>{ id }
            </li>
        }
    });
    let rows: Vec<NodeRow> = s
        .members
        .iter()
        .map(|(id, weight)| NodeRow {
            id,
            weight,
            down: s.down.contains(&id),
            keys: loads.per_node.iter().find(|(x, _)| *x == id).map_or(0, |&(_, c)| c),
        })
        .collect();
    let bars = chart::bars(lab, loads);
    let points = match s.algorithm {
        Algorithm::Ring | Algorithm::Bounded => {
            let p = thousands(s.points() as u64);
            trf!(" · {p} vnode points", " · {p} 个虚拟节点点位")
        }
        _ => String::new(),
    };
    let status = trf!(
        "{title} · {nodes_text}{points} · {keys} keys · R = {r}",
        "{title} · {nodes_text}{points} · {keys} 个键 · R = {r}"
    );
    let ideal = lab.last().map(|l| l.ideal);
    let memory = m.current_row().map(|r| r.memory_bytes);

    html! {
        <main class="app ring">
            <Header current={Some("ring")}>
                <p class="lede">
                    { tr!("Consistent hashing decides which node holds each key, so that adding or losing a node moves \
                       as few keys as possible. Add, fail or reweight nodes below and watch which keys move, how \
                       evenly they spread, and how the classic placements compare on the same keys.",
                       "一致性哈希决定每个键由哪个节点持有，使得加入或失去一个节点时迁移的键尽可能少。在下面加入节点、让节点故障或调整权重，观察哪些键迁移、分布是否均匀，以及经典放置算法在同一批键上的比较。") }
                </p>
            </Header>
            { banner }
            <section class="card bar">
                <div class="toolbar">
                    { share_button(&ShareButtonProps {
                        on_share: act.share(),
                        share: m.share.clone(),
                        title: tr!("copy a link to exactly this setup: nodes, weights, failures, algorithm, keys", "复制一个链接，精确还原这个设置：节点、权重、故障、算法、键数").into(),
                    }) }
                    <EmbedButton query={act.link()} title={tr!("HA Lab: consistent hashing", "HA Lab：一致性哈希")} page="ring" />
                </div>
                <p class="status" data-testid="ring-status">{ status }</p>
            </section>
            <div class="ring-grid">
                <section class="card stage ring-stage">
                    { moved_counter(&MovedProps { view: moved_view(lab), on_replay }) }
                    <div class="ring-figure">{ circle }</div>
                    { inspect(&m, loads) }
                    <ul class="chips-legend" aria-label={tr!("nodes", "节点")}>{ for chips }</ul>
                    <p class="caption muted">{ m.circle.caption() }</p>
                </section>
                <aside class="side">
                    <section class="card">
                        <h2>{ tr!("Setup", "设置") }</h2>
                        <Setup algorithm={s.algorithm} keys={s.keys} vnodes={s.vnodes} replicas={s.replicas}
                            epsilon={s.epsilon} points={s.points()} on_action={on_action.clone()} on_bad={on_bad.clone()} />
                    </section>
                    <section class="card">
                        <h2>{ tr!("Nodes", "节点") }</h2>
                        { node_list(&NodeListProps {
                            rows,
                            highlight,
                            on_action: on_action.clone(),
                            on_bad,
                            on_hover: on_node_hover.clone(),
                        }) }
                    </section>
                </aside>
                <section class="card loads-card">
                    <h2>{ tr!("Keys per node", "每个节点的键数") }<span class="muted">{ tr!(" — bar: keys it holds; line: its fair share by weight", " — 柱：它持有的键；线：按权重的公平份额") }</span></h2>
                    { load_chart(&LoadChartProps { bars, highlight, on_hover: on_node_hover }) }
                    { stats(&StatsProps { loads: loads.clone(), memory_bytes: memory, nodes: n - down }) }
                </section>
                <section class="card failures-card">
                    <h2>{ tr!("Failures and replicas", "故障与副本") }</h2>
                    { failure_panel(&FailureProps { report: m.failures.clone(), replicas: s.replicas, nodes: n }) }
                </section>
                <section class="card compare-card">
                    <h2>{ tr!("Every algorithm on this setup", "所有算法在这个设置上的表现") }<span class="muted">{ tr!(" — the same nodes and keys; click a row to switch", " — 相同的节点和键；点击一行即可切换") }</span></h2>
                    { compare_table(&CompareProps {
                        rows: m.table.clone(),
                        selected: s.algorithm,
                        ideal,
                        on_select: on_action.reform(Action::Algorithm),
                    }) }
                </section>
            </div>
        </main>
    }
}

#[cfg(test)]
mod tests;

/// An algorithm's name as the page shows it (core's `title`, in the UI's language).
pub fn algorithm_title(a: Algorithm) -> &'static str {
    match a {
        Algorithm::Ring => tr!("Hash ring (vnodes)", "哈希环（虚拟节点）"),
        Algorithm::Rendezvous => tr!("Rendezvous (HRW)", "最高随机权重（HRW）"),
        Algorithm::Jump => tr!("Jump hash", "跳跃一致性哈希"),
        Algorithm::Maglev => "Maglev",
        Algorithm::Bounded => tr!("Bounded loads", "有界负载"),
        Algorithm::Modulo => tr!("hash mod n", "取模哈希"),
    }
}
