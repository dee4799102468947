//! The fleet: GPUs per tranche from its size, power per GPU, and the share of each calendar year
//! a tranche is installed (docs/model.md, "The fleet").

/// Hours in a (Julian) year.
pub const HOURS_PER_YEAR: f64 = 8766.0;
/// Seconds in a (Julian) year.
pub const SECONDS_PER_YEAR: f64 = 31_557_600.0;
/// Relative slack when sizing whole systems from power, so an exact quotient survives rounding.
pub const SIZING_SLACK: f64 = 1e-9;

/// IT power per GPU, kW: the system's power shared by its GPUs, plus the IT power outside the
/// racks (`overhead`, a fraction of rack power).
#[inline(always)]
pub fn it_kw_per_gpu(it_kw: f64, gpus_per_system: f64, overhead: f64) -> f64 {
    it_kw / gpus_per_system * (1.0 + overhead)
}

/// Facility power per GPU, kW: IT power times the PUE.
#[inline(always)]
pub fn facility_kw_per_gpu(it_kw_per_gpu: f64, pue: f64) -> f64 {
    it_kw_per_gpu * pue
}

/// Facility MW of `gpus` GPUs: `gpus × it_kw_per_gpu / 1000 × pue`.
#[inline(always)]
pub fn facility_mw(gpus: f64, it_kw_per_gpu: f64, pue: f64) -> f64 {
    gpus * it_kw_per_gpu / 1000.0 * pue
}

/// `x.floor()`, by arithmetic that vectorises on any x86-64 (SSE2 has no rounding
/// instruction, so `floor` is a library call per value): rounding `|x| < 2⁵²` to the nearest
/// integer by adding and removing 2⁵², then stepping down where that rounded up. Equal to
/// `f64::floor` for every input, signed zeros, infinities and NaN included.
#[inline]
pub fn floor(x: f64) -> f64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let ax = x.abs();
    let nearest = ((ax + TWO_52) - TWO_52).copysign(x);
    let down = if nearest > x { nearest - 1.0 } else { nearest };
    if ax < TWO_52 { down } else { x }
}

/// Whole systems that fit in `power_mw` of facility power, as GPUs (none when the quotient is
/// negative or NaN).
#[inline]
pub fn gpus_from_power(power_mw: f64, facility_kw_per_gpu: f64, gpus_per_system: f64) -> f64 {
    let systems = power_mw * 1000.0 / (facility_kw_per_gpu * gpus_per_system);
    let whole = floor(systems * (1.0 + SIZING_SLACK));
    (if whole > 0.0 { whole } else { 0.0 }) * gpus_per_system
}

/// `R(t)`: the integral of the ramp `r(s)` (0 before `online`, rising linearly to 1 over
/// `ramp_years`) from the start to `t`.
///
/// Written with selects rather than branches so that it runs over many samples at once; both
/// branches are computed and the one that applies is kept (a zero ramp makes the unused ramp
/// branch infinite or NaN, never the result).
#[inline]
pub fn ramp_integral(t: f64, online: f64, ramp_years: f64) -> f64 {
    let d = t - online;
    let during = d * d / (2.0 * ramp_years);
    let after = ramp_years / 2.0 + (t - online - ramp_years);
    let r = if t < online + ramp_years {
        during
    } else {
        after
    };
    if t <= online { 0.0 } else { r }
}

/// Installed fraction of a tranche over the calendar year `[year, year + 1)`:
/// `R(min(year + 1, retire)) − R(min(year, retire))`, 0 when `retire <= year`.
///
/// Branch-free (selects), like [`ramp_integral`]. A NaN `retire` counts as never, and a
/// negative or NaN difference as 0.
#[inline]
pub fn installed_fraction(year: f64, online: f64, ramp_years: f64, retire: f64) -> f64 {
    let next = year + 1.0;
    let hi = if retire < next { retire } else { next };
    let lo = if retire < year { retire } else { year };
    let a = ramp_integral(hi, online, ramp_years) - ramp_integral(lo, online, ramp_years);
    let a = if a > 0.0 { a } else { 0.0 };
    if retire <= year { 0.0 } else { a }
}
