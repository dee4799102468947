//! The `sobol` design: unscrambled reference points, concatenation of batches, the scramble's
//! uniformity and its advantage over plain Monte Carlo on a smooth integrand, the dimension cap.

use gwsim::sampling::sobol::{MAX_DIM, SobolDim};
use gwsim::sampling::{Design, SamplingError};
use gwsim::scenario::SamplerKind;

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("v.{i}")).collect()
}

fn fill(design: &Design, batch: u64, n: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; design.paths().len() * n];
    design.fill_batch(batch, n, &mut out);
    out
}

#[test]
fn unscrambled_first_points_are_the_known_ones() {
    let half_cell = 0.5 / 4_294_967_296.0;
    let first = |dim: usize| {
        let mut out = [0.0; 4];
        SobolDim::plain(dim).expect("dim").fill(0, &mut out);
        out.map(|u| u - half_cell)
    };
    assert_eq!(first(0), [0.0, 0.5, 0.75, 0.25]);
    assert_eq!(first(1), [0.0, 0.5, 0.25, 0.75]);
    assert!(SobolDim::plain(MAX_DIM - 1).is_some());
    assert!(SobolDim::plain(MAX_DIM).is_none());
}

#[test]
fn batches_concatenate_into_one_sequence() {
    let one = Design::new(SamplerKind::Sobol, 5, names(3), &[], 1024).expect("one");
    let four = Design::new(SamplerKind::Sobol, 5, names(3), &[], 256).expect("four");
    let whole = fill(&one, 0, 1024);
    for b in 0..4u64 {
        let part = fill(&four, b, 256);
        for d in 0..3 {
            let start = d * 1024 + b as usize * 256;
            assert_eq!(&part[d * 256..(d + 1) * 256], &whole[start..start + 256]);
        }
    }
}

#[test]
fn scrambled_points_keep_the_one_per_cell_balance() {
    let n = 1 << 12;
    let design = Design::new(SamplerKind::Sobol, 99, names(40), &[], n).expect("design");
    let out = fill(&design, 0, n);
    for (d, col) in out.chunks_exact(n).enumerate() {
        let mut hit = vec![false; n];
        for &u in col {
            let k = (u * n as f64) as usize;
            assert!(!hit[k], "dim {d}: cell {k} twice");
            hit[k] = true;
        }
    }
}

#[test]
fn scrambled_mean_of_a_smooth_integrand_beats_monte_carlo() {
    // f(u) = Π_d (1 + (u_d − 1/2)), whose integral is 1; its MC standard error at n = 4096 and
    // d = 6 is about sqrt((13/12)^6 − 1) / 64 ≈ 0.011.
    let (d, n) = (6, 4096);
    let mean_error = |sampler, seed| {
        let design = Design::new(sampler, seed, names(d), &[], n).expect("design");
        let out = fill(&design, 0, n);
        let mut sum = 0.0;
        for i in 0..n {
            sum += (0..d).map(|k| 0.5 + out[k * n + i]).product::<f64>();
        }
        sum / n as f64 - 1.0
    };
    let mut rms_sobol = 0.0;
    let mut rms_mc = 0.0;
    for seed in 0..8 {
        rms_sobol += mean_error(SamplerKind::Sobol, seed).powi(2);
        rms_mc += mean_error(SamplerKind::Mc, seed).powi(2);
    }
    let (rms_sobol, rms_mc) = ((rms_sobol / 8.0).sqrt(), (rms_mc / 8.0).sqrt());
    assert!(rms_sobol < 1e-3, "sobol rms error {rms_sobol}");
    assert!(
        rms_sobol * 10.0 < rms_mc,
        "sobol {rms_sobol} vs mc {rms_mc}"
    );
}

#[test]
fn different_seeds_give_different_scrambles() {
    let a = fill(
        &Design::new(SamplerKind::Sobol, 1, names(2), &[], 64).expect("a"),
        0,
        64,
    );
    let b = fill(
        &Design::new(SamplerKind::Sobol, 2, names(2), &[], 64).expect("b"),
        0,
        64,
    );
    assert_ne!(a, b);
}

#[test]
fn more_values_than_the_table_are_refused_naming_the_cap() {
    let err = Design::new(SamplerKind::Sobol, 1, names(MAX_DIM + 1), &[], 64)
        .expect_err("beyond the cap");
    match err {
        SamplingError::Invalid(m) => assert!(m.contains(&MAX_DIM.to_string()), "{m}"),
        other => panic!("unexpected {other:?}"),
    }
    assert!(Design::new(SamplerKind::Sobol, 1, names(MAX_DIM), &[], 64).is_ok());
    // The other samplers have no cap.
    assert!(Design::new(SamplerKind::Lhs, 1, names(MAX_DIM + 1), &[], 64).is_ok());
}
