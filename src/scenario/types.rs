//! The validated scenario: typed, every value a [`Param`] with its path, source and origin.
//! Built only by the parser in this module, after every rule of MODEL.md has been checked.

use std::collections::BTreeMap;

use crate::dist::Marginal;
use crate::error::{Diagnostic, Location};

/// One numeric value of a scenario: fixed or uncertain, with its path and provenance.
#[derive(Debug, Clone)]
pub struct Param {
    /// `facility.pue`, `systems.gb200-nvl72.it_kw`, `fleet.rubin.online`, …
    pub path: String,
    pub marginal: Marginal,
    pub source: Option<String>,
    pub note: Option<String>,
    /// Where the value was written (a scenario file, the catalog, or `--set`).
    pub origin: Option<Location>,
}

impl Param {
    /// `Some(x)` when the value is fixed.
    pub fn fixed_value(&self) -> Option<f64> {
        self.marginal.fixed_value()
    }
    pub fn is_uncertain(&self) -> bool {
        self.fixed_value().is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Pay per GPU-hour.
    Cloud,
    /// Buy systems, pay power and the datacenter.
    Owned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SamplerKind {
    Mc,
    #[default]
    Lhs,
    Sobol,
}

impl SamplerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SamplerKind::Mc => "mc",
            SamplerKind::Lhs => "lhs",
            SamplerKind::Sobol => "sobol",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Facility {
    /// The envelope: facility power (IT × PUE), MW. Optional.
    pub power_mw: Option<Param>,
    pub pue: Param,
    pub it_overhead: Param,
    pub load_factor: Option<Param>,
    pub power_price_usd_per_kwh: Option<Param>,
    pub datacenter_capex_usd_per_mw: Option<Param>,
    pub datacenter_life_years: Option<Param>,
}

#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum GpuHourPrice {
    /// One value for every system: path `procurement.price_usd_per_gpu_hour`.
    All(Param),
    /// By system key: path `procurement.price_usd_per_gpu_hour.<key>`.
    BySystem(BTreeMap<String, Param>),
}

#[derive(Debug, Clone)]
pub struct Procurement {
    pub mode: Mode,
    pub commitment_usd: Option<Param>,
    /// `commitment_usd` is a minimum spend over the term: a shortfall is paid in the last year.
    pub take_or_pay: bool,
    /// Required in cloud mode (for every system of the fleet).
    pub price_usd_per_gpu_hour: Option<GpuHourPrice>,
    /// Required in owned mode.
    pub hardware_life_years: Option<Param>,
    /// Defaults to 0 in owned mode.
    pub maintenance_pct_of_capex: Option<Param>,
}

impl Procurement {
    /// The price per GPU-hour that applies to a system key, if any.
    pub fn price_for(&self, system: &str) -> Option<&Param> {
        match self.price_usd_per_gpu_hour.as_ref()? {
            GpuHourPrice::All(p) => Some(p),
            GpuHourPrice::BySystem(m) => m.get(system),
        }
    }
}

/// How a tranche's size is given: exactly one of these.
#[derive(Debug, Clone)]
pub enum Size {
    Systems(Param),
    Gpus(Param),
    /// Facility MW; sized down to whole systems.
    PowerMw(Param),
    /// The GPUs that the commitment pays for at the tranche's price over its installation
    /// (cloud mode, at most one tranche).
    FromCommitment,
}

#[derive(Debug, Clone)]
pub struct Tranche {
    /// Defaults to the system key; unique within the scenario.
    pub name: String,
    /// A key of `Scenario::systems`.
    pub system: String,
    pub size: Size,
    /// Decimal year at which installation starts.
    pub online: Param,
    /// Linear ramp to full size; defaults to fixed 0 (a step).
    pub ramp_years: Param,
    /// Decimal year of retirement; `None` means never (cloud) or
    /// `online + ramp_years + hardware_life_years` (owned; the model applies that default).
    pub retire: Option<Param>,
}

/// What an investment is to the buyer of the compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvestmentKind {
    /// Cash in the cash flow and the NPV.
    Cash,
    /// Shares bought by the investor: cash in the cash flow and the funding, not in the NPV.
    Equity,
    /// Value the seller returns to the buyer (warrants, credits): in the cash flow and the NPV.
    Rebate,
}

impl InvestmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InvestmentKind::Cash => "cash",
            InvestmentKind::Equity => "equity",
            InvestmentKind::Rebate => "rebate",
        }
    }
}

/// When an investment is paid.
#[derive(Debug, Clone)]
pub enum Payment {
    /// `amount_usd` in the calendar year `year` (within the term).
    Once { amount_usd: Param, year: i32 },
    /// `per_gw_usd` per gigawatt of the tranche `tied_to`, as it installs.
    PerGw { per_gw_usd: Param, tied_to: String },
}

#[derive(Debug, Clone)]
pub struct Investment {
    pub name: String,
    pub kind: InvestmentKind,
    pub payment: Payment,
}

/// The three token prices of a price list: per million input, cached input and output tokens.
#[derive(Debug, Clone)]
pub struct SplitPrices {
    pub input: Param,
    /// `None`: the input price.
    pub cached_input: Option<Param>,
    pub output: Param,
}

/// The served model, for the roofline.
#[derive(Debug, Clone)]
pub struct ServedModel {
    /// Billions of parameters, all experts.
    pub total_params_b: Param,
    /// Billions of parameters active per token.
    pub active_params_b: Param,
    /// 1 for FP8 weights, 0.5 for FP4, 2 for BF16.
    pub bytes_per_param: Param,
    /// KV-cache bytes per token of context, all layers.
    pub kv_bytes_per_token: Param,
}

#[derive(Debug, Clone)]
pub struct Workload {
    pub inference_share: Param,
    pub utilization: Param,
    pub mfu: Param,
    /// Realised revenue per million output tokens (the blended form; exclusive with `prices`).
    pub price_usd_per_mtok: Option<Param>,
    /// Mean input (prompt) tokens per request.
    pub input_tokens: Option<Param>,
    /// Mean output tokens per request.
    pub output_tokens: Option<Param>,
    /// Share of input tokens read from the prompt cache.
    pub cached_input_share: Option<Param>,
    /// Output tokens per second per user (the latency target of the roofline).
    pub interactivity_tok_s: Option<Param>,
    /// Share of the roofline's throughput reached in practice.
    pub serving_efficiency: Option<Param>,
    /// Software gains in throughput on the same hardware, per year.
    pub throughput_growth_per_year: Option<Param>,
    /// Split token prices (exclusive with `price_usd_per_mtok`).
    pub prices: Option<SplitPrices>,
    /// Yearly change of every token price (> −1).
    pub price_change_per_year: Option<Param>,
    /// The calendar year that the throughput and price figures describe.
    pub base_year: i32,
    pub model: Option<ServedModel>,
    /// The most revenue the fleet's tokens can earn in a calendar year at `base_year` (the
    /// market for the buyer's tokens); tokens beyond it are not sold.
    pub max_revenue_usd_per_year: Option<Param>,
    /// Yearly growth of that ceiling (> −1), by calendar year from `base_year`.
    pub max_revenue_growth_per_year: Option<Param>,
}

impl Workload {
    /// Whether the scenario prices tokens (blended or split).
    pub fn has_price(&self) -> bool {
        self.price_usd_per_mtok.is_some() || self.prices.is_some()
    }
}

/// Where a system's output tokens per second per GPU come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThroughputRule {
    /// `tokens_per_gpu_s` written in the scenario (its extends chain, or `--set`): a measured
    /// figure for the scenario's own workload.
    Given,
    /// The roofline of the served model on the system's specifications.
    Roofline,
    /// The catalog's `tokens_per_gpu_s`.
    Catalog,
}

impl ThroughputRule {
    pub fn describe(self) -> &'static str {
        match self {
            ThroughputRule::Given => "tokens_per_gpu_s given in the scenario",
            ThroughputRule::Roofline => "the roofline of [workload.model]",
            ThroughputRule::Catalog => "the catalog's tokens_per_gpu_s",
        }
    }
}

/// A rack-scale system of the catalog (possibly overridden or defined by the scenario).
#[derive(Debug, Clone)]
pub struct System {
    pub key: String,
    /// What one "GPU" is for this system (packages, not dies), for reports.
    pub description: Option<String>,
    /// GPU packages per system.
    pub gpus: u32,
    pub it_kw: Param,
    pub price_usd: Param,
    pub pflops_fp8: Param,
    pub pflops_fp4: Option<Param>,
    pub hbm_gb: Option<Param>,
    /// HBM bandwidth per GPU, TB/s (a value of the scenario only when the roofline uses it).
    pub hbm_tb_s: Option<Param>,
    /// GPUs of one scale-up domain that a model replica can span at full bandwidth.
    pub scaleup_gpus: Option<u32>,
    /// Output tokens per second per GPU (a value of the scenario unless the roofline replaces
    /// it).
    pub tokens_per_gpu_s: Option<Param>,
    pub throughput: ThroughputRule,
    pub available: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Correlation {
    pub between: [String; 2],
    /// Target Spearman rank correlation in [-1, 1].
    pub rank: f64,
    pub origin: Option<Location>,
}

/// A named what-if of a scenario (`[[variant]]`): overrides in `--set` syntax, each with where
/// it was written.
#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub description: Option<String>,
    /// `PATH=VALUE`, `PATH+=D`, …, as `--set` takes them.
    pub sets: Vec<(String, Location)>,
}

#[derive(Debug, Clone)]
pub struct Simulation {
    pub samples: u64,
    pub seed: u64,
    pub sampler: SamplerKind,
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    /// The file it was read from (`None` for the embedded headline).
    pub file: Option<String>,
    /// SHA-256 (hex) of the scenario's bytes, its `extends` chain included, in order.
    pub sha256: String,
    /// Every file read to make it (the file, then its `extends` chain), as canonical paths:
    /// files a command must never write to.
    pub read_files: Vec<std::path::PathBuf>,
    pub start_year: i32,
    /// Term in calendar years: `start_year ..= start_year + years - 1`.
    pub years: u32,
    pub discount_rate: Param,
    pub facility: Facility,
    pub procurement: Procurement,
    pub fleet: Vec<Tranche>,
    pub investments: Vec<Investment>,
    pub workload: Workload,
    /// The systems the fleet uses, catalog fields merged with the scenario's overrides.
    pub systems: BTreeMap<String, System>,
    pub correlations: Vec<Correlation>,
    pub simulation: Simulation,
    /// Named what-ifs of this scenario (`[[variant]]`), for `gwsim compare FILE`.
    pub variants: Vec<Variant>,
    /// Warnings found while validating (e.g. more than 1% of a marginal's mass cut by its
    /// field's domain).
    pub warnings: Vec<Diagnostic>,
}

impl Scenario {
    /// The term's last calendar year: `start_year + years − 1`.
    pub fn last_year(&self) -> i32 {
        self.start_year + self.years as i32 - 1
    }

    /// Every numeric value of the scenario, fixed or uncertain, in a canonical order:
    /// top level, facility, procurement, fleet (in order), investments (in order), workload,
    /// systems (by key). Paths are unique.
    pub fn params(&self) -> Vec<&Param> {
        let mut v: Vec<&Param> = vec![&self.discount_rate];
        let f = &self.facility;
        v.extend(f.power_mw.iter());
        v.push(&f.pue);
        v.push(&f.it_overhead);
        v.extend(f.load_factor.iter());
        v.extend(f.power_price_usd_per_kwh.iter());
        v.extend(f.datacenter_capex_usd_per_mw.iter());
        v.extend(f.datacenter_life_years.iter());
        let p = &self.procurement;
        v.extend(p.commitment_usd.iter());
        match &p.price_usd_per_gpu_hour {
            Some(GpuHourPrice::All(x)) => v.push(x),
            Some(GpuHourPrice::BySystem(m)) => v.extend(m.values()),
            None => {}
        }
        v.extend(p.hardware_life_years.iter());
        v.extend(p.maintenance_pct_of_capex.iter());
        for t in &self.fleet {
            match &t.size {
                Size::Systems(x) | Size::Gpus(x) | Size::PowerMw(x) => v.push(x),
                Size::FromCommitment => {}
            }
            v.push(&t.online);
            v.push(&t.ramp_years);
            v.extend(t.retire.iter());
        }
        for i in &self.investments {
            match &i.payment {
                Payment::Once { amount_usd, .. } => v.push(amount_usd),
                Payment::PerGw { per_gw_usd, .. } => v.push(per_gw_usd),
            }
        }
        let w = &self.workload;
        v.push(&w.inference_share);
        v.push(&w.utilization);
        v.push(&w.mfu);
        v.extend(w.price_usd_per_mtok.iter());
        v.extend(w.input_tokens.iter());
        v.extend(w.output_tokens.iter());
        v.extend(w.cached_input_share.iter());
        v.extend(w.interactivity_tok_s.iter());
        v.extend(w.serving_efficiency.iter());
        v.extend(w.throughput_growth_per_year.iter());
        if let Some(p) = &w.prices {
            v.push(&p.input);
            v.extend(p.cached_input.iter());
            v.push(&p.output);
        }
        v.extend(w.price_change_per_year.iter());
        if let Some(m) = &w.model {
            v.push(&m.total_params_b);
            v.push(&m.active_params_b);
            v.push(&m.bytes_per_param);
            v.push(&m.kv_bytes_per_token);
        }
        v.extend(w.max_revenue_usd_per_year.iter());
        v.extend(w.max_revenue_growth_per_year.iter());
        for s in self.systems.values() {
            v.push(&s.it_kw);
            v.push(&s.price_usd);
            v.push(&s.pflops_fp8);
            v.extend(s.pflops_fp4.iter());
            v.extend(s.hbm_gb.iter());
            match s.throughput {
                ThroughputRule::Roofline => v.extend(s.hbm_tb_s.iter()),
                ThroughputRule::Given | ThroughputRule::Catalog => {
                    v.extend(s.tokens_per_gpu_s.iter())
                }
            }
        }
        v
    }

    /// The uncertain values only, in canonical order.
    pub fn uncertain_params(&self) -> Vec<&Param> {
        self.params()
            .into_iter()
            .filter(|p| p.is_uncertain())
            .collect()
    }
}
