//! `gwsim sweep FILE --set-range PATH=LO:HI:N --metric M`: a metric's percentiles as one value
//! moves.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;

use super::{OutputArgs, SamplingArgs, ScenarioArgs, metric_by_name, print_warnings, progress};
use crate::engine::RunConfig;
use crate::engine::sweep::{SweepRange, run_sweep};
use crate::error::{Error, Location, ScenarioError};
use crate::report::chart::ChartDest;
use crate::report::sweep::SweepReport;
use crate::scenario::{self, Scenario};

pub const AFTER_HELP: &str = "\
The scenario runs once per value, with PATH fixed at that value (as --set PATH=VALUE would) and \
the same seed at every point, so the points share their random numbers. PATH is any value path \
(facility.pue, procurement.price_usd_per_gpu_hour.gb200-nvl72, fleet.rubin.online, …).

Examples:
  gwsim sweep deal.toml --set-range facility.pue=1.1:1.5:9 --metric gpus_per_gw
  gwsim sweep deal.toml --set-range procurement.price_usd_per_gpu_hour=2:6:5 --metric cost_per_mtok_usd
  gwsim sweep deal.toml --set-range workload.utilization=0.3:0.9:7 --metric npv_usd --format csv";

#[derive(Args, Debug)]
#[command(
    after_help = AFTER_HELP,
    mut_arg("out", |a| a.help("Folder for the sweep's files (default: output/sweep-SCENARIO-PATH)")),
    mut_arg("no_charts", |a| a.help("Skip the chart"))
)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// The value to move: PATH=LO:HI:N, N ≥ 2 evenly spaced values from LO to HI.
    #[arg(long = "set-range", value_name = "PATH=LO:HI:N")]
    pub set_range: String,
    /// The metric to report (e.g. cost_per_mtok_usd, gpus_per_gw, npv_usd).
    #[arg(long)]
    pub metric: String,
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn cmd_sweep(a: SweepArgs) -> Result<()> {
    let range = SweepRange::parse(&a.set_range)?;
    let metric = metric_by_name(&a.metric)?;
    let sets = a.scenario.set.clone();
    let set_index = sets.len() + 1;
    let load = |value: f64| -> Result<Scenario, Error> {
        let mut all = sets.clone();
        all.push(range.set_arg(value));
        scenario::load(&a.file, &all).map_err(|e| Error::Scenario(relabel(e, set_index)))
    };
    // The first point settles the run's configuration (and reports bad paths before any run).
    let first = load(range.lo)?;
    print_warnings(&first, a.output.quiet);
    let name = first.name.clone();
    let mut cfg = RunConfig::from_scenario(&first);
    a.sampling.apply(&mut cfg, a.output.quiet)?;
    super::check_work(
        &format!(
            "{} points × {} samples",
            range.n,
            crate::dist::fmt_num(cfg.samples as f64)
        ),
        (range.n as u64).saturating_mul(cfg.samples),
        a.sampling.force,
        a.output.quiet,
    )?;
    // The output folder is checked before any sampling.
    let mut set = super::output_set(
        &a.output,
        || {
            let stem = a
                .file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".into());
            Path::new("output").join(slugify(&format!("sweep-{stem}-{}", range.path)))
        },
        Box::new(sweep_owns),
        &first.read_files,
    )?;

    let show_progress = !a.output.quiet && std::io::stderr().is_terminal();
    let mut bar = progress::Progress::new(show_progress);
    let mut first = Some(first);
    let mut loader = |v: f64| match first.take() {
        Some(s) if v == range.lo => Ok(s),
        _ => load(v),
    };
    let points = run_sweep(&range, metric, &cfg, &mut loader, &mut |d, p| {
        bar.update(d, p)
    })?;
    bar.finish();
    let report = SweepReport::new(&range.path, metric, &name, cfg.samples, cfg.seed, &points);
    set.write("sweep.json", report.to_json().as_bytes())?;
    set.write("sweep.csv", report.to_csv().as_bytes())?;
    if !a.output.no_charts {
        let charts = report.render_chart(&mut ChartDest::Set(&mut set));
        for w in &charts.warnings {
            super::warn(&format!("warning: {w}"));
        }
    }
    let dir = set.dir().to_path_buf();
    set.commit()?;
    super::print_report(&report, a.output.format, &dir)
}

/// The files of `gwsim sweep` in its folder.
fn sweep_owns(name: &str) -> bool {
    matches!(name, "sweep.json" | "sweep.csv")
        || (name.starts_with("sweep_") && (name.ends_with(".svg") || name.ends_with(".png")))
}

/// Problems of the override that fixes the swept value point at `--set-range`, not at a
/// `--set` the user did not write.
fn relabel(mut e: ScenarioError, set_index: usize) -> ScenarioError {
    for d in &mut e.diagnostics {
        if let Some(loc) = &d.location
            && &*loc.file == "--set"
            && loc.line == set_index
        {
            d.location = Some(Location {
                file: "--set-range".into(),
                line: 1,
                column: loc.column,
            });
        }
    }
    e
}

pub(crate) fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches(['-', '.']).to_string()
}
