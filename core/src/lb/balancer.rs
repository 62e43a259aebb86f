//! The load balancer: routes requests, checks health, ejects outliers.

use super::agenda::{Agenda, Key};
use super::config::{Algorithm, LbConfig, CLIENTS};
use super::controller::Slot;
use super::pick::{peak_ewma, Picker};
use super::vrrp::Vrrp;
use super::{LbMsg, LbTimer, Out, Saved, Status};
use crate::protocol::{Event, Micros, NodeId, NoteKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the balancer knows of one backend: only what it observed itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Host {
    /// Requests sent to it and not yet answered (or given up on).
    pub outstanding: u32,
    /// Peak EWMA of its latency (none before the first sample), and when it was last updated.
    pub ewma: Option<Micros>,
    ewma_at: Micros,
    /// Active health checking's verdict (hosts start healthy).
    pub unhealthy: bool,
    fails: u16,
    passes: u16,
    /// The health check awaiting an answer, and its agenda entry.
    check: Option<(u64, Key)>,
    /// Errors in a row, for outlier detection.
    pub errors_in_row: u16,
    pub ejected_until: Option<Micros>,
    /// Times ejected so far, and Envoy's ejection-time multiplier: one more per ejection, one
    /// less per outlier sweep that finds the host in rotation.
    pub ejections: u32,
    pub backoff: u32,
    pub forwarded: u64,
    /// Back in rotation since then, and still warming up (slow start).
    pub warming_since: Option<Micros>,
    /// In the pool (spares and replaced backends are not, see `Redundancy`).
    pub in_pool: bool,
}

impl Host {
    /// Whether the balancer would route to it outside panic mode.
    pub fn routable(&self) -> bool {
        self.in_pool && !self.unhealthy && self.ejected_until.is_none()
    }
}

/// A forwarded attempt awaiting its backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
struct Attempt {
    host: usize,
    sent: Micros,
    /// Its upstream timeout in the agenda.
    due: Key,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
enum Due {
    /// Give up on a forwarded attempt.
    Upstream {
        id: u64,
        attempt: u8,
    },
    CheckTimeout {
        host: usize,
        seq: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct BalancerState {
    /// Master or backup of a pair (a lone balancer is master).
    pub vrrp: Vrrp,
    /// Requests dropped because this balancer does not hold the VIP.
    pub dropped: u64,
    pub hosts: Vec<Host>,
    picker: Picker,
    /// Forwarded attempts by (request, attempt).
    inflight: BTreeMap<(u64, u8), Attempt>,
    /// Upstream timeouts and check timeouts.
    agenda: Agenda<Due>,
    check_seq: u64,
    /// Fewer hosts routable than the panic threshold: routing to all.
    pub panic: bool,
    /// The host the latest request went to, for the checker.
    pub last_routed: Option<usize>,
    /// Requests routed so far.
    pub routed: u64,
    /// Answered 503 for want of a host.
    pub no_host: u64,
    /// The epoch of the controller's pool applied last; an older announcement is stale. Saved
    /// with the members, so a restarted balancer does not route by the boot-time pool.
    pub pool_epoch: u64,
    boots: u32,
    /// Which of a pair this is, to say who noted what (both check the backends).
    me: NodeId,
}

impl BalancerState {
    pub fn boot(c: &LbConfig, id: NodeId, saved: &Saved, restarted: bool, out: &mut Out) -> Self {
        if let Some(h) = c.health {
            out.set_timer(LbTimer::CheckRound, 0..=h.jitter);
        }
        if let Some(o) = c.outlier {
            out.set_timer(LbTimer::Sweep, o.interval..=o.interval);
        }
        let n = c.backends.len();
        let (pool_epoch, in_pool): (u64, Vec<bool>) = match &saved.pool {
            Some((epoch, slots)) if slots.len() == n && !c.bugs.pool_amnesia => {
                (*epoch, slots.iter().map(|s| s.in_pool()).collect())
            }
            _ => (0, (0..n).map(|i| i < c.active_at_boot()).collect()),
        };
        BalancerState {
            vrrp: Vrrp::boot(c, id, restarted, out),
            dropped: 0,
            hosts: in_pool.into_iter().map(|in_pool| Host { in_pool, ..Host::default() }).collect(),
            picker: Picker::default(),
            inflight: BTreeMap::new(),
            agenda: Agenda::default(),
            check_seq: 0,
            panic: false,
            last_routed: None,
            routed: 0,
            no_host: 0,
            pool_epoch,
            boots: saved.boots,
            me: id,
        }
    }

    /// Who speaks in this balancer's notes: nobody needs saying for a lone balancer; of a
    /// pair, both check the backends and would note the same thing twice, unattributed. So:
    /// none, or the pair's balancer 1 or 2.
    fn who(&self, c: &LbConfig) -> Option<u8> {
        match (c.pair.is_some(), self.me == super::BALANCER) {
            (false, _) => None,
            (true, true) => Some(1),
            (true, false) => Some(2),
        }
    }

    /// Pool hosts currently ejected by outlier detection.
    pub fn ejected(&self) -> usize {
        self.hosts.iter().filter(|h| h.in_pool && h.ejected_until.is_some()).count()
    }

    /// Hosts in the pool (spares and replaced backends are not).
    pub fn pool(&self) -> usize {
        self.hosts.iter().filter(|h| h.in_pool).count()
    }

    pub fn handle(&mut self, c: &LbConfig, me: NodeId, now: Micros, ev: Event<super::Lb>, out: &mut Out) {
        self.last_routed = None;
        if self.vrrp.handle(c, me, now, &ev, out) {
            return;
        }
        match ev {
            Event::Msg { msg: LbMsg::Request { id, attempt }, .. } => {
                if self.vrrp.serving(c, now) {
                    self.route(c, now, id, attempt, out);
                } else {
                    // Not the VIP's owner (any more): the packet goes nowhere.
                    self.dropped += 1;
                }
            }
            Event::Msg { from, msg: LbMsg::Done { id, attempt, status } } => {
                // Only the host the attempt is recorded against: a duplicated request may have
                // gone to two hosts, and the older copy's answer was written off already.
                let entry = self.inflight.get(&(id, attempt)).copied();
                if let Some(a) = entry.filter(|a| c.backend(from) == Some(a.host)) {
                    self.inflight.remove(&(id, attempt));
                    self.agenda.cancel(&a.due);
                    self.answered(c, now, a.host, now - a.sent, status.is_ok(), out);
                    out.send(CLIENTS, LbMsg::Response { id, attempt, status });
                }
            }
            Event::Msg { from, msg: LbMsg::CheckReply { seq, healthy } } => {
                let Some(host) = c.backend(from) else { return };
                if let Some((s, key)) = self.hosts[host].check {
                    if s == seq {
                        self.hosts[host].check = None;
                        self.agenda.cancel(&key);
                        self.checked(c, now, host, healthy, out);
                    }
                }
            }
            Event::Timer(LbTimer::CheckRound) => {
                let Some(h) = c.health else { return };
                for host in 0..self.hosts.len() {
                    if self.hosts[host].check.is_some() || !self.hosts[host].in_pool {
                        continue; // the previous check is still out, or not ours to check
                    }
                    self.check_seq += 1;
                    let seq = self.check_seq;
                    let key = self.agenda.schedule(now + h.timeout, Due::CheckTimeout { host, seq });
                    self.hosts[host].check = Some((seq, key));
                    out.send(c.backend_node(host), LbMsg::Check { seq });
                }
                out.set_timer(LbTimer::CheckRound, h.interval..=h.interval + h.jitter);
            }
            Event::Msg { msg: LbMsg::Pool { epoch, members }, .. } if epoch >= self.pool_epoch => {
                if epoch > self.pool_epoch {
                    let slots = (0..self.hosts.len())
                        .map(|i| if members.contains(&(i as u8)) { Slot::Active } else { Slot::Spare })
                        .collect();
                    out.persist(Saved { boots: self.boots, pool: Some((epoch, slots)) });
                }
                self.pool_epoch = epoch;
                for (i, h) in self.hosts.iter_mut().enumerate() {
                    let now_in = members.contains(&(i as u8));
                    if now_in && !h.in_pool {
                        // A fresh replacement: healthy until its checks say otherwise. Attempts
                        // still out at it from before stay counted until they end.
                        *h = Host {
                            in_pool: true,
                            warming_since: c.slow_start.map(|_| now),
                            outstanding: h.outstanding,
                            check: h.check,
                            ..Host::default()
                        };
                    }
                    h.in_pool = now_in;
                }
            }
            Event::Timer(LbTimer::Sweep) => {
                let Some(o) = c.outlier else { return };
                self.sweep(c, now, out);
                out.set_timer(LbTimer::Sweep, o.interval..=o.interval);
            }
            Event::Timer(LbTimer::Wake) => {
                self.agenda.woke();
                while let Some(due) = self.agenda.next_due(now) {
                    self.act(c, now, due, out);
                }
            }
            _ => {}
        }
        self.panic = self.in_panic(c);
        self.agenda.arm(now, out);
    }

    fn in_panic(&self, c: &LbConfig) -> bool {
        let n = self.hosts.iter().filter(|h| h.in_pool).count();
        let routable = self.hosts.iter().filter(|h| h.routable()).count();
        n > 0 && routable * 100 < usize::from(c.panic_percent) * n
    }

    fn route(&mut self, c: &LbConfig, now: Micros, id: u64, attempt: u8, out: &mut Out) {
        let panic = self.in_panic(c);
        let eligible: Vec<usize> = (0..self.hosts.len())
            .filter(|&i| {
                self.hosts[i].in_pool && (panic || c.bugs.route_to_ejected || self.hosts[i].routable())
            })
            .collect();
        if eligible.is_empty() {
            self.no_host += 1;
            out.send(CLIENTS, LbMsg::Response { id, attempt, status: Status::NoHost });
            return;
        }
        if let Some(ss) = c.slow_start {
            for h in &mut self.hosts {
                if h.warming_since.is_some_and(|t| now.saturating_sub(t) >= ss.window) {
                    h.warming_since = None;
                }
            }
        }
        let host = self.picker.pick(c, &self.hosts, &eligible, id, attempt, now);
        let due = self.agenda.schedule(now + c.timeout, Due::Upstream { id, attempt });
        if let Some(old) = self.inflight.insert((id, attempt), Attempt { host, sent: now, due }) {
            // The same attempt twice (the network duplicated it): keep the newer.
            self.agenda.cancel(&old.due);
            self.hosts[old.host].outstanding = self.hosts[old.host].outstanding.saturating_sub(1);
        }
        let h = &mut self.hosts[host];
        h.outstanding += 1;
        h.forwarded += 1;
        self.routed += 1;
        self.last_routed = Some(host);
        out.send(c.backend_node(host), LbMsg::Forward { id, attempt });
    }

    fn act(&mut self, c: &LbConfig, now: Micros, due: Due, out: &mut Out) {
        match due {
            Due::Upstream { id, attempt } => {
                if let Some(a) = self.inflight.remove(&(id, attempt)) {
                    // What it waited counts as a latency sample: a host that stopped answering
                    // must look slow to peak EWMA, not keep its last good figure.
                    self.answered(c, now, a.host, now - a.sent, false, out);
                    out.send(CLIENTS, LbMsg::Response { id, attempt, status: Status::GatewayTimeout });
                }
            }
            Due::CheckTimeout { host, seq } => {
                if self.hosts[host].check.is_some_and(|(s, _)| s == seq) {
                    self.hosts[host].check = None;
                    self.checked(c, now, host, false, out);
                }
            }
        }
    }

    /// Envoy's outlier sweep (its `interval`): ejections that have run their time end here, not
    /// at their exact instant, and a host in rotation earns back one step of its backoff.
    fn sweep(&mut self, c: &LbConfig, now: Micros, out: &mut Out) {
        let who = self.who(c);
        for host in 0..self.hosts.len() {
            let h = &mut self.hosts[host];
            match h.ejected_until {
                Some(t) if t <= now => {
                    h.ejected_until = None;
                    h.errors_in_row = 0;
                    self.back_in_rotation(c, host, now);
                    out.note(
                        NoteKind::Info,
                        said(
                            who,
                            crate::msg!("{backend} is back from ejection", backend = c.backend_name(host)),
                        ),
                    );
                }
                Some(_) => {}
                None => h.backoff = h.backoff.saturating_sub(1),
            }
        }
    }

    /// An attempt at `host` ended: answered, or given up on, after `latency`.
    fn answered(&mut self, c: &LbConfig, now: Micros, host: usize, latency: Micros, ok: bool, out: &mut Out) {
        let h = &mut self.hosts[host];
        h.outstanding = h.outstanding.saturating_sub(1);
        if let Algorithm::PeakEwma { tau } = c.algorithm {
            h.ewma = Some(h.ewma.map_or(latency, |e| peak_ewma(e, now - h.ewma_at, latency, tau)));
            h.ewma_at = now;
        }
        if ok {
            h.errors_in_row = 0;
            return;
        }
        h.errors_in_row = h.errors_in_row.saturating_add(1);
        let Some(o) = c.outlier else { return };
        if h.errors_in_row < o.consecutive_5xx || h.ejected_until.is_some() {
            return;
        }
        if !h.in_pool || (self.ejected() >= o.cap(self.pool()) && !c.bugs.eject_all) {
            return;
        }
        let who = self.who(c);
        let h = &mut self.hosts[host];
        h.ejections += 1;
        // The multiplier stops growing once it reaches the cap, so good sweeps can wear it down.
        if o.base_ejection_time.saturating_mul(u64::from(h.backoff)) < o.max_ejection_time {
            h.backoff += 1;
        }
        let until =
            now + (o.base_ejection_time.saturating_mul(u64::from(h.backoff))).min(o.max_ejection_time);
        h.ejected_until = Some(until);
        out.note(
            NoteKind::Role,
            said(
                who,
                crate::msg!(
                    "{backend} ejected after {errors} errors in a row (ejection {n})",
                    backend = c.backend_name(host),
                    errors = h.errors_in_row,
                    n = h.ejections
                ),
            ),
        );
    }

    fn back_in_rotation(&mut self, c: &LbConfig, host: usize, now: Micros) {
        if c.slow_start.is_some() {
            self.hosts[host].warming_since = Some(now);
        }
    }

    fn checked(&mut self, c: &LbConfig, now: Micros, host: usize, pass: bool, out: &mut Out) {
        let Some(hc) = c.health else { return };
        let who = self.who(c);
        let h = &mut self.hosts[host];
        if pass {
            h.fails = 0;
            h.passes = h.passes.saturating_add(1);
            if h.unhealthy && h.passes >= hc.healthy_threshold {
                h.unhealthy = false;
                if c.slow_start.is_some() {
                    h.warming_since = Some(now);
                }
                out.note(
                    NoteKind::Role,
                    said(
                        who,
                        crate::msg!(
                            "{backend} passes its health checks again",
                            backend = c.backend_name(host)
                        ),
                    ),
                );
            }
            if h.ejected_until.is_some() {
                // Envoy's `successful_active_health_check_uneject_host`: the active check
                // knows better than the ejection timer.
                h.ejected_until = None;
                h.errors_in_row = 0;
                self.back_in_rotation(c, host, now);
                out.note(
                    NoteKind::Info,
                    said(
                        who,
                        crate::msg!(
                            "{backend} passes a health check: no longer ejected",
                            backend = c.backend_name(host)
                        ),
                    ),
                );
            }
        } else {
            h.passes = 0;
            h.fails = h.fails.saturating_add(1);
            if !h.unhealthy && h.fails >= hc.unhealthy_threshold {
                h.unhealthy = true;
                out.note(
                    NoteKind::Role,
                    said(
                        who,
                        crate::msg!(
                            "{backend} failed {fails} health checks: unhealthy",
                            backend = c.backend_name(host),
                            fails = h.fails
                        ),
                    ),
                );
            }
        }
    }
}

/// A balancer's note as it says it: after its name when it is one of a pair (`who`).
fn said(who: Option<u8>, note: crate::msg::Msg) -> crate::msg::Msg {
    match who {
        None => note,
        Some(n) => crate::msg!("balancer {n}: {note}", n, note),
    }
}
