//! Automatic recovery for N+M redundancy: a controller that notices a dead backend and swaps a
//! spare into the pool.

use super::config::LbConfig;
use super::{LbMsg, LbTimer, Out};
use crate::protocol::{Event, Micros, NoteKind};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Slot {
    /// In the pool.
    Active,
    /// Standing by outside the pool.
    Spare,
    /// Being provisioned to replace a dead backend.
    Provisioning,
    /// Out of the pool, dead as far as the controller knows.
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ControllerState {
    pub slots: Vec<Slot>,
    /// Checks missed in a row, per backend.
    misses: Vec<u16>,
    /// The check round; an answer to an older round is late and ignored.
    round: u64,
    answered: Vec<bool>,
    /// The pool's version, so a balancer can ignore an older announcement.
    pub epoch: u64,
    pub replacements: u64,
}

impl ControllerState {
    pub fn boot(c: &LbConfig, out: &mut Out) -> Self {
        let active = c.active_at_boot();
        let slots =
            (0..c.backends.len()).map(|i| if i < active { Slot::Active } else { Slot::Spare }).collect();
        if let Some(r) = c.redundancy {
            out.set_timer(LbTimer::Detect, r.detect_interval..=r.detect_interval);
        }
        let n = c.backends.len();
        ControllerState {
            slots,
            misses: vec![0; n],
            round: 0,
            answered: vec![true; n],
            epoch: 0,
            replacements: 0,
        }
    }

    pub fn handle(&mut self, c: &LbConfig, _now: Micros, ev: Event<super::Lb>, out: &mut Out) {
        let Some(r) = c.redundancy else { return };
        match ev {
            Event::Timer(LbTimer::Detect) => {
                for i in 0..self.slots.len() {
                    if self.answered[i] {
                        self.misses[i] = 0;
                    } else {
                        self.misses[i] = self.misses[i].saturating_add(1);
                    }
                    if self.misses[i] >= r.detect_threshold {
                        match self.slots[i] {
                            Slot::Active => self.fail(c, i, out),
                            // It died while being provisioned: another spare will do.
                            Slot::Provisioning => self.slots[i] = Slot::Failed,
                            _ => {}
                        }
                    } else if self.slots[i] == Slot::Provisioning {
                        // Again, in case the request was lost (provisioning is idempotent).
                        out.send(c.backend_node(i), LbMsg::Provision);
                    }
                    self.answered[i] = false;
                }
                // A backend that answered again may refill the pool now its misses are cleared.
                self.fill(c, out);
                self.round += 1;
                // Again every round: a restarted balancer (or one that heard from an earlier
                // life of this controller) learns the pool, and a late, reordered announcement
                // is corrected.
                self.epoch = self.epoch.saturating_sub(1);
                self.announce(c, out);
                for i in 0..self.slots.len() {
                    out.send(c.backend_node(i), LbMsg::Check { seq: self.round });
                }
                out.set_timer(LbTimer::Detect, r.detect_interval..=r.detect_interval);
            }
            Event::Msg { from, msg: LbMsg::CheckReply { seq, healthy } } => {
                // A backend that says it is failing counts as a miss, like no answer.
                let Some(i) = c.backend(from) else { return };
                if seq == self.round && healthy {
                    self.answered[i] = true;
                    if self.slots[i] == Slot::Failed {
                        // Back from the dead: it can stand by for the next failure.
                        self.slots[i] = Slot::Spare;
                        out.note(NoteKind::Info, format!("backend {i} answers again: a spare now"));
                        self.fill(c, out);
                    }
                }
            }
            Event::Msg { from, msg: LbMsg::Provisioned } => {
                let Some(i) = c.backend(from) else { return };
                if self.slots[i] == Slot::Provisioning {
                    self.slots[i] = Slot::Active;
                    self.replacements += 1;
                    out.note(NoteKind::Role, format!("backend {i} joins the pool"));
                    self.announce(c, out);
                }
            }
            _ => {}
        }
    }

    fn fail(&mut self, c: &LbConfig, i: usize, out: &mut Out) {
        self.slots[i] = Slot::Failed;
        out.note(
            NoteKind::Role,
            format!("the controller finds backend {i} dead and takes it out of the pool"),
        );
        self.announce(c, out);
        self.fill(c, out);
    }

    /// Provisions spares until the pool (with what is being provisioned) is back to its size.
    fn fill(&mut self, c: &LbConfig, out: &mut Out) {
        let count = |s: Slot| self.slots.iter().filter(|&&x| x == s).count();
        let have = count(Slot::Active) + count(Slot::Provisioning);
        for _ in have..c.active_at_boot() {
            // The spare that answered most recently, lowest index first.
            let Some(spare) =
                (0..self.slots.len()).find(|&i| self.slots[i] == Slot::Spare && self.misses[i] == 0)
            else {
                return;
            };
            self.slots[spare] = Slot::Provisioning;
            out.note(NoteKind::Info, format!("the controller provisions spare backend {spare}"));
            out.send(c.backend_node(spare), LbMsg::Provision);
        }
    }

    fn announce(&mut self, c: &LbConfig, out: &mut Out) {
        self.epoch += 1;
        let members: Vec<u8> =
            (0..self.slots.len()).filter(|&i| self.slots[i] == Slot::Active).map(|i| i as u8).collect();
        for b in c.balancers() {
            out.send(b, LbMsg::Pool { epoch: self.epoch, members: members.clone() });
        }
    }
}
