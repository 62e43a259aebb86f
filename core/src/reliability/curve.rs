//! The availability page's curves: one scenario, one axis, a point per x value with every
//! model's answer. Analytic points are instant; Monte Carlo and measured points run in chunks
//! ([`Curve::work`]) so the page can show progress and cancel.

use super::analytic::{component, k_of_n};
use super::ctmc::BirthDeath;
use super::measured::{AnyMeasurement, MeasureConfig, Measured};
use super::monte_carlo::{Estimate, McConfig, MonteCarlo};
use super::outages::{self, Outages};
use super::{Avail, MAX_N};
use crate::protocol::{Micros, MS, SEC};
use crate::scenario::avail::{AvailScenario, Axis};
use crate::scenario::{ProtocolKind, Scenario};

/// Points on an MTTR or MTBF axis: log-spaced over [value/30, value×30], an odd count so the
/// scenario's own value is the middle point.
pub const LOG_POINTS: usize = 21;
/// Largest n on the nodes axis unless the scenario asks for more.
pub const NODES_AXIS_MAX: u32 = 15;
/// Trials per [`Curve::work`] call, spread over the points.
pub const CHUNK_TRIALS: u64 = 2_000;

/// The x values of a scenario's axis (nodes, crews: counts; MTTR, MTBF: seconds).
pub fn xs(s: &AvailScenario) -> Vec<f64> {
    match s.axis {
        Axis::Nodes => (1..=s.n.clamp(NODES_AXIS_MAX, MAX_N)).map(f64::from).collect(),
        Axis::Crews => (1..=s.n).map(f64::from).collect(),
        Axis::Mttr | Axis::Mtbf => {
            let mid = if s.axis == Axis::Mttr { s.mttr } else { s.mtbf } as f64;
            let (lo, hi) = (libm::log(mid / 30.0), libm::log(mid * 30.0));
            (0..LOG_POINTS)
                .map(|i| libm::exp(lo + (hi - lo) * i as f64 / (LOG_POINTS - 1) as f64).round().max(1.0))
                .collect()
        }
    }
}

/// The scenario with the axis variable set to `x`. On the nodes axis a fixed quorum is capped
/// at n, and crews at n.
pub fn at(s: &AvailScenario, x: f64) -> AvailScenario {
    let mut p = s.clone();
    match s.axis {
        Axis::Nodes => {
            p.n = x as u32;
            p.quorum = s.quorum.map(|q| q.min(p.n));
            p.crews = s.crews.map(|c| c.min(p.n));
        }
        Axis::Crews => p.crews = Some(x as u32),
        Axis::Mttr => p.mttr = x as u64,
        Axis::Mtbf => p.mtbf = x as u64,
    }
    p
}

/// k-of-n with a crew per node (independent nodes; with failure domains when the scenario has
/// them) and the chain with the scenario's crews (no domains). Repairs include detection.
pub fn analytic(s: &AvailScenario) -> (Avail, Avail) {
    let independent = match s.failure_domains() {
        Some(d) => outages::with_domains(s.n, s.k(), s.mtbf_hours(), s.repair_hours(), d).0,
        None => k_of_n(s.n, s.k(), component(s.mtbf_hours(), s.repair_hours())),
    };
    let crews = BirthDeath::new(s.n, s.mtbf_hours(), s.repair_hours(), s.crews()).at_least_up(s.k());
    (independent, crews)
}

/// Outages of the model the Monte Carlo runs: domains, else the chain with the scenario's crews
/// for exponential times, else independent nodes.
pub fn outages(s: &AvailScenario) -> Outages {
    let (n, k, mtbf, mttr) = (s.n, s.k(), s.mtbf_hours(), s.repair_hours());
    match s.failure_domains() {
        Some(d) => outages::with_domains(n, k, mtbf, mttr, d).1,
        None if s.failures.lifetime().memoryless() && s.repairs.lifetime().memoryless() => {
            outages::chain(&BirthDeath::new(n, mtbf, mttr, s.crews()), k)
        }
        None => outages::independent(n, k, mtbf, mttr),
    }
}

/// The Monte Carlo configuration of a scenario.
pub fn mc_config(p: &AvailScenario, seed: u64) -> McConfig {
    McConfig {
        n: p.n,
        k: p.k(),
        mtbf: p.mtbf_hours(),
        mttr: p.repair_hours(),
        failures: p.failures.lifetime(),
        repairs: p.repairs.lifetime(),
        crews: p.crews(),
        horizon: p.horizon as f64 / 3600.0,
        seed,
        domains: p.failure_domains(),
        sla_down: p.sla_down(),
    }
}

/// One x value and every model's answer so far.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub k_of_n: Avail,
    pub ctmc: Avail,
    pub monte_carlo: Estimate,
}

pub struct Curve {
    pub scenario: AvailScenario,
    pub points: Vec<Point>,
    runs: Vec<MonteCarlo>,
}

impl Curve {
    pub fn new(s: &AvailScenario) -> Curve {
        let mut points = Vec::new();
        let mut runs = Vec::new();
        for x in xs(s) {
            let p = at(s, x);
            let (k_of_n, ctmc) = analytic(&p);
            runs.push(MonteCarlo::new(mc_config(&p, p.seed ^ (x.to_bits().rotate_left(17)))));
            points.push(Point { x, k_of_n, ctmc, monte_carlo: Estimate::default() });
        }
        Curve { scenario: s.clone(), points, runs }
    }

    /// Total Monte Carlo trials.
    pub fn total(&self) -> u64 {
        u64::from(self.scenario.trials) * self.points.len() as u64
    }

    pub fn done(&self) -> u64 {
        self.runs.iter().map(MonteCarlo::trials).sum()
    }

    pub fn finished(&self) -> bool {
        self.done() >= self.total()
    }

    /// Does about [`CHUNK_TRIALS`] trials and updates the points; true while work remains.
    pub fn work(&mut self) -> bool {
        let want = u64::from(self.scenario.trials);
        let mut budget = CHUNK_TRIALS;
        for (run, point) in self.runs.iter_mut().zip(&mut self.points) {
            let left = want.saturating_sub(run.trials());
            if left > 0 && budget > 0 {
                let n = left.min(budget);
                run.run(n);
                budget -= n;
                point.monte_carlo = run.estimate();
            }
        }
        !self.finished()
    }

    /// Runs everything to the end.
    pub fn finish(&mut self) {
        while self.work() {}
    }
}

/// Measured points: the protocol on the simulator, n = 1..=[`MEASURE_MAX_N`], with its own
/// MTBF and MTTR in *simulated seconds* (elections take a fraction of a second, so the interesting
/// repairs are seconds too; model hours would need years of simulation). Each point pairs the
/// measurement with the k-of-n formula at the same MTBF/MTTR, so the gap is what leader
/// elections, redirects and retries cost.
pub const MEASURE_MAX_N: u32 = 9;
/// Simulated length of each measured run, and the deadline a write must meet.
pub const MEASURE_HORIZON: Micros = 300 * SEC;
pub const MEASURE_DEADLINE: Micros = 100 * MS;
/// Simulated time per [`Measurements::work`] call.
pub const MEASURE_SLICE: Micros = 10 * SEC;

#[derive(Clone, Debug, PartialEq)]
pub struct MeasuredPoint {
    pub n: u32,
    /// k-of-n (majority) at the same MTBF/MTTR.
    pub formula: Avail,
    pub measured: Option<Measured>,
}

pub struct Measurements {
    pub points: Vec<MeasuredPoint>,
    runs: Vec<AnyMeasurement>,
}

impl Measurements {
    /// `mtbf`, `mttr` in simulated microseconds.
    pub fn new(protocol: ProtocolKind, mtbf: Micros, mttr: Micros, seed: u64) -> Measurements {
        let (mut points, mut runs) = (Vec::new(), Vec::new());
        for n in 1..=MEASURE_MAX_N {
            let formula = k_of_n(n, n / 2 + 1, component(mtbf as f64, mttr as f64));
            points.push(MeasuredPoint { n, formula, measured: None });
            runs.push(AnyMeasurement::new(measure_config(protocol, n as u8, mtbf, mttr, seed)));
        }
        Measurements { points, runs }
    }

    /// Simulated seconds in all, and done so far (for a progress bar).
    pub fn total(&self) -> u64 {
        self.runs.len() as u64 * (MEASURE_HORIZON / SEC)
    }

    pub fn done(&self) -> u64 {
        self.runs.iter().map(|m| m.now().min(MEASURE_HORIZON) / SEC).sum()
    }

    /// Advances the first unfinished run by [`MEASURE_SLICE`]; true while work remains.
    pub fn work(&mut self) -> bool {
        if let Some((m, p)) =
            self.runs.iter_mut().zip(&mut self.points).find(|(m, _)| m.now() < MEASURE_HORIZON)
        {
            m.advance(m.now() + MEASURE_SLICE);
            p.measured = Some(m.result());
        }
        self.done() < self.total()
    }
}

pub fn measure_config(
    protocol: ProtocolKind,
    nodes: u8,
    mtbf: Micros,
    mttr: Micros,
    seed: u64,
) -> MeasureConfig {
    MeasureConfig {
        scenario: Scenario { protocol, nodes, seed, write_rate: 20, ..Scenario::default() },
        mtbf,
        mttr,
        horizon: MEASURE_HORIZON,
        warmup: 2 * SEC,
        deadline: MEASURE_DEADLINE,
    }
}
