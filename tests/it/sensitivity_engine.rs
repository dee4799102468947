//! The sensitivity driver on real scenarios: the tornado against hand arithmetic, the sign of
//! rank correlations, bit-identical results on one and two threads, and the JSON report's keys.

use gwsim::engine::sensitivity::{SensitivityConfig, SensitivityResult, analyse};
use gwsim::engine::{RunConfig, Simulation};
use gwsim::error::Error;
use gwsim::model::Metric;
use gwsim::report::sensitivity::SensitivityReport;
use gwsim::scenario::{self, Scenario};

/// gpus_per_gw = 1e6 / (it_kw / gpus × (1 + it_overhead) × pue) for a fleet sized by GPU count:
/// only it_kw, it_overhead and pue move it. The other uncertain values must not.
const GPUS_SCENARIO: &str = r#"
name = "Tornado by hand"
start_year = 2026
years = 2
discount_rate = { uniform = [0.05, 0.15] }

[facility]
pue = { uniform = [1.1, 1.3] }
it_overhead = { uniform = [0.05, 0.15] }

[procurement]
mode = "cloud"
price_usd_per_gpu_hour = { uniform = [2.0, 4.0] }

[[fleet]]
system = "gb200-nvl72"
gpus = 72000
online = 2026

[systems.gb200-nvl72]
it_kw = { uniform = [120, 140] }

[workload]
inference_share = 0.5
utilization = { uniform = [0.4, 0.6] }
mfu = 0.4
"#;

fn load(text: &str, sets: &[String]) -> Scenario {
    scenario::load_str(text, "test.toml", None, sets).expect("valid scenario")
}

fn analyse_with(
    s: &Scenario,
    metric: Metric,
    threads: usize,
    samples: u64,
    sobol: usize,
) -> (Simulation, SensitivityResult) {
    let cfg = RunConfig {
        samples,
        ..RunConfig::from_scenario(s)
    };
    let sim = Simulation::new(s, &cfg).expect("simulation");
    let scfg = SensitivityConfig {
        metric,
        samples,
        threads: Some(threads),
        sobol_samples: sobol,
        bootstrap: 200,
    };
    let r = analyse(&sim, &scfg, &mut |_, _| {}).expect("analysis");
    (sim, r)
}

fn gpus_per_gw(it_kw: f64, overhead: f64, pue: f64) -> f64 {
    1e6 / (it_kw / 72.0 * (1.0 + overhead) * pue)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn tornado_matches_hand_arithmetic() {
    let s = load(GPUS_SCENARIO, &[]);
    let (sim, r) = analyse_with(&s, Metric::GpusPerGw, 2, 2000, 256);
    // Medians and p10/p90 of the uniforms, by hand.
    let (kw, ovh, pue) = (130.0, 0.10, 1.2);
    assert!(close(r.base, gpus_per_gw(kw, ovh, pue)), "base {}", r.base);
    let find = |path: &str| {
        let p = sim
            .inputs
            .iter()
            .position(|i| i.path == path)
            .unwrap_or_else(|| panic!("no input {path}"));
        r.tornado[p]
    };
    let t = find("facility.pue");
    assert!(
        close(t.input_low, 1.12) && close(t.input_high, 1.28),
        "{t:?}"
    );
    assert!(close(t.low, gpus_per_gw(kw, ovh, 1.12)), "{t:?}");
    assert!(close(t.high, gpus_per_gw(kw, ovh, 1.28)), "{t:?}");
    let t = find("facility.it_overhead");
    assert!(close(t.low, gpus_per_gw(kw, 0.06, pue)), "{t:?}");
    assert!(close(t.high, gpus_per_gw(kw, 0.14, pue)), "{t:?}");
    let t = find("systems.gb200-nvl72.it_kw");
    assert!(close(t.low, gpus_per_gw(122.0, ovh, pue)), "{t:?}");
    assert!(close(t.high, gpus_per_gw(138.0, ovh, pue)), "{t:?}");
    for path in [
        "discount_rate",
        "procurement.price_usd_per_gpu_hour",
        "workload.utilization",
    ] {
        let t = find(path);
        assert_eq!(t.low, r.base, "{path} must not move gpus_per_gw");
        assert_eq!(t.high, r.base, "{path} must not move gpus_per_gw");
    }
    // The report orders the bars by swing: it_kw (±6%), then pue (±6.7%)… by hand.
    let rep = SensitivityReport::new(&s, &sim, &r, s.simulation.sampler);
    let swings: Vec<f64> = rep.tornado.iter().map(|t| t.swing).collect();
    assert!(swings.windows(2).all(|w| w[0] >= w[1]), "{swings:?}");
    let pue_swing = gpus_per_gw(kw, ovh, 1.12) - gpus_per_gw(kw, ovh, 1.28);
    let kw_swing = gpus_per_gw(122.0, ovh, pue) - gpus_per_gw(138.0, ovh, pue);
    let ovh_swing = gpus_per_gw(kw, 0.06, pue) - gpus_per_gw(kw, 0.14, pue);
    let mut expected = [
        ("facility.pue", pue_swing),
        ("systems.gb200-nvl72.it_kw", kw_swing),
        ("facility.it_overhead", ovh_swing),
    ];
    expected.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (row, (path, sw)) in rep.tornado.iter().zip(expected) {
        assert_eq!(row.path, path);
        assert!(close(row.swing, sw), "{row:?} vs {sw}");
    }
    // Sobol': the three physical inputs carry all the variance; the rest none.
    let total: f64 = r.sobol.indices.iter().map(|x| x.total).sum();
    assert!(total > 0.9 && total < 1.2, "sum of ST {total}");
    for (input, x) in sim.inputs.iter().zip(&r.sobol.indices) {
        if ![
            "facility.pue",
            "facility.it_overhead",
            "systems.gb200-nvl72.it_kw",
        ]
        .contains(&input.path.as_str())
        {
            assert_eq!(x.total, 0.0, "{}: {x:?}", input.path);
        }
    }
}

#[test]
fn more_pue_means_fewer_gpus_per_gw() {
    // PUE is the only uncertain value that moves gpus_per_gw here: fix the others.
    let sets = [
        "facility.it_overhead=0.1".to_string(),
        "systems.gb200-nvl72.it_kw=130".to_string(),
    ];
    let s = load(GPUS_SCENARIO, &sets);
    let (sim, r) = analyse_with(&s, Metric::GpusPerGw, 2, 5000, 256);
    let p = sim
        .inputs
        .iter()
        .position(|i| i.path == "facility.pue")
        .expect("pue");
    assert!(
        r.spearman[p] < -0.9,
        "rho(pue, gpus_per_gw) = {}",
        r.spearman[p]
    );
    assert!(r.spearman[p] >= -1.0);
    let x = r.sobol.indices[p];
    assert!(x.first > 0.9 && x.total > 0.9, "{x:?}");
    for (q, rho) in r.spearman.iter().enumerate() {
        if q != p {
            assert!(rho.abs() < 0.1, "{}: {rho}", sim.inputs[q].path);
        }
    }
}

fn headline() -> Scenario {
    scenario::load_str(scenario::HEADLINE_TOML, scenario::HEADLINE_NAME, None, &[])
        .expect("headline")
}

#[test]
fn same_seed_same_bits_on_one_and_two_threads() {
    let s = headline();
    let json = |threads| {
        let (sim, r) = analyse_with(&s, Metric::CostPerMtokUsd, threads, 40_000, 1500);
        SensitivityReport::new(&s, &sim, &r, s.simulation.sampler).to_json()
    };
    let (one, two) = (json(1), json(2));
    assert_eq!(one, two);
    assert!(one.contains("\"spearman\""));
}

#[test]
fn json_has_the_model_keys_and_warns_about_correlations() {
    let s = headline();
    let (sim, r) = analyse_with(&s, Metric::CostPerMtokUsd, 2, 3000, 512);
    let rep = SensitivityReport::new(&s, &sim, &r, s.simulation.sampler);
    let v: serde_json::Value = serde_json::from_str(&rep.to_json()).expect("json");
    for k in [
        "metric", "samples", "seed", "spearman", "tornado", "sobol", "warnings",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["metric"], "cost_per_mtok_usd");
    assert_eq!(v["samples"], 3000);
    assert_eq!(v["seed"], 2025);
    let k = sim.inputs.len();
    for (list, keys) in [
        ("spearman", &["path", "rho"][..]),
        ("tornado", &["path", "low", "high", "swing"][..]),
        (
            "sobol",
            &["path", "first", "first_ci", "total", "total_ci"][..],
        ),
    ] {
        let rows = v[list].as_array().expect("array");
        assert_eq!(rows.len(), k, "{list}");
        for row in rows {
            for key in keys {
                assert!(row.get(*key).is_some(), "{list} row lacks {key}: {row}");
            }
        }
    }
    assert_eq!(v["sobol"][0]["first_ci"].as_array().expect("ci").len(), 2);
    let warnings = v["warnings"].as_array().expect("warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().is_some_and(|w| w.contains("independent inputs"))),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w
            .as_str()
            .is_some_and(|w| w.contains("512 Sobol' base samples"))),
        "{warnings:?}"
    );
}

#[test]
fn a_metric_the_scenario_lacks_is_an_input_error() {
    let s = load(GPUS_SCENARIO, &[]);
    let cfg = RunConfig::from_scenario(&s);
    let sim = Simulation::new(&s, &cfg).expect("simulation");
    let scfg = SensitivityConfig {
        metric: Metric::NpvUsd,
        samples: 100,
        threads: Some(1),
        sobol_samples: 64,
        bootstrap: 10,
    };
    let e = analyse(&sim, &scfg, &mut |_, _| {}).expect_err("absent metric");
    assert_eq!(e.exit_code(), 1);
    assert!(
        matches!(
            e,
            Error::AbsentMetric {
                metric: Metric::NpvUsd,
                reason
            } if reason.contains("price_usd_per_mtok")
        ),
        "{e:?}"
    );
}
