//! Raster tile sources for the basemap: what they are, where their tiles come from, and the disk
//! cache for downloaded ones. Plain data and blocking I/O; the GUI (`ui::map::tiles`) runs loaders on
//! worker threads and turns their bytes into textures.
//!
//! What it promises:
//! - [`Source`] names every basemap the user can pick (the built-in offline one, OpenStreetMap,
//!   Esri World Imagery, OpenTopoMap, a typed XYZ URL template, a local `.mbtiles` or
//!   `.pmtiles` file); [`Source::parse`] reads the command line's `--basemap` value and checks it
//!   fully (a file is opened and read) so a bad value fails before any window opens.
//! - Nothing here touches the network until [`Source::open`] is called on an online source: that
//!   is the only place an HTTP client is built ([`http::HttpLoader::new`]).
//! - Tiles are addressed XYZ-style ([`TileKey`], row 0 at the north); the MBTiles reader flips
//!   rows itself (TMS) and URL templates can ask for TMS rows with `{-y}`.
//! - [`wayback`] lists Esri World Imagery's dated releases; [`save`] saves an area of a source
//!   into an MBTiles file for offline use, refusing sources whose terms forbid it.
//! - [`credit::join`] puts the credits of the sources drawn at once on one line, each once.
//! - Downloaded tiles are kept in a size-bounded [`cache::DiskCache`] in the platform cache
//!   folder, used first and used even when stale if the server cannot be reached.

pub mod cache;
pub mod credit;
pub mod http;
pub mod mbtiles;
pub mod pmtiles;
pub mod save;
pub mod source;
pub mod template;
pub mod wayback;

use std::ops::RangeInclusive;

pub use cache::DiskCache;
pub use source::{Source, SourceError, WaybackChoice};
pub use template::{TemplateError, UrlTemplate};

/// Where a tile lies in the XYZ ("slippy map") grid: `2^z × 2^z` tiles, `y = 0` at the north.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileKey {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl TileKey {
    pub fn new(z: u8, x: u32, y: u32) -> Self {
        Self { z, x, y }
    }

    /// The tile at zoom `z` holding a lon/lat position (clamped into the grid, latitudes to Web
    /// Mercator's ±85.05°).
    pub fn at(lon: f64, lat: f64, z: u8) -> Self {
        let world = crate::mercator::lon_lat_to_world(lon, lat);
        let size = f64::from(1u32 << z.min(30));
        let last = (1u32 << z.min(30)) - 1;
        let cell = |v: f64| ((v * size).floor().max(0.0) as u32).min(last);
        Self::new(z, cell(world.x), cell(world.y))
    }

    /// Whether the tile exists in its zoom level's grid.
    pub fn is_valid(&self) -> bool {
        self.z <= 30 && u64::from(self.x) < (1u64 << self.z) && u64::from(self.y) < (1u64 << self.z)
    }

    /// The row counted from the south, as TMS (and MBTiles) number rows.
    pub fn tms_y(&self) -> u32 {
        // Only meaningful for valid keys; saturating keeps an invalid one from panicking.
        ((1u64 << self.z.min(31)) - 1).saturating_sub(u64::from(self.y)) as u32
    }

    /// The tile at zoom `z` (at most this tile's zoom) that covers this one, and which part of it
    /// this tile is: `(u0, v0, size)` in the ancestor's texture coordinates (0..1, v down).
    pub fn ancestor(&self, z: u8) -> (TileKey, [f32; 3]) {
        let z = z.min(self.z);
        let shift = u32::from(self.z - z);
        let n = 1u64 << shift;
        let key = TileKey {
            z,
            x: (u64::from(self.x) >> shift) as u32,
            y: (u64::from(self.y) >> shift) as u32,
        };
        let size = 1.0 / n as f32;
        let u0 = (u64::from(self.x) % n) as f32 * size;
        let v0 = (u64::from(self.y) % n) as f32 * size;
        (key, [u0, v0, size])
    }
}

impl std::fmt::Display for TileKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// Why a tile could not be loaded. Loading is retried later (the GUI backs off), so these
/// describe a passing failure as much as a permanent one.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot reach {host}: {source}")]
    Connection {
        host: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{host} answered {status}")]
    Status { host: String, status: u16 },
    #[error("reading the MBTiles file failed: {0}")]
    MbTiles(#[from] rusqlite::Error),
    #[error("reading the PMTiles file failed: {0}")]
    PmTiles(#[from] ::pmtiles::PmtError),
}

/// Somewhere tiles come from: a tile server, an MBTiles or a PMTiles file. Called from worker
/// threads, so it must be shareable; `load` may block.
pub trait TileLoader: Send + Sync {
    /// The encoded image (PNG, JPEG or WebP) of a tile, or `Ok(None)` when the source has no
    /// tile there (outside its coverage).
    fn load(&self, key: TileKey) -> Result<Option<Vec<u8>>, LoadError>;

    /// The zoom levels the source has tiles for. Beyond the maximum, the GUI scales the tiles
    /// of the maximum zoom; below the minimum, it shows only the offline basemap.
    fn zoom_range(&self) -> RangeInclusive<u8>;

    /// How many tiles may be loaded at once (a tile server's policy, a file's reader).
    fn parallelism(&self) -> usize;

    /// Credit to show on the map, e.g. "© OpenStreetMap contributors".
    fn attribution(&self) -> Option<String>;
}

/// An error and its causes on one line ("cannot reach h: error sending request: connection
/// refused"), leaving out a cause whose text the line already has.
pub fn describe(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// The image format of a tile set, as far as raidmap is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileFormat {
    Png,
    Jpeg,
    Webp,
}

impl TileFormat {
    /// Guess a format from a tile's first bytes.
    pub fn sniff(data: &[u8]) -> Option<Self> {
        if data.starts_with(b"\x89PNG") {
            Some(Self::Png)
        } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if data.len() >= 12 && &data[0..4] == b"RIFF" && &data[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }
}

/// What a local tile file says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct TileSetInfo {
    pub name: Option<String>,
    pub format: TileFormat,
    pub min_zoom: u8,
    pub max_zoom: u8,
    pub attribution: Option<String>,
    /// `[west, south, east, north]` in degrees, when the file says.
    pub bounds: Option<[f64; 4]>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tms_rows_count_from_the_south() {
        assert_eq!(TileKey::new(0, 0, 0).tms_y(), 0);
        assert_eq!(TileKey::new(3, 5, 0).tms_y(), 7);
        assert_eq!(TileKey::new(3, 5, 7).tms_y(), 0);
        assert_eq!(TileKey::new(10, 800, 480).tms_y(), 1023 - 480);
    }

    #[test]
    fn an_ancestor_covers_its_descendant_and_says_which_part() {
        let key = TileKey::new(12, 3204, 1915);
        let (parent, [u, v, size]) = key.ancestor(10);
        assert_eq!(parent, TileKey::new(10, 801, 478));
        assert_eq!(size, 0.25);
        assert_eq!((u, v), (0.0, 0.75));
        // An ancestor at the tile's own zoom (or deeper) is the tile itself, whole.
        assert_eq!(key.ancestor(12), (key, [0.0, 0.0, 1.0]));
        assert_eq!(key.ancestor(14), (key, [0.0, 0.0, 1.0]));
    }

    #[test]
    fn formats_are_recognised_by_their_magic_bytes() {
        assert_eq!(
            TileFormat::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(TileFormat::Png)
        );
        assert_eq!(
            TileFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(TileFormat::Jpeg)
        );
        assert_eq!(
            TileFormat::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(TileFormat::Webp)
        );
        assert_eq!(TileFormat::sniff(b"\x1a\x03pbf"), None);
    }

    #[test]
    fn only_keys_inside_their_grid_are_valid() {
        assert!(TileKey::new(0, 0, 0).is_valid());
        assert!(!TileKey::new(0, 1, 0).is_valid());
        assert!(TileKey::new(5, 31, 31).is_valid());
        assert!(!TileKey::new(5, 31, 32).is_valid());
    }
}
