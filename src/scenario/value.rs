//! The value syntax of MODEL.md ("Values: fixed or uncertain"): a number, `"a to b"`, or a
//! table naming one distribution family, with optional `source`, `note`, `min` and `max`.
//! Parsing here checks the form and builds a [`Dist`]; field domains are checked by the caller.

use crate::dist::Dist;
use crate::error::{Diagnostic, Location};

use super::suggest;
use super::tree::{Change, FAMILIES, Kind, Node, Table};

/// A parsed value before its field's domain is applied.
#[derive(Debug, Clone)]
pub(crate) struct ValueSpec {
    pub dist: Dist,
    /// Truncation bounds written by the user (for `beta` they scale the support instead and are
    /// already folded into `dist`).
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub source: Option<String>,
    pub note: Option<String>,
    /// A relative `--set` that changes the whole distribution: `x ↦ scale·x + shift`, laid on
    /// the draws after `min`/`max` (which stay where the file wrote them).
    pub affine: Option<(f64, f64)>,
}

/// Where diagnostics go, with the value path in every message.
pub(crate) struct Sink<'a> {
    pub diags: &'a mut Vec<Diagnostic>,
}

impl Sink<'_> {
    pub(crate) fn err(&mut self, loc: &Location, path: &str, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(
            Some(loc.clone()),
            Some(path.to_string()),
            msg,
        ));
    }
}

const VALUE_KEYS: [&str; 12] = [
    "fixed",
    "uniform",
    "normal",
    "lognormal",
    "triangular",
    "pert",
    "beta",
    "discrete",
    "source",
    "note",
    "min",
    "max",
];

const HOW: &str =
    "write a number, \"a to b\" (a 90% interval), or a table such as { uniform = [a, b] }";

/// A finite number (integer or float) or `None` after reporting why not.
pub(crate) fn number(node: &Node, path: &str, what: &str, sink: &mut Sink<'_>) -> Option<f64> {
    match &node.kind {
        Kind::Int(n) => Some(*n as f64),
        Kind::Float(x) if x.is_finite() => Some(*x),
        Kind::Float(x) => {
            sink.err(
                &node.loc,
                path,
                format!("{what} is {x}: NaN and infinity are not allowed"),
            );
            None
        }
        Kind::Invalid => None,
        other => {
            sink.err(
                &node.loc,
                path,
                format!("{what} must be a number, not {}", other.type_name()),
            );
            None
        }
    }
}

fn string(node: &Node, path: &str, what: &str, sink: &mut Sink<'_>) -> Option<String> {
    match &node.kind {
        Kind::Str(s) => Some(s.clone()),
        Kind::Invalid => None,
        other => {
            sink.err(
                &node.loc,
                path,
                format!("{what} must be a string, not {}", other.type_name()),
            );
            None
        }
    }
}

fn numbers(node: &Node, path: &str, what: &str, sink: &mut Sink<'_>) -> Option<Vec<f64>> {
    match &node.kind {
        Kind::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut ok = true;
            for it in items {
                match number(it, path, what, sink) {
                    Some(x) => out.push(x),
                    None => ok = false,
                }
            }
            ok.then_some(out)
        }
        Kind::Invalid => None,
        other => {
            sink.err(
                &node.loc,
                path,
                format!(
                    "{what} must be an array of numbers, not {}",
                    other.type_name()
                ),
            );
            None
        }
    }
}

fn sub_table<'n>(node: &'n Node, path: &str, what: &str, sink: &mut Sink<'_>) -> Option<&'n Table> {
    match &node.kind {
        Kind::Table(t) => Some(t),
        Kind::Invalid => None,
        other => {
            sink.err(
                &node.loc,
                path,
                format!("{what} must be a table, not {}", other.type_name()),
            );
            None
        }
    }
}

/// Named numbers of a parameter table (`{ mean = m, sd = s }`): every name required, no other.
fn named(
    node: &Node,
    path: &str,
    family: &str,
    names: &[&str],
    sink: &mut Sink<'_>,
) -> Option<Vec<f64>> {
    let t = sub_table(node, path, family, sink)?;
    let mut ok = true;
    for e in &t.entries {
        if !names.contains(&e.key.as_str()) {
            let hint = suggest::hint(&e.key, names.iter().copied());
            sink.err(
                &e.key_loc,
                path,
                format!("unknown key '{}' in {family}{hint}", e.key),
            );
            ok = false;
        }
    }
    let mut out = Vec::new();
    for n in names {
        match t.get(n) {
            Some(e) => match number(&e.value, path, &format!("{family}.{n}"), sink) {
                Some(x) => out.push(x),
                None => ok = false,
            },
            None => {
                sink.err(&node.loc, path, format!("{family} needs {}", list(names)));
                return None;
            }
        }
    }
    ok.then_some(out)
}

fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    quoted.join(" and ")
}

/// `"a to b"`: a 90% interval, lognormal with p5 = a and p95 = b, 0 < a < b.
fn interval(s: &str, loc: &Location, path: &str, sink: &mut Sink<'_>) -> Option<ValueSpec> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let parse = |w: &str| {
        w.replace('_', "")
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
    };
    let (a, b) = match words.as_slice() {
        [a, to, b] if to.eq_ignore_ascii_case("to") => match (parse(a), parse(b)) {
            (Some(a), Some(b)) => (a, b),
            _ => {
                sink.err(
                    loc,
                    path,
                    format!("\"{s}\": both bounds of \"a to b\" must be finite numbers"),
                );
                return None;
            }
        },
        _ => {
            sink.err(loc, path, format!("\"{s}\" is not a value: {HOW}"));
            return None;
        }
    };
    if a <= 0.0 || b <= 0.0 {
        sink.err(
            loc,
            path,
            format!(
                "\"{s}\" is a lognormal 90% interval and needs both bounds > 0; for a range that \
                 reaches zero or below write {{ uniform = [{a}, {b}] }} or {{ normal = {{ mean = {}, sd = ... }} }}",
                (a + b) / 2.0
            ),
        );
        return None;
    }
    if a >= b {
        let fix = if a == b {
            format!("for a fixed value write {a}")
        } else {
            format!("write \"{b} to {a}\"")
        };
        sink.err(
            loc,
            path,
            format!("\"{s}\" needs its lower bound below its upper bound; {fix}"),
        );
        return None;
    }
    match Dist::lognormal_p5_p95(a, b) {
        Ok(dist) => Some(ValueSpec {
            dist,
            min: None,
            max: None,
            source: None,
            note: None,
            affine: None,
        }),
        Err(e) => {
            sink.err(loc, path, format!("\"{s}\": {e}"));
            None
        }
    }
}

/// Parse any value form. Reports every problem found (at the sub-value's location) and returns
/// `None` when the value is unusable.
pub(crate) fn parse(node: &Node, path: &str, sink: &mut Sink<'_>) -> Option<ValueSpec> {
    let plain = |dist| ValueSpec {
        dist,
        min: None,
        max: None,
        source: None,
        note: None,
        affine: None,
    };
    match &node.kind {
        Kind::Int(_) | Kind::Float(_) => {
            let x = number(node, path, "the value", sink)?;
            match Dist::fixed(x) {
                Ok(d) => Some(plain(d)),
                Err(e) => {
                    sink.err(&node.loc, path, e.to_string());
                    None
                }
            }
        }
        Kind::Str(s) => interval(s, &node.loc, path, sink),
        Kind::Table(t) => parse_table(node, t, path, sink),
        Kind::Changed(base, change) => changed(&node.loc, base, *change, path, sink),
        Kind::Invalid => None,
        other => {
            sink.err(
                &node.loc,
                path,
                format!("expected a value, found {}: {HOW}", other.type_name()),
            );
            None
        }
    }
}

fn parse_table(node: &Node, t: &Table, path: &str, sink: &mut Sink<'_>) -> Option<ValueSpec> {
    let mut ok = true;
    for e in &t.entries {
        if !VALUE_KEYS.contains(&e.key.as_str()) {
            let hint = suggest::hint(&e.key, VALUE_KEYS);
            sink.err(
                &e.key_loc,
                path,
                format!("unknown key '{}' in a value table{hint}", e.key),
            );
            ok = false;
        }
    }
    let families: Vec<&super::tree::Entry> = t
        .entries
        .iter()
        .filter(|e| FAMILIES.contains(&e.key.as_str()))
        .collect();
    let fam = match families.as_slice() {
        [one] => *one,
        [] => {
            if ok {
                sink.err(
                    &node.loc,
                    path,
                    format!(
                        "a value table needs one distribution: {}",
                        FAMILIES.join(", ")
                    ),
                );
            }
            return None;
        }
        [_, second, ..] => {
            let names: Vec<&str> = families.iter().map(|e| e.key.as_str()).collect();
            sink.err(
                &second.key_loc,
                path,
                format!(
                    "a value table takes one distribution, found {}",
                    names.join(" and ")
                ),
            );
            return None;
        }
    };
    let opt_num = |key: &str, sink: &mut Sink<'_>, ok: &mut bool| -> Option<f64> {
        let e = t.get(key)?;
        let x = number(&e.value, path, key, sink);
        if x.is_none() {
            *ok = false;
        }
        x
    };
    let min = opt_num("min", sink, &mut ok);
    let max = opt_num("max", sink, &mut ok);
    let mut opt_str = |key: &str, sink: &mut Sink<'_>| -> Option<String> {
        let e = t.get(key)?;
        let s = string(&e.value, path, key, sink);
        if s.is_none() {
            ok = false;
        }
        s
    };
    let source = opt_str("source", sink);
    let note = opt_str("note", sink);
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        let loc = t
            .get("min")
            .map(|e| e.value.loc.clone())
            .unwrap_or_else(|| node.loc.clone());
        sink.err(&loc, path, format!("min = {lo} is above max = {hi}"));
        ok = false;
    }
    let v = &fam.value;
    let floc = &v.loc;
    let family = fam.key.as_str();
    let built = match family {
        "fixed" => number(v, path, "fixed", sink).map(Dist::fixed),
        "uniform" => numbers(v, path, "uniform", sink).and_then(|xs| match xs.as_slice() {
            [a, b] => Some(Dist::uniform(*a, *b)),
            _ => {
                sink.err(
                    floc,
                    path,
                    format!("uniform takes [low, high], found {} numbers", xs.len()),
                );
                None
            }
        }),
        "triangular" | "pert" => {
            numbers(v, path, family, sink).and_then(|xs| match xs.as_slice() {
                [a, m, b] => Some(if family == "pert" {
                    Dist::pert(*a, *m, *b)
                } else {
                    Dist::triangular(*a, *m, *b)
                }),
                _ => {
                    sink.err(
                        floc,
                        path,
                        format!(
                            "{family} takes [min, mode, max], found {} numbers",
                            xs.len()
                        ),
                    );
                    None
                }
            })
        }
        "normal" => {
            named(v, path, "normal", &["mean", "sd"], sink).map(|p| Dist::normal(p[0], p[1]))
        }
        "lognormal" => {
            let has = |k: &str| matches!(&v.kind, Kind::Table(t) if t.get(k).is_some());
            if has("median") || has("sigma") {
                named(v, path, "lognormal", &["median", "sigma"], sink)
                    .map(|p| Dist::lognormal_median_sigma(p[0], p[1]))
            } else if has("p5") || has("p95") {
                named(v, path, "lognormal", &["p5", "p95"], sink)
                    .map(|p| Dist::lognormal_p5_p95(p[0], p[1]))
            } else {
                if sub_table(v, path, "lognormal", sink).is_some() {
                    sink.err(
                        floc,
                        path,
                        "lognormal takes { p5 = a, p95 = b } or { median = m, sigma = s }",
                    );
                }
                None
            }
        }
        "beta" => {
            let p = named(v, path, "beta", &["alpha", "beta"], sink);
            match (min, max) {
                (Some(_), None) | (None, Some(_)) => {
                    sink.err(
                        &node.loc,
                        path,
                        "beta: 'min' and 'max' scale its support and must come together",
                    );
                    None
                }
                _ => p.map(|p| Dist::beta(p[0], p[1], min.unwrap_or(0.0), max.unwrap_or(1.0))),
            }
        }
        "discrete" => parse_discrete(v, path, sink),
        _ => None,
    };
    let dist = match built? {
        Ok(d) => d,
        Err(e) => {
            sink.err(floc, path, format!("{family}: {e}"));
            return None;
        }
    };
    if !ok {
        return None;
    }
    let (min, max) = if family == "beta" {
        (None, None)
    } else {
        (min, max)
    };
    Some(ValueSpec {
        dist,
        min,
        max,
        source,
        note,
        affine: None,
    })
}

/// The scenario's value `base` changed by a relative `--set`: a fixed value becomes the fixed
/// result of the arithmetic as written; a distribution is changed as a whole (every quantile
/// moves), its source kept and a note added.
fn changed(
    loc: &Location,
    base: &Node,
    change: Change,
    path: &str,
    sink: &mut Sink<'_>,
) -> Option<ValueSpec> {
    let mut spec = parse(base, path, sink)?;
    let what = format!(
        "changed on the command line: {path}{}{}",
        change.operator(),
        crate::dist::fmt_num(change.operand())
    );
    spec.note = Some(match spec.note.take() {
        Some(n) => format!("{n}; {what}"),
        None => what,
    });
    match (&spec.dist, spec.min, spec.max, spec.affine) {
        (Dist::Fixed(x), None, None, None) => {
            let y = change.apply(*x);
            match Dist::fixed(y) {
                Ok(d) => spec.dist = d,
                Err(_) => {
                    sink.err(
                        loc,
                        path,
                        format!(
                            "{} {} {} is {}: not a finite number",
                            crate::dist::fmt_num(*x),
                            &change.operator()[..1],
                            crate::dist::fmt_num(change.operand()),
                            crate::dist::fmt_num(y)
                        ),
                    );
                    return None;
                }
            }
        }
        _ => {
            let (s2, b2) = change.affine();
            spec.affine = Some(match spec.affine {
                Some((s1, b1)) => (s1 * s2, b1 * s2 + b2),
                None => (s2, b2),
            });
        }
    }
    Some(spec)
}

fn parse_discrete(
    v: &Node,
    path: &str,
    sink: &mut Sink<'_>,
) -> Option<Result<Dist, crate::dist::DistError>> {
    let t = sub_table(v, path, "discrete", sink)?;
    let mut ok = true;
    for e in &t.entries {
        if e.key != "values" && e.key != "weights" {
            let hint = suggest::hint(&e.key, ["values", "weights"]);
            sink.err(
                &e.key_loc,
                path,
                format!("unknown key '{}' in discrete{hint}", e.key),
            );
            ok = false;
        }
    }
    let Some(values) = t.get("values") else {
        sink.err(
            &v.loc,
            path,
            "discrete needs 'values' (and optionally 'weights')",
        );
        return None;
    };
    let values = numbers(&values.value, path, "discrete.values", sink);
    let weights = match t.get("weights") {
        Some(w) => match numbers(&w.value, path, "discrete.weights", sink) {
            Some(w) => Some(w),
            None => {
                ok = false;
                None
            }
        },
        None => None,
    };
    let values = values?;
    if !ok {
        return None;
    }
    Some(Dist::discrete(values, weights))
}

/// A fixed integer: an integer, a float with no fractional part (2.0), or `{ fixed = n }` with
/// an optional source and note. Returns the integer and the source.
pub(crate) fn integer(
    node: &Node,
    path: &str,
    sink: &mut Sink<'_>,
) -> Option<(i64, Option<String>)> {
    let from_num = |n: &Node, sink: &mut Sink<'_>| -> Option<i64> {
        match &n.kind {
            Kind::Int(i) => Some(*i),
            Kind::Float(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 => {
                Some(*x as i64)
            }
            Kind::Float(x) if x.is_finite() && x.fract() == 0.0 => {
                sink.err(
                    &n.loc,
                    path,
                    format!(
                        "{} is too large for this whole number (at most 9e15)",
                        crate::dist::fmt_num(*x)
                    ),
                );
                None
            }
            Kind::Float(x) => {
                sink.err(
                    &n.loc,
                    path,
                    format!("must be a whole number, found {}", crate::dist::fmt_num(*x)),
                );
                None
            }
            Kind::Invalid => None,
            Kind::Str(s) if s.contains(" to ") => {
                sink.err(
                    &n.loc,
                    path,
                    "must be a fixed integer; an uncertain value is not allowed here",
                );
                None
            }
            other => {
                sink.err(
                    &n.loc,
                    path,
                    format!("must be an integer, not {}", other.type_name()),
                );
                None
            }
        }
    };
    match &node.kind {
        Kind::Changed(base, change) => {
            let (v, source) = integer(base, path, sink)?;
            let x = change.apply(v as f64);
            if x.fract() == 0.0 && x.abs() < 9.0e15 {
                Some((x as i64, source))
            } else {
                sink.err(
                    &node.loc,
                    path,
                    format!(
                        "must be a whole number: {v} {} {} gives {}",
                        &change.operator()[..1],
                        crate::dist::fmt_num(change.operand()),
                        crate::dist::fmt_num(x)
                    ),
                );
                None
            }
        }
        Kind::Table(t) => {
            let mut source = None;
            let mut value = None;
            let mut ok = true;
            for e in &t.entries {
                match e.key.as_str() {
                    "fixed" => value = from_num(&e.value, sink),
                    "source" => source = string(&e.value, path, "source", sink),
                    "note" => {
                        string(&e.value, path, "note", sink);
                    }
                    k if FAMILIES.contains(&k) => {
                        sink.err(
                            &e.key_loc,
                            path,
                            "must be a fixed integer; an uncertain value is not allowed here",
                        );
                        ok = false;
                    }
                    k => {
                        let hint = suggest::hint(k, ["fixed", "source", "note"]);
                        sink.err(&e.key_loc, path, format!("unknown key '{k}'{hint}"));
                        ok = false;
                    }
                }
            }
            if t.get("fixed").is_none() && ok {
                sink.err(
                    &node.loc,
                    path,
                    "must be an integer or { fixed = n, source = \"...\" }",
                );
            }
            if !ok {
                return None;
            }
            value.map(|v| (v, source))
        }
        _ => from_num(node, sink).map(|v| (v, None)),
    }
}
