//! The trace of one evaluation, for `explain`: each intermediate quantity with its formula
//! written out in numbers. The model reports to a [`Tracer`]; the no-op tracer compiles away, so
//! a run pays nothing for it.

/// Receives the intermediate quantities of an evaluation.
pub trait Tracer {
    /// Record a step: a name, the formula with numbers, the value and its unit.
    fn step(&mut self, make: impl FnOnce() -> Step);
    /// Whether steps are recorded (to skip work done only for them).
    fn enabled(&self) -> bool;
}

/// One step of the arithmetic, for `explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub name: String,
    pub formula: String,
    pub value: f64,
    pub unit: &'static str,
}

/// The tracer that records nothing.
pub struct NoTrace;

impl Tracer for NoTrace {
    #[inline(always)]
    fn step(&mut self, _make: impl FnOnce() -> Step) {}
    #[inline(always)]
    fn enabled(&self) -> bool {
        false
    }
}

impl Tracer for Vec<Step> {
    fn step(&mut self, make: impl FnOnce() -> Step) {
        self.push(make());
    }
    fn enabled(&self) -> bool {
        true
    }
}

/// A step built from its parts.
pub(super) fn step(
    name: impl Into<String>,
    formula: impl Into<String>,
    value: f64,
    unit: &'static str,
) -> Step {
    Step {
        name: name.into(),
        formula: formula.into(),
        value,
        unit,
    }
}

/// A decimal year (`online`, `retire`): up to 3 decimals, so that 2026.25 does not read as 2026.
pub fn year(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Is `path` a decimal year (a tranche's `online` or `retire`)?
pub fn is_year_path(path: &str) -> bool {
    path.ends_with(".online") || path.ends_with(".retire")
}

/// A number for a formula: 4 significant digits, plain or scientific.
pub fn num(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let a = x.abs();
    if (1e-3..1e7).contains(&a) {
        let digits = (4 - 1 - a.log10().floor() as i32).max(0) as usize;
        let s = format!("{x:.digits$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        format!("{x:.3e}")
    }
}
