//! `gwsim compare`: paired statistics, common random numbers (and where they do not hold),
//! determinism across thread counts, the JSON schema of MODEL.md and the binary end to end.

use assert_cmd::cargo::cargo_bin_cmd;
use gwsim::engine::compare::{CompareConfig, CompareResult, Comparison, derived_seed};
use gwsim::model::Metric;
use gwsim::report::compare::CompareReport;
use gwsim::scenario::{self, SamplerKind, Scenario};
use gwsim::stats::paired;
use predicates::prelude::*;

use crate::common::{data, tmp};

fn load(name: &str) -> Scenario {
    scenario::load(&data(name), &[]).expect("valid scenario")
}

fn run(
    files: &[&str],
    samples: u64,
    sampler: SamplerKind,
    crn: bool,
    threads: usize,
) -> (Vec<String>, CompareResult) {
    let scenarios: Vec<Scenario> = files.iter().map(|f| load(f)).collect();
    let mut cfg = CompareConfig::from_scenario(&scenarios[0]);
    cfg.samples = samples;
    cfg.sampler = sampler;
    cfg.common_random_numbers = crn;
    cfg.threads = Some(threads);
    let cmp = Comparison::new(&scenarios, &cfg).expect("comparison");
    let r = cmp.run(&mut |_, _| {}).expect("runs");
    (cmp.names.clone(), r)
}

fn metric(r: &CompareResult, m: Metric) -> &gwsim::engine::compare::MetricComparison {
    r.metrics.iter().find(|x| x.metric == m).expect("metric")
}

#[test]
fn paired_statistics_by_hand() {
    // B − A = 0.5, -1, 0, -2 (one pair dropped: NaN) → mean -0.625; B < A in 2 of 4 pairs.
    let a = [1.0, 2.0, 3.0, 4.0, 5.0];
    let b = [1.5, 1.0, 3.0, 2.0, f64::NAN];
    let p = paired(&a, &b);
    assert_eq!(p.pairs(), 4);
    assert_eq!(p.p_lower(), 0.5);
    let band = p.band();
    assert_eq!(band.mean, -0.625);
    // Sorted -2, -1, 0, 0.5: the median interpolates -1 and 0.
    assert_eq!(band.p50, -0.5);
    assert!((band.p5 - (-2.0 + 0.15)).abs() < 1e-12, "{band:?}");
    assert!((band.p95 - (0.0 + 0.85 * 0.5)).abs() < 1e-12, "{band:?}");
}

#[test]
fn common_random_numbers_shrink_the_variance_of_the_difference() {
    let files = ["small-cloud.toml", "small-cloud-pricier.toml"];
    let (_, crn) = run(&files, 20_000, SamplerKind::Lhs, true, 2);
    let (_, ind) = run(&files, 20_000, SamplerKind::Lhs, false, 2);
    assert!(crn.warnings.is_empty(), "{:?}", crn.warnings);
    for m in [Metric::CostUsd, Metric::CostPerMtokUsd, Metric::NpvUsd] {
        let sd_crn = metric(&crn, m).differences[0].difference().sd();
        let sd_ind = metric(&ind, m).differences[0].difference().sd();
        // The marginal of each scenario is the same in both runs; only the pairing changes.
        assert!(
            sd_crn < 0.3 * sd_ind,
            "{}: sd of the difference {sd_crn} with CRN, {sd_ind} independent",
            m.name()
        );
        // Dearer GPU-hours: the paired difference in cost is positive in nearly every sample.
        if m == Metric::CostUsd {
            let p = &metric(&crn, m).differences[0];
            assert!(p.p_lower() < 0.01, "P(B < A) = {}", p.p_lower());
            assert!(p.difference().mean() > 0.0);
        }
    }
    // Independent runs do use another seed for the second scenario.
    assert_ne!(derived_seed(2025, 1), 2025);
}

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero() {
    let (_, r) = run(
        &["small-cloud.toml", "small-cloud.toml"],
        5_000,
        SamplerKind::Lhs,
        true,
        2,
    );
    assert!(!r.metrics.is_empty());
    for mc in &r.metrics {
        let p = &mc.differences[0];
        let b = p.band();
        assert_eq!(
            [b.p5, b.p50, b.p95, b.mean],
            [0.0; 4],
            "{}",
            mc.metric.name()
        );
        assert_eq!(p.p_lower(), 0.0, "{}", mc.metric.name());
        assert_eq!(p.pairs(), mc.per_scenario[0].count());
    }
}

#[test]
fn bits_do_not_depend_on_the_thread_count() {
    let files = [
        "small-cloud.toml",
        "small-cloud-pricier.toml",
        "minimal.toml",
    ];
    // Three batches (the last one short), so the merge order matters.
    let json = |threads| {
        let (names, r) = run(&files, 70_000, SamplerKind::Lhs, true, threads);
        CompareReport::new(&names, &[], &r).to_json()
    };
    let one = json(1);
    assert_eq!(one, json(2));
    assert!(one.contains("\"samples\": 70000"));
}

#[test]
fn sobol_positions_and_correlation_groups_are_checked_and_reported() {
    // Under LHS, fixing a value before the others leaves every shared stream alone.
    let files = ["small-cloud.toml", "small-cloud-fixed-rate.toml"];
    let (_, lhs) = run(&files, 1_000, SamplerKind::Lhs, true, 1);
    assert!(lhs.warnings.is_empty(), "{:?}", lhs.warnings);
    // Under Sobol' every value after it moves to another dimension.
    let (_, sobol) = run(&files, 1_024, SamplerKind::Sobol, true, 1);
    assert!(!sobol.warnings.is_empty());
    assert!(
        sobol.warnings.iter().any(|w| w.starts_with("facility.pue:")
            && w.contains("sobol")
            && w.contains("position")),
        "{:?}",
        sobol.warnings
    );
    // Same value list under Sobol': positions agree, no warning.
    let (_, same) = run(
        &["small-cloud.toml", "small-cloud-pricier.toml"],
        1_024,
        SamplerKind::Sobol,
        true,
        1,
    );
    assert!(same.warnings.is_empty(), "{:?}", same.warnings);
    // Another rank between the prices: the copula mixes the streams differently.
    let (_, corr) = run(
        &["small-cloud.toml", "small-cloud-weaker-link.toml"],
        1_000,
        SamplerKind::Lhs,
        true,
        1,
    );
    assert!(
        corr.warnings
            .iter()
            .any(|w| w.contains("vera-rubin-nvl144") && w.contains("correlat")),
        "{:?}",
        corr.warnings
    );
    assert!(
        !corr.warnings.iter().any(|w| w.starts_with("facility.pue")),
        "{:?}",
        corr.warnings
    );
    // Independent runs are not expected to share anything: no warnings.
    let (_, ind) = run(&files, 1_024, SamplerKind::Sobol, false, 1);
    assert!(ind.warnings.is_empty());
}

#[test]
fn binary_json_follows_the_model_schema() {
    let out = tmp("schema");
    let a = data("small-cloud.toml");
    let b = data("small-cloud-pricier.toml");
    let o = cargo_bin_cmd!("gwsim")
        .args([
            "compare",
            a.to_str().expect("utf8"),
            b.to_str().expect("utf8"),
            "--samples",
            "3000",
            "--format",
            "json",
            "--quiet",
            "--out",
            out.to_str().expect("utf8"),
        ])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    for k in ["seed", "samples", "scenarios", "metrics"] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["seed"], 2025);
    assert_eq!(v["samples"], 3000);
    assert_eq!(
        v["scenarios"],
        serde_json::json!([
            "Small cloud test deal",
            "Small cloud test deal, dearer GPU-hours"
        ])
    );
    let m = &v["metrics"]["cost_per_mtok_usd"];
    let per = m["per_scenario"].as_array().expect("per_scenario");
    assert_eq!(per.len(), 2);
    for s in per {
        for f in ["p5", "p50", "p95", "mean"] {
            assert!(s[f].is_number(), "per_scenario lacks {f}: {s}");
        }
    }
    assert!(m["difference"][0].is_null());
    for f in ["p5", "p50", "p95", "mean"] {
        assert!(m["difference"][1][f].is_number(), "difference lacks {f}");
    }
    assert!(m["p_lower"][0].is_null());
    let p = m["p_lower"][1].as_f64().expect("p_lower");
    assert!((0.0..=1.0).contains(&p));
    // The files: JSON, Markdown and an overlay chart per headline metric.
    let on_disk: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("compare.json")).expect("compare.json"))
            .expect("JSON");
    assert_eq!(on_disk, v);
    assert!(out.join("compare.md").exists());
    assert!(out.join("overlay_cost_per_mtok_usd.svg").exists());
    assert!(out.join("overlay_cost_per_mtok_usd.png").exists());
}

#[test]
fn binary_table_markdown_and_csv() {
    let out = tmp("formats");
    let a = data("small-cloud.toml");
    let b = data("small-cloud-pricier.toml");
    let args = |fmt: &str| {
        vec![
            "compare".to_string(),
            a.display().to_string(),
            b.display().to_string(),
            "--samples".into(),
            "2000".into(),
            "--no-charts".into(),
            "--quiet".into(),
            "--out".into(),
            out.display().to_string(),
            "--format".into(),
            fmt.into(),
        ]
    };
    cargo_bin_cmd!("gwsim")
        .args(args("table"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Headline")
                .and(predicate::str::contains("A = Small cloud test deal"))
                .and(predicate::str::contains("cost_per_mtok_usd"))
                .and(predicate::str::contains("P(< A)")),
        );
    cargo_bin_cmd!("gwsim")
        .args(args("markdown"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "| metric | scenario | p5 | p50 | p95 | mean |",
        ));
    let o = cargo_bin_cmd!("gwsim")
        .args(args("csv"))
        .output()
        .expect("runs");
    let text = String::from_utf8(o.stdout).expect("utf8");
    assert!(text.starts_with("metric,unit,scenario,p5,p50,p95,mean,diff_p5"));
    assert!(!out.join("overlay_cost_usd.svg").exists(), "--no-charts");
}

#[test]
fn binary_refuses_one_file_and_names_a_bad_one() {
    let a = data("small-cloud.toml");
    cargo_bin_cmd!("gwsim")
        .args(["compare", a.to_str().expect("utf8"), "--quiet"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("at least two scenario files"));
    let bad = data("bad-two-errors.toml");
    cargo_bin_cmd!("gwsim")
        .args([
            "compare",
            a.to_str().expect("utf8"),
            bad.to_str().expect("utf8"),
            "--quiet",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::is_match(r"bad-two-errors\.toml:\d+:\d+: error").expect("regex"));
    cargo_bin_cmd!("gwsim")
        .args([
            "compare",
            a.to_str().expect("utf8"),
            "does-not-exist.toml",
            "--quiet",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("does-not-exist.toml"));
}

#[test]
fn each_scenarios_probabilities_and_summaries_equal_its_own_run() {
    use gwsim::engine::{RunConfig, Silent, Simulation};
    use gwsim::model::Probability;
    let files = ["small-cloud.toml", "small-cloud-pricier.toml"];
    let samples = 40_000;
    let (_, r) = run(&files, samples, SamplerKind::Lhs, true, 2);
    assert!(!r.probabilities.is_empty());
    for (k, f) in files.iter().enumerate() {
        let s = load(f);
        let cfg = RunConfig {
            samples,
            sampler: SamplerKind::Lhs,
            ..RunConfig::from_scenario(&s)
        };
        let own = Simulation::new(&s, &cfg)
            .expect("simulation")
            .run(&cfg, &mut Silent)
            .expect("run");
        for pc in &r.probabilities {
            let expected = own.probabilities[pc.probability as usize].expect("present");
            assert_eq!(pc.hits[k], expected, "{f}: {:?}", pc.probability);
        }
        // The same draws, so the same statistics, to the bit.
        let cost = own.metric(Metric::CostUsd).expect("cost");
        let mine = &metric(&r, Metric::CostUsd).per_scenario[k];
        assert_eq!(mine.mean().to_bits(), cost.mean().to_bits(), "{f}");
        assert_eq!(
            mine.quantile(0.95).to_bits(),
            cost.quantile(0.95).to_bits(),
            "{f}"
        );
    }
    assert!(
        r.probabilities
            .iter()
            .any(|p| p.probability == Probability::CostPerMtokBelowPrice)
    );
}

/// The `per_scenario` statistics of metric `m` for scenario `k` of a `compare --format json`.
fn scenario_stats<'a>(j: &'a serde_json::Value, m: &str, k: usize) -> &'a serde_json::Value {
    &j["metrics"][m]["per_scenario"][k]
}

#[test]
fn variants_in_the_file_are_the_scenario_with_their_overrides_on_common_random_numbers() {
    let out = tmp("variants-file");
    let file = "tests/data/small-cloud-variants.toml";
    let common = [
        "--samples",
        "3000",
        "--seed",
        "11",
        "--no-charts",
        "--quiet",
    ];
    let mut args = vec!["compare", file, "--format", "json", "--out"];
    args.push(out.to_str().unwrap());
    args.extend(common);
    let j = crate::common::run_json(&args);
    assert_eq!(
        j["scenarios"],
        serde_json::json!([
            "Small cloud test deal, with variants",
            "rubin-late",
            "dear-pue"
        ])
    );
    assert_eq!(
        j["files"][2],
        format!("{file} with facility.pue=1.4; facility.it_overhead=0.15")
    );
    // Each variant is, to the bit, a run of the file with its overrides as --set.
    for (k, sets) in [
        (1, vec!["fleet.rubin.online=2028"]),
        (2, vec!["facility.pue=1.4", "facility.it_overhead=0.15"]),
    ] {
        let run_out = tmp("variants-run");
        let mut run = vec!["run", file, "--format", "json", "--out"];
        run.push(run_out.to_str().unwrap());
        run.extend(common);
        for s in &sets {
            run.extend(["--set", s]);
        }
        let own = crate::common::run_json(&run);
        for m in ["gpus", "cost_usd", "npv_usd", "cost_per_mtok_usd"] {
            for q in ["p5", "p50", "p95", "mean"] {
                assert_eq!(
                    scenario_stats(&j, m, k)[q],
                    own["metrics"][m][q],
                    "variant {k}, {m} {q}"
                );
            }
        }
    }
    // By hand: PUE 1.4 and 15% overhead fit fewer GPUs in the same 100 MW (the base draws
    // PUE 1.10-1.35 and overhead 5-15%), in every paired sample.
    assert_eq!(j["metrics"]["gpus"]["p_lower"][2], 1.0);
    // Vera Rubin online in 2028 instead of 2026.75-2027.5 leaves the fleet's size alone.
    assert_eq!(j["metrics"]["gpus"]["difference"][1]["p95"], 0.0);
}

#[test]
fn a_variant_on_the_command_line_equals_the_same_variant_in_a_file() {
    let (o1, o2) = (tmp("variant-flag"), tmp("variant-file"));
    let common = [
        "--samples",
        "2000",
        "--seed",
        "3",
        "--no-charts",
        "--quiet",
        "--format",
        "json",
    ];
    let mut flag = vec![
        "compare",
        "tests/data/small-cloud.toml",
        "--variant",
        "dear-pue: facility.pue=1.4;facility.it_overhead=0.15",
        "--out",
        o1.to_str().unwrap(),
    ];
    flag.extend(common);
    let mut file = vec!["compare", "tests/data/small-cloud-variants.toml", "--out"];
    file.push(o2.to_str().unwrap());
    file.extend(common);
    let (a, b) = (
        crate::common::run_json(&flag),
        crate::common::run_json(&file),
    );
    assert_eq!(a["scenarios"][1], "dear-pue");
    for m in ["gpus", "cost_usd", "npv_usd"] {
        // The flag's variant is B; the file's dear-pue is C.
        assert_eq!(scenario_stats(&a, m, 1), scenario_stats(&b, m, 2), "{m}");
        assert_eq!(
            a["metrics"][m]["difference"][1], b["metrics"][m]["difference"][2],
            "{m}"
        );
    }
}

#[test]
fn bad_variants_are_named_where_they_were_written() {
    let small = "tests/data/small-cloud.toml";
    let fails = |args: &[&str]| -> String {
        let mut cmd = cargo_bin_cmd!("gwsim");
        cmd.args(args);
        if args[0] == "compare" {
            cmd.args(["--samples", "1000", "--no-charts", "--quiet"]);
        }
        let out = cmd.output().expect("runs");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // A bad value in the second override of the second --variant: its column in that flag.
    let e = fails(&[
        "compare",
        small,
        "--variant",
        "ok: facility.pue=1.3",
        "--variant",
        "bad:  facility.pue=1.3; workload.utilization=7",
    ]);
    assert!(
        e.contains("--variant:2:46: error: variant 'bad': workload.utilization:"),
        "{e}"
    );
    // An unknown path, a flag without a name, a name used twice.
    let e = fails(&["compare", small, "--variant", "x: fleet.rubin.onlin=2028"]);
    assert!(
        e.contains("--variant:1:4:") && e.contains("did you mean 'online'"),
        "{e}"
    );
    let e = fails(&["compare", small, "--variant", "nocolon"]);
    assert!(
        e.contains("--variant:1:1: error: --variant expects 'NAME: PATH=VALUE"),
        "{e}"
    );
    let e = fails(&[
        "compare",
        small,
        "--variant",
        "a: facility.pue=1.2",
        "--variant",
        "a: facility.pue=1.3",
    ]);
    assert!(
        e.contains("--variant:2:1:") && e.contains("'a' is already compared"),
        "{e}"
    );
    let e = fails(&["compare", small, "--variant", "a b: facility.pue=1.2"]);
    assert!(e.contains("name 'a b' must be letters"), "{e}");
    // --variant with two files; one file without variants.
    let e = fails(&["compare", small, small, "--variant", "a: facility.pue=1.2"]);
    assert!(
        e.contains("--variant compares one scenario with its variants; got 2 files"),
        "{e}"
    );
    let e = fails(&["compare", small]);
    assert!(e.contains("or one with variants"), "{e}");
    // In a file: the line and column of the override, the variant's table for a bad name or an
    // empty set; `check` applies the overrides too.
    let dir = tmp("bad-variants");
    std::fs::create_dir_all(&*dir).unwrap();
    let base = std::fs::canonicalize("tests/data/small-cloud.toml").unwrap();
    let f = dir.join("v.toml");
    std::fs::write(
        &f,
        format!(
            "extends = {:?}\n[[variant]]\nname = \"late\"\nset = [\"facility.pue=1.2\", \"fleet.rubin.onlin=2028\"]\n[[variant]]\nname = \"no sets\"\nset = []\n",
            base.display().to_string()
        ),
    )
    .unwrap();
    let fs = f.to_str().unwrap();
    let e = fails(&["compare", fs]);
    assert!(
        e.contains("v.toml:5:1: error: variant[2]: the variant's name 'no sets'"),
        "{e}"
    );
    assert!(
        e.contains("v.toml:7:7: error: variant[2].set: 'set' must be a non-empty array"),
        "{e}"
    );
    std::fs::write(
        &f,
        format!(
            "extends = {:?}\n[[variant]]\nname = \"late\"\nset = [\"facility.pue=1.2\", \"fleet.rubin.onlin=2028\"]\n",
            base.display().to_string()
        ),
    )
    .unwrap();
    for cmd in ["compare", "check"] {
        let e = fails(&[cmd, fs]);
        assert!(
            e.contains("v.toml:4:28: error: variant 'late': fleet.rubin.onlin: cannot set"),
            "{cmd}: {e}"
        );
    }
}

#[test]
fn more_variants_than_a_comparison_takes_are_refused_before_any_is_loaded() {
    let dir = tmp("many-variants");
    std::fs::create_dir_all(&*dir).unwrap();
    let base = std::fs::canonicalize("tests/data/small-cloud.toml").unwrap();
    let mut text = format!("extends = {:?}\n", base.display().to_string());
    for i in 0..101 {
        text.push_str(&format!(
            "[[variant]]\nname = \"v{i}\"\nset = [\"facility.pue=1.{i:03}\"]\n"
        ));
    }
    let f = dir.join("many.toml");
    std::fs::write(&f, text).unwrap();
    let out = cargo_bin_cmd!("gwsim")
        .args([
            "compare",
            f.to_str().unwrap(),
            "--samples",
            "100",
            "--quiet",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("101 variants to compare; at most 100 at once"),
        "{e}"
    );
}

#[test]
fn a_file_compared_with_its_variants_warns_once() {
    // The file and each variant are read from the same text, so they carry the same warning:
    // it is printed once, not once per scenario.
    let dir = tmp("variant-warnings");
    std::fs::create_dir_all(&dir).expect("folder");
    let text = std::fs::read_to_string(data("small-cloud.toml")).expect("fixture");
    let pue = "pue = { triangular = [1.10, 1.18, 1.35], source = \"test fixture\" }";
    assert!(text.contains(pue));
    let file = dir.join("truncated.toml");
    std::fs::write(
        &file,
        text.replace(
            pue,
            "pue = { normal = { mean = 1.05, sd = 0.1 }, source = \"test fixture\" }",
        ),
    )
    .expect("write");
    let o = cargo_bin_cmd!("gwsim")
        .arg("compare")
        .arg(&file)
        .args(["--variant", "a: discount_rate=0.1"])
        .args(["--variant", "b: discount_rate=0.12"])
        .args([
            "--samples",
            "1000",
            "--no-charts",
            "--format",
            "json",
            "--out",
        ])
        .arg(dir.join("out"))
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err.matches("lies outside the field's domain").count(),
        1,
        "{err}"
    );
}
