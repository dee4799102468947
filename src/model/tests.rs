//! Hand-arithmetic tests of the model. Each expected number is worked out in the comment beside
//! it, from MODEL.md's formulas.

use super::*;
use crate::scenario::{InvestmentKind, Mode, ThroughputRule};

/// Builds a plan and value vector from named values, one tranche per `tranche(...)` call.
struct Builder {
    paths: Vec<String>,
    x: Vec<f64>,
}

impl Builder {
    fn new() -> Self {
        Builder {
            paths: vec![],
            x: vec![],
        }
    }
    fn v(&mut self, path: &str, value: f64) -> usize {
        self.paths.push(path.to_string());
        self.x.push(value);
        self.x.len() - 1
    }
}

struct Base {
    b: Builder,
    plan: Plan,
}

/// One GB200-like tranche of `power_mw` facility MW, cloud at `price` per GPU-hour.
fn cloud_base(power_mw: f64, online: f64, ramp: f64, price: f64, years: usize) -> Base {
    let mut b = Builder::new();
    let plan = Plan {
        start_year: 2026,
        years,
        mode: Mode::Cloud,
        n_values: 0,
        paths: vec![],
        discount_rate: b.v("discount_rate", 0.10),
        power_mw: Some(b.v("facility.power_mw", 1000.0)),
        pue: b.v("facility.pue", 1.2),
        it_overhead: b.v("facility.it_overhead", 0.10),
        owned: None,
        datacenter_capex_usd_per_mw: None,
        commitment_usd: None,
        take_or_pay: false,
        inference_share: b.v("workload.inference_share", 0.5),
        utilization: b.v("workload.utilization", 0.5),
        mfu: b.v("workload.mfu", 0.4),
        price: None,
        token_lengths: None,
        cached_input_share: None,
        throughput_growth_per_year: None,
        price_change_per_year: None,
        base_year: 2026,
        model: None,
        systems: vec![],
        tranches: vec![],
        investments: vec![],
    };
    let mut base = Base { b, plan };
    let sys = SystemPlan {
        key: "gb200-nvl72".into(),
        gpus_per_system: 72.0,
        it_kw: base.b.v("systems.gb200-nvl72.it_kw", 132.0),
        price_usd: base.b.v("systems.gb200-nvl72.price_usd", 3.6e6),
        pflops_fp8: base.b.v("systems.gb200-nvl72.pflops_fp8", 5.0),
        pflops_fp4: None,
        throughput: ThroughputIdx::Given(base.b.v("systems.gb200-nvl72.tokens_per_gpu_s", 1000.0)),
        rule: ThroughputRule::Given,
    };
    base.plan.systems.push(sys);
    let t = TranchePlan {
        name: "blackwell".into(),
        system: 0,
        size: SizeIdx::PowerMw(base.b.v("fleet.blackwell.power_mw", power_mw)),
        online: base.b.v("fleet.blackwell.online", online),
        ramp_years: base.b.v("fleet.blackwell.ramp_years", ramp),
        retire: None,
        price_usd_per_gpu_hour: Some(base.b.v("procurement.price_usd_per_gpu_hour", price)),
    };
    base.plan.tranches.push(t);
    base
}

fn run(base: &mut Base) -> Outputs {
    base.plan.n_values = base.b.x.len();
    base.plan.paths = base.b.paths.clone();
    evaluate(&base.plan, &base.b.x)
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300)
}

macro_rules! assert_close {
    ($a:expr, $b:expr) => {
        assert_close!($a, $b, 1e-12)
    };
    ($a:expr, $b:expr, $rel:expr) => {{
        let (a, b) = ($a, $b);
        assert!(close(a, b, $rel), "{} = {a}, expected {b}", stringify!($a));
    }};
}

#[test]
fn worked_check_413223_gpus_per_gw() {
    // MODEL.md worked check: 132/72 × 1.1 = 2.01667 kW IT per GPU; × 1.2 = 2.42 kW facility;
    // 1e6 / 2.42 = 413,223.14 GPUs per GW.
    let mut base = cloud_base(1000.0, 2026.0, 0.0, 3.0, 1);
    let out = run(&mut base);
    assert_close!(out.metric(Metric::GpusPerGw), 1e6 / 2.42, 1e-12);
    assert_eq!(out.metric(Metric::GpusPerGw).round(), 413_223.0);
    // Whole racks: 1e6 / (2.42 × 72) = 5739.21 → 5739 racks = 413,208 GPUs.
    assert_eq!(out.metric(Metric::Gpus), 413_208.0);
    // Facility MW of those racks: 413,208 × 2.42 / 1000 = 999.96336 MW (fits the 1 GW envelope).
    assert_close!(out.metric(Metric::FacilityMw), 999.963_36, 1e-12);
    assert!(out.probabilities[Probability::FitsPowerEnvelope as usize]);
    // 413,208 GPUs × 5 PFLOPS = 2,066,040 PFLOPS.
    assert_close!(out.metric(Metric::PflopsFp8), 2_066_040.0);
}

#[test]
fn power_sizing_keeps_an_exact_quotient() {
    // 2 racks of 72 GPUs at 2.42 kW: 348.48 kW = 0.34848 MW. Floating point gives
    // 0.34848 × 1000 / 174.24 = 1.9999999999999998 without the slack.
    assert_eq!(gpus_from_power(0.34848, 2.42, 72.0), 144.0);
    assert_eq!(gpus_from_power(0.34847, 2.42, 72.0), 72.0);
    assert_eq!(gpus_from_power(0.1, 2.42, 72.0), 0.0);
}

#[test]
fn ramp_integration_quarter_and_seven_eighths() {
    // online 2026.5, ramp 1 year: R(2027) = 0.5² / 2 = 0.125; R(2028) = 0.5 + 0.5 = 1.0.
    assert_close!(
        installed_fraction(2026.0, 2026.5, 1.0, f64::INFINITY),
        0.125
    );
    assert_close!(
        installed_fraction(2027.0, 2026.5, 1.0, f64::INFINITY),
        0.875
    );
    assert_close!(installed_fraction(2028.0, 2026.5, 1.0, f64::INFINITY), 1.0);
    assert_eq!(installed_fraction(2025.0, 2026.5, 1.0, f64::INFINITY), 0.0);
    // A step (ramp 0) at 2026.25 runs three quarters of 2026.
    assert_close!(
        installed_fraction(2026.0, 2026.25, 0.0, f64::INFINITY),
        0.75
    );
    // Retired at 2028.5: half of 2028, nothing after.
    assert_close!(installed_fraction(2028.0, 2026.5, 1.0, 2028.5), 0.5);
    assert_eq!(installed_fraction(2029.0, 2026.5, 1.0, 2028.5), 0.0);
    // retire <= online: never runs.
    assert_eq!(installed_fraction(2026.0, 2026.5, 1.0, 2026.5), 0.0);
    // Retired in the middle of the ramp: R(2026.75) − R(2026) = 0.25² / 2 = 0.03125.
    assert_close!(installed_fraction(2026.0, 2026.5, 1.0, 2026.75), 0.03125);
}

#[test]
fn ramp_feeds_gpu_hours_and_series() {
    // 144 GPUs (2 racks) online 2026.5 with a 1-year ramp over 2026–2027.
    let mut base = cloud_base(0.34848, 2026.5, 1.0, 3.0, 2);
    let out = run(&mut base);
    // gpu_hours = 144 × (0.125 + 0.875) × 8766 = 1,262,304.
    assert_close!(out.metric(Metric::GpuHours), 1_262_304.0);
    let s = out.series(Series::GpusInstalled, 2);
    assert_close!(s[0], 18.0); // 144 × 0.125
    assert_close!(s[1], 126.0); // 144 × 0.875
    // Cloud cost = GPU-hours × $3 = $3,786,912; per GPU-hour exactly the price.
    assert_close!(out.metric(Metric::CostUsd), 3_786_912.0);
    assert_close!(out.metric(Metric::CostPerGpuHourUsd), 3.0);
    // tokens = 1,262,304 × 3600 × 0.5 × 0.5 × 1000 tok/s = 1.1360736e12.
    assert_close!(out.metric(Metric::Tokens), 1.136_073_6e12);
    // cost per Mtok = 3,786,912 × 0.5 / 1.1360736e6 = $1.6667 (= 3 × 0.5 / (3600 × 0.25 × 1000 / 1e6)).
    assert_close!(
        out.metric(Metric::CostPerMtokUsd),
        3.0 * 0.5 / (3600.0 * 0.25 * 1000.0 / 1e6)
    );
    // training FLOP = 1,262,304 × 3600 × 0.5 × 5e15 × 0.4 = 4.5443e21.
    assert_close!(
        out.metric(Metric::TrainFlop),
        1_262_304.0 * 3600.0 * 0.5 * 5e15 * 0.4
    );
    // tokens_per_day_peak = 144 × 86400 × 0.25 × 1000 = 3.1104e9.
    assert_close!(out.metric(Metric::TokensPerDayPeak), 3.1104e9);
    // MW-years: 0.34848 × 1.0; cost per MW-year = 3,786,912 / 0.34848.
    assert_close!(out.metric(Metric::CostPerMwYearUsd), 3_786_912.0 / 0.34848);
    // cost NPV at 10%: year costs 144 × 0.125 × 8766 × 3 = 473,364 and 3,313,548,
    // discounted at 1.1^0.5 and 1.1^1.5.
    let npv = 473_364.0 / 1.1f64.sqrt() + 3_313_548.0 / 1.1f64.powf(1.5);
    assert_close!(out.metric(Metric::CostNpvUsd), npv);
}

#[test]
fn absent_metrics_are_nan_and_plan_says_absent() {
    let mut base = cloud_base(1.0, 2026.0, 0.0, 3.0, 1);
    let out = run(&mut base);
    for m in [
        Metric::CommitmentGpuHours,
        Metric::CommitmentAvgGw,
        Metric::CommitmentCoverage,
        Metric::InvestmentUsd,
        Metric::NetCommitmentUsd,
        Metric::Circularity,
        Metric::RevenueUsd,
        Metric::Margin,
        Metric::NpvUsd,
    ] {
        assert!(out.metric(m).is_nan(), "{} should be absent", m.name());
        assert!(!base.plan.has_metric(m), "{} should be absent", m.name());
    }
    assert!(base.plan.has_metric(Metric::CostUsd));
    assert!(!base.plan.has_probability(Probability::NpvPositive));
    assert!(!base.plan.has_series(Series::CumulativeCashUsd));
}

#[test]
fn commitment_investments_and_mid_year_discounting() {
    // 144 GPUs all of 2026–2027 at $2/GPU-hour: cost per year 144 × 8766 × 2 = $2,524,608.
    let mut base = cloud_base(0.34848, 2026.0, 0.0, 2.0, 2);
    let c = base.b.v("procurement.commitment_usd", 4e6);
    base.plan.commitment_usd = Some(c);
    let p = base.b.v("workload.price_usd_per_mtok", 1.0);
    base.plan.price = Some(PricePlan::Blended(p));
    let inv = base.b.v("investment.x.amount_usd", 1e6);
    base.plan.investments.push(InvestmentPlan {
        name: "x".into(),
        kind: InvestmentKind::Cash,
        payment: PaymentIdx::Once {
            amount: inv,
            year: 1, // 2027
        },
    });
    let out = run(&mut base);
    let year_cost = 144.0 * 8766.0 * 2.0;
    assert_close!(out.metric(Metric::CostUsd), 2.0 * year_cost);
    // commitment buys 4e6 / $2 = 2,000,000 GPU-hours.
    assert_close!(out.metric(Metric::CommitmentGpuHours), 2e6);
    // cost per MW-year = 2 × 2,524,608 / (2 × 0.34848) = $7,244,628.1; commitment keeps
    // 4e6 / 7,244,628.1 / 2 years / 1000 = 0.000276 GW running on average.
    let per_mw_year = year_cost / 0.34848;
    assert_close!(
        out.metric(Metric::CommitmentAvgGw),
        4e6 / per_mw_year / 2.0 / 1000.0
    );
    assert_close!(
        out.metric(Metric::CommitmentCoverage),
        2.0 * year_cost / 4e6
    );
    assert_close!(out.metric(Metric::InvestmentUsd), 1e6);
    assert_close!(out.metric(Metric::NetCommitmentUsd), 3e6);
    assert_close!(out.metric(Metric::Circularity), 0.25);
    // revenue per year: 144 × 8766 × 3600 × 0.25 × 1000 / 1e6 × $1 = $1,136,073.6.
    let year_rev = 144.0 * 8766.0 * 3600.0 * 0.25 * 1000.0 / 1e6;
    assert_close!(out.metric(Metric::RevenueUsd), 2.0 * year_rev);
    assert_close!(
        out.metric(Metric::Margin),
        (year_rev - year_cost) / year_rev
    );
    // NPV: year 0 cash (rev − cost) / 1.1^0.5; year 1 (rev − cost + 1e6) / 1.1^1.5.
    let npv =
        (year_rev - year_cost) / 1.1f64.sqrt() + (year_rev - year_cost + 1e6) / 1.1f64.powf(1.5);
    assert_close!(out.metric(Metric::NpvUsd), npv);
    let cash = out.series(Series::CumulativeCashUsd, 2);
    assert_close!(cash[0], year_rev - year_cost);
    assert_close!(cash[1], 2.0 * (year_rev - year_cost) + 1e6);
    assert!(!out.probabilities[Probability::NpvPositive as usize]);
    // cost per Mtok = $2 × 0.5 / 0.9 = 1.111 > $1: not below the price.
    assert!(!out.probabilities[Probability::CostPerMtokBelowPrice as usize]);
}

#[test]
fn crf_values() {
    // CRF(10%, 5) = 0.1 × 1.61051 / 0.61051 = 0.263797…
    assert_close!(crf(0.10, 5.0), 0.1 * 1.61051 / 0.61051, 1e-12);
    assert_close!(crf(0.0, 4.0), 0.25);
    assert_close!(crf(1e-15, 4.0), 0.25);
}

#[test]
fn owned_mode_capex_datacenter_energy_maintenance() {
    // Two racks (144 GPUs) owned for the whole of 2026, one year term.
    let mut base = cloud_base(0.34848, 2026.0, 0.0, 0.0, 1);
    base.plan.mode = Mode::Owned;
    base.plan.tranches[0].price_usd_per_gpu_hour = None;
    base.plan.owned = Some(OwnedPlan {
        load_factor: base.b.v("facility.load_factor", 0.75),
        power_price_usd_per_kwh: base.b.v("facility.power_price_usd_per_kwh", 0.08),
        datacenter_capex_usd_per_mw: base.b.v("facility.datacenter_capex_usd_per_mw", 10e6),
        datacenter_life_years: base.b.v("facility.datacenter_life_years", 15.0),
        hardware_life_years: base.b.v("procurement.hardware_life_years", 5.0),
        maintenance_pct_of_capex: Some(base.b.v("procurement.maintenance_pct_of_capex", 0.03)),
    });
    let out = run(&mut base);
    // capex = 144 / 72 × $3.6M = $7.2M; × CRF(10%, 5) = 0.2637975 → $1,899,341.8
    let capex = 7.2e6;
    let hw = capex * crf(0.10, 5.0);
    // datacenter: 0.34848 MW × $10M × CRF(10%, 15) = 0.1314738 → $458,159.9
    let dc = 0.34848 * 10e6 * crf(0.10, 15.0);
    // energy: 0.34848 MW × 1000 × 0.75 × 8766 h × $0.08 = $183,286.54
    let energy = 0.34848 * 1000.0 * 0.75 * 8766.0 * 0.08;
    // maintenance: 3% × $7.2M = $216,000
    let maint = 0.03 * capex;
    assert_close!(out.metric(Metric::CostUsd), hw + dc + energy + maint, 1e-12);
    assert_close!(energy, 183_286.540_8, 1e-12);
    assert_close!(maint, 216_000.0);
}

#[test]
fn owned_mode_retires_after_hardware_life() {
    // Online 2026.0, no ramp, life 2 years: runs 2026 and 2027, not 2028.
    let mut base = cloud_base(0.34848, 2026.0, 0.0, 0.0, 3);
    base.plan.mode = Mode::Owned;
    base.plan.tranches[0].price_usd_per_gpu_hour = None;
    base.plan.owned = Some(OwnedPlan {
        load_factor: base.b.v("facility.load_factor", 1.0),
        power_price_usd_per_kwh: base.b.v("facility.power_price_usd_per_kwh", 0.0),
        datacenter_capex_usd_per_mw: base.b.v("facility.datacenter_capex_usd_per_mw", 0.0),
        datacenter_life_years: base.b.v("facility.datacenter_life_years", 15.0),
        hardware_life_years: base.b.v("procurement.hardware_life_years", 2.0),
        maintenance_pct_of_capex: None,
    });
    let out = run(&mut base);
    let s = out.series(Series::GpusInstalled, 3);
    assert_eq!(s, &[144.0, 144.0, 0.0]);
    // gpu_hours = 144 × 2 × 8766; cost = 2 × 7.2e6 × CRF(10%, 2).
    assert_close!(out.metric(Metric::GpuHours), 144.0 * 2.0 * 8766.0);
    assert_close!(out.metric(Metric::CostUsd), 2.0 * 7.2e6 * crf(0.10, 2.0));
}

#[test]
fn explain_trace_reports_the_worked_check() {
    let mut base = cloud_base(1000.0, 2026.0, 0.0, 3.0, 1);
    base.plan.n_values = base.b.x.len();
    let mut steps: Vec<Step> = Vec::new();
    evaluate_traced(&base.plan, &base.b.x, &mut steps);
    let f = steps
        .iter()
        .find(|s| s.name == "blackwell: facility_kw_per_gpu")
        .expect("step");
    assert_close!(f.value, 2.42, 1e-12);
    assert_eq!(f.formula, "2.017 kW × PUE 1.2");
    let g = steps
        .iter()
        .find(|s| s.name == "gpus_per_gw")
        .expect("step");
    assert_eq!(g.value.round(), 413_223.0);
}

#[test]
fn num_formats_compactly() {
    assert_eq!(num(2.0166666), "2.017");
    assert_eq!(num(132.0), "132");
    assert_eq!(num(0.1), "0.1");
    assert_eq!(num(3e10), "3.000e10");
    assert_eq!(num(413_223.14), "413223");
}

/// `floor` (the arithmetic form that vectorises) equals `f64::floor` bit for bit.
#[test]
fn floor_equals_the_library_floor() {
    let two52 = 4_503_599_627_370_496.0_f64;
    let mut xs = vec![
        0.0,
        -0.0,
        0.3,
        -0.3,
        0.5,
        -0.5,
        0.7,
        -0.7,
        1.0,
        -1.0,
        1.5,
        -1.5,
        2.5,
        -2.5,
        1.999_999_999_999_999_8,
        5_739.999_999_999_999,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        two52 - 0.5,
        -(two52 - 0.5),
        two52 - 1.0,
        two52,
        -two52,
        two52 + 1.0,
        two52 / 2.0 + 0.5,
        -(two52 / 2.0 + 0.5),
        1e300,
        -1e300,
        f64::MAX,
        f64::MIN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    // Values at every scale, and their neighbours one ulp away.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..20_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mantissa = (state >> 11) as f64 / (1u64 << 53) as f64;
        let exp = ((state & 0x7f) as i32) - 64;
        let x = mantissa * 2f64.powi(exp);
        let x = if state & 0x80 == 0 { x } else { -x };
        let r = x.round();
        xs.extend([x, r, r.next_up(), r.next_down(), x.next_up(), x.next_down()]);
    }
    for x in xs {
        assert_eq!(floor(x).to_bits(), x.floor().to_bits(), "floor({x:e})");
    }
    assert!(floor(f64::NAN).is_nan());
}

/// MODEL.md's installed fraction as branches and `min`/`max`, the way it reads; the model's
/// branch-free form must give the same bits.
fn installed_fraction_reference(year: f64, online: f64, ramp: f64, retire: f64) -> f64 {
    let r = |t: f64| {
        if t <= online {
            0.0
        } else if t < online + ramp {
            let d = t - online;
            d * d / (2.0 * ramp)
        } else {
            ramp / 2.0 + (t - online - ramp)
        }
    };
    if retire <= year {
        return 0.0;
    }
    let hi = (year + 1.0).min(retire);
    let lo = year.min(retire);
    (r(hi) - r(lo)).max(0.0)
}

#[test]
fn branch_free_installed_fraction_equals_the_branches() {
    let points = [
        2024.0, 2025.5, 2025.999, 2026.0, 2026.25, 2026.5, 2026.75, 2027.0, 2027.5, 2028.0, 2030.0,
    ];
    let ramps = [0.0, 1e-9, 0.25, 0.5, 0.75, 1.0, 1.5, 3.0];
    let retires = [
        f64::INFINITY,
        f64::NAN,
        2025.0,
        2026.0,
        2026.3,
        2026.5,
        2027.0,
        2027.9,
        2029.0,
    ];
    for year in [2025.0, 2026.0, 2027.0, 2028.0] {
        for &online in &points {
            for &ramp in &ramps {
                for &retire in &retires {
                    let got = installed_fraction(year, online, ramp, retire);
                    let want = installed_fraction_reference(year, online, ramp, retire);
                    assert_eq!(
                        got.to_bits(),
                        want.to_bits(),
                        "year {year}, online {online}, ramp {ramp}, retire {retire}"
                    );
                }
            }
        }
    }
}
