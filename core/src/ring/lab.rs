//! The ring page's model, kept here so that everything it computes is plain Rust under native
//! tests: a [`RingScenario`], its keys, where they live, and what the last change moved. The
//! page only draws it and times lookups.

use super::failover::{self, NodeSet};
use super::hash_ring::{ArcMove, HashRing};
use super::stats::{ideal_moved_fraction, Loads, Moves};
use super::{keys, Algorithm, Placement, Weight, UNIT_WEIGHT};
use crate::msg::Msg;
use crate::protocol::NodeId;
use crate::scenario::ring::RingScenario;
use std::collections::BTreeMap;

/// A user action that changed where keys live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Added(NodeId),
    Removed(NodeId),
    Failed(NodeId),
    Recovered(NodeId),
    Reweighted { id: NodeId, from: Weight, to: Weight },
    Vnodes { from: u32, to: u32 },
    Epsilon { from: u32, to: u32 },
}

/// What the last change did to the current algorithm's assignment.
#[derive(Clone, Debug)]
pub struct LastChange {
    pub change: Change,
    /// The scenario before it, so every algorithm can replay the same change.
    pub before: RingScenario,
    pub moves: Moves,
    /// The least any placement could have moved (fair shares before → after).
    pub ideal: f64,
    /// Indices of the keys that moved, for the flash.
    pub moved: Vec<u32>,
    /// For the ring: the arcs that changed owner.
    pub arcs: Vec<ArcMove>,
}

/// One algorithm on the current setup, for the side-by-side table.
pub struct Row {
    pub algorithm: Algorithm,
    pub loads: Loads,
    /// Moved fraction for the last membership change, replayed on this algorithm.
    pub moved: Option<f64>,
    pub memory_bytes: usize,
    /// Built on the live nodes, for the page to time lookups with.
    pub placement: Box<dyn Placement>,
}

/// Replica loss when nodes fail, from the full membership's preference lists.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureReport {
    pub down: Vec<NodeId>,
    /// Keys whose every replica is on a failed node.
    pub lost_keys: usize,
    pub replica_sets: usize,
    /// k random failures for the figures below: at least R, at least the current count.
    pub k: usize,
    /// The chance one key loses every replica when k random nodes fail.
    pub expected_lost_fraction: f64,
    /// The chance some key loses every replica when k random nodes fail, and whether exact.
    pub any_loss: (f64, bool),
}

pub struct Lab {
    scenario: RingScenario,
    keys: Vec<u64>,
    live: Box<dyn Placement>,
    full: Box<dyn Placement>,
    assignment: Vec<NodeId>,
    replica_sets: BTreeMap<NodeSet, usize>,
    /// The full-membership ring for drawing, when the algorithm has one.
    ring: Option<HashRing>,
    last: Option<LastChange>,
}

impl Lab {
    /// The scenario must be valid (`RingScenario::validate`); an invalid one falls back to the
    /// default so that the page never holds a lab it cannot draw.
    pub fn new(scenario: RingScenario) -> Lab {
        let scenario = if scenario.validate().is_ok() { scenario } else { RingScenario::default() };
        let mut lab = Lab {
            keys: keys(scenario.keys),
            live: scenario.algorithm.build(&scenario.live(), &scenario.params()),
            full: scenario.algorithm.build(&scenario.members, &scenario.params()),
            assignment: Vec::new(),
            replica_sets: BTreeMap::new(),
            ring: None,
            last: None,
            scenario,
        };
        lab.rebuild();
        lab.assignment = lab.live.assign(&lab.keys);
        lab
    }

    /// Rebuilds what derives from the scenario except the assignment (which `apply` diffs).
    fn rebuild(&mut self) {
        let s = &self.scenario;
        self.live = s.algorithm.build(&s.live(), &s.params());
        self.full = s.algorithm.build(&s.members, &s.params());
        self.replica_sets = failover::replica_sets(self.full.as_ref(), &self.keys, s.replicas.into());
        self.ring = matches!(s.algorithm, Algorithm::Ring | Algorithm::Bounded)
            .then(|| HashRing::new(&s.members, s.vnodes));
    }

    pub fn scenario(&self) -> &RingScenario {
        &self.scenario
    }

    pub fn keys(&self) -> &[u64] {
        &self.keys
    }

    /// The owner of each key (index-aligned with [`Lab::keys`]).
    pub fn assignment(&self) -> &[NodeId] {
        &self.assignment
    }

    pub fn last(&self) -> Option<&LastChange> {
        self.last.as_ref()
    }

    pub fn loads(&self) -> Loads {
        Loads::of(&self.scenario.live(), &self.assignment)
    }

    /// The full-membership ring (failed nodes included) for drawing vnode ticks, when the
    /// algorithm has one.
    pub fn ring(&self) -> Option<&HashRing> {
        self.ring.as_ref()
    }

    /// Key `i`'s R replicas on the full membership, owner first (failed ones included).
    pub fn preference(&self, i: usize) -> Vec<NodeId> {
        let mut out = Vec::new();
        if let Some(&k) = self.keys.get(i) {
            self.full.preference(k, self.scenario.replicas.into(), &mut out);
        }
        out
    }

    /// The id a new node gets: one above the highest, or the lowest free one.
    pub fn next_id(&self) -> Option<NodeId> {
        let max = super::limits::MAX_RING_NODES as u16;
        let above = self.scenario.members.ids().max().map_or(0, |m| u16::from(m) + 1);
        if above < max {
            return Some(above as NodeId);
        }
        (0..max).map(|i| i as NodeId).find(|&i| !self.scenario.members.contains(i))
    }

    pub fn add_node(&mut self, weight: Weight) -> Result<NodeId, Msg> {
        let id = self
            .next_id()
            .ok_or_else(|| crate::msg!("at most {max} nodes", max = super::limits::MAX_RING_NODES))?;
        let mut next = self.scenario.clone();
        next.members.insert(id, weight);
        self.apply(next, Some(Change::Added(id)))?;
        Ok(id)
    }

    pub fn remove_node(&mut self, id: NodeId) -> Result<(), Msg> {
        let mut next = self.scenario.clone();
        next.members.remove(id).ok_or_else(|| crate::msg!("there is no node {id}", id))?;
        next.down.remove(&id);
        self.apply(next, Some(Change::Removed(id)))
    }

    pub fn fail_node(&mut self, id: NodeId) -> Result<(), Msg> {
        let mut next = self.scenario.clone();
        if !next.members.contains(id) || !next.down.insert(id) {
            return Err(crate::msg!("node {id} is not up", id));
        }
        self.apply(next, Some(Change::Failed(id)))
    }

    pub fn recover_node(&mut self, id: NodeId) -> Result<(), Msg> {
        let mut next = self.scenario.clone();
        if !next.down.remove(&id) {
            return Err(crate::msg!("node {id} is not down", id));
        }
        self.apply(next, Some(Change::Recovered(id)))
    }

    pub fn set_weight(&mut self, id: NodeId, weight: Weight) -> Result<(), Msg> {
        let from = self.scenario.members.weight(id).ok_or_else(|| crate::msg!("no node {id}", id))?;
        if from == weight {
            return Ok(());
        }
        let mut next = self.scenario.clone();
        next.members.insert(id, weight);
        self.apply(next, Some(Change::Reweighted { id, from, to: weight }))
    }

    pub fn set_vnodes(&mut self, vnodes: u32) -> Result<(), Msg> {
        let from = self.scenario.vnodes;
        let next = RingScenario { vnodes, ..self.scenario.clone() };
        self.apply(next, (from != vnodes).then_some(Change::Vnodes { from, to: vnodes }))
    }

    pub fn set_epsilon(&mut self, epsilon: u32) -> Result<(), Msg> {
        let from = self.scenario.epsilon;
        let next = RingScenario { epsilon, ..self.scenario.clone() };
        self.apply(next, (from != epsilon).then_some(Change::Epsilon { from, to: epsilon }))
    }

    pub fn set_keys(&mut self, keys: u32) -> Result<(), Msg> {
        self.apply(RingScenario { keys, ..self.scenario.clone() }, None)
    }

    pub fn set_replicas(&mut self, replicas: u8) -> Result<(), Msg> {
        self.apply(RingScenario { replicas, ..self.scenario.clone() }, None)
    }

    pub fn set_algorithm(&mut self, algorithm: Algorithm) -> Result<(), Msg> {
        self.apply(RingScenario { algorithm, ..self.scenario.clone() }, None)
    }

    /// Validates `next`, rebuilds, and records what moved. A rejected change leaves the lab as
    /// it was and says why.
    fn apply(&mut self, next: RingScenario, change: Option<Change>) -> Result<(), Msg> {
        next.validate()
            .map_err(|e| crate::msg!("{field}: {message}", field = e.field, message = e.message))?;
        let before = std::mem::replace(&mut self.scenario, next);
        if self.scenario.keys != before.keys {
            self.keys = keys(self.scenario.keys);
        }
        self.rebuild();
        let old = std::mem::replace(&mut self.assignment, self.live.assign(&self.keys));
        let s = &self.scenario;
        let Some(change) = change else {
            if s.keys != before.keys || s.algorithm != before.algorithm {
                self.last = None;
            }
            return Ok(());
        };
        let moves = Moves::between(&old, &self.assignment);
        let moved = old
            .iter()
            .zip(&self.assignment)
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, _)| i as u32)
            .collect();
        let arcs = if s.algorithm == Algorithm::Ring {
            HashRing::arc_moves(
                &HashRing::new(&before.live(), before.vnodes),
                &HashRing::new(&s.live(), s.vnodes),
            )
        } else {
            Vec::new()
        };
        let ideal = ideal_moved_fraction(&before.live(), &s.live());
        self.last = Some(LastChange { change, before, moves, ideal, moved, arcs });
        Ok(())
    }

    /// Every algorithm on the current setup, with the last change replayed on each.
    pub fn compare(&self) -> Vec<Row> {
        let s = &self.scenario;
        let live = s.live();
        Algorithm::ALL
            .into_iter()
            .map(|algorithm| {
                let placement = algorithm.build(&live, &s.params());
                let now = placement.assign(&self.keys);
                let moved = self.last.as_ref().map(|last| {
                    let then = algorithm.build(&last.before.live(), &last.before.params()).assign(&self.keys);
                    Moves::between(&then, &now).fraction()
                });
                Row {
                    algorithm,
                    loads: Loads::of(&live, &now),
                    moved,
                    memory_bytes: placement.memory_bytes(),
                    placement,
                }
            })
            .collect()
    }

    pub fn failures(&self) -> FailureReport {
        let s = &self.scenario;
        let down: Vec<NodeId> = s.down.iter().copied().collect();
        let ids: Vec<NodeId> = s.members.ids().collect();
        let r = usize::from(s.replicas).min(ids.len());
        let k = down.len().max(r);
        FailureReport {
            lost_keys: failover::lost_keys(&self.replica_sets, failover::node_set(down.iter().copied())),
            replica_sets: self.replica_sets.len(),
            k,
            expected_lost_fraction: failover::expected_lost_fraction(ids.len(), r, k),
            any_loss: failover::loss_probability(&self.replica_sets, &ids, k, 0x5eed),
            down,
        }
    }
}

/// A new node's weight when the page adds one.
pub const NEW_NODE_WEIGHT: Weight = UNIT_WEIGHT;

impl Default for Lab {
    fn default() -> Self {
        Lab::new(RingScenario::default())
    }
}

impl std::fmt::Debug for Lab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lab").field("scenario", &self.scenario).field("keys", &self.keys.len()).finish()
    }
}
