//! Validation: walk the merged tree into a typed [`Scenario`], applying every rule of MODEL.md
//! ("Rules in detail") and collecting every problem at once, each with its location and path.

use std::collections::{BTreeMap, BTreeSet};

use crate::dist::{Dist, Marginal};
use crate::error::{Diagnostic, Location, ScenarioError, Severity};

use super::suggest;
use super::tree::{self, Kind, Node, Table};
use super::types::*;
use super::value::{self, Sink, ValueSpec};

/// The domain of a field (MODEL.md, Rules: Domains).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Domain {
    lo: f64,
    hi: f64,
    /// The lower bound itself is excluded (`discount_rate > −1`, lives `> 0`).
    lo_open: bool,
    text: &'static str,
}

impl Domain {
    fn contains(&self, x: f64) -> bool {
        (if self.lo_open {
            x > self.lo
        } else {
            x >= self.lo
        }) && x <= self.hi
    }
}

pub(crate) const NONNEG: Domain = Domain {
    lo: 0.0,
    hi: f64::INFINITY,
    lo_open: false,
    text: "≥ 0",
};
pub(crate) const POSITIVE: Domain = Domain {
    lo: 0.0,
    hi: f64::INFINITY,
    lo_open: true,
    text: "> 0",
};
pub(crate) const SHARE: Domain = Domain {
    lo: 0.0,
    hi: 1.0,
    lo_open: false,
    text: "within [0, 1]",
};
pub(crate) const PUE: Domain = Domain {
    lo: 1.0,
    hi: f64::INFINITY,
    lo_open: false,
    text: "≥ 1",
};
pub(crate) const RATE: Domain = Domain {
    lo: -1.0,
    hi: f64::INFINITY,
    lo_open: true,
    text: "> −1",
};
pub(crate) const ANY: Domain = Domain {
    lo: f64::NEG_INFINITY,
    hi: f64::INFINITY,
    lo_open: false,
    text: "any number",
};

pub(crate) const TOP_KEYS: [&str; 15] = [
    "variant",
    "name",
    "description",
    "extends",
    "start_year",
    "years",
    "discount_rate",
    "facility",
    "procurement",
    "fleet",
    "investment",
    "workload",
    "systems",
    "correlation",
    "simulation",
];
pub(crate) const VARIANT_KEYS: [&str; 3] = ["name", "description", "set"];
pub(crate) const FACILITY_KEYS: [&str; 7] = [
    "power_mw",
    "pue",
    "it_overhead",
    "load_factor",
    "power_price_usd_per_kwh",
    "datacenter_capex_usd_per_mw",
    "datacenter_life_years",
];
pub(crate) const PROCUREMENT_KEYS: [&str; 6] = [
    "mode",
    "commitment_usd",
    "take_or_pay",
    "price_usd_per_gpu_hour",
    "hardware_life_years",
    "maintenance_pct_of_capex",
];
pub(crate) const FLEET_KEYS: [&str; 9] = [
    "name",
    "system",
    "systems",
    "gpus",
    "power_mw",
    "size_from_commitment",
    "online",
    "ramp_years",
    "retire",
];
pub(crate) const SIZE_KEYS: [&str; 4] = ["systems", "gpus", "power_mw", "size_from_commitment"];
pub(crate) const INVESTMENT_KEYS: [&str; 6] = [
    "name",
    "kind",
    "amount_usd",
    "year",
    "per_gw_usd",
    "tied_to",
];
pub(crate) const WORKLOAD_KEYS: [&str; 18] = [
    "inference_share",
    "utilization",
    "mfu",
    "price_usd_per_mtok",
    "input_tokens",
    "output_tokens",
    "cached_input_share",
    "interactivity_tok_s",
    "serving_efficiency",
    "throughput_growth_per_year",
    "price_usd_per_mtok_input",
    "price_usd_per_mtok_cached_input",
    "price_usd_per_mtok_output",
    "price_change_per_year",
    "base_year",
    "model",
    "max_revenue_usd_per_year",
    "max_revenue_growth_per_year",
];
pub(crate) const MODEL_KEYS: [&str; 4] = [
    "total_params_b",
    "active_params_b",
    "bytes_per_param",
    "kv_bytes_per_token",
];
/// The figures the roofline needs of a system (besides `pflops_fp8`, which every system has).
const ROOFLINE_SYSTEM_KEYS: [&str; 3] = ["hbm_gb", "hbm_tb_s", "scaleup_gpus"];
/// The split token prices of `[workload]`.
const SPLIT_PRICE_KEYS: [&str; 3] = [
    "price_usd_per_mtok_input",
    "price_usd_per_mtok_cached_input",
    "price_usd_per_mtok_output",
];
pub(crate) const SYSTEM_KEYS: [&str; 11] = [
    "description",
    "gpus",
    "it_kw",
    "price_usd",
    "pflops_fp8",
    "pflops_fp4",
    "hbm_gb",
    "hbm_tb_s",
    "scaleup_gpus",
    "tokens_per_gpu_s",
    "available",
];
pub(crate) const SIMULATION_KEYS: [&str; 3] = ["samples", "seed", "sampler"];
const CORRELATION_KEYS: [&str; 4] = ["between", "rank", "source", "note"];

/// Keys of each table that `--set` may address, by table name.
pub(crate) fn table_keys(table: &str) -> Option<&'static [&'static str]> {
    Some(match table {
        "facility" => &FACILITY_KEYS,
        "procurement" => &PROCUREMENT_KEYS,
        "workload" => &WORKLOAD_KEYS,
        "model" => &MODEL_KEYS,
        "simulation" => &SIMULATION_KEYS,
        "fleet" => &FLEET_KEYS,
        "investment" => &INVESTMENT_KEYS,
        "systems" => &SYSTEM_KEYS,
        _ => return None,
    })
}

/// Default and maximum number of samples.
pub(crate) const DEFAULT_SAMPLES: u64 = 10_000;
pub(crate) const MAX_SAMPLES: i64 = 1_000_000_000;
pub(crate) const DEFAULT_SEED: u64 = 2025;

/// The top-level keys of a scenario, each `None` when missing or wrong.
struct Header {
    name: Option<String>,
    description: Option<String>,
    start_year: Option<i32>,
    years: Option<u32>,
    discount_rate: Option<Param>,
}

pub(crate) struct Builder<'c> {
    pub diags: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    /// The catalog's `systems` table (key → fields).
    catalog: &'c Table,
    /// Every value path built, with whether it is uncertain (for correlations).
    registry: BTreeMap<String, bool>,
    /// Paths that were attempted (built or failed) — a correlation naming a failed value is
    /// not reported twice.
    attempted: BTreeSet<String>,
    /// Paths that exist in the file but are not used (prices of systems outside the fleet).
    unused: BTreeSet<String>,
    /// While validating systems the fleet does not use, built values are not registered.
    discarding: bool,
    /// Tranches with `size_from_commitment = true`, with where it is written.
    sized_by_commitment: Vec<(String, Location)>,
    /// Fields that a system's throughput rule does not use (`tokens_per_gpu_s` under the
    /// roofline, `hbm_tb_s` otherwise): checked, never sampled.
    unused_by_rule: BTreeSet<String>,
    /// Values that a `--set` fixed: a correlation with one of them is dropped with a warning
    /// (pinning a value for a what-if or a sweep point must not need a copy of the file).
    pinned: BTreeSet<String>,
}

fn num_text(x: f64) -> String {
    if x == f64::INFINITY {
        "∞".into()
    } else if x == f64::NEG_INFINITY {
        "−∞".into()
    } else {
        format!("{x}")
    }
}

impl<'c> Builder<'c> {
    pub(crate) fn new(catalog: &'c Table) -> Self {
        Builder {
            diags: Vec::new(),
            warnings: Vec::new(),
            catalog,
            registry: BTreeMap::new(),
            attempted: BTreeSet::new(),
            unused: BTreeSet::new(),
            discarding: false,
            sized_by_commitment: Vec::new(),
            pinned: BTreeSet::new(),
            unused_by_rule: BTreeSet::new(),
        }
    }

    pub(crate) fn err(&mut self, loc: &Location, path: Option<&str>, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(
            Some(loc.clone()),
            path.map(str::to_string),
            msg,
        ));
    }

    fn sink(&mut self) -> Sink<'_> {
        Sink {
            diags: &mut self.diags,
        }
    }

    /// Report keys that a table does not know, with a suggestion.
    fn check_keys(&mut self, t: &Table, allowed: &[&str], table_path: &str) {
        for e in &t.entries {
            if !allowed.contains(&e.key.as_str()) {
                let hint = suggest::hint(&e.key, allowed.iter().copied());
                let path = if table_path.is_empty() {
                    e.key.clone()
                } else {
                    format!("{table_path}.{}", e.key)
                };
                let place = if table_path.is_empty() {
                    String::new()
                } else {
                    format!(" in {table_path}")
                };
                let mut msg = format!("unknown key '{}'{place}{hint}", e.key);
                if table_path.is_empty() && hint.is_empty() {
                    for t in ["facility", "procurement", "workload", "simulation"] {
                        if table_keys(t).is_some_and(|ks| ks.contains(&e.key.as_str())) {
                            msg = format!("unknown key '{}' — it belongs in [{t}]", e.key);
                        }
                    }
                }
                self.err(&e.key_loc, Some(&path), msg);
            }
        }
    }

    /// A value with its field's domain applied: unbounded marginals are truncated to it (with a
    /// warning when more than 1% of the mass is cut); bounded ones must lie inside it.
    pub(crate) fn param(&mut self, node: &Node, path: &str, dom: Domain) -> Option<Param> {
        self.attempted.insert(path.to_string());
        let ValueSpec {
            dist,
            min,
            max,
            source,
            note,
            affine,
        } = value::parse(node, path, &mut self.sink())?;
        let marginal = self.apply_domain(dist, min, max, affine, node, path, dom)?;
        let p = Param {
            path: path.to_string(),
            marginal,
            source,
            note,
            origin: Some(node.loc.clone()),
        };
        if !self.discarding {
            self.registry.insert(path.to_string(), p.is_uncertain());
            if !p.is_uncertain() && &*node.loc.file == "--set" {
                self.pinned.insert(path.to_string());
            }
        }
        Some(p)
    }

    #[allow(clippy::too_many_arguments)]
    fn apply_domain(
        &mut self,
        dist: Dist,
        min: Option<f64>,
        max: Option<f64>,
        affine: Option<(f64, f64)>,
        node: &Node,
        path: &str,
        dom: Domain,
    ) -> Option<Marginal> {
        let loc = &node.loc;
        // A relative `--set` moves the whole distribution: the domain is read back onto the
        // family as written (`min`/`max` stay the file's).
        let (scale, shift) = affine.unwrap_or((1.0, 0.0));
        let changed = |m: Marginal| match affine {
            None => Ok(m),
            Some((s, b)) => m.affine(s, b),
        };
        let (dom_lo, dom_hi) = match affine {
            None => (dom.lo, dom.hi),
            Some(_) => ((dom.lo - shift) / scale, (dom.hi - shift) / scale),
        };
        if dist.is_unbounded() {
            let lo = min.unwrap_or(f64::NEG_INFINITY).max(dom_lo);
            let hi = max.unwrap_or(f64::INFINITY).min(dom_hi);
            let finite = |x: f64| x.is_finite().then_some(x);
            let m = match Marginal::new(dist.clone(), finite(lo), finite(hi)).and_then(changed) {
                // Round-off in reading the domain back must not leave it.
                Ok(m) => m.clamped_to(dom.lo, dom.hi),
                Err(e) => {
                    self.err(
                        loc,
                        Some(path),
                        format!("{e} (after truncation to the field's domain, {})", dom.text),
                    );
                    return None;
                }
            };
            if let Ok(base) = Marginal::new(dist, None, None) {
                let kept_by_user = 1.0
                    - base.mass_outside(
                        min.unwrap_or(f64::NEG_INFINITY),
                        max.unwrap_or(f64::INFINITY),
                    );
                let kept = 1.0 - base.mass_outside(lo, hi);
                if kept_by_user > 0.0 {
                    let cut = (kept_by_user - kept) / kept_by_user;
                    if cut > 0.01 {
                        self.warnings.push(Diagnostic::warning(
                            Some(loc.clone()),
                            Some(path.to_string()),
                            format!(
                                "{:.1}% of this distribution lies outside the field's domain ({}) and is cut off \
                                 (the value is truncated, not clamped); consider a bounded form or explicit min/max",
                                cut * 100.0,
                                dom.text
                            ),
                        ));
                    }
                }
            }
            Some(m)
        } else {
            let m = match Marginal::new(dist, min, max).and_then(changed) {
                Ok(m) => m,
                Err(e) => {
                    self.err(loc, Some(path), e.to_string());
                    return None;
                }
            };
            let (a, b) = m.bounds();
            if !(dom.contains(a) && dom.contains(b)) {
                let msg = match m.fixed_value() {
                    Some(x) => format!(
                        "{} is outside this field's domain: it must be {}",
                        num_text(x),
                        dom.text
                    ),
                    None => format!(
                        "{m} reaches [{}, {}], outside this field's domain ({}); narrow it or add min/max",
                        num_text(a),
                        num_text(b),
                        dom.text
                    ),
                };
                self.err(loc, Some(path), msg);
                return None;
            }
            Some(m)
        }
    }

    fn req_param(
        &mut self,
        t: &Table,
        key: &str,
        prefix: &str,
        dom: Domain,
        tloc: &Location,
    ) -> Option<Param> {
        let path = format!("{prefix}.{key}");
        match t.get(key) {
            Some(e) => self.param(&e.value, &path, dom),
            None => {
                self.attempted.insert(path.clone());
                self.err(
                    tloc,
                    Some(&path),
                    format!("missing required key '{key}' in [{prefix}]"),
                );
                None
            }
        }
    }

    fn opt_param(&mut self, t: &Table, key: &str, prefix: &str, dom: Domain) -> Option<Param> {
        let e = t.get(key)?;
        self.param(&e.value, &format!("{prefix}.{key}"), dom)
    }

    pub(crate) fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Invalid => None,
            k => {
                self.err(
                    &node.loc,
                    Some(path),
                    format!("must be a string, not {}", k.type_name()),
                );
                None
            }
        }
    }

    pub(crate) fn integer(&mut self, node: &Node, path: &str) -> Option<i64> {
        value::integer(node, path, &mut self.sink()).map(|(v, _)| v)
    }

    /// A sub-table; `None` (after an error) when the key holds something else.
    pub(crate) fn table<'t>(
        &mut self,
        parent: &'t Table,
        key: &str,
    ) -> Option<(&'t Table, Location)> {
        let e = parent.get(key)?;
        match &e.value.kind {
            Kind::Table(t) => Some((t, e.value.loc.clone())),
            Kind::Invalid => None,
            k => {
                let msg = if matches!(k, Kind::Array(_)) {
                    format!("[{key}] must be a table, not an array of tables; write [{key}] once")
                } else {
                    format!("'{key}' must be a table ([{key}]), not {}", k.type_name())
                };
                self.err(&e.key_loc, Some(key), msg);
                None
            }
        }
    }

    /// The elements of an array of tables (`[[fleet]]`), each with its location.
    pub(crate) fn array_of_tables<'t>(
        &mut self,
        parent: &'t Table,
        key: &str,
    ) -> Vec<(&'t Table, Location)> {
        let Some(e) = parent.get(key) else {
            return Vec::new();
        };
        match &e.value.kind {
            Kind::Array(items) => {
                let mut out = Vec::new();
                for (i, it) in items.iter().enumerate() {
                    match &it.kind {
                        Kind::Table(t) => out.push((t, it.loc.clone())),
                        k => self.err(
                            &it.loc,
                            Some(&format!("{key}[{}]", i + 1)),
                            format!(
                                "each {key} entry must be a table ([[{key}]]), not {}",
                                k.type_name()
                            ),
                        ),
                    }
                }
                out
            }
            Kind::Table(_) => {
                self.err(
                    &e.key_loc,
                    Some(key),
                    format!("write [[{key}]] (an array of tables), not [{key}]"),
                );
                Vec::new()
            }
            Kind::Invalid => Vec::new(),
            k => {
                self.err(
                    &e.key_loc,
                    Some(key),
                    format!(
                        "'{key}' must be an array of tables ([[{key}]]), not {}",
                        k.type_name()
                    ),
                );
                Vec::new()
            }
        }
    }

    /// A system from its (merged) table: catalog fields overridden by the scenario's. `rule`
    /// says where its throughput comes from: the roofline needs the memory and scale-up figures
    /// (and replaces `tokens_per_gpu_s`); the other rules need `tokens_per_gpu_s`.
    pub(crate) fn system(
        &mut self,
        key: &str,
        t: &Table,
        tloc: &Location,
        in_catalog: bool,
        rule: ThroughputRule,
    ) -> Option<System> {
        let prefix = format!("systems.{key}");
        self.check_keys(t, &SYSTEM_KEYS, &prefix);
        let mut ok = true;
        let roofline = rule == ThroughputRule::Roofline;
        let missing = |b: &mut Self, field: &str| {
            let path = format!("{prefix}.{field}");
            b.attempted.insert(path.clone());
            let why = if roofline && ROOFLINE_SYSTEM_KEYS.contains(&field) {
                format!(
                    "the scenario serves a [workload.model], so '{key}' needs '{field}' for the \
                     roofline (or give its tokens_per_gpu_s in [{prefix}])"
                )
            } else if in_catalog {
                format!("missing required key '{field}' in [{prefix}]")
            } else if roofline {
                format!(
                    "'{key}' is not in the system catalog, so [{prefix}] must define '{field}' \
                     (every field but available, pflops_fp4 and tokens_per_gpu_s)"
                )
            } else {
                format!(
                    "'{key}' is not in the system catalog, so [{prefix}] must define '{field}' \
                     (every field but available, hbm_gb, hbm_tb_s, scaleup_gpus and pflops_fp4)"
                )
            };
            b.err(tloc, Some(&path), why);
        };
        let need = |b: &mut Self, field: &str, dom: Domain| -> Option<Param> {
            match t.get(field) {
                Some(e) => b.param(&e.value, &format!("{prefix}.{field}"), dom),
                None => {
                    missing(b, field);
                    None
                }
            }
        };
        // A field the rule does not use is still checked, and kept for the catalog's listing,
        // but not registered as one of the scenario's values.
        let unused = |b: &mut Self, field: &str, dom: Domain| -> (Option<Param>, bool) {
            let was = b.discarding;
            b.discarding = true;
            let p = b.opt_param(t, field, &prefix, dom);
            b.discarding = was;
            if p.is_some() && !was {
                b.unused_by_rule.insert(format!("{prefix}.{field}"));
            }
            let ok = t.get(field).is_none() || p.is_some();
            (p, ok)
        };
        let it_kw = need(self, "it_kw", NONNEG);
        let price_usd = need(self, "price_usd", NONNEG);
        let pflops_fp8 = need(self, "pflops_fp8", NONNEG);
        let (tokens, tokens_ok) = if roofline {
            unused(self, "tokens_per_gpu_s", NONNEG)
        } else {
            let p = need(self, "tokens_per_gpu_s", NONNEG);
            let ok = p.is_some();
            (p, ok)
        };
        let pflops_fp4 = self.opt_param(t, "pflops_fp4", &prefix, NONNEG);
        let hbm_gb = if roofline {
            need(self, "hbm_gb", POSITIVE)
        } else {
            self.opt_param(t, "hbm_gb", &prefix, NONNEG)
        };
        let (hbm_tb_s, hbm_tb_s_ok) = if roofline {
            let p = need(self, "hbm_tb_s", POSITIVE);
            let ok = p.is_some();
            (p, ok)
        } else {
            unused(self, "hbm_tb_s", POSITIVE)
        };
        let whole = |b: &mut Self, field: &str, what: &str| -> Option<u32> {
            let path = format!("{prefix}.{field}");
            let e = t.get(field)?;
            match b.integer(&e.value, &path) {
                Some(n) if (1..=i64::from(u32::MAX)).contains(&n) => Some(n as u32),
                Some(n) => {
                    b.err(
                        &e.value.loc,
                        Some(&path),
                        format!("must be a whole number of {what} ≥ 1, found {n}"),
                    );
                    None
                }
                None => None,
            }
        };
        let gpus = whole(self, "gpus", "GPUs");
        if t.get("gpus").is_none() {
            let why = if in_catalog {
                format!("missing required key 'gpus' in [{prefix}]")
            } else {
                format!("'{key}' is not in the system catalog, so [{prefix}] must define 'gpus'")
            };
            self.err(tloc, Some(&format!("{prefix}.gpus")), why);
        }
        let scaleup_gpus = whole(self, "scaleup_gpus", "GPUs");
        let scaleup_ok = t.get("scaleup_gpus").is_none() == scaleup_gpus.is_none();
        if roofline && t.get("scaleup_gpus").is_none() {
            missing(self, "scaleup_gpus");
            ok = false;
        }
        let description = match t.get("description") {
            Some(e) => {
                let s = self.string(&e.value, &format!("{prefix}.description"));
                ok &= s.is_some();
                s
            }
            None => None,
        };
        let available = match t.get("available") {
            Some(e) => match &e.value.kind {
                Kind::Str(s) => Some(s.clone()),
                Kind::Int(n) => Some(n.to_string()),
                k => {
                    self.err(
                        &e.value.loc,
                        Some(&format!("{prefix}.available")),
                        format!("must be text such as \"H2 2026\", not {}", k.type_name()),
                    );
                    ok = false;
                    None
                }
            },
            None => None,
        };
        let optional_ok = t.get("pflops_fp4").is_none() == pflops_fp4.is_none()
            && (roofline || t.get("hbm_gb").is_none() == hbm_gb.is_none());
        if !(ok && optional_ok && tokens_ok && hbm_tb_s_ok && scaleup_ok) {
            return None;
        }
        Some(System {
            key: key.to_string(),
            description,
            gpus: gpus?,
            it_kw: it_kw?,
            price_usd: price_usd?,
            pflops_fp8: pflops_fp8?,
            pflops_fp4,
            hbm_gb: if roofline { Some(hbm_gb?) } else { hbm_gb },
            hbm_tb_s,
            scaleup_gpus,
            tokens_per_gpu_s: tokens,
            throughput: rule,
            available,
        })
    }

    pub(crate) fn scenario(
        mut self,
        root: &Table,
        root_loc: &Location,
        sha256: String,
        file: Option<String>,
    ) -> Result<Scenario, ScenarioError> {
        self.check_keys(root, &TOP_KEYS, "");
        let head = self.header(root, root_loc);
        let facility_table = self.required_table(
            root,
            "facility",
            root_loc,
            "missing required table [facility] (pue and it_overhead at least)",
        );
        let facility = facility_table
            .as_ref()
            .map(|(t, loc)| self.facility(t, loc));
        let (fleet, used) = self.fleet(root, root_loc);
        let known_keys = self.known_system_keys(root);
        let roofline = root
            .get("workload")
            .is_some_and(|e| matches!(&e.value.kind, Kind::Table(w) if w.get("model").is_some()));
        let systems = self.systems(root, &used, &known_keys, roofline);
        if let (Some(fleet), Some(systems)) = (&fleet, &systems) {
            self.check_power_sizing(fleet, systems);
        }
        let (mode, procurement) = match self.required_table(
            root,
            "procurement",
            root_loc,
            "missing required table [procurement] (mode = \"cloud\" or \"owned\")",
        ) {
            Some((t, loc)) => self.procurement(t, &loc, &used, &known_keys),
            None => (None, None),
        };
        let facility = match (facility, facility_table) {
            (Some(f), Some((t, loc))) if self.owned_facility_complete(mode, t, &loc) => f,
            _ => None,
        };
        self.check_sized_by_commitment(mode, procurement.as_ref());
        let tranche_names: Vec<String> = match &fleet {
            Some(f) => f.iter().map(|t| t.name.clone()).collect(),
            None => Vec::new(),
        };
        let investments = self.investments(root, head.start_year, head.years, &tranche_names);
        let workload = self
            .required_table(
                root,
                "workload",
                root_loc,
                "missing required table [workload] (inference_share, utilization, mfu)",
            )
            .and_then(|(t, loc)| self.workload(t, &loc, head.start_year));
        let simulation = match self.table(root, "simulation") {
            Some((t, _)) => self.simulation(t),
            None => (root.get("simulation").is_none()).then_some(Simulation {
                samples: DEFAULT_SAMPLES,
                seed: DEFAULT_SEED,
                sampler: SamplerKind::Lhs,
            }),
        };
        let correlations = self.correlations(root);
        let variants = self.variants(root);

        let mut diags = self.diags;
        let mut warnings = self.warnings;
        sort_by_location(&mut diags);
        sort_by_location(&mut warnings);
        let has_errors = diags.iter().any(|d| d.severity == Severity::Error);
        let assembled = (|| {
            if has_errors {
                return None;
            }
            Some(Scenario {
                name: head.name?,
                description: head.description,
                file,
                sha256,
                read_files: Vec::new(),
                start_year: head.start_year?,
                years: head.years?,
                discount_rate: head.discount_rate?,
                facility: facility?,
                procurement: procurement?,
                fleet: fleet?,
                investments: investments?,
                workload: workload?,
                systems: systems?,
                correlations,
                simulation: simulation?,
                variants,
                warnings: warnings.clone(),
            })
        })();
        match assembled {
            Some(s) => Ok(s),
            None => {
                if !has_errors {
                    diags.push(Diagnostic::error(
                        Some(root_loc.clone()),
                        None,
                        "internal error: the scenario is incomplete but no problem was reported",
                    ));
                }
                diags.extend(warnings);
                Err(ScenarioError { diagnostics: diags })
            }
        }
    }

    /// A table the scenario must have; reported missing when absent (a key that is not a table
    /// is reported by [`Builder::table`]).
    fn required_table<'t>(
        &mut self,
        root: &'t Table,
        key: &str,
        root_loc: &Location,
        missing: &str,
    ) -> Option<(&'t Table, Location)> {
        let t = self.table(root, key);
        if t.is_none() && root.get(key).is_none() {
            self.err(root_loc, Some(key), missing);
        }
        t
    }

    /// The top-level keys: name, description, start year, term and discount rate.
    fn header(&mut self, root: &Table, root_loc: &Location) -> Header {
        let name = match root.get("name") {
            Some(e) => self.string(&e.value, "name"),
            None => {
                self.err(
                    root_loc,
                    Some("name"),
                    "missing required key 'name' (the scenario's title)",
                );
                None
            }
        };
        let description = root
            .get("description")
            .and_then(|e| self.string(&e.value, "description"));
        let start_year = match root.get("start_year") {
            Some(e) => match self.integer(&e.value, "start_year") {
                Some(y) if (1900..=2500).contains(&y) => Some(y as i32),
                Some(y) => {
                    self.err(
                        &e.value.loc,
                        Some("start_year"),
                        format!("{y} is not a plausible calendar year (1900 to 2500)"),
                    );
                    None
                }
                None => None,
            },
            None => {
                self.err(
                    root_loc,
                    Some("start_year"),
                    "missing required key 'start_year'",
                );
                None
            }
        };
        let years = match root.get("years") {
            Some(e) => match self.integer(&e.value, "years") {
                Some(n) if (1..=200).contains(&n) => Some(n as u32),
                Some(n) => {
                    self.err(
                        &e.value.loc,
                        Some("years"),
                        format!("years = {n}: the term must be from 1 to 200 years"),
                    );
                    None
                }
                None => None,
            },
            None => {
                self.err(
                    root_loc,
                    Some("years"),
                    "missing required key 'years' (the term modelled)",
                );
                None
            }
        };
        let discount_rate = match root.get("discount_rate") {
            Some(e) => self.param(&e.value, "discount_rate", RATE),
            None => {
                self.attempted.insert("discount_rate".into());
                self.err(
                    root_loc,
                    Some("discount_rate"),
                    "missing required key 'discount_rate'",
                );
                None
            }
        };
        Header {
            name,
            description,
            start_year,
            years,
            discount_rate,
        }
    }

    /// `[facility]`; `None` when a value in it is wrong.
    fn facility(&mut self, t: &Table, loc: &Location) -> Option<Facility> {
        self.check_keys(t, &FACILITY_KEYS, "facility");
        let power_mw = self.opt_param(t, "power_mw", "facility", NONNEG);
        let pue = self.req_param(t, "pue", "facility", PUE, loc);
        let it_overhead = self.req_param(t, "it_overhead", "facility", NONNEG, loc);
        let load_factor = self.opt_param(t, "load_factor", "facility", SHARE);
        let price = self.opt_param(t, "power_price_usd_per_kwh", "facility", NONNEG);
        let capex = self.opt_param(t, "datacenter_capex_usd_per_mw", "facility", NONNEG);
        let life = self.opt_param(t, "datacenter_life_years", "facility", POSITIVE);
        let opt_ok = |k: &str, p: &Option<Param>| t.get(k).is_none() || p.is_some();
        let complete = opt_ok("power_mw", &power_mw)
            && opt_ok("load_factor", &load_factor)
            && opt_ok("power_price_usd_per_kwh", &price)
            && opt_ok("datacenter_capex_usd_per_mw", &capex)
            && opt_ok("datacenter_life_years", &life);
        Some(Facility {
            power_mw,
            pue: pue?,
            it_overhead: it_overhead?,
            load_factor,
            power_price_usd_per_kwh: price,
            datacenter_capex_usd_per_mw: capex,
            datacenter_life_years: life,
        })
        .filter(|_| complete)
    }

    /// Whether `[facility]` has what owned mode needs (reporting each missing key).
    fn owned_facility_complete(&mut self, mode: Option<Mode>, t: &Table, loc: &Location) -> bool {
        if mode != Some(Mode::Owned) {
            return true;
        }
        let mut ok = true;
        for key in [
            "load_factor",
            "power_price_usd_per_kwh",
            "datacenter_capex_usd_per_mw",
            "datacenter_life_years",
        ] {
            if t.get(key).is_none() {
                let path = format!("facility.{key}");
                self.attempted.insert(path.clone());
                self.err(
                    loc,
                    Some(&path),
                    format!("owned mode needs '{key}' in [facility]"),
                );
                ok = false;
            }
        }
        ok
    }

    /// `[[fleet]]`: the tranches (`None` when one is wrong) and the systems they use, each with
    /// where it is first named.
    fn fleet(
        &mut self,
        root: &Table,
        root_loc: &Location,
    ) -> (Option<Vec<Tranche>>, BTreeMap<String, Location>) {
        let fleet_items = self.array_of_tables(root, "fleet");
        if root.get("fleet").is_none()
            || (fleet_items.is_empty()
                && matches!(root.get("fleet").map(|e| &e.value.kind), Some(Kind::Array(a)) if a.is_empty()))
        {
            self.err(
                root_loc,
                Some("fleet"),
                "a scenario needs at least one [[fleet]] tranche",
            );
        }
        let mut fleet: Vec<Tranche> = Vec::new();
        let mut fleet_ok = true;
        let mut names: BTreeMap<String, Location> = BTreeMap::new();
        let mut used: BTreeMap<String, Location> = BTreeMap::new();
        for (i, (t, loc)) in fleet_items.iter().enumerate() {
            let explicit = match t.get("name") {
                Some(e) => self.string(&e.value, &format!("fleet[{}].name", i + 1)),
                None => None,
            };
            let system = match t.get("system") {
                Some(e) => {
                    let s = self.string(&e.value, &format!("fleet[{}].system", i + 1));
                    if let Some(s) = &s {
                        used.entry(s.clone()).or_insert_with(|| e.value.loc.clone());
                    }
                    s
                }
                None => None,
            };
            let label = match &explicit {
                Some(n) => format!("fleet.{n}"),
                None => format!("fleet[{}]", i + 1),
            };
            self.check_keys(t, &FLEET_KEYS, &label);
            let Some(system) = system else {
                if t.get("system").is_none() {
                    self.err(
                        loc,
                        Some(&label),
                        "missing required key 'system' (a key of the system catalog)",
                    );
                }
                fleet_ok = false;
                continue;
            };
            let name = explicit.clone().unwrap_or_else(|| system.clone());
            if !addressable(&name) {
                let what = if explicit.is_some() {
                    "the tranche's name"
                } else {
                    "the tranche's name (its system key; give it a 'name')"
                };
                let at = t
                    .get("name")
                    .or_else(|| t.get("system"))
                    .map(|e| &e.value.loc);
                self.err(
                    at.unwrap_or(loc),
                    Some(&label),
                    unaddressable(what, &name, "fleet"),
                );
                fleet_ok = false;
                continue;
            }
            if let Some(first) = names.get(&name) {
                let msg = format!(
                    "two tranches are named '{name}' (the first at line {}); give each a unique 'name'",
                    first.line
                );
                self.err(loc, Some(&label), msg);
                fleet_ok = false;
                continue;
            }
            names.insert(name.clone(), loc.clone());
            match self.tranche(t, loc, &label, name, system) {
                Some(tranche) => fleet.push(tranche),
                None => fleet_ok = false,
            }
        }
        (fleet_ok.then_some(fleet), used)
    }

    /// One `[[fleet]]` tranche, named `name`, of `system`.
    fn tranche(
        &mut self,
        t: &Table,
        loc: &Location,
        label: &str,
        name: String,
        system: String,
    ) -> Option<Tranche> {
        let prefix = format!("fleet.{name}");
        let sizes: Vec<&str> = SIZE_KEYS
            .iter()
            .copied()
            .filter(|k| t.get(k).is_some())
            .collect();
        let size = match sizes.as_slice() {
            ["size_from_commitment"] => {
                let e = t.get("size_from_commitment").expect("the key is present");
                let path = format!("{prefix}.size_from_commitment");
                match &e.value.kind {
                    Kind::Bool(true) => {
                        self.sized_by_commitment
                            .push((name.clone(), e.value.loc.clone()));
                        Some(Size::FromCommitment)
                    }
                    Kind::Bool(false) => {
                        self.err(
                            &e.value.loc,
                            Some(&path),
                            "size_from_commitment = false sizes nothing: give 'systems', 'gpus' or 'power_mw' instead",
                        );
                        None
                    }
                    k => {
                        self.err(
                            &e.value.loc,
                            Some(&path),
                            format!("must be true or false, not {}", k.type_name()),
                        );
                        None
                    }
                }
            }
            [k] => {
                let e = t.get(k);
                let p = e.and_then(|e| self.param(&e.value, &format!("{prefix}.{k}"), NONNEG));
                p.map(|p| match *k {
                    "systems" => Size::Systems(p),
                    "gpus" => Size::Gpus(p),
                    _ => Size::PowerMw(p),
                })
            }
            [] => {
                self.err(
                    loc,
                    Some(label),
                    "a tranche needs exactly one of 'systems', 'gpus', 'power_mw' or 'size_from_commitment'",
                );
                None
            }
            many => {
                self.err(
                    loc,
                    Some(label),
                    format!(
                        "a tranche takes exactly one of 'systems', 'gpus', 'power_mw' or 'size_from_commitment', found {}",
                        many.join(" and ")
                    ),
                );
                None
            }
        };
        let online = self.req_param(t, "online", &prefix, ANY, loc);
        let ramp_years = match t.get("ramp_years") {
            Some(e) => self.param(&e.value, &format!("{prefix}.ramp_years"), NONNEG),
            None => fixed_default(&format!("{prefix}.ramp_years"), 0.0),
        };
        if let Some(p) = &ramp_years
            && !self.discarding
        {
            self.registry.insert(p.path.clone(), p.is_uncertain());
        }
        let retire = self.opt_param(t, "retire", &prefix, ANY);
        let online_ok = online.as_ref().is_none_or(|p| self.plausible_years(p));
        let retire_ok = (t.get("retire").is_none() || retire.is_some())
            && retire.as_ref().is_none_or(|p| self.plausible_years(p));
        Some(Tranche {
            name,
            system,
            size: size?,
            online: online?,
            ramp_years: ramp_years?,
            retire,
        })
        .filter(|_| retire_ok && online_ok)
    }

    /// Whether a decimal year (a tranche's `online` or `retire`) lies within the calendar years
    /// a scenario may use, 1900 to 2500 (all but a millionth of it at each end); an error at the
    /// value otherwise.
    fn plausible_years(&mut self, p: &Param) -> bool {
        let (lo, hi) = (p.marginal.quantile(1e-6), p.marginal.quantile(1.0 - 1e-6));
        if (1900.0..=2500.0).contains(&lo) && (1900.0..=2500.0).contains(&hi) {
            return true;
        }
        let what = match p.fixed_value() {
            Some(x) => format!("{} is", num_text(x)),
            None => format!(
                "{} reaches {} to {}, which is",
                p.marginal,
                num_text(lo),
                num_text(hi)
            ),
        };
        let loc = p.origin.clone().unwrap_or_else(|| Location {
            file: "scenario".into(),
            line: 1,
            column: 1,
        });
        self.err(
            &loc,
            Some(&p.path),
            format!("{what} not a plausible calendar year (1900 to 2500)"),
        );
        false
    }

    /// Every system key the scenario may name: the catalog's and its own `[systems.KEY]`.
    fn known_system_keys(&self, root: &Table) -> Vec<String> {
        let mut known: Vec<String> = self.catalog.entries.iter().map(|e| e.key.clone()).collect();
        if let Some(e) = root.get("systems")
            && let Kind::Table(st) = &e.value.kind
        {
            for e in &st.entries {
                if !known.contains(&e.key) {
                    known.push(e.key.clone());
                }
            }
        }
        known
    }

    /// The systems the fleet uses: the catalog merged with the scenario's `[systems.KEY]`
    /// (`None` when one is wrong). The scenario's other `[systems.KEY]` tables are validated
    /// too, so that mistakes there are caught, but not kept.
    fn systems(
        &mut self,
        root: &Table,
        used: &BTreeMap<String, Location>,
        known_keys: &[String],
        roofline: bool,
    ) -> Option<BTreeMap<String, System>> {
        let scenario_systems: Option<(&Table, Location)> = self.table(root, "systems");
        let mut systems: BTreeMap<String, System> = BTreeMap::new();
        let mut systems_ok = true;
        let sc_sys_table = scenario_systems.as_ref().map(|(t, _)| *t);
        for (key, use_loc) in used {
            let cat = self.catalog.get(key);
            let over = sc_sys_table.and_then(|st| st.get(key));
            if cat.is_none() && over.is_none() {
                let hint = suggest::hint(key, known_keys.iter().map(String::as_str));
                self.err(
                    use_loc,
                    Some(&format!("systems.{key}")),
                    format!(
                        "unknown system '{key}'{hint} (define it under [systems.{key}] to add one)"
                    ),
                );
                systems_ok = false;
                continue;
            }
            match self.merged_system(key, cat.map(|e| &e.value), over.map(|e| &e.value), roofline) {
                Some(s) => {
                    systems.insert(key.clone(), s);
                }
                None => systems_ok = false,
            }
        }
        if let Some(st) = sc_sys_table {
            for e in &st.entries {
                if !addressable(&e.key) {
                    let msg = unaddressable("the system key", &e.key, "systems");
                    self.err(&e.key_loc, Some(&format!("systems.{}", e.key)), msg);
                    systems_ok = false;
                }
            }
            self.discarding = true;
            for e in &st.entries {
                if !used.contains_key(&e.key) {
                    let cat = self.catalog.get(&e.key);
                    self.merged_system(&e.key, cat.map(|c| &c.value), Some(&e.value), roofline);
                }
            }
            self.discarding = false;
        }
        systems_ok.then_some(systems)
    }

    /// A tranche sized by power needs systems that draw power: at an `it_kw` of 0 any number
    /// of them fits, and the fleet would be infinite.
    fn check_power_sizing(&mut self, fleet: &[Tranche], systems: &BTreeMap<String, System>) {
        for t in fleet {
            let (Size::PowerMw(_), Some(sys)) = (&t.size, systems.get(&t.system)) else {
                continue;
            };
            let (lo, _) = sys.it_kw.marginal.bounds();
            if lo.is_nan() || lo <= 0.0 {
                let loc = sys.it_kw.origin.clone();
                let path = sys.it_kw.path.clone();
                self.diags.push(Diagnostic::error(
                    loc,
                    Some(path),
                    format!(
                        "tranche '{}' is sized by power_mw, so its systems must draw power: \
                         it_kw must be greater than 0 (its lowest value is {}); size the tranche \
                         by 'systems' or 'gpus' instead",
                        t.name,
                        crate::dist::fmt_num(lo)
                    ),
                ));
            }
        }
    }

    /// A tranche sized by the commitment needs cloud mode and a commitment, and there may be
    /// only one.
    fn check_sized_by_commitment(&mut self, mode: Option<Mode>, procurement: Option<&Procurement>) {
        let sized = std::mem::take(&mut self.sized_by_commitment);
        for (i, (name, loc)) in sized.iter().enumerate() {
            let path = format!("fleet.{name}.size_from_commitment");
            if i > 0 {
                self.err(
                    loc,
                    Some(&path),
                    format!(
                        "only one tranche can be sized by the commitment ('{}' already is)",
                        sized[0].0
                    ),
                );
            }
            if mode == Some(Mode::Owned) {
                self.err(
                    loc,
                    Some(&path),
                    "a tranche sized by the commitment needs cloud mode (the commitment buys \
                     GPU-hours at the tranche's price)",
                );
            } else if procurement.is_some_and(|p| p.commitment_usd.is_none()) {
                self.err(
                    loc,
                    Some(&path),
                    "a tranche sized by the commitment needs 'commitment_usd' in [procurement]",
                );
            }
        }
    }

    /// `[[investment]]` (`None` when one is wrong): paid once in a year of the term, or per
    /// gigawatt of a tranche (one of `tranches`) as it installs.
    fn investments(
        &mut self,
        root: &Table,
        start_year: Option<i32>,
        years: Option<u32>,
        tranches: &[String],
    ) -> Option<Vec<Investment>> {
        let mut investments = Vec::new();
        let mut inv_ok = true;
        let mut inv_names: BTreeMap<String, Location> = BTreeMap::new();
        for (i, (t, loc)) in self
            .array_of_tables(root, "investment")
            .into_iter()
            .enumerate()
        {
            let name = t
                .get("name")
                .and_then(|e| self.string(&e.value, &format!("investment[{}].name", i + 1)));
            let label = match &name {
                Some(n) => format!("investment.{n}"),
                None => format!("investment[{}]", i + 1),
            };
            self.check_keys(t, &INVESTMENT_KEYS, &label);
            let Some(name) = name else {
                if t.get("name").is_none() {
                    self.err(
                        &loc,
                        Some(&label),
                        "missing required key 'name' (e.g. name = \"microsoft\")",
                    );
                }
                inv_ok = false;
                continue;
            };
            if !addressable(&name) {
                let at = t.get("name").map_or(&loc, |e| &e.value.loc);
                let msg = unaddressable("the investment's name", &name, "investment");
                self.err(at, Some(&label), msg);
                inv_ok = false;
                continue;
            }
            if let Some(first) = inv_names.get(&name) {
                let msg = format!(
                    "two investments are named '{name}' (the first at line {}); give each a unique 'name'",
                    first.line
                );
                self.err(&loc, Some(&label), msg);
                inv_ok = false;
                continue;
            }
            inv_names.insert(name.clone(), loc.clone());
            let kind = match t.get("kind") {
                None => Some(InvestmentKind::Cash),
                Some(e) => match self.string(&e.value, &format!("{label}.kind")).as_deref() {
                    Some("cash") => Some(InvestmentKind::Cash),
                    Some("equity") => Some(InvestmentKind::Equity),
                    Some("rebate") => Some(InvestmentKind::Rebate),
                    Some(other) => {
                        let hint = suggest::hint(other, ["cash", "equity", "rebate"]);
                        self.err(
                            &e.value.loc,
                            Some(&format!("{label}.kind")),
                            format!(
                                "kind must be \"cash\", \"equity\" or \"rebate\", not \"{other}\"{hint}"
                            ),
                        );
                        None
                    }
                    None => None,
                },
            };
            let payment = if t.get("tied_to").is_some() || t.get("per_gw_usd").is_some() {
                self.tied_payment(t, &loc, &label, tranches)
            } else {
                self.yearly_payment(t, &loc, &label, &name, start_year, years)
            };
            match (kind, payment) {
                (Some(kind), Some(payment)) => investments.push(Investment {
                    name,
                    kind,
                    payment,
                }),
                _ => inv_ok = false,
            }
        }
        inv_ok.then_some(investments)
    }

    /// An investment paid once: `amount_usd` in `year`, a year of the term.
    fn yearly_payment(
        &mut self,
        t: &Table,
        loc: &Location,
        label: &str,
        name: &str,
        start_year: Option<i32>,
        years: Option<u32>,
    ) -> Option<Payment> {
        let amount = self.req_param(t, "amount_usd", label, NONNEG, loc);
        let year_path = format!("{label}.year");
        let year = match t.get("year") {
            Some(e) => match self.integer(&e.value, &year_path) {
                Some(y) => match (start_year, years) {
                    (Some(s), Some(n))
                        if !(i64::from(s)..i64::from(s) + i64::from(n)).contains(&y) =>
                    {
                        self.err(
                            &e.value.loc,
                            Some(&year_path),
                            format!(
                                "year {y} is outside the term {s}–{}",
                                i64::from(s) + i64::from(n) - 1
                            ),
                        );
                        None
                    }
                    _ => i32::try_from(y).ok(),
                },
                None => None,
            },
            None => {
                self.err(
                    loc,
                    Some(&year_path),
                    format!("missing required key 'year' in [[investment]] '{name}'"),
                );
                None
            }
        };
        Some(Payment::Once {
            amount_usd: amount?,
            year: year?,
        })
    }

    /// An investment paid per gigawatt of a tranche as it installs: `per_gw_usd` and `tied_to`.
    fn tied_payment(
        &mut self,
        t: &Table,
        loc: &Location,
        label: &str,
        tranches: &[String],
    ) -> Option<Payment> {
        let mut ok = true;
        for key in ["year", "amount_usd"] {
            if let Some(e) = t.get(key) {
                self.err(
                    &e.key_loc,
                    Some(&format!("{label}.{key}")),
                    format!(
                        "an investment tied to a tranche is paid as the tranche installs: \
                         '{key}' is not allowed with 'tied_to' and 'per_gw_usd'"
                    ),
                );
                ok = false;
            }
        }
        let per_gw = self.req_param(t, "per_gw_usd", label, NONNEG, loc);
        let tied_path = format!("{label}.tied_to");
        let tied_to = match t.get("tied_to") {
            Some(e) => match self.string(&e.value, &tied_path) {
                Some(n) if tranches.contains(&n) => Some(n),
                Some(n) => {
                    if !tranches.is_empty() {
                        let hint = suggest::hint(&n, tranches.iter().map(String::as_str));
                        self.err(
                            &e.value.loc,
                            Some(&tied_path),
                            format!("no [[fleet]] tranche is named '{n}'{hint}"),
                        );
                    }
                    None
                }
                None => None,
            },
            None => {
                self.err(
                    loc,
                    Some(&tied_path),
                    format!(
                        "'per_gw_usd' is paid as a tranche installs: name it with 'tied_to' in \
                         [[investment]] '{}'",
                        label.trim_start_matches("investment.")
                    ),
                );
                None
            }
        };
        if !ok {
            return None;
        }
        Some(Payment::PerGw {
            per_gw_usd: per_gw?,
            tied_to: tied_to?,
        })
    }

    /// `[workload]`, with its served model and split prices; `None` when a value in it is
    /// wrong.
    fn workload(&mut self, t: &Table, loc: &Location, start_year: Option<i32>) -> Option<Workload> {
        self.check_keys(t, &WORKLOAD_KEYS, "workload");
        let mut ok = true;
        let inference_share = self.req_param(t, "inference_share", "workload", SHARE, loc);
        let utilization = self.req_param(t, "utilization", "workload", SHARE, loc);
        let mfu = self.req_param(t, "mfu", "workload", SHARE, loc);
        let mut opt = |b: &mut Self, key: &str, dom: Domain| -> Option<Param> {
            let p = b.opt_param(t, key, "workload", dom);
            ok &= t.get(key).is_none() || p.is_some();
            p
        };
        let price = opt(self, "price_usd_per_mtok", NONNEG);
        let input_tokens = opt(self, "input_tokens", POSITIVE);
        let output_tokens = opt(self, "output_tokens", POSITIVE);
        let cached_input_share = opt(self, "cached_input_share", SHARE);
        let interactivity = opt(self, "interactivity_tok_s", POSITIVE);
        let efficiency = opt(self, "serving_efficiency", SHARE);
        let growth = opt(self, "throughput_growth_per_year", RATE);
        let price_in = opt(self, "price_usd_per_mtok_input", NONNEG);
        let price_cached = opt(self, "price_usd_per_mtok_cached_input", NONNEG);
        let price_out = opt(self, "price_usd_per_mtok_output", NONNEG);
        let price_change = opt(self, "price_change_per_year", RATE);
        let max_revenue = opt(self, "max_revenue_usd_per_year", NONNEG);
        let max_revenue_growth = opt(self, "max_revenue_growth_per_year", RATE);
        let base_year = match t.get("base_year") {
            Some(e) => match self.integer(&e.value, "workload.base_year") {
                Some(y) if (1900..=2500).contains(&y) => Some(y as i32),
                Some(y) => {
                    self.err(
                        &e.value.loc,
                        Some("workload.base_year"),
                        format!("{y} is not a plausible calendar year (1900 to 2500)"),
                    );
                    None
                }
                None => None,
            },
            None => start_year,
        };
        ok &= base_year.is_some() || start_year.is_none();
        let model = match self.table(t, "model") {
            Some((mt, mloc)) => {
                let m = self.served_model(mt, &mloc);
                ok &= m.is_some();
                m
            }
            None => {
                ok &= t.get("model").is_none();
                None
            }
        };
        let where_of = |key: &str| t.get(key).map(|e| e.key_loc.clone());

        // The blended price and the split prices are two forms of one thing.
        let split: Vec<&str> = SPLIT_PRICE_KEYS
            .iter()
            .copied()
            .filter(|k| t.get(k).is_some())
            .collect();
        if let (Some(_), Some(first)) = (t.get("price_usd_per_mtok"), split.first()) {
            self.err(
                &where_of(first).unwrap_or_else(|| loc.clone()),
                Some(&format!("workload.{first}")),
                "give either price_usd_per_mtok (blended, per output token) or the split prices \
                 per input, cached input and output token, not both",
            );
            ok = false;
        }
        if !split.is_empty() {
            for key in ["price_usd_per_mtok_input", "price_usd_per_mtok_output"] {
                if t.get(key).is_none() {
                    self.err(
                        loc,
                        Some(&format!("workload.{key}")),
                        format!("split prices need '{key}' (the cached input price defaults to the input price)"),
                    );
                    ok = false;
                }
            }
            for key in ["input_tokens", "output_tokens"] {
                if t.get(key).is_none() {
                    self.err(
                        loc,
                        Some(&format!("workload.{key}")),
                        format!(
                            "split prices weigh input against output tokens: they need '{key}' \
                             in [workload]"
                        ),
                    );
                    ok = false;
                }
            }
        }
        match &model {
            Some(_) => {
                for key in ["input_tokens", "output_tokens", "interactivity_tok_s"] {
                    if t.get(key).is_none() {
                        self.err(
                            loc,
                            Some(&format!("workload.{key}")),
                            format!("the roofline of [workload.model] needs '{key}' in [workload]"),
                        );
                        ok = false;
                    }
                }
            }
            None => {
                for key in ["interactivity_tok_s", "serving_efficiency"] {
                    if let Some(at) = where_of(key) {
                        self.err(
                            &at,
                            Some(&format!("workload.{key}")),
                            format!(
                                "'{key}' applies to the roofline, which needs a [workload.model] \
                                 (the served model)"
                            ),
                        );
                        ok = false;
                    }
                }
            }
        }
        // Without a model or split prices (which report a missing length above), one length
        // alone would be silently unused.
        if model.is_none() && split.is_empty() {
            for (given, other) in [
                ("input_tokens", "output_tokens"),
                ("output_tokens", "input_tokens"),
            ] {
                if let (Some(at), None) = (where_of(given), t.get(other)) {
                    self.err(
                        &at,
                        Some(&format!("workload.{given}")),
                        format!(
                            "'{given}' needs '{other}' too: the two lengths of a request are used \
                             together (input tokens, cost per total token, split prices)"
                        ),
                    );
                    ok = false;
                }
            }
        }
        // The revenue ceiling caps revenue, so it needs a price; its growth needs the ceiling.
        if let Some(at) = where_of("max_revenue_usd_per_year")
            && t.get("price_usd_per_mtok").is_none()
            && split.is_empty()
        {
            self.err(
                &at,
                Some("workload.max_revenue_usd_per_year"),
                "a ceiling on revenue needs a token price (price_usd_per_mtok, or the split prices): \
                 without one there is no revenue",
            );
            ok = false;
        }
        if let (Some(at), None) = (
            where_of("max_revenue_growth_per_year"),
            t.get("max_revenue_usd_per_year"),
        ) {
            self.err(
                &at,
                Some("workload.max_revenue_growth_per_year"),
                "'max_revenue_growth_per_year' grows a ceiling: give 'max_revenue_usd_per_year' too",
            );
            ok = false;
        }
        let efficiency = match (&model, efficiency) {
            (Some(_), None) => {
                let p = default_serving_efficiency();
                self.registry.insert(p.path.clone(), p.is_uncertain());
                Some(p)
            }
            (_, e) => e,
        };
        let prices = match (price_in, price_out) {
            (Some(input), Some(output)) => Some(SplitPrices {
                input,
                cached_input: price_cached,
                output,
            }),
            _ => None,
        };
        if !ok {
            return None;
        }
        Some(Workload {
            inference_share: inference_share?,
            utilization: utilization?,
            mfu: mfu?,
            price_usd_per_mtok: price,
            input_tokens,
            output_tokens,
            cached_input_share,
            interactivity_tok_s: interactivity,
            serving_efficiency: efficiency,
            throughput_growth_per_year: growth,
            prices,
            price_change_per_year: price_change,
            base_year: base_year?,
            model,
            max_revenue_usd_per_year: max_revenue,
            max_revenue_growth_per_year: max_revenue_growth,
        })
    }

    /// `[workload.model]`: the served model.
    fn served_model(&mut self, t: &Table, loc: &Location) -> Option<ServedModel> {
        const PREFIX: &str = "workload.model";
        self.check_keys(t, &MODEL_KEYS, PREFIX);
        let total = self.req_param(t, "total_params_b", PREFIX, POSITIVE, loc);
        let active = self.req_param(t, "active_params_b", PREFIX, POSITIVE, loc);
        let bytes = self.req_param(t, "bytes_per_param", PREFIX, POSITIVE, loc);
        let kv = self.req_param(t, "kv_bytes_per_token", PREFIX, POSITIVE, loc);
        if let (Some(total), Some(active)) = (&total, &active) {
            // Checked on the distributions' bulk: the active parameters' p99 may not exceed the
            // total's p1 (for fixed values: active ≤ total).
            let (a, b) = (
                active.marginal.quantile(0.99),
                total.marginal.quantile(0.01),
            );
            if a > b {
                let at = t
                    .get("active_params_b")
                    .map_or_else(|| loc.clone(), |e| e.value.loc.clone());
                self.err(
                    &at,
                    Some("workload.model.active_params_b"),
                    format!(
                        "the active parameters ({}B at p99) cannot exceed the total parameters \
                         ({}B at p1)",
                        num_text(a),
                        num_text(b)
                    ),
                );
                return None;
            }
        }
        Some(ServedModel {
            total_params_b: total?,
            active_params_b: active?,
            bytes_per_param: bytes?,
            kv_bytes_per_token: kv?,
        })
    }

    fn merged_system(
        &mut self,
        key: &str,
        cat: Option<&Node>,
        over: Option<&Node>,
        roofline: bool,
    ) -> Option<System> {
        // Throughput written in the scenario (its extends chain, or --set) is used as drawn;
        // else the roofline when the scenario serves a model; else the catalog's figure.
        let given = over.is_some_and(
            |o| matches!(&o.kind, Kind::Table(t) if t.get("tokens_per_gpu_s").is_some()),
        );
        let rule = if given {
            ThroughputRule::Given
        } else if roofline {
            ThroughputRule::Roofline
        } else {
            ThroughputRule::Catalog
        };
        let as_table = |b: &mut Self, n: &Node| -> Option<Table> {
            match &n.kind {
                Kind::Table(t) => Some(t.clone()),
                k => {
                    b.err(
                        &n.loc,
                        Some(&format!("systems.{key}")),
                        format!("[systems.{key}] must be a table, not {}", k.type_name()),
                    );
                    None
                }
            }
        };
        let (mut merged, loc) = match cat {
            Some(c) => (as_table(self, c)?, c.loc.clone()),
            None => (Table::default(), over.map(|o| o.loc.clone())?),
        };
        let loc = match over {
            Some(o) => {
                let ot = as_table(self, o)?;
                tree::merge(
                    &mut merged,
                    ot,
                    &mut vec!["systems".to_string(), key.to_string()],
                );
                o.loc.clone()
            }
            None => loc,
        };
        self.system(key, &merged, &loc, cat.is_some(), rule)
    }

    fn procurement(
        &mut self,
        t: &Table,
        loc: &Location,
        used: &BTreeMap<String, Location>,
        known: &[String],
    ) -> (Option<Mode>, Option<Procurement>) {
        self.check_keys(t, &PROCUREMENT_KEYS, "procurement");
        let mode = match t.get("mode") {
            Some(e) => match self.string(&e.value, "procurement.mode").as_deref() {
                Some("cloud") => Some(Mode::Cloud),
                Some("owned") => Some(Mode::Owned),
                Some(other) => {
                    let hint = suggest::hint(other, ["cloud", "owned"]);
                    self.err(
                        &e.value.loc,
                        Some("procurement.mode"),
                        format!("mode must be \"cloud\" or \"owned\", not \"{other}\"{hint}"),
                    );
                    None
                }
                None => None,
            },
            None => {
                self.err(
                    loc,
                    Some("procurement.mode"),
                    "missing required key 'mode' (\"cloud\" or \"owned\")",
                );
                None
            }
        };
        let commitment = self.opt_param(t, "commitment_usd", "procurement", NONNEG);
        let mut ok = t.get("commitment_usd").is_none() || commitment.is_some();
        let take_or_pay = match t.get("take_or_pay") {
            None => false,
            Some(e) => match &e.value.kind {
                Kind::Bool(b) => {
                    if *b && t.get("commitment_usd").is_none() {
                        self.err(
                            &e.value.loc,
                            Some("procurement.take_or_pay"),
                            "take-or-pay makes commitment_usd a minimum spend: it needs \
                             'commitment_usd' in [procurement]",
                        );
                        ok = false;
                    }
                    *b
                }
                k => {
                    self.err(
                        &e.value.loc,
                        Some("procurement.take_or_pay"),
                        format!("must be true or false, not {}", k.type_name()),
                    );
                    ok = false;
                    false
                }
            },
        };
        const PRICE: &str = "procurement.price_usd_per_gpu_hour";
        let price = match t.get("price_usd_per_gpu_hour") {
            Some(e) => match &e.value.kind {
                Kind::Table(m) if !tree::is_value_table(m) => {
                    let mut out = BTreeMap::new();
                    for pe in &m.entries {
                        let path = format!("{PRICE}.{}", pe.key);
                        if !known.contains(&pe.key) {
                            let hint = suggest::hint(&pe.key, known.iter().map(String::as_str));
                            self.err(
                                &pe.key_loc,
                                Some(&path),
                                format!("unknown system '{}'{hint}", pe.key),
                            );
                            ok = false;
                            continue;
                        }
                        let was = self.discarding;
                        self.discarding = !used.contains_key(&pe.key);
                        let p = self.param(&pe.value, &path, NONNEG);
                        self.discarding = was;
                        match p {
                            Some(p) if used.contains_key(&pe.key) => {
                                out.insert(pe.key.clone(), p);
                            }
                            Some(_) => {
                                self.unused.insert(path);
                            }
                            None => ok = false,
                        }
                    }
                    Some((GpuHourPrice::BySystem(out), e.value.loc.clone()))
                }
                _ => match self.param(&e.value, PRICE, NONNEG) {
                    Some(p) => Some((GpuHourPrice::All(p), e.value.loc.clone())),
                    None => {
                        ok = false;
                        None
                    }
                },
            },
            None => None,
        };
        let hw_life = self.opt_param(t, "hardware_life_years", "procurement", POSITIVE);
        ok &= t.get("hardware_life_years").is_none() || hw_life.is_some();
        let maint = self.opt_param(t, "maintenance_pct_of_capex", "procurement", SHARE);
        ok &= t.get("maintenance_pct_of_capex").is_none() || maint.is_some();
        let Some(mode) = mode else {
            return (None, None);
        };
        match mode {
            Mode::Cloud => match &price {
                None if ok && t.get("price_usd_per_gpu_hour").is_none() => {
                    self.err(loc, Some(PRICE), "cloud mode needs 'price_usd_per_gpu_hour' in [procurement] (one value, or one per system)");
                    ok = false;
                }
                Some((GpuHourPrice::BySystem(m), ploc)) => {
                    for key in used.keys() {
                        let path = format!("{PRICE}.{key}");
                        if !m.contains_key(key) && !self.attempted.contains(&path) {
                            self.err(ploc, Some(&path), format!("cloud mode needs a price per GPU-hour for '{key}', which the fleet uses"));
                            ok = false;
                        }
                    }
                }
                _ => {}
            },
            Mode::Owned => {
                if t.get("hardware_life_years").is_none() {
                    self.attempted
                        .insert("procurement.hardware_life_years".into());
                    self.err(
                        loc,
                        Some("procurement.hardware_life_years"),
                        "owned mode needs 'hardware_life_years' in [procurement]",
                    );
                    ok = false;
                }
            }
        }
        let maint = match (mode, maint) {
            (Mode::Owned, None) if t.get("maintenance_pct_of_capex").is_none() => {
                let p = fixed_default("procurement.maintenance_pct_of_capex", 0.0);
                if let Some(p) = &p {
                    self.registry.insert(p.path.clone(), false);
                }
                p
            }
            (_, m) => m,
        };
        let p = ok.then_some(Procurement {
            mode,
            commitment_usd: commitment,
            take_or_pay,
            price_usd_per_gpu_hour: price.map(|(p, _)| p),
            hardware_life_years: hw_life,
            maintenance_pct_of_capex: maint,
        });
        (Some(mode), p)
    }

    pub(crate) fn simulation(&mut self, t: &Table) -> Option<Simulation> {
        self.check_keys(t, &SIMULATION_KEYS, "simulation");
        let mut ok = true;
        let samples = match t.get("samples") {
            Some(e) => match self.integer(&e.value, "simulation.samples") {
                Some(n) if (1..=MAX_SAMPLES).contains(&n) => n as u64,
                Some(n) => {
                    let msg = if n > MAX_SAMPLES {
                        format!(
                            "samples = {n} is more than the maximum of 1e9 (1,000,000,000); use fewer samples, or --precision to stop when the estimate is precise enough"
                        )
                    } else {
                        format!("samples = {n}: at least 1 sample is needed")
                    };
                    self.err(&e.value.loc, Some("simulation.samples"), msg);
                    ok = false;
                    0
                }
                None => {
                    ok = false;
                    0
                }
            },
            None => DEFAULT_SAMPLES,
        };
        let seed = match t.get("seed") {
            Some(e) => match self.integer(&e.value, "simulation.seed") {
                Some(n) if n >= 0 => n as u64,
                Some(n) => {
                    self.err(
                        &e.value.loc,
                        Some("simulation.seed"),
                        format!("seed = {n}: must be a whole number ≥ 0"),
                    );
                    ok = false;
                    0
                }
                None => {
                    ok = false;
                    0
                }
            },
            None => DEFAULT_SEED,
        };
        let sampler = match t.get("sampler") {
            Some(e) => {
                match self.string(&e.value, "simulation.sampler").as_deref() {
                    Some("mc") => SamplerKind::Mc,
                    Some("lhs") => SamplerKind::Lhs,
                    Some("sobol") => SamplerKind::Sobol,
                    Some(other) => {
                        let hint = suggest::hint(other, ["mc", "lhs", "sobol"]);
                        self.err(&e.value.loc, Some("simulation.sampler"), format!("sampler must be \"mc\", \"lhs\" or \"sobol\", not \"{other}\"{hint}"));
                        ok = false;
                        SamplerKind::Lhs
                    }
                    None => {
                        ok = false;
                        SamplerKind::Lhs
                    }
                }
            }
            None => SamplerKind::Lhs,
        };
        ok.then_some(Simulation {
            samples,
            seed,
            sampler,
        })
    }

    /// `[[variant]]`: a name (addressable, unique), an optional description, and `set`, a
    /// non-empty array of overrides in `--set` syntax. The overrides are applied, and checked,
    /// when `gwsim compare` loads the variant.
    fn variants(&mut self, root: &Table) -> Vec<Variant> {
        let mut out: Vec<Variant> = Vec::new();
        for (i, (t, loc)) in self
            .array_of_tables(root, "variant")
            .into_iter()
            .enumerate()
        {
            let label = format!("variant[{}]", i + 1);
            self.check_keys(t, &VARIANT_KEYS, &label);
            let name = match t.get("name") {
                Some(e) => self.string(&e.value, &format!("{label}.name")),
                None => {
                    self.err(&loc, Some(&label), "a variant needs a name");
                    None
                }
            };
            let description = t
                .get("description")
                .and_then(|e| self.string(&e.value, &format!("{label}.description")));
            let mut sets: Vec<(String, Location)> = Vec::new();
            match t.get("set") {
                Some(e) => match &e.value.kind {
                    Kind::Array(items) if !items.is_empty() => {
                        for (k, it) in items.iter().enumerate() {
                            let path = format!("{label}.set[{}]", k + 1);
                            if let Some(text) = self.string(it, &path) {
                                if text.contains('=') {
                                    sets.push((text, it.loc.clone()));
                                } else {
                                    self.err(
                                        &it.loc,
                                        Some(&path),
                                        format!("'{text}' is not an override: write \"PATH=VALUE\""),
                                    );
                                }
                            }
                        }
                    }
                    Kind::Invalid => {}
                    _ => self.err(
                        &e.value.loc,
                        Some(&format!("{label}.set")),
                        "'set' must be a non-empty array of overrides, e.g. [\"fleet.rubin.online=2028\"]",
                    ),
                },
                None => self.err(
                    &loc,
                    Some(&label),
                    "a variant needs 'set', its overrides, e.g. set = [\"fleet.rubin.online=2028\"]",
                ),
            }
            let Some(name) = name else { continue };
            if let Some(problem) = variant_name_problem(&name) {
                self.err(&loc, Some(&label), problem);
                continue;
            }
            if out.iter().any(|v| v.name == name) {
                self.err(
                    &loc,
                    Some(&label),
                    format!(
                        "two variants are named '{name}'; a name says which one a comparison shows"
                    ),
                );
                continue;
            }
            out.push(Variant {
                name,
                description,
                sets,
            });
        }
        out
    }

    fn correlations(&mut self, root: &Table) -> Vec<Correlation> {
        let mut out: Vec<Correlation> = Vec::new();
        let items = self.array_of_tables(root, "correlation");
        let mut pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (i, (t, loc)) in items.into_iter().enumerate() {
            let label = format!("correlation[{}]", i + 1);
            self.check_keys(t, &CORRELATION_KEYS, &label);
            for k in ["source", "note"] {
                if let Some(e) = t.get(k) {
                    self.string(&e.value, &format!("{label}.{k}"));
                }
            }
            let between: Option<Vec<(String, Location)>> = match t.get("between") {
                Some(e) => match &e.value.kind {
                    Kind::Array(items) if items.len() == 2 => {
                        let v: Vec<(String, Location)> = items
                            .iter()
                            .filter_map(|n| {
                                self.string(n, &format!("{label}.between"))
                                    .map(|s| (s, n.loc.clone()))
                            })
                            .collect();
                        (v.len() == 2).then_some(v)
                    }
                    _ => {
                        self.err(&e.value.loc, Some(&label), "'between' must be an array of two value paths, e.g. [\"facility.pue\", \"workload.mfu\"]");
                        None
                    }
                },
                None => {
                    self.err(
                        &loc,
                        Some(&label),
                        "missing required key 'between' (two value paths)",
                    );
                    None
                }
            };
            let rank = match t.get("rank") {
                Some(e) => match value::number(&e.value, &label, "rank", &mut self.sink()) {
                    Some(r) if (-1.0..=1.0).contains(&r) => Some(r),
                    Some(r) => {
                        self.err(
                            &e.value.loc,
                            Some(&label),
                            format!("rank = {r} must be within [-1, 1]"),
                        );
                        None
                    }
                    None => None,
                },
                None => {
                    self.err(
                        &loc,
                        Some(&label),
                        "missing required key 'rank' (a Spearman rank correlation in [-1, 1])",
                    );
                    None
                }
            };
            let Some(between) = between else { continue };
            let mut ok = true;
            for (p, ploc) in &between {
                match self.registry.get(p) {
                    Some(true) => {}
                    Some(false) if self.pinned.contains(p) => {
                        self.warnings.push(Diagnostic::warning(
                            Some(loc.clone()),
                            Some(label.clone()),
                            format!(
                                "'{p}' is fixed on the command line (--set, or a sweep's --set-range), so this correlation is left out of the run"
                            ),
                        ));
                        ok = false;
                    }
                    Some(false) => {
                        self.err(
                            ploc,
                            Some(p),
                            format!(
                                "'{p}' is a fixed value; only uncertain values can be correlated"
                            ),
                        );
                        ok = false;
                    }
                    None if self.unused_by_rule.contains(p) => {
                        self.err(
                            ploc,
                            Some(p),
                            format!(
                                "'{p}' is not used by its system's throughput rule (the roofline \
                                 replaces tokens_per_gpu_s; hbm_tb_s serves only the roofline), so it is not sampled"
                            ),
                        );
                        ok = false;
                    }
                    None if self.attempted.contains(p) && !self.unused.contains(p) => ok = false,
                    None if self.unused.contains(p) => {
                        self.err(ploc, Some(p), format!("'{p}' belongs to a system the fleet does not use, so it is not sampled"));
                        ok = false;
                    }
                    None => {
                        let hint = suggest::hint(p, self.registry.keys().map(String::as_str));
                        self.err(
                            ploc,
                            Some(p),
                            format!("unknown value path '{p}' in [[correlation]]{hint}"),
                        );
                        ok = false;
                    }
                }
            }
            if ok && between[0].0 == between[1].0 {
                self.err(
                    &between[1].1,
                    Some(&label),
                    "a value cannot be correlated with itself",
                );
                ok = false;
            }
            let key = if between[0].0 <= between[1].0 {
                (between[0].0.clone(), between[1].0.clone())
            } else {
                (between[1].0.clone(), between[0].0.clone())
            };
            if ok && let Some(first) = pairs.get(&key) {
                self.err(
                    &loc,
                    Some(&label),
                    format!(
                        "'{}' and '{}' are already correlated by correlation[{first}]",
                        key.0, key.1
                    ),
                );
                ok = false;
            }
            pairs.entry(key).or_insert(i + 1);
            if let (true, Some(rank)) = (ok, rank) {
                out.push(Correlation {
                    between: [between[0].0.clone(), between[1].0.clone()],
                    rank,
                    origin: Some(loc),
                });
            }
        }
        self.check_positive_definite(&out);
        out
    }

    /// The normal-copula matrix (2 sin(πρ/6), 1 on the diagonal) of each group of correlated
    /// values must be positive definite (MODEL.md, Sampling).
    fn check_positive_definite(&mut self, cs: &[Correlation]) {
        let mut paths: Vec<&str> = Vec::new();
        for c in cs {
            for p in &c.between {
                if !paths.contains(&p.as_str()) {
                    paths.push(p);
                }
            }
        }
        let idx = |p: &str, paths: &[&str]| paths.iter().position(|q| *q == p).unwrap_or(0);
        let pairs: Vec<(usize, usize, f64)> = cs
            .iter()
            .map(|c| {
                (
                    idx(&c.between[0], &paths),
                    idx(&c.between[1], &paths),
                    c.rank,
                )
            })
            .collect();
        for (members, l) in crate::correlation::factor_groups(paths.len(), &pairs) {
            let mut first_loc = None;
            let mut has_one = false;
            for (c, &(a, b, _)) in cs.iter().zip(&pairs) {
                if members.contains(&a) && members.contains(&b) {
                    has_one |= c.rank.abs() >= 1.0;
                    if first_loc.is_none() {
                        first_loc = c.origin.clone();
                    }
                }
            }
            let pd = l.is_some();
            if !pd {
                let names: Vec<String> =
                    members.iter().map(|i| format!("'{}'", paths[*i])).collect();
                let extra = if has_one {
                    "; a rank of ±1 makes it singular, use ±0.99"
                } else {
                    ""
                };
                self.diags.push(Diagnostic::error(
                    first_loc,
                    Some("correlation".to_string()),
                    format!(
                        "the correlations between {} are inconsistent: their matrix is not positive definite{extra}",
                        names.join(", ")
                    ),
                ));
            }
        }
    }
}

/// The serving efficiency of a scenario that serves a model and gives none: the range that the
/// published throughput points support (docs/calibration.md), as a 90% interval.
pub const DEFAULT_SERVING_EFFICIENCY: (f64, f64) = (0.07, 0.42);

fn default_serving_efficiency() -> Param {
    let (p5, p95) = DEFAULT_SERVING_EFFICIENCY;
    let marginal = Dist::lognormal_p5_p95(p5, p95)
        .and_then(|d| Marginal::new(d, Some(0.0), Some(1.0)))
        .expect("a valid default");
    Param {
        path: "workload.serving_efficiency".to_string(),
        marginal,
        source: Some(
            "gwsim calibration against published throughput (InferenceX, MLPerf): docs/calibration.md"
                .to_string(),
        ),
        note: Some("default".to_string()),
        origin: None,
    }
}

fn fixed_default(path: &str, x: f64) -> Option<Param> {
    let marginal = Dist::fixed(x)
        .and_then(|d| Marginal::new(d, None, None))
        .ok()?;
    Some(Param {
        path: path.to_string(),
        marginal,
        source: None,
        note: Some("default".to_string()),
        origin: None,
    })
}

/// Order diagnostics by file (in order of first appearance), line and column.
pub(crate) fn sort_by_location(diags: &mut [Diagnostic]) {
    let mut files: Vec<String> = Vec::new();
    for d in diags.iter() {
        if let Some(l) = &d.location
            && !files.iter().any(|f| **f == *l.file)
        {
            files.push(l.file.to_string());
        }
    }
    diags.sort_by_key(|d| match &d.location {
        Some(l) => (
            files
                .iter()
                .position(|f| **f == *l.file)
                .unwrap_or(usize::MAX),
            l.line,
            l.column,
        ),
        None => (usize::MAX, 0, 0),
    });
}

/// Whether a name can stand in a value path (`fleet.NAME.online`): letters, digits, `-` and `_`
/// only, so that `--set`, `--set-range` and `[[correlation]]` can reach its values.
pub(crate) fn addressable(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// Why `name` (`what`, in `kind.NAME.…` paths) is refused, with a name that would do.
/// What is wrong with a variant's name (in a file or a `--variant`), if anything: it names the
/// variant in tables and in the output folder's name, so letters, digits, '-' and '_' only.
pub fn variant_name_problem(name: &str) -> Option<String> {
    (!addressable(name)).then(|| {
        format!(
            "the variant's name '{name}' must be letters, digits, '-' and '_' (it names the \
             variant in tables and in the output folder's name)"
        )
    })
}

pub(crate) fn unaddressable(what: &str, name: &str, kind: &str) -> String {
    let mut fixed = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            fixed.push(c);
        } else if !fixed.ends_with('-') {
            fixed.push('-');
        }
    }
    let fixed = fixed.trim_matches('-');
    let hint = if fixed.is_empty() {
        String::new()
    } else {
        format!(", e.g. '{fixed}'")
    };
    format!(
        "{what} '{name}' cannot be used in a value path ({kind}.NAME.…, for --set, --set-range \
         and [[correlation]]): use letters, digits, '-' and '_' only{hint}"
    )
}
