//! The replicated log, 1-indexed as in the paper: index 0 is a sentinel with term 0.

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
    entries: Vec<Entry>,
    /// Counts mutations so a handler can tell cheaply whether it must persist. Not part of the
    /// log's identity: two logs with the same entries are equal.
    #[serde(skip)]
    writes: u64,
    /// Counts truncations, so a checker can verify only what was appended since its last look.
    #[serde(skip)]
    truncations: u64,
}

impl PartialEq for Log {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}
impl Eq for Log {}
impl std::hash::Hash for Log {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.entries.hash(h);
    }
}

impl Log {
    pub fn last_index(&self) -> Index {
        self.entries.len() as Index
    }

    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(0, |e| e.term)
    }

    /// The term at `index`; 0 for the sentinel; `None` past the end.
    pub fn term_at(&self, index: Index) -> Option<Term> {
        if index == 0 {
            return Some(0);
        }
        self.get(index).map(|e| e.term)
    }

    pub fn get(&self, index: Index) -> Option<&Entry> {
        index.checked_sub(1).and_then(|i| self.entries.get(i as usize))
    }

    /// Entries `from..=last`, at most `max` of them.
    pub fn slice_from(&self, from: Index, max: usize) -> Vec<Entry> {
        let start = from.saturating_sub(1) as usize;
        self.entries.iter().skip(start).take(max).cloned().collect()
    }

    /// Entries `1..=upto`, as a slice.
    pub fn prefix(&self, upto: Index) -> &[Entry] {
        &self.entries[..(upto as usize).min(self.entries.len())]
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Increases on every change to the entries.
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// Increases whenever entries are removed; while it stays put, the log only grew.
    pub fn truncations(&self) -> u64 {
        self.truncations
    }

    pub fn append(&mut self, e: Entry) -> Index {
        self.writes += 1;
        self.entries.push(e);
        self.last_index()
    }

    /// Figure 2, AppendEntries receiver steps 3–4: delete a conflicting entry and all that follow
    /// it, then append entries not already present. Entries that match are left alone, so a
    /// delayed, shorter AppendEntries never truncates a longer matching log.
    /// Returns whether the log changed.
    pub fn merge(&mut self, prev_index: Index, entries: &[Entry]) -> bool {
        let mut changed = false;
        for (i, e) in entries.iter().enumerate() {
            let index = prev_index + 1 + i as Index;
            match self.term_at(index) {
                Some(t) if t == e.term => continue,
                Some(_) => {
                    self.writes += 1;
                    self.truncations += 1;
                    self.entries.truncate((index - 1) as usize);
                    self.entries.push(e.clone());
                    changed = true;
                }
                None => {
                    self.writes += 1;
                    self.entries.push(e.clone());
                    changed = true;
                }
            }
        }
        changed
    }

    /// §5.4.1: a candidate's log is at least as up to date as ours.
    pub fn is_up_to_date(&self, last_index: Index, last_term: Term) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }

    /// The first index of the term that holds `index`, a hint that lets the leader skip a whole
    /// conflicting term at once (§5.3, "optimization").
    pub fn first_index_of_term_at(&self, index: Index) -> Index {
        let Some(term) = self.term_at(index) else {
            return self.last_index() + 1;
        };
        let mut i = index;
        while i > 1 && self.term_at(i - 1) == Some(term) {
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
        Log { entries: terms.iter().map(|&t| e(t)).collect(), writes: 0, truncations: 0 }
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
