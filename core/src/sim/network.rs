//! The network model: latency range, loss, duplication, partitions and one-way cuts.
//! Reordering comes from independent per-message latencies.

use crate::protocol::{Micros, NodeId, MS};
use crate::sim::rng::SimRng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One parts-per-million unit; probabilities are integers so that URLs round-trip exactly.
pub const PPM: u32 = 1_000_000;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NetConfig {
    pub latency_min: Micros,
    pub latency_max: Micros,
    /// Loss probability per message, parts per million.
    pub loss_ppm: u32,
    /// Duplication probability per message, parts per million.
    pub dup_ppm: u32,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig { latency_min: MS, latency_max: 10 * MS, loss_ppm: 0, dup_ppm: 0 }
    }
}

/// The network's current state.
#[derive(Clone, Debug, Default)]
pub struct Network {
    pub config: NetConfig,
    /// Directed links that currently drop everything.
    blocked: BTreeSet<(NodeId, NodeId)>,
}

/// What the network does with one send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fate {
    pub delay: Micros,
    pub lost: bool,
    /// A duplicate copy, if one is made: its own delay and its own loss outcome.
    pub duplicate: Option<(Micros, bool)>,
}

impl Network {
    pub fn new(config: NetConfig) -> Self {
        Network { config, blocked: BTreeSet::new() }
    }

    /// Draws a message's fate. Draws happen in a fixed order so runs replay exactly.
    ///
    /// A duplicate is a second packet on the wire (a retransmission, a switch that floods): it
    /// draws its own delay and its own loss, so a lost original can still arrive as its copy.
    pub fn fate(&self, rng: &mut SimRng) -> Fate {
        let c = &self.config;
        let delay = rng.range(c.latency_min..=c.latency_max.max(c.latency_min));
        let lost = rng.chance(f64::from(c.loss_ppm) / f64::from(PPM));
        let duplicate = if rng.chance(f64::from(c.dup_ppm) / f64::from(PPM)) {
            let delay = rng.range(c.latency_min..=c.latency_max.max(c.latency_min));
            Some((delay, rng.chance(f64::from(c.loss_ppm) / f64::from(PPM))))
        } else {
            None
        };
        Fate { delay, lost, duplicate }
    }

    pub fn is_blocked(&self, from: NodeId, to: NodeId) -> bool {
        from != to && self.blocked.contains(&(from, to))
    }

    /// Splits the nodes into groups; a node in no group is cut off from everyone.
    pub fn partition(&mut self, nodes: usize, groups: &[Vec<NodeId>]) {
        let group_of = |n: NodeId| groups.iter().position(|g| g.contains(&n));
        self.blocked.clear();
        for a in 0..nodes as NodeId {
            for b in 0..nodes as NodeId {
                let same = matches!((group_of(a), group_of(b)), (Some(x), Some(y)) if x == y);
                if a != b && !same {
                    self.blocked.insert((a, b));
                }
            }
        }
    }

    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        if from != to {
            self.blocked.insert((from, to));
        }
    }

    pub fn mend(&mut self, from: NodeId, to: NodeId) {
        self.blocked.remove(&(from, to));
    }

    pub fn heal(&mut self) {
        self.blocked.clear();
    }

    /// The directed links that are cut, in order.
    pub fn blocked(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.blocked.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_blocks_across_groups_only() {
        let mut n = Network::default();
        n.partition(5, &[vec![0, 1], vec![2, 3]]);
        assert!(!n.is_blocked(0, 1) && !n.is_blocked(3, 2));
        assert!(n.is_blocked(0, 2) && n.is_blocked(2, 0));
        assert!(n.is_blocked(4, 0) && n.is_blocked(0, 4), "node 4 is in no group");
        n.heal();
        assert_eq!(n.blocked().count(), 0);
    }

    #[test]
    fn cut_is_one_way() {
        let mut n = Network::default();
        n.cut(1, 2);
        assert!(n.is_blocked(1, 2));
        assert!(!n.is_blocked(2, 1));
        n.partition(3, &[vec![0], vec![1, 2]]);
        n.mend(0, 1);
        assert!(!n.is_blocked(0, 1) && n.is_blocked(1, 0), "mend is one-way too");
    }

    #[test]
    fn a_duplicate_can_survive_the_loss_of_its_original() {
        let n = Network::new(NetConfig { loss_ppm: PPM / 2, dup_ppm: PPM, ..NetConfig::default() });
        let mut rng = SimRng::new(7);
        let fates: Vec<Fate> = (0..1_000).map(|_| n.fate(&mut rng)).collect();
        let rescued = fates.iter().filter(|f| f.lost && f.duplicate.is_some_and(|(_, lost)| !lost)).count();
        let both = fates.iter().filter(|f| f.lost && f.duplicate.is_some_and(|(_, lost)| lost)).count();
        // Independent halves: about 250 of each.
        assert!((150..350).contains(&rescued), "{rescued}");
        assert!((150..350).contains(&both), "{both}");
    }
}
