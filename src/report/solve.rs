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
    pub converged_on: Stop,
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
            converged_on: solution.stop,
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

    /// The bracket, the final bracket and the solution as rows: a label, the values and the
    /// statistics (`stat` writes one statistic).
    fn rows(&self, stat: impl Fn(f64) -> String) -> [[String; 3]; 3] {
        let ends = |label: &str, e: &[EvaluationReport; 2]| {
            [
                label.to_string(),
                format!("{} to {}", fmt_num(e[0].value), fmt_num(e[1].value)),
                format!("{} to {}", stat(e[0].statistic), stat(e[1].statistic)),
            ]
        };
        [
            ends("bracket", &self.bracket),
            ends("final bracket", &self.final_bracket),
            [
                "solution".to_string(),
                fmt_num(self.solution),
                stat(self.solution_statistic),
            ],
        ]
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
        let rows = self.rows(|x| format::bare(x, self.unit));
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
            self.converged_on.describe()
        );
        out
    }

    pub fn to_markdown(&self) -> String {
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
        for [label, values, stats] in self.rows(|x| format::with_unit(x, self.unit)) {
            let _ = writeln!(out, "| {label} | {values} | {stats} |");
        }
        let _ = writeln!(
            out,
            "\nBracket: {}. {} iterations ({} runs): {}.",
            crate::report::md_escape(&self.bracket_source),
            self.iterations,
            self.evaluations.len(),
            self.converged_on.describe()
        );
        out
    }
}
