//! `gwsim sensitivity` end to end: the files it writes, JSON on stdout, exit statuses and messages.

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

use crate::common::{data, tmp};

#[test]
fn headline_end_to_end_writes_json_markdown_and_the_tornado() {
    let out = tmp("headline");
    let o = cargo_bin_cmd!("gwsim")
        .args([
            "sensitivity",
            "--samples",
            "4000",
            "--sobol-samples",
            "1024",
            "--bootstrap",
            "100",
            "--format",
            "json",
            "--quiet",
            "--out",
            out.to_str().expect("utf8"),
        ])
        .output()
        .expect("runs");
    assert!(
        o.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["metric"], "cost_per_mtok_usd");
    assert_eq!(v["samples"], 4000);
    let w = v["warnings"].to_string();
    assert!(w.contains("independent inputs"), "{w}");
    assert!(
        w.contains("procurement.price_usd_per_gpu_hour.gb200-nvl72"),
        "{w}"
    );
    for f in [
        "sensitivity-cost_per_mtok_usd.json",
        "sensitivity-cost_per_mtok_usd.md",
        "tornado_cost_per_mtok_usd.svg",
        "tornado_cost_per_mtok_usd.png",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    let file: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join("sensitivity-cost_per_mtok_usd.json")).expect("read"),
    )
    .expect("JSON file");
    assert_eq!(file, v);
}

#[test]
fn table_and_markdown_name_every_column() {
    let out = tmp("table");
    let f = data("small-cloud.toml");
    let common = [
        "sensitivity",
        f.to_str().expect("utf8"),
        "--metric",
        "gpus_per_gw",
        "--samples",
        "2000",
        "--sobol-samples",
        "256",
        "--bootstrap",
        "50",
        "--no-charts",
        "--quiet",
        "--out",
        out.to_str().expect("utf8"),
    ];
    cargo_bin_cmd!("gwsim")
        .args(common)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("facility.pue")
                .and(predicate::str::contains("S1 [95% CI]"))
                .and(predicate::str::contains("rho"))
                .and(predicate::str::contains("warning:")),
        );
    cargo_bin_cmd!("gwsim")
        .args(common)
        .args(["--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::contains("| `facility.pue` |"));
    assert!(!out.join("tornado_gpus_per_gw.png").exists());
}

#[test]
fn an_unknown_metric_exits_1_with_a_suggestion() {
    cargo_bin_cmd!("gwsim")
        .args(["sensitivity", "--metric", "cost_per_mtoks", "--quiet"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean 'cost_per_mtok_usd'"));
}

#[test]
fn a_metric_the_scenario_lacks_exits_1_and_says_why() {
    let f = data("minimal.toml");
    cargo_bin_cmd!("gwsim")
        .args([
            "sensitivity",
            f.to_str().expect("utf8"),
            "--metric",
            "npv_usd",
            "--quiet",
        ])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("no metric 'npv_usd'")
                .and(predicate::str::contains("workload.price_usd_per_mtok")),
        );
}

#[test]
fn bad_sample_counts_exit_1() {
    for args in [
        &["--sobol-samples", "1"][..],
        &["--sobol-samples", "2e6"][..],
        &["--samples", "1"][..],
        &["--threads", "0"][..],
    ] {
        cargo_bin_cmd!("gwsim")
            .arg("sensitivity")
            .args(args)
            .arg("--quiet")
            .assert()
            .code(1);
    }
}

#[test]
fn help_has_examples() {
    cargo_bin_cmd!("gwsim")
        .args(["sensitivity", "--help"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Examples:")
                .and(predicate::str::contains("--sobol-samples"))
                .and(predicate::str::contains("independent")),
        );
}
