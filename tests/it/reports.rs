//! Snapshots of the reports as printed: `gwsim run` in every format, `gwsim compare` and
//! `gwsim sweep` in table and JSON, each on a small fixed-seed scenario. A change to a report,
//! down to the last digit of a number, fails here until its snapshot is reviewed and accepted
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test` and `git diff`).
//!
//! The binary runs from the crate's root with the scenario files given relative to it, so the
//! paths it prints are the same on every machine. Only the output folder, a temporary one, is
//! replaced (by `[out]`) before the comparison.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;

use crate::common::tmp;

const RUN: &[&str] = &[
    "run",
    "tests/data/small-cloud.toml",
    "--samples",
    "2000",
    "--seed",
    "7",
    "--no-charts",
];

const COMPARE: &[&str] = &[
    "compare",
    "tests/data/small-cloud.toml",
    "tests/data/small-cloud-pricier.toml",
    "--samples",
    "2000",
    "--seed",
    "7",
    "--no-charts",
];

const SWEEP: &[&str] = &[
    "sweep",
    "tests/data/small-cloud.toml",
    "--set-range",
    "workload.utilization=0.3:0.9:4",
    "--metric",
    "cost_per_mtok_usd",
    "--samples",
    "2000",
    "--seed",
    "7",
    "--no-charts",
];

/// Run `gwsim ARGS --format FORMAT --quiet --out TMP` from the crate's root, assert success and
/// return its standard output with the output folder replaced by `[out]`.
fn report(args: &[&str], format: &str) -> String {
    let out = tmp(&format!("report-{}-{format}", args[0]));
    let o = cargo_bin_cmd!("gwsim")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .args(["--format", format, "--quiet", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        o.status.success(),
        "gwsim {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8(o.stdout).expect("UTF-8 output");
    let _ = std::fs::remove_dir_all(&out);
    redact_out(&text, &out)
}

fn redact_out(text: &str, out: &Path) -> String {
    text.replace(&out.display().to_string(), "[out]")
}

/// Assert the snapshot `name`, recording the command line in the snapshot's header.
fn snapshot(name: &str, args: &[&str], format: &str) {
    let text = report(args, format);
    insta::with_settings!({
        description => format!("gwsim {} --format {format}", args.join(" ")),
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn run_table() {
    snapshot("run_table", RUN, "table");
}

#[test]
fn run_markdown() {
    snapshot("run_markdown", RUN, "markdown");
}

#[test]
fn run_csv() {
    snapshot("run_csv", RUN, "csv");
}

#[test]
fn run_json() {
    snapshot("run_json", RUN, "json");
}

#[test]
fn compare_table() {
    snapshot("compare_table", COMPARE, "table");
}

#[test]
fn compare_json() {
    snapshot("compare_json", COMPARE, "json");
}

#[test]
fn sweep_table() {
    snapshot("sweep_table", SWEEP, "table");
}

#[test]
fn sweep_json() {
    snapshot("sweep_json", SWEEP, "json");
}
