//! Choosing the histogram's grid from the pilot: the key and the linear grid, over the pilot's
//! whole range or without its extreme values, ranked on a sample of the pilot and tested on
//! all of it (see the sketch's documentation).

use super::histogram::Histogram;
use super::{GRID_SAMPLE_EVERY, HISTOGRAM_BUCKETS};
use crate::stats::{from_order_key, order_key, sort_f64};

/// The histogram is kept only if no bucket holds more than `pilot >> FALLBACK_SHARE_LOG2`
/// pilot values (2^-11 ≈ 0.049% of the pilot), unless its buckets are exact values.
const FALLBACK_SHARE_LOG2: u32 = 11;
/// When no grid over the pilot's whole range will do, the grids are tried without about `2^-t`
/// of the pilot's smallest and largest values (read off a sorted sample), for each `t` in turn.
const TRIMS_LOG2: [u32; 2] = [10, 7];

/// The histogram's grid over the pilot's range.
#[derive(Debug, Clone, Copy)]
pub(super) enum Grid {
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
    pub(super) fn bucket(self, key_lo: u64, x: f64, key: u64) -> usize {
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
    pub(super) fn from_pilot(
        pilot: &[f64],
        sample: &[f64],
        key_lo: u64,
        key_hi: u64,
    ) -> Option<Histogram> {
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
                sort_f64(&mut v);
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
}
