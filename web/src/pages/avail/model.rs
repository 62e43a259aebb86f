//! The availability page's state: the scenario (which *is* the URL), the curve being computed
//! (analytic points at once, Monte Carlo in chunks), the optional measured points, and what only
//! the page has — embed mode, the banner, Share, the hovered point, the y scale, the reverse
//! calculator's target. Pure Rust with no DOM access, so every action is unit-tested natively.

use super::calc::Calc;
use crate::url::open_static_page;
use crate::widgets::controls::ShareView;
use halab_core::protocol::Micros;
use halab_core::reliability::curve::{Curve, Measurements};
use halab_core::scenario::avail::{self, AvailScenario, Axis, Shape};
use halab_core::scenario::ProtocolKind;

/// Messages kept in the banner at most (the oldest go first).
const MAX_ERRORS: usize = 4;
/// The reverse calculator's target when the page opens.
pub const DEFAULT_TARGET_NINES: f64 = 5.0;

/// Something the viewer asked for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    Axis(Axis),
    N(u32),
    /// `None`: a majority.
    Quorum(Option<u32>),
    /// Seconds.
    Mtbf(u64),
    Mttr(u64),
    /// `None`: one crew per node.
    Crews(Option<u32>),
    Failures(Shape),
    Repairs(Shape),
    Trials(u32),
    Measure(bool),
    Protocol(ProtocolKind),
    SimMtbf(Micros),
    SimMttr(Micros),
    /// Detection and failover, seconds.
    Detect(u64),
    /// Failure domains, 0 for none.
    Domains(u32),
    DomainMtbf(u64),
    DomainMttr(u64),
    /// Mission time, seconds.
    Mission(u64),
    /// SLA target, parts per million.
    Sla(u32),
}

/// Where the background work stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Run {
    Running,
    Cancelled,
    /// Finished; how long the whole computation took in ms (None when not timed, e.g. natively).
    Done(Option<f64>),
}

pub struct AvailModel {
    pub scenario: AvailScenario,
    pub embed: bool,
    /// Problems with the link, and refused input, for the banner.
    pub errors: Vec<String>,
    pub share: ShareView,
    pub curve: Curve,
    pub measurements: Option<Measurements>,
    /// Bumped by every change of scenario and by Resume: a background loop belongs to one.
    pub generation: u64,
    pub run: Run,
    /// When the current computation started (ms, the page's clock).
    pub started_ms: f64,
    /// Index of the hovered point on the main chart, and on the measured chart.
    pub hover: Option<usize>,
    pub hover_measured: Option<usize>,
    /// Plot availability on a linear axis instead of nines.
    pub linear: bool,
    /// The reverse calculator's target nines.
    pub target_nines: f64,
    /// The calculator's figures for the scenario and target (rebuilt on change, not per render).
    pub calc: Calc,
    /// The query last written to the address bar.
    written: crate::url::Written,
}

impl AvailModel {
    /// The page for a query (with or without `?`; without `p=` it is this page). A bad query is
    /// reported in `errors` and the default scenario is shown instead.
    pub fn from_query(query: &str) -> AvailModel {
        let (scenario, embed, errors) =
            open_static_page(query, "avail", |q| avail::decode(q).map(|d| (d.scenario, d.view)));
        let scenario_for_calc = scenario.clone();
        let mut m = AvailModel {
            curve: Curve::new(&scenario),
            measurements: measurements(&scenario),
            scenario,
            embed,
            errors,
            share: ShareView::Idle,
            generation: 0,
            run: Run::Running,
            started_ms: 0.0,
            hover: None,
            hover_measured: None,
            linear: false,
            target_nines: DEFAULT_TARGET_NINES,
            calc: Calc::new(&scenario_for_calc, DEFAULT_TARGET_NINES),
            written: crate::url::Written::default(),
        };
        m.written.set(m.query());
        m
    }

    /// The scenario as a query (without `?`), plus `embed=1` in embed mode.
    pub fn query(&self) -> String {
        let mut q = avail::encode(&self.scenario);
        if self.embed {
            q.push_str("&embed=1");
        }
        q
    }

    /// The query to write to the address bar if it changed since the last call.
    pub fn take_url_change(&mut self) -> Option<String> {
        self.written.change(self.query())
    }

    /// Applies an action. A refused one leaves everything as it was and says why in the banner;
    /// one that changes nothing does not restart the computation.
    pub fn act(&mut self, action: Action) {
        let mut s = self.scenario.clone();
        match action {
            Action::Axis(a) => s.axis = a,
            Action::N(n) => {
                s.n = n;
                // A fixed quorum or crew count larger than the new cluster follows it down.
                if n >= 1 {
                    s.quorum = s.quorum.map(|q| q.min(n));
                    s.crews = s.crews.map(|c| c.min(n));
                }
            }
            Action::Quorum(q) => s.quorum = q,
            Action::Mtbf(v) => s.mtbf = v,
            Action::Mttr(v) => s.mttr = v,
            Action::Crews(c) => s.crews = c,
            Action::Failures(f) => s.failures = f,
            Action::Repairs(r) => s.repairs = r,
            Action::Trials(t) => s.trials = t,
            Action::Measure(on) => s.measure = on,
            Action::Protocol(p) => s.protocol = p,
            Action::SimMtbf(v) => s.sim_mtbf = v,
            Action::SimMttr(v) => s.sim_mttr = v,
            Action::Detect(v) => s.detect = v,
            Action::Domains(d) => s.domains = d,
            Action::DomainMtbf(v) => s.domain_mtbf = v,
            Action::DomainMttr(v) => s.domain_mttr = v,
            Action::Mission(v) => s.mission = v,
            Action::Sla(v) => s.sla_ppm = v,
        }
        if let Err(e) = s.validate() {
            let (field, message) = (field_name(&e.field), crate::i18n::zh_core::msg(&e.message));
            self.refuse(trf!("Can't use that {field}: {message}.", "无法使用此设置（{field}）：{message}。"));
            return;
        }
        if s == self.scenario {
            return;
        }
        let measure_changed = (s.measure, s.protocol, s.sim_mtbf, s.sim_mttr, s.seed)
            != (
                self.scenario.measure,
                self.scenario.protocol,
                self.scenario.sim_mtbf,
                self.scenario.sim_mttr,
                self.scenario.seed,
            );
        // The mission time is the calculator's alone: the curves stay as they are.
        let curve_changed = AvailScenario { mission: self.scenario.mission, ..s.clone() } != self.scenario;
        self.scenario = s;
        self.calc = Calc::new(&self.scenario, self.target_nines);
        if !curve_changed {
            return;
        }
        self.curve = Curve::new(&self.scenario);
        if measure_changed {
            self.measurements = measurements(&self.scenario);
            self.hover_measured = None;
        }
        self.hover = None;
        self.restart();
    }

    fn restart(&mut self) {
        self.generation += 1;
        self.run = Run::Running;
    }

    /// Stops the background work where it is; the points keep what they have so far.
    pub fn cancel(&mut self) {
        if self.run == Run::Running {
            self.run = Run::Cancelled;
            self.generation += 1;
        }
    }

    /// Picks up cancelled work where it stopped.
    pub fn resume(&mut self) {
        if self.run == Run::Cancelled {
            self.restart();
        }
    }

    /// Does one slice of the background work (Monte Carlo first, then the measured runs);
    /// false when everything is done.
    pub fn work(&mut self) -> bool {
        if !self.curve.finished() {
            self.curve.work();
            return true;
        }
        if let Some(m) = &mut self.measurements {
            if m.done() < m.total() {
                return m.work();
            }
        }
        false
    }

    /// Everything computed?
    pub fn finished(&self) -> bool {
        self.curve.finished() && self.measurements.as_ref().is_none_or(|m| m.done() >= m.total())
    }

    /// Runs every chunk now (tests, and nothing else: the page works in slices).
    pub fn finish(&mut self) {
        while self.work() {}
        self.run = Run::Done(None);
    }

    /// Monte Carlo progress as (done, total) trials.
    pub fn mc_progress(&self) -> (u64, u64) {
        (self.curve.done().min(self.curve.total()), self.curve.total())
    }

    /// Measured progress as (done, total) simulated seconds.
    pub fn measured_progress(&self) -> Option<(u64, u64)> {
        self.measurements.as_ref().map(|m| (m.done().min(m.total()), m.total()))
    }

    pub fn refuse(&mut self, message: String) {
        if self.errors.last() != Some(&message) {
            self.errors.push(message);
        }
        if self.errors.len() > MAX_ERRORS {
            self.errors.remove(0);
        }
    }

    /// Sets the hovered point; returns whether that changed (only then redraw).
    pub fn set_hover(&mut self, i: Option<usize>) -> bool {
        let i = i.filter(|&i| i < self.curve.points.len());
        let changed = self.hover != i;
        self.hover = i;
        changed
    }

    pub fn set_hover_measured(&mut self, i: Option<usize>) -> bool {
        let len = self.measurements.as_ref().map_or(0, |m| m.points.len());
        let i = i.filter(|&i| i < len);
        let changed = self.hover_measured != i;
        self.hover_measured = i;
        changed
    }

    /// Sets the reverse calculator's target (0 < nines ≤ 15).
    pub fn set_target(&mut self, nines: f64) {
        if nines.is_finite() && nines > 0.0 && nines <= 15.0 {
            self.target_nines = nines;
            self.calc = Calc::new(&self.scenario, nines);
        } else {
            self.refuse(
                tr!(
                    "Target nines: expected a number above 0 and at most 15.",
                    "目标几个九：需要一个大于 0 且不超过 15 的数。"
                )
                .into(),
            );
        }
    }
}

/// The measured runs, when the scenario asks for them.
fn measurements(s: &AvailScenario) -> Option<Measurements> {
    s.measure.then(|| Measurements::new(s.protocol, s.sim_mtbf, s.sim_mttr, s.seed))
}

/// The URL key of a refused value in words.
fn field_name(field: &str) -> &str {
    match field {
        "n" => tr!("number of nodes", "节点数"),
        "q" => tr!("quorum", "法定人数"),
        "crews" => tr!("number of repair crews", "修复组数"),
        "mtbf" => "MTBF",
        "mttr" => "MTTR",
        "trials" => tr!("number of trials", "试验次数"),
        "smtbf" => tr!("simulated MTBF", "模拟 MTBF"),
        "smttr" => tr!("simulated MTTR", "模拟 MTTR"),
        "fail" => tr!("failure distribution", "故障分布"),
        "repair" => tr!("repair distribution", "修复分布"),
        "detect" => tr!("detection and failover time", "检测与故障转移时间"),
        "dom" => tr!("number of failure domains", "故障域数"),
        "dmtbf" => tr!("domain MTBF", "故障域 MTBF"),
        "dmttr" => tr!("domain MTTR", "故障域 MTTR"),
        "mission" => tr!("mission time", "任务时长"),
        "sla" => "SLA",
        other => other,
    }
}
