//! The cost model of MODEL.md ("One sample", "Outputs"), as pure arithmetic.
//!
//! A [`Plan`] is compiled once from a validated [`Scenario`]: it records, for every field the
//! formulas need, the index of its value in the per-sample value vector (the scenario's
//! [`Scenario::params`] order). [`evaluate`] then maps one sample's values to every metric,
//! probability and yearly series; it drives `explain` and sensitivity. [`evaluate_batch`] does
//! the same arithmetic over a batch of samples, column by column, for `run`, with the same bits
//! for every sample. No I/O, no randomness, no printing: the model knows nothing of files or
//! sampling.

mod batch;
mod metrics;

pub use batch::{BatchValue, CHUNK, evaluate_batch};

pub use metrics::{METRICS, Metric, PROBABILITIES, Probability, SERIES, Series};

use std::collections::HashMap;

use crate::scenario::{Mode, Scenario, Size};

/// Hours in a (Julian) year, MODEL.md "Units and constants".
pub const HOURS_PER_YEAR: f64 = 8766.0;
/// Seconds in a (Julian) year.
pub const SECONDS_PER_YEAR: f64 = 31_557_600.0;
/// Relative slack when sizing whole systems from power, so an exact quotient survives rounding.
pub const SIZING_SLACK: f64 = 1e-9;

/// Capital recovery factor `r(1+r)^n / ((1+r)^n − 1)`; `1/n` at `r = 0` (the limit).
pub fn crf(rate: f64, life_years: f64) -> f64 {
    if rate.abs() < 1e-12 {
        return 1.0 / life_years;
    }
    let g = (1.0 + rate).powf(life_years);
    rate * g / (g - 1.0)
}

/// `R(t)`: the integral of the ramp `r(s)` from `−∞` to `t` (MODEL.md "Installed fraction").
///
/// Written with selects rather than branches so that the batch evaluator can run it over many
/// samples at once; both branches are computed and the one that applies is kept (a zero ramp
/// makes the unused ramp branch infinite or NaN, never the result).
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

/// How a tranche's size is read from the value vector.
#[derive(Debug, Clone, Copy)]
pub enum SizeIdx {
    Systems(usize),
    Gpus(usize),
    PowerMw(usize),
}

/// Value indices of one tranche and its system.
#[derive(Debug, Clone)]
pub struct TranchePlan {
    pub name: String,
    pub system: String,
    pub gpus_per_system: f64,
    pub size: SizeIdx,
    pub online: usize,
    pub ramp_years: usize,
    pub retire: Option<usize>,
    pub it_kw: usize,
    pub price_usd: usize,
    pub pflops_fp8: usize,
    pub tokens_per_gpu_s: usize,
    /// Cloud mode: the price per GPU-hour of this tranche's system.
    pub price_usd_per_gpu_hour: Option<usize>,
}

/// Value indices of the owned-mode fields.
#[derive(Debug, Clone, Copy)]
pub struct OwnedPlan {
    pub load_factor: usize,
    pub power_price_usd_per_kwh: usize,
    pub datacenter_capex_usd_per_mw: usize,
    pub datacenter_life_years: usize,
    pub hardware_life_years: usize,
    pub maintenance_pct_of_capex: Option<usize>,
}

/// A scenario compiled for evaluation: value indices and the shape of the outputs.
#[derive(Debug, Clone)]
pub struct Plan {
    pub start_year: i32,
    pub years: usize,
    pub mode: Mode,
    pub n_values: usize,
    pub paths: Vec<String>,
    pub discount_rate: usize,
    pub power_mw: Option<usize>,
    pub pue: usize,
    pub it_overhead: usize,
    pub owned: Option<OwnedPlan>,
    pub commitment_usd: Option<usize>,
    pub inference_share: usize,
    pub utilization: usize,
    pub mfu: usize,
    pub price_usd_per_mtok: Option<usize>,
    pub tranches: Vec<TranchePlan>,
    /// `(amount index, year index within the term)`.
    pub investments: Vec<(usize, usize)>,
}

/// The scenario does not fit the model (a validated scenario never triggers this).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot build the model: {0}")]
pub struct PlanError(pub String);

impl Plan {
    pub fn new(s: &Scenario) -> Result<Plan, PlanError> {
        let params = s.params();
        let paths: Vec<String> = params.iter().map(|p| p.path.clone()).collect();
        let index: HashMap<&str, usize> = paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_str(), i))
            .collect();
        let idx = |path: &str| -> Result<usize, PlanError> {
            index
                .get(path)
                .copied()
                .ok_or_else(|| PlanError(format!("no value at '{path}'")))
        };
        let of = |p: &crate::scenario::Param| idx(&p.path);
        let opt = |p: &Option<crate::scenario::Param>| p.as_ref().map(&of).transpose();
        let owned = match s.procurement.mode {
            Mode::Cloud => None,
            Mode::Owned => {
                let need = |p: &Option<crate::scenario::Param>, what: &str| {
                    p.as_ref()
                        .map(&of)
                        .transpose()?
                        .ok_or_else(|| PlanError(format!("owned mode needs {what}")))
                };
                Some(OwnedPlan {
                    load_factor: need(&s.facility.load_factor, "facility.load_factor")?,
                    power_price_usd_per_kwh: need(
                        &s.facility.power_price_usd_per_kwh,
                        "facility.power_price_usd_per_kwh",
                    )?,
                    datacenter_capex_usd_per_mw: need(
                        &s.facility.datacenter_capex_usd_per_mw,
                        "facility.datacenter_capex_usd_per_mw",
                    )?,
                    datacenter_life_years: need(
                        &s.facility.datacenter_life_years,
                        "facility.datacenter_life_years",
                    )?,
                    hardware_life_years: need(
                        &s.procurement.hardware_life_years,
                        "procurement.hardware_life_years",
                    )?,
                    maintenance_pct_of_capex: opt(&s.procurement.maintenance_pct_of_capex)?,
                })
            }
        };
        let mut tranches = Vec::with_capacity(s.fleet.len());
        for t in &s.fleet {
            let sys = s
                .systems
                .get(&t.system)
                .ok_or_else(|| PlanError(format!("unknown system '{}'", t.system)))?;
            let size = match &t.size {
                Size::Systems(p) => SizeIdx::Systems(of(p)?),
                Size::Gpus(p) => SizeIdx::Gpus(of(p)?),
                Size::PowerMw(p) => SizeIdx::PowerMw(of(p)?),
            };
            let price_usd_per_gpu_hour = match s.procurement.mode {
                Mode::Cloud => Some(of(s.procurement.price_for(&t.system).ok_or_else(
                    || PlanError(format!("no price per GPU-hour for system '{}'", t.system)),
                )?)?),
                Mode::Owned => None,
            };
            tranches.push(TranchePlan {
                name: t.name.clone(),
                system: t.system.clone(),
                gpus_per_system: f64::from(sys.gpus),
                size,
                online: of(&t.online)?,
                ramp_years: of(&t.ramp_years)?,
                retire: opt(&t.retire)?,
                it_kw: of(&sys.it_kw)?,
                price_usd: of(&sys.price_usd)?,
                pflops_fp8: of(&sys.pflops_fp8)?,
                tokens_per_gpu_s: of(&sys.tokens_per_gpu_s)?,
                price_usd_per_gpu_hour,
            });
        }
        let mut investments = Vec::with_capacity(s.investments.len());
        for inv in &s.investments {
            let k = inv.year - s.start_year;
            if k < 0 || k >= s.years as i32 {
                return Err(PlanError(format!(
                    "investment '{}' in {} lies outside the term",
                    inv.name, inv.year
                )));
            }
            investments.push((of(&inv.amount_usd)?, k as usize));
        }
        Ok(Plan {
            start_year: s.start_year,
            years: s.years as usize,
            mode: s.procurement.mode,
            n_values: paths.len(),
            discount_rate: of(&s.discount_rate)?,
            power_mw: opt(&s.facility.power_mw)?,
            pue: of(&s.facility.pue)?,
            it_overhead: of(&s.facility.it_overhead)?,
            owned,
            commitment_usd: opt(&s.procurement.commitment_usd)?,
            inference_share: of(&s.workload.inference_share)?,
            utilization: of(&s.workload.utilization)?,
            mfu: of(&s.workload.mfu)?,
            price_usd_per_mtok: opt(&s.workload.price_usd_per_mtok)?,
            tranches,
            investments,
            paths,
        })
    }

    /// Whether a metric can be computed for this scenario (MODEL.md "Absent metrics").
    pub fn has_metric(&self, m: Metric) -> bool {
        use Metric::*;
        let commitment = self.commitment_usd.is_some();
        let investment = !self.investments.is_empty();
        let revenue = self.price_usd_per_mtok.is_some();
        match m {
            CommitmentGpuHours | CommitmentAvgGw | CommitmentCoverage => commitment,
            InvestmentUsd => investment,
            NetCommitmentUsd | Circularity => commitment && investment,
            RevenueUsd | Margin | NpvUsd => revenue,
            _ => true,
        }
    }

    pub fn has_probability(&self, p: Probability) -> bool {
        match p {
            Probability::FitsPowerEnvelope => self.power_mw.is_some(),
            Probability::NpvPositive | Probability::CostPerMtokBelowPrice => {
                self.price_usd_per_mtok.is_some()
            }
        }
    }

    pub fn has_series(&self, s: Series) -> bool {
        match s {
            Series::RevenueUsd | Series::CumulativeCashUsd => self.price_usd_per_mtok.is_some(),
            _ => true,
        }
    }

    /// The calendar years of the term.
    pub fn calendar_years(&self) -> Vec<i32> {
        (0..self.years as i32)
            .map(|k| self.start_year + k)
            .collect()
    }
}

/// The outputs of one sample. Absent metrics are NaN here; the plan says which are absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    pub metrics: [f64; METRICS.len()],
    pub probabilities: [bool; PROBABILITIES.len()],
    /// `series[s * years + k]`: series `s` (in [`SERIES`] order), year `k`.
    pub series: Vec<f64>,
}

impl Outputs {
    pub fn new(plan: &Plan) -> Outputs {
        Outputs {
            metrics: [f64::NAN; METRICS.len()],
            probabilities: [false; PROBABILITIES.len()],
            series: vec![0.0; SERIES.len() * plan.years],
        }
    }
    pub fn metric(&self, m: Metric) -> f64 {
        self.metrics[m as usize]
    }
    pub fn series(&self, s: Series, years: usize) -> &[f64] {
        let i = s as usize;
        &self.series[i * years..(i + 1) * years]
    }
}

/// Receives the intermediate quantities of an evaluation (for `explain`). The no-op tracer
/// compiles away, so [`evaluate`] pays nothing for it.
pub trait Tracer {
    /// Record a step: a name, the formula with numbers, the value and its unit.
    fn step(&mut self, make: impl FnOnce() -> Step);
    /// Whether steps are recorded (to skip building their text).
    fn enabled(&self) -> bool;
}

/// One step of the arithmetic, for `explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub name: String,
    pub formula: String,
    pub value: f64,
    pub unit: &'static str,
}

/// The tracer that records nothing.
pub struct NoTrace;

impl Tracer for NoTrace {
    #[inline(always)]
    fn step(&mut self, _make: impl FnOnce() -> Step) {}
    #[inline(always)]
    fn enabled(&self) -> bool {
        false
    }
}

impl Tracer for Vec<Step> {
    fn step(&mut self, make: impl FnOnce() -> Step) {
        self.push(make());
    }
    fn enabled(&self) -> bool {
        true
    }
}

/// Per-sample scratch space, reused across samples to avoid allocation.
#[derive(Debug, Clone)]
pub struct Scratch {
    gpus: Vec<f64>,
    facility_mw: Vec<f64>,
    fractions: Vec<f64>,
    cost: Vec<f64>,
    revenue: Vec<f64>,
    investments: Vec<f64>,
}

impl Scratch {
    pub fn new(plan: &Plan) -> Scratch {
        Scratch {
            gpus: vec![0.0; plan.tranches.len()],
            facility_mw: vec![0.0; plan.tranches.len()],
            fractions: vec![0.0; plan.tranches.len() * plan.years],
            cost: vec![0.0; plan.years],
            revenue: vec![0.0; plan.years],
            investments: vec![0.0; plan.years],
        }
    }
}

/// Evaluate one sample: `x` holds every value of the scenario in [`Plan::paths`] order.
pub fn evaluate(plan: &Plan, x: &[f64], scratch: &mut Scratch, out: &mut Outputs) {
    evaluate_traced(plan, x, scratch, out, &mut NoTrace);
}

/// [`evaluate`], reporting each intermediate quantity to `tr`.
pub fn evaluate_traced<T: Tracer>(
    plan: &Plan,
    x: &[f64],
    scratch: &mut Scratch,
    out: &mut Outputs,
    tr: &mut T,
) {
    let years = plan.years;
    let h = HOURS_PER_YEAR;
    let pue = x[plan.pue];
    let overhead = x[plan.it_overhead];
    let inf = x[plan.inference_share];
    let util = x[plan.utilization];
    let mfu = x[plan.mfu];
    let dr = x[plan.discount_rate];
    let price_mtok = plan.price_usd_per_mtok.map(|i| x[i]);
    let commitment = plan.commitment_usd.map(|i| x[i]);

    let owned = plan.owned.map(|o| {
        let hw_life = x[o.hardware_life_years];
        let dc_life = x[o.datacenter_life_years];
        (
            o,
            hw_life,
            crf(dr, hw_life),
            crf(dr, dc_life),
            o.maintenance_pct_of_capex.map_or(0.0, |i| x[i]),
        )
    });
    if let Some((o, hw_life, crf_hw, crf_dc, _)) = &owned {
        tr.step(|| Step {
            name: "crf_hardware".into(),
            formula: format!(
                "CRF(r = {}, n = {} y) = r(1+r)^n / ((1+r)^n − 1)",
                num(dr),
                num(*hw_life)
            ),
            value: *crf_hw,
            unit: "per year",
        });
        let dc_life = x[o.datacenter_life_years];
        tr.step(|| Step {
            name: "crf_datacenter".into(),
            formula: format!("CRF(r = {}, n = {} y)", num(dr), num(dc_life)),
            value: *crf_dc,
            unit: "per year",
        });
    }

    let mut total_gpus = 0.0;
    let mut total_facility_mw = 0.0;
    let mut pflops = 0.0;
    let mut tokens_per_day_peak = 0.0;
    let mut gpu_hours = 0.0;
    let mut tokens = 0.0;
    let mut train_flop = 0.0;
    let mut mw_years = 0.0;
    let ys = years;
    let (s_gpus, rest) = out.series.split_at_mut(ys);
    let (s_mw, rest) = rest.split_at_mut(ys);
    let (s_tokens, rest) = rest.split_at_mut(ys);
    let (s_cost, rest) = rest.split_at_mut(ys);
    let (s_rev, s_cash) = rest.split_at_mut(ys);
    s_gpus.fill(0.0);
    s_mw.fill(0.0);
    s_tokens.fill(0.0);
    scratch.cost.fill(0.0);
    scratch.revenue.fill(0.0);
    scratch.investments.fill(0.0);

    for (j, t) in plan.tranches.iter().enumerate() {
        let g = t.gpus_per_system;
        let it_kw = x[t.it_kw];
        let it_kw_per_gpu = it_kw / g * (1.0 + overhead);
        let facility_kw_per_gpu = it_kw_per_gpu * pue;
        tr.step(|| Step {
            name: format!("{}: it_kw_per_gpu", t.name),
            formula: format!("{} kW / {} × (1 + {})", num(it_kw), num(g), num(overhead)),
            value: it_kw_per_gpu,
            unit: "kW",
        });
        tr.step(|| Step {
            name: format!("{}: facility_kw_per_gpu", t.name),
            formula: format!("{} kW × PUE {}", num(it_kw_per_gpu), num(pue)),
            value: facility_kw_per_gpu,
            unit: "kW",
        });
        let gpus = match t.size {
            SizeIdx::Gpus(i) => x[i],
            SizeIdx::Systems(i) => x[i] * g,
            SizeIdx::PowerMw(i) => gpus_from_power(x[i], facility_kw_per_gpu, g),
        };
        tr.step(|| Step {
            name: format!("{}: gpus", t.name),
            formula: match t.size {
                SizeIdx::Gpus(i) => format!("given: {}", num(x[i])),
                SizeIdx::Systems(i) => format!("{} systems × {} GPUs", num(x[i]), num(g)),
                SizeIdx::PowerMw(i) => format!(
                    "floor({} MW × 1000 / ({} kW × {})) × {} (whole systems)",
                    num(x[i]),
                    num(facility_kw_per_gpu),
                    num(g),
                    num(g)
                ),
            },
            value: gpus,
            unit: "GPUs",
        });
        let it_mw = gpus * it_kw_per_gpu / 1000.0;
        let facility_mw = it_mw * pue;
        tr.step(|| Step {
            name: format!("{}: facility_mw", t.name),
            formula: format!(
                "{} GPUs × {} kW / 1000 × PUE {}",
                num(gpus),
                num(it_kw_per_gpu),
                num(pue)
            ),
            value: facility_mw,
            unit: "MW",
        });
        scratch.gpus[j] = gpus;
        scratch.facility_mw[j] = facility_mw;
        total_gpus += gpus;
        total_facility_mw += facility_mw;
        let pf8 = x[t.pflops_fp8];
        pflops += gpus * pf8;
        let tps = x[t.tokens_per_gpu_s];
        tokens_per_day_peak += gpus * 86_400.0 * inf * util * tps;

        let online = x[t.online];
        let ramp = x[t.ramp_years];
        let retire = match (t.retire, &owned) {
            (Some(i), _) => x[i],
            (None, Some((_, hw_life, ..))) => online + ramp + hw_life,
            (None, None) => f64::INFINITY,
        };
        let price_gpu_hour = t.price_usd_per_gpu_hour.map(|i| x[i]);
        let capex = gpus / g * x[t.price_usd];
        for k in 0..years {
            let y = f64::from(plan.start_year) + k as f64;
            let a = installed_fraction(y, online, ramp, retire);
            scratch.fractions[j * years + k] = a;
            let gh = gpus * a * h;
            let tk = gh * 3600.0 * inf * util * tps;
            gpu_hours += gh;
            tokens += tk;
            train_flop += gh * 3600.0 * (1.0 - inf) * pf8 * 1e15 * mfu;
            mw_years += facility_mw * a;
            s_gpus[k] += gpus * a;
            s_mw[k] += facility_mw * a;
            s_tokens[k] += tk;
            let cost = match (price_gpu_hour, &owned) {
                (Some(p), _) => gh * p,
                (None, Some((o, _, crf_hw, crf_dc, maint))) => {
                    capex * crf_hw * a
                        + facility_mw * x[o.datacenter_capex_usd_per_mw] * crf_dc * a
                        + facility_mw
                            * 1000.0
                            * x[o.load_factor]
                            * h
                            * x[o.power_price_usd_per_kwh]
                            * a
                        + maint * capex * a
                }
                (None, None) => 0.0,
            };
            scratch.cost[k] += cost;
            if let Some(p) = price_mtok {
                scratch.revenue[k] += tk / 1e6 * p;
            }
        }
        if tr.enabled() {
            for k in 0..years {
                let a = scratch.fractions[j * years + k];
                let y = plan.start_year + k as i32;
                tr.step(|| Step {
                    name: format!("{}: installed_fraction {y}", t.name),
                    formula: format!(
                        "online {}, ramp {} y{}",
                        year(online),
                        num(ramp),
                        if retire.is_finite() {
                            format!(", retire {}", year(retire))
                        } else {
                            String::new()
                        }
                    ),
                    value: a,
                    unit: "",
                });
            }
            if let Some(p) = price_gpu_hour {
                tr.step(|| Step {
                    name: format!("{}: price_usd_per_gpu_hour", t.name),
                    formula: "cloud price".into(),
                    value: p,
                    unit: "USD",
                });
            } else {
                tr.step(|| Step {
                    name: format!("{}: capex_usd", t.name),
                    formula: format!("{} GPUs / {} × ${}", num(gpus), num(g), num(x[t.price_usd])),
                    value: capex,
                    unit: "USD",
                });
            }
        }
    }
    for &(i, k) in &plan.investments {
        scratch.investments[k] += x[i];
    }

    let mut cost_usd = 0.0;
    let mut cost_npv = 0.0;
    let mut revenue = 0.0;
    let mut npv = 0.0;
    let mut cumulative = 0.0;
    // Mid-year discounting: (1 + r)^(k + 0.5), by one square root and repeated products.
    let growth = 1.0 + dr;
    let mut disc = growth.sqrt();
    for k in 0..years {
        if k > 0 {
            disc *= growth;
        }
        let c = scratch.cost[k];
        let r = scratch.revenue[k];
        let cash = r - c + scratch.investments[k];
        cost_usd += c;
        cost_npv += c / disc;
        revenue += r;
        npv += cash / disc;
        cumulative += cash;
        s_cost[k] = c;
        s_rev[k] = r;
        s_cash[k] = cumulative;
    }
    let investment: f64 = scratch.investments.iter().sum();

    use Metric as M;
    let m = &mut out.metrics;
    m[M::Gpus as usize] = total_gpus;
    m[M::FacilityMw as usize] = total_facility_mw;
    m[M::GpusPerGw as usize] = total_gpus / total_facility_mw * 1000.0;
    m[M::PflopsFp8 as usize] = pflops;
    m[M::GpuHours as usize] = gpu_hours;
    m[M::Tokens as usize] = tokens;
    m[M::TokensPerDayPeak as usize] = tokens_per_day_peak;
    m[M::TrainFlop as usize] = train_flop;
    m[M::CostUsd as usize] = cost_usd;
    m[M::CostNpvUsd as usize] = cost_npv;
    let per_gpu_hour = cost_usd / gpu_hours;
    m[M::CostPerGpuHourUsd as usize] = per_gpu_hour;
    let per_mtok = cost_usd * inf / (tokens / 1e6);
    m[M::CostPerMtokUsd as usize] = per_mtok;
    let per_mw_year = cost_usd / mw_years;
    m[M::CostPerMwYearUsd as usize] = per_mw_year;
    let nan = f64::NAN;
    m[M::CommitmentGpuHours as usize] = commitment.map_or(nan, |c| c / per_gpu_hour);
    m[M::CommitmentAvgGw as usize] =
        commitment.map_or(nan, |c| c / per_mw_year / years as f64 / 1000.0);
    m[M::CommitmentCoverage as usize] = commitment.map_or(nan, |c| cost_usd / c);
    let has_inv = !plan.investments.is_empty();
    m[M::InvestmentUsd as usize] = if has_inv { investment } else { nan };
    m[M::NetCommitmentUsd as usize] = match commitment {
        Some(c) if has_inv => c - investment,
        _ => nan,
    };
    m[M::Circularity as usize] = match commitment {
        Some(c) if has_inv => investment / c,
        _ => nan,
    };
    m[M::RevenueUsd as usize] = price_mtok.map_or(nan, |_| revenue);
    m[M::Margin as usize] = price_mtok.map_or(nan, |_| (revenue - cost_usd) / revenue);
    m[M::NpvUsd as usize] = price_mtok.map_or(nan, |_| npv);

    use Probability as P;
    let p = &mut out.probabilities;
    p[P::FitsPowerEnvelope as usize] = plan
        .power_mw
        .is_some_and(|i| total_facility_mw <= x[i] * (1.0 + SIZING_SLACK));
    p[P::NpvPositive as usize] = price_mtok.is_some() && npv > 0.0;
    p[P::CostPerMtokBelowPrice as usize] = price_mtok.is_some_and(|pr| per_mtok < pr);

    if tr.enabled() {
        let steps: [(&str, String, f64, &'static str); 10] = [
            ("gpus", "Σ tranche GPUs".into(), total_gpus, "GPUs"),
            (
                "facility_mw",
                "Σ tranche facility MW".into(),
                total_facility_mw,
                "MW",
            ),
            (
                "gpus_per_gw",
                format!(
                    "{} GPUs / {} MW × 1000",
                    num(total_gpus),
                    num(total_facility_mw)
                ),
                m[M::GpusPerGw as usize],
                "GPUs per GW",
            ),
            (
                "gpu_hours",
                format!("Σ gpus × installed fraction × {h} h"),
                gpu_hours,
                "GPU-hours",
            ),
            (
                "tokens",
                format!(
                    "Σ GPU-hours × 3600 × inference_share {} × utilization {} × tokens/GPU/s",
                    num(inf),
                    num(util)
                ),
                tokens,
                "tokens",
            ),
            (
                "cost_usd",
                "Σ yearly cost, undiscounted".into(),
                cost_usd,
                "USD",
            ),
            (
                "cost_per_gpu_hour_usd",
                format!("${} / {} GPU-hours", num(cost_usd), num(gpu_hours)),
                per_gpu_hour,
                "USD",
            ),
            (
                "cost_per_mtok_usd",
                format!(
                    "${} × inference_share {} / ({} tokens / 1e6)",
                    num(cost_usd),
                    num(inf),
                    num(tokens)
                ),
                per_mtok,
                "USD per million tokens",
            ),
            (
                "cost_per_mw_year_usd",
                format!("${} / {} MW-years", num(cost_usd), num(mw_years)),
                per_mw_year,
                "USD",
            ),
            (
                "cost_npv_usd",
                format!("Σ cost_k / (1 + {})^(k + 0.5)", num(dr)),
                cost_npv,
                "USD",
            ),
        ];
        for (name, formula, value, unit) in steps {
            tr.step(|| Step {
                name: name.into(),
                formula,
                value,
                unit,
            });
        }
        if let Some(c) = commitment {
            tr.step(|| Step {
                name: "commitment_gpu_hours".into(),
                formula: format!("${} / ${} per GPU-hour", num(c), num(per_gpu_hour)),
                value: c / per_gpu_hour,
                unit: "GPU-hours",
            });
            tr.step(|| Step {
                name: "commitment_avg_gw".into(),
                formula: format!(
                    "${} / ${} per MW-year / {} years / 1000",
                    num(c),
                    num(per_mw_year),
                    years
                ),
                value: c / per_mw_year / years as f64 / 1000.0,
                unit: "GW",
            });
            tr.step(|| Step {
                name: "commitment_coverage".into(),
                formula: format!("${} / ${}", num(cost_usd), num(c)),
                value: cost_usd / c,
                unit: "",
            });
            if has_inv {
                tr.step(|| Step {
                    name: "net_commitment_usd".into(),
                    formula: format!("${} − ${} invested", num(c), num(investment)),
                    value: c - investment,
                    unit: "USD",
                });
            }
        }
        if let Some(pr) = price_mtok {
            tr.step(|| Step {
                name: "revenue_usd".into(),
                formula: format!("{} tokens / 1e6 × ${}", num(tokens), num(pr)),
                value: revenue,
                unit: "USD",
            });
            tr.step(|| Step {
                name: "npv_usd".into(),
                formula: format!(
                    "Σ (revenue − cost + investments)_k / (1 + {})^(k + 0.5)",
                    num(dr)
                ),
                value: npv,
                unit: "USD",
            });
        }
    }
}

/// A decimal year (`online`, `retire`): up to 3 decimals, so that 2026.25 does not read as 2026.
pub fn year(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Is `path` a decimal year (a tranche's `online` or `retire`)?
pub fn is_year_path(path: &str) -> bool {
    path.ends_with(".online") || path.ends_with(".retire")
}

/// A number for a formula: 4 significant digits, plain or scientific.
pub fn num(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let a = x.abs();
    if (1e-3..1e7).contains(&a) {
        let digits = (4 - 1 - a.log10().floor() as i32).max(0) as usize;
        let s = format!("{x:.digits$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        format!("{x:.3e}")
    }
}

#[cfg(test)]
mod tests;
