//! The batch evaluator (`model::evaluate_batch`, behind `Simulation::run_batch`) gives, sample by
//! sample, exactly the bits of the one-sample `model::evaluate` (which `explain` and the tornado
//! use; the same code over a chunk of one, with every value a drawn column): every metric, every series value, NaN in the same places, and the same probability
//! counts. Checked on every scenario in `scenarios/`, the test fixtures, and edge scenarios whose
//! discrete draws hit zero denominators, zero ramps, retirement before going online and owned
//! mode without a commitment or a price.

use std::path::{Path, PathBuf};

use gwsim::engine::{BATCH_SIZE, BatchOut, RunConfig, Simulation, column_stride};
use gwsim::model::{self, BatchValue, CHUNK, METRICS, PROBABILITIES, SERIES, evaluate_batch};
use gwsim::scenario::{Scenario, load, load_str};

/// Samples per batch checked: not a multiple of the chunk, so a short last chunk is covered.
const SAMPLES: usize = 2 * CHUNK + 123;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Every `*.toml` of a folder but the catalog and the files that must fail to load.
fn tomls(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable folder")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n != "systems.toml" && !n.to_string_lossy().starts_with("bad-"))
        })
        .collect();
    files.sort();
    files
}

/// Equal bits, or both NaN (Rust leaves a NaN's sign and payload unspecified).
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Compare batch `batch` of `sim` (as the engine evaluates it) with the scalar evaluation of each
/// of its samples. Returns how many NaN outputs the batch had, to show the edge cases are hit.
fn check_batch(label: &str, sim: &Simulation, batch: u64, n: usize) -> usize {
    let plan = &sim.plan;
    let years = plan.years;
    let b: BatchOut = sim.run_batch(batch, n);
    assert_eq!(b.metrics.len(), METRICS.len() * b.stride);
    assert_eq!(b.series.len(), SERIES.len() * years * b.stride);
    let mut x = sim.template.clone();
    let mut counts = [0u64; PROBABILITIES.len()];
    let mut nans = 0;
    for i in 0..n {
        for (p, input) in sim.inputs.iter().enumerate() {
            x[input.index] = b.input(p)[i];
        }
        let out = model::evaluate(plan, &x);
        for (m, metric) in METRICS.iter().enumerate() {
            let (want, got) = (out.metrics[m], b.metric(m)[i]);
            nans += usize::from(got.is_nan());
            assert!(
                same(want, got),
                "{label}, batch {batch}, sample {i}: {} is {got:e} ({:#x}) in the batch, \
                 {want:e} ({:#x}) alone; inputs {x:?}",
                metric.name(),
                got.to_bits(),
                want.to_bits()
            );
        }
        for (c, series) in SERIES.iter().enumerate() {
            for k in 0..years {
                let (want, got) = (out.series[c * years + k], b.series_column(c * years + k)[i]);
                nans += usize::from(got.is_nan());
                assert!(
                    same(want, got),
                    "{label}, batch {batch}, sample {i}: series {} year {k} is {got:e} in the \
                     batch, {want:e} alone; inputs {x:?}",
                    series.name()
                );
            }
        }
        for (c, &hit) in counts.iter_mut().zip(out.probabilities.iter()) {
            *c += u64::from(hit);
        }
    }
    assert_eq!(
        counts, b.prob_counts,
        "{label}, batch {batch}: probability counts"
    );
    nans
}

fn check_scenario(label: &str, s: &Scenario) -> usize {
    let cfg = RunConfig::from_scenario(s);
    let sim = Simulation::new(s, &cfg).unwrap_or_else(|e| panic!("{label}: {e}"));
    // Two batches: the first, and a later one whose design differs.
    check_batch(label, &sim, 0, SAMPLES) + check_batch(label, &sim, 3, SAMPLES / 2 + 1)
}

fn check_file(path: &Path, sets: &[&str]) -> usize {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let s = load(path, &sets).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    check_scenario(&format!("{} {sets:?}", path.display()), &s)
}

#[test]
fn every_shipped_scenario_matches_the_scalar_model() {
    let files = tomls(&root().join("scenarios"));
    assert!(files.len() >= 5, "scenarios found: {files:?}");
    for f in files {
        check_file(&f, &[]);
    }
}

#[test]
fn every_test_fixture_matches_the_scalar_model() {
    let mut files = tomls(&root().join("tests/data"));
    files.extend(tomls(&root().join("tests/fixtures")));
    files.extend(
        tomls(&root().join("tests/fixtures/extends"))
            .into_iter()
            .filter(|p| {
                let n = p.file_name().unwrap().to_string_lossy();
                // The parent is incomplete on its own; cycles and a missing base do not load.
                !n.starts_with("cycle") && !n.starts_with("missing") && n != "parent.toml"
            }),
    );
    assert!(files.len() >= 5, "fixtures found: {files:?}");
    for f in files {
        check_file(&f, &[]);
    }
}

#[test]
fn overridden_scenarios_match_the_scalar_model() {
    let dir = root().join("scenarios");
    let headline = dir.join("anthropic-azure-nvidia-1gw.toml");
    check_file(&headline, &["years=7"]);
    check_file(&headline, &["years=1"]);
    // A retirement that cuts both tranches, sometimes before they come online.
    check_file(
        &headline,
        &[
            "fleet.blackwell.retire={ uniform = [2026.0, 2029.0] }",
            "fleet.rubin.retire={ uniform = [2026.5, 2028.0] }",
        ],
    );
    check_file(&headline, &["discount_rate=0"]);
    let owned = dir.join("anthropic-owned-1gw.toml");
    check_file(&owned, &["fleet.rubin.retire=2028.5", "discount_rate=0"]);
    check_file(&owned, &["procurement.hardware_life_years=1.5"]);
}

/// Discrete draws put exact zeros and coincidences into the model: zero power, zero IT power and
/// zero GPU-hours (0/0 and x/0 metrics), zero ramps (a step), retirement at or before going
/// online, a zero discount rate (CRF = 1/n), a lifetime next to zero.
const EDGES_CLOUD: &str = r#"
name = "edges, cloud"
start_year = 2026
years = 5
discount_rate = { discrete = { values = [0.0, 0.1, -0.5] } }

[facility]
power_mw = { discrete = { values = [0.0, 300.0, 1000.0] } }
pue = { discrete = { values = [1.0, 1.2] } }
it_overhead = { discrete = { values = [0.0, 0.1] } }

[procurement]
mode = "cloud"
commitment_usd = { discrete = { values = [0.0, 3e9] } }
price_usd_per_gpu_hour = { discrete = { values = [0.0, 3.0] } }

[[fleet]]
name = "a"
system = "gb200-nvl72"
power_mw = { discrete = { values = [0.0, 0.1, 0.34848, 200.0] } }
online = { discrete = { values = [2025.0, 2026.0, 2026.5, 2027.25, 2031.0] } }
ramp_years = { discrete = { values = [0.0, 0.5, 1.0, 3.0] } }
retire = { discrete = { values = [2025.0, 2026.0, 2026.5, 2027.75, 2029.0, 2040.0] } }

[[fleet]]
name = "b"
system = "vera-rubin-nvl144"
systems = { discrete = { values = [0.0, 1.0, 250.5] } }
online = { uniform = [2025.5, 2030.5] }
ramp_years = { discrete = { values = [0.0, 1.0] } }

[[fleet]]
name = "c"
system = "h100-hgx"
gpus = { discrete = { values = [0.0, 8.0, 1e5] } }
online = 2026.0

[[investment]]
name = "x"
amount_usd = { discrete = { values = [0.0, 1e9] } }
year = 2027

[[investment]]
name = "y"
amount_usd = { uniform = [0.0, 1e9] }
year = 2027

[workload]
inference_share = { discrete = { values = [0.0, 0.5, 1.0] } }
utilization = { discrete = { values = [0.0, 0.5] } }
mfu = { discrete = { values = [0.0, 0.4] } }
price_usd_per_mtok = { discrete = { values = [0.0, 5.0] } }

# A tranche sized by power needs systems that draw power (it_kw = 0 is refused): the
# smallest power instead.
[systems.gb200-nvl72]
it_kw = { discrete = { values = [1e-9, 132.0] } }
tokens_per_gpu_s = { discrete = { values = [0.0, 1000.0] } }

[simulation]
samples = 1000
seed = 11
sampler = "mc"
"#;

const EDGES_OWNED: &str = r#"
name = "edges, owned, no commitment, no price, no envelope"
start_year = 2026
years = 4
discount_rate = { discrete = { values = [0.0, 1e-13, 0.1] } }

[facility]
pue = { uniform = [1.0, 1.5] }
it_overhead = 0.1
load_factor = { discrete = { values = [0.0, 0.7] } }
power_price_usd_per_kwh = { discrete = { values = [0.0, 0.08] } }
datacenter_capex_usd_per_mw = { discrete = { values = [0.0, 1e7] } }
datacenter_life_years = { discrete = { values = [1e-300, 15.0] } }

[procurement]
mode = "owned"
hardware_life_years = { discrete = { values = [1e-300, 0.5, 2.0, 5.0] } }

[[fleet]]
name = "a"
system = "gb200-nvl72"
power_mw = { uniform = [0.0, 100.0] }
online = { discrete = { values = [2025.0, 2026.0, 2026.5, 2028.0] } }
ramp_years = { discrete = { values = [0.0, 0.75] } }

[[fleet]]
name = "b"
system = "gb200-nvl72"
gpus = { discrete = { values = [0.0, 72.0] } }
online = 2026.5
retire = { discrete = { values = [2026.0, 2027.0, 2050.0] } }

[workload]
inference_share = { uniform = [0.0, 1.0] }
utilization = 0.5
mfu = 0.4

[simulation]
samples = 1000
seed = 12
sampler = "lhs"
"#;

#[test]
fn edge_scenarios_match_the_scalar_model_nan_for_nan() {
    for (label, text) in [("edges-cloud", EDGES_CLOUD), ("edges-owned", EDGES_OWNED)] {
        let s = load_str(text, label, None, &[]).unwrap_or_else(|e| panic!("{label}: {e}"));
        let nans = check_scenario(label, &s);
        assert!(
            nans > 0,
            "{label}: the edge cases should produce undefined metrics"
        );
    }
}

/// The evaluator called directly, with every value a column or a fixed value, on lengths around
/// the chunk size (including zero samples).
#[test]
fn direct_calls_on_any_length_match() {
    let path = root().join("scenarios/anthropic-azure-nvidia-1gw.toml");
    let s = load(&path, &[]).expect("headline loads");
    let sim = Simulation::new(&s, &RunConfig::from_scenario(&s)).expect("simulation");
    let plan = &sim.plan;
    let years = plan.years;
    let full = sim.run_batch(0, 2 * CHUNK + 1);
    for n in [0, 1, 2, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 1] {
        let columns: Vec<Vec<f64>> = (0..sim.inputs.len())
            .map(|p| full.input(p)[..n].to_vec())
            .collect();
        let mut values: Vec<BatchValue<'_>> =
            sim.template.iter().map(|&v| BatchValue::Fixed(v)).collect();
        for (p, input) in sim.inputs.iter().enumerate() {
            values[input.index] = BatchValue::Drawn(&columns[p]);
        }
        // Columns a few values apart: the values between them are left alone.
        let stride = n + 3;
        let untouched = -7.25;
        let mut metrics = vec![untouched; METRICS.len() * stride];
        let mut series = vec![untouched; SERIES.len() * years * stride];
        let counts = evaluate_batch(
            plan,
            &values,
            n,
            &mut model::columns_mut(&mut metrics, stride, n),
            &mut model::columns_mut(&mut series, stride, n),
        );
        for column in metrics.chunks(stride).chain(series.chunks(stride)) {
            assert!(column[n..].iter().all(|&v| v == untouched), "n {n}");
        }
        let mut want = [0u64; PROBABILITIES.len()];
        let mut x = sim.template.clone();
        for i in 0..n {
            for (p, input) in sim.inputs.iter().enumerate() {
                x[input.index] = columns[p][i];
            }
            let out = model::evaluate(plan, &x);
            for m in 0..METRICS.len() {
                assert!(
                    same(out.metrics[m], metrics[m * stride + i]),
                    "n {n}, sample {i}"
                );
            }
            for c in 0..SERIES.len() * years {
                assert!(
                    same(out.series[c], series[c * stride + i]),
                    "n {n}, sample {i}"
                );
            }
            for (c, &hit) in want.iter_mut().zip(out.probabilities.iter()) {
                *c += u64::from(hit);
            }
        }
        assert_eq!(counts, want, "n {n}");
    }
}

#[test]
fn a_short_batch_takes_the_memory_of_its_samples_and_a_reused_buffer_the_same_bits() {
    // A batch of n samples holds its columns n + padding values apart, not a full batch apart;
    // a buffer reused from a full batch for a short one (a run's last batch) gives the bits of a
    // fresh one.
    let s = load(&root().join("tests/data/small-cloud.toml"), &[]).expect("valid");
    let sim = Simulation::new(&s, &RunConfig::from_scenario(&s)).expect("simulation");
    let (k, years) = (sim.inputs.len(), sim.plan.years);
    let n = 1_000;
    let fresh = sim.run_batch(1, n);
    assert_eq!(fresh.stride, column_stride(n));
    assert!(fresh.stride < n + 1_024, "padding of {}", fresh.stride - n);
    assert_eq!(fresh.inputs.len(), k * fresh.stride);
    assert_eq!(fresh.metrics.len(), METRICS.len() * fresh.stride);
    assert_eq!(fresh.series.len(), SERIES.len() * years * fresh.stride);
    let mut reused = sim.run_batch(0, BATCH_SIZE);
    sim.run_batch_into(1, n, &mut reused);
    let bits = |c: &[f64]| c.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    for p in 0..k {
        assert_eq!(bits(fresh.input(p)), bits(reused.input(p)), "input {p}");
    }
    for m in 0..METRICS.len() {
        assert_eq!(bits(fresh.metric(m)), bits(reused.metric(m)), "metric {m}");
    }
    for j in 0..SERIES.len() * years {
        assert_eq!(
            bits(fresh.series_column(j)),
            bits(reused.series_column(j)),
            "series column {j}"
        );
    }
    assert_eq!(fresh.prob_counts, reused.prob_counts);
}
