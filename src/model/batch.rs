//! The model over a batch of samples, one operation over many samples at a time (structure of
//! arrays).
//!
//! [`evaluate_batch`] computes for every sample exactly what [`super::evaluate`] computes: the
//! same operations on the same operands in the same order, so the same bits (Rust never fuses a
//! multiply and an add, nor reorders floating-point arithmetic). What changes is the loop
//! order: the samples are cut into chunks of [`CHUNK`], and each step of the model runs over a
//! whole chunk before the next, on plain `f64` columns, so that the compiler can use vector
//! instructions and every per-scenario choice (sizing, mode, absent inputs) is made once per
//! chunk rather than once per sample. The chunk's intermediate columns stay in the L1/L2 cache.

use std::ops::Range;

use super::{
    HOURS_PER_YEAR, METRICS, Metric, PROBABILITIES, Plan, Probability, SERIES, SIZING_SLACK,
    Series, SizeIdx, crf, gpus_from_power, installed_fraction,
};

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
struct Values<'a> {
    columns: &'a [BatchValue<'a>],
    fixed: &'a [f64],
    start: usize,
    len: usize,
}

impl<'a> Values<'a> {
    fn get(&self, index: usize) -> &'a [f64] {
        match self.columns[index] {
            BatchValue::Drawn(c) => &c[self.start..self.start + self.len],
            BatchValue::Fixed(_) => &self.fixed[index * CHUNK..index * CHUNK + self.len],
        }
    }
}

/// Evaluate `n` samples. `values[v]` gives value `v` of every sample ([`Plan::paths`] order).
/// Writes metric `m` (in [`METRICS`] order) of sample `i` to `metrics[m * stride + i]` (NaN
/// where undefined or absent) and series `s` (in [`SERIES`] order), year `k` to
/// `series[(s * years + k) * stride + i]`, and returns how many samples each probability's event
/// held in; the `stride − n` values after each column are left alone. Sample by sample, the bits
/// equal [`super::evaluate`]'s.
pub fn evaluate_batch(
    plan: &Plan,
    values: &[BatchValue<'_>],
    n: usize,
    stride: usize,
    metrics: &mut [f64],
    series: &mut [f64],
) -> [u64; PROBABILITIES.len()] {
    let years = plan.years;
    assert!(stride >= n, "columns of {n} values {stride} apart");
    assert_eq!(metrics.len(), METRICS.len() * stride, "metric columns");
    assert_eq!(
        series.len(),
        SERIES.len() * years * stride,
        "series columns"
    );
    for c in values {
        if let BatchValue::Drawn(c) = c {
            assert_eq!(c.len(), n, "a drawn column holds one value per sample");
        }
    }
    let mut counts = [0u64; PROBABILITIES.len()];
    if n == 0 {
        return counts;
    }
    let mut fixed = vec![0.0; values.len() * CHUNK];
    for (v, c) in values.iter().enumerate() {
        if let BatchValue::Fixed(x) = *c {
            fixed[v * CHUNK..(v + 1) * CHUNK].fill(x);
        }
    }
    let mut scratch = Scratch::new(plan);
    for start in (0..n).step_by(CHUNK) {
        let len = CHUNK.min(n - start);
        let x = Values {
            columns: values,
            fixed: &fixed,
            start,
            len,
        };
        let at = Geometry {
            stride,
            start,
            len,
            years,
        };
        let c = evaluate_chunk(plan, &x, at, metrics, series, &mut scratch);
        for (total, c) in counts.iter_mut().zip(c) {
            *total += c;
        }
    }
    counts
}

/// Intermediate columns of one chunk, reused from chunk to chunk.
struct Scratch {
    /// One column per tranche.
    gpus: Vec<f64>,
    facility_mw: Vec<f64>,
    retire: Vec<f64>,
    capex: Vec<f64>,
    /// One column per year.
    investments: Vec<f64>,
    /// One column each.
    fraction: Vec<f64>,
    gpu_hours: Vec<f64>,
    tokens: Vec<f64>,
    mw_years: Vec<f64>,
    crf_hw: Vec<f64>,
    crf_dc: Vec<f64>,
    disc: Vec<f64>,
    cumulative: Vec<f64>,
    investment: Vec<f64>,
    zeros: Vec<f64>,
    never: Vec<f64>,
}

impl Scratch {
    fn new(plan: &Plan) -> Scratch {
        let per_tranche = || vec![0.0; plan.tranches.len() * CHUNK];
        let one = || vec![0.0; CHUNK];
        Scratch {
            gpus: per_tranche(),
            facility_mw: per_tranche(),
            retire: per_tranche(),
            capex: per_tranche(),
            investments: vec![0.0; plan.years * CHUNK],
            fraction: one(),
            gpu_hours: one(),
            tokens: one(),
            mw_years: one(),
            crf_hw: one(),
            crf_dc: one(),
            disc: one(),
            cumulative: one(),
            investment: one(),
            zeros: one(),
            never: vec![f64::INFINITY; CHUNK],
        }
    }
}

/// Where one chunk's outputs sit: samples `start .. start + len` of a batch whose columns are
/// `stride` values apart.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    stride: usize,
    start: usize,
    len: usize,
    years: usize,
}

impl Geometry {
    fn metric(&self, m: Metric) -> Range<usize> {
        let at = m as usize * self.stride + self.start;
        at..at + self.len
    }
    fn series(&self, s: Series, k: usize) -> Range<usize> {
        let at = (s as usize * self.years + k) * self.stride + self.start;
        at..at + self.len
    }
}

/// Column `j` of a scratch buffer of columns.
fn col(buf: &[f64], j: usize, len: usize) -> &[f64] {
    &buf[j * CHUNK..j * CHUNK + len]
}

fn col_mut(buf: &mut [f64], j: usize, len: usize) -> &mut [f64] {
    &mut buf[j * CHUNK..j * CHUNK + len]
}

/// How a tranche's yearly cost is computed (chosen once per tranche, as
/// [`super::evaluate_traced`] chooses it per sample).
enum Cost<'a> {
    /// GPU-hours × the price per GPU-hour.
    Cloud(&'a [f64]),
    /// Capital recovery of the hardware and the data centre, energy, maintenance.
    Owned,
    /// Neither a price nor owned mode: no cost.
    Nothing,
}

/// A tranche's GPUs and facility MW; `size(i, facility_kw_per_gpu)` gives sample `i`'s GPUs.
#[inline(always)]
fn size_tranche(
    it_kw: &[f64],
    overhead: &[f64],
    pue: &[f64],
    g: f64,
    gpus: &mut [f64],
    facility_mw: &mut [f64],
    size: impl Fn(usize, f64) -> f64,
) {
    let len = gpus.len();
    let (it_kw, overhead, pue) = (&it_kw[..len], &overhead[..len], &pue[..len]);
    let facility_mw = &mut facility_mw[..len];
    for i in 0..len {
        let it_kw_per_gpu = it_kw[i] / g * (1.0 + overhead[i]);
        let facility_kw_per_gpu = it_kw_per_gpu * pue[i];
        let gpus_i = size(i, facility_kw_per_gpu);
        let it_mw = gpus_i * it_kw_per_gpu / 1000.0;
        gpus[i] = gpus_i;
        facility_mw[i] = it_mw * pue[i];
    }
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

fn evaluate_chunk(
    plan: &Plan,
    x: &Values<'_>,
    at: Geometry,
    metrics: &mut [f64],
    series: &mut [f64],
    s: &mut Scratch,
) -> [u64; PROBABILITIES.len()] {
    use Metric as M;
    use Series as S;
    let len = at.len;
    let years = plan.years;
    let h = HOURS_PER_YEAR;
    let pue = &x.get(plan.pue)[..len];
    let overhead = &x.get(plan.it_overhead)[..len];
    let inf = &x.get(plan.inference_share)[..len];
    let util = &x.get(plan.utilization)[..len];
    let mfu = &x.get(plan.mfu)[..len];
    let dr = &x.get(plan.discount_rate)[..len];
    let price_mtok = plan.price_usd_per_mtok.map(|i| &x.get(i)[..len]);
    let commitment = plan.commitment_usd.map(|i| &x.get(i)[..len]);
    let zeros = &s.zeros[..len];

    // Owned mode: the capital recovery factors (a power per sample: not vectorised).
    let owned = plan.owned.map(|o| {
        let hw_life = &x.get(o.hardware_life_years)[..len];
        let dc_life = &x.get(o.datacenter_life_years)[..len];
        let (crf_hw, crf_dc) = (&mut s.crf_hw[..len], &mut s.crf_dc[..len]);
        for i in 0..len {
            crf_hw[i] = crf(dr[i], hw_life[i]);
            crf_dc[i] = crf(dr[i], dc_life[i]);
        }
        (
            o,
            hw_life,
            o.maintenance_pct_of_capex
                .map_or(zeros, |i| &x.get(i)[..len]),
        )
    });

    // Fleet: every tranche's size, then its years.
    {
        let [
            m_gpus,
            m_facility_mw,
            m_pflops,
            m_peak,
            m_gpu_hours,
            m_tokens,
            m_train,
        ] = metrics
            .get_disjoint_mut([
                at.metric(M::Gpus),
                at.metric(M::FacilityMw),
                at.metric(M::PflopsFp8),
                at.metric(M::TokensPerDayPeak),
                at.metric(M::GpuHours),
                at.metric(M::Tokens),
                at.metric(M::TrainFlop),
            ])
            .expect("distinct metric columns");
        for m in [
            &mut *m_gpus,
            &mut *m_facility_mw,
            &mut *m_pflops,
            &mut *m_peak,
            &mut *m_gpu_hours,
            &mut *m_tokens,
            &mut *m_train,
        ] {
            m.fill(0.0);
        }
        let mw_years = &mut s.mw_years[..len];
        mw_years.fill(0.0);
        for k in 0..years {
            for ser in [
                S::GpusInstalled,
                S::FacilityMw,
                S::Tokens,
                S::CostUsd,
                S::RevenueUsd,
            ] {
                series[at.series(ser, k)].fill(0.0);
            }
        }
        for (j, t) in plan.tranches.iter().enumerate() {
            let g = t.gpus_per_system;
            let it_kw = x.get(t.it_kw);
            let gpus = col_mut(&mut s.gpus, j, len);
            let facility_mw = col_mut(&mut s.facility_mw, j, len);
            match t.size {
                SizeIdx::Gpus(v) => {
                    let c = &x.get(v)[..len];
                    size_tranche(it_kw, overhead, pue, g, gpus, facility_mw, |i, _| c[i]);
                }
                SizeIdx::Systems(v) => {
                    let c = &x.get(v)[..len];
                    size_tranche(it_kw, overhead, pue, g, gpus, facility_mw, |i, _| c[i] * g);
                }
                SizeIdx::PowerMw(v) => {
                    let c = &x.get(v)[..len];
                    size_tranche(it_kw, overhead, pue, g, gpus, facility_mw, |i, f| {
                        gpus_from_power(c[i], f, g)
                    });
                }
            }
            let gpus = &*gpus;
            let facility_mw = &*facility_mw;
            let pf8 = &x.get(t.pflops_fp8)[..len];
            let tps = &x.get(t.tokens_per_gpu_s)[..len];
            for i in 0..len {
                m_gpus[i] += gpus[i];
                m_facility_mw[i] += facility_mw[i];
                m_pflops[i] += gpus[i] * pf8[i];
                m_peak[i] += gpus[i] * 86_400.0 * inf[i] * util[i] * tps[i];
            }

            let online = &x.get(t.online)[..len];
            let ramp = &x.get(t.ramp_years)[..len];
            let retire: &[f64] = match (t.retire, &owned) {
                (Some(v), _) => &x.get(v)[..len],
                (None, Some((_, hw_life, _))) => {
                    let r = col_mut(&mut s.retire, j, len);
                    for i in 0..len {
                        r[i] = online[i] + ramp[i] + hw_life[i];
                    }
                    r
                }
                (None, None) => &s.never[..len],
            };
            let cost = match (t.price_usd_per_gpu_hour, &owned) {
                (Some(v), _) => Cost::Cloud(&x.get(v)[..len]),
                (None, Some(_)) => {
                    let price = &x.get(t.price_usd)[..len];
                    let capex = col_mut(&mut s.capex, j, len);
                    for i in 0..len {
                        capex[i] = gpus[i] / g * price[i];
                    }
                    Cost::Owned
                }
                (None, None) => Cost::Nothing,
            };
            let capex = col(&s.capex, j, len);
            for k in 0..years {
                let y = f64::from(plan.start_year) + k as f64;
                let a = &mut s.fraction[..len];
                let gh = &mut s.gpu_hours[..len];
                let tk = &mut s.tokens[..len];
                for i in 0..len {
                    a[i] = installed_fraction(y, online[i], ramp[i], retire[i]);
                    gh[i] = gpus[i] * a[i] * h;
                    tk[i] = gh[i] * 3600.0 * inf[i] * util[i] * tps[i];
                }
                let (a, gh, tk) = (&*a, &*gh, &*tk);
                for i in 0..len {
                    m_gpu_hours[i] += gh[i];
                    m_tokens[i] += tk[i];
                    m_train[i] += gh[i] * 3600.0 * (1.0 - inf[i]) * pf8[i] * 1e15 * mfu[i];
                    mw_years[i] += facility_mw[i] * a[i];
                }
                let [s_gpus, s_mw, s_tokens, s_cost, s_rev] = series
                    .get_disjoint_mut([
                        at.series(S::GpusInstalled, k),
                        at.series(S::FacilityMw, k),
                        at.series(S::Tokens, k),
                        at.series(S::CostUsd, k),
                        at.series(S::RevenueUsd, k),
                    ])
                    .expect("distinct series columns");
                for i in 0..len {
                    s_gpus[i] += gpus[i] * a[i];
                    s_mw[i] += facility_mw[i] * a[i];
                    s_tokens[i] += tk[i];
                }
                match (&cost, &owned) {
                    (Cost::Cloud(p), _) => {
                        for i in 0..len {
                            s_cost[i] += gh[i] * p[i];
                        }
                    }
                    (Cost::Owned, Some((o, _, maint))) => {
                        let dc_capex = &x.get(o.datacenter_capex_usd_per_mw)[..len];
                        let load = &x.get(o.load_factor)[..len];
                        let power_price = &x.get(o.power_price_usd_per_kwh)[..len];
                        let (crf_hw, crf_dc) = (&s.crf_hw[..len], &s.crf_dc[..len]);
                        for i in 0..len {
                            let (f, a) = (facility_mw[i], a[i]);
                            s_cost[i] += capex[i] * crf_hw[i] * a
                                + f * dc_capex[i] * crf_dc[i] * a
                                + f * 1000.0 * load[i] * h * power_price[i] * a
                                + maint[i] * capex[i] * a;
                        }
                    }
                    // No cost: adding 0 would leave every column as it is (it starts at +0 and
                    // never holds −0), so nothing is added.
                    _ => {}
                }
                if let Some(p) = price_mtok {
                    for i in 0..len {
                        s_rev[i] += tk[i] / 1e6 * p[i];
                    }
                }
            }
        }
    }
    for c in &mut s.investments[..years * CHUNK] {
        *c = 0.0;
    }
    for &(v, k) in &plan.investments {
        let amount = &x.get(v)[..len];
        let inv = col_mut(&mut s.investments, k, len);
        for i in 0..len {
            inv[i] += amount[i];
        }
    }

    // Years: totals, discounting (mid-year: (1 + r)^(k + 0.5) by one square root and repeated
    // products, as the scalar evaluation does), cumulative cash.
    let [
        m_gpus,
        m_facility_mw,
        m_gpus_per_gw,
        _pflops,
        m_gpu_hours,
        m_tokens,
        _peak,
        _train,
        m_cost,
        m_cost_npv,
        m_per_gpu_hour,
        m_per_mtok,
        m_per_mw_year,
        m_commit_gpu_hours,
        m_commit_avg_gw,
        m_commit_coverage,
        m_investment,
        m_net_commitment,
        m_circularity,
        m_revenue,
        m_margin,
        m_npv,
    ] = metrics
        .get_disjoint_mut([
            at.metric(M::Gpus),
            at.metric(M::FacilityMw),
            at.metric(M::GpusPerGw),
            at.metric(M::PflopsFp8),
            at.metric(M::GpuHours),
            at.metric(M::Tokens),
            at.metric(M::TokensPerDayPeak),
            at.metric(M::TrainFlop),
            at.metric(M::CostUsd),
            at.metric(M::CostNpvUsd),
            at.metric(M::CostPerGpuHourUsd),
            at.metric(M::CostPerMtokUsd),
            at.metric(M::CostPerMwYearUsd),
            at.metric(M::CommitmentGpuHours),
            at.metric(M::CommitmentAvgGw),
            at.metric(M::CommitmentCoverage),
            at.metric(M::InvestmentUsd),
            at.metric(M::NetCommitmentUsd),
            at.metric(M::Circularity),
            at.metric(M::RevenueUsd),
            at.metric(M::Margin),
            at.metric(M::NpvUsd),
        ])
        .expect("distinct metric columns");
    for m in [&mut *m_cost, &mut *m_cost_npv, &mut *m_revenue, &mut *m_npv] {
        m.fill(0.0);
    }
    let cumulative = &mut s.cumulative[..len];
    cumulative.fill(0.0);
    let disc = &mut s.disc[..len];
    for i in 0..len {
        disc[i] = (1.0 + dr[i]).sqrt();
    }
    for k in 0..years {
        if k > 0 {
            for i in 0..len {
                disc[i] *= 1.0 + dr[i];
            }
        }
        let [s_cost, s_rev, s_cash] = series
            .get_disjoint_mut([
                at.series(S::CostUsd, k),
                at.series(S::RevenueUsd, k),
                at.series(S::CumulativeCashUsd, k),
            ])
            .expect("distinct series columns");
        let inv = col(&s.investments, k, len);
        for i in 0..len {
            let (c, r) = (s_cost[i], s_rev[i]);
            let cash = r - c + inv[i];
            m_cost[i] += c;
            m_cost_npv[i] += c / disc[i];
            m_revenue[i] += r;
            m_npv[i] += cash / disc[i];
            let cum = cumulative[i] + cash;
            cumulative[i] = cum;
            s_cash[i] = cum;
        }
    }
    // The sum of the yearly investments, as `Iterator::sum` adds them: from −0 (which leaves
    // the first term unchanged), year by year.
    let investment = &mut s.investment[..len];
    investment.fill(-0.0);
    for k in 0..years {
        let inv = col(&s.investments, k, len);
        for i in 0..len {
            investment[i] += inv[i];
        }
    }
    let mw_years = &s.mw_years[..len];

    // Ratios and the metrics that need optional inputs.
    for i in 0..len {
        m_gpus_per_gw[i] = m_gpus[i] / m_facility_mw[i] * 1000.0;
        m_per_gpu_hour[i] = m_cost[i] / m_gpu_hours[i];
        m_per_mtok[i] = m_cost[i] * inf[i] / (m_tokens[i] / 1e6);
        m_per_mw_year[i] = m_cost[i] / mw_years[i];
    }
    let nan = f64::NAN;
    match commitment {
        Some(c) => {
            let years = years as f64;
            for i in 0..len {
                m_commit_gpu_hours[i] = c[i] / m_per_gpu_hour[i];
                m_commit_avg_gw[i] = c[i] / m_per_mw_year[i] / years / 1000.0;
                m_commit_coverage[i] = m_cost[i] / c[i];
            }
        }
        None => {
            m_commit_gpu_hours.fill(nan);
            m_commit_avg_gw.fill(nan);
            m_commit_coverage.fill(nan);
        }
    }
    let has_investment = !plan.investments.is_empty();
    if has_investment {
        m_investment.copy_from_slice(investment);
    } else {
        m_investment.fill(nan);
    }
    match commitment {
        Some(c) if has_investment => {
            for i in 0..len {
                m_net_commitment[i] = c[i] - investment[i];
                m_circularity[i] = investment[i] / c[i];
            }
        }
        _ => {
            m_net_commitment.fill(nan);
            m_circularity.fill(nan);
        }
    }

    use Probability as P;
    let mut counts = [0u64; PROBABILITIES.len()];
    if let Some(v) = plan.power_mw {
        let power = &x.get(v)[..len];
        counts[P::FitsPowerEnvelope as usize] =
            count(len, |i| m_facility_mw[i] <= power[i] * (1.0 + SIZING_SLACK));
    }
    match price_mtok {
        Some(price) => {
            for i in 0..len {
                m_margin[i] = (m_revenue[i] - m_cost[i]) / m_revenue[i];
            }
            counts[P::NpvPositive as usize] = count(len, |i| m_npv[i] > 0.0);
            counts[P::CostPerMtokBelowPrice as usize] = count(len, |i| m_per_mtok[i] < price[i]);
        }
        None => {
            m_revenue.fill(nan);
            m_margin.fill(nan);
            m_npv.fill(nan);
        }
    }
    counts
}
