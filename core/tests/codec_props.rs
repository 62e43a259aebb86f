//! Property tests of the pure pieces: the URL codec and the log's merge rule.
#![cfg(not(target_arch = "wasm32"))]

use halab_core::protocol::Degrade;
use halab_core::raft::{Command, Entry, Log};
use halab_core::scenario::{lb, url, ProtocolKind, Scenario};
use halab_core::sim::fault::Fault;
use halab_core::txn::TxnMode;
use proptest::prelude::*;

fn fault(n: u8) -> impl Strategy<Value = Fault> {
    let node = 0..n;
    prop_oneof![
        node.clone().prop_map(Fault::Crash),
        node.clone().prop_map(Fault::Restart),
        (node.clone(), 1..600_000_000u64).prop_map(|(x, d)| Fault::Pause(x, d)),
        (node.clone(), node.clone()).prop_map(|(a, b)| Fault::Cut(a, b)),
        Just(Fault::Heal),
        (0..=1_000_000u32).prop_map(Fault::SetLoss),
        (0..=1_000_000u32).prop_map(Fault::SetDup),
        (0..5_000_000u64, 0..5_000_000u64).prop_map(|(a, b)| Fault::SetLatency(a, a + b)),
        node.clone().prop_map(Fault::Write),
        Just(Fault::CrashLeader),
        Just(Fault::IsolateLeader),
        proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 0..n as usize)
            .prop_map(|g| Fault::Partition(vec![g])),
        (node.clone(), -500_000..=500_000i32).prop_map(|(x, ppm)| Fault::ClockDrift(x, ppm)),
    ]
}

/// Lock and commit scenarios: their own parameters, and no client writes.
fn lock_or_txn() -> impl Strategy<Value = Scenario> {
    (
        any::<bool>(),
        3..=8u8,
        any::<u64>(),
        50_000..=60_000_000u64,
        0..=200_000u32,
        1..=60_000_000u64,
        0..=100u8,
        any::<bool>(),
    )
        .prop_flat_map(|(lock, n, seed, ttl, bound, work, no, bug)| {
            let faults = proptest::collection::vec((0..86_400_000_000u64, fault(n)), 0..12);
            faults.prop_map(move |faults| {
                let kind = if lock { ProtocolKind::Lock } else { ProtocolKind::Txn };
                let mut s = Scenario { nodes: n, seed, ..Scenario::default_for(kind) };
                s.lock.ttl = ttl;
                s.lock.bound_ppm = bound;
                s.lock.work_min = work / 2 + 1;
                s.lock.work_max = work;
                s.lock.bugs.no_fencing = bug;
                s.txn.no_percent = no;
                s.txn.vote_timeout = ttl;
                s.txn.mode = if bug { TxnMode::ThreePhase } else { TxnMode::TwoPhase };
                s.txn.bugs.commit_on_timeout = bug;
                // Only the kind's own parameters travel in its URL.
                if lock {
                    s.txn = Default::default();
                } else {
                    s.lock = Default::default();
                }
                for (at, f) in faults {
                    if !matches!(f, Fault::Write(_)) {
                        s.push_fault(at, f);
                    }
                }
                s
            })
        })
}

/// Service-lab scenarios: every lab parameter within its limits, and backends slowing down.
fn lb() -> impl Strategy<Value = Scenario> {
    let algo = proptest::sample::select(lb::Algo::ALL.to_vec());
    let pair = proptest::sample::select(vec![lb::PairMode::Off, lb::PairMode::On, lb::PairMode::Fenced]);
    (
        (algo, pair, 0..=2u8, 8..=16u8, any::<u64>()),
        (0..=2_000u32, 0..=500u16, 1_000..=60_000_000u64, 1_000..=60_000_000u64, 0..=10u8),
        (
            any::<bool>(),
            0..=100u64,
            100..=10_000_000u64,
            1..=64u16,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
    )
        .prop_flat_map(|((algo, pair, spares, n, seed), (rps, users, think, timeout, retries), rest)| {
            let faults = proptest::collection::vec((0..86_400_000_000u64, fault(n)), 0..8);
            let slow = proptest::collection::vec((0..86_400_000_000u64, 0..n, 2..=1_000u16), 0..4);
            (faults, slow).prop_map(move |(faults, slow)| {
                let (budget, hedge_pct, service, workers, hc, eject, bug) = rest;
                let mut s = Scenario { nodes: n, seed, ..Scenario::default_for(ProtocolKind::Lb) };
                let l = &mut s.lb;
                (l.algo, l.pair, l.spares, l.rps, l.users, l.think, l.timeout, l.retries) =
                    (algo, pair, spares, rps, users, think, timeout, retries);
                (l.budget, l.hedge, l.service, l.workers, l.health, l.eject) =
                    (budget, timeout * hedge_pct / 100, service, workers, hc, eject);
                l.bugs.eject_all = bug;
                // The detection parameters, drawn from the seed (the strategy tuple is full).
                let k = seed % 97;
                (l.inter, l.fall, l.rise) = (10_000 + k * 100_000, 1 + (k % 7) as u16, 1 + (k % 5) as u16);
                (l.c5xx, l.eject_time, l.max_eject) =
                    (1 + (k % 9) as u16, 10_000 + k * 1_000_000, (k % 101) as u8);
                (l.panic, l.slow_start) = ((k * 3 % 101) as u8, k * 50_000);
                l.dist = lb::ServiceDist::ALL[(k % 3) as usize];
                l.provision = k * 10_000_000;
                l.weights = (0..(k % 5)).map(|i| 1 + ((k + i) % 100) as u32).collect();
                (l.check_timeout, l.check_jitter, l.sweep) =
                    (1_000 + k * 7_000, l.inter * (k % 3) / 2, 10_000 + k * 500_000);
                for (at, f) in faults {
                    if !matches!(f, Fault::Write(_)) {
                        s.push_fault(at, f);
                    }
                }
                for (at, x, factor) in slow {
                    s.push_fault(at, Fault::Degrade(x, Degrade::Slow(factor)));
                }
                s
            })
        })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (1..=15u8, any::<u64>(), 0..=200u32, 0..=1_000_000u32, any::<bool>()).prop_flat_map(
        |(n, seed, rate, loss, noop)| {
            proptest::collection::vec((0..86_400_000_000u64, fault(n)), 0..20).prop_map(move |faults| {
                let mut s = Scenario { nodes: n, seed, write_rate: rate, noop, ..Scenario::default() };
                s.net.loss_ppm = loss;
                for (at, f) in faults {
                    s.push_fault(at, f);
                }
                s
            })
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn url_round_trips(s in scenario()) {
        let q = url::encode(&s);
        let back = url::decode(&q).map_err(|e| TestCaseError::fail(format!("{q}: {e}")))?;
        prop_assert_eq!(back.scenario, s);
    }

    #[test]
    fn lock_and_txn_urls_round_trip(s in lock_or_txn()) {
        let q = url::encode(&s);
        let back = url::decode(&q).map_err(|e| TestCaseError::fail(format!("{q}: {e}")))?;
        prop_assert_eq!(back.scenario, s);
    }

    #[test]
    fn lb_urls_round_trip(s in lb()) {
        prop_assert!(s.validate().is_ok(), "{:?}", s.validate());
        let q = url::encode(&s);
        let back = url::decode(&q).map_err(|e| TestCaseError::fail(format!("{q}: {e}")))?;
        prop_assert_eq!(back.scenario, s);
    }

    #[test]
    fn arbitrary_queries_never_panic(q in ".{0,200}") {
        let _ = url::decode(&q);
    }

    /// After merging a leader's suffix that follows a matching prefix, the follower holds exactly
    /// the leader's entries up to the end of that suffix (Figure 2, AppendEntries steps 3–4).
    #[test]
    fn merge_makes_the_follower_match_the_leader(
        common in proptest::collection::vec(1..4u64, 0..8),
        leader_tail in proptest::collection::vec(0..3u64, 0..8),
        follower_tail in proptest::collection::vec(0..3u64, 0..8),
        prev_back in 0..8usize,
        take in 0..8usize,
    ) {
        let build = |tail: &[u64], bump: u64| {
            let mut log = Log::default();
            let mut t = 1;
            for &c in &common { t = t.max(c); log.append(Entry { term: t, cmd: Command::Noop }); }
            for (i, &d) in tail.iter().enumerate() {
                t += d;
                log.append(Entry { term: t + bump, cmd: Command::Put { req: i as u64, key: 0, value: bump as u32 } });
            }
            log
        };
        let leader = build(&leader_tail, 10);
        let mut follower = build(&follower_tail, 0);
        let prev = common.len().saturating_sub(prev_back) as u64;
        let entries: Vec<Entry> = leader.slice_from(prev + 1, take);
        follower.merge(prev, &entries);
        let upto = prev + entries.len() as u64;
        prop_assert_eq!(follower.through(upto), leader.through(upto));
    }

    /// Stable storage rebuilt from the writes a log hands over (appends, conflicts, compaction,
    /// a snapshot that discards the log) always equals the live log: persisting deltas loses
    /// nothing.
    #[test]
    fn persisted_deltas_rebuild_the_log(ops in proptest::collection::vec((0..5u8, 0..6u64, 1..4u64), 1..60)) {
        let mut live = Log::default();
        let mut stored = Log::default();
        for (op, a, b) in ops {
            let mut snapshot = None;
            match op {
                0 | 1 => { live.append(Entry { term: live.last_term().max(b), cmd: Command::Noop }); }
                2 => {
                    // A conflicting suffix from a later term.
                    let prev = live.last_index().saturating_sub(a).max(live.offset());
                    let t = live.last_term() + b;
                    live.merge(prev, &[Entry { term: t, cmd: Command::Noop }, Entry { term: t, cmd: Command::Noop }]);
                }
                3 => {
                    let index = live.last_index().saturating_sub(a).max(live.offset());
                    let term = live.term_at(index).unwrap();
                    live.compact(index, term);
                    snapshot = Some((index, term));
                }
                _ => {
                    // A leader's snapshot, matching or not.
                    let index = live.last_index() + a - 2.min(a);
                    let term = if a % 2 == 0 { live.term_at(index).unwrap_or(b) } else { live.last_term() + b };
                    live.install(index, term);
                    snapshot = Some((index, term));
                }
            }
            if let Some((index, term)) = snapshot {
                stored.install(index, term);
            }
            if let Some((from, entries)) = live.take_unstable() {
                stored.overwrite(from, &entries);
            }
            prop_assert_eq!(&stored, &live);
        }
    }
}
