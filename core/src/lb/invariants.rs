//! `LbChecker`: what must hold in the service lab whatever the faults.

use super::config::{LbConfig, CLIENTS, LEASE_DRIFT_PPM};
use super::vrrp::Role;
use super::{Lb, LbState};
use crate::cluster::Cluster;
use crate::invariant::{Broken, Checker};
use crate::protocol::{Micros, NodeId};

pub const ENDS_ONCE: &str = "every request ends exactly once";
pub const NONE_LOST: &str = "no request is lost silently";
pub const NO_EJECTED_ROUTING: &str =
    "no new request goes to an ejected or unhealthy backend outside panic mode";
pub const EJECTION_CAP: &str = "outlier detection ejects at most max_ejection_percent of hosts";
pub const ONE_MASTER: &str = "at most one balancer serves the VIP while fencing's assumptions hold";
pub const POOL_FOLLOWS_CONTROLLER: &str =
    "a balancer's pool is the controller's, and never goes back to an older one, even after a restart";
pub const LB_INVARIANTS: &[&str] =
    &[ENDS_ONCE, NONE_LOST, NO_EJECTED_ROUTING, EJECTION_CAP, ONE_MASTER, POOL_FOLLOWS_CONTROLLER];

#[derive(Clone, Debug, Default)]
pub struct LbChecker {
    /// A paused client population acts late on everything: its requests are not judged lost
    /// before this instant (true time).
    pause_grace: Micros,
    /// Fencing assumes bounded drift and no pauses of the balancers and the witness: after
    /// either, [`ONE_MASTER`] is not judged until every lease formed under it has run out.
    unjudged_until: Micros,
    /// Both balancers of the pair have been master since then.
    both_since: Option<Micros>,
    /// Both were master for longer than an advert interval (split brain; a preemption overlaps
    /// for one message delay), now, and how many times.
    pub split_brain: bool,
    pub split_brains: u64,
    /// The newest pool epoch each balancer has applied (by node), over all its lives.
    pool_epochs: std::collections::BTreeMap<NodeId, u64>,
    /// What the page plots.
    pub meter: super::meter::Meter,
}

/// How long a request can take before its client must have ended it: every attempt's timeout
/// plus every backoff, plus a margin for messages in flight.
pub fn longest_request(c: &LbConfig) -> Micros {
    let retries = u64::from(c.max_retries());
    let backoffs: Micros = (0..retries).map(|k| c.backoff.saturating_mul(1 << k.min(16))).sum();
    (retries + 1) * c.timeout + backoffs + c.timeout / 10
}

impl Checker<Lb> for LbChecker {
    fn check(&mut self, cluster: &Cluster<Lb>, touched: Option<NodeId>) -> Result<(), Broken> {
        let c = &cluster.protocol.config;
        self.meter.observe(cluster);
        if let Some(LbState::Clients(s)) = cluster.state(CLIENTS) {
            let st = &s.stats;
            if st.issued != st.ended() + s.pending.len() as u64 {
                return Err(Broken {
                    invariant: ENDS_ONCE,
                    detail: crate::msg!(
                        "{issued} requests issued, but {ended} ended and {open} are open",
                        issued = st.issued,
                        ended = st.ended(),
                        open = s.pending.len()
                    ),
                });
            }
            let node = &cluster.nodes[CLIENTS as usize];
            let limit = longest_request(c);
            if let Some(until) = node.paused_until {
                self.pause_grace = self.pause_grace.max(until + limit);
            }
            let now = node.clock.local(cluster.now);
            // The oldest open request is the first by id (ids are handed out in time order).
            if let Some((id, p)) = s.pending.iter().next() {
                if now.saturating_sub(p.issued) > limit && cluster.now >= self.pause_grace {
                    return Err(Broken {
                        invariant: NONE_LOST,
                        detail: crate::msg!(
                            "request {id} is still open after {age} s (try {attempt}), longer than any \
                             timeout and backoff allow ({limit} s)",
                            id = *id,
                            age = format!("{:.3}", (now - p.issued) as f64 / 1e6),
                            attempt = p.attempt,
                            limit = format!("{:.3}", limit as f64 / 1e6)
                        ),
                    });
                }
            }
        }
        self.masters(cluster)?;
        self.pools(cluster, touched)?;
        if let Some(t) = touched.filter(|&t| c.is_balancer(t)) {
            if let Some(LbState::Balancer(b)) = cluster.state(t) {
                if let Some(host) = b.last_routed {
                    if !b.hosts[host].in_pool {
                        return Err(Broken {
                            invariant: NO_EJECTED_ROUTING,
                            detail: crate::msg!(
                                "{backend} got a request while out of the pool",
                                backend = c.backend_name(host)
                            ),
                        });
                    }
                    if !b.panic && !b.hosts[host].routable() {
                        return Err(Broken {
                            invariant: NO_EJECTED_ROUTING,
                            detail: if b.hosts[host].unhealthy {
                                crate::msg!(
                                    "{backend} got a request while marked unhealthy",
                                    backend = c.backend_name(host)
                                )
                            } else {
                                crate::msg!(
                                    "{backend} got a request while ejected",
                                    backend = c.backend_name(host)
                                )
                            },
                        });
                    }
                }
                if let Some(o) = c.outlier {
                    // Envoy's rule written out here rather than `Outlier::cap`: a wrong formula
                    // in the balancer cannot pass by being shared with its judge.
                    let cap = (b.pool() * usize::from(o.max_ejection_percent) / 100).max(1);
                    if b.ejected() > cap {
                        return Err(Broken {
                            invariant: EJECTION_CAP,
                            detail: crate::msg!(
                                "{ejected} of {pool} hosts ejected, over max_ejection_percent = {max}%",
                                ejected = b.ejected(),
                                pool = b.pool(),
                                max = o.max_ejection_percent
                            ),
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

impl LbChecker {
    /// Cross-checks a balancer's pool against the controller's: the epoch it applied never
    /// falls (a restart included), and at the controller's epoch its members are the
    /// controller's. Without it, a balancer that forgot its pool looked like one that had not
    /// heard the news yet.
    fn pools(&mut self, cluster: &Cluster<Lb>, touched: Option<NodeId>) -> Result<(), Broken> {
        let c = &cluster.protocol.config;
        let Some(b_id) = touched.filter(|&t| c.is_balancer(t)) else { return Ok(()) };
        let Some(LbState::Balancer(b)) = cluster.state(b_id) else { return Ok(()) };
        let seen = self.pool_epochs.entry(b_id).or_insert(b.pool_epoch);
        if b.pool_epoch < *seen {
            return Err(Broken {
                invariant: POOL_FOLLOWS_CONTROLLER,
                detail: crate::msg!(
                    "balancer {b_id} went back from pool {seen} to pool {epoch}",
                    b_id,
                    seen = *seen,
                    epoch = b.pool_epoch
                ),
            });
        }
        *seen = b.pool_epoch;
        let ctl = c.controller().and_then(|id| match cluster.state(id) {
            Some(LbState::Controller(ctl)) => Some(ctl),
            _ => None,
        });
        if let Some(ctl) = ctl.filter(|ctl| ctl.epoch == b.pool_epoch) {
            let differs = ctl.slots.iter().zip(&b.hosts).position(|(s, h)| s.in_pool() != h.in_pool);
            if let Some(i) = differs {
                return Err(Broken {
                    invariant: POOL_FOLLOWS_CONTROLLER,
                    detail: if b.hosts[i].in_pool {
                        crate::msg!(
                            "at pool {epoch} balancer {b_id} has {backend} in the pool, the controller not",
                            epoch = b.pool_epoch,
                            b_id,
                            backend = c.backend_name(i)
                        )
                    } else {
                        crate::msg!(
                            "at pool {epoch} balancer {b_id} has {backend} out of the pool, the controller does",
                            epoch = b.pool_epoch,
                            b_id,
                            backend = c.backend_name(i)
                        )
                    },
                });
            }
        }
        Ok(())
    }

    /// Split brain, and fencing's promise that it leaves at most one balancer serving.
    fn masters(&mut self, cluster: &Cluster<Lb>) -> Result<(), Broken> {
        let c = &cluster.protocol.config;
        let Some(pair) = c.pair else { return Ok(()) };
        let masters: Vec<NodeId> = c
            .balancers()
            .filter(
                |&id| matches!(cluster.state(id), Some(LbState::Balancer(b)) if b.vrrp.role == Role::Master),
            )
            .collect();
        self.both_since = if masters.len() > 1 { Some(self.both_since.unwrap_or(cluster.now)) } else { None };
        let split = self.both_since.is_some_and(|t| cluster.now - t > pair.advert_int);
        if split && !self.split_brain {
            self.split_brains += 1;
        }
        self.split_brain = split;
        let Some(f) = pair.fencing else { return Ok(()) };
        let fenced_nodes = c.balancers().chain(c.witness());
        for id in fenced_nodes {
            let n = &cluster.nodes[id as usize];
            let drifting = u64::from(n.clock.rate_ppm.unsigned_abs()) > LEASE_DRIFT_PPM;
            if let Some(until) = n.paused_until {
                self.unjudged_until = self.unjudged_until.max(until + 2 * f.ttl);
            }
            if drifting {
                self.unjudged_until = self.unjudged_until.max(cluster.now + 2 * f.ttl);
            }
        }
        if cluster.now < self.unjudged_until {
            return Ok(());
        }
        let serving: Vec<NodeId> = c
            .balancers()
            .filter(|&id| match cluster.state(id) {
                Some(LbState::Balancer(b)) => {
                    b.vrrp.serving(c, cluster.nodes[id as usize].clock.local(cluster.now))
                }
                _ => false,
            })
            .collect();
        if serving.len() > 1 {
            return Err(Broken {
                invariant: ONE_MASTER,
                detail: crate::msg!(
                    "balancers {serving} both serve the VIP",
                    serving = format!("{serving:?}")
                ),
            });
        }
        Ok(())
    }
}
