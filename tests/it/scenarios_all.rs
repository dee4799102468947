//! Every scenario shipped in `scenarios/` loads under the `--strict` rule (a source on every
//! value), runs, and gives finite headline metrics; the catalog loads; the headline embedded in
//! the binary is the file on disk. The folder is globbed, so a new scenario is tested without
//! being listed here.

use std::path::{Path, PathBuf};

use gwsim::engine::{RunConfig, Silent, Simulation};
use gwsim::model::METRICS;
use gwsim::scenario::{CATALOG_TOML, HEADLINE_NAME, HEADLINE_TOML, Scenario, catalog, load};

/// Samples per run: enough for stable p5/p95, small enough for a debug build.
const SAMPLES: u64 = 2_000;
/// The system catalog: a file of `[systems.KEY]` tables, not a scenario.
const CATALOG_FILE: &str = "systems.toml";

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// Every `*.toml` in `scenarios/` but the catalog, sorted by name.
fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .expect("scenarios/ is readable")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter(|p| p.file_name().is_some_and(|n| n != CATALOG_FILE))
        .collect();
    files.sort();
    files
}

fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

fn load_strict(p: &Path) -> Result<Scenario, String> {
    let s = load(p, &[]).map_err(|e| format!("{}: does not load:\n{e}", name(p)))?;
    let unsourced: Vec<&str> = s
        .params()
        .into_iter()
        .filter(|v| v.source.as_deref().is_none_or(|t| t.trim().is_empty()))
        .map(|v| v.path.as_str())
        .collect();
    if !unsourced.is_empty() {
        return Err(format!(
            "{}: values without a source: {}",
            name(p),
            unsourced.join(", ")
        ));
    }
    if !s.warnings.is_empty() {
        return Err(format!("{}: warnings: {:?}", name(p), s.warnings));
    }
    Ok(s)
}

#[test]
fn the_folder_holds_the_headline_and_other_deals() {
    let files: Vec<String> = scenario_files().iter().map(|p| name(p)).collect();
    assert!(files.contains(&HEADLINE_NAME.to_string()), "{files:?}");
    assert!(files.len() >= 2, "{files:?}");
}

#[test]
fn the_catalog_loads_and_is_the_embedded_one() {
    let on_disk = std::fs::read_to_string(scenarios_dir().join(CATALOG_FILE)).unwrap();
    assert_eq!(
        on_disk, CATALOG_TOML,
        "the binary embeds scenarios/{CATALOG_FILE}"
    );
    let systems = catalog().unwrap_or_else(|e| panic!("{e}"));
    assert!(!systems.is_empty());
}

#[test]
fn the_embedded_headline_is_the_file_on_disk() {
    let on_disk = std::fs::read_to_string(scenarios_dir().join(HEADLINE_NAME)).unwrap();
    assert_eq!(on_disk, HEADLINE_TOML);
}

#[test]
fn every_scenario_loads_with_every_value_sourced() {
    let errors: Vec<String> = scenario_files()
        .iter()
        .filter_map(|p| load_strict(p).err())
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n\n"));
}

#[test]
fn every_scenario_runs_with_finite_headline_metrics() {
    let mut errors = Vec::new();
    for p in scenario_files() {
        let s = match load_strict(&p) {
            Ok(s) => s,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let cfg = RunConfig {
            samples: SAMPLES,
            threads: Some(1),
            ..RunConfig::from_scenario(&s)
        };
        let r = match Simulation::new(&s, &cfg).and_then(|sim| sim.run(&cfg, &mut Silent)) {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("{}: does not run: {e}", name(&p)));
                continue;
            }
        };
        for m in METRICS.iter().copied().filter(|m| m.is_headline()) {
            let Some(acc) = r.metric(m) else {
                // Absent when the scenario lacks its inputs (no commitment, no revenue price);
                // the size and cost metrics never are.
                if matches!(
                    m.name(),
                    "gpus" | "facility_mw" | "gpus_per_gw" | "cost_usd" | "cost_per_gpu_hour_usd"
                ) {
                    errors.push(format!("{}: {} is absent", name(&p), m.name()));
                }
                continue;
            };
            let q = acc.quantiles(&[0.05, 0.5, 0.95]);
            let finite = q.iter().all(|x| x.is_finite()) && acc.mean().is_finite();
            if !finite || acc.count() != SAMPLES || acc.nan_count() != 0 {
                errors.push(format!(
                    "{}: {}: {} values of {SAMPLES}, {} NaN, p5/p50/p95 {q:?}, mean {}",
                    name(&p),
                    m.name(),
                    acc.count(),
                    acc.nan_count(),
                    acc.mean()
                ));
            }
        }
        // The fleet exists and costs something: a scenario that sizes nothing is a mistake.
        for (m, lo) in [("gpus", 1.0), ("cost_usd", 1.0)] {
            let m = gwsim::model::Metric::from_name(m).unwrap();
            if let Some(acc) = r.metric(m)
                && acc.quantile(0.05) < lo
            {
                errors.push(format!("{}: {} p5 below {lo}", name(&p), m.name()));
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
