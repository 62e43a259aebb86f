//! Simulator throughput on a 5-node Raft cluster under a steady client write load.
//!
//! `cargo xtask bench` (or `cargo bench -p halab-core --bench sim`). Criterion reports events
//! (simulator steps) per second; the run also prints simulated seconds per wall second.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use halab_core::protocol::SEC;
use halab_core::raft::{Raft, RaftChecker, RaftConfig};
use halab_core::sim::{Sim, SimConfig};
use std::hint::black_box;
use std::time::Instant;

/// Simulated time per iteration.
const SIMULATED: u64 = 10 * SEC;
const WRITES_PER_SEC: u32 = 100;

fn sim(checked: bool) -> Sim<Raft> {
    let raft = Raft::new(RaftConfig { nodes: 5, ..RaftConfig::default() });
    let config = SimConfig { seed: 9, write_rate: WRITES_PER_SEC, ..SimConfig::default() };
    let sim = Sim::new(raft, config);
    if checked {
        sim.with_checker(RaftChecker::default())
    } else {
        sim
    }
}

fn steps_per_run(checked: bool) -> u64 {
    let mut s = sim(checked);
    s.run_until(SIMULATED);
    s.steps()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("raft5_100w_per_s_10s");
    g.sample_size(20);
    for checked in [false, true] {
        let steps = steps_per_run(checked);
        let t = Instant::now();
        let runs = 5;
        for _ in 0..runs {
            black_box(steps_per_run(checked));
        }
        let wall = t.elapsed().as_secs_f64() / runs as f64;
        println!(
            "checked={checked}: {steps} events per run, {:.0} simulated s per wall s, {:.2} M events/s",
            SIMULATED as f64 / SEC as f64 / wall,
            steps as f64 / wall / 1e6
        );
        g.throughput(Throughput::Elements(steps));
        let id = if checked { "with_invariants" } else { "no_invariants" };
        g.bench_function(BenchmarkId::from_parameter(id), |b| {
            b.iter(|| {
                let mut s = sim(checked);
                s.run_until(black_box(SIMULATED));
                s.steps()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
