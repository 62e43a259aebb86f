//! The service lab's queueing against textbook results. Each figure is a mean over a long run,
//! judged within four standard errors estimated by batch means (20 batches of 100 simulated
//! seconds: a batch is far longer than these queues' relaxation times, so batches are nearly
//! independent), and each standard error must itself be small for the comparison to mean much.

use halab_core::lb::client::ClientState;
use halab_core::lb::{Algorithm, Arrivals, Backend, Lb, LbChecker, LbConfig, LbState, CLIENTS};
use halab_core::protocol::{Delay, MS, SEC};
use halab_core::sim::network::NetConfig;
use halab_core::sim::{Sim, SimConfig};

const BATCHES: u64 = 20;
const BATCH: u64 = 100 * SEC;

/// Mean response time in ms and its standard error, by batch means.
fn mean_response(config: LbConfig) -> (f64, f64) {
    let net = NetConfig { latency_min: 0, latency_max: 0, ..NetConfig::default() };
    let mut sim = Sim::new(Lb::new(config), SimConfig { seed: 11, net, ..SimConfig::default() })
        .with_checker(LbChecker::default());
    let clients = |sim: &Sim<Lb>| -> ClientState {
        match sim.cluster().state(CLIENTS) {
            Some(LbState::Clients(c)) => c.clone(),
            _ => panic!("clients are up"),
        }
    };
    // Warm up, then batches.
    sim.run_until(10 * SEC);
    let (mut sum, mut count) = {
        let c = clients(&sim);
        (c.stats.latency.sum(), c.stats.latency.count())
    };
    let mut means = Vec::new();
    for b in 1..=BATCHES {
        sim.run_until(10 * SEC + b * BATCH);
        assert!(sim.violation().is_none(), "{}", sim.violation().unwrap());
        let c = clients(&sim);
        assert_eq!(c.stats.errors + c.stats.timeouts, 0, "nothing fails in these runs");
        let (s, n) = (c.stats.latency.sum(), c.stats.latency.count());
        means.push((s - sum) as f64 / (n - count) as f64 / 1_000.0);
        (sum, count) = (s, n);
    }
    let m = means.iter().sum::<f64>() / means.len() as f64;
    let var = means.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (means.len() - 1) as f64;
    (m, (var / means.len() as f64).sqrt())
}

fn assert_near(what: &str, (got, se): (f64, f64), want: f64) {
    assert!(se < 0.03 * want, "{what}: standard error {se:.3} ms is too large to judge");
    assert!(
        (got - want).abs() < 4.0 * se,
        "{what}: {got:.3} ms, theory {want:.3} ms (standard error {se:.3})"
    );
}

fn pool(n: usize, workers: u16, algorithm: Algorithm, per_sec: u32) -> LbConfig {
    let backend = Backend {
        workers,
        queue: 10_000,
        service: Delay::Exponential { mean: 10 * MS },
        ..Backend::default()
    };
    LbConfig {
        arrivals: Arrivals::Open { per_sec },
        timeout: 600 * SEC,
        backends: vec![backend; n],
        algorithm,
        ..LbConfig::default()
    }
}

/// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load `a`.
fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / f64::from(k);
        sum += term;
    }
    let last = term * a / f64::from(c) * f64::from(c) / (f64::from(c) - a);
    last / (sum + last)
}

#[test]
fn one_server_is_an_m_m_1_queue() {
    // λ = 70/s, μ = 100/s: W = 1/(μ − λ) = 33.3 ms.
    assert_near("M/M/1", mean_response(pool(1, 1, Algorithm::RoundRobin, 70)), 1_000.0 / 30.0);
}

#[test]
fn one_server_with_four_workers_is_an_m_m_c_queue() {
    // λ = 300/s, μ = 100/s per worker, c = 4: W = C(4, 3)/(cμ − λ) + 1/μ.
    let want = erlang_c(4, 3.0) / (400.0 - 300.0) * 1_000.0 + 10.0;
    assert!((want - 15.094).abs() < 0.01, "{want}");
    assert_near("M/M/4", mean_response(pool(1, 4, Algorithm::RoundRobin, 300)), want);
}

#[test]
fn random_routing_splits_a_poisson_stream_into_m_m_1_queues() {
    // Four servers at 70/s each, 33.3 ms as for one M/M/1.
    assert_near("random", mean_response(pool(4, 1, Algorithm::Random, 280)), 1_000.0 / 30.0);
}

#[test]
fn round_robin_gives_each_server_erlang_arrivals() {
    // E4/M/1 (a GI/M/1 queue): W = 1/(μ(1 − σ)), σ the root in (0, 1) of
    // σ = A*(μ(1 − σ)), A*(s) = (4λ/(4λ + s))⁴ with λ = 70/s per server.
    let (lambda, mu) = (70.0, 100.0);
    let mut sigma: f64 = 0.5;
    for _ in 0..200 {
        sigma = (4.0 * lambda / (4.0 * lambda + mu * (1.0 - sigma))).powi(4);
    }
    let want = 1_000.0 / (mu * (1.0 - sigma));
    assert!(want < 1_000.0 / 30.0, "less waiting than random routing: {want}");
    assert_near("E4/M/1", mean_response(pool(4, 1, Algorithm::RoundRobin, 280)), want);
}

#[test]
fn two_choices_beat_random_at_high_load() {
    // Ten servers at ρ = 0.9: random routing waits 1/(μ − λ) = 100 ms; two choices of the
    // less loaded cut the tail of queue lengths from geometric to doubly exponential.
    let random = mean_response(pool(10, 1, Algorithm::Random, 900));
    assert_near("random at 0.9", random, 100.0);
    let two = mean_response(pool(10, 1, Algorithm::PowerOfChoices { choices: 2 }, 900));
    assert!(two.0 * 2.5 < random.0, "two choices {:.1} ms vs random {:.1} ms", two.0, random.0);
}
