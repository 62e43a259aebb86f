//! What a service-lab scenario adds (`p=lb`): the workload, the balancing algorithm, the
//! mechanisms switched on, and how the URL spells them. `n=` is the whole cluster, as for the
//! other pages: the clients, the balancer(s), a witness and a controller if configured, and
//! the backends, which take whatever is left.

use super::units::{format_duration, parse_duration, shorten};
use super::{check_duration, check_range, limits, Scenario, ScenarioError};
use crate::lb::{
    Algorithm, Arrivals, Backend, Fencing, HealthCheck, LbBugs, LbConfig, Outlier, Pair, Redundancy, Retry,
    SlowStart,
};
use crate::protocol::{Delay, Micros, MS, SEC};
use serde::{Deserialize, Serialize};

/// The balancing algorithms the page offers, each with fixed parameters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Algo {
    #[default]
    RoundRobin,
    WeightedRoundRobin,
    Random,
    LeastRequest,
    TwoChoices,
    PeakEwma,
    Ring,
    /// A ring with bounded loads (25% over the average).
    BoundedRing,
    Maglev,
}

impl Algo {
    pub const ALL: [Algo; 9] = [
        Algo::RoundRobin,
        Algo::WeightedRoundRobin,
        Algo::Random,
        Algo::LeastRequest,
        Algo::TwoChoices,
        Algo::PeakEwma,
        Algo::Ring,
        Algo::BoundedRing,
        Algo::Maglev,
    ];

    /// The URL name (`algo=`).
    pub fn name(self) -> &'static str {
        match self {
            Algo::RoundRobin => "rr",
            Algo::WeightedRoundRobin => "wrr",
            Algo::Random => "random",
            Algo::LeastRequest => "least",
            Algo::TwoChoices => "p2c",
            Algo::PeakEwma => "ewma",
            Algo::Ring => "ring",
            Algo::BoundedRing => "bounded",
            Algo::Maglev => "maglev",
        }
    }

    /// As the page's menu says it.
    pub fn title(self) -> &'static str {
        match self {
            Algo::RoundRobin => "round robin",
            Algo::WeightedRoundRobin => "weighted round robin",
            Algo::Random => "random",
            Algo::LeastRequest => "least request",
            Algo::TwoChoices => "power of two choices",
            Algo::PeakEwma => "peak EWMA",
            Algo::Ring => "hash ring (by session)",
            Algo::BoundedRing => "hash ring, bounded loads",
            Algo::Maglev => "Maglev (by session)",
        }
    }

    pub fn from_name(name: &str) -> Option<Algo> {
        Algo::ALL.into_iter().find(|a| a.name() == name)
    }

    pub fn algorithm(self) -> Algorithm {
        match self {
            Algo::RoundRobin => Algorithm::RoundRobin,
            Algo::WeightedRoundRobin => Algorithm::WeightedRoundRobin,
            Algo::Random => Algorithm::Random,
            Algo::LeastRequest => Algorithm::LeastRequest,
            Algo::TwoChoices => Algorithm::PowerOfChoices { choices: 2 },
            Algo::PeakEwma => Algorithm::PeakEwma { tau: SEC },
            Algo::Ring => Algorithm::RingHash { vnodes: 100, bound_percent: 0 },
            Algo::BoundedRing => Algorithm::RingHash { vnodes: 100, bound_percent: 25 },
            Algo::Maglev => Algorithm::Maglev,
        }
    }
}

/// How service times spread around their mean (`dist=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceDist {
    #[default]
    Exponential,
    /// Heavy-tailed: σ = [`LOGNORMAL_SIGMA_MILLI`] / 1000 (the median is a third of the mean).
    LogNormal,
    Constant,
}

/// σ of the log-normal service time, in thousandths.
pub const LOGNORMAL_SIGMA_MILLI: u32 = 1_500;

impl ServiceDist {
    pub const ALL: [ServiceDist; 3] =
        [ServiceDist::Exponential, ServiceDist::LogNormal, ServiceDist::Constant];

    pub fn name(self) -> &'static str {
        match self {
            ServiceDist::Exponential => "exp",
            ServiceDist::LogNormal => "lognormal",
            ServiceDist::Constant => "const",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ServiceDist::Exponential => "exponential",
            ServiceDist::LogNormal => "log-normal (heavy tail)",
            ServiceDist::Constant => "constant",
        }
    }
}

/// The balancer pair (`pair=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PairMode {
    /// One balancer: a single point of failure.
    #[default]
    Off,
    /// Active/standby with VRRP.
    On,
    /// Active/standby fenced by a lease from a witness.
    Fenced,
}

impl PairMode {
    pub fn name(self) -> &'static str {
        match self {
            PairMode::Off => "off",
            PairMode::On => "on",
            PairMode::Fenced => "fenced",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LbParams {
    /// Open-loop requests per second (`rps=`); ignored while `users` > 0.
    pub rps: u32,
    /// Closed-loop users (`users=`, 0: open loop), thinking `think` between requests.
    pub users: u16,
    pub think: Micros,
    /// A client's timeout per attempt (`timeout=`).
    pub timeout: Micros,
    /// Retries per request (`retries=`), within a 20% budget if `budget` (`budget=1`).
    pub retries: u8,
    pub budget: bool,
    /// Hedge after this long without an answer (`hedge=`, 0: never).
    pub hedge: Micros,
    pub algo: Algo,
    /// Mean service time (`svc=`, exponential) and workers per backend (`workers=`).
    pub service: Micros,
    pub workers: u16,
    /// The service time's distribution around that mean (`dist=`).
    pub dist: ServiceDist,
    /// Backend weights in pool order (`weights=3,1,1`); backends past the list weigh 1.
    pub weights: Vec<u32>,
    /// Active health checks (`hc=1`) every `inter`, down after `fall` failures in a row, up
    /// again after `rise` passes (HAProxy's names; Envoy's `interval`, `unhealthy_threshold`,
    /// `healthy_threshold`). A check fails after `hctimeout` without an answer; each round
    /// waits up to `hcjitter` more than the interval (Envoy's `timeout`, `interval_jitter`).
    pub health: bool,
    pub inter: Micros,
    pub fall: u16,
    pub rise: u16,
    pub check_timeout: Micros,
    pub check_jitter: Micros,
    /// Outlier detection (`eject=1`): eject after `c5xx` errors in a row for `ejecttime` × the
    /// host's multiplier, at most `maxeject` % of the pool; a sweep every `sweep` (Envoy's
    /// `interval`) ends ejections whose time is up.
    pub eject: bool,
    pub c5xx: u16,
    pub sweep: Micros,
    pub eject_time: Micros,
    pub max_eject: u8,
    /// Envoy's `healthy_panic_threshold` in percent (`panic=`).
    pub panic: u8,
    /// Slow start's window (`slowstart=`, 0: off).
    pub slow_start: Micros,
    pub pair: PairMode,
    /// Spare backends and the controller that swaps them in (`spares=`), and how long a spare
    /// takes to get ready (`provision=`: seconds for a warm spare, minutes for a cold one).
    pub spares: u8,
    pub provision: Micros,
    pub bugs: LbBugs,
}

impl Default for LbParams {
    fn default() -> Self {
        LbParams {
            rps: 200,
            users: 0,
            think: 100 * MS,
            timeout: SEC,
            retries: 0,
            budget: false,
            hedge: 0,
            algo: Algo::RoundRobin,
            service: 10 * MS,
            workers: 1,
            dist: ServiceDist::Exponential,
            weights: Vec::new(),
            health: false,
            inter: 500 * MS,
            fall: 2,
            rise: 2,
            check_timeout: 200 * MS,
            check_jitter: 50 * MS,
            eject: false,
            c5xx: 5,
            sweep: SEC,
            eject_time: 5 * SEC,
            max_eject: 50,
            panic: 50,
            slow_start: 0,
            pair: PairMode::Off,
            spares: 0,
            provision: 2 * SEC,
            bugs: LbBugs::default(),
        }
    }
}

impl LbParams {
    /// Nodes that are not backends: the clients, one or two balancers, the witness, the controller.
    pub fn overhead(&self) -> u8 {
        let pair = match self.pair {
            PairMode::Off => 0,
            PairMode::On => 1,
            PairMode::Fenced => 2,
        };
        2 + pair + u8::from(self.spares > 0)
    }

    /// The lab's configuration for a cluster of `nodes`.
    pub fn config(&self, nodes: u8, seed: u64) -> LbConfig {
        let backends = usize::from(nodes.saturating_sub(self.overhead()).max(1));
        let mean = self.service.max(1);
        let backend = |i: usize| Backend {
            workers: self.workers.max(1),
            service: match self.dist {
                ServiceDist::Exponential => Delay::Exponential { mean },
                ServiceDist::LogNormal => Delay::LogNormal { mean, sigma_milli: LOGNORMAL_SIGMA_MILLI },
                ServiceDist::Constant => Delay::Constant(mean),
            },
            weight: self.weights.get(i).copied().unwrap_or(1).max(1),
            ..Backend::default()
        };
        LbConfig {
            salt: seed,
            arrivals: if self.users > 0 {
                Arrivals::Closed { users: self.users, think: self.think }
            } else {
                Arrivals::Open { per_sec: self.rps }
            },
            timeout: self.timeout,
            retry: match (self.retries, self.budget) {
                (0, _) => Retry::Never,
                (max, false) => Retry::Fixed { max },
                (max, true) => Retry::Budget { percent: 20, min_concurrency: 3, max },
            },
            hedge: (self.hedge > 0).then_some(self.hedge),
            backends: (0..backends).map(backend).collect(),
            algorithm: self.algo.algorithm(),
            health: self.health.then_some(HealthCheck {
                interval: self.inter,
                timeout: self.check_timeout,
                unhealthy_threshold: self.fall,
                healthy_threshold: self.rise,
                jitter: self.check_jitter,
            }),
            outlier: self.eject.then_some(Outlier {
                consecutive_5xx: self.c5xx,
                interval: self.sweep,
                base_ejection_time: self.eject_time,
                max_ejection_time: (12 * self.eject_time).max(60 * SEC),
                max_ejection_percent: self.max_eject,
            }),
            panic_percent: self.panic,
            slow_start: (self.slow_start > 0).then_some(SlowStart {
                window: self.slow_start,
                aggression_milli: 1_000,
                min_weight_percent: 10,
            }),
            pair: match self.pair {
                PairMode::Off => None,
                PairMode::On => Some(Pair { advert_int: 200 * MS, preempt: true, fencing: None }),
                PairMode::Fenced => Some(Pair {
                    advert_int: 200 * MS,
                    preempt: true,
                    fencing: Some(Fencing { ttl: SEC, renew: 200 * MS }),
                }),
            },
            redundancy: (self.spares > 0).then_some(Redundancy {
                spares: self.spares,
                provision: self.provision,
                detect_interval: 250 * MS,
                detect_threshold: 3,
            }),
            bugs: self.bugs,
            ..LbConfig::default()
        }
    }

    pub fn validate(&self, nodes: u8) -> Result<(), ScenarioError> {
        use limits::*;
        let backends = nodes.saturating_sub(self.overhead());
        if backends < MIN_BACKENDS {
            return Err(ScenarioError::new(
                "n",
                crate::msg!(
                    "{nodes} nodes leave {backends} backends beside the clients, balancers, witness and \
                     controller; at least {min} are needed",
                    nodes,
                    backends,
                    min = MIN_BACKENDS
                ),
            ));
        }
        if self.spares > 0 && self.spares >= backends {
            return Err(ScenarioError::new(
                "spares",
                crate::msg!(
                    "{spares} spares leave no backend in the pool ({backends} backends)",
                    spares = self.spares,
                    backends
                ),
            ));
        }
        check_range("rps", self.rps, 0, MAX_RPS)?;
        check_range("users", self.users, 0, MAX_USERS)?;
        check_duration("think", self.think, MS, MAX_THINK)?;
        check_duration("timeout", self.timeout, MIN_REQUEST_TIMEOUT, MAX_REQUEST_TIMEOUT)?;
        check_range("retries", self.retries, 0, crate::lb::config::MAX_RETRIES)?;
        check_duration("hedge", self.hedge, 0, self.timeout)?;
        check_duration("svc", self.service, MIN_SERVICE, MAX_SERVICE)?;
        check_range("workers", self.workers, 1, MAX_WORKERS)?;
        if self.weights.len() > usize::from(MAX_LB_NODES) {
            return Err(ScenarioError::new(
                "weights",
                crate::msg!("at most {max} weights", max = MAX_LB_NODES),
            ));
        }
        for &w in &self.weights {
            check_range("weights", w, 1, MAX_BACKEND_WEIGHT)?;
        }
        check_duration("inter", self.inter, MIN_CHECK_INTERVAL, MAX_CHECK_INTERVAL)?;
        check_range("fall", self.fall, 1, MAX_THRESHOLD)?;
        check_range("rise", self.rise, 1, MAX_THRESHOLD)?;
        check_duration("hctimeout", self.check_timeout, MS, MAX_CHECK_INTERVAL)?;
        check_duration("hcjitter", self.check_jitter, 0, self.inter)?;
        check_duration("sweep", self.sweep, MIN_CHECK_INTERVAL, MAX_CHECK_INTERVAL)?;
        check_range("c5xx", self.c5xx, 1, MAX_THRESHOLD)?;
        check_duration("ejecttime", self.eject_time, MIN_CHECK_INTERVAL, MAX_EJECTION_TIME)?;
        check_range("maxeject", self.max_eject, 0, 100)?;
        check_range("panic", self.panic, 0, 100)?;
        check_duration("slowstart", self.slow_start, 0, MAX_SLOW_START)?;
        check_duration("provision", self.provision, 0, MAX_PROVISION)?;
        Ok(())
    }

    /// The `key=value` pairs that differ from `d`, in a fixed order.
    pub fn encode(&self, d: &LbParams, parts: &mut Vec<String>) {
        if self.rps != d.rps {
            parts.push(format!("rps={}", self.rps));
        }
        if self.users != d.users {
            parts.push(format!("users={}", self.users));
        }
        if self.think != d.think {
            parts.push(format!("think={}", format_duration(self.think)));
        }
        if self.algo != d.algo {
            parts.push(format!("algo={}", self.algo.name()));
        }
        if self.timeout != d.timeout {
            parts.push(format!("timeout={}", format_duration(self.timeout)));
        }
        if self.retries != d.retries {
            parts.push(format!("retries={}", self.retries));
        }
        if self.budget != d.budget {
            parts.push(format!("budget={}", u8::from(self.budget)));
        }
        if self.hedge != d.hedge {
            parts.push(format!("hedge={}", format_duration(self.hedge)));
        }
        if self.service != d.service {
            parts.push(format!("svc={}", format_duration(self.service)));
        }
        if self.workers != d.workers {
            parts.push(format!("workers={}", self.workers));
        }
        if self.dist != d.dist {
            parts.push(format!("dist={}", self.dist.name()));
        }
        if !self.weights.is_empty() {
            let w: Vec<String> = self.weights.iter().map(u32::to_string).collect();
            parts.push(format!("weights={}", w.join(",")));
        }
        if self.health != d.health {
            parts.push(format!("hc={}", u8::from(self.health)));
        }
        if self.inter != d.inter {
            parts.push(format!("inter={}", format_duration(self.inter)));
        }
        if self.fall != d.fall {
            parts.push(format!("fall={}", self.fall));
        }
        if self.rise != d.rise {
            parts.push(format!("rise={}", self.rise));
        }
        if self.check_timeout != d.check_timeout {
            parts.push(format!("hctimeout={}", format_duration(self.check_timeout)));
        }
        if self.check_jitter != d.check_jitter {
            parts.push(format!("hcjitter={}", format_duration(self.check_jitter)));
        }
        if self.eject != d.eject {
            parts.push(format!("eject={}", u8::from(self.eject)));
        }
        if self.c5xx != d.c5xx {
            parts.push(format!("c5xx={}", self.c5xx));
        }
        if self.sweep != d.sweep {
            parts.push(format!("sweep={}", format_duration(self.sweep)));
        }
        if self.eject_time != d.eject_time {
            parts.push(format!("ejecttime={}", format_duration(self.eject_time)));
        }
        if self.max_eject != d.max_eject {
            parts.push(format!("maxeject={}", self.max_eject));
        }
        if self.panic != d.panic {
            parts.push(format!("panic={}", self.panic));
        }
        if self.slow_start != d.slow_start {
            parts.push(format!("slowstart={}", format_duration(self.slow_start)));
        }
        if self.pair != d.pair {
            parts.push(format!("pair={}", self.pair.name()));
        }
        if self.spares != d.spares {
            parts.push(format!("spares={}", self.spares));
        }
        if self.provision != d.provision {
            parts.push(format!("provision={}", format_duration(self.provision)));
        }
    }

    /// Applies one of the lab's URL keys; `None` if `key` is not one of them.
    pub fn apply(&mut self, key: &str, val: &str) -> Option<Result<(), ScenarioError>> {
        let err = |m: crate::msg::Msg| ScenarioError::new(key, m);
        let int = |v: &str, hi: u64| -> Result<u64, ScenarioError> {
            let n = v
                .parse::<u64>()
                .map_err(|_| err(crate::msg!("expected a whole number, got \"{v}\"", v = shorten(v))))?;
            if n > hi {
                return Err(err(crate::msg!("must be between {lo} and {hi}, got {v}", lo = 0u64, hi, v = n)));
            }
            Ok(n)
        };
        let flag = |v: &str| match v {
            "0" => Ok(false),
            "1" => Ok(true),
            _ => Err(err(crate::msg!("expected 0 or 1, got \"{v}\"", v = shorten(v)))),
        };
        let result = || {
            match key {
                "rps" => self.rps = int(val, u64::from(limits::MAX_RPS))? as u32,
                "users" => self.users = int(val, u64::from(limits::MAX_USERS))? as u16,
                "think" => self.think = parse_duration(val).map_err(err)?,
                "timeout" => self.timeout = parse_duration(val).map_err(err)?,
                "retries" => self.retries = int(val, u64::from(crate::lb::config::MAX_RETRIES))? as u8,
                "budget" => self.budget = flag(val)?,
                "hedge" => self.hedge = parse_duration(val).map_err(err)?,
                "svc" => self.service = parse_duration(val).map_err(err)?,
                "workers" => self.workers = int(val, u64::from(limits::MAX_WORKERS))? as u16,
                "dist" => {
                    self.dist = ServiceDist::ALL.into_iter().find(|d| d.name() == val).ok_or_else(|| {
                        err(crate::msg!("expected exp, lognormal or const, got \"{v}\"", v = shorten(val)))
                    })?
                }
                "weights" => {
                    self.weights = val
                        .split(',')
                        .filter(|w| !w.is_empty())
                        .map(|w| int(w, u64::from(limits::MAX_BACKEND_WEIGHT)).map(|w| w as u32))
                        .collect::<Result<_, _>>()?;
                    if self.weights.len() > usize::from(limits::MAX_LB_NODES) {
                        return Err(err(crate::msg!("at most {max} weights", max = limits::MAX_LB_NODES)));
                    }
                }
                "hc" => self.health = flag(val)?,
                "eject" => self.eject = flag(val)?,
                "inter" => self.inter = parse_duration(val).map_err(err)?,
                "fall" => self.fall = int(val, u64::from(limits::MAX_THRESHOLD))? as u16,
                "rise" => self.rise = int(val, u64::from(limits::MAX_THRESHOLD))? as u16,
                "hctimeout" => self.check_timeout = parse_duration(val).map_err(err)?,
                "hcjitter" => self.check_jitter = parse_duration(val).map_err(err)?,
                "sweep" => self.sweep = parse_duration(val).map_err(err)?,
                "c5xx" => self.c5xx = int(val, u64::from(limits::MAX_THRESHOLD))? as u16,
                "ejecttime" => self.eject_time = parse_duration(val).map_err(err)?,
                "maxeject" => self.max_eject = int(val, 100)? as u8,
                "panic" => self.panic = int(val, 100)? as u8,
                "slowstart" => self.slow_start = parse_duration(val).map_err(err)?,
                "provision" => self.provision = parse_duration(val).map_err(err)?,
                "spares" => self.spares = int(val, u64::from(limits::MAX_SPARES))? as u8,
                "algo" => {
                    self.algo = Algo::from_name(val).ok_or_else(|| {
                        let known: Vec<_> = Algo::ALL.iter().map(|a| a.name()).collect();
                        err(crate::msg!(
                            "unknown algorithm \"{v}\" (known: {known})",
                            v = shorten(val),
                            known = known.join(", ")
                        ))
                    })?
                }
                "pair" => {
                    self.pair = match val {
                        "off" => PairMode::Off,
                        "on" => PairMode::On,
                        "fenced" => PairMode::Fenced,
                        other => {
                            return Err(err(crate::msg!(
                                "expected off, on or fenced, got \"{v}\"",
                                v = shorten(other)
                            )))
                        }
                    }
                }
                _ => unreachable!("checked by KEYS"),
            }
            Ok(())
        };
        KEYS.contains(&key).then(result)
    }
}

/// The URL keys only the service lab reads (`timeout` it shares with the commit page).
pub const KEYS: &[&str] = &[
    "rps",
    "users",
    "think",
    "timeout",
    "retries",
    "budget",
    "hedge",
    "svc",
    "workers",
    "dist",
    "weights",
    "hc",
    "inter",
    "fall",
    "rise",
    "hctimeout",
    "hcjitter",
    "eject",
    "c5xx",
    "sweep",
    "ejecttime",
    "maxeject",
    "panic",
    "slowstart",
    "pair",
    "spares",
    "provision",
    "algo",
];

impl Scenario {
    pub fn lb_config(&self) -> LbConfig {
        self.lb.config(self.nodes, self.seed)
    }

    /// A service-lab simulation of this scenario with the invariant checker installed.
    pub fn lb_sim(&self) -> crate::sim::Sim<crate::lb::Lb> {
        crate::sim::Sim::new(crate::lb::Lb::new(self.lb_config()), self.sim_config())
            .with_checker(crate::lb::LbChecker::default())
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::url::{decode, encode};
    use crate::scenario::ProtocolKind;

    #[test]
    fn a_lab_url_round_trips_and_sizes_the_pool_from_n() {
        let q = "p=lb&n=9&seed=4&rps=500&algo=p2c&timeout=300ms&retries=2&budget=1&hc=1&hctimeout=50ms&hcjitter=0s\
                 &eject=1&sweep=2s&pair=fenced&spares=1";
        let s = decode(q).unwrap().scenario;
        assert_eq!(s.protocol, ProtocolKind::Lb);
        assert_eq!(encode(&s), q);
        let c = s.lb_config();
        // 9 nodes: clients, two balancers, the witness, the controller and four backends.
        assert_eq!((c.nodes(), c.backends.len(), c.active_at_boot()), (9, 4, 3));
        assert_eq!(encode(&decode("p=lb").unwrap().scenario), "p=lb&n=6&seed=1");
        let s = decode("p=lb&dist=lognormal&weights=3,1").unwrap().scenario;
        let c = s.lb_config();
        assert_eq!(c.backends.iter().map(|b| b.weight).collect::<Vec<_>>(), [3, 1, 1, 1]);
        assert!(matches!(c.backends[0].service, crate::protocol::Delay::LogNormal { .. }));
        assert_eq!(encode(&s), "p=lb&n=6&seed=1&dist=lognormal&weights=3,1");
    }

    #[test]
    fn bad_lab_urls_name_their_field() {
        for (q, field) in [
            ("p=lb&n=3&pair=fenced", "n"),
            ("p=lb&n=17", "n"),
            ("p=lb&rps=2001", "rps"),
            ("p=lb&algo=fastest", "algo"),
            ("p=lb&pair=3", "pair"),
            ("p=lb&n=6&spares=4", "spares"),
            ("p=lb&timeout=0s", "timeout"),
            ("p=lb&timeout=100ms&hedge=200ms", "hedge"),
            ("p=lb&retries=11", "retries"),
            ("p=lb&hctimeout=0s", "hctimeout"),
            ("p=lb&inter=200ms&hcjitter=300ms", "hcjitter"),
            ("p=lb&sweep=1ms", "sweep"),
            ("p=lb&workers=0", "workers"),
            ("p=lb&svc=1h", "svc"),
            ("p=lb&bugs=nope", "bugs"),
            ("p=lb&dist=pareto", "dist"),
            ("p=lb&weights=1,0", "weights"),
            ("p=lb&weights=1,101", "weights"),
            ("p=lb&weights=1,x", "weights"),
            ("p=raft&rps=10", "rps"),
            ("p=lb&rate=2", "rate"),
            ("p=raft&faults=slow:1:10@1s", "faults[1]"),
            ("p=lb&faults=slow:9:10@1s", "faults[1]"),
        ] {
            let e = decode(q).expect_err(q);
            assert_eq!(e.field, field, "{q}: {e}");
        }
    }
}
