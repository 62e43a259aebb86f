//! HA Lab's exhaustive checker beside Stateright's (`stateright` 0.31), in one run (issue 16).
//!
//! Both sides search single-decree Paxos with 3 nodes, every one an acceptor and a learner,
//! nodes 0 and 1 also proposers, over an unordered network that neither loses nor duplicates
//! messages, breadth-first, on one thread, to 10 steps from the start, with at most 2 timer
//! firings in all; no crashes, no client requests. Each iteration is a whole search, so the
//! throughput is unique states per second.
//!
//! - HA Lab: `halab_core::paxos::Paxos` (`Mode::Single`) in `check::Search`, judged by
//!   `PaxosChecker` (which records every acceptance, so "one value per slot" is judged on the
//!   history of the path), as `benches/check.rs` runs it.
//! - Stateright: the model below, written for this bench against Stateright's public actor API
//!   (`Actor`, `ActorModel`, `Network::new_unordered_nonduplicating`), with the same messages
//!   and rules as HA Lab's single-decree Paxos: a proposer's retry timer is armed at start and
//!   starts a round with a ballot above any it has seen (`Prepare`); acceptors promise, report
//!   what they accepted, or refuse (`Nack`, also sent to a proposer pre-empted by a higher
//!   `Prepare`); with a majority of promises the proposer proposes the highest-ballot value
//!   reported, else its own (`Accept`); acceptors tell every learner (`Accepted`); a learner
//!   that counts a majority in one ballot learns the value, forgets what it accepted and tells
//!   everyone (`Decided`). The timer budget is `within_boundary` over a per-proposer count of
//!   firings, the depth bound `target_max_depth(11)` (Stateright counts the start as depth 1);
//!   `spawn_bfs` with `threads(1)`. The property, "at most one value chosen", is judged on each
//!   state: every learned value, and every value a majority of acceptors holds in one ballot
//!   now, is the same value (Stateright keeps no checker history outside the state, so this is
//!   weaker than HA Lab's history-based check, and a little cheaper). A `Sometimes` property
//!   checks that the model decides at all.
//!
//! The two state spaces are not the same size: Stateright drops a delivery that changes
//! nothing (an `Accepted` reaching a learner that already learned stays on the wire, and no
//! state is counted), where HA Lab takes it and counts the state without that message.
//!
//! `cargo bench -p halab-core --bench check_vs_stateright`; the unique state counts are
//! printed first.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use halab_core::check::{Bounds, Order, Search, Verdict};
use halab_core::paxos::invariants::PaxosChecker;
use halab_core::paxos::{Mode, Paxos, PaxosConfig};
use stateright::actor::{model_timeout, Actor, ActorModel, ActorModelState, Id, Network, Out};
use stateright::{Checker, Expectation, Model};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

const NODES: usize = 3;
const PROPOSERS: usize = 2;
const DEPTH: u32 = 10;
const TIMEOUTS: u8 = 2;

// ---------------------------------------------------------------------------------------------
// HA Lab

fn halab() -> u64 {
    let p = Paxos::new(PaxosConfig {
        nodes: NODES,
        proposers: PROPOSERS,
        mode: Mode::Single,
        ..PaxosConfig::default()
    });
    let bounds = Bounds { depth: DEPTH, timeouts: TIMEOUTS, ..Bounds::default() };
    let mut s = Search::boot(p, PaxosChecker::default(), bounds, Order::BreadthFirst);
    while *s.run(100_000) == Verdict::Running {}
    assert_eq!(*s.verdict(), Verdict::Done);
    s.stats().unique
}

// ---------------------------------------------------------------------------------------------
// Stateright

/// A proposer's own value is its node number.
type Value = u8;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Ballot {
    round: u32,
    node: u8,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Msg {
    Prepare(Ballot),
    Promise { ballot: Ballot, accepted: Option<(Ballot, Value)>, decided: Option<Value> },
    Nack { ballot: Ballot, promised: Ballot },
    Accept(Ballot, Value),
    Accepted(Ballot, Value),
    Decided(Value),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Timer {
    Retry,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Phase {
    Idle,
    Preparing { ballot: Ballot, promises: BTreeMap<u8, Option<(Ballot, Value)>> },
    Proposing(Ballot),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Proposer {
    round: u32,
    phase: Phase,
    /// The value this proposer asked acceptors to accept, until it learns one.
    proposed: Option<Value>,
    /// Retry timers fired here (the model bounds their sum).
    fired: u8,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Node {
    promised: Ballot,
    accepted: Option<(Ballot, Value)>,
    learned: Option<Value>,
    /// The learner's tally of `Accepted` per ballot.
    votes: BTreeMap<Ballot, (Value, BTreeSet<u8>)>,
    proposer: Option<Proposer>,
}

struct Node0;

fn majority() -> usize {
    NODES / 2 + 1
}

fn broadcast(o: &mut Out<Node0>, msg: Msg) {
    for n in 0..NODES {
        o.send(Id::from(n), msg.clone());
    }
}

fn start_round(id: u8, s: &mut Node, o: &mut Out<Node0>) {
    if s.learned.is_some() {
        return;
    }
    let promised = s.promised.round;
    let Some(p) = s.proposer.as_mut() else { return };
    p.round = p.round.max(promised) + 1;
    let ballot = Ballot { round: p.round, node: id };
    p.phase = Phase::Preparing { ballot, promises: BTreeMap::new() };
    broadcast(o, Msg::Prepare(ballot));
    o.set_timer(Timer::Retry, model_timeout());
}

fn learn(s: &mut Node, v: Value, o: &mut Out<Node0>) {
    s.learned = Some(v);
    s.accepted = None;
    s.votes.clear();
    if let Some(p) = s.proposer.as_mut() {
        p.proposed = None;
        p.phase = Phase::Idle;
        o.cancel_timer(Timer::Retry);
    }
    broadcast(o, Msg::Decided(v));
}

impl Actor for Node0 {
    type Msg = Msg;
    type Timer = Timer;
    type State = Node;
    type Storage = ();
    type Random = ();

    fn on_start(&self, id: Id, _: &Option<()>, o: &mut Out<Self>) -> Node {
        let proposer = (usize::from(id) < PROPOSERS).then_some(Proposer {
            round: 0,
            phase: Phase::Idle,
            proposed: None,
            fired: 0,
        });
        if proposer.is_some() {
            o.set_timer(Timer::Retry, model_timeout());
        }
        Node { promised: Ballot::default(), accepted: None, learned: None, votes: BTreeMap::new(), proposer }
    }

    fn on_timeout(&self, id: Id, state: &mut Cow<Node>, _: &Timer, o: &mut Out<Self>) {
        let s = state.to_mut();
        if let Some(p) = s.proposer.as_mut() {
            p.fired += 1;
        }
        start_round(usize::from(id) as u8, s, o);
    }

    fn on_msg(&self, id: Id, state: &mut Cow<Node>, src: Id, msg: Msg, o: &mut Out<Self>) {
        let me = usize::from(id) as u8;
        let from = usize::from(src) as u8;
        match msg {
            Msg::Prepare(ballot) => {
                let s = state.to_mut();
                if ballot >= s.promised {
                    if s.promised != Ballot::default()
                        && s.promised.node != ballot.node
                        && ballot > s.promised
                    {
                        let pre = s.promised;
                        o.send(Id::from(usize::from(pre.node)), Msg::Nack { ballot: pre, promised: ballot });
                    }
                    s.promised = ballot;
                    o.send(src, Msg::Promise { ballot, accepted: s.accepted, decided: s.learned });
                } else {
                    o.send(src, Msg::Nack { ballot, promised: s.promised });
                }
            }
            Msg::Accept(ballot, v) => {
                if ballot < state.promised {
                    o.send(src, Msg::Nack { ballot, promised: state.promised });
                    return;
                }
                let s = state.to_mut();
                s.promised = s.promised.max(ballot);
                s.accepted = Some((ballot, v));
                broadcast(o, Msg::Accepted(ballot, v));
            }
            Msg::Promise { ballot, accepted, decided } => {
                if let (Some(v), None) = (decided, state.learned) {
                    learn(state.to_mut(), v, o);
                }
                let Some(Proposer { phase: Phase::Preparing { ballot: mine, .. }, .. }) = &state.proposer
                else {
                    return;
                };
                if *mine != ballot {
                    return;
                }
                let s = state.to_mut();
                let Some(p) = s.proposer.as_mut() else { return };
                let Phase::Preparing { promises, .. } = &mut p.phase else { return };
                promises.insert(from, accepted);
                if promises.len() < majority() {
                    return;
                }
                let v = promises.values().flatten().max().map_or(me, |(_, v)| *v);
                p.phase = Phase::Proposing(ballot);
                p.proposed = Some(v);
                broadcast(o, Msg::Accept(ballot, v));
                o.set_timer(Timer::Retry, model_timeout());
            }
            Msg::Nack { ballot, promised } => {
                let mine = match state.proposer.as_ref().map(|p| &p.phase) {
                    Some(Phase::Preparing { ballot, .. } | Phase::Proposing(ballot)) => *ballot,
                    _ => return,
                };
                if mine != ballot || promised <= ballot {
                    return;
                }
                let Some(p) = state.to_mut().proposer.as_mut() else { return };
                p.round = p.round.max(promised.round);
                p.phase = Phase::Idle;
                o.set_timer(Timer::Retry, model_timeout());
            }
            Msg::Accepted(ballot, v) => {
                if state.learned.is_some() {
                    return;
                }
                let s = state.to_mut();
                let (v, voters) = s.votes.entry(ballot).or_insert_with(|| (v, BTreeSet::new()));
                voters.insert(from);
                if voters.len() >= majority() {
                    let v = *v;
                    learn(s, v, o);
                }
            }
            Msg::Decided(v) => {
                if state.learned.is_none() {
                    learn(state.to_mut(), v, o);
                }
            }
        }
    }
}

type State = ActorModelState<Node0>;

/// Every value learned, and every value a majority of acceptors holds in one ballot, agree.
fn one_value(_: &ActorModel<Node0>, state: &State) -> bool {
    let nodes = &state.actor_states;
    let mut chosen = None;
    let mut agree = |v: Value| *chosen.get_or_insert(v) == v;
    for n in nodes {
        if let Some(v) = n.learned {
            if !agree(v) {
                return false;
            }
        }
        if let Some((b, v)) = n.accepted {
            if nodes.iter().filter(|m| m.accepted == Some((b, v))).count() >= majority() && !agree(v) {
                return false;
            }
        }
    }
    true
}

fn within_budget(_: &(), state: &State) -> bool {
    let fired: u8 = state.actor_states.iter().filter_map(|n| n.proposer.as_ref()).map(|p| p.fired).sum();
    fired <= TIMEOUTS
}

fn stateright_model() -> ActorModel<Node0> {
    ActorModel::new((), ())
        .actors((0..NODES).map(|_| Node0))
        .init_network(Network::new_unordered_nonduplicating([]))
        .property(Expectation::Always, "at most one value chosen", one_value)
        // A sanity check that the model decides at all (judged until first found).
        .property(Expectation::Sometimes, "a value is learned", |_, s| {
            s.actor_states.iter().any(|n| n.learned.is_some())
        })
        .within_boundary(within_budget)
}

fn stateright() -> u64 {
    let c = stateright_model().checker().threads(1).target_max_depth(DEPTH as usize + 1).spawn_bfs().join();
    assert!(c.discovery("at most one value chosen").is_none());
    assert!(c.discovery("a value is learned").is_some());
    c.unique_state_count() as u64
}

// ---------------------------------------------------------------------------------------------

fn bench(c: &mut Criterion) {
    let (ours, theirs) = (halab(), stateright());
    println!("unique states: HA Lab {ours}, Stateright {theirs}");
    let mut g = c.benchmark_group("paxos single 2x3 depth 10, one thread");
    g.sample_size(10);
    g.throughput(Throughput::Elements(ours));
    g.bench_function("halab check", |b| b.iter(halab));
    g.throughput(Throughput::Elements(theirs));
    g.bench_function("stateright bfs", |b| b.iter(stateright));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
