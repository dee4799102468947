//! gwsim's samplers against an independent reference: for every family (and truncated ones),
//! N draws `Marginal::quantile(u_i)`, `u_i` from a seeded Xoshiro256++ stream, are compared
//! with N draws of `rand_distr`'s own sampler for the same distribution (Ziggurat normals,
//! Cheng's rejection algorithms for betas, Walker's alias method for discrete weights; a
//! truncation is the conditional distribution, drawn by rejection), from another seeded stream.
//!
//! The two samples must agree, at tolerances that follow from the sample sizes alone:
//!
//! - the difference of their means within 4 standard errors of that difference,
//!   `sqrt(s_a²/n + s_b²/m)` (a false alarm about once in 16,000 cases);
//! - the two-sample Kolmogorov–Smirnov statistic `D = sup |F_a(x) − F_b(x)|` below its 0.1%
//!   critical value `c(α) sqrt((n + m)/(n m))`, `c(0.001) = 1.95`. For a discrete distribution
//!   the test is conservative: `D` is computed over the distinct values, ties taken together.
//!
//! With N = 100,000 the KS bound is 0.0087: a quantile function whose CDF is off by 1.5% of
//! probability anywhere fails all but surely (`a_wrong_reference_is_detected` checks that the
//! comparison has such power).

use gwsim::dist::{Dist, Marginal};
use rand::{RngExt, SeedableRng};
use rand_distr::weighted::WeightedAliasIndex;
use rand_distr::{Beta, Distribution, LogNormal, Normal, Pert, Triangular, Uniform};
use rand_xoshiro::Xoshiro256PlusPlus;

const N: usize = 100_000;

/// Mean tolerance, in standard errors of the difference of the means.
const MEAN_SE: f64 = 4.0;

/// c(α) of the two-sample Kolmogorov–Smirnov test at α = 0.001.
const KS_C: f64 = 1.95;

/// z such that Φ(z) = 0.95.
const Z95: f64 = 1.6448536269514722;

type Rng = Xoshiro256PlusPlus;

fn marginal(d: Dist, min: Option<f64>, max: Option<f64>) -> Marginal {
    Marginal::new(d, min, max).expect("valid marginal")
}

/// Draws of `d` conditioned on `[lo, hi]`, by rejection.
fn truncated(d: impl Distribution<f64>, lo: f64, hi: f64) -> impl FnMut(&mut Rng) -> f64 {
    move |rng| loop {
        let x = d.sample(rng);
        if (lo..=hi).contains(&x) {
            return x;
        }
    }
}

/// Mean and unbiased variance.
fn moments(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// The two-sample Kolmogorov–Smirnov statistic of sorted samples: the largest gap between
/// their empirical CDFs, evaluated after each distinct value (all copies of a tie on both sides
/// taken at once, so that discrete samples are compared at their support points).
fn ks_statistic(a: &[f64], b: &[f64]) -> f64 {
    let (n, m) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j, mut d) = (0, 0, 0.0_f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / n - j as f64 / m).abs());
    }
    // Past the end of one sample its CDF is 1 and the gap only narrows.
    d
}

/// How two samples differ: the difference of their means in standard errors, and the
/// Kolmogorov–Smirnov statistic with its 0.1% critical value.
struct Agreement {
    means: (f64, f64),
    z: f64,
    d: f64,
    d_crit: f64,
}

/// N draws of `m` by inverse CDF against N draws of `reference`, from two seeded streams.
fn agreement(m: &Marginal, seed: u64, mut reference: impl FnMut(&mut Rng) -> f64) -> Agreement {
    let mut rng = Rng::seed_from_u64(seed);
    let mut ours: Vec<f64> = (0..N).map(|_| m.quantile(rng.random::<f64>())).collect();
    let mut rng = Rng::seed_from_u64(seed ^ 0x5245_4645_5245_4e43);
    let mut theirs: Vec<f64> = (0..N).map(|_| reference(&mut rng)).collect();

    let (ma, va) = moments(&ours);
    let (mb, vb) = moments(&theirs);
    let (n, k) = (ours.len() as f64, theirs.len() as f64);
    let z = (ma - mb) / (va / n + vb / k).sqrt();

    ours.sort_by(f64::total_cmp);
    theirs.sort_by(f64::total_cmp);
    Agreement {
        means: (ma, mb),
        z,
        d: ks_statistic(&ours, &theirs),
        d_crit: KS_C * ((n + k) / (n * k)).sqrt(),
    }
}

/// [`agreement`], asserting that the samples agree.
fn check(name: &str, m: &Marginal, seed: u64, reference: impl FnMut(&mut Rng) -> f64) {
    let Agreement {
        means: (ma, mb),
        z,
        d,
        d_crit,
    } = agreement(m, seed, reference);
    println!("{name}: means {ma:.6} vs {mb:.6} ({z:+.2} se); KS D = {d:.5} (bound {d_crit:.5})");
    assert!(
        z.abs() <= MEAN_SE,
        "{name}: mean {ma} (quantile) vs {mb} (rand_distr): {z:+.2} standard errors"
    );
    assert!(
        d < d_crit,
        "{name}: Kolmogorov–Smirnov D = {d} ≥ {d_crit} (0.1% critical value)"
    );
}

/// The comparison has power: a mean off by 5% of a standard deviation, or a standard deviation
/// off by 10%, is caught.
#[test]
fn a_wrong_reference_is_detected() {
    let m = marginal(Dist::normal(1.0, 0.2).expect("valid"), None, None);
    let shifted = Normal::new(1.01, 0.2).expect("valid");
    let a = agreement(&m, 20, |g| shifted.sample(g));
    println!("mean shifted by 0.05 sd: {:+.2} se", a.z);
    assert!(a.z.abs() > MEAN_SE, "mean shift unnoticed: {:+.2} se", a.z);
    let wider = Normal::new(1.0, 0.22).expect("valid");
    let a = agreement(&m, 21, |g| wider.sample(g));
    println!("sd 10% wider: KS D = {:.5} (bound {:.5})", a.d, a.d_crit);
    assert!(a.d > a.d_crit, "wider spread unnoticed: D = {}", a.d);
}

#[test]
fn uniform() {
    let m = marginal(Dist::uniform(0.05, 0.15).expect("valid"), None, None);
    let r = Uniform::new(0.05, 0.15).expect("valid");
    check("uniform(0.05, 0.15)", &m, 1, |g| r.sample(g));
}

#[test]
fn normal() {
    let m = marginal(Dist::normal(1.0, 0.2).expect("valid"), None, None);
    let r = Normal::new(1.0, 0.2).expect("valid");
    check("normal(1, 0.2)", &m, 2, |g| r.sample(g));
}

#[test]
fn lognormal_from_a_90_percent_interval() {
    let (p5, p95) = (0.05_f64, 0.1_f64);
    let m = marginal(Dist::lognormal_p5_p95(p5, p95).expect("valid"), None, None);
    let mu = 0.5 * (p5.ln() + p95.ln());
    let sigma = (p95.ln() - p5.ln()) / (2.0 * Z95);
    let r = LogNormal::new(mu, sigma).expect("valid");
    check("lognormal(p5=0.05, p95=0.1)", &m, 3, |g| r.sample(g));
}

#[test]
fn lognormal_wide() {
    // A heavy right tail: the mean rests on draws far above the median.
    let m = marginal(
        Dist::lognormal_median_sigma(2.0, 0.8).expect("valid"),
        None,
        None,
    );
    let r = LogNormal::new(2f64.ln(), 0.8).expect("valid");
    check("lognormal(median=2, sigma=0.8)", &m, 4, |g| r.sample(g));
}

#[test]
fn triangular() {
    let m = marginal(
        Dist::triangular(1.1, 1.18, 1.35).expect("valid"),
        None,
        None,
    );
    let r = Triangular::new(1.1, 1.35, 1.18).expect("valid");
    check("triangular(1.1, 1.18, 1.35)", &m, 5, |g| r.sample(g));
}

#[test]
fn triangular_with_the_mode_at_the_maximum() {
    let m = marginal(Dist::triangular(0.0, 1.0, 1.0).expect("valid"), None, None);
    let r = Triangular::new(0.0, 1.0, 1.0).expect("valid");
    check("triangular(0, 1, 1)", &m, 6, |g| r.sample(g));
}

#[test]
fn pert() {
    let m = marginal(Dist::pert(1.1, 1.2, 1.35).expect("valid"), None, None);
    let r = Pert::new(1.1, 1.35).with_mode(1.2).expect("valid");
    check("pert(1.1, 1.2, 1.35)", &m, 7, |g| r.sample(g));
}

#[test]
fn pert_with_the_mode_at_the_minimum() {
    let m = marginal(Dist::pert(0.0, 0.0, 10.0).expect("valid"), None, None);
    let r = Pert::new(0.0, 10.0).with_mode(0.0).expect("valid");
    check("pert(0, 0, 10)", &m, 8, |g| r.sample(g));
}

#[test]
fn beta_scaled() {
    let m = marginal(Dist::beta(2.0, 5.0, 0.5, 0.9).expect("valid"), None, None);
    let r = Beta::new(2.0, 5.0).expect("valid");
    check("beta(2, 5) on [0.5, 0.9]", &m, 9, |g| {
        0.5 + 0.4 * r.sample(g)
    });
}

#[test]
fn beta_u_shaped() {
    // Both shapes below 1: the density is infinite at both ends.
    let m = marginal(Dist::beta(0.5, 0.5, 0.0, 1.0).expect("valid"), None, None);
    let r = Beta::new(0.5, 0.5).expect("valid");
    check("beta(0.5, 0.5)", &m, 10, |g| r.sample(g));
}

#[test]
fn beta_concentrated() {
    let m = marginal(Dist::beta(30.0, 70.0, 0.0, 1.0).expect("valid"), None, None);
    let r = Beta::new(30.0, 70.0).expect("valid");
    check("beta(30, 70)", &m, 11, |g| r.sample(g));
}

#[test]
fn discrete() {
    // Values out of order, one of them with weight 0, weights not normalised.
    let values = vec![5.0, 1.0, 2.0, 3.0];
    let weights = vec![3.0, 2.0, 5.0, 0.0];
    let m = marginal(
        Dist::discrete(values.clone(), Some(weights.clone())).expect("valid"),
        None,
        None,
    );
    let r = WeightedAliasIndex::new(weights).expect("valid");
    check(
        "discrete([5, 1, 2, 3], weights [3, 2, 5, 0])",
        &m,
        12,
        |g| values[r.sample(g)],
    );
}

#[test]
fn discrete_equal_weights() {
    let values = vec![0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
    let m = marginal(
        Dist::discrete(values.clone(), None).expect("valid"),
        None,
        None,
    );
    let r = WeightedAliasIndex::new(vec![1.0; values.len()]).expect("valid");
    check("discrete(0.1 … 0.7, equal weights)", &m, 13, |g| {
        values[r.sample(g)]
    });
}

#[test]
fn truncated_normal_at_its_mean() {
    let m = marginal(Dist::normal(1.0, 1.0).expect("valid"), Some(1.0), None);
    let r = truncated(Normal::new(1.0, 1.0).expect("valid"), 1.0, f64::INFINITY);
    check("normal(1, 1) truncated to [1, inf)", &m, 14, r);
}

#[test]
fn truncated_normal_in_the_upper_tail() {
    // The whole interval lies above the mean: the quantile is read on the reflected side.
    let m = marginal(Dist::normal(0.0, 1.0).expect("valid"), Some(1.5), Some(2.5));
    let r = truncated(Normal::new(0.0, 1.0).expect("valid"), 1.5, 2.5);
    check("normal(0, 1) truncated to [1.5, 2.5]", &m, 15, r);
}

#[test]
fn truncated_lognormal() {
    let m = marginal(
        Dist::lognormal_median_sigma(2.0, 0.8).expect("valid"),
        Some(1.0),
        Some(5.0),
    );
    let r = truncated(LogNormal::new(2f64.ln(), 0.8).expect("valid"), 1.0, 5.0);
    check(
        "lognormal(median=2, sigma=0.8) truncated to [1, 5]",
        &m,
        16,
        r,
    );
}

#[test]
fn truncated_triangular() {
    let m = marginal(
        Dist::triangular(1.0, 1.2, 2.0).expect("valid"),
        Some(1.1),
        Some(1.5),
    );
    let r = truncated(Triangular::new(1.0, 2.0, 1.2).expect("valid"), 1.1, 1.5);
    check("triangular(1, 1.2, 2) truncated to [1.1, 1.5]", &m, 17, r);
}

#[test]
fn truncated_pert() {
    let m = marginal(
        Dist::pert(0.0, 2.0, 10.0).expect("valid"),
        Some(3.0),
        Some(8.0),
    );
    let r = truncated(
        Pert::new(0.0, 10.0).with_mode(2.0).expect("valid"),
        3.0,
        8.0,
    );
    check("pert(0, 2, 10) truncated to [3, 8]", &m, 18, r);
}

#[test]
fn truncated_beta() {
    let m = marginal(
        Dist::beta(2.0, 5.0, 0.0, 1.0).expect("valid"),
        Some(0.1),
        Some(0.5),
    );
    let r = truncated(Beta::new(2.0, 5.0).expect("valid"), 0.1, 0.5);
    check("beta(2, 5) truncated to [0.1, 0.5]", &m, 19, r);
}

/// The statistic itself, on samples small enough to check by hand.
#[test]
fn ks_statistic_by_hand() {
    // F_a steps at 1, 2, 3; F_b at 2, 2, 4. After 1: 1/3 vs 0; after 2: 2/3 vs 2/3;
    // after 3: 1 vs 2/3.
    let d = ks_statistic(&[1.0, 2.0, 3.0], &[2.0, 2.0, 4.0]);
    assert!((d - 1.0 / 3.0).abs() < 1e-15, "{d}");
    // Identical samples, ties included: 0.
    assert_eq!(ks_statistic(&[1.0, 1.0, 2.0], &[1.0, 1.0, 2.0]), 0.0);
    // Disjoint samples: 1.
    assert_eq!(ks_statistic(&[1.0, 2.0], &[3.0, 4.0, 5.0]), 1.0);
}
