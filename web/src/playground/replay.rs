//! How far a link's `t=` may reach. Opening a link replays the run from t = 0 to `t` (the page
//! advances it in slices with a progress bar, see `Model::replay_slice`). What that costs is
//! counted in *work*: simulator events, each weighted by what an event of its protocol costs
//! ([`event_work`]). The number of events is roughly t × write rate × nodes, plus heartbeats,
//! duplicates and faults ([`events_per_sec`]).
//!
//! A `t=` is checked against an estimate of that work before the replay starts ([`max_t`]); the
//! replay also meters the work it actually does and stops at [`HARD_LIMIT_FACTOR`] × the budget
//! in case the estimate was low (a run whose writes cannot commit retries them ever faster; no
//! formula sees that coming).
//!
//! [`REPLAY_WORK_BUDGET`] is the one constant to re-tune when the simulator gets faster or
//! slower. This assumes an event costs the same late in a long run as early, which `cargo bench
//! -p halab-core --bench growth` checks. Measured figures are in BENCHMARKS.md ("Replaying a
//! link").

use halab_core::paxos::Mode;
use halab_core::protocol::{Micros, SEC};
use halab_core::scenario::{ProtocolKind, Scenario};
use halab_core::sim::fault::Fault;

/// Work a link may ask the page to replay before it pauses at its `t`, in Raft events: the worst
/// allowed link reaches its instant within about 5 s in headless Chromium on this 2-core machine,
/// loaded (about 1 s of that is loading the page; the engine does 0.9–1 M Raft events a second
/// there).
pub const REPLAY_WORK_BUDGET: f64 = 3_000_000.0;

/// The replay stops, whatever the estimate said, after this many times the budget of work.
pub const HARD_LIMIT_FACTOR: f64 = 1.25;

/// The work of one event, relative to a Raft event (measured in Chromium: Paxos events cost
/// 1.5–2 times as much, a commit protocol's about 3 times).
pub fn event_work(kind: ProtocolKind) -> f64 {
    match kind {
        ProtocolKind::Raft | ProtocolKind::Lock => 1.0,
        ProtocolKind::Paxos => 2.0,
        ProtocolKind::Txn => 3.0,
        // Not measured in Chromium yet: assumed like Paxos.
        ProtocolKind::Lb => 2.0,
    }
}

/// Estimated simulator events per simulated second of a scenario (a generous guess: it is
/// calibrated on fault-free runs and rounds up). Duplication multiplies messages, so the largest
/// duplication the scenario ever sets counts.
pub fn events_per_sec(s: &Scenario) -> f64 {
    let n = f64::from(s.nodes.max(1));
    let rate = f64::from(s.write_rate);
    // Measured in steps per simulated second on fault-free runs (1–10 ms latency):
    // Raft 15 nodes 938 idle, 12,138 at 200 writes/s; Paxos 820 and 53,746; lock and txn ~120.
    let per_sec = match s.protocol {
        ProtocolKind::Raft => {
            let beats = SEC as f64 / s.heartbeat.max(1) as f64;
            beats * 3.5 * (n - 1.0).max(1.0) + rate * (4.0 * (n - 1.0) + 4.0)
        }
        ProtocolKind::Paxos => {
            let p = &s.paxos;
            // The leader's heartbeats (50 ms), and in Multi-Paxos each write accepted by every
            // node and learned by every node (n² Accepted messages).
            let mut per_sec = 20.0 * 3.0 * (n - 1.0).max(1.0);
            if p.mode == Mode::Multi {
                per_sec += rate * (n * n + 3.0 * n + 2.0);
            }
            // Single-decree proposers without backoff can duel for good (15 nodes, 5 proposers:
            // 28,000 events per simulated second).
            if p.mode == Mode::Single && !p.backoff && p.proposers > 1 {
                per_sec += 400.0 * f64::from(p.proposers) * n;
            }
            per_sec
        }
        ProtocolKind::Lock => 25.0 * n,
        ProtocolKind::Txn => 12.0 * n,
        // A request is about ten events (arrival, four messages, service, timeouts); health
        // checks, adverts and the controller add a few per node. Closed-loop users issue at
        // most one request per think time each.
        ProtocolKind::Lb => {
            let l = &s.lb;
            let users = f64::from(l.users) * SEC as f64 / l.think.max(1) as f64;
            let rps = if l.users > 0 { users } else { f64::from(l.rps) };
            10.0 * rps + 20.0 * n
        }
    };
    let dup = s
        .faults
        .iter()
        .filter_map(|f| match f.fault {
            Fault::SetDup(p) => Some(p),
            _ => None,
        })
        .chain([s.net.dup_ppm])
        .max()
        .unwrap_or(0);
    per_sec * (1.0 + 1.5 * f64::from(dup) / 1e6)
}

/// Events a scripted fault may add: an election among all nodes, a node catching up, a new
/// Paxos leader proposing again what is still open. (Measured with 200 mixed faults: about 190
/// events each in a 15-node Raft run at 200 writes/s, about 525 in Paxos.)
fn events_per_fault(s: &Scenario) -> f64 {
    let n = f64::from(s.nodes.max(1));
    3.0 * n * n
}

/// How often a client retries a write that finds no leader (the simulator's 20 ms), and the
/// events each retry costs (the submit and its redirect).
const STALLED_RETRIES_PER_SEC: f64 = 50.0;
const EVENTS_PER_RETRY: f64 = 2.0;

/// The first instant from which the scenario may have no leader for long, if any: a round trip
/// that always outlasts the shortest leadership timeout, half the messages lost, a majority crashed, a
/// partition with no majority side, or one-way cuts enough to break one. A conservative reading
/// of the fault script (a `CrashLeader` counts as one more node down, a pause as nothing).
///
/// Without a leader no write commits, so the writes pending grow with time and each is retried
/// every 20 ms: events per simulated second grow linearly and their total quadratically (15
/// nodes at 200 writes/s with 1–2 s latency: 0.2 M events by 5 s, 3.8 M by 20 s).
pub fn may_stall_from(s: &Scenario) -> Option<Micros> {
    if !s.protocol.takes_writes() || s.write_rate == 0 {
        return None;
    }
    let n = usize::from(s.nodes.max(1));
    let quorum = n / 2 + 1;
    let timeout = match s.protocol {
        ProtocolKind::Paxos => halab_core::paxos::PaxosConfig::default().leader_timeout_min,
        _ => s.election_min,
    };
    // Even the fastest round trip outlasts the timeout: no election can finish.
    let slow = |min: Micros| 2 * min >= timeout;
    let lossy = |ppm: u32| ppm >= 500_000;
    if slow(s.net.latency_min) || lossy(s.net.loss_ppm) {
        return Some(0);
    }
    let mut down = std::collections::BTreeSet::new();
    let mut unknown_down = 0usize;
    let mut cuts = 0usize;
    for f in &s.faults {
        // In time order: `Scenario::validate` refuses any other.
        let stalls = match &f.fault {
            Fault::SetLatency(min, _) => slow(*min),
            Fault::SetLoss(ppm) => lossy(*ppm),
            Fault::Crash(x) => {
                down.insert(*x);
                false
            }
            Fault::CrashLeader => {
                unknown_down += 1;
                false
            }
            Fault::Restart(x) => {
                if !down.remove(x) {
                    unknown_down = unknown_down.saturating_sub(1);
                }
                false
            }
            Fault::Partition(groups) => groups.iter().all(|g| g.len() < quorum),
            Fault::Cut(..) => {
                cuts += 1;
                false
            }
            Fault::Mend(..) => {
                cuts = cuts.saturating_sub(1);
                false
            }
            Fault::Heal => {
                cuts = 0;
                false
            }
            _ => false,
        };
        if stalls || down.len() + unknown_down > n - quorum || cuts >= quorum {
            return Some(f.at);
        }
    }
    None
}

/// Estimated events to replay the scenario to `t`.
pub fn events_to(s: &Scenario, t: Micros) -> f64 {
    let faults = s.faults.iter().filter(|f| f.at <= t).count() as f64;
    let mut events = events_per_sec(s) * t as f64 / SEC as f64 + faults * events_per_fault(s);
    if let Some(from) = may_stall_from(s).filter(|&from| from < t) {
        // Writes pending grow as rate × (t − from); each retries 50 times a second.
        let stalled = (t - from) as f64 / SEC as f64;
        events +=
            f64::from(s.write_rate) * STALLED_RETRIES_PER_SEC * EVENTS_PER_RETRY * stalled * stalled / 2.0;
    }
    events
}

/// Estimated work to replay the scenario to `t`.
pub fn work_to(s: &Scenario, t: Micros) -> f64 {
    events_to(s, t) * event_work(s.protocol)
}

/// The latest `t=` this scenario may ask for: within [`REPLAY_WORK_BUDGET`] by the estimate,
/// and at most `cap` (the URL's own limit). Rounded down to whole seconds from 10 s, to tenths
/// below, and never below 1 s.
pub fn max_t(s: &Scenario, cap: Micros) -> Micros {
    if work_to(s, cap) <= REPLAY_WORK_BUDGET {
        return cap;
    }
    // The estimate increases with t: bisect on whole milliseconds.
    let (mut lo, mut hi) = (0, cap / 1_000);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if work_to(s, mid * 1_000) <= REPLAY_WORK_BUDGET {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let t = lo * 1_000;
    let step = if t >= 10 * SEC { SEC } else { SEC / 10 };
    (t - t % step).max(SEC).min(cap)
}

/// The work at which a replay stops even if it has not reached its `t`.
pub fn work_limit() -> f64 {
    REPLAY_WORK_BUDGET * HARD_LIMIT_FACTOR
}

/// What drives the scenario's event rate, for messages: `15 nodes at 200 writes/s`.
pub fn describe_load(s: &Scenario) -> String {
    let mut text = {
        let n = s.nodes;
        let s = if n == 1 { "" } else { "s" };
        trf!("{n} node{s}", "{n} 个节点")
    };
    if s.protocol.takes_writes() {
        let rate = s.write_rate;
        text.push_str(&trf!(" at {rate} writes/s", "，每秒 {rate} 次写入"));
    }
    let d = Scenario::default_for(s.protocol);
    let mut extras = Vec::new();
    if s.protocol == ProtocolKind::Raft && s.heartbeat < d.heartbeat {
        let hb = halab_core::scenario::units::format_duration(s.heartbeat);
        extras.push(trf!("a {hb} heartbeat", "{hb} 的心跳间隔"));
    }
    if s.net.dup_ppm > 0 || s.faults.iter().any(|f| matches!(f.fault, Fault::SetDup(p) if p > 0)) {
        extras.push(tr!("duplication", "消息重复").to_owned());
    }
    if may_stall_from(s).is_some() {
        extras.push(
            tr!("retries piling up while there may be no leader", "可能没有领导者时不断堆积的重试")
                .to_owned(),
        );
    }
    if !extras.is_empty() {
        text.push_str(tr!(" with ", "，并有"));
        text.push_str(&extras.join(tr!(" and ", "和")));
    }
    text
}

/// Seconds for messages: `12.5 s`, `0.25 s`, `3600 s` (at most three decimals).
pub fn secs(us: Micros) -> String {
    let text = format!("{:.3}", us as f64 / SEC as f64);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} s")
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use halab_core::scenario::url;

    fn scenario(q: &str) -> Scenario {
        url::decode(q).map(|d| d.scenario).unwrap_or_else(|e| panic!("{q}: {e}"))
    }

    #[test]
    fn the_estimate_covers_measured_runs() {
        // (query, steps per simulated second measured over 10 s, native, seed 1)
        for (q, measured) in [
            ("p=raft&n=5", 287.0),
            ("p=raft&n=15", 938.0),
            ("p=raft&n=15&rate=200", 12_138.0),
            ("p=raft&n=5&rate=200", 4_111.0),
            ("p=raft&n=3&rate=200", 2_462.0),
            ("p=raft&n=1&rate=200", 648.0),
            ("p=raft&n=15&hb=1ms&el=10ms-20ms", 42_486.0),
            ("p=raft&n=15&rate=200&dup=1", 29_532.0),
            ("p=paxos&n=5", 200.0),
            ("p=paxos&n=15", 820.0),
            ("p=paxos&n=15&rate=200", 53_746.0),
            ("p=paxos&n=5&rate=200", 7_666.0),
            ("p=paxos&n=3&rate=200", 3_562.0),
            ("p=paxos&n=1&rate=200", 1_122.0),
            ("p=paxos&n=15&rate=200&mode=single", 624.0),
            ("p=paxos&n=15&mode=single&proposers=5&backoff=0", 28_044.0),
            ("p=paxos&n=15&mode=single&proposers=3&backoff=0", 13_000.0),
            ("p=lock&n=8", 122.0),
            ("p=lock&n=8&lat=0ms-0ms&work=1us-1us&ttl=50ms", 202.0),
            ("p=txn&n=8", 87.0),
            ("p=txn&n=8&mode=3pc&lat=0ms-0ms&timeout=10ms&dup=1", 110.0),
        ] {
            let est = events_per_sec(&scenario(q));
            assert!(
                est >= measured * 0.9 && est <= measured * 2.5,
                "{q}: estimated {est}, measured {measured}"
            );
        }
    }

    #[test]
    fn light_scenarios_keep_the_full_hour_and_heavy_ones_get_less() {
        let hour = 3_600 * SEC;
        assert_eq!(max_t(&scenario("p=lock&n=8"), hour), hour);
        assert_eq!(max_t(&scenario("p=txn&n=8"), hour), hour);
        let heavy = scenario("p=raft&n=15&rate=200");
        let t = max_t(&heavy, hour);
        assert!(t < hour && t >= SEC && t.is_multiple_of(SEC), "{t}");
        assert!(work_to(&heavy, t) <= REPLAY_WORK_BUDGET);
        assert!(work_to(&heavy, t + SEC) > REPLAY_WORK_BUDGET);
        // Worse and worse: more nodes, more writes, duplication.
        let paxos = max_t(&scenario("p=paxos&n=15&rate=200"), hour);
        assert!(paxos < t, "{paxos} vs {t}");
        let dup = max_t(&scenario("p=paxos&n=15&rate=200&dup=1"), hour);
        assert!(dup < paxos && dup >= SEC, "{dup}");
        assert_eq!(max_t(&heavy, 2 * SEC), 2 * SEC, "a cap below the estimate wins");
    }

    #[test]
    fn a_scenario_that_may_lose_its_leader_is_held_to_its_retry_storm() {
        let hour = 3_600 * SEC;
        // Measured (native, seed 1, 15 nodes at 200 writes/s, 1–2 s latency, no leader ever):
        // 3,846,964 events by 20 s, Raft and Paxos alike.
        for q in ["p=raft&n=15&rate=200&lat=1s-2s", "p=paxos&n=15&rate=200&lat=1s-2s"] {
            let s = scenario(q);
            assert_eq!(may_stall_from(&s), Some(0), "{q}");
            let est = events_to(&s, 20 * SEC);
            assert!((3_846_964.0..3_846_964.0 * 1.5).contains(&est), "{q}: {est}");
            let t = max_t(&s, hour);
            assert!(work_to(&s, t) <= REPLAY_WORK_BUDGET && t < 20 * SEC, "{q}: {t}");
        }
        let crash = scenario(
            "p=raft&n=5&rate=200&faults=crash:1@10s,crash:2@11s,restart:1@12s,crash:3@15s,crash:4@20s",
        );
        assert_eq!(may_stall_from(&crash), Some(20 * SEC), "three of five down at 20 s");
        let leader = scenario("p=raft&n=3&rate=200&faults=crash:1@1s,crash:leader@2s");
        assert_eq!(may_stall_from(&leader), Some(2 * SEC));
        let split = scenario("p=raft&n=5&rate=200&faults=part:0.1/2.3@5s,heal@6s,part:0.1.2/3.4@7s");
        assert_eq!(may_stall_from(&split), Some(5 * SEC), "a 2/2/1 split has no majority");
        // Healthy runs, and faults that keep a majority, are not held back.
        for q in [
            "p=raft&n=15&rate=200",
            "p=raft&n=5&rate=200&faults=crash:1@1s,restart:1@2s,crash:2@3s,part:0.1/2.3.4@4s",
            "p=lock&n=8&lat=1s-2s",
        ] {
            assert_eq!(may_stall_from(&scenario(q)), None, "{q}");
        }
    }

    #[test]
    fn texts_read_well() {
        assert_eq!(secs(12_500_000), "12.5 s");
        assert_eq!(secs(3_600 * SEC), "3600 s");
        assert_eq!(secs(1_234), "0.001 s");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(250), "250");
        assert_eq!(describe_load(&scenario("p=raft&n=15&rate=200")), "15 nodes at 200 writes/s");
        assert_eq!(
            describe_load(&scenario("p=raft&n=3&hb=1ms&el=10ms-20ms&dup=0.5")),
            "3 nodes at 2 writes/s with a 1ms heartbeat and duplication"
        );
        assert_eq!(describe_load(&scenario("p=lock&n=8")), "8 nodes");
        assert_eq!(
            describe_load(&scenario("p=paxos&n=15&rate=200&lat=1s-2s")),
            "15 nodes at 200 writes/s with retries piling up while there may be no leader"
        );
        assert_eq!(describe_load(&scenario("p=paxos&n=1&rate=200&proposers=1")), "1 node at 200 writes/s");
    }
}
