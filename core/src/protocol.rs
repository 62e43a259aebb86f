//! The protocol contract: a protocol is pure data plus a pure handler.
//!
//! Every protocol (Raft, Paxos, ...) is driven the same way by the simulator, the tests and the
//! browser: the driver hands an [`Event`] to [`Protocol::handle`], which mutates the node's state
//! and pushes [`Effect`]s as data. The handler never sleeps, never reads a clock and never draws a
//! random number: timers carry a *range*, and the driver picks the instant. That is what makes a
//! run reproducible from its seed on any platform.

use serde::Serialize;
use std::fmt::Debug;
use std::hash::Hash;
use std::ops::RangeInclusive;

/// A node's index in the cluster, `0..n`; URLs, notes and pictures all use it as is.
pub type NodeId = u8;

/// Microseconds. Virtual time in the simulator and local clock readings in protocols.
pub type Micros = u64;

/// One millisecond in [`Micros`].
pub const MS: Micros = 1_000;
/// One second in [`Micros`].
pub const SEC: Micros = 1_000_000;

/// A replicated protocol as a deterministic state machine.
///
/// `&self` is the configuration (cluster size, timeouts, bug switches); everything that changes
/// lives in [`Protocol::State`].
pub trait Protocol: Sized + Clone + 'static {
    /// A message between nodes.
    type Msg: Clone + Debug + Eq + Hash + Serialize;
    /// A timer's name; arming a timer that is already armed re-arms it.
    type Timer: Clone + Debug + Eq + Ord + Hash + Serialize;
    /// Everything a live node knows. BTreeMap/Vec only, so iteration order is deterministic.
    type State: Clone + Debug + Eq + Hash + Serialize;
    /// What survives a crash: stable storage, as the node's [`Effect::Persist`] writes left it,
    /// handed back to `init` on restart.
    type Durable: Clone + Debug + Eq + Hash + Serialize;
    /// One write to stable storage. It carries what the step changed (as etcd/raft's `Ready`
    /// carries the hard state and the entries appended), not the whole store, so persisting costs
    /// the same in the first second of a run and the tenth minute.
    type Write: Clone + Debug + Eq + Hash + Serialize;
    /// A client request.
    type Input: Clone + Debug + Eq + Hash + Serialize;
    /// A reply to a client.
    type Output: Clone + Debug + Eq + Hash + Serialize;

    /// The number of nodes this configuration describes.
    fn nodes(&self) -> usize;

    /// Whether this node currently believes it leads; lets leader-targeted faults
    /// ([`crate::sim::fault::Fault::IsolateLeader`]) find their victim. Leaderless protocols keep
    /// the default.
    fn is_leader(&self, _state: &Self::State) -> bool {
        false
    }

    /// Applies a write to a node's stable storage (`None` before its first write). The driver
    /// calls it for every [`Effect::Persist`], in order.
    fn store(&self, durable: &mut Option<Self::Durable>, write: &Self::Write);

    /// Builds a node's state at boot (`restored == None`) or after a crash.
    fn init(&self, id: NodeId, restored: Option<&Self::Durable>, out: &mut Effects<Self>) -> Self::State;

    /// Applies an operator's [`Degrade`] fault to a live node (the service lab's backends turn
    /// slow or fail fast); protocols without such a notion ignore it.
    fn degrade(&self, _id: NodeId, _state: &mut Self::State, _how: Degrade, _out: &mut Effects<Self>) {}

    /// Reacts to one event at the node's local time `now`.
    fn handle(
        &self,
        id: NodeId,
        now: Micros,
        state: &mut Self::State,
        event: Event<Self>,
        out: &mut Effects<Self>,
    );
}

/// What a driver hands to [`Protocol::handle`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(bound = "")]
pub enum Event<P: Protocol> {
    Msg { from: NodeId, msg: P::Msg },
    Timer(P::Timer),
    Input(P::Input),
}

/// What a handler asks the driver to do. Effects are applied in order, so a `Persist` pushed
/// before a `Send` is durable before the message leaves.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(bound = "")]
pub enum Effect<P: Protocol> {
    Send {
        to: NodeId,
        msg: P::Msg,
    },
    SetTimer {
        timer: P::Timer,
        after: RangeInclusive<Micros>,
    },
    /// A timer whose delay the driver draws from a distribution: a service time, the gap to
    /// the next arrival of a Poisson stream. The protocol still never sees the RNG.
    SetTimerDrawn {
        timer: P::Timer,
        delay: Delay,
    },
    CancelTimer(P::Timer),
    Persist(P::Write),
    Output(P::Output),
    Note(Observation),
}

/// How a [`crate::sim::fault::Fault::Degrade`] changes a node that stays up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub enum Degrade {
    /// Serves, this many times slower.
    Slow(u16),
    /// Answers every request at once with an error.
    FailFast,
    /// Back to normal.
    Recover,
}

/// A random delay the driver draws, in the node's local time. Parameters are integers so that
/// effects stay `Eq + Hash`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Delay {
    /// Exactly this long.
    Constant(Micros),
    /// Exponential with this mean (memoryless: Poisson arrivals, M/M/c service).
    Exponential { mean: Micros },
    /// Log-normal with this mean and shape `sigma` in thousandths (heavy-tailed service times).
    LogNormal { mean: Micros, sigma_milli: u32 },
}

impl Delay {
    /// The mean of the distribution.
    pub fn mean(self) -> Micros {
        match self {
            Delay::Constant(mean) | Delay::Exponential { mean } | Delay::LogNormal { mean, .. } => mean,
        }
    }
}

/// A protocol-level fact for the trace and the notes feed ("node 3 became leader of term 4").
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Observation {
    pub kind: NoteKind,
    pub text: crate::msg::Msg,
}

/// Lets the UI style notes without parsing their text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum NoteKind {
    Role,
    Commit,
    Client,
    Info,
}

/// The effects one `handle` call produced, in order.
#[derive(Debug)]
pub struct Effects<P: Protocol>(pub Vec<Effect<P>>);

impl<P: Protocol> Default for Effects<P> {
    fn default() -> Self {
        Effects(Vec::new())
    }
}

impl<P: Protocol> Effects<P> {
    pub fn send(&mut self, to: NodeId, msg: P::Msg) {
        self.0.push(Effect::Send { to, msg });
    }
    pub fn set_timer(&mut self, timer: P::Timer, after: RangeInclusive<Micros>) {
        self.0.push(Effect::SetTimer { timer, after });
    }
    pub fn set_timer_drawn(&mut self, timer: P::Timer, delay: Delay) {
        self.0.push(Effect::SetTimerDrawn { timer, delay });
    }
    pub fn cancel_timer(&mut self, timer: P::Timer) {
        self.0.push(Effect::CancelTimer(timer));
    }
    pub fn persist(&mut self, write: P::Write) {
        self.0.push(Effect::Persist(write));
    }
    pub fn output(&mut self, out: P::Output) {
        self.0.push(Effect::Output(out));
    }
    pub fn note(&mut self, kind: NoteKind, text: crate::msg::Msg) {
        self.0.push(Effect::Note(Observation { kind, text }));
    }
}

/// A protocol whose messages the UI can name and colour.
pub trait Describe {
    /// A short label such as `"AppendEntries"`.
    fn label(&self) -> &'static str;
    /// A longer, human readable description.
    fn detail(&self) -> crate::msg::Msg;
    /// A keep-alive that carries nothing new (a heartbeat, a lease renewal, a health check):
    /// the space-time diagram can hide them.
    fn routine(&self) -> bool {
        false
    }
}
