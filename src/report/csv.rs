//! CSV output. Every CSV the program writes — `--format csv` of each command, `sweep.csv` and
//! `--samples-out` — goes through this module, so all of them share one dialect: comma
//! separated, `\n` line ends, a cell quoted only when it holds a comma, a quote or a line break
//! (quotes doubled). Cells are built with [`safe_cell`] for text and [`number`] for numbers.

use std::io::{self, Write};

/// Writes CSV records to any [`Write`] (a file for `--samples-out`).
pub struct CsvWriter<W: Write> {
    inner: ::csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    pub fn new(out: W) -> Self {
        CsvWriter {
            inner: ::csv::Writer::from_writer(out),
        }
    }

    /// Write one record. Every record of a file has as many cells as the first.
    pub fn record<I, T>(&mut self, cells: I) -> io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.inner.write_record(cells).map_err(io::Error::from)
    }

    /// Write out what is buffered.
    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    /// Flush, and give back the writer.
    pub fn into_inner(self) -> io::Result<W> {
        self.inner
            .into_inner()
            .map_err(|e| io::Error::other(e.error().to_string()))
    }
}

/// A CSV document built in memory, for a report's `--format csv` or a file written whole.
pub struct CsvText {
    writer: CsvWriter<Vec<u8>>,
}

impl Default for CsvText {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvText {
    pub fn new() -> Self {
        CsvText {
            writer: CsvWriter::new(Vec::new()),
        }
    }

    /// Append one record (see [`CsvWriter::record`]). Writing to memory cannot fail.
    pub fn record<I, T>(&mut self, cells: I)
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let _ = self.writer.record(cells);
    }

    /// The document. Cells are `str`, so the bytes are UTF-8.
    pub fn finish(self) -> String {
        let bytes = self.writer.inner.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

/// A text cell (a name, a unit, a path, a scenario's name): one that a spreadsheet would
/// evaluate as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a CR) is neutralised by a
/// leading single quote; a number stays as it is; control characters are written as escapes
/// (`\u{1b}`), so that the file can be shown on a terminal.
pub fn safe_cell(s: &str) -> String {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let s = crate::report::text::printable(s);
    if risky && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.into_owned()
    }
}

/// A number cell: the shortest text that reads back as the same `f64` (`0.1`, `12623040`), in
/// scientific notation from 1e15 up and below 1e-5 (`4.5442944000000005e25`, `2.5e-7`), and an
/// empty cell for an undefined value (NaN). Spreadsheets and pandas read every such cell as a
/// floating-point number; a 26-digit integer, as `{x}` would write 4.5e25, does not fit a
/// 64-bit integer, and pandas reads a column of them as text.
pub fn number(x: f64) -> String {
    let a = x.abs();
    if x.is_nan() {
        String::new()
    } else if a.is_finite() && a != 0.0 && !(1e-5..1e15).contains(&a) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_look_like_formulas_are_neutralised() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("+1+2"), "'+1+2");
        assert_eq!(safe_cell("-3.5"), "-3.5");
        assert_eq!(safe_cell("cost_usd"), "cost_usd");
    }

    #[test]
    fn numbers_are_exact_and_undefined_is_empty() {
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(12_623_040.0), "12623040");
        assert_eq!(number(-0.0870712195421463), "-0.0870712195421463");
        assert_eq!(number(f64::NAN), "");
        assert_eq!(number(f64::INFINITY), "inf");
        // Large and tiny values in scientific notation, still the same f64 when read back.
        assert_eq!(
            number(45_442_944_000_000_005_000_000_000.0),
            "4.5442944000000005e25"
        );
        assert_eq!(number(-2.5e-7), "-2.5e-7");
        assert_eq!(number(1e15), "1e15");
        assert_eq!(number(999_999_999_999_999.0), "999999999999999");
        assert_eq!(number(123_456_789_012_345.0), "123456789012345");
        assert_eq!(number(0.00001), "0.00001");
        for x in [
            1.234_567_890_123_456_7e28,
            6.02e23,
            1e-300,
            f64::MAX,
            f64::MIN_POSITIVE,
        ] {
            assert_eq!(number(x).parse::<f64>().unwrap(), x);
            assert_eq!(number(-x).parse::<f64>().unwrap(), -x);
        }
    }

    #[test]
    fn cells_are_quoted_only_when_needed() {
        let mut t = CsvText::new();
        t.record(["a", "b,c", "say \"hi\"", "two\nlines", ""]);
        t.record(["1", "", "", "", ""]);
        assert_eq!(
            t.finish(),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\n1,,,,\n"
        );
    }

    #[test]
    fn a_file_writer_writes_the_same_bytes() {
        let mut w = CsvWriter::new(Vec::new());
        w.record(["x", "y,z"]).expect("record");
        w.flush().expect("flush");
        let bytes = w.inner.into_inner().expect("bytes");
        assert_eq!(bytes, b"x,\"y,z\"\n");
    }
}
