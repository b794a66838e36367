//! Reading and writing layers: GeoJSON in and out, atomic file writes.
//!
//! The reader checks RFC 7946 itself and reports every problem with its place; the writer
//! reproduces unedited features byte for byte; [`atomic::write_atomic`] never leaves a
//! half-written file behind.

pub mod atomic;
pub mod geojson;

pub use self::atomic::{AtomicWriteError, write_atomic};
pub use self::geojson::{
    Problem, ReadError, Severity, check_str, read_bytes, read_path, read_str, to_string,
    write_layer, write_merged,
};

use std::path::Path;

use crate::model::Layer;

/// Save `layer` as GeoJSON at `path`, atomically (see [`geojson::write`] for what is kept).
pub fn write_layer_file(layer: &Layer, path: &Path) -> Result<(), AtomicWriteError> {
    write_atomic(path, |w| write_layer(layer, w))
}

/// Save every feature of `layers` as one FeatureCollection at `path`, atomically.
pub fn write_merged_file(layers: &[&Layer], path: &Path) -> Result<(), AtomicWriteError> {
    write_atomic(path, |w| write_merged(layers, w))
}
