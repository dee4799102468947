//! The arithmetic of a portfolio (docs/portfolio.md), for one sample: the buyer's revenue by
//! calendar year from a run-rate and its growth, the cumulative funding need, and the year from
//! which revenue covers spend. Pure functions; the engine applies them sample by sample.

/// Revenue of each calendar year `first_year, first_year + 1, …` (one per element of `out`),
/// from an annualised run-rate `run_rate` (USD per year) at the decimal date `at`, when the
/// run-rate grows by `growth(Y)` (> −1) in calendar year `Y`:
///
/// ```text
/// R(t)      = R(Y) × (1 + g_Y)^(t − Y)                      within calendar year Y
/// revenue_Y = ∫_Y^{Y+1} R(t) dt = R(Y) × g_Y / ln(1 + g_Y)    (R(Y) when g_Y = 0)
/// R(Y + 1)  = R(Y) × (1 + g_Y)
/// ```
///
/// `R` is anchored at `R(at) = run_rate`, before `at` as after it.
pub fn calendar_revenue(
    run_rate: f64,
    at: f64,
    first_year: i32,
    growth: impl Fn(i32) -> f64,
    out: &mut [f64],
) {
    let log_rate = |y: i32| growth(y).ln_1p();
    // ln R(first_year) − ln R(at): the growth between the anchor and 1 January of the first year.
    let ya = at.floor() as i32;
    let mut log_factor = 0.0;
    if first_year <= ya {
        log_factor -= log_rate(ya) * (at - f64::from(ya));
        for y in first_year..ya {
            log_factor -= log_rate(y);
        }
    } else {
        log_factor += log_rate(ya) * (f64::from(ya) + 1.0 - at);
        for y in ya + 1..first_year {
            log_factor += log_rate(y);
        }
    }
    let mut r = run_rate * log_factor.exp();
    for (k, o) in out.iter_mut().enumerate() {
        let g = growth(first_year + k as i32);
        *o = r * mean_factor(g);
        r *= 1.0 + g;
    }
}

/// The mean over a year of `(1 + g)^t`, `t` from 0 to 1: `g / ln(1 + g)`, 1 at `g = 0`.
pub fn mean_factor(g: f64) -> f64 {
    if g == 0.0 { 1.0 } else { g / g.ln_1p() }
}

/// The cumulative funding need by year, written to `need`: `F_k = Σ_{m ≤ k} (spend_m −
/// available_m − inflow_m)`, with `available = margin × revenue` and `inflow` the money the deals'
/// investors pay in. Returns the peak need, `max(0, max_k F_k)`. A surplus carries forward.
pub fn funding_need(spend: &[f64], available: &[f64], inflow: &[f64], need: &mut [f64]) -> f64 {
    let mut f = 0.0;
    let mut peak: f64 = 0.0;
    for k in 0..need.len() {
        f += spend[k] - available[k] - inflow[k];
        need[k] = f;
        peak = peak.max(f);
    }
    peak
}

/// The first year (an index into the years) from which `available` covers `spend` in that year
/// and every later one: the year after the last one with `spend > available`. The first year
/// when every year is covered; `None` when the last year is not.
pub fn coverage_index(spend: &[f64], available: &[f64]) -> Option<usize> {
    let n = spend.len();
    match (0..n).rev().find(|&k| spend[k] > available[k]) {
        None => Some(0),
        Some(k) if k + 1 < n => Some(k + 1),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revenue_of_a_run_rate_that_does_not_grow_is_the_run_rate() {
        let mut out = [0.0; 3];
        calendar_revenue(12e9, 2025.6, 2026, |_| 0.0, &mut out);
        assert_eq!(out, [12e9; 3]);
    }

    #[test]
    fn revenue_of_a_doubling_run_rate() {
        // $1B a year on 1 Jan 2026, doubling each year: 2026 earns ∫₀¹ 2^t dt = 1 / ln 2 billion,
        // 2027 twice that.
        let mut out = [0.0; 2];
        calendar_revenue(1e9, 2026.0, 2026, |_| 1.0, &mut out);
        let expect = 1e9 / std::f64::consts::LN_2;
        assert!((out[0] - expect).abs() < 1e-3, "{}", out[0]);
        assert!((out[1] - 2.0 * expect).abs() < 1e-3, "{}", out[1]);
        // Anchored mid-2026 at √2 billion: the same path.
        calendar_revenue(2f64.sqrt() * 1e9, 2026.5, 2026, |_| 1.0, &mut out);
        assert!((out[0] - expect).abs() < 1e-3, "{}", out[0]);
        // Anchored in 2024 at $0.25B on 1 Jan: two years of doubling before 2026.
        calendar_revenue(0.25e9, 2024.0, 2026, |_| 1.0, &mut out);
        assert!((out[0] - expect).abs() < 1e-3, "{}", out[0]);
    }

    #[test]
    fn growth_by_phase_applies_by_calendar_year() {
        // 2026 doubles, 2027 stays flat: 2027 earns the run-rate of 1 Jan 2027, $2B.
        let mut out = [0.0; 2];
        calendar_revenue(
            1e9,
            2026.0,
            2026,
            |y| if y < 2027 { 1.0 } else { 0.0 },
            &mut out,
        );
        assert!((out[1] - 2e9).abs() < 1e-3, "{}", out[1]);
    }

    #[test]
    fn funding_need_and_coverage() {
        let spend = [10.0, 20.0, 15.0, 5.0];
        let available = [12.0, 10.0, 14.0, 20.0];
        let inflow = [0.0, 3.0, 0.0, 0.0];
        let mut need = [0.0; 4];
        // −2, −2 + 7 = 5, 5 + 1 = 6, 6 − 15 = −9.
        let peak = funding_need(&spend, &available, &inflow, &mut need);
        assert_eq!(need, [-2.0, 5.0, 6.0, -9.0]);
        assert_eq!(peak, 6.0);
        assert_eq!(coverage_index(&spend, &available), Some(3));
        assert_eq!(coverage_index(&[1.0, 1.0], &[2.0, 2.0]), Some(0));
        assert_eq!(coverage_index(&[1.0, 3.0], &[2.0, 2.0]), None);
        // Equal is covered.
        assert_eq!(coverage_index(&[2.0], &[2.0]), Some(0));
    }
}
