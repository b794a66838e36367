//! Reading MBTiles files: raster tiles in an SQLite database (<https://github.com/mapbox/mbtiles-spec>).
//!
//! Rows are numbered TMS-style (from the south) in the file; [`MbTiles`] takes and gives XYZ
//! keys. The file is opened read-only and never changed. PNG, JPEG and WebP tiles are accepted;
//! vector tiles (`pbf`) are refused with a clear message, since raidmap draws only raster tiles.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{LoadError, TileFormat, TileKey, TileLoader, TileSetInfo};

/// Why an MBTiles file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MbTilesError {
    #[error("{}: cannot read it as an MBTiles (SQLite) file", .path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{}: holds vector tiles ({format}); raidmap shows raster tiles (PNG, JPEG, WebP)", .path.display())]
    Vector { path: PathBuf, format: String },
    #[error("{}: tile format {format:?} is not PNG, JPEG or WebP", .path.display())]
    Format { path: PathBuf, format: String },
    #[error("{}: has no tiles", .path.display())]
    Empty { path: PathBuf },
}

/// An open MBTiles file.
pub struct MbTiles {
    path: PathBuf,
    /// SQLite connections are not `Sync`; lookups are quick, so one connection behind a lock
    /// serves every worker.
    connection: Mutex<Connection>,
    info: TileSetInfo,
}

impl std::fmt::Debug for MbTiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MbTiles")
            .field("path", &self.path)
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl MbTiles {
    /// Open a file read-only and read what it says about itself; the zoom levels come from the
    /// metadata, or from the tiles when the metadata does not say.
    pub fn open(path: &Path) -> Result<Self, MbTilesError> {
        let open_err = |source| MbTilesError::Open {
            path: path.to_owned(),
            source,
        };
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_err)?;
        let metadata = read_metadata(&connection).map_err(open_err)?;
        let (min_tiles, max_tiles): (Option<u8>, Option<u8>) = connection
            .query_row(
                "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(open_err)?;
        let (Some(min_tiles), Some(max_tiles)) = (min_tiles, max_tiles) else {
            return Err(MbTilesError::Empty {
                path: path.to_owned(),
            });
        };
        let zoom = |key: &str| metadata.get(key).and_then(|v| v.trim().parse::<u8>().ok());
        let min_zoom = zoom("minzoom").unwrap_or(min_tiles);
        let max_zoom = zoom("maxzoom").unwrap_or(max_tiles).max(min_zoom);
        let format = match metadata
            .get("format")
            .map(|f| f.trim().to_ascii_lowercase())
        {
            Some(f) if f == "png" => TileFormat::Png,
            Some(f) if f == "jpg" || f == "jpeg" => TileFormat::Jpeg,
            Some(f) if f == "webp" => TileFormat::Webp,
            Some(f) if f == "pbf" || f == "mvt" => {
                return Err(MbTilesError::Vector {
                    path: path.to_owned(),
                    format: f,
                });
            }
            Some(f) => {
                return Err(MbTilesError::Format {
                    path: path.to_owned(),
                    format: f,
                });
            }
            // The format is required by the spec but often missing: look at a tile.
            None => {
                let first: Vec<u8> = connection
                    .query_row("SELECT tile_data FROM tiles LIMIT 1", [], |row| row.get(0))
                    .map_err(open_err)?;
                TileFormat::sniff(&first).ok_or_else(|| MbTilesError::Format {
                    path: path.to_owned(),
                    format: "unknown".into(),
                })?
            }
        };
        let bounds = metadata.get("bounds").and_then(|b| parse_bounds(b));
        let info = TileSetInfo {
            name: metadata.get("name").cloned(),
            format,
            min_zoom,
            max_zoom,
            attribution: metadata.get("attribution").cloned(),
            bounds,
        };
        Ok(Self {
            path: path.to_owned(),
            connection: Mutex::new(connection),
            info,
        })
    }

    pub fn info(&self) -> &TileSetInfo {
        &self.info
    }
}

fn read_metadata(connection: &Connection) -> rusqlite::Result<HashMap<String, String>> {
    // Required by the spec, but some tools leave it out: then there is nothing to read.
    let has_metadata: bool = connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'metadata')",
        [],
        |row| row.get(0),
    )?;
    if !has_metadata {
        return Ok(HashMap::new());
    }
    let mut statement = connection.prepare("SELECT name, value FROM metadata")?;
    let rows = statement.query_map([], |row| {
        // Values are text by the spec; some writers store numbers as numbers.
        let value = match row.get::<_, rusqlite::types::Value>(1)? {
            rusqlite::types::Value::Text(t) => t,
            rusqlite::types::Value::Integer(i) => i.to_string(),
            rusqlite::types::Value::Real(r) => r.to_string(),
            _ => String::new(),
        };
        Ok((row.get::<_, String>(0)?, value))
    })?;
    rows.collect()
}

/// `"west,south,east,north"` in degrees.
fn parse_bounds(text: &str) -> Option<[f64; 4]> {
    let values: Vec<f64> = text
        .split(',')
        .map(|v| v.trim().parse().ok())
        .collect::<Option<_>>()?;
    <[f64; 4]>::try_from(values).ok()
}

impl TileLoader for MbTiles {
    fn load(&self, key: TileKey) -> Result<Option<Vec<u8>>, LoadError> {
        let connection = self
            .connection
            .lock()
            .map_err(|_| LoadError::MbTiles(rusqlite::Error::InvalidQuery))?;
        let mut statement = connection.prepare_cached(
            "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
        )?;
        Ok(statement
            .query_row((key.z, key.x, key.tms_y()), |row| row.get(0))
            .optional()?)
    }

    fn zoom_range(&self) -> RangeInclusive<u8> {
        self.info.min_zoom..=self.info.max_zoom
    }

    fn parallelism(&self) -> usize {
        2
    }

    fn attribution(&self) -> Option<String> {
        self.info.attribution.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_read_from_the_metadata_text() {
        assert_eq!(
            parse_bounds("102.3, 10.4,107.65,14.7"),
            Some([102.3, 10.4, 107.65, 14.7])
        );
        assert_eq!(parse_bounds("1,2,3"), None);
        assert_eq!(parse_bounds("a,b,c,d"), None);
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_refused_with_its_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("fake.mbtiles");
        std::fs::write(&path, "this is not a database, just text long enough").expect("write");
        let err = MbTiles::open(&path).expect_err("not SQLite").to_string();
        assert!(err.contains("fake.mbtiles"), "{err}");
        assert!(err.contains("cannot read it as an MBTiles"), "{err}");
    }
}
