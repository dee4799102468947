//! Variance-based sensitivity: Sobol' first-order and total indices from a Saltelli design, with
//! bootstrap confidence intervals.
//!
//! The design (built by `engine::sensitivity`) has two matrices `A` and `B` of `n` independent
//! rows each, and for every input `i` the matrix `AB_i`: `A` with column `i` taken from `B`. This
//! module sees only the outputs `f(A)`, `f(B)` and `f(AB_i)` and computes (Saltelli et al. 2010,
//! "Variance based sensitivity analysis of model output", Table 2, estimators (b) and (f)):
//!
//! - `V = var(f)` over the `2n` values of `f(A)` and `f(B)` (n − 1 convention);
//! - first order `S_i = mean(f(B) · (f(AB_i) − f(A))) / V`;
//! - total (Jansen 1999) `ST_i = mean((f(A) − f(AB_i))²) / (2V)`.
//!
//! `f(B)` in the first-order numerator is centred on the mean of `f` over `A ∪ B`. The index is
//! unchanged in expectation (the term `c · mean(f(AB_i) − f(A))` has expectation zero), and the
//! estimate no longer depends on where the output's origin lies: without it, a metric of mean
//! 1e10 and sd 1e8 would lose most of its digits to cancellation.
//!
//! **Rows with a NaN** (an output undefined for that sample) are dropped whole — from `A`, `B` and
//! every `AB_i` alike — so all estimators see the same rows; [`SobolEstimate::dropped`] counts
//! them.
//!
//! **Intervals**: percentile bootstrap. Resample `r` draws `n` row indices with replacement from
//! the stream of `(seed, "sensitivity.sobol.bootstrap", r)` and recomputes every index (and `V`)
//! on those rows, as weighted sums with each row's multiplicity; the interval is the 2.5% and 97.5% quantiles of the resampled indices. Resamples run in
//! parallel (rayon) but each depends only on its own stream, so the result is the same on any
//! thread count. A row index is `⌊u64 · n / 2^64⌋` (multiply-shift; its bias is below n / 2^64).

use rayon::prelude::*;

use super::quantile_sorted;
use crate::random::stream;
use rand::Rng;

/// The stream name of the bootstrap resamples.
pub const BOOTSTRAP_STREAM: &str = "sensitivity.sobol.bootstrap";

/// Outputs of a Saltelli design: `f(A)`, `f(B)` (length `n` each) and `f(AB_i)` for `k` inputs,
/// input `i`, row `j` at `f_ab[i * n + j]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SaltelliOutputs {
    pub n: usize,
    pub k: usize,
    pub f_a: Vec<f64>,
    pub f_b: Vec<f64>,
    pub f_ab: Vec<f64>,
}

impl SaltelliOutputs {
    /// Check the lengths: `f_a` and `f_b` of `n`, `f_ab` of `k · n`.
    pub fn is_consistent(&self) -> bool {
        self.f_a.len() == self.n
            && self.f_b.len() == self.n
            && self.k.checked_mul(self.n) == Some(self.f_ab.len())
    }
}

/// First-order and total index of one input with their 95% bootstrap intervals. NaN when the
/// output does not vary (V = 0) or too few rows remain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    pub first: f64,
    pub first_ci: [f64; 2],
    pub total: f64,
    pub total_ci: [f64; 2],
}

/// The indices of every input, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolEstimate {
    pub indices: Vec<SobolIndex>,
    /// Variance of the output over `A ∪ B` (kept rows).
    pub variance: f64,
    /// Rows kept (used by the estimators).
    pub rows: usize,
    /// Rows dropped because an output of the row was NaN.
    pub dropped: usize,
    /// Bootstrap resamples drawn.
    pub resamples: usize,
}

/// The kept rows, centred once: `a_j = f(A)_j − c`, `b_j = f(B)_j − c` with `c` the mean over
/// `A ∪ B`, and `d_ij = f(AB_i)_j − f(A)_j`. Every estimate is a weighted sum over these rows
/// (weight 1 each for the point estimate; the multiplicities of a resample for the bootstrap),
/// read in order, which keeps the bootstrap fast and its numbers free of cancellation.
struct Centred {
    m: usize,
    k: usize,
    a: Vec<f64>,
    b: Vec<f64>,
    /// Input `i`, kept row `j` at `d[i * m + j]`.
    d: Vec<f64>,
}

impl Centred {
    fn new(o: &SaltelliOutputs, kept: &[usize]) -> Centred {
        let m = kept.len();
        let c = if m == 0 {
            0.0
        } else {
            kept.iter().map(|&j| o.f_a[j] + o.f_b[j]).sum::<f64>() / (2 * m) as f64
        };
        let a = kept.iter().map(|&j| o.f_a[j] - c).collect();
        let b = kept.iter().map(|&j| o.f_b[j] - c).collect();
        let mut d = Vec::with_capacity(o.k * m);
        for i in 0..o.k {
            let col = &o.f_ab[i * o.n..(i + 1) * o.n];
            d.extend(kept.iter().map(|&j| col[j] - o.f_a[j]));
        }
        Centred { m, k: o.k, a, b, d }
    }

    /// `(S_i, ST_i)` for every input and `V`, each row counted `w_j` times (`Σ w = m`; `None`
    /// means every row once).
    fn estimate(&self, w: Option<&[f64]>) -> (Vec<f64>, Vec<f64>, f64) {
        let m = self.m;
        if m < 2 {
            return (vec![f64::NAN; self.k], vec![f64::NAN; self.k], f64::NAN);
        }
        let weight = |j: usize| w.map_or(1.0, |w| w[j]);
        // The resample's own mean, as an offset from the full sample's.
        let mut sum = 0.0;
        for j in 0..m {
            sum += weight(j) * (self.a[j] + self.b[j]);
        }
        let delta = sum / (2 * m) as f64;
        let mut ss = 0.0;
        for j in 0..m {
            let (da, db) = (self.a[j] - delta, self.b[j] - delta);
            ss += weight(j) * (da * da + db * db);
        }
        let v = ss / (2 * m - 1) as f64;
        let mut first = Vec::with_capacity(self.k);
        let mut total = Vec::with_capacity(self.k);
        for i in 0..self.k {
            let d = &self.d[i * m..(i + 1) * m];
            // Σ w (b − δ) d = Σ w b d − δ Σ w d, and Σ w d².
            let (mut bd, mut sd, mut dd) = (0.0, 0.0, 0.0);
            match w {
                Some(w) => {
                    for ((&dj, &bj), &wj) in d.iter().zip(&self.b).zip(w) {
                        let t = wj * dj;
                        bd += t * bj;
                        sd += t;
                        dd += t * dj;
                    }
                }
                None => {
                    for (&dj, &bj) in d.iter().zip(&self.b) {
                        bd += dj * bj;
                        sd += dj;
                        dd += dj * dj;
                    }
                }
            }
            if v > 0.0 {
                first.push((bd - delta * sd) / m as f64 / v);
                total.push(dd / (2 * m) as f64 / v);
            } else {
                first.push(f64::NAN);
                total.push(f64::NAN);
            }
        }
        (first, total, v)
    }
}

/// The 2.5% and 97.5% quantiles of the finite values of `v` (NaN when there are none).
fn percentile_interval(v: &mut Vec<f64>) -> [f64; 2] {
    v.retain(|x| x.is_finite());
    v.sort_by(f64::total_cmp);
    [quantile_sorted(v, 0.025), quantile_sorted(v, 0.975)]
}

/// Sobol' indices of every input with percentile-bootstrap 95% intervals from `resamples`
/// resamples (0: intervals are NaN). Runs the resamples on the current rayon pool.
///
/// # Panics
/// If the lengths of `o` are inconsistent (a caller's bug; see [`SaltelliOutputs::is_consistent`]).
pub fn sobol_indices(o: &SaltelliOutputs, resamples: usize, seed: u64) -> SobolEstimate {
    assert!(o.is_consistent(), "inconsistent Saltelli outputs");
    let kept: Vec<usize> = (0..o.n)
        .filter(|&j| {
            !o.f_a[j].is_nan()
                && !o.f_b[j].is_nan()
                && (0..o.k).all(|i| !o.f_ab[i * o.n + j].is_nan())
        })
        .collect();
    let m = kept.len();
    let c = Centred::new(o, &kept);
    let (first, total, variance) = c.estimate(None);
    let boot: Vec<(Vec<f64>, Vec<f64>)> = if m >= 2 {
        (0..resamples)
            .into_par_iter()
            .map(|r| {
                // The multiplicity of each kept row in a resample of m rows with replacement.
                let mut rng = stream(seed, BOOTSTRAP_STREAM, r as u64);
                let mut w = vec![0.0; m];
                for _ in 0..m {
                    w[((u128::from(rng.next_u64()) * m as u128) >> 64) as usize] += 1.0;
                }
                let (s, t, _) = c.estimate(Some(&w));
                (s, t)
            })
            .collect()
    } else {
        Vec::new()
    };
    let indices = (0..o.k)
        .map(|i| {
            let mut f: Vec<f64> = boot.iter().map(|(s, _)| s[i]).collect();
            let mut t: Vec<f64> = boot.iter().map(|(_, s)| s[i]).collect();
            SobolIndex {
                first: first[i],
                first_ci: percentile_interval(&mut f),
                total: total[i],
                total_ci: percentile_interval(&mut t),
            }
        })
        .collect();
    SobolEstimate {
        indices,
        variance,
        rows: m,
        dropped: o.n - m,
        resamples: if m >= 2 { resamples } else { 0 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs(n: usize, k: usize, f: impl Fn(&[f64]) -> f64) -> SaltelliOutputs {
        // A tiny deterministic design: a Weyl sequence per column (enough for unit checks).
        let u = |j: usize, d: usize| {
            let g = [
                0.618_033_988_75,
                0.414_213_562_37,
                0.732_050_807_57,
                0.236_067_977_5,
            ];
            ((j as f64 + 0.5) * g[d % 4] + d as f64 * 0.1).fract()
        };
        let a: Vec<Vec<f64>> = (0..n).map(|j| (0..k).map(|d| u(j, d)).collect()).collect();
        let b: Vec<Vec<f64>> = (0..n)
            .map(|j| (0..k).map(|d| u(j * 7 + 3, d + k)).collect())
            .collect();
        let f_a = a.iter().map(|r| f(r)).collect();
        let f_b = b.iter().map(|r| f(r)).collect();
        let mut f_ab = Vec::new();
        for i in 0..k {
            for j in 0..n {
                let mut r = a[j].clone();
                r[i] = b[j][i];
                f_ab.push(f(&r));
            }
        }
        SaltelliOutputs {
            n,
            k,
            f_a,
            f_b,
            f_ab,
        }
    }

    #[test]
    fn an_input_the_output_ignores_has_zero_indices() {
        let o = outputs(512, 2, |x| x[0] * 3.0);
        let e = sobol_indices(&o, 50, 1);
        assert_eq!(e.indices[1].first, 0.0);
        assert_eq!(e.indices[1].total, 0.0);
        assert!(e.indices[0].total > 0.5, "{:?}", e.indices[0]);
    }

    #[test]
    fn a_constant_output_gives_nan_not_a_number_that_looks_real() {
        let o = outputs(64, 2, |_| 5.0);
        let e = sobol_indices(&o, 20, 1);
        assert!(
            e.indices
                .iter()
                .all(|s| s.first.is_nan() && s.total.is_nan())
        );
        assert_eq!(e.variance, 0.0);
    }

    #[test]
    fn nan_rows_are_dropped_everywhere_and_counted() {
        let mut o = outputs(100, 2, |x| x[0] + x[1]);
        o.f_ab[o.n + 7] = f64::NAN; // row 7 of AB_2
        o.f_b[9] = f64::NAN;
        let e = sobol_indices(&o, 10, 1);
        assert_eq!(e.dropped, 2);
        assert_eq!(e.rows, 98);
        assert!(e.indices.iter().all(|s| s.first.is_finite()));
    }

    #[test]
    fn shifting_the_output_does_not_change_the_indices() {
        let o1 = outputs(256, 3, |x| x[0] + 2.0 * x[1] * x[2]);
        let o2 = outputs(256, 3, |x| 1e9 + x[0] + 2.0 * x[1] * x[2]);
        let (e1, e2) = (sobol_indices(&o1, 0, 1), sobol_indices(&o2, 0, 1));
        for (a, b) in e1.indices.iter().zip(&e2.indices) {
            assert!((a.first - b.first).abs() < 1e-5, "{a:?} {b:?}");
            assert!((a.total - b.total).abs() < 1e-5, "{a:?} {b:?}");
        }
    }
}
