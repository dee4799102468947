//! Words and numbers for people: metric and series names as phrases, tick labels that stay
//! short (`$1.2B`, `410k`, `1.3 GW`, `12%`), built on [`crate::report::format`].

use crate::report::format;

/// A metric's name as a phrase: `cost_per_mtok_usd` → `Cost per million tokens`.
pub fn metric_label(name: &str) -> String {
    let s = match name {
        "gpus" => "GPUs",
        "facility_mw" => "Facility power",
        "gpus_per_gw" => "GPUs per GW",
        "pflops_fp8" => "Dense FP8 compute",
        "gpu_hours" => "GPU-hours over the term",
        "tokens" => "Tokens over the term",
        "tokens_per_day_peak" => "Tokens per day at full build-out",
        "train_flop" => "Training compute",
        "cost_usd" => "Total cost",
        "cost_npv_usd" => "Total cost, discounted",
        "cost_per_gpu_hour_usd" => "Cost per GPU-hour",
        "cost_per_mtok_usd" => "Cost per million tokens",
        "cost_per_mw_year_usd" => "Cost per MW-year",
        "commitment_gpu_hours" => "GPU-hours the commitment buys",
        "commitment_avg_gw" => "Average GW the commitment keeps running",
        "commitment_coverage" => "Cost over commitment",
        "investment_usd" => "Investment",
        "net_commitment_usd" => "Commitment net of investment",
        "circularity" => "Circularity (investment / commitment)",
        "revenue_usd" => "Revenue",
        "margin" => "Margin",
        "npv_usd" => "NPV",
        "output_tokens_per_gpu_s" => "Output tokens per second per GPU while serving",
        "input_tokens" => "Input tokens over the term",
        "cost_per_total_mtok_usd" => "Cost per million total (input + output) tokens",
        "revenue_per_mtok_usd" => "Revenue per million output tokens",
        "shortfall_usd" => "Take-or-pay shortfall",
        "hardware_capex_usd" => "Hardware capex",
        "capex_usd" => "Capex (hardware and datacenter)",
        "capex_per_gw_usd" => "Capex per GW",
        "cost_hardware_usd" => "Cost: hardware",
        "cost_datacenter_usd" => "Cost: datacenter",
        "cost_power_usd" => "Cost: power",
        "cost_maintenance_usd" => "Cost: maintenance",
        "peak_funding_usd" => "Peak funding need",
        other => return sentence_case(other),
    };
    s.to_string()
}

/// A yearly series' name as a phrase.
pub fn series_label(name: &str) -> String {
    let s = match name {
        "gpus_installed" => "GPUs installed, year average",
        "facility_mw" => "Facility power, year average",
        "tokens" => "Tokens per year",
        "cost_usd" => "Cost per year",
        "revenue_usd" => "Revenue per year",
        "cumulative_cash_usd" => "Cumulative cash",
        "funding_usd" => "Cash, capital as installed",
        "cash_cost_usd" => "Cash outlay per year",
        "investment_usd" => "Investments received per year",
        "output_tokens_per_gpu_s" => "Output tokens per second per GPU",
        "revenue_per_mtok_usd" => "Revenue per million output tokens",
        other => return sentence_case(other),
    };
    s.to_string()
}

/// A probability's name as a phrase.
pub fn probability_label(name: &str) -> String {
    let s = match name {
        "fits_power_envelope" => "Fleet fits the facility's power envelope",
        "npv_positive" => "NPV is positive",
        "cost_per_mtok_below_price" => "Cost per million tokens is below the price",
        "commitment_used" => "The take-or-pay commitment is used in full",
        "commitment_covers_fleet" => "The commitment pays for GPUs beyond the other tranches",
        "revenue_at_ceiling" => "Revenue reaches its ceiling in some year",
        other => return sentence_case(other),
    };
    s.to_string()
}

fn sentence_case(name: &str) -> String {
    let s = name.replace('_', " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

/// The unit as an axis shows it, matching [`tick`]: power in GW once the axis reaches
/// 1000 MW, ratios in %, `GPUs (year average)` → `GPUs`.
pub fn axis_unit(unit: &str, span: f64) -> &str {
    match unit {
        "MW" | "MW (year average)" if span.abs() >= 1000.0 => "GW",
        "MW (year average)" => "MW",
        "GPUs (year average)" => "GPUs",
        "ratio" => "%",
        u => u,
    }
}

/// An axis description: `Facility power (GW)`.
/// The unit is left out when the label already says it (`GPUs`, `Tokens per year`).
pub fn axis_desc(label: &str, unit: &str, span: f64) -> String {
    let u = axis_unit(unit, span);
    if u.is_empty() || label.to_lowercase().contains(&u.to_lowercase()) {
        label.to_string()
    } else {
        format!("{label} ({u})")
    }
}

/// A short tick label: `$1.2B`, `$3.40`, `410k`, `1.3 GW`, `12%`, `1.2e28`.
/// `span` is the axis range's largest absolute value: power switches to GW for the whole
/// axis when it reaches 1000 MW, so one axis never mixes MW and GW.
pub fn tick(x: f64, unit: &str, span: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let x = if x.abs() < span.abs() * 1e-9 { 0.0 } else { x };
    match unit {
        u if u == "USD" || u.starts_with("USD per") => {
            // Cents only on an axis that spans less than $100.
            let s = format::money(x);
            if span.abs() < 100.0 { s } else { trim(&s) }
        }
        "MW" | "MW (year average)" => {
            if span.abs() >= 1000.0 {
                format!("{} GW", trim(&format::sig3(x / 1000.0)))
            } else {
                format!("{} MW", trim(&format::sig3(x)))
            }
        }
        "GW" => format!("{} GW", trim(&format::sig3(x))),
        "ratio" => format!("{}%", trim(&format::sig3(x * 100.0))),
        "FLOP" => format::sci(x),
        // One suffix for the whole axis, chosen by its span (as power is GW or MW throughout):
        // 0.5P, 1P, 1.5P rather than 500T, 1P, 1.5P.
        _ => match format::si_scale(span.abs()) {
            Some((div, suffix)) if x != 0.0 => format!("{}{suffix}", trim(&format::sig3(x / div))),
            Some(_) => "0".into(),
            None => trim(&format::si(x)),
        },
    }
}

/// `25000.4` → `25,000`.
pub fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 && digits != "0" {
        format!("-{out}")
    } else {
        out
    }
}

/// A value with its unit, for annotations: `$3.45`, `1.30 GW`, `413k GPUs`; for "USD per …"
/// units only the money part (the axis names the rest).
pub fn value(x: f64, unit: &str) -> String {
    if unit.starts_with("USD per") {
        format::money(x)
    } else {
        format::with_unit(x, unit)
    }
}

/// Drop trailing zeros of a decimal mantissa with a suffix: `$1.20B` → `$1.2B`, `410k` stays,
/// `2.00` → `2`.
fn trim(s: &str) -> String {
    let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    if !num.contains('.') {
        return s.to_string();
    }
    let num = num.trim_end_matches('0').trim_end_matches('.');
    format!("{num}{suffix}")
}

/// `text` cut to `max` characters with an ellipsis ([`crate::report::text::elide`]).
pub fn truncate(text: &str, max: usize) -> String {
    crate::report::text::elide(text, max).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_short_and_readable() {
        assert_eq!(tick(1.2e9, "USD", 2e9), "$1.2B");
        assert_eq!(tick(3.4, "USD per million tokens", 5.0), "$3.40");
        assert_eq!(tick(410_000.0, "GPUs", 5e5), "410k");
        assert_eq!(tick(1300.0, "MW", 1500.0), "1.3 GW");
        assert_eq!(tick(800.0, "MW", 1500.0), "0.8 GW");
        assert_eq!(tick(800.0, "MW", 900.0), "800 MW");
        assert_eq!(tick(0.12, "ratio", 1.0), "12%");
        assert_eq!(tick(-4.5e8, "USD", 1e9), "-$450M");
        assert_eq!(tick(1e-12, "USD", 1e9), "$0");
        assert_eq!(tick(12.5, "USD per GPU-hour", 150.0), "$12.5");
        assert_eq!(tick(2.0e6, "tokens", 1e7), "2M");
        assert_eq!(tick(2.5e16, "tokens", 3e16), "25P");
        assert_eq!(tick(2.5e14, "tokens", 3e16), "0.25P");
        assert_eq!(tick(2.5e14, "tokens", 3e14), "250T");
        assert_eq!(tick(5e3, "tokens", 3e4), "5k");
        assert_eq!(tick(5e3, "tokens", 9e3), "5000");
        assert_eq!(tick(5e15, "tokens", 3e16), "5P");
        assert_eq!(tick(0.0, "tokens", 3e16), "0");
    }

    #[test]
    fn labels() {
        assert_eq!(metric_label("cost_per_mtok_usd"), "Cost per million tokens");
        assert_eq!(metric_label("new_metric"), "New metric");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(axis_desc("GPUs", "GPUs", 1e5), "GPUs");
        assert_eq!(
            axis_desc("Tokens per year", "tokens", 1e16),
            "Tokens per year"
        );
        assert_eq!(
            axis_desc("Facility power, year average", "MW (year average)", 1300.0),
            "Facility power, year average (GW)"
        );
        assert_eq!(axis_desc("Cost", "USD", 1e9), "Cost (USD)");
    }
}
