//! Reading and writing layers: GeoJSON in and out, atomic file writes.
//!
//! The reader checks RFC 7946 itself and reports every problem with its place; the writer
//! reproduces unedited features byte for byte.

pub mod atomic;
pub mod geojson;

pub use self::geojson::{Problem, ReadError, Severity, read_path, read_str};
