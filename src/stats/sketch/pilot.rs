//! Adding values: the exact phase (the pilot, with its range and sample noted as values
//! arrive), and the hand-over to the histogram or the compactor once the pilot is full.

use super::compact::Compactor;
use super::histogram::Histogram;
use super::{FIRST_PASS_BLOCK, GRID_SAMPLE_EVERY, QuantileSketch, State};
use crate::stats::{FirstPass, order_key};

impl QuantileSketch {
    /// Make room for `additional` more values in the exact phase (never beyond the exactness
    /// threshold), so that a run of known length grows its store once.
    pub fn reserve(&mut self, additional: usize) {
        if self.is_exact() {
            let target = (self.exact.len() + additional).min(self.exact_threshold);
            self.grow_exact(target.saturating_sub(self.exact.len()));
        }
    }

    /// Add values in order; NaN values are skipped and counted.
    pub fn push(&mut self, values: &[f64]) {
        let nans = values.iter().filter(|v| v.is_nan()).count();
        self.push_counted(values, nans);
    }

    /// [`QuantileSketch::push`] when the caller has counted the NaN values (`nans` must be
    /// their number): no counting pass, and a column without NaN is copied whole.
    pub(in crate::stats) fn push_counted(&mut self, values: &[f64], nans: usize) {
        debug_assert_eq!(nans, values.iter().filter(|v| v.is_nan()).count());
        self.nan += nans as u64;
        let added = values.len() - nans;
        let mut rest = values;
        // Values (not NaN) that went into the pilot before the switch.
        let mut consumed = 0;
        if self.is_exact() {
            if self.exact.len() + added <= self.exact_threshold {
                self.reserve_exact_phase(added);
                let from = self.exact.len();
                if nans == 0 {
                    self.exact.extend_from_slice(values);
                } else {
                    self.exact
                        .extend(values.iter().copied().filter(|v| !v.is_nan()));
                }
                self.note_pilot(from, None);
                self.count += added as u64;
                return;
            }
            // Fill the pilot up to the threshold exactly, so that it is always the first
            // `exact_threshold` values whatever the batch sizes.
            let room = self.exact_threshold - self.exact.len();
            consumed = room;
            let mut taken = 0;
            let mut split = 0;
            while taken < room {
                if !values[split].is_nan() {
                    taken += 1;
                }
                split += 1;
            }
            self.reserve_exact_phase(room);
            let from = self.exact.len();
            self.exact
                .extend(values[..split].iter().copied().filter(|v| !v.is_nan()));
            self.note_pilot(from, None);
            rest = &values[split..];
            self.leave_exact_phase();
        }
        match &mut self.state {
            State::Exact => unreachable!("left above"),
            State::Histogram(h) => h.push(rest),
            State::Compacting(c) => c.push(rest),
        }
        self.count += (added - consumed) as u64;
    }

    /// In the exact phase, when `values` fit in the pilot: store them (NaN skipped and counted)
    /// and return the first pass of their moments, made in the same reading of the values;
    /// `None` otherwise (nothing done).
    pub(in crate::stats) fn store_with_first_pass(&mut self, values: &[f64]) -> Option<FirstPass> {
        if !self.is_exact() || self.exact.len() + values.len() > self.exact_threshold {
            return None;
        }
        self.reserve_exact_phase(values.len());
        let from = self.exact.len();
        let mut first = FirstPass::new();
        // Block by block, while the block is in the L1 cache.
        for block in values.chunks(FIRST_PASS_BLOCK) {
            first.take_block(block);
            self.exact.extend_from_slice(block);
        }
        let count = first.count;
        let added = count as usize;
        if added < values.len() {
            // Some NaN: store the values again without them.
            self.exact.truncate(from);
            self.exact
                .extend(values.iter().copied().filter(|v| !v.is_nan()));
        }
        self.note_pilot(from, Some(first.extremes()));
        self.count += count;
        self.nan += (values.len() - added) as u64;
        Some(first)
    }

    /// Leave the exact phase if the pilot is full and `values` hold a value that is not NaN:
    /// the values go to the histogram (or the compactor), as [`QuantileSketch::push`] would
    /// send them.
    pub(in crate::stats) fn leave_full_pilot(&mut self, values: &[f64]) {
        if self.is_exact()
            && self.exact.len() == self.exact_threshold
            && values.iter().any(|v| !v.is_nan())
        {
            self.leave_exact_phase();
        }
    }

    /// Note the range and the sample of the pilot values from `exact[from..]` on (just
    /// stored), when the exact phase will end in a histogram. `extremes` are their smallest and
    /// largest by comparison, when known.
    fn note_pilot(&mut self, from: usize, extremes: Option<(f64, f64)>) {
        if !self.histogram_allowed {
            return;
        }
        let new = &self.exact[from..];
        if new.is_empty() {
            return;
        }
        let (min, max) = extremes.unwrap_or_else(|| FirstPass::without_nan(new).extremes());
        let (lo, hi) = key_range(new, min, max);
        self.pilot_keys = Some(match self.pilot_keys {
            Some((l, h)) => (l.min(lo), h.max(hi)),
            None => (lo, hi),
        });
        // Pilot positions that are multiples of GRID_SAMPLE_EVERY.
        let skip = (GRID_SAMPLE_EVERY - from % GRID_SAMPLE_EVERY) % GRID_SAMPLE_EVERY;
        self.pilot_sample
            .extend(new.iter().skip(skip).step_by(GRID_SAMPLE_EVERY).copied());
    }

    /// In the histogram phase, count `values` (NaN skipped and counted) and return the first
    /// pass of their moments, made in the same reading of the values; `None` in another phase
    /// (nothing done).
    pub(in crate::stats) fn count_with_first_pass(&mut self, values: &[f64]) -> Option<FirstPass> {
        let State::Histogram(h) = &mut self.state else {
            return None;
        };
        let first = h.push_with_first_pass(values);
        self.count += first.count;
        self.nan += values.len() as u64 - first.count;
        Some(first)
    }

    /// Build the histogram (or the compactor) from the pilot, and free the pilot.
    fn leave_exact_phase(&mut self) {
        let pilot = std::mem::take(&mut self.exact);
        let sample = std::mem::take(&mut self.pilot_sample);
        self.count = pilot.len() as u64;
        if self.histogram_allowed
            && let Some((key_lo, key_hi)) = self.pilot_keys
            && let Some(h) = Histogram::from_pilot(&pilot, &sample, key_lo, key_hi)
        {
            self.state = State::Histogram(Box::new(h));
            return;
        }
        let mut c = Compactor::new(self.block, self.keep_every);
        c.push(&pilot);
        self.state = State::Compacting(c);
    }

    /// Grow the exact store without overshooting the threshold (no doubling slack beyond it).
    fn reserve_exact_phase(&mut self, added: usize) {
        let needed = self.exact.len() + added;
        if needed > self.exact.capacity() {
            let target = (2 * self.exact.capacity())
                .max(needed)
                .min(self.exact_threshold);
            self.grow_exact(target - self.exact.len());
        }
    }

    /// Room for `additional` more pilot values.
    fn grow_exact(&mut self, additional: usize) {
        self.exact.reserve_exact(additional);
    }
}

/// The keys of the smallest and largest of `values` (not empty, no NaN) in [`f64::total_cmp`]
/// order, given the smallest and largest found by comparing values (in any order). They give
/// the extreme keys except between −0 and +0, which compare equal: when an extreme is a zero,
/// the values are searched for the zero of the other sign.
fn key_range(values: &[f64], lo: f64, hi: f64) -> (u64, u64) {
    let has = |z: f64| values.iter().any(|v| v.to_bits() == z.to_bits());
    // A zero extreme is one of the values; the other zero, if present, may be the extreme key.
    let lo = if lo == 0.0 && has(-0.0) { -0.0 } else { lo };
    let hi = if hi == 0.0 && has(0.0) { 0.0 } else { hi };
    (order_key(lo), order_key(hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_range_is_the_range_of_the_keys() {
        let naive = |v: &[f64]| {
            let keys = v.iter().map(|&x| order_key(x));
            (keys.clone().min().unwrap(), keys.max().unwrap())
        };
        let mut s = 7u64;
        let mut next = || {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let random: Vec<f64> = (0..1001).map(|_| next()).collect();
        let cases: Vec<Vec<f64>> = vec![
            random.clone(),
            random.iter().map(|x| x.abs()).collect(),
            vec![0.0, -0.0, 0.0],
            vec![-0.0, 0.0],
            vec![0.0, 0.0, 0.0, 0.0, 0.0],
            vec![-0.0; 6],
            vec![1.0, -0.0, 2.0, 3.0, 4.0],
            vec![-1.0, 0.0, -2.0, -0.0, -3.0],
            vec![f64::INFINITY, f64::NEG_INFINITY, 0.0],
            vec![5.0],
            random
                .iter()
                .map(|&x| if x > 0.0 { 0.0 } else { x })
                .collect(),
            random
                .iter()
                .map(|&x| if x < 0.0 { -0.0 } else { x })
                .collect(),
        ];
        for (i, v) in cases.iter().enumerate() {
            let (lo, hi) = FirstPass::without_nan(v).extremes();
            assert_eq!(key_range(v, lo, hi), naive(v), "case {i}");
            // The extremes by comparison in another order (reversed) give the same keys.
            let (lo, hi) = v
                .iter()
                .rev()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                    (if x < a { x } else { a }, if x > b { x } else { b })
                });
            assert_eq!(key_range(v, lo, hi), naive(v), "case {i}, reversed");
        }
    }
}
