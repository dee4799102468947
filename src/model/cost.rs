//! The cost of a tranche's year, and what a commitment buys (docs/model.md, "Cost").

/// The four parts of an owned tranche's cost in a year with installed fraction `a`: the
/// hardware's annuity, the datacenter's annuity, electricity at the average draw, maintenance.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn owned_cost_terms(
    capex: f64,
    crf_hardware: f64,
    facility_mw: f64,
    datacenter_capex_usd_per_mw: f64,
    crf_datacenter: f64,
    load_factor: f64,
    power_price_usd_per_kwh: f64,
    maintenance_pct_of_capex: f64,
    a: f64,
) -> [f64; 4] {
    let h = super::fleet::HOURS_PER_YEAR;
    [
        capex * crf_hardware * a,
        facility_mw * datacenter_capex_usd_per_mw * crf_datacenter * a,
        facility_mw * 1000.0 * load_factor * h * power_price_usd_per_kwh * a,
        maintenance_pct_of_capex * capex * a,
    ]
}

/// Take-or-pay: what the buyer pays beyond its usage to reach the commitment. A difference
/// within rounding of the commitment (a relative 1e-12: a fleet sized by the commitment spends
/// it to the last few bits) is no shortfall.
#[inline(always)]
pub fn shortfall(commitment: f64, usage: f64) -> f64 {
    let s = commitment - usage;
    if s > commitment * SHORTFALL_ROUNDING {
        s
    } else {
        0.0
    }
}

const SHORTFALL_ROUNDING: f64 = 1e-12;

/// The GPUs that a commitment pays for at `price` per GPU-hour over a tranche's installation
/// (`installed_years`, the sum of its installed fractions over the term), after what the other
/// tranches use: `(commitment − usage_others) / (price × H × installed_years)`, and none when
/// that is not positive or the tranche never runs within the term.
#[inline(always)]
pub fn gpus_from_commitment(
    commitment: f64,
    usage_others: f64,
    price: f64,
    installed_years: f64,
) -> f64 {
    let n = (commitment - usage_others) / (price * super::fleet::HOURS_PER_YEAR * installed_years);
    if n > 0.0 && installed_years > 0.0 {
        n
    } else {
        0.0
    }
}
