//! The Raft page's state: the scenario, the running `Sim`, and what the viewer chose (speed,
//! play/pause, selection). Pure Rust with no DOM access, so every action is unit-tested natively;
//! the component only forwards events here and renders [`super::view`]s of it.

use crate::url::{format_speed, parse_view, ViewOpts, DEFAULT_SPEED, MAX_SPEED, MIN_SPEED};
use crate::widgets::controls::ShareView;
use halab_core::protocol::{Micros, NodeId, SEC};
use halab_core::raft::Raft;
use halab_core::scenario::presets::{Preset, RAFT_PRESETS};
use halab_core::scenario::units::format_duration;
use halab_core::scenario::{limits, url, ProtocolKind, Scenario};
use halab_core::sim::fault::Fault;
use halab_core::sim::trace::{TraceEvent, TraceKind};
use halab_core::sim::Sim;
use std::collections::{BTreeSet, VecDeque};

/// Notes kept for the feed (newest first).
pub const NOTES_CAP: usize = 60;
/// Drops remembered for the ✕ flashes; older ones have long faded.
const DROPS_CAP: usize = 64;
/// A frame never runs more simulator steps than this, so a heavy scenario at 100× slows the
/// clock down instead of freezing the tab.
pub const FRAME_STEP_BUDGET: u64 = 20_000;
/// Real time a frame may cover at most (a backgrounded tab must not leap ahead on return).
const MAX_FRAME_MS: f64 = 100.0;
/// How long the page pauses a node from its menu.
pub const PAUSE_FOR: Micros = SEC;

/// A line of the notes feed.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub time: Micros,
    /// `"fault"`, `"role"`, `"commit"`, `"client"` or `"info"`, for styling.
    pub kind: &'static str,
    pub text: String,
}

/// A message that never arrived, for the ✕ flash at its receiver.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropped {
    pub time: Micros,
    pub from: NodeId,
    pub to: NodeId,
}

/// The page model.
pub struct Model {
    pub scenario: Scenario,
    pub sim: Sim<Raft>,
    /// The instant on screen, in µs; the sim has processed everything up to its floor.
    pub view_time: f64,
    pub playing: bool,
    pub speed: f64,
    pub embed: bool,
    /// Readable problems with the URL (or with a request), shown in a banner.
    pub errors: Vec<String>,
    pub notes: VecDeque<Note>,
    pub drops: VecDeque<Dropped>,
    /// Nodes picked for "partition selected | rest".
    pub selected: BTreeSet<NodeId>,
    /// The node whose menu is open.
    pub menu: Option<NodeId>,
    pub share: ShareView,
    /// Trace events already folded into notes and drops.
    seen: u64,
    /// The query last written to the address bar, so unchanged state writes nothing.
    written: String,
}

impl Model {
    /// Builds the page from a query string (with or without `?`). A bad query is reported in
    /// `errors` and the default scenario runs instead; `t=` runs to that instant and pauses.
    pub fn from_query(query: &str) -> Model {
        let (scenario, opts, errors) = match url::decode(query) {
            Ok(d) if d.scenario.protocol != ProtocolKind::Raft => {
                let (opts, _) = parse_view(&d.view);
                let msg = format!(
                    "This link is a {} scenario, which has no page yet. Showing the default Raft scenario instead.",
                    d.scenario.protocol.name()
                );
                (Scenario::default(), opts, vec![msg])
            }
            Ok(d) => {
                let (opts, errs) = parse_view(&d.view);
                (d.scenario, opts, errs)
            }
            Err(e) => {
                let opts = ViewOpts { embed: salvage_embed(query), ..ViewOpts::default() };
                let msg = format!(
                    "This link has a problem in \u{201c}{}\u{201d}: {}. Showing the default scenario instead.",
                    e.field, e.message
                );
                (Scenario::default(), opts, vec![msg])
            }
        };
        let mut m = Model::new(scenario, opts.speed, opts.embed);
        m.errors = errors;
        if let Some(t) = opts.t {
            m.sim.run_until(t);
            m.view_time = m.sim.now() as f64;
            m.playing = false;
            m.ingest();
        }
        m.written = m.query();
        m
    }

    fn new(scenario: Scenario, speed: f64, embed: bool) -> Model {
        let sim = scenario.raft_sim();
        Model {
            scenario,
            sim,
            view_time: 0.0,
            playing: true,
            speed: speed.clamp(MIN_SPEED, MAX_SPEED),
            embed,
            errors: Vec::new(),
            notes: VecDeque::new(),
            drops: VecDeque::new(),
            selected: BTreeSet::new(),
            menu: None,
            share: ShareView::Idle,
            seen: 0,
            written: String::new(),
        }
    }

    /// The scenario and view settings as a query (without `?` and without `t=`).
    pub fn query(&self) -> String {
        let mut q = url::encode(&self.scenario);
        if (self.speed - DEFAULT_SPEED).abs() > 1e-9 {
            q.push_str("&speed=");
            q.push_str(&format_speed(self.speed));
        }
        if self.embed {
            q.push_str("&embed=1");
        }
        q
    }

    /// The query to write to the address bar if it changed since the last call.
    pub fn take_url_change(&mut self) -> Option<String> {
        let q = self.query();
        (q != self.written).then(|| {
            self.written.clone_from(&q);
            q
        })
    }

    /// The query for Share: the current URL plus `t=` now. Finishes the current instant first
    /// (a Step can leave events of the same microsecond queued), so that a fresh run to `t`
    /// lands on exactly this state.
    pub fn share_query(&mut self) -> String {
        let now = self.sim.now();
        if self.sim.violation().is_none() && self.sim.next_time() == Some(now) {
            self.sim.run_until(now);
            self.ingest();
        }
        format!("{}&t={}", self.query(), format_duration(self.sim.now()))
    }

    pub fn violated(&self) -> bool {
        self.sim.violation().is_some()
    }

    // -----------------------------------------------------------------------------------------
    // Time

    /// Advances by `real_ms` of wall time at the current speed. Returns whether anything on
    /// screen changed.
    pub fn frame(&mut self, real_ms: f64) -> bool {
        if !self.playing || self.violated() {
            return false;
        }
        let dt = real_ms.clamp(0.0, MAX_FRAME_MS) * 1_000.0 * self.speed;
        let target = self.view_time + dt;
        let until = target.min(limits::MAX_TIME as f64) as Micros;
        let mut budget = FRAME_STEP_BUDGET;
        while budget > 0 && self.sim.next_time().is_some_and(|at| at <= until) {
            if self.sim.step().is_none() {
                break;
            }
            budget -= 1;
        }
        if budget == 0 || self.violated() {
            // Out of budget (or stopped): show where the simulator really is.
            self.view_time = self.sim.now() as f64;
        } else {
            self.sim.run_until(until);
            self.view_time = target.max(self.sim.now() as f64);
        }
        if self.violated() {
            self.playing = false;
        }
        self.ingest();
        true
    }

    pub fn toggle_play(&mut self) {
        self.playing = !self.playing && !self.violated();
        self.menu = None;
    }

    /// Processes exactly one queued event and pauses there.
    pub fn step(&mut self) {
        self.playing = false;
        if self.sim.step().is_some() {
            self.view_time = self.view_time.max(self.sim.now() as f64);
        }
        self.ingest();
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
        self.sim = self.scenario.raft_sim();
        self.view_time = 0.0;
        self.playing = true;
        self.notes.clear();
        self.drops.clear();
        self.selected.clear();
        self.menu = None;
        self.share = ShareView::Idle;
        self.seen = 0;
    }

    /// Replaces the run with the scenario in `query` (a preset), keeping speed and embedding.
    pub fn load(&mut self, query: &str) {
        let (speed, embed, written) = (self.speed, self.embed, std::mem::take(&mut self.written));
        *self = Model::from_query(query);
        self.speed = speed;
        self.embed = embed;
        self.written = written;
    }

    /// The preset the current scenario is, if it is one unchanged.
    pub fn preset(&self) -> Option<&'static Preset> {
        let current = url::encode(&self.scenario);
        RAFT_PRESETS.iter().find(|p| url::decode(p.query).is_ok_and(|d| url::encode(&d.scenario) == current))
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
        let n = n.clamp(limits::MIN_NODES, limits::MAX_NODES);
        if n == self.scenario.nodes {
            return;
        }
        self.scenario.nodes = n;
        self.scenario.faults.retain_mut(|s| s.fault.restrict_to(n));
        self.restart();
    }

    /// Flips a bug switch (by its URL name) and reruns the same fault script.
    pub fn toggle_bug(&mut self, name: &str) {
        if let Some(flag) = self.scenario.bugs.flag_mut(name) {
            *flag = !*flag;
            self.restart();
        }
    }

    pub fn bug_on(&self, name: &str) -> bool {
        self.scenario.bugs.get(name) == Some(true)
    }

    // -----------------------------------------------------------------------------------------
    // Faults

    /// Injects a fault now and records it in the scenario, so the URL replays it. While paused
    /// the fault is applied at once, so a click shows its effect without pressing play.
    pub fn inject(&mut self, fault: Fault) {
        self.menu = None;
        if self.violated() {
            return;
        }
        if self.scenario.faults.len() >= limits::MAX_FAULTS {
            let msg = format!(
                "The fault script is full ({} faults); start a new run to inject more.",
                limits::MAX_FAULTS
            );
            if !self.errors.contains(&msg) {
                self.errors.push(msg);
            }
            return;
        }
        let at = self.sim.inject(fault.clone());
        self.scenario.push_fault(at, fault);
        if !self.playing {
            self.sim.run_until(at);
            self.view_time = self.view_time.max(self.sim.now() as f64);
            if self.violated() {
                self.view_time = self.sim.now() as f64;
            }
            self.ingest();
        }
    }

    /// The node a client write goes to: the highest-term leader, else node 0.
    pub fn write_target(&self) -> NodeId {
        self.sim
            .cluster()
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.state.as_ref().map(|s| (i, s)))
            .filter(|(_, s)| s.is_leader())
            .max_by_key(|(i, s)| (s.term, std::cmp::Reverse(*i)))
            .map_or(0, |(i, _)| i as NodeId)
    }

    pub fn client_write(&mut self) {
        let to = self.write_target();
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
        let now = self.sim.now();
        self.scenario
            .faults
            .iter()
            .rev()
            .skip_while(|s| s.at > now + 1)
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
            "pause" => self.inject(Fault::Pause(x, PAUSE_FOR)),
            "isolate" => self.isolate(x),
            "write" => self.inject(Fault::Write(x)),
            "select" => self.toggle_selected(x),
            _ => self.menu = None,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Trace → notes and drops

    /// Folds trace events recorded since the last call into the notes feed and drop flashes.
    fn ingest(&mut self) {
        let trace = self.sim.trace();
        let total = trace.total();
        let fresh = (total - self.seen).min(trace.recent().len() as u64) as usize;
        self.seen = total;
        let skip = trace.recent().len() - fresh;
        let new: Vec<TraceEvent> = trace.recent().skip(skip).cloned().collect();
        for ev in new {
            match &ev.kind {
                TraceKind::Note { kind, text, .. } => {
                    let kind = match kind {
                        halab_core::protocol::NoteKind::Role => "role",
                        halab_core::protocol::NoteKind::Commit => "commit",
                        halab_core::protocol::NoteKind::Client => "client",
                        halab_core::protocol::NoteKind::Info => "info",
                    };
                    self.push_note(ev.time, kind, text.clone());
                }
                TraceKind::Fault(f) => {
                    let text = super::view::describe_fault(f, self.scenario.nodes);
                    self.push_note(ev.time, "fault", text);
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
    }

    fn push_note(&mut self, time: Micros, kind: &'static str, text: String) {
        // "node 1 committed up to index 9" followed by "... index 10": keep only the newest, so
        // a steady stream of writes does not push elections and faults out of the feed.
        if let Some(top) = self.notes.front_mut() {
            let prefix = |t: &str| t.split(" up to ").next().map(str::to_owned);
            if kind == "commit" && top.kind == "commit" && prefix(&top.text) == prefix(&text) {
                *top = Note { time, kind, text };
                return;
            }
        }
        if self.notes.len() == NOTES_CAP {
            self.notes.pop_back();
        }
        self.notes.push_front(Note { time, kind, text });
    }
}

/// Keeps `embed=1` from a query that failed to decode, so a broken embed link still looks like
/// an embed.
fn salvage_embed(query: &str) -> bool {
    query.trim_start_matches('?').split('&').any(|p| p == "embed=1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leader(m: &Model) -> Option<NodeId> {
        m.sim
            .cluster()
            .nodes
            .iter()
            .position(|n| n.state.as_ref().is_some_and(|s| s.is_leader()))
            .map(|i| i as NodeId)
    }

    #[test]
    fn bad_query_falls_back_to_default_with_a_readable_error() {
        let m = Model::from_query("?n=99&embed=1");
        assert_eq!(m.scenario, Scenario::default());
        assert!(m.embed);
        assert_eq!(m.errors.len(), 1);
        assert!(m.errors[0].contains("\u{201c}n\u{201d}"), "{}", m.errors[0]);
        let m = Model::from_query("faults=boom@1s");
        assert!(m.errors[0].contains("faults[1]"), "{}", m.errors[0]);
    }

    #[test]
    fn bad_view_keys_are_reported_but_the_scenario_still_runs() {
        let m = Model::from_query("n=3&speed=fast&t=soon");
        assert_eq!(m.scenario.nodes, 3);
        assert_eq!(m.errors.len(), 2, "{:?}", m.errors);
        assert!(m.playing);
    }

    #[test]
    fn frames_advance_time_at_the_chosen_speed() {
        let mut m = Model::from_query("speed=2");
        assert!(m.frame(50.0));
        assert_eq!(m.view_time, 100_000.0);
        assert_eq!(m.sim.now(), 100_000);
        m.toggle_play();
        assert!(!m.frame(50.0));
        m.step();
        assert!(m.sim.now() > 100_000);
        assert!(!m.playing);
    }

    /// The central promise: whatever the user clicked, in whatever frame sizes, the shared URL
    /// replays to the same trace hash at the same instant.
    #[test]
    fn a_shared_url_replays_the_same_state() {
        let mut m = Model::from_query("n=5&seed=11&speed=3");
        let mut frame = 7.0;
        for round in 0..40 {
            m.frame(frame);
            frame = (frame * 1.7) % 90.0 + 3.0;
            match round {
                5 => m.menu_action(2, "crash"),
                9 => m.toggle_link(0, 1),
                12 => {
                    m.toggle_play();
                    m.step();
                    m.step();
                    m.client_write();
                    m.step();
                    m.toggle_play();
                }
                15 => m.set_loss(100_000),
                18 => m.menu_action(2, "restart"),
                22 => {
                    m.selected = [0, 3].into();
                    m.partition_selected();
                }
                25 => m.menu_action(4, "pause"),
                30 => m.inject(Fault::Heal),
                33 => m.isolate(1),
                _ => {}
            }
        }
        m.toggle_play();
        m.step(); // leave the clock mid-instant if the next event shares it
        let q = m.share_query();
        let r = Model::from_query(&q);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert!(!r.playing);
        assert_eq!(r.sim.now(), m.sim.now(), "{q}");
        assert_eq!(r.sim.steps(), m.sim.steps(), "{q}");
        assert_eq!(r.sim.trace().hash(), m.sim.trace().hash(), "{q}");
        assert!(m.scenario.faults.len() >= 10, "{q}");
    }

    #[test]
    fn crashing_the_leader_elects_another_with_a_higher_term() {
        let mut m = Model::from_query("seed=3&speed=100");
        while leader(&m).is_none() {
            m.frame(16.0);
        }
        let old = leader(&m).unwrap_or(0);
        let term =
            |m: &Model, i: NodeId| m.sim.cluster().nodes[i as usize].state.as_ref().map_or(0, |s| s.term);
        let old_term = term(&m, old);
        m.menu_action(old, "crash");
        for _ in 0..200 {
            m.frame(16.0);
            if leader(&m).is_some_and(|l| l != old) {
                break;
            }
        }
        let new = leader(&m).expect("a new leader");
        assert_ne!(new, old);
        assert!(term(&m, new) > old_term);
        assert!(m.notes.iter().any(|n| n.kind == "fault"));
        let commits = m.notes.iter().filter(|n| n.kind == "commit").count();
        assert!(commits <= 3, "runs of commit notes are merged");
        assert!(m.notes.iter().any(|n| n.kind == "role"));
    }

    #[test]
    fn the_forget_bug_url_stops_on_a_violation() {
        let mut m = Model::from_query(
            "n=3&seed=567&el=100ms-102ms&bugs=forget&faults=crash:2@104ms,restart:2@106ms&speed=100",
        );
        for _ in 0..100 {
            m.frame(16.0);
        }
        let v = m.sim.violation().expect("a violation");
        assert_eq!(v.invariant, "election safety");
        assert!(!m.playing);
        m.toggle_play();
        assert!(!m.playing, "a violated run stays stopped");
        m.toggle_bug("forget");
        assert!(!m.violated());
        assert_eq!(m.scenario.faults.len(), 2, "the script survives a bug toggle");
    }

    #[test]
    fn resizing_drops_faults_on_missing_nodes_and_new_seed_drops_all() {
        let mut m = Model::from_query("n=5&faults=crash:4@1s,part:0.4/1.2@2s,heal@3s");
        m.set_nodes(3);
        assert_eq!(url::encode(&m.scenario), "p=raft&n=3&seed=1&faults=part:0/1.2@2s,heal@3s");
        m.set_loss(50_000);
        m.new_seed(42);
        assert_eq!(url::encode(&m.scenario), "p=raft&n=3&seed=42&loss=0.05");
    }

    #[test]
    fn url_changes_are_reported_once() {
        let mut m = Model::from_query("n=4");
        assert_eq!(m.take_url_change(), None);
        m.set_speed(1.0);
        assert_eq!(m.take_url_change().as_deref(), Some("p=raft&n=4&seed=1&speed=1"));
        assert_eq!(m.take_url_change(), None);
    }

    #[test]
    fn clicking_a_link_twice_cuts_then_mends_it() {
        let mut m = Model::from_query("n=3");
        if m.playing {
            m.toggle_play(); // paused, a click applies at once
        }
        m.toggle_link(0, 1);
        assert!(m.sim.network().is_blocked(0, 1) && m.sim.network().is_blocked(1, 0));
        m.toggle_link(1, 0);
        assert_eq!(m.sim.network().blocked().count(), 0);
        let q = url::encode(&m.scenario);
        assert!(q.contains("cut:0-1@") && q.contains("mend:1-0@"), "{q}");
    }

    #[test]
    fn a_bug_preset_loads_keeps_the_view_and_breaks_its_invariant() {
        let mut m = Model::from_query("speed=3");
        let preset = RAFT_PRESETS.iter().find(|p| p.id == "bug-fig8").unwrap();
        m.load(preset.query);
        assert_eq!(m.preset().map(|p| p.id), Some("bug-fig8"));
        assert_eq!(m.speed, 3.0);
        assert!(m.take_url_change().is_some_and(|q| q.contains("bugs=fig8")));
        m.sim.run_until(8 * SEC);
        assert_eq!(m.sim.violation().map(|v| v.invariant), preset.breaks);
        m.new_seed(77);
        assert_eq!(m.preset(), None, "a changed scenario is no longer the preset");
    }

    #[test]
    fn a_scenario_of_another_protocol_is_refused_with_a_message() {
        let m = Model::from_query("p=paxos&n=3&embed=1");
        assert_eq!(m.scenario, Scenario::default());
        assert!(m.embed);
        assert!(m.errors[0].contains("paxos scenario"), "{:?}", m.errors);
    }
}
