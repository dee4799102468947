//! Unit tests of the special functions, the constructors' refusals, `Display` and the small
//! accessors. Reference values were computed with mpmath 1.3 at 40 significant digits
//! (`ncdf`, `findroot(ln ncdf − ln p)`, `loggamma`, `betainc(regularized=True)`).

// Reference values keep the digits mpmath printed.
#![allow(clippy::excessive_precision)]

use super::special::{beta_inc, beta_inc_inv, ln_gamma, norm_cdf, norm_quantile};
use super::*;

fn assert_rel(got: f64, want: f64, rel: f64, what: &str) {
    let err = if want == 0.0 {
        got.abs()
    } else {
        ((got - want) / want).abs()
    };
    assert!(
        err <= rel,
        "{what}: got {got:e}, want {want:e}, relative error {err:e} > {rel:e}"
    );
}

#[test]
fn norm_cdf_matches_references() {
    // (x, Φ(x)) — mpmath ncdf.
    let cases = [
        (-37.0, 5.7255712225245768227e-300),
        (-20.0, 2.7536241186062336951e-89),
        (-10.0, 7.619853024160526066e-24),
        (-5.0, 2.8665157187919391167e-7),
        (-1.5, 0.066807201268858066004),
        (-0.3, 0.38208857781104736693),
        (0.0, 0.5),
        (0.3, 0.61791142218895263307),
        (1.96, 0.9750021048517795),
        (3.0, 0.99865010196836990547),
        (8.0, 0.9999999999999993779),
    ];
    for (x, want) in cases {
        let got = norm_cdf(x);
        assert!(
            (got - want).abs() <= 1e-15,
            "Φ({x}) = {got:e}, want {want:e}"
        );
        // Relative precision in the lower tail.
        assert_rel(got, want, 1e-12, &format!("Φ({x})"));
    }
    assert_eq!(norm_cdf(f64::NEG_INFINITY), 0.0);
    assert_eq!(norm_cdf(f64::INFINITY), 1.0);
    assert!(norm_cdf(f64::NAN).is_nan());
}

#[test]
fn norm_quantile_matches_references() {
    let cases = [
        (1e-300, -37.047096299361199237),
        (1e-20, -9.2623400897984075737),
        (1e-10, -6.3613409024040562047),
        (0.001, -3.0902323061678135415),
        (0.3, -0.52440051270804078404),
        (0.975, 1.959963984540054),
        (1e-6, -4.7534243088228989482),
    ];
    for (p, want) in cases {
        assert_rel(norm_quantile(p), want, 1e-15, &format!("Φ⁻¹({p:e})"));
    }
    assert_eq!(norm_quantile(0.5), 0.0);
    assert_eq!(norm_quantile(0.0), f64::NEG_INFINITY);
    assert_eq!(norm_quantile(1.0), f64::INFINITY);
    assert!(norm_quantile(1.5).is_nan());
    assert!(norm_quantile(f64::NAN).is_nan());
    // Round trip through Φ over the body.
    for i in 1..1000 {
        let p = i as f64 / 1000.0;
        assert!((norm_cdf(norm_quantile(p)) - p).abs() <= 2e-16, "p = {p}");
    }
}

#[test]
fn ln_gamma_matches_references() {
    let cases = [
        (0.5, 0.57236494292470008707),
        (1e-8, 18.420680738180208905),
        (3.7, 1.4280723266653879219),
        (100.5, 361.43554046777762156),
        (1e5, 1051287.7089736568949),
    ];
    for (x, want) in cases {
        assert_rel(ln_gamma(x), want, 1e-14, &format!("ln Γ({x})"));
    }
    assert!(ln_gamma(1.0).abs() < 1e-15);
    assert!(ln_gamma(2.0).abs() < 1e-15);
    assert!(ln_gamma(-1.0).is_nan());
}

#[test]
fn beta_inc_matches_references() {
    // (a, b, x, I_x(a, b)) — mpmath betainc(regularized=True); I_0.5(2, 3) = 0.6875 exactly.
    let cases = [
        (2.0, 3.0, 0.5, 0.6875),
        (0.5, 0.5, 0.1, 0.20483276469913345165),
        (5.0, 1.0, 0.9, 0.59049),
        (100.0, 200.0, 0.3, 0.10884306564490983653),
        (2.0, 5.0, 1e-5, 1.4999600004499976e-9),
        (3.0, 1.5, 0.999, 0.99986181631265208612),
        (0.1, 10.0, 0.001, 0.6596666602208250254),
    ];
    for (a, b, x, want) in cases {
        // ln B(a, b) loses a few ulps to cancellation for large a, b.
        assert_rel(beta_inc(a, b, x), want, 5e-13, &format!("I_{x}({a}, {b})"));
        assert_rel(
            beta_inc_inv(a, b, want),
            x,
            1e-12,
            &format!("I⁻¹({a}, {b})"),
        );
    }
    assert_eq!(beta_inc(2.0, 3.0, 0.0), 0.0);
    assert_eq!(beta_inc(2.0, 3.0, 1.0), 1.0);
    assert!(beta_inc(0.0, 3.0, 0.5).is_nan());
    assert!(beta_inc(2.0, 3.0, f64::NAN).is_nan());
}

fn refuses(r: Result<Dist, DistError>, needle: &str, case: &str) {
    match r {
        Ok(d) => panic!("{case}: accepted {d:?}"),
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.contains(needle),
                "{case}: message {msg:?} lacks {needle:?}"
            );
            assert!(!msg.contains("facility") && !msg.contains('.') || !msg.contains("path"));
        }
    }
}

#[test]
fn constructors_refuse_bad_parameters() {
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    type Case = (&'static str, Result<Dist, DistError>, &'static str);
    let cases: Vec<Case> = vec![
        ("fixed NaN", Dist::fixed(nan), "finite"),
        ("fixed inf", Dist::fixed(inf), "finite"),
        (
            "uniform reversed",
            Dist::uniform(2.0, 1.0),
            "high (1) must be greater than low (2)",
        ),
        (
            "uniform equal",
            Dist::uniform(1.0, 1.0),
            "must be greater than",
        ),
        (
            "uniform NaN",
            Dist::uniform(nan, 1.0),
            "low must be a finite number",
        ),
        (
            "uniform inf",
            Dist::uniform(0.0, inf),
            "high must be a finite number",
        ),
        ("uniform too wide", Dist::uniform(-1e308, 1e308), "too wide"),
        (
            "normal sd < 0",
            Dist::normal(1.0, -0.1),
            "sd (-0.1) must not be negative",
        ),
        (
            "normal sd NaN",
            Dist::normal(1.0, nan),
            "sd must be a finite number",
        ),
        (
            "normal mean inf",
            Dist::normal(-inf, 1.0),
            "mean must be a finite number",
        ),
        (
            "lognormal p95 < p5",
            Dist::lognormal_p5_p95(0.10, 0.05),
            "p95 (0.05) must be greater than p5 (0.1)",
        ),
        (
            "lognormal p5 = p95",
            Dist::lognormal_p5_p95(0.1, 0.1),
            "must be greater than",
        ),
        (
            "lognormal p5 = 0",
            Dist::lognormal_p5_p95(0.0, 1.0),
            "normal",
        ),
        (
            "lognormal p5 < 0",
            Dist::lognormal_p5_p95(-1.0, 1.0),
            "uniform",
        ),
        (
            "lognormal both < 0",
            Dist::lognormal_p5_p95(-2.0, -1.0),
            "greater than 0",
        ),
        (
            "lognormal NaN",
            Dist::lognormal_p5_p95(nan, 1.0),
            "p5 must be a finite number",
        ),
        (
            "lognormal inf",
            Dist::lognormal_p5_p95(1.0, inf),
            "p95 must be a finite number",
        ),
        (
            "lognormal median 0",
            Dist::lognormal_median_sigma(0.0, 0.5),
            "median (0)",
        ),
        (
            "lognormal sigma < 0",
            Dist::lognormal_median_sigma(1.0, -0.5),
            "sigma (-0.5) must not be negative",
        ),
        (
            "lognormal sigma NaN",
            Dist::lognormal_median_sigma(1.0, nan),
            "sigma must be a finite",
        ),
        (
            "triangular mode above",
            Dist::triangular(1.0, 2.0, 1.5),
            "mode 2 is outside [min, max] = [1, 1.5]",
        ),
        (
            "triangular mode below",
            Dist::triangular(1.0, 0.5, 1.5),
            "mode 0.5 is outside",
        ),
        (
            "triangular min = max",
            Dist::triangular(1.0, 1.0, 1.0),
            "max (1) must be greater than min (1)",
        ),
        (
            "triangular NaN mode",
            Dist::triangular(1.0, nan, 1.5),
            "mode must be a finite",
        ),
        (
            "triangular inf max",
            Dist::triangular(1.0, 1.2, inf),
            "max must be a finite",
        ),
        (
            "pert mode outside",
            Dist::pert(1.1, 1.4, 1.35),
            "mode 1.4 is outside [min, max] = [1.1, 1.35]",
        ),
        (
            "pert reversed",
            Dist::pert(2.0, 1.5, 1.0),
            "must be greater than",
        ),
        (
            "pert NaN",
            Dist::pert(nan, 1.0, 2.0),
            "min must be a finite",
        ),
        (
            "beta alpha 0",
            Dist::beta(0.0, 2.0, 0.0, 1.0),
            "alpha (0) must be greater than 0",
        ),
        (
            "beta beta < 0",
            Dist::beta(2.0, -1.0, 0.0, 1.0),
            "beta (-1) must be greater than 0",
        ),
        (
            "beta NaN",
            Dist::beta(nan, 2.0, 0.0, 1.0),
            "alpha must be a finite",
        ),
        (
            "beta inf",
            Dist::beta(2.0, inf, 0.0, 1.0),
            "beta must be a finite",
        ),
        (
            "beta range",
            Dist::beta(2.0, 2.0, 1.0, 1.0),
            "max (1) must be greater than min (1)",
        ),
        (
            "discrete empty",
            Dist::discrete(vec![], None),
            "at least one value",
        ),
        (
            "discrete NaN value",
            Dist::discrete(vec![1.0, nan], None),
            "value 2 must be a finite",
        ),
        (
            "discrete lengths",
            Dist::discrete(vec![1.0, 2.0], Some(vec![1.0])),
            "2 values but 1 weight",
        ),
        (
            "discrete negative",
            Dist::discrete(vec![1.0, 2.0], Some(vec![1.0, -1.0])),
            "weight 2 (-1) must not be negative",
        ),
        (
            "discrete zero sum",
            Dist::discrete(vec![1.0, 2.0], Some(vec![0.0, 0.0])),
            "positive sum",
        ),
        (
            "discrete NaN weight",
            Dist::discrete(vec![1.0], Some(vec![nan])),
            "weight 1 must be a finite",
        ),
        (
            "discrete inf weight",
            Dist::discrete(vec![1.0], Some(vec![inf])),
            "weight 1 must be a finite",
        ),
    ];
    for (case, r, needle) in cases {
        refuses(r, needle, case);
    }
}

/// Each refusal is its own variant, with the parameter and the values it names.
#[test]
fn constructors_name_the_problem() {
    use DistError::*;
    let nan = f64::NAN;
    assert!(matches!(
        Dist::uniform(nan, 1.0),
        Err(NotFinite { param: "low", value }) if value.is_nan()
    ));
    assert_eq!(
        Dist::uniform(2.0, 1.0),
        Err(NotGreater {
            low: "low",
            low_value: 2.0,
            high: "high",
            high_value: 1.0
        })
    );
    assert_eq!(
        Dist::uniform(-1e308, 1e308),
        Err(TooWide {
            low: -1e308,
            high: 1e308
        })
    );
    assert_eq!(
        Dist::normal(1.0, -0.1),
        Err(Negative {
            param: "sd",
            value: -0.1
        })
    );
    assert_eq!(
        Dist::lognormal_p5_p95(-1.0, 1.0),
        Err(IntervalNotPositive { p5: -1.0, p95: 1.0 })
    );
    assert_eq!(
        Dist::lognormal_p5_p95(0.1, 0.05),
        Err(NotGreater {
            low: "p5",
            low_value: 0.1,
            high: "p95",
            high_value: 0.05
        })
    );
    assert_eq!(
        Dist::lognormal_median_sigma(0.0, 0.5),
        Err(MedianNotPositive { median: 0.0 })
    );
    assert_eq!(
        Dist::triangular(1.0, 2.0, 1.5),
        Err(ModeOutside {
            mode: 2.0,
            min: 1.0,
            max: 1.5
        })
    );
    assert_eq!(
        Dist::beta(0.0, 2.0, 0.0, 1.0),
        Err(NotPositive {
            param: "alpha",
            value: 0.0
        })
    );
    assert_eq!(Dist::discrete(vec![], None), Err(NoValues));
    assert!(matches!(
        Dist::discrete(vec![1.0, nan], None),
        Err(ItemNotFinite {
            list: "value",
            index: 2,
            ..
        })
    ));
    assert_eq!(
        Dist::discrete(vec![1.0, 2.0], Some(vec![1.0])),
        Err(WeightCount {
            values: 2,
            weights: 1
        })
    );
    assert_eq!(
        Dist::discrete(vec![1.0, 2.0], Some(vec![1.0, -1.0])),
        Err(NegativeWeight {
            index: 2,
            value: -1.0
        })
    );
    assert_eq!(
        Dist::discrete(vec![1.0, 2.0], Some(vec![0.0, 0.0])),
        Err(WeightSum)
    );
}

#[test]
fn constructors_accept_edge_cases() {
    assert!(Dist::normal(1.0, 0.0).is_ok());
    assert!(Dist::lognormal_median_sigma(2.0, 0.0).is_ok());
    assert!(Dist::triangular(1.0, 1.0, 2.0).is_ok());
    assert!(Dist::pert(1.0, 2.0, 2.0).is_ok());
    match Dist::discrete(vec![1.0, 2.0], Some(vec![1.0, 3.0])) {
        Ok(Dist::Discrete { weights, .. }) => assert_eq!(weights, vec![0.25, 0.75]),
        other => panic!("{other:?}"),
    }
    match Dist::lognormal_p5_p95(0.05, 0.1) {
        Ok(Dist::LogNormal { mu, sigma }) => {
            assert!((mu - 0.5 * (0.05f64.ln() + 0.1f64.ln())).abs() < 1e-15);
            assert!((sigma - 2f64.ln() / (2.0 * 1.6448536269514722)).abs() < 1e-15);
        }
        other => panic!("{other:?}"),
    }
}

fn m(d: Result<Dist, DistError>, min: Option<f64>, max: Option<f64>) -> Marginal {
    Marginal::new(d.expect("valid dist"), min, max).expect("valid marginal")
}

#[test]
fn truncation_refusals() {
    let tri = || Dist::triangular(1.0, 1.2, 1.5).expect("valid");
    let e = Marginal::new(tri(), Some(2.0), Some(1.0)).expect_err("min > max");
    assert_eq!(e, DistError::BoundsReversed { min: 2.0, max: 1.0 });
    assert_eq!(e.to_string(), "min (2) must not be greater than max (1)");
    let e = Marginal::new(tri(), Some(2.0), None).expect_err("no mass");
    assert_eq!(
        e,
        DistError::NoMass {
            min: 2.0,
            max: f64::INFINITY,
            dist: tri()
        }
    );
    assert_eq!(
        e.to_string(),
        "truncation to [2, inf] leaves no probability mass of triangular(1, 1.2, 1.5)"
    );
    assert_eq!(
        Marginal::new(tri(), Some(f64::NAN), None).expect_err("NaN"),
        DistError::NanBound
    );
    assert!(Marginal::new(tri(), Some(1.2), Some(1.2)).is_err());
    assert!(Marginal::new(Dist::fixed(1.0).expect("valid"), Some(2.0), None).is_err());
    assert!(Marginal::new(Dist::normal(0.0, 1.0).expect("valid"), Some(40.0), None).is_err());
    assert!(
        Marginal::new(
            Dist::lognormal_p5_p95(1.0, 2.0).expect("valid"),
            None,
            Some(0.0)
        )
        .is_err()
    );
    let d = Dist::discrete(vec![1.0, 2.0, 3.0], None).expect("valid");
    assert!(Marginal::new(d, Some(1.5), Some(1.9)).is_err());
    // An unbounded bound is the same as none.
    let n = m(
        Dist::normal(0.0, 1.0),
        Some(f64::NEG_INFINITY),
        Some(f64::INFINITY),
    );
    assert_eq!(n.to_string(), "normal(mean=0, sd=1)");
}

#[test]
fn display_short_forms() {
    let cases = [
        (m(Dist::fixed(1.2), None, None), "1.2"),
        (m(Dist::fixed(8e9), None, None), "8e9"),
        (
            m(Dist::uniform(0.05, 0.15), None, None),
            "uniform(0.05, 0.15)",
        ),
        (
            m(Dist::normal(1.0, 0.2), None, None),
            "normal(mean=1, sd=0.2)",
        ),
        (
            m(Dist::lognormal_p5_p95(0.05, 0.10), None, None),
            "lognormal(p5=0.05, p95=0.1)",
        ),
        (
            m(Dist::lognormal_p5_p95(3e9, 8e9), None, None),
            "lognormal(p5=3e9, p95=8e9)",
        ),
        (
            m(Dist::lognormal_median_sigma(2.0, 0.3), None, None),
            "lognormal(median=2, sigma=0.3)",
        ),
        (
            m(Dist::triangular(1.1, 1.18, 1.35), None, None),
            "triangular(1.1, 1.18, 1.35)",
        ),
        (
            m(Dist::pert(1.1, 1.2, 1.35), None, None),
            "pert(1.1, 1.2, 1.35)",
        ),
        (m(Dist::beta(2.0, 5.0, 0.0, 1.0), None, None), "beta(2, 5)"),
        (
            m(Dist::beta(2.0, 5.0, 0.5, 0.9), None, None),
            "beta(2, 5) on [0.5, 0.9]",
        ),
        (
            m(Dist::discrete(vec![1.0, 2.0], None), None, None),
            "discrete([1, 2])",
        ),
        (
            m(
                Dist::discrete(vec![1.0, 2.0], Some(vec![3.0, 7.0])),
                None,
                None,
            ),
            "discrete([1, 2], [0.3, 0.7])",
        ),
        (
            m(Dist::normal(1.0, 0.5), Some(0.0), None),
            "normal(mean=1, sd=0.5) truncated to [0, inf)",
        ),
        (
            m(Dist::triangular(1.0, 1.2, 1.5), Some(1.1), Some(1.3)),
            "triangular(1, 1.2, 1.5) truncated to [1.1, 1.3]",
        ),
        // A truncation that cuts nothing is not shown.
        (
            m(Dist::uniform(0.0, 1.0), Some(-1.0), Some(2.0)),
            "uniform(0, 1)",
        ),
        (
            m(Dist::normal(0.0, 1.0), None, Some(2.5e-5)),
            "normal(mean=0, sd=1) truncated to (-inf, 2.5e-5]",
        ),
    ];
    for (marginal, want) in cases {
        assert_eq!(marginal.to_string(), want);
    }
}

#[test]
fn fmt_num_is_compact() {
    assert_eq!(fmt_num(0.0), "0");
    assert_eq!(fmt_num(0.1 + 0.2), "0.3");
    assert_eq!(fmt_num(123456.5), "123456.5");
    assert_eq!(fmt_num(1.5e6), "1.5e6");
    assert_eq!(fmt_num(-1.5e-5), "-1.5e-5");
    assert_eq!(fmt_num(f64::INFINITY), "inf");
}

#[test]
fn fixed_values() {
    assert_eq!(m(Dist::fixed(1.2), None, None).fixed_value(), Some(1.2));
    assert_eq!(
        m(Dist::normal(3.0, 0.0), None, None).fixed_value(),
        Some(3.0)
    );
    let ln = m(Dist::lognormal_median_sigma(2.0, 0.0), None, None).fixed_value();
    assert!((ln.expect("point") - 2.0).abs() < 1e-15);
    assert_eq!(
        m(Dist::discrete(vec![4.0], None), None, None).fixed_value(),
        Some(4.0)
    );
    // Truncation leaving one value.
    let d = m(
        Dist::discrete(vec![1.0, 2.0, 3.0], None),
        Some(1.5),
        Some(2.5),
    );
    assert_eq!(d.fixed_value(), Some(2.0));
    assert_eq!(d.quantile(0.3), 2.0);
    assert_eq!(m(Dist::normal(3.0, 1.0), None, None).fixed_value(), None);
    assert_eq!(m(Dist::uniform(0.0, 1.0), None, None).fixed_value(), None);
    // A point survives a truncation that contains it.
    assert_eq!(
        m(Dist::normal(3.0, 0.0), Some(0.0), None).fixed_value(),
        Some(3.0)
    );
}

#[test]
fn mass_outside_and_bounds() {
    let n = m(Dist::normal(0.0, 1.0), None, None);
    assert!((n.mass_outside(0.0, f64::INFINITY) - 0.5).abs() < 1e-15);
    assert!((n.mass_outside(-1.96, 1.96) - 0.05).abs() < 1e-4);
    // As truncated: a normal already truncated to [0, inf) loses nothing to a domain >= 0.
    let t = m(Dist::normal(0.0, 1.0), Some(0.0), None);
    assert_eq!(t.mass_outside(0.0, f64::INFINITY), 0.0);
    assert_eq!(t.bounds(), (0.0, f64::INFINITY));
    let d = m(
        Dist::discrete(vec![1.0, 2.0, 3.0], Some(vec![1.0, 1.0, 2.0])),
        None,
        None,
    );
    assert_eq!(d.mass_outside(1.5, 2.5), 0.75);
    assert_eq!(d.mass_outside(1.0, 3.0), 0.0);
    assert_eq!(d.bounds(), (1.0, 3.0));
    let tri = m(Dist::triangular(0.0, 0.5, 1.0), None, None);
    assert!((tri.mass_outside(0.0, 0.5) - 0.5).abs() < 1e-15);
}

#[test]
fn discrete_quantile_and_cdf() {
    let d = m(
        Dist::discrete(vec![3.0, 1.0, 2.0, 1.0], Some(vec![1.0, 1.0, 1.0, 1.0])),
        None,
        None,
    );
    // Sorted and merged: 1 (0.5), 2 (0.25), 3 (0.25).
    assert_eq!(d.quantile(0.0), 1.0);
    assert_eq!(d.quantile(0.4999), 1.0);
    assert_eq!(d.quantile(0.5), 2.0);
    assert_eq!(d.quantile(0.75), 3.0);
    assert_eq!(d.quantile(1.0), 3.0);
    assert_eq!(d.cdf(0.5), 0.0);
    assert_eq!(d.cdf(1.0), 0.5);
    assert_eq!(d.cdf(2.5), 0.75);
    assert_eq!(d.mean(), 1.75);
    // Zero-weight values are never drawn.
    let z = m(
        Dist::discrete(vec![1.0, 2.0, 3.0], Some(vec![1.0, 0.0, 1.0])),
        None,
        None,
    );
    for i in 0..100 {
        assert_ne!(z.quantile(i as f64 / 100.0), 2.0);
    }
}

#[test]
fn quantile_is_finite_and_inside_bounds_at_the_ends() {
    let ms = [
        m(Dist::normal(1.0, 2.0), None, None),
        m(Dist::normal(1.0, 2.0), Some(0.0), None),
        m(Dist::normal(0.0, 1.0), Some(10.0), None),
        m(Dist::lognormal_p5_p95(0.05, 0.1), None, None),
        m(Dist::pert(1.0, 1.0, 2.0), None, None),
        m(Dist::beta(0.5, 0.5, 0.0, 1.0), None, None),
        m(Dist::triangular(1.0, 1.2, 1.5), Some(1.1), Some(1.3)),
    ];
    for marginal in &ms {
        let (lo, hi) = marginal.bounds();
        for u in [0.0, 1e-300, 2f64.powi(-53), 0.5, 1.0 - 2f64.powi(-53), 1.0] {
            let x = marginal.quantile(u);
            assert!(
                x.is_finite() && x >= lo && x <= hi,
                "{marginal}: quantile({u}) = {x}"
            );
        }
    }
    // Normal truncated far in the upper tail keeps its precision (reflected side).
    let far = m(Dist::normal(0.0, 1.0), Some(10.0), None);
    assert!(far.quantile(0.0) >= 10.0 && far.quantile(0.5) < 10.1);
    assert!(
        (far.mean() - 10.098093233962).abs() < 1e-9,
        "{}",
        far.mean()
    );
}

#[test]
fn quantile_slice_gives_the_bits_of_quantile() {
    let ms = [
        m(Dist::fixed(3.5), None, None),
        m(Dist::uniform(2.5e9, 5e9), None, None),
        m(Dist::uniform(0.4, 0.7), Some(0.45), Some(0.6)),
        m(Dist::normal(1.0, 2.0), None, None),
        m(Dist::normal(1.0, 2.0), Some(0.0), None),
        m(Dist::normal(0.0, 1.0), Some(10.0), None),
        m(Dist::lognormal_p5_p95(3.0, 6.0), None, None),
        m(Dist::lognormal_p5_p95(2026.75, 2027.5), None, None),
        m(
            Dist::lognormal_p5_p95(200.0, 4000.0),
            Some(250.0),
            Some(3000.0),
        ),
        m(Dist::triangular(1.10, 1.18, 1.35), None, None),
        m(Dist::triangular(1.0, 1.0, 2.0), None, None),
        m(Dist::triangular(1.0, 2.0, 2.0), None, None),
        m(Dist::triangular(1.0, 1.2, 1.5), Some(1.1), Some(1.3)),
        m(Dist::pert(0.08, 0.10, 0.14), None, None),
        m(Dist::beta(0.5, 0.5, 0.0, 1.0), None, None),
        m(
            Dist::discrete(vec![1.0, 2.0, 5.0], Some(vec![0.2, 0.5, 0.3])),
            None,
            None,
        ),
    ];
    // The ends, the edges of the normal quantile's central region (|u − 0.5| = 0.425), and a
    // deterministic scatter over (0, 1) long enough to span several chunks.
    let mut us = vec![
        0.0,
        1e-300,
        2f64.powi(-53),
        0.075,
        0.075f64.next_down(),
        0.075f64.next_up(),
        0.5,
        0.925,
        0.925f64.next_down(),
        0.925f64.next_up(),
        1.0 - 2f64.powi(-53),
        1.0,
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..2_000 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        us.push(crate::random::open_uniform(state));
    }
    for marginal in &ms {
        let mut got = us.clone();
        marginal.quantile_slice(&mut got);
        for (&u, &x) in us.iter().zip(&got) {
            let want = marginal.quantile(u);
            assert_eq!(
                x.to_bits(),
                want.to_bits(),
                "{marginal}: quantile_slice({u}) = {x}, quantile({u}) = {want}"
            );
        }
    }
}

#[test]
fn norm_quantile_slice_gives_the_bits_of_norm_quantile() {
    use super::special::norm_quantile_slice;
    let mut ps = vec![0.0, 1.0, -0.5, 1.5, f64::NAN, f64::MIN_POSITIVE, 0.5];
    ps.extend((1..1_000).map(|i| i as f64 / 1_000.0));
    let mut got = ps.clone();
    norm_quantile_slice(&mut got);
    for (&p, &z) in ps.iter().zip(&got) {
        assert_eq!(z.to_bits(), norm_quantile(p).to_bits(), "p = {p}");
    }
}

#[test]
fn a_normal_score_gives_the_quantile_of_its_probability() {
    // `quantile_of_scores_slice(z)` is the quantile at Φ(z) without the round trip: within a
    // few rounding errors of `quantile(Φ(z))` where Φ(z) has digits to spare, and exactly the
    // same values at and beyond the scores the uniform path can reach.
    let lognormal = m(Dist::lognormal_p5_p95(3.0, 6.0), None, None);
    let normal = m(Dist::normal(100.0, 15.0), None, None);
    // A bound that only clamps far in the tail leaves the scores path open…
    let floored = m(Dist::normal(100.0, 15.0), Some(-1e9), None);
    // …while a real truncation, and the other families, take uniforms.
    let truncated = m(Dist::normal(100.0, 15.0), Some(90.0), None);
    let triangular = m(Dist::triangular(1.0, 2.0, 4.0), None, None);
    assert!(lognormal.takes_normal_scores() && normal.takes_normal_scores());
    assert!(!truncated.takes_normal_scores() && !triangular.takes_normal_scores());
    let (p_min, p_max) = (f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0);
    for marginal in [&lognormal, &normal, &floored] {
        if !marginal.takes_normal_scores() {
            continue;
        }
        let zs: Vec<f64> = (-800..=800).map(|i| f64::from(i) / 100.0).collect();
        let mut got = zs.clone();
        marginal.quantile_of_scores_slice(&mut got);
        for (&z, &x) in zs.iter().zip(&got) {
            let want = marginal.quantile(norm_cdf(z).clamp(p_min, p_max));
            // The round trip's own error: Φ(z) near 1 has steps of 2^-53, a relative error of
            // 2^-53 / (1 − Φ(z)) in the upper tail's probability (1e-11 at z = 4.6).
            let tolerance = if z.abs() <= 3.0 { 1e-12 } else { 1e-8 };
            if z.abs() <= 6.0 {
                assert!(
                    (x - want).abs() <= tolerance * want.abs().max(1.0),
                    "{marginal}: z = {z}, {x} against {want}"
                );
            }
            // Monotone in the score, and inside the support.
            assert!(x >= marginal.quantile(p_min) && x <= marginal.quantile(p_max));
        }
        assert!(got.windows(2).all(|w| w[0] <= w[1]), "{marginal}: monotone");
        // The ends: the very values of the uniform path's smallest and largest probabilities.
        let mut ends = [-40.0, f64::NEG_INFINITY, 40.0, f64::INFINITY];
        marginal.quantile_of_scores_slice(&mut ends);
        let (lo, hi) = (marginal.quantile(p_min), marginal.quantile(p_max));
        assert_eq!(
            ends.map(f64::to_bits),
            [lo, lo, hi, hi].map(f64::to_bits),
            "{marginal}"
        );
    }
}

#[test]
#[should_panic(expected = "only an untruncated normal or lognormal")]
fn a_marginal_that_takes_no_scores_refuses_them() {
    m(Dist::normal(100.0, 15.0), Some(90.0), None).quantile_of_scores_slice(&mut [0.5]);
}

/// A PERT whose range nears the largest number answers at once (its shapes stay finite), and
/// a beta outside the supported shapes (1e15, where the incomplete beta function would take
/// minutes) is refused with the range; the corners of that range build quickly.
#[test]
fn special_functions_answer_at_the_extremes() {
    let start = std::time::Instant::now();
    let m = Marginal::new(
        Dist::pert(0.0, 1.0, 1.797e308).expect("valid"),
        Some(0.0),
        None,
    )
    .expect("valid");
    for u in [0.0, 0.05, 0.5, 0.95, 1.0] {
        assert!(m.quantile(u).is_finite(), "{u}");
    }
    assert!(m.quantile(0.5) > 1e307);
    assert!(start.elapsed().as_secs_f64() < 5.0, "{:?}", start.elapsed());
    for (a, b) in [(1e15, 1e15), (0.001, 2.0), (2.0, 1e7)] {
        let e = Dist::beta(a, b, 0.0, 1.0).expect_err("outside the supported range");
        assert!(matches!(e, DistError::ShapeOutOfRange { .. }), "{e:?}");
        assert!(e.to_string().contains("between 0.05 and 1e6"), "{e}");
    }
    let start = std::time::Instant::now();
    for (a, b) in [
        (BETA_SHAPE_MIN, BETA_SHAPE_MIN),
        (BETA_SHAPE_MIN, BETA_SHAPE_MAX),
        (BETA_SHAPE_MAX, BETA_SHAPE_MIN),
        (BETA_SHAPE_MAX, BETA_SHAPE_MAX),
    ] {
        let m =
            Marginal::new(Dist::beta(a, b, 0.0, 1.0).expect("valid"), None, None).expect("valid");
        let q: Vec<f64> = (0..=20).map(|i| m.quantile(i as f64 / 20.0)).collect();
        assert!(q.windows(2).all(|w| w[0] <= w[1]), "beta({a}, {b}): {q:?}");
    }
    assert!(
        start.elapsed().as_secs_f64() < 20.0,
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn an_affine_change_moves_every_quantile() {
    let us = [0.0, 0.01, 0.05, 0.3, 0.5, 0.77, 0.95, 0.999];
    let bases = [
        m(Dist::triangular(1.1, 1.18, 1.35), None, None),
        m(Dist::lognormal_p5_p95(2026.75, 2027.5), None, None),
        m(Dist::normal(0.5, 0.1), Some(0.0), Some(1.0)),
        m(Dist::discrete(vec![1.0, 2.0, 4.0], None), None, None),
        m(Dist::uniform(0.4, 0.75), None, None),
    ];
    for base in bases {
        // Two changes compose: (x × 1.5) + 2 then × 0.5, i.e. x × 0.75 + 1.
        let c = base
            .clone()
            .affine(1.5, 2.0)
            .and_then(|c| c.affine(0.5, 0.0))
            .expect("valid");
        for u in us {
            let (x, y) = (base.quantile(u), c.quantile(u));
            assert!(
                (y - (0.75 * x + 1.0)).abs() <= 1e-12 * y.abs(),
                "{base} u={u}"
            );
            // The CDF inverts the quantile of the changed distribution as it did the base's.
            assert!((c.cdf(y) - base.cdf(x)).abs() <= 1e-12, "{base} u={u}");
        }
        let (lo, hi) = base.bounds();
        assert_eq!(c.bounds(), (0.75 * lo + 1.0, 0.75 * hi + 1.0), "{base}");
        assert!((c.mean() - (0.75 * base.mean() + 1.0)).abs() <= 1e-12 * c.mean().abs());
        let (a, b) = (
            c.mass_outside(0.75 * lo + 1.0, 0.75 * base.quantile(0.5) + 1.0),
            base.mass_outside(lo, base.quantile(0.5)),
        );
        assert!((a - b).abs() <= 1e-9, "{base}: {a} vs {b}");
        // The slice paths agree with the scalar one.
        let mut xs = us.to_vec();
        c.quantile_slice(&mut xs);
        for (u, x) in us.iter().zip(&xs) {
            assert_eq!(*x, c.quantile(*u));
        }
        assert!(c.to_string().ends_with("× 0.75 + 1"), "{c}");
    }
    let fixed = m(Dist::fixed(1.2), None, None)
        .affine(1.1, 0.0)
        .expect("valid");
    assert_eq!(fixed.fixed_value(), Some(1.2 * 1.1));
    for (s, b) in [
        (0.0, 0.0),
        (-1.0, 0.0),
        (f64::NAN, 0.0),
        (1.0, f64::INFINITY),
    ] {
        assert!(
            m(Dist::fixed(1.0), None, None).affine(s, b).is_err(),
            "{s} {b}"
        );
    }
}
