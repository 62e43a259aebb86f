//! The client population: makes requests, times out each attempt, retries with backoff.

use super::agenda::{Agenda, Key};
use super::config::{Arrivals, LbConfig, Retry, BALANCER};
use super::histogram::Histogram;
use super::{LbMsg, LbTimer, Out, Status};
use crate::protocol::{Delay, Event, Micros, NodeId, NoteKind, SEC};
use crate::sim::trace::mixed_hash;
use serde::Serialize;
use std::collections::BTreeMap;

/// One request still open.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Pending {
    pub issued: Micros,
    /// The attempt in flight (0 = the first), or the one about to be sent after backoff.
    pub attempt: u8,
    /// The agenda entry that will act on it next (its attempt's timeout, or its retry).
    due: Option<Key>,
    /// Waiting out a backoff before `attempt` is sent.
    pub backing_off: bool,
    /// The closed-loop user who made it.
    pub user: Option<u16>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
enum Due {
    Timeout { id: u64, attempt: u8 },
    Retry { id: u64 },
    Hedge { id: u64, attempt: u8 },
}

/// A request id is `life << LIFE_SHIFT | sequence`.
pub const LIFE_SHIFT: u32 = 40;

/// A hedged copy of attempt `a` travels as attempt `a | HEDGE`, so the balancer keeps the two
/// apart; only the first copy's errors and timeout count for retrying.
pub const HEDGE: u8 = 0x80;

/// How requests ended, and how long they took (issue to end, retries included).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct ClientStats {
    pub issued: u64,
    pub ok: u64,
    pub errors: u64,
    pub timeouts: u64,
    pub attempts: u64,
    pub retries: u64,
    pub hedges: u64,
    /// Retries refused by the retry budget.
    pub budget_refusals: u64,
    /// Latency of the requests that succeeded.
    pub latency: Histogram,
}

impl ClientStats {
    pub fn ended(&self) -> u64 {
        self.ok + self.errors + self.timeouts
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ClientState {
    /// The balancer the virtual IP leads to, as the last gratuitous ARP said.
    pub vip: NodeId,
    next_id: u64,
    pub pending: BTreeMap<u64, Pending>,
    /// Timeouts, retries and hedges, by local time.
    agenda: Agenda<Due>,
    /// Retries in flight, for the retry budget.
    pub retries_in_flight: u32,
    pub stats: ClientStats,
}

impl ClientState {
    /// `boots`: earlier lives of the population. Ids carry it in their top bits, so an answer to
    /// an earlier life's request is never credited to this life's request of the same number.
    pub fn boot(c: &LbConfig, boots: u32, out: &mut Out) -> Self {
        arp(c, out);
        match c.arrivals {
            Arrivals::Open { per_sec } if per_sec > 0 => {
                out.set_timer_drawn(LbTimer::Arrival, Delay::Exponential { mean: SEC / u64::from(per_sec) })
            }
            Arrivals::Open { .. } => {}
            Arrivals::Closed { users, think } => {
                for u in 0..users {
                    out.set_timer_drawn(LbTimer::Think(u), Delay::Exponential { mean: think });
                }
            }
        }
        ClientState {
            vip: BALANCER,
            next_id: u64::from(boots) << LIFE_SHIFT,
            pending: BTreeMap::new(),
            agenda: Agenda::default(),
            retries_in_flight: 0,
            stats: ClientStats::default(),
        }
    }

    pub fn handle(&mut self, c: &LbConfig, now: Micros, ev: Event<super::Lb>, out: &mut Out) {
        match ev {
            Event::Timer(LbTimer::Arrival) => {
                self.issue(c, now, None, out);
                if let Arrivals::Open { per_sec } = c.arrivals {
                    let mean = SEC / u64::from(per_sec.max(1));
                    out.set_timer_drawn(LbTimer::Arrival, Delay::Exponential { mean });
                }
            }
            Event::Timer(LbTimer::Think(u)) => self.issue(c, now, Some(u), out),
            Event::Timer(LbTimer::Wake) => {
                self.agenda.woke();
                while let Some(due) = self.agenda.next_due(now) {
                    self.act(c, now, due, out);
                }
            }
            Event::Msg { from, msg: LbMsg::Garp } => self.vip = from,
            Event::Msg { msg: LbMsg::Response { id, attempt, status }, .. } => {
                self.on_response(c, now, id, attempt, status, out)
            }
            _ => {}
        }
        self.agenda.arm(now, out);
    }

    fn issue(&mut self, c: &LbConfig, now: Micros, user: Option<u16>, out: &mut Out) {
        let id = self.next_id;
        self.next_id += 1;
        self.stats.issued += 1;
        self.pending.insert(id, Pending { issued: now, attempt: 0, due: None, backing_off: false, user });
        self.send(c, now, id, out);
    }

    /// Sends the pending request's current attempt, with a timeout of its own.
    fn send(&mut self, c: &LbConfig, now: Micros, id: u64, out: &mut Out) {
        let Some(p) = self.pending.get_mut(&id) else { return };
        let attempt = p.attempt;
        p.backing_off = false;
        self.stats.attempts += 1;
        out.send(self.vip, LbMsg::Request { id, attempt });
        if attempt > 0 && c.bugs.retry_without_timeout {
            p.due = None;
            return;
        }
        p.due = Some(self.agenda.schedule(now + c.timeout, Due::Timeout { id, attempt }));
        if let Some(h) = c.hedge.filter(|&h| h < c.timeout) {
            self.agenda.schedule(now + h, Due::Hedge { id, attempt });
        }
    }

    fn act(&mut self, c: &LbConfig, now: Micros, due: Due, out: &mut Out) {
        match due {
            Due::Timeout { id, attempt } => {
                if self.pending.get(&id).is_some_and(|p| p.attempt == attempt && !p.backing_off) {
                    self.pending.get_mut(&id).expect("checked").due = None;
                    arp(c, out);
                    self.failed(c, now, id, false, out);
                }
            }
            Due::Retry { id } => {
                if self.pending.get(&id).is_some_and(|p| p.backing_off) {
                    self.send(c, now, id, out);
                }
            }
            Due::Hedge { id, attempt } => {
                if self.pending.get(&id).is_some_and(|p| p.attempt == attempt && !p.backing_off) {
                    self.stats.hedges += 1;
                    out.send(self.vip, LbMsg::Request { id, attempt: attempt | HEDGE });
                }
            }
        }
    }

    fn on_response(
        &mut self,
        c: &LbConfig,
        now: Micros,
        id: u64,
        attempt: u8,
        status: Status,
        out: &mut Out,
    ) {
        let Some(p) = self.pending.get(&id) else { return }; // already ended: a late or duplicate answer
        if status.is_ok() {
            // A success ends the request even if it answers an earlier attempt.
            self.end(c, now, id, Status::Ok, out);
        } else if p.attempt == attempt && !p.backing_off {
            if let Some(key) = self.pending.get_mut(&id).and_then(|p| p.due.take()) {
                self.agenda.cancel(&key);
            }
            self.failed(c, now, id, true, out);
        }
    }

    /// The current attempt failed (`error`: an error answer; else a timeout): retry if the
    /// policy allows it, else end the request.
    fn failed(&mut self, c: &LbConfig, now: Micros, id: u64, error: bool, out: &mut Out) {
        let Some(p) = self.pending.get(&id) else { return };
        let attempt = p.attempt;
        // Retries in flight besides this request (already one of them if it is a retry).
        let others = self.retries_in_flight - u32::from(attempt > 0);
        let may = attempt < c.max_retries()
            && match c.retry {
                Retry::Budget { percent, min_concurrency, .. } => {
                    let active = self.pending.len() as u64;
                    let allowed = (active * u64::from(percent) / 100).max(u64::from(min_concurrency));
                    let ok = u64::from(others) < allowed;
                    if !ok {
                        self.stats.budget_refusals += 1;
                    }
                    ok
                }
                _ => true,
            };
        if !may {
            let why = if error { Status::Error } else { Status::GatewayTimeout };
            self.end(c, now, id, why, out);
            return;
        }
        // Exponential backoff with full jitter (a pure hash of the request, not a draw).
        let cap = c.backoff.saturating_mul(1 << attempt.min(16)).max(1);
        let wait = mixed_hash(&(c.salt, id, attempt)) % cap;
        let key = self.agenda.schedule(now + wait, Due::Retry { id });
        let p = self.pending.get_mut(&id).expect("checked");
        p.attempt += 1;
        p.backing_off = true;
        p.due = Some(key);
        self.retries_in_flight = others + 1;
        self.stats.retries += 1;
    }

    fn end(&mut self, c: &LbConfig, now: Micros, id: u64, status: Status, out: &mut Out) {
        let Some(p) = self.pending.remove(&id) else { return };
        if let Some(key) = p.due {
            self.agenda.cancel(&key);
        }
        if p.attempt > 0 {
            self.retries_in_flight -= 1;
        }
        match status {
            Status::Ok => {
                self.stats.ok += 1;
                self.stats.latency.record(now - p.issued);
            }
            Status::GatewayTimeout => self.stats.timeouts += 1,
            _ => self.stats.errors += 1,
        }
        if let (Some(u), Arrivals::Closed { think, .. }) = (p.user, c.arrivals) {
            out.set_timer_drawn(LbTimer::Think(u), Delay::Exponential { mean: think });
        }
        if status == Status::GatewayTimeout && self.stats.timeouts.is_power_of_two() {
            let n = self.stats.timeouts;
            out.note(
                NoteKind::Client,
                if n == 1 {
                    crate::msg!("1 request timed out so far")
                } else {
                    crate::msg!("{n} requests timed out so far", n)
                },
            );
        }
    }
}

/// Asks a pair which balancer holds the VIP (a lone balancer always does).
fn arp(c: &LbConfig, out: &mut Out) {
    if c.pair.is_some() {
        for b in c.balancers() {
            out.send(b, LbMsg::Arp);
        }
    }
}
