//! Arbitrary bytes as a scenario file, with `--set` overrides after a NUL byte (one per line):
//! reading, merging and every rule of validation; then, for a scenario that passes, what
//! `gwsim check` prints, the arithmetic of `gwsim explain`, and a small run with its report in
//! every format. Nothing may panic, hang, or show an infinity.

#![no_main]

use gwsim::engine::{RunConfig, Silent, Simulation};
use gwsim::model::{self, NoTrace};
use gwsim::report::Report;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (text, sets): (&str, Vec<String>) = match input.split_once('\0') {
        Some((t, s)) => (t, s.lines().take(8).map(String::from).collect()),
        None => (input, Vec::new()),
    };
    let scenario = match gwsim::scenario::load_str(text, "fuzz.toml", None, &sets) {
        Ok(s) => s,
        Err(e) => {
            // Every problem has a place and prints on one line.
            for d in &e.diagnostics {
                assert!(!d.to_string().contains(['\n', '\u{1b}']), "{d:?}");
                assert!(d.location.is_some(), "no place: {d}");
            }
            return;
        }
    };
    let (check, _) = gwsim::cli::check_text(&scenario, "fuzz.toml");
    assert!(!check.contains('\u{1b}'));
    let cfg = RunConfig {
        samples: 256,
        threads: Some(1),
        ..RunConfig::from_scenario(&scenario)
    };
    let Ok(sim) = Simulation::new(&scenario, &cfg) else {
        return;
    };
    let out = model::evaluate_traced(&sim.plan, &sim.medians(), &mut NoTrace);
    let _ = out;
    let Ok(result) = sim.run(&cfg, &mut Silent) else {
        return;
    };
    let report = Report::new(&scenario, &sim, &result, None);
    for (name, m) in &report.metrics {
        let s = &m.summary;
        for x in [s.mean, s.min, s.max, s.p5, s.p50, s.p95] {
            assert!(!x.is_infinite(), "{name}: an infinity is reported");
        }
    }
    let json = report.to_json();
    let _: serde_json::Value = serde_json::from_str(&json).expect("the JSON reads back");
    assert!(!report.to_table().contains('\u{1b}'));
    assert!(!report.to_markdown().contains('\u{1b}'));
    let _ = report.to_csv();
});
