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

mod compact;
mod grid;
mod histogram;
mod pilot;
mod query;

use compact::Compactor;
use histogram::Histogram;

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
}
