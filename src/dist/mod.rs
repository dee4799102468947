//! The closed set of marginal distributions a scenario value can take (MODEL.md, "Values: fixed
//! or uncertain" and "Rules in detail").
//!
//! This module owns:
//!
//! - [`Dist`]: one family with its parameters, built only through validated constructors
//!   ([`Dist::uniform`], [`Dist::pert`], …) that refuse NaN, infinities and every shape rule of
//!   MODEL.md with a message for a person (never a path: the scenario layer adds the place);
//! - [`Marginal`]: a family plus an optional truncation to `[min, max]`, sampled through its
//!   quantile function `quantile(u)` so that LHS, Sobol' and copulas can drive it with any
//!   design of uniforms. Truncation is the conditional distribution on `[min, max]`: the quantile
//!   is taken on `[F(min), F(max)]`, never clamped;
//! - [`special`]: Φ, Φ⁻¹, ln Γ and the regularised incomplete beta function.
//!
//! Quantile algorithms, per family:
//!
//! | family | quantile |
//! |---|---|
//! | uniform, triangular | closed form |
//! | normal, lognormal | `mu + sd Φ⁻¹(p)` with Wichura's AS241; a truncation lying above the mean is computed on the reflected side, so that far upper tails keep their precision |
//! | beta, PERT | table built at construction: cubic Hermite interpolation with exact slopes (`dx/du = 1/f(x)`) on knots uniform within each binary octave of `u` (and of `1 − u`), so the tails, where the beta quantile behaves like `u^(1/alpha)`, are as finely resolved as the middle |
//! | discrete | search in the cumulative weights of the sorted values |
//!
//! The beta/PERT table holds [`TABLE_KNOTS_PER_OCTAVE`] intervals in each of the 52 octaves
//! `[2^-(j+1), 2^-j)` on each side; for `u` (or `1 − u`) below `2^-53` the quantile is computed
//! exactly by safeguarded Newton iteration on `I_x(a, b)`. A table holds 2 × 52 × 65 knots
//! (about 108 KB, shared between clones). Measured maximum error against a bisection reference
//! (`tests/dist_table.rs`, knot midpoints and tails down to `2^-52`): 1.3e-10 of the support's
//! width over PERT shapes and Beta(a, b) with `a, b` in `{0.5, 1, 2, 3, 5, 30, 70}`; the test
//! asserts below 1e-9. Shapes with `alpha` or `beta` well below 0.5 are not covered by that figure.
//!
//! [`Marginal::quantile`] returns a finite value inside [`Marginal::bounds`] for every `u` in
//! `[0, 1]`: for an unbounded family, `u = 0` and `u = 1` are moved to the smallest and largest
//! probabilities a double can hold on each side (about −37.5 and +8.2 standard deviations).

// Comparisons are written `!(a > b)` on purpose so that NaN fails them.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod special;

use std::fmt;
use std::sync::Arc;

use special::{beta_inc, ln_beta, norm_cdf, norm_pdf, norm_quantile};

/// A problem with a distribution's parameters, one variant per rule. `param` names the
/// parameter as a scenario writes it (`sd`, `p95`, `max`). The message is for a person and never
/// names a path: the scenario layer adds the place. Numbers are written by [`fmt_num`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistError {
    /// NaN or an infinity.
    #[error("{param} must be a finite number, got {}", num(.value))]
    NotFinite { param: &'static str, value: f64 },
    /// NaN or an infinity in the `index`-th (1-based) value or weight of a discrete.
    #[error("{list} {index} must be a finite number, got {}", num(.value))]
    ItemNotFinite {
        /// `value` or `weight`.
        list: &'static str,
        index: usize,
        value: f64,
    },
    /// `high <= low` (or `p95 <= p5`, `max <= min`).
    #[error("{high} ({}) must be greater than {low} ({})", num(.high_value), num(.low_value))]
    NotGreater {
        low: &'static str,
        low_value: f64,
        high: &'static str,
        high_value: f64,
    },
    /// Both ends finite, but not the width between them.
    #[error("the range [{}, {}] is too wide to represent", num(.low), num(.high))]
    TooWide { low: f64, high: f64 },
    #[error("mode {} is outside [min, max] = [{}, {}]", num(.mode), num(.min), num(.max))]
    ModeOutside { mode: f64, min: f64, max: f64 },
    #[error("{param} ({}) must not be negative", num(.value))]
    Negative { param: &'static str, value: f64 },
    #[error("{param} ({}) must be greater than 0", num(.value))]
    NotPositive { param: &'static str, value: f64 },
    /// A beta shape parameter outside the range the special functions are exact and fast on.
    #[error(
        "{param} ({}) must be between {} and {} (beta shapes outside that range are not \
         supported; a narrower beta is close to fixed: write the value, or a normal)",
        num(.value),
        num(&BETA_SHAPE_MIN),
        num(&BETA_SHAPE_MAX)
    )]
    ShapeOutOfRange { param: &'static str, value: f64 },
    /// A 90% interval with a bound at or below zero.
    #[error(
        "a 90% interval ({} to {}) is a lognormal and needs both bounds greater than 0; for a \
         range that reaches zero or below, write {{ normal = {{ mean = m, sd = s }} }} or \
         {{ uniform = [a, b] }}",
        num(.p5),
        num(.p95)
    )]
    IntervalNotPositive { p5: f64, p95: f64 },
    /// A 90% interval whose bounds are equal once their logarithms are taken.
    #[error("p5 ({}) and p95 ({}) are too close to tell apart", num(.p5), num(.p95))]
    IntervalTooNarrow { p5: f64, p95: f64 },
    #[error(
        "median ({}) of a lognormal must be greater than 0; for values that reach zero or below, \
         use normal or uniform",
        num(.median)
    )]
    MedianNotPositive { median: f64 },
    #[error("discrete needs at least one value")]
    NoValues,
    #[error(
        "discrete has {values} value{} but {weights} weight{}",
        plural(.values),
        plural(.weights)
    )]
    WeightCount { values: usize, weights: usize },
    /// The `index`-th (1-based) weight is negative.
    #[error("weight {index} ({}) must not be negative", num(.value))]
    NegativeWeight { index: usize, value: f64 },
    #[error("discrete weights must have a positive sum")]
    WeightSum,
    /// A truncation bound is NaN.
    #[error("min and max must be numbers, got NaN")]
    NanBound,
    #[error("min ({}) must not be greater than max ({})", num(.min), num(.max))]
    BoundsReversed { min: f64, max: f64 },
    /// The truncation to `[min, max]` leaves nothing of `dist`.
    #[error(
        "truncation to [{}, {}] leaves no probability mass of {}",
        num(.min),
        num(.max),
        Marginal::family_string(.dist, None)
    )]
    NoMass { min: f64, max: f64, dist: Dist },
}

fn num(x: &f64) -> String {
    fmt_num(*x)
}

fn plural(n: &usize) -> &'static str {
    if *n == 1 { "" } else { "s" }
}

/// z such that Φ(z) = 0.95: a 90% interval spans `mu ± Z95 sigma`.
pub const Z95: f64 = 1.6448536269514722;

/// One distribution family with its parameters (untruncated).
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    Fixed(f64),
    Uniform {
        low: f64,
        high: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    /// `ln X ~ Normal(mu, sigma)`.
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Beta-PERT with lambda 4.
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Beta(alpha, beta) on `[low, high]` (`[0, 1]` unless scaled).
    Beta {
        alpha: f64,
        beta: f64,
        low: f64,
        high: f64,
    },
    /// Values with probabilities (normalised weights), in the order written.
    Discrete {
        values: Vec<f64>,
        weights: Vec<f64>,
    },
}

/// Refuse NaN and infinities with a message naming the parameter.
fn finite(name: &'static str, x: f64) -> Result<f64, DistError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(DistError::NotFinite {
            param: name,
            value: x,
        })
    }
}

/// `min < max`, both finite, and a finite width.
fn ordered(
    lo_name: &'static str,
    lo: f64,
    hi_name: &'static str,
    hi: f64,
) -> Result<(), DistError> {
    finite(lo_name, lo)?;
    finite(hi_name, hi)?;
    if !(hi > lo) {
        return Err(DistError::NotGreater {
            low: lo_name,
            low_value: lo,
            high: hi_name,
            high_value: hi,
        });
    }
    if !(hi - lo).is_finite() {
        return Err(DistError::TooWide { low: lo, high: hi });
    }
    Ok(())
}

/// `min <= mode <= max` with `min < max`.
fn three_point(min: f64, mode: f64, max: f64) -> Result<(), DistError> {
    finite("mode", mode)?;
    ordered("min", min, "max", max)?;
    if !(mode >= min && mode <= max) {
        return Err(DistError::ModeOutside { mode, min, max });
    }
    Ok(())
}

impl Dist {
    pub fn fixed(x: f64) -> Result<Dist, DistError> {
        Ok(Dist::Fixed(finite("value", x)?))
    }

    /// Uniform on `[low, high]`, `low < high`.
    pub fn uniform(low: f64, high: f64) -> Result<Dist, DistError> {
        ordered("low", low, "high", high)?;
        Ok(Dist::Uniform { low, high })
    }

    /// Normal; `sd = 0` is allowed and acts as a fixed value.
    pub fn normal(mean: f64, sd: f64) -> Result<Dist, DistError> {
        finite("mean", mean)?;
        finite("sd", sd)?;
        if !(sd >= 0.0) {
            return Err(DistError::Negative {
                param: "sd",
                value: sd,
            });
        }
        Ok(Dist::Normal { mean, sd })
    }

    /// From a 90% interval: p5 = `p5`, p95 = `p95`, 0 < p5 < p95.
    pub fn lognormal_p5_p95(p5: f64, p95: f64) -> Result<Dist, DistError> {
        finite("p5", p5)?;
        finite("p95", p95)?;
        if !(p5 > 0.0 && p95 > 0.0) {
            return Err(DistError::IntervalNotPositive { p5, p95 });
        }
        if !(p95 > p5) {
            return Err(DistError::NotGreater {
                low: "p5",
                low_value: p5,
                high: "p95",
                high_value: p95,
            });
        }
        let (l5, l95) = (p5.ln(), p95.ln());
        let mu = 0.5 * (l5 + l95);
        let sigma = (l95 - l5) / (2.0 * Z95);
        if !(sigma > 0.0 && mu.is_finite() && sigma.is_finite()) {
            return Err(DistError::IntervalTooNarrow { p5, p95 });
        }
        Ok(Dist::LogNormal { mu, sigma })
    }

    /// `ln X ~ Normal(ln median, sigma)`; `sigma = 0` acts as a fixed value.
    pub fn lognormal_median_sigma(median: f64, sigma: f64) -> Result<Dist, DistError> {
        finite("median", median)?;
        finite("sigma", sigma)?;
        if !(median > 0.0) {
            return Err(DistError::MedianNotPositive { median });
        }
        if !(sigma >= 0.0) {
            return Err(DistError::Negative {
                param: "sigma",
                value: sigma,
            });
        }
        Ok(Dist::LogNormal {
            mu: median.ln(),
            sigma,
        })
    }

    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        three_point(min, mode, max)?;
        Ok(Dist::Triangular { min, mode, max })
    }

    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        three_point(min, mode, max)?;
        Ok(Dist::Pert { min, mode, max })
    }

    /// Beta(alpha, beta) scaled to `[low, high]`.
    pub fn beta(alpha: f64, beta: f64, low: f64, high: f64) -> Result<Dist, DistError> {
        finite("alpha", alpha)?;
        finite("beta", beta)?;
        if !(alpha > 0.0) {
            return Err(DistError::NotPositive {
                param: "alpha",
                value: alpha,
            });
        }
        if !(beta > 0.0) {
            return Err(DistError::NotPositive {
                param: "beta",
                value: beta,
            });
        }
        for (param, value) in [("alpha", alpha), ("beta", beta)] {
            if !(BETA_SHAPE_MIN..=BETA_SHAPE_MAX).contains(&value) {
                return Err(DistError::ShapeOutOfRange { param, value });
            }
        }
        ordered("min", low, "max", high)?;
        Ok(Dist::Beta {
            alpha,
            beta,
            low,
            high,
        })
    }

    /// `weights = None` means equal weights. Weights are normalised to sum to 1.
    pub fn discrete(values: Vec<f64>, weights: Option<Vec<f64>>) -> Result<Dist, DistError> {
        if values.is_empty() {
            return Err(DistError::NoValues);
        }
        if let Some((i, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(DistError::ItemNotFinite {
                list: "value",
                index: i + 1,
                value,
            });
        }
        let n = values.len();
        let weights = match weights {
            None => vec![1.0 / n as f64; n],
            Some(w) => {
                if w.len() != n {
                    return Err(DistError::WeightCount {
                        values: n,
                        weights: w.len(),
                    });
                }
                for (i, &x) in w.iter().enumerate() {
                    if !x.is_finite() {
                        return Err(DistError::ItemNotFinite {
                            list: "weight",
                            index: i + 1,
                            value: x,
                        });
                    }
                    if !(x >= 0.0) {
                        return Err(DistError::NegativeWeight {
                            index: i + 1,
                            value: x,
                        });
                    }
                }
                let total: f64 = w.iter().sum();
                if !(total > 0.0 && total.is_finite()) {
                    return Err(DistError::WeightSum);
                }
                w.iter().map(|x| x / total).collect()
            }
        };
        Ok(Dist::Discrete { values, weights })
    }

    /// Support of the untruncated family (may be infinite). For `Discrete`, the smallest and
    /// largest values with positive weight.
    pub fn support(&self) -> (f64, f64) {
        match self {
            Dist::Fixed(x) => (*x, *x),
            Dist::Uniform { low, high } => (*low, *high),
            Dist::Normal { mean, sd } => {
                if *sd > 0.0 {
                    (f64::NEG_INFINITY, f64::INFINITY)
                } else {
                    (*mean, *mean)
                }
            }
            Dist::LogNormal { mu, sigma } => {
                if *sigma > 0.0 {
                    (0.0, f64::INFINITY)
                } else {
                    (mu.exp(), mu.exp())
                }
            }
            Dist::Triangular { min, max, .. } | Dist::Pert { min, max, .. } => (*min, *max),
            Dist::Beta { low, high, .. } => (*low, *high),
            Dist::Discrete { values, weights } => values
                .iter()
                .zip(weights)
                .filter(|(_, w)| **w > 0.0)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (v, _)| {
                    (lo.min(*v), hi.max(*v))
                }),
        }
    }

    /// True for families with unbounded support (normal, lognormal) whose excursions outside a
    /// field's domain are silently truncated rather than refused.
    pub fn is_unbounded(&self) -> bool {
        matches!(self, Dist::Normal { .. } | Dist::LogNormal { .. })
    }
}

/// Compact number format for messages and reports: at most 12 significant digits (hiding the
/// round-off of derived parameters such as `exp(ln 2)`), the shortest form that shows them, and
/// scientific notation outside `[1e-4, 1e6)` (`8e9`, `1.5e-5`, `123456.5`, `0.05`).
pub fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let r: f64 = format!("{x:.11e}").parse().unwrap_or(x);
    let a = r.abs();
    if (1e-4..1e6).contains(&a) {
        format!("{r}")
    } else {
        format!("{r:e}")
    }
}

/// Intervals per binary octave of `u` (and of `1 − u`) in the beta/PERT quantile table.
pub const TABLE_KNOTS_PER_OCTAVE: usize = 64;
/// The smallest beta shape parameter (`alpha`, `beta`) accepted.
pub const BETA_SHAPE_MIN: f64 = 0.05;
/// The largest beta shape parameter accepted: Beta(1e6, 1e6) has a standard deviation of
/// 0.00035, and the incomplete beta function needs more work as the shapes grow.
pub const BETA_SHAPE_MAX: f64 = 1e6;
/// Octaves `[2^-(j+2), 2^-(j+1))`, `j = 0..TABLE_OCTAVES`, tabulated on each side; below
/// `2^-(TABLE_OCTAVES+1)` the quantile is computed exactly.
pub const TABLE_OCTAVES: usize = 52;

/// Smallest and largest probabilities used for unbounded families (see the module docs).
const P_MIN: f64 = f64::MIN_POSITIVE;
const P_MAX: f64 = 1.0 - f64::EPSILON / 2.0;

/// A validated marginal: a family, an optional truncation to `[min, max]`, and precomputed
/// tables for fast quantiles. Cheap to clone (tables are shared).
#[derive(Debug, Clone)]
pub struct Marginal {
    dist: Dist,
    /// Effective support after truncation.
    lo: f64,
    hi: f64,
    /// p5 and p95 of a lognormal built from a 90% interval (for `Display`).
    interval: Option<(f64, f64)>,
    /// Mean of the truncated distribution, computed at construction.
    mean: f64,
    sampler: Sampler,
    /// A change of the whole distribution, `x ↦ scale·x + shift` (scale > 0), laid on the
    /// family's draws (a relative `--set`): `None` for a value as written.
    affine: Option<Affine>,
}

/// `x ↦ scale·x + shift` with `scale > 0`, and the support it maps `[lo, hi]` to.
#[derive(Debug, Clone, Copy)]
struct Affine {
    scale: f64,
    shift: f64,
    lo: f64,
    hi: f64,
}

impl Affine {
    #[inline]
    fn apply(&self, x: f64) -> f64 {
        (self.scale * x + self.shift).clamp(self.lo, self.hi)
    }
    /// The family's value that maps to `y`.
    fn invert(&self, y: f64) -> f64 {
        (y - self.shift) / self.scale
    }
}

/// Precomputed quantile machinery, one variant per algorithm.
#[derive(Debug, Clone)]
enum Sampler {
    Point(f64),
    Uniform {
        lo: f64,
        width: f64,
    },
    /// `x = mu + sign sd Φ⁻¹(p0 + u dp)`.
    Normal(NormalSide),
    /// `x = exp(mu + sign sigma Φ⁻¹(p0 + u dp))`.
    LogNormal(NormalSide),
    Triangular {
        a: f64,
        c: f64,
        b: f64,
        p0: f64,
        dp: f64,
    },
    Table(Arc<BetaTable>),
    Discrete {
        /// Distinct values with positive probability, ascending.
        values: Arc<[f64]>,
        /// Cumulative probabilities; the last is exactly 1.
        cum: Arc<[f64]>,
    },
}

/// A normal `mu + sd z`, `z` truncated to `[za, zb]` of mass `dp`, read on the side of the mean
/// that keeps relative precision: `sign = −1` (the reflected side) when the whole interval lies
/// above the mean.
#[derive(Debug, Clone, Copy)]
struct NormalSide {
    mu: f64,
    sd: f64,
    p0: f64,
    dp: f64,
    sign: f64,
}

impl NormalSide {
    fn new(mu: f64, sd: f64, za: f64, dp: f64) -> NormalSide {
        if za > 0.0 {
            NormalSide {
                mu,
                sd,
                p0: norm_cdf(-za),
                dp: -dp,
                sign: -1.0,
            }
        } else {
            NormalSide {
                mu,
                sd,
                p0: norm_cdf(za),
                dp,
                sign: 1.0,
            }
        }
    }

    /// `mu + sign sd Φ⁻¹(p0 + u dp)`.
    #[inline]
    fn quantile(&self, u: f64) -> f64 {
        let p = (self.p0 + u * self.dp).clamp(P_MIN, P_MAX);
        self.mu + self.sign * self.sd * norm_quantile(p)
    }

    /// [`NormalSide::quantile`] of every element, in place (the same bits).
    fn quantile_slice(&self, us: &mut [f64]) {
        for u in us.iter_mut() {
            *u = (self.p0 + *u * self.dp).clamp(P_MIN, P_MAX);
        }
        special::norm_quantile_slice(us);
        let (mu, scale) = (self.mu, self.sign * self.sd);
        for z in us.iter_mut() {
            *z = mu + scale * *z;
        }
    }

    /// The truncated CDF at `x` (on the normal's own scale).
    fn cdf(&self, x: f64) -> f64 {
        (norm_cdf(self.sign * (x - self.mu) / self.sd) - self.p0) / self.dp
    }
}

/// Φ(hi) − Φ(lo) for lo <= hi, computed on the side of the mean that keeps relative precision.
fn norm_mass(lo: f64, hi: f64) -> f64 {
    if lo > 0.0 {
        norm_cdf(-lo) - norm_cdf(-hi)
    } else {
        norm_cdf(hi) - norm_cdf(lo)
    }
}

fn no_mass(dist: &Dist, tmin: f64, tmax: f64) -> DistError {
    DistError::NoMass {
        min: tmin,
        max: tmax,
        dist: dist.clone(),
    }
}

/// Round to `digits` significant digits.
fn round_sig(x: f64, digits: usize) -> f64 {
    format!("{x:.*e}", digits.saturating_sub(1))
        .parse()
        .unwrap_or(x)
}

/// Recover `(p5, p95)` of a lognormal built by [`Dist::lognormal_p5_p95`] from short decimals;
/// `None` when no such pair reproduces `(mu, sigma)` bit for bit.
fn recover_interval(mu: f64, sigma: f64) -> Option<(f64, f64)> {
    if !(sigma > 0.0) {
        return None;
    }
    let p5 = (mu - Z95 * sigma).exp();
    let p95 = (mu + Z95 * sigma).exp();
    [15, 12].into_iter().find_map(|digits| {
        let (a, b) = (round_sig(p5, digits), round_sig(p95, digits));
        match Dist::lognormal_p5_p95(a, b) {
            Ok(Dist::LogNormal { mu: m, sigma: s }) if m == mu && s == sigma => Some((a, b)),
            _ => None,
        }
    })
}

/// Shape parameters of a PERT (lambda 4) on `[min, max]`, each in [1, 5]. The shares are
/// divided before they are scaled by 4 (the same bits: 4 is a power of two), so that a range
/// near the largest number does not overflow.
fn pert_shape(min: f64, mode: f64, max: f64) -> (f64, f64) {
    let r = max - min;
    (
        1.0 + 4.0 * ((mode - min) / r),
        1.0 + 4.0 * ((max - mode) / r),
    )
}

/// Density of a triangular distribution.
fn tri_pdf(a: f64, c: f64, b: f64, x: f64) -> f64 {
    if x < a || x > b {
        0.0
    } else if x < c {
        2.0 * (x - a) / ((b - a) * (c - a))
    } else if x > c {
        2.0 * (b - x) / ((b - a) * (b - c))
    } else {
        2.0 / (b - a)
    }
}

/// CDF of a triangular distribution.
fn tri_cdf(a: f64, c: f64, b: f64, x: f64) -> f64 {
    if x <= a {
        0.0
    } else if x >= b {
        1.0
    } else if x <= c {
        (x - a) * (x - a) / ((b - a) * (c - a))
    } else {
        1.0 - (b - x) * (b - x) / ((b - a) * (b - c))
    }
}

/// Inverse CDF of a triangular distribution, `p` in [0, 1].
fn tri_quantile(a: f64, c: f64, b: f64, p: f64) -> f64 {
    let fc = (c - a) / (b - a);
    if p < fc {
        a + (p * (b - a) * (c - a)).sqrt()
    } else {
        b - ((1.0 - p) * (b - a) * (b - c)).sqrt()
    }
}

/// `I_hi(a, b) − I_lo(a, b)` for `0 <= lo <= hi <= 1`, on the side that keeps precision.
fn beta_mass(a: f64, b: f64, lo: f64, hi: f64) -> f64 {
    if lo > a / (a + b) {
        beta_inc(b, a, 1.0 - lo) - beta_inc(b, a, 1.0 - hi)
    } else {
        beta_inc(a, b, hi) - beta_inc(a, b, lo)
    }
}

/// Tabulated quantile of a (truncated, scaled) beta distribution. See the module docs.
#[derive(Debug)]
struct BetaTable {
    a: f64,
    b: f64,
    /// `x = low + scale y`, `y` standard beta.
    low: f64,
    scale: f64,
    /// `I_{ylo}(a, b)`, `1 − I_{yhi}(a, b)` and the mass between them.
    p0: f64,
    s1: f64,
    dp: f64,
    /// Interleaved `(x, dx/dt)` at the knots of the lower (`u`) and upper (`1 − u`) octaves.
    lower: Vec<f64>,
    upper: Vec<f64>,
}

impl BetaTable {
    fn new(a: f64, b: f64, low: f64, scale: f64, ylo: f64, yhi: f64) -> Option<BetaTable> {
        let dp = beta_mass(a, b, ylo, yhi);
        if !(dp > 0.0) {
            return None;
        }
        let p0 = beta_inc(a, b, ylo);
        let s1 = beta_inc(b, a, 1.0 - yhi);
        let lnb = ln_beta(a, b);
        let m = TABLE_KNOTS_PER_OCTAVE;
        let knots = TABLE_OCTAVES * (m + 1);
        let mut lower = Vec::with_capacity(2 * knots);
        let mut upper = Vec::with_capacity(2 * knots);
        let ln_dp = dp.ln();
        let ln_scale = scale.ln();
        // Lower side, from the middle outwards so that each solution seeds the next.
        let mut hint = None;
        let mut hint_up = None;
        for j in 0..TABLE_OCTAVES {
            let width = 0.5_f64.powi(j as i32 + 2);
            let ln_step = ln_scale + ln_dp + (width / m as f64).ln();
            for k in 0..=m {
                let v = width * (1.0 + k as f64 / m as f64);
                // y with I_y(a, b) = p0 + v dp.
                let y = special::beta_inc_inv_from(a, b, p0 + v * dp, hint);
                hint = Some(y);
                let ln_pdf = (a - 1.0) * y.ln() + (b - 1.0) * (-y).ln_1p() - lnb;
                let d = (ln_step - ln_pdf).exp();
                lower.push(low + scale * y);
                lower.push(if d.is_finite() { d } else { 0.0 });
                // y' = 1 − y with I_{y'}(b, a) = s1 + w dp.
                let yc = special::beta_inc_inv_from(b, a, s1 + v * dp, hint_up);
                hint_up = Some(yc);
                let ln_pdf = (b - 1.0) * yc.ln() + (a - 1.0) * (-yc).ln_1p() - lnb;
                let d = (ln_step - ln_pdf).exp();
                upper.push((low + scale) - scale * yc);
                upper.push(if d.is_finite() { -d } else { 0.0 });
            }
            // Next octave starts below this one's first knot.
            hint = lower.get(2 * j * (m + 1)).map(|x| (x - low) / scale);
            hint_up = upper
                .get(2 * j * (m + 1))
                .map(|x| ((low + scale) - x) / scale);
        }
        Some(BetaTable {
            a,
            b,
            low,
            scale,
            p0,
            s1,
            dp,
            lower,
            upper,
        })
    }

    /// Cubic Hermite interpolation in octave table `tab` at `v` in (0, 0.5]; `None` below the
    /// deepest octave.
    #[inline]
    fn lookup(tab: &[f64], v: f64) -> Option<f64> {
        const M: usize = TABLE_KNOTS_PER_OCTAVE;
        const MANTISSA: u64 = (1 << 52) - 1;
        let bits = v.to_bits();
        // v in [2^-(j+2), 2^-(j+1)) has biased exponent 1021 − j.
        let j = 1021 - ((bits >> 52) & 0x7ff) as i64;
        let (j, t) = if j < 0 {
            (0, M as f64)
        } else if j >= TABLE_OCTAVES as i64 {
            return None;
        } else {
            (
                j as usize,
                (bits & MANTISSA) as f64 * (M as f64 / (1u64 << 52) as f64),
            )
        };
        let k = (t as usize).min(M - 1);
        let r = t - k as f64;
        let i = 2 * (j * (M + 1) + k);
        let (x0, d0, x1, d1) = (tab[i], tab[i + 1], tab[i + 2], tab[i + 3]);
        let s = 1.0 - r;
        Some(s * s * ((1.0 + 2.0 * r) * x0 + r * d0) + r * r * ((3.0 - 2.0 * r) * x1 - s * d1))
    }

    #[inline]
    fn quantile(&self, u: f64) -> f64 {
        if u < 0.5 {
            if !(u > 0.0) {
                return self.low + self.scale * special::beta_inc_inv(self.a, self.b, self.p0);
            }
            Self::lookup(&self.lower, u).unwrap_or_else(|| {
                self.low + self.scale * special::beta_inc_inv(self.a, self.b, self.p0 + u * self.dp)
            })
        } else {
            let w = 1.0 - u;
            if !(w > 0.0) {
                return (self.low + self.scale)
                    - self.scale * special::beta_inc_inv(self.b, self.a, self.s1);
            }
            Self::lookup(&self.upper, w).unwrap_or_else(|| {
                (self.low + self.scale)
                    - self.scale * special::beta_inc_inv(self.b, self.a, self.s1 + w * self.dp)
            })
        }
    }

    /// [`BetaTable::quantile`] of every element, clamped to `[lo, hi]`, in place (the same
    /// bits). The side of the table is chosen by a select rather than a branch that a uniform
    /// draw mispredicts half the time; the rare draws the table does not cover (`u = 0`, `u = 1`,
    /// the tails below 2^-53) go through [`BetaTable::quantile`].
    fn quantile_slice(&self, us: &mut [f64], lo: f64, hi: f64) {
        for x in us.iter_mut() {
            let u = *x;
            let upper = !(u < 0.5);
            let v = if upper { 1.0 - u } else { u };
            let tab: &[f64] = if upper { &self.upper } else { &self.lower };
            let y = if v > 0.0 { Self::lookup(tab, v) } else { None };
            *x = y.unwrap_or_else(|| self.quantile(u)).clamp(lo, hi);
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        let y = ((x - self.low) / self.scale).clamp(0.0, 1.0);
        if y <= self.a / (self.a + self.b) {
            (beta_inc(self.a, self.b, y) - self.p0) / self.dp
        } else {
            1.0 - (beta_inc(self.b, self.a, 1.0 - y) - self.s1) / self.dp
        }
    }
}

impl Marginal {
    /// Build with optional truncation bounds (the conditional distribution on `[min, max]`; an
    /// infinite bound is the same as none). Errors when a bound is NaN, when `min > max`, or when
    /// the truncation leaves no probability mass. For `Beta`, the scenario's `min`/`max` scale
    /// the support and are handled by the caller through `Dist::beta`; bounds given here
    /// truncate it like any other family.
    pub fn new(dist: Dist, min: Option<f64>, max: Option<f64>) -> Result<Marginal, DistError> {
        let tmin = min.unwrap_or(f64::NEG_INFINITY);
        let tmax = max.unwrap_or(f64::INFINITY);
        if tmin.is_nan() || tmax.is_nan() {
            return Err(DistError::NanBound);
        }
        if tmin > tmax {
            return Err(DistError::BoundsReversed {
                min: tmin,
                max: tmax,
            });
        }
        let (slo, shi) = dist.support();
        let lo = slo.max(tmin);
        let hi = shi.min(tmax);
        if lo > hi {
            return Err(no_mass(&dist, tmin, tmax));
        }
        let point = |x: f64| -> Result<(Sampler, f64), DistError> {
            if x >= tmin && x <= tmax {
                Ok((Sampler::Point(x), x))
            } else {
                Err(no_mass(&dist, tmin, tmax))
            }
        };
        let mut interval = None;
        let (sampler, mean) = match &dist {
            Dist::Fixed(x) => point(*x)?,
            Dist::Normal { mean, sd } if *sd == 0.0 => point(*mean)?,
            Dist::LogNormal { mu, sigma } if *sigma == 0.0 => point(mu.exp())?,
            Dist::Uniform { .. } => {
                if !(hi > lo) {
                    return Err(no_mass(&dist, tmin, tmax));
                }
                (Sampler::Uniform { lo, width: hi - lo }, 0.5 * (lo + hi))
            }
            Dist::Normal { mean, sd } => {
                let (za, zb) = ((lo - mean) / sd, (hi - mean) / sd);
                let dp = norm_mass(za, zb);
                if !(dp > 0.0) {
                    return Err(no_mass(&dist, tmin, tmax));
                }
                let m = mean + sd * (norm_pdf(za) - norm_pdf(zb)) / dp;
                let s = Sampler::Normal(NormalSide::new(*mean, *sd, za, dp));
                (s, m.clamp(lo, hi))
            }
            Dist::LogNormal { mu, sigma } => {
                interval = recover_interval(*mu, *sigma);
                if !(hi > 0.0) {
                    return Err(no_mass(&dist, tmin, tmax));
                }
                let za = if lo > 0.0 {
                    (lo.ln() - mu) / sigma
                } else {
                    f64::NEG_INFINITY
                };
                let zb = (hi.ln() - mu) / sigma;
                let dp = norm_mass(za, zb);
                if !(dp > 0.0) {
                    return Err(no_mass(&dist, tmin, tmax));
                }
                let m = (mu + 0.5 * sigma * sigma).exp() * norm_mass(za - sigma, zb - sigma) / dp;
                let s = Sampler::LogNormal(NormalSide::new(*mu, *sigma, za, dp));
                (s, m.clamp(lo, hi))
            }
            Dist::Triangular {
                min: a,
                mode: c,
                max: b,
            } => {
                let (a, c, b) = (*a, *c, *b);
                let p0 = tri_cdf(a, c, b, lo);
                let dp = tri_cdf(a, c, b, hi) - p0;
                if !(dp > 0.0) {
                    return Err(no_mass(&dist, tmin, tmax));
                }
                // x f(x) is quadratic on each side of the mode: Simpson's rule is exact.
                let simpson = |l: f64, r: f64| {
                    if r <= l {
                        return 0.0;
                    }
                    let g = |x: f64| x * tri_pdf(a, c, b, x);
                    (r - l) / 6.0 * (g(l) + 4.0 * g(0.5 * (l + r)) + g(r))
                };
                let m = (simpson(lo, c.min(hi)) + simpson(c.max(lo), hi)) / dp;
                (Sampler::Triangular { a, c, b, p0, dp }, m.clamp(lo, hi))
            }
            Dist::Pert { min, mode, max } => {
                let (a, b) = pert_shape(*min, *mode, *max);
                Self::beta_sampler(&dist, a, b, *min, *max, lo, hi, tmin, tmax)?
            }
            Dist::Beta {
                alpha,
                beta,
                low,
                high,
            } => Self::beta_sampler(&dist, *alpha, *beta, *low, *high, lo, hi, tmin, tmax)?,
            Dist::Discrete { values, weights } => {
                let mut kept: Vec<(f64, f64)> = values
                    .iter()
                    .zip(weights)
                    .filter(|(v, w)| **w > 0.0 && **v >= tmin && **v <= tmax)
                    .map(|(v, w)| (*v, *w))
                    .collect();
                kept.sort_by(|x, y| x.0.total_cmp(&y.0));
                let mut vals: Vec<f64> = Vec::with_capacity(kept.len());
                let mut ws: Vec<f64> = Vec::with_capacity(kept.len());
                for (v, w) in kept {
                    match vals.last() {
                        Some(last) if *last == v => {
                            if let Some(lw) = ws.last_mut() {
                                *lw += w;
                            }
                        }
                        _ => {
                            vals.push(v);
                            ws.push(w);
                        }
                    }
                }
                let total: f64 = ws.iter().sum();
                if vals.is_empty() || !(total > 0.0) {
                    return Err(no_mass(&dist, tmin, tmax));
                }
                let mean = vals.iter().zip(&ws).map(|(v, w)| v * w).sum::<f64>() / total;
                let mut acc = 0.0;
                let mut cum: Vec<f64> = ws
                    .iter()
                    .map(|w| {
                        acc += w / total;
                        acc
                    })
                    .collect();
                if let Some(last) = cum.last_mut() {
                    *last = 1.0;
                }
                let sampler = if vals.len() == 1 {
                    Sampler::Point(vals[0])
                } else {
                    Sampler::Discrete {
                        values: vals.into(),
                        cum: cum.into(),
                    }
                };
                (sampler, mean)
            }
        };
        let (lo, hi) = match &sampler {
            Sampler::Point(x) => (*x, *x),
            Sampler::Discrete { values, .. } => (
                values.first().copied().unwrap_or(lo),
                values.last().copied().unwrap_or(hi),
            ),
            _ => (lo, hi),
        };
        Ok(Marginal {
            dist,
            lo,
            hi,
            interval,
            mean,
            sampler,
            affine: None,
        })
    }

    /// The same distribution scaled by `scale` (> 0) and shifted by `shift`: every quantile `q`
    /// becomes `scale·q + shift`, so draws keep their ranks (correlations and common random
    /// numbers are unchanged). Changes compose. Errors when `scale` is not a finite number
    /// above 0, `shift` is not finite, or the result leaves the finite numbers.
    pub fn affine(mut self, scale: f64, shift: f64) -> Result<Marginal, DistError> {
        finite("scale", scale)?;
        finite("shift", shift)?;
        if !(scale > 0.0) {
            return Err(DistError::NotPositive {
                param: "scale",
                value: scale,
            });
        }
        let (scale, shift) = match self.affine {
            Some(a) => (a.scale * scale, a.shift * scale + shift),
            None => (scale, shift),
        };
        let map = |x: f64| scale * x + shift;
        let (lo, hi) = (map(self.lo), map(self.hi));
        if lo.is_nan() || hi.is_nan() || !map(self.mean).is_finite() {
            return Err(DistError::NotFinite {
                param: "changed value",
                value: map(self.mean),
            });
        }
        self.affine = Some(Affine {
            scale,
            shift,
            lo,
            hi,
        });
        Ok(self)
    }

    #[allow(clippy::too_many_arguments)]
    fn beta_sampler(
        dist: &Dist,
        a: f64,
        b: f64,
        low: f64,
        high: f64,
        lo: f64,
        hi: f64,
        tmin: f64,
        tmax: f64,
    ) -> Result<(Sampler, f64), DistError> {
        let scale = high - low;
        let ylo = ((lo - low) / scale).clamp(0.0, 1.0);
        let yhi = ((hi - low) / scale).clamp(0.0, 1.0);
        let table =
            BetaTable::new(a, b, low, scale, ylo, yhi).ok_or_else(|| no_mass(dist, tmin, tmax))?;
        // E[Y; ylo < Y < yhi] = a/(a+b) (I_yhi(a+1, b) − I_ylo(a+1, b)).
        let m = low + scale * (a / (a + b)) * beta_mass(a + 1.0, b, ylo, yhi) / table.dp;
        Ok((Sampler::Table(Arc::new(table)), m.clamp(lo, hi)))
    }

    pub fn dist(&self) -> &Dist {
        &self.dist
    }

    /// Inverse CDF of the (truncated) distribution, `u` in `[0, 1)` (1 is accepted too). Always
    /// finite and inside [`Marginal::bounds`]; see the module docs for `u = 0` and `u = 1` on
    /// unbounded families.
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        match &self.affine {
            None => self.family_quantile(u),
            Some(a) => a.apply(self.family_quantile(u)),
        }
    }

    /// A changed distribution ([`Marginal::affine`]) kept inside `[lo, hi]`, so that round-off
    /// in the change cannot carry a draw out of a field's domain. A distribution as written is
    /// returned as it is.
    pub fn clamped_to(mut self, lo: f64, hi: f64) -> Marginal {
        if let Some(a) = &mut self.affine {
            a.lo = a.lo.max(lo).min(a.hi);
            a.hi = a.hi.min(hi).max(a.lo);
        }
        self
    }

    /// [`Marginal::quantile`] of the family as written (before [`Marginal::affine`]).
    #[inline]
    fn family_quantile(&self, u: f64) -> f64 {
        let x = match &self.sampler {
            Sampler::Point(x) => return *x,
            Sampler::Uniform { lo, width } => lo + u * width,
            Sampler::Normal(t) => t.quantile(u),
            Sampler::LogNormal(t) => t.quantile(u).exp(),
            Sampler::Triangular { a, c, b, p0, dp } => {
                tri_quantile(*a, *c, *b, (p0 + u * dp).clamp(0.0, 1.0))
            }
            Sampler::Table(t) => t.quantile(u),
            Sampler::Discrete { values, cum } => {
                let i = cum.partition_point(|&c| c <= u).min(values.len() - 1);
                return values[i];
            }
        };
        x.clamp(self.lo, self.hi)
    }

    /// Whether [`Marginal::quantile_of_scores_slice`] applies: an untruncated normal or
    /// lognormal, whose quantile at `Φ(z)` is `mu + sd z` (or its exponential).
    pub fn takes_normal_scores(&self) -> bool {
        match &self.sampler {
            Sampler::Normal(t) | Sampler::LogNormal(t) => {
                t.p0 == 0.0 && t.dp == 1.0 && t.sign == 1.0
            }
            _ => false,
        }
    }

    /// The value at standard normal score `z` of every element, in place: `mu + sd z` (its
    /// exponential for a lognormal), clamped to the support, which is the quantile at `Φ(z)`
    /// without computing Φ and inverting it again. `z` is first kept inside
    /// `[Φ⁻¹(P_MIN), Φ⁻¹(P_MAX)]`, the scores [`Marginal::quantile`] can reach, so the values
    /// have the same range as the uniform path's. For the copula's scores
    /// ([`crate::sampling::Design::fill_batch_scores`]): the same distribution as
    /// [`Marginal::quantile_slice`] of `Φ(z)`, and more exact (no round trip through a uniform
    /// that has 2^-53 steps near 1).
    ///
    /// # Panics
    /// If the marginal does not take scores ([`Marginal::takes_normal_scores`]).
    pub fn quantile_of_scores_slice(&self, zs: &mut [f64]) {
        self.family_quantile_of_scores_slice(zs);
        self.apply_affine(zs);
    }

    /// Lay the change of [`Marginal::affine`], if any, on family draws.
    fn apply_affine(&self, xs: &mut [f64]) {
        if let Some(a) = &self.affine {
            for x in xs.iter_mut() {
                *x = a.apply(*x);
            }
        }
    }

    fn family_quantile_of_scores_slice(&self, zs: &mut [f64]) {
        assert!(
            self.takes_normal_scores(),
            "only an untruncated normal or lognormal takes normal scores"
        );
        let (z_lo, z_hi) = (norm_quantile(P_MIN), norm_quantile(P_MAX));
        let (lo, hi) = (self.lo, self.hi);
        match &self.sampler {
            Sampler::Normal(t) => {
                for z in zs.iter_mut() {
                    *z = (t.mu + t.sd * z.clamp(z_lo, z_hi)).clamp(lo, hi);
                }
            }
            Sampler::LogNormal(t) => {
                for z in zs.iter_mut() {
                    *z = (t.mu + t.sd * z.clamp(z_lo, z_hi)).exp().clamp(lo, hi);
                }
            }
            _ => unreachable!("checked above"),
        }
    }

    /// [`Marginal::quantile`] of every element of `us`, in place, with the same bits element by
    /// element. The family is matched once per slice, and each family's loop is free of
    /// per-draw dispatch (uniform, normal and triangular ones vectorise; see
    /// [`special::norm_quantile_slice`] for the normal quantile).
    pub fn quantile_slice(&self, us: &mut [f64]) {
        self.family_quantile_slice(us);
        self.apply_affine(us);
    }

    fn family_quantile_slice(&self, us: &mut [f64]) {
        let (lo, hi) = (self.lo, self.hi);
        match &self.sampler {
            Sampler::Point(x) => us.fill(*x),
            Sampler::Uniform { lo: a, width } => {
                for u in us.iter_mut() {
                    *u = (a + *u * width).clamp(lo, hi);
                }
            }
            Sampler::Normal(t) => {
                t.quantile_slice(us);
                for x in us.iter_mut() {
                    *x = x.clamp(lo, hi);
                }
            }
            Sampler::LogNormal(t) => {
                t.quantile_slice(us);
                for x in us.iter_mut() {
                    *x = x.exp().clamp(lo, hi);
                }
            }
            &Sampler::Triangular { a, c, b, p0, dp } => {
                // Both branches of `tri_quantile`, then a select: no mispredicted branch per draw.
                let (ba, ca, bc) = (b - a, c - a, b - c);
                let fc = ca / ba;
                for u in us.iter_mut() {
                    let p = (p0 + *u * dp).clamp(0.0, 1.0);
                    let left = a + (p * ba * ca).sqrt();
                    let right = b - ((1.0 - p) * ba * bc).sqrt();
                    *u = (if p < fc { left } else { right }).clamp(lo, hi);
                }
            }
            Sampler::Table(t) => t.quantile_slice(us, lo, hi),
            Sampler::Discrete { .. } => {
                for u in us.iter_mut() {
                    *u = self.family_quantile(*u);
                }
            }
        }
    }

    /// CDF of the (truncated) distribution, `P(X <= x)`.
    pub fn cdf(&self, x: f64) -> f64 {
        match &self.affine {
            None => self.family_cdf(x),
            Some(a) if x < a.lo => 0.0,
            Some(a) if x >= a.hi => 1.0,
            Some(a) => self.family_cdf(a.invert(x)),
        }
    }

    fn family_cdf(&self, x: f64) -> f64 {
        if x < self.lo {
            return 0.0;
        }
        if x >= self.hi {
            return 1.0;
        }
        let c = match &self.sampler {
            Sampler::Point(_) => 1.0,
            Sampler::Uniform { lo, width } => (x - lo) / width,
            Sampler::Normal(t) => t.cdf(x),
            Sampler::LogNormal(t) => t.cdf(x.ln()),
            Sampler::Triangular { a, c, b, p0, dp } => (tri_cdf(*a, *c, *b, x) - p0) / dp,
            Sampler::Table(t) => t.cdf(x),
            Sampler::Discrete { values, cum } => {
                let i = values.partition_point(|&v| v <= x);
                if i == 0 { 0.0 } else { cum[i - 1] }
            }
        };
        c.clamp(0.0, 1.0)
    }

    /// Mean of the (truncated) distribution (closed forms; computed at construction).
    pub fn mean(&self) -> f64 {
        match &self.affine {
            None => self.mean,
            Some(a) => a.apply(self.mean),
        }
    }

    /// Effective support after truncation (for `Discrete`, the smallest and largest values kept).
    pub fn bounds(&self) -> (f64, f64) {
        match &self.affine {
            None => (self.lo, self.hi),
            Some(a) => (a.lo, a.hi),
        }
    }

    /// Probability mass of this marginal — **as truncated** by its own `min`/`max` — that lies
    /// outside `[lo, hi]` (for the "more than 1% cut" warning when a field's domain truncates an
    /// unbounded marginal). Without a truncation of its own, this is the mass of the untruncated
    /// family.
    pub fn mass_outside(&self, lo: f64, hi: f64) -> f64 {
        if !(lo <= hi) {
            return 1.0;
        }
        let (lo, hi) = match &self.affine {
            None => (lo, hi),
            Some(a) => (a.invert(lo), a.invert(hi)),
        };
        let below = match &self.sampler {
            Sampler::Point(x) => f64::from(u8::from(*x < lo)),
            Sampler::Discrete { values, cum } => {
                let i = values.partition_point(|&v| v < lo);
                if i == 0 { 0.0 } else { cum[i - 1] }
            }
            _ => self.family_cdf(lo),
        };
        (below + (1.0 - self.family_cdf(hi))).clamp(0.0, 1.0)
    }

    /// `Some(x)` when the marginal is a single point: `Fixed`, a normal with `sd = 0`, a
    /// lognormal with `sigma = 0`, or a discrete with one value left (after truncation).
    pub fn fixed_value(&self) -> Option<f64> {
        match &self.sampler {
            Sampler::Point(x) => Some(self.affine.map_or(*x, |a| a.apply(*x))),
            _ => None,
        }
    }

    /// The family's short form, without truncation.
    fn family_string(dist: &Dist, interval: Option<(f64, f64)>) -> String {
        let n = fmt_num;
        let list = |v: &[f64]| v.iter().map(|x| n(*x)).collect::<Vec<_>>().join(", ");
        match dist {
            Dist::Fixed(x) => n(*x),
            Dist::Uniform { low, high } => format!("uniform({}, {})", n(*low), n(*high)),
            Dist::Normal { mean, sd } => format!("normal(mean={}, sd={})", n(*mean), n(*sd)),
            Dist::LogNormal { mu, sigma } => match interval {
                Some((p5, p95)) => format!("lognormal(p5={}, p95={})", n(p5), n(p95)),
                None => format!("lognormal(median={}, sigma={})", n(mu.exp()), n(*sigma)),
            },
            Dist::Triangular { min, mode, max } => {
                format!("triangular({}, {}, {})", n(*min), n(*mode), n(*max))
            }
            Dist::Pert { min, mode, max } => {
                format!("pert({}, {}, {})", n(*min), n(*mode), n(*max))
            }
            Dist::Beta {
                alpha,
                beta,
                low,
                high,
            } => {
                if *low == 0.0 && *high == 1.0 {
                    format!("beta({}, {})", n(*alpha), n(*beta))
                } else {
                    format!(
                        "beta({}, {}) on [{}, {}]",
                        n(*alpha),
                        n(*beta),
                        n(*low),
                        n(*high)
                    )
                }
            }
            Dist::Discrete { values, weights } => {
                let equal = weights.iter().all(|w| (w - weights[0]).abs() <= 1e-12);
                if equal {
                    format!("discrete([{}])", list(values))
                } else {
                    format!("discrete([{}], [{}])", list(values), list(weights))
                }
            }
        }
    }
}

impl fmt::Display for Marginal {
    /// Short form for reports: `1.2`, `uniform(0.05, 0.15)`, `normal(mean=1, sd=0.2)`,
    /// `lognormal(p5=0.05, p95=0.1)` (built from a 90% interval) or
    /// `lognormal(median=…, sigma=…)`, `triangular(1.1, 1.18, 1.35)`, `pert(1.1, 1.2, 1.35)`,
    /// `beta(2, 5) on [a, b]`, `discrete([1, 2], [0.3, 0.7])`, followed by
    /// ` truncated to [min, max]` when the truncation cuts the family's support (an open end is
    /// written `(-inf` or `inf)`), then ` × s + d` for a distribution changed as a whole by
    /// [`Marginal::affine`]. Numbers are written by [`fmt_num`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Self::family_string(&self.dist, self.interval))?;
        let (slo, shi) = self.dist.support();
        // For a discrete marginal, the bounds are the values that survive the cut.
        let (lo, hi) = (self.lo, self.hi);
        if lo > slo || hi < shi {
            let open = if lo.is_finite() { "[" } else { "(" };
            let close = if hi.is_finite() { "]" } else { ")" };
            write!(
                f,
                " truncated to {open}{}, {}{close}",
                fmt_num(lo),
                fmt_num(hi)
            )?;
        }
        if let Some(a) = &self.affine {
            if a.scale != 1.0 {
                write!(f, " × {}", fmt_num(a.scale))?;
            }
            if a.shift > 0.0 {
                write!(f, " + {}", fmt_num(a.shift))?;
            } else if a.shift < 0.0 {
                write!(f, " − {}", fmt_num(-a.shift))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
