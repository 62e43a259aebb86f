//! A path of the search as the simulator's scripted faults: steer, then one step fault per
//! step. Put in a scenario's script (so in its URL), it replays the counterexample bit-exactly
//! in the simulator and on the page, where time travel and the space-time diagram show it.

use super::{replay, Bounds, Explore, Order, Search, Stats, Step, Verdict, World};
use crate::protocol::{Describe, Micros, MS};
use crate::sim::fault::{Fault, Scheduled};
use crate::sim::Sim;

/// Simulated time between two steps of a replayed path: long enough to watch each one.
pub const STEP_GAP: Micros = 200 * MS;

/// The faults that take `path` from `start`, in the simulator `start` was taken from (see
/// [`World::from_sim`]): [`Fault::Steer`] first, then each step, messages named by id. A wait
/// is no fault: time passes between faults ([`script_of`]).
pub fn faults<P: Explore>(start: &World<P>, path: &[Step]) -> Vec<Fault> {
    timed_faults(start, path).into_iter().map(|(_, f)| f).collect()
}

/// [`faults`], each with the instant its step happens at in timed mode.
fn timed_faults<P: Explore>(start: &World<P>, path: &[Step]) -> Vec<(Micros, Fault)> {
    let (states, _) = replay(start, path);
    let mut out = vec![(start.cluster.now, Fault::Steer(true))];
    for (state, &step) in states.iter().zip(path) {
        let id = |i: u16| state.net[usize::from(i)].id;
        let fault = match step {
            Step::Deliver(i) => Fault::Deliver(id(i)),
            Step::Drop(i) => Fault::Lose(id(i)),
            Step::Duplicate(i) => Fault::Copy(id(i)),
            Step::Fire(n, k) => Fault::Fire(n, k),
            Step::Crash(n) => Fault::Crash(n),
            Step::Restart(n) => Fault::Restart(n),
            Step::Input(n) => Fault::Write(n),
            Step::Wait => continue,
        };
        out.push((state.cluster.now, fault));
    }
    // A path that ends in a wait breaks an invariant by time passing (a request open too long):
    // a steered simulator, where nothing happens by itself, judges it at its next step, so one
    // more steering fault (changing nothing) marks the instant.
    if let (Some(Step::Wait), Some(end)) = (path.last(), states.last()) {
        out.push((end.cluster.now, Fault::Steer(true)));
    }
    out
}

/// The script that replays `path` from `start` in the simulator `start` was taken from, from
/// instant `at` on (one after the simulator's). Untimed, the first fault is at `at` and one
/// follows every [`STEP_GAP`]; timed, each step is at the instant the search took it (the
/// search starts at `at`, see [`World::from_sim`]), so a handler reads the clock it read there.
pub fn script_of<P: Explore>(start: &World<P>, path: &[Step], at: Micros) -> Vec<Scheduled> {
    if start.timed() {
        debug_assert_eq!(start.cluster.now, at, "a timed search starts where its script does");
        timed_faults(start, path).into_iter().map(|(at, fault)| Scheduled { at, fault }).collect()
    } else {
        script(at, faults(start, path))
    }
}

/// `faults` on a script: the first at `at`, then one every [`STEP_GAP`].
pub fn script(at: Micros, faults: Vec<Fault>) -> Vec<Scheduled> {
    faults
        .into_iter()
        .enumerate()
        .map(|(i, fault)| Scheduled { at: at + i as Micros * STEP_GAP, fault })
        .collect()
}

/// A search whatever its protocol, for a page that holds one beside a `Sim` of its own type.
pub trait Exhaustive {
    /// Expands up to `states` more states (see [`super::Search::run`]).
    fn run(&mut self, states: u64) -> &Verdict;
    fn stats(&self) -> Stats;
    /// The violation's path, shrunk (see [`super::shrink`]), as a script from instant `at` (see
    /// [`script_of`]), once one is found.
    fn counterexample(&self, at: Micros) -> Option<Vec<Scheduled>>;
}

impl<P: Explore> Exhaustive for Search<P> {
    fn run(&mut self, states: u64) -> &Verdict {
        Search::run(self, states)
    }
    fn stats(&self) -> Stats {
        Search::stats(self)
    }
    fn counterexample(&self, at: Micros) -> Option<Vec<Scheduled>> {
        match self.verdict() {
            Verdict::Violated { path, .. } => {
                Some(script_of(self.start(), &super::shrink(self.start(), path), at))
            }
            _ => None,
        }
    }
}

/// A breadth-first search from the state `sim` is in (see [`World::from_sim`]).
pub fn from_sim<P: Explore>(sim: &Sim<P>, bounds: Bounds) -> Box<dyn Exhaustive>
where
    P::Msg: Describe,
{
    Box::new(Search::from(World::from_sim(sim), bounds, Order::BreadthFirst))
}
