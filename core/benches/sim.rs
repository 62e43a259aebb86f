//! Simulator throughput under a steady client write load: 5-node Raft and 5-acceptor
//! Multi-Paxos, with and without the invariant checker; and the lock service (6 clients
//! contending) and 2PC / 3PC (7 participants, back-to-back transactions), whose nodes make their
//! own load.
//!
//! `cargo xtask bench` (or `cargo bench -p halab-core --bench sim`). Criterion reports events
//! (simulator steps) per second; the run also prints simulated seconds per wall second.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use halab_core::client::Service;
use halab_core::lock::{Lock, LockChecker, LockConfig};
use halab_core::paxos::invariants::PaxosChecker;
use halab_core::paxos::{Paxos, PaxosConfig};
use halab_core::protocol::{Describe, SEC};
use halab_core::raft::{Raft, RaftChecker, RaftConfig};
use halab_core::sim::{Sim, SimConfig};
use halab_core::txn::{Txn, TxnChecker, TxnConfig, TxnMode};
use std::hint::black_box;
use std::time::Instant;

/// Simulated time per iteration.
const SIMULATED: u64 = 10 * SEC;
const WRITES_PER_SEC: u32 = 100;

fn config() -> SimConfig {
    SimConfig { seed: 9, write_rate: WRITES_PER_SEC, ..SimConfig::default() }
}

fn raft(checked: bool) -> Sim<Raft> {
    let sim = Sim::new(Raft::new(RaftConfig { nodes: 5, ..RaftConfig::default() }), config());
    if checked {
        sim.with_checker(RaftChecker::default())
    } else {
        sim
    }
}

fn paxos(checked: bool) -> Sim<Paxos> {
    let sim =
        Sim::new(Paxos::new(PaxosConfig { nodes: 5, proposers: 2, ..PaxosConfig::default() }), config());
    if checked {
        sim.with_checker(PaxosChecker::default())
    } else {
        sim
    }
}

fn lock(checked: bool) -> Sim<Lock> {
    let sim = Sim::new(
        Lock::new(LockConfig { nodes: 8, ..LockConfig::default() }),
        SimConfig { seed: 9, ..SimConfig::default() },
    );
    if checked {
        sim.with_checker(LockChecker::default())
    } else {
        sim
    }
}

fn txn(mode: TxnMode, checked: bool) -> Sim<Txn> {
    let config = TxnConfig { nodes: 8, mode, ..TxnConfig::default() };
    let sim = Sim::new(Txn::new(config), SimConfig { seed: 9, ..SimConfig::default() });
    if checked {
        sim.with_checker(TxnChecker::default())
    } else {
        sim
    }
}

fn group<P: Service>(c: &mut Criterion, name: &str, make: fn(bool) -> Sim<P>)
where
    P::Msg: Describe,
{
    let mut g = c.benchmark_group(name);
    g.sample_size(20);
    for checked in [false, true] {
        let run = || {
            let mut s = make(checked);
            s.run_until(black_box(SIMULATED));
            s.steps()
        };
        let steps = run();
        let t = Instant::now();
        let runs = 5;
        for _ in 0..runs {
            black_box(run());
        }
        let wall = t.elapsed().as_secs_f64() / runs as f64;
        println!(
            "{name} checked={checked}: {steps} events per run, {:.0} simulated s per wall s, {:.2} M events/s",
            SIMULATED as f64 / SEC as f64 / wall,
            steps as f64 / wall / 1e6
        );
        g.throughput(Throughput::Elements(steps));
        let id = if checked { "with_invariants" } else { "no_invariants" };
        g.bench_function(BenchmarkId::from_parameter(id), |b| b.iter(run));
    }
    g.finish();
}

fn bench(c: &mut Criterion) {
    group(c, "raft5_100w_per_s_10s", raft);
    group(c, "multipaxos5_100w_per_s_10s", paxos);
    group(c, "lock_6_clients_10s", lock);
    group(c, "2pc_7_participants_10s", |checked| txn(TxnMode::TwoPhase, checked));
    group(c, "3pc_7_participants_10s", |checked| txn(TxnMode::ThreePhase, checked));
}

criterion_group!(benches, bench);
criterion_main!(benches);
