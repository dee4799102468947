//! # gwsim — the economics of gigawatt-scale AI compute deals
//!
//! gwsim reads a scenario file (TOML) that describes a compute commitment — fleet tranches of
//! rack-scale systems, facility power and PUE, cloud prices or ownership costs, investments, the
//! workload — samples every uncertain value, and evaluates the cost model of `MODEL.md` for each
//! sample. The result is a distribution for every metric: GPUs per gigawatt, cost per GPU-hour,
//! cost per million tokens, what a commitment buys, NPV.
//!
//! Data flows one way:
//!
//! ```text
//! TOML ─▶ scenario (parse, extends, --set, validate) ─▶ Scenario
//! Scenario ─▶ sampling (uniforms per value path; correlation) ─▶ model::evaluate ─▶ engine
//! engine ─▶ stats (summaries, quantiles) ─▶ report (table, JSON, CSV, Markdown)
//! ```
//!
//! Below the stages sit the pieces that more than one of them needs, so that no stage calls a
//! later one: `random` (seeded streams of `(seed, path, batch)`, for sampling's draws and the
//! statistics' bootstrap), `correlation` (the normal-copula matrix of the rank correlations and
//! its Cholesky factor, for scenario validation and sampling's copula), `dist` (the
//! distributions) and `error`.
//!
//! ```
//! let scenario = gwsim::scenario::load_str(
//!     gwsim::scenario::HEADLINE_TOML, "headline.toml", None, &[]).expect("valid");
//! assert!(scenario.fleet.len() >= 1);
//! ```

pub mod cli;
pub mod correlation;
pub mod dist;
pub mod engine;
pub mod error;
pub mod model;
pub mod random;
pub mod report;
pub mod sampling;
pub mod scenario;
pub mod stats;
