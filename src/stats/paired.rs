//! Paired differences between two scenarios sampled on common random numbers.
//!
//! Sample `i` of every scenario in a comparison draws the same random numbers for the values
//! the scenarios share, so `other[i] − base[i]` isolates what differs between them. This module
//! owns the statistics of those pairs, with no knowledge of where the numbers come from:
//!
//! - [`Paired`] accumulates the difference `other − base` batch by batch (in batch order, so
//!   results do not depend on the thread count) and counts the pairs in which `other < base`;
//! - a pair with a NaN on either side (a metric undefined in that sample), or whose difference
//!   is NaN (`∞ − ∞`), is left out of both the difference and the probability;
//! - [`Band`] is the short summary a comparison reports: p5, p50, p95 and mean.

use serde::Serialize;

use super::Accumulator;

/// p5, p50, p95 and mean of a distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub mean: f64,
}

impl Band {
    /// The band of an accumulator's values (NaN everywhere when it holds none).
    pub fn of(acc: &Accumulator) -> Band {
        let q = acc.quantiles(&[0.05, 0.5, 0.95]);
        Band {
            p5: q[0],
            p50: q[1],
            p95: q[2],
            mean: acc.mean(),
        }
    }
}

/// The paired difference `other − base` and how often `other < base`.
#[derive(Debug, Clone, Default)]
pub struct Paired {
    diff: Accumulator,
    lower: u64,
    pairs: u64,
    buf: Vec<f64>,
}

impl Paired {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one batch of pairs: `base[i]` and `other[i]` are the same sample of the two
    /// scenarios. Pairs with a NaN side or a NaN difference are left out.
    ///
    /// # Panics
    /// If the two slices differ in length (a caller's bug).
    pub fn push_batch(&mut self, base: &[f64], other: &[f64]) {
        assert_eq!(base.len(), other.len(), "paired batches differ in length");
        self.buf.clear();
        for (&a, &b) in base.iter().zip(other) {
            let d = b - a;
            if d.is_nan() {
                continue;
            }
            self.pairs += 1;
            if b < a {
                self.lower += 1;
            }
            self.buf.push(d);
        }
        self.diff.push_batch(&self.buf);
    }

    /// The difference `other − base` over the pairs kept.
    pub fn difference(&self) -> &Accumulator {
        &self.diff
    }

    /// Pairs kept (both sides defined).
    pub fn pairs(&self) -> u64 {
        self.pairs
    }

    /// Pairs in which `other < base`.
    pub fn lower_count(&self) -> u64 {
        self.lower
    }

    /// P(other < base) over the pairs kept; NaN when there are none.
    pub fn p_lower(&self) -> f64 {
        if self.pairs == 0 {
            f64::NAN
        } else {
            self.lower as f64 / self.pairs as f64
        }
    }

    /// p5, p50, p95 and mean of the difference.
    pub fn band(&self) -> Band {
        Band::of(&self.diff)
    }
}

/// The paired statistics of two whole columns (a convenience over [`Paired::push_batch`]).
pub fn paired(base: &[f64], other: &[f64]) -> Paired {
    let mut p = Paired::new();
    p.push_batch(base, other);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_checked_pairs() {
        // Differences: 1, -1, 2, -3, 0 → sorted -3, -1, 0, 1, 2.
        let base = [1.0, 2.0, 3.0, 4.0, 5.0];
        let other = [2.0, 1.0, 5.0, 1.0, 5.0];
        let p = paired(&base, &other);
        assert_eq!(p.pairs(), 5);
        assert_eq!(p.lower_count(), 2);
        assert_eq!(p.p_lower(), 0.4);
        let b = p.band();
        assert_eq!(b.mean, -0.2);
        assert_eq!(b.p50, 0.0);
        // NumPy linear: position 0.2 between -3 and -1 → -2.6; position 3.8 between 1 and 2 → 1.8.
        assert!((b.p5 - (-2.6)).abs() < 1e-12, "{b:?}");
        assert!((b.p95 - 1.8).abs() < 1e-12, "{b:?}");
    }

    #[test]
    fn nan_pairs_are_left_out() {
        let base = [1.0, f64::NAN, 3.0, f64::INFINITY];
        let other = [0.0, 1.0, f64::NAN, f64::INFINITY];
        let p = paired(&base, &other);
        assert_eq!(p.pairs(), 1);
        assert_eq!(p.p_lower(), 1.0);
        assert_eq!(p.band().mean, -1.0);
        assert_eq!(p.difference().nan_count(), 0);
        assert!(paired(&[], &[]).p_lower().is_nan());
    }

    #[test]
    fn batches_accumulate_like_one_column() {
        let base: Vec<f64> = (0..100).map(|i| (i as f64 * 0.37).sin()).collect();
        let other: Vec<f64> = (0..100).map(|i| (i as f64 * 0.11).cos()).collect();
        let whole = paired(&base, &other);
        let mut parts = Paired::new();
        parts.push_batch(&base[..40], &other[..40]);
        parts.push_batch(&base[40..], &other[40..]);
        assert_eq!(whole.pairs(), parts.pairs());
        assert_eq!(whole.lower_count(), parts.lower_count());
        assert_eq!(whole.band().p50, parts.band().p50);
        assert!((whole.band().mean - parts.band().mean).abs() < 1e-14);
    }
}
