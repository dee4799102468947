//! A quantile sketch with a documented rank-error bound: exact up to a pilot of 2^18 values, then
//! a fixed histogram built from the pilot (or, where no histogram bounds the error well enough, a
//! compacting sketch).
//!
//! **Exact phase (pilot).** The first `PILOT` = 2^18 = 262,144 values are stored as they come
//! (2 MiB per column); quantiles are then exactly NumPy's linear ones. A run of at most 262,144
//! samples never leaves this phase. The pilot is always the first 262,144 values, whatever the
//! batches (a batch that crosses the threshold is split).
//!
//! **Histogram phase.** The next value builds a fixed grid of 65,536 buckets from the pilot and
//! counts the pilot into it; every later value is counted into the grid (integer counts), or,
//! when it lies outside the grid's range (in [`f64::total_cmp`] order), kept exactly in a `below`
//! or `above` list. Two grids are tried on the pilot, and the one whose largest bucket holds
//! fewer pilot values is kept:
//! - the *key grid*, uniform in the order-preserving integer image of the values (the key)
//!   between the range's smallest and largest: `bucket = (key − key_lo) >> shift`, with `shift`
//!   the smallest that fits the span in 65,536 buckets. It is linear within a binade and
//!   logarithmic across binades; with `shift = 0` every bucket is one exact value;
//! - the *linear grid*, uniform in value between the range's minimum and maximum, for wide ranges
//!   that cross zero (where the key grid spends its buckets on tiny magnitudes).
//!
//! The range is the pilot's [min, max] (then about `N / 262,144` values per side land in the
//! exact lists when the draws are exchangeable). When neither grid over it passes the test
//! below (a long tail leaves too few buckets for the bulk), the grids are tried on the pilot
//! without about `2^-10` of its smallest and largest values, then about `2^-7` (the points are
//! read off every 8th pilot value, sorted); the values beyond are kept exactly (about
//! `2 N / 1024`, or `2 N / 128`, values).
//!
//! **Choosing the grid.** The candidate grids are ranked by their largest bucket on every 8th
//! pilot value; the whole pilot is then counted into them in that order, and the first that
//! passes the test on the whole pilot is kept.
//!
//! **Point masses.** When no grid passes on counts alone and the grid sample repeats some value
//! at least half the test's share of it (a point mass that matters), each bucket gets an *atom*:
//! the value that is a majority of its values in the data the grid is tested on (Boyer–Moore
//! vote; a bucket empty there takes the first value it counts). The atoms are then fixed, and
//! each bucket counts, besides its values, how many equal its atom and how many lie below it.
//! The atom's copies are exact, whatever their number; only the bucket's other values are
//! inexact. Discrete values with ties (counts of racks, years, a constant column) are exact, and
//! so is a mixture of point masses and a continuum (GPUs installed in a year when most, but not
//! all, deployments are complete) up to its continuous part. A grid is tried with atoms only if
//! they shrink its largest inexact bucket on the sample.
//!
//! **Quantiles.** NumPy's linear interpolation at `h = (N − 1) q` between the order statistics
//! `⌊h⌋` and `⌊h⌋ + 1`. An order statistic in `below` or `above` is exact (the lists are sorted
//! at query time), and so is one that falls among a bucket's copies of its atom. One that falls
//! `t`-th among the `c` values of a bucket otherwise is estimated `(t + 0.5) / c` of the way
//! through the bucket's range (in key on the key grid, in value on the linear grid, clamped to
//! the range), and always inside the bucket, so it lies between the values of the buckets before
//! and after it; with an atom, it is also kept below (above) the atom when it is one of the
//! values below (above) it, so it errs by at most the bucket's number of values other than the
//! atom.
//!
//! **Bound.** An estimate inside a bucket of `c` values is off by at most `c` ranks; the
//! interpolation and NumPy's `(N − 1) q` add at most one. The reported bound
//! ([`QuantileSketch::rank_error_bound`]) is `(c_max + 1) / N`, with `c_max` the largest number,
//! over the whole histogram, of a bucket's inexact values (all of them without atoms; those
//! other than its atom with atoms; none on a key grid whose buckets are single keys), computed
//! from the counts at query time. A grid passes when, on the pilot, that largest count is at most 2^-11 of the
//! pilot (about 0.049%); if no grid passes, the column falls back to the compacting sketch below
//! (the pilot is replayed through it). For exchangeable draws each bucket's share of all `N`
//! values stays near its share of the pilot, so the bound stays well below MODEL.md's 0.1%
//! (tests check the rank error of every quantile against it on 2 M values of several shapes).
//!
//! **Compacting phase (fallback).** Values are gathered in blocks of `B` (default 65,536). Each
//! full block is sorted and reduced to `B / k` order statistics (default `k = 16`): of every run
//! of `k` consecutive order statistics the one at position `k / 2` is kept, standing for all `k`
//! with weight `k`. Values of an unfinished block are kept exactly (weight 1). For any threshold,
//! the weighted count of kept values below it differs from the true count only through the one
//! run of `k` per block that straddles it, by at most `k / 2`: an error of the empirical CDF of
//! at most `k / (2B)`; the weighted-quantile interpolation adds at most one item's weight,
//! `k / N`. The documented rank error is **`k / B` = 16 / 65,536 ≈ 0.024%**. Item `i` (sorted,
//! weight `w_i`, `c_i` values before it) stands at its centre rank `c_i + (w_i − 1) / 2`; the
//! quantile is read at rank `(N − 1) q` between neighbouring centres (constant beyond the first
//! and last). [`QuantileSketch::with_parameters`] builds a sketch that goes from its exact phase
//! straight to compaction (tests use small `B` and `k`).
//!
//! **Memory.** At most 2 MiB of pilot per column, and an eighth of that for the pilot's sample
//! (taken as values arrive, while they are in cache). In the histogram phase, 256 KiB of `u32`
//! counts (spilled into `u64` counts before any could overflow, after 2^32 − 1 values), 1.5 MiB
//! of atoms where point masses need them (a key and two `u64` counts per bucket), and the exact
//! lists (8 bytes per value); the
//! pilot is freed once its values are counted. In the compacting phase,
//! `N / k` values in blocks of `B / k` plus at most `B` pending values (5 MB per column at 10 M
//! values).
//!
//! **NaN.** Metrics should never be NaN; a NaN is a bug upstream. The sketch skips NaN values and
//! counts them ([`QuantileSketch::nan_count`]) so the caller can report it; they do not enter `N`.

use super::{FirstPass, from_order_key, lerp, order_key};

/// Values kept exactly before the histogram is built (2^18).
pub const PILOT: usize = 1 << 18;
/// Exactness threshold of [`QuantileSketch::new`] (the pilot).
pub const DEFAULT_EXACT_THRESHOLD: usize = PILOT;
/// Default block size `B` of the compacting phase.
pub const DEFAULT_BLOCK: usize = 1 << 16;
/// Default reduction factor `k` of the compacting phase.
pub const DEFAULT_KEEP_EVERY: usize = 16;
/// Buckets of the histogram grid.
pub const HISTOGRAM_BUCKETS: usize = 1 << 16;
/// The histogram is kept only if no bucket holds more than `pilot >> FALLBACK_SHARE_LOG2`
/// pilot values (2^-11 ≈ 0.049% of the pilot), unless its buckets are exact values.
const FALLBACK_SHARE_LOG2: u32 = 11;
/// When no grid over the pilot's whole range will do, the grids are tried without about `2^-t`
/// of the pilot's smallest and largest values (read off a sorted sample), for each `t` in turn.
const TRIMS_LOG2: [u32; 2] = [10, 7];
/// The grids are ranked, and the trimming points found, on every 8th value of the pilot.
const GRID_SAMPLE_EVERY: usize = 8;
/// Values per block when a batch is read once for two jobs (stored or counted, and the moments'
/// first pass): 8 KiB, in the L1 cache for the second; a multiple of four (the lanes).
const FIRST_PASS_BLOCK: usize = 1024;

/// Which representation a sketch is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Every value stored; quantiles exact.
    Exact,
    /// A fixed histogram built from the pilot.
    Histogram,
    /// The compacting sketch (rank error `k / B`).
    Compacting,
}

/// Exact below a threshold; then a histogram whose rank error is reported, or a compacting
/// sketch with rank error at most `k / B` (see the module documentation).
#[derive(Debug, Clone)]
pub struct QuantileSketch {
    exact_threshold: usize,
    block: usize,
    keep_every: usize,
    /// Whether the exact phase ends in a histogram (else in compaction).
    histogram_allowed: bool,
    /// Exact phase: every value so far.
    exact: Vec<f64>,
    /// Exact phase, when it ends in a histogram: the keys of the smallest and largest values so
    /// far, and every `GRID_SAMPLE_EVERY`-th value, noted as values arrive (while they are in
    /// cache) so that building the grid reads the pilot once.
    pilot_keys: Option<(u64, u64)>,
    pilot_sample: Vec<f64>,
    state: State,
    count: u64,
    nan: u64,
}

#[derive(Debug, Clone)]
enum State {
    Exact,
    Histogram(Box<Histogram>),
    Compacting(Compactor),
}

impl Default for QuantileSketch {
    fn default() -> Self {
        Self::new()
    }
}

impl QuantileSketch {
    /// The default sketch: exact up to 2^18 values, then a histogram (or `B = 65,536`, `k = 16`
    /// compaction where the histogram would be too coarse).
    pub fn new() -> Self {
        QuantileSketch {
            exact_threshold: DEFAULT_EXACT_THRESHOLD,
            block: DEFAULT_BLOCK,
            keep_every: DEFAULT_KEEP_EVERY,
            histogram_allowed: true,
            exact: Vec::new(),
            pilot_keys: None,
            pilot_sample: Vec::new(),
            state: State::Exact,
            count: 0,
            nan: 0,
        }
    }

    /// The default sketch with another pilot size (tests use smaller ones).
    pub fn with_pilot(pilot: usize) -> Self {
        QuantileSketch {
            exact_threshold: pilot,
            ..Self::new()
        }
    }

    /// A compacting sketch with other parameters, without the histogram phase (tests use small
    /// ones to exercise compaction). `block` must be a positive multiple of `keep_every`, and
    /// `keep_every >= 1`.
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
            histogram_allowed: false,
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
        matches!(self.state, State::Exact)
    }

    /// The present representation.
    pub fn phase(&self) -> Phase {
        match self.state {
            State::Exact => Phase::Exact,
            State::Histogram(_) => Phase::Histogram,
            State::Compacting(_) => Phase::Compacting,
        }
    }

    /// The documented bound on the rank error of any quantile: 0 while exact; in the histogram
    /// phase `(c_max + 1) / N`, `c_max` the largest count, over the whole histogram, of a bucket
    /// that is not a single value; `k / B` in the compacting phase.
    pub fn rank_error_bound(&self) -> f64 {
        match &self.state {
            State::Exact => 0.0,
            State::Histogram(h) => (h.largest_inexact_bucket() + 1) as f64 / self.count as f64,
            State::Compacting(c) => c.keep_every as f64 / c.block as f64,
        }
    }

    /// Approximate bytes held by the stored values.
    pub fn memory_bytes(&self) -> usize {
        8 * (self.exact.capacity() + self.pilot_sample.capacity())
            + match &self.state {
                State::Exact => 0,
                State::Histogram(h) => h.memory_bytes(),
                State::Compacting(c) => c.memory_bytes(),
            }
    }

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
    pub(super) fn push_counted(&mut self, values: &[f64], nans: usize) {
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
    pub(super) fn store_with_first_pass(&mut self, values: &[f64]) -> Option<FirstPass> {
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
    pub(super) fn leave_full_pilot(&mut self, values: &[f64]) {
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
    pub(super) fn count_with_first_pass(&mut self, values: &[f64]) -> Option<FirstPass> {
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
            State::Exact => super::quantiles_unsorted_within(&self.exact, range, qs),
            State::Histogram(h) => h.quantiles(qs),
            State::Compacting(c) => {
                let weighted = c.weighted_sorted();
                qs.iter().map(|&q| weighted.quantile(q)).collect()
            }
        }
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

/// The length of the longest run of identical values (bit for bit) in sorted `values`.
fn longest_run(values: &[f64]) -> usize {
    let mut longest = 0;
    let mut i = 0;
    while i < values.len() {
        let mut j = i + 1;
        while j < values.len() && values[j].to_bits() == values[i].to_bits() {
            j += 1;
        }
        longest = longest.max(j - i);
        i = j;
    }
    longest
}

/// The histogram's grid over the pilot's range.
#[derive(Debug, Clone, Copy)]
enum Grid {
    /// `bucket = (key − key_lo) >> shift` on the order-preserving key.
    Key { shift: u32 },
    /// `bucket = ⌊(x − lo) · scale⌋`, clamped to the last bucket.
    Linear { lo: f64, scale: f64 },
}

impl Grid {
    /// The bucket of a value whose key lies in `[key_lo, key_hi]`: monotone in the value. Any
    /// other value (beyond the range, NaN) gets some number below [`HISTOGRAM_BUCKETS`] too, so
    /// that a block's buckets can be made before its values are sorted into counted and kept
    /// ([`Histogram::count_blocks`]): nothing but arithmetic, which vectorises.
    #[inline(always)]
    fn bucket(self, key_lo: u64, x: f64, key: u64) -> usize {
        match self {
            Grid::Key { shift } => {
                // In the range, `key − key_lo` fits the buckets once shifted; the mask keeps any
                // other key a bucket number.
                (key.wrapping_sub(key_lo) >> shift) as usize & (HISTOGRAM_BUCKETS - 1)
            }
            Grid::Linear { lo, scale } => {
                // In the range `x ≥ lo`; clamped to the last bucket in floating point. NaN and
                // values below the range go to 0 (`max` drops NaN).
                let t = ((x - lo) * scale)
                    .max(0.0)
                    .min((HISTOGRAM_BUCKETS - 1) as f64);
                // Through `i32`: a number in [0, 65,535] converts exactly, and the conversion
                // to a 32-bit integer vectorises where a 64-bit one does not.
                t as i32 as usize
            }
        }
    }
}

/// Atom of a bucket that held no value of the data the atoms were chosen on (a NaN key: never
/// a value's, and above every value's key).
const NO_VALUE: u64 = u64::MAX;

/// Per bucket, its *atom* (the value it held most often in the data it was chosen on, the
/// pilot or the grid sample) and, of the values counted since, how many were the atom and how
/// many lay below it. The atoms are fixed once chosen, so the counts do not depend on the order
/// values arrive in. A bucket's values then sit as `below` values under the atom, `same` copies
/// of it, and the rest above it: only the values other than the atom are inexact.
#[derive(Debug, Clone)]
struct Atoms {
    key: Vec<u64>,
    same: Vec<u64>,
    below: Vec<u64>,
}

impl Atoms {
    /// The atoms of `data` on `grid` over `[key_lo, key_hi]` (values outside it ignored), by
    /// the Boyer–Moore majority vote in each bucket: a value that is more than half of its
    /// bucket's values is its atom; where none is, the vote leaves some value of the bucket (the
    /// bound counts every value but the atom, so any choice is sound). One pass, in the data's
    /// order. Nothing counted yet.
    fn of(data: &[f64], grid: Grid, key_lo: u64, key_hi: u64) -> Atoms {
        let mut key = vec![NO_VALUE; HISTOGRAM_BUCKETS];
        let mut votes = vec![0u32; HISTOGRAM_BUCKETS];
        for &x in data {
            let k = order_key(x);
            if !(key_lo..=key_hi).contains(&k) {
                continue;
            }
            let b = grid.bucket(key_lo, x, k);
            if key[b] == k {
                votes[b] += 1;
            } else if votes[b] == 0 {
                key[b] = k;
                votes[b] = 1;
            } else {
                votes[b] -= 1;
            }
        }
        Atoms {
            key,
            same: vec![0; HISTOGRAM_BUCKETS],
            below: vec![0; HISTOGRAM_BUCKETS],
        }
    }
}

/// The per-bucket atoms as the counting loop uses them.
struct AtomsView<'a> {
    key: &'a mut [u64],
    same: &'a mut [u64],
    below: &'a mut [u64],
}

#[derive(Debug, Clone)]
struct Histogram {
    grid: Grid,
    /// Keys of the pilot's smallest and largest values.
    key_lo: u64,
    key_hi: u64,
    /// Counts since the last spill (`u32`: half the memory and cache traffic of `u64`).
    counts: Vec<u32>,
    /// Counts spilled from `counts` before they could overflow (after 2^32 − 1 values).
    spilled: Option<Vec<u64>>,
    /// Values counted into `counts` since the last spill.
    since_spill: u64,
    /// Per-bucket atoms, kept only when the grid relies on them (point masses: a value held
    /// many times is exact, whatever its count).
    atoms: Option<Box<Atoms>>,
    /// Values below / above the pilot's range, exact (unsorted).
    below: Vec<f64>,
    above: Vec<f64>,
}

impl Histogram {
    /// A grid for this pilot (the first in the order of a sample's largest buckets that keeps
    /// the pilot's largest bucket that is not a single value within 2^-11 of the pilot), or
    /// `None` when none does. The grids span the pilot's whole range; failing that, the range
    /// without about 2^-10 of the pilot's smallest and largest values; failing that, about 2^-7
    /// of them (a long tail leaves too few buckets for the
    /// bulk). Values outside the range a grid spans are kept exactly.
    ///
    /// `key_lo` and `key_hi` are the keys of the pilot's smallest and largest values, and
    /// `sample` is every `GRID_SAMPLE_EVERY`-th pilot value from the first: the grids are ranked
    /// on it, and the trimming points read off it.
    fn from_pilot(pilot: &[f64], sample: &[f64], key_lo: u64, key_hi: u64) -> Option<Histogram> {
        debug_assert!(
            pilot
                .iter()
                .all(|&v| (key_lo..=key_hi).contains(&order_key(v)))
        );
        debug_assert!(sample.iter().eq(pilot.iter().step_by(GRID_SAMPLE_EVERY)));
        if pilot.is_empty() {
            return None;
        }
        // The sorted sample: whether a value repeats in it often enough for atoms to matter (half
        // the limit's share of the sample), and the trimming points (every value's rank is not
        // needed: values past either point are kept exactly whatever the points are).
        // Both are found only when a grid over the whole range will not do without atoms.
        let sorted = std::cell::OnceCell::new();
        let sorted = || {
            sorted.get_or_init(|| {
                let mut v = sample.to_vec();
                super::sort_f64(&mut v);
                v
            })
        };
        let repeats = std::cell::OnceCell::new();
        let min_run = ((pilot.len() >> FALLBACK_SHARE_LOG2) / GRID_SAMPLE_EVERY / 2).max(2);
        let repeats = || *repeats.get_or_init(|| longest_run(sorted()) >= min_run);
        if let Some(h) = Self::best_grid(pilot, sample, key_lo, key_hi, &repeats) {
            return Some(h);
        }
        let sorted = sorted();
        let n = sorted.len();
        for trim_log2 in TRIMS_LOG2 {
            let r = n >> trim_log2;
            if r > 0
                && let Some(h) = Self::best_grid(
                    pilot,
                    sample,
                    order_key(sorted[r]),
                    order_key(sorted[n - 1 - r]),
                    &repeats,
                )
            {
                return Some(h);
            }
        }
        None
    }

    /// The key or the linear grid over the keys `[key_lo, key_hi]`, the pilot counted into it,
    /// if its largest inexact bucket holds at most 2^-11 of the pilot.
    ///
    /// Atoms are tried only when `repeats()` (the sample repeats some value often enough to
    /// matter; asked only when no grid does without atoms).
    fn best_grid(
        pilot: &[f64],
        sample: &[f64],
        key_lo: u64,
        key_hi: u64,
        repeats: &dyn Fn() -> bool,
    ) -> Option<Histogram> {
        let span = key_hi - key_lo;
        let bits = HISTOGRAM_BUCKETS.trailing_zeros();
        let shift = (64 - span.leading_zeros()).saturating_sub(bits);
        let key = Grid::Key { shift };
        if shift == 0 {
            // Every bucket is one value.
            return Some(Histogram::of_pilot(pilot, key, key_lo, key_hi, false));
        }
        let limit = (pilot.len() >> FALLBACK_SHARE_LOG2) as u64;
        let mut grids = vec![key];
        let (lo, hi) = (from_order_key(key_lo), from_order_key(key_hi));
        let scale = HISTOGRAM_BUCKETS as f64 / (hi - lo);
        if scale.is_finite() && scale > 0.0 {
            grids.push(Grid::Linear { lo, scale });
        }
        // The grids are ranked by their largest bucket on the sample, and the whole pilot is
        // counted into them in that order until one passes: the bound is always checked on the
        // whole pilot, but a column whose first choice passes is counted once, not once per grid.
        // Without atoms if a grid allows it (cheaper to count into), else with; a grid is tried
        // with atoms only if they shrink its largest inexact bucket on the sample (atoms
        // frequent enough to matter show in every 8th value).
        let on_sample = |g: Grid, atoms: bool| {
            Histogram::of_pilot(sample, g, key_lo, key_hi, atoms).largest_inexact_bucket()
        };
        let plain: Vec<u64> = grids.iter().map(|&g| on_sample(g, false)).collect();
        for atoms in [false, true] {
            if atoms && !repeats() {
                break;
            }
            let mut ranked: Vec<(u64, usize)> = (0..grids.len())
                .map(|i| {
                    (
                        if atoms {
                            on_sample(grids[i], true)
                        } else {
                            plain[i]
                        },
                        i,
                    )
                })
                .collect();
            // Stable: the key grid first on a tie.
            ranked.sort_by_key(|&(largest, _)| largest);
            for (largest, i) in ranked {
                if atoms && largest >= plain[i] {
                    continue;
                }
                let g = grids[i];
                if let Some(h) = Histogram::of_pilot_within(pilot, g, key_lo, key_hi, atoms, limit)
                {
                    return Some(h);
                }
            }
        }
        None
    }

    /// A histogram on `grid` over `[key_lo, key_hi]` with the pilot counted in, if no bucket
    /// that is not a single value holds more than `limit` of its values; `None` as soon as one
    /// does (counts only grow, and a bucket that has held two values always has: the answer is
    /// the one a count of the whole pilot would give).
    fn of_pilot_within(
        pilot: &[f64],
        grid: Grid,
        key_lo: u64,
        key_hi: u64,
        atoms: bool,
        limit: u64,
    ) -> Option<Histogram> {
        let mut h = Histogram::empty(grid, key_lo, key_hi, atoms.then_some(pilot));
        let limit = u32::try_from(limit).unwrap_or(u32::MAX);
        h.since_spill = pilot.len() as u64;
        for part in pilot.chunks(1 << 13) {
            let exceeded = if atoms {
                h.count_on::<true>(part, limit)
            } else {
                h.count_plain::<true>(part, limit)
            };
            if exceeded {
                return None;
            }
        }
        debug_assert!(h.largest_inexact_bucket() <= u64::from(limit));
        Some(h)
    }

    /// A histogram on `grid` over `[key_lo, key_hi]` with the pilot counted in.
    fn of_pilot(pilot: &[f64], grid: Grid, key_lo: u64, key_hi: u64, atoms: bool) -> Histogram {
        let mut h = Histogram::empty(grid, key_lo, key_hi, atoms.then_some(pilot));
        h.push(pilot);
        h
    }

    /// A histogram on `grid` over `[key_lo, key_hi]` with nothing counted; with atoms chosen on
    /// `atoms_of` when given.
    fn empty(grid: Grid, key_lo: u64, key_hi: u64, atoms_of: Option<&[f64]>) -> Histogram {
        Histogram {
            grid,
            key_lo,
            key_hi,
            counts: vec![0; HISTOGRAM_BUCKETS],
            spilled: None,
            since_spill: 0,
            atoms: atoms_of.map(|data| Box::new(Atoms::of(data, grid, key_lo, key_hi))),
            below: Vec::new(),
            above: Vec::new(),
        }
    }

    fn count(&mut self, values: &[f64]) {
        // Without a limit to check, the result is always false.
        let _ = if self.atoms.is_none() {
            self.count_plain::<false>(values, 0)
        } else {
            self.count_on::<false>(values, 0)
        };
    }

    /// Count `values` on the grid, which has no atoms ([`Histogram::count_blocks`]); with
    /// `CHECK`, returns whether a bucket came to hold more than `limit` values (else false).
    fn count_plain<const CHECK: bool>(&mut self, values: &[f64], limit: u32) -> bool {
        // One loop per kind of grid, each compiled for its own arithmetic (the kind is a
        // constant inside each closure).
        let key_lo = self.key_lo;
        match self.grid {
            Grid::Key { shift } => self.count_blocks::<CHECK>(values, limit, |x, key| {
                Grid::Key { shift }.bucket(key_lo, x, key)
            }),
            Grid::Linear { lo, scale } => self.count_blocks::<CHECK>(values, limit, |x, key| {
                Grid::Linear { lo, scale }.bucket(key_lo, x, key)
            }),
        }
    }

    /// Count `values` on the grid, which has no atoms: `bucket(x, key)` is [`Grid::bucket`]
    /// (any value gets a number below 65,536). With `CHECK`, returns whether a bucket it counted into came to hold more than `limit`
    /// values (without atoms every bucket of a grid tried is inexact), as
    /// [`Histogram::count_on`] does; else false.
    ///
    /// Block by block, in two loops: the first makes every value's bucket number and whether any
    /// value lies outside the range, with nothing but arithmetic (vector instructions where the
    /// processor has them); the second counts them. A block with a value outside the range
    /// (beyond the grid, or NaN) is counted value by value, and its values outside go to the
    /// exact lists in order, as [`Histogram::count_on`] does.
    #[inline(always)]
    fn count_blocks<const CHECK: bool>(
        &mut self,
        values: &[f64],
        limit: u32,
        bucket: impl Fn(f64, u64) -> usize,
    ) -> bool {
        const BLOCK: usize = 128;
        let (key_lo, span) = (self.key_lo, self.key_hi - self.key_lo);
        let counts = &mut self.counts[..HISTOGRAM_BUCKETS];
        let mut buckets = [0u16; BLOCK];
        // The largest count a bucket reached here (with CHECK).
        let mut largest = 0u32;
        let mut count_in = |b: u16| {
            let c = &mut counts[usize::from(b)];
            *c += 1;
            if CHECK {
                largest = largest.max(*c);
            }
        };
        for block in values.chunks(BLOCK) {
            let mut outside = false;
            for (b, &x) in buckets.iter_mut().zip(block) {
                let key = order_key(x);
                // `key − key_lo` wraps to a huge number below the range; NaN keys lie above it.
                outside |= key.wrapping_sub(key_lo) > span;
                // Every bucket number is below 65,536.
                *b = bucket(x, key) as u16;
            }
            if !outside {
                for &b in &buckets[..block.len()] {
                    count_in(b);
                }
                continue;
            }
            for (&b, &x) in buckets.iter().zip(block) {
                let key = order_key(x);
                if key.wrapping_sub(key_lo) <= span {
                    count_in(b);
                } else if x.is_nan() {
                    // Skipped (the caller counts them).
                } else if key < key_lo {
                    self.below.push(x);
                } else {
                    self.above.push(x);
                }
            }
        }
        CHECK && largest > limit
    }

    /// Count `values` on the grid, which has atoms: each bucket also notes how many of its values
    /// are its atom and how many lie below it.
    ///
    /// Values go four at a time: when all four lie in the grid's range (nearly always), their
    /// buckets are counted without a branch per value; otherwise each is taken on its own. The
    /// arrays are borrowed apart from `self`, so that the loop keeps their addresses in
    /// registers (a push onto `below` cannot move `counts`).
    ///
    /// With `CHECK`, returns whether a bucket that is not a single value came to hold more than
    /// `limit` values (else false).
    #[inline(always)]
    fn count_on<const CHECK: bool>(&mut self, values: &[f64], limit: u32) -> bool {
        let (grid, key_lo, key_hi) = (self.grid, self.key_lo, self.key_hi);
        let span = key_hi - key_lo;
        let Histogram {
            counts,
            atoms,
            below,
            above,
            ..
        } = self;
        let counts = &mut counts[..HISTOGRAM_BUCKETS];
        let a = &mut **atoms.as_mut().expect("per-bucket atoms");
        let atoms = &mut AtomsView {
            key: &mut a.key[..HISTOGRAM_BUCKETS],
            same: &mut a.same[..HISTOGRAM_BUCKETS],
            below: &mut a.below[..HISTOGRAM_BUCKETS],
        };
        // Count a value whose key lies in the range; with CHECK, whether its bucket now holds
        // more than `limit` values other than its atom.
        #[inline(always)]
        fn count_in<const CHECK: bool>(
            counts: &mut [u32],
            atoms: &mut AtomsView<'_>,
            b: usize,
            key: u64,
            limit: u32,
        ) -> bool {
            counts[b] += 1;
            let mut a = atoms.key[b];
            if a == NO_VALUE {
                // A bucket without an atom takes its first value.
                atoms.key[b] = key;
                a = key;
            }
            atoms.same[b] += u64::from(key == a);
            atoms.below[b] += u64::from(key < a);
            CHECK && u64::from(counts[b]) - atoms.same[b] > u64::from(limit)
        }
        let mut exceeded = false;
        let mut one = |x: f64, counts: &mut [u32], atoms: &mut AtomsView<'_>| -> bool {
            let key = order_key(x);
            if key < key_lo || key > key_hi {
                // NaN keys lie beyond ±∞: skipped (the caller counts them).
                if !x.is_nan() {
                    if key < key_lo {
                        below.push(x);
                    } else {
                        above.push(x);
                    }
                }
                false
            } else {
                count_in::<CHECK>(counts, atoms, grid.bucket(key_lo, x, key), key, limit)
            }
        };
        let chunks = values.chunks_exact(4);
        let tail = chunks.remainder();
        // Chunks of four counted without a branch per value.
        for c in chunks {
            let keys = [
                order_key(c[0]),
                order_key(c[1]),
                order_key(c[2]),
                order_key(c[3]),
            ];
            // `key − key_lo` wraps to a huge number below the range.
            if keys.iter().all(|&k| k.wrapping_sub(key_lo) <= span) {
                // In the range: no NaN.
                for l in 0..4 {
                    let b = grid.bucket(key_lo, c[l], keys[l]);
                    exceeded |= count_in::<CHECK>(counts, atoms, b, keys[l], limit);
                }
            } else {
                for &x in c {
                    exceeded |= one(x, counts, atoms);
                }
            }
        }
        for &x in tail {
            exceeded |= one(x, counts, atoms);
        }
        exceeded
    }

    /// Count values in (their order does not matter: counts are integers).
    fn push(&mut self, values: &[f64]) {
        self.make_room(values.len());
        self.count(values);
    }

    /// [`Histogram::push`], making the first pass of the values' moments as they are read.
    fn push_with_first_pass(&mut self, values: &[f64]) -> FirstPass {
        self.make_room(values.len());
        let mut first = FirstPass::new();
        // Block by block: the first pass over a block, then its count, while the block is in
        // the L1 cache. Apart, each loop keeps its state in registers.
        for block in values.chunks(FIRST_PASS_BLOCK) {
            first.take_block(block);
            self.count(block);
        }
        first
    }

    /// Spill the `u32` counts into `u64` ones if `len` more values could overflow them.
    fn make_room(&mut self, len: usize) {
        if self.since_spill + len as u64 > u64::from(u32::MAX) {
            let spilled = self
                .spilled
                .get_or_insert_with(|| vec![0; HISTOGRAM_BUCKETS]);
            for (s, c) in spilled.iter_mut().zip(&mut self.counts) {
                *s += u64::from(std::mem::take(c));
            }
            self.since_spill = 0;
        }
        self.since_spill += len as u64;
    }

    /// The count of bucket `b`.
    fn bucket_count(&self, b: usize) -> u64 {
        u64::from(self.counts[b]) + self.spilled.as_ref().map_or(0, |s| s[b])
    }

    fn largest_bucket(&self) -> u64 {
        (0..HISTOGRAM_BUCKETS)
            .map(|b| self.bucket_count(b))
            .max()
            .unwrap_or(0)
    }

    /// The largest number of inexact values in a bucket: 0 on a key grid with shift 0 (every
    /// bucket one value); with atoms, of the values that are not their bucket's atom; else the
    /// largest count.
    fn largest_inexact_bucket(&self) -> u64 {
        match (&self.atoms, self.grid) {
            (_, Grid::Key { shift: 0 }) => 0,
            (None, _) => self.largest_bucket(),
            (Some(atoms), _) => (0..HISTOGRAM_BUCKETS)
                .map(|b| self.bucket_count(b) - atoms.same[b])
                .max()
                .unwrap_or(0),
        }
    }

    fn memory_bytes(&self) -> usize {
        4 * self.counts.capacity()
            + 8 * (self.spilled.as_ref().map_or(0, Vec::capacity)
                + self.atoms.as_ref().map_or(0, |a| {
                    a.key.capacity() + a.same.capacity() + a.below.capacity()
                })
                + self.below.capacity()
                + self.above.capacity())
    }

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
        super::sort_f64(&mut below);
        super::sort_f64(&mut above);
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

/// The compacting sketch: sorted blocks reduced to every `k`-th order statistic.
#[derive(Debug, Clone)]
struct Compactor {
    block: usize,
    keep_every: usize,
    /// Sorted blocks of `block / keep_every` values, weight `keep_every`.
    blocks: Vec<Box<[f64]>>,
    /// Values of the unfinished block (weight 1).
    pending: Vec<f64>,
}

impl Compactor {
    fn new(block: usize, keep_every: usize) -> Compactor {
        Compactor {
            block,
            keep_every,
            blocks: Vec::new(),
            pending: Vec::with_capacity(block),
        }
    }

    fn memory_bytes(&self) -> usize {
        let kept: usize = self.blocks.iter().map(|b| b.len()).sum();
        8 * (self.pending.capacity() + kept)
            + std::mem::size_of::<Box<[f64]>>() * self.blocks.capacity()
    }

    fn push(&mut self, values: &[f64]) {
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
        lerp(self.values[lo], self.values[hi], t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_spilled_to_u64_keep_every_bucket_and_quantile() {
        // The u32 counts spill into u64 ones before 2^32 − 1 values could overflow them. Rather
        // than count four billion values, one copy of a histogram is told that it nearly has
        // (only the counter since the last spill; its counts stay small), and both copies are
        // given the same further values, through both counting paths: the spilled copy must
        // hold the same buckets and give the same quantiles, bit for bit.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut values = |n: usize| -> Vec<f64> {
            (0..n)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    ((state >> 11) as f64 / (1u64 << 53) as f64 * 9.0).exp()
                })
                .collect()
        };
        let mut plain = QuantileSketch::new();
        for _ in 0..9 {
            plain.push(&values(32_768));
        }
        assert_eq!(plain.phase(), Phase::Histogram);
        let mut spilled = plain.clone();
        let State::Histogram(h) = &mut spilled.state else {
            unreachable!("in the histogram phase")
        };
        h.since_spill = u64::from(u32::MAX) - 1_000;
        let (more, again) = (values(32_768), values(20_000));
        for s in [&mut plain, &mut spilled] {
            s.push(&more);
            let State::Histogram(h) = &mut s.state else {
                unreachable!("in the histogram phase")
            };
            let first = h.push_with_first_pass(&again);
            assert_eq!(first.count, again.len() as u64);
            s.count += first.count;
        }
        let (State::Histogram(a), State::Histogram(b)) = (&plain.state, &spilled.state) else {
            unreachable!("in the histogram phase")
        };
        assert!(a.spilled.is_none(), "four billion values short of a spill");
        assert!(b.spilled.is_some(), "the counter asked for a spill");
        assert!(b.spilled.as_ref().is_some_and(|s| s.iter().any(|&c| c > 0)));
        assert!((0..HISTOGRAM_BUCKETS).all(|i| a.bucket_count(i) == b.bucket_count(i)));
        let qs: Vec<f64> = (0..=100).map(|i| f64::from(i) / 100.0).collect();
        let bits = |v: Vec<f64>| v.into_iter().map(f64::to_bits).collect::<Vec<_>>();
        assert_eq!(bits(plain.quantiles(&qs)), bits(spilled.quantiles(&qs)));
        assert_eq!(
            plain.rank_error_bound().to_bits(),
            spilled.rank_error_bound().to_bits()
        );
    }

    #[test]
    fn counting_in_blocks_gives_the_buckets_and_lists_of_the_grid_s_definition() {
        // `Histogram::count` without atoms makes every bucket number of a block before counting
        // them, with the linear grid clamped before its conversion. Against the definition,
        // value by value (`Grid::bucket` in the range, the exact lists in order outside):
        // values in and out of the range, at its ends, NaN, infinities and both zeros, in runs
        // that start and end anywhere in a block.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut uniform = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let (lo, hi) = (0.0, 3.5e9);
        let mut values: Vec<f64> = (0..5_000).map(|_| lo + uniform() * (hi - lo)).collect();
        let specials = [
            lo,
            hi,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1.0,
            hi.next_up(),
            4e9,
            hi.next_down(),
            f64::MIN_POSITIVE,
        ];
        for (i, &x) in specials.iter().enumerate() {
            // One special value every few hundred, and a run of them across a block's end.
            values.insert(37 + 301 * i, x);
        }
        values.splice(250..250, specials.iter().copied());
        let (key_lo, key_hi) = (order_key(lo), order_key(hi));
        let span = key_hi - key_lo;
        let shift = (64 - span.leading_zeros()).saturating_sub(16);
        let grids = [
            Grid::Key { shift },
            Grid::Linear {
                lo,
                scale: HISTOGRAM_BUCKETS as f64 / (hi - lo),
            },
            // Half the buckets over the range: the clamp never bites.
            Grid::Linear {
                lo,
                scale: HISTOGRAM_BUCKETS as f64 / 2.0 / (hi - lo),
            },
        ];
        for grid in grids {
            for (from, to) in [
                (0, values.len()),
                (0, 128),
                (5, 133),
                (200, 3_001),
                (250, 261),
            ] {
                let part = &values[from..to];
                let mut blocks = Histogram::empty(grid, key_lo, key_hi, None);
                blocks.count(part);
                let mut want = vec![0u32; HISTOGRAM_BUCKETS];
                let (mut below, mut above) = (Vec::new(), Vec::new());
                for &x in part {
                    let key = order_key(x);
                    if (key_lo..=key_hi).contains(&key) {
                        // In the range, the grid's bucket is the plain formula: the shifted
                        // key, or the saturating conversion clamped to the last bucket.
                        let plain = match grid {
                            Grid::Key { shift } => ((key - key_lo) >> shift) as usize,
                            Grid::Linear { lo, scale } => (((x - lo) * scale) as i64)
                                .min(HISTOGRAM_BUCKETS as i64 - 1)
                                as usize,
                        };
                        assert_eq!(grid.bucket(key_lo, x, key), plain, "{grid:?}: {x}");
                        want[plain] += 1;
                    } else if x.is_nan() {
                    } else if key < key_lo {
                        below.push(x);
                    } else {
                        above.push(x);
                    }
                }
                let what = format!("{grid:?}, values {from}..{to}");
                assert!(blocks.counts[..] == want[..], "counts, {what}");
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&blocks.below), bits(&below), "below, {what}");
                assert_eq!(bits(&blocks.above), bits(&above), "above, {what}");
                assert!(want.iter().sum::<u32>() > 0, "{what} counts something");
            }
        }
        // With a limit, whether a bucket came to hold more than it: as the value-by-value count
        // says, part after part into the same histogram (a bucket over the limit in an earlier
        // part does not count again).
        let mut outcomes = [false; 2];
        for grid in grids {
            for limit in [0, 1, 2, 3, 5, 1_000] {
                let mut blocks = Histogram::empty(grid, key_lo, key_hi, None);
                let mut single = Histogram::empty(grid, key_lo, key_hi, None);
                for part in values.chunks(700) {
                    // Value by value: counted in the range, each count checked as it grows.
                    let mut want = false;
                    for &x in part {
                        let key = order_key(x);
                        if (key_lo..=key_hi).contains(&key) {
                            let b = grid.bucket(key_lo, x, key);
                            single.counts[b] += 1;
                            want |= single.counts[b] > limit;
                        }
                    }
                    let got = blocks.count_plain::<true>(part, limit);
                    assert_eq!(got, want, "{grid:?}, limit {limit}");
                    outcomes[usize::from(got)] = true;
                }
                assert!(blocks.counts == single.counts, "{grid:?}, limit {limit}");
            }
        }
        assert_eq!(outcomes, [true, true], "parts within and over the limit");
        // The last bucket holds the range's top on the full-width linear grid.
        let mut h = Histogram::empty(grids[1], key_lo, key_hi, None);
        h.count(&[hi]);
        assert_eq!(h.counts[HISTOGRAM_BUCKETS - 1], 1);
    }

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
