//! Faults the user or a test injects, and scripts of them at given times.

use crate::protocol::{Degrade, Micros, NodeId};
use serde::{Deserialize, Serialize};

/// One change to the world. Every fault is also a URL token (see `scenario::url`).
/// New variants go at the end: the discriminant is part of every trace hash.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Fault {
    /// The node stops; its volatile state, timers and inbound messages are lost.
    Crash(NodeId),
    /// A crashed node boots from its last persisted state.
    Restart(NodeId),
    /// The node freezes (a GC pause) for the given time; events wait and then arrive late.
    Pause(NodeId, Micros),
    /// Only nodes in the same group can talk; nodes in no group are isolated.
    Partition(Vec<Vec<NodeId>>),
    /// Cut the one-way link `from -> to`.
    Cut(NodeId, NodeId),
    /// Remove every partition and cut.
    Heal,
    /// Message loss probability, in parts per million (exact in URLs, unlike a float).
    SetLoss(u32),
    /// Message duplication probability, in parts per million.
    SetDup(u32),
    /// One-way latency range for every link.
    SetLatency(Micros, Micros),
    /// A client write submitted to the given node.
    Write(NodeId),
    /// Cut off whichever node leads (the lowest-id node that believes it leads) from everyone;
    /// nothing if no node leads. Resolved when it happens, so it replays deterministically.
    IsolateLeader,
    /// Crash whichever node leads, resolved like `IsolateLeader`.
    CrashLeader,
    /// Restore the one-way link `from -> to` (undoes a `Cut` or that link of a partition).
    Mend(NodeId, NodeId),
    /// From now on the node's clock runs this many parts per million fast (negative: slow);
    /// 0 stops the drift. Armed timers are re-timed by the new rate. See `cluster::Clock`.
    ClockDrift(NodeId, i32),
    /// The node stays up but turns slow, fails fast, or recovers (see [`Degrade`]).
    Degrade(NodeId, Degrade),
    /// From now on (`true`) messages, timers and clients wait for explicit steps, the faults
    /// below: how a model checker's counterexample replays and how a user picks the next
    /// delivery by hand. `false` lets the world run on by itself again. See `sim::steer`.
    Steer(bool),
    /// Message `id` arrives now, early or late, whatever its latency said.
    Deliver(u64),
    /// Message `id` is lost now.
    Lose(u64),
    /// Message `id` is copied; the copy flies with the next message id.
    Copy(u64),
    /// Node `n`'s `k`-th armed timer, in the protocol's order of timers, fires now.
    Fire(NodeId, u16),
}

impl Fault {
    /// Adapts the fault to a cluster of `n` nodes: drops nodes that do not exist from a
    /// partition's groups, and returns false if the fault names such a node otherwise.
    /// Renames every node the fault names (the service lab moves its backends when a balancer
    /// or the controller is added in front of them).
    pub fn renumber(&mut self, f: impl Fn(NodeId) -> NodeId) {
        match self {
            Fault::Crash(x)
            | Fault::Restart(x)
            | Fault::Pause(x, _)
            | Fault::Write(x)
            | Fault::ClockDrift(x, _)
            | Fault::Degrade(x, _)
            | Fault::Fire(x, _) => *x = f(*x),
            Fault::Cut(a, b) | Fault::Mend(a, b) => (*a, *b) = (f(*a), f(*b)),
            Fault::Partition(groups) => groups.iter_mut().flatten().for_each(|x| *x = f(*x)),
            Fault::Heal
            | Fault::SetLoss(_)
            | Fault::SetDup(_)
            | Fault::SetLatency(..)
            | Fault::IsolateLeader
            | Fault::CrashLeader
            | Fault::Steer(_)
            | Fault::Deliver(_)
            | Fault::Lose(_)
            | Fault::Copy(_) => {}
        }
    }

    pub fn restrict_to(&mut self, n: NodeId) -> bool {
        match self {
            Fault::Crash(x)
            | Fault::Restart(x)
            | Fault::Pause(x, _)
            | Fault::Write(x)
            | Fault::ClockDrift(x, _)
            | Fault::Degrade(x, _)
            | Fault::Fire(x, _) => *x < n,
            Fault::Cut(a, b) | Fault::Mend(a, b) => *a < n && *b < n,
            Fault::Partition(groups) => {
                for g in groups.iter_mut() {
                    g.retain(|x| *x < n);
                }
                true
            }
            Fault::Heal
            | Fault::SetLoss(_)
            | Fault::SetDup(_)
            | Fault::SetLatency(..)
            | Fault::IsolateLeader
            | Fault::CrashLeader
            | Fault::Steer(_)
            | Fault::Deliver(_)
            | Fault::Lose(_)
            | Fault::Copy(_) => true,
        }
    }

    /// The node a fault is aimed at, if it is aimed at one.
    pub fn node(&self) -> Option<NodeId> {
        match self {
            Fault::Crash(n)
            | Fault::Restart(n)
            | Fault::Pause(n, _)
            | Fault::Write(n)
            | Fault::ClockDrift(n, _)
            | Fault::Degrade(n, _)
            | Fault::Fire(n, _) => Some(*n),
            _ => None,
        }
    }
}

/// A fault at a simulated instant.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Scheduled {
    pub at: Micros,
    pub fault: Fault,
}
