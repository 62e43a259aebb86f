//! Numbers as the ring page prints them, and each node's colour.

use halab_core::protocol::NodeId;
use halab_core::ring::Weight;
use halab_core::scenario::units::format_hundredths;

/// `10000` → `10,000` (one formatter for every page).
pub use crate::playground::replay::thousands;

/// A share as a percentage: one decimal, or two below 1%, so small shares do not print as 0.
pub fn percent(f: f64) -> String {
    let p = f * 100.0;
    if !p.is_finite() || p == 0.0 {
        "0%".into()
    } else if p >= 1.0 {
        format!("{p:.1}%")
    } else if p >= 0.01 {
        format!("{p:.2}%")
    } else {
        "< 0.01%".into()
    }
}

/// A probability in plain words: a percentage, with "1 in N" when it is small.
pub fn chance(p: f64) -> String {
    if !p.is_finite() || p <= 0.0 {
        return "0".into();
    }
    if p >= 1.0 {
        return "100%".into();
    }
    let pct = p * 100.0;
    let shown = if pct >= 10.0 {
        format!("{pct:.0}%")
    } else if pct >= 1.0 {
        format!("{pct:.1}%")
    } else {
        // Two significant digits however small.
        let digits = ((-pct.log10().floor()) as usize + 1).min(12);
        format!("{pct:.digits$}%")
    };
    if p < 0.1 {
        let n = thousands((1.0 / p).round() as u64);
        trf!("{shown} (1 in {n})", "{shown}（{n} 分之 1）")
    } else {
        shown
    }
}

/// Bytes as B, KB or MB (powers of 1,000).
pub fn bytes(n: f64) -> String {
    if n < 1_000.0 {
        format!("{n:.0} B")
    } else if n < 1_000_000.0 {
        format!("{:.1} KB", n / 1e3)
    } else {
        format!("{:.2} MB", n / 1e6)
    }
}

/// A weight in hundredths as the inputs show it: `1`, `2.5`, `0.75`.
pub fn weight(w: Weight) -> String {
    format_hundredths(w)
}

/// A node's colour: a fixed palette for the first dozen ids (the usual cluster sizes), then hues
/// a golden angle apart so any two ids stay distinguishable.
pub fn node_colour(id: NodeId) -> String {
    const PALETTE: [&str; 12] = [
        "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#17a2b8", "#d4a21a", "#b07aa1", "#ff8fa3", "#9c755f",
        "#6a3d9a", "#bcbd22", "#c51b7d",
    ];
    match PALETTE.get(usize::from(id)) {
        Some(c) => (*c).to_owned(),
        None => {
            let hue = (f64::from(id) * 137.508) % 360.0;
            let light = [48, 58, 40][usize::from(id) % 3];
            format!("hsl({hue:.0} 65% {light}%)")
        }
    }
}
