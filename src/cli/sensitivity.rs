//! `gwsim sensitivity [FILE] --metric M`: rank correlations, swing tornado and Sobol' indices of
//! one metric; table, JSON, CSV or Markdown on stdout; `sensitivity-<metric>.json`, `.md` and the
//! tornado chart in the output folder.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;

use super::{
    OutputArgs, SamplingArgs, ScenarioArgs, XlsxArgs, load_scenario, metric_by_name, parse_count,
    progress,
};
use crate::engine::sensitivity::{
    DEFAULT_BOOTSTRAP, DEFAULT_SOBOL_SAMPLES, SensitivityConfig, analyse, validate,
};
use crate::engine::{RunConfig, Simulation};
use crate::error::Error;
use crate::report::chart::{ChartDest, write_chart_to};
use crate::report::sensitivity::SensitivityReport;

/// Most bootstrap resamples `--bootstrap` accepts.
const MAX_BOOTSTRAP: u64 = 100_000;

pub const AFTER_HELP: &str = "\
What it computes:
  rho      Spearman rank correlation of each uncertain input with the metric over --samples
           draws of the scenario (its sampler and correlations); at most 1,048,576 samples.
  tornado  each input alone at its p10 and at its p90, every other input at its median.
  S1, ST   Sobol' first-order and total indices (Saltelli design, N = --sobol-samples base rows,
           N (k + 2) model runs; 95% bootstrap intervals). Sobol' assumes independent inputs:
           correlations are left out of that design, and a warning says so.

Examples:
  gwsim sensitivity                                   the headline deal, cost per million tokens
  gwsim sensitivity deal.toml --metric npv_usd
  gwsim sensitivity deal.toml --metric gpus_per_gw --sobol-samples 65536 --threads 2
  gwsim sensitivity deal.toml --format json > sensitivity.json";

#[derive(Args, Debug)]
#[command(mut_arg("no_charts", |a| a.help("Skip the tornado chart")))]
pub struct SensitivityArgs {
    /// Scenario file (TOML). Without it: the headline deal embedded in the binary.
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The metric to analyse (a name of MODEL.md's outputs).
    #[arg(long, default_value = "cost_per_mtok_usd")]
    pub metric: String,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    /// Saltelli base samples N for the Sobol' indices (N (k + 2) model runs; powers of two are best).
    #[arg(long, value_parser = parse_count, default_value_t = DEFAULT_SOBOL_SAMPLES as u64)]
    pub sobol_samples: u64,
    /// Bootstrap resamples for the Sobol' intervals.
    #[arg(long, value_parser = parse_count, default_value_t = DEFAULT_BOOTSTRAP as u64)]
    pub bootstrap: u64,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub xlsx: XlsxArgs,
}

pub fn cmd_sensitivity(a: SensitivityArgs) -> Result<()> {
    let metric = metric_by_name(&a.metric)?;
    let s = load_scenario(a.file.as_deref(), &a.scenario.set)?;
    super::print_warnings([&s], a.output.quiet);
    let mut cfg = RunConfig::from_scenario(&s);
    a.sampling.apply(&mut cfg, a.output.quiet)?;
    let sim = Simulation::new(&s, &cfg)?;
    let scfg = SensitivityConfig {
        metric,
        samples: cfg.samples,
        threads: cfg.threads,
        sobol_samples: usize::try_from(a.sobol_samples).unwrap_or(usize::MAX),
        bootstrap: usize::try_from(a.bootstrap.min(MAX_BOOTSTRAP)).unwrap_or(100_000),
    };
    if a.bootstrap > MAX_BOOTSTRAP {
        return Err(Error::Bootstrap {
            got: a.bootstrap,
            max: MAX_BOOTSTRAP,
        }
        .into());
    }
    validate(&sim, &scfg)?;
    // The output folder is checked before any work.
    let stem = format!("sensitivity-{}", metric.name());
    let owned = [
        format!("{stem}.json"),
        format!("{stem}.md"),
        format!("tornado_{}.svg", metric.name()),
        format!("tornado_{}.png", metric.name()),
    ];
    let mut set = super::output_set(
        &a.output,
        || Path::new("output").join(super::slug(&s, a.file.as_deref())),
        Box::new(move |n: &str| owned.iter().any(|o| o == n)),
        &s.read_files,
    )?;
    let mut xlsx = super::open_xlsx(&a.xlsx, &s.read_files, &set, None)?;

    let show_progress = !a.output.quiet && std::io::stderr().is_terminal();
    let mut bar = progress::Progress::counting(show_progress, "model evaluations");
    let result = analyse(&sim, &scfg, &mut |done, planned| bar.update(done, planned))?;
    bar.finish();
    let report = SensitivityReport::new(&s, &sim, &result, cfg.sampler);

    set.write(&format!("{stem}.json"), report.to_json().as_bytes())?;
    set.write(&format!("{stem}.md"), report.to_markdown().as_bytes())?;
    if !a.output.no_charts {
        let charts = write_chart_to(
            &report.tornado_chart(),
            &mut ChartDest::Set(&mut set),
            &format!("tornado_{}", metric.name()),
        );
        for w in &charts.warnings {
            super::warn(&format!("warning: {w}"));
        }
    }
    if let Some((export, path)) = xlsx.as_mut() {
        crate::report::xlsx::write_sensitivity(&report, path, export)?;
    }
    let dir = set.dir().to_path_buf();
    set.commit()?;
    super::finish_xlsx(xlsx)?;
    super::print_report(&report, a.output.format, &dir, a.xlsx.xlsx.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Metric;

    #[test]
    fn a_misspelt_metric_gets_a_suggestion() {
        let e = metric_by_name("cost_per_mtok").expect_err("unknown");
        assert!(
            matches!(&e, Error::UnknownMetric { name, hint }
                if name == "cost_per_mtok" && hint.contains("did you mean 'cost_per_mtok_usd'")),
            "{e:?}"
        );
        assert!(e.to_string().contains("(metrics: gpus, "), "{e}");
        assert_eq!(e.exit_code(), 1);
        assert_eq!(metric_by_name("npv_usd").ok(), Some(Metric::NpvUsd));
    }
}
