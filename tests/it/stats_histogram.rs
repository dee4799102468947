//! The histogram phase of the quantile sketch: beyond the pilot of 2^18 values, every quantile's
//! rank error stays within the reported bound and below MODEL.md's 0.1%, on 2 M values of
//! several shapes (and on a pathological one, through the compacting fallback).

use crate::common::rank_error;
use gwsim::engine::{RunConfig, Silent, Simulation};
use gwsim::scenario;
use gwsim::stats::{Accumulator, BatchMoments, PILOT, Phase, QuantileSketch, quantile_sorted};

const QS: [f64; 9] = [0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999];
const N: usize = 2_000_000;

/// A deterministic stream of uniforms in (0, 1).
struct Lcg(u64);

impl Lcg {
    fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// A standard normal (Box–Muller, one of the pair).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn column(n: usize, seed: u64, f: impl Fn(usize, &mut Lcg) -> f64) -> Vec<f64> {
    let mut g = Lcg(seed);
    (0..n).map(|i| f(i, &mut g)).collect()
}

fn check(name: &str, x: Vec<f64>, phase: Phase) -> (f64, f64) {
    let mut acc = Accumulator::new();
    for chunk in x.chunks(32_768) {
        acc.push_batch(chunk);
    }
    let sketch = acc.sketch();
    assert_eq!(sketch.phase(), phase, "{name}: phase");
    assert_eq!(sketch.len(), x.len() as u64);
    let bound = sketch.rank_error_bound();
    assert!(bound < 0.001, "{name}: bound {bound}");
    let mut sorted = x;
    sorted.sort_by(f64::total_cmp);
    let est = acc.quantiles(&QS);
    let mut worst: f64 = 0.0;
    for (&q, &e) in QS.iter().zip(&est) {
        let err = rank_error(&sorted, q, e);
        let exact = quantile_sorted(&sorted, q);
        assert!(
            err <= bound,
            "{name}: q = {q}: estimate {e} (exact {exact}) rank error {err:.3e} > bound {bound:.3e}"
        );
        worst = worst.max(err);
    }
    // Also the sketch's own estimates (without the accumulator's min/max) on a fine grid.
    let fine: Vec<f64> = (0..=200).map(|i| i as f64 / 200.0).collect();
    for (&q, &e) in fine.iter().zip(&sketch.quantiles(&fine)) {
        let err = rank_error(&sorted, q, e);
        assert!(
            err <= bound,
            "{name}: q = {q}: rank error {err:.3e} > {bound:.3e}"
        );
        worst = worst.max(err);
    }
    // Value equality: f64::min may pick either zero of a signed pair.
    assert_eq!(acc.min(), sorted[0], "{name}: min");
    assert_eq!(acc.quantile(0.0), sorted[0]);
    assert_eq!(acc.quantile(1.0), sorted[sorted.len() - 1]);
    assert_eq!(acc.max(), sorted[sorted.len() - 1], "{name}: max");
    // Counts (256 KiB), atoms where point masses need them (key, copies and values below: 24
    // bytes a bucket) and the values outside the range (at most 2/128 of 2M, trimmed).
    assert!(
        phase != Phase::Histogram || sketch.memory_bytes() < 4 * 65_536 + 24 * 65_536 + (1 << 20),
        "{name}: {} bytes",
        sketch.memory_bytes()
    );
    eprintln!("{name}: worst rank error {worst:.3e}, bound {bound:.3e}");
    (worst, bound)
}

#[test]
fn uniform() {
    check(
        "uniform",
        column(N, 1, |_, g| g.uniform()),
        Phase::Histogram,
    );
}

#[test]
fn normal() {
    check("normal", column(N, 2, |_, g| g.normal()), Phase::Histogram);
}

#[test]
fn lognormal() {
    check(
        "lognormal",
        column(N, 3, |_, g| g.normal().exp()),
        Phase::Histogram,
    );
}

#[test]
fn narrow_range_of_years() {
    let x = column(N, 4, |_, g| 2026.5 + 0.3 * g.normal());
    check("years", x, Phase::Histogram);
}

#[test]
fn wide_range_across_zero_with_outliers() {
    // An NPV-like column: normal(1e9, 5e9), and every 200,000th value an outlier of ±1e11..2e11
    // (two of them in the pilot).
    let x = column(N, 5, |i, g| {
        let v = 1e9 + 5e9 * g.normal();
        if i % 200_000 == 7 {
            let sign = if (i / 200_000) % 2 == 0 { 1.0 } else { -1.0 };
            sign * 1e11 * (1.0 + g.uniform())
        } else {
            v
        }
    });
    check("npv", x, Phase::Histogram);
}

#[test]
fn long_tail_across_zero_uses_a_trimmed_grid() {
    // A margin-like column, 1 − 0.3 × lognormal(σ = 1): the bulk near 0.9, a tail down to about
    // −60. Over the whole range neither grid resolves the bulk; without the pilot's 2^-10
    // smallest and largest values the linear grid does, and those tails are kept exactly.
    let x = column(N, 15, |_, g| 1.0 - 0.3 * g.normal().exp());
    let mut s = QuantileSketch::new();
    s.push(&x);
    assert_eq!(s.phase(), Phase::Histogram);
    // About 2 N / 1024 ≈ 3,900 values kept beside the counts.
    assert!(
        s.memory_bytes() > 4 * 65_536 + 8 * 3_000,
        "{}",
        s.memory_bytes()
    );
    check("margin", x, Phase::Histogram);
}

#[test]
fn discrete_values_with_ties() {
    // Multiples of 72 between 72 and 72,000: heavy ties, each value about 0.1% of the data.
    let x = column(N, 6, |_, g| 72.0 * (1.0 + (g.uniform() * 1000.0).floor()));
    check("multiples of 72", x, Phase::Histogram);
}

/// When every bucket is one value (or every order statistic falls in a single-value bucket),
/// the quantiles are NumPy's to the bit.
fn assert_exactly_numpy(x: &[f64]) {
    let mut s = QuantileSketch::new();
    for chunk in x.chunks(32_768) {
        s.push(chunk);
    }
    assert_eq!(s.phase(), Phase::Histogram);
    let mut sorted = x.to_vec();
    sorted.sort_by(f64::total_cmp);
    let fine: Vec<f64> = (0..=1000).map(|i| i as f64 / 1000.0).collect();
    for (&q, &e) in fine.iter().zip(&s.quantiles(&fine)) {
        assert_eq!(
            e.to_bits(),
            quantile_sorted(&sorted, q).to_bits(),
            "q = {q}"
        );
    }
}

#[test]
fn few_discrete_values_are_exact_buckets() {
    // Eight values in a narrow key span: the key grid's buckets are single values (shift 0).
    let x = column(N, 7, |_, g| {
        1.0 + (g.uniform() * 8.0).floor() * f64::EPSILON
    });
    assert_exactly_numpy(&x);
    let (worst, bound) = check("eight values", x, Phase::Histogram);
    assert_eq!(worst, 0.0);
    assert!(bound <= 1.0 / N as f64);
}

#[test]
fn point_masses_sharing_buckets_with_a_continuum() {
    // Like GPUs installed by a late year: 70% on whole deployments (multiples of 504 between
    // 150k and 470k, each value ~0.11% of the data, more than a bucket may hold) and 30% anywhere
    // in the range. Without atoms no grid passes (the columns fell back to compaction before);
    // with them each bucket's atom is exact and only the other values count against the bound.
    let x = column(N, 15, |_, g| {
        if g.uniform() < 0.7 {
            504.0 * (298.0 + (g.uniform() * 635.0).floor())
        } else {
            150_000.0 + 320_000.0 * g.uniform()
        }
    });
    let (_, bound) = check("deployments and a continuum", x, Phase::Histogram);
    assert!(bound < 5e-5, "bound {bound}");
}

#[test]
fn point_masses_in_buckets_of_their_own_are_exact() {
    // A few values spread over decades: each bucket that holds one is a single value.
    let x = column(N, 14, |_, g| {
        [0.5, 3.0, 7.25, 1e3, 4e6][(g.uniform() * 5.0) as usize]
    });
    assert_exactly_numpy(&x);
    check("five values over decades", x, Phase::Histogram);
}

#[test]
fn constant_column() {
    let x = vec![3.25; N];
    assert_exactly_numpy(&x);
    let (worst, _) = check("constant", x, Phase::Histogram);
    assert_eq!(worst, 0.0);
}

#[test]
fn signed_zeros() {
    // −0 and +0 are two keys (shift 0): the order statistics are exact, signs included, and the
    // interpolation is NumPy's (whose −0 + 0 gives +0).
    let x = column(N, 8, |_, g| if g.uniform() < 0.5 { -0.0 } else { 0.0 });
    assert_exactly_numpy(&x);
    let mut s = QuantileSketch::new();
    s.push(&x);
    let negative = x.iter().filter(|v| v.is_sign_negative()).count();
    // An integer h: the order statistic itself.
    let q = (negative - 1) as f64 / (N - 1) as f64;
    let v = s.quantile(q);
    assert!(v == 0.0 && v.is_sign_negative(), "{v}");
    check("signed zeros", x, Phase::Histogram);
}

#[test]
fn point_mass_with_a_wide_range_falls_back_to_compaction() {
    // 30% at exactly 1.0 beside a continuum from -1e12 to 1e12: no grid puts less than 2^-11 of
    // the pilot in one bucket while the mass sits in a bucket with other values.
    let x = column(N, 9, |_, g| {
        let u = g.uniform();
        if u < 0.3 {
            1.0 + 1e-9 * g.uniform()
        } else {
            1e12 * (2.0 * g.uniform() - 1.0)
        }
    });
    let (_, bound) = check("point mass", x, Phase::Compacting);
    assert_eq!(bound, 16.0 / 65_536.0);
}

#[test]
fn pilot_boundary() {
    let x = column(PILOT + 1, 10, |_, g| g.normal());
    let mut exact = QuantileSketch::new();
    for chunk in x[..PILOT].chunks(10_000) {
        exact.push(chunk);
    }
    assert_eq!(exact.phase(), Phase::Exact);
    assert_eq!(exact.rank_error_bound(), 0.0);
    let mut sorted = x[..PILOT].to_vec();
    sorted.sort_by(f64::total_cmp);
    for q in QS {
        assert_eq!(exact.quantile(q), quantile_sorted(&sorted, q));
    }
    exact.push(&x[PILOT..]);
    assert_eq!(exact.phase(), Phase::Histogram);
    assert_eq!(exact.len(), PILOT as u64 + 1);
    // The pilot is always the first PILOT values, whatever the batches: one push of everything
    // gives the same quantiles.
    let mut once = QuantileSketch::new();
    once.push(&x);
    assert_eq!(once.phase(), Phase::Histogram);
    let fine: Vec<f64> = (0..=100).map(|i| i as f64 / 100.0).collect();
    let (a, b) = (exact.quantiles(&fine), once.quantiles(&fine));
    assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
    assert!(exact.rank_error_bound() > 0.0 && exact.rank_error_bound() < 0.001);
}

#[test]
fn nan_is_skipped_and_counted_in_every_phase() {
    let mut x = column(PILOT + 100_000, 11, |_, g| g.uniform());
    for i in (0..x.len()).step_by(50_000) {
        x[i] = f64::NAN;
    }
    x[PILOT + 50] = -f64::NAN;
    let nans = x.iter().filter(|v| v.is_nan()).count();
    let clean: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
    let mut s = QuantileSketch::new();
    for chunk in x.chunks(32_768) {
        s.push(chunk);
    }
    assert_eq!(s.phase(), Phase::Histogram);
    assert_eq!(s.nan_count(), nans as u64);
    assert_eq!(s.len(), clean.len() as u64);
    let mut sorted = clean;
    sorted.sort_by(f64::total_cmp);
    let bound = s.rank_error_bound();
    for (&q, &e) in QS.iter().zip(&s.quantiles(&QS)) {
        assert!(!e.is_nan());
        assert!(rank_error(&sorted, q, e) <= bound);
    }
}

#[test]
fn values_beyond_the_pilot_range_are_exact() {
    // The pilot sees [0, 1); later values reach 10: the top quantiles come from the exact list.
    let mut x = column(PILOT, 12, |_, g| g.uniform());
    x.extend(column(PILOT, 13, |i, g| {
        if i % 1000 == 0 {
            2.0 + 8.0 * g.uniform()
        } else {
            g.uniform()
        }
    }));
    let mut s = QuantileSketch::new();
    for chunk in x.chunks(32_768) {
        s.push(chunk);
    }
    assert_eq!(s.phase(), Phase::Histogram);
    let mut sorted = x;
    sorted.sort_by(f64::total_cmp);
    // The largest 262 values lie above 2, beyond the pilot's range, and are kept exactly: the
    // top quantiles are NumPy's to the bit.
    assert!(sorted[sorted.len() - 262] > 2.0);
    for k in 0..200 {
        let q = 1.0 - k as f64 * 1e-6;
        assert_eq!(
            s.quantile(q).to_bits(),
            quantile_sorted(&sorted, q).to_bits(),
            "q = {q}"
        );
    }
}

#[test]
fn beyond_the_pilot_the_bits_do_not_depend_on_the_thread_count() {
    // The headline scenario past the pilot: every column in its histogram (or compacting) phase
    // gives the same quantiles on 1, 2 and 3 threads.
    let s = scenario::load_str(scenario::HEADLINE_TOML, scenario::HEADLINE_NAME, None, &[])
        .expect("the embedded headline scenario is valid");
    let qs: Vec<f64> = (0..=100).map(|i| i as f64 / 100.0).collect();
    let mut runs = Vec::new();
    for threads in [1, 2, 3] {
        let cfg = RunConfig {
            samples: PILOT as u64 + 40_000,
            threads: Some(threads),
            ..RunConfig::from_scenario(&s)
        };
        let sim = Simulation::new(&s, &cfg).expect("simulation");
        let r = sim.run(&cfg, &mut Silent).expect("run");
        let mut accs: Vec<&Accumulator> = r.metrics.iter().flatten().collect();
        accs.extend(r.series.iter().flatten().flatten());
        accs.extend(&r.inputs);
        assert!(accs.iter().all(|a| !a.sketch().is_exact()));
        let bits: Vec<u64> = accs
            .iter()
            .flat_map(|a| a.quantiles(&qs))
            .chain(accs.iter().map(|a| a.sketch().rank_error_bound()))
            .map(f64::to_bits)
            .collect();
        runs.push(bits);
    }
    assert!(runs[0] == runs[1] && runs[0] == runs[2]);
}

/// `n` values whose magnitudes run from 1 to 1e12 (the lanes' sums round differently in any
/// other order), with a NaN, a −0 and a +0 in every `period`.
fn wide_column(n: usize, seed: u64, period: usize) -> Vec<f64> {
    column(n, seed, |i, g| match i % period {
        0 => f64::NAN,
        1 => -0.0,
        2 => 0.0,
        _ => (27.6 * g.uniform()).exp(),
    })
}

#[test]
fn moments_made_while_counting_have_the_bits_of_batch_moments() {
    // In the histogram phase, the accumulator makes the moments' first pass while counting; a
    // sketch without a histogram phase leaves them to BatchMoments. Both must give the same
    // bits, with NaN, infinities (outside every grid), signed zeros and a short last batch.
    let mut x = wide_column(PILOT + 300_003, 12, 1_000);
    x[PILOT + 7] = f64::INFINITY;
    x[PILOT + 70_001] = f64::NEG_INFINITY;
    x[PILOT + 99_999] = -f64::NAN;
    let finite: Vec<f64> = x
        .iter()
        .map(|&v| if v.is_infinite() { 1e6 } else { v })
        .collect();
    for data in [&x, &finite] {
        let mut counted = Accumulator::new();
        let compacting = QuantileSketch::with_parameters(PILOT, 1 << 16, 16).expect("sketch");
        let mut plain = Accumulator::with_sketch(compacting);
        for chunk in data.chunks(32_768) {
            counted.push_batch(chunk);
            plain.push_batch(chunk);
        }
        assert_eq!(counted.sketch().phase(), Phase::Histogram);
        assert_eq!(plain.sketch().phase(), Phase::Compacting);
        let bits = |a: &Accumulator| [a.mean(), a.sd(), a.min(), a.max()].map(f64::to_bits);
        assert_eq!(bits(&counted), bits(&plain));
        assert_eq!(
            (counted.count(), counted.nan_count()),
            (plain.count(), plain.nan_count())
        );
        assert_eq!(counted.sketch().len(), counted.count());
        assert_eq!(counted.sketch().nan_count(), counted.nan_count());
    }
}

#[test]
fn one_reading_per_batch_gives_the_bits_of_moments_and_sketch_apart() {
    // The accumulator stores a batch in the pilot, or counts it in the histogram, while making
    // the moments' first pass. The reference takes them apart: each batch's moments from the
    // general passes (Chan's update, spelled out here) and the values pushed to a sketch of
    // their own. Batches of several sizes: one that fills the pilot exactly and one that
    // straddles it; NaN and signed zeros in the pilot and after it, infinities after it; a
    // column whose pilot fills exactly and then sees only NaN stays exact.
    let mut x = wide_column(PILOT + 200_001, 14, 997);
    x[PILOT + 11] = f64::NEG_INFINITY;
    x[PILOT + 12] = f64::INFINITY;
    let clean: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
    let all_nan_after_full_pilot: Vec<f64> = clean[..PILOT]
        .iter()
        .copied()
        .chain(std::iter::repeat_n(f64::NAN, 5_000))
        .collect();
    let qs: Vec<f64> = (0..=200).map(|i| i as f64 / 200.0).collect();
    for (data, batch, phase) in [
        (&x, 32_768, Phase::Histogram),
        (&x, 10_007, Phase::Histogram),
        (&clean, 32_768, Phase::Histogram),
        (&clean, 65_536, Phase::Histogram),
        (&all_nan_after_full_pilot, 32_768, Phase::Exact),
    ] {
        let mut acc = Accumulator::new();
        let mut sketch = QuantileSketch::new();
        // (n, mean, m2, min, max)
        let mut reference = (0u64, 0.0f64, 0.0f64, f64::INFINITY, f64::NEG_INFINITY);
        for chunk in data.chunks(batch) {
            acc.push_batch(chunk);
            sketch.push(chunk);
            let b = BatchMoments::of_general(chunk);
            if b.n == 0 {
                continue;
            }
            let (n, mean, m2, min, max) = reference;
            reference = if n == 0 {
                (b.n, b.mean, b.m2, b.min, b.max)
            } else {
                let (na, nb) = (n as f64, b.n as f64);
                let delta = b.mean - mean;
                (
                    n + b.n,
                    mean + delta * (nb / (na + nb)),
                    m2 + b.m2 + delta * delta * (na * nb / (na + nb)),
                    min.min(b.min),
                    max.max(b.max),
                )
            };
        }
        let case = format!("batches of {batch}, {} values", data.len());
        let (n, mean, m2, min, max) = reference;
        assert_eq!(acc.sketch().phase(), phase, "{case}");
        assert_eq!(sketch.phase(), phase, "{case}");
        assert_eq!(acc.count(), n, "{case}");
        assert_eq!(acc.nan_count(), data.len() as u64 - n, "{case}");
        assert_eq!(acc.sketch().len(), n, "{case}");
        assert_eq!(acc.sketch().nan_count(), sketch.nan_count(), "{case}");
        let sd = (m2 / (n - 1) as f64).sqrt();
        let got = [acc.mean(), acc.sd(), acc.min(), acc.max()].map(f64::to_bits);
        assert_eq!(got, [mean, sd, min, max].map(f64::to_bits), "{case}");
        let bits = |v: Vec<f64>| v.into_iter().map(f64::to_bits).collect::<Vec<_>>();
        assert_eq!(
            bits(acc.sketch().quantiles(&qs)),
            bits(sketch.quantiles(&qs)),
            "{case}"
        );
        assert_eq!(
            acc.sketch().rank_error_bound().to_bits(),
            sketch.rank_error_bound().to_bits(),
            "{case}"
        );
    }
}
