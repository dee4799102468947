//! TEMPORARY standard normal CDF and quantile, private to `sampling`, used only until the
//! precise ones of `crate::dist::special` land (see `normal.rs`).
//!
//! Φ: Marsaglia's Taylor series (J. Stat. Softw. 11(4), 2004) for |x| ≤ 3, the Laplace continued
//! fraction of the Mills ratio beyond; relative error about 1e-14 or better on the lower tail.
//! Φ⁻¹: Acklam's rational approximation (relative error 1.15e-9) polished by one Halley step on
//! Φ, giving about 1e-14.

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
const SQRT_2PI: f64 = 2.506_628_274_631_000_5;

/// Φ(x) for x ≤ 0 through the lower tail; the upper half by symmetry.
pub(crate) fn norm_cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x > 0.0 {
        1.0 - lower_tail(-x)
    } else {
        lower_tail(x)
    }
}

/// Φ(x) for x ≤ 0.
fn lower_tail(x: f64) -> f64 {
    debug_assert!(x <= 0.0);
    if x >= -3.0 {
        // Φ(x) = 1/2 + φ(x) Σ x^(2n+1) / (1·3·5···(2n+1)).
        let q = x * x;
        let mut term = x;
        let mut sum = x;
        let mut i = 1.0;
        loop {
            i += 2.0;
            term *= q / i;
            let next = sum + term;
            if next == sum {
                break;
            }
            sum = next;
        }
        0.5 + sum * (-0.5 * q - LN_SQRT_2PI).exp()
    } else if x < -40.0 {
        0.0
    } else {
        // Φ(x) = φ(t) / (t + 1/(t + 2/(t + 3/(t + …)))), t = −x, evaluated backwards.
        let t = -x;
        let mut frac = t;
        for k in (1..=120).rev() {
            frac = t + f64::from(k) / frac;
        }
        (-0.5 * t * t - LN_SQRT_2PI).exp() / frac
    }
}

/// Φ⁻¹(p); −∞ at 0, +∞ at 1, NaN outside [0, 1].
pub(crate) fn norm_quantile(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        return -lower_quantile(1.0 - p);
    }
    lower_quantile(p)
}

/// Φ⁻¹(p) for 0 < p ≤ 1/2.
fn lower_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.024_25;
    let x = if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // One Halley step on Φ(x) − p = 0.
    let e = lower_tail(x.min(0.0)) - p;
    let u = e * SQRT_2PI * (0.5 * x * x).exp();
    x - u / (1.0 + 0.5 * x * u)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn cdf_reference_values() {
        // Reference values: scipy.stats.norm.cdf / mpmath.
        assert!(rel(norm_cdf(0.0), 0.5) < 1e-15);
        assert!(rel(norm_cdf(1.96), 0.975_002_104_851_779_5) < 1e-14);
        assert!(rel(norm_cdf(-1.0), 0.158_655_253_931_457_05) < 1e-14);
        assert!(rel(norm_cdf(-3.0), 1.349_898_031_630_094_6e-3) < 1e-12);
        assert!(rel(norm_cdf(-5.0), 2.866_515_718_791_939e-7) < 1e-12);
        assert!(rel(norm_cdf(-10.0), 7.619_853_024_160_527e-24) < 1e-12);
    }

    #[test]
    fn quantile_reference_values_and_round_trip() {
        assert!(rel(norm_quantile(0.975), 1.959_963_984_540_054) < 1e-13);
        assert!(rel(norm_quantile(0.1), -1.281_551_565_544_600_5) < 1e-13);
        assert!(norm_quantile(0.5).abs() < 1e-15);
        for &p in &[
            1e-300, 1e-20, 1e-10, 1e-5, 0.01, 0.02425, 0.3, 0.5, 0.7, 0.99,
        ] {
            let x = norm_quantile(p);
            assert!(rel(norm_cdf(x), p) < 1e-12, "p = {p}: {}", norm_cdf(x));
        }
    }
}
