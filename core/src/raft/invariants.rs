//! Raft's safety properties (Figure 3 of the paper), checked after every step.
//!
//! The checker keeps history the nodes themselves may lose in a crash: who led each term, every
//! (index, term) entry ever written, and the committed prefix with the term it was committed
//! in. Each step it examines only the node the step touched, and of that node only what changed
//! since it last looked (unless the log was truncated or the node restarted), so the checker's
//! cost does not grow with the length of the run.

use super::{Command, Index, Raft, RaftState, Term};
use crate::cluster::Cluster;
use crate::invariant::{Broken, Checker};
use crate::protocol::NodeId;
use std::collections::BTreeMap;

pub const ELECTION_SAFETY: &str = "election safety";
pub const LOG_MATCHING: &str = "log matching";
pub const LEADER_COMPLETENESS: &str = "leader completeness";
pub const STATE_MACHINE_SAFETY: &str = "state machine safety";
/// Every node's key-value map is exactly the committed log applied in order up to its
/// `applied` index (a Jepsen-style check of the state, not only of the logs).
pub const APPLIED_STATE: &str = "applied state matches the committed log";

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
    /// Log entries already checked for log matching.
    log: usize,
    /// Committed entries of this node already checked for state-machine safety.
    commit: Index,
    /// Globally committed entries already checked for leader completeness.
    complete: usize,
}

#[derive(Clone, Debug, Default)]
pub struct RaftChecker {
    cursors: Vec<Cursor>,
    /// Election safety: at most one leader per term, ever.
    leaders: BTreeMap<Term, NodeId>,
    /// Log matching: `seen[i - 1][term]` is the command and previous term of the one entry
    /// that may exist at (i, term).
    seen: Vec<BTreeMap<Term, (Command, Term)>>,
    /// State-machine safety: the committed prefix, and the term each entry was committed in.
    committed: Vec<(Term, Command)>,
    committed_in: Vec<Term>,
    replicas: Vec<Replica>,
}

impl RaftChecker {
    /// The longest committed prefix any node has reported, as (term, command).
    pub fn committed(&self) -> &[(Term, Command)] {
        &self.committed
    }

    fn election_safety(&mut self, id: NodeId, s: &RaftState) -> Result<(), Broken> {
        if !s.is_leader() {
            return Ok(());
        }
        let leader = *self.leaders.entry(s.term).or_insert(id);
        if leader != id {
            return Err(Broken {
                invariant: ELECTION_SAFETY,
                detail: format!("node {leader} and node {id} were both elected leader of term {}", s.term),
            });
        }
        Ok(())
    }

    fn log_matching(&mut self, id: NodeId, s: &RaftState, from: usize) -> Result<(), Broken> {
        let mut prev_term = s.log.term_at(from as Index).unwrap_or(0);
        for (i, e) in s.log.entries().iter().enumerate().skip(from) {
            if self.seen.len() <= i {
                self.seen.push(BTreeMap::new());
            }
            let known = self.seen[i].entry(e.term).or_insert_with(|| (e.cmd.clone(), prev_term));
            if *known != (e.cmd.clone(), prev_term) {
                return Err(Broken {
                    invariant: LOG_MATCHING,
                    detail: format!(
                        "node {id} holds a different entry at index {} term {} (or a different \
                         history before it) than another log did",
                        i + 1,
                        e.term
                    ),
                });
            }
            prev_term = e.term;
        }
        Ok(())
    }

    fn state_machine_safety(&mut self, id: NodeId, s: &RaftState, from: Index) -> Result<(), Broken> {
        if s.commit > s.log.last_index() || s.applied > s.commit {
            return Err(Broken {
                invariant: STATE_MACHINE_SAFETY,
                detail: format!(
                    "node {id} has applied {} / committed {} / last index {}",
                    s.applied,
                    s.commit,
                    s.log.last_index()
                ),
            });
        }
        for (i, e) in s.log.prefix(s.commit).iter().enumerate().skip(from as usize) {
            match self.committed.get(i) {
                Some((t, c)) if *t == e.term && *c == e.cmd => {}
                Some((t, _)) => {
                    return Err(Broken {
                        invariant: STATE_MACHINE_SAFETY,
                        detail: format!(
                            "node {id} committed index {} with term {}, but index {} was already \
                             committed with term {t}",
                            i + 1,
                            e.term,
                            i + 1
                        ),
                    })
                }
                None => {
                    self.committed.push((e.term, e.cmd.clone()));
                    self.committed_in.push(s.term);
                }
            }
        }
        Ok(())
    }

    fn applied_state(&mut self, id: NodeId, s: &RaftState, incarnation: u32) -> Result<(), Broken> {
        let r = &mut self.replicas[id as usize];
        if r.incarnation != incarnation || s.applied < r.applied {
            *r = Replica { incarnation, ..Replica::default() };
        }
        if s.applied == r.applied {
            return Ok(());
        }
        // `applied <= commit` and the committed prefix were checked just before.
        for (_, cmd) in self.committed.iter().take(s.applied as usize).skip(r.applied as usize) {
            if let Command::Put { key, value, .. } = cmd {
                r.kv.insert(*key, *value);
            }
        }
        r.applied = s.applied;
        if r.kv != s.kv {
            return Err(Broken {
                invariant: APPLIED_STATE,
                detail: format!(
                    "node {id} applied 1..={} into {:?}, but the committed log gives {:?}",
                    s.applied, s.kv, r.kv
                ),
            });
        }
        Ok(())
    }

    fn leader_completeness(&self, id: NodeId, s: &RaftState, from: usize) -> Result<(), Broken> {
        if !s.is_leader() {
            return Ok(());
        }
        for (i, ((term, _), in_term)) in self.committed.iter().zip(&self.committed_in).enumerate().skip(from)
        {
            let index = i as Index + 1;
            if *in_term < s.term && s.log.term_at(index) != Some(*term) {
                return Err(Broken {
                    invariant: LEADER_COMPLETENESS,
                    detail: format!(
                        "node {id} leads term {} but lacks index {index} (term {term}), committed in term {in_term}",
                        s.term
                    ),
                });
            }
        }
        Ok(())
    }
}

impl Checker<Raft> for RaftChecker {
    fn check(&mut self, cluster: &Cluster<Raft>, touched: Option<NodeId>) -> Result<(), Broken> {
        let Some(id) = touched else { return Ok(()) };
        let Some(s) = cluster.state(id) else {
            return Ok(());
        };
        if self.cursors.len() < cluster.len() {
            self.cursors.resize(cluster.len(), Cursor::default());
            self.replicas.resize(cluster.len(), Replica::default());
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
        c.log = s.log.entries().len();
        c.commit = s.commit;
        if s.is_leader() {
            c.complete = self.committed.len();
        }
        self.cursors[id as usize] = c;
        Ok(())
    }
}
