//! Valid scenarios: every value form parses into the right distribution, defaults apply, the
//! catalog and the headline scenario load cleanly with a source on every figure.

use gwsim::dist::Dist;
use gwsim::scenario::{
    CATALOG_TOML, GpuHourPrice, HEADLINE_NAME, HEADLINE_TOML, InvestmentKind, Mode, SamplerKind,
    Scenario, Size, catalog, load_str,
};

const BASE: &str = include_str!("../fixtures/base.toml");

fn with_mfu(value: &str) -> Scenario {
    let text = BASE.replacen("mfu = 0.35", &format!("mfu = {value}"), 1);
    load_str(&text, "v.toml", None, &[]).unwrap_or_else(|e| panic!("{value}: {e}"))
}

#[test]
fn every_value_form() {
    let cases: Vec<(&str, Dist)> = vec![
        ("0.35", Dist::fixed(0.35).unwrap()),
        (
            "{ fixed = 0.35, source = \"s\" }",
            Dist::fixed(0.35).unwrap(),
        ),
        (
            "\"0.3 to 0.45\"",
            Dist::lognormal_p5_p95(0.3, 0.45).unwrap(),
        ),
        (
            "{ uniform = [0.3, 0.45] }",
            Dist::uniform(0.3, 0.45).unwrap(),
        ),
        (
            "{ normal = { mean = 0.35, sd = 0.05 } }",
            Dist::normal(0.35, 0.05).unwrap(),
        ),
        (
            "{ lognormal = { p5 = 0.3, p95 = 0.45 } }",
            Dist::lognormal_p5_p95(0.3, 0.45).unwrap(),
        ),
        (
            "{ lognormal = { median = 0.35, sigma = 0.1 } }",
            Dist::lognormal_median_sigma(0.35, 0.1).unwrap(),
        ),
        (
            "{ triangular = [0.3, 0.35, 0.45] }",
            Dist::triangular(0.3, 0.35, 0.45).unwrap(),
        ),
        (
            "{ pert = [0.3, 0.35, 0.45] }",
            Dist::pert(0.3, 0.35, 0.45).unwrap(),
        ),
        (
            "{ beta = { alpha = 2, beta = 5 } }",
            Dist::beta(2.0, 5.0, 0.0, 1.0).unwrap(),
        ),
        (
            "{ beta = { alpha = 2, beta = 5 }, min = 0.2, max = 0.5 }",
            Dist::beta(2.0, 5.0, 0.2, 0.5).unwrap(),
        ),
        (
            "{ discrete = { values = [0.3, 0.4], weights = [1, 3] } }",
            Dist::discrete(vec![0.3, 0.4], Some(vec![1.0, 3.0])).unwrap(),
        ),
        (
            "{ discrete = { values = [0.3, 0.4] } }",
            Dist::discrete(vec![0.3, 0.4], None).unwrap(),
        ),
        ("1", Dist::fixed(1.0).unwrap()),
    ];
    for (text, want) in cases {
        let s = with_mfu(text);
        assert_eq!(s.workload.mfu.marginal.dist(), &want, "{text}");
        assert_eq!(s.workload.mfu.path, "workload.mfu");
    }
}

#[test]
fn source_note_and_truncation() {
    let s = with_mfu(
        "{ normal = { mean = 0.35, sd = 0.1 }, min = 0.2, max = 0.5, source = \"Meta, Llama 3 paper, Jul 2024\", note = \"BF16\" }",
    );
    let p = &s.workload.mfu;
    assert_eq!(p.source.as_deref(), Some("Meta, Llama 3 paper, Jul 2024"));
    assert_eq!(p.note.as_deref(), Some("BF16"));
    assert_eq!(p.marginal.bounds(), (0.2, 0.5));
    let o = p.origin.as_ref().unwrap();
    assert_eq!((&*o.file, o.line), ("v.toml", 32));
    // An unbounded marginal is truncated to its field's domain.
    let s = with_mfu("{ normal = { mean = 0.5, sd = 0.2 } }");
    assert_eq!(s.workload.mfu.marginal.bounds(), (0.0, 1.0));
}

#[test]
fn defaults() {
    let text = BASE.replacen("ramp_years = 0.5\n", "", 1).replacen(
        "[simulation]\nsamples = 1000\nseed = 7\nsampler = \"mc\"\n",
        "",
        1,
    );
    let s = load_str(&text, "d.toml", None, &[]).unwrap_or_else(|e| panic!("{e}"));
    let t = &s.fleet[0];
    assert_eq!(t.ramp_years.fixed_value(), Some(0.0));
    assert_eq!(t.ramp_years.path, "fleet.blackwell.ramp_years");
    assert!(t.retire.is_none());
    assert_eq!(s.simulation.samples, 10_000);
    assert_eq!(s.simulation.seed, 2025);
    assert_eq!(s.simulation.sampler, SamplerKind::Lhs);
    assert_eq!(s.procurement.mode, Mode::Cloud);
    assert!(s.procurement.maintenance_pct_of_capex.is_none());
}

#[test]
fn integers_written_as_floats() {
    let text =
        BASE.replacen("years = 5", "years = 5.0", 1)
            .replacen("samples = 1000", "samples = 1e3", 1);
    let s = load_str(&text, "i.toml", None, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.years, 5);
    assert_eq!(s.simulation.samples, 1000);
    assert_eq!(s.simulation.seed, 7);
    assert_eq!(s.simulation.sampler, SamplerKind::Mc);
}

#[test]
fn tranche_name_defaults_to_its_system() {
    let text = BASE.replacen("name = \"blackwell\"\n", "", 1);
    let s = load_str(&text, "n.toml", None, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.fleet[0].name, "gb200-nvl72");
    assert!(matches!(&s.fleet[0].size, Size::PowerMw(p) if p.path == "fleet.gb200-nvl72.power_mw"));
}

#[test]
fn single_price_applies_to_every_system() {
    let text = BASE.replacen("{ gb200-nvl72 = \"3 to 5\" }", "{ uniform = [3, 5] }", 1);
    let s = load_str(&text, "p.toml", None, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(&s.procurement.price_usd_per_gpu_hour, Some(GpuHourPrice::All(p)) if p.path == "procurement.price_usd_per_gpu_hour")
    );
    assert!(s.procurement.price_for("anything").is_some());
}

#[test]
fn owned_mode() {
    let text = BASE.replacen("mode = \"cloud\"", "mode = \"owned\"\nhardware_life_years = \"4 to 6\"", 1).replacen(
        "it_overhead = 0.1",
        "it_overhead = 0.1\nload_factor = \"0.6 to 0.85\"\npower_price_usd_per_kwh = \"0.045 to 0.10\"\ndatacenter_capex_usd_per_mw = \"8e6 to 14e6\"\ndatacenter_life_years = 15",
        1,
    );
    let s = load_str(&text, "o.toml", None, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.procurement.mode, Mode::Owned);
    assert_eq!(
        s.procurement
            .maintenance_pct_of_capex
            .as_ref()
            .and_then(|p| p.fixed_value()),
        Some(0.0)
    );
    assert!(s.facility.load_factor.is_some());
    // Paths are unique.
    let mut paths: Vec<&str> = s.params().iter().map(|p| p.path.as_str()).collect();
    let n = paths.len();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), n);
}

#[test]
fn system_override_and_new_system() {
    let text = format!(
        "{BASE}\n[[fleet]]\nname = \"custom\"\nsystem = \"my-rack\"\nsystems = {{ uniform = [10, 20] }}\nonline = 2027\nretire = 2030\n\
         \n[systems.gb200-nvl72]\ntokens_per_gpu_s = \"800 to 3000\"\n\
         \n[systems.my-rack]\ngpus = 4\nit_kw = 6\nprice_usd = 1.5e5\npflops_fp8 = 1\ntokens_per_gpu_s = 300\n\
         \n[systems.h100-hgx]\nit_kw = 11\n"
    )
    .replacen("{ gb200-nvl72 = \"3 to 5\" }", "{ gb200-nvl72 = \"3 to 5\", my-rack = 2, h100-hgx = 2 }", 1);
    let s = load_str(&text, "s.toml", None, &[]).unwrap_or_else(|e| panic!("{e}"));
    // Only the systems the fleet uses.
    assert_eq!(
        s.systems.keys().collect::<Vec<_>>(),
        vec!["gb200-nvl72", "my-rack"]
    );
    let g = &s.systems["gb200-nvl72"];
    let tps = g.tokens_per_gpu_s.as_ref().expect("given in the scenario");
    assert_eq!(
        tps.marginal.dist(),
        &Dist::lognormal_p5_p95(800.0, 3000.0).unwrap()
    );
    assert_eq!(tps.path, "systems.gb200-nvl72.tokens_per_gpu_s");
    assert!(g.it_kw.source.is_some());
    let m = &s.systems["my-rack"];
    assert_eq!(m.gpus, 4);
    assert!(m.hbm_gb.is_none() && m.pflops_fp4.is_none() && m.available.is_none());
    let custom = &s.fleet[1];
    assert!(
        custom
            .retire
            .as_ref()
            .is_some_and(|r| r.fixed_value() == Some(2030.0))
    );
    // The price of h100-hgx is not sampled: the fleet does not use it.
    assert!(s.params().iter().all(|p| !p.path.contains("h100")));
}

#[test]
fn correlations_are_kept() {
    let text = format!(
        "{BASE}\n[[correlation]]\nbetween = [\"procurement.price_usd_per_gpu_hour.gb200-nvl72\", \"workload.utilization\"]\nrank = -0.5\n"
    );
    let s = load_str(&text, "c.toml", None, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.correlations.len(), 1);
    assert_eq!(s.correlations[0].rank, -0.5);
    assert_eq!(s.correlations[0].origin.as_ref().map(|o| o.line), Some(40));
}

#[test]
fn sha256_of_the_file_bytes() {
    let a = load_str(BASE, "a.toml", None, &[]).unwrap();
    let b = load_str(BASE, "b.toml", None, &[]).unwrap();
    assert_eq!(a.sha256, b.sha256);
    let c = load_str(&BASE.replacen("test", "test2", 1), "a.toml", None, &[]).unwrap();
    assert_ne!(a.sha256, c.sha256);
    assert!(a.sha256.chars().all(|c| c.is_ascii_hexdigit()) && a.sha256.len() == 64);
}

#[test]
fn headline_scenario_is_valid_and_sourced() {
    let s = load_str(HEADLINE_TOML, HEADLINE_NAME, None, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    assert_eq!(s.procurement.mode, Mode::Cloud);
    assert_eq!(
        s.procurement
            .commitment_usd
            .as_ref()
            .and_then(|p| p.fixed_value()),
        Some(30e9)
    );
    let total_mw: f64 = s
        .fleet
        .iter()
        .map(|t| match &t.size {
            Size::PowerMw(p) => p.marginal.bounds().1,
            _ => f64::INFINITY,
        })
        .sum();
    assert!(total_mw <= 1000.0);
    // As written: a minimum spend, and both investments are shares in Anthropic.
    assert!(s.procurement.take_or_pay);
    assert_eq!(s.investments.len(), 2);
    assert!(
        s.investments
            .iter()
            .all(|i| i.kind == InvestmentKind::Equity)
    );
    assert!(s.workload.model.is_some());
    assert_eq!(s.correlations.len(), 4);
    assert_eq!(
        (
            s.simulation.samples,
            s.simulation.seed,
            s.simulation.sampler
        ),
        (100_000, 2025, SamplerKind::Lhs)
    );
    for p in s.params() {
        if p.origin.is_some() {
            assert!(
                p.source.as_deref().is_some_and(|s| !s.is_empty()),
                "{} has no source",
                p.path
            );
        }
    }
}

#[test]
fn catalog_loads_with_every_field_sourced() {
    let systems = catalog().unwrap_or_else(|e| panic!("{e}"));
    let keys: Vec<&str> = systems.iter().map(|s| s.key.as_str()).collect();
    for k in [
        "gb200-nvl72",
        "gb300-nvl72",
        "vera-rubin-nvl144",
        "h100-hgx",
        "tpu-v7-ironwood",
        "trainium2",
    ] {
        assert!(keys.contains(&k), "{k} missing");
    }
    for s in &systems {
        assert!(
            s.description.as_deref().is_some_and(|d| d.len() > 20),
            "{}",
            s.key
        );
        assert!(s.available.is_some(), "{}", s.key);
        assert!(s.gpus >= 8, "{}", s.key);
        let mut params = vec![&s.it_kw, &s.price_usd, &s.pflops_fp8];
        params.extend(s.tokens_per_gpu_s.iter());
        params.extend(s.pflops_fp4.iter());
        params.extend(s.hbm_gb.iter());
        params.extend(s.hbm_tb_s.iter());
        for p in params {
            assert!(
                p.path.starts_with(&format!("systems.{}.", s.key)),
                "{}",
                p.path
            );
            assert!(
                p.source.as_deref().is_some_and(|x| x.len() > 10),
                "{} lacks a source",
                p.path
            );
            assert_eq!(p.origin.as_ref().map(|o| &*o.file), Some("systems.toml"));
        }
        // Throughput is uncertain everywhere: it depends on the workload.
        assert!(
            s.tokens_per_gpu_s
                .as_ref()
                .is_some_and(|t| t.is_uncertain()),
            "{}",
            s.key
        );
    }
    let g = systems.iter().find(|s| s.key == "gb200-nvl72").unwrap();
    assert_eq!(g.gpus, 72);
    assert_eq!(g.pflops_fp8.fixed_value(), Some(5.0));
    let r = systems
        .iter()
        .find(|s| s.key == "vera-rubin-nvl144")
        .unwrap();
    assert_eq!(r.it_kw.marginal.bounds(), (170.0, 230.0));
    assert_eq!(r.price_usd.marginal.bounds(), (3.5e6, 8.8e6));
    assert_eq!(
        systems.iter().find(|s| s.key == "h100-hgx").unwrap().gpus,
        8
    );
}

#[test]
fn catalog_gpus_are_sourced_in_the_file() {
    // `gpus` is a plain integer in `System`; its source lives in the file.
    let table: toml::Table = toml::from_str(CATALOG_TOML).unwrap();
    let systems = table["systems"].as_table().unwrap();
    for (key, sys) in systems {
        let gpus = sys
            .get("gpus")
            .and_then(|g| g.as_table())
            .unwrap_or_else(|| panic!("{key}.gpus"));
        assert!(
            gpus.get("source")
                .and_then(|s| s.as_str())
                .is_some_and(|s| !s.is_empty()),
            "{key}.gpus"
        );
        for (field, v) in sys.as_table().unwrap() {
            if let Some(t) = v.as_table() {
                assert!(t.contains_key("source"), "{key}.{field} lacks a source");
            } else {
                assert!(v.is_str(), "{key}.{field}: a bare number has no source");
            }
        }
    }
}

/// The example of the README stays valid, as a file of `scenarios/`, and says what it says.
#[test]
fn readme_example_is_valid() {
    let doc = include_str!("../../README.md");
    let at = doc.find("```toml\n").expect("a TOML block") + 8;
    let end = doc[at..].find("```").expect("its end");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let s = load_str(&doc[at..at + end], "readme.toml", Some(&dir), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let p = &s.procurement;
    assert_eq!(
        p.commitment_usd.as_ref().and_then(|c| c.fixed_value()),
        Some(15e9)
    );
    assert!(p.take_or_pay);
}

/// The examples of the scenario-file reference stay valid.
#[test]
fn reference_examples_are_valid() {
    let doc = include_str!("../../docs/scenario-format.md");
    let block = |title: &str| -> String {
        let at = doc.find(title).unwrap_or_else(|| panic!("{title}"));
        let rest = &doc[at..];
        let start = rest.find("```toml\n").unwrap() + 8;
        let end = rest[start..].find("```").unwrap();
        rest[start..start + end].to_string()
    };
    let full = block("## A complete example");
    let s = load_str(&full, "example.toml", None, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    // The extends example, against the headline scenario.
    let dir = std::env::temp_dir().join(format!("gwsim-doc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(HEADLINE_NAME), HEADLINE_TOML).unwrap();
    let child = block("## `extends`: building on another scenario");
    let s = load_str(&child, "owned.toml", Some(&dir), &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.procurement.mode, Mode::Owned);
    assert_eq!(s.fleet.len(), 2);
    std::fs::remove_dir_all(&dir).ok();
    // The --set examples, on the headline.
    let sets: Vec<String> = [
        "facility.pue=1.3",
        "facility.pue={triangular=[1.1,1.2,1.4]}",
        "fleet.rubin.online=\"2027 to 2028\"",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    load_str(HEADLINE_TOML, HEADLINE_NAME, None, &sets).unwrap_or_else(|e| panic!("{e}"));
}

/// A `--set` that fixes a correlated value (a what-if, or a sweep point) drops that correlation
/// with a warning naming it; the file's own fixed value in a correlation stays an error.
#[test]
fn a_value_fixed_by_set_leaves_its_correlations() {
    let text = format!(
        "{BASE}\n[[correlation]]\nbetween = [\"workload.utilization\", \"workload.inference_share\"]\nrank = 0.5\n"
    );
    let s = load_str(&text, "c.toml", None, &[]).unwrap();
    assert_eq!(s.correlations.len(), 1);

    let sets = vec!["workload.utilization=0.6".to_string()];
    let s = load_str(&text, "c.toml", None, &sets).unwrap_or_else(|e| panic!("{e}"));
    assert!(s.correlations.is_empty());
    let w = s
        .warnings
        .iter()
        .find(|w| w.message.contains("fixed on the command line"))
        .unwrap_or_else(|| panic!("{:?}", s.warnings));
    assert_eq!(w.path.as_deref(), Some("correlation[1]"));
    assert!(w.message.contains("workload.utilization"), "{}", w.message);
    assert_eq!(w.location.as_ref().map(|l| l.line), Some(40));

    let fixed_in_file = text.replace(
        "utilization = { uniform = [0.4, 0.8] }",
        "utilization = 0.6",
    );
    let e = load_str(&fixed_in_file, "c.toml", None, &[]).unwrap_err();
    assert!(
        e.to_string()
            .contains("only uncertain values can be correlated"),
        "{e}"
    );
}
