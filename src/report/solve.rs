//! The report of `gwsim solve`: the value of one input at which a statistic of a metric
//! reaches a target, with the bracket, the iterations and every evaluation.

use std::fmt::Write as _;

use serde::Serialize;

use super::csv::{self, CsvText};
use super::{format, text_table};
use crate::dist::fmt_num;
use crate::engine::solve::{Evaluation, Solution, Stop, Target};

/// One evaluation of the search: the input's value and the statistic there.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct EvaluationReport {
    pub value: f64,
    pub statistic: f64,
}

impl From<Evaluation> for EvaluationReport {
    fn from(e: Evaluation) -> Self {
        EvaluationReport {
            value: e.value,
            statistic: e.statistic,
        }
    }
}

/// `gwsim solve FILE --target METRIC:STAT=VALUE --vary PATH --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct SolveReport {
    pub scenario: String,
    /// The input varied.
    pub path: String,
    pub metric: &'static str,
    pub unit: &'static str,
    /// `p50`, `mean`, …
    pub statistic: String,
    pub target: f64,
    /// The value found, and the statistic there.
    pub solution: f64,
    pub solution_statistic: f64,
    /// `statistic`: within the tolerance of the target; `value`: the bracket closed on the
    /// solution (the statistic may jump across the target there); `iterations`: the cap was
    /// reached.
    pub converged_on: &'static str,
    /// The bracket searched, with the statistics at its ends, and where it came from.
    pub bracket: [EvaluationReport; 2],
    pub bracket_source: String,
    pub final_bracket: [EvaluationReport; 2],
    pub iterations: usize,
    /// Every evaluation, in order (the bracket's ends first); each is a full run.
    pub evaluations: Vec<EvaluationReport>,
    pub samples: u64,
    pub seed: u64,
}

impl SolveReport {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        scenario: &str,
        path: &str,
        target: &Target,
        solution: &Solution,
        bracket_source: &str,
        samples: u64,
        seed: u64,
    ) -> SolveReport {
        SolveReport {
            scenario: scenario.to_string(),
            path: path.to_string(),
            metric: target.metric.name(),
            unit: target.metric.unit(),
            statistic: target.statistic.name(),
            target: target.value,
            solution: solution.value,
            solution_statistic: solution.statistic,
            converged_on: match solution.stop {
                Stop::Statistic => "statistic",
                Stop::Value => "value",
                Stop::Iterations => "iterations",
            },
            bracket: solution.bracket.map(Into::into),
            bracket_source: bracket_source.to_string(),
            final_bracket: solution.final_bracket.map(Into::into),
            iterations: solution.iterations,
            evaluations: solution.evaluations.iter().map(|e| (*e).into()).collect(),
            samples,
            seed,
        }
    }

    pub fn to_json(&self) -> String {
        super::pretty_json(self)
    }

    /// CSV of the evaluations: `evaluation,value,statistic`, full precision.
    pub fn to_csv(&self) -> String {
        let mut w = CsvText::new();
        w.record(["evaluation", "value", "statistic"]);
        for (i, e) in self.evaluations.iter().enumerate() {
            w.record([
                (i + 1).to_string(),
                csv::number(e.value),
                csv::number(e.statistic),
            ]);
        }
        w.finish()
    }

    /// What the search ended on, in words.
    fn stop_text(&self) -> &'static str {
        match self.converged_on {
            "statistic" => "the statistic reached the target",
            "value" => {
                "the bracket closed on the value (the statistic jumps across the target there)"
            }
            _ => "the iteration cap was reached before the tolerance",
        }
    }

    fn headline(&self) -> String {
        format!(
            "{} {} = {} at {} = {}",
            self.metric,
            self.statistic,
            format::with_unit(self.solution_statistic, self.unit),
            self.path,
            fmt_num(self.solution)
        )
    }

    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.scenario);
        let _ = writeln!(
            out,
            "Solve {} {} = {} by varying {} · {} samples per evaluation · seed {} (the same random numbers at every evaluation)\n",
            self.metric,
            self.statistic,
            format::with_unit(self.target, self.unit),
            self.path,
            self.samples,
            self.seed
        );
        let _ = writeln!(out, "{}\n", self.headline());
        let b = &self.bracket;
        let fb = &self.final_bracket;
        let rows = vec![
            [
                "bracket".to_string(),
                format!("{} to {}", fmt_num(b[0].value), fmt_num(b[1].value)),
                format!(
                    "{} to {}",
                    format::bare(b[0].statistic, self.unit),
                    format::bare(b[1].statistic, self.unit)
                ),
            ],
            [
                "final bracket".to_string(),
                format!("{} to {}", fmt_num(fb[0].value), fmt_num(fb[1].value)),
                format!(
                    "{} to {}",
                    format::bare(fb[0].statistic, self.unit),
                    format::bare(fb[1].statistic, self.unit)
                ),
            ],
            [
                "solution".to_string(),
                fmt_num(self.solution),
                format::bare(self.solution_statistic, self.unit),
            ],
        ];
        let header = [
            String::new(),
            self.path.clone(),
            format!("{} {}", self.metric, self.statistic),
        ];
        out.push_str(&text_table(&header, &rows));
        let _ = writeln!(
            out,
            "\nbracket: {}\n{} iterations ({} runs): {}",
            self.bracket_source,
            self.iterations,
            self.evaluations.len(),
            self.stop_text()
        );
        out
    }

    pub fn to_markdown(&self) -> String {
        let b = &self.bracket;
        let fb = &self.final_bracket;
        let mut out = format!(
            "# {}: {} {} = {}\n\n{}\n\n{} samples per evaluation · seed {}\n\n| | `{}` | {} {} |\n|---|---:|---:|\n",
            crate::report::md_escape(&self.scenario),
            self.metric,
            self.statistic,
            format::with_unit(self.target, self.unit),
            self.headline(),
            self.samples,
            self.seed,
            self.path,
            self.metric,
            self.statistic
        );
        for (label, lo, hi) in [("bracket", b[0], b[1]), ("final bracket", fb[0], fb[1])] {
            let _ = writeln!(
                out,
                "| {label} | {} to {} | {} to {} |",
                fmt_num(lo.value),
                fmt_num(hi.value),
                format::with_unit(lo.statistic, self.unit),
                format::with_unit(hi.statistic, self.unit)
            );
        }
        let _ = writeln!(
            out,
            "| solution | {} | {} |\n\nBracket: {}. {} iterations ({} runs): {}.",
            fmt_num(self.solution),
            format::with_unit(self.solution_statistic, self.unit),
            crate::report::md_escape(&self.bracket_source),
            self.iterations,
            self.evaluations.len(),
            self.stop_text()
        );
        out
    }
}
