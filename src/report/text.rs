//! Text from a scenario file, made safe to show: control characters written as escapes, so a
//! name, a source or a key can neither drive a terminal (colours, cursor moves, a changed
//! window title) nor break a table or an XML document; long cells cut short in tables; and
//! padding that never asks `format!` for a width it cannot give (widths are limited to 16 bits).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Longest cell a text table shows in full; longer text is cut with an ellipsis.
pub const MAX_CELL_CHARS: usize = 100;

/// Characters that must not reach a reader raw: C0 and C1 controls, DEL, and the invisible
/// marks that reorder or hide text (bidirectional overrides and isolates).
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

fn escape(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_hidden(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_hidden(c) && !keep(c) {
            let _ = write!(out, "{}", c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One line of text: every control character (a newline too) written as its escape, `\u{1b}`.
pub fn printable(s: &str) -> Cow<'_, str> {
    escape(s, |_| false)
}

/// A whole message or document for a terminal: as [`printable`], but line breaks and tabs are
/// kept.
pub fn terminal(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\n' || c == '\t')
}

/// At most `max` characters: longer text keeps its first `max − 1` and ends with `…`.
pub fn elide(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some(_) => {
            let keep = max.saturating_sub(1);
            let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
            Cow::Owned(format!("{}…", &s[..end]))
        }
    }
}

/// A table cell: printable, then cut to [`MAX_CELL_CHARS`].
pub fn cell(s: &str) -> String {
    elide(&printable(s), MAX_CELL_CHARS).into_owned()
}

/// Append `s` to `out`, padded with spaces to `width` characters, on the right (`left` aligned)
/// or on the left.
pub fn pad(out: &mut String, s: &str, width: usize, left: bool) {
    let fill = width.saturating_sub(s.chars().count());
    if !left {
        out.extend(std::iter::repeat_n(' ', fill));
    }
    out.push_str(s);
    if left {
        out.extend(std::iter::repeat_n(' ', fill));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(printable("x\ny\u{7f}"), "x\\u{a}y\\u{7f}");
        assert_eq!(printable("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(terminal("a\n\tb\u{9b}c\r"), "a\n\tb\\u{9b}c\\u{d}");
        assert!(matches!(printable("Anthropic × NVIDIA"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_cells_are_cut_and_padding_has_no_limit() {
        assert_eq!(elide("abcdef", 4), "abc…");
        assert_eq!(elide("abcd", 4), "abcd");
        assert_eq!(elide("ééééé", 3), "éé…");
        assert_eq!(cell(&"x".repeat(70_000)).chars().count(), MAX_CELL_CHARS);
        let mut s = String::new();
        pad(&mut s, "ab", 70_000, true);
        assert_eq!(s.len(), 70_000);
        let mut s = String::new();
        pad(&mut s, "ab", 4, false);
        assert_eq!(s, "  ab");
    }
}
