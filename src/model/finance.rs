//! Money over time: capital recovery and discounting (docs/model.md, "Cost" and "Cash and NPV").

/// Capital recovery factor `r(1+r)^n / ((1+r)^n − 1)`; `1/n` at `r = 0` (the limit).
pub fn crf(rate: f64, life_years: f64) -> f64 {
    if rate.abs() < 1e-12 {
        return 1.0 / life_years;
    }
    let g = (1.0 + rate).powf(life_years);
    rate * g / (g - 1.0)
}
