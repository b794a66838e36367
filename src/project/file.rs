//! The JSON shape of a `.raidmap` file's `project.json` (serde), version [`FORMAT_VERSION`].
//! Version 2 added the custody log, the public keys a project is sealed to and the tile
//! privacy switch; version 3 the pictures pinned onto the map (so a raidmap that would drop
//! them refuses the file rather than losing them on its next save); older files read as before.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::evidence::CustodyLog;
use crate::model::Picture;
use crate::style::LayerStyle;

/// The version this raidmap writes and the highest it reads.
pub const FORMAT_VERSION: u32 = 3;

/// Only the version, read first so a newer file is refused before anything else is read.
#[derive(Deserialize)]
pub(super) struct Version {
    pub raidmap_project: u32,
}

/// A whole project file.
#[derive(Debug, Serialize, Deserialize)]
pub struct ProjectFile {
    /// The format version ([`FORMAT_VERSION`]).
    pub raidmap_project: u32,
    /// Layers in drawing order (the first at the bottom).
    #[serde(default)]
    pub layers: Vec<LayerEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<View>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basemap: Option<Value>,
    #[serde(default)]
    pub time_window: TimeWindow,
    /// The custody log of the project's evidence.
    #[serde(default, skip_serializing_if = "CustodyLog::is_empty")]
    pub custody: CustodyLog,
    /// The `age1…` public keys the project is sealed to (inside the sealed file only), so a
    /// save seals it to the same people.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<String>,
    /// Keep downloaded map tiles in memory only (no disk cache) while the project is open.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tiles_memory_only: bool,
    /// Pictures pinned onto the map (version 3), their images under `evidence/<sha256>` of
    /// the zip container.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pictures: Vec<Picture>,
}

/// One layer: by its file, or embedded as GeoJSON.
#[derive(Debug, Serialize, Deserialize)]
pub struct LayerEntry {
    pub name: String,
    /// `data` or `measurements`.
    #[serde(default = "data")]
    pub kind: String,
    /// The file the layer came from, relative to the project's folder when under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<PathBuf>,
    /// The layer itself, when embedded (edited layers, kept measurements): GeoJSON, written
    /// into the project as it is (not as a string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geojson: Option<Box<RawValue>>,
    #[serde(default = "yes")]
    pub visible: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<LayerStyle>,
    /// For a layer read from a database table: where it came from and what a later save needs
    /// (never a password). The layer itself is embedded in `geojson`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseEntry>,
}

/// A database layer's link to its table: the address (without a password), each row's version
/// as read, why it is read-only if it is, and the row each edited feature was read as (`null`
/// for a feature new in raidmap), by its index in the embedded layer.
#[derive(Debug, Serialize, Deserialize)]
pub struct DatabaseEntry {
    pub address: String,
    #[serde(default)]
    pub versions: std::collections::BTreeMap<String, u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edited: Vec<EditedRow>,
}

/// An edited feature of a database layer and the row it was read as.
#[derive(Debug, Serialize, Deserialize)]
pub struct EditedRow {
    pub index: usize,
    /// The row's GeoJSON text as read (`None`: the feature is new).
    pub base: Option<String>,
}

/// The map's centre and zoom.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// Longitude and latitude in degrees.
    pub center: [f64; 2],
    /// Web Mercator zoom level.
    pub zoom: f64,
}

/// The timeline's window: first and last UTC day (`YYYY-MM-DD`), either open.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TimeWindow {
    pub from: Option<String>,
    pub to: Option<String>,
}

fn data() -> String {
    "data".into()
}

fn yes() -> bool {
    true
}
