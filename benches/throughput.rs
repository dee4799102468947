//! Throughput of the headline scenario: sampling, model and statistics included.
//!
//! `cargo bench --bench throughput` prints samples per second at 1 and 2 threads (1M samples,
//! best of 3; each timing covers the run and the report's statistics: every summary, quantile
//! and series band, as `gwsim run` computes them) and the peak resident memory of a 10M-sample run (VmHWM from /proc, Linux).
//! Set `GWSIM_BENCH_SAMPLES` / `GWSIM_BENCH_BIG` to change the sizes, `GWSIM_BENCH_THREADS`
//! (e.g. `1,2,4`) the thread counts.

use std::time::Instant;

use gwsim::engine::{BATCH_SIZE, BatchOut, RunConfig, Silent, Simulation};
use gwsim::report::Report;
use gwsim::scenario;
use rayon::prelude::*;

#[global_allocator]
static ALLOC: gwsim::pages::LargePages = gwsim::pages::LargePages;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(default, |v| v as u64)
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let s = scenario::load_str(scenario::HEADLINE_TOML, scenario::HEADLINE_NAME, None, &[])
        .expect("the embedded headline scenario is valid");
    let n = env_u64("GWSIM_BENCH_SAMPLES", 1_000_000);
    let big = env_u64("GWSIM_BENCH_BIG", 10_000_000);
    println!(
        "scenario: {} ({} uncertain values, sampler {})",
        s.name,
        s.uncertain_params().len(),
        s.simulation.sampler.as_str()
    );
    let thread_counts: Vec<usize> = std::env::var("GWSIM_BENCH_THREADS")
        .ok()
        .map(|v| v.split(',').filter_map(|t| t.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 2]);
    for threads in thread_counts {
        let cfg = RunConfig {
            samples: n,
            threads: Some(threads),
            ..RunConfig::from_scenario(&s)
        };
        let sim = Simulation::new(&s, &cfg).expect("simulation");
        let (mut best, mut best_stats) = (f64::INFINITY, f64::INFINITY);
        for _ in 0..3 {
            let t = Instant::now();
            let r = sim.run(&cfg, &mut Silent).expect("run");
            let ran = t.elapsed().as_secs_f64();
            let report = Report::new(&s, &sim, &r, None);
            let secs = t.elapsed().as_secs_f64();
            assert_eq!(r.samples, n);
            assert!(!report.metrics.is_empty());
            if secs < best {
                best = secs;
                best_stats = secs - ran;
            }
        }
        println!(
            "threads {threads}: {n} samples in {best:.3} s = {:.2} M samples/s \
             ({best_stats:.3} s of it building the report's statistics)",
            n as f64 / best / 1e6
        );
    }
    // The engine's core alone, for scale: sampling and the model over every batch, in parallel,
    // without the statistics (no moments, no quantiles).
    {
        let cfg = RunConfig {
            samples: n,
            threads: Some(2),
            ..RunConfig::from_scenario(&s)
        };
        let sim = Simulation::new(&s, &cfg).expect("simulation");
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("pool");
        let batches = n.div_ceil(BATCH_SIZE as u64);
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let t = Instant::now();
            let total: usize = pool.install(|| {
                (0..batches)
                    .into_par_iter()
                    .map_init(BatchOut::default, |buf, b| {
                        let len = (n - b * BATCH_SIZE as u64).min(BATCH_SIZE as u64) as usize;
                        sim.run_batch_into(b, len, buf);
                        buf.n
                    })
                    .sum()
            });
            assert_eq!(total as u64, n);
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "threads 2, sampling and model only (no statistics): {n} samples in {best:.3} s = {:.2} M samples/s",
            n as f64 / best / 1e6
        );
    }
    if big > 0 {
        let cfg = RunConfig {
            samples: big,
            threads: Some(2),
            ..RunConfig::from_scenario(&s)
        };
        let sim = Simulation::new(&s, &cfg).expect("simulation");
        let t = Instant::now();
        let r = sim.run(&cfg, &mut Silent).expect("run");
        let report = Report::new(&s, &sim, &r, None);
        let secs = t.elapsed().as_secs_f64();
        assert!(!report.metrics.is_empty());
        println!(
            "threads 2: {} samples in {secs:.2} s = {:.2} M samples/s; peak resident memory {} MiB",
            r.samples,
            r.samples as f64 / secs / 1e6,
            peak_rss_mib().map_or("n/a".to_string(), |m| format!("{m:.0}"))
        );
    }
}
