//! Several scenarios walked in lockstep on common random numbers (MODEL.md, "Sampling").
//!
//! Every scenario runs batch `b` of the same size at the same time, with one seed. A value's
//! stream is keyed by `(seed, path, batch)`, so under `mc` and `lhs` a path that two scenarios
//! share draws the same uniforms in both: sample `i` of scenario A and sample `i` of scenario B
//! differ only through what the scenarios do differently, and the paired difference `B − A` has
//! far less noise than the difference of two independent runs.
//!
//! Where common random numbers do not hold for a shared path, and why:
//! - **`sobol`**: a value's Sobol' dimension is its position among the scenario's uncertain
//!   values (the scramble is keyed by seed and path). A shared path at the same position draws
//!   the same points; at another position (a value added or removed before it) it does not.
//! - **Correlations**: the Gaussian copula mixes the streams of a correlated group, so a
//!   correlated value's draws depend on its partners and on the correlation matrix. They match
//!   only when both scenarios correlate the same values (in the same order) with the same ranks.
//!
//! Rather than predict this from the rules, [`crn_warnings`] checks it: it draws the first
//! uniforms of every shared path in both designs and compares their bits. A path that differs
//! gets a warning that names it and the likely cause. Shared paths that match are exact common
//! random numbers, whatever their marginals (a scenario may change a value's distribution and
//! keep its random numbers).
//!
//! With `common_random_numbers` off, scenario `k ≥ 1` runs with a seed derived from the seed
//! and `k` ([`derived_seed`]): independent runs, for reference.
//!
//! Results are bit-identical on any thread count: batches run in parallel in windows, and are
//! merged into the accumulators strictly in batch order (as in [`Simulation::run`]).

use rayon::prelude::*;

use super::{BatchOut, RunConfig, Simulation};
use crate::error::Error;
use crate::model::{METRICS, Metric, PROBABILITIES, Probability};
use crate::random::splitmix64_mix;
use crate::scenario::{SamplerKind, Scenario};
use crate::stats::{Accumulator, Paired};

/// How to run a comparison.
#[derive(Debug, Clone)]
pub struct CompareConfig {
    pub samples: u64,
    pub seed: u64,
    pub sampler: SamplerKind,
    /// Worker threads; `None` uses every core. Results do not depend on it.
    pub threads: Option<usize>,
    /// Common random numbers (the default). Off: scenario `k ≥ 1` uses [`derived_seed`].
    pub common_random_numbers: bool,
}

impl CompareConfig {
    /// The first scenario's `[simulation]` settings, with common random numbers.
    pub fn from_scenario(s: &Scenario) -> CompareConfig {
        CompareConfig {
            samples: s.simulation.samples,
            seed: s.simulation.seed,
            sampler: s.simulation.sampler,
            threads: None,
            common_random_numbers: true,
        }
    }

    /// The seed scenario `k` runs with.
    pub fn seed_of(&self, k: usize) -> u64 {
        if self.common_random_numbers || k == 0 {
            self.seed
        } else {
            derived_seed(self.seed, k)
        }
    }
}

/// The seed of scenario `k` in an independent comparison: a SplitMix64 mix of the seed and `k`.
pub fn derived_seed(seed: u64, k: usize) -> u64 {
    splitmix64_mix(seed ^ splitmix64_mix(0x636f_6d70_6172_6500 ^ k as u64))
}

/// One metric compared across scenarios.
#[derive(Debug, Clone)]
pub struct MetricComparison {
    pub metric: Metric,
    /// One accumulator per scenario, in the order given.
    pub per_scenario: Vec<Accumulator>,
    /// `differences[k − 1]`: scenario `k` minus the first, for `k ≥ 1`.
    pub differences: Vec<Paired>,
}

/// One probability (an event's share of samples) across scenarios.
#[derive(Debug, Clone)]
pub struct ProbabilityComparison {
    pub probability: Probability,
    /// Samples in which the event held, per scenario in the order given.
    pub hits: Vec<u64>,
}

/// What a comparison produced.
#[derive(Debug, Clone)]
pub struct CompareResult {
    pub samples: u64,
    pub seed: u64,
    pub sampler: SamplerKind,
    pub common_random_numbers: bool,
    /// The metrics every scenario computes, in [`METRICS`] order.
    pub metrics: Vec<MetricComparison>,
    /// The probabilities every scenario computes, in [`PROBABILITIES`] order.
    pub probabilities: Vec<ProbabilityComparison>,
    /// Shared paths whose random numbers differ between scenarios (see [`crn_warnings`]).
    pub warnings: Vec<String>,
}

/// Prepared scenarios, ready to run in lockstep.
pub struct Comparison {
    pub sims: Vec<Simulation>,
    pub names: Vec<String>,
    cfg: CompareConfig,
}

impl Comparison {
    /// Build a simulation per scenario (at least two) with the comparison's seed and sampler.
    pub fn new(scenarios: &[Scenario], cfg: &CompareConfig) -> Result<Comparison, Error> {
        if scenarios.len() < 2 {
            return Err(Error::CompareScenarios {
                got: scenarios.len(),
            });
        }
        let mut sims = Vec::with_capacity(scenarios.len());
        for (k, s) in scenarios.iter().enumerate() {
            let rc = RunConfig {
                samples: cfg.samples,
                seed: cfg.seed_of(k),
                sampler: cfg.sampler,
                threads: cfg.threads,
                precision: None,
                max_samples: cfg.samples,
            };
            sims.push(Simulation::new(s, &rc)?);
        }
        Ok(Comparison {
            sims,
            names: scenarios.iter().map(|s| s.name.clone()).collect(),
            cfg: cfg.clone(),
        })
    }

    /// Run every scenario on the same batches; `progress(done, planned)` after each batch.
    pub fn run(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<CompareResult, Error> {
        let cfg = &self.cfg;
        if cfg.samples == 0 {
            return Err(Error::NoSamples);
        }
        let pool = super::worker_pool(cfg.threads)?;
        let common: Vec<Metric> = METRICS
            .iter()
            .copied()
            .filter(|&m| self.sims.iter().all(|s| s.plan.has_metric(m)))
            .collect();
        let k = self.sims.len();
        let mut metrics: Vec<MetricComparison> = common
            .iter()
            .map(|&metric| MetricComparison {
                metric,
                per_scenario: (0..k).map(|_| Accumulator::new()).collect(),
                differences: (1..k).map(|_| Paired::new()).collect(),
            })
            .collect();
        let mut probabilities: Vec<ProbabilityComparison> = PROBABILITIES
            .iter()
            .copied()
            .filter(|&p| self.sims.iter().all(|s| s.plan.has_probability(p)))
            .map(|probability| ProbabilityComparison {
                probability,
                hits: vec![0; k],
            })
            .collect();
        let mut bufs: Vec<BatchOut> = self.sims.iter().map(|_| BatchOut::default()).collect();
        let mut done = 0u64;
        while done < cfg.samples {
            let (b, n) = super::next_batch(done, cfg.samples);
            pool.install(|| {
                for (sim, buf) in self.sims.iter().zip(bufs.iter_mut()) {
                    sim.run_batch_into(b, n, buf);
                }
                metrics.par_iter_mut().for_each(|mc| {
                    let m = mc.metric as usize;
                    for (acc, o) in mc.per_scenario.iter_mut().zip(&bufs) {
                        acc.push_batch(o.metric(m));
                    }
                    let base = bufs[0].metric(m);
                    for (p, o) in mc.differences.iter_mut().zip(&bufs[1..]) {
                        p.push_batch(base, o.metric(m));
                    }
                });
            });
            for pc in &mut probabilities {
                for (h, o) in pc.hits.iter_mut().zip(&bufs) {
                    *h += o.prob_counts[pc.probability as usize];
                }
            }
            done += n as u64;
            progress(done, cfg.samples);
        }
        let warnings = if cfg.common_random_numbers {
            crn_warnings(&self.sims, &self.names, cfg.sampler, cfg.samples)
        } else {
            Vec::new()
        };
        Ok(CompareResult {
            samples: done,
            seed: cfg.seed,
            sampler: cfg.sampler,
            common_random_numbers: cfg.common_random_numbers,
            metrics,
            probabilities,
            warnings,
        })
    }
}

/// Samples of the first batch drawn to check that shared paths share their random numbers.
const CRN_CHECK_SAMPLES: usize = 256;

/// For every scenario after the first, the paths it shares with the first (uncertain in both)
/// whose uniforms differ: one warning each, naming the path, both scenarios and the likely
/// cause. The check draws the first samples of batch 0 of both designs and compares bits.
pub fn crn_warnings(
    sims: &[Simulation],
    names: &[String],
    sampler: SamplerKind,
    samples: u64,
) -> Vec<String> {
    let pairs: Vec<(usize, usize)> = (1..sims.len()).map(|k| (0, k)).collect();
    shared_draw_warnings(
        sims,
        names,
        sampler,
        samples,
        &pairs,
        "differences that depend on it carry its full sampling noise",
    )
}

/// [`crn_warnings`] for the given pairs of scenarios `(a, b)`: the paths that `a` and `b` share
/// (uncertain in both) whose uniforms differ. `consequence` ends each warning.
pub fn shared_draw_warnings(
    sims: &[Simulation],
    names: &[String],
    sampler: SamplerKind,
    samples: u64,
    pairs: &[(usize, usize)],
    consequence: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    let n = (samples.max(1) as usize).min(CRN_CHECK_SAMPLES);
    let draw = |s: &Simulation| {
        let mut u = vec![0.0; s.inputs.len() * n];
        if !s.inputs.is_empty() {
            s.design.fill_batch(0, n, &mut u);
        }
        u
    };
    let draws: Vec<Vec<f64>> = sims.iter().map(draw).collect();
    let correlated =
        |s: &Simulation, p: usize| s.correlations.iter().any(|&(i, j, _)| i == p || j == p);
    let name = |k: usize| names.get(k).map(String::as_str).unwrap_or("a scenario");
    for &(a, b) in pairs {
        let (first, sim) = (&sims[a], &sims[b]);
        for (p0, input) in first.inputs.iter().enumerate() {
            let Some(pk) = sim.inputs.iter().position(|i| i.path == input.path) else {
                continue;
            };
            let x = &draws[a][p0 * n..(p0 + 1) * n];
            let y = &draws[b][pk * n..(pk + 1) * n];
            if x.iter().zip(y).all(|(x, y)| x.to_bits() == y.to_bits()) {
                continue;
            }
            let cause = if correlated(first, p0) || correlated(sim, pk) {
                "it is correlated, and its correlation group (partners, ranks or their order) \
                 differs between the two"
                    .to_string()
            } else if sampler == SamplerKind::Sobol {
                format!(
                    "under the sobol sampler a value's draws follow its position among the \
                     uncertain values: {} of {} in the first, {} of {} in the other",
                    p0 + 1,
                    first.inputs.len(),
                    pk + 1,
                    sim.inputs.len()
                )
            } else {
                "its random stream differs".to_string()
            };
            out.push(format!(
                "{}: shared by '{}' and '{}' but not drawn from the same random numbers ({cause}); \
                 {consequence}",
                input.path,
                name(a),
                name(b),
            ));
        }
    }
    out
}
