//! The cost model (docs/model.md), as pure arithmetic written once.
//!
//! A [`Plan`] is compiled once from a validated [`Scenario`](crate::scenario::Scenario): it
//! records, for every field the formulas need, the index of its value in the per-sample value
//! vector. [`evaluate_batch`] maps a batch of samples' values to every metric, probability and
//! yearly series, for `run`, `compare`, `sweep` and sensitivity; [`evaluate`] and
//! [`evaluate_traced`] do the same for one sample (for `explain` and the tornado), through the
//! very same code: one sample is a batch of one. No I/O, no randomness, no printing: the model
//! knows nothing of files or sampling.
//!
//! Where each formula lives: [`fleet`] (GPUs, power, installed fractions), [`throughput`] (the
//! roofline), [`tokens`] (token prices and their paths), [`cost`] (owned cost, take-or-pay, a
//! tranche sized by the commitment), [`finance`] (capital recovery, installation by year,
//! undefined ratios), `eval` (the evaluation that applies them, column by column), `metrics`
//! (the stable names and units of the outputs).

pub mod cost;
mod eval;
pub mod finance;
pub mod fleet;
mod metrics;
mod plan;
pub mod portfolio;
pub mod throughput;
pub mod tokens;
mod trace;

pub use eval::{BatchValue, CHUNK};
pub use finance::crf;
pub use fleet::{
    HOURS_PER_YEAR, SECONDS_PER_YEAR, SIZING_SLACK, floor, gpus_from_power, installed_fraction,
    ramp_integral,
};
pub use metrics::{METRICS, Metric, PROBABILITIES, Probability, SERIES, Series};
pub use plan::{
    InvestmentPlan, ModelPlan, OwnedPlan, PaymentIdx, Plan, PlanError, PricePlan, SizeIdx,
    SystemPlan, ThroughputIdx, TranchePlan,
};
pub use trace::{NoTrace, Step, Tracer, is_year_path, num, year};

use eval::{Out, Values, Work};

/// The outputs of one sample. Absent metrics are NaN here; the plan says which are absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    pub metrics: [f64; METRICS.len()],
    pub probabilities: [bool; PROBABILITIES.len()],
    /// `series[s * years + k]`: series `s` (in [`SERIES`] order), year `k`.
    pub series: Vec<f64>,
}

impl Outputs {
    pub fn metric(&self, m: Metric) -> f64 {
        self.metrics[m as usize]
    }
    pub fn series(&self, s: Series, years: usize) -> &[f64] {
        let i = s as usize;
        &self.series[i * years..(i + 1) * years]
    }
}

/// Evaluate `n` samples. `values[v]` gives value `v` of every sample ([`Plan::paths`] order).
/// Writes metric `m` (in [`METRICS`] order) of sample `i` to `metrics[m][i]` (NaN where
/// undefined or absent) and series `s` (in [`SERIES`] order), year `k` to
/// `series[s * years + k][i]`; each output column holds at least `n` values, and those after
/// the first `n` are left alone. Returns how many samples each probability's event held in.
pub fn evaluate_batch(
    plan: &Plan,
    values: &[BatchValue<'_>],
    n: usize,
    metrics: &mut [&mut [f64]],
    series: &mut [&mut [f64]],
) -> [u64; PROBABILITIES.len()] {
    evaluate_columns(plan, values, n, metrics, series, &mut NoTrace)
}

/// The first `n` values of each `stride`-long column of `buf`: the output columns of
/// [`evaluate_batch`] in one buffer.
pub fn columns_mut(buf: &mut [f64], stride: usize, n: usize) -> Vec<&mut [f64]> {
    buf.chunks_exact_mut(stride).map(|c| &mut c[..n]).collect()
}

/// Evaluate one sample: `x` holds every value of the scenario in [`Plan::paths`] order.
pub fn evaluate(plan: &Plan, x: &[f64]) -> Outputs {
    evaluate_traced(plan, x, &mut NoTrace)
}

/// [`evaluate`], reporting each intermediate quantity to `tr` (for `explain`).
pub fn evaluate_traced<T: Tracer>(plan: &Plan, x: &[f64], tr: &mut T) -> Outputs {
    let values: Vec<BatchValue<'_>> = (0..x.len())
        .map(|v| BatchValue::Drawn(&x[v..v + 1]))
        .collect();
    let mut metrics = [0.0; METRICS.len()];
    let mut series = vec![0.0; SERIES.len() * plan.years];
    let counts = evaluate_columns(
        plan,
        &values,
        1,
        &mut columns_mut(&mut metrics, 1, 1),
        &mut columns_mut(&mut series, 1, 1),
        tr,
    );
    Outputs {
        metrics,
        probabilities: counts.map(|c| c > 0),
        series,
    }
}

fn evaluate_columns<T: Tracer>(
    plan: &Plan,
    values: &[BatchValue<'_>],
    n: usize,
    metrics: &mut [&mut [f64]],
    series: &mut [&mut [f64]],
    tr: &mut T,
) -> [u64; PROBABILITIES.len()] {
    let years = plan.years;
    assert_eq!(metrics.len(), METRICS.len(), "metric columns");
    assert_eq!(series.len(), SERIES.len() * years, "series columns");
    assert!(
        metrics.iter().chain(series.iter()).all(|c| c.len() >= n),
        "output columns of at least {n} values"
    );
    for c in values {
        if let BatchValue::Drawn(c) = c {
            assert_eq!(c.len(), n, "a drawn column holds one value per sample");
        }
    }
    let mut counts = [0u64; PROBABILITIES.len()];
    if n == 0 {
        return counts;
    }
    let mut fixed = Vec::new();
    if values.iter().any(|c| matches!(c, BatchValue::Fixed(_))) {
        fixed = vec![0.0; values.len() * CHUNK];
        for (v, c) in values.iter().enumerate() {
            if let BatchValue::Fixed(x) = *c {
                fixed[v * CHUNK..(v + 1) * CHUNK].fill(x);
            }
        }
    }
    let mut work = Work::new(plan);
    for start in (0..n).step_by(CHUNK) {
        let len = CHUNK.min(n - start);
        let x = Values {
            columns: values,
            fixed: &fixed,
            start,
            len,
        };
        let mut out = Out {
            metrics,
            series,
            start,
            len,
            years,
        };
        let c = eval::evaluate_chunk(plan, &x, &mut out, &mut work, tr);
        for (total, c) in counts.iter_mut().zip(c) {
            *total += c;
        }
    }
    // A result beyond the range of numbers (an overflow, from inputs near the largest number)
    // is no result: undefined in that sample, like a zero denominator; never an infinity.
    let finite = |column: &mut [f64]| {
        for v in column[..n].iter_mut() {
            if v.is_infinite() {
                *v = f64::NAN;
            }
        }
    };
    metrics.iter_mut().for_each(|c| finite(c));
    series.iter_mut().for_each(|c| finite(c));
    counts
}

#[cfg(test)]
mod tests;
