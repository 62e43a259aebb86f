//! Time travel: checkpoints of a run, and the way back to any step or instant of it.
//!
//! A checkpoint is a whole [`Sim`] (checker included) cloned as the run passes. Landing on a
//! step clones the last checkpoint at or before it and steps the copy forward; the run is
//! deterministic, so the copy goes through exactly the states the run went through. A landing
//! costs one clone and fewer than `every` steps (plus whatever one `observe` call skipped),
//! whatever the run's length. When [`MAX_CHECKPOINTS`] are kept, every other one goes and
//! `every` doubles: memory stays bounded, and a landing's replay grows with the log of the
//! run's length, not with the length.

use super::fault::Fault;
use super::{Describe, Sim, VIOLATION_CONTEXT};
use crate::client::Service;
use crate::protocol::Micros;

/// Steps between checkpoints at the start of a run.
pub const FIRST_EVERY: u64 = 2_048;
/// Checkpoints kept at most; beyond, every other one goes and the interval doubles.
pub const MAX_CHECKPOINTS: usize = 256;
/// Trace events a checkpoint keeps of the window: enough for a violation's context after a
/// landing (the page keeps its own feed of notes). The whole window was most of a checkpoint's
/// memory.
pub const CHECKPOINT_TRACE: usize = 4 * VIOLATION_CONTEXT;

pub struct Checkpoints<P: Service>
where
    P::Msg: Describe,
{
    every: u64,
    /// By step, the first at step 0.
    kept: Vec<Sim<P>>,
}

impl<P: Service> Checkpoints<P>
where
    P::Msg: Describe,
{
    /// Checkpoints of the run `start` begins (normally at step 0).
    pub fn new(start: &Sim<P>) -> Self {
        let mut first = start.clone();
        first.trim_trace(CHECKPOINT_TRACE);
        Checkpoints { every: FIRST_EVERY, kept: vec![first] }
    }

    /// Steps between checkpoints now.
    pub fn every(&self) -> u64 {
        self.every
    }

    pub fn len(&self) -> usize {
        self.kept.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// The run has moved on to `sim`: keeps a copy if `every` steps have passed since the last.
    pub fn observe(&mut self, sim: &Sim<P>) {
        let last = self.kept.last().map_or(0, Sim::steps);
        if sim.steps() < last + self.every {
            return;
        }
        if self.kept.len() == MAX_CHECKPOINTS {
            // Keep the first (step 0) and every other one after it.
            let mut k = 0;
            self.kept.retain(|_| {
                k += 1;
                k % 2 == 1
            });
            self.every *= 2;
        }
        let mut copy = sim.clone();
        copy.trim_trace(CHECKPOINT_TRACE);
        self.kept.push(copy);
    }

    /// Forgets the checkpoints after `step`: the run forked there (a fault clicked in the past).
    pub fn forget_after(&mut self, step: u64) {
        let keep = self.kept.partition_point(|s| s.steps() <= step).max(1);
        self.kept.truncate(keep);
    }

    /// A fault was injected into the run at `at` (later than every checkpoint): each checkpoint
    /// queues it too, so a landing that steps past `at` meets it as the run did.
    pub fn inject_at(&mut self, at: Micros, fault: &Fault) {
        for sim in &mut self.kept {
            sim.inject_at(at, fault.clone());
        }
    }

    /// The run forked right after step `step`, at instant `t`: checkpoints after the step go, and
    /// the rest forget the scheduled faults after `t` (the fork cut the script there).
    pub fn fork(&mut self, step: u64, t: Micros) {
        self.forget_after(step);
        for sim in &mut self.kept {
            sim.cancel_faults_after(t);
        }
    }

    /// The run as it was right after step `step` (or at its last step, if it stopped earlier).
    pub fn at_step(&self, step: u64) -> Sim<P> {
        let mut sim = self.before_step(step);
        while sim.steps() < step && sim.step().is_some() {}
        sim
    }

    /// The run as it was at instant `t`: every event due at or before `t` processed.
    pub fn at_time(&self, t: Micros) -> Sim<P> {
        let mut sim = self.before_time(t);
        sim.run_until(t);
        sim
    }

    /// A copy of the last checkpoint before step `step`, for a caller that steps it on itself
    /// (and looks at each step's events on the way). Strictly before: a checkpoint taken at
    /// step `step` may have been taken later than that step (a run to an instant moves the
    /// clock on past its last event), and the run at a step stands at that step's instant.
    pub fn before_step(&self, step: u64) -> Sim<P> {
        let i = self.kept.partition_point(|s| s.steps() < step).saturating_sub(1);
        self.kept[i].clone()
    }

    /// A copy of the last checkpoint at or before instant `t`.
    pub fn before_time(&self, t: Micros) -> Sim<P> {
        let i = self.kept.partition_point(|s| s.now() <= t).saturating_sub(1);
        self.kept[i].clone()
    }

    /// The step of the newest checkpoint.
    pub fn last_step(&self) -> u64 {
        self.kept.last().map_or(0, Sim::steps)
    }

    /// Whether a checkpoint is kept at step `step` (a caller's own data per checkpoint follows
    /// the thinning by asking).
    pub fn holds(&self, step: u64) -> bool {
        self.kept.binary_search_by_key(&step, Sim::steps).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Raft, RaftChecker, RaftConfig};
    use crate::sim::SimConfig;

    fn raft() -> Sim<Raft> {
        let config = SimConfig { seed: 3, write_rate: 200, ..SimConfig::default() };
        Sim::new(Raft::new(RaftConfig::default()), config).with_checker(RaftChecker::default())
    }

    #[test]
    fn checkpoints_stay_bounded_and_thin_out_as_the_run_grows() {
        let mut sim = raft();
        let mut cps = Checkpoints::new(&sim);
        while sim.steps() < 1_200_000 {
            sim.run_until(sim.now() + 10_000);
            cps.observe(&sim);
        }
        assert!(cps.len() <= MAX_CHECKPOINTS);
        assert!(cps.len() > MAX_CHECKPOINTS / 2, "{}", cps.len());
        assert!(cps.every() > FIRST_EVERY, "the interval doubled: {}", cps.every());
        // Steps between neighbours never exceed the interval by more than one observation.
        let steps: Vec<u64> = cps.kept.iter().map(Sim::steps).collect();
        assert_eq!(steps[0], 0);
        assert!(steps.windows(2).all(|w| w[1] > w[0]), "{steps:?}");
        cps.forget_after(steps[10]);
        assert_eq!(cps.len(), 11);
        cps.forget_after(0);
        assert_eq!(cps.len(), 1, "the start is never forgotten");
    }
}
