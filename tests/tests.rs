//! The one integration-test binary (so the GUI crate links once).

mod cli_coverage;
mod cli_geojson;
mod cli_measure;
mod gui;
mod sample_data;
