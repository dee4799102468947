//! Throughput of the headline scenario: sampling, model and statistics included.
//!
//! `cargo bench --bench throughput` prints samples per second at 1 and 2 threads (1M samples,
//! best of 3; each timing covers the run and the report's statistics: every summary, quantile
//! and series band, as `gwsim run` computes them), the engine's core alone (sampling and the
//! model, no statistics), and the time and peak resident memory of a 10M-sample run (VmHWM from
//! /proc, Linux).
//!
//! Every timing runs in a process of its own (the benchmark starts itself again), as `gwsim run`
//! does: a run pays for its fresh memory every time, never reusing what an earlier run in the
//! same process freed. Building the simulation (the design, the tabulated quantile functions) is
//! not timed. Set `GWSIM_BENCH_SAMPLES` / `GWSIM_BENCH_BIG` to change the sizes (`BIG=0` skips
//! the 10M run), `GWSIM_BENCH_THREADS` (e.g. `1,2,4`) the thread counts.

#[global_allocator]
static ALLOC: gwsim::pages::LargePages = gwsim::pages::LargePages;

use std::process::Command;
use std::time::Instant;

use gwsim::engine::{BATCH_SIZE, BatchOut, RunConfig, Silent, Simulation};
use gwsim::report::Report;
use gwsim::scenario;
use rayon::prelude::*;

/// The variable that makes the benchmark a child process timing one run:
/// `"<full|core> <threads> <samples>"`.
const CHILD: &str = "GWSIM_BENCH_CHILD";

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

/// One timed run, in this (child) process: prints `seconds stats_seconds peak_mib`.
fn child(job: &str) {
    let mut words = job.split_whitespace();
    let (kind, threads, n) = match (words.next(), words.next(), words.next()) {
        (Some(k), Some(t), Some(n)) => (
            k.to_string(),
            t.parse::<usize>().expect("threads"),
            n.parse::<u64>().expect("samples"),
        ),
        _ => panic!("{CHILD} must be '<full|core> <threads> <samples>', not '{job}'"),
    };
    let s = scenario::load_str(scenario::HEADLINE_TOML, scenario::HEADLINE_NAME, None, &[])
        .expect("the embedded headline scenario is valid");
    let cfg = RunConfig {
        samples: n,
        threads: Some(threads),
        ..RunConfig::from_scenario(&s)
    };
    let sim = Simulation::new(&s, &cfg).expect("simulation");
    let (secs, stats) = if kind == "core" {
        // The engine's core alone: sampling and the model over every batch, in parallel,
        // without the statistics (no moments, no quantiles).
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        let batches = n.div_ceil(BATCH_SIZE as u64);
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
        (t.elapsed().as_secs_f64(), 0.0)
    } else {
        let t = Instant::now();
        let r = sim.run(&cfg, &mut Silent).expect("run");
        let ran = t.elapsed().as_secs_f64();
        let report = Report::new(&s, &sim, &r, None);
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(r.samples, n);
        assert!(!report.metrics.is_empty());
        (secs, secs - ran)
    };
    println!("{secs} {stats} {}", peak_rss_mib().unwrap_or(f64::NAN));
}

/// Time one run in a fresh process: `(seconds, seconds of report statistics, peak MiB)`.
fn spawn(kind: &str, threads: usize, samples: u64) -> (f64, f64, f64) {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let out = Command::new(exe)
        .env(CHILD, format!("{kind} {threads} {samples}"))
        .output()
        .expect("start the benchmark's child process");
    assert!(
        out.status.success(),
        "child run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Vec<f64> = text
        .split_whitespace()
        .map(|w| w.parse().expect("a number"))
        .collect();
    assert_eq!(v.len(), 3, "child printed '{text}'");
    (v[0], v[1], v[2])
}

/// The best of three runs (each in its own process).
fn best_of_3(kind: &str, threads: usize, samples: u64) -> (f64, f64) {
    (0..3)
        .map(|_| spawn(kind, threads, samples))
        .map(|(secs, stats, _)| (secs, stats))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .expect("three runs")
}

fn main() {
    if let Ok(job) = std::env::var(CHILD) {
        child(&job);
        return;
    }
    // `cargo bench` passes `--bench`; ignore arguments.
    let s = scenario::load_str(scenario::HEADLINE_TOML, scenario::HEADLINE_NAME, None, &[])
        .expect("the embedded headline scenario is valid");
    let n = env_u64("GWSIM_BENCH_SAMPLES", 1_000_000);
    let big = env_u64("GWSIM_BENCH_BIG", 10_000_000);
    println!(
        "scenario: {} ({} uncertain values, sampler {}); each run in a process of its own",
        s.name,
        s.uncertain_params().len(),
        s.simulation.sampler.as_str()
    );
    let thread_counts: Vec<usize> = std::env::var("GWSIM_BENCH_THREADS")
        .ok()
        .map(|v| v.split(',').filter_map(|t| t.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 2]);
    for threads in thread_counts {
        let (best, stats) = best_of_3("full", threads, n);
        println!(
            "threads {threads}: {n} samples in {best:.3} s = {:.2} M samples/s \
             ({stats:.3} s of it building the report's statistics)",
            n as f64 / best / 1e6
        );
    }
    let (core, _) = best_of_3("core", 2, n);
    println!(
        "threads 2, sampling and model only (no statistics): {n} samples in {core:.3} s = {:.2} M samples/s",
        n as f64 / core / 1e6
    );
    if big > 0 {
        let (secs, _, peak) = spawn("full", 2, big);
        println!(
            "threads 2: {big} samples in {secs:.2} s = {:.2} M samples/s; peak resident memory {} MiB",
            big as f64 / secs / 1e6,
            if peak.is_nan() {
                "n/a".to_string()
            } else {
                format!("{peak:.0}")
            }
        );
    }
}
