//! `--xlsx FILE`: the workbooks of run, compare, sweep and sensitivity, read back with calamine.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use calamine::{Data, Range, Reader, Xlsx, open_workbook};

use crate::common::{file_names, run_json, tmp};

fn scenario(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
        .display()
        .to_string()
}

fn open(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).expect("a workbook calamine reads")
}

fn sheet(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Range<Data> {
    wb.worksheet_range(name).expect(name)
}

/// The row of `range` whose first cell is the text `key`.
fn row<'a>(range: &'a Range<Data>, key: &str) -> &'a [Data] {
    range
        .rows()
        .find(|r| matches!(&r[0], Data::String(s) if s == key))
        .unwrap_or_else(|| panic!("no row '{key}'"))
}

/// The column of `header` named `name`.
fn col(range: &Range<Data>, name: &str) -> usize {
    range
        .rows()
        .next()
        .expect("a header")
        .iter()
        .position(|c| matches!(c, Data::String(s) if s == name))
        .unwrap_or_else(|| panic!("no column '{name}'"))
}

fn float(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        other => panic!("not a number cell: {other:?}"),
    }
}

/// `json`, a number read from gwsim's JSON, and `cell`, the same number read from the workbook:
/// equal up to one unit in the last place, as serde_json's default float parser does not round
/// every decimal correctly (calamine's does, and the workbook holds the shortest decimal that
/// gives the number back).
#[track_caller]
fn same(cell: f64, json: f64) {
    let ulps = (cell.to_bits() as i64 - json.to_bits() as i64).unsigned_abs();
    assert!(
        cell.is_sign_negative() == json.is_sign_negative() && ulps <= 1,
        "{cell} in the workbook, {json} in the JSON"
    );
}

/// The distinct chart parts of the workbook (`xl/charts/chartN.xml`): zip keeps file names
/// uncompressed.
fn chart_parts(path: &Path) -> usize {
    let bytes = std::fs::read(path).expect("read");
    (1..200)
        .take_while(|n| {
            let name = format!("xl/charts/chart{n}.xml");
            bytes.windows(name.len()).any(|w| w == name.as_bytes())
        })
        .count()
}

#[test]
fn a_runs_workbook_holds_the_json_numbers_as_numbers_and_charts() {
    let dir = tmp("xlsx-run");
    let book = dir.join("run.xlsx");
    let out = dir.join("out");
    let json = run_json(&[
        "run",
        "--samples",
        "2000",
        "--seed",
        "11",
        "--no-charts",
        "--quiet",
        "--format",
        "json",
        "--out",
        out.to_str().expect("utf8"),
        "--xlsx",
        book.to_str().expect("utf8"),
    ]);
    let mut wb = open(&book);
    assert_eq!(
        wb.sheet_names(),
        [
            "Summary",
            "Charts",
            "Series",
            "Distributions",
            "Probabilities",
            "Inputs",
            "About"
        ]
    );

    let summary = sheet(&mut wb, "Summary");
    let metrics = json["metrics"].as_object().expect("metrics");
    assert_eq!(summary.height(), metrics.len() + 1, "one row per metric");
    for q in ["mean", "p5", "p25", "p50", "p75", "p95"] {
        let c = col(&summary, q);
        for (name, m) in metrics {
            let cell = &row(&summary, name)[c];
            same(float(cell), m[q].as_f64().expect(q));
        }
    }
    let unit = col(&summary, "unit");
    assert!(
        matches!(&row(&summary, "npv_usd")[unit], Data::String(u) if u == "USD"),
        "units in their column"
    );
    // The headline metrics come first.
    assert!(
        matches!(&summary.rows().nth(1).expect("row")[col(&summary, "headline")], Data::String(s) if s == "yes")
    );

    let probabilities = sheet(&mut wb, "Probabilities");
    for (name, p) in json["probabilities"].as_object().expect("probabilities") {
        same(float(&row(&probabilities, name)[1]), p.as_f64().expect("p"));
    }

    let series = sheet(&mut wb, "Series");
    let years = json["series"]["years"].as_array().expect("years").len();
    let bands = json["series"].as_object().expect("series").len() - 1;
    assert_eq!(series.height(), 1 + years * bands);
    let cash = json["series"]["cumulative_cash_usd"]["p50"]
        .as_array()
        .expect("cash");
    let cash_rows: Vec<&[Data]> = series
        .rows()
        .filter(|r| matches!(&r[0], Data::String(s) if s == "cumulative_cash_usd"))
        .collect();
    assert_eq!(cash_rows.len(), years);
    for (r, x) in cash_rows.iter().zip(cash) {
        same(float(&r[col(&series, "p50")]), x.as_f64().expect("p50"));
        assert!(float(&r[col(&series, "year")]) >= 2000.0);
    }

    let inputs = sheet(&mut wb, "Inputs");
    let json_inputs = json["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.height(), json_inputs.len() + 1);
    let pue = json_inputs
        .iter()
        .find(|i| i["path"] == "facility.pue")
        .expect("facility.pue");
    let pue_row = row(&inputs, "facility.pue");
    same(
        float(&pue_row[col(&inputs, "p50")]),
        pue["p50"].as_f64().expect("p50"),
    );
    assert!(
        matches!(&pue_row[col(&inputs, "distribution")], Data::String(d) if *d == pue["dist"]),
        "{:?}",
        pue_row
    );
    assert!(
        matches!(&pue_row[col(&inputs, "source")], Data::String(s) if !s.is_empty()),
        "{pue_row:?}"
    );

    let about = sheet(&mut wb, "About");
    assert_eq!(float(&row(&about, "seed")[1]), 11.0);
    assert_eq!(float(&row(&about, "samples")[1]), 2000.0);

    // A cumulative curve per headline metric and a chart per yearly series.
    let distributions = sheet(&mut wb, "Distributions");
    let headline = distributions.width() - 1;
    assert!(headline >= 5, "{headline}");
    assert_eq!(chart_parts(&book), headline + bands);
    // The folder's set is written as before, and nothing else is left beside the workbook.
    assert!(out.join("summary.json").exists());
    let names = file_names(&dir);
    assert_eq!(names, ["out", "run.xlsx"]);
}

#[test]
fn the_samples_sheet_holds_every_sample_as_the_csv_does() {
    let dir = tmp("xlsx-samples");
    let book = dir.join("s.xlsx");
    let csv_path = dir.join("s.csv");
    let o = cargo_bin_cmd!("gwsim")
        .args([
            "run",
            "--samples",
            "2000",
            "--seed",
            "3",
            "--no-charts",
            "--quiet",
        ])
        .args(["--out", dir.join("out").to_str().expect("utf8")])
        .args(["--samples-out", csv_path.to_str().expect("utf8")])
        .args(["--xlsx", book.to_str().expect("utf8"), "--xlsx-samples"])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut wb = open(&book);
    assert_eq!(wb.sheet_names().last().map(String::as_str), Some("About"));
    assert!(wb.sheet_names().iter().any(|s| s == "Samples"));
    let samples = sheet(&mut wb, "Samples");
    assert_eq!(samples.height(), 2001, "a header and a row per sample");

    let text = std::fs::read_to_string(&csv_path).expect("csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let first = samples.rows().next().expect("header row");
    assert_eq!(first.len(), header.len());
    for (a, b) in first.iter().zip(&header) {
        assert!(matches!(a, Data::String(s) if s == b), "{a:?} vs {b}");
    }
    // Rows 1, 2 and the last: the same numbers as the CSV, as numbers.
    let rows: Vec<&str> = lines.collect();
    for k in [0usize, 1, 1999] {
        let cells: Vec<&str> = rows[k].split(',').collect();
        let sheet_row = samples.rows().nth(k + 1).expect("row");
        assert_eq!(float(&sheet_row[0]), k as f64);
        for (c, text) in cells.iter().enumerate().skip(1) {
            match text.parse::<f64>() {
                Ok(x) if x.is_finite() => assert_eq!(float(&sheet_row[c]), x, "row {k} col {c}"),
                _ => assert_eq!(sheet_row[c], Data::Empty, "row {k} col {c}"),
            }
        }
    }
}

#[test]
fn xlsx_samples_needs_xlsx() {
    let o = cargo_bin_cmd!("gwsim")
        .args(["run", "--samples", "100", "--xlsx-samples", "--quiet"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--xlsx"));
}

#[test]
fn a_bad_xlsx_path_is_refused_before_any_work_and_leaves_nothing() {
    let dir = tmp("xlsx-bad");
    std::fs::create_dir_all(&*dir).expect("mkdir");
    let file = dir.join("plain");
    std::fs::write(&file, "not a folder").expect("write");
    let under_file = file.join("book.xlsx");
    let folder = dir.join("folder");
    std::fs::create_dir_all(&folder).expect("mkdir");
    let scenario_copy = dir.join("deal.toml");
    std::fs::copy(scenario("gb200-nvl72-1gw.toml"), &scenario_copy).expect("copy");
    let before = std::fs::read(&scenario_copy).expect("read");
    for (target, words) in [
        (&under_file, "cannot make its folder"),
        (&folder, "it is a folder"),
        (&scenario_copy, "a file this command reads"),
    ] {
        let t = target.to_str().expect("utf8");
        let o = cargo_bin_cmd!("gwsim")
            .args(["run", scenario_copy.to_str().expect("utf8")])
            .args(["--samples", "1000", "--no-charts", "--quiet"])
            .args(["--out", dir.join("out").to_str().expect("utf8")])
            .args(["--xlsx", t])
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{t}: {err}");
        assert!(err.contains(&format!("--xlsx {t}")), "{err}");
        assert!(err.contains(words), "{err}");
    }
    assert_eq!(std::fs::read(&scenario_copy).expect("read"), before);
    assert_eq!(std::fs::read(&file).expect("read"), b"not a folder");
    let names = file_names(&dir);
    // No workbook, no temporary file; the output folder itself is checked (made) first.
    assert_eq!(names, ["deal.toml", "folder", "out", "plain"]);
    assert_eq!(std::fs::read_dir(&folder).expect("list").count(), 0);
    assert_eq!(std::fs::read_dir(dir.join("out")).expect("list").count(), 0);
}

#[test]
fn the_xlsx_file_is_not_a_file_of_the_commands_folder() {
    let dir = tmp("xlsx-owned");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("summary.json"), "before").expect("write");
    let target = out.join("summary.json");
    let o = cargo_bin_cmd!("gwsim")
        .args(["run", "--samples", "100", "--no-charts", "--quiet"])
        .args(["--out", out.to_str().expect("utf8")])
        .args(["--xlsx", target.to_str().expect("utf8")])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("writes its own 'summary.json'"), "{err}");
    assert_eq!(std::fs::read(&target).expect("read"), b"before");
}

#[test]
fn the_xlsx_file_and_samples_out_must_differ() {
    let dir = tmp("xlsx-same");
    let p = dir.join("x.xlsx");
    let p = p.to_str().expect("utf8");
    let o = cargo_bin_cmd!("gwsim")
        .args(["run", "--samples", "100", "--no-charts", "--quiet"])
        .args(["--out", dir.join("out").to_str().expect("utf8")])
        .args(["--samples-out", p, "--xlsx", p])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--samples-out names the same file"));
    assert!(!Path::new(p).exists());
}

#[test]
fn a_comparisons_workbook_holds_each_scenario_and_the_differences() {
    let dir = tmp("xlsx-compare");
    let book = dir.join("c.xlsx");
    let json = run_json(&[
        "compare",
        &scenario("anthropic-azure-nvidia-1gw.toml"),
        &scenario("anthropic-owned-1gw.toml"),
        "--samples",
        "2000",
        "--no-charts",
        "--quiet",
        "--format",
        "json",
        "--out",
        dir.join("out").to_str().expect("utf8"),
        "--xlsx",
        book.to_str().expect("utf8"),
    ]);
    let mut wb = open(&book);
    assert_eq!(
        wb.sheet_names(),
        ["Compare", "Charts", "Probabilities", "About"]
    );
    let cmp = sheet(&mut wb, "Compare");
    let metrics = json["metrics"].as_object().expect("metrics");
    assert_eq!(
        cmp.height(),
        1 + 2 * metrics.len(),
        "a row per metric and scenario"
    );
    let rows: Vec<&[Data]> = cmp
        .rows()
        .filter(|r| matches!(&r[0], Data::String(s) if s == "cost_per_mtok_usd"))
        .collect();
    let m = &json["metrics"]["cost_per_mtok_usd"];
    assert_eq!(rows.len(), 2);
    for (k, r) in rows.iter().enumerate() {
        let p50 = m["per_scenario"][k]["p50"].as_f64().expect("p50");
        same(float(&r[col(&cmp, "p50")]), p50);
    }
    assert_eq!(rows[0][col(&cmp, "difference p50")], Data::Empty);
    same(
        float(&rows[1][col(&cmp, "difference p50")]),
        m["difference"][1]["p50"].as_f64().expect("difference"),
    );
    same(
        float(&rows[1][col(&cmp, "P(below first)")]),
        m["p_lower"][1].as_f64().expect("p_lower"),
    );
    assert!(chart_parts(&book) >= 5, "a chart per headline metric");
}

#[test]
fn a_sweeps_workbook_holds_the_table_and_a_chart() {
    let dir = tmp("xlsx-sweep");
    let book = dir.join("w.xlsx");
    let json = run_json(&[
        "sweep",
        &scenario("gb200-nvl72-1gw.toml"),
        "--set-range",
        "facility.pue=1.1:1.5:5",
        "--metric",
        "gpus_per_gw",
        "--samples",
        "2000",
        "--no-charts",
        "--quiet",
        "--format",
        "json",
        "--out",
        dir.join("out").to_str().expect("utf8"),
        "--xlsx",
        book.to_str().expect("utf8"),
    ]);
    let mut wb = open(&book);
    assert_eq!(wb.sheet_names(), ["Sweep", "About"]);
    let sw = sheet(&mut wb, "Sweep");
    let points = json["points"].as_array().expect("points");
    assert_eq!(sw.height(), 1 + points.len());
    let p50 = col(&sw, "gpus_per_gw p50 (GPUs per GW)");
    for (r, p) in sw.rows().skip(1).zip(points) {
        same(float(&r[0]), p["value"].as_f64().expect("value"));
        same(float(&r[p50]), p["p50"].as_f64().expect("p50"));
    }
    assert_eq!(chart_parts(&book), 1);
}

#[test]
fn a_two_way_sweeps_workbook_holds_every_point_and_the_median_grid() {
    let dir = tmp("xlsx-grid");
    let book = dir.join("g.xlsx");
    let json = run_json(&[
        "sweep",
        &scenario("gb200-nvl72-1gw.toml"),
        "--set-range",
        "facility.pue=1.1:1.5:3",
        "--set-range",
        "facility.it_overhead=0.05:0.15:2",
        "--metric",
        "gpus_per_gw",
        "--samples",
        "1000",
        "--no-charts",
        "--quiet",
        "--format",
        "json",
        "--out",
        dir.join("out").to_str().expect("utf8"),
        "--xlsx",
        book.to_str().expect("utf8"),
    ]);
    let mut wb = open(&book);
    assert_eq!(wb.sheet_names(), ["Grid", "Median", "About"]);
    let grid = sheet(&mut wb, "Grid");
    let points = json["points"].as_array().expect("points");
    assert_eq!(points.len(), 6);
    assert_eq!(grid.height(), 1 + points.len());
    let p50 = col(&grid, "gpus_per_gw p50 (GPUs per GW)");
    for (r, p) in grid.rows().skip(1).zip(points) {
        same(float(&r[0]), p["values"][0].as_f64().expect("row value"));
        same(float(&r[1]), p["values"][1].as_f64().expect("column value"));
        same(float(&r[p50]), p["p50"].as_f64().expect("p50"));
    }
    // The matrix: PUE down the rows, overhead across, the p50 of point (i, j) at (1 + i, 1 + j).
    let median = sheet(&mut wb, "Median");
    assert_eq!((median.height(), median.width()), (4, 3));
    let cell = |r: usize, c: usize| float(median.get((r, c)).expect("a cell"));
    same(cell(0, 2), 0.15);
    same(cell(3, 0), 1.5);
    for (k, p) in points.iter().enumerate() {
        same(cell(1 + k / 2, 1 + k % 2), p["p50"].as_f64().expect("p50"));
    }
}

#[test]
fn a_sensitivity_workbook_holds_the_indices_and_a_chart() {
    let dir = tmp("xlsx-sens");
    let book = dir.join("s.xlsx");
    let json = run_json(&[
        "sensitivity",
        &scenario("gb200-nvl72-1gw.toml"),
        "--samples",
        "2000",
        "--sobol-samples",
        "256",
        "--bootstrap",
        "50",
        "--no-charts",
        "--quiet",
        "--format",
        "json",
        "--out",
        dir.join("out").to_str().expect("utf8"),
        "--xlsx",
        book.to_str().expect("utf8"),
    ]);
    let mut wb = open(&book);
    assert_eq!(wb.sheet_names(), ["Sensitivity", "About"]);
    let sens = sheet(&mut wb, "Sensitivity");
    let sobol = json["sobol"].as_array().expect("sobol");
    assert_eq!(sens.height(), 1 + sobol.len());
    let st = col(&sens, "ST");
    for (r, x) in sens.rows().skip(1).zip(sobol) {
        assert!(matches!(&r[0], Data::String(p) if *p == x["path"]));
        match x["total"].as_f64() {
            Some(t) => same(float(&r[st]), t),
            None => assert_eq!(r[st], Data::Empty),
        }
    }
    let rho = json["spearman"][0].clone();
    let top = row(&sens, rho["path"].as_str().expect("path"));
    same(
        float(&top[col(&sens, "rho")]),
        rho["rho"].as_f64().expect("rho"),
    );
    assert_eq!(chart_parts(&book), 1);
}

#[test]
fn every_command_refuses_a_bad_xlsx_path_before_any_work() {
    let dir = tmp("xlsx-bad-all");
    std::fs::create_dir_all(dir.join("folder")).expect("mkdir");
    let folder = dir.join("folder");
    let folder = folder.to_str().expect("utf8");
    let out = dir.join("out");
    let out = out.to_str().expect("utf8");
    let deal = scenario("gb200-nvl72-1gw.toml");
    let owned = scenario("anthropic-owned-1gw.toml");
    for args in [
        &["compare", &deal, &owned][..],
        &[
            "sweep",
            &deal,
            "--set-range",
            "facility.pue=1.1:1.5:3",
            "--metric",
            "gpus",
        ][..],
        &["sensitivity", &deal, "--sobol-samples", "64"][..],
    ] {
        let o = cargo_bin_cmd!("gwsim")
            .args(args)
            .args([
                "--samples",
                "1000",
                "--quiet",
                "--out",
                out,
                "--xlsx",
                folder,
            ])
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{}: {err}", args[0]);
        assert!(
            err.contains(&format!("--xlsx {folder}: it is a folder")),
            "{err}"
        );
        assert_eq!(std::fs::read_dir(folder).expect("list").count(), 0);
        assert_eq!(
            std::fs::read_dir(out).expect("list").count(),
            0,
            "nothing ran"
        );
    }
}

#[test]
fn the_table_says_where_the_workbook_went() {
    let dir = tmp("xlsx-table");
    let book = dir.join("t.xlsx");
    let o = cargo_bin_cmd!("gwsim")
        .args(["run", "--samples", "1000", "--no-charts", "--quiet"])
        .args(["--out", dir.join("out").to_str().expect("utf8")])
        .args(["--xlsx", book.to_str().expect("utf8")])
        .output()
        .expect("runs");
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.ends_with(&format!("Wrote {}\n", book.display())),
        "{text}"
    );
}
