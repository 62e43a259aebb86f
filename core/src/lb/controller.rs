//! Automatic recovery for N+M redundancy: a controller that notices a dead backend and swaps a
//! spare into the pool.

use super::config::LbConfig;
use super::{LbMsg, LbTimer, Out, Saved};
use crate::protocol::{Event, Micros, NoteKind};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Slot {
    /// In the pool.
    Active,
    /// In the pool, but missing its checks: it leaves only when a replacement is ready, so a
    /// controller that alone loses sight of the backends never empties the pool (make before
    /// break).
    Dead,
    /// Standing by outside the pool.
    Spare,
    /// Being provisioned to replace a dead backend.
    Provisioning,
    /// Out of the pool, dead as far as the controller knows.
    Failed,
}

impl Slot {
    pub fn in_pool(self) -> bool {
        matches!(self, Slot::Active | Slot::Dead)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ControllerState {
    pub slots: Vec<Slot>,
    /// Checks missed in a row, per backend.
    misses: Vec<u16>,
    /// The check round; an answer to an older round is late and ignored.
    round: u64,
    answered: Vec<bool>,
    /// The pool's version: it grows with every change, across restarts too (it is saved with
    /// the slots), and balancers ignore an announcement older than the one they applied.
    pub epoch: u64,
    pub replacements: u64,
    boots: u32,
}

impl ControllerState {
    pub fn boot(c: &LbConfig, saved: Saved, out: &mut Out) -> Self {
        let n = c.backends.len();
        let (epoch, slots) = saved.pool.filter(|(_, s)| s.len() == n).unwrap_or_else(|| {
            let active = c.active_at_boot();
            (1, (0..n).map(|i| if i < active { Slot::Active } else { Slot::Spare }).collect())
        });
        if let Some(r) = c.redundancy {
            out.set_timer(LbTimer::Detect, r.detect_interval..=r.detect_interval);
        }
        // A backend found dead before the restart stays dead until it answers again (else the
        // restart would put it back and drop its replacement in the middle of provisioning).
        let misses = slots.iter().map(|s| if *s == Slot::Dead { u16::MAX } else { 0 }).collect();
        let answered = slots.iter().map(|s| *s != Slot::Dead).collect();
        ControllerState { slots, misses, round: 0, answered, epoch, replacements: 0, boots: saved.boots }
    }

    pub fn handle(&mut self, c: &LbConfig, _now: Micros, ev: Event<super::Lb>, out: &mut Out) {
        let Some(r) = c.redundancy else { return };
        match ev {
            Event::Timer(LbTimer::Detect) => {
                let mut changed = false;
                for i in 0..self.slots.len() {
                    if self.answered[i] {
                        self.misses[i] = 0;
                    } else {
                        self.misses[i] = self.misses[i].saturating_add(1);
                    }
                    let dead = self.misses[i] >= r.detect_threshold;
                    match self.slots[i] {
                        Slot::Active if dead => {
                            self.slots[i] = Slot::Dead;
                            changed = true;
                            out.note(
                                NoteKind::Role,
                                crate::msg!(
                                    "the controller finds {backend} dead and looks for a replacement",
                                    backend = c.backend_name(i)
                                ),
                            );
                        }
                        Slot::Dead if self.misses[i] == 0 => {
                            self.slots[i] = Slot::Active;
                            changed = true;
                            out.note(
                                NoteKind::Info,
                                crate::msg!(
                                    "{backend} answers the controller again",
                                    backend = c.backend_name(i)
                                ),
                            );
                        }
                        // It died while being provisioned: another spare will do.
                        Slot::Provisioning if dead => {
                            self.slots[i] = Slot::Failed;
                            changed = true;
                        }
                        // Again, in case the request was lost (provisioning is idempotent).
                        Slot::Provisioning => out.send(c.backend_node(i), LbMsg::Provision),
                        _ => {}
                    }
                    self.answered[i] = false;
                }
                changed |= self.fill(c, out);
                if changed {
                    self.save(out);
                }
                self.round += 1;
                // Again every round: a restarted balancer learns the pool, and a late,
                // reordered announcement is corrected.
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
                        self.misses[i] = 0;
                        out.note(
                            NoteKind::Info,
                            crate::msg!("{backend} answers again: a spare now", backend = c.backend_name(i)),
                        );
                        self.fill(c, out);
                        self.save(out);
                    }
                }
            }
            Event::Msg { from, msg: LbMsg::Provisioned } => {
                let Some(i) = c.backend(from) else { return };
                if self.slots[i] != Slot::Provisioning {
                    return;
                }
                match self.slots.iter().position(|&s| s == Slot::Dead) {
                    Some(dead) => {
                        self.slots[dead] = Slot::Failed;
                        self.slots[i] = Slot::Active;
                        self.replacements += 1;
                        out.note(
                            NoteKind::Role,
                            crate::msg!(
                                "{backend} replaces {dead} in the pool",
                                backend = c.backend_name(i),
                                dead = c.backend_name(dead)
                            ),
                        );
                        self.epoch += 1;
                        self.announce(c, out);
                    }
                    // The backend it was to replace came back meanwhile.
                    None => self.slots[i] = Slot::Spare,
                }
                self.save(out);
            }
            _ => {}
        }
    }

    /// Provisions a spare for every dead backend not yet being replaced. Whether it changed a slot.
    fn fill(&mut self, c: &LbConfig, out: &mut Out) -> bool {
        let count = |s: Slot| self.slots.iter().filter(|&&x| x == s).count();
        let wanted = count(Slot::Dead).saturating_sub(count(Slot::Provisioning));
        let mut changed = false;
        for _ in 0..wanted {
            // The first spare that answered the last round.
            let Some(spare) =
                (0..self.slots.len()).find(|&i| self.slots[i] == Slot::Spare && self.misses[i] == 0)
            else {
                break;
            };
            self.slots[spare] = Slot::Provisioning;
            changed = true;
            out.note(
                NoteKind::Info,
                crate::msg!("the controller provisions spare {backend}", backend = c.backend_name(spare)),
            );
            out.send(c.backend_node(spare), LbMsg::Provision);
        }
        changed
    }

    fn save(&self, out: &mut Out) {
        out.persist(Saved { boots: self.boots, pool: Some((self.epoch, self.slots.clone())) });
    }

    /// Announces the pool as of `epoch` to every balancer.
    fn announce(&self, c: &LbConfig, out: &mut Out) {
        let members: Vec<u8> =
            (0..self.slots.len()).filter(|&i| self.slots[i].in_pool()).map(|i| i as u8).collect();
        for b in c.balancers() {
            out.send(b, LbMsg::Pool { epoch: self.epoch, members: members.clone() });
        }
    }
}
