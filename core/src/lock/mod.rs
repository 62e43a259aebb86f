//! A lease lock service with fencing tokens (Kleppmann, "How to do distributed locking", 2016;
//! Gray & Cheriton's leases, 1989; Chubby's sequencers, Burrows 2006).
//!
//! One lock server grants a single lock as a *lease*: it is the holder's for `ttl` on the
//! server's clock unless renewed. Every grant carries a *fencing token* from a counter that only
//! goes up, persisted before the grant leaves, so a restarted server never hands out a token
//! twice. Clients loop: acquire, work, write to the guarded storage with their token, release.
//! The storage remembers the highest token it has accepted and refuses lower ones.
//!
//! Why both halves matter:
//! - A lease alone cannot give mutual exclusion. A client paused (GC, swap, a stopped VM) after
//!   its last check of the lease wakes up still believing it holds the lock, and writes. Only the
//!   storage, by checking the token, can refuse that write; that is the `nofence` bug switch.
//! - With bounded clock drift and no pauses, leases do give mutual exclusion, provided the client
//!   counts its lease from when it *asked* (not when the grant arrived) and shortens it by the
//!   drift bound; `receipt` breaks that. A restarted server must wait out one TTL before granting,
//!   because it forgot who held the lock; `volatile` skips that and the token counter's Persist.
//!
//! An acquisition is named by the client's *life* (a counter it persists and bumps on every
//! restart) and its number within that life, so nothing addressed to an earlier life (a
//! delayed Grant, a slow Release) can be mistaken for the current one; `reuse` forgets the life.
//!
//! Roles by node id: [`SERVER`], [`STORAGE`], clients from [`FIRST_CLIENT`].

pub mod config;
pub mod invariants;

#[cfg(test)]
mod tests;

pub use config::{LockBugs, LockConfig, FIRST_CLIENT, LOCK_BUG_NAMES, SERVER, STORAGE};
pub use invariants::LockChecker;

use crate::client::{Reply, Service};
use crate::protocol::{Describe, Effects, Event, Micros, NodeId, NoteKind, Protocol};
use serde::Serialize;
use std::fmt;

/// The lock service as a [`Protocol`]: `&self` is the configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lock {
    pub config: LockConfig,
}

impl Lock {
    pub fn new(config: LockConfig) -> Self {
        Lock { config }
    }
}

/// One acquisition of one client: unique across the client's restarts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Acq {
    /// The client's life: persisted at boot, one more after every restart.
    pub life: u32,
    /// The acquisition's number within that life.
    pub n: u32,
}

impl fmt::Display for Acq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.life, self.n)
    }
}

/// An acquisition in a sentence: "1.2", the same in every language.
impl crate::msg::IntoArg for Acq {
    fn into_arg(self) -> crate::msg::Arg {
        crate::msg::Arg::Text(self.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum LockMsg {
    /// Client → server. Retries repeat `acq`, so the server re-grants only to the acquisition
    /// it granted, never to a later one, nor to a later life of the same client.
    Acquire {
        acq: Acq,
    },
    /// Server → client: the lease is yours with this token.
    Grant {
        acq: Acq,
        token: u64,
    },
    /// Server → client: someone else holds it (or the server is in its restart grace period).
    Deny {
        acq: Acq,
        holder: Option<NodeId>,
    },
    /// `asked` is the client's clock when it sent the renewal; the server echoes it, so the
    /// client counts the extension from that instant whichever renewal the reply answers.
    Renew {
        token: u64,
        asked: Micros,
    },
    Renewed {
        token: u64,
        asked: Micros,
    },
    /// Renewal refused: the lease had expired (or was never this client's).
    Lost {
        token: u64,
    },
    /// Ends the lease of exactly this acquisition: a slow Release from an earlier life cannot
    /// end a later one's.
    Release {
        acq: Acq,
        token: u64,
    },
    /// Client → storage.
    Write {
        token: u64,
        value: u32,
    },
    Written {
        token: u64,
        value: u32,
    },
    /// Storage → client: a higher token has been seen.
    Fenced {
        token: u64,
        highest: u64,
    },
}

impl Describe for LockMsg {
    fn label(&self) -> &'static str {
        match self {
            LockMsg::Acquire { .. } => "Acquire",
            LockMsg::Grant { .. } => "Grant",
            LockMsg::Deny { .. } => "Deny",
            LockMsg::Renew { .. } => "Renew",
            LockMsg::Renewed { .. } => "Renewed",
            LockMsg::Lost { .. } => "Lost",
            LockMsg::Release { .. } => "Release",
            LockMsg::Write { .. } => "Write",
            LockMsg::Written { .. } => "Written",
            LockMsg::Fenced { .. } => "Fenced",
        }
    }

    /// Lease renewals.
    fn routine(&self) -> bool {
        matches!(self, LockMsg::Renew { .. } | LockMsg::Renewed { .. })
    }

    fn detail(&self) -> crate::msg::Msg {
        match *self {
            LockMsg::Acquire { acq } => crate::msg!("Acquire (acquisition {acq})", acq),
            LockMsg::Grant { token, .. } => crate::msg!("Grant, token {token}", token),
            LockMsg::Deny { holder: Some(h), .. } => crate::msg!("Deny: node {h} holds the lock", h),
            LockMsg::Deny { holder: None, .. } => {
                crate::msg!("Deny: the server is waiting out its restart grace period")
            }
            LockMsg::Renew { token, .. } => crate::msg!("Renew token {token}", token),
            LockMsg::Renewed { token, .. } => crate::msg!("Renewed token {token}", token),
            LockMsg::Lost { token } => crate::msg!("Lost: the lease of token {token} is gone", token),
            LockMsg::Release { acq, token } => {
                crate::msg!("Release token {token} (acquisition {acq})", token, acq)
            }
            LockMsg::Write { token, value } => crate::msg!("Write #{value} with token {token}", value, token),
            LockMsg::Written { token, value } => {
                crate::msg!("Written #{value} (token {token})", value, token)
            }
            LockMsg::Fenced { token, highest } => {
                crate::msg!("Fenced: token {token} < {highest}", token, highest)
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum LockTimer {
    /// Server: the lease may have run out.
    Expire,
    /// Server: the restart grace period is over.
    Grace,
    /// Client: time to (try to) acquire.
    Acquire,
    /// Client: the lease ends by its own clock.
    LeaseEnd,
    /// Client: renew a lease that is half used.
    Renew,
    /// Client: the work is done; write.
    Work,
}

/// A lease as the server sees it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Lease {
    pub client: NodeId,
    /// The client's acquisition this lease answers.
    pub acq: Acq,
    pub token: u64,
    /// On the server's clock.
    pub expires: Micros,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ServerState {
    /// The next token to grant; persisted before any grant leaves.
    pub next_token: u64,
    pub holder: Option<Lease>,
    /// After a restart, no grant until one TTL has passed: the old holder may still be working.
    pub in_grace: bool,
}

/// A write the storage took.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Accepted {
    pub client: NodeId,
    pub token: u64,
    pub value: u32,
}

/// Bounded: the storage remembers its last few writes for the page.
pub const STORAGE_LOG: usize = 16;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct StorageState {
    /// The highest token accepted so far.
    pub highest: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// The most recent accepted writes, oldest first.
    pub log: Vec<Accepted>,
    /// The last write that arrived (accepted or not), for the invariant checker.
    pub last: Option<(Accepted, bool)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Phase {
    Idle,
    /// Waiting for the server since local time `sent`, when acquisition `acq` began; retries
    /// keep both, so a grant answering any of them is counted from the earliest instant.
    Acquiring {
        acq: Acq,
        sent: Micros,
    },
    /// Believes it holds the lock until `until` on its own clock.
    Holding {
        acq: Acq,
        token: u64,
        until: Micros,
        wrote: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ClientState {
    pub phase: Phase,
    /// The next acquisition: this life, and the next number in it.
    pub next_acq: Acq,
    /// Writes issued, so each carries a distinct value.
    pub writes: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum LockState {
    Server(ServerState),
    Storage(StorageState),
    Client(ClientState),
}

impl LockState {
    /// The token a client believes it holds.
    pub fn held_token(&self) -> Option<u64> {
        match self {
            LockState::Client(ClientState { phase: Phase::Holding { token, .. }, .. }) => Some(*token),
            _ => None,
        }
    }
}

/// What survives a crash: the server's token counter, the storage's highest token and data, a
/// client's life counter.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum LockDurable {
    Server { next_token: u64 },
    Storage { highest: u64, accepted: u64, log: Vec<Accepted> },
    Client { life: u32 },
}

/// The lock service has no external clients (its clients are nodes that make their own work);
/// a stray simulator write is answered "rejected" at once.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct NoWrites {
    pub req: u64,
}

impl Protocol for Lock {
    type Msg = LockMsg;
    type Timer = LockTimer;
    type State = LockState;
    type Durable = LockDurable;
    /// Small and bounded, so a write is the whole store.
    type Write = LockDurable;
    type Input = NoWrites;
    type Output = NoWrites;

    fn nodes(&self) -> usize {
        self.config.nodes
    }

    fn store(&self, durable: &mut Option<LockDurable>, write: &LockDurable) {
        *durable = Some(write.clone());
    }

    fn is_leader(&self, s: &LockState) -> bool {
        matches!(s, LockState::Server(_))
    }

    fn init(&self, id: NodeId, restored: Option<&LockDurable>, out: &mut Effects<Self>) -> LockState {
        match id {
            SERVER => {
                let restarted = restored.is_some();
                let next_token = match restored {
                    Some(LockDurable::Server { next_token }) => *next_token,
                    _ => 1,
                };
                if !self.config.bugs.volatile_tokens {
                    out.persist(LockDurable::Server { next_token });
                }
                if restarted {
                    out.set_timer(LockTimer::Grace, self.config.ttl..=self.config.ttl);
                    out.note(
                        NoteKind::Role,
                        crate::msg!(
                            "lock server restarted: no grants for one TTL; next token {next_token}",
                            next_token
                        ),
                    );
                }
                LockState::Server(ServerState { next_token, holder: None, in_grace: restarted })
            }
            STORAGE => {
                let (highest, accepted, log) = match restored {
                    Some(LockDurable::Storage { highest, accepted, log }) => {
                        (*highest, *accepted, log.clone())
                    }
                    _ => (0, 0, Vec::new()),
                };
                LockState::Storage(StorageState { highest, accepted, rejected: 0, log, last: None })
            }
            _ => {
                let c = &self.config;
                let life = match restored {
                    Some(LockDurable::Client { life }) => life + 1,
                    _ => 0,
                };
                // Durable before the first Acquire of this life can leave.
                if !c.bugs.reuse_acquisitions {
                    out.persist(LockDurable::Client { life });
                }
                out.set_timer(LockTimer::Acquire, c.think_min..=c.think_max);
                LockState::Client(ClientState { phase: Phase::Idle, next_acq: Acq { life, n: 0 }, writes: 0 })
            }
        }
    }

    fn handle(&self, id: NodeId, now: Micros, s: &mut LockState, ev: Event<Self>, out: &mut Effects<Self>) {
        if let Event::Input(w) = ev {
            return out.output(w);
        }
        match s {
            LockState::Server(s) => self.step_server(now, s, ev, out),
            LockState::Storage(s) => self.step_storage(s, ev, out),
            LockState::Client(s) => self.step_client(id, now, s, ev, out),
        }
    }
}

impl Lock {
    fn step_server(&self, now: Micros, s: &mut ServerState, ev: Event<Self>, out: &mut Effects<Self>) {
        let ttl = self.config.ttl;
        match ev {
            Event::Msg { from, msg: LockMsg::Acquire { acq } } => {
                if s.holder.as_ref().is_some_and(|l| l.expires <= now) {
                    self.expire(s, out);
                }
                match &mut s.holder {
                    // A retry whose grant was lost: extend from now; the client counts from its
                    // first request, so its belief still ends first.
                    Some(l) if l.client == from && l.acq == acq => {
                        l.expires = now + ttl;
                        out.set_timer(LockTimer::Expire, ttl..=ttl);
                        out.send(from, LockMsg::Grant { acq, token: l.token });
                    }
                    // Includes the holder's own next acquisition racing its Release.
                    Some(l) => out.send(from, LockMsg::Deny { acq, holder: Some(l.client) }),
                    None if s.in_grace => out.send(from, LockMsg::Deny { acq, holder: None }),
                    None => {
                        let token = s.next_token;
                        s.next_token += 1;
                        if !self.config.bugs.volatile_tokens {
                            out.persist(LockDurable::Server { next_token: s.next_token });
                        }
                        s.holder = Some(Lease { client: from, acq, token, expires: now + ttl });
                        out.set_timer(LockTimer::Expire, ttl..=ttl);
                        out.note(
                            NoteKind::Commit,
                            crate::msg!("granted {who} token {token}", who = self.config.name(from), token),
                        );
                        out.send(from, LockMsg::Grant { acq, token });
                    }
                }
            }
            Event::Msg { from, msg: LockMsg::Renew { token, asked } } => match &mut s.holder {
                Some(l) if l.client == from && l.token == token && l.expires > now => {
                    l.expires = now + ttl;
                    out.set_timer(LockTimer::Expire, ttl..=ttl);
                    out.send(from, LockMsg::Renewed { token, asked });
                }
                _ => out.send(from, LockMsg::Lost { token }),
            },
            Event::Msg { from, msg: LockMsg::Release { acq, token } }
                if s.holder
                    .as_ref()
                    .is_some_and(|l| l.client == from && l.acq == acq && l.token == token) =>
            {
                s.holder = None;
                out.cancel_timer(LockTimer::Expire);
                out.note(
                    NoteKind::Info,
                    crate::msg!("{who} released token {token}", who = self.config.name(from), token),
                );
            }
            Event::Timer(LockTimer::Expire) if s.holder.as_ref().is_some_and(|l| l.expires <= now) => {
                self.expire(s, out);
            }
            Event::Timer(LockTimer::Grace) => {
                s.in_grace = false;
                out.note(NoteKind::Info, crate::msg!("lock server: grace period over; granting again"));
            }
            _ => {}
        }
    }

    fn expire(&self, s: &mut ServerState, out: &mut Effects<Self>) {
        if let Some(l) = s.holder.take() {
            out.note(
                NoteKind::Info,
                crate::msg!(
                    "lease of {who} (token {token}) expired",
                    who = self.config.name(l.client),
                    token = l.token
                ),
            );
        }
    }

    fn step_storage(&self, s: &mut StorageState, ev: Event<Self>, out: &mut Effects<Self>) {
        let Event::Msg { from, msg: LockMsg::Write { token, value } } = ev else {
            return;
        };
        let write = Accepted { client: from, token, value };
        if token < s.highest && !self.config.bugs.no_fencing {
            s.rejected += 1;
            s.last = Some((write, false));
            out.note(
                NoteKind::Client,
                crate::msg!(
                    "storage refused #{value} from {who}: token {token} < {highest}",
                    value,
                    who = self.config.name(from),
                    token,
                    highest = s.highest
                ),
            );
            out.send(from, LockMsg::Fenced { token, highest: s.highest });
            return;
        }
        s.highest = s.highest.max(token);
        s.accepted += 1;
        s.log.push(write.clone());
        if s.log.len() > STORAGE_LOG {
            s.log.remove(0);
        }
        s.last = Some((write, true));
        out.persist(LockDurable::Storage { highest: s.highest, accepted: s.accepted, log: s.log.clone() });
        out.note(
            NoteKind::Commit,
            crate::msg!(
                "stored #{value} from {who} (token {token})",
                value,
                who = self.config.name(from),
                token
            ),
        );
        out.send(from, LockMsg::Written { token, value });
    }

    fn step_client(
        &self,
        id: NodeId,
        now: Micros,
        s: &mut ClientState,
        ev: Event<Self>,
        out: &mut Effects<Self>,
    ) {
        let c = &self.config;
        match ev {
            Event::Timer(LockTimer::Acquire) => {
                if matches!(s.phase, Phase::Holding { .. }) {
                    return;
                }
                let acq = match s.phase {
                    Phase::Acquiring { acq, .. } => acq,
                    _ => {
                        let acq = s.next_acq;
                        s.next_acq.n += 1;
                        s.phase = Phase::Acquiring { acq, sent: now };
                        acq
                    }
                };
                out.send(SERVER, LockMsg::Acquire { acq });
                out.set_timer(LockTimer::Acquire, c.retry_min..=c.retry_max);
            }
            Event::Msg { msg: LockMsg::Grant { acq, token }, .. } => {
                let sent = match s.phase {
                    Phase::Acquiring { acq: a, sent } if a == acq => sent,
                    Phase::Holding { acq: a, .. } if a == acq => return, // a duplicate
                    // A grant for an acquisition it gave up on, perhaps in an earlier life: hand
                    // it back.
                    _ => return out.send(SERVER, LockMsg::Release { acq, token }),
                };
                let start = if c.bugs.lease_from_receipt { now } else { sent };
                let until = start + c.client_lease();
                if until <= now {
                    // Too late to use. Give up this acquisition as well: a re-grant of the same
                    // token still in flight must not be taken after the server frees it.
                    s.phase = Phase::Idle;
                    out.set_timer(LockTimer::Acquire, c.retry_min..=c.retry_max);
                    return out.send(SERVER, LockMsg::Release { acq, token });
                }
                s.phase = Phase::Holding { acq, token, until, wrote: false };
                out.cancel_timer(LockTimer::Acquire);
                out.set_timer(LockTimer::LeaseEnd, until - now..=until - now);
                let half = c.client_lease() / 2;
                out.set_timer(LockTimer::Renew, half..=half);
                out.set_timer(LockTimer::Work, c.work_min..=c.work_max);
                out.note(
                    NoteKind::Role,
                    crate::msg!("{who} holds the lock, token {token}", who = c.name(id), token),
                );
            }
            Event::Msg { msg: LockMsg::Deny { acq, .. }, .. } => {
                if matches!(s.phase, Phase::Acquiring { acq: a, .. } if a == acq) {
                    s.phase = Phase::Idle;
                    out.set_timer(LockTimer::Acquire, c.retry_min..=c.retry_max);
                }
            }
            Event::Timer(LockTimer::Renew) => {
                if let Phase::Holding { token, .. } = s.phase {
                    out.send(SERVER, LockMsg::Renew { token, asked: now });
                    let again = c.client_lease() / 4;
                    out.set_timer(LockTimer::Renew, again..=again);
                }
            }
            Event::Msg { msg: LockMsg::Renewed { token, asked }, .. } => {
                if let Phase::Holding { token: t, until, .. } = &mut s.phase {
                    let start = if c.bugs.lease_from_receipt { now } else { asked };
                    let extended = start + c.client_lease();
                    // A reply that arrives after the extension has run out (a pause) extends
                    // nothing: the pending LeaseEnd ends the belief.
                    if *t == token && extended > *until && extended > now {
                        *until = extended;
                        let left = extended - now;
                        out.set_timer(LockTimer::LeaseEnd, left..=left);
                    }
                }
            }
            Event::Msg { msg: LockMsg::Lost { token }, .. } if s.phase_token() == Some(token) => {
                self.stop_holding(id, s, out, crate::msg!("the server says the lease is gone"));
            }
            Event::Timer(LockTimer::LeaseEnd) => {
                if matches!(s.phase, Phase::Holding { .. }) {
                    self.stop_holding(id, s, out, crate::msg!("lease over by its clock"));
                }
            }
            // The check that matters: the lease was checked when the work began; a pause
            // between that check and this write is invisible to the client (Kleppmann's race).
            // Fires again while the write goes unanswered: the same write is sent again.
            Event::Timer(LockTimer::Work) => {
                if let Phase::Holding { token, wrote, .. } = &mut s.phase {
                    if !*wrote {
                        *wrote = true;
                        s.writes += 1;
                    }
                    let value = u32::from(id) * 1_000 + s.writes;
                    out.send(STORAGE, LockMsg::Write { token: *token, value });
                    out.set_timer(LockTimer::Work, 2 * c.retry_min..=2 * c.retry_max);
                }
            }
            Event::Msg { msg: LockMsg::Written { token, .. }, .. } if s.phase_token() == Some(token) => {
                if let Phase::Holding { acq, .. } = s.phase {
                    out.send(SERVER, LockMsg::Release { acq, token });
                }
                s.phase = Phase::Idle;
                self.after_holding(out);
                out.note(
                    NoteKind::Info,
                    crate::msg!("{who} is done; releases token {token}", who = c.name(id), token),
                );
            }
            Event::Msg { msg: LockMsg::Fenced { token, highest }, .. } => {
                out.note(
                    NoteKind::Client,
                    crate::msg!(
                        "{who}'s write with token {token} was fenced off ({highest} seen)",
                        who = c.name(id),
                        token,
                        highest
                    ),
                );
                if s.phase_token() == Some(token) {
                    s.phase = Phase::Idle;
                    self.after_holding(out);
                }
            }
            _ => {}
        }
    }

    fn stop_holding(&self, id: NodeId, s: &mut ClientState, out: &mut Effects<Self>, why: crate::msg::Msg) {
        s.phase = Phase::Idle;
        self.after_holding(out);
        out.note(NoteKind::Role, crate::msg!("{who} stops holding: {why}", who = self.config.name(id), why));
    }

    fn after_holding(&self, out: &mut Effects<Self>) {
        let c = &self.config;
        for t in [LockTimer::LeaseEnd, LockTimer::Renew, LockTimer::Work] {
            out.cancel_timer(t);
        }
        out.set_timer(LockTimer::Acquire, c.think_min..=c.think_max);
    }
}

impl ClientState {
    fn phase_token(&self) -> Option<u64> {
        match self.phase {
            Phase::Holding { token, .. } => Some(token),
            _ => None,
        }
    }
}

/// The simulator's write workload does not apply: lock clients generate their own work.
impl Service for Lock {
    fn write(&self, id: u64, _key: u8, _value: u32) -> NoWrites {
        NoWrites { req: id }
    }
    fn reply(&self, out: &NoWrites) -> Reply {
        Reply::Rejected { req: out.req }
    }
}
