//! Subcommands that publish findings: `animate`, `report`, `publish` (a web map), with the
//! scenes they draw read by `publish_inputs.rs`.

pub mod animate;
pub mod publish;
pub(crate) mod publish_inputs;
pub mod report;
