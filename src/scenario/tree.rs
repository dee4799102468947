//! An owned TOML tree in which every key and value remembers where it was written.
//!
//! The toml crate's `DeTable::parse_recoverable` gives byte spans; this module turns them into
//! 1-based line:column [`Location`]s, keeps them through `extends` merging and `--set`
//! overrides (each value keeps the origin of the file that wrote it), and reports syntax errors
//! as [`Diagnostic`]s rather than panicking, whatever the input.

use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Diagnostic, Location};

/// Maps byte offsets of one text to locations.
pub(crate) struct Source<'t> {
    label: Arc<str>,
    text: &'t str,
    line_starts: Vec<usize>,
    /// The number of characters before byte `k × CHARS_STEP`, for every `k`: a column is then
    /// counted from the nearest mark rather than from the start of its line, so that every
    /// location of a long line costs the same.
    char_marks: Vec<usize>,
    /// For `--set`: every location is on this "line" (the override's number), and columns are
    /// shifted by `col_offset` (the value's position in `PATH=VALUE`).
    fixed_line: Option<usize>,
    col_offset: usize,
}

/// Bytes between two marks of [`Source::char_marks`].
const CHARS_STEP: usize = 256;

/// Characters that start in `bytes` (every byte that is not a UTF-8 continuation byte).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xc0) != 0x80).count()
}

impl<'t> Source<'t> {
    pub(crate) fn new(label: &str, text: &'t str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source {
            label: Arc::from(label),
            text,
            line_starts,
            char_marks: char_marks(text),
            fixed_line: None,
            col_offset: 0,
        }
    }

    /// A `--set` value: line `index`, columns counted from `col_offset` characters in.
    pub(crate) fn for_set(text: &'t str, index: usize, col_offset: usize) -> Self {
        Source {
            label: Arc::from("--set"),
            text,
            line_starts: vec![0],
            char_marks: char_marks(text),
            fixed_line: Some(index),
            col_offset,
        }
    }

    /// Characters before byte `byte` (at most the text's length).
    fn chars_before(&self, byte: usize) -> usize {
        let k = byte / CHARS_STEP;
        let from = k * CHARS_STEP;
        self.char_marks[k] + count_chars(&self.text.as_bytes()[from..byte])
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub(crate) fn loc(&self, byte: usize) -> Location {
        let byte = byte.min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line_idx).copied().unwrap_or(0);
        let column = self.chars_before(byte) - self.chars_before(start) + 1;
        Location {
            file: self.label.clone(),
            line: self.fixed_line.unwrap_or(line_idx + 1),
            column: column + self.col_offset,
        }
    }
}

/// [`Source::char_marks`] of `text`.
fn char_marks(text: &str) -> Vec<usize> {
    let mut marks = Vec::with_capacity(text.len() / CHARS_STEP + 1);
    let mut n = 0;
    marks.push(0);
    for chunk in text.as_bytes().chunks(CHARS_STEP) {
        n += count_chars(chunk);
        marks.push(n);
    }
    marks
}

/// A TOML value with its location.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: Kind,
    pub loc: Location,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Datetime,
    Array(Vec<Node>),
    Table(Table),
    /// A value already reported as broken (an integer out of range): later stages skip it.
    Invalid,
    /// The scenario's value `base` changed as a whole by a relative `--set` (`PATH+=D`,
    /// `PATH*=F`, …).
    Changed(Box<Node>, Change),
}

/// A relative change of a value: `x + d`, `x − d`, `x × f` or `x / f`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Change {
    Add(f64),
    Sub(f64),
    Mul(f64),
    Div(f64),
}

impl Change {
    /// The operator as written after the path: `+=`, `-=`, `*=` or `/=`.
    pub(crate) fn operator(self) -> &'static str {
        match self {
            Change::Add(_) => "+=",
            Change::Sub(_) => "-=",
            Change::Mul(_) => "*=",
            Change::Div(_) => "/=",
        }
    }
    /// The number after the operator.
    pub(crate) fn operand(self) -> f64 {
        match self {
            Change::Add(x) | Change::Sub(x) | Change::Mul(x) | Change::Div(x) => x,
        }
    }
    /// The change applied to one number (exactly the arithmetic written).
    pub(crate) fn apply(self, x: f64) -> f64 {
        match self {
            Change::Add(d) => x + d,
            Change::Sub(d) => x - d,
            Change::Mul(f) => x * f,
            Change::Div(f) => x / f,
        }
    }
    /// The change as `x ↦ scale·x + shift`.
    pub(crate) fn affine(self) -> (f64, f64) {
        match self {
            Change::Add(d) => (1.0, d),
            Change::Sub(d) => (1.0, -d),
            Change::Mul(f) => (f, 0.0),
            Change::Div(f) => (1.0 / f, 0.0),
        }
    }
}

impl Kind {
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Kind::Str(_) => "a string",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a number",
            Kind::Bool(_) => "a boolean",
            Kind::Datetime => "a date",
            Kind::Array(_) => "an array",
            Kind::Table(_) => "a table",
            Kind::Invalid => "an invalid value",
            Kind::Changed(base, _) => base.kind.type_name(),
        }
    }
}

/// Entries in the order they were written.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub key: String,
    pub key_loc: Location,
    pub value: Node,
}

impl Table {
    pub(crate) fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.key == key)
    }
    pub(crate) fn remove(&mut self, key: &str) -> Option<Entry> {
        let i = self.entries.iter().position(|e| e.key == key)?;
        Some(self.entries.remove(i))
    }
    /// Insert or replace (a replacement keeps the entry's place).
    pub(crate) fn set(&mut self, entry: Entry) {
        match self.get_mut(&entry.key) {
            Some(e) => *e = entry,
            None => self.entries.push(entry),
        }
    }
}

/// Parse a whole document. Syntax errors come back as diagnostics (then the tree is partial and
/// should not be validated).
pub(crate) fn parse_document(src: &Source<'_>) -> (Table, Vec<Diagnostic>) {
    let (root, errors) = DeTable::parse_recoverable(src.text);
    let mut diags: Vec<Diagnostic> = errors
        .iter()
        .map(|e| {
            // Without a span, the parser stopped at the end of the text.
            let loc = Some(src.loc(e.span().map_or(src.text.len(), |s| s.start)));
            Diagnostic::error(loc, None, syntax_message(src, e))
        })
        .collect();
    let table = convert_table(root.get_ref(), src, &mut diags);
    (table, diags)
}

/// A syntax error for a person: the parser's message, and the key a duplicate-key error is
/// about (the parser names only the place).
fn syntax_message(src: &Source<'_>, e: &toml::de::Error) -> String {
    let msg = e.message();
    let key = e
        .span()
        .and_then(|s| src.text.get(s))
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.chars().count() <= 200);
    match key {
        Some(k) if msg.contains("duplicate key") => {
            format!("TOML syntax: duplicate key '{k}': a key is written once in its table")
        }
        _ => format!("TOML syntax: {msg}"),
    }
}

/// Parse one value (the right-hand side of `--set PATH=VALUE`).
pub(crate) fn parse_value(src: &Source<'_>) -> (Node, Vec<Diagnostic>) {
    let (value, errors) = DeValue::parse_recoverable(src.text);
    let mut diags: Vec<Diagnostic> = errors
        .iter()
        .map(|e| {
            // Without a span, the parser stopped at the end of the text.
            let loc = Some(src.loc(e.span().map_or(src.text.len(), |s| s.start)));
            Diagnostic::error(loc, None, syntax_message(src, e))
        })
        .collect();
    let node = convert(&value, src, &mut diags);
    (node, diags)
}

fn convert_table(t: &DeTable<'_>, src: &Source<'_>, diags: &mut Vec<Diagnostic>) -> Table {
    let mut entries: Vec<(usize, Entry)> = t
        .iter()
        .map(|(k, v)| {
            let start = k.span().start;
            let entry = Entry {
                key: k.get_ref().to_string(),
                key_loc: src.loc(start),
                value: convert(v, src, diags),
            };
            (start, entry)
        })
        .collect();
    entries.sort_by_key(|(s, _)| *s);
    Table {
        entries: entries.into_iter().map(|(_, e)| e).collect(),
    }
}

fn convert(v: &Spanned<DeValue<'_>>, src: &Source<'_>, diags: &mut Vec<Diagnostic>) -> Node {
    let loc = src.loc(v.span().start);
    let kind = match v.get_ref() {
        DeValue::String(s) => Kind::Str(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Kind::Int(n),
            Err(_) => {
                diags.push(Diagnostic::error(
                    Some(loc.clone()),
                    None,
                    format!(
                        "integer {} is out of range (TOML integers are 64-bit); write it as a float, e.g. 1e20",
                        i.as_str()
                    ),
                ));
                Kind::Invalid
            }
        },
        DeValue::Float(f) => match f.as_str().replace('_', "").parse::<f64>() {
            Ok(x) => Kind::Float(x),
            Err(_) => {
                diags.push(Diagnostic::error(
                    Some(loc.clone()),
                    None,
                    format!("'{}' is not a number", f.as_str()),
                ));
                Kind::Invalid
            }
        },
        DeValue::Boolean(b) => Kind::Bool(*b),
        DeValue::Datetime(_) => Kind::Datetime,
        DeValue::Array(a) => Kind::Array(a.iter().map(|x| convert(x, src, diags)).collect()),
        DeValue::Table(t) => Kind::Table(convert_table(t, src, diags)),
    };
    Node { kind, loc }
}

/// The distribution families of MODEL.md, "Values": a table with one of these keys is a value,
/// not a structural table.
pub(crate) const FAMILIES: [&str; 8] = [
    "fixed",
    "uniform",
    "normal",
    "lognormal",
    "triangular",
    "pert",
    "beta",
    "discrete",
];

/// True when a table is a distribution written as a table (`{ pert = [...] }`).
pub(crate) fn is_value_table(t: &Table) -> bool {
    t.entries.iter().any(|e| FAMILIES.contains(&e.key.as_str()))
}

/// Tables that `extends` merges key by key (MODEL.md, Rules: facility, workload, systems.KEY,
/// the price map, and the other top-level tables); everything else is replaced whole.
fn merges_recursively(path: &[&str], base: &Table, over: &Table) -> bool {
    match path {
        [t] => matches!(
            *t,
            "facility" | "procurement" | "workload" | "simulation" | "systems"
        ),
        ["systems", _] => true,
        ["procurement", "price_usd_per_gpu_hour"] => !is_value_table(base) && !is_value_table(over),
        _ => false,
    }
}

/// Lay `over` on top of `base` (the child of an `extends` over its parent).
pub(crate) fn merge(base: &mut Table, over: Table, path: &mut Vec<String>) {
    for entry in over.entries {
        let Some(existing) = base.get_mut(&entry.key) else {
            base.entries.push(entry);
            continue;
        };
        path.push(entry.key.clone());
        let path_refs: Vec<&str> = path.iter().map(String::as_str).collect();
        match (&mut existing.value.kind, entry.value.kind) {
            (Kind::Table(b), Kind::Table(o)) if merges_recursively(&path_refs, b, &o) => {
                merge(b, o, path);
            }
            (_, kind) => {
                existing.value = Node {
                    kind,
                    loc: entry.value.loc,
                };
                existing.key_loc = entry.key_loc;
            }
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        let src = Source::new("f.toml", "a = 1\nbé = 2\n");
        let l = src.loc(10);
        assert_eq!((l.line, l.column), (2, 4));
        assert_eq!(src.loc(0).column, 1);
        assert_eq!(src.loc(999).line, 3);
    }

    #[test]
    fn columns_of_a_long_line_are_counted_in_characters() {
        // Marks every 256 bytes fall inside two-byte characters too.
        let text = format!("x\n{}= 1", "é".repeat(1000));
        let src = Source::new("f.toml", &text);
        for (byte, _) in text.char_indices() {
            let l = src.loc(byte);
            let want = if byte < 2 {
                (1, byte + 1)
            } else {
                (2, text[2..byte].chars().count() + 1)
            };
            assert_eq!((l.line, l.column), want, "byte {byte}");
        }
    }

    #[test]
    fn merge_recurses_into_facility_and_replaces_arrays() {
        let base_text = "[facility]\npue = 1.2\nit_overhead = 0.1\n[[fleet]]\nname = \"a\"\n";
        let over_text = "[facility]\npue = 1.3\n[[fleet]]\nname = \"b\"\n";
        let (mut base, d1) = parse_document(&Source::new("base", base_text));
        let (over, d2) = parse_document(&Source::new("over", over_text));
        assert!(d1.is_empty() && d2.is_empty());
        merge(&mut base, over, &mut Vec::new());
        let Some(Entry {
            value: Node {
                kind: Kind::Table(f),
                ..
            },
            ..
        }) = base.get("facility")
        else {
            panic!("facility")
        };
        assert!(matches!(f.get("pue").map(|e| &e.value.kind), Some(Kind::Float(x)) if *x == 1.3));
        assert_eq!(
            f.get("pue")
                .map(|e| e.value.loc.file.to_string())
                .as_deref(),
            Some("over")
        );
        assert!(f.get("it_overhead").is_some());
        let Some(Entry {
            value: Node {
                kind: Kind::Array(a),
                ..
            },
            ..
        }) = base.get("fleet")
        else {
            panic!("fleet")
        };
        assert_eq!(a.len(), 1);
        assert_eq!(&*a[0].loc.file, "over");
    }
}
