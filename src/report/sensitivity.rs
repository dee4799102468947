//! The report of `gwsim sensitivity FILE --metric M`: its JSON schema (MODEL.md "Other commands'
//! JSON"), the terminal table, Markdown, CSV and the tornado chart.
//!
//! Each list is in its own order: `spearman` by |rho|, `tornado` by swing, `sobol` by total
//! index, all descending, undefined values (JSON `null`) last. The table and Markdown show one
//! row per input, ordered by total Sobol' index.

use std::fmt::Write as _;

use serde::Serialize;

use super::chart::{Chart, Tornado, TornadoBar, chart_title, labels};
use super::csv::{self, CsvText, safe_cell};
use super::{VERSION, format, md_escape, text_table};
use crate::engine::Simulation;
use crate::engine::sensitivity::{SensitivityResult, TORNADO_HIGH, TORNADO_LOW};
use crate::scenario::{SamplerKind, Scenario};
use crate::stats::sensitivity::{order_by_abs_desc, swing};

/// Most bars drawn in the tornado chart (the widest swings; the JSON and tables list every input).
pub const TORNADO_BARS: usize = 15;

#[derive(Debug, Clone, Serialize)]
pub struct SpearmanRow {
    pub path: String,
    pub rho: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TornadoRow {
    pub path: String,
    /// The metric with this input at its p10, every other input at its median.
    pub low: f64,
    /// The metric with this input at its p90.
    pub high: f64,
    pub swing: f64,
    /// The input's p10 and p90.
    pub input_low: f64,
    pub input_high: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SobolRow {
    pub path: String,
    pub first: f64,
    pub first_ci: [f64; 2],
    pub total: f64,
    pub total_ci: [f64; 2],
}

/// `gwsim sensitivity --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct SensitivityReport {
    pub metric: &'static str,
    /// Samples of the rank-correlation run.
    pub samples: u64,
    pub seed: u64,
    pub spearman: Vec<SpearmanRow>,
    pub tornado: Vec<TornadoRow>,
    pub sobol: Vec<SobolRow>,
    pub warnings: Vec<String>,
    pub unit: &'static str,
    pub scenario: String,
    pub file: String,
    pub scenario_sha256: String,
    pub version: &'static str,
    /// The sampler of the rank-correlation run.
    pub sampler: &'static str,
    /// The metric with every input at its median (the tornado's base).
    pub base: f64,
    /// Saltelli base rows `n`, evaluations `n (k + 2)`, how A and B were drawn, rows left out.
    pub sobol_samples: usize,
    pub sobol_evaluations: u64,
    pub sobol_design: &'static str,
    pub sobol_dropped: usize,
    pub bootstrap_resamples: usize,
    /// Samples of the rank-correlation run where the metric was undefined.
    pub spearman_dropped: usize,
}

impl SensitivityReport {
    /// `sampler`: the sampler of the rank-correlation run.
    pub fn new(
        s: &Scenario,
        sim: &Simulation,
        r: &SensitivityResult,
        sampler: SamplerKind,
    ) -> SensitivityReport {
        let path = |p: usize| sim.inputs[p].path.clone();
        let spearman = order_by_abs_desc(&r.spearman)
            .into_iter()
            .map(|p| SpearmanRow {
                path: path(p),
                rho: r.spearman[p],
            })
            .collect();
        let swings: Vec<f64> = r.tornado.iter().map(|t| swing(t.low, t.high)).collect();
        let tornado = order_by_abs_desc(&swings)
            .into_iter()
            .map(|p| {
                let t = &r.tornado[p];
                TornadoRow {
                    path: path(p),
                    low: t.low,
                    high: t.high,
                    swing: swings[p],
                    input_low: t.input_low,
                    input_high: t.input_high,
                }
            })
            .collect();
        let totals: Vec<f64> = r.sobol.indices.iter().map(|x| x.total).collect();
        let sobol = order_by_abs_desc(&totals)
            .into_iter()
            .map(|p| {
                let x = &r.sobol.indices[p];
                SobolRow {
                    path: path(p),
                    first: x.first,
                    first_ci: x.first_ci,
                    total: x.total,
                    total_ci: x.total_ci,
                }
            })
            .collect();
        SensitivityReport {
            metric: r.metric.name(),
            samples: r.samples,
            seed: r.seed,
            spearman,
            tornado,
            sobol,
            warnings: r.warnings.clone(),
            unit: r.metric.unit(),
            scenario: s.name.clone(),
            file: s.file.clone().unwrap_or_else(|| "(embedded)".into()),
            scenario_sha256: s.sha256.clone(),
            version: VERSION,
            sampler: sampler.as_str(),
            base: r.base,
            sobol_samples: r.sobol_samples,
            sobol_evaluations: r.sobol_evaluations,
            sobol_design: r.sobol_design.as_str(),
            sobol_dropped: r.sobol.dropped,
            bootstrap_resamples: r.sobol.resamples,
            spearman_dropped: r.spearman_dropped,
        }
    }

    pub fn to_json(&self) -> String {
        super::pretty_json(self)
    }

    /// One row per input, by total Sobol' index: `[path, rho, low, high, swing, S1 [ci], ST [ci]]`.
    fn rows(&self) -> Vec<[String; 7]> {
        self.sobol
            .iter()
            .map(|x| {
                let rho = self
                    .spearman
                    .iter()
                    .find(|r| r.path == x.path)
                    .map_or(f64::NAN, |r| r.rho);
                let t = self.tornado.iter().find(|t| t.path == x.path);
                let (low, high, sw) =
                    t.map_or((f64::NAN, f64::NAN, f64::NAN), |t| (t.low, t.high, t.swing));
                [
                    x.path.clone(),
                    signed2(rho),
                    cell(low, self.unit),
                    cell(high, self.unit),
                    cell(sw, self.unit),
                    index_ci(x.first, x.first_ci),
                    index_ci(x.total, x.total_ci),
                ]
            })
            .collect()
    }

    fn header(&self) -> [String; 7] {
        let u = |what: &str| {
            if self.unit.starts_with("USD") || self.unit == "ratio" {
                what.to_string()
            } else {
                format!("{what} ({})", self.unit)
            }
        };
        [
            "input".into(),
            "rho".into(),
            u("at p10"),
            u("at p90"),
            u("swing"),
            "S1 [95% CI]".into(),
            "ST [95% CI]".into(),
        ]
    }

    fn lead(&self) -> (String, String) {
        let title = format!(
            "{} — sensitivity of {} ({})",
            self.scenario, self.metric, self.unit
        );
        let sub = format!(
            "rank correlations: {} samples ({}) · tornado: each input p10 → p90, the others at \
             their medians, base {} · Sobol': {} base samples, {} evaluations ({}), {} bootstrap \
             resamples · seed {}",
            self.samples,
            self.sampler,
            format::with_unit(self.base, self.unit),
            self.sobol_samples,
            self.sobol_evaluations,
            self.sobol_design,
            self.bootstrap_resamples,
            self.seed
        );
        (title, sub)
    }

    /// The terminal table: one row per input, by total Sobol' index, then the warnings.
    pub fn to_table(&self) -> String {
        let (title, sub) = self.lead();
        let mut out = format!("{title}\n{sub}\n\n");
        out.push_str(&text_table(&self.header(), &self.rows()));
        out.push_str(
            "\n  rho: Spearman rank correlation with the metric · at p10 / at p90: the metric with \
             that input alone at its p10 / p90 · S1: share of the variance the input explains \
             alone · ST: its share including interactions\n",
        );
        for w in &self.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
        out
    }

    pub fn to_markdown(&self) -> String {
        let (title, sub) = self.lead();
        let mut out = format!("# {}\n\n{}\n\n", md_escape(&title), md_escape(&sub));
        let _ = writeln!(
            out,
            "| {} |",
            self.header().map(|h| md_escape(&h)).join(" | ")
        );
        out.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
        for r in self.rows() {
            let cells: Vec<String> = r.iter().map(|c| md_escape(c)).collect();
            let _ = writeln!(out, "| `{}` | {} |", cells[0], cells[1..].join(" | "));
        }
        out.push_str(
            "\n*rho*: Spearman rank correlation with the metric. *at p10 / at p90*: the metric \
             with that input alone at its p10 / p90, the others at their medians. *S1*: share of \
             the metric's variance the input explains alone; *ST*: its share including \
             interactions (Saltelli 2010; Jansen).\n",
        );
        if !self.warnings.is_empty() {
            out.push_str("\n## Warnings\n\n");
            for w in &self.warnings {
                let _ = writeln!(out, "- {}", md_escape(w));
            }
        }
        out
    }

    /// One row per input (by total Sobol' index), plain numbers.
    pub fn to_csv(&self) -> String {
        let mut w = CsvText::new();
        w.record([
            "path", "rho", "low", "high", "swing", "first", "first_lo", "first_hi", "total",
            "total_lo", "total_hi",
        ]);
        let num = csv::number;
        for x in &self.sobol {
            let rho = self
                .spearman
                .iter()
                .find(|r| r.path == x.path)
                .map_or(f64::NAN, |r| r.rho);
            let t = self.tornado.iter().find(|t| t.path == x.path);
            let (low, high, sw) =
                t.map_or((f64::NAN, f64::NAN, f64::NAN), |t| (t.low, t.high, t.swing));
            let cells = [
                safe_cell(&x.path),
                num(rho),
                num(low),
                num(high),
                num(sw),
                num(x.first),
                num(x.first_ci[0]),
                num(x.first_ci[1]),
                num(x.total),
                num(x.total_ci[0]),
                num(x.total_ci[1]),
            ];
            w.record(&cells);
        }
        w.finish()
    }

    /// The swing tornado as a chart: the [`TORNADO_BARS`] widest bars (bars with an undefined end
    /// are left out).
    pub fn tornado_chart(&self) -> Chart {
        let defined: Vec<&TornadoRow> = self
            .tornado
            .iter()
            .filter(|t| t.low.is_finite() && t.high.is_finite())
            .collect();
        let bars: Vec<TornadoBar> = defined
            .iter()
            .take(TORNADO_BARS)
            .map(|t| TornadoBar {
                label: t.path.clone(),
                low: t.low,
                high: t.high,
            })
            .collect();
        let shown = if bars.len() < defined.len() {
            format!(" (the {} widest of {})", bars.len(), defined.len())
        } else {
            String::new()
        };
        Chart::Tornado(Tornado {
            title: chart_title(
                &self.scenario,
                &format!("what moves {}", labels::metric_label(self.metric)),
            ),
            subtitle: format!(
                "each input alone from its p{:.0} to its p{:.0}, the others at their medians{shown}",
                TORNADO_LOW * 100.0,
                TORNADO_HIGH * 100.0
            ),
            x_desc: labels::metric_label(self.metric),
            unit: self.unit.to_string(),
            base: self.base,
            bars,
            low_label: "input at p10".into(),
            high_label: "input at p90".into(),
        })
    }
}

/// A metric value for a table cell, its unit in the header: `$1.23`, `413k`, `12.3%`.
fn cell(x: f64, unit: &str) -> String {
    if x.is_nan() {
        "n/a".into()
    } else if unit.starts_with("USD") {
        format::money(x)
    } else if unit == "ratio" {
        format!("{}%", format::sig3(x * 100.0))
    } else {
        format::si(x)
    }
}

/// Two decimals without a minus sign on a value that rounds to zero.
fn dec2(x: f64) -> String {
    let s = format!("{x:.2}");
    if s == "-0.00" { "0.00".into() } else { s }
}

/// `+0.85`, `-0.12`, `0.00`, `n/a`.
fn signed2(x: f64) -> String {
    if x.is_nan() {
        "n/a".into()
    } else if dec2(x) == "0.00" {
        "0.00".into()
    } else {
        format!("{x:+.2}")
    }
}

/// `0.31 [0.29, 0.33]`.
fn index_ci(x: f64, ci: [f64; 2]) -> String {
    let f = |v: f64| {
        if v.is_nan() {
            "n/a".to_string()
        } else {
            dec2(v)
        }
    };
    format!("{} [{}, {}]", f(x), f(ci[0]), f(ci[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(signed2(0.854), "+0.85");
        assert_eq!(signed2(-0.1), "-0.10");
        assert_eq!(signed2(-0.001), "0.00");
        assert_eq!(cell(1.234, "USD per million tokens"), "$1.23");
        assert_eq!(cell(413_223.0, "GPUs per GW"), "413k");
        assert_eq!(cell(0.123, "ratio"), "12.3%");
        assert_eq!(index_ci(0.314, [0.29, 0.336]), "0.31 [0.29, 0.34]");
        assert_eq!(index_ci(f64::NAN, [f64::NAN, 1.0]), "n/a [n/a, 1.00]");
    }
}
