//! A scenario compiled for evaluation: for every field the formulas need, the index of its value
//! in the per-sample value vector ([`Scenario::params`](crate::scenario::Scenario::params) order), and which outputs exist.

use std::collections::HashMap;

use super::{Metric, Probability, Series};
use crate::scenario::{Mode, Param, Scenario, Size};

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
        let of = |p: &Param| idx(&p.path);
        let opt = |p: &Option<Param>| p.as_ref().map(&of).transpose();
        let owned = match s.procurement.mode {
            Mode::Cloud => None,
            Mode::Owned => {
                let need = |p: &Option<Param>, what: &str| {
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
