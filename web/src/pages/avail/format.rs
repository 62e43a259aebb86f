//! Numbers as the availability page prints them: availabilities with enough digits to show
//! their nines, nines as percentages, and durations in the largest unit that reads well.

use halab_core::reliability::Avail;

/// Hours in a year (365.25 days), as `reliability::nines` counts them.
const YEAR_H: f64 = 365.25 * 24.0;

/// An availability with every digit that matters: its nines plus five more significant digits
/// (0.99999014940…), at most 17 decimals; exactly 1 when nothing is ever down.
pub fn availability(a: Avail) -> String {
    if !a.up.is_finite() || !a.down.is_finite() {
        return "—".into();
    }
    if a.down <= 0.0 {
        return "1 (no downtime at all)".into();
    }
    let nines = (-a.down.log10()).max(0.0);
    let decimals = (nines.floor() as usize + 6).clamp(6, 17);
    format!("{:.decimals$}", a.up)
}

/// Unavailability in scientific notation: `9.8506e-6`.
pub fn unavailability(a: Avail) -> String {
    if a.down <= 0.0 {
        "0".into()
    } else {
        format!("{:.4e}", a.down)
    }
}

/// Nines to two decimals, or "∞".
pub fn nines(n: f64) -> String {
    if n.is_infinite() && n > 0.0 {
        "∞".into()
    } else if n.is_finite() {
        format!("{n:.2}")
    } else {
        "—".into()
    }
}

/// The y-axis label for a whole number of nines: 1 → `90%`, 3 → `99.9%`, 7 → `7 nines`.
pub fn nines_label(k: u32) -> String {
    match k {
        0 => "0%".into(),
        1 => "90%".into(),
        2 => "99%".into(),
        3..=6 => format!("99.{}%", "9".repeat(k as usize - 2)),
        _ => format!("{k} nines"),
    }
}

/// A duration given in hours, in words: `4.3 h`, `52 min`, `3.1 s`, `12 d`, `3.4 y`.
pub fn hours(h: f64) -> String {
    if h.is_nan() || h < 0.0 {
        return "—".into();
    }
    if h.is_infinite() {
        return "never".into();
    }
    let s = h * 3600.0;
    if s == 0.0 {
        "0 s".into()
    } else if s < 0.001 {
        format!("{:.2} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{} ms", sig(s * 1e3))
    } else if s < 60.0 {
        format!("{} s", sig(s))
    } else if s < 3600.0 {
        format!("{} min", sig(s / 60.0))
    } else if h < 24.0 {
        format!("{} h", sig(h))
    } else if h < 2.0 * YEAR_H {
        format!("{} d", sig(h / 24.0))
    } else if h < 1e6 * YEAR_H {
        format!("{} y", sig(h / YEAR_H))
    } else {
        format!("{:.2e} y", h / YEAR_H)
    }
}

/// Downtime per period as `h min s`: `1 h 26 min 24 s`, `5 min 15.6 s`, `0.31 s`.
pub fn downtime(h: f64) -> String {
    if !h.is_finite() || h < 0.0 {
        return "—".into();
    }
    let s = h * 3600.0;
    if s < 10.0 {
        return if s == 0.0 {
            "0 s".into()
        } else if s < 0.001 {
            format!("{:.2} µs", s * 1e6)
        } else if s < 1.0 {
            format!("{} ms", sig(s * 1e3))
        } else {
            format!("{} s", sig(s))
        };
    }
    let total = s.round() as u64;
    let (hh, mm, ss) = (total / 3600, total % 3600 / 60, total % 60);
    let mut parts = Vec::new();
    if hh > 0 {
        parts.push(format!("{hh} h"));
    }
    if mm > 0 || hh > 0 {
        parts.push(format!("{mm} min"));
    }
    parts.push(format!("{ss} s"));
    parts.join(" ")
}

/// Seconds as an axis label: `30 s`, `10 min`, `4 h`, `2 d`, `1 y`.
pub fn seconds(s: f64) -> String {
    hours(s / 3600.0)
}

/// Three significant digits without trailing zeros: 4.3, 52, 0.123, 1234.
pub fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let decimals = (2 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// `10000` → `10,000`.
pub fn thousands(n: u64) -> String {
    crate::pages::ring::format::thousands(n)
}
