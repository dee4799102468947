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
        revenue_ceiling: None,
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

// ---- The roofline, by hand (docs/model.md, "Throughput") ----------------------------------

use super::throughput::{Bound, Hardware, Served, flops_for_precision, roofline};
use super::tokens::{split_price_per_output_mtok, year_factor};

/// 8 GPUs of 100 GB at 1 TB/s and 1 PF (FP8), 2 PF (FP4).
fn hw(hbm_gb: f64, pflops: f64) -> Hardware {
    Hardware {
        hbm_gb,
        hbm_tb_s: 1.0,
        flops: pflops * 1e15,
        scaleup_gpus: 8.0,
    }
}

/// A dense 10B model at FP8, 1000 in / 1000 out, 10 tok/s per user, efficiency 1.
fn dense(kv: f64) -> Served {
    Served {
        total_params_b: 10.0,
        active_params_b: 10.0,
        bytes_per_param: 1.0,
        kv_bytes_per_token: kv,
        input_tokens: 1000.0,
        output_tokens: 1000.0,
        cached_input_share: 0.0,
        interactivity_tok_s: 10.0,
        serving_efficiency: 1.0,
    }
}

#[test]
fn roofline_capacity_bound() {
    // W = 1e10 B fits one domain: R = 8. M = 8 × 1e12 / 10 = 8e11 B per step.
    // B_mem: 8e11 / (1e10 + 1500 × 1e5) = 78.8 sets of weights > W / Wa = 1, so
    // (8e11 − 1e10) / (1500 × 1e5) = 5266.7. B_cmp = 8 × 1e15 / (2 × 1e10 × 10) = 40000.
    // B_cap = (8 × 1e11 − 1e10) / (2000 × 1e5) = 3950: capacity binds.
    let r = roofline(hw(100.0, 1.0), dense(1e5));
    assert_eq!(r.replica_gpus, 8.0);
    assert_close!(r.b_mem, 7.9e11 / 1.5e8);
    assert_close!(r.b_cmp, 40_000.0);
    assert_close!(r.b_cap, 3950.0);
    assert_eq!(r.bound, Bound::Capacity);
    assert!(r.met);
    // decode 3950 × 10 / 8 = 4937.5 tok/s per GPU; prefill 1000 × 2 × 1e10 / 1e15 = 0.02 s;
    // tps = 1000 / (0.02 + 1000 / 4937.5).
    assert_close!(r.decode, 4937.5);
    assert_close!(r.prefill_s, 0.02);
    assert_close!(r.tps, 1000.0 / (0.02 + 1000.0 / 4937.5));
}

#[test]
fn roofline_compute_bound() {
    // 1000 GB per GPU and 1e4 B of KV per token: B_cap = (8e12 − 1e10) / 2e7 = 399,500,
    // B_mem = (8e11 − 1e10) / 1.5e7 = 52,666.7, B_cmp = 40,000 binds.
    let r = roofline(hw(1000.0, 1.0), dense(1e4));
    assert_eq!(r.bound, Bound::Compute);
    assert_close!(r.batch, 40_000.0);
    assert_close!(r.decode, 40_000.0 * 10.0 / 8.0);
    assert_close!(r.tps, 1000.0 / (0.02 + 1000.0 / 50_000.0));
}

#[test]
fn roofline_memory_bound() {
    // Ten times the compute: B_cmp = 400,000; B_mem = 52,666.7 binds. Prefill 0.002 s.
    let r = roofline(hw(1000.0, 10.0), dense(1e4));
    assert_eq!(r.bound, Bound::Memory);
    let b = 7.9e11 / 1.5e7;
    assert_close!(r.batch, b);
    assert_close!(r.tps, 1000.0 / (0.002 + 1000.0 / (b * 10.0 / 8.0)));
}

#[test]
fn roofline_memory_bound_below_all_weights_reads_sets_of_active_weights() {
    // An MoE of 100B with 10B active at 100 tok/s per user: M = 8e12 / 100 = 8e10 B per step;
    // 8e10 / (1e10 + 1500 × 1e4) = 7.99 sets of active weights, 7.99 × 1e10 ≤ 1e11: B_mem = 7.99.
    let mut m = dense(1e4);
    m.total_params_b = 100.0;
    m.interactivity_tok_s = 100.0;
    let r = roofline(hw(1000.0, 10.0), m);
    assert_eq!(r.bound, Bound::Memory);
    assert_close!(r.b_mem, 8e10 / (1e10 + 1.5e7));
}

#[test]
fn roofline_spans_two_domains_when_the_weights_do_not_fit_one() {
    // 1000B params at FP8 = 1e12 B > 0.8 × 8 × 100 GB = 6.4e11: two domains, R = 16.
    let mut m = dense(1e5);
    m.total_params_b = 1000.0;
    m.active_params_b = 10.0;
    let r = roofline(hw(100.0, 1.0), m);
    assert_eq!(r.domains, 2.0);
    assert_eq!(r.replica_gpus, 16.0);
    // B_cap = (16 × 1e11 − 1e12) / (2000 × 1e5) = 3000.
    assert_close!(r.b_cap, 3000.0);
}

#[test]
fn roofline_out_of_reach_runs_one_sequence_at_its_fastest() {
    // 1e6 tok/s per user: M = 8e6 B per step, far below one set of weights: B < 1 but the
    // model fits. t1 = max((1e10 + 1500 × 1e5) / 8e12, 2e10 / 8e15) = 1.26875e-3 s;
    // decode = 1 / (8 × t1) = 98.52 tok/s per GPU; the target is not met.
    let mut m = dense(1e5);
    m.interactivity_tok_s = 1e6;
    let r = roofline(hw(100.0, 1.0), m);
    assert!(r.batch < 1.0 && r.b_cap >= 1.0);
    assert!(!r.met);
    let t1 = (1e10 + 1.5e8) / 8e12;
    assert_close!(r.decode, 1.0 / (8.0 * t1));
    assert_close!(r.tps, 1000.0 / (0.02 + 1000.0 * 8.0 * t1));
}

#[test]
fn roofline_model_that_does_not_fit_serves_nothing() {
    // 1e9 B of KV per token: B_cap = 7.9e11 / 2e12 = 0.395 < 1.
    let r = roofline(hw(100.0, 1.0), dense(1e9));
    assert!(r.b_cap < 1.0);
    assert!(!r.met);
    assert_eq!(r.tps, 0.0);
}

#[test]
fn roofline_precision_picks_the_rate() {
    // FP4 weights (0.5 B) use the FP4 rate when there is one; FP8 (1 B) the FP8 rate; BF16
    // (2 B) half the FP8 rate.
    assert_eq!(flops_for_precision(0.5, 5.0, Some(10.0)), 10e15);
    assert_eq!(flops_for_precision(0.5, 5.0, None), 5e15);
    assert_eq!(flops_for_precision(1.0, 5.0, Some(10.0)), 5e15);
    assert_eq!(flops_for_precision(2.0, 5.0, Some(10.0)), 2.5e15);
    // FP4 halves the weights' bytes and doubles the compute: the prefill of the same input
    // takes half as long.
    let mut m = dense(1e5);
    let fp8 = roofline(hw(100.0, 1.0), m);
    m.bytes_per_param = 0.5;
    let fp4 = roofline(
        Hardware {
            flops: flops_for_precision(0.5, 1.0, Some(2.0)),
            ..hw(100.0, 1.0)
        },
        m,
    );
    assert_close!(fp4.prefill_s, fp8.prefill_s / 2.0);
    assert_close!(fp4.weights_bytes, 5e9);
}

#[test]
fn roofline_efficiency_scales_throughput() {
    let mut m = dense(1e5);
    let full = roofline(hw(100.0, 1.0), m).tps;
    m.serving_efficiency = 0.25;
    assert_close!(roofline(hw(100.0, 1.0), m).tps, 0.25 * full);
}

#[test]
fn term_factors_by_calendar_year() {
    // 10% a year, two years after the base year: 1.21; prices halving each year, three years
    // on: 1/8; a year before the base year: 1/1.1.
    assert_close!(year_factor(0.1, 2), 1.21);
    assert_close!(year_factor(-0.5, 3), 0.125);
    assert_close!(year_factor(0.1, -1), 1.0 / 1.1);
    assert_eq!(year_factor(0.3, 0), 1.0);
}

#[test]
fn split_prices_per_output_token() {
    // Sonnet 4.5 list prices ($3 in, $0.30 cached, $15 out) at 8k in / 1k out: without cache
    // $15 + 8 × $3 = $39 per million output tokens; with 90% cache hits
    // $15 + 8 × (0.1 × 3 + 0.9 × 0.3) = $19.56.
    assert_close!(
        split_price_per_output_mtok(3.0, 0.3, 15.0, 8000.0, 1000.0, 0.0),
        39.0
    );
    assert_close!(
        split_price_per_output_mtok(3.0, 0.3, 15.0, 8000.0, 1000.0, 0.9),
        19.56
    );
}

#[test]
fn shortfall_by_hand_and_within_rounding() {
    use super::cost::shortfall;
    assert_eq!(shortfall(50e6, 35.064e6), 14.936e6);
    assert_eq!(shortfall(30e6, 35.064e6), 0.0);
    // A fleet sized by a $38B commitment spends it up to the last bits of a double.
    assert_eq!(shortfall(38e9, 38e9 - 7.6e-6), 0.0);
    // A dollar short is a shortfall (the rounding allowance is 3.8 cents on $38B).
    assert!((shortfall(38e9, 38e9 - 1.0) - 1.0).abs() < 1e-5);
}

#[test]
fn roofline_active_above_total_serves_the_dense_model() {
    // Drawn separately, a sample may have 12B active of 10B total: it is served as the dense
    // 10B model (every step, prefill and limit the same).
    let h = hw(100.0, 1.0);
    let mut m = dense(1e5);
    let want = roofline(h, m);
    m.active_params_b = 12.0;
    let got = roofline(h, m);
    assert_eq!(got.tps, want.tps);
    assert_eq!(got.b_cmp, want.b_cmp);
    assert_eq!(got.prefill_s, want.prefill_s);
}
