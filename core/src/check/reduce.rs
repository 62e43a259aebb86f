//! Opt-in ways to shrink the search (all off by default, so the default search and its pinned
//! counts stay as they are).
//!
//! **Ordered messages.** With [`Fifo::Inbox`] every node reads its messages in the order they
//! were sent to it, as an actor reads its mailbox; with [`Fifo::Link`] every (from, to) link
//! keeps its order, as TCP and Stateright's ordered network do. Delivering a message that
//! overtakes `k` older ones in its queue costs `k` from [`Bounds::delays`](super::Bounds::delays):
//! delay bounding (Emmi, Qadeer and Rakamarić, POPL 2011), where a deterministic scheduler may
//! be overruled a bounded number of times. Messages to different queues interleave freely;
//! drops, duplicates, timers, crashes and requests are untouched. Every path of this search is
//! a path of the full one, so what it finds is a real schedule and replays without it; it is an
//! under-approximation, blind to a bug that needs more overtakings than the budget. The queues'
//! order now decides the future, so states are told apart by it too ([`Fifo::order_key`]), and
//! by the delays spent.
//!
//! **Partial-order reduction** ([`persistent`]), under [`Fifo::Inbox`] only: where it can, a
//! state is expanded through one node's steps alone, persistent sets in Godefroid's sense. For
//! every path of the ordered search from a state, the reduced search takes a path that is the
//! same up to swapping adjacent steps of different nodes, possibly with steps of its own added:
//! each node sees the same sequence of events and passes through the same states, only the
//! order in which different nodes' steps happen differs. A cycle proviso (in `Search`) keeps a
//! node's steps from postponing the others' for ever. Blind spots:
//! - the invariant checker runs after every step and keeps a history, so the reduction is
//!   complete only for checkers whose verdict does not depend on how concurrent steps of
//!   different nodes interleave. Paxos's checker judges acceptances and proposals as sets, and a
//!   learner can learn only after the acceptances it hears of; Raft's leader completeness,
//!   though, is judged when a leader is checked, against the commits seen so far, so a commit
//!   concurrent with a later term's election is caught only if the commit is taken first, which
//!   the reduced search need not do;
//! - reduced paths are longer (steps are added, not only reordered), so a violation the ordered
//!   search finds within the depth bound may lie beyond it here: give the depth room.
//!
//! Both leave the bug switches they reach with long counterexamples, which
//! [`shrink`](super::shrink) shortens.

use super::world::{Envelope, World};
use super::Step;
use crate::protocol::Protocol;
use crate::sim::trace::StableHasher;
use std::hash::{Hash, Hasher};

/// Which messages in flight keep their order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Fifo {
    /// Any message may arrive next (the default, the whole space).
    #[default]
    Off,
    /// Per (from, to) link.
    Link,
    /// Per receiver: a node's messages from everyone, in the order they were sent.
    Inbox,
}

impl Fifo {
    fn same_queue<P: Protocol>(self, a: &Envelope<P>, b: &Envelope<P>) -> bool {
        match self {
            Fifo::Off => false,
            Fifo::Link => a.from == b.from && a.to == b.to,
            Fifo::Inbox => a.to == b.to,
        }
    }

    /// How many delays `step` costs: the older messages in its queue a delivery overtakes.
    pub(super) fn cost<P: Protocol>(self, net: &[Envelope<P>], step: Step) -> u32 {
        match step {
            Step::Deliver(i) if self != Fifo::Off => {
                let e = &net[i as usize];
                net[..i as usize].iter().filter(|o| self.same_queue(o, e)).count() as u32
            }
            _ => 0,
        }
    }

    /// What a state's key adds to its fingerprint: every queue's order (the multiset is in the
    /// fingerprint already) and the delays spent. `None` when messages have no order.
    pub(super) fn order_key<P: Protocol>(self, world: &World<P>, delays: u32) -> Option<u64> {
        if self == Fifo::Off {
            return None;
        }
        let mut h = StableHasher::default();
        delays.hash(&mut h);
        let hashes: Vec<(u64, u64)> = world
            .net
            .iter()
            .map(|e| {
                let mut q = StableHasher::default();
                match self {
                    Fifo::Link => (e.from, e.to).hash(&mut q),
                    _ => e.to.hash(&mut q),
                }
                let mut m = StableHasher::default();
                e.hash(&mut m);
                (q.finish(), m.finish())
            })
            .collect();
        // Queue by queue, each in send order: a stable sort by queue keeps the send order within.
        let mut by_queue = hashes;
        by_queue.sort_by_key(|&(q, _)| q);
        by_queue.hash(&mut h);
        Some(h.finish())
    }
}

/// The node a step acts on: a message's receiver, or the node named.
fn owner<P: Protocol>(world: &World<P>, step: Step) -> usize {
    match step {
        Step::Deliver(i) | Step::Drop(i) | Step::Duplicate(i) => world.net[i as usize].to as usize,
        Step::Fire(n, _) | Step::Crash(n) | Step::Restart(n) | Step::Input(n) => n as usize,
        Step::Wait => unreachable!("a wait acts on every node; the reduction is off in timed mode"),
    }
}

/// The partial-order reduction ([`Bounds::por`](super::Bounds::por)): a persistent set of
/// `steps` (those enabled within the delays left, `left`), or `None` to expand them all.
///
/// The set is every enabled step of one node `n`, whose inbox holds more than `left` messages.
/// It is persistent (Godefroid's sense: no path of steps outside it reaches a step that depends
/// on one inside) under [`Fifo::Inbox`]: a message sent to `n` later queues behind those already
/// there, at a place more than `left` deep, so until `n` takes a step of its own it cannot
/// reach `n`; other nodes' steps meanwhile only touch their own state, append to inboxes and
/// spend shared budgets (counters, which commute). Its key step, which stays enabled whatever
/// happens elsewhere, is the head of `n`'s inbox. Two kinds of step do not commute with other
/// nodes' steps and rule a node's set out: a client request (the `k`-th request depends on how
/// many were handed out before) and a duplicate (its copy queues after whatever was sent
/// before it).
pub(super) fn persistent<P: Protocol>(
    world: &World<P>,
    fifo: Fifo,
    left: u32,
    steps: &[Step],
) -> Option<Vec<Step>> {
    // Time is shared by every node: a wait does not commute with their steps.
    if fifo != Fifo::Inbox || world.timed() {
        return None;
    }
    let n = world.cluster.len();
    let mut inbox = vec![0u32; n];
    for e in &world.net {
        inbox[e.to as usize] += 1;
    }
    let mut size = vec![0usize; n];
    let mut ruled_out = vec![false; n];
    for &step in steps {
        let o = owner(world, step);
        size[o] += 1;
        if matches!(step, Step::Input(_) | Step::Duplicate(_)) {
            ruled_out[o] = true;
        }
    }
    let best = (0..n).filter(|&o| inbox[o] > left && !ruled_out[o]).min_by_key(|&o| (size[o], o))?;
    if size[best] == steps.len() {
        return None;
    }
    Some(steps.iter().copied().filter(|&s| owner(world, s) == best).collect())
}
