//! Ready-made scenarios: one click shows a classic behaviour or a classic bug. Each is a URL
//! query, so a preset is also a link. `core/tests/presets.rs` checks that the healthy ones stay
//! healthy and that each bug preset really breaks the invariant it names.

/// A named scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// Stable id, for tests and DOM hooks.
    pub id: &'static str,
    pub title: &'static str,
    /// What to watch for.
    pub about: &'static str,
    pub query: &'static str,
    /// The invariant the run breaks, for bug presets.
    pub breaks: Option<&'static str>,
}

pub const RAFT_PRESETS: &[Preset] = &[
    Preset {
        id: "healthy",
        title: "Healthy 5-node cluster",
        about: "One election, then a steady stream of client writes replicated and committed.",
        query: "p=raft&n=5&seed=1",
        breaks: None,
    },
    Preset {
        id: "leader-crash",
        title: "The leader crashes, twice",
        about: "Each crash costs an election timeout; three of five nodes still form a majority.",
        query: "p=raft&n=5&seed=3&rate=4&faults=crash:leader@1.5s,crash:leader@3.5s",
        breaks: None,
    },
    Preset {
        id: "stranded-leader",
        title: "A partition strands the leader",
        about: "The old leader keeps accepting writes it can never commit; after the heal its \
                uncommitted entries are overwritten by the new leader's log.",
        query: "p=raft&n=5&seed=4&rate=4&faults=isolate:leader@1.5s,heal@4.5s",
        breaks: None,
    },
    Preset {
        id: "lossy",
        title: "A lossy, duplicating network",
        about: "20% of messages lost and 5% duplicated: retries and idempotent replies keep the log safe.",
        query: "p=raft&n=5&seed=5&loss=0.2&dup=0.05&rate=4",
        breaks: None,
    },
    Preset {
        id: "bug-vote",
        title: "Bug: votes without the log check",
        about: "A node with a stale log wins an election and lacks a committed entry.",
        query: "p=raft&n=3&seed=2&bugs=vote&faults=heal@778.693ms,cut:1-0@859.274ms",
        breaks: Some(crate::raft::invariants::LEADER_COMPLETENESS),
    },
    Preset {
        id: "bug-fig8",
        title: "Bug: Figure 8, committing an old term",
        about: "A leader commits an earlier term's entry by counting replicas; a later leader never had it.",
        query: "p=raft&n=5&seed=2691&bugs=fig8&faults=restart:0@357.92ms,isolate:leader@944.664ms,\
                dup:0.008504@1.049785s,part:0.1.2/3.4@1.153146s,dup:0.036127@1.297429s,isolate:leader@1.655118s",
        breaks: Some(crate::raft::invariants::LEADER_COMPLETENESS),
    },
    Preset {
        id: "bug-forget",
        title: "Bug: votedFor forgotten on restart",
        about: "A restarted node votes twice in one term, and two leaders are elected.",
        query: "p=raft&n=3&seed=1163&el=150ms-160ms&bugs=forget&faults=dup:0.044586@97.215ms,\
                crash:leader@419.384ms,crash:0@438.213ms,crash:1@525.335ms,crash:leader@589.335ms,\
                restart:0@715.181ms,restart:1@795.266ms",
        breaks: Some(crate::raft::invariants::ELECTION_SAFETY),
    },
];
