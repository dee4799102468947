//! `report.html`: one self-contained file that opens offline and can be mailed. The headline
//! answers come first, then the charts (inline SVG), every metric, the probabilities, every
//! input with its distribution and source, the rank correlations, and how the run was made
//! (seed, samples, sampler, version, scenario hash). No script, no stylesheet or image fetched
//! from anywhere. Every string that comes from a scenario is HTML-escaped.

use std::fmt::Write as _;

use crate::model::Metric;
use crate::report::chart::labels;
use crate::report::{Report, format};

const CSS: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1e1e1e;max-width:1180px;margin:2em auto;padding:0 1em;line-height:1.45}\
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}\
.meta{color:#666;font-size:.9em}.answers{font-size:1.1em;padding-left:1.2em}.answers li{margin:.3em 0}\
table{border-collapse:collapse;font-size:.9em;margin:.5em 0}th,td{border-bottom:1px solid #e4e4e4;padding:.3em .6em;text-align:left;vertical-align:top}\
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tr.h td:first-child{font-weight:600}\
figure{margin:1.5em 0}figure svg{max-width:100%;height:auto;border:1px solid #eee}figcaption{color:#666;font-size:.9em}\
code{font-size:.95em}";

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// One sentence per headline metric: `Cost per million tokens: $3.45 (90% interval $2.10–$4.90)`.
pub fn headline_sentences(report: &Report) -> Vec<String> {
    report
        .metrics
        .iter()
        .filter(|(name, _)| Metric::from_name(name).is_some_and(|m| m.is_headline()))
        .map(|(name, m)| {
            let s = &m.summary;
            format!(
                "{}: {} (90% interval {})",
                labels::metric_label(name),
                format::with_unit(s.p50, m.unit),
                interval(labels::value(s.p5, m.unit), labels::value(s.p95, m.unit))
            )
        })
        .collect()
}

/// `381k GPUs`, `439k GPUs` → `381k–439k GPUs`; `$0.20`, `$0.62` → `$0.20–$0.62`.
fn interval(lo: String, hi: String) -> String {
    match (lo.split_once(' '), hi.split_once(' ')) {
        (Some((a, ua)), Some((b, ub))) if ua == ub => format!("{a}–{b} {ua}"),
        _ => format!("{lo}–{hi}"),
    }
}

/// The report as one HTML page. `charts_svg` holds `(title, svg text)` pairs as produced by
/// [`crate::report::chart::render_run_charts`] (plotters escapes the text it writes into an
/// SVG); anything that is not an `<svg>` element, or that carries a script, is left out.
pub fn render_html(report: &Report, charts_svg: &[(String, String)]) -> String {
    let mut o = String::new();
    let name = escape(&report.scenario);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{name} · gwsim report</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
    );
    let _ = writeln!(o, "<h1>{name}</h1>");
    let _ = writeln!(
        o,
        "<p class=\"meta\">{} samples · seed {} · sampler {} · {}</p>",
        report.samples,
        report.seed,
        escape(report.sampler),
        escape(report.version)
    );

    let _ = writeln!(o, "<h2>Answers</h2>\n<ul class=\"answers\">");
    for s in headline_sentences(report) {
        let _ = writeln!(o, "<li>{}</li>", escape(&s));
    }
    for (n, p) in &report.probabilities {
        let _ = writeln!(
            o,
            "<li>{}: {}% of samples</li>",
            escape(&labels::probability_label(n)),
            format::sig3(p * 100.0)
        );
    }
    let _ = writeln!(o, "</ul>");
    if let Some(p) = &report.precision {
        let _ = writeln!(
            o,
            "<p>Precision target ±{}% on headline means: {}.</p>",
            format::sig3(p.target * 100.0),
            if p.converged {
                "met"
            } else {
                "<strong>not met</strong> (sample cap reached)"
            }
        );
    }

    let charts: Vec<&(String, String)> = charts_svg
        .iter()
        .filter(|(_, svg)| is_plain_svg(svg))
        .collect();
    if !charts.is_empty() {
        let _ = writeln!(o, "<h2>Charts</h2>");
        for (title, svg) in charts {
            let _ = writeln!(
                o,
                "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>",
                with_view_box(svg),
                escape(title)
            );
        }
    }

    let _ = writeln!(o, "<h2>Metrics</h2>");
    let _ = writeln!(
        o,
        "<table>\n<tr><th>metric</th><th>unit</th><th>p5</th><th>p25</th><th>p50</th><th>p75</th><th>p95</th><th>mean</th><th>sd</th><th>se</th><th>min</th><th>max</th></tr>"
    );
    let mut ordered: Vec<_> = report.metrics.iter().collect();
    ordered.sort_by_key(|(n, _)| !Metric::from_name(n).is_some_and(|m| m.is_headline()));
    for (n, m) in ordered {
        let s = &m.summary;
        let head = Metric::from_name(n).is_some_and(|m| m.is_headline());
        let v = |x: f64| escape(&format::with_unit(x, m.unit));
        let _ = writeln!(
            o,
            "<tr{}><td>{} <code>{}</code></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            if head { " class=\"h\"" } else { "" },
            escape(&labels::metric_label(n)),
            escape(n),
            escape(m.unit),
            v(s.p5),
            v(s.p25),
            v(s.p50),
            v(s.p75),
            v(s.p95),
            v(s.mean),
            escape(&format::sig3(s.sd)),
            escape(&format::sig3(s.se)),
            v(s.min),
            v(s.max)
        );
    }
    let _ = writeln!(o, "</table>");

    if !report.probabilities.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Probabilities</h2>\n<table>\n<tr><th>event</th><th>probability</th></tr>"
        );
        for (n, p) in &report.probabilities {
            let _ = writeln!(
                o,
                "<tr><td>{} <code>{}</code></td><td class=\"n\">{}%</td></tr>",
                escape(&labels::probability_label(n)),
                escape(n),
                format::sig3(p * 100.0)
            );
        }
        let _ = writeln!(o, "</table>");
    }

    if !report.series.years.is_empty() && !report.series.bands.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Yearly medians (p5–p95)</h2>\n<table>\n<tr><th>series</th>"
        );
        for y in &report.series.years {
            let _ = write!(o, "<th>{y}</th>");
        }
        let _ = writeln!(o, "</tr>");
        for (n, unit, b) in &report.series.bands {
            let _ = write!(o, "<tr><td>{}</td>", escape(&labels::series_label(n)));
            for k in 0..report.series.years.len() {
                let get = |v: &Vec<f64>| v.get(k).copied().unwrap_or(f64::NAN);
                let _ = write!(
                    o,
                    "<td class=\"n\">{}<br><small>{}–{}</small></td>",
                    escape(&format::with_unit(get(&b.p50), unit)),
                    escape(&labels::value(get(&b.p5), unit)),
                    escape(&labels::value(get(&b.p95), unit))
                );
            }
            let _ = writeln!(o, "</tr>");
        }
        let _ = writeln!(o, "</table>");
    }

    let _ = writeln!(
        o,
        "<h2>Inputs</h2>\n<table>\n<tr><th>path</th><th>distribution</th><th>p5</th><th>p50</th><th>p95</th><th>source</th></tr>"
    );
    for i in &report.inputs {
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            escape(&i.path),
            escape(&i.dist),
            format::sig3(i.p5),
            format::sig3(i.p50),
            format::sig3(i.p95),
            escape(i.source.as_deref().unwrap_or("—"))
        );
    }
    let _ = writeln!(o, "</table>");

    if !report.correlations.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Rank correlations</h2>\n<table>\n<tr><th>between</th><th>target</th><th>achieved</th></tr>"
        );
        for c in &report.correlations {
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code> ~ <code>{}</code></td><td class=\"n\">{:.2}</td><td class=\"n\">{:.3}</td></tr>",
                escape(&c.between[0]),
                escape(&c.between[1]),
                c.target,
                c.achieved
            );
        }
        let _ = writeln!(o, "</table>");
    }

    let _ = writeln!(o, "<h2>Run</h2>\n<table>");
    let rows = [
        ("scenario file", escape(&report.file)),
        (
            "scenario sha256",
            format!("<code>{}</code>", escape(&report.scenario_sha256)),
        ),
        ("samples", report.samples.to_string()),
        ("seed", report.seed.to_string()),
        ("sampler", escape(report.sampler)),
        ("version", escape(report.version)),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "<tr><th>{k}</th><td>{v}</td></tr>");
    }
    let _ = writeln!(o, "</table>\n</body>\n</html>");
    o
}

/// An SVG we are willing to inline: one `<svg …>…</svg>` element and nothing active in it.
fn is_plain_svg(svg: &str) -> bool {
    let t = svg.trim();
    let lower = t.to_ascii_lowercase();
    t.starts_with("<svg")
        && t.ends_with("</svg>")
        && !lower.contains("<script")
        && !lower.contains("<foreignobject")
        && !lower.contains("javascript:")
        && !has_event_attribute(&lower)
}

/// Whether an element carries an `on…=` event handler attribute.
fn has_event_attribute(lower: &str) -> bool {
    lower.match_indices(" on").any(|(i, _)| {
        let rest = &lower[i + 3..];
        let name_len = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
        name_len > 0 && rest[name_len..].trim_start().starts_with('=')
    })
}

/// Ready an SVG for inlining: give plotters' `<svg width="W" height="H" …>` a viewBox so CSS
/// can scale it, and drop the `xmlns` namespace URI (HTML does not need it; the page carries
/// no URL at all).
fn with_view_box(svg: &str) -> String {
    let stripped = svg
        .trim()
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    let t = stripped.as_str();
    if t.contains("viewBox") {
        return t.to_string();
    }
    let attr = |name: &str| -> Option<String> {
        let head = &t[..t.find('>')?];
        let start = head.find(&format!("{name}=\""))? + name.len() + 2;
        let len = head[start..].find('"')?;
        Some(head[start..start + len].to_string())
    };
    match (attr("width"), attr("height")) {
        (Some(w), Some(h)) if w.parse::<f64>().is_ok() && h.parse::<f64>().is_ok() => {
            t.replacen("<svg ", &format!("<svg viewBox=\"0 0 {w} {h}\" "), 1)
        }
        _ => t.to_string(),
    }
}
