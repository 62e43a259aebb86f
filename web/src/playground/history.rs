//! What the run did, as the space-time diagram needs it: every message from its send to its
//! delivery or drop, client writes, timers and faults, and each node's role over time. Recorded step by step at the run's frontier (never while the page shows
//! the past, which the record already holds), bounded: past the caps the oldest go first.

use halab_core::protocol::{Micros, NodeId};
use halab_core::sim::fault::Fault;
use halab_core::sim::trace::{DropReason, TraceEvent, TraceKind};
use std::collections::VecDeque;

/// Messages kept for the diagram (a 9-node Raft at 200 writes/s sends about 4,000 a second).
pub const MAX_ARROWS: usize = 60_000;
/// Timer firings, faults and client writes kept.
pub const MAX_MARKS: usize = 30_000;
/// Role changes kept per node.
pub const MAX_SPANS: usize = 4_000;

/// The clients' lane, for protocols whose writes come from the simulator's clients.
pub const CLIENTS: NodeId = NodeId::MAX;

/// How a message ended, so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// Still in flight at the frontier; due then.
    Flying(Micros),
    Delivered,
    Dropped(DropReason),
}

/// A message, or a client's write and its answer (a vertical arrow between the clients' lane and
/// a node, `id` 0).
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// The simulator's message id (0 for a client's write or answer).
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub label: &'static str,
    /// A keep-alive with nothing new (`Describe::routine`): the diagram can hide them.
    pub routine: bool,
    /// A duplicate the network made of the message before it.
    pub copy: bool,
    pub sent: Micros,
    pub sent_step: u64,
    pub end: End,
    /// When the network meant it to arrive (a paused receiver may take it later).
    pub arrives: Micros,
    /// When and at which step it was delivered or dropped (the send's, while flying).
    pub ended: Micros,
    pub end_step: u64,
}

/// Something that happened at one instant, on one lane or on all.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub time: Micros,
    pub step: u64,
    /// `None`: the whole network (a partition, a heal, a loss change).
    pub node: Option<NodeId>,
    pub kind: MarkKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MarkKind {
    /// A timer fired; its label.
    Timer(String),
    /// A fault, in the page's words.
    Fault(String),
}

/// A node's role from `from` until its next span (or the frontier).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    pub from: Micros,
    pub step: u64,
    pub role: &'static str,
}

#[derive(Clone, Debug, Default)]
pub struct History {
    /// By message id, so by send.
    pub arrows: VecDeque<Arrow>,
    /// Client writes and answers, in step order.
    pub clients: VecDeque<Arrow>,
    pub marks: VecDeque<Mark>,
    /// Per node, its roles in order.
    pub spans: Vec<VecDeque<Span>>,
    /// Every message label seen, for the diagram's filter.
    pub labels: Vec<&'static str>,
}

/// What one recorded step touched, so the model can look at those nodes' roles.
#[derive(Default)]
pub struct Touched {
    nodes: u64,
    all: bool,
}

impl Touched {
    fn add(&mut self, n: NodeId) {
        if n < 64 {
            self.nodes |= 1 << n;
        } else {
            self.all = true;
        }
    }

    /// Whether node `n`'s role may have changed.
    pub fn has(&self, n: NodeId) -> bool {
        self.all || (n < 64 && self.nodes & (1 << n) != 0)
    }
}

impl History {
    /// A record of a run of `nodes` nodes, whose roles at step 0 are `roles`.
    pub fn new(roles: impl IntoIterator<Item = &'static str>) -> Self {
        let spans = roles.into_iter().map(|role| VecDeque::from([Span { from: 0, step: 0, role }])).collect();
        History { spans, ..History::default() }
    }

    /// Folds in one step's trace events; `describe` puts a fault into words.
    pub fn record<'a>(
        &mut self,
        events: impl Iterator<Item = &'a TraceEvent>,
        describe: impl Fn(&Fault) -> String,
    ) -> Touched {
        let mut touched = Touched::default();
        // An answer to a keep-alive is routine too (a heartbeat's AppendReply).
        let mut answering: Option<(NodeId, NodeId)> = None;
        for ev in events {
            match &ev.kind {
                TraceKind::Send { msg, from, to, label, arrives, copy, routine } => {
                    touched.add(*from);
                    let answer = answering == Some((*from, *to));
                    if !self.labels.contains(label) {
                        self.labels.push(label);
                    }
                    self.push_arrow(Arrow {
                        id: *msg,
                        from: *from,
                        to: *to,
                        label,
                        routine: *routine || answer,
                        copy: *copy,
                        sent: ev.time,
                        sent_step: ev.step,
                        end: End::Flying(*arrives),
                        arrives: *arrives,
                        ended: ev.time,
                        end_step: ev.step,
                    });
                }
                TraceKind::Deliver { msg, from, to, .. } => {
                    touched.add(*to);
                    if self.end(*msg, End::Delivered, ev).is_some_and(|a| a.routine) {
                        answering = Some((*to, *from));
                    }
                }
                TraceKind::Drop { msg, reason, .. } => {
                    self.end(*msg, End::Dropped(*reason), ev);
                }
                TraceKind::Timer { node, label } => {
                    touched.add(*node);
                    self.push_mark(ev, Some(*node), MarkKind::Timer(label.clone()));
                }
                TraceKind::Fault(f) => {
                    touched.all = true;
                    self.push_mark(ev, f.node(), MarkKind::Fault(describe(f)));
                }
                TraceKind::ClientSubmit { node, .. } => {
                    touched.add(*node);
                    self.push_client(ev, CLIENTS, *node, "write");
                }
                TraceKind::ClientReply { node, outcome, .. } => self.push_client(ev, *node, CLIENTS, outcome),
                TraceKind::Note { node, .. } => touched.add(*node),
            }
        }
        touched
    }

    /// Node `n` has role `role` after step `step` at `time`: a new span if it changed.
    pub fn role(&mut self, n: NodeId, role: &'static str, time: Micros, step: u64) {
        let Some(spans) = self.spans.get_mut(usize::from(n)) else { return };
        if spans.back().is_some_and(|s| s.role == role) {
            return;
        }
        if spans.len() == MAX_SPANS {
            spans.pop_front();
        }
        spans.push_back(Span { from: time, step, role });
    }

    /// Forgets everything after step `step`: the run forked there.
    pub fn truncate_after(&mut self, step: u64) {
        while self.arrows.back().is_some_and(|a| a.sent_step > step) {
            self.arrows.pop_back();
        }
        while self.clients.back().is_some_and(|a| a.sent_step > step) {
            self.clients.pop_back();
        }
        // Messages sent before the fork but ended after it are in flight again.
        for a in &mut self.arrows {
            if a.end_step > step {
                a.end = End::Flying(a.arrives);
                a.ended = a.sent;
                a.end_step = a.sent_step;
            }
        }
        while self.marks.back().is_some_and(|m| m.step > step) {
            self.marks.pop_back();
        }
        for spans in &mut self.spans {
            while spans.len() > 1 && spans.back().is_some_and(|s| s.step > step) {
                spans.pop_back();
            }
        }
    }

    /// The arrow of message `id`, if still kept.
    pub fn arrow(&self, id: u64) -> Option<&Arrow> {
        self.find(id).map(|i| &self.arrows[i])
    }

    fn find(&self, id: u64) -> Option<usize> {
        let i = self.arrows.partition_point(|a| a.id < id);
        (self.arrows.get(i)?.id == id).then_some(i)
    }

    fn end(&mut self, id: u64, end: End, ev: &TraceEvent) -> Option<&Arrow> {
        let i = self.find(id)?;
        let a = &mut self.arrows[i];
        a.end = end;
        a.ended = ev.time;
        a.end_step = ev.step;
        Some(a)
    }

    fn push_arrow(&mut self, a: Arrow) {
        if self.arrows.len() == MAX_ARROWS {
            self.arrows.pop_front();
        }
        self.arrows.push_back(a);
    }

    fn push_client(&mut self, ev: &TraceEvent, from: NodeId, to: NodeId, label: &'static str) {
        if self.clients.len() == MAX_MARKS {
            self.clients.pop_front();
        }
        self.clients.push_back(Arrow {
            id: 0,
            from,
            to,
            label,
            routine: false,
            copy: false,
            sent: ev.time,
            sent_step: ev.step,
            end: End::Delivered,
            arrives: ev.time,
            ended: ev.time,
            end_step: ev.step,
        });
    }

    fn push_mark(&mut self, ev: &TraceEvent, node: Option<NodeId>, kind: MarkKind) {
        if self.marks.len() == MAX_MARKS {
            self.marks.pop_front();
        }
        self.marks.push_back(Mark { time: ev.time, step: ev.step, node, kind });
    }
}
