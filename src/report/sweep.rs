//! The report of `gwsim sweep`: MODEL.md's JSON (`{ "path", "metric", "points": [ { "value",
//! "p5", "p50", "p95", "mean" } ] }`), CSV (`value,p5,p50,p95,mean`), a table, and a chart of
//! the metric's band against the swept value.

use std::fmt::Write as _;

use serde::Serialize;

use super::chart::{self, Chart, ChartOutcome, Fan, FanAxis, Heatmap, labels};
use super::csv::{self, CsvText};
use super::{SeriesBands, format, text_table};
use crate::engine::sweep::{GridPoint, SweepPoint};

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

/// One point of a two-way sweep: both values and the metric's p5, p50, p95 and mean there.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct GridPointReport {
    /// The first path's value, then the second's.
    pub values: [f64; 2],
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub mean: f64,
}

/// One statistic of a grid point.
type Stat = fn(&GridPointReport) -> f64;

/// `gwsim sweep FILE --set-range A=… --set-range B=… --metric M`: the metric over the grid of
/// A's values (rows) by B's (columns), every point on the same random numbers. The JSON is
/// `{ "paths": [A, B], "metric", "points": [ { "values": [a, b], "p5", "p50", "p95", "mean" } ] }`,
/// the points row by row (A's value outer).
#[derive(Debug, Clone, Serialize)]
pub struct SweepGridReport {
    pub paths: [String; 2],
    pub metric: &'static str,
    pub points: Vec<GridPointReport>,
    /// The values of each path, in order (not in the JSON: the points hold them).
    #[serde(skip)]
    pub rows: Vec<f64>,
    #[serde(skip)]
    pub columns: Vec<f64>,
    #[serde(skip)]
    pub unit: &'static str,
    #[serde(skip)]
    pub scenario: String,
    #[serde(skip)]
    pub samples: u64,
    #[serde(skip)]
    pub seed: u64,
}

impl SweepGridReport {
    /// The report of `points`, row by row: one per value of the first axis (rows) with each of
    /// the second's (columns); an axis is its path and its values.
    pub fn new(
        axes: [(&str, &[f64]); 2],
        metric: crate::model::Metric,
        scenario: &str,
        samples: u64,
        seed: u64,
        points: &[GridPoint],
    ) -> SweepGridReport {
        let [(row_path, rows), (column_path, columns)] = axes;
        SweepGridReport {
            paths: [row_path.to_string(), column_path.to_string()],
            metric: metric.name(),
            points: points
                .iter()
                .map(|p| GridPointReport {
                    values: [p.x, p.y],
                    p5: p.p5,
                    p50: p.p50,
                    p95: p.p95,
                    mean: p.mean,
                })
                .collect(),
            rows: rows.to_vec(),
            columns: columns.to_vec(),
            unit: metric.unit(),
            scenario: scenario.to_string(),
            samples,
            seed,
        }
    }

    pub fn to_json(&self) -> String {
        super::pretty_json(self)
    }

    /// Long (tidy) CSV, one point a line: `A,B,p5,p50,p95,mean`, the paths as the first two
    /// headers, full precision.
    pub fn to_csv(&self) -> String {
        let mut w = CsvText::new();
        w.record([
            csv::safe_cell(&self.paths[0]),
            csv::safe_cell(&self.paths[1]),
            "p5".into(),
            "p50".into(),
            "p95".into(),
            "mean".into(),
        ]);
        for p in &self.points {
            w.record([p.values[0], p.values[1], p.p5, p.p50, p.p95, p.mean].map(csv::number));
        }
        w.finish()
    }

    /// `grid[row][column]` of one statistic; `None` when the points do not fill the grid.
    pub(crate) fn grid(&self, stat: Stat) -> Option<Vec<Vec<f64>>> {
        let cols = self.columns.len();
        if cols == 0 || self.points.len() != self.rows.len() * cols {
            return None;
        }
        Some(
            self.points
                .chunks(cols)
                .map(|row| row.iter().map(stat).collect())
                .collect(),
        )
    }

    /// The three statistics shown as grids: p50 first (the heatmap's), then p5 and p95.
    const GRIDS: [(&'static str, Stat); 3] =
        [("p50", |p| p.p50), ("p5", |p| p.p5), ("p95", |p| p.p95)];

    /// The grids shown ([`Self::GRIDS`]), each as its name and its rows: the row's value as
    /// the table shows it, then a cell per column written by `cell`.
    fn matrices(&self, cell: impl Fn(f64) -> String) -> Vec<(&'static str, Vec<Vec<String>>)> {
        let rows = format::distinct(&self.rows);
        Self::GRIDS
            .iter()
            .filter_map(|&(name, stat)| {
                let grid = self.grid(stat)?;
                let body = grid
                    .iter()
                    .zip(&rows)
                    .map(|(g, label)| {
                        std::iter::once(label.clone())
                            .chain(g.iter().map(|&v| cell(v)))
                            .collect()
                    })
                    .collect();
                Some((name, body))
            })
            .collect()
    }

    /// The grid for a terminal: the medians as a matrix (rows the first path's values, columns
    /// the second's, as the heatmap), then the p5 and p95 matrices in the same layout. A matrix
    /// shows how the metric moves along both values at a glance, which a long table of N1 × N2
    /// lines does not; the long form is the CSV.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.scenario);
        let _ = writeln!(
            out,
            "{} ({}) as {} (rows) and {} (columns) move · {} samples per point · seed {} (the same random numbers at every point)",
            self.metric, self.unit, self.paths[0], self.paths[1], self.samples, self.seed
        );
        let cols = format::distinct(&self.columns);
        for (name, body) in self.matrices(|v| format::bare(v, self.unit)) {
            let _ = writeln!(out, "\n{name}");
            let mut header = vec![format!("{} \\ {}", self.paths[0], self.paths[1])];
            header.extend(cols.iter().cloned());
            out.push_str(&text_table(&header, &body));
        }
        out
    }

    /// Markdown: the p50, p5 and p95 grids as tables.
    pub fn to_markdown(&self) -> String {
        use crate::report::format::with_unit;
        let mut out = format!(
            "# {}: {} as `{}` and `{}` move\n\n{} samples per point · seed {} · rows `{}`, columns `{}`\n",
            crate::report::md_escape(&self.scenario),
            self.metric,
            self.paths[0],
            self.paths[1],
            self.samples,
            self.seed,
            self.paths[0],
            self.paths[1]
        );
        let cols = format::distinct(&self.columns);
        for (name, body) in self.matrices(|v| with_unit(v, self.unit)) {
            let _ = write!(
                out,
                "\n## {name}\n\n| {} \\\\ {} | {} |\n|---:|{}\n",
                self.paths[0],
                self.paths[1],
                cols.join(" | "),
                "---:|".repeat(cols.len())
            );
            for row in body {
                let _ = writeln!(out, "| {} |", row.join(" | "));
            }
        }
        out
    }

    /// The heatmap of the medians: a cell per point, its value printed in it.
    pub fn chart(&self) -> Chart {
        let label = labels::metric_label(self.metric);
        Chart::Heatmap(Heatmap {
            title: chart::chart_title(
                &self.scenario,
                &format!("{label}, {} × {}", self.paths[0], self.paths[1]),
            ),
            subtitle: format!(
                "the median{} in each cell · {} samples per point, the same random numbers at every point",
                if self.unit.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", self.unit)
                },
                labels::thousands(self.samples as f64)
            ),
            row_desc: axis_with_unit(&self.paths[0]),
            column_desc: axis_with_unit(&self.paths[1]),
            row_labels: format::distinct(&self.rows),
            column_labels: format::distinct(&self.columns),
            value_desc: "median".to_string(),
            unit: self.unit.to_string(),
            values: self.grid(|p| p.p50).unwrap_or_default(),
        })
    }

    /// Write the heatmap as `sweep_heatmap_<metric>.svg` and `.png`.
    pub fn render_chart(&self, dest: &mut chart::ChartDest<'_>) -> ChartOutcome {
        chart::write_chart_to(
            &self.chart(),
            dest,
            &format!("sweep_heatmap_{}", self.metric),
        )
    }
}

/// A swept path as an axis title, with its unit when the path's name gives one.
fn axis_with_unit(path: &str) -> String {
    match path_unit(path) {
        "" => path.to_string(),
        u => format!("{path} ({u})"),
    }
}
