//! The one evaluation of the model: every formula of docs/model.md applied to a chunk of
//! samples at a time, column by column (structure of arrays).
//!
//! A run evaluates batches of thousands of samples; `explain` and the tornado evaluate one. Both
//! go through [`evaluate_chunk`]: one sample is a chunk of length 1. Each step runs over the
//! whole chunk before the next, on plain `f64` columns, so the compiler can use vector
//! instructions and every per-scenario choice (sizing, mode, absent inputs) is made once per
//! chunk. The formulas themselves are the scalar functions of [`super::fleet`] and
//! [`super::finance`], applied here sample by sample; no sample's arithmetic depends on the
//! others or on the chunk's length, so one sample gives the same bits alone or in a batch.
//!
//! The trace for `explain` is an observer ([`Tracer`]): each step reads the chunk's first
//! sample. With [`super::NoTrace`] every trace call compiles away.

use super::finance::crf;
use super::fleet::{
    HOURS_PER_YEAR, SIZING_SLACK, facility_kw_per_gpu, facility_mw, gpus_from_power,
    installed_fraction, it_kw_per_gpu,
};
use super::trace::{Tracer, num, step, year};
use super::{Metric, PROBABILITIES, Plan, Probability, Series, SizeIdx};

/// Samples per chunk: small enough that the chunk's columns (inputs, outputs, intermediates)
/// stay in cache, large enough that the per-chunk bookkeeping does not matter.
pub const CHUNK: usize = 512;

/// Where one value of the model's value vector ([`Plan::paths`] order) comes from in a batch.
#[derive(Debug, Clone, Copy)]
pub enum BatchValue<'a> {
    /// The same value in every sample.
    Fixed(f64),
    /// One value per sample (`n` of them).
    Drawn(&'a [f64]),
}

/// The values of one chunk: drawn columns are sliced, fixed values read from a column that
/// repeats them.
pub(super) struct Values<'a> {
    pub columns: &'a [BatchValue<'a>],
    pub fixed: &'a [f64],
    pub start: usize,
    pub len: usize,
}

impl<'a> Values<'a> {
    /// Value `index` of the chunk's samples.
    fn get(&self, index: usize) -> &'a [f64] {
        match self.columns[index] {
            BatchValue::Drawn(c) => &c[self.start..self.start + self.len],
            BatchValue::Fixed(_) => &self.fixed[index * CHUNK..index * CHUNK + self.len],
        }
    }
}

/// Where one chunk's outputs go: samples `start .. start + len` of every output column.
pub(super) struct Out<'o, 'm, 's> {
    /// One column per metric ([`super::METRICS`] order).
    pub metrics: &'o mut [&'m mut [f64]],
    /// One column per series and year: series `s`, year `k` at `s * years + k`.
    pub series: &'o mut [&'s mut [f64]],
    pub start: usize,
    pub len: usize,
    pub years: usize,
}

impl Out<'_, '_, '_> {
    fn metric(&mut self, m: Metric) -> &mut [f64] {
        &mut self.metrics[m as usize][self.start..self.start + self.len]
    }
    fn series(&mut self, s: Series, k: usize) -> &mut [f64] {
        &mut self.series[s as usize * self.years + k][self.start..self.start + self.len]
    }
    /// Several series columns of year `k` at once.
    fn series_of_year<const N: usize>(&mut self, which: [Series; N], k: usize) -> [&mut [f64]; N] {
        let cols = which.map(|s| s as usize * self.years + k);
        let (start, len) = (self.start, self.len);
        self.series
            .get_disjoint_mut(cols)
            .expect("distinct series columns")
            .map(|c| &mut c[start..start + len])
    }
}

/// Intermediate columns of one chunk, reused from chunk to chunk.
pub(super) struct Work {
    /// One column per tranche.
    gpus: Vec<f64>,
    facility_mw: Vec<f64>,
    retire: Vec<f64>,
    capex: Vec<f64>,
    /// One column per year.
    investments: Vec<f64>,
    /// One column each: the current tranche-year.
    fraction: Vec<f64>,
    gpu_hours: Vec<f64>,
    tokens: Vec<f64>,
    it_kw_per_gpu: Vec<f64>,
    facility_kw_per_gpu: Vec<f64>,
    /// One column each: totals over the fleet and the term.
    t_gpus: Vec<f64>,
    t_facility_mw: Vec<f64>,
    t_pflops: Vec<f64>,
    t_peak: Vec<f64>,
    t_gpu_hours: Vec<f64>,
    t_tokens: Vec<f64>,
    t_train: Vec<f64>,
    t_mw_years: Vec<f64>,
    t_cost: Vec<f64>,
    t_cost_npv: Vec<f64>,
    t_revenue: Vec<f64>,
    t_npv: Vec<f64>,
    t_investment: Vec<f64>,
    /// One column each: per-sample factors.
    crf_hw: Vec<f64>,
    crf_dc: Vec<f64>,
    disc: Vec<f64>,
    cumulative: Vec<f64>,
    zeros: Vec<f64>,
    never: Vec<f64>,
}

impl Work {
    pub(super) fn new(plan: &Plan) -> Work {
        let per_tranche = || vec![0.0; plan.tranches.len() * CHUNK];
        let one = || vec![0.0; CHUNK];
        Work {
            gpus: per_tranche(),
            facility_mw: per_tranche(),
            retire: per_tranche(),
            capex: per_tranche(),
            investments: vec![0.0; plan.years * CHUNK],
            fraction: one(),
            gpu_hours: one(),
            tokens: one(),
            it_kw_per_gpu: one(),
            facility_kw_per_gpu: one(),
            t_gpus: one(),
            t_facility_mw: one(),
            t_pflops: one(),
            t_peak: one(),
            t_gpu_hours: one(),
            t_tokens: one(),
            t_train: one(),
            t_mw_years: one(),
            t_cost: one(),
            t_cost_npv: one(),
            t_revenue: one(),
            t_npv: one(),
            t_investment: one(),
            crf_hw: one(),
            crf_dc: one(),
            disc: one(),
            cumulative: one(),
            zeros: one(),
            never: vec![f64::INFINITY; CHUNK],
        }
    }
}

/// Column `j` of a buffer of columns.
fn col(buf: &[f64], j: usize, len: usize) -> &[f64] {
    &buf[j * CHUNK..j * CHUNK + len]
}

fn col_mut(buf: &mut [f64], j: usize, len: usize) -> &mut [f64] {
    &mut buf[j * CHUNK..j * CHUNK + len]
}

/// How many of the first `len` samples satisfy `hit(i)`.
#[inline(always)]
fn count(len: usize, hit: impl Fn(usize) -> bool) -> u64 {
    let mut c = 0u64;
    for i in 0..len {
        c += u64::from(hit(i));
    }
    c
}

/// `out[i] = f(i)` for every sample of the chunk.
#[inline(always)]
fn fill(out: &mut [f64], f: impl Fn(usize) -> f64) {
    for (i, o) in out.iter_mut().enumerate() {
        *o = f(i);
    }
}

/// A tranche's GPUs, facility MW and power per GPU; `size(i, facility_kw_per_gpu)` gives sample
/// `i`'s GPUs.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn size_tranche(
    it_kw: &[f64],
    overhead: &[f64],
    pue: &[f64],
    g: f64,
    ikpg: &mut [f64],
    fkpg: &mut [f64],
    gpus: &mut [f64],
    fmw: &mut [f64],
    size: impl Fn(usize, f64) -> f64,
) {
    let len = gpus.len();
    let (it_kw, overhead, pue) = (&it_kw[..len], &overhead[..len], &pue[..len]);
    let (ikpg, fkpg, fmw) = (&mut ikpg[..len], &mut fkpg[..len], &mut fmw[..len]);
    for i in 0..len {
        let it = it_kw_per_gpu(it_kw[i], g, overhead[i]);
        let fac = facility_kw_per_gpu(it, pue[i]);
        let n = size(i, fac);
        ikpg[i] = it;
        fkpg[i] = fac;
        gpus[i] = n;
        fmw[i] = facility_mw(n, it, pue[i]);
    }
}

/// Evaluate samples `at.start .. at.start + at.len` of a batch; see
/// [`super::evaluate_batch`]. Returns how many samples each probability's event held in.
pub(super) fn evaluate_chunk<T: Tracer>(
    plan: &Plan,
    x: &Values<'_>,
    at: &mut Out<'_, '_, '_>,
    w: &mut Work,
    tr: &mut T,
) -> [u64; PROBABILITIES.len()] {
    use Metric as M;
    use Series as S;
    let len = at.len;
    let years = plan.years;
    let h = HOURS_PER_YEAR;
    let pue = x.get(plan.pue);
    let overhead = x.get(plan.it_overhead);
    let inf = x.get(plan.inference_share);
    let util = x.get(plan.utilization);
    let mfu = x.get(plan.mfu);
    let dr = x.get(plan.discount_rate);
    let price_mtok = plan.price_usd_per_mtok.map(|i| x.get(i));
    let commitment = plan.commitment_usd.map(|i| x.get(i));
    let zeros = &w.zeros[..len];

    // Owned mode: the capital recovery factors (a power per sample: not vectorised).
    let owned = plan.owned.map(|o| {
        let hw_life = x.get(o.hardware_life_years);
        let dc_life = x.get(o.datacenter_life_years);
        fill(&mut w.crf_hw[..len], |i| crf(dr[i], hw_life[i]));
        fill(&mut w.crf_dc[..len], |i| crf(dr[i], dc_life[i]));
        tr.step(|| {
            step(
                "crf_hardware",
                format!(
                    "CRF(r = {}, n = {} y) = r(1+r)^n / ((1+r)^n − 1)",
                    num(dr[0]),
                    num(hw_life[0])
                ),
                w.crf_hw[0],
                "per year",
            )
        });
        tr.step(|| {
            step(
                "crf_datacenter",
                format!("CRF(r = {}, n = {} y)", num(dr[0]), num(dc_life[0])),
                w.crf_dc[0],
                "per year",
            )
        });
        (
            o,
            hw_life,
            o.maintenance_pct_of_capex.map_or(zeros, |i| x.get(i)),
        )
    });

    for t in [
        &mut w.t_gpus,
        &mut w.t_facility_mw,
        &mut w.t_pflops,
        &mut w.t_peak,
        &mut w.t_gpu_hours,
        &mut w.t_tokens,
        &mut w.t_train,
        &mut w.t_mw_years,
    ] {
        t[..len].fill(0.0);
    }
    for k in 0..years {
        for s in [
            S::GpusInstalled,
            S::FacilityMw,
            S::Tokens,
            S::CostUsd,
            S::RevenueUsd,
        ] {
            at.series(s, k).fill(0.0);
        }
    }

    // The fleet, tranche by tranche: its size, then its years.
    for (j, t) in plan.tranches.iter().enumerate() {
        let g = t.gpus_per_system;
        let it_kw = x.get(t.it_kw);
        let gpus = col_mut(&mut w.gpus, j, len);
        let fmw = col_mut(&mut w.facility_mw, j, len);
        let (ikpg, fkpg) = (&mut w.it_kw_per_gpu, &mut w.facility_kw_per_gpu);
        match t.size {
            SizeIdx::Gpus(v) => {
                let c = x.get(v);
                size_tranche(it_kw, overhead, pue, g, ikpg, fkpg, gpus, fmw, |i, _| c[i]);
            }
            SizeIdx::Systems(v) => {
                let c = x.get(v);
                size_tranche(it_kw, overhead, pue, g, ikpg, fkpg, gpus, fmw, |i, _| {
                    c[i] * g
                });
            }
            SizeIdx::PowerMw(v) => {
                let c = x.get(v);
                size_tranche(it_kw, overhead, pue, g, ikpg, fkpg, gpus, fmw, |i, f| {
                    gpus_from_power(c[i], f, g)
                });
            }
        }
        let (gpus, fmw) = (&*gpus, &*fmw);
        if tr.enabled() {
            let (ikpg, fkpg) = (w.it_kw_per_gpu[0], w.facility_kw_per_gpu[0]);
            tr.step(|| {
                step(
                    format!("{}: it_kw_per_gpu", t.name),
                    format!(
                        "{} kW / {} × (1 + {})",
                        num(it_kw[0]),
                        num(g),
                        num(overhead[0])
                    ),
                    ikpg,
                    "kW",
                )
            });
            tr.step(|| {
                step(
                    format!("{}: facility_kw_per_gpu", t.name),
                    format!("{} kW × PUE {}", num(ikpg), num(pue[0])),
                    fkpg,
                    "kW",
                )
            });
            tr.step(|| {
                step(
                    format!("{}: gpus", t.name),
                    match t.size {
                        SizeIdx::Gpus(v) => format!("given: {}", num(x.get(v)[0])),
                        SizeIdx::Systems(v) => {
                            format!("{} systems × {} GPUs", num(x.get(v)[0]), num(g))
                        }
                        SizeIdx::PowerMw(v) => format!(
                            "floor({} MW × 1000 / ({} kW × {})) × {} (whole systems)",
                            num(x.get(v)[0]),
                            num(fkpg),
                            num(g),
                            num(g)
                        ),
                    },
                    gpus[0],
                    "GPUs",
                )
            });
            tr.step(|| {
                step(
                    format!("{}: facility_mw", t.name),
                    format!(
                        "{} GPUs × {} kW / 1000 × PUE {}",
                        num(gpus[0]),
                        num(ikpg),
                        num(pue[0])
                    ),
                    fmw[0],
                    "MW",
                )
            });
        }
        let pf8 = x.get(t.pflops_fp8);
        let tps = x.get(t.tokens_per_gpu_s);
        for i in 0..len {
            w.t_gpus[i] += gpus[i];
            w.t_facility_mw[i] += fmw[i];
            w.t_pflops[i] += gpus[i] * pf8[i];
            w.t_peak[i] += gpus[i] * 86_400.0 * inf[i] * util[i] * tps[i];
        }

        let online = x.get(t.online);
        let ramp = x.get(t.ramp_years);
        let retire: &[f64] = match (t.retire, &owned) {
            (Some(v), _) => x.get(v),
            (None, Some((_, hw_life, _))) => {
                let r = col_mut(&mut w.retire, j, len);
                fill(r, |i| online[i] + ramp[i] + hw_life[i]);
                r
            }
            (None, None) => &w.never[..len],
        };
        let price_gpu_hour = t.price_usd_per_gpu_hour.map(|v| x.get(v));
        if price_gpu_hour.is_none() && owned.is_some() {
            let price = x.get(t.price_usd);
            fill(col_mut(&mut w.capex, j, len), |i| gpus[i] / g * price[i]);
        }
        let capex = col(&w.capex, j, len);
        let mut fractions = Vec::new();
        for k in 0..years {
            let y = f64::from(plan.start_year) + k as f64;
            let a = &mut w.fraction[..len];
            let gh = &mut w.gpu_hours[..len];
            let tk = &mut w.tokens[..len];
            for i in 0..len {
                a[i] = installed_fraction(y, online[i], ramp[i], retire[i]);
                gh[i] = gpus[i] * a[i] * h;
                tk[i] = gh[i] * 3600.0 * inf[i] * util[i] * tps[i];
            }
            let (a, gh, tk) = (&*a, &*gh, &*tk);
            if tr.enabled() {
                fractions.push(a[0]);
            }
            for i in 0..len {
                w.t_gpu_hours[i] += gh[i];
                w.t_tokens[i] += tk[i];
                w.t_train[i] += gh[i] * 3600.0 * (1.0 - inf[i]) * pf8[i] * 1e15 * mfu[i];
                w.t_mw_years[i] += fmw[i] * a[i];
            }
            let [s_gpus, s_mw, s_tokens, s_cost, s_rev] = at.series_of_year(
                [
                    S::GpusInstalled,
                    S::FacilityMw,
                    S::Tokens,
                    S::CostUsd,
                    S::RevenueUsd,
                ],
                k,
            );
            for i in 0..len {
                s_gpus[i] += gpus[i] * a[i];
                s_mw[i] += fmw[i] * a[i];
                s_tokens[i] += tk[i];
            }
            match (price_gpu_hour, &owned) {
                (Some(p), _) => {
                    for i in 0..len {
                        s_cost[i] += gh[i] * p[i];
                    }
                }
                (None, Some((o, _, maint))) => {
                    let dc_capex = x.get(o.datacenter_capex_usd_per_mw);
                    let load = x.get(o.load_factor);
                    let power_price = x.get(o.power_price_usd_per_kwh);
                    let (crf_hw, crf_dc) = (&w.crf_hw[..len], &w.crf_dc[..len]);
                    for i in 0..len {
                        let (f, a) = (fmw[i], a[i]);
                        s_cost[i] += capex[i] * crf_hw[i] * a
                            + f * dc_capex[i] * crf_dc[i] * a
                            + f * 1000.0 * load[i] * h * power_price[i] * a
                            + maint[i] * capex[i] * a;
                    }
                }
                // Neither a price nor owned mode: no cost. Adding 0 would leave every column as
                // it is (it starts at +0 and never holds −0), so nothing is added.
                (None, None) => {}
            }
            if let Some(p) = price_mtok {
                for i in 0..len {
                    s_rev[i] += tk[i] / 1e6 * p[i];
                }
            }
        }
        if tr.enabled() {
            for (k, &a) in fractions.iter().enumerate() {
                let y = plan.start_year + k as i32;
                let (online, ramp, retire) = (online[0], ramp[0], retire[0]);
                tr.step(|| {
                    step(
                        format!("{}: installed_fraction {y}", t.name),
                        format!(
                            "online {}, ramp {} y{}",
                            year(online),
                            num(ramp),
                            if retire.is_finite() {
                                format!(", retire {}", year(retire))
                            } else {
                                String::new()
                            }
                        ),
                        a,
                        "",
                    )
                });
            }
            match price_gpu_hour {
                Some(p) => tr.step(|| {
                    step(
                        format!("{}: price_usd_per_gpu_hour", t.name),
                        "cloud price",
                        p[0],
                        "USD",
                    )
                }),
                None => tr.step(|| {
                    step(
                        format!("{}: capex_usd", t.name),
                        format!(
                            "{} GPUs / {} × ${}",
                            num(gpus[0]),
                            num(g),
                            num(x.get(t.price_usd)[0])
                        ),
                        capex[0],
                        "USD",
                    )
                }),
            }
        }
    }

    // Investments by year.
    w.investments[..years * CHUNK].fill(0.0);
    for &(v, k) in &plan.investments {
        let amount = x.get(v);
        let inv = col_mut(&mut w.investments, k, len);
        for i in 0..len {
            inv[i] += amount[i];
        }
    }

    // The term: totals, discounting (mid-year: (1 + r)^(k + 0.5), by one square root and
    // repeated products), cumulative cash.
    for t in [
        &mut w.t_cost,
        &mut w.t_cost_npv,
        &mut w.t_revenue,
        &mut w.t_npv,
        &mut w.cumulative,
    ] {
        t[..len].fill(0.0);
    }
    let disc = &mut w.disc[..len];
    fill(disc, |i| (1.0 + dr[i]).sqrt());
    for k in 0..years {
        if k > 0 {
            for i in 0..len {
                disc[i] *= 1.0 + dr[i];
            }
        }
        let [s_cost, s_rev, s_cash] =
            at.series_of_year([S::CostUsd, S::RevenueUsd, S::CumulativeCashUsd], k);
        let inv = col(&w.investments, k, len);
        for i in 0..len {
            let (c, r) = (s_cost[i], s_rev[i]);
            let cash = r - c + inv[i];
            w.t_cost[i] += c;
            w.t_cost_npv[i] += c / disc[i];
            w.t_revenue[i] += r;
            w.t_npv[i] += cash / disc[i];
            let cum = w.cumulative[i] + cash;
            w.cumulative[i] = cum;
            s_cash[i] = cum;
        }
    }
    // The sum of the yearly investments, from −0 (which leaves the first term unchanged), year
    // by year.
    let investment = &mut w.t_investment[..len];
    investment.fill(-0.0);
    for k in 0..years {
        let inv = col(&w.investments, k, len);
        for i in 0..len {
            investment[i] += inv[i];
        }
    }

    // The metrics.
    let w = &*w;
    macro_rules! put {
        ($m:expr, $f:expr) => {
            fill(at.metric($m), $f)
        };
    }
    let nan = f64::NAN;
    let (gpus, fmw, cost) = (&w.t_gpus[..len], &w.t_facility_mw[..len], &w.t_cost[..len]);
    let (gpu_hours, tokens, mw_years) = (
        &w.t_gpu_hours[..len],
        &w.t_tokens[..len],
        &w.t_mw_years[..len],
    );
    let per_gpu_hour = |i: usize| cost[i] / gpu_hours[i];
    let per_mtok = |i: usize| cost[i] * inf[i] / (tokens[i] / 1e6);
    let per_mw_year = |i: usize| cost[i] / mw_years[i];
    let gpus_per_gw = |i: usize| gpus[i] / fmw[i] * 1000.0;
    put!(M::Gpus, |i| gpus[i]);
    put!(M::FacilityMw, |i| fmw[i]);
    put!(M::GpusPerGw, gpus_per_gw);
    put!(M::PflopsFp8, |i| w.t_pflops[i]);
    put!(M::GpuHours, |i| gpu_hours[i]);
    put!(M::Tokens, |i| tokens[i]);
    put!(M::TokensPerDayPeak, |i| w.t_peak[i]);
    put!(M::TrainFlop, |i| w.t_train[i]);
    put!(M::CostUsd, |i| cost[i]);
    put!(M::CostNpvUsd, |i| w.t_cost_npv[i]);
    put!(M::CostPerGpuHourUsd, per_gpu_hour);
    put!(M::CostPerMtokUsd, per_mtok);
    put!(M::CostPerMwYearUsd, per_mw_year);
    let years_f = years as f64;
    let commit_gpu_hours = |c: &[f64], i: usize| c[i] / per_gpu_hour(i);
    let commit_avg_gw = |c: &[f64], i: usize| c[i] / per_mw_year(i) / years_f / 1000.0;
    match commitment {
        Some(c) => {
            put!(M::CommitmentGpuHours, |i| commit_gpu_hours(c, i));
            put!(M::CommitmentAvgGw, |i| commit_avg_gw(c, i));
            put!(M::CommitmentCoverage, |i| cost[i] / c[i]);
        }
        None => {
            put!(M::CommitmentGpuHours, |_| nan);
            put!(M::CommitmentAvgGw, |_| nan);
            put!(M::CommitmentCoverage, |_| nan);
        }
    }
    let investment = &w.t_investment[..len];
    let has_investment = !plan.investments.is_empty();
    put!(M::InvestmentUsd, |i| if has_investment {
        investment[i]
    } else {
        nan
    });
    match commitment {
        Some(c) if has_investment => {
            put!(M::NetCommitmentUsd, |i| c[i] - investment[i]);
            put!(M::Circularity, |i| investment[i] / c[i]);
        }
        _ => {
            put!(M::NetCommitmentUsd, |_| nan);
            put!(M::Circularity, |_| nan);
        }
    }
    let (revenue, npv) = (&w.t_revenue[..len], &w.t_npv[..len]);
    match price_mtok {
        Some(_) => {
            put!(M::RevenueUsd, |i| revenue[i]);
            put!(M::Margin, |i| (revenue[i] - cost[i]) / revenue[i]);
            put!(M::NpvUsd, |i| npv[i]);
        }
        None => {
            put!(M::RevenueUsd, |_| nan);
            put!(M::Margin, |_| nan);
            put!(M::NpvUsd, |_| nan);
        }
    }

    use Probability as P;
    let mut counts = [0u64; PROBABILITIES.len()];
    if let Some(v) = plan.power_mw {
        let power = x.get(v);
        counts[P::FitsPowerEnvelope as usize] =
            count(len, |i| fmw[i] <= power[i] * (1.0 + SIZING_SLACK));
    }
    if let Some(price) = price_mtok {
        counts[P::NpvPositive as usize] = count(len, |i| npv[i] > 0.0);
        counts[P::CostPerMtokBelowPrice as usize] = count(len, |i| per_mtok(i) < price[i]);
    }

    if tr.enabled() {
        let (inf, util, dr) = (inf[0], util[0], dr[0]);
        let (gpus, fmw, cost, gpu_hours, tokens, mw_years) = (
            gpus[0],
            fmw[0],
            cost[0],
            gpu_hours[0],
            tokens[0],
            mw_years[0],
        );
        let steps = [
            step("gpus", "Σ tranche GPUs", gpus, "GPUs"),
            step("facility_mw", "Σ tranche facility MW", fmw, "MW"),
            step(
                "gpus_per_gw",
                format!("{} GPUs / {} MW × 1000", num(gpus), num(fmw)),
                gpus_per_gw(0),
                "GPUs per GW",
            ),
            step(
                "gpu_hours",
                format!("Σ gpus × installed fraction × {h} h"),
                gpu_hours,
                "GPU-hours",
            ),
            step(
                "tokens",
                format!(
                    "Σ GPU-hours × 3600 × inference_share {} × utilization {} × tokens/GPU/s",
                    num(inf),
                    num(util)
                ),
                tokens,
                "tokens",
            ),
            step("cost_usd", "Σ yearly cost, undiscounted", cost, "USD"),
            step(
                "cost_per_gpu_hour_usd",
                format!("${} / {} GPU-hours", num(cost), num(gpu_hours)),
                per_gpu_hour(0),
                "USD",
            ),
            step(
                "cost_per_mtok_usd",
                format!(
                    "${} × inference_share {} / ({} tokens / 1e6)",
                    num(cost),
                    num(inf),
                    num(tokens)
                ),
                per_mtok(0),
                "USD per million tokens",
            ),
            step(
                "cost_per_mw_year_usd",
                format!("${} / {} MW-years", num(cost), num(mw_years)),
                per_mw_year(0),
                "USD",
            ),
            step(
                "cost_npv_usd",
                format!("Σ cost_k / (1 + {})^(k + 0.5)", num(dr)),
                w.t_cost_npv[0],
                "USD",
            ),
        ];
        for s in steps {
            tr.step(|| s);
        }
        if let Some(c) = commitment {
            let (c0, investment) = (c[0], investment[0]);
            tr.step(|| {
                step(
                    "commitment_gpu_hours",
                    format!("${} / ${} per GPU-hour", num(c0), num(per_gpu_hour(0))),
                    commit_gpu_hours(c, 0),
                    "GPU-hours",
                )
            });
            tr.step(|| {
                step(
                    "commitment_avg_gw",
                    format!(
                        "${} / ${} per MW-year / {} years / 1000",
                        num(c0),
                        num(per_mw_year(0)),
                        years
                    ),
                    commit_avg_gw(c, 0),
                    "GW",
                )
            });
            tr.step(|| {
                step(
                    "commitment_coverage",
                    format!("${} / ${}", num(cost), num(c0)),
                    cost / c0,
                    "",
                )
            });
            if has_investment {
                tr.step(|| {
                    step(
                        "net_commitment_usd",
                        format!("${} − ${} invested", num(c0), num(investment)),
                        c0 - investment,
                        "USD",
                    )
                });
            }
        }
        if let Some(p) = price_mtok {
            let p = p[0];
            tr.step(|| {
                step(
                    "revenue_usd",
                    format!("{} tokens / 1e6 × ${}", num(tokens), num(p)),
                    revenue[0],
                    "USD",
                )
            });
            tr.step(|| {
                step(
                    "npv_usd",
                    format!(
                        "Σ (revenue − cost + investments)_k / (1 + {})^(k + 0.5)",
                        num(dr)
                    ),
                    npv[0],
                    "USD",
                )
            });
        }
    }
    counts
}
