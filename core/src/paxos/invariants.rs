//! Paxos safety, judged from acceptor states rather than from what learners claim.
//!
//! A value is *chosen* in a slot once a majority of acceptors have accepted it in the same
//! ballot; acceptors may later accept other ballots, so the checker records every acceptance as
//! it happens (an acceptor accepts at most one slot per step, reported in `accepted_now`).
//!
//! Proposals and acceptances are dropped below `base`, the lowest chosen prefix of any node
//! (live, or on stable storage): every learner has learned those slots, so nothing there can
//! change what any node learns or applies. A late acceptance below it is not judged. Chosen
//! values are dropped below `snap_base`, the lowest snapshot any node holds, keeping the state
//! machine there to rebuild replicas from; no node can learn or apply those slots again.

use super::{Ballot, Dedup, Paxos, PaxosState, Slot, Value};
use crate::cluster::Cluster;
use crate::invariant::{Broken, Checker};
use crate::protocol::NodeId;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub const ONE_VALUE: &str = "one value per slot";
pub const ONLY_PROPOSED: &str = "only proposed values are chosen";
pub const LEARN_CHOSEN: &str = "learners learn only chosen values";
pub const STABLE_PREFIX: &str = "the chosen prefix never changes";
/// Every node's key-value map is the chosen values of its applied prefix, applied in slot order,
/// each client request once.
pub const APPLIED_STATE: &str = "applied state matches the chosen log";

/// A node's state machine rebuilt by the checker from the values it judged chosen.
#[derive(Clone, Debug, Default)]
struct Replica {
    incarnation: u32,
    applied: Slot,
    kv: BTreeMap<u8, u32>,
    done: Dedup,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Cursor {
    incarnation: u32,
    prefix: Slot,
    /// The node's snapshot slot when last checked (a new one is checked once).
    snapshot: Slot,
}

/// Proposals and acceptances are dropped in chunks of at least this many slots.
const SWEEP: Slot = 1_024;

/// Acceptances by (slot, ballot): the value and who accepted it.
type Accepts = BTreeMap<(Slot, Ballot), (Value, BTreeSet<NodeId>)>;

/// The history is shared between copies and copied on write (`Arc::make_mut`): the exhaustive
/// search copies the checker into every successor, and most steps change none of it.
#[derive(Clone, Debug, Default)]
pub struct PaxosChecker {
    /// Every node has learned slots `0..base`.
    base: Slot,
    /// What proposers sent in `Accept`s, by (slot, ballot).
    proposed: Arc<BTreeMap<(Slot, Ballot), Value>>,
    /// Every acceptance ever, by (slot, ballot).
    accepts: Arc<Accepts>,
    chosen: Arc<BTreeMap<Slot, Value>>,
    /// Every node's snapshot covers `0..snap_base`; the state machine there.
    snap_base: Slot,
    base_kv: Arc<BTreeMap<u8, u32>>,
    base_done: Arc<Dedup>,
    cursors: Arc<Vec<Cursor>>,
    replicas: Arc<Vec<Replica>>,
}

impl PaxosChecker {
    /// The values chosen in slots the checker still keeps, by slot.
    pub fn chosen(&self) -> &BTreeMap<Slot, Value> {
        &self.chosen
    }

    /// The number of slots known chosen, kept or not.
    pub fn chosen_through(&self) -> Slot {
        self.chosen.keys().next_back().map_or(self.snap_base, |k| k + 1)
    }

    fn proposals(&mut self, id: NodeId, s: &PaxosState) -> Result<(), Broken> {
        let Some(p) = &s.proposer else { return Ok(()) };
        for (slot, ballot, v) in &p.proposed_now {
            let Some(known) = self.proposed.get(&(*slot, *ballot)) else {
                Arc::make_mut(&mut self.proposed).insert((*slot, *ballot), v.clone());
                continue;
            };
            if known != v {
                return Err(Broken {
                    invariant: ONE_VALUE,
                    detail: crate::msg!(
                        "node {id} proposed {v} and {known} in slot {slot} with the same ballot {ballot}",
                        id,
                        v,
                        known,
                        slot = *slot,
                        ballot = *ballot
                    ),
                });
            }
        }
        Ok(())
    }

    fn acceptance(&mut self, id: NodeId, s: &PaxosState, majority: usize) -> Result<(), Broken> {
        let Some(slot) = s.accepted_now.filter(|k| *k >= self.base) else { return Ok(()) };
        let Some((ballot, v)) = s.accepted.get(&slot) else { return Ok(()) };
        if self.proposed.get(&(slot, *ballot)) != Some(v) {
            return Err(Broken {
                invariant: ONLY_PROPOSED,
                detail: crate::msg!(
                    "node {id} accepted {v} in slot {slot}, ballot {ballot}, which no proposer proposed",
                    id,
                    v,
                    slot,
                    ballot = *ballot
                ),
            });
        }
        let votes = match self.accepts.get(&(slot, *ballot)) {
            Some((_, voters)) if voters.contains(&id) => voters.len(),
            _ => {
                let accepts = Arc::make_mut(&mut self.accepts);
                let (_, voters) =
                    accepts.entry((slot, *ballot)).or_insert_with(|| (v.clone(), BTreeSet::new()));
                voters.insert(id);
                voters.len()
            }
        };
        if votes >= majority {
            match self.chosen.get(&slot) {
                Some(c) if c != v => {
                    return Err(Broken {
                        invariant: ONE_VALUE,
                        detail: crate::msg!(
                            "slot {slot}: {v} was chosen in ballot {ballot} after {c} had been chosen",
                            slot,
                            v,
                            ballot = *ballot,
                            c
                        ),
                    })
                }
                Some(_) => {}
                None => {
                    Arc::make_mut(&mut self.chosen).insert(slot, v.clone());
                }
            }
        }
        Ok(())
    }

    fn learning(&mut self, id: NodeId, s: &PaxosState, c: &mut Cursor) -> Result<(), Broken> {
        for slot in s.learned_now.iter().filter(|k| **k >= self.snap_base) {
            let Some(v) = s.learned.get(slot) else { continue };
            if self.chosen.get(slot) != Some(v) {
                return Err(Broken {
                    invariant: LEARN_CHOSEN,
                    detail: match self.chosen.get(slot) {
                        Some(c) => crate::msg!(
                            "node {id} learned {v} in slot {slot}, but {c} is the chosen value",
                            id,
                            v,
                            slot = *slot,
                            c
                        ),
                        None => crate::msg!(
                            "node {id} learned {v} in slot {slot}, which nothing was chosen in yet",
                            id,
                            v,
                            slot = *slot
                        ),
                    },
                });
            }
        }
        if s.chosen_prefix < c.prefix {
            return Err(Broken {
                invariant: STABLE_PREFIX,
                detail: crate::msg!(
                    "node {id}'s chosen prefix shrank from {before} to {now}",
                    id,
                    before = c.prefix,
                    now = s.chosen_prefix
                ),
            });
        }
        c.prefix = s.chosen_prefix;
        Ok(())
    }

    /// Advances replica `r` of node `id` through the chosen values to slot `upto`.
    fn apply_chosen(
        chosen: &BTreeMap<Slot, Value>,
        id: NodeId,
        r: &mut Replica,
        upto: Slot,
    ) -> Result<(), Broken> {
        while r.applied < upto {
            match chosen.get(&r.applied) {
                Some(Value::Put { req, key, value }) => {
                    if r.done.first_time(*req) {
                        r.kv.insert(*key, *value);
                    }
                }
                Some(_) => {}
                None => {
                    return Err(Broken {
                        invariant: APPLIED_STATE,
                        detail: crate::msg!(
                            "node {id} applied slot {slot}, where nothing is chosen",
                            id,
                            slot = r.applied
                        ),
                    })
                }
            }
            r.applied += 1;
        }
        Ok(())
    }

    /// Rebuilds the node's state machine from the chosen values and compares: at a new
    /// snapshot's slot with the snapshot, and at the node's applied slot with its map.
    fn applied_state(
        &mut self,
        id: NodeId,
        s: &PaxosState,
        c: &mut Cursor,
        incarnation: u32,
    ) -> Result<(), Broken> {
        let i = id as usize;
        let r = &self.replicas[i];
        if r.incarnation != incarnation || s.applied < r.applied || r.applied < self.snap_base {
            Arc::make_mut(&mut self.replicas)[i] = Replica {
                incarnation,
                applied: self.snap_base,
                kv: (*self.base_kv).clone(),
                done: (*self.base_done).clone(),
            };
        }
        let snap = &s.snapshot;
        let judge_snapshot = snap.slot != c.snapshot && snap.slot >= self.replicas[i].applied;
        c.snapshot = snap.slot;
        for (upto, compare) in [(snap.slot, judge_snapshot), (s.applied, true)] {
            // Copied only when there is something to apply.
            let mut r = &self.replicas[i];
            if r.applied < upto {
                let w = &mut Arc::make_mut(&mut self.replicas)[i];
                Self::apply_chosen(&self.chosen, id, w, upto)?;
                r = &self.replicas[i];
            }
            let (kv, applied) = if upto == s.applied { (&s.kv, true) } else { (&snap.kv, false) };
            if compare && r.applied == upto && r.kv != *kv {
                let (kv, expected) = (format!("{kv:?}"), format!("{:?}", r.kv));
                return Err(Broken {
                    invariant: APPLIED_STATE,
                    detail: if applied {
                        crate::msg!(
                            "node {id} holds applied slots 0..{upto} as {kv}, but the chosen values give {expected}",
                            id,
                            upto,
                            kv,
                            expected
                        )
                    } else {
                        crate::msg!(
                            "node {id} holds a snapshot of slots 0..{upto} as {kv}, but the chosen values give \
                             {expected}",
                            id,
                            upto,
                            kv,
                            expected
                        )
                    },
                });
            }
        }
        Ok(())
    }
}

impl PaxosChecker {
    /// Proposals and acceptances kept (the memory they hold is proportional).
    pub fn kept(&self) -> usize {
        self.proposed.len() + self.accepts.len()
    }

    fn sweep(&mut self, cluster: &Cluster<Paxos>) {
        // A node that is down restarts with at least the prefix it had when last checked
        // (learned values are stored in the step that learns them).
        let mut low = Slot::MAX;
        for (i, n) in cluster.nodes.iter().enumerate() {
            let prefix = match &n.state {
                Some(s) => s.chosen_prefix,
                None => self.cursors.get(i).map_or(0, |c| c.prefix),
            };
            low = low.min(prefix);
        }
        if low != Slot::MAX && low >= self.base + SWEEP {
            self.proposed = Arc::new(Arc::make_mut(&mut self.proposed).split_off(&(low, Ballot::default())));
            self.accepts = Arc::new(Arc::make_mut(&mut self.accepts).split_off(&(low, Ballot::default())));
            self.base = low;
        }
        // Chosen values below every snapshot (stored ones included) are applied for good.
        let mut snap = Slot::MAX;
        for n in &cluster.nodes {
            let live = n.state.as_ref().map_or(Slot::MAX, |s| s.snapshot.slot);
            let stored = n.durable.as_ref().map_or(0, |d| d.snapshot.slot);
            snap = snap.min(live.min(stored));
        }
        let snap = snap.min(self.base);
        if snap != Slot::MAX && snap >= self.snap_base + SWEEP {
            let keep = Arc::new(Arc::make_mut(&mut self.chosen).split_off(&snap));
            let (base_kv, base_done) = (Arc::make_mut(&mut self.base_kv), Arc::make_mut(&mut self.base_done));
            for (_, v) in Arc::unwrap_or_clone(std::mem::replace(&mut self.chosen, keep)) {
                if let Value::Put { req, key, value } = v {
                    if base_done.first_time(req) {
                        base_kv.insert(key, value);
                    }
                }
            }
            self.snap_base = snap;
        }
    }
}

impl Checker<Paxos> for PaxosChecker {
    fn check(&mut self, cluster: &Cluster<Paxos>, touched: Option<NodeId>) -> Result<(), Broken> {
        let Some(id) = touched else { return Ok(()) };
        let Some(s) = cluster.state(id) else { return Ok(()) };
        if self.cursors.len() < cluster.len() {
            Arc::make_mut(&mut self.cursors).resize(cluster.len(), Cursor::default());
            Arc::make_mut(&mut self.replicas).resize(cluster.len(), Replica::default());
        }
        let incarnation = cluster.nodes[id as usize].incarnation;
        let mut c = self.cursors[id as usize];
        if c.incarnation != incarnation {
            // Its learned values were judged when learned; its snapshot is judged again.
            c = Cursor { incarnation, prefix: c.prefix, snapshot: Slot::MAX };
        }
        self.proposals(id, s)?;
        self.acceptance(id, s, cluster.protocol.config.nodes / 2 + 1)?;
        self.learning(id, s, &mut c)?;
        self.applied_state(id, s, &mut c, incarnation)?;
        if self.cursors[id as usize] != c {
            Arc::make_mut(&mut self.cursors)[id as usize] = c;
        }
        self.sweep(cluster);
        Ok(())
    }
}
