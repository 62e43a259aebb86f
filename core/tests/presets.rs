//! Every preset decodes; healthy presets stay healthy and make progress; bug presets break
//! exactly the invariant they name, and pass once the bug is switched off. The duel preset
//! chooses nothing for 2.5 s without backoff and chooses within 0.5 s with it.

use halab_core::protocol::{Micros, SEC};
use halab_core::scenario::presets::{Preset, PAXOS_PRESETS, RAFT_PRESETS};
use halab_core::scenario::{url, ProtocolKind, Scenario};

/// (violated invariant, writes committed, whether slot 0 was learned)
fn run(s: &Scenario, until: Micros) -> (Option<&'static str>, usize, bool) {
    match s.protocol {
        ProtocolKind::Raft => {
            let mut sim = s.raft_sim();
            sim.run_until(until);
            let done = sim.requests().filter(|r| r.committed.is_some()).count();
            (sim.violation().map(|v| v.invariant), done, false)
        }
        ProtocolKind::Paxos => {
            let mut sim = s.paxos_sim();
            sim.run_until(until);
            let done = sim.requests().filter(|r| r.committed.is_some()).count();
            let learned = sim
                .cluster()
                .nodes
                .iter()
                .filter_map(|n| n.state.as_ref())
                .any(|x| x.learned.contains_key(&0));
            (sim.violation().map(|v| v.invariant), done, learned)
        }
    }
}

fn check(p: &Preset) {
    let s = url::decode(p.query).unwrap_or_else(|e| panic!("{}: {e}", p.id)).scenario;
    let (broken, committed, learned) = run(&s, 8 * SEC);
    assert_eq!(broken, p.breaks, "{}", p.id);
    match p.breaks {
        None => assert!(committed > 0 || learned, "{}: no progress", p.id),
        Some(_) => {
            let mut fixed = s.clone();
            fixed.bugs = Default::default();
            fixed.paxos.bugs = Default::default();
            assert_eq!(run(&fixed, 8 * SEC).0, None, "{} without the bug", p.id);
        }
    }
}

#[test]
fn raft_presets_behave_as_described() {
    RAFT_PRESETS.iter().for_each(check);
}

#[test]
fn paxos_presets_behave_as_described() {
    PAXOS_PRESETS.iter().for_each(check);
}

#[test]
fn the_duel_lasts_without_backoff_and_ends_with_it() {
    let duel = PAXOS_PRESETS.iter().find(|p| p.id == "duel").unwrap();
    let s = url::decode(duel.query).unwrap().scenario;
    assert!(!s.paxos.backoff);
    assert!(!run(&s, 2_500_000).2, "nothing chosen for 2.5 s");
    let mut calm = s.clone();
    calm.paxos.backoff = true;
    assert!(run(&calm, SEC / 2).2, "backoff resolves the duel within 0.5 s");
}
