//! Relative `--set` (`PATH+=D`, `PATH-=D`, `PATH*=F`, `PATH/=F`): the arithmetic on fixed
//! values and whole distributions, and the messages for the bad cases, each naming `--set` and
//! the path; the year check that catches `--set PATH=+1`.

use assert_cmd::cargo::cargo_bin_cmd;

use crate::common::{data, run_json, tmp};

/// `gwsim run FILE --format json` with the given overrides, 2000 samples.
fn run(file: &str, sets: &[&str]) -> serde_json::Value {
    let out = tmp("relative");
    let f = data(file);
    let mut args = vec![
        "run",
        f.to_str().expect("utf8"),
        "--samples",
        "2000",
        "--format",
        "json",
        "--quiet",
        "--no-charts",
        "--out",
        out.to_str().expect("utf8"),
    ];
    for s in sets {
        args.extend(["--set", s]);
    }
    run_json(&args)
}

fn input<'v>(v: &'v serde_json::Value, path: &str) -> &'v serde_json::Value {
    v["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["path"] == path)
        .unwrap_or_else(|| panic!("no input {path}"))
}

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().expect("number")
}

/// `gwsim check FILE --set …`: its exit status and standard error.
fn check_err(file: &str, sets: &[&str]) -> (i32, String) {
    let f = data(file);
    let mut args = vec!["check", f.to_str().expect("utf8")];
    for s in sets {
        args.extend(["--set", s]);
    }
    let o = cargo_bin_cmd!("gwsim").args(&args).output().expect("runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_factor_on_a_fixed_value_is_exactly_that_product() {
    let rack = "systems.gb200-nvl72.it_kw=132";
    let v = run("minimal.toml", &[rack, "facility.pue*=1.1"]);
    // The same run as the absolute value written out.
    let abs = format!("facility.pue={:?}", 1.2 * 1.1);
    let w = run("minimal.toml", &[rack, &abs]);
    assert_eq!(v["metrics"]["gpus_per_gw"], w["metrics"]["gpus_per_gw"]);
    // Hand arithmetic: facility kW per GPU = 132 / 72 × 1.1 × PUE.
    let expected = 1e6 / (132.0 / 72.0 * 1.1 * (1.2 * 1.1));
    let got = num(&v["metrics"]["gpus_per_gw"]["p50"]);
    assert!(
        (got - expected).abs() <= 1e-9 * expected,
        "{got} vs {expected}"
    );
    // `/=`, `+=` and `-=`, and two changes of one value in a row.
    let v = run(
        "minimal.toml",
        &[
            rack,
            "facility.pue/=2",
            "facility.pue+=0.5",
            "facility.it_overhead-=0.05",
        ],
    );
    let pue = format!("facility.pue={:?}", 1.2 / 2.0 + 0.5);
    let overhead = format!("facility.it_overhead={:?}", 0.1 - 0.05);
    let w = run("minimal.toml", &[rack, &pue, &overhead]);
    assert_eq!(v["metrics"]["gpus_per_gw"], w["metrics"]["gpus_per_gw"]);
    let expected = 1e6 / (132.0 / 72.0 * (1.0 + (0.1 - 0.05)) * (1.2 / 2.0 + 0.5));
    let got = num(&v["metrics"]["gpus_per_gw"]["p50"]);
    assert!(
        (got - expected).abs() <= 1e-9 * expected,
        "{got} vs {expected}"
    );
}

#[test]
fn a_distribution_moves_as_a_whole() {
    let base = run("small-cloud.toml", &[]);
    // A triangular PUE scaled by 1.1: every quantile is 1.1 times the scenario's.
    let v = run("small-cloud.toml", &["facility.pue*=1.1"]);
    let (b, c) = (input(&base, "facility.pue"), input(&v, "facility.pue"));
    for q in ["p5", "p50", "p95", "mean"] {
        let (x, y) = (num(&b[q]), num(&c[q]));
        assert!((y - 1.1 * x).abs() <= 1e-3 * x, "{q}: {y} vs 1.1 × {x}");
    }
    assert!(c["dist"].as_str().expect("dist").contains("× 1.1"), "{c}");
    assert_eq!(c["source"], "test fixture");
    // A lognormal online year shifted by one year: p5, p50 and p95 all move by exactly 1
    // (up to the rounding of a year near 2027).
    let v = run("small-cloud.toml", &["fleet.rubin.online+=1"]);
    let (b, c) = (
        input(&base, "fleet.rubin.online"),
        input(&v, "fleet.rubin.online"),
    );
    for q in ["p5", "p50", "p95", "mean"] {
        let (x, y) = (num(&b[q]), num(&c[q]));
        assert!((y - (x + 1.0)).abs() <= 1e-9, "{q}: {y} vs {x} + 1");
    }
    // A value that the other draws are correlated with keeps its correlation.
    let v = run(
        "small-cloud.toml",
        &["procurement.price_usd_per_gpu_hour.gb200-nvl72*=0.5"],
    );
    assert_eq!(v["correlations"].as_array().expect("list").len(), 1);
    let (b, c) = (
        input(&base, "procurement.price_usd_per_gpu_hour.gb200-nvl72"),
        input(&v, "procurement.price_usd_per_gpu_hour.gb200-nvl72"),
    );
    let (x, y) = (num(&b["p50"]), num(&c["p50"]));
    assert!((y - 0.5 * x).abs() <= 1e-3 * x, "{y} vs {x} / 2");
}

#[test]
fn a_year_moves_by_a_whole_number_of_years() {
    let f = data("small-cloud.toml");
    let o = cargo_bin_cmd!("gwsim")
        .args([
            "check",
            f.to_str().expect("utf8"),
            "--set",
            "start_year+=1",
            "--set",
            "investment.partner.year+=1",
            "--set",
            "fleet.blackwell.online+=1",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(text.contains("2027.25"), "{text}");
    // Half a year is not a calendar year.
    let (code, err) = check_err("small-cloud.toml", &["start_year+=0.5"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("--set:1:1") && err.contains("start_year") && err.contains("whole number"),
        "{err}"
    );
}

#[test]
fn an_absolute_year_that_reads_as_a_change_is_an_error_suggesting_it() {
    let (code, err) = check_err("small-cloud.toml", &["fleet.rubin.online=+1"]);
    assert_eq!(code, 1);
    assert!(err.contains("--set:1:1"), "{err}");
    assert!(err.contains("fleet.rubin.online"), "{err}");
    assert!(
        err.contains("not a calendar year from 1990 to 2100"),
        "{err}"
    );
    assert!(err.contains("--set fleet.rubin.online+=1"), "{err}");
    let (_, err) = check_err("small-cloud.toml", &["start_year=-2"]);
    assert!(err.contains("--set start_year-=2"), "{err}");
    let (code, err) = check_err("small-cloud.toml", &["workload.base_year=2200"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("workload.base_year") && err.contains("1990 to 2100"),
        "{err}"
    );
    // A year in the range is taken.
    let (code, err) = check_err("small-cloud.toml", &["fleet.rubin.online=2027"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_year_outside_the_calendar_in_a_file_is_an_error_at_its_place() {
    let dir = tmp("year-file");
    std::fs::create_dir_all(&*dir).expect("dir");
    let text = std::fs::read_to_string(data("minimal.toml"))
        .expect("read")
        .replace("online = 2026", "online = 26");
    let f = dir.join("y.toml");
    std::fs::write(&f, text).expect("write");
    let o = cargo_bin_cmd!("gwsim")
        .args(["check", f.to_str().expect("utf8")])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("y.toml:18:10") && err.contains("fleet.gb200-nvl72.online"),
        "{err}"
    );
    assert!(err.contains("not a plausible calendar year"), "{err}");
}

#[test]
fn bad_changes_name_the_flag_and_the_path() {
    let cases: [(&[&str], &str); 8] = [
        (&["facility.puee*=1.1"], "unknown key 'puee'"),
        (&["facility.pue*=x"], "needs a plain number after '*='"),
        (
            &["facility.pue+=\"1 to 2\""],
            "needs a plain number after '+='",
        ),
        (&["facility.pue*=0"], "the factor must be a number above 0"),
        (&["facility.pue/=-2"], "the factor must be a number above 0"),
        (
            &["facility.power_mw+=10"],
            "the scenario has no value there",
        ),
        (&["procurement.mode*=2"], "it is the text \"cloud\""),
        (&["workload.utilization*=3"], "outside this field's domain"),
    ];
    for (sets, want) in cases {
        let (code, err) = check_err("minimal.toml", sets);
        let path = sets[0].split(['+', '-', '*', '/']).next().expect("path");
        assert_eq!(code, 1, "{sets:?}: {err}");
        assert!(err.contains("--set:1:"), "{sets:?}: {err}");
        assert!(err.contains(path), "{sets:?}: {err}");
        assert!(err.contains(want), "{sets:?}: {err}");
    }
    // A bounded distribution scaled out of its field's domain.
    let (code, err) = check_err(
        "minimal.toml",
        &[
            "workload.utilization={uniform=[0.4,0.75]}",
            "workload.utilization*=1.5",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("--set:2:1") && err.contains("workload.utilization"),
        "{err}"
    );
    assert!(
        err.contains("× 1.5 reaches [0.6") && err.contains(", 1.125]"),
        "{err}"
    );
}

#[test]
fn a_catalog_figure_can_be_changed() {
    let v = run("minimal.toml", &["systems.gb200-nvl72.it_kw=132"]);
    let w = run(
        "minimal.toml",
        &[
            "systems.gb200-nvl72.it_kw=132",
            "systems.gb200-nvl72.it_kw*=2",
        ],
    );
    let (x, y) = (
        num(&v["metrics"]["gpus_per_gw"]["p50"]),
        num(&w["metrics"]["gpus_per_gw"]["p50"]),
    );
    assert!((y - x / 2.0).abs() <= 1e-9 * x, "{y} vs {x} / 2");
    // Without an override, the change applies to the catalog's value.
    let base = run("minimal.toml", &[]);
    let c = run("minimal.toml", &["systems.gb200-nvl72.it_kw*=1.5"]);
    let (b, c) = (
        input(&base, "systems.gb200-nvl72.it_kw"),
        input(&c, "systems.gb200-nvl72.it_kw"),
    );
    let (x, y) = (num(&b["p50"]), num(&c["p50"]));
    assert!((y - 1.5 * x).abs() <= 1e-3 * x, "{y} vs 1.5 × {x}");
}

#[test]
fn a_sweep_takes_a_relative_range() {
    let out = tmp("relative-sweep");
    let f = data("minimal.toml");
    let o = cargo_bin_cmd!("gwsim")
        .args([
            "sweep",
            f.to_str().expect("utf8"),
            "--set",
            "systems.gb200-nvl72.it_kw=132",
            "--set-range",
            "facility.pue*=1:2:2",
            "--metric",
            "gpus_per_gw",
            "--samples",
            "200",
            "--quiet",
            "--format",
            "json",
            "--out",
            out.to_str().expect("utf8"),
        ])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let p = v["points"].as_array().expect("points");
    let (a, b) = (num(&p[0]["p50"]), num(&p[1]["p50"]));
    assert!((b - a / 2.0).abs() <= 1e-9 * a, "{a} {b}");
}
