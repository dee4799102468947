//! The histogram phase: values counted into the grid's buckets, with per-bucket atoms where
//! point masses need them, and kept exactly beyond the grid's range.

use super::grid::Grid;
use super::{FIRST_PASS_BLOCK, HISTOGRAM_BUCKETS};
use crate::stats::{FirstPass, order_key};

/// Atom of a bucket that held no value of the data the atoms were chosen on (a NaN key: never
/// a value's, and above every value's key).
const NO_VALUE: u64 = u64::MAX;

/// Per bucket, its *atom* (the value it held most often in the data it was chosen on, the
/// pilot or the grid sample) and, of the values counted since, how many were the atom and how
/// many lay below it. The atoms are fixed once chosen, so the counts do not depend on the order
/// values arrive in. A bucket's values then sit as `below` values under the atom, `same` copies
/// of it, and the rest above it: only the values other than the atom are inexact.
#[derive(Debug, Clone)]
pub(super) struct Atoms {
    pub(super) key: Vec<u64>,
    pub(super) same: Vec<u64>,
    pub(super) below: Vec<u64>,
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
pub(super) struct Histogram {
    pub(super) grid: Grid,
    /// Keys of the pilot's smallest and largest values.
    pub(super) key_lo: u64,
    pub(super) key_hi: u64,
    /// Counts since the last spill (`u32`: half the memory and cache traffic of `u64`).
    counts: Vec<u32>,
    /// Counts spilled from `counts` before they could overflow (after 2^32 − 1 values).
    spilled: Option<Vec<u64>>,
    /// Values counted into `counts` since the last spill.
    pub(super) since_spill: u64,
    /// Per-bucket atoms, kept only when the grid relies on them (point masses: a value held
    /// many times is exact, whatever its count).
    pub(super) atoms: Option<Box<Atoms>>,
    /// Values below / above the pilot's range, exact (unsorted).
    pub(super) below: Vec<f64>,
    pub(super) above: Vec<f64>,
}

impl Histogram {
    /// A histogram on `grid` over `[key_lo, key_hi]` with nothing counted; with atoms chosen on
    /// `atoms_of` when given.
    pub(super) fn empty(
        grid: Grid,
        key_lo: u64,
        key_hi: u64,
        atoms_of: Option<&[f64]>,
    ) -> Histogram {
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
    pub(super) fn count_plain<const CHECK: bool>(&mut self, values: &[f64], limit: u32) -> bool {
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
    pub(super) fn count_on<const CHECK: bool>(&mut self, values: &[f64], limit: u32) -> bool {
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
    pub(super) fn push(&mut self, values: &[f64]) {
        self.make_room(values.len());
        self.count(values);
    }

    /// [`Histogram::push`], making the first pass of the values' moments as they are read.
    pub(super) fn push_with_first_pass(&mut self, values: &[f64]) -> FirstPass {
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
    pub(super) fn bucket_count(&self, b: usize) -> u64 {
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
    pub(super) fn largest_inexact_bucket(&self) -> u64 {
        match (&self.atoms, self.grid) {
            (_, Grid::Key { shift: 0 }) => 0,
            (None, _) => self.largest_bucket(),
            (Some(atoms), _) => (0..HISTOGRAM_BUCKETS)
                .map(|b| self.bucket_count(b) - atoms.same[b])
                .max()
                .unwrap_or(0),
        }
    }

    pub(super) fn memory_bytes(&self) -> usize {
        4 * self.counts.capacity()
            + 8 * (self.spilled.as_ref().map_or(0, Vec::capacity)
                + self.atoms.as_ref().map_or(0, |a| {
                    a.key.capacity() + a.same.capacity() + a.below.capacity()
                })
                + self.below.capacity()
                + self.above.capacity())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::sketch::{Phase, QuantileSketch, State};

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
}
