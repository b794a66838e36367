//! Reading PMTiles v3 files (<https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md>)
//! with the `pmtiles` crate, the one walkers' `pmtiles` feature uses.
//!
//! Why not walkers' own `PmTiles` tile source: it assumes a maximum zoom of 15 whatever the file
//! says (so over-zoom past a file's real maximum shows blanks), reopens the file for every tile,
//! keeps a failed tile blank for good, and memory-maps the file, which crashes the process
//! (SIGBUS) if the file is truncated while open. Here the file is read with ordinary positional
//! reads ([`FileBackend`]), directories are cached, and the zoom levels, bounds and attribution
//! come from the file. The crate's reader is `async` but does no real waiting with this backend,
//! so it is driven with a plain `block_on` on the tile worker threads.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ::pmtiles::{
    AsyncBackend, AsyncPmTilesReader, BackendResponse, HashMapCache, PmtError, PmtResult,
    TileCoord, TileType,
};
use futures::executor::block_on;

use super::{LoadError, TileFormat, TileKey, TileLoader, TileSetInfo};

/// Why a PMTiles file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PmTilesError {
    #[error("{}: cannot open it", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}: not a readable PMTiles v3 file", .path.display())]
    Invalid {
        path: PathBuf,
        #[source]
        source: PmtError,
    },
    #[error("{}: holds vector tiles (MVT); raidmap shows raster tiles (PNG, JPEG, WebP)", .path.display())]
    Vector { path: PathBuf },
    #[error("{}: its tiles are {kind}, not PNG, JPEG or WebP", .path.display())]
    Format { path: PathBuf, kind: String },
}

/// A file read with positional reads, for the `pmtiles` reader.
pub struct FileBackend {
    file: Mutex<File>,
}

impl FileBackend {
    pub fn open(path: &Path) -> io::Result<Self> {
        Ok(Self {
            file: Mutex::new(File::open(path)?),
        })
    }

    /// Up to `length` bytes from `offset` (fewer at the end of the file).
    fn read_at(&self, offset: usize, length: usize) -> io::Result<Vec<u8>> {
        let mut file = self
            .file
            .lock()
            .map_err(|_| io::Error::other("the PMTiles file's lock was poisoned"))?;
        file.seek(SeekFrom::Start(offset as u64))?;
        let mut buffer = Vec::with_capacity(length.min(16 << 20));
        file.by_ref().take(length as u64).read_to_end(&mut buffer)?;
        Ok(buffer)
    }
}

impl AsyncBackend for FileBackend {
    fn read(
        &self,
        offset: usize,
        length: usize,
    ) -> impl Future<Output = PmtResult<BackendResponse>> + Send {
        let result = self
            .read_at(offset, length)
            .map(|bytes| BackendResponse::new(bytes::Bytes::from(bytes)))
            .map_err(PmtError::Reading);
        std::future::ready(result)
    }
}

/// An open PMTiles file.
pub struct PmTilesFile {
    path: PathBuf,
    reader: AsyncPmTilesReader<FileBackend, HashMapCache>,
    info: TileSetInfo,
}

impl std::fmt::Debug for PmTilesFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PmTilesFile")
            .field("path", &self.path)
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl PmTilesFile {
    /// Open a file, check its header and read its metadata.
    pub fn open(path: &Path) -> Result<Self, PmTilesError> {
        let backend = FileBackend::open(path).map_err(|source| PmTilesError::Io {
            path: path.to_owned(),
            source,
        })?;
        let invalid = |source| PmTilesError::Invalid {
            path: path.to_owned(),
            source,
        };
        let reader = block_on(AsyncPmTilesReader::try_from_cached_source(
            backend,
            HashMapCache::default(),
        ))
        .map_err(invalid)?;
        let header = reader.get_header();
        let format = match header.tile_type {
            TileType::Png => TileFormat::Png,
            TileType::Jpeg => TileFormat::Jpeg,
            TileType::Webp => TileFormat::Webp,
            TileType::Mvt => {
                return Err(PmTilesError::Vector {
                    path: path.to_owned(),
                });
            }
            other => {
                return Err(PmTilesError::Format {
                    path: path.to_owned(),
                    kind: format!("{other:?}"),
                });
            }
        };
        let metadata: serde_json::Value = block_on(reader.get_metadata())
            .ok()
            .and_then(|m| serde_json::from_str(&m).ok())
            .unwrap_or_default();
        let text = |key: &str| {
            metadata
                .get(key)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        let bounds = [
            header.min_longitude,
            header.min_latitude,
            header.max_longitude,
            header.max_latitude,
        ];
        let info = TileSetInfo {
            name: text("name"),
            format,
            min_zoom: header.min_zoom,
            max_zoom: header.max_zoom.max(header.min_zoom),
            attribution: text("attribution"),
            bounds: (bounds[0] < bounds[2] && bounds[1] < bounds[3]).then_some(bounds),
        };
        Ok(Self {
            path: path.to_owned(),
            reader,
            info,
        })
    }

    pub fn info(&self) -> &TileSetInfo {
        &self.info
    }
}

impl TileLoader for PmTilesFile {
    fn load(&self, key: TileKey) -> Result<Option<Vec<u8>>, LoadError> {
        let coord = TileCoord::new(key.z, key.x, key.y)?;
        Ok(block_on(self.reader.get_tile_decompressed(coord))?.map(|b| b.to_vec()))
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
    fn a_file_that_is_not_pmtiles_is_refused_with_its_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("fake.pmtiles");
        std::fs::write(&path, vec![b'x'; 300]).expect("write");
        let err = PmTilesFile::open(&path)
            .expect_err("not PMTiles")
            .to_string();
        assert!(err.contains("fake.pmtiles"), "{err}");
        assert!(err.contains("not a readable PMTiles v3 file"), "{err}");
    }

    #[test]
    fn positional_reads_stop_at_the_end_of_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bytes");
        std::fs::write(&path, b"0123456789").expect("write");
        let backend = FileBackend::open(&path).expect("open");
        assert_eq!(backend.read_at(2, 3).expect("read"), b"234");
        assert_eq!(backend.read_at(8, 100).expect("read"), b"89");
        assert_eq!(backend.read_at(10, 5).expect("read"), b"");
    }
}
