//! Raft (Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm", 2014),
//! following Figure 2 rule by rule.
//!
//! The shape follows etcd/raft: one entry point dispatches to a function per role, and the
//! `become_*` functions are the only places a role changes. Durable state (`currentTerm`,
//! `votedFor`, `log[]`) is persisted before any message of the same step leaves the node
//! (Figure 2, "Persistent state ... updated on stable storage before responding to RPCs").
//!
//! Log compaction follows §7: every `snapshot_every` applied entries a node snapshots its state
//! machine and drops the log up to there; a leader whose log no longer holds what a follower
//! needs sends `InstallSnapshot` instead. Storage writes carry only what a step changed
//! ([`RaftWrite`]), so a step costs the same however long the log has grown.
//!
//! Beyond Figure 2: optionally a new leader appends a no-op so that it can commit entries of
//! earlier terms without a client write (§8; `RaftConfig::noop`), followers return a conflict hint so the leader backs up a term at a time
//! (§5.3), and the leader pipelines entries optimistically (as etcd does).

pub mod config;
pub mod invariants;
pub mod log;
#[cfg(test)]
mod tests;

use crate::client::{Reply, Service};
use crate::protocol::{Describe, Effects, Event, Micros, NodeId, NoteKind, Protocol};
pub use config::{Bugs, RaftConfig};
pub use invariants::RaftChecker;
pub use log::{Command, Entry, Index, Log, Term};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Raft with its configuration; the [`Protocol`] implementation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Raft {
    pub config: RaftConfig,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Role {
    Follower,
    Candidate {
        votes: BTreeSet<NodeId>,
    },
    /// `next` and `matched` are indexed by node id (Figure 2, "volatile state on leaders").
    Leader {
        next: Vec<Index>,
        matched: Vec<Index>,
    },
}

impl Role {
    pub fn name(&self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::Candidate { .. } => "candidate",
            Role::Leader { .. } => "leader",
        }
    }
}

/// One node's state.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RaftState {
    pub term: Term,
    pub voted_for: Option<NodeId>,
    pub log: Log,
    /// Highest index known committed; `applied <= commit <= log.last_index()`.
    pub commit: Index,
    pub applied: Index,
    /// The replicated key-value map, built by applying committed entries in order.
    pub kv: BTreeMap<u8, u32>,
    /// The last snapshot taken or installed; the log starts after it.
    pub snapshot: Snapshot,
    /// A snapshot taken but not yet used to compact the log: a leader keeps the entries it
    /// covers until every follower holds them, so that a follower a few messages behind catches
    /// up from the log rather than by InstallSnapshot (etcd keeps a catch-up trail for the same
    /// reason). Volatile: a restart begins from `snapshot`.
    pub pending: Option<Snapshot>,
    pub role: Role,
    /// Who this node believes leads its term, for redirecting clients.
    pub leader: Option<NodeId>,
}

impl RaftState {
    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader { .. })
    }

    /// What this step changed on stable storage.
    fn write(&mut self, snapshot: bool) -> RaftWrite {
        RaftWrite {
            term: self.term,
            voted_for: self.voted_for,
            snapshot: snapshot.then(|| self.snapshot.clone()),
            entries: self.log.take_unstable(),
        }
    }
}

/// A snapshot of the state machine through `index` (§7): the last entry it covers and the
/// key-value map after applying it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Snapshot {
    pub index: Index,
    pub term: Term,
    pub kv: BTreeMap<u8, u32>,
}

/// What Figure 2 calls persistent state, plus the snapshot (§7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RaftDurable {
    pub term: Term,
    pub voted_for: Option<NodeId>,
    pub snapshot: Snapshot,
    pub log: Log,
}

/// One step's write to stable storage: the hard state, a new snapshot if one was taken or
/// installed, and the log from the first index the step wrote.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RaftWrite {
    pub term: Term,
    pub voted_for: Option<NodeId>,
    pub snapshot: Option<Snapshot>,
    pub entries: Option<(Index, Vec<Entry>)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Msg {
    RequestVote {
        term: Term,
        last_index: Index,
        last_term: Term,
    },
    Vote {
        term: Term,
        granted: bool,
    },
    Append {
        term: Term,
        prev_index: Index,
        prev_term: Term,
        entries: Vec<Entry>,
        commit: Index,
    },
    /// On success `index` is the last index the follower now matches; on failure it is the
    /// index the leader should try next. It also answers `InstallSnapshot`.
    AppendReply {
        term: Term,
        success: bool,
        index: Index,
    },
    /// §7: the leader no longer holds the entries this follower needs. (Last, so the other
    /// messages keep their discriminants in trace hashes.)
    InstallSnapshot {
        term: Term,
        snapshot: Snapshot,
    },
}

impl Msg {
    pub fn term(&self) -> Term {
        match *self {
            Msg::RequestVote { term, .. }
            | Msg::Vote { term, .. }
            | Msg::Append { term, .. }
            | Msg::InstallSnapshot { term, .. }
            | Msg::AppendReply { term, .. } => term,
        }
    }
}

impl Describe for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::RequestVote { .. } => "RequestVote",
            Msg::Vote { .. } => "Vote",
            Msg::Append { .. } => "AppendEntries",
            Msg::InstallSnapshot { .. } => "InstallSnapshot",
            Msg::AppendReply { .. } => "AppendReply",
        }
    }

    /// A heartbeat: an AppendEntries with no entries.
    fn routine(&self) -> bool {
        matches!(self, Msg::Append { entries, .. } if entries.is_empty())
    }

    fn detail(&self) -> crate::msg::Msg {
        match *self {
            Msg::RequestVote { term, last_index, last_term } => {
                crate::msg!(
                    "RequestVote term {term}, last log {last_index}@{last_term}",
                    term,
                    last_index,
                    last_term
                )
            }
            Msg::Vote { term, granted: true } => crate::msg!("Vote term {term}: granted", term),
            Msg::Vote { term, granted: false } => crate::msg!("Vote term {term}: refused", term),
            Msg::Append { term, prev_index, prev_term, ref entries, commit } => crate::msg!(
                "AppendEntries term {term}, after {prev_index}@{prev_term}, {n} entries, commit {commit}",
                term,
                prev_index,
                prev_term,
                n = entries.len(),
                commit
            ),
            Msg::InstallSnapshot { term, ref snapshot } => crate::msg!(
                "InstallSnapshot term {term}, through {index}@{snapshot_term}",
                term,
                index = snapshot.index,
                snapshot_term = snapshot.term
            ),
            Msg::AppendReply { term, success: true, index } => {
                crate::msg!("AppendReply term {term}: match {index}", term, index)
            }
            Msg::AppendReply { term, success: false, index } => {
                crate::msg!("AppendReply term {term}: retry at {index}", term, index)
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Timer {
    Election,
    Heartbeat,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Input {
    Put { req: u64, key: u8, value: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Output {
    Redirect { req: u64, leader: Option<NodeId> },
    Accepted { req: u64, index: Index },
    Committed { req: u64, index: Index },
}

type Out = Effects<Raft>;

impl Protocol for Raft {
    type Msg = Msg;
    type Timer = Timer;
    type State = RaftState;
    type Durable = RaftDurable;
    type Write = RaftWrite;
    type Input = Input;
    type Output = Output;

    fn nodes(&self) -> usize {
        self.config.nodes
    }

    fn is_leader(&self, s: &RaftState) -> bool {
        s.is_leader()
    }

    fn store(&self, durable: &mut Option<RaftDurable>, w: &RaftWrite) {
        let d = durable.get_or_insert_with(RaftDurable::default);
        d.term = w.term;
        d.voted_for = w.voted_for;
        if let Some(snap) = &w.snapshot {
            d.log.install(snap.index, snap.term);
            d.snapshot = snap.clone();
        }
        if let Some((from, entries)) = &w.entries {
            d.log.overwrite(*from, entries);
        }
    }

    /// A restarted node starts from its snapshot: everything through it is committed and
    /// applied.
    fn init(&self, _id: NodeId, restored: Option<&RaftDurable>, out: &mut Out) -> RaftState {
        let d = restored.cloned().unwrap_or_default();
        let voted_for = if self.config.bugs.forget_vote { None } else { d.voted_for };
        let mut s = RaftState {
            term: d.term,
            voted_for,
            log: d.log,
            commit: d.snapshot.index,
            applied: d.snapshot.index,
            kv: d.snapshot.kv.clone(),
            snapshot: d.snapshot,
            pending: None,
            role: Role::Follower,
            leader: None,
        };
        if restored.is_none() || voted_for != d.voted_for {
            let w = s.write(false);
            out.persist(w);
        }
        self.arm_election(out);
        s
    }

    fn handle(&self, id: NodeId, _now: Micros, s: &mut RaftState, ev: Event<Self>, out: &mut Out) {
        let before = (s.term, s.voted_for, s.log.writes(), s.snapshot.index);
        self.maybe_snapshot(id, s);
        match ev {
            Event::Msg { from, msg } => self.step(id, s, from, msg, out),
            Event::Timer(Timer::Election) => {
                if !s.is_leader() {
                    self.become_candidate(id, s, out);
                }
            }
            Event::Timer(Timer::Heartbeat) => {
                if s.is_leader() {
                    self.broadcast_append(id, s, out);
                    out.set_timer(Timer::Heartbeat, self.config.heartbeat..=self.config.heartbeat);
                }
            }
            Event::Input(Input::Put { req, key, value }) => self.client_put(id, s, req, key, value, out),
        }
        // Persist first, so nothing this step sends can get ahead of stable storage.
        if before != (s.term, s.voted_for, s.log.writes(), s.snapshot.index) {
            let w = s.write(before.3 != s.snapshot.index);
            out.0.insert(0, crate::protocol::Effect::Persist(w));
        }
    }
}

impl Raft {
    pub fn new(config: RaftConfig) -> Self {
        Raft { config }
    }

    fn majority(&self) -> usize {
        self.config.nodes / 2 + 1
    }

    fn peers(&self, id: NodeId) -> impl Iterator<Item = NodeId> {
        (0..self.config.nodes as NodeId).filter(move |&p| p != id)
    }

    fn arm_election(&self, out: &mut Out) {
        out.set_timer(Timer::Election, self.config.election_min..=self.config.election_max);
    }

    /// Figure 2, "All Servers": a higher term in any message makes us a follower of that term.
    /// That alone does not reset the election timer (see `RaftConfig::reset_on_higher_term`):
    /// the handlers below reset it when Figure 2 says so.
    fn step(&self, id: NodeId, s: &mut RaftState, from: NodeId, msg: Msg, out: &mut Out) {
        if msg.term() > s.term {
            let leader = matches!(msg, Msg::Append { .. } | Msg::InstallSnapshot { .. }).then_some(from);
            self.become_follower(id, s, msg.term(), leader, self.config.reset_on_higher_term, out);
        }
        match msg {
            Msg::RequestVote { term, last_index, last_term } => {
                self.on_request_vote(s, from, term, last_index, last_term, out)
            }
            Msg::Vote { term, granted } => {
                let won = match &mut s.role {
                    Role::Candidate { votes } if term == s.term && granted => {
                        votes.insert(from);
                        votes.len() >= self.majority()
                    }
                    _ => false,
                };
                if won {
                    self.become_leader(id, s, out);
                }
            }
            Msg::Append { term, prev_index, prev_term, entries, commit } => {
                self.on_append(id, s, from, term, prev_index, prev_term, &entries, commit, out)
            }
            Msg::InstallSnapshot { term, snapshot } => {
                self.on_install_snapshot(id, s, from, term, snapshot, out)
            }
            Msg::AppendReply { term, success, index } => {
                if term == s.term && s.is_leader() {
                    self.on_append_reply(id, s, from, success, index, out);
                }
            }
        }
    }

    /// Figure 2, RequestVote RPC receiver.
    fn on_request_vote(
        &self,
        s: &mut RaftState,
        from: NodeId,
        term: Term,
        last_index: Index,
        last_term: Term,
        out: &mut Out,
    ) {
        let free = s.voted_for.is_none() || s.voted_for == Some(from);
        let up_to_date =
            self.config.bugs.vote_without_log_check || s.log.is_up_to_date(last_index, last_term);
        let granted = term == s.term && free && up_to_date;
        if granted {
            s.voted_for = Some(from);
            self.arm_election(out);
        }
        out.send(from, Msg::Vote { term: s.term, granted });
    }

    /// AppendEntries or InstallSnapshot from `from` in `term`: refuses a stale term (false);
    /// otherwise follows `from`. The current leader's word is the one message, besides a granted
    /// vote, that resets the election timer; a candidate (or, only under a bug switch, a second
    /// leader) of this term yields.
    fn heed_leader(&self, id: NodeId, s: &mut RaftState, from: NodeId, term: Term, out: &mut Out) -> bool {
        if term < s.term {
            out.send(from, Msg::AppendReply { term: s.term, success: false, index: 0 });
            return false;
        }
        if !matches!(s.role, Role::Follower) || s.leader != Some(from) {
            self.become_follower(id, s, term, Some(from), true, out);
        } else {
            self.arm_election(out);
        }
        true
    }

    /// Figure 2, AppendEntries RPC receiver.
    #[allow(clippy::too_many_arguments)]
    fn on_append(
        &self,
        id: NodeId,
        s: &mut RaftState,
        from: NodeId,
        term: Term,
        prev_index: Index,
        prev_term: Term,
        entries: &[Entry],
        leader_commit: Index,
        out: &mut Out,
    ) {
        if !self.heed_leader(id, s, from, term, out) {
            return;
        }
        // Our snapshot holds committed entries through the offset, which match the leader's:
        // judge the message from the first entry after it.
        let (prev_index, prev_term, entries) = if prev_index < s.log.offset() {
            let skip = (s.log.offset() - prev_index) as usize;
            if entries.len() <= skip {
                out.send(from, Msg::AppendReply { term: s.term, success: true, index: s.log.offset() });
                return;
            }
            (s.log.offset(), entries[skip - 1].term, &entries[skip..])
        } else {
            (prev_index, prev_term, entries)
        };
        match s.log.term_at(prev_index) {
            Some(t) if t == prev_term => {
                s.log.merge(prev_index, entries);
                let last_new = prev_index + entries.len() as Index;
                if leader_commit > s.commit {
                    s.commit = s.commit.max(leader_commit.min(last_new));
                    self.apply(s, out);
                }
                out.send(from, Msg::AppendReply { term: s.term, success: true, index: last_new });
            }
            found => {
                let hint = match found {
                    None => s.log.last_index() + 1,
                    Some(_) => s.log.first_index_of_term_at(prev_index),
                };
                out.send(from, Msg::AppendReply { term: s.term, success: false, index: hint.max(1) });
            }
        }
    }

    fn on_append_reply(
        &self,
        id: NodeId,
        s: &mut RaftState,
        from: NodeId,
        success: bool,
        index: Index,
        out: &mut Out,
    ) {
        let Role::Leader { next, matched } = &mut s.role else {
            return;
        };
        let p = from as usize;
        if success {
            matched[p] = matched[p].max(index);
            next[p] = next[p].max(index + 1);
            self.advance_commit(id, s, out);
            if self.next_of(s, from) <= s.log.last_index() {
                self.send_append(s, from, out);
            }
        } else if index > matched[p] {
            // Back up, but never below what the follower already matches.
            next[p] = index.min(next[p]).max(matched[p] + 1);
            self.send_append(s, from, out);
        }
        // A rejection at or below what the follower matched is stale (delayed or duplicated):
        // ignore it, as etcd/raft does, instead of answering every copy with a resend.
    }

    fn next_of(&self, s: &RaftState, peer: NodeId) -> Index {
        match &s.role {
            Role::Leader { next, .. } => next[peer as usize],
            _ => 0,
        }
    }

    /// Figure 2, "Rules for Servers", Leaders: commit N if a majority matches it *and*
    /// `log[N].term == currentTerm` (§5.4.2). The `commit_old_terms` bug drops the second test.
    fn advance_commit(&self, id: NodeId, s: &mut RaftState, out: &mut Out) {
        let Role::Leader { matched, .. } = &s.role else {
            return;
        };
        let mut m = matched.clone();
        m[id as usize] = s.log.last_index();
        m.sort_unstable_by(|a, b| b.cmp(a));
        let n = m[self.majority() - 1];
        let own_term = s.log.term_at(n) == Some(s.term);
        if n > s.commit && (own_term || self.config.bugs.commit_old_terms) {
            s.commit = n;
            out.note(NoteKind::Commit, crate::msg!("node {id} committed up to index {n}", id, n));
            self.apply(s, out);
        }
    }

    /// Applies committed entries in order; the leader answers the clients it knows of.
    fn apply(&self, s: &mut RaftState, out: &mut Out) {
        while s.applied < s.commit {
            s.applied += 1;
            let Some(entry) = s.log.get(s.applied) else {
                break;
            };
            if let Command::Put { req, key, value } = entry.cmd {
                s.kv.insert(key, value);
                if s.is_leader() {
                    out.output(Output::Committed { req, index: s.applied });
                }
            }
        }
    }

    /// §7: every `snapshot_every` applied entries, snapshot the state machine, and drop the log
    /// through it once nobody needs those entries: at once on a follower; on a leader when every
    /// follower has matched through it, or when another `snapshot_every` entries have been
    /// applied (a follower that far behind, or down, needs the snapshot anyway, and the log stays
    /// under twice `snapshot_every` entries). Done at the start of a step, never in the step
    /// that applied the entries, so everything committed was visible in the log for one step
    /// (the checker reads it there).
    fn maybe_snapshot(&self, id: NodeId, s: &mut RaftState) {
        let every = self.config.snapshot_every;
        if every == 0 {
            return;
        }
        if s.pending.is_none() && s.applied - s.snapshot.index >= every {
            let term = s.log.term_at(s.applied).unwrap_or(0);
            s.pending = Some(Snapshot { index: s.applied, term, kv: s.kv.clone() });
        }
        let Some(p) = &s.pending else { return };
        let needed = match &s.role {
            Role::Leader { matched, .. } => {
                matched.iter().enumerate().any(|(f, &m)| f != id as usize && m < p.index)
            }
            _ => false,
        };
        if !needed || s.applied - p.index >= every {
            let p = s.pending.take().expect("checked above");
            s.log.compact(p.index, p.term);
            s.snapshot = p;
        }
    }

    /// §7, InstallSnapshot receiver (Figure 13). A snapshot behind our commit index tells us
    /// nothing (a late or duplicated copy); otherwise keep the entries that follow a matching
    /// last entry, or else discard the log, and load the state machine from it. The
    /// `discard_log` bug skips both checks: it always discards the log and loads the snapshot.
    fn on_install_snapshot(
        &self,
        id: NodeId,
        s: &mut RaftState,
        from: NodeId,
        term: Term,
        snap: Snapshot,
        out: &mut Out,
    ) {
        if !self.heed_leader(id, s, from, term, out) {
            return;
        }
        let index = snap.index;
        let bug = self.config.bugs.discard_log;
        if index > s.commit || bug {
            if bug {
                s.log.reset(index, snap.term);
            } else {
                s.log.install(index, snap.term);
            }
            s.kv = snap.kv.clone();
            s.commit = index;
            s.applied = index;
            s.snapshot = snap;
            s.pending = None;
            out.note(
                NoteKind::Info,
                crate::msg!(
                    "node {id} installed node {from}'s snapshot through index {index}",
                    id,
                    from,
                    index
                ),
            );
        }
        out.send(from, Msg::AppendReply { term: s.term, success: true, index });
    }

    fn client_put(&self, id: NodeId, s: &mut RaftState, req: u64, key: u8, value: u32, out: &mut Out) {
        if !s.is_leader() {
            out.output(Output::Redirect { req, leader: s.leader });
            return;
        }
        let index = s.log.append(Entry { term: s.term, cmd: Command::Put { req, key, value } });
        out.output(Output::Accepted { req, index });
        if self.config.nodes == 1 {
            self.advance_commit(id, s, out);
        }
        self.broadcast_append(id, s, out);
    }

    fn broadcast_append(&self, id: NodeId, s: &mut RaftState, out: &mut Out) {
        for p in self.peers(id) {
            self.send_append(s, p, out);
        }
    }

    /// Sends `next[peer]..` (at most `max_batch` entries) and optimistically advances `next`.
    fn send_append(&self, s: &mut RaftState, peer: NodeId, out: &mut Out) {
        let Role::Leader { next, .. } = &mut s.role else {
            return;
        };
        let p = peer as usize;
        let prev_index = next[p] - 1;
        if prev_index < s.log.offset() {
            next[p] = s.snapshot.index + 1;
            out.send(peer, Msg::InstallSnapshot { term: s.term, snapshot: s.snapshot.clone() });
            return;
        }
        let prev_term = s.log.term_at(prev_index).unwrap_or(0);
        let entries = s.log.slice_from(next[p], self.config.max_batch);
        next[p] += entries.len() as Index;
        out.send(peer, Msg::Append { term: s.term, prev_index, prev_term, entries, commit: s.commit });
    }

    /// `reset`: restart the election timer. A leader has none armed, so it always gets one.
    fn become_follower(
        &self,
        id: NodeId,
        s: &mut RaftState,
        term: Term,
        leader: Option<NodeId>,
        reset: bool,
        out: &mut Out,
    ) {
        let (was_leader, was_follower) = (s.is_leader(), matches!(s.role, Role::Follower));
        if term > s.term {
            s.term = term;
            s.voted_for = None;
        }
        if was_leader {
            out.cancel_timer(Timer::Heartbeat);
        }
        if !was_follower {
            out.note(
                NoteKind::Role,
                crate::msg!("node {id} stepped down to follower in term {term}", id, term),
            );
        }
        s.role = Role::Follower;
        s.leader = leader;
        if reset || was_leader {
            self.arm_election(out);
        }
    }

    /// Figure 2, Candidates: increment the term, vote for self, reset the timer, ask everyone.
    fn become_candidate(&self, id: NodeId, s: &mut RaftState, out: &mut Out) {
        s.term += 1;
        s.voted_for = Some(id);
        s.leader = None;
        s.role = Role::Candidate { votes: BTreeSet::from([id]) };
        out.note(
            NoteKind::Role,
            crate::msg!("node {id} stands for election in term {term}", id, term = s.term),
        );
        self.arm_election(out);
        if self.majority() == 1 {
            self.become_leader(id, s, out);
            return;
        }
        let (last_index, last_term) = (s.log.last_index(), s.log.last_term());
        for p in self.peers(id) {
            out.send(p, Msg::RequestVote { term: s.term, last_index, last_term });
        }
    }

    fn become_leader(&self, id: NodeId, s: &mut RaftState, out: &mut Out) {
        let n = self.config.nodes;
        let last = s.log.last_index();
        s.role = Role::Leader { next: vec![last + 1; n], matched: vec![0; n] };
        s.leader = Some(id);
        out.note(NoteKind::Role, crate::msg!("node {id} became leader of term {term}", id, term = s.term));
        out.cancel_timer(Timer::Election);
        if self.config.noop {
            s.log.append(Entry { term: s.term, cmd: Command::Noop });
        }
        if n == 1 {
            self.advance_commit(id, s, out);
        }
        self.broadcast_append(id, s, out);
        out.set_timer(Timer::Heartbeat, self.config.heartbeat..=self.config.heartbeat);
    }
}

impl Service for Raft {
    fn write(&self, req: u64, key: u8, value: u32) -> Input {
        Input::Put { req, key, value }
    }

    fn reply(&self, out: &Output) -> Reply {
        match *out {
            Output::Redirect { req, leader } => Reply::Redirect { req, leader },
            Output::Accepted { req, .. } => Reply::Accepted { req },
            Output::Committed { req, .. } => Reply::Committed { req },
        }
    }
}
