//! Every preset decodes; healthy presets stay healthy with a leader and committed writes; bug
//! presets break exactly the invariant they name, and pass once the bug is switched off.

use halab_core::protocol::SEC;
use halab_core::raft::Bugs;
use halab_core::scenario::presets::RAFT_PRESETS;
use halab_core::scenario::url;

#[test]
fn presets_behave_as_described() {
    for p in RAFT_PRESETS {
        let s = url::decode(p.query).unwrap_or_else(|e| panic!("{}: {e}", p.id)).scenario;
        let mut sim = s.raft_sim();
        sim.run_until(8 * SEC);
        match (p.breaks, sim.violation()) {
            (None, None) => {
                let committed = sim.requests().filter(|r| r.committed.is_some()).count();
                assert!(committed > 0, "{}: nothing committed", p.id);
            }
            (Some(inv), Some(v)) => {
                assert_eq!(v.invariant, inv, "{}", p.id);
                let mut fixed = s.clone();
                fixed.bugs = Bugs::default();
                let mut sim = fixed.raft_sim();
                sim.run_until(8 * SEC);
                assert!(sim.violation().is_none(), "{} without the bug: {}", p.id, sim.violation().unwrap());
            }
            (want, got) => panic!("{}: expected {want:?}, got {:?}", p.id, got.map(|v| v.to_string())),
        }
    }
}
