//! Parallel Monte Carlo evaluation, bit-identical on any thread count.
//!
//! Samples are cut into fixed batches by sample index ([`BATCH_SIZE`]), never by thread. Each
//! batch draws its uniforms from the sampling design, maps them through every value's quantile
//! function, and evaluates the model over the whole batch, column by column
//! ([`model::evaluate_batch`]). Batches run in parallel (rayon) in windows of one batch per
//! worker, then each window is merged into the accumulators (in parallel over accumulators);
//! within each accumulator the merge is strictly in batch order, so every floating-point
//! reduction happens in the same order whatever the thread count.
//!
//! `--precision P` keeps adding steps of [`PRECISION_STEP_BATCHES`] batches until the 95%
//! half-width (1.96 × se) of the mean of every headline metric is within `P × |mean|`, or the
//! sample cap is reached. The steps do not depend on the thread count, so neither does where the
//! run stops.

pub mod compare;
pub mod portfolio;
pub mod sensitivity;
pub mod solve;
pub mod sweep;

use rayon::prelude::*;

use crate::dist::Marginal;
use crate::error::Error;
use crate::model::{self, BatchValue, METRICS, Metric, PROBABILITIES, Plan, SERIES};
use crate::sampling::Design;
use crate::scenario::{SamplerKind, Scenario};
use crate::stats::{Accumulator, spearman};

/// Samples per batch. LHS strata are per batch; changing this changes every published number.
pub const BATCH_SIZE: usize = 32_768;
/// Padding, in values, after each column (inputs, metrics, series) of a [`BatchOut`]: 4 KiB
/// and one cache line. The model reads and writes dozens of columns side by side; were they
/// exactly 256 KiB apart, the same sample of every column would fall in the same cache sets.
/// The padding spreads them over the sets.
const COLUMN_PADDING: usize = 4096 / 8 + 64 / 8;

/// Distance, in values, between two columns of a [`BatchOut`] of `n` samples: its samples and
/// the padding. A batch shorter than [`BATCH_SIZE`] (a small run, or a run's last batch) takes
/// only the memory its samples need.
pub fn column_stride(n: usize) -> usize {
    n + COLUMN_PADDING
}
/// Samples of a batch that the model evaluates as one parallel task (a whole number of the
/// model's chunks).
const MODEL_PIECE: usize = 8 * model::CHUNK;
/// Samples kept per correlated value to measure the rank correlation achieved.
pub const CORRELATION_CHECK_SAMPLES: usize = 1 << 18;
/// Default cap on samples when `--precision` is given.
pub const DEFAULT_PRECISION_CAP: u64 = 10_000_000;
/// Under `--precision`, full batches added before the next check (131,072 samples).
pub const PRECISION_STEP_BATCHES: u64 = 4;

/// How to run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub samples: u64,
    pub seed: u64,
    pub sampler: SamplerKind,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
    /// Relative 95% half-width target for the means of the headline metrics.
    pub precision: Option<f64>,
    /// Upper bound on samples under `precision`.
    pub max_samples: u64,
}

impl RunConfig {
    pub fn from_scenario(s: &Scenario) -> RunConfig {
        RunConfig {
            samples: s.simulation.samples,
            seed: s.simulation.seed,
            sampler: s.simulation.sampler,
            threads: None,
            precision: None,
            max_samples: DEFAULT_PRECISION_CAP,
        }
    }
}

/// An uncertain value: its index in the value vector, path, and marginal.
#[derive(Debug, Clone)]
pub struct Input {
    pub index: usize,
    pub path: String,
    pub marginal: Marginal,
}

/// A scenario ready to sample: the plan, the constants, the uncertain inputs and the design.
pub struct Simulation {
    pub plan: Plan,
    /// Every value at its fixed value (uncertain ones at their medians): the template of `x`.
    pub template: Vec<f64>,
    pub inputs: Vec<Input>,
    /// `(input i, input j, target rank)`, indices into `inputs`.
    pub correlations: Vec<(usize, usize, f64)>,
    design: Design,
    /// Per input: whether the design hands it its copula's normal score, which its marginal
    /// maps directly (a correlated, untruncated normal or lognormal value).
    scores: Vec<bool>,
    seed: u64,
}

/// Per-sample data handed to an observer (for `--samples-out`), one batch at a time.
pub struct BatchView<'a> {
    /// Global index of the first sample.
    pub first: u64,
    pub n: usize,
    batch: &'a BatchOut,
}

impl BatchView<'_> {
    /// Input `p` (in [`Simulation::inputs`] order) of every sample.
    pub fn input(&self, p: usize) -> &[f64] {
        self.batch.input(p)
    }

    /// Metric `m` (in [`METRICS`] order) of every sample.
    pub fn metric(&self, m: usize) -> &[f64] {
        self.batch.metric(m)
    }
}

/// Called after each merged batch: `(view, samples done so far, samples planned)`.
pub trait Observer {
    fn batch(&mut self, view: &BatchView<'_>) -> Result<(), Error>;
    fn progress(&mut self, _done: u64, _planned: u64) {}
}

/// An observer that does nothing.
pub struct Silent;
impl Observer for Silent {
    fn batch(&mut self, _view: &BatchView<'_>) -> Result<(), Error> {
        Ok(())
    }
}

/// What a run produced: accumulated metrics, probabilities, series and inputs.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub samples: u64,
    pub seed: u64,
    pub sampler: SamplerKind,
    /// `None` for metrics the scenario lacks.
    pub metrics: Vec<Option<Accumulator>>,
    /// Count of samples where each probability's event held; `None` when absent.
    pub probabilities: Vec<Option<u64>>,
    /// `series[s][k]`: series `s`, year `k`; `None` when absent.
    pub series: Vec<Option<Vec<Accumulator>>>,
    /// One accumulator per uncertain input (in `Simulation::inputs` order).
    pub inputs: Vec<Accumulator>,
    /// `(i, j, target, achieved)` rank correlations, indices into inputs.
    pub correlations: Vec<(usize, usize, f64, f64)>,
    /// Under `--precision`: whether the target was met before the cap.
    pub converged: Option<bool>,
}

impl RunResult {
    pub fn metric(&self, m: Metric) -> Option<&Accumulator> {
        self.metrics[m as usize].as_ref()
    }
}

/// One evaluated batch: every sample's inputs and outputs, column-major.
#[derive(Debug, Clone, Default)]
pub struct BatchOut {
    /// Global index of the first sample.
    pub first: u64,
    pub n: usize,
    /// Distance between two columns of `inputs`, `metrics` and `series` ([`column_stride`]).
    pub stride: usize,
    /// Input `p` (in [`Simulation::inputs`] order), sample `i` at `inputs[p * stride + i]`.
    pub inputs: Vec<f64>,
    /// Metric `m` (in [`METRICS`] order), sample `i` at `metrics[m * stride + i]`; NaN where
    /// the sample's metric is undefined, and for metrics the scenario lacks.
    pub metrics: Vec<f64>,
    /// Series `s`, year `k`, sample `i` at `series[(s * years + k) * stride + i]`.
    pub series: Vec<f64>,
    /// Samples in which each probability's event held.
    pub prob_counts: [u64; PROBABILITIES.len()],
}

impl BatchOut {
    /// Input `p` (in [`Simulation::inputs`] order) of every sample.
    pub fn input(&self, p: usize) -> &[f64] {
        column(&self.inputs, p, self.stride, self.n)
    }

    /// Metric `m` (in [`METRICS`] order) of every sample.
    pub fn metric(&self, m: usize) -> &[f64] {
        column(&self.metrics, m, self.stride, self.n)
    }

    /// Series column `j` (series `s`, year `k` at `j = s * years + k`) of every sample.
    pub fn series_column(&self, j: usize) -> &[f64] {
        column(&self.series, j, self.stride, self.n)
    }
}

/// Column `j` of a buffer of columns `stride` values apart: its first `n` values.
fn column(buf: &[f64], j: usize, stride: usize, n: usize) -> &[f64] {
    &buf[j * stride..j * stride + n]
}

/// Make `v` `len` values long. A reused buffer keeps its values (every column is overwritten).
fn output_buffer(v: &mut Vec<f64>, len: usize) {
    v.resize(len, 0.0);
}

impl Simulation {
    pub fn new(s: &Scenario, cfg: &RunConfig) -> Result<Simulation, Error> {
        let plan = Plan::new(s)?;
        let params = s.params();
        let mut template = Vec::with_capacity(params.len());
        let mut inputs = Vec::new();
        for (index, p) in params.iter().enumerate() {
            match p.fixed_value() {
                Some(v) => template.push(v),
                None => {
                    template.push(p.marginal.quantile(0.5));
                    inputs.push(Input {
                        index,
                        path: p.path.clone(),
                        marginal: p.marginal.clone(),
                    });
                }
            }
        }
        let pos = |path: &str| inputs.iter().position(|i| i.path == path);
        let mut correlations = Vec::new();
        for c in &s.correlations {
            match (pos(&c.between[0]), pos(&c.between[1])) {
                (Some(i), Some(j)) => correlations.push((i, j, c.rank)),
                _ => {
                    return Err(Error::CorrelationNotUncertain {
                        between: c.between.clone(),
                    });
                }
            }
        }
        let paths = inputs.iter().map(|i| i.path.clone()).collect();
        let design = Design::new(cfg.sampler, cfg.seed, paths, &correlations, BATCH_SIZE)?;
        let scores = inputs
            .iter()
            .enumerate()
            .map(|(p, i)| design.is_correlated(p) && i.marginal.takes_normal_scores())
            .collect();
        Ok(Simulation {
            plan,
            template,
            inputs,
            correlations,
            design,
            scores,
            seed: cfg.seed,
        })
    }

    /// The seed the simulation's streams are keyed by.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Values of every input at its median (fixed values as they are).
    pub fn medians(&self) -> Vec<f64> {
        self.template.clone()
    }

    /// Draw and evaluate batch `batch` (samples `batch × BATCH_SIZE ..`, `n ≤ BATCH_SIZE` of
    /// them). The same batch of the same scenario and seed always gives the same bits; two
    /// scenarios that share an input path (and sampler `mc` or `lhs`, no correlations on it)
    /// draw the same values for it: common random numbers.
    pub fn run_batch(&self, batch: u64, n: usize) -> BatchOut {
        let mut out = BatchOut::default();
        self.run_batch_into(batch, n, &mut out);
        out
    }

    /// [`Simulation::run_batch`] into a reused buffer (every field is overwritten).
    pub fn run_batch_into(&self, batch: u64, n: usize, b: &mut BatchOut) {
        let plan = &self.plan;
        let k = self.inputs.len();
        b.first = batch * BATCH_SIZE as u64;
        b.n = n;
        let stride = column_stride(n);
        b.stride = stride;
        // Every column is written below, from the design's uniforms to the model's outputs.
        let u = &mut b.inputs;
        output_buffer(u, k * stride);
        if k > 0 {
            self.design
                .fill_batch_scores(batch, n, stride, u, &self.scores);
        }
        u[..k * stride]
            .par_chunks_mut(stride)
            .zip(&self.inputs)
            .zip(&self.scores)
            .for_each(|((column, input), &score)| {
                let column = &mut column[..n];
                if score {
                    input.marginal.quantile_of_scores_slice(column);
                } else {
                    input.marginal.quantile_slice(column);
                }
            });
        let nm = METRICS.len();
        let ns = SERIES.len() * plan.years;
        output_buffer(&mut b.metrics, nm * stride);
        output_buffer(&mut b.series, ns * stride);
        // The model, column by column: drawn values from the batch's input columns, the rest
        // fixed at the template; pieces of the batch in parallel, each writing its own part of
        // every output column.
        let mut values: Vec<BatchValue<'_>> = self
            .template
            .iter()
            .map(|&v| BatchValue::Fixed(v))
            .collect();
        for (p, input) in self.inputs.iter().enumerate() {
            // The inputs field alone is borrowed: the model writes the output fields.
            values[input.index] = BatchValue::Drawn(column(&b.inputs, p, stride, n));
        }
        let pieces = n.div_ceil(MODEL_PIECE);
        let mut metric_parts: Vec<Vec<&mut [f64]>> = (0..pieces).map(|_| Vec::new()).collect();
        let mut series_parts: Vec<Vec<&mut [f64]>> = (0..pieces).map(|_| Vec::new()).collect();
        for (buf, parts) in [
            (&mut b.metrics, &mut metric_parts),
            (&mut b.series, &mut series_parts),
        ] {
            for col in model::columns_mut(buf, stride, n) {
                for (part, piece) in parts.iter_mut().zip(col.chunks_mut(MODEL_PIECE)) {
                    part.push(piece);
                }
            }
        }
        let counts: Vec<[u64; PROBABILITIES.len()]> = metric_parts
            .into_par_iter()
            .zip(series_parts)
            .enumerate()
            .map(|(p, (mut metrics, mut series))| {
                let start = p * MODEL_PIECE;
                let len = MODEL_PIECE.min(n - start);
                let piece: Vec<BatchValue<'_>> = values
                    .iter()
                    .map(|v| match *v {
                        BatchValue::Drawn(c) => BatchValue::Drawn(&c[start..start + len]),
                        fixed => fixed,
                    })
                    .collect();
                model::evaluate_batch(plan, &piece, len, &mut metrics, &mut series)
            })
            .collect();
        b.prob_counts = [0; PROBABILITIES.len()];
        for c in counts {
            for (total, c) in b.prob_counts.iter_mut().zip(c) {
                *total += c;
            }
        }
    }

    /// Run the simulation. Results depend only on the scenario and `cfg`'s samples, seed and
    /// sampler — never on `cfg.threads`.
    pub fn run(&self, cfg: &RunConfig, observer: &mut dyn Observer) -> Result<RunResult, Error> {
        if cfg.samples == 0 {
            return Err(Error::NoSamples);
        }
        let pool = worker_pool(cfg.threads)?;
        let plan = &self.plan;
        let years = plan.years;
        let mut result = RunResult {
            samples: 0,
            seed: self.seed,
            sampler: cfg.sampler,
            metrics: METRICS
                .iter()
                .map(|&m| plan.has_metric(m).then(Accumulator::new))
                .collect(),
            probabilities: PROBABILITIES
                .iter()
                .map(|&p| plan.has_probability(p).then_some(0))
                .collect(),
            series: SERIES
                .iter()
                .map(|&s| {
                    plan.has_series(s)
                        .then(|| (0..years).map(|_| Accumulator::new()).collect())
                })
                .collect(),
            inputs: self.inputs.iter().map(|_| Accumulator::new()).collect(),
            correlations: Vec::new(),
            converged: None,
        };
        for acc in result.accumulators_mut() {
            acc.reserve(cfg.samples.min(usize::MAX as u64) as usize);
        }
        let mut corr_cols: Vec<Vec<f64>> = vec![Vec::new(); self.inputs.len()];
        let correlated: Vec<bool> = (0..self.inputs.len())
            .map(|p| self.correlations.iter().any(|&(i, j, _)| i == p || j == p))
            .collect();

        let mut target = cfg.samples;
        let cap = if cfg.precision.is_some() {
            cfg.max_samples.max(cfg.samples)
        } else {
            cfg.samples
        };
        // One batch at a time, computed in parallel within (columns, pieces of samples), then
        // merged; its buffer is reused by the next. Memory does not grow with the thread count.
        let mut buf = BatchOut::default();
        let mut done = 0u64;
        loop {
            if done >= target {
                // Every planned sample is merged.
                let Some(p) = cfg.precision else { break };
                if precision_met(&result, p) {
                    result.converged = Some(true);
                    break;
                }
                if done >= cap {
                    result.converged = Some(false);
                    break;
                }
                // Grow by a fixed step of full batches, whatever the thread count, so that the
                // run stops at the same sample on any number of threads.
                target = (done + PRECISION_STEP_BATCHES * BATCH_SIZE as u64).min(cap);
                continue;
            }
            let (batch, n) = next_batch(done, target);
            pool.install(|| {
                self.run_batch_into(batch, n, &mut buf);
                self.merge(&mut result, &buf);
            });
            self.merge_serial(&mut result, &buf, &mut corr_cols, &correlated);
            done += n as u64;
            observer.batch(&BatchView {
                first: buf.first,
                n,
                batch: &buf,
            })?;
            observer.progress(done, target);
        }
        result.samples = done;
        result.correlations = pool.install(|| self.achieved_correlations(&corr_cols));
        Ok(result)
    }

    /// `(i, j, target, achieved)` for every correlation, from the kept input columns.
    fn achieved_correlations(&self, corr_cols: &[Vec<f64>]) -> Vec<(usize, usize, f64, f64)> {
        self.correlations
            .par_iter()
            .map(|&(i, j, rho)| (i, j, rho, spearman(&corr_cols[i], &corr_cols[j])))
            .collect()
    }

    /// Fold a batch into the accumulators, in parallel over accumulators (each is independent).
    fn merge(&self, result: &mut RunResult, b: &BatchOut) {
        let years = self.plan.years;
        // (accumulator, which column of a batch).
        let mut tasks: Vec<(&mut Accumulator, &[f64])> = Vec::new();
        for (m, acc) in result.metrics.iter_mut().enumerate() {
            if let Some(acc) = acc {
                tasks.push((acc, b.metric(m)));
            }
        }
        for (s, accs) in result.series.iter_mut().enumerate() {
            if let Some(accs) = accs {
                for (k, acc) in accs.iter_mut().enumerate() {
                    tasks.push((acc, b.series_column(s * years + k)));
                }
            }
        }
        for (p, acc) in result.inputs.iter_mut().enumerate() {
            tasks.push((acc, b.input(p)));
        }
        // NaN (a zero denominator) is skipped and counted by the accumulator.
        tasks
            .par_iter_mut()
            .for_each(|(acc, values)| acc.push_batch(values));
    }

    /// The cheap, order-dependent part of merging one batch: probability counts and the
    /// columns kept to measure achieved correlations.
    fn merge_serial(
        &self,
        result: &mut RunResult,
        b: &BatchOut,
        corr_cols: &mut [Vec<f64>],
        correlated: &[bool],
    ) {
        for (c, count) in result.probabilities.iter_mut().zip(b.prob_counts) {
            if let Some(c) = c {
                *c += count;
            }
        }
        for (p, col) in corr_cols.iter_mut().enumerate() {
            if correlated[p] {
                let room = CORRELATION_CHECK_SAMPLES.saturating_sub(col.len());
                let input = b.input(p);
                col.extend_from_slice(&input[..room.min(input.len())]);
            }
        }
    }
}

impl RunResult {
    /// Every accumulator of the result (metrics, series, inputs).
    fn accumulators_mut(&mut self) -> Vec<&mut Accumulator> {
        let mut v: Vec<&mut Accumulator> = Vec::new();
        v.extend(self.metrics.iter_mut().flatten());
        v.extend(self.series.iter_mut().flatten().flatten());
        v.extend(self.inputs.iter_mut());
        v
    }
}

/// Run `s` with `cfg` for `metric` alone (`sweep` and `solve`): its accumulator. `set` names, in
/// the error, the overrides that made `s` when it does not compute `metric`; `progress(done)`
/// counts the run's samples.
pub(crate) fn run_metric(
    s: &Scenario,
    metric: Metric,
    cfg: &RunConfig,
    set: &str,
    progress: &mut dyn FnMut(u64),
) -> Result<Accumulator, Error> {
    let sim = Simulation::new(s, cfg)?;
    if !sim.plan.has_metric(metric) {
        return Err(Error::MetricNotComputed {
            metric,
            scenario: s.name.clone(),
            set: set.to_string(),
        });
    }
    let mut result = sim.run(cfg, &mut Progress(progress))?;
    result.metrics[metric as usize]
        .take()
        .ok_or_else(|| Error::Internal(format!("metric {} was not accumulated", metric.name())))
}

/// An observer that only reports progress: `(samples done)`.
struct Progress<'a>(&'a mut dyn FnMut(u64));

impl Observer for Progress<'_> {
    fn batch(&mut self, _view: &BatchView<'_>) -> Result<(), Error> {
        Ok(())
    }
    fn progress(&mut self, done: u64, _planned: u64) {
        (self.0)(done);
    }
}

/// A pool of worker threads: `threads`, or every core when `None`.
pub(crate) fn worker_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Internal(format!("cannot start worker threads: {e}")))
}

/// The batch that holds sample `done`, and how many of its samples a run up to `target` takes:
/// batches are cut by sample index only ([`BATCH_SIZE`] each, the last one short), never by
/// thread. `done` is a whole number of batches.
pub(crate) fn next_batch(done: u64, target: u64) -> (u64, usize) {
    let batch = done / BATCH_SIZE as u64;
    let n = (target - done).min(BATCH_SIZE as u64) as usize;
    (batch, n)
}

/// The headline metric whose mean is known least precisely, and its relative 95% half-width
/// (1.96 × se / |mean|; infinite for a mean of 0 with spread). `None` when the run has no
/// headline metric with samples.
pub fn worst_precision(result: &RunResult) -> Option<(Metric, f64)> {
    METRICS
        .iter()
        .filter(|m| m.is_headline())
        .filter_map(|&m| {
            let acc = result.metric(m)?;
            let half = 1.96 * acc.se();
            let rel = if half == 0.0 {
                0.0
            } else if acc.mean() == 0.0 {
                f64::INFINITY
            } else {
                half / acc.mean().abs()
            };
            (!rel.is_nan()).then_some((m, rel))
        })
        .fold(None, |worst: Option<(Metric, f64)>, (m, rel)| match worst {
            Some((_, w)) if w >= rel => worst,
            _ => Some((m, rel)),
        })
}

/// Whether every headline metric's mean is known to within `p` (relative 95% half-width).
pub fn precision_met(result: &RunResult, p: f64) -> bool {
    METRICS
        .iter()
        .filter(|m| m.is_headline())
        .all(|&m| match result.metric(m) {
            None => true,
            Some(acc) => {
                let half = 1.96 * acc.se();
                half <= p * acc.mean().abs() || half == 0.0
            }
        })
}
