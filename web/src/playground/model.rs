//! A page's state: the scenario, the running `Sim`, and what the viewer chose (speed,
//! play/pause, selection). Pure Rust with no DOM access, so every action is unit-tested natively;
//! the component only forwards events here and renders views of it. Generic over the protocol:
//! nothing here knows Raft from Paxos.

use super::history::History;
use super::replay;
use super::Playground;
use crate::url::{
    format_speed, link_problem, parse_view, salvage_embed, ViewOpts, MAX_SPEED, MAX_T, MIN_SPEED,
};
use crate::widgets::controls::ShareView;
use halab_core::protocol::{Degrade, Describe, Micros, NodeId, NoteKind, MS, SEC};
use halab_core::scenario::presets::Preset;
use halab_core::scenario::units::format_duration;
use halab_core::scenario::{limits, url, Scenario};
use halab_core::sim::fault::Fault;
use halab_core::sim::trace::TraceKind;
use halab_core::sim::travel::Checkpoints;
use halab_core::sim::Sim;
use std::collections::{BTreeSet, VecDeque};

/// Notes kept for the feed (newest first).
pub const NOTES_CAP: usize = 60;
/// Drops remembered for the ✕ flashes; older ones have long faded.
const DROPS_CAP: usize = 64;
/// A frame never runs more simulator steps than this, so a heavy scenario at 100× slows the
/// clock down instead of freezing the tab.
pub const FRAME_STEP_BUDGET: u64 = 20_000;
/// How often a playing frame asks whether its time is up.
pub const TIME_CHECK_STEPS: u64 = 128;
/// Real time a frame may cover at most (a backgrounded tab must not leap ahead on return).
const MAX_FRAME_MS: f64 = 100.0;
/// The clock rate the node menu's "fast" and "slow" set, in parts per million (±50%).
pub const MENU_DRIFT_PPM: i32 = 500_000;

/// Steps a text trace covers at most (the newest up to the instant on screen).
pub const TRACE_EXPORT_STEPS: u64 = 50_000;

/// Steps `from_query` replays at once, before the page shows anything: a link to a few
/// seconds lands without a progress bar.
pub const FIRST_REPLAY_STEPS: u64 = 5_000;

/// A link's run to its `t=`, advanced in slices by the page ([`Model::replay_slice`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Replay {
    /// The instant the link asked for (after [`replay::max_t`]).
    pub target: Micros,
    /// Work done so far ([`replay::event_work`] per step).
    pub work: f64,
    /// Work at which the replay gives up even before `target` ([`replay::work_limit`]).
    pub work_limit: f64,
    pub status: ReplayStatus,
}

/// Where a replay is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplayStatus {
    Running,
    /// Cancelled by the viewer; paused where it got.
    Cancelled,
    /// Stopped at the work limit; paused where it got.
    Limit,
}

/// A line of the notes feed.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub time: Micros,
    /// `"fault"`, `"role"`, `"commit"`, `"client"` or `"info"`, for styling.
    pub kind: &'static str,
    pub text: String,
    /// Whose progress a note from the core reports: its template and first value ("node {id}
    /// committed up to index {n}", "1"), so a run of them can be merged in either language.
    pub subject: Option<(&'static str, String)>,
}

impl Note {
    /// A note the protocol wrote, in the page's language.
    pub fn of(time: Micros, kind: &'static str, text: &halab_core::msg::Msg) -> Note {
        let subject = text.args().first().map(|(_, v)| (text.template(), v.english()));
        Note { time, kind, text: crate::i18n::zh_core::msg(text), subject }
    }
}

/// A message that never arrived, for the ✕ flash at its receiver.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropped {
    pub time: Micros,
    pub from: NodeId,
    pub to: NodeId,
}

/// The notes feed and drop flashes as they were at a checkpoint.
#[derive(Clone, Debug, Default)]
struct Feed {
    step: u64,
    notes: VecDeque<Note>,
    drops: VecDeque<Dropped>,
}

/// A fault clicked in the past: the run forked there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fork {
    /// The instant the run forked.
    pub at: Micros,
    /// Faults of the script after it, cut.
    pub cut: usize,
    /// Simulated time the old run had reached, now gone.
    pub dropped_until: Micros,
}

/// The run beside this one with one bug switch flipped (compare runs).
pub struct Compare {
    /// The bug switch (URL name) flipped, and whether it is on in the other run.
    pub bug: &'static str,
    pub on: bool,
    /// The other run's record, to the instant on screen.
    pub history: History,
    /// Its step and instant.
    pub step: u64,
    pub now: Micros,
    /// The first event where the runs differ, if they do by then.
    pub diverged: Option<Divergence>,
}

/// Where two runs part.
#[derive(Clone, Debug, PartialEq)]
pub struct Divergence {
    pub step: u64,
    pub time: Micros,
    /// What each run did there, in words (`None`: nothing; the run had stopped).
    pub ours: Option<String>,
    pub theirs: Option<String>,
}

/// Steps a comparison runs at most (both runs, from the start).
pub const MAX_COMPARE_STEPS: u64 = 1_000_000;

/// The page model.
pub struct Model<P: Playground> {
    pub scenario: Scenario,
    pub sim: Sim<P>,
    /// The instant on screen, in µs; the sim has processed everything up to its floor.
    pub view_time: f64,
    pub playing: bool,
    pub speed: f64,
    pub embed: bool,
    /// `view=diagram`: the space-time diagram leads (embedded: instead of the cluster).
    pub show_diagram: bool,
    /// The guided path's step this run is (`learn=`), and whether its goal was reached.
    pub learn: Option<&'static crate::learn::Step>,
    /// The step's own faults (the rest are the reader's).
    learn_script: Vec<halab_core::sim::fault::Scheduled>,
    pub goal_reached: bool,
    /// The keyboard shortcuts' list is open.
    pub keys_help: bool,
    /// Readable problems with the URL (or with a request), shown in a banner.
    pub errors: Vec<String>,
    pub notes: VecDeque<Note>,
    pub drops: VecDeque<Dropped>,
    /// Nodes picked for "partition selected | rest".
    pub selected: BTreeSet<NodeId>,
    /// The node whose menu is open.
    pub menu: Option<NodeId>,
    pub share: ShareView,
    /// A link's run to its `t=`: running, or how it ended early (until dismissed). `None` once
    /// it reached its instant.
    pub replay: Option<Replay>,
    /// What the run did, for the diagram and for the feed at any instant travelled to.
    pub history: History,
    /// Checkpoints of the run, for time travel.
    travel: Checkpoints<P>,
    /// The run's frontier, while `sim` shows an earlier step of it.
    head: Option<Box<Sim<P>>>,
    /// The notes feed and drop flashes at each checkpoint, by step (a landing starts from them).
    feeds: Vec<Feed>,
    /// Where a fault clicked in the past forked the run, until dismissed.
    pub fork: Option<Fork>,
    /// The run with a bug switch flipped, beside this one.
    pub compare: Option<Compare>,
    /// The space-time diagram's window and filters.
    pub diagram: super::diagram::DiagramState,
    /// How long the viewer's last drag of the slider took to land, in ms (the page measures it).
    pub landing_ms: Option<f64>,
    /// The message the viewer last asked about, and what it carried.
    detail: Option<(u64, String)>,
    /// The query last written to the address bar, so unchanged state writes nothing.
    written: crate::url::Written,
    /// Each preset's scenario, decoded once: the page asks which preset is showing every frame.
    presets: Vec<(&'static Preset, Scenario)>,
    /// "Check from here": its form and the search running or last run.
    pub check: super::check::CheckState,
}

/// The view keys, with the page's own default speed where the link names none (or a bad one).
fn view_opts<P: Playground>(view: &std::collections::BTreeMap<String, String>) -> (ViewOpts, Vec<String>) {
    let (mut opts, errors) = parse_view(view);
    let named = view.get("speed").and_then(|v| v.parse::<f64>().ok());
    if !named.is_some_and(|s| (MIN_SPEED..=MAX_SPEED).contains(&s)) {
        opts.speed = P::SPEED;
    }
    (opts, errors)
}

/// Whether a query names key `key` (`p=...`).
pub fn has_key(query: &str, key: &str) -> bool {
    query.trim_start_matches('?').split('&').any(|pair| pair.split('=').next() == Some(key))
}

impl<P: Playground> Model<P> {
    /// Builds the page from a query string (with or without `?`; without `p=` it is this page's
    /// protocol). A bad query is reported in `errors` and the default scenario runs instead;
    /// `t=` runs to that instant and pauses.
    pub fn from_query(query: &str) -> Self {
        let query = query.trim_start_matches('?');
        let full =
            if has_key(query, "p") { query.to_owned() } else { format!("p={}&{query}", P::KIND.name()) };
        let fallback = || Scenario::default_for(P::KIND);
        let (scenario, opts, errors) = match url::decode(&full) {
            Ok(d) if d.scenario.protocol != P::KIND => {
                let (opts, _) = view_opts::<P>(&d.view);
                let (kind, title) = (d.scenario.protocol.name(), P::TITLE.get());
                let msg = trf!(
                    "This link is a {kind} scenario, but this is the {title} page. Showing the default {title} scenario instead.",
                    "这个链接是 {kind} 的场景，但本页是 {title}。改为显示 {title} 的默认场景。"
                );
                (fallback(), opts, vec![msg])
            }
            Ok(d) => {
                let (opts, errs) = view_opts::<P>(&d.view);
                (d.scenario, opts, errs)
            }
            Err(e) => {
                let opts = ViewOpts { embed: salvage_embed(query), speed: P::SPEED, ..ViewOpts::default() };
                (fallback(), opts, vec![link_problem(&e.field, &crate::i18n::zh_core::msg(&e.message))])
            }
        };
        let mut m = Model::new(scenario, opts.speed, opts.embed);
        m.boot();
        m.errors = errors;
        m.show_diagram = opts.diagram;
        if let Some(id) = &opts.learn {
            match crate::learn::step(id) {
                Some(step) if step.source.page() == P::KIND.name() => {
                    m.learn = Some(step);
                    m.learn_script = step.script();
                }
                Some(_) => {}
                None => {
                    let id = halab_core::scenario::units::shorten(id);
                    let why = trf!(
                        "there is no step \"{id}\" in the guided path",
                        "入门路线中没有 \"{id}\" 这一步"
                    );
                    m.errors.push(crate::url::view_problem("learn", &why));
                }
            }
        }
        if let Some(t) = opts.t {
            m.start_replay(t);
            m.replay_slice(FIRST_REPLAY_STEPS);
        }
        m.written.set(m.query());
        m
    }

    fn new(scenario: Scenario, speed: f64, embed: bool) -> Self {
        let sim = P::sim(&scenario);
        Model {
            scenario,
            view_time: 0.0,
            playing: true,
            speed: speed.clamp(MIN_SPEED, MAX_SPEED),
            embed,
            show_diagram: false,
            learn: None,
            learn_script: Vec::new(),
            goal_reached: false,
            keys_help: false,
            errors: Vec::new(),
            notes: VecDeque::new(),
            drops: VecDeque::new(),
            selected: BTreeSet::new(),
            menu: None,
            share: ShareView::Idle,
            replay: None,
            history: history_of(&sim),
            travel: Checkpoints::new(&sim),
            head: None,
            feeds: Vec::new(),
            fork: None,
            compare: None,
            diagram: super::diagram::DiagramState::new(P::DIAGRAM_SPAN),
            landing_ms: None,
            detail: None,
            written: crate::url::Written::default(),
            presets: P::PRESETS
                .iter()
                .filter_map(|p| Some((p, url::decode(p.query).ok()?.scenario)))
                .collect(),
            check: super::check::CheckState::default(),
            sim,
        }
    }

    /// The scenario and view settings as a query (without `?` and without `t=`).
    pub fn query(&self) -> String {
        let mut q = url::encode(&self.scenario);
        if (self.speed - P::SPEED).abs() > 1e-9 {
            q.push_str("&speed=");
            q.push_str(&format_speed(self.speed));
        }
        if self.embed {
            q.push_str("&embed=1");
        }
        if self.show_diagram {
            q.push_str("&view=diagram");
        }
        if let Some(step) = self.learn {
            q.push_str("&learn=");
            q.push_str(step.id);
        }
        q
    }

    /// The query to write to the address bar if it changed since the last call.
    pub fn take_url_change(&mut self) -> Option<String> {
        self.written.change(self.query())
    }

    /// The query for Share: the current URL plus `t=` now. Finishes the current instant first
    /// (a Step can leave events of the same microsecond queued), so that a fresh run to `t`
    /// lands on exactly this state.
    pub fn share_query(&mut self) -> String {
        if let Some(r) = self.replay.filter(|r| r.status == ReplayStatus::Running) {
            // Still on the way: the link means the instant it is replaying to.
            return format!("{}&t={}", self.query(), format_duration(r.target));
        }
        let now = self.sim.now();
        if self.sim.violation().is_none() && self.sim.next_time() == Some(now) {
            self.run_to(now);
        }
        format!("{}&t={}", self.query(), format_duration(self.sim.now()))
    }

    pub fn violated(&self) -> bool {
        self.sim.violation().is_some()
    }

    /// Applies a keyboard shortcut.
    pub fn key(&mut self, key: super::keys::Shortcut) {
        use super::keys::Shortcut;
        match key {
            Shortcut::Play => self.toggle_play(),
            Shortcut::Forward => self.step(),
            Shortcut::Back => self.step_back(),
            Shortcut::Latest => self.back_to_frontier(),
            Shortcut::Faster => self.set_speed(self.speed * 2.0),
            Shortcut::Slower => self.set_speed(self.speed / 2.0),
            Shortcut::Help => self.keys_help = !self.keys_help,
            Shortcut::Close => {
                self.menu = None;
                self.keys_help = false;
            }
        }
    }

    /// Judges the guided path's goal, if this run is a step; true the first time it is reached
    /// (reaching it is kept: stepping back in time does not undo it).
    pub fn check_goal(&mut self) -> bool {
        let Some(step) = self.learn else { return false };
        if self.goal_reached {
            return false;
        }
        let clicked = crate::learn::added(&self.scenario.faults, &self.learn_script);
        let reached = match step.goal {
            crate::learn::Goal::Violation => self.violated(),
            goal => P::goal(self, goal, &clicked),
        };
        self.goal_reached = reached;
        reached
    }

    // -----------------------------------------------------------------------------------------
    // Replaying a link to its `t=`

    /// Starts replaying to `t`, paused, within the replay limits: a `t` past what the scenario
    /// can replay in a few seconds is brought back to [`replay::max_t`], with a message.
    fn start_replay(&mut self, t: Micros) {
        let max = replay::max_t(&self.scenario, MAX_T);
        let target = if t > max {
            let (asked, load, most) =
                (replay::secs(t), replay::describe_load(&self.scenario), replay::secs(max));
            self.errors.push(trf!(
                "This link asks for t = {asked}, too far to replay for {load}: a link may ask for at most {most}, \
                 which opens in a few seconds. Showing {most} instead.",
                "这个链接要求 t = {asked}，对这个场景（{load}）来说回放太远：链接最多只能要求 {most}（几秒内即可打开）。\
                 改为显示 {most}。"
            ));
            max
        } else {
            t
        };
        self.playing = false;
        self.replay = Some(Replay {
            target,
            work: 0.0,
            work_limit: replay::work_limit(),
            status: ReplayStatus::Running,
        });
    }

    /// Whether a link's replay is still running (the page then calls [`Model::replay_slice`]
    /// instead of [`Model::frame`]).
    pub fn replaying(&self) -> bool {
        self.replay.is_some_and(|r| r.status == ReplayStatus::Running)
    }

    /// Runs at most `steps` more steps of the replay; returns whether it is still running. On
    /// reaching its `t` it lands exactly where `sim.run_until(t)` would (every event due by
    /// then processed, the clock at `t`) and pauses there.
    pub fn replay_slice(&mut self, steps: u64) -> bool {
        let Some(mut r) = self.replay.filter(|r| r.status == ReplayStatus::Running) else {
            return false;
        };
        let work = replay::event_work(P::KIND);
        let mut left = steps;
        while self.sim.violation().is_none() && self.sim.next_time().is_some_and(|at| at <= r.target) {
            if left == 0 {
                break;
            }
            if r.work >= r.work_limit {
                r.status = ReplayStatus::Limit;
                break;
            }
            if !self.advance(r.target) {
                break;
            }
            r.work += work;
            left -= 1;
        }
        let arrived = self.sim.violation().is_some() || self.sim.next_time().is_none_or(|at| at > r.target);
        if arrived {
            // Nothing more is due by `target`: this only moves the clock there.
            self.run_to(r.target);
            self.replay = None;
        } else {
            self.replay = Some(r);
        }
        self.view_time = self.sim.now() as f64;
        self.replaying()
    }

    /// Stops the replay where it is, paused there; the page says where.
    pub fn cancel_replay(&mut self) {
        if let Some(r) = self.replay.as_mut().filter(|r| r.status == ReplayStatus::Running) {
            r.status = ReplayStatus::Cancelled;
            self.playing = false;
            self.view_time = self.sim.now() as f64;
        }
    }

    /// Forgets how a replay ended (the viewer closed the message).
    pub fn dismiss_replay(&mut self) {
        if !self.replaying() {
            self.replay = None;
        }
    }

    /// The running replay's (target, fraction done by simulated time).
    pub fn replay_progress(&self) -> Option<(Micros, f64)> {
        let r = self.replay?;
        let done =
            if r.target == 0 { 1.0 } else { (self.sim.now() as f64 / r.target as f64).clamp(0.0, 1.0) };
        Some((r.target, done))
    }

    /// Any action on the run while a replay is running stops the replay first, where it is.
    fn settle(&mut self) {
        self.cancel_replay();
    }

    // -----------------------------------------------------------------------------------------
    // Time

    /// Advances by `real_ms` of wall time at the current speed. Returns whether anything on
    /// screen changed.
    pub fn frame(&mut self, real_ms: f64) -> bool {
        self.frame_within(real_ms, || false)
    }

    /// As [`Model::frame`], but stops stepping once `out_of_time()` says so (asked every
    /// [`TIME_CHECK_STEPS`] steps), so a frame's simulation fits its share of the frame budget;
    /// the picture then shows where the simulator really is, behind the requested speed.
    pub fn frame_within(&mut self, real_ms: f64, out_of_time: impl Fn() -> bool) -> bool {
        if !self.playing || self.violated() || self.replaying() {
            return false;
        }
        let dt = real_ms.clamp(0.0, MAX_FRAME_MS) * 1_000.0 * self.speed;
        let target = self.view_time + dt;
        let until = target.min(limits::MAX_TIME as f64) as Micros;
        let mut budget = FRAME_STEP_BUDGET;
        while budget > 0 && self.sim.next_time().is_some_and(|at| at <= until) {
            if !self.advance(until) {
                break;
            }
            budget -= 1;
            if budget.is_multiple_of(TIME_CHECK_STEPS) && out_of_time() {
                budget = 0;
            }
        }
        if budget == 0 || self.violated() {
            // Out of budget (or stopped): show where the simulator really is.
            self.view_time = self.sim.now() as f64;
        } else {
            self.run_to(until);
            self.view_time = target.max(self.sim.now() as f64);
        }
        if self.violated() {
            self.playing = false;
        }
        true
    }

    pub fn toggle_play(&mut self) {
        self.settle();
        self.playing = !self.playing && !self.violated();
        if self.playing {
            // Running on from where a replay stopped: its message is out of date.
            self.dismiss_replay();
        }
        self.menu = None;
    }

    /// Processes exactly one queued event and pauses there.
    pub fn step(&mut self) {
        self.settle();
        self.playing = false;
        if self.advance(Micros::MAX) {
            self.view_time = self.view_time.max(self.sim.now() as f64);
        }
    }

    pub fn set_speed(&mut self, speed: f64) {
        if speed.is_finite() {
            self.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Restarts

    /// Runs the scenario again from t = 0 (after a change to it).
    pub fn restart(&mut self) {
        self.sim = P::sim(&self.scenario);
        self.view_time = 0.0;
        self.playing = true;
        self.notes.clear();
        self.drops.clear();
        self.selected.clear();
        self.menu = None;
        self.share = ShareView::Idle;
        self.replay = None;
        self.history = history_of(&self.sim);
        self.travel = Checkpoints::new(&self.sim);
        self.head = None;
        self.fork = None;
        self.compare = None;
        self.detail = None;
        self.diagram.hover = None;
        // A search of the old run would script its counterexample into the new one.
        self.check.run = None;
        self.boot();
    }

    /// Takes in what the cluster's boot recorded (step 0), as a step would.
    fn boot(&mut self) {
        let n = self.sim.trace().recent().len();
        self.fold(n);
        record_step(&mut self.history, &self.sim, n);
        self.feeds = vec![Feed { step: 0, notes: self.notes.clone(), drops: self.drops.clone() }];
    }

    /// Changes protocol parameters; if that changed the scenario, runs it again from t = 0
    /// with the same fault script.
    pub fn reconfigure(&mut self, change: impl FnOnce(&mut Scenario)) {
        let before = self.scenario.clone();
        change(&mut self.scenario);
        P::fit(&mut self.scenario);
        if self.scenario.validate().is_err() {
            self.scenario = before;
        } else if self.scenario != before {
            self.restart();
        }
    }

    /// Replaces the run with the scenario in `query` (a preset), keeping speed and embedding.
    pub fn load(&mut self, query: &str) {
        let (speed, embed, diagram) = (self.speed, self.embed, self.show_diagram);
        let written = std::mem::take(&mut self.written);
        *self = Model::from_query(query);
        self.speed = speed;
        self.embed = embed;
        self.show_diagram = diagram;
        self.written = written;
    }

    /// The preset the current scenario is, if it is one unchanged.
    pub fn preset(&self) -> Option<&'static Preset> {
        self.presets.iter().find(|(_, s)| *s == self.scenario).map(|(p, _)| *p)
    }

    /// Loads the preset with this id.
    pub fn load_preset(&mut self, id: &str) {
        if let Some(p) = P::PRESETS.iter().find(|p| p.id == id) {
            self.load(p.query);
        }
    }

    /// A new seed with the same parameters (keeping the loss currently set) and no faults.
    pub fn new_seed(&mut self, seed: u64) {
        self.scenario.net.loss_ppm = self.loss_ppm();
        self.scenario.seed = seed;
        self.scenario.faults.clear();
        self.restart();
    }

    /// Resizes the cluster, dropping scripted faults that name nodes that no longer exist.
    pub fn set_nodes(&mut self, n: u8) {
        let (lo, hi) = P::KIND.node_range();
        let n = n.clamp(lo, hi);
        if n == self.scenario.nodes {
            return;
        }
        self.scenario.nodes = n;
        self.scenario.faults.retain_mut(|s| s.fault.restrict_to(n));
        P::fit(&mut self.scenario);
        self.restart();
    }

    /// Flips a bug switch (by its URL name) and reruns the same fault script.
    pub fn toggle_bug(&mut self, name: &str) {
        if let Some(flag) = P::bug_flag(&mut self.scenario, name) {
            *flag = !*flag;
            self.restart();
        }
    }

    pub fn bug_on(&self, name: &str) -> bool {
        let mut copy = self.scenario.clone();
        P::bug_flag(&mut copy, name).is_some_and(|f| *f)
    }

    // -----------------------------------------------------------------------------------------
    // Faults

    /// Injects a fault now and records it in the scenario, so the URL replays it. While paused
    /// the fault is applied at once, so a click shows its effect without pressing play.
    pub fn inject(&mut self, fault: Fault) {
        self.menu = None;
        self.settle();
        if self.violated() {
            return;
        }
        if self.scenario.faults.len() >= limits::MAX_FAULTS {
            let max = limits::MAX_FAULTS;
            let msg = trf!(
                "The fault script is full ({max} faults); start a new run to inject more.",
                "故障脚本已满（{max} 个故障）；开始一次新的运行才能继续注入。"
            );
            if !self.errors.contains(&msg) {
                self.errors.push(msg);
            }
            return;
        }
        if self.head.is_some() {
            self.fork_here();
        }
        // The compared run has the old script.
        self.compare = None;
        let at = self.sim.inject_at(self.click_instant(), fault.clone());
        self.travel.inject_at(at, &fault);
        self.scenario.push_fault(at, fault);
        if !self.playing {
            self.run_to(at);
            self.view_time = self.view_time.max(self.sim.now() as f64);
            if self.violated() {
                self.view_time = self.sim.now() as f64;
            }
        }
    }

    /// When a fault clicked now takes effect: the next whole millisecond, later than everything
    /// simulated so far and a readable instant in the URL (`@2.001s`, not `@2.000001s`).
    pub fn click_instant(&self) -> Micros {
        (self.sim.now() / MS + 1) * MS
    }

    /// Sends a client write where the protocol says; nothing for a protocol whose clients make
    /// their own work (a `write:` fault would not validate there).
    pub fn client_write(&mut self) {
        if !P::KIND.takes_writes() {
            self.menu = None;
            return;
        }
        let (to, _) = P::write_target(self);
        self.inject(Fault::Write(to));
    }

    /// Cuts both directions of a link, or mends them if both are cut.
    pub fn toggle_link(&mut self, a: NodeId, b: NodeId) {
        if a == b || self.scenario.faults.len() + 2 > limits::MAX_FAULTS {
            return;
        }
        let net = self.sim.network();
        if net.is_blocked(a, b) && net.is_blocked(b, a) {
            self.inject(Fault::Mend(a, b));
            self.inject(Fault::Mend(b, a));
        } else {
            self.inject(Fault::Cut(a, b));
            self.inject(Fault::Cut(b, a));
        }
    }

    /// Cuts a node off from everyone (a partition in which it is in no group).
    pub fn isolate(&mut self, x: NodeId) {
        let others = (0..self.scenario.nodes).filter(|&i| i != x).collect();
        self.inject(Fault::Partition(vec![others]));
    }

    pub fn partition_selected(&mut self) {
        let (sel, rest): (Vec<NodeId>, Vec<NodeId>) =
            (0..self.scenario.nodes).partition(|i| self.selected.contains(i));
        if sel.is_empty() || rest.is_empty() {
            return;
        }
        self.selected.clear();
        self.inject(Fault::Partition(vec![sel, rest]));
    }

    /// The loss probability now, counting a change injected but not yet applied (while playing,
    /// a fault lands on the next frame).
    pub fn loss_ppm(&self) -> u32 {
        let now = self.click_instant();
        self.scenario
            .faults
            .iter()
            .rev()
            .skip_while(|s| s.at > now)
            .find_map(|s| match s.fault {
                Fault::SetLoss(p) => Some(p),
                _ => None,
            })
            .map_or(self.sim.network().config.loss_ppm, |p| p.min(1_000_000))
    }

    /// Loss in parts per million; mid-run changes are faults, so they replay.
    pub fn set_loss(&mut self, ppm: u32) {
        let ppm = ppm.min(1_000_000);
        if ppm != self.loss_ppm() {
            self.inject(Fault::SetLoss(ppm));
        }
    }

    pub fn toggle_selected(&mut self, x: NodeId) {
        if !self.selected.remove(&x) {
            self.selected.insert(x);
        }
        self.menu = None;
    }

    pub fn open_menu(&mut self, x: NodeId) {
        self.menu = (self.menu != Some(x) && x < self.scenario.nodes).then_some(x);
    }

    /// Runs a node-menu action by its key (see `view::menu_items`).
    pub fn menu_action(&mut self, x: NodeId, key: &str) {
        match key {
            "crash" => self.inject(Fault::Crash(x)),
            "restart" => self.inject(Fault::Restart(x)),
            "pause" => self.inject(Fault::Pause(x, P::PAUSE)),
            "isolate" => self.isolate(x),
            "write" if P::KIND.takes_writes() => self.inject(Fault::Write(x)),
            "drift-fast" if P::CLOCKS => self.inject(Fault::ClockDrift(x, MENU_DRIFT_PPM)),
            "drift-slow" if P::CLOCKS => self.inject(Fault::ClockDrift(x, -MENU_DRIFT_PPM)),
            "drift-true" if P::CLOCKS => self.inject(Fault::ClockDrift(x, 0)),
            "select" => self.toggle_selected(x),
            "slow" | "failfast" | "recover" if self.sim.cluster().protocol.degradable(x) => {
                let how = match key {
                    "slow" => Degrade::Slow(super::view::MENU_SLOW_FACTOR),
                    "failfast" => Degrade::FailFast,
                    _ => Degrade::Recover,
                };
                self.inject(Fault::Degrade(x, how));
            }
            _ => self.menu = None,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Stepping and recording

    /// One step of the run, if one is due by `limit`; at the frontier it is recorded (history,
    /// notes, drops, checkpoints). Returns whether a step was taken.
    fn advance(&mut self, limit: Micros) -> bool {
        if self.head.as_ref().is_some_and(|h| h.steps() <= self.sim.steps()) {
            // Landed on the frontier's own step (at an earlier clock reading): this is the run.
            self.head = None;
        }
        let Some(n) = self.sim.step_until(limit).map(|rec| rec.iter().len()) else { return false };
        self.fold(n);
        if self.head.is_some() {
            // Re-running the recorded past: nothing new to record. Caught up, the copy is the run.
            if self.head.as_ref().is_some_and(|h| h.steps() <= self.sim.steps()) {
                self.head = None;
            }
        } else {
            record_step(&mut self.history, &self.sim, n);
            self.travel.observe(&self.sim);
            let step = self.sim.steps();
            if self.travel.last_step() == step && self.feeds.last().is_none_or(|f| f.step != step) {
                let travel = &self.travel;
                self.feeds.retain(|f| travel.holds(f.step));
                self.feeds.push(Feed { step, notes: self.notes.clone(), drops: self.drops.clone() });
            }
        }
        if let Some(v) = self.sim.violation() {
            // The run stopped on a broken invariant: the diagram shows the events that led there.
            let from = v.recent.first().map_or(v.time, |e| e.time);
            self.diagram.focus(from, v.time);
        }
        true
    }

    /// Folds the `n` trace events of the step just taken into the notes feed and drop flashes.
    fn fold(&mut self, n: usize) {
        let nodes = self.scenario.nodes;
        let mut notes = Vec::new();
        for ev in self.sim.trace().latest(n) {
            match &ev.kind {
                TraceKind::Note { kind, text, .. } => notes.push(Note::of(ev.time, note_kind(*kind), text)),
                TraceKind::Fault(f) => {
                    let protocol = &self.sim.cluster().protocol;
                    let text = super::view::describe_fault_as(f, nodes, |x| protocol.node_name(x));
                    notes.push(Note { time: ev.time, kind: "fault", text, subject: None });
                }
                TraceKind::Drop { from, to, .. } => {
                    if self.drops.len() == DROPS_CAP {
                        self.drops.pop_front();
                    }
                    self.drops.push_back(Dropped { time: ev.time, from: *from, to: *to });
                }
                _ => {}
            }
        }
        for note in notes {
            self.push_note(note);
        }
    }

    /// Steps through everything due by `t`, then moves the clock to `t` (as `Sim::run_until`).
    fn run_to(&mut self, t: Micros) {
        while self.advance(t) {}
        self.sim.run_until(t);
    }

    fn push_note(&mut self, note: Note) {
        // "node 1 committed up to index 9" followed by "node 1 ... index 10": keep only the
        // newest, so a steady stream of writes does not push elections and faults out of the feed.
        if let Some(top) = self.notes.front_mut() {
            if note.kind == "commit"
                && top.kind == "commit"
                && note.subject.is_some()
                && top.subject == note.subject
            {
                *top = note;
                return;
            }
        }
        if self.notes.len() == NOTES_CAP {
            self.notes.pop_back();
        }
        self.notes.push_front(note);
    }

    // -----------------------------------------------------------------------------------------
    // Time travel

    /// Whether the page shows an earlier instant than the run's frontier.
    pub fn in_past(&self) -> bool {
        self.head.is_some()
    }

    /// The run's frontier: its step count and instant.
    pub fn frontier(&self) -> (u64, Micros) {
        let s = self.head.as_deref().unwrap_or(&self.sim);
        (s.steps(), s.now())
    }

    /// Shows the run at instant `t` (everything due by then processed), paused.
    pub fn travel_to_time(&mut self, t: Micros) {
        let (_, end) = self.frontier();
        if t >= end {
            self.back_to_frontier();
        } else {
            let start = self.travel.before_time(t);
            self.land(start, |m| {
                while let Some(n) = m.sim.step_until(t).map(|r| r.iter().len()) {
                    m.fold(n);
                }
                m.sim.run_until(t);
            });
        }
    }

    /// Shows the run right after step `k`, paused.
    pub fn travel_to_step(&mut self, k: u64) {
        let (last, _) = self.frontier();
        if k >= last {
            self.back_to_frontier();
        } else {
            let start = self.travel.before_step(k);
            self.land(start, |m| m.walk_to(k));
        }
    }

    /// Steps the sim on screen to step `k`, taking each step into the feed.
    fn walk_to(&mut self, k: u64) {
        while self.sim.steps() < k {
            let Some(n) = self.sim.step().map(|r| r.iter().len()) else { break };
            self.fold(n);
        }
    }

    /// One event back.
    pub fn step_back(&mut self) {
        if self.sim.steps() > 0 {
            self.travel_to_step(self.sim.steps() - 1);
        }
    }

    /// Back to where the run had got, paused.
    pub fn back_to_frontier(&mut self) {
        if let Some(head) = self.head.take() {
            // The frontier's feed: from its last checkpoint, through the steps since.
            let last = head.steps();
            self.sim = *head;
            let start = self.travel.before_step(last);
            self.land(start, |m| m.walk_to(last));
            if let Some(head) = self.head.take() {
                self.sim = *head;
            }
        } else {
            self.settle();
            self.playing = false;
            self.menu = None;
        }
        self.view_time = self.sim.now() as f64;
        self.diagram.reveal(self.sim.now());
    }

    /// Shows the run from checkpoint `start` on, as `walk` steps it to the target, paused there;
    /// the feed starts from the checkpoint's and takes in every step on the way, as the run did.
    fn land(&mut self, start: Sim<P>, walk: impl FnOnce(&mut Self)) {
        self.settle();
        self.playing = false;
        self.menu = None;
        let at = self.feeds.partition_point(|f| f.step < start.steps());
        let feed = self.feeds.get(at).filter(|f| f.step == start.steps());
        self.notes = feed.map(|f| f.notes.clone()).unwrap_or_default();
        self.drops = feed.map(|f| f.drops.clone()).unwrap_or_default();
        let old = std::mem::replace(&mut self.sim, start);
        if self.head.is_none() {
            self.head = Some(Box::new(old));
        }
        walk(self);
        self.view_time = self.sim.now() as f64;
        self.diagram.reveal(self.sim.now());
    }

    /// A fault clicked in the past: the run continues from here, its script cut after now and
    /// what the old run did later forgotten (as RaftScope does).
    fn fork_here(&mut self) {
        let Some(head) = self.head.take() else { return };
        let (now, step) = (self.sim.now(), self.sim.steps());
        let cut = self.scenario.faults.iter().filter(|s| s.at > now).count();
        self.scenario.faults.retain(|s| s.at <= now);
        self.sim.cancel_faults_after(now);
        self.travel.fork(step, now);
        let travel = &self.travel;
        self.feeds.retain(|f| travel.holds(f.step));
        self.history.truncate_after(step);
        // The abandoned future may have pushed the fork's own past out of the record (it is
        // bounded): record the diagram's window before the fork again.
        let window = self.diagram.span.max(SEC);
        if now > window && self.history.arrows.front().is_none_or(|a| a.sent > now - window) {
            let mut sim = self.travel.before_time(now - window);
            let mut history = history_of(&sim);
            while sim.steps() < step {
                let Some(n) = sim.step().map(|r| r.iter().len()) else { break };
                record_step(&mut history, &sim, n);
            }
            self.history = history;
        }
        self.fork = Some(Fork { at: now, cut, dropped_until: head.now() });
        self.compare = None;
        self.detail = None;
        self.diagram.hover = None;
    }

    /// The pointer is on message `id`: reads what it carried.
    pub fn hover(&mut self, id: u64) {
        self.diagram.hover = Some(id);
        self.message_detail(id);
    }

    /// Shows only messages labelled `label` (empty: all).
    pub fn show_only(&mut self, label: &str) {
        self.diagram.only = self.history.labels.iter().copied().find(|l| *l == label);
    }

    /// Shows or hides node `n`'s lane.
    pub fn toggle_lane(&mut self, n: NodeId) {
        if !self.diagram.hidden.remove(&n) {
            self.diagram.hidden.insert(n);
        }
    }

    /// The last [`TRACE_EXPORT_STEPS`] steps up to the instant on screen as text, one line per
    /// event, after a header with the link that replays them: for bug reports.
    pub fn text_trace(&self) -> String {
        use std::fmt::Write;
        let end = self.sim.steps();
        let from = end.saturating_sub(TRACE_EXPORT_STEPS);
        let mut sim = self.travel.at_step(from);
        let mut out = String::new();
        let link = format!("?{}&t={}", self.query(), format_duration(self.sim.now()));
        let _ = writeln!(out, "# HA Lab trace: {} /{}{link}", P::TITLE.en, P::KIND.name());
        let _ = writeln!(
            out,
            "# steps {}..{} of the run, t = {} s, trace hash {:016x}",
            sim.steps(),
            end,
            self.sim.now() as f64 / 1e6,
            self.sim.trace().hash()
        );
        let nodes = self.scenario.nodes;
        while sim.steps() < end {
            let Some(rec) = sim.step() else { break };
            for e in rec.iter() {
                let _ = writeln!(
                    out,
                    "{:>8} {:>12.6} s  {}",
                    e.step,
                    e.time as f64 / 1e6,
                    super::view::describe_event_en(e, nodes)
                );
            }
        }
        if let Some(v) = self.sim.violation() {
            let _ = writeln!(out, "# violation at step {}: {}", v.step, v);
        }
        out
    }

    /// Runs the same seed and faults with bug switch `bug` flipped, to the instant on screen, and
    /// finds the first event where the two runs differ. An empty or unknown name ends it.
    pub fn compare_with(&mut self, bug: &str) {
        let Some(&(name, _)) = P::BUGS.iter().find(|(n, _)| *n == bug) else {
            self.compare = None;
            return;
        };
        let mut other = self.scenario.clone();
        let Some(flag) = P::bug_flag(&mut other, name) else { return };
        *flag = !*flag;
        let on = *flag;
        let end = self.sim.steps();
        if end > MAX_COMPARE_STEPS {
            let head = tr!("Compare runs", "对比运行");
            self.errors.retain(|e| !e.starts_with(head));
            let (max, at) = (replay::thousands(MAX_COMPARE_STEPS), replay::thousands(end));
            self.errors.push(trf!(
                "Compare runs both runs from the start, up to {max} events; this one is at event {at}. \
                 Travel back to an earlier instant to compare there.",
                "对比运行会把两次运行都从头跑起，最多 {max} 个事件；这次运行已到第 {at} 个事件。\
                 请回到更早的时刻再对比。"
            ));
            return;
        }
        let until = self.sim.now();
        let mut ours = self.travel.at_step(0);
        let mut theirs = P::sim(&other);
        let mut history = history_of(&theirs);
        let mut diverged = None;
        let nodes = self.scenario.nodes;
        while diverged.is_none() && ours.steps() < end {
            let a: Vec<_> = ours.step().map(|r| r.iter().cloned().collect()).unwrap_or_default();
            let n = theirs.step().map(|r| r.iter().len());
            let b: Vec<_> = n.map(|n| theirs.trace().latest(n).cloned().collect()).unwrap_or_default();
            if let Some(n) = n {
                record_step(&mut history, &theirs, n);
            }
            // The hash takes what each message carries too, which the events leave out (a Vote
            // granted or refused is one `Vote`).
            if a != b || ours.trace().hash() != theirs.trace().hash() {
                let detail = |sim: &Sim<P>, e: &halab_core::sim::trace::TraceEvent| {
                    let said = super::view::describe_event(e, nodes);
                    let TraceKind::Send { msg, .. } = e.kind else { return said };
                    match sim.in_flight().iter().find(|f| f.id == msg) {
                        Some(f) => {
                            let d = crate::i18n::zh_core::msg(&f.msg.detail());
                            trf!("{said}: {d}", "{said}：{d}")
                        }
                        None => said,
                    }
                };
                let k = (0..a.len().max(b.len()))
                    .find(|&k| {
                        a.get(k) != b.get(k)
                            || a.get(k).map(|e| detail(&ours, e)) != b.get(k).map(|e| detail(&theirs, e))
                    })
                    .unwrap_or(0);
                let at = a.get(k).or(b.get(k));
                diverged = Some(Divergence {
                    step: at.map_or(ours.steps(), |e| e.step),
                    time: at.map_or(ours.now(), |e| e.time),
                    ours: a.get(k).map(|e| detail(&ours, e)),
                    theirs: b.get(k).map(|e| detail(&theirs, e)),
                });
            }
            if a.is_empty() && b.is_empty() {
                break;
            }
        }
        while theirs.now() < until && theirs.steps() < MAX_COMPARE_STEPS {
            let Some(n) = theirs.step_until(until).map(|r| r.iter().len()) else { break };
            record_step(&mut history, &theirs, n);
        }
        if theirs.steps() < MAX_COMPARE_STEPS {
            theirs.run_until(until);
        }
        self.compare =
            Some(Compare { bug: name, on, history, step: theirs.steps(), now: theirs.now(), diverged });
    }

    /// What the message under the pointer carried, once [`Model::message_detail`] read it.
    pub fn hover_detail(&self) -> Option<&str> {
        let id = self.diagram.hover?;
        self.detail.as_ref().filter(|(k, _)| *k == id).map(|(_, t)| t.as_str())
    }

    /// What message `id` carried, read from the run as it was when the message was sent.
    pub fn message_detail(&mut self, id: u64) -> Option<String> {
        if let Some((k, text)) = &self.detail {
            if *k == id {
                return Some(text.clone());
            }
        }
        let sent = self.history.arrow(id)?.sent_step;
        let find = |sim: &Sim<P>| {
            sim.in_flight().iter().find(|f| f.id == id).map(|f| crate::i18n::zh_core::msg(&f.msg.detail()))
        };
        let text = find(&self.sim).or_else(|| find(&self.travel.at_step(sent)))?;
        self.detail = Some((id, text.clone()));
        Some(text)
    }
}

/// A note's kind as the feed styles it.
fn note_kind(kind: NoteKind) -> &'static str {
    match kind {
        NoteKind::Role => "role",
        NoteKind::Commit => "commit",
        NoteKind::Client => "client",
        NoteKind::Info => "info",
    }
}

/// `crashed`, `paused`, or the protocol's role for a live node, at the sim's instant.
pub fn role_at<P: Playground>(sim: &Sim<P>, i: usize) -> &'static str {
    let node = &sim.cluster().nodes[i];
    match &node.state {
        None => "crashed",
        Some(_) if node.paused_until.is_some_and(|u| u > sim.now()) => "paused",
        Some(s) => sim.cluster().protocol.role(s),
    }
}

/// Folds the `n` trace events of `sim`'s last step into `history`, with the roles of the nodes
/// the step touched.
fn record_step<P: Playground>(history: &mut History, sim: &Sim<P>, n: usize) -> super::history::Touched {
    let nodes = sim.cluster().len() as u8;
    let protocol = &sim.cluster().protocol;
    let touched = history.record(sim.trace().latest(n), |f| {
        super::view::describe_fault_as(f, nodes, |x| protocol.node_name(x))
    });
    let (now, step) = (sim.now(), sim.steps());
    for x in 0..nodes {
        if touched.has(x) {
            history.role(x, role_at(sim, usize::from(x)), now, step);
        }
    }
    touched
}

/// An empty record of `sim`'s run, with every node's role at its start.
fn history_of<P: Playground>(sim: &Sim<P>) -> History {
    History::new((0..sim.cluster().len()).map(|i| role_at(sim, i)))
}

#[cfg(test)]
mod check_tests;
#[cfg(test)]
mod learn_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod travel_tests;
