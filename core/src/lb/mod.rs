//! The service lab: clients, a load balancer and a pool of backends, on the same contract and
//! simulator as the consensus protocols.
//!
//! One node stands for the whole client population ([`CLIENTS`]): it makes requests (a Poisson
//! stream, or closed-loop users with think time), times each attempt out and retries with
//! backoff, within a budget if one is set. The balancer ([`BALANCER`]) routes each request to a
//! backend by the configured algorithm, using only what it can observe: its own outstanding
//! counts, the latencies and errors it saw, and its active health checks. It ejects hosts that
//! fail in a row (Envoy's outlier detection) and routes to every host when too few are healthy
//! (the panic threshold). Backends ([`LbConfig::first_backend`] on) serve with a fixed number of workers
//! and a bounded queue, refusing what does not fit with a 503.
//!
//! Service times and arrival gaps are random; the protocol asks the driver to draw them
//! ([`crate::protocol::Delay`]). The balancer's random picks and the clients' backoff jitter are
//! pure hashes of the request (salted by the configuration), so the handlers stay pure.

pub mod agenda;
pub mod backend;
pub mod balancer;
pub mod client;
pub mod config;
pub mod controller;
pub mod histogram;
pub mod invariants;
pub mod meter;
pub mod pick;
pub mod vrrp;

#[cfg(test)]
mod tests;

pub use config::{
    Algorithm, Arrivals, Backend, Fencing, HealthCheck, LbBugs, LbConfig, Mode, Outlier, Pair, Redundancy,
    Retry, SlowStart, BALANCER, CLIENTS, LB_BUG_NAMES, STANDBY,
};
pub use invariants::LbChecker;

use crate::client::{Reply, Service};
use crate::protocol::{Degrade, Describe, Effects, Event, Micros, NodeId, Protocol};
use backend::BackendState;
use balancer::BalancerState;
use client::ClientState;
use serde::Serialize;

/// The lab as a [`Protocol`]: `&self` is the configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lb {
    pub config: LbConfig,
}

impl Lb {
    pub fn new(config: LbConfig) -> Self {
        Lb { config }
    }
}

/// How an attempt ended, as an HTTP client would see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Status {
    Ok,
    /// The backend failed the request (a 5xx).
    Error,
    /// The backend's queue was full (a 503).
    Overloaded,
    /// The balancer had no host to send it to (a 503).
    NoHost,
    /// The balancer gave up waiting for the backend (a 504).
    GatewayTimeout,
}

impl Status {
    pub fn is_ok(self) -> bool {
        self == Status::Ok
    }

    /// The status as a message's description names it (its variant's name, in English).
    pub fn msg(self) -> crate::msg::Msg {
        match self {
            Status::Ok => crate::msg!("Ok"),
            Status::Error => crate::msg!("Error"),
            Status::Overloaded => crate::msg!("Overloaded"),
            Status::NoHost => crate::msg!("NoHost"),
            Status::GatewayTimeout => crate::msg!("GatewayTimeout"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum LbMsg {
    /// Client → balancer: attempt `attempt` of request `id`.
    Request {
        id: u64,
        attempt: u8,
    },
    /// Balancer → backend.
    Forward {
        id: u64,
        attempt: u8,
    },
    /// Backend → balancer.
    Done {
        id: u64,
        attempt: u8,
        status: Status,
    },
    /// Balancer → client.
    Response {
        id: u64,
        attempt: u8,
        status: Status,
    },
    /// Balancer → backend: an active health check.
    Check {
        seq: u64,
    },
    CheckReply {
        seq: u64,
        healthy: bool,
    },
    /// Master → peer balancer: VRRP's advert.
    Advert {
        priority: u8,
    },
    /// A new master → clients: the VIP is here now (a gratuitous ARP); also a master's answer
    /// to [`LbMsg::Arp`].
    Garp,
    /// Controller → spare backend: get ready to serve.
    Provision,
    /// Spare → controller: ready.
    Provisioned,
    /// Controller → balancers: the pool is now these backends (by index), version `epoch`.
    Pool {
        epoch: u64,
        members: Vec<u8>,
    },
    /// Clients → balancers: who has the VIP? (at boot, and when an attempt times out, as an
    /// ARP cache entry is revalidated)
    Arp,
    /// Balancer → witness: the lease, please; `asked` is the balancer's clock when it asked.
    LeaseAsk {
        asked: Micros,
    },
    LeaseGrant {
        asked: Micros,
    },
    LeaseDeny,
    /// A master that stepped down → witness: it no longer serves; the lease its grant for the
    /// ask at `asked` gave is free.
    LeaseRelease {
        asked: Micros,
    },
}

impl Describe for LbMsg {
    fn label(&self) -> &'static str {
        match self {
            LbMsg::Request { .. } => "Request",
            LbMsg::Forward { .. } => "Forward",
            LbMsg::Done { .. } => "Done",
            LbMsg::Response { .. } => "Response",
            LbMsg::Check { .. } => "Check",
            LbMsg::CheckReply { .. } => "CheckReply",
            LbMsg::Advert { .. } => "Advert",
            LbMsg::Garp => "GARP",
            LbMsg::Arp => "ARP",
            LbMsg::Provision => "Provision",
            LbMsg::Provisioned => "Provisioned",
            LbMsg::Pool { .. } => "Pool",
            LbMsg::LeaseAsk { .. } => "LeaseAsk",
            LbMsg::LeaseGrant { .. } => "LeaseGrant",
            LbMsg::LeaseDeny => "LeaseDeny",
            LbMsg::LeaseRelease { .. } => "LeaseRelease",
        }
    }

    /// Health checks and VRRP's adverts and ARP.
    fn routine(&self) -> bool {
        matches!(
            self,
            LbMsg::Check { .. } | LbMsg::CheckReply { .. } | LbMsg::Advert { .. } | LbMsg::Garp | LbMsg::Arp
        )
    }

    fn detail(&self) -> crate::msg::Msg {
        match self {
            LbMsg::Request { id, attempt } | LbMsg::Forward { id, attempt } => {
                crate::msg!("request {id}, try {attempt}", id = *id, attempt = *attempt)
            }
            LbMsg::Done { id, attempt, status } | LbMsg::Response { id, attempt, status } => {
                crate::msg!(
                    "request {id}, try {attempt}: {status}",
                    id = *id,
                    attempt = *attempt,
                    status = status.msg()
                )
            }
            LbMsg::Check { seq } => crate::msg!("health check {seq}", seq = *seq),
            LbMsg::CheckReply { seq, healthy: true } => {
                crate::msg!("health check {seq}: healthy", seq = *seq)
            }
            LbMsg::CheckReply { seq, healthy: false } => {
                crate::msg!("health check {seq}: failing", seq = *seq)
            }
            LbMsg::Advert { priority } => {
                crate::msg!("VRRP advert, priority {priority}", priority = *priority)
            }
            LbMsg::Garp => crate::msg!("the virtual IP moved here"),
            LbMsg::Arp => crate::msg!("who has the virtual IP?"),
            LbMsg::Provision => crate::msg!("start up as a replacement"),
            LbMsg::Provisioned => crate::msg!("ready to serve"),
            LbMsg::Pool { epoch, members } => {
                crate::msg!(
                    "pool {epoch}: backends {members}",
                    epoch = *epoch,
                    members = format!("{members:?}")
                )
            }
            LbMsg::LeaseAsk { .. } => crate::msg!("may I hold the VIP's lease?"),
            LbMsg::LeaseGrant { .. } => crate::msg!("lease granted"),
            LbMsg::LeaseDeny => crate::msg!("lease held by the other balancer"),
            LbMsg::LeaseRelease { .. } => crate::msg!("I stepped down: the lease is free"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum LbTimer {
    /// Clients: the next open-loop arrival.
    Arrival,
    /// Clients: user `u` has finished thinking.
    Think(u16),
    /// Clients and balancer: the earliest entry of the node's agenda (timeouts, retries) is due.
    Wake,
    /// Backend: worker `w` finishes its request.
    Service(u16),
    /// Balancer: the next round of health checks.
    CheckRound,
    /// Balancer: the next outlier-detection sweep.
    Sweep,
    /// Master balancer: send the next VRRP advert.
    Advert,
    /// Backup balancer: no advert for Master_Down_Interval.
    MasterDown,
    /// Fenced master: renew the witness's lease.
    LeaseRenew,
    /// A restarted witness has waited out one lease TTL.
    WitnessReady,
    /// Controller: check the pool; spare backend: provisioning done.
    Detect,
    Provisioned,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum LbState {
    Clients(ClientState),
    Balancer(BalancerState),
    Backend(BackendState),
    Witness(vrrp::WitnessState),
    Controller(controller::ControllerState),
}

/// What a node keeps across a crash. Every node keeps the count of its lives, which tells a
/// restart apart (a restarted balancer rejoins its pair as a backup) and keeps the clients'
/// request ids unique across lives. The controller keeps its view of the pool, as a real one
/// keeps it in a replicated store (a restarted controller that announced its boot-time pool
/// would undo every replacement), and a balancer the last pool it applied (a restarted one would
/// route to a replaced backend until the next announcement). Nothing else: a restarted backend
/// comes back empty, a restarted balancer forgets what it observed of the backends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Saved {
    /// Lives before this one.
    pub boots: u32,
    /// The controller's pool: its epoch and every slot.
    pub pool: Option<(u64, Vec<controller::Slot>)>,
}

/// The lab makes its own requests; a stray simulator write is answered "rejected" at once.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct NoWrites {
    pub req: u64,
}

pub type Out = Effects<Lb>;

impl Protocol for Lb {
    type Msg = LbMsg;
    type Timer = LbTimer;
    type State = LbState;
    type Durable = Saved;
    type Write = Saved;
    type Input = NoWrites;
    type Output = NoWrites;

    fn nodes(&self) -> usize {
        self.config.nodes()
    }

    /// The balancer that serves the VIP (leader-targeted faults isolate or crash it).
    fn is_leader(&self, s: &LbState) -> bool {
        matches!(s, LbState::Balancer(b) if b.vrrp.role == vrrp::Role::Master)
    }

    fn store(&self, durable: &mut Option<Saved>, write: &Saved) {
        *durable = Some(write.clone());
    }

    /// Every node counts its lives on disk at boot.
    fn init(&self, id: NodeId, restored: Option<&Saved>, out: &mut Out) -> LbState {
        let c = &self.config;
        let saved = restored.map_or_else(Saved::default, |s| Saved { boots: s.boots + 1, ..s.clone() });
        out.persist(saved.clone());
        let restarted = restored.is_some();
        match id {
            CLIENTS => LbState::Clients(ClientState::boot(c, saved.boots, out)),
            _ if c.is_balancer(id) => LbState::Balancer(BalancerState::boot(c, id, &saved, restarted, out)),
            _ if Some(id) == c.witness() => LbState::Witness(vrrp::WitnessState::boot(c, restarted, out)),
            _ if Some(id) == c.controller() => {
                LbState::Controller(controller::ControllerState::boot(c, saved, out))
            }
            _ => LbState::Backend(BackendState::boot(c, c.backend(id).unwrap_or(0))),
        }
    }

    /// A backend turns slow, fails fast, or recovers; nothing else degrades. (The fault's own
    /// note says so: no second one.)
    fn degrade(&self, _id: NodeId, state: &mut LbState, how: Degrade, _out: &mut Out) {
        if let LbState::Backend(b) = state {
            b.mode = match how {
                Degrade::Slow(factor) => Mode::Slow { factor },
                Degrade::FailFast => Mode::FailFast,
                Degrade::Recover => Mode::Healthy,
            };
        }
    }

    fn handle(&self, id: NodeId, now: Micros, state: &mut LbState, ev: Event<Self>, out: &mut Out) {
        let c = &self.config;
        match (state, ev) {
            (_, Event::Input(w)) => out.output(w),
            (LbState::Clients(s), ev) => s.handle(c, now, ev, out),
            (LbState::Balancer(s), ev) => s.handle(c, id, now, ev, out),
            (LbState::Witness(s), ev) => s.handle(c, now, ev, out),
            (LbState::Controller(s), ev) => s.handle(c, now, ev, out),
            (LbState::Backend(s), ev) => s.handle(c, id, now, ev, out),
        }
    }
}

/// The balancer that serves the VIP now (a master, holding the lease if the pair is fenced),
/// the lowest id first: what the page draws and the meter marks failovers by.
pub fn serving_balancer(cluster: &crate::cluster::Cluster<Lb>) -> Option<(NodeId, &BalancerState)> {
    let c = &cluster.protocol.config;
    c.balancers().find_map(|b| match cluster.state(b) {
        Some(LbState::Balancer(s))
            if s.vrrp.serving(c, cluster.nodes[usize::from(b)].clock.local(cluster.now)) =>
        {
            Some((b, s))
        }
        _ => None,
    })
}

impl Service for Lb {
    fn write(&self, id: u64, _key: u8, _value: u32) -> NoWrites {
        NoWrites { req: id }
    }
    fn reply(&self, out: &NoWrites) -> Reply {
        Reply::Rejected { req: out.req }
    }
}
