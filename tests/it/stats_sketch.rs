//! The compacting quantile sketch: exact below its threshold, and a rank error within the
//! documented bound `k / B` beyond it (small `B` and `k` here so that compaction happens on a
//! few million values in a debug build). The default sketch's histogram phase has its own tests
//! (`stats_histogram.rs`).

use crate::common::rank_error;
use gwsim::stats::{Accumulator, PILOT, Phase, QuantileSketch, quantile_sorted};

fn lcg(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let u = (s >> 11) as f64 / (1u64 << 53) as f64;
            (u / (1.0 - u)).ln() // logistic: unbounded, heavy-ish tails
        })
        .collect()
}

/// The largest distance between q and the rank of the sketch's q-quantile in the data, over a
/// grid of q; ties are allowed for (the rank interval [#< x, #≤ x] / N).
fn worst_rank_error(sketch: &QuantileSketch, sorted: &[f64]) -> f64 {
    let qs: Vec<f64> = (0..=1000).map(|i| i as f64 / 1000.0).collect();
    let est = sketch.quantiles(&qs);
    qs.iter()
        .zip(&est)
        .map(|(&q, &x)| rank_error(sorted, q, x))
        .fold(0.0, f64::max)
}

#[test]
fn exact_below_the_threshold() {
    let x = lcg(5000, 3);
    let mut sketch = QuantileSketch::with_parameters(5000, 1024, 16).expect("params");
    for chunk in x.chunks(777) {
        sketch.push(chunk);
    }
    assert!(sketch.is_exact());
    assert_eq!(sketch.phase(), Phase::Exact);
    assert_eq!(sketch.rank_error_bound(), 0.0);
    let mut sorted = x.clone();
    sorted.sort_by(f64::total_cmp);
    for q in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0] {
        assert_eq!(sketch.quantile(q), quantile_sorted(&sorted, q));
    }
}

#[test]
fn rank_error_within_k_over_b_on_two_million_values() {
    let (block, k) = (4096, 16);
    let bound = k as f64 / block as f64; // 0.39%
    let x = lcg(2_000_000, 11);
    let mut sketch = QuantileSketch::with_parameters(1 << 16, block, k).expect("params");
    for chunk in x.chunks(65_536) {
        sketch.push(chunk);
    }
    assert_eq!(sketch.phase(), Phase::Compacting);
    assert_eq!(sketch.len(), 2_000_000);
    assert_eq!(sketch.rank_error_bound(), bound);
    let mut sorted = x;
    sorted.sort_by(f64::total_cmp);
    let worst = worst_rank_error(&sketch, &sorted);
    eprintln!("random data: worst rank error {worst:.3e}, bound {bound:.3e}");
    assert!(worst <= bound, "worst rank error {worst} > {bound}");
    // Memory: N / k kept values plus at most one pending block.
    assert!(sketch.memory_bytes() <= 8 * (2_000_000 / k + block) + 64 * 1024);
}

#[test]
fn rank_error_within_bound_when_every_block_errs_the_same_way() {
    // Every block holds the same values 0..B in a different order: the runs straddling a given
    // threshold line up in all blocks, the worst case of the analysis (k / (2B)).
    let (block, k) = (1024, 16);
    let bound = k as f64 / block as f64;
    let mut sketch = QuantileSketch::with_parameters(0, block, k).expect("params");
    let mut all = Vec::new();
    for b in 0..500u64 {
        let mut v: Vec<f64> = (0..block).map(|i| i as f64).collect();
        // A cheap deterministic shuffle per block.
        v.rotate_left((b as usize * 37) % block);
        sketch.push(&v);
        all.extend(v);
    }
    all.sort_by(f64::total_cmp);
    let worst = worst_rank_error(&sketch, &all);
    eprintln!("aligned blocks: worst rank error {worst:.3e}, bound {bound:.3e}");
    assert!(worst <= bound, "worst rank error {worst} > {bound}");
}

#[test]
fn switching_phase_in_the_middle_of_a_batch_keeps_every_value() {
    let x = lcg(10_000, 5);
    let mut sketch = QuantileSketch::with_parameters(3000, 1024, 16).expect("params");
    sketch.push(&x[..2500]);
    assert!(sketch.is_exact());
    sketch.push(&x[2500..]);
    assert!(!sketch.is_exact());
    assert_eq!(sketch.len(), 10_000);
}

#[test]
fn default_sketch_leaves_the_exact_phase_beyond_the_pilot() {
    let x = lcg((1 << 20) + 200_000, 8);
    let mut acc = Accumulator::new();
    for chunk in x.chunks(65_536) {
        acc.push_batch(chunk);
    }
    let sketch = acc.sketch();
    assert!(!sketch.is_exact());
    assert_eq!(sketch.phase(), Phase::Histogram);
    assert!(sketch.rank_error_bound() < 0.001);
    // 65,536 counts of 4 bytes, the buffer of values not yet counted (the pilot's allocation)
    // and the few values beyond the pilot's range.
    assert!(sketch.memory_bytes() < 4 * 65_536 + 8 * PILOT + 64 * 1024);
    let mut sorted = x;
    sorted.sort_by(f64::total_cmp);
    let worst = worst_rank_error(sketch, &sorted);
    eprintln!("default sketch: worst rank error {worst:.3e}");
    assert!(worst <= sketch.rank_error_bound());
}

#[test]
fn invalid_parameters_are_refused() {
    assert!(QuantileSketch::with_parameters(10, 100, 16).is_err());
    assert!(QuantileSketch::with_parameters(10, 0, 1).is_err());
    assert!(QuantileSketch::with_parameters(10, 64, 0).is_err());
}
