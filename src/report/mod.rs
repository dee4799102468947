//! Reports: the serde types of MODEL.md's JSON summary, and the table, CSV and Markdown views
//! of the same numbers. Output types are the schema: stable snake_case names; a metric the
//! scenario cannot compute is absent, never 0.

pub mod chart;
pub mod compare;
pub mod csv;
pub mod format;
pub mod fsio;
pub mod html;
pub mod portfolio;
pub mod sensitivity;
pub mod solve;
pub mod sweep;
pub mod text;
pub mod xlsx;

use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::engine::{RunResult, Simulation};
use crate::model::{METRICS, Metric, PROBABILITIES, SERIES};
use crate::report::csv::{CsvText, safe_cell};
use crate::scenario::Scenario;
use crate::stats::Summary;

/// The version string written into every report.
pub const VERSION: &str = concat!("gwsim ", env!("CARGO_PKG_VERSION"));

/// One metric's summary with its unit.
#[derive(Debug, Clone, Serialize)]
pub struct MetricSummary {
    pub unit: &'static str,
    #[serde(flatten)]
    pub summary: Summary,
    /// The share of samples in which the metric is defined, when below 1 (the statistics are
    /// over those samples).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defined_share: Option<f64>,
}

/// p5, p25, p50, p75, p95 per year.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesBands {
    pub p5: Vec<f64>,
    pub p25: Vec<f64>,
    pub p50: Vec<f64>,
    pub p75: Vec<f64>,
    pub p95: Vec<f64>,
}

/// An uncertain input: its distribution, source and the quantiles of its draws.
#[derive(Debug, Clone, Serialize)]
pub struct InputSummary {
    pub path: String,
    pub dist: String,
    pub source: Option<String>,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    /// The scenario's note on the value (for the workbook; not in the JSON).
    #[serde(skip)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CorrelationSummary {
    pub between: [String; 2],
    pub target: f64,
    pub achieved: f64,
}

/// Under `--precision`: the target and whether it was met.
#[derive(Debug, Clone, Serialize)]
pub struct PrecisionSummary {
    pub target: f64,
    pub converged: bool,
}

/// Pretty JSON with a final newline. The report types hold only numbers, strings and
/// sequences, so serialisation cannot fail; if it ever did, the output says so as JSON.
pub(crate) fn pretty_json<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }).to_string());
    s.push('\n');
    s
}

/// What every command's report offers: the four text forms of `--format`.
pub trait Render {
    /// For a terminal.
    fn to_table(&self) -> String;
    /// MODEL.md's JSON.
    fn to_json(&self) -> String;
    fn to_csv(&self) -> String;
    fn to_markdown(&self) -> String;
}

/// Implement [`Render`] by the type's own methods of the same names.
macro_rules! render_by_inherent_methods {
    ($($t:ty),*) => {$(
        impl Render for $t {
            fn to_table(&self) -> String { <$t>::to_table(self) }
            fn to_json(&self) -> String { <$t>::to_json(self) }
            fn to_csv(&self) -> String { <$t>::to_csv(self) }
            fn to_markdown(&self) -> String { <$t>::to_markdown(self) }
        }
    )*};
}
render_by_inherent_methods!(
    Report,
    compare::CompareReport,
    portfolio::PortfolioReport,
    sensitivity::SensitivityReport,
    solve::SolveReport,
    sweep::SweepReport,
    sweep::SweepGridReport
);

/// The summary of one run: `gwsim run FILE --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub scenario: String,
    pub file: String,
    pub scenario_sha256: String,
    pub version: &'static str,
    pub samples: u64,
    pub seed: u64,
    pub sampler: &'static str,
    #[serde(serialize_with = "ordered_map")]
    pub metrics: Vec<(&'static str, MetricSummary)>,
    #[serde(serialize_with = "ordered_map")]
    pub probabilities: Vec<(&'static str, f64)>,
    pub series: SeriesReport,
    pub inputs: Vec<InputSummary>,
    pub correlations: Vec<CorrelationSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionSummary>,
    /// Samples in which a metric was undefined (a zero denominator, e.g. no tokens served in
    /// the term) and which its statistics leave out; only metrics with such samples, and the
    /// key only when there are any.
    #[serde(serialize_with = "ordered_map", skip_serializing_if = "Vec::is_empty")]
    pub undefined_samples: Vec<(&'static str, u64)>,
    /// For charts: each metric's quantiles at [`QUANTILE_GRID`] probabilities (not in the JSON).
    #[serde(skip)]
    pub distributions: Vec<Distribution>,
    /// For the report page: what the scenario is about (not in the JSON, which has the inputs).
    #[serde(skip)]
    pub about: About,
}

/// What the report page says of the scenario before its answers: its description, its term and
/// contract, and the assumptions that set the deal's size, price and value, with their sources.
#[derive(Debug, Clone, Default)]
pub struct About {
    pub description: Option<String>,
    /// `2026–2029 (4 years)`.
    pub term: String,
    /// `cloud, take-or-pay` or `owned`.
    pub contract: String,
    pub key_assumptions: Vec<KeyAssumption>,
}

/// One value of [`About`]: its path, its distribution (or fixed value) and its source.
#[derive(Debug, Clone)]
pub struct KeyAssumption {
    pub path: String,
    pub value: String,
    pub source: Option<String>,
}

/// Whether a value is one of the assumptions the report page shows first: the contract's size
/// and prices, the fleet's size and dates, the investments, the serving efficiency, the token
/// prices, the revenue ceiling and the discount rate.
fn is_key_assumption(path: &str) -> bool {
    const EXACT: [&str; 9] = [
        "discount_rate",
        "workload.price_usd_per_mtok",
        "facility.power_mw",
        "procurement.commitment_usd",
        "procurement.price_usd_per_gpu_hour",
        "workload.serving_efficiency",
        "workload.price_usd_per_mtok_output",
        "workload.price_usd_per_mtok_input",
        "workload.max_revenue_usd_per_year",
    ];
    let last = path.rsplit('.').next().unwrap_or(path);
    EXACT.contains(&path)
        || path.starts_with("procurement.price_usd_per_gpu_hour.")
        || (path.starts_with("fleet.")
            && matches!(last, "power_mw" | "gpus" | "systems" | "online"))
        || (path.starts_with("investment.") && matches!(last, "amount_usd" | "per_gw_usd"))
}

impl About {
    fn of(scenario: &Scenario) -> About {
        let first = scenario.start_year;
        let last = scenario.last_year();
        let years = if scenario.years == 1 { "year" } else { "years" };
        let p = &scenario.procurement;
        let contract = match (p.mode, p.take_or_pay) {
            (crate::scenario::Mode::Cloud, true) => "cloud (rented), take-or-pay".to_string(),
            (crate::scenario::Mode::Cloud, false) => "cloud (rented)".to_string(),
            (crate::scenario::Mode::Owned, _) => "owned".to_string(),
        };
        About {
            description: scenario.description.clone(),
            term: format!("{first}–{last} ({} {years})", scenario.years),
            contract,
            key_assumptions: scenario
                .params()
                .into_iter()
                .filter(|p| is_key_assumption(&p.path))
                .map(|p| KeyAssumption {
                    path: p.path.clone(),
                    value: p.marginal.to_string(),
                    source: p.source.clone(),
                })
                .collect(),
        }
    }
}

/// Whether the metric named `name` is a headline metric (shown first, charted); false for a
/// name that is not a metric.
pub(crate) fn is_headline(name: &str) -> bool {
    Metric::from_name(name).is_some_and(Metric::is_headline)
}

/// Number of steps of the quantile grid kept for charts: quantiles at `i / QUANTILE_GRID`.
pub const QUANTILE_GRID: usize = 200;

/// A metric's distribution as quantiles at `i / QUANTILE_GRID`, `i = 0..=QUANTILE_GRID`
/// (the first is the minimum, the last the maximum): enough for a histogram and a CDF.
#[derive(Debug, Clone)]
pub struct Distribution {
    pub metric: &'static str,
    pub unit: &'static str,
    /// Drawn as a histogram (the metrics that answer the deal's questions).
    pub charted: bool,
    pub quantiles: Vec<f64>,
}

/// `{ "years": [...], "tokens": { "p5": [...], ... }, ... }`
#[derive(Debug, Clone)]
pub struct SeriesReport {
    pub years: Vec<i32>,
    pub bands: Vec<(&'static str, &'static str, SeriesBands)>,
}

impl Serialize for SeriesReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.bands.len() + 1))?;
        map.serialize_entry("years", &self.years)?;
        for (name, _, bands) in &self.bands {
            map.serialize_entry(name, bands)?;
        }
        map.end()
    }
}

fn ordered_map<S: Serializer, V: Serialize>(
    entries: &[(&'static str, V)],
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(entries.len()))?;
    for (k, v) in entries {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

impl Report {
    pub fn new(
        scenario: &Scenario,
        sim: &Simulation,
        result: &RunResult,
        precision: Option<f64>,
    ) -> Report {
        // Every accumulator's quantiles, in parallel (each is independent of the others):
        // a metric's summary and its quantile grid come from one pass over its values.
        let grid: Vec<f64> = (0..=QUANTILE_GRID)
            .map(|i| i as f64 / QUANTILE_GRID as f64)
            .collect();
        let per_metric: Vec<(Metric, Summary, Vec<f64>)> = METRICS
            .par_iter()
            .filter_map(|&m| {
                result.metric(m).map(|acc| {
                    let (summary, quantiles) = acc.summary_with(&grid);
                    (m, summary, quantiles)
                })
            })
            .collect();
        // A metric defined in no sample is absent; one defined in some says in how many.
        let per_metric: Vec<(Metric, Summary, Vec<f64>)> = per_metric
            .into_iter()
            .filter(|(m, ..)| result.metric(*m).is_some_and(|acc| acc.count() > 0))
            .collect();
        let metrics = per_metric
            .iter()
            .map(|(m, summary, _)| {
                let acc = result.metric(*m).expect("a metric of the run");
                let (defined, undefined) = (acc.count(), acc.nan_count());
                (
                    m.name(),
                    MetricSummary {
                        unit: m.unit(),
                        summary: *summary,
                        defined_share: (undefined > 0)
                            .then(|| defined as f64 / (defined + undefined) as f64),
                    },
                )
            })
            .collect();
        let n = result.samples.max(1) as f64;
        let probabilities = PROBABILITIES
            .iter()
            .zip(&result.probabilities)
            .filter_map(|(p, c)| c.map(|c| (p.name(), c as f64 / n)))
            .collect();
        let bands = SERIES
            .iter()
            .zip(&result.series)
            .filter_map(|(s, accs)| {
                accs.as_ref().map(|accs| {
                    let qs: Vec<Vec<f64>> = accs
                        .par_iter()
                        .map(|a| a.quantiles(&[0.05, 0.25, 0.5, 0.75, 0.95]))
                        .collect();
                    let band = |i: usize| qs.iter().map(|q| q[i]).collect::<Vec<f64>>();
                    (
                        s.name(),
                        s.unit(),
                        SeriesBands {
                            p5: band(0),
                            p25: band(1),
                            p50: band(2),
                            p75: band(3),
                            p95: band(4),
                        },
                    )
                })
            })
            .collect();
        let sources: std::collections::HashMap<&str, &crate::scenario::Param> = scenario
            .params()
            .into_iter()
            .map(|p| (p.path.as_str(), p))
            .collect();
        let input_summaries: Vec<Summary> = result.inputs.par_iter().map(|a| a.summary()).collect();
        let inputs = sim
            .inputs
            .iter()
            .zip(&input_summaries)
            .map(|(input, s)| InputSummary {
                path: input.path.clone(),
                dist: input.marginal.to_string(),
                source: sources
                    .get(input.path.as_str())
                    .and_then(|p| p.source.clone()),
                mean: s.mean,
                min: s.min,
                max: s.max,
                p5: s.p5,
                p50: s.p50,
                p95: s.p95,
                note: sources
                    .get(input.path.as_str())
                    .and_then(|p| p.note.clone()),
            })
            .collect();
        let correlations = result
            .correlations
            .iter()
            .map(|&(i, j, target, achieved)| CorrelationSummary {
                between: [sim.inputs[i].path.clone(), sim.inputs[j].path.clone()],
                target,
                achieved,
            })
            .collect();
        let distributions = per_metric
            .into_iter()
            .map(|(m, _, quantiles)| Distribution {
                metric: m.name(),
                unit: m.unit(),
                charted: m.is_answer(),
                quantiles,
            })
            .collect();
        let undefined_samples = METRICS
            .iter()
            .filter_map(|&m| {
                let acc = result.metric(m)?;
                (acc.nan_count() > 0).then(|| (m.name(), acc.nan_count()))
            })
            .collect();
        Report {
            about: About::of(scenario),
            scenario: scenario.name.clone(),
            file: scenario.file.clone().unwrap_or_else(|| "(embedded)".into()),
            scenario_sha256: scenario.sha256.clone(),
            version: VERSION,
            samples: result.samples,
            seed: result.seed,
            sampler: result.sampler.as_str(),
            metrics,
            probabilities,
            series: SeriesReport {
                years: sim.plan.calendar_years(),
                bands,
            },
            inputs,
            correlations,
            precision: precision.map(|target| PrecisionSummary {
                target,
                converged: result.converged.unwrap_or(false),
            }),
            distributions,
            undefined_samples,
        }
    }

    pub fn metric(&self, name: &str) -> Option<&MetricSummary> {
        self.metrics
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, m)| m)
    }

    pub fn to_json(&self) -> String {
        pretty_json(self)
    }

    /// One sentence per metric that was undefined in some samples.
    pub fn undefined_lines(&self) -> Vec<String> {
        self.undefined_samples
            .iter()
            .map(|(name, n)| {
                format!(
                    "{name} is undefined in {n} of {} samples (a zero denominator, e.g. nothing \
                     served in the term, or a result too large to represent); its statistics \
                     leave them out",
                    self.samples
                )
            })
            .collect()
    }

    /// The unit a person reads for a metric: where the scenario counts input tokens too, the
    /// tokens of `tokens` and `cost_per_mtok_usd` are said to be output tokens (the JSON keeps
    /// the v1 unit strings).
    pub(crate) fn display_unit<'a>(&self, name: &str, unit: &'a str) -> &'a str {
        let split = self.metrics.iter().any(|(n, _)| *n == "input_tokens");
        display_unit(name, unit, split)
    }

    /// The summary table for a terminal: headline metrics first, then the rest.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", text::printable(&self.scenario));
        let _ = writeln!(
            out,
            "{} samples · seed {} · sampler {} · {}",
            self.samples, self.seed, self.sampler, self.version
        );
        if let Some(p) = &self.precision {
            let _ = writeln!(
                out,
                "precision target ±{}% on headline means: {}",
                format::sig3(p.target * 100.0),
                if p.converged {
                    "met"
                } else {
                    "NOT met (sample cap reached)"
                }
            );
        }
        for line in self.undefined_lines() {
            let _ = writeln!(out, "note: {line}");
        }
        let rows = |headline: bool| -> Vec<[String; 6]> {
            self.metrics
                .iter()
                .filter(|(name, _)| {
                    Metric::from_name(name).is_some_and(|m| m.is_headline() == headline)
                })
                .map(|(name, m)| {
                    let s = &m.summary;
                    [
                        name.to_string(),
                        format::unit_column(self.display_unit(name, m.unit)).to_string(),
                        format::bare(s.p5, m.unit),
                        format::bare(s.p50, m.unit),
                        format::bare(s.p95, m.unit),
                        format::bare(s.mean, m.unit),
                    ]
                })
                .collect()
        };
        let header = ["metric", "unit", "p5", "p50", "p95", "mean"].map(String::from);
        let _ = writeln!(out, "\nHeadline");
        out.push_str(&text_table_left(&header, &rows(true), 2));
        let _ = writeln!(out, "\nOther metrics");
        out.push_str(&text_table_left(&header, &rows(false), 2));
        if !self.probabilities.is_empty() {
            let _ = writeln!(out, "\nProbabilities");
            let prow: Vec<[String; 2]> = self
                .probabilities
                .iter()
                .map(|(n, p)| [n.to_string(), format!("{}%", format::sig3(p * 100.0))])
                .collect();
            out.push_str(&text_table(&["event".into(), "probability".into()], &prow));
        }
        if !self.correlations.is_empty() {
            let _ = writeln!(out, "\nRank correlations (target → achieved)");
            for c in &self.correlations {
                let _ = writeln!(
                    out,
                    "  {} ~ {}: {:.2} → {:.3}",
                    text::printable(&c.between[0]),
                    text::printable(&c.between[1]),
                    c.target,
                    c.achieved
                );
            }
        }
        out
    }

    /// CSV: one row per metric, probability and series year. Text cells that a spreadsheet
    /// would run as a formula are neutralised.
    pub fn to_csv(&self) -> String {
        let mut w = CsvText::new();
        let head = [
            "kind", "name", "year", "unit", "mean", "sd", "se", "min", "p5", "p25", "p50", "p75",
            "p95", "max",
        ];
        w.record(head);
        let f = csv::number;
        for (name, m) in &self.metrics {
            let s = &m.summary;
            let row = [
                "metric".into(),
                safe_cell(name),
                String::new(),
                safe_cell(m.unit),
                f(s.mean),
                f(s.sd),
                f(s.se),
                f(s.min),
                f(s.p5),
                f(s.p25),
                f(s.p50),
                f(s.p75),
                f(s.p95),
                f(s.max),
            ];
            w.record(&row);
        }
        for (name, p) in &self.probabilities {
            let mut row = vec![
                "probability".to_string(),
                safe_cell(name),
                String::new(),
                "probability".into(),
                f(*p),
            ];
            row.resize(head.len(), String::new());
            w.record(&row);
        }
        for (name, unit, b) in &self.series.bands {
            for (k, year) in self.series.years.iter().enumerate() {
                let row = [
                    "series".into(),
                    safe_cell(name),
                    year.to_string(),
                    safe_cell(unit),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    f(b.p5[k]),
                    f(b.p25[k]),
                    f(b.p50[k]),
                    f(b.p75[k]),
                    f(b.p95[k]),
                    String::new(),
                ];
                w.record(&row);
            }
        }
        w.finish()
    }

    /// Markdown: the headline answers, every metric, the probabilities and every input with its
    /// distribution and source.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# {}\n", md_escape(&self.scenario));
        let _ = writeln!(
            out,
            "`{}` · {} samples · seed {} · sampler {} · {} · sha256 `{}`\n",
            md_escape(&self.file),
            self.samples,
            self.seed,
            self.sampler,
            self.version,
            self.scenario_sha256
        );
        for line in self.undefined_lines() {
            let _ = writeln!(out, "> Note: {}\n", md_escape(&line));
        }
        let _ = writeln!(out, "## Metrics\n");
        let _ = writeln!(out, "| metric | unit | p5 | p50 | p95 | mean | se |");
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|");
        let mut ordered: Vec<&(&str, MetricSummary)> = self.metrics.iter().collect();
        ordered.sort_by_key(|(n, _)| !is_headline(n));
        for (name, m) in ordered {
            let s = &m.summary;
            let bold = if is_headline(name) { "**" } else { "" };
            let _ = writeln!(
                out,
                "| {bold}{name}{bold} | {} | {} | {} | {} | {} | {} |",
                format::unit_column(self.display_unit(name, m.unit)),
                format::bare(s.p5, m.unit),
                format::bare(s.p50, m.unit),
                format::bare(s.p95, m.unit),
                format::bare(s.mean, m.unit),
                format::bare(s.se, m.unit),
            );
        }
        if !self.probabilities.is_empty() {
            let _ = writeln!(
                out,
                "\n## Probabilities\n\n| event | probability |\n|---|---:|"
            );
            for (n, p) in &self.probabilities {
                let _ = writeln!(out, "| {n} | {}% |", format::sig3(p * 100.0));
            }
        }
        let _ = writeln!(out, "\n## Yearly medians (p5–p95)\n");
        let _ = write!(out, "| series |");
        for y in &self.series.years {
            let _ = write!(out, " {y} |");
        }
        let _ = write!(out, "\n|---|");
        for _ in &self.series.years {
            let _ = write!(out, "---:|");
        }
        out.push('\n');
        for (name, unit, b) in &self.series.bands {
            match format::unit_column(unit) {
                "" => {
                    let _ = write!(out, "| {name} |");
                }
                u => {
                    let _ = write!(out, "| {name} ({u}) |");
                }
            }
            for k in 0..self.series.years.len() {
                let _ = write!(
                    out,
                    " {} ({}–{}) |",
                    format::bare(b.p50[k], unit),
                    format::bare(b.p5[k], unit),
                    format::bare(b.p95[k], unit)
                );
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "\n## Inputs\n\n| path | distribution | p5 | p50 | p95 | source |\n|---|---|---:|---:|---:|---|"
        );
        for i in &self.inputs {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} |",
                md_escape(&i.path),
                md_escape(&i.dist),
                format::sig3(i.p5),
                format::sig3(i.p50),
                format::sig3(i.p95),
                md_escape(i.source.as_deref().unwrap_or("—"))
            );
        }
        if !self.correlations.is_empty() {
            let _ = writeln!(
                out,
                "\n## Rank correlations\n\n| between | target | achieved |\n|---|---:|---:|"
            );
            for c in &self.correlations {
                let _ = writeln!(
                    out,
                    "| `{}` ~ `{}` | {:.2} | {:.3} |",
                    md_escape(&c.between[0]),
                    md_escape(&c.between[1]),
                    c.target,
                    c.achieved
                );
            }
        }
        out
    }
}

/// Escape text from a scenario for a Markdown table cell: markup characters as entities, line
/// breaks as spaces, other control characters as escapes (`\u{1b}`).
pub fn md_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => o.push_str("\\|"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '\n' | '\r' => o.push(' '),
            c => o.push(c),
        }
    }
    text::printable(&o).into_owned()
}

/// The unit a person reads for a metric: where input tokens are counted too (`split`), the
/// tokens of `tokens` and `cost_per_mtok_usd` are output tokens.
pub(crate) fn display_unit<'a>(name: &str, unit: &'a str, split: bool) -> &'a str {
    match name {
        "cost_per_mtok_usd" if split => "USD per million output tokens",
        "tokens" if split => "output tokens",
        _ => unit,
    }
}

/// A plain aligned text table: first column left, the others right. Rows may be arrays or
/// vectors; a short row leaves its last cells empty. Cells are shown printable and cut to
/// [`text::MAX_CELL_CHARS`].
pub fn text_table<R: AsRef<[String]>>(header: &[String], rows: &[R]) -> String {
    text_table_left(header, rows, 1)
}

/// [`text_table`] with its first `left` columns aligned left (names, units) and the rest right
/// (numbers); no line ends in spaces.
pub fn text_table_left<R: AsRef<[String]>>(header: &[String], rows: &[R], left: usize) -> String {
    let cells: Vec<Vec<String>> = std::iter::once(header)
        .chain(rows.iter().map(|r| r.as_ref()))
        .map(|r| r.iter().map(|c| text::cell(c)).collect())
        .collect();
    let mut widths = vec![0usize; header.len()];
    for r in &cells {
        for (w, c) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in &cells {
        let mut line = String::new();
        for (i, (c, &w)) in r.iter().zip(&widths).enumerate() {
            line.push_str("  ");
            text::pad(&mut line, c, w, i < left);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_scenario_text() {
        assert_eq!(
            md_escape("<script>a|b</script>"),
            "&lt;script&gt;a\\|b&lt;/script&gt;"
        );
    }
}
