//! `gwsim solve`: a break-even checked by hand, one found on the headline deal and checked by
//! a run at the solution, and the messages for an unbracketed target, a bad target, an unknown
//! metric and an unknown path.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;

use crate::common::{data, run_json, tmp};

fn solve(file: &Path, extra: &[&str], out: &Path) -> std::process::Output {
    let mut args = vec![
        "solve",
        file.to_str().expect("utf8"),
        "--quiet",
        "--out",
        out.to_str().expect("utf8"),
    ];
    args.extend_from_slice(extra);
    cargo_bin_cmd!("gwsim").args(&args).output().expect("runs")
}

fn json(o: &std::process::Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON")
}

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().expect("number")
}

/// With every input fixed, gpus_per_gw = 1e6 / (it_kw / gpus × (1 + it_overhead) × PUE): the
/// PUE at which it is 400,000 is known in closed form.
#[test]
fn the_pue_of_a_gpu_density_is_found_by_hand() {
    let out = tmp("solve-pue");
    let o = solve(
        &data("minimal.toml"),
        &[
            "--set",
            "systems.gb200-nvl72.it_kw=132",
            "--target",
            "gpus_per_gw:p50=400000",
            "--vary",
            "facility.pue",
            "--samples",
            "500",
            "--format",
            "json",
        ],
        &out,
    );
    let v = json(&o);
    let want = 1e6 / (132.0 / 72.0 * 1.1 * 400_000.0);
    let got = num(&v["solution"]);
    assert!((got - want).abs() <= 1e-6 * want, "{got} vs {want}");
    assert!(
        (num(&v["solution_statistic"]) - 400_000.0).abs() <= 1.0,
        "{v}"
    );
    assert_eq!(v["metric"], "gpus_per_gw");
    assert_eq!(v["statistic"], "p50");
    assert_eq!(v["path"], "facility.pue");
    assert_eq!(v["converged_on"], "statistic");
    // The default bracket: half to twice the fixed 1.2, its low end pulled in above 1 (a PUE
    // is at least 1).
    let b = v["bracket"].as_array().expect("bracket");
    assert_eq!(num(&b[1]["value"]), 2.4);
    let lo = num(&b[0]["value"]);
    assert!((1.0..1.2).contains(&lo), "{lo}");
    let source = v["bracket_source"].as_str().expect("text");
    assert!(
        source.contains("half to twice") && source.contains("pulled in"),
        "{source}"
    );
    let n = v["iterations"].as_u64().expect("count") as usize;
    assert!((1..=40).contains(&n), "{n}");
    assert_eq!(v["evaluations"].as_array().expect("list").len(), n + 2);
    assert!(out.join("solve.json").is_file());

    // The table says the same, with the bracket and the iterations.
    let o = solve(
        &data("minimal.toml"),
        &[
            "--set",
            "systems.gb200-nvl72.it_kw=132",
            "--target",
            "gpus_per_gw:mean=400000",
            "--vary",
            "facility.pue",
            "--bracket",
            "1:2",
            "--samples",
            "500",
        ],
        &out,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("gpus_per_gw mean"), "{text}");
    assert!(text.contains("bracket: given by --bracket"), "{text}");
    assert!(text.contains("iterations"), "{text}");
    assert!(text.contains("1.2396"), "{text}");
}

/// On the headline deal: the price per million output tokens at which the median NPV is $20B
/// (in the default bracket, the price's p1 to p99); a run at that price gives the same median.
#[test]
fn a_break_even_price_on_the_headline_deal_holds_in_a_run() {
    let out = tmp("solve-headline");
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/anthropic-azure-nvidia-1gw.toml");
    let o = solve(
        &f,
        &[
            "--target",
            "npv_usd:p50=2e10",
            "--vary",
            "workload.price_usd_per_mtok_output",
            "--samples",
            "4000",
            "--format",
            "json",
        ],
        &out,
    );
    let v = json(&o);
    let x = num(&v["solution"]);
    let stat = num(&v["solution_statistic"]);
    assert!(
        (stat - 2e10).abs() <= 1e-4 * 2e10,
        "statistic {stat} at {x}"
    );
    assert!(
        v["bracket_source"]
            .as_str()
            .expect("text")
            .starts_with("default: p1 to p99"),
        "{v}"
    );
    // The same statistic from a plain run with the input set to the solution.
    let run_out = tmp("solve-headline-run");
    let set = format!("workload.price_usd_per_mtok_output={x:?}");
    let r = run_json(&[
        "run",
        f.to_str().expect("utf8"),
        "--set",
        &set,
        "--samples",
        "4000",
        "--format",
        "json",
        "--quiet",
        "--no-charts",
        "--out",
        run_out.to_str().expect("utf8"),
    ]);
    assert_eq!(num(&r["metrics"]["npv_usd"]["p50"]), stat);
}

#[test]
fn an_unbracketed_target_shows_the_statistic_at_both_ends() {
    let out = tmp("solve-unbracketed");
    let o = solve(
        &data("minimal.toml"),
        &[
            "--set",
            "systems.gb200-nvl72.it_kw=132",
            "--target",
            "gpus_per_gw:p50=900000",
            "--vary",
            "facility.pue",
            "--bracket",
            "1.1:1.5",
            "--samples",
            "200",
        ],
        &out,
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--target gpus_per_gw:p50=900000: not bracketed"),
        "{err}"
    );
    assert!(err.contains("bracket: given by --bracket"), "{err}");
    assert!(
        err.contains("at facility.pue = 1.1") && err.contains("at facility.pue = 1.5"),
        "{err}"
    );
    assert!(err.contains("both below the target"), "{err}");
}

#[test]
fn bad_targets_paths_and_brackets_are_named() {
    let out = tmp("solve-bad");
    let cases: [(&[&str], &str); 7] = [
        (
            &["--target", "npv_usd", "--vary", "facility.pue"],
            "--target npv_usd: no '='",
        ),
        (
            &["--target", "npv_usd:median=0", "--vary", "facility.pue"],
            "unknown statistic 'median'",
        ),
        (
            &["--target", "npv_usdd:p50=0", "--vary", "facility.pue"],
            "unknown metric 'npv_usdd' — did you mean 'npv_usd'?",
        ),
        (
            &["--target", "gpus_per_gw:p50=1e5", "--vary", "facility.puee"],
            "--vary facility.puee: the scenario has no value 'facility.puee' to vary — did you mean 'facility.pue'?",
        ),
        (
            &[
                "--target",
                "gpus_per_gw:p50=1e5",
                "--vary",
                "simulation.seed",
            ],
            "--vary simulation.seed",
        ),
        (
            &[
                "--target",
                "gpus_per_gw:p50=1e5",
                "--vary",
                "facility.pue",
                "--bracket",
                "2",
            ],
            "--bracket 2: no ':'",
        ),
        (
            &[
                "--target",
                "gpus_per_gw:p50=1e5",
                "--vary",
                "facility.pue",
                "--bracket",
                "0.5:2",
            ],
            "facility.pue",
        ),
    ];
    for (args, want) in cases {
        let mut a = args.to_vec();
        a.extend(["--samples", "200"]);
        let o = solve(&data("minimal.toml"), &a, &out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}
