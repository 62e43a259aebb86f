//! The lock service's invariants, judged after every step on the simulator's true clock, and the
//! holders' timeline the page draws.

use super::{Acq, Lock, LockState, Phase, SERVER, STORAGE};
use crate::cluster::Cluster;
use crate::invariant::{Broken, Checker};
use crate::protocol::{Micros, NodeId};
use crate::timeline::Timeline;
use std::collections::BTreeMap;

/// Tokens whose holder the checker remembers. The server re-grants only its current lease's
/// token, and a token comes back only with a re-grant, so the newest few are all that can recur.
pub const TOKENS_REMEMBERED: usize = 64;

/// The storage never accepts a write whose token is lower than one it accepted before.
pub const FENCING: &str = "storage accepts no lower token";
/// Each new grant carries a token higher than every earlier grant's; only a re-grant to the
/// same acquisition (same client, same life, same number) may repeat a token.
pub const TOKENS_INCREASE: &str = "tokens increase";
/// At most one client believes it holds the lock at any instant, while no client has been paused
/// and every clock stays within the drift bound (the assumptions leases rest on), and from one
/// TTL after a broken assumption is mended.
pub const ONE_HOLDER: &str = "at most one holder";

pub const LOCK_INVARIANTS: &[&str] = &[FENCING, TOKENS_INCREASE, ONE_HOLDER];

#[derive(Clone, Debug, Default)]
pub struct LockChecker {
    pub timeline: Timeline,
    /// The highest token the storage has accepted.
    pub highest_accepted: u64,
    writes_seen: u64,
    /// The highest token granted, and to which acquisition of which client.
    max_grant: Option<(u64, NodeId, Acq)>,
    last_holder: Option<(NodeId, Acq, u64)>,
    /// Why [`ONE_HOLDER`] is not judged now (a client paused, a clock drifted past the bound),
    /// while it is not; overlaps are only counted then.
    pub assumption_broken: Option<crate::msg::Msg>,
    /// True time until which [`ONE_HOLDER`] stays unjudged: one TTL after the last broken
    /// assumption was seen, by which time every belief formed under it has ended.
    unjudged_until: Micros,
    /// Whether any assumption broke at some point in the run (for the page and the tests).
    pub ever_broken: bool,
    /// Which client, in which incarnation (the simulator's ground truth, which no protocol bug
    /// can fake), held each recent token. A token held again by another life is a fresh grant
    /// disguised as a re-grant.
    holders_of: BTreeMap<u64, (NodeId, u32)>,
    /// Episodes in which two or more clients believed they held the lock at once.
    pub overlaps: u64,
    overlapping: bool,
}

impl LockChecker {
    /// Whether [`ONE_HOLDER`] is being judged at this step.
    pub fn judging(&self) -> bool {
        self.assumption_broken.is_none()
    }

    fn watch_assumptions(&mut self, cluster: &Cluster<Lock>) {
        let c = &cluster.protocol.config;
        let now = cluster.now;
        for (i, n) in cluster.nodes.iter().enumerate() {
            let id = i as NodeId;
            // A pause is seen when it starts: `paused_until` is set by the fault step itself.
            let why = match n.paused_until {
                Some(until) if c.is_client(id) && until > now.saturating_sub(c.ttl) => {
                    Some((until, crate::msg!("{who} was paused", who = c.name(id))))
                }
                _ if n.clock.rate_ppm.unsigned_abs() > c.drift_bound_ppm => Some((
                    now,
                    crate::msg!(
                        "the {who}'s clock drifts {ppm} ppm, past the {bound} ppm bound",
                        who = c.name(id),
                        ppm = n.clock.rate_ppm,
                        bound = c.drift_bound_ppm
                    ),
                )),
                _ => None,
            };
            if let Some((until, why)) = why {
                let until = until.saturating_add(c.ttl);
                if until >= self.unjudged_until {
                    self.unjudged_until = until;
                    self.assumption_broken = Some(why);
                }
                self.ever_broken = true;
            }
        }
        if self.assumption_broken.is_some() && now >= self.unjudged_until {
            self.assumption_broken = None;
        }
    }

    fn storage(&mut self, cluster: &Cluster<Lock>) -> Result<(), Broken> {
        let Some(LockState::Storage(s)) = cluster.state(STORAGE) else {
            self.timeline.set(STORAGE, cluster.now, Some(("down", crate::msg!("crashed"))));
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
            let label = crate::msg!("refused {who}, token {token}", who, token = w.token);
            self.timeline.mark(STORAGE, now, "rejected", label);
            return Ok(());
        }
        let label = crate::msg!("stored {who}, token {token}", who = &who, token = w.token);
        self.timeline.mark(STORAGE, now, "accepted", label);
        if w.token < self.highest_accepted {
            return Err(Broken {
                invariant: FENCING,
                detail: crate::msg!(
                    "the storage accepted {who}'s write with token {token} after accepting token {highest}",
                    who,
                    token = w.token,
                    highest = self.highest_accepted
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
            self.timeline.set(SERVER, now, Some(("down", crate::msg!("crashed"))));
            self.last_holder = None;
            return Ok(());
        };
        let holder = s.holder.as_ref().map(|l| (l.client, l.acq, l.token));
        let row = match holder {
            Some((client, _, token)) => {
                Some(("leased", crate::msg!("{who} · token {token}", who = c.name(client), token)))
            }
            None if s.in_grace => Some(("grace", crate::msg!("grace period"))),
            None => None,
        };
        self.timeline.set(SERVER, now, row);
        if holder == self.last_holder {
            return Ok(());
        }
        self.last_holder = holder;
        let Some((client, acq, token)) = holder else {
            return Ok(());
        };
        if let Some((max, to, to_acq)) = self.max_grant {
            if token < max || (token == max && (to, to_acq) != (client, acq)) {
                return Err(Broken {
                    invariant: TOKENS_INCREASE,
                    detail: crate::msg!(
                        "token {token} granted to {who} (acquisition {acq}) after token {max} had gone to \
                         {to} (acquisition {to_acq})",
                        token,
                        who = c.name(client),
                        acq,
                        max,
                        to = c.name(to),
                        to_acq
                    ),
                });
            }
        }
        self.max_grant = Some((token, client, acq));
        Ok(())
    }

    fn client(&mut self, cluster: &Cluster<Lock>, id: NodeId) -> Result<(), Broken> {
        let row = match cluster.state(id) {
            None => Some(("down", crate::msg!("crashed"))),
            Some(LockState::Client(s)) => match s.phase {
                Phase::Holding { token, .. } => Some(("holding", crate::msg!("token {token}", token))),
                Phase::Acquiring { .. } => Some(("waiting", crate::msg!("asking"))),
                Phase::Idle => None,
            },
            Some(_) => None,
        };
        self.timeline.set(id, cluster.now, row);
        let Some(token) = cluster.state(id).and_then(LockState::held_token) else {
            return Ok(());
        };
        let life = cluster.nodes[id as usize].incarnation;
        let first = *self.holders_of.entry(token).or_insert((id, life));
        if self.holders_of.len() > TOKENS_REMEMBERED {
            self.holders_of.pop_first();
        }
        if first == (id, life) {
            return Ok(());
        }
        let c = &cluster.protocol.config;
        Err(Broken {
            invariant: TOKENS_INCREASE,
            detail: crate::msg!(
                "{who} (life {life}) holds token {token}, which {first} held in life {first_life}: a fresh \
                 grant reused a token",
                who = c.name(id),
                life,
                token,
                first = c.name(first.0),
                first_life = first.1
            ),
        })
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
            let who = holders
                .iter()
                .map(|&(id, token)| crate::msg!("{who} (token {token})", who = c.name(id), token))
                .reduce(|a, b| crate::msg!("{a} and {b}", a, b))
                .expect("two holders or more");
            return Err(Broken {
                invariant: ONE_HOLDER,
                detail: crate::msg!("{who} believe they hold the lock at once", who),
            });
        }
        Ok(())
    }
}

impl Checker<Lock> for LockChecker {
    /// Who held each token in which life, the highest grant and write, and whether one holder
    /// is judged: what later steps are judged against (counts and the timeline are a record).
    fn fingerprint(&self, h: &mut crate::sim::trace::StableHasher) {
        use std::hash::Hash;
        (self.highest_accepted, self.max_grant, self.last_holder, &self.holders_of).hash(h);
        (self.unjudged_until, self.assumption_broken.is_some(), self.overlapping).hash(h);
    }

    fn check(&mut self, cluster: &Cluster<Lock>, touched: Option<NodeId>) -> Result<(), Broken> {
        self.watch_assumptions(cluster);
        match touched {
            Some(SERVER) => self.server(cluster)?,
            Some(STORAGE) => self.storage(cluster)?,
            Some(id) => self.client(cluster, id)?,
            None => {}
        }
        self.holders(cluster)
    }
}
