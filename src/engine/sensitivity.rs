//! Sensitivity of one metric to every uncertain input (MODEL.md "Sensitivity"): the driver that
//! builds the designs and evaluates the model. The estimators themselves live in
//! [`crate::stats::sensitivity`] and [`crate::stats::sobol`].
//!
//! Three analyses, each bit-identical on any thread count:
//!
//! 1. **Spearman**: the scenario's own design (its sampler, its correlations), run in the fixed
//!    batches of [`Simulation::run_batch`], at most [`MAX_SPEARMAN_SAMPLES`] samples; the rank
//!    correlation of each input's draws with the metric, rows where the metric is undefined left
//!    out.
//! 2. **Swing tornado**: every input at its median (the template), then each input alone at its
//!    p10 and at its p90; one model evaluation each (2k + 1 in all). Correlations play no part.
//! 3. **Sobol' indices**: a Saltelli design of `n` base rows. `A` and `B` are `n × k` matrices of
//!    independent uniforms: one scrambled Sobol' sequence of `2k` dimensions (A the first `k`,
//!    B the last `k`) when `2k ≤ 128`, else independent streams per column; the stream of each
//!    column is keyed by the seed and `sensitivity.sobol.A:<path>` (or `B:`). Uniforms go through
//!    each input's marginal (its quantile function); `AB_i` is `A` with column `i` from `B`. The
//!    model runs on `A`, `B` and every `AB_i`, `n (k + 2)` evaluations, in fixed chunks of
//!    [`SOBOL_CHUNK`] rows run in parallel and gathered in chunk order. **Inputs are sampled
//!    independently here**: Sobol' indices assume independent inputs, so a scenario's
//!    correlations are left out of this design and a warning says so.

use rayon::ThreadPool;
use rayon::prelude::*;

use super::Simulation;
use crate::error::Error;
use crate::model::{self, BatchValue, METRICS, Metric, SERIES};
use crate::sampling::{Design, sobol::MAX_DIM};
use crate::scenario::SamplerKind;
use crate::stats::sensitivity::spearman_columns;
use crate::stats::sobol::{SaltelliOutputs, SobolEstimate, sobol_indices};

/// Most samples kept for the Spearman correlations (every input column and the metric stay in
/// memory); more is cut to this with a warning.
pub const MAX_SPEARMAN_SAMPLES: u64 = 1 << 20;
/// Default number of Saltelli base rows `n` (`--sobol-samples`).
pub const DEFAULT_SOBOL_SAMPLES: usize = 1 << 14;
/// Most base rows accepted.
pub const MAX_SOBOL_SAMPLES: usize = 1 << 20;
/// Most model evaluations `n (k + 2)` of a Sobol' analysis (each output is kept in memory).
pub const MAX_SOBOL_EVALUATIONS: u64 = 1 << 26;
/// Below this many base rows the output warns that the intervals will be wide.
pub const SMALL_SOBOL_SAMPLES: usize = 1 << 12;
/// Default bootstrap resamples for the Sobol' intervals.
pub const DEFAULT_BOOTSTRAP: usize = 1000;
/// Rows per chunk of the Saltelli design (the unit of parallel work; changing it changes the
/// draws of the independent-streams design).
pub const SOBOL_CHUNK: usize = 1024;
/// The probabilities of a tornado bar's two ends.
pub const TORNADO_LOW: f64 = 0.1;
pub const TORNADO_HIGH: f64 = 0.9;

/// How to analyse.
#[derive(Debug, Clone)]
pub struct SensitivityConfig {
    pub metric: Metric,
    /// Samples of the scenario's own design for the Spearman correlations.
    pub samples: u64,
    /// Worker threads; `None` uses every core. Results do not depend on it.
    pub threads: Option<usize>,
    /// Saltelli base rows `n`.
    pub sobol_samples: usize,
    /// Bootstrap resamples for the Sobol' intervals.
    pub bootstrap: usize,
}

/// How the Saltelli matrices `A` and `B` were drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaltelliDesign {
    /// One scrambled Sobol' sequence of `2k` dimensions.
    Sobol,
    /// Independent streams per column (more than 64 inputs).
    Independent,
}

impl SaltelliDesign {
    pub fn as_str(self) -> &'static str {
        match self {
            SaltelliDesign::Sobol => "scrambled sobol",
            SaltelliDesign::Independent => "independent streams",
        }
    }
}

/// One tornado bar: the input's p10 and p90, and the metric with the input at each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TornadoEnds {
    pub input_low: f64,
    pub input_high: f64,
    /// The metric with this input at its p10 (the others at their medians).
    pub low: f64,
    /// The metric with this input at its p90.
    pub high: f64,
}

/// Everything the analysis found, per input in [`Simulation::inputs`] order.
#[derive(Debug, Clone)]
pub struct SensitivityResult {
    pub metric: Metric,
    pub seed: u64,
    /// Samples of the Spearman run (after the cap).
    pub samples: u64,
    /// Spearman rho of each input with the metric.
    pub spearman: Vec<f64>,
    /// Samples of the Spearman run where the metric was undefined.
    pub spearman_dropped: usize,
    /// The metric with every input at its median.
    pub base: f64,
    pub tornado: Vec<TornadoEnds>,
    pub sobol: SobolEstimate,
    pub sobol_design: SaltelliDesign,
    /// Base rows `n` of the Saltelli design.
    pub sobol_samples: usize,
    /// Model evaluations of the Sobol' analysis, `n (k + 2)`.
    pub sobol_evaluations: u64,
    /// What a reader must know to trust the numbers (correlations ignored, small samples, …).
    pub warnings: Vec<String>,
}

/// The metric at one value vector.
fn metric_at(sim: &Simulation, x: &[f64], m: Metric) -> f64 {
    model::evaluate(&sim.plan, x).metric(m)
}

/// Check a configuration against a simulation before any work: the metric exists, there are
/// uncertain inputs, and the sample counts are within bounds.
pub fn validate(sim: &Simulation, cfg: &SensitivityConfig) -> Result<(), Error> {
    if !sim.plan.has_metric(cfg.metric) {
        return Err(Error::AbsentMetric {
            metric: cfg.metric,
            reason: absent_reason(cfg.metric),
        });
    }
    if sim.inputs.is_empty() {
        return Err(Error::NothingUncertain);
    }
    if cfg.samples < 2 {
        return Err(Error::RankSamples { got: cfg.samples });
    }
    let n = cfg.sobol_samples;
    if !(2..=MAX_SOBOL_SAMPLES).contains(&n) {
        return Err(Error::SobolSamples {
            got: n,
            max: MAX_SOBOL_SAMPLES,
        });
    }
    let evals = n as u64 * (sim.inputs.len() as u64 + 2);
    if evals > MAX_SOBOL_EVALUATIONS {
        return Err(Error::SobolEvaluations {
            samples: n,
            inputs: sim.inputs.len(),
            evaluations: evals,
            limit: MAX_SOBOL_EVALUATIONS,
        });
    }
    if cfg.threads == Some(0) {
        return Err(Error::Threads);
    }
    Ok(())
}

fn absent_reason(m: Metric) -> &'static str {
    use Metric::*;
    match m {
        CommitmentGpuHours | CommitmentAvgGw | CommitmentCoverage => {
            "it needs procurement.commitment_usd"
        }
        InvestmentUsd => "it needs at least one [[investment]]",
        NetCommitmentUsd | Circularity => {
            "it needs procurement.commitment_usd and at least one [[investment]]"
        }
        RevenueUsd | Margin | NpvUsd => "it needs workload.price_usd_per_mtok",
        _ => "it cannot be computed for this scenario",
    }
}

/// Total model evaluations of an analysis (for a progress bar).
pub fn planned_evaluations(sim: &Simulation, cfg: &SensitivityConfig) -> u64 {
    let k = sim.inputs.len() as u64;
    cfg.samples.min(MAX_SPEARMAN_SAMPLES) + (2 * k + 1) + cfg.sobol_samples as u64 * (k + 2)
}

/// Run the three analyses. `progress(done, planned)` is called with model evaluations.
pub fn analyse(
    sim: &Simulation,
    cfg: &SensitivityConfig,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<SensitivityResult, Error> {
    validate(sim, cfg)?;
    let pool = super::worker_pool(cfg.threads)?;
    let planned = planned_evaluations(sim, cfg);
    let mut warnings = Vec::new();
    let m = cfg.metric;
    let k = sim.inputs.len();

    // 1. Spearman on the scenario's own design.
    let samples = cfg.samples.min(MAX_SPEARMAN_SAMPLES);
    if samples < cfg.samples {
        warnings.push(format!(
            "rank correlations use the first {MAX_SPEARMAN_SAMPLES} samples, not {}",
            cfg.samples
        ));
    }
    let (columns, y) = spearman_samples(sim, m, samples, &pool, &mut |d| progress(d, planned))?;
    let (spearman, spearman_dropped) = spearman_columns(&columns, &y);
    drop(columns);
    let mut done = samples;

    // 2. Swing tornado.
    let base = metric_at(sim, &sim.template, m);
    let tornado: Vec<TornadoEnds> = sim
        .inputs
        .iter()
        .map(|input| {
            let mut x = sim.template.clone();
            let input_low = input.marginal.quantile(TORNADO_LOW);
            let input_high = input.marginal.quantile(TORNADO_HIGH);
            x[input.index] = input_low;
            let low = metric_at(sim, &x, m);
            x[input.index] = input_high;
            let high = metric_at(sim, &x, m);
            TornadoEnds {
                input_low,
                input_high,
                low,
                high,
            }
        })
        .collect();
    done += 2 * k as u64 + 1;
    progress(done, planned);

    // 3. Sobol' indices.
    let n = cfg.sobol_samples;
    let start = done;
    let (outputs, design) =
        metric_saltelli_outputs(sim, m, n, &pool, &mut |d| progress(start + d, planned))?;
    let sobol = pool.install(|| sobol_indices(&outputs, cfg.bootstrap, sim.seed()));

    // What a reader must know.
    if !sim.correlations.is_empty() {
        let pairs: Vec<String> = sim
            .correlations
            .iter()
            .map(|&(i, j, r)| format!("{} ~ {} ({r})", sim.inputs[i].path, sim.inputs[j].path))
            .collect();
        warnings.push(format!(
            "the scenario correlates {}: Sobol' indices assume independent inputs, so the \
             Sobol' design samples every input independently and the tornado moves one input at \
             a time; only the rank correlations use the correlated draws",
            pairs.join(", ")
        ));
    }
    if n < SMALL_SOBOL_SAMPLES {
        warnings.push(format!(
            "only {n} Sobol' base samples: the indices are rough and their intervals wide; use \
             --sobol-samples {} or more",
            SMALL_SOBOL_SAMPLES
        ));
    }
    if design == SaltelliDesign::Sobol && !n.is_power_of_two() {
        warnings.push(format!(
            "{n} Sobol' base samples is not a power of two: the Sobol' sequence is best balanced \
             at 2^m samples"
        ));
    }
    if spearman_dropped > 0 {
        warnings.push(format!(
            "{spearman_dropped} of {samples} samples have no value of {} (a zero denominator) \
             and are left out of the rank correlations",
            m.name()
        ));
    }
    if sobol.dropped > 0 {
        warnings.push(format!(
            "{} of {n} Sobol' base rows have no value of {} in A, B or some AB_i (a zero \
             denominator) and are left out of every index",
            sobol.dropped,
            m.name()
        ));
    }
    if sobol.variance == 0.0 || sobol.rows < 2 {
        warnings.push(format!(
            "{} does not vary in the Sobol' design: its indices are undefined",
            m.name()
        ));
    }
    if base.is_nan() {
        warnings.push(format!(
            "{} has no value with every input at its median: the tornado has no base",
            m.name()
        ));
    }
    Ok(SensitivityResult {
        metric: m,
        seed: sim.seed(),
        samples,
        spearman,
        spearman_dropped,
        base,
        tornado,
        sobol,
        sobol_design: design,
        sobol_samples: n,
        sobol_evaluations: n as u64 * (k as u64 + 2),
        warnings,
    })
}

/// Run `samples` samples of the scenario's own design; keep every input column and the metric.
fn spearman_samples(
    sim: &Simulation,
    m: Metric,
    samples: u64,
    pool: &ThreadPool,
    progress: &mut dyn FnMut(u64),
) -> Result<(Vec<Vec<f64>>, Vec<f64>), Error> {
    let k = sim.inputs.len();
    let len = usize::try_from(samples).map_err(|_| Error::TooManySamples { got: samples })?;
    let mut columns: Vec<Vec<f64>> = (0..k).map(|_| Vec::with_capacity(len)).collect();
    let mut y = Vec::with_capacity(len);
    let mut b = super::BatchOut::default();
    while (y.len() as u64) < samples {
        let (batch, n) = super::next_batch(y.len() as u64, samples);
        pool.install(|| sim.run_batch_into(batch, n, &mut b));
        for (p, col) in columns.iter_mut().enumerate() {
            col.extend_from_slice(b.input(p));
        }
        y.extend_from_slice(b.metric(m as usize));
        progress(y.len() as u64);
    }
    Ok((columns, y))
}

/// Metric `m` of `sim` on a Saltelli design of `n` base rows over its uncertain inputs (drawn
/// independently, through each input's quantile function; keyed by the simulation's seed).
pub fn metric_saltelli_outputs(
    sim: &Simulation,
    m: Metric,
    n: usize,
    pool: &ThreadPool,
    progress: &mut dyn FnMut(u64),
) -> Result<(SaltelliOutputs, SaltelliDesign), Error> {
    let paths: Vec<String> = sim.inputs.iter().map(|i| i.path.clone()).collect();
    let transform = |p: usize, u: f64| sim.inputs[p].marginal.quantile(u);
    let plan = &sim.plan;
    // One evaluator per chunk of rows: the model over whole columns, its output buffers reused.
    let make = || {
        let mut metrics = Vec::new();
        let mut series = Vec::new();
        move |columns: &[&[f64]], rows: usize| {
            let mut values: Vec<BatchValue<'_>> =
                sim.template.iter().map(|&v| BatchValue::Fixed(v)).collect();
            for (input, column) in sim.inputs.iter().zip(columns) {
                values[input.index] = BatchValue::Drawn(column);
            }
            metrics.resize(METRICS.len() * rows, 0.0);
            series.resize(SERIES.len() * plan.years * rows, 0.0);
            model::evaluate_batch(
                plan,
                &values,
                rows,
                &mut model::columns_mut(&mut metrics, rows, rows),
                &mut model::columns_mut(&mut series, rows, rows),
            );
            metrics[m as usize * rows..(m as usize + 1) * rows].to_vec()
        }
    };
    saltelli_outputs(&paths, sim.seed(), n, transform, make, pool, progress)
}

/// A Saltelli evaluator from a function of one row of input values.
pub fn row_by_row(mut f: impl FnMut(&[f64]) -> f64) -> impl FnMut(&[&[f64]], usize) -> Vec<f64> {
    let mut row = Vec::new();
    move |columns: &[&[f64]], rows: usize| {
        (0..rows)
            .map(|j| {
                row.clear();
                row.extend(columns.iter().map(|c| c[j]));
                f(&row)
            })
            .collect()
    }
}

/// Evaluate a function on a Saltelli design of `n` base rows over `paths.len()` inputs.
///
/// `transform(p, u)` maps a uniform in (0, 1) to input `p`'s value (its quantile function);
/// `make()` builds one evaluator per chunk of rows (so each worker owns its scratch space): given
/// the `k` input columns of `rows` rows, it returns the function's value at each row
/// ([`row_by_row`] makes one from a function of one row). The uniforms come from a scrambled Sobol' sequence of `2k`
/// dimensions when `2k ≤ 128`, else from independent streams per column; both are keyed by
/// `seed` and `sensitivity.sobol.A:<path>` / `B:<path>`. Chunks of [`SOBOL_CHUNK`] rows run in
/// parallel on `pool` and are gathered in order, so the outputs are the same on any thread count.
/// `progress(evaluations done)` is called after each window of chunks.
pub fn saltelli_outputs<T, M, E>(
    paths: &[String],
    seed: u64,
    n: usize,
    transform: T,
    make: M,
    pool: &ThreadPool,
    progress: &mut dyn FnMut(u64),
) -> Result<(SaltelliOutputs, SaltelliDesign), Error>
where
    T: Fn(usize, f64) -> f64 + Sync,
    M: Fn() -> E + Sync,
    E: FnMut(&[&[f64]], usize) -> Vec<f64>,
{
    let k = paths.len();
    let kind = if 2 * k <= MAX_DIM {
        SaltelliDesign::Sobol
    } else {
        SaltelliDesign::Independent
    };
    let sampler = match kind {
        SaltelliDesign::Sobol => SamplerKind::Sobol,
        SaltelliDesign::Independent => SamplerKind::Mc,
    };
    let design_paths: Vec<String> = ["A", "B"]
        .iter()
        .flat_map(|m| {
            paths
                .iter()
                .map(move |p| format!("sensitivity.sobol.{m}:{p}"))
        })
        .collect();
    let design = Design::new(sampler, seed, design_paths, &[], SOBOL_CHUNK)
        .map_err(|e| Error::Internal(format!("the Sobol' design: {e}")))?;
    let chunks = n.div_ceil(SOBOL_CHUNK);
    let window = pool.current_num_threads().max(1) * 2;
    let mut f_a = Vec::with_capacity(n);
    let mut f_b = Vec::with_capacity(n);
    let mut f_ab_chunks: Vec<Vec<f64>> = Vec::with_capacity(chunks);
    let mut next = 0;
    while next < chunks {
        let jobs: Vec<(usize, usize)> = (next..(next + window).min(chunks))
            .map(|c| (c, (n - c * SOBOL_CHUNK).min(SOBOL_CHUNK)))
            .collect();
        next += jobs.len();
        let outs: Vec<(Vec<f64>, Vec<f64>, Vec<f64>)> = pool.install(|| {
            jobs.par_iter()
                .map(|&(c, rows)| {
                    let mut u = vec![0.0; 2 * k * rows];
                    design.fill_batch(c as u64, rows, &mut u);
                    for (d, v) in u.iter_mut().enumerate() {
                        *v = transform((d / rows) % k, *v);
                    }
                    let (a, b) = u.split_at(k * rows);
                    let a: Vec<&[f64]> = a.chunks_exact(rows).collect();
                    let b: Vec<&[f64]> = b.chunks_exact(rows).collect();
                    let mut eval = make();
                    let fb = eval(&b, rows);
                    let fa = eval(&a, rows);
                    let mut fab = Vec::with_capacity(k * rows);
                    let mut ab = a.clone();
                    for i in 0..k {
                        ab[i] = b[i];
                        fab.extend(eval(&ab, rows));
                        ab[i] = a[i];
                    }
                    (fa, fb, fab)
                })
                .collect()
        });
        for (fa, fb, fab) in outs {
            f_a.extend(fa);
            f_b.extend(fb);
            f_ab_chunks.push(fab);
        }
        progress(f_a.len() as u64 * (k as u64 + 2));
    }
    // Gather AB_i column by column: chunk c holds rows c·SOBOL_CHUNK.. of every AB_i.
    let mut f_ab = Vec::with_capacity(k * n);
    for i in 0..k {
        for (c, fab) in f_ab_chunks.iter().enumerate() {
            let rows = (n - c * SOBOL_CHUNK).min(SOBOL_CHUNK);
            f_ab.extend_from_slice(&fab[i * rows..(i + 1) * rows]);
        }
    }
    Ok((
        SaltelliOutputs {
            n,
            k,
            f_a,
            f_b,
            f_ab,
        },
        kind,
    ))
}
