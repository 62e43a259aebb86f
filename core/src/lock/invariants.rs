//! The lock service's invariants, judged after every step on the simulator's true clock, and the
//! holders' timeline the page draws.

use super::{Lock, LockState, Phase, SERVER, STORAGE};
use crate::cluster::Cluster;
use crate::invariant::{Broken, Checker};
use crate::protocol::NodeId;
use crate::timeline::Timeline;

/// The storage never accepts a write whose token is lower than one it accepted before.
pub const FENCING: &str = "storage accepts no lower token";
/// Each new grant carries a token higher than every earlier grant's.
pub const TOKENS_INCREASE: &str = "tokens increase";
/// At most one client believes it holds the lock at any instant, while no client has been paused
/// and every clock stays within the drift bound (the assumptions leases rest on).
pub const ONE_HOLDER: &str = "at most one holder";

pub const LOCK_INVARIANTS: &[&str] = &[FENCING, TOKENS_INCREASE, ONE_HOLDER];

#[derive(Clone, Debug, Default)]
pub struct LockChecker {
    pub timeline: Timeline,
    /// The highest token the storage has accepted.
    pub highest_accepted: u64,
    writes_seen: u64,
    /// The highest token granted, and to whom.
    max_grant: Option<(u64, NodeId)>,
    last_holder: Option<(NodeId, u64)>,
    /// Set once an assumption of [`ONE_HOLDER`] broke (a client paused, a clock drifted past the
    /// bound); from then on overlaps are counted, not judged.
    pub assumption_broken: Option<String>,
    /// Episodes in which two or more clients believed they held the lock at once.
    pub overlaps: u64,
    overlapping: bool,
}

impl LockChecker {
    fn watch_assumptions(&mut self, cluster: &Cluster<Lock>) {
        if self.assumption_broken.is_some() {
            return;
        }
        let c = &cluster.protocol.config;
        for (i, n) in cluster.nodes.iter().enumerate() {
            let id = i as NodeId;
            if c.is_client(id) && n.paused_until.is_some() {
                self.assumption_broken = Some(format!("{} was paused", c.name(id)));
            } else if n.clock.rate_ppm.unsigned_abs() > c.drift_bound_ppm {
                self.assumption_broken = Some(format!(
                    "the {}'s clock drifts {} ppm, past the {} ppm bound",
                    c.name(id),
                    n.clock.rate_ppm,
                    c.drift_bound_ppm
                ));
            }
        }
    }

    fn storage(&mut self, cluster: &Cluster<Lock>) -> Result<(), Broken> {
        let Some(LockState::Storage(s)) = cluster.state(STORAGE) else {
            self.timeline.set(STORAGE, cluster.now, Some(("down", "crashed".into())));
            return Ok(());
        };
        self.timeline.set(STORAGE, cluster.now, None);
        let seen = s.accepted + s.rejected;
        if seen == self.writes_seen {
            return Ok(());
        }
        self.writes_seen = seen;
        let Some((w, ok)) = &s.last else {
            return Ok(());
        };
        let who = cluster.protocol.config.name(w.client);
        let now = cluster.now;
        if !ok {
            self.timeline.mark(STORAGE, now, "rejected", format!("refused {who}, token {}", w.token));
            return Ok(());
        }
        self.timeline.mark(STORAGE, now, "accepted", format!("stored {who}, token {}", w.token));
        if w.token < self.highest_accepted {
            return Err(Broken {
                invariant: FENCING,
                detail: format!(
                    "the storage accepted {who}'s write with token {} after accepting token {}",
                    w.token, self.highest_accepted
                ),
            });
        }
        self.highest_accepted = w.token;
        Ok(())
    }

    fn server(&mut self, cluster: &Cluster<Lock>) -> Result<(), Broken> {
        let c = &cluster.protocol.config;
        let now = cluster.now;
        let Some(LockState::Server(s)) = cluster.state(SERVER) else {
            self.timeline.set(SERVER, now, Some(("down", "crashed".into())));
            self.last_holder = None;
            return Ok(());
        };
        let holder = s.holder.as_ref().map(|l| (l.client, l.token));
        let row = match holder {
            Some((client, token)) => Some(("leased", format!("{} · token {token}", c.name(client)))),
            None if s.in_grace => Some(("grace", "grace period".into())),
            None => None,
        };
        self.timeline.set(SERVER, now, row);
        if holder == self.last_holder {
            return Ok(());
        }
        self.last_holder = holder;
        let Some((client, token)) = holder else {
            return Ok(());
        };
        if let Some((max, to)) = self.max_grant {
            if token < max || (token == max && to != client) {
                return Err(Broken {
                    invariant: TOKENS_INCREASE,
                    detail: format!(
                        "token {token} granted to {} after token {max} had gone to {}",
                        c.name(client),
                        c.name(to)
                    ),
                });
            }
        }
        self.max_grant = Some((token, client));
        Ok(())
    }

    fn client(&mut self, cluster: &Cluster<Lock>, id: NodeId) {
        let row = match cluster.state(id) {
            None => Some(("down", "crashed".into())),
            Some(LockState::Client(s)) => match s.phase {
                Phase::Holding { token, .. } => Some(("holding", format!("token {token}"))),
                Phase::Acquiring { .. } => Some(("waiting", "asking".into())),
                Phase::Idle => None,
            },
            Some(_) => None,
        };
        self.timeline.set(id, cluster.now, row);
    }

    fn holders(&mut self, cluster: &Cluster<Lock>) -> Result<(), Broken> {
        let c = &cluster.protocol.config;
        let holders: Vec<(NodeId, u64)> = (0..cluster.len() as NodeId)
            .filter(|&id| c.is_client(id))
            .filter_map(|id| cluster.state(id)?.held_token().map(|t| (id, t)))
            .collect();
        let overlapping = holders.len() > 1;
        if overlapping && !self.overlapping {
            self.overlaps += 1;
        }
        self.overlapping = overlapping;
        if overlapping && self.assumption_broken.is_none() {
            let who: Vec<String> =
                holders.iter().map(|(id, t)| format!("{} (token {t})", c.name(*id))).collect();
            return Err(Broken {
                invariant: ONE_HOLDER,
                detail: format!("{} believe they hold the lock at once", who.join(" and ")),
            });
        }
        Ok(())
    }
}

impl Checker<Lock> for LockChecker {
    fn check(&mut self, cluster: &Cluster<Lock>, touched: Option<NodeId>) -> Result<(), Broken> {
        self.watch_assumptions(cluster);
        match touched {
            Some(SERVER) => self.server(cluster)?,
            Some(STORAGE) => self.storage(cluster)?,
            Some(id) => self.client(cluster, id),
            None => {}
        }
        self.holders(cluster)
    }
}
