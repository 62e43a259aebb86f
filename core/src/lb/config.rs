//! The service lab's configuration: clients, backends, the balancing algorithm, health checks,
//! outlier detection and retries. Parameter names follow Envoy's where Envoy has one.

use crate::protocol::{Delay, Micros, NodeId, MS, SEC};

/// Node ids: the client population is node 0 and the (first) load balancer node 1; then the
/// standby balancer if there is a pair, the lease witness if the pair is fenced, and the
/// backends ([`LbConfig::first_backend`]).
pub const CLIENTS: NodeId = 0;
pub const BALANCER: NodeId = 1;
/// The standby balancer of a pair.
pub const STANDBY: NodeId = 2;

/// How requests arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arrivals {
    /// Open loop: a Poisson stream of this many requests per second, whatever the service does.
    Open { per_sec: u32 },
    /// Closed loop: this many users, each waiting for its request to end, then thinking for an
    /// exponentially distributed time with this mean before the next.
    Closed { users: u16, think: Micros },
}

/// What a client does after an attempt fails (an error, or no answer within the timeout).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Retry {
    Never,
    /// Up to this many retries per request.
    Fixed {
        max: u8,
    },
    /// Envoy's `retry_budget`: a retry may start while retries in flight stay under
    /// `percent` % of requests in flight, or under `min_concurrency`; at most `max` per request.
    Budget {
        percent: u8,
        min_concurrency: u16,
        max: u8,
    },
}

/// How a backend behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Mode {
    Healthy,
    /// Every service time is this many times longer.
    Slow {
        factor: u16,
    },
    /// Answers every request at once with an error (a 5xx), and fails its health checks.
    FailFast,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Backend {
    pub weight: u32,
    /// Requests served at once.
    pub workers: u16,
    /// Requests waiting beyond the workers; one more is refused with a 503.
    pub queue: u16,
    pub service: Delay,
    pub mode: Mode,
}

impl Default for Backend {
    fn default() -> Self {
        Backend {
            weight: 1,
            workers: 1,
            queue: 64,
            service: Delay::Exponential { mean: 10 * MS },
            mode: Mode::Healthy,
        }
    }
}

/// How the balancer picks a backend. It sees only what a real one sees: its own outstanding
/// counts, the latencies and errors it observed, its health checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    RoundRobin,
    /// Smooth weighted round robin (nginx): the same interleaving a weighted wheel gives, spread.
    WeightedRoundRobin,
    Random,
    /// The fewest requests outstanding from this balancer, ties to the lowest index.
    LeastRequest,
    /// Envoy's `LEAST_REQUEST` with `choice_count`: the fewer outstanding of this many random
    /// picks (2: "the power of two choices").
    PowerOfChoices {
        choices: u8,
    },
    /// Linkerd's peak EWMA: cost = latency average (jumping up to any slower sample, decaying
    /// with `tau`) × (outstanding + 1); the cheaper of two random picks.
    PeakEwma {
        tau: Micros,
    },
    /// A hash ring over the request's key (its session), with `vnodes` points per unit of
    /// weight; with `bound_percent` > 0, Mirrokni, Thorup and Zadimoghaddam's bounded loads: a
    /// host takes a request only while it has fewer than (1 + bound/100) × the average
    /// outstanding, else the next host clockwise does.
    RingHash {
        vnodes: u16,
        bound_percent: u16,
    },
    /// Maglev's lookup table over the request's key.
    Maglev,
}

/// Envoy's active health checking (`interval`, `timeout`, `unhealthy_threshold`,
/// `healthy_threshold`, `interval_jitter`); HAProxy calls them `inter`, `fall` and `rise`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HealthCheck {
    pub interval: Micros,
    pub timeout: Micros,
    pub unhealthy_threshold: u16,
    pub healthy_threshold: u16,
    pub jitter: Micros,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck {
            interval: SEC,
            timeout: 200 * MS,
            unhealthy_threshold: 3,
            healthy_threshold: 2,
            jitter: 0,
        }
    }
}

/// Envoy's passive outlier detection: eject a host after `consecutive_5xx` errors in a row for
/// `base_ejection_time` × its multiplier (at most `max_ejection_time`), never more than
/// `max_ejection_percent` % of the pool's hosts at once. The multiplier rises with each
/// ejection and falls by one at each sweep (every `interval`) that finds the host in rotation;
/// an ejection ends at the first sweep after its time is up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Outlier {
    pub consecutive_5xx: u16,
    pub interval: Micros,
    pub base_ejection_time: Micros,
    /// The longest one ejection lasts, however often the host was ejected.
    pub max_ejection_time: Micros,
    pub max_ejection_percent: u8,
}

impl Default for Outlier {
    fn default() -> Self {
        Outlier {
            consecutive_5xx: 5,
            interval: 10 * SEC,
            base_ejection_time: 30 * SEC,
            max_ejection_time: 300 * SEC,
            max_ejection_percent: 10,
        }
    }
}

impl Outlier {
    /// How many of `pool` hosts may be ejected at once: at least one, as in Envoy.
    pub fn cap(&self, pool: usize) -> usize {
        (pool * usize::from(self.max_ejection_percent) / 100).max(1)
    }
}

/// Envoy's `slow_start_config`: a host back in rotation (healthy again, or back from
/// ejection) gets a share that grows from `min_weight_percent` to its full weight over `window`,
/// as `(t / window)^(1 / aggression)`, so a cold cache or JIT is not flooded at once. Weighted
/// round robin scales the weight; least request, two choices and peak EWMA divide the cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SlowStart {
    pub window: Micros,
    /// Aggression in thousandths (1,000: a straight ramp; more: faster at first).
    pub aggression_milli: u32,
    pub min_weight_percent: u8,
}

impl Default for SlowStart {
    fn default() -> Self {
        SlowStart { window: 30 * SEC, aggression_milli: 1_000, min_weight_percent: 10 }
    }
}

impl SlowStart {
    /// The share of its weight a host warming for `t` gets, in thousandths.
    pub fn share_milli(&self, t: Micros) -> u64 {
        if t >= self.window {
            return 1_000;
        }
        let x = t as f64 / self.window.max(1) as f64;
        let f = libm::pow(x, 1_000.0 / f64::from(self.aggression_milli.max(1)));
        let min = f64::from(self.min_weight_percent.min(100)) / 100.0;
        (f.max(min) * 1_000.0).round().max(1.0) as u64
    }
}

/// An active/standby balancer pair with VRRP's adverts (RFC 5798): the master sends an advert
/// every `advert_int`; a backup that hears none for 3 × `advert_int` plus a skew (shorter for
/// higher priority) takes the virtual IP and announces it (a gratuitous ARP, which clients
/// follow). Balancer 1 has priority 200 and balancer 2 has 100; with `preempt`, a backup of
/// higher priority takes the VIP back from a lower one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pair {
    pub advert_int: Micros,
    pub preempt: bool,
    pub fencing: Option<Fencing>,
}

impl Default for Pair {
    fn default() -> Self {
        Pair { advert_int: SEC, preempt: true, fencing: None }
    }
}

/// Fencing the pair with a lease from a witness node (the lock service's idea, Chubby's
/// sequencer): a balancer serves as master only while it holds an unexpired lease, counted
/// from when it asked and shortened by the drift bound, and the witness grants the lease to one
/// balancer at a time. Split brain then leaves at most one balancer serving.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fencing {
    pub ttl: Micros,
    /// How often the master renews (well under `ttl`).
    pub renew: Micros,
}

impl Default for Fencing {
    fn default() -> Self {
        Fencing { ttl: 3 * SEC, renew: SEC }
    }
}

impl Fencing {
    /// How long the holder believes a grant lasts, on its own clock from when it asked. The
    /// witness's record lasts `ttl` on its clock from a later instant; with both clocks within
    /// ρ of true time, the holder's belief ends first when it is shortened to
    /// ttl × (1 − ρ) / (1 + ρ) (the lock service's rule).
    pub fn holder_lease(&self) -> Micros {
        let rho = u128::from(LEASE_DRIFT_PPM);
        (u128::from(self.ttl) * (1_000_000 - rho) / (1_000_000 + rho)) as Micros
    }
}

/// N+M redundancy with automatic recovery: the last `spares` backends stand by outside the
/// pool. A controller checks the pool's backends every `detect_interval`; after
/// `detect_threshold` misses in a row it provisions a spare (`provision`: seconds for a warm
/// spare, minutes for a cold one) and then swaps it into every balancer's pool. A replaced
/// backend that answers again becomes a spare. The outage a crash causes is then detection +
/// provisioning + the balancers' own health checks and slow start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Redundancy {
    pub spares: u8,
    pub provision: Micros,
    pub detect_interval: Micros,
    pub detect_threshold: u16,
}

impl Default for Redundancy {
    fn default() -> Self {
        Redundancy { spares: 1, provision: 2 * SEC, detect_interval: 500 * MS, detect_threshold: 3 }
    }
}

/// Retries per request at most (attempt numbers stay below the hedge bit).
pub const MAX_RETRIES: u8 = 10;

/// The clock drift a lease holder allows for, in parts per million (5%).
pub const LEASE_DRIFT_PPM: u64 = 50_000;

/// Deliberately broken variants, to prove the checker catches what they break.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct LbBugs {
    /// A retry is sent without a timeout of its own: an unanswered retry hangs forever.
    pub retry_without_timeout: bool,
    /// The balancer keeps routing to hosts it has ejected or marked unhealthy.
    pub route_to_ejected: bool,
    /// Outlier detection ignores `max_ejection_percent`, so errors can eject every host.
    pub eject_all: bool,
    /// A fenced backup promotes itself without waiting for the witness's lease.
    pub unfenced_promotion: bool,
    /// A restarted witness grants the lease at once, though it forgot who held it.
    pub forgetful_witness: bool,
    /// A restarted balancer forgets the pool it applied and routes by the boot-time pool.
    pub pool_amnesia: bool,
}

/// The bug switches by URL name (`bugs=`), with what each breaks.
pub const LB_BUG_NAMES: &[(&str, &str)] = &[
    ("notimeout", "a retry is sent without a timeout of its own, so an unanswered retry hangs"),
    ("ejected", "the balancer keeps routing to hosts it ejected or marked unhealthy"),
    ("ejectall", "outlier detection ignores max_ejection_percent"),
    ("unfenced", "a fenced standby takes the VIP without the witness's lease"),
    ("forgetful", "a restarted witness grants the lease at once, though it forgot who held it"),
    ("amnesia", "a restarted balancer forgets the controller's pool and routes by the boot-time one"),
];

impl LbBugs {
    pub fn flag_mut(&mut self, name: &str) -> Option<&mut bool> {
        match name {
            "notimeout" => Some(&mut self.retry_without_timeout),
            "ejected" => Some(&mut self.route_to_ejected),
            "ejectall" => Some(&mut self.eject_all),
            "unfenced" => Some(&mut self.unfenced_promotion),
            "forgetful" => Some(&mut self.forgetful_witness),
            "amnesia" => Some(&mut self.pool_amnesia),
            _ => None,
        }
    }

    pub fn get(&self, name: &str) -> Option<bool> {
        let mut copy = *self;
        copy.flag_mut(name).map(|f| *f)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LbConfig {
    /// Salts the balancer's random picks and the clients' backoff jitter (pure hashes of the
    /// request, not draws: the protocol never sees the simulator's RNG).
    pub salt: u64,
    pub arrivals: Arrivals,
    /// How long a client waits for one attempt.
    pub timeout: Micros,
    pub retry: Retry,
    /// The first retry waits up to this long (uniform jitter), doubling with each retry.
    pub backoff: Micros,
    /// Hedging: if an attempt has no answer after this long, send one more copy of it; the
    /// first success wins (Dean and Barroso, "The Tail at Scale").
    pub hedge: Option<Micros>,
    pub backends: Vec<Backend>,
    pub algorithm: Algorithm,
    pub health: Option<HealthCheck>,
    pub outlier: Option<Outlier>,
    /// Envoy's `healthy_panic_threshold`: with fewer than this % of hosts healthy, route to all.
    pub panic_percent: u8,
    pub slow_start: Option<SlowStart>,
    /// Distinct request keys (sessions) the hashing algorithms route by.
    pub keys: u32,
    /// A standby balancer, if any.
    pub pair: Option<Pair>,
    /// Spares and the controller that swaps them in, if any.
    pub redundancy: Option<Redundancy>,
    pub bugs: LbBugs,
}

impl Default for LbConfig {
    fn default() -> Self {
        LbConfig {
            salt: 1,
            arrivals: Arrivals::Open { per_sec: 200 },
            timeout: SEC,
            retry: Retry::Never,
            backoff: 25 * MS,
            hedge: None,
            backends: vec![Backend::default(); 4],
            algorithm: Algorithm::RoundRobin,
            health: None,
            outlier: None,
            panic_percent: 50,
            slow_start: None,
            keys: 1_000,
            pair: None,
            redundancy: None,
            bugs: LbBugs::default(),
        }
    }
}

impl LbConfig {
    pub fn nodes(&self) -> usize {
        usize::from(self.first_backend()) + self.backends.len()
    }

    /// The balancers' node ids.
    pub fn balancers(&self) -> std::ops::RangeInclusive<NodeId> {
        BALANCER..=if self.pair.is_some() { STANDBY } else { BALANCER }
    }

    pub fn is_balancer(&self, id: NodeId) -> bool {
        self.balancers().contains(&id)
    }

    /// The lease witness, if the pair is fenced.
    pub fn witness(&self) -> Option<NodeId> {
        self.pair.and_then(|p| p.fencing).map(|_| STANDBY + 1)
    }

    /// The controller that replaces failed backends, if there are spares.
    pub fn controller(&self) -> Option<NodeId> {
        self.redundancy.map(|_| self.witness().map_or(*self.balancers().end(), |w| w) + 1)
    }

    pub fn first_backend(&self) -> NodeId {
        self.controller().or(self.witness()).unwrap_or(*self.balancers().end()) + 1
    }

    /// Backends in the pool at boot: all but the spares (at least one).
    pub fn active_at_boot(&self) -> usize {
        let spares = self.redundancy.map_or(0, |r| usize::from(r.spares));
        self.backends.len().saturating_sub(spares).max(1)
    }

    /// The backend index of node `id`, if it is a backend.
    pub fn backend(&self, id: NodeId) -> Option<usize> {
        let i = usize::from(id.checked_sub(self.first_backend())?);
        (i < self.backends.len()).then_some(i)
    }

    pub fn backend_node(&self, i: usize) -> NodeId {
        self.first_backend() + i as NodeId
    }

    /// VRRP priority of balancer `id`.
    pub fn priority(&self, id: NodeId) -> u8 {
        if id == BALANCER {
            200
        } else {
            100
        }
    }

    /// Backend `i` as notes and pages name it: `B1 (node 3)` (1-based, as drawn).
    pub fn backend_name(&self, i: usize) -> crate::msg::Msg {
        crate::msg!("backend B{b} (node {node})", b = i + 1, node = self.backend_node(i))
    }

    /// Backend `i`'s weight (at least 1).
    pub fn weight(&self, i: usize) -> u32 {
        self.backends.get(i).map_or(1, |b| b.weight.max(1))
    }

    pub fn max_retries(&self) -> u8 {
        let max = match self.retry {
            Retry::Never => 0,
            Retry::Fixed { max } | Retry::Budget { max, .. } => max,
        };
        max.min(MAX_RETRIES)
    }
}
