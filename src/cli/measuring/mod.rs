//! Subcommands that measure: `measure` (two places), `distances` (one to all), `area`.

pub mod area;
pub mod distances;
pub mod measure;
