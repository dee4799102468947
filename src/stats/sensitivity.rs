//! One-at-a-time and rank-based sensitivity helpers: Spearman correlation of each input column
//! with an output (rows where the output is NaN dropped from every column alike), the swing of a
//! tornado bar, and the orderings the reports use.

use super::spearman;

/// Spearman rank correlation of every input column with `y`, on the rows where `y` is not NaN.
/// Returns the correlations (input order) and the number of rows dropped. A column (or `y`) that
/// is constant on the kept rows gives NaN.
pub fn spearman_columns(columns: &[Vec<f64>], y: &[f64]) -> (Vec<f64>, usize) {
    let keep: Vec<usize> = (0..y.len()).filter(|&i| !y[i].is_nan()).collect();
    let dropped = y.len() - keep.len();
    let yk: Vec<f64> = keep.iter().map(|&i| y[i]).collect();
    let rhos = columns
        .iter()
        .map(|c| {
            if c.len() != y.len() {
                return f64::NAN;
            }
            let ck: Vec<f64> = keep.iter().map(|&i| c[i]).collect();
            spearman(&ck, &yk)
        })
        .collect();
    (rhos, dropped)
}

/// The swing of a tornado bar: `|high − low|` (NaN when either end is NaN).
pub fn swing(low: f64, high: f64) -> f64 {
    (high - low).abs()
}

/// Indices of `keys` ordered by `|key|` descending; NaN keys last; ties keep input order.
pub fn order_by_abs_desc(keys: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    let rank = |v: f64| if v.is_nan() { -1.0 } else { v.abs() };
    order.sort_by(|&a, &b| rank(keys[b]).total_cmp(&rank(keys[a])));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordering_puts_the_largest_magnitude_first_and_nan_last() {
        let k = [0.1, -0.9, f64::NAN, 0.5, -0.5];
        assert_eq!(order_by_abs_desc(&k), vec![1, 3, 4, 0, 2]);
    }

    #[test]
    fn spearman_drops_nan_rows_of_the_output() {
        let x = vec![1.0, 2.0, 3.0, 4.0, 5.0];
        let z = vec![5.0, 4.0, 0.0, 2.0, 1.0];
        let y = [10.0, 20.0, f64::NAN, 40.0, 50.0];
        let (r, dropped) = spearman_columns(&[x, z], &y);
        assert_eq!(dropped, 1);
        assert!((r[0] - 1.0).abs() < 1e-12);
        assert!((r[1] + 1.0).abs() < 1e-12);
    }

    #[test]
    fn swing_is_the_absolute_width() {
        assert_eq!(swing(3.0, 1.0), 2.0);
        assert!(swing(f64::NAN, 1.0).is_nan());
    }
}
