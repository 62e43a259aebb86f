//! Paxos's own view data. What is *chosen* is a fact about acceptors, not learners: a slot's
//! value is chosen once a majority of acceptors accepted it in one ballot. The page derives that
//! from the acceptors' states (crashed ones from what they persisted) and, where acceptors have
//! since moved on to higher ballots, from what some node learned.

use crate::playground::view::{role_of, timer_left};
use crate::playground::{Model, NodeFacts};
use halab_core::paxos::invariants::PaxosChecker;
use halab_core::paxos::{Ballot, Mode, Paxos, PaxosState, Phase, Slot, Timer, Value};
use halab_core::protocol::NodeId;
use std::collections::BTreeMap;

/// How many slots the table shows (the newest ones).
pub const SLOT_WINDOW: u64 = 16;

type Accepted = BTreeMap<Slot, (Ballot, Value)>;
type Learned = BTreeMap<Slot, Value>;

static NOTHING_ACCEPTED: Accepted = BTreeMap::new();
static NOTHING_LEARNED: Learned = BTreeMap::new();

/// What a node shows: its live state, or for a crashed node what it last persisted.
pub struct Shown<'a> {
    pub promised: Ballot,
    pub accepted: &'a Accepted,
    pub learned: &'a Learned,
    /// Slots below this are in the node's snapshot (learned, values forgotten).
    pub snapshot_slot: Slot,
    /// The proposer's highest round.
    pub round: u64,
    pub live: Option<&'a PaxosState>,
}

pub fn shown(m: &Model<Paxos>, i: usize) -> Shown<'_> {
    let node = &m.sim.cluster().nodes[i];
    match (&node.state, &node.durable) {
        (Some(s), _) => Shown {
            promised: s.promised,
            accepted: &s.accepted,
            learned: &s.learned,
            snapshot_slot: s.snapshot.slot,
            round: s.proposer.as_ref().map_or(0, |p| p.round),
            live: Some(s),
        },
        (None, Some(d)) => Shown {
            promised: d.promised,
            accepted: &d.accepted,
            learned: &d.learned,
            snapshot_slot: d.snapshot.slot,
            round: d.round,
            live: None,
        },
        (None, None) => Shown {
            promised: Ballot::default(),
            accepted: &NOTHING_ACCEPTED,
            learned: &NOTHING_LEARNED,
            snapshot_slot: 0,
            round: 0,
            live: None,
        },
    }
}

/// `3.1`, or a dash for the zero ballot nobody uses.
pub fn ballot(b: Ballot) -> String {
    if b == Ballot::default() {
        "—".to_owned()
    } else {
        b.to_string()
    }
}

fn promise_line(b: Ballot) -> String {
    if b == Ballot::default() {
        tr!("no promise", "未承诺").to_owned()
    } else {
        trf!("promise {b}", "承诺 {b}")
    }
}

/// A role's class in words: the class itself in English.
fn role_words(role: &'static str) -> &'static str {
    match role {
        "acceptor" => tr!("acceptor", "接受者"),
        "proposer" => tr!("proposer", "提议者"),
        "preparing" => tr!("preparing", "准备中"),
        "proposing" => tr!("proposing", "提议中"),
        "leader" => tr!("leader", "领导者"),
        "crashed" => tr!("crashed", "已崩溃"),
        "paused" => tr!("paused", "已暂停"),
        other => other,
    }
}

/// A proposer's phase in a word or two (the proposers panel has its ballot).
fn phase_line(s: &PaxosState, multi: bool) -> Option<&'static str> {
    let p = s.proposer.as_ref()?;
    Some(match &p.phase {
        Phase::Idle if !multi && s.learned.contains_key(&0) => tr!("done", "已完成"),
        Phase::Idle => tr!("idle proposer", "空闲的提议者"),
        Phase::Preparing { .. } => tr!("phase 1", "阶段 1"),
        Phase::Proposing { .. } if multi => tr!("leading", "领导中"),
        Phase::Proposing { .. } => tr!("phase 2", "阶段 2"),
    })
}

/// The promise under each node; a proposer's phase, or what an acceptor holds.
pub fn node(m: &Model<Paxos>, i: usize, role: &'static str) -> NodeFacts {
    let config = &m.sim.cluster().protocol.config;
    let multi = config.mode == Mode::Multi;
    let s = shown(m, i);
    let second = match (s.live.and_then(|st| phase_line(st, multi)), multi) {
        (Some(phase), _) => phase.to_owned(),
        (None, true) => {
            let n = s.snapshot_slot + s.learned.len() as u64;
            trf!("learned {n}", "已学到 {n} 个")
        }
        // Once it learned the value, an acceptor forgets what it accepted.
        (None, false) => match (s.accepted.get(&0), s.learned.get(&0)) {
            (Some((_, v)), _) => trf!("accepted {v}", "已接受 {v}"),
            (None, Some(v)) => trf!("learned {v}", "已学到 {v}"),
            (None, None) => tr!("accepted nothing", "未接受任何值").to_owned(),
        },
    };
    let caption = match role {
        "crashed" | "paused" => vec![role_words(role).to_owned(), promise_line(s.promised)],
        _ => vec![promise_line(s.promised), second],
    };
    let timer = match role {
        "leader" | "acceptor" => None,
        _ => timer_left(m, i, &Timer::Retry, config.retry_max)
            .or_else(|| timer_left(m, i, &Timer::LeaderTimeout, config.leader_timeout_max)),
    };
    let (role, promise, accepted, learned) =
        (role_words(role), promise_line(s.promised), s.accepted.len(), s.learned.len());
    let title = trf!(
        "node {i}: {role}, {promise}, accepted {accepted} slots, learned {learned}. Click for actions.",
        "节点 {i}：{role}，{promise}，已接受 {accepted} 个槽位，已学到 {learned} 个。点击查看操作。"
    );
    NodeFacts { term: s.promised.round, caption, timer, title, summary: promise_line(s.promised) }
}

/// Where a client write goes: the Multi-Paxos leader with the highest ballot, else node 0.
pub fn write_target(m: &Model<Paxos>) -> (NodeId, String) {
    let cluster = m.sim.cluster();
    if cluster.protocol.config.mode == Mode::Single {
        return (
            0,
            tr!(
                "proposer 0, as its value if it has not proposed yet",
                "提议者 0（若它尚未提议，便作为它的值）"
            )
            .to_owned(),
        );
    }
    let leader = cluster
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| Some((i as NodeId, n.state.as_ref()?)))
        .filter_map(|(i, s)| match s.proposer.as_ref().map(|p| &p.phase) {
            Some(Phase::Proposing { ballot }) => Some((*ballot, i)),
            _ => None,
        })
        .max();
    match leader {
        Some((_, l)) => (l, trf!("the leader, node {l}", "领导者（节点 {l}）")),
        None => {
            (0, tr!("node 0 (no leader yet; it will redirect)", "节点 0（尚无领导者；它会转发）").to_owned())
        }
    }
}

/// One acceptor's accepted value in a slot, as the table shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct AcceptedCell {
    pub value: String,
    /// The ballot it was accepted in; `None` once the acceptor learned the slot and forgot it.
    pub ballot: Option<Ballot>,
    /// It is the slot's chosen value.
    pub chosen: bool,
    /// This node has learned the slot.
    pub learned: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AcceptorRow {
    pub id: NodeId,
    pub role: &'static str,
    pub promised: Ballot,
    /// One per slot of the window.
    pub cells: Vec<Option<AcceptedCell>>,
    pub dim: bool,
}

/// The slot window: the chosen row and one row per acceptor.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotsView {
    pub first: Slot,
    /// The chosen value of each slot of the window, if any.
    pub chosen: Vec<Option<String>>,
    pub rows: Vec<AcceptorRow>,
    /// Slots chosen in all (not only in the window).
    pub total_chosen: usize,
}

/// The value chosen in `slot`: one a majority of acceptors accepted in the same ballot, or,
/// failing that, one some node learned (acceptors may have moved on to a higher ballot).
pub fn chosen_in(states: &[Shown<'_>], slot: Slot) -> Option<Value> {
    let majority = states.len() / 2 + 1;
    let mut tally: BTreeMap<(Ballot, &Value), usize> = BTreeMap::new();
    for s in states {
        if let Some((b, v)) = s.accepted.get(&slot) {
            *tally.entry((*b, v)).or_default() += 1;
        }
    }
    let by_acceptors = tally.into_iter().find(|(_, n)| *n >= majority).map(|((_, v), _)| v.clone());
    by_acceptors.or_else(|| states.iter().find_map(|s| s.learned.get(&slot).cloned()))
}

/// One past the highest slot any node accepted or learned a value in.
fn slot_end(states: &[Shown<'_>]) -> Slot {
    let top = |m: Option<Slot>| m.map_or(0, |k| k + 1);
    states
        .iter()
        .map(|s| top(s.accepted.keys().next_back().copied()).max(top(s.learned.keys().next_back().copied())))
        .max()
        .unwrap_or(0)
}

pub fn slots(m: &Model<Paxos>) -> SlotsView {
    let n = m.sim.cluster().len();
    let states: Vec<Shown<'_>> = (0..n).map(|i| shown(m, i)).collect();
    let end = slot_end(&states);
    let first = end.saturating_sub(SLOT_WINDOW);
    // The checker remembers what was chosen even after acceptors moved on (and, on a violation,
    // which value was chosen first); the acceptors' states are the fallback.
    let history = m.sim.checker_as::<PaxosChecker>().map(|c| c.chosen());
    let chosen: Vec<Option<Value>> = (first..end)
        .map(|k| history.and_then(|h| h.get(&k).cloned()).or_else(|| chosen_in(&states, k)))
        .collect();
    // Below the window, every slot a node learned was chosen (or the checker has stopped the run).
    let older = states
        .iter()
        .map(|s| s.snapshot_slot.min(first) as usize + s.learned.range(..first).count())
        .max()
        .unwrap_or(0);
    let rows = states
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let cells = (first..end)
                .zip(&chosen)
                .map(|(k, c)| match (s.accepted.get(&k), s.learned.get(&k)) {
                    (Some((b, v)), learned) => Some(AcceptedCell {
                        value: value_text(v),
                        ballot: Some(*b),
                        chosen: c.as_ref() == Some(v),
                        learned: learned.is_some(),
                    }),
                    // An acceptor forgets what it accepted once it learned the slot; show the
                    // learned value (its ballot is gone, so none is shown).
                    (None, Some(v)) => {
                        Some(AcceptedCell { value: value_text(v), ballot: None, chosen: true, learned: true })
                    }
                    (None, None) => None,
                })
                .collect();
            let role = role_of(m, i);
            AcceptorRow { id: i as NodeId, role, promised: s.promised, cells, dim: role == "crashed" }
        })
        .collect();
    SlotsView {
        first,
        total_chosen: older + chosen.iter().flatten().count(),
        chosen: chosen.into_iter().map(|c| c.map(|v| value_text(&v))).collect(),
        rows,
    }
}

/// A proposer as the proposers panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposerRow {
    pub id: NodeId,
    pub role: &'static str,
    /// `idle`, `preparing`, `proposing` or `crashed`, for tests.
    pub phase: &'static str,
    /// In words: `phase 1`, `leading`, ...
    pub label: String,
    pub ballot: Option<Ballot>,
    pub round: u64,
    pub detail: String,
}

pub fn proposers(m: &Model<Paxos>) -> Vec<ProposerRow> {
    let config = &m.sim.cluster().protocol.config;
    let (multi, majority) = (config.mode == Mode::Multi, config.nodes / 2 + 1);
    (0..config.proposers.min(m.sim.cluster().len()))
        .map(|i| {
            let s = shown(m, i);
            let role = role_of(m, i);
            let row = |phase, label: &str, ballot, detail: String| ProposerRow {
                id: i as NodeId,
                role,
                phase,
                label: label.to_owned(),
                ballot,
                round: s.round,
                detail,
            };
            let Some(p) = s.live.and_then(|st| st.proposer.as_ref()) else {
                let round = s.round;
                return row(
                    "crashed",
                    tr!("crashed", "已崩溃"),
                    None,
                    trf!("persisted round {round}", "已持久化的轮次 {round}"),
                );
            };
            let queued =
                |n: usize| if n == 0 { String::new() } else { trf!("{n} queued", "{n} 个排队中") };
            match &p.phase {
                Phase::Idle => match s.learned.get(&0).filter(|_| !multi) {
                    Some(v) => row("idle", tr!("done", "已完成"), None, trf!("{v} is chosen", "{v} 已选定")),
                    None => row("idle", tr!("idle", "空闲"), None, queued(p.queue.len())),
                },
                Phase::Preparing { ballot, promises, .. } => {
                    let got = promises.len();
                    let detail = trf!("{got}/{majority} promises", "已获 {got}/{majority} 个承诺");
                    row("preparing", tr!("phase 1", "阶段 1"), Some(*ballot), detail)
                }
                Phase::Proposing { ballot } if multi => {
                    let (inflight, next) = (p.inflight.len(), p.next_slot);
                    let detail = trf!(
                        "{inflight} in flight · next slot {next}",
                        "{inflight} 个在途 · 下一个槽位 {next}"
                    );
                    row("proposing", tr!("leading", "领导中"), Some(*ballot), detail)
                }
                Phase::Proposing { ballot } => {
                    let detail =
                        p.inflight.get(&0).map_or_else(String::new, |v| trf!("proposes {v}", "提议 {v}"));
                    row("proposing", tr!("phase 2", "阶段 2"), Some(*ballot), detail)
                }
            }
        })
        .collect()
}

/// A value as the slot table shows it: `k3=7` and `v1` read the same in both languages.
fn value_text(v: &Value) -> String {
    match v {
        Value::Noop => tr!("no-op", "空操作").to_owned(),
        v => v.to_string(),
    }
}
