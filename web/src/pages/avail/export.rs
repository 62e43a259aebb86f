//! Downloads: the curve's numbers as CSV (every f64 in Rust's shortest round-trip form, so a
//! file reads back to the very bits the page computed) and the chart as an SVG file.

use halab_core::reliability::curve::{Curve, Measurements};
use halab_core::reliability::{nines::nines, Avail};
use halab_core::scenario::avail::Axis;
use std::fmt::Write;

/// The x column's name for an axis.
pub fn x_column(axis: Axis) -> &'static str {
    match axis {
        Axis::Nodes => "n",
        Axis::Crews => "crews",
        Axis::Mttr => "mttr_s",
        Axis::Mtbf => "mtbf_s",
    }
}

fn push_avail(row: &mut String, a: Avail) {
    let _ = write!(row, ",{},{},{}", a.up, a.down, nines(a));
}

/// One row per x: the x value, then availability, unavailability and nines of k-of-n and of the
/// chain, then the Monte Carlo trials, loss episodes seen, mean, 95% interval and their nines.
pub fn curve_csv(curve: &Curve) -> String {
    let mut out = format!(
        "{},kofn_availability,kofn_unavailability,kofn_nines,ctmc_availability,ctmc_unavailability,ctmc_nines,\
         mc_trials,mc_episodes,mc_mean,mc_ci95_low,mc_ci95_high,mc_nines,mc_nines_low,mc_nines_high\n",
        x_column(curve.scenario.axis)
    );
    for p in &curve.points {
        let mut row = format!("{}", p.x);
        push_avail(&mut row, p.k_of_n);
        push_avail(&mut row, p.ctmc);
        let e = p.monte_carlo;
        if e.trials > 0 {
            let n = |up: f64| nines(Avail::from_up(up));
            let _ = write!(
                row,
                ",{},{},{},{},{},{},{},{}",
                e.trials,
                e.episodes,
                e.mean,
                e.low(),
                e.high(),
                n(e.mean),
                n(e.low()),
                n(e.high())
            );
        } else {
            row.push_str(",0,,,,,,,");
        }
        out.push_str(&row);
        out.push('\n');
    }
    out
}

/// The measured points: n, the formula at the same simulated MTBF/MTTR, and what the protocol did.
pub fn measured_csv(m: &Measurements) -> String {
    let mut out = String::from(
        "n,formula_availability,formula_unavailability,formula_nines,measured_availability,quorum_bound,quorum_up,writes\n",
    );
    for p in &m.points {
        let mut row = format!("{}", p.n);
        push_avail(&mut row, p.formula);
        match &p.measured {
            Some(x) => {
                let _ = write!(row, ",{},{},{},{}", x.availability, x.quorum_bound, x.quorum_up, x.writes);
            }
            None => row.push_str(",,,,"),
        }
        out.push_str(&row);
        out.push('\n');
    }
    out
}

/// The chart's markup as a standalone SVG file.
pub fn svg_file(outer_html: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{outer_html}\n")
}
