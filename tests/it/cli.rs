//! The binary end to end: exit statuses, the JSON schema of MODEL.md, determinism across
//! thread counts, the files a run writes, and messages that name the place of a mistake.

use std::path::Path;
use std::process::{Command, Stdio};

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

use crate::common::{data, run_json, tmp};

#[test]
fn run_json_follows_the_model_schema() {
    let out = tmp("schema");
    let f = data("small-cloud.toml");
    let v = run_json(&[
        "run",
        f.to_str().expect("utf8"),
        "--samples",
        "5000",
        "--format",
        "json",
        "--quiet",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "scenario",
        "file",
        "scenario_sha256",
        "version",
        "samples",
        "seed",
        "sampler",
        "metrics",
        "probabilities",
        "series",
        "inputs",
        "correlations",
    ] {
        assert!(keys.contains(&k), "missing {k} in {keys:?}");
    }
    assert_eq!(v["samples"], 5000);
    assert_eq!(v["seed"], 2025);
    assert_eq!(v["sampler"], "lhs");
    assert_eq!(v["scenario_sha256"].as_str().expect("hash").len(), 64);
    let m = &v["metrics"]["cost_per_mtok_usd"];
    for f in [
        "unit", "mean", "sd", "se", "min", "p5", "p25", "p50", "p75", "p95", "max",
    ] {
        assert!(m.get(f).is_some(), "cost_per_mtok_usd lacks {f}");
    }
    assert_eq!(m["unit"], "USD per million tokens");
    // Every metric of the model is present for a cloud scenario with commitment, investment and
    // a blended price: v1's 22, and the output rate, revenue per token and hardware capex.
    assert_eq!(v["metrics"].as_object().expect("map").len(), 25);
    for p in [
        "fits_power_envelope",
        "npv_positive",
        "cost_per_mtok_below_price",
    ] {
        let x = v["probabilities"][p].as_f64().expect("probability");
        assert!((0.0..=1.0).contains(&x));
    }
    assert_eq!(v["series"]["years"], serde_json::json!([2026, 2027, 2028]));
    for s in [
        "gpus_installed",
        "facility_mw",
        "tokens",
        "cost_usd",
        "revenue_usd",
        "cumulative_cash_usd",
    ] {
        assert_eq!(
            v["series"][s]["p50"].as_array().expect("band").len(),
            3,
            "{s}"
        );
    }
    let inputs = v["inputs"].as_array().expect("inputs");
    let pue = inputs
        .iter()
        .find(|i| i["path"] == "facility.pue")
        .expect("pue input");
    assert_eq!(pue["source"], "test fixture");
    assert!(pue["p5"].as_f64().expect("p5") >= 1.10 && pue["p95"].as_f64().expect("p95") <= 1.35);
    let c = &v["correlations"][0];
    assert_eq!(c["target"], 0.7);
    assert!(
        (c["achieved"].as_f64().expect("achieved") - 0.7).abs() < 0.05,
        "{c}"
    );
    // The run also wrote its files.
    assert!(out.join("summary.json").is_file());
    assert!(out.join("summary.md").is_file());
}

#[test]
fn absent_metrics_are_absent_not_zero() {
    let out = tmp("absent");
    let f = data("minimal.toml");
    let v = run_json(&[
        "run",
        f.to_str().expect("utf8"),
        "--samples",
        "100",
        "--format",
        "json",
        "--quiet",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    let metrics = v["metrics"].as_object().expect("map");
    for absent in [
        "commitment_gpu_hours",
        "commitment_avg_gw",
        "commitment_coverage",
        "investment_usd",
        "net_commitment_usd",
        "circularity",
        "revenue_usd",
        "margin",
        "npv_usd",
        "revenue_per_mtok_usd",
        "input_tokens",
        "cost_per_total_mtok_usd",
        "shortfall_usd",
        "capex_usd",
        "capex_per_gw_usd",
        "cost_hardware_usd",
        "peak_funding_usd",
    ] {
        assert!(!metrics.contains_key(absent), "{absent} should be absent");
    }
    assert_eq!(metrics.len(), 15);
    assert!(v["probabilities"].as_object().expect("map").is_empty());
    assert!(v["series"].get("revenue_usd").is_none());
    assert!(v["series"].get("cumulative_cash_usd").is_none());
    // The only uncertain values are the catalog's figures for the system used.
    let inputs = v["inputs"].as_array().expect("inputs");
    assert!(!inputs.is_empty());
    for i in inputs {
        let path = i["path"].as_str().expect("path");
        assert!(path.starts_with("systems.gb200-nvl72."), "{path}");
        assert!(
            i["source"].as_str().is_some_and(|s| !s.is_empty()),
            "{path} has no source"
        );
    }
    // 10 racks of 72 GPUs, fixed: every quantile is 720 GPUs; cost per GPU-hour is the price.
    assert_eq!(v["metrics"]["gpus"]["p5"], 720.0);
    assert_eq!(v["metrics"]["cost_per_gpu_hour_usd"]["p50"], 3.0);
}

/// The stdout of `gwsim run FILE ARGS --quiet --threads T --out DIR` for 1, 2 and 3 threads.
fn run_on_one_two_three_threads(file: &Path, args: &[&str], name: &str) -> Vec<Vec<u8>> {
    command_on_one_two_three_threads("run", file, args, name)
}

/// `gwsim COMMAND FILE ARGS` on 1, 2 and 3 threads: each run's standard output.
pub(crate) fn command_on_one_two_three_threads(
    command: &str,
    file: &Path,
    args: &[&str],
    name: &str,
) -> Vec<Vec<u8>> {
    ["1", "2", "3"]
        .iter()
        .map(|threads| {
            let out = tmp(&format!("{name}{threads}"));
            let o = cargo_bin_cmd!("gwsim")
                .args([command, file.to_str().expect("utf8")])
                .args(args)
                .args(["--quiet", "--threads", threads])
                .args(["--out", out.to_str().expect("utf8")])
                .output()
                .expect("runs");
            assert!(o.status.success());
            o.stdout
        })
        .collect()
}

#[test]
fn same_seed_same_bits_on_any_thread_count() {
    let f = data("small-cloud.toml");
    let args = ["--samples", "70000", "--format", "json"];
    let outputs = run_on_one_two_three_threads(&f, &args, "threads");
    assert_eq!(outputs[0], outputs[1], "1 thread vs 2 threads");
    assert_eq!(outputs[0], outputs[2], "1 thread vs 3 threads");
}

#[test]
fn precision_stops_at_the_same_sample_on_any_thread_count() {
    // Under --precision the run grows in steps that must not depend on the number of threads
    // (at 5% this scenario needs one step past its first 1,000 samples).
    let f = data("small-cloud.toml");
    let args = [
        "--samples",
        "1000",
        "--precision",
        "5%",
        "--format",
        "json",
        "--no-charts",
    ];
    let outputs = run_on_one_two_three_threads(&f, &args, "precision-threads");
    let v: serde_json::Value = serde_json::from_slice(&outputs[0]).expect("json");
    assert!(
        v["samples"].as_u64().expect("samples") > 1000,
        "one step at least"
    );
    assert_eq!(outputs[0], outputs[1], "1 thread vs 2 threads");
    assert_eq!(outputs[0], outputs[2], "1 thread vs 3 threads");
}

#[test]
fn a_bad_file_exits_1_and_names_every_place() {
    let f = data("bad-two-errors.toml");
    cargo_bin_cmd!("gwsim")
        .args(["check", f.to_str().expect("utf8")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad-two-errors.toml:6:"))
        .stderr(predicate::str::contains("did you mean 'facility'"))
        .stderr(predicate::str::contains("facility.pue"))
        .stderr(predicate::str::contains("bad-two-errors.toml:10:"));
}

#[test]
fn missing_file_and_bad_flags_exit_1() {
    cargo_bin_cmd!("gwsim")
        .args(["run", "no/such/file.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no/such/file.toml"));
    cargo_bin_cmd!("gwsim")
        .args(["run", "--samples", "many"])
        .assert()
        .code(1);
    cargo_bin_cmd!("gwsim")
        .args(["frobnicate"])
        .assert()
        .code(1);
    cargo_bin_cmd!("gwsim")
        .args(["run", "--samples", "2e9"])
        .assert()
        .code(1);
}

#[test]
fn help_has_examples() {
    cargo_bin_cmd!("gwsim")
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("gwsim run"));
}

#[test]
fn embedded_headline_runs_without_a_file() {
    let out = tmp("headline");
    cargo_bin_cmd!("gwsim")
        .args([
            "run",
            "--samples",
            "3000",
            "--quiet",
            "--out",
            out.to_str().expect("utf8"),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("gpus_per_gw"))
        .stdout(predicate::str::contains("cost_per_mtok_usd"));
}

#[test]
fn check_lists_every_value_with_its_source() {
    let f = data("small-cloud.toml");
    cargo_bin_cmd!("gwsim")
        .args(["check", f.to_str().expect("utf8")])
        .assert()
        .success()
        .stdout(predicate::str::contains("facility.pue"))
        .stdout(predicate::str::contains("triangular(1.1, 1.18, 1.35)"))
        .stdout(predicate::str::contains("test fixture"))
        .stdout(predicate::str::contains("workload.utilization"));
    // The workload values carry no source: --strict refuses.
    cargo_bin_cmd!("gwsim")
        .args(["check", f.to_str().expect("utf8"), "--strict"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("workload.utilization"));
}

#[test]
fn explain_shows_the_arithmetic() {
    let f = data("small-cloud.toml");
    cargo_bin_cmd!("gwsim")
        .args([
            "explain",
            f.to_str().expect("utf8"),
            "--set",
            "facility.pue=1.2",
            "--set",
            "facility.it_overhead=0.1",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("blackwell: facility_kw_per_gpu ="))
        .stdout(predicate::str::contains("× PUE 1.2"))
        .stdout(predicate::str::contains("cost_per_mtok_usd"))
        .stdout(predicate::str::contains("npv_usd"));
}

#[test]
fn samples_out_writes_every_sample() {
    let out = tmp("samples");
    let csv = out.join("s.csv");
    let f = data("small-cloud.toml");
    cargo_bin_cmd!("gwsim")
        .args([
            "run",
            f.to_str().expect("utf8"),
            "--samples",
            "1234",
            "--quiet",
        ])
        .args([
            "--out",
            out.to_str().expect("utf8"),
            "--samples-out",
            csv.to_str().expect("utf8"),
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(&csv).expect("csv");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1235);
    assert!(lines[0].starts_with("sample,"));
    assert!(lines[0].contains("facility.pue") && lines[0].contains("cost_per_mtok_usd"));
    assert!(lines[1].starts_with("0,"));
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let out = tmp("pipe");
    let f = data("small-cloud.toml");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("gwsim"))
        .args([
            "run",
            f.to_str().expect("utf8"),
            "--samples",
            "2000",
            "--format",
            "csv",
            "--quiet",
        ])
        .args(["--out", out.to_str().expect("utf8")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("wait");
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn formats_csv_and_markdown() {
    let out = tmp("formats");
    let f = data("small-cloud.toml");
    cargo_bin_cmd!("gwsim")
        .args([
            "run",
            f.to_str().expect("utf8"),
            "--samples",
            "2000",
            "--quiet",
            "--format",
            "csv",
        ])
        .args(["--out", out.to_str().expect("utf8")])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("kind,name,year,unit,mean"))
        .stdout(predicate::str::contains(
            "metric,cost_per_gpu_hour_usd,,USD per GPU-hour,",
        ))
        .stdout(predicate::str::contains("series,tokens,2027,"));
    cargo_bin_cmd!("gwsim")
        .args([
            "run",
            f.to_str().expect("utf8"),
            "--samples",
            "2000",
            "--quiet",
            "--format",
            "markdown",
        ])
        .args(["--out", out.to_str().expect("utf8")])
        .assert()
        .success()
        .stdout(predicate::str::contains("# Small cloud test deal"))
        .stdout(predicate::str::contains(
            "| `facility.pue` | triangular(1.1, 1.18, 1.35) |",
        ));
}

#[test]
fn undefined_samples_are_counted_and_reported() {
    // Two-year term (2026-2027); the tranche comes online somewhere in 2026-2029, so in some
    // samples nothing runs in the term and the per-GPU-hour cost has a zero denominator.
    let out = tmp("undefined");
    let f = data("minimal.toml");
    let f = f.to_str().expect("utf8");
    let o = out.to_str().expect("utf8");
    let set = "fleet[1].online=\"2026 to 2029\"";
    let v = run_json(&[
        "run",
        f,
        "--set",
        set,
        "--samples",
        "4000",
        "--format",
        "json",
        "--quiet",
        "--out",
        o,
    ]);
    let und = &v["undefined_samples"];
    let n = und["cost_per_gpu_hour_usd"].as_u64().expect("a count");
    assert!(n > 100 && n < 3900, "{n}");
    assert_eq!(und["cost_per_mtok_usd"].as_u64(), Some(n));
    assert!(und.get("gpus").is_none(), "{und}");
    // The statistics of the metric use the other samples only.
    let summary = &v["metrics"]["cost_per_gpu_hour_usd"];
    assert!(summary["p50"].as_f64().expect("p50").is_finite());
    // The table says so.
    cargo_bin_cmd!("gwsim")
        .args([
            "run",
            f,
            "--set",
            set,
            "--samples",
            "4000",
            "--quiet",
            "--no-charts",
            "--out",
            o,
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "cost_per_gpu_hour_usd is undefined in {n} of 4000 samples"
        )));
    // Without undefined samples the key is absent.
    let v = run_json(&[
        "run",
        f,
        "--samples",
        "1000",
        "--format",
        "json",
        "--quiet",
        "--out",
        o,
    ]);
    assert!(v.get("undefined_samples").is_none());
}

#[test]
fn set_addresses_an_unnamed_tranche_by_position() {
    let f = data("minimal.toml");
    let f = f.to_str().expect("utf8");
    let out = tmp("position");
    let o = out.to_str().expect("utf8");
    let base = run_json(&[
        "run",
        f,
        "--samples",
        "500",
        "--format",
        "json",
        "--quiet",
        "--out",
        o,
    ]);
    let later = run_json(&[
        "run",
        f,
        "--set",
        "fleet[1].online=2027",
        "--samples",
        "500",
        "--format",
        "json",
        "--quiet",
        "--out",
        o,
    ]);
    // Online a year later in a two-year term: half the GPU-hours.
    let gh = |v: &serde_json::Value| {
        v["metrics"]["gpu_hours"]["mean"]
            .as_f64()
            .expect("gpu_hours")
    };
    assert!(
        (gh(&later) / gh(&base) - 0.5).abs() < 1e-9,
        "{} {}",
        gh(&later),
        gh(&base)
    );
    for (arg, needle) in [
        ("fleet[0].online=2027", "must count from 1"),
        ("fleet[2].online=2027", "has 1 [[fleet]] tables"),
    ] {
        cargo_bin_cmd!("gwsim")
            .args([
                "run",
                f,
                "--set",
                arg,
                "--samples",
                "100",
                "--quiet",
                "--out",
                o,
            ])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(needle).and(predicate::str::contains("--set:1:1")));
    }
}

/// `gwsim run small-cloud.toml --samples 2000 --precision 0.01% --max-samples 2000 EXTRA`:
/// a precision no run of 2000 samples reaches.
fn unreachable_precision(extra: &[&str], out: &Path) -> std::process::Output {
    let f = data("small-cloud.toml");
    cargo_bin_cmd!("gwsim")
        .args([
            "run",
            f.to_str().expect("utf8"),
            "--samples",
            "2000",
            "--precision",
            "0.01%",
            "--max-samples",
            "2000",
            "--no-charts",
            "--format",
            "json",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .output()
        .expect("runs")
}

#[test]
fn a_precision_not_met_is_said_on_stderr_and_exits_3_when_strict() {
    let out = tmp("precision-unmet");
    let o = unreachable_precision(&[], &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: precision not met: the mean of ")
            && err.contains("not the ±0.01% asked, after 2000 samples")
            && err.contains("--strict-precision"),
        "{err}"
    );
    // The achieved precision is a percentage above the target.
    let achieved: f64 = err
        .split("known to ±")
        .nth(1)
        .and_then(|r| r.split('%').next())
        .and_then(|x| x.parse().ok())
        .expect("the achieved precision");
    assert!(achieved > 0.01, "{err}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    assert_eq!(v["precision"]["converged"], false);

    let strict = tmp("precision-strict");
    let o = unreachable_precision(&["--strict-precision"], &strict);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("error: precision not met"), "{err}");
    assert!(!err.contains("warning: precision"), "said once: {err}");
    // The run's results are still written and printed.
    assert!(strict.join("summary.json").exists());
    serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("stdout is JSON");

    // A precision that is met: exit 0 under --strict-precision, nothing said.
    let met = tmp("precision-met");
    let f = data("small-cloud.toml");
    let o = cargo_bin_cmd!("gwsim")
        .args([
            "run",
            f.to_str().expect("utf8"),
            "--samples",
            "2000",
            "--precision",
            "50%",
            "--strict-precision",
            "--no-charts",
            "--quiet",
            "--out",
        ])
        .arg(&*met)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("precision"));

    // --strict-precision needs --precision.
    let o = cargo_bin_cmd!("gwsim")
        .args(["run", f.to_str().expect("utf8"), "--strict-precision"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--precision"));
}

#[test]
fn samples_out_into_a_missing_folder_is_refused_before_sampling() {
    let out = tmp("samples-missing");
    let csv = out.join("no-such-folder").join("s.csv");
    let f = data("small-cloud.toml");
    let o = cargo_bin_cmd!("gwsim")
        .args([
            "run",
            f.to_str().expect("utf8"),
            "--samples",
            "1e9",
            "--force",
            "--quiet",
            "--out",
        ])
        .arg(out.join("run"))
        .arg("--samples-out")
        .arg(&csv)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    // 1e9 samples would take minutes: the refusal comes first.
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("--samples-out {}", csv.display())) && err.contains("does not exist"),
        "{err}"
    );
    assert!(!out.join("no-such-folder").exists(), "no folder made");
    assert!(!out.join("run").join("summary.json").exists());
}

#[test]
fn run_says_where_its_report_is() {
    let out = tmp("report-path");
    let f = data("small-cloud.toml");
    let o = cargo_bin_cmd!("gwsim")
        .args([
            "run",
            f.to_str().expect("utf8"),
            "--samples",
            "2000",
            "--quiet",
            "--out",
        ])
        .arg(&*out)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).expect("utf8");
    let html = out.join("report.html");
    assert!(html.exists());
    assert!(
        text.contains(&format!(
            "Report: {} (open it in a browser)",
            html.display()
        )),
        "{text}"
    );
    // JSON on stdout stays JSON only; without charts there is no report to name.
    let o = cargo_bin_cmd!("gwsim")
        .args([
            "run",
            f.to_str().expect("utf8"),
            "--samples",
            "2000",
            "--quiet",
        ])
        .args(["--format", "json", "--out"])
        .arg(&*out)
        .output()
        .expect("runs");
    serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("stdout is JSON");
    let o = cargo_bin_cmd!("gwsim")
        .args([
            "run",
            f.to_str().expect("utf8"),
            "--samples",
            "2000",
            "--quiet",
        ])
        .args(["--no-charts", "--out"])
        .arg(&*out)
        .output()
        .expect("runs");
    assert!(!String::from_utf8_lossy(&o.stdout).contains("report.html"));
}

/// `explain` writes a yearly fall of prices as one: `(1 − 0.2)`, not `(1 + -0.2)`.
#[test]
fn explain_writes_a_price_fall_with_a_minus_sign() {
    let out = assert_cmd::cargo::cargo_bin_cmd!("gwsim")
        .arg("explain")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    // The headline's price change is uniform(-0.4, 0): -0.2 at the median.
    assert!(
        text.contains("price_factor 2027 = (1 − 0.2)^(1) = 0.8"),
        "{text}"
    );
    assert!(!text.contains("+ -"), "{text}");
}

/// Every example of the help texts that names only files of the repository (not a placeholder
/// such as `deal.toml`) runs and succeeds, at a few samples: an example that fails teaches the
/// wrong thing.
#[test]
fn the_help_examples_on_the_repositorys_files_run() {
    let help = |args: &[&str]| -> String {
        let out = assert_cmd::cargo::cargo_bin_cmd!("gwsim")
            .args(args)
            .arg("--help")
            .output()
            .expect("runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let mut texts = vec![help(&[])];
    for c in [
        "run",
        "check",
        "explain",
        "compare",
        "sweep",
        "solve",
        "portfolio",
        "sensitivity",
    ] {
        texts.push(help(&[c]));
    }
    let placeholders = ["deal.toml", "a.toml", "b.toml", "c.toml", "deal-owned.toml"];
    let mut ran = 0;
    for line in texts.iter().flat_map(|t| t.lines()) {
        let Some(example) = line.strip_prefix("  gwsim ") else {
            continue;
        };
        // Drop a comment or a description after two spaces, and skip redirections.
        let example = example.split("  ").next().unwrap_or("").trim();
        let words: Vec<&str> = example.split_whitespace().collect();
        if words.is_empty()
            || example.contains('>')
            || example.contains('\'')
            || words.iter().any(|w| placeholders.contains(w))
        {
            continue;
        }
        let out_dir = tmp("help-example");
        let mut args: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let samples = matches!(
            words[0],
            "run" | "compare" | "sweep" | "solve" | "portfolio" | "sensitivity"
        );
        if samples {
            match args.iter().position(|a| a == "--samples") {
                Some(i) => args[i + 1] = "2000".into(),
                None => args.extend(["--samples".into(), "2000".into()]),
            }
            args.extend(["--quiet".into(), "--no-charts".into(), "--out".into()]);
            args.push(out_dir.to_str().unwrap().into());
        }
        let out = assert_cmd::cargo::cargo_bin_cmd!("gwsim")
            .args(&args)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "gwsim {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        ran += 1;
    }
    assert!(ran >= 10, "only {ran} examples ran");
}
