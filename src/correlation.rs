//! Rank correlations as a normal-copula matrix and its Cholesky factor (MODEL.md, "Sampling").
//!
//! The asked Spearman ρ between two values becomes the normal correlation `2 sin(π ρ / 6)`
//! (Pearson 1907: for a bivariate normal, ρ_S = (6/π) arcsin(r/2)), and the matrix of each
//! connected group of correlated values is factored `R = L Lᵀ` (nalgebra Cholesky). Scenario
//! validation and the sampler's copula both take the factor from here.

/// Diagonal entries of `L` below this are treated as a singular (not positive-definite) matrix:
/// a perfect rank correlation of ±1 gives a normal correlation of ±1 up to rounding (pivot ~1e-8).
const MIN_PIVOT: f64 = 1e-6;

/// Split values `0..n` linked by `(a, b, rank)` pairs into connected groups (each ascending, in
/// order of their smallest member; values in no pair are left out) and factor each group's
/// normal-copula matrix (`2 sin(π ρ / 6)`, 1 on the diagonal): the lower triangle of `L`,
/// row-major, or `None` when the matrix is not positive definite (a pivot at or below
/// `MIN_PIVOT`, which a rank of ±1 produces). Scenario validation and the sampler share it, so
/// a scenario that validates always samples.
pub fn factor_groups(
    n: usize,
    pairs: &[(usize, usize, f64)],
) -> Vec<(Vec<usize>, Option<Vec<f64>>)> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for &(a, b, _) in pairs {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut involved = vec![false; n];
    for &(a, b, _) in pairs {
        involved[a] = true;
        involved[b] = true;
    }
    let mut groups = Vec::new();
    for r in 0..n {
        let columns: Vec<usize> = (0..n)
            .filter(|&c| involved[c] && root(&mut parent, c) == r)
            .collect();
        if columns.len() < 2 {
            continue;
        }
        let m = columns.len();
        let mut matrix = nalgebra::DMatrix::<f64>::identity(m, m);
        for &(a, b, rho) in pairs {
            let (Some(ia), Some(ib)) = (
                columns.iter().position(|&c| c == a),
                columns.iter().position(|&c| c == b),
            ) else {
                continue;
            };
            let r_normal = 2.0 * (std::f64::consts::PI * rho / 6.0).sin();
            matrix[(ia, ib)] = r_normal;
            matrix[(ib, ia)] = r_normal;
        }
        let l = matrix.cholesky().and_then(|chol| {
            let lm = chol.l();
            let mut l = Vec::with_capacity(m * (m + 1) / 2);
            for k in 0..m {
                // NaN-safe: a NaN pivot is refused too.
                if lm[(k, k)].partial_cmp(&MIN_PIVOT) != Some(std::cmp::Ordering::Greater) {
                    return None;
                }
                for j in 0..=k {
                    l.push(lm[(k, j)]);
                }
            }
            Some(l)
        });
        groups.push((columns, l));
    }
    groups
}
