//! Statistics: NumPy-compatible quantiles, Spearman with ties, batch-order moments, NaN policy,
//! probabilities and yearly series.

use gwsim::stats::{Accumulator, Proportion, SeriesAccumulator, quantile_sorted, spearman};

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

#[test]
fn quantiles_match_numpy_linear() {
    // numpy.quantile([1, 2, 3, 4], [0, .25, .5, .75, 1]) = [1, 1.75, 2.5, 3.25, 4]
    let x = [1.0, 2.0, 3.0, 4.0];
    let got: Vec<f64> = [0.0, 0.25, 0.5, 0.75, 1.0]
        .iter()
        .map(|&q| quantile_sorted(&x, q))
        .collect();
    assert_eq!(got, [1.0, 1.75, 2.5, 3.25, 4.0]);
    // numpy.quantile([1, 2.2, 3.2, 7.5, 9.9], [.05, .95]) = [1.24, 9.42]
    let y = [1.0, 2.2, 3.2, 7.5, 9.9];
    assert!(close(quantile_sorted(&y, 0.05), 1.24, 1e-15));
    assert!(close(quantile_sorted(&y, 0.95), 9.42, 1e-15));
    assert_eq!(quantile_sorted(&[7.0], 0.3), 7.0);
    assert!(quantile_sorted(&[], 0.5).is_nan());
    assert!(quantile_sorted(&x, f64::NAN).is_nan());
    // Out-of-range q is clamped.
    assert_eq!(quantile_sorted(&x, -1.0), 1.0);
    assert_eq!(quantile_sorted(&x, 2.0), 4.0);
}

#[test]
fn spearman_known_vectors_with_ties() {
    // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) = 0.8207826816681233
    let r = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[5.0, 6.0, 7.0, 8.0, 7.0]);
    assert!(close(r, 0.820_782_681_668_123_3, 1e-14), "{r}");
    // Ties on both sides: ranks x = [1.5, 1.5, 3, 4], y = [1, 2.5, 2.5, 4];
    // Pearson of the ranks = 3.75 / sqrt(4.5 · 4.5) = 0.8333… (scipy.stats.spearmanr agrees).
    let r = spearman(&[1.0, 1.0, 2.0, 3.0], &[10.0, 20.0, 20.0, 30.0]);
    assert!(close(r, 3.75 / 4.5, 1e-14), "{r}");
    assert!(close(
        spearman(&[1.0, 2.0, 3.0], &[1.0, 4.0, 9.0]),
        1.0,
        1e-15
    ));
    assert!(close(
        spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]),
        -1.0,
        1e-15
    ));
    assert!(spearman(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]).is_nan());
    assert!(spearman(&[1.0, 2.0], &[1.0]).is_nan());
    assert!(spearman(&[1.0, f64::NAN, 2.0], &[1.0, 2.0, 3.0]).is_nan());
}

#[test]
fn spearman_ties_signed_zeros_and_matches_ranking_by_comparison() {
    // -0 and +0 compare equal: x ranks [2, 2, 4, 2]; Pearson with [1, 2, 3, 4] is 1 / sqrt(15).
    let r = spearman(&[0.0, -0.0, 1.0, -0.0], &[1.0, 2.0, 3.0, 4.0]);
    assert!(close(r, 1.0 / 15f64.sqrt(), 1e-15), "{r}");
    // Against average ranks from a comparison sort of positions, on data with many ties: the
    // same ranks, so the same bits.
    fn ranks_by_comparison(x: &[f64]) -> Vec<f64> {
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
        let mut ranks = vec![0.0; x.len()];
        let mut i = 0;
        while i < order.len() {
            let mut j = i + 1;
            while j < order.len() && x[order[j]] == x[order[i]] {
                j += 1;
            }
            for &o in &order[i..j] {
                ranks[o] = (i + 1 + j) as f64 / 2.0;
            }
            i = j;
        }
        ranks
    }
    fn pearson(a: &[f64], b: &[f64]) -> f64 {
        let n = a.len() as f64;
        let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
        let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
        for (x, y) in a.iter().zip(b) {
            let (dx, dy) = (x - ma, y - mb);
            sab += dx * dy;
            saa += dx * dx;
            sbb += dy * dy;
        }
        sab / (saa * sbb).sqrt()
    }
    let x: Vec<f64> = data(20_000, 3)
        .iter()
        .map(|v| (v * 50.0).round() - 25.0)
        .collect();
    let y: Vec<f64> = data(20_000, 4)
        .iter()
        .zip(&x)
        .map(|(v, x)| x + (v * 10.0).round())
        .collect();
    let want = pearson(&ranks_by_comparison(&x), &ranks_by_comparison(&y));
    assert_eq!(spearman(&x, &y).to_bits(), want.to_bits());
}

/// Deterministic pseudo-random data (a linear congruential generator is enough here).
fn data(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            1e6 + ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.3).powi(3) * 1e3
        })
        .collect()
}

#[test]
fn chan_merge_equals_one_pass() {
    let x = data(10_007, 1);
    let mut batched = Accumulator::new();
    let mut start = 0;
    for size in [1, 2, 1000, 3, 4096, 17].iter().cycle() {
        if start >= x.len() {
            break;
        }
        let end = (start + size).min(x.len());
        batched.push_batch(&x[start..end]);
        start = end;
    }
    let mut whole = Accumulator::new();
    whole.push_batch(&x);
    // Two-pass reference.
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    for acc in [&batched, &whole] {
        assert_eq!(acc.count(), x.len() as u64);
        assert!(close(acc.mean(), mean, 1e-14));
        assert!(
            close(acc.summary().sd, sd, 1e-10),
            "{} vs {sd}",
            acc.summary().sd
        );
        assert!(close(acc.se(), sd / n.sqrt(), 1e-10));
    }
    assert_eq!(batched.summary().p50, whole.summary().p50);
    assert_eq!(batched.summary().min, whole.summary().min);
}

#[test]
fn summary_of_one_to_a_hundred() {
    let x: Vec<f64> = (1..=100).map(f64::from).collect();
    let mut acc = Accumulator::new();
    acc.push_batch(&x[..37]);
    acc.push_batch(&x[37..]);
    let s = acc.summary();
    // numpy: mean 50.5, std(ddof=1) 29.011491975882016, quantiles at .05 .25 .5 .75 .95 =
    // 5.95, 25.75, 50.5, 75.25, 95.05.
    assert!(close(s.mean, 50.5, 1e-15));
    assert!(close(s.sd, 29.011_491_975_882_016, 1e-14));
    assert!(close(s.se, 2.901_149_197_588_201_6, 1e-14));
    assert_eq!((s.min, s.max), (1.0, 100.0));
    for (got, want) in [
        (s.p5, 5.95),
        (s.p25, 25.75),
        (s.p50, 50.5),
        (s.p75, 75.25),
        (s.p95, 95.05),
    ] {
        assert!(close(got, want, 1e-14), "{got} vs {want}");
    }
    assert_eq!(acc.quantile(0.0), 1.0);
    assert_eq!(acc.quantile(1.0), 100.0);
}

#[test]
fn empty_and_single_value_summaries() {
    let acc = Accumulator::new();
    let s = acc.summary();
    assert!(s.mean.is_nan() && s.sd.is_nan() && s.p50.is_nan() && s.min.is_nan());
    let mut one = Accumulator::new();
    one.push_batch(&[4.0]);
    let s = one.summary();
    assert_eq!(
        (s.mean, s.min, s.max, s.p5, s.p95),
        (4.0, 4.0, 4.0, 4.0, 4.0)
    );
    assert!(s.sd.is_nan() && s.se.is_nan());
}

#[test]
fn nan_values_are_skipped_and_counted() {
    let mut acc = Accumulator::new();
    acc.push_batch(&[1.0, f64::NAN, 3.0]);
    acc.push_batch(&[f64::NAN]);
    assert_eq!(acc.count(), 2);
    assert_eq!(acc.nan_count(), 2);
    assert_eq!(acc.mean(), 2.0);
    assert_eq!(acc.summary().p50, 2.0);
    assert_eq!(acc.sketch().nan_count(), 2);
    assert_eq!(acc.sketch().len(), 2);
}

#[test]
fn proportions() {
    let mut p = Proportion::new();
    assert!(p.fraction().is_nan());
    p.push_batch(&[true, false, true, true]);
    p.push_batch(&[false]);
    assert_eq!(p.count(), 5);
    assert_eq!(p.fraction(), 0.6);
    assert!(close(p.se(), (0.6f64 * 0.4 / 5.0).sqrt(), 1e-15));
}

#[test]
fn yearly_series_keep_one_accumulator_per_year() {
    let mut s = SeriesAccumulator::new(3);
    // Year-major batch of n = 2: year k, sample i at k * 2 + i.
    s.push_batch(2, &[1.0, 2.0, 10.0, 20.0, 100.0, 200.0]);
    s.push_year(2, &[300.0]);
    let sums = s.summaries();
    assert_eq!(sums.len(), 3);
    assert_eq!(sums[0].mean, 1.5);
    assert_eq!(sums[1].mean, 15.0);
    assert_eq!(sums[2].mean, 200.0);
    assert_eq!(s.year(2).map(|a| a.count()), Some(3));
    assert!(s.year(3).is_none());
}
