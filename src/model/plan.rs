//! A scenario compiled for evaluation: for every field the formulas need, the index of its value
//! in the per-sample value vector ([`Scenario::params`](crate::scenario::Scenario::params)
//! order), and which outputs exist.

use std::collections::HashMap;

use super::{Metric, Probability, Series};
use crate::scenario::{InvestmentKind, Mode, Param, Payment, Scenario, Size, ThroughputRule};

/// How a tranche's size is read from the value vector.
#[derive(Debug, Clone, Copy)]
pub enum SizeIdx {
    Systems(usize),
    Gpus(usize),
    PowerMw(usize),
    /// The GPUs the commitment pays for (cloud mode).
    FromCommitment,
}

/// Where a system's output tokens per second per GPU come from.
#[derive(Debug, Clone, Copy)]
pub enum ThroughputIdx {
    /// A value of the scenario: `tokens_per_gpu_s`, used as drawn.
    Given(usize),
    /// The roofline of the served model on the system's figures.
    Roofline {
        hbm_gb: usize,
        hbm_tb_s: usize,
        scaleup_gpus: f64,
    },
}

/// Value indices of one system of the fleet.
#[derive(Debug, Clone)]
pub struct SystemPlan {
    pub key: String,
    pub gpus_per_system: f64,
    pub it_kw: usize,
    pub price_usd: usize,
    pub pflops_fp8: usize,
    pub pflops_fp4: Option<usize>,
    pub throughput: ThroughputIdx,
    pub rule: ThroughputRule,
}

/// Value indices of one tranche.
#[derive(Debug, Clone)]
pub struct TranchePlan {
    pub name: String,
    /// Its system, an index into [`Plan::systems`].
    pub system: usize,
    pub size: SizeIdx,
    pub online: usize,
    pub ramp_years: usize,
    pub retire: Option<usize>,
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

/// How tokens are priced.
#[derive(Debug, Clone, Copy)]
pub enum PricePlan {
    /// Realised revenue per million output tokens.
    Blended(usize),
    /// Per million input, cached input (the input price when not given) and output tokens.
    Split {
        input: usize,
        cached_input: usize,
        output: usize,
    },
}

/// The served model and its serving targets, for the roofline.
#[derive(Debug, Clone, Copy)]
pub struct ModelPlan {
    pub total_params_b: usize,
    pub active_params_b: usize,
    pub bytes_per_param: usize,
    pub kv_bytes_per_token: usize,
    pub interactivity_tok_s: usize,
    pub serving_efficiency: usize,
}

/// When an investment is paid.
#[derive(Debug, Clone, Copy)]
pub enum PaymentIdx {
    /// `(amount index, year index within the term)`.
    Once { amount: usize, year: usize },
    /// `per_gw_usd` per gigawatt of tranche `tranche` (an index into [`Plan::tranches`]).
    PerGw { per_gw: usize, tranche: usize },
}

#[derive(Debug, Clone)]
pub struct InvestmentPlan {
    pub name: String,
    pub kind: InvestmentKind,
    pub payment: PaymentIdx,
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
    /// `facility.datacenter_capex_usd_per_mw`, in either mode (for `capex_usd`).
    pub datacenter_capex_usd_per_mw: Option<usize>,
    pub commitment_usd: Option<usize>,
    pub take_or_pay: bool,
    pub inference_share: usize,
    pub utilization: usize,
    pub mfu: usize,
    pub price: Option<PricePlan>,
    /// `(input_tokens, output_tokens)` per request.
    pub token_lengths: Option<(usize, usize)>,
    pub cached_input_share: Option<usize>,
    pub throughput_growth_per_year: Option<usize>,
    pub price_change_per_year: Option<usize>,
    /// The calendar year the throughput and price figures describe.
    pub base_year: i32,
    /// `(max_revenue_usd_per_year, max_revenue_growth_per_year)`: the ceiling on yearly revenue.
    pub revenue_ceiling: Option<(usize, Option<usize>)>,
    pub model: Option<ModelPlan>,
    pub systems: Vec<SystemPlan>,
    pub tranches: Vec<TranchePlan>,
    pub investments: Vec<InvestmentPlan>,
}

/// The scenario does not fit the model (a validated scenario never triggers this).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("cannot build the model: no value at '{0}'")]
    NoValue(String),
    #[error("cannot build the model: owned mode needs {0}")]
    OwnedNeeds(&'static str),
    #[error("cannot build the model: unknown system '{0}'")]
    UnknownSystem(String),
    #[error("cannot build the model: no price per GPU-hour for system '{0}'")]
    NoPrice(String),
    #[error("cannot build the model: investment '{name}' in {year} lies outside the term")]
    OutsideTerm { name: String, year: i32 },
    #[error("cannot build the model: system '{0}' lacks a figure its throughput rule needs")]
    ThroughputFigures(String),
    #[error("cannot build the model: [workload.model] needs {0}")]
    ModelNeeds(&'static str),
    #[error("cannot build the model: investment '{0}' is tied to no tranche of the fleet")]
    UnknownTranche(String),
}

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
                .ok_or_else(|| PlanError::NoValue(path.to_string()))
        };
        let of = |p: &Param| idx(&p.path);
        let opt = |p: &Option<Param>| p.as_ref().map(&of).transpose();
        let owned = match s.procurement.mode {
            Mode::Cloud => None,
            Mode::Owned => {
                let need = |p: &Option<Param>, what: &'static str| {
                    p.as_ref()
                        .map(&of)
                        .transpose()?
                        .ok_or(PlanError::OwnedNeeds(what))
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
        let w = &s.workload;
        let model = match &w.model {
            None => None,
            Some(m) => {
                let need = |p: &Option<Param>, what: &'static str| {
                    p.as_ref()
                        .map(&of)
                        .transpose()?
                        .ok_or(PlanError::ModelNeeds(what))
                };
                Some(ModelPlan {
                    total_params_b: of(&m.total_params_b)?,
                    active_params_b: of(&m.active_params_b)?,
                    bytes_per_param: of(&m.bytes_per_param)?,
                    kv_bytes_per_token: of(&m.kv_bytes_per_token)?,
                    interactivity_tok_s: need(
                        &w.interactivity_tok_s,
                        "workload.interactivity_tok_s",
                    )?,
                    serving_efficiency: need(&w.serving_efficiency, "workload.serving_efficiency")?,
                })
            }
        };
        let mut systems: Vec<SystemPlan> = Vec::new();
        let mut tranches = Vec::with_capacity(s.fleet.len());
        for t in &s.fleet {
            let sys = s
                .systems
                .get(&t.system)
                .ok_or_else(|| PlanError::UnknownSystem(t.system.clone()))?;
            let system = match systems.iter().position(|p| p.key == t.system) {
                Some(i) => i,
                None => {
                    let figures = || PlanError::ThroughputFigures(t.system.clone());
                    let throughput = match sys.throughput {
                        ThroughputRule::Roofline => ThroughputIdx::Roofline {
                            hbm_gb: of(sys.hbm_gb.as_ref().ok_or_else(figures)?)?,
                            hbm_tb_s: of(sys.hbm_tb_s.as_ref().ok_or_else(figures)?)?,
                            scaleup_gpus: f64::from(sys.scaleup_gpus.ok_or_else(figures)?),
                        },
                        ThroughputRule::Given | ThroughputRule::Catalog => {
                            ThroughputIdx::Given(of(sys
                                .tokens_per_gpu_s
                                .as_ref()
                                .ok_or_else(figures)?)?)
                        }
                    };
                    systems.push(SystemPlan {
                        key: t.system.clone(),
                        gpus_per_system: f64::from(sys.gpus),
                        it_kw: of(&sys.it_kw)?,
                        price_usd: of(&sys.price_usd)?,
                        pflops_fp8: of(&sys.pflops_fp8)?,
                        pflops_fp4: opt(&sys.pflops_fp4)?,
                        throughput,
                        rule: sys.throughput,
                    });
                    systems.len() - 1
                }
            };
            let size = match &t.size {
                Size::Systems(p) => SizeIdx::Systems(of(p)?),
                Size::Gpus(p) => SizeIdx::Gpus(of(p)?),
                Size::PowerMw(p) => SizeIdx::PowerMw(of(p)?),
                Size::FromCommitment => SizeIdx::FromCommitment,
            };
            let price_usd_per_gpu_hour = match s.procurement.mode {
                Mode::Cloud => Some(of(s
                    .procurement
                    .price_for(&t.system)
                    .ok_or_else(|| PlanError::NoPrice(t.system.clone()))?)?),
                Mode::Owned => None,
            };
            tranches.push(TranchePlan {
                name: t.name.clone(),
                system,
                size,
                online: of(&t.online)?,
                ramp_years: of(&t.ramp_years)?,
                retire: opt(&t.retire)?,
                price_usd_per_gpu_hour,
            });
        }
        let mut investments = Vec::with_capacity(s.investments.len());
        for inv in &s.investments {
            let payment = match &inv.payment {
                Payment::Once { amount_usd, year } => {
                    let k = year - s.start_year;
                    if k < 0 || k >= s.years as i32 {
                        return Err(PlanError::OutsideTerm {
                            name: inv.name.clone(),
                            year: *year,
                        });
                    }
                    PaymentIdx::Once {
                        amount: of(amount_usd)?,
                        year: k as usize,
                    }
                }
                Payment::PerGw {
                    per_gw_usd,
                    tied_to,
                } => PaymentIdx::PerGw {
                    per_gw: of(per_gw_usd)?,
                    tranche: s
                        .fleet
                        .iter()
                        .position(|t| &t.name == tied_to)
                        .ok_or_else(|| PlanError::UnknownTranche(inv.name.clone()))?,
                },
            };
            investments.push(InvestmentPlan {
                name: inv.name.clone(),
                kind: inv.kind,
                payment,
            });
        }
        let price = match (&w.price_usd_per_mtok, &w.prices) {
            (Some(p), _) => Some(PricePlan::Blended(of(p)?)),
            (None, Some(p)) => {
                let input = of(&p.input)?;
                Some(PricePlan::Split {
                    input,
                    cached_input: opt(&p.cached_input)?.unwrap_or(input),
                    output: of(&p.output)?,
                })
            }
            (None, None) => None,
        };
        let token_lengths = match (&w.input_tokens, &w.output_tokens) {
            (Some(i), Some(o)) => Some((of(i)?, of(o)?)),
            _ => None,
        };
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
            datacenter_capex_usd_per_mw: opt(&s.facility.datacenter_capex_usd_per_mw)?,
            commitment_usd: opt(&s.procurement.commitment_usd)?,
            take_or_pay: s.procurement.take_or_pay,
            inference_share: of(&w.inference_share)?,
            utilization: of(&w.utilization)?,
            mfu: of(&w.mfu)?,
            price,
            token_lengths,
            cached_input_share: opt(&w.cached_input_share)?,
            throughput_growth_per_year: opt(&w.throughput_growth_per_year)?,
            price_change_per_year: opt(&w.price_change_per_year)?,
            base_year: w.base_year,
            revenue_ceiling: match &w.max_revenue_usd_per_year {
                Some(m) => Some((of(m)?, opt(&w.max_revenue_growth_per_year)?)),
                None => None,
            },
            model,
            systems,
            tranches,
            investments,
            paths,
        })
    }

    /// Whether the scenario prices its tokens.
    pub fn has_revenue(&self) -> bool {
        self.price.is_some()
    }

    /// Whether a tranche is sized by the commitment.
    pub fn sized_by_commitment(&self) -> bool {
        self.tranches
            .iter()
            .any(|t| matches!(t.size, SizeIdx::FromCommitment))
    }

    /// Whether some system's throughput follows from the roofline.
    pub fn has_roofline(&self) -> bool {
        self.systems
            .iter()
            .any(|s| matches!(s.throughput, ThroughputIdx::Roofline { .. }))
    }

    /// Whether a metric can be computed for this scenario (docs/model.md, "Absent, not zero").
    pub fn has_metric(&self, m: Metric) -> bool {
        use Metric::*;
        let commitment = self.commitment_usd.is_some();
        let investment = !self.investments.is_empty();
        let revenue = self.has_revenue();
        let owned = self.owned.is_some();
        match m {
            CommitmentGpuHours | CommitmentAvgGw | CommitmentCoverage => commitment,
            InvestmentUsd => investment,
            NetCommitmentUsd | Circularity => commitment && investment,
            RevenueUsd | Margin | NpvUsd | RevenuePerMtokUsd => revenue,
            InputTokens | CostPerTotalMtokUsd => self.token_lengths.is_some(),
            ShortfallUsd => self.take_or_pay,
            CapexUsd | CapexPerGwUsd => self.datacenter_capex_usd_per_mw.is_some(),
            CostHardwareUsd | CostDatacenterUsd | CostPowerUsd | CostMaintenanceUsd
            | PeakFundingUsd => owned,
            _ => true,
        }
    }

    pub fn has_probability(&self, p: Probability) -> bool {
        match p {
            Probability::FitsPowerEnvelope => self.power_mw.is_some(),
            Probability::NpvPositive | Probability::CostPerMtokBelowPrice => self.has_revenue(),
            Probability::InteractivityMet => self.has_roofline(),
            Probability::CommitmentUsed => self.take_or_pay,
            Probability::CommitmentCoversFleet => self.sized_by_commitment(),
            Probability::RevenueAtCeiling => self.revenue_ceiling.is_some(),
        }
    }

    pub fn has_series(&self, s: Series) -> bool {
        match s {
            Series::RevenueUsd | Series::CumulativeCashUsd | Series::RevenuePerMtokUsd => {
                self.has_revenue()
            }
            Series::FundingUsd => self.owned.is_some(),
            Series::InvestmentUsd => !self.investments.is_empty(),
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
