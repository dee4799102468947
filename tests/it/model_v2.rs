//! The v2 rules by hand: take-or-pay, a tranche sized by the commitment, investment kinds and
//! investments tied to a tranche, capital and the cash basis. Each scenario has fixed values
//! only, and each expected number is worked out in the comment beside it.

use gwsim::engine::{RunConfig, Simulation};
use gwsim::model::{self, HOURS_PER_YEAR, Metric, Outputs, Probability, Series};
use gwsim::scenario::load_str;

const H: f64 = HOURS_PER_YEAR;

/// A unit system: one GPU of 1 kW, $1,000, one output token per second.
const UNIT: &str = r#"
[systems.unit]
gpus = 1
it_kw = 1
price_usd = 1000
pflops_fp8 = 1
tokens_per_gpu_s = 1
"#;

fn scenario(body: &str) -> (Simulation, Outputs) {
    scenario_with_rate(body, 0.1)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

macro_rules! assert_close {
    ($a:expr, $b:expr) => {{
        let (a, b) = ($a, $b);
        assert!(close(a, b), "{} = {a}, expected {b}", stringify!($a));
    }};
}

const CLOUD: &str = r#"
years = 2
[facility]
pue = 1
it_overhead = 0
[workload]
inference_share = 1
utilization = 1
mfu = 0.5
"#;

fn cloud(procurement: &str, fleet: &str) -> (Simulation, Outputs) {
    scenario(&format!(
        "{CLOUD}\n[procurement]\nmode = \"cloud\"\nprice_usd_per_gpu_hour = 2\n{procurement}\n{fleet}"
    ))
}

const ONE_THOUSAND_GPUS: &str = r#"
[[fleet]]
name = "a"
system = "unit"
gpus = 1000
online = 2026
"#;

#[test]
fn take_or_pay_below_the_commitment_pays_the_shortfall_in_the_last_year() {
    // Usage: 1000 GPUs × 8766 h × $2 = $17,532,000 a year, $35,064,000 over two years. A
    // $50M take-or-pay commitment leaves a $14,936,000 shortfall, paid in 2027.
    let (sim, out) = cloud(
        "commitment_usd = 50e6\ntake_or_pay = true",
        ONE_THOUSAND_GPUS,
    );
    let year = 1000.0 * H * 2.0;
    assert_close!(out.metric(Metric::ShortfallUsd), 50e6 - 2.0 * year);
    assert_close!(out.metric(Metric::CostUsd), 50e6);
    let cost = out.series(Series::CostUsd, 2);
    assert_close!(cost[0], year);
    assert_close!(cost[1], year + (50e6 - 2.0 * year));
    // Coverage is usage over the commitment; the GPU-hours the commitment buys are priced at
    // the usage rate ($2).
    assert_close!(out.metric(Metric::CommitmentCoverage), 2.0 * year / 50e6);
    assert_close!(out.metric(Metric::CommitmentGpuHours), 50e6 / 2.0);
    // The cost per GPU-hour includes the shortfall: $50M / 17,532,000 GPU-hours.
    assert_close!(
        out.metric(Metric::CostPerGpuHourUsd),
        50e6 / (2.0 * 1000.0 * H)
    );
    // Discounted mid-year at 10%: the shortfall in the second year.
    assert_close!(
        out.metric(Metric::CostNpvUsd),
        year / 1.1f64.sqrt() + (50e6 - year) / 1.1f64.powf(1.5)
    );
    assert!(!out.probabilities[Probability::CommitmentUsed as usize]);
    assert!(sim.plan.has_metric(Metric::ShortfallUsd));
}

#[test]
fn take_or_pay_above_the_commitment_pays_usage() {
    // A $30M commitment is below the $35,064,000 of usage: no shortfall.
    let (_, out) = cloud(
        "commitment_usd = 30e6\ntake_or_pay = true",
        ONE_THOUSAND_GPUS,
    );
    assert_eq!(out.metric(Metric::ShortfallUsd), 0.0);
    assert_close!(out.metric(Metric::CostUsd), 2.0 * 1000.0 * H * 2.0);
    assert!(out.probabilities[Probability::CommitmentUsed as usize]);
}

#[test]
fn without_take_or_pay_an_unspent_commitment_is_only_reported() {
    let (sim, out) = cloud("commitment_usd = 50e6", ONE_THOUSAND_GPUS);
    assert_close!(out.metric(Metric::CostUsd), 2.0 * 1000.0 * H * 2.0);
    assert!(!sim.plan.has_metric(Metric::ShortfallUsd));
    assert!(out.metric(Metric::ShortfallUsd).is_nan());
}

#[test]
fn a_tranche_sized_by_the_commitment_spends_it_exactly() {
    // Tranche a uses $35,064,000 over 2026-2027. Tranche s installs on 1 Jan 2027 (one
    // installed year in the term): n = ($50M − $35,064,000) / ($2 × 8766 h × 1) = 851.928…
    // GPUs, as drawn (not whole systems), and the fleet spends exactly the commitment.
    let fleet = format!(
        "{ONE_THOUSAND_GPUS}\n[[fleet]]\nname = \"s\"\nsystem = \"unit\"\nsize_from_commitment = true\nonline = 2027\n"
    );
    let (sim, out) = cloud("commitment_usd = 50e6", &fleet);
    let n = (50e6 - 2.0 * 1000.0 * H * 2.0) / (2.0 * H);
    assert_close!(out.metric(Metric::Gpus), 1000.0 + n);
    assert_close!(out.metric(Metric::CostUsd), 50e6);
    assert!(out.probabilities[Probability::CommitmentCoversFleet as usize]);
    // Its facility power follows from its GPUs: n × 1 kW / 1000 × PUE 1.
    assert_close!(out.metric(Metric::FacilityMw), (1000.0 + n) / 1000.0);
    assert!(sim.plan.has_probability(Probability::CommitmentCoversFleet));
}

#[test]
fn a_commitment_sized_fleet_under_take_or_pay_uses_its_commitment() {
    // The same fleet as above under take-or-pay: its usage equals the commitment up to
    // rounding, so there is no shortfall and the commitment counts as used.
    let fleet = format!(
        "{ONE_THOUSAND_GPUS}\n[[fleet]]\nname = \"s\"\nsystem = \"unit\"\nsize_from_commitment = true\nonline = 2027\n"
    );
    let (_, out) = cloud("commitment_usd = 50e6\ntake_or_pay = true", &fleet);
    assert_eq!(out.metric(Metric::ShortfallUsd), 0.0);
    assert_close!(out.metric(Metric::CostUsd), 50e6);
    assert!(out.probabilities[Probability::CommitmentUsed as usize]);
}

#[test]
fn a_commitment_the_others_already_spend_sizes_nothing() {
    let fleet = format!(
        "{ONE_THOUSAND_GPUS}\n[[fleet]]\nname = \"s\"\nsystem = \"unit\"\nsize_from_commitment = true\nonline = 2027\n"
    );
    let (_, out) = cloud("commitment_usd = 30e6", &fleet);
    assert_close!(out.metric(Metric::Gpus), 1000.0);
    assert!(!out.probabilities[Probability::CommitmentCoversFleet as usize]);
}

/// Cloud, two years, a price of $100 per million output tokens, and three investments.
fn with_investments(kinds: [&str; 3]) -> Outputs {
    let body = format!(
        r#"{CLOUD}
[procurement]
mode = "cloud"
price_usd_per_gpu_hour = 2
commitment_usd = 40e6
{ONE_THOUSAND_GPUS}
[[investment]]
name = "one"
kind = "{}"
amount_usd = 1e6
year = 2026
[[investment]]
name = "two"
kind = "{}"
amount_usd = 2e6
year = 2027
[[investment]]
name = "three"
kind = "{}"
amount_usd = 3e6
year = 2027
"#,
        kinds[0], kinds[1], kinds[2]
    )
    .replace("mfu = 0.5", "mfu = 0.5\nprice_usd_per_mtok = 100");
    scenario(&body).1
}

#[test]
fn investment_kinds_in_npv_circularity_and_cash() {
    // Each year: 1000 GPUs × 8766 h × 3600 s × 1 token = 3.15576e10 tokens; revenue
    // 31,557.6 M tokens × $100 = $3,155,760; cost $17,532,000.
    let rev = 1000.0 * H * 3600.0 / 1e6 * 100.0;
    let cost = 1000.0 * H * 2.0;
    let d0 = 1.1f64.sqrt();
    let d1 = 1.1f64.powf(1.5);
    let all_cash = with_investments(["cash", "cash", "cash"]);
    assert_close!(
        all_cash.metric(Metric::NpvUsd),
        (rev - cost + 1e6) / d0 + (rev - cost + 5e6) / d1
    );
    // Equity (the $2M in 2027) leaves the NPV; a rebate (the $3M) stays in it.
    let mixed = with_investments(["cash", "equity", "rebate"]);
    assert_close!(
        mixed.metric(Metric::NpvUsd),
        (rev - cost + 1e6) / d0 + (rev - cost + 3e6) / d1
    );
    // Every kind counts in the investment, the circularity and the cash.
    for out in [&all_cash, &mixed] {
        assert_close!(out.metric(Metric::InvestmentUsd), 6e6);
        assert_close!(out.metric(Metric::Circularity), 6e6 / 40e6);
        assert_close!(out.metric(Metric::NetCommitmentUsd), 34e6);
        let cash = out.series(Series::CumulativeCashUsd, 2);
        assert_close!(cash[1], 2.0 * (rev - cost) + 6e6);
    }
}

#[test]
fn a_tied_investment_is_paid_as_its_tranche_installs_within_the_term() {
    // Tranche b (1 MW: 1000 GPUs of 1 kW, PUE 1) starts installing mid-2027 over two years:
    // by the end of 2027 a quarter is installed ((2028 − 2027.5) / 2), so $10B per GW pays
    // $10e9 × 1 MW / 1000 × 0.25 = $2.5M in 2027 and nothing in 2026; the rest installs after
    // the term and is not paid within it.
    let fleet = r#"
[[fleet]]
name = "b"
system = "unit"
gpus = 1000
online = 2027.5
ramp_years = 2

[[investment]]
name = "vendor"
kind = "equity"
per_gw_usd = 10e9
tied_to = "b"
"#;
    let (_, out) = cloud("commitment_usd = 10e6", fleet);
    assert_close!(out.metric(Metric::InvestmentUsd), 2.5e6);
    let cash = out.series(Series::CumulativeCashUsd, 2);
    // 2026: nothing runs, nothing is paid. 2027: cost 1000 × (0.5² / 4) × 8766 × $2 =
    // $1,095,750 (installed fraction 0.0625), investment +$2.5M.
    assert_eq!(cash[0], 0.0);
    assert_close!(cash[1], 2.5e6 - 1000.0 * 0.0625 * H * 2.0);
}

const OWNED: &str = r#"
years = 3
[facility]
pue = 1
it_overhead = 0
load_factor = 1
power_price_usd_per_kwh = 0.1
datacenter_capex_usd_per_mw = 1e6
datacenter_life_years = 10

[procurement]
mode = "owned"
hardware_life_years = 4
maintenance_pct_of_capex = 0.05

[workload]
inference_share = 1
utilization = 1
mfu = 0.5
price_usd_per_mtok = 50

[[fleet]]
name = "a"
system = "unit"
gpus = 1000
online = 2026

[[fleet]]
name = "b"
system = "unit"
gpus = 1000
online = 2027
"#;

#[test]
fn owned_capex_components_and_peak_funding_on_two_tranches() {
    // Discount rate 0 keeps the annuities plain (CRF = 1/n).
    let (_, out) = scenario_with_rate(OWNED, 0.0);
    // Each tranche: capex $1,000 × 1000 = $1M; 1 MW; datacenter $1M. A tranche-year costs
    // $250,000 (hardware, 4 years) + $100,000 (datacenter, 10 years) + $876,600 (1 MW × 1000 ×
    // 8766 h × $0.10) + $50,000 (5% maintenance) = $1,276,600. Tranche a runs 2026-2028, b
    // 2027-2028: five tranche-years.
    assert_close!(out.metric(Metric::CostHardwareUsd), 5.0 * 250_000.0);
    assert_close!(out.metric(Metric::CostDatacenterUsd), 5.0 * 100_000.0);
    assert_close!(out.metric(Metric::CostPowerUsd), 5.0 * 876_600.0);
    assert_close!(out.metric(Metric::CostMaintenanceUsd), 5.0 * 50_000.0);
    let parts: f64 = [
        Metric::CostHardwareUsd,
        Metric::CostDatacenterUsd,
        Metric::CostPowerUsd,
        Metric::CostMaintenanceUsd,
    ]
    .iter()
    .map(|&m| out.metric(m))
    .sum();
    assert_close!(parts, out.metric(Metric::CostUsd));
    assert_close!(out.metric(Metric::CostUsd), 5.0 * 1_276_600.0);
    // Capital: $2M of hardware and $2M of datacenter for 2 MW: $2B per GW.
    assert_close!(out.metric(Metric::HardwareCapexUsd), 2e6);
    assert_close!(out.metric(Metric::CapexUsd), 4e6);
    assert_close!(out.metric(Metric::CapexPerGwUsd), 2e9);
    // Cash basis: capital as each tranche installs, power and maintenance as incurred.
    // Revenue per tranche-year: 1000 × 8766 h × 3600 s / 1e6 × $50 = $1,577,880.
    // 2026: $1,577,880 − ($1M + $1M + $876,600 + $50,000) = −$1,348,720
    // 2027: 2 × $1,577,880 − ($2M + 2 × $926,600) = −$697,440 → cumulative −$2,046,160
    // 2028: 2 × $1,577,880 − 2 × $926,600 = +$1,302,560 → cumulative −$743,600
    let f = out.series(Series::FundingUsd, 3);
    assert_close!(f[0], -1_348_720.0);
    assert_close!(f[1], -2_046_160.0);
    assert_close!(f[2], -743_600.0);
    assert_close!(out.metric(Metric::PeakFundingUsd), 2_046_160.0);
}

fn scenario_with_rate(body: &str, rate: f64) -> (Simulation, Outputs) {
    let text = format!(
        "name = \"v2 by hand\"\nstart_year = 2026\ndiscount_rate = {rate}\n{body}\n{UNIT}\n[simulation]\nsamples = 1\n"
    );
    let s = load_str(&text, "v2.toml", None, &[]).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let sim = Simulation::new(&s, &RunConfig::from_scenario(&s)).expect("simulation");
    let out = model::evaluate(&sim.plan, &sim.template);
    (sim, out)
}

/// One cloud fleet of 1000 unit GPUs over 2026-2027 selling output tokens at $10 per million,
/// with the given extra `[workload]` lines.
fn capped(extra: &str) -> Outputs {
    let fleet = ONE_THOUSAND_GPUS;
    let body = format!(
        "{CLOUD}\nprice_usd_per_mtok = 10\n{extra}\n[procurement]\nmode = \"cloud\"\nprice_usd_per_gpu_hour = 2\n{fleet}"
    );
    scenario(&body).1
}

#[test]
fn a_revenue_ceiling_sells_only_the_tokens_that_earn_it() {
    // Each year the fleet could serve 1000 × 8766 h × 3600 s × 1 = 3.15576e10 tokens, worth
    // $315,576 at $10 per million. The ceiling is $200,000 in 2026 and grows by 50%: $300,000
    // in 2027. Both years bind: 2e10 and 3e10 tokens are sold, $500,000 in all.
    let free = capped("");
    let out = capped("max_revenue_usd_per_year = 200000\nmax_revenue_growth_per_year = 0.5");
    let per_year = 1000.0 * H * 3600.0;
    assert_close!(free.metric(Metric::Tokens), 2.0 * per_year);
    assert_close!(out.metric(Metric::Tokens), 5e10);
    assert_close!(out.metric(Metric::RevenueUsd), 500_000.0);
    assert_close!(out.series(Series::RevenueUsd, 2)[0], 200_000.0);
    assert_close!(out.series(Series::RevenueUsd, 2)[1], 300_000.0);
    assert_close!(out.series(Series::Tokens, 2)[1], 3e10);
    // The cost is the capacity's: $2 × 1000 × 8766 h × 2 years = $35,064,000, over 5e10 sold
    // tokens: $701.28 per million.
    assert_close!(out.metric(Metric::CostUsd), 35_064_000.0);
    assert_close!(out.metric(Metric::CostPerMtokUsd), 701.28);
    // The realised price is unchanged, and the throughput metric is the fleet's rate.
    assert_close!(out.metric(Metric::RevenuePerMtokUsd), 10.0);
    assert_close!(out.metric(Metric::OutputTokensPerGpuS), 1.0);
    assert!(out.probabilities[Probability::RevenueAtCeiling as usize]);

    // A ceiling above the revenue changes nothing.
    let loose = capped("max_revenue_usd_per_year = 1e9");
    assert!(!loose.probabilities[Probability::RevenueAtCeiling as usize]);
    for m in [
        Metric::Tokens,
        Metric::RevenueUsd,
        Metric::NpvUsd,
        Metric::CostPerMtokUsd,
    ] {
        assert_eq!(loose.metric(m).to_bits(), free.metric(m).to_bits(), "{m:?}");
    }
}
