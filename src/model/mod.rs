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
//! Where each formula lives: [`fleet`] (GPUs, power, installed fractions), [`finance`] (capital
//! recovery), `eval` (the evaluation that applies them, column by column), [`metrics`] (the
//! stable names and units of the outputs).

mod eval;
pub mod finance;
pub mod fleet;
mod metrics;
mod plan;
mod trace;

pub use eval::{BatchValue, CHUNK};
pub use finance::crf;
pub use fleet::{
    HOURS_PER_YEAR, SECONDS_PER_YEAR, SIZING_SLACK, floor, gpus_from_power, installed_fraction,
    ramp_integral,
};
pub use metrics::{METRICS, Metric, PROBABILITIES, Probability, SERIES, Series};
pub use plan::{OwnedPlan, Plan, PlanError, SizeIdx, TranchePlan};
pub use trace::{NoTrace, Step, Tracer, is_year_path, num, year};

use eval::{Geometry, Values, Work};

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
/// Writes metric `m` (in [`METRICS`] order) of sample `i` to `metrics[m * stride + i]` (NaN
/// where undefined or absent) and series `s` (in [`SERIES`] order), year `k` to
/// `series[(s * years + k) * stride + i]`, and returns how many samples each probability's event
/// held in; the `stride − n` values after each column are left alone.
pub fn evaluate_batch(
    plan: &Plan,
    values: &[BatchValue<'_>],
    n: usize,
    stride: usize,
    metrics: &mut [f64],
    series: &mut [f64],
) -> [u64; PROBABILITIES.len()] {
    evaluate_columns(plan, values, n, stride, metrics, series, &mut NoTrace)
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
    let counts = evaluate_columns(plan, &values, 1, 1, &mut metrics, &mut series, tr);
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
    stride: usize,
    metrics: &mut [f64],
    series: &mut [f64],
    tr: &mut T,
) -> [u64; PROBABILITIES.len()] {
    let years = plan.years;
    assert!(stride >= n, "columns of {n} values {stride} apart");
    assert_eq!(metrics.len(), METRICS.len() * stride, "metric columns");
    assert_eq!(
        series.len(),
        SERIES.len() * years * stride,
        "series columns"
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
        let at = Geometry {
            stride,
            start,
            len,
            years,
        };
        let c = eval::evaluate_chunk(plan, &x, at, metrics, series, &mut work, tr);
        for (total, c) in counts.iter_mut().zip(c) {
            *total += c;
        }
    }
    counts
}

#[cfg(test)]
mod tests;
