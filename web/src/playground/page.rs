//! The page component every protocol shares. It owns the [`Model`] (and through it the `Sim`),
//! advances it on animation frames, forwards every control to a model action, writes the
//! scenario back into the address bar, and lays out the shared widgets around the protocol's
//! own panels ([`Playground::detail`], [`Playground::under_picture`],
//! [`Playground::settings`]).

use super::keys::{shortcut, Shortcut};
use super::model::ReplayStatus;
use super::{legend, replay, view, Model, Playground};
use crate::anim::{now_ms, FrameLoop};
use crate::url;
use crate::widgets::banner::ErrorBanner;
use crate::widgets::cluster::{place_pct, position_pct, Cluster, Legend};
use crate::widgets::controls::{share_callback, Settings, Status, Toolbar};
use crate::widgets::diagram::{diagram, DiagramActions, DiagramProps};
use crate::widgets::embed::EmbedButton;
use crate::widgets::faults::{NetworkPanel, NodeMenu};
use crate::widgets::frozen::Frozen;
use crate::widgets::invariants::Invariants;
use crate::widgets::notes::Notes;
use crate::widgets::scrubber::{scrubber, ScrubberProps};
use halab_core::protocol::NodeId;
use halab_core::sim::fault::Fault;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct PageProps {
    /// The query string (without `?`) the page starts from.
    pub query: AttrValue,
}

type Shared<P> = Rc<RefCell<Model<P>>>;

/// Work a frame spends replaying a link, in ms: the rest of the frame keeps the tab responsive.
const REPLAY_FRAME_MS: f64 = 12.0;
/// Work a playing frame spends simulating, in ms: with the redraw (4–11 ms for 9 busy nodes) it
/// must fit 16.7 ms. At high speed a big cluster then falls behind the requested speed instead
/// of dropping frames. (Adapting it to late frames was tried and dropped: on a busy machine the
/// redraw alone overruns, BENCHMARKS.md "Frame time".)
const PLAY_FRAME_MS: f64 = 4.0;
/// Steps between two looks at the clock while replaying.
const REPLAY_SLICE_STEPS: u64 = 200;
/// How often the page redraws while replaying, in ms (a redraw of a big cluster costs what many
/// steps do; the progress bar needs no more).
const REPLAY_DRAW_MS: f64 = 100.0;
/// How often the panels around the picture redraw while the run plays, in ms. The picture, the
/// toolbar and the status line redraw on every frame; a user's action, a pause or a stop
/// redraws everything at once.
const PANEL_DRAW_MS: f64 = 100.0;

/// When the panels were last drawn, and their [`Frozen`] version.
struct PanelClock {
    version: u64,
    drawn_at: f64,
}

/// One frame of a link's replay: up to [`REPLAY_FRAME_MS`] of steps. Returns whether to redraw.
fn replay_frame<P: Playground>(m: &mut Model<P>, last_draw: &mut f64) -> bool {
    let start = now_ms();
    while m.replay_slice(REPLAY_SLICE_STEPS) && now_ms() - start < REPLAY_FRAME_MS {}
    let due = !m.replaying() || start - *last_draw >= REPLAY_DRAW_MS;
    if due {
        *last_draw = start;
    }
    due
}

/// Work a frame spends on a running "Check from here" search, in ms.
const CHECK_FRAME_MS: f64 = 10.0;

/// One frame of a running search: slices of states for up to [`CHECK_FRAME_MS`]. Returns
/// whether to redraw (its counters every [`REPLAY_DRAW_MS`], and when it ends).
fn check_frame<P: Playground>(m: &mut Model<P>, last_draw: &mut f64) -> bool {
    let start = now_ms();
    while m.checking() && now_ms() - start < CHECK_FRAME_MS {
        m.check_slice(super::check::CHECK_SLICE_STATES, now_ms);
    }
    let due = !m.checking() || start - *last_draw >= REPLAY_DRAW_MS;
    if due {
        *last_draw = start;
    }
    due
}

/// Turns model actions into callbacks: each applies its change, writes a changed scenario to the
/// URL and re-renders. Protocol panels get one to wire their own controls.
pub struct Act<P: Playground> {
    model: Shared<P>,
    update: UseForceUpdateHandle,
    /// Set by every action: the next render draws the panels too, however soon.
    acted: Rc<RefCell<bool>>,
}

impl<P: Playground> Act<P> {
    /// A callback that applies `f` to the model. A re-entrant event (impossible in practice) is
    /// ignored rather than panicking. The closure holds only `f`: what every action does after
    /// it is [`settle_action`], one copy per protocol instead of one per callback (there are
    /// over a hundred).
    pub fn on<E: 'static>(&self, f: impl Fn(&mut Model<P>, E) + 'static) -> Callback<E> {
        let (model, update, acted) = (self.model.clone(), self.update.clone(), self.acted.clone());
        Callback::from(move |e: E| {
            let Ok(mut m) = model.try_borrow_mut() else { return };
            f(&mut m, e);
            drop(m);
            settle_action(&model, &update, &acted);
        })
    }

    /// The share link's query (the scenario with `t=` now), for the embed code and the language
    /// switch.
    fn link(&self) -> Callback<(), String> {
        let model = self.model.clone();
        Callback::from(move |()| {
            model.try_borrow_mut().map_or_else(|_| crate::url::current_query(), |mut m| m.share_query())
        })
    }

    /// Share: the URL with `t=`.
    fn share(&self) -> Callback<()> {
        share_callback(self.model.clone(), self.update.clone(), |m| m.share_query(), |m| &mut m.share)
    }
}

/// Listens for the keyboard shortcuts on the whole document; returns the effect's cleanup.
fn listen_for_keys(on_key: Callback<Shortcut>) -> impl FnOnce() {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let handler = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let tag = target.as_ref().map(|t| t.tag_name().to_ascii_uppercase()).unwrap_or_default();
        let typing = matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || target.as_ref().is_some_and(|t| t.closest("[role=menu]").ok().flatten().is_some());
        let on_button = matches!(tag.as_str(), "BUTTON" | "A" | "SUMMARY")
            || target.as_ref().is_some_and(|t| t.get_attribute("role").as_deref() == Some("button"));
        if let Some(k) = shortcut(&e.key(), typing, on_button) {
            e.prevent_default();
            on_key.emit(k);
        }
    });
    let document = web_sys::window().and_then(|w| w.document());
    if let Some(d) = &document {
        let _ = d.add_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
    }
    move || {
        if let Some(d) = document {
            let _ = d.remove_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
        }
    }
}

/// The keyboard shortcuts' list, when open. Not generic: every protocol's page shares one copy.
fn keys_card(open: bool, on_close: Callback<MouseEvent>) -> Html {
    if !open {
        return Html::default();
    }
    let rows = super::keys::help()
        .map(|(keys, what)| html! { <tr><th scope="row"><kbd>{ keys }</kbd></th><td>{ what }</td></tr> });
    html! {
        <section class="card keys-help" data-testid="keys-help" role="dialog" aria-label={tr!("Keyboard shortcuts", "键盘快捷键")}>
            <h2>{ tr!("Keyboard shortcuts", "键盘快捷键") }
                <button type="button" class="link-button" onclick={on_close} aria-label={tr!("close", "关闭")}>{ "✕" }</button></h2>
            <table>{ for rows }</table>
        </section>
    }
}

/// Embed and Keys, at the end of the toolbar. Not generic, like [`keys_card`].
fn toolbar_extras(
    link: Callback<(), String>,
    title: &'static str,
    page: &'static str,
    diagram: bool,
    keys_open: bool,
    on_keys: Callback<MouseEvent>,
) -> Html {
    html! {
        <>
            <EmbedButton query={link} {title} {page} {diagram} />
            <button type="button" class="keys-button" data-testid="keys" aria-expanded={keys_open.to_string()} onclick={on_keys}
                title={tr!("Keyboard shortcuts (?)", "键盘快捷键（?）")}>{ tr!("⌨ Keys", "⌨ 快捷键") }</button>
        </>
    }
}

/// What stands in for the picture while a link replays.
fn waiting_text(until: String) -> String {
    trf!(
        "The cluster, its messages and the panels appear when the replay reaches {until}, or when you cancel it.",
        "回放到 {until} 或你取消回放时，集群、消息和各面板才会出现。"
    )
}

/// After any action: the panels redraw at once, the goal is judged, a changed scenario goes to
/// the address bar, and the page re-renders.
#[inline(never)]
fn settle_action<P: Playground>(model: &Shared<P>, update: &UseForceUpdateHandle, acted: &RefCell<bool>) {
    *acted.borrow_mut() = true;
    let changed = model.try_borrow_mut().ok().and_then(|mut m| {
        goal_check(&mut m);
        m.take_url_change()
    });
    if let Some(q) = changed {
        url::replace_query(&q);
    }
    update.force_update();
}

/// Judges the guided path's goal (when this run is a step) and records a goal reached in the
/// browser. True when it was reached just now.
fn goal_check<P: Playground>(m: &mut Model<P>) -> bool {
    let reached = m.check_goal();
    if reached {
        if let Some(step) = m.learn {
            crate::learn::mark_done(step.id);
        }
    }
    reached
}

/// A fresh seed from the browser's CSPRNG, kept short so URLs stay readable.
pub fn fresh_seed(current: u64) -> u64 {
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

/// The pages, as path segment, for the site navigation.
pub const PAGES: [&str; 7] = ["raft", "paxos", "lock", "txn", "lb", "ring", "avail"];

/// A page's name in the navigation.
pub fn page_name(slug: &str) -> &'static str {
    match slug {
        "raft" => "Raft",
        "paxos" => "Paxos",
        "lock" => tr!("Lock", "锁"),
        "txn" => "2PC/3PC",
        "lb" => tr!("Load balancing", "负载均衡"),
        "ring" => tr!("Ring", "哈希环"),
        "avail" => tr!("Availability", "可用性"),
        "learn" => tr!("Learn", "入门"),
        "gallery" => tr!("Gallery", "案例"),
        "embed" => tr!("Embed", "嵌入"),
        _ => "",
    }
}

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// The page shown (a path segment of [`PAGES`], or `learn`, `gallery`, `embed`), if any.
    #[prop_or_default]
    pub current: Option<&'static str>,
    /// The query the language switch reloads with: a playground's share link, so the run comes
    /// back at the same instant. The address bar's query when absent.
    #[prop_or_default]
    pub reload: Option<Callback<(), String>>,
    #[prop_or_default]
    pub children: Html,
}

/// The site header: the title (a link home), the front door's pages, one link per playground,
/// the language switch, and a sentence about this page. Links are relative, so the site works
/// under any base path.
#[function_component(Header)]
pub fn header(p: &HeaderProps) -> Html {
    let link = |slug: &'static str| {
        let here = p.current == Some(slug);
        html! {
            <a href={slug} class={classes!(here.then_some("current"))} aria-current={here.then_some("page")}
                data-testid={format!("nav-{slug}")}>{ page_name(slug) }</a>
        }
    };
    let front = ["learn", "gallery"].map(link);
    let links = PAGES.map(link);
    html! {
        <header class="top">
            <div class="brand">
                <h1><a href="." class="home-link" data-testid="nav-home" title={tr!("HA Lab home", "HA Lab 首页")}>{ "HA Lab" }</a></h1>
                <nav class="front-links" aria-label={tr!("start here", "从这里开始")}>{ for front }</nav>
                <nav class="pages" aria-label={tr!("pages", "页面")}>{ for links }</nav>
                <LangSwitch reload={p.reload.clone()} />
            </div>
            { p.children.clone() }
        </header>
    }
}

#[derive(Properties, PartialEq)]
pub struct LangSwitchProps {
    #[prop_or_default]
    pub reload: Option<Callback<(), String>>,
}

/// English | 中文. Choosing the other language saves the choice and reloads the page in it.
#[function_component(LangSwitch)]
pub fn lang_switch(p: &LangSwitchProps) -> Html {
    let now = crate::i18n::lang();
    let buttons = crate::i18n::Lang::ALL.map(|lang| {
        let reload = p.reload.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            if lang == crate::i18n::lang() {
                return;
            }
            let query = reload.as_ref().map_or_else(url::current_query, |r| r.emit(()));
            crate::i18n::switch_to(lang, &query);
        });
        html! {
            <button type="button" lang={lang.code()} aria-pressed={(lang == now).to_string()}
                data-testid={format!("lang-{}", lang.code())} {onclick}>{ lang.name() }</button>
        }
    });
    html! {
        <div class="lang-switch" role="group" aria-label={tr!("Language", "语言")}>{ for buttons }</div>
    }
}

#[function_component(PlaygroundPage)]
pub fn playground_page<P: Playground>(props: &PageProps) -> Html {
    let model: Shared<P> = {
        let q = props.query.clone();
        use_mut_ref(move || Model::from_query(&q))
    };
    let update = use_force_update();
    {
        let (model, update) = (model.clone(), update.clone());
        use_effect_with((), move |_| {
            let mut last_draw = 0.0;
            let frames = FrameLoop::start(move |dt| {
                let changed = model.try_borrow_mut().is_ok_and(|mut m| {
                    let drawn = if m.replaying() {
                        replay_frame(&mut m, &mut last_draw)
                    } else if m.checking() {
                        let drawn = check_frame(&mut m, &mut last_draw);
                        // A violation found became the run: its link goes to the address bar.
                        if let Some(q) = m.take_url_change() {
                            url::replace_query(&q);
                        }
                        let start = now_ms();
                        m.frame_within(dt, || now_ms() - start > PLAY_FRAME_MS) || drawn
                    } else {
                        let start = now_ms();
                        m.frame_within(dt, || now_ms() - start > PLAY_FRAME_MS)
                    };
                    goal_check(&mut m) || drawn
                });
                if changed {
                    update.force_update();
                }
            });
            move || drop(frames)
        });
    }
    let acted = use_mut_ref(|| false);
    let clock = use_mut_ref(|| PanelClock { version: 0, drawn_at: f64::NEG_INFINITY });
    let act = Act { model: model.clone(), update, acted: acted.clone() };
    {
        let on_key = act.on(|m, k: Shortcut| m.key(k));
        use_effect_with((), move |_| listen_for_keys(on_key));
    }

    let on_play = act.on(|m, ()| m.toggle_play());
    let on_step = act.on(|m, ()| m.step());
    let on_dismiss = act.on(|m, ()| m.errors.clear());

    let m = model.borrow();
    let steps = m.sim.steps();
    let status = html! {
        <Status time={m.sim.now()} steps={steps} hash={m.sim.trace().hash()} seed={m.scenario.seed} />
    };
    let banner = html! { <ErrorBanner errors={m.errors.clone()} {on_dismiss} /> };
    let replay_bar = replay_bar(&m, &act);
    // While a link replays, the picture and the panels wait: drawing a big cluster's messages
    // and tables now and then would cost more than the replay itself.
    let waiting = m.replaying().then(|| {
        html! {
            <section class="card replay-wait" data-testid="replay-wait">
                <p class="muted">{ waiting_text(m.replay_progress().map_or_else(String::new, |(t, _)| replay::secs(t))) }</p>
            </section>
        }
    });
    let picture_label = {
        let title = P::TITLE.get();
        trf!("{title} cluster", "{title} 集群")
    };

    if m.embed {
        let (violation, unjudged) = (view::violation(&m), view::unjudged(&m));
        let invariant_names = P::INVARIANTS.to_vec();
        let full = url::absolute(&m.query().replace("&embed=1", ""));
        let picture = waiting.unwrap_or_else(|| {
            if m.show_diagram {
                return diagram_card(&m, &act, true);
            }
            html! {
                <Cluster nodes={view::nodes(&m)} messages={view::messages(&m)} cuts={view::cuts(&m)} links={view::links(&m)}
                    drops={view::drops(&m)} label={picture_label} pad={P::PICTURE_PAD} pad_y={P::PICTURE_PAD_Y} turn={P::PICTURE_TURN}
                    places={m.sim.cluster().protocol.places(usize::from(m.scenario.nodes))} />
            }
        });
        return html! {
            <main class={classes!("embed", P::KIND.name())}>
                { banner }
                { replay_bar }
                <div class="embed-bar">
                    <Toolbar playing={m.playing} stopped={m.violated()} speed={m.speed} on_play={on_play} on_step={on_step} />
                    <Invariants names={invariant_names} steps={steps} violation={violation} unjudged={unjudged} compact=true />
                    <a class="open-full" href={full} target="_blank" rel="noopener">{ "HA Lab ↗" }</a>
                </div>
                { picture }
                { P::embed_strip(&m) }
                <div class="embed-status">{ status }</div>
            </main>
        };
    }

    let toolbar = html! {
        <section class="card bar">
            <Toolbar playing={m.playing} stopped={m.violated()} speed={m.speed}
                on_play={on_play} on_step={on_step}
                on_speed={act.on(|m, s: f64| m.set_speed(s))}
                on_new_seed={act.on(|m, ()| { let s = fresh_seed(m.scenario.seed); m.new_seed(s) })}
                on_share={act.share()}
                share={m.share.clone()} />
            { toolbar_extras(act.link(), P::TITLE.get(), P::KIND.name(), m.show_diagram, m.keys_help, act.on(|m, _: MouseEvent| m.keys_help = !m.keys_help)) }
            { status }
        </section>
    };
    // The header, errors, toolbar and replay bar: the same above a replay and above the run.
    let top = html! {
        <>
            <Header current={Some(P::KIND.name())} reload={act.link()}>
                <p class="lede">{ P::lede(&m) }</p>
            </Header>
            { banner }
            { super::guide::card(m.learn, m.goal_reached) }
            { toolbar }
            { keys_card(m.keys_help, act.on(|m, _: MouseEvent| m.keys_help = false)) }
            { replay_bar }
            { fork_bar(&m, &act) }
        </>
    };
    if let Some(waiting) = waiting {
        return html! { <main class={classes!("app", P::KIND.name())}>{ top }{ waiting }</main> };
    }
    let links = view::links(&m);

    let n = m.scenario.nodes;
    let menu = m.menu.filter(|&x| x < n).map(|x| {
        let place = m.sim.cluster().protocol.places(n as usize).and_then(|pl| pl.get(x as usize).copied());
        let (px, py) = match place {
            Some(place) => place_pct(place, P::PICTURE_PAD, P::PICTURE_PAD_Y),
            None => position_pct(x as usize, n as usize, P::PICTURE_PAD, P::PICTURE_PAD_Y, P::PICTURE_TURN),
        };
        let on_pick = act.on(move |m, key: &'static str| m.menu_action(x, key));
        html! {
            <NodeMenu title={view::menu_title(&m, x)} x={px} y={py} items={view::menu_items(&m, x)} {on_pick} />
        }
    });
    // While playing, the panels are drawn only every PANEL_DRAW_MS; in between, each `Frozen`
    // keeps what it drew and nothing of it is built.
    let (version, fresh) = {
        let mut c = clock.borrow_mut();
        let now = now_ms();
        let fresh =
            !m.playing || std::mem::take(&mut *acted.borrow_mut()) || now - c.drawn_at >= PANEL_DRAW_MS;
        if fresh {
            c.version += 1;
            c.drawn_at = now;
        }
        (c.version, fresh)
    };
    let panels = |draw: &dyn Fn() -> Html| html! { <Frozen {version}>{ if fresh { draw() } else { Html::default() } }</Frozen> };
    let live = !m.violated();
    let writes = P::KIND.takes_writes();
    let (min_nodes, max_nodes) = P::KIND.node_range();
    let damaged = m.sim.network().blocked().next().is_some();

    html! {
        <main class={classes!("app", P::KIND.name())}>
            { top }
            <div class="grid">
                <section class="card stage">
                    <Cluster nodes={view::nodes(&m)} messages={view::messages(&m)} cuts={view::cuts(&m)} links={links}
                        drops={view::drops(&m)} on_node={live.then(|| act.on(|m, x: NodeId| m.open_menu(x)))}
                        on_link={live.then(|| act.on(|m, (a, b): (u8, u8)| m.toggle_link(a, b)))}
                        on_background={act.on(|m, ()| m.menu = None)} pad={P::PICTURE_PAD} pad_y={P::PICTURE_PAD_Y}
                        turn={P::PICTURE_TURN} places={m.sim.cluster().protocol.places(n as usize)}
                        label={trf!("{picture_label}: click a node for actions, a link to cut or mend it", "{picture_label}：点击节点执行操作，点击链路切断或修复")}>
                        { for menu }
                    </Cluster>
                    { scrub(&m, &act) }
                    { panels(&|| html! { <><Legend items={legend(&m)} />{ P::under_picture(&m) }</> }) }
                </section>
                { panels(&|| html! {
                    <section class={classes!("card", "diagram-card", m.show_diagram.then_some("first"))} data-testid="diagram-card">
                        <h2>{ tr!("Space-time diagram", "时空图") }<span class="muted">{ tr!(" — every message, send to delivery", " — 每条消息，从发送到送达") }</span></h2>
                        { diagram_card(&m, &act, false) }
                    </section>
                }) }
                <aside class="side">{ panels(&|| html! { <>
                    <Invariants names={P::INVARIANTS.to_vec()} steps={steps} violation={view::violation(&m)} unjudged={view::unjudged(&m)}>
                        { P::verdict_note(&m) }
                    </Invariants>
                    { super::check::card(&m, &act) }
                    <section class="card">
                        <h2>{ if writes { tr!("Network & clients", "网络与客户端") } else { tr!("Network", "网络") } }</h2>
                        <NetworkPanel
                            on_write={writes.then(|| act.on(|m, ()| m.client_write()))}
                            write_hint={P::write_target(&m).1}
                            on_heal={act.on(|m, ()| m.inject(Fault::Heal))}
                            damaged={damaged}
                            loss_ppm={m.loss_ppm()}
                            on_loss={act.on(|m, ppm: u32| m.set_loss(ppm))}
                            selected={m.selected.iter().copied().collect::<Vec<_>>()}
                            nodes={n}
                            on_partition={act.on(|m, ()| m.partition_selected())}
                            on_clear={act.on(|m, ()| m.selected.clear())}
                            disabled={!live} />
                    </section>
                    <section class="card">
                        <h2>{ tr!("Scenario", "场景") }</h2>
                        <Settings protocol={P::TITLE.get()} presets={view::presets::<P>()} current={m.preset().map(|p| p.id)}
                            on_preset={act.on(|m, id: &'static str| m.load_preset(id))}
                            nodes={n} min_nodes={min_nodes} max_nodes={max_nodes}
                            on_nodes={act.on(|m, k: u8| m.set_nodes(k))}
                            bugs={view::bugs(&m)}
                            on_bug={act.on(|m, name: &'static str| m.toggle_bug(name))}>
                            { P::settings(&m, &act) }
                        </Settings>
                    </section>
                </> }) }</aside>
                { panels(&|| P::detail(&m, &act)) }
                { panels(&|| html! {
                    <section class="card notes-card">
                        <h2>{ tr!("Notes", "事件记录") }<span class="muted">{ tr!(" — newest first", " — 最新在前") }</span></h2>
                        <Notes notes={view::notes(&m)} />
                    </section>
                }) }
            </div>
        </main>
    }
}

/// Time travel's slider under the picture.
fn scrub<P: Playground>(m: &Model<P>, act: &Act<P>) -> Html {
    let (last, end) = m.frontier();
    scrubber(ScrubberProps {
        now: m.sim.now(),
        step: m.sim.steps(),
        end,
        last,
        in_past: m.in_past(),
        landing_ms: m.landing_ms,
        on_time: act.on(|m, t| {
            let start = now_ms();
            m.travel_to_time(t);
            m.landing_ms = Some(now_ms() - start);
        }),
        on_back: act.on(|m, ()| m.step_back()),
        on_forward: act.on(|m, ()| m.step()),
        on_live: act.on(|m, ()| m.back_to_frontier()),
    })
}

/// The diagram of this run, with its controls.
fn diagram_card<P: Playground>(m: &Model<P>, act: &Act<P>, compact: bool) -> Html {
    let v = super::diagram::view(m);
    let protocol = &m.sim.cluster().protocol;
    let hover = m.diagram.hover.and_then(|id| {
        let said = super::diagram::describe_arrow(m.history.arrow(id)?, |x| protocol.node_name(x));
        Some(match m.hover_detail() {
            Some(detail) => format!("{said} — {detail}"),
            None => said,
        })
    });
    let mut nodes: Vec<(NodeId, String, bool)> =
        (0..m.scenario.nodes).map(|n| (n, protocol.node_name(n), !m.diagram.hidden.contains(&n))).collect();
    if P::KIND.takes_writes() {
        let c = super::history::CLIENTS;
        nodes.push((c, tr!("clients", "客户端").into(), !m.diagram.hidden.contains(&c)));
    }
    let compare = (!compact).then(|| compare_panel(m, act));
    let main = diagram(DiagramProps {
        view: &v,
        hover,
        follow: m.diagram.end.is_none(),
        hide_routine: m.diagram.hide_routine,
        only: m.diagram.only,
        nodes,
        act: DiagramActions {
            travel: act.on(|m, step| m.travel_to_step(step)),
            time: act.on(|m, t| m.travel_to_time(t)),
            hover: act.on(|m, id| m.hover(id)),
            zoom: act.on(|m, f| {
                let now = m.sim.now();
                m.diagram.zoom(f, now)
            }),
            pan: act.on(|m, f| {
                let now = m.sim.now();
                m.diagram.pan(f, now)
            }),
            follow: act.on(|m, ()| m.diagram.end = None),
            routine: act.on(|m, on| m.diagram.hide_routine = on),
            only: act.on(|m, label: String| m.show_only(&label)),
            node: act.on(|m, n| m.toggle_lane(n)),
            trace: act.on(|m, ()| {
                crate::url::download(&format!("{}-trace.txt", P::KIND.name()), "text/plain", &m.text_trace());
            }),
        },
        compact,
        id: "diagram-svg",
    });
    html! { <>{ main }{ for compare }</> }
}

/// Compare runs: the same seed and faults with one bug switch flipped, its diagram under this
/// one, and the first event where they part.
fn compare_panel<P: Playground>(m: &Model<P>, act: &Act<P>) -> Html {
    if P::BUGS.is_empty() {
        return Html::default();
    }
    let current = m.compare.as_ref().map(|c| c.bug);
    let options = P::BUGS.iter().map(|&(name, what)| {
        let what = crate::i18n::zh_core::text(what);
        let state = if m.bug_on(name) { tr!("off", "关闭") } else { tr!("on", "开启") };
        html! { <option value={name} selected={current == Some(name)}>{ trf!("{name} {state} — {what}", "{state} {name}：{what}") }</option> }
    });
    let onchange = act.on(|m, e: Event| {
        use wasm_bindgen::JsCast;
        if let Some(s) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
            m.compare_with(&s.value());
        }
    });
    let body = m.compare.as_ref().map(|c| {
        let state = if c.on { tr!("on", "开启") } else { tr!("off", "关闭") };
        let bug = c.bug;
        let what = match &c.diverged {
            Some(d) => {
                let (at, step) = (super::view::fmt_time(d.time), d.step);
                let stopped = tr!("nothing (it had stopped)", "无（它已停止）");
                let (ours, theirs) = (d.ours.as_deref().unwrap_or(stopped), d.theirs.as_deref().unwrap_or(stopped));
                html! {
                    <p data-testid="divergence" data-step={d.step.to_string()} data-time={d.time.to_string()}>
                        <strong>{ trf!("The runs part at {at} (event {step}). ", "两次运行在 {at}（事件 {step}）出现分歧。") }</strong>
                        { trf!("This run: {ours}. With {bug} {state}: {theirs}.", "本次运行：{ours}。{state} {bug} 时：{theirs}。") }
                    </p>
                }
            }
            None => {
                let until = super::view::fmt_time(c.now);
                html! {
                    <p data-testid="divergence" data-step="none">
                        { trf!("Up to {until}, the run with {bug} {state} does exactly what this one does.",
                            "到 {until} 为止，{state} {bug} 的运行与本次运行完全一致。") }
                    </p>
                }
            }
        };
        let picture = super::diagram::compared(m).map(|v| {
            // Its steps are the other run's: a click travels by time only.
            let acts = DiagramActions {
                travel: Callback::noop(),
                time: act.on(|m, t| m.travel_to_time(t)),
                hover: Callback::noop(),
                zoom: act.on(|m, f| {
                    let now = m.sim.now();
                    m.diagram.zoom(f, now)
                }),
                pan: Callback::noop(),
                follow: Callback::noop(),
                routine: Callback::noop(),
                only: Callback::noop(),
                node: Callback::noop(),
                trace: Callback::noop(),
            };
            crate::widgets::diagram::picture(&v, &acts, "diagram-compare")
        });
        html! {
            <>
                { what }
                <h3 class="compare-title">{ trf!("With {bug} {state}", "{state} {bug} 时") }</h3>
                { for picture }
            </>
        }
    });
    html! {
        <div class="compare" data-testid="compare">
            <label>{ tr!("Compare with the same run, bug switch ", "与同一次运行对比，翻转缺陷开关 ") }
                <select data-testid="compare-bug" {onchange} aria-label={tr!("bug switch to flip", "要翻转的缺陷开关")}>
                    <option value="" selected={current.is_none()}>{ tr!("— none —", "— 无 —") }</option>
                    { for options }
                </select>
            </label>
            { for body }
        </div>
    }
}

/// After a fault clicked in the past: where the run forked, and what went.
fn fork_bar<P: Playground>(m: &Model<P>, act: &Act<P>) -> Html {
    let Some(f) = m.fork else { return Html::default() };
    let cut = match f.cut {
        0 => String::new(),
        1 => tr!(" and the 1 scripted fault after it", "以及其后的 1 个脚本故障").to_owned(),
        n => trf!(" and the {n} scripted faults after it", "以及其后的 {n} 个脚本故障"),
    };
    let (at, until) = (replay::secs(f.at), replay::secs(f.dropped_until));
    html! {
        <section class="card fork-bar" data-testid="fork" data-at={f.at.to_string()} data-cut={f.cut.to_string()} role="status">
            <span><strong>{ trf!("Forked at {at}.", "已在 {at} 分叉。") }</strong>
            { trf!(
                " A fault clicked in the past starts a new run from there: the old run from {at} to {until}{cut} are gone, \
                 and the link now replays the new run.",
                "在过去的时刻注入故障会从那里开始一次新的运行：旧运行从 {at} 到 {until} 的部分{cut}都已丢弃，\
                 链接现在回放的是新的运行。") }</span>
            <button class="link-button" aria-label={tr!("dismiss", "关闭")} data-testid="fork-dismiss"
                onclick={act.on(|m, _: MouseEvent| m.fork = None)}>{ "✕" }</button>
        </section>
    }
}

/// The replay's progress bar and Cancel while a link runs to its `t=`; afterwards, if it stopped
/// early, where and why.
fn replay_bar<P: Playground>(m: &Model<P>, act: &Act<P>) -> Html {
    let (Some(r), Some((target, done))) = (m.replay, m.replay_progress()) else {
        return Html::default();
    };
    let now = m.sim.now();
    let pct = done * 100.0;
    let (at, to, whole) = (replay::secs(now), replay::secs(target), pct.floor());
    let (status, text, button) = match r.status {
        ReplayStatus::Running => (
            "running",
            trf!("Replaying to {to} … {whole:.0}%", "正在回放到 {to} … {whole:.0}%"),
            html! {
                <button class="small" data-testid="replay-cancel" onclick={act.on(|m, _: MouseEvent| m.cancel_replay())}>
                    { tr!("■ Cancel", "■ 取消") }</button>
            },
        ),
        ReplayStatus::Cancelled => (
            "cancelled",
            trf!(
                "Replay cancelled at {at} of {to} ({whole:.0}%): paused there. Press play to run on from here.",
                "回放在 {at}（共 {to}，{whole:.0}%）处取消，已暂停在那里。按运行可从这里继续。"
            ),
            html! {},
        ),
        ReplayStatus::Limit => {
            let events = replay::thousands(m.sim.steps());
            (
                "limit",
                trf!(
                    "Replay stopped at {at} of {to}: this run made {events} simulator events, more than a link may replay. \
                     Paused there.",
                    "回放在 {at}（共 {to}）处停止：这次运行产生了 {events} 个模拟器事件，超过了链接允许回放的上限。\
                     已暂停在那里。"
                ),
                html! {},
            )
        }
    };
    let dismiss = (r.status != ReplayStatus::Running).then(|| {
        html! {
            <button class="link-button" aria-label={tr!("dismiss", "关闭")} data-testid="replay-dismiss"
                onclick={act.on(|m, _: MouseEvent| m.dismiss_replay())}>{ "✕" }</button>
        }
    });
    html! {
        <section class="card replay-bar" data-testid="replay" data-status={status} data-target={target.to_string()}
            data-time={now.to_string()} role="status">
            <div class="progress" data-status={status} role="progressbar" aria-label={tr!("replay", "回放")}
                aria-valuemin="0" aria-valuemax="100" aria-valuenow={format!("{:.0}", pct.floor())}>
                <div class="fill" style={format!("width: {pct:.1}%")}></div>
            </div>
            <span class="progress-text" data-testid="replay-text">{ text }</span>
            { button }
            { for dismiss }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::fresh_seed;

    #[test]
    fn fresh_seeds_are_short_and_new() {
        for s in [1, 7, 999_999, u64::MAX] {
            let f = fresh_seed(s);
            assert!((1..=999_999).contains(&f) && f != s);
        }
    }
}
