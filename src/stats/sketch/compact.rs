//! The compacting phase, the fallback where no histogram bounds the rank error well enough.

use crate::stats::{lerp, sort_f64};

/// The compacting sketch: sorted blocks reduced to every `k`-th order statistic.
#[derive(Debug, Clone)]
pub(super) struct Compactor {
    pub(super) block: usize,
    pub(super) keep_every: usize,
    /// Sorted blocks of `block / keep_every` values, weight `keep_every`.
    blocks: Vec<Box<[f64]>>,
    /// Values of the unfinished block (weight 1).
    pending: Vec<f64>,
}

impl Compactor {
    pub(super) fn new(block: usize, keep_every: usize) -> Compactor {
        Compactor {
            block,
            keep_every,
            blocks: Vec::new(),
            pending: Vec::with_capacity(block),
        }
    }

    pub(super) fn memory_bytes(&self) -> usize {
        let kept: usize = self.blocks.iter().map(|b| b.len()).sum();
        8 * (self.pending.capacity() + kept)
            + std::mem::size_of::<Box<[f64]>>() * self.blocks.capacity()
    }

    pub(super) fn push(&mut self, values: &[f64]) {
        for &v in values {
            if v.is_nan() {
                continue;
            }
            self.pending.push(v);
            if self.pending.len() == self.block {
                self.compact_pending();
            }
        }
    }

    fn compact_pending(&mut self) {
        sort_f64(&mut self.pending);
        let k = self.keep_every;
        let kept: Box<[f64]> = self
            .pending
            .iter()
            .skip(k / 2)
            .step_by(k)
            .copied()
            .collect();
        debug_assert_eq!(kept.len(), self.block / k);
        self.blocks.push(kept);
        self.pending.clear();
    }

    pub(super) fn weighted_sorted(&self) -> Weighted {
        let k = self.keep_every as f64;
        let mut items: Vec<(f64, f64)> = Vec::with_capacity(
            self.blocks.iter().map(|b| b.len()).sum::<usize>() + self.pending.len(),
        );
        for b in &self.blocks {
            items.extend(b.iter().map(|&v| (v, k)));
        }
        items.extend(self.pending.iter().map(|&v| (v, 1.0)));
        items.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let mut centres = Vec::with_capacity(items.len());
        let mut before = 0.0;
        for &(_, w) in &items {
            centres.push(before + (w - 1.0) / 2.0);
            before += w;
        }
        Weighted {
            values: items.into_iter().map(|(v, _)| v).collect(),
            centres,
            total: before,
        }
    }
}

/// Sorted kept values with the centre rank of each.
pub(super) struct Weighted {
    values: Vec<f64>,
    centres: Vec<f64>,
    total: f64,
}

impl Weighted {
    pub(super) fn quantile(&self, q: f64) -> f64 {
        if q.is_nan() || self.values.is_empty() {
            return f64::NAN;
        }
        let h = (self.total - 1.0) * q.clamp(0.0, 1.0);
        // First centre strictly above h.
        let hi = self.centres.partition_point(|&c| c <= h);
        if hi == 0 {
            return self.values[0];
        }
        if hi == self.values.len() {
            return self.values[hi - 1];
        }
        let lo = hi - 1;
        let t = (h - self.centres[lo]) / (self.centres[hi] - self.centres[lo]);
        lerp(self.values[lo], self.values[hi], t)
    }
}
