//! The simulator's event queue: a binary heap of small keys over a slab of items.
//!
//! Events are ordered by (time, class, sequence number); the sequence number is unique, so the
//! order is total and never looks at the item. The heap moves only the 32-byte keys while it
//! sifts; an item (a message in flight can be a hundred bytes or more) is written once into its
//! slot and read once when it comes due. Moving whole items through the heap was the single
//! largest cost of a simulator step (BENCHMARKS.md, "Raft beside raft-rs").

use crate::protocol::Micros;
use std::collections::BinaryHeap;

/// Sequence numbers share a word with the class: 56 bits, 7·10^16 events.
const SEQ_BITS: u32 = 56;

/// Time, then class and sequence number packed into one word, so that ordering two keys is one
/// 128-bit comparison; the slot rides along and never decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    order: u128,
    slot: u32,
}

impl Key {
    fn new(at: Micros, class: u8, seq: u64, slot: u32) -> Key {
        debug_assert!(seq < 1 << SEQ_BITS);
        let low = (u64::from(class) << SEQ_BITS) | (seq & ((1 << SEQ_BITS) - 1));
        Key { order: (u128::from(at) << 64) | u128::from(low), slot }
    }

    fn at(self) -> Micros {
        (self.order >> 64) as Micros
    }
}

impl Ord for Key {
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Reversed: `BinaryHeap` is a max-heap and the earliest key must come out first.
        other.order.cmp(&self.order)
    }
}

impl PartialOrd for Key {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

pub struct EventQueue<T> {
    heap: BinaryHeap<Key>,
    slots: Vec<Option<T>>,
    free: Vec<u32>,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        EventQueue { heap: BinaryHeap::new(), slots: Vec::new(), free: Vec::new() }
    }
}

impl<T> EventQueue<T> {
    /// Queues `item` at `at`; among events at the same time, lower `class` first, then lower
    /// `seq`. `seq` must be unique and below 2^56.
    pub fn push(&mut self, at: Micros, class: u8, seq: u64, item: T) {
        let slot = match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = Some(item);
                s
            }
            None => {
                self.slots.push(Some(item));
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 events queued")
            }
        };
        self.heap.push(Key::new(at, class, seq, slot));
    }

    /// The earliest event and its time.
    pub fn pop(&mut self) -> Option<(Micros, T)> {
        let key = self.heap.pop()?;
        let item = self.slots[key.slot as usize].take().expect("a queued slot holds its item");
        self.free.push(key.slot);
        Some((key.at(), item))
    }

    /// The earliest event and its time, left queued.
    pub fn peek(&self) -> Option<(Micros, &T)> {
        let key = self.heap.peek()?;
        Some((key.at(), self.slots[key.slot as usize].as_ref().expect("a queued slot holds its item")))
    }

    /// The time of the earliest event.
    pub fn next_time(&self) -> Option<Micros> {
        self.heap.peek().map(|k| k.at())
    }

    /// Every queued item, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.slots.iter().flatten()
    }

    /// Keeps only the events for which `keep(at, item)` holds (a fork drops scheduled faults).
    /// Linear in the queue's length; the order of what stays is unchanged.
    pub fn retain(&mut self, mut keep: impl FnMut(Micros, &T) -> bool) {
        let mut kept = Vec::with_capacity(self.heap.len());
        for key in std::mem::take(&mut self.heap).into_vec() {
            let item = self.slots[key.slot as usize].as_ref().expect("a queued slot holds its item");
            if keep(key.at(), item) {
                kept.push(key);
            } else {
                self.slots[key.slot as usize] = None;
                self.free.push(key.slot);
            }
        }
        self.heap = BinaryHeap::from(kept);
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

impl<T: Clone> Clone for EventQueue<T> {
    fn clone(&self) -> Self {
        EventQueue { heap: self.heap.clone(), slots: self.slots.clone(), free: self.free.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::EventQueue;

    #[test]
    fn events_come_out_by_time_then_class_then_sequence() {
        let mut q = EventQueue::default();
        q.push(5, 1, 1, "b");
        q.push(5, 0, 2, "a");
        q.push(3, 2, 3, "first");
        q.push(5, 1, 4, "c");
        assert_eq!(q.next_time(), Some(3));
        assert_eq!(q.len(), 4);
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, [(3, "first"), (5, "a"), (5, "b"), (5, "c")]);
        assert!(q.is_empty() && q.next_time().is_none());
        // The time decides before the class, and the class before the sequence number.
        q.push(u64::MAX - 1, 0, 9, "late");
        q.push(7, 255, (1 << 56) - 1, "seven, last class");
        q.push(7, 254, 0, "seven");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|(_, x)| x).collect();
        assert_eq!(order, ["seven", "seven, last class", "late"]);
    }

    #[test]
    fn slots_are_reused_and_iteration_sees_only_queued_items() {
        let mut q = EventQueue::default();
        for i in 0..10u64 {
            q.push(i, 0, i, i);
        }
        for _ in 0..6 {
            q.pop();
        }
        q.push(100, 0, 100, 100);
        q.push(101, 0, 101, 101);
        assert_eq!(q.slots.len(), 10, "freed slots are taken first");
        let mut left: Vec<_> = q.iter().copied().collect();
        left.sort_unstable();
        assert_eq!(left, [6, 7, 8, 9, 100, 101]);
    }
}
