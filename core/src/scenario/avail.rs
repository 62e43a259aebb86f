//! The availability page's scenario: a cluster's failure and repair model and which curve to
//! draw. Times are written with a unit, to the second:
//!
//! ```text
//! ?p=avail&n=5&q=3&mtbf=1000h&mttr=4h&crews=1&x=mttr&fail=weibull:1.5&trials=10000&seed=3
//! ?p=avail&detect=30s&dom=3&dmtbf=2y&dmttr=2h&mission=1y&sla=99.95
//! ```
//!
//! `detect` (detection and failover) adds to every repair. `dom` spreads the nodes round-robin
//! over failure domains, each down for `dmttr` about once per `dmtbf` with all its nodes.
//! `mission` is the time over which the page gives the chance of any quorum loss, and `sla` the
//! availability a window (the Monte Carlo window, 30 days by default) must keep.
//!
//! Units: `s`, `min`, `h`, `d`, `y` (365.25 d). Measured points (`measure=1`) run the protocol
//! (`proto=raft|paxos`) on the simulator with their own MTBF/MTTR in simulated time
//! (`smtbf=20s&smttr=1s`; see `reliability::curve::Measurements`). Defaults are left out when
//! encoding; unknown keys are errors, except the page's view keys.

use super::units::{format_decimal, format_duration, parse_decimal, parse_duration, shorten};
use super::url::split_query;
use super::ProtocolKind;
use super::{check_range, ScenarioError};
use crate::msg::Msg;
use crate::protocol::{Micros, SEC};
use crate::reliability::monte_carlo::Lifetime;
use crate::reliability::outages::Domains;
use crate::reliability::MAX_N;
use std::collections::BTreeMap;

pub const MIN_MTBF_S: u64 = 60;
pub const MAX_TIME_S: u64 = 100 * YEAR_S;
pub const MIN_MTTR_S: u64 = 1;
pub const MIN_TRIALS: u32 = 100;
pub const MAX_TRIALS: u32 = 1_000_000;
pub const MIN_SHAPE: u32 = 20; // hundredths: 0.2
pub const MAX_SHAPE: u32 = 1_000; // 10
const YEAR_S: u64 = 31_557_600;
/// Detection and failover time added to each repair: at most a day.
pub const MAX_DETECT_S: u64 = 86_400;
/// Failure domains: none (0) or 2 to 16.
pub const MAX_DOMAINS: u32 = 16;
/// Mission time for the chance of a quorum loss: 1 hour to 100 years.
pub const MIN_MISSION_S: u64 = 3_600;
/// SLA target in parts per million of availability: 90% to 99.9999%.
pub const MIN_SLA_PPM: u32 = 900_000;
pub const MAX_SLA_PPM: u32 = 999_999;

/// The x axis of the curves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Axis {
    #[default]
    Nodes,
    Mttr,
    Mtbf,
    Crews,
}

impl Axis {
    pub const ALL: [Axis; 4] = [Axis::Nodes, Axis::Mttr, Axis::Mtbf, Axis::Crews];

    pub fn name(self) -> &'static str {
        match self {
            Axis::Nodes => "n",
            Axis::Mttr => "mttr",
            Axis::Mtbf => "mtbf",
            Axis::Crews => "crews",
        }
    }
}

/// A lifetime shape as the URL writes it: `exp` or `weibull:1.5` (shape in hundredths).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    #[default]
    Exp,
    Weibull(u32),
}

impl Shape {
    pub fn lifetime(self) -> Lifetime {
        match self {
            Shape::Exp => Lifetime::Exponential,
            Shape::Weibull(k) => Lifetime::Weibull { shape: f64::from(k) / 100.0 },
        }
    }

    fn token(self) -> String {
        match self {
            Shape::Exp => "exp".into(),
            Shape::Weibull(k) => format!("weibull:{}", format_decimal(u64::from(k), 2)),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvailScenario {
    pub version: u32,
    /// Nodes (replicas), 1–101.
    pub n: u32,
    /// Nodes that must be up; `None` is a majority.
    pub quorum: Option<u32>,
    /// Seconds.
    pub mtbf: u64,
    pub mttr: u64,
    /// Repair crews, 1–n; `None` is one per node (independent repairs).
    pub crews: Option<u32>,
    pub axis: Axis,
    pub failures: Shape,
    pub repairs: Shape,
    /// Monte Carlo trials per point.
    pub trials: u32,
    /// Monte Carlo window per trial, seconds (default 30 days: ~7 events per trial at the
    /// default MTBF, which keeps a 20-point curve of 10,000 trials each well under 100 ms).
    pub horizon: u64,
    pub seed: u64,
    /// Measure on the simulated protocol too (its own MTBF/MTTR, in simulated time).
    pub measure: bool,
    pub protocol: ProtocolKind,
    pub sim_mtbf: Micros,
    pub sim_mttr: Micros,
    /// Detection and failover, seconds, added to every repair.
    pub detect: u64,
    /// Failure domains (0: none); node i is in domain i mod `domains`.
    pub domains: u32,
    /// A domain's outage MTBF and MTTR, seconds.
    pub domain_mtbf: u64,
    pub domain_mttr: u64,
    /// Mission time, seconds: the chance of at least one quorum loss within it.
    pub mission: u64,
    /// The SLA's availability target, parts per million (999,000 is 99.9%).
    pub sla_ppm: u32,
}

impl Default for AvailScenario {
    fn default() -> Self {
        AvailScenario {
            version: super::FORMAT_VERSION,
            n: 5,
            quorum: None,
            mtbf: 1_000 * 3600,
            mttr: 4 * 3600,
            crews: None,
            axis: Axis::Nodes,
            failures: Shape::Exp,
            repairs: Shape::Exp,
            trials: 10_000,
            horizon: 30 * 86_400,
            seed: 1,
            measure: false,
            protocol: ProtocolKind::Raft,
            sim_mtbf: 20 * SEC,
            sim_mttr: SEC,
            detect: 0,
            domains: 0,
            domain_mtbf: YEAR_S,
            domain_mttr: 2 * 3600,
            mission: YEAR_S,
            sla_ppm: 999_000,
        }
    }
}

/// A decoded query: the scenario and the page's view keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedAvail {
    pub scenario: AvailScenario,
    pub view: BTreeMap<String, String>,
}

impl AvailScenario {
    /// The quorum in force: the given one or a majority.
    pub fn k(&self) -> u32 {
        self.quorum.unwrap_or(self.n / 2 + 1)
    }

    pub fn crews(&self) -> u32 {
        self.crews.unwrap_or(self.n)
    }

    pub fn mtbf_hours(&self) -> f64 {
        self.mtbf as f64 / 3600.0
    }

    pub fn mttr_hours(&self) -> f64 {
        self.mttr as f64 / 3600.0
    }

    /// The whole time a failed node is out: detection and failover, then the repair.
    pub fn repair_hours(&self) -> f64 {
        (self.mttr + self.detect) as f64 / 3600.0
    }

    /// The failure domains, if any.
    pub fn failure_domains(&self) -> Option<Domains> {
        (self.domains > 0).then(|| Domains {
            count: self.domains,
            mtbf: self.domain_mtbf as f64 / 3600.0,
            mttr: self.domain_mttr as f64 / 3600.0,
        })
    }

    pub fn mission_hours(&self) -> f64 {
        self.mission as f64 / 3600.0
    }

    /// The fraction of a window the SLA allows down.
    pub fn sla_down(&self) -> f64 {
        f64::from(1_000_000 - self.sla_ppm) / 1e6
    }

    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.version != super::FORMAT_VERSION {
            return Err(ScenarioError::new("v", crate::msg!("unsupported version {v}", v = self.version)));
        }
        check_range("n", self.n, 1, MAX_N)?;
        if let Some(q) = self.quorum {
            check_range("q", q, 1, self.n)?;
        }
        if let Some(c) = self.crews {
            check_range("crews", c, 1, self.n)?;
        }
        let time = |field: &str, v: u64, lo: u64| {
            if (lo..=MAX_TIME_S).contains(&v) {
                Ok(())
            } else {
                Err(ScenarioError::new(
                    field,
                    crate::msg!(
                        "must be between {lo} and {hi}, got {v}",
                        lo = format_time(lo),
                        hi = format_time(MAX_TIME_S),
                        v = format_time(v)
                    ),
                ))
            }
        };
        time("mtbf", self.mtbf, MIN_MTBF_S)?;
        time("mttr", self.mttr, MIN_MTTR_S)?;
        time("horizon", self.horizon, 3600)?;
        time("mission", self.mission, MIN_MISSION_S)?;
        if self.detect > MAX_DETECT_S {
            return Err(ScenarioError::new(
                "detect",
                crate::msg!(
                    "must be between {lo} and {hi}, got {v}",
                    lo = format_time(0),
                    hi = format_time(MAX_DETECT_S),
                    v = format_time(self.detect)
                ),
            ));
        }
        if self.domains == 1 || self.domains > MAX_DOMAINS {
            return Err(ScenarioError::new(
                "dom",
                crate::msg!(
                    "failure domains: 0 (none) or 2 to {max}, got {v}",
                    max = MAX_DOMAINS,
                    v = self.domains
                ),
            ));
        }
        time("dmtbf", self.domain_mtbf, MIN_MTBF_S)?;
        time("dmttr", self.domain_mttr, MIN_MTTR_S)?;
        if !(MIN_SLA_PPM..=MAX_SLA_PPM).contains(&self.sla_ppm) {
            return Err(ScenarioError::new(
                "sla",
                crate::msg!("must be between 90% and 99.9999%, got {v}%", v = format_percent(self.sla_ppm)),
            ));
        }
        check_range("trials", self.trials, MIN_TRIALS, MAX_TRIALS)?;
        check_range("smtbf", self.sim_mtbf, SEC, 600 * SEC)?;
        check_range("smttr", self.sim_mttr, 10_000, 600 * SEC)?;
        for (field, s) in [("fail", self.failures), ("repair", self.repairs)] {
            if let Shape::Weibull(k) = s {
                if !(MIN_SHAPE..=MAX_SHAPE).contains(&k) {
                    return Err(ScenarioError::new(
                        field,
                        crate::msg!("a Weibull shape goes from 0.2 to 10"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Seconds as a person would write them: the largest unit giving a whole number below 10,000
/// (`1000h`, `2y`, `90s`), else the largest that is exact to 3 decimals (`1.5y`).
pub fn format_time(s: u64) -> String {
    let units = [("y", YEAR_S), ("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1)];
    let whole =
        |&&(_, secs): &&(&str, u64)| (s >= secs || secs == 1) && s.is_multiple_of(secs) && s / secs < 10_000;
    if let Some((unit, secs)) = units.iter().find(whole) {
        return format!("{}{unit}", s / secs);
    }
    for (unit, secs) in units {
        if s >= secs && (s * 1000).is_multiple_of(secs) {
            return format!("{}{unit}", format_decimal(s * 1000 / secs, 3));
        }
    }
    format!("{s}s")
}

/// `4h`, `1.5d`, `90s`, `30min`, `2y` → seconds (whole seconds only).
pub fn parse_time(v: &str) -> Result<u64, Msg> {
    let units = [("min", 60), ("s", 1), ("h", 3_600), ("d", 86_400), ("y", YEAR_S)];
    let Some((num, secs)) = units.iter().find_map(|&(u, secs)| v.strip_suffix(u).map(|n| (n, secs))) else {
        return Err(crate::msg!("a time needs a unit (s, min, h, d or y), got \"{v}\"", v = shorten(v)));
    };
    let milli = parse_decimal(num, 1000).ok_or_else(|| crate::msg!("not a time: \"{v}\"", v = shorten(v)))?;
    let total = milli.checked_mul(secs).ok_or_else(|| crate::msg!("too long: \"{v}\"", v = shorten(v)))?;
    if !total.is_multiple_of(1000) {
        return Err(crate::msg!("times are whole seconds, got \"{v}\"", v = shorten(v)));
    }
    Ok(total / 1000)
}

/// Parts per million of availability as a percentage: 999,500 → `99.95`.
pub fn format_percent(ppm: u32) -> String {
    format_decimal(u64::from(ppm), 4)
}

/// `99.95` (a percentage, at most 4 decimals) → 999,500 parts per million.
pub fn parse_percent(v: &str) -> Result<u32, Msg> {
    let t = v.strip_suffix('%').unwrap_or(v);
    parse_decimal(t, 10_000)
        .and_then(|x| u32::try_from(x).ok())
        .ok_or_else(|| crate::msg!("expected a percentage such as 99.9, got \"{v}\"", v = shorten(v)))
}

fn parse_shape(v: &str) -> Result<Shape, Msg> {
    if v == "exp" {
        return Ok(Shape::Exp);
    }
    v.strip_prefix("weibull:")
        .and_then(|k| parse_decimal(k, 100))
        .and_then(|k| u32::try_from(k).ok())
        .map(Shape::Weibull)
        .ok_or_else(|| crate::msg!("expected exp or weibull:SHAPE, got \"{v}\"", v = shorten(v)))
}

pub fn encode(s: &AvailScenario) -> String {
    let d = AvailScenario::default();
    let mut parts = vec!["p=avail".to_string()];
    if s.n != d.n {
        parts.push(format!("n={}", s.n));
    }
    if let Some(q) = s.quorum {
        parts.push(format!("q={q}"));
    }
    if s.mtbf != d.mtbf {
        parts.push(format!("mtbf={}", format_time(s.mtbf)));
    }
    if s.mttr != d.mttr {
        parts.push(format!("mttr={}", format_time(s.mttr)));
    }
    if let Some(c) = s.crews {
        parts.push(format!("crews={c}"));
    }
    if s.axis != d.axis {
        parts.push(format!("x={}", s.axis.name()));
    }
    if s.failures != d.failures {
        parts.push(format!("fail={}", s.failures.token()));
    }
    if s.repairs != d.repairs {
        parts.push(format!("repair={}", s.repairs.token()));
    }
    if s.trials != d.trials {
        parts.push(format!("trials={}", s.trials));
    }
    if s.horizon != d.horizon {
        parts.push(format!("horizon={}", format_time(s.horizon)));
    }
    if s.seed != d.seed {
        parts.push(format!("seed={}", s.seed));
    }
    if s.measure {
        parts.push("measure=1".into());
    }
    if s.protocol != d.protocol {
        parts.push(format!("proto={}", s.protocol.name()));
    }
    if s.sim_mtbf != d.sim_mtbf {
        parts.push(format!("smtbf={}", format_duration(s.sim_mtbf)));
    }
    if s.sim_mttr != d.sim_mttr {
        parts.push(format!("smttr={}", format_duration(s.sim_mttr)));
    }
    if s.detect != d.detect {
        parts.push(format!("detect={}", format_time(s.detect)));
    }
    if s.domains != d.domains {
        parts.push(format!("dom={}", s.domains));
    }
    if s.domain_mtbf != d.domain_mtbf {
        parts.push(format!("dmtbf={}", format_time(s.domain_mtbf)));
    }
    if s.domain_mttr != d.domain_mttr {
        parts.push(format!("dmttr={}", format_time(s.domain_mttr)));
    }
    if s.mission != d.mission {
        parts.push(format!("mission={}", format_time(s.mission)));
    }
    if s.sla_ppm != d.sla_ppm {
        parts.push(format!("sla={}", format_percent(s.sla_ppm)));
    }
    parts.join("&")
}

pub fn decode(query: &str) -> Result<DecodedAvail, ScenarioError> {
    let (pairs, view) = split_query(query)?;
    let mut s = AvailScenario::default();
    for (key, val) in &pairs {
        let err = |m: Msg| ScenarioError::new(key.as_str(), m);
        let int = |v: &str| -> Result<u64, ScenarioError> {
            v.parse::<u64>()
                .map_err(|_| err(crate::msg!("expected a whole number, got \"{v}\"", v = shorten(v))))
        };
        let small = |v: &str| int(v).map(|x| u32::try_from(x).unwrap_or(u32::MAX));
        match key.as_str() {
            "p" if val == "avail" => {}
            "p" => {
                return Err(err(crate::msg!("this is the availability page, got \"{v}\"", v = shorten(val))))
            }
            "v" => s.version = small(val)?,
            "n" => s.n = small(val)?,
            "q" => s.quorum = Some(small(val)?),
            "crews" => s.crews = Some(small(val)?),
            "mtbf" => s.mtbf = parse_time(val).map_err(err)?,
            "mttr" => s.mttr = parse_time(val).map_err(err)?,
            "horizon" => s.horizon = parse_time(val).map_err(err)?,
            "x" => {
                s.axis = Axis::ALL.into_iter().find(|a| a.name() == val).ok_or_else(|| {
                    err(crate::msg!("expected n, mttr, mtbf or crews, got \"{v}\"", v = shorten(val)))
                })?
            }
            "fail" => s.failures = parse_shape(val).map_err(err)?,
            "repair" => s.repairs = parse_shape(val).map_err(err)?,
            "trials" => s.trials = small(val)?,
            "seed" => s.seed = int(val)?,
            "measure" => {
                s.measure = match val.as_str() {
                    "1" => true,
                    "0" => false,
                    other => {
                        return Err(err(crate::msg!("expected 0 or 1, got \"{v}\"", v = shorten(other))))
                    }
                }
            }
            "proto" => {
                s.protocol = match val.as_str() {
                    "raft" => ProtocolKind::Raft,
                    "paxos" => ProtocolKind::Paxos,
                    other => {
                        return Err(err(crate::msg!(
                            "expected raft or paxos, got \"{v}\"",
                            v = shorten(other)
                        )))
                    }
                }
            }
            "smtbf" => s.sim_mtbf = parse_duration(val).map_err(err)?,
            "smttr" => s.sim_mttr = parse_duration(val).map_err(err)?,
            "detect" => s.detect = parse_time(val).map_err(err)?,
            "dom" => s.domains = small(val)?,
            "dmtbf" => s.domain_mtbf = parse_time(val).map_err(err)?,
            "dmttr" => s.domain_mttr = parse_time(val).map_err(err)?,
            "mission" => s.mission = parse_time(val).map_err(err)?,
            "sla" => s.sla_ppm = parse_percent(val).map_err(err)?,
            other => {
                return Err(ScenarioError::new(
                    shorten(other),
                    crate::msg!("unknown key for the availability page"),
                ))
            }
        }
    }
    s.validate()?;
    Ok(DecodedAvail { scenario: s, view })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_and_full_queries_round_trip() {
        assert_eq!(encode(&AvailScenario::default()), "p=avail");
        let q = "p=avail&n=7&q=5&mtbf=2y&mttr=90s&crews=2&x=mttr&fail=weibull:1.5&repair=weibull:0.8&trials=500&horizon=1y&seed=9&measure=1&proto=paxos&smtbf=10s&smttr=500ms";
        let s = decode(q).expect("valid").scenario;
        assert_eq!((s.n, s.k(), s.crews(), s.mttr), (7, 5, 2, 90));
        assert_eq!(encode(&s), q);
        let q = "p=avail&detect=30s&dom=3&dmtbf=2y&dmttr=90min&mission=30d&sla=99.95";
        let s = decode(q).expect("valid").scenario;
        assert_eq!(
            (s.detect, s.domains, s.domain_mttr, s.mission, s.sla_ppm),
            (30, 3, 5_400, 2_592_000, 999_500)
        );
        assert_eq!(encode(&s), q);
        assert!(
            (s.sla_down() - 0.0005).abs() < 1e-15 && (s.repair_hours() - (4.0 + 30.0 / 3600.0)).abs() < 1e-12
        );
        assert_eq!(decode("sla=99.9%25").expect("a % sign is fine").scenario.sla_ppm, 999_000);
    }

    #[test]
    fn times_parse_exactly() {
        assert_eq!(parse_time("4h"), Ok(14_400));
        assert_eq!(parse_time("1.5d"), Ok(129_600));
        assert_eq!(parse_time("30min"), Ok(1_800));
        assert_eq!(format_time(1_800), "30min");
        assert_eq!(format_time(129_600), "36h");
        assert_eq!(format_time(99 * 3_600), "99h", "not 4.125d");
        assert_eq!(format_time(90), "90s");
        assert_eq!(format_time(0), "0s");
        assert_eq!(format_time(YEAR_S * 3 / 2), "1.5y");
        assert!(parse_time("4").is_err() && parse_time("0.0001s").is_err() && parse_time("h").is_err());
    }

    #[test]
    fn bad_values_name_their_field() {
        for (q, field) in [
            ("n=0", "n"),
            ("n=102", "n"),
            ("q=6", "q"),
            ("crews=9", "crews"),
            ("mtbf=10s", "mtbf"),
            ("mttr=0s", "mttr"),
            ("mttr=200y", "mttr"),
            ("x=y", "x"),
            ("fail=gamma", "fail"),
            ("fail=weibull:20", "fail"),
            ("trials=5", "trials"),
            ("measure=2", "measure"),
            ("smttr=1us", "smttr"),
            ("proto=zab", "proto"),
            ("p=ring", "p"),
            ("zzz=1", "zzz"),
            ("detect=2d", "detect"),
            ("detect=5", "detect"),
            ("dom=1", "dom"),
            ("dom=17", "dom"),
            ("dmtbf=1s", "dmtbf"),
            ("dmttr=0s", "dmttr"),
            ("mission=1min", "mission"),
            ("mission=101y", "mission"),
            ("sla=50", "sla"),
            ("sla=100", "sla"),
            ("sla=99.99999", "sla"),
            ("sla=high", "sla"),
        ] {
            assert_eq!(decode(q).expect_err(q).field, field, "{q}");
        }
    }
}
