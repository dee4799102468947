//! A portfolio: every deal of one buyer sampled together on common random numbers, and the
//! buyer's revenue against the sum of their spend (docs/portfolio.md).
//!
//! The deals are walked in lockstep as in [`super::compare`]: every deal runs batch `b` with one
//! seed and sampler, and a value's stream is keyed by `(seed, path, batch)`, so a value path that
//! two deals share is one draw in both (the same uniforms; the same value when both give it the
//! same distribution). [`super::compare::shared_draw_warnings`] checks it for every pair of deals
//! and warns where it does not hold (a correlation group that differs). The portfolio's own
//! values (`deal.NAME.share`, `revenue.…`) draw from streams of their own paths, which no deal
//! has. The `sobol` sampler is refused: a value's Sobol' dimension follows its position in each
//! deal, so deals with different value lists would not share their draws.
//!
//! Each sample then sums the deals by calendar year over the union of their terms (a deal adds
//! nothing outside its term), each deal's series times its share, and applies
//! [`crate::model::portfolio`]. Results are bit-identical on any thread count: batches are cut by
//! sample index and merged into the accumulators in batch order.

use rayon::prelude::*;

use super::compare::shared_draw_warnings;
use super::{BatchOut, CORRELATION_CHECK_SAMPLES, RunConfig, Simulation};
use crate::dist::Marginal;
use crate::error::Error;
use crate::model::portfolio::{calendar_revenue, coverage_index, funding_need};
use crate::model::{Metric, Series};
use crate::sampling::Design;
use crate::scenario::{Portfolio, SamplerKind};
use crate::stats::{Accumulator, spearman};

/// How to run a portfolio.
#[derive(Debug, Clone)]
pub struct PortfolioConfig {
    pub samples: u64,
    pub seed: u64,
    pub sampler: SamplerKind,
    /// Worker threads; `None` uses every core. Results do not depend on it.
    pub threads: Option<usize>,
}

impl PortfolioConfig {
    /// The portfolio's `[simulation]` settings.
    pub fn from_portfolio(p: &Portfolio) -> PortfolioConfig {
        PortfolioConfig {
            samples: p.simulation.samples,
            seed: p.simulation.seed,
            sampler: p.simulation.sampler,
            threads: None,
        }
    }
}

/// A portfolio value that is drawn: its index among [`Portfolio::params`], path and marginal.
#[derive(Debug, Clone)]
pub struct PortfolioInput {
    pub index: usize,
    pub path: String,
    pub marginal: Marginal,
}

/// A group of deals whose GPUs are counted together: the deals whose fleets use the same
/// systems (one system key, or several joined by " + ").
#[derive(Debug, Clone)]
pub struct GpuGroup {
    pub name: String,
    pub deals: Vec<usize>,
}

/// A portfolio ready to run: one simulation per deal and the portfolio's own design.
pub struct PortfolioRun {
    pub sims: Vec<Simulation>,
    pub names: Vec<String>,
    /// The calendar years of the horizon.
    pub years: Vec<i32>,
    /// Deal `d`'s year 0 is the horizon's year `offsets[d]`.
    offsets: Vec<usize>,
    pub groups: Vec<GpuGroup>,
    /// Every portfolio value at its fixed value (uncertain ones at their medians).
    template: Vec<f64>,
    pub inputs: Vec<PortfolioInput>,
    design: Design,
    /// Indices into `template`: each deal's share, the run-rate, each growth phase, the margin.
    share_idx: Vec<usize>,
    run_rate_idx: usize,
    growth_idx: Vec<usize>,
    margin_idx: usize,
    /// The growth phase of each calendar year from `min(horizon, at)` to the horizon's end.
    phase_years: (i32, Vec<usize>),
    at: f64,
    cfg: PortfolioConfig,
}

/// One deal's share of a portfolio's results.
#[derive(Debug, Clone)]
pub struct DealResult {
    /// Spend over the deal's term, times the share.
    pub total_spend: Accumulator,
    /// Spend per horizon year, times the share (zero outside the deal's term).
    pub spend: Vec<Accumulator>,
    /// Facility power of the whole fleet at full deployment, times the share, GW.
    pub gw: Accumulator,
    /// What the deal's investments pay in over its term, times the share (`None` without any).
    pub inflow: Option<Accumulator>,
    /// Spearman rank correlation of the deal's total spend with the peak funding need.
    pub rho_peak: f64,
}

/// The yearly results: one accumulator per horizon year.
#[derive(Debug, Clone)]
pub struct Yearly {
    pub spend: Vec<Accumulator>,
    pub revenue: Vec<Accumulator>,
    /// `margin × revenue`: revenue left to pay for compute.
    pub available: Vec<Accumulator>,
    /// `spend / revenue`.
    pub spend_share: Vec<Accumulator>,
    /// Cumulative funding need.
    pub funding_need: Vec<Accumulator>,
    /// What the deals' investments pay in.
    pub inflow: Vec<Accumulator>,
    /// Facility power installed, year average, GW.
    pub gw: Vec<Accumulator>,
    /// GPUs installed (year average) per [`GpuGroup`].
    pub gpus: Vec<Vec<Accumulator>>,
    /// Samples in which spend exceeds `margin × revenue`.
    pub spend_above: Vec<u64>,
}

/// What a portfolio run produced.
#[derive(Debug, Clone)]
pub struct PortfolioResult {
    pub samples: u64,
    pub seed: u64,
    pub sampler: SamplerKind,
    pub years: Vec<i32>,
    /// Spend over the horizon.
    pub total_spend: Accumulator,
    /// Facility power of every deal's fleet at full deployment, GW.
    pub total_gw: Accumulator,
    pub peak_funding: Accumulator,
    /// The first year from which revenue covers spend for good; NaN (counted, not summarised)
    /// where no year of the horizon does.
    pub coverage_year: Accumulator,
    pub total_inflow: Accumulator,
    pub yearly: Yearly,
    pub deals: Vec<DealResult>,
    /// One accumulator per drawn portfolio value ([`PortfolioRun::inputs`]).
    pub inputs: Vec<Accumulator>,
    /// Spearman rank correlation of each drawn portfolio value with the peak funding need.
    pub inputs_rho_peak: Vec<f64>,
    /// Samples the rank correlations are over.
    pub rho_samples: usize,
    /// Shared values that two deals do not draw as one.
    pub warnings: Vec<String>,
}

impl PortfolioRun {
    pub fn new(p: &Portfolio, cfg: &PortfolioConfig) -> Result<PortfolioRun, Error> {
        if cfg.sampler == SamplerKind::Sobol {
            return Err(Error::PortfolioSobol);
        }
        let rc = RunConfig {
            samples: cfg.samples,
            seed: cfg.seed,
            sampler: cfg.sampler,
            threads: cfg.threads,
            precision: None,
            max_samples: cfg.samples,
        };
        let mut sims = Vec::with_capacity(p.deals.len());
        for d in &p.deals {
            sims.push(Simulation::new(&d.scenario, &rc)?);
        }
        let years = p.years();
        let first = years.first().copied().unwrap_or(0);
        let offsets = p
            .deals
            .iter()
            .map(|d| (d.scenario.start_year - first) as usize)
            .collect();
        let mut groups: Vec<GpuGroup> = Vec::new();
        for (k, d) in p.deals.iter().enumerate() {
            let mut keys: Vec<&str> = d.scenario.fleet.iter().map(|t| t.system.as_str()).collect();
            keys.sort_unstable();
            keys.dedup();
            let name = keys.join(" + ");
            match groups.iter_mut().find(|g| g.name == name) {
                Some(g) => g.deals.push(k),
                None => groups.push(GpuGroup {
                    name,
                    deals: vec![k],
                }),
            }
        }
        let params = p.params();
        let mut template = Vec::with_capacity(params.len());
        let mut inputs = Vec::new();
        for (index, q) in params.iter().enumerate() {
            match q.fixed_value() {
                Some(v) => template.push(v),
                None => {
                    template.push(q.marginal.quantile(0.5));
                    inputs.push(PortfolioInput {
                        index,
                        path: q.path.clone(),
                        marginal: q.marginal.clone(),
                    });
                }
            }
        }
        let paths = inputs.iter().map(|i| i.path.clone()).collect();
        let design = Design::new(cfg.sampler, cfg.seed, paths, &[], super::BATCH_SIZE)?;
        let n_deals = p.deals.len();
        let n_phases = p.revenue.growth.len();
        let rev = &p.revenue;
        let from = years
            .first()
            .copied()
            .unwrap_or(0)
            .min(rev.at.floor() as i32);
        let to = years
            .last()
            .copied()
            .unwrap_or(0)
            .max(rev.at.floor() as i32);
        let phases = (from..=to).map(|y| rev.phase_of(y)).collect();
        Ok(PortfolioRun {
            sims,
            names: p.deals.iter().map(|d| d.name.clone()).collect(),
            years,
            offsets,
            groups,
            template,
            inputs,
            design,
            share_idx: (0..n_deals).collect(),
            run_rate_idx: n_deals,
            growth_idx: (n_deals + 1..n_deals + 1 + n_phases).collect(),
            margin_idx: n_deals + 1 + n_phases,
            phase_years: (from, phases),
            at: rev.at,
            cfg: cfg.clone(),
        })
    }

    /// Run every deal on the same batches; `progress(done, planned)` after each batch.
    pub fn run(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<PortfolioResult, Error> {
        let cfg = &self.cfg;
        if cfg.samples == 0 {
            return Err(Error::NoSamples);
        }
        let pool = super::worker_pool(cfg.threads)?;
        let ny = self.years.len();
        let nd = self.sims.len();
        let ng = self.groups.len();
        let per_year = || (0..ny).map(|_| Accumulator::new()).collect::<Vec<_>>();
        let mut result = PortfolioResult {
            samples: 0,
            seed: cfg.seed,
            sampler: cfg.sampler,
            years: self.years.clone(),
            total_spend: Accumulator::new(),
            total_gw: Accumulator::new(),
            peak_funding: Accumulator::new(),
            coverage_year: Accumulator::new(),
            total_inflow: Accumulator::new(),
            yearly: Yearly {
                spend: per_year(),
                revenue: per_year(),
                available: per_year(),
                spend_share: per_year(),
                funding_need: per_year(),
                inflow: per_year(),
                gw: per_year(),
                gpus: (0..ng).map(|_| per_year()).collect(),
                spend_above: vec![0; ny],
            },
            deals: self
                .sims
                .iter()
                .map(|s| DealResult {
                    total_spend: Accumulator::new(),
                    spend: per_year(),
                    gw: Accumulator::new(),
                    inflow: s
                        .plan
                        .has_series(Series::InvestmentUsd)
                        .then(Accumulator::new),
                    rho_peak: f64::NAN,
                })
                .collect(),
            inputs: self.inputs.iter().map(|_| Accumulator::new()).collect(),
            inputs_rho_peak: Vec::new(),
            rho_samples: 0,
            warnings: Vec::new(),
        };
        let mut bufs: Vec<BatchOut> = self.sims.iter().map(|_| BatchOut::default()).collect();
        let mut cols = Columns::default();
        // Kept for the rank correlations: each deal's total spend and the peak need.
        let mut kept_totals: Vec<Vec<f64>> = vec![Vec::new(); nd];
        let mut kept_peak: Vec<f64> = Vec::new();
        let mut kept_inputs: Vec<Vec<f64>> = vec![Vec::new(); self.inputs.len()];
        let mut done = 0u64;
        while done < cfg.samples {
            let (b, n) = super::next_batch(done, cfg.samples);
            pool.install(|| {
                for (sim, buf) in self.sims.iter().zip(bufs.iter_mut()) {
                    sim.run_batch_into(b, n, buf);
                }
                self.values(b, n, &mut cols);
                self.evaluate(&bufs, n, &mut cols);
                merge(&mut result, &cols, self, n);
            });
            for (k, count) in result.yearly.spend_above.iter_mut().enumerate() {
                *count += cols.above[k];
            }
            let room = CORRELATION_CHECK_SAMPLES
                .saturating_sub(kept_peak.len())
                .min(n);
            kept_peak.extend_from_slice(&cols.peak[..room]);
            for (d, kept) in kept_totals.iter_mut().enumerate() {
                kept.extend_from_slice(&cols.deal_total[d * n..d * n + room]);
            }
            for (p, kept) in kept_inputs.iter_mut().enumerate() {
                kept.extend_from_slice(&cols.uniforms[p * n..p * n + room]);
            }
            done += n as u64;
            progress(done, cfg.samples);
        }
        result.samples = done;
        result.rho_samples = kept_peak.len();
        for (d, kept) in kept_totals.iter().enumerate() {
            result.deals[d].rho_peak = spearman(kept, &kept_peak);
        }
        result.inputs_rho_peak = kept_inputs
            .iter()
            .map(|kept| spearman(kept, &kept_peak))
            .collect();
        let pairs: Vec<(usize, usize)> = (0..nd)
            .flat_map(|a| (a + 1..nd).map(move |b| (a, b)))
            .collect();
        result.warnings = shared_draw_warnings(
            &self.sims,
            &self.names,
            cfg.sampler,
            cfg.samples,
            &pairs,
            "the two deals draw it as two independent values, not one",
        );
        Ok(result)
    }

    /// The portfolio's own values for batch `b`: one column of `n` per value of
    /// [`Portfolio::params`], drawn ones from the design, fixed ones constant.
    fn values(&self, b: u64, n: usize, cols: &mut Columns) {
        let k = self.inputs.len();
        cols.uniforms.resize(k * n, 0.0);
        if k > 0 {
            self.design.fill_batch(b, n, &mut cols.uniforms[..k * n]);
        }
        cols.uniforms[..k * n]
            .par_chunks_mut(n)
            .zip(&self.inputs)
            .for_each(|(c, input)| input.marginal.quantile_slice(c));
        cols.values.resize(self.template.len() * n, 0.0);
        for (v, &x) in self.template.iter().enumerate() {
            cols.values[v * n..(v + 1) * n].fill(x);
        }
        for (p, input) in self.inputs.iter().enumerate() {
            cols.values[input.index * n..(input.index + 1) * n]
                .copy_from_slice(&cols.uniforms[p * n..(p + 1) * n]);
        }
    }

    /// Sum the deals by calendar year and apply the portfolio's arithmetic to every sample.
    fn evaluate(&self, bufs: &[BatchOut], n: usize, cols: &mut Columns) {
        let ny = self.years.len();
        let nd = self.sims.len();
        let ng = self.groups.len();
        cols.reset(ny, nd, ng, n);
        let value =
            |cols: &Columns, v: usize| -> Vec<f64> { cols.values[v * n..(v + 1) * n].to_vec() };
        for (d, (sim, buf)) in self.sims.iter().zip(bufs).enumerate() {
            let share = value(cols, self.share_idx[d]);
            let years = sim.plan.years;
            let group = self
                .groups
                .iter()
                .position(|g| g.deals.contains(&d))
                .unwrap_or(0);
            let has_inflow = sim.plan.has_series(Series::InvestmentUsd);
            let fmw = buf.metric(Metric::FacilityMw as usize);
            for i in 0..n {
                let gw = share[i] * fmw[i] / 1000.0;
                cols.deal_gw[d * n + i] = gw;
                cols.total_gw[i] += gw;
            }
            for k in 0..years {
                let y = self.offsets[d] + k;
                let series = |s: Series| buf.series_column(s as usize * years + k);
                let outlay = series(Series::CashCostUsd);
                let installed_mw = series(Series::FacilityMw);
                let gpus = series(Series::GpusInstalled);
                for i in 0..n {
                    let spend = share[i] * outlay[i];
                    cols.deal_spend[(d * ny + y) * n + i] = spend;
                    cols.deal_total[d * n + i] += spend;
                    cols.spend[y * n + i] += spend;
                    cols.gw[y * n + i] += share[i] * installed_mw[i] / 1000.0;
                    cols.gpus[(group * ny + y) * n + i] += share[i] * gpus[i];
                }
                if has_inflow {
                    let inv = series(Series::InvestmentUsd);
                    for i in 0..n {
                        let x = share[i] * inv[i];
                        cols.inflow[y * n + i] += x;
                        cols.deal_inflow[d * n + i] += x;
                    }
                }
            }
        }
        // Sample by sample: revenue, funding need, coverage.
        let (from, phases) = (&self.phase_years.0, &self.phase_years.1);
        let first = self.years.first().copied().unwrap_or(0);
        let mut rates = vec![0.0; self.growth_idx.len()];
        let (mut spend, mut avail, mut inflow, mut need, mut rev) = (
            vec![0.0; ny],
            vec![0.0; ny],
            vec![0.0; ny],
            vec![0.0; ny],
            vec![0.0; ny],
        );
        cols.above.clear();
        cols.above.resize(ny, 0);
        for i in 0..n {
            for (r, &g) in rates.iter_mut().zip(&self.growth_idx) {
                *r = cols.values[g * n + i];
            }
            let run_rate = cols.values[self.run_rate_idx * n + i];
            let margin = cols.values[self.margin_idx * n + i];
            let growth = |y: i32| rates[phases[(y - from) as usize]];
            calendar_revenue(run_rate, self.at, first, growth, &mut rev);
            for y in 0..ny {
                spend[y] = cols.spend[y * n + i];
                inflow[y] = cols.inflow[y * n + i];
                avail[y] = margin * rev[y];
                cols.revenue[y * n + i] = rev[y];
                cols.available[y * n + i] = avail[y];
                cols.spend_share[y * n + i] = if rev[y] > 0.0 {
                    spend[y] / rev[y]
                } else {
                    f64::NAN
                };
                cols.above[y] += u64::from(spend[y] > avail[y]);
            }
            cols.peak[i] = funding_need(&spend, &avail, &inflow, &mut need);
            for (y, &f) in need.iter().enumerate() {
                cols.need[y * n + i] = f;
            }
            cols.coverage[i] = match coverage_index(&spend, &avail) {
                Some(k) => f64::from(self.years[k]),
                None => f64::NAN,
            };
            cols.total_spend[i] = spend.iter().sum();
            cols.total_inflow[i] = inflow.iter().sum();
        }
    }
}

/// The columns of one batch (`n` values each), reused from batch to batch.
#[derive(Default)]
struct Columns {
    uniforms: Vec<f64>,
    /// The portfolio's values, one column each.
    values: Vec<f64>,
    /// Per year: `y * n + i`.
    spend: Vec<f64>,
    revenue: Vec<f64>,
    available: Vec<f64>,
    spend_share: Vec<f64>,
    need: Vec<f64>,
    inflow: Vec<f64>,
    gw: Vec<f64>,
    /// Per group and year: `(g * years + y) * n + i`.
    gpus: Vec<f64>,
    /// Per deal and year: `(d * years + y) * n + i`.
    deal_spend: Vec<f64>,
    /// Per deal: `d * n + i`.
    deal_total: Vec<f64>,
    deal_gw: Vec<f64>,
    deal_inflow: Vec<f64>,
    /// Per sample.
    total_spend: Vec<f64>,
    total_gw: Vec<f64>,
    total_inflow: Vec<f64>,
    peak: Vec<f64>,
    coverage: Vec<f64>,
    /// Per year: samples with spend above `margin × revenue`.
    above: Vec<u64>,
}

impl Columns {
    fn reset(&mut self, ny: usize, nd: usize, ng: usize, n: usize) {
        for (v, len) in [
            (&mut self.spend, ny * n),
            (&mut self.revenue, ny * n),
            (&mut self.available, ny * n),
            (&mut self.spend_share, ny * n),
            (&mut self.need, ny * n),
            (&mut self.inflow, ny * n),
            (&mut self.gw, ny * n),
            (&mut self.gpus, ng * ny * n),
            (&mut self.deal_spend, nd * ny * n),
            (&mut self.deal_total, nd * n),
            (&mut self.deal_gw, nd * n),
            (&mut self.deal_inflow, nd * n),
            (&mut self.total_spend, n),
            (&mut self.total_gw, n),
            (&mut self.total_inflow, n),
            (&mut self.peak, n),
            (&mut self.coverage, n),
        ] {
            v.clear();
            v.resize(len, 0.0);
        }
    }
}

/// Fold a batch into the accumulators, in parallel over accumulators (each independent, each
/// in batch order).
fn merge(r: &mut PortfolioResult, c: &Columns, run: &PortfolioRun, n: usize) {
    let ny = run.years.len();
    let col = |j: usize| j * n..(j + 1) * n;
    let mut tasks: Vec<(&mut Accumulator, &[f64])> = vec![
        (&mut r.total_spend, &c.total_spend[..n]),
        (&mut r.total_gw, &c.total_gw[..n]),
        (&mut r.peak_funding, &c.peak[..n]),
        (&mut r.coverage_year, &c.coverage[..n]),
        (&mut r.total_inflow, &c.total_inflow[..n]),
    ];
    let y = &mut r.yearly;
    for (accs, data) in [
        (&mut y.spend, &c.spend),
        (&mut y.revenue, &c.revenue),
        (&mut y.available, &c.available),
        (&mut y.spend_share, &c.spend_share),
        (&mut y.funding_need, &c.need),
        (&mut y.inflow, &c.inflow),
        (&mut y.gw, &c.gw),
    ] {
        for (k, acc) in accs.iter_mut().enumerate() {
            tasks.push((acc, &data[col(k)]));
        }
    }
    for (g, accs) in y.gpus.iter_mut().enumerate() {
        for (k, acc) in accs.iter_mut().enumerate() {
            tasks.push((acc, &c.gpus[col(g * ny + k)]));
        }
    }
    for (d, deal) in r.deals.iter_mut().enumerate() {
        tasks.push((&mut deal.total_spend, &c.deal_total[col(d)]));
        tasks.push((&mut deal.gw, &c.deal_gw[col(d)]));
        if let Some(acc) = deal.inflow.as_mut() {
            tasks.push((acc, &c.deal_inflow[col(d)]));
        }
        for (k, acc) in deal.spend.iter_mut().enumerate() {
            tasks.push((acc, &c.deal_spend[col(d * ny + k)]));
        }
    }
    for (p, acc) in r.inputs.iter_mut().enumerate() {
        tasks.push((acc, &c.uniforms[p * n..(p + 1) * n]));
    }
    tasks
        .par_iter_mut()
        .for_each(|(acc, values)| acc.push_batch(values));
}
