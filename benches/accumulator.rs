//! What one summarised column costs, by phase of its quantile sketch: `cargo bench --bench
//! accumulator` pushes a million lognormal values, in batches of 32,768 as a run does, into 20
//! accumulators at once (one thread), and prints the time per value of the exact phase (the
//! first 2^18 values, stored: mostly the first touch of fresh memory), of the batch that builds
//! the histogram from the pilot (per column), and of the histogram phase (every later value
//! counted). Best of 3, each in a fresh process so that every pilot is fresh memory, as in a run.
//! `GWSIM_BENCH_VALUES` changes the number of values per column.

use std::process::Command;
use std::time::{Duration, Instant};

use gwsim::engine::BATCH_SIZE;
use gwsim::stats::{Accumulator, PILOT};

const CHILD: &str = "GWSIM_BENCH_ACCUMULATOR_CHILD";
const COLUMNS: usize = 20;

/// Seconds per value of the exact phase, per column of the hand-over batch, per value of the
/// histogram phase.
fn measure(n: usize) -> (f64, f64, f64) {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let values: Vec<f64> = (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state >> 11) as f64 / (1u64 << 53) as f64 * 3.0).exp() * 1e9
        })
        .collect();
    let mut accs: Vec<Accumulator> = (0..COLUMNS).map(|_| Accumulator::new()).collect();
    for a in &mut accs {
        a.reserve(n);
    }
    let (mut exact, mut handover, mut counted) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let (mut exact_n, mut counted_n) = (0usize, 0usize);
    let mut seen = 0usize;
    for batch in values.chunks(BATCH_SIZE) {
        let t = Instant::now();
        for a in &mut accs {
            a.push_batch(batch);
        }
        let dt = t.elapsed();
        if seen + batch.len() <= PILOT {
            exact += dt;
            exact_n += batch.len();
        } else if seen < PILOT || (seen == PILOT && handover.is_zero()) {
            handover += dt;
        } else {
            counted += dt;
            counted_n += batch.len();
        }
        seen += batch.len();
    }
    let q: f64 = accs.iter().map(|a| a.quantile(0.5)).sum();
    assert!(q.is_finite());
    let per = |d: Duration, k: usize| d.as_secs_f64() / (COLUMNS * k.max(1)) as f64;
    (
        per(exact, exact_n),
        per(handover, 1),
        per(counted, counted_n),
    )
}

fn main() {
    let n = std::env::var("GWSIM_BENCH_VALUES")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(1_000_000, |v| v as usize);
    if std::env::var_os(CHILD).is_some() {
        let (e, h, c) = measure(n);
        println!("{e} {h} {c}");
        return;
    }
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let mut best = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
    for _ in 0..3 {
        let out = Command::new(&exe)
            .env(CHILD, "1")
            .output()
            .expect("the benchmark runs itself");
        let text = String::from_utf8_lossy(&out.stdout);
        let v: Vec<f64> = text
            .split_whitespace()
            .map(|w| w.parse().expect("a number"))
            .collect();
        best = (best.0.min(v[0]), best.1.min(v[1]), best.2.min(v[2]));
    }
    println!(
        "{COLUMNS} columns of {n} values, batches of {BATCH_SIZE}, one thread, best of 3:\n\
         exact phase (first {PILOT} values): {:.2} ns per value\n\
         building the histogram (the batch that leaves the pilot): {:.2} ms per column\n\
         histogram phase: {:.2} ns per value",
        best.0 * 1e9,
        best.1 * 1e3,
        best.2 * 1e9
    );
}
