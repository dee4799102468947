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

fn heatmap(values: Vec<Vec<f64>>, rows: usize, cols: usize) -> Chart {
    Chart::Heatmap(Heatmap {
        title: "t".into(),
        subtitle: "s".into(),
        row_desc: "facility.pue".into(),
        column_desc: "workload.utilization".into(),
        row_labels: (0..rows).map(|i| i.to_string()).collect(),
        column_labels: (0..cols).map(|i| format!("c{i}")).collect(),
        value_desc: "median".into(),
        unit: "USD per million tokens".into(),
        values,
    })
}

#[test]
fn a_heatmap_prints_each_cell_and_survives_odd_values() {
    let svg = heatmap(vec![vec![1.5, 2.5, 3.5], vec![4.5, 5.5, 6.5]], 2, 3)
        .to_svg()
        .expect("drawn");
    for v in [
        "$1.50",
        "$6.50",
        "c2",
        "facility.pue",
        "workload.utilization",
    ] {
        assert!(svg.contains(v), "{v}");
    }
    // An undefined cell, every cell equal, a single cell: drawn, no panic.
    let odd = heatmap(vec![vec![f64::NAN, 2.0], vec![2.0, f64::INFINITY]], 2, 2)
        .to_svg()
        .expect("drawn");
    assert!(odd.contains("n/a"));
    assert!(heatmap(vec![vec![3.0]], 1, 1).to_svg().is_ok());
    assert!(heatmap(vec![vec![f64::NAN; 2]; 2], 2, 2).to_svg().is_ok());
    // Values that do not fill the labels' grid are an error, not a panic.
    assert!(matches!(
        heatmap(vec![vec![1.0, 2.0]], 2, 2).to_svg(),
        Err(ChartError::GridShape {
            rows: 2,
            columns: 2
        })
    ));
    assert!(matches!(
        heatmap(Vec::new(), 0, 0).to_svg(),
        Err(ChartError::GridShape { .. })
    ));
}
