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

#[derive(Debug, Clone)]
pub struct Investment {
    pub name: String,
    pub amount_usd: Param,
    /// Calendar year, within the term.
    pub year: i32,
}

#[derive(Debug, Clone)]
pub struct Workload {
    pub inference_share: Param,
    pub utilization: Param,
    pub mfu: Param,
    pub price_usd_per_mtok: Option<Param>,
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
    pub tokens_per_gpu_s: Param,
    pub available: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Correlation {
    pub between: [String; 2],
    /// Target Spearman rank correlation in [-1, 1].
    pub rank: f64,
    pub origin: Option<Location>,
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
    /// Warnings found while validating (e.g. more than 1% of a marginal's mass cut by its
    /// field's domain).
    pub warnings: Vec<Diagnostic>,
}

impl Scenario {
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
            }
            v.push(&t.online);
            v.push(&t.ramp_years);
            v.extend(t.retire.iter());
        }
        for i in &self.investments {
            v.push(&i.amount_usd);
        }
        let w = &self.workload;
        v.push(&w.inference_share);
        v.push(&w.utilization);
        v.push(&w.mfu);
        v.extend(w.price_usd_per_mtok.iter());
        for s in self.systems.values() {
            v.push(&s.it_kw);
            v.push(&s.price_usd);
            v.push(&s.pflops_fp8);
            v.extend(s.pflops_fp4.iter());
            v.extend(s.hbm_gb.iter());
            v.push(&s.tokens_per_gpu_s);
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
