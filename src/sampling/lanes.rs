//! Eight Latin-hypercube columns at once, each with exactly the draws of its own stream.
//!
//! A column's LHS draws are one long dependency chain through its generator's state, and the
//! Fisher–Yates shuffle waits on it. Eight columns' generators (Xoshiro256++, the generator of
//! [`crate::random::stream`]) are independent, so here they are stepped side by side, one lane each, in
//! plain array arithmetic that the compiler turns into vector instructions where the processor
//! has them. Lane `l` draws exactly what `stream(seed, path_l, batch)` draws, in the same
//! order: the same bits as [`super::fill_lhs`] column by column (tests compare both).

use super::{Stratum, in_stratum_of};
use crate::random::{SplitMix64, open_uniform, splitmix64_mix};

/// Generators stepped together.
pub(super) const LANES: usize = 8;

/// Eight Xoshiro256++ generators: word `w` of lane `l`'s state is `s[w][l]`.
#[derive(Debug, Clone)]
pub(super) struct Lanes {
    s: [[u64; LANES]; 4],
}

impl Lanes {
    /// Lane `l` is the generator of batch `batch` of the stream with key `keys[l]`: the four
    /// words of its state are the first four SplitMix64 outputs from `mix(key ⊕ mix(batch))`,
    /// as [`crate::random::stream_from_key`] seeds Xoshiro256++ (four outputs of a bijection are never
    /// all zero, so the generator's zero-seed fallback never applies).
    pub fn new(keys: [u64; LANES], batch: u64) -> Lanes {
        let mut s = [[0; LANES]; 4];
        for (l, &key) in keys.iter().enumerate() {
            let mut sm = SplitMix64::new(splitmix64_mix(key ^ splitmix64_mix(batch)));
            for word in &mut s {
                word[l] = sm.next_u64();
            }
        }
        Lanes { s }
    }

    /// The next output of every lane.
    #[inline(always)]
    pub fn next(&mut self) -> [u64; LANES] {
        let [s0, s1, s2, s3] = &mut self.s;
        let mut out = [0; LANES];
        for l in 0..LANES {
            out[l] = step(&mut s0[l], &mut s1[l], &mut s2[l], &mut s3[l]);
        }
        out
    }

    /// The next output of lane `l` alone.
    fn next_lane(&mut self, l: usize) -> u64 {
        let [s0, s1, s2, s3] = &mut self.s;
        step(&mut s0[l], &mut s1[l], &mut s2[l], &mut s3[l])
    }

    /// An unbiased integer in `0..range` (`range ≥ 1`) for every lane, each by Lemire's
    /// multiply-and-reject method exactly as [`crate::random::bounded_u64`] draws it: a lane whose
    /// first product falls in the rejection zone (probability below `range / 2^64`) draws again
    /// from its own generator alone.
    #[inline(always)]
    pub fn bounded(&mut self, range: u64) -> [u64; LANES] {
        let x = self.next();
        let mut high = [0; LANES];
        let mut low = [0; LANES];
        if range <= u64::from(u32::MAX) {
            // The 128-bit product from 32-bit halves (vector multiplies): x · r = b · 2^32 + a
            // with a = x_lo · r and b = x_hi · r, each below 2^64, and b + ⌊a / 2^32⌋ too.
            for l in 0..LANES {
                let a = (x[l] & 0xffff_ffff) * range;
                let mid = (x[l] >> 32) * range + (a >> 32);
                high[l] = mid >> 32;
                low[l] = (mid << 32) | (a & 0xffff_ffff);
            }
        } else {
            for l in 0..LANES {
                let m = u128::from(x[l]) * u128::from(range);
                high[l] = (m >> 64) as u64;
                low[l] = m as u64;
            }
        }
        if low.iter().fold(false, |any, &lo| any | (lo < range)) {
            // Out of line, and on a copy: the generators stay in registers in the common case.
            (*self, high) = self.clone().redraw(range, high, low);
        }
        high
    }

    /// The lanes whose first product `low` fell below `threshold` draw again, each from its own
    /// generator, until one does not.
    #[cold]
    #[inline(never)]
    fn redraw(
        mut self,
        range: u64,
        mut high: [u64; LANES],
        mut low: [u64; LANES],
    ) -> (Lanes, [u64; LANES]) {
        let threshold = range.wrapping_neg() % range;
        for l in 0..LANES {
            while low[l] < threshold {
                let m = u128::from(self.next_lane(l)) * u128::from(range);
                high[l] = (m >> 64) as u64;
                low[l] = m as u64;
            }
        }
        (self, high)
    }
}

/// One step of a Xoshiro256++ generator (Blackman and Vigna 2019) whose state is the four words:
/// its output, and the state advanced.
#[inline(always)]
fn step(s0: &mut u64, s1: &mut u64, s2: &mut u64, s3: &mut u64) -> u64 {
    let out = s0.wrapping_add(*s3).rotate_left(23).wrapping_add(*s0);
    let t = *s1 << 17;
    *s2 ^= *s0;
    *s3 ^= *s1;
    *s1 ^= *s2;
    *s0 ^= *s3;
    *s2 ^= t;
    *s3 = s3.rotate_left(45);
    out
}

/// Eight LHS columns of `n` samples (`cols[l]` is lane `l`'s, `keys[l]` its stream key): per
/// lane, a Fisher–Yates permutation of the strata drawn from the top down, then one jitter per
/// sample in sample order, as [`super::fill_lhs`]. `strata` is a reused buffer (the eight
/// lanes' stratum numbers side by side: one swap touches one lane's, and the jitter reads all
/// eight at once).
pub(super) fn fill_lhs_lanes<T: Stratum>(
    cols: &mut [&mut [f64]; LANES],
    keys: [u64; LANES],
    batch: u64,
    n: usize,
    strata: &mut Vec<[T; LANES]>,
) {
    assert!(cols.iter().all(|c| c.len() == n), "eight columns of {n}");
    if n == 0 {
        return;
    }
    let mut rng = Lanes::new(keys, batch);
    strata.clear();
    T::identity_lanes(n, strata);
    for i in (1..n).rev() {
        let j = rng.bounded(i as u64 + 1);
        for (l, &j) in j.iter().enumerate() {
            // j ≤ i < n.
            let j = j as usize;
            let a = strata[i][l];
            strata[i][l] = strata[j][l];
            strata[j][l] = a;
        }
    }
    let nf = n as f64;
    if n.is_power_of_two() {
        // Dividing by a power of two only shifts the exponent: the exact reciprocal gives the
        // same bits without a division per draw.
        jitter_lanes(&mut rng, strata, cols, |x| x * (1.0 / nf));
    } else {
        jitter_lanes(&mut rng, strata, cols, |x| x / nf);
    }
}

/// `u = (π_i + v_i) / n` in every lane, with `per_n` the division by `n`: the same arithmetic
/// as [`in_stratum_of`], with its rare clamp (`k + v` rounded up to `k + 1`) taken apart so
/// that the common case has no branch per lane.
#[inline(always)]
fn jitter_lanes<T: Stratum>(
    rng: &mut Lanes,
    strata: &[[T; LANES]],
    cols: &mut [&mut [f64]; LANES],
    per_n: impl Fn(f64) -> f64,
) {
    for (i, k) in strata.iter().enumerate() {
        let x = rng.next();
        let mut u = [0.0; LANES];
        let mut top = [0.0; LANES];
        for l in 0..LANES {
            let k: f64 = k[l].into();
            u[l] = per_n(k + open_uniform(x[l]));
            top[l] = per_n(k + 1.0);
        }
        if u.iter()
            .zip(&top)
            .fold(false, |any, (u, top)| any | (u >= top))
        {
            for l in 0..LANES {
                u[l] = in_stratum_of(k[l].into(), open_uniform(x[l]), &per_n);
            }
        }
        for (col, &u) in cols.iter_mut().zip(&u) {
            col[i] = u;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{bounded_u64, stream_from_key};
    use rand::Rng;

    fn keys() -> [u64; LANES] {
        std::array::from_fn(|l| splitmix64_mix(1000 + l as u64))
    }

    #[test]
    fn each_lane_draws_its_stream() {
        let mut lanes = Lanes::new(keys(), 77);
        let mut alone: Vec<_> = keys().iter().map(|&k| stream_from_key(k, 77)).collect();
        for step in 0..1000 {
            if step % 7 == 3 {
                // One lane on its own now and then: the others wait.
                let l = step % LANES;
                assert_eq!(lanes.next_lane(l), alone[l].next_u64());
                continue;
            }
            let x = lanes.next();
            for l in 0..LANES {
                assert_eq!(x[l], alone[l].next_u64(), "lane {l}, step {step}");
            }
        }
    }

    #[test]
    fn bounded_draws_are_the_scalar_ones_rejections_included() {
        // Ranges just above 2^63 reject nearly half the first products: every lane's redraws
        // must be its own generator's, as the scalar method makes them.
        for range in [1, 2, 7, 32_768, (1 << 63) + 12_345, u64::MAX] {
            let mut lanes = Lanes::new(keys(), 5);
            let mut alone: Vec<_> = keys().iter().map(|&k| stream_from_key(k, 5)).collect();
            for step in 0..500 {
                let got = lanes.bounded(range);
                for l in 0..LANES {
                    let want = bounded_u64(&mut alone[l], range);
                    assert_eq!(got[l], want, "range {range}, lane {l}, step {step}");
                    assert!(got[l] < range);
                }
            }
            // Still in step afterwards.
            let x = lanes.next();
            for l in 0..LANES {
                assert_eq!(x[l], alone[l].next_u64(), "range {range}, lane {l}");
            }
        }
    }
}
