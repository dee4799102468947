//! Streams and the `mc` / `lhs` designs: pinned first draws (so that an upgrade of a dependency
//! or a change of the hashing cannot silently move every published number), common random
//! numbers, open-interval uniforms and the Latin-hypercube strata.

use gwsim::sampling::{Design, SamplingError, open_uniform, stream, stream_key};
use gwsim::scenario::SamplerKind;
use proptest::prelude::*;
use rand::Rng;

fn paths(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn fill(design: &Design, batch: u64, n: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; design.paths().len() * n];
    design.fill_batch(batch, n, &mut out);
    out
}

#[test]
fn first_draws_are_pinned() {
    // Checked against an independent Python transcription of FNV-1a, SplitMix64 and the
    // reference xoshiro256++ (Blackman and Vigna).
    assert_eq!(stream_key(2025, "facility.pue"), 0xc3c7_ca81_8e54_5965);
    let mut rng = stream(2025, "facility.pue", 3);
    let raw: Vec<u64> = (0..4).map(|_| rng.next_u64()).collect();
    assert_eq!(
        raw,
        [
            0xa690_319c_4520_83e6,
            0xe8c8_af56_b026_6b1f,
            0x89ec_1453_432b_3a00,
            0xe582_119c_98e2_4685
        ]
    );
    let u: Vec<f64> = raw.iter().map(|&x| open_uniform(x)).collect();
    assert_eq!(
        u,
        [
            0.6506377226370451,
            0.9093122088089786,
            0.5387585356976786,
            0.8965159423177137
        ]
    );
}

#[test]
fn mc_design_is_the_stream_in_order() {
    let design = Design::new(
        SamplerKind::Mc,
        2025,
        paths(&["a", "facility.pue"]),
        &[],
        16,
    )
    .expect("design");
    let out = fill(&design, 3, 4);
    assert_eq!(
        &out[4..8],
        &[
            0.6506377226370451,
            0.9093122088089786,
            0.5387585356976786,
            0.8965159423177137
        ]
    );
}

#[test]
fn lhs_first_draws_are_pinned() {
    let design =
        Design::new(SamplerKind::Lhs, 2025, paths(&["facility.pue"]), &[], 8).expect("design");
    let out = fill(&design, 0, 8);
    let pinned = LHS_PIN;
    assert_eq!(&out[..], &pinned[..], "{out:?}");
}

/// Checked against an independent Python transcription (Lemire's bounded integers, Fisher–Yates
/// from the top, then one jitter per sample).
const LHS_PIN: [f64; 8] = [
    0.2332883229787499,
    0.803590051960555,
    0.9976902360835059,
    0.35145026382336403,
    0.02556935608046583,
    0.37692951154313115,
    0.7115163962436616,
    0.6066615513316452,
];

#[test]
fn streams_differ_by_seed_path_and_batch() {
    let first = |seed, path: &str, batch| stream(seed, path, batch).next_u64();
    let base = first(1, "a.b", 0);
    assert_ne!(base, first(2, "a.b", 0));
    assert_ne!(base, first(1, "a.c", 0));
    assert_ne!(base, first(1, "a.b", 1));
}

#[test]
fn a_value_keeps_its_draws_whatever_the_other_values() {
    for sampler in [SamplerKind::Mc, SamplerKind::Lhs] {
        let a = Design::new(sampler, 7, paths(&["x", "shared.v", "y"]), &[], 500).expect("a");
        let b = Design::new(sampler, 7, paths(&["shared.v", "z", "w", "q"]), &[], 500).expect("b");
        for batch in [0, 5] {
            let oa = fill(&a, batch, 500);
            let ob = fill(&b, batch, 500);
            assert_eq!(&oa[500..1000], &ob[..500], "{sampler:?} batch {batch}");
        }
    }
}

#[test]
fn every_uniform_is_strictly_inside_the_unit_interval() {
    let names: Vec<String> = (0..25).map(|i| format!("v.{i}")).collect();
    for sampler in [SamplerKind::Mc, SamplerKind::Lhs, SamplerKind::Sobol] {
        let design = Design::new(
            sampler,
            11,
            names.clone(),
            &[(0, 1, 0.9), (2, 3, -0.95)],
            4096,
        )
        .expect("design");
        for batch in 0..3 {
            let out = fill(&design, batch, 4096);
            assert!(
                out.iter().all(|&u| u > 0.0 && u < 1.0),
                "{sampler:?} batch {batch}"
            );
        }
    }
}

#[test]
fn lhs_extreme_strata_of_a_large_batch_stay_inside() {
    // With n = 2^20 strata the top stratum's jitter can round k + v up to n: it must be kept
    // below 1 and inside its stratum.
    let n = 1 << 20;
    let design = Design::new(SamplerKind::Lhs, 3, paths(&["big"]), &[], n).expect("design");
    let mut out = fill(&design, 0, n);
    out.sort_by(f64::total_cmp);
    let nf = n as f64;
    for (i, &u) in out.iter().enumerate() {
        assert!(
            u >= i as f64 / nf && u < (i + 1) as f64 / nf,
            "stratum {i}: {u}"
        );
    }
    assert!(out[n - 1] < 1.0);
}

#[test]
fn design_errors_are_clear() {
    let dup = Design::new(SamplerKind::Lhs, 1, paths(&["a", "b", "a"]), &[], 10);
    assert!(matches!(dup, Err(SamplingError::Invalid(m)) if m.contains("a appears twice")));
    let zero = Design::new(SamplerKind::Lhs, 1, paths(&["a"]), &[], 0);
    assert!(matches!(zero, Err(SamplingError::Invalid(_))));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Each of the n strata of each value is hit exactly once per batch.
    #[test]
    fn lhs_hits_every_stratum_once_per_batch(
        seed in any::<u64>(),
        n in 1usize..3000,
        batch in 0u64..1000,
        path in "[a-z]{1,12}(\\.[a-z_]{1,12}){0,3}",
    ) {
        let design = Design::new(
            SamplerKind::Lhs, seed, vec![path.clone(), format!("{path}.other")], &[], n,
        ).expect("design");
        let out = fill(&design, batch, n);
        let nf = n as f64;
        for col in out.chunks_exact(n) {
            let mut hit = vec![false; n];
            for &u in col {
                prop_assert!(u > 0.0 && u < 1.0);
                let k = ((u * nf) as usize).min(n - 1);
                // The stratum by the same division the design uses.
                let k = if u < k as f64 / nf { k - 1 } else if u >= (k + 1) as f64 / nf { k + 1 } else { k };
                prop_assert!(!hit[k], "stratum {} hit twice", k);
                hit[k] = true;
            }
        }
    }

    /// A short last batch is still a Latin hypercube over its own n strata.
    #[test]
    fn short_batches_are_hypercubes_too(seed in any::<u64>(), n in 1usize..200) {
        let design = Design::new(SamplerKind::Lhs, seed, vec!["p".into()], &[], 256).expect("design");
        let mut out = fill(&design, 9, n);
        out.sort_by(f64::total_cmp);
        for (i, &u) in out.iter().enumerate() {
            prop_assert!(u >= i as f64 / n as f64 && u < (i + 1) as f64 / n as f64);
        }
    }
}
