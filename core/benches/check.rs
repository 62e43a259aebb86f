//! The exhaustive checker's speed: unique states per second on the configurations its tests
//! pin (issue 16). Each iteration is a whole search, so states/s = unique states / time.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use halab_core::check::{Bounds, Fifo, Order, Search, Verdict, World};
use halab_core::lock::{Lock, LockChecker, LockConfig};
use halab_core::paxos::invariants::PaxosChecker;
use halab_core::paxos::{Mode, Paxos, PaxosConfig};
use halab_core::protocol::MS;
use halab_core::raft::invariants::RaftChecker;
use halab_core::raft::{Raft, RaftConfig};
use halab_core::sim::{Sim, SimConfig};

fn paxos() -> Search<Paxos> {
    let p = Paxos::new(PaxosConfig { nodes: 3, proposers: 2, mode: Mode::Single, ..PaxosConfig::default() });
    Search::boot(
        p,
        PaxosChecker::default(),
        Bounds { depth: 10, timeouts: 2, ..Bounds::default() },
        Order::BreadthFirst,
    )
}

fn raft() -> Search<Raft> {
    let r = Raft::new(RaftConfig { nodes: 3, ..RaftConfig::default() });
    Search::boot(
        r,
        RaftChecker::default(),
        Bounds { depth: 8, timeouts: 2, inputs: 1, ..Bounds::default() },
        Order::BreadthFirst,
    )
}

/// Ordered inboxes, one delay, the partial-order reduction: where Paxos's `forget` is found,
/// searched with the bug (to the violation) and without (to the end).
fn paxos_reduced(forget: bool) -> Search<Paxos> {
    let mut c = PaxosConfig { nodes: 3, proposers: 2, mode: Mode::Single, ..PaxosConfig::default() };
    c.bugs.forget_promise = forget;
    let b = Bounds {
        depth: 40,
        timeouts: 2,
        crashes: 1,
        delays: 1,
        fifo: Fifo::Inbox,
        por: true,
        leader_inputs: true,
        max_states: 2_000_000,
        ..Bounds::default()
    };
    Search::boot(Paxos::new(c), PaxosChecker::default(), b, Order::BreadthFirst)
}

/// Timed mode: the correct lock service (TTL 200 ms, 2 clients) from its first instant, to
/// depth 12 with 6 timer firings and a crash: where the lease bugs are found, searched whole.
fn lock_timed() -> Search<Lock> {
    let c = LockConfig { ttl: 200 * MS, work_min: 50 * MS, work_max: 100 * MS, ..LockConfig::default() };
    let mut sim = Sim::new(Lock::new(c), SimConfig { seed: 1, ..SimConfig::default() })
        .with_checker(LockChecker::default());
    sim.run_until(0);
    let b = Bounds { depth: 12, timeouts: 6, crashes: 1, ..Bounds::default() };
    Search::from(World::from_sim(&sim), b, Order::BreadthFirst)
}

fn unique<P: halab_core::check::Explore>(mut s: Search<P>) -> u64 {
    while *s.run(100_000) == Verdict::Running {}
    s.stats().unique
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("check");
    g.sample_size(10);
    g.throughput(Throughput::Elements(unique(paxos())));
    g.bench_function("paxos single 2x3 depth 10", |b| b.iter(|| unique(paxos())));
    g.throughput(Throughput::Elements(unique(raft())));
    g.bench_function("raft 3 nodes depth 8", |b| b.iter(|| unique(raft())));
    g.throughput(Throughput::Elements(unique(paxos_reduced(true))));
    g.bench_function("paxos forget reduced, to the violation", |b| b.iter(|| unique(paxos_reduced(true))));
    g.throughput(Throughput::Elements(unique(paxos_reduced(false))));
    g.bench_function("paxos correct reduced, crash 1, delay 1", |b| b.iter(|| unique(paxos_reduced(false))));
    g.throughput(Throughput::Elements(unique(lock_timed())));
    g.bench_function("lock timed, ttl 200ms, depth 12, crash 1", |b| b.iter(|| unique(lock_timed())));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
