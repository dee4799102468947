//! The one place the copula takes its standard normal CDF Φ and quantile Φ⁻¹ from.
//!
//! TEMPORARY: routed to [`super::normal_tmp`] until `crate::dist::special::{norm_cdf,
//! norm_quantile}` land. The switch is the two bodies below (then delete `normal_tmp.rs` and its
//! `mod` line in `sampling/mod.rs`).

/// Standard normal CDF Φ(x).
#[inline]
pub(crate) fn phi(x: f64) -> f64 {
    super::normal_tmp::norm_cdf(x) // switch: crate::dist::special::norm_cdf(x)
}

/// Standard normal quantile Φ⁻¹(p), p in (0, 1).
#[inline]
pub(crate) fn phi_inv(p: f64) -> f64 {
    super::normal_tmp::norm_quantile(p) // switch: crate::dist::special::norm_quantile(p)
}
