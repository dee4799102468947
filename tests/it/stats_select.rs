//! Quantiles without a full sort, the radix sort, and two-pass batch moments: each checked
//! against the plain definition (sort, then NumPy's linear quantile; one-pass sums by hand).

use gwsim::stats::{BatchMoments, quantile_sorted, quantiles_unsorted, sort_f64};
use proptest::prelude::*;

const QS: [f64; 9] = [0.0, 0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999, 1.0];

fn by_sorting(v: &[f64], qs: &[f64]) -> Vec<f64> {
    let mut s = v.to_vec();
    s.sort_unstable_by(f64::total_cmp);
    qs.iter().map(|&q| quantile_sorted(&s, q)).collect()
}

fn lcg(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn selection_equals_sorting_on_shapes_that_stress_the_buckets() {
    let u = lcg(200_003, 7);
    let grid: Vec<f64> = (0..=200).map(|i| i as f64 / 200.0).collect();
    let cases: Vec<(&str, Vec<f64>)> = vec![
        ("uniform", u.clone()),
        // Twelve decades: most buckets empty, the values spread in log space.
        (
            "lognormal-ish",
            u.iter().map(|x| (x * 28.0 - 14.0).exp()).collect(),
        ),
        ("signed", u.iter().map(|x| (x - 0.4) * 1e9).collect()),
        // Everything in one narrow range: one bucket holds most values.
        ("narrow", u.iter().map(|x| 2.0 + x * 1e-12).collect()),
        ("ties", u.iter().map(|x| (x * 5.0).floor()).collect()),
        ("constant", vec![3.25; 10_000]),
        (
            "infinities and zeros",
            u.iter()
                .enumerate()
                .map(|(i, &x)| match i % 5 {
                    0 => f64::INFINITY,
                    1 => f64::NEG_INFINITY,
                    2 => -0.0,
                    3 => 0.0,
                    _ => x,
                })
                .collect(),
        ),
    ];
    for (name, v) in &cases {
        for qs in [&QS[..], &grid[..]] {
            assert_eq!(
                bits(&quantiles_unsorted(v, qs)),
                bits(&by_sorting(v, qs)),
                "{name}"
            );
        }
    }
    assert!(quantiles_unsorted(&[], &[0.5])[0].is_nan());
    assert!(quantiles_unsorted(&u, &[f64::NAN])[0].is_nan());
}

#[test]
fn radix_sort_matches_total_order_sort() {
    let u = lcg(100_000, 3);
    let mut v: Vec<f64> = u
        .iter()
        .enumerate()
        .map(|(i, &x)| match i % 7 {
            0 => -x * 1e300,
            1 => -0.0,
            2 => 0.0,
            3 => f64::NEG_INFINITY,
            4 => x * 1e-300,
            _ => (x - 0.5) * 10.0,
        })
        .collect();
    let mut expected = v.clone();
    expected.sort_unstable_by(f64::total_cmp);
    sort_f64(&mut v);
    assert_eq!(bits(&v), bits(&expected));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn selection_equals_sorting(v in prop::collection::vec(-1e12f64..1e12, 4_000..12_000),
                                q in 0.0f64..=1.0) {
        prop_assert_eq!(bits(&quantiles_unsorted(&v, &[q])), bits(&by_sorting(&v, &[q])));
    }

    #[test]
    fn radix_sort_is_a_sort(v in prop::collection::vec(any::<f64>().prop_filter("no NaN", |x| !x.is_nan()), 4_096..9_000)) {
        let mut a = v.clone();
        let mut b = v;
        sort_f64(&mut a);
        b.sort_unstable_by(f64::total_cmp);
        prop_assert_eq!(bits(&a), bits(&b));
    }
}

#[test]
fn batch_moments_by_hand() {
    // 1, 2, NaN, 4, 8, 9: n = 5, mean 24/5 = 4.8,
    // m2 = 3.8² + 2.8² + 0.8² + 3.2² + 4.2² = 14.44 + 7.84 + 0.64 + 10.24 + 17.64 = 50.8.
    let b = BatchMoments::of(&[1.0, 2.0, f64::NAN, 4.0, 8.0, 9.0]);
    assert_eq!((b.n, b.nan), (5, 1));
    assert!((b.mean - 4.8).abs() < 1e-15);
    assert!((b.m2 - 50.8).abs() < 1e-12);
    assert_eq!((b.min, b.max), (1.0, 9.0));
    let empty = BatchMoments::of(&[f64::NAN, f64::NAN]);
    assert_eq!((empty.n, empty.nan), (0, 2));
}

#[test]
fn batch_moments_fast_passes_give_the_general_bits() {
    // Columns without NaN take passes without per-value selects; they must give the bits of the
    // general passes, signed zeros, infinities and offsets included.
    let u = lcg(32_768, 5);
    let moment_bits = |b: &BatchMoments| {
        (
            b.n,
            b.nan,
            b.mean.to_bits(),
            b.m2.to_bits(),
            b.min.to_bits(),
            b.max.to_bits(),
        )
    };
    let mut cases: Vec<Vec<f64>> = vec![
        u.clone(),
        u.iter().map(|x| 1e9 + x).collect(),
        u.iter().map(|x| -3.0 * x * x).collect(),
        u.iter()
            .enumerate()
            .map(|(i, &x)| match i % 3 {
                0 => -0.0,
                1 => 0.0,
                _ => x,
            })
            .collect(),
        vec![0.0, -0.0, -0.0, 0.0, -0.0, 0.0, 0.0],
        vec![-0.0, 0.0, 0.0, -0.0, 1.0],
        vec![1.0, f64::INFINITY, 2.0],
        vec![f64::NEG_INFINITY, f64::INFINITY],
        vec![1.0, f64::NAN, 2.0],
        vec![],
    ];
    for len in 1..9 {
        cases.push(u[..len].to_vec());
    }
    for (i, v) in cases.iter().enumerate() {
        assert_eq!(
            moment_bits(&BatchMoments::of(v)),
            moment_bits(&BatchMoments::of_general(v)),
            "case {i}"
        );
    }
    // Of signed zeros that compare equal, the one seen first (lane by lane) is kept.
    let z = BatchMoments::of(&[-0.0, 0.0, 0.0, 0.0, 0.0]);
    assert_eq!(z.min.to_bits(), (-0.0f64).to_bits());
    assert_eq!(z.max.to_bits(), (-0.0f64).to_bits());
}

#[test]
fn batch_moments_keep_precision_on_a_large_offset() {
    // Values 1e9 + {0, 1, …, 9}: the variance (n − 1) is 9.1666…, which naive Σx² − n x̄² loses.
    let v: Vec<f64> = (0..10).map(|i| 1e9 + i as f64).collect();
    let b = BatchMoments::of(&v);
    assert!((b.mean - (1e9 + 4.5)).abs() < 1e-6);
    assert!((b.m2 / 9.0 - 55.0 / 6.0).abs() < 1e-9, "{}", b.m2 / 9.0);
}

#[test]
fn accumulator_quantiles_equal_sorting_with_signed_zeros_at_the_ends() {
    use gwsim::stats::Accumulator;
    let u = lcg(50_000, 11);
    // Smallest values -0.0 (f64::min may report +0.0), largest +0.0.
    let v: Vec<f64> = u
        .iter()
        .enumerate()
        .map(|(i, &x)| match i % 3 {
            0 => -0.0,
            1 => 0.0,
            _ => -x,
        })
        .collect();
    let w: Vec<f64> = u.iter().map(|x| x + 1.0).collect();
    for data in [&v, &w] {
        let mut acc = Accumulator::new();
        for chunk in data.chunks(4_096) {
            acc.push_batch(chunk);
        }
        let qs = [0.01, 0.3, 0.5, 0.99];
        assert_eq!(bits(&acc.quantiles(&qs)), bits(&by_sorting(data, &qs)));
    }
}
