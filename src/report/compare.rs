//! The report of `gwsim compare`: MODEL.md's JSON ("Other commands' JSON"), a table for the
//! terminal, Markdown, CSV, and an overlay chart per headline metric.
//!
//! Differences and probabilities are against the first scenario: `difference[k]` is the
//! distribution of the paired difference `scenario k − first`, `p_lower[k]` the share of
//! samples in which scenario `k` is below the first (pairs with an undefined side left out);
//! both are `null` for the first scenario itself.

use std::fmt::Write as _;

use serde::Serialize;

use super::chart::{self, Chart, ChartOutcome, Overlay, labels};
use super::csv::{self, CsvText, safe_cell};
use super::{QUANTILE_GRID, VERSION, format, md_escape, ordered_map, text_table};
use crate::engine::compare::CompareResult;
use crate::stats::Band;

/// One metric across the scenarios.
#[derive(Debug, Clone, Serialize)]
pub struct MetricCompare {
    pub unit: &'static str,
    pub per_scenario: Vec<Band>,
    /// `None` for the first scenario; then `scenario k − first`.
    pub difference: Vec<Option<Band>>,
    /// `None` for the first scenario; then P(scenario k < first).
    pub p_lower: Vec<Option<f64>>,
    /// Pairs behind each difference (both sides defined); `None` for the first.
    pub pairs: Vec<Option<u64>>,
}

/// One probability across the scenarios.
#[derive(Debug, Clone, Serialize)]
pub struct ProbabilityCompare {
    pub per_scenario: Vec<f64>,
}

/// `gwsim compare A B … --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct CompareReport {
    pub seed: u64,
    pub samples: u64,
    pub scenarios: Vec<String>,
    #[serde(serialize_with = "ordered_map")]
    pub metrics: Vec<(&'static str, MetricCompare)>,
    /// Each probability every scenario computes: its value per scenario.
    #[serde(serialize_with = "ordered_map")]
    pub probabilities: Vec<(&'static str, ProbabilityCompare)>,
    pub files: Vec<String>,
    pub sampler: &'static str,
    pub common_random_numbers: bool,
    pub version: &'static str,
    pub warnings: Vec<String>,
    /// For charts: each metric's quantiles at `i / QUANTILE_GRID`, per scenario (not in the JSON).
    #[serde(skip)]
    pub distributions: Vec<(&'static str, Vec<Vec<f64>>)>,
}

impl CompareReport {
    pub fn new(names: &[String], files: &[String], r: &CompareResult) -> CompareReport {
        let grid: Vec<f64> = (0..=QUANTILE_GRID)
            .map(|i| i as f64 / QUANTILE_GRID as f64)
            .collect();
        let metrics = r
            .metrics
            .iter()
            .map(|mc| {
                (
                    mc.metric.name(),
                    MetricCompare {
                        unit: mc.metric.unit(),
                        per_scenario: mc.per_scenario.iter().map(Band::of).collect(),
                        difference: after_first(mc.differences.iter().map(|p| p.band())),
                        p_lower: after_first(mc.differences.iter().map(|p| p.p_lower())),
                        pairs: after_first(mc.differences.iter().map(|p| p.pairs())),
                    },
                )
            })
            .collect();
        let n = r.samples.max(1) as f64;
        let probabilities = r
            .probabilities
            .iter()
            .map(|pc| {
                (
                    pc.probability.name(),
                    ProbabilityCompare {
                        per_scenario: pc.hits.iter().map(|&h| h as f64 / n).collect(),
                    },
                )
            })
            .collect();
        let distributions = r
            .metrics
            .iter()
            .filter(|mc| mc.metric.is_headline())
            .map(|mc| {
                (
                    mc.metric.name(),
                    mc.per_scenario.iter().map(|a| a.quantiles(&grid)).collect(),
                )
            })
            .collect();
        CompareReport {
            seed: r.seed,
            samples: r.samples,
            scenarios: names.to_vec(),
            metrics,
            probabilities,
            files: files.to_vec(),
            sampler: r.sampler.as_str(),
            common_random_numbers: r.common_random_numbers,
            version: VERSION,
            warnings: r.warnings.clone(),
            distributions,
        }
    }

    pub fn metric(&self, name: &str) -> Option<&MetricCompare> {
        self.metrics
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, m)| m)
    }

    pub fn to_json(&self) -> String {
        super::pretty_json(self)
    }

    /// Letters for the scenarios in tables: A, B, …, Z, then S27, S28, ….
    fn letter(k: usize) -> String {
        if k < 26 {
            char::from(b'A' + k as u8).to_string()
        } else {
            format!("S{}", k + 1)
        }
    }

    /// Metrics in report order with the headline ones first.
    fn ordered(&self) -> Vec<&(&'static str, MetricCompare)> {
        let mut v: Vec<_> = self.metrics.iter().collect();
        v.sort_by_key(|(n, _)| !super::is_headline(n));
        v
    }

    fn how(&self) -> String {
        format!(
            "{} samples · seed {} · sampler {} · {} · {}",
            self.samples,
            self.seed,
            self.sampler,
            if self.common_random_numbers {
                "common random numbers"
            } else {
                "independent runs"
            },
            self.version
        )
    }

    /// Rows per metric and scenario: p5, p50, p95, mean, then the difference from the first
    /// (mean and p5 to p95) and P(below the first).
    fn rows(&self, headline: bool) -> Vec<[String; 8]> {
        let mut rows = Vec::new();
        for (name, m) in self.ordered() {
            if super::is_headline(name) != headline {
                continue;
            }
            let u = m.unit;
            let split = self.metric("input_tokens").is_some();
            rows.push([
                format!("{name} ({})", super::display_unit(name, u, split)),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
            for (k, b) in m.per_scenario.iter().enumerate() {
                let (dmean, drange, pl) = match (&m.difference[k], m.p_lower[k]) {
                    (Some(d), Some(p)) => (
                        signed(d.mean, u),
                        format!("{} to {}", signed(d.p5, u), signed(d.p95, u)),
                        percent(p),
                    ),
                    _ => ("—".into(), "—".into(), "—".into()),
                };
                rows.push([
                    format!("  {}", Self::letter(k)),
                    format::bare(b.p5, u),
                    format::bare(b.p50, u),
                    format::bare(b.p95, u),
                    format::bare(b.mean, u),
                    dmean,
                    drange,
                    pl,
                ]);
            }
        }
        rows
    }

    /// The comparison for a terminal: a legend of scenarios, then headline metrics, then the rest.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Comparison of {} scenarios", self.scenarios.len());
        let _ = writeln!(out, "{}", self.how());
        for (k, name) in self.scenarios.iter().enumerate() {
            let file = self.files.get(k).map(String::as_str).unwrap_or("");
            let _ = writeln!(out, "  {} = {name}  ({file})", Self::letter(k));
        }
        let _ = writeln!(
            out,
            "Δ = scenario − A, sample by sample (pp: percentage points); P(< A) = share of samples below A."
        );
        let header = [
            "metric / scenario",
            "p5",
            "p50",
            "p95",
            "mean",
            "Δ mean",
            "Δ p5 to p95",
            "P(< A)",
        ]
        .map(String::from);
        for (title, headline) in [("Headline", true), ("Other metrics", false)] {
            let rows = self.rows(headline);
            if !rows.is_empty() {
                let _ = writeln!(out, "\n{title}");
                out.push_str(&text_table(&header, &rows));
            }
        }
        if !self.probabilities.is_empty() {
            let _ = writeln!(out, "\nProbabilities");
            let mut header = vec!["event".to_string()];
            header.extend((0..self.scenarios.len()).map(|k| Self::letter(k).to_string()));
            let rows: Vec<Vec<String>> = self
                .probabilities
                .iter()
                .map(|(name, pc)| {
                    let mut row = vec![name.to_string()];
                    row.extend(pc.per_scenario.iter().map(|&p| percent(p)));
                    row
                })
                .collect();
            out.push_str(&text_table(&header, &rows));
        }
        for w in &self.warnings {
            let _ = writeln!(out, "\nwarning: {w}");
        }
        out
    }

    /// Markdown: the scenarios, then one table of every metric (headline ones in bold).
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Comparison\n");
        let _ = writeln!(out, "{}\n", self.how());
        let _ = writeln!(out, "| | scenario | file |\n|---|---|---|");
        for (k, name) in self.scenarios.iter().enumerate() {
            let _ = writeln!(
                out,
                "| {} | {} | `{}` |",
                Self::letter(k),
                md_escape(name),
                md_escape(self.files.get(k).map(String::as_str).unwrap_or(""))
            );
        }
        let _ = writeln!(
            out,
            "\nΔ is the paired difference scenario − A, sample by sample; P(< A) the share of \
             samples in which the scenario is below A.\n"
        );
        let _ = writeln!(
            out,
            "| metric | scenario | p5 | p50 | p95 | mean | Δ mean | Δ p5 to p95 | P(< A) |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for headline in [true, false] {
            let mut metric = String::new();
            for r in self.rows(headline) {
                if r[1].is_empty() {
                    metric = if headline {
                        format!("**{}**", r[0])
                    } else {
                        r[0].clone()
                    };
                    continue;
                }
                let _ = writeln!(
                    out,
                    "| {metric} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    r[0].trim(),
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    r[6],
                    r[7]
                );
                metric.clear();
            }
        }
        if !self.probabilities.is_empty() {
            let _ = writeln!(out, "\n## Probabilities\n");
            let letters: Vec<String> = (0..self.scenarios.len())
                .map(|k| Self::letter(k).to_string())
                .collect();
            let _ = writeln!(out, "| event | {} |", letters.join(" | "));
            let _ = writeln!(out, "|---|{}", "---:|".repeat(letters.len()));
            for (name, pc) in &self.probabilities {
                let cells: Vec<String> = pc.per_scenario.iter().map(|&p| percent(p)).collect();
                let _ = writeln!(out, "| {name} | {} |", cells.join(" | "));
            }
        }
        if !self.warnings.is_empty() {
            let _ = writeln!(out, "\n## Warnings\n");
            for w in &self.warnings {
                let _ = writeln!(out, "- {}", md_escape(w));
            }
        }
        out
    }

    /// CSV: one row per metric and scenario, the difference columns empty for the first.
    pub fn to_csv(&self) -> String {
        let mut w = CsvText::new();
        w.record([
            "metric",
            "unit",
            "scenario",
            "p5",
            "p50",
            "p95",
            "mean",
            "diff_p5",
            "diff_p50",
            "diff_p95",
            "diff_mean",
            "p_lower",
        ]);
        let f = csv::number;
        for (name, m) in &self.metrics {
            for (k, b) in m.per_scenario.iter().enumerate() {
                let mut row = vec![
                    safe_cell(name),
                    safe_cell(m.unit),
                    safe_cell(self.scenarios.get(k).map(String::as_str).unwrap_or("")),
                    f(b.p5),
                    f(b.p50),
                    f(b.p95),
                    f(b.mean),
                ];
                match (&m.difference[k], m.p_lower[k]) {
                    (Some(d), Some(p)) => {
                        row.extend([f(d.p5), f(d.p50), f(d.p95), f(d.mean), f(p)])
                    }
                    _ => row.extend(std::iter::repeat_n(String::new(), 5)),
                }
                w.record(&row);
            }
        }
        w.finish()
    }

    /// An overlay chart per headline metric (`overlay_<metric>.svg` and `.png`): each
    /// scenario's distribution on one axis. Failures are warnings.
    pub fn render_charts(&self, dest: &mut chart::ChartDest<'_>) -> ChartOutcome {
        let charts = self
            .distributions
            .iter()
            .map(|(name, grids)| {
                let unit = self.metric(name).map(|m| m.unit).unwrap_or("");
                let label = labels::metric_label(name);
                let c = Chart::Overlay(Overlay {
                    title: format!("Compared: {label}"),
                    subtitle: format!(
                        "{} samples per scenario · seed {} · {} · dashed lines: medians",
                        labels::thousands(self.samples as f64),
                        self.seed,
                        if self.common_random_numbers {
                            "common random numbers"
                        } else {
                            "independent runs"
                        }
                    ),
                    x_desc: label,
                    unit: unit.to_string(),
                    series: self.scenarios.iter().cloned().zip(grids.clone()).collect(),
                });
                (c, format!("overlay_{name}"))
            })
            .collect();
        chart::write_charts_to(charts, dest)
    }
}

/// `[None, Some(x1), Some(x2), …]`: nothing for the first scenario, then one per other.
fn after_first<T>(rest: impl Iterator<Item = T>) -> Vec<Option<T>> {
    std::iter::once(None).chain(rest.map(Some)).collect()
}

/// A difference with its sign: `+$1.20B`, `-$0.35`, `0`; a difference of two ratios in
/// percentage points (`-51.5 pp`), not as a relative change.
fn signed(x: f64, unit: &str) -> String {
    let s = if unit == "ratio" && !x.is_nan() {
        format!("{} pp", format::sig3(x * 100.0))
    } else {
        format::bare(x, unit)
    };
    if x > 0.0 { format!("+{s}") } else { s }
}

fn percent(p: f64) -> String {
    if p.is_nan() {
        "n/a".into()
    } else {
        format!("{}%", format::sig3(p * 100.0))
    }
}
