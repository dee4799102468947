//! The one evaluation of the model: every formula of docs/model.md applied to a chunk of
//! samples at a time, column by column (structure of arrays).
//!
//! A run evaluates batches of thousands of samples; `explain` and the tornado evaluate one. Both
//! go through [`evaluate_chunk`]: one sample is a chunk of length 1. Each step runs over the
//! whole chunk before the next, on plain `f64` columns, so the compiler can use vector
//! instructions and every per-scenario choice (sizing, mode, absent inputs) is made once per
//! chunk. The formulas themselves are the scalar functions of [`super::fleet`],
//! [`super::throughput`], [`super::tokens`], [`super::cost`] and [`super::finance`], applied
//! here sample by sample; no sample's arithmetic depends on the others or on the chunk's length,
//! so one sample gives the same bits alone or in a batch.
//!
//! The trace for `explain` is an observer ([`Tracer`]): each step reads the chunk's first
//! sample. With [`super::NoTrace`] every trace call compiles away.

use super::cost::{gpus_from_commitment, owned_cost_terms, shortfall};
use super::finance::{crf, installed_during, ratio};
use super::fleet::{
    HOURS_PER_YEAR, SIZING_SLACK, facility_kw_per_gpu, facility_mw, gpus_from_power,
    installed_fraction, it_kw_per_gpu,
};
use super::throughput::{Hardware, Served, flops_for_precision, roofline};
use super::tokens::{input_tokens, split_price_per_output_mtok, year_factor};
use super::trace::{Tracer, num, step, year};
use super::{
    Metric, PROBABILITIES, PaymentIdx, Plan, PricePlan, Probability, Series, SizeIdx, ThroughputIdx,
};
use crate::scenario::InvestmentKind;

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

/// A column of `CHUNK` values per item.
fn columns(items: usize) -> Vec<f64> {
    vec![0.0; items * CHUNK]
}

/// Intermediate columns of one chunk, reused from chunk to chunk.
pub(super) struct Work {
    /// One column per tranche.
    gpus: Vec<f64>,
    facility_mw: Vec<f64>,
    retire: Vec<f64>,
    capex: Vec<f64>,
    tranche_gpu_hours: Vec<f64>,
    /// One column per system: output tokens per GPU-second at the base year, and whether the
    /// roofline met the interactivity target (1 or 0).
    tps: Vec<f64>,
    met: Vec<f64>,
    /// One column per year.
    investments: Vec<f64>,
    investments_npv: Vec<f64>,
    growth: Vec<f64>,
    price_factor: Vec<f64>,
    cash_cost: Vec<f64>,
    /// One column each: the current tranche-year.
    fraction: Vec<f64>,
    gpu_hours: Vec<f64>,
    tokens: Vec<f64>,
    it_kw_per_gpu: Vec<f64>,
    facility_kw_per_gpu: Vec<f64>,
    sized: Vec<f64>,
    /// One column each: totals over the fleet and the term.
    t_gpus: Vec<f64>,
    t_facility_mw: Vec<f64>,
    t_pflops: Vec<f64>,
    t_peak: Vec<f64>,
    t_gpu_hours: Vec<f64>,
    t_tokens: Vec<f64>,
    t_input_tokens: Vec<f64>,
    t_serving_s: Vec<f64>,
    t_gpus_tps: Vec<f64>,
    t_train: Vec<f64>,
    t_mw_years: Vec<f64>,
    t_usage: Vec<f64>,
    t_shortfall: Vec<f64>,
    t_cost: Vec<f64>,
    t_cost_npv: Vec<f64>,
    t_revenue: Vec<f64>,
    /// With a revenue ceiling: the tokens the fleet could serve (`t_tokens` holds those sold),
    /// and whether the ceiling bound in some year (1) or not (0).
    t_capacity_tokens: Vec<f64>,
    t_at_ceiling: Vec<f64>,
    t_npv: Vec<f64>,
    t_investment: Vec<f64>,
    t_hw_capex: Vec<f64>,
    t_dc_capex: Vec<f64>,
    t_parts: Vec<f64>,
    t_funding_low: Vec<f64>,
    int_met: Vec<f64>,
    /// One column each: per-sample factors.
    price_base: Vec<f64>,
    crf_hw: Vec<f64>,
    crf_dc: Vec<f64>,
    disc: Vec<f64>,
    cumulative: Vec<f64>,
    funding: Vec<f64>,
    zeros: Vec<f64>,
    never: Vec<f64>,
}

impl Work {
    pub(super) fn new(plan: &Plan) -> Work {
        let (n, y) = (plan.tranches.len(), plan.years);
        Work {
            gpus: columns(n),
            facility_mw: columns(n),
            retire: columns(n),
            capex: columns(n),
            tranche_gpu_hours: columns(n),
            tps: columns(plan.systems.len()),
            met: columns(plan.systems.len()),
            investments: columns(y),
            investments_npv: columns(y),
            growth: columns(y),
            price_factor: columns(y),
            cash_cost: columns(y),
            fraction: columns(1),
            gpu_hours: columns(1),
            tokens: columns(1),
            it_kw_per_gpu: columns(1),
            facility_kw_per_gpu: columns(1),
            sized: columns(1),
            t_gpus: columns(1),
            t_facility_mw: columns(1),
            t_pflops: columns(1),
            t_peak: columns(1),
            t_gpu_hours: columns(1),
            t_tokens: columns(1),
            t_input_tokens: columns(1),
            t_serving_s: columns(1),
            t_gpus_tps: columns(1),
            t_train: columns(1),
            t_mw_years: columns(1),
            t_usage: columns(1),
            t_shortfall: columns(1),
            t_cost: columns(1),
            t_cost_npv: columns(1),
            t_revenue: columns(1),
            t_capacity_tokens: columns(1),
            t_at_ceiling: columns(1),
            t_npv: columns(1),
            t_investment: columns(1),
            t_hw_capex: columns(1),
            t_dc_capex: columns(1),
            t_parts: columns(4),
            t_funding_low: columns(1),
            int_met: columns(1),
            price_base: columns(1),
            crf_hw: columns(1),
            crf_dc: columns(1),
            disc: columns(1),
            cumulative: columns(1),
            funding: columns(1),
            zeros: columns(1),
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
    let commitment = plan.commitment_usd.map(|i| x.get(i));
    let lengths = plan.token_lengths.map(|(i, o)| (x.get(i), x.get(o)));
    let cached_share = plan.cached_input_share.map(|i| x.get(i));
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
    let dc_capex = plan.datacenter_capex_usd_per_mw.map(|i| x.get(i));

    // Over the term: throughput and token prices move by calendar year from the base year.
    let shift = |k: usize| plan.start_year + k as i32 - plan.base_year;
    for (factors, rate) in [
        (&mut w.growth, plan.throughput_growth_per_year),
        (&mut w.price_factor, plan.price_change_per_year),
    ] {
        for k in 0..years {
            let f = col_mut(factors, k, len);
            match rate {
                Some(v) => {
                    let g = x.get(v);
                    let n = shift(k);
                    fill(f, |i| year_factor(g[i], n));
                }
                None => f.fill(1.0),
            }
        }
    }
    // Revenue per million output tokens at the base year.
    if let Some(PricePlan::Split {
        input,
        cached_input,
        output,
    }) = plan.price
    {
        let (p_in, p_cached, p_out) = (x.get(input), x.get(cached_input), x.get(output));
        let (i_len, o_len) = lengths.expect("split prices come with token lengths");
        let h_share = cached_share.unwrap_or(zeros);
        fill(&mut w.price_base[..len], |i| {
            split_price_per_output_mtok(
                p_in[i],
                p_cached[i],
                p_out[i],
                i_len[i],
                o_len[i],
                h_share[i],
            )
        });
        tr.step(|| {
            step(
                "price_usd_per_mtok_output_blended",
                format!(
                    "${} output + {} / {} input tokens × ((1 − {}) × ${} + {} × ${} cached)",
                    num(p_out[0]),
                    num(i_len[0]),
                    num(o_len[0]),
                    num(h_share[0]),
                    num(p_in[0]),
                    num(h_share[0]),
                    num(p_cached[0])
                ),
                w.price_base[0],
                "USD per million output tokens",
            )
        });
    }
    let price: Option<&[f64]> = plan.price.map(|p| match p {
        PricePlan::Blended(v) => x.get(v),
        PricePlan::Split { .. } => &w.price_base[..len],
    });
    if tr.enabled() {
        for (name, rate, factors) in [
            (
                "throughput_factor",
                plan.throughput_growth_per_year,
                &w.growth,
            ),
            ("price_factor", plan.price_change_per_year, &w.price_factor),
        ] {
            if let Some(v) = rate {
                let g = x.get(v)[0];
                for k in 0..years {
                    let f = col(factors, k, len)[0];
                    tr.step(|| {
                        step(
                            format!("{name} {}", plan.start_year + k as i32),
                            // A fall reads as one: (1 − 0.2), not (1 + -0.2).
                            if g < 0.0 {
                                format!("(1 − {})^({})", num(-g), shift(k))
                            } else {
                                format!("(1 + {})^({})", num(g), shift(k))
                            },
                            f,
                            "",
                        )
                    });
                }
            }
        }
    }

    // Throughput per system at the base year: given, or the roofline.
    let model = plan.model.map(|m| {
        let (total, active) = (x.get(m.total_params_b), x.get(m.active_params_b));
        let (bytes, kv) = (x.get(m.bytes_per_param), x.get(m.kv_bytes_per_token));
        let (inter, eff) = (x.get(m.interactivity_tok_s), x.get(m.serving_efficiency));
        let (i_len, o_len) = lengths.expect("the roofline comes with token lengths");
        move |i: usize| Served {
            total_params_b: total[i],
            active_params_b: active[i],
            bytes_per_param: bytes[i],
            kv_bytes_per_token: kv[i],
            input_tokens: i_len[i],
            output_tokens: o_len[i],
            cached_input_share: cached_share.map_or(0.0, |c| c[i]),
            interactivity_tok_s: inter[i],
            serving_efficiency: eff[i],
        }
    });
    for (s, sys) in plan.systems.iter().enumerate() {
        let ThroughputIdx::Roofline {
            hbm_gb,
            hbm_tb_s,
            scaleup_gpus,
        } = sys.throughput
        else {
            continue;
        };
        let served = model
            .as_ref()
            .expect("a roofline system comes with a served model");
        let (cap, bw, pf8) = (x.get(hbm_gb), x.get(hbm_tb_s), x.get(sys.pflops_fp8));
        let pf4 = sys.pflops_fp4.map(|v| x.get(v));
        let hardware = |i: usize, bytes: f64| Hardware {
            hbm_gb: cap[i],
            hbm_tb_s: bw[i],
            flops: flops_for_precision(bytes, pf8[i], pf4.map(|c| c[i])),
            scaleup_gpus,
        };
        let (tps, met) = (col_mut(&mut w.tps, s, len), col_mut(&mut w.met, s, len));
        for i in 0..len {
            let m = served(i);
            let r = roofline(hardware(i, m.bytes_per_param), m);
            tps[i] = r.tps;
            met[i] = if r.met { 1.0 } else { 0.0 };
        }
        if tr.enabled() {
            let m = served(0);
            let hw = hardware(0, m.bytes_per_param);
            let r = roofline(hw, m);
            let key = &sys.key;
            let steps = [
                step(
                    format!("{key}: weights_bytes"),
                    format!(
                        "W = {}B params × {} bytes",
                        num(m.total_params_b),
                        num(m.bytes_per_param)
                    ),
                    r.weights_bytes,
                    "bytes",
                ),
                step(
                    format!("{key}: flops_per_gpu"),
                    format!(
                        "{} bytes per parameter: {}",
                        num(m.bytes_per_param),
                        if m.bytes_per_param <= 0.5 && pf4.is_some() {
                            "FP4 rate"
                        } else if m.bytes_per_param <= 1.0 {
                            "FP8 rate"
                        } else {
                            "half the FP8 rate (BF16)"
                        }
                    ),
                    hw.flops,
                    "FLOP/s",
                ),
                step(
                    format!("{key}: replica_gpus"),
                    format!(
                        "R = max(1, ceil(W / (0.8 × {} GPUs × {} GB))) = {} domain(s) × {}",
                        num(scaleup_gpus),
                        num(hw.hbm_gb),
                        num(r.domains),
                        num(scaleup_gpus)
                    ),
                    r.replica_gpus,
                    "GPUs",
                ),
                step(
                    format!("{key}: b_mem"),
                    if r.b_mem_all_weights {
                        format!(
                            "(R × {} TB/s / {} tok/s per user − all weights W) / (context {} × {} bytes), \
                             the batch reading every expert once per step",
                            num(hw.hbm_tb_s),
                            num(m.interactivity_tok_s),
                            num(r.context),
                            num(m.kv_bytes_per_token)
                        )
                    } else {
                        format!(
                            "R × {} TB/s / {} tok/s per user over active weights {} bytes + context {} × {} bytes",
                            num(hw.hbm_tb_s),
                            num(m.interactivity_tok_s),
                            num(r.active_bytes),
                            num(r.context),
                            num(m.kv_bytes_per_token)
                        )
                    },
                    r.b_mem,
                    "sequences",
                ),
                step(
                    format!("{key}: b_cmp"),
                    format!(
                        "R × {} FLOP/s / (2 × {}e9 active × {} tok/s)",
                        num(hw.flops),
                        num(m.active_params_b),
                        num(m.interactivity_tok_s)
                    ),
                    r.b_cmp,
                    "sequences",
                ),
                step(
                    format!("{key}: b_cap"),
                    format!(
                        "(R × {} GB − W) / (({} + {}) tokens × {} bytes)",
                        num(hw.hbm_gb),
                        num(m.input_tokens),
                        num(m.output_tokens),
                        num(m.kv_bytes_per_token)
                    ),
                    r.b_cap,
                    "sequences",
                ),
                step(
                    format!("{key}: batch"),
                    format!(
                        "min(b_mem, b_cmp, b_cap): {} binds{}",
                        r.bound.as_str(),
                        if r.met {
                            String::new()
                        } else if r.b_cap < 1.0 {
                            "; the model does not fit".to_string()
                        } else {
                            "; below one sequence, the interactivity target is out of reach"
                                .to_string()
                        }
                    ),
                    r.batch,
                    "sequences",
                ),
                step(
                    format!("{key}: decode_tok_s_per_gpu"),
                    if r.met {
                        format!("batch × {} tok/s / R", num(m.interactivity_tok_s))
                    } else {
                        "one sequence at its fastest: 1 / (R × max(memory, compute) time per token)"
                            .to_string()
                    },
                    r.decode,
                    "tokens/s",
                ),
                step(
                    format!("{key}: prefill_gpu_s"),
                    format!(
                        "{} input × (1 − {} cached) × 2 × {}e9 / {} FLOP/s",
                        num(m.input_tokens),
                        num(m.cached_input_share),
                        num(m.active_params_b),
                        num(hw.flops)
                    ),
                    r.prefill_s,
                    "GPU-s per request",
                ),
                step(
                    format!("{key}: tokens_per_gpu_s"),
                    format!(
                        "efficiency {} × {} output / ({} + {} / {})",
                        num(m.serving_efficiency),
                        num(m.output_tokens),
                        num(r.prefill_s),
                        num(m.output_tokens),
                        num(r.decode)
                    ),
                    r.tps,
                    "output tokens/s per GPU",
                ),
            ];
            for s in steps {
                tr.step(|| s);
            }
        }
    }

    for t in [
        &mut w.t_gpus,
        &mut w.t_facility_mw,
        &mut w.t_pflops,
        &mut w.t_peak,
        &mut w.t_gpu_hours,
        &mut w.t_tokens,
        &mut w.t_input_tokens,
        &mut w.t_serving_s,
        &mut w.t_gpus_tps,
        &mut w.t_train,
        &mut w.t_mw_years,
        &mut w.t_hw_capex,
        &mut w.t_dc_capex,
    ] {
        t[..len].fill(0.0);
    }
    w.t_parts.fill(0.0);
    w.int_met[..len].fill(1.0);
    w.cash_cost.fill(0.0);
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

    // The fleet, tranche by tranche: its size, then its years. A tranche sized by the
    // commitment comes last: the commitment pays for what the others leave.
    let order = plan
        .tranches
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.size, SizeIdx::FromCommitment))
        .chain(
            plan.tranches
                .iter()
                .enumerate()
                .filter(|(_, t)| matches!(t.size, SizeIdx::FromCommitment)),
        );
    let mut covers = None;
    for (j, t) in order {
        let sys = &plan.systems[t.system];
        let g = sys.gpus_per_system;
        let it_kw = x.get(sys.it_kw);
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
        if let SizeIdx::FromCommitment = t.size {
            // What the others use, then the GPUs the rest of the commitment pays for over this
            // tranche's installed years.
            let c = commitment.expect("a tranche sized by the commitment comes with one");
            let p = price_gpu_hour.expect("a tranche sized by the commitment is in cloud mode");
            let used = &mut w.t_usage[..len];
            used.fill(0.0);
            for k in 0..years {
                let s_cost = at.series(S::CostUsd, k);
                for i in 0..len {
                    used[i] += s_cost[i];
                }
            }
            let installed = &mut w.fraction[..len];
            installed.fill(0.0);
            for k in 0..years {
                let y = f64::from(plan.start_year) + k as f64;
                for i in 0..len {
                    installed[i] += installed_fraction(y, online[i], ramp[i], retire[i]);
                }
            }
            fill(&mut w.sized[..len], |i| {
                gpus_from_commitment(c[i], used[i], p[i], installed[i])
            });
            let n = &w.sized[..len];
            covers = Some(count(len, |i| n[i] > 0.0));
            tr.step(|| {
                step(
                    format!("{}: gpus_from_commitment", t.name),
                    format!(
                        "(${} − ${} used by the other tranches) / (${} per GPU-hour × {h} h × {} installed years)",
                        num(c[0]),
                        num(used[0]),
                        num(p[0]),
                        num(installed[0])
                    ),
                    n[0],
                    "GPUs",
                )
            });
        }
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
            SizeIdx::FromCommitment => {
                let n = &w.sized[..len];
                size_tranche(it_kw, overhead, pue, g, ikpg, fkpg, gpus, fmw, |i, _| n[i]);
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
                        SizeIdx::FromCommitment => {
                            "sized by the commitment, as drawn (not whole systems)".to_string()
                        }
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
        let pf8 = x.get(sys.pflops_fp8);
        let tps: &[f64] = match sys.throughput {
            ThroughputIdx::Given(v) => x.get(v),
            ThroughputIdx::Roofline { .. } => col(&w.tps, t.system, len),
        };
        for i in 0..len {
            w.t_gpus[i] += gpus[i];
            w.t_facility_mw[i] += fmw[i];
            w.t_pflops[i] += gpus[i] * pf8[i];
            w.t_peak[i] += gpus[i] * 86_400.0 * inf[i] * util[i] * tps[i];
            w.t_gpus_tps[i] += gpus[i] * tps[i];
        }
        let price_usd = x.get(sys.price_usd);
        let capex = col_mut(&mut w.capex, j, len);
        fill(capex, |i| gpus[i] / g * price_usd[i]);
        let capex = &*capex;
        for (total, c) in w.t_hw_capex[..len].iter_mut().zip(capex) {
            *total += c;
        }
        if let Some(dc) = dc_capex {
            for i in 0..len {
                w.t_dc_capex[i] += fmw[i] * dc[i];
            }
        }
        let tranche_gh = col_mut(&mut w.tranche_gpu_hours, j, len);
        tranche_gh.fill(0.0);
        let mut fractions = Vec::new();
        for k in 0..years {
            let y = f64::from(plan.start_year) + k as f64;
            let a = &mut w.fraction[..len];
            let gh = &mut w.gpu_hours[..len];
            let tk = &mut w.tokens[..len];
            let gf = col(&w.growth, k, len);
            for i in 0..len {
                a[i] = installed_fraction(y, online[i], ramp[i], retire[i]);
                gh[i] = gpus[i] * a[i] * h;
                tk[i] = gh[i] * 3600.0 * inf[i] * util[i] * (tps[i] * gf[i]);
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
                w.t_serving_s[i] += gh[i] * 3600.0 * inf[i] * util[i];
                tranche_gh[i] += gh[i];
            }
            if let Some((i_len, o_len)) = lengths {
                for i in 0..len {
                    w.t_input_tokens[i] += input_tokens(tk[i], i_len[i], o_len[i]);
                }
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
                    let dc = x.get(o.datacenter_capex_usd_per_mw);
                    let load = x.get(o.load_factor);
                    let power_price = x.get(o.power_price_usd_per_kwh);
                    let (crf_hw, crf_dc) = (&w.crf_hw[..len], &w.crf_dc[..len]);
                    let [p_hw, p_dc, p_power, p_maint] = w
                        .t_parts
                        .get_disjoint_mut([
                            0..len,
                            CHUNK..CHUNK + len,
                            2 * CHUNK..2 * CHUNK + len,
                            3 * CHUNK..3 * CHUNK + len,
                        ])
                        .expect("distinct columns");
                    let cash = col_mut(&mut w.cash_cost, k, len);
                    for i in 0..len {
                        let [c_hw, c_dc, c_power, c_maint] = owned_cost_terms(
                            capex[i],
                            crf_hw[i],
                            fmw[i],
                            dc[i],
                            crf_dc[i],
                            load[i],
                            power_price[i],
                            maint[i],
                            a[i],
                        );
                        s_cost[i] += c_hw + c_dc + c_power + c_maint;
                        p_hw[i] += c_hw;
                        p_dc[i] += c_dc;
                        p_power[i] += c_power;
                        p_maint[i] += c_maint;
                        // Cash: capital as the tranche installs, power and maintenance as
                        // incurred.
                        let d = installed_during(k, y, online[i], ramp[i]);
                        cash[i] += d * capex[i] + d * fmw[i] * dc[i] + c_power + c_maint;
                    }
                }
                // Neither a price nor owned mode: no cost. Adding 0 would leave every column as
                // it is (it starts at +0 and never holds −0), so nothing is added.
                (None, None) => {}
            }
            if let Some(p) = price {
                let pf = col(&w.price_factor, k, len);
                for i in 0..len {
                    s_rev[i] += tk[i] / 1e6 * (p[i] * pf[i]);
                }
            }
        }
        if let ThroughputIdx::Roofline { .. } = sys.throughput {
            let met = col(&w.met, t.system, len);
            let tranche_gh = col(&w.tranche_gpu_hours, j, len);
            for i in 0..len {
                if tranche_gh[i] > 0.0 && met[i] == 0.0 {
                    w.int_met[i] = 0.0;
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
                            num(price_usd[0])
                        ),
                        capex[0],
                        "USD",
                    )
                }),
            }
        }
    }

    // Investments by year: once, or per gigawatt of a tranche as it installs.
    w.investments[..years * CHUNK].fill(0.0);
    w.investments_npv[..years * CHUNK].fill(0.0);
    for inv in &plan.investments {
        let in_npv = inv.kind != InvestmentKind::Equity;
        match inv.payment {
            PaymentIdx::Once { amount, year: k } => {
                let amount = x.get(amount);
                for (cols, take) in [(&mut w.investments, true), (&mut w.investments_npv, in_npv)] {
                    if take {
                        let c = col_mut(cols, k, len);
                        for i in 0..len {
                            c[i] += amount[i];
                        }
                    }
                }
            }
            PaymentIdx::PerGw { per_gw, tranche } => {
                let t = &plan.tranches[tranche];
                let per_gw = x.get(per_gw);
                let (online, ramp) = (x.get(t.online), x.get(t.ramp_years));
                let fmw = col(&w.facility_mw, tranche, len);
                for k in 0..years {
                    let y = f64::from(plan.start_year) + k as f64;
                    let paid = |i: usize| {
                        per_gw[i] * fmw[i] / 1000.0 * installed_during(k, y, online[i], ramp[i])
                    };
                    for (cols, take) in
                        [(&mut w.investments, true), (&mut w.investments_npv, in_npv)]
                    {
                        if take {
                            for (i, c) in col_mut(cols, k, len).iter_mut().enumerate() {
                                *c += paid(i);
                            }
                        }
                    }
                    if tr.enabled() {
                        let v = paid(0);
                        tr.step(|| {
                            step(
                                format!("{}: paid {}", inv.name, plan.start_year + k as i32),
                                format!(
                                    "${} per GW × {} MW / 1000 × {} installed during the year ({})",
                                    num(per_gw[0]),
                                    num(fmw[0]),
                                    num(installed_during(k, y, online[0], ramp[0])),
                                    inv.kind.as_str()
                                ),
                                v,
                                "USD",
                            )
                        });
                    }
                }
            }
        }
    }

    // Usage cost, and the take-or-pay shortfall paid in the term's last year.
    let usage = &mut w.t_usage[..len];
    usage.fill(0.0);
    for k in 0..years {
        let s_cost = at.series(S::CostUsd, k);
        for i in 0..len {
            usage[i] += s_cost[i];
        }
    }
    let usage = &w.t_usage[..len];
    let short = &mut w.t_shortfall[..len];
    match commitment {
        Some(c) if plan.take_or_pay => {
            fill(short, |i| shortfall(c[i], usage[i]));
            let last = at.series(S::CostUsd, years - 1);
            for i in 0..len {
                last[i] += short[i];
            }
            let cash = col_mut(&mut w.cash_cost, years - 1, len);
            for i in 0..len {
                cash[i] += short[i];
            }
            tr.step(|| {
                step(
                    "shortfall_usd",
                    format!(
                        "take-or-pay: max(0, ${} committed − ${} used), paid in {}",
                        num(c[0]),
                        num(usage[0]),
                        plan.start_year + years as i32 - 1
                    ),
                    short[0],
                    "USD",
                )
            });
        }
        _ => short.fill(0.0),
    }

    // The ceiling on revenue (the market for the buyer's tokens): in a year whose revenue would
    // pass it, only the tokens that earn it are sold. Input tokens follow the output tokens.
    if let Some((cap_v, growth_v)) = plan.revenue_ceiling {
        let cap = x.get(cap_v);
        let growth = growth_v.map(|v| x.get(v));
        w.t_capacity_tokens[..len].copy_from_slice(&w.t_tokens[..len]);
        let sold = &mut w.t_tokens[..len];
        sold.fill(0.0);
        let bound = &mut w.t_at_ceiling[..len];
        bound.fill(0.0);
        let mut ceilings = Vec::new();
        for k in 0..years {
            let n = shift(k);
            let [s_tokens, s_rev] = at.series_of_year([S::Tokens, S::RevenueUsd], k);
            for i in 0..len {
                let ceiling = cap[i] * growth.map_or(1.0, |g| year_factor(g[i], n));
                if s_rev[i] > ceiling {
                    let f = ceiling / s_rev[i];
                    s_rev[i] = ceiling;
                    s_tokens[i] *= f;
                    bound[i] = 1.0;
                }
                sold[i] += s_tokens[i];
            }
            if tr.enabled() {
                ceilings.push(cap[0] * growth.map_or(1.0, |g| year_factor(g[0], n)));
            }
        }
        let capacity = &w.t_capacity_tokens[..len];
        let input = &mut w.t_input_tokens[..len];
        for i in 0..len {
            if capacity[i] > 0.0 {
                input[i] *= sold[i] / capacity[i];
            }
        }
        for (k, c) in ceilings.iter().enumerate() {
            let y = plan.start_year + k as i32;
            let r = at.series_of_year([S::RevenueUsd], k)[0][0];
            tr.step(|| {
                step(
                    format!("revenue_ceiling {y}"),
                    format!(
                        "min(revenue, ${} a year × growth); revenue after it ${}",
                        num(cap[0]),
                        num(r)
                    ),
                    *c,
                    "USD",
                )
            });
        }
    }

    // The term: totals, discounting (mid-year: (1 + r)^(k + 0.5), by one square root and
    // repeated products), cumulative cash, and the funding need on a cash basis.
    for t in [
        &mut w.t_cost,
        &mut w.t_cost_npv,
        &mut w.t_revenue,
        &mut w.t_npv,
        &mut w.cumulative,
        &mut w.funding,
        &mut w.t_funding_low,
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
        let [s_cost, s_rev, s_cash, s_fund, s_outlay, s_inv] = at.series_of_year(
            [
                S::CostUsd,
                S::RevenueUsd,
                S::CumulativeCashUsd,
                S::FundingUsd,
                S::CashCostUsd,
                S::InvestmentUsd,
            ],
            k,
        );
        let inv = col(&w.investments, k, len);
        let inv_npv = col(&w.investments_npv, k, len);
        let cash_cost = col(&w.cash_cost, k, len);
        // The year's outlay on a cash basis: the cost itself in cloud mode; capital as it
        // installs, power, maintenance and the shortfall in owned mode.
        if owned.is_some() {
            s_outlay.copy_from_slice(cash_cost);
        } else {
            s_outlay.copy_from_slice(s_cost);
        }
        s_inv.copy_from_slice(inv);
        for i in 0..len {
            let (c, r) = (s_cost[i], s_rev[i]);
            let cash = r - c + inv[i];
            w.t_cost[i] += c;
            w.t_cost_npv[i] += c / disc[i];
            w.t_revenue[i] += r;
            w.t_npv[i] += (r - c + inv_npv[i]) / disc[i];
            let cum = w.cumulative[i] + cash;
            w.cumulative[i] = cum;
            s_cash[i] = cum;
            let fund = w.funding[i] + (r - cash_cost[i] + inv[i]);
            w.funding[i] = fund;
            s_fund[i] = fund;
            if fund < w.t_funding_low[i] {
                w.t_funding_low[i] = fund;
            }
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

    // The yearly paths of throughput and price.
    for k in 0..years {
        let gf = col(&w.growth, k, len);
        let (gpus, gpus_tps) = (&w.t_gpus[..len], &w.t_gpus_tps[..len]);
        fill(at.series(S::OutputTokensPerGpuS, k), |i| {
            ratio(gpus_tps[i], gpus[i]) * gf[i]
        });
        let pf = col(&w.price_factor, k, len);
        match price {
            Some(p) => fill(at.series(S::RevenuePerMtokUsd, k), |i| p[i] * pf[i]),
            None => at.series(S::RevenuePerMtokUsd, k).fill(f64::NAN),
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
    let per_gpu_hour = |i: usize| ratio(cost[i], gpu_hours[i]);
    let per_mtok = |i: usize| ratio(cost[i] * inf[i], tokens[i] / 1e6);
    let per_mw_year = |i: usize| ratio(cost[i], mw_years[i]);
    let gpus_per_gw = |i: usize| ratio(gpus[i], fmw[i]) * 1000.0;
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
    // The commitment is priced at the usage rates: what the fleet used, shortfall aside.
    let years_f = years as f64;
    let usage_per_gpu_hour = |i: usize| ratio(usage[i], gpu_hours[i]);
    let usage_per_mw_year = |i: usize| ratio(usage[i], mw_years[i]);
    let commit_gpu_hours = |c: &[f64], i: usize| ratio(c[i], usage_per_gpu_hour(i));
    let commit_avg_gw = |c: &[f64], i: usize| ratio(c[i], usage_per_mw_year(i)) / years_f / 1000.0;
    match commitment {
        Some(c) => {
            put!(M::CommitmentGpuHours, |i| commit_gpu_hours(c, i));
            put!(M::CommitmentAvgGw, |i| commit_avg_gw(c, i));
            put!(M::CommitmentCoverage, |i| ratio(usage[i], c[i]));
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
            put!(M::Circularity, |i| ratio(investment[i], c[i]));
        }
        _ => {
            put!(M::NetCommitmentUsd, |_| nan);
            put!(M::Circularity, |_| nan);
        }
    }
    let (revenue, npv) = (&w.t_revenue[..len], &w.t_npv[..len]);
    let revenue_per_mtok = |i: usize| ratio(revenue[i], tokens[i] / 1e6);
    match price {
        Some(_) => {
            put!(M::RevenueUsd, |i| revenue[i]);
            put!(M::Margin, |i| ratio(revenue[i] - cost[i], revenue[i]));
            put!(M::NpvUsd, |i| npv[i]);
            put!(M::RevenuePerMtokUsd, revenue_per_mtok);
        }
        None => {
            put!(M::RevenueUsd, |_| nan);
            put!(M::Margin, |_| nan);
            put!(M::NpvUsd, |_| nan);
            put!(M::RevenuePerMtokUsd, |_| nan);
        }
    }
    let serving = &w.t_serving_s[..len];
    // The fleet's rate while serving: of the tokens it could serve, sold or not.
    let capacity = match plan.revenue_ceiling {
        Some(_) => &w.t_capacity_tokens[..len],
        None => tokens,
    };
    put!(M::OutputTokensPerGpuS, |i| ratio(capacity[i], serving[i]));
    let input = &w.t_input_tokens[..len];
    match lengths {
        Some(_) => {
            put!(M::InputTokens, |i| input[i]);
            put!(M::CostPerTotalMtokUsd, |i| ratio(
                cost[i] * inf[i],
                (tokens[i] + input[i]) / 1e6
            ));
        }
        None => {
            put!(M::InputTokens, |_| nan);
            put!(M::CostPerTotalMtokUsd, |_| nan);
        }
    }
    let short = &w.t_shortfall[..len];
    put!(M::ShortfallUsd, |i| if plan.take_or_pay {
        short[i]
    } else {
        nan
    });
    let hw_capex = &w.t_hw_capex[..len];
    put!(M::HardwareCapexUsd, |i| hw_capex[i]);
    let dc_total = &w.t_dc_capex[..len];
    let capex_total = |i: usize| hw_capex[i] + dc_total[i];
    match dc_capex {
        Some(_) => {
            put!(M::CapexUsd, capex_total);
            put!(M::CapexPerGwUsd, |i| ratio(capex_total(i), fmw[i]) * 1000.0);
        }
        None => {
            put!(M::CapexUsd, |_| nan);
            put!(M::CapexPerGwUsd, |_| nan);
        }
    }
    let low = &w.t_funding_low[..len];
    for (m, part) in [
        (M::CostHardwareUsd, 0),
        (M::CostDatacenterUsd, 1),
        (M::CostPowerUsd, 2),
        (M::CostMaintenanceUsd, 3),
    ] {
        let c = col(&w.t_parts, part, len);
        match owned {
            Some(_) => put!(m, |i| c[i]),
            None => put!(m, |_| nan),
        }
    }
    match owned {
        Some(_) => put!(M::PeakFundingUsd, |i| -low[i] + 0.0),
        None => put!(M::PeakFundingUsd, |_| nan),
    }
    if owned.is_none() {
        for k in 0..years {
            at.series(S::FundingUsd, k).fill(nan);
        }
    }

    use Probability as P;
    let mut counts = [0u64; PROBABILITIES.len()];
    if let Some(v) = plan.power_mw {
        let power = x.get(v);
        counts[P::FitsPowerEnvelope as usize] =
            count(len, |i| fmw[i] <= power[i] * (1.0 + SIZING_SLACK));
    }
    if let Some(p) = price {
        counts[P::NpvPositive as usize] = count(len, |i| npv[i] > 0.0);
        // Against the price itself where it is one figure for the whole term (for v1 files,
        // the realised revenue per token is that price); else the revenue per output token.
        counts[P::CostPerMtokBelowPrice as usize] = match (plan.price, plan.price_change_per_year) {
            (Some(PricePlan::Blended(_)), None) => count(len, |i| per_mtok(i) < p[i]),
            _ => count(len, |i| per_mtok(i) < revenue_per_mtok(i)),
        };
    }
    if plan.has_roofline() {
        counts[P::InteractivityMet as usize] = count(len, |i| w.int_met[i] > 0.0);
    }
    if let Some(c) = commitment
        && plan.take_or_pay
    {
        counts[P::CommitmentUsed as usize] = count(len, |i| shortfall(c[i], usage[i]) == 0.0);
    }
    if let Some(n) = covers {
        counts[P::CommitmentCoversFleet as usize] = n;
    }
    if plan.revenue_ceiling.is_some() {
        let bound = &w.t_at_ceiling[..len];
        counts[P::RevenueAtCeiling as usize] = count(len, |i| bound[i] > 0.0);
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
            let (c0, investment, usage) = (c[0], investment[0], usage[0]);
            let usage_note = if plan.take_or_pay {
                " (usage, shortfall aside)"
            } else {
                ""
            };
            tr.step(|| {
                step(
                    "commitment_gpu_hours",
                    format!(
                        "${} / ${} per GPU-hour{usage_note}",
                        num(c0),
                        num(usage_per_gpu_hour(0))
                    ),
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
                        num(usage_per_mw_year(0)),
                        years
                    ),
                    commit_avg_gw(c, 0),
                    "GW",
                )
            });
            tr.step(|| {
                step(
                    "commitment_coverage",
                    format!("${} / ${}", num(usage), num(c0)),
                    ratio(usage, c0),
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
        if let Some(p) = price {
            let p = p[0];
            if plan.price_change_per_year.is_none()
                && matches!(plan.price, Some(PricePlan::Blended(_)))
            {
                tr.step(|| {
                    step(
                        "revenue_usd",
                        format!("{} tokens / 1e6 × ${}", num(tokens), num(p)),
                        revenue[0],
                        "USD",
                    )
                });
            } else {
                tr.step(|| {
                    step(
                        "revenue_usd",
                        format!("Σ tokens_k / 1e6 × ${} × price_factor_k", num(p)),
                        revenue[0],
                        "USD",
                    )
                });
            }
            let equity = plan
                .investments
                .iter()
                .any(|i| i.kind == InvestmentKind::Equity);
            tr.step(|| {
                step(
                    "npv_usd",
                    format!(
                        "Σ (revenue − cost + investments{})_k / (1 + {})^(k + 0.5)",
                        if equity { ", equity aside" } else { "" },
                        num(dr)
                    ),
                    npv[0],
                    "USD",
                )
            });
        }
        tr.step(|| {
            step(
                "hardware_capex_usd",
                "Σ GPUs / GPUs per system × system price",
                hw_capex[0],
                "USD",
            )
        });
        if dc_capex.is_some() {
            tr.step(|| {
                step(
                    "capex_per_gw_usd",
                    format!(
                        "(${} hardware + ${} datacenter) / {} MW × 1000",
                        num(hw_capex[0]),
                        num(dc_total[0]),
                        num(fmw)
                    ),
                    ratio(capex_total(0), fmw) * 1000.0,
                    "USD per GW",
                )
            });
        }
        if owned.is_some() {
            tr.step(|| {
                step(
                    "peak_funding_usd",
                    "largest cumulative outflow on a cash basis (capital paid as tranches install)",
                    -low[0] + 0.0,
                    "USD",
                )
            });
        }
    }
    counts
}
