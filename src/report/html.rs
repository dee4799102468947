//! `report.html`: one self-contained file that opens offline and can be mailed. The headline
//! answers come first, then the charts (inline SVG), every metric, the probabilities, every
//! input with its distribution and source, the rank correlations, and how the run was made
//! (seed, samples, sampler, version, scenario hash). No script, no stylesheet or image fetched
//! from anywhere.
//!
//! The page is rendered from the template `report.html.j2` (embedded in the binary) with
//! minijinja's HTML auto-escaping: every string that comes from a scenario is escaped by the
//! template. The only markup inserted as is are the charts' SVG, which the program draws itself,
//! escaping every text in it, and whose tags are checked (`is_plain_svg`).

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, HtmlEscape, UndefinedBehavior, context};

use crate::model::Metric;
use crate::report::chart::labels;
use crate::report::{Report, format};

/// The page's template.
const TEMPLATE: &str = include_str!("report.html.j2");

/// One sentence per metric that answers the deal's questions (the headline ones; capex per GW,
/// peak funding, take-or-pay shortfall and token prices where the scenario has them):
/// `Cost per million tokens: $3.45 (90% interval $2.10–$4.90)`.
pub fn headline_sentences(report: &Report) -> Vec<String> {
    report
        .metrics
        .iter()
        .filter(|(name, _)| Metric::from_name(name).is_some_and(|m| m.is_answer()))
        .map(|(name, m)| {
            let s = &m.summary;
            let unit = report.display_unit(name, m.unit);
            format!(
                "{}: {} (90% interval {})",
                labels::metric_label(name),
                format::with_unit(s.p50, unit),
                interval(labels::value(s.p5, unit), labels::value(s.p95, unit))
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
/// SVG); anything that is not an `<svg>` element, or whose markup carries a script, is left
/// out.
pub fn render_html(report: &Report, charts_svg: &[(String, String)]) -> String {
    match render(report, charts_svg) {
        // The template escapes markup; control characters from the scenario are written as
        // escapes too, so that the page shows them and a terminal that prints it is safe.
        Ok(html) => crate::report::text::terminal(&html).into_owned(),
        // The template is fixed and tested; if it ever failed, the page says so.
        Err(e) => format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>gwsim report</title>\n</head>\n<body>\n\
             <p>The report page could not be rendered: {}</p>\n</body>\n</html>\n",
            HtmlEscape(&e.to_string())
        ),
    }
}

fn render(report: &Report, charts_svg: &[(String, String)]) -> Result<String, minijinja::Error> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()?,
    );
    env.add_template("report.html", TEMPLATE)?;
    env.get_template("report.html")?
        .render(page(report, charts_svg))
}

/// The template's data: the report's numbers formatted as the tables show them, the scenario's
/// text as it is (the template escapes it), and the charts' SVG marked safe.
fn page(report: &Report, charts_svg: &[(String, String)]) -> Value {
    let answers: Vec<String> = headline_sentences(report);
    let probabilities: Vec<Value> = report
        .probabilities
        .iter()
        .map(|(n, p)| {
            context! {
                label => labels::probability_label(n),
                name => *n,
                percent => format::sig3(p * 100.0),
            }
        })
        .collect();
    let precision = report.precision.as_ref().map(|p| {
        context! {
            target => format::sig3(p.target * 100.0),
            met => p.converged,
        }
    });
    let charts: Vec<Value> = charts_svg
        .iter()
        .filter(|(_, svg)| is_plain_svg(svg))
        .map(|(title, svg)| {
            context! {
                svg => Value::from_safe_string(with_view_box(svg)),
                title => title.as_str(),
            }
        })
        .collect();
    let mut ordered: Vec<_> = report.metrics.iter().collect();
    ordered.sort_by_key(|(n, _)| !super::is_headline(n));
    let metrics: Vec<Value> = ordered
        .into_iter()
        .map(|(n, m)| {
            let s = &m.summary;
            let unit = report.display_unit(n, m.unit);
            let v = |x: f64| format::bare(x, m.unit);
            let values = vec![v(s.p5), v(s.p25), v(s.p50), v(s.p75), v(s.p95), v(s.mean)];
            // Shown on wide pages only.
            let extra = vec![v(s.sd), v(s.se), v(s.min), v(s.max)];
            context! {
                headline => super::is_headline(n),
                label => labels::metric_label(n),
                name => *n,
                unit => format::unit_column(unit),
                values,
                extra,
            }
        })
        .collect();
    let years = &report.series.years;
    let series: Vec<Value> = if years.is_empty() {
        Vec::new()
    } else {
        report
            .series
            .bands
            .iter()
            .map(|(n, unit, b)| {
                let get = |v: &Vec<f64>, k: usize| v.get(k).copied().unwrap_or(f64::NAN);
                let cells: Vec<Value> = (0..years.len())
                    .map(|k| {
                        context! {
                            p50 => format::bare(get(&b.p50, k), unit),
                            p5 => format::bare(get(&b.p5, k), unit),
                            p95 => format::bare(get(&b.p95, k), unit),
                        }
                    })
                    .collect();
                context! {
                    label => labels::series_label(n),
                    unit => format::unit_column(unit),
                    cells,
                }
            })
            .collect()
    };
    let inputs: Vec<Value> = report
        .inputs
        .iter()
        .map(|i| {
            context! {
                path => i.path.as_str(),
                dist => i.dist.as_str(),
                p5 => format::sig3(i.p5),
                p50 => format::sig3(i.p50),
                p95 => format::sig3(i.p95),
                source => i.source.as_deref().unwrap_or("—"),
            }
        })
        .collect();
    let correlations: Vec<Value> = report
        .correlations
        .iter()
        .map(|c| {
            context! {
                a => c.between[0].as_str(),
                b => c.between[1].as_str(),
                target => format!("{:.2}", c.target),
                achieved => format!("{:.3}", c.achieved),
            }
        })
        .collect();
    let about = &report.about;
    let key_assumptions: Vec<Value> = about
        .key_assumptions
        .iter()
        .map(|k| {
            context! {
                path => k.path.as_str(),
                value => k.value.as_str(),
                source => k.source.as_deref().unwrap_or("—"),
            }
        })
        .collect();
    context! {
        about => context! {
            description => about.description.as_deref(),
            term => about.term.as_str(),
            contract => about.contract.as_str(),
            key_assumptions,
        },
        scenario => report.scenario.as_str(),
        answers,
        probabilities,
        precision,
        charts,
        metrics,
        years => years.iter().map(|y| y.to_string()).collect::<Vec<_>>(),
        series,
        inputs,
        correlations,
        run => context! {
            file => report.file.as_str(),
            sha256 => report.scenario_sha256.as_str(),
            samples => report.samples.to_string(),
            seed => report.seed.to_string(),
            sampler => report.sampler,
            version => report.version,
        },
    }
}

/// An SVG we are willing to inline: one `<svg …>…</svg>` element with nothing active in its
/// markup (no script or foreign object, no event handler, no `javascript:` link). Only the
/// tags are looked at: the text between them is escaped (by plotters for markup, by
/// [`crate::report::chart`] for control characters), so every `<` opens a tag, and words of a
/// scenario's name (`JavaScript:`, `onload =`) are only words.
fn is_plain_svg(svg: &str) -> bool {
    let t = svg.trim();
    t.starts_with("<svg")
        && t.ends_with("</svg>")
        && t.split('<').skip(1).all(|rest| {
            let tag = rest.split('>').next().unwrap_or("").to_ascii_lowercase();
            let name = tag
                .trim_start_matches('/')
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or("");
            name != "script"
                && name != "foreignobject"
                && !tag.contains("javascript:")
                && !has_event_attribute(&tag)
        })
}

/// Whether a tag carries an `on…=` event handler attribute.
fn has_event_attribute(tag: &str) -> bool {
    tag.match_indices(char::is_whitespace).any(|(i, _)| {
        let rest = &tag[i + 1..];
        rest.starts_with("on") && {
            let name_len = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
            name_len > 2 && rest[name_len..].trim_start().starts_with('=')
        }
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
