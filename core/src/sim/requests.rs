//! The client writes a run keeps track of, by id.
//!
//! Ids are handed out in order, so the writes kept are a contiguous run of ids in a `VecDeque`:
//! finding one is an index, not a tree search (a write is looked up five or six times between
//! its submission and its commit, which made the `BTreeMap` this replaced a tenth of a Raft
//! step's cost).

use super::Request;
use std::collections::VecDeque;
use std::sync::Arc;

/// Writes per chunk. A checkpoint of the run (time travel) shares every chunk with the run;
/// a chunk is copied only when the run changes a write in it after the checkpoint, which is
/// almost always the newest one. A run keeps up to [`super::MAX_TRACKED_REQUESTS`] writes, so
/// copying them all per checkpoint cost megabytes each.
const CHUNK: usize = 1_024;

#[derive(Clone)]
pub struct Requests {
    /// The id of the first kept write: `chunks[0][head]`.
    first: u64,
    /// Forgotten writes at the start of `chunks[0]`.
    head: usize,
    chunks: VecDeque<Arc<Vec<Request>>>,
    /// Writes kept (not forgotten).
    len: usize,
    max: usize,
}

impl Requests {
    /// Keeps about `max` writes (at least one; see [`super::MAX_TRACKED_REQUESTS`]).
    pub fn new(max: usize) -> Self {
        Requests { first: 0, head: 0, chunks: VecDeque::new(), len: 0, max: max.max(1) }
    }

    /// Writes submitted so far, forgotten ones included; also the next write's id.
    pub fn submitted(&self) -> u64 {
        self.first + self.len as u64
    }

    /// Adds the next write (its id must be [`Requests::submitted`]). Past `max`, forgets the
    /// oldest, a hundredth of `max` at a time: finished ones only, unless twice `max` are kept
    /// (a write that never finishes must not pin everything after it in memory).
    pub fn push(&mut self, r: Request) {
        debug_assert_eq!(r.id, self.submitted());
        if self.len >= self.max {
            for _ in 0..=self.max / 100 {
                match self.get(self.first) {
                    Some(old) if old.is_done() || self.len >= 2 * self.max => self.forget_first(),
                    _ => break,
                }
            }
        }
        if self.chunks.back().is_none_or(|c| c.len() >= CHUNK) {
            self.chunks.push_back(Arc::new(Vec::with_capacity(CHUNK)));
        }
        Arc::make_mut(self.chunks.back_mut().expect("a chunk with room")).push(r);
        self.len += 1;
    }

    fn forget_first(&mut self) {
        self.first += 1;
        self.head += 1;
        self.len -= 1;
        if self.chunks.front().is_some_and(|c| self.head == c.len()) {
            self.chunks.pop_front();
            self.head = 0;
        }
    }

    /// Where write `id` is: (chunk, offset).
    fn locate(&self, id: u64) -> Option<(usize, usize)> {
        let k = usize::try_from(id.checked_sub(self.first)?).ok()?;
        (k < self.len).then(|| ((self.head + k) / CHUNK, (self.head + k) % CHUNK))
    }

    pub fn get(&self, id: u64) -> Option<&Request> {
        let (c, o) = self.locate(id)?;
        self.chunks.get(c)?.get(o)
    }

    pub fn get_mut(&mut self, id: u64) -> Option<&mut Request> {
        let (c, o) = self.locate(id)?;
        Arc::make_mut(self.chunks.get_mut(c)?).get_mut(o)
    }

    /// Kept writes, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Request> {
        let head = self.head;
        self.chunks.iter().enumerate().flat_map(move |(i, c)| c[if i == 0 { head } else { 0 }..].iter())
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
        assert_eq!(r.iter().next_back().map(|w| w.id), Some(399));
    }

    #[test]
    fn a_copy_shares_its_chunks_until_one_side_changes_a_write() {
        let mut r = Requests::new(100_000);
        for id in 0..3 * CHUNK as u64 + 5 {
            r.push(write(id, false));
        }
        let copy = r.clone();
        r.get_mut(10).unwrap().attempt = 3;
        r.push(write(3 * CHUNK as u64 + 5, true));
        // The copy still sees the write as it was, and the two share the untouched chunks.
        assert_eq!((copy.get(10).unwrap().attempt, r.get(10).unwrap().attempt), (0, 3));
        assert_eq!(copy.submitted() + 1, r.submitted());
        let shared = r.chunks.iter().zip(&copy.chunks).filter(|(a, b)| Arc::ptr_eq(a, b)).count();
        assert_eq!(shared, 2, "chunks 1 and 2; chunk 0 and the last were copied on write");
        assert!(r.iter().map(|w| w.id).eq(0..3 * CHUNK as u64 + 6));
    }
}
