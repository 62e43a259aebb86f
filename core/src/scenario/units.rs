//! Exact decimal parsing and printing of durations and probabilities for URLs. No floats: a
//! value printed and parsed again is the same integer.

use crate::msg::Msg;
use crate::protocol::Micros;

/// Parses `1.5s`, `150ms`, `20us` into microseconds, exactly. Bare numbers are rejected so that
/// a URL always says its unit.
pub fn parse_duration(s: &str) -> Result<Micros, Msg> {
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1_000)
    } else if let Some(n) = s.strip_suffix("us") {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1_000_000)
    } else {
        return Err(crate::msg!("a duration needs a unit (s, ms or us), got \"{v}\"", v = shorten(s)));
    };
    parse_decimal(num, scale).ok_or_else(|| crate::msg!("not a duration: \"{v}\"", v = shorten(s)))
}

/// Prints microseconds in the largest unit that keeps the value exact: `2s`, `1.5s`, `150ms`.
pub fn format_duration(us: Micros) -> String {
    if us >= 1_000_000 || us == 0 {
        format!("{}s", format_decimal(us, 6))
    } else if us.is_multiple_of(1_000) {
        format!("{}ms", us / 1_000)
    } else if us >= 1_000 {
        format!("{}ms", format_decimal(us, 3))
    } else {
        format!("{us}us")
    }
}

/// Parses a probability such as `0.05` into parts per million (at most 6 decimals, at most 1).
pub fn parse_ppm(s: &str) -> Result<u32, Msg> {
    match parse_decimal(s, 1_000_000) {
        Some(v) if v <= 1_000_000 => Ok(v as u32),
        Some(_) => Err(crate::msg!("a probability must be between 0 and 1, got \"{v}\"", v = shorten(s))),
        None => Err(crate::msg!("not a probability: \"{v}\"", v = shorten(s))),
    }
}

pub fn format_ppm(ppm: u32) -> String {
    format_decimal(u64::from(ppm), 6)
}

/// Parses a decimal with at most two decimals into hundredths: `"2.5"` → 250.
pub fn parse_hundredths(s: &str) -> Result<u32, Msg> {
    parse_decimal(s, 100)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| crate::msg!("expected a number with at most 2 decimals, got \"{v}\"", v = shorten(s)))
}

pub fn format_hundredths(v: u32) -> String {
    format_decimal(u64::from(v), 2)
}

/// `"1.25"` with `scale` 1000 → 1250. At most as many decimals as `scale` has zeros; no sign,
/// no exponent, no overflow.
pub(crate) fn parse_decimal(s: &str, scale: u64) -> Option<u64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let digits = scale.ilog10() as usize;
    let ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if !ok(int) || !ok(frac) || frac.len() > digits || (s.contains('.') && frac.is_empty()) {
        return None;
    }
    let int: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac_val: u64 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    let frac_scaled = frac_val * 10u64.pow((digits - frac.len()) as u32);
    int.checked_mul(scale)?.checked_add(frac_scaled)
}

/// `1250` with 3 decimals → `"1.25"`.
pub(crate) fn format_decimal(v: u64, decimals: u32) -> String {
    let scale = 10u64.pow(decimals);
    let (int, frac) = (v / scale, v % scale);
    if frac == 0 {
        return int.to_string();
    }
    let frac = format!("{frac:0width$}", width = decimals as usize);
    format!("{int}.{}", frac.trim_end_matches('0'))
}

/// Hostile input is echoed back in error messages; keep it short.
pub fn shorten(s: &str) -> String {
    const MAX: usize = 32;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_trip_exactly() {
        for us in [0, 1, 999, 1_000, 1_500, 150_000, 1_000_000, 1_500_000, 2_000_001, 3_600_000_000] {
            assert_eq!(parse_duration(&format_duration(us)), Ok(us), "{}", format_duration(us));
        }
        assert_eq!(format_duration(1_500_000), "1.5s");
        assert_eq!(format_duration(150_000), "150ms");
        assert_eq!(parse_duration("0.25s"), Ok(250_000));
        assert_eq!(parse_duration(".5s"), Ok(500_000));
    }

    #[test]
    fn bad_durations_are_rejected() {
        for s in ["", "s", "5", "-1s", "1e3ms", "1.s", "0.0000001s", "99999999999999999999s", "1,5s", "١s"] {
            assert!(parse_duration(s).is_err(), "{s:?} accepted");
        }
    }

    #[test]
    fn probabilities() {
        assert_eq!(parse_ppm("0.05"), Ok(50_000));
        assert_eq!(parse_ppm("1"), Ok(1_000_000));
        assert_eq!(format_ppm(50_000), "0.05");
        assert!(parse_ppm("1.01").is_err());
        assert!(parse_ppm("NaN").is_err());
        assert!(parse_ppm("0.0000001").is_err());
    }

    #[test]
    fn shorten_caps_echoed_input() {
        let long = "<script>".repeat(20);
        assert!(shorten(&long).chars().count() <= 33);
    }
}
