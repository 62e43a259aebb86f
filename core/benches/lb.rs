//! The service lab's throughput: simulated requests per wall second for a 10-backend pool (8
//! workers each, 10 ms exponential service, power of two choices) under an open Poisson load
//! of 5,000 requests per simulated second, for 10 and 100 simulated seconds (the second shows
//! whether the cost per request grows with the run), with and without `LbChecker`. Issue 13's
//! goal is at least 500,000 requests per wall second.
//!
//! `cargo bench -p halab-core --bench lb` prints a table after criterion's figures;
//! `HALAB_LB_QUICK=1` prints only the table.

use criterion::{BenchmarkId, Criterion, Throughput};
use halab_core::lb::*;
use halab_core::protocol::{Delay, MS, SEC};
use halab_core::sim::network::NetConfig;
use halab_core::sim::{Sim, SimConfig};
use std::hint::black_box;
use std::time::{Duration, Instant};

const RATE: u32 = 5_000;

fn sim(checked: bool) -> Sim<Lb> {
    let backend = Backend {
        workers: 8,
        queue: 256,
        service: Delay::Exponential { mean: 10 * MS },
        ..Backend::default()
    };
    let config = LbConfig {
        arrivals: Arrivals::Open { per_sec: RATE },
        backends: vec![backend; 10],
        algorithm: Algorithm::PowerOfChoices { choices: 2 },
        ..LbConfig::default()
    };
    let net = NetConfig { latency_min: 100, latency_max: 500, ..NetConfig::default() };
    let sim = Sim::new(Lb::new(config), SimConfig { seed: 1, net, ..SimConfig::default() });
    if checked {
        sim.with_checker(LbChecker::default())
    } else {
        sim
    }
}

/// Requests issued in `secs` simulated seconds.
fn run(secs: u64, checked: bool) -> u64 {
    let mut s = sim(checked);
    s.run_until(secs * SEC);
    match s.cluster().state(CLIENTS) {
        Some(LbState::Clients(c)) => c.stats.issued,
        _ => 0,
    }
}

fn main() {
    let quick = std::env::var("HALAB_LB_QUICK").is_ok_and(|v| v != "0");
    if !quick {
        let mut c = Criterion::default().configure_from_args();
        let mut g = c.benchmark_group("lb_pool10");
        g.sample_size(10).measurement_time(Duration::from_secs(5));
        g.throughput(Throughput::Elements(10 * u64::from(RATE)));
        for checked in [false, true] {
            let id = BenchmarkId::from_parameter(if checked { "checked" } else { "unchecked" });
            g.bench_function(id, |b| b.iter(|| black_box(run(10, checked))));
        }
        g.finish();
        c.final_summary();
    }
    println!("\n| checker | simulated | requests | wall | requests / s |\n|---|---|---|---|---|");
    for checked in [false, true] {
        for secs in [10, 100] {
            let mut best = f64::INFINITY;
            let mut n = 0;
            let start = Instant::now();
            while best.is_infinite() || start.elapsed() < Duration::from_secs(2) {
                let t = Instant::now();
                n = black_box(run(secs, checked));
                best = best.min(t.elapsed().as_secs_f64());
            }
            println!(
                "| {} | {secs} s | {n} | {:.0} ms | {:.0} k |",
                if checked { "on" } else { "off" },
                best * 1e3,
                n as f64 / best / 1e3
            );
        }
    }
}
