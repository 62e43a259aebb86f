//! The service lab's cards: the live charts (requests per second, latency percentiles, each
//! backend's share) with marks where a fault hit or the service changed shape, the backends
//! table, the explainer, and the settings.

use super::view::{ms, BackendRow};
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
        html! { <g data-series={s.name.clone()} data-last={last}>{ for runs }</g> }
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
    let series = |name: &str, class: &str, f: &dyn Fn(&Bin) -> f64| Series {
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
        title: format!("{}: {}", secs(m.at), m.text),
    }));
    // Throughput is every request that ended, goodput those that succeeded.
    let throughput = vec![
        series("throughput", "all", &|b| b.ended() as f64 / rate),
        series("succeeded", "ok", &|b| b.ok as f64 / rate),
        series("failed", "bad", &|b| (b.errors + b.timeouts) as f64 / rate),
    ];
    let timed = |q: usize| move |b: &Bin| if b.ok == 0 { f64::NAN } else { b.latency[q] as f64 };
    let lat = vec![
        series("p50", "p50", &timed(0)),
        series("p95", "p95", &timed(1)),
        series("p99", "p99", &timed(2)),
    ];
    let share: Vec<Series> = p
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| Series {
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
            <Chart testid="chart-throughput" title="requests per second (goodput: succeeded)" series={throughput} marks={marks.clone()} {from} {to} unit={Unit::PerSec} />
            <Chart testid="chart-latency" title="latency of successes (log scale)" series={lat} marks={marks.clone()} {from} {to} log=true unit={Unit::Latency} />
            <Chart testid="chart-share" title="requests per second to each backend (retries included)" series={share} {marks} {from} {to} unit={Unit::PerSec} />
            <p class="lb-marks muted">
                <span class="mk fault"><i></i>{ "a fault" }</span>
                <span class="mk ejection"><i></i>{ "an ejection" }</span>
                <span class="mk failover"><i></i>{ "the VIP moved" }</span>
                <span class="mk replacement"><i></i>{ "a spare joined" }</span>
                { " — point at a mark for what it was" }
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
            <span><b>{ format!("{rate:.2}%") }</b>{ " succeeded" }</span>
            <span><b>{ p.ok }</b>{ " ok" }</span>
            <span><b>{ p.failed }</b>{ " failed" }</span>
            <span><b>{ p.open }</b>{ " open" }</span>
            <span>{ "p50 " }<b>{ ms(p.latency[0]) }</b></span>
            <span>{ "p99 " }<b>{ ms(p.latency[1]) }</b></span>
            <span>{ "p99.9 " }<b>{ ms(p.latency[2]) }</b></span>
            <span><b>{ p.retries }</b>{ " retries" }</span>
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
            <span><b>{ format!("{rate:.1}%") }</b>{ " succeeded, p99 " }<b>{ ms(p99) }</b>{ " (last 5 s)" }</span>
            <svg class="spark" viewBox={format!("0 0 {SPARK_W} {SPARK_H}")} width={SPARK_W.to_string()} height={SPARK_H.to_string()}
                role="img" aria-label="success rate over the last 30 seconds">
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
        .join(", ");
    html! {
        <div class="lb-avail" data-testid="lb-avail" data-measured={format!("{:.4}", a.measured)}
            data-succeeded={format!("{:.4}", a.succeeded)}
            data-predicted={format!("{:.4}", a.predicted)} data-k={a.k.to_string()} data-n={a.n.to_string()}>
            <h3>{ "Availability" }</h3>
            <p>
                <b>{ pct(a.measured) }</b>{ format!(" of requests succeeded within {} (the SLO here), ", ms(SLO)) }
                <b>{ pct(a.succeeded) }</b>{ " at all" }
                <span class="muted">{ " — what the users got, over the quarter-seconds ended so far" }</span>
            </p>
            <p>
                <b>{ pct(a.predicted) }</b>{ format!(" predicted by the k-of-n model: a balancer up ({}) and at least {} of {} backends up, each up {} of the run on average ({ups})", pct(a.balancers), a.k, a.n, pct(a.up)) }
                <span class="muted">{ " — see " }<a href={avail}>{ "the availability page" }</a></span>
            </p>
            <p class="muted">{ "The model knows only up and down, and treats the backends alike and independent. It misses what users pay beyond that: the time to notice a failure (detection), to move the VIP (failover) and to warm a replacement up, and overload (a retry storm, a slow backend) with every host up. It can also be pessimistic: queues absorb a short dip below k backends, and ejection and health checks steer around a dead one." }</p>
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
                <th scope="row" title={format!("node {}", r.node)}>{ r.label.clone() }</th>
                <td class={classes!("host-status", r.status.replace(' ', "-"))}>{ r.status }</td>
                <td>{ r.mode.clone() }</td>
                <td class="weight">{ choice(format!("weight-{}", r.node), "weight", WEIGHTS, r.weight, |w| w.to_string(), &on) }</td>
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
                <caption>{ "Backends: status, routed, in flight and ejected as the serving balancer sees them; the rest as they are" }</caption>
                <thead><tr>
                    <th scope="col">{ "backend" }</th><th scope="col">{ "status" }</th><th scope="col">{ "itself" }</th>
                    <th scope="col">{ "weight" }</th>
                    <th scope="col">{ "routed" }</th><th scope="col">{ "in flight" }</th><th scope="col">{ "queued" }</th>
                    <th scope="col">{ "served" }</th><th scope="col">{ "refused" }</th><th scope="col">{ "failed" }</th>
                    <th scope="col">{ "ejected" }</th>
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
            <summary>{ "What each mechanism is for" }</summary>
            <ul>
                <li><b>{ "Health checks" }</b>{ " find a dead backend within interval × unhealthy threshold; without them a balancer keeps sending it its share, and each of those requests waits out its timeout." }</li>
                <li><b>{ "Outlier detection" }</b>{ " ejects a backend that answers with errors in a row — faster than health checks, and it catches a backend that is up but broken. It never ejects more than max_ejection_percent of the pool." }</li>
                <li><b>{ "Load-aware algorithms" }</b>{ " (least request, two choices, peak EWMA) steer away from a slow backend; round robin gives it its share whatever it does with it." }</li>
                <li><b>{ "Retries" }</b>{ " hide a single failure, but multiply load on a struggling service: a budget keeps them to a fraction of traffic." }</li>
                <li><b>{ "An active/standby pair" }</b>{ " (VRRP) removes the balancer as a single point of failure; the failover costs about three advert intervals. Cut the link between the pair and both take the VIP — unless a lease from a witness fences them." }</li>
                <li><b>{ "Spares (N+M)" }</b>{ " restore capacity after a crash: detection, then provisioning, then the balancers' own health checks." }</li>
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
                <span>{ "algorithm" }</span>
                { choice("algo", "balancing algorithm", &Algo::ALL, l.algo, |a| a.title().to_owned(), &set(p, |l, v| l.algo = v)) }
            </label>
            <label class="row">
                <span>{ "load" }</span>
                { choice("rps", "requests per second", RATES, l.rps, |r| format!("{r} requests/s"), &set(p, |l, v| l.rps = v)) }
                <span class="muted">{ format!("a backend serves about {:.0}/s", f64::from(l.workers) * 1e6 / l.service.max(1) as f64) }</span>
            </label>
            <div class="row" role="group" aria-label="backends">
                <span>{ "backends" }</span>
                { choice("workers", "workers per backend", WORKERS, l.workers, |w| if w == 1 { "1 worker".to_owned() } else { format!("{w} workers") }, &set(p, |l, v| l.workers = v)) }
                { choice("svc", "mean service time", SERVICE_MEANS, l.service, |t| format!("{} each", format_duration(t)), &set(p, |l, v| l.service = v)) }
                { choice("dist", "service time distribution", &ServiceDist::ALL, l.dist, |d| d.title().to_owned(), &set(p, |l, v| l.dist = v)) }
            </div>
            <label class="row">
                <span>{ "timeout" }</span>
                { choice("timeout", "client timeout", TIMEOUTS, l.timeout, format_duration, &set(p, |l, v| l.timeout = v)) }
                { choice("retries", "retries per request", RETRIES, l.retries, |r| match r { 0 => "no retries".to_owned(), 1 => "1 retry".to_owned(), r => format!("{r} retries") }, &set(p, |l, v| l.retries = v)) }
                { check("budget", "within a 20% budget", "a retry may start only while retries are under 20% of requests in flight", l.budget, |l, v| l.budget = v) }
            </label>
            <div class="row" role="group" aria-label="detection">
                <span>{ "detection" }</span>
                { check("hc", "health checks", "the balancer checks every backend at an interval; misses in a row mark it down", l.health, |l, v| l.health = v) }
                { check("eject", "outlier detection", "eject a backend after errors in a row, for longer each time it was ejected", l.eject, |l, v| l.eject = v) }
            </div>
            if l.health {
                <div class="row" role="group" aria-label="health checks">
                    <span>{ "checks" }</span>
                    { choice("inter", "health check interval (inter)", INTERVALS, l.inter, |t| format!("every {}", format_duration(t)), &set(p, |l, v| l.inter = v)) }
                    { choice("fall", "misses to mark down (fall, unhealthy_threshold)", THRESHOLDS, l.fall, |n| format!("down after {n}"), &set(p, |l, v| l.fall = v)) }
                    { choice("rise", "passes to mark up (rise, healthy_threshold)", THRESHOLDS, l.rise, |n| format!("up after {n}"), &set(p, |l, v| l.rise = v)) }
                    { choice("hctimeout", "check timeout (timeout check, timeout)", CHECK_TIMEOUTS, l.check_timeout, |t| format!("waits {}", format_duration(t)), &set(p, |l, v| l.check_timeout = v)) }
                    { choice("hcjitter", "jitter added to each interval (interval_jitter)", JITTERS, l.check_jitter, |t| if t == 0 { "no jitter".to_owned() } else { format!("+ up to {}", format_duration(t)) }, &set(p, |l, v| l.check_jitter = v)) }
                </div>
            }
            if l.eject {
                <div class="row" role="group" aria-label="outlier detection">
                    <span>{ "ejection" }</span>
                    { choice("c5xx", "errors in a row (consecutive_5xx)", ERRORS_IN_ROW, l.c5xx, |n| format!("after {n} errors"), &set(p, |l, v| l.c5xx = v)) }
                    { choice("ejecttime", "base_ejection_time", EJECT_TIMES, l.eject_time, |t| format!("for {} × n", format_duration(t)), &set(p, |l, v| l.eject_time = v)) }
                    { choice("sweep", "sweep interval (interval): ejections end at a sweep", SWEEPS, l.sweep, |t| format!("swept every {}", format_duration(t)), &set(p, |l, v| l.sweep = v)) }
                    { choice("maxeject", "max_ejection_percent", PERCENTS, l.max_eject, |v| format!("≤ {v}% of hosts"), &set(p, |l, v| l.max_eject = v)) }
                </div>
            }
            <label class="row">
                <span>{ "panic" }</span>
                { choice("panic", "healthy_panic_threshold", PERCENTS, l.panic, |v| format!("below {v}% healthy"), &set(p, |l, v| l.panic = v)) }
                <span class="muted">{ "route to every host when fewer are healthy" }</span>
            </label>
            <label class="row">
                <span>{ "slow start" }</span>
                { choice("slowstart", "slow start window", SLOW_STARTS, l.slow_start, |t| if t == 0 { "off".to_owned() } else { format!("over {}", format_duration(t)) }, &set(p, |l, v| l.slow_start = v)) }
                <span class="muted">{ "a host back in rotation gets a growing share" }</span>
            </label>
            <div class="row" role="group" aria-label="balancer redundancy">
                <span>{ "balancers" }</span>
                <span class="segmented">
                    { pair(PairMode::Off, "one", "a single balancer: a single point of failure") }
                    { pair(PairMode::On, "pair", "active/standby with VRRP adverts every 200 ms") }
                    { pair(PairMode::Fenced, "fenced pair", "the pair plus a witness whose lease lets one balancer serve at a time") }
                </span>
            </div>
            <label class="row">
                <span>{ "spares" }</span>
                { choice("spares", "spare backends", SPARES, l.spares, |s| match s { 0 => "none".to_owned(), s => format!("N+{s}") }, &set(p, |l, v| l.spares = v)) }
                if l.spares > 0 {
                    { choice("provision", "provisioning time", PROVISIONS, l.provision, |t| format!("ready in {}", format_duration(t)), &set(p, |l, v| l.provision = v)) }
                }
                <span class="muted">{ "a controller swaps a spare in for a dead backend (warm: seconds; cold: minutes)" }</span>
            </label>
        </>
    }
}
