//! Publishing the findings: an animated map of the raids ([`animate`]), a PDF case report
//! ([`report`]) and a web map in one self-contained HTML file ([`webmap`]).
//!
//! The CLI (`raidmap animate`, `report`, `publish`) and the window (*Export animation…*,
//! *Export report…*, *Publish web map…*) both start from a [`Scene`]: the layers, how each is
//! shown, the files they came from and the time window. Map pictures are drawn by the same
//! renderer as the window and `raidmap render`, reached only through [`draw`], so what is
//! published is what the user saw. Every file is written with [`crate::io::write_atomic`].

pub mod animate;
pub mod draw;
pub mod inputs;
pub mod report;
pub mod webmap;

pub use inputs::{Loaded, Scene, Shown, SourceFile, load, sample};
