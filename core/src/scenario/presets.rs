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
        about: "A leader is elected within the first second and every client write commits on a majority; \
                nothing fails.",
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
        id: "snapshot-catchup",
        title: "A follower catches up by snapshot",
        about: "Every node snapshots each 20 entries and drops its log up to there (§7). Node 2 is \
                down for two seconds; by then the leader no longer holds what it missed, so it \
                sends InstallSnapshot (brown) and then the entries after it. Watch s20, s40, … in \
                the log table.",
        query: "p=raft&n=3&seed=1&rate=40&snap=20&faults=crash:2@1s,restart:2@3s",
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
        query: "p=raft&n=5&seed=1970&bugs=fig8&faults=crash:leader@129.918ms,isolate:leader@487.415ms,\
                crash:2@1.077115s,part:0.3.4/1.2@1.422618s,isolate:leader@1.909099s",
        breaks: Some(crate::raft::invariants::LEADER_COMPLETENESS),
    },
    Preset {
        id: "bug-forget",
        title: "Bug: votedFor forgotten on restart",
        about:
            "Node 2 votes in the first election, crashes and is back 2 ms later with no memory of its vote, \
                so it votes twice in term 1: two leaders of the same term are elected.",
        query: "p=raft&n=3&seed=157&el=100ms-102ms&bugs=forget&faults=crash:2@104ms,restart:2@106ms",
        breaks: Some(crate::raft::invariants::ELECTION_SAFETY),
    },
    Preset {
        id: "bug-snap",
        title: "Bug: installing a late snapshot",
        about: "Followers install every InstallSnapshot without Figure 13's checks. A duplicated, \
                slow copy reaches node 2 after it has moved on: it throws away entries it had \
                acknowledged and its state machine goes back in time.",
        query:
            "p=raft&n=3&seed=3&rate=40&snap=20&dup=0.2&lat=1ms-40ms&bugs=snap&faults=crash:2@1s,restart:2@2s",
        breaks: Some(crate::raft::invariants::APPLIED_STATE),
    },
];

pub const PAXOS_PRESETS: &[Preset] = &[
    Preset {
        id: "multi",
        title: "Multi-Paxos with a steady leader",
        about: "One proposer wins phase 1 once, then each client write costs only phase 2.",
        query: "p=paxos&n=5&seed=1&rate=4",
        breaks: None,
    },
    Preset {
        id: "single",
        title: "Single-decree: three proposers, one value",
        about: "Three proposers race for one slot; promises carry accepted values, so all learn the same one.",
        query: "p=paxos&n=5&seed=3&rate=0&proposers=3&mode=single",
        breaks: None,
    },
    Preset {
        id: "duel",
        title: "Duelling proposers (no backoff)",
        about: "Each proposer pre-empts the other's ballot before it can be accepted: ballots climb and nothing \
                is chosen for 2.7 s. Turn backoff on to break the tie within a few rounds.",
        query: "p=paxos&n=9&seed=202&rate=0&lat=1ms-20ms&proposers=2&mode=single&backoff=0",
        breaks: None,
    },
    Preset {
        id: "leader-crash",
        title: "The Multi-Paxos leader crashes",
        about: "Another proposer runs phase 1, adopts the values accepted in open slots and fills gaps with no-ops.",
        query: "p=paxos&n=5&seed=4&rate=6&faults=crash:leader@1.5s,restart:0@3s,restart:1@3s",
        breaks: None,
    },
    Preset {
        id: "bug-ignore",
        title: "Bug: proposer ignores accepted values",
        about: "A proposer with a majority of promises proposes its own value instead of the one already accepted.",
        query: "p=paxos&n=5&seed=41&rate=4&proposers=3&mode=single&bugs=ignore",
        breaks: Some(crate::paxos::invariants::ONE_VALUE),
    },
    Preset {
        id: "bug-acceptany",
        title: "Bug: acceptor ignores its promise",
        about: "An acceptor accepts a lower ballot after promising a higher one; two values get chosen.",
        query: "p=paxos&n=5&seed=2&rate=4&proposers=3&mode=single&bugs=acceptany",
        breaks: Some(crate::paxos::invariants::ONE_VALUE),
    },
    Preset {
        id: "bug-forget",
        title: "Bug: acceptor forgets its promise on restart",
        about: "After a restart an acceptor accepts a ballot it had promised to refuse.",
        query: "p=paxos&n=3&seed=4782&rate=4&proposers=3&bugs=forget&faults=dup:0.009277@559.827ms,\
                isolate:leader@738.247ms,crash:0@3.937715s,part:2/0.1@4.166647s,restart:0@4.189081s",
        breaks: Some(crate::paxos::invariants::ONE_VALUE),
    },
];

pub const LOCK_PRESETS: &[Preset] = &[
    Preset {
        id: "healthy",
        title: "Two clients take turns",
        about: "Each client acquires a lease, works, writes with its token and releases; tokens go 1, 2, 3, ...",
        query: "p=lock&n=4&seed=1",
        breaks: None,
    },
    Preset {
        id: "kleppmann",
        title: "Kleppmann: a GC pause outlives the lease",
        about: "Client 1 pauses for 2 s while holding token 2. Its lease expires, client 2 gets token 3 and \
                writes. Client 1 wakes, still believing it holds the lock, and writes with token 2: the storage \
                refuses it, because it has seen token 3.",
        query: "p=lock&n=4&seed=1&faults=pause:2:2s@900ms",
        breaks: None,
    },
    Preset {
        id: "kleppmann-nofence",
        title: "Bug: the same pause without fencing",
        about: "The storage does not check tokens, so client 1's stale write (token 2) lands after client 2's \
                (token 3): a lost update that no lease can prevent.",
        query: "p=lock&n=4&seed=1&bugs=nofence&faults=pause:2:2s@900ms",
        breaks: Some(crate::lock::invariants::FENCING),
    },
    Preset {
        id: "server-restart",
        title: "The lock server crashes and restarts",
        about: "The token counter is durable, so numbering continues; the restarted server grants nothing for \
                one TTL, since it forgot who held the lease.",
        query: "p=lock&n=4&seed=1&faults=crash:0@1s,restart:0@1.2s",
        breaks: None,
    },
    Preset {
        id: "bug-volatile",
        title: "Bug: the token counter is not persisted",
        about: "After the restart the server grants token 1 again, at once, while the old holder may still be \
                working: tokens no longer order the holders.",
        query: "p=lock&n=4&seed=1&bugs=volatile&faults=crash:0@1s,restart:0@1.2s",
        breaks: Some(crate::lock::invariants::TOKENS_INCREASE),
    },
    Preset {
        id: "drift",
        title: "Clocks drift past the bound",
        about: "The server's clock runs 50% fast and client 1's 50% slow: the server expires leases that client 1 \
                still believes in, so two clients hold at once (the lease's assumption is gone). Fencing still \
                refuses the stale write.",
        query: "p=lock&n=4&seed=16&faults=drift:0:0.5@0s,drift:2:-0.5@0s",
        breaks: None,
    },
    Preset {
        id: "bug-receipt",
        title: "Bug: the lease counted from the grant's arrival",
        about: "Grants take up to 300 ms and 20% of messages are lost. When renewals are lost the server lets the \
                lease expire, but the client counted its lease from the grant's arrival, so it still believes it \
                holds the lock when another client is granted it.",
        query: "p=lock&n=5&seed=337&lat=10ms-300ms&loss=0.2&work=900ms-1.5s&bugs=receipt",
        breaks: Some(crate::lock::invariants::ONE_HOLDER),
    },
    Preset {
        id: "client-restart",
        title: "A client restarts while its messages are in flight",
        about: "Client 1 holds token 1 when it crashes at 850 ms and is back 20 ms later; links take 50–500 ms, so a \
                Grant answering its previous life's retry is still on its way. Each acquisition carries the \
                client's life (a durable counter), so the new life (acquisition 1.0) hands the stale Grant (0.0) \
                back, waits for the old lease to go, and gets token 2.",
        query: "p=lock&n=4&seed=2&lat=50ms-500ms&faults=crash:2@850ms,restart:2@870ms",
        breaks: None,
    },
    Preset {
        id: "bug-reuse",
        title: "Bug: a restarted client reuses its acquisition ids",
        about: "The same restart, but the client forgets its life and numbers acquisitions from 0 again. It takes \
                the Grant meant for its previous life as its own and holds token 1 a second time; a slow Release \
                from the old life could now end the lease it believes in, and another client would be granted \
                the lock beside it.",
        query: "p=lock&n=4&seed=2&lat=50ms-500ms&bugs=reuse&faults=crash:2@850ms,restart:2@870ms",
        breaks: Some(crate::lock::invariants::TOKENS_INCREASE),
    },
];

pub const TXN_PRESETS: &[Preset] = &[
    Preset {
        id: "2pc",
        title: "Two-phase commit, healthy",
        about: "Prepare, votes forced to the log, the decision forced to the log, then Commit and Ack. About one \
                vote in ten is no, and that transaction aborts everywhere.",
        query: "p=txn&n=4&seed=1",
        breaks: None,
    },
    Preset {
        id: "2pc-blocking",
        title: "2PC blocks: the coordinator dies after the votes",
        about: "All three voted yes for txn 2, then the coordinator crashed while logging its decision. The \
                participants are in doubt: they may neither commit nor abort, and hold their locks until the \
                coordinator returns at 6 s and answers (presumed abort).",
        query: "p=txn&n=4&seed=1&faults=crash:0@840ms,restart:0@6s",
        breaks: None,
    },
    Preset {
        id: "2pc-participant-crash",
        title: "A participant crashes before voting",
        about: "Participant 2 dies as txn 2's Prepare arrives; its vote never comes, the coordinator aborts at the \
                vote timeout, and nobody was left in doubt.",
        query: "p=txn&n=4&seed=1&faults=crash:2@794ms,restart:2@2s",
        breaks: None,
    },
    Preset {
        id: "3pc-coordinator-crash",
        title: "3PC does not block on a coordinator crash",
        about: "The coordinator crashes right after sending PreCommit. Every participant is pre-committed, so each \
                commits on its own timeout instead of waiting for the coordinator.",
        query: "p=txn&n=4&seed=1&mode=3pc&faults=crash:0@870ms,restart:0@6s",
        breaks: None,
    },
    Preset {
        id: "3pc-partition",
        title: "3PC splits under a partition",
        about: "A partition cuts participants 2 and 3 off just as PreCommit goes out. Participant 1 is \
                pre-committed and commits; 2 and 3, still uncertain, time out and abort. Timeouts cannot tell a \
                crash from a partition: this is why real systems commit through consensus.",
        query: "p=txn&n=4&seed=1&mode=3pc&faults=part:0.1/2.3@863ms",
        breaks: Some(crate::txn::invariants::ATOMICITY),
    },
    Preset {
        id: "bug-committimeout",
        title: "Bug: commit at the vote timeout",
        about: "Participant 2 crashes before voting; the buggy coordinator commits anyway when the timeout fires.",
        query: "p=txn&n=4&seed=1&bugs=committimeout&faults=crash:2@794ms,restart:2@2s",
        breaks: Some(crate::txn::invariants::VALIDITY),
    },
];

/// The service lab, one preset per story of issue 13 (and its fix). Node ids: 0 the clients, 1
/// the balancer; with `pair=`, 2 the standby (and 3 the witness if fenced); with `spares=`, the
/// controller; then the backends B1, B2, ... Each backend serves about 100 requests a second.
pub const LB_PRESETS: &[Preset] = &[
    Preset {
        id: "healthy",
        title: "Four backends behind one balancer",
        about: "200 requests a second, round robin: each backend serves a quarter, every request succeeds, \
                p99 stays near 50 ms.",
        query: "p=lb&n=6&seed=1",
        breaks: None,
    },
    Preset {
        id: "sinkhole",
        title: "Least request sinkholes into a failing backend",
        about: "300 requests a second over four backends of four workers each. From 2 s backend B2 (node 3) \
                answers every request at once with a 500. Least request sees it with the fewest requests \
                outstanding and sends it half the traffic: half of all requests fail, not a quarter.",
        query: "p=lb&n=6&seed=1&rps=300&workers=4&svc=40ms&algo=least&faults=failfast:3@2s",
        breaks: None,
    },
    Preset {
        id: "sinkhole-eject",
        title: "… and outlier detection ejects it",
        about: "The same failing backend with outlier detection on: after five 500s in a row the balancer \
                ejects it for 5 s, then 10 s, … (at most half the pool at once), and the errors stop.",
        query: "p=lb&n=6&seed=1&rps=300&workers=4&svc=40ms&algo=least&eject=1&faults=failfast:3@2s",
        breaks: None,
    },
    Preset {
        id: "retry-storm",
        title: "A retry storm outlives its trigger",
        about: "250 requests a second against 400 of capacity, and clients retry three times after a 100 ms \
                timeout. Every backend turns three times slower from 2 s to 3 s: queues grow, requests time \
                out, retries pile on, and when the slowdown ends the load of retries keeps the queues full \
                (a metastable failure). Switch the retry budget on to see it recover.",
        query: "p=lb&n=6&seed=1&rps=250&timeout=100ms&retries=3&faults=slow:2:3@2s,slow:3:3@2s,slow:4:3@2s,\
                slow:5:3@2s,recover:2@3s,recover:3@3s,recover:4@3s,recover:5@3s",
        breaks: None,
    },
    Preset {
        id: "retry-budget",
        title: "… and a retry budget ends it",
        about: "The same slowdown with retries held to 20% of requests in flight: the extra load stays \
                small, and the queues drain once the slowdown ends.",
        query: "p=lb&n=6&seed=1&rps=250&timeout=100ms&retries=3&budget=1&faults=slow:2:3@2s,slow:3:3@2s,\
                slow:4:3@2s,slow:5:3@2s,recover:2@3s,recover:3@3s,recover:4@3s,recover:5@3s",
        breaks: None,
    },
    Preset {
        id: "speeds",
        title: "Backends of different speeds: two choices vs random vs round robin",
        about: "B1 is four times slower and B2 twice (they serve 25 and 50 requests a second) against 180 a \
                second. Round robin and random give each backend its quarter, so B1's queue never stops \
                growing and its requests time out; the power of two choices sends the next request to the \
                less loaded of two, and none fails. Compare them with the algorithm menu.",
        query: "p=lb&n=6&seed=1&rps=180&algo=p2c&faults=slow:2:4@0s,slow:3:2@0s",
        breaks: None,
    },
    Preset {
        id: "crash-hc",
        title: "Health checks find a dead backend",
        about:
            "B2 (node 3) crashes at 2 s. Checks go out every 500 ms and two misses mark a backend down, so \
                the balancer stops sending it traffic within interval × fall = 1 s (plus the check's \
                timeout); only the requests of that second fail. Without checks (hc off) a quarter fail, for \
                good.",
        query: "p=lb&n=6&seed=1&hc=1&timeout=300ms&faults=crash:3@2s",
        breaks: None,
    },
    Preset {
        id: "panic",
        title: "The panic threshold: most hosts fail their checks",
        about:
            "Three of four backends crash at 2 s and health checks mark them down. With one healthy host of \
                four, below the 50% panic threshold, the balancer stops trusting its checks and routes to \
                every host, betting that the checks are wrong rather than the hosts. Here they are right, so \
                three requests in four fail; with panic=0 all 200 a second go to the survivor, which serves \
                100 and refuses the rest.",
        query: "p=lb&n=6&seed=1&hc=1&timeout=300ms&faults=crash:3@2s,crash:4@2s,crash:5@2s",
        breaks: None,
    },
    Preset {
        id: "failover",
        title: "The balancer fails over to its standby",
        about:
            "Balancer 1 crashes at 2 s. The standby hears no VRRP advert for 3 × advert_int + skew (about \
                0.7 s), takes the virtual IP and announces it; the requests in that gap time out. Balancer 1 \
                returns at 4 s and, with its higher priority, takes the VIP back.",
        query: "p=lb&n=7&seed=1&pair=on&timeout=300ms&faults=crash:1@2s,restart:1@4s",
        breaks: None,
    },
    Preset {
        id: "split-brain",
        title: "Split brain: the advert link is cut",
        about: "The balancers stop hearing each other at 2 s and both take the VIP: clients follow whichever \
                announced last. Nothing fails here, because both route to the same stateless backends; the \
                harm comes with state only one owner may hold (sessions, a lock, a sequence number), and with \
                two balancers each checking and ejecting on its own.",
        query: "p=lb&n=7&seed=1&pair=on&faults=cut:1-2@2s,cut:2-1@2s",
        breaks: None,
    },
    Preset {
        id: "split-brain-fenced",
        title: "… fenced by a lease from a witness",
        about: "The same cut with a witness (node 3): a balancer serves only while it holds the witness's \
                lease, which goes to one at a time, so the standby stays a backup.",
        query: "p=lb&n=8&seed=1&pair=fenced&faults=cut:1-2@2s,cut:2-1@2s",
        breaks: None,
    },
    Preset {
        id: "n-plus-0",
        title: "N+0 at peak load: a crash overloads the rest",
        about: "Four backends carry 320 requests a second, 80% of what they can. B2 (node 3) crashes at 2 s: \
                the other three run at 107% of capacity, so their queues grow until a request waits longer \
                than its 300 ms timeout, and then almost every request fails (the backends work on requests \
                nobody waits for any more). B2 returns at 6 s; slow start gives it a share that grows over \
                a second, and the queues drain.",
        query: "p=lb&n=6&seed=1&rps=320&hc=1&timeout=300ms&slowstart=1s&faults=crash:3@2s,restart:3@6s",
        breaks: None,
    },
    Preset {
        id: "n-plus-1",
        title: "N+1: a spare replaces the dead backend",
        about: "The same load and crash with a warm spare: the controller misses B2 (node 4) three times, \
                provisions the spare for 2 s and swaps it in. The outage is detection + provisioning + the \
                balancer's own checks, and then the pool is back to full strength.",
        query: "p=lb&n=8&seed=1&rps=320&hc=1&timeout=300ms&slowstart=1s&spares=1&faults=crash:4@2s",
        breaks: None,
    },
    Preset {
        id: "bug-unfenced",
        title: "Bug: a fenced standby promotes without the lease",
        about:
            "With the advert link cut, the standby takes the VIP without asking the witness: two balancers \
                serve at once.",
        query: "p=lb&n=8&seed=1&pair=fenced&bugs=unfenced&faults=cut:1-2@2s,cut:2-1@2s",
        breaks: Some(crate::lb::invariants::ONE_MASTER),
    },
    Preset {
        id: "bug-ejectall",
        title: "Bug: outlier detection ejects every host",
        about:
            "Three of four backends fail fast; ignoring max_ejection_percent, the balancer ejects all three.",
        query: "p=lb&n=6&seed=1&eject=1&bugs=ejectall&faults=failfast:2@1s,failfast:3@1s,failfast:4@1s",
        breaks: Some(crate::lb::invariants::EJECTION_CAP),
    },
    Preset {
        id: "bug-notimeout",
        title: "Bug: a retry without a timeout",
        about:
            "Clients retry twice over a network that loses 5% of messages, but a retry has no timeout of its \
                own: a lost retry leaves its request open forever.",
        query: "p=lb&n=6&seed=1&retries=2&loss=0.05&bugs=notimeout",
        breaks: Some(crate::lb::invariants::NONE_LOST),
    },
];
