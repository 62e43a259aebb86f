//! The special functions and samplers the reliability models need, written on `libm` only so
//! every target computes the same bits: normal and Gamma variates (every draw from [`SimRng`]),
//! the regularized incomplete gamma function and its inverse (Gamma quantiles, which give exact
//! Poisson bounds and the Monte Carlo interval), and the Poisson distribution function.
//!
//! References: Marsaglia & Tsang, "A simple method for generating gamma variables", ACM TOMS
//! 26(3), 2000; Press et al., *Numerical Recipes*, 3rd ed., §6.2 (incomplete gamma) and §6.14
//! (quantiles by Halley's method); Wilson & Hilferty, PNAS 17, 1931 (the starting guess).

use crate::sim::rng::SimRng;

/// A standard normal variate (Box–Muller; two uniforms, one value).
pub fn normal(rng: &mut SimRng) -> f64 {
    let u1 = 1.0 - rng.unit(); // (0, 1]
    let u2 = rng.unit();
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
}

/// A Gamma(`shape`, 1) variate for `shape` ≥ 1 (Marsaglia–Tsang; exact, by rejection).
pub fn gamma(shape: f64, rng: &mut SimRng) -> f64 {
    assert!(shape >= 1.0, "gamma shape {shape} < 1");
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / libm::sqrt(9.0 * d);
    loop {
        let x = normal(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = 1.0 - rng.unit(); // (0, 1]
        if libm::log(u) < 0.5 * x * x + d * (1.0 - v + libm::log(v)) {
            return d * v;
        }
    }
}

/// ln Γ(a) for a > 0.
pub fn ln_gamma(a: f64) -> f64 {
    libm::lgamma(a)
}

/// The regularized lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a), and its complement
/// Q = 1 − P, each computed on its own so the smaller keeps its relative precision.
pub fn gamma_p_q(a: f64, x: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    let front = -x + a * libm::log(x) - ln_gamma(a);
    if x < a + 1.0 {
        // Series: P = e^front Σ xⁿ / (a(a+1)…(a+n)).
        let (mut term, mut sum, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..1_000_000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-17 {
                break;
            }
        }
        let p = (libm::exp(front) * sum).min(1.0);
        (p, 1.0 - p)
    } else {
        // Continued fraction for Q (modified Lentz).
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1_000_000 {
            let an = -f64::from(i) * (f64::from(i) - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        let q = (libm::exp(front) * h).min(1.0);
        (1.0 - q, q)
    }
}

/// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9),
/// used as a starting point and for z values.
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383_577_518_672_69e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p <= 0.0 {
        f64::NEG_INFINITY
    } else if p >= 1.0 {
        f64::INFINITY
    } else if p < 0.02425 {
        tail(libm::sqrt(-2.0 * libm::log(p)))
    } else if p > 1.0 - 0.02425 {
        -tail(libm::sqrt(-2.0 * libm::log(1.0 - p)))
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The `p` quantile of Gamma(`shape`, 1): x with P(shape, x) = p. Halley's method from the
/// Wilson–Hilferty guess, kept inside a shrinking bracket; above a shape of 10⁶ the
/// Wilson–Hilferty value itself (its error is then far below the Monte Carlo's).
pub fn gamma_quantile(p: f64, shape: f64) -> f64 {
    if p <= 0.0 || shape <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let z = normal_quantile(p);
    let wh = {
        let t = 1.0 / (9.0 * shape);
        let c = 1.0 - t + z * libm::sqrt(t);
        shape * c * c * c
    };
    if shape > 1e6 {
        return wh.max(0.0);
    }
    // Start: Wilson–Hilferty where positive, else the small-x form P ≈ xᵃ/Γ(a+1).
    let mut x = if wh > 0.0 { wh } else { libm::exp((libm::log(p) + ln_gamma(shape + 1.0)) / shape) };
    let (mut lo, mut hi) = (0.0f64, f64::INFINITY);
    let ln_g = ln_gamma(shape);
    for _ in 0..200 {
        let (pp, qq) = gamma_p_q(shape, x);
        // Compare on the smaller side so tiny tails keep their precision.
        let err = if p < 0.5 { pp - p } else { (1.0 - p) - qq };
        if err > 0.0 {
            hi = hi.min(x);
        } else {
            lo = lo.max(x);
        }
        if err == 0.0 {
            return x;
        }
        let density = libm::exp((shape - 1.0) * libm::log(x) - x - ln_g);
        let mut next = if density > 0.0 {
            let t = err / density;
            // Halley: f''/f' = (a − 1)/x − 1.
            let u = t * ((shape - 1.0) / x - 1.0);
            x - t / (1.0 - 0.5 * u.clamp(-1.0, 1.0))
        } else {
            f64::NAN
        };
        if !(next > lo && next < hi) {
            next = if hi.is_finite() { 0.5 * (lo + hi) } else { 2.0 * x.max(lo) + 1.0 };
        }
        if (next - x).abs() <= 1e-14 * x {
            return next;
        }
        x = next;
    }
    x
}

/// P(N ≤ j) for N ~ Poisson(λ): Q(j + 1, λ).
pub fn poisson_cdf(j: u64, lambda: f64) -> f64 {
    if lambda <= 0.0 {
        return 1.0;
    }
    gamma_p_q(j as f64 + 1.0, lambda).1
}

/// The exact (Garwood) bounds on a Poisson mean after observing `count` events: the lower end
/// at confidence `1 − tail` below and the upper end `1 − tail` above. With `count` = 0 the
/// lower end is 0 and the upper is −ln(tail) (3.69 for tail 0.025, the "rule of three" at 95%
/// one-sided is tail 0.05).
pub fn poisson_bounds(count: u64, tail: f64) -> (f64, f64) {
    let lo = if count == 0 { 0.0 } else { gamma_quantile(tail, count as f64) };
    (lo, gamma_quantile(1.0 - tail, count as f64 + 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incomplete_gamma_and_quantiles_match_known_values() {
        // P(1, x) = 1 − e^(−x); P(2, x) = 1 − (1 + x)e^(−x).
        for x in [0.01f64, 0.5, 1.0, 3.0, 30.0] {
            let (p, q) = gamma_p_q(1.0, x);
            assert!((q - (-x).exp()).abs() <= 1e-14 * (-x).exp().max(1e-300), "{x}");
            assert!((p + q - 1.0).abs() < 1e-15);
            let (_, q2) = gamma_p_q(2.0, x);
            assert!((q2 - (1.0 + x) * (-x).exp()).abs() < 1e-14, "{x}");
        }
        // χ² quantiles: χ²₀.₉₇₅(2) = 7.3778, χ²₀.₀₂₅(2) = 0.050636, χ²₀.₉₇₅(10) = 20.483.
        assert!((2.0 * gamma_quantile(0.975, 1.0) - 7.377_758_908).abs() < 1e-8);
        assert!((2.0 * gamma_quantile(0.025, 1.0) - 0.050_635_616).abs() < 1e-8);
        assert!((2.0 * gamma_quantile(0.975, 5.0) - 20.483_177_35).abs() < 1e-7);
        // Garwood: 0 events → [0, 3.689]; 1 event → [0.0253, 5.572].
        let (lo, hi) = poisson_bounds(0, 0.025);
        assert_eq!(lo, 0.0);
        assert!((hi - 3.688_879_454).abs() < 1e-8, "{hi}");
        let (lo, hi) = poisson_bounds(1, 0.025);
        assert!((lo - 0.025_317_807_98).abs() < 1e-9 && (hi - 5.571_643_2).abs() < 1e-6, "{lo} {hi}");
        // Round trips from tiny to huge shapes, both tails.
        for a in [1.0, 1.1, 2.5, 17.0, 400.0, 9e4] {
            for p in [1e-6, 0.025, 0.5, 0.975, 1.0 - 1e-6] {
                let x = gamma_quantile(p, a);
                let (pp, qq) = gamma_p_q(a, x);
                let got = if p < 0.5 { pp } else { qq };
                let want = if p < 0.5 { p } else { 1.0 - p };
                assert!((got - want).abs() < 1e-9 * want, "a={a} p={p}: x={x} gives {got}");
            }
        }
        assert!((normal_quantile(0.975) - 1.959_963_985).abs() < 1e-8);
        // The Poisson claim the Monte Carlo docs once got wrong: with 3 expected, P(0–2) = 0.4232.
        assert!((poisson_cdf(2, 3.0) - 8.5 * (-3.0f64).exp()).abs() < 1e-15);
    }

    #[test]
    fn gamma_variates_have_the_right_mean_and_variance() {
        let mut rng = SimRng::new(3);
        for a in [1.0, 1.1, 2.0, 6.0] {
            let m = 40_000;
            let xs: Vec<f64> = (0..m).map(|_| gamma(a, &mut rng)).collect();
            let mean = xs.iter().sum::<f64>() / m as f64;
            let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (m - 1) as f64;
            // Mean a, variance a: 4 standard errors.
            assert!((mean - a).abs() < 4.0 * (a / m as f64).sqrt(), "a={a}: mean {mean}");
            assert!((var - a).abs() < 0.05 * a, "a={a}: variance {var}");
        }
    }
}
