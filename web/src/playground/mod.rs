//! What every protocol page shares: the run (play, pause, step, speed, the frame loop), the URL
//! (scenario in, scenario out, share, embed, error banner), fault injection and its fault
//! script, the notes feed, presets, bug switches, the node menu and partition selection, cluster
//! size, and the page layout around all of it.
//!
//! A protocol page only implements [`Playground`] for its core protocol type: how to build its
//! `Sim`, what a node looks like, what colour a message is, and the panels that only it has
//! (Raft's logs; Paxos's slots and proposers; the lock's holders timeline and storage; atomic
//! commit's participants and transactions). A page may also name its nodes, draw only the links
//! that carry messages, offer clock drift in the node menu, report invariants it cannot judge now
//! and explain a verdict. Everything else is [`model::Model`] (pure Rust,
//! tested natively), [`view`] (plain view data for the widgets) and [`page::PlaygroundPage`]
//! (the Yew component that wires them together).

pub mod check;
pub mod diagram;
pub mod guide;
pub mod history;
pub mod keys;
pub mod model;
pub mod page;
pub mod replay;
pub mod view;

use crate::widgets::cluster::LegendItem;
use halab_core::check::Explore;
use halab_core::protocol::{Describe, Micros, NodeId, SEC};
use halab_core::scenario::presets::Preset;
use halab_core::scenario::{ProtocolKind, Scenario};
use halab_core::sim::Sim;
use yew::Html;

pub use model::Model;
pub use page::{Act, PlaygroundPage};

/// What a node shows besides its id, role and selection (see [`view::nodes`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeFacts {
    /// A number for `data-term` (Raft: term; Paxos: the promised round; lock: the token held or
    /// the storage's highest).
    pub term: u64,
    /// Short lines beside the node.
    pub caption: Vec<String>,
    /// Fraction of a timer left (0..=1), drawn as a ring.
    pub timer: Option<f64>,
    /// The tooltip and accessible name.
    pub title: String,
    /// A few words for the node menu's title, e.g. `term 3`.
    pub summary: String,
}

/// A core protocol that has a page. Implemented by the protocol type itself (`Raft`, `Paxos`, `Lock`, `Txn`),
/// so the model holds a `Sim<P>` directly.
pub trait Playground: Explore<Msg: Describe> + 'static {
    /// The scenarios this page runs (`p=`).
    const KIND: ProtocolKind;
    /// The protocol's name as the page shows it.
    const TITLE: crate::i18n::Text;
    const PRESETS: &'static [Preset];
    /// Bug switches: URL name and what it breaks.
    const BUGS: &'static [(&'static str, &'static str)];
    /// The invariants its checker checks after every step.
    const INVARIANTS: &'static [&'static str];
    /// Node roles for the legend, as (CSS class, label); crashed and paused are added.
    const ROLES: &'static [(&'static str, crate::i18n::Text)];
    /// Message kinds for the legend, as (CSS class, label).
    const MESSAGES: &'static [(&'static str, crate::i18n::Text)];
    /// What the ring around a node counts down (empty: the page draws no timers).
    const TIMER: crate::i18n::Text;
    /// Extra room beside the cluster picture for long captions, in SVG units.
    const PICTURE_PAD: f64 = 0.0;
    /// Extra room above and below the cluster picture for captions of many lines, in SVG units.
    const PICTURE_PAD_Y: f64 = 0.0;
    /// Turns the circle of nodes back by this many steps between neighbours (0.5: nodes 0 and 1
    /// side by side at the top).
    const PICTURE_TURN: f64 = 0.0;
    /// Playback speed when the URL names none (simulated time per real second).
    const SPEED: f64 = crate::url::DEFAULT_SPEED;
    /// How long the node menu pauses a node.
    const PAUSE: Micros = SEC;
    /// What the node menu calls a pause, e.g. `a GC pause`.
    const PAUSE_WHY: crate::i18n::Text = txt!("", "");
    /// Whether the node menu offers to make a node's clock drift (where leases care).
    const CLOCKS: bool = false;
    /// The space-time diagram's window when the page opens.
    const DIAGRAM_SPAN: Micros = SEC;
    /// Message labels whose colour class is not found by [`Playground::label_class`]'s rule, as
    /// (label, class).
    const LABEL_CLASSES: &'static [(&'static str, &'static str)] = &[];

    /// A simulation of the scenario with the invariant checker installed.
    fn sim(s: &Scenario) -> Sim<Self>;
    /// A search of every interleaving from `start`'s state (see [`check`]); timed where the
    /// protocol reads its clock.
    fn exhaustive(
        start: &Sim<Self>,
        bounds: halab_core::check::Bounds,
    ) -> Box<dyn halab_core::check::schedule::Exhaustive> {
        halab_core::check::schedule::from_sim(start, bounds)
    }
    /// The bug switch called `name`, if there is one.
    fn bug_flag<'a>(s: &'a mut Scenario, name: &str) -> Option<&'a mut bool>;
    /// Repairs protocol parameters after the cluster was resized.
    fn fit(_s: &mut Scenario) {}
    /// A live node's role: its CSS class and `data-role`.
    fn role(&self, s: &Self::State) -> &'static str;
    /// CSS classes of a message in flight.
    fn msg_class(msg: &Self::Msg) -> &'static str;
    /// Caption, timer and tooltip of node `i`, whose role (crashed and paused included) is known.
    fn node(m: &Model<Self>, i: usize, role: &'static str) -> NodeFacts;
    /// Where the client-write button sends a write, and a few words on why.
    fn write_target(m: &Model<Self>) -> (NodeId, String);
    /// One sentence under the title (may depend on the scenario).
    fn lede(m: &Model<Self>) -> Html;
    /// The wide cards under the picture.
    fn detail(m: &Model<Self>, act: &Act<Self>) -> Html;
    /// The colour class of a message in the diagram, by its label: [`Playground::LABEL_CLASSES`],
    /// else the legend entry (of [`Playground::MESSAGES`]) whose text starts with the label.
    fn label_class(label: &'static str) -> &'static str {
        if let Some(&(_, class)) = Self::LABEL_CLASSES.iter().find(|(l, _)| *l == label) {
            return class;
        }
        Self::MESSAGES
            .iter()
            .find(|(_, text)| text.en.split([' ', ',']).next() == Some(label))
            .map_or("msg-other", |(class, _)| class.split(' ').next().unwrap_or("msg-other"))
    }
    /// A node's name in notes, menus and tooltips.
    fn node_name(&self, id: NodeId) -> String {
        trf!("node {id}", "节点 {id}")
    }
    /// The text inside a node's circle (a few characters).
    fn node_label(&self, id: NodeId) -> String {
        id.to_string()
    }
    /// Every node's place when the picture is not a circle of `n` nodes.
    fn places(&self, _n: usize) -> Option<Vec<crate::widgets::cluster::Place>> {
        None
    }
    /// Whether node `x` is a backend that can be made slow, fail fast, or recover (its menu
    /// offers it).
    fn degradable(&self, _x: NodeId) -> bool {
        false
    }
    /// Whether the picture draws the link between `a` and `b` (`a < b`): only the pairs that
    /// talk, where that is not everyone.
    fn draws_link(&self, _a: NodeId, _b: NodeId) -> bool {
        true
    }
    /// Whether the run reached a guided-path goal of this page's steps (`crate::learn`);
    /// `clicked` are the faults the reader added to the step's scenario. The generic goals
    /// (a violation) are judged by the model; a page answers only its own.
    fn goal(
        _m: &Model<Self>,
        _goal: crate::learn::Goal,
        _clicked: &[halab_core::sim::fault::Scheduled],
    ) -> bool {
        false
    }
    /// Invariants the checker is not judging right now (their assumptions broke), as
    /// (invariant, why in words).
    fn unjudged(_m: &Model<Self>) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// A few words under the invariant verdict: why a red verdict is the protocol's known limit
    /// rather than a bug, or which bug switch caused it.
    fn verdict_note(_m: &Model<Self>) -> Html {
        Html::default()
    }
    /// More about the nodes, under the picture and its legend.
    fn under_picture(_m: &Model<Self>) -> Html {
        Html::default()
    }
    /// Protocol settings shown between the cluster size and the bug switches.
    fn settings(_m: &Model<Self>, _act: &Act<Self>) -> Html {
        Html::default()
    }
    /// A line under the picture in embed mode: the figure a reader of the docs should watch.
    fn embed_strip(_m: &Model<Self>) -> Html {
        Html::default()
    }
    /// Whether the legend lists a role or message class: a page whose configuration leaves some
    /// out (no standby, no witness) should not explain what cannot appear.
    fn in_legend(_m: &Model<Self>, _class: &str) -> bool {
        true
    }
}

/// The legend: roles, the shared states and marks, and message kinds.
pub fn legend<P: Playground>(m: &Model<P>) -> Vec<LegendItem> {
    let mut items: Vec<LegendItem> = P::ROLES
        .iter()
        .filter(|(class, _)| P::in_legend(m, class))
        .map(|&(class, label)| legend_item("node", class, label.get()))
        .collect();
    items.push(legend_item("node", "paused", tr!("paused", "已暂停")));
    items.push(legend_item("node", "crashed", tr!("crashed", "已崩溃")));
    if !P::TIMER.en.is_empty() {
        items.push(legend_item("ring", "", P::TIMER.get()));
    }
    items.extend(
        P::MESSAGES
            .iter()
            .filter(|(class, _)| P::in_legend(m, class))
            .map(|&(class, label)| legend_item("msg", class, label.get())),
    );
    let first_msg = P::MESSAGES.first().map_or("", |m| m.0);
    items.push(legend_item("doomed", first_msg, tr!("will be dropped", "将被丢弃")));
    items.push(legend_item("drop", "", tr!("just dropped", "刚被丢弃")));
    items.push(legend_item("line", "cut", tr!("cut link", "断开的链路")));
    items
}

fn legend_item(shape: &'static str, class: &'static str, label: &'static str) -> LegendItem {
    LegendItem { shape, class, label }
}
