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
    let _ = std::fs::remove_dir_all(&out);
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
    let _ = std::fs::remove_dir_all(&out);
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
    let _ = std::fs::remove_dir_all(&out);
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
