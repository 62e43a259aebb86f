//! The Raft playground page. It owns the [`model::Model`] (and through it the `Sim`), advances
//! it on animation frames, forwards every control to a model action, writes the scenario back
//! into the address bar, and renders [`view`]s of the model with the shared widgets.

pub mod model;
pub mod view;

use crate::anim::FrameLoop;
use crate::url;
use crate::widgets::cluster::{position_pct, Cluster, Legend};
use crate::widgets::controls::{Settings, ShareView, Status, Toolbar};
use crate::widgets::faults::{NetworkPanel, NodeMenu};
use crate::widgets::invariants::Invariants;
use crate::widgets::log::LogTable;
use crate::widgets::notes::Notes;
use halab_core::protocol::NodeId;
use halab_core::scenario::limits;
use halab_core::scenario::presets::RAFT_PRESETS;
use halab_core::sim::fault::Fault;
use model::Model;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RaftPageProps {
    /// The query string (without `?`) the page starts from.
    pub query: AttrValue,
}

type Shared = Rc<RefCell<Model>>;

/// Makes a callback that applies `f` to the model, writes a changed scenario to the URL and
/// re-renders. A re-entrant event (impossible in practice) is ignored rather than panicking.
fn action<E: 'static>(
    model: &Shared,
    update: &UseForceUpdateHandle,
    f: impl Fn(&mut Model, E) + 'static,
) -> Callback<E> {
    let (model, update) = (model.clone(), update.clone());
    Callback::from(move |e: E| {
        let changed = match model.try_borrow_mut() {
            Ok(mut m) => {
                f(&mut m, e);
                m.take_url_change()
            }
            Err(_) => return,
        };
        if let Some(q) = changed {
            url::replace_query(&q);
        }
        update.force_update();
    })
}

/// A fresh seed from the browser's CSPRNG, kept short so URLs stay readable.
fn fresh_seed(current: u64) -> u64 {
    #[cfg(target_arch = "wasm32")]
    let r = getrandom::u64().unwrap_or_else(|_| current.wrapping_mul(6_364_136_223_846_793_005));
    #[cfg(not(target_arch = "wasm32"))]
    let r = current.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let s = 1 + r % 999_999;
    if s == current {
        s % 999_999 + 1
    } else {
        s
    }
}

/// Share: build the URL (with `t=`), show it, then try the clipboard.
fn share_callback(model: &Shared, update: &UseForceUpdateHandle) -> Callback<()> {
    let (model, update) = (model.clone(), update.clone());
    Callback::from(move |()| {
        let link = match model.try_borrow_mut() {
            Ok(mut m) => {
                let link = url::absolute(&m.share_query());
                m.share = ShareView::Copying(link.clone());
                link
            }
            Err(_) => return,
        };
        update.force_update();
        let (model, update) = (model.clone(), update.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let ok = url::copy_to_clipboard(&link).await;
            if let Ok(mut m) = model.try_borrow_mut() {
                if m.share == ShareView::Copying(link.clone()) {
                    m.share = if ok { ShareView::Copied(link) } else { ShareView::Failed(link) };
                }
            }
            update.force_update();
        });
    })
}

#[function_component(RaftPage)]
pub fn raft_page(props: &RaftPageProps) -> Html {
    let model: Shared = {
        let q = props.query.clone();
        use_mut_ref(move || Model::from_query(&q))
    };
    let update = use_force_update();
    {
        let (model, update) = (model.clone(), update.clone());
        use_effect_with((), move |_| {
            let frames = FrameLoop::start(move |dt| {
                let changed = model.try_borrow_mut().is_ok_and(|mut m| m.frame(dt));
                if changed {
                    update.force_update();
                }
            });
            move || drop(frames)
        });
    }

    let on_play = action(&model, &update, |m, ()| m.toggle_play());
    let on_step = action(&model, &update, |m, ()| m.step());
    let on_background = action(&model, &update, |m, ()| m.menu = None);
    let on_node = action(&model, &update, |m, x: NodeId| m.open_menu(x));
    let on_dismiss = action(&model, &update, |m, _: MouseEvent| m.errors.clear());

    let m = model.borrow();
    let steps = m.sim.steps();
    let status = html! {
        <Status time={m.sim.now()} steps={steps} hash={m.sim.trace().hash()} seed={m.scenario.seed} />
    };
    let invariant_names = view::INVARIANTS.to_vec();
    let violation = view::violation(&m);
    let banner = (!m.errors.is_empty()).then(|| {
        html! {
            <div class="banner error" data-testid="error-banner" role="alert">
                <div>{ for m.errors.iter().map(|e| html! { <p>{ e }</p> }) }</div>
                <button class="link-button" aria-label="dismiss" onclick={on_dismiss}>{ "✕" }</button>
            </div>
        }
    });

    if m.embed {
        let full = url::absolute(&m.query().replace("&embed=1", ""));
        return html! {
            <main class="embed">
                { for banner }
                <div class="embed-bar">
                    <Toolbar playing={m.playing} stopped={m.violated()} speed={m.speed} on_play={on_play} on_step={on_step} />
                    <Invariants names={invariant_names} steps={steps} violation={violation} compact=true />
                    <a class="open-full" href={full} target="_blank" rel="noopener">{ "HA Lab ↗" }</a>
                </div>
                <Cluster nodes={view::nodes(&m)} messages={view::messages(&m)} cuts={view::cuts(&m)}
                    drops={view::drops(&m)} label="Raft cluster" />
                <div class="embed-status">{ status }</div>
            </main>
        };
    }

    let n = m.scenario.nodes;
    let menu = m.menu.filter(|&x| x < n).map(|x| {
        let (px, py) = position_pct(x as usize, n as usize);
        let on_pick = action(&model, &update, move |m, key: &'static str| m.menu_action(x, key));
        html! {
            <NodeMenu title={view::menu_title(&m, x)} x={px} y={py} items={view::menu_items(&m, x)} {on_pick} />
        }
    });
    let live = !m.violated();
    let on_link = action(&model, &update, |m, (a, b): (u8, u8)| m.toggle_link(a, b));
    let (first, rows) = view::log(&m);
    let loss_ppm = m.loss_ppm();
    let damaged = m.sim.network().blocked().next().is_some();

    html! {
        <main class="app raft">
            <header class="top">
                <div class="brand">
                    <h1>{ "HA Lab" }</h1>
                    <span class="crumb">{ "Raft" }</span>
                </div>
                <p class="lede">
                    { "Raft elects a leader and replicates a log. Click a node to crash, pause or isolate it, \
                       click a link to cut it, and watch whether the safety invariants still hold." }
                </p>
            </header>
            { for banner }
            <section class="card bar">
                <Toolbar playing={m.playing} stopped={m.violated()} speed={m.speed}
                    on_play={on_play} on_step={on_step}
                    on_speed={action(&model, &update, |m, s: f64| m.set_speed(s))}
                    on_new_seed={action(&model, &update, |m, ()| { let s = fresh_seed(m.scenario.seed); m.new_seed(s) })}
                    on_share={share_callback(&model, &update)}
                    share={m.share.clone()} />
                { status }
            </section>
            <div class="grid">
                <section class="card stage">
                    <Cluster nodes={view::nodes(&m)} messages={view::messages(&m)} cuts={view::cuts(&m)}
                        drops={view::drops(&m)} on_node={live.then_some(on_node)}
                        on_link={live.then_some(on_link)} on_background={on_background}
                        label="Raft cluster: click a node for actions, a link to cut or mend it">
                        { for menu }
                    </Cluster>
                    <Legend items={view::legend()} />
                </section>
                <aside class="side">
                    <Invariants names={invariant_names} steps={steps} violation={violation} />
                    <section class="card">
                        <h2>{ "Network & clients" }</h2>
                        <NetworkPanel
                            on_write={action(&model, &update, |m, ()| m.client_write())}
                            write_hint={view::write_hint(&m)}
                            on_heal={action(&model, &update, |m, ()| m.inject(Fault::Heal))}
                            damaged={damaged}
                            loss_ppm={loss_ppm}
                            on_loss={action(&model, &update, |m, ppm: u32| m.set_loss(ppm))}
                            selected={m.selected.iter().copied().collect::<Vec<_>>()}
                            nodes={n}
                            on_partition={action(&model, &update, |m, ()| m.partition_selected())}
                            on_clear={action(&model, &update, |m, ()| m.selected.clear())}
                            disabled={!live} />
                    </section>
                    <section class="card">
                        <h2>{ "Scenario" }</h2>
                        <Settings presets={view::presets()} current={m.preset().map(|p| p.id)}
                            on_preset={action(&model, &update, |m, id: &'static str| {
                                if let Some(p) = RAFT_PRESETS.iter().find(|p| p.id == id) {
                                    m.load(p.query);
                                }
                            })}
                            nodes={n} min_nodes={limits::MIN_NODES} max_nodes={limits::MAX_NODES}
                            on_nodes={action(&model, &update, |m, k: u8| m.set_nodes(k))}
                            bugs={view::bugs(&m)}
                            on_bug={action(&model, &update, |m, name: &'static str| m.toggle_bug(name))} />
                    </section>
                </aside>
                <section class="card logs">
                    <h2>{ "Logs" }<span class="muted">{ " — one row per node, entries coloured by term; solid = committed" }</span></h2>
                    <LogTable first={first} rows={rows} />
                </section>
                <section class="card notes-card">
                    <h2>{ "Notes" }<span class="muted">{ " — newest first" }</span></h2>
                    <Notes notes={view::notes(&m)} />
                </section>
            </div>
        </main>
    }
}
