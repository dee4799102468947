//! The closed set of marginal distributions a scenario value can take (MODEL.md, "Values").
//!
//! Every family is built through a validated constructor and sampled by its quantile function
//! `quantile(u)`, so that LHS, Sobol' and copulas can drive it with any design of uniforms.
//! Truncation by `min`/`max` is the conditional distribution on `[min, max]`: the quantile is
//! taken on `[F(min), F(max)]`, never clamped.

pub mod special;

use std::fmt;

/// A problem with a distribution's parameters. The message is for a person and never names a
/// path: the scenario layer adds the place.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct DistError(pub String);

/// One distribution family with its parameters (untruncated).
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    Fixed(f64),
    Uniform { low: f64, high: f64 },
    Normal { mean: f64, sd: f64 },
    /// `ln X ~ Normal(mu, sigma)`.
    LogNormal { mu: f64, sigma: f64 },
    Triangular { min: f64, mode: f64, max: f64 },
    /// Beta-PERT with lambda 4.
    Pert { min: f64, mode: f64, max: f64 },
    /// Beta(alpha, beta) on `[low, high]` (`[0, 1]` unless scaled).
    Beta { alpha: f64, beta: f64, low: f64, high: f64 },
    /// Values with probabilities (normalised weights), in the order written.
    Discrete { values: Vec<f64>, weights: Vec<f64> },
}

/// A validated marginal: a family, an optional truncation to `[min, max]`, and precomputed
/// tables for fast quantiles.
#[derive(Debug, Clone)]
pub struct Marginal {
    dist: Dist,
    // implementation-defined fields (truncation bounds, F(min), F(max), tables, …)
}

impl Dist {
    pub fn fixed(x: f64) -> Result<Dist, DistError> { todo!() }
    pub fn uniform(low: f64, high: f64) -> Result<Dist, DistError> { todo!() }
    pub fn normal(mean: f64, sd: f64) -> Result<Dist, DistError> { todo!() }
    /// From a 90% interval: p5 = `p5`, p95 = `p95`, 0 < p5 < p95.
    pub fn lognormal_p5_p95(p5: f64, p95: f64) -> Result<Dist, DistError> { todo!() }
    pub fn lognormal_median_sigma(median: f64, sigma: f64) -> Result<Dist, DistError> { todo!() }
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> { todo!() }
    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> { todo!() }
    pub fn beta(alpha: f64, beta: f64, low: f64, high: f64) -> Result<Dist, DistError> { todo!() }
    /// `weights = None` means equal weights.
    pub fn discrete(values: Vec<f64>, weights: Option<Vec<f64>>) -> Result<Dist, DistError> { todo!() }
    /// Support of the untruncated family (may be infinite).
    pub fn support(&self) -> (f64, f64) { todo!() }
    /// True for families with unbounded support (normal, lognormal) whose excursions outside a
    /// field's domain are silently truncated rather than refused.
    pub fn is_unbounded(&self) -> bool { todo!() }
}

impl Marginal {
    /// Build with optional truncation bounds. Errors when `min > max`, when the truncation leaves
    /// no probability mass, or (for `Beta`) — `min`/`max` for beta scale the support instead and
    /// are handled by the caller through `Dist::beta`.
    pub fn new(dist: Dist, min: Option<f64>, max: Option<f64>) -> Result<Marginal, DistError> { todo!() }
    pub fn dist(&self) -> &Dist { &self.dist }
    /// Inverse CDF of the (truncated) distribution, `u` in `[0, 1)`.
    pub fn quantile(&self, u: f64) -> f64 { todo!() }
    /// CDF of the (truncated) distribution.
    pub fn cdf(&self, x: f64) -> f64 { todo!() }
    /// Mean of the (truncated) distribution.
    pub fn mean(&self) -> f64 { todo!() }
    /// Effective support after truncation.
    pub fn bounds(&self) -> (f64, f64) { todo!() }
    /// Probability mass of the untruncated family outside `[lo, hi]` (for the "more than 1% cut"
    /// warning when a field's domain truncates an unbounded marginal).
    pub fn mass_outside(&self, lo: f64, hi: f64) -> f64 { todo!() }
    /// `Some(x)` when the marginal is a single point.
    pub fn fixed_value(&self) -> Option<f64> { todo!() }
}

impl fmt::Display for Marginal {
    /// Short form for reports: `pert(1.1, 1.2, 1.35)`, `lognormal(p5=0.05, p95=0.1)`,
    /// `triangular(1.1, 1.18, 1.35) on [1, 2]`, `1.2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { todo!() }
}
