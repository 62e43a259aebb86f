//! The replicated log, 1-indexed as in the paper: index 0 is a sentinel with term 0.
//!
//! After a snapshot (§7) the log starts later: `offset` is the snapshot's last index and
//! `offset_term` its term, and only entries after it are kept. The log also remembers the lowest
//! index written since it was last persisted, so a step persists what changed (as etcd/raft's
//! `Ready` hands over new entries), never the whole log.

use serde::{Deserialize, Serialize};

pub type Term = u64;
pub type Index = u64;

/// A state-machine command.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Command {
    /// Appended by a new leader so that it can commit entries of earlier terms (§5.4.2, §8).
    Noop,
    /// Client write `req`: set `key` to `value`.
    Put { req: u64, key: u8, value: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub term: Term,
    pub cmd: Command,
}

/// Invariant: terms never decrease along the log.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Log {
    /// The last index a snapshot covers; entries `1..=offset` are gone.
    offset: Index,
    offset_term: Term,
    /// Entries `offset + 1 ..`.
    entries: Vec<Entry>,
    /// Counts mutations so a handler can tell cheaply whether it must persist. Not part of the
    /// log's identity: two logs with the same entries are equal.
    #[serde(skip)]
    writes: u64,
    /// Counts removals of entries after the offset (conflicts, a discarded log), so a checker can
    /// verify only what was appended since its last look. Compaction does not count: it removes
    /// entries a snapshot holds.
    #[serde(skip)]
    truncations: u64,
    /// The lowest index written since [`Log::take_unstable`] last ran.
    #[serde(skip)]
    unstable: Option<Index>,
}

impl PartialEq for Log {
    fn eq(&self, other: &Self) -> bool {
        (self.offset, self.offset_term, &self.entries) == (other.offset, other.offset_term, &other.entries)
    }
}
impl Eq for Log {}
impl std::hash::Hash for Log {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (self.offset, self.offset_term, &self.entries).hash(h);
    }
}

impl Log {
    /// The last index a snapshot covers (0 if none).
    pub fn offset(&self) -> Index {
        self.offset
    }

    pub fn last_index(&self) -> Index {
        self.offset + self.entries.len() as Index
    }

    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(self.offset_term, |e| e.term)
    }

    /// The term at `index`: the snapshot's at `offset`, `None` before it (compacted) or past the
    /// end.
    pub fn term_at(&self, index: Index) -> Option<Term> {
        if index == self.offset {
            return Some(self.offset_term);
        }
        self.get(index).map(|e| e.term)
    }

    /// The entry at `index`, if the log still holds it.
    pub fn get(&self, index: Index) -> Option<&Entry> {
        index.checked_sub(self.offset + 1).and_then(|i| self.entries.get(i as usize))
    }

    /// Entries `from..=last`, at most `max` of them (`from` must follow the offset).
    pub fn slice_from(&self, from: Index, max: usize) -> Vec<Entry> {
        self.after(from.saturating_sub(1)).iter().take(max).cloned().collect()
    }

    /// The entries after `index` (those after the offset if `index` precedes it).
    pub fn after(&self, index: Index) -> &[Entry] {
        let start = index.saturating_sub(self.offset) as usize;
        &self.entries[start.min(self.entries.len())..]
    }

    /// Entries `offset + 1 ..= upto`.
    pub fn through(&self, upto: Index) -> &[Entry] {
        let end = upto.saturating_sub(self.offset) as usize;
        &self.entries[..end.min(self.entries.len())]
    }

    /// The entries the log holds, `offset + 1 ..= last_index`.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Increases on every change to the entries.
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// Increases whenever entries after the offset are removed; while it stays put, the log
    /// only grew (or was compacted).
    pub fn truncations(&self) -> u64 {
        self.truncations
    }

    fn touch(&mut self, index: Index) {
        self.writes += 1;
        self.unstable = Some(self.unstable.map_or(index, |u| u.min(index)));
    }

    pub fn append(&mut self, e: Entry) -> Index {
        self.touch(self.last_index() + 1);
        self.entries.push(e);
        self.last_index()
    }

    /// Figure 2, AppendEntries receiver steps 3–4: delete a conflicting entry and all that follow
    /// it, then append entries not already present. Entries that match are left alone, so a
    /// delayed, shorter AppendEntries never truncates a longer matching log. `prev_index` must
    /// not precede the offset. Returns whether the log changed.
    pub fn merge(&mut self, prev_index: Index, entries: &[Entry]) -> bool {
        let mut changed = false;
        for (i, e) in entries.iter().enumerate() {
            let index = prev_index + 1 + i as Index;
            match self.term_at(index) {
                Some(t) if t == e.term => continue,
                Some(_) => {
                    self.touch(index);
                    self.truncations += 1;
                    self.entries.truncate((index - self.offset - 1) as usize);
                    self.entries.push(e.clone());
                    changed = true;
                }
                None => {
                    self.touch(index);
                    self.entries.push(e.clone());
                    changed = true;
                }
            }
        }
        changed
    }

    /// Drops entries up to `index`, which a snapshot now holds. The log must hold `index` with
    /// `term` (see [`Log::reset`] otherwise).
    pub fn compact(&mut self, index: Index, term: Term) {
        debug_assert_eq!(self.term_at(index), Some(term));
        if index <= self.offset {
            return;
        }
        self.entries.drain(..(index - self.offset) as usize);
        self.offset = index;
        self.offset_term = term;
        self.writes += 1;
    }

    /// Discards the whole log for a snapshot through `index` (§7: the snapshot holds new
    /// information the log lacks).
    pub fn reset(&mut self, index: Index, term: Term) {
        if !self.entries.is_empty() {
            self.truncations += 1;
        }
        self.entries.clear();
        self.offset = index;
        self.offset_term = term;
        self.touch(index + 1);
    }

    /// Applies a snapshot through (`index`, `term`) to the log: keep what follows a matching
    /// entry, else discard everything (§7, Figure 13 steps 6–7).
    pub fn install(&mut self, index: Index, term: Term) {
        if self.term_at(index) == Some(term) {
            self.compact(index, term);
        } else {
            self.reset(index, term);
        }
    }

    /// What changed since the last call: the first index written and every entry from it on
    /// (an empty list when the log was only cut short). `None` if nothing was written.
    pub fn take_unstable(&mut self) -> Option<(Index, Vec<Entry>)> {
        let from = self.unstable.take()?.max(self.offset + 1);
        Some((from, self.after(from - 1).to_vec()))
    }

    /// Stores a write taken from another log by [`Log::take_unstable`]: entries from `from` on
    /// are replaced.
    pub fn overwrite(&mut self, from: Index, entries: &[Entry]) {
        let keep = from.saturating_sub(self.offset + 1) as usize;
        self.entries.truncate(keep);
        self.entries.extend_from_slice(entries);
    }

    /// §5.4.1: a candidate's log is at least as up to date as ours.
    pub fn is_up_to_date(&self, last_index: Index, last_term: Term) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }

    /// The first index of the term that holds `index`, a hint that lets the leader skip a whole
    /// conflicting term at once (§5.3, "optimization"). Never before the offset's successor.
    pub fn first_index_of_term_at(&self, index: Index) -> Index {
        let Some(term) = self.term_at(index) else {
            return self.last_index() + 1;
        };
        let mut i = index.max(self.offset + 1);
        while i > self.offset + 1 && self.term_at(i - 1) == Some(term) {
            i -= 1;
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(term: Term) -> Entry {
        Entry { term, cmd: Command::Noop }
    }

    fn log(terms: &[Term]) -> Log {
        Log { entries: terms.iter().map(|&t| e(t)).collect(), ..Log::default() }
    }

    #[test]
    fn merge_truncates_only_on_conflict() {
        let mut l = log(&[1, 1, 2, 2]);
        assert!(!l.merge(1, &[e(1), e(2)]), "matching entries change nothing");
        assert_eq!(l.last_index(), 4);
        assert!(l.merge(2, &[e(3)]), "conflict at 3 truncates 3..");
        assert_eq!(l, log(&[1, 1, 3]));
        assert!(l.merge(3, &[e(3), e(3)]));
        assert_eq!(l, log(&[1, 1, 3, 3, 3]));
    }

    #[test]
    fn up_to_date_compares_last_term_then_length() {
        let l = log(&[1, 2, 2]);
        assert!(l.is_up_to_date(1, 3));
        assert!(l.is_up_to_date(3, 2));
        assert!(!l.is_up_to_date(2, 2));
        assert!(!l.is_up_to_date(9, 1));
    }

    #[test]
    fn term_lookups() {
        let l = log(&[1, 1, 2, 2, 2]);
        assert_eq!(l.term_at(0), Some(0));
        assert_eq!(l.term_at(6), None);
        assert_eq!(l.first_index_of_term_at(5), 3);
        assert_eq!(l.first_index_of_term_at(2), 1);
        assert_eq!(l.slice_from(4, 10), vec![e(2), e(2)]);
        assert_eq!(l.slice_from(2, 1), vec![e(1)]);
    }
}
