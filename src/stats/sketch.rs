//! A compacting quantile sketch with a proven rank-error bound.
//!
//! **Exact phase.** Values are stored as they come until the total exceeds `exact_threshold`
//! (default 2^20 ≈ 1.05 M values, 8 MiB); quantiles are then exactly NumPy's linear ones.
//!
//! **Compacting phase.** Beyond the threshold, values are gathered in blocks of `B` (default
//! 65,536). Each full block is sorted and reduced to `B / k` order statistics (default `k = 16`):
//! of every run of `k` consecutive order statistics the one at position `k / 2` is kept, standing
//! for all `k` with weight `k`. Values of an unfinished block are kept exactly (weight 1).
//!
//! **Bound.** For any threshold `t`, the weighted count of kept values `≤ t` differs from the
//! true count only through the one run of `k` per block that straddles `t`, by at most `k / 2`.
//! With `N` values of which at most `N` were compacted in blocks of `B`, the error of the
//! empirical CDF is at most `(N / B)(k / 2) / N = k / (2B)`. The weighted-quantile interpolation
//! adds at most one item's weight, `k / N`. The documented rank error is therefore
//! **`k / B` = 16 / 65,536 ≈ 0.024%**, below MODEL.md's 0.1% (tests check it on 2 M values with
//! small `B` and `k`). Within the exact phase the error is 0.
//!
//! **Weighted quantile.** Item `i` (sorted, weight `w_i`, `c_i` values before it) stands for the
//! order statistics `c_i … c_i + w_i − 1`, placed at its centre rank `c_i + (w_i − 1) / 2`; the
//! quantile `q` is read at rank `(N − 1) q` by linear interpolation between neighbouring centres
//! (constant beyond the first and last). With all weights 1 this is NumPy's linear quantile.
//!
//! **Memory.** At most `exact_threshold` values in the exact phase; afterwards `N / k` values
//! in blocks of `B / k` (boxed slices, no growth slack) plus at most `B` pending values: for
//! 10 M values, 5 MB per metric (about 300 MB for 60 metrics). Values stay `f64`.
//!
//! **NaN.** Metrics should never be NaN; a NaN is a bug upstream. The sketch skips NaN values and
//! counts them ([`QuantileSketch::nan_count`]) so the caller can report it; they do not enter `N`.

/// Default exactness threshold (values).
pub const DEFAULT_EXACT_THRESHOLD: usize = 1 << 20;
/// Default block size `B`.
pub const DEFAULT_BLOCK: usize = 1 << 16;
/// Default reduction factor `k`.
pub const DEFAULT_KEEP_EVERY: usize = 16;

/// Stores values exactly until it holds more than an exactness threshold; then each full batch
/// of `B` values is sorted and reduced to every `k`-th order statistic with weight `k`, so that
/// the rank error of any quantile is at most `k / B` (documented, below 0.1%).
#[derive(Debug, Clone)]
pub struct QuantileSketch {
    exact_threshold: usize,
    block: usize,
    keep_every: usize,
    /// Exact phase: every value so far.
    exact: Vec<f64>,
    /// Whether the sketch has entered the compacting phase.
    compacting: bool,
    /// Compacting phase: sorted blocks of `block / keep_every` values, weight `keep_every`.
    blocks: Vec<Box<[f64]>>,
    /// Compacting phase: values of the unfinished block (weight 1).
    pending: Vec<f64>,
    count: u64,
    nan: u64,
}

impl Default for QuantileSketch {
    fn default() -> Self {
        Self::new()
    }
}

impl QuantileSketch {
    /// The default sketch: exact up to 2^20 values, then `B = 65,536`, `k = 16`.
    pub fn new() -> Self {
        QuantileSketch {
            exact_threshold: DEFAULT_EXACT_THRESHOLD,
            block: DEFAULT_BLOCK,
            keep_every: DEFAULT_KEEP_EVERY,
            exact: Vec::new(),
            compacting: false,
            blocks: Vec::new(),
            pending: Vec::new(),
            count: 0,
            nan: 0,
        }
    }

    /// A sketch with other parameters (tests use small ones to exercise compaction). `block` must
    /// be a positive multiple of `keep_every`, and `keep_every >= 1`.
    pub fn with_parameters(
        exact_threshold: usize,
        block: usize,
        keep_every: usize,
    ) -> Result<Self, String> {
        if keep_every == 0 || block == 0 || !block.is_multiple_of(keep_every) {
            return Err(format!(
                "the sketch block ({block}) must be a positive multiple of k ({keep_every})"
            ));
        }
        Ok(QuantileSketch {
            exact_threshold,
            block,
            keep_every,
            ..Self::new()
        })
    }

    /// Number of (non-NaN) values represented.
    pub fn len(&self) -> u64 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// NaN values seen and skipped.
    pub fn nan_count(&self) -> u64 {
        self.nan
    }

    /// Whether every value is still stored exactly.
    pub fn is_exact(&self) -> bool {
        !self.compacting
    }

    /// The documented bound on the rank error of any quantile: 0 while exact, `k / B` after.
    pub fn rank_error_bound(&self) -> f64 {
        if self.compacting {
            self.keep_every as f64 / self.block as f64
        } else {
            0.0
        }
    }

    /// Approximate bytes held by the stored values.
    pub fn memory_bytes(&self) -> usize {
        let kept: usize = self.blocks.iter().map(|b| b.len()).sum();
        8 * (self.exact.capacity() + self.pending.capacity() + kept)
            + std::mem::size_of::<Box<[f64]>>() * self.blocks.capacity()
    }

    /// Make room for `additional` more values in the exact phase (never beyond the exactness
    /// threshold), so that a run of known length grows its store once.
    pub fn reserve(&mut self, additional: usize) {
        if !self.compacting {
            let target = (self.exact.len() + additional).min(self.exact_threshold);
            self.exact
                .reserve_exact(target.saturating_sub(self.exact.len()));
        }
    }

    /// Add values in order; NaN values are skipped and counted.
    pub fn push(&mut self, values: &[f64]) {
        let nans = values.iter().filter(|v| v.is_nan()).count();
        self.nan += nans as u64;
        let added = values.len() - nans;
        if !self.compacting {
            if self.exact.len() + added <= self.exact_threshold {
                self.reserve_exact_phase(added);
                self.exact
                    .extend(values.iter().copied().filter(|v| !v.is_nan()));
                self.count += added as u64;
                return;
            }
            // Switch: replay the exact values through the compactor.
            self.compacting = true;
            let old = std::mem::take(&mut self.exact);
            self.pending = Vec::with_capacity(self.block);
            self.count = 0;
            self.push_compacting(&old);
        }
        self.push_compacting(values);
    }

    /// Grow the exact store without overshooting the threshold (no doubling slack beyond it).
    fn reserve_exact_phase(&mut self, added: usize) {
        let needed = self.exact.len() + added;
        if needed > self.exact.capacity() {
            let target = (2 * self.exact.capacity())
                .max(needed)
                .min(self.exact_threshold);
            self.exact.reserve_exact(target - self.exact.len());
        }
    }

    fn push_compacting(&mut self, values: &[f64]) {
        for &v in values {
            if v.is_nan() {
                continue;
            }
            self.pending.push(v);
            self.count += 1;
            if self.pending.len() == self.block {
                self.compact_pending();
            }
        }
    }

    fn compact_pending(&mut self) {
        super::sort_f64(&mut self.pending);
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

    /// The `q`-quantile (q in [0, 1]); NaN when empty or `q` is NaN.
    pub fn quantile(&self, q: f64) -> f64 {
        self.quantiles(&[q])[0]
    }

    /// Several quantiles at once: in the exact phase by selection (no sort), in the compacting
    /// phase from one sort of the kept values. Ask for every quantile in one call.
    pub fn quantiles(&self, qs: &[f64]) -> Vec<f64> {
        self.quantiles_within(None, qs)
    }

    /// [`QuantileSketch::quantiles`] with the exact minimum and maximum of the values (in
    /// [`f64::total_cmp`] order) when the caller knows them: one pass less in the exact phase.
    pub fn quantiles_within(&self, range: Option<(f64, f64)>, qs: &[f64]) -> Vec<f64> {
        if self.count == 0 {
            return vec![f64::NAN; qs.len()];
        }
        if !self.compacting {
            return super::quantiles_unsorted_within(&self.exact, range, qs);
        }
        let weighted = self.weighted_sorted();
        qs.iter().map(|&q| weighted.quantile(q)).collect()
    }

    fn weighted_sorted(&self) -> Weighted {
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
struct Weighted {
    values: Vec<f64>,
    centres: Vec<f64>,
    total: f64,
}

impl Weighted {
    fn quantile(&self, q: f64) -> f64 {
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
        super::lerp(self.values[lo], self.values[hi], t)
    }
}
