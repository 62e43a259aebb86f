//! A 21-point availability curve (MTTR axis, 5 nodes, 3 needed) with 10,000 Monte Carlo trials
//! per point: the page's default "versus MTTR" chart, computed to the end.
//!
//! `cargo bench -p halab-core --bench avail`. The same curve is timed in headless Chromium by
//! the page (see BENCHMARKS.md).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use halab_core::reliability::curve::{xs, Curve};
use halab_core::scenario::avail::{AvailScenario, Axis};
use std::hint::black_box;

fn curve(c: &mut Criterion) {
    let s = AvailScenario { axis: Axis::Mttr, trials: 10_000, ..AvailScenario::default() };
    assert_eq!(xs(&s).len(), 21);
    let mut g = c.benchmark_group("avail_curve");
    g.sample_size(10);
    g.throughput(Throughput::Elements(21 * 10_000));
    g.bench_function("mttr_21pts_10k_trials", |b| {
        b.iter(|| {
            let mut curve = Curve::new(black_box(&s));
            curve.finish();
            curve.points.len()
        })
    });
    g.bench_function("analytic_only_21pts", |b| b.iter(|| Curve::new(black_box(&s)).points.len()));
    g.finish();
}

criterion_group!(benches, curve);
criterion_main!(benches);
