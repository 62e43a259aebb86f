//! What the circle draws, as plain data: SVG path strings per node, built once per change from
//! the [`Lab`] and then only compared by pointer. Pure Rust, tested natively.
//!
//! Keeping the element count small is what keeps a rebuild cheap: a node's vnode ticks are one
//! `<path>` of M/L segments, its arcs of the rim another, and above [`DOT_LIMIT`] keys its keys a
//! third (one radial bar per angular bin) instead of a `<circle>` per key. The rest scales with
//! the number of points and keys only through loops over plain arrays.

use super::format::thousands;
use halab_core::compact::{desc_u32, sort_by_u64};
use halab_core::protocol::NodeId;
use halab_core::ring::hash::mix;
use halab_core::ring::lab::Lab;
use halab_core::ring::limits::MAX_RING_NODES;
use halab_core::ring::{Algorithm, HashRing};
use std::f64::consts::TAU;
use std::fmt::Write;

/// The SVG is a `SIZE`×`SIZE` box around the centre `(C, C)`.
pub const SIZE: f64 = 640.0;
pub const C: f64 = SIZE / 2.0;
/// The rim: a band coloured by which node owns each arc of the circle.
pub const RIM: f64 = 252.0;
pub const RIM_WIDTH: f64 = 16.0;
/// Vnode ticks stand just outside the rim.
pub const TICK_IN: f64 = 263.0;
pub const TICK_OUT: f64 = 273.0;
/// Arcs that changed owner in the last change flash outside the ticks.
pub const MOVED_R: f64 = 281.0;
/// Keys sit inside the rim, between these radii (bars grow inward from `KEY_OUTER`).
pub const KEY_OUTER: f64 = 238.0;
pub const KEY_INNER: f64 = 146.0;
pub const DOT_RADIUS: f64 = 2.5;

/// Up to this many ring points each gets a tick and the rim is exact; above it the rim shows
/// the main owner of each of [`RIM_BINS`] bins (a tick would be thinner than a pixel anyway).
pub const TICK_LIMIT: usize = 3_000;
pub const RIM_BINS: usize = 1_440;
/// Up to this many keys each is a dot; above it keys are counted in angular bins, about
/// [`KEYS_PER_BIN`] to a bin so a bar's length is not mostly noise, from [`MIN_KEY_BINS`] (2°)
/// to [`MAX_KEY_BINS`] (0.5°).
pub const DOT_LIMIT: usize = 1_500;
pub const KEYS_PER_BIN: usize = 40;
pub const MIN_KEY_BINS: usize = 180;
pub const MAX_KEY_BINS: usize = 720;
/// Owners stacked in one bin's bar at most; smaller shares join one grey "others" segment.
pub const STACK_LIMIT: usize = 12;
/// Moved arcs drawn one by one up to this many; above it they are binned like the rim.
pub const ARC_LIMIT: usize = 3_000;

const TWO64: f64 = 18_446_744_073_709_551_616.0;
const SLOTS: usize = MAX_RING_NODES;

/// A key hash's place on the circle, 0..1 clockwise from the top.
pub fn fraction(hash: u64) -> f64 {
    hash as f64 / TWO64
}

/// The point at `f` of the way round (clockwise from 12 o'clock), at radius `r`.
pub fn polar(f: f64, r: f64) -> (f64, f64) {
    let a = f * TAU;
    (C + r * a.sin(), C - r * a.cos())
}

/// An arc of the rim, from `start` to `end` clockwise, as fractions of the circle (it wraps
/// through 0 when `end < start`; `start == 0, end == 1` is the whole circle).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Run {
    pub start: f64,
    pub end: f64,
    pub owner: NodeId,
}

impl Run {
    pub fn contains(&self, f: f64) -> bool {
        if self.start <= self.end {
            (self.start..=self.end).contains(&f)
        } else {
            f >= self.start || f <= self.end
        }
    }
}

/// What the pointer is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hover {
    Key(u32),
    /// An angular bin of keys (bins mode).
    Bin(u16),
    Node(NodeId),
}

/// How the keys are drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Keys {
    /// One dot per key.
    Dots(Vec<Dot>),
    /// Keys counted per bin.
    Bins(Vec<Bin>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub key: u32,
    pub owner: NodeId,
}

/// One angular bin of keys, for the hover panel.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bin {
    pub total: u32,
    /// The lowest-numbered key in the bin, shown as an example.
    pub first_key: Option<u32>,
    /// Keys per owner, most first (ties by id).
    pub owners: Vec<(NodeId, u32)>,
}

/// Everything drawn for one member node.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layer {
    pub id: NodeId,
    pub down: bool,
    /// Rim arcs it owns (path `d`).
    pub rim: String,
    /// Its vnode ticks.
    pub ticks: String,
    /// Its keys' bars in the bins (bins mode).
    pub bars: String,
    /// Its keys' dots (dots mode).
    pub dots: Vec<(f64, f64)>,
}

/// A flash overlay path: coloured as the node that received the keys (or arcs), or neutral.
#[derive(Clone, Debug, PartialEq)]
pub struct FlashPath {
    pub to: Option<NodeId>,
    /// How it is drawn: `dots`, `bars`, `halo` (a dark outline under the bars) or `arcs`.
    pub kind: &'static str,
    pub d: String,
}

/// The path of `to` in `paths`, added if new.
fn path_for<'a>(paths: &'a mut Vec<FlashPath>, to: NodeId, kind: &'static str) -> &'a mut String {
    let i = match paths.iter().position(|p| p.to == Some(to)) {
        Some(i) => i,
        None => {
            paths.push(FlashPath { to: Some(to), kind, d: String::new() });
            paths.len() - 1
        }
    };
    &mut paths[i].d
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flash {
    pub arcs: Vec<FlashPath>,
    pub keys: Vec<FlashPath>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CircleView {
    pub algorithm: Algorithm,
    /// Whether the algorithm has a ring to draw (ring, bounded loads).
    pub has_ring: bool,
    pub points: usize,
    /// Ticks drawn (false: too many points, the rim is binned).
    pub exact_rim: bool,
    pub runs: Vec<Run>,
    pub keys: Keys,
    /// The longest bin's key count (bars are scaled to it).
    pub bin_scale: u32,
    pub layers: Vec<Layer>,
    /// The grey "others" part of crowded bins.
    pub others: String,
    /// Moved arcs and keys of the last membership change, if the view follows one.
    pub flash: Option<Flash>,
}

impl CircleView {
    /// The view of `lab`; `flash` draws what its last change moved.
    pub fn build(lab: &Lab, flash: bool) -> CircleView {
        let s = lab.scenario();
        let ring = lab.ring();
        let points = ring.map_or(0, HashRing::len);
        let exact_rim = points <= TICK_LIMIT;
        let mut layers: Vec<Layer> =
            s.members.ids().map(|id| Layer { id, down: s.down.contains(&id), ..Layer::default() }).collect();
        let slot = slots(&layers);
        let mut runs = Vec::new();
        if let Some(ring) = ring {
            let pts: Vec<(u64, NodeId)> = ring.points().collect();
            runs = if exact_rim { exact_runs(&pts) } else { binned_runs(&pts, RIM_BINS) };
            for run in &runs {
                if let Some(l) = layer(&mut layers, &slot, run.owner) {
                    arc(&mut l.rim, run.start, run.end, RIM);
                }
            }
            if exact_rim {
                for &(p, owner) in &pts {
                    if let Some(l) = layer(&mut layers, &slot, owner) {
                        let f = fraction(p);
                        radial(&mut l.ticks, f, TICK_IN, TICK_OUT);
                    }
                }
            }
        }
        let (keys, bin_scale, others) = draw_keys(lab, &mut layers, &slot);
        let flash = flash.then(|| draw_flash(lab, &keys, bin_scale)).flatten();
        CircleView {
            algorithm: s.algorithm,
            has_ring: ring.is_some(),
            points,
            exact_rim,
            runs,
            keys,
            bin_scale,
            layers,
            others,
            flash,
        }
    }

    /// What is under the point `(x, y)` of the picture: a key (the nearest dot within a few
    /// units) or a bin in the key band, a node on the rim.
    pub fn hit(&self, x: f64, y: f64) -> Option<Hover> {
        let (dx, dy) = (x - C, y - C);
        let r = dx.hypot(dy);
        let f = (dx.atan2(-dy) / TAU).rem_euclid(1.0);
        if (KEY_INNER - 8.0..=KEY_OUTER + 6.0).contains(&r) {
            return match &self.keys {
                Keys::Dots(dots) => dots
                    .iter()
                    .map(|d| ((d.x - x).powi(2) + (d.y - y).powi(2), d.key))
                    .filter(|&(d2, _)| d2 <= 81.0)
                    .min_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, k)| Hover::Key(k)),
                Keys::Bins(bins) => {
                    let b = ((f * bins.len() as f64) as usize).min(bins.len().saturating_sub(1));
                    bins.get(b).filter(|bin| bin.total > 0).map(|_| Hover::Bin(b as u16))
                }
            };
        }
        if self.has_ring && (RIM - RIM_WIDTH..=TICK_OUT + 8.0).contains(&r) {
            return self.rim_owner(f).map(Hover::Node);
        }
        None
    }

    /// A bin bar's stroke width: most of the bin's width at the rim.
    pub fn bar_width(&self) -> f64 {
        match &self.keys {
            Keys::Bins(bins) => (TAU * KEY_OUTER / bins.len().max(1) as f64 * 0.82).min(7.0),
            Keys::Dots(_) => 0.0,
        }
    }

    /// The node whose rim arc covers `f`.
    pub fn rim_owner(&self, f: f64) -> Option<NodeId> {
        self.runs.iter().find(|r| r.contains(f)).map(|r| r.owner)
    }

    /// One sentence on what the picture shows (under the circle).
    pub fn caption(&self) -> String {
        let points = thousands(self.points as u64);
        let rim = if !self.has_ring {
            tr!(
                "No ring: ownership is per key, so the circle only places each key at its hash.",
                "没有环：所有权按键计算，所以圆上只按哈希摆放每个键。"
            )
            .to_owned()
        } else if self.exact_rim {
            let bounded = self.algorithm == Algorithm::Bounded;
            let home = if bounded {
                tr!(" (a key's home; a full node passes it on)", "（键的归属；满了的节点会把它往后传）")
            } else {
                ""
            };
            trf!(
                "The rim is coloured by owner{home}: each of the {points} ticks is a vnode, owning the arc up to it.",
                "环边缘按所有者着色{home}：{points} 个刻度各是一个虚拟节点，拥有到它为止的弧段。"
            )
        } else {
            let slice = 360.0 / RIM_BINS as f64;
            trf!(
                "{points} vnodes are too many to draw one by one: the rim shows the main owner of each {slice}° slice.",
                "{points} 个虚拟节点太多，无法逐个画出：环边缘显示每个 {slice}° 扇区的主要所有者。"
            )
        };
        let keys = match &self.keys {
            Keys::Dots(d) => {
                let n = thousands(d.len() as u64);
                trf!(
                    "Dots are the {n} keys at their hash, coloured by owner.",
                    "圆点是位于各自哈希处的 {n} 个键，按所有者着色。"
                )
            }
            Keys::Bins(bins) => {
                let (n, slice) = (bins.len(), 360.0 / bins.len() as f64);
                trf!(
                    "Keys are counted in {n} slices of {slice}°: a bar's length is its count, split by owner.",
                    "键按 {n} 个 {slice}° 扇区计数：柱长是计数，按所有者分段。"
                )
            }
        };
        format!("{rim} {keys}")
    }
}

/// Node id → index in `layers` (ids are below [`MAX_RING_NODES`]).
fn slots(layers: &[Layer]) -> [Option<u8>; SLOTS] {
    let mut slot = [None; SLOTS];
    for (i, l) in layers.iter().enumerate() {
        if let Some(s) = slot.get_mut(usize::from(l.id)) {
            *s = Some(i as u8);
        }
    }
    slot
}

fn layer<'a>(layers: &'a mut [Layer], slot: &[Option<u8>; SLOTS], id: NodeId) -> Option<&'a mut Layer> {
    let i = (*slot.get(usize::from(id))?)?;
    layers.get_mut(usize::from(i))
}

/// The rim exactly: the arc (previous point, point] belongs to the point's owner; neighbouring
/// arcs of one owner merge.
pub fn exact_runs(points: &[(u64, NodeId)]) -> Vec<Run> {
    let n = points.len();
    let mut runs: Vec<Run> = Vec::new();
    for i in 0..n {
        let start = fraction(points[(i + n - 1) % n].0);
        let (end, owner) = (fraction(points[i].0), points[i].1);
        match runs.last_mut() {
            Some(last) if last.owner == owner => last.end = end,
            _ => runs.push(Run { start, end, owner }),
        }
    }
    close_runs(runs)
}

/// The rim at `bins` resolution: each bin goes to the owner of most of its length.
pub fn binned_runs(points: &[(u64, NodeId)], bins: usize) -> Vec<Run> {
    let (Some(&(first, first_owner)), Some(&(last, _))) = (points.first(), points.last()) else {
        return Vec::new();
    };
    let b = bins as u128;
    let bin_of = |p: u128| ((p * b) >> 64) as usize;
    let bin_start = |i: usize| ((i as u128) << 64).div_ceil(b);
    let mut best: Vec<Option<NodeId>> = vec![None; bins];
    let mut acc = [0u128; SLOTS];
    let mut touched: Vec<NodeId> = Vec::new();
    let mut current = 0usize;
    let mut flush = |bin: usize, acc: &mut [u128; SLOTS], touched: &mut Vec<NodeId>| {
        let winner = touched.iter().copied().max_by_key(|&id| (acc[usize::from(id)], std::cmp::Reverse(id)));
        if let Some(slot) = best.get_mut(bin) {
            *slot = winner;
        }
        for id in touched.drain(..) {
            acc[usize::from(id)] = 0;
        }
    };
    // The circle as pieces [from, to): up to the first point, between points, after the last.
    let pieces = std::iter::once((0u128, u128::from(first), first_owner))
        .chain(points.windows(2).map(|w| (u128::from(w[0].0), u128::from(w[1].0), w[1].1)))
        .chain(std::iter::once((u128::from(last), 1u128 << 64, first_owner)));
    for (from, to, owner) in pieces {
        if usize::from(owner) >= SLOTS {
            continue;
        }
        let mut at = from;
        while at < to {
            let bin = bin_of(at);
            if bin != current {
                flush(current, &mut acc, &mut touched);
                current = bin;
            }
            let end = to.min(bin_start(bin + 1));
            let slot = &mut acc[usize::from(owner)];
            if *slot == 0 {
                touched.push(owner);
            }
            *slot += end - at;
            at = end;
        }
    }
    flush(current, &mut acc, &mut touched);
    let mut runs: Vec<Run> = Vec::new();
    for (i, owner) in best.into_iter().enumerate() {
        let Some(owner) = owner else { continue };
        let (start, end) = (i as f64 / bins as f64, (i + 1) as f64 / bins as f64);
        match runs.last_mut() {
            Some(last) if last.owner == owner && (last.end - start).abs() < 1e-12 => last.end = end,
            _ => runs.push(Run { start, end, owner }),
        }
    }
    close_runs(runs)
}

/// Joins the last run to the first across 0 when one node owns both; one run left is the whole
/// circle.
fn close_runs(mut runs: Vec<Run>) -> Vec<Run> {
    if runs.len() > 1 {
        let (first, last) = (runs[0], runs[runs.len() - 1]);
        if first.owner == last.owner {
            runs[0].start = last.start;
            runs.pop();
        }
    }
    if let [only] = runs.as_mut_slice() {
        only.start = 0.0;
        only.end = 1.0;
    }
    runs
}

/// Keys as dots or bins, into each owner's layer; returns the keys for hovering, the bar scale
/// and the "others" path.
fn draw_keys(lab: &Lab, layers: &mut [Layer], slot: &[Option<u8>; SLOTS]) -> (Keys, u32, String) {
    let (hashes, owners) = (lab.keys(), lab.assignment());
    if hashes.len() <= DOT_LIMIT {
        let mut dots = Vec::with_capacity(hashes.len());
        for (i, (&h, &owner)) in hashes.iter().zip(owners).enumerate() {
            let (x, y) = dot_position(h);
            dots.push(Dot { x, y, key: i as u32, owner });
            if let Some(l) = layer(layers, slot, owner) {
                l.dots.push((x, y));
            }
        }
        return (Keys::Dots(dots), 0, String::new());
    }
    // counts[bin][owner] in one flat array: one pass over the keys, no maps.
    let n = key_bins(hashes.len());
    let mut counts = vec![0u32; n * SLOTS];
    let mut first: Vec<Option<u32>> = vec![None; n];
    for (i, (&h, &owner)) in hashes.iter().zip(owners).enumerate() {
        let bin = key_bin(h, n);
        if usize::from(owner) < SLOTS {
            counts[bin * SLOTS + usize::from(owner)] += 1;
        }
        first[bin].get_or_insert(i as u32);
    }
    let live: Vec<NodeId> = lab.scenario().live().ids().collect();
    let mut bins = Vec::with_capacity(n);
    for (b, first) in first.into_iter().enumerate() {
        let row = &counts[b * SLOTS..(b + 1) * SLOTS];
        let mut owners: Vec<(NodeId, u32)> = live
            .iter()
            .filter_map(|&id| row.get(usize::from(id)).filter(|&&c| c > 0).map(|&c| (id, c)))
            .collect();
        sort_by_u64(&mut owners, |&(id, c)| desc_u32(c as usize) << 8 | u64::from(id));
        bins.push(Bin { total: owners.iter().map(|o| o.1).sum(), first_key: first, owners });
    }
    let scale = bins.iter().map(|b| b.total).max().unwrap_or(1).max(1);
    let mut others = String::new();
    for (b, bin) in bins.iter().enumerate() {
        let f = (b as f64 + 0.5) / n as f64;
        let mut r = KEY_OUTER;
        for (k, &(owner, count)) in bin.owners.iter().enumerate() {
            let len = bar_length(count, scale);
            if k < STACK_LIMIT {
                if let Some(l) = layer(layers, slot, owner) {
                    radial(&mut l.bars, f, r - len, r);
                }
                r -= len;
            } else {
                let rest: u32 = bin.owners[k..].iter().map(|o| o.1).sum();
                radial(&mut others, f, r - bar_length(rest, scale), r);
                break;
            }
        }
    }
    (Keys::Bins(bins), scale, others)
}

/// What the last change moved: the ring's arcs and the keys, in the colour of the node that
/// received them (dots, or the moved part of each bin's bar over a dark halo).
fn draw_flash(lab: &Lab, keys: &Keys, scale: u32) -> Option<Flash> {
    let last = lab.last()?;
    let mut flash = Flash::default();
    if last.arcs.len() <= ARC_LIMIT {
        for a in &last.arcs {
            arc(path_for(&mut flash.arcs, a.to, "arcs"), fraction(a.start), fraction(a.end), MOVED_R);
        }
    } else {
        // Too many to draw one by one: mark each rim slice that any moved arc touches.
        let mut hit = vec![false; RIM_BINS];
        for a in &last.arcs {
            let (s, e) = (fraction(a.start), fraction(a.end));
            let (first, last) = (
                ((s * RIM_BINS as f64) as usize).min(RIM_BINS - 1),
                ((e * RIM_BINS as f64) as usize).min(RIM_BINS - 1),
            );
            let mut b = first;
            loop {
                hit[b] = true;
                if b == last {
                    break;
                }
                b = (b + 1) % RIM_BINS;
            }
        }
        let mut d = String::new();
        for (b, _) in hit.iter().enumerate().filter(|(_, &h)| h) {
            arc(&mut d, b as f64 / RIM_BINS as f64, (b + 1) as f64 / RIM_BINS as f64, MOVED_R);
        }
        flash.arcs.push(FlashPath { to: None, kind: "arcs", d });
    }
    let owners = lab.assignment();
    match keys {
        Keys::Dots(dots) => {
            for &k in &last.moved {
                let (Some(d), Some(&to)) = (dots.get(k as usize), owners.get(k as usize)) else { continue };
                dot(path_for(&mut flash.keys, to, "dots"), d.x, d.y);
            }
        }
        Keys::Bins(bins) => {
            // Moved keys per (bin, receiver), stacked from the rim inward like the bars.
            let n = bins.len();
            let mut moved: Vec<Vec<(NodeId, u32)>> = vec![Vec::new(); n];
            for &k in &last.moved {
                let (Some(&h), Some(&to)) = (lab.keys().get(k as usize), owners.get(k as usize)) else {
                    continue;
                };
                let Some(bin) = moved.get_mut(key_bin(h, n)) else { continue };
                match bin.iter_mut().find(|(id, _)| *id == to) {
                    Some((_, c)) => *c += 1,
                    None => bin.push((to, 1)),
                }
            }
            let mut halo = String::new();
            for (b, bin) in moved.iter_mut().enumerate().filter(|(_, bin)| !bin.is_empty()) {
                bin.sort_unstable();
                let f = (b as f64 + 0.5) / n as f64;
                let mut r = KEY_OUTER;
                for &(to, count) in bin.iter() {
                    let len = bar_length(count, scale);
                    radial(path_for(&mut flash.keys, to, "bars"), f, r - len, r);
                    r -= len;
                }
                radial(&mut halo, f, r, KEY_OUTER);
            }
            flash.keys.insert(0, FlashPath { to: None, kind: "halo", d: halo });
        }
    }
    // Keys as `sort_by_key(|p| p.to)` and `(p.kind != "halo", p.to)` would order them (None first).
    let to = |p: &FlashPath| p.to.map_or(0, |id| 1 + u64::from(id));
    sort_by_u64(&mut flash.arcs, to);
    sort_by_u64(&mut flash.keys, |p| u64::from(p.kind != "halo") << 16 | to(p));
    Some(flash)
}

/// How many bins `keys` keys are counted in.
pub fn key_bins(keys: usize) -> usize {
    (keys / KEYS_PER_BIN).clamp(MIN_KEY_BINS, MAX_KEY_BINS)
}

/// The bin of `n` a key hash falls in.
pub fn key_bin(hash: u64, n: usize) -> usize {
    ((u128::from(hash) * n as u128) >> 64) as usize
}

fn bar_length(count: u32, scale: u32) -> f64 {
    (KEY_OUTER - KEY_INNER) * f64::from(count) / f64::from(scale.max(1))
}

/// A key's dot: at its hash's angle, at a radius drawn from another part of its hash so the
/// dots spread over a band instead of piling up on one circle.
pub fn dot_position(hash: u64) -> (f64, f64) {
    let jitter = (mix(hash) >> 11) as f64 / (1u64 << 53) as f64;
    let r = KEY_INNER + DOT_RADIUS + jitter * (KEY_OUTER - KEY_INNER - 2.0 * DOT_RADIUS);
    polar(fraction(hash), r)
}

// ---------------------------------------------------------------------------------------------
// Path text, one decimal: enough for a 640-unit box, and short.

fn num(d: &mut String, v: f64) {
    let t = (v * 10.0).round() as i64;
    let (sign, t) = if t < 0 { ("-", t.unsigned_abs()) } else { ("", t as u64) };
    let _ =
        if t % 10 == 0 { write!(d, "{sign}{}", t / 10) } else { write!(d, "{sign}{}.{}", t / 10, t % 10) };
}

fn point(d: &mut String, cmd: char, (x, y): (f64, f64)) {
    d.push(cmd);
    num(d, x);
    d.push(' ');
    num(d, y);
}

/// A radial segment at `f` from radius `r0` to `r1`.
pub fn radial(d: &mut String, f: f64, r0: f64, r1: f64) {
    point(d, 'M', polar(f, r0));
    point(d, 'L', polar(f, r1));
}

/// A dot: a zero-length segment that round caps turn into a disc.
pub fn dot(d: &mut String, x: f64, y: f64) {
    point(d, 'M', (x, y));
    d.push_str("h0");
}

/// A clockwise arc from `start` to `end` (fractions) at radius `r`; the whole circle when the
/// span is (almost) all of it.
pub fn arc(d: &mut String, start: f64, end: f64, r: f64) {
    let span = if end > start { end - start } else { end + 1.0 - start };
    if span >= 1.0 - 1e-9 {
        arc(d, start, start + 0.5, r);
        arc(d, start + 0.5, start + 1.0, r);
        return;
    }
    point(d, 'M', polar(start, r));
    d.push('A');
    num(d, r);
    d.push(' ');
    num(d, r);
    d.push_str(if span > 0.5 { " 0 1 1 " } else { " 0 0 1 " });
    let (x, y) = polar(end, r);
    num(d, x);
    d.push(' ');
    num(d, y);
}
