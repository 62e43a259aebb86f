//! Exhaustive checking (issue 16): every interleaving of the enabled steps from a state, within
//! bounds, as Stateright and TLC explore a model, but over the same `Protocol` code the
//! simulator and the page run.
//!
//! A step is delivering a message in flight, firing an armed timer, dropping or duplicating a
//! message, crashing or restarting a node, or handing a node a client request ([`Step`]);
//! faults and requests come from a budget ([`Bounds`]). States are deduplicated by a 64-bit
//! fingerprint ([`World::fingerprint`]), every new state is judged by the protocol's invariant
//! checker, and breadth-first order makes the first violation found a shortest one. The search
//! runs in slices ([`Search::run`]), so a page can explore between frames and cancel.
//!
//! Opt-in, a search can keep messages in order with a budget of overtakings, expand one node's
//! steps where that loses nothing ([`reduce`]) and shorten what it finds ([`shrink()`]): that
//! reaches Paxos's and Raft's deeper bugs.
//!
//! Blind spots, by construction: for a protocol that ignores its clock, time is abstract (a
//! timer may fire whenever it is armed); for one that reads it (leases), time moves only to
//! the instants timers' windows open or close, a sample of the timings ([`World`]); and two
//! paths to one state count once, so a checker's history from the second path is not judged.

mod reduce;
pub mod schedule;
mod shrink;
mod world;

pub use reduce::Fifo;
pub use shrink::shrink;
pub use world::{Envelope, Explore, Spent, World};

use crate::invariant::{Broken, Checker};
use crate::protocol::NodeId;
use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

/// One step of a path, naming what it acts on by position in the state it is taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// The `i`-th message in flight arrives.
    Deliver(u16),
    /// The `i`-th message in flight is lost.
    Drop(u16),
    /// The `i`-th message in flight is copied (both copies will arrive, or not).
    Duplicate(u16),
    /// Node `n`'s `k`-th armed timer (in the timers' order) fires.
    Fire(NodeId, u16),
    Crash(NodeId),
    Restart(NodeId),
    /// Node `n` receives the next client request.
    Input(NodeId),
    /// Time moves to the next instant a timer's window opens or closes (timed mode only; see
    /// [`World`]'s module doc).
    Wait,
}

/// How far the search goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Steps from the start.
    pub depth: u32,
    pub drops: u8,
    pub dups: u8,
    pub crashes: u8,
    /// Timer firings in all. Timers re-arm (a proposer retries with a higher ballot, a
    /// candidate stands again in a new term), so without a bound no state space is finite.
    pub timeouts: u8,
    /// Client requests in all.
    pub inputs: u8,
    /// Stop (with [`Verdict::Limit`]) after this many unique states.
    pub max_states: u64,
    /// Which messages keep their order (opt-in; see [`Fifo`]).
    pub fifo: Fifo,
    /// With `fifo`: how many times in all a message may overtake an older one in its queue.
    pub delays: u8,
    /// Partial-order reduction: expand one node's steps where that provably loses no state
    /// the others would reach (opt-in; see [`reduce`]).
    pub por: bool,
    /// Client requests go only to a node that leads (opt-in), as a client that knows the leader
    /// sends them: a request elsewhere is redirected and only spends the budget, and leaving
    /// followers without requests lets the reduction expand one of them alone.
    pub leader_inputs: bool,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            depth: 20,
            drops: 0,
            dups: 0,
            crashes: 0,
            timeouts: 4,
            inputs: 0,
            max_states: 1_000_000,
            fifo: Fifo::Off,
            delays: 0,
            por: false,
            leader_inputs: false,
        }
    }
}

/// Breadth-first finds shortest counterexamples; depth-first reaches deep states sooner with
/// a frontier of one path's width (but may cut a state it first met deep, so within a depth
/// bound it can miss what breadth-first finds).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    #[default]
    BreadthFirst,
    DepthFirst,
}

/// Where a search stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// More to explore.
    Running,
    /// Every state within the bounds was explored and judged; none breaks an invariant.
    Done,
    /// Stopped at [`Bounds::max_states`].
    Limit,
    /// An invariant broke; `path` leads from the start to the state that broke it.
    Violated { path: Vec<Step>, broken: Broken },
}

/// Counters a page shows while the search runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Distinct states found (the start included).
    pub unique: u64,
    /// Steps taken, including those that led to a state already seen.
    pub transitions: u64,
    /// States found but not yet expanded.
    pub frontier: usize,
    /// The deepest state expanded so far.
    pub depth: u32,
    /// States not expanded because they lie at the depth bound.
    pub at_bound: u64,
    /// With [`Bounds::por`]: states expanded through one node's steps only, and states whose
    /// reduced expansion led back to a known state and was done in full (the cycle proviso).
    pub reduced: u64,
    pub full: u64,
}

/// Fingerprints are hashes already: the set need not hash them again.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 fingerprints are stored")
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A state found from one being expanded, before it is counted.
struct Successor<P: Explore> {
    step: Step,
    delays: u32,
    world: World<P>,
    judged: Result<(), Broken>,
    key: u64,
}

pub struct Search<P: Explore> {
    start: World<P>,
    bounds: Bounds,
    order: Order,
    seen: HashSet<u64, BuildHasherDefault<Identity>>,
    /// With [`Bounds::por`]: the depth each state was first found at (for the cycle proviso).
    found_at: HashMap<u64, u32, BuildHasherDefault<Identity>>,
    /// States to expand: their place in `tree`, their depth, the delays spent, the state.
    frontier: VecDeque<(u32, u32, u32, World<P>)>,
    /// Every state found, as (the state it was found from, the step): index 0 is the start.
    tree: Vec<(u32, Step)>,
    stats: Stats,
    verdict: Verdict,
    steps: Vec<Step>,
}

impl<P: Explore> Search<P> {
    /// A search from `protocol`'s first state, judged by `checker`.
    pub fn boot(protocol: P, checker: impl Checker<P> + 'static, bounds: Bounds, order: Order) -> Self {
        match World::boot(protocol.clone(), Some(Box::new(checker))) {
            Ok(w) => Self::from(w, bounds, order),
            Err(broken) => {
                let start = World::boot(protocol, None).expect("without a checker nothing breaks");
                let mut s = Self::from(start, bounds, order);
                s.frontier.clear();
                s.verdict = Verdict::Violated { path: Vec::new(), broken };
                s
            }
        }
    }

    /// A search from `start` (say, the state a page shows).
    pub fn from(start: World<P>, bounds: Bounds, order: Order) -> Self {
        let mut seen = HashSet::default();
        let first = key(&start, &bounds, 0);
        seen.insert(first);
        let mut found_at = HashMap::default();
        if bounds.por {
            found_at.insert(first, 0);
        }
        let mut frontier = VecDeque::new();
        frontier.push_back((0, 0, 0, start.clone()));
        Search {
            start,
            bounds,
            order,
            seen,
            found_at,
            frontier,
            tree: vec![(0, Step::Deliver(0))],
            stats: Stats { unique: 1, frontier: 1, ..Stats::default() },
            verdict: Verdict::Running,
            steps: Vec::new(),
        }
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }

    pub fn bounds(&self) -> Bounds {
        self.bounds
    }

    /// The state the search started from.
    pub fn start(&self) -> &World<P> {
        &self.start
    }

    /// Expands up to `states` states, then returns where the search stands.
    pub fn run(&mut self, states: u64) -> &Verdict {
        for _ in 0..states {
            if self.verdict != Verdict::Running {
                break;
            }
            self.expand_one();
        }
        &self.verdict
    }

    fn expand_one(&mut self) {
        let next = match self.order {
            Order::BreadthFirst => self.frontier.pop_front(),
            Order::DepthFirst => self.frontier.pop_back(),
        };
        let Some((at, depth, delays, world)) = next else {
            self.verdict = Verdict::Done;
            return;
        };
        self.stats.depth = self.stats.depth.max(depth);
        if depth >= self.bounds.depth {
            self.stats.at_bound += 1;
            self.stats.frontier = self.frontier.len();
            return;
        }
        let mut steps = std::mem::take(&mut self.steps);
        world.steps(&self.bounds, &mut steps);
        let budget = u32::from(self.bounds.delays);
        let mut costs = Vec::with_capacity(steps.len());
        if self.bounds.leader_inputs {
            let c = &world.cluster;
            steps.retain(|&step| match step {
                Step::Input(n) => c.nodes[n as usize].state.as_ref().is_some_and(|s| c.protocol.is_leader(s)),
                _ => true,
            });
        }
        steps.retain(|&step| {
            let cost = delays + self.bounds.fifo.cost(&world.net, step);
            costs.push(cost);
            cost <= budget
        });
        costs.retain(|&c| c <= budget);
        let mut next: Vec<Successor<P>> = Vec::new();
        let ample = if self.bounds.por {
            reduce::persistent(&world, self.bounds.fifo, budget - delays, &steps)
        } else {
            None
        };
        if let Some(ample) = ample {
            for (&step, &cost) in steps.iter().zip(&costs).filter(|(s, _)| ample.contains(s)) {
                next.push(self.successor(&world, step, cost));
            }
            // The cycle proviso: steps of one node that lead round a cycle could postpone the
            // others' for ever, so every cycle must hold a state expanded in full. Breadth-first,
            // every cycle has an edge to a state found no deeper than the state it leaves
            // (depths cannot rise all the way round); depth-first, an edge to a state seen before.
            let closes = |k: &u64| match self.order {
                Order::BreadthFirst => self.found_at.get(k).is_some_and(|&d| d <= depth),
                Order::DepthFirst => self.seen.contains(k),
            };
            if next.iter().any(|n| closes(&n.key)) {
                self.stats.full += 1;
                next.clear();
            } else {
                self.stats.reduced += 1;
            }
        }
        let reduced = !next.is_empty();
        // Taken one at a time when the whole expansion is wanted, so no successor waits in a list.
        let mut stopped = false;
        for s in next {
            if self.admit(at, depth, s) {
                stopped = true;
                break;
            }
        }
        if !stopped && !reduced {
            for (&step, &cost) in steps.iter().zip(&costs) {
                let s = self.successor(&world, step, cost);
                if self.admit(at, depth, s) {
                    break;
                }
            }
        }
        self.steps = steps;
        self.stats.frontier = self.frontier.len();
    }

    /// Records a successor of state `at` (at `depth`) if it is new; true if the search stops
    /// there (a violation, or the state limit).
    fn admit(&mut self, at: u32, depth: u32, s: Successor<P>) -> bool {
        let Successor { step, delays, world: next, judged, key } = s;
        self.stats.transitions += 1;
        if !self.seen.insert(key) {
            return false;
        }
        self.tree.push((at, step));
        self.stats.unique += 1;
        if self.bounds.por {
            self.found_at.insert(key, depth + 1);
        }
        if let Err(broken) = judged {
            let path = self.path_to(self.tree.len() as u32 - 1);
            self.verdict = Verdict::Violated { path, broken };
            return true;
        }
        if self.stats.unique >= self.bounds.max_states {
            self.verdict = Verdict::Limit;
            return true;
        }
        self.frontier.push_back((self.tree.len() as u32 - 1, depth + 1, delays, next));
        false
    }

    /// The state `step` leads to from `world`, judged, with its delays spent and its key.
    fn successor(&self, world: &World<P>, step: Step, delays: u32) -> Successor<P> {
        let mut next = world.clone();
        let judged = next.take(step);
        let key = key(&next, &self.bounds, delays);
        Successor { step, delays, world: next, judged, key }
    }

    /// The steps from the start to state `i` of the tree.
    fn path_to(&self, mut i: u32) -> Vec<Step> {
        let mut path = Vec::new();
        while i != 0 {
            let (parent, step) = self.tree[i as usize];
            path.push(step);
            i = parent;
        }
        path.reverse();
        path
    }
}

/// What tells states apart: the fingerprint, and with ordered messages their order too.
fn key<P: Explore>(world: &World<P>, bounds: &Bounds, delays: u32) -> u64 {
    let fp = world.cached_fingerprint();
    match bounds.fifo.order_key(world, delays) {
        None => fp,
        Some(order) => fp ^ order.rotate_left(17).wrapping_mul(0x9e37_79b9_7f4a_7c15),
    }
}

/// Takes `path` from `start`, returning every state on the way (the start first) and the
/// invariant the last step broke, if one did: how a counterexample is shown and replayed.
pub fn replay<P: Explore>(start: &World<P>, path: &[Step]) -> (Vec<World<P>>, Option<Broken>) {
    let mut states = vec![start.clone()];
    for &step in path {
        let mut next = states.last().expect("the start is there").clone();
        let judged = next.take(step);
        states.push(next);
        if let Err(b) = judged {
            return (states, Some(b));
        }
    }
    (states, None)
}

#[cfg(test)]
mod steer_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod timed_tests;
