//! A backend: a fixed number of workers and a bounded queue in front of them.

use super::config::{LbConfig, Mode};
use super::{LbMsg, LbTimer, Out, Status};
use crate::protocol::{Delay, Event, Micros, NodeId, NoteKind};
use serde::Serialize;
use std::collections::VecDeque;

/// A request being served or waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Job {
    pub from: NodeId,
    pub id: u64,
    pub attempt: u8,
    pub arrived: Micros,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct BackendState {
    /// The backend's index in the pool.
    pub index: usize,
    /// One slot per worker.
    pub busy: Vec<Option<Job>>,
    pub queue: VecDeque<Job>,
    pub mode: Mode,
    pub served: u64,
    /// Refused because the queue was full.
    pub refused: u64,
    /// Refusing since the queue last filled: one note per overload, not one per 503. It ends
    /// when the queue has drained.
    refusing: bool,
    /// Answered with an error (failing fast).
    pub failed: u64,
    /// A spare being provisioned, or done (see `Redundancy`); volatile: a restarted spare
    /// starts over.
    pub provisioning: bool,
    pub provisioned: bool,
}

impl BackendState {
    pub fn boot(c: &LbConfig, index: usize) -> Self {
        let b = c.backends.get(index).copied().unwrap_or_default();
        BackendState {
            index,
            busy: vec![None; usize::from(b.workers.max(1))],
            queue: VecDeque::new(),
            mode: b.mode,
            served: 0,
            refused: 0,
            refusing: false,
            failed: 0,
            provisioning: false,
            provisioned: false,
        }
    }

    /// Requests being served plus waiting.
    pub fn load(&self) -> usize {
        self.busy.iter().flatten().count() + self.queue.len()
    }

    pub fn handle(&mut self, c: &LbConfig, _id: NodeId, now: Micros, ev: Event<super::Lb>, out: &mut Out) {
        let spec = c.backends.get(self.index).copied().unwrap_or_default();
        match ev {
            Event::Msg { from, msg: LbMsg::Forward { id, attempt } } => {
                let job = Job { from, id, attempt, arrived: now };
                if self.mode == Mode::FailFast {
                    self.failed += 1;
                    out.send(from, LbMsg::Done { id, attempt, status: Status::Error });
                } else if let Some(w) = self.busy.iter().position(Option::is_none) {
                    self.start(w, job, spec.service, out);
                } else if self.queue.len() < usize::from(spec.queue) {
                    self.queue.push_back(job);
                } else {
                    self.refused += 1;
                    if !self.refusing {
                        self.refusing = true;
                        out.note(
                            NoteKind::Info,
                            crate::msg!(
                                "{backend}'s queue is full ({n} waiting): it answers 503 until the queue drains",
                                backend = c.backend_name(self.index),
                                n = self.queue.len()
                            ),
                        );
                    }
                    out.send(from, LbMsg::Done { id, attempt, status: Status::Overloaded });
                }
            }
            Event::Msg { from, msg: LbMsg::Provision } => {
                if self.provisioned {
                    out.send(from, LbMsg::Provisioned);
                } else if !self.provisioning {
                    self.provisioning = true;
                    let d = c.redundancy.map_or(0, |r| r.provision);
                    out.set_timer(LbTimer::Provisioned, d..=d);
                }
            }
            Event::Timer(LbTimer::Provisioned) => {
                self.provisioning = false;
                self.provisioned = true;
                if let Some(ctl) = c.controller() {
                    out.send(ctl, LbMsg::Provisioned);
                }
            }
            Event::Msg { from, msg: LbMsg::Check { seq } } => {
                out.send(from, LbMsg::CheckReply { seq, healthy: self.mode != Mode::FailFast });
            }
            Event::Timer(LbTimer::Service(w)) => {
                let w = usize::from(w);
                if let Some(job) = self.busy.get_mut(w).and_then(Option::take) {
                    self.served += 1;
                    out.send(job.from, LbMsg::Done { id: job.id, attempt: job.attempt, status: Status::Ok });
                }
                if let Some(next) = self.queue.pop_front() {
                    self.start(w, next, spec.service, out);
                }
                self.refusing &= !self.queue.is_empty();
            }
            _ => {}
        }
    }

    fn start(&mut self, w: usize, job: Job, service: Delay, out: &mut Out) {
        self.busy[w] = Some(job);
        let factor = match self.mode {
            Mode::Slow { factor } => u64::from(factor.max(1)),
            _ => 1,
        };
        let delay = match service {
            Delay::Constant(d) => Delay::Constant(d * factor),
            Delay::Exponential { mean } => Delay::Exponential { mean: mean * factor },
            Delay::LogNormal { mean, sigma_milli } => Delay::LogNormal { mean: mean * factor, sigma_milli },
        };
        out.set_timer_drawn(LbTimer::Service(w as u16), delay);
    }
}
