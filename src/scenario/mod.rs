//! Scenario files: parsing (with spans), `extends` and `--set` merging, validation into a typed
//! [`Scenario`], and the embedded system catalog.
//!
//! The pipeline: the toml crate parses each file into a tree whose keys and values carry byte
//! spans; `tree` turns those into an owned tree of 1-based line:column locations; `extends`
//! chains are merged (the child over its parent, tables key by key, values and arrays of tables
//! whole); each `--set PATH=VALUE` is laid on top in order; then `build` walks the result into
//! a [`Scenario`], applying every rule of MODEL.md and collecting every problem at once.

mod build;
mod portfolio;
pub(crate) mod suggest;
mod tree;
mod types;
mod value;

pub use build::DEFAULT_SERVING_EFFICIENCY;

pub use build::variant_name_problem;
pub use portfolio::{Deal, Growth, Portfolio, Revenue, load_portfolio, load_portfolio_str};
pub use types::*;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Diagnostic, Location, ScenarioError};

use tree::{Change, Entry, Kind, Node, Source, Table};

/// The system catalog, embedded in the binary.
pub const CATALOG_TOML: &str = include_str!("../../scenarios/systems.toml");
/// The headline scenario, embedded in the binary (run by `gwsim run` without a file).
pub const HEADLINE_TOML: &str = include_str!("../../scenarios/anthropic-azure-nvidia-1gw.toml");
/// File name shown for the embedded headline scenario.
pub const HEADLINE_NAME: &str = "anthropic-azure-nvidia-1gw.toml";
/// File name shown for the embedded catalog.
const CATALOG_NAME: &str = "systems.toml";
/// How deep an `extends` chain may go.
const MAX_EXTENDS_DEPTH: usize = 32;
/// The largest scenario file read (16 MiB); a scenario is a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Read a scenario file: a regular file (or a link to one) of at most [`MAX_FILE_BYTES`].
/// A folder, a FIFO or a device is refused before it is opened, so that nothing blocks on it
/// or reads without end.
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    let regular = |m: &std::fs::Metadata| -> Result<(), String> {
        if m.is_dir() {
            Err("it is a folder, not a file".into())
        } else if !m.is_file() {
            Err("it is not a regular file (a FIFO, a socket or a device); write the scenario to a file".into())
        } else if m.len() > MAX_FILE_BYTES {
            Err(format!(
                "it has {} bytes, more than the {} MiB a scenario file may have",
                m.len(),
                MAX_FILE_BYTES >> 20
            ))
        } else {
            Ok(())
        }
    };
    regular(&meta)?;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    // The file may have changed between the look and the open: look again at what was opened.
    regular(&file.metadata().map_err(|e| e.to_string())?)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "it has more than the {} MiB a scenario file may have",
            MAX_FILE_BYTES >> 20
        ));
    }
    Ok(bytes)
}

fn fail(loc: Option<Location>, path: Option<&str>, msg: impl Into<String>) -> ScenarioError {
    ScenarioError {
        diagnostics: vec![Diagnostic::error(loc, path.map(str::to_string), msg)],
    }
}

fn file_loc(label: &str) -> Location {
    Location {
        file: label.into(),
        line: 1,
        column: 1,
    }
}

/// Bytes as UTF-8, or an error naming the first bad byte.
fn utf8<'b>(bytes: &'b [u8], label: &str) -> Result<&'b str, Diagnostic> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let column = good.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        Diagnostic::error(
            Some(Location {
                file: label.into(),
                line,
                column,
            }),
            None,
            format!(
                "the file is not valid UTF-8 text (bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Read, merge (`extends`, then each `--set PATH=VALUE` in order) and validate a scenario file.
pub fn load(path: &Path, sets: &[String]) -> Result<Scenario, ScenarioError> {
    let label = path.display().to_string();
    let bytes = read_file(path).map_err(|e| {
        fail(
            Some(file_loc(&label)),
            None,
            format!("cannot read scenario file '{label}': {e}"),
        )
    })?;
    let text = utf8(&bytes, &label).map_err(|d| ScenarioError {
        diagnostics: vec![d],
    })?;
    let dir = path.parent().map(|p| {
        if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        }
    });
    let canonical = std::fs::canonicalize(path).ok();
    load_impl(text, &label, dir, canonical, sets, Some(label.clone()))
}

/// Same as [`load`] for text in memory; `file_label` names it in messages; `base_dir` resolves
/// `extends` (an `extends` without a base directory is an error). The returned
/// `Scenario::file` is `None`: the text was not read from a file by this call.
pub fn load_str(
    text: &str,
    file_label: &str,
    base_dir: Option<&Path>,
    sets: &[String],
) -> Result<Scenario, ScenarioError> {
    load_impl(text, file_label, base_dir, None, sets, None)
}

/// The catalog's `systems` table, parsed.
fn catalog_tree() -> Result<Table, ScenarioError> {
    let src = Source::new(CATALOG_NAME, CATALOG_TOML);
    let (mut root, diags) = tree::parse_document(&src);
    if !diags.is_empty() {
        return Err(ScenarioError { diagnostics: diags });
    }
    let mut extra = Vec::new();
    for e in &root.entries {
        if e.key != "systems" {
            extra.push(Diagnostic::error(
                Some(e.key_loc.clone()),
                Some(e.key.clone()),
                "the catalog holds only [systems.KEY] tables",
            ));
        }
    }
    if !extra.is_empty() {
        return Err(ScenarioError { diagnostics: extra });
    }
    match root.remove("systems") {
        Some(Entry {
            value: Node {
                kind: Kind::Table(t),
                ..
            },
            ..
        }) => Ok(t),
        _ => Err(fail(
            Some(file_loc(CATALOG_NAME)),
            Some("systems"),
            "the catalog has no [systems.KEY] tables",
        )),
    }
}

/// The embedded catalog, validated: every system with its fields as `Param`s whose paths are
/// `systems.<key>.<field>`.
pub fn catalog() -> Result<Vec<System>, ScenarioError> {
    let systems = catalog_tree()?;
    let empty = Table::default();
    let mut b = build::Builder::new(&empty);
    let mut out = Vec::new();
    for e in &systems.entries {
        match &e.value.kind {
            Kind::Table(t) => {
                if let Some(s) = b.system(&e.key, t, &e.value.loc, true, ThroughputRule::Catalog) {
                    out.push(s);
                }
            }
            k => b.diags.push(Diagnostic::error(
                Some(e.key_loc.clone()),
                Some(format!("systems.{}", e.key)),
                format!("must be a table, not {}", k.type_name()),
            )),
        }
    }
    if b.diags.is_empty() {
        Ok(out)
    } else {
        Err(ScenarioError {
            diagnostics: b.diags,
        })
    }
}

fn load_impl(
    text: &str,
    label: &str,
    base_dir: Option<&Path>,
    canonical: Option<PathBuf>,
    sets: &[String],
    file: Option<String>,
) -> Result<Scenario, ScenarioError> {
    let catalog = catalog_tree()?;
    let mut hasher = Sha256::new();
    let mut diags = Vec::new();
    let mut read_files: Vec<PathBuf> = canonical.iter().cloned().collect();
    let mut chain: Vec<(String, Option<PathBuf>)> = vec![(label.to_string(), canonical)];
    let tree = read_chain(
        text,
        label,
        base_dir,
        &mut chain,
        &mut read_files,
        &mut hasher,
        &mut diags,
    );
    let Some(mut tree) = tree else {
        return Err(ScenarioError { diagnostics: diags });
    };
    for (i, set) in sets.iter().enumerate() {
        hasher.update(b"\n--set ");
        hasher.update(set.as_bytes());
        apply_set(&mut tree, i + 1, set, &catalog, &mut diags);
    }
    if !diags.is_empty() {
        return Err(ScenarioError { diagnostics: diags });
    }
    let sha = format!("{:x}", hasher.finalize());
    let mut s = build::Builder::new(&catalog).scenario(&tree, &file_loc(label), sha, file)?;
    s.read_files = read_files;
    Ok(s)
}

/// Parse a file and, through `extends`, its bases; return the merged tree.
fn read_chain(
    text: &str,
    label: &str,
    base_dir: Option<&Path>,
    chain: &mut Vec<(String, Option<PathBuf>)>,
    read_files: &mut Vec<PathBuf>,
    hasher: &mut Sha256,
    diags: &mut Vec<Diagnostic>,
) -> Option<Table> {
    let src = Source::new(label, text);
    let (mut tree, syntax) = tree::parse_document(&src);
    hasher.update(text.as_bytes());
    if !syntax.is_empty() {
        diags.extend(syntax.into_iter().take(50));
        return None;
    }
    let Some(ext) = tree.remove("extends") else {
        return Some(tree);
    };
    let loc = ext.value.loc.clone();
    let Kind::Str(rel) = &ext.value.kind else {
        diags.push(Diagnostic::error(
            Some(loc),
            Some("extends".into()),
            "extends must be a string: the path of the base scenario, relative to this file",
        ));
        return None;
    };
    let Some(dir) = base_dir else {
        diags.push(Diagnostic::error(Some(loc), Some("extends".into()), format!("extends = \"{rel}\" cannot be resolved: this text has no directory to resolve it from")));
        return None;
    };
    let path = dir.join(rel);
    let base_label = path.display().to_string();
    let canonical = std::fs::canonicalize(&path).ok();
    let same = |(l, c): &(String, Option<PathBuf>)| match (c, &canonical) {
        (Some(a), Some(b)) => a == b,
        _ => *l == base_label,
    };
    if chain.iter().any(same) {
        let mut names: Vec<String> = chain.iter().map(|(l, _)| l.clone()).collect();
        names.push(base_label);
        diags.push(Diagnostic::error(
            Some(loc),
            Some("extends".into()),
            format!("extends cycle: {}", names.join(" → ")),
        ));
        return None;
    }
    if chain.len() >= MAX_EXTENDS_DEPTH {
        diags.push(Diagnostic::error(
            Some(loc),
            Some("extends".into()),
            format!("extends chain deeper than {MAX_EXTENDS_DEPTH} files"),
        ));
        return None;
    }
    let bytes = match read_file(&path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::error(
                Some(loc),
                Some("extends".into()),
                format!("cannot read base scenario '{base_label}': {e}"),
            ));
            return None;
        }
    };
    let base_text = match utf8(&bytes, &base_label) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    read_files.extend(canonical.iter().cloned());
    chain.push((base_label.clone(), canonical));
    let base_dir = path.parent().map(Path::to_path_buf);
    let base = read_chain(
        base_text,
        &base_label,
        base_dir.as_deref(),
        chain,
        read_files,
        hasher,
        diags,
    );
    chain.pop();
    let mut base = base?;
    tree::merge(&mut base, tree, &mut Vec::new());
    Some(base)
}

const TOP_VALUES: [&str; 5] = [
    "name",
    "description",
    "start_year",
    "years",
    "discount_rate",
];
const TOP_TABLES: [&str; 4] = ["facility", "procurement", "workload", "simulation"];

/// Apply one `--set PATH=VALUE` (MODEL.md, Command line). Paths: a top-level value, a key of
/// `[facility]`/`[procurement]`/`[workload]`/`[simulation]`,
/// `procurement.price_usd_per_gpu_hour.KEY`, `systems.KEY.FIELD`, and `fleet.NAME.FIELD` or
/// `investment.NAME.FIELD` (a tranche or investment by name), or `fleet[N].FIELD` (by position,
/// from 1).
/// The location of column `column` of the `index`-th `--set` (1-based).
fn set_loc(index: usize, column: usize) -> Location {
    Location {
        file: "--set".into(),
        line: index,
        column,
    }
}

/// Split the `index`-th `--set PATH=VALUE` (1-based) into its path and its value, parsed in the
/// scenario's value syntax (a bare word or `a to b` needs no quotes). Problems are pushed to
/// `diags`, located at the override's line and column of `--set`.
pub(crate) fn parse_set<'a>(
    index: usize,
    arg: &'a str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(&'a str, Node)> {
    match parse_set_or_change(index, arg, diags)? {
        (path, SetValue::Value(node)) => Some((path, node)),
        (path, SetValue::Change(change)) => {
            diags.push(Diagnostic::error(
                Some(set_loc(index, 1)),
                Some(path.to_string()),
                format!(
                    "cannot change '{path}' by {}: a relative change applies to the values of a deal's scenario (deal.NAME.PATH{0}F); write {path}=VALUE",
                    change.operator()
                ),
            ));
            None
        }
    }
}

/// What one `--set` puts at its path: a value, or a change of the scenario's value.
pub(crate) enum SetValue {
    Value(Node),
    Change(Change),
}

/// The calendar years a `--set PATH=YEAR` may give (a wider range is read as a mistake for a
/// relative change, `PATH+=D`).
pub(crate) const SET_YEARS: std::ops::RangeInclusive<f64> = 1990.0..=2100.0;

/// Split the `index`-th `--set` into its path and what it sets: `PATH=VALUE` (a value in the
/// scenario's syntax) or `PATH+=D`, `PATH-=D`, `PATH*=F`, `PATH/=F` (a plain number; a factor
/// above 0). Problems are pushed to `diags`.
pub(crate) fn parse_set_or_change<'a>(
    index: usize,
    arg: &'a str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(&'a str, SetValue)> {
    if let Some(eq) = arg.find('=')
        && eq > 0
        && let Some(op) = arg[..eq]
            .chars()
            .next_back()
            .filter(|c| "+-*/".contains(*c))
    {
        let path = arg[..eq - 1].trim();
        let text = arg[eq + 1..].trim();
        let col = arg[..eq + 1].chars().count() + 1;
        let operator = format!("{op}=");
        let err = |diags: &mut Vec<Diagnostic>, msg: String| {
            diags.push(Diagnostic::error(
                Some(set_loc(index, col)),
                Some(path.to_string()),
                msg,
            ));
        };
        let number = match tree::parse_value(&Source::for_set(text, index, col - 1)) {
            (
                Node {
                    kind: Kind::Int(n), ..
                },
                e,
            ) if e.is_empty() => Some(n as f64),
            (
                Node {
                    kind: Kind::Float(x),
                    ..
                },
                e,
            ) if e.is_empty() && x.is_finite() => Some(x),
            _ => None,
        };
        let Some(x) = number else {
            err(
                diags,
                format!(
                    "--set {path}{operator}… needs a plain number after '{operator}', got '{text}'"
                ),
            );
            return None;
        };
        let change = match op {
            '+' => Change::Add(x),
            '-' => Change::Sub(x),
            '*' => Change::Mul(x),
            _ => Change::Div(x),
        };
        if matches!(change, Change::Mul(_) | Change::Div(_)) && x <= 0.0 {
            err(
                diags,
                format!(
                    "--set {path}{operator}{text}: the factor must be a number above 0 (a change keeps the value's shape)"
                ),
            );
            return None;
        }
        return Some((path, SetValue::Change(change)));
    }
    let Some(eq) = arg.find('=') else {
        diags.push(Diagnostic::error(
            Some(set_loc(index, 1)),
            None,
            format!("--set expects PATH=VALUE, got '{arg}'"),
        ));
        return None;
    };
    let path = arg[..eq].trim();
    let raw = &arg[eq + 1..];
    let value_text = raw.trim();
    let value_start = eq + 1 + (raw.len() - raw.trim_start().len());
    let value_col = arg[..value_start].chars().count();
    let src = Source::for_set(value_text, index, value_col);
    let (mut node, errs) = tree::parse_value(&src);
    if !errs.is_empty() || value_text.is_empty() {
        let bare = value_text.chars().next().is_some_and(|c| c.is_alphabetic())
            || value_text
                .split_whitespace()
                .any(|w| w.eq_ignore_ascii_case("to"));
        if bare && !value_text.is_empty() {
            node = Node {
                kind: Kind::Str(value_text.to_string()),
                loc: src.loc(0),
            };
        } else {
            let mut errs = errs;
            if errs.is_empty() {
                errs.push(Diagnostic::error(
                    Some(src.loc(0)),
                    None,
                    "missing value after '='",
                ));
            }
            for mut d in errs {
                d.path = Some(path.to_string());
                diags.push(d);
            }
            return None;
        }
    }
    Some((path, SetValue::Value(node)))
}

/// Whether a `--set` path names a calendar year.
fn is_year_path(segs: &[&str]) -> bool {
    matches!(
        segs,
        ["start_year"]
            | ["workload", "base_year"]
            | ["fleet", _, "online" | "retire"]
            | ["investment", _, "year"]
    )
}

/// Put what a `--set` gives at `key` of `t`: a value replaces the entry; a change wraps the
/// scenario's value, which must be there and be a number or a distribution.
fn put(t: &mut Table, key: &str, what: &SetValue, at: &Location, path: &str) -> Result<(), String> {
    put_or(t, key, what, at, path, None)
}

/// [`put`], with the value a change applies to taken from `fallback` (the catalog's) when the
/// scenario does not write it.
fn put_or(
    t: &mut Table,
    key: &str,
    what: &SetValue,
    at: &Location,
    path: &str,
    fallback: Option<&Node>,
) -> Result<(), String> {
    let change = match what {
        SetValue::Value(node) => {
            t.set(Entry {
                key: key.to_string(),
                key_loc: at.clone(),
                value: node.clone(),
            });
            return Ok(());
        }
        SetValue::Change(c) => *c,
    };
    let op = change.operator();
    let base = match t.get(key) {
        Some(e) => e.value.clone(),
        None => match fallback {
            Some(n) => n.clone(),
            None => {
                return Err(format!(
                    "cannot change '{path}' by {op}: the scenario has no value there to change; give one with --set {path}=VALUE"
                ));
            }
        },
    };
    let not_number = |what: String| {
        Err(format!(
            "cannot change '{path}' by {op}: it is {what}, not a number or a distribution"
        ))
    };
    match &base.kind {
        Kind::Int(_) | Kind::Float(_) | Kind::Changed(..) => {}
        Kind::Table(v) if tree::is_value_table(v) => {}
        Kind::Str(s) if s.split_whitespace().any(|w| w.eq_ignore_ascii_case("to")) => {}
        Kind::Str(s) => return not_number(format!("the text \"{s}\"")),
        Kind::Table(_) => {
            return Err(format!(
                "cannot change '{path}' by {op}: it is a table of values by key; change one of them, as in {path}.KEY{op}{}",
                crate::dist::fmt_num(change.operand())
            ));
        }
        k => return not_number(k.type_name().into()),
    }
    let value = Node {
        kind: Kind::Changed(Box::new(base), change),
        loc: at.clone(),
    };
    match t.get_mut(key) {
        Some(e) => e.value = value,
        None => t.entries.push(Entry {
            key: key.to_string(),
            key_loc: at.clone(),
            value,
        }),
    }
    Ok(())
}

fn apply_set(
    tree: &mut Table,
    index: usize,
    arg: &str,
    catalog: &Table,
    diags: &mut Vec<Diagnostic>,
) {
    let at = |col: usize| set_loc(index, col);
    let Some((path, what)) = parse_set_or_change(index, arg, diags) else {
        return;
    };
    let here = at(1);
    let err = |diags: &mut Vec<Diagnostic>, msg: String| {
        diags.push(Diagnostic::error(Some(at(1)), Some(path.to_string()), msg));
    };
    let set_at = |t: &mut Table, key: &str, diags: &mut Vec<Diagnostic>| {
        if let Err(msg) = put(t, key, &what, &here, path) {
            diags.push(Diagnostic::error(Some(at(1)), Some(path.to_string()), msg));
        }
    };
    // `fleet[2].online` (how problems name an unnamed tranche) reads as `fleet.[2].online`.
    let mut segs: Vec<&str> = path.split('.').collect();
    if let Some(first) = segs.first().copied() {
        for arr in ["fleet", "investment"] {
            if let Some(ix) = first.strip_prefix(arr).filter(|r| r.starts_with('[')) {
                segs.splice(0..1, [arr, ix]);
                break;
            }
        }
    }
    let mut system_keys: Vec<String> = catalog.entries.iter().map(|e| e.key.clone()).collect();
    if let Some(Entry {
        value: Node {
            kind: Kind::Table(st),
            ..
        },
        ..
    }) = tree.get("systems")
    {
        system_keys.extend(st.entries.iter().map(|e| e.key.clone()));
    }
    let unknown = |word: &str, cands: &[&str]| {
        format!(
            "cannot set '{path}': unknown key '{word}'{}",
            suggest::hint(word, cands.iter().copied())
        )
    };
    let mut all_top: Vec<&str> = TOP_VALUES.to_vec();
    all_top.extend(TOP_TABLES);
    all_top.extend(["systems", "fleet", "investment"]);
    if is_year_path(&segs)
        && let SetValue::Value(Node {
            kind: Kind::Int(_) | Kind::Float(_),
            ..
        }) = &what
    {
        let y = match &what {
            SetValue::Value(Node {
                kind: Kind::Int(n), ..
            }) => *n as f64,
            SetValue::Value(Node {
                kind: Kind::Float(x),
                ..
            }) => *x,
            _ => f64::NAN,
        };
        if !SET_YEARS.contains(&y) {
            let hint = if y.abs() < 1000.0 && y != 0.0 {
                let (op, d) = if y > 0.0 { ("+=", y) } else { ("-=", -y) };
                format!(
                    "; to move the scenario's year by {}, write --set {path}{op}{}",
                    crate::dist::fmt_num(d),
                    crate::dist::fmt_num(d)
                )
            } else {
                String::new()
            };
            return err(
                diags,
                format!(
                    "--set {path}={}: {} is not a calendar year from {} to {}{hint}",
                    crate::dist::fmt_num(y),
                    crate::dist::fmt_num(y),
                    SET_YEARS.start(),
                    SET_YEARS.end()
                ),
            );
        }
    }
    match segs.as_slice() {
        [k] if TOP_VALUES.contains(k) => set_at(tree, k, diags),
        [t, k] if TOP_TABLES.contains(t) => {
            let keys = build::table_keys(t).unwrap_or(&[]);
            if !keys.contains(k) {
                return err(diags, unknown(k, keys));
            }
            match ensure_table(tree, t, at(1)) {
                Some(tab) => set_at(tab, k, diags),
                None => err(diags, format!("cannot set '{path}': '{t}' is not a table")),
            }
        }
        ["procurement", "price_usd_per_gpu_hour", sys] => {
            if !system_keys.iter().any(|k| k == sys) {
                let hint = suggest::hint(sys, system_keys.iter().map(String::as_str));
                return err(
                    diags,
                    format!("cannot set '{path}': unknown system '{sys}'{hint}"),
                );
            }
            let Some(proc_t) = ensure_table(tree, "procurement", at(1)) else {
                return err(
                    diags,
                    format!("cannot set '{path}': 'procurement' is not a table"),
                );
            };
            match proc_t.get_mut("price_usd_per_gpu_hour") {
                Some(Entry {
                    value:
                        Node {
                            kind: Kind::Table(m),
                            ..
                        },
                    ..
                }) if !tree::is_value_table(m) => set_at(m, sys, diags),
                Some(_) => err(
                    diags,
                    format!(
                        "cannot set '{path}': price_usd_per_gpu_hour is one value for every system here; set 'procurement.price_usd_per_gpu_hour' instead"
                    ),
                ),
                None => {
                    let mut m = Table::default();
                    set_at(&mut m, sys, diags);
                    if matches!(what, SetValue::Change(_)) {
                        return;
                    }
                    proc_t.set(Entry {
                        key: "price_usd_per_gpu_hour".into(),
                        key_loc: at(1),
                        value: Node {
                            kind: Kind::Table(m),
                            loc: at(1),
                        },
                    });
                }
            }
        }
        ["workload", "model", field] => {
            if !build::MODEL_KEYS.contains(field) {
                return err(diags, unknown(field, &build::MODEL_KEYS));
            }
            let Some(w) = ensure_table(tree, "workload", at(1)) else {
                return err(
                    diags,
                    format!("cannot set '{path}': 'workload' is not a table"),
                );
            };
            match ensure_table(w, "model", at(1)) {
                Some(m) => set_at(m, field, diags),
                None => err(
                    diags,
                    format!("cannot set '{path}': workload.model is not a table"),
                ),
            }
        }
        ["systems", key, field] => {
            if !system_keys.iter().any(|k| k == key) {
                let hint = suggest::hint(key, system_keys.iter().map(String::as_str));
                return err(
                    diags,
                    format!("cannot set '{path}': unknown system '{key}'{hint}"),
                );
            }
            if !build::SYSTEM_KEYS.contains(field) {
                return err(diags, unknown(field, &build::SYSTEM_KEYS));
            }
            let Some(st) = ensure_table(tree, "systems", at(1)) else {
                return err(
                    diags,
                    format!("cannot set '{path}': 'systems' is not a table"),
                );
            };
            // A change of a catalog figure the scenario does not override applies to the
            // catalog's value.
            let from_catalog = match catalog.get(key).map(|e| &e.value.kind) {
                Some(Kind::Table(ct)) => ct.get(field).map(|e| e.value.clone()),
                _ => None,
            };
            match ensure_table(st, key, at(1)) {
                Some(s) => {
                    if let Err(msg) = put_or(s, field, &what, &here, path, from_catalog.as_ref()) {
                        err(diags, msg);
                    }
                }
                None => err(
                    diags,
                    format!("cannot set '{path}': systems.{key} is not a table"),
                ),
            }
        }
        [arr @ ("fleet" | "investment"), name, field] => {
            let keys = build::table_keys(arr).unwrap_or(&[]);
            if !keys.contains(field) {
                return err(diags, unknown(field, keys));
            }
            let Some(Entry {
                value:
                    Node {
                        kind: Kind::Array(items),
                        ..
                    },
                ..
            }) = tree.get_mut(arr)
            else {
                return err(
                    diags,
                    format!("cannot set '{path}': the scenario has no [[{arr}]]"),
                );
            };
            let name_of = |t: &Table| -> Option<String> {
                let pick = |k: &str| match t.get(k).map(|e| &e.value.kind) {
                    Some(Kind::Str(s)) => Some(s.clone()),
                    _ => None,
                };
                pick("name").or_else(|| {
                    if *arr == "fleet" {
                        pick("system")
                    } else {
                        None
                    }
                })
            };
            let names: Vec<String> = items
                .iter()
                .filter_map(|n| match &n.kind {
                    Kind::Table(t) => name_of(t),
                    _ => None,
                })
                .collect();
            let position = name
                .strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .map(|n| n.parse::<usize>().ok().filter(|&n| n >= 1));
            if position == Some(None) {
                return err(
                    diags,
                    format!("cannot set '{path}': {arr}{name} must count from 1, as in {arr}[1]"),
                );
            }
            let count = items.len();
            let target = items
                .iter_mut()
                .enumerate()
                .find_map(|(i, n)| match &mut n.kind {
                    Kind::Table(t)
                        if position.flatten().map_or_else(
                            || name_of(t).as_deref() == Some(*name),
                            |p| p == i + 1,
                        ) =>
                    {
                        Some(t)
                    }
                    _ => None,
                });
            if target.is_none() && position.is_some() {
                return err(
                    diags,
                    format!("cannot set '{path}': the scenario has {count} [[{arr}]] tables"),
                );
            }
            let Some(t) = target else {
                let hint = suggest::hint(name, names.iter().map(String::as_str));
                return err(
                    diags,
                    format!("cannot set '{path}': no [[{arr}]] named '{name}'{hint}"),
                );
            };
            if *arr == "fleet"
                && build::SIZE_KEYS.contains(field)
                && matches!(what, SetValue::Value(_))
            {
                for k in build::SIZE_KEYS {
                    if k != *field {
                        t.remove(k);
                    }
                }
            }
            set_at(t, field, diags);
        }
        _ => {
            let first = segs.first().copied().unwrap_or("");
            let msg = if first == "extends" || first == "correlation" {
                format!("cannot set '{path}': --set changes values, not '{first}'")
            } else if !all_top.contains(&first) {
                unknown(first, &all_top)
            } else {
                format!(
                    "cannot set '{path}': expected a value path such as facility.pue, fleet.NAME.online, \
                     systems.KEY.it_kw or procurement.price_usd_per_gpu_hour.KEY"
                )
            };
            err(diags, msg);
        }
    }
}

/// The sub-table under `key`, created (at `loc`) when absent; `None` when `key` holds a value.
fn ensure_table<'t>(t: &'t mut Table, key: &str, loc: Location) -> Option<&'t mut Table> {
    if t.get(key).is_none() {
        t.entries.push(Entry {
            key: key.to_string(),
            key_loc: loc.clone(),
            value: Node {
                kind: Kind::Table(Table::default()),
                loc,
            },
        });
    }
    match t.get_mut(key) {
        Some(Entry {
            value: Node {
                kind: Kind::Table(s),
                ..
            },
            ..
        }) => Some(s),
        _ => None,
    }
}
