//! raidmap: an offline map for tracking Cambodia's online-scam compounds.
//!
//! The crate is split so that everything except [`ui`] is plain data and logic that never names
//! egui, eframe or walkers: the command line, the tests and the benchmarks use the same core as
//! the GUI.

pub mod basemap;
pub mod cli;
pub mod coverage;
pub mod edit;
pub mod evidence;
pub mod georef;
pub mod io;
pub mod measure;
pub mod mercator;
pub mod merge;
pub mod model;
pub mod project;
pub mod publish;
pub mod render;
pub mod sample;
pub mod search;
pub mod style;
pub mod tiles;
pub mod timeline;
pub mod ui;
