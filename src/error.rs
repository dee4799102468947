//! Typed library errors. A problem in a scenario is a [`Diagnostic`]: it names the file, line
//! and column, and the value's path (`facility.pue`, `fleet.rubin.online`).

use std::fmt;
use std::sync::Arc;

use crate::model::{METRICS, Metric};
use crate::sampling::SamplingError;

/// A place in a scenario file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: Arc<str>,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a scenario: where, which value, what.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Option<Location>,
    /// The value path (`facility.pue`) or table (`fleet.rubin`, `fleet[2]`) concerned.
    pub path: Option<String>,
    pub message: String,
}

impl Diagnostic {
    pub fn error(
        location: Option<Location>,
        path: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            location,
            path,
            message: message.into(),
        }
    }
    pub fn warning(
        location: Option<Location>,
        path: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            location,
            path,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:col: error: path: message`, on one line: text from the file (a key, a name)
    /// shows its control characters as escapes (`\u{1b}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::report::text::printable;
        if let Some(loc) = &self.location {
            write!(f, "{}: ", printable(&loc.to_string()))?;
        }
        match self.severity {
            Severity::Error => write!(f, "error: ")?,
            Severity::Warning => write!(f, "warning: ")?,
        }
        if let Some(path) = &self.path {
            write!(f, "{}: ", printable(path))?;
        }
        write!(f, "{}", printable(&self.message))
    }
}

/// Every problem found in a scenario (and its `extends` chain and `--set` overrides), reported at once.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ScenarioError {
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        if n > 1 {
            write!(f, "\n{n} errors")?;
        }
        Ok(())
    }
}

/// Errors of the library outside scenario parsing: one variant per kind of problem, each with
/// the values its message shows.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The correlation design refused the scenario's correlations.
    #[error(transparent)]
    Sampling(#[from] SamplingError),
    #[error("--samples must be between 1 and 1e9 (got {got})")]
    Samples { got: u64 },
    /// A run or a comparison asked for no sample at all.
    #[error("the number of samples must be at least 1")]
    NoSamples,
    #[error("--threads must be at least 1")]
    Threads,
    #[error(
        "--metric: unknown metric '{name}'{hint} (metrics: {})",
        metric_names()
    )]
    UnknownMetric {
        name: String,
        /// ` — did you mean '…'?`, or empty.
        hint: String,
    },
    #[error(
        "--strict: {} value(s) without a source: {}",
        .paths.len(),
        .paths.join(", ")
    )]
    Unsourced { paths: Vec<String> },
    #[error(
        "compare needs at least two scenario files, or one with variants ([[variant]] in the \
         file or --variant 'NAME: PATH=VALUE') (got {}: {})",
        .files.len(),
        .files.join(", ")
    )]
    CompareFiles { files: Vec<String> },
    #[error(
        "--variant compares one scenario with its variants; got {files} files (give one FILE, or \
         compare files without --variant)"
    )]
    VariantsOfOneFile { files: usize },
    #[error("a comparison needs at least two scenarios (got {got})")]
    CompareScenarios { got: usize },
    /// A portfolio asked for the sobol sampler.
    #[error(
        "a portfolio samples its deals on common random numbers, which the sobol sampler does \
         not keep across deals (a value's draws follow its position among each deal's values); \
         use --sampler lhs or mc"
    )]
    PortfolioSobol,
    #[error(
        "correlation between '{}' and '{}' names a value that is not uncertain",
        .between[0],
        .between[1]
    )]
    CorrelationNotUncertain { between: [String; 2] },
    /// A `--set-range` that does not read as `PATH=LO:HI:N`.
    #[error("--set-range '{spec}': {problem}")]
    SetRange { spec: String, problem: RangeProblem },
    /// A swept point's scenario does not compute the metric.
    #[error(
        "metric {} is not computed for '{scenario}' with {set} (it needs inputs the scenario \
         lacks, e.g. a commitment, an investment or a price per million tokens)",
        .metric.name()
    )]
    MetricNotComputed {
        metric: Metric,
        scenario: String,
        /// The `--set` argument of the point.
        set: String,
    },
    /// Sensitivity of a metric the scenario does not compute; `reason` says what it lacks.
    #[error("the scenario has no metric '{}': {reason}", .metric.name())]
    AbsentMetric {
        metric: Metric,
        reason: &'static str,
    },
    #[error("the scenario has no uncertain values: there is nothing to analyse")]
    NothingUncertain,
    #[error("--samples must be at least 2 for rank correlations (got {got})")]
    RankSamples { got: u64 },
    #[error("--sobol-samples must be between 2 and {max} (got {got})")]
    SobolSamples { got: usize, max: usize },
    #[error(
        "--sobol-samples {samples} with {inputs} uncertain values needs {evaluations} model \
         evaluations, more than the limit of {limit}; use at most {}",
        .limit / (*.inputs as u64 + 2)
    )]
    SobolEvaluations {
        samples: usize,
        inputs: usize,
        evaluations: u64,
        limit: u64,
    },
    #[error("--bootstrap must be at most {max} (got {got})")]
    Bootstrap { got: u64, max: u64 },
    #[error("too many samples: {got}")]
    TooManySamples { got: u64 },
    /// An output path (`--out`, `--samples-out`) that cannot take the command's files; found
    /// before any work.
    #[error("{flag} {path}: {problem}")]
    Output {
        flag: &'static str,
        path: String,
        problem: String,
    },
    /// More model evaluations than a command runs without `--force`.
    #[error(
        "{work} = {evaluations} model evaluations, more than the {limit} a command runs \
         without --force (hours of work); use fewer points, scenarios or samples, or add --force",
        evaluations = crate::dist::fmt_num(*.evaluations as f64),
        limit = crate::dist::fmt_num(*.limit as f64)
    )]
    Work {
        /// What multiplies up, e.g. `1000 points × 1e9 samples`.
        work: String,
        evaluations: u64,
        limit: u64,
    },
    /// A `--samples-out` file larger than written without `--force`.
    #[error(
        "--samples-out {path}: {samples} samples × {columns} columns make about {gb} GB, more \
         than the {limit_gb} GB written without --force; write fewer samples, or add --force",
        samples = crate::dist::fmt_num(*.samples as f64),
        gb = crate::report::format::sig3(*.bytes as f64 / 1e9),
        limit_gb = crate::report::format::sig3(*.limit as f64 / 1e9)
    )]
    ExportSize {
        path: String,
        samples: u64,
        columns: usize,
        bytes: u64,
        limit: u64,
    },
    /// `--precision` not met before the sample cap, under `--strict-precision` (exit 3).
    #[error(
        "precision not met: the mean of {metric} is known to ±{achieved}% (95%), not the \
         ±{target}% asked, after {samples} samples (the --max-samples cap); raise \
         --max-samples or ask for less precision",
        metric = .metric.name(),
        achieved = crate::report::format::sig(*.achieved * 100.0, 3),
        target = crate::report::format::sig(*.target * 100.0, 3),
        samples = crate::dist::fmt_num(*.samples as f64)
    )]
    PrecisionNotMet {
        /// The headline metric known least precisely.
        metric: Metric,
        /// Its relative 95% half-width.
        achieved: f64,
        target: f64,
        samples: u64,
    },
    /// `gwsim sweep` with more than two `--set-range`.
    #[error("{count} --set-range given; a sweep moves one value (one --set-range) or two (a grid)")]
    SweepRanges { count: usize },
    /// Two `--set-range` that move the same value (one path equal to, or inside, the other).
    #[error(
        "--set-range {second}: moves the same value as --set-range {first}; a grid needs two \
         different values"
    )]
    SweepSamePath { first: String, second: String },
    /// A two-way sweep with more points than [`crate::engine::sweep::MAX_POINTS`].
    #[error(
        "--set-range: a {rows} × {columns} grid has {points} points, more than the {max} a sweep \
         runs; use fewer points per range",
        points = .rows * .columns
    )]
    SweepGrid {
        rows: usize,
        columns: usize,
        max: usize,
    },
    /// A problem of `gwsim solve`: its target, its bracket or its search.
    #[error("{flag} {value}: {problem}")]
    Solve {
        flag: &'static str,
        value: String,
        problem: String,
    },
    #[error("i/o error on {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// A validated scenario that the model cannot take (a bug, never the user's mistake).
    #[error("internal error: {0}")]
    Plan(#[from] crate::model::PlanError),
    #[error("internal error: {0}")]
    Internal(String),
}

/// What is wrong with a `--set-range` argument.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RangeProblem {
    #[error("no '=' ({RANGE_FORM})")]
    NoEquals,
    #[error("no value path before '=' ({RANGE_FORM})")]
    NoPath,
    #[error("'{range}' has {parts} part(s) separated by ':', not 3 ({RANGE_FORM})")]
    Parts { range: String, parts: usize },
    /// `LO` or `HI` (`bound`) is not a finite number.
    #[error("{bound} '{text}' is not a finite number ({RANGE_FORM})")]
    NotFinite { bound: &'static str, text: String },
    #[error("N '{text}' is not a whole number of points ({RANGE_FORM})")]
    NotWhole { text: String },
    #[error("N = {n}: a sweep needs at least 2 points")]
    TooFewPoints { n: usize },
    #[error("N = {n}: at most {max} points")]
    TooManyPoints { n: usize, max: usize },
    #[error("LO ({lo}) must be below HI ({hi})")]
    NotIncreasing { lo: f64, hi: f64 },
    #[error(
        "'{path}' sets how the simulation runs, not the deal; sweep a value of the scenario \
         (use --samples, --seed, --sampler for the run)"
    )]
    SimulationPath { path: String },
}

/// The form a `--set-range` argument takes, shown with most of its problems.
const RANGE_FORM: &str = "expected PATH=LO:HI:N, e.g. facility.pue=1.1:1.5:9";

fn metric_names() -> String {
    METRICS.map(|m| m.name()).join(", ")
}

impl Error {
    /// Exit status: 1 for a problem in the user's input, 2 for an internal failure, 3 for a
    /// `--precision` not met under `--strict-precision`.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Io { .. } | Error::Plan(_) | Error::Internal(_) => 2,
            Error::Scenario(_)
            | Error::Sampling(_)
            | Error::Samples { .. }
            | Error::NoSamples
            | Error::Threads
            | Error::UnknownMetric { .. }
            | Error::Unsourced { .. }
            | Error::CompareFiles { .. }
            | Error::VariantsOfOneFile { .. }
            | Error::CompareScenarios { .. }
            | Error::PortfolioSobol
            | Error::CorrelationNotUncertain { .. }
            | Error::SetRange { .. }
            | Error::MetricNotComputed { .. }
            | Error::AbsentMetric { .. }
            | Error::NothingUncertain
            | Error::RankSamples { .. }
            | Error::SobolSamples { .. }
            | Error::SobolEvaluations { .. }
            | Error::Bootstrap { .. }
            | Error::TooManySamples { .. }
            | Error::Output { .. }
            | Error::Work { .. }
            | Error::ExportSize { .. }
            | Error::SweepRanges { .. }
            | Error::SweepSamePath { .. }
            | Error::SweepGrid { .. }
            | Error::Solve { .. } => 1,
            Error::PrecisionNotMet { .. } => 3,
        }
    }
}
