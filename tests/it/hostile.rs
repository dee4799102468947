//! Hostile input and interrupted runs: nothing overwritten, nothing hung, nothing half-written,
//! nothing raw on a terminal. One test (or a few) per class of defect; each names the class.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin_cmd;

use crate::common::{data, file_names, tmp};

/// Run the binary with `args`; it must finish within `secs` seconds.
fn gwsim(args: &[&str], secs: u64) -> Output {
    cargo_bin_cmd!("gwsim")
        .args(args)
        .timeout(Duration::from_secs(secs))
        .output()
        .expect("gwsim finishes in time")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8 path")
}

/// `tests/data/small-cloud.toml` with `from` replaced by `to`, written as `name` in `dir`.
fn small_cloud_with(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let src = fs::read_to_string(data("small-cloud.toml")).expect("fixture");
    assert!(src.contains(from), "{from}");
    fs::create_dir_all(dir).expect("mkdir");
    let p = dir.join(name);
    fs::write(&p, src.replacen(from, to, 1)).expect("write");
    p
}

// 1. Overwriting the user's files.

#[test]
fn samples_out_never_overwrites_a_file_it_reads() {
    let dir = tmp("own-scenario");
    let scenario = small_cloud_with(&dir, "deal.toml", "name = \"rubin\"", "name = \"rubin\"");
    let base = dir.join("base.toml");
    fs::copy(data("small-cloud.toml"), &base).expect("copy");
    let child = dir.join("child.toml");
    fs::write(&child, "extends = \"base.toml\"\nname = \"child\"\n").expect("write");
    let before = fs::read(&scenario).expect("read");
    let out = dir.join("out");
    for (file, target) in [(&scenario, &scenario), (&child, &base)] {
        let r = gwsim(
            &[
                "run",
                s(file),
                "--samples",
                "100",
                "--quiet",
                "--no-charts",
                "--samples-out",
                s(target),
                "--out",
                s(&out),
            ],
            120,
        );
        assert_eq!(r.status.code(), Some(1), "{}", text(&r.stderr));
        assert!(
            text(&r.stderr).contains("never writes over a file it reads"),
            "{}",
            text(&r.stderr)
        );
    }
    assert_eq!(fs::read(&scenario).expect("read"), before);
    assert_eq!(
        fs::read(&base).expect("read"),
        fs::read(data("small-cloud.toml")).expect("read")
    );
    // Nor over a file of the run's own set.
    let r = gwsim(
        &[
            "run",
            s(&scenario),
            "--samples",
            "100",
            "--quiet",
            "--no-charts",
            "--samples-out",
            s(&out.join("summary.json")),
            "--out",
            s(&out),
        ],
        120,
    );
    assert_eq!(r.status.code(), Some(1), "{}", text(&r.stderr));
    assert!(
        text(&r.stderr).contains("the run writes its own 'summary.json'"),
        "{}",
        text(&r.stderr)
    );
}

#[test]
fn an_out_folder_holding_the_scenario_is_refused() {
    let dir = tmp("own-out");
    let scenario = small_cloud_with(&dir, "summary.md", "name = \"rubin\"", "name = \"rubin\"");
    let before = fs::read(&scenario).expect("read");
    let r = gwsim(
        &[
            "run",
            s(&scenario),
            "--samples",
            "100",
            "--quiet",
            "--no-charts",
            "--out",
            s(&dir),
        ],
        120,
    );
    assert_eq!(r.status.code(), Some(1), "{}", text(&r.stderr));
    assert!(
        text(&r.stderr).contains("summary.md"),
        "{}",
        text(&r.stderr)
    );
    assert_eq!(fs::read(&scenario).expect("read"), before);
}

// 2. Replacing what is not a regular file.

#[cfg(unix)]
#[test]
fn samples_out_writes_through_a_fifo_and_never_replaces_a_link() {
    let dir = tmp("special");
    fs::create_dir_all(&dir).expect("mkdir");
    let f = data("small-cloud.toml");
    let out = dir.join("out");
    // A link to the scenario: refused, the link and the scenario unchanged.
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink(&f, &link).expect("symlink");
    let r = gwsim(
        &[
            "run",
            s(&f),
            "--samples",
            "100",
            "--quiet",
            "--no-charts",
            "--samples-out",
            s(&link),
            "--out",
            s(&out),
        ],
        120,
    );
    assert_eq!(r.status.code(), Some(1), "{}", text(&r.stderr));
    assert!(
        fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    // A link to another file: written through, the link kept.
    let target = dir.join("target.csv");
    let link2 = dir.join("link2.csv");
    std::os::unix::fs::symlink(&target, &link2).expect("symlink");
    let r = gwsim(
        &[
            "run",
            s(&f),
            "--samples",
            "100",
            "--quiet",
            "--no-charts",
            "--samples-out",
            s(&link2),
            "--out",
            s(&out),
        ],
        120,
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert!(
        fs::symlink_metadata(&link2)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(&target).expect("csv").lines().count(),
        101
    );
    // A FIFO: written through to its reader, still a FIFO afterwards.
    let fifo = dir.join("samples.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).expect("read the FIFO"))
    };
    let r = gwsim(
        &[
            "run",
            s(&f),
            "--samples",
            "100",
            "--quiet",
            "--no-charts",
            "--samples-out",
            s(&fifo),
            "--out",
            s(&out),
        ],
        120,
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    let got = reader.join().expect("reader");
    assert_eq!(got.lines().count(), 101);
    use std::os::unix::fs::FileTypeExt;
    assert!(
        fs::symlink_metadata(&fifo)
            .expect("fifo")
            .file_type()
            .is_fifo()
    );
}

// 3. Panics on wide columns.

#[test]
fn wide_columns_are_elided_not_a_panic() {
    let dir = tmp("wide");
    let long = "r".repeat(70_000);
    let values: Vec<String> = (0..200_000).map(|i| i.to_string()).collect();
    let many = small_cloud_with(
        &dir,
        "many.toml",
        "ramp_years = 1.0",
        &format!(
            "ramp_years = {{ discrete = {{ values = [{}] }} }}",
            values.join(",")
        ),
    );
    let wide = small_cloud_with(
        &dir,
        "wide.toml",
        "name = \"rubin\"",
        &format!("name = \"{long}\""),
    );
    let out = dir.join("out");
    for args in [
        vec!["check", s(&wide)],
        vec!["check", s(&many)],
        vec![
            "sensitivity",
            s(&wide),
            "--samples",
            "200",
            "--sobol-samples",
            "64",
            "--bootstrap",
            "10",
            "--quiet",
            "--no-charts",
            "--out",
            s(&out),
        ],
    ] {
        let r = gwsim(&args, 300);
        assert!(r.status.success(), "{args:?}: {}", text(&r.stderr));
        let stdout = text(&r.stdout);
        assert!(stdout.contains('…'), "{args:?}: long text is elided");
        assert!(
            stdout.lines().all(|l| l.chars().count() < 2_000),
            "{args:?}: no line is 70,000 characters wide"
        );
    }
}

// 5. Quadratic parsing.

#[test]
fn a_long_single_line_parses_in_linear_time() {
    let values: Vec<String> = (0..250_000).map(|i| format!("{i}.5")).collect();
    let src = fs::read_to_string(data("small-cloud.toml")).expect("fixture");
    let text = src.replacen(
        "ramp_years = 1.0",
        &format!(
            "ramp_years = {{ discrete = {{ values = [{}] }} }}",
            values.join(",")
        ),
        1,
    );
    assert!(text.len() > 2_000_000);
    let start = Instant::now();
    let s = gwsim::scenario::load_str(&text, "long.toml", None, &[]).expect("valid");
    let took = start.elapsed();
    assert_eq!(s.fleet.len(), 2);
    // Counted from the start of the line, each column cost as much as the line: 10 s and more.
    assert!(
        took < Duration::from_secs(5),
        "2 MB on one line took {took:?}"
    );
}

// 6. Unbounded reads.

#[cfg(unix)]
#[test]
fn scenario_reads_are_bounded_and_refuse_special_files() {
    let dir = tmp("reads");
    fs::create_dir_all(&dir).expect("mkdir");
    let fifo = dir.join("deal.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let big = dir.join("big.toml");
    fs::File::create(&big)
        .and_then(|f| f.set_len(gwsim::scenario::MAX_FILE_BYTES + 1))
        .expect("a sparse file");
    let child = dir.join("child.toml");
    fs::write(&child, "extends = \"/dev/zero\"\nname = \"x\"\n").expect("write");
    for (file, want) in [
        ("/dev/zero", "not a regular file"),
        (s(&fifo), "not a regular file"),
        (s(&big), "16 MiB"),
        (s(&child), "not a regular file"),
    ] {
        let r = gwsim(&["check", file], 60);
        assert_eq!(r.status.code(), Some(1), "{file}: {}", text(&r.stderr));
        assert!(
            text(&r.stderr).contains(want),
            "{file}: {}",
            text(&r.stderr)
        );
    }
}

// 7. Terminal escape injection.

#[test]
fn control_characters_from_a_file_are_shown_escaped() {
    let dir = tmp("escapes");
    let esc = "\\u001b[31mRED\\u001b[0m";
    let src = fs::read_to_string(data("small-cloud.toml")).expect("fixture");
    let evil = src
        .replacen(
            "name = \"Small cloud test deal\"",
            &format!("name = \"Small {esc} deal\""),
            1,
        )
        .replacen(
            "pue = { triangular = [1.10, 1.18, 1.35], source = \"test fixture\" }",
            &format!("pue = {{ triangular = [1.10, 1.18, 1.35], source = \"fixture {esc}\" }}"),
            1,
        );
    fs::create_dir_all(&dir).expect("mkdir");
    let f = dir.join("evil.toml");
    fs::write(&f, evil).expect("write");
    let bad_key = small_cloud_with(
        &dir,
        "key.toml",
        "[facility]",
        "[facility]\n\"pu\\u001be\" = 3",
    );
    let out = dir.join("out");
    let mut seen = Vec::new();
    for (args, ok) in [
        (vec!["check", s(&f)], true),
        (
            vec![
                "run",
                s(&f),
                "--samples",
                "500",
                "--no-charts",
                "--out",
                s(&out),
            ],
            true,
        ),
        (
            vec![
                "run",
                s(&f),
                "--samples",
                "500",
                "--no-charts",
                "--format",
                "csv",
                "--out",
                s(&out),
            ],
            true,
        ),
        (vec!["check", s(&bad_key)], false),
    ] {
        let r = gwsim(&args, 120);
        assert_eq!(r.status.success(), ok, "{args:?}: {}", text(&r.stderr));
        for stream in [&r.stdout, &r.stderr] {
            assert!(
                !stream.contains(&0x1b),
                "{args:?}: a raw escape reached the terminal"
            );
            seen.push(text(stream));
        }
    }
    let all = seen.join("\n");
    assert!(all.contains("Small \\u{1b}[31mRED\\u{1b}[0m deal"), "{all}");
    assert!(all.contains("fixture \\u{1b}[31mRED"), "{all}");
    assert!(all.contains("pu\\u{1b}e"), "{all}");
    let md = fs::read(out.join("summary.md")).expect("summary.md");
    assert!(!md.contains(&0x1b));
}

// 8. An interrupted run leaves a mixed folder.

#[test]
fn a_run_replaces_the_whole_set_of_its_files() {
    let dir = tmp("set");
    let f = data("small-cloud.toml");
    let out = dir.join("out");
    let r = gwsim(
        &[
            "run",
            s(&f),
            "--samples",
            "2000",
            "--quiet",
            "--out",
            s(&out),
        ],
        300,
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert!(file_names(&out).contains(&"report.html".to_string()));
    fs::write(out.join("notes.txt"), "mine").expect("a file of the user's");
    // Leftovers of a killed run (a process that does not exist) are removed.
    fs::write(out.join(".gwsim-4000000000-tmp-summary.json"), "x").expect("write");
    fs::write(out.join(".summary.json.4000000000.tmp"), "x").expect("write");
    let r = gwsim(
        &[
            "run",
            s(&f),
            "--samples",
            "1000",
            "--seed",
            "7",
            "--quiet",
            "--no-charts",
            "--out",
            s(&out),
        ],
        300,
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    // Only this run's files, and the user's: no chart or page of the previous run.
    assert_eq!(
        file_names(&out),
        ["notes.txt", "summary.json", "summary.md"]
    );
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_keeps_the_previous_set_and_no_temporary_file() {
    let dir = tmp("interrupt");
    let f = data("small-cloud.toml");
    let out = dir.join("out");
    let r = gwsim(
        &[
            "run",
            s(&f),
            "--samples",
            "1000",
            "--quiet",
            "--no-charts",
            "--out",
            s(&out),
        ],
        300,
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    let before = fs::read(out.join("summary.json")).expect("summary");
    let csv = out.join("samples.csv");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("gwsim"))
        .args([
            "run",
            s(&f),
            "--samples",
            "1e9",
            "--force",
            "--quiet",
            "--samples-out",
            s(&csv),
            "--out",
            s(&out),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Wait until the run writes its samples (to a temporary file), then interrupt it.
    let deadline = Instant::now() + Duration::from_secs(120);
    while !file_names(&out)
        .iter()
        .any(|n| n.contains("-tmp-samples.csv"))
    {
        assert!(Instant::now() < deadline, "no temporary file appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(130));
    assert_eq!(file_names(&out), ["summary.json", "summary.md"]);
    assert_eq!(fs::read(out.join("summary.json")).expect("summary"), before);
}

// 9. Infinities presented as results.

#[test]
fn infinite_results_are_refused_or_absent() {
    let dir = tmp("overflow");
    let f = small_cloud_with(
        &dir,
        "itkw.toml",
        "[simulation]",
        "[systems.gb200-nvl72]\nit_kw = 0\n\n[simulation]",
    );
    let r = gwsim(&["check", s(&f)], 60);
    assert_eq!(r.status.code(), Some(1), "{}", text(&r.stderr));
    let err = text(&r.stderr);
    assert!(err.contains("systems.gb200-nvl72.it_kw"), "{err}");
    assert!(err.contains("itkw.toml:"), "{err}");
    // A price near the largest number: the cost overflows, and is absent rather than infinite.
    let out = dir.join("out");
    let r = gwsim(
        &[
            "run",
            s(&data("small-cloud.toml")),
            "--samples",
            "500",
            "--no-charts",
            "--set",
            "procurement.price_usd_per_gpu_hour.gb200-nvl72=1e307 to 1e308",
            "--out",
            s(&out),
        ],
        120,
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    let table = text(&r.stdout);
    assert!(
        !table
            .lines()
            .any(|l| l.contains(" inf") || l.contains("$inf")),
        "{table}"
    );
    assert!(table.contains("cost_usd is undefined"), "{table}");
    let json = fs::read_to_string(out.join("summary.json")).expect("json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(
        v["metrics"].get("cost_usd").is_none(),
        "absent, not infinite"
    );
}

// 10. SVGs that are not XML; 11. a safety filter that drops charts.

#[test]
fn every_svg_parses_as_xml_whatever_the_names() {
    let dir = tmp("svg");
    let f = small_cloud_with(
        &dir,
        "ctl.toml",
        "name = \"Small cloud test deal\"",
        "name = \"Bell \\u0007 escape \\u001b[2J form \\u000c feed <b>&amp;</b>\"",
    );
    let out = dir.join("out");
    let r = gwsim(
        &[
            "run",
            s(&f),
            "--samples",
            "1000",
            "--quiet",
            "--out",
            s(&out),
        ],
        300,
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    let svgs: Vec<String> = file_names(&out)
        .into_iter()
        .filter(|n| n.ends_with(".svg"))
        .collect();
    assert!(svgs.len() >= 5, "{svgs:?}");
    for n in &svgs {
        let svg = fs::read_to_string(out.join(n)).expect("svg");
        if let Err(e) = roxmltree::Document::parse(&svg) {
            panic!("{n} is not XML: {e}");
        }
    }
    let html = fs::read_to_string(out.join("report.html")).expect("html");
    assert_eq!(html.matches("<svg").count(), svgs.len());
}

#[test]
fn harmless_words_in_a_name_keep_the_charts() {
    let dir = tmp("words");
    let f = small_cloud_with(
        &dir,
        "js.toml",
        "name = \"Small cloud test deal\"",
        "name = \"Notes on JavaScript: onload = fast, <script> too\"",
    );
    let out = dir.join("out");
    let r = gwsim(
        &[
            "run",
            s(&f),
            "--samples",
            "1000",
            "--quiet",
            "--out",
            s(&out),
        ],
        300,
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    let svgs = file_names(&out)
        .iter()
        .filter(|n| n.ends_with(".svg"))
        .count();
    let html = fs::read_to_string(out.join("report.html")).expect("html");
    assert!(svgs >= 5);
    assert_eq!(
        html.matches("<svg").count(),
        svgs,
        "every chart is in the page"
    );
    assert!(!html.contains("<script"), "and the name is escaped");
}

// 12. Late and wrong errors for --out.

#[test]
fn a_bad_out_is_refused_before_any_sampling() {
    let dir = tmp("bad-out");
    fs::create_dir_all(&dir).expect("mkdir");
    let file = dir.join("a-file");
    fs::write(&file, "x").expect("write");
    let f = data("small-cloud.toml");
    for (out, want) in [
        (file.clone(), "is a file, not a folder"),
        (file.join("sub"), "is a file, not a folder"),
    ] {
        // A billion samples: only a check before sampling answers within the time limit.
        let r = gwsim(
            &[
                "run",
                s(&f),
                "--samples",
                "1e9",
                "--quiet",
                "--out",
                s(&out),
            ],
            60,
        );
        assert_eq!(r.status.code(), Some(1), "{}", text(&r.stderr));
        let err = text(&r.stderr);
        assert!(err.contains("--out") && err.contains(want), "{err}");
        assert!(!err.contains("File exists"), "{err}");
    }
}

// 13. Unbounded --threads.

#[test]
fn threads_are_bounded() {
    let dir = tmp("threads");
    let r = gwsim(
        &[
            "run",
            s(&data("small-cloud.toml")),
            "--samples",
            "1000",
            "--threads",
            "100000",
            "--no-charts",
            "--format",
            "json",
            "--out",
            s(&dir),
        ],
        60,
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert!(
        text(&r.stderr).contains("more than 4 per core"),
        "{}",
        text(&r.stderr)
    );
}

// 14. Errors without a place.

#[test]
fn errors_name_the_place_and_the_key() {
    let dir = tmp("places");
    let dup = small_cloud_with(
        &dir,
        "dup.toml",
        "it_overhead = ",
        "pue = 1.3\nit_overhead = ",
    );
    let big = small_cloud_with(&dir, "big.toml", "years = 3", "years = 1e308");
    let header = small_cloud_with(&dir, "header.toml", "[simulation]", "[2000]\n[simulation]");
    for (f, want) in [
        (
            &dup,
            "dup.toml:11:1: error: TOML syntax: duplicate key 'pue'",
        ),
        (&big, "big.toml:5:9: error: years: 1e308 is too large"),
        (&header, "header.toml:47:2: error: 2000: unknown key '2000'"),
    ] {
        let r = gwsim(&["check", s(f)], 60);
        assert_eq!(r.status.code(), Some(1));
        let err = text(&r.stderr);
        assert!(err.contains(want), "{err}");
    }
    let r = gwsim(&["check", s(&dir.join("missing.toml"))], 60);
    assert!(
        text(&r.stderr).contains("missing.toml:1:1: error: cannot read scenario file"),
        "{}",
        text(&r.stderr)
    );
}

// 15. Names that cannot be addressed.

#[test]
fn names_that_cannot_be_addressed_are_refused() {
    let dir = tmp("names");
    let dotted = small_cloud_with(&dir, "dot.toml", "name = \"rubin\"", "name = \"ru.bin\"");
    let r = gwsim(&["check", s(&dotted)], 60);
    assert_eq!(r.status.code(), Some(1));
    let err = text(&r.stderr);
    assert!(err.contains("dot.toml:26:8: error: fleet.ru.bin"), "{err}");
    assert!(err.contains("e.g. 'ru-bin'"), "{err}");
    let eq = small_cloud_with(&dir, "eq.toml", "name = \"partner\"", "name = \"a=b\"");
    let r = gwsim(&["check", s(&eq)], 60);
    assert_eq!(r.status.code(), Some(1));
    assert!(
        text(&r.stderr).contains("investment.a=b"),
        "{}",
        text(&r.stderr)
    );
    let key = small_cloud_with(
        &dir,
        "key.toml",
        "[simulation]",
        "[systems.\"my.rack\"]\ngpus = 8\n\n[simulation]",
    );
    let r = gwsim(&["check", s(&key)], 60);
    assert_eq!(r.status.code(), Some(1));
    assert!(
        text(&r.stderr).contains("the system key 'my.rack'"),
        "{}",
        text(&r.stderr)
    );
}

// 16. Work without a bound.

#[test]
fn large_work_needs_force() {
    let dir = tmp("work");
    let f = data("small-cloud.toml");
    let r = gwsim(
        &[
            "sweep",
            s(&f),
            "--set-range",
            "facility.pue=1.1:1.5:1000",
            "--metric",
            "gpus",
            "--samples",
            "1e9",
            "--quiet",
            "--out",
            s(&dir),
        ],
        60,
    );
    assert_eq!(r.status.code(), Some(1), "{}", text(&r.stderr));
    let err = text(&r.stderr);
    assert!(
        err.contains("1000 points × 1e9 samples = 1e12 model evaluations")
            && err.contains("--force"),
        "{err}"
    );
    let r = gwsim(
        &[
            "run",
            s(&f),
            "--samples",
            "1e8",
            "--quiet",
            "--samples-out",
            s(&dir.join("samples.csv")),
            "--out",
            s(&dir),
        ],
        60,
    );
    assert_eq!(r.status.code(), Some(1), "{}", text(&r.stderr));
    let err = text(&r.stderr);
    assert!(err.contains("GB") && err.contains("--force"), "{err}");
    assert!(!dir.join("samples.csv").exists());
}
