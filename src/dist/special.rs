//! Special functions: the standard normal CDF and quantile, the regularised incomplete beta
//! function and its inverse.

/// Standard normal CDF Φ(x).
pub fn norm_cdf(x: f64) -> f64 { todo!() }
/// Standard normal quantile Φ⁻¹(p), p in (0, 1); ±∞ at 0 and 1.
pub fn norm_quantile(p: f64) -> f64 { todo!() }
/// Regularised incomplete beta I_x(a, b).
pub fn beta_inc(a: f64, b: f64, x: f64) -> f64 { todo!() }
