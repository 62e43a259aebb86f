//! The ring page's state: the [`Lab`] (which owns the scenario and everything computed from it)
//! plus what only the page has — embed mode, the banner's messages, Share, the hovered thing,
//! the circle's geometry and the comparison table. Pure Rust with no DOM access, so every action
//! is unit-tested natively; the component forwards events here and renders views of it.

use super::geometry::{CircleView, Hover};
use super::table::{measure, CompareRow};
use crate::anim::now_ms;
use crate::url::open_static_page;
use crate::widgets::controls::ShareView;
use halab_core::msg::{Arg, Msg};
use halab_core::protocol::NodeId;
use halab_core::ring::lab::{FailureReport, Lab, NEW_NODE_WEIGHT};
use halab_core::ring::stats::Loads;
use halab_core::ring::{Algorithm, Weight};
use halab_core::scenario::ring::{self, RingScenario};
use std::rc::Rc;

/// Messages kept in the banner at most (the oldest go first).
const MAX_ERRORS: usize = 4;

/// Something the viewer asked for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    AddNode,
    Remove(NodeId),
    Fail(NodeId),
    Recover(NodeId),
    Weight(NodeId, Weight),
    Vnodes(u32),
    Epsilon(u32),
    Keys(u32),
    Replicas(u8),
    Algorithm(Algorithm),
}

impl Action {
    /// What the banner says when the lab refuses it.
    fn refused(self) -> String {
        match self {
            Action::AddNode => tr!("Can't add a node", "无法加入节点").into(),
            Action::Remove(id) => trf!("Can't remove node {id}", "无法移除节点 {id}"),
            Action::Fail(id) => trf!("Can't fail node {id}", "无法让节点 {id} 故障"),
            Action::Recover(id) => trf!("Can't recover node {id}", "无法恢复节点 {id}"),
            Action::Weight(id, _) => trf!("Can't change node {id}'s weight", "无法修改节点 {id} 的权重"),
            Action::Vnodes(v) => trf!("Can't use {v} vnodes", "无法使用 {v} 个虚拟节点"),
            Action::Epsilon(_) => tr!("Can't change ε", "无法修改 ε").into(),
            Action::Keys(k) => trf!("Can't use {k} keys", "无法使用 {k} 个键"),
            Action::Replicas(r) => trf!("Can't keep {r} replicas", "无法保留 {r} 个副本"),
            Action::Algorithm(a) => {
                let t = super::algorithm_title(a);
                trf!("Can't switch to {t}", "无法切换到 {t}")
            }
        }
    }
}

pub struct RingModel {
    pub lab: Lab,
    pub embed: bool,
    /// Problems with the link, and refused actions, for the banner.
    pub errors: Vec<String>,
    pub share: ShareView,
    pub hover: Option<Hover>,
    /// Bumped by every change; the deferred table and failure figures belong to one generation.
    pub generation: u64,
    /// Keys the flash overlay: a new value restarts its animation.
    pub flash_key: u64,
    pub circle: Rc<CircleView>,
    /// Keys per node, counted once per change (every render, hovers included, reads them).
    pub loads: Loads,
    /// Milliseconds the last change spent in the lab and in building the circle's geometry.
    pub lab_ms: f64,
    pub build_ms: f64,
    /// Every algorithm on the current setup, measured after a change (`None` until then).
    pub table: Option<Rc<Vec<CompareRow>>>,
    pub failures: Option<FailureReport>,
    /// The query last written to the address bar.
    written: crate::url::Written,
}

impl RingModel {
    /// The page for a query (with or without `?`; without `p=` it is the ring). A bad query is
    /// reported in `errors` and the default scenario is shown instead.
    pub fn from_query(query: &str) -> RingModel {
        let (scenario, embed, errors) =
            open_static_page(query, "ring", |q| ring::decode(q).map(|d| (d.scenario, d.view)));
        let start = now_ms();
        let lab = Lab::new(scenario);
        let lab_ms = now_ms() - start;
        let mut m = RingModel {
            circle: Rc::new(CircleView::build(&lab, false)),
            loads: lab.loads(),
            lab,
            embed,
            errors,
            share: ShareView::Idle,
            hover: None,
            generation: 0,
            flash_key: 0,
            lab_ms,
            build_ms: 0.0,
            table: None,
            failures: None,
            written: crate::url::Written::default(),
        };
        m.build_ms = now_ms() - start - lab_ms;
        m.written.set(m.query());
        m
    }

    pub fn scenario(&self) -> &RingScenario {
        self.lab.scenario()
    }

    /// The scenario as a query (without `?`), plus `embed=1` in embed mode.
    pub fn query(&self) -> String {
        let mut q = ring::encode(self.lab.scenario());
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
    /// one that changes nothing (the same weight again) does not redraw.
    pub fn act(&mut self, action: Action) {
        let before = self.lab.scenario().clone();
        let start = now_ms();
        let result = match action {
            Action::AddNode => self.lab.add_node(NEW_NODE_WEIGHT).map(|_| ()),
            Action::Remove(id) => self.lab.remove_node(id),
            Action::Fail(id) => self.lab.fail_node(id),
            Action::Recover(id) => self.lab.recover_node(id),
            Action::Weight(id, w) => self.lab.set_weight(id, w),
            Action::Vnodes(v) => self.lab.set_vnodes(v),
            Action::Epsilon(e) => self.lab.set_epsilon(e),
            Action::Keys(k) => self.lab.set_keys(k),
            Action::Replicas(r) => self.lab.set_replicas(r),
            Action::Algorithm(a) => self.lab.set_algorithm(a),
        };
        if let Err(why) = result {
            let (what, why) = (action.refused(), readable(&why));
            self.refuse(trf!("{what}: {why}.", "{what}：{why}。"));
            return;
        }
        if *self.lab.scenario() == before {
            return;
        }
        self.lab_ms = now_ms() - start;
        let membership = !matches!(action, Action::Keys(_) | Action::Replicas(_) | Action::Algorithm(_));
        self.redraw(membership);
    }

    /// Rebuilds what depends on the lab after a change; `flash` shows what the change moved.
    fn redraw(&mut self, flash: bool) {
        self.generation += 1;
        let start = now_ms();
        self.circle = Rc::new(CircleView::build(&self.lab, flash && self.lab.last().is_some()));
        self.build_ms = now_ms() - start;
        self.loads = self.lab.loads();
        if flash {
            self.flash_key += 1;
        }
        self.table = None;
        self.failures = None;
        self.hover = self.hover.filter(|h| self.hover_valid(*h));
    }

    /// Plays the last change's flash again.
    pub fn replay_flash(&mut self) {
        self.flash_key += 1;
    }

    fn refuse(&mut self, message: String) {
        if self.errors.last() != Some(&message) {
            self.errors.push(message);
        }
        if self.errors.len() > MAX_ERRORS {
            self.errors.remove(0);
        }
    }

    /// Reports input the page could not read (not a number, say) like a refused action.
    pub fn reject_input(&mut self, message: String) {
        self.refuse(message);
    }

    /// Sets what the pointer is over; returns whether that changed (only then redraw).
    pub fn set_hover(&mut self, hover: Option<Hover>) -> bool {
        let hover = hover.filter(|h| self.hover_valid(*h));
        let changed = self.hover != hover;
        self.hover = hover;
        changed
    }

    fn hover_valid(&self, h: Hover) -> bool {
        match h {
            Hover::Key(i) => (i as usize) < self.lab.keys().len(),
            Hover::Bin(_) => true,
            Hover::Node(id) => self.scenario().members.contains(id),
        }
    }

    /// The node to pick out on the circle: the hovered node, or the hovered key's owner.
    pub fn highlight(&self) -> Option<NodeId> {
        match self.hover? {
            Hover::Node(id) => Some(id),
            Hover::Key(i) => self.lab.assignment().get(i as usize).copied(),
            Hover::Bin(_) => None,
        }
    }

    /// Measures the comparison table (timing lookups with `clock`, in ms) if it is not current.
    pub fn measure_table(&mut self, clock: &dyn Fn() -> f64) {
        if self.table.is_none() {
            self.table = Some(Rc::new(measure(&self.lab, clock)));
        }
    }

    /// Stores a table measured elsewhere (the page times it row by row).
    pub fn set_table(&mut self, rows: Vec<CompareRow>) {
        self.table = Some(Rc::new(rows));
    }

    pub fn compute_failures(&mut self) {
        if self.failures.is_none() {
            self.failures = Some(self.lab.failures());
        }
    }

    /// The current algorithm's row of the table, once measured.
    pub fn current_row(&self) -> Option<&CompareRow> {
        let alg = self.scenario().algorithm;
        self.table.as_ref()?.iter().find(|r| r.algorithm == alg)
    }
}

/// The lab's refusals read `field: message` when the scenario check caught them; the banner
/// already says which action it was, so the URL field name goes.
fn readable(why: &Msg) -> String {
    match why.args() {
        [("field", _), ("message", Arg::Msg(message))] if why.template() == "{field}: {message}" => {
            crate::i18n::zh_core::msg(message)
        }
        _ => crate::i18n::zh_core::msg(why),
    }
}
