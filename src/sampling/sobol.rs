//! Sobol' sequences in base 2 with Joe–Kuo direction numbers (`new-joe-kuo-6.21201`, see
//! `joe_kuo`), 32-bit, in Gray-code order (as Joe and Kuo's `sobol.cc` and
//! SciPy), and their randomisation by a random linear matrix scramble plus a digital shift
//! (Matoušek 1998; Owen 2003).
//!
//! Limits:
//! - at most [`MAX_DIM`] dimensions (the embedded table); more is refused by [`Design::new`];
//! - point indices are taken modulo 2^32 (the direction numbers have 32 bits; a run has at most
//!   1e9 samples, below 2^32);
//! - points are dyadic: unscrambled coordinate `x / 2^32` is reported as `(x + 0.5) / 2^32`, the
//!   centre of its cell, so that it lies in the open interval (0, 1);
//! - balance properties hold for sample counts that are powers of two: any prefix of `2^m`
//!   points puts exactly one point in each of the `2^m` equal intervals of every dimension.
//!
//! [`Design::new`]: super::Design::new

use super::joe_kuo::ROWS;

/// Number of dimensions the embedded table supports (dimension 1 plus one per table row).
pub const MAX_DIM: usize = ROWS.len() + 1;

/// Bits of the direction numbers (and of each coordinate before the half-cell offset).
pub const BITS: usize = 32;

/// The 32 direction numbers `v_1 … v_32` of dimension `dim` (0-based: 0 is van der Corput),
/// scaled by 2^32, by the Bratley–Fox recurrence as Joe and Kuo state it. `None` beyond
/// [`MAX_DIM`].
pub fn direction_numbers(dim: usize) -> Option<[u32; BITS]> {
    let mut v = [0u32; BITS];
    if dim == 0 {
        for (j, vj) in v.iter_mut().enumerate() {
            *vj = 1u32 << (31 - j);
        }
        return Some(v);
    }
    let row = ROWS.get(dim - 1)?;
    let s = row.s as usize;
    for (j, (vj, &m)) in v.iter_mut().zip(row.m.iter()).take(s).enumerate() {
        *vj = m << (31 - j);
    }
    for j in s..BITS {
        let mut x = v[j - s] ^ (v[j - s] >> s);
        for k in 1..s {
            if (row.a >> (s - 1 - k)) & 1 == 1 {
                x ^= v[j - k];
            }
        }
        v[j] = x;
    }
    Some(v)
}

/// The unscrambled integer coordinate (scaled by 2^32) of point `index` (Gray-code order; point
/// 0 is the origin) in dimension `dim`, or `None` beyond [`MAX_DIM`].
pub fn point_u32(index: u32, dim: usize) -> Option<u32> {
    let v = direction_numbers(dim)?;
    Some(xor_at(&v, index))
}

/// XOR of the direction numbers selected by the bits of the Gray code of `index`.
#[inline]
fn xor_at(v: &[u32; BITS], index: u32) -> u32 {
    let mut g = index ^ (index >> 1);
    let mut x = 0u32;
    while g != 0 {
        let j = g.trailing_zeros() as usize;
        x ^= v[j];
        g &= g - 1;
    }
    x
}

/// 2^-32.
const INV_2_32: f64 = 1.0 / 4_294_967_296.0;

/// One dimension of a (possibly scrambled) Sobol' sequence: the direction numbers already
/// multiplied by the scramble matrix, and the digital shift.
#[derive(Debug, Clone)]
pub struct SobolDim {
    v: [u32; BITS],
    shift: u32,
}

impl SobolDim {
    /// Dimension `dim`, unscrambled. `None` beyond [`MAX_DIM`].
    pub fn plain(dim: usize) -> Option<Self> {
        Some(SobolDim {
            v: direction_numbers(dim)?,
            shift: 0,
        })
    }

    /// Dimension `dim` scrambled with random bits drawn from `next`: a random lower-triangular
    /// binary matrix `M` with unit diagonal (digit `k` of the result depends on digits `1..=k` of
    /// the input, most significant first) applied to every direction number, then a random
    /// digital shift XORed into every point. The map is a bijection of the 2^32 cells, so every
    /// net property of the unscrambled points is kept and each point is uniform on (0, 1).
    pub(crate) fn scrambled(dim: usize, mut next: impl FnMut() -> u64) -> Option<Self> {
        let v = direction_numbers(dim)?;
        // Row k (k = 0 is the most significant digit, bit 31) of M: its own bit plus random
        // bits at the more significant positions.
        let mut rows = [0u32; BITS];
        for (k, row) in rows.iter_mut().enumerate() {
            let own = 1u32 << (31 - k);
            let above = !(u32::MAX >> k); // the k most significant bits; 0 for k = 0
            *row = own | ((next() >> 32) as u32 & above);
        }
        let mut scrambled = [0u32; BITS];
        for (sv, &vj) in scrambled.iter_mut().zip(v.iter()) {
            let mut y = 0u32;
            for (k, &row) in rows.iter().enumerate() {
                let bit = (row & vj).count_ones() & 1;
                y |= bit << (31 - k);
            }
            *sv = y;
        }
        let shift = (next() >> 32) as u32;
        Some(SobolDim {
            v: scrambled,
            shift,
        })
    }

    /// Fill `out` with the points `start, start + 1, …` (indices modulo 2^32) as uniforms in
    /// (0, 1): one XOR per point after the first.
    pub fn fill(&self, start: u64, out: &mut [f64]) {
        let mut index = start as u32; // modulo 2^32, documented
        let mut x = xor_at(&self.v, index);
        for slot in out.iter_mut() {
            *slot = (f64::from(x ^ self.shift) + 0.5) * INV_2_32;
            index = index.wrapping_add(1);
            // Gray code of `index` differs from the previous one in bit ctz(index).
            let j = index.trailing_zeros() as usize;
            if j < BITS {
                x ^= self.v[j];
            } else {
                x = 0; // wrapped to index 0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Is x^s + c_1 x^(s−1) + … + c_{s−1} x + 1 (c from `a`) primitive over GF(2)?
    fn primitive(s: u32, a: u32) -> bool {
        if s == 1 {
            return true; // x + 1, the only degree-1 choice Joe and Kuo use
        }
        let poly: u64 = (1 << s) | (u64::from(a) << 1) | 1;
        let mulmod = |mut u: u64, mut v: u64| {
            let mut r = 0u64;
            while v != 0 {
                if v & 1 == 1 {
                    r ^= u;
                }
                v >>= 1;
                u <<= 1;
                if (u >> s) & 1 == 1 {
                    u ^= poly;
                }
            }
            r
        };
        let powmod = |mut e: u64| {
            let (mut r, mut b) = (1u64, 2u64);
            while e != 0 {
                if e & 1 == 1 {
                    r = mulmod(r, b);
                }
                b = mulmod(b, b);
                e >>= 1;
            }
            r
        };
        let order = (1u64 << s) - 1;
        if powmod(order) != 1 {
            return false;
        }
        let mut n = order;
        let mut d = 2;
        let mut factors = vec![];
        while d * d <= n {
            if n.is_multiple_of(d) {
                factors.push(d);
                while n.is_multiple_of(d) {
                    n /= d;
                }
            }
            d += 1;
        }
        if n > 1 {
            factors.push(n);
        }
        factors.iter().all(|&q| powmod(order / q) != 1)
    }

    #[test]
    fn table_rows_are_well_formed() {
        let mut last = (0u32, 0u32);
        for (i, row) in ROWS.iter().enumerate() {
            assert!(primitive(row.s, row.a), "row d = {} not primitive", i + 2);
            for (j, &m) in row.m.iter().enumerate() {
                if j < row.s as usize {
                    assert!(
                        m % 2 == 1 && m < (1 << (j + 1)),
                        "d = {}, m_{}",
                        i + 2,
                        j + 1
                    );
                } else {
                    assert_eq!(m, 0);
                }
            }
            assert!((row.s, row.a) > last, "rows out of order at d = {}", i + 2);
            last = (row.s, row.a);
        }
        const { assert!(MAX_DIM >= 64) };
    }

    #[test]
    fn first_points_match_scipy_unscrambled() {
        // scipy.stats.qmc.Sobol(d=3, scramble=False).random(8)
        let expected = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25],
            [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125],
            [0.625, 0.125, 0.875],
            [0.125, 0.625, 0.375],
        ];
        for (i, row) in expected.iter().enumerate() {
            for (d, &x) in row.iter().enumerate() {
                let got = f64::from(point_u32(i as u32, d).unwrap_or(u32::MAX)) * INV_2_32;
                assert_eq!(got, x, "point {i}, dim {d}");
            }
        }
    }

    #[test]
    fn every_dimension_is_stratified_on_powers_of_two() {
        for d in 0..MAX_DIM {
            let dim = SobolDim::plain(d).expect("dim");
            for m in [4u32, 10] {
                let n = 1usize << m;
                let mut out = vec![0.0; n];
                dim.fill(0, &mut out);
                let mut hit = vec![false; n];
                for &u in &out {
                    let cell = (u * n as f64) as usize;
                    assert!(!hit[cell], "dim {d}, 2^{m}: cell {cell} twice");
                    hit[cell] = true;
                }
            }
        }
    }

    #[test]
    fn fill_from_offset_continues_the_sequence() {
        let dim = SobolDim::plain(5).expect("dim");
        let mut all = vec![0.0; 100];
        dim.fill(0, &mut all);
        let mut tail = vec![0.0; 63];
        dim.fill(37, &mut tail);
        assert_eq!(&all[37..], &tail[..]);
    }
}
