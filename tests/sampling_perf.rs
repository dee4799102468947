//! Throughput of `fill_batch` (25 values × 65,536 samples). Ignored by default; run by hand with
//! `cargo test --release --test sampling_perf -- --ignored --nocapture`. The target is more than
//! 20 M uniforms per second on one core for `lhs`; it is asserted only in optimised builds.

use gwsim::sampling::Design;
use gwsim::scenario::SamplerKind;
use std::time::Instant;

#[test]
#[ignore]
fn fill_batch_throughput() {
    let (values, n) = (25, 65_536);
    let paths: Vec<String> = (0..values).map(|i| format!("v.{i}")).collect();
    let mut out = vec![0.0; values * n];
    for (sampler, corr) in [
        (SamplerKind::Mc, vec![]),
        (SamplerKind::Lhs, vec![]),
        (SamplerKind::Sobol, vec![]),
        (
            SamplerKind::Lhs,
            vec![(0, 1, 0.7), (2, 3, 0.5), (3, 4, 0.3)],
        ),
    ] {
        let design = Design::new(sampler, 1, paths.clone(), &corr, n).expect("design");
        let batches = 20;
        let start = Instant::now();
        for b in 0..batches {
            design.fill_batch(b, n, &mut out);
        }
        let secs = start.elapsed().as_secs_f64();
        let rate = (batches as usize * values * n) as f64 / secs;
        println!(
            "{sampler:?} with {} correlations: {:.1} M uniforms/s",
            corr.len(),
            rate / 1e6
        );
        if !cfg!(debug_assertions) && sampler == SamplerKind::Lhs && corr.is_empty() {
            assert!(rate > 20e6, "lhs: {rate:.3e} uniforms/s");
        }
    }
}
