//! `gwsim compare A.toml B.toml [C.toml …]`: scenarios side by side on common random numbers.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;

use super::{OutputArgs, SamplingArgs, ScenarioArgs, XlsxArgs, print_warnings, progress};
use crate::engine::RunConfig;
use crate::engine::compare::{CompareConfig, Comparison};
use crate::error::{Diagnostic, Error, Location, ScenarioError};
use crate::report::chart::ChartDest;
use crate::report::compare::CompareReport;
use crate::scenario::{self, Scenario};

pub const AFTER_HELP: &str = "\
Every scenario runs on the same samples with one seed: a value that two scenarios share (same \
path) draws the same random numbers in both (common random numbers), so the paired difference \
shows what the scenarios do differently, not sampling noise. Differences and P(< A) are against \
the first scenario. The first scenario's [simulation] settings apply unless flags override them; \
--set applies to every scenario.

With one FILE, the comparison is the scenario against its variants: the [[variant]] tables of the file, then each --variant 'NAME: PATH=VALUE; PATH=VALUE…' (overrides in --set syntax, separated by ';'). Each variant is the scenario with its overrides applied after --set.

Examples:
  gwsim compare deal.toml deal-owned.toml
  gwsim compare deal.toml --variant 'rubin-late: fleet.rubin.online+=1' --variant 'cheap: procurement.price_usd_per_gpu_hour.gb200-nvl72*=0.8'
  gwsim compare deal.toml      # a file with [[variant]] tables
  gwsim compare a.toml b.toml c.toml --samples 1e5 --seed 7 --format markdown
  gwsim compare a.toml b.toml --set facility.pue=1.2 --format json > compare.json
  gwsim compare a.toml b.toml --independent      # no common random numbers, for reference";

#[derive(Args, Debug)]
#[command(
    after_help = AFTER_HELP,
    mut_arg("out", |a| a.help("Folder for the comparison's files (default: output/compare-A-vs-B…)"))
)]
pub struct CompareArgs {
    /// Scenario files (TOML): at least two, the first the reference; or one, compared with
    /// its variants.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// A named variant of the one FILE: 'NAME: PATH=VALUE; PATH=VALUE…' (repeatable).
    #[arg(long = "variant", value_name = "NAME: OVERRIDES")]
    pub variants: Vec<String>,
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
    if a.files.len() >= 2 && !a.variants.is_empty() {
        return Err(Error::VariantsOfOneFile {
            files: a.files.len(),
        }
        .into());
    }
    let (scenarios, labels) = if a.files.len() == 1 {
        let base = scenario::load(&a.files[0], &a.scenario.set).map_err(Error::Scenario)?;
        load_variants(base, &a.files[0], &a.scenario.set, &a.variants)?
    } else {
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
        let labels: Vec<String> = a.files.iter().map(|f| f.display().to_string()).collect();
        (scenarios, labels)
    };
    print_warnings(&scenarios, a.output.quiet);
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
    let stems: Vec<String> = if a.files.len() == 1 {
        let file = super::slug(&scenarios[0], Some(a.files[0].as_path()));
        std::iter::once(file)
            .chain(scenarios.iter().skip(1).map(|s| s.name.clone()))
            .collect()
    } else {
        scenarios
            .iter()
            .zip(&a.files)
            .map(|(s, f)| super::slug(s, Some(f.as_path())))
            .collect()
    };
    let reads: Vec<PathBuf> = scenarios
        .iter()
        .flat_map(|s| s.read_files.iter().cloned())
        .collect();
    // The output folder is checked before any sampling.
    let mut set = super::output_set(
        &a.output,
        || default_dir(&stems),
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
    if !a.output.quiet && a.files.len() > 1 {
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
    let report = CompareReport::new(&cmp.names, &labels, &result);
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

/// One scenario (`base`, loaded from `file` with `sets`) and its variants: the file's
/// `[[variant]]` tables, then the `--variant` flags. Returns the scenarios (the base first, each variant named by its name) and what the
/// report says each came from. Problems of every variant are reported at once, each located
/// where its override was written (the file's line, or `--variant N`'s column).
pub(crate) fn load_variants(
    base: Scenario,
    file: &Path,
    sets: &[String],
    flags: &[String],
) -> Result<(Vec<Scenario>, Vec<String>), Error> {
    let label = file.display().to_string();
    let mut diagnostics = Vec::new();
    // (name, overrides with where each was written: a file location, or the flag's column).
    let mut variants: Vec<(String, Vec<(String, Location)>)> = base
        .variants
        .iter()
        .map(|v| (v.name.clone(), v.sets.clone()))
        .collect();
    for (k, flag) in flags.iter().enumerate() {
        match parse_variant(k + 1, flag) {
            Ok(v) => {
                if variants.iter().any(|(n, _)| *n == v.0) {
                    diagnostics.push(Diagnostic::error(
                        Some(super::flag_loc("--variant", k + 1, 1)),
                        None,
                        format!(
                            "a variant named '{}' is already compared; give each a name of its own",
                            v.0
                        ),
                    ));
                } else {
                    variants.push(v);
                }
            }
            Err(d) => diagnostics.push(d),
        }
    }
    if variants.len() > MAX_VARIANTS {
        diagnostics.push(Diagnostic::error(
            None,
            None,
            format!(
                "{} variants to compare; at most {MAX_VARIANTS} at once (each loads the scenario \
                 and runs every sample)",
                variants.len()
            ),
        ));
        return Err(Error::Scenario(ScenarioError { diagnostics }));
    }
    if variants.is_empty() && diagnostics.is_empty() {
        return Err(Error::CompareFiles { files: vec![label] });
    }
    let mut scenarios = vec![base];
    let mut labels = vec![label.clone()];
    for (name, overrides) in &variants {
        let said: Vec<String> = overrides.iter().map(|(o, _)| o.clone()).collect();
        // An override's problem is located where the override was written.
        let relocate = |k: usize, d: &mut Diagnostic| {
            let column = d.location.as_ref().map_or(1, |l| l.column);
            let at = &overrides[k].1;
            d.location = Some(if &*at.file == "--variant" {
                super::flag_loc("--variant", at.line, at.column + column - 1)
            } else {
                at.clone()
            });
            let what = format!("variant '{name}'");
            d.path = Some(match d.path.take() {
                Some(p) => format!("{what}: {p}"),
                None => what,
            });
        };
        match super::load_with_overrides(file, sets, &said, relocate) {
            Ok(mut s) => {
                s.name = name.clone();
                labels.push(format!("{label} with {}", said.join("; ")));
                scenarios.push(s);
            }
            Err(Error::Scenario(e)) => {
                for d in e.diagnostics {
                    if !diagnostics
                        .iter()
                        .any(|x: &Diagnostic| x.location == d.location && x.message == d.message)
                    {
                        diagnostics.push(d);
                    }
                }
            }
            Err(other) => return Err(other),
        }
    }
    if !diagnostics.is_empty() {
        return Err(Error::Scenario(ScenarioError { diagnostics }));
    }
    Ok((scenarios, labels))
}

/// Variants compared at once, at most: beyond it a table of them is unreadable, and a file of
/// thousands would load the scenario thousands of times.
pub const MAX_VARIANTS: usize = 100;

/// `NAME: PATH=VALUE; PATH=VALUE…`, the `index`-th `--variant`: its name and its overrides,
/// each located at its column in the flag.
fn parse_variant(
    index: usize,
    flag: &str,
) -> Result<(String, Vec<(String, Location)>), Diagnostic> {
    let err = |column: usize, msg: String| {
        Diagnostic::error(Some(super::flag_loc("--variant", index, column)), None, msg)
    };
    let Some(colon) = flag.find(':') else {
        return Err(err(
            1,
            format!("--variant expects 'NAME: PATH=VALUE; …', got '{flag}'"),
        ));
    };
    let name = flag[..colon].trim();
    if let Some(problem) = crate::scenario::variant_name_problem(name) {
        return Err(err(1, problem));
    }
    let mut overrides = Vec::new();
    let mut start = colon + 1;
    for part in flag[colon + 1..].split(';') {
        let lead = part.len() - part.trim_start().len();
        let text = part.trim();
        let column = flag[..start + lead].chars().count() + 1;
        start += part.len() + 1;
        if text.is_empty() {
            continue;
        }
        if !text.contains('=') {
            return Err(err(
                column,
                format!("'{text}' is not an override: write PATH=VALUE"),
            ));
        }
        overrides.push((
            text.to_string(),
            super::flag_loc("--variant", index, column),
        ));
    }
    if overrides.is_empty() {
        return Err(err(
            colon + 2,
            format!("the variant '{name}' has no overrides: write '{name}: PATH=VALUE'"),
        ));
    }
    Ok((name.to_string(), overrides))
}

/// `output/compare-<stem1>-vs-<stem2>…`, cut short for many or long names.
fn default_dir(stems: &[String]) -> PathBuf {
    let mut name = format!("compare-{}", stems.join("-vs-"));
    if name.chars().count() > 120 {
        name = name.chars().take(120).collect::<String>();
        name = name.trim_end_matches(['-', '.']).to_string();
    }
    Path::new("output").join(name)
}
