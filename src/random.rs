//! Seeded random streams, shared by the sampling designs and the statistics' bootstrap.
//!
//! A stream is made from `(seed, path, batch)`: `key = mix(mix(seed) ⊕ FNV-1a(path))`
//! ([`stream_key`]), and the generator of batch `b` ([`stream`]) is Xoshiro256++ seeded with four
//! SplitMix64 outputs started at `mix(key ⊕ mix(b))`. The same inputs give the same draws on any
//! machine, thread count or release, and a path's draws do not depend on any other path.
//!
//! The hashes and the uniform conversion behind every stream: FNV-1a 64 of a path's bytes,
//! SplitMix64 (Steele, Lea and Flood 2014; the constants of Vigna's reference `splitmix64.c`) to
//! mix and expand keys, and the map from 64 random bits to a uniform in the open interval (0, 1).
//!
//! Written here, not borrowed from `std` (`DefaultHasher` may change between releases) nor from
//! `rand` (whose helper generators are not promised to be stable), so that published numbers
//! reproduce on any machine and toolchain.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// FNV-1a, 64-bit (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The SplitMix64 output function (a bijection of `u64`): the finaliser applied to the state
/// after each increment.
#[inline]
pub fn splitmix64_mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// SplitMix64, the generator: the state advances by the golden-ratio increment and each output is
/// [`splitmix64_mix`] of the new state. Used only to expand keys into generator seeds.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

    pub fn new(state: u64) -> Self {
        SplitMix64 { state }
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(Self::GOLDEN_GAMMA);
        splitmix64_mix(self.state)
    }
}

/// 2^-52.
const INV_2_52: f64 = 1.0 / 4_503_599_627_370_496.0;

/// A uniform in the open interval (0, 1) from 64 random bits: the top 52 bits `k` give
/// `(k + 0.5) · 2^-52`, the midpoints of a grid of 2^52 cells, so neither 0 nor 1 can occur
/// (the extremes are `2^-53` and `1 − 2^-53`, both exact).
///
/// Not 53 bits: `(2^53 − 1) + 0.5` is not representable and rounds to 2^53, which would give
/// exactly 1.0 for the top cell.
#[inline]
pub fn open_uniform(x: u64) -> f64 {
    ((x >> 12) as f64 + 0.5) * INV_2_52
}

/// An unbiased integer in `0..range` (`range >= 1`) by Lemire's multiply-and-reject method
/// ("Fast random integer generation in an interval", ACM TOMACS 2019).
#[inline]
pub fn bounded_u64<R: rand::Rng + ?Sized>(rng: &mut R, range: u64) -> u64 {
    debug_assert!(range >= 1);
    let mut m = u128::from(rng.next_u64()) * u128::from(range);
    let mut low = m as u64;
    if low < range {
        let threshold = range.wrapping_neg() % range;
        while low < threshold {
            m = u128::from(rng.next_u64()) * u128::from(range);
            low = m as u64;
        }
    }
    (m >> 64) as u64
}

/// 64-bit key of a value's stream: FNV-1a of the path's bytes, mixed with the seed.
pub fn stream_key(seed: u64, path: &str) -> u64 {
    splitmix64_mix(splitmix64_mix(seed) ^ fnv1a64(path.as_bytes()))
}

/// The portable generator of `(seed, path, batch)`.
pub fn stream(seed: u64, path: &str, batch: u64) -> rand_xoshiro::Xoshiro256PlusPlus {
    stream_from_key(stream_key(seed, path), batch)
}

/// The generator of batch `batch` of the stream with key `key`.
pub(crate) fn stream_from_key(key: u64, batch: u64) -> Xoshiro256PlusPlus {
    let mut sm = SplitMix64::new(splitmix64_mix(key ^ splitmix64_mix(batch)));
    let mut seed = [0u8; 32];
    for chunk in seed.chunks_exact_mut(8) {
        chunk.copy_from_slice(&sm.next_u64().to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_reference_vectors() {
        // Vectors of the FNV reference (Fowler, Noll, Vo; draft-eastlake-fnv).
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn splitmix64_reference_vectors() {
        // Vigna's splitmix64.c seeded with 1234567.
        let mut g = SplitMix64::new(1_234_567);
        let got: Vec<u64> = (0..5).map(|_| g.next_u64()).collect();
        assert_eq!(
            got,
            [
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423,
                4_593_380_528_125_082_431,
                16_408_922_859_458_223_821,
            ]
        );
    }

    #[test]
    fn open_uniform_extremes_stay_inside() {
        assert!(open_uniform(0) > 0.0);
        assert_eq!(open_uniform(0), 2f64.powi(-53));
        assert!(open_uniform(u64::MAX) < 1.0);
        assert_eq!(open_uniform(u64::MAX), 1.0 - 2f64.powi(-53));
        // The 53-bit variant would not do: its top cell rounds to exactly 1.
        assert_eq!(((u64::MAX >> 11) as f64 + 0.5) * 2f64.powi(-53), 1.0);
    }
}
