//! Golden scenarios, in the spirit of etcd/raft's `testdata/*.txt`: each file under `golden/`
//! starts with a scenario URL query and a stop time, followed by the notes and faults the run
//! produced. A change in behaviour shows as a readable diff. Regenerate after a deliberate
//! change with `HALAB_BLESS=1 cargo test -p halab-core --test golden`.
#![cfg(not(target_arch = "wasm32"))]

use halab_core::client::Service;
use halab_core::protocol::{Describe, Micros};
use halab_core::scenario::{secs, units, url, ProtocolKind};
use halab_core::sim::trace::TraceKind;
use halab_core::sim::Sim;
use std::fmt::Write;
use std::path::Path;

fn render(query: &str, until: &str) -> String {
    let scenario = url::decode(query).unwrap_or_else(|e| panic!("{query}: {e}")).scenario;
    let until = units::parse_duration(until).expect("stop time");
    match scenario.protocol {
        ProtocolKind::Raft => render_sim(scenario.raft_sim(), until),
        ProtocolKind::Paxos => render_sim(scenario.paxos_sim(), until),
        ProtocolKind::Lock => render_sim(scenario.lock_sim(), until),
        ProtocolKind::Txn => render_sim(scenario.txn_sim(), until),
        ProtocolKind::Lb => render_sim(scenario.lb_sim(), until),
    }
}

fn render_sim<P: Service>(mut sim: Sim<P>, until: Micros) -> String
where
    P::Msg: Describe,
{
    let mut out = String::new();
    while sim.next_time().is_some_and(|t| t <= until) {
        let Some(events) = sim.step() else { break };
        for e in events {
            let line = match &e.kind {
                TraceKind::Note { text, .. } => text.english(),
                TraceKind::Fault(f) => format!("fault {f:?}"),
                _ => continue,
            };
            writeln!(out, "{:>9.6}s  {line}", secs(e.time)).unwrap();
        }
    }
    match sim.violation() {
        Some(v) => writeln!(out, "VIOLATION {v}").unwrap(),
        None => writeln!(out, "ok: {} steps, trace hash {:016x}", sim.steps(), sim.trace().hash()).unwrap(),
    }
    out
}

#[test]
fn golden_scenarios() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let bless = std::env::var_os("HALAB_BLESS").is_some();
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    assert!(!files.is_empty());
    let mut failed = Vec::new();
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "txt")) {
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines();
        let query = lines.next().and_then(|l| l.strip_prefix("query ")).expect("first line: query ...");
        let until = lines.next().and_then(|l| l.strip_prefix("until ")).expect("second line: until ...");
        let header = format!("query {query}\nuntil {until}\n");
        let expected: String = text[header.len().min(text.len())..].to_string();
        let actual = render(query, until);
        if actual != expected {
            if bless {
                std::fs::write(path, header + &actual).unwrap();
            } else {
                failed.push(format!("{}:\n--- expected\n{expected}--- actual\n{actual}", path.display()));
            }
        }
    }
    assert!(failed.is_empty(), "golden files differ (HALAB_BLESS=1 to accept):\n{}", failed.join("\n"));
}
