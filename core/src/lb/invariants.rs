//! `LbChecker`: what must hold in the service lab whatever the faults.

use super::config::{LbConfig, BALANCER, CLIENTS};
use super::{Lb, LbState};
use crate::cluster::Cluster;
use crate::invariant::{Broken, Checker};
use crate::protocol::{Micros, NodeId};

pub const ENDS_ONCE: &str = "every request ends exactly once";
pub const NONE_LOST: &str = "no request is lost silently";
pub const NO_EJECTED_ROUTING: &str =
    "no new request goes to an ejected or unhealthy backend outside panic mode";
pub const EJECTION_CAP: &str = "outlier detection ejects at most max_ejection_percent of hosts";

#[derive(Debug, Default)]
pub struct LbChecker {
    /// A paused client population acts late on everything: its requests are not judged lost
    /// before this instant (true time).
    pause_grace: Micros,
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
        if let Some(LbState::Clients(s)) = cluster.state(CLIENTS) {
            let st = &s.stats;
            if st.issued != st.ended() + s.pending.len() as u64 {
                return Err(Broken {
                    invariant: ENDS_ONCE,
                    detail: format!(
                        "{} requests issued, but {} ended and {} are open",
                        st.issued,
                        st.ended(),
                        s.pending.len()
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
                        detail: format!(
                            "request {id} is still open after {:.3} s (try {}), longer than any \
                             timeout and backoff allow ({:.3} s)",
                            (now - p.issued) as f64 / 1e6,
                            p.attempt,
                            limit as f64 / 1e6
                        ),
                    });
                }
            }
        }
        if touched == Some(BALANCER) {
            if let Some(LbState::Balancer(b)) = cluster.state(BALANCER) {
                if let Some(host) = b.last_routed {
                    if !b.panic && !b.hosts[host].routable() {
                        return Err(Broken {
                            invariant: NO_EJECTED_ROUTING,
                            detail: format!(
                                "backend {host} got a request while {}",
                                if b.hosts[host].unhealthy { "marked unhealthy" } else { "ejected" }
                            ),
                        });
                    }
                }
                if let Some(o) = c.outlier {
                    let cap = (b.hosts.len() * usize::from(o.max_ejection_percent) / 100).max(1);
                    if b.ejected() > cap {
                        return Err(Broken {
                            invariant: EJECTION_CAP,
                            detail: format!(
                                "{} of {} hosts ejected, over max_ejection_percent = {}%",
                                b.ejected(),
                                b.hosts.len(),
                                o.max_ejection_percent
                            ),
                        });
                    }
                }
            }
        }
        Ok(())
    }
}
