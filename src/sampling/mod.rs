//! Designs of uniforms per value path: independent (`mc`), Latin hypercube (`lhs`, per batch)
//! and scrambled Sobol' (`sobol`); rank correlation imposed by a Gaussian copula.
//!
//! Randomness is an argument: every stream is made from `(seed, path, batch)` through a hash
//! written in [`crate::random`] (FNV-1a then SplitMix64) feeding a named portable generator
//! (Xoshiro256++), so the same inputs give the same draws on any machine, thread count or
//! release, and a value's draws do not depend on the other values of the scenario.
//!
//! What this module owns, and its limits:
//! - **Streams** ([`stream_key`], [`stream`]): `key = mix(mix(seed) ⊕ FNV-1a(path))`, and the
//!   generator of batch `b` is Xoshiro256++ seeded with four SplitMix64 outputs started at
//!   `mix(key ⊕ mix(b))`. Uniforms are `((x >> 12) + 0.5) · 2^-52`, in the open interval (0, 1)
//!   (52 bits, not 53: the top 53-bit cell would round to exactly 1).
//! - **`mc`**: sample `i` of value `p` in batch `b` is the `i`-th uniform of `stream(seed, p, b)`.
//! - **`lhs`**: a Latin hypercube *within each batch*, not across the whole run: for a batch of
//!   `n` samples each value takes a random permutation `π` of the strata `0..n` and a jitter `v_i`
//!   from its batch stream, `u_i = (π_i + v_i) / n`. Batches have a fixed size, so the run is a
//!   concatenation of independent hypercubes (the last one possibly smaller); every stratum of
//!   every batch is hit exactly once.
//! - **`sobol`**: scrambled Sobol' points (see [`sobol`]). The dimension of a value is its
//!   position in `paths`, and the point index is the global sample index
//!   `batch · batch_size + i`, so batches concatenate into one sequence. Limits: at most
//!   [`sobol::MAX_DIM`] values (more is an error); because draws depend on a value's position,
//!   adding or removing a value can move the draws of the values after it (no common random
//!   numbers across scenarios with different value lists); powers of two are the best sample
//!   counts. The scramble (random linear matrix plus digital shift) is keyed by `(seed, path)`.
//! - **Correlations**: Gaussian copula over the correlated values (see the `copula` submodule):
//!   normal correlation `2 sin(π ρ / 6)`, Cholesky factor from nalgebra ([`factor_groups`]),
//!   `u' = Φ(L Φ⁻¹(u))`. Each marginal stays exactly uniform in distribution. A correlated
//!   value's draws depend on its partners' streams, so common random numbers hold per
//!   correlated group, not per value.
//!   [`Design::fill_batch_scores`] leaves chosen correlated values as their normal scores
//!   `L Φ⁻¹(u)`: the engine gives them to untruncated normal and lognormal marginals, whose
//!   quantile at `Φ(z)` is `μ + σ z` (or its exponential), so that Φ and Φ⁻¹ are not computed
//!   only to cancel.

mod copula;
mod joe_kuo;
mod lanes;
mod normal;
pub mod sobol;

pub use crate::correlation::factor_groups;
pub use crate::random::{SplitMix64, fnv1a64, open_uniform, splitmix64_mix, stream, stream_key};

use crate::random::{bounded_u64, stream_from_key};
use crate::scenario::SamplerKind;
use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SamplingError {
    /// The requested rank correlations do not form a positive-definite matrix.
    #[error(
        "the correlations between {paths} do not form a valid (positive-definite) correlation matrix"
    )]
    NotPositiveDefinite { paths: String },
    #[error("{0}")]
    Invalid(String),
}

/// The batch number reserved for a value's Sobol' scramble (never a real batch: a run has at
/// most 1e9 samples).
const SCRAMBLE_BATCH: u64 = u64::MAX;

/// A sampling design over a fixed list of value paths.
#[derive(Debug, Clone)]
pub struct Design {
    sampler: SamplerKind,
    paths: Vec<String>,
    keys: Vec<u64>,
    batch_size: usize,
    sobol: Vec<sobol::SobolDim>,
    groups: Vec<copula::Group>,
}

impl Design {
    /// `paths`: the uncertain values, in the scenario's canonical order (Sobol' dimensions follow
    /// it). `correlations`: `(i, j, rank)` with indices into `paths`. `batch_size`: the fixed
    /// number of samples per batch (LHS strata are per batch).
    pub fn new(
        sampler: SamplerKind,
        seed: u64,
        paths: Vec<String>,
        correlations: &[(usize, usize, f64)],
        batch_size: usize,
    ) -> Result<Design, SamplingError> {
        if batch_size == 0 {
            return Err(SamplingError::Invalid(
                "the batch size must be at least 1".to_string(),
            ));
        }
        for (i, p) in paths.iter().enumerate() {
            if paths[..i].contains(p) {
                return Err(SamplingError::Invalid(format!(
                    "the value {p} appears twice in the design"
                )));
            }
        }
        let keys: Vec<u64> = paths.iter().map(|p| stream_key(seed, p)).collect();
        let sobol = if sampler == SamplerKind::Sobol {
            if paths.len() > sobol::MAX_DIM {
                return Err(SamplingError::Invalid(format!(
                    "the sobol sampler supports at most {} uncertain values (the embedded \
                     Joe–Kuo table), and this scenario has {}; use sampler \"lhs\" or \"mc\"",
                    sobol::MAX_DIM,
                    paths.len()
                )));
            }
            let mut dims = Vec::with_capacity(paths.len());
            for (d, &key) in keys.iter().enumerate() {
                let mut rng = stream_from_key(key, SCRAMBLE_BATCH);
                let dim = sobol::SobolDim::scrambled(d, || rng.next_u64()).ok_or_else(|| {
                    SamplingError::Invalid(format!("no Sobol' dimension {}", d + 1))
                })?;
                dims.push(dim);
            }
            dims
        } else {
            Vec::new()
        };
        let groups = copula::build(&paths, correlations)?;
        Ok(Design {
            sampler,
            paths,
            keys,
            batch_size,
            sobol,
            groups,
        })
    }

    /// Fill the uniforms of batch `batch` (global samples `batch * batch_size ..` + `n`, with
    /// `n <= batch_size`) into `out`, column-major: value `p`, sample `i` at `out[p * n + i]`.
    /// Every uniform is in the open interval (0, 1). Correlations are applied.
    ///
    /// # Panics
    /// If `n > batch_size` or `out.len() < paths().len() * n` (a caller's bug).
    pub fn fill_batch(&self, batch: u64, n: usize, out: &mut [f64]) {
        self.fill_batch_strided(batch, n, n, out);
    }

    /// [`Design::fill_batch`] with columns `stride` values apart: value `p`, sample `i` at
    /// `out[p * stride + i]`; the values between columns are left alone. The same uniforms.
    ///
    /// # Panics
    /// If `n > batch_size`, `stride < n` or `out.len() < paths().len() * stride`.
    pub fn fill_batch_strided(&self, batch: u64, n: usize, stride: usize, out: &mut [f64]) {
        self.fill_batch_scores(batch, n, stride, out, &[]);
    }

    /// [`Design::fill_batch_strided`], except that a correlated value `p` with `scores[p]` true
    /// is left as its copula's standard normal score `z` rather than the uniform `Φ(z)` (kept
    /// inside (0, 1)) made from it: for a marginal that maps `z` itself (a normal or lognormal
    /// one), without going through Φ and back. Values outside every correlation, and those with
    /// `scores[p]` false (or `p` past its end), get their uniforms.
    ///
    /// # Panics
    /// As [`Design::fill_batch_strided`].
    pub fn fill_batch_scores(
        &self,
        batch: u64,
        n: usize,
        stride: usize,
        out: &mut [f64],
        scores: &[bool],
    ) {
        assert!(
            n <= self.batch_size,
            "batch of {n} samples exceeds the design's batch size {}",
            self.batch_size
        );
        assert!(stride >= n, "columns of {n} values {stride} apart");
        let needed = self.paths.len() * stride;
        assert!(
            out.len() >= needed,
            "output of {} slots, {needed} needed",
            out.len()
        );
        if n == 0 {
            return;
        }
        let out = &mut out[..needed];
        // Each column's draws depend only on its own stream: the columns are filled in
        // parallel (for LHS, eight at a time, see `fill_lhs_columns`).
        match self.sampler {
            SamplerKind::Mc => {
                out.par_chunks_mut(stride)
                    .zip(&self.keys)
                    .for_each(|(col, &key)| {
                        let mut rng = stream_from_key(key, batch);
                        for u in &mut col[..n] {
                            *u = open_uniform(rng.next_u64());
                        }
                    });
            }
            SamplerKind::Lhs => {
                let group = lanes::LANES * stride;
                out.par_chunks_mut(group)
                    .zip(self.keys.par_chunks(lanes::LANES))
                    .for_each(|(cols, keys)| {
                        // Stratum numbers as narrow as the batch allows (see `fill_lhs`).
                        if n <= 1 << 16 {
                            fill_lhs_columns::<u16>(columns(cols, n, stride), n, keys, batch);
                        } else {
                            fill_lhs_columns::<u32>(columns(cols, n, stride), n, keys, batch);
                        }
                    });
            }
            SamplerKind::Sobol => {
                let start = batch.wrapping_mul(self.batch_size as u64);
                out.par_chunks_mut(stride)
                    .zip(&self.sobol)
                    .for_each(|(col, dim)| dim.fill(start, &mut col[..n]));
            }
        }
        for g in &self.groups {
            g.apply_keeping_scores(n, stride, out, scores);
        }
    }

    /// Whether value `p` is in a correlated group (its draws go through the copula).
    pub fn is_correlated(&self, p: usize) -> bool {
        self.groups.iter().any(|g| g.columns.contains(&p))
    }

    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    /// The sampler of this design.
    pub fn sampler(&self) -> SamplerKind {
        self.sampler
    }

    /// The fixed number of samples per batch.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }
}

/// One Latin-hypercube column of `col.len()` samples: a Fisher–Yates permutation of the strata
/// (drawn first, one bounded integer per position from the top down), then one jitter per
/// sample in sample order. The permutation is shuffled as stratum numbers in `strata` (a reused
/// buffer of `u16` or `u32`, a quarter or half the bytes of the `f64` column, so the random swaps
/// stay in a nearer cache); the column gets the same bits as shuffling the `f64` values.
fn fill_lhs<T: Stratum>(rng: &mut Xoshiro256PlusPlus, col: &mut [f64], strata: &mut Vec<T>) {
    let n = col.len();
    if n == 0 {
        return;
    }
    strata.clear();
    T::identity(n, strata);
    for i in (1..n).rev() {
        let j = bounded_u64(rng, i as u64 + 1) as usize;
        strata.swap(i, j);
    }
    let nf = n as f64;
    if n.is_power_of_two() {
        // Dividing by a power of two only shifts the exponent, so multiplying by its exact
        // reciprocal gives the same bits without a division per draw (full batches).
        jitter(rng, strata, col, |x| x * (1.0 / nf));
    } else {
        jitter(rng, strata, col, |x| x / nf);
    }
}

/// The first `n` values of each `stride`-long column of `out`.
fn columns(out: &mut [f64], n: usize, stride: usize) -> impl Iterator<Item = &mut [f64]> {
    out.chunks_exact_mut(stride).map(move |c| &mut c[..n])
}

/// Every LHS column of a batch (`columns` yields one column of `n` per key). Eight at a time
/// ([`lanes`]): the eight columns' generators are stepped side by side. A last group of three
/// to seven columns fills its other lanes with columns drawn and thrown away; one or two
/// columns left go two at a time: the two streams are independent, so interleaving their
/// draws lets the processor overlap the two generators' dependency chains. Each column gets
/// exactly the draws of [`fill_lhs`].
fn fill_lhs_columns<'a, T: Stratum>(
    columns: impl Iterator<Item = &'a mut [f64]>,
    n: usize,
    keys: &[u64],
    batch: u64,
) {
    use lanes::LANES;
    let mut cols: Vec<(&mut [f64], u64)> = columns.zip(keys.iter().copied()).collect();
    let mut rest = &mut cols[..];
    let mut strata_lanes: Vec<[T; LANES]> = Vec::new();
    while rest.len() >= 3 {
        let (group, after) = rest.split_at_mut(rest.len().min(LANES));
        let mut thrown = vec![0.0; (LANES - group.len()) * n];
        let mut lane_keys = [0u64; LANES];
        for (k, (_, key)) in lane_keys.iter_mut().zip(group.iter()) {
            *k = *key;
        }
        let mut spare = thrown.chunks_exact_mut(n.max(1));
        let mut group_cols = group.iter_mut().map(|(c, _)| &mut **c);
        let mut lane_cols: [&mut [f64]; LANES] = std::array::from_fn(|_| {
            group_cols
                .next()
                .or_else(|| spare.next().map(|c| &mut c[..n]))
                .unwrap_or_default()
        });
        lanes::fill_lhs_lanes(&mut lane_cols, lane_keys, batch, n, &mut strata_lanes);
        rest = after;
    }
    let mut strata_a: Vec<T> = Vec::with_capacity(n);
    let mut strata_b: Vec<T> = Vec::with_capacity(n);
    match rest {
        [(a, ka), (b, kb)] => {
            let mut ra = stream_from_key(*ka, batch);
            let mut rb = stream_from_key(*kb, batch);
            T::identity(n, &mut strata_a);
            T::identity(n, &mut strata_b);
            for i in (1..n).rev() {
                let ja = bounded_u64(&mut ra, i as u64 + 1) as usize;
                let jb = bounded_u64(&mut rb, i as u64 + 1) as usize;
                strata_a.swap(i, ja);
                strata_b.swap(i, jb);
            }
            let nf = n as f64;
            if n.is_power_of_two() {
                jitter2(&mut ra, &mut rb, &strata_a, &strata_b, a, b, |x| {
                    x * (1.0 / nf)
                });
            } else {
                jitter2(&mut ra, &mut rb, &strata_a, &strata_b, a, b, |x| x / nf);
            }
        }
        [(a, ka)] => fill_lhs(&mut stream_from_key(*ka, batch), a, &mut strata_a),
        _ => {}
    }
}

/// [`jitter`] over two columns with their own streams, interleaved.
#[inline(always)]
fn jitter2<T: Stratum>(
    ra: &mut Xoshiro256PlusPlus,
    rb: &mut Xoshiro256PlusPlus,
    sa: &[T],
    sb: &[T],
    a: &mut [f64],
    b: &mut [f64],
    per_n: impl Fn(f64) -> f64,
) {
    for (((xa, xb), &ka), &kb) in a.iter_mut().zip(b.iter_mut()).zip(sa).zip(sb) {
        *xa = in_stratum(ra, ka, &per_n);
        *xb = in_stratum(rb, kb, &per_n);
    }
}

/// An unsigned integer type for LHS stratum numbers.
trait Stratum: Copy + Into<f64> {
    /// How many strata the type numbers (`0 … STRATA − 1`).
    const STRATA: u64;
    /// Stratum `i` (`i < STRATA`).
    fn of(i: usize) -> Self;

    /// Append `0, 1, …, n − 1`.
    ///
    /// # Panics
    /// If the type cannot number `n` strata.
    fn identity(n: usize, v: &mut Vec<Self>) {
        Self::check(n);
        v.extend((0..n).map(Self::of));
    }

    /// Append `[i; LANES]` for `i` in `0, 1, …, n − 1`.
    ///
    /// # Panics
    /// If the type cannot number `n` strata.
    fn identity_lanes(n: usize, v: &mut Vec<[Self; lanes::LANES]>) {
        Self::check(n);
        v.extend((0..n).map(|i| [Self::of(i); lanes::LANES]));
    }

    /// Panics unless every number below `n` fits the type.
    fn check(n: usize) {
        assert!(
            n as u64 <= Self::STRATA,
            "at most {} strata in {}",
            Self::STRATA,
            std::any::type_name::<Self>()
        );
    }
}

impl Stratum for u16 {
    const STRATA: u64 = 1 << 16;
    fn of(i: usize) -> u16 {
        i as u16
    }
}

impl Stratum for u32 {
    const STRATA: u64 = 1 << 32;
    fn of(i: usize) -> u32 {
        i as u32
    }
}

/// `u_i = (π_i + v_i) / n`, with `per_n` the division by `n`.
#[inline(always)]
fn jitter<T: Stratum>(
    rng: &mut Xoshiro256PlusPlus,
    strata: &[T],
    col: &mut [f64],
    per_n: impl Fn(f64) -> f64,
) {
    for (slot, &k) in col.iter_mut().zip(strata) {
        *slot = in_stratum(rng, k, &per_n);
    }
}

/// One draw in stratum `k`: `(k + v) / n` for a uniform `v`, with `per_n` the division by `n`.
#[inline(always)]
fn in_stratum<T: Stratum>(rng: &mut Xoshiro256PlusPlus, k: T, per_n: &impl Fn(f64) -> f64) -> f64 {
    in_stratum_of(k.into(), open_uniform(rng.next_u64()), per_n)
}

/// `(k + v) / n` for stratum `k` and uniform `v`, with `per_n` the division by `n`.
#[inline(always)]
fn in_stratum_of(k: f64, v: f64, per_n: &impl Fn(f64) -> f64) -> f64 {
    let u = per_n(k + v);
    // k + v may round up to k + 1 for large k: keep u inside its stratum [k/n, (k+1)/n).
    let top = per_n(k + 1.0);
    if u < top { u } else { top.next_down() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The LHS column as first written: the permutation shuffled as `f64` values, and a division
    /// by `n` for every draw.
    fn lhs_by_division(rng: &mut Xoshiro256PlusPlus, n: usize) -> Vec<f64> {
        let mut col: Vec<f64> = (0..n).map(|i| i as f64).collect();
        for i in (1..n).rev() {
            let j = bounded_u64(rng, i as u64 + 1) as usize;
            col.swap(i, j);
        }
        let nf = n as f64;
        for slot in col.iter_mut() {
            let k = *slot;
            let u = (k + open_uniform(rng.next_u64())) / nf;
            let top = (k + 1.0) / nf;
            *slot = if u < top { u } else { top.next_down() };
        }
        col
    }

    #[test]
    fn lhs_columns_in_lanes_give_each_column_its_own_draws() {
        // Eight lanes at a time, a last group of three to seven with lanes thrown away, one or
        // two columns left: every column must get exactly `fill_lhs`'s draws.
        let cases = [
            (1, 5),
            (2, 100),
            (3, 32_768),
            (4, 4095),
            (5, 1),
            (8, 1000),
            (9, 300),
            (10, 77),
            (11, 4096),
            (16, 33),
            (17, 2),
            (23, 32_768),
        ];
        for (case, (cols, n)) in cases.into_iter().enumerate() {
            let keys: Vec<u64> = (0..cols).map(|c| 11 + 7 * c as u64).collect();
            // Columns a few values apart: the values between them are left alone.
            let stride = n + 3;
            let mut out = vec![-1.0; cols * stride];
            // Both widths of stratum numbers, in turn.
            if case % 2 == 0 {
                fill_lhs_columns::<u16>(columns(&mut out, n, stride), n, &keys, 9);
            } else {
                fill_lhs_columns::<u32>(columns(&mut out, n, stride), n, &keys, 9);
            }
            assert!(
                out.chunks(stride)
                    .all(|c| c[n..].iter().all(|&v| v == -1.0))
            );
            for (c, &key) in keys.iter().enumerate() {
                let mut want = vec![0.0; n];
                fill_lhs(
                    &mut stream_from_key(key, 9),
                    &mut want,
                    &mut Vec::<u32>::new(),
                );
                let got = &out[c * stride..c * stride + n];
                let same = got
                    .iter()
                    .zip(&want)
                    .all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same, "{cols} columns of {n}: column {c}");
            }
        }
    }

    #[test]
    fn lhs_gives_the_bits_of_the_column_as_first_written() {
        for n in [1, 2, 3, 8, 100, 1024, 4095, 32_768] {
            let mut col = vec![0.0; n];
            let want = lhs_by_division(&mut stream_from_key(7, 3), n);
            fill_lhs::<u16>(&mut stream_from_key(7, 3), &mut col, &mut Vec::new());
            let same = |col: &[f64]| {
                col.iter()
                    .zip(&want)
                    .all(|(a, b)| a.to_bits() == b.to_bits())
            };
            assert!(same(&col), "u16 strata, n = {n}");
            fill_lhs::<u32>(&mut stream_from_key(7, 3), &mut col, &mut Vec::new());
            assert!(same(&col), "u32 strata, n = {n}");
        }
    }
}
