//! The scenario as a URL query a person can read and edit:
//!
//! ```text
//! ?p=raft&n=5&seed=7&lat=1ms-10ms&loss=0.05&rate=2&bugs=vote,fig8&faults=crash:1@2s,heal@6s
//! ```
//!
//! Fault tokens (`@` gives the simulated time):
//! `crash:N`, `restart:N`, `pause:N:DUR`, `part:0.1/2.3.4` (groups of nodes), `cut:A-B` (one-way
//! link A→B), `mend:A-B` (restore it), `heal`, `loss:P`, `dup:P`, `lat:DUR-DUR`, `write:N` (a client write sent to N),
//! `drift:N:RATE` (node N's clock runs RATE fast, e.g. `0.3`, or slow, `-0.05`),
//! `crash:leader` and `isolate:leader` (whichever node leads at that instant).
//! Keys with default values are left out when encoding. Unknown keys are errors (a typo must not
//! silently give a different run), except the page's own view keys listed in [`VIEW_KEYS`].

use super::units::{format_duration, format_ppm, parse_duration, parse_ppm, shorten};
use super::{limits, ProtocolKind, Scenario, ScenarioError};
use crate::msg::Msg;
use crate::protocol::{Degrade, Micros, NodeId};
use crate::raft::Bugs;
use crate::sim::fault::{Fault, Scheduled};
use std::collections::BTreeMap;

/// Keys the page reads for itself (embedding, speed, where to stop); the codec passes them on.
pub const VIEW_KEYS: &[&str] = &["embed", "speed", "t", "view", "lang", "learn"];

pub use crate::lb::LB_BUG_NAMES;
pub use crate::lock::LOCK_BUG_NAMES;
use crate::paxos::Mode;
pub use crate::paxos::PAXOS_BUG_NAMES;
pub use crate::raft::config::BUG_NAMES;
use crate::txn::TxnMode;
pub use crate::txn::TXN_BUG_NAMES;

/// A decoded query: the scenario plus the view keys, still as text, for the page to parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub scenario: Scenario,
    pub view: BTreeMap<String, String>,
}

/// Encodes a scenario as a query string without the leading `?`.
pub fn encode(s: &Scenario) -> String {
    let d = Scenario::default_for(s.protocol);
    let mut parts =
        vec![format!("p={}", s.protocol.name()), format!("n={}", s.nodes), format!("seed={}", s.seed)];
    if s.net.latency_min != d.net.latency_min || s.net.latency_max != d.net.latency_max {
        parts.push(format!("lat={}", range(s.net.latency_min, s.net.latency_max)));
    }
    if s.net.loss_ppm != d.net.loss_ppm {
        parts.push(format!("loss={}", format_ppm(s.net.loss_ppm)));
    }
    if s.net.dup_ppm != d.net.dup_ppm {
        parts.push(format!("dup={}", format_ppm(s.net.dup_ppm)));
    }
    if s.protocol.takes_writes() && s.write_rate != d.write_rate {
        parts.push(format!("rate={}", s.write_rate));
    }
    let bugs = match s.protocol {
        ProtocolKind::Raft => {
            if (s.election_min, s.election_max) != (d.election_min, d.election_max) {
                parts.push(format!("el={}", range(s.election_min, s.election_max)));
            }
            if s.heartbeat != d.heartbeat {
                parts.push(format!("hb={}", format_duration(s.heartbeat)));
            }
            if s.noop != d.noop {
                parts.push(format!("noop={}", u8::from(s.noop)));
            }
            if s.reset_on_higher_term != d.reset_on_higher_term {
                parts.push(format!("etcdtimer={}", u8::from(s.reset_on_higher_term)));
            }
            if s.snapshot_every != d.snapshot_every {
                parts.push(format!("snap={}", s.snapshot_every));
            }
            bug_list(&s.bugs)
        }
        ProtocolKind::Paxos => {
            let (x, dx) = (&s.paxos, &d.paxos);
            if x.proposers != dx.proposers {
                parts.push(format!("proposers={}", x.proposers));
            }
            if x.mode != dx.mode {
                parts.push(format!("mode={}", mode_name(x.mode)));
            }
            if x.backoff != dx.backoff {
                parts.push(format!("backoff={}", u8::from(x.backoff)));
            }
            PAXOS_BUG_NAMES.iter().map(|(n, _)| *n).filter(|n| x.bugs.get(n) == Some(true)).collect()
        }
        ProtocolKind::Lock => {
            let (x, dx) = (&s.lock, &d.lock);
            if x.ttl != dx.ttl {
                parts.push(format!("ttl={}", format_duration(x.ttl)));
            }
            if x.bound_ppm != dx.bound_ppm {
                parts.push(format!("bound={}", format_ppm(x.bound_ppm)));
            }
            if (x.work_min, x.work_max) != (dx.work_min, dx.work_max) {
                parts.push(format!("work={}", range(x.work_min, x.work_max)));
            }
            LOCK_BUG_NAMES.iter().map(|(n, _)| *n).filter(|n| x.bugs.get(n) == Some(true)).collect()
        }
        ProtocolKind::Txn => {
            let (x, dx) = (&s.txn, &d.txn);
            if x.mode != dx.mode {
                parts.push(format!("mode={}", x.mode.name()));
            }
            if x.no_percent != dx.no_percent {
                parts.push(format!("no={}", x.no_percent));
            }
            if x.vote_timeout != dx.vote_timeout {
                parts.push(format!("timeout={}", format_duration(x.vote_timeout)));
            }
            TXN_BUG_NAMES.iter().map(|(n, _)| *n).filter(|n| x.bugs.get(n) == Some(true)).collect()
        }
        ProtocolKind::Lb => {
            s.lb.encode(&d.lb, &mut parts);
            LB_BUG_NAMES.iter().map(|(n, _)| *n).filter(|n| s.lb.bugs.get(n) == Some(true)).collect()
        }
    };
    if !bugs.is_empty() {
        parts.push(format!("bugs={}", bugs.join(",")));
    }
    if !s.faults.is_empty() {
        let f: Vec<String> =
            s.faults.iter().map(|f| format!("{}@{}", fault_token(&f.fault), format_duration(f.at))).collect();
        parts.push(format!("faults={}", f.join(",")));
    }
    parts.join("&")
}

fn range(lo: Micros, hi: Micros) -> String {
    format!("{}-{}", format_duration(lo), format_duration(hi))
}

fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::Single => "single",
        Mode::Multi => "multi",
    }
}

fn bug_list(b: &Bugs) -> Vec<&'static str> {
    BUG_NAMES.iter().map(|(n, _)| *n).filter(|n| b.get(n) == Some(true)).collect()
}

/// The URL token of a fault (without its time).
pub fn fault_token(f: &Fault) -> String {
    match f {
        Fault::Crash(n) => format!("crash:{n}"),
        Fault::Restart(n) => format!("restart:{n}"),
        Fault::Pause(n, d) => format!("pause:{n}:{}", format_duration(*d)),
        Fault::Partition(groups) => {
            let g: Vec<String> = groups
                .iter()
                .map(|g| g.iter().map(|n| n.to_string()).collect::<Vec<_>>().join("."))
                .collect();
            format!("part:{}", g.join("/"))
        }
        Fault::Cut(a, b) => format!("cut:{a}-{b}"),
        Fault::Mend(a, b) => format!("mend:{a}-{b}"),
        Fault::Heal => "heal".into(),
        Fault::SetLoss(p) => format!("loss:{}", format_ppm(*p)),
        Fault::SetDup(p) => format!("dup:{}", format_ppm(*p)),
        Fault::SetLatency(lo, hi) => format!("lat:{}", range(*lo, *hi)),
        Fault::Write(n) => format!("write:{n}"),
        Fault::IsolateLeader => "isolate:leader".into(),
        Fault::CrashLeader => "crash:leader".into(),
        Fault::ClockDrift(n, ppm) => format!("drift:{n}:{}", format_drift(*ppm)),
        Fault::Degrade(n, Degrade::Slow(f)) => format!("slow:{n}:{f}"),
        Fault::Degrade(n, Degrade::FailFast) => format!("failfast:{n}"),
        Fault::Degrade(n, Degrade::Recover) => format!("recover:{n}"),
        Fault::Steer(on) => format!("steer:{}", if *on { "on" } else { "off" }),
        Fault::Deliver(id) => format!("deliver:{id}"),
        Fault::Lose(id) => format!("lose:{id}"),
        Fault::Copy(id) => format!("copy:{id}"),
        Fault::Fire(n, k) => format!("fire:{n}:{k}"),
    }
}

/// Decodes and validates a query string (with or without the leading `?`).
pub fn decode(query: &str) -> Result<Decoded, ScenarioError> {
    let mut s = Scenario::default();
    let (mut pairs, view) = split_query(query)?;
    // The protocol decides what the other keys mean, wherever `p` stands.
    pairs.sort_by_key(|(k, _)| k != "p");
    for (key, val) in &pairs {
        apply_key(&mut s, key, val)?;
    }
    // The default proposer count must not exceed a small cluster the user did ask for.
    if s.protocol == ProtocolKind::Paxos && !pairs.iter().any(|(k, _)| k == "proposers") {
        s.paxos.proposers = s.paxos.proposers.min(s.nodes.max(1));
    }
    s.validate()?;
    Ok(Decoded { scenario: s, view })
}

/// A query (with or without `?`, at most [`limits::MAX_QUERY_LEN`] long) as %-decoded
/// scenario pairs in order, and the [`VIEW_KEYS`] apart. A key given twice is an error.
pub(crate) type Pairs = Vec<(String, String)>;

pub(crate) fn split_query(query: &str) -> Result<(Pairs, BTreeMap<String, String>), ScenarioError> {
    if query.len() > limits::MAX_QUERY_LEN {
        return Err(ScenarioError::new(
            "url",
            crate::msg!("longer than {max} characters", max = limits::MAX_QUERY_LEN),
        ));
    }
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut view = BTreeMap::new();
    let mut pairs = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(k)
            .ok_or_else(|| ScenarioError::new("url", crate::msg!("bad %-escape in a key")))?;
        let val =
            percent_decode(v).ok_or_else(|| ScenarioError::new(key.clone(), crate::msg!("bad %-escape")))?;
        if !seen.insert(key.clone()) {
            return Err(ScenarioError::new(shorten(&key), crate::msg!("given twice")));
        }
        if VIEW_KEYS.contains(&key.as_str()) {
            view.insert(key, val);
        } else {
            pairs.push((key, val));
        }
    }
    Ok((pairs, view))
}

fn apply_key(s: &mut Scenario, key: &str, val: &str) -> Result<(), ScenarioError> {
    let err = |m: Msg| ScenarioError::new(key, m);
    let int = |v: &str| -> Result<u64, ScenarioError> {
        v.parse::<u64>().map_err(|_| err(crate::msg!("expected a whole number, got \"{v}\"", v = shorten(v))))
    };
    match key {
        "v" => s.version = u32::try_from(int(val)?).map_err(|_| err(crate::msg!("too large")))?,
        "p" => {
            let kind = match val {
                "raft" => ProtocolKind::Raft,
                "paxos" => ProtocolKind::Paxos,
                "lock" => ProtocolKind::Lock,
                "txn" => ProtocolKind::Txn,
                "lb" => ProtocolKind::Lb,
                other => {
                    return Err(err(crate::msg!(
                        "unknown protocol \"{v}\" (raft, paxos, lock, txn or lb)",
                        v = shorten(other)
                    )))
                }
            };
            *s = Scenario::default_for(kind);
        }
        _ if s.protocol == ProtocolKind::Lb && super::lb::KEYS.contains(&key) => {
            return s.lb.apply(key, val).expect("one of the lab's keys");
        }
        _ if super::lb::KEYS.contains(&key) && key != "timeout" => {
            return Err(err(crate::msg!("applies to lb only")));
        }
        "el" | "hb" | "noop" | "etcdtimer" | "snap" if s.protocol != ProtocolKind::Raft => {
            return Err(err(crate::msg!("applies to raft only")));
        }
        "proposers" | "backoff" if s.protocol != ProtocolKind::Paxos => {
            return Err(err(crate::msg!("applies to paxos only")));
        }
        "mode" if !matches!(s.protocol, ProtocolKind::Paxos | ProtocolKind::Txn) => {
            return Err(err(crate::msg!("applies to paxos and txn only")));
        }
        "ttl" | "bound" | "work" if s.protocol != ProtocolKind::Lock => {
            return Err(err(crate::msg!("applies to lock only")));
        }
        "no" | "timeout" if s.protocol != ProtocolKind::Txn => {
            return Err(err(crate::msg!("applies to txn only")));
        }
        "rate" if !s.protocol.takes_writes() => {
            return Err(err(crate::msg!("applies to raft and paxos only")));
        }
        "mode" if s.protocol == ProtocolKind::Txn => {
            s.txn.mode = match val {
                "2pc" => TxnMode::TwoPhase,
                "3pc" => TxnMode::ThreePhase,
                other => return Err(err(crate::msg!("expected 2pc or 3pc, got \"{v}\"", v = shorten(other)))),
            }
        }
        "ttl" => s.lock.ttl = parse_duration(val).map_err(err)?,
        "bound" => s.lock.bound_ppm = parse_ppm(val).map_err(err)?,
        "work" => (s.lock.work_min, s.lock.work_max) = parse_range(val).map_err(err)?,
        "no" => {
            let n = int(val)?;
            s.txn.no_percent =
                u8::try_from(n).ok().filter(|n| *n <= 100).ok_or_else(|| err(crate::msg!("must be a percentage, 0 to 100, got {n}", n)))?;
        }
        "timeout" => s.txn.vote_timeout = parse_duration(val).map_err(err)?,
        "proposers" => {
            let n = int(val)?;
            let (lo, hi) = (limits::MIN_PROPOSERS, limits::MAX_PROPOSERS);
            s.paxos.proposers = u8::try_from(n)
                .ok()
                .filter(|n| (lo..=hi).contains(n))
                .ok_or_else(|| err(crate::msg!("must be between {lo} and {hi}, got {v}", lo, hi, v = n)))?;
        }
        "mode" => {
            s.paxos.mode = match val {
                "single" => Mode::Single,
                "multi" => Mode::Multi,
                other => return Err(err(crate::msg!("expected single or multi, got \"{v}\"", v = shorten(other)))),
            }
        }
        "backoff" => s.paxos.backoff = flag(val).map_err(err)?,
        "n" => {
            let n = int(val)?;
            let (lo, hi) = s.protocol.node_range();
            s.nodes = u8::try_from(n)
                .ok()
                .filter(|n| (lo..=hi).contains(n))
                .ok_or_else(|| err(crate::msg!("must be between {lo} and {hi}, got {v}", lo, hi, v = n)))?;
        }
        "seed" => s.seed = int(val)?,
        "lat" => (s.net.latency_min, s.net.latency_max) = parse_range(val).map_err(err)?,
        "loss" => s.net.loss_ppm = parse_ppm(val).map_err(err)?,
        "dup" => s.net.dup_ppm = parse_ppm(val).map_err(err)?,
        "rate" => {
            let r = int(val)?;
            let max = limits::MAX_WRITE_RATE;
            s.write_rate = u32::try_from(r)
                .ok()
                .filter(|r| *r <= max)
                .ok_or_else(|| err(crate::msg!("must be between 0 and {max} writes per second, got {r}", max, r)))?;
        }
        "el" => (s.election_min, s.election_max) = parse_range(val).map_err(err)?,
        "hb" => s.heartbeat = parse_duration(val).map_err(err)?,
        "noop" => s.noop = flag(val).map_err(err)?,
        "etcdtimer" => s.reset_on_higher_term = flag(val).map_err(err)?,
        "snap" => s.snapshot_every = int(val)?,
        "bugs" => {
            s.bugs = Bugs::default();
            s.paxos.bugs = Default::default();
            s.lock.bugs = Default::default();
            s.txn.bugs = Default::default();
            s.lb.bugs = Default::default();
            let names = match s.protocol {
                ProtocolKind::Raft => BUG_NAMES,
                ProtocolKind::Paxos => PAXOS_BUG_NAMES,
                ProtocolKind::Lock => LOCK_BUG_NAMES,
                ProtocolKind::Txn => TXN_BUG_NAMES,
                ProtocolKind::Lb => LB_BUG_NAMES,
            };
            for name in val.split(',').filter(|b| !b.is_empty()) {
                let flag = match s.protocol {
                    ProtocolKind::Raft => s.bugs.flag_mut(name),
                    ProtocolKind::Paxos => s.paxos.bugs.flag_mut(name),
                    ProtocolKind::Lock => s.lock.bugs.flag_mut(name),
                    ProtocolKind::Txn => s.txn.bugs.flag_mut(name),
                    ProtocolKind::Lb => s.lb.bugs.flag_mut(name),
                };
                match flag {
                    Some(flag) => *flag = true,
                    None => {
                        let known: Vec<_> = names.iter().map(|b| b.0).collect();
                        return Err(err(crate::msg!(
                            "unknown bug switch \"{v}\" (known: {known})",
                            v = shorten(name),
                            known = known.join(", ")
                        )));
                    }
                }
            }
        }
        "faults" => {
            let tokens: Vec<&str> = val.split(',').filter(|t| !t.is_empty()).collect();
            if tokens.len() > limits::MAX_FAULTS {
                return Err(err(crate::msg!("at most {max} faults, got {n}", max = limits::MAX_FAULTS, n = tokens.len())));
            }
            s.faults = Vec::with_capacity(tokens.len());
            for (i, t) in tokens.iter().enumerate() {
                let f = parse_scheduled(t).map_err(|m| ScenarioError::new(format!("faults[{}]", i + 1), m))?;
                s.faults.push(f);
            }
            s.faults.sort_by_key(|f| f.at); // stable: same-instant faults keep their order
        }
        other => {
            return Err(ScenarioError::new(shorten(other), crate::msg!("unknown key (known: p, n, seed, lat, loss, dup, rate, el, hb, noop, etcdtimer, snap, proposers, mode, backoff, ttl, bound, work, no, timeout, bugs, faults, v, embed, speed, t)")))
        }
    }
    Ok(())
}

fn flag(v: &str) -> Result<bool, Msg> {
    match v {
        "0" => Ok(false),
        "1" => Ok(true),
        other => Err(crate::msg!("expected 0 or 1, got \"{v}\"", v = shorten(other))),
    }
}

fn parse_range(v: &str) -> Result<(Micros, Micros), Msg> {
    let (lo, hi) = v
        .split_once('-')
        .ok_or_else(|| crate::msg!("expected a range like 1ms-10ms, got \"{v}\"", v = shorten(v)))?;
    Ok((parse_duration(lo)?, parse_duration(hi)?))
}

fn parse_node(v: &str) -> Result<NodeId, Msg> {
    match v.parse::<u64>() {
        // The scenario's own size is checked once every key is read.
        Ok(n) if n < u64::from(limits::MAX_NODES.max(limits::MAX_LB_NODES)) => Ok(n as NodeId),
        Ok(n) => Err(crate::msg!("node {n} does not exist", n)),
        Err(_) => Err(crate::msg!("expected a node number, got \"{v}\"", v = shorten(v))),
    }
}

/// A message id, as the simulator numbers messages from 1.
fn parse_message(v: &str) -> Result<u64, Msg> {
    v.parse::<u64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| crate::msg!("expected a message number, got \"{v}\"", v = shorten(v)))
}

/// Parses `crash:1@2s`.
pub fn parse_scheduled(token: &str) -> Result<Scheduled, Msg> {
    let (f, at) = token
        .rsplit_once('@')
        .ok_or_else(|| crate::msg!("\"{token}\" needs a time, like crash:1@2s", token = shorten(token)))?;
    Ok(Scheduled { at: parse_duration(at)?, fault: parse_fault(f)? })
}

/// Parses a fault token without its time.
pub fn parse_fault(t: &str) -> Result<Fault, Msg> {
    let (name, arg) = t.split_once(':').unwrap_or((t, ""));
    let one = |arg: &str| parse_node(arg);
    match name {
        "crash" if arg == "leader" => Ok(Fault::CrashLeader),
        "isolate" if arg == "leader" => Ok(Fault::IsolateLeader),
        "crash" => Ok(Fault::Crash(one(arg)?)),
        "restart" => Ok(Fault::Restart(one(arg)?)),
        "write" => Ok(Fault::Write(one(arg)?)),
        "pause" => {
            let (n, d) = arg.split_once(':').ok_or(crate::msg!("pause needs a node and a duration, like pause:2:500ms"))?;
            Ok(Fault::Pause(one(n)?, parse_duration(d)?))
        }
        "cut" | "mend" => {
            let (a, b) = arg.split_once('-').ok_or(crate::msg!("cut and mend need two nodes, like cut:1-2"))?;
            let (a, b) = (one(a)?, one(b)?);
            Ok(if name == "cut" { Fault::Cut(a, b) } else { Fault::Mend(a, b) })
        }
        "part" => {
            let groups = arg
                .split('/')
                .map(|g| g.split('.').filter(|x| !x.is_empty()).map(parse_node).collect::<Result<Vec<_>, _>>())
                .collect::<Result<Vec<_>, _>>()?;
            if groups.len() > usize::from(limits::MAX_NODES) {
                return Err(crate::msg!("too many groups"));
            }
            Ok(Fault::Partition(groups))
        }
        "drift" => {
            let (n, d) = arg.split_once(':').ok_or(crate::msg!("drift needs a node and a rate, like drift:0:0.3 (30% fast)"))?;
            Ok(Fault::ClockDrift(one(n)?, parse_drift(d)?))
        }
        "slow" => {
            let (n, f) = arg.split_once(':').ok_or(crate::msg!("slow needs a node and a factor, like slow:3:5 (5× slower)"))?;
            let factor: u16 = f.parse().map_err(|_| crate::msg!("slow's factor must be a whole number, got {v}", v = shorten(f)))?;
            if !(2..=limits::MAX_SLOW_FACTOR).contains(&factor) {
                return Err(crate::msg!(
                    "slow's factor must be 2 to {max}, got {factor}",
                    max = limits::MAX_SLOW_FACTOR,
                    factor
                ));
            }
            Ok(Fault::Degrade(one(n)?, Degrade::Slow(factor)))
        }
        "failfast" => Ok(Fault::Degrade(one(arg)?, Degrade::FailFast)),
        "recover" => Ok(Fault::Degrade(one(arg)?, Degrade::Recover)),
        "heal" if arg.is_empty() => Ok(Fault::Heal),
        "steer" => match arg {
            "on" => Ok(Fault::Steer(true)),
            "off" => Ok(Fault::Steer(false)),
            _ => Err(crate::msg!("steer is on or off, got \"{v}\"", v = shorten(arg))),
        },
        "deliver" => Ok(Fault::Deliver(parse_message(arg)?)),
        "lose" => Ok(Fault::Lose(parse_message(arg)?)),
        "copy" => Ok(Fault::Copy(parse_message(arg)?)),
        "fire" => {
            let (n, k) = arg.split_once(':').ok_or(crate::msg!("fire needs a node and a timer, like fire:2:0"))?;
            let k = k
                .parse::<u16>()
                .ok()
                .filter(|k| *k < limits::MAX_TIMERS)
                .ok_or_else(|| crate::msg!("a node's timers are numbered 0 to {max}, got \"{v}\"", max = limits::MAX_TIMERS - 1, v = shorten(k)))?;
            Ok(Fault::Fire(one(n)?, k))
        }
        "loss" => Ok(Fault::SetLoss(parse_ppm(arg)?)),
        "dup" => Ok(Fault::SetDup(parse_ppm(arg)?)),
        "lat" => {
            let (lo, hi) = parse_range(arg)?;
            Ok(Fault::SetLatency(lo, hi))
        }
        _ => Err(crate::msg!(
            "unknown fault \"{v}\" (known: crash, restart, pause, part, cut, mend, heal, loss, dup, lat, write, drift, \
             slow, failfast, recover, crash:leader, isolate:leader, steer, deliver, lose, copy, fire)",
            v = shorten(t)
        )),
    }
}

/// A clock rate as a signed fraction: `0.3` is 30% fast, `-0.05` 5% slow.
pub fn format_drift(ppm: i32) -> String {
    let sign = if ppm < 0 { "-" } else { "" };
    format!("{sign}{}", format_ppm(ppm.unsigned_abs()))
}

/// Parses [`format_drift`]'s output; at most ±[`crate::cluster::MAX_DRIFT_PPM`].
pub fn parse_drift(v: &str) -> Result<i32, Msg> {
    let (neg, abs) = match v.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, v.strip_prefix('+').unwrap_or(v)),
    };
    let ppm = parse_ppm(abs)
        .map_err(|_| crate::msg!("expected a rate like 0.3 or -0.05, got \"{v}\"", v = shorten(v)))?;
    let max = crate::cluster::MAX_DRIFT_PPM;
    if ppm > max as u32 {
        return Err(crate::msg!(
            "a clock may drift by at most {max}, got {v}",
            max = format_ppm(max as u32),
            v = shorten(v)
        ));
    }
    Ok(if neg { -(ppm as i32) } else { ppm as i32 })
}

/// Decodes `%XX` escapes and `+` (as a space); `None` on a broken escape or invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{MS, SEC};
    use crate::scenario::FORMAT_VERSION;
    use crate::txn::TxnMode;

    #[test]
    fn the_example_url_decodes() {
        let d = decode("?p=raft&n=5&seed=7&loss=0.05&faults=crash:1@2s,heal@6s").unwrap();
        let s = d.scenario;
        assert_eq!((s.nodes, s.seed, s.net.loss_ppm), (5, 7, 50_000));
        assert_eq!(
            s.faults,
            vec![
                Scheduled { at: 2 * SEC, fault: Fault::Crash(1) },
                Scheduled { at: 6 * SEC, fault: Fault::Heal },
            ]
        );
        assert_eq!(s.version, FORMAT_VERSION);
    }

    #[test]
    fn every_fault_kind_round_trips() {
        let mut s = Scenario { nodes: 7, seed: u64::MAX, write_rate: 0, ..Scenario::default() };
        s.net.dup_ppm = 1;
        s.net.latency_min = 2 * MS;
        s.net.latency_max = 2_500;
        s.election_min = 100 * MS;
        s.heartbeat = 20 * MS;
        s.noop = true;
        s.reset_on_higher_term = true;
        s.snapshot_every = 50;
        s.bugs = Bugs {
            vote_without_log_check: true,
            commit_old_terms: true,
            forget_vote: true,
            discard_log: true,
        };
        let faults = [
            Fault::Crash(1),
            Fault::Restart(1),
            Fault::Pause(2, 1_500_001),
            Fault::Partition(vec![vec![0, 1], vec![2, 3, 4], vec![]]),
            Fault::Cut(6, 0),
            Fault::Mend(6, 0),
            Fault::Heal,
            Fault::SetLoss(123_456),
            Fault::SetDup(1_000_000),
            Fault::SetLatency(0, 10 * SEC),
            Fault::Write(6),
            Fault::CrashLeader,
            Fault::IsolateLeader,
            Fault::ClockDrift(3, -250_000),
            Fault::ClockDrift(4, 500_000),
            Fault::ClockDrift(4, 0),
            Fault::Steer(true),
            Fault::Deliver(17),
            Fault::Lose(u64::MAX),
            Fault::Copy(1),
            Fault::Fire(6, 15),
            Fault::Steer(false),
        ];
        for (i, f) in faults.into_iter().enumerate() {
            s.push_fault(i as u64 * 333_333, f);
        }
        s.push_fault(0, Fault::Heal);
        let q = encode(&s);
        let back = decode(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
        assert_eq!(back.scenario, s, "{q}");
        assert_eq!(encode(&back.scenario), q);
    }

    #[test]
    fn paxos_scenarios_round_trip_and_keys_are_checked_per_protocol() {
        let q = "bugs=ignore,acceptany&proposers=3&p=paxos&mode=single&backoff=0&n=5";
        let s = decode(q).unwrap().scenario;
        assert_eq!(s.protocol, ProtocolKind::Paxos);
        assert_eq!((s.paxos.proposers, s.paxos.mode, s.paxos.backoff), (3, Mode::Single, false));
        assert!(s.paxos.bugs.ignore_accepted && s.paxos.bugs.accept_any && !s.paxos.bugs.forget_promise);
        assert_eq!(decode(&encode(&s)).unwrap().scenario, s);
        assert_eq!(encode(&s), "p=paxos&n=5&seed=1&proposers=3&mode=single&backoff=0&bugs=ignore,acceptany");
        assert_eq!(field_of("p=paxos&el=1s-2s"), "el");
        assert_eq!(field_of("p=raft&proposers=2"), "proposers");
        assert_eq!(field_of("p=paxos&bugs=fig8"), "bugs");
        assert_eq!(field_of("p=paxos&n=3&proposers=4"), "proposers");
        assert_eq!(field_of("p=paxos&proposers=6"), "proposers");
        assert_eq!(field_of("p=paxos&mode=dual"), "mode");
        assert_eq!(
            decode("p=paxos&n=1").unwrap().scenario.paxos.proposers,
            1,
            "the default fits the cluster"
        );
    }

    #[test]
    fn lock_and_txn_scenarios_round_trip_and_keys_are_checked_per_protocol() {
        let q = "p=lock&n=5&seed=3&ttl=2s&bound=0.05&work=1s-2s&bugs=nofence,volatile&faults=pause:2:2s@1s,drift:0:-0.1@2s";
        let s = decode(q).unwrap().scenario;
        assert_eq!((s.protocol, s.nodes, s.write_rate), (ProtocolKind::Lock, 5, 0));
        assert_eq!(
            (s.lock.ttl, s.lock.bound_ppm, s.lock.work_min, s.lock.work_max),
            (2 * SEC, 50_000, SEC, 2 * SEC)
        );
        assert!(s.lock.bugs.no_fencing && s.lock.bugs.volatile_tokens && !s.lock.bugs.lease_from_receipt);
        assert_eq!(s.faults[1].fault, Fault::ClockDrift(0, -100_000));
        assert_eq!(encode(&s), q);
        assert_eq!(
            encode(&decode("p=lock").unwrap().scenario),
            "p=lock&n=4&seed=1",
            "lock defaults: 2 clients"
        );

        let q = "p=txn&n=6&seed=2&mode=3pc&no=25&timeout=1s&bugs=committimeout&faults=crash:0@1s";
        let s = decode(q).unwrap().scenario;
        assert_eq!(
            (s.protocol, s.txn.mode, s.txn.no_percent, s.txn.vote_timeout),
            (ProtocolKind::Txn, TxnMode::ThreePhase, 25, SEC)
        );
        assert!(s.txn.bugs.commit_on_timeout);
        assert_eq!(encode(&s), q);
        assert_eq!(encode(&decode("p=txn").unwrap().scenario), "p=txn&n=4&seed=1");

        for (q, field) in [
            ("p=lock&n=2", "n"),
            ("p=lock&n=9", "n"),
            ("p=txn&n=1", "n"),
            ("p=txn&n=9", "n"),
            ("p=lock&rate=2", "rate"),
            ("p=txn&faults=write:1@1s", "faults[1]"),
            ("p=lock&ttl=1ms", "ttl"),
            ("p=lock&ttl=2m", "ttl"),
            ("p=lock&bound=0.5", "bound"),
            ("p=lock&work=2s-1s", "work"),
            ("p=lock&work=0s-1s", "work"),
            ("p=lock&mode=3pc", "mode"),
            ("p=txn&mode=4pc", "mode"),
            ("p=txn&no=101", "no"),
            ("p=txn&timeout=1ms", "timeout"),
            ("p=txn&ttl=1s", "ttl"),
            ("p=raft&no=5", "no"),
            ("p=lock&bugs=fig8", "bugs"),
            ("p=txn&bugs=nofence", "bugs"),
            ("p=lock&faults=drift:2:0.7@1s", "faults[1]"),
            ("p=lock&n=3&faults=drift:3:0.1@1s", "faults[1]"),
        ] {
            assert_eq!(field_of(q), field, "{q}");
        }
    }

    #[test]
    fn duration_limits_are_reported_as_durations() {
        let e = decode("p=lock&ttl=1ms").unwrap_err();
        assert_eq!(e.to_string(), "ttl: must be between 50ms and 60s, got 1ms");
        let e = decode("el=1ms-2ms").unwrap_err();
        assert_eq!(e.to_string(), "el: must be between 10ms and 60s, got 1ms");
    }

    #[test]
    fn defaults_encode_short() {
        assert_eq!(encode(&Scenario::default()), "p=raft&n=5&seed=1");
    }

    #[test]
    fn view_keys_pass_through() {
        let d = decode("n=3&embed=1&speed=0.5&t=2s").unwrap();
        assert_eq!(d.view.get("embed").map(String::as_str), Some("1"));
        assert_eq!(d.view.get("t").map(String::as_str), Some("2s"));
    }

    fn field_of(q: &str) -> String {
        decode(q).expect_err(q).field
    }

    #[test]
    fn out_of_range_names_the_field() {
        assert_eq!(field_of("n=0"), "n");
        assert_eq!(field_of("n=16"), "n");
        assert_eq!(field_of("n=99999999999999999999999"), "n");
        assert_eq!(field_of("seed=-1"), "seed");
        assert_eq!(field_of("seed=18446744073709551616"), "seed");
        assert_eq!(field_of("loss=2"), "loss");
        assert_eq!(field_of("rate=1000000"), "rate");
        assert_eq!(field_of("lat=10ms-1ms"), "lat");
        assert_eq!(field_of("lat=1ms-11s"), "lat");
        assert_eq!(field_of("el=1ms-2ms"), "el");
        assert_eq!(field_of("hb=500ms"), "hb");
        assert_eq!(field_of("v=2"), "v");
        assert_eq!(field_of("n=3&faults=crash:3@1s"), "faults[1]");
        assert_eq!(field_of("faults=heal@1s,crash:9@2s"), "faults[2]");
        assert_eq!(field_of("faults=pause:1:0s@1s"), "faults[1]");
        assert_eq!(field_of("faults=heal@25h"), "faults[1]");
        assert_eq!(field_of("faults=heal@100000s"), "faults[1]");
        assert_eq!(field_of("faults=part:1.2/2.3@1s"), "faults[1]");
        assert_eq!(field_of("n=3&faults=fire:3:0@1s"), "faults[1]");
        assert_eq!(field_of("faults=fire:1:516@1s"), "faults[1]");
        assert_eq!(field_of("faults=deliver:0@1s"), "faults[1]");
        assert_eq!(field_of("faults=steer:maybe@1s"), "faults[1]");
        assert_eq!(field_of("faults=copy:-1@1s"), "faults[1]");
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        for q in [
            "n=abc",
            "n=",
            "seed=1.5",
            "lat=5ms",
            "lat=-",
            "loss=abc",
            "el=1s-",
            "faults=crash@1s",
            "faults=crash:1",
            "faults=crash:1@",
            "faults=boom:1@1s",
            "faults=fire:1@1s",
            "faults=fire:1:x@1s",
            "faults=deliver:99999999999999999999999@1s",
            "faults=steer@1s",
            "faults=pause:1@1s",
            "faults=cut:1@1s",
            "faults=heal:3@1s",
            "faults=part:a.b@1s",
            "bugs=nope",
            "p=zab",
            "n=%ZZ",
            "%E2%82=1",
            "n=5&n=5",
            "faults=@@@",
            "faults=crash:1@1s@2s",
            "faults=drift:1@1s",
            "faults=drift:1:0.6@1s",
            "faults=drift:1:--0.1@1s",
            "faults=drift:1:x@1s",
            "faults=slow:1@1s",
            "faults=slow:1:1@1s",
            "faults=slow:1:1001@1s",
            "faults=failfast@1s",
            // Well formed, but Raft has no backends to degrade.
            "faults=slow:1:5@1s",
            "faults=recover:1@1s",
        ] {
            assert!(decode(q).is_err(), "{q} accepted");
        }
    }

    #[test]
    fn degrade_tokens_round_trip() {
        for f in [
            Fault::Degrade(3, Degrade::Slow(5)),
            Fault::Degrade(2, Degrade::FailFast),
            Fault::Degrade(7, Degrade::Recover),
        ] {
            let token = fault_token(&f);
            assert_eq!(parse_fault(&token), Ok(f), "{token}");
        }
        assert_eq!(fault_token(&Fault::Degrade(3, Degrade::Slow(5))), "slow:3:5");
        let e = decode("faults=slow:1:5@1s").unwrap_err().to_string();
        assert!(e.contains("only the service lab"), "{e}");
    }

    #[test]
    fn hostile_input_is_rejected_and_echoed_short() {
        let e = decode("name=<script>alert(1)</script>").unwrap_err();
        assert!(e.message.english().contains("unknown key"));
        let e = decode(&format!("bugs={}", "<script>".repeat(100))).unwrap_err();
        assert!(e.message.english().len() < 200, "{}", e.message.english());
        assert!(decode(&"n=5&".repeat(10_000)).is_err());
        let many = vec!["heal@1s"; limits::MAX_FAULTS + 1].join(",");
        assert_eq!(field_of(&format!("faults={many}")), "faults");
    }

    #[test]
    fn percent_escapes_are_understood() {
        let d = decode("faults=part%3A0.1%2F2.3.4%401s").unwrap();
        assert_eq!(d.scenario.faults[0].fault, Fault::Partition(vec![vec![0, 1], vec![2, 3, 4]]));
    }

    #[test]
    fn json_round_trips_and_validates() {
        let mut s = Scenario::default();
        s.push_fault(SEC, Fault::Crash(2));
        assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
        let bad = s.to_json().replace("\"nodes\": 5", "\"nodes\": 50");
        assert_eq!(Scenario::from_json(&bad).unwrap_err().field, "n");
        assert_eq!(Scenario::from_json("{").unwrap_err().field, "json");
    }
}
