//! Shortening a counterexample after the fact.
//!
//! A reduced search ([`Bounds::por`](super::Bounds::por), [`Bounds::fifo`](super::Bounds::fifo))
//! finds a real schedule, but not a shortest one: an ordered inbox makes a node read messages
//! that play no part before the one that matters. [`shrink`] drops steps one at a time, as
//! delta debugging does, keeping a removal whenever the rest still breaks the same invariant.
//! The result is a path of the full search (any message may arrive next), it replays with
//! [`replay`](super::replay), and no single step can be left out of it; it need not be a
//! shortest path.

use super::world::Explore;
use super::{Step, World};
use crate::sim::trace::StableHasher;
use std::hash::{Hash, Hasher};

/// A step named by what it acts on rather than by position, so it survives removing others.
#[derive(Clone, Copy)]
enum Act {
    /// Deliver, drop or duplicate the first message in flight with this hash.
    Msg(Step, u64),
    Other(Step),
}

fn envelope_hash<P: Explore>(world: &World<P>, i: u16) -> u64 {
    let mut h = StableHasher::default();
    world.net[i as usize].hash(&mut h);
    h.finish()
}

/// The step `act` names in `world`, if it is still possible.
fn resolve<P: Explore>(world: &World<P>, act: Act) -> Option<Step> {
    match act {
        Act::Other(step) => Some(step),
        Act::Msg(kind, hash) => {
            let i = (0..world.net.len() as u16).find(|&i| envelope_hash(world, i) == hash)?;
            Some(match kind {
                Step::Deliver(_) => Step::Deliver(i),
                Step::Drop(_) => Step::Drop(i),
                _ => Step::Duplicate(i),
            })
        }
    }
}

/// Takes `acts` from `start`; the steps up to the first that breaks an invariant, and its name.
fn run<P: Explore>(start: &World<P>, acts: &[Act]) -> Option<(Vec<Step>, &'static str)> {
    let mut w = start.clone();
    let mut steps = Vec::new();
    for &act in acts {
        let step = resolve(&w, act).filter(|&s| w.timely(s))?;
        steps.push(step);
        if let Err(b) = w.take(step) {
            return Some((steps, b.invariant));
        }
    }
    None
}

/// `path` (from `start`, breaking an invariant at its last step) with every step left out that
/// the violation of the same invariant does not need.
pub fn shrink<P: Explore>(start: &World<P>, path: &[Step]) -> Vec<Step> {
    let mut w = start.clone();
    let mut acts = Vec::new();
    let mut target = None;
    for &step in path {
        acts.push(match step {
            Step::Deliver(i) | Step::Drop(i) | Step::Duplicate(i) => Act::Msg(step, envelope_hash(&w, i)),
            _ => Act::Other(step),
        });
        if let Err(b) = w.take(step) {
            target = Some(b.invariant);
            break;
        }
    }
    let Some(target) = target else { return path.to_vec() };
    loop {
        let mut shorter = false;
        for j in (0..acts.len()).rev() {
            if j >= acts.len() {
                continue;
            }
            let mut fewer = acts.clone();
            fewer.remove(j);
            if let Some((steps, broken)) = run(start, &fewer) {
                if broken == target {
                    fewer.truncate(steps.len());
                    acts = fewer;
                    shorter = true;
                }
            }
        }
        if !shorter {
            break;
        }
    }
    run(start, &acts).map_or_else(|| path.to_vec(), |(steps, _)| steps)
}
