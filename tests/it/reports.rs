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

/// report.html opens with what the scenario is (description, term, contract) and its key
/// assumptions with their sources; its metric table names the unit once per row.
#[test]
fn report_page_says_what_the_scenario_is_and_keeps_units_in_their_column() {
    let out = tmp("report-page");
    // report.html is written with the charts.
    let mut args: Vec<&str> = RUN
        .iter()
        .copied()
        .filter(|a| *a != "--no-charts")
        .collect();
    let out_s = out.to_str().unwrap();
    args.extend(["--out", out_s, "--quiet"]);
    cargo_bin_cmd!("gwsim").args(&args).assert().success();
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    let at = |needle: &str| {
        page.find(needle)
            .unwrap_or_else(|| panic!("report.html lacks {needle:?}"))
    };
    // Description, term and contract come before the answers.
    assert!(at("Two tranches of catalog systems on a 100 MW envelope.") < at("<h2>Answers</h2>"));
    assert!(at("2026–2028 (3 years)") < at("<h2>Answers</h2>"));
    assert!(at("cloud (rented)") < at("<h2>Answers</h2>"));
    // Key assumptions: the commitment, a GPU-hour price and a fleet date, with their sources;
    // not a value of no consequence for the deal's size or price (the PUE).
    let key = &page[at("<h2>Key assumptions</h2>")..at("<h2>Answers</h2>")];
    for path in [
        "procurement.commitment_usd",
        "procurement.price_usd_per_gpu_hour.gb200-nvl72",
        "fleet.rubin.online",
        "discount_rate",
    ] {
        assert!(
            key.contains(&format!("<code>{path}</code>")),
            "{path} missing"
        );
    }
    assert!(key.contains("test fixture"));
    assert!(!key.contains("facility.pue"));
    // The row of the cost per GPU-hour: the unit in its column, bare dollars in the cells.
    let metrics = &page[at("<h2>Metrics</h2>")..];
    let row_start = metrics.find("<code>cost_per_gpu_hour_usd</code>").unwrap();
    let row = &metrics[row_start..row_start + metrics[row_start..].find("</tr>").unwrap()];
    assert!(row.contains("<td>per GPU-hour</td>"), "{row}");
    let cells: Vec<&str> = row.split("<td class=\"n").skip(1).collect();
    assert_eq!(cells.len(), 10, "{row}");
    for c in cells {
        assert!(c.contains(">$") && !c.contains("GPU-hour"), "{c}");
    }
}
