//! The report of `gwsim portfolio`: JSON, a table for the terminal, Markdown, CSV, and the
//! chart of spend by deal against the revenue left to pay for it (docs/portfolio.md).

use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use super::chart::{self, Chart, ChartOutcome, StackedSpend, labels};
use super::csv::{self, CsvText, safe_cell};
use super::{SeriesBands, VERSION, format, md_escape, ordered_map, text_table_left};
use crate::engine::portfolio::{PortfolioResult, PortfolioRun};
use crate::scenario::Portfolio;
use crate::stats::{Accumulator, Band};

/// A scalar result: its unit and band, and the share of samples where it is defined when below 1.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioMetric {
    pub unit: &'static str,
    #[serde(flatten)]
    pub band: Band,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defined_share: Option<f64>,
}

/// The yearly results: bands per year, and the probability that spend exceeds the revenue
/// left to pay for it.
#[derive(Debug, Clone, Serialize)]
pub struct YearlyReport {
    pub spend_usd: SeriesBands,
    pub revenue_usd: SeriesBands,
    /// `margin × revenue`.
    pub available_usd: SeriesBands,
    /// `spend / revenue`.
    pub spend_share_of_revenue: SeriesBands,
    /// Cumulative.
    pub funding_need_usd: SeriesBands,
    /// What the deals' investments pay in.
    pub inflow_usd: SeriesBands,
    /// Facility power installed, year average.
    pub capacity_gw: SeriesBands,
    /// GPUs installed (year average) per group of deals with the same systems.
    #[serde(serialize_with = "ordered_map_owned")]
    pub gpus: Vec<(String, SeriesBands)>,
    /// P(spend > margin × revenue), per year.
    pub p_spend_above_revenue: Vec<f64>,
}

/// One deal in the report.
#[derive(Debug, Clone, Serialize)]
pub struct DealReport {
    pub name: String,
    pub scenario: String,
    pub file: String,
    pub sets: Vec<String>,
    /// The share's distribution, as written.
    pub share: String,
    pub share_p50: f64,
    pub systems: Vec<String>,
    pub start_year: i32,
    pub end_year: i32,
    pub total_spend_usd: Band,
    /// Facility power of the whole fleet at full deployment, times the share.
    pub gw: Band,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inflow_usd: Option<Band>,
    /// Spend per horizon year, times the share.
    pub spend_usd: SeriesBands,
    /// Spearman rank correlation of the deal's total spend with the peak funding need.
    pub rho_peak_funding: f64,
}

/// A drawn portfolio value, with its source.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioInputSummary {
    pub path: String,
    pub dist: String,
    pub source: Option<String>,
    #[serde(flatten)]
    pub band: Band,
    /// Spearman rank correlation with the peak funding need.
    pub rho_peak_funding: f64,
}

/// The deal whose spend moves the peak funding need most (by |rho|).
#[derive(Debug, Clone, Serialize)]
pub struct Driver {
    pub deal: String,
    pub rho: f64,
}

/// `gwsim portfolio FILE --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioReport {
    pub portfolio: String,
    pub buyer: String,
    pub as_of: String,
    pub file: String,
    pub sha256: String,
    pub seed: u64,
    pub samples: u64,
    pub sampler: &'static str,
    pub common_random_numbers: bool,
    pub years: Vec<i32>,
    /// The run-rate's anchor, as a sentence.
    pub revenue: String,
    pub margin: String,
    #[serde(serialize_with = "ordered_map")]
    pub metrics: Vec<(&'static str, PortfolioMetric)>,
    pub yearly: YearlyReport,
    pub deals: Vec<DealReport>,
    pub driver: Option<Driver>,
    /// Samples the rank correlations are over.
    pub rho_samples: usize,
    pub inputs: Vec<PortfolioInputSummary>,
    pub version: &'static str,
    pub warnings: Vec<String>,
}

fn ordered_map_owned<S: serde::Serializer, V: Serialize>(
    entries: &[(String, V)],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(entries.len()))?;
    for (k, v) in entries {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

const BANDS: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// p5, p25, p50, p75, p95 of each year's accumulator (in parallel).
fn bands(accs: &[Accumulator]) -> SeriesBands {
    let qs: Vec<Vec<f64>> = accs.par_iter().map(|a| a.quantiles(&BANDS)).collect();
    let band = |i: usize| qs.iter().map(|q| q[i]).collect::<Vec<f64>>();
    SeriesBands {
        p5: band(0),
        p25: band(1),
        p50: band(2),
        p75: band(3),
        p95: band(4),
    }
}

fn metric(acc: &Accumulator, unit: &'static str) -> PortfolioMetric {
    let defined = acc.count();
    let undefined = acc.nan_count();
    PortfolioMetric {
        unit,
        band: Band::of(acc),
        defined_share: (undefined > 0).then(|| defined as f64 / (defined + undefined) as f64),
    }
}

impl PortfolioReport {
    pub fn new(p: &Portfolio, run: &PortfolioRun, r: &PortfolioResult) -> PortfolioReport {
        let n = r.samples.max(1) as f64;
        let y = &r.yearly;
        let yearly = YearlyReport {
            spend_usd: bands(&y.spend),
            revenue_usd: bands(&y.revenue),
            available_usd: bands(&y.available),
            spend_share_of_revenue: bands(&y.spend_share),
            funding_need_usd: bands(&y.funding_need),
            inflow_usd: bands(&y.inflow),
            capacity_gw: bands(&y.gw),
            gpus: run
                .groups
                .iter()
                .zip(&y.gpus)
                .map(|(g, accs)| (g.name.clone(), bands(accs)))
                .collect(),
            p_spend_above_revenue: y.spend_above.iter().map(|&c| c as f64 / n).collect(),
        };
        let deals: Vec<DealReport> = p
            .deals
            .iter()
            .zip(&r.deals)
            .map(|(d, dr)| {
                let mut systems: Vec<String> =
                    d.scenario.fleet.iter().map(|t| t.system.clone()).collect();
                systems.dedup();
                DealReport {
                    name: d.name.clone(),
                    scenario: d.scenario.name.clone(),
                    file: d.file.clone(),
                    sets: d.sets.clone(),
                    share: d.share.marginal.to_string(),
                    share_p50: d.share.marginal.quantile(0.5),
                    systems,
                    start_year: d.scenario.start_year,
                    end_year: d.scenario.last_year(),
                    total_spend_usd: Band::of(&dr.total_spend),
                    gw: Band::of(&dr.gw),
                    inflow_usd: dr.inflow.as_ref().map(Band::of),
                    spend_usd: bands(&dr.spend),
                    rho_peak_funding: dr.rho_peak,
                }
            })
            .collect();
        let driver = deals
            .iter()
            .filter(|d| d.rho_peak_funding.is_finite())
            .max_by(|a, b| {
                a.rho_peak_funding
                    .abs()
                    .total_cmp(&b.rho_peak_funding.abs())
            })
            .map(|d| Driver {
                deal: d.name.clone(),
                rho: d.rho_peak_funding,
            });
        let params = p.params();
        let inputs = run
            .inputs
            .iter()
            .zip(&r.inputs)
            .enumerate()
            .map(|(k, (i, acc))| PortfolioInputSummary {
                path: i.path.clone(),
                dist: i.marginal.to_string(),
                source: params.get(i.index).and_then(|q| q.source.clone()),
                band: Band::of(acc),
                rho_peak_funding: r.inputs_rho_peak.get(k).copied().unwrap_or(f64::NAN),
            })
            .collect();
        let rev = &p.revenue;
        let value = |q: &crate::scenario::Param| match q.fixed_value() {
            Some(x) => format::money(x),
            None => q.marginal.to_string(),
        };
        let growth: Vec<String> = rev
            .growth
            .iter()
            .enumerate()
            .map(|(k, g)| {
                let next = rev.growth.get(k + 1).and_then(|n| n.from);
                let when = match (g.from, next) {
                    (None, _) => "every year".to_string(),
                    (Some(a), Some(b)) if b == a + 1 => format!("in {a}"),
                    (Some(a), Some(b)) => format!("in {a}–{}", b - 1),
                    (Some(a), None) => format!("from {a}"),
                };
                format!("{} {when}", g.per_year.marginal)
            })
            .collect();
        let revenue_text = format!(
            "run-rate {} a year at {}; growth per year {}",
            value(&rev.run_rate_usd),
            crate::model::year(rev.at),
            growth.join(", ")
        );
        PortfolioReport {
            portfolio: p.name.clone(),
            buyer: p.buyer.clone(),
            as_of: p.as_of.clone(),
            file: p.file.clone().unwrap_or_default(),
            sha256: p.sha256.clone(),
            seed: r.seed,
            samples: r.samples,
            sampler: r.sampler.as_str(),
            common_random_numbers: true,
            years: r.years.clone(),
            revenue: revenue_text,
            margin: rev.margin.marginal.to_string(),
            metrics: vec![
                ("total_spend_usd", metric(&r.total_spend, "USD")),
                ("total_gw", metric(&r.total_gw, "GW")),
                ("peak_funding_need_usd", metric(&r.peak_funding, "USD")),
                ("coverage_year", metric(&r.coverage_year, "year")),
                ("investment_usd", metric(&r.total_inflow, "USD")),
            ],
            yearly,
            deals,
            driver,
            rho_samples: r.rho_samples,
            inputs,
            version: VERSION,
            warnings: r.warnings.clone(),
        }
    }

    pub fn metric(&self, name: &str) -> Option<&PortfolioMetric> {
        self.metrics
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, m)| m)
    }

    pub fn to_json(&self) -> String {
        super::pretty_json(self)
    }

    /// `2026–2029`.
    fn horizon(&self) -> String {
        match (self.years.first(), self.years.last()) {
            (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        }
    }

    /// How the run was made, one line.
    fn how(&self) -> String {
        format!(
            "{} {} of {} on common random numbers · {} · {} samples ({}, seed {})",
            self.deals.len(),
            if self.deals.len() == 1 {
                "deal"
            } else {
                "deals"
            },
            self.buyer,
            self.horizon(),
            labels::thousands(self.samples as f64),
            self.sampler,
            self.seed
        )
    }

    /// A scalar's cell.
    fn cell(x: f64, unit: &str) -> String {
        match unit {
            "year" => {
                if x.is_nan() {
                    "n/a".into()
                } else {
                    crate::model::year(x)
                }
            }
            "GW" => format!("{} GW", format::sig3(x)),
            u => format::bare(x, u),
        }
    }

    /// The rows of the answers table: metric, p5, p50, p95, mean.
    fn answer_rows(&self) -> Vec<Vec<String>> {
        self.metrics
            .iter()
            .map(|(name, m)| {
                let b = &m.band;
                vec![
                    name.to_string(),
                    Self::cell(b.p5, m.unit),
                    Self::cell(b.p50, m.unit),
                    Self::cell(b.p95, m.unit),
                    if m.unit == "year" {
                        if b.mean.is_nan() {
                            "n/a".into()
                        } else {
                            format!("{:.1}", b.mean)
                        }
                    } else {
                        Self::cell(b.mean, m.unit)
                    },
                ]
            })
            .collect()
    }

    /// The sentence on the year revenue covers spend.
    fn coverage_sentence(&self) -> String {
        let Some(m) = self.metric("coverage_year") else {
            return String::new();
        };
        let share = m.defined_share.unwrap_or(1.0);
        if share == 0.0 {
            return format!(
                "Revenue × margin covers spend for good in no sample within {}.",
                self.horizon()
            );
        }
        format!(
            "Revenue × margin covers spend for good (that year and every later one) from {} at \
             the median of the samples where it does; it does within {} in {} of samples.",
            crate::model::year(m.band.p50),
            self.horizon(),
            percent(share)
        )
    }

    /// The yearly rows: one per quantity, one column per year.
    fn year_rows(&self) -> Vec<Vec<String>> {
        let y = &self.yearly;
        let money = |v: &[f64]| v.iter().map(|&x| format::money(x)).collect::<Vec<_>>();
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut row = |label: &str, cells: Vec<String>| {
            let mut r = vec![label.to_string()];
            r.extend(cells);
            rows.push(r);
        };
        row("spend, p50", money(&y.spend_usd.p50));
        row(
            "spend, p5–p95",
            y.spend_usd
                .p5
                .iter()
                .zip(&y.spend_usd.p95)
                .map(|(a, b)| format!("{}–{}", format::money(*a), format::money(*b)))
                .collect(),
        );
        row("revenue, p50", money(&y.revenue_usd.p50));
        row("revenue × margin, p50", money(&y.available_usd.p50));
        row(
            "spend / revenue, p50",
            y.spend_share_of_revenue
                .p50
                .iter()
                .map(|&x| format::bare(x, "ratio"))
                .collect(),
        );
        row(
            "P(spend > revenue × margin)",
            y.p_spend_above_revenue
                .iter()
                .map(|&p| percent(p))
                .collect(),
        );
        row("investments paid in, p50", money(&y.inflow_usd.p50));
        row("funding need, p50", money(&y.funding_need_usd.p50));
        row("funding need, p95", money(&y.funding_need_usd.p95));
        row(
            "capacity, p50",
            y.capacity_gw
                .p50
                .iter()
                .map(|&x| format!("{} GW", format::sig3(x)))
                .collect(),
        );
        for (group, b) in &y.gpus {
            row(
                &format!("GPUs {group}, p50"),
                b.p50.iter().map(|&x| format::si(x)).collect(),
            );
        }
        rows
    }

    /// The rows of the deals table.
    fn deal_rows(&self) -> Vec<Vec<String>> {
        self.deals
            .iter()
            .map(|d| {
                vec![
                    d.name.clone(),
                    format::sig3(d.share_p50),
                    format!("{}–{}", d.start_year, d.end_year),
                    d.systems.join(", "),
                    format::money(d.total_spend_usd.p50),
                    format!(
                        "{}–{}",
                        format::money(d.total_spend_usd.p5),
                        format::money(d.total_spend_usd.p95)
                    ),
                    format!("{} GW", format::sig3(d.gw.p50)),
                    d.inflow_usd
                        .map(|b| format::money(b.p50))
                        .unwrap_or_else(|| "–".into()),
                    rho(d.rho_peak_funding),
                ]
            })
            .collect()
    }

    /// The rows of the portfolio's drawn values: path, distribution, p5, p50, p95, rho.
    fn input_rows(&self) -> Vec<Vec<String>> {
        self.inputs
            .iter()
            .map(|i| {
                let f = |x: f64| {
                    if i.path.ends_with("_usd") {
                        format::money(x)
                    } else {
                        format::sig3(x)
                    }
                };
                vec![
                    i.path.clone(),
                    i.dist.clone(),
                    f(i.band.p5),
                    f(i.band.p50),
                    f(i.band.p95),
                    rho(i.rho_peak_funding),
                ]
            })
            .collect()
    }

    fn driver_sentence(&self) -> String {
        match &self.driver {
            Some(d) => format!(
                "The deal that drives the funding need: {} (rank correlation {:.2} of its spend \
                 with the peak funding need, over {} samples).",
                d.deal,
                d.rho,
                labels::thousands(self.rho_samples as f64)
            ),
            None => "No deal's spend moves the peak funding need (it is the same in every \
                     sample)."
                .into(),
        }
    }

    /// The portfolio for a terminal.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} (figures as of {})", self.portfolio, self.as_of);
        let _ = writeln!(out, "{}", self.how());
        let _ = writeln!(out, "Revenue: {}; margin {}", self.revenue, self.margin);
        let _ = writeln!(out, "\nAnswers");
        let header = ["metric", "p5", "p50", "p95", "mean"].map(String::from);
        out.push_str(&text_table_left(&header, &self.answer_rows(), 1));
        let _ = writeln!(out, "{}", self.coverage_sentence());
        let _ = writeln!(
            out,
            "\nBy calendar year (spend is each deal's cash outlay × its share)"
        );
        let mut header = vec!["".to_string()];
        header.extend(self.years.iter().map(|y| y.to_string()));
        out.push_str(&text_table_left(&header, &self.year_rows(), 1));
        let _ = writeln!(out, "\nSpend by deal, p50");
        let mut header = vec!["deal".to_string()];
        header.extend(self.years.iter().map(|y| y.to_string()));
        let rows: Vec<Vec<String>> = self
            .deals
            .iter()
            .map(|d| {
                let mut r = vec![d.name.clone()];
                r.extend(d.spend_usd.p50.iter().map(|&x| format::money(x)));
                r
            })
            .collect();
        out.push_str(&text_table_left(&header, &rows, 1));
        let _ = writeln!(out, "\nDeals");
        let header = [
            "deal",
            "share",
            "term",
            "systems",
            "spend p50",
            "spend p5–p95",
            "GW p50",
            "invested p50",
            "rho",
        ]
        .map(String::from);
        out.push_str(&text_table_left(&header, &self.deal_rows(), 4));
        let _ = writeln!(out, "{}", self.driver_sentence());
        if !self.inputs.is_empty() {
            let _ = writeln!(out, "\nThe portfolio's uncertain values");
            let header = ["value", "distribution", "p5", "p50", "p95", "rho"].map(String::from);
            out.push_str(&text_table_left(&header, &self.input_rows(), 2));
        }
        let _ = writeln!(
            out,
            "rho: rank correlation with the peak funding need across samples."
        );
        for w in &self.warnings {
            let _ = writeln!(out, "\nwarning: {w}");
        }
        out
    }

    /// Markdown: the same tables.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# {}\n", md_escape(&self.portfolio));
        let _ = writeln!(
            out,
            "Figures as of {}. {}.\n",
            md_escape(&self.as_of),
            md_escape(&self.how())
        );
        let _ = writeln!(
            out,
            "Revenue: {}; margin {}.\n",
            md_escape(&self.revenue),
            md_escape(&self.margin)
        );
        let _ = writeln!(out, "## Answers\n");
        let _ = writeln!(
            out,
            "| metric | p5 | p50 | p95 | mean |\n|---|---:|---:|---:|---:|"
        );
        for r in self.answer_rows() {
            let _ = writeln!(out, "| {} |", r.join(" | "));
        }
        let _ = writeln!(out, "\n{}\n", self.coverage_sentence());
        let _ = writeln!(out, "## By calendar year\n");
        let years: Vec<String> = self.years.iter().map(|y| y.to_string()).collect();
        let _ = writeln!(out, "| | {} |", years.join(" | "));
        let _ = writeln!(out, "|---|{}", "---:|".repeat(years.len()));
        for r in self.year_rows() {
            let cells: Vec<String> = r.iter().map(|c| md_escape(c)).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        let _ = writeln!(out, "\n## Spend by deal, p50\n");
        let _ = writeln!(out, "| deal | {} |", years.join(" | "));
        let _ = writeln!(out, "|---|{}", "---:|".repeat(years.len()));
        for d in &self.deals {
            let cells: Vec<String> = d.spend_usd.p50.iter().map(|&x| format::money(x)).collect();
            let _ = writeln!(out, "| {} | {} |", md_escape(&d.name), cells.join(" | "));
        }
        let _ = writeln!(out, "\n## Deals\n");
        let _ = writeln!(
            out,
            "| deal | share | term | systems | spend p50 | spend p5–p95 | GW p50 | invested p50 | rho |"
        );
        let _ = writeln!(out, "|---|---:|---|---|---:|---:|---:|---:|---:|");
        for r in self.deal_rows() {
            let cells: Vec<String> = r.iter().map(|c| md_escape(c)).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        let _ = writeln!(out, "\n{}", self.driver_sentence());
        if !self.inputs.is_empty() {
            let _ = writeln!(out, "\n## The portfolio's uncertain values\n");
            let _ = writeln!(
                out,
                "| value | distribution | p5 | p50 | p95 | rho |\n|---|---|---:|---:|---:|---:|"
            );
            for r in self.input_rows() {
                let cells: Vec<String> = r.iter().map(|c| md_escape(c)).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
        }
        let _ = writeln!(
            out,
            "\nrho: rank correlation with the peak funding need across samples."
        );
        if !self.warnings.is_empty() {
            let _ = writeln!(out, "\n## Warnings\n");
            for w in &self.warnings {
                let _ = writeln!(out, "- {}", md_escape(w));
            }
        }
        out
    }

    /// CSV: one row per quantity, part and year (`part` is `total`, a deal or a GPU group; the
    /// scalars have no year; a probability fills `mean` alone).
    pub fn to_csv(&self) -> String {
        let mut w = CsvText::new();
        w.record([
            "quantity", "part", "unit", "year", "p5", "p25", "p50", "p75", "p95", "mean",
        ]);
        let f = csv::number;
        for (name, m) in &self.metrics {
            let b = &m.band;
            w.record([
                safe_cell(name),
                "total".to_string(),
                m.unit.to_string(),
                String::new(),
                f(b.p5),
                String::new(),
                f(b.p50),
                String::new(),
                f(b.p95),
                f(b.mean),
            ]);
        }
        let mut series = |quantity: &str, part: &str, unit: &str, b: &SeriesBands| {
            for (k, year) in self.years.iter().enumerate() {
                w.record([
                    quantity.to_string(),
                    safe_cell(part),
                    unit.to_string(),
                    year.to_string(),
                    f(b.p5[k]),
                    f(b.p25[k]),
                    f(b.p50[k]),
                    f(b.p75[k]),
                    f(b.p95[k]),
                    String::new(),
                ]);
            }
        };
        let y = &self.yearly;
        series("spend_usd", "total", "USD", &y.spend_usd);
        for d in &self.deals {
            series("spend_usd", &d.name, "USD", &d.spend_usd);
        }
        series("revenue_usd", "total", "USD", &y.revenue_usd);
        series("available_usd", "total", "USD", &y.available_usd);
        series(
            "spend_share_of_revenue",
            "total",
            "ratio",
            &y.spend_share_of_revenue,
        );
        series("funding_need_usd", "total", "USD", &y.funding_need_usd);
        series("inflow_usd", "total", "USD", &y.inflow_usd);
        series("capacity_gw", "total", "GW", &y.capacity_gw);
        for (group, b) in &y.gpus {
            series("gpus", group, "GPUs (year average)", b);
        }
        for (k, year) in self.years.iter().enumerate() {
            let mut row = vec![
                "p_spend_above_revenue".to_string(),
                "total".to_string(),
                "probability".to_string(),
                year.to_string(),
            ];
            row.extend(std::iter::repeat_n(String::new(), 5));
            row.push(f(y.p_spend_above_revenue[k]));
            w.record(&row);
        }
        w.finish()
    }

    /// The chart `spend_by_deal.svg`/`.png`: each deal's median spend per year, stacked, the
    /// total's p5–p95, and the band of revenue × margin.
    pub fn render_charts(&self, dest: &mut chart::ChartDest<'_>) -> ChartOutcome {
        let y = &self.yearly;
        let c = Chart::Stacked(StackedSpend {
            title: format!("{}: spend by deal against revenue", self.buyer),
            subtitle: format!(
                "{} samples · seed {} · figures as of {} · bars: each deal's median, stacked",
                labels::thousands(self.samples as f64),
                self.seed,
                self.as_of
            ),
            years: self.years.iter().map(|&y| f64::from(y)).collect(),
            parts: self
                .deals
                .iter()
                .map(|d| (d.name.clone(), d.spend_usd.p50.clone()))
                .collect(),
            total: [
                y.spend_usd.p5.clone(),
                y.spend_usd.p50.clone(),
                y.spend_usd.p95.clone(),
            ],
            line: [
                y.available_usd.p5.clone(),
                y.available_usd.p50.clone(),
                y.available_usd.p95.clone(),
            ],
            line_label: "revenue × margin".to_string(),
            unit: "USD".to_string(),
        });
        chart::write_chart_to(&c, dest, "spend_by_deal")
    }
}

fn percent(p: f64) -> String {
    if p.is_nan() {
        "n/a".into()
    } else {
        format!("{}%", format::sig3(p * 100.0))
    }
}

/// A rank correlation with two decimals (`n/a` when undefined, `0.00` without a sign).
fn rho(x: f64) -> String {
    if x.is_nan() {
        "n/a".into()
    } else if x.abs() < 0.005 {
        "0.00".into()
    } else {
        format!("{x:.2}")
    }
}
