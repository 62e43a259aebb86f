//! Failover of the balancer itself: VRRP's master election between a pair (RFC 5798), and
//! optionally a lease from a witness that fences the pair against split brain.

use super::config::{LbConfig, Pair, BALANCER, CLIENTS, STANDBY};
use super::{LbMsg, LbTimer, Out};
use crate::protocol::{Micros, NodeId, NoteKind};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Role {
    Master,
    Backup,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Vrrp {
    pub role: Role,
    /// The witness's lease, valid until then on this balancer's clock (fenced pairs only).
    pub lease_until: Option<Micros>,
    /// A fenced backup asked the witness for the lease at this instant (its clock) in order to
    /// take over; only the answer to that ask promotes it (an older grant, delayed, may have
    /// been voided by a release since).
    promoting: Option<Micros>,
    /// The ask of the newest grant this master holds; its release names it, so that a stale
    /// release cannot free a later lease.
    lease_asked: Option<Micros>,
}

/// RFC 5798's Master_Down_Interval: three adverts plus a skew that lets the higher priority win.
fn master_down(p: &Pair, priority: u8) -> Micros {
    3 * p.advert_int + (256 - u64::from(priority)) * p.advert_int / 256
}

fn peer(id: NodeId) -> NodeId {
    if id == BALANCER {
        STANDBY
    } else {
        BALANCER
    }
}

impl Vrrp {
    /// A lone balancer is master for good; of a pair, balancer 1 boots as master the first
    /// time (as VRRP's address owner does) and everyone else, or balancer 1 after a restart,
    /// as a backup that listens for adverts first.
    pub fn boot(c: &LbConfig, id: NodeId, restarted: bool, out: &mut Out) -> Vrrp {
        let mut v = Vrrp { role: Role::Backup, lease_until: None, promoting: None, lease_asked: None };
        match c.pair {
            None => v.role = Role::Master,
            Some(p) if id == BALANCER && !restarted => match p.fencing {
                Some(_) if !c.bugs.unfenced_promotion => {
                    // Master once the witness grants the lease; asks again if it does not.
                    v.ask_lease(c, 0, out);
                    let d = master_down(&p, c.priority(id));
                    out.set_timer(LbTimer::MasterDown, d..=d);
                }
                _ => v.become_master(c, id, out),
            },
            Some(p) => out.set_timer(
                LbTimer::MasterDown,
                master_down(&p, c.priority(id))..=master_down(&p, c.priority(id)),
            ),
        }
        v
    }

    /// Whether this balancer takes requests now (local time).
    pub fn serving(&self, c: &LbConfig, now: Micros) -> bool {
        let fenced = c.pair.is_some_and(|p| p.fencing.is_some()) && !c.bugs.unfenced_promotion;
        self.role == Role::Master && (!fenced || self.lease_until.is_some_and(|t| now < t))
    }

    /// Handles the pair's own messages and timers; false if `ev` is not one of them.
    pub fn handle(
        &mut self,
        c: &LbConfig,
        id: NodeId,
        now: Micros,
        ev: &crate::protocol::Event<super::Lb>,
        out: &mut Out,
    ) -> bool {
        use crate::protocol::Event;
        let Some(p) = c.pair else { return false };
        let fenced = p.fencing.filter(|_| !c.bugs.unfenced_promotion);
        match ev {
            Event::Timer(LbTimer::Advert) if self.role == Role::Master => {
                out.send(peer(id), LbMsg::Advert { priority: c.priority(id) });
                out.set_timer(LbTimer::Advert, p.advert_int..=p.advert_int);
            }
            Event::Timer(LbTimer::MasterDown) if self.role == Role::Backup => {
                let d = master_down(&p, c.priority(id));
                out.set_timer(LbTimer::MasterDown, d..=d);
                match fenced {
                    Some(_) => self.ask_lease(c, now, out),
                    None => {
                        out.note(
                            NoteKind::Role,
                            crate::msg!("balancer {id} heard no advert: it takes the VIP", id),
                        );
                        self.become_master(c, id, out);
                    }
                }
            }
            Event::Timer(LbTimer::LeaseRenew) if self.role == Role::Master => {
                if let Some(f) = fenced {
                    if self.lease_until.is_some_and(|t| t <= now) {
                        out.note(
                            NoteKind::Role,
                            crate::msg!("balancer {id} lost its lease: it stops serving", id),
                        );
                        self.become_backup(c, id, out);
                    } else {
                        self.ask_lease(c, now, out);
                        out.set_timer(LbTimer::LeaseRenew, f.renew..=f.renew);
                    }
                }
            }
            Event::Msg { from, msg: LbMsg::Advert { priority } } if *from == peer(id) => {
                let mine = c.priority(id);
                match self.role {
                    // The master resigned (RFC 5798 §6.4.3): take over after the skew time.
                    Role::Backup if *priority == 0 => {
                        let skew = (256 - u64::from(mine)) * p.advert_int / 256;
                        out.set_timer(LbTimer::MasterDown, skew..=skew);
                    }
                    Role::Backup if p.preempt && mine > *priority => match fenced {
                        // The master holds the lease and renews it: claim the VIP with an
                        // advert of our own, so that it resigns and frees the lease.
                        Some(_) => out.send(peer(id), LbMsg::Advert { priority: mine }),
                        None => self.become_master(c, id, out),
                    },
                    Role::Backup => {
                        let d = master_down(&p, mine);
                        out.set_timer(LbTimer::MasterDown, d..=d);
                    }
                    Role::Master if *priority > mine => {
                        out.note(
                            NoteKind::Role,
                            crate::msg!("balancer {id} hears a higher priority: it steps down", id),
                        );
                        let asked = self.lease_asked;
                        self.become_backup(c, id, out);
                        // It no longer serves, so the lease may go at once; priority 0 tells the
                        // peer to take over without waiting out Master_Down_Interval.
                        if let (Some(_), Some(w), Some(asked)) = (fenced, c.witness(), asked) {
                            out.send(w, LbMsg::LeaseRelease { asked });
                            out.send(peer(id), LbMsg::Advert { priority: 0 });
                        }
                    }
                    Role::Master => {}
                }
            }
            Event::Msg { msg: LbMsg::LeaseGrant { asked }, .. } => {
                if let Some(f) = fenced {
                    let until = asked + f.holder_lease();
                    let renewal = self.role == Role::Master;
                    let promotion = self.role == Role::Backup && self.promoting == Some(*asked);
                    if renewal || promotion {
                        self.lease_until = Some(self.lease_until.map_or(until, |t| t.max(until)));
                        if self.lease_asked.is_none_or(|a| a < *asked) {
                            self.lease_asked = Some(*asked);
                        }
                    }
                    if promotion && now < until {
                        out.note(
                            NoteKind::Role,
                            crate::msg!("balancer {id} holds the lease: it takes the VIP", id),
                        );
                        self.become_master(c, id, out);
                    }
                    if promotion {
                        self.promoting = None;
                    }
                }
            }
            Event::Msg { msg: LbMsg::LeaseDeny, .. } => self.promoting = None,
            Event::Msg { from, msg: LbMsg::Arp } => {
                if self.serving(c, now) {
                    out.send(*from, LbMsg::Garp);
                }
            }
            Event::Timer(LbTimer::Advert | LbTimer::MasterDown | LbTimer::LeaseRenew) => {}
            _ => return false,
        }
        true
    }

    fn ask_lease(&mut self, c: &LbConfig, now: Micros, out: &mut Out) {
        if let Some(w) = c.witness() {
            if self.role == Role::Backup {
                self.promoting = Some(now);
            }
            out.send(w, LbMsg::LeaseAsk { asked: now });
        }
    }

    fn become_master(&mut self, c: &LbConfig, id: NodeId, out: &mut Out) {
        let Some(p) = c.pair else { return };
        self.role = Role::Master;
        self.promoting = None;
        out.cancel_timer(LbTimer::MasterDown);
        out.send(CLIENTS, LbMsg::Garp);
        out.set_timer(LbTimer::Advert, 0..=0);
        if let Some(f) = p.fencing.filter(|_| !c.bugs.unfenced_promotion) {
            out.set_timer(LbTimer::LeaseRenew, f.renew..=f.renew);
        }
        let _ = id;
    }

    fn become_backup(&mut self, c: &LbConfig, id: NodeId, out: &mut Out) {
        let Some(p) = c.pair else { return };
        self.role = Role::Backup;
        self.lease_until = None;
        self.lease_asked = None;
        out.cancel_timer(LbTimer::Advert);
        out.cancel_timer(LbTimer::LeaseRenew);
        let d = master_down(&p, c.priority(id));
        out.set_timer(LbTimer::MasterDown, d..=d);
    }
}

/// The lease witness: grants the lease to one balancer at a time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct WitnessState {
    /// Who holds the lease, and until when on the witness's clock.
    pub holder: Option<(NodeId, Micros)>,
    pub grants: u64,
    /// After a restart the witness has forgotten who holds the lease: it grants nothing until
    /// one TTL has passed, by when any lease it gave has run out (as the lock server does).
    pub waiting: bool,
    /// The holder's ask that the newest grant answered.
    holder_asked: Micros,
}

impl WitnessState {
    pub fn boot(c: &LbConfig, restarted: bool, out: &mut Out) -> Self {
        let ttl = c.pair.and_then(|p| p.fencing).map_or(0, |f| f.ttl);
        let waiting = restarted && !c.bugs.forgetful_witness;
        if waiting {
            out.set_timer(LbTimer::WitnessReady, ttl..=ttl);
        }
        WitnessState { holder: None, grants: 0, waiting, holder_asked: 0 }
    }

    pub fn handle(
        &mut self,
        c: &LbConfig,
        now: Micros,
        ev: crate::protocol::Event<super::Lb>,
        out: &mut Out,
    ) {
        if let crate::protocol::Event::Timer(LbTimer::WitnessReady) = ev {
            self.waiting = false;
            return;
        }
        if let crate::protocol::Event::Msg { from, msg: LbMsg::LeaseRelease { asked } } = ev {
            // Only the release of the newest grant: a stale one (delayed, duplicated, or from an
            // earlier term of the same balancer) must not free a lease granted since.
            if self.holder.is_some_and(|(h, _)| h == from) && self.holder_asked == asked {
                self.holder = None;
            }
            return;
        }
        let (crate::protocol::Event::Msg { from, msg: LbMsg::LeaseAsk { asked } }, Some(f)) =
            (ev, c.pair.and_then(|p| p.fencing))
        else {
            return;
        };
        match self.holder {
            _ if self.waiting => out.send(from, LbMsg::LeaseDeny),
            Some((h, until)) if h != from && now < until => out.send(from, LbMsg::LeaseDeny),
            _ => {
                if self.holder.is_none_or(|(h, _)| h != from) {
                    out.note(
                        NoteKind::Role,
                        crate::msg!("the witness leases the VIP to balancer {from}", from),
                    );
                }
                self.holder = Some((from, now + f.ttl));
                self.holder_asked = asked;
                self.grants += 1;
                out.send(from, LbMsg::LeaseGrant { asked });
            }
        }
    }
}
