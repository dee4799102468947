//! `gwsim sweep`: a hand-checked sweep, the JSON and CSV shapes, and the messages for a bad
//! range, path or metric.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

use crate::common::{data, tmp};

/// `gwsim sweep minimal.toml …` with the GB200's rack power fixed at 132 kW.
fn sweep(extra: &[&str], out: &Path) -> std::process::Output {
    let f = data("minimal.toml");
    let mut args = vec![
        "sweep",
        f.to_str().expect("utf8"),
        "--set",
        "systems.gb200-nvl72.it_kw=132",
        "--samples",
        "200",
        "--quiet",
        "--out",
        out.to_str().expect("utf8"),
    ];
    args.extend_from_slice(extra);
    cargo_bin_cmd!("gwsim").args(&args).output().expect("runs")
}

#[test]
fn gpus_per_gw_follows_the_formula_at_every_pue() {
    let out = tmp("pue");
    let o = sweep(
        &[
            "--set-range",
            "facility.pue=1.1:1.5:5",
            "--metric",
            "gpus_per_gw",
            "--format",
            "json",
        ],
        &out,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    // serde_json sorts the keys of a parsed object; the printed order is the struct's.
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["metric", "path", "points"]);
    let text = String::from_utf8_lossy(&o.stdout);
    let at = |k: &str| text.find(&format!("\"{k}\"")).expect("key");
    assert!(at("path") < at("metric") && at("metric") < at("points"));
    assert_eq!(v["path"], "facility.pue");
    assert_eq!(v["metric"], "gpus_per_gw");
    let points = v["points"].as_array().expect("points");
    assert_eq!(points.len(), 5);
    for (i, p) in points.iter().enumerate() {
        let keys: Vec<&str> = p
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["mean", "p5", "p50", "p95", "value"]);
        let pue = p["value"].as_f64().expect("value");
        assert!((pue - (1.1 + 0.1 * i as f64)).abs() < 1e-12, "{pue}");
        // MODEL.md step 1: facility kW per GPU = it_kw / gpus × (1 + it_overhead) × pue.
        let expected = 1e6 / (132.0 / 72.0 * 1.1 * pue);
        for f in ["p5", "p50", "p95", "mean"] {
            let got = p[f].as_f64().expect("number");
            assert!(
                (got - expected).abs() <= 1e-9 * expected,
                "pue {pue}: {f} = {got}, expected {expected}"
            );
        }
    }
    // The files: JSON, CSV and the band chart.
    assert!(out.join("sweep.json").exists());
    assert!(out.join("sweep.csv").exists());
    assert!(out.join("sweep_gpus_per_gw.svg").exists());
    assert!(out.join("sweep_gpus_per_gw.png").exists());
}

#[test]
fn an_uncertain_metric_gets_a_band_and_csv_has_its_header() {
    let out = tmp("band");
    let f = data("small-cloud.toml");
    let o = cargo_bin_cmd!("gwsim")
        .args([
            "sweep",
            f.to_str().expect("utf8"),
            "--set-range",
            "workload.utilization=0.4:0.8:3",
            "--metric",
            "cost_per_mtok_usd",
            "--samples",
            "2000",
            "--format",
            "csv",
            "--no-charts",
            "--quiet",
            "--out",
            out.to_str().expect("utf8"),
        ])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).expect("utf8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "value,p5,p50,p95,mean");
    assert_eq!(lines.len(), 4);
    let rows: Vec<Vec<f64>> = lines[1..]
        .iter()
        .map(|l| l.split(',').map(|c| c.parse().expect("number")).collect())
        .collect();
    for (r, v) in rows.iter().zip([0.4, 0.6, 0.8]) {
        assert!((r[0] - v).abs() < 1e-12, "{r:?}");
    }
    for r in &rows {
        assert!(r[1] < r[2] && r[2] < r[3], "p5 < p50 < p95: {r:?}");
    }
    // Busier GPUs make tokens cheaper at every percentile (the same random numbers throughout).
    for w in rows.windows(2) {
        for c in 1..5 {
            assert!(w[1][c] < w[0][c], "{w:?}");
        }
    }
    assert!(
        !out.join("sweep_cost_per_mtok_usd.svg").exists(),
        "--no-charts"
    );
}

#[test]
fn bad_ranges_paths_and_metrics_are_user_errors() {
    let out = tmp("errors");
    let cases: [(&str, &str, &str); 6] = [
        ("facility.pue=1.1:1.5", "gpus_per_gw", "not 3"),
        ("facility.pue=1.1:1.5:1", "gpus_per_gw", "at least 2 points"),
        ("facility.pue=1.5:1.1:3", "gpus_per_gw", "must be below HI"),
        ("facility.pue=x:1.5:3", "gpus_per_gw", "LO 'x'"),
        (
            "facility.peu=1.1:1.5:3",
            "gpus_per_gw",
            "did you mean 'pue'",
        ),
        (
            "facility.pue=1.1:1.5:3",
            "gpus_per_gwh",
            "did you mean 'gpus_per_gw'",
        ),
    ];
    for (range, metric, msg) in cases {
        let o = sweep(&["--set-range", range, "--metric", metric], &out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{range} {metric}: {err}");
        assert!(err.contains(msg), "{range} {metric}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // A bad path is reported at --set-range, not at a --set the user did not write.
    let o = sweep(
        &["--set-range", "facility.peu=1.1:1.5:3", "--metric", "gpus"],
        &out,
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("--set-range:1:"));
    // A value outside the field's domain names the path.
    let o = sweep(
        &["--set-range", "facility.pue=0.5:1.5:3", "--metric", "gpus"],
        &out,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("facility.pue"));
    // A correlated value is swept with its correlations left out, and a warning says so.
    let f = data("small-cloud.toml");
    let o = cargo_bin_cmd!("gwsim")
        .args([
            "sweep",
            f.to_str().expect("utf8"),
            "--set-range",
            "procurement.price_usd_per_gpu_hour.gb200-nvl72=2:6:3",
            "--metric",
            "cost_usd",
            "--samples",
            "2000",
            "--out",
        ])
        .arg(out.join("correlated"))
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("procurement.price_usd_per_gpu_hour.gb200-nvl72")
            && err.contains("left out of the run"),
        "{err}"
    );
    // A metric the scenario lacks.
    let o = sweep(
        &[
            "--set-range",
            "facility.pue=1.1:1.5:3",
            "--metric",
            "npv_usd",
        ],
        &out,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not computed"));
}

#[test]
fn help_shows_examples() {
    for cmd in ["sweep", "compare"] {
        cargo_bin_cmd!("gwsim")
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(
                predicate::str::contains("Examples:")
                    .and(predicate::str::contains(format!("gwsim {cmd} "))),
            );
    }
}

/// `gwsim sweep minimal.toml` (rack power fixed) over PUE 1.2, 1.4 × IT overhead 0, 0.1, 0.2.
const GRID: [&str; 6] = [
    "--set-range",
    "facility.pue=1.2:1.4:2",
    "--set-range",
    "facility.it_overhead=0:0.2:3",
    "--metric",
    "gpus_per_gw",
];

#[test]
fn a_two_way_sweep_is_a_grid_that_follows_the_formula() {
    let out = tmp("grid");
    let mut args = GRID.to_vec();
    args.extend(["--format", "json"]);
    let o = sweep(&args, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(
        v["paths"],
        serde_json::json!(["facility.pue", "facility.it_overhead"])
    );
    assert_eq!(v["metric"], "gpus_per_gw");
    let points = v["points"].as_array().expect("points");
    assert_eq!(points.len(), 6);
    // Row by row: the first path's value outer.
    let expected_values = [
        (1.2, 0.0),
        (1.2, 0.1),
        (1.2, 0.2),
        (1.4, 0.0),
        (1.4, 0.1),
        (1.4, 0.2),
    ];
    for (p, (pue, oh)) in points.iter().zip(expected_values) {
        let vals: Vec<f64> = p["values"]
            .as_array()
            .expect("values")
            .iter()
            .map(|x| x.as_f64().expect("number"))
            .collect();
        assert!(
            (vals[0] - pue).abs() < 1e-12 && (vals[1] - oh).abs() < 1e-12,
            "{vals:?}"
        );
        // docs/model.md: facility kW per GPU = it_kw / gpus × (1 + it_overhead) × pue.
        let expected = 1e6 / (132.0 / 72.0 * (1.0 + oh) * pue);
        for f in ["p5", "p50", "p95", "mean"] {
            let got = p[f].as_f64().expect("number");
            assert!(
                (got - expected).abs() <= 1e-9 * expected,
                "pue {pue}, overhead {oh}: {f} = {got}, expected {expected}"
            );
        }
    }
    // By hand: PUE 1.4, overhead 0.2 → 1e6 / (132/72 × 1.2 × 1.4) = 324,675.3…
    let last = points[5]["p50"].as_f64().expect("p50");
    assert!((last - 324_675.324_675).abs() < 1e-3, "{last}");
    // The files: JSON, long CSV, and the heatmap as valid SVG and PNG.
    let csv = std::fs::read_to_string(out.join("sweep.csv")).expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "facility.pue,facility.it_overhead,p5,p50,p95,mean"
    );
    assert_eq!(lines.len(), 7);
    assert!(lines[2].starts_with("1.2,0.1,"), "{}", lines[2]);
    let svg = std::fs::read_to_string(out.join("sweep_heatmap_gpus_per_gw.svg")).expect("svg");
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    // Each cell's value is printed in it.
    assert!(svg.contains("325k"), "the 1.4 × 0.2 cell's value");
    let png = std::fs::read(out.join("sweep_heatmap_gpus_per_gw.png")).expect("png");
    assert!(png.len() > 1000);
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(out.join("sweep.json").exists());
}

#[test]
fn a_grid_point_is_the_run_with_both_values_set() {
    // An uncertain metric: common random numbers make the grid's point the same as a run with
    // both values set by --set, to the last digit.
    let out = tmp("grid-crn");
    let f = data("small-cloud.toml");
    let o = cargo_bin_cmd!("gwsim")
        .args([
            "sweep",
            f.to_str().expect("utf8"),
            "--set-range",
            "workload.utilization=0.4:0.8:3",
            "--set-range",
            "facility.pue=1.1:1.3:2",
            "--metric",
            "cost_per_mtok_usd",
            "--samples",
            "3000",
            "--seed",
            "11",
            "--format",
            "json",
            "--no-charts",
            "--quiet",
            "--out",
        ])
        .arg(&*out)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let point = v["points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|p| p["values"] == serde_json::json!([0.6, 1.3]))
        .expect("the point (0.6, 1.3)")
        .clone();
    let run = crate::common::run_json(&[
        "run",
        f.to_str().expect("utf8"),
        "--set",
        "workload.utilization=0.6",
        "--set",
        "facility.pue=1.3",
        "--samples",
        "3000",
        "--seed",
        "11",
        "--format",
        "json",
        "--no-charts",
        "--quiet",
        "--out",
        out.join("run").to_str().expect("utf8"),
    ]);
    let m = &run["metrics"]["cost_per_mtok_usd"];
    assert!(m.is_object(), "{run}");
    for f in ["p5", "p50", "p95", "mean"] {
        assert_eq!(point[f], m[f], "{f}: sweep {} vs run {}", point[f], m[f]);
    }
    // The points differ (the metric is uncertain and moves with both values).
    assert!(point["p5"].as_f64() < point["p95"].as_f64());
}

#[test]
fn a_grid_table_shows_the_p50_p5_and_p95_matrices() {
    let out = tmp("grid-table");
    let o = sweep(&GRID, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).expect("utf8");
    assert!(
        text.contains("as facility.pue (rows) and facility.it_overhead (columns) move"),
        "{text}"
    );
    // Cells compared with their spacing squeezed to one space.
    let squeezed: String = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n");
    let header = "facility.pue \\ facility.it_overhead 0 0.1 0.2";
    assert_eq!(squeezed.matches(header).count(), 3, "{text}");
    let p50 = text.find("\np50\n").expect("p50");
    let p5 = text.find("\np5\n").expect("p5");
    let p95 = text.find("\np95\n").expect("p95");
    assert!(p50 < p5 && p5 < p95);
    // Row 1.4: 1e6 / (132/72 × {1, 1.1, 1.2} × 1.4) = 390k, 354k, 325k.
    assert!(squeezed.contains("\n1.4 390k 354k 325k\n"), "{text}");
    let md = sweep(&[&GRID[..], &["--format", "markdown"]].concat(), &out);
    let md = String::from_utf8(md.stdout).expect("utf8");
    assert!(md.contains("## p50") && md.contains("| 1.4 |"), "{md}");
}

#[test]
fn three_ranges_or_one_value_twice_are_user_errors() {
    let out = tmp("grid-errors");
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "--set-range",
                "facility.pue=1.1:1.5:3",
                "--set-range",
                "facility.it_overhead=0:0.2:3",
                "--set-range",
                "workload.utilization=0.3:0.9:3",
            ],
            "3 --set-range given",
        ),
        (
            &[
                "--set-range",
                "facility.pue=1.1:1.5:3",
                "--set-range",
                "facility.pue=1.2:1.3:2",
            ],
            "moves the same value as --set-range facility.pue",
        ),
        (
            &[
                "--set-range",
                "facility.pue=1.1:1.5:40",
                "--set-range",
                "facility.it_overhead=0:0.2:30",
            ],
            "40 × 30 grid has 1200 points",
        ),
        // A bad second path is reported at the second --set-range.
        (
            &[
                "--set-range",
                "facility.pue=1.1:1.5:3",
                "--set-range",
                "facility.it_overhed=0:0.2:3",
            ],
            "--set-range:2:",
        ),
    ];
    for (ranges, msg) in cases {
        let mut args = ranges.to_vec();
        args.extend(["--metric", "gpus_per_gw"]);
        let o = sweep(&args, &out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{ranges:?}: {err}");
        assert!(err.contains(msg), "{ranges:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(!out.join("sweep.json").exists(), "nothing ran");
    // The work limit counts every point of the grid: 30 × 30 points × 1.2e7 samples > 1e10.
    let f = data("minimal.toml");
    let o = cargo_bin_cmd!("gwsim")
        .args([
            "sweep",
            f.to_str().expect("utf8"),
            "--set-range",
            "facility.pue=1.1:1.5:30",
            "--set-range",
            "facility.it_overhead=0:0.2:30",
            "--metric",
            "gpus_per_gw",
            "--samples",
            "1.2e7",
            "--out",
        ])
        .arg(out.join("work"))
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("30 × 30 = 900 points × ") && err.contains("--force"),
        "{err}"
    );
}

#[test]
fn one_way_labels_keep_distinct_values_apart() {
    let out = tmp("labels");
    let o = sweep(
        &[
            "--set-range",
            "fleet.gb200-nvl72.online=2026:2027:5",
            "--metric",
            "gpus_per_gw",
        ],
        &out,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let text = String::from_utf8(o.stdout).expect("utf8");
    for label in ["2026 ", "2026.25 ", "2026.5 ", "2026.75 ", "2027 "] {
        assert!(text.contains(&format!("\n  {label}")), "{label}: {text}");
    }
}
