//! Portfolio files: the deals of one buyer, each a scenario file, and the buyer's revenue path
//! (docs/portfolio.md). The same value syntax, sources and diagnostics as a scenario: every value
//! of the portfolio is a [`Param`] with its path (`revenue.run_rate_usd`, `deal.NAME.share`), and
//! every problem names file:line:column and the path, with a suggestion where one is close.
//!
//! A deal's overrides (`set = ["PATH=VALUE", …]` in the file, then the command line's
//! `--set deal.NAME.PATH=VALUE` and `--set PATH=VALUE` for every deal) are `--set`s of that
//! deal's scenario, loaded by [`super::load`]; their problems are moved back to where they were
//! written: the string in the portfolio file, or the command line's `--set`.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Diagnostic, Location, ScenarioError, Severity};

use super::build::{self, ANY, Builder, NONNEG, RATE, SHARE};
use super::tree::{self, Entry, Kind, Node, Source, Table};
use super::{Param, Scenario, Simulation, suggest};

/// The keys of a portfolio file.
pub(crate) const TOP_KEYS: [&str; 7] = [
    "name",
    "buyer",
    "as_of",
    "description",
    "deal",
    "revenue",
    "simulation",
];
/// The keys of a `[[deal]]`.
pub(crate) const DEAL_KEYS: [&str; 4] = ["file", "name", "share", "set"];
/// The keys of `[revenue]`.
pub(crate) const REVENUE_KEYS: [&str; 4] = ["run_rate_usd", "at", "growth_per_year", "margin"];
/// Calendar years and dates a portfolio accepts (as `workload.base_year`).
const YEARS: std::ops::RangeInclusive<f64> = 1900.0..=2500.0;

/// A validated portfolio: its deals loaded and validated, its own values as [`Param`]s.
#[derive(Debug, Clone)]
pub struct Portfolio {
    pub name: String,
    /// Who buys the compute (and earns the revenue).
    pub buyer: String,
    /// The date the figures are as of, as written (`"December 2026"`).
    pub as_of: String,
    pub description: Option<String>,
    /// The file it was read from.
    pub file: Option<String>,
    /// SHA-256 (hex) of the portfolio's bytes, every deal's scenario hash and every `--set`.
    pub sha256: String,
    pub deals: Vec<Deal>,
    pub revenue: Revenue,
    /// `[simulation]`, or the defaults (10,000 samples, seed 2025, `lhs`).
    pub simulation: Simulation,
    /// Warnings of the portfolio and of its deals' scenarios.
    pub warnings: Vec<Diagnostic>,
}

/// One deal of a portfolio.
#[derive(Debug, Clone)]
pub struct Deal {
    /// Unique within the portfolio; the file's stem unless given.
    pub name: String,
    /// The scenario file as written in the portfolio (relative to the portfolio's folder).
    pub file: String,
    /// The scenario file as read.
    pub path: PathBuf,
    /// Every override laid on the deal's scenario, in order: the file's `set`, then the
    /// command line's.
    pub sets: Vec<String>,
    /// The buyer's share of the deal, in [0, 1] (path `deal.NAME.share`; default 1).
    pub share: Param,
    pub scenario: Scenario,
}

/// The buyer's revenue: an annualised run-rate at a date, growing by calendar year.
#[derive(Debug, Clone)]
pub struct Revenue {
    /// Annualised revenue (a run-rate) at `at`, USD per year.
    pub run_rate_usd: Param,
    /// The date of the run-rate, a decimal year (2026.37 is mid-May 2026).
    pub at: f64,
    /// Where `at` was written.
    pub at_origin: Option<Location>,
    /// Growth of the run-rate per year, by phase, in calendar order.
    pub growth: Vec<Growth>,
    /// The share of revenue left to pay for compute, in [0, 1] (default 1: all of it).
    pub margin: Param,
}

/// The growth of the run-rate over a span of calendar years.
#[derive(Debug, Clone)]
pub struct Growth {
    /// The first calendar year it applies to; the first phase also applies to every year before
    /// the next phase's (`None`: one rate for every year).
    pub from: Option<i32>,
    /// Growth per year (> −1): `(1 + g)` is the run-rate's factor over a year.
    pub per_year: Param,
}

impl Revenue {
    /// The phase that applies to calendar year `year`: the last one starting at or before it,
    /// else the first.
    pub fn phase_of(&self, year: i32) -> usize {
        self.growth
            .iter()
            .rposition(|g| g.from.is_some_and(|f| f <= year))
            .unwrap_or(0)
    }
}

impl Portfolio {
    /// The portfolio's own values (not its deals'), in a canonical order: each deal's share,
    /// then the run-rate, the growth phases and the margin. Paths are unique.
    pub fn params(&self) -> Vec<&Param> {
        let mut v: Vec<&Param> = self.deals.iter().map(|d| &d.share).collect();
        v.push(&self.revenue.run_rate_usd);
        v.extend(self.revenue.growth.iter().map(|g| &g.per_year));
        v.push(&self.revenue.margin);
        v
    }

    /// The calendar years of the horizon: from the earliest start of a deal's term to the
    /// latest end of one.
    pub fn years(&self) -> Vec<i32> {
        let first = self.deals.iter().map(|d| d.scenario.start_year).min();
        let last = self.deals.iter().map(|d| d.scenario.last_year()).max();
        match (first, last) {
            (Some(a), Some(b)) => (a..=b).collect(),
            _ => Vec::new(),
        }
    }
}

/// Where one override of a deal was written, to move its problems back there.
#[derive(Debug, Clone)]
enum SetOrigin {
    /// A string of a deal's `set` array: where its text starts (after the quote).
    File(Location),
    /// The command line's `--set` number `index`; `skip` characters of it (`deal.NAME.`) are
    /// not in the text the deal's scenario sees.
    Cli { index: usize, skip: usize },
}

/// Read, validate and load a portfolio file and every deal it names. `sets` are the command
/// line's `--set PATH=VALUE`: `revenue.…` and `deal.NAME.share` set the portfolio's own values,
/// `deal.NAME.PATH` a value of one deal, any other path a value of every deal.
pub fn load_portfolio(path: &Path, sets: &[String]) -> Result<Portfolio, ScenarioError> {
    let label = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ScenarioError {
        diagnostics: vec![Diagnostic::error(
            None,
            None,
            format!("cannot read portfolio file '{label}': {e}"),
        )],
    })?;
    let text = super::utf8(&bytes, &label).map_err(|d| ScenarioError {
        diagnostics: vec![d],
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    load_portfolio_str(text, &label, &dir, sets)
}

/// [`load_portfolio`] for text in memory: `label` names it in messages, `dir` resolves the
/// deals' files.
pub fn load_portfolio_str(
    text: &str,
    label: &str,
    dir: &Path,
    sets: &[String],
) -> Result<Portfolio, ScenarioError> {
    let src = Source::new(label, text);
    let (mut root, syntax) = tree::parse_document(&src);
    if !syntax.is_empty() {
        return Err(ScenarioError {
            diagnostics: syntax.into_iter().take(50).collect(),
        });
    }
    let root_loc = Location {
        file: label.into(),
        line: 1,
        column: 1,
    };
    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    let empty = Table::default();
    let mut b = Builder::new(&empty);
    check_keys(&mut b, &root, &TOP_KEYS, "");

    // The deals' names first: the command line's overrides are routed by them.
    let names: Vec<Option<String>> = {
        let deal_tables = b.array_of_tables(&root, "deal");
        if deal_tables.is_empty() && root.get("deal").is_none() {
            b.err(
                &root_loc,
                Some("deal"),
                "missing [[deal]]: a portfolio names at least one deal scenario \
                 ([[deal]] with file = \"path/to/deal.toml\")",
            );
        }
        let names: Vec<Option<String>> = deal_tables
            .iter()
            .enumerate()
            .map(|(i, (t, loc))| deal_name(&mut b, t, loc, i))
            .collect();
        let mut seen: Vec<&str> = Vec::new();
        for ((t, _), name) in deal_tables.iter().zip(&names) {
            let Some(n) = name else { continue };
            if seen.contains(&n.as_str()) {
                let loc = t
                    .get("name")
                    .or_else(|| t.get("file"))
                    .map(|e| e.value.loc.clone())
                    .unwrap_or_else(|| root_loc.clone());
                b.err(
                    &loc,
                    Some(&format!("deal.{n}")),
                    format!("two deals are named '{n}': give each [[deal]] its own name = \"…\""),
                );
            }
            seen.push(n);
        }
        names
    };

    // The command line's overrides: the portfolio's own values go into its tree, a deal's to
    // that deal.
    let known: Vec<&str> = names.iter().flatten().map(String::as_str).collect();
    let mut deal_sets: Vec<Vec<(String, SetOrigin)>> = vec![Vec::new(); names.len()];
    let mut every_deal: Vec<(String, SetOrigin)> = Vec::new();
    let mut portfolio_sets: Vec<(usize, Node, String)> = Vec::new();
    for (i, arg) in sets.iter().enumerate() {
        hasher.update(b"\n--set ");
        hasher.update(arg.as_bytes());
        let index = i + 1;
        // `PATH*=F` and the other relative forms name PATH too.
        let path = arg.split('=').next().unwrap_or("");
        let path = path
            .strip_suffix(['+', '-', '*', '/'])
            .unwrap_or(path)
            .trim();
        if path.starts_with("revenue.") || path == "revenue" {
            if let Some((p, node)) = super::parse_set(index, arg, &mut b.diags) {
                portfolio_sets.push((index, node, p.to_string()));
            }
        } else if let Some(rest) = path.strip_prefix("deal.") {
            // The longest deal name that the path continues with a '.' (names may hold dots).
            let hit = names
                .iter()
                .enumerate()
                .filter_map(|(d, n)| n.as_deref().map(|n| (d, n)))
                .filter(|(_, n)| rest == *n || rest.starts_with(&format!("{n}.")))
                .max_by_key(|(_, n)| n.len());
            match hit {
                Some((_, n)) if rest == n || &rest[n.len() + 1..] == "share" => {
                    if let Some((p, node)) = super::parse_set(index, arg, &mut b.diags) {
                        portfolio_sets.push((index, node, p.to_string()));
                    }
                }
                Some((d, n)) => {
                    let prefix = format!("deal.{n}.");
                    let start = arg.find(&prefix).unwrap_or(0) + prefix.len();
                    let skip = arg[..start].chars().count();
                    deal_sets[d].push((arg[start..].to_string(), SetOrigin::Cli { index, skip }));
                }
                None => {
                    let word = rest.split('.').next().unwrap_or(rest);
                    let hint = suggest::hint(word, known.iter().copied());
                    b.diags.push(Diagnostic::error(
                        Some(set_loc(index, 1)),
                        Some(path.to_string()),
                        format!("cannot set '{path}': no [[deal]] named '{word}'{hint}"),
                    ));
                }
            }
        } else {
            every_deal.push((arg.clone(), SetOrigin::Cli { index, skip: 0 }));
        }
    }
    for (index, node, p) in portfolio_sets {
        apply_portfolio_set(&mut root, &names, index, &p, node, &mut b);
    }

    // The deals: each scenario loaded with its overrides.
    let deal_tables = {
        // Read again: the overrides may have changed the tree.
        let mut v = Vec::new();
        if let Some(Entry {
            value: Node {
                kind: Kind::Array(items),
                ..
            },
            ..
        }) = root.get("deal")
        {
            for it in items {
                if let Kind::Table(t) = &it.kind {
                    v.push((t, it.loc.clone()));
                }
            }
        }
        v
    };
    let mut deals = Vec::new();
    let mut deal_warnings = Vec::new();
    let mut deal_errors = Vec::new();
    for (d, ((t, loc), name)) in deal_tables.iter().zip(&names).enumerate() {
        check_keys(
            &mut b,
            t,
            &DEAL_KEYS,
            &format!("deal.{}", name.as_deref().unwrap_or("?")),
        );
        let Some(name) = name else { continue };
        let prefix = format!("deal.{name}");
        let share = match t.get("share") {
            Some(e) => b.param(&e.value, &format!("{prefix}.share"), SHARE),
            None => default_param(&format!("{prefix}.share"), 1.0, "default: the whole deal"),
        };
        let mut overrides = file_sets(&mut b, t, &prefix);
        overrides.extend(deal_sets[d].iter().cloned());
        overrides.extend(every_deal.iter().cloned());
        let Some(file_entry) = t.get("file") else {
            b.err(
                loc,
                Some(&format!("{prefix}.file")),
                "missing required key 'file': the deal's scenario, relative to this file",
            );
            continue;
        };
        let Some(file) = b.string(&file_entry.value, &format!("{prefix}.file")) else {
            continue;
        };
        let path = dir.join(&file);
        if let Err(e) = std::fs::metadata(&path) {
            let stem = Path::new(&file)
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let folder = path.parent().unwrap_or(Path::new("."));
            let candidates: Vec<String> = std::fs::read_dir(folder)
                .map(|rd| {
                    let mut v: Vec<String> = rd
                        .filter_map(|e| e.ok())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .filter(|n| n.ends_with(".toml"))
                        .collect();
                    v.sort();
                    v
                })
                .unwrap_or_default();
            let hint = suggest::hint(&stem, candidates.iter().map(String::as_str));
            b.err(
                &file_entry.value.loc,
                Some(&format!("{prefix}.file")),
                format!("cannot read deal scenario '{}': {e}{hint}", path.display()),
            );
            continue;
        }
        let texts: Vec<String> = overrides.iter().map(|(s, _)| s.clone()).collect();
        let origins: Vec<SetOrigin> = overrides.into_iter().map(|(_, o)| o).collect();
        match super::load(&path, &texts) {
            Ok(mut s) => {
                for w in &mut s.warnings {
                    relocate(w, &origins, &prefix);
                }
                deal_warnings.extend(s.warnings.iter().cloned());
                hasher.update(b"\ndeal ");
                hasher.update(s.sha256.as_bytes());
                if let Some(share) = share {
                    deals.push(Deal {
                        name: name.clone(),
                        file: file.clone(),
                        path,
                        sets: texts,
                        share,
                        scenario: s,
                    });
                }
            }
            Err(e) => {
                for mut d in e.diagnostics {
                    relocate(&mut d, &origins, &prefix);
                    if d.severity == Severity::Error {
                        deal_errors.push(d);
                    } else {
                        deal_warnings.push(d);
                    }
                }
            }
        }
    }

    let revenue = match b.table(&root, "revenue") {
        Some((t, loc)) => revenue(&mut b, t, &loc),
        None => {
            if root.get("revenue").is_none() {
                b.err(
                    &root_loc,
                    Some("revenue"),
                    "missing required table [revenue] (run_rate_usd, at, growth_per_year)",
                );
            }
            None
        }
    };
    let name = required_string(&mut b, &root, "name", &root_loc, "the portfolio's title");
    let buyer = required_string(&mut b, &root, "buyer", &root_loc, "who buys the compute");
    let as_of = required_string(
        &mut b,
        &root,
        "as_of",
        &root_loc,
        "the date the figures are as of, e.g. \"December 2026\"",
    );
    let description = root
        .get("description")
        .and_then(|e| b.string(&e.value, "description"));
    let simulation = match b.table(&root, "simulation") {
        Some((t, _)) => b.simulation(t),
        None => root.get("simulation").is_none().then_some(Simulation {
            samples: build::DEFAULT_SAMPLES,
            seed: build::DEFAULT_SEED,
            sampler: super::SamplerKind::Lhs,
        }),
    };

    let mut diags = std::mem::take(&mut b.diags);
    diags.extend(deal_errors);
    let mut warnings = std::mem::take(&mut b.warnings);
    warnings.extend(deal_warnings);
    build::sort_by_location(&mut diags);
    let has_errors = diags.iter().any(|d| d.severity == Severity::Error);
    let assembled = (|| {
        if has_errors || deals.len() != names.len() || deals.is_empty() {
            return None;
        }
        Some(Portfolio {
            name: name?,
            buyer: buyer?,
            as_of: as_of?,
            description,
            file: Some(label.to_string()),
            sha256: format!("{:x}", hasher.clone().finalize()),
            deals: deals.clone(),
            revenue: revenue.clone()?,
            simulation: simulation.clone()?,
            warnings: warnings.clone(),
        })
    })();
    match assembled {
        Some(p) => Ok(p),
        None => {
            if !has_errors {
                diags.push(Diagnostic::error(
                    Some(root_loc),
                    None,
                    "internal error: the portfolio is incomplete but no problem was reported",
                ));
            }
            diags.extend(warnings);
            Err(ScenarioError { diagnostics: diags })
        }
    }
}

/// The location of column `column` of the `index`-th `--set`.
fn set_loc(index: usize, column: usize) -> Location {
    Location {
        file: "--set".into(),
        line: index,
        column,
    }
}

/// Report keys a table does not know, with a suggestion.
fn check_keys(b: &mut Builder<'_>, t: &Table, allowed: &[&str], table_path: &str) {
    for e in &t.entries {
        if !allowed.contains(&e.key.as_str()) {
            let hint = suggest::hint(&e.key, allowed.iter().copied());
            let (path, place) = if table_path.is_empty() {
                (e.key.clone(), String::new())
            } else {
                (
                    format!("{table_path}.{}", e.key),
                    format!(" in {table_path}"),
                )
            };
            b.err(
                &e.key_loc,
                Some(&path),
                format!("unknown key '{}'{place}{hint}", e.key),
            );
        }
    }
}

/// A deal's name: `name`, else its file's stem. Names are what `deal.NAME.…` paths use.
fn deal_name(b: &mut Builder<'_>, t: &Table, loc: &Location, i: usize) -> Option<String> {
    let at = format!("deal[{}]", i + 1);
    let (name, node) = match (t.get("name"), t.get("file")) {
        (Some(e), _) => (b.string(&e.value, &format!("{at}.name"))?, &e.value),
        (None, Some(e)) => match &e.value.kind {
            Kind::Str(f) => (
                Path::new(f)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                &e.value,
            ),
            // The file's own problem is reported with the deal.
            _ => return Some(at),
        },
        (None, None) => {
            b.err(
                loc,
                Some(&format!("{at}.file")),
                "missing required key 'file': the deal's scenario, relative to this file",
            );
            return None;
        }
    };
    if !super::build::addressable(&name) {
        let named = t.get("name").is_some();
        let mut msg = super::build::unaddressable("the deal name", &name, "deal");
        if !named {
            msg.push_str(" (it comes from the file's name: give the [[deal]] a name = \"…\")");
        }
        b.err(&node.loc, Some(&format!("{at}.name")), msg);
        return None;
    }
    Some(name)
}

/// The `set = ["PATH=VALUE", …]` of a deal, each with where its text starts.
fn file_sets(b: &mut Builder<'_>, t: &Table, prefix: &str) -> Vec<(String, SetOrigin)> {
    let Some(e) = t.get("set") else {
        return Vec::new();
    };
    let path = format!("{prefix}.set");
    let Kind::Array(items) = &e.value.kind else {
        b.err(
            &e.value.loc,
            Some(&path),
            format!(
                "set must be an array of \"PATH=VALUE\" strings, not {}",
                e.value.kind.type_name()
            ),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for it in items {
        match &it.kind {
            Kind::Str(s) => {
                let mut at = it.loc.clone();
                // The text starts after the opening quote.
                at.column += 1;
                out.push((s.clone(), SetOrigin::File(at)));
            }
            k => b.err(
                &it.loc,
                Some(&path),
                format!(
                    "each override is a \"PATH=VALUE\" string, not {}",
                    k.type_name()
                ),
            ),
        }
    }
    out
}

/// Move a problem of a deal's scenario that `--set` locates to where the override was written,
/// and name its path within the portfolio (`deal.NAME.PATH`).
fn relocate(d: &mut Diagnostic, origins: &[SetOrigin], prefix: &str) {
    let Some(loc) = &d.location else { return };
    if &*loc.file != "--set" {
        return;
    }
    let Some(origin) = loc.line.checked_sub(1).and_then(|i| origins.get(i)) else {
        return;
    };
    let column = loc.column;
    d.location = Some(match origin {
        SetOrigin::File(at) => Location {
            file: at.file.clone(),
            line: at.line,
            column: at.column + column - 1,
        },
        SetOrigin::Cli { index, skip } => Location {
            file: "--set".into(),
            line: *index,
            column: column + skip,
        },
    });
    match &d.path {
        Some(p) => d.path = Some(format!("{prefix}.{p}")),
        None => d.path = Some(format!("{prefix}.set")),
    }
}

/// Lay the command line's `--set` of a portfolio value (`revenue.…`, `deal.NAME.share`) on the
/// portfolio's tree.
fn apply_portfolio_set(
    root: &mut Table,
    names: &[Option<String>],
    index: usize,
    path: &str,
    node: Node,
    b: &mut Builder<'_>,
) {
    let entry = |key: &str| Entry {
        key: key.to_string(),
        key_loc: set_loc(index, 1),
        value: node.clone(),
    };
    let mut fail = |msg: String| {
        b.diags.push(Diagnostic::error(
            Some(set_loc(index, 1)),
            Some(path.to_string()),
            msg,
        ))
    };
    if let Some(rest) = path.strip_prefix("revenue.") {
        let (key, year) = match rest.split_once('.') {
            Some((k, y)) => (k, Some(y)),
            None => (rest, None),
        };
        if !REVENUE_KEYS.contains(&key) {
            let hint = suggest::hint(key, REVENUE_KEYS.iter().copied());
            return fail(format!("cannot set '{path}': unknown key '{key}'{hint}"));
        }
        if root.get("revenue").is_none() {
            root.entries.push(Entry {
                key: "revenue".into(),
                key_loc: set_loc(index, 1),
                value: Node {
                    kind: Kind::Table(Table::default()),
                    loc: set_loc(index, 1),
                },
            });
        }
        let Some(Entry {
            value: Node {
                kind: Kind::Table(rev),
                ..
            },
            ..
        }) = root.get_mut("revenue")
        else {
            return fail(format!("cannot set '{path}': 'revenue' is not a table"));
        };
        match year {
            None => rev.set(entry(key)),
            Some(y) if key == "growth_per_year" => match rev.get_mut(key) {
                Some(Entry {
                    value:
                        Node {
                            kind: Kind::Table(phases),
                            ..
                        },
                    ..
                }) if !tree::is_value_table(phases) => phases.set(entry(y)),
                _ => fail(format!(
                    "cannot set '{path}': growth_per_year is one value for every year here; \
                     set 'revenue.growth_per_year' instead"
                )),
            },
            Some(_) => fail(format!(
                "cannot set '{path}': only growth_per_year takes a year (revenue.growth_per_year.2027)"
            )),
        }
        return;
    }
    // `deal.NAME.share` (or `deal.NAME`, an error).
    let rest = path.strip_prefix("deal.").unwrap_or(path);
    let Some(d) = names
        .iter()
        .position(|n| n.as_deref().is_some_and(|n| rest == format!("{n}.share")))
    else {
        return fail(format!(
            "cannot set '{path}': a deal's own value is deal.NAME.share; a value of its \
             scenario is deal.NAME.PATH (deal.NAME.facility.pue)"
        ));
    };
    if let Some(Entry {
        value: Node {
            kind: Kind::Array(items),
            ..
        },
        ..
    }) = root.get_mut("deal")
        && let Some(Node {
            kind: Kind::Table(t),
            ..
        }) = items.get_mut(d)
    {
        t.set(entry("share"));
    }
}

/// A string the portfolio must have.
fn required_string(
    b: &mut Builder<'_>,
    root: &Table,
    key: &str,
    root_loc: &Location,
    what: &str,
) -> Option<String> {
    match root.get(key) {
        Some(e) => b.string(&e.value, key),
        None => {
            b.err(
                root_loc,
                Some(key),
                format!("missing required key '{key}' ({what})"),
            );
            None
        }
    }
}

/// A fixed value that the file leaves out.
fn default_param(path: &str, x: f64, note: &str) -> Option<Param> {
    let marginal = crate::dist::Dist::fixed(x)
        .and_then(|d| crate::dist::Marginal::new(d, None, None))
        .ok()?;
    Some(Param {
        path: path.to_string(),
        marginal,
        source: None,
        note: Some(note.to_string()),
        origin: None,
    })
}

/// `[revenue]`: the run-rate, its date, its growth and the margin.
fn revenue(b: &mut Builder<'_>, t: &Table, loc: &Location) -> Option<Revenue> {
    check_keys(b, t, &REVENUE_KEYS, "revenue");
    let missing = |b: &mut Builder<'_>, key: &str, what: &str| {
        b.err(
            loc,
            Some(&format!("revenue.{key}")),
            format!("missing required key '{key}' in [revenue] ({what})"),
        );
    };
    let run_rate = match t.get("run_rate_usd") {
        Some(e) => b.param(&e.value, "revenue.run_rate_usd", NONNEG),
        None => {
            missing(
                b,
                "run_rate_usd",
                "annualised revenue at the date `at`, USD per year",
            );
            None
        }
    };
    let (at, at_origin) = match t.get("at") {
        Some(e) => (date(b, &e.value, "revenue.at"), Some(e.value.loc.clone())),
        None => {
            missing(
                b,
                "at",
                "the date of the run-rate, a decimal year such as 2026.37",
            );
            (None, None)
        }
    };
    let growth = match t.get("growth_per_year") {
        Some(e) => growth(b, &e.value),
        None => {
            missing(
                b,
                "growth_per_year",
                "the run-rate's growth per year, one value or one per calendar year",
            );
            None
        }
    };
    let margin = match t.get("margin") {
        Some(e) => b.param(&e.value, "revenue.margin", SHARE),
        None => default_param(
            "revenue.margin",
            1.0,
            "default: all revenue is left to pay for compute",
        ),
    };
    Some(Revenue {
        run_rate_usd: run_rate?,
        at: at?,
        at_origin,
        growth: growth?,
        margin: margin?,
    })
}

/// A date: a fixed decimal year within 1900–2500.
fn date(b: &mut Builder<'_>, node: &Node, path: &str) -> Option<f64> {
    let how = "write the date as a decimal year: 2026.37 for mid-May 2026 (the year plus the \
               months elapsed / 12)";
    match &node.kind {
        Kind::Datetime => {
            b.err(
                &node.loc,
                Some(path),
                format!("a TOML date is not read here; {how}"),
            );
            return None;
        }
        Kind::Str(s) => {
            b.err(
                &node.loc,
                Some(path),
                format!("\"{s}\" is not a date here; {how}"),
            );
            return None;
        }
        _ => {}
    }
    let p = b.param(node, path, ANY)?;
    let Some(x) = p.fixed_value() else {
        b.err(
            &node.loc,
            Some(path),
            format!("the date must be fixed, not {}; {how}", p.marginal),
        );
        return None;
    };
    if !YEARS.contains(&x) {
        b.err(
            &node.loc,
            Some(path),
            format!("{x} is not a date within 1900–2500; {how}"),
        );
        return None;
    }
    Some(x)
}

/// `growth_per_year`: one value, or a table of calendar year → value.
fn growth(b: &mut Builder<'_>, node: &Node) -> Option<Vec<Growth>> {
    let path = "revenue.growth_per_year";
    let phases = match &node.kind {
        Kind::Table(t) if !tree::is_value_table(t) => t,
        _ => {
            return b.param(node, path, RATE).map(|per_year| {
                vec![Growth {
                    from: None,
                    per_year,
                }]
            });
        }
    };
    if phases.entries.is_empty() {
        b.err(
            &node.loc,
            Some(path),
            "growth_per_year is empty: give one value, or one per calendar year \
             ({ 2026 = \"1 to 3\", 2028 = \"0.2 to 0.6\" })",
        );
        return None;
    }
    let mut out: Vec<Growth> = Vec::new();
    let mut ok = true;
    for e in &phases.entries {
        let p = format!("{path}.{}", e.key);
        let year = e
            .key
            .parse::<i32>()
            .ok()
            .filter(|y| YEARS.contains(&(*y as f64)));
        let Some(year) = year else {
            b.err(
                &e.key_loc,
                Some(&p),
                format!(
                    "'{}' is not a calendar year: each key of growth_per_year is the year from \
                     which its growth applies (2027 = \"0.5 to 1.5\")",
                    e.key
                ),
            );
            ok = false;
            continue;
        };
        match b.param(&e.value, &p, RATE) {
            Some(per_year) => out.push(Growth {
                from: Some(year),
                per_year,
            }),
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    out.sort_by_key(|g| g.from);
    Some(out)
}
