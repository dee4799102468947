//! The report of `gwsim sweep`: MODEL.md's JSON (`{ "path", "metric", "points": [ { "value",
//! "p5", "p50", "p95", "mean" } ] }`), CSV (`value,p5,p50,p95,mean`), a table, and a chart of
//! the metric's band against the swept value.

use std::fmt::Write as _;

use serde::Serialize;

use super::chart::{self, Chart, ChartOutcome, Fan, FanAxis, labels};
use super::csv::{self, CsvText};
use super::{SeriesBands, format, text_table};
use crate::engine::sweep::SweepPoint;

/// One point: the value and the metric's p5, p50, p95 and mean there.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SweepPointReport {
    pub value: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub mean: f64,
    /// For the chart's inner band (not in the JSON).
    #[serde(skip)]
    pub p25: f64,
    #[serde(skip)]
    pub p75: f64,
}

/// `gwsim sweep FILE --set-range PATH=LO:HI:N --metric M --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct SweepReport {
    pub path: String,
    pub metric: &'static str,
    pub points: Vec<SweepPointReport>,
    /// The metric's unit, the scenario, samples and seed: for the table and chart (not in the JSON).
    #[serde(skip)]
    pub unit: &'static str,
    #[serde(skip)]
    pub scenario: String,
    #[serde(skip)]
    pub samples: u64,
    #[serde(skip)]
    pub seed: u64,
}

impl SweepReport {
    pub fn new(
        path: &str,
        metric: crate::model::Metric,
        scenario: &str,
        samples: u64,
        seed: u64,
        points: &[SweepPoint],
    ) -> SweepReport {
        SweepReport {
            path: path.to_string(),
            metric: metric.name(),
            points: points
                .iter()
                .map(|p| SweepPointReport {
                    value: p.value,
                    p5: p.p5,
                    p50: p.p50,
                    p95: p.p95,
                    mean: p.mean,
                    p25: p.p25,
                    p75: p.p75,
                })
                .collect(),
            unit: metric.unit(),
            scenario: scenario.to_string(),
            samples,
            seed,
        }
    }

    pub fn to_json(&self) -> String {
        super::pretty_json(self)
    }

    /// CSV with header `value,p5,p50,p95,mean`, full precision.
    pub fn to_csv(&self) -> String {
        let mut w = CsvText::new();
        w.record(["value", "p5", "p50", "p95", "mean"]);
        for p in &self.points {
            w.record([p.value, p.p5, p.p50, p.p95, p.mean].map(csv::number));
        }
        w.finish()
    }

    /// The swept values as the table and Markdown show them: as many digits as keep
    /// neighbours apart (the CSV and JSON keep full precision).
    pub fn value_labels(&self) -> Vec<String> {
        format::distinct(&self.points.iter().map(|p| p.value).collect::<Vec<_>>())
    }

    /// A Markdown table of the points.
    pub fn to_markdown(&self) -> String {
        use crate::report::format::with_unit;
        let mut out = format!(
            "# {}: {} as `{}` moves\n\n{} samples per point · seed {}\n\n| {} | p5 | p50 | p95 | mean |\n|---:|---:|---:|---:|---:|\n",
            crate::report::md_escape(&self.scenario),
            self.metric,
            self.path,
            self.samples,
            self.seed,
            self.path
        );
        for (p, label) in self.points.iter().zip(self.value_labels()) {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                label,
                with_unit(p.p5, self.unit),
                with_unit(p.p50, self.unit),
                with_unit(p.p95, self.unit),
                with_unit(p.mean, self.unit)
            ));
        }
        out
    }

    /// The sweep for a terminal: one row per value.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.scenario);
        let _ = writeln!(
            out,
            "{} ({}) as {} moves · {} samples per point · seed {} (the same random numbers at every point)\n",
            self.metric, self.unit, self.path, self.samples, self.seed
        );
        let header = [
            self.path.clone(),
            "p5".into(),
            "p50".into(),
            "p95".into(),
            "mean".into(),
        ];
        let rows: Vec<[String; 5]> = self
            .points
            .iter()
            .zip(self.value_labels())
            .map(|(p, label)| {
                [
                    label,
                    format::bare(p.p5, self.unit),
                    format::bare(p.p50, self.unit),
                    format::bare(p.p95, self.unit),
                    format::bare(p.mean, self.unit),
                ]
            })
            .collect();
        out.push_str(&text_table(&header, &rows));
        out
    }

    /// The band chart: p5–p95 and p25–p75 shaded, the median as a line, against the value.
    pub fn chart(&self) -> Chart {
        let col = |f: fn(&SweepPointReport) -> f64| self.points.iter().map(f).collect();
        let label = labels::metric_label(self.metric);
        Chart::Fan(Fan {
            title: chart::chart_title(&self.scenario, &format!("{label} as {} moves", self.path)),
            subtitle: format!(
                "median line, p25–p75 and p5–p95 bands at each value · {} samples per point, the same random numbers at every point",
                labels::thousands(self.samples as f64)
            ),
            y_desc: label,
            unit: self.unit.to_string(),
            x: col(|p| p.value),
            x_axis: FanAxis::Value {
                desc: self.path.clone(),
                unit: path_unit(&self.path).to_string(),
            },
            bands: SeriesBands {
                p5: col(|p| p.p5),
                p25: col(|p| p.p25),
                p50: col(|p| p.p50),
                p75: col(|p| p.p75),
                p95: col(|p| p.p95),
            },
        })
    }

    /// Write the band chart as `sweep_<metric>.svg` and `.png` into `dir`.
    pub fn render_chart(&self, dest: &mut chart::ChartDest<'_>) -> ChartOutcome {
        chart::write_chart_to(&self.chart(), dest, &format!("sweep_{}", self.metric))
    }
}

/// A value's unit from the suffix of its path's last key (MODEL.md: key names carry their unit).
pub fn path_unit(path: &str) -> &'static str {
    let key = path.rsplit('.').next().unwrap_or(path);
    if key.ends_with("usd_per_gpu_hour") {
        "USD per GPU-hour"
    } else if key.ends_with("usd_per_mtok") {
        "USD per million tokens"
    } else if key.ends_with("usd_per_kwh") {
        "USD per kWh"
    } else if key.ends_with("usd_per_mw") {
        "USD per MW"
    } else if key.ends_with("_usd") {
        "USD"
    } else if key.ends_with("_mw") {
        "MW"
    } else {
        ""
    }
}
