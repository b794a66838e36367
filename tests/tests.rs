//! The one integration-test binary (so the GUI crate links once).

#[cfg(target_os = "linux")]
mod app_signals;
mod architecture;
#[cfg(target_os = "linux")]
mod chromium;
mod cli_basemap;
mod cli_coverage;
mod cli_distances;
mod cli_evidence;
mod cli_formats;
mod cli_geojson;
mod cli_imagery;
mod cli_measure;
mod cli_merge;
mod cli_postgis;
mod cli_project;
mod cli_publish;
mod cli_render;
mod crash_safety;
mod disk_errors;
mod formats_gdal;
mod formats_robustness;
mod fuzz_corpora;
mod geodesic_reference;
mod gui;
mod gui_basemap;
mod gui_database;
mod gui_editing;
mod gui_encrypted;
mod gui_evidence;
mod gui_imagery;
mod gui_layout;
mod gui_maps;
mod gui_merge;
mod gui_pinned;
mod gui_publish;
mod gui_readable;
mod gui_tile_privacy;
mod postgis;
mod postgis_concurrency;
mod postgis_server;
#[cfg(target_os = "linux")]
mod privacy;
mod sample_data;
mod tile_server;
mod tiles;
mod tiles_save;
mod util;
mod wayback;
