//! v1 files keep their numbers: the scenarios of `tests/data/v1` (which use no v2 key, and the
//! v1 catalog through `extends`) give, for every value that gwsim v1 wrote, the same bits.
//! `tests/data/v1/expected` holds v1's outputs; `regenerate.sh` says how they were made.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;

use crate::common::tmp;

/// Every value of `want` is in `got` at the same place (new keys in `got` are allowed).
fn contains(want: &Value, got: &Value, path: &str, problems: &mut Vec<String>) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, v) in w {
                if k == "version" {
                    continue;
                }
                match g.get(k) {
                    Some(gv) => contains(v, gv, &format!("{path}.{k}"), problems),
                    None => problems.push(format!("{path}.{k}: missing")),
                }
            }
        }
        (Value::Array(w), Value::Array(g)) if w.len() == g.len() => {
            for (i, (v, gv)) in w.iter().zip(g).enumerate() {
                contains(v, gv, &format!("{path}[{i}]"), problems);
            }
        }
        _ if want == got => {}
        _ => problems.push(format!("{path}: v1 {want}, now {got}")),
    }
}

#[test]
fn v1_files_keep_their_numbers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/data/v1");
    let commands = std::fs::read_to_string(dir.join("commands.txt")).expect("commands");
    let out = tmp("compat");
    let mut checked = 0;
    for line in commands.lines().filter(|l| !l.trim().is_empty()) {
        let mut words = line.split_whitespace();
        let name = words.next().expect("a name");
        let args: Vec<&str> = words.collect();
        let run = cargo_bin_cmd!("gwsim")
            .current_dir(root)
            .args(&args)
            .args(["--format", "json", "--quiet", "--no-charts", "--out"])
            .arg(out.join(name))
            .output()
            .expect("runs");
        assert!(
            run.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let got: Value = serde_json::from_slice(&run.stdout).expect("JSON");
        let want: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("expected").join(format!("{name}.json")))
                .expect("expected output"),
        )
        .expect("JSON");
        let mut problems = Vec::new();
        contains(&want, &got, "", &mut problems);
        assert!(
            problems.is_empty(),
            "{name}: {} values moved, e.g. {:?}",
            problems.len(),
            &problems[..problems.len().min(5)]
        );
        checked += 1;
    }
    assert_eq!(checked, 10);
}
