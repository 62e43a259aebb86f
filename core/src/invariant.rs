//! Invariant checkers: judges that look at the whole cluster after every step.

use crate::cluster::Cluster;
use crate::protocol::{Micros, NodeId, Protocol};
use crate::sim::trace::TraceEvent;
use serde::Serialize;
use std::any::Any;

/// Lets a driver reach a checker's own history (e.g. the Paxos page's chosen values) through
/// `Sim::checker_as`; implemented for every `'static` type.
pub trait AsAny: Any {
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any> AsAny for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A checker may keep history (e.g. which node led which term), so it is stateful.
pub trait Checker<P: Protocol>: AsAny + CloneChecker<P> {
    /// Called after every step; `touched` is the node whose state the step changed, if any.
    fn check(&mut self, cluster: &Cluster<P>, touched: Option<NodeId>) -> Result<(), Broken>;

    /// Feeds the exhaustive search's fingerprint what of the history this checker will judge
    /// later steps against, where no node's state holds it. The search counts two paths to one
    /// state once, so history left out here can hide a violation that needs it: the lock's
    /// "a fresh grant reused a token" is judged against who held each token, in which life.
    /// Nothing by default: the history is then a record, not a judge's memory.
    fn fingerprint(&self, _h: &mut crate::sim::trace::StableHasher) {}
}

/// A boxed checker's copy, so a whole simulation can be cloned (time travel's checkpoints);
/// every `Clone` checker has it.
pub trait CloneChecker<P: Protocol> {
    fn clone_box(&self) -> Box<dyn Checker<P>>;
}

impl<P: Protocol, C: Checker<P> + Clone + 'static> CloneChecker<P> for C {
    fn clone_box(&self) -> Box<dyn Checker<P>> {
        Box::new(self.clone())
    }
}

/// An invariant that does not hold, as found by a checker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Broken {
    /// The invariant's name, e.g. "election safety".
    pub invariant: &'static str,
    pub detail: crate::msg::Msg,
}

/// A [`Broken`] invariant placed in its run, with the events that led to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub invariant: &'static str,
    pub detail: crate::msg::Msg,
    pub step: u64,
    pub time: Micros,
    /// The last events before the violation, oldest first.
    pub recent: Vec<TraceEvent>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} violated at step {} (t = {:.3} s): {}",
            self.invariant,
            self.step,
            self.time as f64 / 1e6,
            self.detail.english()
        )
    }
}

/// A checker that accepts everything, for benchmarks and protocols without invariants.
#[derive(Clone, Copy)]
pub struct NoChecks;

impl<P: Protocol> Checker<P> for NoChecks {
    fn check(&mut self, _: &Cluster<P>, _: Option<NodeId>) -> Result<(), Broken> {
        Ok(())
    }
}
