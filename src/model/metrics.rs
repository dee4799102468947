//! The stable names of the outputs (MODEL.md "Outputs"): scalar metrics, probabilities and
//! yearly series, with their units.

/// A scalar metric of one sample. The discriminant indexes [`super::Outputs::metrics`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    Gpus,
    FacilityMw,
    GpusPerGw,
    PflopsFp8,
    GpuHours,
    Tokens,
    TokensPerDayPeak,
    TrainFlop,
    CostUsd,
    CostNpvUsd,
    CostPerGpuHourUsd,
    CostPerMtokUsd,
    CostPerMwYearUsd,
    CommitmentGpuHours,
    CommitmentAvgGw,
    CommitmentCoverage,
    InvestmentUsd,
    NetCommitmentUsd,
    Circularity,
    RevenueUsd,
    Margin,
    NpvUsd,
    OutputTokensPerGpuS,
    InputTokens,
    CostPerTotalMtokUsd,
    RevenuePerMtokUsd,
    ShortfallUsd,
    HardwareCapexUsd,
    CapexUsd,
    CapexPerGwUsd,
    CostHardwareUsd,
    CostDatacenterUsd,
    CostPowerUsd,
    CostMaintenanceUsd,
    PeakFundingUsd,
}

/// Every metric, in report order.
pub const METRICS: [Metric; 35] = [
    Metric::Gpus,
    Metric::FacilityMw,
    Metric::GpusPerGw,
    Metric::PflopsFp8,
    Metric::GpuHours,
    Metric::Tokens,
    Metric::TokensPerDayPeak,
    Metric::TrainFlop,
    Metric::CostUsd,
    Metric::CostNpvUsd,
    Metric::CostPerGpuHourUsd,
    Metric::CostPerMtokUsd,
    Metric::CostPerMwYearUsd,
    Metric::CommitmentGpuHours,
    Metric::CommitmentAvgGw,
    Metric::CommitmentCoverage,
    Metric::InvestmentUsd,
    Metric::NetCommitmentUsd,
    Metric::Circularity,
    Metric::RevenueUsd,
    Metric::Margin,
    Metric::NpvUsd,
    Metric::OutputTokensPerGpuS,
    Metric::InputTokens,
    Metric::CostPerTotalMtokUsd,
    Metric::RevenuePerMtokUsd,
    Metric::ShortfallUsd,
    Metric::HardwareCapexUsd,
    Metric::CapexUsd,
    Metric::CapexPerGwUsd,
    Metric::CostHardwareUsd,
    Metric::CostDatacenterUsd,
    Metric::CostPowerUsd,
    Metric::CostMaintenanceUsd,
    Metric::PeakFundingUsd,
];

impl Metric {
    pub fn name(self) -> &'static str {
        use Metric::*;
        match self {
            Gpus => "gpus",
            FacilityMw => "facility_mw",
            GpusPerGw => "gpus_per_gw",
            PflopsFp8 => "pflops_fp8",
            GpuHours => "gpu_hours",
            Tokens => "tokens",
            TokensPerDayPeak => "tokens_per_day_peak",
            TrainFlop => "train_flop",
            CostUsd => "cost_usd",
            CostNpvUsd => "cost_npv_usd",
            CostPerGpuHourUsd => "cost_per_gpu_hour_usd",
            CostPerMtokUsd => "cost_per_mtok_usd",
            CostPerMwYearUsd => "cost_per_mw_year_usd",
            CommitmentGpuHours => "commitment_gpu_hours",
            CommitmentAvgGw => "commitment_avg_gw",
            CommitmentCoverage => "commitment_coverage",
            InvestmentUsd => "investment_usd",
            NetCommitmentUsd => "net_commitment_usd",
            Circularity => "circularity",
            RevenueUsd => "revenue_usd",
            Margin => "margin",
            NpvUsd => "npv_usd",
            OutputTokensPerGpuS => "output_tokens_per_gpu_s",
            InputTokens => "input_tokens",
            CostPerTotalMtokUsd => "cost_per_total_mtok_usd",
            RevenuePerMtokUsd => "revenue_per_mtok_usd",
            ShortfallUsd => "shortfall_usd",
            HardwareCapexUsd => "hardware_capex_usd",
            CapexUsd => "capex_usd",
            CapexPerGwUsd => "capex_per_gw_usd",
            CostHardwareUsd => "cost_hardware_usd",
            CostDatacenterUsd => "cost_datacenter_usd",
            CostPowerUsd => "cost_power_usd",
            CostMaintenanceUsd => "cost_maintenance_usd",
            PeakFundingUsd => "peak_funding_usd",
        }
    }

    pub fn unit(self) -> &'static str {
        use Metric::*;
        match self {
            Gpus => "GPUs",
            FacilityMw => "MW",
            GpusPerGw => "GPUs per GW",
            PflopsFp8 => "PFLOPS (dense FP8)",
            GpuHours => "GPU-hours",
            Tokens => "tokens",
            TokensPerDayPeak => "tokens per day",
            TrainFlop => "FLOP",
            CostUsd | CostNpvUsd | InvestmentUsd | NetCommitmentUsd | RevenueUsd | NpvUsd
            | ShortfallUsd | HardwareCapexUsd | CapexUsd | CostHardwareUsd | CostDatacenterUsd
            | CostPowerUsd | CostMaintenanceUsd | PeakFundingUsd => "USD",
            OutputTokensPerGpuS => "output tokens per second per GPU",
            InputTokens => "input tokens",
            CostPerTotalMtokUsd => "USD per million total tokens",
            RevenuePerMtokUsd => "USD per million output tokens",
            CapexPerGwUsd => "USD per GW",
            CostPerGpuHourUsd => "USD per GPU-hour",
            CostPerMtokUsd => "USD per million tokens",
            CostPerMwYearUsd => "USD per MW-year",
            CommitmentGpuHours => "GPU-hours",
            CommitmentAvgGw => "GW",
            CommitmentCoverage | Circularity | Margin => "ratio",
        }
    }

    /// The metrics that answer the headline questions: shown first, and the ones `--precision`
    /// watches.
    pub fn is_headline(self) -> bool {
        use Metric::*;
        matches!(
            self,
            Gpus | FacilityMw
                | GpusPerGw
                | CostUsd
                | CostPerGpuHourUsd
                | CostPerMtokUsd
                | CommitmentGpuHours
                | CommitmentAvgGw
                | NetCommitmentUsd
                | NpvUsd
        )
    }

    /// The metrics that answer a reader's questions about a deal: the headline ones, and the
    /// capital, funding, take-or-pay and token-price figures where a scenario has them. Each
    /// gets a sentence in the report and a histogram.
    pub fn is_answer(self) -> bool {
        use Metric::*;
        self.is_headline()
            || matches!(
                self,
                CostPerTotalMtokUsd
                    | RevenuePerMtokUsd
                    | ShortfallUsd
                    | CapexPerGwUsd
                    | PeakFundingUsd
            )
    }

    pub fn from_name(name: &str) -> Option<Metric> {
        METRICS.iter().copied().find(|m| m.name() == name)
    }
}

/// A yes/no outcome of one sample, reported as a probability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Probability {
    FitsPowerEnvelope,
    NpvPositive,
    CostPerMtokBelowPrice,
    InteractivityMet,
    CommitmentUsed,
    CommitmentCoversFleet,
    RevenueAtCeiling,
}

pub const PROBABILITIES: [Probability; 7] = [
    Probability::FitsPowerEnvelope,
    Probability::NpvPositive,
    Probability::CostPerMtokBelowPrice,
    Probability::InteractivityMet,
    Probability::CommitmentUsed,
    Probability::CommitmentCoversFleet,
    Probability::RevenueAtCeiling,
];

impl Probability {
    pub fn name(self) -> &'static str {
        match self {
            Probability::FitsPowerEnvelope => "fits_power_envelope",
            Probability::NpvPositive => "npv_positive",
            Probability::CostPerMtokBelowPrice => "cost_per_mtok_below_price",
            Probability::InteractivityMet => "interactivity_met",
            Probability::CommitmentUsed => "commitment_used",
            Probability::CommitmentCoversFleet => "commitment_covers_fleet",
            Probability::RevenueAtCeiling => "revenue_at_ceiling",
        }
    }
}

/// A yearly series; the discriminant is its block in [`super::Outputs::series`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Series {
    GpusInstalled,
    FacilityMw,
    Tokens,
    CostUsd,
    RevenueUsd,
    CumulativeCashUsd,
    OutputTokensPerGpuS,
    RevenuePerMtokUsd,
    FundingUsd,
    CashCostUsd,
    InvestmentUsd,
}

pub const SERIES: [Series; 11] = [
    Series::GpusInstalled,
    Series::FacilityMw,
    Series::Tokens,
    Series::CostUsd,
    Series::RevenueUsd,
    Series::CumulativeCashUsd,
    Series::OutputTokensPerGpuS,
    Series::RevenuePerMtokUsd,
    Series::FundingUsd,
    Series::CashCostUsd,
    Series::InvestmentUsd,
];

impl Series {
    pub fn name(self) -> &'static str {
        match self {
            Series::GpusInstalled => "gpus_installed",
            Series::FacilityMw => "facility_mw",
            Series::Tokens => "tokens",
            Series::CostUsd => "cost_usd",
            Series::RevenueUsd => "revenue_usd",
            Series::CumulativeCashUsd => "cumulative_cash_usd",
            Series::OutputTokensPerGpuS => "output_tokens_per_gpu_s",
            Series::RevenuePerMtokUsd => "revenue_per_mtok_usd",
            Series::FundingUsd => "funding_usd",
            Series::CashCostUsd => "cash_cost_usd",
            Series::InvestmentUsd => "investment_usd",
        }
    }
    pub fn unit(self) -> &'static str {
        match self {
            Series::GpusInstalled => "GPUs (year average)",
            Series::FacilityMw => "MW (year average)",
            Series::Tokens => "tokens",
            Series::CostUsd | Series::RevenueUsd | Series::CumulativeCashUsd => "USD",
            Series::OutputTokensPerGpuS => "output tokens per second per GPU",
            Series::RevenuePerMtokUsd => "USD per million output tokens",
            Series::FundingUsd | Series::CashCostUsd | Series::InvestmentUsd => "USD",
        }
    }
}
