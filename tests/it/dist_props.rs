//! Property tests: `quantile(cdf(x)) ≈ x` on the body of each family and `cdf(quantile(u)) ≈ u`
//! everywhere, for random parameters and truncations; quantiles are monotone and inside bounds.

use gwsim::dist::{Dist, Marginal};
use proptest::prelude::*;

/// Checks both round trips on a grid of u (for the cdf side) and of x taken from the body.
fn round_trips(m: &Marginal, scale: f64) -> Result<(), TestCaseError> {
    let (lo, hi) = m.bounds();
    let mut prev = f64::NEG_INFINITY;
    for i in 0..=200 {
        let u = i as f64 / 200.0;
        let x = m.quantile(u);
        prop_assert!(
            x.is_finite() && x >= lo && x <= hi,
            "{m}: quantile({u}) = {x}"
        );
        prop_assert!(x >= prev, "{m}: quantile not monotone at u = {u}");
        prev = x;
        if (0.001..=0.999).contains(&u) {
            let c = m.cdf(x);
            prop_assert!((c - u).abs() < 1e-8, "{m}: cdf(quantile({u})) = {c}");
            let back = m.quantile(c);
            prop_assert!(
                (back - x).abs() <= 1e-7 * scale,
                "{m}: quantile(cdf({x})) = {back}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn uniform(low in -1e3..1e3f64, width in 1e-3..1e3f64) {
        let m = Marginal::new(Dist::uniform(low, low + width).expect("valid"), None, None).expect("valid");
        round_trips(&m, width)?;
    }

    #[test]
    fn normal(mean in -1e3..1e3f64, sd in 1e-3..1e2f64, cut in proptest::option::of(-2.0..2.0f64)) {
        let min = cut.map(|c| mean + c * sd);
        let m = Marginal::new(Dist::normal(mean, sd).expect("valid"), min, None).expect("valid");
        round_trips(&m, sd)?;
    }

    #[test]
    fn lognormal(p5 in 1e-3..1e3f64, ratio in 1.01..100.0f64) {
        let m = Marginal::new(Dist::lognormal_p5_p95(p5, p5 * ratio).expect("valid"), None, None).expect("valid");
        round_trips(&m, p5 * ratio)?;
    }

    #[test]
    fn triangular(min in -10.0..10.0f64, w in 0.01..10.0f64, f in 0.0..=1.0f64, cut in 0.0..0.4f64) {
        let d = Dist::triangular(min, min + f * w, min + w).expect("valid");
        let m = Marginal::new(d, Some(min + cut * w), None).expect("valid");
        round_trips(&m, w)?;
    }

    #[test]
    fn pert(min in -10.0..10.0f64, w in 0.01..10.0f64, f in 0.0..=1.0f64, cut in 0.0..0.3f64) {
        let d = Dist::pert(min, min + f * w, min + w).expect("valid");
        let m = Marginal::new(d, None, Some(min + (1.0 - cut) * w)).expect("valid");
        round_trips(&m, w)?;
    }

    #[test]
    fn beta(a in 0.5..20.0f64, b in 0.5..20.0f64) {
        let m = Marginal::new(Dist::beta(a, b, 2.0, 3.0).expect("valid"), None, None).expect("valid");
        round_trips(&m, 1.0)?;
    }
}
