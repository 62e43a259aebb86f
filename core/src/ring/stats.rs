//! The two numbers that matter for a placement: how evenly keys spread ([`Loads`]) and how many
//! keys move when membership changes ([`Moves`], against [`ideal_moved_fraction`]).

use super::Members;
use crate::protocol::NodeId;
use std::collections::BTreeMap;

/// Keys per node and the usual spread measures. With unequal weights, `peak` and `cv` compare
/// each node with its own fair share (a node at twice the weight holding twice the keys is not
/// an imbalance); with equal weights they are max/mean and std_dev/mean.
#[derive(Clone, Debug, PartialEq)]
pub struct Loads {
    /// Every member with its key count (zero included), in id order.
    pub per_node: Vec<(NodeId, usize)>,
    pub keys: usize,
    pub max: usize,
    pub mean: f64,
    /// max over nodes of keys / (keys × weight share).
    pub peak: f64,
    /// Of the raw key counts.
    pub std_dev: f64,
    /// Coefficient of variation of keys / fair share.
    pub cv: f64,
}

impl Loads {
    pub fn of(members: &Members, assignment: &[NodeId]) -> Loads {
        let mut count: BTreeMap<NodeId, usize> = BTreeMap::new();
        count.extend(members.ids().map(|id| (id, 0)));
        for owner in assignment {
            if let Some(c) = count.get_mut(owner) {
                *c += 1;
            }
        }
        let keys = assignment.len();
        let n = count.len().max(1) as f64;
        let mean = keys as f64 / n;
        let var = count.values().map(|&c| (c as f64 - mean).powi(2)).sum::<f64>() / n;
        let shares = members.shares();
        // Each node's keys over its fair share: 1.0 is perfect.
        let ratios: Vec<f64> = count
            .iter()
            .map(|(id, &c)| {
                let fair = keys as f64 * shares.get(id).copied().unwrap_or(0.0);
                if fair > 0.0 {
                    c as f64 / fair
                } else {
                    0.0
                }
            })
            .collect();
        let peak = ratios.iter().copied().fold(0.0, f64::max);
        let ratio_mean = ratios.iter().sum::<f64>() / n;
        let ratio_var = ratios.iter().map(|r| (r - ratio_mean).powi(2)).sum::<f64>() / n;
        Loads {
            max: count.values().copied().max().unwrap_or(0),
            per_node: count.into_iter().collect(),
            keys,
            mean,
            peak,
            std_dev: var.sqrt(),
            cv: if ratio_mean > 0.0 { ratio_var.sqrt() / ratio_mean } else { 0.0 },
        }
    }
}

/// Which keys changed owner between two assignments of the same keys, and between whom.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Moves {
    pub total: usize,
    pub moved: usize,
    /// (from, to) → keys.
    pub flows: BTreeMap<(NodeId, NodeId), usize>,
}

impl Moves {
    pub fn between(before: &[NodeId], after: &[NodeId]) -> Moves {
        let mut m = Moves { total: before.len().min(after.len()), ..Moves::default() };
        for (&a, &b) in before.iter().zip(after) {
            if a != b {
                m.moved += 1;
                *m.flows.entry((a, b)).or_default() += 1;
            }
        }
        m
    }

    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.moved as f64 / self.total as f64
        }
    }

    /// Keys each node received, by receiver.
    pub fn received(&self) -> BTreeMap<NodeId, usize> {
        let mut r = BTreeMap::new();
        for (&(_, to), &k) in &self.flows {
            *r.entry(to).or_default() += k;
        }
        r
    }
}

/// The smallest fraction of keys any placement must move to go from fair shares under `before`
/// to fair shares under `after`: the total variation distance between the two share vectors.
/// A join of one node among n equal ones gives 1/(n+1); a leave gives 1/n.
pub fn ideal_moved_fraction(before: &Members, after: &Members) -> f64 {
    let (b, a) = (before.shares(), after.shares());
    let gain: f64 = a.iter().map(|(id, &s)| (s - b.get(id).copied().unwrap_or(0.0)).max(0.0)).sum();
    if before.is_empty() || after.is_empty() {
        0.0
    } else {
        gain
    }
}
