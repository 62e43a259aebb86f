//! The availability page (`/avail`, `?p=avail`): how many nines n replicas give, three ways —
//! the binomial formula, a Markov chain with limited repair crews, Monte Carlo — plus the
//! protocol itself measured in the simulator. Like the ring lab there is no clock: the scenario
//! *is* the URL, and every control changes it and restarts the computation.
//!
//! - [`model`]: the page state (scenario, curve, measured points, banner, hover); pure and
//!   natively tested.
//! - [`chart`]: the curves as SVG (geometry pure and tested); [`calc`] the nines calculator;
//!   [`controls`] the setup; [`export`] CSV and SVG downloads; [`format`] the numbers.
//!
//! Analytic points are drawn at once. Monte Carlo (and the measured runs) go in slices between
//! paints, with a progress bar and Cancel; a newer change makes a running loop stop (each loop
//! belongs to one `generation`).

pub mod calc;
pub mod chart;
pub mod controls;
pub mod export;
pub mod format;
pub mod model;

use crate::anim::now_ms;
use crate::playground::page::{Header, PageProps};
use crate::url;
use crate::widgets::banner::ErrorBanner;
use crate::widgets::controls::{share_button, share_callback, ShareButtonProps};
use crate::widgets::embed::EmbedButton;
use calc::{calculator, CalcProps};
use chart::{chart, Band, ChartData, ChartProps, Frame, Series, XKind};
use controls::{axis_title, measure_setup, setup, MeasureProps, SetupProps};
use halab_core::reliability::curve::Measurements;
use halab_core::reliability::Avail;
use halab_core::scenario::avail::Axis;
use model::{Action, AvailModel, Run};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use yew::prelude::*;

type Shared = Rc<RefCell<AvailModel>>;

/// Work per slice before the page yields to the browser (ms).
const SLICE_MS: f64 = 24.0;

pub const KOFN: &str = "#2f6fde";
pub const CTMC: &str = "#e67e00";
pub const MC: &str = "#1e9e5a";
pub const MEASURED: &str = "#c62a3a";
pub const BOUND: &str = "#8a94a6";

/// The main chart's data: k-of-n, the chain, and Monte Carlo with its band.
pub fn curve_data(m: &AvailModel) -> ChartData {
    let s = &m.curve.scenario;
    let pts = &m.curve.points;
    let crews = match s.crews {
        None => tr!("a crew per node", "每个节点一个修复组").to_owned(),
        Some(1) => tr!("1 repair crew", "1 个修复组").to_owned(),
        Some(c) => trf!("{c} repair crews", "{c} 个修复组"),
    };
    let crews = if s.axis == Axis::Crews {
        tr!("r crews (the x axis)", "r 个修复组（x 轴）").to_owned()
    } else {
        crews
    };
    let ran = |p: &&halab_core::reliability::curve::Point| p.monte_carlo.trials > 0;
    // A point that saw losses has a mean and a two-sided interval; one that saw none has only a
    // one-sided bound (at least this many nines), drawn as a triangle with the band above it.
    let mean: Vec<Option<Avail>> = pts
        .iter()
        .map(|p| Some(p).filter(ran).filter(|p| !p.monte_carlo.one_sided()).map(|p| p.monte_carlo.avail()))
        .collect();
    let bound: Vec<Option<Avail>> = pts
        .iter()
        .map(|p| Some(p).filter(ran).filter(|p| p.monte_carlo.one_sided()).map(|p| p.monte_carlo.bounds().0))
        .collect();
    let lo: Vec<Option<Avail>> =
        pts.iter().map(|p| Some(p).filter(ran).map(|p| p.monte_carlo.bounds().0)).collect();
    let hi: Vec<Option<Avail>> =
        pts.iter().map(|p| Some(p).filter(ran).map(|p| p.monte_carlo.bounds().1)).collect();
    let (x_kind, x_title, x_name) = match s.axis {
        Axis::Nodes => {
            let q = quorum_text(m);
            (XKind::Count, trf!("nodes n (quorum {q})", "节点数 n（法定人数：{q}）"), "n")
        }
        Axis::Crews => {
            let (n, k) = (s.n, s.k());
            (XKind::Count, trf!("repair crews r (n = {n}, k = {k})", "修复组数 r（n = {n}，k = {k}）"), "r")
        }
        Axis::Mttr => (
            XKind::Seconds,
            tr!("MTTR: mean time to repair a node (log scale)", "MTTR：节点的平均修复时间（对数刻度）")
                .to_owned(),
            "MTTR",
        ),
        Axis::Mtbf => (
            XKind::Seconds,
            tr!(
                "MTBF: mean time between failures of a node (log scale)",
                "MTBF：节点的平均故障间隔（对数刻度）"
            )
            .to_owned(),
            "MTBF",
        ),
    };
    let no_domains = if s.domains > 0 { tr!(" (no domains)", "（不含故障域）") } else { "" };
    let bound_name =
        tr!("no loss seen: 95% bound (at least this many nines)", "未见丢失：95% 界（至少这么多个九）");
    let band_name = tr!("95% confidence interval", "95% 置信区间");
    ChartData {
        xs: pts.iter().map(|p| p.x).collect(),
        x_kind,
        x_title,
        x_name,
        series: vec![
            Series {
                key: "kofn",
                name: if s.domains > 0 {
                    let d = s.domains;
                    trf!("k-of-n formula with {d} failure domains", "k-of-n 公式（{d} 个故障域）")
                } else {
                    tr!("k-of-n formula (independent repairs)", "k-of-n 公式（独立修复）").into()
                },
                colour: KOFN,
                dashed: false,
                dots: false,
                values: pts.iter().map(|p| Some(p.k_of_n)).collect(),
            },
            Series {
                key: "ctmc",
                name: trf!("Markov chain, {crews}{no_domains}", "马尔可夫链，{crews}{no_domains}"),
                colour: CTMC,
                dashed: true,
                dots: false,
                values: pts.iter().map(|p| Some(p.ctmc)).collect(),
            },
            Series {
                key: "mc",
                name: tr!("Monte Carlo mean", "蒙特卡洛均值").into(),
                colour: MC,
                dashed: false,
                dots: true,
                values: mean,
            },
        ]
        .into_iter()
        .chain(bound.iter().any(Option::is_some).then(|| Series {
            key: "mcbound",
            name: bound_name.into(),
            colour: MC,
            dashed: false,
            dots: true,
            values: bound,
        }))
        .collect(),
        band: Some(Band { colour: MC, name: band_name.into(), lo, hi }),
        linear: m.linear,
    }
}

/// The scenario's own x (its n, MTTR, MTBF or crews).
fn home_x(m: &AvailModel) -> f64 {
    let s = &m.scenario;
    match s.axis {
        Axis::Nodes => f64::from(s.n),
        Axis::Crews => f64::from(s.crews()),
        Axis::Mttr => s.mttr as f64,
        Axis::Mtbf => s.mtbf as f64,
    }
}

/// The point of the curve that is the scenario itself (its n, MTTR, MTBF or crews), if drawn.
pub fn home_index(m: &AvailModel) -> Option<usize> {
    let x = home_x(m);
    m.curve
        .points
        .iter()
        .enumerate()
        .min_by(|a, b| (a.1.x - x).abs().total_cmp(&(b.1.x - x).abs()))
        .map(|(i, _)| i)
}

fn quorum_text(m: &AvailModel) -> String {
    match m.scenario.quorum {
        None => tr!("majority", "过半数").into(),
        Some(q) => trf!("k = {q}, capped at n", "k = {q}，不超过 n"),
    }
}

/// The measured chart's data: the formula at the simulated MTBF/MTTR, the quorum bound of the
/// actual fault schedule, and the protocol's on-time writes.
pub fn measured_data(m: &Measurements, linear: bool) -> ChartData {
    let measured = |f: fn(&halab_core::reliability::measured::Measured) -> f64| -> Vec<Option<Avail>> {
        m.points
            .iter()
            .map(|p| p.measured.as_ref().filter(|x| x.writes > 0).map(|x| Avail::from_up(f(x))))
            .collect()
    };
    ChartData {
        xs: m.points.iter().map(|p| f64::from(p.n)).collect(),
        x_kind: XKind::Count,
        x_title: tr!("nodes n (majority quorum)", "节点数 n（法定人数：过半数）").into(),
        x_name: "n",
        series: vec![
            Series {
                key: "formula",
                name: tr!("k-of-n formula", "k-of-n 公式").into(),
                colour: KOFN,
                dashed: false,
                dots: false,
                values: m.points.iter().map(|p| Some(p.formula)).collect(),
            },
            Series {
                key: "bound",
                name: tr!("quorum up (this run's faults)", "法定人数在线（本次运行的故障）").into(),
                colour: BOUND,
                dashed: true,
                dots: false,
                values: measured(|x| x.quorum_bound),
            },
            Series {
                key: "measured",
                name: tr!("writes committed in 100 ms", "100 ms 内提交的写入").into(),
                colour: MEASURED,
                dashed: false,
                dots: true,
                values: measured(|x| x.availability),
            },
        ],
        band: None,
        linear,
    }
}

/// Resolves once the browser has had a chance to paint and handle input.
async fn yield_to_browser() {
    yew::platform::time::sleep(Duration::ZERO).await;
}

#[derive(Clone)]
struct Act {
    model: Shared,
    update: UseForceUpdateHandle,
}

impl Act {
    /// A callback running `f`, which says whether anything visible changed. A re-entrant event
    /// is ignored rather than panicking.
    fn on<E: 'static>(&self, f: impl Fn(&mut AvailModel, E) -> bool + 'static) -> Callback<E> {
        let act = self.clone();
        Callback::from(move |e: E| {
            let (redraw, query) = match act.model.try_borrow_mut() {
                Ok(mut m) => {
                    let redraw = f(&mut m, e);
                    (redraw, m.take_url_change())
                }
                Err(_) => return,
            };
            if let Some(q) = query {
                url::replace_query(&q);
            }
            if redraw {
                act.update.force_update();
            }
        })
    }

    /// Runs the background work of the current generation in slices, re-rendering after each;
    /// stops when it is done, cancelled or replaced by a newer change.
    fn run_later(&self) {
        let Ok(mut m) = self.model.try_borrow_mut() else { return };
        if m.run != Run::Running {
            return;
        }
        let generation = m.generation;
        m.started_ms = now_ms();
        drop(m);
        let (model, update) = (self.model.clone(), self.update.clone());
        yew::platform::spawn_local(async move {
            loop {
                yield_to_browser().await;
                let more = match model.try_borrow_mut() {
                    Ok(mut m) if m.generation == generation && m.run == Run::Running => {
                        let t0 = now_ms();
                        let mut more = true;
                        while more && now_ms() - t0 < SLICE_MS {
                            more = m.work();
                        }
                        if !more {
                            m.run = Run::Done(Some(now_ms() - m.started_ms));
                        }
                        more
                    }
                    Ok(_) => return,
                    // Busy in an event handler: try again after the next yield.
                    Err(_) => continue,
                };
                update.force_update();
                if !more {
                    return;
                }
            }
        });
    }

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

#[function_component(AvailPage)]
pub fn avail_page(props: &PageProps) -> Html {
    let model: Shared = {
        let q = props.query.clone();
        use_mut_ref(move || AvailModel::from_query(&q))
    };
    let act = Act { model: model.clone(), update: use_force_update() };
    let svg_ref = use_node_ref();
    let started = use_mut_ref(|| None::<u64>);
    {
        // A new generation (a change, or Resume) starts its loop once the analytic curves are in the DOM.
        let act = act.clone();
        use_effect(move || {
            let generation = act.model.try_borrow().map(|m| m.generation).ok();
            if generation.is_some() && *started.borrow() != generation {
                *started.borrow_mut() = generation;
                act.run_later();
            }
        });
    }
    // Narrow screens get a chart drawn in fewer units, so its text stays readable.
    let narrow = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < 560.0);

    let on_action = act.on(|m, a: Action| {
        m.act(a);
        true
    });
    let on_bad = act.on(|m, msg: String| {
        m.refuse(msg);
        true
    });
    let on_dismiss = act.on(|m, ()| {
        m.errors.clear();
        true
    });
    let on_hover = act.on(|m, i: Option<usize>| m.set_hover(i));
    let on_hover_measured = act.on(|m, i: Option<usize>| m.set_hover_measured(i));
    let on_cancel = act.on(|m, _: MouseEvent| {
        m.cancel();
        true
    });
    let on_resume = act.on(|m, _: MouseEvent| {
        m.resume();
        true
    });
    let on_linear = act.on(|m, linear: bool| {
        let changed = m.linear != linear;
        m.linear = linear;
        changed
    });
    let on_target = act.on(|m, t: f64| {
        m.set_target(t);
        true
    });
    let on_csv = {
        let model = model.clone();
        Callback::from(move |_: MouseEvent| {
            if let Ok(m) = model.try_borrow() {
                let name = format!("availability-{}.csv", m.scenario.axis.name());
                crate::url::download(&name, "text/csv", &export::curve_csv(&m.curve));
            }
        })
    };
    let on_measured_csv = {
        let model = model.clone();
        Callback::from(move |_: MouseEvent| {
            if let Ok(m) = model.try_borrow() {
                if let Some(ms) = &m.measurements {
                    crate::url::download("availability-measured.csv", "text/csv", &export::measured_csv(ms));
                }
            }
        })
    };
    let on_svg = {
        let svg_ref = svg_ref.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = svg_ref.cast::<web_sys::Element>() {
                crate::url::download(
                    "availability.svg",
                    "image/svg+xml",
                    &export::svg_file(&el.outer_html()),
                );
            }
        })
    };

    let m = model.borrow();
    let s = &m.scenario;
    let data = curve_data(&m);
    let frame = if narrow { Frame::NARROW } else { Frame::WIDE };
    let label = {
        let (axis, n) = (axis_title(s.axis), s.n);
        trf!("availability against {axis} for {n} nodes", "{n} 个节点的可用性随 {axis} 的变化")
    };
    let chart = chart(&ChartProps {
        data: data.clone(),
        frame,
        testid: "avail-chart".into(),
        label: label.into(),
        hover: m.hover,
        home: home_index(&m),
        on_hover,
        svg_ref: svg_ref.clone(),
    });
    let banner = html! { <ErrorBanner errors={m.errors.clone()} {on_dismiss} /> };
    let (done, total) = m.mc_progress();
    let pct = |d: u64, t: u64| if t == 0 { 100.0 } else { d as f64 * 100.0 / t as f64 };
    let elapsed = match m.run {
        Run::Done(Some(ms)) => {
            let secs = ms / 1e3;
            trf!(" in {secs:.1} s", "，用时 {secs:.1} s")
        }
        _ => String::new(),
    };
    let status = match m.run {
        Run::Running => "running",
        Run::Cancelled => "cancelled",
        Run::Done(_) => "done",
    };
    let (share, done_text, total_text) =
        (pct(done, total).floor(), format::thousands(done), format::thousands(total));
    let progress = html! {
        <div class="progress-row">
            <div class="progress" data-testid="progress" data-done={done.to_string()} data-total={total.to_string()}
                data-status={status} data-ms={match m.run { Run::Done(Some(ms)) => Some(format!("{ms:.1}")), _ => None }}
                role="progressbar" aria-label={tr!("measured runs", "已测量的运行")} aria-valuemin="0" aria-valuemax="100"
                aria-valuenow={format!("{:.0}", pct(done, total))}>
                <div class="fill" style={format!("width: {:.1}%", pct(done, total))}></div>
            </div>
            <span class="progress-text">
                { trf!("Monte Carlo {share:.0}% · {done_text} of {total_text} trials", "蒙特卡洛 {share:.0}% · {total_text} 次试验中已完成 {done_text} 次") }
                { if let Some((d, t)) = m.measured_progress() { let p = pct(d, t).floor(); trf!(" · measured {p:.0}%", " · 实测 {p:.0}%") } else { String::new() } }
                { if m.run == Run::Cancelled { tr!(" · cancelled", " · 已取消").to_owned() } else if matches!(m.run, Run::Done(_)) { trf!(" · done{elapsed}", " · 完成{elapsed}") } else { String::new() } }
            </span>
            if m.run == Run::Running {
                <button class="small" data-testid="cancel" onclick={on_cancel}>{ tr!("■ Cancel", "■ 取消") }</button>
            } else if m.run == Run::Cancelled {
                <button class="small" data-testid="resume" onclick={on_resume}>{ tr!("▶ Resume", "▶ 继续") }</button>
            }
        </div>
    };
    let clamped = chart::Geometry::new(&data, frame).clamped;
    let note = clamped.then(|| {
        html! {
            <p class="caption muted" data-testid="clamp-note">{ { let max = chart::MAX_NINES; trf!(
                "Values beyond {max} nines are drawn on the {max}-nines line (hollow; the read-out gives the true value). Triangles are Monte Carlo points that saw no quorum loss: only a 95% bound is known, and the band runs from it upward.",
                "超过 {max} 个九的值画在 {max} 个九的线上（空心；读数给出真实值）。三角形是未见法定人数丢失的蒙特卡洛点：只知道一个 95% 界，阴影带从它向上延伸。") } }</p>
        }
    });
    let scale = html! {
        <span class="chips" role="group" aria-label={tr!("y axis", "y 轴")}>
            <button class={classes!("chip-button", (!m.linear).then_some("on"))} data-testid="y-nines"
                onclick={on_linear.reform(|_: MouseEvent| false)}>{ tr!("nines", "几个九") }</button>
            <button class={classes!("chip-button", m.linear.then_some("on"))} data-testid="y-linear"
                onclick={on_linear.reform(|_: MouseEvent| true)}>{ tr!("linear", "线性") }</button>
        </span>
    };

    if m.embed {
        let full = url::absolute(&m.query().replace("&embed=1", ""));
        return html! {
            <main class="embed avail">
                { banner }
                <div class="embed-bar">
                    <span class="muted avail-embed-title">{ { let (axis, n) = (axis_title(s.axis), s.n);
                        let mtbf = halab_core::scenario::avail::format_time(s.mtbf);
                        let mttr = halab_core::scenario::avail::format_time(s.mttr);
                        trf!("Availability vs {axis} · n = {n}, MTBF {mtbf}, MTTR {mttr}", "可用性随 {axis} 的变化 · n = {n}，MTBF {mtbf}，MTTR {mttr}") } }</span>
                    <span class="muted" data-testid="progress" data-done={done.to_string()} data-total={total.to_string()} data-status={status}>
                        { if m.run == Run::Running { trf!("Monte Carlo {share:.0}%", "蒙特卡洛 {share:.0}%") } else { String::new() } }</span>
                    <a class="open-full" href={full} target="_blank" rel="noopener">{ "HA Lab ↗" }</a>
                </div>
                <div class="avail-figure">{ chart }</div>
            </main>
        };
    }

    let calc = m.calc.clone();
    let sla = calc::Sla {
        ppm: s.sla_ppm,
        window: s.horizon,
        estimate: m
            .curve
            .points
            .iter()
            .position(|p| p.x == home_x(&m))
            .map(|i| m.curve.points[i].monte_carlo)
            .unwrap_or_default(),
    };
    let measured = m.measurements.as_ref().map(|ms| {
        let data = measured_data(ms, m.linear);
        let proto = if s.protocol == halab_core::scenario::ProtocolKind::Raft { "Raft" } else { "Multi-Paxos" };
        let mtbf = halab_core::scenario::units::format_duration(s.sim_mtbf);
        let mttr = halab_core::scenario::units::format_duration(s.sim_mttr);
        html! {
            <>
                <p class="caption muted">{ trf!("{proto} with MTBF {mtbf} and MTTR {mttr} per node, 300 s per run. These are simulated seconds, not hours: \
                    the formula is drawn at the same MTBF and MTTR, and the gap is what leader elections cost. The grey line is the best \
                    any protocol could do on this run's fault schedule.",
                    "{proto}，每个节点 MTBF {mtbf}、MTTR {mttr}，每次运行 300 s。这些是模拟的秒而不是小时：\
                    公式按相同的 MTBF 和 MTTR 绘制，两者之差就是领导者选举的代价。灰线是任何协议在本次运行的\
                    故障安排下所能达到的最好结果。") }</p>
                { chart::chart(&ChartProps {
                    data,
                    frame: if narrow { Frame::NARROW } else { Frame::SMALL },
                    testid: "measured-chart".into(),
                    label: tr!("measured availability of the protocol against the formula", "协议的实测可用性与公式的对比").into(),
                    hover: m.hover_measured,
                    home: (1..=9).contains(&s.n).then(|| s.n as usize - 1),
                    on_hover: on_hover_measured,
                    svg_ref: NodeRef::default(),
                }) }
                <div class="toolbar">
                    <button class="small" data-testid="export-measured-csv" onclick={on_measured_csv}>{ tr!("↓ CSV", "↓ 下载 CSV") }</button>
                </div>
            </>
        }
    });

    html! {
        <main class="app avail">
            <Header current={Some("avail")}>
                <p class="lede">
                    { tr!("How many nines do n replicas give you? Three answers side by side: the binomial formula, a Markov \
                       chain with limited repair crews, and Monte Carlo — plus the protocol itself measured in the simulator.",
                       "n 个副本能给你几个九？三种答案并排对比：二项式公式、修复组有限的马尔可夫链，以及蒙特卡洛 —— \
                       再加上在模拟器中实测的协议本身。") }
                </p>
            </Header>
            { banner }
            <section class="card bar">
                <div class="toolbar">
                    { share_button(&ShareButtonProps {
                        on_share: act.share(),
                        share: m.share.clone(),
                        title: tr!(
                            "copy a link to exactly this setup: nodes, quorum, MTBF, MTTR, crews, axis, trials",
                            "复制一个链接，完整复现此设置：节点数、法定人数、MTBF、MTTR、修复组、坐标轴、试验次数"
                        )
                        .into(),
                    }) }
                    <EmbedButton query={act.link()} title={tr!("HA Lab: how many nines", "HA Lab：几个九")} page="avail" />
                    <button data-testid="export-csv" onclick={on_csv}
                        title={tr!("download every point of the curve as CSV, full precision", "以 CSV 下载曲线上的每个点，全精度")}>{ tr!("↓ CSV", "↓ 下载 CSV") }</button>
                    <button data-testid="export-svg" onclick={on_svg}
                        title={tr!("download the chart as an SVG file", "将图表下载为 SVG 文件")}>{ tr!("↓ SVG", "↓ 下载 SVG") }</button>
                </div>
                { progress }
            </section>
            <div class="avail-grid">
                <section class="card avail-stage">
                    <div class="chart-head">
                        <h2>{ { let axis = axis_title(s.axis); trf!("Availability vs {axis}", "可用性随 {axis} 的变化") } }</h2>
                        { scale }
                    </div>
                    <div class="avail-figure">{ chart }</div>
                    { for note }
                </section>
                <aside class="side">
                    <section class="card">
                        <h2>{ tr!("Nines calculator", "几个九计算器") }</h2>
                        { calculator(&CalcProps {
                            calc,
                            sla,
                            on_target,
                            on_mission: on_action.reform(Action::Mission),
                            on_sla: on_action.reform(Action::Sla),
                            on_bad: on_bad.clone(),
                        }) }
                    </section>
                    <section class="card">
                        <h2>{ tr!("Setup", "设置") }</h2>
                        { setup(&SetupProps { scenario: s.clone(), on_action: on_action.clone(), on_bad: on_bad.clone() }) }
                    </section>
                </aside>
                <section class="card measured-card">
                    <h2>{ tr!("The protocol itself", "协议本身") }<span class="muted">{ tr!(" — measured in the simulator", " — 在模拟器中实测") }</span></h2>
                    { measure_setup(&MeasureProps { scenario: s.clone(), on_action, on_bad }) }
                    { for measured }
                </section>
            </div>
        </main>
    }
}

#[cfg(test)]
mod tests;
