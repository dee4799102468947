//! `gwsim portfolio FILE`: the deals of one buyer on common random numbers, against its revenue.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{OutputArgs, SamplingArgs, ScenarioArgs, progress};
use crate::engine::RunConfig;
use crate::engine::portfolio::{PortfolioConfig, PortfolioRun};
use crate::error::{Error, Severity};
use crate::report::chart::ChartDest;
use crate::report::portfolio::PortfolioReport;
use crate::scenario;

pub const AFTER_HELP: &str = "\
A portfolio file names the deal scenarios of one buyer (each with a share and optional \
overrides) and the buyer's revenue: a run-rate at a date, its growth per year and the margin \
left to pay for compute. Every deal is sampled on the same random numbers: a value that two \
deals share (same path) is one draw. Per calendar year: spend (each deal's cash outlay × its \
share), revenue, the cumulative funding need, capacity; and the year revenue covers spend. \
--set revenue.… and --set deal.NAME.share set the portfolio's values, --set deal.NAME.PATH=VALUE \
one deal's, any other --set every deal's.

Examples:
  gwsim portfolio portfolios/anthropic.toml
  gwsim portfolio portfolios/openai.toml --samples 1e5 --format json > openai.json
  gwsim portfolio portfolios/openai.toml --set revenue.margin=0.5
  gwsim portfolio portfolios/openai.toml --set deal.oracle.share=0.5";

#[derive(Args, Debug)]
#[command(
    after_help = AFTER_HELP,
    mut_arg("out", |a| a.help("Folder for the portfolio's files (default: output/portfolio-FILE)"))
)]
pub struct PortfolioArgs {
    /// Portfolio file (TOML).
    pub file: PathBuf,
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn cmd_portfolio(a: PortfolioArgs) -> Result<()> {
    let p = scenario::load_portfolio(&a.file, &a.scenario.set).map_err(Error::from)?;
    if !a.output.quiet {
        for w in p
            .warnings
            .iter()
            .filter(|w| w.severity == Severity::Warning)
        {
            let _ = writeln!(std::io::stderr(), "{w}");
        }
    }
    let mut run = RunConfig {
        samples: p.simulation.samples,
        seed: p.simulation.seed,
        sampler: p.simulation.sampler,
        threads: None,
        precision: None,
        max_samples: p.simulation.samples,
    };
    a.sampling.apply(&mut run, a.output.quiet)?;
    let cfg = PortfolioConfig {
        samples: run.samples,
        seed: run.seed,
        sampler: run.sampler,
        threads: run.threads,
    };
    // The output folder is checked before any sampling, against every file read.
    let mut reads: Vec<PathBuf> = vec![a.file.clone()];
    reads.extend(
        p.deals
            .iter()
            .flat_map(|d| d.scenario.read_files.iter().cloned()),
    );
    let mut set = super::output_set(
        &a.output,
        || super::default_folder("portfolio", &a.file, &[]),
        Box::new(portfolio_owns),
        &reads,
    )?;
    let pr = PortfolioRun::new(&p, &cfg)?;
    let show_progress = !a.output.quiet && std::io::stderr().is_terminal();
    let mut bar = progress::Progress::new(show_progress);
    let result = pr.run(&mut |done, planned| bar.update(done, planned))?;
    bar.finish();
    let report = PortfolioReport::new(&p, &pr, &result);
    if !a.output.quiet && a.output.format != super::Format::Table {
        for w in &report.warnings {
            let _ = writeln!(std::io::stderr(), "warning: {w}");
        }
    }
    set.write("portfolio.json", report.to_json().as_bytes())?;
    set.write("portfolio.md", report.to_markdown().as_bytes())?;
    set.write("portfolio.csv", report.to_csv().as_bytes())?;
    if !a.output.no_charts {
        let charts = report.render_charts(&mut ChartDest::Set(&mut set));
        for w in &charts.warnings {
            let _ = writeln!(std::io::stderr(), "warning: {w}");
        }
    }
    let dir = set.dir().to_path_buf();
    set.commit()?;
    super::print_report(&report, a.output.format, &dir, None)
}

/// The files of `gwsim portfolio` in its folder.
fn portfolio_owns(name: &str) -> bool {
    matches!(
        name,
        "portfolio.json"
            | "portfolio.md"
            | "portfolio.csv"
            | "spend_by_deal.svg"
            | "spend_by_deal.png"
    )
}
