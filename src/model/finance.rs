//! Money over time: capital recovery and discounting (docs/model.md, "Cost" and "Cash and NPV").

/// Capital recovery factor `r(1+r)^n / ((1+r)^n − 1)`; `1/n` at `r = 0` (the limit).
pub fn crf(rate: f64, life_years: f64) -> f64 {
    if rate.abs() < 1e-12 {
        return 1.0 / life_years;
    }
    let g = (1.0 + rate).powf(life_years);
    rate * g / (g - 1.0)
}

/// A ratio that is undefined (NaN) when its denominator is 0 (docs/model.md, "Undefined in a
/// sample").
#[inline(always)]
pub fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator == 0.0 {
        f64::NAN
    } else {
        numerator / denominator
    }
}

/// The share of a tranche installed at time `t` (retirement aside): 0 up to `online`, rising
/// linearly to 1 over `ramp_years`; for a step (`ramp_years = 0`), 1 after `online`.
#[inline(always)]
pub fn installed_share(t: f64, online: f64, ramp_years: f64) -> f64 {
    let d = t - online;
    let ramping = d / ramp_years;
    let r = if ramping < 1.0 { ramping } else { 1.0 };
    if d <= 0.0 { 0.0 } else { r }
}

/// The share of a tranche that installs during year `k` of the term, `[y, y + 1)`: what is
/// installed at the end of the year, less what was at its start; the first year takes
/// everything installed before its end.
#[inline(always)]
pub fn installed_during(k: usize, y: f64, online: f64, ramp_years: f64) -> f64 {
    let end = installed_share(y + 1.0, online, ramp_years);
    if k == 0 {
        end
    } else {
        end - installed_share(y, online, ramp_years)
    }
}
