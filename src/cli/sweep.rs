//! `gwsim sweep FILE --set-range PATH=LO:HI:N --metric M`: a metric's percentiles as one value
//! moves, or (two `--set-range`) over the grid of two values.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{
    OutputArgs, SamplingArgs, ScenarioArgs, XlsxArgs, metric_by_name, print_warnings, progress,
};
use crate::engine::RunConfig;
use crate::engine::sweep::{SweepRange, check_ranges, run_grid, run_sweep};
use crate::error::Error;
use crate::report::Render;
use crate::report::chart::ChartDest;
use crate::report::sweep::{SweepGridReport, SweepReport};
use crate::scenario::Scenario;

pub const AFTER_HELP: &str = "\
The scenario runs once per value, with PATH fixed at that value (as --set PATH=VALUE would) and \
the same seed at every point, so the points share their random numbers. PATH is any value path \
(facility.pue, procurement.price_usd_per_gpu_hour.gb200-nvl72, fleet.rubin.online, …). \
Two --set-range make a grid: every value of the first with every value of the second (at most \
1000 points), a table of the p50, p5 and p95 with the first path's values as rows, and a \
heatmap of the p50 (sweep_heatmap_METRIC.svg and .png).

Examples:
  gwsim sweep deal.toml --set-range facility.pue=1.1:1.5:9 --metric gpus_per_gw
  gwsim sweep deal.toml --set-range procurement.price_usd_per_gpu_hour=2:6:5 --metric cost_per_mtok_usd
  gwsim sweep deal.toml --set-range workload.utilization=0.3:0.9:7 --metric npv_usd --format csv
  gwsim sweep deal.toml --set-range facility.pue=1.1:1.5:5 --set-range workload.utilization=0.4:0.8:5 --metric cost_per_mtok_usd";

#[derive(Args, Debug)]
#[command(
    after_help = AFTER_HELP,
    mut_arg("out", |a| a.help("Folder for the sweep's files (default: output/sweep-SCENARIO-PATH)")),
    mut_arg("no_charts", |a| a.help("Skip the chart"))
)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// The value to move: PATH=LO:HI:N, N ≥ 2 evenly spaced values from LO to HI. Twice for a
    /// grid of two values (rows the first, columns the second).
    #[arg(long = "set-range", value_name = "PATH=LO:HI:N", required = true)]
    pub set_range: Vec<String>,
    /// The metric to report (e.g. cost_per_mtok_usd, gpus_per_gw, npv_usd).
    #[arg(long)]
    pub metric: String,
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub xlsx: XlsxArgs,
}

pub fn cmd_sweep(a: SweepArgs) -> Result<()> {
    if a.set_range.len() > 2 {
        return Err(Error::SweepRanges {
            count: a.set_range.len(),
        }
        .into());
    }
    let ranges = a
        .set_range
        .iter()
        .map(|r| SweepRange::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    check_ranges(&ranges)?;
    let metric = metric_by_name(&a.metric)?;
    // The scenario of one point: the user's --set, then one override per range, whose
    // problems point at its --set-range.
    let load = |values: &[f64]| -> Result<Scenario, Error> {
        let extra: Vec<String> = ranges
            .iter()
            .zip(values)
            .map(|(r, &v)| r.set_arg(v))
            .collect();
        super::load_with_overrides(&a.file, &a.scenario.set, &extra, |k, d| {
            let column = d.location.as_ref().map_or(1, |l| l.column);
            d.location = Some(super::flag_loc("--set-range", k + 1, column));
        })
    };
    let lows: Vec<f64> = ranges.iter().map(|r| r.lo).collect();
    // The first point settles the run's configuration (and reports bad paths before any run).
    let first = load(&lows)?;
    print_warnings([&first], a.output.quiet);
    let name = first.name.clone();
    let mut cfg = RunConfig::from_scenario(&first);
    a.sampling.apply(&mut cfg, a.output.quiet)?;
    let points: usize = ranges.iter().map(|r| r.n).product();
    let shape = ranges
        .iter()
        .map(|r| r.n.to_string())
        .collect::<Vec<_>>()
        .join(" × ");
    super::check_work(
        &format!(
            "{} points × {} samples",
            if ranges.len() > 1 {
                format!("{shape} = {points}")
            } else {
                shape
            },
            crate::dist::fmt_num(cfg.samples as f64)
        ),
        (points as u64).saturating_mul(cfg.samples),
        a.sampling.force,
        a.output.quiet,
    )?;
    // The output folder is checked before any sampling.
    let mut set = super::output_set(
        &a.output,
        || {
            let paths: Vec<&str> = ranges.iter().map(|r| r.path.as_str()).collect();
            super::default_folder("sweep", &a.file, &paths)
        },
        Box::new(sweep_owns),
        &first.read_files,
    )?;
    let mut xlsx = super::open_xlsx(&a.xlsx, &first.read_files, &set, None)?;

    let show_progress = !a.output.quiet && std::io::stderr().is_terminal();
    let mut bar = progress::Progress::new(show_progress);
    let mut first = Some(first);
    let mut loader = |values: &[f64]| match first.take() {
        Some(s) if values == lows.as_slice() => Ok(s),
        _ => load(values),
    };
    let mut on_progress = |d, p| bar.update(d, p);
    let (report, charts): (Box<dyn Render>, _) = match ranges.as_slice() {
        [range] => {
            let points = run_sweep(range, metric, &cfg, &mut |v| loader(&[v]), &mut on_progress)?;
            let report =
                SweepReport::new(&range.path, metric, &name, cfg.samples, cfg.seed, &points);
            let charts =
                (!a.output.no_charts).then(|| report.render_chart(&mut ChartDest::Set(&mut set)));
            if let Some((export, path)) = xlsx.as_mut() {
                crate::report::xlsx::write_sweep(&report, path, export)?;
            }
            (Box::new(report), charts)
        }
        [rows, columns] => {
            let points = run_grid(
                rows,
                columns,
                metric,
                &cfg,
                &mut |x, y| loader(&[x, y]),
                &mut on_progress,
            )?;
            let (xs, ys) = (rows.values(), columns.values());
            let report = SweepGridReport::new(
                [(&rows.path, &xs), (&columns.path, &ys)],
                metric,
                &name,
                cfg.samples,
                cfg.seed,
                &points,
            );
            let charts =
                (!a.output.no_charts).then(|| report.render_chart(&mut ChartDest::Set(&mut set)));
            if let Some((export, path)) = xlsx.as_mut() {
                crate::report::xlsx::write_sweep_grid(&report, path, export)?;
            }
            (Box::new(report), charts)
        }
        _ => unreachable!("check_ranges allows one or two ranges"),
    };
    bar.finish();
    for w in charts.iter().flat_map(|c| &c.warnings) {
        super::warn(&format!("warning: {w}"));
    }
    set.write("sweep.json", report.to_json().as_bytes())?;
    set.write("sweep.csv", report.to_csv().as_bytes())?;
    let dir = set.dir().to_path_buf();
    set.commit()?;
    super::finish_xlsx(xlsx)?;
    super::print_report(
        report.as_ref(),
        a.output.format,
        &dir,
        a.xlsx.xlsx.as_deref(),
    )
}

/// The files of `gwsim sweep` in its folder.
fn sweep_owns(name: &str) -> bool {
    matches!(name, "sweep.json" | "sweep.csv")
        || (name.starts_with("sweep_") && (name.ends_with(".svg") || name.ends_with(".png")))
}
