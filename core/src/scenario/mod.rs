//! Scenarios: everything that determines a run — protocol, cluster size, timing, network,
//! workload, bug switches, fault script and seed — as a versioned value that round-trips through
//! a readable URL query ([`url`]) and through JSON. Decoding validates every field against the
//! named [`limits`] and names the offending field on error.

pub mod avail;
pub mod lb;
pub mod presets;
pub mod ring;
pub mod units;
pub mod url;

use crate::lock::{Lock, LockBugs, LockChecker, LockConfig};
use crate::paxos::invariants::PaxosChecker;
use crate::paxos::{Mode, Paxos, PaxosBugs, PaxosConfig};
use crate::protocol::{Micros, MS, SEC};
use crate::raft::{Bugs, Raft, RaftChecker, RaftConfig};
use crate::sim::fault::{Fault, Scheduled};
use crate::sim::network::{NetConfig, PPM};
use crate::sim::{Sim, SimConfig};
use crate::txn::{Txn, TxnBugs, TxnChecker, TxnConfig, TxnMode};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The scenario format version written into JSON and URLs (`v=`).
pub const FORMAT_VERSION: u32 = 1;

/// Named limits on every field; decoding rejects anything outside them.
pub mod limits {
    use crate::protocol::{Micros, MS, SEC};

    pub const MIN_NODES: u8 = 1;
    pub const MAX_NODES: u8 = 15;
    /// Upper bound of the one-way latency range.
    pub const MAX_LATENCY: Micros = 10 * SEC;
    pub const MAX_WRITE_RATE: u32 = 200;
    /// Raft's `snap=`: 0 (never) or a snapshot every this many entries at least.
    pub const MIN_SNAPSHOT_EVERY: u64 = 10;
    pub const MAX_SNAPSHOT_EVERY: u64 = 1_000_000;
    pub const MIN_ELECTION: Micros = 10 * MS;
    pub const MAX_ELECTION: Micros = 60 * SEC;
    pub const MIN_HEARTBEAT: Micros = MS;
    /// Faults in one script.
    pub const MAX_FAULTS: usize = 500;
    /// Latest instant a scripted fault may have.
    pub const MAX_TIME: Micros = 24 * 3600 * SEC;
    pub const MAX_PAUSE: Micros = 600 * SEC;
    /// `fire:N:K` numbers a node's armed timers below this: the service lab's clients node arms
    /// a think timer per user besides its own few.
    pub const MAX_TIMERS: u16 = MAX_USERS + 16;
    /// The most a `slow:N:F` fault slows a backend down.
    pub const MAX_SLOW_FACTOR: u16 = 1_000;
    pub const MIN_PROPOSERS: u8 = 1;
    pub const MAX_PROPOSERS: u8 = 5;
    /// Lock scenarios: server + storage + 1..=6 clients.
    pub const MIN_LOCK_NODES: u8 = 3;
    pub const MAX_LOCK_NODES: u8 = 8;
    pub const MIN_TTL: Micros = 50 * MS;
    pub const MAX_TTL: Micros = 60 * SEC;
    /// The largest drift bound a lock scenario may assume (20%).
    pub const MAX_DRIFT_BOUND_PPM: u32 = 200_000;
    pub const MAX_WORK: Micros = 60 * SEC;
    /// Commit scenarios: coordinator + 1..=7 participants.
    pub const MIN_TXN_NODES: u8 = 2;
    pub const MAX_TXN_NODES: u8 = 8;
    pub const MIN_VOTE_TIMEOUT: Micros = 10 * MS;
    pub const MAX_VOTE_TIMEOUT: Micros = 60 * SEC;
    /// Service-lab scenarios: clients + balancer(s) + witness + controller + backends.
    pub const MIN_LB_NODES: u8 = 3;
    pub const MAX_LB_NODES: u8 = 16;
    pub const MIN_BACKENDS: u8 = 1;
    pub const MAX_SPARES: u8 = 4;
    /// Open-loop requests per second (the page animates every one of them).
    pub const MAX_RPS: u32 = 2_000;
    pub const MAX_USERS: u16 = 500;
    pub const MAX_THINK: Micros = 60 * SEC;
    pub const MIN_REQUEST_TIMEOUT: Micros = MS;
    pub const MAX_REQUEST_TIMEOUT: Micros = 60 * SEC;
    pub const MIN_SERVICE: Micros = 100;
    pub const MAX_SERVICE: Micros = 10 * SEC;
    pub const MAX_WORKERS: u16 = 64;
    /// A backend's weight in `weights=`.
    pub const MAX_BACKEND_WEIGHT: u32 = 100;
    /// Health checks and outlier detection: the shortest interval and ejection time, the
    /// longest, the highest threshold.
    pub const MIN_CHECK_INTERVAL: Micros = 10 * MS;
    pub const MAX_CHECK_INTERVAL: Micros = 60 * SEC;
    pub const MAX_EJECTION_TIME: Micros = 600 * SEC;
    pub const MAX_THRESHOLD: u16 = 100;
    pub const MAX_SLOW_START: Micros = 600 * SEC;
    /// A spare's provisioning: a cold one can take minutes.
    pub const MAX_PROVISION: Micros = 3_600 * SEC;
    /// A longer query string is rejected before it is parsed.
    pub const MAX_QUERY_LEN: usize = 16 * 1024;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProtocolKind {
    Raft,
    Paxos,
    /// The lease lock service with fencing tokens (`lock/`).
    Lock,
    /// Two- or three-phase commit (`txn/`).
    Txn,
    /// The service lab: load balancing, health checks, failover, redundancy (`lb/`).
    Lb,
}

impl ProtocolKind {
    pub fn name(self) -> &'static str {
        match self {
            ProtocolKind::Raft => "raft",
            ProtocolKind::Paxos => "paxos",
            ProtocolKind::Lock => "lock",
            ProtocolKind::Txn => "txn",
            ProtocolKind::Lb => "lb",
        }
    }

    /// Whether the simulator's client writes (`rate`, `write:N`) apply: the replicated logs take
    /// them, the lock's and commit's clients make their own work.
    pub fn takes_writes(self) -> bool {
        matches!(self, ProtocolKind::Raft | ProtocolKind::Paxos)
    }

    /// The allowed cluster sizes.
    pub fn node_range(self) -> (u8, u8) {
        match self {
            ProtocolKind::Raft | ProtocolKind::Paxos => (limits::MIN_NODES, limits::MAX_NODES),
            ProtocolKind::Lock => (limits::MIN_LOCK_NODES, limits::MAX_LOCK_NODES),
            ProtocolKind::Txn => (limits::MIN_TXN_NODES, limits::MAX_TXN_NODES),
            ProtocolKind::Lb => (limits::MIN_LB_NODES, limits::MAX_LB_NODES),
        }
    }
}

fn default_snapshot_every() -> u64 {
    crate::raft::config::DEFAULT_SNAPSHOT_EVERY
}

/// A complete, replayable description of a run.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Scenario {
    pub version: u32,
    pub protocol: ProtocolKind,
    pub nodes: u8,
    pub seed: u64,
    pub net: NetConfig,
    /// Client writes per simulated second.
    pub write_rate: u32,
    pub election_min: Micros,
    pub election_max: Micros,
    pub heartbeat: Micros,
    /// A new leader appends a no-op entry (URL `noop=1`); see `RaftConfig::noop`.
    pub noop: bool,
    /// etcd's election timer: reset by any higher-term message (URL `etcdtimer=1`); see
    /// `RaftConfig::reset_on_higher_term`.
    #[serde(default)]
    pub reset_on_higher_term: bool,
    /// Raft snapshots every this many applied entries, 0 never (URL `snap=`); see
    /// `RaftConfig::snapshot_every`.
    #[serde(default = "default_snapshot_every")]
    pub snapshot_every: u64,
    /// Raft's bug switches (URL `bugs=` when `p=raft`).
    pub bugs: Bugs,
    /// Paxos parameters (URL `proposers`, `mode`, `backoff`, and `bugs=` when `p=paxos`).
    pub paxos: PaxosParams,
    /// Lock parameters (URL `ttl`, `bound`, `work`, and `bugs=` when `p=lock`).
    #[serde(default)]
    pub lock: LockParams,
    /// Commit parameters (URL `mode`, `no`, `timeout`, and `bugs=` when `p=txn`).
    #[serde(default)]
    pub txn: TxnParams,
    /// Service-lab parameters (URL `rps`, `algo`, `pair`, `spares`, ... when `p=lb`).
    #[serde(default)]
    pub lb: lb::LbParams,
    /// Sorted by time; faults at the same instant keep their order.
    pub faults: Vec<Scheduled>,
}

impl Default for Scenario {
    fn default() -> Self {
        let raft = RaftConfig::default();
        Scenario {
            version: FORMAT_VERSION,
            protocol: ProtocolKind::Raft,
            nodes: 5,
            seed: 1,
            net: NetConfig::default(),
            write_rate: 2,
            election_min: raft.election_min,
            election_max: raft.election_max,
            heartbeat: raft.heartbeat,
            noop: raft.noop,
            reset_on_higher_term: raft.reset_on_higher_term,
            snapshot_every: raft.snapshot_every,
            bugs: Bugs::default(),
            paxos: PaxosParams::default(),
            lock: LockParams::default(),
            txn: TxnParams::default(),
            lb: lb::LbParams::default(),
            faults: Vec::new(),
        }
    }
}

/// What a lock scenario adds.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LockParams {
    pub ttl: Micros,
    /// The drift bound clients allow for, in parts per million.
    pub bound_ppm: u32,
    pub work_min: Micros,
    pub work_max: Micros,
    pub bugs: LockBugs,
}

impl Default for LockParams {
    fn default() -> Self {
        let c = LockConfig::default();
        LockParams {
            ttl: c.ttl,
            bound_ppm: c.drift_bound_ppm,
            work_min: c.work_min,
            work_max: c.work_max,
            bugs: c.bugs,
        }
    }
}

/// What a commit scenario adds.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TxnParams {
    pub mode: TxnMode,
    /// Percent of "no" votes.
    pub no_percent: u8,
    pub vote_timeout: Micros,
    pub bugs: TxnBugs,
}

impl Default for TxnParams {
    fn default() -> Self {
        let c = TxnConfig::default();
        TxnParams { mode: c.mode, no_percent: c.no_percent, vote_timeout: c.vote_timeout, bugs: c.bugs }
    }
}

/// What a Paxos scenario adds.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PaxosParams {
    pub proposers: u8,
    pub mode: Mode,
    pub backoff: bool,
    pub bugs: PaxosBugs,
}

impl Default for PaxosParams {
    fn default() -> Self {
        let c = PaxosConfig::default();
        PaxosParams { proposers: c.proposers as u8, mode: c.mode, backoff: c.backoff, bugs: c.bugs }
    }
}

/// A field that failed validation, and why. `field` is the URL key (or JSON path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub field: String,
    pub message: crate::msg::Msg,
}

impl ScenarioError {
    pub fn new(field: impl Into<String>, message: crate::msg::Msg) -> Self {
        ScenarioError { field: field.into(), message }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message.english())
    }
}

impl std::error::Error for ScenarioError {}

pub(crate) fn check_range<T: PartialOrd + fmt::Display>(
    field: &str,
    v: T,
    lo: T,
    hi: T,
) -> Result<(), ScenarioError> {
    if v < lo || v > hi {
        return Err(ScenarioError::new(
            field,
            crate::msg!(
                "must be between {lo} and {hi}, got {v}",
                lo = lo.to_string(),
                hi = hi.to_string(),
                v = v.to_string()
            ),
        ));
    }
    Ok(())
}

/// [`check_range`] for durations, which the message shows as durations ("50ms"), not µs.
pub(crate) fn check_duration(field: &str, v: Micros, lo: Micros, hi: Micros) -> Result<(), ScenarioError> {
    if v < lo || v > hi {
        let f = units::format_duration;
        return Err(ScenarioError::new(
            field,
            crate::msg!("must be between {lo} and {hi}, got {v}", lo = f(lo), hi = f(hi), v = f(v)),
        ));
    }
    Ok(())
}

impl Scenario {
    /// Checks every field against [`limits`]; the error names the URL key at fault.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        use limits::*;
        if self.version != FORMAT_VERSION {
            return Err(ScenarioError::new(
                "v",
                crate::msg!(
                    "unsupported format version {v} (this page reads {current})",
                    v = self.version,
                    current = FORMAT_VERSION
                ),
            ));
        }
        let (lo, hi) = self.protocol.node_range();
        check_range("n", self.nodes, lo, hi)?;
        if !self.protocol.takes_writes() && self.write_rate != 0 {
            return Err(ScenarioError::new("rate", crate::msg!("applies to raft and paxos only")));
        }
        match self.protocol {
            ProtocolKind::Lock => {
                let l = &self.lock;
                check_duration("ttl", l.ttl, MIN_TTL, MAX_TTL)?;
                check_range("bound", l.bound_ppm, 0, MAX_DRIFT_BOUND_PPM)?;
                check_duration("work", l.work_max, 1, MAX_WORK)?;
                check_duration("work", l.work_min, 1, l.work_max)?;
            }
            ProtocolKind::Txn => {
                check_range("no", self.txn.no_percent, 0, 100)?;
                check_duration("timeout", self.txn.vote_timeout, MIN_VOTE_TIMEOUT, MAX_VOTE_TIMEOUT)?;
            }
            ProtocolKind::Lb => self.lb.validate(self.nodes)?,
            ProtocolKind::Raft | ProtocolKind::Paxos => {}
        }
        if self.snapshot_every != 0 {
            check_range("snap", self.snapshot_every, MIN_SNAPSHOT_EVERY, MAX_SNAPSHOT_EVERY)?;
        }
        if self.protocol == ProtocolKind::Paxos {
            check_range("proposers", self.paxos.proposers, MIN_PROPOSERS, MAX_PROPOSERS.min(self.nodes))?;
        }
        check_duration("lat", self.net.latency_max, 0, MAX_LATENCY)?;
        if self.net.latency_min > self.net.latency_max {
            return Err(ScenarioError::new("lat", crate::msg!("the minimum latency is above the maximum")));
        }
        check_range("loss", self.net.loss_ppm, 0, PPM)?;
        check_range("dup", self.net.dup_ppm, 0, PPM)?;
        check_range("rate", self.write_rate, 0, MAX_WRITE_RATE)?;
        check_duration("el", self.election_min, MIN_ELECTION, MAX_ELECTION)?;
        check_duration("el", self.election_max, MIN_ELECTION, MAX_ELECTION)?;
        if self.election_min > self.election_max {
            return Err(ScenarioError::new(
                "el",
                crate::msg!("the minimum election timeout is above the maximum"),
            ));
        }
        if self.heartbeat < MIN_HEARTBEAT || self.heartbeat >= self.election_min {
            return Err(ScenarioError::new(
                "hb",
                crate::msg!(
                    "the heartbeat must be at least 1ms and shorter than the election timeout ({election}), got {v}",
                    election = units::format_duration(self.election_min),
                    v = units::format_duration(self.heartbeat)
                ),
            ));
        }
        if self.faults.len() > MAX_FAULTS {
            return Err(ScenarioError::new(
                "faults",
                crate::msg!("at most {max} faults, got {n}", max = MAX_FAULTS, n = self.faults.len()),
            ));
        }
        let mut last = 0;
        for (i, s) in self.faults.iter().enumerate() {
            let field = format!("faults[{}]", i + 1);
            if s.at > MAX_TIME {
                return Err(ScenarioError::new(
                    field,
                    crate::msg!("time {t} is past the limit of 24 h", t = units::format_duration(s.at)),
                ));
            }
            if s.at < last {
                return Err(ScenarioError::new(field, crate::msg!("faults must be in time order")));
            }
            last = s.at;
            self.validate_fault(&field, &s.fault)?;
        }
        Ok(())
    }

    fn validate_fault(&self, field: &str, f: &Fault) -> Result<(), ScenarioError> {
        let node_ok = |x: u8| {
            if x < self.nodes {
                Ok(())
            } else {
                Err(ScenarioError::new(
                    field,
                    crate::msg!("node {x} does not exist (nodes are 0..{last})", x, last = self.nodes - 1),
                ))
            }
        };
        match f {
            Fault::Write(_) if !self.protocol.takes_writes() => Err(ScenarioError::new(
                field,
                crate::msg!("{protocol} takes no client writes", protocol = self.protocol.name()),
            )),
            Fault::Crash(x) | Fault::Restart(x) | Fault::Write(x) | Fault::Fire(x, _) => node_ok(*x),
            Fault::Degrade(x, how) if self.protocol == ProtocolKind::Lb => {
                node_ok(*x)?;
                match how {
                    crate::protocol::Degrade::Slow(f) => check_range(field, *f, 2, limits::MAX_SLOW_FACTOR),
                    _ => Ok(()),
                }
            }
            Fault::Degrade(..) => Err(ScenarioError::new(
                field,
                crate::msg!(
                    "{protocol} has no backends to slow down or fail (only the service lab does)",
                    protocol = self.protocol.name()
                ),
            )),
            Fault::ClockDrift(x, ppm) => {
                node_ok(*x)?;
                let max = crate::cluster::MAX_DRIFT_PPM;
                check_range(field, *ppm, -max, max)
            }
            Fault::Pause(x, d) => {
                node_ok(*x)?;
                check_duration(field, *d, 1, limits::MAX_PAUSE)
            }
            Fault::Cut(a, b) | Fault::Mend(a, b) => {
                node_ok(*a)?;
                node_ok(*b)
            }
            Fault::Partition(groups) => {
                let mut seen = [false; 256];
                for &x in groups.iter().flatten() {
                    node_ok(x)?;
                    if std::mem::replace(&mut seen[x as usize], true) {
                        return Err(ScenarioError::new(field, crate::msg!("node {x} is in two groups", x)));
                    }
                }
                Ok(())
            }
            Fault::SetLoss(p) | Fault::SetDup(p) => check_range(field, *p, 0, PPM),
            Fault::SetLatency(lo, hi) => {
                check_duration(field, *hi, 0, limits::MAX_LATENCY)?;
                if lo > hi {
                    return Err(ScenarioError::new(
                        field,
                        crate::msg!("the minimum latency is above the maximum"),
                    ));
                }
                Ok(())
            }
            Fault::Heal
            | Fault::IsolateLeader
            | Fault::CrashLeader
            | Fault::Steer(_)
            | Fault::Deliver(_)
            | Fault::Lose(_)
            | Fault::Copy(_) => Ok(()),
        }
    }

    /// Adds a fault at `at`, keeping the script in time order (after faults at the same time).
    pub fn push_fault(&mut self, at: Micros, fault: Fault) {
        let pos = self.faults.partition_point(|s| s.at <= at);
        self.faults.insert(pos, Scheduled { at, fault });
    }

    pub fn raft_config(&self) -> RaftConfig {
        RaftConfig {
            nodes: self.nodes as usize,
            election_min: self.election_min,
            election_max: self.election_max,
            heartbeat: self.heartbeat,
            max_batch: RaftConfig::default().max_batch,
            noop: self.noop,
            reset_on_higher_term: self.reset_on_higher_term,
            snapshot_every: self.snapshot_every,
            bugs: self.bugs,
        }
    }

    pub fn sim_config(&self) -> SimConfig {
        SimConfig {
            seed: self.seed,
            net: self.net.clone(),
            write_rate: self.write_rate,
            script: self.faults.clone(),
            ..SimConfig::default()
        }
    }

    pub fn paxos_config(&self) -> PaxosConfig {
        PaxosConfig {
            nodes: self.nodes as usize,
            proposers: self.paxos.proposers as usize,
            mode: self.paxos.mode,
            backoff: self.paxos.backoff,
            bugs: self.paxos.bugs,
            ..PaxosConfig::default()
        }
    }

    /// A Paxos simulation of this scenario with the invariant checker installed.
    pub fn paxos_sim(&self) -> Sim<Paxos> {
        Sim::new(Paxos::new(self.paxos_config()), self.sim_config()).with_checker(PaxosChecker::default())
    }

    /// The default scenario of a protocol.
    pub fn default_for(protocol: ProtocolKind) -> Self {
        match protocol {
            ProtocolKind::Raft | ProtocolKind::Paxos => Scenario { protocol, ..Scenario::default() },
            ProtocolKind::Lock => Scenario { protocol, nodes: 4, write_rate: 0, ..Scenario::default() },
            ProtocolKind::Txn => Scenario { protocol, nodes: 4, write_rate: 0, ..Scenario::default() },
            ProtocolKind::Lb => Scenario { protocol, nodes: 6, write_rate: 0, ..Scenario::default() },
        }
    }

    pub fn lock_config(&self) -> LockConfig {
        let l = &self.lock;
        LockConfig {
            nodes: self.nodes as usize,
            ttl: l.ttl,
            drift_bound_ppm: l.bound_ppm,
            work_min: l.work_min,
            work_max: l.work_max,
            bugs: l.bugs,
            ..LockConfig::default()
        }
    }

    /// A lock simulation of this scenario with the invariant checker installed.
    pub fn lock_sim(&self) -> Sim<Lock> {
        Sim::new(Lock::new(self.lock_config()), self.sim_config()).with_checker(LockChecker::default())
    }

    /// A commit simulation of this scenario with the invariant checker installed.
    pub fn txn_sim(&self) -> Sim<Txn> {
        Sim::new(Txn::new(self.txn_config()), self.sim_config()).with_checker(TxnChecker::default())
    }

    pub fn txn_config(&self) -> TxnConfig {
        let t = &self.txn;
        TxnConfig {
            nodes: self.nodes as usize,
            mode: t.mode,
            no_percent: t.no_percent,
            vote_timeout: t.vote_timeout,
            bugs: t.bugs,
            ..TxnConfig::default()
        }
    }

    /// A Raft simulation of this scenario with the invariant checker installed.
    pub fn raft_sim(&self) -> Sim<Raft> {
        Sim::new(Raft::new(self.raft_config()), self.sim_config()).with_checker(RaftChecker::default())
    }

    /// Decodes and validates JSON.
    pub fn from_json(json: &str) -> Result<Self, ScenarioError> {
        if json.len() > limits::MAX_QUERY_LEN * 4 {
            return Err(ScenarioError::new("json", crate::msg!("too long")));
        }
        let s: Scenario = serde_json::from_str(json)
            .map_err(|e| ScenarioError::new("json", crate::msg!("{error}", error = e.to_string())))?;
        s.validate()?;
        Ok(s)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Seconds as a float, for display only.
pub fn secs(us: Micros) -> f64 {
    us as f64 / SEC as f64
}

/// Milliseconds as a float, for display only.
pub fn millis(us: Micros) -> f64 {
    us as f64 / MS as f64
}
