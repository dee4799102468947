//! Rank correlation by the Gaussian copula: the achieved Spearman, the marginals, the refusals.

use gwsim::sampling::{Design, SamplingError};
use gwsim::scenario::SamplerKind;
use gwsim::stats::spearman;

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("v.{i}")).collect()
}

fn fill(design: &Design, batch: u64, n: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; design.paths().len() * n];
    design.fill_batch(batch, n, &mut out);
    out
}

/// Kolmogorov–Smirnov distance of `u` from the uniform distribution.
fn ks_uniform(u: &[f64]) -> f64 {
    let mut s = u.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len() as f64;
    s.iter()
        .enumerate()
        .map(|(i, &x)| (x - i as f64 / n).max((i + 1) as f64 / n - x))
        .fold(0.0, f64::max)
}

#[test]
fn achieved_spearman_is_close_to_the_target() {
    let n = 20_000;
    for sampler in [SamplerKind::Mc, SamplerKind::Lhs, SamplerKind::Sobol] {
        for (seed, rho) in [(1, 0.7), (2, -0.5), (3, 0.3)] {
            let design = Design::new(sampler, seed, names(3), &[(0, 2, rho)], n).expect("design");
            let out = fill(&design, 0, n);
            let got = spearman(&out[..n], &out[2 * n..]);
            assert!((got - rho).abs() < 0.02, "{sampler:?} ρ = {rho}: {got}");
            // The uncorrelated value stays uncorrelated.
            assert!(spearman(&out[..n], &out[n..2 * n]).abs() < 0.03);
        }
    }
}

#[test]
fn a_group_of_three_gets_its_three_correlations() {
    let n = 20_000;
    let corr = [(0, 1, 0.7), (1, 2, 0.4), (0, 2, 0.2)];
    let design = Design::new(SamplerKind::Lhs, 9, names(4), &corr, n).expect("design");
    let out = fill(&design, 0, n);
    let col = |k: usize| &out[k * n..(k + 1) * n];
    for &(i, j, rho) in &corr {
        let got = spearman(col(i), col(j));
        assert!((got - rho).abs() < 0.02, "({i}, {j}) ρ = {rho}: {got}");
    }
}

#[test]
fn marginals_stay_uniform() {
    let n = 20_000;
    // KS critical value at the 0.1% level: 1.95 / sqrt(n) ≈ 0.0138.
    let critical = 1.95 / (n as f64).sqrt();
    for sampler in [SamplerKind::Mc, SamplerKind::Lhs] {
        let corr = [(0, 1, 0.8), (1, 2, -0.6), (0, 2, -0.5)];
        let design = Design::new(sampler, 4, names(3), &corr, n).expect("design");
        let out = fill(&design, 0, n);
        for (k, col) in out.chunks_exact(n).enumerate() {
            let d = ks_uniform(col);
            assert!(d < critical, "{sampler:?} value {k}: KS {d}");
            let mean = col.iter().sum::<f64>() / n as f64;
            let var = col.iter().map(|u| (u - mean).powi(2)).sum::<f64>() / n as f64;
            assert!((mean - 0.5).abs() < 0.005 && (var - 1.0 / 12.0).abs() < 0.002);
        }
        // The first value of the group keeps its LHS strata (row (1, 0, …) of L).
        if sampler == SamplerKind::Lhs {
            assert!(ks_uniform(&out[..n]) < 1.5 / n as f64);
        }
    }
}

#[test]
fn correlated_draws_are_reproducible_and_in_the_open_interval() {
    let n = 4096;
    let design = Design::new(SamplerKind::Lhs, 4, names(2), &[(0, 1, 0.99)], n).expect("design");
    let a = fill(&design, 2, n);
    let b = fill(&design, 2, n);
    assert_eq!(a, b);
    assert!(a.iter().all(|&u| u > 0.0 && u < 1.0));
}

#[test]
fn a_matrix_that_is_not_positive_definite_is_refused_naming_the_values() {
    // Strongly positive a–b and b–c with strongly negative a–c cannot hold together.
    let paths: Vec<String> = ["fleet.a.price", "fleet.b.price", "fleet.c.price", "other"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let corr = [(0, 1, 0.9), (1, 2, 0.9), (0, 2, -0.9)];
    let err = Design::new(SamplerKind::Lhs, 1, paths.clone(), &corr, 100).expect_err("not PD");
    match &err {
        SamplingError::NotPositiveDefinite { paths: named } => {
            for p in &paths[..3] {
                assert!(named.contains(p.as_str()), "{named}");
            }
            assert!(!named.contains("other"), "{named}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("positive-definite"));
    // A perfect correlation gives a singular matrix: refused too.
    let perfect = Design::new(SamplerKind::Lhs, 1, paths, &[(0, 1, 1.0)], 100);
    assert!(matches!(
        perfect,
        Err(SamplingError::NotPositiveDefinite { .. })
    ));
}

#[test]
fn malformed_correlations_are_refused() {
    let bad = |corr: &[(usize, usize, f64)]| Design::new(SamplerKind::Mc, 1, names(3), corr, 10);
    assert!(matches!(
        bad(&[(0, 3, 0.5)]),
        Err(SamplingError::Invalid(_))
    ));
    assert!(matches!(
        bad(&[(1, 1, 0.5)]),
        Err(SamplingError::Invalid(_))
    ));
    assert!(matches!(
        bad(&[(0, 1, 1.5)]),
        Err(SamplingError::Invalid(_))
    ));
    assert!(matches!(
        bad(&[(0, 1, f64::NAN)]),
        Err(SamplingError::Invalid(_))
    ));
    assert!(matches!(
        bad(&[(0, 1, 0.5), (1, 0, 0.4)]),
        Err(SamplingError::Invalid(_))
    ));
    assert!(bad(&[(0, 1, 0.5), (1, 0, 0.5)]).is_ok());
}

#[test]
fn columns_apart_get_the_same_uniforms() {
    // The engine lays its columns out a little more than a batch apart; every sampler, with a
    // correlated group, fills them with the bits of the packed layout and leaves the values
    // between them alone.
    let (n, stride, batch) = (1000, 1037, 3);
    let corr = [(0, 2, 0.6), (1, 2, -0.3)];
    for sampler in [SamplerKind::Mc, SamplerKind::Lhs, SamplerKind::Sobol] {
        let design = Design::new(sampler, 5, names(4), &corr, n).expect("design");
        let packed = fill(&design, batch, n);
        let mut apart = vec![-1.0; 4 * stride];
        design.fill_batch_strided(batch, n, stride, &mut apart);
        for p in 0..4 {
            let (a, b) = (
                &packed[p * n..(p + 1) * n],
                &apart[p * stride..p * stride + n],
            );
            assert!(
                a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()),
                "{sampler:?}, column {p}"
            );
            let gap = &apart[p * stride + n..(p + 1) * stride];
            assert!(gap.iter().all(|&v| v == -1.0), "{sampler:?}, column {p}");
        }
    }
}

#[test]
fn a_value_left_as_its_normal_score_is_the_score_of_its_uniform() {
    // Values 0 and 2 are correlated and left as scores, 1 is correlated and not, 3 is in no
    // correlation (a score asked for it is ignored): Φ(score), kept inside (0, 1), must be the
    // uniform bit for bit, and every other column the same uniforms.
    let (n, stride, batch) = (2000, 2011, 4);
    let corr = [(0, 2, 0.6), (1, 2, -0.3)];
    let scores = [true, false, true, true];
    for sampler in [SamplerKind::Mc, SamplerKind::Lhs, SamplerKind::Sobol] {
        let design = Design::new(sampler, 9, names(4), &corr, n).expect("design");
        let mut uniforms = vec![-1.0; 4 * stride];
        design.fill_batch_strided(batch, n, stride, &mut uniforms);
        let mut mixed = vec![-1.0; 4 * stride];
        design.fill_batch_scores(batch, n, stride, &mut mixed, &scores);
        assert!(design.is_correlated(0) && design.is_correlated(2) && !design.is_correlated(3));
        for p in 0..4 {
            let u = &uniforms[p * stride..p * stride + n];
            let m = &mixed[p * stride..p * stride + n];
            if p == 0 || p == 2 {
                // Scores, not uniforms: some lie outside (0, 1).
                assert!(
                    m.iter().any(|&z| !(0.0..1.0).contains(&z)),
                    "{sampler:?} {p}"
                );
                let back = m.iter().map(|&z| {
                    gwsim::dist::special::norm_cdf(z)
                        .clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0)
                });
                assert!(
                    back.zip(u).all(|(b, &u)| b.to_bits() == u.to_bits()),
                    "{sampler:?}, column {p}: Φ of the score is the uniform"
                );
            } else {
                assert!(
                    m.iter().zip(u).all(|(x, y)| x.to_bits() == y.to_bits()),
                    "{sampler:?}, column {p}: the same uniforms"
                );
            }
            assert!(
                mixed[p * stride + n..(p + 1) * stride]
                    .iter()
                    .all(|&v| v == -1.0)
            );
        }
    }
}
