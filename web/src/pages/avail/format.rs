//! Numbers as the availability page prints them: availabilities with enough digits to show
//! their nines, nines as percentages, and durations in the largest unit that reads well.

use halab_core::reliability::Avail;

/// Hours in a year (365.25 days), as `reliability::nines` counts them.
const YEAR_H: f64 = 365.25 * 24.0;

/// A positive number given as its natural logarithm, in scientific notation with 3
/// significant digits: ln(1e-404) → `1.00e-404`. Works far outside f64's range.
pub fn sci_ln(ln_x: f64) -> String {
    if ln_x == f64::NEG_INFINITY {
        return "0".into();
    }
    if !ln_x.is_finite() {
        return "—".into();
    }
    let l10 = ln_x / std::f64::consts::LN_10;
    let mut exp = l10.floor();
    let mut mant = 10f64.powf(l10 - exp);
    if format!("{mant:.2}") == "10.00" {
        mant = 1.0;
        exp += 1.0;
    }
    format!("{mant:.2}e{}", exp as i64)
}

/// Is a logarithm inside the range where f64 prints the number itself?
fn plain(ln_x: f64) -> bool {
    ln_x.is_finite() && (-700.0..700.0).contains(&ln_x)
}

/// An availability with every digit that matters: its nines plus five more significant digits
/// (0.99999014940…), at most 17 decimals; exactly 1 when nothing is ever down, and
/// `1 − 1.00e-404` when the down part is below what an f64 holds.
pub fn availability(a: Avail) -> String {
    if !a.up.is_finite() || !a.down.is_finite() {
        return "—".into();
    }
    if a.ln_down == f64::NEG_INFINITY {
        return tr!("1 (no downtime at all)", "1（完全没有停机）").into();
    }
    if a.down <= 0.0 || a.down < 1e-17 {
        return format!("1 − {}", sci_ln(a.ln_down));
    }
    let nines = (-a.down.log10()).max(0.0);
    let decimals = (nines.floor() as usize + 6).clamp(6, 17);
    format!("{:.decimals$}", a.up)
}

/// Unavailability in scientific notation: `9.8506e-6`, or `1.00e-404` beyond f64.
pub fn unavailability(a: Avail) -> String {
    if a.ln_down == f64::NEG_INFINITY {
        "0".into()
    } else if a.down <= 0.0 || a.down < 1e-300 {
        sci_ln(a.ln_down)
    } else {
        format!("{:.4e}", a.down)
    }
}

/// A duration given as ln(hours): [`hours`] inside f64's range, else `1.2e+398 y` or `3.1e-397 s`.
pub fn hours_ln(ln_h: f64) -> String {
    if plain(ln_h) {
        hours(ln_h.exp())
    } else if ln_h == f64::INFINITY {
        tr!("never", "从不").into()
    } else if ln_h > 0.0 {
        format!("{} y", sci_ln(ln_h - YEAR_H.ln()))
    } else {
        format!("{} s", sci_ln(ln_h + 3600f64.ln()))
    }
}

/// Downtime given as ln(hours): [`downtime`] inside f64's range, else `3.1e-397 s`.
pub fn downtime_ln(ln_h: f64) -> String {
    if ln_h == f64::NEG_INFINITY {
        "0 s".into()
    } else if plain(ln_h) {
        downtime(ln_h.exp())
    } else {
        format!("{} s", sci_ln(ln_h + 3600f64.ln()))
    }
}

/// A probability given as its logarithm: `0.0041`, `3.2e-9`, `1.00e-400`.
pub fn probability_ln(ln_p: f64) -> String {
    if ln_p == f64::NEG_INFINITY {
        return "0".into();
    }
    let p = ln_p.exp();
    if p >= 0.001 {
        sig(p)
    } else {
        sci_ln(ln_p)
    }
}

/// A count per year given as ln: `0.0041 per year`, or once in `1.2e+398 years`.
pub fn per_year_ln(ln_f: f64) -> String {
    if ln_f == f64::NEG_INFINITY {
        return tr!("never", "从不").into();
    }
    let f = ln_f.exp();
    if f >= 0.01 {
        let f = sig(f);
        trf!("{f} per year", "每年 {f} 次")
    } else {
        let y = if -ln_f < 1e6f64.ln() { sig((-ln_f).exp()) } else { sci_ln(-ln_f) };
        trf!("once in {y} years", "每 {y} 年一次")
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
        _ => trf!("{k} nines", "{k} 个九"),
    }
}

/// A duration given in hours, in words: `4.3 h`, `52 min`, `3.1 s`, `12 d`, `3.4 y`.
pub fn hours(h: f64) -> String {
    if h.is_nan() || h < 0.0 {
        return "—".into();
    }
    if h.is_infinite() {
        return tr!("never", "从不").into();
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
