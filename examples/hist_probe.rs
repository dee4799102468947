#[global_allocator]
static ALLOC: gwsim::pages::LargePages = gwsim::pages::LargePages;
use gwsim::engine::{BATCH_SIZE, BatchOut, RunConfig, Simulation};
use gwsim::model::{METRICS, SERIES};
use gwsim::scenario;
use gwsim::stats::Accumulator;
use std::time::Instant;

fn main() {
    let s =
        scenario::load_str(scenario::HEADLINE_TOML, scenario::HEADLINE_NAME, None, &[]).unwrap();
    let cfg = RunConfig {
        samples: 1_000_000,
        threads: Some(1),
        ..RunConfig::from_scenario(&s)
    };
    let sim = Simulation::new(&s, &cfg).unwrap();
    let years = sim.plan.years;
    let mut cols: Vec<(u8, usize)> = Vec::new();
    for (m, met) in METRICS.iter().enumerate() {
        if sim.plan.has_metric(*met) {
            cols.push((0, m));
        }
    }
    for (si, se) in SERIES.iter().enumerate() {
        if sim.plan.has_series(*se) {
            for k in 0..years {
                cols.push((1, si * years + k));
            }
        }
    }
    for p in 0..sim.inputs.len() {
        cols.push((2, p));
    }
    let get = |b: &BatchOut, kind: u8, i: usize| -> Vec<f64> {
        match kind {
            0 => b.metric(i).to_vec(),
            1 => b.series_column(i).to_vec(),
            _ => b.input(i).to_vec(),
        }
    };
    let batches: Vec<BatchOut> = (0..30u64).map(|b| sim.run_batch(b, BATCH_SIZE)).collect();
    let reps: usize = std::env::var("REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let mut pilot_t = Vec::new();
    let mut hist_t = Vec::new();
    for _ in 0..reps {
        let mut accs: Vec<Accumulator> = cols
            .iter()
            .map(|_| {
                let mut a = Accumulator::new();
                a.reserve(1 << 20);
                a
            })
            .collect();
        // flush caches-ish: touch a big buffer
        let junk: Vec<f64> = vec![1.0; 64 << 17];
        std::hint::black_box(junk.iter().sum::<f64>());
        let t = Instant::now();
        for (c, &(k, i)) in cols.iter().enumerate() {
            for b in &batches[..8] {
                let v = match k {
                    0 => b.metric(i),
                    1 => b.series_column(i),
                    _ => b.input(i),
                };
                accs[c].push_batch(v);
            }
        }
        pilot_t.push(t.elapsed().as_secs_f64());
        for (c, &(k, i)) in cols.iter().enumerate() {
            accs[c].push_batch(&get(&batches[8], k, i));
        }
        let junk: Vec<f64> = vec![1.0; 64 << 17];
        std::hint::black_box(junk.iter().sum::<f64>());
        let t = Instant::now();
        for w in batches[9..].chunks(4) {
            for (c, &(k, i)) in cols.iter().enumerate() {
                for b in w {
                    let v = match k {
                        0 => b.metric(i),
                        1 => b.series_column(i),
                        _ => b.input(i),
                    };
                    accs[c].push_batch(v);
                }
            }
        }
        hist_t.push(t.elapsed().as_secs_f64());
        std::hint::black_box(&accs);
    }
    pilot_t.sort_by(f64::total_cmp);
    hist_t.sort_by(f64::total_cmp);
    println!(
        "pilot 8 batches: min {:.4} med {:.4} | hist 21 batches: min {:.4} med {:.4} ({:.2} ns/value min)",
        pilot_t[0],
        pilot_t[reps / 2],
        hist_t[0],
        hist_t[reps / 2],
        hist_t[0] / (21.0 * 32768.0 * cols.len() as f64) * 1e9
    );
}
