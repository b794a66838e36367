//! The one integration-test binary (so the GUI crate links once).

mod cli_coverage;
mod cli_distances;
mod cli_geojson;
mod cli_measure;
mod geodesic_reference;
mod gui;
mod sample_data;
