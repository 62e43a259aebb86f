//! The state machine's table of applied client requests, bounded as real session tables are.
//!
//! A write can be chosen in two slots (a leader that stands down requeues writes whose fate it
//! does not know), so application skips a request id it applied before. Remembering every id
//! would grow with the run; the table keeps the newest [`DEDUP_WINDOW`] ids and treats every id
//! below them as applied. A write overtaken by that many later writes before its first copy is
//! applied is therefore dropped, never applied twice (at the highest rate, 20 s of writes).

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How many of the newest applied request ids the table keeps.
pub const DEDUP_WINDOW: usize = 4_096;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Dedup {
    /// Ids below this count as applied.
    floor: u64,
    ids: BTreeSet<u64>,
}

impl Dedup {
    /// Whether request `req` counts as applied.
    pub fn contains(&self, req: u64) -> bool {
        req < self.floor || self.ids.contains(&req)
    }

    /// Records `req` as applied; false if it already counted as applied.
    pub fn first_time(&mut self, req: u64) -> bool {
        if req < self.floor || !self.ids.insert(req) {
            return false;
        }
        while self.ids.len() > DEDUP_WINDOW {
            if let Some(low) = self.ids.pop_first() {
                self.floor = low + 1;
            }
        }
        true
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_remembers_the_newest_ids_and_counts_older_ones_applied() {
        let mut d = Dedup::default();
        assert!(d.first_time(5) && !d.first_time(5));
        assert!(d.first_time(3), "out of order is fine inside the window");
        for req in 10..10 + DEDUP_WINDOW as u64 {
            assert!(d.first_time(req));
        }
        assert_eq!(d.len(), DEDUP_WINDOW);
        assert!(d.contains(4), "below the window: counted as applied, so never applied twice");
        assert!(!d.first_time(5), "forgotten, but still counted as applied");
        assert!(!d.contains(20 + DEDUP_WINDOW as u64));
    }
}
