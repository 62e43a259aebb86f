//! The curves, drawn as plain SVG: availability against one variable, on a "nines" axis
//! (y = −log₁₀ unavailability, ticks at 90%, 99%, 99.9%…) or a linear one, several series at
//! once, a shaded confidence band, a cursor with a read-out of every series at the nearest x.
//!
//! [`ChartData`] is what to draw (pure data, built by the page from the core's points) and
//! [`Geometry`] is where it goes (path strings and ticks, pure and unit-tested); [`chart()`] turns
//! them into SVG. Colours are presentation attributes, so an exported SVG looks the same outside
//! the page; the stylesheet adapts them to dark mode on the page only.

use super::format;
use halab_core::reliability::Avail;
use std::fmt::Write;
use yew::prelude::*;

/// Highest nines drawn: a series beyond it (or with no downtime at all) sits on this line,
/// hollow; the read-out prints its true value (404 nines is 404 nines, not "no downtime").
pub const MAX_NINES: f64 = 12.0;

/// The drawing box in SVG units, and the plot's margins inside it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub w: f64,
    pub h: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Frame {
    pub const WIDE: Frame = Frame { w: 720.0, h: 360.0, left: 90.0, right: 18.0, top: 14.0, bottom: 44.0 };
    /// Phones: fewer units across, so text stays readable once scaled down.
    pub const NARROW: Frame = Frame { w: 420.0, h: 340.0, left: 88.0, right: 12.0, top: 12.0, bottom: 42.0 };
    /// The measured chart beside the main one.
    pub const SMALL: Frame = Frame { w: 720.0, h: 300.0, left: 90.0, right: 18.0, top: 14.0, bottom: 44.0 };

    fn plot_w(&self) -> f64 {
        self.w - self.left - self.right
    }

    fn plot_h(&self) -> f64 {
        self.h - self.top - self.bottom
    }
}

/// How the x values read: counts on a linear axis, or seconds on a log axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XKind {
    Count,
    Seconds,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Stable id: `kofn`, `ctmc`, `mc`, `measured`, `formula`, `bound`.
    pub key: &'static str,
    pub name: String,
    pub colour: &'static str,
    pub dashed: bool,
    /// Dots at each point (estimates), not just a line.
    pub dots: bool,
    /// One per x; `None` where there is nothing yet.
    pub values: Vec<Option<Avail>>,
}

/// A shaded interval around a series (the Monte Carlo 95% CI): low and high availability per x.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    pub colour: &'static str,
    pub name: String,
    pub lo: Vec<Option<Avail>>,
    pub hi: Vec<Option<Avail>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    pub xs: Vec<f64>,
    pub x_kind: XKind,
    /// Axis title with its unit, e.g. "MTTR (log scale)".
    pub x_title: String,
    /// How the read-out names an x: `n = 5`, `MTTR = 4 h`.
    pub x_name: &'static str,
    pub series: Vec<Series>,
    pub band: Option<Band>,
    pub linear: bool,
}

/// Where a value goes on the y axis, in axis units (nines, or availability when linear), and
/// whether it was cut at [`MAX_NINES`].
pub fn y_value(a: Avail, linear: bool) -> (f64, bool) {
    if linear {
        return (a.up.clamp(0.0, 1.0), false);
    }
    let n = -a.log10_down();
    if n.is_nan() {
        (0.0, false)
    } else if n > MAX_NINES {
        (MAX_NINES, true)
    } else {
        (n.max(0.0), false)
    }
}

/// The low and high ends of an interval at one x, as (x, y) positions.
type Span = ((f64, f64), (f64, f64));

/// A drawn series: its path and its dots (x, y, cut at the ceiling).
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    pub key: &'static str,
    pub d: String,
    pub dots: Vec<(f64, f64, bool)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Geometry {
    pub frame: Frame,
    /// Each x value's horizontal position.
    pub px: Vec<f64>,
    pub traces: Vec<Trace>,
    pub band: String,
    /// (position, label).
    pub x_ticks: Vec<(f64, String)>,
    pub y_ticks: Vec<(f64, String)>,
    /// Some value was cut at the [`MAX_NINES`] ceiling.
    pub clamped: bool,
    /// The y range in axis units.
    pub y_range: (f64, f64),
}

impl Geometry {
    pub fn new(data: &ChartData, frame: Frame) -> Geometry {
        let linear = data.linear;
        let mut all: Vec<(f64, bool)> =
            data.series.iter().flat_map(|s| s.values.iter().flatten()).map(|&a| y_value(a, linear)).collect();
        if let Some(b) = &data.band {
            all.extend(b.lo.iter().chain(&b.hi).flatten().map(|&a| y_value(a, linear)));
        }
        let clamped = all.iter().any(|&(_, c)| c);
        let lo = all.iter().map(|&(v, _)| v).fold(f64::INFINITY, f64::min);
        let hi = all.iter().map(|&(v, _)| v).fold(f64::NEG_INFINITY, f64::max);
        let y_range = if linear {
            let bottom = if lo.is_finite() { ((lo * 10.0).floor() / 10.0).clamp(0.0, 0.9) } else { 0.9 };
            (bottom, 1.0)
        } else if lo.is_finite() {
            let (b, t) = (lo.floor().max(0.0), hi.ceil().min(MAX_NINES));
            (b, if t - b < 1.0 { b + 1.0 } else { t })
        } else {
            (0.0, 5.0)
        };
        let (x0, x1) = x_range(&data.xs, data.x_kind);
        let fx = |x: f64| {
            let t = match data.x_kind {
                XKind::Count => (x - x0) / (x1 - x0),
                XKind::Seconds => (x.max(1e-9).log10() - x0.log10()) / (x1.log10() - x0.log10()),
            };
            frame.left + t * frame.plot_w()
        };
        let fy = |v: f64| frame.top + (1.0 - (v - y_range.0) / (y_range.1 - y_range.0)) * frame.plot_h();
        let px: Vec<f64> = data.xs.iter().map(|&x| fx(x)).collect();
        let point = |i: usize, a: Avail| {
            let (v, cut) = y_value(a, linear);
            (px[i], fy(v), cut)
        };
        let traces = data
            .series
            .iter()
            .map(|s| {
                let pts: Vec<Option<(f64, f64, bool)>> =
                    s.values.iter().enumerate().map(|(i, v)| v.map(|a| point(i, a))).collect();
                Trace {
                    key: s.key,
                    d: polyline(&pts),
                    dots: if s.dots { pts.iter().flatten().copied().collect() } else { vec![] },
                }
            })
            .collect();
        let band = data.band.as_ref().map_or_else(String::new, |b| {
            let pairs: Vec<Option<Span>> = (0..px.len())
                .map(|i| match (b.lo.get(i).copied().flatten(), b.hi.get(i).copied().flatten()) {
                    (Some(l), Some(h)) => {
                        let (l, h) = (point(i, l), point(i, h));
                        Some(((l.0, l.1), (h.0, h.1)))
                    }
                    _ => None,
                })
                .collect();
            band_path(&pairs)
        });
        let x_ticks = x_ticks(x0, x1, data.x_kind).into_iter().map(|(x, l)| (fx(x), l)).collect();
        let y_ticks = y_ticks(y_range, linear).into_iter().map(|(v, l)| (fy(v), l)).collect();
        Geometry { frame, px, traces, band, x_ticks, y_ticks, clamped, y_range }
    }

    /// The point nearest to a horizontal position (SVG units).
    pub fn nearest(&self, x: f64) -> Option<usize> {
        self.px.iter().enumerate().min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs())).map(|(i, _)| i)
    }
}

fn x_range(xs: &[f64], kind: XKind) -> (f64, f64) {
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    match kind {
        _ if !lo.is_finite() => (1.0, 2.0),
        XKind::Count if hi - lo < 1.0 => (lo - 1.0, hi + 1.0),
        XKind::Count => (lo, hi),
        XKind::Seconds => {
            let lo = lo.max(1.0);
            if hi <= lo {
                (lo / 2.0, lo * 2.0)
            } else {
                (lo, hi)
            }
        }
    }
}

/// `M x,y L x,y …`, starting a new piece after a gap.
fn polyline(pts: &[Option<(f64, f64, bool)>]) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for p in pts {
        match p {
            Some((x, y, _)) => {
                let _ = write!(
                    d,
                    "{}{x:.1},{y:.1}",
                    if pen_down {
                        " L"
                    } else if d.is_empty() {
                        "M"
                    } else {
                        " M"
                    }
                );
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d
}

/// One closed shape per run of points with both ends of the interval: along the high edge,
/// back along the low one.
fn band_path(pairs: &[Option<Span>]) -> String {
    let mut d = String::new();
    for run in pairs.split(|p| p.is_none()).filter(|r| !r.is_empty()) {
        let run: Vec<_> = run.iter().flatten().collect();
        let (first, rest) = match run.split_first() {
            Some(x) => x,
            None => continue,
        };
        if !d.is_empty() {
            d.push(' ');
        }
        let _ = write!(d, "M{:.1},{:.1}", first.1 .0, first.1 .1);
        for p in rest {
            let _ = write!(d, " L{:.1},{:.1}", p.1 .0, p.1 .1);
        }
        for p in run.iter().rev() {
            let _ = write!(d, " L{:.1},{:.1}", p.0 .0, p.0 .1);
        }
        // A single point still shows as a thin bar.
        if rest.is_empty() {
            let _ = write!(d, " L{:.1},{:.1}", first.0 .0 + 2.0, first.0 .1);
        }
        d.push_str(" Z");
    }
    d
}

/// x ticks: whole numbers for counts, round durations for seconds.
pub fn x_ticks(lo: f64, hi: f64, kind: XKind) -> Vec<(f64, String)> {
    match kind {
        XKind::Count => {
            let span = hi - lo;
            let step = [1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0]
                .into_iter()
                .find(|s| span / s <= 16.0)
                .unwrap_or(100.0);
            let mut out = Vec::new();
            let mut x = (lo / step).ceil() * step;
            while x <= hi + 1e-9 {
                out.push((x, format!("{x}")));
                x += step;
            }
            out
        }
        XKind::Seconds => {
            const NICE: [f64; 20] = [
                1.0,
                2.0,
                5.0,
                10.0,
                30.0,
                60.0,
                120.0,
                300.0,
                600.0,
                1800.0,
                3600.0,
                2.0 * 3600.0,
                6.0 * 3600.0,
                12.0 * 3600.0,
                86_400.0,
                2.0 * 86_400.0,
                7.0 * 86_400.0,
                30.0 * 86_400.0,
                91.0 * 86_400.0,
                31_557_600.0,
            ];
            let mut cands: Vec<f64> = NICE.to_vec();
            cands.extend([2.0, 5.0, 10.0, 20.0, 50.0, 100.0].map(|y| y * 31_557_600.0));
            let inside: Vec<f64> =
                cands.into_iter().filter(|&s| s >= lo * 0.999 && s <= hi * 1.001).collect();
            // Keep ticks at least a fifth of a decade apart, so labels never collide.
            let mut out: Vec<f64> = Vec::new();
            for s in inside {
                if out.last().is_none_or(|&l| (s / l).log10() >= 0.2) {
                    out.push(s);
                }
            }
            out.into_iter().map(|s| (s, format::seconds(s))).collect()
        }
    }
}

/// y ticks: whole nines (at most about nine labels), or tenths of availability.
pub fn y_ticks((lo, hi): (f64, f64), linear: bool) -> Vec<(f64, String)> {
    if linear {
        let span = hi - lo;
        let step = if span > 0.35 {
            0.1
        } else if span > 0.12 {
            0.05
        } else {
            0.01
        };
        let n = (span / step).round() as i64;
        return (0..=n)
            .map(|i| {
                let v = hi - i as f64 * step;
                (v, format!("{}%", format::sig(v * 100.0)))
            })
            .collect();
    }
    (lo as u32..=hi as u32).map(|k| (f64::from(k), format::nines_label(k))).collect()
}

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub data: ChartData,
    pub frame: Frame,
    pub testid: AttrValue,
    pub label: AttrValue,
    pub hover: Option<usize>,
    /// The point the read-out shows when nothing is hovered (the scenario's own x).
    #[prop_or_default]
    pub home: Option<usize>,
    pub on_hover: Callback<Option<usize>>,
    #[prop_or_default]
    pub svg_ref: NodeRef,
}

/// The chart, its HTML legend and the read-out of the hovered x.
pub fn chart(p: &ChartProps) -> Html {
    let g = Geometry::new(&p.data, p.frame);
    let f = p.frame;
    let own_ref = p.svg_ref.clone();
    let on_move = {
        let (cb, px, svg) = (p.on_hover.clone(), g.px.clone(), own_ref.clone());
        Callback::from(move |e: PointerEvent| {
            let Some(el) = svg.cast::<web_sys::Element>() else { return };
            let r = el.get_bounding_client_rect();
            if r.width() <= 0.0 {
                return;
            }
            let x = (f64::from(e.client_x()) - r.left()) / r.width() * f.w;
            let i = px
                .iter()
                .enumerate()
                .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()))
                .map(|(i, _)| i);
            cb.emit(i);
        })
    };
    let on_leave = p.on_hover.reform(|_: PointerEvent| None);
    let (x_end, y_end) = (f.w - f.right, f.h - f.bottom);
    // Every whole nine gets a line; labels skip every other one when they would crowd.
    let every = if f.plot_h() / (g.y_ticks.len().max(1) as f64) < 24.0 { 2 } else { 1 };
    let grid_y = g.y_ticks.iter().enumerate().map(|(i, (y, label))| {
        let label = if i.is_multiple_of(every) { label.clone() } else { String::new() };
        html! {
            <g class="tick">
                <line x1={f.left.to_string()} x2={x_end.to_string()} y1={format!("{y:.1}")} y2={format!("{y:.1}")}
                    stroke="#8a94a6" stroke-opacity="0.25" />
                <text x={(f.left - 6.0).to_string()} y={format!("{:.1}", y + 4.0)} text-anchor="end">{ label }</text>
            </g>
        }
    });
    let grid_x = g.x_ticks.iter().map(|(x, label)| {
        html! {
            <g class="tick">
                <line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={f.top.to_string()} y2={y_end.to_string()}
                    stroke="#8a94a6" stroke-opacity="0.18" />
                <text x={format!("{x:.1}")} y={(y_end + 16.0).to_string()} text-anchor="middle">{ label }</text>
            </g>
        }
    });
    let band = p.data.band.as_ref().map(|b| {
        html! { <path class="band" data-testid="band-mc" d={g.band.clone()} fill={b.colour} fill-opacity="0.2" stroke="none" /> }
    });
    let traces = g.traces.iter().zip(&p.data.series).map(|(t, s)| {
        let bound = s.key == "mcbound";
        let dots = t.dots.iter().map(|&(x, y, cut)| {
            if bound {
                // "At least this many nines": a hollow triangle pointing up.
                html! { <path class="bound" d={format!("M{x:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z", y - 5.0, x - 4.5, y + 3.0, x + 4.5, y + 3.0)}
                    fill="none" stroke={s.colour} stroke-width="1.6" /> }
            } else {
                html! { <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="3.2" fill={if cut { "none" } else { s.colour }} stroke={s.colour} stroke-width="1.5" /> }
            }
        });
        html! {
            <g class={classes!("series", s.key)} data-testid={format!("series-{}", s.key)} data-d={t.d.clone()}>
                <path d={t.d.clone()} fill="none" stroke={s.colour} stroke-width={if s.dots { "0" } else { "2.2" }}
                    stroke-dasharray={s.dashed.then_some("6 4")} stroke-linejoin="round" />
                { for dots }
            </g>
        }
    });
    let cursor = p.hover.and_then(|i| g.px.get(i).copied()).map(|x| {
        let marks = g.traces.iter().zip(&p.data.series).filter_map(|(_, s)| {
            let a = s.values.get(p.hover?).copied().flatten()?;
            let (v, _) = y_value(a, p.data.linear);
            let y = f.top + (1.0 - (v - g.y_range.0) / (g.y_range.1 - g.y_range.0)) * f.plot_h();
            Some(html! { <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="4.5" fill="none" stroke={s.colour} stroke-width="2" /> })
        });
        html! {
            <g class="cursor" data-testid="cursor">
                <line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={f.top.to_string()} y2={y_end.to_string()}
                    stroke="#5b6470" stroke-width="1" stroke-dasharray="3 3" />
                { for marks }
            </g>
        }
    });
    // The legend inside the SVG is for exported files only; the page shows the HTML one.
    let mut svg_legend = Vec::new();
    let mut lx = f.left + 8.0;
    for s in &p.data.series {
        svg_legend.push(html! {
            <g>
                <line x1={lx.to_string()} x2={(lx + 18.0).to_string()} y1={(f.top + 10.0).to_string()} y2={(f.top + 10.0).to_string()}
                    stroke={s.colour} stroke-width="2.2" stroke-dasharray={s.dashed.then_some("6 4")} />
                <text x={(lx + 22.0).to_string()} y={(f.top + 14.0).to_string()}>{ s.name.clone() }</text>
            </g>
        });
        // Chinese characters are about twice as wide as Latin letters.
        let wide = s
            .name
            .chars()
            .filter(|&c| ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c))
            .count();
        lx += 30.0 + 6.2 * s.name.chars().count() as f64 + 5.0 * wide as f64;
    }
    let y_title = if p.data.linear {
        tr!("availability", "可用性")
    } else {
        tr!("availability (nines, log scale)", "可用性（几个九，对数刻度）")
    };
    let svg = html! {
        <svg ref={own_ref} class="avail-svg" data-testid={p.testid.clone()} xmlns="http://www.w3.org/2000/svg"
            viewBox={format!("0 0 {} {}", f.w, f.h)} role="img" aria-label={p.label.clone()}
            font-family="system-ui, sans-serif" font-size="12" fill="#5b6470"
            data-y-min={g.y_range.0.to_string()} data-y-max={g.y_range.1.to_string()} data-clamped={g.clamped.to_string()}
            onpointermove={on_move} onpointerleave={on_leave}>
            <rect class="bg" x="0" y="0" width={f.w.to_string()} height={f.h.to_string()} fill="#ffffff" />
            { for grid_y }
            { for grid_x }
            <line class="axis" x1={f.left.to_string()} x2={f.left.to_string()} y1={f.top.to_string()} y2={y_end.to_string()} stroke="#8a94a6" />
            <line class="axis" x1={f.left.to_string()} x2={x_end.to_string()} y1={y_end.to_string()} y2={y_end.to_string()} stroke="#8a94a6" />
            <text class="axis-title" x={((f.left + x_end) / 2.0).to_string()} y={(f.h - 6.0).to_string()} text-anchor="middle">{ p.data.x_title.clone() }</text>
            <text class="axis-title" transform={format!("translate(13 {:.1}) rotate(-90)", (f.top + y_end) / 2.0)} text-anchor="middle">{ y_title }</text>
            { for band }
            { for traces }
            { for cursor }
            <g class="svg-legend" font-size="11">{ for svg_legend }</g>
            <rect class="hit" x={f.left.to_string()} y={f.top.to_string()} width={f.plot_w().to_string()} height={f.plot_h().to_string()} fill="transparent" />
        </svg>
    };
    let legend = p.data.series.iter().map(|s| {
        html! {
            <li class={s.key}><i class={classes!("swatch", s.dashed.then_some("dashed"), s.dots.then_some(if s.key == "mcbound" { "bound" } else { "dots" }))} style={format!("--c: {}", s.colour)}></i>{ s.name.clone() }</li>
        }
    });
    let band_key = p.data.band.as_ref().map(|b| html! {
        <li class="band"><i class="swatch area" style={format!("--c: {}", b.colour)}></i>{ b.name.clone() }</li>
    });
    html! {
        <div class="avail-chart">
            <ul class="chart-legend">{ for legend }{ for band_key }</ul>
            { svg }
            { readout(&p.data, p.hover.or(p.home), p.hover.is_some()) }
        </div>
    }
}

/// Every series' value at the hovered x, or a hint.
fn readout(data: &ChartData, hover: Option<usize>, hovered: bool) -> Html {
    let Some((i, x)) = hover.and_then(|i| data.xs.get(i).map(|&x| (i, x))) else {
        return html! { <p class="readout muted" data-testid="readout">{ tr!("Point at the chart to read every series at one x.", "指向图表，读取同一 x 处每条曲线的值。") }</p> };
    };
    let x_text = match data.x_kind {
        XKind::Count => format!("{}", x),
        XKind::Seconds => format::seconds(x),
    };
    let bound_here =
        data.series.iter().any(|s| s.key == "mcbound" && s.values.get(i).copied().flatten().is_some());
    let items = data
        .series
        .iter()
        // Where no loss was seen the bound speaks for the Monte Carlo; elsewhere the mean does.
        .filter(|s| match s.key {
            "mc" => !bound_here,
            "mcbound" => bound_here,
            _ => true,
        })
        .map(|s| {
            let v = s.values.get(i).copied().flatten();
            let text = match v {
                None => "…".to_owned(),
                Some(a) if s.key == "mcbound" => {
                    let n = format::nines(-a.log10_down());
                    trf!(
                        "no quorum loss seen: at least {n} nines (95% bound)",
                        "未见法定人数丢失：至少 {n} 个九（95% 界）"
                    )
                }
                Some(a) if a.ln_down == f64::NEG_INFINITY => tr!("no downtime", "无停机").to_owned(),
                Some(a) => {
                    let (v, n) = (format::availability(a), format::nines(-a.log10_down()));
                    trf!("{v} ({n} nines)", "{v}（{n} 个九）")
                }
            };
            let ci = (s.key == "mc")
                .then_some(data.band.as_ref())
                .flatten()
                .and_then(|b| Some((b.lo.get(i).copied().flatten()?, b.hi.get(i).copied().flatten()?)))
                .filter(|(_, h)| h.down > 0.0)
                .map(|(l, h)| {
                    let (l, h) = (format::nines(-l.log10_down()), format::nines(-h.log10_down()));
                    trf!(" · 95% CI {l}–{h} nines", " · 95% 置信区间 {l}–{h} 个九")
                });
            html! {
                <li data-series={s.key} data-value={v.map(|a| a.up.to_string())}>
                    <i class="swatch" style={format!("--c: {}", s.colour)}></i>
                    <b>{ s.name.clone() }</b><span>{ text }{ ci.unwrap_or_default() }</span>
                </li>
            }
        });
    html! {
        <div class={classes!("readout", hovered.then_some("hovered"))} data-testid="readout" data-x={x.to_string()} data-hovered={hovered.to_string()}>
            <b class="x">{ format!("{} = {x_text}", data.x_name) }</b>
            if !hovered {
                <span class="muted">{ tr!(" (this setup; point at the chart for others)", "（当前设置；指向图表查看其他点）") }</span>
            }
            <ul>{ for items }</ul>
        </div>
    }
}
