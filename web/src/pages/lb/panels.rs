//! The service lab's cards: the live charts (requests per second, latency percentiles, each
//! backend's share) with marks where a fault hit or the service changed shape, the backends
//! table, the explainer, and the settings.

use super::view::{ms, status_words, BackendRow};
use crate::widgets::controls::choice;
use halab_core::lb::meter::{Availability, Bin, Mark, MarkKind, BIN, SLO};
use halab_core::protocol::{Micros, MS, SEC};
use halab_core::scenario::lb::{Algo, LbParams, PairMode, ServiceDist};
use halab_core::scenario::units::format_duration;
use std::collections::VecDeque;
use yew::prelude::*;

const CHART_W: f64 = 560.0;
const CHART_H: f64 = 120.0;
/// Room for the y axis's labels on the left.
const AXIS: f64 = 44.0;

/// One line of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// What `data-series` says, the same in every language.
    pub key: String,
    /// What the legend and the tooltip say.
    pub name: String,
    pub class: String,
    pub points: Vec<(Micros, f64)>,
}

/// A vertical mark across a chart: a fault, an ejection, a failover.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartMark {
    pub at: Micros,
    pub class: &'static str,
    pub title: String,
}

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub testid: &'static str,
    pub title: &'static str,
    pub series: Vec<Series>,
    pub marks: Vec<ChartMark>,
    /// The time the x axis spans.
    pub from: Micros,
    pub to: Micros,
    /// Log scale (latency), else linear from 0.
    #[prop_or_default]
    pub log: bool,
    pub unit: Unit,
}

/// How a chart's axis reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    PerSec,
    Latency,
}

impl Unit {
    fn text(self, v: f64) -> String {
        match self {
            Unit::PerSec => per_sec(v),
            Unit::Latency => ms(v as Micros),
        }
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// A small line chart in plain SVG.
#[function_component(Chart)]
pub fn chart(p: &ChartProps) -> Html {
    let span = p.to.saturating_sub(p.from).max(1) as f64;
    let x = |t: Micros| AXIS + (t.saturating_sub(p.from) as f64 / span) * (CHART_W - AXIS - 4.0);
    let values = || p.series.iter().flat_map(|s| s.points.iter().map(|pt| pt.1)).filter(|v| !v.is_nan());
    let max = values().fold(0.0, f64::max);
    let (lo, hi) = if p.log {
        let min = p
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|pt| pt.1))
            .filter(|v| *v > 0.0)
            .fold(f64::MAX, f64::min);
        let lo = if min == f64::MAX { 1.0 } else { min.max(1.0) };
        (lo.log10().floor(), max.max(lo * 10.0).log10().ceil())
    } else {
        (0.0, nice(max.max(10.0)))
    };
    let y = |v: f64| {
        let f =
            if p.log { (v.max(10f64.powf(lo)).log10() - lo) / (hi - lo).max(1e-9) } else { v / hi.max(1e-9) };
        CHART_H - 14.0 - f.clamp(0.0, 1.0) * (CHART_H - 24.0)
    };
    let ticks: Vec<f64> = if p.log {
        (lo as i32..=hi as i32).map(|e| 10f64.powi(e)).collect()
    } else {
        vec![0.0, hi / 2.0, hi]
    };
    let grid = ticks.iter().map(|&t| {
        html! {
            <g class="tick">
                <line x1={fmt(AXIS)} x2={fmt(CHART_W - 4.0)} y1={fmt(y(t))} y2={fmt(y(t))} />
                <text x={fmt(AXIS - 4.0)} y={fmt(y(t) + 4.0)}>{ p.unit.text(t) }</text>
            </g>
        }
    });
    // A bin without a value (no success to time) breaks the line rather than drawing a zero.
    let lines = p.series.iter().map(|s| {
        let runs = s.points.split(|pt| pt.1.is_nan()).filter(|run| !run.is_empty()).map(|run| {
            let pts: Vec<String> = run.iter().map(|&(t, v)| format!("{},{}", fmt(x(t)), fmt(y(v)))).collect();
            html! { <polyline class={classes!("series", s.class.clone())} points={pts.join(" ")}><title>{ s.name.clone() }</title></polyline> }
        });
        let last = s.points.iter().rev().find(|p| !p.1.is_nan()).map(|p| format!("{:.1}", p.1)).unwrap_or_default();
        html! { <g data-series={s.key.clone()} data-last={last}>{ for runs }</g> }
    });
    let marks = p.marks.iter().filter(|m| m.at >= p.from && m.at <= p.to).map(|m| {
        html! {
            <line class={classes!("mark", m.class)} x1={fmt(x(m.at))} x2={fmt(x(m.at))} y1="2" y2={fmt(CHART_H - 14.0)}
                data-kind={m.class}><title>{ m.title.clone() }</title></line>
        }
    });
    let legend = p.series.iter().map(|s| {
        html! { <span class={classes!("key", s.class.clone())}><i></i>{ s.name.clone() }</span> }
    });
    html! {
        <figure class="lb-chart" data-testid={p.testid}>
            <figcaption><b>{ p.title }</b>{ for legend }</figcaption>
            <svg viewBox={format!("0 0 {CHART_W} {CHART_H}")} role="img" aria-label={p.title}>
                { for grid }
                { for marks }
                { for lines }
                { for time_ticks(p.from, p.to).into_iter().map(|t| html! {
                    <g class="xtick">
                        <line x1={fmt(x(t))} x2={fmt(x(t))} y1={fmt(CHART_H - 14.0)} y2={fmt(CHART_H - 11.0)} />
                        <text x={fmt(x(t))} y={fmt(CHART_H - 2.0)}>{ format!("{} s", t / SEC) }</text>
                    </g>
                }) }
            </svg>
        </figure>
    }
}

/// Whole seconds to mark on a time axis: every 1, 2, 5, 10 or 20 s, about six of them.
fn time_ticks(from: Micros, to: Micros) -> Vec<Micros> {
    let span = to.saturating_sub(from).max(1);
    let step = [1, 2, 5, 10, 20, 60].into_iter().map(|k| k * SEC).find(|s| span / s <= 7).unwrap_or(60 * SEC);
    (from.div_ceil(step)..=to / step).map(|k| k * step).collect()
}

fn secs(t: Micros) -> String {
    format!("{:.1} s", t as f64 / 1e6)
}

/// A round number at or above `v` (1, 2 or 5 × a power of ten).
fn nice(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * p).find(|&c| c >= v).unwrap_or(10.0 * p)
}

fn per_sec(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.1}k/s", v / 1000.0)
    } else {
        format!("{v:.0}/s")
    }
}

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    pub bins: Vec<Bin>,
    pub marks: Vec<Mark>,
    /// The scripted faults, as (instant, words).
    pub faults: Vec<(Micros, String)>,
    pub labels: Vec<String>,
    pub now: Micros,
}

/// The three live charts over the meter's window.
#[function_component(Charts)]
pub fn charts(p: &ChartsProps) -> Html {
    let to = p.now.max(BIN);
    let from = p.bins.first().map_or(0, |b| b.end.saturating_sub(BIN)).min(to.saturating_sub(BIN));
    let rate = BIN as f64 / SEC as f64;
    let series = |key: &str, name: &str, class: &str, f: &dyn Fn(&Bin) -> f64| Series {
        key: key.to_owned(),
        name: name.to_owned(),
        class: class.to_owned(),
        points: p.bins.iter().map(|b| (b.end, f(b))).collect(),
    };
    let mut marks: Vec<ChartMark> = p
        .faults
        .iter()
        .map(|(at, text)| ChartMark { at: *at, class: "fault", title: format!("{}: {text}", secs(*at)) })
        .collect();
    marks.extend(p.marks.iter().map(|m| ChartMark {
        at: m.at,
        class: match m.kind {
            MarkKind::Ejection => "ejection",
            MarkKind::Failover => "failover",
            MarkKind::Replacement => "replacement",
        },
        title: format!("{}: {}", secs(m.at), crate::i18n::zh_core::msg(&m.text)),
    }));
    // Throughput is every request that ended, goodput those that succeeded.
    let throughput = vec![
        series("throughput", tr!("throughput", "吞吐量"), "all", &|b| b.ended() as f64 / rate),
        series("succeeded", tr!("succeeded", "成功"), "ok", &|b| b.ok as f64 / rate),
        series("failed", tr!("failed", "失败"), "bad", &|b| (b.errors + b.timeouts) as f64 / rate),
    ];
    let timed = |q: usize| move |b: &Bin| if b.ok == 0 { f64::NAN } else { b.latency[q] as f64 };
    let lat = vec![
        series("p50", "p50", "p50", &timed(0)),
        series("p95", "p95", "p95", &timed(1)),
        series("p99", "p99", "p99", &timed(2)),
    ];
    let share: Vec<Series> = p
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| Series {
            key: l.clone(),
            name: l.clone(),
            class: format!("b{}", i % 8),
            points: p
                .bins
                .iter()
                .map(|b| (b.end, b.routed.get(i).copied().unwrap_or(0) as f64 / rate))
                .collect(),
        })
        .collect();
    html! {
        <div class="lb-charts">
            <Chart testid="chart-throughput" title={tr!("requests per second (goodput: succeeded)", "每秒请求数（有效吞吐：成功的请求）")} series={throughput} marks={marks.clone()} {from} {to} unit={Unit::PerSec} />
            <Chart testid="chart-latency" title={tr!("latency of successes (log scale)", "成功请求的延迟（对数刻度）")} series={lat} marks={marks.clone()} {from} {to} log=true unit={Unit::Latency} />
            <Chart testid="chart-share" title={tr!("requests per second to each backend (retries included)", "发往各后端的每秒请求数（含重试）")} series={share} {marks} {from} {to} unit={Unit::PerSec} />
            <p class="lb-marks muted">
                <span class="mk fault"><i></i>{ tr!("a fault", "故障") }</span>
                <span class="mk ejection"><i></i>{ tr!("an ejection", "摘除") }</span>
                <span class="mk failover"><i></i>{ tr!("the VIP moved", "VIP 迁移") }</span>
                <span class="mk replacement"><i></i>{ tr!("a spare joined", "备用后端加入") }</span>
                { tr!(" — point at a mark for what it was", " — 指向标记可查看是什么") }
            </p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    pub ok: u64,
    pub failed: u64,
    pub open: usize,
    /// Overall latency percentiles of successes (p50, p99, p99.9).
    pub latency: [Micros; 3],
    pub retries: u64,
}

/// The run so far in a line of figures.
pub fn summary(p: &SummaryProps) -> Html {
    let ended = p.ok + p.failed;
    let rate = if ended == 0 { 100.0 } else { p.ok as f64 * 100.0 / ended as f64 };
    html! {
        <div class="lb-summary" data-testid="lb-summary" data-ok={p.ok.to_string()} data-failed={p.failed.to_string()}
            data-success={format!("{rate:.2}")}>
            <span><b>{ format!("{rate:.2}%") }</b>{ tr!(" succeeded", " 成功") }</span>
            <span><b>{ p.ok }</b>{ tr!(" ok", " 个成功") }</span>
            <span><b>{ p.failed }</b>{ tr!(" failed", " 个失败") }</span>
            <span><b>{ p.open }</b>{ tr!(" open", " 个未完成") }</span>
            <span>{ "p50 " }<b>{ ms(p.latency[0]) }</b></span>
            <span>{ "p99 " }<b>{ ms(p.latency[1]) }</b></span>
            <span>{ "p99.9 " }<b>{ ms(p.latency[2]) }</b></span>
            <span><b>{ p.retries }</b>{ tr!(" retries", " 次重试") }</span>
        </div>
    }
}

/// Bins the embed strip looks back over: the last 30 s.
const STRIP_BINS: usize = 120;
/// Bins its figures are taken over: the last 5 s.
const STRIP_RECENT: usize = 20;
const SPARK_W: f64 = 160.0;
const SPARK_H: f64 = 22.0;

/// Embed mode's line under the picture: the success rate and p99 of the last 5 s, and a
/// sparkline of the success rate over the last 30 s (one point per quarter-second bin).
pub fn embed_strip(bins: &VecDeque<Bin>) -> Html {
    let recent = || bins.range(bins.len().saturating_sub(STRIP_RECENT)..);
    let (ok, ended) = recent().fold((0, 0), |(o, e), b| (o + b.ok, e + b.ended()));
    if ended == 0 {
        return Html::default();
    }
    let rate = ok as f64 * 100.0 / ended as f64;
    let p99 = recent().filter(|b| b.ok > 0).map(|b| b.latency[2]).max().unwrap_or(0);
    let shown = bins.range(bins.len().saturating_sub(STRIP_BINS)..);
    let step = SPARK_W / (STRIP_BINS - 1) as f64;
    let x0 = SPARK_W - step * (shown.len().saturating_sub(1)) as f64;
    let points: Vec<String> = shown
        .enumerate()
        .filter(|(_, b)| b.ended() > 0)
        .map(|(i, b)| {
            let y = SPARK_H - 1.0 - (SPARK_H - 2.0) * b.ok as f64 / b.ended() as f64;
            format!("{:.1},{y:.1}", x0 + step * i as f64)
        })
        .collect();
    html! {
        <div class={classes!("lb-strip", (rate < 99.0).then_some("bad"))} data-testid="lb-strip" data-success={format!("{rate:.1}")}>
            <span><b>{ format!("{rate:.1}%") }</b>{ tr!(" succeeded, p99 ", " 成功，p99 ") }<b>{ ms(p99) }</b>{ tr!(" (last 5 s)", "（最近 5 s）") }</span>
            <svg class="spark" viewBox={format!("0 0 {SPARK_W} {SPARK_H}")} width={SPARK_W.to_string()} height={SPARK_H.to_string()}
                role="img" aria-label={tr!("success rate over the last 30 seconds", "最近 30 秒的成功率")}>
                <line class="full" x1="0" x2={SPARK_W.to_string()} y1="1" y2="1" />
                <polyline points={points.join(" ")} />
            </svg>
        </div>
    }
}

/// Availability two ways: what the users got, and what `/avail`'s k-of-n model predicts for
/// this pool from how long each backend was up.
pub fn availability(a: &Availability, labels: &[String]) -> Html {
    let pct = |x: f64| format!("{:.2}%", x * 100.0);
    let avail = format!("avail?n={}&q={}", a.n, a.k);
    let ups = labels
        .iter()
        .zip(&a.backend_up)
        .map(|(l, u)| format!("{l} {:.0}%", u * 100.0))
        .collect::<Vec<_>>()
        .join(tr!(", ", "、"));
    let slo = ms(SLO);
    let (balancers, k, n, up) = (pct(a.balancers), a.k, a.n, pct(a.up));
    html! {
        <div class="lb-avail" data-testid="lb-avail" data-measured={format!("{:.4}", a.measured)}
            data-succeeded={format!("{:.4}", a.succeeded)}
            data-predicted={format!("{:.4}", a.predicted)} data-k={a.k.to_string()} data-n={a.n.to_string()}>
            <h3>{ tr!("Availability", "可用性") }</h3>
            <p>
                <b>{ pct(a.measured) }</b>{ trf!(" of requests succeeded within {slo} (the SLO here), ", " 的请求在 {slo}（此处的 SLO）内成功，") }
                <b>{ pct(a.succeeded) }</b>{ tr!(" at all", " 最终成功") }
                <span class="muted">{ tr!(" — what the users got, over the quarter-seconds ended so far", " — 用户实际得到的，统计至今已结束的每个四分之一秒") }</span>
            </p>
            <p>
                <b>{ pct(a.predicted) }</b>{ trf!(
                    " predicted by the k-of-n model: a balancer up ({balancers}) and at least {k} of {n} backends up, each up {up} of the run on average ({ups})",
                    " 为 k-of-n 模型的预测：一个负载均衡器在线（{balancers}），且 {n} 个后端中至少 {k} 个在线；每个后端平均在线时间占运行的 {up}（{ups}）"
                ) }
                <span class="muted">{ tr!(" — see ", " — 参见") }<a href={avail}>{ tr!("the availability page", "可用性页面") }</a></span>
            </p>
            <p class="muted">{ tr!(
                "The model knows only up and down, and treats the backends alike and independent. It misses what users pay beyond that: the time to notice a failure (detection), to move the VIP (failover) and to warm a replacement up, and overload (a retry storm, a slow backend) with every host up. It can also be pessimistic: queues absorb a short dip below k backends, and ejection and health checks steer around a dead one.",
                "这个模型只知道在线和宕机，并把各后端视为相同且相互独立。它漏掉了用户在此之外付出的代价：发现故障的时间（检测）、迁移 VIP 的时间（故障转移）、让替换机预热的时间，以及所有主机都在线时的过载（重试风暴、慢后端）。它也可能偏悲观：队列能吸收短暂低于 k 个后端的时段，摘除和健康检查也会绕开宕机的后端。"
            ) }</p>
        </div>
    }
}

/// The backends as the serving balancer and the backends themselves see them; each row's weight
/// is a menu (`on_weight` gets the backend's index and its new weight).
pub fn backends_table(rows: &[BackendRow], on_weight: &Callback<(usize, u32)>) -> Html {
    let row = |(i, r): (usize, &BackendRow)| {
        let on = on_weight.reform(move |w: u32| (i, w));
        html! {
            <tr data-testid={format!("backend-{}", r.node)} data-status={r.status} data-routed={r.routed.to_string()}
                class={classes!((!r.up).then_some("down"))}>
                <th scope="row" title={{ let n = r.node; trf!("node {n}", "节点 {n}") }}>{ r.label.clone() }</th>
                <td class={classes!("host-status", r.status.replace(' ', "-"))}>{ status_words(r.status) }</td>
                <td>{ r.mode.clone() }</td>
                <td class="weight">{ choice(format!("weight-{}", r.node), tr!("weight", "权重"), WEIGHTS, r.weight, |w| w.to_string(), &on) }</td>
                <td>{ r.routed }</td>
                <td>{ r.outstanding }</td>
                <td>{ r.queued }</td>
                <td>{ r.served }</td>
                <td>{ r.refused }</td>
                <td>{ r.failed }</td>
                <td>{ r.ejections }</td>
            </tr>
        }
    };
    html! {
        <div class="table-wrap">
            <table class="lb-table" data-testid="backends">
                <caption>{ tr!(
                    "Backends: status, routed, in flight and ejected as the serving balancer sees them; the rest as they are",
                    "后端：状态、已路由、在途和被摘除次数是当前服务的负载均衡器所见；其余是后端自身的实际情况"
                ) }</caption>
                <thead><tr>
                    <th scope="col">{ tr!("backend", "后端") }</th><th scope="col">{ tr!("status", "状态") }</th><th scope="col">{ tr!("itself", "自身") }</th>
                    <th scope="col">{ tr!("weight", "权重") }</th>
                    <th scope="col">{ tr!("routed", "已路由") }</th><th scope="col">{ tr!("in flight", "在途") }</th><th scope="col">{ tr!("queued", "排队") }</th>
                    <th scope="col">{ tr!("served", "已服务") }</th><th scope="col">{ tr!("refused", "已拒绝") }</th><th scope="col">{ tr!("failed", "失败") }</th>
                    <th scope="col">{ tr!("ejected", "被摘除") }</th>
                </tr></thead>
                <tbody>{ for rows.iter().enumerate().map(row) }</tbody>
            </table>
        </div>
    }
}

/// Why each mechanism exists, in a few lines.
pub fn explainer() -> Html {
    html! {
        <details class="explainer" data-testid="explainer">
            <summary>{ tr!("What each mechanism is for", "每种机制的用途") }</summary>
            <ul>
                <li><b>{ tr!("Health checks", "健康检查") }</b>{ tr!(
                    " find a dead backend within interval × unhealthy threshold; without them a balancer keeps sending it its share, and each of those requests waits out its timeout.",
                    "在“间隔 × 不健康阈值”的时间内发现宕机的后端；没有它，负载均衡器会继续把份额发给该后端，每个这样的请求都要等到超时。"
                ) }</li>
                <li><b>{ tr!("Outlier detection", "异常检测") }</b>{ tr!(
                    " ejects a backend that answers with errors in a row — faster than health checks, and it catches a backend that is up but broken. It never ejects more than max_ejection_percent of the pool.",
                    "摘除连续返回错误的后端——比健康检查更快，还能抓住在线但已损坏的后端。被摘除的后端从不超过池的 max_ejection_percent。"
                ) }</li>
                <li><b>{ tr!("Load-aware algorithms", "感知负载的算法") }</b>{ tr!(
                    " (least request, two choices, peak EWMA) steer away from a slow backend; round robin gives it its share whatever it does with it.",
                    "（最少请求、二选一、峰值 EWMA）会避开慢后端；轮询则不管后端表现如何，照样分给它应得的份额。"
                ) }</li>
                <li><b>{ tr!("Retries", "重试") }</b>{ tr!(
                    " hide a single failure, but multiply load on a struggling service: a budget keeps them to a fraction of traffic.",
                    "能掩盖单次失败，却会成倍加重已经吃力的服务的负载：重试预算把它们限制在流量的一小部分。"
                ) }</li>
                <li><b>{ tr!("An active/standby pair", "主备负载均衡器") }</b>{ tr!(
                    " (VRRP) removes the balancer as a single point of failure; the failover costs about three advert intervals. Cut the link between the pair and both take the VIP — unless a lease from a witness fences them.",
                    "（VRRP）消除了负载均衡器这个单点故障；故障转移大约需要三个通告间隔。切断主备之间的链路，两台都会接管 VIP——除非有见证者的租约隔离它们。"
                ) }</li>
                <li><b>{ tr!("Spares (N+M)", "备用后端（N+M）") }</b>{ tr!(
                    " restore capacity after a crash: detection, then provisioning, then the balancers' own health checks.",
                    "在崩溃后恢复容量：先检测，再开通，最后通过负载均衡器自己的健康检查。"
                ) }</li>
            </ul>
        </details>
    }
}

/// The lab's parameters, and where a changed copy goes.
#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub params: LbParams,
    pub on_change: Callback<LbParams>,
}

const RATES: &[u32] = &[20, 50, 100, 200, 300, 400, 600, 1_000];
const TIMEOUTS: &[Micros] = &[100 * MS, 300 * MS, SEC, 3 * SEC];
const RETRIES: &[u8] = &[0, 1, 2, 3];
const SPARES: &[u8] = &[0, 1, 2];
const INTERVALS: &[Micros] = &[100 * MS, 250 * MS, 500 * MS, SEC, 2 * SEC];
const CHECK_TIMEOUTS: &[Micros] = &[20 * MS, 50 * MS, 100 * MS, 200 * MS, SEC];
const JITTERS: &[Micros] = &[0, 10 * MS, 50 * MS, 100 * MS];
const SWEEPS: &[Micros] = &[100 * MS, SEC, 10 * SEC];
const THRESHOLDS: &[u16] = &[1, 2, 3, 5];
const ERRORS_IN_ROW: &[u16] = &[1, 3, 5, 10];
const EJECT_TIMES: &[Micros] = &[SEC, 5 * SEC, 30 * SEC];
const PERCENTS: &[u8] = &[0, 10, 25, 50, 75, 100];
const SLOW_STARTS: &[Micros] = &[0, SEC, 3 * SEC, 10 * SEC];
const SERVICE_MEANS: &[Micros] = &[MS, 5 * MS, 10 * MS, 20 * MS, 50 * MS, 100 * MS];
const WORKERS: &[u16] = &[1, 2, 4, 8, 16];
const PROVISIONS: &[Micros] = &[500 * MS, 2 * SEC, 10 * SEC, 60 * SEC];
const WEIGHTS: &[u32] = &[1, 2, 3, 4, 5, 10];

/// A callback that emits the parameters with one field set.
fn set<T: 'static>(p: &SettingsProps, field: fn(&mut LbParams, T)) -> Callback<T> {
    let (params, on) = (p.params.clone(), p.on_change.clone());
    Callback::from(move |v: T| {
        let mut changed = params.clone();
        field(&mut changed, v);
        on.emit(changed);
    })
}

pub fn settings(p: &SettingsProps) -> Html {
    let l = &p.params;
    let capacity = f64::from(l.workers) * 1e6 / l.service.max(1) as f64;
    let check = |testid: &'static str,
                 text: &'static str,
                 help: &'static str,
                 on: bool,
                 field: fn(&mut LbParams, bool)| {
        let cb = set(p, field);
        html! {
            <label class="check" title={help}>
                <input type="checkbox" data-testid={testid} checked={on} onchange={Callback::from(move |_: Event| cb.emit(!on))} />
                { text }
            </label>
        }
    };
    let on_pair = set(p, |l, mode| l.pair = mode);
    let pair = |mode: PairMode, text: &'static str, help: &'static str| {
        let on = l.pair == mode;
        html! {
            <button class={classes!("seg", on.then_some("on"))} aria-pressed={on.to_string()} title={help}
                data-testid={format!("pair-{}", mode.name())} onclick={on_pair.reform(move |_: MouseEvent| mode)}>{ text }</button>
        }
    };
    html! {
        <>
            <label class="row">
                <span>{ tr!("algorithm", "算法") }</span>
                { choice("algo", tr!("balancing algorithm", "负载均衡算法"), &Algo::ALL, l.algo, |a| crate::i18n::zh_core::text(a.title()).to_owned(), &set(p, |l, v| l.algo = v)) }
            </label>
            <label class="row">
                <span>{ tr!("load", "负载") }</span>
                { choice("rps", tr!("requests per second", "每秒请求数"), RATES, l.rps, |r| trf!("{r} requests/s", "每秒 {r} 个请求"), &set(p, |l, v| l.rps = v)) }
                <span class="muted">{ trf!("a backend serves about {capacity:.0}/s", "每个后端每秒约能处理 {capacity:.0} 个") }</span>
            </label>
            <div class="row" role="group" aria-label={tr!("backends", "后端")}>
                <span>{ tr!("backends", "后端") }</span>
                { choice("workers", tr!("workers per backend", "每个后端的工作线程数"), WORKERS, l.workers, |w| if w == 1 { tr!("1 worker", "1 个工作线程").to_owned() } else { trf!("{w} workers", "{w} 个工作线程") }, &set(p, |l, v| l.workers = v)) }
                { choice("svc", tr!("mean service time", "平均服务时间"), SERVICE_MEANS, l.service, |t| { let d = format_duration(t); trf!("{d} each", "每个 {d}") }, &set(p, |l, v| l.service = v)) }
                { choice("dist", tr!("service time distribution", "服务时间分布"), &ServiceDist::ALL, l.dist, |d| crate::i18n::zh_core::text(d.title()).to_owned(), &set(p, |l, v| l.dist = v)) }
            </div>
            <label class="row">
                <span>{ tr!("timeout", "超时") }</span>
                { choice("timeout", tr!("client timeout", "客户端超时"), TIMEOUTS, l.timeout, format_duration, &set(p, |l, v| l.timeout = v)) }
                { choice("retries", tr!("retries per request", "每个请求的重试次数"), RETRIES, l.retries, |r| match r { 0 => tr!("no retries", "不重试").to_owned(), 1 => tr!("1 retry", "重试 1 次").to_owned(), r => trf!("{r} retries", "重试 {r} 次") }, &set(p, |l, v| l.retries = v)) }
                { check("budget", tr!("within a 20% budget", "限于 20% 的预算"), tr!("a retry may start only while retries are under 20% of requests in flight", "只有在重试少于在途请求的 20% 时，才能发起新的重试"), l.budget, |l, v| l.budget = v) }
            </label>
            <div class="row" role="group" aria-label={tr!("detection", "检测")}>
                <span>{ tr!("detection", "检测") }</span>
                { check("hc", tr!("health checks", "健康检查"), tr!("the balancer checks every backend at an interval; misses in a row mark it down", "负载均衡器按间隔检查每个后端；连续失败若干次就标记为下线"), l.health, |l, v| l.health = v) }
                { check("eject", tr!("outlier detection", "异常检测"), tr!("eject a backend after errors in a row, for longer each time it was ejected", "后端连续出错后将其摘除，每多被摘除一次，摘除时间就更长"), l.eject, |l, v| l.eject = v) }
            </div>
            if l.health {
                <div class="row" role="group" aria-label={tr!("health checks", "健康检查")}>
                    <span>{ tr!("checks", "检查") }</span>
                    { choice("inter", tr!("health check interval (inter)", "健康检查间隔（inter）"), INTERVALS, l.inter, |t| { let d = format_duration(t); trf!("every {d}", "每 {d}") }, &set(p, |l, v| l.inter = v)) }
                    { choice("fall", tr!("misses to mark down (fall, unhealthy_threshold)", "标记为下线所需的连续失败次数（fall，unhealthy_threshold）"), THRESHOLDS, l.fall, |n| trf!("down after {n}", "{n} 次后下线"), &set(p, |l, v| l.fall = v)) }
                    { choice("rise", tr!("passes to mark up (rise, healthy_threshold)", "标记为上线所需的连续成功次数（rise，healthy_threshold）"), THRESHOLDS, l.rise, |n| trf!("up after {n}", "{n} 次后上线"), &set(p, |l, v| l.rise = v)) }
                    { choice("hctimeout", tr!("check timeout (timeout check, timeout)", "检查超时（timeout check，timeout）"), CHECK_TIMEOUTS, l.check_timeout, |t| { let d = format_duration(t); trf!("waits {d}", "等待 {d}") }, &set(p, |l, v| l.check_timeout = v)) }
                    { choice("hcjitter", tr!("jitter added to each interval (interval_jitter)", "每个间隔附加的抖动（interval_jitter）"), JITTERS, l.check_jitter, |t| if t == 0 { tr!("no jitter", "无抖动").to_owned() } else { let d = format_duration(t); trf!("+ up to {d}", "+ 最多 {d}") }, &set(p, |l, v| l.check_jitter = v)) }
                </div>
            }
            if l.eject {
                <div class="row" role="group" aria-label={tr!("outlier detection", "异常检测")}>
                    <span>{ tr!("ejection", "摘除") }</span>
                    { choice("c5xx", tr!("errors in a row (consecutive_5xx)", "连续错误数（consecutive_5xx）"), ERRORS_IN_ROW, l.c5xx, |n| trf!("after {n} errors", "{n} 次错误后"), &set(p, |l, v| l.c5xx = v)) }
                    { choice("ejecttime", "base_ejection_time", EJECT_TIMES, l.eject_time, |t| { let d = format_duration(t); trf!("for {d} × n", "摘除 {d} × n") }, &set(p, |l, v| l.eject_time = v)) }
                    { choice("sweep", tr!("sweep interval (interval): ejections end at a sweep", "扫描间隔（interval）：摘除在扫描时结束"), SWEEPS, l.sweep, |t| { let d = format_duration(t); trf!("swept every {d}", "每 {d} 扫描一次") }, &set(p, |l, v| l.sweep = v)) }
                    { choice("maxeject", "max_ejection_percent", PERCENTS, l.max_eject, |v| trf!("≤ {v}% of hosts", "≤ {v}% 的主机"), &set(p, |l, v| l.max_eject = v)) }
                </div>
            }
            <label class="row">
                <span>{ tr!("panic", "恐慌") }</span>
                { choice("panic", "healthy_panic_threshold", PERCENTS, l.panic, |v| trf!("below {v}% healthy", "健康低于 {v}%"), &set(p, |l, v| l.panic = v)) }
                <span class="muted">{ tr!("route to every host when fewer are healthy", "健康的主机少于此比例时，路由到所有主机") }</span>
            </label>
            <label class="row">
                <span>{ tr!("slow start", "慢启动") }</span>
                { choice("slowstart", tr!("slow start window", "慢启动窗口"), SLOW_STARTS, l.slow_start, |t| if t == 0 { tr!("off", "关闭").to_owned() } else { let d = format_duration(t); trf!("over {d}", "历时 {d}") }, &set(p, |l, v| l.slow_start = v)) }
                <span class="muted">{ tr!("a host back in rotation gets a growing share", "重新加入轮转的主机获得逐渐增加的份额") }</span>
            </label>
            <div class="row" role="group" aria-label={tr!("balancer redundancy", "负载均衡器冗余")}>
                <span>{ tr!("balancers", "负载均衡器") }</span>
                <span class="segmented">
                    { pair(PairMode::Off, tr!("one", "单台"), tr!("a single balancer: a single point of failure", "单个负载均衡器：单点故障")) }
                    { pair(PairMode::On, tr!("pair", "主备"), tr!("active/standby with VRRP adverts every 200 ms", "主备模式，每 200 ms 发送一次 VRRP 通告")) }
                    { pair(PairMode::Fenced, tr!("fenced pair", "带防护的主备"), tr!("the pair plus a witness whose lease lets one balancer serve at a time", "主备加一个见证者，见证者的租约保证同一时刻只有一台负载均衡器提供服务")) }
                </span>
            </div>
            <label class="row">
                <span>{ tr!("spares", "备用后端") }</span>
                { choice("spares", tr!("spare backends", "备用后端"), SPARES, l.spares, |s| match s { 0 => tr!("none", "无").to_owned(), s => format!("N+{s}") }, &set(p, |l, v| l.spares = v)) }
                if l.spares > 0 {
                    { choice("provision", tr!("provisioning time", "开通时间"), PROVISIONS, l.provision, |t| { let d = format_duration(t); trf!("ready in {d}", "{d} 后就绪") }, &set(p, |l, v| l.provision = v)) }
                }
                <span class="muted">{ tr!("a controller swaps a spare in for a dead backend (warm: seconds; cold: minutes)", "控制器用备用后端替换宕机的后端（热备：数秒；冷备：数分钟）") }</span>
            </label>
        </>
    }
}
