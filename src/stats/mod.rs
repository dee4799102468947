//! Summaries of sampled metrics: mean, sd (n − 1), standard error, min, p5, p25, p50, p75, p95,
//! max, with quantiles by linear interpolation between order statistics (NumPy's default).
//! Accumulation is batch by batch, in batch order, so results do not depend on thread count.
//! Memory stays bounded through a compacting quantile sketch (see [`QuantileSketch`]).
//!
//! What this module owns, and its limits:
//! - [`quantile_sorted`]: NumPy's `linear` method, including its two-sided interpolation
//!   formula, so results match `numpy.quantile` to the last bit on the same data.
//! - [`spearman`]: Pearson correlation of average ranks; NaN for fewer than two points, unequal
//!   lengths, a constant side, or any NaN in the data.
//! - [`Accumulator`]: per batch a Welford pass, then Chan's pairwise update into the running
//!   moments, in push order (deterministic for a fixed batch order); exact min and max; a
//!   [`QuantileSketch`] for quantiles (exact up to 2^20 values, rank error ≤ 16/65,536 ≈ 0.024%
//!   beyond).
//! - **NaN policy**: metrics should never be NaN, so a NaN is treated as a bug upstream: it is
//!   skipped (it enters neither the moments nor the quantiles) and counted in
//!   [`Accumulator::nan_count`], which the engine should report. Infinities are ordinary values.
//! - [`Proportion`] for probabilities (fraction of `true`) and [`SeriesAccumulator`] for yearly
//!   series (one [`Accumulator`] per year).

pub mod sensitivity;
mod sketch;
pub mod sobol;

pub use sketch::{DEFAULT_BLOCK, DEFAULT_EXACT_THRESHOLD, DEFAULT_KEEP_EVERY, QuantileSketch};

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

/// NumPy's `_lerp`: `a + (b − a) t`, computed from the nearer end so that `t = 1` gives `b`
/// exactly and the result is monotone in `t`.
#[inline]
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// Quantile of sorted data by linear interpolation (NumPy's default, `(n − 1) q`).
///
/// `q` is clamped into [0, 1]; NaN for empty data or a NaN `q`.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 || q.is_nan() {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor();
    let i = lo as usize;
    if i + 1 >= n {
        return sorted[n - 1];
    }
    lerp(sorted[i], sorted[i + 1], h - lo)
}

/// Average ranks (1-based) of `x`, ties sharing the mean of their positions.
fn average_ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut ranks = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && x[order[j]] == x[order[i]] {
            j += 1;
        }
        // Positions i..j (0-based) share rank mean((i+1)..=j) = (i + 1 + j) / 2.
        let r = (i + 1 + j) as f64 / 2.0;
        for &o in &order[i..j] {
            ranks[o] = r;
        }
        i = j;
    }
    ranks
}

/// Spearman rank correlation (average ranks for ties). NaN when either side is constant.
///
/// Also NaN when the lengths differ, when there are fewer than two points, or when any value is
/// NaN.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    if x.len() != y.len() || x.len() < 2 || x.iter().chain(y).any(|v| v.is_nan()) {
        return f64::NAN;
    }
    let rx = average_ranks(x);
    let ry = average_ranks(y);
    let n = rx.len() as f64;
    let mx = rx.iter().sum::<f64>() / n;
    let my = ry.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        let (dx, dy) = (a - mx, b - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx == 0.0 || syy == 0.0 {
        return f64::NAN;
    }
    sxy / (sxx * syy).sqrt()
}

/// Accumulates one metric batch by batch: exact moments (Chan's parallel update, in batch order)
/// and a quantile sketch.
#[derive(Debug, Clone)]
pub struct Accumulator {
    n: u64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
    nan: u64,
    sketch: QuantileSketch,
}

impl Default for Accumulator {
    fn default() -> Self {
        Self::new()
    }
}

impl Accumulator {
    pub fn new() -> Self {
        Self::with_sketch(QuantileSketch::new())
    }

    /// An accumulator whose quantiles come from the given (empty) sketch.
    pub fn with_sketch(sketch: QuantileSketch) -> Self {
        Accumulator {
            n: 0,
            mean: 0.0,
            m2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            nan: 0,
            sketch,
        }
    }

    /// Add one batch of values (in sample order).
    pub fn push_batch(&mut self, values: &[f64]) {
        // Welford over the batch.
        let (mut nb, mut mean_b, mut m2_b) = (0u64, 0.0f64, 0.0f64);
        for &v in values {
            if v.is_nan() {
                self.nan += 1;
                continue;
            }
            nb += 1;
            let d = v - mean_b;
            mean_b += d / nb as f64;
            m2_b += d * (v - mean_b);
            if v < self.min {
                self.min = v;
            }
            if v > self.max {
                self.max = v;
            }
        }
        if nb > 0 {
            // Chan, Golub and LeVeque's pairwise update.
            let na = self.n as f64;
            let nbf = nb as f64;
            let n = na + nbf;
            let delta = mean_b - self.mean;
            if self.n == 0 {
                self.mean = mean_b;
                self.m2 = m2_b;
            } else {
                self.mean += delta * (nbf / n);
                self.m2 += m2_b + delta * delta * (na * nbf / n);
            }
            self.n += nb;
        }
        self.sketch.push(values);
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    /// NaN values seen and skipped (a bug upstream when not 0).
    pub fn nan_count(&self) -> u64 {
        self.nan
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.mean }
    }

    /// Sample standard deviation (n − 1); NaN below two values.
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            f64::NAN
        } else {
            (self.m2 / (self.n - 1) as f64).sqrt()
        }
    }

    /// Standard error of the mean so far.
    pub fn se(&self) -> f64 {
        self.sd() / (self.n as f64).sqrt()
    }

    pub fn min(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.min }
    }

    pub fn max(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.max }
    }

    /// The sketch behind the quantiles.
    pub fn sketch(&self) -> &QuantileSketch {
        &self.sketch
    }

    pub fn summary(&self) -> Summary {
        let q = self.quantiles(&[0.05, 0.25, 0.5, 0.75, 0.95]);
        Summary {
            mean: self.mean(),
            sd: self.sd(),
            se: self.se(),
            min: self.min(),
            p5: q[0],
            p25: q[1],
            p50: q[2],
            p75: q[3],
            p95: q[4],
            max: self.max(),
        }
    }

    /// Quantile from the sketch.
    pub fn quantile(&self, q: f64) -> f64 {
        self.quantiles(&[q])[0]
    }

    /// Several quantiles with one sort; `q ≤ 0` and `q ≥ 1` give the exact min and max.
    pub fn quantiles(&self, qs: &[f64]) -> Vec<f64> {
        let mut out = self.sketch.quantiles(qs);
        for (o, &q) in out.iter_mut().zip(qs) {
            if self.n > 0 && q <= 0.0 {
                *o = self.min;
            } else if self.n > 0 && q >= 1.0 {
                *o = self.max;
            }
        }
        out
    }
}

/// A probability metric: the fraction of samples for which a condition holds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Proportion {
    hits: u64,
    n: u64,
}

impl Proportion {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push_batch(&mut self, values: &[bool]) {
        self.hits += values.iter().filter(|&&b| b).count() as u64;
        self.n += values.len() as u64;
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    /// Fraction of `true`; NaN when empty.
    pub fn fraction(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.hits as f64 / self.n as f64
        }
    }

    /// Standard error of the fraction, `sqrt(p (1 − p) / n)`; NaN when empty.
    pub fn se(&self) -> f64 {
        let p = self.fraction();
        (p * (1.0 - p) / self.n as f64).sqrt()
    }
}

/// A yearly series: one [`Accumulator`] per year.
#[derive(Debug, Clone)]
pub struct SeriesAccumulator {
    years: Vec<Accumulator>,
}

impl SeriesAccumulator {
    pub fn new(years: usize) -> Self {
        SeriesAccumulator {
            years: (0..years).map(|_| Accumulator::new()).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.years.len()
    }

    pub fn is_empty(&self) -> bool {
        self.years.is_empty()
    }

    /// Add one batch of year `year`'s values. Panics if `year` is out of range (a caller's bug).
    pub fn push_year(&mut self, year: usize, values: &[f64]) {
        self.years[year].push_batch(values);
    }

    /// Add one batch laid out year-major: year `k`, sample `i` at `values[k * n + i]`.
    /// Panics if `values.len() != years × n` (a caller's bug).
    pub fn push_batch(&mut self, n: usize, values: &[f64]) {
        assert_eq!(values.len(), self.years.len() * n, "series batch shape");
        if n == 0 {
            return;
        }
        for (acc, chunk) in self.years.iter_mut().zip(values.chunks_exact(n)) {
            acc.push_batch(chunk);
        }
    }

    pub fn year(&self, k: usize) -> Option<&Accumulator> {
        self.years.get(k)
    }

    pub fn summaries(&self) -> Vec<Summary> {
        self.years.iter().map(Accumulator::summary).collect()
    }
}
