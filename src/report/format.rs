//! Readable numbers for people: `$1.2B`, `413k`, `1.3 GW`, `$3.45`, `42%`.

/// Scale a number with k / M / B / T / P / E suffixes (10^3 … 10^18) and 3 significant digits;
/// scientific notation from 10^21 up.
pub fn si(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "n/a".into()
        } else {
            format!("{x}")
        };
    }
    if x.abs() >= 1e21 {
        return sci(x);
    }
    match si_scale(x.abs()) {
        Some((div, suffix)) => format!("{}{suffix}", sig3(x / div)),
        None => sig3(x),
    }
}

/// The divisor and suffix that [`si`] gives a magnitude `a`: `(1e3, "k")` from 10^4 (below, a
/// plain number), then M, B, T, P and E; `None` below 10^4 and from 10^21 (scientific) up.
pub fn si_scale(a: f64) -> Option<(f64, &'static str)> {
    const SCALES: [(f64, &str); 6] = [
        (1e18, "E"),
        (1e15, "P"),
        (1e12, "T"),
        (1e9, "B"),
        (1e6, "M"),
        (1e3, "k"),
    ];
    if !(1e4..1e21).contains(&a) {
        return None;
    }
    SCALES.iter().copied().find(|&(d, _)| a >= d)
}

/// Three significant digits, no trailing zeros beyond them.
pub fn sig3(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        return "0".into();
    }
    if a < 1e-3 {
        return sci(v);
    }
    let decimals = (2 - a.log10().floor() as i32).max(0) as usize;
    format!("{v:.decimals$}")
}

/// `v` with `digits` significant digits, trailing zeros dropped: `2027.5` at 5 → `2027.5`, at 4
/// → `2028`; `0.30` → `0.3`. Scientific below 1e-3 and from 1e15 on: `1.5e-5`.
pub fn sig(v: f64, digits: usize) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    if v == 0.0 {
        return "0".into();
    }
    let digits = digits.clamp(1, 17);
    let a = v.abs();
    let s = if !(1e-3..1e15).contains(&a) {
        let s = format!("{v:.p$e}", p = digits - 1);
        match s.split_once('e') {
            Some((m, e)) if m.contains('.') => {
                format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.'))
            }
            _ => s,
        }
    } else {
        let decimals = (digits as i32 - 1 - a.log10().floor() as i32).max(0) as usize;
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if s == "-0" { "0".into() } else { s }
}

/// Labels for increasing values (a sweep's points, an axis's ticks) with the fewest significant
/// digits that keep every two neighbours apart and put each label within 1% of the smallest
/// gap of its value (so 2026.25 is not shown as 2026.2 beside 2026.5): `2027, 2027.5, 2028`,
/// `0.3, 0.5, 0.7`, `1.1, 1.15, 1.2`, `0, 0.333, 0.667, 1`. Values equal to 17 digits keep
/// their 17-digit labels.
pub fn distinct(values: &[f64]) -> Vec<String> {
    let gap = values
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .filter(|g| *g > 0.0)
        .fold(f64::INFINITY, f64::min);
    let close = |label: &str, v: f64| {
        !gap.is_finite()
            || label
                .parse::<f64>()
                .is_ok_and(|x| (x - v).abs() <= gap * 0.01)
    };
    let mut labels = Vec::new();
    for digits in 1..=17 {
        labels = values.iter().map(|&v| sig(v, digits)).collect();
        if labels.windows(2).all(|w| w[0] != w[1])
            && labels.iter().zip(values).all(|(l, &v)| close(l, v))
        {
            break;
        }
    }
    labels
}

/// Scientific notation with 3 significant digits: `1.23e28`.
pub fn sci(x: f64) -> String {
    format!("{x:.2e}")
}

/// A value with its unit, in the most readable form for that unit.
pub fn with_unit(x: f64, unit: &str) -> String {
    if x.is_nan() {
        return "n/a".into();
    }
    match unit {
        "USD" => money(x),
        u if u.starts_with("USD per") => {
            let rest = &u[4..];
            format!("{} {rest}", money(x))
        }
        "MW" | "MW (year average)" => {
            if x.abs() >= 1000.0 {
                format!("{} GW", sig3(x / 1000.0))
            } else {
                format!("{} MW", sig3(x))
            }
        }
        "GW" => format!("{} GW", sig3(x)),
        "ratio" => format!("{}%", sig3(x * 100.0)),
        "FLOP" => format!("{} FLOP", sci(x)),
        u => format!("{} {u}", si(x)),
    }
}

/// A value without the words of its unit, for a table that names the unit in its own column:
/// `$30.0B`, `$5.13`, `749 MW`, `1.30 GW`, `37.5%`, `263k`.
pub fn bare(x: f64, unit: &str) -> String {
    if x.is_nan() {
        return "n/a".into();
    }
    match unit {
        u if u.starts_with("USD") => money(x),
        "MW" | "MW (year average)" | "GW" | "ratio" => with_unit(x, unit),
        "FLOP" if x == 0.0 => "0".into(),
        "FLOP" => sci(x),
        _ => si(x),
    }
}

/// The unit column beside [`bare`] values: empty where the value shows its unit itself.
pub fn unit_column(unit: &str) -> &str {
    match unit {
        "USD" | "MW" | "MW (year average)" | "GW" | "ratio" => "",
        u if u.starts_with("USD per ") => &u[4..],
        u => u,
    }
}

/// `$1.23B`, `-$450M`, `$3.45`.
pub fn money(x: f64) -> String {
    if x.is_nan() {
        return "n/a".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    if a < 0.1 && a > 0.0 {
        format!("{sign}${}", sig3(a))
    } else if a < 1e4 {
        format!(
            "{sign}${}",
            if a < 100.0 {
                format!("{a:.2}")
            } else {
                format!("{a:.0}")
            }
        )
    } else {
        format!("{sign}${}", si(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_numbers() {
        assert_eq!(si(413_223.0), "413k");
        assert_eq!(si(1_234_567.0), "1.23M");
        assert_eq!(si(9_999.0), "9999");
        assert_eq!(si(4.3e15), "4.30P");
        assert_eq!(si(1.74e16), "17.4P");
        assert_eq!(si(3.02e17), "302P");
        assert_eq!(si(2.5e18), "2.50E");
        assert_eq!(si(1.2e21), "1.20e21");
        assert_eq!(money(1.2e9), "$1.20B");
        assert_eq!(money(-4.5e8), "-$450M");
        assert_eq!(money(3.456), "$3.46");
        assert_eq!(money(0.6), "$0.60");
        assert_eq!(money(0.04253), "$0.0425");
        assert_eq!(money(0.0), "$0.00");
        assert_eq!(with_unit(1300.0, "MW"), "1.30 GW");
        assert_eq!(with_unit(999.96, "MW"), "1000 MW");
        assert_eq!(with_unit(2.5, "USD per GPU-hour"), "$2.50 per GPU-hour");
        assert_eq!(with_unit(0.1234, "ratio"), "12.3%");
        assert_eq!(with_unit(1.3e28, "FLOP"), "1.30e28 FLOP");
        assert_eq!(with_unit(413_223.0, "GPUs per GW"), "413k GPUs per GW");
        assert_eq!(bare(5.126, "USD per GPU-hour"), "$5.13");
        assert_eq!(unit_column("USD per GPU-hour"), "per GPU-hour");
        assert_eq!(bare(3.1e10, "USD"), "$31.0B");
        assert_eq!(unit_column("USD"), "");
        assert_eq!(bare(734.4, "output tokens per second per GPU"), "734");
        assert_eq!(unit_column("GPUs per GW"), "GPUs per GW");
        assert_eq!(bare(0.375, "ratio"), "37.5%");
        assert_eq!(bare(749.0, "MW"), "749 MW");
        assert_eq!(bare(f64::NAN, "USD"), "n/a");
        assert_eq!(with_unit(f64::NAN, "USD"), "n/a");
    }

    #[test]
    fn labels_keep_neighbours_apart_with_the_fewest_digits() {
        let d = |v: &[f64]| distinct(v);
        // The years of 2027:2029:5, which three significant digits showed as 2028 three times.
        assert_eq!(
            d(&[2027.0, 2027.5, 2028.0, 2028.5, 2029.0]),
            ["2027", "2027.5", "2028", "2028.5", "2029"]
        );
        assert_eq!(d(&[0.3, 0.5, 0.7, 0.9]), ["0.3", "0.5", "0.7", "0.9"]);
        assert_eq!(
            d(&[0.07, 0.14, 0.21, 0.28]),
            ["0.07", "0.14", "0.21", "0.28"]
        );
        assert_eq!(
            d(&[1.1, 1.15, 1.2, 1.25, 1.3]),
            ["1.1", "1.15", "1.2", "1.25", "1.3"]
        );
        assert_eq!(d(&[-1e-3, 2e3]), ["-0.001", "2000"]);
        assert_eq!(d(&[0.0, 1e-5, 2e-5]), ["0", "1e-5", "2e-5"]);
        assert_eq!(d(&[1e15, 1.5e15]), ["1e15", "1.5e15"]);
        assert_eq!(d(&[-0.5, 0.0, 0.5]), ["-0.5", "0", "0.5"]);
        assert_eq!(d(&[2.0, 3.0]), ["2", "3"]);
        // Each label close to its value, not only apart from its neighbours.
        assert_eq!(
            d(&[2026.0, 2026.25, 2026.5, 2026.75, 2027.0]),
            ["2026", "2026.25", "2026.5", "2026.75", "2027"]
        );
        assert_eq!(
            d(&[0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0]),
            ["0", "0.333", "0.667", "1"]
        );
        assert_eq!(d(&[7.0]), ["7"]);
        // Values apart only beyond 17 digits: no panic, full-precision labels.
        assert_eq!(d(&[1.0, 1.0]).len(), 2);
        assert!(d(&[]).is_empty());
        assert_eq!(sig(1234567.0, 2), "1234567");
        assert_eq!(sig(f64::NAN, 3), "NaN");
    }
}
