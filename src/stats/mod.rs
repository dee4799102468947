//! Summaries of sampled metrics: mean, sd (n − 1), standard error, min, p5, p25, p50, p75, p95,
//! max, with quantiles by linear interpolation between order statistics (NumPy's default).
//! Accumulation is batch by batch, in batch order, so results do not depend on thread count.
//! Memory stays bounded through a quantile sketch (see [`QuantileSketch`]).
//!
//! What this module owns, and its limits:
//! - [`quantile_sorted`]: NumPy's `linear` method, including its two-sided interpolation
//!   formula, so results match `numpy.quantile` to the last bit on the same data.
//! - [`spearman`]: Pearson correlation of average ranks; NaN for fewer than two points, unequal
//!   lengths, a constant side, or any NaN in the data.
//! - [`Accumulator`]: per batch a two-pass [`BatchMoments`] (sum, then squared deviations from
//!   the batch mean; the first pass is made block by block with the sketch's own reading of the
//!   values, stored in its pilot or counted in its histogram, with the same bits), then Chan's
//!   pairwise update into the running moments, in push order (deterministic for a fixed batch
//!   order); exact min and max; a
//!   [`QuantileSketch`] for quantiles (exact up to 2^18 values; beyond, a histogram built from
//!   those values whose reported rank-error bound stays below 0.1%, or a compacting sketch with
//!   rank error ≤ 16/65,536 ≈ 0.024%).
//! - **NaN policy**: metrics should never be NaN, so a NaN is treated as a bug upstream: it is
//!   skipped (it enters neither the moments nor the quantiles) and counted in
//!   [`Accumulator::nan_count`], which the engine should report. Infinities are ordinary values.
//! - [`Proportion`] for probabilities (fraction of `true`) and [`SeriesAccumulator`] for yearly
//!   series (one [`Accumulator`] per year).

pub mod paired;
pub mod sensitivity;
mod sketch;
pub mod sobol;

pub use paired::{Band, Paired, paired};
pub use sketch::{
    DEFAULT_BLOCK, DEFAULT_EXACT_THRESHOLD, DEFAULT_KEEP_EVERY, HISTOGRAM_BUCKETS, PILOT, Phase,
    QuantileSketch,
};

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

/// Sort `f64` values ascending in [`f64::total_cmp`] order (the order of
/// `sort_unstable_by(f64::total_cmp)`, bit for bit). Large slices use an LSD radix sort on the
/// order-preserving integer image of each value (8 passes of 8 bits, a pass skipped when every
/// value shares its byte), several times faster than a comparison sort on the millions of values
/// a run keeps; short slices use the comparison sort.
pub fn sort_f64(v: &mut [f64]) {
    const RADIX_MIN: usize = 1 << 12;
    if v.len() < RADIX_MIN {
        v.sort_unstable_by(f64::total_cmp);
        return;
    }
    let key = order_key;
    let unkey = from_order_key;
    let mut a: Vec<u64> = v.iter().map(|&x| key(x)).collect();
    let mut b = vec![0u64; a.len()];
    let mut counts = [[0usize; 256]; 8];
    for &k in &a {
        for (d, c) in counts.iter_mut().enumerate() {
            c[((k >> (8 * d)) & 0xff) as usize] += 1;
        }
    }
    let n = a.len();
    for (d, c) in counts.iter().enumerate() {
        if c.contains(&n) {
            continue; // every value has the same byte here
        }
        let mut offsets = [0usize; 256];
        let mut total = 0;
        for (o, &cnt) in offsets.iter_mut().zip(c) {
            *o = total;
            total += cnt;
        }
        for &k in &a {
            let digit = ((k >> (8 * d)) & 0xff) as usize;
            b[offsets[digit]] = k;
            offsets[digit] += 1;
        }
        std::mem::swap(&mut a, &mut b);
    }
    for (x, &k) in v.iter_mut().zip(&a) {
        *x = unkey(k);
    }
}

/// The order-preserving integer image of an `f64` under [`f64::total_cmp`].
#[inline]
fn order_key(x: f64) -> u64 {
    let b = x.to_bits();
    b ^ ((((b as i64) >> 63) as u64) | (1 << 63))
}

/// The `f64` whose [`order_key`] is `k`.
#[inline]
fn from_order_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k ^ (1 << 63) } else { !k })
}

/// Quantiles of unsorted data, bit for bit equal to [`quantile_sorted`] on the sorted data, but
/// without sorting it: one pass counts the values into 65,536 buckets of their order-preserving
/// integer image (spanning the data's own range), a second pass gathers only the buckets that
/// hold the order statistics the quantiles need, and those few values are sorted. About two
/// linear passes instead of an `n log n` sort. NaN values must have been removed by the caller
/// (they would be ordered, not skipped).
pub fn quantiles_unsorted(values: &[f64], qs: &[f64]) -> Vec<f64> {
    quantiles_unsorted_within(values, None, qs)
}

/// [`quantiles_unsorted`] when the smallest and largest values are already known (saves a pass).
/// `range` must be the exact minimum and maximum of `values` in [`f64::total_cmp`] order.
pub fn quantiles_unsorted_within(
    values: &[f64],
    range: Option<(f64, f64)>,
    qs: &[f64],
) -> Vec<f64> {
    const SMALL: usize = 1 << 12;
    const BUCKETS: usize = 1 << 16;
    let n = values.len();
    if n == 0 {
        return vec![f64::NAN; qs.len()];
    }
    if n <= SMALL {
        let mut sorted = values.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        return qs.iter().map(|&q| quantile_sorted(&sorted, q)).collect();
    }
    // The order statistics needed: (n − 1) q's floor and the one after it.
    let ranks: Vec<Option<(usize, f64)>> = qs
        .iter()
        .map(|&q| {
            if q.is_nan() {
                return None;
            }
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor();
            Some((lo as usize, h - lo))
        })
        .collect();
    let (kmin, kmax) = match range {
        Some((lo, hi)) => (order_key(lo), order_key(hi)),
        None => {
            let (mut kmin, mut kmax) = (u64::MAX, 0u64);
            for &v in values {
                let k = order_key(v);
                kmin = kmin.min(k);
                kmax = kmax.max(k);
            }
            (kmin, kmax)
        }
    };
    let span = kmax - kmin;
    let shift = (64 - span.leading_zeros()).saturating_sub(BUCKETS.trailing_zeros());
    let bucket = |v: f64| ((order_key(v) - kmin) >> shift) as usize;
    let mut counts = vec![0u32; BUCKETS];
    for &v in values {
        counts[bucket(v)] += 1;
    }
    // starts[b]: values in buckets before b.
    let mut starts = vec![0usize; BUCKETS + 1];
    for b in 0..BUCKETS {
        starts[b + 1] = starts[b] + counts[b] as usize;
    }
    let bucket_of_rank = |r: usize| starts.partition_point(|&s| s <= r) - 1;
    const NONE: u32 = u32::MAX;
    let mut slot = vec![NONE; BUCKETS];
    let mut wanted: Vec<usize> = Vec::new();
    for &(i, _) in ranks.iter().flatten() {
        for r in [i, (i + 1).min(n - 1)] {
            let b = bucket_of_rank(r);
            if slot[b] == NONE {
                slot[b] = wanted.len() as u32;
                wanted.push(b);
            }
        }
    }
    let mut gathered: Vec<Vec<f64>> = wanted
        .iter()
        .map(|&b| Vec::with_capacity(counts[b] as usize))
        .collect();
    for &v in values {
        let s = slot[bucket(v)];
        if s != NONE {
            gathered[s as usize].push(v);
        }
    }
    for g in &mut gathered {
        g.sort_unstable_by(f64::total_cmp);
    }
    let order_stat = |r: usize| {
        let b = bucket_of_rank(r);
        gathered[slot[b] as usize][r - starts[b]]
    };
    ranks
        .iter()
        .map(|r| match *r {
            None => f64::NAN,
            Some((i, _)) if i + 1 >= n => order_stat(n - 1),
            Some((i, t)) => lerp(order_stat(i), order_stat(i + 1), t),
        })
        .collect()
}

/// Average ranks (1-based) of `x`, ties sharing the mean of their positions.
///
/// The order comes from sorting `(order key, position)` pairs packed in a `u128` (the key in the
/// high half): plain integers, sorted in place without looking anything up in `x`. Values that
/// compare equal are adjacent in that order (−0 and +0 included), and share one rank, so the
/// ranks do not depend on how ties are ordered.
fn average_ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<u128> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| (u128::from(order_key(v)) << 64) | i as u128)
        .collect();
    order.sort_unstable();
    // The position, in the low half.
    let at = |o: u128| o as u64 as usize;
    let mut ranks = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let first = x[at(order[i])];
        let mut j = i + 1;
        while j < order.len() && x[at(order[j])] == first {
            j += 1;
        }
        // Positions i..j (0-based) share rank mean((i+1)..=j) = (i + 1 + j) / 2.
        let r = (i + 1 + j) as f64 / 2.0;
        for &o in &order[i..j] {
            ranks[at(o)] = r;
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
    // Both sides at once when called on a rayon pool with a thread to spare.
    let (rx, ry) = rayon::join(|| average_ranks(x), || average_ranks(y));
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

/// Moments of one batch: count, mean, sum of squared deviations, min and max, NaN skipped and
/// counted. Two passes (sum, then squared deviations from the batch mean) over four independent
/// lanes, so the work vectorises and has no division per value; the result depends only on the
/// values and their order. A batch without NaN takes the same passes without a select per
/// value (the same bits: [`BatchMoments::of_general`] is the reference). Of values that compare
/// equal (−0 and +0) the minimum and maximum are the one seen first in its lane, lanes folded
/// in order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchMoments {
    pub n: u64,
    pub nan: u64,
    pub mean: f64,
    pub m2: f64,
    pub min: f64,
    pub max: f64,
}

impl BatchMoments {
    pub fn of(values: &[f64]) -> BatchMoments {
        // Most columns hold no NaN: their passes need no per-value select, and vectorise.
        let nan = values.iter().filter(|v| v.is_nan()).count();
        if nan == 0 {
            Self::from_first_pass(values, &FirstPass::without_nan(values))
        } else {
            Self::of_general(values)
        }
    }

    /// Any values, NaN skipped: the reference for the fast passes (the same bits wherever they
    /// apply).
    pub fn of_general(values: &[f64]) -> BatchMoments {
        const L: usize = 4;
        let mut sum = [0.0f64; L];
        let mut cnt = [0u64; L];
        let mut min = [f64::INFINITY; L];
        let mut max = [f64::NEG_INFINITY; L];
        let chunks = values.chunks_exact(L);
        let tail = chunks.remainder();
        for c in chunks {
            for l in 0..L {
                let v = c[l];
                let ok = !v.is_nan();
                sum[l] += if ok { v } else { 0.0 };
                cnt[l] += u64::from(ok);
                // A NaN compares false: skipped.
                min[l] = keep_min(min[l], v);
                max[l] = keep_max(max[l], v);
            }
        }
        for (l, &v) in tail.iter().enumerate() {
            let ok = !v.is_nan();
            sum[l] += if ok { v } else { 0.0 };
            cnt[l] += u64::from(ok);
            min[l] = keep_min(min[l], v);
            max[l] = keep_max(max[l], v);
        }
        let n: u64 = cnt.iter().sum();
        let nan = values.len() as u64 - n;
        if n == 0 {
            return Self::without_values(nan);
        }
        let mean = Self::mean_of(sum, n);
        let sq = Self::squares::<true>(values, mean);
        Self::finish(n, nan, mean, sq, min, max)
    }

    /// The moments from a first pass made elsewhere (the pilot's store or the histogram's count,
    /// which read each value once for both): the second pass as [`BatchMoments::of`] makes it,
    /// the same bits.
    pub(crate) fn from_first_pass(values: &[f64], first: &FirstPass) -> BatchMoments {
        let n = first.count;
        let nan = values.len() as u64 - n;
        if n == 0 {
            return Self::without_values(nan);
        }
        let mean = Self::mean_of(first.sum, n);
        // With no NaN value and a finite mean, no deviation is NaN (only ∞ − ∞ would be).
        let sq = if nan == 0 && mean.is_finite() {
            Self::squares::<false>(values, mean)
        } else {
            Self::squares::<true>(values, mean)
        };
        Self::finish(n, nan, mean, sq, first.min, first.max)
    }

    /// The moments of a batch of `nan` NaN values and nothing else.
    fn without_values(nan: u64) -> BatchMoments {
        BatchMoments {
            n: 0,
            nan,
            mean: 0.0,
            m2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Squared deviations from `mean` over four lanes; with `SKIP_NAN`, NaN deviations add
    /// nothing (without, there must be none: the loop has no select per value).
    fn squares<const SKIP_NAN: bool>(values: &[f64], mean: f64) -> [f64; 4] {
        let mut sq = [0.0f64; 4];
        let square = |v: f64| {
            let d = v - mean;
            if SKIP_NAN && d.is_nan() { 0.0 } else { d * d }
        };
        let chunks = values.chunks_exact(4);
        let tail = chunks.remainder();
        for c in chunks {
            for l in 0..4 {
                sq[l] += square(c[l]);
            }
        }
        for (l, &v) in tail.iter().enumerate() {
            sq[l] += square(v);
        }
        sq
    }

    fn mean_of(sum: [f64; 4], n: u64) -> f64 {
        ((sum[0] + sum[1]) + (sum[2] + sum[3])) / n as f64
    }

    fn finish(
        n: u64,
        nan: u64,
        mean: f64,
        sq: [f64; 4],
        min: [f64; 4],
        max: [f64; 4],
    ) -> BatchMoments {
        BatchMoments {
            n,
            nan,
            mean,
            m2: (sq[0] + sq[1]) + (sq[2] + sq[3]),
            min: fold_min(min),
            max: fold_max(max),
        }
    }
}

/// The first of [`BatchMoments`]' two passes, over four lanes (value `i` in lane `i mod 4`):
/// sums (a NaN adds +0), the count of values that are not NaN, minima and maxima (NaN
/// skipped, ties keep the earlier value).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FirstPass {
    pub sum: [f64; 4],
    pub count: u64,
    pub min: [f64; 4],
    pub max: [f64; 4],
}

impl FirstPass {
    pub(crate) fn new() -> FirstPass {
        FirstPass {
            sum: [0.0; 4],
            count: 0,
            min: [f64::INFINITY; 4],
            max: [f64::NEG_INFINITY; 4],
        }
    }

    /// The first pass over `values`, none of which is NaN: no select per value, so it vectorises.
    pub(crate) fn without_nan(values: &[f64]) -> FirstPass {
        let mut first = FirstPass::new();
        let chunks = values.chunks_exact(4);
        let tail = chunks.remainder();
        for c in chunks {
            for (l, &v) in c.iter().enumerate() {
                first.take(l, v);
            }
        }
        for (l, &v) in tail.iter().enumerate() {
            first.take(l, v);
        }
        first.count = values.len() as u64;
        first
    }

    /// The smallest and largest value, lanes folded in order (±∞ when there is none).
    pub(crate) fn extremes(&self) -> (f64, f64) {
        (fold_min(self.min), fold_max(self.max))
    }

    /// Take `v`, a value that is not NaN, into lane `l`.
    #[inline(always)]
    pub(crate) fn take(&mut self, l: usize, v: f64) {
        self.sum[l] += v;
        self.min[l] = keep_min(self.min[l], v);
        self.max[l] = keep_max(self.max[l], v);
    }

    /// Take `values` (NaN skipped and counted out) into the lanes, value `i` into lane
    /// `i mod 4`; a pass made block by block must give every block but the last a multiple of
    /// four values. The lanes are copied into locals for the block, so that they stay in
    /// registers (and vectorise) instead of going through memory for every value.
    #[inline]
    pub(crate) fn take_block(&mut self, values: &[f64]) {
        let mut lanes = *self;
        let mut count = 0u64;
        let chunks = values.chunks_exact(4);
        let tail = chunks.remainder();
        for c in chunks {
            for (l, &v) in c.iter().enumerate() {
                count += u64::from(lanes.take_any(l, v));
            }
        }
        for (l, &v) in tail.iter().enumerate() {
            count += u64::from(lanes.take_any(l, v));
        }
        lanes.count += count;
        *self = lanes;
    }

    /// Take `v`, which may be NaN, into lane `l`; returns whether it was a value.
    #[inline(always)]
    pub(crate) fn take_any(&mut self, l: usize, v: f64) -> bool {
        let ok = !v.is_nan();
        self.sum[l] += if ok { v } else { 0.0 };
        self.min[l] = keep_min(self.min[l], v);
        self.max[l] = keep_max(self.max[l], v);
        ok
    }
}

/// The smallest of the lanes' minima, folded in order.
fn fold_min(min: [f64; 4]) -> f64 {
    min.into_iter().fold(f64::INFINITY, keep_min)
}

/// The largest of the lanes' maxima, folded in order.
fn fold_max(max: [f64; 4]) -> f64 {
    max.into_iter().fold(f64::NEG_INFINITY, keep_max)
}

/// The smaller of `m` and `v`, `m` when they compare equal (so of −0 and +0 the one seen first)
/// or when `v` is NaN: a compare and a select, which vectorises where `f64::min` does not.
#[inline(always)]
fn keep_min(m: f64, v: f64) -> f64 {
    if v < m { v } else { m }
}

/// The larger of `m` and `v`, `m` when they compare equal or when `v` is NaN.
#[inline(always)]
fn keep_max(m: f64, v: f64) -> f64 {
    if v > m { v } else { m }
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
        // One pass stores the values in the pilot (while they fit) or counts them in the
        // histogram, and makes the moments' first pass in the same reading.
        self.sketch.leave_full_pilot(values);
        let first = match self.sketch.store_with_first_pass(values) {
            Some(first) => Some(first),
            None => self.sketch.count_with_first_pass(values),
        };
        if let Some(first) = first {
            let b = BatchMoments::from_first_pass(values, &first);
            self.merge_moments(&b);
            return;
        }
        let b = BatchMoments::of(values);
        self.merge_moments(&b);
        self.sketch.push_counted(values, b.nan as usize);
    }

    /// Fold in the moments of one batch (Chan, Golub and LeVeque's pairwise update).
    fn merge_moments(&mut self, b: &BatchMoments) {
        self.nan += b.nan;
        if b.n == 0 {
            return;
        }
        self.min = self.min.min(b.min);
        self.max = self.max.max(b.max);
        if self.n == 0 {
            self.mean = b.mean;
            self.m2 = b.m2;
        } else {
            let na = self.n as f64;
            let nb = b.n as f64;
            let n = na + nb;
            let delta = b.mean - self.mean;
            self.mean += delta * (nb / n);
            self.m2 += b.m2 + delta * delta * (na * nb / n);
        }
        self.n += b.n;
    }

    /// Make room for `additional` more values (see [`QuantileSketch::reserve`]).
    pub fn reserve(&mut self, additional: usize) {
        self.sketch.reserve(additional);
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
        self.summary_with(&[]).0
    }

    /// The summary and the quantiles `extra`, from one pass over the kept values.
    pub fn summary_with(&self, extra: &[f64]) -> (Summary, Vec<f64>) {
        let mut qs = vec![0.05, 0.25, 0.5, 0.75, 0.95];
        qs.extend_from_slice(extra);
        let mut q = self.quantiles(&qs);
        let rest = q.split_off(5);
        let summary = Summary {
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
        };
        (summary, rest)
    }

    /// Quantile from the sketch.
    pub fn quantile(&self, q: f64) -> f64 {
        self.quantiles(&[q])[0]
    }

    /// Several quantiles with one sort; `q ≤ 0` and `q ≥ 1` give the exact min and max.
    pub fn quantiles(&self, qs: &[f64]) -> Vec<f64> {
        // min and max are exact, and ±0 compare equal to f64::min/max but not to total_cmp:
        // the known range is only handed over when it cannot mislead the bucketing.
        let range =
            (self.n > 0 && self.min != 0.0 && self.max != 0.0).then_some((self.min, self.max));
        let mut out = self.sketch.quantiles_within(range, qs);
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
