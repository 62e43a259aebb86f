//! A node's own timetable behind one timer: clients keep a timeout per attempt, balancers one per
//! forwarded request. Arming a simulator timer for each would make every node a timer set;
//! instead the entries sit in a map by due time and a single `Wake` timer is kept armed for the
//! earliest.

use super::{LbTimer, Out};
use crate::protocol::Micros;
use serde::Serialize;
use std::collections::BTreeMap;

/// An entry's key: when it is due, and a sequence number that orders entries due together.
pub type Key = (Micros, u64);

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Agenda<D> {
    entries: BTreeMap<Key, D>,
    seq: u64,
    /// The deadline the `Wake` timer is armed for.
    wake: Option<Micros>,
}

impl<D> Default for Agenda<D> {
    fn default() -> Self {
        Agenda { entries: BTreeMap::new(), seq: 0, wake: None }
    }
}

impl<D> Agenda<D> {
    pub fn schedule(&mut self, at: Micros, due: D) -> Key {
        let key = (at, self.seq);
        self.seq += 1;
        self.entries.insert(key, due);
        key
    }

    pub fn cancel(&mut self, key: &Key) {
        self.entries.remove(key);
    }

    /// The `Wake` timer fired: it is no longer armed.
    pub fn woke(&mut self) {
        self.wake = None;
    }

    /// Removes and returns the earliest entry due by `now`.
    pub fn next_due(&mut self, now: Micros) -> Option<D> {
        let entry = self.entries.first_entry().filter(|e| e.key().0 <= now)?;
        Some(entry.remove())
    }

    /// Keeps the `Wake` timer armed for the earliest entry (or cancels it).
    pub fn arm(&mut self, now: Micros, out: &mut Out) {
        let next = self.entries.keys().next().map(|k| k.0);
        if next != self.wake {
            match next {
                Some(at) => out.set_timer(LbTimer::Wake, at.saturating_sub(now)..=at.saturating_sub(now)),
                None => out.cancel_timer(LbTimer::Wake),
            }
            self.wake = next;
        }
    }
}
