//! Charts and report.html from a hand-built `Report`: files exist, are valid SVG and PNG and
//! not trivial; scenario text is escaped; a bad chart is a warning, not a panic.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use gwsim::report::chart::{
    self, Chart, Overlay, Tornado, TornadoBar, labels, render_run_charts, write_chart,
};
use gwsim::report::html::render_html;
use gwsim::report::{
    CorrelationSummary, Distribution, InputSummary, MetricSummary, PrecisionSummary, QUANTILE_GRID,
    Report, SeriesBands, SeriesReport,
};
use gwsim::stats::Summary;

/// Roughly a standard normal quantile (a scaled logistic), enough for test pictures.
fn z(p: f64) -> f64 {
    let p = p.clamp(0.0005, 0.9995);
    (p / (1.0 - p)).ln() * 0.5513
}

fn grid(f: impl Fn(f64) -> f64) -> Vec<f64> {
    (0..=QUANTILE_GRID)
        .map(|i| f(z(i as f64 / QUANTILE_GRID as f64)))
        .collect()
}

fn summary_of(q: &[f64]) -> Summary {
    let at = |p: f64| q[(p * QUANTILE_GRID as f64).round() as usize];
    let mean = q.iter().sum::<f64>() / q.len() as f64;
    Summary {
        mean,
        sd: (at(0.84) - at(0.16)) / 2.0,
        se: (at(0.84) - at(0.16)) / 200.0,
        min: q[0],
        p5: at(0.05),
        p25: at(0.25),
        p50: at(0.5),
        p75: at(0.75),
        p95: at(0.95),
        max: q[QUANTILE_GRID],
    }
}

/// A plausible 1 GW deal: ten years, build-out over three.
fn report(name: &str) -> Report {
    let metrics: Vec<(&'static str, &'static str, bool, Vec<f64>)> = vec![
        ("gpus", "GPUs", true, grid(|z| 410_000.0 + 18_000.0 * z)),
        ("facility_mw", "MW", true, grid(|z| 1_300.0 + 70.0 * z)),
        (
            "gpus_per_gw",
            "GPUs per GW",
            true,
            grid(|z| 315_000.0 + 12_000.0 * z),
        ),
        ("cost_usd", "USD", true, grid(|z| 6.0e10 * (0.18 * z).exp())),
        (
            "cost_per_gpu_hour_usd",
            "USD per GPU-hour",
            true,
            grid(|z| 2.4 * (0.15 * z).exp()),
        ),
        (
            "cost_per_mtok_usd",
            "USD per million tokens",
            true,
            grid(|z| 0.35 * (0.35 * z).exp()),
        ),
        ("commitment_avg_gw", "GW", true, grid(|z| 0.93 + 0.08 * z)),
        ("npv_usd", "USD", true, grid(|z| -1.5e9 + 4.0e9 * z)),
        ("margin", "ratio", false, grid(|z| 0.22 + 0.1 * z)),
    ];
    let years: Vec<i32> = (2026..2036).collect();
    let ramp = |k: usize| (k as f64 / 2.5).min(1.0);
    let band = |f: &dyn Fn(usize, f64) -> f64| SeriesBands {
        p5: (0..years.len()).map(|k| f(k, -1.645)).collect(),
        p25: (0..years.len()).map(|k| f(k, -0.674)).collect(),
        p50: (0..years.len()).map(|k| f(k, 0.0)).collect(),
        p75: (0..years.len()).map(|k| f(k, 0.674)).collect(),
        p95: (0..years.len()).map(|k| f(k, 1.645)).collect(),
    };
    let bands = vec![
        (
            "gpus_installed",
            "GPUs (year average)",
            band(&|k, z| ramp(k) * (410_000.0 + 18_000.0 * z)),
        ),
        (
            "facility_mw",
            "MW (year average)",
            band(&|k, z| ramp(k) * (1_300.0 + 70.0 * z)),
        ),
        (
            "tokens",
            "tokens",
            band(&|k, z| ramp(k) * 1.6e16 * (1.0 + 0.02 * k as f64) * (0.3 * z).exp()),
        ),
        (
            "cost_usd",
            "USD",
            band(&|k, z| (1.0 + 5.0 * ramp(k)) * 1.0e9 * (0.15 * z).exp()),
        ),
        (
            "revenue_usd",
            "USD",
            band(&|k, z| ramp(k) * 7.5e9 * (0.2 * z).exp()),
        ),
        (
            "cumulative_cash_usd",
            "USD",
            band(&|k, z| -8.0e9 + 1.6e9 * k as f64 + (0.5 + 0.35 * k as f64) * 1.0e9 * z),
        ),
    ];
    Report {
        about: Default::default(),
        undefined_samples: Vec::new(),
        scenario: name.to_string(),
        file: format!("scenarios/{name}.toml"),
        scenario_sha256: "0f".repeat(32),
        version: gwsim::report::VERSION,
        samples: 100_000,
        seed: 42,
        sampler: "lhs",
        metrics: metrics
            .iter()
            .map(|(n, u, _, q)| {
                (
                    *n,
                    MetricSummary {
                        unit: u,
                        summary: summary_of(q),
                        defined_share: None,
                    },
                )
            })
            .collect(),
        probabilities: vec![("fits_power_envelope", 0.83), ("npv_positive", 0.36)],
        series: SeriesReport { years, bands },
        inputs: vec![InputSummary {
            path: "facility.pue".into(),
            dist: "triangular(1.1, 1.2, 1.4)".into(),
            source: Some(format!("{name} datasheet")),
            mean: 1.23,
            min: 1.1,
            max: 1.4,
            p5: 1.14,
            p50: 1.22,
            p95: 1.33,
            note: None,
        }],
        correlations: vec![CorrelationSummary {
            between: ["facility.pue".into(), "power.price_usd_per_mwh".into()],
            target: 0.3,
            achieved: 0.297,
        }],
        precision: None,
        distributions: metrics
            .into_iter()
            .map(|(metric, unit, charted, quantiles)| Distribution {
                metric,
                unit,
                charted,
                quantiles,
            })
            .collect(),
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gwsim-charts-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    d
}

fn assert_svg(path: &Path, must_contain: &str) {
    let s = fs::read_to_string(path).expect("read svg");
    let t = s.trim();
    assert!(
        t.starts_with("<svg"),
        "{}: starts with {:?}",
        path.display(),
        &t[..t.len().min(40)]
    );
    assert!(t.ends_with("</svg>"), "{}", path.display());
    assert!(
        s.contains(must_contain),
        "{} lacks {must_contain:?}",
        path.display()
    );
    assert!(s.contains("<text"), "{} has no text", path.display());
}

/// PNG magic, IHDR dimensions, and a size that rules out a blank picture.
fn assert_png(path: &Path) {
    let b = fs::read(path).expect("read png");
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display());
    assert_eq!(&b[12..16], b"IHDR");
    let w = u32::from_be_bytes([b[16], b[17], b[18], b[19]]);
    let h = u32::from_be_bytes([b[20], b[21], b[22], b[23]]);
    assert_eq!((w, h), chart::style::SIZE);
    assert!(
        b.len() > 15_000,
        "{}: only {} bytes",
        path.display(),
        b.len()
    );
}

fn distinct_colours(rgb: &[u8]) -> usize {
    rgb.chunks_exact(3)
        .map(|p| (p[0], p[1], p[2]))
        .collect::<HashSet<_>>()
        .len()
}

#[test]
fn run_charts_are_written_as_valid_svg_and_png() {
    let dir = temp_dir("run");
    let r = report("Anthropic–Azure–NVIDIA 1 GW");
    let out = render_run_charts(&r, &dir);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let headline = r.distributions.iter().filter(|d| d.charted).count();
    let fans: Vec<&str> = chart::FAN_SERIES
        .into_iter()
        .filter(|s| r.series.bands.iter().any(|(n, _, _)| n == s))
        .collect();
    assert_eq!(fans.len(), 5);
    assert_eq!(out.written.len(), 2 * (headline + 5), "{:?}", out.written);
    assert_eq!(out.svgs.len(), headline + 5);
    for d in r.distributions.iter().filter(|d| d.charted) {
        assert_svg(
            &dir.join(format!("hist_{}.svg", d.metric)),
            "Anthropic–Azure–NVIDIA 1 GW",
        );
        assert_png(&dir.join(format!("hist_{}.png", d.metric)));
    }
    assert!(
        !dir.join("hist_margin.svg").exists(),
        "margin is not a headline metric"
    );
    for s in fans {
        assert_svg(&dir.join(format!("fan_{s}.svg")), &labels::series_label(s));
        assert_png(&dir.join(format!("fan_{s}.png")));
    }
    assert!(!dir.join("fan_revenue_usd.svg").exists());
    // Readable numbers on the axes and in the annotations.
    let hist = fs::read_to_string(dir.join("hist_cost_usd.svg")).expect("svg");
    assert!(
        hist.contains("$60B") || hist.contains("$60.0B"),
        "cost axis lacks $…B"
    );
    let fan = fs::read_to_string(dir.join("fan_facility_mw.svg")).expect("svg");
    assert!(
        fan.contains(" GW\n</text>") || fan.contains(" GW</text>"),
        "power axis lacks GW ticks"
    );
    // No temporary files left behind.
    let names = crate::common::file_names(&dir);
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn every_chart_kind_draws_pixels_not_a_blank_page() {
    let r = report("pixels");
    let d = r
        .distributions
        .iter()
        .find(|d| d.metric == "cost_per_mtok_usd")
        .expect("metric");
    let hist = Chart::Histogram(chart::histogram_of(&r, d).expect("hist"));
    let (_, unit, bands) = &r.series.bands[5];
    let fan = Chart::Fan(chart::fan_of(&r, "cumulative_cash_usd", unit, bands).expect("fan"));
    for c in [hist, fan, tornado(), overlay()] {
        let rgb = c.to_rgb().expect("draws");
        let n = distinct_colours(&rgb);
        assert!(n > 20, "{}: {n} colours", c.title());
        // Mostly white background, but a real share of ink.
        let white = rgb
            .chunks_exact(3)
            .filter(|p| p == &[255, 255, 255])
            .count();
        let total = rgb.len() / 3;
        assert!(
            white < total * 97 / 100,
            "{}: {white} of {total} white",
            c.title()
        );
    }
}

fn tornado() -> Chart {
    Chart::Tornado(Tornado {
        title: "demo: cost per million tokens, one input at a time".into(),
        subtitle:
            "each bar: the output with one input at its p5 and p95, the others at their medians"
                .into(),
        x_desc: "Cost per million tokens".into(),
        unit: "USD per million tokens".into(),
        base: 0.35,
        bars: vec![
            TornadoBar {
                label: "facility.pue".into(),
                low: 0.33,
                high: 0.38,
            },
            TornadoBar {
                label: "fleet.gb200.price_usd".into(),
                low: 0.28,
                high: 0.45,
            },
            TornadoBar {
                label: "workload.tokens_per_gpu_second".into(),
                low: 0.52,
                high: 0.24,
            },
            TornadoBar {
                label: "power.price_usd_per_mwh".into(),
                low: 0.34,
                high: 0.36,
            },
        ],
        low_label: "input at p5".into(),
        high_label: "input at p95".into(),
    })
}

fn overlay() -> Chart {
    Chart::Overlay(Overlay {
        title: "compare: cost per million tokens".into(),
        subtitle: "three scenarios, 100000 samples each".into(),
        x_desc: "Cost per million tokens".into(),
        unit: "USD per million tokens".into(),
        series: vec![
            (
                "anthropic-azure-nvidia-1gw".into(),
                grid(|z| 0.35 * (0.3 * z).exp()),
            ),
            ("openai-aws-38b".into(), grid(|z| 0.5 * (0.2 * z).exp())),
            ("self-build".into(), grid(|z| 0.28 * (0.4 * z).exp())),
        ],
    })
}

#[test]
fn tornado_sorts_by_swing_and_writes_files() {
    let dir = temp_dir("tornado");
    let c = tornado();
    let out = write_chart(&c, &dir, "tornado_cost_per_mtok_usd");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_svg(
        &dir.join("tornado_cost_per_mtok_usd.svg"),
        "fleet.gb200.price_usd",
    );
    assert_png(&dir.join("tornado_cost_per_mtok_usd.png"));
    // Widest swing (tokens per GPU-second, 0.28) drawn first, i.e. nearest the top.
    let svg = &out.svgs[0].1;
    let y_of = |label: &str| {
        let i = svg
            .find(&format!(">\n{label}\n</text>"))
            .or_else(|| svg.find(label))
            .expect(label);
        let tag = &svg[svg[..i].rfind("<text").expect("text tag")..i];
        let y = tag
            .split("y=\"")
            .nth(1)
            .expect("y")
            .split('"')
            .next()
            .expect("y");
        y.parse::<f64>().expect("number")
    };
    assert!(y_of("workload.tokens_per_gpu_second") < y_of("fleet.gb200.price_usd"));
    assert!(y_of("fleet.gb200.price_usd") < y_of("facility.pue"));
    assert!(y_of("facility.pue") < y_of("power.price_usd_per_mwh"));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn overlay_draws_one_colour_per_distribution() {
    let dir = temp_dir("overlay");
    let out = write_chart(&overlay(), &dir, "overlay_cost_per_mtok_usd");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_png(&dir.join("overlay_cost_per_mtok_usd.png"));
    let svg = &out.svgs[0].1;
    for (name, colour) in [
        ("openai-aws-38b", "#D55E00"),
        ("self-build", "#009E73"),
        ("anthropic", "#0072B2"),
    ] {
        assert!(svg.contains(name), "legend lacks {name}");
        assert!(svg.to_uppercase().contains(colour), "no {colour} stroke");
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn bad_data_and_unwritable_folders_are_warnings_not_panics() {
    let dir = temp_dir("bad");
    let mut r = report("bad");
    r.distributions[0].quantiles = vec![f64::NAN; QUANTILE_GRID + 1];
    r.distributions[1].quantiles.clear();
    r.series.bands[0].2.p50.pop();
    r.series.bands[2].2.p95[3] = f64::INFINITY;
    let out = render_run_charts(&r, &dir);
    let joined = out.warnings.join("\n");
    assert!(joined.contains("hist_gpus"), "{joined}");
    assert!(joined.contains("hist_facility_mw"), "{joined}");
    assert!(joined.contains("fan_gpus_installed"), "{joined}");
    assert!(joined.contains("fan_tokens"), "{joined}");
    assert_eq!(out.warnings.len(), 4, "{joined}");
    assert!(
        dir.join("hist_cost_usd.png").exists(),
        "the other charts go on"
    );
    assert!(!dir.join("hist_gpus.svg").exists());

    // Degenerate but valid: every sample the same value draws a single bar.
    let mut r = report("constant");
    r.distributions[0].quantiles = vec![400_000.0; QUANTILE_GRID + 1];
    let out = render_run_charts(&r, &dir);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);

    // Empty tornado and overlay: warnings.
    let empty = Chart::Tornado(Tornado {
        title: "t".into(),
        subtitle: String::new(),
        x_desc: String::new(),
        unit: "USD".into(),
        base: 1.0,
        bars: vec![],
        low_label: "low".into(),
        high_label: "high".into(),
    });
    assert_eq!(write_chart(&empty, &dir, "tornado_empty").warnings.len(), 1);

    // A folder that cannot be created (a file is in the way): every chart warns, none panics.
    let blocked = dir.join("blocked");
    fs::write(&blocked, b"not a folder").expect("write");
    let out = render_run_charts(&report("x"), &blocked.join("charts"));
    assert!(out.written.is_empty());
    assert_eq!(out.warnings.len(), 8 + 5, "{:?}", out.warnings);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn scenario_text_is_escaped_in_svg_and_html() {
    let dir = temp_dir("escape");
    let evil = "<script>alert(1)</script> & \"friends\"";
    let r = report(evil);
    let out = render_run_charts(&r, &dir);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    for (_, svg) in &out.svgs {
        assert!(!svg.contains("<script"), "plotters must escape text in SVG");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }
    let html = render_html(&r, &out.svgs);
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "script tag in report.html"
    );
    assert!(
        html.contains(
            "<h1>&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; &quot;friends&quot;</h1>"
        )
    );
    assert!(html.contains(
        "&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; &quot;friends&quot; datasheet"
    ));
    // An SVG that carries a script is not inlined.
    let bad = vec![(
        "x".to_string(),
        "<svg><script>alert(2)</script></svg>".to_string(),
    )];
    assert!(!render_html(&r, &bad).contains("alert(2)"));
    let bad = vec![(
        "x".to_string(),
        "<svg onload=\"alert(3)\"></svg>".to_string(),
    )];
    assert!(!render_html(&r, &bad).contains("alert(3)"));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn html_is_self_contained_and_answers_first() {
    let dir = temp_dir("html");
    let r = report("anthropic-azure-nvidia-1gw");
    let out = render_run_charts(&r, &dir);
    let html = render_html(&r, &out.svgs);
    let lower = html.to_ascii_lowercase();
    for bad in [
        "http://", "https://", "<script", "<link", "<img", "@import", "url(",
    ] {
        assert!(!lower.contains(bad), "report.html contains {bad}");
    }
    let xmlns_only = html.matches("http://www.w3.org/2000/svg").count();
    assert_eq!(xmlns_only, 0, "xmlns is not needed inline");
    let answers = html
        .find("Cost per million tokens: $0.35 per million tokens (90% interval $")
        .expect("headline sentence");
    let first_chart = html.find("<svg").expect("inline svg");
    let table = html.find("<h2>Metrics</h2>").expect("metric table");
    let inputs = html.find("Inputs</h2>").expect("inputs");
    assert!(answers < first_chart && first_chart < table && table < inputs);
    assert!(html.contains("90% interval"));
    assert!(
        html.contains("GPUs: 410k GPUs (90% interval 381k–439k GPUs)"),
        "compact interval"
    );
    assert!(html.contains("viewBox=\"0 0 1100 650\""));
    for needle in [
        "triangular(1.1, 1.2, 1.4)",
        "facility.pue",
        &"0f".repeat(32),
        "lhs",
        gwsim::report::VERSION,
        ">42<",
        "100000",
    ] {
        assert!(html.contains(needle), "report.html lacks {needle}");
    }
    assert!(
        html.contains("power.price_usd_per_mwh"),
        "rank correlations"
    );
    assert!(html.contains("NPV is positive"));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn html_says_whether_the_precision_was_met_and_skips_what_the_run_lacks() {
    let mut r = report("precision");
    r.precision = Some(PrecisionSummary {
        target: 0.005,
        converged: false,
    });
    let html = render_html(&r, &[]);
    assert!(
        html.contains(
            "<p>Precision target ±0.500% on headline means: <strong>not met</strong> \
             (sample cap reached).</p>"
        ),
        "{html}"
    );
    assert!(!html.contains("<h2>Charts</h2>"));
    assert!(html.contains("<h2>Yearly medians (p5–p95)</h2>"));
    r.precision = Some(PrecisionSummary {
        target: 0.005,
        converged: true,
    });
    r.series.years.clear();
    r.correlations.clear();
    let html = render_html(&r, &[]);
    assert!(html.contains("on headline means: met.</p>"), "{html}");
    assert!(!html.contains("Yearly medians"));
    assert!(!html.contains("Rank correlations"));
    assert!(html.contains("<h2 id=\"inputs\">Inputs</h2>") && html.ends_with("</html>\n"));
}

/// Not a check: writes every chart kind of the fixture to `target/chart-demo/` for a person to
/// look at (and for `docs/img/`). `cargo test --test charts_render -- --ignored`
#[test]
#[ignore]
fn demo_charts_for_review() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("chart-demo");
    // Not a real run's numbers (the engine is not on this branch): say so in every title.
    let r = report("Illustrative data, not a gwsim run");
    let mut out = render_run_charts(&r, &dir);
    for (c, stem) in [(tornado(), "tornado_demo"), (overlay(), "overlay_demo")] {
        let o = write_chart(&c, &dir, stem);
        out.warnings.extend(o.warnings);
        out.svgs.extend(o.svgs);
    }
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    fs::write(dir.join("report.html"), render_html(&r, &out.svgs)).expect("html");
}
