//! `gwsim solve FILE --target METRIC:STAT=VALUE --vary PATH`: the value of one input at which a
//! statistic of a metric reaches a target (break-even).

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{OutputArgs, SamplingArgs, ScenarioArgs, print_warnings, progress};
use crate::dist::fmt_num;
use crate::engine::RunConfig;
use crate::engine::solve::{MAX_ITERATIONS, Target, evaluate, solve};
use crate::error::Error;
use crate::report::solve::SolveReport;
use crate::scenario::{self, Scenario};

pub const AFTER_HELP: &str = "\
Each evaluation runs the whole scenario (--samples samples, default the scenario's) with PATH \
fixed at one value, as --set PATH=VALUE would, and the same seed every time, so the statistic \
is a deterministic function of the value (common random numbers). The search starts from a \
bracket whose ends give statistics on either side of the target: --bracket LO:HI, or by \
default the 1st to 99th percentile of the input's distribution in the scenario widened by half \
its width on each side (half to twice a fixed value), pulled in towards its median where the \
field does not take a value. It uses \
regula falsi (Illinois) with bisection steps and stops when the statistic is within 1e-6 of \
the target's scale, when the bracket is narrower than 1e-4 of its first width, or after 40 \
evaluations. STAT is p5, p10, p25, p50, p75, p90, p95 or mean.

Examples:
  gwsim solve deal.toml --target npv_usd:p50=0 --vary workload.price_usd_per_mtok
  gwsim solve deal.toml --target cost_per_mtok_usd:mean=2 --vary workload.utilization --bracket 0.2:1
  gwsim solve deal.toml --target gpus_per_gw:p50=500000 --vary facility.pue --format json";

#[derive(Args, Debug)]
#[command(
    after_help = AFTER_HELP,
    mut_arg("out", |a| a.help("Folder for solve.json (default: output/solve-SCENARIO-PATH)")),
    mut_arg("no_charts", |a| a.hide(true))
)]
pub struct SolveArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// What to reach: METRIC:STAT=VALUE, e.g. npv_usd:p50=0 or cost_per_mtok_usd:mean=2.
    #[arg(long, value_name = "METRIC:STAT=VALUE")]
    pub target: String,
    /// The input to vary (a value path such as facility.pue or fleet.rubin.online); it is fixed
    /// at each value tried.
    #[arg(long, value_name = "PATH")]
    pub vary: String,
    /// Where to search: LO:HI (default: the input's p1 to p99 in the scenario, widened).
    #[arg(long, value_name = "LO:HI")]
    pub bracket: Option<String>,
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

fn vary_error(path: &str, problem: String) -> Error {
    Error::Solve {
        flag: "--vary",
        value: path.to_string(),
        problem,
    }
}

/// `LO:HI`, two different finite numbers (in either order).
fn parse_bracket(spec: &str) -> Result<(f64, f64), Error> {
    let bad = |problem: String| Error::Solve {
        flag: "--bracket",
        value: spec.to_string(),
        problem: format!("{problem} (expected LO:HI, e.g. 1.0:1.5)"),
    };
    let Some((lo, hi)) = spec.split_once(':') else {
        return Err(bad("no ':'".into()));
    };
    let num = |s: &str| match s.trim().replace('_', "").parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(bad(format!("'{}' is not a finite number", s.trim()))),
    };
    let (lo, hi) = (num(lo)?, num(hi)?);
    if lo == hi {
        return Err(bad("LO and HI are the same value".into()));
    }
    Ok((lo.min(hi), lo.max(hi)))
}

pub fn cmd_solve(a: SolveArgs) -> Result<()> {
    let target = Target::parse(&a.target)?;
    let path = a.vary.trim().to_string();
    if path.is_empty() || path.contains('=') || path.contains(char::is_whitespace) {
        return Err(vary_error(
            &path,
            "expected a value path such as facility.pue or fleet.rubin.online".into(),
        )
        .into());
    }
    if path.starts_with("simulation.") {
        return Err(vary_error(
            &path,
            "sets how the simulation runs, not the deal; vary a value of the scenario".into(),
        )
        .into());
    }
    let bracket = a.bracket.as_deref().map(parse_bracket).transpose()?;
    let sets = a.scenario.set.clone();
    let base = scenario::load(&a.file, &sets)?;
    print_warnings([&base], a.output.quiet);
    let Some(input) = base.params().into_iter().find(|p| p.path == path).cloned() else {
        let paths: Vec<String> = base.params().iter().map(|p| p.path.clone()).collect();
        let hint = scenario::suggest::hint(&path, paths.iter().map(String::as_str));
        return Err(vary_error(
            &path,
            format!(
                "the scenario has no value '{path}' to vary{hint} (`gwsim check FILE` lists its values)"
            ),
        )
        .into());
    };
    let mut cfg = RunConfig::from_scenario(&base);
    a.sampling.apply(&mut cfg, a.output.quiet)?;
    super::check_work(
        &format!(
            "up to {} runs × {} samples",
            MAX_ITERATIONS + 2,
            fmt_num(cfg.samples as f64)
        ),
        ((MAX_ITERATIONS + 2) as u64).saturating_mul(cfg.samples),
        a.sampling.force,
        a.output.quiet,
    )?;

    // Problems of the override that fixes the varied value point at `--vary`.
    let load = |value: f64| -> Result<Scenario, Error> {
        super::load_with_overrides(&a.file, &sets, &[format!("{path}={value:?}")], |_, d| {
            let column = d.location.as_ref().map_or(1, |l| l.column);
            d.location = Some(super::flag_loc("--vary", 1, column));
        })
    };
    let (lo, hi, source) = match bracket {
        Some((lo, hi)) => (lo, hi, "given by --bracket".to_string()),
        None => default_bracket(&input, &load)?,
    };

    let mut set = super::output_set(
        &a.output,
        || super::default_folder("solve", &a.file, &[path.as_str()]),
        Box::new(|name: &str| name == "solve.json"),
        &base.read_files,
    )?;

    let show_progress = !a.output.quiet && std::io::stderr().is_terminal();
    let mut bar = progress::Progress::new(show_progress);
    let mut runs = 0u64;
    let samples = cfg.samples;
    let mut loader = load;
    let mut stat = |value: f64| -> Result<f64, Error> {
        let offset = runs * samples;
        let planned = (runs + 1) * samples;
        runs += 1;
        evaluate(&target, &cfg, value, &mut loader, &mut |done| {
            bar.update(offset + done, planned)
        })
    };
    let solution = solve(&path, &target, lo, hi, &source, &mut stat)?;
    bar.finish();
    let report = SolveReport::new(
        &base.name,
        &path,
        &target,
        &solution,
        &source,
        cfg.samples,
        cfg.seed,
    );
    set.write("solve.json", report.to_json().as_bytes())?;
    let dir = set.dir().to_path_buf();
    set.commit()?;
    super::print_report(&report, a.output.format, &dir, None)
}

/// The default bracket: the input's 1st to 99th percentile in the scenario, widened by half its
/// width on each side (half to twice a fixed value; −1 to 1 for 0), each end moved halfway
/// towards the median until the scenario
/// takes it (a share above 1, a PUE below 1 are refused). Returns the ends and how they were
/// found.
fn default_bracket(
    input: &scenario::Param,
    load: &dyn Fn(f64) -> Result<Scenario, Error>,
) -> Result<(f64, f64, String), Error> {
    let m = &input.marginal;
    let mid = m.quantile(0.5);
    let (mut lo, mut hi, what) = match m.fixed_value() {
        Some(x) if x > 0.0 => (
            x / 2.0,
            x * 2.0,
            format!("half to twice the scenario's value {}", fmt_num(x)),
        ),
        Some(x) if x < 0.0 => (
            x * 2.0,
            x / 2.0,
            format!("twice to half the scenario's value {}", fmt_num(x)),
        ),
        Some(_) => (-1.0, 1.0, "−1 to 1 around the scenario's value 0".into()),
        None => {
            let (p1, p99) = (m.quantile(0.01), m.quantile(0.99));
            let half = 0.5 * (p99 - p1);
            (
                p1 - half,
                p99 + half,
                format!("p1 to p99 of the scenario's {m}, widened by half that width each side"),
            )
        }
    };
    let mut pulled = false;
    for end in [&mut lo, &mut hi] {
        let mut tries = 0;
        let mut last = None;
        while let Err(e) = load(*end) {
            tries += 1;
            pulled = true;
            if tries > 40 || *end == mid {
                return Err(vary_error(
                    &input.path,
                    format!(
                        "no default bracket: the scenario does not take values near {} ({}); give --bracket LO:HI",
                        fmt_num(*end),
                        last.unwrap_or(e)
                    ),
                ));
            }
            last = Some(e);
            *end = mid + 0.5 * (*end - mid);
        }
    }
    let source = format!(
        "default: {what}{}",
        if pulled {
            format!(
                ", pulled in to {} to {} where the field takes values",
                fmt_num(lo),
                fmt_num(hi)
            )
        } else {
            String::new()
        }
    );
    Ok((lo, hi, source))
}
