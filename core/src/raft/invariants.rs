//! Raft's safety properties (Figure 3 of the paper), checked after every step.
//!
//! The checker keeps history the nodes themselves may lose in a crash: who led each term, every
//! (index, term) entry ever written, and the committed prefix with the term it was committed
//! in. Each step it examines only the node the step touched, and of that node only what changed
//! since it last looked (unless the log was truncated or the node restarted), so the checker's
//! cost does not grow with the length of the run.
//!
//! Its memory does not grow either: history is dropped below `base`, the lowest snapshot any
//! node holds, live or on stable storage. No log can hold an entry at or below it again (a
//! follower skips what its snapshot covers), so nothing there is left to judge; the checker keeps
//! the key-value map at `base` to rebuild replicas from.

use super::{Command, Index, Raft, RaftState, Term};
use crate::cluster::Cluster;
use crate::invariant::{Broken, Checker};
use crate::protocol::NodeId;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

pub const ELECTION_SAFETY: &str = "election safety";
pub const LOG_MATCHING: &str = "log matching";
pub const LEADER_COMPLETENESS: &str = "leader completeness";
pub const STATE_MACHINE_SAFETY: &str = "state machine safety";
/// Every node's key-value map is exactly the committed log applied in order up to its
/// `applied` index (a Jepsen-style check of the state, not only of the logs).
pub const APPLIED_STATE: &str = "applied state matches the committed log";

/// History is dropped in chunks of at least this many entries, so the cost is amortised.
const SWEEP: Index = 1_024;

/// A node's state machine rebuilt by the checker from the committed prefix it recorded.
#[derive(Clone, Debug, Default)]
struct Replica {
    incarnation: u32,
    applied: Index,
    kv: BTreeMap<u8, u32>,
}

/// How far a node's state has been verified. Valid while the node neither restarted nor
/// truncated its log (and, for leader completeness, kept its term).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Cursor {
    incarnation: u32,
    truncations: u64,
    term: Term,
    /// Log entries through this index already checked for log matching.
    log: Index,
    /// Committed entries of this node already checked for state-machine safety.
    commit: Index,
    /// Globally committed entries through this index already checked for leader completeness.
    complete: Index,
}

/// The history is shared between copies and copied on write (`Arc::make_mut`): the exhaustive
/// search copies the checker into every successor, and most steps change little of it.
#[derive(Clone, Debug, Default)]
pub struct RaftChecker {
    cursors: Arc<Vec<Cursor>>,
    /// Election safety: at most one leader per term (terms no node can reach again are dropped).
    leaders: Arc<BTreeMap<Term, NodeId>>,
    /// Every snapshot covers `1..=base`; history starts after it.
    base: Index,
    /// The committed prefix through `base`, applied.
    base_kv: Arc<BTreeMap<u8, u32>>,
    /// Log matching: `seen[i - base - 1][term]` is the command and previous term of the one
    /// entry that may exist at (i, term).
    seen: Arc<VecDeque<BTreeMap<Term, (Command, Term)>>>,
    /// State-machine safety: the committed prefix after `base`, and the term each entry was
    /// committed in.
    committed: Arc<VecDeque<(Term, Command)>>,
    committed_in: Arc<VecDeque<Term>>,
    replicas: Arc<Vec<Replica>>,
}

impl RaftChecker {
    /// The last index any node has reported committed.
    pub fn committed_through(&self) -> Index {
        self.base + self.committed.len() as Index
    }

    /// The committed entry at `index`, as (term, command), while the checker still keeps it.
    pub fn committed_at(&self, index: Index) -> Option<&(Term, Command)> {
        index.checked_sub(self.base + 1).and_then(|i| self.committed.get(i as usize))
    }

    /// Entries the checker keeps (the memory it holds is proportional).
    pub fn kept(&self) -> usize {
        self.seen.len() + self.committed.len()
    }

    fn election_safety(&mut self, id: NodeId, s: &RaftState) -> Result<(), Broken> {
        if !s.is_leader() {
            return Ok(());
        }
        let Some(&leader) = self.leaders.get(&s.term) else {
            Arc::make_mut(&mut self.leaders).insert(s.term, id);
            return Ok(());
        };
        if leader != id {
            return Err(Broken {
                invariant: ELECTION_SAFETY,
                detail: crate::msg!(
                    "node {leader} and node {id} were both elected leader of term {term}",
                    leader,
                    id,
                    term = s.term
                ),
            });
        }
        Ok(())
    }

    fn log_matching(&mut self, id: NodeId, s: &RaftState, from: Index) -> Result<(), Broken> {
        let start = from.max(s.log.offset()).max(self.base);
        let mut prev_term = s.log.term_at(start).unwrap_or(0);
        for (k, e) in s.log.after(start).iter().enumerate() {
            let index = start + 1 + k as Index;
            let slot = (index - self.base - 1) as usize;
            let Some(known) = self.seen.get(slot).and_then(|m| m.get(&e.term)) else {
                let seen = Arc::make_mut(&mut self.seen);
                if seen.len() <= slot {
                    seen.resize_with(slot + 1, BTreeMap::new);
                }
                seen[slot].insert(e.term, (e.cmd.clone(), prev_term));
                prev_term = e.term;
                continue;
            };
            if known.0 != e.cmd || known.1 != prev_term {
                return Err(Broken {
                    invariant: LOG_MATCHING,
                    detail: crate::msg!(
                        "node {id} holds a different entry at index {index} term {term} (or a different \
                         history before it) than another log did",
                        id,
                        index,
                        term = e.term
                    ),
                });
            }
            prev_term = e.term;
        }
        Ok(())
    }

    fn state_machine_safety(&mut self, id: NodeId, s: &RaftState, from: Index) -> Result<(), Broken> {
        let offset = s.log.offset();
        if s.commit > s.log.last_index() || s.applied > s.commit || offset > s.applied {
            return Err(Broken {
                invariant: STATE_MACHINE_SAFETY,
                detail: crate::msg!(
                    "node {id} has snapshot {offset} / applied {applied} / committed {commit} / last index {last}",
                    id,
                    offset,
                    applied = s.applied,
                    commit = s.commit,
                    last = s.log.last_index()
                ),
            });
        }
        // The snapshot must be a committed prefix: its last entry is the committed one.
        if offset > self.base {
            match self.committed_at(offset) {
                Some((t, _)) if *t == s.snapshot.term => {}
                known => {
                    return Err(Broken {
                        invariant: STATE_MACHINE_SAFETY,
                        detail: match known {
                            Some((t, _)) => crate::msg!(
                                "node {id} holds a snapshot through index {offset} term {term}, but index \
                                 {offset} was committed with term {t}",
                                id,
                                offset,
                                term = s.snapshot.term,
                                t = *t
                            ),
                            None => crate::msg!(
                                "node {id} holds a snapshot through index {offset}, but only {n} entries \
                                 are known committed",
                                id,
                                offset,
                                n = self.committed_through()
                            ),
                        },
                    })
                }
            }
        }
        let start = from.max(offset).max(self.base);
        for (k, e) in s.log.through(s.commit).iter().skip((start - offset) as usize).enumerate() {
            let index = start + 1 + k as Index;
            match self.committed_at(index) {
                Some((t, c)) if *t == e.term && *c == e.cmd => {}
                Some((t, _)) => {
                    return Err(Broken {
                        invariant: STATE_MACHINE_SAFETY,
                        detail: crate::msg!(
                            "node {id} committed index {index} with term {term}, but index {index} was \
                             already committed with term {t}",
                            id,
                            index,
                            term = e.term,
                            t = *t
                        ),
                    })
                }
                None if index == self.committed_through() + 1 => {
                    Arc::make_mut(&mut self.committed).push_back((e.term, e.cmd.clone()));
                    Arc::make_mut(&mut self.committed_in).push_back(s.term);
                }
                None => {
                    return Err(Broken {
                        invariant: STATE_MACHINE_SAFETY,
                        detail: crate::msg!(
                            "node {id} committed index {index}, but only {n} entries are known committed \
                             before it",
                            id,
                            index,
                            n = self.committed_through()
                        ),
                    })
                }
            }
        }
        Ok(())
    }

    fn applied_state(&mut self, id: NodeId, s: &RaftState, incarnation: u32) -> Result<(), Broken> {
        let r = &self.replicas[id as usize];
        if r.incarnation == incarnation && s.applied < r.applied {
            return Err(Broken {
                invariant: APPLIED_STATE,
                detail: crate::msg!(
                    "node {id} had applied through index {before}, and now only through {now}: its state went back",
                    id,
                    before = r.applied,
                    now = s.applied
                ),
            });
        }
        let reset = r.incarnation != incarnation || r.applied < self.base;
        if !reset && s.applied == r.applied {
            return Ok(());
        }
        // Copied only when there is something to record.
        let r = &mut Arc::make_mut(&mut self.replicas)[id as usize];
        if reset {
            *r = Replica { incarnation, applied: self.base, kv: (*self.base_kv).clone() };
        }
        if s.applied == r.applied {
            return Ok(());
        }
        // `snapshot <= applied <= commit` and the committed prefix were checked just before.
        let skip = (r.applied - self.base) as usize;
        let take = (s.applied - r.applied) as usize;
        for (_, cmd) in self.committed.iter().skip(skip).take(take) {
            if let Command::Put { key, value, .. } = cmd {
                r.kv.insert(*key, *value);
            }
        }
        r.applied = s.applied;
        if r.kv != s.kv {
            return Err(Broken {
                invariant: APPLIED_STATE,
                detail: crate::msg!(
                    "node {id} applied 1..={applied} into {kv}, but the committed log gives {expected}",
                    id,
                    applied = s.applied,
                    kv = format!("{:?}", s.kv),
                    expected = format!("{:?}", r.kv)
                ),
            });
        }
        Ok(())
    }

    fn leader_completeness(&self, id: NodeId, s: &RaftState, from: Index) -> Result<(), Broken> {
        if !s.is_leader() {
            return Ok(());
        }
        // Entries through the snapshot are covered by it (checked against the committed prefix).
        let start = from.max(s.log.offset()).max(self.base);
        let skip = (start - self.base) as usize;
        for (k, ((term, _), in_term)) in
            self.committed.iter().zip(self.committed_in.iter()).skip(skip).enumerate()
        {
            let index = start + 1 + k as Index;
            if *in_term < s.term && s.log.term_at(index) != Some(*term) {
                return Err(Broken {
                    invariant: LEADER_COMPLETENESS,
                    detail: crate::msg!(
                        "node {id} leads term {leads} but lacks index {index} (term {term}), committed in term {in_term}",
                        id,
                        leads = s.term,
                        index,
                        term = *term,
                        in_term = *in_term
                    ),
                });
            }
        }
        Ok(())
    }

    /// Drops history every snapshot covers, and terms no node can lead any more.
    fn sweep(&mut self, cluster: &Cluster<Raft>) {
        let mut low = Index::MAX;
        let mut term = Term::MAX;
        for n in &cluster.nodes {
            if let Some(s) = &n.state {
                low = low.min(s.snapshot.index);
                term = term.min(s.term);
            }
            let (snap, t) = n.durable.as_ref().map_or((0, 0), |d| (d.snapshot.index, d.term));
            low = low.min(snap);
            term = term.min(t);
        }
        let low = low.min(self.committed_through());
        if low < self.base + SWEEP {
            return;
        }
        let drop = (low - self.base) as usize;
        let base_kv = Arc::make_mut(&mut self.base_kv);
        for (_, cmd) in Arc::make_mut(&mut self.committed).drain(..drop) {
            if let Command::Put { key, value, .. } = cmd {
                base_kv.insert(key, value);
            }
        }
        Arc::make_mut(&mut self.committed_in).drain(..drop);
        let seen = Arc::make_mut(&mut self.seen);
        seen.drain(..drop.min(seen.len()));
        self.base = low;
        self.leaders = Arc::new(Arc::make_mut(&mut self.leaders).split_off(&term));
    }
}

impl Checker<Raft> for RaftChecker {
    fn check(&mut self, cluster: &Cluster<Raft>, touched: Option<NodeId>) -> Result<(), Broken> {
        let Some(id) = touched else { return Ok(()) };
        let Some(s) = cluster.state(id) else {
            return Ok(());
        };
        if self.cursors.len() < cluster.len() {
            Arc::make_mut(&mut self.cursors).resize(cluster.len(), Cursor::default());
            Arc::make_mut(&mut self.replicas).resize(cluster.len(), Replica::default());
        }
        let mut c = self.cursors[id as usize];
        let (incarnation, truncations) = (cluster.nodes[id as usize].incarnation, s.log.truncations());
        if (c.incarnation, c.truncations) != (incarnation, truncations) {
            c = Cursor { incarnation, truncations, ..Cursor::default() };
        }
        if c.term != s.term {
            c = Cursor { term: s.term, complete: 0, ..c };
        }
        self.election_safety(id, s)?;
        self.log_matching(id, s, c.log)?;
        self.state_machine_safety(id, s, c.commit)?;
        self.leader_completeness(id, s, c.complete)?;
        self.applied_state(id, s, incarnation)?;
        c.log = s.log.last_index();
        c.commit = s.commit;
        if s.is_leader() {
            c.complete = self.committed_through();
        }
        if self.cursors[id as usize] != c {
            Arc::make_mut(&mut self.cursors)[id as usize] = c;
        }
        self.sweep(cluster);
        Ok(())
    }
}
