//! The seeded discrete-event simulator.
//!
//! One queue of future events ordered by `(time, class, sequence)`; `step()` takes exactly one,
//! applies it, runs the invariant checker and returns the trace events it produced. Faults
//! scheduled for an instant run before anything else due at that instant, so a fault a user
//! clicked at time `t` replays from a URL in exactly the same place (see [`Sim::inject`]).

pub mod fault;
pub mod network;
pub mod queue;
pub mod requests;
pub mod rng;
mod steer;
pub mod swarm;
pub mod trace;
pub mod travel;

#[cfg(test)]
mod tests;

use crate::client::{Reply, Service};
use crate::cluster::{Armed, Cluster};
use crate::invariant::{Checker, Violation};
use crate::protocol::{Describe, Effect, Effects, Event, Micros, NodeId, Protocol, MS, SEC};
use fault::{Fault, Scheduled};
use network::{NetConfig, Network};
use queue::EventQueue;
use requests::Requests;
use rng::SimRng;
use serde::Serialize;
use trace::{DropReason, Trace, TraceEvent, TraceKind};

/// How many trace events a violation report carries.
pub const VIOLATION_CONTEXT: usize = 24;

/// Client writes kept for statistics: beyond this many, the oldest are forgotten once finished,
/// so a page left running for hours does not grow without bound. (Beyond twice as many the
/// oldest is forgotten even unfinished, and its client stops retrying: see [`requests`].)
pub const MAX_TRACKED_REQUESTS: usize = 100_000;

/// Everything a run needs besides the protocol's own configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimConfig {
    pub seed: u64,
    pub net: NetConfig,
    /// Client writes per simulated second (0 = none); spread evenly, targets drawn at random.
    pub write_rate: u32,
    /// A client gives up on a silent node after this long and tries another.
    pub client_timeout: Micros,
    pub script: Vec<Scheduled>,
    /// How many recent trace events to keep (the hash always covers all).
    pub keep_trace: usize,
    /// How many client writes to keep track of (see [`MAX_TRACKED_REQUESTS`]).
    pub max_requests: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 1,
            net: NetConfig::default(),
            write_rate: 0,
            client_timeout: SEC,
            script: Vec::new(),
            keep_trace: trace::TRACE_KEEP,
            max_requests: MAX_TRACKED_REQUESTS,
        }
    }
}

/// A message on the wire.
#[derive(Clone, Debug, Serialize)]
#[serde(bound = "")]
pub struct Flight<P: Protocol> {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub msg: P::Msg,
    pub sent_at: Micros,
    pub arrives: Micros,
    /// Decided at send time; the message still flies so the page can show it vanish.
    pub lost: bool,
    /// The link was cut when it left; it is dropped on arrival even if the cut has healed.
    pub cut_at_send: bool,
    /// The receiver's incarnation when it took the message into its inbox while paused. A crash
    /// before the pause ends loses it, as it loses everything else volatile.
    pub held_for: Option<u32>,
}

/// One client write and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Request {
    pub id: u64,
    pub key: u8,
    pub value: u32,
    /// The node the client will talk to next.
    pub target: NodeId,
    pub attempt: u32,
    pub submitted: Micros,
    pub accepted: Option<Micros>,
    pub committed: Option<Micros>,
    /// The service decided without this write; the client stopped retrying.
    pub rejected: Option<Micros>,
}

impl Request {
    /// Committed or rejected: the client will not try again.
    pub fn is_done(&self) -> bool {
        self.committed.is_some() || self.rejected.is_some()
    }
}

/// The trace events one step recorded, read from the trace's window rather than copied out.
pub struct Recorded<'a> {
    trace: &'a Trace,
    n: usize,
}

impl<'a> Recorded<'a> {
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &'a TraceEvent> + ExactSizeIterator {
        self.trace.latest(self.n)
    }
}

impl<'a> IntoIterator for Recorded<'a> {
    type Item = &'a TraceEvent;
    type IntoIter = std::collections::vec_deque::Iter<'a, TraceEvent>;
    fn into_iter(self) -> Self::IntoIter {
        self.trace.latest(self.n)
    }
}

#[derive(Clone)]
enum Item<P: Protocol> {
    Fault(Fault),
    Deliver(Flight<P>),
    Timer {
        node: NodeId,
        timer: P::Timer,
        token: u64,
    },
    /// The client sends request `req` to its current target.
    Submit {
        req: u64,
    },
    ClientTimeout {
        req: u64,
        attempt: u32,
    },
    Workload,
}

impl<P: Protocol> Item<P> {
    /// Faults first, so a clicked fault and its replay land in the same place.
    fn class(&self) -> u8 {
        match self {
            Item::Fault(_) => 0,
            _ => 1,
        }
    }

    /// The node whose pause delays this item.
    fn node(&self, requests: &Requests) -> Option<NodeId> {
        match self {
            Item::Deliver(f) => Some(f.to),
            Item::Timer { node, .. } => Some(*node),
            Item::Submit { req } => requests.get(*req).map(|r| r.target),
            _ => None,
        }
    }
}

/// A simulated cluster running protocol `P`.
pub struct Sim<P: Service>
where
    P::Msg: Describe,
{
    cluster: Cluster<P>,
    net: Network,
    rng: SimRng,
    queue: EventQueue<Item<P>>,
    seq: u64,
    now: Micros,
    steps: u64,
    next_msg: u64,
    next_token: u64,
    write_interval: Option<Micros>,
    client_timeout: Micros,
    requests: Requests,
    trace: Trace,
    /// Trace events recorded by the step in progress (or the last one).
    recorded: usize,
    /// The effects buffer, kept between steps for its capacity.
    spare: Vec<Effect<P>>,
    checker: Option<Box<dyn Checker<P>>>,
    violation: Option<Violation>,
    /// Steered ([`Fault::Steer`]): only faults and explicit steps happen by themselves.
    steered: bool,
    /// What came due while steered, in the order it came due, waiting for a step or the end of
    /// steering.
    held: Vec<(Micros, Item<P>)>,
}

/// A copy of the whole run at this step, checker included: time travel's checkpoint. Stepping
/// the copy gives the same trace as stepping the original.
impl<P: Service> Clone for Sim<P>
where
    P::Msg: Describe,
{
    fn clone(&self) -> Self {
        Sim {
            cluster: self.cluster.clone(),
            net: self.net.clone(),
            rng: self.rng.clone(),
            queue: self.queue.clone(),
            seq: self.seq,
            now: self.now,
            steps: self.steps,
            next_msg: self.next_msg,
            next_token: self.next_token,
            write_interval: self.write_interval,
            client_timeout: self.client_timeout,
            requests: self.requests.clone(),
            trace: self.trace.clone(),
            recorded: self.recorded,
            spare: Vec::new(),
            checker: self.checker.as_ref().map(|c| c.clone_box()),
            violation: self.violation.clone(),
            steered: self.steered,
            held: self.held.clone(),
        }
    }
}

impl<P: Service> Sim<P>
where
    P::Msg: Describe,
{
    /// Boots the cluster at time 0 and queues the script and the workload.
    pub fn new(protocol: P, config: SimConfig) -> Self {
        let (cluster, boot) = Cluster::boot(protocol);
        let mut sim = Sim {
            cluster,
            net: Network::new(config.net),
            rng: SimRng::new(config.seed),
            queue: EventQueue::default(),
            seq: 0,
            now: 0,
            steps: 0,
            next_msg: 0,
            next_token: 0,
            write_interval: (config.write_rate > 0).then(|| (SEC / u64::from(config.write_rate)).max(1)),
            client_timeout: config.client_timeout.max(MS),
            requests: Requests::new(config.max_requests),
            trace: Trace::with_capacity(config.keep_trace),
            recorded: 0,
            spare: Vec::new(),
            checker: None,
            violation: None,
            steered: false,
            held: Vec::new(),
        };
        for s in config.script {
            sim.push(s.at, Item::Fault(s.fault));
        }
        for (id, out) in boot.into_iter().enumerate() {
            sim.apply_effects(id as NodeId, out.0);
        }
        if let Some(i) = sim.write_interval {
            sim.push(i, Item::Workload);
        }
        sim.settle();
        sim
    }

    /// Installs an invariant checker, run after every step from now on.
    pub fn with_checker(mut self, checker: impl Checker<P> + 'static) -> Self {
        self.checker = Some(Box::new(checker));
        self
    }

    /// A copy of the installed checker, with what it has seen (the exhaustive search starts from
    /// here with it).
    pub fn checker_box(&self) -> Option<Box<dyn Checker<P>>> {
        self.checker.as_ref().map(|c| c.clone_box())
    }

    /// The installed checker, if it is a `C` (for views of what it has recorded).
    pub fn checker_as<C: 'static>(&self) -> Option<&C> {
        self.checker.as_deref().and_then(|c| c.as_any().downcast_ref::<C>())
    }

    pub fn now(&self) -> Micros {
        self.now
    }
    pub fn steps(&self) -> u64 {
        self.steps
    }
    pub fn cluster(&self) -> &Cluster<P> {
        &self.cluster
    }
    pub fn network(&self) -> &Network {
        &self.net
    }
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
    /// Keeps only the newest `n` events of the trace window (see [`Trace::trim`]).
    pub fn trim_trace(&mut self, n: usize) {
        self.trace.trim(n);
    }
    pub fn violation(&self) -> Option<&Violation> {
        self.violation.as_ref()
    }
    /// Client writes, oldest first (at most `max_requests` of them, dropping old finished ones).
    pub fn requests(&self) -> impl DoubleEndedIterator<Item = &Request> {
        self.requests.iter()
    }

    /// Client writes submitted so far, including forgotten ones.
    pub fn requests_submitted(&self) -> u64 {
        self.requests.submitted()
    }

    /// The time of the next queued event, if any.
    pub fn next_time(&self) -> Option<Micros> {
        self.queue.next_time()
    }

    /// Messages on the wire, oldest first (in a steered run, those waiting to be delivered too).
    pub fn in_flight(&self) -> Vec<&Flight<P>> {
        let mut v: Vec<_> = self
            .queue
            .iter()
            .chain(self.held.iter().map(|(_, item)| item))
            .filter_map(|item| match item {
                Item::Deliver(f) => Some(f),
                _ => None,
            })
            .collect();
        crate::compact::sort_by_u64(&mut v, |f| f.id);
        v
    }

    /// Schedules a fault one microsecond after the current instant: after everything already
    /// processed, before anything else due then. A URL that records it at that instant replays
    /// the same run. Returns the instant.
    pub fn inject(&mut self, fault: Fault) -> Micros {
        self.inject_at(self.now + 1, fault)
    }

    /// [`Sim::inject`] at `at`, or one microsecond from now if `at` is not later than now (a
    /// page rounds its clicks to a whole millisecond, so a shared URL reads `@2.001s`).
    pub fn inject_at(&mut self, at: Micros, fault: Fault) -> Micros {
        let at = at.max(self.now + 1);
        self.push(at, Item::Fault(fault));
        at
    }

    /// Forgets the scheduled faults due after `t`: the run forked at `t` (a fault clicked in the
    /// past cuts the script there). Returns how many went.
    pub fn cancel_faults_after(&mut self, t: Micros) -> usize {
        let before = self.queue.len();
        self.queue.retain(|at, item| at <= t || !matches!(item, Item::Fault(_)));
        before - self.queue.len()
    }

    /// Processes every event due at or before `t`, then moves the clock to `t`. Stops early on a
    /// violation. Returns the number of steps taken.
    pub fn run_until(&mut self, t: Micros) -> u64 {
        let mut n = 0;
        while self.step_until(t).is_some() {
            n += 1;
        }
        if self.violation.is_none() {
            self.now = self.now.max(t);
        }
        n
    }

    /// Processes one event; returns the trace events it produced (as many as the trace keeps),
    /// or `None` when the queue is empty or a violation has stopped the run.
    pub fn step(&mut self) -> Option<Recorded<'_>> {
        self.step_until(Micros::MAX)
    }

    /// [`Sim::step`], if an event is due at or before `limit`. (An event for a paused node goes
    /// back in the queue for the end of the pause, so `next_time` can be earlier than the event
    /// `step` then processes.)
    pub fn step_until(&mut self, limit: Micros) -> Option<Recorded<'_>> {
        loop {
            if self.violation.is_some() || self.next_time()? > limit {
                return None;
            }
            let (at, item) = self.queue.pop()?;
            self.now = self.now.max(at);
            self.cluster.now = self.now;
            if self.steered && !matches!(item, Item::Fault(_)) {
                self.held.push((at, item));
                self.settle();
                continue;
            }
            if let Some(n) = item.node(&self.requests) {
                let node = &mut self.cluster.nodes[n as usize];
                if let Some(until) = node.paused_until {
                    if until > self.now {
                        let mut item = item;
                        match &mut item {
                            Item::Deliver(f) => {
                                f.held_for.get_or_insert(node.incarnation);
                            }
                            Item::Timer { timer, .. } => {
                                if let Some(a) = node.timers.get_mut(timer) {
                                    a.entry_at = until;
                                }
                            }
                            _ => {}
                        }
                        self.push(until, item);
                        self.settle();
                        continue;
                    }
                    node.paused_until = None;
                }
            }
            self.steps += 1;
            self.recorded = 0;
            let touched = self.process(item);
            self.check(touched);
            self.settle();
            return Some(Recorded { trace: &self.trace, n: self.recorded });
        }
    }

    /// Clears the head of the queue of events that stand for nothing: a timer cancelled,
    /// re-armed sooner or lost in a crash, or one that came due before its deadline moved on
    /// (queued again for the deadline; see [`Armed`]), and a client timeout for an attempt that
    /// was answered or abandoned. They take no step, so after this `next_time` is the time of an
    /// event that does something. What makes an entry void cannot be undone later, so clearing
    /// it early changes no run.
    fn settle(&mut self) {
        loop {
            let (at, node, timer, token) = match self.queue.peek() {
                Some((at, Item::Timer { node, timer, token })) => (at, node, timer, token),
                Some((_, Item::ClientTimeout { req, attempt })) => {
                    // The client heard back, or already moved on to another node.
                    let live = self.requests.get(*req).is_some_and(|r| !r.is_done() && r.attempt == *attempt);
                    if live {
                        return;
                    }
                    self.queue.pop();
                    continue;
                }
                _ => return,
            };
            let armed = self.cluster.nodes[*node as usize].timers.get_mut(timer);
            match armed {
                Some(a) if a.entry == *token => {
                    if a.at <= at {
                        return;
                    }
                    a.entry_at = a.at;
                    let (due, seq) = (a.at, a.seq);
                    let (_, item) = self.queue.pop().expect("peeked");
                    self.queue.push(due, item.class(), seq, item);
                }
                _ => {
                    self.queue.pop();
                }
            }
        }
    }

    /// Arms `timer` of node `id` to fire after `local` on the node's own clock.
    fn arm_after(&mut self, id: NodeId, timer: P::Timer, local: Micros) {
        let at = self.now + self.cluster.nodes[id as usize].clock.true_delay(local);
        self.arm(id, timer, at);
    }

    /// Arms (or re-arms) `timer` of node `id` to fire at `at`.
    fn arm(&mut self, id: NodeId, timer: P::Timer, at: Micros) {
        self.seq += 1;
        let seq = self.seq;
        let timers = &mut self.cluster.nodes[id as usize].timers;
        if let Some(a) = timers.get_mut(&timer) {
            if a.entry_at < at {
                // Its queued event comes due first and moves on to `at` then.
                a.at = at;
                a.seq = seq;
                return;
            }
        }
        self.next_token += 1;
        let token = self.next_token;
        timers.insert(timer.clone(), Armed { at, seq, entry: token, entry_at: at });
        self.queue.push(at, 1, seq, Item::Timer { node: id, timer, token });
    }

    fn process(&mut self, item: Item<P>) -> Option<NodeId> {
        match item {
            Item::Fault(f) => self.apply_fault(f),
            Item::Deliver(f) => self.deliver(f),
            Item::Timer { node, timer, token } => {
                // `settle` let through only live timers at their deadline.
                let armed = self.cluster.nodes[node as usize].timers.remove(&timer);
                debug_assert!(armed.is_some_and(|a| a.entry == token && a.at <= self.now));
                self.record(TraceKind::Timer { node, label: format!("{timer:?}") });
                self.run_handler(node, Event::Timer(timer));
                Some(node)
            }
            Item::Submit { req } => self.submit(req),
            Item::ClientTimeout { req, attempt } => {
                // `settle` let through only the timeout of a live attempt.
                let n = self.cluster.len() as u64;
                let hop = 1 + self.rng.below(n.saturating_sub(1).max(1));
                if let Some(r) = self.requests.get_mut(req) {
                    debug_assert!(!r.is_done() && r.attempt == attempt);
                    r.attempt += 1;
                    r.target = ((u64::from(r.target) + hop) % n) as NodeId;
                    self.push(self.now, Item::Submit { req });
                }
                None
            }
            Item::Workload => {
                let n = self.cluster.len() as u64;
                let target = self.rng.below(n) as NodeId;
                let req = self.new_request(target);
                self.push(self.now, Item::Submit { req });
                if let Some(i) = self.write_interval {
                    self.push(self.now + i, Item::Workload);
                }
                None
            }
        }
    }

    /// The node a leader-targeted fault hits: the lowest-id node that believes it leads (the
    /// protocol exposes leadership only through `is_leader`, so a stale leader can be picked).
    fn leader(&self) -> Option<NodeId> {
        let p = &self.cluster.protocol;
        self.cluster
            .nodes
            .iter()
            .position(|n| n.state.as_ref().is_some_and(|s| p.is_leader(s)))
            .map(|i| i as NodeId)
    }

    fn apply_fault(&mut self, f: Fault) -> Option<NodeId> {
        let f = match f {
            Fault::IsolateLeader => match self.leader() {
                Some(l) => {
                    Fault::Partition(vec![(0..self.cluster.len() as NodeId).filter(|&x| x != l).collect()])
                }
                None => return None,
            },
            Fault::CrashLeader => match self.leader() {
                Some(l) => Fault::Crash(l),
                None => return None,
            },
            f => f,
        };
        let n = self.cluster.len();
        let valid = f.node().is_none_or(|x| (x as usize) < n);
        if !valid {
            return None;
        }
        self.record(TraceKind::Fault(f.clone()));
        match f {
            Fault::Crash(x) => {
                self.cluster.crash(x);
                Some(x)
            }
            Fault::Restart(x) => {
                let out = self.cluster.restart(x);
                self.apply_effects_opt(x, out);
                Some(x)
            }
            Fault::Pause(x, d) => {
                if self.cluster.nodes[x as usize].is_up() {
                    let until = self.now.saturating_add(d);
                    let p = &mut self.cluster.nodes[x as usize].paused_until;
                    *p = Some(p.unwrap_or(0).max(until));
                }
                None
            }
            Fault::Partition(groups) => {
                self.net.partition(n, &groups);
                None
            }
            Fault::Cut(a, b) => {
                self.net.cut(a, b);
                None
            }
            Fault::Mend(a, b) => {
                self.net.mend(a, b);
                None
            }
            Fault::Heal => {
                self.net.heal();
                None
            }
            Fault::SetLoss(p) => {
                self.net.config.loss_ppm = p.min(network::PPM);
                None
            }
            Fault::SetDup(p) => {
                self.net.config.dup_ppm = p.min(network::PPM);
                None
            }
            Fault::SetLatency(lo, hi) => {
                self.net.config.latency_min = lo.min(hi);
                self.net.config.latency_max = hi.max(lo);
                None
            }
            Fault::Write(x) if self.steered => {
                // Handed over now: a steered client takes no step by itself.
                let req = self.new_request(x);
                self.submit(req)
            }
            Fault::Write(x) => {
                let req = self.new_request(x);
                self.push(self.now, Item::Submit { req });
                None
            }
            Fault::ClockDrift(x, ppm) => {
                self.set_drift(x, ppm);
                Some(x)
            }
            Fault::Degrade(x, how) => {
                let out = self.cluster.degrade(x, how);
                self.apply_effects_opt(x, out);
                Some(x)
            }
            Fault::Steer(on) => {
                self.steer(on);
                None
            }
            Fault::Deliver(id) => self.take_flight(id).and_then(|f| self.deliver(f)),
            Fault::Lose(id) => {
                if let Some(f) = self.take_flight(id) {
                    let label = f.msg.label();
                    let (msg, from, to) = (f.id, f.from, f.to);
                    self.record(TraceKind::Drop { msg, from, to, label, reason: DropReason::Lost });
                }
                None
            }
            Fault::Copy(id) => {
                self.copy_flight(id);
                None
            }
            Fault::Fire(x, k) => self.fire(x, k),
            Fault::IsolateLeader | Fault::CrashLeader => None, // resolved above
        }
    }

    /// Changes a node's clock rate and re-times its armed timers: the local time each still has
    /// to run is kept, and now passes at the new rate.
    fn set_drift(&mut self, x: NodeId, ppm: i32) {
        let now = self.now;
        let node = &mut self.cluster.nodes[x as usize];
        let old = node.clock;
        node.clock.set_rate(now, ppm);
        let clock = node.clock;
        let armed: Vec<(P::Timer, Micros)> =
            node.timers.iter().map(|(t, a)| (t.clone(), old.local(a.at.max(now)) - old.local(now))).collect();
        for (timer, left) in armed {
            self.arm(x, timer, now + clock.true_delay(left));
        }
    }

    fn deliver(&mut self, f: Flight<P>) -> Option<NodeId> {
        let label = f.msg.label();
        let to = &self.cluster.nodes[f.to as usize];
        let reason = if f.lost {
            Some(DropReason::Lost)
        } else if f.cut_at_send || self.net.is_blocked(f.from, f.to) {
            Some(DropReason::Partitioned)
        } else if !to.is_up() {
            Some(DropReason::NodeDown)
        } else if f.held_for.is_some_and(|life| life != to.incarnation) {
            Some(DropReason::Crashed)
        } else {
            None
        };
        if let Some(reason) = reason {
            self.record(TraceKind::Drop { msg: f.id, from: f.from, to: f.to, label, reason });
            return None;
        }
        self.record(TraceKind::Deliver { msg: f.id, from: f.from, to: f.to, label });
        self.run_handler(f.to, Event::Msg { from: f.from, msg: f.msg });
        Some(f.to)
    }

    /// Records a new client write aimed at `target`; returns its id.
    fn new_request(&mut self, target: NodeId) -> u64 {
        let id = self.requests.submitted();
        self.requests.push(Request {
            id,
            key: (id % 8) as u8,
            value: id as u32,
            target,
            attempt: 0,
            submitted: self.now,
            accepted: None,
            committed: None,
            rejected: None,
        });
        id
    }

    fn submit(&mut self, req: u64) -> Option<NodeId> {
        let r = self.requests.get(req)?;
        if r.is_done() {
            return None;
        }
        let (node, attempt) = (r.target, r.attempt);
        let input = self.cluster.protocol.write(r.id, r.key, r.value);
        self.record(TraceKind::ClientSubmit { req, node });
        self.push(self.now + self.client_timeout, Item::ClientTimeout { req, attempt });
        match self.run_handler(node, Event::Input(input)) {
            true => Some(node),
            false => {
                // Connection refused: the client tries the next node shortly.
                let n = self.cluster.len();
                if let Some(r) = self.requests.get_mut(req) {
                    r.attempt += 1;
                    r.target = ((node as usize + 1) % n) as NodeId;
                }
                self.push(self.now + 20 * MS, Item::Submit { req });
                None
            }
        }
    }

    fn on_reply(&mut self, node: NodeId, reply: Reply) {
        let req = reply.req();
        self.record(TraceKind::ClientReply { req, node, outcome: reply.outcome() });
        let n = self.cluster.len();
        let now = self.now;
        let Some(r) = self.requests.get_mut(req) else {
            return;
        };
        match reply {
            Reply::Accepted { .. } => {
                r.accepted.get_or_insert(now);
            }
            Reply::Committed { .. } => {
                r.accepted.get_or_insert(now);
                r.committed.get_or_insert(now);
            }
            Reply::Rejected { .. } => {
                r.rejected.get_or_insert(now);
            }
            Reply::Redirect { leader, .. } => {
                if r.is_done() || r.target != node {
                    return;
                }
                r.attempt += 1;
                let (target, wait) = match leader {
                    Some(l) if l != node => (l, MS),
                    _ => (((node as usize + 1) % n) as NodeId, 20 * MS),
                };
                r.target = target;
                self.push(now + wait, Item::Submit { req });
            }
        }
    }

    fn apply_effects_opt(&mut self, id: NodeId, out: Option<Effects<P>>) {
        if let Some(out) = out {
            self.apply_effects(id, out.0);
        }
    }

    /// Runs live node `id`'s handler for `event` and applies its effects; false if it is down.
    /// One effects buffer serves every step.
    fn run_handler(&mut self, id: NodeId, event: Event<P>) -> bool {
        let mut out = Effects(std::mem::take(&mut self.spare));
        let up = self.cluster.handle_into(id, self.now, event, &mut out);
        self.apply_effects(id, out.0.drain(..));
        self.spare = out.0;
        up
    }

    fn apply_effects(&mut self, id: NodeId, out: impl IntoIterator<Item = Effect<P>>) {
        for e in out {
            match e {
                Effect::Send { to, msg } => self.send(id, to, msg),
                Effect::SetTimer { timer, after } => {
                    let local = self.rng.range(after);
                    self.arm_after(id, timer, local);
                }
                Effect::SetTimerDrawn { timer, delay } => {
                    let local = self.rng.delay(delay);
                    self.arm_after(id, timer, local);
                }
                Effect::CancelTimer(t) => {
                    self.cluster.nodes[id as usize].timers.remove(&t);
                }
                Effect::Persist(_) => {} // the cluster already stored it
                Effect::Output(o) => {
                    let reply = self.cluster.protocol.reply(&o);
                    self.on_reply(id, reply);
                }
                Effect::Note(o) => self.record(TraceKind::Note { node: id, kind: o.kind, text: o.text }),
            }
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg) {
        if to as usize >= self.cluster.len() {
            return;
        }
        let mut fate = self.net.fate(&mut self.rng);
        if self.steered {
            // Loss and duplication are steps of their own in a steered run.
            (fate.lost, fate.duplicate) = (false, None);
        }
        let cut_at_send = self.net.is_blocked(from, to);
        // The copy is made only when the network duplicates: a message can carry log entries.
        let copy = fate.duplicate.map(|d| (d, msg.clone()));
        self.fly(from, to, msg, fate.delay, fate.lost, cut_at_send, false);
        if let Some(((delay, lost), msg)) = copy {
            self.fly(from, to, msg, delay, lost, cut_at_send, true);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn fly(
        &mut self,
        from: NodeId,
        to: NodeId,
        msg: P::Msg,
        delay: Micros,
        lost: bool,
        cut_at_send: bool,
        copy: bool,
    ) {
        self.next_msg += 1;
        let id = self.next_msg;
        let arrives = self.now + delay;
        self.trace.absorb(&msg);
        let (label, routine) = (msg.label(), msg.routine());
        self.record(TraceKind::Send { msg: id, from, to, label, arrives, copy, routine });
        let flight =
            Flight { id, from, to, msg, sent_at: self.now, arrives, lost, cut_at_send, held_for: None };
        self.push(arrives, Item::Deliver(flight));
    }

    fn push(&mut self, at: Micros, item: Item<P>) {
        self.seq += 1;
        let class = item.class();
        self.queue.push(at, class, self.seq, item);
    }

    fn record(&mut self, kind: TraceKind) {
        self.recorded += 1;
        self.trace.push(TraceEvent { step: self.steps, time: self.now, kind });
    }

    fn check(&mut self, touched: Option<NodeId>) {
        let Some(checker) = self.checker.as_mut() else {
            return;
        };
        if let Err(b) = checker.check(&self.cluster, touched) {
            let recent = self.trace.recent().rev().take(VIOLATION_CONTEXT).rev().cloned().collect();
            self.violation = Some(Violation {
                invariant: b.invariant,
                detail: b.detail,
                step: self.steps,
                time: self.now,
                recent,
            });
        }
    }
}
