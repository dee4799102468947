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
//! not timed. Each timing also gives the run's own CPU time and the CPU time the hypervisor stole
//! from the machine meanwhile (`/proc/stat`'s steal, all cores; Linux): on a shared virtual
//! machine a run that lost CPU to its neighbours shows it there. Set `GWSIM_BENCH_SAMPLES` / `GWSIM_BENCH_BIG` to change the sizes (`BIG=0` skips
//! the 10M run), `GWSIM_BENCH_THREADS` (e.g. `1,2,4`) the thread counts, and
//! `GWSIM_BENCH_SCENARIO` to a scenario file to measure it instead of the headline.

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

/// Clock ticks per second of `/proc`'s CPU times.
fn ticks_per_second() -> f64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sysconf takes no pointer and only reads a constant of the system.
        #[allow(unsafe_code)]
        let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        if t > 0 {
            return t as f64;
        }
    }
    100.0
}

/// CPU ticks the hypervisor has stolen from this machine since boot, all cores (Linux).
fn stolen_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let cpu = stat.lines().find(|l| l.starts_with("cpu "))?;
    // cpu user nice system idle iowait irq softirq steal …
    cpu.split_whitespace().nth(8)?.parse().ok()
}

/// CPU ticks this process has used, user and system (Linux).
fn own_cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // After the command's closing parenthesis: state, ppid, … utime is the 12th, stime the 13th.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// What one timed run measured.
#[derive(Debug, Clone, Copy)]
struct Timing {
    secs: f64,
    /// Of `secs`, building the report's statistics.
    stats: f64,
    peak_mib: f64,
    /// CPU seconds of the run (NaN where unknown).
    cpu: f64,
    /// CPU seconds stolen by the hypervisor during the run, all cores (NaN where unknown).
    stolen: f64,
}

/// One timed run, in this (child) process: prints `seconds stats_seconds peak_mib cpu stolen`.
/// The scenario measured: the file `GWSIM_BENCH_SCENARIO` names, or the headline.
fn bench_scenario() -> scenario::Scenario {
    match std::env::var_os("GWSIM_BENCH_SCENARIO") {
        Some(path) => scenario::load(std::path::Path::new(&path), &[])
            .unwrap_or_else(|e| panic!("GWSIM_BENCH_SCENARIO: {e}")),
        None => scenario::load_str(scenario::HEADLINE_TOML, scenario::HEADLINE_NAME, None, &[])
            .expect("the embedded headline scenario is valid"),
    }
}

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
    let s = bench_scenario();
    let cfg = RunConfig {
        samples: n,
        threads: Some(threads),
        ..RunConfig::from_scenario(&s)
    };
    let sim = Simulation::new(&s, &cfg).expect("simulation");
    let (cpu0, stolen0) = (own_cpu_ticks(), stolen_ticks());
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
    let delta = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) => b.saturating_sub(a) as f64 / ticks_per_second(),
        _ => f64::NAN,
    };
    let cpu = delta(cpu0, own_cpu_ticks());
    let stolen = delta(stolen0, stolen_ticks());
    let peak = peak_rss_mib().unwrap_or(f64::NAN);
    println!("{secs} {stats} {peak} {cpu} {stolen}");
}

/// Time one run in a fresh process.
fn spawn(kind: &str, threads: usize, samples: u64) -> Timing {
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
    assert_eq!(v.len(), 5, "child printed '{text}'");
    Timing {
        secs: v[0],
        stats: v[1],
        peak_mib: v[2],
        cpu: v[3],
        stolen: v[4],
    }
}

/// The best of three runs (each in its own process).
fn best_of_3(kind: &str, threads: usize, samples: u64) -> Timing {
    (0..3)
        .map(|_| spawn(kind, threads, samples))
        .min_by(|a, b| a.secs.total_cmp(&b.secs))
        .expect("three runs")
}

/// The run's CPU time and the time stolen meanwhile, for a line of the report.
fn cpu_note(t: &Timing) -> String {
    format!(
        "CPU time {:.2} s, stolen by the hypervisor {:.2} s",
        t.cpu, t.stolen
    )
}

fn main() {
    if let Ok(job) = std::env::var(CHILD) {
        child(&job);
        return;
    }
    // `cargo bench` passes `--bench`; ignore arguments.
    let s = bench_scenario();
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
        let t = best_of_3("full", threads, n);
        println!(
            "threads {threads}: {n} samples in {:.3} s = {:.2} M samples/s \
             ({:.3} s of it building the report's statistics; {})",
            t.secs,
            n as f64 / t.secs / 1e6,
            t.stats,
            cpu_note(&t)
        );
    }
    let core = best_of_3("core", 2, n);
    println!(
        "threads 2, sampling and model only (no statistics): {n} samples in {:.3} s = {:.2} M \
         samples/s ({})",
        core.secs,
        n as f64 / core.secs / 1e6,
        cpu_note(&core)
    );
    if big > 0 {
        let t = spawn("full", 2, big);
        println!(
            "threads 2: {big} samples in {:.2} s = {:.2} M samples/s; peak resident memory {} \
             MiB ({})",
            t.secs,
            big as f64 / t.secs / 1e6,
            if t.peak_mib.is_nan() {
                "n/a".to_string()
            } else {
                format!("{:.0}", t.peak_mib)
            },
            cpu_note(&t)
        );
    }
}
