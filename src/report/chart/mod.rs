//! Charts of a run, as SVG and PNG, drawn with plotters: a histogram with its CDF for each
//! headline metric, fan charts of the yearly series, and (for later callers) tornado and
//! overlay charts.
//!
//! Charts never abort a run (ARCHITECTURE habit 7): every plotters error is returned as a
//! [`ChartError`], a failed chart becomes a warning in [`ChartOutcome::warnings`], and the
//! others continue. Text is drawn with DejaVu Sans embedded in the binary and registered once
//! ([`ensure_font`]), so PNGs render on a machine with no fonts installed (DEPENDENCIES.md,
//! "Charts without system fonts"). Style constants live in [`style`].
//!
//! Files are written atomically: SVG is rendered to a string and written with
//! [`crate::report::fsio::write_atomic`]; plotters exposes no in-memory PNG encoder, so a PNG
//! is rendered to a temporary file in the same folder, synced, then renamed into place.

mod draw;
pub mod labels;
pub mod style;

use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::{BitMapBackend, DrawingArea, DrawingBackend, IntoDrawingArea, SVGBackend};
use plotters::style::FontStyle;

use crate::report::fsio::FileSet;
use crate::report::{Distribution, Report, SeriesBands, fsio, text};

/// DejaVu Sans (Bitstream Vera licence, DejaVu changes public domain; see
/// `assets/DejaVuSans-LICENSE.txt`).
static FONT_TTF: &[u8] = include_bytes!("../../../assets/DejaVuSans.ttf");

/// The yearly series that get a fan chart, in this order, when the run has them.
pub const FAN_SERIES: [&str; 8] = [
    "gpus_installed",
    "facility_mw",
    "tokens",
    "cost_usd",
    "cumulative_cash_usd",
    "funding_usd",
    "output_tokens_per_gpu_s",
    "revenue_per_mtok_usd",
];

/// Why one chart could not be drawn or written.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The plotting library failed; its message.
    #[error("drawing failed: {0}")]
    Drawing(String),
    #[error("the embedded font could not be loaded")]
    Font,
    /// Writing the PNG.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Writing the SVG.
    #[error(transparent)]
    Write(#[from] crate::error::Error),
    #[error("no years in the series")]
    NoYears,
    #[error("series bands do not match the {years} years")]
    BandsNotYears { years: usize },
    #[error("series bands do not match the x values")]
    BandsNotX,
    #[error("x values are not finite and increasing")]
    XNotIncreasing,
    #[error("series has values that are not finite")]
    SeriesNotFinite,
    #[error("{got} quantiles, need at least 2")]
    TooFewQuantiles { got: usize },
    #[error("quantiles are not all finite")]
    QuantilesNotFinite,
    #[error("quantiles are not sorted")]
    QuantilesNotSorted,
    #[error("no bars")]
    NoBars,
    #[error("tornado values are not all finite")]
    TornadoNotFinite,
    #[error("no distributions to overlay")]
    NothingToOverlay,
    #[error("the grid's values do not match its {rows} row and {columns} column labels")]
    GridShape { rows: usize, columns: usize },
    /// A problem with one named distribution of an overlay.
    #[error("{name}: {problem}")]
    Series {
        name: String,
        #[source]
        problem: Box<ChartError>,
    },
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Drawing(e.to_string())
    }
}

/// What [`render_run_charts`] (or [`write_chart`]) did.
#[derive(Debug, Default)]
pub struct ChartOutcome {
    /// Every file written (an SVG and a PNG per chart).
    pub written: Vec<PathBuf>,
    /// One line per chart that failed; the run goes on.
    pub warnings: Vec<String>,
    /// `(title, svg text)` of each chart drawn, for [`crate::report::html::render_html`].
    pub svgs: Vec<(String, String)>,
}

/// Register the embedded font under [`style::FONT`], once per process.
pub fn ensure_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = REGISTERED.get_or_init(|| {
        [FontStyle::Normal, FontStyle::Bold]
            .into_iter()
            .all(|s| plotters::style::register_font(style::FONT, s, FONT_TTF).is_ok())
    });
    if *registered {
        Ok(())
    } else {
        Err(ChartError::Font)
    }
}

/// A histogram of one metric with its CDF and p5/p50/p95 marked.
#[derive(Debug, Clone)]
pub struct Histogram {
    pub title: String,
    pub subtitle: String,
    /// Axis description without the unit ([`labels::axis_desc`] adds it as the ticks show it).
    pub x_desc: String,
    pub unit: String,
    /// Quantiles at equally spaced probabilities, first the minimum, last the maximum.
    pub quantiles: Vec<f64>,
    /// `(label, value)` of the marked quantiles, e.g. `("p5", 1.2e9)`.
    pub marks: Vec<(String, f64)>,
}

/// A fan chart: p5–p95 and p25–p75 bands and the median against an x axis — calendar years
/// for a yearly series, or the values a swept input takes.
#[derive(Debug, Clone)]
pub struct Fan {
    pub title: String,
    pub subtitle: String,
    /// Axis description without the unit ([`labels::axis_desc`] adds it as the ticks show it).
    pub y_desc: String,
    pub unit: String,
    /// Positions on the x axis, increasing: years (as numbers) or values.
    pub x: Vec<f64>,
    pub x_axis: FanAxis,
    /// One entry per position of `x` in each band.
    pub bands: SeriesBands,
}

/// What the x axis of a [`Fan`] shows.
#[derive(Debug, Clone, PartialEq)]
pub enum FanAxis {
    /// Calendar years: whole-number ticks, labelled "calendar year".
    Years,
    /// An input's values: ticks in its unit (`""` for a plain number).
    Value { desc: String, unit: String },
}

/// One bar of a tornado: the output with one input at its low and at its high value.
#[derive(Debug, Clone)]
pub struct TornadoBar {
    pub label: String,
    pub low: f64,
    pub high: f64,
}

/// A tornado chart: bars around a base value, the widest swing on top.
#[derive(Debug, Clone)]
pub struct Tornado {
    pub title: String,
    pub subtitle: String,
    /// Axis description without the unit ([`labels::axis_desc`] adds it as the ticks show it).
    pub x_desc: String,
    pub unit: String,
    pub base: f64,
    pub bars: Vec<TornadoBar>,
    /// Legend for the low and high ends, e.g. `"input at p5"`, `"input at p95"`.
    pub low_label: String,
    pub high_label: String,
}

/// Several distributions of the same metric on one axis, one colour each.
#[derive(Debug, Clone)]
pub struct Overlay {
    pub title: String,
    pub subtitle: String,
    /// Axis description without the unit ([`labels::axis_desc`] adds it as the ticks show it).
    pub x_desc: String,
    pub unit: String,
    /// `(name, quantiles at equally spaced probabilities)` per distribution.
    pub series: Vec<(String, Vec<f64>)>,
}

/// A cost split into its parts: one bar of each part's median, stacked, beside the total's
/// median with its p5–p95 range.
#[derive(Debug, Clone)]
pub struct Breakdown {
    pub title: String,
    pub subtitle: String,
    pub unit: String,
    /// `(label, median)` of each part, in stacking order.
    pub parts: Vec<(String, f64)>,
    /// The total's p5, p50 and p95.
    pub total: [f64; 3],
}

/// Spend by part and calendar year against a line with its band: each part's median per year
/// stacked in a bar, the total's p5–p95 as a whisker on each bar, and the line's p5–p95 band
/// and median (a portfolio's deals against the buyer's revenue).
#[derive(Debug, Clone)]
pub struct StackedSpend {
    pub title: String,
    pub subtitle: String,
    /// Calendar years, increasing.
    pub years: Vec<f64>,
    /// `(label, median per year)` of each part, in stacking order.
    pub parts: Vec<(String, Vec<f64>)>,
    /// The total's p5, p50 and p95 per year.
    pub total: [Vec<f64>; 3],
    /// The line's p5, p50 and p95 per year.
    pub line: [Vec<f64>; 3],
    pub line_label: String,
    pub unit: String,
}

/// A grid of values, one coloured cell each with its value printed in it: a two-way sweep's
/// medians. Rows go up the y axis (the first row at the bottom), columns along x.
#[derive(Debug, Clone)]
pub struct Heatmap {
    pub title: String,
    pub subtitle: String,
    /// What the rows and the columns are (the swept paths).
    pub row_desc: String,
    pub column_desc: String,
    /// The label of each row and column (the swept values).
    pub row_labels: Vec<String>,
    pub column_labels: Vec<String>,
    /// The colour legend's title, without the unit.
    pub value_desc: String,
    pub unit: String,
    /// `values[row][column]`; a NaN cell is grey and shows "n/a".
    pub values: Vec<Vec<f64>>,
}

/// Any chart gwsim draws.
#[derive(Debug, Clone)]
pub enum Chart {
    Histogram(Histogram),
    Fan(Fan),
    Tornado(Tornado),
    Overlay(Overlay),
    Breakdown(Breakdown),
    Stacked(StackedSpend),
    Heatmap(Heatmap),
}

impl Chart {
    pub fn title(&self) -> &str {
        match self {
            Chart::Histogram(c) => &c.title,
            Chart::Fan(c) => &c.title,
            Chart::Tornado(c) => &c.title,
            Chart::Overlay(c) => &c.title,
            Chart::Breakdown(c) => &c.title,
            Chart::Stacked(c) => &c.title,
            Chart::Heatmap(c) => &c.title,
        }
    }

    /// The chart with every text printable: control characters from a scenario's names
    /// written as escapes (`\u{1b}`), which XML does not allow raw.
    fn printable(&self) -> Chart {
        let p = |s: &String| text::printable(s).into_owned();
        match self {
            Chart::Histogram(c) => Chart::Histogram(Histogram {
                title: p(&c.title),
                subtitle: p(&c.subtitle),
                x_desc: p(&c.x_desc),
                unit: p(&c.unit),
                quantiles: c.quantiles.clone(),
                marks: c.marks.iter().map(|(l, x)| (p(l), *x)).collect(),
            }),
            Chart::Fan(c) => Chart::Fan(Fan {
                title: p(&c.title),
                subtitle: p(&c.subtitle),
                y_desc: p(&c.y_desc),
                unit: p(&c.unit),
                x: c.x.clone(),
                x_axis: match &c.x_axis {
                    FanAxis::Years => FanAxis::Years,
                    FanAxis::Value { desc, unit } => FanAxis::Value {
                        desc: p(desc),
                        unit: p(unit),
                    },
                },
                bands: c.bands.clone(),
            }),
            Chart::Tornado(c) => Chart::Tornado(Tornado {
                title: p(&c.title),
                subtitle: p(&c.subtitle),
                x_desc: p(&c.x_desc),
                unit: p(&c.unit),
                base: c.base,
                bars: c
                    .bars
                    .iter()
                    .map(|b| TornadoBar {
                        label: p(&b.label),
                        low: b.low,
                        high: b.high,
                    })
                    .collect(),
                low_label: p(&c.low_label),
                high_label: p(&c.high_label),
            }),
            Chart::Overlay(c) => Chart::Overlay(Overlay {
                title: p(&c.title),
                subtitle: p(&c.subtitle),
                x_desc: p(&c.x_desc),
                unit: p(&c.unit),
                series: c.series.iter().map(|(n, q)| (p(n), q.clone())).collect(),
            }),
            Chart::Breakdown(c) => Chart::Breakdown(Breakdown {
                title: p(&c.title),
                subtitle: p(&c.subtitle),
                unit: p(&c.unit),
                parts: c.parts.iter().map(|(l, x)| (p(l), *x)).collect(),
                total: c.total,
            }),
            Chart::Stacked(c) => Chart::Stacked(StackedSpend {
                title: p(&c.title),
                subtitle: p(&c.subtitle),
                years: c.years.clone(),
                parts: c.parts.iter().map(|(l, x)| (p(l), x.clone())).collect(),
                total: c.total.clone(),
                line: c.line.clone(),
                line_label: p(&c.line_label),
                unit: p(&c.unit),
            }),
            Chart::Heatmap(c) => Chart::Heatmap(Heatmap {
                title: p(&c.title),
                subtitle: p(&c.subtitle),
                row_desc: p(&c.row_desc),
                column_desc: p(&c.column_desc),
                row_labels: c.row_labels.iter().map(p).collect(),
                column_labels: c.column_labels.iter().map(p).collect(),
                value_desc: p(&c.value_desc),
                unit: p(&c.unit),
                values: c.values.clone(),
            }),
        }
    }

    /// Draw onto any plotters backend.
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), ChartError> {
        ensure_font()?;
        match &self.printable() {
            Chart::Histogram(c) => draw::histogram(root, c),
            Chart::Fan(c) => draw::fan(root, c),
            Chart::Tornado(c) => draw::tornado(root, c),
            Chart::Overlay(c) => draw::overlay(root, c),
            Chart::Breakdown(c) => draw::breakdown(root, c),
            Chart::Stacked(c) => draw::stacked(root, c),
            Chart::Heatmap(c) => draw::heatmap(root, c),
        }
    }

    /// The chart as SVG text.
    pub fn to_svg(&self) -> Result<String, ChartError> {
        let mut s = String::new();
        {
            let root = SVGBackend::with_string(&mut s, style::SIZE).into_drawing_area();
            self.draw(&root)?;
            root.present()?;
        }
        Ok(s)
    }

    /// The chart as RGB pixels, `style::SIZE`, row by row (for tests and embedding).
    pub fn to_rgb(&self) -> Result<Vec<u8>, ChartError> {
        let (w, h) = style::SIZE;
        let mut buf = vec![0u8; w as usize * h as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut buf, style::SIZE).into_drawing_area();
            self.draw(&root)?;
            root.present()?;
        }
        Ok(buf)
    }

    /// Draw the chart as a PNG file at `path` (no temporary file: for a path that is one).
    fn png_at(&self, path: &Path) -> Result<(), ChartError> {
        let root = BitMapBackend::new(path, style::SIZE).into_drawing_area();
        self.draw(&root)?;
        root.present()?;
        Ok(())
    }

    /// Write the chart as PNG to `path`: rendered to a temporary file beside it, synced, then
    /// renamed, so a failure leaves no half-written file.
    pub fn write_png(&self, path: &Path) -> Result<(), ChartError> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}.tmp.png", std::process::id()));
        let result = (|| {
            {
                let root = BitMapBackend::new(&tmp, style::SIZE).into_drawing_area();
                self.draw(&root)?;
                root.present()?;
            }
            fs::rename(&tmp, path)?;
            Ok(())
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }
}

/// Where charts go: straight into a folder (each file atomically), or into a command's
/// [`FileSet`].
pub enum ChartDest<'a> {
    Dir(&'a Path),
    Set(&'a mut FileSet),
}

/// Draw `chart` and write `<dir>/<stem>.svg` and `<dir>/<stem>.png`. Never panics on bad data:
/// a failure (including a panic inside plotters) becomes one warning.
pub fn write_chart(chart: &Chart, dir: &Path, stem: &str) -> ChartOutcome {
    write_chart_to(chart, &mut ChartDest::Dir(dir), stem)
}

/// [`write_chart`] into `dest`.
pub fn write_chart_to(chart: &Chart, dest: &mut ChartDest<'_>, stem: &str) -> ChartOutcome {
    write_charts_to(vec![(chart.clone(), stem.to_string())], dest)
}

/// Draw every `(chart, stem)` and write `<stem>.svg` and `<stem>.png` into `dest`, in that
/// order in the outcome. The charts are drawn in parallel (each is independent; the files are
/// the same on any number of threads); a failure (including a panic inside plotters) becomes
/// one warning and leaves no file of that chart.
pub fn write_charts_to(charts: Vec<(Chart, String)>, dest: &mut ChartDest<'_>) -> ChartOutcome {
    let jobs: Vec<(Chart, String, PathBuf)> = charts
        .into_iter()
        .map(|(chart, stem)| {
            let stem = safe_stem(&stem);
            let png = format!("{stem}.png");
            let png_path = match dest {
                ChartDest::Dir(dir) => dir.join(&png),
                ChartDest::Set(set) => set.temp_path(&png),
            };
            (chart, stem, png_path)
        })
        .collect();
    let to_file = matches!(dest, ChartDest::Dir(_));
    let drawn: Vec<Result<String, String>> = jobs
        .par_iter()
        .map(|(chart, _, png_path)| {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let svg = chart.to_svg()?;
                if to_file {
                    chart.write_png(png_path)?;
                } else {
                    chart.png_at(png_path)?;
                }
                Ok::<_, ChartError>(svg)
            }));
            match result {
                Ok(Ok(svg)) => Ok(svg),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err("the plotting library panicked".to_string()),
            }
        })
        .collect();
    let mut out = ChartOutcome::default();
    for ((chart, stem, png_path), result) in jobs.into_iter().zip(drawn) {
        let (svg_name, png_name) = (format!("{stem}.svg"), format!("{stem}.png"));
        let written = result.and_then(|svg| {
            let svg_path = match dest {
                ChartDest::Dir(dir) => {
                    let svg_path = dir.join(&svg_name);
                    fsio::write_atomic(&svg_path, svg.as_bytes()).map_err(|e| e.to_string())?;
                    svg_path
                }
                ChartDest::Set(set) => {
                    set.write(&svg_name, svg.as_bytes())
                        .map_err(|e| e.to_string())?;
                    set.dir().join(&svg_name)
                }
            };
            let png_path = match dest {
                ChartDest::Dir(_) => png_path,
                ChartDest::Set(set) => set.dir().join(&png_name),
            };
            Ok((svg, svg_path, png_path))
        });
        match written {
            Ok((svg, svg_path, png_path)) => {
                out.written.push(svg_path);
                out.written.push(png_path);
                out.svgs.push((chart.title().to_string(), svg));
            }
            Err(e) => {
                if let ChartDest::Set(set) = dest {
                    set.discard(&svg_name);
                    set.discard(&png_name);
                }
                out.warnings.push(format!("chart {stem} skipped: {e}"));
            }
        }
    }
    out
}

/// Every chart of a run: a histogram per headline metric, a fan chart per yearly series of
/// [`FAN_SERIES`] the run has. Failures are warnings; the other charts are still written.
pub fn render_run_charts(report: &Report, dir: &Path) -> ChartOutcome {
    render_run_charts_to(report, &mut ChartDest::Dir(dir))
}

/// [`render_run_charts`] into `dest`.
pub fn render_run_charts_to(report: &Report, dest: &mut ChartDest<'_>) -> ChartOutcome {
    let mut warnings = Vec::new();
    let mut charts: Vec<(Chart, String)> = Vec::new();
    for d in report.distributions.iter().filter(|d| d.charted) {
        match histogram_of(report, d) {
            Ok(c) => charts.push((Chart::Histogram(c), format!("hist_{}", d.metric))),
            Err(e) => warnings.push(format!("chart hist_{} skipped: {e}", d.metric)),
        }
    }
    for name in FAN_SERIES {
        if let Some((_, unit, bands)) = report.series.bands.iter().find(|(n, _, _)| *n == name) {
            match fan_of(report, name, unit, bands) {
                Ok(c) => charts.push((Chart::Fan(c), format!("fan_{name}"))),
                Err(e) => warnings.push(format!("chart fan_{name} skipped: {e}")),
            }
        }
    }
    if let Some(c) = breakdown_of(report) {
        charts.push((Chart::Breakdown(c), "breakdown_cost_usd".to_string()));
    }
    let mut out = write_charts_to(charts, dest);
    warnings.append(&mut out.warnings);
    out.warnings = warnings;
    out
}

/// The owned cost by component (hardware, datacenter, power, maintenance), when the run has it.
pub fn breakdown_of(report: &Report) -> Option<Breakdown> {
    let parts: Option<Vec<(String, f64)>> = [
        ("hardware", "cost_hardware_usd"),
        ("datacenter", "cost_datacenter_usd"),
        ("power", "cost_power_usd"),
        ("maintenance", "cost_maintenance_usd"),
    ]
    .iter()
    .map(|(label, name)| {
        let m = report.metric(name)?;
        Some((label.to_string(), m.summary.p50))
    })
    .collect();
    let parts = parts?;
    let total = report.metric("cost_usd")?;
    let t = [total.summary.p5, total.summary.p50, total.summary.p95];
    let v = |x| labels::value(x, "USD");
    Some(Breakdown {
        title: chart_title(&report.scenario, "Cost by component"),
        subtitle: format!(
            "medians of each part, stacked; total cost p5 {} · median {} · p95 {} (undiscounted, annuitised)",
            v(t[0]),
            v(t[1]),
            v(t[2])
        ),
        unit: "USD".into(),
        parts,
        total: t,
    })
}

/// `Scenario name: Metric` with a long scenario name cut short.
pub fn chart_title(scenario: &str, what: &str) -> String {
    format!(
        "{}: {what}",
        labels::truncate(scenario, style::MAX_TITLE_CHARS)
    )
}

/// The histogram of a headline metric, checked: every quantile finite, at least two.
pub fn histogram_of(report: &Report, d: &Distribution) -> Result<Histogram, ChartError> {
    check_quantiles(&d.quantiles)?;
    let label = labels::metric_label(d.metric);
    let (p5, p50, p95) = match report.metric(d.metric) {
        Some(m)
            if [m.summary.p5, m.summary.p50, m.summary.p95]
                .iter()
                .all(|x| x.is_finite()) =>
        {
            (m.summary.p5, m.summary.p50, m.summary.p95)
        }
        _ => (
            grid_quantile(&d.quantiles, 0.05),
            grid_quantile(&d.quantiles, 0.5),
            grid_quantile(&d.quantiles, 0.95),
        ),
    };
    let v = |x| labels::value(x, d.unit);
    Ok(Histogram {
        title: chart_title(&report.scenario, &label),
        subtitle: format!(
            "p5 {} · median {} · p95 {} · central 99% of {} samples · bars: share of samples, line: cumulative",
            v(p5),
            v(p50),
            v(p95),
            labels::thousands(report.samples as f64)
        ),
        x_desc: label,
        unit: d.unit.to_string(),
        quantiles: d.quantiles.clone(),
        marks: vec![
            ("p5".into(), p5),
            ("median".into(), p50),
            ("p95".into(), p95),
        ],
    })
}

/// The fan chart of a yearly series, checked: bands as long as the years, all finite.
pub fn fan_of(
    report: &Report,
    name: &str,
    unit: &str,
    bands: &SeriesBands,
) -> Result<Fan, ChartError> {
    let n = report.series.years.len();
    let all = [&bands.p5, &bands.p25, &bands.p50, &bands.p75, &bands.p95];
    if n == 0 {
        return Err(ChartError::NoYears);
    }
    if all.iter().any(|b| b.len() != n) {
        return Err(ChartError::BandsNotYears { years: n });
    }
    if all.iter().any(|b| b.iter().any(|x| !x.is_finite())) {
        return Err(ChartError::SeriesNotFinite);
    }
    let label = labels::series_label(name);
    Ok(Fan {
        title: chart_title(&report.scenario, &label),
        subtitle: format!(
            "median line, p25–p75 and p5–p95 bands by calendar year · {} samples",
            labels::thousands(report.samples as f64)
        ),
        y_desc: label,
        unit: unit.to_string(),
        x: report.series.years.iter().map(|&y| f64::from(y)).collect(),
        x_axis: FanAxis::Years,
        bands: bands.clone(),
    })
}

/// Quantiles fit for a chart: at least two, all finite, non-decreasing.
pub fn check_quantiles(q: &[f64]) -> Result<(), ChartError> {
    if q.len() < 2 {
        return Err(ChartError::TooFewQuantiles { got: q.len() });
    }
    if q.iter().any(|x| !x.is_finite()) {
        return Err(ChartError::QuantilesNotFinite);
    }
    if q.windows(2).any(|w| w[1] < w[0]) {
        return Err(ChartError::QuantilesNotSorted);
    }
    Ok(())
}

/// Quantile `p` of a grid of quantiles at equally spaced probabilities (linear in between).
pub fn grid_quantile(q: &[f64], p: f64) -> f64 {
    if q.is_empty() {
        return f64::NAN;
    }
    let pos = p.clamp(0.0, 1.0) * (q.len() - 1) as f64;
    let i = (pos.floor() as usize).min(q.len() - 1);
    let j = (i + 1).min(q.len() - 1);
    q[i] + (q[j] - q[i]) * (pos - i as f64)
}

/// Share of the probability mass in each of `bins` equal bins on `[lo, hi]`, from quantiles at
/// equally spaced probabilities: segment `i` (between `q[i]` and `q[i+1]`) holds `1/(n−1)` of
/// the mass, spread evenly over its span (a point mass goes to its bin). Mass outside
/// `[lo, hi]` is left out.
pub fn bin_shares(q: &[f64], lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let mut shares = vec![0.0; bins];
    if q.len() < 2 || bins == 0 || hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return shares;
    }
    let w = (hi - lo) / bins as f64;
    let mass = 1.0 / (q.len() - 1) as f64;
    let bin_of = |x: f64| (((x - lo) / w).floor().max(0.0) as usize).min(bins - 1);
    for s in q.windows(2) {
        let (a, b) = (s[0], s[1]);
        if b <= lo || a >= hi {
            if a == b && a >= lo && a <= hi {
                shares[bin_of(a)] += mass;
            }
            continue;
        }
        if b - a <= 0.0 {
            shares[bin_of(a)] += mass;
            continue;
        }
        let (ca, cb) = (a.max(lo), b.min(hi));
        let density = mass / (b - a);
        let (first, last) = (bin_of(ca), bin_of(cb));
        for (k, share) in shares.iter_mut().enumerate().take(last + 1).skip(first) {
            let x0 = (lo + k as f64 * w).max(ca);
            let x1 = (lo + (k + 1) as f64 * w).min(cb);
            if x1 > x0 {
                *share += density * (x1 - x0);
            }
        }
    }
    shares
}

/// A file name stem with only `[A-Za-z0-9_-]`.
fn safe_stem(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if t.is_empty() { "chart".into() } else { t }
}

#[cfg(test)]
mod tests;
