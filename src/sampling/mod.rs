//! Designs of uniforms per value path: independent (`mc`), Latin hypercube (`lhs`, per batch)
//! and scrambled Sobol' (`sobol`); rank correlation imposed by a Gaussian copula.
//!
//! Randomness is an argument: every stream is made from `(seed, path, batch)` through a hash
//! written here (FNV-1a then SplitMix64) feeding a named portable generator
//! (Xoshiro256++), so the same inputs give the same draws on any machine, thread count or
//! release, and a value's draws do not depend on the other values of the scenario.

use crate::scenario::SamplerKind;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SamplingError {
    /// The requested rank correlations do not form a positive-definite matrix.
    #[error("the correlations between {paths} do not form a valid (positive-definite) correlation matrix")]
    NotPositiveDefinite { paths: String },
    #[error("{0}")]
    Invalid(String),
}

/// 64-bit key of a value's stream: FNV-1a of the path's bytes, mixed with the seed.
pub fn stream_key(seed: u64, path: &str) -> u64 { todo!() }

/// The portable generator of `(seed, path, batch)`.
pub fn stream(seed: u64, path: &str, batch: u64) -> rand_xoshiro::Xoshiro256PlusPlus { todo!() }

/// A sampling design over a fixed list of value paths.
#[derive(Debug, Clone)]
pub struct Design { /* implementation-defined */ }

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
    ) -> Result<Design, SamplingError> { todo!() }

    /// Fill the uniforms of batch `batch` (global samples `batch * batch_size ..` + `n`, with
    /// `n <= batch_size`) into `out`, column-major: value `p`, sample `i` at `out[p * n + i]`.
    /// Every uniform is in the open interval (0, 1). Correlations are applied.
    pub fn fill_batch(&self, batch: u64, n: usize, out: &mut [f64]) { todo!() }

    pub fn paths(&self) -> &[String] { todo!() }
}
