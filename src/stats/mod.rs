//! Summaries of sampled metrics: mean, sd (n − 1), standard error, min, p5, p25, p50, p75, p95,
//! max, with quantiles by linear interpolation between order statistics (NumPy's default).
//! Accumulation is batch by batch, in batch order, so results do not depend on thread count.
//! Memory stays bounded through a compacting quantile sketch (see [`QuantileSketch`]).

use serde::Serialize;

/// The summary every metric reports.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub mean: f64,
    pub sd: f64,
    pub se: f64,
    pub min: f64,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
    pub max: f64,
}

/// Quantile of sorted data by linear interpolation (NumPy's default, `(n − 1) q`).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 { todo!() }

/// Spearman rank correlation (average ranks for ties). NaN when either side is constant.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 { todo!() }

/// Accumulates one metric batch by batch: exact moments (Chan's parallel update, in batch order)
/// and a quantile sketch.
#[derive(Debug, Clone)]
pub struct Accumulator { /* implementation-defined */ }

impl Accumulator {
    pub fn new() -> Self { todo!() }
    /// Add one batch of values (in sample order).
    pub fn push_batch(&mut self, values: &[f64]) { todo!() }
    pub fn count(&self) -> u64 { todo!() }
    pub fn mean(&self) -> f64 { todo!() }
    /// Standard error of the mean so far.
    pub fn se(&self) -> f64 { todo!() }
    pub fn summary(&self) -> Summary { todo!() }
    /// Quantile from the sketch.
    pub fn quantile(&self, q: f64) -> f64 { todo!() }
}

/// Stores values exactly until it holds more than an exactness threshold; then each full batch
/// of `B` values is sorted and reduced to every `k`-th order statistic with weight `k`, so that
/// the rank error of any quantile is at most `k / B` (documented, below 0.1%).
#[derive(Debug, Clone)]
pub struct QuantileSketch { /* implementation-defined */ }
