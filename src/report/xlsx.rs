//! `--xlsx FILE`: the report of `run`, `compare`, `sweep` or `sensitivity` as an Excel workbook.
//!
//! The workbook holds the numbers of the JSON report, as numbers (never text), each with an
//! Excel number format chosen by its magnitude and its unit in a column or a header; and native
//! Excel charts that the analyst can restyle. A value that is not finite (an undefined metric)
//! is an empty cell: Excel has no NaN.
//!
//! `run` sheets: *Summary* (one row per metric: unit, mean, sd, se, min, p5, p25, p50, p75, p95,
//! max, the headline metrics first), *Charts* (the distribution of each headline metric as a
//! cumulative curve, and each yearly series' p5–p95 lines), *Series* (series × year × p5, p25,
//! p50, p75, p95), *Distributions* (each headline metric's quantiles at 0, 0.5%, …, 100%: the
//! data of the curves), *Probabilities*, *Inputs* (path, distribution, mean, p5, p50, p95,
//! source, note), *Samples* (with `--xlsx-samples`) and *About* (scenario, file, hash, samples,
//! seed, sampler, version).
//!
//! The samples sheet is streamed to a temporary file row by row as the run goes (constant
//! memory), and holds at most [`MAX_SAMPLE_ROWS`] samples: Excel's 1,048,576 rows less the
//! header.

use std::io::Write;

use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, Worksheet, XlsxError};

use super::Report;
use super::compare::CompareReport;
use super::sensitivity::SensitivityReport;
use super::sweep::{SweepGridReport, SweepReport};
use crate::error::Error;

/// Rows of an Excel worksheet.
pub const EXCEL_MAX_ROWS: u32 = 1_048_576;

/// Samples the samples sheet holds: every row but the header.
pub const MAX_SAMPLE_ROWS: u64 = EXCEL_MAX_ROWS as u64 - 1;

/// Characters of an Excel cell.
const MAX_CELL_CHARS: usize = 32_767;

/// Bars of the sensitivity chart (the largest total indices; the table lists every input).
const SENSITIVITY_BARS: usize = 15;

/// Chart size in pixels.
const CHART_WIDTH: u32 = 640;
const CHART_HEIGHT: u32 = 320;
/// Rows a chart takes on the charts sheet, with a gap (at Excel's default 20-pixel rows).
const CHART_ROWS: u32 = 17;

/// The error of writing the workbook at `path`.
fn xlsx_error(path: &str, e: XlsxError) -> Error {
    Error::Io {
        path: path.to_string(),
        source: match e {
            XlsxError::IoError(io) => io,
            other => std::io::Error::other(other.to_string()),
        },
    }
}

/// An Excel number format for values of `unit` around `typical`: years as whole numbers,
/// thousands separated, very large or very small values in scientific notation.
fn number_format(unit: &str, typical: f64) -> &'static str {
    let a = typical.abs();
    if unit == "year" || unit == "calendar year" {
        "0"
    } else if !a.is_finite() || a == 0.0 {
        "General"
    } else if a >= 1e12 {
        "0.000E+00"
    } else if a >= 1e3 {
        "#,##0"
    } else if a >= 10.0 {
        "#,##0.0"
    } else if a >= 0.01 {
        "0.000"
    } else {
        "0.000E+00"
    }
}

/// The cell formats of a workbook.
struct Formats {
    header: Format,
    percent: Format,
    by_code: Vec<(&'static str, Format)>,
}

impl Formats {
    fn new() -> Formats {
        let codes = [
            "0",
            "General",
            "0.000E+00",
            "#,##0",
            "#,##0.0",
            "0.000",
            "0.00",
        ];
        Formats {
            header: Format::new().set_bold(),
            percent: Format::new().set_num_format("0.0%"),
            by_code: codes
                .iter()
                .map(|&c| (c, Format::new().set_num_format(c)))
                .collect(),
        }
    }

    fn code(&self, code: &str) -> &Format {
        self.by_code
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(&self.header, |(_, f)| f)
    }

    fn number(&self, unit: &str, typical: f64) -> &Format {
        self.code(number_format(unit, typical))
    }
}

/// A sheet being filled, with the path of the workbook for errors.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    path: &'a str,
}

impl Sheet<'_> {
    /// A number, or an empty cell when `x` is not finite.
    fn num(&mut self, row: u32, col: u16, x: f64, f: &Format) -> Result<(), Error> {
        if x.is_finite() {
            self.ws
                .write_number_with_format(row, col, x, f)
                .map_err(|e| xlsx_error(self.path, e))?;
        }
        Ok(())
    }

    /// Text, cut to Excel's cell size (ending with `…` when cut); written as text, so never
    /// run as a formula.
    fn text(&mut self, row: u32, col: u16, s: &str) -> Result<(), Error> {
        self.ws
            .write_string(row, col, crate::report::text::elide(s, MAX_CELL_CHARS))
            .map_err(|e| xlsx_error(self.path, e))?;
        Ok(())
    }

    /// A bold header row at `row`, frozen when it is the first, and column widths.
    fn header(
        &mut self,
        row: u32,
        cells: &[&str],
        widths: &[f64],
        f: &Formats,
    ) -> Result<(), Error> {
        for (c, h) in cells.iter().enumerate() {
            self.ws
                .write_string_with_format(row, c as u16, *h, &f.header)
                .map_err(|e| xlsx_error(self.path, e))?;
        }
        for (c, w) in widths.iter().enumerate() {
            self.ws
                .set_column_width(c as u16, *w)
                .map_err(|e| xlsx_error(self.path, e))?;
        }
        if row == 0 {
            self.ws
                .set_freeze_panes(1, 0)
                .map_err(|e| xlsx_error(self.path, e))?;
        }
        Ok(())
    }

    fn chart(&mut self, row: u32, col: u16, chart: &Chart) -> Result<(), Error> {
        self.ws
            .insert_chart(row, col, chart)
            .map_err(|e| xlsx_error(self.path, e))?;
        Ok(())
    }
}

/// The sheet named `name` of `wb`.
fn sheet<'a>(wb: &'a mut Workbook, name: &str, path: &'a str) -> Result<Sheet<'a>, Error> {
    let ws = wb
        .worksheet_from_name(name)
        .map_err(|e| xlsx_error(path, e))?;
    Ok(Sheet { ws, path })
}

/// A new sheet named `name`.
fn add_sheet<'a>(wb: &'a mut Workbook, name: &str, path: &'a str) -> Result<Sheet<'a>, Error> {
    let ws = wb.add_worksheet();
    ws.set_name(name).map_err(|e| xlsx_error(path, e))?;
    Ok(Sheet { ws, path })
}

/// The *About* sheet: what produced the numbers.
fn about(
    wb: &mut Workbook,
    path: &str,
    rows: &[(&str, AboutValue)],
    f: &Formats,
) -> Result<(), Error> {
    let mut sh = add_sheet(wb, "About", path)?;
    sh.header(0, &["field", "value"], &[22.0, 70.0], f)?;
    for (r, (k, v)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sh.text(r, 0, k)?;
        match v {
            AboutValue::Text(s) => sh.text(r, 1, s)?,
            AboutValue::Number(x) => sh.num(r, 1, *x, f.code("0"))?,
        }
    }
    Ok(())
}

/// The *About* sheet of a sweep: the scenario, the swept values (`axes`: a label and a path
/// each), the metric and its unit, the samples per point and seed (`run`), the version.
#[allow(clippy::too_many_arguments)]
fn sweep_about(
    wb: &mut Workbook,
    path: &str,
    scenario: &str,
    axes: &[(&str, String)],
    metric: &str,
    unit: &str,
    run: (u64, u64),
    f: &Formats,
) -> Result<(), Error> {
    let mut rows = vec![("scenario", AboutValue::Text(scenario.to_string()))];
    rows.extend(axes.iter().map(|(k, p)| (*k, AboutValue::Text(p.clone()))));
    rows.extend([
        ("metric", AboutValue::Text(metric.to_string())),
        ("unit", AboutValue::Text(unit.to_string())),
        ("samples per point", AboutValue::Number(run.0 as f64)),
        ("seed", AboutValue::Number(run.1 as f64)),
        ("version", AboutValue::Text(super::VERSION.to_string())),
    ]);
    about(wb, path, &rows, f)
}

enum AboutValue {
    Text(String),
    Number(f64),
}

fn chart_base(kind: ChartType, title: &str, x: &str, y: &str) -> Chart {
    let mut c = Chart::new(kind);
    c.title().set_name(title);
    c.x_axis().set_name(x);
    c.y_axis().set_name(y);
    c.set_width(CHART_WIDTH).set_height(CHART_HEIGHT);
    c
}

/// The workbook of `gwsim run`, made before the run so that the samples can be streamed into
/// it (see the module docs).
pub struct RunWorkbook {
    wb: Workbook,
    path: String,
    formats: Formats,
    samples: Option<SamplesSheet>,
}

/// The samples sheet being streamed.
struct SamplesSheet {
    /// Rows written after the header.
    rows: u64,
    /// Samples seen, written or not.
    seen: u64,
    limit: u64,
}

/// The sheets of a run's workbook, in order; *Samples* follows when asked for, then *About*.
pub const RUN_SHEETS: [&str; 6] = [
    "Summary",
    "Charts",
    "Series",
    "Distributions",
    "Probabilities",
    "Inputs",
];

impl RunWorkbook {
    /// A workbook to be written to `path` (for errors), with a samples sheet of columns
    /// `sample`, then `inputs`, then `metrics` when `samples` is given.
    pub fn new(path: &str, samples: Option<(&[String], &[&str])>) -> Result<RunWorkbook, Error> {
        Self::with_limit(path, samples, MAX_SAMPLE_ROWS)
    }

    fn with_limit(
        path: &str,
        samples: Option<(&[String], &[&str])>,
        limit: u64,
    ) -> Result<RunWorkbook, Error> {
        let mut wb = Workbook::new();
        for name in RUN_SHEETS {
            add_sheet(&mut wb, name, path)?;
        }
        let formats = Formats::new();
        let samples = match samples {
            Some((inputs, metrics)) => {
                // A full samples sheet is more XML than a plain zip holds (4 GB): ZIP64, which
                // Excel reads.
                wb.use_zip_large_file(true);
                let ws = wb
                    .add_worksheet_with_constant_memory()
                    .map_err(|e| xlsx_error(path, e))?;
                ws.set_name("Samples").map_err(|e| xlsx_error(path, e))?;
                let mut sh = Sheet { ws, path };
                let mut head: Vec<&str> = vec!["sample"];
                head.extend(inputs.iter().map(String::as_str));
                head.extend(metrics.iter().copied());
                let widths = vec![14.0; head.len()];
                sh.header(0, &head, &widths, &formats)?;
                Some(SamplesSheet {
                    rows: 0,
                    seen: 0,
                    limit,
                })
            }
            None => None,
        };
        Ok(RunWorkbook {
            wb,
            path: path.to_string(),
            formats,
            samples,
        })
    }

    /// Append samples `first`, `first + 1`, … to the samples sheet: `columns` holds the values
    /// of each column after `sample` (the inputs, then the metrics), all of one length. Samples
    /// beyond the sheet's limit are counted, not written. Nothing without a samples sheet.
    pub fn push_samples(&mut self, first: u64, columns: &[&[f64]]) -> Result<(), Error> {
        let Some(s) = self.samples.as_mut() else {
            return Ok(());
        };
        let n = columns.first().map_or(0, |c| c.len());
        s.seen += n as u64;
        let room = s.limit.saturating_sub(s.rows);
        let take = (n as u64).min(room) as usize;
        if take == 0 {
            return Ok(());
        }
        let path = &self.path;
        let ws = self
            .wb
            .worksheet_from_name("Samples")
            .map_err(|e| xlsx_error(path, e))?;
        // Unformatted cells (Excel's General): a format is looked up at every write, and this
        // sheet may take a hundred million cells.
        for i in 0..take {
            let row = (s.rows + 1) as u32 + i as u32;
            ws.write_number(row, 0, (first + i as u64) as f64)
                .map_err(|e| xlsx_error(path, e))?;
            for (c, col) in columns.iter().enumerate() {
                if col[i].is_finite() {
                    ws.write_number(row, c as u16 + 1, col[i])
                        .map_err(|e| xlsx_error(path, e))?;
                }
            }
        }
        s.rows += take as u64;
        Ok(())
    }

    /// When the samples sheet left samples out: a sentence saying so.
    pub fn samples_note(&self) -> Option<String> {
        let s = self.samples.as_ref()?;
        (s.seen > s.rows).then(|| {
            format!(
                "--xlsx-samples: the Samples sheet holds the first {} of {} samples (an Excel \
                 sheet has {} rows, one of them the header); --samples-out FILE.csv writes them \
                 all",
                s.rows, s.seen, EXCEL_MAX_ROWS
            )
        })
    }

    /// Fill the sheets from `report` and write the workbook to `out`.
    pub fn finish(mut self, report: &Report, out: impl Write + Send) -> Result<(), Error> {
        let path = self.path.clone();
        let f = &self.formats;
        let wb = &mut self.wb;
        let headline_first = |name: &str| !super::is_headline(name);

        // Summary.
        let mut ordered: Vec<&(&str, super::MetricSummary)> = report.metrics.iter().collect();
        ordered.sort_by_key(|(n, _)| headline_first(n));
        {
            let mut sh = sheet(wb, "Summary", &path)?;
            let head = [
                "metric",
                "unit",
                "headline",
                "mean",
                "sd",
                "se",
                "min",
                "p5",
                "p25",
                "p50",
                "p75",
                "p95",
                "max",
                "defined share",
            ];
            let mut widths = vec![26.0, 30.0, 9.0];
            widths.extend([13.0; 11]);
            sh.header(0, &head, &widths, f)?;
            for (r, (name, m)) in ordered.iter().enumerate() {
                let r = r as u32 + 1;
                let s = &m.summary;
                let nf = f.number(m.unit, s.p50);
                sh.text(r, 0, name)?;
                sh.text(r, 1, report.display_unit(name, m.unit))?;
                let headline = super::is_headline(name);
                sh.text(r, 2, if headline { "yes" } else { "" })?;
                for (c, x) in [
                    s.mean, s.sd, s.se, s.min, s.p5, s.p25, s.p50, s.p75, s.p95, s.max,
                ]
                .into_iter()
                .enumerate()
                {
                    sh.num(r, 3 + c as u16, x, nf)?;
                }
                sh.num(r, 13, m.defined_share.unwrap_or(1.0), &f.percent)?;
            }
        }

        // Series: one row per series and year.
        let series_rows: Vec<(usize, u32, u32)> = {
            let mut sh = sheet(wb, "Series", &path)?;
            sh.header(
                0,
                &["series", "unit", "year", "p5", "p25", "p50", "p75", "p95"],
                &[24.0, 30.0, 8.0, 14.0, 14.0, 14.0, 14.0, 14.0],
                f,
            )?;
            let mut r = 1u32;
            let mut spans = Vec::new();
            for (k, (name, unit, b)) in report.series.bands.iter().enumerate() {
                let start = r;
                let typical = b.p50.iter().copied().fold(0.0_f64, |a, x| {
                    if x.is_finite() { a.max(x.abs()) } else { a }
                });
                let nf = f.number(unit, typical);
                for (y, year) in report.series.years.iter().enumerate() {
                    sh.text(r, 0, name)?;
                    sh.text(r, 1, unit)?;
                    sh.num(r, 2, f64::from(*year), f.code("0"))?;
                    for (c, x) in [b.p5[y], b.p25[y], b.p50[y], b.p75[y], b.p95[y]]
                        .into_iter()
                        .enumerate()
                    {
                        sh.num(r, 3 + c as u16, x, nf)?;
                    }
                    r += 1;
                }
                if r > start {
                    spans.push((k, start, r - 1));
                }
            }
            spans
        };

        // Distributions: the quantile grid of each headline metric.
        let charted: Vec<&super::Distribution> = report
            .distributions
            .iter()
            .filter(|d| super::is_headline(d.metric))
            .collect();
        let grid_rows = charted.first().map_or(0, |d| d.quantiles.len()) as u32;
        {
            let mut sh = sheet(wb, "Distributions", &path)?;
            let mut head = vec!["probability"];
            head.extend(charted.iter().map(|d| d.metric));
            let mut widths = vec![12.0];
            widths.extend(vec![18.0; charted.len()]);
            sh.header(0, &head, &widths, f)?;
            for i in 0..grid_rows {
                let p = f64::from(i) / f64::from(grid_rows.saturating_sub(1).max(1));
                sh.num(i + 1, 0, p, &f.percent)?;
            }
            for (c, d) in charted.iter().enumerate() {
                let typical = d
                    .quantiles
                    .get(d.quantiles.len() / 2)
                    .copied()
                    .unwrap_or(0.0);
                let nf = f.number(d.unit, typical);
                for (i, q) in d.quantiles.iter().enumerate() {
                    sh.num(i as u32 + 1, c as u16 + 1, *q, nf)?;
                }
            }
        }

        // Probabilities.
        {
            let mut sh = sheet(wb, "Probabilities", &path)?;
            sh.header(0, &["event", "probability"], &[30.0, 12.0], f)?;
            for (r, (name, p)) in report.probabilities.iter().enumerate() {
                sh.text(r as u32 + 1, 0, name)?;
                sh.num(r as u32 + 1, 1, *p, &f.percent)?;
            }
        }

        // Inputs.
        {
            let mut sh = sheet(wb, "Inputs", &path)?;
            sh.header(
                0,
                &[
                    "path",
                    "distribution",
                    "mean",
                    "min",
                    "p5",
                    "p50",
                    "p95",
                    "max",
                    "source",
                    "note",
                ],
                &[40.0, 36.0, 13.0, 13.0, 13.0, 13.0, 13.0, 13.0, 60.0, 40.0],
                f,
            )?;
            for (r, i) in report.inputs.iter().enumerate() {
                let r = r as u32 + 1;
                let unit = if crate::model::is_year_path(&i.path) {
                    "year"
                } else {
                    ""
                };
                let nf = f.number(unit, i.p50);
                sh.text(r, 0, &i.path)?;
                sh.text(r, 1, &i.dist)?;
                for (c, x) in [i.mean, i.min, i.p5, i.p50, i.p95, i.max]
                    .into_iter()
                    .enumerate()
                {
                    sh.num(r, 2 + c as u16, x, nf)?;
                }
                sh.text(r, 8, i.source.as_deref().unwrap_or("(no source)"))?;
                if let Some(n) = &i.note {
                    sh.text(r, 9, n)?;
                }
            }
        }

        // Charts: a cumulative curve per headline metric (left), the yearly series (right).
        {
            let mut sh = sheet(wb, "Charts", &path)?;
            for (c, d) in charted.iter().enumerate() {
                let unit = report.display_unit(d.metric, d.unit);
                let mut chart = chart_base(
                    ChartType::ScatterStraight,
                    &format!("{}: cumulative distribution", d.metric),
                    unit,
                    "probability",
                );
                let col = c as u16 + 1;
                chart
                    .add_series()
                    .set_name(d.metric)
                    .set_categories(("Distributions", 1, col, grid_rows, col))
                    .set_values(("Distributions", 1, 0, grid_rows, 0));
                chart.y_axis().set_num_format("0%").set_max(1.0);
                chart.legend().set_hidden();
                let median = d.quantiles.get(d.quantiles.len() / 2).copied();
                chart
                    .x_axis()
                    .set_num_format(number_format(d.unit, median.unwrap_or(0.0)));
                sh.chart(c as u32 * CHART_ROWS, 0, &chart)?;
            }
            for (s, (k, first, last)) in series_rows.iter().enumerate() {
                let (name, unit, _) = &report.series.bands[*k];
                let mut chart = chart_base(
                    ChartType::Line,
                    &format!("{name} by year (p5–p95)"),
                    "year",
                    unit,
                );
                for (c, label) in [(3u16, "p5"), (4, "p25"), (5, "p50"), (6, "p75"), (7, "p95")] {
                    chart
                        .add_series()
                        .set_name(label)
                        .set_categories(("Series", *first, 2, *last, 2))
                        .set_values(("Series", *first, c, *last, c));
                }
                sh.chart(s as u32 * CHART_ROWS, 11, &chart)?;
            }
        }

        about(
            wb,
            &path,
            &[
                ("scenario", AboutValue::Text(report.scenario.clone())),
                ("file", AboutValue::Text(report.file.clone())),
                (
                    "scenario sha256",
                    AboutValue::Text(report.scenario_sha256.clone()),
                ),
                ("samples", AboutValue::Number(report.samples as f64)),
                ("seed", AboutValue::Number(report.seed as f64)),
                ("sampler", AboutValue::Text(report.sampler.to_string())),
                ("version", AboutValue::Text(report.version.to_string())),
            ],
            f,
        )?;
        wb.save_to_writer(out).map_err(|e| xlsx_error(&path, e))
    }
}

/// The workbook of `gwsim compare`: *Compare* (one row per metric and scenario: p5, p50, p95,
/// mean, the paired difference from the first scenario and P(below the first)), *Charts* (each
/// headline metric's p5, p50 and p95 per scenario), *Probabilities* and *About*.
pub fn write_compare(
    report: &CompareReport,
    path: &str,
    out: impl Write + Send,
) -> Result<(), Error> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    let mut ordered: Vec<&(&str, super::compare::MetricCompare)> = report.metrics.iter().collect();
    ordered.sort_by_key(|(n, _)| !super::is_headline(n));
    // (metric, first row, last row) of each headline metric, for the charts.
    let mut spans: Vec<(&str, u32, u32)> = Vec::new();
    {
        let mut sh = add_sheet(&mut wb, "Compare", path)?;
        sh.header(
            0,
            &[
                "metric",
                "unit",
                "scenario",
                "p5",
                "p50",
                "p95",
                "mean",
                "difference p5",
                "difference p50",
                "difference p95",
                "difference mean",
                "P(below first)",
                "pairs",
            ],
            &[
                26.0, 30.0, 30.0, 14.0, 14.0, 14.0, 14.0, 15.0, 15.0, 15.0, 15.0, 14.0, 10.0,
            ],
            &f,
        )?;
        let mut r = 1u32;
        for (name, m) in &ordered {
            let start = r;
            let typical = m.per_scenario.first().map_or(0.0, |b| b.p50);
            let nf = f.number(m.unit, typical);
            for (k, band) in m.per_scenario.iter().enumerate() {
                sh.text(r, 0, name)?;
                sh.text(r, 1, m.unit)?;
                sh.text(r, 2, report.scenarios.get(k).map_or("", String::as_str))?;
                for (c, x) in [band.p5, band.p50, band.p95, band.mean]
                    .into_iter()
                    .enumerate()
                {
                    sh.num(r, 3 + c as u16, x, nf)?;
                }
                if let Some(Some(d)) = m.difference.get(k) {
                    for (c, x) in [d.p5, d.p50, d.p95, d.mean].into_iter().enumerate() {
                        sh.num(r, 7 + c as u16, x, nf)?;
                    }
                }
                if let Some(Some(p)) = m.p_lower.get(k) {
                    sh.num(r, 11, *p, &f.percent)?;
                }
                if let Some(Some(n)) = m.pairs.get(k) {
                    sh.num(r, 12, *n as f64, f.code("0"))?;
                }
                r += 1;
            }
            if super::is_headline(name) && r > start {
                spans.push((name, start, r - 1));
            }
        }
    }
    {
        let mut sh = add_sheet(&mut wb, "Charts", path)?;
        for (i, (name, first, last)) in spans.iter().enumerate() {
            let unit = report.metric(name).map_or("", |m| m.unit);
            let mut chart = chart_base(ChartType::Column, name, "scenario", unit);
            for (c, label) in [(3u16, "p5"), (4, "p50"), (5, "p95")] {
                chart
                    .add_series()
                    .set_name(label)
                    .set_categories(("Compare", *first, 2, *last, 2))
                    .set_values(("Compare", *first, c, *last, c));
            }
            sh.chart((i / 2) as u32 * CHART_ROWS, (i % 2) as u16 * 11, &chart)?;
        }
    }
    {
        let mut sh = add_sheet(&mut wb, "Probabilities", path)?;
        let mut head = vec!["event"];
        head.extend(report.scenarios.iter().map(String::as_str));
        let mut widths = vec![30.0];
        widths.extend(vec![20.0; report.scenarios.len()]);
        sh.header(0, &head, &widths, &f)?;
        for (r, (name, p)) in report.probabilities.iter().enumerate() {
            let r = r as u32 + 1;
            sh.text(r, 0, name)?;
            for (c, x) in p.per_scenario.iter().enumerate() {
                sh.num(r, c as u16 + 1, *x, &f.percent)?;
            }
        }
    }
    let mut rows = vec![
        ("samples", AboutValue::Number(report.samples as f64)),
        ("seed", AboutValue::Number(report.seed as f64)),
        ("sampler", AboutValue::Text(report.sampler.to_string())),
        (
            "common random numbers",
            AboutValue::Text(
                if report.common_random_numbers {
                    "yes"
                } else {
                    "no"
                }
                .into(),
            ),
        ),
        ("version", AboutValue::Text(report.version.to_string())),
    ];
    for file in &report.files {
        rows.push(("file", AboutValue::Text(file.clone())));
    }
    for w in &report.warnings {
        rows.push(("warning", AboutValue::Text(w.clone())));
    }
    about(&mut wb, path, &rows, &f)?;
    wb.save_to_writer(out).map_err(|e| xlsx_error(path, e))
}

/// The workbook of `gwsim sweep`: *Sweep* (value, p5, p25, p50, p75, p95, mean at each point),
/// a line chart of the p5, p50 and p95 against the value beside it, and *About*.
pub fn write_sweep(report: &SweepReport, path: &str, out: impl Write + Send) -> Result<(), Error> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    {
        let mut sh = add_sheet(&mut wb, "Sweep", path)?;
        let value_head = report.path.as_str();
        let m = |q: &str| format!("{} {q} ({})", report.metric, report.unit);
        let heads = [m("p5"), m("p25"), m("p50"), m("p75"), m("p95"), m("mean")];
        let mut head = vec![value_head];
        head.extend(heads.iter().map(String::as_str));
        sh.header(0, &head, &[30.0, 22.0, 22.0, 22.0, 22.0, 22.0, 22.0], &f)?;
        let typical_value = report.points.first().map_or(0.0, |p| p.value.abs());
        let typical = report.points.first().map_or(0.0, |p| p.p50);
        let vf = f.number(
            "",
            typical_value.max(report.points.last().map_or(0.0, |p| p.value.abs())),
        );
        let nf = f.number(report.unit, typical);
        for (r, p) in report.points.iter().enumerate() {
            let r = r as u32 + 1;
            sh.num(r, 0, p.value, vf)?;
            for (c, x) in [p.p5, p.p25, p.p50, p.p75, p.p95, p.mean]
                .into_iter()
                .enumerate()
            {
                sh.num(r, 1 + c as u16, x, nf)?;
            }
        }
        let last = report.points.len() as u32;
        if last > 0 {
            let mut chart = chart_base(
                ChartType::ScatterStraightWithMarkers,
                &format!("{} against {}", report.metric, report.path),
                &report.path,
                report.unit,
            );
            for (c, label) in [(1u16, "p5"), (3, "p50"), (5, "p95")] {
                chart
                    .add_series()
                    .set_name(label)
                    .set_categories(("Sweep", 1, 0, last, 0))
                    .set_values(("Sweep", 1, c, last, c));
            }
            sh.chart(1, 8, &chart)?;
        }
    }
    let axes = [("swept value", report.path.clone())];
    let run = (report.samples, report.seed);
    sweep_about(
        &mut wb,
        path,
        &report.scenario,
        &axes,
        report.metric,
        report.unit,
        run,
        &f,
    )?;
    wb.save_to_writer(out).map_err(|e| xlsx_error(path, e))
}

/// The workbook of a two-way `gwsim sweep`: *Grid* (one row per point: both values, then the
/// metric's p5, p50, p95 and mean, as the CSV has them), *Median* (the p50 as a matrix, rows the
/// first path's values and columns the second's, as the heatmap shows it) and *About*.
pub fn write_sweep_grid(
    report: &SweepGridReport,
    path: &str,
    out: impl Write + Send,
) -> Result<(), Error> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    let typical = report.points.first().map_or(0.0, |p| p.p50);
    let nf = f.number(report.unit, typical);
    let magnitude = |v: &[f64]| v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let (rf, cf) = (
        f.number("", magnitude(&report.rows)),
        f.number("", magnitude(&report.columns)),
    );
    {
        let mut sh = add_sheet(&mut wb, "Grid", path)?;
        let m = |q: &str| format!("{} {q} ({})", report.metric, report.unit);
        let heads = [m("p5"), m("p50"), m("p95"), m("mean")];
        let mut head = vec![report.paths[0].as_str(), report.paths[1].as_str()];
        head.extend(heads.iter().map(String::as_str));
        sh.header(0, &head, &[30.0, 30.0, 22.0, 22.0, 22.0, 22.0], &f)?;
        for (r, p) in report.points.iter().enumerate() {
            let r = r as u32 + 1;
            sh.num(r, 0, p.values[0], rf)?;
            sh.num(r, 1, p.values[1], cf)?;
            for (c, x) in [p.p5, p.p50, p.p95, p.mean].into_iter().enumerate() {
                sh.num(r, 2 + c as u16, x, nf)?;
            }
        }
    }
    {
        let mut sh = add_sheet(&mut wb, "Median", path)?;
        let corner = format!(
            "{} p50 ({}): rows {}, columns {}",
            report.metric, report.unit, report.paths[0], report.paths[1]
        );
        sh.header(0, &[corner.as_str()], &[30.0], &f)?;
        for (c, y) in report.columns.iter().enumerate() {
            sh.num(0, 1 + c as u16, *y, cf)?;
        }
        let medians = report.grid(|p| p.p50).unwrap_or_default();
        for (r, x) in report.rows.iter().enumerate() {
            sh.num(1 + r as u32, 0, *x, rf)?;
            for (c, &m) in medians.get(r).into_iter().flatten().enumerate() {
                sh.num(1 + r as u32, 1 + c as u16, m, nf)?;
            }
        }
    }
    let axes = [
        ("rows", report.paths[0].clone()),
        ("columns", report.paths[1].clone()),
    ];
    let run = (report.samples, report.seed);
    sweep_about(
        &mut wb,
        path,
        &report.scenario,
        &axes,
        report.metric,
        report.unit,
        run,
        &f,
    )?;
    wb.save_to_writer(out).map_err(|e| xlsx_error(path, e))
}

/// The workbook of `gwsim sensitivity`: *Sensitivity* (one row per input by total Sobol' index:
/// rho, the metric at the input's p10 and p90, the swing, S1 and ST with their 95% intervals),
/// a bar chart of ST beside it (the largest 15), and *About*.
pub fn write_sensitivity(
    report: &SensitivityReport,
    path: &str,
    out: impl Write + Send,
) -> Result<(), Error> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    {
        let mut sh = add_sheet(&mut wb, "Sensitivity", path)?;
        let u = |what: &str| format!("{what} ({})", report.unit);
        let heads = [u("at p10"), u("at p90"), u("swing")];
        sh.header(
            0,
            &[
                "input",
                "rho",
                &heads[0],
                &heads[1],
                &heads[2],
                "S1",
                "S1 low (95%)",
                "S1 high (95%)",
                "ST",
                "ST low (95%)",
                "ST high (95%)",
            ],
            &[
                40.0, 9.0, 20.0, 20.0, 20.0, 9.0, 12.0, 12.0, 9.0, 12.0, 12.0,
            ],
            &f,
        )?;
        let nf = f.number(report.unit, report.base);
        for (r, x) in report.sobol.iter().enumerate() {
            let r = r as u32 + 1;
            let rho = report
                .spearman
                .iter()
                .find(|s| s.path == x.path)
                .map_or(f64::NAN, |s| s.rho);
            let t = report.tornado.iter().find(|t| t.path == x.path);
            let (low, high, sw) =
                t.map_or((f64::NAN, f64::NAN, f64::NAN), |t| (t.low, t.high, t.swing));
            sh.text(r, 0, &x.path)?;
            sh.num(r, 1, rho, f.code("0.00"))?;
            sh.num(r, 2, low, nf)?;
            sh.num(r, 3, high, nf)?;
            sh.num(r, 4, sw, nf)?;
            for (c, v) in [
                x.first,
                x.first_ci[0],
                x.first_ci[1],
                x.total,
                x.total_ci[0],
                x.total_ci[1],
            ]
            .into_iter()
            .enumerate()
            {
                sh.num(r, 5 + c as u16, v, f.code("0.000"))?;
            }
        }
        let bars = report.sobol.len().min(SENSITIVITY_BARS) as u32;
        if bars > 0 {
            let mut chart = chart_base(
                ChartType::Bar,
                &format!("{}: total Sobol' index (ST)", report.metric),
                "ST",
                "input",
            );
            chart
                .add_series()
                .set_name("ST")
                .set_categories(("Sensitivity", 1, 0, bars, 0))
                .set_values(("Sensitivity", 1, 8, bars, 8));
            // The largest index at the top.
            chart.y_axis().set_reverse();
            chart.legend().set_hidden();
            chart.set_height(CHART_HEIGHT.max(60 + 24 * bars));
            sh.chart(1, 12, &chart)?;
        }
    }
    let mut rows = vec![
        ("scenario", AboutValue::Text(report.scenario.clone())),
        ("file", AboutValue::Text(report.file.clone())),
        (
            "scenario sha256",
            AboutValue::Text(report.scenario_sha256.clone()),
        ),
        ("metric", AboutValue::Text(report.metric.to_string())),
        ("unit", AboutValue::Text(report.unit.to_string())),
        (
            "base (every input at its median)",
            AboutValue::Number(report.base),
        ),
        (
            "rank-correlation samples",
            AboutValue::Number(report.samples as f64),
        ),
        ("sampler", AboutValue::Text(report.sampler.to_string())),
        ("seed", AboutValue::Number(report.seed as f64)),
        (
            "Sobol' base samples",
            AboutValue::Number(report.sobol_samples as f64),
        ),
        (
            "Sobol' evaluations",
            AboutValue::Number(report.sobol_evaluations as f64),
        ),
        (
            "Sobol' design",
            AboutValue::Text(report.sobol_design.to_string()),
        ),
        (
            "bootstrap resamples",
            AboutValue::Number(report.bootstrap_resamples as f64),
        ),
        ("version", AboutValue::Text(report.version.to_string())),
    ];
    for w in &report.warnings {
        rows.push(("warning", AboutValue::Text(w.clone())));
    }
    about(&mut wb, path, &rows, &f)?;
    wb.save_to_writer(out).map_err(|e| xlsx_error(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats_follow_magnitude_and_unit() {
        assert_eq!(number_format("USD", 3.2e10), "#,##0");
        assert_eq!(number_format("tokens", 4e15), "0.000E+00");
        assert_eq!(number_format("USD per GPU-hour", 2.5), "0.000");
        assert_eq!(number_format("MW", 55.0), "#,##0.0");
        assert_eq!(number_format("year", 2027.0), "0");
        assert_eq!(number_format("ratio", f64::NAN), "General");
        assert_eq!(number_format("ratio", 0.0004), "0.000E+00");
    }

    #[test]
    fn the_samples_sheet_stops_at_its_limit_and_says_so() {
        let inputs = vec!["facility.pue".to_string()];
        let metrics = ["gpus"];
        let mut wb =
            RunWorkbook::with_limit("t.xlsx", Some((&inputs, &metrics)), 5).expect("workbook");
        let a = [1.0, 2.0, 3.0];
        let b = [10.0, 20.0, 30.0];
        wb.push_samples(0, &[&a, &b]).expect("rows");
        assert_eq!(wb.samples_note(), None);
        wb.push_samples(3, &[&a, &b]).expect("rows");
        wb.push_samples(6, &[&a, &b]).expect("rows");
        let s = wb.samples.as_ref().expect("samples sheet");
        assert_eq!((s.rows, s.seen), (5, 9));
        let note = wb.samples_note().expect("a note");
        assert!(note.contains("first 5 of 9 samples"), "{note}");
    }

    #[test]
    fn no_samples_sheet_takes_no_rows() {
        let mut wb = RunWorkbook::new("t.xlsx", None).expect("workbook");
        wb.push_samples(0, &[&[1.0]]).expect("nothing");
        assert_eq!(wb.samples_note(), None);
    }
}
