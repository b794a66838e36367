//! Writing tiles into an MBTiles file (<https://github.com/mapbox/mbtiles-spec>) that raidmap's
//! own reader (`tiles::mbtiles`) and other tools open as a tile-file basemap.
//!
//! The file is an SQLite database, so every batch of tiles is committed as one transaction: a
//! save that is interrupted (cancelled, killed, the machine off) leaves a valid file holding
//! every tile committed before, and the next save into it fills in only what is missing. A file
//! made for another source, or one that is not an MBTiles file, is never written into.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};

use super::super::{TileFormat, TileKey};

/// Why the file cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}: {source}", .path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{}: not an MBTiles file raidmap saved (it has no tiles table); choose another file name", .path.display())]
    Foreign { path: PathBuf },
    #[error("{}: holds tiles saved from {other}, not from {this}; choose another file name", .path.display())]
    OtherSource {
        path: PathBuf,
        other: String,
        this: String,
    },
}

/// An MBTiles file open for saving tiles.
pub struct Writer {
    path: PathBuf,
    connection: Connection,
    format: Option<TileFormat>,
}

/// The metadata key naming what a file was saved from (a label, never a URL with its key).
const SOURCE_KEY: &str = "raidmap:source";

impl Writer {
    /// Create `path`, or open it to continue a save of the same source (`source_id`).
    pub fn open(path: &Path, source_id: &str, name: &str) -> Result<Self, WriteError> {
        let err = |source| WriteError::Sqlite {
            path: path.to_owned(),
            source,
        };
        let existed = path.exists();
        let connection = Connection::open(path).map_err(err)?;
        let writer = Self {
            path: path.to_owned(),
            connection,
            format: None,
        };
        if existed {
            writer.check_existing(source_id)?;
        } else {
            writer.create(source_id, name).map_err(err)?;
        }
        let mut writer = writer;
        writer.format = writer.read_format().map_err(err)?;
        Ok(writer)
    }

    fn create(&self, source_id: &str, name: &str) -> rusqlite::Result<()> {
        self.connection.execute_batch(
            "BEGIN;
             CREATE TABLE metadata (name TEXT PRIMARY KEY, value TEXT);
             CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
             CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);
             COMMIT;",
        )?;
        self.set_metadata(&[
            ("name", name),
            ("type", "baselayer"),
            ("version", "1.0"),
            ("description", "Saved for offline use by raidmap"),
            (SOURCE_KEY, source_id),
        ])
    }

    fn check_existing(&self, source_id: &str) -> Result<(), WriteError> {
        let err = |source| WriteError::Sqlite {
            path: self.path.clone(),
            source,
        };
        let has = |table: &str| -> Result<bool, WriteError> {
            self.connection
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
                    [table],
                    |row| row.get(0),
                )
                .map_err(err)
        };
        if !has("tiles")? || !has("metadata")? {
            return Err(WriteError::Foreign {
                path: self.path.clone(),
            });
        }
        let saved_from: Option<String> = self
            .connection
            .query_row(
                "SELECT value FROM metadata WHERE name = ?1",
                [SOURCE_KEY],
                |row| row.get(0),
            )
            .optional()
            .map_err(err)?;
        match saved_from {
            Some(other) if other == source_id => Ok(()),
            Some(other) => Err(WriteError::OtherSource {
                path: self.path.clone(),
                other,
                this: source_id.to_owned(),
            }),
            None => Err(WriteError::Foreign {
                path: self.path.clone(),
            }),
        }
    }

    fn read_format(&self) -> rusqlite::Result<Option<TileFormat>> {
        let format: Option<String> = self
            .connection
            .query_row(
                "SELECT value FROM metadata WHERE name = 'format'",
                [],
                |row| row.get(0),
            )
            .optional()?;
        Ok(match format.as_deref() {
            Some("png") => Some(TileFormat::Png),
            Some("jpg") => Some(TileFormat::Jpeg),
            Some("webp") => Some(TileFormat::Webp),
            _ => None,
        })
    }

    fn set_metadata(&self, pairs: &[(&str, &str)]) -> rusqlite::Result<()> {
        let mut statement = self
            .connection
            .prepare_cached("INSERT OR REPLACE INTO metadata (name, value) VALUES (?1, ?2)")?;
        for (name, value) in pairs {
            statement.execute((name, value))?;
        }
        Ok(())
    }

    /// The tiles already in the file, between zoom levels `min` and `max`.
    pub fn present(&self, min: u8, max: u8) -> Result<HashSet<TileKey>, WriteError> {
        let err = |source| WriteError::Sqlite {
            path: self.path.clone(),
            source,
        };
        let mut statement = self
            .connection
            .prepare(
                "SELECT zoom_level, tile_column, tile_row FROM tiles WHERE zoom_level BETWEEN ?1 AND ?2",
            )
            .map_err(err)?;
        let rows = statement
            .query_map((min, max), |row| {
                Ok((
                    row.get::<_, u8>(0)?,
                    row.get::<_, u32>(1)?,
                    row.get::<_, u32>(2)?,
                ))
            })
            .map_err(err)?;
        let mut keys = HashSet::new();
        for row in rows {
            let (z, x, tms_y) = row.map_err(err)?;
            let key = TileKey::new(z, x, tms_y);
            // Flip the TMS row back (its own inverse).
            keys.insert(TileKey::new(z, x, key.tms_y()));
        }
        Ok(keys)
    }

    /// Store a batch of tiles in one transaction, with the metadata describing the whole file
    /// (format, zoom levels, bounds, credit) brought up to date.
    pub fn commit(
        &mut self,
        tiles: &[(TileKey, Vec<u8>)],
        describe: &FileDescription,
    ) -> Result<(), WriteError> {
        let path = self.path.clone();
        let err = move |source| WriteError::Sqlite {
            path: path.clone(),
            source,
        };
        if self.format.is_none() {
            self.format = tiles.iter().find_map(|(_, data)| TileFormat::sniff(data));
        }
        let transaction = self.connection.transaction().map_err(&err)?;
        {
            let mut insert = transaction
                .prepare_cached(
                    "INSERT OR REPLACE INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(&err)?;
            for (key, data) in tiles {
                insert
                    .execute((key.z, key.x, key.tms_y(), data))
                    .map_err(&err)?;
            }
            let format = match self.format {
                Some(TileFormat::Png) => Some("png"),
                Some(TileFormat::Jpeg) => Some("jpg"),
                Some(TileFormat::Webp) => Some("webp"),
                None => None,
            };
            let [w, s, e, n] = describe.bbox;
            let bounds = format!("{w},{s},{e},{n}");
            let (min, max): (Option<u8>, Option<u8>) = transaction
                .query_row(
                    "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .map_err(&err)?;
            let mut set = transaction
                .prepare_cached("INSERT OR REPLACE INTO metadata (name, value) VALUES (?1, ?2)")
                .map_err(&err)?;
            let mut pairs = vec![("bounds", bounds)];
            if let Some(format) = format {
                pairs.push(("format", format.to_owned()));
            }
            if let (Some(min), Some(max)) = (min, max) {
                pairs.push(("minzoom", min.to_string()));
                pairs.push(("maxzoom", max.to_string()));
            }
            if let Some(credit) = &describe.attribution {
                pairs.push(("attribution", credit.clone()));
            }
            for (name, value) in pairs {
                set.execute((name, value)).map_err(&err)?;
            }
        }
        transaction.commit().map_err(&err)
    }
}

/// What the file says about itself.
#[derive(Debug, Clone)]
pub struct FileDescription {
    /// `[west, south, east, north]` in degrees.
    pub bbox: [f64; 4],
    pub attribution: Option<String>,
}
