//! Textbook values and cross-checks between the models.

use super::analytic::{component, k_of_n, parallel, reliability, series};
use super::ctmc::BirthDeath;
use super::monte_carlo::{Lifetime, McConfig, MonteCarlo};
use super::nines::{downtime, from_nines, nines, required_mttr, HOURS_PER_YEAR};
use super::Avail;

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(f64::MIN_POSITIVE)
}

#[test]
fn textbook_quorums() {
    // 3-of-5 at A = 0.99: U = C(5,0)q⁵ + C(5,1)pq⁴ + C(5,2)p²q³ with q = 0.01.
    let q: f64 = 0.01;
    let p = 1.0 - q;
    let u = q.powi(5) + 5.0 * p * q.powi(4) + 10.0 * p * p * q.powi(3);
    let got = k_of_n(5, 3, Avail::new(p, q));
    assert!((got.down - u).abs() < 1e-9 && close(got.down, u, 1e-12), "{got:?} vs {u}");
    assert!((got.up - 0.999_990_149_4).abs() < 1e-9, "{got:?}");
    // 2-of-3 at A = 0.999: U = q³ + 3pq² = 2.998e-6.
    let got = k_of_n(3, 2, Avail::new(0.999, 0.001));
    assert!(close(got.down, 2.998e-6, 1e-12), "{got:?}");
    // 1-of-2 is parallel, 2-of-2 is series.
    let c = component(1000.0, 10.0);
    assert!(close(k_of_n(2, 1, c).down, parallel(&[c, c]).down, 1e-12));
    assert!(close(k_of_n(2, 2, c).down, series(&[c, c]).down, 1e-12));
}

#[test]
fn large_clusters_near_one_keep_their_precision() {
    // 51-of-101 at A = 0.999999: the down tail is ~C(101,51)·q⁵¹, about 1e-277: far below what
    // 1 − A could show, still exact in log space.
    let got = k_of_n(101, 51, Avail::new(1.0 - 1e-6, 1e-6));
    assert!(got.up == 1.0 && got.down > 0.0 && got.down < 1e-250, "{got:?}");
    // The ratio of consecutive terms checks the sum: C(101,50)/C(101,51) · q/p… compare to a
    // direct u128 evaluation of the dominant term instead.
    let dominant =
        super::analytic::ln_binomial(101, 50) + 51.0 * (1e-6f64).ln() + 50.0 * (1.0 - 1e-6f64).ln();
    assert!(close(got.down.ln(), dominant, 1e-6), "{} vs {}", got.down.ln(), dominant);
    // Symmetry: P(≥k up | p) = P(≤ n−k down) = 1 − P(≥ n−k+1 up | q).
    for (n, k, a) in [(7u32, 4u32, 0.93), (101, 51, 0.6), (20, 3, 0.1)] {
        let x = k_of_n(n, k, Avail::from_up(a));
        let y = k_of_n(n, n - k + 1, Avail::from_up(1.0 - a));
        assert!(close(x.up, y.down, 1e-12) && close(x.down, y.up, 1e-12), "{n} {k} {a}");
        assert!((x.up + x.down - 1.0).abs() < 1e-12);
    }
}

#[test]
fn components_series_parallel_and_reliability() {
    let c = component(999.0, 1.0);
    assert_eq!((c.up, c.down), (0.999, 0.001));
    assert!((reliability(1000.0, 1.0 / 1000.0) - (-1.0f64).exp()).abs() < 1e-15, "R(MTBF) = 1/e");
    let s = series(&[c, c, c]);
    assert!(close(s.down, 1.0 - 0.999f64.powi(3), 1e-12));
    let p = parallel(&[c, c, c]);
    assert!(close(p.down, 1e-9, 1e-12));
}

#[test]
fn the_chain_with_a_crew_per_node_is_the_binomial() {
    for (n, k, mtbf, mttr) in
        [(5u32, 3u32, 1000.0, 10.0), (3, 2, 100.0, 1.0), (101, 51, 500.0, 50.0), (9, 1, 10.0, 30.0)]
    {
        let chain = BirthDeath::new(n, mtbf, mttr, n).at_least_up(k);
        let binom = k_of_n(n, k, component(mtbf, mttr));
        assert!(close(chain.down, binom.down, 1e-11), "n={n} k={k}: {chain:?} vs {binom:?}");
        let pi = BirthDeath::new(n, mtbf, mttr, n).steady_state();
        assert!((pi.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
    // Fewer crews: repairs queue, more downtime.
    let one = BirthDeath::new(5, 1000.0, 10.0, 1).at_least_up(3);
    let five = BirthDeath::new(5, 1000.0, 10.0, 5).at_least_up(3);
    assert!(one.down > five.down);
}

#[test]
fn mean_time_to_quorum_loss() {
    // One node, k = 1: the first failure, 1/λ.
    assert!(close(BirthDeath::new(1, 100.0, 1.0, 1).mean_time_to_quorum_loss(1), 100.0, 1e-12));
    // Two nodes, both needed: 1/(2λ).
    assert!(close(BirthDeath::new(2, 100.0, 1.0, 2).mean_time_to_quorum_loss(2), 50.0, 1e-12));
    // Two nodes, one needed (1-of-2 with repair): (3λ + μ)/(2λ²), the textbook parallel MTTF.
    let (l, m) = (1.0 / 100.0, 1.0 / 5.0);
    let want = (3.0 * l + m) / (2.0 * l * l);
    assert!(close(BirthDeath::new(2, 100.0, 5.0, 2).mean_time_to_quorum_loss(1), want, 1e-12));
}

#[test]
fn nines_and_downtime() {
    let three = from_nines(3.0);
    assert!(close(three.down, 1e-3, 1e-12));
    assert!(close(nines(Avail::new(0.99999, 1e-5)), 5.0, 1e-12));
    let d = downtime(three);
    assert!(close(d.per_year, 8.766, 1e-12), "{d:?}");
    assert!(close(d.per_month * 12.0, d.per_year, 1e-12));
    assert!(close(HOURS_PER_YEAR, 8766.0, 1e-15));
}

#[test]
fn the_required_mttr_reaches_the_target_and_no_more() {
    let (n, k, mtbf) = (5, 3, 1000.0);
    let mttr = required_mttr(n, k, n, mtbf, 6.0).expect("reachable");
    let at = nines(BirthDeath::new(n, mtbf, mttr, n).at_least_up(k));
    assert!((at - 6.0).abs() < 1e-6, "{mttr} h gives {at} nines");
    assert!(nines(BirthDeath::new(n, mtbf, mttr * 1.01, n).at_least_up(k)) < 6.0);
    assert_eq!(required_mttr(1, 1, 1, 1.0, 9.0), None, "one node with MTBF 1 h never reaches 9 nines");
}

fn mc(n: u32, k: u32, mtbf: f64, mttr: f64, seed: u64) -> MonteCarlo {
    MonteCarlo::new(McConfig {
        n,
        k,
        mtbf,
        mttr,
        failures: Lifetime::Exponential,
        repairs: Lifetime::Exponential,
        crews: n,
        horizon: 10.0 * (mtbf + mttr),
        seed,
        domains: None,
        sla_down: 1.0,
    })
}

#[test]
fn monte_carlo_agrees_with_the_formula_within_its_interval() {
    for (i, (n, k, mtbf, mttr)) in [
        (3u32, 2u32, 10.0, 1.0),
        (5, 3, 10.0, 2.0),
        (5, 3, 4.0, 1.0),
        (7, 4, 20.0, 5.0),
        (1, 1, 9.0, 1.0),
        (9, 5, 3.0, 1.0),
    ]
    .into_iter()
    .enumerate()
    {
        let mut m = mc(n, k, mtbf, mttr, 100 + i as u64);
        m.run(4_000);
        let e = m.estimate();
        let want = k_of_n(n, k, component(mtbf, mttr)).up;
        assert!(
            e.contains(want),
            "n={n} k={k}: {:.5} in [{:.5}, {:.5}] misses {want:.5}",
            e.mean,
            e.low(),
            e.high()
        );
        assert!(e.high() - e.low() < 0.04, "{e:?}");
    }
}

#[test]
fn monte_carlo_with_few_crews_agrees_with_the_chain() {
    for (i, (n, k, crews, mtbf, mttr)) in
        [(5u32, 3u32, 1u32, 10.0, 2.0), (7, 4, 2, 6.0, 2.0)].into_iter().enumerate()
    {
        let mut m = MonteCarlo::new(McConfig { crews, ..*mc(n, k, mtbf, mttr, 40 + i as u64).config() });
        m.run(4_000);
        let e = m.estimate();
        let want = BirthDeath::new(n, mtbf, mttr, crews).at_least_up(k).up;
        assert!(
            e.contains(want),
            "n={n} k={k} r={crews}: {:.5} in [{:.5}, {:.5}] misses {want:.5}",
            e.mean,
            e.low(),
            e.high()
        );
        assert!(!e.contains(k_of_n(n, k, component(mtbf, mttr)).up), "the test must tell crews apart");
    }
}

#[test]
fn chunking_does_not_change_the_estimate() {
    let mut a = mc(5, 3, 10.0, 2.0, 7);
    a.run(1_000);
    let mut b = mc(5, 3, 10.0, 2.0, 7);
    for _ in 0..10 {
        b.run(100);
    }
    assert_eq!(a.estimate(), b.estimate());
}

#[test]
fn weibull_wear_out_with_the_same_means_gives_the_same_steady_state() {
    // Availability of an alternating renewal process depends only on the means.
    let mut m = MonteCarlo::new(McConfig {
        n: 3,
        k: 2,
        mtbf: 10.0,
        mttr: 1.0,
        failures: Lifetime::Weibull { shape: 3.0 },
        repairs: Lifetime::Weibull { shape: 2.0 },
        crews: 3,
        horizon: 200.0,
        seed: 5,
        domains: None,
        sla_down: 1.0,
    });
    m.run(2_000);
    let want = k_of_n(3, 2, component(10.0, 1.0));
    let e = m.estimate();
    assert!(e.covers(want), "{e:?} vs {want:?}");
}

mod measured_on_protocols {
    use super::super::analytic::{component, k_of_n};
    use super::super::curve::measure_config;
    use super::super::measured::AnyMeasurement;
    use crate::protocol::SEC;
    use crate::scenario::ProtocolKind;

    /// The protocol never beats its schedule's quorum bound (a write needs a live majority
    /// within its deadline), and with 1-second repairs it stays below the k-of-n formula on
    /// every seed here: a leader crash costs an election even when a quorum is up, which the
    /// formula does not see. (With longer repairs a single run's luck, ±3% over 300 s, can
    /// hide that gap; the schedule bound holds regardless.)
    #[test]
    fn measured_availability_is_below_the_quorum_formula() {
        let (mtbf, mttr) = (20 * SEC, SEC);
        for (protocol, nodes, seed) in [
            (ProtocolKind::Raft, 3, 1),
            (ProtocolKind::Raft, 3, 2),
            (ProtocolKind::Raft, 5, 3),
            (ProtocolKind::Raft, 5, 4),
            (ProtocolKind::Paxos, 3, 5),
        ] {
            let m = AnyMeasurement::run(measure_config(protocol, nodes, mtbf, mttr, seed));
            let formula = k_of_n(u32::from(nodes), u32::from(nodes) / 2 + 1, component(20.0, 1.0)).up;
            println!(
                "{protocol:?} n={nodes} seed={seed}: measured {:.4}, schedule bound {:.4}, quorum up {:.4}, formula {formula:.4} ({} writes)",
                m.availability, m.quorum_bound, m.quorum_up, m.writes
            );
            assert!(m.writes > 5_000, "{m:?}");
            assert!(m.availability <= m.quorum_bound, "{protocol:?} n={nodes}: {m:?}");
            assert!(m.availability < formula, "{protocol:?} n={nodes}: {m:?} vs {formula}");
        }
    }

    /// The bound is not vacuous: a run with no failures is fully available and measured so.
    #[test]
    fn without_failures_every_write_is_on_time() {
        let m = AnyMeasurement::run(measure_config(ProtocolKind::Raft, 3, 100_000 * SEC, SEC, 1));
        assert_eq!(m.quorum_bound, 1.0);
        assert!(m.availability > 0.99, "{m:?}");
    }
}

#[test]
fn a_curve_has_every_model_at_every_point() {
    use super::curve::{xs, Curve};
    use crate::scenario::avail::{AvailScenario, Axis};
    let s = AvailScenario {
        axis: Axis::Mttr,
        trials: 2_000,
        mtbf: 100 * 3600,
        mttr: 10 * 3600,
        ..AvailScenario::default()
    };
    let x = xs(&s);
    assert_eq!(x.len(), 21);
    assert!(
        x.windows(2).all(|w| w[0] < w[1])
            && (x[0] - 1_200.0).abs() < 1.0
            && x[10] == 36_000.0
            && (x[20] - 1_080_000.0).abs() < 1.0
    );
    let mut c = Curve::new(&s);
    assert!(c.points.iter().all(|p| close(p.k_of_n.down, p.ctmc.down, 1e-11)), "one crew per node: the same");
    assert!(
        c.points.windows(2).all(|w| w[0].k_of_n.down < w[1].k_of_n.down),
        "longer repairs, more downtime"
    );
    c.finish();
    assert_eq!(c.done(), c.total());
    // Each 95% interval holds the formula with probability ≥ 95%; at most 3 of 21 may miss
    // (P(≥ 4 misses) ≈ 1.6% for a correct interval; these seeds see 0).
    let misses = c.points.iter().filter(|p| !p.monte_carlo.covers(p.k_of_n)).count();
    assert!(misses <= 3, "{misses} of 21 points miss their interval");
    let nodes = Curve::new(&AvailScenario { quorum: Some(4), ..AvailScenario::default() });
    assert_eq!(nodes.points.len(), 15);
    assert_eq!(nodes.points[1].k_of_n.up, component(1000.0, 4.0).up.powi(2), "n=2 with q=4 capped to 2 of 2");
}

/// Rare quorum loss (about 2.8 episodes expected per run, as at the page's defaults, where it is
/// 3.4): the interval must hold the formula in ≥ 93% of 200 runs. The normal interval this
/// replaced held it in about 80%, and when no loss was seen it was [1, 1], which holds nothing.
#[test]
fn rare_losses_get_an_honest_interval() {
    let want = k_of_n(3, 2, component(1000.0, 4.0));
    let cfg = McConfig { horizon: 24.0, ..*mc(3, 2, 1000.0, 4.0, 0).config() };
    let expected = super::outages::chain(&BirthDeath::new(3, 1000.0, 4.0, 3), 2).per_year() / HOURS_PER_YEAR
        * 24.0
        * 5_000.0;
    assert!((2.5..3.2).contains(&expected), "{expected} episodes expected");
    let (mut covered, mut zero) = (0, 0);
    for seed in 0..200 {
        let mut m = MonteCarlo::new(McConfig { seed, ..cfg });
        m.run(5_000);
        let e = m.estimate();
        if e.one_sided() {
            zero += 1;
            assert!(e.lo_down == 0.0 && e.hi_down > 0.0, "no loss seen: a one-sided bound, {e:?}");
        }
        covered += usize::from(e.covers(want));
    }
    println!("{covered} of 200 intervals hold the formula; {zero} runs saw no loss");
    assert!(zero > 0, "the test must include runs with no loss");
    assert!(covered >= 186, "only {covered} of 200 intervals hold the formula");
}

/// Item 1 of issue 11: every window starts in steady state, so Weibull failures or repairs of
/// any allowed shape (0.2 to 10) give the exact steady state, which depends only on the means:
/// the binomial. The landed code started every node new with a 3-cycle warm-up: 17× the
/// downtime at shape 0.2, 1.9× at shape 10.
#[test]
fn weibull_monte_carlo_is_unbiased_across_the_shape_range() {
    use crate::scenario::avail::{MAX_SHAPE, MIN_SHAPE};
    let (n, k, mtbf, mttr) = (5, 3, 10.0, 1.5);
    let want = k_of_n(n, k, component(mtbf, mttr));
    let shapes = [f64::from(MIN_SHAPE) / 100.0, 0.5, 0.8, 1.5, 3.0, f64::from(MAX_SHAPE) / 100.0];
    let mut misses = Vec::new();
    for (i, &shape) in shapes.iter().enumerate() {
        for (j, (failures, repairs)) in [
            (Lifetime::Weibull { shape }, Lifetime::Exponential),
            (Lifetime::Exponential, Lifetime::Weibull { shape }),
        ]
        .into_iter()
        .enumerate()
        {
            let mut m = MonteCarlo::new(McConfig {
                failures,
                repairs,
                horizon: 20.0,
                seed: 1000 + 10 * i as u64 + j as u64,
                ..*mc(n, k, mtbf, mttr, 0).config()
            });
            m.run(3_000);
            let e = m.estimate();
            println!(
                "{failures:?}/{repairs:?}: down {:.5} in [{:.5}, {:.5}], exact {:.5}",
                e.down, e.lo_down, e.hi_down, want.down
            );
            if !e.covers(want) {
                misses.push((failures, repairs, e.down / want.down));
            }
        }
    }
    // 12 intervals at 95%: P(≥ 3 misses) ≈ 2%. A biased start misses nearly all.
    assert!(misses.len() <= 2, "{misses:?}");
}

/// The residual-life sampler against its exact mean E[L²]/(2·E[L]) = mean·(1 + CV²)/2, with
/// CV² = Γ(1+2/k)/Γ(1+1/k)² − 1 for Weibull(k).
#[test]
fn residual_lives_have_the_equilibrium_mean() {
    let mut rng = crate::sim::rng::SimRng::new(9);
    for shape in [0.5, 1.0, 2.0, 10.0] {
        let g1 = libm::tgamma(1.0 + 1.0 / shape);
        let cv2 = libm::tgamma(1.0 + 2.0 / shape) / (g1 * g1) - 1.0;
        let want = 10.0 * (1.0 + cv2) / 2.0;
        let m = 40_000;
        let xs: Vec<f64> =
            (0..m).map(|_| Lifetime::Weibull { shape }.sample_residual(10.0, &mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / m as f64;
        let sd = (xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / m as f64).sqrt();
        assert!((mean - want).abs() < 4.0 * sd / (m as f64).sqrt(), "shape {shape}: {mean} vs {want}");
    }
}

/// Item 3: below f64's range the models carry logarithms. 1-of-101 at A = 0.9999 is down
/// 1e-404 of the time (0.0001^101), and the mean time to quorum loss overflows f64.
#[test]
fn magnitudes_beyond_f64_are_carried_in_logs() {
    let c = component(9999.0, 1.0);
    let a = k_of_n(101, 1, c);
    assert_eq!(a.down, 0.0, "the f64 itself underflows");
    assert!(close(nines(a), 404.0, 1e-9), "{} nines", nines(a));
    assert!(close(a.ln_down, 101.0 * (1e-4f64).ln(), 1e-12));
    let chain = BirthDeath::new(101, 9999.0, 1.0, 101);
    assert!(close(chain.at_least_up(1).ln_down, a.ln_down, 1e-9), "the chain agrees in logs");
    let d = downtime(a);
    assert_eq!(d.per_year, 0.0);
    assert!(close(d.ln_per_year, a.ln_down + HOURS_PER_YEAR.ln(), 1e-12));
    // MTTQL: ~ (1/(nλ))·Π (iμ/((n−i)λ))... its log is finite and huge.
    assert_eq!(chain.mean_time_to_quorum_loss(1), f64::INFINITY);
    let ln_t = chain.ln_mean_time_to_quorum_loss(1);
    // Rare-loss limit: MTTQL ≈ 1/(frequency of loss) = 1/(π_{n−1 down}·λ).
    let ln_f = chain.ln_loss_frequency(1);
    assert!(ln_t.is_finite() && ln_t > 900.0, "{ln_t}");
    assert!(close(ln_t, -ln_f, 1e-6), "{ln_t} vs {}", -ln_f);
    // Where f64 suffices the log recursion equals the plain one.
    let small = BirthDeath::new(2, 100.0, 5.0, 2);
    let (l, m) = (1.0 / 100.0, 1.0 / 5.0);
    assert!(close(small.ln_mean_time_to_quorum_loss(1).exp(), (3.0 * l + m) / (2.0 * l * l), 1e-12));
}

/// Item 4: the numbers quoted in this module's doc comments, computed.
#[test]
fn doc_comment_numbers_are_computed() {
    use super::stats::poisson_cdf;
    // The old claim "with 3 expected, most runs see 0–2" was wrong: P(N ≤ 2) = 0.4232.
    assert!((poisson_cdf(2, 3.0) - 0.4232).abs() < 1e-4);
    let docs = include_str!("monte_carlo.rs");
    assert!(!docs.contains("most runs see 0–2"));
    // "C(101, 50) ≈ 2.0e29, and C(n, j)·(n − j) stays below u128's 3.4e38 for every n ≤ 125"
    // (the landed comment said 1e29).
    assert!(close(super::analytic::ln_binomial(101, 50).exp(), 1.998e29, 0.001));
    let analytic = include_str!("analytic.rs");
    assert!(analytic.contains("C(101, 50) ≈ 2.0e29") && analytic.contains("every n ≤ 125"));
    let fits = |n: u32| {
        let mut c: u128 = 1;
        (0..n / 2 + 1).all(|j| match c.checked_mul(u128::from(n - j)) {
            Some(x) => {
                c = x / u128::from(j + 1);
                true
            }
            None => false,
        })
    };
    assert!((1..=125).all(fits) && !fits(126));
    // The MC default window: "~7 events per trial at the default MTBF" (5 nodes, 720 h, 1004 h
    // per cycle, a failure and a repair per cycle).
    let events: f64 = 5.0 * 720.0 / 1004.0 * 2.0;
    assert!((events - 7.17).abs() < 0.01);
    // "3.4 episodes expected in 10,000 month-long windows" at the defaults (BENCHMARKS.md).
    let f = super::outages::independent(5, 3, 1000.0, 4.0);
    let per_run = f.ln_per_hour.exp() * 720.0 * 10_000.0;
    assert!((per_run - 3.39).abs() < 0.01, "{per_run}");
    // "101 nodes needing one up, at A = 0.9999, wait about e^926 ≈ 10^402 hours".
    let ln_t = BirthDeath::new(101, 9999.0, 1.0, 101).ln_mean_time_to_quorum_loss(1);
    assert!((ln_t - 926.0).abs() < 0.5 && (ln_t / std::f64::consts::LN_10 - 402.0).abs() < 0.5, "{ln_t}");
}

/// Item 5: outages per year and their mean length. The rate of loss from the formula matches
/// the episodes the Monte Carlo counts, for the chain, for Weibull nodes and with failure
/// domains; and the domain formula matches the Monte Carlo's downtime.
#[test]
fn outage_frequency_and_length_match_the_simulation() {
    use super::outages::{chain, independent, with_domains, Domains};
    // One crew per node: the chain's frequency is the independent nodes' frequency.
    let (n, k, mtbf, mttr) = (5, 3, 10.0, 2.0);
    let ind = independent(n, k, mtbf, mttr);
    let ch = chain(&BirthDeath::new(n, mtbf, mttr, n), k);
    assert!(
        close(ind.ln_per_hour, ch.ln_per_hour, 1e-12) && close(ind.ln_mean_hours, ch.ln_mean_hours, 1e-12)
    );
    // Two nodes, both needed (series): losses at 2λ·P(both up), mean length... P(down)/rate.
    let two = independent(2, 2, 100.0, 5.0);
    let p = 100.0 / 105.0;
    assert!(close(two.ln_per_hour.exp(), p * p * 2.0 / 100.0, 1e-12));
    // Domains with outages that never happen reduce to the plain formula.
    let (a, o) = with_domains(n, k, mtbf, mttr, Domains { count: 3, mtbf: 1e300, mttr: 1e-300 });
    assert!(close(a.down, k_of_n(n, k, component(mtbf, mttr)).down, 1e-9));
    assert!(close(o.ln_per_hour, ind.ln_per_hour, 1e-9));
    // Against the simulation (episodes per hour and the downtime): the chain, Weibull nodes,
    // and three failure domains.
    let d = Domains { count: 3, mtbf: 40.0, mttr: 1.0 };
    let cases: [(Lifetime, Option<Domains>); 3] = [
        (Lifetime::Exponential, None),
        (Lifetime::Weibull { shape: 0.7 }, None),
        (Lifetime::Exponential, Some(d)),
    ];
    for (i, (failures, domains)) in cases.into_iter().enumerate() {
        let mut m = MonteCarlo::new(McConfig {
            failures,
            domains,
            horizon: 30.0,
            seed: 77 + i as u64,
            ..*mc(n, k, mtbf, mttr, 0).config()
        });
        m.run(3_000);
        let e = m.estimate();
        let (a, o) = match domains {
            Some(d) => with_domains(n, k, mtbf, mttr, d),
            None => (k_of_n(n, k, component(mtbf, mttr)), independent(n, k, mtbf, mttr)),
        };
        // Episodes: Poisson-ish count with mean rate·(T + windows·D̄) (those under way at the
        // start count too); allow 4 standard deviations, doubled for clustering.
        let total_h = 3_000.0 * 30.0;
        let want = o.ln_per_hour.exp() * total_h + 3_000.0 * a.down;
        let got = e.episodes as f64;
        assert!((got - want).abs() < 8.0 * want.sqrt(), "case {i}: {got} episodes, {want:.1} expected");
        assert!(e.covers(a), "case {i}: {e:?} vs {a:?}");
    }
    // Domains hurt: the same nodes, a rack outage a month, are less available.
    let plain = k_of_n(n, k, component(1000.0, 4.0));
    let (racks, _) = with_domains(n, k, 1000.0, 4.0, Domains { count: 3, mtbf: 720.0, mttr: 4.0 });
    assert!(racks.down > 10.0 * plain.down, "{racks:?} vs {plain:?}");
}

/// Item 5: R(t). One node: 1 − e^(−t/MTBF). Two nodes both needed: 1 − e^(−2t/MTBF). For rare
/// loss, ≈ t/MTTQL. And against a direct simulation of first passages.
#[test]
fn chance_of_a_quorum_loss_within_a_mission() {
    let one = BirthDeath::new(1, 100.0, 5.0, 1);
    assert!(close(one.ln_loss_within(1, 30.0).exp(), 1.0 - (-0.3f64).exp(), 1e-10));
    let two = BirthDeath::new(2, 100.0, 5.0, 2);
    assert!(close(two.ln_loss_within(2, 30.0).exp(), 1.0 - (-0.6f64).exp(), 1e-10));
    // 1-of-2 with repair: first passage has rates that are the roots of s² − (3λ+μ)s + 2λ²:
    // P(T > t) = (s₁e^(−s₂t) − s₂e^(−s₁t))/(s₁ − s₂).
    let (l, m): (f64, f64) = (0.01, 0.2);
    let (b, c) = (3.0 * l + m, 2.0 * l * l);
    let (s1, s2) = ((b + (b * b - 4.0 * c).sqrt()) / 2.0, (b - (b * b - 4.0 * c).sqrt()) / 2.0);
    for t in [1.0f64, 50.0, 2000.0] {
        let survive = (s1 * (-s2 * t).exp() - s2 * (-s1 * t).exp()) / (s1 - s2);
        let got = two.ln_loss_within(1, t).exp();
        assert!(close(got, 1.0 - survive, 1e-9), "t={t}: {got} vs {}", 1.0 - survive);
    }
    // Rare loss (defaults, one year): ≈ t/MTTQL to first order.
    let d = BirthDeath::new(5, 1000.0, 4.0, 5);
    let year = d.ln_loss_within(3, HOURS_PER_YEAR).exp();
    let approx = HOURS_PER_YEAR / d.mean_time_to_quorum_loss(3);
    assert!(close(year, approx, 0.01), "{year} vs {approx}");
    // Far below f64: still a finite logarithm.
    let huge = BirthDeath::new(101, 9999.0, 1.0, 101).ln_loss_within(1, HOURS_PER_YEAR);
    assert!(huge.is_finite() && huge < -900.0, "{huge}");
}

/// The coverage experiment behind BENCHMARKS.md (slow: run it in release):
///
/// ```sh
/// cargo test --release -p halab-core --lib coverage_experiment -- --ignored --nocapture
/// ```
///
/// For each setup, 1,000 seeds, each a full Monte Carlo point as the page runs it; counts how
/// often the 95% interval holds the exact steady state, and how often each end misses. Then the
/// Weibull bias at the issue's setup: the mean of 1,000 × 10,000 windows against the exact value.
#[test]
#[ignore]
fn coverage_experiment() {
    const SEEDS: u64 = 1_000;
    let base = McConfig { horizon: 720.0, ..*mc(5, 3, 1000.0, 4.0, 0).config() };
    let setups: [(&str, McConfig, u64); 5] = [
        ("page defaults: 3 of 5, MTBF 1000 h, MTTR 4 h, 30-day windows", base, 10_000),
        ("rare: the same with 2,000 windows", base, 2_000),
        ("rare, 1 crew: 3 of 5, MTTR 2 h, 1 repair crew", McConfig { mttr: 2.0, crews: 1, ..base }, 10_000),
        ("common: MTTR 40 h", McConfig { mttr: 40.0, ..base }, 10_000),
        (
            "Weibull failures 0.5, repairs 2, MTTR 40 h, 2,000 windows",
            McConfig {
                mttr: 40.0,
                failures: Lifetime::Weibull { shape: 0.5 },
                repairs: Lifetime::Weibull { shape: 2.0 },
                ..base
            },
            2_000,
        ),
    ];
    println!(
        "| setup | expected losses per run | runs with none | coverage | low end above | high end below |"
    );
    println!("|---|---|---|---|---|---|");
    let results: Vec<(String, f64)> = std::thread::scope(|scope| {
        let handles: Vec<_> = setups
            .iter()
            .map(|&(name, cfg, trials)| {
                scope.spawn(move || {
                    let want = if cfg.failures.memoryless() && cfg.repairs.memoryless() {
                        BirthDeath::new(cfg.n, cfg.mtbf, cfg.mttr, cfg.crews).at_least_up(cfg.k)
                    } else {
                        k_of_n(cfg.n, cfg.k, component(cfg.mtbf, cfg.mttr))
                    };
                    let o =
                        super::outages::chain(&BirthDeath::new(cfg.n, cfg.mtbf, cfg.mttr, cfg.crews), cfg.k);
                    let expected = o.ln_per_hour.exp() * cfg.horizon * trials as f64;
                    let (mut covered, mut above, mut below, mut zero) = (0u64, 0u64, 0u64, 0u64);
                    for seed in 0..SEEDS {
                        let mut m = MonteCarlo::new(McConfig { seed: 1_000_003 * seed + 17, ..cfg });
                        m.run(trials);
                        let e = m.estimate();
                        zero += u64::from(e.one_sided());
                        if e.covers(want) {
                            covered += 1;
                        } else if e.lo_down > want.down {
                            above += 1;
                        } else {
                            below += 1;
                        }
                    }
                    let pct = |x: u64| 100.0 * x as f64 / SEEDS as f64;
                    (
                        format!(
                            "| {name} | {expected:.2} | {:.1}% | **{:.1}%** | {:.1}% | {:.1}% |",
                            pct(zero),
                            pct(covered),
                            pct(above),
                            pct(below)
                        ),
                        pct(covered),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a setup panicked")).collect()
    });
    for (line, _) in &results {
        println!("{line}");
    }
    // Weibull bias at the issue's setup, pooled.
    let want = k_of_n(5, 3, component(1000.0, 4.0));
    println!("\n| failures (3 of 5, MTBF 1000 h, MTTR 4 h) | pooled downtime / exact | 95% interval of the ratio |");
    println!("|---|---|---|");
    let bias: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = [0.2, 0.5, 10.0]
            .into_iter()
            .map(|shape| {
                scope.spawn(move || {
                    let mut m = MonteCarlo::new(McConfig {
                        failures: Lifetime::Weibull { shape },
                        seed: 4242,
                        ..base
                    });
                    m.run(SEEDS * 10_000);
                    let e = m.estimate();
                    format!(
                        "| Weibull {shape} | {:.3} | {:.3}–{:.3} |",
                        e.down / want.down,
                        e.lo_down / want.down,
                        e.hi_down / want.down
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a shape panicked")).collect()
    });
    for line in &bias {
        println!("{line}");
    }
    for (line, pct) in &results {
        assert!(*pct >= 93.0, "{line}");
    }
}
