//! Accuracy of the tabulated beta/PERT quantile against a reference that inverts
//! `special::beta_inc` by plain bisection. The error is measured in x-space, relative to the
//! width of the support, over a grid dense in the body and geometric in both tails (including
//! the midpoints between table knots, where cubic interpolation is worst).

use gwsim::dist::{Dist, Marginal, special};

/// `y` in [0, 1] with `I_y(a, b) = p`, by bisection to an absolute width of 1e-16 (or the
/// resolution of doubles for tiny roots).
fn bisect_lower(a: f64, b: f64, p: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..1100 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi || (hi - lo) <= 1e-16 * hi.max(1e-300) {
            break;
        }
        if special::beta_inc(a, b, mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Reference quantile of Beta(a, b) on [low, high] truncated to the standard interval
/// `[ylo, yhi]`; the upper half is solved on the mirrored beta so that `1 − u` keeps its
/// precision.
fn reference(a: f64, b: f64, low: f64, high: f64, ylo: f64, yhi: f64, u: f64) -> f64 {
    let p0 = special::beta_inc(a, b, ylo);
    let s1 = special::beta_inc(b, a, 1.0 - yhi);
    let dp = 1.0 - p0 - s1;
    if u < 0.5 {
        low + (high - low) * bisect_lower(a, b, p0 + u * dp)
    } else {
        high - (high - low) * bisect_lower(b, a, s1 + (1.0 - u) * dp)
    }
}

fn grid() -> Vec<f64> {
    let mut us = Vec::new();
    // Body: a stride that is not a multiple of the knot spacing.
    for i in 1..1500 {
        us.push(i as f64 / 1500.0 + 1.0 / 7919.0);
    }
    // Tails: knot midpoints and quarter points in octaves 2^-2 … 2^-52.
    for j in 2..=52 {
        let base = 0.5_f64.powi(j);
        for k in [0.25, 0.5, 0.75, 7.0 / 16.0, 0.99] {
            let t = base * (1.0 + k / 64.0) + base * 0.3;
            us.push(t);
            us.push(1.0 - t);
        }
    }
    us.retain(|u| *u > 0.0 && *u < 1.0);
    us
}

fn max_error(name: &str, marginal: &Marginal, a: f64, b: f64, low: f64, high: f64) -> f64 {
    let (lo, hi) = marginal.bounds();
    let (ylo, yhi) = ((lo - low) / (high - low), (hi - low) / (high - low));
    let mut worst: (f64, f64) = (0.0, 0.0);
    for u in grid() {
        let got = marginal.quantile(u);
        let want = reference(a, b, low, high, ylo, yhi, u);
        let e = (got - want).abs() / (high - low);
        if e > worst.0 {
            worst = (e, u);
        }
    }
    println!(
        "{name}: max |error| / range = {:.3e} at u = {:e}",
        worst.0, worst.1
    );
    worst.0
}

#[test]
fn pert_table_error_is_below_1e_9_of_the_range() {
    let shapes = [
        (1.1, 1.2, 1.35),
        (0.0, 0.0, 1.0),
        (0.0, 1.0, 1.0),
        (0.0, 0.5, 1.0),
        (10.0, 11.0, 100.0),
    ];
    for (min, mode, max) in shapes {
        let m =
            Marginal::new(Dist::pert(min, mode, max).expect("valid"), None, None).expect("valid");
        let r = max - min;
        let (a, b) = (1.0 + 4.0 * (mode - min) / r, 1.0 + 4.0 * (max - mode) / r);
        let e = max_error(&format!("pert({min}, {mode}, {max})"), &m, a, b, min, max);
        assert!(e < 1e-9, "pert({min}, {mode}, {max}): {e:e}");
    }
}

#[test]
fn beta_table_error_is_below_1e_9_of_the_range() {
    let shapes = [(2.0, 5.0), (0.5, 0.5), (0.5, 3.0), (1.0, 1.0), (30.0, 70.0)];
    for (a, b) in shapes {
        let m =
            Marginal::new(Dist::beta(a, b, 0.0, 1.0).expect("valid"), None, None).expect("valid");
        let e = max_error(&format!("beta({a}, {b})"), &m, a, b, 0.0, 1.0);
        assert!(e < 1e-9, "beta({a}, {b}): {e:e}");
    }
}

#[test]
fn truncated_pert_table_error() {
    let m = Marginal::new(
        Dist::pert(1.0, 1.2, 2.0).expect("valid"),
        Some(1.1),
        Some(1.5),
    )
    .expect("valid");
    let (a, b) = (1.0 + 4.0 * 0.2, 1.0 + 4.0 * 0.8);
    let e = max_error(
        "pert(1, 1.2, 2) truncated to [1.1, 1.5]",
        &m,
        a,
        b,
        1.0,
        2.0,
    );
    assert!(e < 1e-9, "{e:e}");
}
