//! Time of a Sobol' analysis of the headline scenario for `cost_per_mtok_usd`: the Saltelli
//! design with 2^14 base samples (N (k + 2) model evaluations), the indices and 1000 bootstrap
//! resamples, at 2 threads. Not a timed test: `cargo bench --bench sobol` prints the figure.
//! `GWSIM_BENCH_SOBOL_N` and `GWSIM_BENCH_THREADS` change the sizes.

use std::time::Instant;

use gwsim::engine::sensitivity::{DEFAULT_BOOTSTRAP, metric_saltelli_outputs};
use gwsim::engine::{RunConfig, Simulation};
use gwsim::model::Metric;
use gwsim::scenario;
use gwsim::stats::sobol::sobol_indices;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(default, |v| v as usize)
}

fn main() {
    let s = scenario::load_str(scenario::HEADLINE_TOML, scenario::HEADLINE_NAME, None, &[])
        .expect("the embedded headline scenario is valid");
    let n = env_usize("GWSIM_BENCH_SOBOL_N", 1 << 14);
    let threads = env_usize("GWSIM_BENCH_THREADS", 2);
    let cfg = RunConfig::from_scenario(&s);
    let sim = &Simulation::new(&s, &cfg).expect("simulation");
    let k = sim.inputs.len();
    let m = Metric::CostPerMtokUsd;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        let (outputs, _) = metric_saltelli_outputs(sim, m, n, &pool, &mut |_| {}).expect("design");
        let design = t.elapsed().as_secs_f64();
        let e = pool.install(|| sobol_indices(&outputs, DEFAULT_BOOTSTRAP, cfg.seed));
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(e.rows + e.dropped, n);
        println!(
            "  N = {n}, {k} inputs, {} evaluations: design and model {design:.3} s, indices and \
             {DEFAULT_BOOTSTRAP} bootstrap resamples {:.3} s, total {secs:.3} s",
            n * (k + 2),
            secs - design
        );
        best = best.min(secs);
    }
    println!("sobol analysis of cost_per_mtok_usd at {threads} threads: best of 3 {best:.3} s");
}
