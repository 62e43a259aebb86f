//! A space-time timeline: one row per node, time running to the right. Each row shows the
//! node's states as coloured spans ("holds token 3" from 1.2 s to 2.0 s), point events as ticks
//! ("write refused" at 2.4 s), and optional overlays drawn across the spans (a pause). A cursor
//! marks the instant on screen, and only a sliding window of the newest seconds is drawn, so a
//! long run stays readable.
//!
//! Protocol-neutral: pages hand it plain rows, spans and marks with their words already in the
//! page's language (the lock page from its checker's holders timeline, whose labels are the
//! core's `Msg`s; a commit page from its participants' states). A span's or mark's `class`
//! becomes the CSS class `tl-<class>`, which sets its colour (`--c`) in the stylesheet.
//!
//! The shapes are SVG stretched to the width (`preserveAspectRatio="none"`, with strokes that do
//! not scale), so the plot fills any width; all text is HTML laid over it, so it never stretches
//! and stays readable on a phone.

use halab_core::protocol::{Micros, SEC};
use yew::prelude::*;

/// Height of a row, in CSS pixels and SVG units alike.
pub const ROW: f64 = 26.0;
/// Width of the SVG's coordinate box; x is a fraction of it.
const W: f64 = 1000.0;
/// A span narrower than this (in SVG units) gets no text label.
const LABEL_MIN: f64 = 44.0;
/// Room a label needs per character and for its padding, in SVG units (about 7 and 10 px on a
/// 500 px plot): a span too narrow for its whole label shows none rather than a clipped one.
const LABEL_CHAR: f64 = 14.0;

/// A label's width in narrow characters: a CJK character is as wide as two Latin ones.
fn label_width(label: &str) -> f64 {
    label
        .chars()
        .map(|c| {
            if c.is_ascii() {
                1.0
            } else if ('\u{2e80}'..='\u{ffef}').contains(&c) {
                2.0
            } else {
                1.0
            }
        })
        .sum()
}
const LABEL_PAD: f64 = 20.0;

/// One row: a node.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineRow {
    /// What spans and marks name (`node`).
    pub id: u8,
    pub label: String,
    /// CSS class of the dot before the label (a role).
    pub class: &'static str,
    /// A few words after the label (e.g. `clock +50%`); empty for none.
    pub note: String,
}

/// A state over an interval; `to == None` while it lasts (drawn up to `now`).
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineSpan {
    pub row: u8,
    pub from: Micros,
    pub to: Option<Micros>,
    /// `holding`, `waiting`, `in-doubt`, ...: the CSS class is `tl-<class>`.
    pub class: &'static str,
    /// Drawn inside the span where it fits.
    pub label: String,
    /// The hover text, in words; empty: the label.
    pub detail: String,
}

impl TimelineSpan {
    fn words(&self) -> &str {
        if self.detail.is_empty() {
            &self.label
        } else {
            &self.detail
        }
    }
}

/// A point event.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineMark {
    pub row: u8,
    pub at: Micros,
    /// `accepted`, `rejected`, ...: the CSS class is `tl-<class>`.
    pub class: &'static str,
    pub label: String,
}

/// How a legend entry is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyShape {
    Span,
    Overlay,
    Mark,
}

/// One legend entry.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineKey {
    pub shape: KeyShape,
    pub class: &'static str,
    pub label: &'static str,
}

/// Everything a timeline draws, as a page builds it for [`timeline()`].
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineView {
    pub rows: Vec<TimelineRow>,
    pub spans: Vec<TimelineSpan>,
    pub overlays: Vec<TimelineSpan>,
    pub marks: Vec<TimelineMark>,
    pub now: Micros,
    pub window: Micros,
}

/// The slice of time drawn: the newest `window` up to `now`, or the first `window` from 0 until
/// `now` passes it (the cursor walks right, then the picture slides).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    pub start: Micros,
    pub end: Micros,
}

impl Frame {
    pub fn new(now: Micros, window: Micros) -> Frame {
        let window = window.max(1);
        let start = now.saturating_sub(window);
        Frame { start, end: start + window }
    }

    /// The x of instant `t`, in SVG units (0 to 1000), clamped to the frame.
    pub fn x(&self, t: Micros) -> f64 {
        let t = t.clamp(self.start, self.end);
        (t - self.start) as f64 / (self.end - self.start).max(1) as f64 * W
    }

    /// The part of `[from, to]` inside the frame, as (x0, x1) with x1 > x0; `None` if nothing
    /// of it shows.
    pub fn clip(&self, from: Micros, to: Micros) -> Option<(f64, f64)> {
        if to <= self.start || from >= self.end || to <= from {
            return None;
        }
        let (x0, x1) = (self.x(from), self.x(to));
        (x1 > x0).then_some((x0, x1))
    }

    /// Axis ticks: (instant, x) at a round step giving at most about ten ticks.
    pub fn ticks(&self) -> Vec<(Micros, f64)> {
        let span = self.end - self.start;
        let steps =
            [SEC / 10, SEC / 5, SEC / 2, SEC, 2 * SEC, 5 * SEC, 10 * SEC, 20 * SEC, 30 * SEC, 60 * SEC];
        let step = steps.into_iter().find(|s| span / s <= 10).unwrap_or(span.div_ceil(10).max(1));
        let first = self.start.div_ceil(step) * step;
        (0..=span / step)
            .map(|k| first + k * step)
            .take_while(|t| *t <= self.end)
            .map(|t| (t, self.x(t)))
            .collect()
    }
}

/// `2 s`, `1.5 s`, `0.2 s`.
pub fn tick_label(t: Micros) -> String {
    let s = format!("{:.1}", t as f64 / 1e6);
    format!("{} s", s.trim_end_matches('0').trim_end_matches('.'))
}

fn secs(t: Micros) -> String {
    format!("{:.3} s", t as f64 / 1e6)
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x / W * 100.0)
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub rows: Vec<TimelineRow>,
    #[prop_or_default]
    pub spans: Vec<TimelineSpan>,
    /// Drawn across the spans, translucent (e.g. a pause).
    #[prop_or_default]
    pub overlays: Vec<TimelineSpan>,
    #[prop_or_default]
    pub marks: Vec<TimelineMark>,
    /// The instant on screen, in µs.
    pub now: Micros,
    /// How much time the plot shows, in µs.
    pub window: Micros,
    #[prop_or_default]
    pub legend: Vec<TimelineKey>,
    /// The accessible name of the plot.
    #[prop_or_default]
    pub label: AttrValue,
}

/// A page's timeline card: "Timeline — {rows}, the last N s; ticks are {ticks}" over the plot.
pub fn timeline_panel(
    t: TimelineView,
    rows: &str,
    ticks: &str,
    legend: Vec<TimelineKey>,
    label: &str,
) -> Html {
    let window = t.window / SEC;
    html! {
        <div class="timeline-panel">
            <h2>{ tr!("Timeline", "时间线") }<span class="muted">{ trf!(
                " — {rows}, the last {window} s; ticks are {ticks}",
                " — {rows}，最近 {window} s；刻度表示{ticks}"
            ) }</span></h2>
            { timeline(&TimelineProps {
                rows: t.rows,
                spans: t.spans,
                overlays: t.overlays,
                marks: t.marks,
                now: t.now,
                window: t.window,
                legend,
                label: AttrValue::from(label.to_owned()),
            }) }
        </div>
    }
}

pub fn timeline(p: &TimelineProps) -> Html {
    let frame = Frame::new(p.now, p.window);
    let height = ROW * p.rows.len() as f64;
    let row_of = |id: u8| p.rows.iter().position(|r| r.id == id);

    let bands = (0..p.rows.len()).map(|i| {
        html! { <rect class={classes!("tl-band", (i % 2 == 1).then_some("odd"))} x="0" y={fmt(i as f64 * ROW)} width={fmt(W)} height={fmt(ROW)} /> }
    });
    let ticks = frame.ticks();
    let grid = ticks.iter().map(|(_, x)| {
        html! { <line class="tl-grid" x1={fmt(*x)} x2={fmt(*x)} y1="0" y2={fmt(height)} vector-effect="non-scaling-stroke" /> }
    });

    let mut texts = Vec::new();
    let spans = p.spans.iter().filter_map(|s| {
        let i = row_of(s.row)?;
        let to = s.to.unwrap_or(p.now).min(p.now.max(s.from));
        let (x0, x1) = frame.clip(s.from, to)?;
        let y = i as f64 * ROW;
        let title = span_title(p, i, s);
        if x1 - x0 >= LABEL_MIN.max(LABEL_PAD + LABEL_CHAR * label_width(&s.label)) && !s.label.is_empty() {
            texts.push(html! {
                <span class={classes!("tl-text", format!("tl-{}", s.class))}
                    style={format!("left: {}; width: {}; top: {}px", pct(x0), pct(x1 - x0), fmt(y))}>{ &s.label }</span>
            });
        }
        Some(html! {
            <rect class={classes!("tl-span", format!("tl-{}", s.class))} x={fmt(x0)} y={fmt(y + 4.0)}
                width={fmt(x1 - x0)} height={fmt(ROW - 8.0)} data-node={s.row.to_string()} data-class={s.class}
                data-label={s.label.clone()} data-open={s.to.is_none().to_string()}>
                <title>{ title }</title>
            </rect>
        })
    });
    let spans: Vec<Html> = spans.collect();

    let overlays = p.overlays.iter().filter_map(|s| {
        let i = row_of(s.row)?;
        let to = s.to.unwrap_or(p.now).min(p.now.max(s.from));
        let (x0, x1) = frame.clip(s.from, to)?;
        let y = i as f64 * ROW;
        let title = span_title(p, i, s);
        Some(html! {
            <rect class={classes!("tl-overlay", format!("tl-{}", s.class))} x={fmt(x0)} y={fmt(y + 1.0)}
                width={fmt(x1 - x0)} height={fmt(ROW - 2.0)} data-node={s.row.to_string()} data-class={s.class}>
                <title>{ title }</title>
            </rect>
        })
    });
    let overlays: Vec<Html> = overlays.collect();

    let marks = p.marks.iter().filter_map(|m| {
        let i = row_of(m.row)?;
        if m.at < frame.start || m.at > frame.end || m.at > p.now {
            return None;
        }
        let (x, y) = (frame.x(m.at), i as f64 * ROW);
        let (row, label, at) = (row_name(p, i), &m.label, secs(m.at));
        let title = trf!("{row}: {label} at {at}", "{row}：{label}，于 {at}");
        texts.push(html! {
            <span class={classes!("tl-glyph", format!("tl-{}", m.class))} style={format!("left: {}; top: {}px", pct(x), fmt(y))}></span>
        });
        Some(html! {
            <g class={classes!("tl-mark", format!("tl-{}", m.class))} data-node={m.row.to_string()} data-class={m.class}
                data-label={m.label.clone()}>
                <title>{ title }</title>
                <line class="hit" x1={fmt(x)} x2={fmt(x)} y1={fmt(y)} y2={fmt(y + ROW)} vector-effect="non-scaling-stroke" />
                <line class="tick" x1={fmt(x)} x2={fmt(x)} y1={fmt(y + 2.0)} y2={fmt(y + ROW - 2.0)} vector-effect="non-scaling-stroke" />
            </g>
        })
    });
    let marks: Vec<Html> = marks.collect();

    let now_x = frame.x(p.now);
    let labels = p.rows.iter().map(|r| {
        html! {
            <li data-testid={format!("tl-row-{}", r.id)} style={format!("height: {}px", fmt(ROW))}>
                <span class={classes!("dot", r.class)}></span><span class="name">{ &r.label }</span>
                if !r.note.is_empty() { <span class="note">{ &r.note }</span> }
            </li>
        }
    });
    let axis = ticks.iter().map(|(t, x)| {
        // The labels at the ends stay inside the plot.
        let edge = if *x < 30.0 {
            Some("first")
        } else if *x > W - 30.0 {
            Some("last")
        } else {
            None
        };
        html! { <span class={classes!(edge)} style={format!("left: {}", pct(*x))}>{ tick_label(*t) }</span> }
    });
    let legend = p.legend.iter().map(|k| {
        let class = format!("tl-{}", k.class);
        let swatch = match k.shape {
            KeyShape::Span => html! { <span class={classes!("sw-span", class)}></span> },
            KeyShape::Overlay => html! { <span class={classes!("sw-overlay", class)}></span> },
            KeyShape::Mark => html! { <span class={classes!("sw-mark", class)}></span> },
        };
        html! { <li>{ swatch }{ k.label }</li> }
    });

    html! {
        <figure class="timeline" data-testid="timeline" data-start={frame.start.to_string()}
            data-end={frame.end.to_string()} data-now={p.now.to_string()}>
            <div class="tl-body">
                <ul class="tl-labels" aria-hidden="true">{ for labels }</ul>
                <div class="tl-plot">
                    <svg viewBox={format!("0 0 {} {}", fmt(W), fmt(height))} preserveAspectRatio="none"
                        style={format!("height: {}px", fmt(height))} role="img" aria-label={p.label.clone()}>
                        <g class="tl-bands">{ for bands }</g>
                        <g class="tl-grids">{ for grid }</g>
                        <g class="tl-spans">{ for spans }</g>
                        <g class="tl-overlays">{ for overlays }</g>
                        <g class="tl-marks">{ for marks }</g>
                        <line class="tl-now" x1={fmt(now_x)} x2={fmt(now_x)} y1="0" y2={fmt(height)} vector-effect="non-scaling-stroke" />
                    </svg>
                    <div class="tl-texts" aria-hidden="true">{ for texts }</div>
                    <div class="tl-axis" aria-hidden="true">{ for axis }</div>
                </div>
            </div>
            if !p.legend.is_empty() {
                <ul class="tl-legend">{ for legend }<li><span class="sw-now"></span>{ tr!("now", "现在") }</li></ul>
            }
        </figure>
    }
}

/// A span's or overlay's hover text: `client 1: token 2 (0.810 s – now)`.
fn span_title(p: &TimelineProps, i: usize, s: &TimelineSpan) -> String {
    let until = s.to.map_or_else(|| tr!("now", "现在").to_owned(), secs);
    let (row, words, from) = (row_name(p, i), s.words(), secs(s.from));
    trf!("{row}: {words} ({from} – {until})", "{row}：{words}（{from} – {until}）")
}

fn row_name(p: &TimelineProps, i: usize) -> &str {
    p.rows.get(i).map_or("", |r| r.label.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_fills_from_zero_then_slides() {
        let f = Frame::new(3 * SEC, 8 * SEC);
        assert_eq!((f.start, f.end), (0, 8 * SEC));
        assert_eq!(f.x(4 * SEC), 500.0);
        let f = Frame::new(20 * SEC, 8 * SEC);
        assert_eq!((f.start, f.end), (12 * SEC, 20 * SEC));
        assert_eq!(f.x(20 * SEC), 1000.0);
        assert_eq!(f.x(0), 0.0, "clamped");
        assert_eq!(Frame::new(0, 0).end, 1, "never an empty frame");
    }

    #[test]
    fn spans_are_clipped_to_the_frame_and_empty_ones_vanish() {
        let f = Frame::new(20 * SEC, 8 * SEC);
        assert_eq!(f.clip(10 * SEC, 14 * SEC), Some((0.0, 250.0)));
        assert_eq!(f.clip(18 * SEC, 30 * SEC), Some((750.0, 1000.0)));
        assert_eq!(f.clip(SEC, 12 * SEC), None, "ended as the frame begins");
        assert_eq!(f.clip(21 * SEC, 22 * SEC), None, "after the frame");
        assert_eq!(f.clip(15 * SEC, 15 * SEC), None, "zero length");
    }

    #[test]
    fn ticks_are_round_and_few() {
        let f = Frame::new(13_300_000, 8 * SEC);
        let t: Vec<Micros> = f.ticks().into_iter().map(|(t, _)| t).collect();
        assert_eq!(t, (6..=13).map(|s| s * SEC).collect::<Vec<_>>());
        let f = Frame::new(SEC / 2, SEC);
        let t = f.ticks();
        assert!(t.len() <= 11 && t.len() >= 5, "{t:?}");
        assert!(t.iter().all(|(t, x)| *t % (SEC / 10) == 0 && (0.0..=1000.0).contains(x)));
        let f = Frame::new(500 * SEC, 400 * SEC);
        assert!(f.ticks().len() <= 11);
        assert_eq!(tick_label(1_500_000), "1.5 s");
        assert_eq!(tick_label(2 * SEC), "2 s");
    }
}
