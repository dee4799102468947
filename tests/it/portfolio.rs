//! `gwsim portfolio`: the arithmetic by hand, one draw per shared value across deals, problems
//! located in the portfolio file, and the same bits on any thread count.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use gwsim::engine::portfolio::{PortfolioConfig, PortfolioRun};
use gwsim::scenario::{self, SamplerKind};

use crate::cli::command_on_one_two_three_threads;
use crate::common::{data, run_json, tmp};

/// Write `files` (name, text) into a fresh folder; return the folder.
fn folder(name: &str, files: &[(&str, &str)]) -> crate::common::Tmp {
    let dir = tmp(name);
    std::fs::create_dir_all(&dir).expect("folder");
    for (f, text) in files {
        std::fs::write(dir.join(f), text).expect("write");
    }
    dir
}

fn portfolio_json(file: &Path, extra: &[&str]) -> serde_json::Value {
    let out = tmp("portfolio-out");
    let mut args = vec![
        "portfolio",
        file.to_str().expect("utf8"),
        "--format",
        "json",
        "--quiet",
        "--no-charts",
        "--out",
        out.to_str().expect("utf8"),
    ];
    args.extend_from_slice(extra);
    run_json(&args)
}

fn numbers(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

fn assert_all_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: {got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(close(*g, *w), "{what}: {got:?} vs {want:?}");
    }
}

/// A cloud deal with every value fixed: `gpus` GPUs all year from `start` for `years` years at
/// `price` per GPU-hour, and `equity` paid in during the first year.
fn fixed_deal(name: &str, start: i32, years: u32, gpus: f64, price: f64, equity: f64) -> String {
    let investment = if equity > 0.0 {
        format!(
            "[[investment]]\nname = \"investor\"\nkind = \"equity\"\namount_usd = {equity:e}\nyear = {start}\n"
        )
    } else {
        String::new()
    };
    format!(
        "name = \"{name}\"\nstart_year = {start}\nyears = {years}\ndiscount_rate = 0.1\n\
         [facility]\npue = 1.2\nit_overhead = 0.1\n\
         [procurement]\nmode = \"cloud\"\nprice_usd_per_gpu_hour = {price:?}\n\
         [[fleet]]\nsystem = \"gb200-nvl72\"\ngpus = {gpus:?}\nonline = {start}\n\
         {investment}\
         [workload]\ninference_share = 0.5\nutilization = 0.5\nmfu = 0.4\n"
    )
}

#[test]
fn two_fixed_deals_by_hand() {
    // Deal a: 1,000 GPUs all year in 2026 and 2027 at $2 per GPU-hour, 8,766 hours a year:
    //   1,000 × 8,766 × 2 = $17,532,000 a year; $5,000,000 of equity in 2026.
    // Deal b: 500 GPUs in 2027 and 2028 at $3: 500 × 8,766 × 3 = $13,149,000 a year, of which
    //   the buyer's share 0.5 is $6,574,500.
    // Spend by year (horizon 2026–2028):
    //   2026: 17,532,000
    //   2027: 17,532,000 + 6,574,500 = 24,106,500
    //   2028: 6,574,500
    // Revenue: a run-rate of $12M a year on 1 Jan 2026, doubling every year: a calendar year
    //   earns R(Y) × g / ln(1 + g) = R(Y) / ln 2, and R doubles from year to year:
    //   2026: 12e6 / ln 2 = 17,312,340.5…, 2027: 34,624,681.0…, 2028: 69,249,362.1…
    // Margin 0.5: revenue left for compute 8,656,170.2…, 17,312,340.5…, 34,624,681.0…
    // Funding need, cumulative (spend − margin × revenue − equity):
    //   2026: 17,532,000 − 8,656,170.2 − 5,000,000 =  3,875,829.8
    //   2027: 3,875,829.8 + 24,106,500 − 17,312,340.5 = 10,669,989.2
    //   2028: 10,669,989.2 + 6,574,500 − 34,624,681.0 = −17,380,191.8
    //   peak: 10,669,989.2 (2027).
    // Spend exceeds margin × revenue in 2026 and 2027, not in 2028: revenue covers spend from
    //   2028.
    let a = fixed_deal("a", 2026, 2, 1000.0, 2.0, 5e6);
    let b = fixed_deal("b", 2027, 2, 500.0, 3.0, 0.0);
    let p = "name = \"By hand\"\nbuyer = \"Lab\"\nas_of = \"December 2026\"\n\
             [[deal]]\nfile = \"a.toml\"\n\
             [[deal]]\nfile = \"b.toml\"\nshare = 0.5\n\
             [revenue]\nrun_rate_usd = 12e6\nat = 2026.0\ngrowth_per_year = 1.0\nmargin = 0.5\n";
    let dir = folder(
        "portfolio-by-hand",
        &[("a.toml", &a), ("b.toml", &b), ("p.toml", p)],
    );
    let v = portfolio_json(&dir.join("p.toml"), &["--samples", "10"]);
    assert_eq!(numbers(&v["years"]), vec![2026.0, 2027.0, 2028.0]);
    let y = &v["yearly"];
    assert_all_close(
        &numbers(&y["spend_usd"]["p50"]),
        &[17_532_000.0, 24_106_500.0, 6_574_500.0],
        "spend",
    );
    let r = 12e6 / std::f64::consts::LN_2;
    assert_all_close(
        &numbers(&y["revenue_usd"]["p50"]),
        &[r, 2.0 * r, 4.0 * r],
        "revenue",
    );
    let need = [
        17_532_000.0 - 0.5 * r - 5e6,
        17_532_000.0 - 0.5 * r - 5e6 + 24_106_500.0 - r,
        17_532_000.0 - 0.5 * r - 5e6 + 24_106_500.0 - r + 6_574_500.0 - 2.0 * r,
    ];
    assert!((need[1] - 10_669_989.2).abs() < 0.1, "{need:?}");
    assert_all_close(
        &numbers(&y["funding_need_usd"]["p50"]),
        &need,
        "funding need",
    );
    assert_all_close(
        &numbers(&y["inflow_usd"]["p50"]),
        &[5e6, 0.0, 0.0],
        "inflow",
    );
    assert_eq!(
        numbers(&y["p_spend_above_revenue"]),
        vec![1.0, 1.0, 0.0],
        "P(spend > margin × revenue)"
    );
    let m = &v["metrics"];
    assert!(close(
        m["peak_funding_need_usd"]["p50"].as_f64().expect("peak"),
        need[1]
    ));
    assert_eq!(m["coverage_year"]["p50"].as_f64(), Some(2028.0));
    assert!(m["coverage_year"].get("defined_share").is_none());
    assert!(close(
        m["total_spend_usd"]["p50"].as_f64().expect("total"),
        48_213_000.0
    ));
    assert!(close(
        m["investment_usd"]["p50"].as_f64().expect("inv"),
        5e6
    ));
    // Each deal's own spend, on the horizon's years.
    let deals = v["deals"].as_array().expect("deals");
    assert_eq!(deals[0]["name"], "a");
    assert_all_close(
        &numbers(&deals[0]["spend_usd"]["p50"]),
        &[17_532_000.0, 17_532_000.0, 0.0],
        "deal a",
    );
    assert_all_close(
        &numbers(&deals[1]["spend_usd"]["p50"]),
        &[0.0, 6_574_500.0, 6_574_500.0],
        "deal b",
    );
    // Capacity: b's 500 GPUs count at half.
    let gpus = &y["gpus"]["gb200-nvl72"]["p50"];
    assert_all_close(&numbers(gpus), &[1000.0, 1250.0, 250.0], "GPUs");
    // Without the margin (all revenue pays for compute) 2026 is short by 17,532,000 −
    // 17,312,340.5 = $219,659.5 before the equity, so coverage starts in 2027.
    let v = portfolio_json(
        &dir.join("p.toml"),
        &["--samples", "10", "--set", "revenue.margin=1"],
    );
    assert_eq!(v["metrics"]["coverage_year"]["p50"].as_f64(), Some(2027.0));
    // A margin of zero: never covered within the horizon, in any sample.
    let v = portfolio_json(
        &dir.join("p.toml"),
        &["--samples", "10", "--set", "revenue.margin=0"],
    );
    assert_eq!(
        v["metrics"]["coverage_year"]["defined_share"].as_f64(),
        Some(0.0)
    );
}

#[test]
fn a_shared_value_is_one_draw_across_deals() {
    // The same deal twice at half each is the deal once, sample by sample: every value it has
    // is shared by the two copies and drawn once. Drawn independently, the two halves would
    // average out and narrow the distribution of the sum.
    let deal = std::fs::read_to_string(data("small-cloud.toml")).expect("fixture");
    let whole = "name = \"Whole\"\nbuyer = \"Lab\"\nas_of = \"2026\"\n\
                 [[deal]]\nname = \"one\"\nfile = \"deal.toml\"\n\
                 [revenue]\nrun_rate_usd = 1e9\nat = 2026.0\ngrowth_per_year = \"0.2 to 1\"\n";
    let halves = "name = \"Halves\"\nbuyer = \"Lab\"\nas_of = \"2026\"\n\
                  [[deal]]\nname = \"one\"\nfile = \"deal.toml\"\nshare = 0.5\n\
                  [[deal]]\nname = \"two\"\nfile = \"deal.toml\"\nshare = 0.5\n\
                  [revenue]\nrun_rate_usd = 1e9\nat = 2026.0\ngrowth_per_year = \"0.2 to 1\"\n";
    let dir = folder(
        "portfolio-shared",
        &[
            ("deal.toml", &deal),
            ("whole.toml", whole),
            ("halves.toml", halves),
        ],
    );
    let args = ["--samples", "40000"];
    let w = portfolio_json(&dir.join("whole.toml"), &args);
    let h = portfolio_json(&dir.join("halves.toml"), &args);
    for m in ["total_spend_usd", "peak_funding_need_usd", "total_gw"] {
        for q in ["p5", "p50", "p95", "mean"] {
            let (a, b) = (
                w["metrics"][m][q].as_f64().expect("w"),
                h["metrics"][m][q].as_f64().expect("h"),
            );
            assert!(close(a, b), "{m} {q}: {a} vs {b}");
        }
    }
    for q in ["p5", "p50", "p95"] {
        assert_all_close(
            &numbers(&h["yearly"]["spend_usd"][q]),
            &numbers(&w["yearly"]["spend_usd"][q]),
            q,
        );
    }
    assert_eq!(h["warnings"].as_array().map(Vec::len), Some(0));

    // Two different deals that share values: each shared path draws the same values in both,
    // batch by batch, as the portfolio runs them.
    let p = scenario::load_portfolio(&data("portfolios/small.toml"), &[]).expect("loads");
    let cfg = PortfolioConfig::from_portfolio(&p);
    let run = PortfolioRun::new(&p, &cfg).expect("builds");
    let (a, b) = (
        run.sims[0].run_batch(1, 1000),
        run.sims[1].run_batch(1, 1000),
    );
    let mut shared = 0;
    for (i, input) in run.sims[0].inputs.iter().enumerate() {
        if let Some(j) = run.sims[1].inputs.iter().position(|x| x.path == input.path) {
            if input.path.starts_with("procurement.price_usd_per_gpu_hour") {
                continue; // different distributions: the same uniforms, other values
            }
            shared += 1;
            let (x, y) = (a.input(i), b.input(j));
            assert!(
                x.iter().zip(y).all(|(x, y)| x.to_bits() == y.to_bits()),
                "{} differs between the deals",
                input.path
            );
        }
    }
    assert!(shared >= 8, "{shared} shared values");
    let result = run.run(&mut |_, _| {}).expect("runs");
    assert!(result.warnings.is_empty(), "{:?}", result.warnings);
}

/// Run `gwsim portfolio` on `text` (as `p.toml` beside the test data) and return its stderr.
fn problem(name: &str, text: &str, extra: &[&str]) -> String {
    let dir = folder(name, &[("p.toml", text)]);
    let data_dir = data("");
    let text = text.replace("DATA/", data_dir.to_str().expect("utf8"));
    std::fs::write(dir.join("p.toml"), &text).expect("write");
    let o = cargo_bin_cmd!("gwsim")
        .args(["portfolio", dir.join("p.toml").to_str().expect("utf8")])
        .args(["--quiet", "--no-charts", "--samples", "10"])
        .args(extra)
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const HEAD: &str = "name = \"P\"\nbuyer = \"Lab\"\nas_of = \"2026\"\n";
const REVENUE: &str = "[revenue]\nrun_rate_usd = 1e9\nat = 2026.0\ngrowth_per_year = 0.5\n";

#[test]
fn problems_name_file_line_column_and_path() {
    // A missing deal file, with the closest file of its folder.
    let e = problem(
        "portfolio-missing",
        &format!("{HEAD}[[deal]]\nname = \"x\"\nfile = \"DATA/small-clowd.toml\"\n{REVENUE}"),
        &[],
    );
    assert!(
        e.contains("p.toml:6:8: error: deal.x.file: cannot read deal scenario"),
        "{e}"
    );
    assert!(e.contains("did you mean 'small-cloud.toml'?"), "{e}");

    // An override of a path the deal does not have: located in the string that wrote it.
    let e = problem(
        "portfolio-set",
        &format!(
            "{HEAD}[[deal]]\nname = \"x\"\nfile = \"DATA/small-cloud.toml\"\n\
             set = [\"workload.utilization=0.5\", \"facility.puee=1.2\"]\n{REVENUE}"
        ),
        &[],
    );
    assert!(
        e.contains("p.toml:7:37: error: deal.x.facility.puee: cannot set 'facility.puee': unknown key 'puee' — did you mean 'pue'?"),
        "{e}"
    );

    // A share outside [0, 1].
    let e = problem(
        "portfolio-share",
        &format!(
            "{HEAD}[[deal]]\nname = \"x\"\nfile = \"DATA/small-cloud.toml\"\nshare = 1.5\n{REVENUE}"
        ),
        &[],
    );
    assert!(
        e.contains("p.toml:7:9: error: deal.x.share: 1.5 is outside this field's domain: it must be within [0, 1]"),
        "{e}"
    );

    // A date written as a TOML date, and one out of range.
    let deal = "[[deal]]\nfile = \"DATA/small-cloud.toml\"\n";
    let e = problem(
        "portfolio-date",
        &format!(
            "{HEAD}{deal}[revenue]\nrun_rate_usd = 1e9\nat = 2026-05-01\ngrowth_per_year = 0.5\n"
        ),
        &[],
    );
    assert!(
        e.contains("p.toml:8:6: error: revenue.at: a TOML date is not read here; write the date as a decimal year"),
        "{e}"
    );
    let e = problem(
        "portfolio-date-range",
        &format!("{HEAD}{deal}[revenue]\nrun_rate_usd = 1e9\nat = 20265\ngrowth_per_year = 0.5\n"),
        &[],
    );
    assert!(
        e.contains("p.toml:8:6: error: revenue.at: 20265 is not a date within 1900–2500"),
        "{e}"
    );

    // A misspelt key, a growth keyed by something other than a year, and a command-line
    // override of a deal that does not exist: all at once, each where it was written.
    let e = problem(
        "portfolio-many",
        &format!(
            "{HEAD}[[deal]]\nname = \"base\"\nfile = \"DATA/small-cloud.toml\"\n\
             [revenue]\nrun_rate_usd = 1e9\nat = 2026.0\nmargn = 0.5\n\
             growth_per_year = {{ 2026 = 0.5, next = 0.2 }}\n"
        ),
        &["--set", "deal.bse.share=0.5"],
    );
    assert!(
        e.contains("p.toml:10:1: error: revenue.margn: unknown key 'margn' in revenue — did you mean 'margin'?"),
        "{e}"
    );
    assert!(
        e.contains(
            "p.toml:11:33: error: revenue.growth_per_year.next: 'next' is not a calendar year"
        ),
        "{e}"
    );
    assert!(
        e.contains("--set:1:1: error: deal.bse.share: cannot set 'deal.bse.share': no [[deal]] named 'bse' — did you mean 'base'?"),
        "{e}"
    );
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn a_deal_takes_a_relative_change() {
    let f = data("portfolios/small.toml");
    let args = |set: &str| ["--samples", "500", "--set", set].map(str::to_string);
    let halved = args("deal.pricier.fleet.blackwell.power_mw*=0.5");
    let written = args("deal.pricier.fleet.blackwell.power_mw=25");
    let a = portfolio_json(&f, &halved.iter().map(String::as_str).collect::<Vec<_>>());
    let b = portfolio_json(&f, &written.iter().map(String::as_str).collect::<Vec<_>>());
    let base = portfolio_json(&f, &["--samples", "500"]);
    // The tranche's 50 MW, halved.
    assert_eq!(a["yearly"], b["yearly"]);
    assert_eq!(a["metrics"], b["metrics"]);
    assert_ne!(a["yearly"], base["yearly"]);
    let e = problem(
        "portfolio-relative-share",
        &format!("{HEAD}[[deal]]\nname = \"base\"\nfile = \"DATA/small-cloud.toml\"\n"),
        &["--set", "deal.base.share*=2"],
    );
    assert!(
        e.contains("--set:1:1: error: deal.base.share: cannot change 'deal.base.share' by *="),
        "{e}"
    );
}

#[test]
fn same_bits_on_any_thread_count() {
    let f = data("portfolios/small.toml");
    let args = ["--samples", "70000", "--format", "json"];
    let outputs = command_on_one_two_three_threads("portfolio", &f, &args, "portfolio-threads");
    assert_eq!(outputs[0], outputs[1], "1 thread vs 2 threads");
    assert_eq!(outputs[0], outputs[2], "1 thread vs 3 threads");
}

#[test]
fn sobol_is_refused_and_the_formats_agree() {
    let f = data("portfolios/small.toml");
    let o = cargo_bin_cmd!("gwsim")
        .args(["portfolio", f.to_str().expect("utf8"), "--sampler", "sobol"])
        .args(["--quiet", "--no-charts", "--samples", "10"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("use --sampler lhs or mc"));

    let out = tmp("portfolio-files");
    let o = cargo_bin_cmd!("gwsim")
        .args(["portfolio", f.to_str().expect("utf8"), "--samples", "5000"])
        .args(["--out", out.to_str().expect("utf8")])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains("Small test portfolio (figures as of December 2026)"),
        "{table}"
    );
    assert!(table.contains("peak_funding_need_usd"), "{table}");
    for name in [
        "portfolio.json",
        "portfolio.md",
        "portfolio.csv",
        "spend_by_deal.svg",
        "spend_by_deal.png",
    ] {
        let meta = std::fs::metadata(out.join(name)).expect(name);
        assert!(meta.len() > 0, "{name}");
    }
    let csv = std::fs::read_to_string(out.join("portfolio.csv")).expect("csv");
    assert!(csv.starts_with("quantity,part,unit,year,p5,p25,p50,p75,p95,mean\n"));
    assert!(csv.contains("\nspend_usd,pricier,USD,2026,"), "{csv}");
    let md = std::fs::read_to_string(out.join("portfolio.md")).expect("md");
    assert!(md.starts_with("# Small test portfolio\n"), "{md}");
}

#[test]
fn shipped_portfolios_load_and_every_value_has_a_source() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("portfolios");
    for name in ["anthropic.toml", "openai.toml"] {
        let p = scenario::load_portfolio(&root.join(name), &[]).expect(name);
        assert_eq!(p.as_of, "December 2026", "{name}");
        assert_eq!(p.simulation.sampler, SamplerKind::Lhs);
        for v in p.params() {
            if v.note.as_deref().is_some_and(|n| n.starts_with("default")) {
                continue;
            }
            assert!(v.source.is_some(), "{name}: {} has no source", v.path);
        }
    }
}

/// A deal named after its file takes the file's stem, which must be addressable in
/// `deal.NAME.…` paths: a stem with a dot is refused with a name that would do.
#[test]
fn a_deal_name_from_a_dotted_file_name_is_refused_with_a_suggestion() {
    let deal = std::fs::read_to_string(data("small-cloud.toml")).expect("read");
    let text = format!("{HEAD}[[deal]]\nfile = \"lab-4.5gw.toml\"\n{REVENUE}");
    let dir = folder(
        "portfolio-dotted",
        &[("lab-4.5gw.toml", &deal), ("p.toml", &text)],
    );
    let o = cargo_bin_cmd!("gwsim")
        .args(["portfolio", dir.join("p.toml").to_str().expect("utf8")])
        .args(["--quiet", "--no-charts", "--samples", "10"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("p.toml:5:8: error: deal[1].name"), "{e}");
    assert!(
        e.contains("e.g. 'lab-4-5gw'") && e.contains("give the [[deal]] a name"),
        "{e}"
    );
}
