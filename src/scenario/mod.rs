//! Scenario files: parsing (with spans), `extends` and `--set` merging, validation into a typed
//! [`Scenario`], and the embedded system catalog.

mod types;

pub use types::*;

use std::path::Path;

use crate::error::ScenarioError;

/// The system catalog, embedded in the binary.
pub const CATALOG_TOML: &str = include_str!("../../scenarios/systems.toml");
/// The headline scenario, embedded in the binary (run by `gwsim run` without a file).
pub const HEADLINE_TOML: &str = include_str!("../../scenarios/anthropic-azure-nvidia-1gw.toml");
/// File name shown for the embedded headline scenario.
pub const HEADLINE_NAME: &str = "anthropic-azure-nvidia-1gw.toml";

/// Read, merge (`extends`, then each `--set PATH=VALUE` in order) and validate a scenario file.
pub fn load(path: &Path, sets: &[String]) -> Result<Scenario, ScenarioError> {
    todo!()
}

/// Same as [`load`] for text in memory; `file_label` names it in messages; `base_dir` resolves
/// `extends` (an `extends` without a base directory is an error).
pub fn load_str(
    text: &str,
    file_label: &str,
    base_dir: Option<&Path>,
    sets: &[String],
) -> Result<Scenario, ScenarioError> {
    todo!()
}

/// The embedded catalog, validated: every system with its fields as `Param`s whose paths are
/// `systems.<key>.<field>`.
pub fn catalog() -> Result<Vec<System>, ScenarioError> {
    todo!()
}
