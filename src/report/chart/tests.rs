use super::*;

#[test]
fn bin_shares_of_a_uniform_grid_are_flat_and_sum_to_the_kept_mass() {
    // Uniform on [0, 200]: quantile i/200 is i.
    let q: Vec<f64> = (0..=200).map(|i| i as f64).collect();
    let s = bin_shares(&q, 1.0, 199.0, 4);
    let total: f64 = s.iter().sum();
    assert!((total - 198.0 / 200.0).abs() < 1e-12, "{total}");
    for v in &s {
        assert!((v - total / 4.0).abs() < 1e-12, "{s:?}");
    }
}

#[test]
fn bin_shares_put_a_point_mass_in_its_bin() {
    let q = vec![5.0; 201];
    let s = bin_shares(&q, 4.0, 6.0, 4);
    assert!((s[2] - 1.0).abs() < 1e-12, "{s:?}");
    assert_eq!(bin_shares(&q, 5.0, 5.0, 4), vec![0.0; 4]);
}

#[test]
fn grid_quantile_interpolates() {
    let q: Vec<f64> = (0..=200).map(|i| i as f64 * 2.0).collect();
    assert_eq!(grid_quantile(&q, 0.5), 200.0);
    assert_eq!(grid_quantile(&q, 0.05), 20.0);
    assert!((grid_quantile(&q, 0.0025) - 1.0).abs() < 1e-12);
    assert!(grid_quantile(&[], 0.5).is_nan());
}

#[test]
fn quantiles_are_checked() {
    assert!(matches!(
        check_quantiles(&[]),
        Err(ChartError::TooFewQuantiles { got: 0 })
    ));
    assert!(matches!(
        check_quantiles(&[1.0]),
        Err(ChartError::TooFewQuantiles { got: 1 })
    ));
    assert!(matches!(
        check_quantiles(&[f64::NAN, 1.0]),
        Err(ChartError::QuantilesNotFinite)
    ));
    assert!(matches!(
        check_quantiles(&[2.0, 1.0]),
        Err(ChartError::QuantilesNotSorted)
    ));
    assert!(check_quantiles(&[1.0, 1.0, 2.0]).is_ok());
}

#[test]
fn stems_are_file_safe() {
    assert_eq!(safe_stem("hist_cost/../x y"), "hist_cost____x_y");
    assert_eq!(safe_stem(""), "chart");
}

#[test]
fn the_font_registers_once_and_is_usable() {
    assert!(ensure_font().is_ok());
    assert!(ensure_font().is_ok());
}
