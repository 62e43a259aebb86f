//! The client writes a run keeps track of, by id.
//!
//! Ids are handed out in order, so the writes kept are a contiguous run of ids in a `VecDeque`:
//! finding one is an index, not a tree search (a write is looked up five or six times between
//! its submission and its commit, which made the `BTreeMap` this replaced a tenth of a Raft
//! step's cost).

use super::Request;
use std::collections::VecDeque;

#[derive(Clone)]
pub struct Requests {
    /// The id of `kept[0]`.
    first: u64,
    kept: VecDeque<Request>,
    max: usize,
}

impl Requests {
    /// Keeps about `max` writes (at least one; see [`super::MAX_TRACKED_REQUESTS`]).
    pub fn new(max: usize) -> Self {
        Requests { first: 0, kept: VecDeque::new(), max: max.max(1) }
    }

    /// Writes submitted so far, forgotten ones included; also the next write's id.
    pub fn submitted(&self) -> u64 {
        self.first + self.kept.len() as u64
    }

    /// Adds the next write (its id must be [`Requests::submitted`]). Past `max`, forgets the
    /// oldest, a hundredth of `max` at a time: finished ones only, unless twice `max` are kept
    /// (a write that never finishes must not pin everything after it in memory).
    pub fn push(&mut self, r: Request) {
        debug_assert_eq!(r.id, self.submitted());
        if self.kept.len() >= self.max {
            for _ in 0..=self.max / 100 {
                match self.kept.front() {
                    Some(old) if old.is_done() || self.kept.len() >= 2 * self.max => {
                        self.kept.pop_front();
                        self.first += 1;
                    }
                    _ => break,
                }
            }
        }
        self.kept.push_back(r);
    }

    pub fn get(&self, id: u64) -> Option<&Request> {
        self.kept.get(usize::try_from(id.checked_sub(self.first)?).ok()?)
    }

    pub fn get_mut(&mut self, id: u64) -> Option<&mut Request> {
        self.kept.get_mut(usize::try_from(id.checked_sub(self.first)?).ok()?)
    }

    /// Kept writes, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Request> + ExactSizeIterator {
        self.kept.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(id: u64, done: bool) -> Request {
        Request {
            id,
            key: 0,
            value: 0,
            target: 0,
            attempt: 0,
            submitted: 0,
            accepted: None,
            committed: done.then_some(1),
            rejected: None,
        }
    }

    #[test]
    fn the_oldest_finished_writes_go_first_and_an_unfinished_one_only_past_twice_the_cap() {
        let mut r = Requests::new(100);
        r.push(write(0, false));
        for id in 1..150 {
            r.push(write(id, true));
        }
        // Write 0 is unfinished: everything after it stays.
        assert_eq!(r.iter().count(), 150);
        assert_eq!(r.get(0).map(|w| w.id), Some(0));
        for id in 150..400 {
            r.push(write(id, true));
        }
        // Past 200 kept, write 0 went, then the finished ones behind it down to the cap.
        assert!(r.get(0).is_none());
        assert!(r.iter().count() <= 101, "{}", r.iter().count());
        assert_eq!(r.submitted(), 400);
        assert_eq!(r.iter().next_back().map(|w| w.id), Some(399));
        let first = r.iter().next().unwrap().id;
        assert_eq!(r.get(first).map(|w| w.id), Some(first));
        assert!(r.get(first - 1).is_none() && r.get(400).is_none());
        r.get_mut(399).unwrap().attempt = 7;
        assert_eq!(r.get(399).unwrap().attempt, 7);
    }
}
