//! Rank correlation by a Gaussian copula (MODEL.md, "Sampling").
//!
//! The asked Spearman ρ between two values becomes the normal correlation `2 sin(π ρ / 6)`
//! (Pearson 1907: for a bivariate normal, ρ_S = (6/π) arcsin(r/2)), the matrix of each connected
//! group of correlated values is factored `R = L Lᵀ` (nalgebra Cholesky, in
//! [`crate::correlation`]), and per sample `z = Φ⁻¹(u)`, `z' = L z`, `u' = Φ(z')`.
//!
//! Marginals are preserved exactly in distribution: each row of `L` has unit norm, so every
//! `z'_k` is standard normal and every `u'_k` is uniform on (0, 1) whatever `R` is. Two limits:
//! - the achieved Spearman matches the target in expectation under independent uniforms; with
//!   LHS or Sobol' inputs it is close but not exact (tests check ±0.02 at 20k samples);
//! - the stratification of LHS (and the net structure of Sobol') survives only for the first
//!   value of each group, whose row of `L` is `(1, 0, …)`; the others are exactly uniform but no
//!   longer stratified.

use super::SamplingError;
use super::normal::{phi, phi_inv_slice};
use crate::correlation::factor_groups;

/// The largest double below 1 and the smallest value we let through at the bottom: `Φ(z')`
/// rounds to 0 or 1 for |z'| beyond about 8.3 (top) or 38 (bottom).
const U_MAX: f64 = 1.0 - f64::EPSILON / 2.0;
const U_MIN: f64 = f64::MIN_POSITIVE;

/// One connected group of correlated values: their columns (indices into the design's paths,
/// ascending) and the lower triangle of `L`, row-major (`l[k (k + 1) / 2 + j]`, j ≤ k).
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) columns: Vec<usize>,
    l: Vec<f64>,
}

/// Validate `(i, j, rank)` triples against `paths`, split the correlated values into connected
/// groups and factor each group's normal correlation matrix.
pub(crate) fn build(
    paths: &[String],
    correlations: &[(usize, usize, f64)],
) -> Result<Vec<Group>, SamplingError> {
    let n = paths.len();
    let mut pairs: Vec<(usize, usize, f64)> = Vec::with_capacity(correlations.len());
    for &(i, j, rho) in correlations {
        if i >= n || j >= n {
            return Err(SamplingError::Invalid(format!(
                "a correlation refers to value {} of only {n}",
                i.max(j)
            )));
        }
        if i == j {
            return Err(SamplingError::Invalid(format!(
                "a correlation of {} with itself",
                paths[i]
            )));
        }
        if !(-1.0..=1.0).contains(&rho) {
            return Err(SamplingError::Invalid(format!(
                "the rank correlation between {} and {} is {rho}; it must lie in [-1, 1]",
                paths[i], paths[j]
            )));
        }
        let (a, b) = if i < j { (i, j) } else { (j, i) };
        if let Some(&(_, _, old)) = pairs.iter().find(|p| p.0 == a && p.1 == b) {
            if old != rho {
                return Err(SamplingError::Invalid(format!(
                    "the correlation between {} and {} is given twice ({old} and {rho})",
                    paths[a], paths[b]
                )));
            }
            continue;
        }
        pairs.push((a, b, rho));
    }

    let mut groups = Vec::new();
    for (columns, l) in factor_groups(n, &pairs) {
        let Some(l) = l else {
            return Err(SamplingError::NotPositiveDefinite {
                paths: columns
                    .iter()
                    .map(|&c| paths[c].as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        groups.push(Group { columns, l });
    }
    Ok(groups)
}

impl Group {
    /// Apply the copula in place to the `n` samples of column-major `out`, columns `stride`
    /// values apart. The columns `c` with `scores[c]` true are left as the normal scores `z'` (of which the
    /// uniform would be `Φ(z')` kept inside (0, 1)), for a marginal that takes them directly
    /// (`scores` shorter than a column's index: false).
    pub(crate) fn apply_keeping_scores(
        &self,
        n: usize,
        stride: usize,
        out: &mut [f64],
        scores: &[bool],
    ) {
        let m = self.columns.len();
        // z = Φ⁻¹(u), column by column.
        for &c in &self.columns {
            phi_inv_slice(&mut out[c * stride..c * stride + n]);
        }
        // z' = L z in place: row k needs z_0 … z_k, so go from the last row up.
        for k in (1..m).rev() {
            let row = &self.l[k * (k + 1) / 2..k * (k + 1) / 2 + k + 1];
            let ck = self.columns[k];
            for i in 0..n {
                let mut acc = 0.0;
                for (j, &lkj) in row.iter().enumerate() {
                    acc += lkj * out[self.columns[j] * stride + i];
                }
                out[ck * stride + i] = acc;
            }
        }
        // u' = Φ(z'), kept inside (0, 1). Row 0 of L is (1, 0, …): column 0 round-trips.
        for &c in &self.columns {
            if scores.get(c).copied().unwrap_or(false) {
                continue;
            }
            for z in &mut out[c * stride..c * stride + n] {
                *z = phi(*z).clamp(U_MIN, U_MAX);
            }
        }
    }
}
