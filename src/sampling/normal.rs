//! The one place the copula takes its standard normal CDF Φ and quantile Φ⁻¹ from: the
//! precise implementations of [`crate::dist::special`].

/// Standard normal CDF Φ(x).
#[inline]
pub(crate) fn phi(x: f64) -> f64 {
    crate::dist::special::norm_cdf(x)
}

/// Standard normal quantile Φ⁻¹(p), p in (0, 1), of every element, in place (the central
/// region vectorised; the same bits as `norm_quantile` element by element).
#[inline]
pub(crate) fn phi_inv_slice(ps: &mut [f64]) {
    crate::dist::special::norm_quantile_slice(ps);
}
