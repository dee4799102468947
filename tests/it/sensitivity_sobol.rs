//! Sobol' indices through the product's own design and estimators, on functions whose indices
//! are known in closed form: Ishigami (a = 7, b = 0.1) and an additive linear model.

use std::f64::consts::PI;

use gwsim::engine::sensitivity::{row_by_row, saltelli_outputs};
use gwsim::stats::sobol::{SobolEstimate, sobol_indices};

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
}

fn analyse(
    k: usize,
    n: usize,
    seed: u64,
    threads: usize,
    transform: impl Fn(usize, f64) -> f64 + Sync,
    f: fn(&[f64]) -> f64,
) -> SobolEstimate {
    let paths: Vec<String> = (1..=k).map(|i| format!("x{i}")).collect();
    let pool = pool(threads);
    let (out, _) = saltelli_outputs(
        &paths,
        seed,
        n,
        transform,
        || row_by_row(f),
        &pool,
        &mut |_| {},
    )
    .expect("design");
    pool.install(|| sobol_indices(&out, 1000, seed))
}

fn ishigami(x: &[f64]) -> f64 {
    let (a, b) = (7.0, 0.1);
    x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
}

/// Closed-form indices of Ishigami with a = 7, b = 0.1 (Ishigami and Homma 1990; Saltelli et al.
/// 2008, "Global Sensitivity Analysis: The Primer", section 1.6 / 4.8 — V = a²/8 + bπ⁴/5 +
/// b²π⁸/18 + 1/2).
fn ishigami_exact() -> ([f64; 3], [f64; 3]) {
    let (a, b) = (7.0f64, 0.1f64);
    let pi4 = PI.powi(4);
    let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
    let v = v1 + v2 + v13;
    ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
}

#[test]
fn ishigami_indices_match_their_closed_form() {
    let (s1, st) = ishigami_exact();
    // The reference values DEPENDENCIES.md quotes from SALib.
    assert!((s1[0] - 0.3139).abs() < 1e-3 && (st[2] - 0.2437).abs() < 1e-3);
    let e = analyse(3, 1 << 13, 2025, 2, |_, u| -PI + 2.0 * PI * u, ishigami);
    assert_eq!(e.dropped, 0);
    assert_eq!(e.rows, 1 << 13);
    for i in 0..3 {
        let got = e.indices[i];
        eprintln!(
            "x{}: S1 {:.4} [{:.4}, {:.4}] (exact {:.4}); ST {:.4} [{:.4}, {:.4}] (exact {:.4})",
            i + 1,
            got.first,
            got.first_ci[0],
            got.first_ci[1],
            s1[i],
            got.total,
            got.total_ci[0],
            got.total_ci[1],
            st[i]
        );
        assert!(
            got.first_ci[0] <= s1[i] && s1[i] <= got.first_ci[1],
            "S1 of x{}: {got:?}, exact {}",
            i + 1,
            s1[i]
        );
        assert!(
            got.total_ci[0] <= st[i] && st[i] <= got.total_ci[1],
            "ST of x{}: {got:?}, exact {}",
            i + 1,
            st[i]
        );
        assert!(
            (got.first - s1[i]).abs() < 0.05,
            "S1 of x{}: {got:?}",
            i + 1
        );
        assert!(
            (got.total - st[i]).abs() < 0.05,
            "ST of x{}: {got:?}",
            i + 1
        );
        // An interval that says something: narrower than 0.2.
        assert!(got.first_ci[1] - got.first_ci[0] < 0.2, "{got:?}");
        assert!(got.total_ci[1] - got.total_ci[0] < 0.2, "{got:?}");
    }
}

fn linear(x: &[f64]) -> f64 {
    x.iter().zip(COEFFS).map(|(v, c)| v * c).sum()
}
const COEFFS: [f64; 4] = [1.0, 2.0, -3.0, 0.5];

#[test]
fn an_additive_model_has_equal_first_and_total_indices() {
    let sum2: f64 = COEFFS.iter().map(|c| c * c).sum();
    let e = analyse(4, 1 << 12, 7, 2, |_, u| u, linear);
    for (i, c) in COEFFS.iter().enumerate() {
        let exact = c * c / sum2;
        let got = e.indices[i];
        assert!(
            (got.first - exact).abs() < 0.03,
            "S1 of x{}: {got:?} vs {exact}",
            i + 1
        );
        assert!(
            (got.total - exact).abs() < 0.03,
            "ST of x{}: {got:?} vs {exact}",
            i + 1
        );
        assert!(
            got.first_ci[0] <= exact && exact <= got.first_ci[1],
            "{got:?} vs {exact}"
        );
        assert!(
            got.total_ci[0] <= exact && exact <= got.total_ci[1],
            "{got:?} vs {exact}"
        );
    }
    let sum_s1: f64 = e.indices.iter().map(|s| s.first).sum();
    assert!(
        (sum_s1 - 1.0).abs() < 0.05,
        "additive: the first-order indices sum to 1, got {sum_s1}"
    );
}

#[test]
fn many_inputs_fall_back_to_independent_streams_and_still_estimate() {
    // 70 inputs: 140 dimensions exceed the Sobol' table, so each column gets its own stream.
    fn f(x: &[f64]) -> f64 {
        4.0 * x[0] + x[1] + 0.0 * x[69]
    }
    let paths: Vec<String> = (0..70).map(|i| format!("x{i}")).collect();
    let pool = pool(2);
    let (out, kind) = saltelli_outputs(
        &paths,
        3,
        2048,
        |_, u| u,
        || row_by_row(f),
        &pool,
        &mut |_| {},
    )
    .expect("design");
    assert_eq!(
        kind,
        gwsim::engine::sensitivity::SaltelliDesign::Independent
    );
    let e = pool.install(|| sobol_indices(&out, 200, 3));
    let exact0 = 16.0 / 17.0;
    assert!(
        (e.indices[0].total - exact0).abs() < 0.05,
        "{:?}",
        e.indices[0]
    );
    assert_eq!(e.indices[69].total, 0.0);
}

#[test]
fn the_same_seed_gives_the_same_bits_on_one_and_two_threads() {
    let transform = |_: usize, u: f64| -PI + 2.0 * PI * u;
    let e1 = analyse(3, 3000, 11, 1, transform, ishigami);
    let e2 = analyse(3, 3000, 11, 2, transform, ishigami);
    assert_eq!(format!("{e1:?}"), format!("{e2:?}"));
    let e3 = analyse(3, 3000, 12, 2, transform, ishigami);
    assert_ne!(format!("{e1:?}"), format!("{e3:?}"), "the seed must matter");
}
