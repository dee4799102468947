//! The command line: the only home of clap, anyhow, indicatif and terminal concerns.

mod compare;
mod portfolio;
mod progress;
mod sensitivity;
mod solve;
mod sweep;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::engine::{BatchView, Observer, RunConfig, Simulation};
use crate::error::{Error, Severity};
use crate::model::{self, METRICS, Metric, Step};
use crate::report::csv::{self, CsvWriter, safe_cell};
use crate::report::{self, Render, Report, format, fsio};
use crate::scenario::{self, SamplerKind, Scenario};

const AFTER_HELP: &str = "\
Examples:
  gwsim run                                    simulate the headline deal (embedded)
  gwsim run scenarios/anthropic-azure-nvidia-1gw.toml --samples 200000 --seed 7
  gwsim run deal.toml --set facility.pue=1.3 --set 'workload.utilization=\"0.5 to 0.8\"'
  gwsim run deal.toml --format json > summary.json
  gwsim run deal.toml --precision 0.5% --threads 2
  gwsim run deal.toml --precision 0.1% --max-samples 1e6 --strict-precision   # exit 3 if not met
  gwsim check deal.toml --strict
  gwsim explain deal.toml
  gwsim compare scenarios/anthropic-azure-nvidia-1gw.toml scenarios/anthropic-owned-1gw.toml
  gwsim sensitivity --metric cost_per_mtok_usd
  gwsim sweep scenarios/openai-aws-38b.toml --set-range workload.utilization=0.3:0.9:7 --metric cost_per_mtok_usd
  gwsim solve scenarios/openai-aws-38b.toml --target cost_per_mtok_usd:p50=3 --vary workload.utilization
  gwsim portfolio portfolios/openai.toml
  gwsim systems

Exit status: 0 success; 1 a problem in the input (file, flag, output path); 2 an internal
failure; 3 --precision not met by --max-samples under --strict-precision; 130 interrupted.";

#[derive(Parser, Debug)]
#[command(
    name = "gwsim",
    version,
    about = "Monte Carlo simulator of the economics of gigawatt-scale AI compute deals",
    long_about = "gwsim samples every uncertain value of a deal scenario (fleet, power, PUE, prices, \
                  workload, investments) and reports each metric as a distribution: GPUs per GW, \
                  cost per GPU-hour and per million tokens, what a commitment buys, NPV.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate a scenario; print the summary; write output/SCENARIO/summary.json, summary.md, charts and report.html.
    #[command(
        after_help = "Examples:\n  gwsim run\n  gwsim run scenarios/openai-aws-38b.toml --samples 1e6 --format markdown\n  gwsim run deal.toml --samples-out samples.csv --samples 10000"
    )]
    Run(RunArgs),
    /// Parse and validate a scenario; print every value with its distribution, p5/p50/p95 and source.
    #[command(
        after_help = "Examples:\n  gwsim check deal.toml\n  gwsim check deal.toml --strict   # exit 1 when a value has no source"
    )]
    Check(CheckArgs),
    /// The chain of arithmetic at every input's median, step by step.
    #[command(
        after_help = "Examples:\n  gwsim explain\n  gwsim explain deal.toml --set facility.pue=1.1"
    )]
    Explain(ExplainArgs),
    /// Scenarios side by side on common random numbers: each metric, the paired difference and P(< first).
    Compare(compare::CompareArgs),
    /// A metric's percentiles as one value moves across a range, or two across a grid.
    Sweep(sweep::SweepArgs),
    /// Break-even: the value of one input at which a statistic of a metric reaches a target.
    #[command(after_help = solve::AFTER_HELP)]
    Solve(solve::SolveArgs),
    /// The deals of one buyer on common random numbers: spend by year against its revenue, the
    /// funding need, the year revenue covers spend.
    #[command(after_help = portfolio::AFTER_HELP)]
    Portfolio(portfolio::PortfolioArgs),
    /// The system catalog, with sources.
    Systems,
    /// Which inputs move one metric: rank correlations, swing tornado, Sobol' indices.
    #[command(after_help = sensitivity::AFTER_HELP)]
    Sensitivity(sensitivity::SensitivityArgs),
}

#[derive(Args, Debug, Clone, Default)]
pub struct ScenarioArgs {
    /// Override one value: PATH=VALUE, VALUE in the scenario's value syntax, or change the
    /// scenario's value: PATH+=D, PATH-=D, PATH*=F, PATH/=F (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

/// The sampling flags of every command that simulates.
#[derive(Args, Debug, Clone, Default)]
pub struct SamplingArgs {
    /// Number of samples (overrides simulation.samples; 1e5 style accepted). For `sweep`, per
    /// point; for `sensitivity`, for the rank correlations.
    #[arg(long, value_parser = parse_count)]
    pub samples: Option<u64>,
    /// Seed (overrides simulation.seed; for `compare`, the first scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Sampler (overrides simulation.sampler).
    #[arg(long, value_enum)]
    pub sampler: Option<SamplerArg>,
    /// Worker threads (default: every core; at most 4 per core). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Run even when the work (or the --samples-out file) is larger than gwsim runs (or
    /// writes) without being asked.
    #[arg(long)]
    pub force: bool,
}

/// Worker threads per core that `--threads` may ask for; more only slow a run down.
pub const MAX_THREADS_PER_CORE: usize = 4;

/// Model evaluations a command runs without `--force` (a sweep's points × samples, a
/// comparison's scenarios × samples): about an hour on two cores.
pub const MAX_EVALUATIONS: u64 = 10_000_000_000;

/// Work from which a command says what it is about to do.
const NOTE_EVALUATIONS: u64 = 100_000_000;

/// The largest `--samples-out` file written without `--force` (bytes, estimated).
pub const MAX_SAMPLES_OUT_BYTES: u64 = 4_000_000_000;

/// Bytes per cell of a `--samples-out` file, for its estimate (17 significant digits, an
/// exponent and a comma).
const SAMPLES_OUT_CELL_BYTES: u64 = 20;

/// Refuse `evaluations` model evaluations (`work` says how they multiply up) above
/// [`MAX_EVALUATIONS`] unless `force`; announce large work on stderr unless `quiet`.
pub(crate) fn check_work(
    work: &str,
    evaluations: u64,
    force: bool,
    quiet: bool,
) -> Result<(), Error> {
    if evaluations > MAX_EVALUATIONS && !force {
        return Err(Error::Work {
            work: work.to_string(),
            evaluations,
            limit: MAX_EVALUATIONS,
        });
    }
    if evaluations >= NOTE_EVALUATIONS && !quiet {
        warn(&format!(
            "note: {work} = {} model evaluations",
            crate::dist::fmt_num(evaluations as f64)
        ));
    }
    Ok(())
}

impl SamplingArgs {
    /// Override `cfg` with the flags given, checking their ranges. A `--threads` above
    /// [`MAX_THREADS_PER_CORE`] per core is cut to that, with a note unless `quiet`.
    pub fn apply(&self, cfg: &mut RunConfig, quiet: bool) -> Result<(), Error> {
        if let Some(n) = self.samples {
            cfg.samples = n;
        }
        if cfg.samples == 0 || cfg.samples > 1_000_000_000 {
            return Err(Error::Samples { got: cfg.samples });
        }
        if let Some(seed) = self.seed {
            cfg.seed = seed;
        }
        if let Some(sm) = self.sampler {
            cfg.sampler = sm.into();
        }
        if self.threads == Some(0) {
            return Err(Error::Threads);
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let cap = cores.saturating_mul(MAX_THREADS_PER_CORE);
        cfg.threads = self.threads.map(|t| {
            if t > cap && !quiet {
                warn(&format!(
                    "note: --threads {t} is more than {MAX_THREADS_PER_CORE} per core; using \
                     {cap} ({cores} cores)"
                ));
            }
            t.min(cap)
        });
        Ok(())
    }
}

/// The output flags of every command that writes files (`run`, `compare`, `sweep`,
/// `sensitivity`). A command whose files or charts differ says so in its own help for `--out`
/// and `--no-charts` (`mut_arg`).
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output on stdout.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Folder for the files (default: output/SCENARIO).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Skip charts.
    #[arg(long)]
    pub no_charts: bool,
    /// No progress bar, no notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `--xlsx FILE`: the command's report as an Excel workbook too.
#[derive(Args, Debug, Clone, Default)]
pub struct XlsxArgs {
    /// Also write the report as an Excel workbook (numbers as numbers, native charts) to this
    /// file.
    #[arg(long, value_name = "FILE.xlsx")]
    pub xlsx: Option<PathBuf>,
}

/// The `--xlsx` file, opened before any work (refused like `--samples-out`: a file the command
/// reads, a folder, a file that the command writes in its folder `set`, the file
/// `--samples-out` names) and put in place by [`fsio::Export::finish`].
pub(crate) fn open_xlsx(
    args: &XlsxArgs,
    reads: &[PathBuf],
    set: &fsio::FileSet,
    samples_out: Option<&Path>,
) -> Result<Option<(fsio::Export, String)>, Error> {
    let Some(path) = &args.xlsx else {
        return Ok(None);
    };
    if let Some(name) = set.claims(path) {
        return Err(Error::Output {
            flag: "--xlsx",
            path: path.display().to_string(),
            problem: format!(
                "the command writes its own '{name}' in that folder; name another file"
            ),
        });
    }
    if let Some(other) = samples_out
        && fsio::resolved(other).is_some()
        && fsio::resolved(other) == fsio::resolved(path)
    {
        return Err(Error::Output {
            flag: "--xlsx",
            path: path.display().to_string(),
            problem: "--samples-out names the same file; name another".into(),
        });
    }
    let export = fsio::Export::create(path, "--xlsx", reads)?;
    Ok(Some((export, path.display().to_string())))
}

/// A metric by name, or an error with the closest name.
pub(crate) fn metric_by_name(name: &str) -> Result<Metric, Error> {
    Metric::from_name(name).ok_or_else(|| Error::UnknownMetric {
        name: name.to_string(),
        hint: scenario::suggest::hint(name, METRICS.iter().map(|m| m.name())),
    })
}

/// Print a report on stdout in `format`; the table ends with the folder written and the
/// `--xlsx` workbook, if any.
pub(crate) fn print_report(
    report: &dyn Render,
    format: Format,
    dir: &Path,
    xlsx: Option<&Path>,
) -> Result<()> {
    let mut text = match format {
        Format::Table => report.to_table(),
        Format::Json => report.to_json(),
        Format::Csv => report.to_csv(),
        Format::Markdown => report.to_markdown(),
    };
    if format == Format::Table {
        text.push_str(&format!("\nWrote {}\n", dir.display()));
        if let Some(x) = xlsx {
            text.push_str(&format!("Wrote {}\n", x.display()));
        }
    }
    out_stdout(&text)
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    Markdown,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum SamplerArg {
    Mc,
    Lhs,
    Sobol,
}

impl From<SamplerArg> for SamplerKind {
    fn from(s: SamplerArg) -> Self {
        match s {
            SamplerArg::Mc => SamplerKind::Mc,
            SamplerArg::Lhs => SamplerKind::Lhs,
            SamplerArg::Sobol => SamplerKind::Sobol,
        }
    }
}

#[derive(Args, Debug)]
#[command(mut_arg("out", |a| a.help("Folder for the run's files (default: output/SCENARIO)")))]
pub struct RunArgs {
    /// Scenario file (TOML). Without it: the headline deal embedded in the binary.
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    /// Keep sampling until every headline mean is within ±P (95%), e.g. 0.5% or 0.005.
    #[arg(long, value_parser = parse_fraction)]
    pub precision: Option<f64>,
    /// Sample cap under --precision.
    #[arg(long, value_parser = parse_count, default_value = "1e7")]
    pub max_samples: u64,
    /// Exit with status 3 when --precision is not met by --max-samples (the files and the
    /// summary are still written). Without it the run exits 0 and says so on stderr.
    #[arg(long, requires = "precision")]
    pub strict_precision: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Write every sample's inputs and metrics to this CSV file.
    #[arg(long, value_name = "FILE.csv")]
    pub samples_out: Option<PathBuf>,
    #[command(flatten)]
    pub xlsx: XlsxArgs,
    /// With --xlsx: every sample's inputs and metrics on a Samples sheet too (at most
    /// 1,048,575, Excel's rows less the header; a warning says when samples are left out).
    #[arg(long, requires = "xlsx")]
    pub xlsx_samples: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Exit with status 1 when a value has no source.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Scenario file (TOML). Without it: the headline deal.
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub scenario: ScenarioArgs,
}

fn parse_count(s: &str) -> std::result::Result<u64, String> {
    let clean = s.replace('_', "");
    if let Ok(n) = clean.parse::<u64>() {
        return Ok(n);
    }
    match clean.parse::<f64>() {
        Ok(x) if x >= 0.0 && x.fract() == 0.0 && x <= 1e18 => Ok(x as u64),
        _ => Err(format!(
            "'{s}' is not a whole number (examples: 100000, 1e6, 100_000)"
        )),
    }
}

fn parse_fraction(s: &str) -> std::result::Result<f64, String> {
    let (num, scale) = match s.strip_suffix('%') {
        Some(n) => (n, 0.01),
        None => (s, 1.0),
    };
    match num.trim().parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() && x * scale < 1.0 => Ok(x * scale),
        _ => Err(format!("'{s}' is not a precision (examples: 0.5%, 0.005)")),
    }
}

/// Exit status after an interrupt (SIGINT, SIGTERM, SIGHUP): 128 + SIGINT.
const INTERRUPTED: i32 = 130;

/// Parse the command line, run, and return the exit status. An interrupt removes every
/// temporary file (a set being committed first finishes) and exits: the output folders keep
/// their previous files.
pub fn main() -> i32 {
    let _ = ctrlc::set_handler(|| {
        let _held = fsio::remove_temporaries();
        let _ = writeln!(std::io::stderr(), "\ninterrupted");
        std::process::exit(INTERRUPTED);
    });
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 1,
            };
            let _ = e.print();
            return code;
        }
    };
    match run(cli) {
        Ok(()) => 0,
        Err(e) => {
            if is_broken_pipe(&e) {
                return 0;
            }
            let code = e.downcast_ref::<Error>().map_or(2, Error::exit_code);
            let mut msg = format!("{e}");
            for cause in e.chain().skip(1) {
                msg.push_str(&format!("\n  caused by: {cause}"));
            }
            let _ = writeln!(
                std::io::stderr(),
                "{}",
                report::text::terminal(&prefix_error(&msg))
            );
            code
        }
    }
}

fn prefix_error(msg: &str) -> String {
    if msg.contains("error: ") {
        msg.to_string()
    } else {
        format!("error: {msg}")
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(a) => cmd_run(a),
        Command::Check(a) => cmd_check(a),
        Command::Explain(a) => cmd_explain(a),
        Command::Compare(a) => compare::cmd_compare(a),
        Command::Sweep(a) => sweep::cmd_sweep(a),
        Command::Solve(a) => solve::cmd_solve(a),
        Command::Portfolio(a) => portfolio::cmd_portfolio(a),
        Command::Systems => cmd_systems(),
        Command::Sensitivity(a) => sensitivity::cmd_sensitivity(a),
    }
}

/// Load a scenario file, or the embedded headline when `file` is `None`.
/// Load `file` with the user's `--set`s, then `extra` overrides that the command wrote for
/// them (a `--set-range` point, a `--vary` value, a variant's overrides). A problem of the
/// `k`-th extra override (from 0) would be located at a `--set` the user did not write:
/// `relocate(k, diagnostic)` points it at where that override came from.
pub(crate) fn load_with_overrides(
    file: &Path,
    sets: &[String],
    extra: &[String],
    mut relocate: impl FnMut(usize, &mut crate::error::Diagnostic),
) -> Result<Scenario, Error> {
    let mut all = sets.to_vec();
    all.extend_from_slice(extra);
    scenario::load(file, &all).map_err(|mut e| {
        for d in &mut e.diagnostics {
            let k = d
                .location
                .as_ref()
                .filter(|l| &*l.file == "--set" && l.line > sets.len())
                .map(|l| l.line - sets.len() - 1);
            if let Some(k) = k {
                relocate(k, d);
            }
        }
        Error::Scenario(e)
    })
}

/// Column `column` of the `line`-th use of `flag` (both from 1).
pub(crate) fn flag_loc(flag: &str, line: usize, column: usize) -> crate::error::Location {
    crate::error::Location {
        file: flag.into(),
        line,
        column,
    }
}

pub fn load_scenario(file: Option<&Path>, sets: &[String]) -> Result<Scenario, Error> {
    let s = match file {
        Some(f) => scenario::load(f, sets)?,
        None => scenario::load_str(scenario::HEADLINE_TOML, scenario::HEADLINE_NAME, None, sets)?,
    };
    Ok(s)
}

/// Print the scenarios' warnings on stderr (unless `quiet`), each distinct one once.
fn print_warnings<'a>(scenarios: impl IntoIterator<Item = &'a Scenario>, quiet: bool) {
    if quiet {
        return;
    }
    // Scenarios read from one file (a file and its variants) share its warnings: each is
    // printed once.
    let mut printed = std::collections::HashSet::new();
    for w in scenarios
        .into_iter()
        .flat_map(|s| &s.warnings)
        .filter(|w| w.severity == Severity::Warning)
    {
        let line = w.to_string();
        if printed.insert(line.clone()) {
            warn(&line);
        }
    }
}

/// One line on stderr, its control characters shown as escapes.
pub(crate) fn warn(line: &str) {
    let _ = writeln!(std::io::stderr(), "{}", report::text::terminal(line));
}

/// Print on stdout; control characters that came from a file are shown as escapes.
pub(crate) fn out_stdout(text: &str) -> Result<()> {
    let mut so = std::io::stdout().lock();
    so.write_all(report::text::terminal(text).as_bytes())?;
    so.flush()?;
    Ok(())
}

/// The folder name of a scenario's outputs: its file stem, else a slug of its name.
pub fn slug(s: &Scenario, file: Option<&Path>) -> String {
    let base = match file {
        Some(f) => f
            .file_stem()
            .map(|x| x.to_string_lossy().into_owned())
            .unwrap_or_default(),
        None => scenario::HEADLINE_NAME
            .trim_end_matches(".toml")
            .to_string(),
    };
    let base = if base.is_empty() {
        s.name.clone()
    } else {
        base
    };
    let out = slugify(&base);
    if out.is_empty() {
        "scenario".into()
    } else {
        out
    }
}

/// `s` made a folder name: ASCII letters (lower-cased), digits, `-`, `_` and `.` kept, every
/// run of other characters one `-`, and no `-` or `.` at either end.
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

/// The default folder of a command that reads `file`: `output/<command>-<file stem>`, then each
/// of `parts`, made a folder name by [`slugify`].
pub(crate) fn default_folder(command: &str, file: &Path, parts: &[&str]) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    let mut name = format!("{command}-{stem}");
    for part in parts {
        name.push('-');
        name.push_str(part);
    }
    Path::new("output").join(slugify(&name))
}

/// The files of `gwsim run` in its folder.
fn run_owns(name: &str) -> bool {
    matches!(name, "summary.json" | "summary.md" | "report.html")
        || (["hist_", "fan_", "breakdown_"]
            .iter()
            .any(|p| name.starts_with(p))
            && (name.ends_with(".svg") || name.ends_with(".png")))
}

/// The output folder of a command, checked before any work: `--out`, or `default`.
pub(crate) fn output_set(
    out: &OutputArgs,
    default: impl FnOnce() -> PathBuf,
    owns: fsio::Owns,
    reads: &[PathBuf],
) -> Result<fsio::FileSet, Error> {
    let dir = out.out.clone().unwrap_or_else(default);
    fsio::FileSet::create(&dir, "--out", owns, reads)
}

fn cmd_run(a: RunArgs) -> Result<()> {
    let s = load_scenario(a.file.as_deref(), &a.scenario.set)?;
    print_warnings([&s], a.output.quiet);
    let mut cfg = RunConfig::from_scenario(&s);
    a.sampling.apply(&mut cfg, a.output.quiet)?;
    cfg.precision = a.precision;
    cfg.max_samples = a.max_samples.min(1_000_000_000);
    let sim = Simulation::new(&s, &cfg)?;

    // Every output is checked before any sampling.
    let mut set = output_set(
        &a.output,
        || Path::new("output").join(slug(&s, a.file.as_deref())),
        Box::new(run_owns),
        &s.read_files,
    )?;
    let mut samples_csv = match &a.samples_out {
        Some(path) => {
            let planned = if cfg.precision.is_some() {
                cfg.max_samples.max(cfg.samples)
            } else {
                cfg.samples
            };
            Some(SamplesCsv::new(
                path,
                &sim,
                &s.read_files,
                planned,
                a.sampling.force,
                &set,
            )?)
        }
        None => None,
    };

    let mut xlsx = open_xlsx(&a.xlsx, &s.read_files, &set, a.samples_out.as_deref())?;
    let mut workbook = match &xlsx {
        Some((_, path)) => {
            let inputs: Vec<String> = sim.inputs.iter().map(|i| i.path.clone()).collect();
            let metrics: Vec<&str> = sample_metrics(&sim)
                .iter()
                .map(|&m| METRICS[m].name())
                .collect();
            let columns = a.xlsx_samples.then_some((&inputs[..], &metrics[..]));
            Some(report::xlsx::RunWorkbook::new(path, columns)?)
        }
        None => None,
    };

    let show_progress = !a.output.quiet && std::io::stderr().is_terminal();
    let mut obs = RunObserver {
        progress: progress::Progress::new(show_progress),
        samples: samples_csv.as_mut(),
        workbook: workbook.as_mut().filter(|_| a.xlsx_samples),
        metrics: sample_metrics(&sim),
        n_inputs: sim.inputs.len(),
    };
    let result = sim.run(&cfg, &mut obs)?;
    obs.progress.finish();
    if let Some(file) = samples_csv {
        file.finish()?;
    }
    let report = Report::new(&s, &sim, &result, cfg.precision);
    if let (Some(wb), Some((export, _))) = (workbook, xlsx.as_mut()) {
        if let Some(note) = wb.samples_note() {
            warn(&format!("warning: {note}"));
        }
        wb.finish(&report, export)?;
    }
    if !a.output.quiet && a.output.format != Format::Table {
        for line in report.undefined_lines() {
            warn(&format!("note: {line}"));
        }
    }
    set.write("summary.json", report.to_json().as_bytes())?;
    set.write("summary.md", report.to_markdown().as_bytes())?;
    if !a.output.no_charts {
        let charts = report::chart::render_run_charts_to(
            &report,
            &mut report::chart::ChartDest::Set(&mut set),
        );
        for w in &charts.warnings {
            warn(&format!("warning: {w}"));
        }
        let html = report::html::render_html(&report, &charts.svgs);
        set.write("report.html", html.as_bytes())?;
    }
    let dir = set.dir().to_path_buf();
    set.commit()?;
    finish_xlsx(xlsx)?;
    print_report(&report, a.output.format, &dir, a.xlsx.xlsx.as_deref())?;
    if a.output.format == Format::Table && !a.output.no_charts {
        out_stdout(&format!(
            "Report: {} (open it in a browser)\n",
            dir.join("report.html").display()
        ))?;
    }
    precision_outcome(&result, &cfg, a.strict_precision)
}

/// Put the `--xlsx` file in place, once the workbook is written and the folder's set committed.
pub(crate) fn finish_xlsx(xlsx: Option<(fsio::Export, String)>) -> Result<(), Error> {
    match xlsx {
        Some((export, _)) => export.finish(),
        None => Ok(()),
    }
}

/// The metrics of a run's samples (`--samples-out`, `--xlsx-samples`), as [`METRICS`] indices.
fn sample_metrics(sim: &Simulation) -> Vec<usize> {
    METRICS
        .iter()
        .filter(|&&m| sim.plan.has_metric(m))
        .map(|&m| m as usize)
        .collect()
}

/// Under `--precision`, a target not met by the sample cap: a warning on stderr with the
/// worst headline metric's precision, or (`strict`) an error with exit status 3.
fn precision_outcome(
    result: &crate::engine::RunResult,
    cfg: &RunConfig,
    strict: bool,
) -> Result<()> {
    let (Some(target), Some(false)) = (cfg.precision, result.converged) else {
        return Ok(());
    };
    let Some((metric, achieved)) = crate::engine::worst_precision(result) else {
        return Ok(());
    };
    let e = Error::PrecisionNotMet {
        metric,
        achieved,
        target,
        samples: result.samples,
    };
    if strict {
        return Err(e.into());
    }
    warn(&format!(
        "warning: {e} (--strict-precision makes this exit 3)"
    ));
    Ok(())
}

struct RunObserver<'a> {
    progress: progress::Progress,
    samples: Option<&'a mut SamplesCsv>,
    /// The workbook whose Samples sheet takes every batch (`--xlsx-samples`).
    workbook: Option<&'a mut report::xlsx::RunWorkbook>,
    metrics: Vec<usize>,
    n_inputs: usize,
}

impl Observer for RunObserver<'_> {
    fn batch(&mut self, view: &BatchView<'_>) -> Result<(), Error> {
        if let Some(s) = self.samples.as_mut() {
            s.write(view)?;
        }
        if let Some(wb) = self.workbook.as_mut() {
            let n = view.n;
            let columns: Vec<&[f64]> = (0..self.n_inputs)
                .map(|p| &view.input(p)[..n])
                .chain(self.metrics.iter().map(|&m| &view.metric(m)[..n]))
                .collect();
            wb.push_samples(view.first, &columns)?;
        }
        Ok(())
    }
    fn progress(&mut self, done: u64, planned: u64) {
        self.progress.update(done, planned);
    }
}

/// `--samples-out`: every sample's uncertain inputs and metrics, written to a temporary file
/// and renamed into place when the run succeeds (or written through to a FIFO or a device).
struct SamplesCsv {
    path: PathBuf,
    writer: CsvWriter<std::io::BufWriter<fsio::Export>>,
    metrics: Vec<usize>,
    n_inputs: usize,
}

impl SamplesCsv {
    /// Refused before any sampling: a file the run reads, a file of the run's `set`, and (unless
    /// `force`) a file larger than [`MAX_SAMPLES_OUT_BYTES`] for `planned` samples.
    fn new(
        path: &Path,
        sim: &Simulation,
        reads: &[PathBuf],
        planned: u64,
        force: bool,
        set: &fsio::FileSet,
    ) -> Result<SamplesCsv, Error> {
        let metrics = sample_metrics(sim);
        let columns = 1 + sim.inputs.len() + metrics.len();
        let bytes = planned.saturating_mul(columns as u64 * SAMPLES_OUT_CELL_BYTES);
        if bytes > MAX_SAMPLES_OUT_BYTES && !force {
            return Err(Error::ExportSize {
                path: path.display().to_string(),
                samples: planned,
                columns,
                bytes,
                limit: MAX_SAMPLES_OUT_BYTES,
            });
        }
        if let Some(n) = set.claims(path) {
            return Err(Error::Output {
                flag: "--samples-out",
                path: path.display().to_string(),
                problem: format!("the run writes its own '{n}' in that folder; name another file"),
            });
        }
        let export = fsio::Export::create(path, "--samples-out", reads)?;
        let io = |e: std::io::Error| Error::Io {
            path: path.display().to_string(),
            source: e,
        };
        let mut writer = CsvWriter::new(std::io::BufWriter::new(export));
        let mut header = vec!["sample".to_string()];
        header.extend(sim.inputs.iter().map(|i| safe_cell(&i.path)));
        header.extend(metrics.iter().map(|&m| METRICS[m].name().to_string()));
        writer.record(&header).map_err(io)?;
        Ok(SamplesCsv {
            path: path.to_path_buf(),
            writer,
            metrics,
            n_inputs: sim.inputs.len(),
        })
    }

    fn write(&mut self, v: &BatchView<'_>) -> Result<(), Error> {
        let n = v.n;
        let mut row: Vec<String> = Vec::with_capacity(1 + self.n_inputs + self.metrics.len());
        for i in 0..n {
            row.clear();
            row.push((v.first + i as u64).to_string());
            for p in 0..self.n_inputs {
                row.push(csv::number(v.input(p)[i]));
            }
            for &m in &self.metrics {
                row.push(csv::number(v.metric(m)[i]));
            }
            self.writer.record(&row).map_err(|e| Error::Io {
                path: self.path.display().to_string(),
                source: e,
            })?;
        }
        Ok(())
    }

    fn finish(self) -> Result<(), Error> {
        let io = |e: std::io::Error| Error::Io {
            path: self.path.display().to_string(),
            source: e,
        };
        let export = self
            .writer
            .into_inner()
            .map_err(io)?
            .into_inner()
            .map_err(|e| io(e.into_error()))?;
        export.finish()
    }
}

fn cmd_check(a: CheckArgs) -> Result<()> {
    let s = load_scenario(Some(&a.file), &a.scenario.set)?;
    print_warnings([&s], false);
    if !s.variants.is_empty() {
        // Each variant's overrides are applied and checked as a comparison would.
        compare::load_variants(s.clone(), &a.file, &a.scenario.set, &[])?;
    }
    let (text, unsourced) = check_text(&s, &a.file.display().to_string());
    out_stdout(&text)?;
    if a.strict && !unsourced.is_empty() {
        return Err(Error::Unsourced { paths: unsourced }.into());
    }
    Ok(())
}

/// What `gwsim check` prints for a valid scenario read from `label`: every value with its
/// distribution, p5/p50/p95 and source; and the paths of the values without a source.
pub fn check_text(s: &Scenario, label: &str) -> (String, Vec<String>) {
    let mut rows: Vec<[String; 6]> = Vec::new();
    let mut unsourced = Vec::new();
    for p in s.params() {
        let m = &p.marginal;
        let (p5, p50, p95) = (m.quantile(0.05), m.quantile(0.5), m.quantile(0.95));
        if p.source.is_none() {
            unsourced.push(p.path.clone());
        }
        // Decimal years need more than 3 significant digits: 2026.75 is not 2027.
        let fmt: fn(f64) -> String = if model::is_year_path(&p.path) {
            model::year
        } else {
            format::sig3
        };
        rows.push([
            p.path.clone(),
            m.to_string(),
            fmt(p5),
            fmt(p50),
            fmt(p95),
            p.source.clone().unwrap_or_else(|| "(no source)".into()),
        ]);
    }
    let header = ["path", "distribution", "p5", "p50", "p95", "source"].map(String::from);
    let mut out = format!(
        "{} — {} values ({} uncertain), {} tranche(s), term {}–{}\n\n",
        report::text::printable(&s.name),
        rows.len(),
        s.uncertain_params().len(),
        s.fleet.len(),
        s.start_year,
        s.last_year()
    );
    out.push_str(&check_table(&header, &rows));
    out.push_str("\nThroughput (output tokens per second per GPU)\n");
    for sys in s.systems.values() {
        out.push_str(&format!(
            "  {}: {}\n",
            report::text::printable(&sys.key),
            sys.throughput.describe()
        ));
    }
    if !s.correlations.is_empty() {
        out.push_str("\nRank correlations\n");
        for c in &s.correlations {
            out.push_str(&format!(
                "  {} ~ {}: {}\n",
                report::text::printable(&c.between[0]),
                report::text::printable(&c.between[1]),
                c.rank
            ));
        }
    }
    if !s.variants.is_empty() {
        out.push_str("\nVariants (gwsim compare compares the scenario with them)\n");
        for v in &s.variants {
            let sets: Vec<&str> = v.sets.iter().map(|(o, _)| o.as_str()).collect();
            let about = v
                .description
                .as_deref()
                .map(|d| format!(" ({})", report::text::printable(d)))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {}{about}: {}\n",
                report::text::printable(&v.name),
                report::text::printable(&sets.join("; "))
            ));
        }
    }
    out.push_str(&format!("\n{}: ok\n", report::text::printable(label)));
    (out, unsourced)
}

/// A table whose last column (the source) is left-aligned and not padded. Cells are shown
/// printable; all but the source are cut to [`report::text::MAX_CELL_CHARS`].
fn check_table(header: &[String; 6], rows: &[[String; 6]]) -> String {
    let cells: Vec<[String; 6]> = std::iter::once(header)
        .chain(rows.iter())
        .map(|r| {
            std::array::from_fn(|i| {
                if i == 5 {
                    report::text::printable(&r[i]).into_owned()
                } else {
                    report::text::cell(&r[i])
                }
            })
        })
        .collect();
    let mut widths = [0usize; 5];
    for r in &cells {
        for (w, c) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in &cells {
        for (i, w) in widths.iter().enumerate() {
            out.push_str("  ");
            report::text::pad(&mut out, &r[i], *w, i < 2);
        }
        out.push_str("  ");
        out.push_str(&r[5]);
        out.push('\n');
    }
    out
}

fn cmd_explain(a: ExplainArgs) -> Result<()> {
    let s = load_scenario(a.file.as_deref(), &a.scenario.set)?;
    let cfg = RunConfig {
        samples: 1,
        ..RunConfig::from_scenario(&s)
    };
    let sim = Simulation::new(&s, &cfg)?;
    let x = sim.medians();
    let mut steps: Vec<Step> = Vec::new();
    let out = model::evaluate_traced(&sim.plan, &x, &mut steps);
    let mut text = format!(
        "{}\nThe arithmetic of one sample, every uncertain input at its median.\n\nInputs at their medians\n",
        s.name
    );
    for i in &sim.inputs {
        text.push_str(&format!(
            "  {} = {}   [{}]\n",
            i.path,
            if model::is_year_path(&i.path) {
                model::year(x[i.index])
            } else {
                model::num(x[i.index])
            },
            i.marginal
        ));
    }
    text.push_str("\nSteps\n");
    for st in &steps {
        let unit = if st.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", st.unit)
        };
        text.push_str(&format!(
            "  {} = {} = {}{}\n",
            st.name,
            st.formula,
            model::num(st.value),
            unit
        ));
    }
    text.push_str("\nResult at the medians\n");
    for m in METRICS {
        if sim.plan.has_metric(m) {
            text.push_str(&format!(
                "  {:<24} {}\n",
                m.name(),
                format::with_unit(out.metric(m), m.unit())
            ));
        }
    }
    text.push_str(
        "\nNote: a metric's median over the Monte Carlo run is not the metric at the inputs' \
         medians; `gwsim run` reports the distribution.\n",
    );
    out_stdout(&text)
}

fn cmd_systems() -> Result<()> {
    let systems = scenario::catalog().map_err(Error::from)?;
    let mut text = String::from("The system catalog (scenarios/systems.toml, embedded)\n");
    for sys in &systems {
        text.push_str(&format!(
            "\n{}  —  {} GPUs per system{}\n",
            sys.key,
            sys.gpus,
            sys.available
                .as_ref()
                .map(|a| format!(", volume from {a}"))
                .unwrap_or_default()
        ));
        if let Some(d) = &sys.description {
            text.push_str(&format!("  {d}\n"));
        }
        let mut fields: Vec<(&str, &scenario::Param)> = vec![
            ("it_kw", &sys.it_kw),
            ("price_usd", &sys.price_usd),
            ("pflops_fp8", &sys.pflops_fp8),
        ];
        let optional = [
            ("pflops_fp4", &sys.pflops_fp4),
            ("hbm_gb", &sys.hbm_gb),
            ("hbm_tb_s", &sys.hbm_tb_s),
            ("tokens_per_gpu_s", &sys.tokens_per_gpu_s),
        ];
        fields.extend(
            optional
                .iter()
                .filter_map(|(n, p)| p.as_ref().map(|p| (*n, p))),
        );
        for (name, p) in fields {
            text.push_str(&format!(
                "  {:<17} {:<40} {}\n",
                name,
                p.marginal.to_string(),
                p.source.as_deref().unwrap_or("(no source)")
            ));
        }
        if let Some(g) = sys.scaleup_gpus {
            text.push_str(&format!("  {:<17} {:<40}\n", "scaleup_gpus", g));
        }
    }
    out_stdout(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_that_writes_files_takes_the_output_flags() {
        use clap::CommandFactory;
        let cli = Cli::command();
        cli.clone().debug_assert();
        for (name, out, no_charts) in [
            (
                "run",
                "Folder for the run's files (default: output/SCENARIO)",
                "Skip charts",
            ),
            (
                "compare",
                "Folder for the comparison's files (default: output/compare-A-vs-B…)",
                "Skip charts",
            ),
            (
                "sweep",
                "Folder for the sweep's files (default: output/sweep-SCENARIO-PATH)",
                "Skip the chart",
            ),
            (
                "sensitivity",
                "Folder for the files (default: output/SCENARIO)",
                "Skip the tornado chart",
            ),
            (
                "portfolio",
                "Folder for the portfolio's files (default: output/portfolio-FILE)",
                "Skip charts",
            ),
        ] {
            let cmd = cli.find_subcommand(name).expect(name);
            let help = |id: &str| {
                cmd.get_arguments()
                    .find(|a| a.get_id() == id)
                    .and_then(|a| a.get_help())
                    .map(|h| h.to_string())
            };
            assert_eq!(help("out").as_deref(), Some(out), "{name}");
            assert_eq!(help("no_charts").as_deref(), Some(no_charts), "{name}");
            assert_eq!(
                help("format").as_deref(),
                Some("Output on stdout"),
                "{name}"
            );
            assert_eq!(
                help("quiet").as_deref(),
                Some("No progress bar, no notes on stderr"),
                "{name}"
            );
        }
    }

    #[test]
    fn the_workbook_flags_are_where_the_docs_say() {
        use clap::CommandFactory;
        let cli = Cli::command();
        for (name, xlsx, samples) in [
            ("run", true, true),
            ("compare", true, false),
            ("sweep", true, false),
            ("sensitivity", true, false),
            ("portfolio", false, false),
            ("check", false, false),
        ] {
            let cmd = cli.find_subcommand(name).expect(name);
            let has = |id: &str| cmd.get_arguments().any(|a| a.get_id() == id);
            assert_eq!(has("xlsx"), xlsx, "{name} --xlsx");
            assert_eq!(has("xlsx_samples"), samples, "{name} --xlsx-samples");
        }
    }

    #[test]
    fn counts_and_fractions_parse() {
        assert_eq!(parse_count("100000"), Ok(100_000));
        assert_eq!(parse_count("1e6"), Ok(1_000_000));
        assert_eq!(parse_count("100_000"), Ok(100_000));
        assert!(parse_count("1.5").is_err());
        assert!(parse_count("-3").is_err());
        assert_eq!(parse_fraction("0.5%"), Ok(0.005));
        assert_eq!(parse_fraction("0.01"), Ok(0.01));
        assert!(parse_fraction("0").is_err());
        assert!(parse_fraction("abc").is_err());
    }
}
