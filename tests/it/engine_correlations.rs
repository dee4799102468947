//! The achieved rank correlations a run reports: Spearman's of the first
//! `CORRELATION_CHECK_SAMPLES` samples of each correlated pair, whether the run computes it
//! while later batches are still being drawn (runs longer than that) or at the end.

use gwsim::engine::{BatchView, CORRELATION_CHECK_SAMPLES, Observer, RunConfig, Simulation};
use gwsim::error::Error;
use gwsim::scenario;
use gwsim::stats::spearman;

/// Keeps the first `CORRELATION_CHECK_SAMPLES` values of every input, as the run sees them.
struct Keep(Vec<Vec<f64>>);

impl Observer for Keep {
    fn batch(&mut self, view: &BatchView<'_>) -> Result<(), Error> {
        for (p, col) in self.0.iter_mut().enumerate() {
            let room = CORRELATION_CHECK_SAMPLES.saturating_sub(col.len());
            let input = view.input(p);
            col.extend_from_slice(&input[..room.min(input.len())]);
        }
        Ok(())
    }
}

#[test]
fn achieved_correlations_are_those_of_the_first_samples_at_any_length() {
    let s = scenario::load_str(scenario::HEADLINE_TOML, scenario::HEADLINE_NAME, None, &[])
        .expect("the headline scenario");
    // Shorter than the kept columns, just as long, and longer (then they are full after the
    // eighth batch and ranked during the windows that follow).
    for samples in [50_000, CORRELATION_CHECK_SAMPLES as u64, 400_000] {
        for threads in [1, 2] {
            let cfg = RunConfig {
                samples,
                threads: Some(threads),
                ..RunConfig::from_scenario(&s)
            };
            let sim = Simulation::new(&s, &cfg).expect("simulation");
            assert!(
                !sim.correlations.is_empty(),
                "the headline correlates two values"
            );
            let mut keep = Keep(vec![Vec::new(); sim.inputs.len()]);
            let r = sim.run(&cfg, &mut keep).expect("run");
            assert_eq!(r.correlations.len(), sim.correlations.len());
            for &(i, j, target, achieved) in &r.correlations {
                let want = spearman(&keep.0[i], &keep.0[j]);
                assert_eq!(
                    achieved.to_bits(),
                    want.to_bits(),
                    "{samples} samples, {threads} threads: {i}-{j}"
                );
                assert!(
                    (achieved - target).abs() < 0.02,
                    "{achieved} against {target}"
                );
            }
        }
    }
}
