//! Break-even: the value of one input at which a statistic of a metric reaches a target.
//!
//! Every evaluation runs the scenario with the input fixed at a value (the caller builds it,
//! through `--set`) and the same seed, sample count and sampler, so the statistic is a
//! deterministic function of the value (common random numbers). The root is found on a bracket
//! whose ends give statistics on either side of the target, by regula falsi with the Illinois
//! modification, falling back on bisection when a step does not shrink the bracket enough.

use super::RunConfig;
use crate::error::Error;
use crate::model::Metric;
use crate::scenario::Scenario;

/// Most evaluations inside the bracket (the two ends are evaluated first).
pub const MAX_ITERATIONS: usize = 40;
/// The search stops when the bracket is narrower than this share of its first width.
pub const VALUE_TOLERANCE: f64 = 1e-4;
/// The search stops when the statistic is within this share of the target's scale (the larger
/// of |target| and the statistic's change across the first bracket) of the target.
pub const STAT_TOLERANCE: f64 = 1e-6;

/// The statistics a target may name.
pub const STATISTICS: [&str; 8] = ["p5", "p10", "p25", "p50", "p75", "p90", "p95", "mean"];

/// A statistic of a metric's distribution over the samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Statistic {
    /// The quantile at this probability (`p50` is 0.5).
    Quantile(f64),
    Mean,
}

impl Statistic {
    /// `p5` … `p95` or `mean`.
    pub fn parse(s: &str) -> Option<Statistic> {
        if s == "mean" {
            return Some(Statistic::Mean);
        }
        if !STATISTICS.contains(&s) {
            return None;
        }
        let n: f64 = s.strip_prefix('p')?.parse().ok()?;
        Some(Statistic::Quantile(n / 100.0))
    }

    /// The statistic's name: `p50`, `mean`.
    pub fn name(&self) -> String {
        match self {
            Statistic::Mean => "mean".into(),
            Statistic::Quantile(q) => format!("p{}", (q * 100.0).round()),
        }
    }
}

/// `METRIC:STAT=VALUE`, e.g. `npv_usd:p50=0`.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub metric: Metric,
    pub statistic: Statistic,
    pub value: f64,
}

/// What is wrong with a `--target`; the message shows the form.
fn target_error(spec: &str, problem: String) -> Error {
    Error::Solve {
        flag: "--target",
        value: spec.to_string(),
        problem: format!(
            "{problem} (expected METRIC:STAT=VALUE, e.g. npv_usd:p50=0; STAT is one of {})",
            STATISTICS.join(", ")
        ),
    }
}

impl Target {
    /// Parse `METRIC:STAT=VALUE`. An unknown metric gets the closest name.
    pub fn parse(spec: &str) -> Result<Target, Error> {
        let Some((left, value)) = spec.split_once('=') else {
            return Err(target_error(spec, "no '='".into()));
        };
        let Some((metric, stat)) = left.split_once(':') else {
            return Err(target_error(
                spec,
                format!("'{}' names no statistic", left.trim()),
            ));
        };
        let (metric, stat, value) = (metric.trim(), stat.trim(), value.trim());
        let Some(m) = Metric::from_name(metric) else {
            let hint = crate::scenario::suggest::hint(
                metric,
                crate::model::METRICS.iter().map(|m| m.name()),
            );
            return Err(Error::Solve {
                flag: "--target",
                value: spec.to_string(),
                problem: format!("unknown metric '{metric}'{hint}"),
            });
        };
        let Some(statistic) = Statistic::parse(stat) else {
            let hint = crate::scenario::suggest::hint(stat, STATISTICS);
            return Err(target_error(
                spec,
                format!("unknown statistic '{stat}'{hint}"),
            ));
        };
        let value = match value.replace('_', "").parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => {
                return Err(target_error(
                    spec,
                    format!("the target '{value}' is not a finite number"),
                ));
            }
        };
        Ok(Target {
            metric: m,
            statistic,
            value,
        })
    }
}

/// One evaluation: the input's value and the statistic there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub value: f64,
    pub statistic: f64,
}

/// How the search ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stop {
    /// The statistic reached the target within [`STAT_TOLERANCE`].
    Statistic,
    /// The bracket shrank below [`VALUE_TOLERANCE`] of its first width (the statistic may jump
    /// across the target there, e.g. when a size is rounded to whole systems).
    Value,
    /// [`MAX_ITERATIONS`] evaluations without either.
    Iterations,
}

impl Stop {
    /// What the search ended on, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Stop::Statistic => "the statistic reached the target",
            Stop::Value => {
                "the bracket closed on the value (the statistic jumps across the target there)"
            }
            Stop::Iterations => "the iteration cap was reached before the tolerance",
        }
    }
}

/// The result of a solve.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The best value found: of the evaluated values, the one whose statistic is closest to
    /// the target.
    pub value: f64,
    /// The statistic at `value`.
    pub statistic: f64,
    /// The bracket searched first, with the statistics at its ends.
    pub bracket: [Evaluation; 2],
    /// The last bracket (its ends' statistics lie on either side of the target).
    pub final_bracket: [Evaluation; 2],
    /// Evaluations inside the bracket (after the two ends).
    pub iterations: usize,
    /// Every evaluation, in order (the two ends first).
    pub evaluations: Vec<Evaluation>,
    pub stop: Stop,
}

/// The statistic of `target.metric` with the input at `value`: `load(value)` builds the
/// scenario, which runs with `cfg`. `progress(done)` counts the run's samples.
pub fn evaluate(
    target: &Target,
    cfg: &RunConfig,
    value: f64,
    load: &mut dyn FnMut(f64) -> Result<Scenario, Error>,
    progress: &mut dyn FnMut(u64),
) -> Result<f64, Error> {
    let s = load(value)?;
    let set = format!("the input at {}", crate::dist::fmt_num(value));
    let acc = super::run_metric(&s, target.metric, cfg, &set, progress)?;
    Ok(match target.statistic {
        Statistic::Mean => acc.mean(),
        Statistic::Quantile(q) => acc.quantile(q),
    })
}

/// Find the value in `[lo, hi]` at which `stat(value)` reaches `target`. `stat` is evaluated at
/// both ends first; when they do not lie on either side of the target, the error shows both.
/// `path` names the input in messages, `bracket_source` says where the bracket came from.
pub fn solve(
    path: &str,
    target: &Target,
    lo: f64,
    hi: f64,
    bracket_source: &str,
    stat: &mut dyn FnMut(f64) -> Result<f64, Error>,
) -> Result<Solution, Error> {
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    let t = target.value;
    let mut evaluations = Vec::new();
    let mut eval = |v: f64, evaluations: &mut Vec<Evaluation>| -> Result<f64, Error> {
        let s = stat(v)?;
        if !s.is_finite() {
            return Err(Error::Solve {
                flag: "--vary",
                value: path.to_string(),
                problem: format!(
                    "{} of {} is {} at {path} = {}; the search needs a finite statistic",
                    target.statistic.name(),
                    target.metric.name(),
                    crate::dist::fmt_num(s),
                    crate::dist::fmt_num(v)
                ),
            });
        }
        evaluations.push(Evaluation {
            value: v,
            statistic: s,
        });
        Ok(s - t)
    };
    let fa0 = eval(lo, &mut evaluations)?;
    let fb0 = eval(hi, &mut evaluations)?;
    let bracket = [evaluations[0], evaluations[1]];
    let scale = t.abs().max((fb0 - fa0).abs());
    let stat_tol = STAT_TOLERANCE * scale;
    let value_tol = VALUE_TOLERANCE * (hi - lo);
    let done = |evaluations: Vec<Evaluation>,
                a: Evaluation,
                b: Evaluation,
                iterations: usize,
                stop: Stop| {
        let best = evaluations
            .iter()
            .filter(|e| e.value >= a.value && e.value <= b.value)
            .min_by(|x, y| (x.statistic - t).abs().total_cmp(&(y.statistic - t).abs()))
            .copied()
            .unwrap_or(a);
        Solution {
            value: best.value,
            statistic: best.statistic,
            bracket,
            final_bracket: [a, b],
            iterations,
            evaluations,
            stop,
        }
    };
    if fa0.abs() <= stat_tol || fb0.abs() <= stat_tol {
        return Ok(done(
            evaluations,
            bracket[0],
            bracket[1],
            0,
            Stop::Statistic,
        ));
    }
    if fa0.signum() == fb0.signum() {
        let n = crate::dist::fmt_num;
        let unit = target.metric.unit();
        let stat = |x: f64| crate::report::format::with_unit(x, unit);
        let name = target.statistic.name();
        return Err(Error::Solve {
            flag: "--target",
            value: format!("{}:{name}={}", target.metric.name(), n(t)),
            problem: format!(
                "not bracketed: {name} is {} at {path} = {} and {} at {path} = {}, both {} the \
                 target (bracket: {bracket_source}); give a --bracket LO:HI whose ends fall on \
                 either side",
                stat(bracket[0].statistic),
                n(lo),
                stat(bracket[1].statistic),
                n(hi),
                if fa0 > 0.0 { "above" } else { "below" }
            ),
        });
    }
    // Regula falsi (Illinois) on [a, b]; `fa`, `fb` are the (possibly halved) differences from
    // the target used for the next secant, `ea`, `eb` the evaluations at the ends.
    let (mut a, mut b) = (bracket[0], bracket[1]);
    let (mut fa, mut fb) = (fa0, fb0);
    let mut side = 0i8;
    let mut bisect = false;
    for iteration in 1..=MAX_ITERATIONS {
        let width = b.value - a.value;
        let secant = b.value - fb * width / (fb - fa);
        let c = if bisect || !(secant > a.value && secant < b.value) {
            a.value + 0.5 * width
        } else {
            secant
        };
        if !(c > a.value && c < b.value) {
            // The bracket cannot be split further in floating point.
            return Ok(done(evaluations, a, b, iteration - 1, Stop::Value));
        }
        let fc = eval(c, &mut evaluations)?;
        // The evaluation as recorded (`fc + t` could differ from it in the last bit).
        let ec = *evaluations.last().expect("just evaluated");
        if fc.abs() <= stat_tol {
            return Ok(done(evaluations, a, b, iteration, Stop::Statistic));
        }
        if fc.signum() == fa.signum() {
            a = ec;
            fa = fc;
            if side == -1 {
                fb *= 0.5;
            }
            side = -1;
        } else {
            b = ec;
            fb = fc;
            if side == 1 {
                fa *= 0.5;
            }
            side = 1;
        }
        let new_width = b.value - a.value;
        if new_width <= value_tol {
            return Ok(done(evaluations, a, b, iteration, Stop::Value));
        }
        // A step that keeps more than half the bracket is followed by a bisection.
        bisect = new_width > 0.5 * width;
    }
    Ok(done(evaluations, a, b, MAX_ITERATIONS, Stop::Iterations))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(value: f64) -> Target {
        Target {
            metric: Metric::from_name("gpus_per_gw").expect("metric"),
            statistic: Statistic::Quantile(0.5),
            value,
        }
    }

    #[test]
    fn a_smooth_root_is_found_to_the_statistics_tolerance() {
        let mut f = |x: f64| Ok(x * x * x - 2.0);
        let s = solve("x", &target(0.0), 0.0, 2.0, "given", &mut f).expect("bracketed");
        assert!((s.value - 2f64.cbrt()).abs() < 1e-5, "{s:?}");
        assert!(s.statistic.abs() <= 2e-6 * 8.0, "{s:?}");
        assert!(s.iterations < 20, "{s:?}");
        assert_eq!(s.evaluations.len(), s.iterations + 2);
    }

    #[test]
    fn a_decreasing_function_and_a_step_are_solved() {
        let mut f = |x: f64| Ok(1.0 / x);
        let s = solve("x", &target(0.25), 1.0, 10.0, "given", &mut f).expect("bracketed");
        assert!((s.value - 4.0).abs() < 1e-4, "{s:?}");
        // A step: no exact root; the bracket closes on the jump.
        let mut step = |x: f64| Ok(if x < 1.5 { 0.0 } else { 1.0 });
        let s = solve("x", &target(0.5), 1.0, 2.0, "given", &mut step).expect("bracketed");
        assert_eq!(s.stop, Stop::Value);
        assert!((s.final_bracket[0].value - 1.5).abs() <= 1e-4);
        assert!(s.final_bracket[0].value < 1.5 && s.final_bracket[1].value >= 1.5);
    }

    #[test]
    fn an_unbracketed_target_shows_both_ends() {
        let mut f = |x: f64| Ok(x);
        let e =
            solve("facility.pue", &target(5.0), 1.0, 2.0, "given", &mut f).expect_err("no root");
        let msg = e.to_string();
        assert!(
            msg.starts_with("--target gpus_per_gw:p50=5: not bracketed"),
            "{msg}"
        );
        assert!(
            msg.contains("p50 is 1.00 GPUs per GW at facility.pue = 1 and 2.00 GPUs per GW at facility.pue = 2, both below"),
            "{msg}"
        );
        assert!(
            msg.contains("(bracket: given)") && msg.contains("--bracket LO:HI"),
            "{msg}"
        );
    }

    #[test]
    fn targets_parse() {
        let t = Target::parse("npv_usd:p50=0").expect("valid");
        assert_eq!(t.metric.name(), "npv_usd");
        assert_eq!(t.statistic, Statistic::Quantile(0.5));
        assert_eq!(t.value, 0.0);
        let t = Target::parse("cost_per_mtok_usd:mean=2").expect("valid");
        assert_eq!(t.statistic, Statistic::Mean);
        assert_eq!(t.statistic.name(), "mean");
        assert_eq!(Statistic::Quantile(0.05).name(), "p5");
        let bad = |s: &str| Target::parse(s).expect_err(s).to_string();
        assert!(bad("npv_usd").contains("no '='"));
        assert!(bad("npv_usd=0").contains("names no statistic"));
        assert!(bad("npv_usd:p51=0").contains("unknown statistic 'p51'"));
        assert!(bad("npv_usd:p50=x").contains("not a finite number"));
        let m = bad("npv_usdd:p50=0");
        assert!(
            m.contains("unknown metric 'npv_usdd'") && m.contains("npv_usd"),
            "{m}"
        );
    }
}
