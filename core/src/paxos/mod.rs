//! Paxos, after Lamport's "Paxos Made Simple" (2001): single-decree Paxos (§2) and the
//! Multi-Paxos state machine of §3, on the same contract and simulator as Raft.
//!
//! Every node is an acceptor and a learner; nodes `0..proposers` are also proposers.
//! - Phase 1: a proposer picks a ballot `(round, node)` higher than any it has seen and sends
//!   `Prepare`. An acceptor promises never to accept a lower ballot and reports what it has
//!   accepted (`Promise`), or refuses with the ballot it promised (`Nack`), so the proposer
//!   catches up instead of guessing.
//! - Phase 2: with promises from a majority, the proposer must propose, for each slot, the value
//!   of the highest ballot any of them accepted, and only if there is none a value of its own
//!   (`Accept`). Acceptors accept unless they promised a higher ballot and tell every learner
//!   (`Accepted`). A value is chosen once a majority accepted it in the same ballot.
//! - Multi-Paxos: one distinguished proposer (the leader) runs phase 1 once for every slot from
//!   its first unlearned one, adopts values accepted in open slots, fills every other slot below
//!   the highest in use (reported, or used by itself in an earlier term) with queued writes or
//!   no-ops, and then runs only phase 2 per client command. Heartbeats keep the other proposers
//!   from competing and let lagging learners catch up.
//! - Every node applies the chosen prefix in slot order to a key-value map. A write can be chosen
//!   in two slots (a leader that stands down requeues writes whose fate it does not know), so
//!   application skips a request id it has applied before, as real state machines deduplicate
//!   by client and sequence number.
//!
//! Acceptor state (promise, accepted values) and a proposer's highest round are persisted before
//! any reply leaves the node, as deltas ([`PaxosWrite`]). Acceptors forget accepted values in
//! slots they learned; every `snapshot_every` applied slots a node snapshots its state machine
//! and forgets the learned values it covers, and a node that asks for slots before another's
//! snapshot gets the snapshot (`Msg::Snapshot`, also inside a `Promise`). Retries after a rejection wait a random time (`backoff`); without
//! it two proposers can pre-empt each other for ever, which the page shows.

pub mod config;
pub mod dedup;
pub mod invariants;
#[cfg(test)]
mod tests;

use crate::client::{Reply, Service};
use crate::protocol::{Describe, Effect, Effects, Event, Micros, NodeId, NoteKind, Protocol};
pub use config::{Mode, PaxosBugs, PaxosConfig, PAXOS_BUG_NAMES};
pub use dedup::Dedup;

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

pub type Slot = u64;

/// Ballots are totally ordered by round, then node, so two proposers never share one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Ballot {
    pub round: u64,
    pub node: NodeId,
}

impl fmt::Display for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.round, self.node)
    }
}

/// A ballot in a sentence: "2.1", the same in every language.
impl crate::msg::IntoArg for Ballot {
    fn into_arg(self) -> crate::msg::Arg {
        crate::msg::Arg::Text(self.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Value {
    /// Fills a gap a new leader found in the log.
    Noop,
    /// A client write.
    Put { req: u64, key: u8, value: u32 },
    /// Single-decree: the value a proposer starts with ("proposer 1's value").
    Own(NodeId),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Noop => write!(f, "no-op"),
            Value::Put { key, value, .. } => write!(f, "k{key}={value}"),
            Value::Own(n) => write!(f, "v{n}"),
        }
    }
}

/// A value in a sentence: "k3=7" and "v1" are the same in every language; "no-op" is a word.
impl crate::msg::IntoArg for &Value {
    fn into_arg(self) -> crate::msg::Arg {
        match self {
            Value::Noop => crate::msg::Arg::Msg(crate::msg!("no-op")),
            v => crate::msg::Arg::Text(v.to_string()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Msg {
    Prepare {
        ballot: Ballot,
        from: Slot,
    },
    /// `accepted` covers the open slots from the Prepare's `from`; `decided` the slots below
    /// the acceptor's chosen prefix, whose accepted values it dropped once they were learned.
    Promise {
        ballot: Ballot,
        accepted: Vec<(Slot, Ballot, Value)>,
        decided: Vec<(Slot, Value)>,
        /// The acceptor's snapshot, when the Prepare asked about slots it covers.
        snapshot: Option<PaxosSnapshot>,
    },
    Nack {
        ballot: Ballot,
        promised: Ballot,
    },
    Accept {
        ballot: Ballot,
        slot: Slot,
        value: Value,
    },
    Accepted {
        ballot: Ballot,
        slot: Slot,
        value: Value,
    },
    /// Multi-Paxos leader liveness, with its learned prefix so laggards can ask for more.
    Heartbeat {
        ballot: Ballot,
        chosen: Slot,
    },
    CatchUp {
        from: Slot,
    },
    Decided {
        values: Vec<(Slot, Value)>,
    },
    /// The sender no longer holds the slots asked for: its state machine through them. (Last,
    /// so the other messages keep their discriminants in trace hashes.)
    Snapshot {
        snapshot: PaxosSnapshot,
    },
}

impl Describe for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Prepare { .. } => "Prepare",
            Msg::Promise { .. } => "Promise",
            Msg::Nack { .. } => "Nack",
            Msg::Accept { .. } => "Accept",
            Msg::Accepted { .. } => "Accepted",
            Msg::Heartbeat { .. } => "Heartbeat",
            Msg::CatchUp { .. } => "CatchUp",
            Msg::Decided { .. } => "Decided",
            Msg::Snapshot { .. } => "Snapshot",
        }
    }

    fn routine(&self) -> bool {
        matches!(self, Msg::Heartbeat { .. })
    }

    fn detail(&self) -> crate::msg::Msg {
        match *self {
            Msg::Prepare { ballot, from } => {
                crate::msg!("Prepare ballot {ballot} for slots ≥ {from}", ballot, from)
            }
            Msg::Promise { ballot, ref accepted, ref decided, .. } => crate::msg!(
                "Promise ballot {ballot}, {accepted} accepted and {decided} decided values",
                ballot,
                accepted = accepted.len(),
                decided = decided.len()
            ),
            Msg::Nack { ballot, promised } => {
                crate::msg!("Nack of {ballot}: promised {promised}", ballot, promised)
            }
            Msg::Accept { ballot, slot, ref value } => {
                crate::msg!("Accept {value} in slot {slot}, ballot {ballot}", value, slot, ballot)
            }
            Msg::Accepted { ballot, slot, ref value } => {
                crate::msg!("Accepted {value} in slot {slot}, ballot {ballot}", value, slot, ballot)
            }
            Msg::Heartbeat { ballot, chosen } => {
                crate::msg!("Heartbeat from leader {ballot}, {chosen} chosen", ballot, chosen)
            }
            Msg::CatchUp { from } => crate::msg!("CatchUp from slot {from}", from),
            Msg::Decided { ref values } => crate::msg!("Decided {n} values", n = values.len()),
            Msg::Snapshot { ref snapshot } => {
                crate::msg!("Snapshot of slots 0..{slot}", slot = snapshot.slot)
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Timer {
    /// A proposer's round timed out, or its backoff after a rejection ended.
    Retry,
    /// Multi-Paxos: no heartbeat from a leader for a while.
    LeaderTimeout,
    Heartbeat,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Input {
    Put { req: u64, key: u8, value: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Output {
    Redirect { req: u64, leader: Option<NodeId> },
    Accepted { req: u64, slot: Slot },
    Committed { req: u64, slot: Slot },
    Rejected { req: u64 },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Phase {
    Idle,
    /// Phase 1: promises gathered so far, with what each acceptor reported.
    Preparing {
        ballot: Ballot,
        from: Slot,
        promises: BTreeMap<NodeId, Vec<(Slot, Ballot, Value)>>,
    },
    /// Phase 2 (in Multi-Paxos: the leader).
    Proposing {
        ballot: Ballot,
    },
}

impl Phase {
    pub fn ballot(&self) -> Option<Ballot> {
        match self {
            Phase::Idle => None,
            Phase::Preparing { ballot, .. } | Phase::Proposing { ballot } => Some(*ballot),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Proposer {
    /// Highest round this proposer used or saw; persisted, so a restart never reuses a ballot.
    pub round: u64,
    pub phase: Phase,
    /// Values waiting for a slot.
    pub queue: VecDeque<Value>,
    /// Phase 2 in progress: what this proposer asked to be accepted, per slot.
    pub inflight: BTreeMap<Slot, Value>,
    pub next_slot: Slot,
    /// The `Accept`s sent in the current step, for the checker ("only proposed values").
    pub proposed_now: Vec<(Slot, Ballot, Value)>,
}

/// One node: acceptor, learner and perhaps proposer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PaxosState {
    pub promised: Ballot,
    pub accepted: BTreeMap<Slot, (Ballot, Value)>,
    /// The slot this step accepted a value in, for the checker.
    pub accepted_now: Option<Slot>,
    /// Learned values from the snapshot's slot on.
    pub learned: BTreeMap<Slot, Value>,
    /// The slots this step learned, for the checker and for storage.
    pub learned_now: Vec<Slot>,
    /// The state machine through slot `snapshot.slot` (exclusive).
    pub snapshot: PaxosSnapshot,
    /// Slots `0..chosen_prefix` are all learned.
    pub chosen_prefix: Slot,
    /// Learner's tally of `Accepted` messages per (slot, ballot).
    pub votes: BTreeMap<(Slot, Ballot), (Value, BTreeSet<NodeId>)>,
    pub proposer: Option<Proposer>,
    /// The leader this node last heard from (Multi-Paxos).
    pub leader: Option<NodeId>,
    heard_leader: bool,
    /// Slots `0..applied` have been applied to `kv` (volatile: rebuilt from the snapshot and
    /// `learned`).
    pub applied: Slot,
    /// The replicated key-value map.
    pub kv: BTreeMap<u8, u32>,
    /// Request ids already applied: a write chosen twice is applied once.
    pub done: Dedup,
}

/// A node's state machine after applying slots `0..slot`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PaxosSnapshot {
    pub slot: Slot,
    pub kv: BTreeMap<u8, u32>,
    pub done: Dedup,
}

impl PaxosState {
    pub fn is_leading(&self) -> bool {
        self.proposer.as_ref().is_some_and(|p| matches!(p.phase, Phase::Proposing { .. }))
    }

    /// Whether slot `slot` is known chosen: learned, or covered by the snapshot.
    pub fn knows(&self, slot: Slot) -> bool {
        slot < self.snapshot.slot || self.learned.contains_key(&slot)
    }

    /// What this step changed on stable storage.
    fn write(&self, snapshot: bool) -> PaxosWrite {
        PaxosWrite {
            promised: self.promised,
            accepted: self.accepted_now.and_then(|k| self.accepted.get(&k).map(|(b, v)| (k, *b, v.clone()))),
            learned: self
                .learned_now
                .iter()
                .filter_map(|k| Some((*k, self.learned.get(k)?.clone())))
                .collect(),
            forget_below: self.chosen_prefix,
            round: self.proposer.as_ref().map_or(0, |p| p.round),
            snapshot: snapshot.then(|| self.snapshot.clone()),
        }
    }

    /// Loads a snapshot that reaches past what this node applied.
    fn install(&mut self, snap: PaxosSnapshot) {
        if snap.slot <= self.applied {
            return;
        }
        self.learned = self.learned.split_off(&snap.slot);
        self.kv = snap.kv.clone();
        self.done = snap.done.clone();
        self.applied = snap.slot;
        self.chosen_prefix = prefix(&self.learned, self.chosen_prefix.max(snap.slot));
        self.snapshot = snap;
        self.apply();
        self.compact();
        let (floor, done) = (self.snapshot.slot, &self.done);
        if let Some(p) = self.proposer.as_mut() {
            // Slots the snapshot covers are decided; our writes there need new slots unless
            // they were applied.
            let rest = p.inflight.split_off(&floor);
            for (_, v) in std::mem::replace(&mut p.inflight, rest) {
                if matches!(v, Value::Put { req, .. } if !done.contains(req)) {
                    p.queue.push_back(v);
                }
            }
        }
    }

    /// An acceptor forgets what it accepted in slots it has learned are chosen: a later
    /// `Prepare` for them is answered with the decided value instead (`Promise::decided`).
    fn compact(&mut self) {
        while self.accepted.first_key_value().is_some_and(|(k, _)| *k < self.chosen_prefix) {
            self.accepted.pop_first();
        }
    }
}

/// One step's write to stable storage: the promise and round, the value accepted in this step,
/// the slots learned in it, and the chosen prefix below which accepted values are dropped.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PaxosWrite {
    pub promised: Ballot,
    pub accepted: Option<(Slot, Ballot, Value)>,
    pub learned: Vec<(Slot, Value)>,
    pub forget_below: Slot,
    pub round: u64,
    pub snapshot: Option<PaxosSnapshot>,
}

/// Survives a crash: the acceptor's promise and accepted values, what was learned, and the
/// proposer's highest round.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PaxosDurable {
    pub promised: Ballot,
    pub accepted: BTreeMap<Slot, (Ballot, Value)>,
    pub learned: BTreeMap<Slot, Value>,
    pub round: u64,
    pub snapshot: PaxosSnapshot,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Paxos {
    pub config: PaxosConfig,
}

type Out = Effects<Paxos>;

impl Protocol for Paxos {
    type Msg = Msg;
    type Timer = Timer;
    type State = PaxosState;
    type Durable = PaxosDurable;
    type Write = PaxosWrite;
    type Input = Input;
    type Output = Output;

    fn nodes(&self) -> usize {
        self.config.nodes
    }

    fn store(&self, durable: &mut Option<PaxosDurable>, w: &PaxosWrite) {
        let d = durable.get_or_insert_with(PaxosDurable::default);
        d.promised = w.promised;
        d.round = w.round;
        if let Some(snap) = &w.snapshot {
            d.learned = d.learned.split_off(&snap.slot);
            d.snapshot = snap.clone();
        }
        if let Some((slot, b, v)) = &w.accepted {
            d.accepted.insert(*slot, (*b, v.clone()));
        }
        d.learned.extend(w.learned.iter().cloned());
        while d.accepted.first_key_value().is_some_and(|(k, _)| *k < w.forget_below) {
            d.accepted.pop_first();
        }
    }

    fn is_leader(&self, s: &PaxosState) -> bool {
        self.config.mode == Mode::Multi && s.is_leading()
    }

    fn init(&self, id: NodeId, restored: Option<&PaxosDurable>, out: &mut Out) -> PaxosState {
        let d = restored.cloned().unwrap_or_default();
        let promised = if self.config.bugs.forget_promise { Ballot::default() } else { d.promised };
        let mut s = PaxosState {
            promised,
            accepted: d.accepted,
            accepted_now: None,
            learned: d.learned,
            learned_now: Vec::new(),
            chosen_prefix: d.snapshot.slot,
            votes: BTreeMap::new(),
            proposer: None,
            leader: None,
            heard_leader: false,
            applied: d.snapshot.slot,
            kv: d.snapshot.kv.clone(),
            done: d.snapshot.done.clone(),
            snapshot: d.snapshot,
        };
        s.chosen_prefix = prefix(&s.learned, s.chosen_prefix);
        s.apply();
        if (id as usize) < self.config.proposers {
            let single = self.config.mode == Mode::Single;
            s.proposer = Some(Proposer {
                round: d.round,
                phase: Phase::Idle,
                queue: if single { VecDeque::from([Value::Own(id)]) } else { VecDeque::new() },
                inflight: BTreeMap::new(),
                next_slot: s.chosen_prefix,
                proposed_now: Vec::new(),
            });
            if single {
                if !s.knows(0) {
                    out.set_timer(Timer::Retry, 0..=self.config.retry_min);
                }
            } else {
                self.arm_leader_timeout(out);
            }
        }
        s
    }

    fn handle(&self, id: NodeId, _now: Micros, s: &mut PaxosState, ev: Event<Self>, out: &mut Out) {
        s.accepted_now = None;
        if let Some(p) = s.proposer.as_mut() {
            p.proposed_now.clear();
        }
        s.learned_now.clear();
        let before = (s.promised, s.snapshot.slot, s.proposer.as_ref().map(|p| p.round));
        self.maybe_snapshot(s);
        match ev {
            Event::Msg { from, msg } => self.on_msg(id, s, from, msg, out),
            Event::Timer(t) => self.on_timer(id, s, t, out),
            Event::Input(Input::Put { req, key, value }) => self.on_put(id, s, req, key, value, out),
        }
        let after = (s.promised, s.snapshot.slot, s.proposer.as_ref().map(|p| p.round));
        if before != after || s.accepted_now.is_some() || !s.learned_now.is_empty() {
            out.0.insert(0, Effect::Persist(s.write(before.1 != after.1)));
        }
    }
}

impl PaxosState {
    /// Applies the chosen prefix in slot order, each request id once.
    fn apply(&mut self) {
        while self.applied < self.chosen_prefix {
            if let Some(Value::Put { req, key, value }) = self.learned.get(&self.applied) {
                if self.done.first_time(*req) {
                    self.kv.insert(*key, *value);
                }
            }
            self.applied += 1;
        }
    }
}

/// The first slot at or after `from` that is not learned.
fn prefix(learned: &BTreeMap<Slot, Value>, from: Slot) -> Slot {
    let mut p = from;
    while learned.contains_key(&p) {
        p += 1;
    }
    p
}

impl Paxos {
    pub fn new(config: PaxosConfig) -> Self {
        Paxos { config }
    }

    fn majority(&self) -> usize {
        self.config.nodes / 2 + 1
    }

    fn all(&self) -> impl Iterator<Item = NodeId> {
        0..self.config.nodes as NodeId
    }

    fn broadcast(&self, msg: Msg, out: &mut Out) {
        for n in self.all() {
            out.send(n, msg.clone());
        }
    }

    fn arm_leader_timeout(&self, out: &mut Out) {
        out.set_timer(Timer::LeaderTimeout, self.config.leader_timeout_min..=self.config.leader_timeout_max);
    }

    /// The round timeout, which is also the backoff after a rejection.
    fn arm_retry(&self, out: &mut Out) {
        let c = &self.config;
        let range = if c.backoff { c.retry_min..=c.retry_max } else { c.retry_max..=c.retry_max };
        out.set_timer(Timer::Retry, range);
    }

    /// Every `snapshot_every` applied slots, snapshot the state machine and forget the learned
    /// values it covers. Done at the start of a step, so the checker saw each value learned.
    fn maybe_snapshot(&self, s: &mut PaxosState) {
        let every = self.config.snapshot_every;
        if every > 0 && s.applied - s.snapshot.slot >= every {
            s.learned = s.learned.split_off(&s.applied);
            s.snapshot = PaxosSnapshot { slot: s.applied, kv: s.kv.clone(), done: s.done.clone() };
        }
    }

    fn on_msg(&self, id: NodeId, s: &mut PaxosState, from: NodeId, msg: Msg, out: &mut Out) {
        match msg {
            Msg::Prepare { ballot, from: slot } => self.on_prepare(s, from, ballot, slot, out),
            Msg::Accept { ballot, slot, value } => self.on_accept(s, from, ballot, slot, value, out),
            Msg::Promise { ballot, accepted, decided, snapshot } => {
                // Decided slots are chosen: learn them, so phase 2 leaves them alone.
                if let Some(snap) = snapshot {
                    s.install(snap);
                }
                for (slot, v) in decided {
                    if !s.knows(slot) {
                        self.learn(id, s, slot, v, out);
                    }
                }
                self.on_promise(id, s, from, ballot, accepted, out)
            }
            Msg::Nack { ballot, promised } => self.on_nack(id, s, ballot, promised, out),
            Msg::Accepted { ballot, slot, value } => {
                if !s.knows(slot) {
                    let majority = self.majority();
                    let (v, voters) =
                        s.votes.entry((slot, ballot)).or_insert_with(|| (value, BTreeSet::new()));
                    voters.insert(from);
                    if voters.len() >= majority {
                        let v = v.clone();
                        self.learn(id, s, slot, v, out);
                    }
                }
            }
            Msg::Heartbeat { ballot, chosen } => {
                if ballot < s.promised {
                    out.send(from, Msg::Nack { ballot, promised: s.promised });
                    return;
                }
                s.leader = Some(from);
                s.heard_leader = true;
                if from != id
                    && s.proposer.as_ref().and_then(|p| p.phase.ballot()).is_some_and(|b| b < ballot)
                {
                    self.stand_down(id, s, out);
                }
                if s.chosen_prefix < chosen {
                    out.send(from, Msg::CatchUp { from: s.chosen_prefix });
                }
            }
            Msg::CatchUp { from: slot } => {
                if slot < s.snapshot.slot {
                    out.send(from, Msg::Snapshot { snapshot: s.snapshot.clone() });
                }
                let values: Vec<_> = s
                    .learned
                    .range(slot.max(s.snapshot.slot)..)
                    .take(self.config.max_batch)
                    .map(|(k, v)| (*k, v.clone()))
                    .collect();
                if !values.is_empty() {
                    out.send(from, Msg::Decided { values });
                }
            }
            Msg::Decided { values } => {
                for (slot, v) in values {
                    if !s.knows(slot) {
                        self.learn(id, s, slot, v, out);
                    }
                }
            }
            Msg::Snapshot { snapshot } => s.install(snapshot),
        }
    }

    /// Phase 1b. Promising the same ballot again answers a retransmitted `Prepare`.
    fn on_prepare(&self, s: &mut PaxosState, from: NodeId, ballot: Ballot, slot: Slot, out: &mut Out) {
        if ballot >= s.promised {
            // Tell the proposer we promised before that it has been pre-empted, so it need not
            // wait for its round to time out (an acceptor "informing" a proposer, as Paxos Made
            // Simple suggests). Without backoff this is what makes proposers duel.
            if s.promised != Ballot::default() && s.promised.node != ballot.node && ballot > s.promised {
                out.send(s.promised.node, Msg::Nack { ballot: s.promised, promised: ballot });
            }
            s.promised = ballot;
            let accepted = s.accepted.range(slot..).map(|(k, (b, v))| (*k, *b, v.clone())).collect();
            let known = slot.max(s.snapshot.slot);
            let decided =
                s.learned.range(known..s.chosen_prefix.max(known)).map(|(k, v)| (*k, v.clone())).collect();
            let snapshot = (slot < s.snapshot.slot).then(|| s.snapshot.clone());
            out.send(from, Msg::Promise { ballot, accepted, decided, snapshot });
        } else {
            out.send(from, Msg::Nack { ballot, promised: s.promised });
        }
    }

    /// Phase 2b: accept unless a higher ballot was promised (the `accept_any` bug skips that).
    fn on_accept(
        &self,
        s: &mut PaxosState,
        from: NodeId,
        ballot: Ballot,
        slot: Slot,
        value: Value,
        out: &mut Out,
    ) {
        if ballot < s.promised && !self.config.bugs.accept_any {
            out.send(from, Msg::Nack { ballot, promised: s.promised });
            return;
        }
        s.promised = s.promised.max(ballot);
        s.accepted.insert(slot, (ballot, value.clone()));
        s.accepted_now = Some(slot);
        self.broadcast(Msg::Accepted { ballot, slot, value }, out);
    }

    fn on_promise(
        &self,
        id: NodeId,
        s: &mut PaxosState,
        from: NodeId,
        ballot: Ballot,
        accepted: Vec<(Slot, Ballot, Value)>,
        out: &mut Out,
    ) {
        let majority = self.majority();
        let Some(p) = s.proposer.as_mut() else { return };
        let Phase::Preparing { ballot: mine, from: first, promises } = &mut p.phase else { return };
        if *mine != ballot {
            return;
        }
        promises.insert(from, accepted);
        if promises.len() < majority {
            return;
        }
        // Phase 2a: for each slot, the value of the highest ballot any promise reported.
        let first = *first;
        let mut adopt: BTreeMap<Slot, (Ballot, Value)> = BTreeMap::new();
        for (slot, b, v) in promises.values().flatten() {
            if *slot >= first && adopt.get(slot).is_none_or(|(best, _)| b > best) {
                adopt.insert(*slot, (*b, v.clone()));
            }
        }
        p.phase = Phase::Proposing { ballot };
        let ignore = self.config.bugs.ignore_accepted;
        let mut proposals = Vec::new();
        match self.config.mode {
            Mode::Single => {
                let own = p.queue.front().cloned().unwrap_or(Value::Own(id));
                let v = match adopt.remove(&0) {
                    Some((_, v)) if !ignore => v,
                    _ => own,
                };
                proposals.push((0, v));
            }
            Mode::Multi => {
                // Every slot below the highest in use gets a proposal: the highest any promise
                // reported, and the highest this node used itself when it led before (slots it
                // assigned then may have reached no acceptor of this quorum).
                let reported = adopt.keys().next_back().map_or(first, |t| t + 1);
                let top = reported.max(p.next_slot);
                // A write the quorum already accepted, or this node already applied, needs no
                // second slot.
                p.queue.retain(|q| {
                    let applied = matches!(q, Value::Put { req, .. } if s.done.contains(*req));
                    !applied && !adopt.values().any(|(_, v)| v == q)
                });
                for slot in first..top {
                    if slot < s.snapshot.slot || s.learned.contains_key(&slot) {
                        continue;
                    }
                    let v = match adopt.remove(&slot) {
                        Some((_, v)) if !ignore => v,
                        // A gap, or (bug) a slot whose accepted value we ignore.
                        _ => p.queue.pop_front().unwrap_or(Value::Noop),
                    };
                    proposals.push((slot, v));
                }
                p.next_slot = top.max(s.chosen_prefix);
                while let Some(v) = p.queue.pop_front() {
                    proposals.push((p.next_slot, v));
                    p.next_slot += 1;
                }
                s.leader = Some(id);
                out.note(NoteKind::Role, crate::msg!("node {id} leads with ballot {ballot}", id, ballot));
                out.set_timer(Timer::Heartbeat, self.config.heartbeat..=self.config.heartbeat);
                self.broadcast(Msg::Heartbeat { ballot, chosen: s.chosen_prefix }, out);
            }
        }
        for (slot, v) in proposals {
            self.propose(s, ballot, slot, v, out);
        }
        self.arm_retry(out);
    }

    fn propose(&self, s: &mut PaxosState, ballot: Ballot, slot: Slot, v: Value, out: &mut Out) {
        let Some(p) = s.proposer.as_mut() else { return };
        p.inflight.insert(slot, v.clone());
        p.proposed_now.push((slot, ballot, v.clone()));
        self.broadcast(Msg::Accept { ballot, slot, value: v }, out);
    }

    /// A rejection of our current ballot: remember the higher one and retry, after a random
    /// backoff if it is on, or at once (the duel) if it is off.
    fn on_nack(&self, id: NodeId, s: &mut PaxosState, ballot: Ballot, promised: Ballot, out: &mut Out) {
        let Some(p) = s.proposer.as_mut() else { return };
        if p.phase.ballot() != Some(ballot) || promised <= ballot {
            return;
        }
        p.round = p.round.max(promised.round);
        let was_leading = matches!(p.phase, Phase::Proposing { .. });
        self.stand_down(id, s, out);
        if self.config.mode == Mode::Single || was_leading {
            if self.config.backoff {
                self.arm_retry(out);
            } else {
                self.start_round(id, s, out);
            }
        }
    }

    /// Leaves phase 1 or 2, keeping unfinished values for a later round.
    fn stand_down(&self, id: NodeId, s: &mut PaxosState, out: &mut Out) {
        let Some(p) = s.proposer.as_mut() else { return };
        if matches!(p.phase, Phase::Proposing { .. }) && self.config.mode == Mode::Multi {
            out.note(NoteKind::Role, crate::msg!("node {id} stops leading", id));
            out.cancel_timer(Timer::Heartbeat);
            for (_, v) in std::mem::take(&mut p.inflight) {
                if matches!(v, Value::Put { .. }) {
                    p.queue.push_back(v);
                }
            }
            if s.leader == Some(id) {
                s.leader = None;
            }
        }
        p.phase = Phase::Idle;
    }

    /// Phase 1a with a ballot above everything this node has seen.
    fn start_round(&self, id: NodeId, s: &mut PaxosState, out: &mut Out) {
        let Some(p) = s.proposer.as_mut() else { return };
        if self.config.mode == Mode::Single && (s.snapshot.slot > 0 || s.learned.contains_key(&0)) {
            return;
        }
        p.round = p.round.max(s.promised.round) + 1;
        let ballot = Ballot { round: p.round, node: id };
        let from = if self.config.mode == Mode::Single { 0 } else { s.chosen_prefix };
        p.phase = Phase::Preparing { ballot, from, promises: BTreeMap::new() };
        out.note(NoteKind::Role, crate::msg!("node {id} prepares ballot {ballot}", id, ballot));
        self.broadcast(Msg::Prepare { ballot, from }, out);
        self.arm_retry(out);
    }

    fn on_timer(&self, id: NodeId, s: &mut PaxosState, t: Timer, out: &mut Out) {
        let Some(p) = s.proposer.as_ref() else { return };
        let phase = p.phase.clone();
        let multi = self.config.mode == Mode::Multi;
        match t {
            Timer::Retry => match phase {
                Phase::Proposing { ballot } if multi => {
                    // Resend what is still undecided (lost messages), a few slots at a time.
                    let resend: Vec<_> = p.inflight.iter().take(16).map(|(k, v)| (*k, v.clone())).collect();
                    for (slot, value) in &resend {
                        self.broadcast(Msg::Accept { ballot, slot: *slot, value: value.clone() }, out);
                    }
                    if !resend.is_empty() {
                        self.arm_retry(out);
                    }
                }
                Phase::Idle if multi => {}
                _ => self.start_round(id, s, out),
            },
            Timer::LeaderTimeout => {
                if matches!(phase, Phase::Idle) && !s.heard_leader {
                    s.leader = None;
                    self.start_round(id, s, out);
                }
                s.heard_leader = false;
                self.arm_leader_timeout(out);
            }
            Timer::Heartbeat => {
                if let Phase::Proposing { ballot } = phase {
                    self.broadcast(Msg::Heartbeat { ballot, chosen: s.chosen_prefix }, out);
                    out.set_timer(Timer::Heartbeat, self.config.heartbeat..=self.config.heartbeat);
                }
            }
        }
    }

    fn on_put(&self, id: NodeId, s: &mut PaxosState, req: u64, key: u8, value: u32, out: &mut Out) {
        let v = Value::Put { req, key, value };
        if self.config.mode == Mode::Single {
            match (s.learned.get(&0), s.proposer.as_mut()) {
                (Some(chosen), _) if *chosen == v => out.output(Output::Committed { req, slot: 0 }),
                (Some(_), _) => out.output(Output::Rejected { req }),
                (None, Some(p)) => {
                    // The client's value replaces the proposer's own, unless a round already runs.
                    if p.queue.front() == Some(&Value::Own(id)) {
                        p.queue.clear();
                    }
                    p.queue.push_back(v);
                    out.output(Output::Accepted { req, slot: 0 });
                }
                (None, None) => out.output(Output::Redirect { req, leader: Some(0) }),
            }
            return;
        }
        let ballot = match s.proposer.as_ref().map(|p| &p.phase) {
            Some(Phase::Proposing { ballot }) => *ballot,
            _ => {
                out.output(Output::Redirect { req, leader: s.leader.filter(|l| *l != id) });
                return;
            }
        };
        let Some(p) = s.proposer.as_mut() else { return };
        let slot = p.next_slot.max(s.chosen_prefix);
        p.next_slot = slot + 1;
        // The resend timer runs while anything is in flight. Re-arming it on every write would
        // push it back for ever under a steady stream of writes, and a lost Accept would never
        // be sent again.
        let idle = p.inflight.is_empty();
        out.output(Output::Accepted { req, slot });
        self.propose(s, ballot, slot, v, out);
        if idle {
            self.arm_retry(out);
        }
    }

    fn learn(&self, id: NodeId, s: &mut PaxosState, slot: Slot, v: Value, out: &mut Out) {
        s.learned.insert(slot, v.clone());
        s.learned_now.push(slot);
        s.chosen_prefix = prefix(&s.learned, s.chosen_prefix);
        s.apply();
        s.compact();
        let stale: Vec<_> = s
            .votes
            .range((slot, Ballot::default())..)
            .take_while(|((k, _), _)| *k == slot)
            .map(|(k, _)| *k)
            .collect();
        for k in stale {
            s.votes.remove(&k);
        }
        let single = self.config.mode == Mode::Single;
        let leading = s.is_leading();
        let Some(p) = s.proposer.as_mut() else { return };
        let mine = p.inflight.remove(&slot);
        if let Some(m) = mine.filter(|m| *m != v && matches!(m, Value::Put { .. })) {
            p.queue.push_front(m); // someone else's value won this slot; ours needs another
        }
        if single {
            out.note(NoteKind::Commit, crate::msg!("node {id} learned {v} is chosen", id, v = &v));
            p.phase = Phase::Idle;
            out.cancel_timer(Timer::Retry);
            for q in std::mem::take(&mut p.queue) {
                if let Value::Put { req, .. } = q {
                    out.output(if q == v {
                        Output::Committed { req, slot }
                    } else {
                        Output::Rejected { req }
                    });
                }
            }
            if let Value::Put { req, .. } = v {
                out.output(Output::Committed { req, slot });
            }
            self.broadcast(Msg::Decided { values: vec![(slot, v)] }, out);
            return;
        }
        if leading {
            if let Value::Put { req, .. } = v {
                out.output(Output::Committed { req, slot });
            }
            out.note(NoteKind::Commit, crate::msg!("node {id} learned slot {slot}: {v}", id, slot, v = &v));
            // Values bumped from lost slots get fresh ones.
            let Phase::Proposing { ballot } = p.phase else { return };
            let idle = p.inflight.is_empty();
            let mut again = Vec::new();
            while let Some(q) = p.queue.pop_front() {
                again.push((p.next_slot, q));
                p.next_slot += 1;
            }
            let resend = idle && !again.is_empty();
            for (slot, q) in again {
                self.propose(s, ballot, slot, q, out);
            }
            if resend {
                self.arm_retry(out);
            }
        }
    }
}

impl Service for Paxos {
    fn write(&self, req: u64, key: u8, value: u32) -> Input {
        Input::Put { req, key, value }
    }

    fn reply(&self, out: &Output) -> Reply {
        match *out {
            Output::Redirect { req, leader } => Reply::Redirect { req, leader },
            Output::Accepted { req, .. } => Reply::Accepted { req },
            Output::Committed { req, .. } => Reply::Committed { req },
            Output::Rejected { req } => Reply::Rejected { req },
        }
    }
}

/// What the exhaustive search needs from Paxos: client writes in Multi-Paxos, and a state's
/// fingerprint without `accepted_now`, `learned_now` and `proposed_now`, the notes about the
/// step just taken that every step clears before it handles anything.
impl crate::check::Explore for Paxos {
    fn takes_input(&self) -> bool {
        self.config.mode == Mode::Multi
    }

    fn fingerprint(&self, s: &PaxosState, h: &mut crate::sim::trace::StableHasher) {
        use std::hash::Hash;
        (&s.promised, &s.accepted, &s.learned, &s.snapshot, s.chosen_prefix, &s.votes).hash(h);
        (s.leader, s.heard_leader, s.applied, &s.kv, &s.done).hash(h);
        match &s.proposer {
            Some(p) => (1u8, p.round, &p.phase, &p.queue, &p.inflight, p.next_slot).hash(h),
            None => 0u8.hash(h),
        }
    }
}
