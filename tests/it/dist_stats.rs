//! Statistical tests: for every family (and truncated ones), 100 000 draws `quantile(u_i)` with
//! `u_i` from a seeded Xoshiro256++ stream. The sample mean must lie within 4 standard errors of
//! the analytic mean, and the sample p5, p50 and p95 within 4 standard errors of the analytic
//! quantiles, the standard error of the p-quantile being `sqrt(p (1 − p) / n) / f(x_p)`.
//!
//! The analytic means, CDFs and densities below are written independently of `src/dist` (closed
//! forms per family); analytic quantiles invert those CDFs by bisection.

use gwsim::dist::{Dist, Marginal, special::norm_cdf};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const N: usize = 100_000;

/// A CDF or a density.
type Fun = Box<dyn Fn(f64) -> f64>;

struct Case {
    name: &'static str,
    marginal: Marginal,
    mean: f64,
    cdf: Fun,
    pdf: Fun,
    /// A bracket for bisection on the CDF.
    bracket: (f64, f64),
}

fn phi(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

fn bisect(cdf: &dyn Fn(f64) -> f64, p: f64, (mut lo, mut hi): (f64, f64)) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Numerically integrated mean of a density on a finite interval (composite Simpson).
fn integrate_mean(pdf: &dyn Fn(f64) -> f64, lo: f64, hi: f64) -> f64 {
    let n = 200_000;
    let h = (hi - lo) / n as f64;
    let (mut m0, mut m1) = (0.0, 0.0);
    for i in 0..=n {
        let x = lo + i as f64 * h;
        let w = if i == 0 || i == n {
            1.0
        } else if i % 2 == 1 {
            4.0
        } else {
            2.0
        };
        m0 += w * pdf(x);
        m1 += w * x * pdf(x);
    }
    m1 / m0
}

fn marginal(d: Dist, min: Option<f64>, max: Option<f64>) -> Marginal {
    Marginal::new(d, min, max).expect("valid marginal")
}

fn beta_pdf_unnormalised(a: f64, b: f64, y: f64) -> f64 {
    if y <= 0.0 || y >= 1.0 {
        0.0
    } else {
        y.powf(a - 1.0) * (1.0 - y).powf(b - 1.0)
    }
}

/// CDF and density of Beta(a, b) on [lo, hi] by Simpson integration of the density on a fine
/// grid (independent of `special::beta_inc`).
fn beta_numeric(a: f64, b: f64, lo: f64, hi: f64) -> (Fun, Fun, f64) {
    let n = 200_000usize;
    let h = 1.0 / n as f64;
    let mut cum = vec![0.0; n + 1];
    for i in 0..n {
        let (y0, y1) = (i as f64 * h, (i + 1) as f64 * h);
        let f = |y: f64| beta_pdf_unnormalised(a, b, y);
        cum[i + 1] = cum[i] + h / 6.0 * (f(y0) + 4.0 * f(0.5 * (y0 + y1)) + f(y1));
    }
    let total = cum[n];
    let mean_y = {
        let mut m = 0.0;
        for i in 0..n {
            let y = (i as f64 + 0.5) * h;
            m += y * beta_pdf_unnormalised(a, b, y) * h;
        }
        m / total
    };
    let cum2 = cum.clone();
    let cdf = move |x: f64| {
        let y = ((x - lo) / (hi - lo)).clamp(0.0, 1.0);
        let t = y * n as f64;
        let i = (t as usize).min(n - 1);
        let r = t - i as f64;
        (cum2[i] + r * (cum2[i + 1] - cum2[i])) / total
    };
    let pdf = move |x: f64| beta_pdf_unnormalised(a, b, (x - lo) / (hi - lo)) / total / (hi - lo);
    (Box::new(cdf), Box::new(pdf), lo + (hi - lo) * mean_y)
}

fn cases() -> Vec<Case> {
    let mut v = Vec::new();

    // Uniform(0.05, 0.15).
    v.push(Case {
        name: "uniform(0.05, 0.15)",
        marginal: marginal(Dist::uniform(0.05, 0.15).expect("valid"), None, None),
        mean: 0.1,
        cdf: Box::new(|x| ((x - 0.05) / 0.1).clamp(0.0, 1.0)),
        pdf: Box::new(|_| 10.0),
        bracket: (0.05, 0.15),
    });

    // Normal(1, 0.2).
    v.push(Case {
        name: "normal(1, 0.2)",
        marginal: marginal(Dist::normal(1.0, 0.2).expect("valid"), None, None),
        mean: 1.0,
        cdf: Box::new(|x| norm_cdf((x - 1.0) / 0.2)),
        pdf: Box::new(|x| phi((x - 1.0) / 0.2) / 0.2),
        bracket: (-1.0, 3.0),
    });

    // Normal(1, 1) truncated to [0, inf): mean = mu + sd φ(α)/(1 − Φ(α)), α = −1.
    {
        let z = 1.0 - norm_cdf(-1.0);
        v.push(Case {
            name: "normal(1, 1) truncated to [0, inf)",
            marginal: marginal(Dist::normal(1.0, 1.0).expect("valid"), Some(0.0), None),
            mean: 1.0 + phi(-1.0) / z,
            cdf: Box::new(move |x| {
                if x < 0.0 {
                    0.0
                } else {
                    (norm_cdf(x - 1.0) - norm_cdf(-1.0)) / z
                }
            }),
            pdf: Box::new(move |x| if x < 0.0 { 0.0 } else { phi(x - 1.0) / z }),
            bracket: (0.0, 10.0),
        });
    }

    // Lognormal from a 90% interval: p5 = 0.05, p95 = 0.1.
    {
        let mu = 0.5 * (0.05f64.ln() + 0.1f64.ln());
        let s = (0.1f64.ln() - 0.05f64.ln()) / (2.0 * 1.6448536269514722);
        v.push(Case {
            name: "lognormal(p5=0.05, p95=0.1)",
            marginal: marginal(
                Dist::lognormal_p5_p95(0.05, 0.1).expect("valid"),
                None,
                None,
            ),
            mean: (mu + 0.5 * s * s).exp(),
            cdf: Box::new(move |x| {
                if x <= 0.0 {
                    0.0
                } else {
                    norm_cdf((x.ln() - mu) / s)
                }
            }),
            pdf: Box::new(move |x| {
                if x <= 0.0 {
                    0.0
                } else {
                    phi((x.ln() - mu) / s) / (x * s)
                }
            }),
            bracket: (1e-6, 1.0),
        });
    }

    // Lognormal(median 2, sigma 0.8) truncated to [1, 5]: mean by integration.
    {
        let (mu, s) = (2f64.ln(), 0.8);
        let (fa, fb) = (
            norm_cdf((1f64.ln() - mu) / s),
            norm_cdf((5f64.ln() - mu) / s),
        );
        let pdf = move |x: f64| {
            if !(1.0..=5.0).contains(&x) {
                0.0
            } else {
                phi((x.ln() - mu) / s) / (x * s) / (fb - fa)
            }
        };
        v.push(Case {
            name: "lognormal(median=2, sigma=0.8) truncated to [1, 5]",
            marginal: marginal(
                Dist::lognormal_median_sigma(2.0, 0.8).expect("valid"),
                Some(1.0),
                Some(5.0),
            ),
            mean: integrate_mean(&pdf, 1.0, 5.0),
            cdf: Box::new(move |x| {
                ((norm_cdf((x.clamp(1.0, 5.0).ln() - mu) / s) - fa) / (fb - fa)).clamp(0.0, 1.0)
            }),
            pdf: Box::new(pdf),
            bracket: (1.0, 5.0),
        });
    }

    // Triangular(1.1, 1.18, 1.35): mean (a + c + b)/3.
    let tri_pdf = |a: f64, c: f64, b: f64| {
        move |x: f64| {
            if x < a || x > b {
                0.0
            } else if x <= c {
                2.0 * (x - a) / ((b - a) * (c - a))
            } else {
                2.0 * (b - x) / ((b - a) * (b - c))
            }
        }
    };
    let tri_cdf = |a: f64, c: f64, b: f64| {
        move |x: f64| {
            if x <= a {
                0.0
            } else if x >= b {
                1.0
            } else if x <= c {
                (x - a).powi(2) / ((b - a) * (c - a))
            } else {
                1.0 - (b - x).powi(2) / ((b - a) * (b - c))
            }
        }
    };
    v.push(Case {
        name: "triangular(1.1, 1.18, 1.35)",
        marginal: marginal(
            Dist::triangular(1.1, 1.18, 1.35).expect("valid"),
            None,
            None,
        ),
        mean: (1.1 + 1.18 + 1.35) / 3.0,
        cdf: Box::new(tri_cdf(1.1, 1.18, 1.35)),
        pdf: Box::new(tri_pdf(1.1, 1.18, 1.35)),
        bracket: (1.1, 1.35),
    });

    // Triangular(1, 1.2, 2) truncated to [1.1, 1.5].
    {
        let (f, pdf0) = (tri_cdf(1.0, 1.2, 2.0), tri_pdf(1.0, 1.2, 2.0));
        let (fa, fb) = (f(1.1), f(1.5));
        let pdf = move |x: f64| {
            if (1.1..=1.5).contains(&x) {
                pdf0(x) / (fb - fa)
            } else {
                0.0
            }
        };
        v.push(Case {
            name: "triangular(1, 1.2, 2) truncated to [1.1, 1.5]",
            marginal: marginal(
                Dist::triangular(1.0, 1.2, 2.0).expect("valid"),
                Some(1.1),
                Some(1.5),
            ),
            mean: integrate_mean(&pdf, 1.1, 1.5),
            cdf: Box::new(move |x| ((f(x.clamp(1.1, 1.5)) - fa) / (fb - fa)).clamp(0.0, 1.0)),
            pdf: Box::new(pdf),
            bracket: (1.1, 1.5),
        });
    }

    // PERT(1.1, 1.2, 1.35): mean (a + 4 m + b)/6; alpha = 1 + 4 (m − a)/(b − a).
    {
        let (a, m, b) = (1.1, 1.2, 1.35);
        let (al, be) = (1.0 + 4.0 * (m - a) / (b - a), 1.0 + 4.0 * (b - m) / (b - a));
        let (cdf, pdf, _) = beta_numeric(al, be, a, b);
        v.push(Case {
            name: "pert(1.1, 1.2, 1.35)",
            marginal: marginal(Dist::pert(a, m, b).expect("valid"), None, None),
            mean: (a + 4.0 * m + b) / 6.0,
            cdf,
            pdf,
            bracket: (a, b),
        });
    }

    // PERT with the mode at the minimum.
    {
        let (cdf, pdf, _) = beta_numeric(1.0, 5.0, 0.0, 10.0);
        v.push(Case {
            name: "pert(0, 0, 10)",
            marginal: marginal(Dist::pert(0.0, 0.0, 10.0).expect("valid"), None, None),
            mean: 10.0 / 6.0,
            cdf,
            pdf,
            bracket: (0.0, 10.0),
        });
    }

    // Beta(2, 5) on [0.5, 0.9]: mean low + (high − low) a/(a + b).
    {
        let (cdf, pdf, _) = beta_numeric(2.0, 5.0, 0.5, 0.9);
        v.push(Case {
            name: "beta(2, 5) on [0.5, 0.9]",
            marginal: marginal(Dist::beta(2.0, 5.0, 0.5, 0.9).expect("valid"), None, None),
            mean: 0.5 + 0.4 * 2.0 / 7.0,
            cdf,
            pdf,
            bracket: (0.5, 0.9),
        });
    }

    // Beta(2, 5) truncated to [0.1, 0.5].
    {
        let (cdf0, pdf0, _) = beta_numeric(2.0, 5.0, 0.0, 1.0);
        let (fa, fb) = (cdf0(0.1), cdf0(0.5));
        let pdf = move |x: f64| {
            if (0.1..=0.5).contains(&x) {
                pdf0(x) / (fb - fa)
            } else {
                0.0
            }
        };
        let mean = integrate_mean(&pdf, 0.1, 0.5);
        v.push(Case {
            name: "beta(2, 5) truncated to [0.1, 0.5]",
            marginal: marginal(
                Dist::beta(2.0, 5.0, 0.0, 1.0).expect("valid"),
                Some(0.1),
                Some(0.5),
            ),
            mean,
            cdf: Box::new(move |x| ((cdf0(x.clamp(0.1, 0.5)) - fa) / (fb - fa)).clamp(0.0, 1.0)),
            pdf: Box::new(pdf),
            bracket: (0.1, 0.5),
        });
    }
    v
}

fn draws(m: &Marginal, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..N).map(|_| m.quantile(rng.random::<f64>())).collect()
}

#[test]
fn sample_means_and_quantiles_match_the_analytic_ones() {
    let mut failures = Vec::new();
    for (i, case) in cases().into_iter().enumerate() {
        let mut xs = draws(&case.marginal, 0x5eed_0000 + i as u64);
        let n = N as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let se = (var / n).sqrt();
        let z = (mean - case.mean) / se;
        println!(
            "{}: mean {mean:.6} vs {:.6} ({z:+.2} se)",
            case.name, case.mean
        );
        if z.abs() > 4.0 {
            failures.push(format!(
                "{}: sample mean {mean} vs {} ({z:+.2} se)",
                case.name, case.mean
            ));
        }
        // The marginal's own mean() must agree with the analytic mean to high precision.
        let own = case.marginal.mean();
        if (own - case.mean).abs() > 1e-9 * case.mean.abs().max(1.0) {
            failures.push(format!(
                "{}: mean() = {own} vs analytic {}",
                case.name, case.mean
            ));
        }
        xs.sort_by(f64::total_cmp);
        for p in [0.05, 0.5, 0.95] {
            let want = bisect(&*case.cdf, p, case.bracket);
            let got = xs[(p * n) as usize];
            let tol = 4.0 * (p * (1.0 - p) / n).sqrt() / (case.pdf)(want);
            println!(
                "  p{:<2}: {got:.6} vs {want:.6} (tol {tol:.2e})",
                (p * 100.0) as u32
            );
            if (got - want).abs() > tol {
                failures.push(format!(
                    "{}: p{} = {got} vs {want} (tol {tol:e})",
                    case.name,
                    p * 100.0
                ));
            }
            // And the marginal's quantile at p is the analytic quantile.
            let q = case.marginal.quantile(p);
            let (lo, hi) = case.bracket;
            if (q - want).abs() > 1e-6 * (hi - lo) {
                failures.push(format!("{}: quantile({p}) = {q} vs {want}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn discrete_frequencies_match_the_weights() {
    let m = marginal(
        Dist::discrete(vec![10.0, 20.0, 30.0], Some(vec![0.2, 0.5, 0.3])).expect("valid"),
        None,
        None,
    );
    let xs = draws(&m, 7);
    let n = N as f64;
    for (v, w) in [(10.0, 0.2), (20.0, 0.5), (30.0, 0.3)] {
        let f = xs.iter().filter(|x| **x == v).count() as f64 / n;
        let se = (w * (1.0 - w) / n).sqrt();
        assert!((f - w).abs() < 4.0 * se, "value {v}: frequency {f} vs {w}");
    }
    let mean = xs.iter().sum::<f64>() / n;
    let sd = (0.2f64 * 100.0 + 0.5 * 400.0 + 0.3 * 900.0 - 21.0 * 21.0).sqrt();
    assert!((mean - 21.0).abs() < 4.0 * sd / n.sqrt(), "mean {mean}");
    assert_eq!(m.mean(), 21.0);
    // Truncated: keep 20 and 30, renormalised to 5/8 and 3/8.
    let t = marginal(
        Dist::discrete(vec![10.0, 20.0, 30.0], Some(vec![0.2, 0.5, 0.3])).expect("valid"),
        Some(15.0),
        None,
    );
    let xs = draws(&t, 8);
    let f = xs.iter().filter(|x| **x == 20.0).count() as f64 / n;
    assert!(
        (f - 0.625).abs() < 4.0 * (0.625f64 * 0.375 / n).sqrt(),
        "{f}"
    );
    assert!((t.mean() - (20.0 * 0.625 + 30.0 * 0.375)).abs() < 1e-12);
}

#[test]
fn fixed_is_constant() {
    for d in [
        Dist::fixed(1.2),
        Dist::normal(1.2, 0.0),
        Dist::lognormal_median_sigma(1.2, 0.0),
    ] {
        let m = marginal(d.expect("valid"), None, None);
        let xs = draws(&m, 1);
        assert!(xs.iter().all(|x| (x - 1.2).abs() < 1e-15));
        assert!((m.mean() - 1.2).abs() < 1e-15);
    }
}
