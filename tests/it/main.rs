//! The integration tests, in one binary so that the crate is linked once.

mod charts_render;
mod cli;
mod cli_sensitivity;
mod common;
mod compare;
mod compat;
mod dist_props;
mod dist_stats;
mod dist_table;
mod engine_correlations;
mod model_batch;
mod sampling_copula;
mod sampling_sobol;
mod sampling_streams;
mod scenario_extends;
mod scenario_fuzz;
mod scenario_invalid;
mod scenario_valid;
mod scenarios_all;
mod sensitivity_engine;
mod sensitivity_sobol;
mod stats_histogram;
mod stats_select;
mod stats_sketch;
mod stats_summary;
mod sweep;
