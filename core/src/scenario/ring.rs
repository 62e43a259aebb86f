//! The ring lab's scenario: a membership, failures, and placement parameters. Unlike the
//! protocol scenarios it has no time or seed — the state *is* the scenario — so a URL gives the
//! exact same assignment of every key:
//!
//! ```text
//! ?p=ring&alg=maglev&nodes=0-9,12&w=3:2,5:0.5&down=4&vn=200&keys=50000&r=3&eps=0.25
//! ```
//!
//! `nodes` lists ids and ranges; `w` gives weights (1 = normal, two decimals); `down` the failed
//! nodes (they keep their replicas in the failover view but own no keys). Defaults are left out
//! when encoding; unknown keys are errors, except the page's view keys.

use super::units::{format_hundredths, parse_hundredths, shorten};
use super::url::split_query;
use super::{check_range, ScenarioError};
use crate::msg::Msg;
use crate::protocol::NodeId;
use crate::ring::limits::*;
use crate::ring::{Algorithm, HashRing, Members, Params, UNIT_WEIGHT};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub const DEFAULT_RING_NODES: u8 = 10;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RingScenario {
    pub version: u32,
    pub algorithm: Algorithm,
    /// Every node, failed ones included.
    pub members: Members,
    pub down: BTreeSet<NodeId>,
    pub vnodes: u32,
    pub keys: u32,
    pub replicas: u8,
    /// Bounded loads' ε in hundredths.
    pub epsilon: u32,
}

impl Default for RingScenario {
    fn default() -> Self {
        let p = Params::default();
        RingScenario {
            version: super::FORMAT_VERSION,
            algorithm: Algorithm::Ring,
            members: Members::uniform(0..DEFAULT_RING_NODES),
            down: BTreeSet::new(),
            vnodes: p.vnodes,
            keys: 10_000,
            replicas: 3,
            epsilon: p.epsilon,
        }
    }
}

/// A decoded ring query: the scenario and the page's view keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedRing {
    pub scenario: RingScenario,
    pub view: BTreeMap<String, String>,
}

impl RingScenario {
    pub fn params(&self) -> Params {
        Params { vnodes: self.vnodes, epsilon: self.epsilon, ..Params::default() }
    }

    /// The nodes that own keys: members minus the failed.
    pub fn live(&self) -> Members {
        Members::new(self.members.iter().filter(|(id, _)| !self.down.contains(id)))
    }

    /// Ring points this scenario needs (every member, failed ones too).
    pub fn points(&self) -> usize {
        self.members.iter().map(|(_, w)| HashRing::vnodes_of(self.vnodes, w) as usize).sum()
    }

    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.version != super::FORMAT_VERSION {
            return Err(ScenarioError::new("v", crate::msg!("unsupported version {v}", v = self.version)));
        }
        if self.members.is_empty() {
            return Err(ScenarioError::new("nodes", crate::msg!("needs at least one node")));
        }
        if self.members.len() > MAX_RING_NODES {
            return Err(ScenarioError::new(
                "nodes",
                crate::msg!("at most {max} nodes", max = MAX_RING_NODES),
            ));
        }
        if let Some(id) = self.members.ids().find(|&id| usize::from(id) >= MAX_RING_NODES) {
            return Err(ScenarioError::new(
                "nodes",
                crate::msg!("ids go from 0 to {max}, got {id}", max = MAX_RING_NODES - 1, id),
            ));
        }
        for (id, w) in self.members.iter() {
            if !(MIN_WEIGHT..=MAX_WEIGHT).contains(&w) {
                return Err(ScenarioError::new(
                    "w",
                    crate::msg!(
                        "node {id}: a weight goes from {lo} to {hi}, got {v}",
                        id,
                        lo = format_hundredths(MIN_WEIGHT),
                        hi = format_hundredths(MAX_WEIGHT),
                        v = format_hundredths(w)
                    ),
                ));
            }
        }
        if let Some(id) = self.down.iter().find(|&&id| !self.members.contains(id)) {
            return Err(ScenarioError::new("down", crate::msg!("node {id} is not in the cluster", id = *id)));
        }
        if self.live().is_empty() {
            return Err(ScenarioError::new("down", crate::msg!("at least one node must be up")));
        }
        check_range("vn", self.vnodes, MIN_VNODES, MAX_VNODES)?;
        check_range("keys", self.keys, 1, MAX_KEYS)?;
        check_range("r", self.replicas, 1, MAX_REPLICAS)?;
        if self.epsilon > MAX_EPSILON {
            let (max, got) = (format_hundredths(MAX_EPSILON), format_hundredths(self.epsilon));
            return Err(ScenarioError::new(
                "eps",
                crate::msg!("must be between {lo} and {hi}, got {v}", lo = "0", hi = max, v = got),
            ));
        }
        if self.points() > MAX_POINTS {
            return Err(ScenarioError::new(
                "vn",
                crate::msg!(
                    "{points} ring points (vnodes × weights over all nodes); at most {max}",
                    points = self.points(),
                    max = MAX_POINTS
                ),
            ));
        }
        Ok(())
    }
}

/// Encodes as a query without `?`; `p=ring` first, defaults left out.
pub fn encode(s: &RingScenario) -> String {
    let d = RingScenario::default();
    let mut parts = vec!["p=ring".to_string()];
    if s.algorithm != d.algorithm {
        parts.push(format!("alg={}", s.algorithm.name()));
    }
    if s.members.ids().collect::<Vec<_>>() != d.members.ids().collect::<Vec<_>>() {
        parts.push(format!("nodes={}", id_ranges(s.members.ids())));
    }
    let weights: Vec<String> = s
        .members
        .iter()
        .filter(|&(_, w)| w != UNIT_WEIGHT)
        .map(|(id, w)| format!("{id}:{}", format_hundredths(w)))
        .collect();
    if !weights.is_empty() {
        parts.push(format!("w={}", weights.join(",")));
    }
    if !s.down.is_empty() {
        parts.push(format!("down={}", id_ranges(s.down.iter().copied())));
    }
    if s.vnodes != d.vnodes {
        parts.push(format!("vn={}", s.vnodes));
    }
    if s.keys != d.keys {
        parts.push(format!("keys={}", s.keys));
    }
    if s.replicas != d.replicas {
        parts.push(format!("r={}", s.replicas));
    }
    if s.epsilon != d.epsilon {
        parts.push(format!("eps={}", format_hundredths(s.epsilon)));
    }
    parts.join("&")
}

/// Decodes and validates a ring query (with or without `?`).
pub fn decode(query: &str) -> Result<DecodedRing, ScenarioError> {
    let (pairs, view) = split_query(query)?;
    let mut s = RingScenario::default();
    let mut weights: Vec<(NodeId, u32)> = Vec::new();
    for (key, val) in &pairs {
        let err = |m: Msg| ScenarioError::new(key.as_str(), m);
        let int = |v: &str| -> Result<u64, ScenarioError> {
            v.parse::<u64>()
                .map_err(|_| err(crate::msg!("expected a whole number, got \"{v}\"", v = shorten(v))))
        };
        match key.as_str() {
            "p" if val == "ring" => {}
            "p" => return Err(err(crate::msg!("this is the ring page, got \"{v}\"", v = shorten(val)))),
            "v" => s.version = u32::try_from(int(val)?).map_err(|_| err(crate::msg!("too large")))?,
            "alg" => {
                s.algorithm = Algorithm::from_name(val).ok_or_else(|| {
                    let names: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
                    err(crate::msg!(
                        "unknown algorithm \"{v}\" ({known})",
                        v = shorten(val),
                        known = names.join(", ")
                    ))
                })?
            }
            "nodes" => s.members = Members::uniform(parse_ids(val).map_err(err)?),
            "down" => s.down = parse_ids(val).map_err(err)?.into_iter().collect(),
            "w" => {
                for item in val.split(',').filter(|t| !t.is_empty()) {
                    let (id, w) = item.split_once(':').ok_or_else(|| {
                        err(crate::msg!("expected id:weight, got \"{v}\"", v = shorten(item)))
                    })?;
                    let id = parse_id(id).map_err(err)?;
                    weights.push((id, parse_hundredths(w).map_err(err)?));
                }
            }
            "vn" => s.vnodes = u32::try_from(int(val)?).unwrap_or(u32::MAX),
            "keys" => s.keys = u32::try_from(int(val)?).unwrap_or(u32::MAX),
            "r" => s.replicas = u8::try_from(int(val)?).unwrap_or(u8::MAX),
            "eps" => s.epsilon = parse_hundredths(val).map_err(err)?,
            other => {
                return Err(ScenarioError::new(shorten(other), crate::msg!("unknown key for the ring page")));
            }
        }
    }
    // Weights apply after `nodes`, wherever each stands in the query.
    for (id, w) in weights {
        if !s.members.contains(id) {
            return Err(ScenarioError::new("w", crate::msg!("node {id} is not in the cluster", id)));
        }
        s.members.insert(id, w);
    }
    s.validate()?;
    Ok(DecodedRing { scenario: s, view })
}

/// `0-9,12` → [0..=9, 12]. Sorted, duplicates rejected.
fn parse_ids(v: &str) -> Result<Vec<NodeId>, Msg> {
    let mut ids = BTreeSet::new();
    for item in v.split(',').filter(|t| !t.is_empty()) {
        let (lo, hi) = match item.split_once('-') {
            Some((a, b)) => (parse_id(a)?, parse_id(b)?),
            None => (parse_id(item)?, parse_id(item)?),
        };
        if lo > hi {
            return Err(crate::msg!("the range \"{range}\" runs backwards", range = shorten(item)));
        }
        for id in lo..=hi {
            if !ids.insert(id) {
                return Err(crate::msg!("node {id} is listed twice", id));
            }
        }
    }
    Ok(ids.into_iter().collect())
}

fn parse_id(v: &str) -> Result<NodeId, Msg> {
    v.parse::<u32>().ok().filter(|&id| (id as usize) < MAX_RING_NODES).map(|id| id as NodeId).ok_or_else(
        || {
            crate::msg!(
                "a node id goes from 0 to {max}, got \"{v}\"",
                max = MAX_RING_NODES - 1,
                v = shorten(v)
            )
        },
    )
}

/// [0, 1, 2, 3, 7] → `0-3,7`.
fn id_ranges(ids: impl Iterator<Item = NodeId>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut run: Option<(NodeId, NodeId)> = None;
    let flush = |run: (NodeId, NodeId), out: &mut Vec<String>| {
        out.push(if run.0 == run.1 { run.0.to_string() } else { format!("{}-{}", run.0, run.1) })
    };
    for id in ids {
        run = match run {
            Some((lo, hi)) if u16::from(hi) + 1 == u16::from(id) => Some((lo, id)),
            Some(r) => {
                flush(r, &mut out);
                Some((id, id))
            }
            None => Some((id, id)),
        };
    }
    if let Some(r) = run {
        flush(r, &mut out);
    }
    out.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_short_and_round_trips() {
        let d = RingScenario::default();
        assert_eq!(encode(&d), "p=ring");
        assert_eq!(decode("p=ring").map(|x| x.scenario), Ok(d));
    }

    #[test]
    fn a_full_query_round_trips() {
        let q = "p=ring&alg=maglev&nodes=0-9,12&w=3:2,5:0.5&down=4&vn=200&keys=50000&r=2&eps=0.1";
        let s = decode(q).expect("valid").scenario;
        assert_eq!(s.members.weight(3), Some(200));
        assert_eq!(s.members.weight(12), Some(100));
        assert_eq!(s.live().len(), 10);
        assert_eq!(encode(&s), q);
    }

    #[test]
    fn bad_values_name_their_field() {
        for (q, field) in [
            ("alg=paxos", "alg"),
            ("nodes=0-200", "nodes"),
            ("nodes=3-1", "nodes"),
            ("nodes=1,1", "nodes"),
            ("nodes=", "nodes"),
            ("w=3:0", "w"),
            ("w=3:1.234", "w"),
            ("w=30:2", "w"),
            ("down=0-9", "down"),
            ("down=11", "down"),
            ("vn=0", "vn"),
            ("vn=99999999999", "vn"),
            ("keys=0", "keys"),
            ("keys=1000001", "keys"),
            ("r=9", "r"),
            ("eps=5", "eps"),
            ("p=raft", "p"),
            ("seed=3", "seed"),
        ] {
            let e = decode(q).expect_err(q);
            assert_eq!(e.field, field, "{q}: {e}");
        }
    }

    #[test]
    fn too_many_points_are_refused() {
        let w: Vec<String> = (0..128).map(|id| format!("{id}:2")).collect();
        let q = format!("nodes=0-127&vn=1000&w={}", w.join(","));
        assert_eq!(decode(&q).expect_err("256,000 points").field, "vn");
    }

    #[test]
    fn view_keys_pass_through() {
        let d = decode("p=ring&embed=1").expect("valid");
        assert_eq!(d.view.get("embed").map(String::as_str), Some("1"));
    }
}
