//! `gwsim compare A.toml B.toml [C.toml …]`: scenarios side by side on common random numbers.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;

use super::{OutputArgs, SamplingArgs, ScenarioArgs, XlsxArgs, print_warnings, progress};
use crate::engine::RunConfig;
use crate::engine::compare::{CompareConfig, Comparison};
use crate::error::{Error, ScenarioError};
use crate::report::chart::ChartDest;
use crate::report::compare::CompareReport;
use crate::scenario::{self, Scenario};

pub const AFTER_HELP: &str = "\
Every scenario runs on the same samples with one seed: a value that two scenarios share (same \
path) draws the same random numbers in both (common random numbers), so the paired difference \
shows what the scenarios do differently, not sampling noise. Differences and P(< A) are against \
the first scenario. The first scenario's [simulation] settings apply unless flags override them; \
--set applies to every scenario.

Examples:
  gwsim compare deal.toml deal-owned.toml
  gwsim compare a.toml b.toml c.toml --samples 1e5 --seed 7 --format markdown
  gwsim compare a.toml b.toml --set facility.pue=1.2 --format json > compare.json
  gwsim compare a.toml b.toml --independent      # no common random numbers, for reference";

#[derive(Args, Debug)]
#[command(
    after_help = AFTER_HELP,
    mut_arg("out", |a| a.help("Folder for the comparison's files (default: output/compare-A-vs-B…)"))
)]
pub struct CompareArgs {
    /// Scenario files (TOML), at least two; the first is the reference.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    /// Run each scenario on its own random numbers (a seed derived per scenario) instead of
    /// common random numbers.
    #[arg(long)]
    pub independent: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub xlsx: XlsxArgs,
}

pub fn cmd_compare(a: CompareArgs) -> Result<()> {
    if a.files.len() < 2 {
        return Err(Error::CompareFiles {
            files: a.files.iter().map(|f| f.display().to_string()).collect(),
        }
        .into());
    }
    // Every file is read; the problems of all of them are reported at once.
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut diagnostics = Vec::new();
    for f in &a.files {
        match scenario::load(f, &a.scenario.set) {
            Ok(s) => scenarios.push(s),
            Err(e) => diagnostics.extend(e.diagnostics),
        }
    }
    if !diagnostics.is_empty() {
        return Err(Error::Scenario(ScenarioError { diagnostics }).into());
    }
    for s in &scenarios {
        print_warnings(s, a.output.quiet);
    }
    let mut run = RunConfig::from_scenario(&scenarios[0]);
    a.sampling.apply(&mut run, a.output.quiet)?;
    super::check_work(
        &format!(
            "{} scenarios × {} samples",
            scenarios.len(),
            crate::dist::fmt_num(run.samples as f64)
        ),
        (scenarios.len() as u64).saturating_mul(run.samples),
        a.sampling.force,
        a.output.quiet,
    )?;
    let reads: Vec<PathBuf> = scenarios
        .iter()
        .flat_map(|s| s.read_files.iter().cloned())
        .collect();
    // The output folder is checked before any sampling.
    let mut set = super::output_set(
        &a.output,
        || default_dir(&scenarios, &a.files),
        Box::new(compare_owns),
        &reads,
    )?;
    let mut xlsx = super::open_xlsx(&a.xlsx, &reads, &set, None)?;
    let mut cfg = CompareConfig::from_scenario(&scenarios[0]);
    cfg.samples = run.samples;
    cfg.seed = run.seed;
    cfg.sampler = run.sampler;
    cfg.threads = run.threads;
    cfg.common_random_numbers = !a.independent;
    if !a.output.quiet {
        for (s, f) in scenarios.iter().zip(&a.files).skip(1) {
            let (x, y) = (&s.simulation, &scenarios[0].simulation);
            if (x.samples, x.seed, x.sampler) != (y.samples, y.seed, y.sampler) {
                super::warn(&format!(
                    "note: {}: its [simulation] settings differ from the first scenario's; the \
                     comparison uses one setting for all ({} samples, seed {}, sampler {})",
                    f.display(),
                    cfg.samples,
                    cfg.seed,
                    cfg.sampler.as_str()
                ));
            }
        }
    }

    let cmp = Comparison::new(&scenarios, &cfg)?;
    let show_progress = !a.output.quiet && std::io::stderr().is_terminal();
    let mut bar = progress::Progress::new(show_progress);
    let result = cmp.run(&mut |done, planned| bar.update(done, planned))?;
    bar.finish();
    let files: Vec<String> = a.files.iter().map(|f| f.display().to_string()).collect();
    let report = CompareReport::new(&cmp.names, &files, &result);
    if !a.output.quiet {
        for w in &report.warnings {
            super::warn(&format!("warning: {w}"));
        }
    }
    set.write("compare.json", report.to_json().as_bytes())?;
    set.write("compare.md", report.to_markdown().as_bytes())?;
    if !a.output.no_charts {
        let charts = report.render_charts(&mut ChartDest::Set(&mut set));
        for w in &charts.warnings {
            super::warn(&format!("warning: {w}"));
        }
    }
    if let Some((export, path)) = xlsx.as_mut() {
        crate::report::xlsx::write_compare(&report, path, export)?;
    }
    let dir = set.dir().to_path_buf();
    set.commit()?;
    super::finish_xlsx(xlsx)?;
    super::print_report(&report, a.output.format, &dir, a.xlsx.xlsx.as_deref())
}

/// The files of `gwsim compare` in its folder.
fn compare_owns(name: &str) -> bool {
    matches!(name, "compare.json" | "compare.md")
        || (name.starts_with("overlay_") && (name.ends_with(".svg") || name.ends_with(".png")))
}

/// `output/compare-<stem1>-vs-<stem2>…`, cut short for many or long names.
fn default_dir(scenarios: &[Scenario], files: &[PathBuf]) -> PathBuf {
    let stems: Vec<String> = scenarios
        .iter()
        .zip(files)
        .map(|(s, f)| super::slug(s, Some(f.as_path())))
        .collect();
    let mut name = format!("compare-{}", stems.join("-vs-"));
    if name.chars().count() > 120 {
        name = name.chars().take(120).collect::<String>();
        name = name.trim_end_matches(['-', '.']).to_string();
    }
    Path::new("output").join(name)
}
