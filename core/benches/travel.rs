//! Time travel's cost (issue 14): a 10-minute run of each simulated protocol, checker on, with
//! checkpoints taken the way the page takes them (once per frame of simulated time), then
//! landings on instants spread over the run. Issue 14 asks for at most 50 ms per landing in
//! Chromium; this is the native figure beside the run's own cost and the checkpoints' overhead.
//!
//! `cargo bench -p halab-core --bench travel` runs criterion on Raft's landings, then prints the
//! table; `HALAB_TRAVEL_QUICK=1` prints only the table.

use criterion::Criterion;
use halab_core::client::Service;
use halab_core::protocol::{Describe, Micros, MS, SEC};
use halab_core::scenario::{url, Scenario};
use halab_core::sim::travel::Checkpoints;
use halab_core::sim::Sim;
use std::hint::black_box;
use std::time::{Duration, Instant};

const RUN: Micros = 600 * SEC;
/// Simulated time per page frame at 100× (16.7 ms of wall time).
const FRAME: Micros = 1_667 * MS;
const LANDINGS: u64 = 40;

/// The busiest settings each page allows, with a fault or two.
const QUERIES: &[(&str, &str)] = &[
    ("raft", "p=raft&n=5&seed=1&rate=200&faults=crash:1@100s,restart:1@130s"),
    ("paxos", "p=paxos&n=5&seed=1&rate=200&faults=crash:1@100s,restart:1@130s"),
    ("lock", "p=lock&n=5&seed=1&faults=crash:1@100s,restart:1@130s"),
    ("txn", "p=txn&n=5&seed=1&faults=crash:1@100s,restart:1@130s"),
    ("lb", "p=lb&n=10&seed=1&rps=1000&hc=1&eject=1&faults=crash:4@100s,restart:4@130s"),
];

fn scenario(q: &str) -> Scenario {
    url::decode(q).expect("bench query decodes").scenario
}

/// The run to `RUN` (page frames at 100×) with or without checkpoints.
fn run<P: Service>(mut sim: Sim<P>, checkpoints: bool) -> (Sim<P>, Option<Checkpoints<P>>)
where
    P::Msg: Describe,
{
    let mut cps = checkpoints.then(|| Checkpoints::new(&sim));
    while sim.now() < RUN {
        sim.run_until((sim.now() + FRAME).min(RUN));
        if let Some(c) = &mut cps {
            c.observe(&sim);
        }
    }
    (sim, cps)
}

struct Row {
    name: &'static str,
    steps: u64,
    /// Resident memory the checkpoints added, KiB (Linux; 0 elsewhere).
    memory: u64,
    run: Duration,
    with_checkpoints: Duration,
    kept: usize,
    every: u64,
    mean: Duration,
    worst: Duration,
    clone: Duration,
}

fn measure<P: Service>(name: &'static str, make: impl Fn() -> Sim<P>) -> Row
where
    P::Msg: Describe,
{
    let t = Instant::now();
    let (plain, _) = run(make(), false);
    let run_time = t.elapsed();
    let t = Instant::now();
    for _ in 0..10 {
        black_box(plain.clone());
    }
    let clone = t.elapsed() / 10;
    let steps = plain.steps();
    drop(plain);
    let before = rss_kib();
    let t = Instant::now();
    let (_, cps) = run(make(), true);
    let with_checkpoints = t.elapsed();
    let cps = cps.expect("taken");
    let memory = rss_kib().saturating_sub(before);
    let mut total = Duration::ZERO;
    let mut worst = Duration::ZERO;
    for k in 0..LANDINGS {
        // Spread over the run, off the checkpoints' instants.
        let at = RUN * (2 * k + 1) / (2 * LANDINGS) + 777;
        let t = Instant::now();
        black_box(cps.at_time(at).steps());
        let d = t.elapsed();
        total += d;
        worst = worst.max(d);
    }
    Row {
        name,
        steps,
        memory,
        run: run_time,
        with_checkpoints,
        kept: cps.len(),
        every: cps.every(),
        mean: total / LANDINGS as u32,
        worst,
        clone,
    }
}

/// The process's resident set in KiB, from /proc (0 where there is none).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

fn main() {
    let quick = std::env::var("HALAB_TRAVEL_QUICK").is_ok_and(|v| v != "0");
    if !quick {
        let raft = scenario(QUERIES[0].1);
        let (_, cps) = run(raft.raft_sim(), true);
        let cps = cps.expect("taken");
        let mut c = Criterion::default().configure_from_args();
        let mut g = c.benchmark_group("travel");
        g.sample_size(20).measurement_time(Duration::from_secs(5));
        let mut k = 0;
        g.bench_function("raft_600s_land", |b| {
            b.iter(|| {
                k = (k + 7) % LANDINGS;
                black_box(cps.at_time(RUN * k / LANDINGS + 777).steps())
            })
        });
        g.finish();
        c.final_summary();
    }
    let rows = [
        measure(QUERIES[0].0, || scenario(QUERIES[0].1).raft_sim()),
        measure(QUERIES[1].0, || scenario(QUERIES[1].1).paxos_sim()),
        measure(QUERIES[2].0, || scenario(QUERIES[2].1).lock_sim()),
        measure(QUERIES[3].0, || scenario(QUERIES[3].1).txn_sim()),
        measure(QUERIES[4].0, || scenario(QUERIES[4].1).lb_sim()),
    ];
    println!("\ntime travel over a {} s run, checker on, checkpoints once per 100x frame", RUN / SEC);
    println!(
        "{:<6} {:>10} {:>9} {:>10} {:>9} {:>6} {:>8} {:>10} {:>10} {:>10} {:>9}",
        "page",
        "steps",
        "run",
        "+ckpts",
        "overhead",
        "kept",
        "every",
        "land mean",
        "land max",
        "one clone",
        "memory"
    );
    for r in rows {
        println!(
            "{:<6} {:>10} {:>8.2}s {:>9.2}s {:>8.1}% {:>6} {:>8} {:>8.2}ms {:>8.2}ms {:>8.2}ms {:>6.1}MiB",
            r.name,
            r.steps,
            r.run.as_secs_f64(),
            r.with_checkpoints.as_secs_f64(),
            (r.with_checkpoints.as_secs_f64() / r.run.as_secs_f64() - 1.0) * 100.0,
            r.kept,
            r.every,
            r.mean.as_secs_f64() * 1e3,
            r.worst.as_secs_f64() * 1e3,
            r.clone.as_secs_f64() * 1e3,
            r.memory as f64 / 1024.0,
        );
    }
}
