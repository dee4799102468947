//! Inputs that broke, or could break, the scenario reader: every file of `tests/data/fuzz/`
//! goes through what the fuzzer (`fuzz/`, `scripts/fuzz`) checks — read and validated, and for
//! a scenario that passes, `check`'s text, the arithmetic at the medians and a small run with
//! its report — within a time limit, without a panic, an infinity or a raw escape character.
//! A crash the fuzzer finds is added here as a file (the bytes of the input; after a NUL byte,
//! one `--set` per line).

use std::path::Path;
use std::time::{Duration, Instant};

use gwsim::engine::{RunConfig, Silent, Simulation};
use gwsim::model::{self, NoTrace};
use gwsim::report::Report;

/// What the fuzz target does with one input; panics where it would report a crash.
fn exercise(name: &str, data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (text, sets): (&str, Vec<String>) = match input.split_once('\0') {
        Some((t, s)) => (t, s.lines().take(8).map(String::from).collect()),
        None => (input, Vec::new()),
    };
    let scenario = match gwsim::scenario::load_str(text, name, None, &sets) {
        Ok(s) => s,
        Err(e) => {
            for d in &e.diagnostics {
                let line = d.to_string();
                assert!(!line.contains(['\n', '\u{1b}']), "{name}: {line:?}");
                assert!(d.location.is_some(), "{name}: no place in {line}");
            }
            return;
        }
    };
    let (check, _) = gwsim::cli::check_text(&scenario, name);
    assert!(!check.contains('\u{1b}'), "{name}: raw escape in check");
    let cfg = RunConfig {
        samples: 256,
        threads: Some(1),
        ..RunConfig::from_scenario(&scenario)
    };
    let Ok(sim) = Simulation::new(&scenario, &cfg) else {
        return;
    };
    let _ = model::evaluate_traced(&sim.plan, &sim.medians(), &mut NoTrace);
    let result = sim.run(&cfg, &mut Silent).expect("runs");
    let report = Report::new(&scenario, &sim, &result, None);
    for (metric, m) in &report.metrics {
        let s = &m.summary;
        for x in [s.mean, s.min, s.max, s.p5, s.p50, s.p95] {
            assert!(!x.is_infinite(), "{name}: {metric} reported as infinite");
        }
    }
    let _: serde_json::Value = serde_json::from_str(&report.to_json()).expect("JSON");
    assert!(!report.to_table().contains('\u{1b}'), "{name}: raw escape");
    assert!(
        !report.to_markdown().contains('\u{1b}'),
        "{name}: raw escape"
    );
}

#[test]
fn every_input_the_fuzzer_keeps_is_handled() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/fuzz")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    for f in files {
        let name = f.file_name().expect("name").to_string_lossy().into_owned();
        let data = std::fs::read(&f).expect("read");
        let start = Instant::now();
        exercise(&name, &data);
        let took = start.elapsed();
        assert!(took < Duration::from_secs(10), "{name} took {took:?}");
    }
}
