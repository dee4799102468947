//! Quantile queries in every phase: by selection in the exact phase, by estimates within the
//! buckets in the histogram phase, from the weighted kept values in the compacting phase.

use super::grid::Grid;
use super::histogram::Histogram;
use super::{HISTOGRAM_BUCKETS, QuantileSketch, State};
use crate::stats::{from_order_key, lerp, order_key, quantiles_unsorted_within, sort_f64};

impl QuantileSketch {
    /// The `q`-quantile (q in [0, 1]); NaN when empty or `q` is NaN.
    pub fn quantile(&self, q: f64) -> f64 {
        self.quantiles(&[q])[0]
    }

    /// Several quantiles at once: in the exact phase by selection (no sort), in the histogram
    /// phase from one prefix sum of the counts, in the compacting phase from one sort of the kept
    /// values. Ask for every quantile in one call.
    pub fn quantiles(&self, qs: &[f64]) -> Vec<f64> {
        self.quantiles_within(None, qs)
    }

    /// [`QuantileSketch::quantiles`] with the exact minimum and maximum of the values (in
    /// [`f64::total_cmp`] order) when the caller knows them: one pass less in the exact phase.
    pub fn quantiles_within(&self, range: Option<(f64, f64)>, qs: &[f64]) -> Vec<f64> {
        if self.count == 0 {
            return vec![f64::NAN; qs.len()];
        }
        match &self.state {
            State::Exact => quantiles_unsorted_within(&self.exact, range, qs),
            State::Histogram(h) => h.quantiles(qs),
            State::Compacting(c) => {
                let weighted = c.weighted_sorted();
                qs.iter().map(|&q| weighted.quantile(q)).collect()
            }
        }
    }
}

impl Histogram {
    /// The `t`-th (from 0) of the `c > 0` values of bucket `b`. With an atom that `same` of
    /// them equal, `below` of them below it: the atom itself for `below ≤ t < below + same`;
    /// else the estimate without atoms, kept below (above) the atom for values below (above)
    /// it, so that it errs by at most the number of values other than the atom.
    fn estimate(&self, b: usize, t: u64, c: u64) -> f64 {
        let plain = self.estimate_in_bucket(b, t, c);
        let Some(atoms) = &self.atoms else {
            return plain;
        };
        let (a, same, below) = (atoms.key[b], atoms.same[b], atoms.below[b]);
        if same == 0 {
            return plain;
        }
        if t < below {
            // Values below the atom exist in this bucket: the key before the atom's is in it.
            from_order_key(order_key(plain).min(a - 1))
        } else if t < below + same {
            from_order_key(a)
        } else {
            from_order_key(order_key(plain).max(a + 1))
        }
    }

    /// A value inside bucket `b` (which holds `c > 0` values), `(t + 0.5) / c` of the way
    /// through it.
    fn estimate_in_bucket(&self, b: usize, t: u64, c: u64) -> f64 {
        let frac = (t as f64 + 0.5) / c as f64;
        match self.grid {
            Grid::Key { shift } => {
                let start = self.key_lo + ((b as u64) << shift);
                let end = (start + ((1u64 << shift) - 1)).min(self.key_hi);
                let width = end - start + 1;
                let off = ((frac * width as f64) as u64).min(width - 1);
                from_order_key(start + off)
            }
            Grid::Linear { lo, scale } => {
                let (min, max) = (from_order_key(self.key_lo), from_order_key(self.key_hi));
                let mut x = (lo + (b as f64 + frac) / scale).clamp(min, max);
                // Rounding can leave x in a neighbouring bucket: step it back inside.
                let idx = |x: f64| self.grid.bucket(self.key_lo, x, order_key(x));
                while idx(x) < b && x < max {
                    x = x.next_up();
                }
                while idx(x) > b && x > min {
                    x = x.next_down();
                }
                x
            }
        }
    }

    fn quantiles(&self, qs: &[f64]) -> Vec<f64> {
        let mut below = self.below.clone();
        let mut above = self.above.clone();
        sort_f64(&mut below);
        sort_f64(&mut above);
        // starts[b]: values in buckets before b.
        let mut starts = Vec::with_capacity(HISTOGRAM_BUCKETS + 1);
        let mut total = 0u64;
        starts.push(0);
        for b in 0..HISTOGRAM_BUCKETS {
            total += self.bucket_count(b);
            starts.push(total);
        }
        let nb = below.len() as u64;
        let n = nb + total + above.len() as u64;
        let order_stat = |r: u64| -> f64 {
            if r < nb {
                return below[r as usize];
            }
            let r = r - nb;
            if r >= total {
                return above[(r - total) as usize];
            }
            let b = starts.partition_point(|&s| s <= r) - 1;
            self.estimate(b, r - starts[b], self.bucket_count(b))
        };
        qs.iter()
            .map(|&q| {
                if q.is_nan() {
                    return f64::NAN;
                }
                let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
                let lo = h.floor();
                let i = lo as u64;
                if i + 1 >= n {
                    return order_stat(n - 1);
                }
                lerp(order_stat(i), order_stat(i + 1), h - lo)
            })
            .collect()
    }
}
